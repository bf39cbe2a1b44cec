/* test_verdict.c -- the alert rule and severity, with crafted storage results
 * and PII findings. */
#include "test.h"
#include "verdict.h"

#include <arpa/inet.h>

static struct storage_result served(const char *provider)
{
    struct storage_result r;
    memset(&r, 0, sizeof r);
    r.provider = provider;
    r.auth = AUTH_NONE;
    r.served = true;
    r.confidence = 90;
    return r;
}

static void add(struct pii_findings *f, enum pii_kind k, uint64_t count, uint64_t distinct)
{
    f->kind[k].count += count;
    f->kind[k].distinct += distinct;
    f->total += count;
    f->distinct += distinct;
}

static const uint8_t *ip4(const char *s)
{
    static uint8_t a[16];
    inet_pton(AF_INET, s, a);
    return a;
}

static void t_alert_basic(void)
{
    struct storage_result r = served("azure_blob");
    struct pii_findings f;
    memset(&f, 0, sizeof f);
    add(&f, PII_EMAIL, 130, 128);
    struct verdict v = verdict_decide(NULL, &r, &f, ip4("203.0.113.9"), 4, 200);
    CHECK(v.alert);
    CHECK(v.severity >= 1 && v.severity <= 100);
    CHECK(strstr(v.reason, "unauthenticated") != NULL);
    v = verdict_decide(NULL, &r, &f, ip4("203.0.113.9"), 4, 206);   /* partial content is served too */
    CHECK(v.alert);
}

static void t_no_alert_cases(void)
{
    struct pii_findings f;
    memset(&f, 0, sizeof f);
    add(&f, PII_PAYMENT_CARD, 10, 10);
    struct storage_result r;

    r = served("s3");
    r.auth = AUTH_PRESENT;
    strcpy(r.auth_kind, "sigv4");
    struct verdict v = verdict_decide(NULL, &r, &f, NULL, 0, 200);
    CHECK(!v.alert);
    CHECK_EQ(v.severity, 0);
    CHECK_STR(v.reason, "credential presented");

    r = served("s3");
    r.served = false;
    r.refused = true;
    strcpy(r.refusal, "AccessDenied");
    v = verdict_decide(NULL, &r, &f, NULL, 0, 403);
    CHECK(!v.alert);
    CHECK_STR(v.reason, "refused");

    int bad_status[] = { 204, 304, 404, 500, 0 };
    for (int i = 0; i < 5; i++) {
        r = served("s3");
        v = verdict_decide(NULL, &r, &f, NULL, 0, bad_status[i]);
        CHECK(!v.alert);
    }
    r = served("s3");
    r.served = false;
    CHECK(!verdict_decide(NULL, &r, &f, NULL, 0, 200).alert);

    r = served("azure_blob");
    r.public_ok = true;
    v = verdict_decide(NULL, &r, &f, NULL, 0, 200);
    CHECK(!v.alert);
    CHECK(strstr(v.reason, "public") != NULL);

    r = served("azure_blob");
    CHECK(!verdict_decide(NULL, &r, NULL, NULL, 0, 200).alert);
    struct pii_findings none;
    memset(&none, 0, sizeof none);
    CHECK(!verdict_decide(NULL, &r, &none, NULL, 0, 200).alert);
    CHECK(!verdict_decide(NULL, NULL, &f, NULL, 0, 200).alert);
    struct storage_result nothing;
    memset(&nothing, 0, sizeof nothing);
    CHECK(!verdict_decide(NULL, &nothing, &f, NULL, 0, 200).alert);
}

static void t_thresholds(void)
{
    struct storage_result r = served("gcs");
    struct pii_findings f;
    /* one high-risk value alerts at the default threshold, for each high kind */
    enum pii_kind high[] = { PII_PAYMENT_CARD, PII_NATIONAL_ID, PII_IBAN, PII_CREDENTIAL };
    for (int i = 0; i < 4; i++) {
        memset(&f, 0, sizeof f);
        add(&f, high[i], 1, 1);
        CHECK(verdict_kind_high_risk(high[i]));
        CHECK(verdict_decide(NULL, &r, &f, NULL, 0, 200).alert);
    }
    CHECK(!verdict_kind_high_risk(PII_EMAIL));
    /* lower-risk: distinct values summed over kinds, 3 needed */
    memset(&f, 0, sizeof f);
    add(&f, PII_EMAIL, 50, 2);                 /* many occurrences of 2 values */
    struct verdict v = verdict_decide(NULL, &r, &f, NULL, 0, 200);
    CHECK(!v.alert);
    CHECK(strstr(v.reason, "below") != NULL);
    add(&f, PII_PHONE, 1, 1);                  /* a third distinct value, another kind */
    CHECK(verdict_decide(NULL, &r, &f, NULL, 0, 200).alert);

    /* configured thresholds */
    struct verdict_config cfg;
    verdict_config_defaults(&cfg);
    CHECK_EQ(cfg.high_risk_min, 1);
    CHECK_EQ(cfg.low_risk_distinct_min, 3);
    cfg.low_risk_distinct_min = 10;
    CHECK(!verdict_decide(&cfg, &r, &f, NULL, 0, 200).alert);
    cfg.high_risk_min = 3;
    memset(&f, 0, sizeof f);
    add(&f, PII_IBAN, 2, 2);
    CHECK(!verdict_decide(&cfg, &r, &f, NULL, 0, 200).alert);
    add(&f, PII_PAYMENT_CARD, 1, 1);           /* high-risk summed over kinds */
    CHECK(verdict_decide(&cfg, &r, &f, NULL, 0, 200).alert);
}

static void t_auth_unknown(void)
{
    struct storage_result r = served("azure_blob");
    struct pii_findings f;
    memset(&f, 0, sizeof f);
    add(&f, PII_EMAIL, 1000, 1000);
    add(&f, PII_PHONE, 1000, 1000);
    struct verdict none = verdict_decide(NULL, &r, &f, NULL, 0, 200);
    r.auth = AUTH_UNKNOWN;
    struct verdict unk = verdict_decide(NULL, &r, &f, NULL, 0, 200);
    CHECK(none.alert && unk.alert);
    CHECK(unk.severity < none.severity);
    CHECK(strstr(unk.reason, "unknown") != NULL);
}

/* The worked examples of the formula in verdict.c. */
static void t_severity_examples(void)
{
    netset *home = netset_new();
    char err[128];
    CHECK_EQ(netset_parse(home, "10.0.0.0/8, 192.168.0.0/16", err, sizeof err), 0);
    struct verdict_config cfg;
    verdict_config_defaults(&cfg);
    cfg.home_net = home;
    struct storage_result r = served("azure_blob");
    struct pii_findings f;

    memset(&f, 0, sizeof f);
    add(&f, PII_PAYMENT_CARD, 1, 1);
    CHECK_EQ(verdict_decide(&cfg, &r, &f, ip4("198.51.100.7"), 4, 200).severity, 42);

    memset(&f, 0, sizeof f);
    add(&f, PII_EMAIL, 1000, 1000);
    add(&f, PII_PHONE, 1000, 1000);
    add(&f, PII_PERSON_NAME, 1000, 1000);
    CHECK_EQ(verdict_decide(&cfg, &r, &f, ip4("198.51.100.7"), 4, 200).severity, 66);
    r.auth = AUTH_UNKNOWN;
    CHECK_EQ(verdict_decide(&cfg, &r, &f, ip4("10.2.3.4"), 4, 200).severity, 39);
    r.auth = AUTH_NONE;
    add(&f, PII_PAYMENT_CARD, 1000, 1000);
    add(&f, PII_NATIONAL_ID, 1000, 1000);
    CHECK_EQ(verdict_decide(&cfg, &r, &f, ip4("198.51.100.7"), 4, 200).severity, 90);
    netset_free(home);
}

/* Monotonic in what matters; generic lower; external higher; within 1-100. */
static void t_severity_order(void)
{
    netset *home = netset_new();
    char err[128];
    CHECK_EQ(netset_parse(home, "private", err, sizeof err), 0);
    struct verdict_config cfg;
    verdict_config_defaults(&cfg);
    cfg.home_net = home;
    struct storage_result r = served("s3");
    struct pii_findings f;
    memset(&f, 0, sizeof f);
    add(&f, PII_EMAIL, 3, 3);
    int prev = verdict_decide(&cfg, &r, &f, ip4("8.8.8.8"), 4, 200).severity;
    for (uint64_t n = 10; n <= 10000000; n *= 10) {
        memset(&f, 0, sizeof f);
        add(&f, PII_EMAIL, n, n);
        int s = verdict_decide(&cfg, &r, &f, ip4("8.8.8.8"), 4, 200).severity;
        CHECK(s >= prev);
        CHECK(s >= 1 && s <= 100);
        prev = s;
    }
    memset(&f, 0, sizeof f);
    add(&f, PII_EMAIL, 100, 100);
    int ext = verdict_decide(&cfg, &r, &f, ip4("8.8.8.8"), 4, 200).severity;
    int in = verdict_decide(&cfg, &r, &f, ip4("192.168.1.10"), 4, 200).severity;
    int unknown_side = verdict_decide(NULL, &r, &f, ip4("8.8.8.8"), 4, 200).severity;
    CHECK(ext > unknown_side && unknown_side > in);
    add(&f, PII_IBAN, 1, 1);
    CHECK(verdict_decide(&cfg, &r, &f, ip4("8.8.8.8"), 4, 200).severity > ext);
    struct storage_result g = served("generic_http");
    memset(&f, 0, sizeof f);
    add(&f, PII_EMAIL, 100, 100);
    CHECK(verdict_decide(&cfg, &g, &f, ip4("8.8.8.8"), 4, 200).severity < ext);
    /* every kind at its maximum stays at 100 */
    memset(&f, 0, sizeof f);
    for (int k = 0; k < PII__COUNT; k++) add(&f, (enum pii_kind)k, 1u << 30, 1u << 30);
    CHECK_EQ(verdict_decide(&cfg, &r, &f, ip4("8.8.8.8"), 4, 200).severity, 100);
    /* IPv6 client inside fc00::/7 */
    uint8_t a6[16];
    inet_pton(AF_INET6, "fd00::5", a6);
    memset(&f, 0, sizeof f);
    add(&f, PII_EMAIL, 100, 100);
    CHECK_EQ(verdict_decide(&cfg, &r, &f, a6, 6, 200).severity, in);
    netset_free(home);
}

int main(void)
{
    RUN(t_alert_basic);
    RUN(t_no_alert_cases);
    RUN(t_thresholds);
    RUN(t_auth_unknown);
    RUN(t_severity_examples);
    RUN(t_severity_order);
    return test_done();
}
