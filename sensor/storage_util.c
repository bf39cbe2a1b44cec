/* storage_util.c -- helpers shared by the storage profiles: URL splitting and
 * percent-decoding, query parameters, headers, host names, the first bytes of
 * XML/JSON bodies, streaming token counting, query redaction.
 *
 * Everything here reads untrusted bytes through struct bytes views or a
 * struct cursor and never past their length; outputs are NUL-terminated and
 * truncated to the caller's capacity.
 */
#include "storage.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"

static inline int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static inline int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static inline bool is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* ---- copying ---- */

void storage_copy(char *dst, size_t cap, struct bytes src)
{
    if (!cap) return;
    size_t n = src.len < cap - 1 ? src.len : cap - 1;
    if (n) memcpy(dst, src.p, n);
    dst[n] = 0;
}

void storage_set_refusal(struct storage_result *r, int status, const char *code)
{
    r->refused = true;
    if (code && code[0])
        snprintf(r->refusal, sizeof r->refusal, "%s", code);
    else
        snprintf(r->refusal, sizeof r->refusal, "HTTP %d", status);
}

/* ---- URLs ---- */

void storage_split_uri(struct bytes uri, struct bytes *path, struct bytes *query)
{
    struct bytes u = uri;
    /* absolute-form: scheme "://" authority, then the path */
    long sch = bytes_find(u, "://");
    if (sch > 0 && (bytes_iprefix(u, "http://") || bytes_iprefix(u, "https://"))) {
        size_t i = (size_t)sch + 3;
        while (i < u.len && u.p[i] != '/' && u.p[i] != '?' && u.p[i] != '#') i++;
        u.p += i;
        u.len -= i;
    }
    size_t q = 0;
    while (q < u.len && u.p[q] != '?' && u.p[q] != '#') q++;
    *path = bytes_of(u.p, q);
    *query = bytes_of(u.p + q, 0);
    if (q < u.len && u.p[q] == '?') {
        size_t e = q + 1;
        while (e < u.len && u.p[e] != '#') e++;
        *query = bytes_of(u.p + q + 1, e - q - 1);
    }
}

size_t storage_pct_decode(struct bytes in, char *out, size_t cap, bool plus_space)
{
    if (!cap) return 0;
    size_t o = 0;
    struct cursor c = cur_init(in.p, in.len);
    while (cur_left(&c) && o + 1 < cap) {
        uint8_t b = cur_u8(&c);
        if (b == '%' && cur_has(&c, 2)) {
            int h = hexval(cur_peek_u8(&c, 0)), l = hexval(cur_peek_u8(&c, 1));
            if (h >= 0 && l >= 0 && (h | l) != 0) {
                cur_skip(&c, 2);
                b = (uint8_t)(h << 4 | l);
            }
        } else if (b == '+' && plus_space) {
            b = ' ';
        }
        out[o++] = (char)b;
    }
    out[o] = 0;
    return o;
}

bool storage_path_segment(struct bytes path, unsigned idx, struct bytes *seg)
{
    size_t i = 0;
    unsigned n = 0;
    while (i < path.len) {
        while (i < path.len && path.p[i] == '/') i++;
        if (i >= path.len) break;
        size_t s = i;
        while (i < path.len && path.p[i] != '/') i++;
        if (n == idx) {
            *seg = bytes_of(path.p + s, i - s);
            return true;
        }
        n++;
    }
    return false;
}

bool storage_path_rest(struct bytes path, unsigned idx, struct bytes *rest)
{
    struct bytes seg;
    if (!storage_path_segment(path, idx, &seg)) return false;
    size_t off = (size_t)(seg.p - path.p);
    *rest = bytes_of(seg.p, path.len - off);
    return true;
}

/* Walk query parameters: calls back with raw name and value views. */
static bool query_next(struct cursor *c, struct bytes *name, struct bytes *value)
{
    while (cur_left(c)) {
        const uint8_t *s = cur_ptr(c);
        size_t n = 0, left = cur_left(c);
        while (n < left && s[n] != '&') n++;
        cur_skip(c, n < left ? n + 1 : n);
        if (n == 0) continue;
        size_t eq = 0;
        while (eq < n && s[eq] != '=') eq++;
        *name = bytes_of(s, eq);
        *value = eq < n ? bytes_of(s + eq + 1, n - eq - 1) : bytes_of(s + n, 0);
        return true;
    }
    return false;
}

/* A raw (maybe percent-encoded) parameter name, decoded into buf (64
 * bytes) when it has anything to decode, else as it is; false for a name
 * too long to be one asked for. */
static bool plain_name(struct bytes raw, char *buf, struct bytes *out)
{
    if (raw.len >= 3 * 64) return false;
    if (raw.len < 64 && !memchr(raw.p, '%', raw.len) && !memchr(raw.p, '+', raw.len)) {
        *out = raw;
    } else {
        size_t n = storage_pct_decode(raw, buf, 64, true);
        *out = bytes_of(buf, n);
    }
    const uint8_t *z = out->len ? memchr(out->p, 0, out->len) : NULL;   /* a name ends at a NUL, as a C string does */
    if (z) out->len = (size_t)(z - out->p);
    return true;
}

/* Compare a raw parameter name with a plain name of nl bytes. */
static bool name_ieq(struct bytes raw, const char *name, size_t nl)
{
    char buf[64];
    struct bytes n;
    return plain_name(raw, buf, &n) && n.len == nl && bytes_ieqn(n, name, nl);
}

bool storage_query_getn(struct bytes query, const char *name, size_t nl, struct bytes *value)
{
    struct cursor c = cur_init(query.p, query.len);
    struct bytes n, v;
    while (query_next(&c, &n, &v)) {
        if (name_ieq(n, name, nl)) {
            if (value) *value = v;
            return true;
        }
    }
    return false;
}

void storage_seg_decoded(struct bytes path, unsigned idx, char *out, size_t cap)
{
    struct bytes seg;
    if (cap) out[0] = 0;
    if (storage_path_segment(path, idx, &seg)) storage_pct_decode(seg, out, cap, false);
}

void storage_rest_decoded(struct bytes path, unsigned idx, char *out, size_t cap)
{
    struct bytes rest;
    if (cap) out[0] = 0;
    if (storage_path_rest(path, idx, &rest)) storage_pct_decode(rest, out, cap, false);
}

/* ---- headers and hosts ---- */

size_t storage_host(const struct http_txn *t, char *out, size_t cap)
{
    if (!cap) return 0;
    struct bytes h = t->host.len ? t->host : storage_req_header(t, "host");
    h = bytes_trim(h);
    size_t n = h.len;
    if (n && h.p[0] == '[') {               /* [v6]:port */
        size_t e = 1;
        while (e < n && h.p[e] != ']') e++;
        h = bytes_of(h.p + 1, e - 1);
        n = h.len;
    } else {
        size_t colon = 0, ncolon = 0;
        for (size_t i = 0; i < n; i++)
            if (h.p[i] == ':') { colon = i; ncolon++; }
        if (ncolon == 1) n = colon;       /* host:port; several colons = bare IPv6 */
    }
    if (n && h.p[n - 1] == '.') n--;      /* FQDN trailing dot */
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) out[o++] = (char)lower(h.p[i]);
    out[o] = 0;
    return o;
}

void storage_view_init(struct storage_view *v, const struct http_txn *t)
{
    storage_host(t, v->host, sizeof v->host);
    storage_split_uri(t->uri, &v->path, &v->query);
    v->ct = storage_content_type(t);
    v->server = storage_resp_header(t, "server");
}

struct bytes storage_content_type(const struct http_txn *t)
{
    struct bytes ct = t->content_type.len ? t->content_type : storage_resp_header(t, "content-type");
    size_t n = 0;
    while (n < ct.len && ct.p[n] != ';') n++;
    return bytes_trim(bytes_of(ct.p, n));
}

bool storage_host_suffix(const char *host, const char *suffix)
{
    size_t hl = strlen(host), sl = strlen(suffix);
    if (sl && suffix[0] == '.' && hl == sl - 1 && memcmp(host, suffix + 1, hl) == 0) return true;
    return hl > sl && memcmp(host + hl - sl, suffix, sl) == 0 &&
           (suffix[0] == '.' || host[hl - sl - 1] == '.');
}

bool storage_host_is_local_or_ip(const char *host)
{
    uint8_t a[16];
    if (strcmp(host, "localhost") == 0) return true;
    return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

/* ---- body prefixes ---- */

bool storage_body_starts(struct bytes body, char ch)
{
    size_t i = 0;
    if (body.len >= 3 && body.p[0] == 0xef && body.p[1] == 0xbb && body.p[2] == 0xbf) i = 3;
    while (i < body.len && is_space(body.p[i])) i++;
    return i < body.len && body.p[i] == (uint8_t)ch;
}

bool storage_xml_root_is(struct bytes body, const char *root)
{
    size_t i = 0, rl = strlen(root);
    if (body.len >= 3 && body.p[0] == 0xef && body.p[1] == 0xbb && body.p[2] == 0xbf) i = 3;
    for (;;) {
        while (i < body.len && is_space(body.p[i])) i++;
        struct bytes rest = bytes_of(body.p + i, body.len - i);
        if (bytes_iprefix(rest, "<?")) {            /* declaration or PI */
            long e = bytes_find(rest, "?>");
            if (e < 0) return false;
            i += (size_t)e + 2;
        } else if (bytes_iprefix(rest, "<!--")) {
            long e = bytes_find(rest, "-->");
            if (e < 0) return false;
            i += (size_t)e + 3;
        } else {
            break;
        }
    }
    if (body.len - i < rl + 2 || body.p[i] != '<') return false;
    if (memcmp(body.p + i + 1, root, rl) != 0) return false;
    uint8_t c = body.p[i + 1 + rl];
    return c == '>' || c == '/' || is_space(c);
}

long storage_json_value(struct bytes body, const char *key)
{
    char pat[64];
    size_t kl = strlen(key), n = kl + 2;
    if (n >= sizeof pat) return -1;
    pat[0] = '"';   /* "key", built by hand: snprintf cost more than the search */
    memcpy(pat + 1, key, kl);
    pat[kl + 1] = '"';
    pat[n] = 0;
    size_t from = 0;
    while (from < body.len) {
        long at = bytes_find(bytes_of(body.p + from, body.len - from), pat);
        if (at < 0) return -1;
        size_t i = from + (size_t)at + (size_t)n;
        while (i < body.len && is_space(body.p[i])) i++;
        if (i < body.len && body.p[i] == ':') {
            i++;
            while (i < body.len && is_space(body.p[i])) i++;
            return i < body.len ? (long)i : -1;
        }
        from += (size_t)at + 1;
    }
    return -1;
}

bool storage_json_string(struct bytes body, const char *key, char *out, size_t cap)
{
    long v = storage_json_value(body, key);
    if (v < 0 || body.p[v] != '"') return false;
    size_t s = (size_t)v + 1, e = s;
    while (e < body.len && body.p[e] != '"') {
        if (body.p[e] == '\\') e++;
        e++;
    }
    if (e > body.len) e = body.len;
    storage_copy(out, cap, bytes_of(body.p + s, e - s));
    return true;
}

bool storage_xml_text(struct bytes body, const char *tag, char *out, size_t cap)
{
    char open[64];
    int n = snprintf(open, sizeof open, "<%s>", tag);
    if (n <= 0 || (size_t)n >= sizeof open) return false;
    long at = bytes_find(body, open);
    if (at < 0) return false;
    size_t s = (size_t)at + (size_t)n, e = s;
    while (e < body.len && body.p[e] != '<') e++;
    storage_copy(out, cap, bytes_of(body.p + s, e - s));
    return true;
}

/* ---- streaming token counting ---- */

void storage_tokscan_feed(struct storage_tokscan *s, const char *const *toks, unsigned ntoks,
                          uint64_t *counts, const uint8_t *p, size_t len)
{
    if (!len) return;
    size_t kmax = 1;
    for (unsigned t = 0; t < ntoks; t++) {
        size_t l = strlen(toks[t]);
        if (l > kmax) kmax = l;
    }
    if (kmax > STORAGE_TOK_MAX) kmax = STORAGE_TOK_MAX;
    size_t keep = kmax - 1;               /* carry: the last keep bytes seen */
    if (s->ncarry > keep) {               /* keep the newest bytes */
        memmove(s->carry, s->carry + (s->ncarry - keep), keep);
        s->ncarry = (uint8_t)keep;
    }

    /* Occurrences that start in the carry and end in p. */
    uint8_t buf[2 * STORAGE_TOK_MAX];
    size_t nc = s->ncarry, head = len < keep ? len : keep;
    memcpy(buf, s->carry, nc);
    memcpy(buf + nc, p, head);
    for (unsigned t = 0; t < ntoks; t++) {
        size_t tl = strlen(toks[t]);
        if (tl == 0 || tl > kmax) continue;
        for (size_t i = 0; i < nc; i++)
            if (i + tl > nc && i + tl <= nc + head && memcmp(buf + i, toks[t], tl) == 0) counts[t]++;
    }
    /* Occurrences inside p. */
    for (unsigned t = 0; t < ntoks; t++) {
        size_t tl = strlen(toks[t]);
        if (tl && tl <= kmax) counts[t] += bytes_count(bytes_of(p, len), toks[t], tl);
    }
    /* New carry: the last keep bytes of carry + p. */
    if (len >= keep) {
        memcpy(s->carry, p + len - keep, keep);
        s->ncarry = (uint8_t)keep;
    } else {
        size_t total = nc + len, drop = total > keep ? total - keep : 0;
        memmove(s->carry, s->carry + drop, nc - drop);
        memcpy(s->carry + nc - drop, p, len);
        s->ncarry = (uint8_t)(total - drop);
    }
}

/* ---- query redaction ---- */

static const char *const secret_params[] = {
    "sig", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
    "x-goog-signature", "x-goog-credential", "awsaccesskeyid", "access_token", "auth",
    "token", "key", "api_key", "apikey", "api-key", "code", "password", "passwd", "pwd",
    "secret", "client_secret", "refresh_token", "id_token", "session", "sessionid",
    "jwt", "sas", "private_token", "x-api-key", NULL
};

static bool is_secret_param(struct bytes raw_name)
{
    char buf[64];
    struct bytes n;
    if (!plain_name(raw_name, buf, &n)) return false;   /* decoded once, not once a name */
    for (unsigned i = 0; secret_params[i]; i++)
        if (bytes_ieq(n, secret_params[i])) return true;
    return false;
}

/* Append n bytes to out, counting what would be needed past cap. */
static void put(char *out, size_t cap, size_t *o, const void *s, size_t n)
{
    if (*o + 1 < cap) {
        size_t room = cap - 1 - *o, k = n < room ? n : room;
        memcpy(out + *o, s, k);
    }
    *o += n;
}

size_t storage_redact_query(struct bytes query, char *out, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < query.len) {
        size_t n = 0;
        while (i + n < query.len && query.p[i + n] != '&') n++;
        const uint8_t *s = query.p + i;
        size_t eq = 0;
        while (eq < n && s[eq] != '=') eq++;
        if (eq < n && is_secret_param(bytes_of(s, eq))) {
            put(out, cap, &o, s, eq + 1);
            put(out, cap, &o, "REDACTED", 8);
        } else {
            put(out, cap, &o, s, n);
        }
        i += n;
        if (i < query.len) { put(out, cap, &o, "&", 1); i++; }
    }
    if (cap) out[o < cap ? o : cap - 1] = 0;
    return o;
}
