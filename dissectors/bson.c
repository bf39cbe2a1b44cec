/* bson.c -- bounds-checked BSON walking and rendering as JSON (bson.h).
 * Spec: https://bsonspec.org/spec.html; extended JSON forms:
 * https://www.mongodb.com/docs/manual/reference/mongodb-extended-json/
 */
#include "bson.h"
#include "wire_json.h"

#include <stdio.h>
#include <string.h>

uint32_t bson_doc_len(const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    uint32_t n = cur_le32(&c);
    if (!cur_ok(&c) || n < BSON_MIN_DOC || n > INT32_MAX) return 0;
    return n;
}

bool bson_iter_init(struct bson_iter *it, const uint8_t *p, size_t len)
{
    uint32_t n = bson_doc_len(p, len);
    it->err = true;
    it->c = cur_init(p, 0);
    if (!n || n > len || p[n - 1] != 0) return false;
    it->c = cur_init(p + 4, n - 5);
    it->err = false;
    return true;
}

/* A cstring at the cursor: the view without its NUL. */
static bool take_cstring(struct cursor *c, struct bytes *out)
{
    size_t left = cur_left(c);
    const uint8_t *s = cur_ptr(c);
    const uint8_t *z = left ? memchr(s, 0, left) : NULL;
    if (!z) { c->err = true; return false; }
    *out = bytes_of(s, (size_t)(z - s));
    cur_skip(c, (size_t)(z - s) + 1);
    return true;
}

/* A BSON string: int32 length (NUL included, >= 1), bytes, NUL. */
static bool take_string(struct cursor *c, struct bytes *out)
{
    uint32_t n = cur_le32(c);
    if (!cur_ok(c) || n < 1 || n > cur_left(c)) { c->err = true; return false; }
    const uint8_t *s = cur_take(c, n);
    if (!s || s[n - 1] != 0) { c->err = true; return false; }
    *out = bytes_of(s, n - 1);
    return true;
}

int bson_iter_next(struct bson_iter *it, struct bson_elem *e)
{
    if (it->err) return -1;
    struct cursor *c = &it->c;
    if (!cur_left(c)) return 0;
    memset(e, 0, sizeof *e);
    e->type = cur_u8(c);
    if (!take_cstring(c, &e->key)) goto bad;
    size_t start = c->off;
    struct bytes tmp;
    switch (e->type) {
    case BSON_DOUBLE: case BSON_DATETIME: case BSON_TIMESTAMP: case BSON_INT64:
        cur_skip(c, 8); break;
    case BSON_STRING: case BSON_CODE: case BSON_SYMBOL:
        if (!take_string(c, &e->str)) goto bad;
        break;
    case BSON_DOC: case BSON_ARRAY: {
        uint32_t n = bson_doc_len(cur_ptr(c), cur_left(c));
        if (!n || n > cur_left(c) || cur_ptr(c)[n - 1] != 0) goto bad;
        cur_skip(c, n);
        break;
    }
    case BSON_BINARY: {
        uint32_t n = cur_le32(c);
        if (!cur_ok(c) || n > INT32_MAX) goto bad;
        cur_skip(c, (size_t)n + 1);
        break;
    }
    case BSON_UNDEFINED: case BSON_NULL: case BSON_MINKEY: case BSON_MAXKEY: break;
    case BSON_OID: cur_skip(c, 12); break;
    case BSON_BOOL: cur_skip(c, 1); break;
    case BSON_REGEX:
        if (!take_cstring(c, &tmp) || !take_cstring(c, &tmp)) goto bad;
        break;
    case BSON_DBPOINTER:
        if (!take_string(c, &e->str)) goto bad;
        cur_skip(c, 12);
        break;
    case BSON_CODE_W_SCOPE: {
        uint32_t n = cur_le32(c);
        if (!cur_ok(c) || n < 14 || n - 4 > cur_left(c)) goto bad;
        cur_skip(c, n - 4);
        break;
    }
    case BSON_INT32: cur_skip(c, 4); break;
    case BSON_DECIMAL128: cur_skip(c, 16); break;
    default: goto bad;
    }
    if (!cur_ok(c)) goto bad;
    e->value = bytes_of(c->p + start, c->off - start);
    return 1;
bad:
    it->err = true;
    return -1;
}

bool bson_find(const uint8_t *p, size_t len, const char *key, struct bson_elem *e)
{
    struct bson_iter it;
    if (!bson_iter_init(&it, p, len)) return false;
    while (bson_iter_next(&it, e) == 1)
        if (bytes_eq(e->key, key)) return true;
    return false;
}

static uint64_t le64(const uint8_t *b)
{
    struct cursor c = cur_init(b, 8);
    return cur_le64(&c);
}

bool bson_elem_int(const struct bson_elem *e, int64_t *v)
{
    const uint8_t *b = e->value.p;
    switch (e->type) {
    case BSON_INT32: {
        struct cursor c = cur_init(b, e->value.len);
        *v = (int32_t)cur_le32(&c);
        return cur_ok(&c);
    }
    case BSON_INT64:
        if (e->value.len < 8) return false;
        *v = (int64_t)le64(b);
        return true;
    case BSON_DOUBLE: {
        if (e->value.len < 8) return false;
        uint64_t u = le64(b);
        double d;
        memcpy(&d, &u, sizeof d);
        if (!(d > -9.2e18 && d < 9.2e18)) return false;
        *v = (int64_t)d;
        return true;
    }
    case BSON_BOOL:
        if (e->value.len < 1) return false;
        *v = b[0] != 0;
        return true;
    default: return false;
    }
}

bool bson_elem_true(const struct bson_elem *e)
{
    int64_t v;
    if (e->type == BSON_DOUBLE && e->value.len == 8) {
        uint64_t u = le64(e->value.p);
        double d;
        memcpy(&d, &u, sizeof d);
        return d != 0;
    }
    return bson_elem_int(e, &v) && v != 0;
}

/* ---- rendering ---- */

struct rctx {
    struct wjson *w;           /* NULL: validate only */
    const struct bson_limits *lim;
    struct bson_stats *st;
    bool cut;                  /* element cap reached: stop emitting */
    bool bad;
};

static void out_lit(struct rctx *r, const char *s) { if (r->w) wj_lit(r->w, s); }
static void out_str(struct rctx *r, struct bytes b) { if (r->w) wj_str(r->w, b.p, b.len); }

static void out_hex(struct rctx *r, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char b[64];
    for (size_t i = 0; i < n && i < 32; i++) {
        b[2 * i] = hex[p[i] >> 4];
        b[2 * i + 1] = hex[p[i] & 15];
    }
    if (r->w) wj_raw(r->w, b, 2 * (n < 32 ? n : 32));
}

static void out_base64(struct rctx *r, const uint8_t *p, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (!r->w) return;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        char q[4] = { a[v >> 18 & 63], a[v >> 12 & 63], i + 1 < n ? a[v >> 6 & 63] : '=', i + 2 < n ? a[v & 63] : '=' };
        wj_raw(r->w, q, 4);
    }
}

static void out_i64(struct rctx *r, int64_t v) { if (r->w) wj_i64(r->w, v); }

static void render_doc(struct rctx *r, const uint8_t *p, size_t len, bool array, unsigned depth);

static void render_value(struct rctx *r, const struct bson_elem *e, unsigned depth)
{
    const uint8_t *b = e->value.p;
    struct cursor c = cur_init(b, e->value.len);
    switch (e->type) {
    case BSON_DOUBLE: {
        uint64_t u = cur_le64(&c);
        double d;
        memcpy(&d, &u, sizeof d);
        if (r->w) wj_double(r->w, d);
        break;
    }
    case BSON_STRING: out_str(r, e->str); break;
    case BSON_CODE: out_lit(r, "{\"$code\":"); out_str(r, e->str); out_lit(r, "}"); break;
    case BSON_SYMBOL: out_lit(r, "{\"$symbol\":"); out_str(r, e->str); out_lit(r, "}"); break;
    case BSON_DOC: case BSON_ARRAY:
        if (depth + 1 >= r->lim->max_depth) {
            r->st->depth_capped++;
            out_lit(r, "null");
        } else {
            render_doc(r, b, e->value.len, e->type == BSON_ARRAY, depth + 1);
        }
        break;
    case BSON_BINARY: {
        uint32_t n = cur_le32(&c);
        uint8_t sub = cur_u8(&c);
        const uint8_t *d = cur_take(&c, n);
        if (!d) { r->bad = true; out_lit(r, "null"); break; }
        if (sub == 0 || sub == 0x80) {
            /* generic binary: the text inside is what a leak shows; keep it readable */
            out_lit(r, "{\"$binary\":{\"text\":");
            out_str(r, bytes_of(d, n));
        } else {
            out_lit(r, "{\"$binary\":{\"base64\":\"");
            out_base64(r, d, n);
            out_lit(r, "\"");
        }
        char s[40];
        snprintf(s, sizeof s, ",\"subType\":\"%02x\"}}", sub);
        out_lit(r, s);
        break;
    }
    case BSON_UNDEFINED: out_lit(r, "{\"$undefined\":true}"); break;
    case BSON_OID: out_lit(r, "{\"$oid\":\""); out_hex(r, b, 12); out_lit(r, "\"}"); break;
    case BSON_BOOL: out_lit(r, b[0] ? "true" : "false"); break;
    case BSON_DATETIME:
        out_lit(r, "{\"$date\":{\"$numberLong\":\"");
        out_i64(r, (int64_t)cur_le64(&c));
        out_lit(r, "\"}}");
        break;
    case BSON_NULL: out_lit(r, "null"); break;
    case BSON_REGEX: {
        struct bytes pat, opt;
        take_cstring(&c, &pat);
        take_cstring(&c, &opt);
        out_lit(r, "{\"$regularExpression\":{\"pattern\":");
        out_str(r, pat);
        out_lit(r, ",\"options\":");
        out_str(r, opt);
        out_lit(r, "}}");
        break;
    }
    case BSON_DBPOINTER:
        out_lit(r, "{\"$dbPointer\":{\"$ref\":");
        out_str(r, e->str);
        out_lit(r, ",\"$id\":{\"$oid\":\"");
        out_hex(r, b + e->value.len - 12, 12);
        out_lit(r, "\"}}}");
        break;
    case BSON_CODE_W_SCOPE: {
        struct bytes code;
        cur_le32(&c);
        if (!take_string(&c, &code)) { r->bad = true; out_lit(r, "null"); break; }
        out_lit(r, "{\"$code\":");
        out_str(r, code);
        out_lit(r, ",\"$scope\":");
        if (depth + 1 >= r->lim->max_depth) { r->st->depth_capped++; out_lit(r, "null"); }
        else render_doc(r, cur_ptr(&c), cur_left(&c), false, depth + 1);
        out_lit(r, "}");
        break;
    }
    case BSON_INT32: out_i64(r, (int32_t)cur_le32(&c)); break;
    case BSON_TIMESTAMP: {
        uint32_t inc = cur_le32(&c), t = cur_le32(&c);
        char s[64];
        snprintf(s, sizeof s, "{\"$timestamp\":{\"t\":%u,\"i\":%u}}", t, inc);
        out_lit(r, s);
        break;
    }
    case BSON_INT64: out_i64(r, (int64_t)cur_le64(&c)); break;
    case BSON_DECIMAL128:
        /* the digits are not decoded: the raw 16 bytes, little-endian, as hex */
        out_lit(r, "{\"$numberDecimal\":\"0x");
        out_hex(r, b, 16);
        out_lit(r, "\"}");
        break;
    case BSON_MINKEY: out_lit(r, "{\"$minKey\":1}"); break;
    case BSON_MAXKEY: out_lit(r, "{\"$maxKey\":1}"); break;
    default: out_lit(r, "null"); break;
    }
}

/* depth is the level of this document (the top one is 0), always < max_depth:
 * recursion is bounded by the cap. */
static void render_doc(struct rctx *r, const uint8_t *p, size_t len, bool array, unsigned depth)
{
    struct bson_iter it;
    out_lit(r, array ? "[" : "{");
    if (!bson_iter_init(&it, p, len)) {
        r->bad = true;
        out_lit(r, array ? "]" : "}");
        return;
    }
    struct bson_elem e;
    bool first = true;
    int rc;
    while (!r->cut && (rc = bson_iter_next(&it, &e)) == 1) {
        if (r->st->elems >= r->lim->max_elems) {
            r->cut = true;
            break;
        }
        r->st->elems++;
        if (!first) out_lit(r, ",");
        first = false;
        if (!array) {
            out_str(r, e.key);
            out_lit(r, ":");
        }
        render_value(r, &e, depth);
    }
    if (it.err) r->bad = true;
    out_lit(r, array ? "]" : "}");
}

static int walk(const uint8_t *p, size_t len, struct wjson *w, const struct bson_limits *lim,
                struct bson_stats *st)
{
    struct bson_limits dl = { LIM_BSON_MAX_DEPTH, LIM_BSON_MAX_ELEMS };
    struct bson_stats dummy;
    if (!lim) lim = &dl;
    if (lim->max_depth > LIM_BSON_DEPTH_MAX) {   /* the recursion stays this shallow whatever the caller asks */
        dl.max_depth = LIM_BSON_DEPTH_MAX;
        dl.max_elems = lim->max_elems;
        lim = &dl;
    }
    if (!st) { memset(&dummy, 0, sizeof dummy); st = &dummy; }
    struct rctx r = { w, lim, st, false, false };
    uint64_t depth_before = st->depth_capped;
    uint64_t start = st->elems;
    st->elems = 0;   /* the element cap is per call */
    if (lim->max_depth == 0) {
        st->depth_capped++;
        out_lit(&r, "null");
    } else {
        render_doc(&r, p, len, false, 0);
    }
    st->elems += start;
    if (r.cut) st->elems_capped++;
    if (r.bad) { st->malformed++; return -1; }
    return (r.cut || st->depth_capped != depth_before) ? 1 : 0;
}

int bson_to_json(const uint8_t *p, size_t len, struct wjson *w, const struct bson_limits *lim,
                 struct bson_stats *st)
{
    return walk(p, len, w, lim, st);
}

int bson_validate(const uint8_t *p, size_t len, const struct bson_limits *lim, struct bson_stats *st)
{
    return walk(p, len, NULL, lim, st);
}
