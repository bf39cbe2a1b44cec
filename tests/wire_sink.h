/* wire_sink.h -- test helpers for the wire dissectors (MongoDB, Redis): a
 * txn_sink that records transactions, a harness that runs a dissector over a
 * scripted conversation (every message delivered in exact-size heap pieces,
 * split where the test says), and a small BSON builder. */
#ifndef BW_WIRE_SINK_H
#define BW_WIRE_SINK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "dissect.h"
#include "txn.h"

#define WS_MAX_TXN 32
#define WS_BODY 8192

struct ws_txn {
    char method[32], uri[256], reason[64];
    int status, client_dir;
    uint32_t flags;
    const char *app_proto;
    char body[WS_BODY];
    size_t body_len;
    uint64_t decoded;
    int begun, ended;
};

struct ws_rec {
    struct ws_txn t[WS_MAX_TXN];
    unsigned n;
};

static inline struct body_consumer *ws_begin(void *ctx, const struct http_txn *t)
{
    struct ws_rec *r = ctx;
    if (r->n >= WS_MAX_TXN) return NULL;
    struct ws_txn *x = &r->t[r->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->method, sizeof x->method, "%.*s", (int)t->method.len, (const char *)t->method.p);
    snprintf(x->uri, sizeof x->uri, "%.*s", (int)t->uri.len, (const char *)t->uri.p);
    snprintf(x->reason, sizeof x->reason, "%.*s", (int)t->reason.len, (const char *)t->reason.p);
    x->status = t->status;
    x->client_dir = t->client_dir;
    x->app_proto = t->app_proto;
    x->begun = 1;
    return (struct body_consumer *)x;
}

static inline void ws_body(void *ctx, struct body_consumer *bc, const uint8_t *p, size_t len)
{
    (void)ctx;
    struct ws_txn *x = (struct ws_txn *)bc;
    if (!x) return;
    size_t room = WS_BODY - 1 - x->body_len;
    size_t take = len < room ? len : room;
    memcpy(x->body + x->body_len, p, take);
    x->body_len += take;
    x->body[x->body_len] = 0;
}

static inline void ws_gap(void *ctx, struct body_consumer *bc, uint64_t len) { (void)ctx; (void)bc; (void)len; }

static inline void ws_end(void *ctx, struct body_consumer *bc, const struct http_txn *t)
{
    (void)ctx;
    struct ws_txn *x = (struct ws_txn *)bc;
    if (!x) return;
    x->flags = t->flags;
    x->decoded = t->resp_body_decoded;
    x->ended++;
}

static const struct txn_sink ws_sink = { ws_begin, ws_body, ws_gap, ws_end };

/* One message of a conversation: direction and bytes. */
struct ws_msg {
    int dir;
    const uint8_t *p;
    size_t len;
};

struct ws_run {
    struct ws_rec rec;
    uint64_t counters[64];
    struct flow_view fv;
    struct config cfg;      /* what the dissector sees as env->cfg */
};

/* Run dissector d over msgs under cfg (NULL: the defaults); every message is
 * cut at split (when 0 < split < len) and each piece handed over in its own
 * malloc'd buffer of exactly its size, so ASan sees any read past a delivery. */
static inline void ws_play_cfg(const struct dissector *d, const struct ws_msg *msgs, size_t n, size_t split,
                               bool handshake, const struct config *cfg, struct ws_run *run)
{
    memset(run, 0, sizeof *run);
    if (cfg) run->cfg = *cfg;
    else config_defaults(&run->cfg);
    run->fv.ip_version = 4;
    run->fv.l4proto = 6;
    run->fv.handshake_seen = handshake;
    struct dissect_env env = { &run->cfg, &run->fv, { 1, 0 }, &ws_sink, &run->rec, run->counters };
    void *st = calloc(1, d->state_size);
    d->init(st, &env);
    for (size_t i = 0; i < n; i++) {
        size_t cuts[2] = { split && split < msgs[i].len ? split : msgs[i].len, msgs[i].len };
        size_t at = 0;
        for (int k = 0; k < 2; k++) {
            size_t e = cuts[k];
            if (e <= at) continue;
            uint8_t *piece = malloc(e - at);
            memcpy(piece, msgs[i].p + at, e - at);
            d->on_data(st, msgs[i].dir, piece, e - at, &env);
            free(piece);
            at = e;
        }
    }
    d->on_close(st, &env);
    free(st);
}

static inline void ws_play(const struct dissector *d, const struct ws_msg *msgs, size_t n, size_t split, bool handshake,
                           struct ws_run *run)
{
    ws_play_cfg(d, msgs, n, split, handshake, NULL, run);
}

static inline uint64_t ws_counter(const struct dissector *d, const struct ws_run *run, const char *name)
{
    for (size_t i = 0; i < d->n_counters; i++)
        if (strcmp(d->counter_names[i], name) == 0) return run->counters[i];
    return UINT64_MAX;
}

/* ---- BSON builder: documents into a caller buffer, little-endian ---- */

struct bb {
    uint8_t b[16384];
    size_t n;
    size_t open[16];
    unsigned depth;
};

static inline void bb_u8(struct bb *x, uint8_t v) { x->b[x->n++] = v; }
static inline void bb_le32(struct bb *x, uint32_t v)
{
    for (int i = 0; i < 4; i++) bb_u8(x, (uint8_t)(v >> (8 * i)));
}
static inline void bb_le64(struct bb *x, uint64_t v)
{
    for (int i = 0; i < 8; i++) bb_u8(x, (uint8_t)(v >> (8 * i)));
}
static inline void bb_bytes(struct bb *x, const void *p, size_t n) { memcpy(x->b + x->n, p, n); x->n += n; }
static inline void bb_cstr(struct bb *x, const char *s) { bb_bytes(x, s, strlen(s) + 1); }

static inline void bb_doc(struct bb *x)   /* open a document (top or after bb_sub) */
{
    x->open[x->depth++] = x->n;
    bb_le32(x, 0);
}
static inline void bb_end(struct bb *x)
{
    bb_u8(x, 0);
    size_t at = x->open[--x->depth];
    uint32_t len = (uint32_t)(x->n - at);
    for (int i = 0; i < 4; i++) x->b[at + i] = (uint8_t)(len >> (8 * i));
}
static inline void bb_key(struct bb *x, uint8_t type, const char *key) { bb_u8(x, type); bb_cstr(x, key); }
static inline void bb_str(struct bb *x, const char *key, const char *v)
{
    bb_key(x, 0x02, key);
    bb_le32(x, (uint32_t)strlen(v) + 1);
    bb_cstr(x, v);
}
static inline void bb_i32(struct bb *x, const char *key, int32_t v) { bb_key(x, 0x10, key); bb_le32(x, (uint32_t)v); }
static inline void bb_i64(struct bb *x, const char *key, int64_t v) { bb_key(x, 0x12, key); bb_le64(x, (uint64_t)v); }
static inline void bb_dbl(struct bb *x, const char *key, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    bb_key(x, 0x01, key);
    bb_le64(x, u);
}
static inline void bb_bool(struct bb *x, const char *key, bool v) { bb_key(x, 0x08, key); bb_u8(x, v); }
static inline void bb_sub(struct bb *x, const char *key, bool array) { bb_key(x, array ? 0x04 : 0x03, key); bb_doc(x); }

/* An OP_MSG with one kind-0 body section (the document in body) into out. */
static inline size_t ws_op_msg(uint8_t *out, int32_t id, int32_t resp_to, uint32_t flags, const uint8_t *body, size_t blen)
{
    struct bb *x = calloc(1, sizeof *x);
    bb_le32(x, 0);
    bb_le32(x, (uint32_t)id);
    bb_le32(x, (uint32_t)resp_to);
    bb_le32(x, 2013);
    bb_le32(x, flags);
    bb_u8(x, 0);
    bb_bytes(x, body, blen);
    if (flags & 1) bb_le32(x, 0xdeadbeef);
    uint32_t n = (uint32_t)x->n;
    for (int i = 0; i < 4; i++) x->b[i] = (uint8_t)(n >> (8 * i));
    memcpy(out, x->b, n);
    free(x);
    return n;
}

/* Every message cut at every point 1 .. longest-1: how many of those runs
 * check() accepted (all of them, longest - 1, when framing is split-proof). */
static inline size_t ws_every_split(const struct dissector *d, const struct ws_msg *msgs, size_t n,
                                    bool (*check)(const struct ws_run *), size_t *cuts)
{
    struct ws_run *r = malloc(sizeof *r);
    size_t longest = 0, good = 0;
    for (size_t i = 0; i < n; i++) longest = msgs[i].len > longest ? msgs[i].len : longest;
    for (size_t k = 1; r && k < longest; k++) {
        ws_play(d, msgs, n, k, true, r);
        good += check(r);
    }
    free(r);
    *cuts = longest ? longest - 1 : 0;
    return good;
}

/* A string sink for the JSON writer (wj_init): output past its size is dropped. */
struct ws_sbuf {
    char s[65536];
    size_t n;
};

static inline void ws_to_sbuf(void *ctx, const uint8_t *p, size_t len)
{
    struct ws_sbuf *b = ctx;
    if (b->n + len >= sizeof b->s) return;
    memcpy(b->s + b->n, p, len);
    b->n += len;
    b->s[b->n] = 0;
}

#endif
