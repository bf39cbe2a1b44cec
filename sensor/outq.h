/* outq.h -- the bounded queue between producer threads and the output thread.
 *
 * Producers (capture workers) push commands and never wait: a push that would
 * pass the item or byte cap is refused at once, and the producer decides what
 * to do instead (the Redis sink writes to the spool). The one consumer pops in
 * FIFO order, waiting with a timeout when the queue is empty.
 */
#ifndef BW_OUTQ_H
#define BW_OUTQ_H

#include "rcmd.h"
#include <stddef.h>

typedef struct outq outq;

/* A queue holding at most max_items commands and max_bytes argument bytes.
 * Returns NULL on allocation failure. Free with outq_free. */
outq *outq_new(size_t max_items, size_t max_bytes);

/* Free the queue and every command still in it. outq_free(NULL) is a no-op. */
void outq_free(outq *q);

/* Move all of l to the tail of the queue, or nothing: returns 0 (l is then
 * empty and the queue owns its commands) or -1 when it would pass a cap (l is
 * untouched and still the caller's). Never blocks beyond the queue's mutex. */
int outq_push(outq *q, struct rcmd_list *l);

/* Move up to max commands from the head to the tail of out. When the queue is
 * empty, wait up to wait_ms for a push or outq_wake. Returns how many moved. */
size_t outq_pop(outq *q, struct rcmd_list *out, size_t max, unsigned wait_ms);

/* Put l back at the head of the queue (the consumer changed its mind),
 * ignoring the caps: l is empty afterwards. */
void outq_unpop(outq *q, struct rcmd_list *l);

/* Wake a consumer waiting in outq_pop. */
void outq_wake(outq *q);

/* Commands in the queue now, and the most there ever were. */
size_t outq_depth(outq *q);
size_t outq_high_water(outq *q);

#endif
