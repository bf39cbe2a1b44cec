/* test_claim.c -- the readers' claim table (engine_claim): the first reader
 * to meet an address pair owns it, every reader then sees that owner (also
 * when two threads race for the same pairs, and for worker numbers past
 * 255), and a
 * full probe run falls back on a hash over the readers that read, never on
 * one that does not. */
#include "test.h"
#include "engine_int.h"
#include "limits.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024u

/* Reader self's view of a shared table; live = the readers that read. */
static engine *reader_view(_Atomic uint64_t *claims, unsigned n, unsigned self, unsigned *live, unsigned n_live)
{
    engine *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->n = n;
    e->self = self;
    e->reader = true;
    e->claims = claims;
    e->claims_mask = SLOTS - 1;
    e->live = live;
    e->n_live = n_live;
    return e;
}

static void view_free(engine *e) { free(e); }

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

/* Readers 0 and n - 1 of n take turns meeting 200 new pairs: the first to
 * meet one owns it, and both say so, again and again. */
static unsigned first_comes_owns(unsigned n)
{
    _Atomic uint64_t *claims = calloc(SLOTS, sizeof *claims);
    unsigned live[2] = {0, n - 1};
    engine *a = reader_view(claims, n, 0, live, 2), *b = reader_view(claims, n, n - 1, live, 2);
    unsigned wrong = 0;
    for (uint64_t i = 0; i < 200; i++) {
        uint64_t h = mix(i + 1);
        engine *first = i % 2 ? b : a, *second = i % 2 ? a : b;
        unsigned owner = engine_claim(first, h);
        wrong += owner != first->self;
        for (int again = 0; again < 2; again++) {
            wrong += engine_claim(second, h) != owner;
            wrong += engine_claim(first, h) != owner;
        }
    }
    view_free(a);
    view_free(b);
    free((void *)claims);
    return wrong;
}

static void t_first_comes_owns(void)
{
    CHECK_EQ(first_comes_owns(2), 0);
}

/* A claim word once held the worker + 1 in 8 bits: reader 299 of 300 then
 * wrote into the pair's bits, the others did not know its pairs and took
 * them too (one flow in two workers). --workers goes to LIM_WORKERS_MAX. */
static void t_worker_numbers_past_255(void)
{
    CHECK_EQ(first_comes_owns(300), 0);
    CHECK_EQ(first_comes_owns(LIM_WORKERS_MAX), 0);
}

/* Two readers race through the same pairs in opposite orders, from the
 * moment both are running (a spin on a shared count, so that neither is
 * done before the other has started). */
struct racer { engine *e; unsigned *got; unsigned n; bool backwards; atomic_uint *arrived; };

static void *race(void *arg)
{
    struct racer *r = arg;
    atomic_fetch_add(r->arrived, 1);
    while (atomic_load(r->arrived) < 2) { }
    for (unsigned k = 0; k < r->n; k++) {
        unsigned i = r->backwards ? r->n - 1 - k : k;
        r->got[i] = engine_claim(r->e, mix(i + 7));
    }
    return NULL;
}

static void t_race_agrees(void)
{
    enum { PAIRS = 600 };   /* most of the table: long probe runs */
    unsigned mismatch = 0, contested = 0, rounds = 0;
    /* 50 rounds, and more (up to 2,000) until the two readers have been seen
     * racing: beside another test run on the other core, a thread may be
     * preempted right after the start line for many rounds in a row */
    for (int round = 0; round < 2000 && (round < 50 || !contested); round++, rounds++) {
        _Atomic uint64_t *claims = calloc(SLOTS, sizeof *claims);
        unsigned live[2] = {0, 1}, mine[2] = {0, 0};
        static unsigned got[2][PAIRS];
        atomic_uint arrived = 0;
        struct racer r[2] = {
            { reader_view(claims, 2, 0, live, 2), got[0], PAIRS, false, &arrived },
            { reader_view(claims, 2, 1, live, 2), got[1], PAIRS, true, &arrived },
        };
        pthread_t th[2];
        for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, race, &r[i]);
        for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
        for (unsigned i = 0; i < PAIRS; i++) {
            mismatch += got[0][i] != got[1][i];
            if (got[0][i] < 2) mine[got[0][i]]++;
        }
        contested += mine[0] > 0 && mine[1] > 0;
        view_free(r[0].e);
        view_free(r[1].e);
        free((void *)claims);
    }
    CHECK_EQ(mismatch, 0);
    printf("race: %u of %u rounds had pairs claimed by both readers\n", contested, rounds);
    /* both claimed pairs in some round: the two really raced. Whether they
     * get two cores at once is the scheduler's: on one core, or beside a
     * busy neighbour for every round, the agreement above was not put to
     * the test, and the run says so instead of passing */
    if (!contested && !mismatch)
        test_skip("the two readers never ran at once in %u rounds (%ld cores online)", rounds,
                  sysconf(_SC_NPROCESSORS_ONLN));
}

static void t_full_table_skips_readers_that_do_not_read(void)
{
    _Atomic uint64_t *claims = calloc(SLOTS, sizeof *claims);
    /* every word taken by pairs none of the hashes below can match */
    for (unsigned i = 0; i < SLOTS; i++) claims[i] = (uint64_t)(0xABCDEF00u + i) << 16 | 1;
    unsigned live[2] = {0, 2};   /* reader 1 could not open the inputs */
    engine *e = reader_view(claims, 3, 2, live, 2);
    unsigned seen[3] = {0, 0, 0};
    for (uint64_t i = 0; i < 1000; i++) {
        unsigned w = engine_claim(e, mix(i + 1) | 1ull << 62);
        if (w < 3) seen[w]++;
    }
    CHECK_EQ(seen[1], 0);
    CHECK(seen[0] > 300 && seen[2] > 300);
    CHECK_EQ(seen[0] + seen[2], 1000);
    /* every reader reads: the hash spreads over all three */
    unsigned all[3] = {0, 1, 2};
    e->live = all;
    e->n_live = 3;
    memset(seen, 0, sizeof seen);
    for (uint64_t i = 0; i < 1000; i++) {
        unsigned w = engine_claim(e, mix(i + 1) | 1ull << 62);
        if (w < 3) seen[w]++;
    }
    CHECK(seen[0] > 200 && seen[1] > 200 && seen[2] > 200);
    free(e);
    free((void *)claims);
}

int main(void)
{
    RUN(t_first_comes_owns);
    RUN(t_worker_numbers_past_255);
    RUN(t_race_agrees);
    RUN(t_full_table_skips_readers_that_do_not_read);
    return test_done();
}
