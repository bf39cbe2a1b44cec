/* pipeline.h -- what every worker shares: read-only engines and configs, and
 * the thread-safe outputs. Built once in main.c, borrowed by the workers. */
#ifndef BW_PIPELINE_H
#define BW_PIPELINE_H

#include "jsonl.h"
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
};

#endif
