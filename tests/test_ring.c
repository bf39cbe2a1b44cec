/* test_ring.c -- the SPSC ring: order, wrap-around, full/empty, and a
 * two-thread run that checks every record arrives intact and in order. */
#include "test.h"
#include "ring.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

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

#define N_REC 200000
static ring *g_ring;

static void *producer(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < N_REC; i++) {
        size_t n = 4 + (i * 2654435761u) % 1500;
        uint8_t *p;
        while (!(p = ring_reserve(g_ring, n))) sched_yield();
        memcpy(p, &i, 4);
        for (size_t k = 4; k < n; k++) p[k] = (uint8_t)(i ^ k);
        ring_commit(g_ring);
    }
    return NULL;
}

static void t_two_threads(void)
{
    g_ring = ring_new(1 << 16);
    pthread_t th;
    pthread_create(&th, NULL, producer, NULL);
    uint32_t expect = 0;
    int bad = 0;
    while (expect < N_REC) {
        size_t len;
        const uint8_t *q = ring_peek(g_ring, &len);
        if (!q) { sched_yield(); continue; }
        uint32_t id;
        memcpy(&id, q, 4);
        size_t n = 4 + (expect * 2654435761u) % 1500;
        if (id != expect || len != n) bad++;
        for (size_t k = 4; k < len && k < n; k++) bad += q[k] != (uint8_t)(expect ^ k);
        ring_release(g_ring);
        expect++;
    }
    pthread_join(th, NULL);
    CHECK_EQ(bad, 0);
    CHECK_EQ(ring_used(g_ring), 0);
    ring_free(g_ring);
}

int main(void)
{
    RUN(t_single_thread);
    RUN(t_two_threads);
    return test_done();
}
