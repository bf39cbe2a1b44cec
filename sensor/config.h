/* config.h -- one const configuration, read by every stage, filled from the CLI.
 *
 * The long option name is the config key (see main.c's option table): a field
 * here, a line there, nothing else.
 */
#ifndef BW_CONFIG_H
#define BW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CFG_MAX_INPUTS 256

struct config {
    /* capture */
    const char *inputs[CFG_MAX_INPUTS];  /* -r FILE ... ("-" = stdin) */
    unsigned n_inputs;
    const char *iface;                   /* -i IFACE */
    const char *bpf;                     /* trailing arguments joined */
    unsigned snaplen;
    unsigned buffer_size;                /* bytes */

    /* outputs */
    const char *transactions;            /* --transactions FILE|- */
    const char *stats_file;              /* --stats FILE (JSON at exit) */
    const char *sensor_name;             /* --sensor-name */

    /* flow table */
    uint32_t max_flows;
    uint32_t tcp_idle_timeout;
    uint32_t tcp_close_timeout;
    uint32_t udp_idle_timeout;
    uint32_t ndpi_max_packets;

    /* reassembly */
    uint32_t ooo_bytes_per_flow;
    uint64_t ooo_bytes_total;
    uint32_t ooo_segs_per_flow;

    /* http */
    uint32_t http_max_header_bytes;
    uint32_t http_max_headers;
    uint32_t http_max_pipeline;
    uint64_t http_max_decoded;
    uint32_t http_max_ratio;

    bool quiet;
    const char *config_file;             /* -c FILE */

    /* detection */
    const char *alerts;                  /* --alerts FILE|- */
    const char *hash_key_file;           /* --hash-key-file */
    const char *home_net;                /* --home-net CIDR,... */
    const char *public_ok;               /* --public-ok RULE,... */
    uint32_t alert_high_risk_min;        /* --alert-high-risk-min */
    uint32_t alert_distinct_min;         /* --alert-distinct-min */
    const char *pii_disable;             /* --pii-disable KIND,... */
    uint64_t pii_scan_cap;               /* --pii-scan-cap BYTES (0 = whole body) */

    /* strings owned by the config (values read from a config file) */
    struct owned *owned;

    /* mirror feeds: tunnels, IP fragments, duplicates */
    const char *vxlan_ports;             /* --vxlan-ports PORT,... (default 4789) */
    uint32_t geneve_port;                /* --geneve-port (default 6081, 0 = off) */
    bool no_dedup;                       /* --no-dedup */
    uint32_t dedup_window_ms;            /* --dedup-window-ms */
    uint32_t dedup_size;                 /* --dedup-size: digests remembered */
    bool no_frag;                        /* --no-frag-reassembly */
    uint32_t frag_timeout;               /* --frag-timeout SECONDS */
    uint32_t frag_max_bytes;             /* --frag-max-bytes: payload per datagram */
    uint32_t frag_max_datagrams;         /* --frag-max-datagrams: in flight */
    uint64_t frag_max_total;             /* --frag-max-total: bytes buffered */
    uint32_t frag_max_fragments;         /* --frag-max-fragments: per datagram */
    uint32_t frag_min_size;              /* --frag-min-size: smaller non-last fragments are counted as tiny */
    bool no_tunnel_flow_key;             /* --no-tunnel-flow-key: tunnel ids do not separate flows */
};

/* Fill with the defaults of limits.h. */
void config_defaults(struct config *cfg);

/* Read FILE's "key value" lines into cfg (keys = long option names).
 * Returns 0, or -1 with "FILE:LINE: message" in err. */
int config_load_file(struct config *cfg, const char *path, char *err, size_t errlen);

/* Free the strings a config file left in cfg. */
void config_release(struct config *cfg);

#endif
