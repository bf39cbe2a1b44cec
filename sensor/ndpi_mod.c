/* ndpi_mod.c -- the workers' nDPI detection modules (see ndpi_mod.h). */
#include "ndpi_mod.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ndpi_api.h>

/* nDPI modules, one at a time: its first steps touch globals (libgcrypt's
 * initialisation, a count of patricia trees) without a lock (helgrind shows
 * both). */
static pthread_mutex_t ndpi_init_lock = PTHREAD_MUTEX_INITIALIZER;

static struct ndpi_detection_module_struct *ndpi_build(void)
{
    pthread_mutex_lock(&ndpi_init_lock);
    struct ndpi_detection_module_struct *m = ndpi_init_detection_module(ndpi_no_prefs);
    if (m) {
        NDPI_PROTOCOL_BITMASK all;
        NDPI_BITMASK_SET_ALL(all);
        ndpi_set_protocol_detection_bitmask2(m, &all);
        ndpi_finalize_initialization(m);
    }
    pthread_mutex_unlock(&ndpi_init_lock);
    return m;
}

/* Modules built ahead by a thread of their own (ndpi_mod_prepare), for
 * workers 0..n-1 in order. */
#define NDPI_AHEAD_MAX 64
static struct {
    pthread_mutex_t lock;
    pthread_cond_t built_one;
    pthread_t th;
    bool started;
    unsigned n, built;
    struct ndpi_detection_module_struct *mod[NDPI_AHEAD_MAX];
} ahead = { .lock = PTHREAD_MUTEX_INITIALIZER, .built_one = PTHREAD_COND_INITIALIZER };

/* nDPI's set-up takes ~5.3 MB a module (4.2) in ~100,000 small pieces and
 * gives back almost none of them (169) until the module goes. Through
 * malloc each new page cost a fault and each step of the arena's growth
 * an mprotect: on this VM ~25-30 ms a module, built one after the other
 * while worker 1 waits for its own. The thread that builds them ahead
 * therefore takes their pieces from a region of its own, one bump pointer
 * over it, its next slot faulted in at once (with transparent huge pages
 * asked for over it) before each module: ~10 ms a module. nDPI's allocator
 * hooks are process-wide, so the region is told apart by address: a free
 * inside it is nothing (the region goes as a whole once every module built
 * in it is gone), anything else is malloc's. Other threads, and this one
 * past the region's end, get malloc. */
#define NDPI_SLOT ((size_t)6 << 20)      /* a module's share of the region (5.3 MB in nDPI 4.2) */
#define HUGE_PAGE ((size_t)2 << 20)
static inline uintptr_t huge_up(uintptr_t a) { return (a + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1); }
static struct {
    uintptr_t lo, hi;                   /* [lo, hi): the region; frees inside it are nothing */
    void *map;
    size_t map_len;
    char *faulted;                      /* faulted in up to here */
} region;
static _Thread_local char *bump_cur, *bump_end;   /* only on the thread building modules */

static void *ndpi_mem_alloc(size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (bump_cur && need >= n && (size_t)(bump_end - bump_cur) >= need) {
        void *p = bump_cur;
        bump_cur += need;
        return p;
    }
    return malloc(n);
}

static void ndpi_mem_free(void *p)
{
    uintptr_t a = (uintptr_t)p;
    if (a >= region.lo && a < region.hi) return;
    free(p);
}

static void region_open(unsigned modules)
{
    size_t len = (size_t)modules * NDPI_SLOT + HUGE_PAGE;
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return;   /* malloc, as before */
    char *base = (char *)huge_up((uintptr_t)m);
    char *end = base + (size_t)modules * NDPI_SLOT;
    (void)madvise(base, (size_t)(end - base), MADV_HUGEPAGE);
    region.map = m;
    region.map_len = len;
    region.lo = (uintptr_t)base;
    region.hi = (uintptr_t)end;
    region.faulted = base;
}

/* Before a module: fault in the next slot's worth at once (where the kernel
 * can; else the pages come as they are touched). */
static void region_fault_next(void)
{
    char *end = (char *)region.hi, *to = (char *)huge_up((uintptr_t)(bump_cur + NDPI_SLOT));
    if (to > end) to = end;
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23   /* Linux 5.14 */
#endif
    if (to > region.faulted && madvise(region.faulted, (size_t)(to - region.faulted), MADV_POPULATE_WRITE) == 0)
        region.faulted = to;
}

/* After every module built in the region is gone. */
static void region_close(void)
{
    if (region.map) munmap(region.map, region.map_len);
    memset(&region, 0, sizeof region);
}

static void *ndpi_ahead_main(void *arg)
{
    (void)arg;
    if (region.lo) {
        bump_cur = (char *)region.lo;
        bump_end = (char *)region.hi;
    }
    for (unsigned i = 0; i < ahead.n; i++) {
        if (bump_cur) region_fault_next();
        struct ndpi_detection_module_struct *m = ndpi_build();
        pthread_mutex_lock(&ahead.lock);
        ahead.mod[i] = m;
        ahead.built = i + 1;
        pthread_cond_broadcast(&ahead.built_one);
        pthread_mutex_unlock(&ahead.lock);
    }
    return NULL;
}

void ndpi_mod_prepare(unsigned n)
{
    if (ahead.started || n == 0) return;
    ahead.n = n < NDPI_AHEAD_MAX ? n : NDPI_AHEAD_MAX;
    ahead.built = 0;
    set_ndpi_malloc(ndpi_mem_alloc);   /* malloc and free, but for the region */
    set_ndpi_free(ndpi_mem_free);
    region_open(ahead.n);
    ahead.started = pthread_create(&ahead.th, NULL, ndpi_ahead_main, NULL) == 0;
    if (!ahead.started) region_close();
}

void ndpi_mod_release(void)
{
    if (!ahead.started) return;
    pthread_join(ahead.th, NULL);
    for (unsigned i = 0; i < ahead.n; i++)
        if (ahead.mod[i]) ndpi_exit_detection_module(ahead.mod[i]);   /* the workers are gone by now */
    memset(ahead.mod, 0, sizeof ahead.mod);
    ahead.started = false;
    region_close();   /* every module built in it is gone */
}

struct ndpi_detection_module_struct *ndpi_mod_take(unsigned index)
{
    if (ahead.started && index < ahead.n) {
        pthread_mutex_lock(&ahead.lock);
        while (ahead.built <= index) pthread_cond_wait(&ahead.built_one, &ahead.lock);
        struct ndpi_detection_module_struct *m = ahead.mod[index];
        ahead.mod[index] = NULL;
        pthread_mutex_unlock(&ahead.lock);
        if (m) return m;
    }
    return ndpi_build();
}

void ndpi_mod_free(struct ndpi_detection_module_struct *m)
{
    if (!m) return;
    pthread_mutex_lock(&ndpi_init_lock);   /* it counts patricia trees down in a global too */
    ndpi_exit_detection_module(m);
    pthread_mutex_unlock(&ndpi_init_lock);
}
