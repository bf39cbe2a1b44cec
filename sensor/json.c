/* json.c -- the escaping JSON builder (see json.h). */
#include "json.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j)
{
    memset(j, 0, sizeof *j);
}

void json_free(struct json *j)
{
    free(j->buf);
    memset(j, 0, sizeof *j);
}

void json_reset(struct json *j)
{
    j->len = 0;
    j->depth = 0;
    j->need_comma[0] = false;
    j->after_key = false;
}

static void grow(struct json *j, size_t more)
{
    size_t cap = j->cap ? j->cap : 256;
    while (cap < j->len + more + 1) cap *= 2;
    char *nb = realloc(j->buf, cap);
    if (!nb) abort();   /* setup-sized buffers; OOM here is fatal */
    j->buf = nb;
    j->cap = cap;
}

/* Room for more bytes and the terminating NUL. */
static inline void reserve(struct json *j, size_t more)
{
    if (j->len + more + 1 > j->cap) grow(j, more);
}

static inline void put(struct json *j, const char *s, size_t n)
{
    reserve(j, n);
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = 0;
}

static inline void putc1(struct json *j, char c)
{
    reserve(j, 1);
    j->buf[j->len++] = c;
    j->buf[j->len] = 0;
}

/* Separator before a value (or a key) at the current depth. */
static void pre_value(struct json *j)
{
    if (j->after_key) { j->after_key = false; return; }
    if (j->need_comma[j->depth]) putc1(j, ',');
    j->need_comma[j->depth] = true;
}

/* Length of a valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    size_t need;
    uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { need = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 4; cp = c & 0x07; }
    else return 0;
    if (n < need) return 0;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return need;
}

/* s[0..n) as a JSON string. Room for the worst case (every byte \u00XX) is
 * made once; the bytes are then written in place. */
static void put_escaped(struct json *j, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    reserve(j, 6 * n + 2);
    char *o = j->buf + j->len;
    *o++ = '"';
    size_t i = 0;
    while (i < n) {
        /* runs of plain bytes at once */
        size_t run = i;
        while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\') run++;
        if (run > i) {
            memcpy(o, s + i, run - i);
            o += run - i;
            i = run;
            continue;
        }
        uint8_t c = s[i];
        char e = c == '"' ? '"' : c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : 0;
        if (e) {
            *o++ = '\\';
            *o++ = e;
            i++;
            continue;
        }
        size_t l = c < 0x20 ? 0 : utf8_len(s + i, n - i);
        if (l) {
            memcpy(o, s + i, l);
            o += l;
            i += l;
        } else {
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            o += 6;
            i++;
        }
    }
    *o++ = '"';
    *o = 0;
    j->len = (size_t)(o - j->buf);
}

void json_obj_open(struct json *j)
{
    pre_value(j);
    putc1(j, '{');
    assert(j->depth < JSON_MAX_DEPTH);
    j->need_comma[++j->depth] = false;
}

void json_obj_close(struct json *j)
{
    assert(j->depth > 0);
    j->depth--;
    putc1(j, '}');
}

void json_arr_open(struct json *j)
{
    pre_value(j);
    putc1(j, '[');
    assert(j->depth < JSON_MAX_DEPTH);
    j->need_comma[++j->depth] = false;
}

void json_arr_close(struct json *j)
{
    assert(j->depth > 0);
    j->depth--;
    putc1(j, ']');
}

void json_key(struct json *j, const char *key)
{
    pre_value(j);
    put_escaped(j, (const uint8_t *)key, strlen(key));
    putc1(j, ':');
    j->after_key = true;
}

void json_str(struct json *j, const char *s, size_t len)
{
    pre_value(j);
    put_escaped(j, (const uint8_t *)s, len);
}

void json_cstr(struct json *j, const char *s) { json_str(j, s, strlen(s)); }

/* Decimal digits of v at the end of b[24]; returns where they start. */
static char *u64_digits(uint64_t v, char b[24])
{
    char *p = b + 24;
    do *--p = (char)('0' + v % 10); while (v /= 10);
    return p;
}

void json_u64(struct json *j, uint64_t v)
{
    char b[24], *p = u64_digits(v, b);
    pre_value(j);
    put(j, p, (size_t)(b + 24 - p));
}

void json_i64(struct json *j, int64_t v)
{
    char b[25], *p = u64_digits(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, b + 1);
    if (v < 0) *--p = '-';
    pre_value(j);
    put(j, p, (size_t)(b + 25 - p));
}

void json_double(struct json *j, double v, int decimals)
{
    char b[64];
    int n = snprintf(b, sizeof b, "%.*f", decimals, v);
    pre_value(j);
    put(j, b, (size_t)n);
}

void json_bool(struct json *j, bool v)
{
    pre_value(j);
    if (v) put(j, "true", 4); else put(j, "false", 5);
}

void json_null(struct json *j)
{
    pre_value(j);
    put(j, "null", 4);
}

void json_raw(struct json *j, const char *s, size_t len)
{
    pre_value(j);
    put(j, s, len);
}

void json_kv_str(struct json *j, const char *key, const char *s, size_t len) { json_key(j, key); json_str(j, s, len); }
void json_kv_cstr(struct json *j, const char *key, const char *s) { json_key(j, key); json_cstr(j, s); }
void json_kv_u64(struct json *j, const char *key, uint64_t v) { json_key(j, key); json_u64(j, v); }
void json_kv_i64(struct json *j, const char *key, int64_t v) { json_key(j, key); json_i64(j, v); }
void json_kv_bool(struct json *j, const char *key, bool v) { json_key(j, key); json_bool(j, v); }

void json_newline(struct json *j) { putc1(j, '\n'); }
