/* storage_elastic.c -- Elasticsearch and OpenSearch REST API.
 *
 * Signals:    X-elastic-product: Elasticsearch (7.14+), the root banner
 *             ("tagline" : "You Know, for Search" / "The OpenSearch Project..."),
 *             search bodies {"took":..,"hits":{...}}, the application/vnd.elasticsearch+json
 *             media type, and the path shape (_search, _cat/..., _mget, _doc, ...).
 * Resource:   index (the first path segment when it is not an API name; may be a
 *             comma list or a pattern) -> container; document id -> object.
 * Listings:   _search, _msearch, _mget, _search/scroll: one "_index" per hit or
 *             document, "_scroll_id" when a scroll continues; _cat/<x> (text):
 *             one line per row.
 * Credentials: Basic, ApiKey, Bearer: the common Authorization check.
 * Refusals:   the first "type" of an error body (security_exception,
 *             index_not_found_exception, ...), else the status.
 * Docs: https://www.elastic.co/guide/en/elasticsearch/reference/current/search-search.html
 */
#include "storage.h"

#include <string.h>

static const char *const api_segs[] = {
    "_search", "_msearch", "_mget", "_doc", "_source", "_count", "_cat", "_all", "_mapping",
    "_field_caps", "_async_search", "_pit", "_sql", "_cluster", "_nodes", "_aliases", NULL
};

static bool api_path(struct bytes path)
{
    struct bytes seg;
    for (unsigned i = 0; i < 3 && storage_path_segment(path, i, &seg); i++)
        for (unsigned k = 0; api_segs[k]; k++)
            if (bytes_eq(seg, api_segs[k])) return true;
    return false;
}

static int elastic_recognise(const struct http_txn *t, struct bytes body, const struct storage_view *v)
{
    struct storage_score sc = { 0, 0 };
    struct bytes prod = storage_resp_header(t, "x-elastic-product");
    if (bytes_ieq(prod, "Elasticsearch")) storage_score_add(&sc, 95);
    if (bytes_iprefix(v->ct, "application/vnd.elasticsearch+")) storage_score_add(&sc, 85);

    bool json = storage_body_starts(body, '{');
    if (json && (bytes_find(body, "You Know, for Search") >= 0 || bytes_find(body, "The OpenSearch Project") >= 0))
        storage_score_add(&sc, 85);
    long hits = json ? storage_json_value(body, "hits") : -1;
    if (hits >= 0 && body.p[hits] == '{' && storage_json_value(body, "took") >= 0) storage_score_add(&sc, 75);
    if (json && storage_json_value(body, "_index") >= 0 && storage_json_value(body, "_id") >= 0)
        storage_score_add(&sc, 55);

    if (api_path(v->path)) storage_score_add(&sc, 45);
    return storage_score_get(&sc);
}

enum { ES_LIST_NONE = 0, ES_LIST_HITS, ES_LIST_LINES, ES_LIST_CAT_JSON };

static void elastic_describe(const struct http_txn *t, struct bytes body, struct storage_result *r)
{
    struct bytes path, query, s0 = { NULL, 0 }, s1 = { NULL, 0 }, s2 = { NULL, 0 };
    storage_split_uri(t->uri, &path, &query);
    storage_path_segment(path, 0, &s0);
    storage_path_segment(path, 1, &s1);
    storage_path_segment(path, 2, &s2);

    if (s0.len && s0.p[0] != '_') {
        storage_seg_decoded(path, 0, r->container, sizeof r->container);
        /* /<index>/_doc/<id>, /<index>/_source/<id>, legacy /<index>/<type>/<id> */
        if (s2.len && s2.p[0] != '_' &&
            (bytes_eq(s1, "_doc") || bytes_eq(s1, "_source") || (s1.len && s1.p[0] != '_')))
            storage_seg_decoded(path, 2, r->object, sizeof r->object);
    }
    if (bytes_eq(s0, "_cat")) {
        r->is_listing = true;
        r->listing_mode = ES_LIST_LINES;
        /* ?format=json turns the table into an array of objects: count "index" keys */
        struct bytes f;
        if (storage_query_get(query, "format", &f) && bytes_ieq(f, "json")) r->listing_mode = ES_LIST_CAT_JSON;
        if (s1.len) storage_seg_decoded(path, 1, r->object, sizeof r->object);
    } else {
        struct bytes segs[3] = { s0, s1, s2 };
        for (int i = 0; i < 3; i++)
            if (bytes_eq(segs[i], "_search") || bytes_eq(segs[i], "_msearch") || bytes_eq(segs[i], "_mget")) {
                r->is_listing = true;
                r->listing_mode = ES_LIST_HITS;
            }
        long hits = storage_body_starts(body, '{') ? storage_json_value(body, "hits") : -1;
        if (!r->is_listing && hits >= 0 && body.p[hits] == '{') {
            r->is_listing = true;
            r->listing_mode = ES_LIST_HITS;
        }
    }

    if (t->status >= 400) {
        char code[48] = "";
        if (storage_body_starts(body, '{')) storage_json_string(body, "type", code, sizeof code);
        storage_set_refusal(r, t->status, code);
    }
}

/* ---- listing counter ---- */

static const char *const es_toks[] = { "\"_index\"", "\"_scroll_id\"", "\n", "\"index\":" };
enum { T_INDEX, T_SCROLL, T_LINE, T_CAT_INDEX, T_N };

struct es_list {
    struct storage_tokscan ts;
    uint64_t n[T_N];
};

static void elastic_listing_feed(void *st, const uint8_t *p, size_t len, struct storage_result *r)
{
    struct es_list *s = st;
    storage_tokscan_feed(&s->ts, es_toks, T_N, s->n, p, len);
    if (r->listing_mode == ES_LIST_LINES) {
        r->listed_objects = s->n[T_LINE];
    } else if (r->listing_mode == ES_LIST_CAT_JSON) {
        r->listed_objects = s->n[T_CAT_INDEX];
    } else {
        r->listed_objects = s->n[T_INDEX];
        r->more_pages = s->n[T_SCROLL] > 0;
    }
}

const struct storage_profile storage_elastic = {
    .name = "elasticsearch",
    .recognise = elastic_recognise,
    .describe = elastic_describe,
    .listing_state_size = sizeof(struct es_list),
    .listing_feed = elastic_listing_feed,
};
