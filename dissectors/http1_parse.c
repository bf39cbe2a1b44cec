/* http1_parse.c -- HTTP/1.x message heads: start lines, header lines, framing.
 *
 * RFC 9112 sections 2-6. The head is complete when this is called (the
 * dissector found the empty line), so "need more" only happens when a caller
 * hands in a prefix. Tolerant where real servers are sloppy (bare LF, a status
 * line without a reason phrase), strict where a mistake would hide framing
 * (header names must be tokens, Content-Length must be digits, conflicting
 * lengths are flagged).
 */
#include "http1.h"

#include "cursor.h"

/* RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" /
 * "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
static bool is_tchar(uint8_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

static bool is_strict_method_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* A request target: visible ASCII or obs-text, no SP and no controls. */
static bool is_target_char(uint8_t c) { return c > ' ' && c != 0x7f; }

#define METHOD_MAX 32   /* longest method token accepted (PROPPATCH, VERSION-CONTROL...) */

/* ---- line starts ---- */

#define VERSION_MAX 8   /* bytes after "HTTP/" in a lenient status line */

/* A status line as clients accept it, not only as RFC 9112 writes it: evasion
 * sends "HTTP/2.0 200", "HTTP/0.9 200", "HTTP/1..1 200" or "HTTP/1.1  200" to
 * servers' clients that take them, so a sensor must too:
 *   "HTTP/" VERSION{1,8} (SP|HTAB)+ DIGIT DIGIT DIGIT ...
 * with VERSION any bytes but SP, HTAB, CR and LF (a NUL included). */
static size_t resp_version_len(const uint8_t *p, size_t len, bool *short_input)
{
    static const char pre[] = "HTTP/";
    *short_input = false;
    for (size_t i = 0; i < 5; i++) {
        if (i >= len) { *short_input = true; return 0; }
        if (p[i] != (uint8_t)pre[i]) return 0;
    }
    size_t v = 5;
    while (v < len && v - 5 < VERSION_MAX && p[v] != ' ' && p[v] != '\t' && p[v] != '\r' && p[v] != '\n') v++;
    if (v == len) { *short_input = v - 5 < VERSION_MAX; return 0; }
    return v > 5 ? v : 0;
}

static enum http1_start classify_resp(const uint8_t *p, size_t len)
{
    bool short_input;
    size_t i = resp_version_len(p, len, &short_input);
    if (!i) return short_input ? HTTP1_START_MAYBE : HTTP1_START_NO;
    size_t sp = i;
    while (i < len && (p[i] == ' ' || p[i] == '\t') && i - sp < 8) i++;
    if (i == sp) return i == len ? HTTP1_START_MAYBE : HTTP1_START_NO;
    for (int k = 0; k < 3; k++, i++) {
        if (i >= len) return HTTP1_START_MAYBE;
        if (!is_digit(p[i])) return HTTP1_START_NO;
    }
    return HTTP1_START_RESP;   /* whatever follows the code: "200\0 ok", "2040" (as 204) */
}

static enum http1_start classify_req(const uint8_t *p, size_t len, bool strict)
{
    size_t i = 0;
    while (i < len && i <= METHOD_MAX && (strict ? is_strict_method_char(p[i]) : is_tchar(p[i]))) i++;
    if (i == len) return i <= METHOD_MAX ? HTTP1_START_MAYBE : HTTP1_START_NO;
    if (i == 0 || i > METHOD_MAX || p[i] != ' ') return HTTP1_START_NO;
    if (i + 1 == len) return HTTP1_START_MAYBE;
    return is_target_char(p[i + 1]) ? HTTP1_START_REQ : HTTP1_START_NO;
}

enum http1_start http1_classify(const uint8_t *p, size_t len, bool strict)
{
    enum http1_start r = classify_resp(p, len);
    if (r == HTTP1_START_RESP) return r;
    enum http1_start q = classify_req(p, len, strict);
    if (q == HTTP1_START_REQ) return q;
    if (r == HTTP1_START_MAYBE || q == HTTP1_START_MAYBE) return HTTP1_START_MAYBE;
    return HTTP1_START_NO;
}

/* ---- start line ---- */

/* "HTTP/1." DIGIT at the cursor; returns 10 or 11 (1.x with x > 1 is 1.1,
 * RFC 9110 6.2), 0 if absent. */
static uint8_t read_version(struct cursor *c)
{
    const uint8_t *v = cur_take(c, 8);
    if (!v || memcmp(v, "HTTP/1.", 7) != 0 || !is_digit(v[7])) return 0;
    return v[7] == '0' ? 10 : 11;
}

int http1_parse_start_line(const uint8_t *p, size_t len, struct http1_head *h)
{
    struct cursor c = cur_init(p, len);
    if (len && p[len - 1] == '\r') c.len--;   /* CRLF or bare LF */
    if (classify_resp(p, c.len) == HTTP1_START_RESP) {
        /* status-line = HTTP-version SP status-code SP [ reason-phrase ],
         * read leniently (classify_resp): an odd version is taken as 1.1 */
        h->is_response = true;
        bool short_input;
        size_t vl = resp_version_len(p, c.len, &short_input);
        struct cursor v = cur_init(p, vl);
        h->version = read_version(&v);
        if (!h->version || vl != 8) h->version = 11;
        cur_skip(&c, vl);
        while (cur_has(&c, 1) && (cur_peek_u8(&c, 0) == ' ' || cur_peek_u8(&c, 0) == '\t')) cur_skip(&c, 1);
        const uint8_t *d = cur_take(&c, 3);
        if (!d) return -1;
        h->status = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
        if (h->status < 100) return -1;
        while (cur_has(&c, 1) && cur_peek_u8(&c, 0) >= '0' && cur_peek_u8(&c, 0) <= '9') cur_skip(&c, 1);
        if (cur_left(&c)) cur_skip(&c, 1);
        h->reason = bytes_of(cur_ptr(&c), cur_left(&c));
        return 0;
    }
    /* request-line = method SP request-target SP HTTP-version */
    h->is_response = false;
    size_t m = 0;
    while (cur_has(&c, m + 1) && is_tchar(cur_peek_u8(&c, m))) m++;
    if (m == 0 || m > METHOD_MAX) return -1;
    h->method = bytes_of(cur_take(&c, m), m);
    if (cur_u8(&c) != ' ') return -1;
    size_t t = 0;
    while (cur_has(&c, t + 1) && is_target_char(cur_peek_u8(&c, t))) t++;
    if (t == 0) return -1;
    h->uri = bytes_of(cur_take(&c, t), t);
    if (cur_u8(&c) != ' ') return -1;
    h->version = read_version(&c);
    if (!h->version || !cur_ok(&c) || cur_left(&c) != 0) return -1;
    return 0;
}

/* ---- header lines ---- */

/* Does a comma-separated list value contain token tok (case-insensitive)? */
static bool list_has(struct bytes v, const char *tok)
{
    size_t i = 0;
    while (i <= v.len) {
        size_t j = i;
        while (j < v.len && v.p[j] != ',') j++;
        if (bytes_ieq(bytes_trim(bytes_of(v.p + i, j - i)), tok)) return true;
        i = j + 1;
    }
    return false;
}

/* The last element of a comma-separated list, trimmed. */
static struct bytes list_last(struct bytes v)
{
    size_t i = v.len;
    while (i > 0 && v.p[i - 1] != ',') i--;
    return bytes_trim(bytes_of(v.p + i, v.len - i));
}

static void note_framing(struct http1_head *h, struct bytes name, struct bytes value)
{
    if (bytes_ieq(name, "content-length")) {
        uint64_t v;
        /* "Content-Length: 42, 42" from a proxy that merged duplicates counts as bad:
         * rare, and a sensor must not guess between two lengths. */
        if (bytes_to_u64(value, UINT64_MAX, &v) < 0 || (h->has_cl && v != h->content_length)) {
            h->cl_bad = true;
        } else {
            h->has_cl = true;
            h->content_length = v;
        }
    } else if (bytes_ieq(name, "transfer-encoding")) {
        h->has_te = true;
        h->chunked = bytes_ieq(list_last(value), "chunked");
    } else if (bytes_ieq(name, "connection")) {
        if (list_has(value, "close")) h->conn_close = true;
        if (list_has(value, "upgrade")) h->upgrade = true;
    } else if (bytes_ieq(name, "content-encoding")) {
        if (!h->content_encoding.len) h->content_encoding = value;
    }
}

/* One header line without its terminator: "name: value". */
static void parse_header_line(struct bytes line, struct http1_head *h, struct http_header *hdrs,
                              unsigned max_hdrs)
{
    size_t n = 0;
    while (n < line.len && is_tchar(line.p[n])) n++;
    if (n == 0 || n == line.len || line.p[n] != ':') {
        h->n_bad_lines++;
        return;
    }
    struct bytes name = bytes_of(line.p, n);
    struct bytes value = bytes_trim(bytes_of(line.p + n + 1, line.len - n - 1));
    h->n_lines++;
    note_framing(h, name, value);
    if (h->n_hdrs < max_hdrs) {
        hdrs[h->n_hdrs].name = name;
        hdrs[h->n_hdrs].value = value;
        h->n_hdrs++;
    }
}

struct parse_result http1_parse_head(const uint8_t *p, size_t len, struct http1_head *h,
                                     struct http_header *hdrs, unsigned max_hdrs)
{
    struct parse_result r = { PARSE_NEED_MORE, 0, 0 };
    memset(h, 0, sizeof *h);
    size_t off = 0;
    bool first = true;
    while (off < len) {
        const uint8_t *nl = memchr(p + off, '\n', len - off);
        if (!nl) return r;
        size_t end = (size_t)(nl - p);
        struct bytes line = bytes_of(p + off, end - off);
        if (line.len && line.p[line.len - 1] == '\r') line.len--;
        off = end + 1;
        if (!first && http1_blank_line(line.p, line.len)) line.len = 0;
        if (first) {
            if (http1_parse_start_line(line.p, line.len, h) < 0) {
                r.status = PARSE_ERROR;
                return r;
            }
            first = false;
        } else if (line.len == 0) {
            r.status = PARSE_OK;
            r.consumed = off;
            return r;
        } else {
            parse_header_line(line, h, hdrs, max_hdrs);
        }
    }
    return r;
}

bool http1_blank_line(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != '\r') return false;
    return true;
}

void http1_unfold(uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (p[i] != '\n' || (p[i + 1] != ' ' && p[i + 1] != '\t')) continue;
        p[i] = ' ';
        if (i > 0 && p[i - 1] == '\r') p[i - 1] = ' ';
    }
}
