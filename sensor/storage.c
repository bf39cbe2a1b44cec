/* storage.c -- the storage profile registry, classification, credentials
 * common to every provider, public_ok allow-listing, listing counters.
 * (Shared parsing helpers live in storage_util.c; providers in
 * dissectors/storage_*.c.)
 */
#include "storage.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- the registry: one line per provider ---- */

extern const struct storage_profile storage_azure;
extern const struct storage_profile storage_s3;
extern const struct storage_profile storage_gcs;
extern const struct storage_profile storage_elastic;
extern const struct storage_profile storage_couchdb;
extern const struct storage_profile storage_firebase;
extern const struct storage_profile storage_solr;
extern const struct storage_profile storage_mongodb;
extern const struct storage_profile storage_redis;
extern const struct storage_profile storage_generic;

static const struct storage_profile *const profiles[] = {
    &storage_azure,
    &storage_s3,
    &storage_gcs,
    &storage_elastic,
    &storage_couchdb,
    &storage_firebase,
    &storage_solr,
    &storage_mongodb,
    &storage_redis,
    &storage_generic,
    NULL
};

const struct storage_profile *const *storage_profiles(void) { return profiles; }

const struct storage_profile *storage_profile_find(const char *name)
{
    for (unsigned i = 0; profiles[i]; i++)
        if (strcmp(profiles[i]->name, name) == 0) return profiles[i];
    return NULL;
}

const char *storage_auth_state_name(enum auth_state s)
{
    switch (s) {
    case AUTH_NONE: return "none";
    case AUTH_PRESENT: return "present";
    case AUTH_UNKNOWN: return "unknown";
    }
    return "unknown";
}

static const char *const default_cookies[] = {
    "session", "sessionid", "AuthSession", "JSESSIONID", "PHPSESSID", "connect.sid",
    "_session", "sid", "ASP.NET_SessionId", NULL
};

void storage_config_defaults(struct storage_config *cfg)
{
    cfg->public_ok = NULL;
    cfg->cookie_names = default_cookies;
}

void storage_set_credential(struct storage_result *r, const char *kind)
{
    r->auth = AUTH_PRESENT;
    snprintf(r->auth_kind, sizeof r->auth_kind, "%s", kind);
}

/* ---- credentials every provider honours ---- */

/* A token that is no credential: what broken clients send when they have none. */
static bool placeholder_token(struct bytes v)
{
    v = bytes_trim(v);
    return v.len == 0 || bytes_ieq(v, "null") || bytes_ieq(v, "undefined") || bytes_ieq(v, "\"\"");
}

static const struct { const char *scheme, *kind; } auth_schemes[] = {
    { "AWS4-HMAC-SHA256", "sigv4" },
    { "AWS", "aws_v2" },
    { "SharedKeyLite", "sharedkeylite" },
    { "SharedKey", "sharedkey" },
    { "GOOG4-HMAC-SHA256", "goog_hmac" },
    { "GOOG1", "goog_hmac" },
    { "Bearer", "bearer" },
    { "Basic", "basic" },
    { "ApiKey", "api_key" },
    { "Digest", "digest" },
    { "Negotiate", "negotiate" },
    { "NTLM", "ntlm" },
    { "Token", "token" },
};

static void check_authorization(struct bytes v, struct storage_result *r)
{
    v = bytes_trim(v);
    if (!v.len) return;
    size_t sp = 0;
    while (sp < v.len && v.p[sp] != ' ') sp++;
    struct bytes scheme = bytes_of(v.p, sp);
    struct bytes cred = bytes_trim(bytes_of(v.p + sp, v.len - sp));
    const char *kind = NULL;
    for (size_t i = 0; i < sizeof auth_schemes / sizeof auth_schemes[0] && !kind; i++)
        if (bytes_ieq(scheme, auth_schemes[i].scheme)) kind = auth_schemes[i].kind;
    if (kind) {
        /* "Bearer", "Bearer null", "Basic undefined" carry nothing */
        if (placeholder_token(cred)) return;
        storage_set_credential(r, kind);
    } else if (!placeholder_token(v)) {
        storage_set_credential(r, "authorization");   /* unknown scheme or a bare token */
    }
}

static const struct { struct bytes header; const char *kind; } key_headers[] = {
    { BYTES_LIT("x-api-key"), "api_key" },
    { BYTES_LIT("api-key"), "api_key" },
    { BYTES_LIT("apikey"), "api_key" },
    { BYTES_LIT("x-apikey"), "api_key" },
    { BYTES_LIT("x-auth-token"), "token" },
    { BYTES_LIT("x-storage-token"), "token" },
    { BYTES_LIT("x-amz-security-token"), "sts_token" },
};

static bool cookie_listed(struct bytes name, const char *const *names)
{
    for (unsigned i = 0; names[i]; i++)
        if (bytes_ieq(name, names[i])) return true;
    return false;
}

static bool cookie_has_session(struct bytes v, const char *const *names)
{
    size_t i = 0;
    while (i < v.len) {
        size_t e = i;
        while (e < v.len && v.p[e] != ';') e++;
        struct bytes pair = bytes_trim(bytes_of(v.p + i, e - i));
        size_t eq = 0;
        while (eq < pair.len && pair.p[eq] != '=') eq++;
        if (eq < pair.len) {
            struct bytes name = bytes_trim(bytes_of(pair.p, eq));
            struct bytes val = bytes_trim(bytes_of(pair.p + eq + 1, pair.len - eq - 1));
            if (cookie_listed(name, names) && !placeholder_token(val) && !bytes_ieq(val, "deleted"))
                return true;
        }
        i = e + 1;
    }
    return false;
}

/* Query parameters that sign or authorise a request whatever the provider. */
static void check_query(struct bytes q, struct storage_result *r)
{
    struct bytes v;
    if (storage_query_get(q, "X-Amz-Signature", &v) || storage_query_get(q, "X-Amz-Credential", &v))
        storage_set_credential(r, "presigned");
    else if (storage_query_get(q, "X-Goog-Signature", &v) || storage_query_get(q, "X-Goog-Credential", &v))
        storage_set_credential(r, "signed_url");
    else if (storage_query_get(q, "Signature", &v) && !placeholder_token(v) &&
             (storage_query_get(q, "AWSAccessKeyId", NULL) || storage_query_get(q, "GoogleAccessId", NULL) ||
              storage_query_get(q, "Expires", NULL)))
        storage_set_credential(r, "presigned_v2");
    else if (storage_query_get(q, "sig", &v) && !placeholder_token(v) &&
             (storage_query_get(q, "sv", NULL) || storage_query_get(q, "se", NULL) ||
              storage_query_get(q, "sp", NULL)))
        storage_set_credential(r, "sas");
    else if ((storage_query_get(q, "access_token", &v) || storage_query_get(q, "api_key", &v) ||
              storage_query_get(q, "apikey", &v) || storage_query_get(q, "token", &v)) &&
             !placeholder_token(v))
        storage_set_credential(r, "token_param");
}

static void common_credentials(const struct http_txn *t, struct bytes query,
                               const char *const *cookies, struct storage_result *r)
{
    const struct http_header *h = t->req_hdrs;
    bool seen_auth = false;
    for (unsigned i = 0; h && i < t->n_req_hdrs; i++) {
        if (bytes_ieq(h[i].name, "authorization")) {
            seen_auth = true;
            check_authorization(h[i].value, r);
        } else if (bytes_ieq(h[i].name, "cookie")) {
            if (cookie_has_session(h[i].value, cookies)) storage_set_credential(r, "cookie");
        } else {
            for (size_t k = 0; k < sizeof key_headers / sizeof key_headers[0]; k++)
                if (h[i].name.len == key_headers[k].header.len &&
                    bytes_ieqn(h[i].name, (const char *)key_headers[k].header.p, key_headers[k].header.len) &&
                    !placeholder_token(h[i].value))
                    storage_set_credential(r, key_headers[k].kind);
        }
    }
    if (!seen_auth && t->authorization.len) check_authorization(t->authorization, r);
    check_query(query, r);
}

/* ---- public_ok rules ---- */

static bool rule_match(const char *rule, size_t rl, const char *s, bool icase)
{
    bool star = rl && rule[rl - 1] == '*';
    if (star) rl--;
    if (strlen(s) < rl) return false;
    if (icase ? strncasecmp(s, rule, rl) != 0 : strncmp(s, rule, rl) != 0) return false;
    if (star || rl == 0 || rule[rl - 1] == '/') return true;
    return s[rl] == 0 || s[rl] == '/';
}

static bool public_rule(const char *rule, const struct http_txn *t, struct bytes path,
                        const struct storage_result *r)
{
    const char *colon = strchr(rule, ':'), *slash = strchr(rule, '/');
    if (colon && (!slash || colon < slash)) {
        char prov[32];
        size_t pl = (size_t)(colon - rule);
        if (pl < sizeof prov) {
            memcpy(prov, rule, pl);
            prov[pl] = 0;
            bool any = strcmp(prov, "*") == 0;
            if (any || storage_profile_find(prov)) {      /* PROVIDER:RESOURCE */
                if (!any && strcmp(prov, r->provider) != 0) return false;
                char res[sizeof r->account + sizeof r->container + sizeof r->object + 3];
                size_t o = 0;
                const char *parts[3] = { r->account, r->container, r->object };
                for (int i = 0; i < 3; i++) {
                    if (!parts[i][0]) continue;
                    int n = snprintf(res + o, sizeof res - o, "%s%s", o ? "/" : "", parts[i]);
                    if (n < 0 || (size_t)n >= sizeof res - o) break;
                    o += (size_t)n;
                }
                res[o] = 0;
                return rule_match(colon + 1, strlen(colon + 1), res, false);
            }
        }
        /* otherwise host:port[/path] */
    }
    char dpath[1024];
    storage_pct_decode(path, dpath, sizeof dpath, false);
    if (rule[0] == '/') return rule_match(rule, strlen(rule), dpath, false);

    size_t hl = slash ? (size_t)(slash - rule) : strlen(rule);
    char host[256];
    const char *rc = memchr(rule, ':', hl);
    if (rc) {   /* rule names a port: compare with the raw Host header */
        struct bytes h = bytes_trim(t->host.len ? t->host : storage_req_header(t, "host"));
        storage_copy(host, sizeof host, h);
    } else {
        storage_host(t, host, sizeof host);
    }
    if (strlen(host) != hl || strncasecmp(host, rule, hl) != 0) return false;
    if (!slash) return true;
    return rule_match(slash, strlen(slash), dpath[0] ? dpath : "/", false);
}

/* ---- classification ---- */

int storage_classify(const struct http_txn *t, struct bytes body_prefix,
                     const struct storage_config *cfg, struct storage_result *out)
{
    return storage_classify_hint(t, body_prefix, cfg, NULL, out);
}

int storage_classify_hint(const struct http_txn *t, struct bytes body_prefix, const struct storage_config *cfg,
                          const struct storage_profile *hint, struct storage_result *out)
{
    struct storage_config defaults;
    if (!cfg) {
        storage_config_defaults(&defaults);
        cfg = &defaults;
    }
    memset(out, 0, sizeof *out);
    if (body_prefix.len > STORAGE_BODY_PREFIX) body_prefix.len = STORAGE_BODY_PREFIX;

    const struct storage_profile *best = NULL, *fallback = NULL;
    int best_score = 0, fb_score = 0;
    struct storage_view v;
    storage_view_init(&v, t);
    for (unsigned i = 0; profiles[i]; i++) {
        int s = profiles[i]->recognise(t, body_prefix, &v);
        if (s > 100) s = 100;
        if (s < STORAGE_MIN_SCORE) continue;
        if (profiles[i]->fallback) {
            if (s > fb_score) { fallback = profiles[i]; fb_score = s; }
        } else if (s > best_score) {
            best = profiles[i];
            best_score = s;
        }
    }
    if (!best && hint && !hint->fallback) {
        /* the server answered as this provider before: its plainer responses are its too */
        best = hint;
        best_score = STORAGE_MIN_SCORE;
        out->by_hint = true;
    }
    if (!best) { best = fallback; best_score = fb_score; }
    if (!best) return -1;

    out->profile = best;
    out->provider = best->name;
    out->confidence = best_score;

    struct bytes path = v.path, query = v.query;
    common_credentials(t, query, cfg->cookie_names ? cfg->cookie_names : default_cookies, out);
    best->describe(t, body_prefix, out);

    if (t->status >= 200 && t->status <= 299 && t->status != 204 &&
        (t->resp_body_decoded > 0 || body_prefix.len > 0))
        out->served = true;
    if (t->status >= 400 && t->status <= 499 && !out->refused) storage_set_refusal(out, t->status, "");
    if (t->status >= 500) {              /* a server error refuses nobody */
        out->refused = false;
        out->refusal[0] = 0;
    }
    if (out->refused) {                   /* a refused listing names nothing */
        out->served = false;
        out->is_listing = false;
    }

    if (out->auth != AUTH_PRESENT)
        out->auth = (t->flags & (TXN_REQ_MISSING | TXN_REQ_PARTIAL | TXN_CONN_MIDSTREAM)) ? AUTH_UNKNOWN : AUTH_NONE;

    for (unsigned i = 0; !out->public_ok && cfg->public_ok && cfg->public_ok[i]; i++)
        if (public_rule(cfg->public_ok[i], t, path, out)) out->public_ok = true;
    return 0;
}

size_t storage_listing_state_size(const struct storage_result *r)
{
    if (!r->is_listing || !r->profile || !r->profile->listing_feed) return 0;
    return r->profile->listing_state_size;
}

void storage_listing_feed(struct storage_result *r, void *st, const uint8_t *p, size_t len)
{
    if (storage_listing_state_size(r) && st && len) r->profile->listing_feed(st, p, len, r);
}
