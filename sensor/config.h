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
};

/* Fill with the defaults of limits.h. */
void config_defaults(struct config *cfg);

#endif
