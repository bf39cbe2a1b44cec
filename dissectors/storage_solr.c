/* storage_solr.c -- Apache Solr.
 *
 * Endpoints:  /solr/<core>/select, /solr/<core>/query, /solr/<core>/export,
 *             /solr/<core>/get, /solr/admin/cores, /api/collections/<c>/select
 * Signals:    the path shape; {"responseHeader":{...},"response":{"numFound":
 *             JSON bodies; <response><lst name="responseHeader"> XML bodies.
 * Resource:   core or collection -> container.
 * Listings:   a select/query is a listing; listed_objects = the documents this
 *             response returns, min(rows (default 10), numFound - start), read
 *             from "numFound" in the body prefix; more_pages when
 *             start + returned < numFound.
 * Credentials: Basic (common).
 * Refusals:   the status (error "msg" when the body has one).
 * Docs: https://solr.apache.org/guide/solr/latest/query-guide/common-query-parameters.html
 */
#include "storage.h"

#include <string.h>

/* Index of the core segment, or -1 when the path is no Solr path. */
static int solr_core_seg(struct bytes path)
{
    struct bytes s0, s1;
    if (!storage_path_segment(path, 0, &s0)) return -1;
    if (bytes_eq(s0, "solr")) return 1;
    if (bytes_eq(s0, "api") && storage_path_segment(path, 1, &s1) &&
        (bytes_eq(s1, "collections") || bytes_eq(s1, "cores") || bytes_eq(s1, "c")))
        return 2;
    return -1;
}

static int solr_recognise(const struct http_txn *t, struct bytes body, const struct storage_view *v)
{
    struct storage_score sc = { 0, 0 };
    if (solr_core_seg(v->path) >= 0) storage_score_add(&sc, 50);
    bool json = storage_body_starts(body, '{');
    if (json && storage_json_value(body, "responseHeader") >= 0) {
        long resp = storage_json_value(body, "response");
        storage_score_add(&sc, resp >= 0 && storage_json_value(body, "numFound") >= 0 ? 80 : 60);
    }
    if (storage_xml_root_is(body, "response") && bytes_find(body, "<lst name=\"responseHeader\">") >= 0)
        storage_score_add(&sc, 80);
    return storage_score_get(&sc);
}

/* Unsigned integer at body offset v (JSON number or XML attribute text). */
static bool read_u64(struct bytes body, long v, uint64_t *out)
{
    if (v < 0) return false;
    size_t i = (size_t)v, s = i;
    while (i < body.len && body.p[i] >= '0' && body.p[i] <= '9' && i - s < 19) i++;
    return bytes_to_u64(bytes_of(body.p + s, i - s), UINT64_MAX, out) == 0;
}

static void solr_describe(const struct http_txn *t, struct bytes body, struct storage_result *r)
{
    struct bytes path, query, v, op = { NULL, 0 };
    storage_split_uri(t->uri, &path, &query);
    int cs = solr_core_seg(path);
    if (cs >= 0) {
        struct bytes core;
        if (storage_path_segment(path, (unsigned)cs, &core) && !bytes_eq(core, "admin"))
            storage_seg_decoded(path, (unsigned)cs, r->container, sizeof r->container);
        storage_path_segment(path, (unsigned)cs + 1, &op);
    }
    uint64_t found = 0;
    long nf = storage_json_value(body, "numFound");
    if (nf < 0) {           /* XML: <result name="response" numFound="12" */
        long a = bytes_find(body, "numFound=\"");
        nf = a >= 0 ? a + 10 : -1;
    }
    bool have = read_u64(body, nf, &found);
    if (bytes_eq(op, "select") || bytes_eq(op, "query") || bytes_eq(op, "export") || have) {
        r->is_listing = true;
        uint64_t rows = 10, start = 0;
        if (storage_query_get(query, "rows", &v)) bytes_to_u64(v, UINT64_MAX, &rows);
        if (storage_query_get(query, "start", &v)) bytes_to_u64(v, UINT64_MAX, &start);
        if (have) {
            uint64_t left = found > start ? found - start : 0;
            r->listed_objects = left < rows ? left : rows;
            r->more_pages = start + r->listed_objects < found;
        }
    }
    if (t->status >= 400) {
        char code[48] = "";
        if (storage_body_starts(body, '{')) storage_json_string(body, "msg", code, sizeof code);
        storage_set_refusal(r, t->status, code);
    }
}

const struct storage_profile storage_solr = {
    .name = "solr",
    .recognise = solr_recognise,
    .describe = solr_describe,
};
