/* sink.h -- where alerts, ledger updates and heartbeats leave the sensor.
 *
 * Every sink sits behind one ops struct (open, write, flush, close); callers
 * hold a `sink *` and use the sink_* functions below, which dispatch. The
 * Redis sink (sink_redis.c) is the first implementation:
 *
 *   - sink_alert() and sink_ledger() never wait on the network: commands go
 *     into a bounded memory queue read by one output thread. When the queue is
 *     full they are written to the disk spool directly; only when the spool is
 *     full (or the disk is) is an alert dropped, counted and logged (the first
 *     time and every 1000th after).
 *   - The output thread pipelines batches (redisAppendCommandArgv, then every
 *     reply). A batch is delivered when every reply arrived and none is an
 *     error. On a connection error, a timeout, or a "not now" error reply
 *     (OOM, READONLY, LOADING, MASTERDOWN, BUSY, NOAUTH, WRONGPASS, NOPERM,
 *     MISCONF, TRYAGAIN, CLUSTERDOWN), the undelivered commands go to the spool
 *     in order and the thread reconnects with exponential backoff (100 ms to
 *     5 s). While Redis is away everything queued is moved to the spool, so it
 *     survives a crash. When Redis is back, the spool is replayed, in order,
 *     before newer queued commands. A command Redis rejects as malformed
 *     (WRONGTYPE, ERR ...) is counted and logged once per error code, and not
 *     retried.
 *   - Delivery is at-least-once. Duplicates are possible only for the batch in
 *     flight when a connection broke or the process died (its replies never
 *     came, so it is sent again). Every alert carries a unique event.id, so
 *     consumers can drop duplicates; ledger PFADD/SADD/HSETNX are idempotent;
 *     the ledger's HINCRBY counters (responses, bytes) can over-count by that
 *     one batch. We document this rather than pay for idempotent counters.
 *   - Order: FIFO, with one exception: when the memory queue is full, a
 *     producer writes its command to the spool directly, and it may reach
 *     Redis before older commands still in the memory queue.
 *   - Spooled commands are replayed as they were built: a change of
 *     --redis-mode or --redis-prefix between runs applies to new alerts only.
 *   - Heartbeats are never spooled: the latest one wins.
 *
 * Thread safety: sink_alert, sink_ledger, sink_heartbeat and sink_stats may be
 * called from any number of threads at once; sink_close from one thread, after
 * every producer has stopped.
 */
#ifndef BW_SINK_H
#define BW_SINK_H

#include "ledger.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
typedef struct sink sink;

/* Counters the sensor reports in its heartbeat (HSET <prefix>:sensor:<name>).
 * The sink adds its own: alerts sent, spooled, dropped. */
struct sink_heartbeat {
    uint64_t packets, bytes, pcap_drops, decode_errors, flows, transactions, alerts;
    uint64_t caps_hit;    /* hostile-input caps hit so far, all kinds (stats_summary) */
    /* capture health: snaplen-cut frames, and TCP bytes never seen (the other
     * side ACKed them: mirror loss) or cut by snaplen */
    uint64_t truncated_packets, gap_bytes_loss, gap_bytes_snaplen;
};

struct sink_stats {
    uint64_t alerts_in;          /* alerts handed to sink_alert */
    uint64_t sent;               /* alerts Redis confirmed (replays included) */
    uint64_t ledger_sent;        /* ledger commands Redis confirmed */
    uint64_t spooled;            /* commands written to the spool */
    uint64_t spooled_direct;     /* ... of which by a producer, the queue being full */
    uint64_t replayed;           /* commands confirmed from the spool */
    uint64_t dropped;            /* alerts lost: queue and spool both full */
    uint64_t ledger_dropped;     /* ledger commands lost likewise */
    uint64_t connects;           /* successful connections (with AUTH/SELECT) */
    uint64_t reconnects;         /* ... after the first */
    uint64_t connect_failures;   /* refused, unreachable, or failed AUTH/SELECT */
    uint64_t auth_failures;      /* AUTH refused */
    uint64_t timeouts;           /* connection or reply timeouts */
    uint64_t io_errors;          /* connections lost mid-batch (not timeouts) */
    uint64_t err_transient;      /* "not now" error replies (command spooled, retried) */
    uint64_t err_rejected;       /* error replies for malformed commands (not retried) */
    uint64_t list_trims;         /* LTRIMs that removed something (list mode cap) */
    uint64_t list_trimmed;       /* alerts removed by them */
    uint64_t unheard;            /* channel mode: PUBLISH that reached no subscriber */
    uint64_t heartbeats;         /* heartbeats written */
    uint64_t batches;            /* pipelined batches sent */
    uint64_t queue_depth;        /* commands in memory now */
    uint64_t queue_high;         /* most commands ever in memory */
    uint64_t spool_bytes;        /* spool size on disk */
    uint64_t spool_pending;      /* bytes not yet confirmed */
    uint64_t spool_torn;         /* torn/corrupt spool records skipped */
    uint64_t spool_full;         /* spool appends refused by the size cap */
    uint64_t spool_io_errors;    /* spool appends failed (ENOSPC, EIO...) */
    bool connected;
};

/* The operations of one kind of sink. `open` returns the sink's state (NULL
 * with a message in err on failure); `close` drains, reports the last counters
 * and frees it. */
struct sink_ops {
    const char *name;
    void *(*open)(const struct config *cfg, char *err, size_t errlen);
    int (*write_alert)(void *st, const char *json, size_t len);
    int (*write_ledger)(void *st, const struct ledger_update *u);
    void (*heartbeat)(void *st, const struct sink_heartbeat *hb);
    int (*flush)(void *st, unsigned timeout_ms);
    void (*stats)(void *st, struct sink_stats *out);
    void (*close)(void *st, struct sink_stats *final);   /* final may be NULL */
};

extern const struct sink_ops sink_redis_ops;

/* Open a sink of the given kind. Returns NULL with a one-line message in err
 * (bad URL, bad mode, unusable password file or spool directory). The caller
 * ends it with sink_close. */
sink *sink_open(const struct sink_ops *ops, const struct config *cfg, char *err, size_t errlen);

/* The Redis sink from cfg->redis_url and the redis-* and spool-* options:
 * checks them, opens the spool (an existing one will be replayed first) and
 * starts the output thread, which connects in the background (an unreachable
 * Redis is not an error here: alerts are spooled until it is back). */
sink *sink_redis_new(const struct config *cfg, char *err, size_t errlen);

/* Hand over one alert (a complete JSON object; copied). Returns 0 when it is
 * queued or spooled, -1 when it was dropped (counted, logged). */
int sink_alert(sink *s, const char *json, size_t len);

/* Hand over one exposure-ledger update (copied into commands). Same returns. */
int sink_ledger(sink *s, const struct ledger_update *u);

/* Replace the pending heartbeat (the output thread writes it when it can). */
void sink_heartbeat(sink *s, const struct sink_heartbeat *hb);

/* Wait up to timeout_ms for everything queued so far to be delivered or
 * spooled. Returns 0 if so, -1 on timeout. */
int sink_flush(sink *s, unsigned timeout_ms);

/* A snapshot of the counters. */
void sink_stats(sink *s, struct sink_stats *out);

/* Drain and free: queue and spool to Redis, waiting at most the configured
 * drain timeout; what is still undelivered then goes to the spool, and only
 * what the spool cannot hold is dropped (counted, logged). Joins the output
 * thread. Fills *final (if not NULL) with the last counters.
 * sink_close(NULL, ...) is a no-op. */
void sink_close(sink *s, struct sink_stats *final);

#endif
