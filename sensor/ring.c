/* ring.c -- SPSC byte ring with in-place records (see ring.h).
 *
 * Layout of a record at offset o: a uint32_t length L (payload bytes), then L
 * payload bytes, padded to 8. A length of RING_PAD means "skip to the start of
 * the buffer". head is written only by the producer, tail only by the
 * consumer; each publishes with release and reads the other's with acquire.
 */
#include "ring.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define RING_PAD UINT32_MAX
#define HDR 8u

struct ring {
    uint8_t *buf;
    size_t cap, mask;
    _Alignas(64) _Atomic size_t head;   /* producer: next write position (monotonic) */
    size_t pending;                      /* producer: size of the reserved record */
    size_t tail_seen;                    /* producer: tail as last read (room is at least that) */
    _Alignas(64) _Atomic size_t tail;   /* consumer: next read position (monotonic) */
    size_t peeked;                       /* consumer: size of the peeked record */
    size_t head_seen;                    /* consumer: head as last read (records up to it are there) */
};

static size_t round8(size_t n) { return (n + 7u) & ~(size_t)7u; }

ring *ring_new(size_t cap)
{
    size_t c = 4096;
    while (c < cap) c <<= 1;
    ring *r = calloc(1, sizeof *r);
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
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return r;
}

void ring_free(ring *r)
{
    if (!r) return;
    free(r->buf);
    free(r);
}

size_t ring_max_record(const ring *r) { return r->cap / 4 - HDR; }

void *ring_reserve(ring *r, size_t len)
{
    size_t need = HDR + round8(len);
    if (need > r->cap / 4) return NULL;
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t off = head & r->mask;
    size_t to_end = r->cap - off;
    size_t total = need;
    if (to_end < need) total = to_end + need;   /* pad to the end, then write at 0 */
    /* the consumer's line is read only when the tail last seen leaves no
     * room: no cache-line ping-pong per record */
    if (r->cap - (head - r->tail_seen) < total) {
        r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (r->cap - (head - r->tail_seen) < total) return NULL;
    }
    if (to_end < need) {
        uint32_t pad = RING_PAD;
        memcpy(r->buf + off, &pad, sizeof pad);
        head += to_end;
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
    r->pending = 0;
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
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    atomic_store_explicit(&r->tail, tail + r->peeked, memory_order_release);
    r->peeked = 0;
}

size_t ring_used(const ring *r)
{
    return atomic_load_explicit(&r->head, memory_order_acquire) -
           atomic_load_explicit(&r->tail, memory_order_acquire);
}
