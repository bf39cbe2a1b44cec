/* test_outq.c -- the producer/output-thread queue and command records. */
#include "outq.h"
#include "test.h"
#include <pthread.h>
#include <time.h>

static struct rcmd *mk(unsigned i, size_t pad)
{
    char buf[64];
    char big[256];
    memset(big, 'x', sizeof big);
    int n = snprintf(buf, sizeof buf, "%u", i);
    const char *argv[3] = { "RPUSH", buf, big };
    size_t lens[3] = { 5, (size_t)n, pad };
    return rcmd_new(RCMD_ALERT, 3, argv, lens);
}

static unsigned id_of(const struct rcmd *c) { return (unsigned)strtoul(c->argv[1], NULL, 10); }

static void t_rcmd(void)
{
    struct rcmd *c = mk(42, 10);
    CHECK(c != NULL);
    if (!c) return;
    CHECK_EQ(c->argc, 3);
    CHECK_EQ(c->bytes, 5 + 2 + 10);
    CHECK_EQ(id_of(c), 42);
    CHECK(c->argv[0][c->argvlen[0]] == 0);   /* NUL after each argument */
    rcmd_free(c);
    rcmd_free(NULL);
    CHECK(rcmd_new(RCMD_ALERT, 0, NULL, NULL) == NULL);
    const char *one[1] = { "x" };
    size_t huge[1] = { (size_t)RCMD_MAX_BYTES + 1 };
    CHECK(rcmd_new(RCMD_ALERT, 1, one, huge) == NULL);
}

static void t_fifo_and_caps(void)
{
    outq *q = outq_new(10, 1 << 20);
    CHECK(q != NULL);
    if (!q) return;
    unsigned refused = 0;
    for (unsigned i = 0; i < 15; i++) {
        struct rcmd_list l = { 0 };
        rcmd_list_push(&l, mk(i, 1));
        if (outq_push(q, &l) < 0) {
            refused++;
            CHECK_EQ(l.n, 1);          /* still the caller's */
            rcmd_list_clear(&l);
        } else {
            CHECK_EQ(l.n, 0);
        }
    }
    CHECK_EQ(refused, 5);
    CHECK_EQ(outq_depth(q), 10);
    CHECK_EQ(outq_high_water(q), 10);
    struct rcmd_list out = { 0 };
    CHECK_EQ(outq_pop(q, &out, 4, 0), 4);
    CHECK_EQ(id_of(out.head), 0);
    CHECK_EQ(id_of(out.tail), 3);
    /* put back: they come out first again */
    outq_unpop(q, &out);
    CHECK_EQ(out.n, 0);
    CHECK_EQ(outq_pop(q, &out, 100, 0), 10);
    unsigned want = 0, ok = 1;
    for (struct rcmd *c = out.head; c; c = c->next) ok &= id_of(c) == want++;
    CHECK(ok);
    rcmd_list_clear(&out);
    CHECK_EQ(outq_depth(q), 0);
    outq_free(q);
}

static void t_all_or_nothing_bytes(void)
{
    outq *q = outq_new(100, 300);
    if (!q) { CHECK(q != NULL); return; }
    struct rcmd_list l = { 0 };
    for (unsigned i = 0; i < 3; i++) rcmd_list_push(&l, mk(i, 100));   /* 3 x 106 bytes > 300 */
    CHECK(outq_push(q, &l) < 0);
    CHECK_EQ(l.n, 3);
    CHECK_EQ(outq_depth(q), 0);
    rcmd_free(rcmd_list_pop(&l));
    CHECK(outq_push(q, &l) == 0);
    CHECK_EQ(outq_depth(q), 2);
    outq_free(q);   /* frees what is left in it */
}

static void t_wait_timeout(void)
{
    outq *q = outq_new(10, 1 << 20);
    if (!q) { CHECK(q != NULL); return; }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct rcmd_list out = { 0 };
    CHECK_EQ(outq_pop(q, &out, 10, 50), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (long)(b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    CHECK(ms >= 45 && ms < 1000);
    outq_free(q);
}

struct prod {
    outq *q;
    unsigned base, n, refused;
};

static void *producer(void *arg)
{
    struct prod *p = arg;
    for (unsigned i = 0; i < p->n; i++) {
        struct rcmd_list l = { 0 };
        rcmd_list_push(&l, mk(p->base + i, 1));
        if (outq_push(p->q, &l) < 0) {
            p->refused++;
            rcmd_list_clear(&l);
        }
    }
    return NULL;
}

/* Four producers, one consumer: every accepted command comes out once, and
 * each producer's commands in its order. */
static void t_threads(void)
{
    outq *q = outq_new(64, 1 << 20);
    if (!q) { CHECK(q != NULL); return; }
    pthread_t th[4];
    struct prod p[4];
    for (unsigned t = 0; t < 4; t++) {
        p[t] = (struct prod){ q, t * 100000, 20000, 0 };
        pthread_create(&th[t], NULL, producer, &p[t]);
    }
    unsigned got = 0, order_ok = 1;
    unsigned last[4] = { 0, 0, 0, 0 };
    int seen[4] = { 0, 0, 0, 0 };
    int joined[4] = { 0, 0, 0, 0 };
    unsigned done = 0;
    for (;;) {
        struct rcmd_list out = { 0 };
        outq_pop(q, &out, 32, 5);
        for (struct rcmd *c = out.head; c; c = c->next) {
            unsigned id = id_of(c), t = id / 100000;
            if (t >= 4) { order_ok = 0; continue; }
            if (seen[t] && id <= last[t]) order_ok = 0;
            seen[t] = 1;
            last[t] = id;
            got++;
        }
        rcmd_list_clear(&out);
        if (done == 4 && outq_depth(q) == 0) break;
        for (unsigned t = 0; t < 4; t++)
            if (!joined[t] && pthread_tryjoin_np(th[t], NULL) == 0) {
                joined[t] = 1;
                done++;
            }
    }
    unsigned refused = p[0].refused + p[1].refused + p[2].refused + p[3].refused;
    CHECK_EQ(got + refused, 80000);
    CHECK(order_ok);
    outq_free(q);
}

int main(void)
{
    RUN(t_rcmd);
    RUN(t_fifo_and_caps);
    RUN(t_all_or_nothing_bytes);
    RUN(t_wait_timeout);
    RUN(t_threads);
    return test_done();
}
