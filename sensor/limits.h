/* limits.h -- every quantity taken from input has a named cap here.
 *
 * These are the defaults; each has a config key (the long CLI option of the same
 * name, see config.h) and a counter that says how often it was hit.
 */
#ifndef BW_LIMITS_H
#define BW_LIMITS_H

/* ---- flow table ---- */
#define LIM_MAX_FLOWS            1000000u   /* --max-flows */
#define LIM_WORKERS_MAX          256u       /* the most --workers takes (and its default: cores - 1); each
                                             * costs ~4 MB and ~30 ms of nDPI set-up, made one at a time */
#define LIM_TCP_IDLE_TIMEOUT_S   300u       /* --tcp-idle-timeout */
#define LIM_TCP_CLOSE_TIMEOUT_S  10u        /* --tcp-close-timeout: after FIN/RST */
#define LIM_UDP_IDLE_TIMEOUT_S   60u        /* --udp-idle-timeout */
#define LIM_NDPI_MAX_PACKETS     32u        /* --ndpi-max-packets: give up classifying after */

/* ---- TCP reassembly ---- */
#define LIM_OOO_BYTES_PER_FLOW   (1u << 20)   /* --ooo-bytes-per-flow */
#define LIM_OOO_BYTES_TOTAL      (256u << 20) /* --ooo-bytes-total */
#define LIM_OOO_SEGS_PER_FLOW    1024u        /* --ooo-segs-per-flow */

/* ---- HTTP ---- */
#define LIM_HTTP_HEADER_BYTES    (64u << 10)  /* --http-max-header-bytes: request or response head */
#define LIM_HTTP_HEADERS         128u         /* --http-max-headers: header lines per message */
#define LIM_HTTP_PIPELINE        64u          /* --http-max-pipeline: requests awaiting a response */
#define LIM_HTTP_DECODED_BYTES   (1ull << 30) /* --http-max-decoded: decompressed bytes per body */
#define LIM_HTTP_DECOMP_RATIO    1000u        /* --http-max-ratio: decoded/wire bytes per body */
#define LIM_HTTP_CHUNK_LINE      1024u        /* chunk-size line incl. extensions */
#define LIM_HTTP_MAX_CHUNK       (1ull << 30) /* --http-max-chunk: a larger chunk-size ends the body (chunk_too_big) */

/* ---- MongoDB, BSON, Redis (RESP) ----
 * Recognition rules are not caps and stay with their protocol: MONGO_MAX_MSG
 * (mongodb.h) and RESP_BULK_MAX (resp.h) are the servers' own limits, and a
 * length past them means the bytes are not that protocol at all. */
#define LIM_MONGODB_MAX_MESSAGE  (16u << 20)  /* --mongodb-max-message: a message (or decompressed body) buffered and parsed */
#define LIM_MONGODB_MAX_JSON     (8u << 20)   /* --mongodb-max-json: JSON rendered per reply */
#define LIM_BSON_MAX_DEPTH       100u         /* --bson-max-depth: nesting rendered; deeper documents become null */
#define LIM_BSON_DEPTH_MAX       1000u        /* the most --bson-max-depth takes: rendering recurses once per level */
#define LIM_BSON_MAX_ELEMS       1000000u     /* --bson-max-elements: elements rendered per document */
#define LIM_RESP_MAX_DEPTH       32u          /* --resp-max-depth: nesting of aggregates in one value */
#define LIM_RESP_DEPTH_MAX       32u          /* the most --resp-max-depth takes: the scanner's per-level stack */
#define LIM_RESP_MAX_ELEMS       1000000u     /* --resp-max-elements: values in one reply, arguments in one command */
#define LIM_RESP_MAX_LINE        (64u << 10)  /* --resp-max-line: a type line or an inline command */
#define LIM_RESP_MAX_MESSAGE     (16u << 20)  /* --resp-max-message: a message buffered while it arrives */
#define LIM_RESP_MAX_JSON        (8u << 20)   /* --resp-max-json: JSON rendered per reply */

/* ---- PII field context ---- */
#define LIM_PII_MAX_DEPTH        32u          /* --pii-max-depth: JSON/XML nesting that keeps field classes */
#define LIM_PII_DEPTH_MAX        63u          /* the most --pii-max-depth takes: per-depth bits in a 64-bit mask */

/* ---- decode ---- */
#define LIM_DECODE_DEPTH         8u           /* nested encapsulations / extension headers */
#define LIM_IPV6_EXT_HEADERS     16u
#define LIM_MPLS_LABELS          8u           /* MPLS label stack entries walked */

/* ---- mirror feeds: IP fragments, duplicates ---- */
#define LIM_FRAG_TIMEOUT_S       30u          /* --frag-timeout: an incomplete datagram is dropped after */
#define LIM_FRAG_MAX_BYTES       65535u       /* --frag-max-bytes: reassembled payload per datagram */
#define LIM_FRAG_MAX_DATAGRAMS   4096u        /* --frag-max-datagrams: in flight */
#define LIM_FRAG_MAX_TOTAL       (32u << 20)  /* --frag-max-total: buffered bytes in all */
#define LIM_FRAG_MAX_FRAGMENTS   128u         /* --frag-max-fragments: per datagram */
#define LIM_FRAG_MIN_SIZE        64u          /* --frag-min-size: a smaller non-last fragment is counted as tiny */
#define LIM_FRAG_HEADER          512u         /* unfragmentable part kept per datagram (IPv6 ext headers) */
#define LIM_DEDUP_WINDOW_MS      10u          /* --dedup-window-ms */
#define LIM_DEDUP_SIZE           8192u        /* --dedup-size: recent packet digests kept */

#endif
