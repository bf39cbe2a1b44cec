/* fuzz_storage.c -- libFuzzer target: every storage profile's recogniser,
 * describer and listing counter.
 *
 * Input (text): "METHOD\nURI\nSTATUS\n", then header lines "> name: value"
 * (request) or "< name: value" (response) up to an empty line, then the
 * response body. The transaction's fields are views into an exact-size copy
 * of the input. The body's first STORAGE_BODY_PREFIX bytes are the prefix the
 * recognisers see; the whole body is then fed to the listing counter in
 * pieces whose sizes come from the status line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "storage.h"

#define FZ_STORAGE_HDRS 24

static struct bytes fz_storage_line(const uint8_t *p, size_t len, size_t *off)
{
    size_t s = *off, e = s;
    while (e < len && p[e] != '\n') e++;
    *off = e < len ? e + 1 : e;
    return bytes_of(p + s, e - s);
}

static void fz_storage_hdr(struct http_header *h, struct bytes line)
{
    size_t i = 2;
    while (i < line.len && line.p[i] != ':') i++;
    h->name = bytes_of(line.p + 2, i - 2 < line.len ? i - 2 : 0);
    size_t v = i < line.len ? i + 1 : line.len;
    while (v < line.len && line.p[v] == ' ') v++;
    h->value = bytes_of(line.p + v, line.len - v);
}

static bool fz_storage_is(struct bytes b, const char *name)
{
    size_t n = strlen(name);
    return b.len == n && strncasecmp((const char *)b.p, name, n) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    struct http_header req[FZ_STORAGE_HDRS], resp[FZ_STORAGE_HDRS];
    struct http_txn t;
    memset(&t, 0, sizeof t);
    size_t off = 0;
    t.method = fz_storage_line(buf, size, &off);
    t.uri = fz_storage_line(buf, size, &off);
    struct bytes st = fz_storage_line(buf, size, &off);
    int status = 0;
    for (size_t i = 0; i < st.len && i < 3; i++)
        if (st.p[i] >= '0' && st.p[i] <= '9') status = status * 10 + (st.p[i] - '0');
    t.status = status;
    t.req_version = t.resp_version = 11;
    t.req_hdrs = req;
    t.resp_hdrs = resp;
    while (off < size) {
        struct bytes l = fz_storage_line(buf, size, &off);
        if (l.len == 0) break;
        if (l.len < 2) continue;
        if (l.p[0] == '>' && t.n_req_hdrs < FZ_STORAGE_HDRS) {
            struct http_header *h = &req[t.n_req_hdrs++];
            fz_storage_hdr(h, l);
            if (fz_storage_is(h->name, "host")) t.host = h->value;
            if (fz_storage_is(h->name, "authorization")) t.authorization = h->value;
        } else if (l.p[0] == '<' && t.n_resp_hdrs < FZ_STORAGE_HDRS) {
            struct http_header *h = &resp[t.n_resp_hdrs++];
            fz_storage_hdr(h, l);
            if (fz_storage_is(h->name, "content-type")) t.content_type = h->value;
            if (fz_storage_is(h->name, "content-encoding")) t.content_encoding = h->value;
        }
    }
    struct bytes body = bytes_of(buf + off, size - off);
    struct bytes prefix = bytes_of(body.p, body.len < STORAGE_BODY_PREFIX ? body.len : STORAGE_BODY_PREFIX);
    t.resp_body_decoded = t.resp_body_wire = body.len;

    /* Each profile alone, then the classifier, with and without a hint. */
    struct storage_view view;
    storage_view_init(&view, &t);
    for (const struct storage_profile *const *pp = storage_profiles(); *pp; pp++) {
        const struct storage_profile *p = *pp;
        int score = p->recognise ? p->recognise(&t, prefix, &view) : 0;
        if (score < 0 || score > 100) abort();
        struct storage_result r;
        if (storage_classify_hint(&t, prefix, NULL, p, &r) == 0 && r.provider) {
            if (!memchr(r.account, 0, sizeof r.account) || !memchr(r.container, 0, sizeof r.container) ||
                !memchr(r.object, 0, sizeof r.object))
                abort();
        }
    }
    struct storage_result r;
    if (storage_classify(&t, prefix, NULL, &r) == 0 && r.provider) {
        size_t need = storage_listing_state_size(&r);
        if (need) {
            void *ls = calloc(1, need);
            if (ls) {
                size_t o = 0, piece = 1 + (size_t)status % 61;
                while (o < body.len) {
                    size_t n = body.len - o < piece ? body.len - o : piece;
                    uint8_t *b = malloc(n);
                    if (!b) break;
                    memcpy(b, body.p + o, n);
                    storage_listing_feed(&r, ls, b, n);
                    free(b);
                    o += n;
                }
                free(ls);
            }
        }
    }
    struct bytes path, query;
    storage_split_uri(t.uri, &path, &query);
    char red[256];
    size_t rl = storage_redact_query(query, red, sizeof red);
    if (!memchr(red, 0, sizeof red)) abort();
    (void)rl;
    free(buf);
    return 0;
}
