/* test_mongodb.c -- the MongoDB dissector: OP_MSG, legacy OP_QUERY/OP_REPLY,
 * OP_COMPRESSED (zlib, zstd, snappy), authentication tracking, every split
 * point, malformed framing. */
#include "test.h"
#include "mongodb.h"
#include "wire_sink.h"

#include <zlib.h>
#include <zstd.h>

extern const struct dissector mongodb_dissector;

struct conv {
    uint8_t buf[24][2048];
    struct ws_msg m[24];
    size_t n;
};

static void add(struct conv *c, int dir, size_t len)
{
    c->m[c->n].dir = dir;
    c->m[c->n].p = c->buf[c->n];
    c->m[c->n].len = len;
    c->n++;
}

/* ---- documents ---- */

static void people(struct bb *x, const char *batch)
{
    bb_sub(x, batch, true);
    bb_sub(x, "0", false);
    bb_str(x, "name", "Tobias Jaworski");
    bb_str(x, "email", "tobias.jaworski@example.org");
    bb_str(x, "iban", "DE89370400440532013000");
    bb_end(x);
    bb_sub(x, "1", false);
    bb_str(x, "name", "Mira Lindqvist");
    bb_str(x, "email", "mira.lindqvist@example.net");
    bb_end(x);
    bb_end(x);
}

static size_t msg_find(uint8_t *out, int32_t id, const char *coll, const char *db)
{
    struct bb *x = calloc(1, sizeof *x);
    bb_doc(x);
    bb_str(x, "find", coll);
    bb_sub(x, "filter", false);
    bb_end(x);
    bb_str(x, "$db", db);
    bb_end(x);
    size_t n = ws_op_msg(out, id, 0, 0, x->b, x->n);
    free(x);
    return n;
}

static size_t cursor_reply_doc(struct bb *x, const char *ns, bool first)
{
    memset(x, 0, sizeof *x);
    bb_doc(x);
    bb_sub(x, "cursor", false);
    people(x, first ? "firstBatch" : "nextBatch");
    bb_i64(x, "id", first ? 77 : 0);
    bb_str(x, "ns", ns);
    bb_end(x);
    bb_dbl(x, "ok", 1.0);
    bb_end(x);
    return x->n;
}

static size_t msg_cursor_reply(uint8_t *out, int32_t id, int32_t to, const char *ns, bool first, uint32_t flags)
{
    struct bb *x = calloc(1, sizeof *x);
    cursor_reply_doc(x, ns, first);
    size_t n = ws_op_msg(out, id, to, flags, x->b, x->n);
    free(x);
    return n;
}

static size_t msg_doc(uint8_t *out, int32_t id, int32_t to, void (*fill)(struct bb *))
{
    struct bb *x = calloc(1, sizeof *x);
    bb_doc(x);
    fill(x);
    bb_end(x);
    size_t n = ws_op_msg(out, id, to, 0, x->b, x->n);
    free(x);
    return n;
}

static void d_getmore(struct bb *x) { bb_i64(x, "getMore", 77); bb_str(x, "collection", "customers"); bb_str(x, "$db", "shop"); }
static void d_insert(struct bb *x) { bb_str(x, "insert", "audit"); bb_str(x, "$db", "shop"); }
static void d_ok(struct bb *x) { bb_dbl(x, "ok", 1.0); }
static void d_unauth(struct bb *x)
{
    bb_dbl(x, "ok", 0.0);
    bb_str(x, "errmsg", "command find requires authentication");
    bb_i32(x, "code", 13);
    bb_str(x, "codeName", "Unauthorized");
}
static void d_sasl_start(struct bb *x)
{
    bb_i32(x, "saslStart", 1);
    bb_str(x, "mechanism", "SCRAM-SHA-256");
    bb_str(x, "$db", "admin");
}
static void d_sasl_step(struct bb *x) { bb_i32(x, "conversationId", 1); bb_bool(x, "done", false); bb_dbl(x, "ok", 1.0); }
static void d_sasl_cont(struct bb *x) { bb_i32(x, "saslContinue", 1); bb_i32(x, "conversationId", 1); bb_str(x, "$db", "admin"); }
static void d_sasl_done(struct bb *x) { bb_i32(x, "conversationId", 1); bb_bool(x, "done", true); bb_dbl(x, "ok", 1.0); }

/* Legacy OP_QUERY on a collection and its OP_REPLY with the people. */
static size_t legacy_query(uint8_t *out, int32_t id, const char *ns)
{
    struct bb *x = calloc(1, sizeof *x);
    bb_le32(x, 0);
    bb_le32(x, (uint32_t)id);
    bb_le32(x, 0);
    bb_le32(x, 2004);
    bb_le32(x, 0);
    bb_cstr(x, ns);
    bb_le32(x, 0);
    bb_le32(x, 10);
    bb_doc(x);
    bb_end(x);
    uint32_t n = (uint32_t)x->n;
    for (int i = 0; i < 4; i++) x->b[i] = (uint8_t)(n >> (8 * i));
    memcpy(out, x->b, n);
    free(x);
    return n;
}

static size_t legacy_reply(uint8_t *out, int32_t id, int32_t to)
{
    struct bb *x = calloc(1, sizeof *x);
    bb_le32(x, 0);
    bb_le32(x, (uint32_t)id);
    bb_le32(x, (uint32_t)to);
    bb_le32(x, 1);
    bb_le32(x, 0);
    bb_le64(x, 0);
    bb_le32(x, 0);
    bb_le32(x, 2);
    bb_doc(x);
    bb_str(x, "name", "Ada Lovelace");
    bb_str(x, "phone", "+44 20 7946 0958");
    bb_end(x);
    bb_doc(x);
    bb_str(x, "name", "Alan Turing");
    bb_end(x);
    uint32_t n = (uint32_t)x->n;
    for (int i = 0; i < 4; i++) x->b[i] = (uint8_t)(n >> (8 * i));
    memcpy(out, x->b, n);
    free(x);
    return n;
}

/* Wrap a whole message as OP_COMPRESSED with compressor id. */
static size_t compress_msg(uint8_t *out, const uint8_t *m, size_t len, uint8_t id)
{
    uint8_t z[4096];
    size_t zl = 0;
    const uint8_t *body = m + 16;
    size_t bl = len - 16;
    if (id == 2) {
        uLongf d = sizeof z;
        compress2(z, &d, body, bl, 6);
        zl = d;
    } else if (id == 3) {
        zl = ZSTD_compress(z, sizeof z, body, bl, 3);
    } else {   /* snappy: one literal run (length in 2 extra bytes: tag 61) */
        size_t o = 0;
        size_t v = bl;
        while (v >= 0x80) { z[o++] = (uint8_t)(v | 0x80); v >>= 7; }
        z[o++] = (uint8_t)v;
        z[o++] = 61 << 2;
        z[o++] = (uint8_t)((bl - 1) & 0xff);
        z[o++] = (uint8_t)((bl - 1) >> 8);
        memcpy(z + o, body, bl);
        zl = o + bl;
    }
    struct bb *x = calloc(1, sizeof *x);
    bb_bytes(x, m, 12);
    bb_le32(x, 2012);
    bb_bytes(x, m + 12, 4);   /* original opcode */
    bb_le32(x, (uint32_t)bl);
    bb_u8(x, id);
    bb_bytes(x, z, zl);
    uint32_t n = (uint32_t)x->n;
    for (int i = 0; i < 4; i++) x->b[i] = (uint8_t)(n >> (8 * i));
    memcpy(out, x->b, n);
    free(x);
    return n;
}

static void build_conv(struct conv *c)
{
    memset(c, 0, sizeof *c);
    add(c, 0, msg_find(c->buf[c->n], 1, "customers", "shop"));
    add(c, 1, msg_cursor_reply(c->buf[c->n], 101, 1, "shop.customers", true, 0));
    add(c, 0, msg_doc(c->buf[c->n], 2, 0, d_getmore));
    add(c, 1, msg_cursor_reply(c->buf[c->n], 102, 2, "shop.customers", false, 1));   /* with checksum */
    add(c, 0, msg_doc(c->buf[c->n], 3, 0, d_insert));
    add(c, 1, msg_doc(c->buf[c->n], 103, 3, d_ok));
    add(c, 0, msg_find(c->buf[c->n], 4, "vault", "shop"));
    add(c, 1, msg_doc(c->buf[c->n], 104, 4, d_unauth));
    add(c, 0, legacy_query(c->buf[c->n], 5, "shop.people"));
    add(c, 1, legacy_reply(c->buf[c->n], 105, 5));
    /* compressed find + reply (zlib request, zstd and snappy replies) */
    uint8_t tmp[2048];
    size_t n = msg_find(tmp, 6, "orders", "shop");
    add(c, 0, compress_msg(c->buf[c->n], tmp, n, 2));
    n = msg_cursor_reply(tmp, 106, 6, "shop.orders", true, 0);
    add(c, 1, compress_msg(c->buf[c->n], tmp, n, 3));
    n = msg_find(tmp, 7, "leads", "crm");
    add(c, 0, compress_msg(c->buf[c->n], tmp, n, 1));
    n = msg_cursor_reply(tmp, 107, 7, "crm.leads", true, 0);
    add(c, 1, compress_msg(c->buf[c->n], tmp, n, 1));
    /* SCRAM: two steps, then an authenticated read */
    add(c, 0, msg_doc(c->buf[c->n], 8, 0, d_sasl_start));
    add(c, 1, msg_doc(c->buf[c->n], 108, 8, d_sasl_step));
    add(c, 0, msg_doc(c->buf[c->n], 9, 0, d_sasl_cont));
    add(c, 1, msg_doc(c->buf[c->n], 109, 9, d_sasl_done));
    add(c, 0, msg_find(c->buf[c->n], 10, "customers", "shop"));
    add(c, 1, msg_cursor_reply(c->buf[c->n], 110, 10, "shop.customers", true, 0));
    add(c, 0, msg_find(c->buf[c->n], 11, "late", "shop"));   /* unanswered */
}

static bool has(const struct ws_txn *t, const char *m, const char *uri, int status)
{
    return strcmp(t->method, m) == 0 && strcmp(t->uri, uri) == 0 && t->status == status && t->ended == 1 &&
           t->app_proto && strcmp(t->app_proto, "mongodb") == 0;
}

static bool check_conv(const struct ws_run *r)
{
    const struct ws_rec *x = &r->rec;
    if (x->n != 8) return false;
    const struct ws_txn *t = x->t;
    bool ok = has(&t[0], "find", "shop.customers", 200) && strstr(t[0].body, "\"email\":\"tobias.jaworski@example.org\"");
    ok &= has(&t[1], "getMore", "shop.customers", 200) && strstr(t[1].body, "\"nextBatch\":[{\"name\":\"Tobias");
    ok &= has(&t[2], "find", "shop.vault", 401) && strcmp(t[2].reason, "Unauthorized") == 0;
    ok &= has(&t[3], "query", "shop.people", 200) &&
          strcmp(t[3].body, "[{\"name\":\"Ada Lovelace\",\"phone\":\"+44 20 7946 0958\"},{\"name\":\"Alan Turing\"}]") == 0;
    ok &= has(&t[4], "find", "shop.orders", 200) && strstr(t[4].body, "mira.lindqvist@example.net");
    ok &= has(&t[5], "find", "crm.leads", 200) && strstr(t[5].body, "mira.lindqvist@example.net");
    for (int i = 0; i < 6; i++) ok &= !(t[i].flags & (TXN_CONN_AUTH | TXN_CONN_MIDSTREAM)) && t[i].client_dir == 0;
    ok &= has(&t[6], "find", "shop.customers", 200) && (t[6].flags & TXN_CONN_AUTH);
    ok &= has(&t[7], "find", "shop.late", 0) && (t[7].flags & TXN_RESP_MISSING);
    return ok;
}

static void t_conversation(void)
{
    struct conv *c = malloc(sizeof *c);
    build_conv(c);
    struct ws_run *r = malloc(sizeof *r);
    ws_play(&mongodb_dissector, c->m, c->n, 0, true, r);
    CHECK(check_conv(r));
    CHECK_EQ(ws_counter(&mongodb_dissector, r, "messages"), c->n);
    CHECK_EQ(ws_counter(&mongodb_dissector, r, "compressed"), 4);
    CHECK_EQ(ws_counter(&mongodb_dissector, r, "checksum_present"), 1);
    CHECK_EQ(ws_counter(&mongodb_dissector, r, "auth_ok"), 1);
    CHECK_EQ(ws_counter(&mongodb_dissector, r, "transactions"), 7);
    CHECK_EQ(ws_counter(&mongodb_dissector, r, "unanswered"), 1);
    CHECK_EQ(ws_counter(&mongodb_dissector, r, "malformed"), 0);
    free(r);
    free(c);
}

static void t_every_split(void)
{
    struct conv *c = malloc(sizeof *c);
    build_conv(c);
    size_t cuts;
    size_t good = ws_every_split(&mongodb_dissector, c->m, c->n, check_conv, &cuts);
    CHECK_EQ(good, cuts);
    free(c);
}

static void d_hello_x509(struct bb *x)
{
    bb_i32(x, "hello", 1);
    bb_sub(x, "speculativeAuthenticate", false);
    bb_i32(x, "authenticate", 1);
    bb_str(x, "mechanism", "MONGODB-X509");
    bb_end(x);
    bb_str(x, "$db", "admin");
}
static void d_hello_x509_reply(struct bb *x)
{
    bb_bool(x, "isWritablePrimary", true);
    bb_sub(x, "speculativeAuthenticate", false);
    bb_str(x, "dbname", "$external");
    bb_str(x, "user", "CN=client,OU=app");
    bb_end(x);
    bb_dbl(x, "ok", 1.0);
}

static void t_x509_and_midstream(void)
{
    struct conv *c = malloc(sizeof *c);
    memset(c, 0, sizeof *c);
    add(c, 0, msg_doc(c->buf[c->n], 1, 0, d_hello_x509));
    add(c, 1, msg_doc(c->buf[c->n], 101, 1, d_hello_x509_reply));
    add(c, 0, msg_find(c->buf[c->n], 2, "customers", "shop"));
    add(c, 1, msg_cursor_reply(c->buf[c->n], 102, 2, "shop.customers", true, 0));
    struct ws_run *r = malloc(sizeof *r);
    ws_play(&mongodb_dissector, c->m, c->n, 0, true, r);
    CHECK_EQ(r->rec.n, 1);
    CHECK(r->rec.t[0].flags & TXN_CONN_AUTH);
    /* mid-stream: only a reply, the request unseen; it still names its namespace */
    memset(c, 0, sizeof *c);
    add(c, 1, msg_cursor_reply(c->buf[c->n], 102, 2, "shop.customers", false, 0));
    ws_play(&mongodb_dissector, c->m, c->n, 0, false, r);
    CHECK_EQ(r->rec.n, 1);
    CHECK(has(&r->rec.t[0], "getMore", "shop.customers", 200));
    CHECK(r->rec.t[0].flags & TXN_REQ_MISSING);
    CHECK(r->rec.t[0].flags & TXN_CONN_MIDSTREAM);
    CHECK_EQ(r->rec.t[0].client_dir, 0);
    free(r);
    free(c);
}

static void t_probe(void)
{
    struct conv *c = malloc(sizeof *c);
    build_conv(c);
    unsigned yes = 0;
    for (size_t i = 0; i < c->n; i++) yes += mongodb_dissector.probe(c->m[i].p, c->m[i].len, c->m[i].dir) == PROBE_YES;
    CHECK_EQ(yes, c->n);
    unsigned maybe = 0;
    for (size_t k = 0; k < 21; k++) maybe += mongodb_dissector.probe(c->m[0].p, k, 0) == PROBE_MAYBE;
    CHECK_EQ(maybe, 21);
    static const struct { const char *s; size_t n; } nots[] = {
        { "GET / HTTP/1.1\r\n\r\n", 18 },
        { "*1\r\n$4\r\nPING\r\n", 14 },
        { "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 21 },
        { "SSH-2.0-OpenSSH_9.2p1 Debian\r\n", 30 },
    };
    for (size_t i = 0; i < sizeof nots / sizeof nots[0]; i++) {
        uint8_t *p = malloc(nots[i].n);
        memcpy(p, nots[i].s, nots[i].n);
        enum probe_result pr = mongodb_dissector.probe(p, nots[i].n, 0);
        if (pr != PROBE_NO) printf("  probe case %zu: %d\n", i, pr);
        CHECK(pr == PROBE_NO);
        free(p);
    }
    free(c);
}

static void t_snappy(void)
{
    /* "abc" literal, then a 1-byte-offset copy of 6 at distance 3 */
    const uint8_t s[] = { 9, 2 << 2, 'a', 'b', 'c', 0x01 | (2 << 2), 3 };
    uint8_t out[16];
    CHECK_EQ(mongodb_snappy(s, sizeof s, out, sizeof out), 9);
    CHECK(memcmp(out, "abcabcabc", 9) == 0);
    CHECK_EQ(mongodb_snappy(s, sizeof s, out, 8), (uint64_t)-1);        /* does not fit */
    const uint8_t bad_off[] = { 9, 2 << 2, 'a', 'b', 'c', 0x01 | (2 << 2), 4 };
    CHECK_EQ(mongodb_snappy(bad_off, sizeof bad_off, out, sizeof out), (uint64_t)-1);
    for (size_t k = 0; k < sizeof s; k++) {   /* every truncation fails cleanly */
        uint8_t *p = malloc(k ? k : 1);
        memcpy(p, s, k);
        CHECK_EQ(mongodb_snappy(p, k, out, sizeof out), (uint64_t)-1);
        free(p);
    }
    uint8_t z[64], back[9];
    uLongf zl = sizeof z;
    compress2(z, &zl, (const uint8_t *)"abcabcabc", 9, 6);
    CHECK_EQ(mongodb_decompress(2, z, zl, back, 9), 0);
    CHECK_EQ(mongodb_decompress(2, z, zl, back, 8), (uint64_t)-1);   /* size mismatch */
    CHECK_EQ(mongodb_decompress(9, z, zl, back, 9), (uint64_t)-2);
}

static void t_bad_framing(void)
{
    struct conv *c = malloc(sizeof *c);
    memset(c, 0, sizeof *c);
    add(c, 0, msg_find(c->buf[c->n], 1, "customers", "shop"));
    /* a reply whose header announces 10 bytes: framing is lost, then found
     * again at the next real header, and the find is answered there */
    memcpy(c->buf[c->n], "\x0a\x00\x00\x00\x65\x00\x00\x00\x01\x00\x00\x00\xdd\x07\x00\x00garbage", 23);
    add(c, 1, 23);
    add(c, 1, msg_cursor_reply(c->buf[c->n], 101, 1, "shop.customers", true, 0));
    struct ws_run *r = malloc(sizeof *r);
    ws_play(&mongodb_dissector, c->m, c->n, 0, true, r);
    CHECK_EQ(ws_counter(&mongodb_dissector, r, "bad_header"), 1);
    CHECK_EQ(ws_counter(&mongodb_dissector, r, "resync"), 1);
    CHECK_EQ(r->rec.n, 1);
    CHECK(has(&r->rec.t[0], "find", "shop.customers", 200));
    CHECK(r->rec.t[0].flags & TXN_RESYNC);
    /* a body section whose document overruns the message */
    memset(c, 0, sizeof *c);
    add(c, 0, msg_find(c->buf[c->n], 1, "customers", "shop"));
    size_t n = msg_cursor_reply(c->buf[c->n], 101, 1, "shop.customers", true, 0);
    c->buf[c->n][21] = 0xff;   /* the body document's length */
    add(c, 1, n);
    ws_play(&mongodb_dissector, c->m, c->n, 0, true, r);
    CHECK_EQ(ws_counter(&mongodb_dissector, r, "malformed"), 1);
    free(r);
    free(c);
}

/* A gap inside a reply: the rest of that message is skipped, the next
 * request/reply pair is parsed and paired again. Every cut of the stream
 * after the gap is tried. */
static void t_gap_resync(void)
{
    struct conv *c = malloc(sizeof *c);
    memset(c, 0, sizeof *c);
    size_t q1 = msg_find(c->buf[0], 1, "customers", "shop");
    size_t r1 = msg_cursor_reply(c->buf[1], 101, 1, "shop.customers", true, 0);
    size_t q2 = msg_find(c->buf[2], 2, "orders", "shop");
    size_t r2 = msg_cursor_reply(c->buf[3], 102, 2, "shop.orders", true, 0);
    /* server stream after the gap: the tail of reply 1, then reply 2 */
    size_t lost = 40, tail = r1 - lost;
    uint8_t *after = malloc(tail + r2);
    memcpy(after, c->buf[1] + lost, tail);
    memcpy(after + tail, c->buf[3], r2);
    unsigned good = 0, tries = 0;
    for (size_t cut = 1; cut < tail + r2; cut += 7) {
        struct ws_run *run = calloc(1, sizeof *run);
        run->fv.handshake_seen = true;
        config_defaults(&run->cfg);
        struct dissect_env env = { &run->cfg, &run->fv, { 1, 0 }, &ws_sink, &run->rec, run->counters };
        void *st = calloc(1, mongodb_dissector.state_size);
        mongodb_dissector.init(st, &env);
        mongodb_dissector.on_data(st, 0, c->buf[0], q1, &env);
        mongodb_dissector.on_data(st, 1, c->buf[1], lost / 2, &env);
        mongodb_dissector.on_gap(st, 1, lost - lost / 2, GAP_LOSS, &env);
        mongodb_dissector.on_data(st, 0, c->buf[2], q2, &env);
        uint8_t *a = malloc(cut), *b = malloc(tail + r2 - cut);
        memcpy(a, after, cut);
        memcpy(b, after + cut, tail + r2 - cut);
        mongodb_dissector.on_data(st, 1, a, cut, &env);
        mongodb_dissector.on_data(st, 1, b, tail + r2 - cut, &env);
        free(a);
        free(b);
        mongodb_dissector.on_close(st, &env);
        free(st);
        tries++;
        /* the orders find answered after the resync; the customers one never */
        bool ok = run->rec.n == 2 && has(&run->rec.t[0], "find", "shop.orders", 200) &&
                  (run->rec.t[0].flags & TXN_RESYNC) && strstr(run->rec.t[0].body, "mira.lindqvist") &&
                  has(&run->rec.t[1], "find", "shop.customers", 0) &&
                  ws_counter(&mongodb_dissector, run, "gap") == 1 && ws_counter(&mongodb_dissector, run, "resync") == 1;
        good += ok;
        free(run);
    }
    CHECK_EQ(good, tries);
    free(after);
    free(c);
}

/* The configuration's caps (--mongodb-max-message, --mongodb-max-json,
 * --bson-max-depth, --bson-max-elements): none hit by the conversation under
 * the defaults; each hit and counted when set small, whole or split. */
static uint64_t caps_sum(const struct ws_run *r)
{
    return ws_counter(&mongodb_dissector, r, "too_big") + ws_counter(&mongodb_dissector, r, "json_capped") +
           ws_counter(&mongodb_dissector, r, "depth_capped") + ws_counter(&mongodb_dissector, r, "elems_capped");
}

static void t_caps(void)
{
    struct conv *c = malloc(sizeof *c);
    build_conv(c);
    struct ws_run *r = malloc(sizeof *r);
    struct config *cfg = malloc(sizeof *cfg);
    ws_play(&mongodb_dissector, c->m, c->n, 0, true, r);
    CHECK(check_conv(r));
    CHECK_EQ(caps_sum(r), 0);
    for (size_t split = 0; split <= 7; split += 7) {
        /* messages: finds ~80 bytes, cursor replies ~250 (also inside OP_COMPRESSED) */
        config_defaults(cfg);
        cfg->mongodb_max_message = 200;
        ws_play_cfg(&mongodb_dissector, c->m, c->n, split, true, cfg, r);
        CHECK_EQ(ws_counter(&mongodb_dissector, r, "too_big"), 5);    /* 3 replies plain, 2 compressed */
        CHECK_EQ(ws_counter(&mongodb_dissector, r, "transactions"), 2);   /* the vault refusal, the legacy query */
        CHECK_EQ(ws_counter(&mongodb_dissector, r, "unanswered"), 6);     /* the 5 skipped, the late one */
        bool leak = false;
        for (unsigned i = 0; i < r->rec.n; i++) leak |= strstr(r->rec.t[i].body, "tobias") != NULL;
        CHECK(!leak);

        config_defaults(cfg);
        cfg->mongodb_max_json = 40;
        ws_play_cfg(&mongodb_dissector, c->m, c->n, split, true, cfg, r);
        CHECK_EQ(ws_counter(&mongodb_dissector, r, "json_capped"), 7);   /* every answered read */
        CHECK(r->rec.t[0].flags & TXN_BODY_CAP);
        CHECK_EQ(r->rec.t[0].body_len, 40);
        CHECK_EQ(r->rec.t[0].decoded, 40);

        config_defaults(cfg);
        cfg->bson_max_depth = 2;
        ws_play_cfg(&mongodb_dissector, c->m, c->n, split, true, cfg, r);
        const char *nulled = "{\"cursor\":{\"firstBatch\":null,\"id\":77,";
        CHECK(strncmp(r->rec.t[0].body, nulled, strlen(nulled)) == 0);
        CHECK_EQ(ws_counter(&mongodb_dissector, r, "depth_capped"), 5);
        CHECK_EQ(ws_counter(&mongodb_dissector, r, "elems_capped"), 0);

        config_defaults(cfg);
        cfg->bson_max_elements = 3;
        ws_play_cfg(&mongodb_dissector, c->m, c->n, split, true, cfg, r);
        CHECK_STR(r->rec.t[0].body, "{\"cursor\":{\"firstBatch\":[{}]}}");
        CHECK_EQ(ws_counter(&mongodb_dissector, r, "elems_capped"), 6);   /* the cursors and the 4-field refusal */
        CHECK_EQ(ws_counter(&mongodb_dissector, r, "depth_capped"), 0);
    }
    free(cfg);
    free(r);
    free(c);
}

int main(void)
{
    RUN(t_conversation);
    RUN(t_every_split);
    RUN(t_x509_and_midstream);
    RUN(t_probe);
    RUN(t_snappy);
    RUN(t_bad_framing);
    RUN(t_gap_resync);
    RUN(t_caps);
    return test_done();
}
