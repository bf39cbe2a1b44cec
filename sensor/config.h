/* config.h -- one const configuration, read by every stage, filled from the CLI.
 *
 * The long option name is the config key (see options.c's option table): a
 * field here, a line there, nothing else.
 */
#ifndef BW_CONFIG_H
#define BW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CFG_MAX_INPUTS 256
#define CFG_MAX_LIST 16

/* A repeatable option's values, in the order given. */
struct str_list {
    const char *v[CFG_MAX_LIST];
    unsigned n;
};

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
    uint64_t http_max_chunk;             /* --http-max-chunk: larger chunk-size = chunk_too_big */

    /* wire protocols (dissectors/mongodb.c, resp.c; bson.c through mongodb.c) */
    uint32_t mongodb_max_message;        /* --mongodb-max-message BYTES */
    uint32_t mongodb_max_json;           /* --mongodb-max-json BYTES per reply */
    uint32_t bson_max_depth;             /* --bson-max-depth 1..LIM_BSON_DEPTH_MAX */
    uint32_t bson_max_elements;          /* --bson-max-elements per document */
    uint32_t resp_max_depth;             /* --resp-max-depth 1..LIM_RESP_DEPTH_MAX */
    uint32_t resp_max_elements;          /* --resp-max-elements per value or command */
    uint32_t resp_max_line;              /* --resp-max-line BYTES */
    uint32_t resp_max_message;           /* --resp-max-message BYTES buffered */
    uint32_t resp_max_json;              /* --resp-max-json BYTES per reply */

    bool quiet;
    const char *config_file;             /* -c FILE */
    uint32_t workers;                    /* --workers N (0 = usable cores - 1, at least 1) */
    uint32_t ring_size;                  /* --ring-size BYTES per worker */
    bool fanout;                         /* --fanout: live, a socket per worker (AF_PACKET fanout) */
    bool capture_thread;                 /* --capture-thread: offline, one reader feeding the workers */
    uint32_t pace;                       /* --pace N: offline replay at N x real time (0 = flat out) */
    const char *user;                    /* --user NAME: drop privileges after opening */
    const char *pidfile;                 /* --pidfile FILE */
    bool use_syslog;                     /* --syslog */

    /* detection */
    const char *alerts;                  /* --alerts FILE|- */
    const char *schema;                  /* --schema ecs|ocsf: the alert's layout */
    const char *hash_key_file;           /* --hash-key-file */
    const char *home_net;                /* --home-net CIDR,... */
    const char *public_ok;               /* --public-ok RULE,... */
    uint32_t alert_high_risk_min;        /* --alert-high-risk-min */
    uint32_t alert_distinct_min;         /* --alert-distinct-min */
    const char *pii_disable;             /* --pii-disable KIND,... */
    uint64_t pii_scan_cap;               /* --pii-scan-cap BYTES (0 = whole body) */
    uint32_t pii_max_depth;              /* --pii-max-depth 1..LIM_PII_DEPTH_MAX */
    struct str_list geoip;               /* --geoip FILE (repeatable) */
    struct str_list pii_context;         /* --pii-context KIND:FIELD,... (repeatable) */

    /* strings owned by the config (values read from a config file) */
    struct owned *owned;

    /* redis sink (sink_redis.c, spool.c) */
    const char *redis_url;               /* --redis URL (NULL: no Redis sink) */
    const char *redis_password_file;     /* --redis-password-file FILE (mode 0600) */
    const char *redis_mode;              /* --redis-mode list|stream|channel */
    const char *redis_prefix;            /* --redis-prefix (key prefix) */
    uint32_t redis_list_max;             /* --redis-list-max: LTRIM cap, 0 = none */
    uint32_t redis_stream_maxlen;        /* --redis-stream-maxlen: XADD MAXLEN ~, 0 = none */
    uint32_t redis_timeout_ms;           /* --redis-timeout-ms: connect and reply timeout */
    uint32_t redis_drain_timeout;        /* --redis-drain-timeout: seconds at close */
    uint32_t redis_batch;                /* --redis-batch: commands per pipelined batch */
    uint32_t redis_queue_max;            /* --redis-queue-max: commands held in memory */
    uint64_t redis_queue_bytes;          /* --redis-queue-bytes: bytes held in memory */
    uint32_t redis_heartbeat_ttl;        /* --redis-heartbeat-ttl: seconds */
    const char *spool_dir;               /* --spool-dir */
    uint64_t spool_max_bytes;            /* --spool-max-bytes */
    const char *spool_fsync;             /* --spool-fsync always|batch|never */
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
    bool no_merge;                       /* --no-merge: -r inputs one after the other, not one stream */
    bool no_tunnel_flow_key;             /* --no-tunnel-flow-key: tunnel ids do not separate flows */
};

/* Fill with the defaults of limits.h. */
void config_defaults(struct config *cfg);

/* Read FILE's "key value" lines into cfg (keys = long option names).
 * Returns 0, or -1 with "FILE:LINE: message" in err. */
int config_load_file(struct config *cfg, const char *path, char *err, size_t errlen);

/* Free the strings a config file left in cfg. */
void config_release(struct config *cfg);

/* How long after an address pair's last packet a flow or fragment of it may
 * still live, in microseconds: the longest flow or fragment timeout and two
 * seconds (a tick and its margin). A pair keeps its worker that long
 * (pairs.h), and a server hint lasts that long (worker.c). */
uint64_t config_pair_hold_us(const struct config *cfg);

#endif
