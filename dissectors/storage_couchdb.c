/* storage_couchdb.c -- Apache CouchDB (and PouchDB-server style) HTTP API.
 *
 * Signals:    Server: CouchDB/x.y.z, X-Couch-Request-ID, the root banner
 *             {"couchdb":"Welcome",...}, {"total_rows":..,"rows":[ bodies,
 *             and the path shape (_all_docs, _find, _changes, _all_dbs).
 * Resource:   database -> container, document id (incl. _design/x, _local/x)
 *             -> object.
 * Listings:   _all_dbs: one string per database; _all_docs / _design_docs: one
 *             {"id": per row; _changes: one {"seq": per change; _find: one
 *             "_id" per document.
 * Credentials: Basic (common), Cookie AuthSession= (the default cookie list).
 * Refusals:   {"error":"unauthorized"|"forbidden"|"not_found",...}.
 * Docs: https://docs.couchdb.org/en/stable/api/database/bulk-api.html
 */
#include "storage.h"

#include <string.h>

static const char *const api_segs[] = { "_all_docs", "_find", "_changes", "_all_dbs", "_design_docs", NULL };

static int couchdb_recognise(const struct http_txn *t, struct bytes body, const struct storage_view *v)
{
    struct storage_score sc = { 0, 0 };
    if (bytes_iprefix(v->server, "CouchDB")) storage_score_add(&sc, 95);
    if (storage_resp_header(t, "x-couch-request-id").len) storage_score_add(&sc, 90);
    bool json = storage_body_starts(body, '{');
    char banner[16];
    if (json && storage_json_string(body, "couchdb", banner, sizeof banner) && strcmp(banner, "Welcome") == 0)
        storage_score_add(&sc, 90);
    if (json && storage_json_value(body, "total_rows") >= 0 && storage_json_value(body, "rows") >= 0)
        storage_score_add(&sc, 55);

    struct bytes seg;
    for (unsigned i = 0; i < 2 && storage_path_segment(v->path, i, &seg); i++)
        for (unsigned k = 0; api_segs[k]; k++)
            if (bytes_eq(seg, api_segs[k])) storage_score_add(&sc, 45);
    return storage_score_get(&sc);
}

enum { CDB_LIST_NONE = 0, CDB_LIST_DBS, CDB_LIST_ROWS, CDB_LIST_CHANGES, CDB_LIST_FIND };

static void couchdb_describe(const struct http_txn *t, struct bytes body, struct storage_result *r)
{
    struct bytes path, query, s0 = { NULL, 0 }, s1 = { NULL, 0 };
    storage_split_uri(t->uri, &path, &query);
    storage_path_segment(path, 0, &s0);
    storage_path_segment(path, 1, &s1);

    if (bytes_eq(s0, "_all_dbs")) {
        r->is_listing = true;
        r->listing_mode = CDB_LIST_DBS;
    } else if (s0.len && s0.p[0] != '_') {
        storage_seg_decoded(path, 0, r->container, sizeof r->container);
        if (s1.len && (s1.p[0] != '_' || bytes_eq(s1, "_design") || bytes_eq(s1, "_local")))
            storage_rest_decoded(path, 1, r->object, sizeof r->object);
        if (bytes_eq(s1, "_all_docs") || bytes_eq(s1, "_design_docs")) r->listing_mode = CDB_LIST_ROWS;
        else if (bytes_eq(s1, "_changes")) r->listing_mode = CDB_LIST_CHANGES;
        else if (bytes_eq(s1, "_find")) r->listing_mode = CDB_LIST_FIND;
        r->is_listing = r->listing_mode != CDB_LIST_NONE;
    }

    if (t->status >= 400) {
        char code[48] = "";
        if (storage_body_starts(body, '{')) storage_json_string(body, "error", code, sizeof code);
        storage_set_refusal(r, t->status, code);
    }
}

/* ---- listing counter ---- */

static const char *const cdb_toks[] = { "\"", "{\"id\":", "{\"seq\":", "\"_id\":" };
enum { T_QUOTE, T_ROW, T_SEQ, T_DOCID, T_N };

struct cdb_list {
    struct storage_tokscan ts;
    uint64_t n[T_N];
};

static void couchdb_listing_feed(void *st, const uint8_t *p, size_t len, struct storage_result *r)
{
    struct cdb_list *s = st;
    storage_tokscan_feed(&s->ts, cdb_toks, T_N, s->n, p, len);
    switch (r->listing_mode) {
    case CDB_LIST_DBS: r->listed_objects = s->n[T_QUOTE] / 2; break;   /* names hold no quotes */
    case CDB_LIST_CHANGES: r->listed_objects = s->n[T_SEQ]; break;
    case CDB_LIST_FIND: r->listed_objects = s->n[T_DOCID]; break;
    default: r->listed_objects = s->n[T_ROW]; break;
    }
}

const struct storage_profile storage_couchdb = {
    .name = "couchdb",
    .recognise = couchdb_recognise,
    .describe = couchdb_describe,
    .listing_state_size = sizeof(struct cdb_list),
    .listing_feed = couchdb_listing_feed,
};
