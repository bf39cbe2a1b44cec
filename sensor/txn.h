/* txn.h -- an HTTP transaction as the dissector hands it to later stages.
 *
 * Every struct bytes here is a view into the dissector's per-flow buffers and
 * lives until the txn_sink callback that received it returns.
 */
#ifndef BW_TXN_H
#define BW_TXN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include "bytes.h"

struct http_header {
    struct bytes name;
    struct bytes value;
};

/* Flags on a transaction: what the sensor could not see or chose not to decode. */
enum {
    TXN_REQ_MISSING   = 1u << 0,  /* response without a request (mid-stream pickup, loss) */
    TXN_REQ_PARTIAL   = 1u << 1,  /* a gap inside the request: its headers may be incomplete */
    TXN_RESP_MISSING  = 1u << 2,  /* request never answered (flow ended first) */
    TXN_BODY_GAP      = 1u << 3,  /* bytes of the response body were never seen */
    TXN_BODY_SNAPLEN  = 1u << 4,  /* snaplen cut body bytes */
    TXN_BODY_CAP      = 1u << 5,  /* a cap ended the body: decoded size, ratio, chunk size, rendered JSON */
    TXN_BODY_TRUNC    = 1u << 6,  /* connection ended before the announced length */
    TXN_DECODE_ERROR  = 1u << 7,  /* Content-Encoding could not be decoded */
    TXN_HEAD_TOO_BIG  = 1u << 8,  /* a message head exceeded the header cap */
    TXN_RESYNC        = 1u << 9,  /* parser lost framing after a gap and resynchronised */
    TXN_CONN_AUTH     = 1u << 10, /* wire protocols: the connection authenticated earlier (a credential) */
    TXN_CONN_MIDSTREAM = 1u << 11, /* wire protocols: the connection's start was not seen (auth unknown) */
};

struct http_txn {
    int client_dir;                 /* stream direction (0/1) the request came from */
    uint32_t flags;                 /* TXN_* */

    /* request (method.len == 0 when TXN_REQ_MISSING) */
    struct bytes method, uri;
    uint8_t req_version;            /* 10 for HTTP/1.0, 11 for HTTP/1.1, 9 for 0.9 */
    const struct http_header *req_hdrs;
    unsigned n_req_hdrs;
    uint64_t req_body_wire;         /* request body bytes on the wire */
    uint64_t req_body_decoded;
    struct timeval ts_request;

    /* response (status == 0 when TXN_RESP_MISSING) */
    int status;
    struct bytes reason;
    uint8_t resp_version;
    const struct http_header *resp_hdrs;
    unsigned n_resp_hdrs;
    uint64_t resp_body_wire;        /* bytes of body framing on the wire (chunk lines included) */
    uint64_t resp_body_decoded;     /* bytes delivered to the body consumer */
    struct timeval ts_response;     /* first byte of the response */
    struct timeval ts_end;          /* last byte of the response */

    /* Frequently used header values, found once by the dissector (len 0 = absent). */
    struct bytes host, user_agent, content_type, content_encoding, authorization;

    /* Non-HTTP application protocol ("mongodb", "redis") whose exchange this
     * transaction renders (method = command, uri = resource, body = reply as
     * JSON); NULL for HTTP. */
    const char *app_proto;
};

/* Look up a header by name (case-insensitive) in a header array. Returns the
 * first match's value, or a view of length 0 with p == NULL. */
struct bytes http_header_getn(const struct http_header *h, unsigned n, const char *name, size_t nl);
static inline struct bytes http_header_get(const struct http_header *h, unsigned n, const char *name)
{
    return http_header_getn(h, n, name, strlen(name));   /* inline: a literal's length is a constant */
}

/* Opaque per-body consumer handed out by the txn_sink (the PII engine's scan). */
struct body_consumer;

/* Where a dissector sends transactions. All callbacks run on the worker thread.
 * begin() is called once per transaction, when the response head has been
 * parsed (or at flow end for an unanswered request, immediately followed by
 * end()). body() gets decoded response-body bytes in order; end() is called
 * exactly once after begin() with the final counters and flags. The http_txn
 * handed to begin() (and every view in it) stays valid until end() returns:
 * end() receives the same object, so a consumer may keep the pointer. */
struct txn_sink {
    struct body_consumer *(*begin)(void *ctx, const struct http_txn *t);
    void (*body)(void *ctx, struct body_consumer *bc, const uint8_t *p, size_t len);
    /* len bytes of the (decoded) body are missing here: scanners reset context. */
    void (*body_gap)(void *ctx, struct body_consumer *bc, uint64_t len);
    void (*end)(void *ctx, struct body_consumer *bc, const struct http_txn *t);
};

#endif
