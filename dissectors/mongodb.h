/* mongodb.h -- the MongoDB wire protocol dissector: what its tests and the
 * OP_COMPRESSED helper share.
 *
 * Message header (all fields little-endian int32), then the opcode's body:
 *
 *   0       4           8            12       16
 *   +-------+-----------+------------+--------+----------- - -
 *   |length | requestID | responseTo | opCode | body (length - 16 bytes)
 *   +-------+-----------+------------+--------+----------- - -
 *
 * Spec: https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
 */
#ifndef BW_MONGODB_H
#define BW_MONGODB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    MONGO_OP_REPLY = 1,
    MONGO_OP_UPDATE = 2001,
    MONGO_OP_INSERT = 2002,
    MONGO_OP_QUERY = 2004,
    MONGO_OP_GET_MORE = 2005,
    MONGO_OP_DELETE = 2006,
    MONGO_OP_KILL_CURSORS = 2007,
    MONGO_OP_COMMAND = 2010,         /* 3.2-3.6 internal; recognised, not rendered */
    MONGO_OP_COMMANDREPLY = 2011,
    MONGO_OP_COMPRESSED = 2012,
    MONGO_OP_MSG = 2013,
};

#define MONGO_HDR 16u
/* The server's maxMessageSizeBytes. Not a cap but a recognition rule: a
 * longer length field means the bytes are not MongoDB (probe, framing). The
 * caps on what is buffered and rendered are configuration (config.h):
 * --mongodb-max-message, --mongodb-max-json, --bson-max-depth and
 * --bson-max-elements, counted as too_big, json_capped, depth_capped and
 * elems_capped. */
#define MONGO_MAX_MSG 48000000u
#define MONGO_PENDING 32u             /* requests awaiting a reply, per connection */
#define MONGO_RESYNC_HOLD 4096u       /* bytes held while looking for a header after a gap */

/* Counters (names in mongodb.c). */
enum {
    MC_MESSAGES, MC_REQUESTS, MC_REPLIES, MC_TXNS, MC_BAD_HEADER, MC_TOO_BIG, MC_MALFORMED,
    MC_BSON_MALFORMED, MC_DEPTH_CAPPED, MC_ELEMS_CAPPED, MC_JSON_CAPPED, MC_COMPRESSED,
    MC_DECOMPRESS_ERROR, MC_UNKNOWN_COMPRESSOR, MC_CHECKSUM, MC_ORPHAN_REPLY, MC_PENDING_FULL,
    MC_AUTH_OK, MC_AUTH_FAILED, MC_GAP, MC_RESYNC, MC_UNANSWERED, MC_LEGACY_OP, MC_OOM, MC__COUNT
};

/* Is this a known opcode? */
bool mongodb_opcode_known(int32_t op);

/* Decompress an OP_COMPRESSED payload with compressor id (0 noop, 1 snappy,
 * 2 zlib, 3 zstd) into out, which must hold exactly `want` bytes (the
 * uncompressedSize of the message). Returns 0 when exactly want bytes came
 * out, -1 on a corrupt stream or a size mismatch, -2 for an unknown
 * compressor. Allocates only inside the zlib/zstd codecs. */
int mongodb_decompress(uint8_t id, const uint8_t *p, size_t len, uint8_t *out, size_t want);

/* Raw snappy (https://github.com/google/snappy/blob/main/format_description.txt)
 * into out (cap bytes). Returns the decoded length, or -1 when the stream is
 * corrupt or does not fit. */
long mongodb_snappy(const uint8_t *p, size_t len, uint8_t *out, size_t cap);

#endif
