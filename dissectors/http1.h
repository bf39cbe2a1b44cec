/* http1.h -- the HTTP/1.x dissector and its message-head parser.
 *
 * http1.c is the per-flow state machine (framing, pairing, bodies, gaps);
 * http1_parse.c parses one complete message head held in a buffer into views
 * (picohttpparser style: no allocation, caller-supplied header array). The
 * parser is exported so that tests and fuzz targets can drive it alone.
 */
#ifndef BW_HTTP1_H
#define BW_HTTP1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bytes.h"
#include "dissect.h"
#include "txn.h"

extern const struct dissector http1_dissector;

/* What a line start looks like (see http1_classify). */
enum http1_start {
    HTTP1_START_NO = 0,     /* neither a request line nor a status line */
    HTTP1_START_MAYBE,      /* a prefix that could still become one */
    HTTP1_START_REQ,        /* method token + SP + a target character */
    HTTP1_START_RESP,       /* "HTTP/1.d DDD" */
};

/* A parsed message head. Views point into the buffer given to the parser. */
struct http1_head {
    bool is_response;
    struct bytes method, uri;   /* request */
    int status;                 /* response */
    struct bytes reason;
    uint8_t version;            /* 10 or 11 */
    unsigned n_hdrs;            /* headers stored in the caller's array */
    unsigned n_lines;           /* valid header lines seen (may exceed n_hdrs) */
    unsigned n_bad_lines;       /* header lines skipped: no colon, name not a token */
    /* Framing, gathered over every header line (stored or not). */
    bool has_cl;                /* a valid Content-Length */
    bool cl_bad;                /* unparsable or conflicting Content-Length */
    uint64_t content_length;
    bool has_te;                /* any Transfer-Encoding */
    bool chunked;               /* Transfer-Encoding whose last coding is chunked */
    bool conn_close, upgrade;
    struct bytes content_encoding;   /* first Content-Encoding header, trimmed */
};

/* Classify the bytes at a line start. (p, len) is whatever is available: a
 * short prefix gives HTTP1_START_MAYBE. strict restricts request methods to
 * upper-case letters, '-' and '_' (resynchronisation inside a lost body, where
 * any "word " would otherwise look like a method). Pure. */
enum http1_start http1_classify(const uint8_t *p, size_t len, bool strict);

/* Parse a start line alone (no line terminator in (p, len)). Fills the
 * start-line fields of h. Returns 0, or -1 if the line is not a valid
 * HTTP/1.0 or 1.1 request line or status line. */
int http1_parse_start_line(const uint8_t *p, size_t len, struct http1_head *h);

/* Parse a complete head: start line, header lines, and the empty line that
 * ends it (CRLF or bare LF line ends; obs-fold must have been unfolded by the
 * caller, see http1_unfold). Up to max_hdrs headers are stored in hdrs.
 * Returns PARSE_OK with consumed = bytes of the head, PARSE_NEED_MORE if the
 * empty line is not there yet, PARSE_ERROR if the start line is invalid. */
struct parse_result http1_parse_head(const uint8_t *p, size_t len, struct http1_head *h,
                                     struct http_header *hdrs, unsigned max_hdrs);

/* Replace each obs-fold (a line break followed by SP or HTAB, RFC 9112 5.2)
 * in a head buffer the caller owns by spaces, in place. */
/* A line (without its LF) of nothing but CRs: the end of a head, as clients
 * read "\r\r\n". */
bool http1_blank_line(const uint8_t *p, size_t len);
void http1_unfold(uint8_t *p, size_t len);

#endif
