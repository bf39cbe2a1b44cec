/* config.c -- defaults for struct config. */
#include "config.h"
#include "limits.h"
#include <string.h>

uint64_t config_pair_hold_us(const struct config *cfg)
{
    uint32_t hold = cfg->tcp_idle_timeout;
    if (cfg->tcp_close_timeout > hold) hold = cfg->tcp_close_timeout;
    if (cfg->udp_idle_timeout > hold) hold = cfg->udp_idle_timeout;
    if (cfg->frag_timeout > hold) hold = cfg->frag_timeout;
    return ((uint64_t)hold + 2) * 1000000u;
}

void config_defaults(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->snaplen = 262144;
    cfg->buffer_size = 64u << 20;
    cfg->sensor_name = NULL;
    cfg->max_flows = LIM_MAX_FLOWS;
    cfg->tcp_idle_timeout = LIM_TCP_IDLE_TIMEOUT_S;
    cfg->tcp_close_timeout = LIM_TCP_CLOSE_TIMEOUT_S;
    cfg->udp_idle_timeout = LIM_UDP_IDLE_TIMEOUT_S;
    cfg->ndpi_max_packets = LIM_NDPI_MAX_PACKETS;
    cfg->ooo_bytes_per_flow = LIM_OOO_BYTES_PER_FLOW;
    cfg->ooo_bytes_total = LIM_OOO_BYTES_TOTAL;
    cfg->ooo_segs_per_flow = LIM_OOO_SEGS_PER_FLOW;
    cfg->http_max_header_bytes = LIM_HTTP_HEADER_BYTES;
    cfg->http_max_headers = LIM_HTTP_HEADERS;
    cfg->http_max_pipeline = LIM_HTTP_PIPELINE;
    cfg->http_max_decoded = LIM_HTTP_DECODED_BYTES;
    cfg->http_max_ratio = LIM_HTTP_DECOMP_RATIO;
    cfg->http_max_chunk = LIM_HTTP_MAX_CHUNK;
    cfg->mongodb_max_message = LIM_MONGODB_MAX_MESSAGE;
    cfg->mongodb_max_json = LIM_MONGODB_MAX_JSON;
    cfg->bson_max_depth = LIM_BSON_MAX_DEPTH;
    cfg->bson_max_elements = LIM_BSON_MAX_ELEMS;
    cfg->resp_max_depth = LIM_RESP_MAX_DEPTH;
    cfg->resp_max_elements = LIM_RESP_MAX_ELEMS;
    cfg->resp_max_line = LIM_RESP_MAX_LINE;
    cfg->resp_max_message = LIM_RESP_MAX_MESSAGE;
    cfg->resp_max_json = LIM_RESP_MAX_JSON;
    cfg->pii_max_depth = LIM_PII_MAX_DEPTH;
    cfg->ring_size = 32u << 20;
    cfg->alert_high_risk_min = 1;
    cfg->alert_distinct_min = 3;
    cfg->redis_mode = "list";
    cfg->schema = "ecs";
    cfg->redis_prefix = "bleedwatch";
    cfg->redis_list_max = 0;                    /* no cap */
    cfg->redis_stream_maxlen = 1000000;
    cfg->redis_timeout_ms = 5000;
    cfg->redis_drain_timeout = 10;
    cfg->redis_batch = 256;
    cfg->redis_queue_max = 100000;
    cfg->redis_queue_bytes = 256ull << 20;
    cfg->redis_heartbeat_ttl = 60;
    cfg->spool_dir = "/var/lib/bleedwatch/spool";
    cfg->spool_max_bytes = 1ull << 30;
    cfg->spool_fsync = "batch";
    cfg->geneve_port = 6081;
    cfg->dedup_window_ms = LIM_DEDUP_WINDOW_MS;
    cfg->dedup_size = LIM_DEDUP_SIZE;
    cfg->frag_timeout = LIM_FRAG_TIMEOUT_S;
    cfg->frag_max_bytes = LIM_FRAG_MAX_BYTES;
    cfg->frag_max_datagrams = LIM_FRAG_MAX_DATAGRAMS;
    cfg->frag_max_total = LIM_FRAG_MAX_TOTAL;
    cfg->frag_max_fragments = LIM_FRAG_MAX_FRAGMENTS;
    cfg->frag_min_size = LIM_FRAG_MIN_SIZE;
}
