/* ring.h -- a lock-free single-producer single-consumer ring of records.
 *
 * The capture thread copies each frame once into the ring of the worker that
 * owns its flow; the worker reads it in place and releases it after
 * processing, so a frame is copied exactly once on its way to a worker.
 * Records are variable-size and 8-byte aligned; a record never wraps (the
 * producer pads to the end of the buffer instead). The producer wraps at the
 * end of its window (ring_window), which starts at 256 KB and grows on
 * request, so pages past it are never touched while the consumer keeps up.
 */
#ifndef BW_RING_H
#define BW_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ring ring;

/* A ring of cap bytes (rounded up to a power of two). Aborts on OOM (setup). */
ring *ring_new(size_t cap);
void ring_free(ring *r);

/* Producer: reserve len bytes; NULL when the ring is full (retry later).
 * Then fill and ring_commit(). len must be at most ring capacity / 4. */
void *ring_reserve(ring *r, size_t len);
void ring_commit(ring *r);

/* Consumer: the oldest record (and its length), or NULL when empty.
 * The record stays valid until ring_release(). */
const void *ring_peek(ring *r, size_t *len);
void ring_release(ring *r);

/* Blocking: the producer sleeps until a record of len bytes fits (after a
 * ring_reserve that returned NULL; it wakes once a quarter of the ring is
 * free, so it then writes in batches); the consumer until there is a record
 * (true) or a few milliseconds passed (false). Either may return early: the
 * caller tries again. */
void ring_wait_room(ring *r, size_t len);
bool ring_wait_data(ring *r);
/* The producer's window: records are written in the first ring_window()
 * bytes of the buffer only (RING_WIN0 at first, or the capacity if smaller), so
 * a consumer that keeps up leaves the rest of the buffer untouched (never
 * faulted in). ring_grow doubles it, up to the capacity (false: already
 * there); the producer calls it when a longer look-ahead would have kept
 * another consumer busy. At a wrap with less than an eighth of the window
 * waiting, the window halves again (not below RING_WIN0): the consumer then reads
 * records the producer wrote moments before, still in cache. Producer side
 * only. */
bool ring_grow(ring *r);
/* The first window: two workers' rings of it stay in a core's cache (256 KB
 * measured 3.5% faster than 1 MB with 2 workers, paired; 128 KB the same). */
#define RING_WIN0 (256u << 10)
size_t ring_window(const ring *r);
/* Times either side went to sleep. */
uint64_t ring_sleeps(const ring *r);

/* Bytes of records waiting (headers included, padding not; approximate from
 * the other thread): the consumer's backlog. */
size_t ring_backlog(const ring *r);

/* Bytes in use (approximate from the other thread). */
size_t ring_used(const ring *r);
size_t ring_max_record(const ring *r);

#endif
