/* resp_parse.c -- RESP2/RESP3 scanning, request parsing and rendering as JSON
 * (resp.h). Every read goes through struct cursor. */
#include "resp.h"
#include "cursor.h"
#include "wire_json.h"

#include <stdint.h>
#include <string.h>

static struct parse_result pr(enum parse_status s, size_t consumed, size_t needed)
{
    struct parse_result r = { s, consumed, needed };
    return r;
}

static const struct resp_limits default_limits = { LIM_RESP_MAX_DEPTH, LIM_RESP_MAX_ELEMS, LIM_RESP_MAX_LINE };

/* No line cap: for values already scanned whole (rendering). */
#define LINE_ANY SIZE_MAX

enum { LINE_OK = 1, LINE_MORE = 0, LINE_BAD = -1, LINE_TOO_LONG = -2 };

/* Where to look for the LF ending a line of at most max bytes (CRLF not
 * counted): the first max + 2 bytes, or all of left. *capped: a missing LF
 * there means the line is too long rather than incomplete. */
static size_t line_window(size_t left, size_t max, bool *capped)
{
    *capped = max <= SIZE_MAX - 2 && left >= max + 2;
    return *capped ? max + 2 : left;
}

/* A line ending in CRLF from the cursor: the view without CRLF. LINE_OK,
 * LINE_MORE (incomplete), LINE_TOO_LONG (more than max bytes) or LINE_BAD
 * (an LF without its CR). */
static int take_line(struct cursor *c, struct bytes *line, size_t max)
{
    bool capped;
    const uint8_t *s = cur_ptr(c);
    size_t lim = line_window(cur_left(c), max, &capped);
    const uint8_t *nl = lim ? memchr(s, '\n', lim) : NULL;
    if (!nl) return capped ? LINE_TOO_LONG : LINE_MORE;
    size_t n = (size_t)(nl - s);
    if (n == 0 || s[n - 1] != '\r') return LINE_BAD;
    *line = bytes_of(s, n - 1);
    cur_skip(c, n + 1);
    return LINE_OK;
}

/* A signed decimal in a type line ("-1" allowed for null values). */
static bool line_int(struct bytes b, int64_t *v)
{
    bool neg = b.len && b.p[0] == '-';
    struct bytes d = neg ? bytes_of(b.p + 1, b.len - 1) : b;
    uint64_t u;
    if (!d.len || bytes_to_u64(d, (uint64_t)INT64_MAX, &u) != 0) return false;
    *v = neg ? -(int64_t)u : (int64_t)u;
    return true;
}

static bool is_type(uint8_t t)
{
    return strchr("+-:$*_#,(!=%~>|", t) != NULL && t != 0;
}

struct parse_result resp_scan_more(struct resp_scanner *sc, const uint8_t *p, size_t len,
                                   const struct resp_limits *lim, struct resp_scan_stats *st)
{
    if (!lim) lim = &default_limits;
    /* the scanner's stack has LIM_RESP_DEPTH_MAX levels, whatever lim says */
    unsigned max_depth = lim->max_depth < LIM_RESP_DEPTH_MAX ? lim->max_depth : LIM_RESP_DEPTH_MAX;
    if (!sc->active || sc->off > len) {
        memset(sc, 0, sizeof *sc);
        sc->active = true;
        sc->left[0] = 1;
    }
    struct cursor c = cur_init(p, len);
    c.off = sc->off;
    uint64_t *left = sc->left;   /* values still owed by each open aggregate */
    while (sc->depth > 0 || left[0] > 0) {
        if (left[sc->depth] == 0) { sc->depth--; continue; }
        /* where this element starts: NEED_MORE resumes from here */
        unsigned at_depth = sc->depth;
        uint64_t at_left = left[sc->depth], at_elems = sc->elems;
        size_t at_off = c.off;
        left[sc->depth]--;
        if (++sc->elems > lim->max_elems) {
            if (st) st->elems_capped++;
            sc->active = false;
            return pr(PARSE_ERROR, 0, 0);
        }
        struct parse_result res = pr(PARSE_NEED_MORE, 0, 1);
        bool more = false;
        if (!cur_has(&c, 1)) { more = true; goto need; }
        uint8_t t = cur_u8(&c);
        if (!is_type(t)) goto bad;
        struct bytes line;
        int lr = take_line(&c, &line, lim->max_line);
        if (lr == LINE_MORE) { more = true; goto need; }
        if (lr == LINE_TOO_LONG && st) st->line_capped++;
        if (lr != LINE_OK) goto bad;
        int64_t n = 0;
        switch (t) {
        case '$': case '!': case '=':
            if (!line_int(line, &n) || n < -1 || n > (int64_t)RESP_BULK_MAX) goto bad;
            if (n == -1) break;
            if (!cur_has(&c, (size_t)n + 2)) {
                res.needed = (size_t)n + 2 - cur_left(&c);
                more = true;
                goto need;
            }
            cur_skip(&c, (size_t)n);
            if (cur_u8(&c) != '\r' || cur_u8(&c) != '\n') goto bad;
            break;
        case '*': case '~': case '>': case '%': case '|':
            if (!line_int(line, &n) || n < -1) goto bad;
            if (n > 0 && (uint64_t)n > lim->max_elems - sc->elems) {
                if (st) st->elems_capped++;
                goto bad;
            }
            if (n <= 0) break;
            if (sc->depth + 1 > max_depth) {
                if (st) st->depth_capped++;
                goto bad;
            }
            /* a map owes two values per entry; an attribute also precedes one more value */
            left[++sc->depth] = (uint64_t)n * (t == '%' || t == '|' ? 2 : 1);
            if (t == '|') left[sc->depth - 1]++;
            break;
        case ':': case '(':
            if (!line_int(line, &n) && t == ':') goto bad;
            break;
        default: break;   /* + - _ # , carry their value in the line */
        }
        continue;
    need:
        (void)more;
        sc->depth = at_depth;
        left[at_depth] = at_left;
        sc->elems = at_elems;
        sc->off = at_off;
        return res;
    bad:
        sc->active = false;
        return pr(PARSE_ERROR, 0, 0);
    }
    sc->active = false;
    return pr(PARSE_OK, c.off, 0);
}

struct parse_result resp_scan(const uint8_t *p, size_t len, const struct resp_limits *lim,
                              struct resp_scan_stats *st)
{
    struct resp_scanner sc;
    sc.active = false;
    return resp_scan_more(&sc, p, len, lim, st);
}

/* A command line or argument past the line cap: counted, not RESP. */
static struct parse_result line_capped(struct resp_scan_stats *st)
{
    if (st) st->line_capped++;
    return pr(PARSE_ERROR, 0, 0);
}

struct parse_result resp_parse_cmd(const uint8_t *p, size_t len, const struct resp_limits *lim,
                                   struct resp_cmd *cmd, struct resp_scan_stats *st)
{
    if (!lim) lim = &default_limits;
    memset(cmd, 0, sizeof *cmd);
    struct cursor c = cur_init(p, len);
    struct bytes line;
    if (!len) return pr(PARSE_NEED_MORE, 0, 1);
    if (p[0] != '*') {
        /* inline: words separated by blanks, one line (a bare LF ends it too) */
        bool capped;
        size_t win = line_window(len, lim->max_line, &capped);
        const uint8_t *nl = memchr(p, '\n', win);
        if (!nl) return capped ? line_capped(st) : pr(PARSE_NEED_MORE, 0, 1);
        size_t e = (size_t)(nl - p);
        size_t used = e + 1;
        if (e && p[e - 1] == '\r') e--;
        if (e > lim->max_line) return line_capped(st);
        cmd->inl = true;
        size_t i = 0;
        while (i < e) {
            while (i < e && (p[i] == ' ' || p[i] == '\t')) i++;
            size_t s = i;
            while (i < e && p[i] != ' ' && p[i] != '\t') i++;
            if (i > s) {
                if (cmd->nargs < RESP_MAX_ARGS) cmd->arg[cmd->nargs] = bytes_of(p + s, i - s);
                cmd->nargs++;
            }
        }
        return pr(PARSE_OK, used, 0);
    }
    cur_skip(&c, 1);
    int lr = take_line(&c, &line, lim->max_line);
    if (lr == LINE_MORE) return pr(PARSE_NEED_MORE, 0, 1);
    if (lr == LINE_TOO_LONG) return line_capped(st);
    int64_t n;
    if (lr != LINE_OK || !line_int(line, &n) || n < 0) return pr(PARSE_ERROR, 0, 0);
    if ((uint64_t)n > lim->max_elems) {
        if (st) st->elems_capped++;
        return pr(PARSE_ERROR, 0, 0);
    }
    for (int64_t i = 0; i < n; i++) {
        if (!cur_has(&c, 1)) return pr(PARSE_NEED_MORE, 0, 1);
        if (cur_u8(&c) != '$') return pr(PARSE_ERROR, 0, 0);
        lr = take_line(&c, &line, lim->max_line);
        if (lr == LINE_MORE) return pr(PARSE_NEED_MORE, 0, 1);
        if (lr == LINE_TOO_LONG) return line_capped(st);
        int64_t bl;
        if (lr != LINE_OK || !line_int(line, &bl) || bl < 0 || bl > (int64_t)RESP_BULK_MAX) return pr(PARSE_ERROR, 0, 0);
        if (!cur_has(&c, (size_t)bl + 2)) return pr(PARSE_NEED_MORE, 0, (size_t)bl + 2 - cur_left(&c));
        const uint8_t *a = cur_take(&c, (size_t)bl);
        if (cur_u8(&c) != '\r' || cur_u8(&c) != '\n') return pr(PARSE_ERROR, 0, 0);
        if (i < (int64_t)RESP_MAX_ARGS) cmd->arg[i] = bytes_of(a, (size_t)bl);
    }
    cmd->nargs = (uint64_t)n;
    return pr(PARSE_OK, c.off, 0);
}

bool resp_is_error(const uint8_t *p, size_t len, struct bytes *msg)
{
    struct cursor c = cur_init(p, len);
    uint8_t t = cur_u8(&c);
    struct bytes line;
    if (!cur_ok(&c) || (t != '-' && t != '!') || take_line(&c, &line, LINE_ANY) != LINE_OK) return false;
    if (t == '-') { *msg = line; return true; }
    int64_t n;
    if (!line_int(line, &n) || n < 0) return false;
    const uint8_t *s = cur_take(&c, (size_t)n);
    if (!s) return false;
    *msg = bytes_of(s, (size_t)n);
    return true;
}

/* ---- rendering ---- */

/* Does b hold a JSON object or array: first and last non-blank bytes
 * match and brackets outside strings balance? Then it is embedded raw. */
static bool looks_json(struct bytes b)
{
    b = bytes_trim(b);
    if (b.len < 2 || !((b.p[0] == '{' && b.p[b.len - 1] == '}') || (b.p[0] == '[' && b.p[b.len - 1] == ']')))
        return false;
    long depth = 0;
    bool str = false, esc = false;
    for (size_t i = 0; i < b.len; i++) {
        uint8_t ch = b.p[i];
        if (str) {
            if (esc) esc = false;
            else if (ch == '\\') esc = true;
            else if (ch == '"') str = false;
            else if (ch < 0x20) return false;
            continue;
        }
        if (ch == '"') str = true;
        else if (ch == '{' || ch == '[') depth++;
        else if (ch == '}' || ch == ']') { if (--depth < 0) return false; if (depth == 0 && i + 1 != b.len) return false; }
    }
    return depth == 0 && !str;
}

/* Skipping parts of a value already scanned whole: only the depth stack
 * bounds it. */
static const struct resp_limits any_value = { LIM_RESP_DEPTH_MAX, UINT64_MAX, LINE_ANY };

struct rr {
    struct cursor c;
    struct wjson *w;
    const struct bytes *names;   /* RESP_R_NAMED */
    size_t nnames;
};

static void render_value(struct rr *r, unsigned depth, enum resp_render_mode mode, bool as_key);

/* Render n values; pairs: as an object of key/value. */
static void render_seq(struct rr *r, uint64_t n, unsigned depth, bool pairs, enum resp_render_mode inner)
{
    wj_lit(r->w, pairs ? "{" : "[");
    for (uint64_t i = 0; i < n && cur_ok(&r->c); i++) {
        if (i) wj_lit(r->w, pairs && (i & 1) ? ":" : ",");
        render_value(r, depth + 1, inner, pairs && !(i & 1));
    }
    if (pairs && (n & 1)) wj_lit(r->w, ":null");
    wj_lit(r->w, pairs ? "}" : "]");
}

/* One value. as_key: it is an object key, so always a quoted string. */
static void render_value(struct rr *r, unsigned depth, enum resp_render_mode mode, bool as_key)
{
    uint8_t t = cur_u8(&r->c);
    struct bytes line;
    if (!cur_ok(&r->c) || take_line(&r->c, &line, LINE_ANY) != LINE_OK || depth > LIM_RESP_DEPTH_MAX) {
        r->c.err = true;
        wj_lit(r->w, as_key ? "\"\"" : "null");
        return;
    }
    int64_t n = 0;
    switch (t) {
    case '$': case '!': case '=': {
        if (!line_int(line, &n) || n < 0) { wj_lit(r->w, as_key ? "\"\"" : "null"); return; }
        const uint8_t *s = cur_take(&r->c, (size_t)n);
        cur_skip(&r->c, 2);
        if (!s) { wj_lit(r->w, "null"); return; }
        struct bytes v = bytes_of(s, (size_t)n);
        if (t == '=' && v.len >= 4) v = bytes_of(v.p + 4, v.len - 4);   /* "txt:" */
        if (t == '!' && !as_key) { wj_lit(r->w, "{\"error\":"); wj_str(r->w, v.p, v.len); wj_lit(r->w, "}"); }
        else if (!as_key && looks_json(v)) wj_raw(r->w, v.p, v.len);
        else wj_str(r->w, v.p, v.len);
        return;
    }
    case '*': case '~': case '>': case '%': case '|': {
        if (!line_int(line, &n) || n < 0) { wj_lit(r->w, as_key ? "\"\"" : "null"); return; }
        if (t == '|') {   /* attributes: skip them, render the value they annotate */
            struct rr skip = *r;
            for (int64_t i = 0; i < 2 * n; i++) {
                struct parse_result pres = resp_scan(cur_ptr(&skip.c), cur_left(&skip.c), &any_value, NULL);
                if (pres.status != PARSE_OK) { r->c.err = true; return; }
                cur_skip(&skip.c, pres.consumed);
            }
            r->c = skip.c;
            render_value(r, depth, mode, as_key);
            return;
        }
        if (as_key) {   /* an aggregate as a map key: keep its text out, name it */
            wj_lit(r->w, "\"\"");
            for (int64_t i = 0; i < n * (t == '%' ? 2 : 1); i++) {
                struct parse_result q = resp_scan(cur_ptr(&r->c), cur_left(&r->c), &any_value, NULL);
                if (q.status != PARSE_OK) { r->c.err = true; return; }
                cur_skip(&r->c, q.consumed);
            }
            return;
        }
        if (t == '%') { render_seq(r, (uint64_t)n * 2, depth, true, RESP_R_PLAIN); return; }
        if (mode == RESP_R_PAIRS) { render_seq(r, (uint64_t)n, depth, true, RESP_R_PLAIN); return; }
        if (mode == RESP_R_NAMED && depth == 0) {
            wj_lit(r->w, "{");
            for (int64_t i = 0; i < n && cur_ok(&r->c); i++) {
                if (i) wj_lit(r->w, ",");
                if ((uint64_t)i < r->nnames) {
                    wj_str(r->w, r->names[i].p, r->names[i].len);
                } else {
                    wj_lit(r->w, "\"");
                    wj_i64(r->w, i);
                    wj_lit(r->w, "\"");
                }
                wj_lit(r->w, ":");
                render_value(r, depth + 1, RESP_R_PLAIN, false);
            }
            wj_lit(r->w, "}");
            return;
        }
        if (mode == RESP_R_STREAM && depth == 0) {
            /* [[id, [f, v, ...]], ...] -> {"id": {"f": v}, ...} */
            wj_lit(r->w, "{");
            for (int64_t i = 0; i < n && cur_ok(&r->c); i++) {
                if (i) wj_lit(r->w, ",");
                uint8_t et = cur_peek_u8(&r->c, 0);
                if (et != '*') { render_value(r, depth + 1, RESP_R_PLAIN, true); wj_lit(r->w, ":null"); continue; }
                cur_u8(&r->c);
                struct bytes el;
                int64_t en = 0;
                if (take_line(&r->c, &el, LINE_ANY) != LINE_OK || !line_int(el, &en) || en != 2) { r->c.err = true; break; }
                render_value(r, depth + 2, RESP_R_PLAIN, true);
                wj_lit(r->w, ":");
                render_value(r, depth + 2, RESP_R_PAIRS, false);
            }
            wj_lit(r->w, "}");
            return;
        }
        render_seq(r, (uint64_t)n, depth, false, mode == RESP_R_PAIRS ? RESP_R_PLAIN : mode);
        return;
    }
    case '-':
        if (as_key) { wj_str(r->w, line.p, line.len); return; }
        wj_lit(r->w, "{\"error\":");
        wj_str(r->w, line.p, line.len);
        wj_lit(r->w, "}");
        return;
    case '_': wj_lit(r->w, as_key ? "\"\"" : "null"); return;
    case '#':
        if (as_key) wj_str(r->w, line.p, line.len);
        else wj_lit(r->w, line.len == 1 && line.p[0] == 't' ? "true" : "false");
        return;
    case ':': case '(':
        if (!as_key && line_int(line, &n)) { wj_raw(r->w, line.p, line.len); return; }
        wj_str(r->w, line.p, line.len);
        return;
    default:   /* '+' ',' */
        wj_str(r->w, line.p, line.len);
        return;
    }
}

void resp_render(const uint8_t *p, size_t len, enum resp_render_mode mode, struct bytes wrap_key, struct wjson *w)
{
    struct rr r = { cur_init(p, len), w, NULL, 0 };
    if (wrap_key.len) {
        wj_lit(w, "{");
        wj_str(w, wrap_key.p, wrap_key.len);
        wj_lit(w, ":");
    }
    render_value(&r, 0, mode, false);
    if (wrap_key.len) wj_lit(w, "}");
}

void resp_render_named(const uint8_t *p, size_t len, const struct bytes *names, size_t n, struct wjson *w)
{
    struct rr r = { cur_init(p, len), w, names, n };
    render_value(&r, 0, RESP_R_NAMED, false);
}
