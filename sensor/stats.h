/* stats.h -- the sensor's counters, gathered from workers and captures, as
 * text for people (stderr at exit, SIGUSR1) and JSON for machines (--stats). */
#ifndef BW_STATS_H
#define BW_STATS_H

#include <stdint.h>
#include <stdio.h>

struct worker;
struct json;

struct capture_totals {
    uint64_t files;             /* inputs opened */
    uint64_t read_errors;       /* truncated/corrupt capture files (reading stopped early) */
    uint64_t files_skipped;     /* files in a -r directory that are not captures */
    uint64_t pcap_received, pcap_dropped, pcap_ifdropped;   /* live */
    uint64_t ring_waits, fragments_steered, fragments_held;  /* engine_counters (N workers) */
};

/* The headline figures (heartbeat, SIGUSR1). */
struct stats_summary {
    uint64_t packets, bytes, decode_errors, flows_active, flows_created, transactions, alerts;
    /* Every cap on hostile input hit so far: flow table full, OOO buffer caps,
     * the PII context depth cap and the counters each dissector marks as
     * caps (struct dissector.cap_counters): HTTP head size, header count,
     * pipeline, chunk errors and chunk size, decoded size, ratio; MongoDB,
     * BSON and RESP message size, JSON size, depth, elements, line length,
     * pending requests. The stats JSON has each. */
    uint64_t caps_hit;
    uint64_t truncated_packets, gap_bytes_loss, gap_bytes_snaplen;   /* capture health */
};
void stats_summary(struct worker *const *w, unsigned n, struct stats_summary *out);

struct sink_stats;
/* Sink counters (Redis), printed after the sensor's own. NULL = no sink. */
void stats_print_sink(FILE *f, const struct sink_stats *s);

/* Sum of the counters of n workers, plus capture totals, as JSON object. */
void stats_json(struct json *j, struct worker *const *w, unsigned n, const struct capture_totals *c,
                const struct sink_stats *ss);
/* Same, as aligned text lines. */
void stats_print(FILE *f, struct worker *const *w, unsigned n, const struct capture_totals *c);

#endif
