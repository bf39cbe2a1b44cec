/* sink_redis_thread.c -- the Redis sink's output thread.
 *
 * It alone owns the connection. Each turn: connect if needed (AUTH, SELECT,
 * PING; exponential backoff on failure), write a pending heartbeat, then send
 * one pipelined batch from the oldest source: the spool, then commands held
 * in memory after a failure, then the queue. A batch's replies decide what was
 * delivered; the rest goes (back) to the spool. See sink_redis.c and sink.h.
 */
#include "sink_redis_int.h"
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct timeval tv_of(uint32_t ms)
{
    struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };
    return tv;
}

/* ---- connection ---- */

static void disconnect(struct rsink *rs)
{
    if (rs->c) redisFree(rs->c);
    rs->c = NULL;
    atomic_store(&rs->n.connected, false);
    rs->next_try_ms = sink_redis_now_ms() + rs->backoff_ms;
    rs->backoff_ms = rs->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : rs->backoff_ms * 2;
}

static void note_outage(struct rsink *rs, const char *why)
{
    if (rs->outage_logged) return;
    rs->outage_logged = true;
    sink_redis_log("%s: %s; alerts go to the spool %s, retrying with backoff", rs->url_print, why, rs->spool_dir);
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
        if (r && r->type == REDIS_REPLY_ERROR && strstr(r->str, "without any password configured")) {
            /* the server wants no password: it lets us in anyway */
            if (!rs->nopass_logged) {
                rs->nopass_logged = true;
                sink_redis_log("%s: a password is configured but the server has none; continuing without",
                               rs->url_print);
            }
            freeReplyObject(r);
            r = NULL;
        } else if (!r || r->type == REDIS_REPLY_ERROR) {
            INC(connect_failures);
            if (r) {
                INC(auth_failures);
                if (!rs->auth_logged) {
                    rs->auth_logged = true;
                    rs->outage_logged = true;
                    sink_redis_log("%s: authentication failed (%.120s); alerts go to the spool %s, retrying with backoff",
                           rs->url_print, r->str, rs->spool_dir);
                }
            } else {
                note_outage(rs, "connection lost during AUTH");
            }
            if (r) freeReplyObject(r);
            disconnect(rs);
            return false;
        } else {
            freeReplyObject(r);
        }
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
        errno = 0;
        redisReply *r = run(rs, 1, argv, lens);
        int e = errno;
        if (!r || r->type == REDIS_REPLY_ERROR) {
            bool timeout = rs->c->err == REDIS_ERR_IO && (e == EAGAIN || e == EWOULDBLOCK);
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
    sink_redis_log("%.*s rejected (%.160s); counted, not retried (logged once per error code)", (int)c->argvlen[0],
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

/* A batch went through: the outage (if one was reported) is over. The end
 * is reported here rather than at connect time, so a server that accepts
 * connections but refuses writes (OOM, READONLY...) is one outage, not one
 * message per reconnect. */
static void note_delivered(struct rsink *rs)
{
    /* the backoff restarts only once Redis takes writes again, not when it
     * merely accepts a connection (a server answering OOM to every write
     * would otherwise be retried every 100 ms) */
    rs->backoff_ms = BACKOFF_MIN_MS;
    if (!rs->outage_logged) return;
    sink_redis_log("%s: delivering again", rs->url_print);
    rs->outage_logged = false;
    rs->auth_logged = false;
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
        sink_redis_log("at exit: %" PRIu64 " alerts and %" PRIu64 " ledger commands dropped: Redis unavailable and the "
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
                                         "transactions", "alerts", "caps_hit", "truncated_packets",
                                         "gap_bytes_loss", "gap_bytes_snaplen", "sent", "spooled", "dropped",
                                         "updated" };
    enum { NF = sizeof names / sizeof names[0] };
    uint64_t vals[NF] = { hb.packets, hb.bytes, hb.pcap_drops, hb.decode_errors, hb.flows, hb.transactions,
                          hb.alerts, hb.caps_hit, hb.truncated_packets, hb.gap_bytes_loss,
                          hb.gap_bytes_snaplen, GET(sent), GET(spooled), GET(dropped), (uint64_t)time(NULL) };
    char num[NF][24];
    const char *argv[2 + 2 * NF];
    size_t lens[2 + 2 * NF];
    argv[0] = "HSET"; lens[0] = 4;
    argv[1] = rs->key_sensor; lens[1] = strlen(rs->key_sensor);
    for (int i = 0; i < NF; i++) {
        snprintf(num[i], sizeof num[i], "%" PRIu64, vals[i]);
        argv[2 + 2 * i] = names[i]; lens[2 + 2 * i] = strlen(names[i]);
        argv[3 + 2 * i] = num[i]; lens[3 + 2 * i] = strlen(num[i]);
    }
    char ttl[16];
    snprintf(ttl, sizeof ttl, "%" PRIu32, rs->hb_ttl);
    const char *ex[3] = { "EXPIRE", rs->key_sensor, ttl };
    size_t exl[3] = { 6, strlen(rs->key_sensor), strlen(ttl) };
    redisAppendCommandArgv(rs->c, 2 + 2 * NF, argv, lens);
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
            if (keep) note_delivered(rs);
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
    if (keep) note_delivered(rs);
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

void *sink_redis_thread_main(void *arg)
{
    struct rsink *rs = arg;
    bool saw_close = false;
    /* a write to a connection the server dropped must fail with EPIPE, not
     * kill the sensor: SIGPIPE stays blocked (and pending) in this thread */
    sigset_t sigpipe_set;
    sigemptyset(&sigpipe_set);
    sigaddset(&sigpipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &sigpipe_set, NULL);
    for (;;) {
        pthread_mutex_lock(&rs->mu);
        bool closing = rs->closing;
        uint64_t deadline = rs->deadline_ms;
        rs->flush_gen++;
        pthread_mutex_unlock(&rs->mu);
        uint64_t now = sink_redis_now_ms();
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
