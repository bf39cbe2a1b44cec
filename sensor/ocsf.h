/* ocsf.h -- the alert as an OCSF Data Security Finding (--schema ocsf).
 *
 * The same facts as alert.c's ECS object, laid out for pipelines that land in
 * OCSF stores (Amazon Security Lake, Splunk OCSF, ...): class 2006 "Data
 * Security Finding" (category 2, Findings), activity 1 (Create), with
 * data_security.data_lifecycle_state "Data in-Transit", the bucket or
 * container as databucket (type, is_public), and data_classification whose
 * discovery_details give each PII kind with its count. What OCSF has no place
 * for (storage confidence, distinct counts, masked samples, the HTTP exchange)
 * goes under "unmapped.bleedwatch", with the names of the ECS alert. ECS stays
 * the default schema.
 */
#ifndef BW_OCSF_H
#define BW_OCSF_H

#include <stdint.h>

struct json;
struct alert_src;

#define OCSF_VERSION "1.3.0"
#define OCSF_CLASS_DATA_SECURITY_FINDING 2006

/* Map a 1-100 severity to OCSF severity_id (1 Informational .. 5 Critical). */
int ocsf_severity_id(int severity);

/* Append the OCSF object of the alert a (no newline) to j. Raw personal data
 * never appears: counts and masked samples only, as in the ECS alert. */
void ocsf_alert_json(struct json *j, const struct alert_src *a);

#endif
