/* report_json.c -- a small JSON reader for alert lines (see report.h).
 *
 * Recursive descent over a struct cursor; every read is bounds-checked and a
 * fault anywhere (bad token, depth past RJ_MAX_DEPTH, out of memory) makes
 * the whole parse fail. Strings are decoded (\uXXXX with surrogate pairs to
 * UTF-8; an unpaired surrogate becomes U+FFFD). Not for the packet path: the
 * report runs offline and allocates per value.
 */
#include "report.h"
#include "cursor.h"
#include <stdlib.h>
#include <string.h>

struct rjp {
    struct cursor c;
    int depth;
};

static void skip_ws(struct rjp *p)
{
    while (cur_left(&p->c)) {
        uint8_t b = cur_peek_u8(&p->c, 0);
        if (b != ' ' && b != '\t' && b != '\r' && b != '\n') return;
        cur_skip(&p->c, 1);
    }
}

static bool lit(struct rjp *p, const char *word)
{
    size_t n = strlen(word);
    const uint8_t *w = cur_take(&p->c, n);
    return w && memcmp(w, word, n) == 0;
}

static int hex4(struct rjp *p, unsigned *out)
{
    const uint8_t *h = cur_take(&p->c, 4);
    if (!h) return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t b = h[i];
        v <<= 4;
        if (b >= '0' && b <= '9') v |= (unsigned)(b - '0');
        else if (b >= 'a' && b <= 'f') v |= (unsigned)(b - 'a' + 10);
        else if (b >= 'A' && b <= 'F') v |= (unsigned)(b - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | (cp >> 6 & 63)); o[2] = (char)(0x80 | (cp & 63));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | (cp >> 12 & 63));
    o[2] = (char)(0x80 | (cp >> 6 & 63)); o[3] = (char)(0x80 | (cp & 63));
    return 4;
}

/* After the opening quote: the decoded string (malloc'd), or NULL. */
static char *string(struct rjp *p)
{
    /* the decoded form is never longer than the raw one (\uXXXX: 6 bytes -> at most 3,
     * a pair: 12 -> 4), so size the buffer by the raw bytes up to the closing quote */
    size_t raw = 0;
    for (;;) {
        if (raw >= cur_left(&p->c)) return NULL;
        uint8_t b = cur_peek_u8(&p->c, raw);
        if (b == '"') break;
        raw += b == '\\' ? 2 : 1;
    }
    char *s = malloc(raw + 1);
    if (!s) return NULL;
    size_t o = 0;
    for (;;) {
        uint8_t b = cur_u8(&p->c);
        if (!cur_ok(&p->c) || b < 0x20) goto bad;
        if (b == '"') break;
        if (b != '\\') { s[o++] = (char)b; continue; }
        uint8_t e = cur_u8(&p->c);
        unsigned cp;
        switch (e) {
        case '"': case '\\': case '/': s[o++] = (char)e; break;
        case 'b': s[o++] = '\b'; break;
        case 'f': s[o++] = '\f'; break;
        case 'n': s[o++] = '\n'; break;
        case 'r': s[o++] = '\r'; break;
        case 't': s[o++] = '\t'; break;
        case 'u':
            if (hex4(p, &cp) < 0) goto bad;
            if (cp >= 0xD800 && cp < 0xDC00 && cur_left(&p->c) >= 6 && cur_peek_u8(&p->c, 0) == '\\' &&
                cur_peek_u8(&p->c, 1) == 'u') {
                struct cursor save = p->c;
                unsigned lo;
                cur_skip(&p->c, 2);
                if (hex4(p, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                else p->c = save;
            }
            if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
            o += put_utf8(s + o, cp);
            break;
        default: goto bad;
        }
    }
    s[o] = 0;
    return s;
bad:
    free(s);
    return NULL;
}

static struct rj *value(struct rjp *p);

static int number(struct rjp *p, struct rj *v)
{
    char buf[64];
    size_t n = 0;
    while (cur_left(&p->c) && n < sizeof buf - 1) {
        uint8_t b = cur_peek_u8(&p->c, 0);
        if (!((b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E')) break;
        buf[n++] = (char)b;
        cur_skip(&p->c, 1);
    }
    buf[n] = 0;
    char *end;
    v->num = strtod(buf, &end);
    return n && *end == 0 ? 0 : -1;
}

/* Members or elements up to the closing bracket; obj: "key": value pairs. */
static int members(struct rjp *p, struct rj *v, bool obj)
{
    uint8_t close = obj ? '}' : ']';
    struct rj **tail = &v->child;
    skip_ws(p);
    if (cur_left(&p->c) && cur_peek_u8(&p->c, 0) == close) { cur_skip(&p->c, 1); return 0; }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (obj) {
            if (cur_u8(&p->c) != '"' || !(key = string(p))) return -1;
            skip_ws(p);
            if (cur_u8(&p->c) != ':') { free(key); return -1; }
        }
        struct rj *m = value(p);
        if (!m) { free(key); return -1; }
        m->key = key;
        *tail = m;
        tail = &m->next;
        skip_ws(p);
        uint8_t b = cur_u8(&p->c);
        if (!cur_ok(&p->c)) return -1;
        if (b == close) return 0;
        if (b != ',') return -1;
    }
}

static struct rj *value(struct rjp *p)
{
    skip_ws(p);
    if (!cur_left(&p->c) || p->depth >= RJ_MAX_DEPTH) return NULL;
    struct rj *v = calloc(1, sizeof *v);
    if (!v) return NULL;
    uint8_t b = cur_peek_u8(&p->c, 0);
    int rc = 0;
    if (b == '{' || b == '[') {
        cur_skip(&p->c, 1);
        v->type = b == '{' ? RJ_OBJ : RJ_ARR;
        p->depth++;
        rc = members(p, v, b == '{');
        p->depth--;
    } else if (b == '"') {
        cur_skip(&p->c, 1);
        v->type = RJ_STR;
        rc = (v->str = string(p)) ? 0 : -1;
    } else if (b == 't' || b == 'f') {
        v->type = RJ_BOOL;
        v->num = b == 't';
        rc = lit(p, b == 't' ? "true" : "false") ? 0 : -1;
    } else if (b == 'n') {
        v->type = RJ_NULL;
        rc = lit(p, "null") ? 0 : -1;
    } else {
        v->type = RJ_NUM;
        rc = number(p, v);
    }
    if (rc < 0) {
        rj_free(v);
        return NULL;
    }
    return v;
}

struct rj *rj_parse(const char *text, size_t len)
{
    struct rjp p = { cur_init((const uint8_t *)text, len), 0 };
    struct rj *v = value(&p);
    if (!v) return NULL;
    skip_ws(&p);
    if (cur_left(&p.c) || !cur_ok(&p.c)) {
        rj_free(v);
        return NULL;
    }
    return v;
}

void rj_free(struct rj *v)
{
    while (v) {
        struct rj *next = v->next;
        rj_free(v->child);
        free(v->key);
        free(v->str);
        free(v);
        v = next;
    }
}

const struct rj *rj_get(const struct rj *v, const char *path)
{
    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (v->type != RJ_OBJ) return NULL;
        const struct rj *m = v->child;
        while (m && !(m->key && strlen(m->key) == n && memcmp(m->key, path, n) == 0)) m = m->next;
        v = m;
        path += n + (dot ? 1 : 0);
    }
    return v;
}

const char *rj_str(const struct rj *v, const char *path, const char *dflt)
{
    const struct rj *m = rj_get(v, path);
    return m && m->type == RJ_STR ? m->str : dflt;
}

double rj_num(const struct rj *v, const char *path, double dflt)
{
    const struct rj *m = rj_get(v, path);
    return m && m->type == RJ_NUM ? m->num : dflt;
}
