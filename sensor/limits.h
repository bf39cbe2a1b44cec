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

#endif
