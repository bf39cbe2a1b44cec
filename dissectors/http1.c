/* http1.c -- the HTTP/1.x dissector: framing, pairing, bodies, gaps.
 *
 * RFC 9112. Each stream direction runs its own state machine; which one
 * carries requests is decided by what its first message looks like, not by
 * port. Requests are parsed, copied and queued (pipelining, bounded by
 * cfg->http_max_pipeline) until the response that answers them has ended,
 * because a transaction exposes the request headers along with the response.
 * Response bodies are de-chunked, then decoded (Content-Encoding, through
 * codec.h) into a fixed stack buffer and handed to the sink piece by piece.
 *
 * Gaps: a hole inside a body of known remaining length keeps framing (the
 * bytes are counted as missing); a hole anywhere else loses it, and the
 * direction resynchronises on the next line that starts a message. Every
 * anomaly is a named counter (http1_counter_names).
 *
 * Ownership: the direction buffer holds the head being accumulated, and the
 * current response head until its transaction ends (the txn's response views
 * point there). Each queued request owns one allocation holding its head
 * bytes and its header array. Nothing is allocated per body chunk.
 */
#include "http1.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "config.h"
#include "limits.h"

#define OUT_CHUNK    (16u << 10)   /* decoded bytes handed to the sink per call */
#define RATIO_GRACE  (64u << 10)   /* decoded bytes before the ratio cap applies */
#define PROBE_BUDGET 8192u         /* bytes of first line the probe looks at */
#define HEAD_INIT    1024u         /* first allocation of a head buffer */

/* ---- counters ---- */

enum {
    C_REQUESTS, C_RESPONSES, C_INFORMATIONAL, C_RESYNC, C_HEAD_TOO_BIG, C_TOO_MANY_HEADERS,
    C_BAD_HEAD, C_BAD_HEADER_LINE, C_BAD_LENGTH, C_PIPELINE_OVERFLOW, C_CHUNK_ERROR,
    C_DECODE_ERROR, C_DECODED_CAP, C_RATIO_CAP, C_UNKNOWN_ENCODING, C_GAP_IN_BODY,
    C_GAP_IN_HEAD, C_GAP_IN_REQUEST, C_UNANSWERED, C_ORPHAN_RESPONSES, C_TUNNEL, C_UPGRADE,
    C_GAVE_UP, C_BODY_TRUNC, C_ROLE_CONFLICT, C_OOM,
    C__COUNT
};

static const char *const counter_names[C__COUNT] = {
    "requests", "responses", "informational", "resync", "head_too_big", "too_many_headers",
    "bad_head", "bad_header_line", "bad_length", "pipeline_overflow", "chunk_error",
    "decode_error", "decoded_cap", "ratio_cap", "unknown_encoding", "gap_in_body",
    "gap_in_head", "gap_in_request", "unanswered", "orphan_responses", "tunnel", "upgrade",
    "gave_up", "body_trunc", "role_conflict", "oom",
};

/* ---- state ---- */

enum role { ROLE_UNKNOWN = 0, ROLE_REQ, ROLE_RESP };

enum dstate {
    S_HEAD = 0,     /* accumulating a head; blen == 0 at a message boundary */
    S_RESYNC,       /* framing lost: looking for a line that starts a message */
    S_BODY_LEN,     /* Content-Length body, `remaining` bytes to go */
    S_CHUNK_SIZE,   /* chunk-size hex digits */
    S_CHUNK_EXT,    /* chunk extensions, up to LF */
    S_CHUNK_DATA,   /* chunk data, `remaining` bytes to go */
    S_CHUNK_END,    /* CRLF after chunk data */
    S_TRAILER,      /* trailer section, up to an empty line */
    S_BODY_CLOSE,   /* body runs to the end of the direction */
    S_DEAD,         /* nothing more to parse in this direction */
};

/* A request kept until its response ends. One allocation: this struct, then
 * hdrs[n_hdrs], then head[head_len] which the views point into. */
struct pend {
    uint32_t flags;
    struct bytes method, uri;
    uint8_t version;
    struct http_header *hdrs;
    unsigned n_hdrs;
    uint64_t body_wire, body_decoded;
    struct timeval ts;
    uint8_t *head;
    size_t head_len;
};

struct hdir {
    enum role role;
    enum dstate st;
    uint8_t *buf;              /* head buffer, grows up to cfg->http_max_header_bytes */
    size_t blen, bcap;
    size_t line_start;         /* offset in buf of the line being accumulated */
    bool first_line_done;
    bool strict;               /* head is a resync candidate: reject quietly */
    bool at_line_start;        /* S_RESYNC: next byte begins a line */
    bool resync_pending;       /* the next message carries TXN_RESYNC */
    uint32_t gap_flags;        /* flags for the head being accumulated (gaps) */
    struct http_header *hdrs;  /* cfg->http_max_headers entries, for parsing */
    struct timeval head_ts;    /* packet time of the first byte of the head */
    /* body framing */
    uint64_t remaining;
    uint64_t chunk_size;
    unsigned chunk_digits;
    size_t line_len;           /* chunk-size line or trailer line so far */
    uint64_t trailer_bytes;
};

/* The response transaction in progress. */
struct rtx {
    bool active;
    int dir;                   /* direction carrying the response */
    struct http_txn t;
    struct pend *req;          /* owned; NULL when TXN_REQ_MISSING */
    struct body_consumer *bc;
    struct codec *codec;
    bool decoding;             /* body bytes still go to the sink */
};

struct http1_state {
    struct hdir d[2];
    int client_dir;            /* -1 until a direction showed its role */
    bool dead;                 /* gave up, tunnel, or upgraded: ignore the rest */
    struct pend **q;           /* ring of pending requests */
    unsigned q_head, q_len, q_cap;
    struct pend *req_body_of;  /* request whose body the request direction reads */
    struct rtx rx;
};

static void cnt(const struct dissect_env *env, int c) { env->counters[c]++; }

/* ---- small helpers ---- */

static struct bytes rebase(struct bytes v, const uint8_t *from, uint8_t *to)
{
    if (!v.p || !v.len) return bytes_of(NULL, 0);
    return bytes_of(to + (v.p - from), v.len);
}

static void head_reset(struct hdir *d)
{
    d->blen = 0;
    d->line_start = 0;
    d->first_line_done = false;
    d->strict = false;
    d->gap_flags = 0;
    d->st = S_HEAD;
}

static void enter_resync(struct hdir *d, bool at_line_start, const struct dissect_env *env)
{
    head_reset(d);
    d->st = S_RESYNC;
    d->at_line_start = at_line_start;
    d->resync_pending = true;
    cnt(env, C_RESYNC);
}

static void pend_free(struct http1_state *st, struct pend *pe)
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

static void queue_push(struct http1_state *st, struct pend *pe, const struct dissect_env *env)
{
    if (!st->q) {
        unsigned cap = env->cfg->http_max_pipeline ? env->cfg->http_max_pipeline : 1;
        st->q = calloc(cap, sizeof *st->q);
        if (!st->q) {
            cnt(env, C_OOM);
            free(pe);
            return;
        }
        st->q_cap = cap;
    }
    if (st->q_len == st->q_cap) {
        cnt(env, C_PIPELINE_OVERFLOW);
        pend_free(st, pe);
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
    cnt(env, C_UNANSWERED);
    struct body_consumer *bc = env->out->begin(env->out_ctx, &t);
    env->out->end(env->out_ctx, bc, &t);
    pend_free(st, pe);
}

/* ---- response bodies ---- */

static void stop_decoding(struct rtx *rx)
{
    codec_free(rx->codec);
    rx->codec = NULL;
    rx->decoding = false;
}

/* Hand decoded bytes to the sink within the decoded-size cap. Returns false
 * when the cap stopped decoding. */
static bool deliver(struct rtx *rx, const uint8_t *p, size_t n, const struct dissect_env *env)
{
    uint64_t max = env->cfg->http_max_decoded, done = rx->t.resp_body_decoded;
    uint64_t room = done < max ? max - done : 0;
    bool capped = n > room;
    if (capped) n = (size_t)room;
    if (n) {
        env->out->body(env->out_ctx, rx->bc, p, n);
        rx->t.resp_body_decoded += n;
    }
    if (capped) {
        rx->t.flags |= TXN_BODY_CAP;
        cnt(env, C_DECODED_CAP);
        stop_decoding(rx);
        return false;
    }
    return true;
}

/* Payload bytes of the response body (chunk framing already removed). */
static void resp_payload(struct http1_state *st, const uint8_t *p, size_t n,
                         const struct dissect_env *env)
{
    struct rtx *rx = &st->rx;
    if (!rx->active || !rx->decoding || !n) return;
    if (!rx->codec) {
        deliver(rx, p, n, env);
        return;
    }
    uint8_t out[OUT_CHUNK];
    size_t off = 0;
    for (;;) {
        size_t used = 0, made = 0;
        enum codec_status s = codec_feed(rx->codec, p + off, n - off, &used, out, sizeof out, &made);
        off += used;
        if (made && !deliver(rx, out, made, env)) return;
        uint64_t dec = rx->t.resp_body_decoded, in = codec_total_in(rx->codec);
        uint64_t ratio = env->cfg->http_max_ratio;
        if (ratio && dec > RATIO_GRACE && in <= UINT64_MAX / ratio && dec > ratio * in) {
            rx->t.flags |= TXN_BODY_CAP;
            cnt(env, C_RATIO_CAP);
            stop_decoding(rx);
            return;
        }
        if (s == CODEC_ERROR) {
            rx->t.flags |= TXN_DECODE_ERROR;
            cnt(env, C_DECODE_ERROR);
            stop_decoding(rx);
            return;
        }
        if (s == CODEC_END) {   /* bytes after the end of the stream are ignored */
            stop_decoding(rx);
            return;
        }
        if (s == CODEC_OK && off == n) return;
        if (!used && !made) return;   /* no progress: wait for more input */
    }
}

/* Wire bytes of a body in direction dir (framing included). */
static void body_wire(struct http1_state *st, int dir, uint64_t n, const struct dissect_env *env)
{
    if (st->d[dir].role == ROLE_RESP) {
        if (st->rx.active) {
            st->rx.t.resp_body_wire += n;
            st->rx.t.ts_end = env->ts;
        }
    } else if (st->req_body_of) {
        st->req_body_of->body_wire += n;
    }
}

static void body_payload(struct http1_state *st, int dir, const uint8_t *p, size_t n,
                         const struct dissect_env *env)
{
    if (st->d[dir].role == ROLE_RESP) resp_payload(st, p, n, env);
    else if (st->req_body_of) st->req_body_of->body_decoded += n;
}

/* The response transaction ends: drain the decoder, tell the sink, free. */
static void resp_end(struct http1_state *st, uint32_t flags, const struct dissect_env *env)
{
    struct rtx *rx = &st->rx;
    if (!rx->active) return;
    int dir = rx->dir;
    rx->t.flags |= flags;
    if (rx->codec && rx->decoding) {
        uint8_t out[OUT_CHUNK];
        for (int guard = 0; guard < 1 << 16 && rx->codec; guard++) {
            size_t used, made = 0;
            enum codec_status s = codec_feed(rx->codec, NULL, 0, &used, out, sizeof out, &made);
            if (made && !deliver(rx, out, made, env)) break;
            if (s != CODEC_MORE_OUTPUT || !made) break;
        }
    }
    if (rx->req) {
        rx->t.flags |= rx->req->flags;
        rx->t.req_body_wire = rx->req->body_wire;
        rx->t.req_body_decoded = rx->req->body_decoded;
    }
    env->out->end(env->out_ctx, rx->bc, &rx->t);
    stop_decoding(rx);
    pend_free(st, rx->req);
    memset(rx, 0, sizeof *rx);
    head_reset(&st->d[dir]);
}

/* Set up Content-Encoding decoding for the body about to start. */
static void setup_codec(struct rtx *rx, struct bytes ce, const struct dissect_env *env)
{
    enum codec_type types[CODEC_MAX_LAYERS];
    size_t n = 0, i = 0;
    bool unknown = false;
    while (i <= ce.len && ce.len) {
        size_t j = i;
        while (j < ce.len && ce.p[j] != ',') j++;
        struct bytes tok = bytes_trim(bytes_of(ce.p + i, j - i));
        i = j + 1;
        if (!tok.len) continue;
        enum codec_type t = codec_from_name(tok);
        if (t == CODEC_IDENTITY) continue;
        if (t == CODEC_UNKNOWN || n == CODEC_MAX_LAYERS) {
            unknown = true;
            break;
        }
        types[n++] = t;
    }
    rx->decoding = rx->bc != NULL;
    if (unknown) {
        cnt(env, C_UNKNOWN_ENCODING);   /* delivered raw: still worth a scan */
        return;
    }
    if (!n || !rx->decoding) return;
    rx->codec = codec_new_stack(types, n);
    if (!rx->codec) {
        cnt(env, C_OOM);
        rx->t.flags |= TXN_DECODE_ERROR;
        rx->decoding = false;
    }
}

/* Stop parsing the flow: counter says why (C_TUNNEL and C_UPGRADE are the
 * normal ends; anything else is also counted as gave_up, and a response
 * whose body was under way ends truncated). */
static void give_up(struct http1_state *st, int counter, const struct dissect_env *env)
{
    bool failure = counter != C_TUNNEL && counter != C_UPGRADE;
    if (st->rx.active) resp_end(st, failure ? TXN_BODY_TRUNC : 0, env);
    cnt(env, counter);
    if (failure) cnt(env, C_GAVE_UP);
    st->dead = true;
    st->d[0].st = st->d[1].st = S_DEAD;
}

/* ---- heads ---- */

static void request_head(struct http1_state *st, int dir, const struct http1_head *h,
                         uint32_t flags, const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    cnt(env, C_REQUESTS);
    struct pend *pe = pend_new(d->buf, d->blen, h, d->hdrs, flags | d->gap_flags, d->head_ts);
    if (!pe) {
        give_up(st, C_OOM, env);
        return;
    }
    unsigned before = st->q_len;
    queue_push(st, pe, env);
    st->req_body_of = st->q_len > before ? pe : NULL;
    head_reset(d);
    if (h->has_te) {
        if (h->chunked) {
            d->st = S_CHUNK_SIZE;
            d->chunk_size = 0;
            d->chunk_digits = 0;
            d->line_len = 0;
        } else {
            enter_resync(d, true, env);   /* RFC 9112 6.3: no way to frame it */
        }
    } else if (h->cl_bad) {
        cnt(env, C_BAD_LENGTH);
        enter_resync(d, true, env);
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
    cnt(env, C_RESPONSES);
    if (h->status < 200 && h->status != 101) {   /* 100 Continue, 102, 103: not final */
        cnt(env, C_INFORMATIONAL);
        head_reset(d);
        return;
    }
    struct rtx *rx = &st->rx;
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
        cnt(env, C_ORPHAN_RESPONSES);
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
        give_up(st, C_UPGRADE, env);
        return;
    }
    if (is_connect && h->status < 300) {
        give_up(st, C_TUNNEL, env);
        return;
    }
    if (is_head || h->status == 204 || h->status == 304) {
        resp_end(st, 0, env);
        return;
    }
    /* The head stays in d->buf (the txn's views point there) until resp_end. */
    if (h->has_te) {
        d->st = h->chunked ? S_CHUNK_SIZE : S_BODY_CLOSE;
        d->chunk_size = 0;
        d->chunk_digits = 0;
        d->line_len = 0;
    } else if (h->cl_bad) {
        cnt(env, C_BAD_LENGTH);
        d->st = S_BODY_CLOSE;
    } else if (h->has_cl) {
        if (!h->content_length) {
            resp_end(st, 0, env);
            return;
        }
        d->st = S_BODY_LEN;
        d->remaining = h->content_length;
    } else {
        d->st = S_BODY_CLOSE;
    }
    setup_codec(rx, h->content_encoding, env);
}

/* The empty line ending a head was appended: parse and dispatch it. */
static void head_done(struct http1_state *st, int dir, const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    unsigned max = env->cfg->http_max_headers;
    if (!d->hdrs && max) {
        d->hdrs = calloc(max, sizeof *d->hdrs);
        if (!d->hdrs) {
            give_up(st, C_OOM, env);
            return;
        }
    }
    http1_unfold(d->buf, d->blen);
    struct http1_head h;
    struct parse_result r = http1_parse_head(d->buf, d->blen, &h, d->hdrs, max);
    if (r.status != PARSE_OK) {   /* cannot happen: the start line was checked */
        cnt(env, C_BAD_HEAD);
        enter_resync(d, true, env);
        return;
    }
    env->counters[C_BAD_HEADER_LINE] += h.n_bad_lines;
    uint32_t flags = 0;
    if (h.n_lines > h.n_hdrs) {
        flags |= TXN_HEAD_TOO_BIG;
        cnt(env, C_TOO_MANY_HEADERS);
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
            give_up(st, C_ROLE_CONFLICT, env);
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
        head_reset(d);
        d->st = S_RESYNC;
        d->at_line_start = at_line_start;
        d->resync_pending = pending;
        return;
    }
    if (counter >= 0) cnt(env, counter);
    enter_resync(d, at_line_start, env);
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
    cnt(env, C_HEAD_TOO_BIG);
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
        if (st->rx.active) resp_end(st, 0, env);
    } else {
        request_head(st, dir, &h, flags, env);
        st->req_body_of = NULL;
    }
    if (!st->dead) enter_resync(d, at_line_start, env);
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
        size_t nc = d->bcap ? d->bcap : HEAD_INIT;
        while (nc < d->blen + n) nc *= 2;
        if (nc > cap) nc = cap;
        uint8_t *nb = realloc(d->buf, nc);
        if (!nb) {
            give_up(st, C_OOM, env);
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
        if (ll == 0 || (ll == 1 && d->buf[d->line_start] == '\r')) {
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
            head_reset(d);
            d->strict = true;
            d->resync_pending = pending;
            return i;
        }
        d->at_line_start = false;
    }
}

/* The body of the message in direction dir is complete. */
static void body_done(struct http1_state *st, int dir, const struct dissect_env *env)
{
    if (st->d[dir].role == ROLE_RESP) {
        resp_end(st, 0, env);
    } else {
        st->req_body_of = NULL;
        head_reset(&st->d[dir]);
    }
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Chunk framing lost: end the body here and resync. */
static void chunk_error(struct http1_state *st, int dir, const struct dissect_env *env)
{
    cnt(env, C_CHUNK_ERROR);
    if (st->d[dir].role == ROLE_RESP) resp_end(st, TXN_BODY_TRUNC, env);
    else st->req_body_of = NULL;
    enter_resync(&st->d[dir], false, env);
}

/* Chunked transfer coding (RFC 9112 7.1), every state but chunk data:
 *   chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk = 1*("0") [ chunk-ext ] CRLF, then trailer-section CRLF */
static size_t feed_chunk_framing(struct http1_state *st, int dir, const uint8_t *p, size_t len,
                                 const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    size_t i = 0;
    while (i < len) {
        uint8_t c = p[i++];
        if (d->st == S_CHUNK_SIZE || d->st == S_CHUNK_EXT) {
            if (++d->line_len > LIM_HTTP_CHUNK_LINE) goto bad;
            int v = d->st == S_CHUNK_SIZE ? hexval(c) : -1;
            if (v >= 0) {
                if (d->chunk_size > (UINT64_MAX >> 4)) {   /* overflow: hostile or broken */
                    body_wire(st, dir, i, env);
                    give_up(st, C_CHUNK_ERROR, env);
                    return len;
                }
                d->chunk_size = d->chunk_size << 4 | (uint64_t)v;
                d->chunk_digits++;
                continue;
            }
            if (c == '\n') {
                if (!d->chunk_digits) goto bad;
                body_wire(st, dir, i, env);
                if (d->chunk_size == 0) {
                    d->st = S_TRAILER;
                    d->line_len = 0;
                    d->trailer_bytes = 0;
                } else {
                    d->st = S_CHUNK_DATA;
                    d->remaining = d->chunk_size;
                }
                return i;
            }
            if (d->st == S_CHUNK_SIZE) {
                if (!d->chunk_digits || (c != ';' && c != ' ' && c != '\t' && c != '\r')) goto bad;
                d->st = S_CHUNK_EXT;
            }
        } else if (d->st == S_CHUNK_END) {
            if (c == '\r' && d->line_len == 0) {
                d->line_len = 1;
            } else if (c == '\n') {
                d->st = S_CHUNK_SIZE;
                d->chunk_size = 0;
                d->chunk_digits = 0;
                d->line_len = 0;
                body_wire(st, dir, i, env);
                return i;
            } else {
                goto bad;
            }
        } else {   /* S_TRAILER: lines parsed only for their end, then dropped */
            if (++d->trailer_bytes > env->cfg->http_max_header_bytes) goto bad;
            if (c == '\n') {
                if (d->line_len == 0) {
                    body_wire(st, dir, i, env);
                    body_done(st, dir, env);
                    return i;
                }
                d->line_len = 0;
            } else if (c != '\r') {
                d->line_len++;
            }
        }
    }
    body_wire(st, dir, len, env);
    return len;
bad:
    body_wire(st, dir, i, env);
    chunk_error(st, dir, env);
    return i;
}

/* Bytes of a body with a known remaining length (Content-Length or chunk). */
static size_t feed_counted(struct http1_state *st, int dir, const uint8_t *p, size_t len,
                           const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    size_t n = len < d->remaining ? len : (size_t)d->remaining;
    d->remaining -= n;
    body_wire(st, dir, n, env);
    body_payload(st, dir, p, n, env);
    if (d->remaining == 0) {
        if (d->st == S_CHUNK_DATA) {
            d->st = S_CHUNK_END;
            d->line_len = 0;
        } else {
            body_done(st, dir, env);
        }
    }
    return n;
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
            n = feed_counted(st, dir, p + off, len - off, env);
            break;
        case S_CHUNK_SIZE:
        case S_CHUNK_EXT:
        case S_CHUNK_END:
        case S_TRAILER:
            n = feed_chunk_framing(st, dir, p + off, len - off, env);
            break;
        case S_BODY_CLOSE:
            n = len - off;
            body_wire(st, dir, n, env);
            body_payload(st, dir, p + off, n, env);
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
    cnt(env, C_REQUESTS);
    struct pend *pe = pend_new(d->buf, d->blen, &h, d->hdrs, flags, d->head_ts);
    if (pe) queue_push(st, pe, env);
    else cnt(env, C_OOM);
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
        cnt(env, C_GAP_IN_REQUEST);
        if (st->req_body_of) st->req_body_of->flags |= TXN_REQ_PARTIAL;
    }
    uint32_t gflag = why == GAP_SNAPLEN ? TXN_BODY_SNAPLEN : TXN_BODY_GAP;
    bool resp_body = d->role == ROLE_RESP && st->rx.active;
    switch (d->st) {
    case S_BODY_LEN:
    case S_CHUNK_DATA:
    case S_BODY_CLOSE: {
        uint64_t in_body = d->st == S_BODY_CLOSE || len < d->remaining ? len : d->remaining;
        if (!req_dir) cnt(env, C_GAP_IN_BODY);
        if (resp_body) {
            struct rtx *rx = &st->rx;
            rx->t.flags |= gflag;
            rx->t.resp_body_wire += in_body;
            bool was = rx->decoding;
            if (rx->codec) stop_decoding(rx);   /* a compressed stream cannot skip */
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
                body_done(st, dir, env);
            }
            return;
        }
        /* The gap ran past this body (Content-Length) or this chunk: what
         * follows is lost, and for a chunked body so is its real end. */
        if (resp_body) resp_end(st, d->st == S_CHUNK_DATA ? TXN_BODY_TRUNC : 0, env);
        else st->req_body_of = NULL;
        enter_resync(d, false, env);
        return;
    }
    case S_CHUNK_SIZE:
    case S_CHUNK_EXT:
    case S_CHUNK_END:
    case S_TRAILER:
        if (!req_dir) cnt(env, C_GAP_IN_BODY);
        if (resp_body) resp_end(st, d->st == S_TRAILER ? 0 : gflag | TXN_BODY_TRUNC, env);
        else st->req_body_of = NULL;
        enter_resync(d, false, env);
        return;
    case S_HEAD:
        if (d->blen) {
            cnt(env, C_GAP_IN_HEAD);
            partial_request(st, dir, env);
        }
        enter_resync(d, false, env);
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
    if (st->rx.active) {
        struct hdir *d = &st->d[st->rx.dir];
        uint32_t f = 0;
        if (d->st != S_BODY_CLOSE && d->st != S_DEAD) {
            f = TXN_BODY_TRUNC;
            cnt(env, C_BODY_TRUNC);
        }
        resp_end(st, f, env);
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
    st->dead = true;
}

/* Pure: a method token + SP + target + " HTTP/1." on the first line, or
 * "HTTP/1.0 " / "HTTP/1.1 " and three digits. */
static enum probe_result http1_probe(const uint8_t *p, size_t len, int dir)
{
    enum http1_start s = http1_classify(p, len, false);
    if (s == HTTP1_START_NO) return PROBE_NO;
    if (s == HTTP1_START_RESP) return p[7] == '0' || p[7] == '1' ? PROBE_YES : PROBE_NO;
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

const struct dissector http1_dissector = {
    .name = "http",
    .state_size = sizeof(struct http1_state),
    .counter_names = counter_names,
    .n_counters = C__COUNT,
    .probe = http1_probe,
    .init = http1_init,
    .on_data = http1_on_data,
    .on_gap = http1_on_gap,
    .on_close = http1_on_close,
};
