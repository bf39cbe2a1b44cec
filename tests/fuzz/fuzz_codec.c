/* fuzz_codec.c -- libFuzzer target: the content decoders (gzip, deflate,
 * brotli, zstd, stacked).
 *
 * Input: one byte choosing one or two layers, one byte seeding the piece
 * sizes, then the encoded body. Output goes to a small buffer and is capped at
 * 1 MB, as the HTTP layer caps a bomb, so a bomb costs time only up to the cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "codec.h"

#define FZ_CODEC_OUT_CAP (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    static const enum codec_type kinds[] = { CODEC_GZIP, CODEC_DEFLATE, CODEC_BR, CODEC_ZSTD, CODEC_IDENTITY };
    const size_t nk = sizeof kinds / sizeof kinds[0];
    enum codec_type types[2];
    size_t nt = 1;
    types[0] = kinds[(data[0] & 0x0f) % nk];
    if (data[0] & 0x80) { types[1] = kinds[((data[0] >> 4) & 7) % nk]; nt = 2; }
    uint32_t rnd = data[1] * 2654435761u + 1;
    struct codec *c = nt == 1 ? codec_new(types[0]) : codec_new_stack(types, nt);
    if (!c) return 0;
    const uint8_t *in = data + 2;
    size_t left = size - 2;
    uint8_t out[1024];
    uint64_t total = 0;
    enum codec_status s = CODEC_OK;
    for (unsigned it = 0; it < (1u << 16) && s != CODEC_ERROR && s != CODEC_END && total < FZ_CODEC_OUT_CAP; it++) {
        rnd = rnd * 1103515245u + 12345u;
        size_t piece = left ? 1 + (rnd >> 16) % (left < 300 ? left : 300) : 0;
        uint8_t *buf = malloc(piece ? piece : 1);
        if (!buf) break;
        memcpy(buf, in, piece);
        size_t used = 0, made = 0;
        s = codec_feed(c, buf, piece, &used, out, 1 + (rnd >> 8) % sizeof out, &made);
        free(buf);
        if (used > piece || made > sizeof out) abort();
        total += made;
        in += used;
        left -= used;
        if (s == CODEC_OK && left == 0) break;
    }
    (void)codec_total_in(c);
    codec_free(c);
    (void)codec_name(types[0]);
    return 0;
}
