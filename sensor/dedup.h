/* dedup.h -- drop the second copy of a packet seen twice.
 *
 * Mirror feeds duplicate: two mirrored ports both see a packet that crosses
 * them, a SPAN of both directions sees a routed packet on the way in and on
 * the way out, AWS mirrors both ends of a conversation. The copies differ in
 * their link layer (MACs, VLAN tags, tunnel) and in what routers change (TTL
 * or hop limit, and so the IPv4 header checksum), and are identical from the
 * IP header on otherwise.
 *
 * dedup_seen() digests the IP datagram with those fields masked and looks the
 * digest up in a small set-associative ring of recent digests: a match within
 * the window (cfg->dedup_window_ms) is a duplicate. The ring holds
 * cfg->dedup_size digests; an older digest may be forgotten early when its
 * set is full (a missed duplicate, never a false one).
 */
#ifndef BW_DEDUP_H
#define BW_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

struct dedup_stats {
    uint64_t checked;          /* packets looked up */
    uint64_t duplicates;       /* of which dropped as duplicates */
};

typedef struct dedup dedup;

/* Create a ring for cfg->dedup_size digests and cfg->dedup_window_ms.
 * seed: digest key (random at start-up). Aborts on OOM (setup). */
dedup *dedup_new(const struct config *cfg, uint64_t seed);
/* libxxhash's first (code-choosing) call, once; dedup_new makes it too. */
void dedup_prepare(void);

/* Free. NULL is a no-op. */
void dedup_free(dedup *d);

/* Forget every packet seen (a new, separate input begins); counters stay. */
void dedup_reset(dedup *d);

/* Is the IP datagram l3 (len captured bytes from its IP header) a copy of one
 * seen within the window before or after now_us? If not, it is remembered.
 * Anything shorter than an IP header is never a duplicate. */
bool dedup_seen(dedup *d, const uint8_t *l3, size_t len, uint64_t now_us);

const struct dedup_stats *dedup_stats(const dedup *d);

#endif
