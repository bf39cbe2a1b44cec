/* stream.h -- TCP reassembly: per-direction in-order delivery with explicit gaps.
 *
 * The contract follows Zeek's analyzers: in-order bytes go to sink->data (as a
 * view into the packet when the segment is in order: no copy), holes go to
 * sink->gap with their length and reason, and nothing is ever delivered twice.
 *
 *  - Out-of-order segments are copied into a per-flow buffer, bounded per flow
 *    (cfg->ooo_bytes_per_flow, cfg->ooo_segs_per_flow) and in total across the
 *    pool (cfg->ooo_bytes_total). When a cap is hit the hole in front of the
 *    buffered data is declared a gap (GAP_CAP) and delivery resumes.
 *  - Retransmissions and overlaps: the first data seen for a sequence number
 *    wins; later copies are counted and dropped.
 *  - Mid-stream pickup: a direction whose SYN was not seen starts at the first
 *    segment that carries data.
 *  - An ACK from the other direction past a hole proves the hole's bytes were
 *    sent and missed by the sensor: the hole is declared a gap (GAP_LOSS) at once.
 *  - Snaplen: a segment whose captured payload is shorter than its wire payload
 *    delivers the captured part, then a gap (GAP_SNAPLEN) for the rest.
 *  - stream_flush() (FIN/RST/timeout teardown) delivers whatever is buffered,
 *    with gaps for the holes in between.
 *
 * Direction: 0 = from the flow's client (originator), 1 = from its server.
 * All state a stream needs lives in struct stream (embedded in the flow) and
 * struct stream_pool (one per worker). No globals.
 */
#ifndef BW_STREAM_H
#define BW_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

enum gap_reason {
    GAP_LOSS = 0,    /* bytes the sensor never saw (mirror loss, sensor drop, late pickup) */
    GAP_SNAPLEN,     /* captured payload shorter than the wire payload */
    GAP_CAP,         /* out-of-order buffer cap forced a skip */
    GAP__COUNT
};

struct stream_sink {
    /* In-order bytes. p is valid only during the call. */
    void (*data)(void *ctx, int dir, const uint8_t *p, size_t len);
    /* len bytes of direction dir will never be delivered. */
    void (*gap)(void *ctx, int dir, uint64_t len, enum gap_reason why);
};

struct stream_seg;   /* buffered out-of-order segment (stream.c) */

struct stream_dir {
    uint32_t next_seq;        /* next expected sequence number */
    uint32_t fin_seq;         /* sequence number of FIN, if fin */
    bool seq_known;           /* next_seq is valid */
    bool syn;                 /* SYN seen in this direction */
    bool fin;                 /* FIN seen */
    bool rst;                 /* RST seen */
    uint16_t ooo_segs;
    uint32_t ooo_bytes;
    struct stream_seg *ooo;   /* sorted by seq, non-overlapping */
    uint64_t delivered;       /* bytes given to sink->data */
    uint64_t gap_bytes;       /* bytes reported to sink->gap */
};

struct stream {
    struct stream_dir d[2];
};

/* Counters a pool keeps for all its streams. */
struct stream_stats {
    uint64_t segments;          /* segments with payload */
    uint64_t in_order;          /* delivered without copy */
    uint64_t ooo_buffered;      /* segments copied to the OOO buffer */
    uint64_t retrans_bytes;     /* exact or partial retransmissions dropped */
    uint64_t overlap_bytes;     /* overlapping bytes dropped (first wins) */
    uint64_t gaps[GAP__COUNT];  /* gap events per reason */
    uint64_t gap_bytes[GAP__COUNT];
    uint64_t cap_flow_hits;     /* per-flow OOO cap hit */
    uint64_t cap_total_hits;    /* pool-wide OOO cap hit */
    uint64_t ooo_bytes_now;     /* currently buffered across the pool */
    uint64_t ooo_bytes_peak;
    uint64_t bogus_segments;    /* seq more than 2^30 from next_seq: ignored */
    uint64_t after_fin_bytes;   /* bytes past a direction's FIN: ignored */
    uint64_t alloc_failures;    /* OOO copy not made (malloc failed): a hole, gapped later */
    uint64_t seg_mallocs;       /* OOO segments malloc'd (the rest reused a freed full-size one) */
};

struct stream_pool {
    const struct config *cfg;
    struct stream_stats st;
    struct stream_seg *free_segs;   /* freed full-size segments, for reuse (stream.c) */
    uint32_t n_free;
};

void stream_pool_init(struct stream_pool *pool, const struct config *cfg);
/* Free the segments kept for reuse (after the pool's last stream_release). */
void stream_pool_release(struct stream_pool *pool);

/* Zero a stream (embedded in a new flow). */
void stream_init(struct stream *s);

/* Feed one TCP segment that travelled in direction dir.
 *   seq, ack, flags    from the TCP header
 *   payload, len       captured payload bytes (may be 0)
 *   wire_len           payload bytes on the wire (>= len; more means snaplen cut it)
 * Calls sink->data / sink->gap zero or more times before returning. */
void stream_segment(struct stream_pool *pool, struct stream *s, int dir,
                    uint32_t seq, uint32_t ack, uint8_t flags,
                    const uint8_t *payload, size_t len, uint32_t wire_len,
                    const struct stream_sink *sink, void *ctx);

/* Teardown: deliver everything buffered in both directions (gaps between),
 * then free the buffers. The stream may not be fed afterwards. */
void stream_flush(struct stream_pool *pool, struct stream *s,
                  const struct stream_sink *sink, void *ctx);

/* Free buffered segments without delivering them (eviction under pressure). */
void stream_release(struct stream_pool *pool, struct stream *s);

#endif
