/* engine.c -- the capture thread's side of the workers (see engine.h). */
#include "engine.h"
#include "capture.h"
#include "decode.h"
#include "ring.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum rec_type { REC_PACKET = 1, REC_END_INPUT, REC_TICK, REC_STOP };

/* Header of a ring record; a packet's frame bytes follow it. */
struct rec {
    uint32_t type;
    int32_t dlt;
    struct timeval ts;
    struct timeval now;             /* REC_PACKET: the capture's clock (worker_clock) */
    uint32_t caplen, wirelen;
    const char *name;
};

struct wslot {
    engine *e;
    worker *w;
    ring *r;
    pthread_t th;
    bool running;
};

struct engine {
    unsigned n;
    struct wslot *slots;
    worker **workers;
    uint64_t seed;
    uint64_t ring_waits;
    struct timeval now;             /* latest packet time seen */
    uint64_t now_us, last_tick_us;  /* ticks: when one worker would expire flows */
    bool stopped;
};

/* ---- worker threads ---- */

static void backoff(unsigned *idle)
{
    if (++*idle < 64) { sched_yield(); return; }
    struct timespec ts = { 0, *idle < 1000 ? 20000 : 200000 };
    nanosleep(&ts, NULL);
}

static void *worker_main(void *arg)
{
    struct wslot *s = arg;
    unsigned idle = 0;
    for (;;) {
        size_t len;
        const struct rec *r = ring_peek(s->r, &len);
        if (!r) { backoff(&idle); continue; }
        idle = 0;
        uint32_t type = r->type;
        switch (type) {
        case REC_PACKET:
            worker_clock(s->w, r->now);
            worker_set_input(s->w, r->name);
            worker_packet(s->w, r->dlt, r->ts, (const uint8_t *)(r + 1), r->caplen, r->wirelen);
            break;
        case REC_END_INPUT: worker_finish(s->w); break;
        case REC_TICK: worker_tick(s->w, r->ts); break;
        default: break;
        }
        ring_release(s->r);
        if (type == REC_STOP) return NULL;
    }
}

/* ---- capture side ---- */

static void *reserve_wait(engine *e, ring *r, size_t len)
{
    void *p;
    unsigned idle = 0;
    while (!(p = ring_reserve(r, len))) {
        e->ring_waits++;
        backoff(&idle);
    }
    return p;
}

static void send_ctl(engine *e, unsigned i, uint32_t type, const char *name, struct timeval ts)
{
    struct rec *r = reserve_wait(e, e->slots[i].r, sizeof *r);
    memset(r, 0, sizeof *r);
    r->type = type;
    r->name = name;
    r->ts = ts;
    ring_commit(e->slots[i].r);
}

static void broadcast(engine *e, uint32_t type, const char *name, struct timeval ts)
{
    if (e->n == 1) {
        worker *w = e->workers[0];
        if (type == REC_END_INPUT) worker_finish(w);
        else if (type == REC_TICK) worker_tick(w, ts);
        return;
    }
    for (unsigned i = 0; i < e->n; i++) send_ctl(e, i, type, name, ts);
}

/* Symmetric: the same for both directions of an address pair. */
static unsigned pick(const engine *e, const struct pkt *p)
{
    uint64_t a = 0, b = 0;
    for (int i = 0; i < 16; i++) {
        a = a * 131 + p->src[i];
        b = b * 131 + p->dst[i];
    }
    uint64_t h = (a ^ b) + (a + b) * 0x9e3779b97f4a7c15ULL + e->seed;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return (unsigned)(h % e->n);
}

void engine_packet(engine *e, const struct cap_frame *fr)
{
    int dlt = fr->dlt;
    if (e->n == 1) {
        worker_set_input(e->workers[0], fr->input);
        worker_packet(e->workers[0], dlt, fr->ts, fr->data, fr->caplen, fr->wirelen);
        return;
    }
    /* a first look at the addresses picks the worker; the worker decodes in full */
    struct pkt p;
    enum decode_reason dr = decode_packet(dlt, fr->data, fr->caplen, fr->wirelen, &p);
    unsigned i = (dr == DEC_OK || dr == DEC_OTHER_L4 || dr == DEC_FRAGMENT) ? pick(e, &p) : 0;
    ring *r = e->slots[i].r;
    uint32_t caplen = fr->caplen;
    if (caplen > ring_max_record(r) - sizeof(struct rec)) caplen = (uint32_t)(ring_max_record(r) - sizeof(struct rec));
    struct rec *rec = reserve_wait(e, r, sizeof *rec + caplen);
    rec->type = REC_PACKET;
    rec->dlt = dlt;
    rec->ts = fr->ts;
    uint64_t t_us = (uint64_t)fr->ts.tv_sec * 1000000u + (uint64_t)fr->ts.tv_usec;
    if (t_us > e->now_us) { e->now_us = t_us; e->now = fr->ts; }
    rec->now = e->now;
    rec->caplen = caplen;
    rec->wirelen = fr->wirelen;
    rec->name = fr->input;
    memcpy(rec + 1, fr->data, caplen);
    ring_commit(r);
    /* A single worker looks for idle flows once a second of packet time,
     * after the packet that crosses the second: so do all of them, at the
     * same packets, whichever worker got it (same flows end, at the same
     * times, as with one worker). */
    if (e->now_us - e->last_tick_us >= 1000000u) {
        e->last_tick_us = e->now_us;
        for (unsigned k = 0; k < e->n; k++) send_ctl(e, k, REC_TICK, NULL, e->now);
    }
}

void engine_end_input(engine *e) { broadcast(e, REC_END_INPUT, NULL, (struct timeval){ 0, 0 }); }
void engine_tick(engine *e, struct timeval now) { broadcast(e, REC_TICK, NULL, now); }

engine *engine_new(const struct pipeline *pp, unsigned n_workers, size_t ring_bytes, uint64_t seed)
{
    engine *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->n = n_workers ? n_workers : 1;
    e->seed = seed;
    e->slots = calloc(e->n, sizeof *e->slots);
    e->workers = calloc(e->n, sizeof *e->workers);
    if (!e->slots || !e->workers) abort();
    for (unsigned i = 0; i < e->n; i++) {
        /* one flow-hash seed for all: a flow's key hashes alike in every worker */
        e->workers[i] = worker_new(pp, i, seed);
        e->slots[i].e = e;
        e->slots[i].w = e->workers[i];
    }
    if (e->n > 1) {
        for (unsigned i = 0; i < e->n; i++) {
            e->slots[i].r = ring_new(ring_bytes);
            if (pthread_create(&e->slots[i].th, NULL, worker_main, &e->slots[i]) != 0) abort();
            e->slots[i].running = true;
        }
    }
    return e;
}

void engine_stop(engine *e)
{
    if (e->stopped) return;
    e->stopped = true;
    if (e->n == 1) return;
    for (unsigned i = 0; i < e->n; i++) send_ctl(e, i, REC_STOP, NULL, (struct timeval){ 0, 0 });
    for (unsigned i = 0; i < e->n; i++)
        if (e->slots[i].running) pthread_join(e->slots[i].th, NULL);
}

void engine_free(engine *e)
{
    if (!e) return;
    engine_stop(e);
    for (unsigned i = 0; i < e->n; i++) {
        worker_free(e->workers[i]);
        ring_free(e->slots[i].r);
    }
    free(e->slots);
    free(e->workers);
    free(e);
}

worker *const *engine_workers(const engine *e, unsigned *n)
{
    *n = e->n;
    return e->workers;
}

uint64_t engine_ring_waits(const engine *e) { return e->ring_waits; }
