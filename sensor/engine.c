/* engine.c -- the capture thread's side of the workers (see engine.h): the
 * steering of frames to workers, the rings, the worker threads that read
 * them. The steering also runs in every reader (engine_readers.c); live
 * fanout (engine_fanout.c) has none. */
#include "engine_int.h"
#include "config.h"
#include "pipeline.h"
#include "log.h"
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
    const char *name;               /* REC_PACKET: the frame's input file */
};

/* ---- worker threads ---- */

/* Not the capture thread: the set-ups run side by side, while the capture
 * thread reads. */
void engine_slot_worker(struct wslot *s)
{
    s->w = worker_new(s->pp, s->index, s->e->seed);
    s->e->workers[s->index] = s->w;
    atomic_fetch_add_explicit(&s->e->ready, 1, memory_order_release);
}

void engine_slot_start(engine *e, struct wslot *s, void *(*fn)(void *))
{
    int rc = pthread_create(&s->th, NULL, fn, s);
    if (rc != 0) {
        log_msg(LOG_ERR, "cannot start worker thread %u of %u: %s (try fewer --workers, or raise the process's "
                "thread or memory limits)", s->index + 1, e->n, strerror(rc));
        exit(1);
    }
    s->running = true;
}

static void *worker_main(void *arg)
{
    struct wslot *s = arg;
    engine_slot_worker(s);
    for (;;) {
        size_t len;
        const struct rec *r = ring_peek(s->r, &len);
        if (!r) {
            ring_wait_data(s->r);
            continue;
        }
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
        if (type == REC_STOP) {
            worker_shed(s->w);
            return NULL;
        }
    }
}

/* ---- capture side ---- */

/* Another worker is about to run dry: less than a quarter of its window
 * waiting. */
static bool other_short(const engine *e, unsigned i)
{
    for (unsigned k = 0; k < e->n; k++)
        if (k != i && ring_backlog(e->slots[k].r) < ring_window(e->slots[k].r) / 4) return true;
    return false;
}

/* Room for a record in worker i's ring, sleeping while it is full. A full
 * ring while another worker runs dry means the look-ahead is too short for
 * the load's imbalance (one worker busy with a large body, or still setting
 * up): this ring's window grows, and the record goes in at once if it was
 * the window's end that stopped it. */
static void *reserve_wait(engine *e, unsigned i, size_t len)
{
    ring *r = e->slots[i].r;
    void *p;
    while (!(p = ring_reserve(r, len))) {
        if (other_short(e, i) && ring_grow(r)) continue;
        e->ring_waits++;
        ring_wait_room(r, len);
    }
    return p;
}

static void send_ctl(engine *e, unsigned i, uint32_t type, struct timeval ts)
{
    if (e->reader) {
        if (i != e->self) return;
        if (type == REC_TICK) worker_tick(e->own, ts);
        else if (type == REC_END_INPUT) worker_finish(e->own);
        return;
    }
    struct rec *r = reserve_wait(e, i, sizeof *r);
    memset(r, 0, sizeof *r);
    r->type = type;
    r->ts = ts;
    ring_commit(e->slots[i].r);
}

static void broadcast(engine *e, uint32_t type, struct timeval ts)
{
    if (e->n == 1) {
        worker *w = e->workers[0];
        if (type == REC_END_INPUT) worker_finish(w);
        else if (type == REC_TICK) worker_tick(w, ts);
        return;
    }
    for (unsigned i = 0; i < e->n; i++) send_ctl(e, i, type, ts);
}

/* Symmetric: the same for both directions of an address pair. Each address
 * is folded from two 64-bit loads (a byte loop of 32 multiply-adds cost more
 * than the table lookup it feeds). */
static inline uint64_t addr_fold(const uint8_t a[16])
{
    uint64_t lo, hi;
    memcpy(&lo, a, 8);
    memcpy(&hi, a + 8, 8);
    uint64_t x = (lo ^ (hi << 29 | hi >> 35)) * 0x9e3779b97f4a7c15ULL;
    return x ^ x >> 31;
}

static uint64_t pair_hash(const engine *e, const struct pkt *p)
{
    uint64_t a = addr_fold(p->src), b = addr_fold(p->dst);
    uint64_t h = (a ^ b) + (a + b) * 0xc2b2ae3d27d4eb4fULL + e->seed;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return h ? h : 1;
}

/* A new pair's worker: the one with the shortest backlog (bytes waiting in
 * its ring), the hash's on a tie. */
static unsigned place(void *ctx, uint64_t key)
{
    const engine *e = ctx;
    unsigned best = (unsigned)(key % e->n);
    size_t best_load = ring_backlog(e->slots[best].r);
    for (unsigned k = 0; k < e->n && best_load; k++) {
        size_t l = ring_backlog(e->slots[k].r);
        if (l < best_load) { best = k; best_load = l; }
    }
    return best;
}

static unsigned pick(engine *e, const struct pkt *p)
{
    if (e->reader) return engine_claim(e, pair_hash(e, p));
    return pairs_get(&e->pairs, pair_hash(e, p), e->now_us, e->tick_us, e->n, place, e);
}

static uint64_t datagram_key(const struct pkt *p)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < 16; i++) h = (h ^ p->src[i]) * 0x100000001b3ULL;
    for (int i = 0; i < 16; i++) h = (h ^ p->dst[i]) * 0x100000001b3ULL;
    h = (h ^ p->frag_id) * 0x100000001b3ULL;
    h = (h ^ p->frag_proto) * 0x100000001b3ULL;
    h = (h ^ p->tenant_id) * 0x100000001b3ULL;
    return h | 1;
}

/* The inner addresses a first fragment shows: its IP datagram, cut to what
 * was captured and made whole (no fragment bits, the length what is there),
 * decoded as far as it goes. False if that shows nothing more. */
static bool first_fragment_inner(const engine *e, const struct pkt *p, struct pkt *inner)
{
    uint8_t buf[512];
    size_t n = p->l3_len < sizeof buf ? p->l3_len : sizeof buf;
    if (n < p->frag_hlen + 8u) return false;
    memcpy(buf, p->l3, n);
    if (p->ip_version == 4) {
        buf[6] = 0;   /* flags and offset */
        buf[7] = 0;
        buf[2] = (uint8_t)(n >> 8);
        buf[3] = (uint8_t)n;
    } else {
        /* drop the fragment header: the byte that named it names what it carried */
        size_t at = p->frag_hdr_at;
        if (at + 8 > n || p->frag_nh_at >= n) return false;
        buf[p->frag_nh_at] = p->frag_proto;
        memmove(buf + at, buf + at + 8, n - at - 8);
        n -= 8;
        buf[4] = (uint8_t)((n - 40) >> 8);
        buf[5] = (uint8_t)(n - 40);
    }
    size_t l4 = p->ip_version == 4 ? p->frag_hlen : p->frag_hdr_at;
    if (p->frag_proto == 17 && l4 + 8 <= n) {   /* the UDP length: what is there */
        buf[l4 + 4] = (uint8_t)((n - l4) >> 8);
        buf[l4 + 5] = (uint8_t)(n - l4);
    }
    enum decode_reason r = decode_ip(e->opts, p->ip_version, buf, n, inner);
    return (r == DEC_OK || r == DEC_OTHER_L4 || r == DEC_FRAGMENT) && inner->n_tunnels > 0;
}

static void send_frame(engine *e, unsigned i, const struct cap_frame *fr, struct pkt *p, enum decode_reason dr);

/* Held fragments of key (0: all, or those older than a second) go to their
 * worker: the steered one if known now, else their own addresses' pick. */
static void release_held(engine *e, uint64_t key, unsigned to, bool by_age)
{
    unsigned k = 0;
    for (unsigned i = 0; i < e->n_held; i++) {
        struct held *h = &e->held[i];
        bool go = key ? h->key == key : !by_age || e->now_us - h->t_us >= 1000000u;
        if (!go) {
            e->held[k++] = *h;
            continue;
        }
        send_frame(e, key ? to : h->fallback, &h->fr, NULL, DEC_OK);
        e->held_bytes -= h->fr.caplen;
        free((void *)h->fr.data);
    }
    e->n_held = k;
}

/* Which worker gets a frame: its (inner) addresses' pick, or for a fragment
 * of a tunnel datagram the pick of the datagram's inner addresses. Returns
 * HELD_MAX (no worker yet) when the frame was held. A first fragment sets
 * *first_key (held fragments of its datagram may now go). The frame's
 * decode is left in *p and *drp (a reader's worker takes it as it is). */
static unsigned steer(engine *e, const struct cap_frame *fr, uint64_t *first_key, struct pkt *p,
                      enum decode_reason *drp)
{
    enum decode_reason dr = decode_frame(e->opts, fr->dlt, fr->data, fr->caplen, fr->wirelen, p);
    *drp = dr;
    if (dr == DEC_OK || dr == DEC_OTHER_L4) return pick(e, p);
    if (dr != DEC_FRAGMENT) return 0;
    unsigned own = pick(e, p);
    uint64_t key = datagram_key(p);
    struct steer *s = &e->steer[key % STEER_SLOTS];
    if (p->frag_offset == 0) {
        struct pkt inner;
        unsigned w = first_fragment_inner(e, p, &inner) ? pick(e, &inner) : own;
        s->key = key;
        s->t_us = e->now_us;
        s->worker = w;
        *first_key = key;
        if (w != own) e->steered++;
        return w;
    }
    if (s->key == key && e->now_us - s->t_us < 60000000u) return s->worker;
    /* a later fragment first: if it can carry a tunnel, wait for the first */
    bool tunnel_proto = p->frag_proto == 47 || p->frag_proto == 4 || p->frag_proto == 41 || p->frag_proto == 17;
    if (!tunnel_proto) return own;
    if (e->n_held == HELD_MAX || e->held_bytes + fr->caplen > HELD_BYTES) release_held(e, 0, 0, false);
    uint8_t *copy = malloc(fr->caplen ? fr->caplen : 1);
    if (!copy) return own;
    memcpy(copy, fr->data, fr->caplen);
    struct held *h = &e->held[e->n_held++];
    h->key = key;
    h->t_us = e->now_us;
    h->fr = *fr;
    h->fr.data = copy;
    h->fallback = own;
    e->held_bytes += fr->caplen;
    e->held_total++;
    return HELD_MAX;
}

/* Frame fr to worker i; p: its decode (dr what decode_frame said), which a
 * reader's own worker takes as it is, or NULL (a held fragment). */
static void send_frame(engine *e, unsigned i, const struct cap_frame *fr, struct pkt *p, enum decode_reason dr)
{
    if (e->reader) {   /* every reader sees every frame: it runs its own */
        if (i != e->self) return;
        worker_clock(e->own, e->now);
        worker_set_input(e->own, fr->input);
        if (p) worker_packet_decoded(e->own, fr->ts, fr->wirelen, p, dr);
        else worker_packet(e->own, fr->dlt, fr->ts, fr->data, fr->caplen, fr->wirelen);
        return;
    }
    ring *r = e->slots[i].r;
    uint32_t caplen = fr->caplen;
    if (caplen > ring_max_record(r) - sizeof(struct rec)) caplen = (uint32_t)(ring_max_record(r) - sizeof(struct rec));
    struct rec *rec = reserve_wait(e, i, sizeof *rec + caplen);
    rec->type = REC_PACKET;
    rec->dlt = fr->dlt;
    rec->ts = fr->ts;
    rec->now = e->now;
    rec->caplen = caplen;
    rec->wirelen = fr->wirelen;
    rec->name = fr->input;
    memcpy(rec + 1, fr->data, caplen);
    ring_commit(r);
}

void engine_packet(engine *e, const struct cap_frame *fr)
{
    if (e->n == 1) {
        worker_set_input(e->workers[0], fr->input);
        worker_packet(e->workers[0], fr->dlt, fr->ts, fr->data, fr->caplen, fr->wirelen);
        return;
    }
    uint64_t t_us = (uint64_t)fr->ts.tv_sec * 1000000u + (uint64_t)fr->ts.tv_usec;
    if (t_us > e->now_us) { e->now_us = t_us; e->now = fr->ts; }
    /* a first look at the addresses picks the worker; the worker decodes in
     * full (a reader's own worker takes the decode made for the pick) */
    uint64_t first_key = 0;
    struct pkt p;
    enum decode_reason dr;
    unsigned i = steer(e, fr, &first_key, &p, &dr);
    if (i != HELD_MAX) {
        send_frame(e, i, fr, &p, dr);
        if (first_key && e->n_held) release_held(e, first_key, i, false);
    }
    /* A single worker looks for idle flows once a second of packet time,
     * after the packet that crosses the second: so do all of them, at the
     * same packets, whichever worker got it (same flows end, at the same
     * times, as with one worker). */
    if (e->now_us - e->last_tick_us >= 1000000u) {
        e->last_tick_us = e->now_us;
        if (e->n_held) release_held(e, 0, 0, true);
        for (unsigned k = 0; k < e->n; k++) send_ctl(e, k, REC_TICK, e->now);
        if (e->now_us > e->tick_us) e->tick_us = e->now_us;
        pairs_sweep(&e->pairs, e->tick_us);
    }
}

void engine_end_input(engine *e)
{
    if (e->fanout) {
        engine_fanout_stop(e);
        return;
    }
    if (e->readers) {   /* each reader ended its flows as its inputs ended */
        engine_readers_join(e);
        return;
    }
    if (e->n_held) release_held(e, 0, 0, false);
    broadcast(e, REC_END_INPUT, (struct timeval){ 0, 0 });
    pairs_clear(&e->pairs);   /* the workers end every flow at the end of an input */
}

void engine_tick(engine *e, struct timeval now)
{
    if (e->fanout) return;   /* each worker keeps its own time */
    broadcast(e, REC_TICK, now);
    uint64_t t_us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_usec;
    if (t_us > e->tick_us) e->tick_us = t_us;
    if (e->n > 1) pairs_sweep(&e->pairs, e->tick_us);
}

engine *engine_new(const struct pipeline *pp, unsigned n_workers, size_t ring_bytes, uint64_t seed)
{
    engine *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->n = n_workers ? n_workers : 1;
    e->opts = pp->decode_set ? &pp->decode : NULL;
    if (e->n > 1 && !(e->steer = calloc(STEER_SLOTS, sizeof *e->steer))) abort();
    e->seed = seed;
    /* a pair keeps its worker while a flow or fragment of it may live, and a
     * tick (one a second) later */
    pairs_init(&e->pairs, config_pair_hold_us(pp->cfg), 0);
    e->slots = calloc(e->n, sizeof *e->slots);
    e->workers = calloc(e->n, sizeof *e->workers);
    if (!e->slots || !e->workers) abort();
    atomic_init(&e->ready, 0);
    /* one flow-hash seed for all: a flow's key hashes alike in every worker */
    if (e->n == 1) {
        e->workers[0] = e->slots[0].w = worker_new(pp, 0, seed);
        atomic_store(&e->ready, 1);
    } else {
        for (unsigned i = 0; i < e->n; i++) {
            e->slots[i].e = e;
            e->slots[i].pp = pp;
            e->slots[i].index = i;
            e->slots[i].r = ring_new(ring_bytes);
            engine_slot_start(e, &e->slots[i], worker_main);
        }
    }
    return e;
}

void engine_stop(engine *e)
{
    if (e->stopped) return;
    e->stopped = true;
    if (e->fanout) {
        engine_fanout_stop(e);
        return;
    }
    if (e->readers) {
        atomic_store(&e->rd_stop, true);
        engine_readers_join(e);
        return;
    }
    if (e->n == 1) return;
    for (unsigned i = 0; i < e->n; i++) send_ctl(e, i, REC_STOP, (struct timeval){ 0, 0 });
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
    for (unsigned i = 0; i < e->n_held; i++) free((void *)e->held[i].fr.data);
    free(e->steer);
    if (e->readers) engine_readers_free(e);
    pairs_free(&e->pairs);
    free(e->slots);
    free(e->workers);
    free(e);
}

worker *const *engine_workers(const engine *e, unsigned *n)
{
    /* the threads build their workers as they start: wait for them */
    while (atomic_load_explicit(&e->ready, memory_order_acquire) < e->n) {
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
    *n = e->n;
    return e->workers;
}

void engine_counters(const engine *e, uint64_t *ring_waits, uint64_t *steered, uint64_t *held)
{
    *ring_waits = e->ring_waits;
    *steered = e->steered;
    *held = e->held_total;
}

