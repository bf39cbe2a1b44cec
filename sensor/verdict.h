/* verdict.h -- should this response raise an alert, and how bad is it?
 *
 * The rule of the sensor in one function: a response alerts when the request
 * carried no credential, the data was served, the endpoint is not public on
 * purpose, and the PII engine found personal data at or above the threshold.
 * Pure: reads its arguments, allocates nothing, keeps no state.
 */
#ifndef BW_VERDICT_H
#define BW_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "netset.h"
#include "pii.h"
#include "storage.h"

struct verdict_config {
    uint32_t high_risk_min;          /* high-risk values that alone alert (default 1) */
    uint32_t low_risk_distinct_min;  /* distinct lower-risk values, all kinds summed (default 3) */
    const struct netset *home_net;   /* client inside = internal; NULL = unknown */
};

/* Defaults: 1 high-risk value, or 3 distinct lower-risk values; no home net. */
void verdict_config_defaults(struct verdict_config *cfg);

struct verdict {
    bool alert;
    int severity;          /* 1-100 when alert, 0 otherwise */
    const char *reason;    /* static text: why it alerts, or why not */
};

/* High-risk kinds: payment_card, national_id, iban, credential. */
bool verdict_kind_high_risk(enum pii_kind k);

/* Decide for one response. r is the storage classification (NULL or no
 * provider: no alert), f the PII findings of the response body (NULL = none),
 * client_ip the address that received the response (4 bytes for ip_version
 * 4, 16 for 6; may be NULL), status the HTTP status. cfg NULL = defaults.
 *
 * No alert when: a credential was presented (AUTH_PRESENT), the response was
 * refused, nothing was served (status not 2xx or no body), the endpoint is
 * public_ok, or the findings are below both thresholds. AUTH_UNKNOWN alerts
 * like AUTH_NONE but with a lower severity and its own reason.
 *
 * Severity (documented in verdict.c): kinds found (weighted), distinct
 * values (log scale), the client's side of the home networks, provider
 * (generic_http lower), auth unknown lower; clamped to 1-100. */
struct verdict verdict_decide(const struct verdict_config *cfg, const struct storage_result *r,
                              const struct pii_findings *f, const uint8_t *client_ip, int ip_version,
                              int status);

#endif
