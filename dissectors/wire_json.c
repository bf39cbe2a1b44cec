/* wire_json.c -- chunked JSON text for wire-protocol replies (wire_json.h). */
#include "wire_json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void wj_init(struct wjson *w, uint64_t cap, void (*flush)(void *, const uint8_t *, size_t), void *ctx)
{
    w->flush = flush;
    w->ctx = ctx;
    w->total = 0;
    w->cap = cap;
    w->capped = false;
    w->n = 0;
}

static void wj_drain(struct wjson *w)
{
    if (w->n && w->flush) w->flush(w->ctx, w->buf, w->n);
    w->n = 0;
}

void wj_raw(struct wjson *w, const void *p, size_t len)
{
    const uint8_t *s = p;
    if (w->total + len > w->cap) {
        w->capped = true;
        len = w->total < w->cap ? (size_t)(w->cap - w->total) : 0;
    }
    w->total += len;
    while (len) {
        size_t room = WJ_BUF - w->n;
        size_t take = len < room ? len : room;
        memcpy(w->buf + w->n, s, take);
        w->n += take;
        s += take;
        len -= take;
        if (w->n == WJ_BUF) wj_drain(w);
    }
}

void wj_lit(struct wjson *w, const char *s) { wj_raw(w, s, strlen(s)); }

void wj_str(struct wjson *w, const uint8_t *p, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    wj_raw(w, "\"", 1);
    size_t run = 0;   /* bytes copied as they are, written in one go */
    for (size_t i = 0; i < len; i++) {
        uint8_t c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) { run++; continue; }
        wj_raw(w, p + i - run, run);
        run = 0;
        char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
        if (c == '"' || c == '\\') { e[1] = (char)c; wj_raw(w, e, 2); }
        else if (c == '\n') wj_raw(w, "\\n", 2);
        else if (c == '\r') wj_raw(w, "\\r", 2);
        else if (c == '\t') wj_raw(w, "\\t", 2);
        else wj_raw(w, e, 6);
    }
    wj_raw(w, p + len - run, run);
    wj_raw(w, "\"", 1);
}

void wj_i64(struct wjson *w, int64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%" PRId64, v);
    wj_raw(w, b, (size_t)n);
}

void wj_u64(struct wjson *w, uint64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%" PRIu64, v);
    wj_raw(w, b, (size_t)n);
}

void wj_double(struct wjson *w, double v)
{
    if (isnan(v)) { wj_lit(w, "\"NaN\""); return; }
    if (isinf(v)) { wj_lit(w, v > 0 ? "\"Infinity\"" : "\"-Infinity\""); return; }
    char b[40];
    int n = snprintf(b, sizeof b, "%.17g", v);
    wj_raw(w, b, (size_t)n);
}

void wj_finish(struct wjson *w) { wj_drain(w); }
