/* storage_redis.c -- Redis RESP transactions (dissectors/resp.c).
 *
 * Signals:    app_proto "redis" on the transaction, nothing else.
 * Resource:   uri "db<N>/<key or pattern>": "db<N>" -> container, the key
 *             (or KEYS/SCAN pattern) -> object.
 * Credentials: AUTH or HELLO ... AUTH answered without an error earlier on
 *             the connection: TXN_CONN_AUTH, kind "redis_auth". Connection
 *             start unseen: auth unknown (TXN_CONN_MIDSTREAM, storage.c).
 * Refusals:   -NOAUTH / -WRONGPASS / -NOPERM replies (status 401), the
 *             error's first word kept as the refusal code.
 */
#include "storage.h"

#include <string.h>

static int redis_recognise(const struct http_txn *t, struct bytes body, const struct storage_view *v)
{
    (void)body;
    (void)v;
    return t->app_proto && strcmp(t->app_proto, "redis") == 0 ? 100 : 0;
}

static void redis_describe(const struct http_txn *t, struct bytes body, struct storage_result *r)
{
    (void)body;
    size_t sl = 0;
    while (sl < t->uri.len && t->uri.p[sl] != '/') sl++;
    storage_copy(r->container, sizeof r->container, bytes_of(t->uri.p, sl));
    if (sl + 1 < t->uri.len) storage_copy(r->object, sizeof r->object, bytes_of(t->uri.p + sl + 1, t->uri.len - sl - 1));
    if (t->flags & TXN_CONN_AUTH) storage_set_credential(r, "redis_auth");
    if (t->status >= 400 && t->status < 500) {
        char code[48];
        storage_copy(code, sizeof code, t->reason);
        storage_set_refusal(r, t->status, code);
    }
}

const struct storage_profile storage_redis = {
    .name = "redis",
    .recognise = redis_recognise,
    .describe = redis_describe,
};
