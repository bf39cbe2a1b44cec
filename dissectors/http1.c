/* http1.c -- the HTTP/1.x dissector: heads, pairing, gaps, callbacks.
 *
 * RFC 9112. Each stream direction runs its own state machine; which one
 * carries requests is decided by what its first message looks like, not by
 * port. Requests are parsed, copied and queued (pipelining, bounded by
 * cfg->http_max_pipeline) until the response that answers them has ended,
 * because a transaction exposes the request headers along with the response.
 * Bodies (framing, Content-Encoding, caps) live in http1_body.c.
 *
 * Gaps: a hole inside a body of known remaining length keeps framing (the
 * bytes are counted as missing); a hole anywhere else loses it, and the
 * direction resynchronises on the next line that starts a message. Every
 * anomaly is a named counter (counter_names below, the enum in http1_int.h).
 *
 * Ownership: the direction buffer holds the head being accumulated, and the
 * current response head until its transaction ends (the txn's response views
 * point there). Each queued request owns one allocation holding its head
 * bytes and its header array. Nothing is allocated per body chunk.
 */
#include "http1_int.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "limits.h"

#define PROBE_BUDGET 8192u         /* bytes of first line the probe looks at */
#define HEAD_INIT    1024u         /* first allocation of a head buffer, at most... */
#define HEAD_MIN     64u           /* ...and at least */

/* ---- counters (enum in http1_int.h) ---- */

static const char *const counter_names[C__COUNT] = {
    "requests", "responses", "informational", "resync", "head_too_big", "too_many_headers",
    "bad_head", "bad_header_line", "bad_length", "pipeline_overflow", "chunk_error",
    "decode_error", "decoded_cap", "ratio_cap", "unknown_encoding", "gap_in_body",
    "gap_in_head", "gap_in_request", "unanswered", "orphan_responses", "tunnel", "upgrade",
    "gave_up", "body_trunc", "role_conflict", "oom", "cl_and_te", "chunk_too_big",
};

/* ---- small helpers ---- */

static struct bytes rebase(struct bytes v, const uint8_t *from, uint8_t *to)
{
    if (!v.p || !v.len) return bytes_of(NULL, 0);
    return bytes_of(to + (v.p - from), v.len);
}

void http1_head_reset(struct hdir *d)
{
    /* Heads are allocated per message: an idle keep-alive flow holds no
     * buffer, and a million flows do not pin a header array each. */
    free(d->buf);
    free(d->hdrs);
    d->buf = NULL;
    d->hdrs = NULL;
    d->bcap = 0;
    d->blen = 0;
    d->line_start = 0;
    d->first_line_done = false;
    d->strict = false;
    d->st = S_HEAD;
}

void http1_enter_resync(struct hdir *d, bool at_line_start, const struct dissect_env *env)
{
    http1_head_reset(d);
    d->st = S_RESYNC;
    d->at_line_start = at_line_start;
    d->resync_pending = true;
    http1_cnt(env, C_RESYNC);
}

void http1_pend_free(struct http1_state *st, struct pend *pe)
{
    if (!pe) return;
    if (st->req_body_of == pe) st->req_body_of = NULL;
    free(pe);
}

/* Copy the head in buf (parsed into h and hdrs) into a new pending request. */
static struct pend *pend_new(const uint8_t *buf, size_t blen, const struct http1_head *h,
                             const struct http_header *hdrs, uint32_t flags, struct timeval ts)
{
    size_t hsz = (size_t)h->n_hdrs * sizeof(struct http_header);
    struct pend *pe = malloc(sizeof *pe + hsz + blen);
    if (!pe) return NULL;
    memset(pe, 0, sizeof *pe);
    pe->hdrs = (struct http_header *)(pe + 1);
    pe->head = (uint8_t *)pe->hdrs + hsz;
    pe->head_len = blen;
    if (blen) memcpy(pe->head, buf, blen);
    pe->flags = flags;
    pe->method = rebase(h->method, buf, pe->head);
    pe->uri = rebase(h->uri, buf, pe->head);
    pe->version = h->version;
    pe->n_hdrs = h->n_hdrs;
    for (unsigned i = 0; i < h->n_hdrs; i++) {
        pe->hdrs[i].name = rebase(hdrs[i].name, buf, pe->head);
        pe->hdrs[i].value = rebase(hdrs[i].value, buf, pe->head);
    }
    pe->ts = ts;
    return pe;
}

/* The ring starts with room for two requests and doubles up to
 * cfg->http_max_pipeline: most flows never pipeline, and an idle flow with
 * one request waiting keeps 16 bytes of ring, not max_pipeline pointers. */
static void queue_push(struct http1_state *st, struct pend *pe, const struct dissect_env *env)
{
    unsigned max = env->cfg->http_max_pipeline ? env->cfg->http_max_pipeline : 1;
    if (st->q_len == st->q_cap && st->q_cap < max) {
        struct pend **nq = fifo_grow(st->q, &st->q_cap, &st->q_head, st->q_len, sizeof *st->q, max);
        if (!nq) {
            http1_cnt(env, C_OOM);
            http1_pend_free(st, pe);
            return;
        }
        st->q = nq;
    }
    if (st->q_len == st->q_cap) {
        http1_cnt(env, C_PIPELINE_OVERFLOW);
        http1_pend_free(st, pe);
        return;
    }
    st->q[(st->q_head + st->q_len) % st->q_cap] = pe;
    st->q_len++;
}

static struct pend *queue_pop(struct http1_state *st)
{
    if (!st->q_len) return NULL;
    struct pend *pe = st->q[st->q_head];
    st->q_head = (st->q_head + 1) % st->q_cap;
    st->q_len--;
    if (!st->q_len) {           /* an idle keep-alive flow holds no ring */
        free(st->q);
        st->q = NULL;
        st->q_head = st->q_cap = 0;
    }
    return pe;
}

/* Fill the request half of a transaction. */
static void txn_request(struct http_txn *t, const struct pend *pe)
{
    t->method = pe->method;
    t->uri = pe->uri;
    t->req_version = pe->version;
    t->req_hdrs = pe->hdrs;
    t->n_req_hdrs = pe->n_hdrs;
    t->req_body_wire = pe->body_wire;
    t->req_body_decoded = pe->body_decoded;
    t->ts_request = pe->ts;
    t->host = http_header_get(pe->hdrs, pe->n_hdrs, "host");
    t->user_agent = http_header_get(pe->hdrs, pe->n_hdrs, "user-agent");
    t->authorization = http_header_get(pe->hdrs, pe->n_hdrs, "authorization");
}

static int client_dir_of(const struct http1_state *st, int resp_dir)
{
    return st->client_dir >= 0 ? st->client_dir : resp_dir ^ 1;
}

/* Report a request nobody answered: begin, then end at once. */
static void report_unanswered(struct http1_state *st, struct pend *pe, const struct dissect_env *env)
{
    struct http_txn t;
    memset(&t, 0, sizeof t);
    t.client_dir = st->client_dir >= 0 ? st->client_dir : 0;
    txn_request(&t, pe);
    t.flags = pe->flags | TXN_RESP_MISSING;
    http1_cnt(env, C_UNANSWERED);
    struct body_consumer *bc = env->out->begin(env->out_ctx, &t);
    env->out->end(env->out_ctx, bc, &t);
    http1_pend_free(st, pe);
}

/* ---- heads ---- */

static void request_head(struct http1_state *st, int dir, const struct http1_head *h,
                         uint32_t flags, const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    http1_cnt(env, C_REQUESTS);
    struct pend *pe = pend_new(d->buf, d->blen, h, d->hdrs, flags, d->head_ts);
    if (!pe) {
        http1_give_up(st, C_OOM, env);
        return;
    }
    unsigned before = st->q_len;
    queue_push(st, pe, env);
    st->req_body_of = st->q_len > before ? pe : NULL;
    http1_head_reset(d);
    if (h->has_te) {
        if (h->chunked) {
            d->st = S_CHUNK_SIZE;
            d->chunk_size = 0;
            d->chunk_digits = 0;
            d->line_len = 0;
        } else {
            http1_enter_resync(d, true, env);   /* RFC 9112 6.3: no way to frame it */
        }
    } else if (h->cl_bad) {
        http1_cnt(env, C_BAD_LENGTH);
        http1_enter_resync(d, true, env);
    } else if (h->has_cl && h->content_length) {
        d->st = S_BODY_LEN;
        d->remaining = h->content_length;
    } else {
        st->req_body_of = NULL;
    }
}

static void response_head(struct http1_state *st, int dir, const struct http1_head *h,
                          uint32_t flags, const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    http1_cnt(env, C_RESPONSES);
    if (h->status < 200 && h->status != 101) {   /* 100 Continue, 102, 103: not final */
        http1_cnt(env, C_INFORMATIONAL);
        http1_head_reset(d);
        return;
    }
    if (!st->rx && !(st->rx = malloc(sizeof *st->rx))) {   /* http1_resp_end frees it */
        http1_give_up(st, C_OOM, env);
        return;
    }
    struct rtx *rx = st->rx;
    memset(rx, 0, sizeof *rx);
    rx->active = true;
    rx->dir = dir;
    rx->req = queue_pop(st);
    struct http_txn *t = &rx->t;
    t->client_dir = client_dir_of(st, dir);
    if (rx->req) {
        txn_request(t, rx->req);
    } else {
        flags |= TXN_REQ_MISSING;
        http1_cnt(env, C_ORPHAN_RESPONSES);
    }
    t->flags = flags;
    t->status = h->status;
    t->reason = h->reason;
    t->resp_version = h->version;
    t->resp_hdrs = d->hdrs;
    t->n_resp_hdrs = h->n_hdrs;
    t->ts_response = d->head_ts;
    t->ts_end = env->ts;
    t->content_type = http_header_get(d->hdrs, h->n_hdrs, "content-type");
    t->content_encoding = h->content_encoding;

    bool is_head = rx->req && bytes_eq(rx->req->method, "HEAD");
    bool is_connect = rx->req && bytes_eq(rx->req->method, "CONNECT");
    rx->bc = env->out->begin(env->out_ctx, t);
    if (h->status == 101) {
        http1_give_up(st, C_UPGRADE, env);
        return;
    }
    if (is_connect && h->status < 300) {
        http1_give_up(st, C_TUNNEL, env);
        return;
    }
    if (is_head || h->status == 204 || h->status == 304) {
        http1_resp_end(st, 0, env);
        return;
    }
    /* The head stays in d->buf (the txn's views point there) until http1_resp_end. */
    if (h->has_te) {
        d->st = h->chunked ? S_CHUNK_SIZE : S_BODY_CLOSE;
        d->chunk_size = 0;
        d->chunk_digits = 0;
        d->line_len = 0;
    } else if (h->cl_bad) {
        http1_cnt(env, C_BAD_LENGTH);
        d->st = S_BODY_CLOSE;
    } else if (h->has_cl) {
        if (!h->content_length) {
            http1_resp_end(st, 0, env);
            return;
        }
        d->st = S_BODY_LEN;
        d->remaining = h->content_length;
    } else {
        d->st = S_BODY_CLOSE;
    }
    http1_setup_codec(rx, h->content_encoding, env);
}

/* The empty line ending a head was appended: parse and dispatch it. */
static void head_done(struct http1_state *st, int dir, const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    /* Header lines are at most the line count minus the start and end lines. */
    unsigned max = env->cfg->http_max_headers, lines = 0;
    for (const uint8_t *q = d->buf, *e = d->buf + d->blen; (q = memchr(q, '\n', (size_t)(e - q))) != NULL; q++)
        lines++;
    if (lines >= 2 && lines - 2 < max) max = lines - 2;
    free(d->hdrs);
    d->hdrs = NULL;
    if (max) {
        /* malloc, not calloc: glibc's calloc skips the per-thread cache, and
         * this is a small block a head (the parser fills what it uses) */
        d->hdrs = malloc(max * sizeof *d->hdrs);
        if (!d->hdrs) {
            http1_give_up(st, C_OOM, env);
            return;
        }
    }
    http1_unfold(d->buf, d->blen);
    struct http1_head h;
    struct parse_result r = http1_parse_head(d->buf, d->blen, &h, d->hdrs, max);
    if (r.status != PARSE_OK) {   /* cannot happen: the start line was checked */
        http1_cnt(env, C_BAD_HEAD);
        http1_enter_resync(d, true, env);
        return;
    }
    env->counters[C_BAD_HEADER_LINE] += h.n_bad_lines;
    if (h.has_te && (h.has_cl || h.cl_bad)) http1_cnt(env, C_CL_AND_TE);   /* RFC 9112 6.3: TE wins */
    uint32_t flags = 0;
    if (h.n_lines > h.n_hdrs) {
        flags |= TXN_HEAD_TOO_BIG;
        http1_cnt(env, C_TOO_MANY_HEADERS);
    }
    if (d->resync_pending) {
        flags |= TXN_RESYNC;
        d->resync_pending = false;
    }
    if (h.is_response) response_head(st, dir, &h, flags, env);
    else request_head(st, dir, &h, flags, env);
}

/* The first line of a candidate head is in buf (ending in LF): validate it
 * and settle the direction's role. Returns false if it is not a start line. */
static bool first_line_ok(struct http1_state *st, int dir, const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    struct http1_head h;
    memset(&h, 0, sizeof h);
    if (http1_parse_start_line(d->buf, d->blen - 1, &h) < 0) return false;
    enum role want = h.is_response ? ROLE_RESP : ROLE_REQ;
    if (d->role == ROLE_UNKNOWN) {
        if (st->d[dir ^ 1].role == want) {
            http1_give_up(st, C_ROLE_CONFLICT, env);
            return false;
        }
        d->role = want;
        st->client_dir = want == ROLE_REQ ? dir : dir ^ 1;
    }
    return d->role == want;
}

/* A head could not be used: count it (unless it was a resync candidate) and
 * look for the next message. */
static void reject_head(struct http1_state *st, int dir, bool at_line_start, int counter,
                        const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    if (st->dead) return;
    if (d->strict) {
        bool pending = d->resync_pending;
        http1_head_reset(d);
        d->st = S_RESYNC;
        d->at_line_start = at_line_start;
        d->resync_pending = pending;
        return;
    }
    if (counter >= 0) http1_cnt(env, counter);
    http1_enter_resync(d, at_line_start, env);
}

/* A head outgrew the cap. If its start line is known, the message is still
 * reported (a request is queued, a response ends at once), flagged. */
static void head_too_big(struct http1_state *st, int dir, bool at_line_start,
                         const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    if (d->strict || !d->first_line_done) {
        reject_head(st, dir, at_line_start, C_HEAD_TOO_BIG, env);
        return;
    }
    http1_cnt(env, C_HEAD_TOO_BIG);
    /* Keep the start line only and pretend the head ended there. */
    const uint8_t *nl = memchr(d->buf, '\n', d->blen);
    struct http1_head h;
    memset(&h, 0, sizeof h);
    http1_parse_start_line(d->buf, (size_t)(nl - d->buf), &h);
    d->blen = (size_t)(nl - d->buf) + 1;
    uint32_t flags = TXN_HEAD_TOO_BIG | (d->resync_pending ? TXN_RESYNC : 0);
    d->resync_pending = false;
    if (h.is_response) {
        /* Framing unknown: report it without a body, then resync. */
        struct http1_head bare = h;
        bare.has_cl = true;
        bare.content_length = 0;
        response_head(st, dir, &bare, flags, env);
        if (http1_resp_active(st)) http1_resp_end(st, 0, env);
    } else {
        request_head(st, dir, &h, flags, env);
        st->req_body_of = NULL;
    }
    if (!st->dead) http1_enter_resync(d, at_line_start, env);
}

/* S_HEAD: append up to the next LF to the head buffer. */
static size_t feed_head(struct http1_state *st, int dir, const uint8_t *p, size_t len,
                        const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    if (d->blen == 0) {
        size_t i = 0;   /* blank lines between messages (RFC 9112 2.2) */
        while (i < len && (p[i] == '\r' || p[i] == '\n')) i++;
        if (i) return i;
        d->head_ts = env->ts;
    }
    const uint8_t *nl = memchr(p, '\n', len);
    size_t n = nl ? (size_t)(nl - p) + 1 : len;
    size_t cap = env->cfg->http_max_header_bytes;
    if (d->blen > cap || n > cap - d->blen) {
        head_too_big(st, dir, nl != NULL, env);
        return n;
    }
    if (d->blen + n > d->bcap) {
        /* The first allocation is sized by what this segment holds (most
         * heads come whole in one), HEAD_MIN to HEAD_INIT bytes, so a
         * flow that sent the start of a head and went quiet holds little. */
        size_t nc = d->bcap;
        if (!nc)
            for (nc = HEAD_MIN; nc < HEAD_INIT && nc < len; nc *= 2) {}
        while (nc < d->blen + n) nc *= 2;
        if (nc > cap) nc = cap;
        uint8_t *nb = realloc(d->buf, nc);
        if (!nb) {
            http1_give_up(st, C_OOM, env);
            return len;
        }
        d->buf = nb;
        d->bcap = nc;
    }
    memcpy(d->buf + d->blen, p, n);
    d->blen += n;
    if (!d->first_line_done) {
        enum http1_start s = http1_classify(d->buf, d->blen, d->strict);
        if (s == HTTP1_START_NO) {
            reject_head(st, dir, nl != NULL, d->role == ROLE_UNKNOWN ? -1 : C_BAD_HEAD, env);
            return n;
        }
        if (nl) {
            if (!first_line_ok(st, dir, env)) {
                reject_head(st, dir, true, d->role == ROLE_UNKNOWN ? -1 : C_BAD_HEAD, env);
                return n;
            }
            d->first_line_done = true;
            d->line_start = d->blen;
        }
        return n;
    }
    if (nl) {
        size_t ll = d->blen - 1 - d->line_start;
        if (http1_blank_line(d->buf + d->line_start, ll)) {
            head_done(st, dir, env);
            return n;
        }
        d->line_start = d->blen;
    }
    return n;
}

/* S_RESYNC: skip to a line start that could begin a message. */
static size_t feed_resync(struct hdir *d, const uint8_t *p, size_t len)
{
    size_t i = 0;
    for (;;) {
        if (!d->at_line_start) {
            const uint8_t *nl = memchr(p + i, '\n', len - i);
            if (!nl) return len;
            i = (size_t)(nl - p) + 1;
            d->at_line_start = true;
        }
        if (i == len) return len;
        if (http1_classify(p + i, len - i, true) != HTTP1_START_NO) {
            bool pending = d->resync_pending;
            http1_head_reset(d);
            d->strict = true;
            d->resync_pending = pending;
            return i;
        }
        d->at_line_start = false;
    }
}

/* ---- dissector callbacks ---- */

static void http1_init(void *state, const struct dissect_env *env)
{
    struct http1_state *st = state;
    memset(st, 0, sizeof *st);
    st->client_dir = -1;
}

static void http1_on_data(void *state, int dir, const uint8_t *p, size_t len,
                          const struct dissect_env *env)
{
    struct http1_state *st = state;
    struct hdir *d = &st->d[dir & 1];
    dir &= 1;
    /* Servers tend to start a response with a fresh write, so a segment start
     * is worth a look even mid-line; start-line validation weeds out the rest. */
    if (d->st == S_RESYNC) d->at_line_start = true;
    size_t off = 0;
    while (off < len && !st->dead) {
        size_t n = 0;
        switch (d->st) {
        case S_HEAD:
            n = feed_head(st, dir, p + off, len - off, env);
            break;
        case S_RESYNC:
            n = feed_resync(d, p + off, len - off);
            break;
        case S_BODY_LEN:
        case S_CHUNK_DATA:
            n = http1_feed_counted(st, dir, p + off, len - off, env);
            break;
        case S_CHUNK_SIZE:
        case S_CHUNK_EXT:
        case S_CHUNK_END:
        case S_TRAILER:
            n = http1_feed_chunk(st, dir, p + off, len - off, env);
            break;
        case S_BODY_CLOSE:
            n = len - off;
            http1_body_wire(st, dir, n, env);
            http1_body_payload(st, dir, p + off, n, env);
            break;
        case S_DEAD:
            return;
        }
        off += n;
    }
}

/* A gap inside a head in the request direction: queue what is known of the
 * request (its start line, if complete) so that pairing stays aligned. */
static void partial_request(struct http1_state *st, int dir, const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    if (d->role != ROLE_REQ || !d->first_line_done) return;
    const uint8_t *nl = memchr(d->buf, '\n', d->blen);
    struct http1_head h;
    memset(&h, 0, sizeof h);
    if (!nl || http1_parse_start_line(d->buf, (size_t)(nl - d->buf), &h) < 0) return;
    d->blen = (size_t)(nl - d->buf) + 1;
    uint32_t flags = TXN_REQ_PARTIAL | (d->resync_pending ? TXN_RESYNC : 0);
    d->resync_pending = false;
    http1_cnt(env, C_REQUESTS);
    struct pend *pe = pend_new(d->buf, d->blen, &h, d->hdrs, flags, d->head_ts);
    if (pe) queue_push(st, pe, env);
    else http1_cnt(env, C_OOM);
}

static void http1_on_gap(void *state, int dir, uint64_t len, enum gap_reason why,
                         const struct dissect_env *env)
{
    struct http1_state *st = state;
    dir &= 1;
    struct hdir *d = &st->d[dir];
    if (st->dead || !len) return;
    bool req_dir = d->role == ROLE_REQ;
    if (req_dir) {
        http1_cnt(env, C_GAP_IN_REQUEST);
        if (st->req_body_of) st->req_body_of->flags |= TXN_REQ_PARTIAL;
    }
    uint32_t gflag = why == GAP_SNAPLEN ? TXN_BODY_SNAPLEN : TXN_BODY_GAP;
    bool resp_body = d->role == ROLE_RESP && http1_resp_active(st);
    switch (d->st) {
    case S_BODY_LEN:
    case S_CHUNK_DATA:
    case S_BODY_CLOSE: {
        uint64_t in_body = d->st == S_BODY_CLOSE || len < d->remaining ? len : d->remaining;
        if (!req_dir) http1_cnt(env, C_GAP_IN_BODY);
        if (resp_body) {
            struct rtx *rx = st->rx;
            rx->t.flags |= gflag;
            rx->t.resp_body_wire += in_body;
            bool was = rx->decoding;
            if (rx->codec) http1_stop_decoding(rx);   /* a compressed stream cannot skip */
            if (was && rx->bc) env->out->body_gap(env->out_ctx, rx->bc, in_body);
        } else if (st->req_body_of) {
            st->req_body_of->body_wire += in_body;
        }
        if (d->st == S_BODY_CLOSE) return;
        d->remaining -= in_body;
        if (d->remaining) return;                 /* framing survives */
        if (in_body == len) {                     /* the gap ended exactly at the end */
            if (d->st == S_CHUNK_DATA) {
                d->st = S_CHUNK_END;
                d->line_len = 0;
            } else {
                http1_body_done(st, dir, env);
            }
            return;
        }
        /* The gap ran past this body (Content-Length) or this chunk: what
         * follows is lost, and for a chunked body so is its real end. */
        if (resp_body) http1_resp_end(st, d->st == S_CHUNK_DATA ? TXN_BODY_TRUNC : 0, env);
        else st->req_body_of = NULL;
        http1_enter_resync(d, false, env);
        return;
    }
    case S_CHUNK_SIZE:
    case S_CHUNK_EXT:
    case S_CHUNK_END:
    case S_TRAILER:
        if (!req_dir) http1_cnt(env, C_GAP_IN_BODY);
        if (resp_body) http1_resp_end(st, d->st == S_TRAILER ? 0 : gflag | TXN_BODY_TRUNC, env);
        else st->req_body_of = NULL;
        http1_enter_resync(d, false, env);
        return;
    case S_HEAD:
        if (d->blen) {
            http1_cnt(env, C_GAP_IN_HEAD);
            partial_request(st, dir, env);
        }
        http1_enter_resync(d, false, env);
        return;
    case S_RESYNC:
        d->at_line_start = false;
        return;
    case S_DEAD:
        return;
    }
}

static void http1_on_close(void *state, const struct dissect_env *env)
{
    struct http1_state *st = state;
    if (st->req_body_of) st->req_body_of->flags |= TXN_REQ_PARTIAL;   /* body never finished */
    if (http1_resp_active(st)) {
        struct hdir *d = &st->d[st->rx->dir];
        uint32_t f = 0;
        if (d->st != S_BODY_CLOSE && d->st != S_DEAD) {
            f = TXN_BODY_TRUNC;
            http1_cnt(env, C_BODY_TRUNC);
        }
        http1_resp_end(st, f, env);
    }
    for (int dir = 0; dir < 2; dir++) {
        struct hdir *d = &st->d[dir];
        if (!st->dead && d->st == S_HEAD && d->blen) partial_request(st, dir, env);
    }
    struct pend *pe;
    while ((pe = queue_pop(st)) != NULL) report_unanswered(st, pe, env);
    for (int dir = 0; dir < 2; dir++) {
        free(st->d[dir].buf);
        free(st->d[dir].hdrs);
        st->d[dir].buf = NULL;
        st->d[dir].hdrs = NULL;
        st->d[dir].st = S_DEAD;
    }
    free(st->q);
    st->q = NULL;
    st->q_cap = st->q_head = st->q_len = 0;
    free(st->rx);   /* ended above: its request, decoder and consumer are gone */
    st->rx = NULL;
    st->dead = true;
}

/* Pure: a method token + SP + target + " HTTP/1." on the first line, or
 * "HTTP/1.0 " / "HTTP/1.1 " and three digits. */
static enum probe_result http1_probe(const uint8_t *p, size_t len, int dir)
{
    enum http1_start s = http1_classify(p, len, false);
    if (s == HTTP1_START_NO) return PROBE_NO;
    if (s == HTTP1_START_RESP) return PROBE_YES;   /* lenient, as http1_classify reads status lines */
    if (s == HTTP1_START_MAYBE) return PROBE_MAYBE;
    size_t lim = len < PROBE_BUDGET ? len : PROBE_BUDGET;
    static const char ver[] = " HTTP/1.";
    for (size_t i = 0; i < lim; i++) {
        if (p[i] == '\n' || p[i] == '\r') return PROBE_NO;
        size_t k = 0;
        while (k < 8 && i + k < lim && p[i + k] == (uint8_t)ver[k]) k++;
        if (k == 8) return PROBE_YES;
        if (i + k == lim && i + k == len) return PROBE_MAYBE;   /* a prefix of " HTTP/1." */
    }
    return len < PROBE_BUDGET ? PROBE_MAYBE : PROBE_NO;
}

_Static_assert(C__COUNT <= 64, "cap_counters is a 64-bit mask");

const struct dissector http1_dissector = {
    .name = "http",
    .state_size = sizeof(struct http1_state),
    .counter_names = counter_names,
    .n_counters = C__COUNT,
    .cap_counters = 1ull << C_HEAD_TOO_BIG | 1ull << C_TOO_MANY_HEADERS | 1ull << C_PIPELINE_OVERFLOW |
                    1ull << C_CHUNK_ERROR | 1ull << C_CHUNK_TOO_BIG | 1ull << C_DECODED_CAP | 1ull << C_RATIO_CAP,
    .probe = http1_probe,
    .init = http1_init,
    .on_data = http1_on_data,
    .on_gap = http1_on_gap,
    .on_close = http1_on_close,
};
