/* limits.h -- every quantity taken from input has a named cap here.
 *
 * These are the defaults; each has a config key (the long CLI option of the same
 * name, see config.h) and a counter that says how often it was hit.
 */
#ifndef BW_LIMITS_H
#define BW_LIMITS_H

/* ---- flow table ---- */
#define LIM_MAX_FLOWS            1000000u   /* --max-flows */
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
