/* fuzz_stream.c -- libFuzzer target: TCP reassembly of a sequence of segments.
 *
 * Input: records of [dir|flags:1][seq offset:2 BE][ack offset:2 BE][len:1][payload]
 * (a len of 200 and up stands for 200 + (len - 200) * 64 bytes: full-size
 * segments, which the pool reuses).
 * Sequence numbers are offsets from a base taken from the first four bytes, so
 * wraparound is reachable. Small OOO caps make the cap paths reachable. Checks:
 * the bytes delivered plus the gaps declared never exceed what the stream says,
 * and after the flush nothing stays buffered in the pool.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "stream.h"

struct fz_stream_rec {
    uint64_t data[2], gaps[2];
};

static void fz_stream_data(void *ctx, int dir, const uint8_t *p, size_t len)
{
    struct fz_stream_rec *r = ctx;
    if (dir < 0 || dir > 1 || (len && !p)) abort();
    volatile uint8_t x = 0;
    for (size_t i = 0; i < len; i++) x ^= p[i];
    (void)x;
    r->data[dir] += len;
}

static void fz_stream_gap(void *ctx, int dir, uint64_t len, enum gap_reason why)
{
    struct fz_stream_rec *r = ctx;
    if (dir < 0 || dir > 1 || why >= GAP__COUNT) abort();
    r->gaps[dir] += len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    struct config cfg;
    config_defaults(&cfg);
    cfg.ooo_bytes_per_flow = 2048;
    cfg.ooo_segs_per_flow = 8;
    cfg.ooo_bytes_total = 4096;
    struct stream_pool pool;
    stream_pool_init(&pool, &cfg);
    struct stream s;
    stream_init(&s);
    const struct stream_sink sink = { fz_stream_data, fz_stream_gap };
    struct fz_stream_rec rec;
    memset(&rec, 0, sizeof rec);
    uint32_t base = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
    size_t off = 4;
    while (off + 6 <= size) {
        uint8_t df = data[off];
        int dir = df >> 7;
        uint8_t flags = df & 0x3f;   /* FIN SYN RST PSH ACK URG */
        uint32_t seq = base + (uint32_t)(data[off + 1] << 8 | data[off + 2]) + (dir ? 0x40000000u : 0);
        uint32_t ack = base + (uint32_t)(data[off + 3] << 8 | data[off + 4]) + (dir ? 0 : 0x40000000u);
        size_t len = data[off + 5];
        if (len >= 200) len = 200 + (len - 200) * 64;   /* up to 3,720: full-size segments too */
        off += 6;
        if (len > size - off) len = size - off;
        uint8_t *payload = malloc(len ? len : 1);
        if (!payload) break;
        memcpy(payload, data + off, len);
        off += len;
        uint32_t wire = (uint32_t)len + ((df & 0x40) ? 7u : 0u);
        stream_segment(&pool, &s, dir, seq, ack, flags, payload, len, wire, &sink, &rec);
        free(payload);
        if (pool.st.ooo_bytes_now > cfg.ooo_bytes_total) abort();
    }
    stream_flush(&pool, &s, &sink, &rec);
    for (int d = 0; d < 2; d++)
        if (rec.data[d] != s.d[d].delivered) abort();
    if (pool.st.ooo_bytes_now != 0) abort();
    stream_pool_release(&pool);
    return 0;
}
