/* test_ring.c -- the SPSC ring: order, wrap-around, full/empty, and a
 * two-thread run that checks every record arrives intact and in order. */
#include "test.h"
#include "ring.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

static void t_single_thread(void)
{
    ring *r = ring_new(4096);
    size_t len;
    CHECK(ring_peek(r, &len) == NULL);
    /* fill until full, then drain; repeat across the wrap point many times */
    uint32_t next_w = 0, next_r = 0;
    for (int round = 0; round < 200; round++) {
        for (;;) {
            size_t n = 1 + (next_w * 37) % 700;
            uint8_t *p = ring_reserve(r, n);
            if (!p) break;
            for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(next_w + i);
            ring_commit(r);
            next_w++;
        }
        const uint8_t *q;
        int drained = 0;
        while ((q = ring_peek(r, &len)) && drained < 3 + round % 5) {
            size_t n = 1 + (next_r * 37) % 700;
            CHECK_EQ(len, n);
            int ok = 1;
            for (size_t i = 0; i < n; i++) ok &= q[i] == (uint8_t)(next_r + i);
            CHECK(ok);
            ring_release(r);
            next_r++;
            drained++;
        }
    }
    CHECK(next_w > 500 && next_r > 500);
    CHECK(ring_reserve(r, 4096) == NULL);   /* larger than cap/4 */
    ring_free(r);
}

/* Record i of a two-thread run: 4 + (a hash of i) % span bytes, its number
 * first, then bytes that depend on it and their place. */
static size_t rec_len(uint32_t i, size_t span) { return 4 + (i * 2654435761u) % span; }

static void rec_fill(uint8_t *p, uint32_t i, size_t n)
{
    memcpy(p, &i, 4);
    for (size_t k = 4; k < n; k++) p[k] = (uint8_t)(i ^ k);
}

/* Wrong bytes in q (len bytes) for record `expect` of span; 0 when intact. */
static int rec_bad(const uint8_t *q, size_t len, uint32_t expect, size_t span)
{
    uint32_t id;
    memcpy(&id, q, 4);
    size_t n = rec_len(expect, span);
    int bad = id != expect || len != n;
    for (size_t k = 4; k < len && k < n; k++) bad += q[k] != (uint8_t)(expect ^ k);
    return bad;
}

/* One two-thread run: count records of up to span bytes; the producer
 * yields on a full ring, or (blocking) sleeps in ring_wait_room and grows the
 * window half-way through; every pause_every records (0: never) it stalls
 * 2 ms, and the consumer every cons_pause records 3 ms. */
struct run_spec {
    ring *r;
    uint32_t count;
    size_t span;
    bool blocking;
    uint32_t pause_every, cons_pause;
};

static void *producer(void *arg)
{
    const struct run_spec *sp = arg;
    for (uint32_t i = 0; i < sp->count; i++) {
        size_t n = rec_len(i, sp->span);
        uint8_t *p;
        while (!(p = ring_reserve(sp->r, n))) {
            if (sp->blocking) ring_wait_room(sp->r, n);
            else sched_yield();
        }
        rec_fill(p, i, n);
        ring_commit(sp->r);
        if (sp->blocking && i == sp->count / 2) ring_grow(sp->r);
        if (sp->pause_every && i % sp->pause_every == 0) {   /* the consumer runs dry */
            struct timespec ts = { 0, 2000000 };
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

/* The consumer's side of a two-thread run: every record in order and
 * intact (returns the wrong ones); on an empty ring it yields, or sleeps in
 * ring_wait_data; every pause_every records (0: never) it stalls 3 ms. */
static int consume_all(ring *r, uint32_t count, size_t span, bool blocking, uint32_t pause_every)
{
    uint32_t expect = 0;
    int bad = 0;
    while (expect < count) {
        size_t len;
        const uint8_t *q = ring_peek(r, &len);
        if (!q) {
            if (blocking) ring_wait_data(r);
            else sched_yield();
            continue;
        }
        bad += rec_bad(q, len, expect, span);
        ring_release(r);
        if (pause_every && expect % pause_every == 0) {   /* the producer fills the ring */
            struct timespec ts = { 0, 3000000 };
            nanosleep(&ts, NULL);
        }
        expect++;
    }
    return bad;
}

/* The producer of sp on a thread against consume_all(); true when every
 * record came intact and in order and the ring is empty after. */
static bool run_pair(const struct run_spec *sp)
{
    pthread_t th;
    pthread_create(&th, NULL, producer, (void *)sp);
    int bad = consume_all(sp->r, sp->count, sp->span, sp->blocking, sp->cons_pause);
    pthread_join(th, NULL);
    return bad == 0 && ring_used(sp->r) == 0;
}

static void t_two_threads(void)
{
    struct run_spec sp = { ring_new(1 << 16), 200000, 1500, false, 0, 0 };
    CHECK(run_pair(&sp));
    ring_free(sp.r);
}

/* A consumer that keeps up never makes the producer leave its first window:
 * every record lies in the first window of an 8 MB ring; a grown window
 * shrinks back once the consumer keeps up again. */
static void t_window_stays(void)
{
    ring *r = ring_new(8u << 20);
    const size_t W = RING_WIN0;
    CHECK_EQ(ring_window(r), W);
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    size_t len;
    for (uint32_t i = 0; i < 20000; i++) {
        size_t n = 64 + i % 1400;
        uint8_t *p = ring_reserve(r, n);
        CHECK(p != NULL);
        if (!p) break;
        if ((uintptr_t)p < lo) lo = (uintptr_t)p;
        if ((uintptr_t)p + n > hi) hi = (uintptr_t)p + n;
        memcpy(p, &i, 4);
        ring_commit(r);
        if (i % 3 == 2)   /* the consumer lags by a few records, then catches up */
            while (ring_peek(r, &len)) ring_release(r);
    }
    CHECK(hi - lo <= W);
    CHECK(hi - lo > W / 2);   /* and it did go round the window */
    /* a full window grows; records then reach past the old one */
    while (ring_peek(r, &len)) ring_release(r);
    CHECK(ring_grow(r));
    CHECK_EQ(ring_window(r), 2 * W);
    hi = 0;
    for (uint32_t i = 0; i < 2000; i++) {
        uint8_t *p = ring_reserve(r, 1000);
        if (!p) break;
        if ((uintptr_t)p + 1000 > hi) hi = (uintptr_t)p + 1000;
        ring_commit(r);
    }
    CHECK(hi - lo > W && hi - lo <= 2 * W);
    while (ring_grow(r)) {}
    CHECK(!ring_grow(r));   /* at the capacity */
    CHECK_EQ(ring_window(r), 8u << 20);
    /* a consumer that keeps up: at each wrap the window halves, back to the first */
    while (ring_peek(r, &len)) ring_release(r);
    for (uint32_t i = 0; i < 40000 && ring_window(r) > W; i++) {
        if (!ring_reserve(r, 1000)) break;
        ring_commit(r);
        while (ring_peek(r, &len)) ring_release(r);
    }
    CHECK_EQ(ring_window(r), W);
    ring_free(r);
}

/* Both sides sleep (futex) instead of spinning: a producer that stalls now
 * and then makes the consumer sleep on an empty ring, a consumer that stalls
 * makes the producer sleep on a full one; every record still arrives intact
 * and in order, with the window grown half-way through (and shrunk again
 * whenever the consumer keeps up at a wrap). */
static void t_blocking(void)
{
    /* a ring that grows to four times its first window */
    struct run_spec sp = { ring_new(4 * RING_WIN0), 60000, 3000, true, 5000, 7000 };
    CHECK(run_pair(&sp));
    CHECK(ring_sleeps(sp.r) >= 10);   /* both sides slept, each pause at least once */
    ring_free(sp.r);
}

int main(void)
{
    RUN(t_single_thread);
    RUN(t_two_threads);
    RUN(t_window_stays);
    RUN(t_blocking);
    return test_done();
}
