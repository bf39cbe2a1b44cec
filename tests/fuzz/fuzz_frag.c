/* fuzz_frag.c -- libFuzzer target: IPv4/IPv6 fragment reassembly behind the
 * decoder, as the worker drives it.
 *
 * Input: records [link type index:1][time step:1][len:2 BE][frame]. Each
 * frame is decoded; a fragment goes to the reassembly table (small caps, so
 * that too_many, too_big and eviction are reachable); a completed datagram is
 * decoded again (up to three rounds, as worker.c does). The bytes buffered
 * must stay under the cap; everything is freed at the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "decode.h"
#include "frag.h"

static const int fz_frag_dlts[] = { 1, 12, 101, 113 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config cfg;
    config_defaults(&cfg);
    cfg.frag_max_bytes = 4096;
    cfg.frag_max_datagrams = 8;
    cfg.frag_max_total = 16384;
    cfg.frag_max_fragments = 16;
    cfg.frag_timeout = 5;
    frag_table *t = frag_new(&cfg, 42);
    if (!t) return 0;
    uint64_t now = 1000000;
    size_t off = 0;
    while (off + 4 <= size) {
        int dlt = fz_frag_dlts[data[off] % (sizeof fz_frag_dlts / sizeof fz_frag_dlts[0])];
        now += (uint64_t)data[off + 1] * 50000;
        size_t len = (size_t)data[off + 2] << 8 | data[off + 3];
        off += 4;
        if (len > size - off) len = size - off;
        uint8_t *frame = malloc(len ? len : 1);
        if (!frame) break;
        memcpy(frame, data + off, len);
        off += len;
        struct pkt p;
        memset(&p, 0, sizeof p);
        enum decode_reason r = decode_frame(NULL, dlt, frame, len, len, &p);
        for (int round = 0; r == DEC_FRAGMENT && round < 3; round++) {
            size_t n = 0;
            const uint8_t *dg = frag_add(t, &p, now, &n);
            if (frag_stats(t)->bytes > cfg.frag_max_total) abort();
            if (!dg) break;
            r = decode_ip(NULL, p.ip_version, dg, n, &p);
            if (p.payload && p.payload_len && (p.payload < dg || p.payload + p.payload_len > dg + n)) abort();
        }
        free(frame);
        frag_expire(t, now);
    }
    frag_expire(t, now + 3600ull * 1000000);
    if (frag_stats(t)->in_flight != 0 || frag_stats(t)->bytes != 0) abort();
    frag_free(t);
    return 0;
}
