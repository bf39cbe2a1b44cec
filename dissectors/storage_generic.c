/* storage_generic.c -- generic HTTP data: directory listings and bulk data
 * responses that no provider profile claimed.
 *
 * Signals:    an autoindex page (Apache/nginx/lighttpd "Index of /..."), or a
 *             data media type: JSON, NDJSON, CSV/TSV, XML, plain text,
 *             octet-stream, spreadsheets, SQL dumps. Scores stay low (45/35) so
 *             any provider profile wins, and a plain HTML page is not data.
 * Resource:   host -> account, decoded URL path -> object.
 * Listings:   autoindex: one <a href=" per entry, minus sort links (?C=N;O=D),
 *             the parent link ("../" or an absolute "/..." href).
 * Credentials: the common checks (any Authorization, API-key headers, session
 *             cookies, signed/token query parameters).
 */
#include "storage.h"

#include <string.h>

/* lower case: compared with the content type folded (bytes_one_of) */
static const struct bytes data_types[] = {
    BYTES_LIT("application/json"), BYTES_LIT("application/x-ndjson"), BYTES_LIT("application/ndjson"),
    BYTES_LIT("application/jsonl"), BYTES_LIT("application/x-jsonlines"), BYTES_LIT("text/csv"),
    BYTES_LIT("application/csv"), BYTES_LIT("text/tab-separated-values"), BYTES_LIT("application/xml"),
    BYTES_LIT("text/xml"), BYTES_LIT("text/plain"), BYTES_LIT("application/octet-stream"),
    BYTES_LIT("application/vnd.ms-excel"),
    BYTES_LIT("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), BYTES_LIT("application/sql"),
    BYTES_LIT("application/x-sql"), BYTES_LIT("application/x-sqlite3"), BYTES_LIT("message/rfc822"),
};

static bool autoindex(struct bytes body)
{
    return bytes_find(body, "<title>Index of /") >= 0 || bytes_find(body, "<h1>Index of /") >= 0;
}

static int generic_recognise(const struct http_txn *t, struct bytes body, const struct storage_view *v)
{
    if (autoindex(body)) return 45;
    struct bytes ct = v->ct;
    if (bytes_one_of(ct.p, ct.len, data_types, sizeof data_types / sizeof data_types[0], true)) return 35;
    if (bytes_iprefix(ct, "application/") && bytes_ifind(ct, "+json") >= 0) return 35;
    return 0;
}

static void generic_describe(const struct http_txn *t, struct bytes body, struct storage_result *r)
{
    storage_host(t, r->account, sizeof r->account);
    struct bytes path, query;
    storage_split_uri(t->uri, &path, &query);
    storage_pct_decode(path, r->object, sizeof r->object, false);
    if (autoindex(body)) r->is_listing = true;
}

static const char *const gen_toks[] = { "<a href=\"", "<a href=\"?", "<a href=\"../\"", "<a href=\"/" };
enum { T_HREF, T_SORT, T_PARENT, T_ABS, T_N };

struct gen_list {
    struct storage_tokscan ts;
    uint64_t n[T_N];
};

static void generic_listing_feed(void *st, const uint8_t *p, size_t len, struct storage_result *r)
{
    struct gen_list *s = st;
    storage_tokscan_feed(&s->ts, gen_toks, T_N, s->n, p, len);
    uint64_t skip = s->n[T_SORT] + s->n[T_PARENT] + s->n[T_ABS];
    r->listed_objects = s->n[T_HREF] > skip ? s->n[T_HREF] - skip : 0;
}

const struct storage_profile storage_generic = {
    .name = "generic_http",
    .fallback = true,
    .recognise = generic_recognise,
    .describe = generic_describe,
    .listing_state_size = sizeof(struct gen_list),
    .listing_feed = generic_listing_feed,
};
