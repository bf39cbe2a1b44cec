/* storage_mongodb.c -- MongoDB wire-protocol transactions (dissectors/mongodb.c).
 *
 * Signals:    the transaction says so: app_proto "mongodb". Nothing else
 *             reaches this profile, and no HTTP response does.
 * Resource:   uri "db.collection" (or "db" for database-level commands):
 *             database -> container, collection -> object.
 * Credentials: the connection authenticated earlier (SASL/SCRAM done with
 *             ok: 1, authenticate, speculative x.509): TXN_CONN_AUTH, kind
 *             "mongodb_auth". A connection whose start was not seen
 *             (TXN_CONN_MIDSTREAM) is auth unknown (storage.c).
 * Refusals:   status 401 (Unauthorized, AuthenticationFailed), carried in
 *             reason as the server's codeName.
 */
#include "storage.h"

#include <string.h>

static int mongodb_recognise(const struct http_txn *t, struct bytes body, const struct storage_view *v)
{
    (void)body;
    (void)v;
    return t->app_proto && strcmp(t->app_proto, "mongodb") == 0 ? 100 : 0;
}

static void mongodb_describe(const struct http_txn *t, struct bytes body, struct storage_result *r)
{
    (void)body;
    size_t dot = 0;
    while (dot < t->uri.len && t->uri.p[dot] != '.') dot++;
    storage_copy(r->container, sizeof r->container, bytes_of(t->uri.p, dot));
    if (dot + 1 < t->uri.len) storage_copy(r->object, sizeof r->object, bytes_of(t->uri.p + dot + 1, t->uri.len - dot - 1));
    if (t->flags & TXN_CONN_AUTH) storage_set_credential(r, "mongodb_auth");
    if (t->status >= 400 && t->status < 500) {
        char code[48];
        storage_copy(code, sizeof code, t->reason);
        storage_set_refusal(r, t->status, code);
    }
}

const struct storage_profile storage_mongodb = {
    .name = "mongodb",
    .recognise = mongodb_recognise,
    .describe = mongodb_describe,
};
