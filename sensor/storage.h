/* storage.h -- storage API recognition: which provider served a response,
 * which resource, was a credential presented, was the data served or refused,
 * is it a listing (and how many objects it names).
 *
 * One profile per provider, one file each under dissectors/storage_*.c, each
 * exporting one const struct storage_profile; the registry is the static array
 * in storage.c. Adding a provider = its file + its test + one line there.
 *
 * Flow for one HTTP transaction (txn.h):
 *   1. the worker keeps the first STORAGE_BODY_PREFIX decoded body bytes;
 *   2. when it has them (or the body ended), storage_classify() fills a
 *      struct storage_result;
 *   3. if storage_listing_state_size(&r) > 0, the worker allocates that many
 *      zeroed bytes and feeds the whole decoded body, from its first byte
 *      (the prefix included), to storage_listing_feed(); r.listed_objects and
 *      r.more_pages are updated as it goes, whatever the split of the feeds.
 *
 * Resource mapping (which of account/container/object each provider fills):
 *   provider        account             container        object
 *   azure_blob      storage account     container        blob path
 *   s3              -                   bucket           key
 *   gcs             -                   bucket           object name
 *   elasticsearch   -                   index (pattern)  document id, or the _cat endpoint
 *   couchdb         -                   database         document id
 *   firebase        database name       -                data path (no .json)
 *   solr            -                   core/collection  -
 *   generic_http    host (no port)      -                URL path
 * All names are percent-decoded and truncated byte-wise to the field size (a
 * multi-byte UTF-8 character may be cut; the JSON builder escapes such bytes).
 *
 * public_ok rules (struct storage_config.public_ok), one string per rule:
 *   "PROVIDER:RESOURCE"  PROVIDER is a profile name or "*"; RESOURCE is
 *                        compared with account/container/object joined by
 *                        '/' (empty parts left out): "azure_blob:acct/$web",
 *                        "s3:public-bucket", "gcs:bucket/static/",
 *                        "elasticsearch:public-*".
 *   "HOST/PATH"          compared with the Host header (port kept only if the
 *                        rule has one; case-insensitive) and the decoded path:
 *                        "cdn.example.com/static/", "127.0.0.1:10000/devstoreaccount1/pub".
 *   "/PATH"              any host.
 * "PROVIDER:" with nothing after the colon allows every resource of it.
 * A rule matches a prefix that ends on a '/' boundary ("s3:data" matches
 * bucket data and data/x, not data2) unless it ends in '*' (then any prefix:
 * "s3:data*" matches data2) or in '/'. Azure "$web" containers and
 * *.web.core.windows.net static sites are public_ok without any rule.
 */
#ifndef BW_STORAGE_H
#define BW_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "bytes.h"
#include "txn.h"

/* Decoded body bytes storage_classify looks at. */
#define STORAGE_BODY_PREFIX 1024u
/* Longest token a listing counter looks for (carry kept across feeds). */
#define STORAGE_TOK_MAX 40u

enum auth_state { AUTH_NONE = 0, AUTH_PRESENT, AUTH_UNKNOWN };

/* "none", "present", "unknown". */
const char *storage_auth_state_name(enum auth_state s);

struct storage_profile;

struct storage_result {
    const char *provider;          /* profile name; NULL when nothing matched */
    const struct storage_profile *profile;
    char account[64], container[256], object[512];  /* see the mapping above */
    enum auth_state auth;
    char auth_kind[32];            /* "" when none, else one of: Authorization schemes
                                      "sigv4", "aws_v2", "sharedkey", "sharedkeylite",
                                      "goog_hmac", "bearer", "basic", "api_key", "digest",
                                      "negotiate", "ntlm", "token", "authorization" (other
                                      scheme or bare token); headers "api_key", "token",
                                      "sts_token", "cookie"; query "sas", "presigned",
                                      "presigned_v2", "signed_url", "signed_url_v2",
                                      "token_param", "firebase_auth", "access_token" */
    bool served;                   /* 2xx (incl. 206) with body bytes */
    bool refused;
    char refusal[48];              /* provider error code, or "HTTP 403" */
    bool is_listing;
    uint64_t listed_objects;
    bool more_pages;
    bool public_ok;                /* allow-listed: Azure $web or a configured rule */
    int confidence;                /* 0-100 recognition score */
    bool by_hint;                  /* provider known from the server's earlier responses */
    unsigned listing_mode;         /* profile-private: which counter listing_feed runs */
};

/* What the profiles' recognise functions share, worked out once per
 * classification rather than once per profile (a transaction is classified
 * against every profile, at its head and again with its body prefix). */
struct storage_view {
    char host[256];               /* storage_host(): lower case, no port */
    struct bytes path, query;     /* storage_split_uri(t->uri) */
    struct bytes ct;              /* storage_content_type(t) */
    struct bytes server;          /* the Server response header */
};
void storage_view_init(struct storage_view *v, const struct http_txn *t);

struct storage_profile {
    const char *name;
    /* true for generic_http: chosen only when no provider profile matched */
    bool fallback;
    /* Pure: score 0-100 from host, path shape, response headers, body prefix;
     * v holds what every profile looks at, worked out once (storage_view). */
    int (*recognise)(const struct http_txn *t, struct bytes body_prefix, const struct storage_view *v);
    /* Fill resource names, provider credentials, refusal, listing fields.
     * Runs after the common credential check: it may refine r->auth_kind. */
    void (*describe)(const struct http_txn *t, struct bytes body_prefix, struct storage_result *r);
    /* Optional streaming listing counter; its state is listing_state_size
     * zeroed bytes per body. NULL/0 when the profile counts nothing. */
    size_t listing_state_size;
    void (*listing_feed)(void *st, const uint8_t *p, size_t len, struct storage_result *r);
};

struct storage_config {
    const char *const *public_ok;     /* NULL-terminated rule list, or NULL */
    const char *const *cookie_names;  /* session cookies that authenticate; NULL = defaults */
};

/* Defaults: no public_ok rules, the default cookie list (session, sessionid,
 * AuthSession, JSESSIONID, PHPSESSID, connect.sid, _session, sid, ASP.NET_SessionId). */
void storage_config_defaults(struct storage_config *cfg);

/* Classify one transaction. body_prefix is the first (up to
 * STORAGE_BODY_PREFIX) decoded response-body bytes, possibly empty. cfg may be
 * NULL (defaults). The best profile wins: the highest score among the
 * provider profiles that reach STORAGE_MIN_SCORE; generic_http only when no
 * provider profile did. Fills *out (zeroed first) and returns 0, or returns -1
 * (out->provider NULL) when no profile matched. Auth state: PRESENT when any
 * credential is visible; else UNKNOWN when the request was missing or partial
 * (TXN_REQ_MISSING|TXN_REQ_PARTIAL); else NONE. Views in t are only read
 * during the call; *out holds copies. */
#define STORAGE_MIN_SCORE 30
int storage_classify(const struct http_txn *t, struct bytes body_prefix,
                     const struct storage_config *cfg, struct storage_result *out);

/* The same, with what is known of the server: hint is the provider profile
 * this server was recognised as before (strongly, e.g. by a listing body or
 * provider headers), or NULL. When no provider profile reaches the minimum
 * score on its own, the hint's profile describes the response (confidence
 * STORAGE_MIN_SCORE, by_hint set) instead of generic_http. Emulators such as
 * s3rver answer object reads with no provider header at all. */
int storage_classify_hint(const struct http_txn *t, struct bytes body_prefix, const struct storage_config *cfg,
                          const struct storage_profile *hint, struct storage_result *out);

/* Per-body listing state size for r (0 when r is no listing or its profile
 * counts nothing), and the feed that counts. See the flow at the top. */
size_t storage_listing_state_size(const struct storage_result *r);
void storage_listing_feed(struct storage_result *r, void *st, const uint8_t *p, size_t len);

/* Copy query to out with the VALUES of credential parameters (sig, signature,
 * X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, X-Goog-Signature,
 * X-Goog-Credential, AWSAccessKeyId, access_token, auth, token, key, api_key,
 * apikey, code, password, secret, ... compared case-insensitively after
 * percent-decoding the name) replaced by "REDACTED"; every other byte is kept.
 * out is always NUL-terminated when cap > 0. Returns the length the whole
 * result needs (without the NUL), like snprintf: >= cap means truncated. */
size_t storage_redact_query(struct bytes query, char *out, size_t cap);

struct json;
/* Write the members "storage": {provider, account, container, object,
 * confidence, served, refusal, public_ok, listing: {objects, more_pages}} and
 * "auth": {state, kind} into the JSON object open in j (the alert's
 * "bleedwatch" object). Empty names and false flags are left out. */
void storage_result_json(const struct storage_result *r, struct json *j);

/* The registry (NULL-terminated) and lookup by name. */
const struct storage_profile *const *storage_profiles(void);
const struct storage_profile *storage_profile_find(const char *name);

/* ---- helpers shared by the profiles ---- */

/* Split a request-target into path and query (without '?'; fragment dropped).
 * An absolute-form target ("http://host/p?q") yields "/p" and "q". */
void storage_split_uri(struct bytes uri, struct bytes *path, struct bytes *query);

/* Percent-decode in into out (cap bytes incl. NUL), optionally '+' -> ' '.
 * Malformed escapes and %00 are copied literally. Returns the decoded length
 * (truncated to cap - 1). */
size_t storage_pct_decode(struct bytes in, char *out, size_t cap, bool plus_space);

/* Segment idx (0-based) of a path ("/a/b/c": 0 -> "a"); false if absent or
 * empty. storage_path_rest gives segment idx and everything after it. */
bool storage_path_segment(struct bytes path, unsigned idx, struct bytes *seg);
bool storage_path_rest(struct bytes path, unsigned idx, struct bytes *rest);

/* Value of query parameter name (case-insensitive, first match). A parameter
 * with no '=' has an empty value. Returns false when absent. */
bool storage_query_getn(struct bytes query, const char *name, size_t nl, struct bytes *value);
static inline bool storage_query_get(struct bytes query, const char *name, struct bytes *value)
{
    return storage_query_getn(query, name, strlen(name), value);   /* inline: a literal's length is a constant */
}

/* Response or request header by name (case-insensitive), first match,
 * trimmed; inline so that a literal name's length is a constant (every
 * recogniser asks for a few on every transaction). */
static inline struct bytes storage_resp_header(const struct http_txn *t, const char *name)
{
    return bytes_trim(http_header_getn(t->resp_hdrs, t->n_resp_hdrs, name, strlen(name)));
}
static inline struct bytes storage_req_header(const struct http_txn *t, const char *name)
{
    return bytes_trim(http_header_getn(t->req_hdrs, t->n_req_hdrs, name, strlen(name)));
}

/* The Host without port, lowercased, into out. Returns its length. */
size_t storage_host(const struct http_txn *t, char *out, size_t cap);
/* Does host (lowercased, no port) end with suffix at a label boundary
 * (suffix starting with '.') or equal suffix without its leading dot? */
bool storage_host_suffix(const char *host, const char *suffix);
/* Is host an IPv4/IPv6 literal or "localhost"? */
bool storage_host_is_local_or_ip(const char *host);

/* Does the body start (after a UTF-8 BOM, whitespace, an XML declaration and
 * comments) with the XML element <root followed by space, '>' or '/'? */
bool storage_xml_root_is(struct bytes body, const char *root);
/* Does the body's first non-space byte equal c ('{' or '[')? */
bool storage_body_starts(struct bytes body, char c);
/* Find "key" (quoted) followed by optional spaces, ':' and optional spaces;
 * returns the offset of the value's first byte, or -1. */
long storage_json_value(struct bytes body, const char *key);
/* Copy the text of the first <tag>...</tag> (XML) into out; false if absent. */
bool storage_xml_text(struct bytes body, const char *tag, char *out, size_t cap);
/* Copy a JSON string value of key into out; false if absent or not a string. */
bool storage_json_string(struct bytes body, const char *key, char *out, size_t cap);

/* Copy a view into a NUL-terminated field, truncating. */
void storage_copy(char *dst, size_t cap, struct bytes src);

/* Mark a credential as seen: auth = AUTH_PRESENT, auth_kind = kind
 * (a profile's own, more specific kind replaces a generic one). */
void storage_set_credential(struct storage_result *r, const char *kind);

/* Set refused + refusal (code, or "HTTP <status>" when code is empty). */
void storage_set_refusal(struct storage_result *r, int status, const char *code);

/* The response media type without parameters ("text/csv"), from
 * t->content_type or the Content-Type header; empty when absent. */
struct bytes storage_content_type(const struct http_txn *t);

/* Decoded path segment idx / rest of the path from idx into out; "" if absent. */
void storage_seg_decoded(struct bytes path, unsigned idx, char *out, size_t cap);
void storage_rest_decoded(struct bytes path, unsigned idx, char *out, size_t cap);

/* Recognition scores: the strongest signal, plus 5 per extra signal, <= 100. */
struct storage_score {
    int best, n;
};
static inline void storage_score_add(struct storage_score *sc, int v)
{
    if (v <= 0) return;
    if (v > sc->best) sc->best = v;
    sc->n++;
}
static inline int storage_score_get(const struct storage_score *sc)
{
    int v = sc->best + (sc->n > 1 ? 5 * (sc->n - 1) : 0);
    return v > 100 ? 100 : v;
}

/* Streaming counter of literal tokens across feeds. counts[i] grows by one
 * per occurrence of toks[i] (each shorter than STORAGE_TOK_MAX), found
 * exactly once whatever the split of the data. Zero-initialise to start. */
struct storage_tokscan {
    uint8_t carry[STORAGE_TOK_MAX];
    uint8_t ncarry;
};
void storage_tokscan_feed(struct storage_tokscan *s, const char *const *toks, unsigned ntoks,
                          uint64_t *counts, const uint8_t *p, size_t len);

#endif
