/* pipeline.h -- what every worker shares: read-only engines and configs, and
 * the thread-safe outputs. Built once in main.c, borrowed by the workers. */
#ifndef BW_PIPELINE_H
#define BW_PIPELINE_H

#include "geoip.h"
#include "decode.h"
#include "jsonl.h"
#include "sink.h"
#include "netset.h"
#include "pii.h"
#include "storage.h"
#include "verdict.h"

struct config;

struct pipeline {
    const struct config *cfg;
    const char *sensor_name;             /* observer.name, event.id prefix */
    const pii_db *pii;                   /* compiled PII engine (shared read-only) */
    struct storage_config storage;
    struct verdict_config verdict;
    jsonl *transactions;                 /* --transactions, or NULL */
    jsonl *alerts;                       /* --alerts, or NULL */
    geoip *geo;                          /* --geoip databases (may hold none) */
    sink *redis;                         /* --redis, or NULL */
    bool schema_ocsf;                    /* --schema ocsf: alerts as OCSF, else ECS */

    /* owned by the pipeline */
    pii_db *pii_owned;
    netset *home_net;
    char **public_ok;                    /* NULL-terminated */
    char **context_words[PII__COUNT];    /* --pii-context lists, NULL-terminated */
    /* replaced by reloads; freed at the end (workers may still read them) */
    char **retired_lists[16];
    netset *retired_nets[16];
    unsigned n_retired;
    uint8_t hash_key[64];
    size_t hash_key_len;
    char name_buf[256];

    /* decoder options (tunnel ports), from cfg */
    struct decode_opts decode;
    bool decode_set;                     /* false: a pipeline not made by pipeline_build: defaults */
};

/* Build everything the workers share from cfg. Returns 0, or -1 with a
 * one-line message in err (the caller exits 2: it is a configuration error).
 * note gets an informational line or stays empty (e.g. "created hash key"). */
int pipeline_build(struct pipeline *pp, const struct config *cfg, char *err, size_t errlen,
                   char *note, size_t notelen);

/* SIGHUP: apply the reloadable keys of fresh (public-ok, home-net, alert
 * thresholds) to a running pipeline. Each is swapped in one pointer or word
 * store that workers read per transaction; the replaced lists are kept until
 * pipeline_free. Returns 0, or -1 + message (nothing changed). */
int pipeline_reload(struct pipeline *pp, const struct config *fresh, char *err, size_t errlen);

/* Drain and close the Redis sink (final counters into *st if given). */
void pipeline_close_sink(struct pipeline *pp, struct sink_stats *st);

/* Close outputs and free engines. */
void pipeline_free(struct pipeline *pp);

#endif
