/* flow.h -- the bidirectional flow table of one worker.
 *
 * A flow is keyed by (ip version, transport, VLAN, tenant id of the tunnel it
 * came through (decode.h), the two address/port pairs);
 * both directions of a conversation find the same flow. The table is bounded
 * (cfg->max_flows): when full, the least recently active flow is evicted (and
 * counted). Flows expire after idle timeouts, kept on one LRU list per timeout
 * class (TCP open, TCP closing, UDP/other), so expiry is O(expired).
 *
 * The table knows nothing of protocols: struct flow carries the stream state,
 * an nDPI handle while classifying, and an opaque dissector pointer + state
 * that the worker manages. Expired and evicted flows are handed to a callback
 * (the worker's teardown) before they are freed.
 */
#ifndef BW_FLOW_H
#define BW_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dissect.h"
#include "stream.h"

struct config;
struct pkt;
struct dissector;
struct ndpi_flow_struct;

enum flow_class { FLOW_TCP_OPEN = 0, FLOW_TCP_CLOSING, FLOW_OTHER, FLOW__CLASSES };

/* Why a flow ended (for stats). */
enum flow_end { FLOW_END_CLOSED = 0, FLOW_END_IDLE, FLOW_END_EVICTED, FLOW_END_SHUTDOWN, FLOW__ENDS };

struct flow {
    /* ---- table links (flow.c) ---- */
    struct flow *hnext;             /* hash chain */
    struct flow *lprev, *lnext;     /* LRU list of its class */
    uint32_t hash;
    uint8_t fclass;                 /* enum flow_class */
    uint8_t ndpi_packets;           /* (classification, below: here to fill a hole) */
    bool ndpi_done;

    /* ---- key and identity, as dissectors see it (index 0 = client) ---- */
    struct flow_view v;

    /* ---- life ---- */
    uint64_t last_us;               /* packet time, microseconds */
    bool fin[2], rst;
    bool closed;                    /* torn down (dissector closed), lingering for stray packets */
    bool inspect_off;               /* no dissector wants it: packets only counted */
    uint32_t tenant_id;             /* key part: struct pkt's tenant_id (VNI, key, session) */
    const char *input;              /* the capture file of its latest packet (offline; outputs name it) */

    /* ---- classification ---- */
    struct ndpi_flow_struct *ndpi;  /* while classifying; freed once sure */

    /* ---- reassembly + dissection (worker.c) ---- */
    struct stream stream;
    const struct dissector *dis;
    void *dis_state;
    uint8_t *probe_buf[2];          /* bytes held while probes say MAYBE */
    uint16_t probe_len[2];
    uint32_t probe_seen[2];         /* bytes looked at before a dissector decided */
    uint32_t txn_seq;               /* transactions ended on this flow (event.id) */
};

struct flow_stats {
    uint64_t created;
    uint64_t active, peak;
    uint64_t ended[FLOW__ENDS];
    uint64_t table_full;            /* evictions forced by max_flows */
};

typedef struct flow_table flow_table;

/* Called for each flow that expires or is evicted, before it is freed. */
typedef void (*flow_end_fn)(void *ctx, struct flow *f, enum flow_end why);

/* Create a table for at most cfg->max_flows flows. seed: the hash seed (random
 * at start-up against hash flooding). Aborts on OOM (setup). */
flow_table *flow_table_new(const struct config *cfg, uint64_t seed, flow_end_fn on_end, void *ctx);
/* End every flow (FLOW_END_SHUTDOWN) through on_end; the table stays usable. */
void flow_table_end_all(flow_table *t);
/* flow_table_end_all, then free. NULL is a no-op. */
void flow_table_free(flow_table *t);

/* Find the flow of a decoded TCP/UDP packet, creating it if needed.
 *   *dir    0 if the packet goes client->server, 1 otherwise
 *   *is_new true if the flow was just created
 * Returns NULL only when a flow cannot be allocated (counted). Roles of a new
 * flow: the sender of a SYN is the client, of a SYN-ACK the server; otherwise
 * the side with the well-known (lower, < 1024 or known service) port is the server. */
struct flow *flow_table_get(flow_table *t, const struct pkt *p, uint64_t now_us,
                            int *dir, bool *is_new);

/* The id of a flow first seen with packet p at packet time pkt_us: a hash of
 * the key (tunnel ids left out, so mirrored copies agree) and that time, the
 * same whatever worker, clock or run sees it. */
uint64_t flow_stable_id(const struct pkt *p, uint64_t pkt_us);

/* Move a flow to another timeout class (e.g. TCP closing after FIN/RST). */
void flow_set_class(flow_table *t, struct flow *f, enum flow_class c);

/* Expire flows idle past their class timeout at time now_us. */
void flow_table_expire(flow_table *t, uint64_t now_us);

/* Remove a flow now (on_end is NOT called: the caller already tore it down). */
void flow_table_remove(flow_table *t, struct flow *f);

const struct flow_stats *flow_table_stats(const flow_table *t);

#endif
