/* engine_readers.c -- offline, each worker reading the inputs itself (see
 * engine_new_readers in engine.h). */
#include "engine_int.h"
#include "limits.h"
#include "log.h"
#include "merge.h"
#include "pipeline.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

/* Readers: a pair's worker is the first reader to meet it (the one ahead in
 * the inputs, so the least loaded: the readers balance themselves). One
 * 64-bit word a pair, claimed by compare-and-swap: 56 bits of the pair's
 * hash and the worker. Words are never freed, so a probe run that met no
 * free word stays full: every reader then takes the static hash alike, over
 * the readers that read (known to all before the first frame). */
#define CLAIM_SLOTS (1u << 17)
#define CLAIM_PROBES 32u
_Static_assert(LIM_WORKERS_MAX < 0xffff, "a claim word holds the worker + 1 in 16 bits");
unsigned engine_claim(engine *e, uint64_t h)
{
    uint64_t tag = h >> 16 ? h >> 16 : 1;
    uint64_t mine = tag << 16 | (uint64_t)(e->self + 1);
    uint32_t at = (uint32_t)h & e->claims_mask;
    for (unsigned k = 0; k < CLAIM_PROBES; k++, at = (at + 1) & e->claims_mask) {
        uint64_t v = atomic_load_explicit(&e->claims[at], memory_order_acquire);
        if (!v && atomic_compare_exchange_strong_explicit(&e->claims[at], &v, mine, memory_order_acq_rel,
                                                          memory_order_acquire))
            return e->self;
        if (v >> 16 == tag) return (unsigned)(v & 0xffff) - 1;
    }
    return e->n_live ? e->live[h % e->n_live] : e->self;
}

struct reader_ctx {
    engine *e;            /* the parent */
    bool says;            /* the first reader that reads: it says what the inputs' ends say */
    unsigned base;        /* the run's index of the merge's first input */
};

/* A reader's next frame, named after the run's own input (the name goes in
 * transactions and alerts, and must outlive the engine); one reader alone
 * says and counts what went wrong at an input's end (every reader meets it). */
static bool reader_next(void *arg, struct merge_src *s)
{
    struct reader_ctx *rc = arg;
    enum cap_status st = capture_next(s->c, &s->fr);
    if (st == CAP_PACKET) {
        s->fr.input = capture_name(rc->e->inputs[rc->base + s->order]);
        return true;
    }
    if (rc->says && capture_end_said(s->c, st)) atomic_fetch_add(&rc->e->rd_read_errors, 1);
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
    /* the inputs first: every reader knows which of them read before any
     * frame is steered (a full probe run falls back on those) */
    capture **caps = calloc(e->n_inputs, sizeof *caps);
    if (!caps) abort();
    unsigned open = 0;
    char err[512];
    for (unsigned i = 0; i < e->n_inputs; i++) {
        caps[i] = capture_reopen(e->inputs[i], 0, err, sizeof err);
        if (!caps[i]) break;
        capture_limit(caps[i], e->sizes[i]);
        open++;
    }
    e->rd_reads[s->index] = open == e->n_inputs;
    pthread_barrier_wait(&e->rd_opened);
    engine_slot_worker(s);
    /* its own engine for the steering, which every reader runs alike */
    engine *rd = calloc(1, sizeof *rd);
    if (!rd || !(rd->steer = calloc(STEER_SLOTS, sizeof *rd->steer)) || !(rd->live = calloc(e->n, sizeof *rd->live)))
        abort();
    rd->n = e->n;
    rd->opts = e->opts;
    rd->seed = e->seed;
    rd->reader = true;
    rd->self = s->index;
    rd->own = s->w;
    rd->claims = e->claims;
    rd->claims_mask = e->claims_mask;
    for (unsigned i = 0; i < e->n; i++)
        if (e->rd_reads[i]) rd->live[rd->n_live++] = i;
    struct reader_ctx rc = { e, rd->n_live && rd->live[0] == s->index, 0 };
    if (open < e->n_inputs) {
        /* it could not be opened again (descriptors, memory, or no /proc
         * and its path gone): this reader reads nothing, so it claims no
         * pair, and the others take every flow it would have; if none can,
         * the run counts a read error (engine_read_errors) */
        log_msg(LOG_WARNING, "worker %u: %s; the other workers take its flows", s->index, err);
        atomic_fetch_add(&e->rd_open_failed, 1);
    } else if (e->merged) {
        reader_pump(e, rd, caps, 0, e->n_inputs, &rc);
    } else {
        for (unsigned i = 0; i < e->n_inputs && !atomic_load(&e->rd_stop); i++) reader_pump(e, rd, caps, i, i + 1, &rc);
    }
    if (rc.says) {   /* the steering counters of one reader (all count alike) */
        e->steered = rd->steered;
        e->held_total = rd->held_total;
    }
    for (unsigned i = 0; i < open; i++) capture_close(caps[i]);
    free(caps);
    for (unsigned i = 0; i < rd->n_held; i++) free((void *)rd->held[i].fr.data);
    free(rd->steer);
    free(rd->live);
    free(rd);
    worker_shed(s->w);
    sem_post(&e->rd_done);
    return NULL;
}

engine *engine_new_readers(const struct pipeline *pp, unsigned n, uint64_t seed, capture *const *inputs,
                           unsigned n_inputs, bool merged)
{
    engine *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->n = n;
    e->readers = true;
    e->seed = seed;
    e->opts = pp->decode_set ? &pp->decode : NULL;
    e->inputs = inputs;
    e->n_inputs = n_inputs;
    e->merged = merged;
    /* a file still being written: every reader stops where it ended now */
    e->sizes = calloc(n_inputs ? n_inputs : 1, sizeof *e->sizes);
    if (!e->sizes) abort();
    for (unsigned i = 0; i < n_inputs; i++) {
        int64_t size = capture_file_size(inputs[i]);
        if (size > 0) e->sizes[i] = (uint64_t)size;
    }
    e->claims_mask = CLAIM_SLOTS - 1;
    /* zero pages from the kernel, touched as pairs come (calloc may clear
     * the whole of it first) */
    void *cl = mmap(NULL, CLAIM_SLOTS * sizeof *e->claims, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    e->claims = cl == MAP_FAILED ? NULL : cl;
    e->slots = calloc(e->n, sizeof *e->slots);
    e->workers = calloc(e->n, sizeof *e->workers);
    e->rd_reads = calloc(e->n, sizeof *e->rd_reads);
    if (!e->claims || !e->slots || !e->workers || !e->rd_reads || sem_init(&e->rd_done, 0, 0) != 0 ||
        pthread_barrier_init(&e->rd_opened, NULL, e->n) != 0)
        abort();
    atomic_init(&e->ready, 0);
    atomic_init(&e->rd_stop, false);
    atomic_init(&e->rd_read_errors, 0);
    atomic_init(&e->rd_open_failed, 0);
    for (unsigned i = 0; i < e->n; i++) {
        struct wslot *s = &e->slots[i];
        s->e = e;
        s->pp = pp;
        s->index = i;
        engine_slot_start(e, s, reader_main);
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

uint64_t engine_read_errors(const engine *e)
{
    if (!e->readers) return 0;
    return atomic_load(&e->rd_read_errors) + (atomic_load(&e->rd_open_failed) == e->n);
}

void engine_readers_join(engine *e)
{
    for (unsigned i = 0; i < e->n; i++)
        if (e->slots[i].running) {
            pthread_join(e->slots[i].th, NULL);
            e->slots[i].running = false;
        }
}

void engine_readers_free(engine *e)
{
    if (e->claims) munmap((void *)e->claims, CLAIM_SLOTS * sizeof *e->claims);
    free(e->sizes);
    free(e->rd_reads);
    sem_destroy(&e->rd_done);
    pthread_barrier_destroy(&e->rd_opened);
}
