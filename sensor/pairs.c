/* pairs.c -- the capture thread's pair -> worker table (see pairs.h). */
#include "pairs.h"
#include <stdlib.h>
#include <string.h>

#define PAIRS0 4096u

void pairs_init(struct pairs *ps, uint64_t hold_us, uint32_t max)
{
    memset(ps, 0, sizeof *ps);
    ps->hold_us = hold_us;
    ps->max = max && max < PAIRS_MAX ? max : PAIRS_MAX;
}

void pairs_free(struct pairs *ps)
{
    free(ps->t);
    ps->t = NULL;
}

static bool grow(struct pairs *ps)
{
    uint32_t n = ps->t ? (ps->mask + 1) * 2 : PAIRS0;
    struct pair *nt = calloc(n, sizeof *nt);
    if (!nt) return false;
    for (uint32_t i = 0; ps->t && i <= ps->mask; i++) {
        if (!ps->t[i].key) continue;
        uint32_t j = (uint32_t)ps->t[i].key & (n - 1);
        while (nt[j].key) j = (j + 1) & (n - 1);
        nt[j] = ps->t[i];
    }
    free(ps->t);
    ps->t = nt;
    ps->mask = n - 1;
    return true;
}

/* Empty slot i, moving later entries of its probe run back (no tombstones). */
static void delete_at(struct pairs *ps, uint32_t i)
{
    uint32_t j = i;
    for (;;) {
        ps->t[i].key = 0;
        for (;;) {
            j = (j + 1) & ps->mask;
            if (!ps->t[j].key) return;
            uint32_t home = (uint32_t)ps->t[j].key & ps->mask;
            /* j's entry may move to i when its home is not in (i, j] */
            if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) break;
        }
        ps->t[i] = ps->t[j];
        i = j;
    }
}

static inline bool expired(const struct pairs *ps, const struct pair *q, uint64_t tick_us)
{
    return tick_us > q->last_us + ps->hold_us;
}

void pairs_sweep(struct pairs *ps, uint64_t tick_us)
{
    if (!ps->t || !ps->used) return;
    uint32_t n = ps->mask + 1, step = n / 16 > 1024 ? n / 16 : (n < 1024 ? n : 1024);
    for (uint32_t k = 0; k < step; k++) {
        uint32_t i = ps->sweep_at & ps->mask;
        if (ps->t[i].key && expired(ps, &ps->t[i], tick_us)) {
            delete_at(ps, i);
            ps->used--;
            continue;   /* a later entry may have moved into i */
        }
        ps->sweep_at = i + 1;
    }
}

/* The entry of key, or NULL. */
static struct pair *lookup(const struct pairs *ps, uint64_t key)
{
    if (!ps->t) return NULL;
    for (uint32_t i = (uint32_t)key & ps->mask; ps->t[i].key; i = (i + 1) & ps->mask)
        if (ps->t[i].key == key) return &ps->t[i];
    return NULL;
}

/* A new entry for key (absent), zeroed but for its key; NULL when the table
 * holds max entries or cannot grow. */
static struct pair *insert(struct pairs *ps, uint64_t key)
{
    if (ps->used >= ps->max) return NULL;
    if ((!ps->t || (uint64_t)(ps->used + 1) * 4 > (uint64_t)(ps->mask + 1) * 3) && !grow(ps)) return NULL;
    uint32_t i = (uint32_t)key & ps->mask;
    while (ps->t[i].key) i = (i + 1) & ps->mask;
    struct pair *q = &ps->t[i];
    memset(q, 0, sizeof *q);
    q->key = key;
    ps->used++;
    return q;
}

unsigned pairs_get(struct pairs *ps, uint64_t key, uint64_t now_us, uint64_t tick_us, unsigned n,
                   unsigned (*place)(void *ctx, uint64_t key), void *ctx)
{
    struct pair *q = lookup(ps, key);
    if (q) {
        if (expired(ps, q, tick_us)) {   /* its flows are over: place it again */
            q->worker = ps->static_only ? (uint32_t)(key % n) : place(ctx, key);
            ps->replaced++;
        }
        q->last_us = now_us;
        return q->worker;
    }
    if (ps->static_only) return (unsigned)(key % n);
    if (!(q = insert(ps, key))) {
        ps->static_only = true;
        return (unsigned)(key % n);
    }
    q->last_us = now_us;
    q->worker = place(ctx, key);
    ps->placed++;
    return q->worker;
}

struct pair *pairs_find(struct pairs *ps, uint64_t key, uint64_t now_us)
{
    struct pair *q = lookup(ps, key);
    return q && now_us <= q->last_us + ps->hold_us ? q : NULL;
}

struct pair *pairs_put(struct pairs *ps, uint64_t key)
{
    struct pair *q = lookup(ps, key);
    return q ? q : insert(ps, key);
}

void pairs_clear(struct pairs *ps)
{
    if (ps->t && ps->used) memset(ps->t, 0, ((size_t)ps->mask + 1) * sizeof *ps->t);
    ps->used = 0;
}

uint32_t pairs_count(const struct pairs *ps) { return ps->used; }
