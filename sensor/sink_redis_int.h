/* sink_redis_int.h -- the Redis sink's state, shared by its two files:
 * sink_redis.c (producers, open, close) and sink_redis_thread.c (the output
 * thread: connection, pipelined batches, spool replay). Not for other modules.
 */
#ifndef BW_SINK_REDIS_INT_H
#define BW_SINK_REDIS_INT_H

#include "outq.h"
#include "redis_url.h"
#include "sink.h"
#include "spool.h"
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define BACKOFF_MIN_MS 100u
#define BACKOFF_MAX_MS 5000u
#define IDLE_WAIT_MS 100u
#define DROP_LOG_EVERY 1000u
#define MAX_LOGGED_CODES 16
#define KEY_CAP 512

enum sink_redis_mode { MODE_LIST, MODE_STREAM, MODE_CHANNEL };

/* Counters written by several threads: relaxed atomics. */
struct sink_redis_counters {
    atomic_uint_fast64_t alerts_in, sent, ledger_sent, spooled, spooled_direct, replayed, dropped,
        ledger_dropped, connects, reconnects, connect_failures, auth_failures, timeouts, io_errors,
        err_transient, err_rejected, list_trims, list_trimmed, unheard, heartbeats, batches;
    atomic_bool connected;
};

/* Counters are bumped from any thread; these expect a `rs` in scope. */
#define INC(f) atomic_fetch_add_explicit(&rs->n.f, 1, memory_order_relaxed)
#define ADD(f, v) atomic_fetch_add_explicit(&rs->n.f, (v), memory_order_relaxed)
#define GET(f) atomic_load_explicit(&rs->n.f, memory_order_relaxed)

struct rsink {
    /* settings, read-only once the thread runs */
    struct redis_url url;
    char url_print[REDIS_URL_HOST_MAX + 64];
    enum sink_redis_mode mode;
    char prefix[256];
    char key_alerts[KEY_CAP];
    char key_sensor[KEY_CAP];
    char spool_dir[256];
    uint32_t list_max, stream_maxlen, timeout_ms, drain_ms, batch, hb_ttl;
    char maxlen_arg[24];

    spool *sp;
    outq *q;
    pthread_t th;
    bool th_started;

    /* shared with producers, under mu */
    pthread_mutex_t mu;
    bool closing;
    uint64_t deadline_ms;
    bool hb_pending;
    struct sink_heartbeat hb;
    unsigned flush_gen;       /* bumped by the thread after each loop */

    struct sink_redis_counters n;

    /* output thread only */
    redisContext *c;
    struct rcmd_list held;
    uint32_t backoff_ms;
    uint64_t next_try_ms;
    bool outage_logged;       /* an outage message was printed, not yet its end */
    bool auth_logged;
    bool nopass_logged;
    char logged_codes[MAX_LOGGED_CODES][24];
    unsigned n_logged_codes;
    struct rcmd **rd_buf;     /* spool read scratch, batch entries */
    struct spool_pos *rd_pos;
    uint8_t *status;          /* per command of a batch */
};

/* Monotonic milliseconds. */
uint64_t sink_redis_now_ms(void);

/* One line on stderr, "bleedwatch: redis: ...". Never given a password. */
void sink_redis_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The output thread (arg: struct rsink *). Returns when closing is set and
 * everything is delivered, or the drain deadline passed (the rest spooled). */
void *sink_redis_thread_main(void *arg);

#endif
