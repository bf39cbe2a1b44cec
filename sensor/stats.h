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
    uint64_t pcap_received, pcap_dropped, pcap_ifdropped;   /* live */
};

/* Sum of the counters of n workers, plus capture totals, as JSON object. */
void stats_json(struct json *j, struct worker *const *w, unsigned n, const struct capture_totals *c);
/* Same, as aligned text lines. */
void stats_print(FILE *f, struct worker *const *w, unsigned n, const struct capture_totals *c);

#endif
