/* merge.c -- capture inputs as one stream in packet-time order (see merge.h). */
#include "merge.h"
#include <stdlib.h>

static bool before(const struct merge_src *a, const struct merge_src *b)
{
    return a->fr.ts_ns != b->fr.ts_ns ? a->fr.ts_ns < b->fr.ts_ns : a->order < b->order;
}

static void sift_down(struct merge_src **h, unsigned n, unsigned i)
{
    for (;;) {
        unsigned m = i, a = 2 * i + 1, b = a + 1;
        if (a < n && before(h[a], h[m])) m = a;
        if (b < n && before(h[b], h[m])) m = b;
        if (m == i) return;
        struct merge_src *t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

void merge_init(struct merge *m, capture *const *caps, unsigned n, merge_next_fn next, void *ctx)
{
    m->s = calloc(n ? n : 1, sizeof *m->s);
    m->h = calloc(n ? n : 1, sizeof *m->h);
    if (!m->s || !m->h) abort();
    m->hn = 0;
    m->next = next;
    m->ctx = ctx;
    for (unsigned i = 0; i < n; i++) {
        m->s[i].c = caps[i];
        m->s[i].order = i;
        if (next(ctx, &m->s[i])) m->h[m->hn++] = &m->s[i];
    }
    for (unsigned i = m->hn / 2; i-- > 0;) sift_down(m->h, m->hn, i);
}

void merge_pop(struct merge *m)
{
    if (!m->hn) return;
    if (!m->next(m->ctx, m->h[0])) m->h[0] = m->h[--m->hn];
    sift_down(m->h, m->hn, 0);
}

void merge_free(struct merge *m)
{
    free(m->h);
    free(m->s);
    m->h = NULL;
    m->s = NULL;
    m->hn = 0;
}
