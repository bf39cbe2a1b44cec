/* alert.h -- the alert: one JSON object with ECS names (DESIGN.md, "Alert").
 *
 * source = the client that asked and received the data, destination = the
 * server that served it; custom fields under "bleedwatch.". Raw personal data
 * never appears: PII is counts and masked samples, credentials in url.query
 * are redacted.
 */
#ifndef BW_ALERT_H
#define BW_ALERT_H

#include <stdint.h>

struct json;
struct flow_view;
struct http_txn;
struct storage_result;
struct pii_findings;
struct verdict;

/* Everything one alert is made of; pointers are borrowed for the call. */
struct alert_src {
    const char *sensor;                /* observer.name */
    const char *event_id;              /* unique, stable per flow and transaction */
    const char *input;                 /* capture file (offline), or NULL */
    const struct flow_view *flow;
    const struct http_txn *txn;
    const struct storage_result *storage;
    const struct pii_findings *pii;
    const struct verdict *verdict;
    const struct geo_info *client_geo;  /* NULL when unknown */
};

#define ALERT_MAX_DOMAINS 1000    /* organisation domains listed per alert */

/* Append "organization_domains": [{"domain": D, "values": N}...] (at most
 * ALERT_MAX_DOMAINS, most values first as the engine ordered them, and
 * "organization_domains_truncated": true past that) into the object open in j.
 * The domains are who to notify; nothing when the findings have none. */
void alert_org_domains_json(struct json *j, const struct pii_findings *f);

/* Append the alert object (no newline) to j. */
void alert_json(struct json *j, const struct alert_src *a);

#endif
