/* merge.h -- several capture inputs read as one stream, in packet-time order.
 *
 * A k-way merge holding one frame per input (a binary heap by time stamp,
 * ties to the input given first). Each input's own order is kept as it is,
 * time going back or not. The caller's next() reads an input's next frame
 * (and says what went wrong at its end); the same inputs give the same
 * sequence of frames every time, so several readers of the same files agree
 * frame by frame.
 */
#ifndef BW_MERGE_H
#define BW_MERGE_H

#include <stdbool.h>
#include "capture.h"

struct merge_src {
    capture *c;
    struct cap_frame fr;
    unsigned order;          /* position among the inputs: ties go to the first */
};

/* Read s->c's next frame into s->fr: true, or false at its end. */
typedef bool (*merge_next_fn)(void *ctx, struct merge_src *s);

struct merge {
    struct merge_src *s;
    struct merge_src **h;
    unsigned hn;
    merge_next_fn next;
    void *ctx;
};

/* Reads the first frame of each of the n inputs. Aborts on OOM. */
void merge_init(struct merge *m, capture *const *caps, unsigned n, merge_next_fn next, void *ctx);
/* The earliest frame (its input's), or NULL once every input ended. */
static inline struct merge_src *merge_top(const struct merge *m) { return m->hn ? m->h[0] : NULL; }
/* After the top frame was used: its input's next one takes its place. */
void merge_pop(struct merge *m);
void merge_free(struct merge *m);

#endif
