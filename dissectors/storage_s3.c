/* storage_s3.c -- Amazon S3 and S3-compatible servers (MinIO, Ceph RGW, s3rver).
 *
 * Endpoints:  virtual host  <bucket>.s3.amazonaws.com, <bucket>.s3.<region>.amazonaws.com,
 *                           <bucket>.s3-<region>.amazonaws.com,
 *                           <bucket>.s3-website-<region>.amazonaws.com,
 *                           <bucket>.s3-website.<region>.amazonaws.com,
 *                           <bucket>.s3.dualstack.<region>.amazonaws.com
 *             path style    s3[.-<region>].amazonaws.com/<bucket>/<key> and every
 *                           non-AWS host (MinIO, Ceph, s3rver on localhost:4568)
 * Signals:    Server: AmazonS3 | MinIO | Ceph..., x-amz-request-id, x-amz-id-2,
 *             a body whose root is ListBucketResult / ListAllMyBucketsResult /
 *             ListVersionsResult, an <Error> body naming a <BucketName> or <Key>.
 * Listings:   <Contents> per object (<Version> in ListVersionsResult, <Bucket> in
 *             ListAllMyBucketsResult); <IsTruncated>true</IsTruncated> when more
 *             pages follow.
 * Credentials: Authorization AWS4-HMAC-SHA256 / "AWS AKID:sig", presigned
 *             X-Amz-Signature/X-Amz-Credential, legacy AWSAccessKeyId+Signature,
 *             x-amz-security-token: the common checks in storage.c.
 * Refusals:   <Error><Code> (AccessDenied, NoSuchKey, NoSuchBucket,
 *             PermanentRedirect, ...), else the status.
 * Docs: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
#include "storage.h"

#include <string.h>

/* Offset of the ".s3." / ".s3-" label that starts the AWS part of a virtual
 * host name, or -1; *aws set when the host is an AWS S3 endpoint at all. */
static long s3_vhost_split(const char *host, bool *aws)
{
    *aws = false;
    if (!storage_host_suffix(host, ".amazonaws.com") && !storage_host_suffix(host, ".amazonaws.com.cn"))
        return -1;
    if (strncmp(host, "s3.", 3) == 0 || strncmp(host, "s3-", 3) == 0) {
        *aws = true;
        return -1;                         /* path style */
    }
    const char *a = strstr(host, ".s3."), *b = strstr(host, ".s3-");
    const char *hit = a && (!b || a < b) ? a : b;
    if (!hit) return -1;
    *aws = true;
    return hit - host;
}

static bool s3_list_root(struct bytes body)
{
    return storage_xml_root_is(body, "ListBucketResult") || storage_xml_root_is(body, "ListAllMyBucketsResult") ||
           storage_xml_root_is(body, "ListVersionsResult");
}

static int s3_recognise(const struct http_txn *t, struct bytes body, const struct storage_view *vw)
{
    struct storage_score sc = { 0, 0 };
    bool aws;
    s3_vhost_split(vw->host, &aws);
    if (aws) storage_score_add(&sc, 90);

    struct bytes server = vw->server;
    if (bytes_ieq(server, "AmazonS3")) storage_score_add(&sc, 90);
    else if (bytes_iprefix(server, "MinIO")) storage_score_add(&sc, 85);
    else if (bytes_ifind(server, "ceph") >= 0 || bytes_iprefix(server, "RGW")) storage_score_add(&sc, 70);
    bool reqid = storage_resp_header(t, "x-amz-request-id").len > 0;
    bool id2 = storage_resp_header(t, "x-amz-id-2").len > 0;
    if (reqid && id2) storage_score_add(&sc, 70);
    else if (reqid || id2) storage_score_add(&sc, 55);
    if (s3_list_root(body)) storage_score_add(&sc, 70);
    else if (storage_xml_root_is(body, "Error") &&
             (bytes_find(body, "<BucketName>") >= 0 || bytes_find(body, "<Key>") >= 0))
        storage_score_add(&sc, 55);

    /* SigV4 scope names the service: .../s3/aws4_request */
    struct bytes v;
    struct bytes authz = t->authorization.len ? t->authorization : storage_req_header(t, "authorization");
    if (bytes_find(authz, "/s3/aws4_request") >= 0) storage_score_add(&sc, 60);
    if (storage_query_get(vw->query, "X-Amz-Credential", &v) &&
        (bytes_find(v, "/s3/aws4_request") >= 0 || bytes_find(v, "%2Fs3%2Faws4_request") >= 0))
        storage_score_add(&sc, 60);
    return storage_score_get(&sc);
}

/* Sub-resources that make a bucket-level GET something other than a listing. */
static const char *const subresources[] = {
    "acl", "policy", "location", "cors", "tagging", "versioning", "website", "lifecycle",
    "logging", "notification", "replication", "encryption", "uploads", "accelerate",
    "requestPayment", "object-lock", "ownershipControls", "policyStatus", "publicAccessBlock", NULL
};

enum { S3_LIST_NONE = 0, S3_LIST_OBJECTS, S3_LIST_BUCKETS, S3_LIST_VERSIONS };

static void s3_describe(const struct http_txn *t, struct bytes body, struct storage_result *r)
{
    char host[256];
    bool aws;
    storage_host(t, host, sizeof host);
    struct bytes path, query;
    storage_split_uri(t->uri, &path, &query);

    long split = s3_vhost_split(host, &aws);
    if (split > 0) {
        storage_copy(r->container, sizeof r->container, bytes_of(host, (size_t)split));
        storage_rest_decoded(path, 0, r->object, sizeof r->object);
    } else {
        storage_seg_decoded(path, 0, r->container, sizeof r->container);
        storage_rest_decoded(path, 1, r->object, sizeof r->object);
    }

    if (storage_xml_root_is(body, "ListAllMyBucketsResult")) {
        r->is_listing = true;
        r->listing_mode = S3_LIST_BUCKETS;
    } else if (storage_xml_root_is(body, "ListVersionsResult") || storage_query_get(query, "versions", NULL)) {
        r->is_listing = true;
        r->listing_mode = S3_LIST_VERSIONS;
    } else if (storage_xml_root_is(body, "ListBucketResult")) {
        r->is_listing = true;
        r->listing_mode = S3_LIST_OBJECTS;
    } else if (!r->object[0] && t->method.len && bytes_ieq(t->method, "GET")) {
        bool sub = false;
        for (unsigned i = 0; subresources[i] && !sub; i++) sub = storage_query_get(query, subresources[i], NULL);
        if (!sub) {
            r->is_listing = true;
            r->listing_mode = r->container[0] ? S3_LIST_OBJECTS : S3_LIST_BUCKETS;
        }
    }

    if (t->status >= 300 && t->status != 304) {
        char code[48] = "";
        if (storage_xml_root_is(body, "Error")) storage_xml_text(body, "Code", code, sizeof code);
        if (!code[0] && (t->status == 301 || t->status == 307) && storage_resp_header(t, "x-amz-bucket-region").len)
            strcpy(code, t->status == 301 ? "PermanentRedirect" : "TemporaryRedirect");
        if (t->status >= 400 || code[0]) storage_set_refusal(r, t->status, code);
    }
}

/* ---- listing counter ---- */

static const char *const s3_toks[] = {
    "<Contents>", "<Bucket>", "<Version>", "<IsTruncated>true</IsTruncated>",
};
enum { T_CONTENTS, T_BUCKET, T_VERSION, T_TRUNC, T_N };

struct s3_list {
    struct storage_tokscan ts;
    uint64_t n[T_N];
};

static void s3_listing_feed(void *st, const uint8_t *p, size_t len, struct storage_result *r)
{
    struct s3_list *s = st;
    storage_tokscan_feed(&s->ts, s3_toks, T_N, s->n, p, len);
    switch (r->listing_mode) {
    case S3_LIST_BUCKETS: r->listed_objects = s->n[T_BUCKET]; break;
    case S3_LIST_VERSIONS: r->listed_objects = s->n[T_VERSION]; break;
    default: r->listed_objects = s->n[T_CONTENTS]; break;
    }
    r->more_pages = s->n[T_TRUNC] > 0;
}

const struct storage_profile storage_s3 = {
    .name = "s3",
    .recognise = s3_recognise,
    .describe = s3_describe,
    .listing_state_size = sizeof(struct s3_list),
    .listing_feed = s3_listing_feed,
};
