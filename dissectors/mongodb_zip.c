/* mongodb_zip.c -- OP_COMPRESSED payloads: snappy (self-contained: Debian 12
 * ships no libsnappy headers), zlib and zstd through codec.h. */
#include "mongodb.h"
#include "codec.h"
#include "cursor.h"

#include <string.h>

/* Snappy: varint uncompressed length, then elements. The low two bits of a
 * tag say which: 00 literal (length-1 in the tag's top 6 bits, or 60..63 =
 * 1..4 little-endian length bytes follow), 01 copy with 3-bit length-4 and
 * 11-bit offset, 10 copy with 6-bit length-1 and 16-bit offset, 11 the same
 * with a 32-bit offset. Copies may overlap their output. */
long mongodb_snappy(const uint8_t *p, size_t len, uint8_t *out, size_t cap)
{
    struct cursor c = cur_init(p, len);
    uint64_t total = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (shift > 28) return -1;
        uint8_t b = cur_u8(&c);
        if (!cur_ok(&c)) return -1;
        total |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
    }
    if (total > cap) return -1;
    size_t o = 0;
    while (cur_left(&c)) {
        uint8_t tag = cur_u8(&c);
        size_t n, off = 0;
        switch (tag & 3) {
        case 0: {
            n = (size_t)(tag >> 2) + 1;
            if (n > 60) {
                unsigned k = (unsigned)n - 60;   /* 1..4 length bytes */
                n = 0;
                for (unsigned i = 0; i < k; i++) n |= (size_t)cur_u8(&c) << (8 * i);
                n += 1;
            }
            const uint8_t *lit = cur_take(&c, n);
            if (!lit || n > total - o) return -1;
            memcpy(out + o, lit, n);
            o += n;
            continue;
        }
        case 1:
            n = 4 + ((tag >> 2) & 7);
            off = (size_t)(tag >> 5) << 8 | cur_u8(&c);
            break;
        case 2:
            n = (size_t)(tag >> 2) + 1;
            off = cur_le16(&c);
            break;
        default:
            n = (size_t)(tag >> 2) + 1;
            off = cur_le32(&c);
            break;
        }
        if (!cur_ok(&c) || off == 0 || off > o || n > total - o) return -1;
        for (size_t i = 0; i < n; i++, o++) out[o] = out[o - off];
    }
    return o == total ? (long)o : -1;
}

static int run_codec(enum codec_type t, const uint8_t *p, size_t len, uint8_t *out, size_t want)
{
    struct codec *cd = codec_new(t);
    if (!cd) return -1;
    size_t got = 0, in = 0;
    int rc = -1;
    for (;;) {
        size_t used = 0, made = 0;
        uint8_t spill[1];
        /* one spare byte beyond want tells "too long" from "exactly right" */
        bool full = got == want;
        enum codec_status s = codec_feed(cd, p + in, len - in, &used, full ? spill : out + got,
                                         full ? sizeof spill : want - got, &made);
        in += used;
        if (full && made) break;
        got += made;
        if (s == CODEC_ERROR) break;
        if (s == CODEC_END || (s == CODEC_OK && in == len)) {
            rc = got == want ? 0 : -1;
            break;
        }
        if (s == CODEC_OK && used == 0 && made == 0) break;
    }
    codec_free(cd);
    return rc;
}

int mongodb_decompress(uint8_t id, const uint8_t *p, size_t len, uint8_t *out, size_t want)
{
    switch (id) {
    case 0:
        if (len != want) return -1;
        if (len) memcpy(out, p, len);
        return 0;
    case 1: {
        long n = mongodb_snappy(p, len, out, want);
        return n == (long)want ? 0 : -1;
    }
    case 2: return run_codec(CODEC_DEFLATE, p, len, out, want);
    case 3: return run_codec(CODEC_ZSTD, p, len, out, want);
    default: return -2;
    }
}
