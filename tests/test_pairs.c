/* test_pairs.c -- the capture thread's pair -> worker table: a pair keeps
 * the worker it was placed on while it may have live flows, is placed again
 * only after a tick has passed it by the hold time, survives growth and the
 * deletions of the sweep (backward shift, probe runs that wrap), and once
 * the table is full, new pairs go by the hash for good. And the same table
 * as a map whose entries last hold_us past their last use (the workers'
 * server hints): found while alive, kept through growth and sweeps of
 * others, gone after the hold, refused past max. */
#include "test.h"
#include "pairs.h"
#include <stdlib.h>

struct placer {
    unsigned calls, next, n;
};

static unsigned place_rr(void *ctx, uint64_t key)
{
    (void)key;
    struct placer *pl = ctx;
    pl->calls++;
    return pl->next++ % pl->n;
}

#define HOLD 302000000u   /* 300 s of flow timeout and two ticks, in us */

static void t_sticky(void)
{
    struct pairs ps;
    pairs_init(&ps, HOLD, 0);
    struct placer pl = { 0, 0, 3 };
    enum { N = 20000 };   /* past the first 4,096 slots: growth */
    unsigned *w = malloc(N * sizeof *w);
    for (uint64_t k = 1; k <= N; k++) w[k - 1] = pairs_get(&ps, k * 0x9e3779b97f4a7c15ULL, 1000, 0, 3, place_rr, &pl);
    CHECK_EQ(pl.calls, N);
    CHECK_EQ(pairs_count(&ps), N);
    unsigned bad = 0;
    for (uint64_t k = 1; k <= N; k++)   /* the same worker, no new placement, for the hold time */
        bad += pairs_get(&ps, k * 0x9e3779b97f4a7c15ULL, 5000000, HOLD + 1000, 3, place_rr, &pl) != w[k - 1];
    CHECK_EQ(bad, 0);
    CHECK_EQ(pl.calls, N);
    /* the workers were round-robin: all three got pairs */
    unsigned per[3] = { 0 };
    for (unsigned k = 0; k < N; k++) per[w[k]]++;
    CHECK(per[0] > 6000 && per[1] > 6000 && per[2] > 6000);
    /* a tick past the hold: a pair seen again is placed again */
    pairs_get(&ps, 1 * 0x9e3779b97f4a7c15ULL, 5000000 + HOLD + 2000000, 5000000 + HOLD + 1000000, 3, place_rr, &pl);
    CHECK_EQ(pl.calls, N + 1);
    CHECK_EQ(ps.replaced, 1);
    pairs_free(&ps);
    free(w);
}

/* Keys that all want the same few slots: long probe runs that wrap around
 * the end of the table; the sweep deletes every other one; the rest are
 * still found with their workers, the deleted are placed anew. */
static void t_sweep_shift(void)
{
    struct pairs ps;
    pairs_init(&ps, 1000, 0);
    struct placer pl = { 0, 0, 4 };
    enum { N = 2000 };
    unsigned w[N];
    /* low 12 bits 4090..4095: home slots at the table's end (4,096 slots,
     * then 8,192 after growth: still near the end or the middle) */
    for (unsigned k = 0; k < N; k++) {
        uint64_t key = ((uint64_t)(k + 1) << 13) | (4090u + k % 6);
        /* even k: last seen at 0, odd k: at 100000 */
        w[k] = pairs_get(&ps, key, k % 2 ? 100000 : 0, 0, 4, place_rr, &pl);
    }
    CHECK_EQ(pairs_count(&ps), N);
    /* tick 50,000: the even ones are past 1,000 us idle, the odd ones are not */
    for (int s = 0; s < 40; s++) pairs_sweep(&ps, 50000);
    CHECK_EQ(pairs_count(&ps), N / 2);
    unsigned bad = 0, calls = pl.calls;
    for (unsigned k = 1; k < N; k += 2) {
        uint64_t key = ((uint64_t)(k + 1) << 13) | (4090u + k % 6);
        bad += pairs_get(&ps, key, 100000, 50000, 4, place_rr, &pl) != w[k];
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(pl.calls, calls);
    for (unsigned k = 0; k < N; k += 2) {
        uint64_t key = ((uint64_t)(k + 1) << 13) | (4090u + k % 6);
        pairs_get(&ps, key, 100000, 50000, 4, place_rr, &pl);
    }
    CHECK_EQ(pl.calls, calls + N / 2);   /* deleted: placed as new */
    CHECK_EQ(pairs_count(&ps), N);
    pairs_clear(&ps);
    CHECK_EQ(pairs_count(&ps), 0);
    pairs_free(&ps);
}

/* A table capped at 100 pairs: the 101st and later go by key % n, and keep
 * doing so after room frees up; the first 100 keep their placed worker. */
static void t_full_static(void)
{
    struct pairs ps;
    pairs_init(&ps, 1000, 100);
    struct placer pl = { 0, 0, 5 };
    unsigned bad = 0;
    for (uint64_t k = 1; k <= 100; k++) bad += pairs_get(&ps, k * 5, 0, 0, 5, place_rr, &pl) != (k - 1) % 5;
    CHECK_EQ(pl.calls, 100);
    for (uint64_t k = 101; k <= 200; k++) bad += pairs_get(&ps, k * 5 + 3, 0, 0, 5, place_rr, &pl) != 3;
    CHECK_EQ(pl.calls, 100);
    CHECK(ps.static_only);
    for (int s = 0; s < 10; s++) pairs_sweep(&ps, 10000);   /* all expire, room again */
    CHECK_EQ(pairs_count(&ps), 0);
    bad += pairs_get(&ps, 777 * 5 + 2, 20000, 10000, 5, place_rr, &pl) != 2;
    CHECK_EQ(pl.calls, 100);
    CHECK_EQ(bad, 0);
    pairs_free(&ps);
}

static void t_map(void)
{
    struct pairs ps;
    pairs_init(&ps, 1000, 5000);
    unsigned bad = 0;
    CHECK(pairs_find(&ps, 7, 0) == NULL);
    /* 5,000 keys, each stamped at its own time: the table grows under them */
    for (uint64_t k = 1; k <= 5000; k++) {
        struct pair *q = pairs_put(&ps, k * 0x9e3779b97f4a7c15ull);
        if (!q || q->worker != 0 || q->last_us != 0) { bad++; continue; }
        q->worker = (uint32_t)k;
        q->last_us = k;
    }
    CHECK_EQ(pairs_count(&ps), 5000);
    CHECK(pairs_put(&ps, 0x1234567ull) == NULL);           /* max reached */
    CHECK(pairs_put(&ps, 42 * 0x9e3779b97f4a7c15ull) != NULL);   /* but a key that is there */
    for (uint64_t k = 1; k <= 5000; k++) {
        struct pair *q = pairs_find(&ps, k * 0x9e3779b97f4a7c15ull, 1000 + k);   /* at the edge: alive */
        bad += !q || q->worker != (uint32_t)k;
        bad += pairs_find(&ps, k * 0x9e3779b97f4a7c15ull, 1001 + k) != NULL;   /* just past: gone */
    }
    /* sweeps at time 3500 free keys 1..2499 (3500 > k + 1000); the others stay */
    for (int s = 0; s < 64; s++) pairs_sweep(&ps, 3500);
    CHECK_EQ(pairs_count(&ps), 2501);
    for (uint64_t k = 2500; k <= 5000; k++) {
        struct pair *q = pairs_find(&ps, k * 0x9e3779b97f4a7c15ull, k);
        bad += !q || q->worker != (uint32_t)k;
    }
    CHECK(pairs_put(&ps, 0x1234567ull) != NULL);           /* room again */
    CHECK_EQ(bad, 0);
    pairs_free(&ps);
}

int main(void)
{
    RUN(t_sticky);
    RUN(t_sweep_shift);
    RUN(t_full_static);
    RUN(t_map);
    return test_done();
}
