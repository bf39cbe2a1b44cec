/* verdict.c -- alert decision and severity (see verdict.h).
 *
 * Severity formula, for an alerting response:
 *
 *   kinds    = min(50, sum of w[k] over the kinds found)
 *              w: payment_card 30, national_id 30, credential 30, iban 25,
 *                 email_message 20, date_of_birth 12, postal_address 12,
 *                 phone 10, email 10, person_name 8
 *   volume   = min(40, 8 * log10(1 + D)), D = distinct values over all kinds
 *              (1 value -> 2, 10 -> 8, 100 -> 16, 10^4 -> 32, 10^5 -> 40)
 *   client   = 10 outside the home networks, 0 inside, 5 when no home
 *              network is configured (unknown)
 *   factor   = 0.8 for generic_http (weaker recognition), times 0.7 when
 *              auth is unknown (the request was not fully seen)
 *
 *   severity = clamp(round((kinds + volume + client) * factor), 1, 100)
 *
 * So one card number sent outside from a cloud bucket scores 42; a dump of
 * 1000 emails, 1000 phones and 1000 names 66; the same plus 1000 card numbers
 * and 1000 national ids 90; the first dump to an internal client on an
 * unseen request 39.
 */
#include "verdict.h"

#include <math.h>
#include <string.h>

void verdict_config_defaults(struct verdict_config *cfg)
{
    cfg->high_risk_min = 1;
    cfg->low_risk_distinct_min = 3;
    cfg->home_net = NULL;
}

bool verdict_kind_high_risk(enum pii_kind k)
{
    return k == PII_PAYMENT_CARD || k == PII_NATIONAL_ID || k == PII_IBAN || k == PII_CREDENTIAL;
}

static int kind_weight(enum pii_kind k)
{
    switch (k) {
    case PII_PAYMENT_CARD: return 30;
    case PII_NATIONAL_ID: return 30;
    case PII_CREDENTIAL: return 30;
    case PII_IBAN: return 25;
    case PII_EMAIL_MESSAGE: return 20;
    case PII_DATE_OF_BIRTH: return 12;
    case PII_POSTAL_ADDRESS: return 12;
    case PII_PHONE: return 10;
    case PII_EMAIL: return 10;
    case PII_PERSON_NAME: return 8;
    default: return 5;
    }
}

/* Distinct values of a kind; the occurrence count when the engine kept no
 * distinct figure (a value seen is at least one value). */
static uint64_t kind_values(const struct pii_kind_result *k)
{
    return k->distinct ? k->distinct : k->count;
}

static struct verdict no(const char *why)
{
    struct verdict v = { false, 0, why };
    return v;
}

struct verdict verdict_decide(const struct verdict_config *cfg, const struct storage_result *r,
                              const struct pii_findings *f, const uint8_t *client_ip, int ip_version,
                              int status)
{
    struct verdict_config defaults;
    if (!cfg) {
        verdict_config_defaults(&defaults);
        cfg = &defaults;
    }
    if (!r || !r->provider) return no("not a storage response");
    if (r->auth == AUTH_PRESENT) return no("credential presented");
    if (r->refused) return no("refused");
    if (status < 200 || status > 299 || status == 204 || !r->served) return no("not served");
    if (r->public_ok) return no("public endpoint (allow-listed)");
    if (!f) return no("no personal data");

    uint64_t high = 0, low = 0, distinct = 0;
    int kinds = 0;
    for (int k = 0; k < PII__COUNT; k++) {
        uint64_t n = kind_values(&f->kind[k]);
        if (!n) continue;
        distinct += n;
        kinds += kind_weight((enum pii_kind)k);
        if (verdict_kind_high_risk((enum pii_kind)k)) high += n;
        else low += n;
    }
    if (distinct == 0) return no("no personal data");
    bool hit = (cfg->high_risk_min > 0 && high >= cfg->high_risk_min) ||
               (cfg->low_risk_distinct_min > 0 && low >= cfg->low_risk_distinct_min);
    if (!hit) return no("personal data below threshold");

    double kind_part = kinds > 50 ? 50 : kinds;
    double volume = 8.0 * log10(1.0 + (double)distinct);
    if (volume > 40) volume = 40;
    double client = 5;
    if (cfg->home_net && netset_count(cfg->home_net) && client_ip && (ip_version == 4 || ip_version == 6))
        client = netset_contains(cfg->home_net, ip_version, client_ip) ? 0 : 10;
    double factor = 1.0;
    if (strcmp(r->provider, "generic_http") == 0) factor *= 0.8;
    if (r->auth == AUTH_UNKNOWN) factor *= 0.7;

    long sev = lround((kind_part + volume + client) * factor);
    if (sev < 1) sev = 1;
    if (sev > 100) sev = 100;
    struct verdict v = { true, (int)sev,
                         r->auth == AUTH_UNKNOWN ? "personal data served; request not fully seen (auth unknown)"
                                                 : "personal data served to an unauthenticated client" };
    return v;
}
