/* pairs.h -- which worker owns an address pair (N > 1 workers).
 *
 * A static hash of the addresses spreads flows by count, not by weight: one
 * worker may get the large downloads while the others run dry and the
 * capture thread waits on its full ring. So a pair seen for the first time is
 * placed by the caller (on the worker with the shortest backlog), and keeps
 * that worker while any flow of it can be alive there: until a tick has
 * passed its last packet by more than hold_us (the longest flow or fragment
 * timeout and a tick: the worker has then ended every flow of it, at the same
 * tick one worker would have). After that it is placed again.
 *
 * Open addressing with linear probing and backward-shift deletion, keyed by
 * the pair's 64-bit symmetric hash (two pairs with one hash share a worker:
 * harmless). The table doubles from 4,096 slots, kept at most 3/4 full, up
 * to PAIRS_MAX entries (24 bytes a slot: 48 MB at a million pairs, which
 * the workers' flows of a million pairs outweigh many times); past that, new pairs fall back to the static hash (key %
 * n), and from then on for good: a pair placed by the hash must not be
 * placed otherwise later, while its flows live. Pairs already in the table
 * keep their worker.
 */
#ifndef BW_PAIRS_H
#define BW_PAIRS_H

#include <stdbool.h>
#include <stdint.h>

#define PAIRS_MAX (1u << 20)

struct pair {
    uint64_t key;            /* 0 = free */
    uint64_t last_us;        /* capture clock of its last packet */
    uint32_t worker;
};

struct pairs {
    struct pair *t;
    uint32_t mask, used, max;
    uint64_t hold_us;
    uint32_t sweep_at;       /* the next slot the sweep looks at */
    bool static_only;        /* the table filled up once: the hash only from then on */
    uint64_t placed, replaced;   /* new pairs placed; expired pairs placed again */
};

/* max: most entries (0 = PAIRS_MAX). */
void pairs_init(struct pairs *ps, uint64_t hold_us, uint32_t max);
void pairs_free(struct pairs *ps);

/* The worker (< n) of pair key (non-zero) at capture time now_us, the
 * latest tick having carried tick_us; place(ctx, key) picks one for a new or
 * expired pair. */
unsigned pairs_get(struct pairs *ps, uint64_t key, uint64_t now_us, uint64_t tick_us, unsigned n,
                   unsigned (*place)(void *ctx, uint64_t key), void *ctx);

/* At a tick: free the slots of pairs expired by tick_us, a slice of the
 * table at a time (1/16, at least 1,024 slots). */
void pairs_sweep(struct pairs *ps, uint64_t tick_us);

/* Forget every pair (every flow has ended: the end of an input). */
void pairs_clear(struct pairs *ps);

/* The same table as a plain map from key to a 32-bit value that lives
 * hold_us past its last use (the workers' server hints, worker.c): the
 * entry of key when it is there and its last_us + hold_us is not before
 * now_us, else NULL. The caller sets last_us when it uses the entry. */
struct pair *pairs_find(struct pairs *ps, uint64_t key, uint64_t now_us);
/* The entry of key, added when absent (worker and last_us 0); NULL when
 * the table holds max entries or cannot grow. */
struct pair *pairs_put(struct pairs *ps, uint64_t key);

/* Entries in use. */
uint32_t pairs_count(const struct pairs *ps);

#endif
