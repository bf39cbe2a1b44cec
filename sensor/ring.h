/* ring.h -- a lock-free single-producer single-consumer ring of records.
 *
 * The capture thread copies each frame once into the ring of the worker that
 * owns its flow; the worker reads it in place and releases it after
 * processing, so a frame is copied exactly once on its way to a worker.
 * Records are variable-size and 8-byte aligned; a record never wraps (the
 * producer pads to the end of the buffer instead).
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

/* Bytes in use (approximate from the other thread). */
size_t ring_used(const ring *r);
size_t ring_max_record(const ring *r);

#endif
