/* storage_azure.c -- Azure Blob Storage and ADLS Gen2 (dfs) profile.
 *
 * Endpoints:  <account>.blob.core.windows.net/<container>/<blob>
 *             <account>.dfs.core.windows.net/<filesystem>/<path>
 *             <account>.<zone>.web.core.windows.net/<path>   (static website, $web)
 *             path style, as the Azurite emulator and IP endpoints serve it:
 *             127.0.0.1:10000/devstoreaccount1/<container>/<blob>
 * Signals:    Server: Windows-Azure-Blob/1.0 | Azurite-Blob/x | Windows-Azure-HDFS/1.0,
 *             x-ms-request-id + x-ms-version, a body whose root is <EnumerationResults>.
 * Listings:   ?restype=container&comp=list -> <Blob> per blob, <NextMarker>value when
 *             more pages follow (<NextMarker /> when not); ?comp=list at the account
 *             root -> <Container> per container; dfs ?resource=filesystem -> JSON
 *             {"paths":[{"name":...}]} with x-ms-continuation for the next page.
 * Credentials: Authorization SharedKey/SharedKeyLite/Bearer and SAS (sig= with
 *             sv=/se=/sp=) are caught by the common checks in storage.c.
 * Refusals:   the x-ms-error-code header (ResourceNotFound, PublicAccessNotPermitted,
 *             NoAuthenticationInformation, AuthenticationFailed, ...) or <Code> of
 *             an <Error> body.
 * Docs: https://learn.microsoft.com/rest/api/storageservices/list-blobs
 */
#include "storage.h"

#include <string.h>

static const char *const azure_suffixes[] = {
    ".blob.core.windows.net", ".dfs.core.windows.net", ".web.core.windows.net",
    ".blob.core.chinacloudapi.cn", ".dfs.core.chinacloudapi.cn",
    ".blob.core.usgovcloudapi.net", ".dfs.core.usgovcloudapi.net", NULL
};

static bool azure_host(const char *host)
{
    for (unsigned i = 0; azure_suffixes[i]; i++)
        if (storage_host_suffix(host, azure_suffixes[i])) return true;
    return false;
}

static int azure_recognise(const struct http_txn *t, struct bytes body, const struct storage_view *v)
{
    struct storage_score sc = { 0, 0 };
    if (azure_host(v->host)) storage_score_add(&sc, 90);

    struct bytes server = v->server;
    if (bytes_iprefix(server, "Windows-Azure-Blob") || bytes_iprefix(server, "Azurite-Blob") ||
        bytes_iprefix(server, "Windows-Azure-HDFS"))
        storage_score_add(&sc, 90);
    bool reqid = storage_resp_header(t, "x-ms-request-id").len > 0;
    bool version = storage_resp_header(t, "x-ms-version").len > 0;
    if (reqid && version) storage_score_add(&sc, 60);
    else if (reqid) storage_score_add(&sc, 25);   /* every Azure REST API sends it */
    if (storage_xml_root_is(body, "EnumerationResults")) storage_score_add(&sc, 80);

    struct bytes seg;
    if (storage_path_segment(v->path, 0, &seg) && bytes_eq(seg, "devstoreaccount1")) storage_score_add(&sc, 40);
    return storage_score_get(&sc);
}

enum { AZ_LIST_NONE = 0, AZ_LIST_BLOBS, AZ_LIST_CONTAINERS, AZ_LIST_PATHS };

static void azure_describe(const struct http_txn *t, struct bytes body, struct storage_result *r)
{
    char host[256];
    storage_host(t, host, sizeof host);
    struct bytes path, query, seg0 = { NULL, 0 };
    storage_split_uri(t->uri, &path, &query);
    storage_path_segment(path, 0, &seg0);

    if (storage_host_suffix(host, ".web.core.windows.net")) {
        /* static website: everything is served from the $web container */
        size_t dot = strcspn(host, ".");
        storage_copy(r->account, sizeof r->account, bytes_of(host, dot));
        strcpy(r->container, "$web");
        storage_rest_decoded(path, 0, r->object, sizeof r->object);
    } else if (!azure_host(host) && (storage_host_is_local_or_ip(host) || bytes_eq(seg0, "devstoreaccount1"))) {
        storage_seg_decoded(path, 0, r->account, sizeof r->account);   /* path style */
        storage_seg_decoded(path, 1, r->container, sizeof r->container);
        storage_rest_decoded(path, 2, r->object, sizeof r->object);
    } else {
        if (azure_host(host)) {
            size_t dot = strcspn(host, ".");
            storage_copy(r->account, sizeof r->account, bytes_of(host, dot));
        }
        storage_seg_decoded(path, 0, r->container, sizeof r->container);
        storage_rest_decoded(path, 1, r->object, sizeof r->object);
    }
    if (strcmp(r->container, "$web") == 0) r->public_ok = true;

    struct bytes v;
    if (storage_query_get(query, "comp", &v) && bytes_ieq(v, "list")) {
        r->is_listing = true;
        r->listing_mode = r->container[0] ? AZ_LIST_BLOBS : AZ_LIST_CONTAINERS;
    } else if (storage_query_get(query, "resource", &v) && bytes_ieq(v, "filesystem") &&
               storage_query_get(query, "recursive", NULL)) {
        r->is_listing = true;
        r->listing_mode = AZ_LIST_PATHS;
        if (storage_resp_header(t, "x-ms-continuation").len) r->more_pages = true;
    } else if (storage_xml_root_is(body, "EnumerationResults")) {
        r->is_listing = true;              /* request unseen: trust the body */
        r->listing_mode = bytes_find(body, "<Containers>") >= 0 ? AZ_LIST_CONTAINERS : AZ_LIST_BLOBS;
    }

    if (t->status >= 400 || (t->status >= 300 && t->status != 304)) {
        char code[48] = "";
        struct bytes ec = storage_resp_header(t, "x-ms-error-code");
        if (ec.len) storage_copy(code, sizeof code, ec);
        else if (storage_xml_root_is(body, "Error")) storage_xml_text(body, "Code", code, sizeof code);
        if (t->status >= 400 || code[0]) storage_set_refusal(r, t->status, code);
    }
}

/* ---- listing counter ---- */

static const char *const az_toks[] = {
    "<Blob>", "<Container>", "<NextMarker>", "<NextMarker></NextMarker>", "\"name\":", "\"name\" :"
};
enum { T_BLOB, T_CONTAINER, T_NEXT, T_NEXT_EMPTY, T_NAME, T_NAME_SP, T_N };

struct az_list {
    struct storage_tokscan ts;
    uint64_t n[T_N];
};

static void azure_listing_feed(void *st, const uint8_t *p, size_t len, struct storage_result *r)
{
    struct az_list *s = st;
    storage_tokscan_feed(&s->ts, az_toks, T_N, s->n, p, len);
    switch (r->listing_mode) {
    case AZ_LIST_CONTAINERS: r->listed_objects = s->n[T_CONTAINER]; break;
    case AZ_LIST_PATHS: r->listed_objects = s->n[T_NAME] + s->n[T_NAME_SP]; break;
    default: r->listed_objects = s->n[T_BLOB]; break;
    }
    if (r->listing_mode != AZ_LIST_PATHS)
        r->more_pages = s->n[T_NEXT] > s->n[T_NEXT_EMPTY];
}

const struct storage_profile storage_azure = {
    .name = "azure_blob",
    .recognise = azure_recognise,
    .describe = azure_describe,
    .listing_state_size = sizeof(struct az_list),
    .listing_feed = azure_listing_feed,
};
