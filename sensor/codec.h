/* codec.h -- streaming Content-Encoding decoders (gzip, deflate, br, zstd).
 *
 * A codec turns a compressed byte stream into plain bytes, a piece at a time,
 * into a buffer the caller owns: nothing here ever holds a whole body. The
 * HTTP dissector feeds response-body payload through one codec per body, the
 * MongoDB dissector (OP_COMPRESSED) can do the same.
 *
 * A codec may stack several layers ("Content-Encoding: gzip, br" was gzipped,
 * then brotli'd: the wire is decoded by br first, then by gzip). Layers are
 * chained with fixed intermediate buffers allocated once in codec_new_stack().
 *
 * Memory: gzip and deflate hold ISA-L's inflate state (about 85 KiB, with its
 * 32 KiB window), brotli up to 16 MiB, zstd is limited
 * to a 8 MiB window (RFC 8878 section 3.1.1.1.2, the HTTP profile): frames
 * asking for more are a decode error, not an allocation.
 */
#ifndef BW_CODEC_H
#define BW_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include "bytes.h"

enum codec_type {
    CODEC_IDENTITY = 0,
    CODEC_GZIP,          /* gzip, x-gzip (also accepts a zlib stream) */
    CODEC_DEFLATE,       /* zlib-wrapped or raw deflate, detected from the first bytes */
    CODEC_BR,
    CODEC_ZSTD,
    CODEC_UNKNOWN,
};

enum codec_status {
    CODEC_OK = 0,        /* all input consumed, more input wanted */
    CODEC_MORE_OUTPUT,   /* out is full: call again (with the unconsumed input, maybe none) */
    CODEC_END,           /* the stream ended; input after the end was consumed and ignored */
    CODEC_ERROR,         /* corrupt stream; the codec may not be fed again */
};

#define CODEC_MAX_LAYERS 4

struct codec;

/* Map one Content-Encoding token (case-insensitive, surrounding blanks
 * ignored) to a codec type; CODEC_UNKNOWN for anything not handled. */
enum codec_type codec_from_name(struct bytes name);

/* Printable name of a type ("gzip", ...). */
const char *codec_name(enum codec_type t);

/* Create a one-layer decoder. Returns NULL on out of memory or for
 * CODEC_UNKNOWN. CODEC_IDENTITY gives a pass-through codec. Free with
 * codec_free(). */
struct codec *codec_new(enum codec_type t);

/* Create a decoder for n layers: types[0] is the encoding applied first by
 * the sender (leftmost in Content-Encoding), so it is decoded last. n must be
 * 1..CODEC_MAX_LAYERS. Returns NULL on out of memory, on a bad n, or if a type
 * is CODEC_UNKNOWN. */
struct codec *codec_new_stack(const enum codec_type *types, size_t n);

/* Free a codec; NULL is a no-op. */
void codec_free(struct codec *c);

/* Decode. Reads at most len bytes of in (NULL is fine when len is 0, to
 * drain output held inside the decoder) and writes at most outcap bytes to
 * out; *consumed and *produced say how many. See enum codec_status for the
 * result; callers loop while CODEC_MORE_OUTPUT. Once CODEC_END or
 * CODEC_ERROR was returned, further calls return the same and do nothing. */
enum codec_status codec_feed(struct codec *c, const uint8_t *in, size_t len, size_t *consumed,
                             uint8_t *out, size_t outcap, size_t *produced);

/* Total compressed bytes consumed so far (all calls). */
uint64_t codec_total_in(const struct codec *c);

#endif
