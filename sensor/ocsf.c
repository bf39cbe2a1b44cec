/* ocsf.c -- the alert as an OCSF Data Security Finding (see ocsf.h). */
#include "ocsf.h"
#include "alert.h"
#include "dissect.h"
#include "ecs.h"
#include "geoip.h"
#include "json.h"
#include "pii.h"
#include "storage.h"
#include "txn.h"
#include "verdict.h"
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

int ocsf_severity_id(int severity)
{
    if (severity <= 0) return 1;      /* Informational */
    if (severity < 25) return 2;      /* Low */
    if (severity < 50) return 3;      /* Medium */
    if (severity < 75) return 4;      /* High */
    return 5;                         /* Critical */
}

static const char *const severity_names[] = { "Unknown", "Informational", "Low", "Medium", "High", "Critical" };

/* OCSF databucket type/type_id for a provider name. */
static void bucket_type(const char *provider, const char **type, int *type_id)
{
    *type = "Other";
    *type_id = 99;
    if (!provider) return;
    if (!strcmp(provider, "s3")) { *type = "S3"; *type_id = 1; }
    else if (!strcmp(provider, "azure_blob")) { *type = "Azure Blob"; *type_id = 2; }
    else if (!strcmp(provider, "gcs")) { *type = "GCP Bucket"; *type_id = 3; }
    else *type = provider;
}

static void endpoint(struct json *j, const char *key, const struct flow_view *fv, int side, struct bytes host,
                     const struct geo_info *g)
{
    char ip[64];
    json_key(j, key);
    json_obj_open(j);
    ecs_ip(fv->ip_version, fv->addr[side], ip, sizeof ip);
    json_kv_cstr(j, "ip", ip);
    json_kv_u64(j, "port", fv->port[side]);
    ecs_kv(j, "hostname", host);
    if (g && (g->country_iso[0] || g->city[0] || g->has_location)) {
        json_key(j, "location");
        json_obj_open(j);
        if (g->country_iso[0]) json_kv_cstr(j, "country", g->country_iso);
        if (g->city[0]) json_kv_cstr(j, "city", g->city);
        if (g->has_location) {
            json_key(j, "lat");
            json_double(j, g->lat, 4);
            json_key(j, "long");
            json_double(j, g->lon, 4);
        }
        json_obj_close(j);
    }
    if (g && g->asn) {
        json_key(j, "autonomous_system");
        json_obj_open(j);
        json_kv_u64(j, "number", g->asn);
        if (g->as_org[0]) json_kv_cstr(j, "name", g->as_org);
        json_obj_close(j);
    }
    json_obj_close(j);
}

static void data_classification(struct json *j, const struct pii_findings *f)
{
    json_key(j, "data_classification");
    json_obj_open(j);
    json_kv_cstr(j, "category", "Personal");
    json_kv_i64(j, "category_id", 1);
    json_kv_cstr(j, "confidentiality", "Confidential");
    json_kv_i64(j, "confidentiality_id", 2);
    json_key(j, "discovery_details");
    json_arr_open(j);
    for (int k = 0; k < PII__COUNT; k++) {
        if (!f->kind[k].count) continue;
        json_obj_open(j);
        json_kv_cstr(j, "type", pii_kind_name((enum pii_kind)k));
        json_kv_u64(j, "count", f->kind[k].count);
        json_obj_close(j);
    }
    json_arr_close(j);
    json_kv_u64(j, "total", f->total);
    json_kv_cstr(j, "status", f->complete ? "Complete" : "Partial");
    json_kv_i64(j, "status_id", f->complete ? 1 : 2);   /* OCSF: 1 Complete, 2 Partial */
    json_obj_close(j);
}

void ocsf_alert_json(struct json *j, const struct alert_src *a)
{
    const struct http_txn *t = a->txn;
    const struct flow_view *fv = a->flow;
    const struct storage_result *sr = a->storage;
    int c = t->client_dir ? 1 : 0;
    int sev = ocsf_severity_id(a->verdict->severity);
    int64_t ms = (int64_t)t->ts_end.tv_sec * 1000 + t->ts_end.tv_usec / 1000;
    char buf[2048];

    json_obj_open(j);
    json_kv_i64(j, "class_uid", OCSF_CLASS_DATA_SECURITY_FINDING);
    json_kv_cstr(j, "class_name", "Data Security Finding");
    json_kv_i64(j, "category_uid", 2);
    json_kv_cstr(j, "category_name", "Findings");
    json_kv_i64(j, "activity_id", 1);
    json_kv_cstr(j, "activity_name", "Create");
    json_kv_i64(j, "type_uid", OCSF_CLASS_DATA_SECURITY_FINDING * 100 + 1);
    json_kv_cstr(j, "type_name", "Data Security Finding: Create");
    json_kv_i64(j, "time", ms);
    json_kv_i64(j, "severity_id", sev);
    json_kv_cstr(j, "severity", severity_names[sev]);
    json_kv_i64(j, "risk_score", a->verdict->severity);
    json_kv_i64(j, "confidence_score", sr->confidence);
    json_kv_i64(j, "status_id", 1);
    json_kv_cstr(j, "status", "New");
    json_kv_cstr(j, "message", a->verdict->reason);

    json_key(j, "metadata");
    json_obj_open(j);
    json_kv_cstr(j, "version", OCSF_VERSION);
    json_kv_cstr(j, "uid", a->event_id);
    json_key(j, "product");
    json_obj_open(j);
    json_kv_cstr(j, "name", "bleedwatch");
    json_kv_cstr(j, "vendor_name", "bleedwatch");
    json_kv_cstr(j, "version", BW_VERSION);
    json_obj_close(j);
    json_obj_close(j);

    json_key(j, "finding_info");
    json_obj_open(j);
    json_kv_cstr(j, "uid", a->event_id);
    json_kv_cstr(j, "title", "Personal data served to an unauthenticated client");
    json_kv_cstr(j, "desc", a->verdict->reason);
    json_key(j, "types");
    json_arr_open(j);
    json_cstr(j, "unauthenticated-pii-egress");
    json_arr_close(j);
    json_kv_i64(j, "first_seen_time", (int64_t)t->ts_request.tv_sec * 1000 + t->ts_request.tv_usec / 1000);
    json_kv_i64(j, "last_seen_time", ms);
    json_obj_close(j);

    json_key(j, "data_security");
    json_obj_open(j);
    json_kv_cstr(j, "data_lifecycle_state", "Data in-Transit");
    json_kv_i64(j, "data_lifecycle_state_id", 2);
    json_kv_cstr(j, "detection_system", "Passive network sensor");
    json_kv_i64(j, "detection_system_id", 99);
    json_kv_cstr(j, "category", "Personal");
    json_kv_i64(j, "category_id", 1);
    json_obj_close(j);

    const char *btype;
    int btype_id;
    bucket_type(sr->provider, &btype, &btype_id);
    json_key(j, "databucket");
    json_obj_open(j);
    if (sr->account[0] && sr->container[0]) {
        snprintf(buf, sizeof buf, "%s/%s", sr->account, sr->container);
        json_kv_cstr(j, "name", buf);
    } else if (sr->account[0] || sr->container[0]) {
        json_kv_cstr(j, "name", sr->account[0] ? sr->account : sr->container);
    }
    json_kv_cstr(j, "type", btype);
    json_kv_i64(j, "type_id", btype_id);
    json_kv_bool(j, "is_public", sr->auth == AUTH_NONE);
    json_obj_close(j);

    if (sr->object[0]) {
        const char *slash = strrchr(sr->object, '/');
        json_key(j, "file");
        json_obj_open(j);
        json_kv_cstr(j, "name", slash ? slash + 1 : sr->object);
        json_kv_cstr(j, "path", sr->object);
        json_kv_i64(j, "type_id", 1);
        json_kv_u64(j, "size", t->resp_body_decoded);
        json_obj_close(j);
    }

    data_classification(j, a->pii);

    endpoint(j, "src_endpoint", fv, c, bytes_of(NULL, 0), a->client_geo);
    endpoint(j, "dst_endpoint", fv, !c, ecs_url_domain(t), NULL);

    json_key(j, "connection_info");
    json_obj_open(j);
    json_kv_cstr(j, "protocol_name", fv->l4proto == IPPROTO_TCP ? "tcp" : "udp");
    json_kv_i64(j, "protocol_ver_id", fv->ip_version == 6 ? 6 : 4);
    ecs_community_id(fv, t->client_dir, buf, sizeof buf);
    if (buf[0]) json_kv_cstr(j, "community_uid", buf);
    json_obj_close(j);

    json_key(j, "observables");
    json_arr_open(j);
    json_obj_open(j);
    json_kv_cstr(j, "name", "src_endpoint.ip");
    json_kv_i64(j, "type_id", 2);
    ecs_ip(fv->ip_version, fv->addr[c], buf, sizeof buf);
    json_kv_cstr(j, "value", buf);
    json_obj_close(j);
    json_arr_close(j);

    /* what OCSF has no place for, with the ECS alert's names */
    json_key(j, "unmapped");
    json_obj_open(j);
    ecs_url(j, t);
    json_key(j, "http");
    json_obj_open(j);
    ecs_kv(j, "method", t->method);
    json_kv_u64(j, "status_code", (uint64_t)t->status);
    json_kv_u64(j, "body_bytes", t->resp_body_decoded);
    ecs_kv(j, "user_agent", t->user_agent);
    json_obj_close(j);
    json_key(j, "bleedwatch");
    json_obj_open(j);
    storage_result_json(sr, j);
    json_key(j, "pii");
    pii_findings_json(j, a->pii);
    alert_org_domains_json(j, a->pii);
    snprintf(buf, sizeof buf, "%016" PRIx64, fv->id);
    json_kv_cstr(j, "flow_id", buf);
    json_kv_cstr(j, "observer", a->sensor);
    if (a->input) json_kv_cstr(j, "input", a->input);
    json_obj_close(j);
    json_obj_close(j);

    json_obj_close(j);
}
