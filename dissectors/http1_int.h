/* http1_int.h -- state and internal calls shared by http1.c and http1_body.c.
 *
 * Not an interface for other modules: only the two halves of the HTTP/1.x
 * dissector include it. http1.c owns heads, pairing and the callbacks;
 * http1_body.c owns body framing (Content-Length, chunked, close-delimited)
 * and Content-Encoding delivery.
 */
#ifndef BW_HTTP1_INT_H
#define BW_HTTP1_INT_H

#include "codec.h"
#include "http1.h"

#define OUT_CHUNK    (16u << 10)   /* decoded bytes handed to the sink per call */
#define RATIO_GRACE  (64u << 10)   /* decoded bytes before the ratio cap applies */

/* ---- counters ---- */

enum {
    C_REQUESTS, C_RESPONSES, C_INFORMATIONAL, C_RESYNC, C_HEAD_TOO_BIG, C_TOO_MANY_HEADERS,
    C_BAD_HEAD, C_BAD_HEADER_LINE, C_BAD_LENGTH, C_PIPELINE_OVERFLOW, C_CHUNK_ERROR,
    C_DECODE_ERROR, C_DECODED_CAP, C_RATIO_CAP, C_UNKNOWN_ENCODING, C_GAP_IN_BODY,
    C_GAP_IN_HEAD, C_GAP_IN_REQUEST, C_UNANSWERED, C_ORPHAN_RESPONSES, C_TUNNEL, C_UPGRADE,
    C_GAVE_UP, C_BODY_TRUNC, C_ROLE_CONFLICT, C_OOM, C_CL_AND_TE, C_CHUNK_TOO_BIG,
    C__COUNT
};

/* ---- state ---- */

enum role { ROLE_UNKNOWN = 0, ROLE_REQ, ROLE_RESP };

enum dstate {
    S_HEAD = 0,     /* accumulating a head; blen == 0 at a message boundary */
    S_RESYNC,       /* framing lost: looking for a line that starts a message */
    S_BODY_LEN,     /* Content-Length body, `remaining` bytes to go */
    S_CHUNK_SIZE,   /* chunk-size hex digits */
    S_CHUNK_EXT,    /* chunk extensions, up to LF */
    S_CHUNK_DATA,   /* chunk data, `remaining` bytes to go */
    S_CHUNK_END,    /* CRLF after chunk data */
    S_TRAILER,      /* trailer section, up to an empty line */
    S_BODY_CLOSE,   /* body runs to the end of the direction */
    S_DEAD,         /* nothing more to parse in this direction */
};

/* A request kept until its response ends. One allocation: this struct, then
 * hdrs[n_hdrs], then head[head_len] which the views point into. */
struct pend {
    uint32_t flags;
    struct bytes method, uri;
    uint8_t version;
    struct http_header *hdrs;
    unsigned n_hdrs;
    uint64_t body_wire, body_decoded;
    struct timeval ts;
    uint8_t *head;
    size_t head_len;
};

struct hdir {
    enum role role;
    enum dstate st;
    uint8_t *buf;              /* head buffer (per message), up to cfg->http_max_header_bytes */
    size_t blen, bcap;
    size_t line_start;         /* offset in buf of the line being accumulated */
    bool first_line_done;
    bool strict;               /* head is a resync candidate: reject quietly */
    bool at_line_start;        /* S_RESYNC: next byte begins a line */
    bool resync_pending;       /* the next message carries TXN_RESYNC */
    struct http_header *hdrs;  /* parsed headers of the head in buf (per message) */
    struct timeval head_ts;    /* packet time of the first byte of the head */
    /* body framing */
    uint64_t remaining;
    uint64_t chunk_size;
    unsigned chunk_digits;
    size_t line_len;           /* chunk-size line or trailer line so far */
    uint64_t trailer_bytes;
};

/* The response transaction in progress. */
struct rtx {
    bool active;
    int dir;                   /* direction carrying the response */
    struct http_txn t;
    struct pend *req;          /* owned; NULL when TXN_REQ_MISSING */
    struct body_consumer *bc;
    struct codec *codec;
    bool decoding;             /* body bytes still go to the sink */
};

struct http1_state {
    struct hdir d[2];
    int client_dir;            /* -1 until a direction showed its role */
    bool dead;                 /* gave up, tunnel, or upgraded: ignore the rest */
    struct pend **q;           /* ring of pending requests */
    unsigned q_head, q_len, q_cap;
    struct pend *req_body_of;  /* request whose body the request direction reads */
    struct rtx *rx;            /* the response transaction in progress, or NULL: allocated
                                * at its head, freed at its end, so an idle flow (requests
                                * waiting, or a keep-alive between transactions) holds none */
};

/* A response transaction is in progress. */
static inline bool http1_resp_active(const struct http1_state *st) { return st->rx && st->rx->active; }

static inline void http1_cnt(const struct dissect_env *env, int c) { env->counters[c]++; }

/* ---- http1.c ---- */

/* Forget the head being accumulated in d (its bytes are dead) and wait for
 * the next message head. */
void http1_head_reset(struct hdir *d);
/* Framing lost in d: look for a line that starts a message; the next
 * message found carries TXN_RESYNC. Counted. */
void http1_enter_resync(struct hdir *d, bool at_line_start, const struct dissect_env *env);
/* Free a pending request (NULL is a no-op), forgetting it as the request
 * whose body is being read. */
void http1_pend_free(struct http1_state *st, struct pend *pe);

/* ---- http1_body.c ---- */

void http1_stop_decoding(struct rtx *rx);
/* Wire bytes / payload bytes of the body being read in direction dir. */
void http1_body_wire(struct http1_state *st, int dir, uint64_t n, const struct dissect_env *env);
void http1_body_payload(struct http1_state *st, int dir, const uint8_t *p, size_t n,
                        const struct dissect_env *env);
/* End the response transaction in progress (if any) with extra flags: drain
 * the decoder, call the sink's end(), free its request, reset the head. */
void http1_resp_end(struct http1_state *st, uint32_t flags, const struct dissect_env *env);
/* Choose the decoder for a body from its Content-Encoding value. */
void http1_setup_codec(struct rtx *rx, struct bytes ce, const struct dissect_env *env);
/* Stop parsing the flow; counter says why. */
void http1_give_up(struct http1_state *st, int counter, const struct dissect_env *env);
/* The body of the message in direction dir is complete. */
void http1_body_done(struct http1_state *st, int dir, const struct dissect_env *env);
/* Body states: consume bytes, return how many were used. */
size_t http1_feed_counted(struct http1_state *st, int dir, const uint8_t *p, size_t len,
                          const struct dissect_env *env);
size_t http1_feed_chunk(struct http1_state *st, int dir, const uint8_t *p, size_t len,
                        const struct dissect_env *env);

#endif
