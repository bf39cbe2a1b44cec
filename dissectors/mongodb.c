/* mongodb.c -- MongoDB wire protocol: framing, OP_MSG, legacy OP_QUERY /
 * OP_GET_MORE / OP_REPLY, OP_COMPRESSED; per-connection authentication state;
 * replies to reads rendered as JSON transactions (method = command,
 * uri = "db.collection", app_proto "mongodb").
 *
 * Which replies become transactions: those to find, aggregate, getMore,
 * distinct, count, findAndModify, listDatabases, listCollections,
 * listIndexes and legacy queries. Everything else (hello, ping, writes,
 * auth steps) is parsed for authentication and dropped.
 *
 * Authentication: saslStart/saslContinue answered with done: true and ok: 1,
 * authenticate answered ok: 1, or a hello/isMaster carrying
 * speculativeAuthenticate whose reply says done: true (SCRAM finished in one
 * round trip) or holds no conversationId (x.509: one step). Once set it
 * stays set for the connection (logout is not tracked).
 * Spec: https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
 *       https://github.com/mongodb/specifications (auth, OP_MSG, compression)
 */
#include "mongodb.h"
#include "bson.h"
#include "config.h"
#include "cursor.h"
#include "dissect.h"
#include "txn.h"
#include "wire_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const counter_names[MC__COUNT] = {
    "messages", "requests", "replies", "transactions", "bad_header", "too_big", "malformed",
    "bson_malformed", "depth_capped", "elems_capped", "json_capped", "compressed",
    "decompress_error", "unknown_compressor", "checksum_present", "orphan_reply", "pending_full",
    "auth_ok", "auth_failed", "gap", "resync", "unanswered", "legacy_op", "oom",
};

enum pkind { PK_NONE = 0, PK_READ, PK_SASL, PK_AUTHENTICATE, PK_HELLO_SPEC };

struct mpend {
    bool used;
    bool legacy;             /* OP_QUERY/OP_GET_MORE on a collection: reply is OP_REPLY documents */
    uint8_t kind;            /* enum pkind */
    int32_t id;              /* requestID the reply answers */
    uint32_t req_len;
    uint32_t seq;            /* age, for eviction */
    struct timeval ts;
    char cmd[24];
    char ns[200];
};

struct mdir {
    uint8_t *buf;
    size_t cap, len;
    uint64_t skip;           /* bytes of an oversized message still to pass */
    bool dead;               /* out of memory: ignore the direction */
    bool resync;             /* framing lost (gap, bad header): looking for a header */
};

/* An idle connection (a driver's pool holds many) keeps only this: the
 * pending requests are allocated with the first one and freed with the
 * last, and a reply is rendered through a wjson of the call's own. */
struct mongo_state {
    struct mdir d[2];
    struct mpend *pend;      /* MONGO_PENDING slots while any request awaits a reply, else NULL */
    unsigned n_pend;         /* slots in use */
    uint32_t seq;
    bool authed;
    bool resynced;           /* framing was lost and found again: transactions say so */
    int client_dir;          /* where requests came from (0 until one is seen) */
    struct bson_stats bs;
};

static void cnt(const struct dissect_env *env, unsigned i)
{
    if (env->counters) env->counters[i]++;
}

/* The BSON rendering caps of the configuration. */
static struct bson_limits bson_lim(const struct dissect_env *env)
{
    struct bson_limits lim = { env->cfg->bson_max_depth, env->cfg->bson_max_elements };
    return lim;
}

bool mongodb_opcode_known(int32_t op)
{
    switch (op) {
    case MONGO_OP_REPLY: case MONGO_OP_UPDATE: case MONGO_OP_INSERT: case MONGO_OP_QUERY:
    case MONGO_OP_GET_MORE: case MONGO_OP_DELETE: case MONGO_OP_KILL_CURSORS: case MONGO_OP_COMMAND:
    case MONGO_OP_COMMANDREPLY: case MONGO_OP_COMPRESSED: case MONGO_OP_MSG:
        return true;
    default: return false;
    }
}

/* ---- probe ---- */

/* A header with a sane length and a known opcode; for OP_MSG also flag bits
 * the spec defines and a section kind 0 or 1; for OP_QUERY a namespace with a
 * dot. Anything shorter than that is MAYBE while what is there agrees. */
static enum probe_result mongodb_probe(const uint8_t *p, size_t len, int dir)
{
    (void)dir;
    struct cursor c = cur_init(p, len);
    uint32_t mlen = cur_le32(&c);
    if (!cur_ok(&c)) return PROBE_MAYBE;
    if (mlen < MONGO_HDR + 5 || mlen > MONGO_MAX_MSG) return PROBE_NO;
    cur_le32(&c);
    uint32_t resp_to = cur_le32(&c);
    int32_t op = (int32_t)cur_le32(&c);
    if (!cur_ok(&c)) return PROBE_MAYBE;
    if (!mongodb_opcode_known(op)) return PROBE_NO;
    if (op == MONGO_OP_MSG) {
        uint32_t flags = cur_le32(&c);
        uint8_t kind = cur_u8(&c);
        if (!cur_ok(&c)) return PROBE_MAYBE;
        if (flags & ~0x10003u) return PROBE_NO;
        if (kind > 1) return PROBE_NO;
        /* a kind-0 body is a document: its length fits the message */
        if (kind == 0) {
            uint32_t dl = cur_le32(&c);
            if (!cur_ok(&c)) return PROBE_MAYBE;
            if (dl < BSON_MIN_DOC || dl > mlen - MONGO_HDR - 5) return PROBE_NO;
        }
        return PROBE_YES;
    }
    if (op == MONGO_OP_QUERY) {
        uint32_t flags = cur_le32(&c);
        if (!cur_ok(&c)) return PROBE_MAYBE;
        if (flags & ~0xfeu || resp_to != 0) return PROBE_NO;
        bool dot = false;
        for (size_t i = c.off; i < len && i < 200; i++) {
            if (p[i] == 0) return dot && i > c.off + 2 ? PROBE_YES : PROBE_NO;
            if (p[i] == '.') dot = true;
            if (p[i] < 0x20) return PROBE_NO;
        }
        return len < c.off + 200 ? PROBE_MAYBE : PROBE_NO;
    }
    if (op == MONGO_OP_REPLY) {
        uint32_t flags = cur_le32(&c);
        if (!cur_ok(&c)) return PROBE_MAYBE;
        if (flags & ~0xfu || resp_to == 0) return PROBE_NO;
        return mlen >= MONGO_HDR + 20 ? PROBE_YES : PROBE_NO;
    }
    /* the other legacy opcodes start with a zero int32 */
    if (op == MONGO_OP_COMPRESSED || op == MONGO_OP_COMMAND || op == MONGO_OP_COMMANDREPLY) {
        if (op == MONGO_OP_COMPRESSED) {
            int32_t orig = (int32_t)cur_le32(&c);
            if (!cur_ok(&c)) return PROBE_MAYBE;
            return mongodb_opcode_known(orig) && orig != MONGO_OP_COMPRESSED ? PROBE_YES : PROBE_NO;
        }
        return PROBE_YES;
    }
    uint32_t zero = cur_le32(&c);
    if (!cur_ok(&c)) return PROBE_MAYBE;
    return zero == 0 ? PROBE_YES : PROBE_NO;
}

/* ---- pending requests ---- */

/* A slot for request id: a free one, else the oldest (forgotten, counted).
 * NULL when the slots cannot be allocated (counted): the request is not
 * remembered, and its reply will be an orphan. */
static struct mpend *pend_add(struct mongo_state *s, int32_t id, const struct dissect_env *env)
{
    if (!s->pend && !(s->pend = calloc(MONGO_PENDING, sizeof *s->pend))) {
        cnt(env, MC_OOM);
        return NULL;
    }
    struct mpend *slot = NULL;
    for (unsigned i = 0; i < MONGO_PENDING; i++) {
        if (!s->pend[i].used) { slot = &s->pend[i]; break; }
        if (!slot || s->pend[i].seq < slot->seq) slot = &s->pend[i];
    }
    if (slot->used) cnt(env, MC_PENDING_FULL);   /* the oldest is forgotten */
    else s->n_pend++;
    memset(slot, 0, sizeof *slot);
    slot->used = true;
    slot->id = id;
    slot->seq = ++s->seq;
    slot->ts = env->ts;
    return slot;
}

static struct mpend *pend_find(struct mongo_state *s, int32_t id)
{
    for (unsigned i = 0; s->pend && i < MONGO_PENDING; i++)
        if (s->pend[i].used && s->pend[i].id == id) return &s->pend[i];
    return NULL;
}

/* pd is answered: free its slot, and the slots with the last one (pd is
 * gone after this). */
static void pend_done(struct mongo_state *s, struct mpend *pd)
{
    pd->used = false;
    if (--s->n_pend == 0) {
        free(s->pend);
        s->pend = NULL;
    }
}

/* ---- transactions ---- */

struct flushctx {
    const struct dissect_env *env;
    struct body_consumer *bc;
};

static void to_body(void *ctx, const uint8_t *p, size_t len)
{
    struct flushctx *f = ctx;
    f->env->out->body(f->env->out_ctx, f->bc, p, len);
}

/* What a reply carries for a transaction. */
struct mreply {
    int status;
    struct bytes reason;
    const uint8_t *body;          /* a command reply document (OP_MSG body, OP_REPLY doc 0) */
    size_t body_len;
    const uint8_t *docs;          /* legacy: numberReturned documents back to back */
    size_t docs_len;
    const uint8_t *seq;           /* OP_MSG kind-1 sections, raw (size-prefixed) */
    size_t seq_len;
    uint32_t wire_len;
};

static void render_docs(struct mongo_state *s, struct wjson *w, const uint8_t *p, size_t len,
                        const struct dissect_env *env)
{
    struct bson_limits lim = bson_lim(env);
    struct cursor c = cur_init(p, len);
    bool first = true;
    while (cur_left(&c) >= BSON_MIN_DOC) {
        uint32_t n = bson_doc_len(cur_ptr(&c), cur_left(&c));
        if (!n || n > cur_left(&c)) { cnt(env, MC_BSON_MALFORMED); break; }
        if (!first) wj_lit(w, ",");
        first = false;
        if (bson_to_json(cur_ptr(&c), n, w, &lim, &s->bs) < 0) cnt(env, MC_BSON_MALFORMED);
        cur_skip(&c, n);
    }
}

static void emit(struct mongo_state *s, int reply_dir, const struct mpend *pd, bool req_missing,
                 const struct mreply *r, const struct dissect_env *env)
{
    struct http_txn t;
    memset(&t, 0, sizeof t);
    t.client_dir = !reply_dir;
    if (s->authed) t.flags |= TXN_CONN_AUTH;
    else if (!env->flow->handshake_seen) t.flags |= TXN_CONN_MIDSTREAM;
    if (req_missing) t.flags |= TXN_REQ_MISSING;
    if (s->resynced) t.flags |= TXN_RESYNC;
    t.method = bytes_str(pd->cmd);
    t.uri = bytes_str(pd->ns);
    t.req_body_wire = pd->req_len;
    t.ts_request = req_missing ? env->ts : pd->ts;
    t.ts_response = t.ts_end = env->ts;
    t.app_proto = "mongodb";
    if (!r) {   /* unanswered */
        t.flags |= TXN_RESP_MISSING;
        struct body_consumer *bc = env->out->begin(env->out_ctx, &t);
        env->out->end(env->out_ctx, bc, &t);
        cnt(env, MC_UNANSWERED);
        return;
    }
    t.status = r->status;
    t.reason = r->reason;
    t.resp_body_wire = r->wire_len;
    t.content_type = bytes_str("application/json");
    struct body_consumer *bc = env->out->begin(env->out_ctx, &t);
    struct flushctx fc = { env, bc };
    struct wjson wj, *w = &wj;   /* 4 KB of stack, not of every connection's state */
    {
        uint64_t dc = s->bs.depth_capped, ec = s->bs.elems_capped;
        wj_init(w, env->cfg->mongodb_max_json, to_body, &fc);
        struct bson_limits lim = bson_lim(env);
        if (r->body) {
            if (r->seq_len) wj_lit(w, "{\"body\":");
            if (bson_to_json(r->body, r->body_len, w, &lim, &s->bs) < 0) cnt(env, MC_BSON_MALFORMED);
            if (r->seq_len) {
                /* kind-1 sections: int32 size, cstring identifier, documents */
                struct cursor c = cur_init(r->seq, r->seq_len);
                while (cur_left(&c) >= 5) {
                    uint32_t sz = cur_le32(&c);
                    if (sz < 5 || sz - 4 > cur_left(&c)) break;
                    const uint8_t *sec = cur_take(&c, sz - 4);
                    const uint8_t *z = memchr(sec, 0, sz - 4);
                    if (!z) break;
                    wj_lit(w, ",");
                    wj_str(w, sec, (size_t)(z - sec));
                    wj_lit(w, ":[");
                    render_docs(s, w, z + 1, (size_t)(sec + sz - 4 - z - 1), env);
                    wj_lit(w, "]");
                }
                wj_lit(w, "}");
            }
        } else {
            wj_lit(w, "[");
            render_docs(s, w, r->docs, r->docs_len, env);
            wj_lit(w, "]");
        }
        wj_finish(w);
        t.resp_body_decoded = w->total;
        if (w->capped) { t.flags |= TXN_BODY_CAP; cnt(env, MC_JSON_CAPPED); }
        if (s->bs.depth_capped != dc) cnt(env, MC_DEPTH_CAPPED);
        if (s->bs.elems_capped != ec) cnt(env, MC_ELEMS_CAPPED);
    }
    env->out->end(env->out_ctx, bc, &t);
    cnt(env, MC_TXNS);
}

/* ---- commands ---- */

static const char *const read_cmds[] = {
    "find", "aggregate", "getMore", "distinct", "count", "findAndModify", "findandmodify",
    "listDatabases", "listCollections", "listIndexes", NULL
};

static bool is_read(struct bytes name)
{
    for (unsigned i = 0; read_cmds[i]; i++)
        if (bytes_eq(name, read_cmds[i])) return true;
    return false;
}

static void copy_str(char *dst, size_t cap, struct bytes b)
{
    size_t n = b.len < cap - 1 ? b.len : cap - 1;
    if (n) memcpy(dst, b.p, n);
    dst[n] = 0;
}

/* A command document from OP_MSG (db from $db) or OP_QUERY on db.$cmd. */
static void on_command(struct mongo_state *s, int32_t id, uint32_t wire_len, const uint8_t *doc, size_t len,
                       struct bytes db, const struct dissect_env *env)
{
    struct bson_iter it;
    struct bson_elem first, e;
    if (!bson_iter_init(&it, doc, len) || bson_iter_next(&it, &first) != 1) {
        cnt(env, MC_BSON_MALFORMED);
        return;
    }
    if (!db.len && bson_find(doc, len, "$db", &e) && e.type == BSON_STRING) db = e.str;
    enum pkind kind = PK_NONE;
    struct bytes name = first.key, coll = { NULL, 0 };
    if (is_read(name)) {
        kind = PK_READ;
        if (first.type == BSON_STRING) coll = first.str;
        if (bytes_eq(name, "getMore") && bson_find(doc, len, "collection", &e) && e.type == BSON_STRING)
            coll = e.str;
    } else if (bytes_eq(name, "saslStart") || bytes_eq(name, "saslContinue")) {
        kind = PK_SASL;
    } else if (bytes_eq(name, "authenticate")) {
        kind = PK_AUTHENTICATE;
    } else if ((bytes_eq(name, "hello") || bytes_ieq(name, "isMaster")) &&
               bson_find(doc, len, "speculativeAuthenticate", &e)) {
        kind = PK_HELLO_SPEC;
    }
    /* every command is remembered, so that only a reply to nothing seen is an orphan */
    struct mpend *pd = pend_add(s, id, env);
    if (!pd) return;
    pd->kind = (uint8_t)kind;
    pd->req_len = wire_len;
    copy_str(pd->cmd, sizeof pd->cmd, name);
    char ns[sizeof pd->ns];
    int n = snprintf(ns, sizeof ns, "%.*s%s%.*s", (int)(db.len < 100 ? db.len : 100), (const char *)db.p,
                     coll.len ? "." : "", (int)(coll.len < 90 ? coll.len : 90), (const char *)coll.p);
    (void)n;
    memcpy(pd->ns, ns, sizeof ns);
}

static bool reply_ok(const uint8_t *doc, size_t len)
{
    struct bson_elem e;
    return bson_find(doc, len, "ok", &e) && bson_elem_true(&e);
}

/* Status of a command reply: 200 ok, 401 auth errors (13 Unauthorized, 18
 * AuthenticationFailed), 500 other errors; reason = codeName. */
static int reply_status(const uint8_t *doc, size_t len, struct bytes *reason)
{
    struct bson_elem e;
    *reason = bytes_of(NULL, 0);
    if (reply_ok(doc, len)) return 200;
    if (bson_find(doc, len, "codeName", &e) && e.type == BSON_STRING) *reason = e.str;
    int64_t code = 0;
    if (bson_find(doc, len, "code", &e)) bson_elem_int(&e, &code);
    if (code == 13 || code == 18 || bytes_eq(*reason, "Unauthorized")) return 401;
    return 500;
}

/* A command reply to pd (NULL: no request seen). */
static void on_command_reply(struct mongo_state *s, int dir, struct mpend *pd, struct mreply *r,
                             const struct dissect_env *env)
{
    struct mpend guess;
    bool missing = false;
    if (!pd) {
        /* mid-stream: a cursor reply still names its namespace */
        struct bson_elem cur, e;
        if (!bson_find(r->body, r->body_len, "cursor", &cur) || cur.type != BSON_DOC) {
            cnt(env, MC_ORPHAN_REPLY);
            return;
        }
        memset(&guess, 0, sizeof guess);
        guess.kind = PK_READ;
        snprintf(guess.cmd, sizeof guess.cmd, "%s",
                 bson_find(cur.value.p, cur.value.len, "nextBatch", &e) ? "getMore" : "find");
        if (bson_find(cur.value.p, cur.value.len, "ns", &e) && e.type == BSON_STRING)
            copy_str(guess.ns, sizeof guess.ns, e.str);
        pd = &guess;
        missing = true;
    }
    bool ok = reply_ok(r->body, r->body_len);
    struct bson_elem e;
    switch (pd->kind) {
    case PK_SASL:
        if (ok && bson_find(r->body, r->body_len, "done", &e) && bson_elem_true(&e)) {
            s->authed = true;
            cnt(env, MC_AUTH_OK);
        } else if (!ok) {
            cnt(env, MC_AUTH_FAILED);
        }
        break;
    case PK_AUTHENTICATE:
        if (ok) { s->authed = true; cnt(env, MC_AUTH_OK); }
        else cnt(env, MC_AUTH_FAILED);
        break;
    case PK_HELLO_SPEC:
        if (ok && bson_find(r->body, r->body_len, "speculativeAuthenticate", &e) && e.type == BSON_DOC) {
            struct bson_elem d;
            bool done = bson_find(e.value.p, e.value.len, "done", &d) && bson_elem_true(&d);
            bool conv = bson_find(e.value.p, e.value.len, "conversationId", &d);
            if (done || !conv) { s->authed = true; cnt(env, MC_AUTH_OK); }
        }
        break;
    case PK_READ:
        r->status = reply_status(r->body, r->body_len, &r->reason);
        emit(s, dir, pd, missing, r, env);
        break;
    default: break;
    }
}

/* ---- messages ---- */

/* OP_MSG: flagBits, sections, optional CRC-32C (not verified: a sensor reads
 * what the peer accepted). */
static void op_msg(struct mongo_state *s, int dir, int32_t id, int32_t resp_to, const uint8_t *p, size_t len,
                   uint32_t wire_len, const struct dissect_env *env)
{
    struct cursor c = cur_init(p, len);
    uint32_t flags = cur_le32(&c);
    if (!cur_ok(&c)) { cnt(env, MC_MALFORMED); return; }
    size_t end = len;
    if (flags & 1u) {
        cnt(env, MC_CHECKSUM);
        if (len < 8) { cnt(env, MC_MALFORMED); return; }
        end = len - 4;
    }
    c.len = end;
    const uint8_t *body = NULL, *seq = NULL;
    size_t body_len = 0, seq_len = 0;
    while (cur_left(&c)) {
        uint8_t kind = cur_u8(&c);
        uint32_t n = bson_doc_len(cur_ptr(&c), cur_left(&c));   /* the same int32 for both kinds */
        if (!n || n > cur_left(&c) || kind > 1) { cnt(env, MC_MALFORMED); return; }
        if (kind == 0) { body = cur_ptr(&c); body_len = n; }
        else {
            if (!seq) seq = cur_ptr(&c);
            seq_len = (size_t)(cur_ptr(&c) + n - seq);
        }
        cur_skip(&c, n);
    }
    if (!body) { cnt(env, MC_MALFORMED); return; }
    if (resp_to == 0) {
        cnt(env, MC_REQUESTS);
        if (flags & 2u) return;   /* moreToCome: a write nobody answers */
        on_command(s, id, wire_len, body, body_len, bytes_of(NULL, 0), env);
        return;
    }
    cnt(env, MC_REPLIES);
    struct mpend *pd = pend_find(s, resp_to);
    struct mreply r = { 0, { NULL, 0 }, body, body_len, NULL, 0, seq, seq_len, wire_len };
    on_command_reply(s, dir, pd, &r, env);
    if (pd) {
        if (flags & 2u) { pd->id = id; pd->seq = ++s->seq; }   /* exhaust: the next reply answers this one */
        else pend_done(s, pd);
    }
}

static void op_query(struct mongo_state *s, int32_t id, const uint8_t *p, size_t len, uint32_t wire_len,
                     const struct dissect_env *env)
{
    struct cursor c = cur_init(p, len);
    cur_le32(&c);   /* flags */
    struct bytes ns;
    const uint8_t *z = memchr(cur_ptr(&c), 0, cur_left(&c));
    if (!z) { cnt(env, MC_MALFORMED); return; }
    ns = bytes_of(cur_ptr(&c), (size_t)(z - cur_ptr(&c)));
    cur_skip(&c, ns.len + 1);
    cur_skip(&c, 8);   /* numberToSkip, numberToReturn */
    uint32_t n = bson_doc_len(cur_ptr(&c), cur_left(&c));
    if (!cur_ok(&c) || !n || n > cur_left(&c)) { cnt(env, MC_MALFORMED); return; }
    const uint8_t *q = cur_ptr(&c);
    cnt(env, MC_REQUESTS);
    if (ns.len > 5 && memcmp(ns.p + ns.len - 5, ".$cmd", 5) == 0) {
        struct bson_elem e;
        /* a wrapped command: {$query: {...}, $readPreference: ...} */
        if (bson_find(q, n, "$query", &e) && e.type == BSON_DOC) { q = e.value.p; n = (uint32_t)e.value.len; }
        on_command(s, id, wire_len, q, n, bytes_of(ns.p, ns.len - 5), env);
        return;
    }
    struct mpend *pd = pend_add(s, id, env);
    if (!pd) return;
    pd->kind = PK_READ;
    pd->legacy = true;
    pd->req_len = wire_len;
    snprintf(pd->cmd, sizeof pd->cmd, "query");
    copy_str(pd->ns, sizeof pd->ns, ns);
}

static void op_get_more(struct mongo_state *s, int32_t id, const uint8_t *p, size_t len, uint32_t wire_len,
                        const struct dissect_env *env)
{
    struct cursor c = cur_init(p, len);
    cur_le32(&c);
    const uint8_t *z = cur_ok(&c) ? memchr(cur_ptr(&c), 0, cur_left(&c)) : NULL;
    if (!z) { cnt(env, MC_MALFORMED); return; }
    cnt(env, MC_REQUESTS);
    struct mpend *pd = pend_add(s, id, env);
    if (!pd) return;
    pd->kind = PK_READ;
    pd->legacy = true;
    pd->req_len = wire_len;
    snprintf(pd->cmd, sizeof pd->cmd, "getMore");
    copy_str(pd->ns, sizeof pd->ns, bytes_of(cur_ptr(&c), (size_t)(z - cur_ptr(&c))));
}

/* OP_REPLY: responseFlags, cursorID (8), startingFrom, numberReturned, documents. */
static void op_reply(struct mongo_state *s, int dir, int32_t resp_to, const uint8_t *p, size_t len,
                     uint32_t wire_len, const struct dissect_env *env)
{
    struct cursor c = cur_init(p, len);
    uint32_t flags = cur_le32(&c);
    cur_skip(&c, 16);
    if (!cur_ok(&c)) { cnt(env, MC_MALFORMED); return; }
    cnt(env, MC_REPLIES);
    struct mpend *pd = pend_find(s, resp_to);
    if (!pd) { cnt(env, MC_ORPHAN_REPLY); return; }
    const uint8_t *docs = cur_ptr(&c);
    size_t docs_len = cur_left(&c);
    uint32_t first = bson_doc_len(docs, docs_len);
    if (!pd->legacy) {
        if (first && first <= docs_len) {
            struct mreply r = { 0, { NULL, 0 }, docs, first, NULL, 0, NULL, 0, wire_len };
            on_command_reply(s, dir, pd, &r, env);
        } else {
            cnt(env, MC_MALFORMED);
        }
    } else {
        struct mreply r = { 200, { NULL, 0 }, NULL, 0, docs, docs_len, NULL, 0, wire_len };
        if (flags & 2u) {   /* QueryFailure: one {$err, code} document */
            struct bson_elem e;
            int64_t code = 0;
            r.status = 500;
            if (first && first <= docs_len && bson_find(docs, first, "code", &e) && bson_elem_int(&e, &code) &&
                (code == 13 || code == 18))
                r.status = 401;
            if (first && first <= docs_len && bson_find(docs, first, "$err", &e) && e.type == BSON_STRING)
                r.reason = e.str;
        }
        emit(s, dir, pd, false, &r, env);
    }
    pend_done(s, pd);
}

static void message(struct mongo_state *s, int dir, const uint8_t *m, size_t len, const struct dissect_env *env,
                    bool inner);

static void op_decompressed(struct mongo_state *s, int dir, const uint8_t *m, uint8_t *z, size_t need,
                            int32_t orig, const struct dissect_env *env);

/* OP_COMPRESSED: originalOpcode, uncompressedSize, compressorId, payload. The
 * decompressed body is parsed as a message of the original opcode. */
static void op_compressed(struct mongo_state *s, int dir, const uint8_t *m, size_t len, const struct dissect_env *env)
{
    struct cursor c = cur_init(m + MONGO_HDR, len - MONGO_HDR);
    int32_t orig = (int32_t)cur_le32(&c);
    uint32_t size = cur_le32(&c);
    uint8_t comp = cur_u8(&c);
    if (!cur_ok(&c) || orig == MONGO_OP_COMPRESSED || !mongodb_opcode_known(orig)) { cnt(env, MC_MALFORMED); return; }
    cnt(env, MC_COMPRESSED);
    if (size > env->cfg->mongodb_max_message) { cnt(env, MC_TOO_BIG); return; }
    size_t need = MONGO_HDR + (size_t)size;
    /* header + decompressed body, per message: an idle connection holds no buffer */
    uint8_t *z = malloc(need);
    if (!z) { cnt(env, MC_OOM); return; }
    int rc = mongodb_decompress(comp, cur_ptr(&c), cur_left(&c), z + MONGO_HDR, size);
    if (rc < 0) cnt(env, rc == -2 ? MC_UNKNOWN_COMPRESSOR : MC_DECOMPRESS_ERROR);
    else op_decompressed(s, dir, m, z, need, orig, env);
    free(z);
}

/* The decompressed body of an OP_COMPRESSED (z, need bytes with the
 * header's room) parsed as a message of the original opcode. */
static void op_decompressed(struct mongo_state *s, int dir, const uint8_t *m, uint8_t *z, size_t need,
                            int32_t orig, const struct dissect_env *env)
{
    /* rebuild the header: the real length, the ids, the original opcode */
    memcpy(z, m, 12);
    uint32_t l = (uint32_t)need;
    uint8_t hdr[4] = { (uint8_t)l, (uint8_t)(l >> 8), (uint8_t)(l >> 16), (uint8_t)(l >> 24) };
    uint8_t op[4] = { (uint8_t)orig, (uint8_t)(orig >> 8), (uint8_t)(orig >> 16), (uint8_t)(orig >> 24) };
    memcpy(z, hdr, 4);
    memcpy(z + 12, op, 4);
    message(s, dir, z, need, env, true);
}

/* One whole message (header included). */
static void message(struct mongo_state *s, int dir, const uint8_t *m, size_t len, const struct dissect_env *env,
                    bool inner)
{
    struct cursor c = cur_init(m, len);
    uint32_t wire_len = cur_le32(&c);
    int32_t id = (int32_t)cur_le32(&c), resp_to = (int32_t)cur_le32(&c), op = (int32_t)cur_le32(&c);
    if (!cur_ok(&c)) { cnt(env, MC_MALFORMED); return; }
    if (!inner) cnt(env, MC_MESSAGES);
    const uint8_t *b = m + MONGO_HDR;
    size_t bl = len - MONGO_HDR;
    if (op == MONGO_OP_QUERY || op == MONGO_OP_GET_MORE || (op == MONGO_OP_MSG && resp_to == 0))
        s->client_dir = dir & 1;
    switch (op) {
    case MONGO_OP_MSG: op_msg(s, dir, id, resp_to, b, bl, wire_len, env); break;
    case MONGO_OP_QUERY: op_query(s, id, b, bl, wire_len, env); break;
    case MONGO_OP_GET_MORE: op_get_more(s, id, b, bl, wire_len, env); break;
    case MONGO_OP_REPLY: op_reply(s, dir, resp_to, b, bl, wire_len, env); break;
    case MONGO_OP_COMPRESSED:
        if (inner) cnt(env, MC_MALFORMED);
        else op_compressed(s, dir, m, len, env);
        break;
    default: cnt(env, MC_LEGACY_OP); break;   /* writes, kill cursors, OP_COMMAND */
    }
}

/* ---- framing ---- */

static bool dir_reserve(struct mdir *d, size_t n)
{
    return bytes_reserve(&d->buf, &d->cap, n, 256);
}

/* The length in a header, or 0 when it is not a MongoDB header. */
static uint32_t frame_len(const uint8_t *h)
{
    struct cursor c = cur_init(h, MONGO_HDR);
    uint32_t n = cur_le32(&c);
    cur_skip(&c, 8);
    int32_t op = (int32_t)cur_le32(&c);
    if (n < MONGO_HDR || n > MONGO_MAX_MSG || !mongodb_opcode_known(op)) return 0;
    return n;
}

static void mongodb_on_data(void *state, int dir, const uint8_t *p, size_t len, const struct dissect_env *env);

static void lose_framing(struct mdir *d)
{
    d->resync = true;
    d->len = 0;
    d->skip = 0;
}

/* After a gap or a bad header: hold what arrives and look, at every offset,
 * for what the probe takes for a message start (a sane length, a known
 * opcode, OP_MSG flags and section kind...). Parsing resumes there;
 * requests and replies still pair by requestID/responseTo. */
static void resync_data(struct mongo_state *s, int dir, const uint8_t *p, size_t len, const struct dissect_env *env)
{
    struct mdir *d = &s->d[dir & 1];
    if (!dir_reserve(d, d->len + len)) { d->dead = true; return; }
    memcpy(d->buf + d->len, p, len);
    d->len += len;
    size_t i = 0;
    for (; i < d->len; i++) {
        enum probe_result r = mongodb_probe(d->buf + i, d->len - i, dir);
        if (r == PROBE_MAYBE) break;
        if (r == PROBE_YES) {
            size_t n = d->len - i;
            uint8_t *rest = malloc(n);   /* once per resynchronisation, not per packet */
            if (!rest) { d->dead = true; return; }
            memcpy(rest, d->buf + i, n);
            d->len = 0;
            d->resync = false;
            s->resynced = true;
            cnt(env, MC_RESYNC);
            mongodb_on_data(s, dir, rest, n, env);
            free(rest);
            return;
        }
    }
    /* keep the undecided tail, bounded */
    if (d->len - i > MONGO_RESYNC_HOLD) i = d->len - MONGO_RESYNC_HOLD;
    memmove(d->buf, d->buf + i, d->len - i);
    d->len -= i;
}

static void mongodb_on_data(void *state, int dir, const uint8_t *p, size_t len, const struct dissect_env *env)
{
    struct mongo_state *s = state;
    struct mdir *d = &s->d[dir & 1];
    while (len && !d->dead) {
        if (d->resync) {
            resync_data(s, dir, p, len, env);
            return;
        }
        if (d->skip) {
            size_t take = len < d->skip ? len : (size_t)d->skip;
            d->skip -= take;
            p += take;
            len -= take;
            continue;
        }
        if (d->len == 0 && len >= MONGO_HDR) {
            uint32_t n = frame_len(p);
            if (!n) { cnt(env, MC_BAD_HEADER); lose_framing(d); continue; }
            if (n <= len && n <= env->cfg->mongodb_max_message) {   /* whole message here: parse in place */
                message(s, dir, p, n, env, false);
                p += n;
                len -= n;
                continue;
            }
        }
        if (d->len < MONGO_HDR) {
            if (!dir_reserve(d, MONGO_HDR)) { d->dead = true; return; }
            size_t take = MONGO_HDR - d->len < len ? MONGO_HDR - d->len : len;
            memcpy(d->buf + d->len, p, take);
            d->len += take;
            p += take;
            len -= take;
            if (d->len < MONGO_HDR) return;
        }
        uint32_t n = frame_len(d->buf);
        if (!n) {
            /* the held header is no header: look again from its second byte */
            uint8_t held[MONGO_HDR];
            memcpy(held, d->buf + 1, MONGO_HDR - 1);
            cnt(env, MC_BAD_HEADER);
            lose_framing(d);
            resync_data(s, dir, held, MONGO_HDR - 1, env);
            continue;
        }
        if (n > env->cfg->mongodb_max_message) {
            cnt(env, MC_TOO_BIG);
            d->skip = n - MONGO_HDR;
            d->len = 0;
            continue;
        }
        if (!dir_reserve(d, n)) { d->dead = true; return; }
        size_t take = n - d->len < len ? n - d->len : len;
        memcpy(d->buf + d->len, p, take);
        d->len += take;
        p += take;
        len -= take;
        if (d->len == n) {
            message(s, dir, d->buf, n, env, false);
            d->len = 0;
            free(d->buf);   /* per message: an idle connection holds no buffer */
            d->buf = NULL;
            d->cap = 0;
        }
    }
}

static void mongodb_on_gap(void *state, int dir, uint64_t len, enum gap_reason why, const struct dissect_env *env)
{
    (void)len;
    (void)why;
    struct mongo_state *s = state;
    struct mdir *d = &s->d[dir & 1];
    if (d->skip >= len && d->len == 0) {   /* the gap falls inside a message skipped anyway */
        d->skip -= len;
        return;
    }
    /* the message being assembled is lost with its framing: look for the next header */
    cnt(env, MC_GAP);
    if (!d->resync) lose_framing(d);
}

static void mongodb_init(void *state, const struct dissect_env *env)
{
    (void)state;
    (void)env;
}

static void mongodb_on_close(void *state, const struct dissect_env *env)
{
    struct mongo_state *s = state;
    for (unsigned i = 0; s->pend && i < MONGO_PENDING; i++)
        if (s->pend[i].used && s->pend[i].kind == PK_READ)
            /* the client's direction: the opposite of where replies come from */
            emit(s, !s->client_dir, &s->pend[i], false, NULL, env);
    free(s->pend);
    s->pend = NULL;
    s->n_pend = 0;
    for (int i = 0; i < 2; i++) {
        free(s->d[i].buf);
        s->d[i].buf = NULL;
    }
}

_Static_assert(MC__COUNT <= 64, "cap_counters is a 64-bit mask");

const struct dissector mongodb_dissector = {
    .name = "mongodb",
    .state_size = sizeof(struct mongo_state),
    .counter_names = counter_names,
    .n_counters = MC__COUNT,
    .cap_counters = 1ull << MC_TOO_BIG | 1ull << MC_JSON_CAPPED | 1ull << MC_DEPTH_CAPPED | 1ull << MC_ELEMS_CAPPED |
                    1ull << MC_PENDING_FULL,
    .probe = mongodb_probe,
    .init = mongodb_init,
    .on_data = mongodb_on_data,
    .on_gap = mongodb_on_gap,
    .on_close = mongodb_on_close,
};
