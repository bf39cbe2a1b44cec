/* sink_redis.c -- alerts and ledger updates to Redis, without loss.
 *
 * Producers build commands (struct rcmd) and push them onto the memory queue
 * (outq); one output thread owns the Redis connection and moves commands from
 * three sources, oldest first:
 *
 *   spool   commands that could not be delivered earlier (or by a past run)
 *   held    commands that failed and could not even be spooled (disk full);
 *           at most one batch, kept in memory, newer than the spool
 *   queue   what producers pushed since
 *
 * While the spool is not empty, queued commands are appended to it rather
 * than sent, so the order holds. While Redis is away, everything goes to the
 * spool. See sink.h for the delivery contract.
 *
 * This file: the producers' side (build commands, queue, spill, drop), open,
 * flush, close and the statistics. The output thread is sink_redis_thread.c.
 */
#include "config.h"
#include "sink_redis_int.h"
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- small helpers ---- */

uint64_t sink_redis_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void sink_redis_log(const char *fmt, ...)
{
    char line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "bleedwatch: redis: %s\n", line);
}

/* ---- producers ---- */

/* A producer's commands: queue, else spool, else drop (counted). */
static int submit(struct rsink *rs, struct rcmd_list *l)
{
    if (outq_push(rs->q, l) == 0) return 0;
    int e = 0;
    size_t n = l->n;
    size_t done = spool_append(rs->sp, l->head, n, &e);
    ADD(spooled, done);
    ADD(spooled_direct, done);
    /* skip what was spooled; drop the rest */
    for (size_t i = 0; i < done; i++) rcmd_free(rcmd_list_pop(l));
    int r = 0;
    while (l->n) {
        struct rcmd *c = rcmd_list_pop(l);
        uint64_t k;
        if (c->kind == RCMD_ALERT) {
            k = INC(dropped) + 1;
            if (k == 1 || k % DROP_LOG_EVERY == 0)
                sink_redis_log("alert dropped: memory queue full and spool refused it (%s); %" PRIu64 " dropped so far",
                       e == ENOSPC ? "spool full" : strerror(e), k);
        } else {
            k = INC(ledger_dropped) + 1;
            if (k == 1 || k % DROP_LOG_EVERY == 0)
                sink_redis_log("ledger command dropped: memory queue full and spool refused it (%s); %" PRIu64
                       " dropped so far", e == ENOSPC ? "spool full" : strerror(e), k);
        }
        rcmd_free(c);
        r = -1;
    }
    return r;
}

static int rs_alert(void *st, const char *json, size_t len)
{
    struct rsink *rs = st;
    INC(alerts_in);
    const char *argv[8];
    size_t lens[8];
    uint32_t argc = 0;
    switch (rs->mode) {
    case MODE_LIST:
        argv[argc] = "RPUSH"; lens[argc++] = 5;
        argv[argc] = rs->key_alerts; lens[argc++] = strlen(rs->key_alerts);
        break;
    case MODE_CHANNEL:
        argv[argc] = "PUBLISH"; lens[argc++] = 7;
        argv[argc] = rs->key_alerts; lens[argc++] = strlen(rs->key_alerts);
        break;
    case MODE_STREAM:
        argv[argc] = "XADD"; lens[argc++] = 4;
        argv[argc] = rs->key_alerts; lens[argc++] = strlen(rs->key_alerts);
        if (rs->stream_maxlen) {
            argv[argc] = "MAXLEN"; lens[argc++] = 6;
            argv[argc] = "~"; lens[argc++] = 1;
            argv[argc] = rs->maxlen_arg; lens[argc++] = strlen(rs->maxlen_arg);
        }
        argv[argc] = "*"; lens[argc++] = 1;
        argv[argc] = "alert"; lens[argc++] = 5;
        break;
    }
    argv[argc] = json;
    lens[argc++] = len;
    struct rcmd *c = rcmd_new(RCMD_ALERT, argc, argv, lens);
    if (!c) {
        uint64_t k = INC(dropped) + 1;
        if (k == 1 || k % DROP_LOG_EVERY == 0)
            sink_redis_log("alert dropped: too large (%zu bytes) or out of memory; %" PRIu64 " dropped so far", len, k);
        return -1;
    }
    struct rcmd_list l = { 0 };
    rcmd_list_push(&l, c);
    return submit(rs, &l);
}

static int collect(void *ctx, struct rcmd *c)
{
    rcmd_list_push(ctx, c);
    return 0;
}

static int rs_ledger(void *st, const struct ledger_update *u)
{
    struct rsink *rs = st;
    struct rcmd_list l = { 0 };
    if (ledger_build(u, rs->prefix, collect, &l) < 0) {
        rcmd_list_clear(&l);
        uint64_t k = INC(ledger_dropped) + 1;
        if (k == 1 || k % DROP_LOG_EVERY == 0)
            sink_redis_log("ledger update dropped: no provider, too large, or out of memory; %" PRIu64 " so far", k);
        return -1;
    }
    return submit(rs, &l);
}

static void rs_heartbeat(void *st, const struct sink_heartbeat *hb)
{
    struct rsink *rs = st;
    pthread_mutex_lock(&rs->mu);
    rs->hb = *hb;
    rs->hb_pending = true;
    pthread_mutex_unlock(&rs->mu);
    outq_wake(rs->q);
}

static void rs_stats(void *st, struct sink_stats *o)
{
    struct rsink *rs = st;
    o->alerts_in = GET(alerts_in);
    o->sent = GET(sent);
    o->ledger_sent = GET(ledger_sent);
    o->spooled = GET(spooled);
    o->spooled_direct = GET(spooled_direct);
    o->replayed = GET(replayed);
    o->dropped = GET(dropped);
    o->ledger_dropped = GET(ledger_dropped);
    o->connects = GET(connects);
    o->reconnects = GET(reconnects);
    o->connect_failures = GET(connect_failures);
    o->auth_failures = GET(auth_failures);
    o->timeouts = GET(timeouts);
    o->io_errors = GET(io_errors);
    o->err_transient = GET(err_transient);
    o->err_rejected = GET(err_rejected);
    o->list_trims = GET(list_trims);
    o->list_trimmed = GET(list_trimmed);
    o->unheard = GET(unheard);
    o->heartbeats = GET(heartbeats);
    o->batches = GET(batches);
    o->connected = atomic_load(&rs->n.connected);
    o->queue_depth = outq_depth(rs->q);
    o->queue_high = outq_high_water(rs->q);
    struct spool_stats ss;
    spool_stats(rs->sp, &ss);
    o->spool_bytes = ss.bytes;
    o->spool_pending = ss.pending_bytes;
    o->spool_torn = ss.torn;
    o->spool_full = ss.full;
    o->spool_io_errors = ss.io_errors;
}

/* ---- open / flush / close ---- */

static void rs_free(struct rsink *rs)
{
    if (!rs) return;
    rcmd_list_clear(&rs->held);
    outq_free(rs->q);
    spool_free(rs->sp);
    redis_url_wipe(&rs->url);
    pthread_mutex_destroy(&rs->mu);
    free(rs->rd_buf);
    free(rs->rd_pos);
    free(rs->status);
    free(rs);
}

static void *rs_open(const struct config *cfg, char *err, size_t errlen)
{
    if (!cfg->redis_url) {
        snprintf(err, errlen, "--redis: no URL given");
        return NULL;
    }
    struct rsink *rs = calloc(1, sizeof *rs);
    if (!rs) {
        snprintf(err, errlen, "redis sink: out of memory");
        return NULL;
    }
    pthread_mutex_init(&rs->mu, NULL);
    if (redis_url_parse(cfg->redis_url, &rs->url, err, errlen) < 0) goto fail;
    if (cfg->redis_password_file) {
        if (redis_url_password_file(&rs->url, cfg->redis_password_file, err, errlen) < 0) goto fail;
    } else {
        redis_url_password_env(&rs->url);
    }
    redis_url_printable(&rs->url, rs->url_print, sizeof rs->url_print);
    const char *m = cfg->redis_mode ? cfg->redis_mode : "list";
    if (strcmp(m, "list") == 0) rs->mode = MODE_LIST;
    else if (strcmp(m, "stream") == 0) rs->mode = MODE_STREAM;
    else if (strcmp(m, "channel") == 0) rs->mode = MODE_CHANNEL;
    else {
        snprintf(err, errlen, "--redis-mode: unknown mode '%.40s' (list, stream or channel)", m);
        goto fail;
    }
    const char *prefix = cfg->redis_prefix && *cfg->redis_prefix ? cfg->redis_prefix : "bleedwatch";
    if (strlen(prefix) > 200) {
        snprintf(err, errlen, "--redis-prefix: longer than 200 bytes");
        goto fail;
    }
    snprintf(rs->prefix, sizeof rs->prefix, "%s", prefix);
    snprintf(rs->key_alerts, sizeof rs->key_alerts, "%s:alerts", prefix);
    char host[128];
    const char *name = cfg->sensor_name;
    if (!name || !*name) {
        if (gethostname(host, sizeof host) < 0) snprintf(host, sizeof host, "sensor");
        host[sizeof host - 1] = 0;
        name = host;
    }
    snprintf(rs->key_sensor, sizeof rs->key_sensor, "%s:sensor:%.200s", prefix, name);
    enum spool_fsync fs;
    if (spool_fsync_parse(cfg->spool_fsync ? cfg->spool_fsync : "batch", &fs) < 0) {
        snprintf(err, errlen, "--spool-fsync: unknown policy '%.40s' (always, batch or never)", cfg->spool_fsync);
        goto fail;
    }
    rs->list_max = cfg->redis_list_max;
    rs->stream_maxlen = cfg->redis_stream_maxlen;
    snprintf(rs->maxlen_arg, sizeof rs->maxlen_arg, "%" PRIu32, rs->stream_maxlen);
    rs->timeout_ms = cfg->redis_timeout_ms ? cfg->redis_timeout_ms : 5000;
    rs->drain_ms = cfg->redis_drain_timeout * 1000u;
    rs->batch = cfg->redis_batch ? cfg->redis_batch : 256;
    if (rs->batch > 10000) rs->batch = 10000;
    rs->hb_ttl = cfg->redis_heartbeat_ttl ? cfg->redis_heartbeat_ttl : 60;
    const char *dir = cfg->spool_dir ? cfg->spool_dir : "/var/lib/bleedwatch/spool";
    snprintf(rs->spool_dir, sizeof rs->spool_dir, "%s", dir);
    rs->sp = spool_open(dir, cfg->spool_max_bytes ? cfg->spool_max_bytes : (1ull << 30), 0, fs, err, errlen);
    if (!rs->sp) goto fail;
    rs->q = outq_new(cfg->redis_queue_max ? cfg->redis_queue_max : 100000,
                     cfg->redis_queue_bytes ? cfg->redis_queue_bytes : (256u << 20));
    rs->rd_buf = calloc(rs->batch, sizeof *rs->rd_buf);
    rs->rd_pos = calloc(rs->batch, sizeof *rs->rd_pos);
    rs->status = calloc(rs->batch, 1);
    if (!rs->q || !rs->rd_buf || !rs->rd_pos || !rs->status) {
        snprintf(err, errlen, "redis sink: out of memory");
        goto fail;
    }
    rs->backoff_ms = BACKOFF_MIN_MS;
    if (!spool_empty(rs->sp)) {
        struct spool_stats ss;
        spool_stats(rs->sp, &ss);
        sink_redis_log("spool %s holds %" PRIu64 " bytes from an earlier run; replaying them first", rs->spool_dir,
               ss.pending_bytes);
    }
    if (pthread_create(&rs->th, NULL, sink_redis_thread_main, rs) != 0) {
        snprintf(err, errlen, "redis sink: cannot start the output thread");
        goto fail;
    }
    rs->th_started = true;
    return rs;
fail:
    rs_free(rs);
    return NULL;
}

static int rs_flush(void *st, unsigned timeout_ms)
{
    struct rsink *rs = st;
    uint64_t end = sink_redis_now_ms() + timeout_ms;
    for (;;) {
        pthread_mutex_lock(&rs->mu);
        unsigned g0 = rs->flush_gen;
        pthread_mutex_unlock(&rs->mu);
        if (outq_depth(rs->q) == 0) {
            /* wait for one more loop of the thread: its batch in hand is settled */
            for (;;) {
                pthread_mutex_lock(&rs->mu);
                unsigned g = rs->flush_gen;
                pthread_mutex_unlock(&rs->mu);
                if (g - g0 >= 2) return 0;
                if (sink_redis_now_ms() >= end) return -1;
                usleep(2000);
            }
        }
        if (sink_redis_now_ms() >= end) return -1;
        usleep(2000);
    }
}

static void rs_close(void *st, struct sink_stats *final)
{
    struct rsink *rs = st;
    if (rs->th_started) {
        pthread_mutex_lock(&rs->mu);
        rs->closing = true;
        rs->deadline_ms = sink_redis_now_ms() + rs->drain_ms;
        pthread_mutex_unlock(&rs->mu);
        outq_wake(rs->q);
        pthread_join(rs->th, NULL);
    }
    if (final) rs_stats(rs, final);
    rs_free(rs);
}

const struct sink_ops sink_redis_ops = {
    .name = "redis",
    .open = rs_open,
    .write_alert = rs_alert,
    .write_ledger = rs_ledger,
    .heartbeat = rs_heartbeat,
    .flush = rs_flush,
    .stats = rs_stats,
    .close = rs_close,
};
