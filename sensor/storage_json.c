/* storage_json.c -- a storage_result as alert JSON members (DESIGN.md,
 * "bleedwatch.storage" and "bleedwatch.auth"). */
#include "storage.h"

#include "json.h"

void storage_result_json(const struct storage_result *r, struct json *j)
{
    json_key(j, "storage");
    json_obj_open(j);
    json_kv_cstr(j, "provider", r->provider ? r->provider : "unknown");
    if (r->account[0]) json_kv_cstr(j, "account", r->account);
    if (r->container[0]) json_kv_cstr(j, "container", r->container);
    if (r->object[0]) json_kv_cstr(j, "object", r->object);
    json_kv_i64(j, "confidence", r->confidence);
    json_kv_bool(j, "served", r->served);
    if (r->refused) json_kv_cstr(j, "refusal", r->refusal);
    if (r->public_ok) json_kv_bool(j, "public_ok", true);
    if (r->is_listing) {
        json_key(j, "listing");
        json_obj_open(j);
        json_kv_u64(j, "objects", r->listed_objects);
        json_kv_bool(j, "more_pages", r->more_pages);
        json_obj_close(j);
    }
    json_obj_close(j);

    json_key(j, "auth");
    json_obj_open(j);
    json_kv_cstr(j, "state", storage_auth_state_name(r->auth));
    if (r->auth_kind[0]) json_kv_cstr(j, "kind", r->auth_kind);
    json_obj_close(j);
}
