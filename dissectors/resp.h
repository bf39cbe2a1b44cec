/* resp.h -- Redis serialization protocol (RESP2 and RESP3) parsing, shared by
 * the Redis dissector (resp.c), its tests and fuzz targets.
 *
 *   +simple\r\n   -error\r\n   :int\r\n   $len\r\n<bytes>\r\n   *count\r\n<values>
 *   RESP3: _\r\n  #t\r\n  ,double\r\n  (bignum\r\n  !len blob error  =len verbatim
 *          %count map (2*count values)  ~count set  >count push  |count attribute
 * Spec: https://redis.io/docs/latest/develop/reference/protocol-spec/
 *
 * Nothing here allocates. Depth, element counts and line lengths are capped
 * (struct resp_limits).
 */
#ifndef BW_RESP_H
#define BW_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bytes.h"
#include "limits.h"

/* The server's proto-max-bulk-len default. Not a cap but a recognition rule:
 * a longer bulk length means the bytes are not RESP. The caps are below
 * (struct resp_limits) and in config.h (--resp-max-message, --resp-max-json). */
#define RESP_BULK_MAX (512u << 20)
#define RESP_PENDING 64u              /* pipelined commands awaiting replies */
#define RESP_MAX_ARGS 8u              /* command arguments kept per request */

/* Caps on one value or command (--resp-max-depth, --resp-max-elements,
 * --resp-max-line). A NULL pointer wherever one is taken means the defaults
 * of limits.h. max_depth above LIM_RESP_DEPTH_MAX is taken as that. */
struct resp_limits {
    unsigned max_depth;     /* nesting of aggregates */
    uint64_t max_elems;     /* values in one value (all levels), arguments of one command */
    size_t max_line;        /* a type line or an inline command, CRLF excluded */
};

struct resp_scan_stats {
    uint64_t depth_capped, elems_capped, line_capped;
};

/* Find the end of one complete RESP value at p. PARSE_OK: consumed = its
 * length; PARSE_NEED_MORE: needed = the least number of further bytes that
 * can complete it (1 when unknown); PARSE_ERROR: not RESP (or a cap of lim
 * hit: counted in st when st is not NULL). */
struct parse_result resp_scan(const uint8_t *p, size_t len, const struct resp_limits *lim,
                              struct resp_scan_stats *st);

/* Resumable scanning of one value that arrives in pieces: the state at the
 * start of the first incomplete element, so a long reply is not rescanned
 * from its first byte at every delivery. */
struct resp_scanner {
    uint64_t left[LIM_RESP_DEPTH_MAX + 1];
    unsigned depth;
    uint64_t elems;
    size_t off;
    bool active;
};

/* As resp_scan, for p/len = the same value's bytes from its first byte, a
 * longer prefix at each call (with the same lim). NEED_MORE keeps the state
 * in *sc; OK and ERROR end it (the next call starts a new value).
 * Zero-initialise sc, or set active = false, to start. */
struct parse_result resp_scan_more(struct resp_scanner *sc, const uint8_t *p, size_t len,
                                   const struct resp_limits *lim, struct resp_scan_stats *st);

/* One request: a RESP array of bulk strings, or an inline command line
 * (words split on blanks). Up to RESP_MAX_ARGS arguments are kept as views
 * into p; nargs is the full count. */
struct resp_cmd {
    struct bytes arg[RESP_MAX_ARGS];
    uint64_t nargs;
    bool inl;
};

/* Parse one request at p. Same result convention as resp_scan; the line and
 * argument caps of lim apply (counted in st when not NULL). */
struct parse_result resp_parse_cmd(const uint8_t *p, size_t len, const struct resp_limits *lim,
                                   struct resp_cmd *cmd, struct resp_scan_stats *st);

struct wjson;

/* How a reply is laid out as JSON. */
enum resp_render_mode {
    RESP_R_PLAIN = 0,      /* arrays as arrays, maps as objects */
    RESP_R_PAIRS,          /* the top array alternates field, value: render an object (HGETALL in RESP2) */
    RESP_R_STREAM,         /* stream entries [id, [f, v, ...]]: objects keyed by id (XRANGE) */
    RESP_R_NAMED,          /* the top array answers named requests (MGET keys, HMGET fields):
                              an object keyed by the names given to resp_render_named */
};

/* Render the complete value at p (len = what resp_scan consumed, so within
 * the caps it was scanned with; nesting past LIM_RESP_DEPTH_MAX renders as
 * null whatever the input) as JSON into w. wrap_key, when set, wraps it as
 * {"wrap_key": value} so the key name gives field context. Bulk strings
 * that hold a JSON object or array are embedded as they are; other strings
 * are quoted. Errors render as {"error": "..."}. */
void resp_render(const uint8_t *p, size_t len, enum resp_render_mode mode, struct bytes wrap_key,
                 struct wjson *w);

/* The same with names for RESP_R_NAMED: element i of the top array is keyed
 * by names[i] (n of them; elements past n keep their index as key). */
void resp_render_named(const uint8_t *p, size_t len, const struct bytes *names, size_t n, struct wjson *w);

/* Is the value at p an error reply ('-' or '!')? Its text into *msg. */
bool resp_is_error(const uint8_t *p, size_t len, struct bytes *msg);

#endif
