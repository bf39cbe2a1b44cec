/* pii_json.c -- findings as the alert's "bleedwatch.pii" object (DESIGN.md).
 * Only counts and masked samples: raw values never reach here. */
#include "json.h"
#include "pii.h"

void pii_findings_json(struct json *j, const struct pii_findings *f)
{
    json_obj_open(j);
    json_kv_u64(j, "total", f->total);
    json_kv_u64(j, "distinct", f->distinct);
    json_kv_u64(j, "records", f->records);
    json_kv_u64(j, "organizations", f->organizations);
    json_key(j, "kinds");
    json_obj_open(j);
    for (int k = 0; k < PII__COUNT; k++) {
        const struct pii_kind_result *r = &f->kind[k];
        if (!r->count) continue;
        json_key(j, pii_kind_name((enum pii_kind)k));
        json_obj_open(j);
        json_kv_u64(j, "count", r->count);
        json_kv_u64(j, "distinct", r->distinct);
        if (r->n_samples) {
            json_key(j, "samples");
            json_arr_open(j);
            for (unsigned s = 0; s < r->n_samples && s < PII_MAX_SAMPLES; s++) json_cstr(j, r->samples[s]);
            json_arr_close(j);
        }
        json_obj_close(j);
    }
    json_obj_close(j);
    json_kv_bool(j, "complete", f->complete);
    json_obj_close(j);
}
