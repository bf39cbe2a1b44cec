/* cpu_probe -- how much N cores of this machine give over one, right now.
 *
 *   cpu_probe [THREADS] [ROUNDS]     (defaults: the online cores, 3)
 *
 * make bench prints it beside the workers' scaling, so that a reader can
 * tell the sensor's own overheads from the machine's: on a VM the cores a
 * process gets may not be equal (one can share its physical core with a
 * neighbour's thread), and then no program scales to N x on them.
 *
 * The work is the PII engine's kind: a byte-class state machine over a
 * JSON-like buffer of 256 KB (in L2), branchy and bound by its dependent
 * steps, nothing shared between the threads. One thread runs it alone on
 * each core in turn (pinned; the fastest is the reference, since a 1-worker
 * run may land on it), then THREADS threads run the same amount each at
 * once, unpinned as workers are; each thread times itself. Per round:
 * speed-up = the threads' rates together / the fastest lone rate; each
 * thread's rate / that rate. Prints the median round:
 *
 *   threads 2 speedup 1.804 each 1.000 0.804 alone_s 0.201 cores_alone_s 0.201 0.250
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUF (256u << 10)
#define PASSES 1000u
#define MAX_THREADS 64

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* {"name":"...","email":"...@....com","n":1234,...} records, repeated. */
static void fill(uint8_t *b, size_t n, uint32_t seed)
{
    static const char *const keys[] = { "name", "email", "version", "description", "n", "tarball" };
    size_t i = 0;
    uint32_t x = seed | 1;
    while (i + 64 < n) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        const char *k = keys[x % 6];
        int len = snprintf((char *)b + i, n - i, "{\"%s\":\"%c%u@x%u.com\",\"n\":%u},", k, 'a' + (int)(x % 26),
                           x % 100000u, x % 977u, x % 1000000u);
        i += (size_t)len;
    }
    memset(b + i, ' ', n - i);
}

/* One pass: count strings, digit runs and structure bytes; returns a sum the
 * compiler cannot drop. */
static uint64_t pass(const uint8_t *b, size_t n)
{
    enum { OUT, STR, NUM } st = OUT;
    uint64_t strings = 0, digits = 0, structure = 0, h = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = b[i];
        switch (st) {
        case OUT:
            if (c == '"') st = STR, strings++;
            else if (c >= '0' && c <= '9') st = NUM, digits++;
            else if (c == '{' || c == '}' || c == ',' || c == ':') structure++;
            break;
        case STR:
            if (c == '"') st = OUT;
            else if (c == '\\') i++;
            else h = h * 31 + c;
            break;
        case NUM:
            if (c < '0' || c > '9') {
                st = OUT;
                if (c == ',' || c == '}') structure++;
            }
            break;
        }
    }
    return strings + digits * 3 + structure * 7 + (h & 0xff);
}

struct job {
    pthread_t th;
    pthread_barrier_t *go;
    uint8_t *buf;
    double secs;
    uint64_t sink;
};

static void *run(void *arg)
{
    struct job *j = arg;
    if (j->go) pthread_barrier_wait(j->go);
    double t0 = now();
    uint64_t s = 0;
    for (unsigned p = 0; p < PASSES; p++) s += pass(j->buf, BUF);
    j->secs = now() - t0;
    j->sink = s;
    return NULL;
}

static volatile uint64_t kept;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = argc > 1 ? atoi(argv[1]) : (int)(online > 0 ? online : 1);
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    if (threads < 1 || threads > MAX_THREADS || rounds < 1 || rounds > 99) {
        fprintf(stderr, "usage: cpu_probe [THREADS 1..%d] [ROUNDS 1..99]\n", MAX_THREADS);
        return 2;
    }
    static struct job jobs[MAX_THREADS];
    for (int t = 0; t < threads; t++) {
        if (!(jobs[t].buf = malloc(BUF))) return 1;
        fill(jobs[t].buf, BUF, 2463534242u + (uint32_t)t);
    }
    static double speedup[99], each[99][MAX_THREADS], alone[99], core_s[99][MAX_THREADS];
    static int n_core_s[99];
    uint64_t sink = 0;
    for (int r = 0; r < rounds; r++) {
        /* alone on each core this process may use (up to THREADS of them),
         * the fastest the reference: a 1-worker run may land on any */
        cpu_set_t all;
        int ncores = 0;
        alone[r] = 0;
        if (sched_getaffinity(0, sizeof all, &all) == 0) {
            for (int cpu = 0; cpu < CPU_SETSIZE && ncores < threads; cpu++) {
                if (!CPU_ISSET(cpu, &all)) continue;
                cpu_set_t one;
                CPU_ZERO(&one);
                CPU_SET(cpu, &one);
                if (sched_setaffinity(0, sizeof one, &one) != 0) continue;
                struct job solo = { .buf = jobs[0].buf };
                run(&solo);
                sink += solo.sink;
                core_s[r][ncores++] = solo.secs;
                if (!alone[r] || solo.secs < alone[r]) alone[r] = solo.secs;
            }
            (void)sched_setaffinity(0, sizeof all, &all);
        }
        if (!ncores) {   /* no affinity to set: wherever it runs */
            struct job solo = { .buf = jobs[0].buf };
            run(&solo);
            sink += solo.sink;
            core_s[r][ncores++] = alone[r] = solo.secs;
        }
        n_core_s[r] = ncores;
        struct job solo = { .secs = alone[r] };
        pthread_barrier_t go;
        pthread_barrier_init(&go, NULL, (unsigned)threads);
        for (int t = 0; t < threads; t++) {
            jobs[t].go = &go;
            if (pthread_create(&jobs[t].th, NULL, run, &jobs[t]) != 0) {
                fprintf(stderr, "cpu_probe: cannot start thread %d\n", t);
                return 1;
            }
        }
        double sum = 0;
        for (int t = 0; t < threads; t++) {
            pthread_join(jobs[t].th, NULL);
            sink += jobs[t].sink;
            each[r][t] = solo.secs / jobs[t].secs;
            sum += each[r][t];
        }
        pthread_barrier_destroy(&go);
        speedup[r] = sum;
    }
    /* the median round by its speed-up */
    double sorted[99];
    memcpy(sorted, speedup, sizeof(double) * (size_t)rounds);
    qsort(sorted, (size_t)rounds, sizeof(double), cmp_double);
    int m = 0;
    for (int r = 0; r < rounds; r++)
        if (speedup[r] == sorted[(rounds - 1) / 2]) m = r;
    /* each thread's share, fastest first */
    double e[MAX_THREADS];
    memcpy(e, each[m], sizeof(double) * (size_t)threads);
    qsort(e, (size_t)threads, sizeof(double), cmp_double);
    printf("threads %d speedup %.3f each", threads, speedup[m]);
    for (int t = threads - 1; t >= 0; t--) printf(" %.3f", e[t]);
    printf(" alone_s %.3f cores_alone_s", alone[m]);
    for (int c = 0; c < n_core_s[m]; c++) printf(" %.3f", core_s[m][c]);
    printf("\n");
    kept = sink;   /* the passes' results are used: the compiler keeps the work */
    for (int t = 0; t < threads; t++) free(jobs[t].buf);
    return 0;
}
