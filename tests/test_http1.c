/* test_http1.c -- the HTTP/1.x dissector, driven through its descriptor with
 * a fake dissect_env and a sink that records every transaction (strings
 * copied: the views die with the callback). Every input is fed from a
 * malloc'ed buffer of exactly its size, so ASan sees any over-read. */
#include "test.h"

#include <zlib.h>
#include <zstd.h>

#include "config.h"
#include "dissect.h"
#include "http1.h"
#include "txn.h"

/* ---- recording sink ---- */

#define MAX_TXN 64

struct rec_txn {
    int began, ended, body_calls_after_end;
    int client_dir;
    uint32_t flags;
    char method[32], uri[256], reason[64];
    char host[64], ua[64], ctype[64], cenc[64], auth[64], xreq[64], xresp[64];
    uint8_t req_version, resp_version;
    unsigned n_req_hdrs, n_resp_hdrs;
    uint64_t req_body_wire, req_body_decoded, resp_body_wire, resp_body_decoded;
    int status;
    long ts_request, ts_response, ts_end;
    uint8_t *body;
    size_t body_len;
    uint64_t gap_bytes;
    unsigned n_gaps;
};

struct rec {
    struct rec_txn t[MAX_TXN];
    unsigned n;
    int bad_consumer;   /* body/end got a consumer begin() did not hand out */
};

static void cp(char *dst, size_t cap, struct bytes b)
{
    size_t n = b.len < cap - 1 ? b.len : cap - 1;
    if (n) memcpy(dst, b.p, n);
    dst[n] = 0;
}

static void rec_fill(struct rec_txn *r, const struct http_txn *t)
{
    r->client_dir = t->client_dir;
    r->flags = t->flags;
    cp(r->method, sizeof r->method, t->method);
    cp(r->uri, sizeof r->uri, t->uri);
    cp(r->reason, sizeof r->reason, t->reason);
    cp(r->host, sizeof r->host, t->host);
    cp(r->ua, sizeof r->ua, t->user_agent);
    cp(r->ctype, sizeof r->ctype, t->content_type);
    cp(r->cenc, sizeof r->cenc, t->content_encoding);
    cp(r->auth, sizeof r->auth, t->authorization);
    cp(r->xreq, sizeof r->xreq, http_header_get(t->req_hdrs, t->n_req_hdrs, "x-req"));
    cp(r->xresp, sizeof r->xresp, http_header_get(t->resp_hdrs, t->n_resp_hdrs, "x-resp"));
    r->req_version = t->req_version;
    r->resp_version = t->resp_version;
    r->n_req_hdrs = t->n_req_hdrs;
    r->n_resp_hdrs = t->n_resp_hdrs;
    r->req_body_wire = t->req_body_wire;
    r->req_body_decoded = t->req_body_decoded;
    r->resp_body_wire = t->resp_body_wire;
    r->resp_body_decoded = t->resp_body_decoded;
    r->status = t->status;
    r->ts_request = t->ts_request.tv_sec;
    r->ts_response = t->ts_response.tv_sec;
    r->ts_end = t->ts_end.tv_sec;
}

static struct body_consumer *rec_begin(void *ctx, const struct http_txn *t)
{
    struct rec *rc = ctx;
    if (rc->n == MAX_TXN) return NULL;
    struct rec_txn *r = &rc->t[rc->n++];
    rec_fill(r, t);
    r->began = 1;
    return (struct body_consumer *)r;
}

static struct rec_txn *rec_of(struct rec *rc, struct body_consumer *bc)
{
    struct rec_txn *r = (struct rec_txn *)bc;
    if (r < rc->t || r >= rc->t + rc->n) {
        rc->bad_consumer++;
        return NULL;
    }
    return r;
}

static void rec_body(void *ctx, struct body_consumer *bc, const uint8_t *p, size_t len)
{
    struct rec_txn *r = rec_of(ctx, bc);
    if (!r) return;
    if (r->ended) r->body_calls_after_end++;
    r->body = realloc(r->body, r->body_len + len + 1);
    memcpy(r->body + r->body_len, p, len);
    r->body_len += len;
}

static void rec_gap(void *ctx, struct body_consumer *bc, uint64_t len)
{
    struct rec_txn *r = rec_of(ctx, bc);
    if (!r) return;
    r->gap_bytes += len;
    r->n_gaps++;
}

static void rec_end(void *ctx, struct body_consumer *bc, const struct http_txn *t)
{
    struct rec_txn *r = rec_of(ctx, bc);
    if (!r) return;
    rec_fill(r, t);
    r->ended++;
}

static const struct txn_sink rec_sink = { rec_begin, rec_body, rec_gap, rec_end };

/* ---- harness ---- */

struct h {
    struct config cfg;
    struct flow_view fv;
    struct dissect_env env;
    uint64_t counters[64];
    void *state;
    struct rec rec;
    long tick;
    int closed;
};

static struct h *h_new_cfg(const struct config *cfg)
{
    struct h *h = calloc(1, sizeof *h);
    if (cfg) h->cfg = *cfg;
    else config_defaults(&h->cfg);
    h->fv.id = 1;
    h->env.cfg = &h->cfg;
    h->env.flow = &h->fv;
    h->env.out = &rec_sink;
    h->env.out_ctx = &h->rec;
    h->env.counters = h->counters;
    h->state = calloc(1, http1_dissector.state_size);
    http1_dissector.init(h->state, &h->env);
    return h;
}

static struct h *h_new(void) { return h_new_cfg(NULL); }

/* Deliver bytes in direction dir from an exact-size copy; the packet time
 * advances by one second per call. */
static void h_feed(struct h *h, int dir, const void *data, size_t len)
{
    uint8_t *b = malloc(len ? len : 1);
    memcpy(b, data, len);
    h->env.ts.tv_sec = ++h->tick;
    http1_dissector.on_data(h->state, dir, b, len, &h->env);
    free(b);
}

static void h_str(struct h *h, int dir, const char *s) { h_feed(h, dir, s, strlen(s)); }

static void h_gap(struct h *h, int dir, uint64_t len, enum gap_reason why)
{
    h->env.ts.tv_sec = ++h->tick;
    http1_dissector.on_gap(h->state, dir, len, why, &h->env);
}

static void h_close(struct h *h)
{
    if (h->closed) return;
    h->env.ts.tv_sec = ++h->tick;
    http1_dissector.on_close(h->state, &h->env);
    h->closed = 1;
}

static uint64_t h_cnt(const struct h *h, const char *name)
{
    for (size_t i = 0; i < http1_dissector.n_counters; i++)
        if (strcmp(http1_dissector.counter_names[i], name) == 0) return h->counters[i];
    fprintf(stderr, "no counter %s\n", name);
    abort();
}

static void h_free(struct h *h)
{
    h_close(h);
    for (unsigned i = 0; i < h->rec.n; i++) free(h->rec.t[i].body);
    free(h->state);
    free(h);
}

static int body_is(const struct rec_txn *r, const void *p, size_t n)
{
    return r->body_len == n && (n == 0 || memcmp(r->body, p, n) == 0);
}

static int all_ended_once(const struct h *h)
{
    for (unsigned i = 0; i < h->rec.n; i++)
        if (h->rec.t[i].ended != 1 || h->rec.t[i].body_calls_after_end) return 0;
    return !h->rec.bad_consumer;
}

static void h_dump(const struct h *h, const char *what);

/* ---- compression helpers ---- */

static size_t zcompress(const uint8_t *in, size_t len, uint8_t *out, size_t cap, int wbits)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, wbits, 9, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int r = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    return r == Z_STREAM_END ? n : 0;
}

static size_t sample_text(uint8_t *buf, size_t cap)
{
    size_t n = 0;
    for (unsigned i = 0; n + 80 < cap && i < 2000; i++)
        n += (size_t)snprintf((char *)buf + n, cap - n, "%u,Carol %u,carol%u@corp%u.example,+31 6 1234 %04u\n",
                              i, i, i, i % 13, i);
    return n;
}

/* Build "head" + body into a fresh buffer; returns its length. */
static size_t build(uint8_t **out, const char *head, const uint8_t *body, size_t blen)
{
    size_t hl = strlen(head);
    *out = malloc(hl + blen + 1);
    memcpy(*out, head, hl);
    if (blen) memcpy(*out + hl, body, blen);
    return hl + blen;
}

/* Chunk a body: pieces of `piece` bytes, with an extension on the first. */
static size_t chunkify(const uint8_t *body, size_t len, size_t piece, uint8_t *out, const char *trailer)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i += piece) {
        size_t k = len - i < piece ? len - i : piece;
        o += (size_t)sprintf((char *)out + o, i == 0 ? "%zx;name=\"v a l\"\r\n" : "%zX\r\n", k);
        memcpy(out + o, body + i, k);
        o += k;
        memcpy(out + o, "\r\n", 2);
        o += 2;
    }
    o += (size_t)sprintf((char *)out + o, "0\r\n%s\r\n", trailer ? trailer : "");
    return o;
}

/* ---- probe ---- */

static void t_probe(void)
{
    const struct { const char *s; enum probe_result want; } cases[] = {
        { "GET / HTTP/1.1\r\n", PROBE_YES },
        { "PROPFIND /dav/x HTTP/1.1\r\n", PROBE_YES },
        { "GET /a", PROBE_MAYBE },
        { "GET / HTTP/1", PROBE_MAYBE },
        { "GE", PROBE_MAYBE },
        { "", PROBE_MAYBE },
        { "HTTP/1.1 200 OK\r\n", PROBE_YES },
        { "HTTP/1.0 404", PROBE_YES },
        { "HTTP/1.", PROBE_MAYBE },
        { "HTTP/2.0 200", PROBE_YES },     /* lenient: evasion sends it, clients take it */
        { "HTTP/1.1  200 ok", PROBE_YES },
        { "HTTP/ 200", PROBE_NO },
        { "HTTP/1.1200 OK", PROBE_NO },
        { "HTTP/1.1 2x0", PROBE_NO },
        { "GET / SIP/2.0\r\n", PROBE_NO },
        { "\x16\x03\x01\x02\x00", PROBE_NO },
        { "GET  / HTTP/1.1", PROBE_NO },
        { "SSH-2.0-OpenSSH_9.0\r\n", PROBE_NO },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].s);
        uint8_t *b = malloc(n ? n : 1);
        memcpy(b, cases[i].s, n);
        enum probe_result r = http1_dissector.probe(b, n, 0);
        if (r != cases[i].want) fprintf(stderr, "probe case %zu (%s): %d\n", i, cases[i].s, r);
        CHECK_EQ(r, cases[i].want);
        free(b);
    }
}

static void t_parse_head(void)
{
    const char *s = "GET /x?y=1 HTTP/1.1\nHost: a.example\r\nX-Long: part1\r\n  part2\r\n"
                    "bad line\r\nContent-Length: 5\r\nTransfer-Encoding: gzip, chunked\r\n\r\nBODY";
    size_t n = strlen(s);
    uint8_t *b = malloc(n);
    memcpy(b, s, n);
    http1_unfold(b, n);
    struct http1_head h;
    struct http_header hd[8];
    struct parse_result r = http1_parse_head(b, n, &h, hd, 8);
    CHECK_EQ(r.status, PARSE_OK);
    CHECK_EQ(r.consumed, n - 4);
    CHECK(bytes_eq(h.method, "GET") && bytes_eq(h.uri, "/x?y=1"));
    CHECK_EQ(h.version, 11);
    CHECK_EQ(h.n_hdrs, 4);
    CHECK_EQ(h.n_bad_lines, 1);
    CHECK(bytes_eq(http_header_get(hd, h.n_hdrs, "x-long"), "part1    part2"));
    CHECK(h.has_cl && h.content_length == 5 && h.chunked && h.has_te);
    CHECK(http_header_get(hd, h.n_hdrs, "nope").p == NULL);
    r = http1_parse_head(b, 20, &h, hd, 8);
    CHECK_EQ(r.status, PARSE_NEED_MORE);
    free(b);
    const char *bad[] = { "GET /\r\n\r\n", "GET / HTTP/2.0\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n",
                          "HTTP/1.1 20x OK\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n" };
    for (size_t i = 0; i < 5; i++) {
        r = http1_parse_head((const uint8_t *)bad[i], strlen(bad[i]), &h, hd, 8);
        CHECK_EQ(r.status, PARSE_ERROR);
    }
    /* lenient status lines, as clients read them (evasion) */
    r = http1_parse_head((const uint8_t *)"HTTP/1..1  2040 ok\r\n\r\n", 22, &h, hd, 8);
    CHECK(r.status == PARSE_OK && h.is_response && h.status == 204 && h.version == 11);
    r = http1_parse_head((const uint8_t *)"HTTP/1.1 200 ok\r\nA: b\n\r\r\nbody", 28, &h, hd, 8);
    CHECK(r.status == PARSE_OK && h.status == 200 && h.n_hdrs == 1 && r.consumed == 25);
    r = http1_parse_head((const uint8_t *)"HTTP/1.0 204\r\n\r\n", 16, &h, hd, 8);
    CHECK(r.status == PARSE_OK && h.is_response && h.status == 204 && h.version == 10);
}

/* ---- basic transactions ---- */

static void t_simple_get(void)
{
    struct h *h = h_new();
    h_str(h, 0, "GET /c/customers.csv HTTP/1.1\r\nHost: acct.blob.core.windows.net\r\n"
                "User-Agent: curl/8.1\r\nX-Req: r1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nX-Resp: s1\r\nContent-Length: 11\r\n\r\nhello");
    h_str(h, 1, " world");
    CHECK_EQ(h->rec.n, 1);
    struct rec_txn *r = &h->rec.t[0];
    CHECK_EQ(r->ended, 1);
    CHECK_STR(r->method, "GET");
    CHECK_STR(r->uri, "/c/customers.csv");
    CHECK_STR(r->host, "acct.blob.core.windows.net");
    CHECK_STR(r->ua, "curl/8.1");
    CHECK_STR(r->ctype, "text/csv");
    CHECK_STR(r->xreq, "r1");
    CHECK_STR(r->xresp, "s1");
    CHECK_STR(r->reason, "OK");
    CHECK_EQ(r->auth[0], 0);
    CHECK_EQ(r->status, 200);
    CHECK_EQ(r->req_version, 11);
    CHECK_EQ(r->resp_version, 11);
    CHECK_EQ(r->n_req_hdrs, 3);
    CHECK_EQ(r->n_resp_hdrs, 3);
    CHECK(body_is(r, "hello world", 11));
    CHECK_EQ(r->resp_body_wire, 11);
    CHECK_EQ(r->resp_body_decoded, 11);
    CHECK_EQ(r->flags, 0);
    CHECK_EQ(r->client_dir, 0);
    CHECK_EQ(r->ts_request, 1);
    CHECK_EQ(r->ts_response, 2);
    CHECK_EQ(r->ts_end, 3);
    CHECK_EQ(h_cnt(h, "requests"), 1);
    CHECK_EQ(h_cnt(h, "responses"), 1);
    h_close(h);
    CHECK_EQ(h->rec.n, 1);
    CHECK(all_ended_once(h));
    h_free(h);
}

/* Three request/response pairs on one connection, bodies told apart. */
static void t_keepalive(void)
{
    struct h *h = h_new();
    char buf[256];
    for (int i = 0; i < 3; i++) {
        snprintf(buf, sizeof buf, "GET /obj%d HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t%d\r\n\r\n", i, i);
        h_str(h, 0, buf);
        snprintf(buf, sizeof buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%.*s", 4 + i, 4 + i, "abcdefgh");
        h_str(h, 1, buf);
    }
    CHECK_EQ(h->rec.n, 3);
    for (int i = 0; i < 3; i++) {
        struct rec_txn *r = &h->rec.t[i];
        snprintf(buf, sizeof buf, "/obj%d", i);
        CHECK_STR(r->uri, buf);
        snprintf(buf, sizeof buf, "Bearer t%d", i);
        CHECK_STR(r->auth, buf);
        CHECK(body_is(r, "abcdefgh", (size_t)(4 + i)));
        CHECK_EQ(r->flags, 0);
    }
    h_close(h);
    CHECK(all_ended_once(h));
    CHECK_EQ(h_cnt(h, "unanswered"), 0);
    h_free(h);
}

static void t_pipelining(void)
{
    struct h *h = h_new();
    h_str(h, 0, "GET /a HTTP/1.1\r\nHost: h\r\n\r\nHEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"
                "GET /c HTTP/1.1\r\nHost: h\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
                "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nC\r\n0\r\n\r\n");
    CHECK_EQ(h->rec.n, 3);
    CHECK_STR(h->rec.t[0].uri, "/a");
    CHECK(body_is(&h->rec.t[0], "A", 1));
    CHECK_STR(h->rec.t[1].uri, "/b");
    CHECK(body_is(&h->rec.t[1], "", 0));      /* HEAD: Content-Length describes a body not sent */
    CHECK_STR(h->rec.t[2].uri, "/c");
    CHECK(body_is(&h->rec.t[2], "C", 1));
    for (int i = 0; i < 3; i++) CHECK_EQ(h->rec.t[i].flags, 0);
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_pipeline_overflow(void)
{
    struct config cfg;
    config_defaults(&cfg);
    cfg.http_max_pipeline = 2;
    struct h *h = h_new_cfg(&cfg);
    h_str(h, 0, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n");
    CHECK_EQ(h_cnt(h, "pipeline_overflow"), 1);
    CHECK_EQ(h_cnt(h, "requests"), 3);
    h_close(h);
    CHECK_EQ(h->rec.n, 2);
    CHECK_EQ(h_cnt(h, "unanswered"), 2);
    CHECK(h->rec.t[0].flags & TXN_RESP_MISSING);
    CHECK_STR(h->rec.t[1].uri, "/2");
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_chunked_trailers(void)
{
    static uint8_t plain[5000], wire[8000];
    size_t n = sample_text(plain, sizeof plain);
    size_t w = chunkify(plain, n, 1000, wire, "X-Checksum: abc\r\nX-Other: 1\r\n");
    struct h *h = h_new();
    h_str(h, 0, "GET /t HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    h_feed(h, 1, wire, w);
    h_str(h, 0, "GET /u HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(h->rec.n, 2);
    struct rec_txn *r = &h->rec.t[0];
    CHECK(body_is(r, plain, n));
    CHECK_EQ(r->resp_body_wire, w);
    CHECK_EQ(r->resp_body_decoded, n);
    CHECK_EQ(r->flags, 0);
    CHECK(body_is(&h->rec.t[1], "ok", 2));
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_close_delimited(void)
{
    struct h *h = h_new();
    h_str(h, 0, "GET /old HTTP/1.0\r\n\r\n");
    h_str(h, 1, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst part, ");
    h_str(h, 1, "second part");
    CHECK_EQ(h->rec.n, 1);
    CHECK_EQ(h->rec.t[0].ended, 0);
    h_close(h);
    struct rec_txn *r = &h->rec.t[0];
    CHECK_EQ(r->ended, 1);
    CHECK(body_is(r, "first part, second part", 23));
    CHECK_EQ(r->flags, 0);
    CHECK_EQ(r->req_version, 10);
    CHECK_EQ(r->ts_end, 3);
    h_free(h);
}

static void t_truncated_length(void)
{
    struct h *h = h_new();
    h_str(h, 0, "GET / HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
    h_close(h);
    CHECK_EQ(h->rec.n, 1);
    CHECK(h->rec.t[0].flags & TXN_BODY_TRUNC);
    CHECK(body_is(&h->rec.t[0], "only this", 9));
    CHECK_EQ(h_cnt(h, "body_trunc"), 1);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_head_and_no_body(void)
{
    struct h *h = h_new();
    h_str(h, 0, "HEAD /x HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    h_str(h, 0, "DELETE /y HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 204 No Content\r\n\r\n");
    h_str(h, 0, "GET /z HTTP/1.1\r\nIf-None-Match: \"e\"\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 304 Not Modified\r\nContent-Length: 77\r\n\r\n");
    h_str(h, 0, "GET /w HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-3/10\r\nContent-Length: 4\r\n\r\nwxyz");
    CHECK_EQ(h->rec.n, 4);
    CHECK_EQ(h->rec.t[0].status, 200);
    CHECK_EQ(h->rec.t[0].ended, 1);
    CHECK_EQ(h->rec.t[1].status, 204);
    CHECK_EQ(h->rec.t[2].status, 304);
    CHECK_EQ(h->rec.t[3].status, 206);
    CHECK(body_is(&h->rec.t[3], "wxyz", 4));
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(h->rec.t[i].flags, 0);
        CHECK_EQ(h->rec.t[i].ended, 1);
        if (i < 3) CHECK_EQ(h->rec.t[i].body_len, 0);
    }
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_100_continue(void)
{
    struct h *h = h_new();
    h_str(h, 0, "PUT /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 100 Continue\r\n\r\n");
    h_str(h, 0, "0123456789");
    h_str(h, 1, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    h_str(h, 0, "POST /form HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(h->rec.n, 2);
    CHECK_EQ(h->rec.t[0].status, 201);
    CHECK_STR(h->rec.t[0].method, "PUT");
    CHECK_EQ(h->rec.t[0].req_body_wire, 10);
    CHECK_EQ(h->rec.t[0].req_body_decoded, 10);
    CHECK_EQ(h->rec.t[1].status, 200);
    CHECK_EQ(h->rec.t[1].req_body_wire, strlen("3\r\nabc\r\n0\r\n\r\n"));
    CHECK_EQ(h->rec.t[1].req_body_decoded, 3);
    CHECK(body_is(&h->rec.t[1], "ok", 2));
    CHECK_EQ(h_cnt(h, "informational"), 2);
    CHECK_EQ(h_cnt(h, "responses"), 4);
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_unanswered(void)
{
    struct h *h = h_new();
    h_str(h, 0, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTT");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    h_close(h);
    CHECK_EQ(h->rec.n, 2);   /* an unfinished start line is not a request */
    CHECK_EQ(h->rec.t[0].flags, 0);
    CHECK_STR(h->rec.t[1].uri, "/2");
    CHECK_STR(h->rec.t[1].host, "x");
    CHECK_EQ(h->rec.t[1].flags, TXN_RESP_MISSING);
    CHECK_EQ(h->rec.t[1].status, 0);
    CHECK_EQ(h->rec.t[1].ended, 1);
    CHECK_EQ(h_cnt(h, "unanswered"), 1);
    h_free(h);
}

/* ---- content encodings ---- */

enum enc { ENC_GZIP, ENC_ZLIB, ENC_RAW, ENC_ZSTD, ENC_GZIP_ZSTD };

static size_t encode(enum enc e, const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    static uint8_t tmp[1 << 20];
    switch (e) {
    case ENC_GZIP: return zcompress(in, n, out, cap, 31);
    case ENC_ZLIB: return zcompress(in, n, out, cap, 15);
    case ENC_RAW: return zcompress(in, n, out, cap, -15);
    case ENC_ZSTD: return ZSTD_compress(out, cap, in, n, 3);
    case ENC_GZIP_ZSTD: {
        size_t g = zcompress(in, n, tmp, sizeof tmp, 31);
        return ZSTD_compress(out, cap, tmp, g, 3);
    }
    }
    return 0;
}

static void t_encodings(void)
{
    static uint8_t plain[100000], comp[100000], wire[120000];
    size_t n = sample_text(plain, sizeof plain);
    const struct { enum enc e; const char *name; int chunked; } cases[] = {
        { ENC_GZIP, "gzip", 0 },   { ENC_GZIP, "x-gzip", 1 },        { ENC_ZLIB, "deflate", 0 },
        { ENC_RAW, "deflate", 1 }, { ENC_ZSTD, "zstd", 0 },          { ENC_ZSTD, "ZSTD", 1 },
        { ENC_GZIP_ZSTD, "gzip, zstd", 0 }, { ENC_GZIP_ZSTD, "identity, gzip,zstd", 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t c = encode(cases[i].e, plain, n, comp, sizeof comp);
        CHECK(c > 0 && c < n);
        size_t w = cases[i].chunked ? chunkify(comp, c, 777, wire, NULL) : c;
        if (!cases[i].chunked) memcpy(wire, comp, c);
        char head[256];
        if (cases[i].chunked)
            snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nTransfer-Encoding: chunked\r\n\r\n",
                     cases[i].name);
        else
            snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %zu\r\n\r\n",
                     cases[i].name, c);
        struct h *h = h_new();
        h_str(h, 0, "GET /enc HTTP/1.1\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n\r\n");
        h_str(h, 1, head);
        for (size_t off = 0; off < w; off += 1460) h_feed(h, 1, wire + off, w - off < 1460 ? w - off : 1460);
        h_str(h, 0, "GET /next HTTP/1.1\r\n\r\n");
        h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
        CHECK_EQ(h->rec.n, 2);
        struct rec_txn *r = &h->rec.t[0];
        if (!body_is(r, plain, n)) fprintf(stderr, "encoding case %zu: %zu bytes\n", i, r->body_len);
        CHECK(body_is(r, plain, n));
        CHECK_EQ(r->resp_body_decoded, n);
        CHECK_EQ(r->resp_body_wire, w);
        CHECK_EQ(r->flags, 0);
        CHECK_STR(r->cenc, cases[i].name);
        CHECK(body_is(&h->rec.t[1], "next", 4));
        h_close(h);
        CHECK(all_ended_once(h));
        h_free(h);
    }
}

/* Brotli: a sample made once with libbrotlienc (only the decoder is linked). */
static void t_brotli(void)
{
    static const uint8_t br[] = {
    0x1b, 0xfb, 0x0d, 0x00, 0x04, 0x3e, 0xf6, 0x93, 0xf5, 0x95, 0xf4, 0xbb,
    0x65, 0x77, 0xef, 0xee, 0x6f, 0x13, 0x11, 0x4d, 0x51, 0xc4, 0x20, 0x08,
    0x82, 0x45, 0xfa, 0xff, 0xb8, 0x67, 0xe3, 0xef, 0xc4, 0xb6, 0x6a, 0x01,
    0x27, 0xdf, 0x38, 0xbc, 0xca, 0x8d, 0x87, 0xcc, 0x31, 0x10, 0x16, 0xb2,
    0xe9, 0xaf, 0xfe, 0xfe, 0x7d, 0xff, 0x63, 0x3d, 0x8f, 0xfb, 0xe7, 0xfd,
    0x7c, 0x8d, 0x1d, 0xc7, 0x33, 0x2e, 0x8f, 0x7c, 0xd6, 0xdb, 0xc5, 0xdf,
    0x03, 0x87, 0x3f, 0xae, 0xe3, 0x84, 0xc6, 0x1c, 0x32, 0x19, 0x9d, 0xeb,
    0xba, 0xb4, 0x41, 0xac, 0x13, 0x98, 0x7d, 0x06, 0x98, 0x03, 0xc2, 0xb9,
    0x40, 0xb9, 0x57, 0x98, 0x3c, 0x6f, 0xc2, 0xc6, 0xdb, 0x6d, 0xb0, 0xf3,
    0x7e, 0x3b, 0x1c, 0x7c, 0xdc, 0xb1, 0xe8, 0x91, 0x66, 0x79, 0xe9, 0x2b,
    0x5f, 0x4b, 0x8b, 0xcc, 0x92, 0x16, 0x99, 0x25, 0x2d, 0x32, 0x4b, 0x5a,
    0x64, 0x96, 0xb4, 0xc8, 0x2c, 0x69, 0x91, 0x59, 0xd2, 0x22, 0xb3, 0xa4,
    0x45, 0x66, 0x49, 0x62, 0x76, 0x16, 0xb3, 0xb3, 0x98, 0x9d, 0xc5, 0xec,
    0x2c, 0x66, 0x67, 0x31, 0x3b, 0x8b, 0xd9, 0x59, 0xcc, 0xce, 0x62, 0x76,
    0x16, 0xb3, 0xb3, 0xc0, 0x84, 0xc0, 0x84, 0xc0, 0x84, 0xc0, 0x84, 0xc0,
    0x84, 0xc0, 0x84, 0xc0, 0x84, 0xc0, 0x84, 0xc0, 0x84, 0xc0, 0x84, 0x84,
    0x53, 0x24, 0x9c, 0x22, 0xe1, 0x14, 0x09, 0xa7, 0x48, 0x38, 0x45, 0xc2,
    0x29, 0x12, 0x4e, 0x91, 0x70, 0x8a, 0x84, 0x53, 0x24, 0x9c, 0x22, 0xe5,
    0x56, 0x29, 0xb7, 0x4a, 0xb9, 0x55, 0xca, 0xad, 0x52, 0x6e, 0x95, 0x72,
    0xab, 0x94, 0x5b, 0xa5, 0xdc, 0x2a, 0xe5, 0x56, 0x29, 0xf7, 0xe9, 0xb1,
    0x00,
    };
    char plain[8192];
    size_t n = 0;
    for (int i = 0; i < 60; i++)
        n += (size_t)snprintf(plain + n, sizeof plain - n,
                              "row %d: Alice Example <alice%d@example.com> +31 6 1234 56%02d\n", i, i, i);
    char head[128];
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: %zu\r\n\r\n", sizeof br);
    struct h *h = h_new();
    h_str(h, 0, "GET /br HTTP/1.1\r\n\r\n");
    h_str(h, 1, head);
    for (size_t i = 0; i < sizeof br; i++) h_feed(h, 1, br + i, 1);
    CHECK_EQ(h->rec.n, 1);
    CHECK(body_is(&h->rec.t[0], plain, n));
    CHECK_EQ(h->rec.t[0].flags, 0);
    h_free(h);
}

/* "Content-Encoding: gzip, br": gzipped, then brotli'd (made once with zlib
 * and libbrotlienc from the text below), delivered chunked in small pieces. */
static void t_gzip_then_br(void)
{
    static const uint8_t gzbr[] = {        0x8b, 0xa4, 0x80, 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
        0x03, 0x5d, 0xd3, 0x3b, 0x4e, 0x04, 0x41, 0x10, 0x83, 0xe1, 0x9c, 0x53,
        0x70, 0x02, 0xd4, 0x65, 0xf7, 0xbc, 0x44, 0x42, 0xc0, 0x45, 0x56, 0x62,
        0x91, 0x90, 0x58, 0x84, 0x88, 0x38, 0x3e, 0xa8, 0xec, 0x9d, 0xc0, 0xd1,
        0x04, 0x8e, 0xfe, 0x6f, 0xba, 0xc6, 0xf3, 0xeb, 0xe5, 0xeb, 0xf2, 0x38,
        0x9e, 0xdf, 0xfe, 0x3f, 0xe3, 0xe5, 0xfd, 0xe3, 0xe7, 0x36, 0x9e, 0xae,
        0xbf, 0x97, 0xdb, 0xf7, 0xe7, 0xf5, 0xa1, 0x34, 0x56, 0x8f, 0xd5, 0x63,
        0x9d, 0x23, 0x34, 0xa2, 0x47, 0xf4, 0x88, 0x73, 0xa4, 0x46, 0xf6, 0xc8,
        0x1e, 0x79, 0x8e, 0x53, 0xe3, 0xec, 0x71, 0xf6, 0x38, 0xcf, 0x71, 0xd1,
        0xb8, 0xf4, 0xb8, 0xf4, 0xb8, 0x9c, 0xe3, 0xaa, 0x71, 0xed, 0x71, 0xed,
        0x71, 0x3d, 0xc7, 0x4d, 0xe3, 0xd6, 0xe3, 0x16, 0x29, 0xbb, 0xc6, 0xbd,
        0xc7, 0x3d, 0x52, 0x0e, 0x8d, 0x47, 0x8f, 0x47, 0xa4, 0xd4, 0xb0, 0x82,
        0x8c, 0x6a, 0x44, 0x4d, 0xdd, 0x95, 0xcc, 0x54, 0x11, 0x54, 0x86, 0x2a,
        0x49, 0x15, 0xa2, 0xa9, 0x6c, 0x55, 0xc2, 0x2a, 0x46, 0x56, 0x99, 0xab,
        0xe4, 0x55, 0x33, 0x7f, 0x92, 0xc5, 0x4a, 0x64, 0xb5, 0x44, 0x5c, 0x19,
        0xad, 0xa4, 0x56, 0x6b, 0xf6, 0xd9, 0xad, 0x04, 0x57, 0x5b, 0xf6, 0x99,
        0xae, 0x64, 0x57, 0x7b, 0xf6, 0x59, 0xaf, 0xc4, 0x57, 0x47, 0xf4, 0xc1,
        0x7e, 0x90, 0x1f, 0x46, 0xf4, 0xc1, 0x7e, 0x90, 0x1f, 0x2a, 0xfa, 0x70,
        0x7f, 0x68, 0x7e, 0x69, 0xc8, 0x77, 0x68, 0x3f, 0xc8, 0x0f, 0x8c, 0x3e,
        0xd8, 0x0f, 0xf2, 0xc3, 0x8c, 0x3e, 0xd8, 0x0f, 0xf2, 0xc3, 0x12, 0x7d,
        0xb0, 0x1f, 0xe4, 0x87, 0x35, 0xfb, 0xec, 0x07, 0xf9, 0x61, 0xcb, 0x3e,
        0xfb, 0x41, 0x7e, 0xd8, 0xb3, 0xcf, 0x7e, 0x90, 0x1f, 0x8e, 0xe8, 0xa3,
        0xfd, 0x28, 0x3f, 0x8e, 0x3c, 0x35, 0xfb, 0x51, 0x7e, 0xac, 0xe8, 0xa3,
        0xfd, 0x28, 0x3f, 0x22, 0xfa, 0x78, 0xbf, 0x55, 0x1f, 0x2b, 0xa3, 0x8f,
        0xf6, 0xa3, 0xfc, 0x38, 0xa3, 0x8f, 0xf6, 0xa3, 0xfc, 0xb8, 0x44, 0x1f,
        0xed, 0x47, 0xf9, 0x71, 0xcd, 0x3e, 0xfb, 0x51, 0x7e, 0xdc, 0xb2, 0xcf,
        0x7e, 0x94, 0x1f, 0xf7, 0xec, 0xb3, 0x1f, 0xe5, 0xc7, 0x23, 0xfa, 0xfe,
        0x00, 0xb4, 0x5f, 0x05, 0xa2, 0xe2, 0x04, 0x00, 0x00, 0x03,
    };
    char plain[4096];
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(plain + n, sizeof plain - n, "%d;Dana %d;dana%d@firm%d.example\n", i, i, i, i % 7);
    static uint8_t wire[4096];
    size_t w = chunkify(gzbr, sizeof gzbr, 50, wire, NULL);
    struct h *h = h_new();
    h_str(h, 0, "GET /gzbr HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip, br\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (size_t off = 0; off < w; off += 7) h_feed(h, 1, wire + off, w - off < 7 ? w - off : 7);
    CHECK_EQ(h->rec.n, 1);
    CHECK_EQ(h->rec.t[0].ended, 1);
    CHECK(body_is(&h->rec.t[0], plain, n));
    CHECK_EQ(h->rec.t[0].resp_body_wire, w);
    CHECK_EQ(h->rec.t[0].flags, 0);
    h_free(h);
}

static void t_unknown_and_corrupt_encoding(void)
{
    struct h *h = h_new();
    h_str(h, 0, "GET /1 HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Encoding: compress\r\nContent-Length: 5\r\n\r\n\x1f\x9d\x90zz");
    h_str(h, 0, "GET /2 HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 30\r\n\r\n"
                "this is not gzip, not at all!!");
    h_str(h, 0, "GET /3 HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes");
    CHECK_EQ(h->rec.n, 3);
    CHECK(body_is(&h->rec.t[0], "\x1f\x9d\x90zz", 5));   /* raw */
    CHECK_EQ(h->rec.t[0].flags, 0);
    CHECK_EQ(h_cnt(h, "unknown_encoding"), 1);
    CHECK(h->rec.t[1].flags & TXN_DECODE_ERROR);
    CHECK_EQ(h->rec.t[1].body_len, 0);
    CHECK_EQ(h->rec.t[1].resp_body_wire, 30);
    CHECK_EQ(h_cnt(h, "decode_error"), 1);
    CHECK(body_is(&h->rec.t[2], "yes", 3));   /* framing kept */
    CHECK_EQ(h->rec.t[2].flags, 0);
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

/* A gzip bomb: 8 MiB of zeros. The decoded cap and the ratio cap each stop it. */
static void t_bomb(void)
{
    size_t n = 8u << 20;
    uint8_t *zeros = calloc(1, n);
    static uint8_t comp[64 << 10];
    size_t c = zcompress(zeros, n, comp, sizeof comp, 31);
    CHECK(c > 0 && c < sizeof comp);
    char head[128];
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n", c);
    for (int which = 0; which < 2; which++) {
        struct config cfg;
        config_defaults(&cfg);
        if (which == 0) cfg.http_max_decoded = 300000;
        else cfg.http_max_ratio = 50;
        struct h *h = h_new_cfg(&cfg);
        h_str(h, 0, "GET /bomb HTTP/1.1\r\n\r\n");
        h_str(h, 1, head);
        for (size_t off = 0; off < c; off += 1000) h_feed(h, 1, comp + off, c - off < 1000 ? c - off : 1000);
        h_str(h, 0, "GET /after HTTP/1.1\r\n\r\n");
        h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        CHECK_EQ(h->rec.n, 2);
        struct rec_txn *r = &h->rec.t[0];
        CHECK(r->flags & TXN_BODY_CAP);
        CHECK_EQ(r->resp_body_wire, c);
        CHECK_EQ(r->resp_body_decoded, r->body_len);
        if (which == 0) {
            CHECK_EQ(r->body_len, 300000);
            CHECK_EQ(h_cnt(h, "decoded_cap"), 1);
            CHECK_EQ(h_cnt(h, "ratio_cap"), 0);
        } else {
            /* stopped once past 64 KiB with decoded > 50 x consumed */
            CHECK(r->body_len > 64u << 10);
            CHECK(r->body_len < n / 4);
            CHECK_EQ(h_cnt(h, "ratio_cap"), 1);
            CHECK_EQ(h_cnt(h, "decoded_cap"), 0);
        }
        CHECK(r->body_len == 0 || (r->body[0] == 0 && r->body[r->body_len - 1] == 0));
        CHECK(body_is(&h->rec.t[1], "ok", 2));
        h_close(h);
        CHECK(all_ended_once(h));
        h_free(h);
    }
    free(zeros);
}

/* ---- caps on heads ---- */

static void t_header_flood(void)
{
    struct config cfg;
    config_defaults(&cfg);
    size_t cap = 1 << 20;
    char *req = malloc(cap);
    size_t o = (size_t)sprintf(req, "POST /flood HTTP/1.1\r\nHost: f\r\n");
    unsigned extra = cfg.http_max_headers + 72;
    for (unsigned i = 0; i < extra; i++) o += (size_t)sprintf(req + o, "X-F%u: %u\r\n", i, i);
    o += (size_t)sprintf(req + o, "Content-Length: 4\r\n\r\nbody");   /* past the cap: framing still seen */
    struct h *h = h_new_cfg(&cfg);
    h_feed(h, 0, req, o);
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(h->rec.n, 1);
    struct rec_txn *r = &h->rec.t[0];
    CHECK(r->flags & TXN_HEAD_TOO_BIG);
    CHECK_EQ(r->n_req_hdrs, cfg.http_max_headers);
    CHECK_STR(r->host, "f");
    CHECK_EQ(r->req_body_wire, 4);
    CHECK_EQ(h_cnt(h, "too_many_headers"), 1);
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
    free(req);
}

static void t_giant_header(void)
{
    struct config cfg;
    config_defaults(&cfg);
    size_t big = cfg.http_max_header_bytes + 1000;
    char *req = malloc(big + 200);
    size_t o = (size_t)sprintf(req, "GET /giant HTTP/1.1\r\nCookie: ");
    memset(req + o, 'c', big);
    o += big;
    o += (size_t)sprintf(req + o, "\r\nHost: g\r\n\r\nGET /next HTTP/1.1\r\nHost: n\r\n\r\n");
    struct h *h = h_new_cfg(&cfg);
    for (size_t off = 0; off < o; off += 1448) h_feed(h, 0, req + off, o - off < 1448 ? o - off : 1448);
    h_str(h, 1, "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n\r\n"
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nZ");
    /* and a giant response head */
    h_str(h, 0, "GET /3 HTTP/1.1\r\n\r\nGET /4 HTTP/1.1\r\n\r\n");
    char *resp = malloc(big + 200);
    o = (size_t)sprintf(resp, "HTTP/1.1 200 OK\r\nX-Pad: ");
    memset(resp + o, 'p', big);
    o += big;
    o += (size_t)sprintf(resp + o, "\r\nContent-Length: 3\r\n\r\nab\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    h_feed(h, 1, resp, o);
    h_dump(h, "giant");
    CHECK_EQ(h->rec.n, 4);
    CHECK_STR(h->rec.t[0].uri, "/giant");
    CHECK(h->rec.t[0].flags & TXN_HEAD_TOO_BIG);
    CHECK_EQ(h->rec.t[0].status, 431);
    CHECK_STR(h->rec.t[1].uri, "/next");
    CHECK_STR(h->rec.t[1].host, "n");
    CHECK(h->rec.t[1].flags & TXN_RESYNC);
    CHECK(body_is(&h->rec.t[1], "Z", 1));
    CHECK_STR(h->rec.t[2].uri, "/3");
    CHECK(h->rec.t[2].flags & TXN_HEAD_TOO_BIG);
    CHECK_EQ(h->rec.t[2].status, 200);
    CHECK_STR(h->rec.t[3].uri, "/4");
    CHECK(body_is(&h->rec.t[3], "ok", 2));
    CHECK(h->rec.t[3].flags & TXN_RESYNC);
    CHECK_EQ(h_cnt(h, "head_too_big"), 2);
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
    free(req);
    free(resp);
}

static void t_chunk_overflow(void)
{
    struct h *h = h_new();
    h_str(h, 0, "GET / HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n"
                "10000000000000000\r\nxxxxxxxx");
    h_str(h, 0, "GET /ignored HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nq");
    CHECK_EQ(h->rec.n, 1);
    CHECK(h->rec.t[0].flags & TXN_BODY_TRUNC);
    CHECK(body_is(&h->rec.t[0], "abcd", 4));
    CHECK_EQ(h_cnt(h, "chunk_error"), 1);
    CHECK_EQ(h_cnt(h, "gave_up"), 1);
    h_close(h);
    CHECK_EQ(h->rec.n, 1);
    CHECK(all_ended_once(h));
    h_free(h);
}

/* A chunk-size past --http-max-chunk: counted, the body ends capped at what
 * came before it, the next message is found by resynchronising; the
 * default cap catches sizes no server sends, and keeps real ones. */
static void t_chunk_too_big(void)
{
    struct config cfg;
    config_defaults(&cfg);
    cfg.http_max_chunk = 16;
    struct h *h = h_new_cfg(&cfg);
    h_str(h, 0, "GET / HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n"
                "11\r\n0123456789abcdefg\r\n0\r\n\r\n");
    h_str(h, 0, "GET /next HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nq");
    CHECK_EQ(h->rec.n, 2);
    CHECK_EQ(h->rec.t[0].flags, TXN_BODY_CAP);
    CHECK(body_is(&h->rec.t[0], "0123456789abcdef", 16));
    CHECK_EQ(h_cnt(h, "chunk_too_big"), 1);
    CHECK_EQ(h_cnt(h, "chunk_error"), 0);
    CHECK_EQ(h_cnt(h, "gave_up"), 0);
    CHECK_STR(h->rec.t[1].uri, "/next");
    CHECK(body_is(&h->rec.t[1], "q", 1));
    CHECK(h->rec.t[1].flags & TXN_RESYNC);
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
    /* a request body too */
    h = h_new_cfg(&cfg);
    h_str(h, 0, "POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n");
    CHECK_EQ(h_cnt(h, "chunk_too_big"), 1);
    h_free(h);
    /* under the default: 48 bits of size is too big, 1 GiB is not */
    h = h_new();
    h_str(h, 0, "GET / HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nFFFFFFFFFFFF\r\nxx");
    CHECK_EQ(h_cnt(h, "chunk_too_big"), 1);
    CHECK_EQ(h->rec.n, 1);
    CHECK(body_is(&h->rec.t[0], "abcd", 4));
    h_free(h);
    h = h_new();
    h_str(h, 0, "GET / HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40000000\r\nxx");
    CHECK_EQ(h_cnt(h, "chunk_too_big"), 0);
    CHECK_EQ(h->rec.n, 1);
    CHECK_EQ(h->rec.t[0].ended, 0);   /* still reading the 1 GiB chunk */
    h_free(h);
}

/* ---- gaps ---- */

static void t_gap_in_length_body(void)
{
    for (int why = GAP_LOSS; why <= GAP_SNAPLEN; why++) {
        struct h *h = h_new();
        h_str(h, 0, "GET /g HTTP/1.1\r\n\r\n");
        h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n01234");
        h_gap(h, 1, 10, (enum gap_reason)why);
        h_str(h, 1, "fghij");
        h_str(h, 0, "GET /h HTTP/1.1\r\n\r\n");
        h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhh");
        CHECK_EQ(h->rec.n, 2);
        struct rec_txn *r = &h->rec.t[0];
        CHECK_EQ(r->flags, why == GAP_SNAPLEN ? TXN_BODY_SNAPLEN : TXN_BODY_GAP);
        CHECK(body_is(r, "01234fghij", 10));
        CHECK_EQ(r->gap_bytes, 10);
        CHECK_EQ(r->resp_body_wire, 20);
        CHECK(body_is(&h->rec.t[1], "hh", 2));
        CHECK_EQ(h->rec.t[1].flags, 0);
        CHECK_EQ(h_cnt(h, "gap_in_body"), 1);
        h_close(h);
        CHECK(all_ended_once(h));
        h_free(h);
    }
    /* A gap in a gzip body stops decoding, framing survives. */
    static uint8_t plain[20000], comp[20000];
    size_t n = sample_text(plain, sizeof plain);
    size_t c = zcompress(plain, n, comp, sizeof comp, 31);
    char head[128];
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n", c);
    struct h *h = h_new();
    h_str(h, 0, "GET /z HTTP/1.1\r\n\r\n");
    h_str(h, 1, head);
    h_feed(h, 1, comp, c / 2);
    h_gap(h, 1, 100, GAP_LOSS);
    h_feed(h, 1, comp + c / 2 + 100, c - c / 2 - 100);
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK_EQ(h->rec.n, 2);
    CHECK(h->rec.t[0].flags & TXN_BODY_GAP);
    CHECK(h->rec.t[0].body_len > 0 && h->rec.t[0].body_len < n);
    CHECK(memcmp(h->rec.t[0].body, plain, h->rec.t[0].body_len) == 0);
    CHECK_EQ(h->rec.t[0].resp_body_wire, c);
    CHECK(body_is(&h->rec.t[1], "ok", 2));
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_gap_in_chunked_body(void)
{
    /* Inside one chunk's data: framing survives. */
    struct h *h = h_new();
    h_str(h, 0, "GET /1 HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n01");
    h_gap(h, 1, 5, GAP_LOSS);
    h_str(h, 1, "789\r\n0\r\n\r\n");
    CHECK_EQ(h->rec.n, 1);
    CHECK_EQ(h->rec.t[0].ended, 1);
    CHECK(body_is(&h->rec.t[0], "01789", 5));
    CHECK_EQ(h->rec.t[0].flags, TXN_BODY_GAP);
    /* Across a chunk boundary: framing lost, resync on the next response. */
    h_str(h, 0, "GET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
    h_gap(h, 1, 20, GAP_LOSS);
    h_str(h, 1, "xx\r\nmore body line\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nend");
    CHECK_EQ(h->rec.n, 3);
    struct rec_txn *r = &h->rec.t[1];
    CHECK_EQ(r->ended, 1);
    CHECK(r->flags & TXN_BODY_GAP);
    CHECK(r->flags & TXN_BODY_TRUNC);
    CHECK(body_is(r, "ab", 2));
    CHECK_STR(h->rec.t[2].uri, "/3");
    CHECK(h->rec.t[2].flags & TXN_RESYNC);
    CHECK(body_is(&h->rec.t[2], "end", 3));
    CHECK_EQ(h_cnt(h, "resync"), 1);
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_gap_in_head(void)
{
    struct h *h = h_new();
    /* Request head cut by a gap: queued as partial, pairing stays aligned. */
    h_str(h, 0, "GET /cut HTTP/1.1\r\nHost: c\r\nAuthoriz");
    h_gap(h, 0, 30, GAP_LOSS);
    h_str(h, 0, "ken\r\n\r\nGET /ok HTTP/1.1\r\nHost: o\r\n\r\n");
    /* Response head cut: lost; the next one is found again. */
    h_str(h, 1, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nConte");
    h_gap(h, 1, 40, GAP_LOSS);
    h_str(h, 1, "ength: 3\r\n\r\nabc");   /* no line end: found again at the next segment start */
    h_str(h, 0, "GET /last HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlast");
    h_dump(h, "gap_in_head");
    CHECK_EQ(h->rec.n, 2);
    CHECK_STR(h->rec.t[0].uri, "/cut");
    CHECK(h->rec.t[0].flags & TXN_REQ_PARTIAL);
    CHECK_EQ(h->rec.t[0].status, 401);
    /* /ok's response was lost in the gap: the next response found pairs with it, flagged */
    CHECK_STR(h->rec.t[1].uri, "/ok");
    CHECK(h->rec.t[1].flags & TXN_RESYNC);
    CHECK(body_is(&h->rec.t[1], "last", 4));
    CHECK_EQ(h_cnt(h, "gap_in_head"), 2);
    CHECK_EQ(h_cnt(h, "gap_in_request"), 1);
    h_close(h);
    CHECK_EQ(h->rec.n, 3);
    CHECK(h->rec.t[2].flags & TXN_RESP_MISSING);
    CHECK_STR(h->rec.t[2].uri, "/last");
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_gap_in_request_body(void)
{
    struct h *h = h_new();
    h_str(h, 0, "POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123");
    h_gap(h, 0, 6, GAP_LOSS);
    h_str(h, 0, "GET /q HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_EQ(h->rec.n, 2);
    CHECK_EQ(h->rec.t[0].flags, TXN_REQ_PARTIAL);
    CHECK_EQ(h->rec.t[0].req_body_wire, 10);
    CHECK_EQ(h->rec.t[0].req_body_decoded, 4);
    CHECK_STR(h->rec.t[1].uri, "/q");
    CHECK_EQ(h->rec.t[1].flags, 0);
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_request_body_cut_by_close(void)
{
    struct h *h = h_new();
    h_str(h, 0, "PUT /big HTTP/1.1\r\nContent-Length: 1000\r\n\r\npart");
    h_close(h);
    CHECK_EQ(h->rec.n, 1);
    CHECK_EQ(h->rec.t[0].flags, TXN_REQ_PARTIAL | TXN_RESP_MISSING);
    CHECK_EQ(h->rec.t[0].req_body_wire, 4);
    CHECK(all_ended_once(h));
    h_free(h);
}

/* ---- roles and pickup ---- */

static void t_midstream_pickup(void)
{
    struct h *h = h_new();
    h_str(h, 1, "le of a body we never saw the start of\r\nmore body\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
    h_str(h, 0, "s=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /seen HTTP/1.1\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nseen");
    CHECK_EQ(h->rec.n, 2);
    CHECK(h->rec.t[0].flags & TXN_REQ_MISSING);
    CHECK(h->rec.t[0].flags & TXN_RESYNC);
    CHECK_EQ(h->rec.t[0].method[0], 0);
    CHECK(body_is(&h->rec.t[0], "fresh", 5));
    CHECK_STR(h->rec.t[1].uri, "/seen");
    CHECK(h->rec.t[1].flags & TXN_RESYNC);
    CHECK(body_is(&h->rec.t[1], "seen", 4));
    CHECK_EQ(h_cnt(h, "orphan_responses"), 1);
    CHECK_EQ(h_cnt(h, "resync"), 2);
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_roles_by_content(void)
{
    struct h *h = h_new();
    h_str(h, 1, "OPTIONS * HTTP/1.1\r\nHost: r\r\n\r\n");
    h_str(h, 0, "HTTP/1.1 200 OK\r\nAllow: GET\r\nContent-Length: 2\r\n\r\nhi");
    CHECK_EQ(h->rec.n, 1);
    CHECK_EQ(h->rec.t[0].client_dir, 1);
    CHECK_STR(h->rec.t[0].method, "OPTIONS");
    CHECK_STR(h->rec.t[0].uri, "*");
    CHECK(body_is(&h->rec.t[0], "hi", 2));
    CHECK_EQ(h->rec.t[0].flags, 0);
    h_close(h);
    h_free(h);
    /* Requests both ways: the flow is given up. */
    h = h_new();
    h_str(h, 0, "GET / HTTP/1.1\r\n\r\n");
    h_str(h, 1, "GET / HTTP/1.1\r\n\r\n");
    CHECK_EQ(h_cnt(h, "role_conflict"), 1);
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_upgrade_and_tunnel(void)
{
    struct h *h = h_new();
    h_str(h, 0, "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello");
    h_str(h, 0, "\x81\x85xxxxGET / HTTP/1.1\r\n\r\n");
    CHECK_EQ(h->rec.n, 1);
    CHECK_EQ(h->rec.t[0].status, 101);
    CHECK_EQ(h_cnt(h, "upgrade"), 1);
    CHECK_EQ(h_cnt(h, "gave_up"), 0);
    h_close(h);
    CHECK_EQ(h->rec.n, 1);
    CHECK(all_ended_once(h));
    h_free(h);
    h = h_new();
    h_str(h, 0, "CONNECT db.example:443 HTTP/1.1\r\nHost: db.example:443\r\n\r\n");
    h_str(h, 1, "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01");
    h_str(h, 0, "\x16\x03\x01\x00\x10");
    CHECK_EQ(h->rec.n, 1);
    CHECK_EQ(h_cnt(h, "tunnel"), 1);
    CHECK_STR(h->rec.t[0].uri, "db.example:443");
    h_close(h);
    CHECK(all_ended_once(h));
    h_free(h);
}

static void t_tolerance(void)
{
    struct h *h = h_new();
    h_str(h, 0, "\r\nGET /lf HTTP/1.1\nHost: lf\nX-Req: a\n  b\n\n");
    h_str(h, 1, "HTTP/1.1 200\nContent-Length: 1\n\n!");
    CHECK_EQ(h->rec.n, 1);
    CHECK_STR(h->rec.t[0].host, "lf");
    CHECK_STR(h->rec.t[0].xreq, "a   b");
    CHECK_EQ(h->rec.t[0].reason[0], 0);
    CHECK(body_is(&h->rec.t[0], "!", 1));
    h_close(h);
    h_free(h);
}

/* ---- split at every byte ---- */

struct seg {
    int dir;
    uint8_t *p;
    size_t len;
};

static size_t conv_build(struct seg *s, uint8_t *plain, size_t *plen)
{
    static uint8_t comp[64 << 10], chunked[80 << 10];
    size_t n = sample_text(plain, 6000);
    *plen = n;
    size_t c = zcompress(plain, n, comp, sizeof comp, 31);
    size_t w = chunkify(comp, c, 300, chunked, "X-T: 1\r\n");
    size_t k = 0;
    s[k].dir = 0;
    s[k].len = build(&s[k].p, "GET /one.csv HTTP/1.1\r\nHost: acct.example\r\nUser-Agent: t\r\n\r\n", NULL, 0);
    k++;
    s[k].dir = 1;
    s[k].len = build(&s[k].p, "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Encoding: gzip\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n", chunked, w);
    k++;
    s[k].dir = 0;
    s[k].len = build(&s[k].p, "POST /two HTTP/1.1\r\nContent-Length: 5\r\n\r\nHELLO", NULL, 0);
    k++;
    s[k].dir = 1;
    s[k].len = build(&s[k].p, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nthanks!",
                     NULL, 0);
    k++;
    s[k].dir = 0;
    s[k].len = build(&s[k].p, "HEAD /three HTTP/1.1\r\n\r\nGET /four HTTP/1.1\r\n\r\n", NULL, 0);
    k++;
    s[k].dir = 1;
    s[k].len = build(&s[k].p, "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"
                              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nfo\n\r\n0\r\n\r\n",
                     NULL, 0);
    k++;
    return k;
}

/* A stable description of everything the sink saw. */
static char *describe(const struct h *h)
{
    size_t cap = 1 << 16, o = 0;
    char *s = malloc(cap);
    for (unsigned i = 0; i < h->rec.n; i++) {
        const struct rec_txn *r = &h->rec.t[i];
        uint64_t fnv = 1469598103934665603ull;
        for (size_t j = 0; j < r->body_len; j++) fnv = (fnv ^ r->body[j]) * 1099511628211ull;
        o += (size_t)snprintf(s + o, cap - o,
                              "%d|%x|%s|%s|%s|%s|%s|%s|%d|%s|%u|%u|%" PRIu64 "|%" PRIu64 "|%" PRIu64 "|%" PRIu64
                              "|%zu|%" PRIx64 "|%d\n",
                              r->client_dir, r->flags, r->method, r->uri, r->host, r->ua, r->ctype, r->cenc,
                              r->status, r->reason, r->n_req_hdrs, r->n_resp_hdrs, r->req_body_wire,
                              r->req_body_decoded, r->resp_body_wire, r->resp_body_decoded, r->body_len, fnv,
                              r->ended);
    }
    for (size_t i = 0; i < http1_dissector.n_counters; i++)
        o += (size_t)snprintf(s + o, cap - o, "%s=%" PRIu64 " ", http1_dissector.counter_names[i], h->counters[i]);
    return s;
}

/* HTTP1_DUMP=1 prints what the sink saw, for debugging a failing test. */
static void h_dump(const struct h *h, const char *what)
{
    if (!getenv("HTTP1_DUMP")) return;
    char *d = describe(h);
    fprintf(stderr, "== %s\n%s\n", what, d);
    free(d);
}

/* Feed the conversation; segment `split` is cut at `at` (or every segment
 * byte by byte when bytewise). */
static char *run_conv(struct seg *s, size_t ns, size_t split, size_t at, int bytewise)
{
    struct h *h = h_new();
    for (size_t i = 0; i < ns; i++) {
        if (bytewise) {
            for (size_t j = 0; j < s[i].len; j++) h_feed(h, s[i].dir, s[i].p + j, 1);
        } else if (i == split) {
            h_feed(h, s[i].dir, s[i].p, at);
            h_feed(h, s[i].dir, s[i].p + at, s[i].len - at);
        } else {
            h_feed(h, s[i].dir, s[i].p, s[i].len);
        }
    }
    h_close(h);
    char *d = describe(h);
    if (!all_ended_once(h)) d[0] = '!';
    h_free(h);
    return d;
}

static void t_split_everywhere(void)
{
    struct seg s[8];
    static uint8_t plain[8000];
    size_t plen;
    size_t ns = conv_build(s, plain, &plen);
    /* The reference run, checked on its own. */
    struct h *h = h_new();
    for (size_t i = 0; i < ns; i++) h_feed(h, s[i].dir, s[i].p, s[i].len);
    h_close(h);
    CHECK_EQ(h->rec.n, 4);
    CHECK(body_is(&h->rec.t[0], plain, plen));
    CHECK_EQ(h->rec.t[0].resp_body_wire, s[1].len - (size_t)(strstr((char *)s[1].p, "\r\n\r\n") + 4 - (char *)s[1].p));
    CHECK_EQ(h->rec.t[1].req_body_wire, 5);
    CHECK(body_is(&h->rec.t[1], "thanks!", 7));
    CHECK_STR(h->rec.t[2].method, "HEAD");
    CHECK(body_is(&h->rec.t[3], "fo\n", 3));
    for (unsigned i = 0; i < 4; i++) CHECK_EQ(h->rec.t[i].flags, 0);
    CHECK(all_ended_once(h));
    h_free(h);

    char *ref = run_conv(s, ns, (size_t)-1, 0, 0);
    unsigned mismatches = 0, runs = 0, want_runs = 0;
    for (size_t i = 0; i < ns; i++) want_runs += (unsigned)s[i].len - 1;
    for (size_t i = 0; i < ns; i++) {
        for (size_t at = 1; at < s[i].len; at++) {
            char *d = run_conv(s, ns, i, at, 0);
            runs++;
            if (strcmp(d, ref) != 0) {
                if (!mismatches) fprintf(stderr, "split seg %zu at %zu:\n%s\nvs\n%s\n", i, at, d, ref);
                mismatches++;
            }
            free(d);
        }
    }
    char *d = run_conv(s, ns, 0, 0, 1);
    if (strcmp(d, ref) != 0) {
        fprintf(stderr, "bytewise:\n%s\nvs\n%s\n", d, ref);
        mismatches++;
    }
    free(d);
    CHECK(want_runs > 1000);
    CHECK_EQ(runs, want_runs);
    CHECK_EQ(mismatches, 0);
    free(ref);
    for (size_t i = 0; i < ns; i++) free(s[i].p);
}


/* ---- robustness: mutated conversations ---- */

static uint64_t rnd(void) { return test_rand(); }

/* Random byte flips, gaps and split points over the conversation, with
 * default and tiny caps. Whatever the parser makes of it, the sink contract
 * holds: every begin() has exactly one end(), no body after end, decoded
 * counts match what was delivered, caps are respected, ASan stays quiet. */
static void t_mutations(void)
{
    struct seg s[8];
    static uint8_t plain[8000];
    size_t plen;
    size_t ns = conv_build(s, plain, &plen);
    unsigned broken = 0, txns = 0;
    for (int iter = 0; iter < 1500; iter++) {
        struct config cfg;
        config_defaults(&cfg);
        if (iter & 1) {
            cfg.http_max_header_bytes = 40 + (uint32_t)(rnd() % 200);
            cfg.http_max_headers = (uint32_t)(rnd() % 4);
            cfg.http_max_pipeline = 1 + (uint32_t)(rnd() % 2);
            cfg.http_max_decoded = rnd() % 3000;
            cfg.http_max_ratio = 1 + (uint32_t)(rnd() % 5);
        }
        struct h *h = h_new_cfg(&cfg);
        for (size_t i = 0; i < ns; i++) {
            uint8_t *m = malloc(s[i].len);
            memcpy(m, s[i].p, s[i].len);
            unsigned flips = (unsigned)(rnd() % 4);
            for (unsigned f = 0; f < flips; f++) m[rnd() % s[i].len] = (uint8_t)rnd();
            size_t off = 0;
            while (off < s[i].len) {
                size_t k = 1 + (size_t)(rnd() % (s[i].len - off));
                if (rnd() % 8 == 0) h_gap(h, s[i].dir, k, (enum gap_reason)(rnd() % 3));
                else h_feed(h, s[i].dir, m + off, k);
                off += k;
            }
            free(m);
        }
        h_close(h);
        for (unsigned i = 0; i < h->rec.n; i++) {
            const struct rec_txn *r = &h->rec.t[i];
            if (r->resp_body_decoded != r->body_len || r->body_len > cfg.http_max_decoded) broken++;
        }
        if (!all_ended_once(h)) broken++;
        txns += h->rec.n;
        h_free(h);
    }
    CHECK_EQ(broken, 0);
    CHECK(txns > 1500);   /* the mutations leave most transactions recognisable */
    for (size_t i = 0; i < ns; i++) free(s[i].p);
}

int main(void)
{
    RUN(t_probe);
    RUN(t_parse_head);
    RUN(t_simple_get);
    RUN(t_keepalive);
    RUN(t_pipelining);
    RUN(t_pipeline_overflow);
    RUN(t_chunked_trailers);
    RUN(t_close_delimited);
    RUN(t_truncated_length);
    RUN(t_head_and_no_body);
    RUN(t_100_continue);
    RUN(t_unanswered);
    RUN(t_encodings);
    RUN(t_brotli);
    RUN(t_gzip_then_br);
    RUN(t_unknown_and_corrupt_encoding);
    RUN(t_bomb);
    RUN(t_header_flood);
    RUN(t_giant_header);
    RUN(t_chunk_overflow);
    RUN(t_chunk_too_big);
    RUN(t_gap_in_length_body);
    RUN(t_gap_in_chunked_body);
    RUN(t_gap_in_head);
    RUN(t_gap_in_request_body);
    RUN(t_request_body_cut_by_close);
    RUN(t_midstream_pickup);
    RUN(t_roles_by_content);
    RUN(t_upgrade_and_tunnel);
    RUN(t_tolerance);
    RUN(t_split_everywhere);
    RUN(t_mutations);
    return test_done();
}
