/* codec.c -- streaming Content-Encoding decoders over ISA-L (gzip, deflate),
 * brotli and zstd. ISA-L's inflate is 1.6x zlib's on HTTP-sized pieces
 * (make bench's JSON bodies) and checks the same trailers.
 *
 * Each layer wraps one library decoder behind layer_run(), which moves bytes
 * from an input view to an output view and says whether the layer ended.
 * codec_feed() pumps the layers from the innermost outwards until nothing
 * moves, so a stack of two or three encodings decodes with fixed buffers.
 */
#include "codec.h"

#include <brotli/decode.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <isa-l/igzip_lib.h>
#include <zstd.h>

#define MID_CAP (16u << 10)          /* intermediate buffer between two layers */
#define ZSTD_WINDOW_LOG_MAX 23       /* 8 MiB, RFC 8878 HTTP profile */

enum lr { LR_OK, LR_END, LR_ERR };

struct layer {
    enum codec_type type;
    bool ended;
    bool live;            /* library state initialised */
    uint8_t hdr[8];       /* gzip, deflate: first bytes kept to tell the wrapper, or
                           * the start of a further gzip member ISA-L read ahead */
    unsigned nhdr, hdr_off;
    struct inflate_state *z;   /* ISA-L's inflate (gzip, deflate) */
    BrotliDecoderState *br;
    ZSTD_DStream *zs;
};

struct mid {
    uint8_t *buf;
    size_t off, len;      /* pending bytes are buf[off..len) */
};

struct codec {
    size_t n;
    struct layer l[CODEC_MAX_LAYERS];     /* l[0] decodes the wire */
    struct mid m[CODEC_MAX_LAYERS - 1];   /* m[i]: output of l[i], input of l[i+1] */
    enum codec_status sticky;             /* CODEC_OK until END or ERROR */
    uint64_t total_in;
};

/* ---- names ---- */

static const struct { const char *name; enum codec_type t; } names[] = {
    { "gzip", CODEC_GZIP },   { "x-gzip", CODEC_GZIP }, { "deflate", CODEC_DEFLATE },
    { "br", CODEC_BR },       { "zstd", CODEC_ZSTD },   { "identity", CODEC_IDENTITY },
};

enum codec_type codec_from_name(struct bytes name)
{
    name = bytes_trim(name);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (bytes_ieq(name, names[i].name)) return names[i].t;
    return CODEC_UNKNOWN;
}

const char *codec_name(enum codec_type t)
{
    switch (t) {
    case CODEC_IDENTITY: return "identity";
    case CODEC_GZIP: return "gzip";
    case CODEC_DEFLATE: return "deflate";
    case CODEC_BR: return "br";
    case CODEC_ZSTD: return "zstd";
    default: return "unknown";
    }
}

/* ---- one layer ---- */

/* RFC 1950: CMF (method 8, window <= 32K) and FLG make a multiple of 31. */
static bool looks_zlib(const uint8_t *h)
{
    return (h[0] & 0x0f) == 8 && (h[0] >> 4) <= 7 && ((unsigned)h[0] << 8 | h[1]) % 31 == 0;
}

/* The wrapper a gzip or deflate layer reads, from its first two bytes:
 * "gzip" also takes a zlib stream (as zlib's auto-detection did), "deflate"
 * is zlib-wrapped or raw (RFC 9110 8.4.1.2: servers send both). */
static uint32_t wrapper_of(const struct layer *l)
{
    if (l->type == CODEC_GZIP) return looks_zlib(l->hdr) ? ISAL_ZLIB : ISAL_GZIP;
    return looks_zlib(l->hdr) ? ISAL_ZLIB : ISAL_DEFLATE;
}

static void inflate_start(struct layer *l, uint32_t wrapper)
{
    isal_inflate_init(l->z);
    l->z->crc_flag = wrapper;
}

static int layer_init(struct layer *l)
{
    switch (l->type) {
    case CODEC_GZIP:
    case CODEC_DEFLATE:
        if (!(l->z = malloc(sizeof *l->z))) return -1;
        inflate_start(l, wrapper_of(l));
        break;
    case CODEC_BR:
        l->br = BrotliDecoderCreateInstance(NULL, NULL, NULL);
        if (!l->br) return -1;
        break;
    case CODEC_ZSTD:
        l->zs = ZSTD_createDStream();
        if (!l->zs) return -1;
        if (ZSTD_isError(ZSTD_initDStream(l->zs)) ||
            ZSTD_isError(ZSTD_DCtx_setParameter(l->zs, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX))) {
            ZSTD_freeDStream(l->zs);
            l->zs = NULL;
            return -1;
        }
        break;
    default:
        break;
    }
    l->live = true;
    return 0;
}

static void layer_fini(struct layer *l)
{
    if (!l->live) return;
    free(l->z);
    l->z = NULL;
    if (l->br) BrotliDecoderDestroyInstance(l->br);
    if (l->zs) ZSTD_freeDStream(l->zs);
    l->br = NULL;
    l->zs = NULL;
    l->live = false;
}

/* One inflate call over (in, len). ISA-L checks the gzip CRC-32 and the
 * zlib Adler-32 at the end, as zlib did. */
static enum lr run_inflate(struct layer *l, const uint8_t *in, size_t len, size_t *used,
                           uint8_t *out, size_t cap, size_t *made)
{
    uint32_t ilen = (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len);
    uint32_t olen = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);
    struct inflate_state *z = l->z;
    z->next_in = (uint8_t *)(uintptr_t)in;   /* ISA-L does not write through next_in */
    z->avail_in = ilen;
    z->next_out = out;
    z->avail_out = olen;
    int r = isal_inflate(z);
    *used = ilen - z->avail_in;
    *made = olen - z->avail_out;
    if (r < 0 || r == ISAL_NEED_DICT) return LR_ERR;
    if (z->block_state == ISAL_BLOCK_FINISH) {
        /* Whole bytes ISA-L read past the end wait in its bit buffer (a
         * zlib trailer leaves one there), possibly from an earlier call:
         * they come before in[*used]. */
        unsigned ahead = z->read_in_length > 0 ? (unsigned)z->read_in_length / 8 : 0;
        uint64_t bits = z->read_in;
        bool more = ahead || *used < len;
        uint8_t next = ahead ? (uint8_t)bits : more ? in[*used] : 0;
        /* gzip allows several members back to back (RFC 1952 2.2). */
        if (l->type == CODEC_GZIP && more && next == 0x1f) {
            inflate_start(l, ISAL_GZIP);   /* a further member: 0x1f, gzip */
            if (ahead > sizeof l->hdr) return LR_ERR;
            for (unsigned k = 0; k < ahead; k++) l->hdr[k] = (uint8_t)(bits >> (8 * k));
            l->nhdr = ahead;   /* replayed by layer_run before the rest */
            l->hdr_off = 0;
            return LR_OK;
        }
        return LR_END;
    }
    return LR_OK;
}

/* A single-layer gzip or zstd stream that ended may be followed by another
 * member or frame, possibly in a later call: start over if the next input
 * begins with the magic byte. */
static bool layer_revive(struct layer *l, const uint8_t *in, size_t len)
{
    if (!len || !l->live) return false;
    if (l->type == CODEC_GZIP && in[0] == 0x1f) {
        inflate_start(l, ISAL_GZIP);   /* a further member: 0x1f, gzip */
        return true;
    }
    if (l->type == CODEC_ZSTD && in[0] == 0x28)
        return !ZSTD_isError(ZSTD_DCtx_reset(l->zs, ZSTD_reset_session_only));
    return false;
}

static enum lr layer_run(struct layer *l, const uint8_t *in, size_t len, size_t *used,
                         uint8_t *out, size_t cap, size_t *made)
{
    *used = *made = 0;
    if (l->type == CODEC_IDENTITY) {
        size_t k = len < cap ? len : cap;
        if (k) memcpy(out, in, k);
        *used = *made = k;
        return LR_OK;
    }
    if (!l->live) {
        bool wrapped = l->type == CODEC_GZIP || l->type == CODEC_DEFLATE;
        if (wrapped) {
            while (l->nhdr < 2 && *used < len) l->hdr[l->nhdr++] = in[(*used)++];
            if (l->nhdr < 2) return LR_OK;
        }
        if (layer_init(l) < 0) return LR_ERR;
        if (!wrapped) l->nhdr = 0;
    }
    if (l->hdr_off < l->nhdr) {   /* replay the bytes held back: for detection, or read ahead by the last member */
        size_t u, m;
        enum lr r = run_inflate(l, l->hdr + l->hdr_off, l->nhdr - l->hdr_off, &u, out, cap, &m);
        l->hdr_off += (unsigned)u;
        *made = m;
        if (r != LR_OK || l->hdr_off < l->nhdr) return r;
        out += m;
        cap -= m;
    }
    in += *used;
    len -= *used;
    size_t u = 0, m = 0;
    enum lr r = LR_OK;
    switch (l->type) {
    case CODEC_GZIP:
    case CODEC_DEFLATE:
        r = run_inflate(l, in, len, &u, out, cap, &m);
        break;
    case CODEC_BR: {
        size_t ai = len, ao = cap;
        const uint8_t *ni = in;
        uint8_t *no = out;
        BrotliDecoderResult br = BrotliDecoderDecompressStream(l->br, &ai, &ni, &ao, &no, NULL);
        u = len - ai;
        m = cap - ao;
        if (br == BROTLI_DECODER_RESULT_SUCCESS) r = LR_END;
        else if (br == BROTLI_DECODER_RESULT_ERROR) r = LR_ERR;
        break;
    }
    case CODEC_ZSTD: {
        ZSTD_inBuffer zi = { in, len, 0 };
        ZSTD_outBuffer zo = { out, cap, 0 };
        size_t zr = ZSTD_decompressStream(l->zs, &zo, &zi);
        u = zi.pos;
        m = zo.pos;
        if (ZSTD_isError(zr)) r = LR_ERR;
        else if (zr == 0 && (zi.pos == zi.size || in[zi.pos] != 0x28)) r = LR_END;
        /* else another frame follows (RFC 8878 3: frames may be concatenated) */
        break;
    }
    default:
        r = LR_ERR;
        break;
    }
    *used += u;
    *made += m;
    return r;
}

/* ---- the stack ---- */

struct codec *codec_new_stack(const enum codec_type *types, size_t n)
{
    if (n == 0 || n > CODEC_MAX_LAYERS) return NULL;
    for (size_t i = 0; i < n; i++)
        if (types[i] == CODEC_UNKNOWN) return NULL;
    struct codec *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->n = n;
    for (size_t i = 0; i < n; i++) c->l[i].type = types[n - 1 - i];
    for (size_t i = 0; i + 1 < n; i++) {
        c->m[i].buf = malloc(MID_CAP);
        if (!c->m[i].buf) {
            codec_free(c);
            return NULL;
        }
    }
    return c;
}

struct codec *codec_new(enum codec_type t)
{
    return codec_new_stack(&t, 1);
}

void codec_free(struct codec *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) layer_fini(&c->l[i]);
    for (size_t i = 0; i + 1 < c->n; i++) free(c->m[i].buf);
    free(c);
}

uint64_t codec_total_in(const struct codec *c)
{
    return c ? c->total_in : 0;
}

enum codec_status codec_feed(struct codec *c, const uint8_t *in, size_t len, size_t *consumed,
                             uint8_t *out, size_t outcap, size_t *produced)
{
    static const uint8_t empty[1];
    if (!in) in = empty;   /* (NULL, 0) is a valid "no more input" call */
    *consumed = *produced = 0;
    if (c->sticky == CODEC_ERROR) return CODEC_ERROR;
    if (c->sticky == CODEC_END && c->n == 1 && layer_revive(&c->l[0], in, len)) {
        c->l[0].ended = false;
        c->sticky = CODEC_OK;
    }
    if (c->sticky == CODEC_END) {
        *consumed = len;
        c->total_in += len;
        return CODEC_END;
    }
    size_t n = c->n;
    bool progress = true;
    while (progress) {
        progress = false;
        /* Innermost first: draining later layers makes room for earlier ones. */
        for (size_t k = n; k-- > 0;) {
            struct layer *l = &c->l[k];
            const uint8_t *src;
            size_t slen;
            if (k == 0) {
                src = in + *consumed;
                slen = len - *consumed;
            } else {
                src = c->m[k - 1].buf + c->m[k - 1].off;
                slen = c->m[k - 1].len - c->m[k - 1].off;
            }
            uint8_t *dst;
            size_t dcap;
            if (k == n - 1) {
                dst = out + *produced;
                dcap = outcap - *produced;
            } else {
                struct mid *m = &c->m[k];
                if (m->off) {
                    memmove(m->buf, m->buf + m->off, m->len - m->off);
                    m->len -= m->off;
                    m->off = 0;
                }
                dst = m->buf + m->len;
                dcap = MID_CAP - m->len;
            }
            size_t used = 0, made = 0;
            if (l->ended) {
                used = slen;                      /* bytes after the end: ignored */
            } else if (slen || dcap) {
                enum lr r = layer_run(l, src, slen, &used, dst, dcap, &made);
                if (r == LR_ERR) {
                    c->sticky = CODEC_ERROR;
                    return CODEC_ERROR;
                }
                if (r == LR_END) l->ended = true;
            }
            if (k == 0) *consumed += used;
            else c->m[k - 1].off += used;
            if (k == n - 1) *produced += made;
            else c->m[k].len += made;
            if (used || made) progress = true;
        }
    }
    if (c->l[n - 1].ended) {
        *consumed = len;
        c->sticky = CODEC_END;
    }
    c->total_in += *consumed;
    if (c->sticky == CODEC_END) return CODEC_END;
    return *produced == outcap ? CODEC_MORE_OUTPUT : CODEC_OK;
}
