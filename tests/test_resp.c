/* test_resp.c -- RESP parsing and the Redis dissector: pairing, auth,
 * rendering, every split point, caps. */
#include "test.h"
#include "resp.h"
#include "wire_json.h"
#include "wire_sink.h"

extern const struct dissector resp_dissector;

#define M(d, s) { d, (const uint8_t *)(s), sizeof(s) - 1 }

/* A RESP command array from words. */
static size_t cmd(char *out, size_t cap, const char *const *w)
{
    size_t n = 0, o = 0;
    while (w[n]) n++;
    o += (size_t)snprintf(out + o, cap - o, "*%zu\r\n", n);
    for (size_t i = 0; i < n; i++) o += (size_t)snprintf(out + o, cap - o, "$%zu\r\n%s\r\n", strlen(w[i]), w[i]);
    return o;
}

static const char hgetall_reply[] =
    "*6\r\n$4\r\nname\r\n$15\r\nTobias Jaworski\r\n$5\r\nemail\r\n$27\r\ntobias.jaworski@example.org\r\n"
    "$4\r\niban\r\n$22\r\nDE89370400440532013000\r\n";

static void t_probe(void)
{
    const struct { const char *s; enum probe_result want; } cases[] = {
        { "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", PROBE_YES },
        { "*2\r", PROBE_MAYBE },
        { "*2\r\n", PROBE_MAYBE },
        { "PING\r\n", PROBE_YES },
        { "get k\r\n", PROBE_YES },
        { "HGETA", PROBE_MAYBE },
        { "+OK\r\n", PROBE_YES },
        { "+OK Dovecot ready.\r\n", PROBE_NO },
        { "-NOAUTH Authentication required.\r\n", PROBE_YES },
        { "GET / HTTP/1.1\r\n", PROBE_NO },
        { "HTTP/1.1 200 OK\r\n", PROBE_NO },
        { "\x16\x03\x01\x02\x00", PROBE_NO },
        { "SSH-2.0-OpenSSH_9.2\r\n", PROBE_NO },
        { ":42\r\n", PROBE_YES },
        { "$5\r\nhello\r\n", PROBE_YES },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].s);
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, cases[i].s, n);
        enum probe_result r = resp_dissector.probe(p, n, 0);
        if (r != cases[i].want) printf("  probe case %zu: %d want %d\n", i, r, cases[i].want);
        CHECK(r == cases[i].want);
        free(p);
    }
}

/* resp_scan on every prefix of a reply: NEED_MORE, then OK with the exact
 * length; heap copies of exactly the prefix. */
static void t_scan_prefixes(void)
{
    const char *vals[] = { hgetall_reply, "%2\r\n+a\r\n:1\r\n+b\r\n*2\r\n_\r\n#t\r\n", "$-1\r\n", "*-1\r\n",
                           "|1\r\n+ttl\r\n:3\r\n$2\r\nhi\r\n", "=8\r\ntxt:abcd\r\n", ",3.5\r\n", "(123456789012345678901\r\n" };
    for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
        size_t n = strlen(vals[v]);
        unsigned need_more = 0;
        for (size_t k = 0; k < n; k++) {
            uint8_t *p = malloc(k ? k : 1);
            memcpy(p, vals[v], k);
            struct parse_result r = resp_scan(p, k, NULL, NULL);
            need_more += r.status == PARSE_NEED_MORE;
            free(p);
        }
        CHECK_EQ(need_more, n);
        /* the same, resumed: one scanner over ever longer prefixes */
        struct resp_scanner sc = { .active = false };
        unsigned resumed_more = 0;
        size_t got = 0;
        for (size_t k = 0; k <= n; k++) {
            uint8_t *q = malloc(k ? k : 1);
            memcpy(q, vals[v], k);
            struct parse_result r = resp_scan_more(&sc, q, k, NULL, NULL);
            if (r.status == PARSE_NEED_MORE) resumed_more++;
            else if (r.status == PARSE_OK) got = r.consumed;
            free(q);
        }
        CHECK_EQ(resumed_more, n);
        CHECK_EQ(got, n);
        uint8_t *p = malloc(n);
        memcpy(p, vals[v], n);
        struct parse_result r = resp_scan(p, n, NULL, NULL);
        CHECK(r.status == PARSE_OK);
        CHECK_EQ(r.consumed, n);
        free(p);
    }
}

static void t_scan_caps(void)
{
    struct resp_scan_stats st = { 0 };
    char deep[200];
    size_t o = 0;
    for (unsigned i = 0; i < LIM_RESP_MAX_DEPTH + 2; i++) o += (size_t)snprintf(deep + o, sizeof deep - o, "*1\r\n");
    o += (size_t)snprintf(deep + o, sizeof deep - o, ":1\r\n");
    CHECK(resp_scan((const uint8_t *)deep, o, NULL, &st).status == PARSE_ERROR);
    CHECK_EQ(st.depth_capped, 1);
    /* exactly at the cap is fine */
    o = 0;
    for (unsigned i = 0; i < LIM_RESP_MAX_DEPTH; i++) o += (size_t)snprintf(deep + o, sizeof deep - o, "*1\r\n");
    o += (size_t)snprintf(deep + o, sizeof deep - o, ":1\r\n");
    CHECK(resp_scan((const uint8_t *)deep, o, NULL, &st).status == PARSE_OK);
    const char big[] = "*2000000\r\n";
    CHECK(resp_scan((const uint8_t *)big, sizeof big - 1, NULL, &st).status == PARSE_ERROR);
    CHECK_EQ(st.elems_capped, 1);
    char *line = malloc(LIM_RESP_MAX_LINE + 10);
    line[0] = '+';
    memset(line + 1, 'a', LIM_RESP_MAX_LINE + 9);
    CHECK(resp_scan((const uint8_t *)line, LIM_RESP_MAX_LINE + 10, NULL, &st).status == PARSE_ERROR);
    CHECK_EQ(st.line_capped, 1);
    free(line);
    CHECK(resp_scan((const uint8_t *)"?x\r\n", 4, NULL, NULL).status == PARSE_ERROR);
    CHECK(resp_scan((const uint8_t *)"$3\r\nabcXY", 9, NULL, NULL).status == PARSE_ERROR);
    /* an LF without its CR is malformed, not a line past the cap */
    CHECK(resp_scan((const uint8_t *)"+OK\n", 4, NULL, &st).status == PARSE_ERROR);
    CHECK_EQ(st.line_capped, 1);
}

/* Caps given as limits (the configuration's): each one hit exactly past its
 * value, in replies and in commands, and counted. */
static void t_scan_limits(void)
{
    struct resp_limits lim = { 3, 5, 8 };
    struct resp_scan_stats st = { 0 };
    const char *d3 = "*1\r\n*1\r\n*1\r\n:1\r\n", *d4 = "*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n";
    CHECK(resp_scan((const uint8_t *)d3, strlen(d3), &lim, &st).status == PARSE_OK);
    CHECK(resp_scan((const uint8_t *)d4, strlen(d4), &lim, &st).status == PARSE_ERROR);
    CHECK_EQ(st.depth_capped, 1);
    /* 5 values in all (the array counts as one) */
    const char *e5 = "*4\r\n:1\r\n:2\r\n:3\r\n:4\r\n", *e6 = "*5\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n";
    CHECK(resp_scan((const uint8_t *)e5, strlen(e5), &lim, &st).status == PARSE_OK);
    CHECK(resp_scan((const uint8_t *)e6, strlen(e6), &lim, &st).status == PARSE_ERROR);
    CHECK_EQ(st.elems_capped, 1);
    /* a line of 8 bytes passes, 9 do not, even before its end arrives */
    CHECK(resp_scan((const uint8_t *)"+12345678\r\n", 11, &lim, &st).status == PARSE_OK);
    CHECK(resp_scan((const uint8_t *)"+123456789\r\n", 12, &lim, &st).status == PARSE_ERROR);
    CHECK(resp_scan((const uint8_t *)"+1234567890", 11, &lim, &st).status == PARSE_ERROR);
    CHECK(resp_scan((const uint8_t *)"+12345678\r", 10, &lim, &st).status == PARSE_NEED_MORE);
    CHECK_EQ(st.line_capped, 2);
    /* the resumable scanner keeps the same caps across deliveries */
    struct resp_scanner sc = { .active = false };
    CHECK(resp_scan_more(&sc, (const uint8_t *)d4, 8, &lim, &st).status == PARSE_NEED_MORE);
    CHECK(resp_scan_more(&sc, (const uint8_t *)d4, strlen(d4), &lim, &st).status == PARSE_ERROR);
    CHECK_EQ(st.depth_capped, 2);
    /* a depth above the scanner's stack is taken as its size */
    struct resp_limits wide = { 1000, 1000, 100 };
    char deep[400];
    size_t o = 0;
    for (unsigned i = 0; i < LIM_RESP_DEPTH_MAX + 1; i++) o += (size_t)snprintf(deep + o, sizeof deep - o, "*1\r\n");
    o += (size_t)snprintf(deep + o, sizeof deep - o, ":1\r\n");
    CHECK(resp_scan((const uint8_t *)deep, o, &wide, &st).status == PARSE_ERROR);
    CHECK_EQ(st.depth_capped, 3);
    /* commands: inline line, array length, argument line */
    struct resp_cmd c;
    memset(&st, 0, sizeof st);
    CHECK(resp_parse_cmd((const uint8_t *)"GET abcd\r\n", 10, &lim, &c, &st).status == PARSE_OK);
    CHECK(resp_parse_cmd((const uint8_t *)"GET abcde\r\n", 11, &lim, &c, &st).status == PARSE_ERROR);
    CHECK(resp_parse_cmd((const uint8_t *)"GET abcdefgh", 12, &lim, &c, &st).status == PARSE_ERROR);
    CHECK_EQ(st.line_capped, 2);
    const char *a5 = "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n";
    const char *a6 = "*6\r\n$1\r\na\r\n";
    CHECK(resp_parse_cmd((const uint8_t *)a5, strlen(a5), &lim, &c, &st).status == PARSE_OK);
    CHECK(resp_parse_cmd((const uint8_t *)a6, strlen(a6), &lim, &c, &st).status == PARSE_ERROR);
    CHECK_EQ(st.elems_capped, 1);
    const char *alen = "*1\r\n$123456789\r\n";
    CHECK(resp_parse_cmd((const uint8_t *)alen, strlen(alen), &lim, &c, &st).status == PARSE_ERROR);
    CHECK_EQ(st.line_capped, 3);
}


static void render(const char *v, enum resp_render_mode mode, const char *wrap, struct ws_sbuf *out)
{
    struct wjson *w = malloc(sizeof *w);
    out->n = 0;
    out->s[0] = 0;
    wj_init(w, 1 << 20, ws_to_sbuf, out);
    size_t n = strlen(v);
    uint8_t *p = malloc(n);
    memcpy(p, v, n);
    resp_render(p, n, mode, wrap ? bytes_str(wrap) : bytes_of(NULL, 0), w);
    wj_finish(w);
    free(p);
    free(w);
}

static void t_render(void)
{
    struct ws_sbuf *o = malloc(sizeof *o);
    render(hgetall_reply, RESP_R_PAIRS, NULL, o);
    CHECK_STR(o->s, "{\"name\":\"Tobias Jaworski\",\"email\":\"tobias.jaworski@example.org\",\"iban\":\"DE89370400440532013000\"}");
    render(hgetall_reply, RESP_R_PLAIN, NULL, o);
    CHECK(o->s[0] == '[');
    render("%1\r\n+name\r\n$3\r\nAda\r\n", RESP_R_PLAIN, NULL, o);
    CHECK_STR(o->s, "{\"name\":\"Ada\"}");
    render("$17\r\n{\"email\":\"a@b.c\"}\r\n", RESP_R_PLAIN, "user:1", o);
    CHECK_STR(o->s, "{\"user:1\":{\"email\":\"a@b.c\"}}");
    render("$9\r\n{\"broken\"\r\n", RESP_R_PLAIN, NULL, o);   /* not JSON: quoted */
    CHECK_STR(o->s, "\"{\\\"broken\\\"\"");
    render("*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$4\r\nname\r\n$3\r\nAda\r\n*2\r\n$3\r\n2-0\r\n*0\r\n", RESP_R_STREAM, NULL, o);
    CHECK_STR(o->s, "{\"1-0\":{\"name\":\"Ada\"},\"2-0\":{}}");
    render("*3\r\n:1\r\n_\r\n#f\r\n", RESP_R_PLAIN, NULL, o);
    CHECK_STR(o->s, "[1,null,false]");
    render("-NOAUTH Authentication required.\r\n", RESP_R_PLAIN, NULL, o);
    CHECK_STR(o->s, "{\"error\":\"NOAUTH Authentication required.\"}");
    render("|1\r\n+ttl\r\n:3\r\n$2\r\nhi\r\n", RESP_R_PLAIN, NULL, o);
    CHECK_STR(o->s, "\"hi\"");
    {
        struct wjson *w = malloc(sizeof *w);
        const char v[] = "*3\r\n$7\r\na@b.org\r\n$-1\r\n:5\r\n";
        struct bytes names[2] = { bytes_str("user:1:email"), bytes_str("user:2:email") };
        o->n = 0;
        o->s[0] = 0;
        wj_init(w, 1 << 20, ws_to_sbuf, o);
        resp_render_named((const uint8_t *)v, sizeof v - 1, names, 2, w);
        wj_finish(w);
        CHECK_STR(o->s, "{\"user:1:email\":\"a@b.org\",\"user:2:email\":null,\"2\":5}");
        free(w);
    }
    free(o);
}

/* The conversation used by the dissector tests: two reads before AUTH, one
 * refused, writes, SELECT, pipelining, inline, AUTH, a read after it. */
struct conv {
    char buf[8][512];
    struct ws_msg m[32];
    size_t n;
};

static void add(struct conv *c, int dir, const char *s, size_t len)
{
    c->m[c->n].dir = dir;
    c->m[c->n].p = (const uint8_t *)s;
    c->m[c->n].len = len;
    c->n++;
}
#define ADDS(c, d, s) add(c, d, s, sizeof(s) - 1)

static void build_conv(struct conv *c)
{
    memset(c, 0, sizeof *c);
    size_t n = cmd(c->buf[0], sizeof c->buf[0], (const char *const[]){ "HGETALL", "customer:1", NULL });
    add(c, 0, c->buf[0], n);
    ADDS(c, 1, hgetall_reply);
    /* the sensor's own kind of traffic: writes, never transactions */
    n = cmd(c->buf[1], sizeof c->buf[1], (const char *const[]){ "RPUSH", "bleedwatch:alerts", "{\"email\":\"x@y.org\"}", NULL });
    add(c, 0, c->buf[1], n);
    ADDS(c, 1, ":1\r\n");
    n = cmd(c->buf[2], sizeof c->buf[2], (const char *const[]){ "SELECT", "2", NULL });
    add(c, 0, c->buf[2], n);
    ADDS(c, 1, "+OK\r\n");
    /* pipelined: two commands in one segment, two replies in one */
    n = cmd(c->buf[3], sizeof c->buf[3], (const char *const[]){ "GET", "theme", NULL });
    n += cmd(c->buf[3] + n, sizeof c->buf[3] - n, (const char *const[]){ "KEYS", "user:*", NULL });
    add(c, 0, c->buf[3], n);
    ADDS(c, 1, "$4\r\ndark\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n");
    ADDS(c, 0, "get secret\r\n");   /* inline */
    ADDS(c, 1, "-NOAUTH Authentication required.\r\n");
    n = cmd(c->buf[4], sizeof c->buf[4], (const char *const[]){ "AUTH", "wrong", NULL });
    add(c, 0, c->buf[4], n);
    ADDS(c, 1, "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    n = cmd(c->buf[5], sizeof c->buf[5], (const char *const[]){ "AUTH", "s3cret", NULL });
    add(c, 0, c->buf[5], n);
    ADDS(c, 1, "+OK\r\n");
    n = cmd(c->buf[6], sizeof c->buf[6], (const char *const[]){ "HGET", "customer:1", "email", NULL });
    add(c, 0, c->buf[6], n);
    ADDS(c, 1, "$27\r\ntobias.jaworski@example.org\r\n");
    n = cmd(c->buf[7], sizeof c->buf[7], (const char *const[]){ "LRANGE", "q", "0", "-1", NULL });
    add(c, 0, c->buf[7], n);   /* unanswered at close */
}

static bool check_conv(const struct ws_run *r)
{
    const struct ws_rec *x = &r->rec;
    int ok = x->n == 6;
    if (!ok) return false;
    const struct ws_txn *t = x->t;
    ok &= strcmp(t[0].method, "HGETALL") == 0 && strcmp(t[0].uri, "db0/customer:1") == 0 && t[0].status == 200;
    ok &= strstr(t[0].body, "\"email\":\"tobias.jaworski@example.org\"") != NULL;
    ok &= !(t[0].flags & TXN_CONN_AUTH) && t[0].app_proto && strcmp(t[0].app_proto, "redis") == 0;
    ok &= strcmp(t[1].method, "GET") == 0 && strcmp(t[1].uri, "db2/theme") == 0 && strcmp(t[1].body, "{\"theme\":\"dark\"}") == 0;
    ok &= strcmp(t[2].method, "KEYS") == 0 && strcmp(t[2].uri, "db2/user:*") == 0 && strcmp(t[2].body, "[\"user:1\",\"user:2\"]") == 0;
    ok &= strcmp(t[3].method, "GET") == 0 && strcmp(t[3].uri, "db2/secret") == 0 && t[3].status == 401 && strcmp(t[3].reason, "NOAUTH") == 0;
    ok &= strcmp(t[4].method, "HGET") == 0 && t[4].status == 200 && (t[4].flags & TXN_CONN_AUTH);
    ok &= strcmp(t[4].body, "{\"email\":\"tobias.jaworski@example.org\"}") == 0;
    ok &= strcmp(t[5].method, "LRANGE") == 0 && t[5].status == 0 && (t[5].flags & TXN_RESP_MISSING);
    for (unsigned i = 0; i < x->n; i++) ok &= t[i].begun && t[i].ended == 1 && t[i].client_dir == 0;
    return ok;
}

static void t_conversation(void)
{
    struct conv *c = malloc(sizeof *c);
    build_conv(c);
    struct ws_run *r = malloc(sizeof *r);
    ws_play(&resp_dissector, c->m, c->n, 0, true, r);
    CHECK(check_conv(r));
    CHECK_EQ(ws_counter(&resp_dissector, r, "commands"), 10);
    CHECK_EQ(ws_counter(&resp_dissector, r, "replies"), 9);
    CHECK_EQ(ws_counter(&resp_dissector, r, "auth_ok"), 1);
    CHECK_EQ(ws_counter(&resp_dissector, r, "auth_failed"), 1);
    CHECK_EQ(ws_counter(&resp_dissector, r, "noauth"), 1);
    CHECK_EQ(ws_counter(&resp_dissector, r, "transactions"), 5);
    CHECK_EQ(ws_counter(&resp_dissector, r, "unanswered"), 1);
    free(r);
    free(c);
}

/* Every message cut at every point: the same transactions. */
static void t_every_split(void)
{
    struct conv *c = malloc(sizeof *c);
    build_conv(c);
    size_t cuts;
    size_t good = ws_every_split(&resp_dissector, c->m, c->n, check_conv, &cuts);
    CHECK_EQ(good, cuts);
    free(c);
}

static void t_midstream_and_resp3(void)
{
    struct conv *c = malloc(sizeof *c);
    memset(c, 0, sizeof *c);
    size_t n = cmd(c->buf[0], sizeof c->buf[0], (const char *const[]){ "HGETALL", "k", NULL });
    add(c, 0, c->buf[0], n);
    ADDS(c, 1, "%1\r\n$5\r\nemail\r\n$7\r\na@b.org\r\n");
    struct ws_run *r = malloc(sizeof *r);
    ws_play(&resp_dissector, c->m, c->n, 0, false, r);
    CHECK_EQ(r->rec.n, 1);
    CHECK(r->rec.t[0].flags & TXN_CONN_MIDSTREAM);
    CHECK_STR(r->rec.t[0].body, "{\"email\":\"a@b.org\"}");
    /* HELLO 3 AUTH: a map reply authenticates; a push does not answer */
    memset(c, 0, sizeof *c);
    n = cmd(c->buf[0], sizeof c->buf[0], (const char *const[]){ "HELLO", "3", "AUTH", "default", "pw", NULL });
    add(c, 0, c->buf[0], n);
    ADDS(c, 1, "%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n");
    n = cmd(c->buf[1], sizeof c->buf[1], (const char *const[]){ "GET", "k", NULL });
    add(c, 0, c->buf[1], n);
    ADDS(c, 1, ">2\r\n$7\r\nmessage\r\n$1\r\nx\r\n$1\r\nv\r\n");
    ws_play(&resp_dissector, c->m, c->n, 0, false, r);
    CHECK_EQ(r->rec.n, 1);
    CHECK(r->rec.t[0].flags & TXN_CONN_AUTH);
    CHECK(!(r->rec.t[0].flags & TXN_CONN_MIDSTREAM));
    CHECK_STR(r->rec.t[0].body, "{\"k\":\"v\"}");
    CHECK_EQ(ws_counter(&resp_dissector, r, "push"), 1);
    /* MGET: an object keyed by the keys asked for */
    memset(c, 0, sizeof *c);
    n = cmd(c->buf[0], sizeof c->buf[0], (const char *const[]){ "MGET", "u:1:email", "u:1:phone", NULL });
    add(c, 0, c->buf[0], n);
    ADDS(c, 1, "*2\r\n$7\r\na@b.org\r\n$11\r\n+4930123456\r\n");
    ws_play(&resp_dissector, c->m, c->n, 0, true, r);
    CHECK_EQ(r->rec.n, 1);
    CHECK_STR(r->rec.t[0].uri, "db0/u:1:email");
    CHECK_STR(r->rec.t[0].body, "{\"u:1:email\":\"a@b.org\",\"u:1:phone\":\"+4930123456\"}");
    free(r);
    free(c);
}

static void t_garbage_reply(void)
{
    struct conv *c = malloc(sizeof *c);
    memset(c, 0, sizeof *c);
    size_t n = cmd(c->buf[0], sizeof c->buf[0], (const char *const[]){ "GET", "k", NULL });
    add(c, 0, c->buf[0], n);
    ADDS(c, 1, "?garbage\r\n$1\r\nv\r\n");
    char deep[256];
    size_t o = 0;
    for (unsigned i = 0; i < LIM_RESP_MAX_DEPTH + 1; i++) o += (size_t)snprintf(deep + o, sizeof deep - o, "*1\r\n");
    struct ws_run *r = malloc(sizeof *r);
    ws_play(&resp_dissector, c->m, c->n, 0, true, r);
    CHECK_EQ(r->rec.n, 1);   /* unanswered at close, nothing rendered */
    CHECK_EQ(r->rec.t[0].status, 0);
    CHECK_EQ(ws_counter(&resp_dissector, r, "bad_reply"), 1);
    c->n = 1;
    add(c, 1, deep, o);
    ws_play(&resp_dissector, c->m, c->n, 0, true, r);
    CHECK_EQ(ws_counter(&resp_dissector, r, "depth_capped"), 1);
    free(r);
    free(c);
}

/* The configuration's caps as the dissector applies them: none hit by the
 * conversation under the defaults; each hit and counted when set small. */
static uint64_t caps_sum(const struct ws_run *r)
{
    static const char *const caps[] = { "too_big", "json_capped", "depth_capped", "elems_capped", "line_capped" };
    uint64_t n = 0;
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) n += ws_counter(&resp_dissector, r, caps[i]);
    return n;
}

static void t_dissector_caps(void)
{
    struct conv *c = malloc(sizeof *c);
    build_conv(c);
    struct ws_run *r = malloc(sizeof *r);
    struct config *cfg = malloc(sizeof *cfg);
    ws_play(&resp_dissector, c->m, c->n, 0, true, r);
    CHECK(check_conv(r));
    CHECK_EQ(caps_sum(r), 0);

    config_defaults(cfg);
    cfg->resp_max_json = 20;
    ws_play_cfg(&resp_dissector, c->m, c->n, 0, true, cfg, r);
    CHECK_EQ(ws_counter(&resp_dissector, r, "json_capped"), 3);   /* HGETALL, the refusal, HGET; GET and KEYS fit */
    CHECK(r->rec.t[0].flags & TXN_BODY_CAP);
    CHECK_EQ(r->rec.t[0].body_len, 20);
    CHECK(!(r->rec.t[1].flags & TXN_BODY_CAP));

    /* a bulk longer than the buffer cap, arriving in pieces: skipped, its
     * command answered with nothing seen, the next pair parsed again */
    char *big = malloc(200);
    int bl = snprintf(big, 200, "$100\r\n%0100d\r\n", 7);
    memset(c, 0, sizeof *c);
    size_t n = cmd(c->buf[0], sizeof c->buf[0], (const char *const[]){ "GET", "big", NULL });
    add(c, 0, c->buf[0], n);
    add(c, 1, big, (size_t)bl);
    n = cmd(c->buf[1], sizeof c->buf[1], (const char *const[]){ "GET", "k", NULL });
    add(c, 0, c->buf[1], n);
    ADDS(c, 1, "$1\r\nv\r\n");
    config_defaults(cfg);
    cfg->resp_max_message = 64;
    ws_play_cfg(&resp_dissector, c->m, c->n, 10, true, cfg, r);
    CHECK_EQ(ws_counter(&resp_dissector, r, "too_big"), 1);
    CHECK_EQ(r->rec.n, 2);
    CHECK_STR(r->rec.t[0].body, "{\"big\":null}");
    CHECK_STR(r->rec.t[1].body, "{\"k\":\"v\"}");
    ws_play(&resp_dissector, c->m, c->n, 10, true, r);   /* under the default it is rendered */
    CHECK_EQ(caps_sum(r), 0);
    CHECK(strstr(r->rec.t[0].body, "0000007") != NULL);
    free(big);

    /* depth, elements, line: the reply is not RESP within the caps */
    static const struct { const char *reply, *counter; size_t field; uint32_t cap; } bad[] = {
        { "*1\r\n*1\r\n*1\r\n:1\r\n", "depth_capped", offsetof(struct config, resp_max_depth), 2 },
        { "*3\r\n:1\r\n:2\r\n:3\r\n", "elems_capped", offsetof(struct config, resp_max_elements), 3 },
        { "+123456789\r\n", "line_capped", offsetof(struct config, resp_max_line), 8 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(c, 0, sizeof *c);
        n = cmd(c->buf[0], sizeof c->buf[0], (const char *const[]){ "LRANGE", "q", "0", NULL });
        add(c, 0, c->buf[0], n);
        add(c, 1, bad[i].reply, strlen(bad[i].reply));
        config_defaults(cfg);
        memcpy((char *)cfg + bad[i].field, &bad[i].cap, sizeof bad[i].cap);
        ws_play_cfg(&resp_dissector, c->m, c->n, 0, true, cfg, r);
        CHECK_EQ(ws_counter(&resp_dissector, r, bad[i].counter), 1);
        CHECK_EQ(ws_counter(&resp_dissector, r, "bad_reply"), 1);
        CHECK_EQ(caps_sum(r), 1);
        ws_play(&resp_dissector, c->m, c->n, 0, true, r);
        CHECK_EQ(caps_sum(r), 0);
        CHECK_EQ(ws_counter(&resp_dissector, r, "transactions"), 1);
    }
    /* and a command line past the line cap */
    config_defaults(cfg);
    cfg->resp_max_line = 8;
    memset(c, 0, sizeof *c);
    ADDS(c, 0, "get abcdefgh\r\n");
    ws_play_cfg(&resp_dissector, c->m, c->n, 0, true, cfg, r);
    CHECK_EQ(ws_counter(&resp_dissector, r, "line_capped"), 1);
    CHECK_EQ(ws_counter(&resp_dissector, r, "bad_command"), 1);
    free(cfg);
    free(r);
    free(c);
}

int main(void)
{
    RUN(t_probe);
    RUN(t_scan_prefixes);
    RUN(t_scan_caps);
    RUN(t_scan_limits);
    RUN(t_render);
    RUN(t_conversation);
    RUN(t_every_split);
    RUN(t_midstream_and_resp3);
    RUN(t_garbage_reply);
    RUN(t_dissector_caps);
    return test_done();
}
