/* fuzz_http1.c -- libFuzzer target: the HTTP/1.x dissector, both directions,
 * with decompression, and its head parser alone.
 *
 * Input: one byte of cap selection, then records [ctl:1][len:1][bytes]. ctl
 * bit 7 is the direction; ctl == 0x7f / 0xff declare a gap of len bytes
 * instead. Caps are small so that head_too_big, too_many_headers,
 * pipeline_overflow, decoded_cap and ratio_cap are reachable. Every
 * transaction begun must end exactly once by on_close.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "dissect.h"
#include "http1.h"
#include "txn.h"

struct fz_http1_rec {
    uint64_t begun, ended, body_bytes;
    int marker;
};

static struct body_consumer *fz_http1_begin(void *ctx, const struct http_txn *t)
{
    struct fz_http1_rec *r = ctx;
    r->begun++;
    volatile size_t n = t->method.len + t->uri.len + t->host.len + t->content_type.len;
    (void)n;
    return (struct body_consumer *)&r->marker;
}

static void fz_http1_body(void *ctx, struct body_consumer *bc, const uint8_t *p, size_t len)
{
    struct fz_http1_rec *r = ctx;
    if ((void *)bc != (void *)&r->marker || (len && !p)) abort();
    volatile uint8_t x = 0;
    for (size_t i = 0; i < len; i++) x ^= p[i];
    (void)x;
    r->body_bytes += len;
}

static void fz_http1_gap(void *ctx, struct body_consumer *bc, uint64_t len)
{
    (void)ctx; (void)bc; (void)len;
}

static void fz_http1_end(void *ctx, struct body_consumer *bc, const struct http_txn *t)
{
    struct fz_http1_rec *r = ctx;
    for (unsigned i = 0; i < t->n_req_hdrs; i++) {
        volatile size_t n = t->req_hdrs[i].name.len + t->req_hdrs[i].value.len;
        (void)n;
    }
    for (unsigned i = 0; i < t->n_resp_hdrs; i++) {
        volatile size_t n = t->resp_hdrs[i].name.len + t->resp_hdrs[i].value.len;
        (void)n;
    }
    if (bc) r->ended++;
}

static const struct txn_sink fz_http1_sink = { fz_http1_begin, fz_http1_body, fz_http1_gap, fz_http1_end };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    struct config cfg;
    config_defaults(&cfg);
    uint8_t sel = data[0];
    cfg.http_max_header_bytes = (sel & 1) ? 256 : 4096;
    cfg.http_max_headers = (sel & 2) ? 4 : 32;
    cfg.http_max_pipeline = (sel & 4) ? 2 : 16;
    cfg.http_max_decoded = (sel & 8) ? 1024 : (1u << 20);
    cfg.http_max_ratio = (sel & 16) ? 10 : 1000;

    /* The head parser alone, on the whole input. */
    {
        uint8_t *b = malloc(size);
        if (!b) return 0;
        memcpy(b, data, size);
        http1_unfold(b, size);
        struct http1_head h;
        struct http_header hd[8];
        (void)http1_parse_head(b, size, &h, hd, 8);
        (void)http1_classify(b, size, sel & 32);
        free(b);
    }

    struct flow_view fv;
    memset(&fv, 0, sizeof fv);
    fv.id = 1;
    fv.ip_version = 4;
    fv.l4proto = 6;
    fv.port[1] = 80;
    fv.handshake_seen = (sel & 64) != 0;
    uint64_t counters[64] = { 0 };
    struct fz_http1_rec rec;
    memset(&rec, 0, sizeof rec);
    struct dissect_env env;
    memset(&env, 0, sizeof env);
    env.cfg = &cfg;
    env.flow = &fv;
    env.out = &fz_http1_sink;
    env.out_ctx = &rec;
    env.counters = counters;
    if (http1_dissector.n_counters > 64) abort();
    void *st = calloc(1, http1_dissector.state_size);
    if (!st) return 0;
    http1_dissector.init(st, &env);
    size_t off = 1;
    while (off + 2 <= size) {
        uint8_t ctl = data[off];
        size_t len = data[off + 1];
        off += 2;
        int dir = ctl >> 7;
        env.ts.tv_sec++;
        if ((ctl & 0x7f) == 0x7f) {
            http1_dissector.on_gap(st, dir, len ? len : 100000, GAP_LOSS, &env);
            continue;
        }
        if (len > size - off) len = size - off;
        uint8_t *b = malloc(len ? len : 1);
        if (!b) break;
        memcpy(b, data + off, len);
        off += len;
        (void)http1_dissector.probe(b, len, dir);
        http1_dissector.on_data(st, dir, b, len, &env);
        free(b);
    }
    http1_dissector.on_close(st, &env);
    free(st);
    if (rec.ended > rec.begun) abort();
    return 0;
}
