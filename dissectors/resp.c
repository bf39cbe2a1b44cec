/* resp.c -- the Redis dissector: RESP2/RESP3 and inline commands, pipelined
 * replies matched to their commands in order, authentication per connection,
 * replies to reads rendered as JSON transactions (method = command, uri =
 * "db<N>/<key or pattern>", app_proto "redis").
 *
 * Reads: GET-family, MGET, HGET/HGETALL/HMGET/HVALS/HKEYS, LRANGE/LINDEX/LPOP,
 * SMEMBERS/SRANDMEMBER/SPOP/SINTER/SUNION/SDIFF, ZRANGE-family, XRANGE/
 * XREVRANGE/XREAD, SCAN-family, KEYS, DUMP, SORT, JSON.GET. Writes (SET,
 * RPUSH, XADD, PUBLISH, HSET, PFADD... as the sensor's own Redis sink sends)
 * never become transactions, so their replies never reach the PII engine.
 *
 * Authentication: AUTH, or HELLO with AUTH, answered without an error marks
 * the connection authenticated; -NOAUTH (and RESET) marks it not. SELECT
 * answered +OK changes the database number. After SUBSCRIBE/MONITOR the
 * server's messages no longer answer commands: matching stops.
 */
#include "resp.h"
#include "config.h"
#include "cursor.h"
#include "dissect.h"
#include "txn.h"
#include "wire_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    RC_COMMANDS, RC_REPLIES, RC_TXNS, RC_PUSH, RC_BAD_COMMAND, RC_BAD_REPLY, RC_TOO_BIG,
    RC_PIPELINE_OVERFLOW, RC_ORPHAN_REPLY, RC_AUTH_OK, RC_AUTH_FAILED, RC_NOAUTH, RC_GAP_GAVE_UP,
    RC_JSON_CAPPED, RC_DEPTH_CAPPED, RC_ELEMS_CAPPED, RC_LINE_CAPPED, RC_UNANSWERED, RC_PUBSUB, RC_OOM, RC__COUNT
};

static const char *const counter_names[RC__COUNT] = {
    "commands", "replies", "transactions", "push", "bad_command", "bad_reply", "too_big",
    "pipeline_overflow", "orphan_reply", "auth_ok", "auth_failed", "noauth", "gap_gave_up",
    "json_capped", "depth_capped", "elems_capped", "line_capped", "unanswered", "pubsub", "oom",
};

enum rkind { RK_OTHER = 0, RK_READ, RK_AUTH, RK_SELECT, RK_RESET, RK_PUBSUB };

/* Which argument names the resource, and how the reply is laid out. */
enum rres { RR_KEY = 0, RR_PATTERN, RR_MATCH, RR_NONE };
struct readcmd {
    const char *name;
    uint8_t res;            /* enum rres */
    uint8_t mode;           /* enum resp_render_mode */
    uint8_t wrap;           /* 1: {key: value}, 2: {field (arg 2): value} */
};

static const struct readcmd reads[] = {
    { "GET", RR_KEY, RESP_R_PLAIN, 1 }, { "GETDEL", RR_KEY, RESP_R_PLAIN, 1 },
    { "GETEX", RR_KEY, RESP_R_PLAIN, 1 }, { "GETSET", RR_KEY, RESP_R_PLAIN, 1 },
    { "GETRANGE", RR_KEY, RESP_R_PLAIN, 1 }, { "SUBSTR", RR_KEY, RESP_R_PLAIN, 1 },
    { "MGET", RR_KEY, RESP_R_NAMED, 0 }, { "HGET", RR_KEY, RESP_R_PLAIN, 2 },
    { "HGETALL", RR_KEY, RESP_R_PAIRS, 0 }, { "HMGET", RR_KEY, RESP_R_NAMED, 0 },
    { "HVALS", RR_KEY, RESP_R_PLAIN, 0 }, { "HKEYS", RR_KEY, RESP_R_PLAIN, 0 },
    { "HRANDFIELD", RR_KEY, RESP_R_PLAIN, 0 }, { "LRANGE", RR_KEY, RESP_R_PLAIN, 0 },
    { "LINDEX", RR_KEY, RESP_R_PLAIN, 1 }, { "LPOP", RR_KEY, RESP_R_PLAIN, 0 },
    { "RPOP", RR_KEY, RESP_R_PLAIN, 0 }, { "LPOS", RR_KEY, RESP_R_PLAIN, 0 },
    { "SMEMBERS", RR_KEY, RESP_R_PLAIN, 0 }, { "SRANDMEMBER", RR_KEY, RESP_R_PLAIN, 0 },
    { "SPOP", RR_KEY, RESP_R_PLAIN, 0 }, { "SINTER", RR_KEY, RESP_R_PLAIN, 0 },
    { "SUNION", RR_KEY, RESP_R_PLAIN, 0 }, { "SDIFF", RR_KEY, RESP_R_PLAIN, 0 },
    { "ZRANGE", RR_KEY, RESP_R_PLAIN, 0 }, { "ZREVRANGE", RR_KEY, RESP_R_PLAIN, 0 },
    { "ZRANGEBYSCORE", RR_KEY, RESP_R_PLAIN, 0 }, { "ZREVRANGEBYSCORE", RR_KEY, RESP_R_PLAIN, 0 },
    { "ZRANGEBYLEX", RR_KEY, RESP_R_PLAIN, 0 }, { "XRANGE", RR_KEY, RESP_R_STREAM, 0 },
    { "XREVRANGE", RR_KEY, RESP_R_STREAM, 0 }, { "XREAD", RR_NONE, RESP_R_PLAIN, 0 },
    { "SCAN", RR_MATCH, RESP_R_PLAIN, 0 }, { "HSCAN", RR_KEY, RESP_R_PLAIN, 0 },
    { "SSCAN", RR_KEY, RESP_R_PLAIN, 0 }, { "ZSCAN", RR_KEY, RESP_R_PLAIN, 0 },
    { "KEYS", RR_PATTERN, RESP_R_PLAIN, 0 }, { "DUMP", RR_KEY, RESP_R_PLAIN, 1 },
    { "SORT", RR_KEY, RESP_R_PLAIN, 0 }, { "JSON.GET", RR_KEY, RESP_R_PLAIN, 0 },
};

struct rpend {
    uint8_t kind;           /* enum rkind */
    uint8_t mode, wrap;
    int64_t db_arg;         /* SELECT */
    uint32_t req_len;
    struct timeval ts;
    char name[20];
    char res[200];          /* "db<N>/<key>" */
    char wrapkey[128];
    /* RESP_R_NAMED: the keys (MGET) or fields (HMGET) asked for, back to back */
    char names[256];
    uint8_t name_len[RESP_MAX_ARGS];
    uint8_t nnames;
};

struct rdir {
    uint8_t *buf;
    size_t cap, len;
    size_t need;            /* do not rescan before the buffer holds this many bytes */
    uint64_t skip;
    bool dead;
};

struct resp_state {
    struct rdir d[2];
    struct rpend *q;        /* FIFO of commands awaiting replies: a ring of qcap slots,
                             * grown on demand up to RESP_PENDING and freed when it
                             * empties, so an idle connection (a client's pool holds
                             * many) keeps none */
    unsigned head, n, qcap;
    uint64_t untracked;     /* commands past a full FIFO: answered after it, not rendered */
    uint8_t reply_mode;     /* CLIENT REPLY: 0 on, 1 off, 2 skip the next command */
    int client_dir;
    bool role_known;
    bool authed;
    bool unmatched;         /* pub/sub, MONITOR or lost sync: replies no longer answer commands */
    int64_t db;
    struct resp_scan_stats ss;
    struct resp_scanner *sc;    /* a reply still arriving, or NULL (see reply_scan) */
};

static void cnt(const struct dissect_env *env, unsigned i)
{
    if (env->counters) env->counters[i]++;
}

/* The caps of the configuration on one value or command. */
static struct resp_limits resp_lim(const struct dissect_env *env)
{
    struct resp_limits lim = { env->cfg->resp_max_depth, env->cfg->resp_max_elements, env->cfg->resp_max_line };
    return lim;
}

/* ---- probe ---- */

/* p[0..n) equals the first n bytes of s, ignoring ASCII case. */
static bool ci_prefix(const uint8_t *p, size_t n, const char *s)
{
    if (strlen(s) < n) return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t a = p[i], b = (uint8_t)s[i];
        if (a >= 'a' && a <= 'z') a = (uint8_t)(a - 32);
        if (a != b) return false;
    }
    return true;
}

static const char *const inline_names[] = {
    "PING", "AUTH", "HELLO", "GET", "SET", "KEYS", "INFO", "SELECT", "SCAN", "HGETALL", "MGET", "CONFIG",
    "CLIENT", "COMMAND", "EXISTS", "DEL", "QUIT", "FLUSHALL", "FLUSHDB", "DBSIZE", "TYPE", "TTL", "LRANGE",
    "SMEMBERS", "HGET", "ECHO", "MONITOR", "SUBSCRIBE", "SLAVEOF", "REPLICAOF", "SAVE", "EVAL", "MODULE",
    NULL
};

static bool digits_crlf(const uint8_t *p, size_t len, size_t *end, bool *partial)
{
    size_t i = 0;
    if (i < len && p[i] == '-') i++;
    size_t d = i;
    while (i < len && i < d + 12 && p[i] >= '0' && p[i] <= '9') i++;
    *partial = i == len;
    if (i == d && !*partial) return false;
    if (i < len && p[i] != '\r') return false;
    if (i + 1 < len && p[i + 1] != '\n') return false;
    *partial = i + 2 > len;
    *end = i + 2;
    return true;
}

static enum probe_result resp_probe(const uint8_t *p, size_t len, int dir)
{
    (void)dir;
    if (!len) return PROBE_MAYBE;
    size_t end;
    bool partial;
    switch (p[0]) {
    case '*':
        if (!digits_crlf(p + 1, len - 1, &end, &partial)) return PROBE_NO;
        if (partial) return PROBE_MAYBE;
        if (len < end + 2) return PROBE_MAYBE;
        /* a command: bulk strings follow; a reply array may hold anything RESP */
        return p[1 + end] == '$' || p[1 + end] == ':' || p[1 + end] == '*' ? PROBE_YES : PROBE_NO;
    case '$': case ':':
        if (!digits_crlf(p + 1, len - 1, &end, &partial)) return PROBE_NO;
        return partial ? PROBE_MAYBE : PROBE_YES;
    case '+': {
        static const char *const ok[] = { "+OK\r\n", "+PONG\r\n", "+QUEUED\r\n", NULL };
        for (unsigned i = 0; ok[i]; i++) {
            size_t n = strlen(ok[i]);
            size_t m = len < n ? len : n;
            if (memcmp(p, ok[i], m) == 0) return len < n ? PROBE_MAYBE : PROBE_YES;
        }
        return PROBE_NO;
    }
    case '-': {
        static const char *const errs[] = { "-ERR ", "-NOAUTH ", "-WRONGPASS ", "-NOPERM ", "-WRONGTYPE ",
                                            "-MOVED ", "-LOADING ", "-DENIED ", NULL };
        for (unsigned i = 0; errs[i]; i++) {
            size_t n = strlen(errs[i]);
            size_t m = len < n ? len : n;
            if (memcmp(p, errs[i], m) == 0) return len < n ? PROBE_MAYBE : PROBE_YES;
        }
        return PROBE_NO;
    }
    default: {
        /* inline command: a known name, then a blank or the line's end */
        size_t w = 0;
        while (w < len && w < 12 && p[w] != ' ' && p[w] != '\r' && p[w] != '\n') w++;
        if (w == len && w < 12) {
            for (unsigned i = 0; inline_names[i]; i++)
                if (ci_prefix(p, w, inline_names[i])) return PROBE_MAYBE;
            return PROBE_NO;
        }
        bool known = false;
        for (unsigned i = 0; inline_names[i] && !known; i++)
            known = strlen(inline_names[i]) == w && ci_prefix(p, w, inline_names[i]);
        if (!known) return PROBE_NO;
        /* the whole line, and not an HTTP request line ("GET / HTTP/1.1") */
        const uint8_t *nl = memchr(p, '\n', len);
        if (!nl) return len < 1024 ? PROBE_MAYBE : PROBE_NO;
        for (const uint8_t *q = p; q + 5 <= nl; q++)
            if (memcmp(q, "HTTP/", 5) == 0) return PROBE_NO;
        return PROBE_YES;
    }
    }
}

/* ---- commands ---- */

static bool name_is(struct bytes b, const char *s) { return bytes_ieq(b, s); }

static void set_res(struct resp_state *s, struct rpend *pd, struct bytes what)
{
    snprintf(pd->res, sizeof pd->res, "db%lld/%.*s", (long long)s->db, (int)(what.len < 180 ? what.len : 180),
             what.len ? (const char *)what.p : "");
}

static void on_command(struct resp_state *s, const struct resp_cmd *cmd, uint32_t wire_len,
                       const struct dissect_env *env)
{
    cnt(env, RC_COMMANDS);
    if (!cmd->nargs) return;
    if (s->unmatched) return;
    /* CLIENT REPLY OFF|SKIP|ON: commands the server will not answer are not queued */
    if (cmd->nargs >= 3 && name_is(cmd->arg[0], "CLIENT") && name_is(cmd->arg[1], "REPLY")) {
        s->reply_mode = name_is(cmd->arg[2], "OFF") ? 1 : name_is(cmd->arg[2], "SKIP") ? 2 : 0;
        if (s->reply_mode) return;   /* OFF and SKIP are not answered; ON is (+OK) */
    } else if (s->reply_mode) {
        if (s->reply_mode == 2) s->reply_mode = 0;
        return;
    }
    if (s->n == s->qcap && s->qcap < RESP_PENDING && !s->untracked) {
        struct rpend *nq = fifo_grow(s->q, &s->qcap, &s->head, s->n, sizeof *s->q, RESP_PENDING);
        if (nq) s->q = nq;
        else cnt(env, RC_OOM);   /* untracked below: its reply is matched, not rendered */
    }
    if (s->n == s->qcap || s->untracked) {
        /* a deep pipeline: answered in order after the queue, not rendered */
        if (!s->untracked && s->n == RESP_PENDING) cnt(env, RC_PIPELINE_OVERFLOW);
        s->untracked++;
        return;
    }
    struct rpend *pd = &s->q[(s->head + s->n++) % s->qcap];
    memset(pd, 0, sizeof *pd);
    pd->ts = env->ts;
    pd->req_len = wire_len;
    struct bytes name = cmd->arg[0];
    size_t nl = name.len < sizeof pd->name - 1 ? name.len : sizeof pd->name - 1;
    for (size_t i = 0; i < nl; i++) {
        uint8_t ch = name.p[i];
        pd->name[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    }
    pd->name[nl] = 0;
    struct bytes a1 = cmd->nargs > 1 ? cmd->arg[1] : bytes_of(NULL, 0);
    if (name_is(name, "AUTH")) { pd->kind = RK_AUTH; return; }
    if (name_is(name, "HELLO")) {
        for (uint64_t i = 1; i < cmd->nargs && i < RESP_MAX_ARGS; i++)
            if (name_is(cmd->arg[i], "AUTH")) pd->kind = RK_AUTH;
        return;
    }
    if (name_is(name, "SELECT")) {
        uint64_t v;
        if (bytes_to_u64(a1, 1u << 20, &v) == 0) { pd->kind = RK_SELECT; pd->db_arg = (int64_t)v; }
        return;
    }
    if (name_is(name, "RESET")) { pd->kind = RK_RESET; return; }
    if (name_is(name, "SUBSCRIBE") || name_is(name, "PSUBSCRIBE") || name_is(name, "SSUBSCRIBE") ||
        name_is(name, "MONITOR") || name_is(name, "SYNC") || name_is(name, "PSYNC")) {
        pd->kind = RK_PUBSUB;
        return;
    }
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        if (!name_is(name, reads[i].name)) continue;
        pd->kind = RK_READ;
        pd->mode = reads[i].mode;
        pd->wrap = reads[i].wrap;
        struct bytes res = bytes_of(NULL, 0);
        if (reads[i].res == RR_KEY || reads[i].res == RR_PATTERN) res = a1;
        if (reads[i].res == RR_MATCH) {
            res = bytes_str("*");
            for (uint64_t k = 2; k + 1 < cmd->nargs && k + 1 < RESP_MAX_ARGS; k++)
                if (name_is(cmd->arg[k], "MATCH")) res = cmd->arg[k + 1];
        }
        set_res(s, pd, res);
        struct bytes wk = pd->wrap == 1 ? a1 : pd->wrap == 2 && cmd->nargs > 2 ? cmd->arg[2] : bytes_of(NULL, 0);
        if (pd->wrap && !wk.len) pd->wrap = 0;
        size_t kl = wk.len < sizeof pd->wrapkey - 1 ? wk.len : sizeof pd->wrapkey - 1;
        if (kl) memcpy(pd->wrapkey, wk.p, kl);
        pd->wrapkey[kl] = 0;
        if (pd->mode == RESP_R_NAMED) {
            /* MGET k1 k2 ...: names from argument 1; HMGET key f1 f2 ...: from 2 */
            size_t off = 0;
            for (uint64_t k = name_is(name, "MGET") ? 1 : 2; k < cmd->nargs && k < RESP_MAX_ARGS; k++) {
                size_t l = cmd->arg[k].len;
                if (l > 255 || off + l > sizeof pd->names) break;
                memcpy(pd->names + off, cmd->arg[k].p, l);
                pd->name_len[pd->nnames++] = (uint8_t)l;
                off += l;
            }
        }
        return;
    }
}

/* ---- replies ---- */

struct flushctx {
    const struct dissect_env *env;
    struct body_consumer *bc;
};

static void to_body(void *ctx, const uint8_t *p, size_t len)
{
    struct flushctx *f = ctx;
    f->env->out->body(f->env->out_ctx, f->bc, p, len);
}

static void emit(struct resp_state *s, struct rpend *pd, const uint8_t *p, size_t len,
                 const struct dissect_env *env)
{
    struct http_txn t;
    memset(&t, 0, sizeof t);
    t.client_dir = s->client_dir;
    if (s->authed) t.flags |= TXN_CONN_AUTH;
    else if (!env->flow->handshake_seen) t.flags |= TXN_CONN_MIDSTREAM;
    t.method = bytes_str(pd->name);
    t.uri = bytes_str(pd->res);
    t.req_body_wire = pd->req_len;
    t.ts_request = pd->ts;
    t.ts_response = t.ts_end = env->ts;
    t.app_proto = "redis";
    if (!p) {
        t.flags |= TXN_RESP_MISSING;
        struct body_consumer *bc = env->out->begin(env->out_ctx, &t);
        env->out->end(env->out_ctx, bc, &t);
        cnt(env, RC_UNANSWERED);
        return;
    }
    struct bytes msg;
    t.status = 200;
    if (resp_is_error(p, len, &msg)) {
        size_t w = 0;
        while (w < msg.len && msg.p[w] != ' ') w++;
        t.reason = bytes_of(msg.p, w);
        t.status = bytes_eq(t.reason, "NOAUTH") || bytes_eq(t.reason, "WRONGPASS") || bytes_eq(t.reason, "NOPERM")
                       ? 401 : 500;
    }
    t.resp_body_wire = len;
    t.content_type = bytes_str("application/json");
    struct body_consumer *bc = env->out->begin(env->out_ctx, &t);
    struct flushctx fc = { env, bc };
    struct wjson w;   /* 4 KB of stack, not of every connection's state */
    wj_init(&w, env->cfg->resp_max_json, to_body, &fc);
    if (pd->mode == RESP_R_NAMED) {
        struct bytes names[RESP_MAX_ARGS];
        size_t off = 0;
        for (unsigned i = 0; i < pd->nnames; i++) {
            names[i] = bytes_of(pd->names + off, pd->name_len[i]);
            off += pd->name_len[i];
        }
        resp_render_named(p, len, names, pd->nnames, &w);
    } else {
        resp_render(p, len, (enum resp_render_mode)pd->mode, pd->wrap ? bytes_str(pd->wrapkey) : bytes_of(NULL, 0),
                    &w);
    }
    wj_finish(&w);
    t.resp_body_decoded = w.total;
    if (w.capped) { t.flags |= TXN_BODY_CAP; cnt(env, RC_JSON_CAPPED); }
    env->out->end(env->out_ctx, bc, &t);
    cnt(env, RC_TXNS);
}

static void on_reply(struct resp_state *s, const uint8_t *p, size_t len, const struct dissect_env *env)
{
    cnt(env, RC_REPLIES);
    if (p[0] == '>') { cnt(env, RC_PUSH); return; }   /* RESP3 push: answers no command */
    struct bytes msg;
    bool err = resp_is_error(p, len, &msg);
    if (err && bytes_iprefix(msg, "NOAUTH")) {
        cnt(env, RC_NOAUTH);
        s->authed = false;
    }
    if (s->unmatched) return;
    if (!s->n) {
        if (s->untracked) s->untracked--;
        else cnt(env, RC_ORPHAN_REPLY);
        return;
    }
    struct rpend *pd = &s->q[s->head];
    switch (pd->kind) {
    case RK_AUTH:
        if (err) cnt(env, RC_AUTH_FAILED);
        else { s->authed = true; cnt(env, RC_AUTH_OK); }
        break;
    case RK_SELECT: if (!err) s->db = pd->db_arg; break;
    case RK_RESET: s->authed = false; s->db = 0; break;
    case RK_PUBSUB:
        if (!err) { s->unmatched = true; cnt(env, RC_PUBSUB); }
        break;
    case RK_READ: emit(s, pd, p, len, env); break;
    default: break;
    }
    s->head = (s->head + 1) % s->qcap;
    if (--s->n == 0) {
        free(s->q);
        s->q = NULL;
        s->head = s->qcap = 0;
    }
}

/* ---- framing ---- */

static bool dir_reserve(struct rdir *d, size_t n)
{
    return bytes_reserve(&d->buf, &d->cap, n, 512);
}

/* Which side is the client: known from the handshake, else from the first
 * message: a command (array of bulk strings or an inline line) or a reply. */
static void learn_role(struct resp_state *s, int dir, const uint8_t *p, size_t len, const struct dissect_env *env)
{
    if (s->role_known) return;
    s->role_known = true;
    if (env->flow->handshake_seen) { s->client_dir = 0; return; }
    bool cmd = len >= 2 && ((p[0] == '*' && memchr(p, '$', len < 32 ? len : 32)) || (p[0] >= 'A' && p[0] <= 'z'));
    s->client_dir = cmd ? dir : !dir;
}

/* Scan a reply from its first byte (m/ml, a longer prefix each call): a
 * scanner of the call's own, kept in the state only while the reply is
 * still arriving. Without memory for it the next call scans the reply from
 * its start again: slower, the same answer. */
static struct parse_result reply_scan(struct resp_state *s, const uint8_t *m, size_t ml,
                                      const struct resp_limits *lim)
{
    struct resp_scanner local = { .active = false }, *sc = s->sc ? s->sc : &local;
    struct parse_result r = resp_scan_more(sc, m, ml, lim, &s->ss);
    if (r.status == PARSE_NEED_MORE) {
        if (sc == &local && (s->sc = malloc(sizeof *s->sc)) != NULL) *s->sc = local;
    } else {
        free(s->sc);
        s->sc = NULL;
    }
    return r;
}

/* Parse whole messages at p; returns the bytes used (the rest is a prefix of
 * the next message). Sets d->need / d->dead. */
static size_t consume(struct resp_state *s, int dir, struct rdir *d, const uint8_t *p, size_t len,
                      const struct dissect_env *env)
{
    size_t used = 0;
    struct resp_limits lim = resp_lim(env);
    while (used < len && !d->dead) {
        const uint8_t *m = p + used;
        size_t ml = len - used;
        struct parse_result r;
        bool client = dir == s->client_dir;
        struct resp_cmd cmd;
        struct resp_scan_stats ss0 = s->ss;
        if (client) r = resp_parse_cmd(m, ml, &lim, &cmd, &s->ss);
        else r = reply_scan(s, m, ml, &lim);
        if (r.status == PARSE_NEED_MORE) {
            d->need = ml + (r.needed ? r.needed : 1);
            if (d->need > env->cfg->resp_max_message) {
                /* a bulk too big to buffer: skip it when the value is one bulk string */
                cnt(env, RC_TOO_BIG);
                if ((m[0] == '$') && !client) {
                    d->skip = d->need - ml;
                    d->need = 0;
                    free(s->sc);
                    s->sc = NULL;
                    on_reply(s, (const uint8_t *)"$-1\r\n", 5, env);   /* answered, body unseen */
                    return len;
                }
                d->dead = true;
            }
            return used;
        }
        if (r.status == PARSE_ERROR) {
            cnt(env, client ? RC_BAD_COMMAND : RC_BAD_REPLY);
            if (s->ss.depth_capped != ss0.depth_capped) cnt(env, RC_DEPTH_CAPPED);
            if (s->ss.elems_capped != ss0.elems_capped) cnt(env, RC_ELEMS_CAPPED);
            if (s->ss.line_capped != ss0.line_capped) cnt(env, RC_LINE_CAPPED);
            d->dead = true;
            return len;
        }
        if (client) on_command(s, &cmd, (uint32_t)r.consumed, env);
        else on_reply(s, m, r.consumed, env);
        used += r.consumed;
        d->need = 0;
    }
    return used;
}

static void resp_on_data(void *state, int dir, const uint8_t *p, size_t len, const struct dissect_env *env)
{
    struct resp_state *s = state;
    dir &= 1;
    struct rdir *d = &s->d[dir];
    if (d->skip) {
        size_t take = len < d->skip ? len : (size_t)d->skip;
        d->skip -= take;
        p += take;
        len -= take;
    }
    if (!len || d->dead) return;
    learn_role(s, dir, p, len, env);
    if (d->len == 0) {   /* nothing held: parse in place, keep only a partial tail */
        size_t used = consume(s, dir, d, p, len, env);
        if (d->dead || used == len) return;
        if (d->skip) return;
        p += used;
        len -= used;
        if (!dir_reserve(d, len)) { d->dead = true; return; }
        memcpy(d->buf, p, len);
        d->len = len;
        return;
    }
    if (!dir_reserve(d, d->len + len)) { d->dead = true; return; }
    memcpy(d->buf + d->len, p, len);
    d->len += len;
    if (d->len < d->need) return;
    size_t used = consume(s, dir, d, d->buf, d->len, env);
    if (d->dead || used >= d->len) {
        d->len = 0;
    } else if (used) {
        memmove(d->buf, d->buf + used, d->len - used);
        d->len -= used;
    }
    if (d->len == 0 && d->buf) {   /* an idle connection holds no buffer */
        free(d->buf);
        d->buf = NULL;
        d->cap = 0;
    }
}

static void resp_on_gap(void *state, int dir, uint64_t len, enum gap_reason why, const struct dissect_env *env)
{
    (void)why;
    struct resp_state *s = state;
    struct rdir *d = &s->d[dir & 1];
    if (d->skip >= len) { d->skip -= len; return; }
    /* bytes of a command or reply are gone: pairing is over for the
     * connection and this direction's framing with it */
    if (!d->dead) cnt(env, RC_GAP_GAVE_UP);
    d->dead = true;
    d->len = 0;
    s->unmatched = true;
}

static void resp_init(void *state, const struct dissect_env *env)
{
    (void)state;
    (void)env;
}

static void resp_on_close(void *state, const struct dissect_env *env)
{
    struct resp_state *s = state;
    if (!s->unmatched)
        for (unsigned i = 0; i < s->n; i++) {
            struct rpend *pd = &s->q[(s->head + i) % s->qcap];
            if (pd->kind == RK_READ) emit(s, pd, NULL, 0, env);
        }
    free(s->q);
    s->q = NULL;
    s->n = s->head = s->qcap = 0;
    free(s->sc);
    s->sc = NULL;
    for (int i = 0; i < 2; i++) {
        free(s->d[i].buf);
        s->d[i].buf = NULL;
    }
}

_Static_assert(RC__COUNT <= 64, "cap_counters is a 64-bit mask");

const struct dissector resp_dissector = {
    .name = "redis",
    .state_size = sizeof(struct resp_state),
    .counter_names = counter_names,
    .n_counters = RC__COUNT,
    .cap_counters = 1ull << RC_TOO_BIG | 1ull << RC_PIPELINE_OVERFLOW | 1ull << RC_JSON_CAPPED |
                    1ull << RC_DEPTH_CAPPED | 1ull << RC_ELEMS_CAPPED | 1ull << RC_LINE_CAPPED,
    .probe = resp_probe,
    .init = resp_init,
    .on_data = resp_on_data,
    .on_gap = resp_on_gap,
    .on_close = resp_on_close,
};
