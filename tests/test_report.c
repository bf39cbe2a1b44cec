/* test_report.c -- the report's JSON reader and its aggregation of alerts. */
#include "test.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>

static struct rj *parse(const char *s) { return rj_parse(s, strlen(s)); }

static void t_json_values(void)
{
    struct rj *v = parse(" {\"a\": {\"b\": [1, 2.5, -3e2], \"s\": \"x\\\"y\\\\z\\n\", \"t\": true, \"n\": null}} ");
    CHECK(v != NULL);
    if (!v) return;
    const struct rj *b = rj_get(v, "a.b");
    CHECK(b && b->type == RJ_ARR);
    if (b && b->child && b->child->next && b->child->next->next) {
        CHECK(b->child->num == 1);
        CHECK(b->child->next->num == 2.5);
        CHECK(b->child->next->next->num == -300);
    }
    CHECK_STR(rj_str(v, "a.s", "?"), "x\"y\\z\n");
    CHECK(rj_get(v, "a.t")->type == RJ_BOOL && rj_get(v, "a.t")->num == 1);
    CHECK(rj_get(v, "a.n")->type == RJ_NULL);
    CHECK(rj_get(v, "a.missing") == NULL);
    CHECK(rj_get(v, "a.s.deeper") == NULL);          /* a string has no members */
    CHECK_STR(rj_str(v, "a.b", "dflt"), "dflt");       /* wrong type: the default */
    CHECK(rj_num(v, "a.s", 7) == 7);
    rj_free(v);
}

static void t_json_unicode(void)
{
    /* \u00e9 -> 2 bytes, \u20ac -> 3, a surrogate pair -> 4, a lone surrogate -> U+FFFD */
    struct rj *v = parse("{\"k\":\"\\u00e9\\u20ac\\ud83d\\ude00\\ud800x\"}");
    CHECK(v != NULL);
    if (!v) return;
    CHECK_STR(rj_str(v, "k", ""), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbdx");
    rj_free(v);
}

static void t_json_rejects(void)
{
    static const char *const bad[] = { "", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "[1 2]", "\"abc", "tru", "nul",
                                       "{\"a\":1}x", "{a:1}", "\"\\x\"", "\"\\u12g4\"", "\"a\nb\"", "-", "1e", NULL };
    for (int i = 0; bad[i]; i++) {
        struct rj *v = parse(bad[i]);
        if (v) fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK(v == NULL);
        rj_free(v);
    }
    /* nesting past the limit fails; at the limit it parses */
    char deep[2 * RJ_MAX_DEPTH + 8];
    for (int d = RJ_MAX_DEPTH; d <= RJ_MAX_DEPTH + 1; d++) {
        memset(deep, '[', (size_t)d);
        memset(deep + d, ']', (size_t)d);
        struct rj *v = rj_parse(deep, 2 * (size_t)d);
        CHECK(d == RJ_MAX_DEPTH ? v != NULL : v == NULL);
        rj_free(v);
    }
}

/* Every proper prefix of a document is rejected (and read in bounds: ASan). */
static void t_json_prefixes(void)
{
    const char *doc = "{\"@timestamp\":\"2022-09-19T09:00:00.5Z\",\"x\":[1,{\"y\":\"\\u00e9\"}],\"z\":false}";
    size_t n = strlen(doc);
    for (size_t k = 0; k < n; k++) {
        char *p = malloc(k ? k : 1);   /* exact size: a read past it is caught */
        memcpy(p, doc, k);
        struct rj *v = rj_parse(p, k);
        CHECK(v == NULL);
        rj_free(v);
        free(p);
    }
    struct rj *v = rj_parse(doc, n);
    CHECK(v != NULL);
    rj_free(v);
}

static void add(struct report *r, const char *json)
{
    struct rj *v = parse(json);
    CHECK(v != NULL);
    if (v) CHECK_EQ(report_add_alert(r, v), 0);
    rj_free(v);
}

#define ALERT(ts, ip, obj, bytes, emails, orgs, doms)                                                            \
    "{\"@timestamp\":\"" ts "\",\"source\":{\"ip\":\"" ip "\",\"geo\":{\"country_iso_code\":\"NL\"},"            \
    "\"as\":{\"number\":64500,\"organization\":{\"name\":\"Example\"}}},\"url\":{\"domain\":\"acct.blob.core.windows.net\"}," \
    "\"http\":{\"response\":{\"body\":{\"bytes\":" #bytes "}}},\"bleedwatch\":{\"storage\":{\"provider\":\"azure_blob\"," \
    "\"account\":\"acct\",\"container\":\"c/x\",\"object\":\"" obj "\"},\"pii\":{\"total\":" #emails ","          \
    "\"organizations\":" #orgs ",\"kinds\":{\"email\":{\"count\":" #emails ",\"distinct\":" #emails "}}},"         \
    "\"organization_domains\":[" doms "]}}"

static void t_aggregate(void)
{
    struct report r;
    memset(&r, 0, sizeof r);
    /* a.csv (10 emails, 2 orgs) twice to two clients, b.csv (5 emails, 1 org, one shared) once */
    add(&r, ALERT("2022-09-19T09:00:00.000001Z", "198.51.100.1", "a.csv", 1000, 10, 2,
                  "{\"domain\":\"x.com\",\"values\":6},{\"domain\":\"y.com\",\"values\":4}"));
    add(&r, ALERT("2022-09-19T10:00:00Z", "198.51.100.2", "a.csv", 1000, 10, 2,
                  "{\"domain\":\"x.com\",\"values\":6},{\"domain\":\"y.com\",\"values\":4}"));
    add(&r, ALERT("2022-09-19T08:00:00Z", "198.51.100.1", "b.csv", 300, 5, 1, "{\"domain\":\"x.com\",\"values\":5}"));
    /* an OCSF alert of another endpoint */
    add(&r, "{\"class_uid\":2006,\"time\":1663578000123,\"src_endpoint\":{\"ip\":\"192.0.2.9\","
            "\"location\":{\"country\":\"DE\"}},\"unmapped\":{\"http\":{\"body_bytes\":77},\"bleedwatch\":{"
            "\"storage\":{\"provider\":\"s3\",\"account\":\"bkt\"},\"pii\":{\"kinds\":{\"phone\":{\"distinct\":3}}}}}}");
    struct rj *no = parse("{\"bleedwatch\":{\"storage\":{\"provider\":\"unknown\"}}}");
    CHECK_EQ(report_add_alert(&r, no), -1);
    rj_free(no);
    report_finish(&r);

    CHECK_EQ(r.n_eps, 2);
    if (r.n_eps != 2) { report_free(&r); return; }
    const struct report_endpoint *e = &r.eps[0];   /* most bytes first */
    CHECK_STR(e->key, "azure_blob/acct/c%2Fx");      /* the ledger's %-encoding */
    CHECK_STR(e->container, "c/x");
    CHECK_STR(e->host, "acct.blob.core.windows.net");
    CHECK_EQ(e->responses, 3);
    CHECK_EQ(e->bytes, 2300);
    CHECK_EQ(e->distinct[PII_EMAIL], 15);           /* a.csv once (10) + b.csv (5) */
    CHECK_EQ(e->organizations, 2);                  /* union of x.com, y.com */
    CHECK_EQ(e->n_domains, 2);
    CHECK_STR(e->domains[0].name, "x.com");         /* 6 + 6 + 5 values */
    CHECK_EQ(e->domains[0].count, 17);
    CHECK_EQ(e->clients_distinct, 2);
    CHECK_STR(e->clients[0].ip, "198.51.100.1");    /* 1300 bytes before 1000 */
    CHECK_EQ(e->clients[0].bytes, 1300);
    CHECK_STR(e->clients[0].country, "NL");
    CHECK_EQ(e->clients[0].asn, 64500);
    CHECK_EQ(e->clients[0].n_points, 2);
    CHECK(e->clients[0].points[0].ts_us < e->clients[0].points[1].ts_us);   /* sorted by time */
    CHECK_EQ(e->first_us, 1663574400LL * 1000000);
    CHECK_EQ(e->last_us, 1663581600LL * 1000000);
    CHECK_STR(e->objects[0].name, "a.csv");
    CHECK_EQ(e->objects[0].responses, 2);
    const struct report_endpoint *s = &r.eps[1];
    CHECK_STR(s->key, "s3/bkt");
    CHECK_EQ(s->bytes, 77);
    CHECK_EQ(s->first_us, 1663578000123000LL);
    CHECK_EQ(s->distinct[PII_PHONE], 3);
    CHECK_STR(s->clients[0].country, "DE");
    char t[40];
    CHECK_STR(report_time(s->first_us, t, sizeof t), "2022-09-19T09:00:00Z");
    CHECK_STR(report_time(0, t, sizeof t), "-");
    report_free(&r);
    report_free(NULL);
}

int main(void)
{
    RUN(t_json_values);
    RUN(t_json_unicode);
    RUN(t_json_rejects);
    RUN(t_json_prefixes);
    RUN(t_aggregate);
    return test_done();
}
