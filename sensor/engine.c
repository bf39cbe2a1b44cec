/* engine.c -- the capture thread's side of the workers (see engine.h). */
#include "engine.h"
#include "capture.h"
#include "config.h"
#include "log.h"
#include "merge.h"
#include "decode.h"
#include "pairs.h"
#include "pipeline.h"
#include "ring.h"
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

struct wslot {
    engine *e;
    const struct pipeline *pp;
    unsigned index;
    worker *w;
    ring *r;                 /* NULL with fanout */
    capture *cap;            /* fanout: the worker's own socket */
    _Atomic uint64_t recv, drop, ifdrop;   /* fanout: its pcap_stats, as of its last tick */
    pthread_t th;
    bool running;
};

/* Fragment steering (N > 1 workers). A flow's packets go to the worker its
 * inner addresses pick; so must every fragment of a datagram that carries a
 * tunnel, whose inner addresses only its first fragment shows. The first
 * fragment is decoded as far as it goes and its pick remembered for the
 * datagram; a later fragment that comes before it is held (a copy, bounded)
 * until it comes, or for a second of capture time. */
#define STEER_SLOTS 4096u
#define HELD_MAX 256u
#define HELD_BYTES (4u << 20)
struct steer {
    uint64_t key;            /* datagram: addresses, id, protocol, tunnel id; 0 = free */
    uint64_t t_us;
    unsigned worker;
};
struct held {
    uint64_t key, t_us;
    struct cap_frame fr;     /* fr.data is a malloc'd copy */
    unsigned fallback;       /* the worker of its own addresses */
};

struct engine {
    unsigned n;
    const struct decode_opts *opts;
    struct steer *steer;
    struct held held[HELD_MAX];
    unsigned n_held;
    size_t held_bytes;
    uint64_t steered, held_total;
    struct wslot *slots;
    worker **workers;
    uint64_t seed;
    _Atomic unsigned ready;         /* worker threads that have built their worker */
    uint64_t ring_waits;
    struct timeval now;             /* latest packet time seen */
    uint64_t now_us, last_tick_us;  /* ticks: when one worker would expire flows */
    uint64_t tick_us;               /* the latest time any tick carried */
    struct pairs pairs;
    bool stopped;
    /* readers (offline, N > 1): each worker thread reads the inputs itself */
    bool readers;                   /* this engine's workers are readers */
    bool reader;                    /* a reader's own engine: steers every frame, runs its own */
    unsigned self;                  /* reader: its worker's index */
    worker *own;                    /* reader: its worker */
    _Atomic uint64_t *claims;       /* readers: address pair -> worker, first come (shared) */
    uint32_t claims_mask;
    capture *const *inputs;         /* readers: the run's inputs (their names go in the outputs) */
    uint64_t *sizes;                /* readers: each input's size when they started: all read that */
    unsigned n_inputs;
    const char *bpf;
    bool merged;                    /* the inputs as one stream (else one after the other) */
    _Atomic bool rd_stop;           /* stop reading (a signal) */
    _Atomic uint64_t rd_read_errors;
    sem_t rd_done;                  /* posted by each reader as it finishes */
    unsigned rd_finished;
    bool fanout;                    /* each worker reads its own capture; no rings */
    _Atomic bool fan_stop;          /* fanout: stop reading, end the flows */
    _Atomic bool fan_failed;        /* fanout: a worker's capture failed */
};

static void readers_join(engine *e);

/* ---- worker threads ---- */

/* A worker thread builds its own worker (not the capture thread: the
 * set-ups run side by side, while the capture thread reads) and says so. */
static void slot_worker(struct wslot *s)
{
    s->w = worker_new(s->pp, s->index, s->e->seed);
    s->e->workers[s->index] = s->w;
    atomic_fetch_add_explicit(&s->e->ready, 1, memory_order_release);
}

static void *worker_main(void *arg)
{
    struct wslot *s = arg;
    slot_worker(s);
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

/* ---- fanout: a worker reads its own socket ---- */

static void fan_drops(struct wslot *s)
{
    uint64_t recv, drop, ifdrop;
    capture_drops(s->cap, &recv, &drop, &ifdrop);
    atomic_store_explicit(&s->recv, recv, memory_order_relaxed);
    atomic_store_explicit(&s->drop, drop, memory_order_relaxed);
    atomic_store_explicit(&s->ifdrop, ifdrop, memory_order_relaxed);
}

/* Like the capture thread with one worker: its flows look for idle ones
 * once a second of packet time, and on a read timeout at the wall clock's
 * time (time passes without packets). The kernel's symmetric flow hash
 * gives both directions of a flow to one socket. */
static void *fanout_main(void *arg)
{
    struct wslot *s = arg;
    engine *e = s->e;
    slot_worker(s);
    worker_set_input(s->w, NULL);
    uint64_t last_tick_us = 0;
    while (!atomic_load_explicit(&e->fan_stop, memory_order_relaxed)) {
        struct cap_frame fr;
        struct timeval now;
        enum cap_status st = capture_next(s->cap, &fr);
        if (st == CAP_PACKET) {
            worker_clock(s->w, fr.ts);
            worker_packet(s->w, fr.dlt, fr.ts, fr.data, fr.caplen, fr.wirelen);
            now = fr.ts;
        } else if (st == CAP_TIMEOUT) {
            gettimeofday(&now, NULL);
        } else {
            if (!atomic_load(&e->fan_stop))
                log_msg(LOG_ERR, "%s (fanout socket %u): read stopped: %s", capture_name(s->cap), s->index,
                        capture_error(s->cap));
            atomic_store(&e->fan_failed, true);
            break;
        }
        uint64_t t_us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_usec;
        if (t_us - last_tick_us >= 1000000u) {
            last_tick_us = t_us;
            worker_tick(s->w, now);
            fan_drops(s);
        }
    }
    worker_finish(s->w);
    fan_drops(s);
    worker_shed(s->w);
    return NULL;
}

engine *engine_new_fanout(const struct pipeline *pp, capture *const *caps, unsigned n, uint64_t seed)
{
    engine *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->n = n ? n : 1;
    e->fanout = true;
    e->seed = seed;
    e->opts = pp->decode_set ? &pp->decode : NULL;
    e->slots = calloc(e->n, sizeof *e->slots);
    e->workers = calloc(e->n, sizeof *e->workers);
    if (!e->slots || !e->workers) abort();
    atomic_init(&e->ready, 0);
    atomic_init(&e->fan_stop, false);
    atomic_init(&e->fan_failed, false);
    for (unsigned i = 0; i < e->n; i++) {
        struct wslot *s = &e->slots[i];
        s->e = e;
        s->pp = pp;
        s->index = i;
        s->cap = caps[i];
        atomic_init(&s->recv, 0);
        atomic_init(&s->drop, 0);
        atomic_init(&s->ifdrop, 0);
        if (pthread_create(&s->th, NULL, fanout_main, s) != 0) abort();
        s->running = true;
    }
    return e;
}

bool engine_fanout_failed(const engine *e) { return e->fanout && atomic_load(&e->fan_failed); }

void engine_capture_drops(const engine *e, uint64_t *received, uint64_t *dropped, uint64_t *ifdropped)
{
    *received = *dropped = *ifdropped = 0;
    for (unsigned i = 0; e->fanout && i < e->n; i++) {
        *received += atomic_load_explicit(&e->slots[i].recv, memory_order_relaxed);
        *dropped += atomic_load_explicit(&e->slots[i].drop, memory_order_relaxed);
        *ifdropped += atomic_load_explicit(&e->slots[i].ifdrop, memory_order_relaxed);
    }
}

/* Fanout: stop reading and join the workers, each having ended its flows. */
static void fanout_stop(engine *e)
{
    atomic_store(&e->fan_stop, true);
    for (unsigned i = 0; i < e->n; i++) capture_break(e->slots[i].cap);
    for (unsigned i = 0; i < e->n; i++)
        if (e->slots[i].running) {
            pthread_join(e->slots[i].th, NULL);
            e->slots[i].running = false;
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

/* Readers: a pair's worker is the first reader to meet it (the one ahead in
 * the inputs, so the least loaded: the readers balance themselves). One
 * 64-bit word a pair, claimed by compare-and-swap: 56 bits of the pair's
 * hash and the worker. Words are never freed, so a probe run that met no
 * free word stays full: every reader then takes the static hash alike. */
#define CLAIM_SLOTS (1u << 17)
#define CLAIM_PROBES 32u
static unsigned claim(engine *e, uint64_t h)
{
    uint64_t tag = h >> 8 ? h >> 8 : 1;
    uint64_t mine = tag << 8 | (uint64_t)(e->self + 1);
    uint32_t at = (uint32_t)h & e->claims_mask;
    for (unsigned k = 0; k < CLAIM_PROBES; k++, at = (at + 1) & e->claims_mask) {
        uint64_t v = atomic_load_explicit(&e->claims[at], memory_order_acquire);
        if (!v && atomic_compare_exchange_strong_explicit(&e->claims[at], &v, mine, memory_order_acq_rel,
                                                          memory_order_acquire))
            return e->self;
        if (v >> 8 == tag) return (unsigned)(v & 0xff) - 1;
    }
    return (unsigned)(h % e->n);
}

static unsigned pick(engine *e, const struct pkt *p)
{
    if (e->reader) return claim(e, pair_hash(e, p));
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

static void send_frame(engine *e, unsigned i, const struct cap_frame *fr);

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
        send_frame(e, key ? to : h->fallback, &h->fr);
        e->held_bytes -= h->fr.caplen;
        free((void *)h->fr.data);
    }
    e->n_held = k;
}

/* Which worker gets a frame: its (inner) addresses' pick, or for a fragment
 * of a tunnel datagram the pick of the datagram's inner addresses. Returns
 * HELD_MAX (no worker yet) when the frame was held. A first fragment sets
 * *first_key (held fragments of its datagram may now go). */
static unsigned steer(engine *e, const struct cap_frame *fr, uint64_t *first_key)
{
    struct pkt p;
    enum decode_reason dr = decode_frame(e->opts, fr->dlt, fr->data, fr->caplen, fr->wirelen, &p);
    if (dr == DEC_OK || dr == DEC_OTHER_L4) return pick(e, &p);
    if (dr != DEC_FRAGMENT) return 0;
    unsigned own = pick(e, &p);
    uint64_t key = datagram_key(&p);
    struct steer *s = &e->steer[key % STEER_SLOTS];
    if (p.frag_offset == 0) {
        struct pkt inner;
        unsigned w = first_fragment_inner(e, &p, &inner) ? pick(e, &inner) : own;
        s->key = key;
        s->t_us = e->now_us;
        s->worker = w;
        *first_key = key;
        if (w != own) e->steered++;
        return w;
    }
    if (s->key == key && e->now_us - s->t_us < 60000000u) return s->worker;
    /* a later fragment first: if it can carry a tunnel, wait for the first */
    bool tunnel_proto = p.frag_proto == 47 || p.frag_proto == 4 || p.frag_proto == 41 || p.frag_proto == 17;
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

static void send_frame(engine *e, unsigned i, const struct cap_frame *fr)
{
    if (e->reader) {   /* every reader sees every frame: it runs its own */
        if (i != e->self) return;
        worker_clock(e->own, e->now);
        worker_set_input(e->own, fr->input);
        worker_packet(e->own, fr->dlt, fr->ts, fr->data, fr->caplen, fr->wirelen);
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
    /* a first look at the addresses picks the worker; the worker decodes in full */
    uint64_t first_key = 0;
    unsigned i = steer(e, fr, &first_key);
    if (i != HELD_MAX) {
        send_frame(e, i, fr);
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
        fanout_stop(e);
        return;
    }
    if (e->readers) {   /* each reader ended its flows as its inputs ended */
        readers_join(e);
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
    const struct config *cfg = pp->cfg;
    uint32_t hold = cfg->tcp_idle_timeout;
    if (cfg->tcp_close_timeout > hold) hold = cfg->tcp_close_timeout;
    if (cfg->udp_idle_timeout > hold) hold = cfg->udp_idle_timeout;
    if (cfg->frag_timeout > hold) hold = cfg->frag_timeout;
    pairs_init(&e->pairs, ((uint64_t)hold + 2) * 1000000u, 0);
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
    if (e->fanout) {
        fanout_stop(e);
        return;
    }
    if (e->readers) {
        atomic_store(&e->rd_stop, true);
        readers_join(e);
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
    if (e->claims) munmap((void *)e->claims, CLAIM_SLOTS * sizeof *e->claims);
    free(e->sizes);
    if (e->readers) sem_destroy(&e->rd_done);
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

/* ---- readers: offline, each worker reads the inputs itself ---- */

struct reader_ctx {
    engine *e;            /* the parent */
    unsigned self;
    unsigned base;        /* the run's index of the merge's first input */
};

/* A reader's next frame, named after the run's own input (the name goes in
 * transactions and alerts, and must outlive the engine); reader 0 alone says
 * and counts what went wrong at an input's end (every reader meets it). */
static bool reader_next(void *arg, struct merge_src *s)
{
    struct reader_ctx *rc = arg;
    enum cap_status st = capture_next(s->c, &s->fr);
    if (st == CAP_PACKET) {
        s->fr.input = capture_name(rc->e->inputs[rc->base + s->order]);
        return true;
    }
    if (rc->self == 0 && (st == CAP_ERROR || capture_truncated(s->c))) {
        if (st == CAP_ERROR)
            log_msg(LOG_WARNING, "%s: read stopped early: %s", capture_name(s->c), capture_error(s->c));
        else
            log_msg(LOG_WARNING, "%s: %s", capture_name(s->c), capture_error(s->c));
        atomic_fetch_add(&rc->e->rd_read_errors, 1);
    }
    return false;
}

/* Frames of inputs [from, to) as one stream, through the reader's engine. */
static void reader_pump(engine *e, engine *rd, capture **caps, unsigned from, unsigned to, struct reader_ctx *rc)
{
    struct merge m;
    rc->base = from;
    merge_init(&m, caps + from, to - from, reader_next, rc);
    struct merge_src *t;
    while ((t = merge_top(&m)) && !atomic_load_explicit(&e->rd_stop, memory_order_relaxed)) {
        engine_packet(rd, &t->fr);
        merge_pop(&m);
    }
    merge_free(&m);
    engine_end_input(rd);
}

static void *reader_main(void *arg)
{
    struct wslot *s = arg;
    engine *e = s->e;
    slot_worker(s);
    /* its own engine for the steering, which every reader runs alike */
    engine *rd = calloc(1, sizeof *rd);
    capture **caps = calloc(e->n_inputs, sizeof *caps);
    if (!rd || !caps || !(rd->steer = calloc(STEER_SLOTS, sizeof *rd->steer))) abort();
    rd->n = e->n;
    rd->opts = e->opts;
    rd->seed = e->seed;
    rd->reader = true;
    rd->self = s->index;
    rd->own = s->w;
    rd->claims = e->claims;
    rd->claims_mask = e->claims_mask;
    struct reader_ctx rc = { e, s->index, 0 };
    unsigned open = 0;
    for (unsigned i = 0; i < e->n_inputs; i++) {
        char err[512];
        caps[i] = capture_open_file(capture_path(e->inputs[i]), e->bpf, err, sizeof err);
        if (!caps[i]) break;
        capture_limit(caps[i], e->sizes[i]);
        open++;
    }
    if (open < e->n_inputs) {
        /* gone since the run opened it: every reader stops, reader 0 says so */
        if (s->index == 0) {
            log_msg(LOG_ERR, "cannot open %s again for the workers' reading", capture_name(e->inputs[open]));
            atomic_fetch_add(&e->rd_read_errors, 1);
        }
    } else if (e->merged) {
        reader_pump(e, rd, caps, 0, e->n_inputs, &rc);
    } else {
        for (unsigned i = 0; i < e->n_inputs && !atomic_load(&e->rd_stop); i++) reader_pump(e, rd, caps, i, i + 1, &rc);
    }
    if (s->index == 0) {
        e->steered = rd->steered;
        e->held_total = rd->held_total;
    }
    for (unsigned i = 0; i < open; i++) capture_close(caps[i]);
    free(caps);
    for (unsigned i = 0; i < rd->n_held; i++) free((void *)rd->held[i].fr.data);
    free(rd->steer);
    free(rd);
    worker_shed(s->w);
    sem_post(&e->rd_done);
    return NULL;
}

engine *engine_new_readers(const struct pipeline *pp, unsigned n, uint64_t seed, capture *const *inputs,
                           unsigned n_inputs, const char *bpf, bool merged)
{
    engine *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->n = n;
    e->readers = true;
    e->seed = seed;
    e->opts = pp->decode_set ? &pp->decode : NULL;
    e->inputs = inputs;
    e->n_inputs = n_inputs;
    e->bpf = bpf;
    e->merged = merged;
    /* a file still being written: every reader stops where it ended now */
    e->sizes = calloc(n_inputs ? n_inputs : 1, sizeof *e->sizes);
    if (!e->sizes) abort();
    for (unsigned i = 0; i < n_inputs; i++) {
        struct stat st;
        if (stat(capture_path(inputs[i]), &st) == 0 && st.st_size > 0) e->sizes[i] = (uint64_t)st.st_size;
    }
    e->claims_mask = CLAIM_SLOTS - 1;
    /* zero pages from the kernel, touched as pairs come (calloc may clear
     * the whole of it first) */
    void *cl = mmap(NULL, CLAIM_SLOTS * sizeof *e->claims, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    e->claims = cl == MAP_FAILED ? NULL : cl;
    e->slots = calloc(e->n, sizeof *e->slots);
    e->workers = calloc(e->n, sizeof *e->workers);
    if (!e->claims || !e->slots || !e->workers || sem_init(&e->rd_done, 0, 0) != 0) abort();
    atomic_init(&e->ready, 0);
    atomic_init(&e->rd_stop, false);
    atomic_init(&e->rd_read_errors, 0);
    for (unsigned i = 0; i < e->n; i++) {
        struct wslot *s = &e->slots[i];
        s->e = e;
        s->pp = pp;
        s->index = i;
        if (pthread_create(&s->th, NULL, reader_main, s) != 0) abort();
        s->running = true;
    }
    return e;
}

bool engine_readers_wait(engine *e, unsigned ms)
{
    if (!e->readers) return true;
    while (e->rd_finished < e->n) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += (long)(ms % 1000) * 1000000L;
        ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        if (sem_timedwait(&e->rd_done, &ts) != 0) return false;   /* time out, or a signal */
        e->rd_finished++;
    }
    return true;
}

void engine_readers_stop(engine *e)
{
    if (e->readers) atomic_store(&e->rd_stop, true);
}

uint64_t engine_read_errors(const engine *e) { return e->readers ? atomic_load(&e->rd_read_errors) : 0; }

static void readers_join(engine *e)
{
    for (unsigned i = 0; i < e->n; i++)
        if (e->slots[i].running) {
            pthread_join(e->slots[i].th, NULL);
            e->slots[i].running = false;
        }
}
