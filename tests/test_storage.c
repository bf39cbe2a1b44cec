/* test_storage.c -- storage profiles: recognition, resource names, credentials,
 * refusals, listings fed at every split point, look-alikes, public_ok,
 * query redaction. Every transaction is built here, header by header. */
#include "test.h"
#include "storage.h"
#include "json.h"

/* ---- building transactions ---- */

struct tx {
    struct http_header req[24], resp[24];
    struct http_txn t;
    char body[16384];
};

static void tx_init(struct tx *x, const char *method, const char *uri, int status)
{
    memset(x, 0, sizeof *x);
    x->t.method = bytes_str(method);
    x->t.uri = bytes_str(uri);
    x->t.req_version = 11;
    x->t.resp_version = 11;
    x->t.status = status;
    x->t.req_hdrs = x->req;
    x->t.resp_hdrs = x->resp;
}

static void req_h(struct tx *x, const char *name, const char *value)
{
    x->req[x->t.n_req_hdrs].name = bytes_str(name);
    x->req[x->t.n_req_hdrs].value = bytes_str(value);
    x->t.n_req_hdrs++;
    if (strcasecmp(name, "host") == 0) x->t.host = bytes_str(value);
    if (strcasecmp(name, "authorization") == 0) x->t.authorization = bytes_str(value);
}

static void resp_h(struct tx *x, const char *name, const char *value)
{
    x->resp[x->t.n_resp_hdrs].name = bytes_str(name);
    x->resp[x->t.n_resp_hdrs].value = bytes_str(value);
    x->t.n_resp_hdrs++;
    if (strcasecmp(name, "content-type") == 0) x->t.content_type = bytes_str(value);
}

static void body_set(struct tx *x, const char *b)
{
    snprintf(x->body, sizeof x->body, "%s", b);
}

/* Classify with the whole body as prefix (capped by storage_classify). */
static int cls_cfg(struct tx *x, const struct storage_config *cfg, struct storage_result *r)
{
    x->t.resp_body_decoded = strlen(x->body);
    return storage_classify(&x->t, bytes_str(x->body), cfg, r);
}

static int cls(struct tx *x, struct storage_result *r) { return cls_cfg(x, NULL, r); }

static bool prov(const struct storage_result *r, const char *name)
{
    return r->provider && strcmp(r->provider, name) == 0;
}

/* Feed the body to the listing counter in one piece, in two pieces at every
 * split point and one byte at a time; every way must give the same count,
 * returned (or UINT64_MAX when they disagree). more_pages likewise. */
static uint64_t listing_all_splits(const struct storage_result *r0, const char *body, bool *more)
{
    size_t n = strlen(body), sz = storage_listing_state_size(r0);
    if (!sz) return UINT64_MAX - 1;
    void *st = calloc(1, sz);
    struct storage_result r = *r0;
    storage_listing_feed(&r, st, (const uint8_t *)body, n);
    uint64_t want = r.listed_objects;
    bool want_more = r.more_pages;
    bool ok = true;
    for (size_t cut = 0; cut <= n && ok; cut++) {
        memset(st, 0, sz);
        r = *r0;
        storage_listing_feed(&r, st, (const uint8_t *)body, cut);
        storage_listing_feed(&r, st, (const uint8_t *)body + cut, n - cut);
        ok = r.listed_objects == want && r.more_pages == want_more;
    }
    memset(st, 0, sz);
    r = *r0;
    for (size_t i = 0; i < n; i++) storage_listing_feed(&r, st, (const uint8_t *)body + i, 1);
    if (r.listed_objects != want || r.more_pages != want_more) ok = false;
    free(st);
    if (more) *more = want_more;
    return ok ? want : UINT64_MAX;
}

/* ---- helpers ---- */

static void t_util_uri(void)
{
    struct bytes p, q, s;
    storage_split_uri(bytes_str("/c/b.txt?comp=list&x=1#frag"), &p, &q);
    CHECK(bytes_eq(p, "/c/b.txt"));
    CHECK(bytes_eq(q, "comp=list&x=1"));
    storage_split_uri(bytes_str("http://h.example:80/a/b?q"), &p, &q);
    CHECK(bytes_eq(p, "/a/b"));
    CHECK(bytes_eq(q, "q"));
    storage_split_uri(bytes_str("/nothing"), &p, &q);
    CHECK_EQ(q.len, 0);
    CHECK(storage_path_segment(bytes_str("//a//b/c"), 1, &s) && bytes_eq(s, "b"));
    CHECK(!storage_path_segment(bytes_str("/a/b"), 2, &s));
    CHECK(storage_path_rest(bytes_str("/a/b/c/d"), 1, &s) && bytes_eq(s, "b/c/d"));

    char out[32];
    CHECK_EQ(storage_pct_decode(bytes_str("a%20b%2Fc+d%zz%00%4"), out, sizeof out, false), 15);
    CHECK_STR(out, "a b/c+d%zz%00%4");
    storage_pct_decode(bytes_str("a+b"), out, sizeof out, true);
    CHECK_STR(out, "a b");
    CHECK_EQ(storage_pct_decode(bytes_str("abcdefgh"), out, 4, false), 3);   /* truncated */
    CHECK_STR(out, "abc");

    struct bytes v;
    CHECK(storage_query_get(bytes_str("a=1&SIG=xyz&flag"), "sig", &v) && bytes_eq(v, "xyz"));
    CHECK(storage_query_get(bytes_str("a=1&flag"), "flag", &v) && v.len == 0);
    CHECK(!storage_query_get(bytes_str("signature=1"), "sig", &v));
    CHECK(storage_query_get(bytes_str("%73ig=enc"), "sig", &v) && bytes_eq(v, "enc"));
}

static void t_util_body(void)
{
    CHECK(storage_xml_root_is(bytes_str("\xef\xbb\xbf <?xml version=\"1.0\"?>\n<!-- c --><ListBucketResult xmlns=\"x\">"),
                              "ListBucketResult"));
    CHECK(storage_xml_root_is(bytes_str("<EnumerationResults>"), "EnumerationResults"));
    CHECK(!storage_xml_root_is(bytes_str("<EnumerationResultsX>"), "EnumerationResults"));
    CHECK(!storage_xml_root_is(bytes_str("<html><p>&lt;ListBucketResult&gt; <ListBucketResult>"), "ListBucketResult"));
    CHECK(!storage_xml_root_is(bytes_str("<?xml version=\"1.0\""), "ListBucketResult"));
    long v = storage_json_value(bytes_str("{\"a\" : {\"hits\"  :  {\"x\":1}}"), "hits");
    CHECK(v > 0);
    char s[16];
    CHECK(storage_json_string(bytes_str("{\"error\":\"unauthorized\"}"), "error", s, sizeof s));
    CHECK_STR(s, "unauthorized");
    CHECK(!storage_json_string(bytes_str("{\"error\":{}}"), "error", s, sizeof s));
    CHECK(storage_xml_text(bytes_str("<Error><Code>AccessDenied</Code>"), "Code", s, sizeof s));
    CHECK_STR(s, "AccessDenied");
    CHECK(storage_body_starts(bytes_str("  \n[1]"), '['));
    CHECK(!storage_body_starts(bytes_str("x{"), '{'));
}

/* The token counter at every split and one byte at a time, against counts
 * computed here by a plain search of the whole buffer. */
static void t_tokscan_splits(void)
{
    static const char *const toks[] = { "<Blob>", "aa", "\n", "<Blob><Name>" };
    char buf[512] = "";
    for (int i = 0; i < 9; i++) strcat(buf, i % 2 ? "<Blob><Name>x</Name></Blob>\n" : "aaa<Blob>\n");
    size_t n = strlen(buf);
    uint64_t want[4] = { 0, 0, 0, 0 };
    for (int t = 0; t < 4; t++) {
        size_t tl = strlen(toks[t]);
        for (size_t i = 0; i + tl <= n; i++)
            if (memcmp(buf + i, toks[t], tl) == 0) want[t]++;
    }
    CHECK(want[0] == 9 && want[1] == 10 && want[2] == 9 && want[3] == 4);
    for (size_t cut = 0; cut <= n; cut++) {
        for (size_t cut2 = cut; cut2 <= n; cut2 += 7) {
            struct storage_tokscan s;
            memset(&s, 0, sizeof s);
            uint64_t c[4] = { 0, 0, 0, 0 };
            storage_tokscan_feed(&s, toks, 4, c, (const uint8_t *)buf, cut);
            storage_tokscan_feed(&s, toks, 4, c, (const uint8_t *)buf + cut, cut2 - cut);
            storage_tokscan_feed(&s, toks, 4, c, (const uint8_t *)buf + cut2, n - cut2);
            for (int t = 0; t < 4; t++) CHECK_EQ(c[t], want[t]);
        }
    }
    struct storage_tokscan s;
    memset(&s, 0, sizeof s);
    uint64_t c[4] = { 0, 0, 0, 0 };
    for (size_t i = 0; i < n; i++) storage_tokscan_feed(&s, toks, 4, c, (const uint8_t *)buf + i, 1);
    for (int t = 0; t < 4; t++) CHECK_EQ(c[t], want[t]);
}

/* Random text over a four-letter alphabet (matches everywhere, overlapping
 * ones too), random tokens of 1 to 9 bytes, random splits: the counter's
 * sixteen-at-a-time search against a plain one. */
static void t_tokscan_random(void)
{
    char buf[700];
    char tokbuf[4][10];
    const char *toks[4];
    unsigned bad = 0;
    for (int round = 0; round < 300; round++) {
        size_t n = test_rand() % sizeof buf;
        for (size_t i = 0; i < n; i++) buf[i] = "ab\"{"[test_rand() % 4];
        uint64_t want[4] = { 0 }, c[4] = { 0 };
        for (int t = 0; t < 4; t++) {
            size_t tl = 1 + test_rand() % 9;
            for (size_t i = 0; i < tl; i++) tokbuf[t][i] = "ab\"{"[test_rand() % (t == 0 ? 2 : 4)];
            tokbuf[t][tl] = 0;
            toks[t] = tokbuf[t];
            for (size_t i = 0; i + tl <= n; i++) want[t] += memcmp(buf + i, toks[t], tl) == 0;
        }
        struct storage_tokscan s;
        memset(&s, 0, sizeof s);
        size_t at = 0;
        while (at < n) {
            size_t k = 1 + test_rand() % 200;
            if (k > n - at) k = n - at;
            storage_tokscan_feed(&s, toks, 4, c, (const uint8_t *)buf + at, k);
            at += k;
        }
        for (int t = 0; t < 4; t++) bad += c[t] != want[t];
    }
    CHECK_EQ(bad, 0);
}

/* bytes_find (sixteen positions a step) against a plain search: random text
 * over three letters, needles of 1 to 20 bytes, often cut from the text
 * itself, matches at the very start and end. */
static void t_bytes_find_random(void)
{
    char hay[320], nd[24];
    unsigned bad = 0;
    for (int round = 0; round < 4000; round++) {
        size_t n = test_rand() % sizeof hay;
        for (size_t i = 0; i < n; i++) hay[i] = "<a\""[test_rand() % 3];
        size_t k = 1 + test_rand() % 20;
        if (n >= k && test_rand() % 2) {
            size_t at = test_rand() % 3 == 0 ? n - k : test_rand() % (n - k + 1);
            memcpy(nd, hay + at, k);
        } else {
            for (size_t i = 0; i < k; i++) nd[i] = "<a\""[test_rand() % 3];
        }
        nd[k] = 0;
        long want = -1;
        for (size_t i = 0; i + k <= n && want < 0; i++)
            if (memcmp(hay + i, nd, k) == 0) want = (long)i;
        bad += bytes_find(bytes_of((const uint8_t *)hay, n), nd) != want;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(bytes_find(bytes_str("abc"), ""), 0);
    CHECK_EQ(bytes_find(bytes_str("ab"), "abc"), -1);
}

/* ---- Azure ---- */

static void azure_headers(struct tx *x)
{
    resp_h(x, "Server", "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0");
    resp_h(x, "x-ms-request-id", "2a0f2f3e-001e-0045-3c6a-c3a5b1000000");
    resp_h(x, "x-ms-version", "2021-08-06");
}

static void t_azure_anonymous_blob(void)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", "/customers/exports/2022%2009/list%20v2.csv", 200);
    req_h(&x, "Host", "bluebleed.blob.core.windows.net");
    req_h(&x, "x-ms-version", "2021-08-06");       /* a version header is no credential */
    azure_headers(&x);
    resp_h(&x, "Content-Type", "text/csv");
    body_set(&x, "name,email\nJan,jan@example.com\n");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "azure_blob"));
    CHECK_STR(r.account, "bluebleed");
    CHECK_STR(r.container, "customers");
    CHECK_STR(r.object, "exports/2022 09/list v2.csv");
    CHECK_EQ(r.auth, AUTH_NONE);
    CHECK_STR(r.auth_kind, "");
    CHECK(r.served);
    CHECK(!r.refused);
    CHECK(!r.is_listing);
    CHECK(!r.public_ok);
    CHECK(r.confidence >= 90);
    CHECK_STR(storage_auth_state_name(r.auth), "none");
}

static void t_azure_path_style(void)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", "/devstoreaccount1/data/people.json", 200);
    req_h(&x, "Host", "127.0.0.1:10000");
    resp_h(&x, "Server", "Azurite-Blob/3.23.0");
    resp_h(&x, "x-ms-request-id", "abc");
    body_set(&x, "[{\"email\":\"a@b.c\"}]");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "azure_blob"));
    CHECK_STR(r.account, "devstoreaccount1");
    CHECK_STR(r.container, "data");
    CHECK_STR(r.object, "people.json");

    /* ADLS Gen2 dfs endpoint */
    tx_init(&x, "GET", "/fs/dir/file.parquet", 200);
    req_h(&x, "Host", "lake.dfs.core.windows.net");
    resp_h(&x, "Server", "Windows-Azure-HDFS/1.0 Microsoft-HTTPAPI/2.0");
    body_set(&x, "PAR1");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "azure_blob"));
    CHECK_STR(r.account, "lake");
    CHECK_STR(r.container, "fs");
    CHECK_STR(r.object, "dir/file.parquet");
}

static void azure_cred(const char *hname, const char *hval, const char *uri, enum auth_state want,
                       const char *kind)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", uri, 200);
    req_h(&x, "Host", "acct.blob.core.windows.net");
    if (hname) req_h(&x, hname, hval);
    azure_headers(&x);
    body_set(&x, "data");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "azure_blob"));
    CHECK_EQ(r.auth, want);
    CHECK_STR(r.auth_kind, kind);
}

static void t_azure_credentials(void)
{
    azure_cred("Authorization", "SharedKey acct:ZGVhZGJlZWY=", "/c/b", AUTH_PRESENT, "sharedkey");
    azure_cred("Authorization", "SharedKeyLite acct:ZGVhZGJlZWY=", "/c/b", AUTH_PRESENT, "sharedkeylite");
    azure_cred("Authorization", "Bearer eyJ0eXAiOiJKV1QifQ.e30.sig", "/c/b", AUTH_PRESENT, "bearer");
    azure_cred(NULL, NULL, "/c/b?sv=2021-08-06&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&sig=abc%3D",
               AUTH_PRESENT, "sas");
    azure_cred(NULL, NULL, "/c/b?sp=r&sig=abc", AUTH_PRESENT, "sas");
    /* look-alikes: a version header, a sig without the SAS fields, an empty sig */
    azure_cred("x-ms-version", "2021-08-06", "/c/b", AUTH_NONE, "");
    azure_cred(NULL, NULL, "/c/b?sig=abc", AUTH_NONE, "");
    azure_cred(NULL, NULL, "/c/b?sv=2021-08-06&sig=", AUTH_NONE, "");
    azure_cred("Authorization", "Bearer null", "/c/b", AUTH_NONE, "");
    azure_cred("Authorization", "Bearer undefined", "/c/b", AUTH_NONE, "");
    azure_cred("Authorization", "", "/c/b", AUTH_NONE, "");
    azure_cred("Authorization", "Basic", "/c/b", AUTH_NONE, "");
    azure_cred("Authorization", "Bearer   ", "/c/b", AUTH_NONE, "");
    azure_cred("Authorization", "null", "/c/b", AUTH_NONE, "");
    azure_cred("Authorization", "0123456789abcdef", "/c/b", AUTH_PRESENT, "authorization");
    /* any scheme counts; Proxy-Authorization never does */
    azure_cred("Authorization", "Custom xyz", "/c/b", AUTH_PRESENT, "authorization");
    azure_cred("Proxy-Authorization", "Basic dXNlcjpwYXNz", "/c/b", AUTH_NONE, "");
}

static void azure_refusal(int status, const char *code_hdr, const char *body, const char *want)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", "/private/x.csv", status);
    req_h(&x, "Host", "acct.blob.core.windows.net");
    azure_headers(&x);
    if (code_hdr) resp_h(&x, "x-ms-error-code", code_hdr);
    body_set(&x, body);
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "azure_blob"));
    CHECK(r.refused);
    CHECK(!r.served);
    CHECK_STR(r.refusal, want);
}

static void t_azure_refusals(void)
{
    azure_refusal(404, "ResourceNotFound", "", "ResourceNotFound");
    azure_refusal(409, "PublicAccessNotPermitted", "", "PublicAccessNotPermitted");
    azure_refusal(403, "NoAuthenticationInformation", "", "NoAuthenticationInformation");
    azure_refusal(403, "AuthenticationFailed", "", "AuthenticationFailed");
    azure_refusal(404, NULL,
                  "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code><Message>x</Message></Error>",
                  "BlobNotFound");
    azure_refusal(403, NULL, "", "HTTP 403");
}

static void t_azure_web_public(void)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", "/$web/index.json", 200);
    req_h(&x, "Host", "site.blob.core.windows.net");
    azure_headers(&x);
    body_set(&x, "{}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_STR(r.container, "$web");
    CHECK(r.public_ok);

    tx_init(&x, "GET", "/people.json", 200);
    req_h(&x, "Host", "site.z6.web.core.windows.net");
    body_set(&x, "{}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "azure_blob"));
    CHECK_STR(r.account, "site");
    CHECK_STR(r.container, "$web");
    CHECK_STR(r.object, "people.json");
    CHECK(r.public_ok);
}

static void azure_list_body(char *b, size_t cap, int n, const char *next)
{
    size_t o = (size_t)snprintf(b, cap, "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                                        "<EnumerationResults ServiceEndpoint=\"https://a.blob.core.windows.net/\" "
                                        "ContainerName=\"c\"><Blobs>");
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(b + o, cap - o, "<Blob><Name>dir/file-%d.csv</Name><Properties>"
                                              "<Content-Length>%d</Content-Length></Properties></Blob>", i, 100 + i);
    o += (size_t)snprintf(b + o, cap - o, "<BlobPrefix><Name>sub/</Name></BlobPrefix></Blobs>%s</EnumerationResults>", next);
}

static void t_azure_listing(void)
{
    struct tx x;
    struct storage_result r;
    bool more;
    const int n = 23;
    tx_init(&x, "GET", "/c?restype=container&comp=list", 200);
    req_h(&x, "Host", "a.blob.core.windows.net");
    azure_headers(&x);
    resp_h(&x, "Content-Type", "application/xml");
    azure_list_body(x.body, sizeof x.body, n, "<NextMarker>2!84!MDAwMDM5IWZpbGUtMjMuY3N2</NextMarker>");
    CHECK_EQ(storage_classify(&x.t, bytes_str(x.body), NULL, &r), 0);
    CHECK(prov(&r, "azure_blob"));
    CHECK(r.is_listing);
    CHECK_STR(r.container, "c");
    CHECK_EQ(listing_all_splits(&r, x.body, &more), (uint64_t)n);
    CHECK(more);

    azure_list_body(x.body, sizeof x.body, 5, "<NextMarker />");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(listing_all_splits(&r, x.body, &more), 5);
    CHECK(!more);
    azure_list_body(x.body, sizeof x.body, 4, "<NextMarker></NextMarker>");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(listing_all_splits(&r, x.body, &more), 4);
    CHECK(!more);

    /* account-level container listing */
    tx_init(&x, "GET", "/?comp=list", 200);
    req_h(&x, "Host", "a.blob.core.windows.net");
    azure_headers(&x);
    char b[2048];
    size_t o = (size_t)snprintf(b, sizeof b, "<?xml version=\"1.0\"?><EnumerationResults><Containers>");
    for (int i = 0; i < 7; i++) o += (size_t)snprintf(b + o, sizeof b - o, "<Container><Name>c%d</Name></Container>", i);
    snprintf(b + o, sizeof b - o, "</Containers><NextMarker /></EnumerationResults>");
    body_set(&x, b);
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(r.is_listing);
    CHECK_STR(r.container, "");
    CHECK_EQ(listing_all_splits(&r, x.body, &more), 7);
}

/* ---- S3 ---- */

static void s3_headers(struct tx *x)
{
    resp_h(x, "x-amz-request-id", "4442587FB7D0A2F9");
    resp_h(x, "x-amz-id-2", "vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo=");
    resp_h(x, "Server", "AmazonS3");
}

static void s3_name(const char *host, const char *uri, const char *bucket, const char *key)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", uri, 200);
    req_h(&x, "Host", host);
    s3_headers(&x);
    body_set(&x, "payload");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "s3"));
    CHECK_STR(r.container, bucket);
    CHECK_STR(r.object, key);
    CHECK_EQ(r.auth, AUTH_NONE);
    CHECK(r.served);
}

static void t_s3_names(void)
{
    s3_name("leaky.s3.amazonaws.com", "/exports/users%202022.csv", "leaky", "exports/users 2022.csv");
    s3_name("leaky.s3.eu-west-1.amazonaws.com", "/a/b.json", "leaky", "a/b.json");
    s3_name("leaky.s3-eu-west-1.amazonaws.com", "/a", "leaky", "a");
    s3_name("leaky.s3-website-us-east-1.amazonaws.com", "/index.json", "leaky", "index.json");
    s3_name("leaky.s3-website.eu-central-1.amazonaws.com", "/x", "leaky", "x");
    s3_name("my.dotted.bucket.s3.amazonaws.com", "/k", "my.dotted.bucket", "k");
    s3_name("s3.amazonaws.com", "/leaky/dir/k%2Bv.txt", "leaky", "dir/k+v.txt");
    s3_name("s3.us-west-2.amazonaws.com:443", "/leaky/k", "leaky", "k");

    /* MinIO on a private host, path style, found from headers alone */
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", "/backups/db%2Fdump.sql", 200);
    req_h(&x, "Host", "10.0.0.5:9000");
    resp_h(&x, "Server", "MinIO");
    resp_h(&x, "x-amz-request-id", "17A1B2C3D4E5F607");
    body_set(&x, "INSERT INTO");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "s3"));
    CHECK_STR(r.container, "backups");
    CHECK_STR(r.object, "db/dump.sql");
}

static void s3_cred(const char *hname, const char *hval, const char *uri, const char *kind)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", uri, 200);
    req_h(&x, "Host", "b.s3.amazonaws.com");
    if (hname) req_h(&x, hname, hval);
    s3_headers(&x);
    body_set(&x, "d");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "s3"));
    CHECK_EQ(r.auth, AUTH_PRESENT);
    CHECK_STR(r.auth_kind, kind);
}

static void t_s3_credentials(void)
{
    s3_cred("Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20220924/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
            "/k", "sigv4");
    s3_cred("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", "/k", "aws_v2");
    s3_cred(NULL, NULL,
            "/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20220924%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20220924T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=abcdef",
            "presigned");
    s3_cred(NULL, NULL, "/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1700000000&Signature=vjbyPxybd%2FZ8", "presigned_v2");
    s3_cred("x-amz-security-token", "FwoGZXIvYXdzEBYaDH", "/k", "sts_token");
}

static void s3_refusal(int status, const char *code)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", "/private.csv", status);
    req_h(&x, "Host", "b.s3.amazonaws.com");
    s3_headers(&x);
    resp_h(&x, "Content-Type", "application/xml");
    snprintf(x.body, sizeof x.body,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>m</Message>"
             "<BucketName>b</BucketName><RequestId>4442587FB7D0A2F9</RequestId></Error>", code);
    CHECK_EQ(storage_classify(&x.t, bytes_str(x.body), NULL, &r), 0);
    CHECK(prov(&r, "s3"));
    CHECK(r.refused);
    CHECK(!r.served);
    CHECK_STR(r.refusal, code);
}

/* A server known as S3 (an emulator such as s3rver sends no provider header on
 * object reads): with the hint its plain responses are S3, without it they are
 * generic at most; a hint never overrides a provider that recognises itself. */
static void t_server_hint(void)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", "/public-exports/customers.csv", 200);
    req_h(&x, "Host", "127.0.0.1:4569");
    resp_h(&x, "Content-Type", "text/csv");
    resp_h(&x, "ETag", "\"b736ef18c524fac201a6129f02929092\"");
    body_set(&x, "id,name,email\n1,Jane Doe,jane@example.com\n");
    x.t.resp_body_decoded = strlen(x.body);
    CHECK_EQ(storage_classify(&x.t, bytes_str(x.body), NULL, &r), 0);
    CHECK(prov(&r, "generic_http"));
    CHECK(!r.by_hint);
    const struct storage_profile *s3 = storage_profile_find("s3");
    CHECK(s3 != NULL);
    CHECK_EQ(storage_classify_hint(&x.t, bytes_str(x.body), NULL, s3, &r), 0);
    CHECK(prov(&r, "s3"));
    CHECK(r.by_hint);
    CHECK_STR(r.container, "public-exports");
    CHECK_STR(r.object, "customers.csv");
    CHECK(r.auth == AUTH_NONE);
    CHECK(r.served);
    /* an Azure response stays Azure even with an S3 hint */
    tx_init(&x, "GET", "/c/b.csv", 200);
    req_h(&x, "Host", "acct.blob.core.windows.net");
    resp_h(&x, "x-ms-request-id", "1");
    resp_h(&x, "x-ms-version", "2021-08-06");
    resp_h(&x, "Server", "Windows-Azure-Blob/1.0");
    body_set(&x, "a,b\n");
    x.t.resp_body_decoded = 4;
    CHECK_EQ(storage_classify_hint(&x.t, bytes_str(x.body), NULL, s3, &r), 0);
    CHECK(prov(&r, "azure_blob"));
    CHECK(!r.by_hint);
}

static void t_s3_refusals(void)
{
    s3_refusal(403, "AccessDenied");
    s3_refusal(404, "NoSuchKey");
    s3_refusal(404, "NoSuchBucket");
    s3_refusal(301, "PermanentRedirect");
    /* HEAD has no body: the status names the refusal */
    struct tx x;
    struct storage_result r;
    tx_init(&x, "HEAD", "/k", 403);
    req_h(&x, "Host", "b.s3.amazonaws.com");
    s3_headers(&x);
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(r.refused);
    CHECK_STR(r.refusal, "HTTP 403");
    /* a refused listing lists nothing */
    tx_init(&x, "GET", "/?list-type=2", 403);
    req_h(&x, "Host", "b.s3.amazonaws.com");
    s3_headers(&x);
    body_set(&x, "<Error><Code>AccessDenied</Code><BucketName>b</BucketName></Error>");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(r.refused);
    CHECK(!r.is_listing);
    CHECK_EQ(storage_listing_state_size(&r), 0);
}

static void t_s3_listing(void)
{
    struct tx x;
    struct storage_result r;
    bool more;
    const int n = 31;
    tx_init(&x, "GET", "/?list-type=2&prefix=", 200);
    req_h(&x, "Host", "b.s3.amazonaws.com");
    s3_headers(&x);
    size_t o = (size_t)snprintf(x.body, sizeof x.body,
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                                "<Name>b</Name><KeyCount>%d</KeyCount><IsTruncated>true</IsTruncated>", n);
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(x.body + o, sizeof x.body - o,
                              "<Contents><Key>users/%d.json</Key><Size>%d</Size></Contents>", i, i * 10);
    snprintf(x.body + o, sizeof x.body - o, "<NextContinuationToken>1ueGcxL</NextContinuationToken></ListBucketResult>");
    x.t.resp_body_decoded = strlen(x.body);
    CHECK_EQ(storage_classify(&x.t, bytes_str(x.body), NULL, &r), 0);
    CHECK(prov(&r, "s3"));
    CHECK(r.is_listing);
    CHECK_STR(r.container, "b");
    CHECK_EQ(listing_all_splits(&r, x.body, &more), (uint64_t)n);
    CHECK(more);

    /* bucket list at the service root, path style on MinIO */
    tx_init(&x, "GET", "/", 200);
    req_h(&x, "Host", "minio.local:9000");
    resp_h(&x, "Server", "MinIO");
    o = (size_t)snprintf(x.body, sizeof x.body, "<?xml version=\"1.0\"?><ListAllMyBucketsResult><Owner><ID>x</ID></Owner><Buckets>");
    for (int i = 0; i < 6; i++)
        o += (size_t)snprintf(x.body + o, sizeof x.body - o, "<Bucket><Name>b%d</Name></Bucket>", i);
    snprintf(x.body + o, sizeof x.body - o, "</Buckets></ListAllMyBucketsResult>");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "s3"));
    CHECK(r.is_listing);
    CHECK_EQ(listing_all_splits(&r, x.body, &more), 6);
    CHECK(!more);
}

static void t_s3_lookalikes(void)
{
    struct tx x;
    struct storage_result r;
    /* a blog post about S3 listings is not S3 */
    tx_init(&x, "GET", "/blog/s3-listing", 200);
    req_h(&x, "Host", "blog.example.com");
    resp_h(&x, "Content-Type", "text/html; charset=utf-8");
    body_set(&x, "<!DOCTYPE html><html><body><pre>&lt;ListBucketResult&gt;</pre>"
                 "<code><ListBucketResult><Contents><Key>a</Key></Contents></ListBucketResult></code></body></html>");
    CHECK_EQ(cls(&x, &r), -1);
    CHECK(r.provider == NULL);
    /* same page served as text/plain: generic at most, never s3 */
    tx_init(&x, "GET", "/notes.txt", 200);
    req_h(&x, "Host", "blog.example.com");
    resp_h(&x, "Content-Type", "text/plain");
    body_set(&x, "How to read a <ListBucketResult> ... <EnumerationResults>");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "generic_http"));
    CHECK(r.confidence < 50);
}

/* ---- GCS ---- */

static void gcs_name(const char *host, const char *uri, const char *bucket, const char *obj)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", uri, 200);
    req_h(&x, "Host", host);
    resp_h(&x, "x-goog-generation", "1664000000000000");
    resp_h(&x, "x-goog-metageneration", "1");
    resp_h(&x, "x-guploader-uploadid", "ADPycdt");
    resp_h(&x, "Server", "UploadServer");
    body_set(&x, "x");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "gcs"));
    if (strcmp(r.container, bucket) != 0 || strcmp(r.object, obj) != 0)
        fprintf(stderr, "gcs_name %s%s: got [%s] [%s]\n", host, uri, r.container, r.object);
    CHECK_STR(r.container, bucket);
    CHECK_STR(r.object, obj);
    CHECK(r.served);
    CHECK_EQ(r.auth, AUTH_NONE);
}

static void t_gcs_names(void)
{
    gcs_name("storage.googleapis.com", "/open-bucket/folder/people%20list.csv", "open-bucket", "folder/people list.csv");
    gcs_name("open-bucket.storage.googleapis.com", "/folder/p.csv", "open-bucket", "folder/p.csv");
    gcs_name("storage.googleapis.com", "/storage/v1/b/open-bucket/o/folder%2Fp.csv?alt=media", "open-bucket", "folder/p.csv");
    gcs_name("storage.googleapis.com", "/download/storage/v1/b/ob/o/a%2Fb%2Fc.json?alt=media", "ob", "a/b/c.json");
    gcs_name("www.googleapis.com", "/storage/v1/b/ob/o/x.json?alt=media", "ob", "x.json");
}

static void t_gcs_listing_and_auth(void)
{
    struct tx x;
    struct storage_result r;
    bool more;
    const int n = 17;
    tx_init(&x, "GET", "/storage/v1/b/ob/o?prefix=users%2F", 200);
    req_h(&x, "Host", "storage.googleapis.com");
    resp_h(&x, "Content-Type", "application/json; charset=UTF-8");
    size_t o = (size_t)snprintf(x.body, sizeof x.body, "{\n  \"kind\": \"storage#objects\",\n  \"nextPageToken\": \"CgV1c2Vy\",\n  \"items\": [\n");
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(x.body + o, sizeof x.body - o,
                              "    {\n      \"kind\": \"storage#object\",\n      \"name\": \"users/%d.json\"\n    }%s\n", i,
                              i + 1 < n ? "," : "");
    snprintf(x.body + o, sizeof x.body - o, "  ]\n}\n");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "gcs"));
    CHECK(r.is_listing);
    CHECK_STR(r.container, "ob");
    CHECK_EQ(listing_all_splits(&r, x.body, &more), (uint64_t)n);
    CHECK(more);

    /* signed URLs and tokens */
    static const char signed_v4[] =
        "/ob/k?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sa%40p.iam.gserviceaccount.com%2F20220924"
        "&X-Goog-Date=20220924T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=0a1b";
    const char *uris[] = {
        signed_v4,
        "/ob/k?GoogleAccessId=sa@p.iam.gserviceaccount.com&Expires=1700000000&Signature=YWJj",
        "/ob/k",
    };
    const char *kinds[] = { "signed_url", "signed_url_v2", "bearer" };
    for (int i = 0; i < 3; i++) {
        tx_init(&x, "GET", uris[i], 200);
        req_h(&x, "Host", "storage.googleapis.com");
        if (i == 2) req_h(&x, "Authorization", "Bearer ya29.a0AfH6SM");
        resp_h(&x, "x-goog-generation", "1");
        body_set(&x, "d");
        CHECK_EQ(cls(&x, &r), 0);
        CHECK(prov(&r, "gcs"));
        CHECK_EQ(r.auth, AUTH_PRESENT);
        CHECK_STR(r.auth_kind, kinds[i]);
    }
    /* an API key alone is no credential */
    tx_init(&x, "GET", "/storage/v1/b/ob/o/k?alt=media&key=AIzaSyA", 200);
    req_h(&x, "Host", "storage.googleapis.com");
    body_set(&x, "d");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(r.auth, AUTH_NONE);

    /* refusals */
    tx_init(&x, "GET", "/storage/v1/b/ob/o/k?alt=media", 403);
    req_h(&x, "Host", "storage.googleapis.com");
    body_set(&x, "{\n \"error\": {\n  \"code\": 403,\n  \"message\": \"Anonymous caller does not have storage.objects.get access\",\n"
                 "  \"errors\": [{\"message\": \"x\", \"domain\": \"global\", \"reason\": \"forbidden\"}]\n }\n}\n");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "gcs"));
    CHECK(r.refused);
    CHECK_STR(r.refusal, "forbidden");
    /* XML API from GCS: x-goog headers make it gcs, not s3 */
    tx_init(&x, "GET", "/ob/private.csv", 403);
    req_h(&x, "Host", "storage.googleapis.com");
    resp_h(&x, "x-guploader-uploadid", "ADPy");
    body_set(&x, "<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code><Message>m</Message></Error>");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "gcs"));
    CHECK_STR(r.refusal, "AccessDenied");
}

/* ---- Elasticsearch / OpenSearch ---- */

static void t_elastic(void)
{
    struct tx x;
    struct storage_result r;
    bool more;
    const int n = 12;
    tx_init(&x, "GET", "/customers/_search?scroll=1m&size=12", 200);
    req_h(&x, "Host", "10.1.1.1:9200");
    resp_h(&x, "X-elastic-product", "Elasticsearch");
    resp_h(&x, "content-type", "application/json");
    size_t o = (size_t)snprintf(x.body, sizeof x.body,
                                "{\"_scroll_id\":\"FGluY2x1ZGVfY29udGV4dF91dWlk\",\"took\":3,\"timed_out\":false,"
                                "\"_shards\":{\"total\":1},\"hits\":{\"total\":{\"value\":500,\"relation\":\"eq\"},\"hits\":[");
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(x.body + o, sizeof x.body - o,
                              "%s{\"_index\":\"customers\",\"_id\":\"%d\",\"_source\":{\"email\":\"u%d@x.com\"}}", i ? "," : "", i, i);
    snprintf(x.body + o, sizeof x.body - o, "]}}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "elasticsearch"));
    CHECK_STR(r.container, "customers");
    CHECK(r.is_listing);
    CHECK_EQ(listing_all_splits(&r, x.body, &more), (uint64_t)n);
    CHECK(more);
    CHECK_EQ(r.auth, AUTH_NONE);

    /* _cat/indices: one line per index */
    tx_init(&x, "GET", "/_cat/indices?v", 200);
    req_h(&x, "Host", "es:9200");
    resp_h(&x, "X-elastic-product", "Elasticsearch");
    resp_h(&x, "content-type", "text/plain; charset=UTF-8");
    o = 0;
    for (int i = 0; i < 9; i++)
        o += (size_t)snprintf(x.body + o, sizeof x.body - o, "green open idx%d 5fYh 1 0 %d 0 1mb 1mb\n", i, i * 100);
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "elasticsearch"));
    CHECK_EQ(listing_all_splits(&r, x.body, &more), 9);

    /* one document; credentials of each kind */
    const char *auths[] = { "Basic ZWxhc3RpYzpjaGFuZ2VtZQ==", "ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==",
                            "Bearer eyJhbGciOi" };
    const char *kinds[] = { "basic", "api_key", "bearer" };
    for (int i = 0; i < 3; i++) {
        tx_init(&x, "GET", "/customers/_doc/42", 200);
        req_h(&x, "Host", "es:9200");
        req_h(&x, "Authorization", auths[i]);
        resp_h(&x, "X-elastic-product", "Elasticsearch");
        body_set(&x, "{\"_index\":\"customers\",\"_id\":\"42\",\"found\":true,\"_source\":{}}");
        CHECK_EQ(cls(&x, &r), 0);
        CHECK(prov(&r, "elasticsearch"));
        CHECK_STR(r.object, "42");
        CHECK_EQ(r.auth, AUTH_PRESENT);
        CHECK_STR(r.auth_kind, kinds[i]);
    }

    /* refusal */
    tx_init(&x, "GET", "/customers/_search", 401);
    req_h(&x, "Host", "es:9200");
    resp_h(&x, "X-elastic-product", "Elasticsearch");
    body_set(&x, "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"missing authentication credentials\"}],"
                 "\"type\":\"security_exception\"},\"status\":401}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(r.refused);
    CHECK_STR(r.refusal, "security_exception");

    /* OpenSearch: no product header, found from the body */
    tx_init(&x, "GET", "/logs-2022/_search", 200);
    req_h(&x, "Host", "os:9200");
    resp_h(&x, "content-type", "application/json; charset=UTF-8");
    body_set(&x, "{\"took\" : 5, \"timed_out\" : false, \"hits\" : {\"total\" : {\"value\" : 1}, \"hits\" : "
                 "[{\"_index\" : \"logs-2022\", \"_id\" : \"a\"}]}}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "elasticsearch"));
    CHECK_STR(r.container, "logs-2022");
    CHECK_EQ(listing_all_splits(&r, x.body, NULL), 1);
}

/* ---- CouchDB ---- */

static void t_couchdb(void)
{
    struct tx x;
    struct storage_result r;
    bool more;
    const int n = 14;
    tx_init(&x, "GET", "/patients/_all_docs?include_docs=true", 200);
    req_h(&x, "Host", "db.example.org:5984");
    resp_h(&x, "Server", "CouchDB/3.3.2 (Erlang OTP/24)");
    resp_h(&x, "Content-Type", "application/json");
    size_t o = (size_t)snprintf(x.body, sizeof x.body, "{\"total_rows\":%d,\"offset\":0,\"rows\":[\r\n", n);
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(x.body + o, sizeof x.body - o,
                              "{\"id\":\"p%d\",\"key\":\"p%d\",\"value\":{\"rev\":\"1-a\"},\"doc\":{\"_id\":\"p%d\",\"name\":\"x\"}}%s\r\n",
                              i, i, i, i + 1 < n ? "," : "");
    snprintf(x.body + o, sizeof x.body - o, "]}\n");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "couchdb"));
    CHECK_STR(r.container, "patients");
    CHECK(r.is_listing);
    CHECK_EQ(listing_all_splits(&r, x.body, &more), (uint64_t)n);
    CHECK_EQ(r.auth, AUTH_NONE);

    /* _all_dbs */
    tx_init(&x, "GET", "/_all_dbs", 200);
    req_h(&x, "Host", "db:5984");
    resp_h(&x, "Server", "CouchDB/3.3.2 (Erlang OTP/24)");
    body_set(&x, "[\"_replicator\",\"_users\",\"patients\",\"billing\"]\n");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(r.is_listing);
    CHECK_EQ(listing_all_splits(&r, x.body, NULL), 4);

    /* one document, with a session cookie; then Basic */
    tx_init(&x, "GET", "/patients/p%2F1", 200);
    req_h(&x, "Host", "db:5984");
    req_h(&x, "Cookie", "theme=dark; AuthSession=YWRtaW46NjMyQjQ2OTE6");
    resp_h(&x, "Server", "CouchDB/3.3.2 (Erlang OTP/24)");
    body_set(&x, "{\"_id\":\"p/1\"}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_STR(r.object, "p/1");
    CHECK_EQ(r.auth, AUTH_PRESENT);
    CHECK_STR(r.auth_kind, "cookie");
    tx_init(&x, "GET", "/patients/p1", 200);
    req_h(&x, "Host", "db:5984");
    req_h(&x, "Authorization", "Basic YWRtaW46cGFzcw==");
    resp_h(&x, "Server", "CouchDB/3.3.2 (Erlang OTP/24)");
    body_set(&x, "{\"_id\":\"p1\"}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_STR(r.auth_kind, "basic");

    /* refusal */
    tx_init(&x, "GET", "/patients/_all_docs", 401);
    req_h(&x, "Host", "db:5984");
    resp_h(&x, "Server", "CouchDB/3.3.2 (Erlang OTP/24)");
    body_set(&x, "{\"error\":\"unauthorized\",\"reason\":\"You are not authorized to access this db.\"}\n");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(r.refused);
    CHECK_STR(r.refusal, "unauthorized");
}

/* ---- Firebase ---- */

static void t_firebase(void)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", "/users/123.json?print=pretty", 200);
    req_h(&x, "Host", "app-default-rtdb.europe-west1.firebasedatabase.app");
    body_set(&x, "{\"email\":\"a@b.c\"}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "firebase"));
    CHECK_STR(r.account, "app-default-rtdb");
    CHECK_STR(r.object, "users/123");
    CHECK_EQ(r.auth, AUTH_NONE);
    CHECK(r.served);

    tx_init(&x, "GET", "/.json?shallow=true", 200);
    req_h(&x, "Host", "leaky-app.firebaseio.com");
    body_set(&x, "{\"users\":true,\"orders\":true,\"admins\":true}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_STR(r.account, "leaky-app");
    CHECK_STR(r.object, "");
    CHECK(r.is_listing);
    CHECK_EQ(listing_all_splits(&r, x.body, NULL), 3);

    tx_init(&x, "GET", "/users.json?auth=CREDENTIAL_SECRET", 200);
    req_h(&x, "Host", "leaky-app.firebaseio.com");
    body_set(&x, "{}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(r.auth, AUTH_PRESENT);
    CHECK_STR(r.auth_kind, "firebase_auth");
    tx_init(&x, "GET", "/users.json?access_token=ya29.x", 200);
    req_h(&x, "Host", "leaky-app.firebaseio.com");
    body_set(&x, "{}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_STR(r.auth_kind, "access_token");

    tx_init(&x, "GET", "/users.json", 401);
    req_h(&x, "Host", "locked.firebaseio.com");
    body_set(&x, "{\n  \"error\" : \"Permission denied\"\n}\n");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(r.refused);
    CHECK_STR(r.refusal, "Permission denied");
}

/* ---- Solr ---- */

static void t_solr(void)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", "/solr/customers/select?q=*:*&rows=5&wt=json", 200);
    req_h(&x, "Host", "solr:8983");
    resp_h(&x, "Content-Type", "text/plain;charset=utf-8");
    body_set(&x, "{\n  \"responseHeader\":{\"status\":0,\"QTime\":1},\n  \"response\":{\"numFound\":12,\"start\":0,\"docs\":[{}]}}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "solr"));
    CHECK_STR(r.container, "customers");
    CHECK(r.is_listing);
    CHECK_EQ(r.listed_objects, 5);
    CHECK(r.more_pages);
    CHECK_EQ(r.auth, AUTH_NONE);

    tx_init(&x, "GET", "/solr/customers/select?q=*:*&start=10", 200);
    req_h(&x, "Host", "solr:8983");
    req_h(&x, "Authorization", "Basic c29scjpTb2xyUm9ja3M=");
    body_set(&x, "{\"responseHeader\":{\"status\":0},\"response\":{\"numFound\":12,\"start\":10,\"docs\":[]}}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(r.listed_objects, 2);
    CHECK(!r.more_pages);
    CHECK_STR(r.auth_kind, "basic");
}

/* ---- generic HTTP ---- */

static void t_generic(void)
{
    struct tx x;
    struct storage_result r;
    const int n = 11;
    /* Apache autoindex: sort links and the parent link are not entries */
    tx_init(&x, "GET", "/dumps/", 200);
    req_h(&x, "Host", "files.example.com");
    resp_h(&x, "Content-Type", "text/html;charset=UTF-8");
    size_t o = (size_t)snprintf(x.body, sizeof x.body,
                                "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n <head>\n  <title>Index of /dumps</title>\n"
                                " </head>\n <body>\n<h1>Index of /dumps</h1>\n<table><tr><th><a href=\"?C=N;O=D\">Name</a></th>"
                                "<th><a href=\"?C=M;O=A\">Last modified</a></th><th><a href=\"?C=S;O=A\">Size</a></th></tr>"
                                "<tr><td><a href=\"/\">Parent Directory</a></td></tr>\n");
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(x.body + o, sizeof x.body - o, "<tr><td><a href=\"users-%d.csv\">users-%d.csv</a></td></tr>\n", i, i);
    snprintf(x.body + o, sizeof x.body - o, "</table></body></html>\n");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "generic_http"));
    CHECK(r.is_listing);
    CHECK_STR(r.account, "files.example.com");
    CHECK_STR(r.object, "/dumps/");
    CHECK_EQ(listing_all_splits(&r, x.body, NULL), (uint64_t)n);

    /* nginx autoindex */
    tx_init(&x, "GET", "/pub/", 200);
    req_h(&x, "Host", "10.0.0.9");
    resp_h(&x, "Content-Type", "text/html");
    body_set(&x, "<html>\r\n<head><title>Index of /pub/</title></head>\r\n<body>\r\n<h1>Index of /pub/</h1><hr><pre>"
                 "<a href=\"../\">../</a>\r\n<a href=\"a.csv\">a.csv</a>   01-Jan-2022 00:00  10\r\n"
                 "<a href=\"b.json\">b.json</a>  01-Jan-2022 00:00  20\r\n</pre><hr></body>\r\n</html>\r\n");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(listing_all_splits(&r, x.body, NULL), 2);

    /* a random JSON API is generic_http at most, with low confidence */
    tx_init(&x, "GET", "/api/v1/users?page=2", 200);
    req_h(&x, "Host", "api.example.com");
    resp_h(&x, "Content-Type", "application/json; charset=utf-8");
    body_set(&x, "{\"data\":[{\"id\":1,\"email\":\"a@b.c\"}],\"hits\":3}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "generic_http"));
    CHECK(r.confidence < 50);
    CHECK(!r.is_listing);
    CHECK_STR(r.object, "/api/v1/users");

    /* another Azure REST API (ARM) is no blob store: x-ms-request-id alone is weak */
    tx_init(&x, "GET", "/subscriptions/1/resourceGroups?api-version=2021-04-01", 200);
    req_h(&x, "Host", "management.azure.com");
    resp_h(&x, "x-ms-request-id", "0b1c");
    resp_h(&x, "Content-Type", "application/json; charset=utf-8");
    body_set(&x, "{\"value\":[]}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "generic_http"));

    /* a web page is nothing */
    tx_init(&x, "GET", "/", 200);
    req_h(&x, "Host", "www.example.com");
    resp_h(&x, "Content-Type", "text/html");
    body_set(&x, "<html><body>hello</body></html>");
    CHECK_EQ(cls(&x, &r), -1);
}

/* ---- credentials common to every provider ---- */

static struct storage_result generic_with(const char *hname, const char *hval, const char *uri,
                                          const struct storage_config *cfg)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", uri, 200);
    req_h(&x, "Host", "api.example.com");
    req_h(&x, "User-Agent", "curl/8.1");
    if (hname) req_h(&x, hname, hval);
    resp_h(&x, "Content-Type", "text/csv");
    body_set(&x, "a,b\n");
    cls_cfg(&x, cfg, &r);
    return r;
}

static void t_common_credentials(void)
{
    struct storage_result r;
    r = generic_with("X-Api-Key", "k-123", "/d.csv", NULL);
    CHECK_EQ(r.auth, AUTH_PRESENT);
    CHECK_STR(r.auth_kind, "api_key");
    r = generic_with("api-key", "k-123", "/d.csv", NULL);
    CHECK_STR(r.auth_kind, "api_key");
    r = generic_with("X-API-KEY", "k-123", "/d.csv", NULL);
    CHECK_EQ(r.auth, AUTH_PRESENT);
    r = generic_with("Cookie", "session=abc123", "/d.csv", NULL);
    CHECK_STR(r.auth_kind, "cookie");
    r = generic_with("Cookie", "a=1;  JSESSIONID=1F2E", "/d.csv", NULL);
    CHECK_STR(r.auth_kind, "cookie");
    r = generic_with("Cookie", "connect.sid=s%3Aabc", "/d.csv", NULL);
    CHECK_STR(r.auth_kind, "cookie");
    r = generic_with("Cookie", "theme=dark; _ga=GA1.2", "/d.csv", NULL);
    CHECK_EQ(r.auth, AUTH_NONE);
    r = generic_with("Cookie", "session=", "/d.csv", NULL);
    CHECK_EQ(r.auth, AUTH_NONE);
    r = generic_with("Proxy-Authorization", "Basic dXNlcjpwYXNz", "/d.csv", NULL);
    CHECK_EQ(r.auth, AUTH_NONE);
    r = generic_with("Authorization", "Basic dXNlcjpwYXNz", "/d.csv", NULL);
    CHECK_STR(r.auth_kind, "basic");
    r = generic_with(NULL, NULL, "/d.csv?access_token=abc", NULL);
    CHECK_EQ(r.auth, AUTH_PRESENT);
    r = generic_with(NULL, NULL, "/d.csv?page=2&limit=10", NULL);
    CHECK_EQ(r.auth, AUTH_NONE);

    /* configured cookie names replace the defaults */
    static const char *const mine[] = { "corp_sso", NULL };
    struct storage_config cfg;
    storage_config_defaults(&cfg);
    cfg.cookie_names = mine;
    r = generic_with("Cookie", "corp_sso=tok", "/d.csv", &cfg);
    CHECK_STR(r.auth_kind, "cookie");
    r = generic_with("Cookie", "session=abc", "/d.csv", &cfg);
    CHECK_EQ(r.auth, AUTH_NONE);
}

/* Auth is "none" only when the whole request was seen. */
static void t_auth_unknown(void)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "", "", 200);
    x.t.flags = TXN_REQ_MISSING;
    azure_headers(&x);
    body_set(&x, "<?xml version=\"1.0\"?><EnumerationResults><Blobs><Blob><Name>a</Name></Blob></Blobs></EnumerationResults>");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "azure_blob"));
    CHECK_EQ(r.auth, AUTH_UNKNOWN);
    CHECK(r.is_listing);
    CHECK_EQ(listing_all_splits(&r, x.body, NULL), 1);
    CHECK_STR(storage_auth_state_name(r.auth), "unknown");

    tx_init(&x, "GET", "/c/b", 200);
    x.t.flags = TXN_REQ_PARTIAL;
    req_h(&x, "Host", "a.blob.core.windows.net");
    azure_headers(&x);
    body_set(&x, "d");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(r.auth, AUTH_UNKNOWN);
    req_h(&x, "Authorization", "SharedKey a:b");   /* visible anyway: present */
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(r.auth, AUTH_PRESENT);
    x.t.flags = TXN_BODY_GAP;                       /* body flags do not matter */
    x.t.n_req_hdrs--;
    x.t.authorization = bytes_of(NULL, 0);
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(r.auth, AUTH_NONE);
}

static void t_served(void)
{
    struct tx x;
    struct storage_result r;
    int statuses[] = { 200, 206, 204, 304, 500 };
    bool want[] = { true, true, false, false, false };
    for (int i = 0; i < 5; i++) {
        tx_init(&x, "GET", "/k", statuses[i]);
        req_h(&x, "Host", "b.s3.amazonaws.com");
        s3_headers(&x);
        body_set(&x, statuses[i] == 204 || statuses[i] == 304 ? "" : "data");
        CHECK_EQ(cls(&x, &r), 0);
        CHECK_EQ(r.served, want[i]);
        CHECK(!r.refused);
    }
    tx_init(&x, "HEAD", "/k", 200);
    req_h(&x, "Host", "b.s3.amazonaws.com");
    s3_headers(&x);
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(!r.served);
}

/* ---- public_ok ---- */

static bool public_with(const char *rule, const char *host, const char *uri, const char *server)
{
    struct tx x;
    struct storage_result r;
    const char *rules[] = { rule, NULL };
    struct storage_config cfg;
    storage_config_defaults(&cfg);
    cfg.public_ok = rules;
    tx_init(&x, "GET", uri, 200);
    req_h(&x, "Host", host);
    if (server) resp_h(&x, "Server", server);
    resp_h(&x, "Content-Type", "application/json");
    body_set(&x, "{}");
    if (cls_cfg(&x, &cfg, &r) != 0) return false;
    return r.public_ok;
}

static void t_public_ok(void)
{
    CHECK(public_with("s3:open", "open.s3.amazonaws.com", "/a/b.json", "AmazonS3"));
    CHECK(public_with("s3:open", "open.s3.amazonaws.com", "/", "AmazonS3"));
    CHECK(!public_with("s3:open", "open2.s3.amazonaws.com", "/a", "AmazonS3"));
    CHECK(public_with("s3:open*", "open2.s3.amazonaws.com", "/a", "AmazonS3"));
    CHECK(public_with("s3:open/pub/", "open.s3.amazonaws.com", "/pub/x.json", "AmazonS3"));
    CHECK(!public_with("s3:open/pub/", "open.s3.amazonaws.com", "/private/x.json", "AmazonS3"));
    CHECK(!public_with("s3:open/pub", "open.s3.amazonaws.com", "/public.json", "AmazonS3"));
    CHECK(!public_with("gcs:open", "open.s3.amazonaws.com", "/a", "AmazonS3"));
    CHECK(public_with("*:open", "open.s3.amazonaws.com", "/a", "AmazonS3"));
    CHECK(public_with("azure_blob:acct/assets", "acct.blob.core.windows.net", "/assets/logo.json", "Windows-Azure-Blob/1.0"));
    CHECK(!public_with("azure_blob:acct/assets", "other.blob.core.windows.net", "/assets/logo.json", "Windows-Azure-Blob/1.0"));
    CHECK(public_with("127.0.0.1:10000/devstoreaccount1/pub", "127.0.0.1:10000", "/devstoreaccount1/pub/a.json", "Azurite-Blob/3.23.0"));
    CHECK(!public_with("127.0.0.1:10000/devstoreaccount1/pub", "127.0.0.1:10001", "/devstoreaccount1/pub/a.json", "Azurite-Blob/3.23.0"));
    CHECK(public_with("cdn.example.com/static/", "CDN.example.com:443", "/static/a%20b.json", NULL));
    CHECK(!public_with("cdn.example.com/static/", "cdn.example.com", "/api/a.json", NULL));
    CHECK(public_with("cdn.example.com", "cdn.example.com", "/anything", NULL));
    CHECK(public_with("/open-data/", "any.example.org", "/open-data/x.json", NULL));
    CHECK(!public_with("/open-data/", "any.example.org", "/closed/x.json", NULL));
}

/* ---- query redaction ---- */

static void t_redact(void)
{
    static const char *const secret[] = {
        "sig", "signature", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "X-Goog-Signature",
        "X-Goog-Credential", "AWSAccessKeyId", "access_token", "auth", "token", "key", "api_key", "apikey",
        "code", "password", "SIG", "%73ig", "Signature", NULL
    };
    char q[4096] = "", out[4096];
    size_t o = 0;
    int ns = 0;
    o += (size_t)snprintf(q + o, sizeof q - o, "sv=2021-08-06&se=2030-01-01&sp=rl&comp=list&prefix=a%%2Fb&flag");
    for (int i = 0; secret[i]; i++, ns++)
        o += (size_t)snprintf(q + o, sizeof q - o, "&%s=TOPSECRET%dvalue%%3D", secret[i], i);
    o += (size_t)snprintf(q + o, sizeof q - o, "&GoogleAccessId=sa@p.iam&after=1");
    size_t need = storage_redact_query(bytes_str(q), out, sizeof out);
    CHECK_EQ(need, strlen(out));
    CHECK(strstr(out, "TOPSECRET") == NULL);
    int count = 0;
    for (const char *p = out; (p = strstr(p, "=REDACTED")) != NULL; p++) count++;
    CHECK_EQ(count, ns);
    const char *head = "sv=2021-08-06&se=2030-01-01&sp=rl&comp=list&prefix=a%2Fb&flag&sig=REDACTED&";
    CHECK(strncmp(out, head, strlen(head)) == 0);
    CHECK(strstr(out, "&%73ig=REDACTED&") != NULL);
    CHECK(strstr(out, "&GoogleAccessId=sa@p.iam&after=1") != NULL);
    /* non-secret parameters keep every byte */
    const char *plain = "a=1&&b=%ZZ&c&=x&d=é";
    storage_redact_query(bytes_str(plain), out, sizeof out);
    CHECK_STR(out, plain);
    /* truncation: NUL-terminated, the needed length returned, no secret leaks */
    char small[20];
    size_t n = storage_redact_query(bytes_str("x=1&sig=TOPSECRETTOPSECRET&y=2"), small, sizeof small);
    CHECK_EQ(n, strlen("x=1&sig=REDACTED&y=2"));
    CHECK_EQ(strlen(small), sizeof small - 1);
    CHECK(strstr(small, "TOP") == NULL);
    CHECK_EQ(storage_redact_query(bytes_str(""), out, sizeof out), 0);
    CHECK_STR(out, "");
}

/* More listing shapes: one per remaining counter mode. */
static void t_more_listings(void)
{
    struct tx x;
    struct storage_result r;
    bool more;
    size_t o;

    /* ADLS Gen2 list paths (JSON), continuation in a header */
    tx_init(&x, "GET", "/fs?resource=filesystem&recursive=true", 200);
    req_h(&x, "Host", "lake.dfs.core.windows.net");
    resp_h(&x, "Server", "Windows-Azure-HDFS/1.0 Microsoft-HTTPAPI/2.0");
    resp_h(&x, "x-ms-continuation", "VBbzu86Wi");
    o = (size_t)snprintf(x.body, sizeof x.body, "{\"paths\":[");
    for (int i = 0; i < 8; i++)
        o += (size_t)snprintf(x.body + o, sizeof x.body - o, "%s{\"contentLength\":\"%d\",\"name\":\"d/f%d.csv\"}", i ? "," : "", i, i);
    snprintf(x.body + o, sizeof x.body - o, "]}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "azure_blob"));
    CHECK(r.is_listing);
    CHECK_EQ(listing_all_splits(&r, x.body, &more), 8);
    CHECK(more);

    /* GCS XML API listing */
    tx_init(&x, "GET", "/ob?prefix=", 200);
    req_h(&x, "Host", "storage.googleapis.com");
    resp_h(&x, "x-guploader-uploadid", "ADPy");
    o = (size_t)snprintf(x.body, sizeof x.body, "<?xml version='1.0' encoding='UTF-8'?><ListBucketResult xmlns=\"http://doc.s3.amazonaws.com/2006-03-01\"><Name>ob</Name>");
    for (int i = 0; i < 5; i++)
        o += (size_t)snprintf(x.body + o, sizeof x.body - o, "<Contents><Key>k%d</Key></Contents>", i);
    snprintf(x.body + o, sizeof x.body - o, "<IsTruncated>false</IsTruncated></ListBucketResult>");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(prov(&r, "gcs"));
    CHECK_EQ(listing_all_splits(&r, x.body, &more), 5);
    CHECK(!more);

    /* Elasticsearch _mget and scroll continuation */
    tx_init(&x, "POST", "/_mget", 200);
    req_h(&x, "Host", "es:9200");
    resp_h(&x, "X-elastic-product", "Elasticsearch");
    body_set(&x, "{\"docs\":[{\"_index\":\"a\",\"_id\":\"1\",\"found\":true},{\"_index\":\"b\",\"_id\":\"2\",\"found\":false}]}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK(r.is_listing);
    CHECK_EQ(listing_all_splits(&r, x.body, &more), 2);
    CHECK(!more);
    tx_init(&x, "POST", "/_search/scroll", 200);
    req_h(&x, "Host", "es:9200");
    resp_h(&x, "X-elastic-product", "Elasticsearch");
    body_set(&x, "{\"_scroll_id\":\"abc\",\"took\":1,\"hits\":{\"hits\":[{\"_index\":\"a\",\"_id\":\"9\"}]}}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(listing_all_splits(&r, x.body, &more), 1);
    CHECK(more);
    tx_init(&x, "GET", "/_cat/indices?format=json", 200);
    req_h(&x, "Host", "es:9200");
    resp_h(&x, "X-elastic-product", "Elasticsearch");
    body_set(&x, "[{\"health\":\"green\",\"index\":\"a\"},{\"health\":\"green\",\"index\":\"b\"},{\"health\":\"yellow\",\"index\":\"c\"}]");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_STR(r.object, "indices");
    CHECK_EQ(listing_all_splits(&r, x.body, NULL), 3);

    /* CouchDB _changes and _find */
    tx_init(&x, "GET", "/patients/_changes?since=0", 200);
    req_h(&x, "Host", "db:5984");
    resp_h(&x, "Server", "CouchDB/3.3.2 (Erlang OTP/24)");
    body_set(&x, "{\"results\":[\n{\"seq\":\"1-g1\",\"id\":\"a\",\"changes\":[{\"rev\":\"1-x\"}]},\n"
                 "{\"seq\":\"2-g1\",\"id\":\"b\",\"changes\":[{\"rev\":\"1-y\"}]}\n],\n\"last_seq\":\"2-g1\",\"pending\":0}\n");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(listing_all_splits(&r, x.body, NULL), 2);
    tx_init(&x, "POST", "/patients/_find", 200);
    req_h(&x, "Host", "db:5984");
    resp_h(&x, "Server", "CouchDB/3.3.2 (Erlang OTP/24)");
    body_set(&x, "{\"docs\":[{\"_id\":\"a\",\"n\":1},{\"_id\":\"b\",\"n\":2},{\"_id\":\"c\",\"n\":3}],\"bookmark\":\"g1\"}");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(listing_all_splits(&r, x.body, NULL), 3);

    /* S3 versions listing */
    tx_init(&x, "GET", "/?versions", 200);
    req_h(&x, "Host", "b.s3.amazonaws.com");
    s3_headers(&x);
    body_set(&x, "<?xml version=\"1.0\"?><ListVersionsResult><IsTruncated>false</IsTruncated>"
                 "<Version><Key>a</Key></Version><DeleteMarker><Key>b</Key></DeleteMarker><Version><Key>c</Key></Version></ListVersionsResult>");
    CHECK_EQ(cls(&x, &r), 0);
    CHECK_EQ(listing_all_splits(&r, x.body, &more), 2);
    CHECK(!more);
}

/* ---- hostile input ---- */

static uint32_t rnd(uint32_t n) { return n ? (uint32_t)(test_rand() % n) : 0; }

static const char *const pieces[] = {
    "/", "//", "%", "%2", "%zz", "%2F", "%00", "?", "&", "=", "sig", "sv", "se", "#", "http://", "https://a",
    "[", "]", ":", ".", "<", ">", "<?xml", "?>", "<!--", "-->", "<EnumerationResults", "<ListBucketResult",
    "<Error>", "<Code>", "</Code>", "\"", "{", "[", "\"hits\"", "\"kind\"", "\"storage#object\"", "\\",
    "\"numFound\":", "\xef\xbb\xbf", "s3.amazonaws.com", ".s3.", ".s3-", ".blob.core.windows.net",
    ".web.core.windows.net", ".storage.googleapis.com", ".firebaseio.com", "solr", "select", "_search",
    "_cat", "_all_docs", "storage", "v1", "b", "o", "download", "api", "collections", "$web", "devstoreaccount1",
    " ", "\t", ";", ",", "Bearer ", "Basic ", "AWS ", "null", "session=", "AuthSession=", "x", "0123456789",
    "\xff\xfe", "<Blob>", "<Contents>", "<NextMarker>", "<a href=\"", "Index of /", "\n", "\r\n",
};

/* A malloc'd buffer of exactly the random bytes, no NUL: any over-read is an
 * ASan report. */
static struct bytes rnd_bytes(unsigned max_pieces, void **keep)
{
    char tmp[2048];
    size_t n = 0, np = rnd(max_pieces + 1);
    for (size_t i = 0; i < np; i++) {
        const char *pc = pieces[rnd(sizeof pieces / sizeof pieces[0])];
        size_t l = strlen(pc);
        if (rnd(8) == 0) { tmp[n < sizeof tmp ? n : sizeof tmp - 1] = (char)rnd(256); l = 1; pc = NULL; }
        if (n + l > sizeof tmp) break;
        if (pc) memcpy(tmp + n, pc, l);
        n += l;
    }
    if (n == 0) { *keep = NULL; return bytes_of(NULL, 0); }
    uint8_t *b = malloc(n);
    memcpy(b, tmp, n);
    *keep = b;
    return bytes_of(b, n);
}

static void t_hostile_inputs(void)
{
    static const char *const names[] = {
        "host", "authorization", "cookie", "server", "x-ms-error-code", "content-type", "x-amz-request-id",
        "x-goog-generation", "x-elastic-product", "x-api-key", "x-ms-request-id", "x-ms-version",
        "x-amz-bucket-region", "x-ms-continuation", "proxy-authorization",
    };
    const size_t nn = sizeof names / sizeof names[0];
    int bad = 0, matched = 0;
    for (int iter = 0; iter < 3000; iter++) {
        void *keep[64];
        unsigned nk = 0;
        struct http_header req[8], resp[8];
        struct http_txn t;
        memset(&t, 0, sizeof t);
        t.method = bytes_str(rnd(4) ? "GET" : "HEAD");
        t.uri = rnd_bytes(12, &keep[nk++]);
        t.status = (int)(100 + rnd(500));
        t.flags = rnd(4) == 0 ? TXN_REQ_MISSING : 0;
        t.n_req_hdrs = rnd(8);
        t.n_resp_hdrs = rnd(8);
        for (unsigned i = 0; i < t.n_req_hdrs; i++) {
            req[i].name = bytes_str(names[rnd((uint32_t)nn)]);
            req[i].value = rnd_bytes(6, &keep[nk++]);
        }
        for (unsigned i = 0; i < t.n_resp_hdrs; i++) {
            resp[i].name = bytes_str(names[rnd((uint32_t)nn)]);
            resp[i].value = rnd_bytes(6, &keep[nk++]);
        }
        t.req_hdrs = req;
        t.resp_hdrs = resp;
        if (rnd(2)) t.host = rnd_bytes(5, &keep[nk++]);
        struct bytes body = rnd_bytes(40, &keep[nk++]);
        t.resp_body_decoded = body.len;

        const char *rules[] = { "s3:x", "*:a/b*", "h/x/", "/p", "azure_blob:", "1.2.3.4:80/x", NULL };
        struct storage_config cfg;
        storage_config_defaults(&cfg);
        cfg.public_ok = rules;
        struct storage_result r;
        int rc = storage_classify(&t, body, &cfg, &r);
        if ((rc == 0) != (r.provider != NULL)) bad++;
        if (strnlen(r.account, sizeof r.account) == sizeof r.account ||
            strnlen(r.container, sizeof r.container) == sizeof r.container ||
            strnlen(r.object, sizeof r.object) == sizeof r.object ||
            strnlen(r.auth_kind, sizeof r.auth_kind) == sizeof r.auth_kind ||
            strnlen(r.refusal, sizeof r.refusal) == sizeof r.refusal)
            bad++;
        if (r.confidence < 0 || r.confidence > 100 || (r.served && r.refused)) bad++;
        if (rc == 0) matched++;
        size_t sz = storage_listing_state_size(&r);
        if (sz) {
            void *st = calloc(1, sz);
            size_t off = 0;
            while (off < body.len) {
                size_t k = 1 + rnd((uint32_t)(body.len - off));
                storage_listing_feed(&r, st, body.p + off, k);
                off += k;
            }
            free(st);
        }
        struct bytes path, query;
        storage_split_uri(t.uri, &path, &query);
        char out[64];
        size_t cap = rnd(sizeof out + 1);
        if (cap) out[cap - 1] = 'x';
        size_t need = storage_redact_query(query, out, cap);
        if (cap && (strnlen(out, cap) == cap || need < strnlen(out, cap))) bad++;
        for (unsigned i = 0; i < nk; i++) free(keep[i]);
    }
    CHECK_EQ(bad, 0);
    CHECK(matched > 100);      /* the generator does reach the profiles */
}

static void t_json(void)
{
    struct tx x;
    struct storage_result r;
    tx_init(&x, "GET", "/c?restype=container&comp=list", 200);
    req_h(&x, "Host", "acct.blob.core.windows.net");
    azure_headers(&x);
    azure_list_body(x.body, sizeof x.body, 3, "<NextMarker>m</NextMarker>");
    CHECK_EQ(cls(&x, &r), 0);
    void *st = calloc(1, storage_listing_state_size(&r));
    storage_listing_feed(&r, st, (const uint8_t *)x.body, strlen(x.body));
    free(st);
    struct json j;
    json_init(&j);
    json_obj_open(&j);
    storage_result_json(&r, &j);
    json_obj_close(&j);
    char *s = strndup(j.buf, j.len);
    CHECK_STR(s, "{\"storage\":{\"provider\":\"azure_blob\",\"account\":\"acct\",\"container\":\"c\","
                 "\"confidence\":100,\"served\":true,\"listing\":{\"objects\":3,\"more_pages\":true}},"
                 "\"auth\":{\"state\":\"none\"}}");
    free(s);
    json_free(&j);
}

static void t_registry(void)
{
    const struct storage_profile *const *p = storage_profiles();
    const char *names[] = { "azure_blob", "s3", "gcs", "elasticsearch", "couchdb", "firebase", "solr", "mongodb", "redis", "generic_http" };
    unsigned n = 0;
    while (p[n]) n++;
    CHECK_EQ(n, 10);
    for (unsigned i = 0; i < 10; i++) CHECK(storage_profile_find(names[i]) != NULL);
    CHECK(storage_profile_find("nope") == NULL);
}

int main(void)
{
    RUN(t_util_uri);
    RUN(t_util_body);
    RUN(t_tokscan_splits);
    RUN(t_tokscan_random);
    RUN(t_bytes_find_random);
    RUN(t_azure_anonymous_blob);
    RUN(t_azure_path_style);
    RUN(t_azure_credentials);
    RUN(t_azure_refusals);
    RUN(t_azure_web_public);
    RUN(t_azure_listing);
    RUN(t_s3_names);
    RUN(t_s3_credentials);
    RUN(t_s3_refusals);
    RUN(t_server_hint);
    RUN(t_s3_listing);
    RUN(t_s3_lookalikes);
    RUN(t_gcs_names);
    RUN(t_gcs_listing_and_auth);
    RUN(t_elastic);
    RUN(t_couchdb);
    RUN(t_firebase);
    RUN(t_solr);
    RUN(t_generic);
    RUN(t_more_listings);
    RUN(t_common_credentials);
    RUN(t_auth_unknown);
    RUN(t_served);
    RUN(t_public_ok);
    RUN(t_redact);
    RUN(t_hostile_inputs);
    RUN(t_json);
    RUN(t_registry);
    return test_done();
}
