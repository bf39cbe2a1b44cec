/* worker.h -- one packet-processing context: flows, reassembly, dissectors.
 *
 * A worker owns everything per-flow and per-packet (flow table, stream pool,
 * nDPI module, dissector states and counters, JSON scratch). Nothing in it is
 * shared with another worker, so several run on their own threads with no
 * locks on the packet path; outputs (txlog) are the only shared objects.
 */
#ifndef BW_WORKER_H
#define BW_WORKER_H

#include <stdint.h>
#include <sys/time.h>
#include "decode.h"
#include "flow.h"
#include "frag.h"
#include "stream.h"

struct config;
struct pipeline;

struct worker_stats {
    uint64_t packets;              /* frames handed to the worker */
    uint64_t bytes;                /* wire bytes of those frames */
    uint64_t decode[DEC__COUNT];   /* per decode reason (DEC_OK = decoded TCP/UDP) */
    uint64_t truncated;            /* frames cut by snaplen */
    uint64_t tcp, udp;             /* decoded transport packets */
    uint64_t flow_alloc_fail;
    uint64_t uninspected_packets;  /* packets of flows no dissector wanted */
    uint64_t ndpi_detected, ndpi_giveup;
    uint64_t dissected_flows;      /* flows with a dissector attached */
    uint64_t transactions;
    uint64_t bodies_scanned;       /* response bodies fed to the PII engine */
    uint64_t body_bytes_scanned;   /* their bytes as the engine read them (decoded) */
    uint64_t body_wire_bytes_scanned;   /* the same bodies' bytes on the wire (gzip'd, chunked) */
    uint64_t pii_depth_capped;     /* JSON/XML containers nested past the PII context depth cap */
    uint64_t alerts;
    uint64_t alerts_auth_unknown;  /* of which the request was not (fully) seen */
    uint64_t alerts_dropped;       /* refused by the Redis sink (queue and spool full) */

    /* mirror feeds (all uint64_t: summed as an array) */
    uint64_t duplicates;           /* packets dropped as copies of one just seen (dedup.h) */
    uint64_t tunnel[TUN__COUNT];   /* decoded packets per innermost tunnel type */
    struct frag_stats frag;        /* fragment reassembly (frag.h), copied from the table */
};

typedef struct worker worker;

/* Create a worker that reads pipe (borrowed: engines, configs, outputs).
 * index: worker number. seed: flow hash seed. Aborts on OOM (setup). */
worker *worker_new(const struct pipeline *pipe, unsigned index, uint64_t seed);

/* Process one captured frame of link type dlt. */
void worker_packet(worker *w, int dlt, struct timeval ts, const uint8_t *frame,
                   uint32_t caplen, uint32_t wirelen);
/* The same for a frame already decoded (decode_frame with the pipeline's
 * options, r what it returned; the frame's bytes still in place). p is the
 * worker's to change. */
void worker_packet_decoded(worker *w, struct timeval ts, uint32_t wirelen, struct pkt *p, enum decode_reason r);

/* Name of the input being read (offline replay), reported in outputs; NULL
 * for live capture. The string must outlive the worker's use of it. */
void worker_set_input(worker *w, const char *name);

/* The capture's clock, before each packet handed over by another thread: the
 * latest packet time the capture has seen, over all workers' packets. Flow
 * ids, transaction times and timeouts go by it, so that they do not depend
 * on how flows are spread over workers (captures are not always in time
 * order). Never moves the clock back. */
void worker_clock(worker *w, struct timeval now);

/* Time passes without packets (live capture idle): expire flows at ts. */
void worker_tick(worker *w, struct timeval ts);

/* End of input: tear down every flow (flushing reassembly and dissectors). */
void worker_finish(worker *w);

/* After the last packet: free what the statistics do not need (nDPI, the
 * fragment and duplicate tables, the PII scratch). A worker thread does it
 * as it stops, so N workers free side by side, not one after the other on
 * the capture thread. Idempotent; worker_free does it too. */
void worker_shed(worker *w);
void worker_free(worker *w);

const struct worker_stats *worker_stats(const worker *w);
/* CPU time (user + system) of the thread that runs the worker since
 * worker_new: read from that thread's clock while it runs, kept when it
 * sheds (a thread's clock goes with it). With 1 worker it is the capture
 * thread's, reading included; 0 where the clock cannot be read. */
double worker_cpu_seconds(const worker *w);
const struct stream_stats *worker_stream_stats(const worker *w);
const struct flow_stats *worker_flow_stats(const worker *w);
/* Dissector counters: for dissector_table[i], n_counters values. */
const uint64_t *worker_dissector_counters(const worker *w, size_t i);

#endif
