/* stream_rec.h -- test-only: a recording stream sink and a one-stream harness,
 * shared by test_stream.c (deterministic cases) and test_stream_prop.c
 * (randomised properties). Everything is static inline: each test includes it. */
#ifndef BW_TEST_STREAM_REC_H
#define BW_TEST_STREAM_REC_H

#include "test.h"
#include "config.h"
#include "decode.h"
#include "stream.h"

#include <stdbool.h>

/* ---- a recording sink ---- */

#define REC_CAP (1u << 16)   /* bytes per direction the recorder can hold */
#define REC_EVENTS 64

enum { EV_DATA = -1 };      /* event kind; gaps use their enum gap_reason */

struct ev {
    int dir;
    int kind;
    uint64_t len;
};

/* Data is written at the direction's running offset; a gap advances the offset
 * and marks its bytes, so the final picture says where every byte went. */
struct rec {
    uint8_t buf[2][REC_CAP];
    uint8_t what[2][REC_CAP];        /* 0 untouched, 1 data, 2 gap */
    uint64_t off[2];                 /* data + gap bytes so far */
    uint64_t data_bytes[2];
    uint64_t gap_bytes[2][GAP__COUNT];
    unsigned n_gaps[2][GAP__COUNT];
    unsigned n_data[2];
    const uint8_t *last_p[2];
    struct ev ev[REC_EVENTS];
    unsigned n_ev;
    bool overflow;                   /* something did not fit: fails the test */
    bool bad_dir;
};

static inline void rec_event(struct rec *r, int dir, int kind, uint64_t len)
{
    if (r->n_ev < REC_EVENTS) r->ev[r->n_ev] = (struct ev){ dir, kind, len };
    r->n_ev++;
}

static inline void rec_data(void *ctx, int dir, const uint8_t *p, size_t len)
{
    struct rec *r = ctx;
    if (dir != 0 && dir != 1) { r->bad_dir = true; return; }
    if (len == 0 || r->off[dir] + len > REC_CAP) { r->overflow = true; return; }
    memcpy(r->buf[dir] + r->off[dir], p, len);
    memset(r->what[dir] + r->off[dir], 1, len);
    r->off[dir] += len;
    r->data_bytes[dir] += len;
    r->n_data[dir]++;
    r->last_p[dir] = p;
    rec_event(r, dir, EV_DATA, len);
}

static inline void rec_gap(void *ctx, int dir, uint64_t len, enum gap_reason why)
{
    struct rec *r = ctx;
    if (dir != 0 && dir != 1) { r->bad_dir = true; return; }
    if (len == 0 || (unsigned)why >= GAP__COUNT || r->off[dir] + len > REC_CAP) {
        r->overflow = true;
        return;
    }
    memset(r->what[dir] + r->off[dir], 2, len);
    r->off[dir] += len;
    r->gap_bytes[dir][why] += len;
    r->n_gaps[dir][why]++;
    rec_event(r, dir, (int)why, len);
}

static inline uint64_t rec_gap_total(const struct rec *r, int dir)
{
    uint64_t t = 0;
    for (int i = 0; i < GAP__COUNT; i++) t += r->gap_bytes[dir][i];
    return t;
}

/* Every delivered byte sits at its offset in orig, and data + gaps cover
 * exactly n bytes. */
static inline bool rec_matches(const struct rec *r, int dir, const uint8_t *orig, size_t n)
{
    if (r->overflow || r->bad_dir || r->off[dir] != n) return false;
    for (size_t i = 0; i < n; i++) {
        if (r->what[dir][i] == 0) return false;
        if (r->what[dir][i] == 1 && r->buf[dir][i] != orig[i]) return false;
    }
    return true;
}

/* Delivered bytes equal orig exactly, no gap. */
static inline bool rec_exact(const struct rec *r, int dir, const uint8_t *orig, size_t n)
{
    return rec_matches(r, dir, orig, n) && r->data_bytes[dir] == n && rec_gap_total(r, dir) == 0;
}

/* ---- harness: a config, a pool, a stream, a recorder ---- */

struct h {
    struct config cfg;
    struct stream_pool pool;
    struct stream s;
    struct stream_sink sink;
    struct rec *r;
};

static inline void h_init(struct h *h)
{
    config_defaults(&h->cfg);
    stream_pool_init(&h->pool, &h->cfg);
    stream_init(&h->s);
    h->sink.data = rec_data;
    h->sink.gap = rec_gap;
    h->r = calloc(1, sizeof *h->r);
    if (!h->r) abort();
}

static inline void h_free(struct h *h)
{
    stream_release(&h->pool, &h->s);
    stream_pool_release(&h->pool);
    free(h->r);
    h->r = NULL;
}

/* One segment: payload p[0..len) captured, wire bytes on the wire. */
static inline void segw(struct h *h, int dir, uint32_t seq, uint32_t ack, uint8_t flags,
                 const uint8_t *p, size_t len, uint32_t wire)
{
    stream_segment(&h->pool, &h->s, dir, seq, ack, flags, p, len, wire, &h->sink, h->r);
}

static inline void seg(struct h *h, int dir, uint32_t seq, uint32_t ack, uint8_t flags,
                const uint8_t *p, size_t len)
{
    segw(h, dir, seq, ack, flags, p, len, (uint32_t)len);
}

static inline void flush(struct h *h) { stream_flush(&h->pool, &h->s, &h->sink, h->r); }

/* Handshake: client ISN ci, server ISN si. Data then starts at ci+1 / si+1. */
static inline void handshake(struct h *h, uint32_t ci, uint32_t si)
{
    seg(h, 0, ci, 0, TCPF_SYN, NULL, 0);
    seg(h, 1, si, ci + 1, TCPF_SYN | TCPF_ACK, NULL, 0);
    seg(h, 0, ci + 1, si + 1, TCPF_ACK, NULL, 0);
}

static inline void fill(uint8_t *b, size_t n, unsigned salt)
{
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(i * 7 + salt + (i >> 8) * 13);
}

#endif
