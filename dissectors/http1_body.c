/* http1_body.c -- HTTP/1.x message bodies: framing and decoded delivery.
 *
 * RFC 9112 section 6 (message body length) and 7.1 (chunked). A response
 * body is de-chunked here, then run through its Content-Encoding decoder
 * (codec.h) into a fixed stack buffer and handed to the sink piece by piece,
 * under two caps: decoded bytes per body (cfg->http_max_decoded) and the
 * decoded/wire ratio past the first RATIO_GRACE bytes (cfg->http_max_ratio).
 * A third cap is on framing: a chunk-size past cfg->http_max_chunk ends the
 * body. Request bodies are only counted.
 */
#include "http1_int.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "limits.h"

/* ---- response bodies ---- */

void http1_stop_decoding(struct rtx *rx)
{
    codec_free(rx->codec);
    rx->codec = NULL;
    rx->decoding = false;
}

/* Hand decoded bytes to the sink within the decoded-size cap. Returns false
 * when the cap stopped decoding. */
static bool deliver(struct rtx *rx, const uint8_t *p, size_t n, const struct dissect_env *env)
{
    uint64_t max = env->cfg->http_max_decoded, done = rx->t.resp_body_decoded;
    uint64_t room = done < max ? max - done : 0;
    bool capped = n > room;
    if (capped) n = (size_t)room;
    if (n) {
        env->out->body(env->out_ctx, rx->bc, p, n);
        rx->t.resp_body_decoded += n;
    }
    if (capped) {
        rx->t.flags |= TXN_BODY_CAP;
        http1_cnt(env, C_DECODED_CAP);
        http1_stop_decoding(rx);
        return false;
    }
    return true;
}

/* Payload bytes of the response body (chunk framing already removed). */
static void resp_payload(struct http1_state *st, const uint8_t *p, size_t n,
                         const struct dissect_env *env)
{
    struct rtx *rx = st->rx;
    if (!http1_resp_active(st) || !rx->decoding || !n) return;
    if (!rx->codec) {
        deliver(rx, p, n, env);
        return;
    }
    uint8_t out[OUT_CHUNK];
    size_t off = 0;
    for (;;) {
        size_t used = 0, made = 0;
        enum codec_status s = codec_feed(rx->codec, p + off, n - off, &used, out, sizeof out, &made);
        off += used;
        if (made && !deliver(rx, out, made, env)) return;
        uint64_t dec = rx->t.resp_body_decoded, in = codec_total_in(rx->codec);
        uint64_t ratio = env->cfg->http_max_ratio;
        if (ratio && dec > RATIO_GRACE && in <= UINT64_MAX / ratio && dec > ratio * in) {
            rx->t.flags |= TXN_BODY_CAP;
            http1_cnt(env, C_RATIO_CAP);
            http1_stop_decoding(rx);
            return;
        }
        if (s == CODEC_ERROR) {
            rx->t.flags |= TXN_DECODE_ERROR;
            http1_cnt(env, C_DECODE_ERROR);
            http1_stop_decoding(rx);
            return;
        }
        if (s == CODEC_END) {   /* bytes after the end of the stream are ignored */
            http1_stop_decoding(rx);
            return;
        }
        if (s == CODEC_OK && off == n) return;
        if (!used && !made) return;   /* no progress: wait for more input */
    }
}

/* Wire bytes of a body in direction dir (framing included). */
void http1_body_wire(struct http1_state *st, int dir, uint64_t n, const struct dissect_env *env)
{
    if (st->d[dir].role == ROLE_RESP) {
        if (http1_resp_active(st)) {
            st->rx->t.resp_body_wire += n;
            st->rx->t.ts_end = env->ts;
        }
    } else if (st->req_body_of) {
        st->req_body_of->body_wire += n;
    }
}

void http1_body_payload(struct http1_state *st, int dir, const uint8_t *p, size_t n,
                         const struct dissect_env *env)
{
    if (st->d[dir].role == ROLE_RESP) resp_payload(st, p, n, env);
    else if (st->req_body_of) st->req_body_of->body_decoded += n;
}

/* The response transaction ends: drain the decoder, tell the sink, free. */
void http1_resp_end(struct http1_state *st, uint32_t flags, const struct dissect_env *env)
{
    if (!http1_resp_active(st)) return;
    struct rtx *rx = st->rx;
    int dir = rx->dir;
    rx->t.flags |= flags;
    if (rx->codec && rx->decoding) {
        uint8_t out[OUT_CHUNK];
        for (int guard = 0; guard < 1 << 16 && rx->codec; guard++) {
            size_t used, made = 0;
            enum codec_status s = codec_feed(rx->codec, NULL, 0, &used, out, sizeof out, &made);
            if (made && !deliver(rx, out, made, env)) break;
            if (s != CODEC_MORE_OUTPUT || !made) break;
        }
    }
    if (rx->req) {
        rx->t.flags |= rx->req->flags;
        rx->t.req_body_wire = rx->req->body_wire;
        rx->t.req_body_decoded = rx->req->body_decoded;
    }
    env->out->end(env->out_ctx, rx->bc, &rx->t);
    http1_stop_decoding(rx);
    http1_pend_free(st, rx->req);
    free(rx);                       /* an idle keep-alive flow holds none */
    st->rx = NULL;
    http1_head_reset(&st->d[dir]);
}

/* Set up Content-Encoding decoding for the body about to start. */
void http1_setup_codec(struct rtx *rx, struct bytes ce, const struct dissect_env *env)
{
    enum codec_type types[CODEC_MAX_LAYERS];
    size_t n = 0, i = 0;
    bool unknown = false;
    while (i <= ce.len && ce.len) {
        size_t j = i;
        while (j < ce.len && ce.p[j] != ',') j++;
        struct bytes tok = bytes_trim(bytes_of(ce.p + i, j - i));
        i = j + 1;
        if (!tok.len) continue;
        enum codec_type t = codec_from_name(tok);
        if (t == CODEC_IDENTITY) continue;
        if (t == CODEC_UNKNOWN || n == CODEC_MAX_LAYERS) {
            unknown = true;
            break;
        }
        types[n++] = t;
    }
    rx->decoding = rx->bc != NULL;
    if (unknown) {
        http1_cnt(env, C_UNKNOWN_ENCODING);   /* delivered raw: still worth a scan */
        return;
    }
    if (!n || !rx->decoding) return;
    rx->codec = codec_new_stack(types, n);
    if (!rx->codec) {
        http1_cnt(env, C_OOM);
        rx->t.flags |= TXN_DECODE_ERROR;
        rx->decoding = false;
    }
}

/* Stop parsing the flow: counter says why (C_TUNNEL and C_UPGRADE are the
 * normal ends; anything else is also counted as gave_up, and a response
 * whose body was under way ends truncated). */
void http1_give_up(struct http1_state *st, int counter, const struct dissect_env *env)
{
    bool failure = counter != C_TUNNEL && counter != C_UPGRADE;
    if (http1_resp_active(st)) http1_resp_end(st, failure ? TXN_BODY_TRUNC : 0, env);
    http1_cnt(env, counter);
    if (failure) http1_cnt(env, C_GAVE_UP);
    st->dead = true;
    st->d[0].st = st->d[1].st = S_DEAD;
}

/* The body of the message in direction dir is complete. */
void http1_body_done(struct http1_state *st, int dir, const struct dissect_env *env)
{
    if (st->d[dir].role == ROLE_RESP) {
        http1_resp_end(st, 0, env);
    } else {
        st->req_body_of = NULL;
        http1_head_reset(&st->d[dir]);
    }
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Chunk framing lost: end the body here and resync. */
static void chunk_error(struct http1_state *st, int dir, const struct dissect_env *env)
{
    http1_cnt(env, C_CHUNK_ERROR);
    if (st->d[dir].role == ROLE_RESP) http1_resp_end(st, TXN_BODY_TRUNC, env);
    else st->req_body_of = NULL;
    http1_enter_resync(&st->d[dir], false, env);
}

/* A chunk-size past --http-max-chunk: well formed, but more than any server
 * sends in one chunk, so the framing is not believed (the endless-body
 * trick: one huge chunk swallows every message after it). The body ends
 * here, capped, and the direction resynchronises as after a chunk error;
 * the size line is consumed, so the next byte starts a line. */
static void chunk_too_big(struct http1_state *st, int dir, const struct dissect_env *env)
{
    http1_cnt(env, C_CHUNK_TOO_BIG);
    if (st->d[dir].role == ROLE_RESP) http1_resp_end(st, TXN_BODY_CAP, env);
    else st->req_body_of = NULL;
    http1_enter_resync(&st->d[dir], true, env);
}

/* Chunked transfer coding (RFC 9112 7.1), every state but chunk data:
 *   chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk = 1*("0") [ chunk-ext ] CRLF, then trailer-section CRLF */
size_t http1_feed_chunk(struct http1_state *st, int dir, const uint8_t *p, size_t len,
                                 const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    size_t i = 0;
    while (i < len) {
        uint8_t c = p[i++];
        if (d->st == S_CHUNK_SIZE || d->st == S_CHUNK_EXT) {
            if (++d->line_len > LIM_HTTP_CHUNK_LINE) goto bad;
            int v = d->st == S_CHUNK_SIZE ? hexval(c) : -1;
            if (v >= 0) {
                if (d->chunk_size > (UINT64_MAX >> 4)) {   /* overflow: hostile or broken */
                    http1_body_wire(st, dir, i, env);
                    http1_give_up(st, C_CHUNK_ERROR, env);
                    return len;
                }
                d->chunk_size = d->chunk_size << 4 | (uint64_t)v;
                d->chunk_digits++;
                continue;
            }
            if (c == '\n') {
                if (!d->chunk_digits) goto bad;
                http1_body_wire(st, dir, i, env);
                if (d->chunk_size > env->cfg->http_max_chunk) {
                    chunk_too_big(st, dir, env);
                    return i;
                }
                if (d->chunk_size == 0) {
                    d->st = S_TRAILER;
                    d->line_len = 0;
                    d->trailer_bytes = 0;
                } else {
                    d->st = S_CHUNK_DATA;
                    d->remaining = d->chunk_size;
                }
                return i;
            }
            if (d->st == S_CHUNK_SIZE) {
                if (!d->chunk_digits || (c != ';' && c != ' ' && c != '\t' && c != '\r')) goto bad;
                d->st = S_CHUNK_EXT;
            }
        } else if (d->st == S_CHUNK_END) {
            if (c == '\r' && d->line_len == 0) {
                d->line_len = 1;
            } else if (c == '\n') {
                d->st = S_CHUNK_SIZE;
                d->chunk_size = 0;
                d->chunk_digits = 0;
                d->line_len = 0;
                http1_body_wire(st, dir, i, env);
                return i;
            } else {
                goto bad;
            }
        } else {   /* S_TRAILER: lines parsed only for their end, then dropped */
            if (++d->trailer_bytes > env->cfg->http_max_header_bytes) goto bad;
            if (c == '\n') {
                if (d->line_len == 0) {
                    http1_body_wire(st, dir, i, env);
                    http1_body_done(st, dir, env);
                    return i;
                }
                d->line_len = 0;
            } else if (c != '\r') {
                d->line_len++;
            }
        }
    }
    http1_body_wire(st, dir, len, env);
    return len;
bad:
    http1_body_wire(st, dir, i, env);
    chunk_error(st, dir, env);
    return i;
}

/* Bytes of a body with a known remaining length (Content-Length or chunk). */
size_t http1_feed_counted(struct http1_state *st, int dir, const uint8_t *p, size_t len,
                           const struct dissect_env *env)
{
    struct hdir *d = &st->d[dir];
    size_t n = len < d->remaining ? len : (size_t)d->remaining;
    d->remaining -= n;
    http1_body_wire(st, dir, n, env);
    http1_body_payload(st, dir, p, n, env);
    if (d->remaining == 0) {
        if (d->st == S_CHUNK_DATA) {
            d->st = S_CHUNK_END;
            d->line_len = 0;
        } else {
            http1_body_done(st, dir, env);
        }
    }
    return n;
}
