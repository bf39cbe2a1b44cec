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
 */
#include "config.h"
#include "outq.h"
#include "redis_url.h"
#include "sink.h"
#include "spool.h"
#include <errno.h>
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BACKOFF_MIN_MS 100u
#define BACKOFF_MAX_MS 5000u
#define IDLE_WAIT_MS 100u
#define DROP_LOG_EVERY 1000u
#define MAX_LOGGED_CODES 16
#define KEY_CAP 512

enum mode { MODE_LIST, MODE_STREAM, MODE_CHANNEL };

/* Counters written by several threads: relaxed atomics. */
struct counters {
    atomic_uint_fast64_t alerts_in, sent, ledger_sent, spooled, spooled_direct, replayed, dropped,
        ledger_dropped, connects, reconnects, connect_failures, auth_failures, timeouts, io_errors,
        err_transient, err_rejected, list_trims, list_trimmed, unheard, heartbeats, batches;
    atomic_bool connected;
};

#define INC(f) atomic_fetch_add_explicit(&rs->n.f, 1, memory_order_relaxed)
#define ADD(f, v) atomic_fetch_add_explicit(&rs->n.f, (v), memory_order_relaxed)
#define GET(f) atomic_load_explicit(&rs->n.f, memory_order_relaxed)

struct rsink {
    /* settings, read-only once the thread runs */
    struct redis_url url;
    char url_print[REDIS_URL_HOST_MAX + 64];
    enum mode mode;
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

    struct counters n;

    /* output thread only */
    redisContext *c;
    struct rcmd_list held;
    uint32_t backoff_ms;
    uint64_t next_try_ms;
    bool outage_logged;       /* an outage message was printed, not yet its end */
    bool auth_logged;
    char logged_codes[MAX_LOGGED_CODES][24];
    unsigned n_logged_codes;
    struct rcmd **rd_buf;     /* spool read scratch, batch entries */
    struct spool_pos *rd_pos;
    uint8_t *status;          /* per command of a batch */
};

/* ---- small helpers ---- */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
    char line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "bleedwatch: redis: %s\n", line);
}

static struct timeval tv_of(uint32_t ms)
{
    struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };
    return tv;
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
                logmsg("alert dropped: memory queue full and spool refused it (%s); %" PRIu64 " dropped so far",
                       e == ENOSPC ? "spool full" : strerror(e), k);
        } else {
            k = INC(ledger_dropped) + 1;
            if (k == 1 || k % DROP_LOG_EVERY == 0)
                logmsg("ledger command dropped: memory queue full and spool refused it (%s); %" PRIu64
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
            logmsg("alert dropped: too large (%zu bytes) or out of memory; %" PRIu64 " dropped so far", len, k);
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
            logmsg("ledger update dropped: no provider, too large, or out of memory; %" PRIu64 " so far", k);
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

/* ---- connection ---- */

static void disconnect(struct rsink *rs)
{
    if (rs->c) redisFree(rs->c);
    rs->c = NULL;
    atomic_store(&rs->n.connected, false);
    rs->next_try_ms = now_ms() + rs->backoff_ms;
    rs->backoff_ms = rs->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : rs->backoff_ms * 2;
}

static void note_outage(struct rsink *rs, const char *why)
{
    if (rs->outage_logged) return;
    rs->outage_logged = true;
    logmsg("%s: %s; alerts go to the spool %s, retrying with backoff", rs->url_print, why, rs->spool_dir);
}

/* Run one command synchronously; returns the reply or NULL (connection lost). */
static redisReply *run(struct rsink *rs, int argc, const char **argv, const size_t *lens)
{
    if (redisAppendCommandArgv(rs->c, argc, argv, lens) != REDIS_OK) return NULL;
    void *r = NULL;
    if (redisGetReply(rs->c, &r) != REDIS_OK) return NULL;
    return r;
}

/* Connect, AUTH, SELECT. On failure: counted, logged once per outage, backoff. */
static bool try_connect(struct rsink *rs)
{
    struct timeval tv = tv_of(rs->timeout_ms);
    redisContext *c = rs->url.kind == REDIS_URL_UNIX ? redisConnectUnixWithTimeout(rs->url.path, tv)
                                                     : redisConnectWithTimeout(rs->url.host, rs->url.port, tv);
    if (!c || c->err) {
        char why[160];
        snprintf(why, sizeof why, "cannot connect (%s)", c ? c->errstr : "out of memory");
        if (c) redisFree(c);
        INC(connect_failures);
        note_outage(rs, why);
        rs->c = NULL;
        disconnect(rs);
        return false;
    }
    rs->c = c;
    redisSetTimeout(c, tv);
    if (rs->url.has_password) {
        const char *argv[3] = { "AUTH", rs->url.user, rs->url.password };
        size_t lens[3] = { 4, strlen(rs->url.user), strlen(rs->url.password) };
        int argc = 3;
        if (!rs->url.user[0]) {
            argv[1] = rs->url.password;
            lens[1] = lens[2];
            argc = 2;
        }
        redisReply *r = run(rs, argc, argv, lens);
        if (!r || r->type == REDIS_REPLY_ERROR) {
            INC(connect_failures);
            if (r) {
                INC(auth_failures);
                if (!rs->auth_logged) {
                    rs->auth_logged = true;
                    rs->outage_logged = true;
                    logmsg("%s: authentication failed (%.120s); alerts go to the spool %s, retrying with backoff",
                           rs->url_print, r->str, rs->spool_dir);
                }
            } else {
                note_outage(rs, "connection lost during AUTH");
            }
            if (r) freeReplyObject(r);
            disconnect(rs);
            return false;
        }
        freeReplyObject(r);
    }
    if (rs->url.db) {
        char db[16];
        snprintf(db, sizeof db, "%" PRIu32, rs->url.db);
        const char *argv[2] = { "SELECT", db };
        size_t lens[2] = { 6, strlen(db) };
        redisReply *r = run(rs, 2, argv, lens);
        if (!r || r->type == REDIS_REPLY_ERROR) {
            INC(connect_failures);
            char why[200];
            snprintf(why, sizeof why, "SELECT %s failed (%.120s)", db, r ? r->str : "connection lost");
            note_outage(rs, why);
            if (r) freeReplyObject(r);
            disconnect(rs);
            return false;
        }
        freeReplyObject(r);
    }
    if (!rs->url.has_password && !rs->url.db) {
        /* a stopped or hung server still completes the TCP handshake: ask it
         * something before trusting it with a batch (which would then be in
         * flight, and re-sent, when the reply times out) */
        const char *argv[1] = { "PING" };
        size_t lens[1] = { 4 };
        redisReply *r = run(rs, 1, argv, lens);
        if (!r || r->type == REDIS_REPLY_ERROR) {
            bool timeout = rs->c->err == REDIS_ERR_IO;
            INC(connect_failures);
            if (!r && timeout) INC(timeouts);
            char why[200];
            snprintf(why, sizeof why, "PING failed (%.120s)", r ? r->str : rs->c->errstr);
            note_outage(rs, why);
            if (r) freeReplyObject(r);
            disconnect(rs);
            return false;
        }
        freeReplyObject(r);
    }
    if (INC(connects) > 0) INC(reconnects);
    if (rs->outage_logged) logmsg("%s: connected again", rs->url_print);
    rs->outage_logged = false;
    rs->auth_logged = false;
    rs->backoff_ms = BACKOFF_MIN_MS;
    atomic_store(&rs->n.connected, true);
    return true;
}

/* ---- replies ---- */

/* Error codes that mean "not now": spool and retry later. */
static bool transient_error(const char *s)
{
    static const char *const codes[] = { "OOM", "READONLY", "LOADING", "MASTERDOWN", "BUSY", "NOAUTH",
                                         "WRONGPASS", "NOPERM", "MISCONF", "TRYAGAIN", "CLUSTERDOWN",
                                         "NOREPLICAS", "MASTER_LINK_DOWN", NULL };
    size_t n = strcspn(s, " ");
    for (int i = 0; codes[i]; i++)
        if (strlen(codes[i]) == n && strncmp(s, codes[i], n) == 0) return true;
    return false;
}

/* Log a rejected command once per error code. */
static void note_rejected(struct rsink *rs, const struct rcmd *c, const char *err)
{
    INC(err_rejected);
    size_t n = strcspn(err, " ");
    if (n > 23) n = 23;
    for (unsigned i = 0; i < rs->n_logged_codes; i++)
        if (strlen(rs->logged_codes[i]) == n && strncmp(rs->logged_codes[i], err, n) == 0) return;
    if (rs->n_logged_codes < MAX_LOGGED_CODES) {
        memcpy(rs->logged_codes[rs->n_logged_codes], err, n);
        rs->logged_codes[rs->n_logged_codes++][n] = 0;
    }
    logmsg("%.*s rejected (%.160s); counted, not retried (logged once per error code)", (int)c->argvlen[0],
           c->argv[0], err);
}

enum { ST_OK, ST_UNDELIVERED };

/* Send the commands of b as one pipeline and read every reply. Sets
 * rs->status[i]; returns false if the connection must be dropped (I/O error,
 * timeout, or a "not now" reply). */
static bool send_batch(struct rsink *rs, struct rcmd_list *b)
{
    size_t n = b->n, i = 0;
    long long max_len = -1;
    const char *len_key = NULL;
    size_t len_key_n = 0;
    bool keep = true;
    INC(batches);
    for (struct rcmd *c = b->head; c; c = c->next)
        if (redisAppendCommandArgv(rs->c, (int)c->argc, c->argv, c->argvlen) != REDIS_OK) break;
    struct rcmd *c = b->head;
    for (i = 0; i < n; i++, c = c->next) {
        void *rv = NULL;
        errno = 0;
        int rc = rs->c->err ? REDIS_ERR : redisGetReply(rs->c, &rv);
        int e = errno;
        if (rc != REDIS_OK || !rv) {
            bool timeout = rs->c->err == REDIS_ERR_IO && (e == EAGAIN || e == EWOULDBLOCK);
            if (timeout) INC(timeouts);
            else INC(io_errors);
            char why[160];
            snprintf(why, sizeof why, "%s (%s)", timeout ? "reply timeout" : "connection lost",
                     rs->c->errstr[0] ? rs->c->errstr : "no reply");
            note_outage(rs, why);
            keep = false;
            break;
        }
        redisReply *r = rv;
        rs->status[i] = ST_OK;
        if (r->type == REDIS_REPLY_ERROR) {
            if (transient_error(r->str)) {
                INC(err_transient);
                rs->status[i] = ST_UNDELIVERED;
                if (keep) {
                    char why[160];
                    snprintf(why, sizeof why, "not accepting writes now (%.100s)", r->str);
                    note_outage(rs, why);
                }
                keep = false;
            } else {
                note_rejected(rs, c, r->str);
            }
        } else if (r->type == REDIS_REPLY_INTEGER) {
            if (c->argvlen[0] == 5 && memcmp(c->argv[0], "RPUSH", 5) == 0 && r->integer > max_len) {
                max_len = r->integer;
                len_key = c->argv[1];
                len_key_n = c->argvlen[1];
            } else if (c->argvlen[0] == 7 && memcmp(c->argv[0], "PUBLISH", 7) == 0 && r->integer == 0) {
                INC(unheard);
            }
        }
        freeReplyObject(r);
    }
    for (; i < n; i++) rs->status[i] = ST_UNDELIVERED;
    /* the list cap: trim only when it bites, and count it */
    if (keep && rs->list_max && len_key && max_len > (long long)rs->list_max) {
        char start[24];
        snprintf(start, sizeof start, "-%" PRIu32, rs->list_max);
        const char *argv[4] = { "LTRIM", len_key, start, "-1" };
        size_t lens[4] = { 5, len_key_n, strlen(start), 2 };
        redisReply *r = run(rs, 4, argv, lens);
        if (r && r->type != REDIS_REPLY_ERROR) {
            INC(list_trims);
            ADD(list_trimmed, (uint64_t)(max_len - (long long)rs->list_max));
        }
        if (r) freeReplyObject(r);
        else keep = false;
    }
    return keep;
}

/* Count delivered commands of b and free them; undelivered stay in b in order.
 * Returns the length of the delivered prefix. */
static size_t settle(struct rsink *rs, struct rcmd_list *b, bool from_spool)
{
    struct rcmd_list rest = { 0 };
    size_t i = 0, prefix = 0;
    bool in_prefix = true;
    while (b->n) {
        struct rcmd *c = rcmd_list_pop(b);
        if (rs->status[i] == ST_OK) {
            if (in_prefix) prefix++;
            if (c->kind == RCMD_ALERT) INC(sent);
            else INC(ledger_sent);
            if (from_spool) INC(replayed);
            rcmd_free(c);
        } else {
            in_prefix = false;
            rcmd_list_push(&rest, c);
        }
        i++;
    }
    *b = rest;
    return prefix;
}

/* ---- moving things to the spool ---- */

/* Append held commands to the spool; what fits leaves held. */
static void spill_held(struct rsink *rs)
{
    if (!rs->held.n) return;
    size_t done = spool_append(rs->sp, rs->held.head, rs->held.n, NULL);
    ADD(spooled, done);
    for (size_t i = 0; i < done; i++) rcmd_free(rcmd_list_pop(&rs->held));
}

/* Move queued commands to the spool (only when nothing is held, to keep the
 * order). Commands the spool refuses go back to the head of the queue. */
static void spill_queue(struct rsink *rs)
{
    if (rs->held.n) return;
    for (;;) {
        struct rcmd_list b = { 0 };
        if (!outq_pop(rs->q, &b, rs->batch, 0)) return;
        size_t done = spool_append(rs->sp, b.head, b.n, NULL);
        ADD(spooled, done);
        for (size_t i = 0; i < done; i++) rcmd_free(rcmd_list_pop(&b));
        if (b.n) {
            outq_unpop(rs->q, &b);
            return;
        }
    }
}

/* At the end: everything still in memory to the spool; the rest is lost. */
static void final_spill(struct rsink *rs)
{
    spill_held(rs);
    spill_queue(rs);
    struct rcmd_list rest = { 0 };
    rcmd_list_concat(&rest, &rs->held);
    while (outq_pop(rs->q, &rest, SIZE_MAX, 0)) {}
    uint64_t alerts = 0, ledger = 0;
    for (struct rcmd *c = rest.head; c; c = c->next) {
        if (c->kind == RCMD_ALERT) alerts++;
        else ledger++;
    }
    if (alerts || ledger) {
        ADD(dropped, alerts);
        ADD(ledger_dropped, ledger);
        logmsg("at exit: %" PRIu64 " alerts and %" PRIu64 " ledger commands dropped: Redis unavailable and the "
               "spool %s full", alerts, ledger, rs->spool_dir);
    }
    rcmd_list_clear(&rest);
}

/* ---- the output thread ---- */

static void send_heartbeat(struct rsink *rs)
{
    pthread_mutex_lock(&rs->mu);
    bool pending = rs->hb_pending;
    struct sink_heartbeat hb = rs->hb;
    rs->hb_pending = false;
    pthread_mutex_unlock(&rs->mu);
    if (!pending) return;
    static const char *const names[] = { "packets", "bytes", "pcap_drops", "decode_errors", "flows",
                                         "transactions", "alerts", "sent", "spooled", "dropped", "updated" };
    uint64_t vals[11] = { hb.packets, hb.bytes, hb.pcap_drops, hb.decode_errors, hb.flows, hb.transactions,
                          hb.alerts, GET(sent), GET(spooled), GET(dropped), (uint64_t)time(NULL) };
    char num[11][24];
    const char *argv[2 + 22];
    size_t lens[2 + 22];
    argv[0] = "HSET"; lens[0] = 4;
    argv[1] = rs->key_sensor; lens[1] = strlen(rs->key_sensor);
    for (int i = 0; i < 11; i++) {
        snprintf(num[i], sizeof num[i], "%" PRIu64, vals[i]);
        argv[2 + 2 * i] = names[i]; lens[2 + 2 * i] = strlen(names[i]);
        argv[3 + 2 * i] = num[i]; lens[3 + 2 * i] = strlen(num[i]);
    }
    char ttl[16];
    snprintf(ttl, sizeof ttl, "%" PRIu32, rs->hb_ttl);
    const char *ex[3] = { "EXPIRE", rs->key_sensor, ttl };
    size_t exl[3] = { 6, strlen(rs->key_sensor), strlen(ttl) };
    redisAppendCommandArgv(rs->c, 24, argv, lens);
    redisAppendCommandArgv(rs->c, 3, ex, exl);
    bool ok = true;
    for (int i = 0; i < 2; i++) {
        void *r = NULL;
        if (redisGetReply(rs->c, &r) != REDIS_OK || !r) {
            ok = false;
            break;
        }
        if (((redisReply *)r)->type == REDIS_REPLY_ERROR) ok = false;
        freeReplyObject(r);
    }
    if (ok) INC(heartbeats);
    if (rs->c->err) disconnect(rs);
}

/* One step with a connection: spool first, then held, then the queue.
 * Returns true if it did something. */
static bool step_connected(struct rsink *rs, unsigned wait_ms)
{
    if (!spool_empty(rs->sp)) {
        spill_held(rs);
        spill_queue(rs);
        size_t k = spool_read(rs->sp, rs->rd_buf, rs->rd_pos, rs->batch, 4u << 20);
        if (k) {
            struct rcmd_list b = { 0 };
            for (size_t i = 0; i < k; i++) rcmd_list_push(&b, rs->rd_buf[i]);
            bool keep = send_batch(rs, &b);
            size_t prefix = settle(rs, &b, true);
            if (prefix) spool_commit(rs->sp, &rs->rd_pos[prefix - 1]);
            rcmd_list_clear(&b);    /* undelivered ones are still in the spool */
            if (!keep) disconnect(rs);
            return true;
        }
    }
    struct rcmd_list b = { 0 };
    if (rs->held.n) {
        while (b.n < rs->batch && rs->held.n) rcmd_list_push(&b, rcmd_list_pop(&rs->held));
    } else if (!outq_pop(rs->q, &b, rs->batch, wait_ms)) {
        return false;
    }
    bool keep = send_batch(rs, &b);
    settle(rs, &b, false);
    if (b.n) {
        /* undelivered: ahead of anything held, then try the spool */
        rcmd_list_concat(&b, &rs->held);
        rs->held = b;
        spill_held(rs);
    }
    if (!keep) disconnect(rs);
    return true;
}

static bool all_done(struct rsink *rs)
{
    return !rs->held.n && outq_depth(rs->q) == 0 && spool_empty(rs->sp);
}

static void *thread_main(void *arg)
{
    struct rsink *rs = arg;
    bool saw_close = false;
    for (;;) {
        pthread_mutex_lock(&rs->mu);
        bool closing = rs->closing;
        uint64_t deadline = rs->deadline_ms;
        rs->flush_gen++;
        pthread_mutex_unlock(&rs->mu);
        uint64_t now = now_ms();
        if (closing && !saw_close) {
            saw_close = true;
            rs->next_try_ms = now;   /* one more try right away, whatever the backoff */
        }
        if (closing && now >= deadline) {
            final_spill(rs);
            break;
        }
        if (!rs->c) {
            if (closing && !rs->held.n && outq_depth(rs->q) == 0 && spool_empty(rs->sp)) break;
            if (now >= rs->next_try_ms) try_connect(rs);
            if (!rs->c) {
                /* away: keep everything durable meanwhile */
                spill_held(rs);
                spill_queue(rs);
                uint64_t wait = rs->next_try_ms > now ? rs->next_try_ms - now : 0;
                if (wait > IDLE_WAIT_MS) wait = IDLE_WAIT_MS;
                if (wait && outq_depth(rs->q) == 0) {
                    /* sleep until a push (to spool it at once) or the next try */
                    struct rcmd_list b = { 0 };
                    if (outq_pop(rs->q, &b, rs->batch, (unsigned)wait)) outq_unpop(rs->q, &b);
                } else if (wait) {
                    usleep((useconds_t)wait * 1000u);   /* the spool is full: nothing to do but wait */
                }
                continue;
            }
        }
        send_heartbeat(rs);
        if (!rs->c) continue;
        if (closing && all_done(rs)) break;
        step_connected(rs, closing ? 0 : IDLE_WAIT_MS);
    }
    if (rs->c) redisFree(rs->c);
    rs->c = NULL;
    atomic_store(&rs->n.connected, false);
    return NULL;
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
        logmsg("spool %s holds %" PRIu64 " bytes from an earlier run; replaying them first", rs->spool_dir,
               ss.pending_bytes);
    }
    if (pthread_create(&rs->th, NULL, thread_main, rs) != 0) {
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
    uint64_t end = now_ms() + timeout_ms;
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
                if (now_ms() >= end) return -1;
                usleep(2000);
            }
        }
        if (now_ms() >= end) return -1;
        usleep(2000);
    }
}

static void rs_close(void *st, struct sink_stats *final)
{
    struct rsink *rs = st;
    if (rs->th_started) {
        pthread_mutex_lock(&rs->mu);
        rs->closing = true;
        rs->deadline_ms = now_ms() + rs->drain_ms;
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
