/* storage_firebase.c -- Firebase Realtime Database REST API.
 *
 * Endpoints:  https://<db>.firebaseio.com/<path>.json
 *             https://<db>.<region>.firebasedatabase.app/<path>.json
 * Resource:   database name (first host label) -> account, data path without
 *             the .json suffix -> object ("" = the whole database).
 * Listings:   ?shallow=true returns {"key":true,...}: one ":true per child key.
 * Credentials: auth= (legacy secret or ID token), access_token= (OAuth), Bearer.
 * Refusals:   401 {"error" : "Permission denied"}, 423 (database disabled),
 *             404 for a missing database.
 * Docs: https://firebase.google.com/docs/reference/rest/database
 */
#include "storage.h"

#include <string.h>

static bool firebase_host(const char *host)
{
    return storage_host_suffix(host, ".firebaseio.com") || storage_host_suffix(host, ".firebasedatabase.app");
}

static int firebase_recognise(const struct http_txn *t, struct bytes body, const struct storage_view *v)
{
    return firebase_host(v->host) ? 95 : 0;
}

static void firebase_describe(const struct http_txn *t, struct bytes body, struct storage_result *r)
{
    char host[256];
    storage_host(t, host, sizeof host);
    storage_copy(r->account, sizeof r->account, bytes_of(host, strcspn(host, ".")));
    struct bytes path, query, v;
    storage_split_uri(t->uri, &path, &query);
    storage_rest_decoded(path, 0, r->object, sizeof r->object);
    size_t n = strlen(r->object);
    if (n >= 5 && strcmp(r->object + n - 5, ".json") == 0) r->object[n - 5] = 0;
    n = strlen(r->object);
    if (n && r->object[n - 1] == '/') r->object[n - 1] = 0;

    if (storage_query_get(query, "auth", &v) && v.len) storage_set_credential(r, "firebase_auth");
    else if (storage_query_get(query, "access_token", &v) && v.len) storage_set_credential(r, "access_token");

    if (storage_query_get(query, "shallow", &v) && bytes_ieq(v, "true")) r->is_listing = true;

    if (t->status >= 400) {
        char code[48] = "";
        if (storage_body_starts(body, '{')) storage_json_string(body, "error", code, sizeof code);
        storage_set_refusal(r, t->status, code);
    }
}

static const char *const fb_toks[] = { "\":true", "\": true" };

struct fb_list {
    struct storage_tokscan ts;
    uint64_t n[2];
};

static void firebase_listing_feed(void *st, const uint8_t *p, size_t len, struct storage_result *r)
{
    struct fb_list *s = st;
    storage_tokscan_feed(&s->ts, fb_toks, 2, s->n, p, len);
    r->listed_objects = s->n[0] + s->n[1];
}

const struct storage_profile storage_firebase = {
    .name = "firebase",
    .recognise = firebase_recognise,
    .describe = firebase_describe,
    .listing_state_size = sizeof(struct fb_list),
    .listing_feed = firebase_listing_feed,
};
