/* wire_json.h -- JSON text out of wire-protocol replies, in fixed chunks.
 *
 * The MongoDB and Redis dissectors render a reply (BSON documents, RESP
 * values) as JSON text so that the PII engine's JSON tokenizer sees field
 * names. Nothing here holds a whole reply: text collects in a fixed buffer
 * that is handed to a flush callback whenever it fills, and once more at the
 * end. Output past `cap` bytes is dropped and `capped` is set.
 */
#ifndef BW_WIRE_JSON_H
#define BW_WIRE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WJ_BUF 4096u

struct wjson {
    void (*flush)(void *ctx, const uint8_t *p, size_t len);  /* may be NULL: count only */
    void *ctx;
    uint64_t total;      /* bytes accepted so far (flushed or buffered) */
    uint64_t cap;        /* accept at most this many bytes */
    bool capped;         /* something was dropped at the cap */
    size_t n;
    uint8_t buf[WJ_BUF];
};

/* Start an emitter: flush(ctx, p, len) receives the text in order. */
void wj_init(struct wjson *w, uint64_t cap, void (*flush)(void *, const uint8_t *, size_t), void *ctx);

/* Append raw bytes / a C string (no escaping). */
void wj_raw(struct wjson *w, const void *p, size_t len);
void wj_lit(struct wjson *w, const char *s);
/* Append p/len as a quoted JSON string: quote, backslash and control bytes
 * escaped; other bytes (UTF-8 or not) copied as they are. */
void wj_str(struct wjson *w, const uint8_t *p, size_t len);
void wj_i64(struct wjson *w, int64_t v);
void wj_u64(struct wjson *w, uint64_t v);
/* A finite double as a JSON number ("%.17g"); NaN/Inf as a quoted word. */
void wj_double(struct wjson *w, double v);

/* Hand whatever is buffered to flush. */
void wj_finish(struct wjson *w);

#endif
