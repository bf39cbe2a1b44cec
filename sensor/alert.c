/* alert.c -- build the ECS alert object. */
#include "alert.h"
#include "dissect.h"
#include "ecs.h"
#include "json.h"
#include "pii.h"
#include "storage.h"
#include "txn.h"
#include "verdict.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void alert_org_domains_json(struct json *j, const struct pii_findings *f)
{
    if (!f->n_orgs) return;
    json_key(j, "organization_domains");
    json_arr_open(j);
    for (size_t i = 0; i < f->n_orgs && i < ALERT_MAX_DOMAINS; i++) {
        json_obj_open(j);
        json_kv_str(j, "domain", f->orgs[i].domain, strnlen(f->orgs[i].domain, sizeof f->orgs[i].domain));
        json_kv_u64(j, "values", f->orgs[i].count);
        json_obj_close(j);
    }
    json_arr_close(j);
    if (f->n_orgs > ALERT_MAX_DOMAINS) json_kv_bool(j, "organization_domains_truncated", true);
}

void alert_json(struct json *j, const struct alert_src *a)
{
    const struct http_txn *t = a->txn;
    const struct flow_view *fv = a->flow;
    char buf[2048];

    json_obj_open(j);
    ecs_timestamp(t->ts_end, buf, sizeof buf);
    json_kv_cstr(j, "@timestamp", buf);

    json_key(j, "event");
    json_obj_open(j);
    json_kv_cstr(j, "kind", "alert");
    json_key(j, "category");
    json_arr_open(j);
    json_cstr(j, "network");
    json_arr_close(j);
    json_key(j, "type");
    json_arr_open(j);
    json_cstr(j, "access");
    json_arr_close(j);
    json_kv_cstr(j, "action", "unauthenticated-pii-egress");
    json_kv_i64(j, "severity", a->verdict->severity);
    json_kv_cstr(j, "id", a->event_id);
    json_kv_cstr(j, "dataset", "bleedwatch.alert");
    json_kv_cstr(j, "reason", a->verdict->reason);
    json_obj_close(j);

    json_key(j, "observer");
    json_obj_open(j);
    json_kv_cstr(j, "name", a->sensor);
    json_kv_cstr(j, "product", "bleedwatch");
    json_kv_cstr(j, "version", BW_VERSION);
    json_obj_close(j);

    ecs_endpoints(j, fv, t->client_dir, t->app_proto ? t->app_proto : "http", a->client_geo);

    ecs_url(j, t);

    json_key(j, "http");
    json_obj_open(j);
    json_key(j, "request");
    json_obj_open(j);
    ecs_kv(j, "method", t->method);
    json_obj_close(j);
    json_key(j, "response");
    json_obj_open(j);
    json_kv_u64(j, "status_code", (uint64_t)t->status);
    ecs_kv(j, "mime_type", ecs_mime_type(t));
    json_key(j, "body");
    json_obj_open(j);
    json_kv_u64(j, "bytes", t->resp_body_decoded);
    json_obj_close(j);
    json_obj_close(j);
    json_obj_close(j);

    if (t->user_agent.len) {
        json_key(j, "user_agent");
        json_obj_open(j);
        ecs_kv(j, "original", t->user_agent);
        json_obj_close(j);
    }

    json_key(j, "bleedwatch");
    json_obj_open(j);
    storage_result_json(a->storage, j);
    json_key(j, "pii");
    pii_findings_json(j, a->pii);
    alert_org_domains_json(j, a->pii);
    char fid[24];
    snprintf(fid, sizeof fid, "%016" PRIx64, fv->id);
    json_kv_cstr(j, "flow_id", fid);
    ecs_tunnel(j, fv);
    if (a->input) {
        json_key(j, "input");
        json_obj_open(j);
        json_kv_cstr(j, "pcap", a->input);
        json_obj_close(j);
    }
    json_obj_close(j);
    json_obj_close(j);
}
