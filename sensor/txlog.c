/* txlog.c -- JSON lines for HTTP transactions. */
#include "txlog.h"
#include "dissect.h"
#include "ecs.h"
#include "json.h"
#include "txn.h"
#include "storage.h"
#include <inttypes.h>
#include <stdio.h>

static const struct { uint32_t bit; const char *name; } txn_flag_names[] = {
    { TXN_REQ_MISSING, "request_missing" },
    { TXN_REQ_PARTIAL, "request_partial" },
    { TXN_RESP_MISSING, "response_missing" },
    { TXN_BODY_GAP, "body_gap" },
    { TXN_BODY_SNAPLEN, "body_snaplen" },
    { TXN_BODY_CAP, "body_cap" },
    { TXN_BODY_TRUNC, "body_truncated" },
    { TXN_DECODE_ERROR, "decode_error" },
    { TXN_HEAD_TOO_BIG, "head_too_big" },
    { TXN_RESYNC, "resync" },
    { TXN_CONN_AUTH, "conn_authenticated" },
    { TXN_CONN_MIDSTREAM, "conn_midstream" },
};

#define TXN_INCOMPLETE (TXN_BODY_GAP | TXN_BODY_SNAPLEN | TXN_BODY_CAP | TXN_BODY_TRUNC | TXN_DECODE_ERROR)

void txlog_json(struct json *j, const struct flow_view *fv, const struct http_txn *t,
                const struct storage_result *sr, const char *input)
{
    char ts[40];
    struct timeval when = t->status ? t->ts_end : t->ts_request;
    if (!t->status && t->method.len == 0) when = t->ts_end;
    json_obj_open(j);
    ecs_timestamp(when, ts, sizeof ts);
    json_kv_cstr(j, "@timestamp", ts);
    json_key(j, "event");
    json_obj_open(j);
    json_kv_cstr(j, "kind", "event");
    json_kv_cstr(j, "dataset", "bleedwatch.http");
    json_obj_close(j);
    ecs_endpoints(j, fv, t->client_dir, t->app_proto ? t->app_proto : "http", NULL);

    ecs_url(j, t);

    json_key(j, "http");
    json_obj_open(j);
    uint8_t ver = t->resp_version ? t->resp_version : t->req_version;
    if (ver) {
        char v[8];
        snprintf(v, sizeof v, "%u.%u", ver / 10, ver % 10);
        json_kv_cstr(j, "version", v);
    }
    json_key(j, "request");
    json_obj_open(j);
    ecs_kv(j, "method", t->method);
    json_key(j, "body");
    json_obj_open(j);
    json_kv_u64(j, "bytes", t->req_body_wire);
    json_obj_close(j);
    json_obj_close(j);
    json_key(j, "response");
    json_obj_open(j);
    if (t->status) json_kv_u64(j, "status_code", (uint64_t)t->status);
    ecs_kv(j, "mime_type", ecs_mime_type(t));
    json_key(j, "body");
    json_obj_open(j);
    json_kv_u64(j, "bytes", t->resp_body_wire);
    json_kv_u64(j, "decoded_bytes", t->resp_body_decoded);
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
    char fid[24];
    snprintf(fid, sizeof fid, "%016" PRIx64, fv->id);
    json_kv_cstr(j, "flow_id", fid);
    ecs_tunnel(j, fv);
    if (sr && sr->provider) storage_result_json(sr, j);
    if (t->content_encoding.len) ecs_kv(j, "content_encoding", t->content_encoding);
    json_kv_bool(j, "authorization", t->authorization.len > 0);
    json_kv_bool(j, "complete", (t->flags & TXN_INCOMPLETE) == 0 && !(t->flags & TXN_RESP_MISSING));
    if (t->flags) {
        json_key(j, "flags");
        json_arr_open(j);
        for (size_t i = 0; i < sizeof txn_flag_names / sizeof txn_flag_names[0]; i++)
            if (t->flags & txn_flag_names[i].bit) json_cstr(j, txn_flag_names[i].name);
        json_arr_close(j);
    }
    if (input) {
        json_key(j, "input");
        json_obj_open(j);
        json_kv_cstr(j, "pcap", input);
        json_obj_close(j);
    }
    json_obj_close(j);
    json_obj_close(j);
    json_newline(j);
}
