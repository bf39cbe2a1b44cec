/* storage_gcs.c -- Google Cloud Storage, XML and JSON APIs.
 *
 * Endpoints:  XML   storage.googleapis.com/<bucket>/<object> (path style),
 *                   <bucket>.storage.googleapis.com/<object>, storage.cloud.google.com
 *             JSON  .../storage/v1/b/<bucket>/o[/<object>], .../download/storage/v1/b/...
 *                   (object names are one %-encoded segment: a%2Fb.csv)
 * Signals:    x-goog-generation/-metageneration/-hash/-stored-content-*, any
 *             other x-goog-* header, x-guploader-uploadid, "kind": "storage#objects"
 *             bodies, the JSON API path shape.
 * Listings:   JSON "kind": "storage#object" per item ("storage#bucket" for bucket
 *             lists), "nextPageToken" when more follow; XML as S3 (<Contents>,
 *             <IsTruncated>true</IsTruncated>).
 * Credentials: Bearer (common), X-Goog-Signature/X-Goog-Credential (common
 *             "signed_url"), legacy GoogleAccessId+Signature ("signed_url_v2").
 *             A key= API key identifies a project, it does not authorise a read
 *             of private data: it is not counted as a credential.
 * Refusals:   JSON {"error":{"errors":[{"reason":"forbidden"}]}}, XML <Error><Code>.
 * Docs: https://cloud.google.com/storage/docs/json_api/v1/objects/list
 */
#include "storage.h"

#include <string.h>

static bool gcs_host(const char *host)
{
    return storage_host_suffix(host, ".storage.googleapis.com") || strcmp(host, "storage.cloud.google.com") == 0;
}

/* Index of the "b" segment of a JSON API path, or -1. */
static int gcs_json_b(struct bytes path)
{
    struct bytes s0, s1, s2, s3;
    unsigned base = 0;
    if (storage_path_segment(path, 0, &s0) && (bytes_eq(s0, "download") || bytes_eq(s0, "upload"))) base = 1;
    if (storage_path_segment(path, base, &s1) && bytes_eq(s1, "storage") &&
        storage_path_segment(path, base + 1, &s2) && bytes_eq(s2, "v1") &&
        storage_path_segment(path, base + 2, &s3) && bytes_eq(s3, "b"))
        return (int)base + 2;
    return -1;
}

static bool gcs_kind(struct bytes body)
{
    char kind[32];
    return storage_body_starts(body, '{') && storage_json_string(body, "kind", kind, sizeof kind) &&
           strncmp(kind, "storage#", 8) == 0;
}

static int gcs_recognise(const struct http_txn *t, struct bytes body, const struct storage_view *v)
{
    struct storage_score sc = { 0, 0 };
    if (gcs_host(v->host)) storage_score_add(&sc, 90);
    if (gcs_json_b(v->path) >= 0) storage_score_add(&sc, strcmp(v->host, "www.googleapis.com") == 0 ? 90 : 55);

    if (storage_resp_header(t, "x-goog-generation").len || storage_resp_header(t, "x-goog-metageneration").len ||
        storage_resp_header(t, "x-goog-stored-content-length").len || storage_resp_header(t, "x-goog-hash").len)
        storage_score_add(&sc, 85);
    else {
        for (unsigned i = 0; t->resp_hdrs && i < t->n_resp_hdrs; i++)
            if (bytes_iprefix(t->resp_hdrs[i].name, "x-goog-")) { storage_score_add(&sc, 60); break; }
    }
    if (storage_resp_header(t, "x-guploader-uploadid").len) storage_score_add(&sc, 60);
    if (gcs_kind(body)) storage_score_add(&sc, 80);
    return storage_score_get(&sc);
}

enum { GCS_LIST_NONE = 0, GCS_LIST_OBJECTS, GCS_LIST_BUCKETS, GCS_LIST_XML };

static void gcs_describe(const struct http_txn *t, struct bytes body, struct storage_result *r)
{
    char host[256];
    storage_host(t, host, sizeof host);
    struct bytes path, query, seg;
    storage_split_uri(t->uri, &path, &query);

    int b = gcs_json_b(path);
    if (b >= 0) {
        unsigned ub = (unsigned)b;
        storage_seg_decoded(path, ub + 1, r->container, sizeof r->container);
        bool o = storage_path_segment(path, ub + 2, &seg) && bytes_eq(seg, "o");
        if (o) storage_rest_decoded(path, ub + 3, r->object, sizeof r->object);
        if (!r->container[0]) {
            r->is_listing = true;          /* GET /storage/v1/b?project= */
            r->listing_mode = GCS_LIST_BUCKETS;
        } else if (o && !r->object[0]) {
            r->is_listing = true;
            r->listing_mode = GCS_LIST_OBJECTS;
        }
    } else if (storage_host_suffix(host, ".storage.googleapis.com") && strcmp(host, "storage.googleapis.com") != 0) {
        size_t n = strlen(host) - strlen(".storage.googleapis.com");
        storage_copy(r->container, sizeof r->container, bytes_of(host, n));
        storage_rest_decoded(path, 0, r->object, sizeof r->object);
    } else {
        storage_seg_decoded(path, 0, r->container, sizeof r->container);
        storage_rest_decoded(path, 1, r->object, sizeof r->object);
    }
    if (!r->is_listing && storage_xml_root_is(body, "ListBucketResult")) {
        r->is_listing = true;
        r->listing_mode = GCS_LIST_XML;
    } else if (!r->is_listing && b < 0 && r->container[0] && !r->object[0] && t->method.len &&
               bytes_ieq(t->method, "GET")) {
        r->is_listing = true;
        r->listing_mode = GCS_LIST_XML;
    }

    if (storage_query_get(query, "GoogleAccessId", NULL) && storage_query_get(query, "Signature", NULL))
        storage_set_credential(r, "signed_url_v2");

    if (t->status >= 400) {
        char code[48] = "";
        if (storage_xml_root_is(body, "Error")) storage_xml_text(body, "Code", code, sizeof code);
        else if (storage_body_starts(body, '{') && !storage_json_string(body, "reason", code, sizeof code))
            storage_json_string(body, "message", code, sizeof code);
        storage_set_refusal(r, t->status, code);
    }
}

/* ---- listing counter ---- */

static const char *const gcs_toks[] = {
    "\"storage#object\"", "\"storage#bucket\"", "\"nextPageToken\"", "<Contents>",
    "<IsTruncated>true</IsTruncated>",
};
enum { T_OBJECT, T_BUCKET, T_NEXT, T_CONTENTS, T_TRUNC, T_N };

struct gcs_list {
    struct storage_tokscan ts;
    uint64_t n[T_N];
};

static void gcs_listing_feed(void *st, const uint8_t *p, size_t len, struct storage_result *r)
{
    struct gcs_list *s = st;
    storage_tokscan_feed(&s->ts, gcs_toks, T_N, s->n, p, len);
    switch (r->listing_mode) {
    case GCS_LIST_BUCKETS: r->listed_objects = s->n[T_BUCKET]; break;
    case GCS_LIST_XML: r->listed_objects = s->n[T_CONTENTS]; break;
    default: r->listed_objects = s->n[T_OBJECT]; break;
    }
    r->more_pages = s->n[T_NEXT] > 0 || s->n[T_TRUNC] > 0;
}

const struct storage_profile storage_gcs = {
    .name = "gcs",
    .recognise = gcs_recognise,
    .describe = gcs_describe,
    .listing_state_size = sizeof(struct gcs_list),
    .listing_feed = gcs_listing_feed,
};
