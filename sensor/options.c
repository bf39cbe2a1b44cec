/* options.c -- the option table and its parsers. */
#include "options.h"
#include "config.h"
#include "limits.h"
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define F(field) offsetof(struct config, field)

const struct option_def option_table[] = {
    /* capture */
    { "read", 'r', OPT_INPUT, 0, "FILE", "read packets from a pcap/pcapng file ('-' = stdin) or every capture file in a directory; repeatable: the inputs are one stream, merged in packet-time order" },
    { "no-merge", 0, OPT_BOOL, F(no_merge), NULL, "read the -r inputs one after the other as separate captures (their flows end with each file)" },
    { "interface", 'i', OPT_STR, F(iface), "IFACE", "capture live on IFACE (promiscuous)" },
    { "snaplen", 's', OPT_U32, F(snaplen), "BYTES", "live capture snapshot length (default 262144)" },
    { "buffer-size", 'B', OPT_U32, F(buffer_size), "BYTES", "live capture kernel buffer (default 64M)" },
    /* outputs */
    { "transactions", 0, OPT_STR, F(transactions), "FILE", "write one JSON line per HTTP transaction ('-' = stdout)" },
    { "stats", 0, OPT_STR, F(stats_file), "FILE", "write final statistics as JSON to FILE" },
    { "sensor-name", 0, OPT_STR, F(sensor_name), "NAME", "this sensor's name in outputs (default: host name)" },
    { "quiet", 'q', OPT_BOOL, F(quiet), NULL, "no statistics on stderr at exit" },
    { "alerts", 0, OPT_STR, F(alerts), "FILE", "write alerts as JSON lines to FILE ('-' = stdout)" },
    { "schema", 0, OPT_STR, F(schema), "SCHEMA", "alert layout: ecs (Elastic Common Schema, default) or ocsf (OCSF Data Security Finding, class 2006)" },
    /* detection */
    { "hash-key-file", 0, OPT_STR, F(hash_key_file), "FILE", "secret for keyed hashes of PII (created 0600 if absent; default /var/lib/bleedwatch/hash.key)" },
    { "home-net", 0, OPT_STR, F(home_net), "CIDR,...", "networks of your own clients ('private' = RFC 1918/4193); outside = higher severity" },
    { "public-ok", 0, OPT_STR, F(public_ok), "RULE,...", "endpoints public on purpose, never alerted: provider:account/container/prefix, host/path or /path" },
    { "alert-high-risk-min", 0, OPT_U32, F(alert_high_risk_min), "N", "high-risk values (card, national id, IBAN, credential) that alone alert (default 1)" },
    { "alert-distinct-min", 0, OPT_U32, F(alert_distinct_min), "N", "distinct lower-risk values that alert (default 3)" },
    { "pii-disable", 0, OPT_STR, F(pii_disable), "KIND,...", "PII kinds not to look for (email, phone, payment_card, national_id, iban, person_name, date_of_birth, postal_address, email_message, credential)" },
    { "geoip", 0, OPT_LIST, F(geoip), "FILE", "MaxMind DB (GeoIP2/GeoLite2 or ip-location-db) for source geo/ASN; repeatable, first wins per field" },
    { "pii-context", 0, OPT_LIST, F(pii_context), "KIND:FIELD,...", "more field names whose values are of KIND (e.g. phone:handynummer,gsm); repeatable" },
    { "pii-scan-cap", 0, OPT_U64, F(pii_scan_cap), "BYTES", "scan at most BYTES of each body (default 0 = the whole body)" },
    { "pii-max-depth", 0, OPT_U32, F(pii_max_depth), "N", "JSON/XML nesting that keeps field-name context for the PII scan (default 32, at most 63)" },
    { "pace", 0, OPT_U32, F(pace), "N", "replay capture files at N times real time, by their timestamps (default 0: as fast as possible)" },
    { "user", 'u', OPT_STR, F(user), "NAME", "drop privileges to NAME once the capture and outputs are open" },
    { "pidfile", 0, OPT_STR, F(pidfile), "FILE", "write the process id to FILE (removed at exit)" },
    { "syslog", 0, OPT_BOOL, F(use_syslog), NULL, "log to syslog (daemon facility) instead of stderr" },
    { "workers", 'w', OPT_U32, F(workers), "N", "worker threads, at most 256 (default: the usable cores reading files, one fewer live or with a capture thread, at least 1: CPU affinity and cgroup quota count; 1 = inline in the capture thread)" },
    { "ring-size", 0, OPT_U32, F(ring_size), "BYTES", "most a worker's packet ring may hold (default 32M; it grows from 256K when needed)" },
    { "capture-thread", 0, OPT_BOOL, F(capture_thread), NULL, "offline: one capture thread reads the files and hands each worker its packets over a ring (as live), instead of every worker reading the files itself" },
    { "fanout", 0, OPT_BOOL, F(fanout), NULL, "live: each worker reads its own socket of an AF_PACKET fanout group (the kernel's symmetric flow hash, no capture thread; the -B buffer is shared out); for plain Ethernet/VLAN IP traffic: tunnelled feeds (GRE/ERSPAN, VXLAN, MPLS) and IPv6 fragments need the default capture thread" },
    /* flows */
    { "max-flows", 0, OPT_U32, F(max_flows), "N", "most flows tracked at once per worker; least recently active evicted past it (default 1000000)" },
    { "tcp-idle-timeout", 0, OPT_U32, F(tcp_idle_timeout), "SECONDS", "expire idle TCP flows (default 300)" },
    { "tcp-close-timeout", 0, OPT_U32, F(tcp_close_timeout), "SECONDS", "keep closed TCP flows for stray packets (default 10)" },
    { "udp-idle-timeout", 0, OPT_U32, F(udp_idle_timeout), "SECONDS", "expire idle UDP/other flows (default 60)" },
    { "ndpi-max-packets", 0, OPT_U32, F(ndpi_max_packets), "N", "give up nDPI classification after N packets (default 32)" },
    /* reassembly */
    { "ooo-bytes-per-flow", 0, OPT_U32, F(ooo_bytes_per_flow), "BYTES", "out-of-order bytes buffered per flow (default 1M)" },
    { "ooo-bytes-total", 0, OPT_U64, F(ooo_bytes_total), "BYTES", "out-of-order bytes buffered in total (default 256M)" },
    { "ooo-segs-per-flow", 0, OPT_U32, F(ooo_segs_per_flow), "N", "out-of-order segments buffered per flow (default 1024)" },
    /* http */
    { "http-max-header-bytes", 0, OPT_U32, F(http_max_header_bytes), "BYTES", "cap on one HTTP message head (default 64K)" },
    { "http-max-headers", 0, OPT_U32, F(http_max_headers), "N", "cap on header lines per message (default 128)" },
    { "http-max-pipeline", 0, OPT_U32, F(http_max_pipeline), "N", "requests awaiting a response per flow (default 64)" },
    { "http-max-decoded", 0, OPT_U64, F(http_max_decoded), "BYTES", "decompressed bytes per body (default 1G)" },
    { "http-max-ratio", 0, OPT_U32, F(http_max_ratio), "N", "max decompressed/compressed ratio per body (default 1000)" },
    { "http-max-chunk", 0, OPT_U64, F(http_max_chunk), "BYTES", "largest chunk-size believed; a larger one ends the body (default 1G)" },
    /* wire protocols */
    { "mongodb-max-message", 0, OPT_U32, F(mongodb_max_message), "BYTES", "longest MongoDB message (or decompressed body) parsed; a longer one is skipped (default 16M)" },
    { "mongodb-max-json", 0, OPT_U32, F(mongodb_max_json), "BYTES", "JSON rendered per MongoDB reply for the PII scan (default 8M)" },
    { "bson-max-depth", 0, OPT_U32, F(bson_max_depth), "N", "BSON nesting rendered; deeper documents become null (default 100, at most 1000)" },
    { "bson-max-elements", 0, OPT_U32, F(bson_max_elements), "N", "BSON elements rendered per document (default 1000000)" },
    { "resp-max-depth", 0, OPT_U32, F(resp_max_depth), "N", "nesting of a Redis (RESP) reply (default 32, also the most)" },
    { "resp-max-elements", 0, OPT_U32, F(resp_max_elements), "N", "values in one Redis reply or arguments in one command (default 1000000)" },
    { "resp-max-line", 0, OPT_U32, F(resp_max_line), "BYTES", "longest RESP type line or inline command (default 64K)" },
    { "resp-max-message", 0, OPT_U32, F(resp_max_message), "BYTES", "longest Redis message buffered while it arrives (default 16M)" },
    { "resp-max-json", 0, OPT_U32, F(resp_max_json), "BYTES", "JSON rendered per Redis reply for the PII scan (default 8M)" },
    /* redis sink */
    { "redis", 0, OPT_STR, F(redis_url), "URL", "send alerts to Redis: redis://[user:pass@]host[:port][/db] or unix:///path[?db=N]" },
    { "redis-password-file", 0, OPT_STR, F(redis_password_file), "FILE", "Redis password from FILE (must not be readable by group/others); else REDISCLI_AUTH" },
    { "redis-mode", 0, OPT_STR, F(redis_mode), "MODE", "list (RPUSH, default), stream (XADD) or channel (PUBLISH)" },
    { "redis-prefix", 0, OPT_STR, F(redis_prefix), "PREFIX", "Redis key prefix (default bleedwatch)" },
    { "redis-list-max", 0, OPT_U32, F(redis_list_max), "N", "list mode: keep the newest N alerts (LTRIM; default 0 = no cap)" },
    { "redis-stream-maxlen", 0, OPT_U32, F(redis_stream_maxlen), "N", "stream mode: XADD MAXLEN ~ N (default 1000000, 0 = none)" },
    { "redis-timeout-ms", 0, OPT_U32, F(redis_timeout_ms), "MS", "Redis connect/reply timeout (default 5000)" },
    { "redis-drain-timeout", 0, OPT_U32, F(redis_drain_timeout), "SECONDS", "at exit, wait this long for Redis before spooling the rest (default 10)" },
    { "redis-batch", 0, OPT_U32, F(redis_batch), "N", "commands per pipelined batch (default 256)" },
    { "redis-queue-max", 0, OPT_U32, F(redis_queue_max), "N", "commands queued in memory before spilling to the spool (default 100000)" },
    { "redis-queue-bytes", 0, OPT_U64, F(redis_queue_bytes), "BYTES", "bytes queued in memory before spilling to the spool (default 256M)" },
    { "redis-heartbeat-ttl", 0, OPT_U32, F(redis_heartbeat_ttl), "SECONDS", "TTL of the sensor heartbeat hash (default 60)" },
    { "spool-dir", 0, OPT_STR, F(spool_dir), "DIR", "disk spool for alerts Redis cannot take now (default /var/lib/bleedwatch/spool)" },
    { "spool-max-bytes", 0, OPT_U64, F(spool_max_bytes), "BYTES", "spool size cap; past it alerts are dropped and counted (default 1G)" },
    { "spool-fsync", 0, OPT_STR, F(spool_fsync), "POLICY", "always, batch (default) or never" },
    /* mirror feeds */
    { "vxlan-ports", 0, OPT_STR, F(vxlan_ports), "PORT,...", "UDP ports decoded as VXLAN ('none' = off; default 4789)" },
    { "geneve-port", 0, OPT_U32, F(geneve_port), "PORT", "UDP port decoded as Geneve (0 = off; default 6081)" },
    { "no-dedup", 0, OPT_BOOL, F(no_dedup), NULL, "keep duplicate packets (two mirrored ports) instead of dropping the second copy" },
    { "dedup-window-ms", 0, OPT_U32, F(dedup_window_ms), "MS", "a copy this close in time is a duplicate (default 10)" },
    { "dedup-size", 0, OPT_U32, F(dedup_size), "N", "recent packets remembered for duplicate suppression (default 8192)" },
    { "no-frag-reassembly", 0, OPT_BOOL, F(no_frag), NULL, "do not reassemble IP fragments (they are counted only)" },
    { "frag-timeout", 0, OPT_U32, F(frag_timeout), "SECONDS", "drop a datagram not completed in time (default 30)" },
    { "frag-max-bytes", 0, OPT_U32, F(frag_max_bytes), "BYTES", "largest reassembled payload (default 65535)" },
    { "frag-max-datagrams", 0, OPT_U32, F(frag_max_datagrams), "N", "datagrams reassembled at once, oldest evicted past it (default 4096)" },
    { "frag-max-total", 0, OPT_U64, F(frag_max_total), "BYTES", "fragment bytes buffered in all (default 32M)" },
    { "frag-max-fragments", 0, OPT_U32, F(frag_max_fragments), "N", "fragments per datagram before it is dropped (default 128)" },
    { "frag-min-size", 0, OPT_U32, F(frag_min_size), "BYTES", "a smaller non-last fragment is counted as tiny (default 64)" },
    { "no-tunnel-flow-key", 0, OPT_BOOL, F(no_tunnel_flow_key), NULL, "one flow whatever VNI/key/session a packet came through (both ends of a conversation mirrored in two sessions, e.g. AWS per-ENI sessions)" },
    /* actions */
    { "config", 'c', OPT_STR, F(config_file), "FILE", "read options from FILE (keys = long option names); command-line options override it" },
    { "help", 'h', OPT_ACTION, 0, NULL, "show this help and exit" },
    { "version", 'V', OPT_ACTION, 0, NULL, "show the version and exit" },
    { NULL, 0, 0, 0, NULL, NULL },
};

/* Numeric options with a narrower range than their type's: checked when a
 * value is applied, from the command line or a config file. The caps on
 * hostile input take no 0 (it would refuse everything); the depth caps stop
 * where the per-level state or the recursion that serves them does. */
static const struct {
    size_t offset;
    uint64_t min, max;
} option_ranges[] = {
    { F(workers), 0, LIM_WORKERS_MAX },
    { F(pii_max_depth), 1, LIM_PII_DEPTH_MAX },
    { F(http_max_chunk), 1, UINT64_MAX },
    { F(mongodb_max_message), 1, UINT32_MAX },
    { F(mongodb_max_json), 1, UINT32_MAX },
    { F(bson_max_depth), 1, LIM_BSON_DEPTH_MAX },
    { F(bson_max_elements), 1, UINT32_MAX },
    { F(resp_max_depth), 1, LIM_RESP_DEPTH_MAX },
    { F(resp_max_elements), 1, UINT32_MAX },
    { F(resp_max_line), 1, UINT32_MAX },
    { F(resp_max_message), 1, UINT32_MAX },
    { F(resp_max_json), 1, UINT32_MAX },
};

/* The range of the numeric option at offset (its type's when not listed). */
static void option_range(size_t offset, uint64_t type_max, uint64_t *min, uint64_t *max)
{
    *min = 0;
    *max = type_max;
    for (size_t i = 0; i < sizeof option_ranges / sizeof option_ranges[0]; i++)
        if (option_ranges[i].offset == offset) {
            *min = option_ranges[i].min;
            *max = option_ranges[i].max;
        }
}

const struct option_def *option_find(const char *name)
{
    for (const struct option_def *o = option_table; o->name; o++)
        if (strcmp(o->name, name) == 0) return o;
    return NULL;
}

const struct option_def *option_find_short(char c)
{
    for (const struct option_def *o = option_table; o->name; o++)
        if (o->short_name && o->short_name == c) return o;
    return NULL;
}

/* Decimal with an optional k/m/g suffix (powers of 1024). */
static int parse_size(const char *s, uint64_t max, uint64_t *out)
{
    if (!*s) return -1;
    errno = 0;
    char *end;
    if (*s == '-' || *s == '+') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) return -1;
    uint64_t mul = 1;
    if (*end) {
        switch (*end) {
        case 'k': case 'K': mul = 1ull << 10; break;
        case 'm': case 'M': mul = 1ull << 20; break;
        case 'g': case 'G': mul = 1ull << 30; break;
        default: return -1;
        }
        if (end[1]) return -1;
    }
    if (v > max / mul) return -1;
    *out = v * mul;
    return 0;
}

int option_apply(struct config *cfg, const struct option_def *o, const char *value,
                 char *err, size_t errlen)
{
    char *base = (char *)cfg;
    uint64_t v, min, max;
    switch (o->type) {
    case OPT_STR:
        *(const char **)(base + o->offset) = value;
        return 0;
    case OPT_BOOL:
        *(bool *)(base + o->offset) = true;
        return 0;
    case OPT_INPUT:
        if (cfg->n_inputs >= CFG_MAX_INPUTS) {
            snprintf(err, errlen, "too many -r inputs (at most %d)", CFG_MAX_INPUTS);
            return -1;
        }
        cfg->inputs[cfg->n_inputs++] = value;
        return 0;
    case OPT_LIST: {
        struct str_list *l = (struct str_list *)(base + o->offset);
        if (l->n >= CFG_MAX_LIST) {
            snprintf(err, errlen, "--%s given more than %d times", o->name, CFG_MAX_LIST);
            return -1;
        }
        l->v[l->n++] = value;
        return 0;
    }
    case OPT_U32:
        option_range(o->offset, UINT32_MAX, &min, &max);
        if (parse_size(value, max, &v) < 0 || v < min) {
            snprintf(err, errlen, "--%s: '%s' is not a number from %" PRIu64 " to %" PRIu64, o->name, value, min, max);
            return -1;
        }
        *(uint32_t *)(base + o->offset) = (uint32_t)v;
        return 0;
    case OPT_U64:
        option_range(o->offset, UINT64_MAX, &min, &max);
        if (parse_size(value, max, &v) < 0 || v < min) {
            if (max != UINT64_MAX)
                snprintf(err, errlen, "--%s: '%s' is not a number from %" PRIu64 " to %" PRIu64, o->name, value, min, max);
            else if (min)
                snprintf(err, errlen, "--%s: '%s' is not a number of at least %" PRIu64, o->name, value, min);
            else
                snprintf(err, errlen, "--%s: '%s' is not a number", o->name, value);
            return -1;
        }
        *(uint64_t *)(base + o->offset) = v;
        return 0;
    case OPT_ACTION:
        return 0;
    }
    return -1;
}

void option_usage(FILE *f)
{
    for (const struct option_def *o = option_table; o->name; o++) {
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
        fprintf(f, "  %-34s %s\n", left, o->help);
    }
}
