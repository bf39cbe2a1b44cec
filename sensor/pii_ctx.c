/* pii_ctx.c -- the streaming structure tokenizers (JSON, CSV, XML, lines).
 * Field names are classified by pii_keys.c, documents sniffed by
 * pii_sniff.c. */
#include "pii_ctx.h"

#include <string.h>

#include <xxhash.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline bool is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* ---- common ---- */

static inline bool scalar_end(uint8_t c) { return c == ',' || c == '}' || c == ']' || is_ws(c); }

#if defined(__SSE2__)
/* Bit j set when byte j of v is c. */
static inline unsigned eq16(__m128i v, char c) { return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c))); }
static inline unsigned ws16(__m128i v) { return eq16(v, ' ') | eq16(v, '\n') | eq16(v, '\r') | eq16(v, '\t'); }
#endif

static inline uint64_t ld64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* The low n bytes of a word (all of it from 8 on). */
static inline uint64_t low_bytes(size_t n) { return n >= 8 ? ~0ull : (1ull << (n * 8)) - 1; }

/* Field names repeat (every record has the same keys): remember a few.
 * avail: bytes that may be read at key (at least len). */
static uint8_t tok_key_class(struct pii_tok *t, const uint8_t *key, size_t len, size_t avail)
{
    if (t->kc && len > 0 && len < PII_KEYCACHE_LEN) {
        /* the name as three zero-padded words: one multiply-mix hash and
         * three word compares, no byte loop. Whole-word loads when 24 bytes
         * may be read (no byte copy to wait for) */
        uint64_t w[3] = {0, 0, 0};
        if (avail >= PII_KEYCACHE_LEN) {
            w[0] = ld64(key) & low_bytes(len);
            w[1] = len > 8 ? ld64(key + 8) & low_bytes(len - 8) : 0;
            w[2] = len > 16 ? ld64(key + 16) & low_bytes(len - 16) : 0;
        } else {
            memcpy(w, key, len);
        }
        uint64_t h = (w[0] * 0x9E3779B97F4A7C15ull) ^ (w[1] * 0xC2B2AE3D27D4EB4Full) ^
                     (w[2] * 0x165667B19E3779F9ull) ^ len;
        h ^= h >> 31;
        h *= 0xD6E8FEB86659FD93ull;
        h ^= h >> 32;
        /* two ways per set: a new name enters the second way and moves to
         * the first when seen again, so a stream of one-off names (package
         * names, versions as keys) only ever replaces one-offs, never the
         * names every record repeats */
        struct pii_keycache *kc = t->kc;
        unsigned set = (unsigned)(h & (PII_KC_SLOTS / 2 - 1)) * 2;
#define KC_SAME(e) ((e).len == len && (e).w[0] == w[0] && (e).w[1] == w[1] && (e).w[2] == w[2])
        if (KC_SAME(kc->e[set])) return kc->e[set].cls;
        if (KC_SAME(kc->e[set + 1])) {
            uint8_t cls = kc->e[set + 1].cls;
            kc->e[set + 1] = kc->e[set];
            kc->e[set].len = (uint8_t)len;
            kc->e[set].cls = cls;
            memcpy(kc->e[set].w, w, sizeof w);
            return cls;
        }
#undef KC_SAME
        uint8_t cls = pii_key_class(t->km, key, len);
        kc->e[set + 1].len = (uint8_t)len;
        kc->e[set + 1].cls = cls;
        memcpy(kc->e[set + 1].w, w, sizeof w);
        return cls;
    }
    if (t->kc && len >= PII_KEYCACHE_LEN && len <= PII_KEY_MAX) {
        /* the same two ways for the longer names (scoped package names,
         * generated columns); a collision only costs a classification */
        struct pii_keycache *kc = t->kc;
        unsigned set = (unsigned)(XXH3_64bits(key, len) & (PII_KCL_SLOTS / 2 - 1)) * 2;
        if (kc->l[set].len == len && memcmp(kc->l[set].k, key, len) == 0) return kc->l[set].cls;
        if (kc->l[set + 1].len == len && memcmp(kc->l[set + 1].k, key, len) == 0) {
            uint8_t cls = kc->l[set + 1].cls;
            kc->l[set + 1] = kc->l[set];
            memcpy(kc->l[set].k, key, len);
            kc->l[set].len = (uint8_t)len;
            kc->l[set].cls = cls;
            return cls;
        }
        uint8_t cls = pii_key_class(t->km, key, len);
        memcpy(kc->l[set + 1].k, key, len);
        kc->l[set + 1].len = (uint8_t)len;
        kc->l[set + 1].cls = cls;
        return cls;
    }
    if (len < sizeof t->cache[0].w) {
        for (int i = 0; i < PII_KEYCACHE; i++)
            if (t->cache[i].w[len] == 0 && memcmp(t->cache[i].w, key, len) == 0 &&
                (len > 0 || t->cache[i].w[0] == 0) && t->cache[i].cls != 0xff)
                return t->cache[i].cls;
    }
    uint8_t cls = pii_key_class(t->km, key, len);
    if (len < sizeof t->cache[0].w && len > 0) {
        int slot = t->cache_next++ % PII_KEYCACHE;
        memcpy(t->cache[slot].w, key, len);
        t->cache[slot].w[len] = 0;
        t->cache[slot].cls = cls;
    }
    return cls;
}

static inline void emit_value(struct pii_tok *t, uint8_t cls, uint64_t start, uint64_t end)
{
    if (cls >= PII_CLS_NAME && end > start && t->emit) t->emit(t->ctx, cls, start, end, t->rec);
}

static inline void key_put(struct pii_tok *t, uint8_t c)
{
    if (t->key_len < PII_KEY_MAX) t->key[t->key_len++] = (char)c;
}

/* ---- JSON / NDJSON ----
 *
 * States: between tokens (0), in a string (1), after a backslash in a string
 * (2), in a bare scalar (3). A string after '{' or ',' in an object is a key.
 * Children of a container inherit its class: the class of the key the
 * container is the value of, so ["+31 6...", ...] under "phones" is phones. */

enum { JS_TOK = 0, JS_STR, JS_ESC, JS_SCALAR };

static inline bool j_in_arr(const struct pii_tok *t, unsigned d)
{
    return d <= t->max_depth && ((t->u.j.is_arr >> d) & 1);
}

/* Class of a value starting now. */
static uint8_t j_value_cls(const struct pii_tok *t)
{
    unsigned d = t->u.j.depth;
    if (d == 0 || d > t->max_depth) return PII_CLS_NONE;   /* past the depth cap: no classes */
    return j_in_arr(t, d) ? t->u.j.cls[d] : t->u.j.key_cls;
}

static void j_value_start(struct pii_tok *t)
{
    if (t->u.j.depth == 0) t->rec++;      /* a top-level value: one document */
}

static void j_open(struct pii_tok *t, bool arr)
{
    uint8_t cls = j_value_cls(t);
    j_value_start(t);
    unsigned d = t->u.j.depth;
    if (!arr && d > 0 && j_in_arr(t, d) && t->u.j.rec_depth == 0) {
        t->rec++;                         /* an object in an array: one record */
        t->u.j.rec_depth = (uint8_t)(d + 1);
    }
    if (d >= t->max_depth) {              /* too deep: count the depth, lose the classes */
        if (d < 255) t->u.j.depth++;      /* saturates: closes past it just end early */
        else t->depth_capped++;
        if (d == t->max_depth) t->depth_capped++;
        return;
    }
    d++;
    t->u.j.depth = (uint8_t)d;
    t->u.j.cls[d] = cls;
    if (arr) t->u.j.is_arr |= 1ull << d; else t->u.j.is_arr &= ~(1ull << d);
    t->u.j.expect_key = !arr;
    t->u.j.key_cls = PII_CLS_NONE;
}

static void j_close(struct pii_tok *t)
{
    unsigned d = t->u.j.depth;
    if (d == 0) return;
    if (t->u.j.rec_depth == d) t->u.j.rec_depth = 0;
    d--;
    t->u.j.depth = (uint8_t)d;
    /* Back in the parent: its current key's class is gone with the value,
     * which is fine: the next key sets it again. */
    t->u.j.key_cls = (d && d < t->max_depth && !j_in_arr(t, d)) ? t->u.j.cls[d + 1] : PII_CLS_NONE;
    t->u.j.expect_key = false;
}

/* A newline after a gap: structure starts over (an NDJSON line). */
static inline void j_resync(struct pii_tok *t)
{
    t->lost = false;
    t->u.j.depth = 0;
    t->u.j.rec_depth = 0;
}

/* A byte between tokens (TOK state, not lost), at absolute offset at. */
static inline void j_token(struct pii_tok *t, uint8_t c, uint64_t at)
{
    switch (c) {
    case '{': j_open(t, false); break;
    case '[': j_open(t, true); break;
    case '}': case ']': j_close(t); break;
    case ',':
        if (t->u.j.depth && !j_in_arr(t, t->u.j.depth)) t->u.j.expect_key = true;
        break;
    case ':': t->u.j.expect_key = false; break;
    case '"':
        t->state = JS_STR;
        t->key_len = 0;
        if (t->u.j.expect_key && t->u.j.depth && !j_in_arr(t, t->u.j.depth)) {
            t->u.j.str_is_key = true;
            t->cls = PII_CLS_NONE;
        } else {
            t->u.j.str_is_key = false;
            t->cls = j_value_cls(t);
            j_value_start(t);
            t->vstart = at + 1;
        }
        break;
    default:
        if (!is_ws(c)) {
            t->state = JS_SCALAR;
            t->cls = j_value_cls(t);
            j_value_start(t);
            t->vstart = at;
        }
    }
}

/* A key's closing quote: the name (avail bytes readable at it) gives the
 * class of the value that follows. */
static inline void j_key_end(struct pii_tok *t, const uint8_t *key, size_t len, size_t avail)
{
    t->state = JS_TOK;
    t->u.j.key_cls = tok_key_class(t, key, len, avail);
    t->u.j.str_is_key = false;
}

/* The closing quote of a string at offset at: a key is classified, a value
 * reported. */
static inline void j_string_end(struct pii_tok *t, uint64_t at)
{
    if (t->u.j.str_is_key) {
        j_key_end(t, (const uint8_t *)t->key, t->key_len, PII_KEY_MAX);
    } else {
        t->state = JS_TOK;
        emit_value(t, t->cls, t->vstart, at);
        t->cls = PII_CLS_NONE;
    }
}

/* A bare scalar ends before offset at (its terminator is a token). */
static inline void j_scalar_end(struct pii_tok *t, uint64_t at)
{
    emit_value(t, t->cls, t->vstart, at);
    t->cls = PII_CLS_NONE;
    t->state = JS_TOK;
}

static void json_feed_bytes(struct pii_tok *t, const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        uint64_t at = t->pos + i;
        switch (t->state) {
        case JS_STR:
            if (!t->u.j.str_is_key) {
                /* Fast path through value text: to the next quote or backslash. */
                const uint8_t *q = memchr(p + i, '"', n - i);
                size_t stop = q ? (size_t)(q - p) : n;
                const uint8_t *bs = memchr(p + i, '\\', stop - i);
                i = bs ? (size_t)(bs - p) : stop;
                if (i == n) continue;
                c = p[i];
                at = t->pos + i;
            }
            if (c == '\\') {
                t->state = JS_ESC;
            } else if (c == '"') {
                j_string_end(t, at);
            } else {
                key_put(t, c);
            }
            i++;
            break;
        case JS_ESC:
            t->state = JS_STR;
            i++;
            break;
        case JS_SCALAR:
            while (i < n && !scalar_end(p[i])) i++;
            if (i == n) continue;
            j_scalar_end(t, t->pos + i);
            continue;                     /* the terminator is handled as a token */
        default:
            i++;
            if (t->lost) {
                if (c == '\n') j_resync(t);
                break;
            }
            j_token(t, c, at);
        }
    }
}

/* The same machine, a run at a time: string bodies to the next quote or
 * backslash, scalars to their terminator and whitespace between tokens
 * are found sixteen bytes a step, and key bytes are copied, not put one by
 * one. Equal to json_feed_bytes on every input and split (test_perf_keys). */

/* Index of the first '"' or '\\' in p[0..n), or n. */
static inline size_t find_str_stop(const uint8_t *p, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        unsigned m = eq16(v, '"') | eq16(v, '\\');
        if (m) return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i < n; i++)
        if (p[i] == '"' || p[i] == '\\') return i;
    return n;
}

/* Index of the first byte that ends a bare scalar, or n. */
static inline size_t find_scalar_end(const uint8_t *p, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        unsigned m = eq16(v, ',') | eq16(v, '}') | eq16(v, ']') | ws16(v);
        if (m) return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i < n; i++)
        if (scalar_end(p[i])) return i;
    return n;
}

/* Index of the first byte that is not whitespace, or n. */
static inline size_t skip_ws(const uint8_t *p, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        unsigned m = ~ws16(_mm_loadu_si128((const __m128i *)(p + i))) & 0xffffu;
        if (m) return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i < n; i++)
        if (!is_ws(p[i])) return i;
    return n;
}

/* After a string's closing quote at i - 1 (between tokens): the usual next
 * tokens, ':' or ',' then (after a space or a newline) the quote of the
 * next string, taken as the machine would take them, without its dispatch.
 * Returns the index reached; the state is JS_STR when a string began. */
static inline size_t j_after_string(struct pii_tok *t, const uint8_t *p, size_t i, size_t n)
{
    if (i + 2 >= n || (p[i] != ':' && p[i] != ',')) return i;
    if (p[i] == ':') j_token(t, ':', t->pos + i);
    else j_token(t, ',', t->pos + i);
    i++;
    if (p[i] == ' ' || p[i] == '\n') i++;
    if (p[i] == '"') {
        j_token(t, '"', t->pos + i);
        i++;
    }
    return i;
}

static void json_feed(struct pii_tok *t, const uint8_t *p, size_t n)
{
    if (t->bytewise) {
        json_feed_bytes(t, p, n);
        return;
    }
    size_t i = 0;
    while (i < n) {
        switch (t->state) {
        case JS_STR:
            do {
                size_t j = i + find_str_stop(p + i, n - i);
                if (t->u.j.str_is_key && t->key_len == 0 && j < n && p[j] == '"') {
                    /* a whole key in this chunk: classified where it lies */
                    j_key_end(t, p + i, j - i < PII_KEY_MAX ? j - i : PII_KEY_MAX, n - i);
                    i = j_after_string(t, p, j + 1, n);
                    continue;
                }
                if (t->u.j.str_is_key && t->key_len < PII_KEY_MAX) {
                    size_t room = PII_KEY_MAX - t->key_len, k = j - i < room ? j - i : room;
                    memcpy(t->key + t->key_len, p + i, k);
                    t->key_len = (uint8_t)(t->key_len + k);
                }
                i = j;
                if (i == n) break;
                if (p[i] == '\\') {
                    t->state = JS_ESC;
                    i++;
                    break;
                }
                j_string_end(t, t->pos + i);
                i = j_after_string(t, p, i + 1, n);
            } while (t->state == JS_STR && i < n);
            break;
        case JS_ESC:
            t->state = JS_STR;
            i++;
            break;
        case JS_SCALAR:
            i += find_scalar_end(p + i, n - i);
            if (i == n) break;
            j_scalar_end(t, t->pos + i);
            break;                        /* the terminator is handled as a token */
        default: {
            if (t->lost) {
                const uint8_t *nl = memchr(p + i, '\n', n - i);
                if (!nl) { i = n; break; }
                i = (size_t)(nl - p) + 1;
                j_resync(t);
                break;
            }
            uint8_t c = p[i];
            if (is_ws(c)) {
                i += skip_ws(p + i, n - i);
                break;
            }
            uint64_t at = t->pos + i;
            i++;
            j_token(t, c, at);
        }
        }
    }
}

/* ---- CSV / TSV ----
 *
 * The header row is kept (up to PII_CSV_HDR bytes) until its end, then the
 * delimiter is the most frequent of , ; TAB | outside quotes and each column
 * gets the class of its name. Quoted fields may hold delimiters, newlines and
 * doubled quotes. */

static void csv_header(struct pii_tok *t)
{
    static const uint8_t cand[4] = {',', '\t', ';', '|'};
    unsigned cnt[4] = {0};
    bool q = false;
    for (size_t i = 0; i < t->u.c.hdr_len; i++) {
        uint8_t c = t->u.c.hdr[i];
        if (c == '"') q = !q;
        for (int k = 0; k < 4 && !q; k++) cnt[k] += c == cand[k];
    }
    int best = 0;
    for (int k = 1; k < 4; k++) if (cnt[k] > cnt[best]) best = k;
    t->u.c.delim = cand[best];
    size_t s = 0;
    uint16_t col = 0;
    q = false;
    for (size_t i = 0; i <= t->u.c.hdr_len && col < PII_CSV_COLS; i++) {
        uint8_t c = i < t->u.c.hdr_len ? t->u.c.hdr[i] : t->u.c.delim;
        if (c == '"') q = !q;
        if (c != t->u.c.delim || (q && i < t->u.c.hdr_len)) continue;
        t->u.c.cls[col++] = pii_key_class(t->km, t->u.c.hdr + s, i - s);
        s = i + 1;
    }
    t->u.c.ncols = col;
    t->u.c.header_done = true;
    t->u.c.col = 0;
}

static void csv_field_end(struct pii_tok *t, uint64_t end)
{
    emit_value(t, t->cls, t->vstart, end);
    t->u.c.col++;
    t->u.c.in_q = t->u.c.q_end = false;
    t->cls = t->u.c.col < t->u.c.ncols ? t->u.c.cls[t->u.c.col] : PII_CLS_NONE;
}

static void csv_row_start(struct pii_tok *t, uint64_t at)
{
    t->u.c.col = 0;
    t->rec++;
    t->vstart = at;
    t->cls = t->u.c.ncols ? t->u.c.cls[0] : PII_CLS_NONE;
}

/* Index of the first '"', delimiter or newline in p[i..n), or n: the only
 * bytes that move the CSV machine inside a row outside quotes. */
static inline size_t csv_find_stop(const uint8_t *p, size_t i, size_t n, uint8_t delim)
{
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        unsigned m = eq16(v, '"') | eq16(v, (char)delim) | eq16(v, '\n');
        if (m) return i + (size_t)__builtin_ctz(m);
    }
#endif
    for (; i < n; i++)
        if (p[i] == '"' || p[i] == delim || p[i] == '\n') return i;
    return n;
}

static void csv_feed(struct pii_tok *t, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (t->u.c.header_done && !t->lost && t->state == 0 && !t->bytewise) {
            /* Inside a row: bytes other than these change nothing. */
            if (t->u.c.in_q) {
                const uint8_t *q = memchr(p + i, '"', n - i);
                i = q ? (size_t)(q - p) : n;
            } else {
                i = csv_find_stop(p, i, n, t->u.c.delim);
            }
            if (i == n) break;
        }
        uint8_t c = p[i];
        uint64_t at = t->pos + i;
        if (!t->u.c.header_done) {
            if (c == '"') t->u.c.in_q = !t->u.c.in_q;
            if (c == '\n' && !t->u.c.in_q) {
                if (t->u.c.hdr_len && t->u.c.hdr[t->u.c.hdr_len - 1] == '\r') t->u.c.hdr_len--;
                csv_header(t);
                t->u.c.in_q = false;
                t->state = 1;             /* at a row start */
                continue;
            }
            if (t->u.c.hdr_len < PII_CSV_HDR) t->u.c.hdr[t->u.c.hdr_len++] = c;
            continue;
        }
        if (t->lost) {
            if (c == '\n') { t->lost = false; t->state = 1; }
            continue;
        }
        if (t->state == 1) {              /* first byte of a row */
            if (c == '\n' || c == '\r') continue;   /* blank lines are not rows */
            csv_row_start(t, at);
            t->state = 0;
        }
        if (t->u.c.in_q) {
            if (c == '"') { t->u.c.in_q = false; t->u.c.q_end = true; }
            continue;
        }
        if (c == '"') {
            if (t->u.c.q_end) { t->u.c.in_q = true; t->u.c.q_end = false; }   /* "" escape */
            else if (at == t->vstart) t->u.c.in_q = true;
            continue;
        }
        if (c == t->u.c.delim) {
            csv_field_end(t, at);
            t->vstart = at + 1;
        } else if (c == '\n') {
            uint64_t end = at;
            if (i > 0 && p[i - 1] == '\r') end--;
            csv_field_end(t, end);
            t->cls = PII_CLS_NONE;
            t->state = 1;
        }
    }
}

/* ---- XML ----
 *
 * States: text (0), '<' seen (1), start-tag name (2), end-tag name (3),
 * inside a tag (4), quoted attribute (5), comment (6), CDATA (7), other
 * markup <!...> or <?...?> (8), "<!" seen (9). Element names drop their
 * namespace prefix. Text between tags is the value of the innermost element;
 * CDATA sections are values of their own. */

enum { XS_TEXT = 0, XS_LT, XS_NAME, XS_ENDNAME, XS_TAG, XS_ATTRQ, XS_COMMENT, XS_CDATA,
       XS_MARKUP, XS_BANG };

static uint8_t x_cur_cls(const struct pii_tok *t)
{
    unsigned d = t->u.x.depth;
    return d <= t->max_depth ? t->u.x.cls[d] : PII_CLS_NONE;
}

static void x_start_tag_done(struct pii_tok *t, bool selfclose)
{
    unsigned d = t->u.x.depth + 1u;
    if (d == 2) t->rec++;
    if (d <= t->max_depth) t->u.x.cls[d] = tok_key_class(t, (const uint8_t *)t->key, t->key_len, PII_KEY_MAX);
    else if (d == t->max_depth + 1u) t->depth_capped++;   /* too deep: classes lost below */
    if (d < 255) t->u.x.depth = (uint8_t)d;
    if (selfclose && t->u.x.depth) t->u.x.depth--;
}

static void xml_feed(struct pii_tok *t, const uint8_t *p, size_t n)
{
    static const char cdata[] = "[CDATA[";
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        uint64_t at = t->pos + i;
        switch (t->state) {
        case XS_TEXT:
            if (c != '<') continue;
            if (!t->lost) emit_value(t, t->cls, t->vstart, at);
            t->lost = false;
            t->cls = PII_CLS_NONE;
            t->state = XS_LT;
            break;
        case XS_LT:
            t->key_len = 0;
            if (c == '/') { t->state = XS_ENDNAME; }
            else if (c == '!') { t->state = XS_BANG; t->u.x.match = 0; }
            else if (c == '?') { t->state = XS_MARKUP; }
            else { t->state = XS_NAME; key_put(t, c); }
            break;
        case XS_BANG:
            if (c == '-' && t->u.x.match == 0) { t->state = XS_COMMENT; t->u.x.match = 0; break; }
            if (c == (uint8_t)cdata[t->u.x.match]) {
                if (++t->u.x.match == 7) {
                    t->state = XS_CDATA;
                    t->u.x.match = 0;
                    t->vstart = at + 1;
                    t->cls = x_cur_cls(t);
                }
                break;
            }
            t->state = c == '>' ? XS_TEXT : XS_MARKUP;
            if (c == '>') { t->vstart = at + 1; t->cls = x_cur_cls(t); }
            break;
        case XS_COMMENT:                  /* after "<!-": wait for "-->" */
            if (c == '-') { if (t->u.x.match < 2) t->u.x.match++; }
            else if (c == '>' && t->u.x.match == 2) { t->state = XS_TEXT; t->vstart = at + 1; t->cls = x_cur_cls(t); }
            else t->u.x.match = 0;
            break;
        case XS_CDATA:
            if (c == ']') { if (t->u.x.match < 2) t->u.x.match++; }
            else if (c == '>' && t->u.x.match == 2) {
                emit_value(t, t->cls, t->vstart, at - 2);
                t->state = XS_TEXT;
                t->vstart = at + 1;
            } else t->u.x.match = 0;
            break;
        case XS_MARKUP:
            if (c == '>') { t->state = XS_TEXT; t->vstart = at + 1; t->cls = x_cur_cls(t); }
            break;
        case XS_NAME:
        case XS_ENDNAME:
            if (c == ':') { t->key_len = 0; break; }          /* drop the namespace prefix */
            if (!is_ws(c) && c != '>' && c != '/') { key_put(t, c); break; }
            if (t->state == XS_ENDNAME) {
                if (t->u.x.depth) t->u.x.depth--;
                t->state = c == '>' ? XS_TEXT : XS_TAG;
                t->u.x.closing = true;
            } else {
                t->u.x.closing = false;
                t->u.x.selfclose = false;
                t->state = XS_TAG;
            }
            if (c == '/') t->u.x.selfclose = true;
            if (c == '>') {
                if (!t->u.x.closing) x_start_tag_done(t, false);
                t->state = XS_TEXT;
                t->vstart = at + 1;
                t->cls = x_cur_cls(t);
            }
            break;
        case XS_TAG:
            if (c == '"' || c == '\'') { t->state = XS_ATTRQ; t->u.x.quote = c; }
            else if (c == '/') t->u.x.selfclose = true;
            else if (c == '>') {
                if (!t->u.x.closing) x_start_tag_done(t, t->u.x.selfclose);
                t->state = XS_TEXT;
                t->vstart = at + 1;
                t->cls = x_cur_cls(t);
            } else if (!is_ws(c)) t->u.x.selfclose = false;
            break;
        case XS_ATTRQ:
            if (c == t->u.x.quote) t->state = XS_TAG;
            break;
        }
    }
}

/* ---- TEXT / EML: lines ----
 *
 * A line whose head (its first PII_HEAD bytes) holds "key:" or "key =" gives
 * the rest of the line that key's class: "Phone: 0612345678", YAML
 * "  password: x", INI "pwd = x", vCard "FN:Jane Doe". The key is up to 38
 * letters, digits, spaces, '_', '.', '-', optionally quoted or after "- ". */

#define PII_HEAD 48

static uint8_t line_key(struct pii_tok *t, const uint8_t *h, size_t n)
{
    size_t s = 0, e = n;
    while (s < e && (h[s] == ' ' || h[s] == '\t')) s++;
    if (s + 1 < e && h[s] == '-' && h[s + 1] == ' ') s += 2;
    if (s < e && (h[s] == '"' || h[s] == '\'')) s++;
    while (e > s && (h[e - 1] == ' ' || h[e - 1] == '\t')) e--;
    if (e > s && (h[e - 1] == '"' || h[e - 1] == '\'')) e--;
    if (e == s || e - s > 38 || !((h[s] | 32) >= 'a' && (h[s] | 32) <= 'z')) return PII_CLS_NONE;
    unsigned spaces = 0;
    for (size_t i = s; i < e; i++) {
        if (!is_alnum(h[i]) && h[i] != ' ' && h[i] != '_' && h[i] != '.' && h[i] != '-')
            return PII_CLS_NONE;
        if (h[i] == ' ' && ++spaces > 3) return PII_CLS_NONE;   /* a sentence, not a key */
    }
    return tok_key_class(t, h + s, e - s, e - s);
}

/* Index of the first ':', '=' or newline in h[0..PII_HEAD), PII_HEAD if none. */
static size_t head_stop(const uint8_t *h)
{
#if defined(__SSE2__)
    uint64_t m = 0;
    for (int k = 0; k < PII_HEAD / 16; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(h + 16 * k));
        m |= (uint64_t)(eq16(v, ':') | eq16(v, '=') | eq16(v, '\n')) << (16 * k);
    }
    return m ? (size_t)__builtin_ctzll(m) : PII_HEAD;
#else
    for (size_t i = 0; i < PII_HEAD; i++)
        if (h[i] == ':' || h[i] == '=' || h[i] == '\n') return i;
    return PII_HEAD;
#endif
}

/* Index of the first newline in p[i..n), or n: lines are short, so the
 * first 64 bytes are looked at inline before memchr is called. */
static inline size_t find_nl(const uint8_t *p, size_t i, size_t n)
{
#if defined(__SSE2__)
    for (size_t end = i + 64; i + 16 <= n && i < end; i += 16) {
        unsigned m = eq16(_mm_loadu_si128((const __m128i *)(p + i)), '\n');
        if (m) return i + (size_t)__builtin_ctz(m);
    }
#endif
    const uint8_t *nl = memchr(p + i, '\n', n - i);
    return nl ? (size_t)(nl - p) : n;
}

static void text_line_end(struct pii_tok *t, const uint8_t *p, size_t k)
{
    uint64_t at = t->pos + k;
    if (!t->lost && t->u.t.line_cls != PII_CLS_NONE) {
        uint64_t end = at;
        if (k > 0 && p[k - 1] == '\r') end--;
        emit_value(t, t->u.t.line_cls, t->vstart, end);
    }
    t->lost = false;
    t->u.t.line_cls = PII_CLS_NONE;
    t->u.t.in_head = true;
    t->key_len = 0;
    t->cls = PII_CLS_NONE;
    if (t->type == PII_DOC_TEXT) t->rec++;
}

static void text_feed(struct pii_tok *t, const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (t->u.t.in_head && !t->lost && t->key_len == 0 && n - i >= PII_HEAD) {
            /* Fast path: the whole head is in this chunk, nothing to keep. */
            const uint8_t *h = p + i;
            size_t lim = head_stop(h);
            t->u.t.in_head = false;
            i += lim;
            if (lim == PII_HEAD) continue;
            if (h[lim] == '\n') {           /* a short line: its end is found already */
                text_line_end(t, p, i);
                i++;
                continue;
            }
            uint8_t cls = line_key(t, h, lim);
            i++;
            if (cls != PII_CLS_NONE) {
                t->u.t.line_cls = cls;
                t->cls = cls;
                t->vstart = t->pos + i;
            }
            continue;
        }
        if (t->u.t.in_head && !t->lost) {
            size_t lim = PII_HEAD - t->key_len;
            if (lim > n - i) lim = n - i;
            size_t stop = lim;
            const uint8_t *q;
            if ((q = memchr(p + i, ':', stop)) != NULL) stop = (size_t)(q - p) - i;
            if ((q = memchr(p + i, '=', stop)) != NULL) stop = (size_t)(q - p) - i;
            if ((q = memchr(p + i, '\n', stop)) != NULL) stop = (size_t)(q - p) - i;
            memcpy(t->key + t->key_len, p + i, stop);
            t->key_len = (uint8_t)(t->key_len + stop);
            i += stop;
            if (stop == lim) {               /* no stop byte yet */
                if (t->key_len >= PII_HEAD) t->u.t.in_head = false;
                continue;
            }
            t->u.t.in_head = false;
            if (p[i] == '\n') continue;      /* handled below */
            uint8_t cls = line_key(t, (const uint8_t *)t->key, t->key_len);
            i++;
            if (cls != PII_CLS_NONE) {
                t->u.t.line_cls = cls;
                t->cls = cls;
                t->vstart = t->pos + i;
            }
            continue;
        }
        size_t k = find_nl(p, i, n);
        if (k == n) return;
        text_line_end(t, p, k);
        i = k + 1;
    }
}

/* ---- driver ---- */

void pii_tok_init(struct pii_tok *t, enum pii_doc_type type, const struct pii_keymap *km,
                  pii_field_fn emit, void *ctx)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < PII_KEYCACHE; i++) t->cache[i].cls = 0xff;
    t->type = type == PII_DOC_AUTO ? PII_DOC_TEXT : type;
    t->km = km;
    t->max_depth = LIM_PII_MAX_DEPTH;
    t->emit = emit;
    t->ctx = ctx;
    if (t->type == PII_DOC_TEXT || t->type == PII_DOC_EML) { t->rec = 1; t->u.t.in_head = true; }
}

void pii_tok_feed(struct pii_tok *t, const uint8_t *p, size_t n)
{
    switch (t->type) {
    case PII_DOC_JSON: json_feed(t, p, n); break;
    case PII_DOC_CSV: csv_feed(t, p, n); break;
    case PII_DOC_XML: xml_feed(t, p, n); break;
    default: text_feed(t, p, n); break;
    }
    t->pos += n;
}

void pii_tok_gap(struct pii_tok *t, uint64_t len)
{
    t->pos += len;
    t->lost = true;
    t->cls = PII_CLS_NONE;
    t->rec++;                             /* whatever follows is another record */
    switch (t->type) {
    case PII_DOC_JSON: t->state = JS_TOK; break;
    case PII_DOC_CSV:
        if (!t->u.c.header_done) { csv_header(t); t->lost = true; }
        t->u.c.in_q = t->u.c.q_end = false;
        t->state = 0;
        break;
    case PII_DOC_XML: t->state = XS_TEXT; break;
    default: t->u.t.line_cls = PII_CLS_NONE; break;
    }
}

void pii_tok_close(struct pii_tok *t)
{
    if (t->lost) return;
    switch (t->type) {
    case PII_DOC_JSON:
        if (t->state == JS_SCALAR) emit_value(t, t->cls, t->vstart, t->pos);
        break;
    case PII_DOC_CSV:
        if (t->u.c.header_done && t->state == 0 && !t->u.c.in_q) csv_field_end(t, t->pos);
        break;
    case PII_DOC_XML: break;
    default:
        if (t->u.t.line_cls != PII_CLS_NONE) emit_value(t, t->u.t.line_cls, t->vstart, t->pos);
        break;
    }
    t->cls = PII_CLS_NONE;
}
