/* ring.c -- SPSC byte ring with in-place records (see ring.h).
 *
 * Layout of a record at offset o: a uint32_t length L (payload bytes), then L
 * payload bytes, padded to 8. A length of RING_PAD means "skip to the start of
 * the buffer". head is written only by the producer, tail only by the
 * consumer; each publishes with release and reads the other's with acquire.
 *
 * Waiting: a side that finds the ring full (producer) or empty (consumer)
 * raises its sleep flag, looks once more, and sleeps on the flag (a futex).
 * The other side looks at the flag after each commit or release (a plain
 * load, no fence) and wakes the sleeper: the consumer only once a quarter of
 * the producer's window is free (so the producer then writes in batches, not
 * a record per wake-up), the producer at once. Without fences a wake-up can be missed in
 * a window of a few nanoseconds; the next commit or release wakes the
 * sleeper instead, and every sleep is bounded (WAIT_NS), so a miss costs
 * latency, never progress.
 */
#include "ring.h"
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RING_PAD UINT32_MAX
#define HDR 8u
#define WAIT_NS 5000000L   /* longest sleep without a wake-up: 5 ms */
#define SPINS 256          /* looks before sleeping: a short gap costs no syscall */

struct ring {
    uint8_t *buf;
    size_t cap, mask;
    _Alignas(64) _Atomic size_t head;   /* producer: next write position (monotonic) */
    _Atomic size_t data_in;             /* producer: bytes of records committed (no padding) */
    size_t pending;                      /* producer: size of the reserved record */
    size_t win;                          /* producer: records wrap at this offset (<= cap) */
    size_t tail_seen;                    /* producer: tail as last read (room is at least that) */
    _Alignas(64) _Atomic size_t tail;   /* consumer: next read position (monotonic) */
    _Atomic size_t data_out;            /* consumer: bytes of records released */
    size_t peeked;                       /* consumer: size of the peeked record */
    size_t head_seen;                    /* consumer: head as last read (records up to it are there) */
    _Alignas(64) _Atomic uint32_t prod_sleep;   /* producer sleeps on it (ring full) */
    _Atomic size_t prod_want;                   /* free bytes it waits for */
    _Alignas(64) _Atomic uint32_t cons_sleep;   /* consumer sleeps on it (ring empty) */
    _Atomic uint64_t sleeps;                    /* both sides' sleeps, for statistics */
};

static size_t round8(size_t n) { return (n + 7u) & ~(size_t)7u; }

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Sleep while *flag is 1, at most WAIT_NS. */
static void sleep_on(_Atomic uint32_t *flag)
{
    struct timespec ts = { 0, WAIT_NS };
    syscall(SYS_futex, (uint32_t *)flag, FUTEX_WAIT_PRIVATE, 1u, &ts, NULL, 0);
}

static void wake(_Atomic uint32_t *flag)
{
    atomic_store_explicit(flag, 0, memory_order_relaxed);
    syscall(SYS_futex, (uint32_t *)flag, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

ring *ring_new(size_t cap)
{
    size_t c = 4096;
    while (c < cap) c <<= 1;
    /* 64-byte aligned: calloc's 16 would leave the producer's and the
     * consumer's members (and a neighbouring allocation) sharing lines */
    size_t rsz = (sizeof(struct ring) + 63) & ~(size_t)63;
    ring *r = aligned_alloc(64, rsz);
    if (r) memset(r, 0, rsz);
    /* 2 MB aligned and, where the kernel does it on request, in huge pages:
     * the capture thread's first pass over the ring then takes a page fault
     * per 2 MB instead of per 4 KB */
    size_t align = c >= (2u << 20) ? (2u << 20) : 64;
    if (!r || !(r->buf = aligned_alloc(align, c))) abort();
#ifdef MADV_HUGEPAGE
    if (align > 64) madvise(r->buf, c, MADV_HUGEPAGE);
#endif
    r->cap = c;
    r->mask = c - 1;
    r->win = c < RING_WIN0 ? c : RING_WIN0;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    atomic_init(&r->data_in, 0);
    atomic_init(&r->data_out, 0);
    atomic_init(&r->prod_sleep, 0);
    atomic_init(&r->prod_want, 0);
    atomic_init(&r->cons_sleep, 0);
    atomic_init(&r->sleeps, 0);
    return r;
}

void ring_free(ring *r)
{
    if (!r) return;
    free(r->buf);
    free(r);
}

size_t ring_max_record(const ring *r) { return r->cap / 4 - HDR; }

/* Bytes the producer needs free for a record of need bytes (header and
 * padding to 8 included) at head: past the window, the padding to the end
 * of the buffer too (the record then goes at 0). */
static size_t room_for(const ring *r, size_t head, size_t need)
{
    size_t off = head & r->mask;
    return off + need > r->win ? r->cap - off + need : need;
}

void *ring_reserve(ring *r, size_t len)
{
    size_t need = HDR + round8(len);
    if (need > r->cap / 4) return NULL;
    while (need > r->win / 4) r->win *= 2;
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t off = head & r->mask;
    size_t total = room_for(r, head, need);
    /* the consumer's line is read only when the tail last seen leaves no
     * room: no cache-line ping-pong per record */
    if (r->cap - (head - r->tail_seen) < total) {
        r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (r->cap - (head - r->tail_seen) < total) return NULL;
    }
    if (total > need) {
        /* a consumer that keeps up again (little waiting at the wrap): the
         * window halves, so the records it reads are still in cache */
        if (r->win > RING_WIN0 && ring_backlog(r) < r->win / 8) r->win /= 2;
        uint32_t pad = RING_PAD;
        memcpy(r->buf + off, &pad, sizeof pad);
        head += r->cap - off;
        atomic_store_explicit(&r->head, head, memory_order_release);
        off = 0;
    }
    uint32_t l = (uint32_t)len;
    memcpy(r->buf + off, &l, sizeof l);
    r->pending = need;
    return r->buf + off + HDR;
}

void ring_commit(ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    atomic_store_explicit(&r->head, head + r->pending, memory_order_release);
    atomic_store_explicit(&r->data_in, atomic_load_explicit(&r->data_in, memory_order_relaxed) + r->pending,
                          memory_order_relaxed);
    r->pending = 0;
    if (atomic_load_explicit(&r->cons_sleep, memory_order_relaxed)) wake(&r->cons_sleep);
}

const void *ring_peek(ring *r, size_t *len)
{
    for (;;) {
        size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
        if (tail == r->head_seen) {
            r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
            if (tail == r->head_seen) return NULL;
        }
        size_t off = tail & r->mask;
        uint32_t l;
        memcpy(&l, r->buf + off, sizeof l);
        if (l == RING_PAD) {
            atomic_store_explicit(&r->tail, tail + (r->cap - off), memory_order_release);
            continue;
        }
        r->peeked = HDR + round8(l);
        *len = l;
        return r->buf + off + HDR;
    }
}

void ring_release(ring *r)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed) + r->peeked;
    atomic_store_explicit(&r->tail, tail, memory_order_release);
    atomic_store_explicit(&r->data_out, atomic_load_explicit(&r->data_out, memory_order_relaxed) + r->peeked,
                          memory_order_relaxed);
    r->peeked = 0;
    if (atomic_load_explicit(&r->prod_sleep, memory_order_relaxed)) {
        size_t used = atomic_load_explicit(&r->head, memory_order_acquire) - tail;
        if (r->cap - used >= atomic_load_explicit(&r->prod_want, memory_order_relaxed)) wake(&r->prod_sleep);
    }
}

void ring_wait_room(ring *r, size_t len)
{
    size_t total = room_for(r, atomic_load_explicit(&r->head, memory_order_relaxed), HDR + round8(len));
    size_t want = total > r->win / 4 ? total : r->win / 4;
    atomic_store_explicit(&r->prod_want, want, memory_order_relaxed);
    atomic_store(&r->prod_sleep, 1);   /* seq_cst: before the look below */
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load(&r->tail);
    if (r->cap - (head - tail) < total) {
        atomic_fetch_add_explicit(&r->sleeps, 1, memory_order_relaxed);
        sleep_on(&r->prod_sleep);
    }
    atomic_store_explicit(&r->prod_sleep, 0, memory_order_relaxed);
}

bool ring_wait_data(ring *r)
{
    for (int i = 0; i < SPINS; i++) {
        if (atomic_load_explicit(&r->head, memory_order_acquire) != atomic_load_explicit(&r->tail, memory_order_relaxed))
            return true;
        cpu_relax();
    }
    atomic_store(&r->cons_sleep, 1);   /* seq_cst: before the look below */
    bool have = atomic_load(&r->head) != atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (!have) {
        atomic_fetch_add_explicit(&r->sleeps, 1, memory_order_relaxed);
        sleep_on(&r->cons_sleep);
    }
    atomic_store_explicit(&r->cons_sleep, 0, memory_order_relaxed);
    return have || atomic_load_explicit(&r->head, memory_order_acquire) != atomic_load_explicit(&r->tail, memory_order_relaxed);
}

bool ring_grow(ring *r)
{
    if (r->win >= r->cap) return false;
    r->win *= 2;
    return true;
}

size_t ring_window(const ring *r) { return r->win; }

uint64_t ring_sleeps(const ring *r) { return atomic_load_explicit(&r->sleeps, memory_order_relaxed); }

size_t ring_backlog(const ring *r)
{
    size_t out = atomic_load_explicit(&r->data_out, memory_order_relaxed);
    size_t in = atomic_load_explicit(&r->data_in, memory_order_relaxed);
    return in > out ? in - out : 0;
}

size_t ring_used(const ring *r)
{
    return atomic_load_explicit(&r->head, memory_order_acquire) -
           atomic_load_explicit(&r->tail, memory_order_acquire);
}
