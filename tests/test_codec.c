/* test_codec.c -- streaming Content-Encoding decoders. Compressed inputs are
 * made here with zlib and zstd; brotli comes from an embedded sample (only
 * the decoder library is linked by the Makefile; the sample was made once
 * with libbrotlienc's BrotliEncoderCompress from br_plain()). */
#include "test.h"

#include <zlib.h>
#include <zstd.h>

#include "codec.h"

/* Text the embedded brotli sample was made from (see br_sample below). */
static size_t br_plain(char *out, size_t cap)
{
    size_t n = 0;
    for (int i = 0; i < 60; i++)
        n += (size_t)snprintf(out + n, cap - n, "row %d: Alice Example <alice%d@example.com> +31 6 1234 56%02d\n",
                              i, i, i);
    return n;
}

/* brotli (quality 9) of br_plain(), made with libbrotlienc's BrotliEncoderCompress */
static const uint8_t br_sample[241] = {
    0x1b, 0xfb, 0x0d, 0x00, 0x04, 0x3e, 0xf6, 0x93, 0xf5, 0x95, 0xf4, 0xbb,
    0x65, 0x77, 0xef, 0xee, 0x6f, 0x13, 0x11, 0x4d, 0x51, 0xc4, 0x20, 0x08,
    0x82, 0x45, 0xfa, 0xff, 0xb8, 0x67, 0xe3, 0xef, 0xc4, 0xb6, 0x6a, 0x01,
    0x27, 0xdf, 0x38, 0xbc, 0xca, 0x8d, 0x87, 0xcc, 0x31, 0x10, 0x16, 0xb2,
    0xe9, 0xaf, 0xfe, 0xfe, 0x7d, 0xff, 0x63, 0x3d, 0x8f, 0xfb, 0xe7, 0xfd,
    0x7c, 0x8d, 0x1d, 0xc7, 0x33, 0x2e, 0x8f, 0x7c, 0xd6, 0xdb, 0xc5, 0xdf,
    0x03, 0x87, 0x3f, 0xae, 0xe3, 0x84, 0xc6, 0x1c, 0x32, 0x19, 0x9d, 0xeb,
    0xba, 0xb4, 0x41, 0xac, 0x13, 0x98, 0x7d, 0x06, 0x98, 0x03, 0xc2, 0xb9,
    0x40, 0xb9, 0x57, 0x98, 0x3c, 0x6f, 0xc2, 0xc6, 0xdb, 0x6d, 0xb0, 0xf3,
    0x7e, 0x3b, 0x1c, 0x7c, 0xdc, 0xb1, 0xe8, 0x91, 0x66, 0x79, 0xe9, 0x2b,
    0x5f, 0x4b, 0x8b, 0xcc, 0x92, 0x16, 0x99, 0x25, 0x2d, 0x32, 0x4b, 0x5a,
    0x64, 0x96, 0xb4, 0xc8, 0x2c, 0x69, 0x91, 0x59, 0xd2, 0x22, 0xb3, 0xa4,
    0x45, 0x66, 0x49, 0x62, 0x76, 0x16, 0xb3, 0xb3, 0x98, 0x9d, 0xc5, 0xec,
    0x2c, 0x66, 0x67, 0x31, 0x3b, 0x8b, 0xd9, 0x59, 0xcc, 0xce, 0x62, 0x76,
    0x16, 0xb3, 0xb3, 0xc0, 0x84, 0xc0, 0x84, 0xc0, 0x84, 0xc0, 0x84, 0xc0,
    0x84, 0xc0, 0x84, 0xc0, 0x84, 0xc0, 0x84, 0xc0, 0x84, 0xc0, 0x84, 0x84,
    0x53, 0x24, 0x9c, 0x22, 0xe1, 0x14, 0x09, 0xa7, 0x48, 0x38, 0x45, 0xc2,
    0x29, 0x12, 0x4e, 0x91, 0x70, 0x8a, 0x84, 0x53, 0x24, 0x9c, 0x22, 0xe5,
    0x56, 0x29, 0xb7, 0x4a, 0xb9, 0x55, 0xca, 0xad, 0x52, 0x6e, 0x95, 0x72,
    0xab, 0x94, 0x5b, 0xa5, 0xdc, 0x2a, 0xe5, 0x56, 0x29, 0xf7, 0xe9, 0xb1,
    0x00,
};

/* ---- helpers ---- */

static uint8_t *dup_exact(const void *p, size_t n)
{
    uint8_t *b = malloc(n ? n : 1);
    memcpy(b, p, n);
    return b;
}

/* zlib deflate with the given windowBits (31 gzip, 15 zlib, -15 raw). */
static size_t zcompress(const uint8_t *in, size_t len, uint8_t *out, size_t cap, int wbits)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, wbits, 9, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int r = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    return r == Z_STREAM_END ? n : 0;
}

struct decoded {
    uint8_t *p;
    size_t len;
    enum codec_status last;
    int saw_end;
};

/* Feed in pieces of `step` bytes (each in its own exact-size buffer) with an
 * output buffer of outcap bytes; collect the output. */
static struct decoded decode(struct codec *c, const uint8_t *in, size_t len, size_t step, size_t outcap)
{
    struct decoded d = { malloc(1 << 22), 0, CODEC_OK, 0 };
    uint8_t *out = malloc(outcap);
    size_t off = 0;
    while (off < len || d.last == CODEC_MORE_OUTPUT) {
        size_t k = len - off < step ? len - off : step;
        uint8_t *piece = dup_exact(in + off, k);
        size_t done = 0;
        do {
            size_t used = 0, made = 0;
            d.last = codec_feed(c, piece + done, k - done, &used, out, outcap, &made);
            done += used;
            if (d.len + made <= (1u << 22)) memcpy(d.p + d.len, out, made);
            d.len += made;
            if (d.last == CODEC_END) d.saw_end = 1;
            if (d.last == CODEC_ERROR) break;
            if (!used && !made && d.last != CODEC_MORE_OUTPUT) break;
        } while (done < k || d.last == CODEC_MORE_OUTPUT);
        free(piece);
        off += k;
        if (d.last == CODEC_ERROR) break;
    }
    free(out);
    return d;
}

static size_t sample_text(uint8_t *buf, size_t cap)
{
    size_t n = 0;
    for (unsigned i = 0; n + 64 < cap && i < 3000; i++)
        n += (size_t)snprintf((char *)buf + n, cap - n, "%u;Bob %u;bob%u@corp%u.example;+44 20 7946 %04u\n",
                              i, i, i, i % 17, i);
    return n;
}

static void check_roundtrip(enum codec_type t, const uint8_t *plain, size_t plen,
                            const uint8_t *comp, size_t clen)
{
    static const size_t steps[] = { 1, 7, 1000, 1 << 20 };
    static const size_t outs[] = { 1, 13, 16384 };
    for (size_t i = 0; i < 4; i++) {
        for (size_t j = 0; j < 3; j++) {
            if (steps[i] == 1 && outs[j] == 1 && clen > 4096) continue;   /* slow, no new path */
            struct codec *c = codec_new(t);
            CHECK(c != NULL);
            if (!c) return;
            struct decoded d = decode(c, comp, clen, steps[i], outs[j]);
            CHECK_EQ(d.len, plen);
            CHECK(d.len == plen && memcmp(d.p, plain, plen) == 0);
            CHECK(d.saw_end);
            CHECK_EQ(codec_total_in(c), clen);
            free(d.p);
            codec_free(c);
        }
    }
}

/* ---- tests ---- */

static void t_names(void)
{
    CHECK_EQ(codec_from_name(bytes_str("gzip")), CODEC_GZIP);
    CHECK_EQ(codec_from_name(bytes_str(" X-GZIP ")), CODEC_GZIP);
    CHECK_EQ(codec_from_name(bytes_str("Deflate")), CODEC_DEFLATE);
    CHECK_EQ(codec_from_name(bytes_str("br")), CODEC_BR);
    CHECK_EQ(codec_from_name(bytes_str("zstd")), CODEC_ZSTD);
    CHECK_EQ(codec_from_name(bytes_str("identity")), CODEC_IDENTITY);
    CHECK_EQ(codec_from_name(bytes_str("compress")), CODEC_UNKNOWN);
    CHECK_EQ(codec_from_name(bytes_str("")), CODEC_UNKNOWN);
    CHECK(codec_new(CODEC_UNKNOWN) == NULL);
    codec_free(NULL);
}

static void t_gzip(void)
{
    static uint8_t plain[200000], comp[200000];
    size_t n = sample_text(plain, sizeof plain);
    size_t c = zcompress(plain, n, comp, sizeof comp, 31);
    CHECK(c > 0 && c < n);
    check_roundtrip(CODEC_GZIP, plain, n, comp, c);
}

static void t_gzip_multimember(void)
{
    static uint8_t plain[20000], comp[40000];
    size_t n = sample_text(plain, 9000);
    size_t h = n / 2;
    size_t c1 = zcompress(plain, h, comp, sizeof comp, 31);
    size_t c2 = zcompress(plain + h, n - h, comp + c1, sizeof comp - c1, 31);
    CHECK(c1 && c2);
    check_roundtrip(CODEC_GZIP, plain, n, comp, c1 + c2);
    /* "gzip" that is really a zlib stream, then a gzip member: the second
     * member is read as gzip, not with the first one's wrapper */
    c1 = zcompress(plain, h, comp, sizeof comp, 15);
    c2 = zcompress(plain + h, n - h, comp + c1, sizeof comp - c1, 31);
    CHECK(c1 && c2 && comp[0] != 0x1f && comp[c1] == 0x1f);
    check_roundtrip(CODEC_GZIP, plain, n, comp, c1 + c2);
}

static void t_deflate_zlib_and_raw(void)
{
    static uint8_t plain[100000], comp[100000];
    size_t n = sample_text(plain, sizeof plain);
    size_t c = zcompress(plain, n, comp, sizeof comp, 15);
    CHECK(c > 0 && (comp[0] & 0x0f) == 8);
    check_roundtrip(CODEC_DEFLATE, plain, n, comp, c);
    c = zcompress(plain, n, comp, sizeof comp, -15);
    CHECK(c > 0);
    check_roundtrip(CODEC_DEFLATE, plain, n, comp, c);
}

static void t_brotli(void)
{
    char plain[8192];
    size_t n = br_plain(plain, sizeof plain);
    check_roundtrip(CODEC_BR, (const uint8_t *)plain, n, br_sample, sizeof br_sample);
}

static void t_zstd(void)
{
    static uint8_t plain[200000], comp[200000];
    size_t n = sample_text(plain, sizeof plain);
    size_t c = ZSTD_compress(comp, sizeof comp, plain, n, 5);
    CHECK(!ZSTD_isError(c));
    check_roundtrip(CODEC_ZSTD, plain, n, comp, c);
}

static void t_identity(void)
{
    static uint8_t plain[5000];
    size_t n = sample_text(plain, sizeof plain);
    struct codec *c = codec_new(CODEC_IDENTITY);
    struct decoded d = decode(c, plain, n, 333, 100);
    CHECK_EQ(d.len, n);
    CHECK(memcmp(d.p, plain, n) == 0);
    CHECK(!d.saw_end);
    free(d.p);
    codec_free(c);
}

/* "Content-Encoding: gzip, zstd": gzipped first, then zstd'd. */
static void t_stack(void)
{
    static uint8_t plain[100000], gz[100000], both[100000];
    size_t n = sample_text(plain, sizeof plain);
    size_t g = zcompress(plain, n, gz, sizeof gz, 31);
    size_t b = ZSTD_compress(both, sizeof both, gz, g, 3);
    CHECK(g && !ZSTD_isError(b));
    enum codec_type types[2] = { CODEC_GZIP, CODEC_ZSTD };
    static const size_t steps[] = { 1, 100, 1 << 20 };
    for (size_t i = 0; i < 3; i++) {
        struct codec *c = codec_new_stack(types, 2);
        struct decoded d = decode(c, both, b, steps[i], i == 1 ? 7 : 4096);
        CHECK_EQ(d.len, n);
        CHECK(d.len == n && memcmp(d.p, plain, n) == 0);
        CHECK(d.saw_end);
        free(d.p);
        codec_free(c);
    }
    /* deflate over gzip (two zlib layers) */
    size_t r = zcompress(gz, g, both, sizeof both, -15);
    enum codec_type t2[2] = { CODEC_GZIP, CODEC_DEFLATE };
    struct codec *c = codec_new_stack(t2, 2);
    struct decoded d = decode(c, both, r, 64, 1000);
    CHECK_EQ(d.len, n);
    CHECK(d.len == n && memcmp(d.p, plain, n) == 0);
    free(d.p);
    codec_free(c);
    CHECK(codec_new_stack(types, 0) == NULL);
    CHECK(codec_new_stack(types, CODEC_MAX_LAYERS + 1) == NULL);
}

static void t_corrupt(void)
{
    static uint8_t plain[50000], comp[50000];
    size_t n = sample_text(plain, sizeof plain);
    enum codec_type types[] = { CODEC_GZIP, CODEC_DEFLATE, CODEC_ZSTD, CODEC_BR };
    for (size_t k = 0; k < 4; k++) {
        size_t c;
        if (types[k] == CODEC_ZSTD) {   /* with a checksum, so corrupt literals are caught too */
            ZSTD_CCtx *cc = ZSTD_createCCtx();
            ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
            c = ZSTD_compress2(cc, comp, sizeof comp, plain, n);
            ZSTD_freeCCtx(cc);
            CHECK(!ZSTD_isError(c));
        }
        else if (types[k] == CODEC_BR) c = sizeof br_sample, memcpy(comp, br_sample, c);
        else c = zcompress(plain, n, comp, sizeof comp, types[k] == CODEC_GZIP ? 31 : 15);
        /* Garbage in the middle of the stream. */
        for (size_t i = c / 3; i < c / 3 + 24 && i < c; i++) comp[i] ^= 0x5a;
        struct codec *cd = codec_new(types[k]);
        struct decoded d = decode(cd, comp, c, 100, 4096);
        CHECK_EQ(d.last * 10 + k, CODEC_ERROR * 10 + k);
        /* Sticky: one more feed still fails. */
        size_t used, made;
        uint8_t o[16];
        CHECK_EQ(codec_feed(cd, comp, 1, &used, o, sizeof o, &made), CODEC_ERROR);
        free(d.p);
        codec_free(cd);
    }
    /* Not a compressed stream at all. */
    const char *junk = "this is plainly not gzip at all, sorry";
    struct codec *cd = codec_new(CODEC_GZIP);
    struct decoded d = decode(cd, (const uint8_t *)junk, strlen(junk), 5, 64);
    CHECK_EQ(d.last, CODEC_ERROR);
    free(d.p);
    codec_free(cd);
}

static void t_truncated(void)
{
    static uint8_t plain[50000], comp[50000];
    size_t n = sample_text(plain, sizeof plain);
    size_t c = zcompress(plain, n, comp, sizeof comp, 31);
    struct codec *cd = codec_new(CODEC_GZIP);
    struct decoded d = decode(cd, comp, c / 2, 50, 4096);
    CHECK(!d.saw_end);
    CHECK(d.last != CODEC_ERROR);
    CHECK(d.len > 0 && d.len < n);
    CHECK(memcmp(d.p, plain, d.len) == 0);
    free(d.p);
    codec_free(cd);
}

/* Trailing bytes after the end of the stream are consumed and ignored. */
static void t_trailing(void)
{
    static uint8_t plain[5000], comp[6000];
    size_t n = sample_text(plain, sizeof plain);
    size_t c = ZSTD_compress(comp, sizeof comp - 10, plain, n, 3);
    memcpy(comp + c, "GARBAGE!!!", 10);
    struct codec *cd = codec_new(CODEC_ZSTD);
    struct decoded d = decode(cd, comp, c + 10, 1 << 20, 1 << 16);
    CHECK_EQ(d.len, n);
    CHECK(d.saw_end);
    CHECK_EQ(codec_total_in(cd), c + 10);
    free(d.p);
    codec_free(cd);
}

int main(void)
{
    RUN(t_names);
    RUN(t_gzip);
    RUN(t_gzip_multimember);
    RUN(t_deflate_zlib_and_raw);
    RUN(t_brotli);
    RUN(t_zstd);
    RUN(t_identity);
    RUN(t_stack);
    RUN(t_corrupt);
    RUN(t_truncated);
    RUN(t_trailing);
    return test_done();
}
