/* frag.h -- IPv4 and IPv6 fragment reassembly for one worker.
 *
 * Fragments (decode reason DEC_FRAGMENT, struct pkt's frag_* fields) are
 * collected per datagram, keyed by IP version, addresses, identification,
 * protocol, innermost VLAN and tenant id (decode.h), so two tenants' datagrams
 * never mix. When a datagram is complete, frag_add() hands back one IP
 * datagram, header first, as if it had never been fragmented.
 *
 * Overlaps: the first data wins. A fragment that overlaps earlier ones with
 * the same bytes (a retransmission, a refragmentation) is accepted and
 * counted; one that overlaps with different bytes is the evasion of Ptacek &
 * Newsham and RFC 5722: the whole datagram is dropped and every later
 * fragment of it swallowed until its timeout, so no payload other than the
 * first-wins one can ever come out. Too many fragments, oversized datagrams
 * and inconsistent ends (data past the last fragment, non-last fragments not
 * a multiple of 8) drop the datagram the same way, each counted under its own
 * reason. Tiny non-last fragments (smaller than cfg->frag_min_size, the
 * fragroute / RFC 1858 shape meant to split a transport header) are counted
 * once per datagram but reassembled: with first data winning they cannot
 * change what comes out, and frag_max_fragments bounds their number.
 *
 * Memory is bounded: at most cfg->frag_max_datagrams datagrams in flight and
 * cfg->frag_max_total bytes buffered (the oldest datagram is evicted to make
 * room, counted), each at most cfg->frag_max_bytes of payload in at most
 * cfg->frag_max_fragments fragments; datagrams not completed within
 * cfg->frag_timeout seconds are dropped (counted) by frag_expire().
 */
#ifndef BW_FRAG_H
#define BW_FRAG_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct pkt;

/* Why fragments or datagrams were dropped; all uint64_t (summed as an array). */
struct frag_stats {
    uint64_t fragments;        /* fragments handed in */
    uint64_t reassembled;      /* datagrams completed */
    uint64_t overlap_same;     /* fragments overlapping earlier data with the same bytes (accepted) */
    uint64_t overlap_conflict; /* datagrams dropped: overlap with different bytes */
    uint64_t tiny;             /* datagrams with a non-last fragment under frag_min_size (reassembled) */
    uint64_t too_many;         /* datagrams dropped: more than frag_max_fragments */
    uint64_t too_big;          /* datagrams dropped: past frag_max_bytes */
    uint64_t inconsistent;     /* datagrams dropped: two ends, data past the end, bad sizes */
    uint64_t timeout;          /* datagrams never completed */
    uint64_t evicted;          /* datagrams dropped to stay under the caps */
    uint64_t dropped_fragments;/* fragments of dropped datagrams swallowed */
    uint64_t truncated;        /* fragments cut by snaplen (not reassembled) */
    uint64_t in_flight;        /* datagrams held now */
    uint64_t bytes;            /* bytes buffered now */
    uint64_t bytes_peak;
};

typedef struct frag_table frag_table;

/* Create a table with cfg's caps. seed: hash seed (random at start-up).
 * Aborts on OOM (setup). */
frag_table *frag_new(const struct config *cfg, uint64_t seed);

/* Free the table and every datagram in it. NULL is a no-op. */
void frag_free(frag_table *t);

/* Add the fragment p (decoded with DEC_FRAGMENT: p->l3 .. l3_len is the
 * fragment's IP datagram) seen at now_us. Returns NULL while the datagram is
 * incomplete or when it was dropped; when it completes, a pointer to the
 * reassembled IP datagram (*len bytes, header first, lengths fixed, no
 * fragment header) owned by the table and valid until the next call on it.
 * p->l3 may point into the previous result (a fragment inside a reassembled
 * tunnel datagram). */
const uint8_t *frag_add(frag_table *t, const struct pkt *p, uint64_t now_us, size_t *len);

/* Drop datagrams older than the timeout at now_us. */
void frag_expire(frag_table *t, uint64_t now_us);

const struct frag_stats *frag_stats(const frag_table *t);

#endif
