/* stats.c -- summing and printing counters. */
#include "stats.h"
#include "decode.h"
#include "dissect.h"
#include "flow.h"
#include "json.h"
#include "sink.h"
#include "stream.h"
#include "worker.h"
#include <inttypes.h>
#include <string.h>

static const char *const gap_names[GAP__COUNT] = { "loss", "snaplen", "cap" };
static const char *const end_names[FLOW__ENDS] = { "closed", "idle", "evicted", "shutdown" };

struct totals {
    struct worker_stats w;
    struct stream_stats s;
    struct flow_stats f;
};

static void sum(struct totals *t, struct worker *const *w, unsigned n)
{
    memset(t, 0, sizeof *t);
    for (unsigned i = 0; i < n; i++) {
        const struct worker_stats *ws = worker_stats(w[i]);
        const struct stream_stats *ss = worker_stream_stats(w[i]);
        const struct flow_stats *fs = worker_flow_stats(w[i]);
        /* every field is a uint64_t counter: sum them as arrays */
        const uint64_t *a = (const uint64_t *)ws;
        uint64_t *b = (uint64_t *)&t->w;
        for (size_t k = 0; k < sizeof *ws / sizeof(uint64_t); k++) b[k] += a[k];
        a = (const uint64_t *)ss;
        b = (uint64_t *)&t->s;
        for (size_t k = 0; k < sizeof *ss / sizeof(uint64_t); k++) b[k] += a[k];
        a = (const uint64_t *)fs;
        b = (uint64_t *)&t->f;
        for (size_t k = 0; k < sizeof *fs / sizeof(uint64_t); k++) b[k] += a[k];
    }
}

static uint64_t decode_errors(const struct worker_stats *w)
{
    uint64_t e = 0;
    for (int r = 0; r < DEC__COUNT; r++)
        if (r != DEC_OK && r != DEC_OTHER_L4 && r != DEC_NOT_IP && r != DEC_FRAGMENT) e += w->decode[r];
    return e;
}

void stats_summary(struct worker *const *w, unsigned n, struct stats_summary *out)
{
    struct totals t;
    sum(&t, w, n);
    out->packets = t.w.packets;
    out->bytes = t.w.bytes;
    out->decode_errors = decode_errors(&t.w);
    out->flows_active = t.f.active;
    out->flows_created = t.f.created;
    out->transactions = t.w.transactions;
    out->alerts = t.w.alerts;
    uint64_t c = t.f.table_full + t.s.cap_flow_hits + t.s.cap_total_hits + t.w.pii_depth_capped;
    for (size_t d = 0; dissector_table[d]; d++) {
        const struct dissector *dis = dissector_table[d];
        for (size_t k = 0; k < dis->n_counters && k < 64; k++)
            if (dis->cap_counters >> k & 1)
                for (unsigned i = 0; i < n; i++) c += worker_dissector_counters(w[i], d)[k];
    }
    out->caps_hit = c;
    out->truncated_packets = t.w.truncated;
    out->gap_bytes_loss = t.s.gap_bytes[GAP_LOSS];
    out->gap_bytes_snaplen = t.s.gap_bytes[GAP_SNAPLEN];
}

void stats_print_sink(FILE *f, const struct sink_stats *s)
{
    if (!s) return;
    fprintf(f, "  redis: %" PRIu64 " alerts in, %" PRIu64 " sent, %" PRIu64 " spooled, %" PRIu64 " replayed, %" PRIu64
               " dropped; %" PRIu64 " connects, %" PRIu64 " connect failures, %" PRIu64 " timeouts, %" PRIu64
               " rejected\n", s->alerts_in, s->sent, s->spooled, s->replayed, s->dropped, s->connects,
            s->connect_failures, s->timeouts, s->err_rejected);
}

static void stats_json_sink(struct json *j, const struct sink_stats *s)
{
    json_key(j, "redis");
    json_obj_open(j);
    json_kv_u64(j, "alerts_in", s->alerts_in);
    json_kv_u64(j, "sent", s->sent);
    json_kv_u64(j, "ledger_sent", s->ledger_sent);
    json_kv_u64(j, "spooled", s->spooled);
    json_kv_u64(j, "replayed", s->replayed);
    json_kv_u64(j, "dropped", s->dropped);
    json_kv_u64(j, "ledger_dropped", s->ledger_dropped);
    json_kv_u64(j, "connects", s->connects);
    json_kv_u64(j, "connect_failures", s->connect_failures);
    json_kv_u64(j, "timeouts", s->timeouts);
    json_kv_u64(j, "rejected", s->err_rejected);
    json_obj_close(j);
}

/* ---- mirror feeds: duplicates, tunnels, fragments ---- */

#define FRAG_FIELDS(X) X(fragments) X(reassembled) X(overlap_same) X(overlap_conflict) X(tiny) \
    X(too_many) X(too_big) X(inconsistent) X(timeout) X(evicted) X(dropped_fragments) X(truncated) \
    X(in_flight) X(bytes) X(bytes_peak)

static void mirror_json(struct json *j, const struct worker_stats *w)
{
    json_key(j, "mirror");
    json_obj_open(j);
    json_kv_u64(j, "duplicates", w->duplicates);
    json_key(j, "tunnels");
    json_obj_open(j);
    for (int k = 1; k < TUN__COUNT; k++) json_kv_u64(j, decode_tunnel_name((enum tunnel_type)k), w->tunnel[k]);
    json_obj_close(j);
    json_key(j, "fragments");
    json_obj_open(j);
#define FRAG_JSON(f) json_kv_u64(j, #f, w->frag.f);
    FRAG_FIELDS(FRAG_JSON)
#undef FRAG_JSON
    json_obj_close(j);
    json_obj_close(j);
}

static void mirror_print(FILE *f, const struct worker_stats *w)
{
    uint64_t tun = 0;
    for (int k = 1; k < TUN__COUNT; k++) tun += w->tunnel[k];
    if (!w->duplicates && !tun && !w->frag.fragments) return;
    fprintf(f, "  mirror: %" PRIu64 " duplicates dropped, %" PRIu64 " tunneled packets", w->duplicates, tun);
    for (int k = 1; k < TUN__COUNT; k++)
        if (w->tunnel[k]) fprintf(f, ", %s %" PRIu64, decode_tunnel_name((enum tunnel_type)k), w->tunnel[k]);
    fprintf(f, "\n");
    if (!w->frag.fragments) return;
    fprintf(f, "  fragments: %" PRIu64 " in, %" PRIu64 " datagrams reassembled", w->frag.fragments, w->frag.reassembled);
#define FRAG_PRINT(x) \
    if (w->frag.x && strcmp(#x, "fragments") && strcmp(#x, "reassembled")) fprintf(f, ", %s %" PRIu64, #x, w->frag.x);
    FRAG_FIELDS(FRAG_PRINT)
#undef FRAG_PRINT
    fprintf(f, "\n");
}

void stats_json(struct json *j, struct worker *const *w, unsigned n, const struct capture_totals *c,
                const struct sink_stats *ss)
{
    struct totals t;
    sum(&t, w, n);
    json_obj_open(j);
    json_kv_u64(j, "packets", t.w.packets);
    json_kv_u64(j, "bytes", t.w.bytes);
    json_kv_u64(j, "tcp_packets", t.w.tcp);
    json_kv_u64(j, "udp_packets", t.w.udp);
    json_kv_u64(j, "truncated_packets", t.w.truncated);
    json_kv_u64(j, "decode_errors", decode_errors(&t.w));
    json_key(j, "decode");
    json_obj_open(j);
    for (int r = 0; r < DEC__COUNT; r++)
        if (t.w.decode[r]) json_kv_u64(j, decode_reason_name((enum decode_reason)r), t.w.decode[r]);
    json_obj_close(j);
    json_key(j, "capture");
    json_obj_open(j);
    json_kv_u64(j, "files", c->files);
    json_kv_u64(j, "read_errors", c->read_errors);
    json_kv_u64(j, "files_skipped", c->files_skipped);
    json_kv_u64(j, "pcap_received", c->pcap_received);
    json_kv_u64(j, "pcap_dropped", c->pcap_dropped);
    json_kv_u64(j, "pcap_ifdropped", c->pcap_ifdropped);
    json_kv_u64(j, "ring_waits", c->ring_waits);
    json_kv_u64(j, "fragments_steered", c->fragments_steered);
    json_kv_u64(j, "fragments_held", c->fragments_held);
    json_key(j, "worker_packets");   /* how the flows spread over the workers */
    json_arr_open(j);
    for (unsigned i = 0; i < n; i++) json_u64(j, worker_stats(w[i])->packets);
    json_arr_close(j);
    json_key(j, "worker_cpu_s");   /* how the work spread: each worker thread's CPU seconds */
    json_arr_open(j);
    for (unsigned i = 0; i < n; i++) json_double(j, worker_cpu_seconds(w[i]), 3);
    json_arr_close(j);
    json_obj_close(j);
    json_key(j, "flows");
    json_obj_open(j);
    json_kv_u64(j, "created", t.f.created);
    json_kv_u64(j, "active", t.f.active);
    json_kv_u64(j, "peak", t.f.peak);
    json_kv_u64(j, "evicted_table_full", t.f.table_full);
    for (int e = 0; e < FLOW__ENDS; e++) json_kv_u64(j, end_names[e], t.f.ended[e]);
    json_kv_u64(j, "alloc_failures", t.w.flow_alloc_fail);
    json_kv_u64(j, "dissected", t.w.dissected_flows);
    json_kv_u64(j, "uninspected_packets", t.w.uninspected_packets);
    json_kv_u64(j, "ndpi_detected", t.w.ndpi_detected);
    json_kv_u64(j, "ndpi_giveup", t.w.ndpi_giveup);
    json_obj_close(j);
    json_key(j, "reassembly");
    json_obj_open(j);
    json_kv_u64(j, "segments", t.s.segments);
    json_kv_u64(j, "in_order", t.s.in_order);
    json_kv_u64(j, "ooo_buffered", t.s.ooo_buffered);
    json_kv_u64(j, "ooo_seg_mallocs", t.s.seg_mallocs);
    json_kv_u64(j, "retrans_bytes", t.s.retrans_bytes);
    json_kv_u64(j, "overlap_bytes", t.s.overlap_bytes);
    json_kv_u64(j, "cap_flow_hits", t.s.cap_flow_hits);
    json_kv_u64(j, "cap_total_hits", t.s.cap_total_hits);
    json_kv_u64(j, "ooo_bytes_peak", t.s.ooo_bytes_peak);
    for (int g = 0; g < GAP__COUNT; g++) {
        char k[32];
        snprintf(k, sizeof k, "gaps_%s", gap_names[g]);
        json_kv_u64(j, k, t.s.gaps[g]);
        snprintf(k, sizeof k, "gap_bytes_%s", gap_names[g]);
        json_kv_u64(j, k, t.s.gap_bytes[g]);
    }
    json_obj_close(j);
    mirror_json(j, &t.w);
    json_kv_u64(j, "transactions", t.w.transactions);
    json_key(j, "detection");
    json_obj_open(j);
    json_kv_u64(j, "bodies_scanned", t.w.bodies_scanned);
    json_kv_u64(j, "body_bytes_scanned", t.w.body_bytes_scanned);
    json_kv_u64(j, "body_wire_bytes_scanned", t.w.body_wire_bytes_scanned);
    json_kv_u64(j, "pii_depth_capped", t.w.pii_depth_capped);
    json_kv_u64(j, "alerts", t.w.alerts);
    json_kv_u64(j, "alerts_auth_unknown", t.w.alerts_auth_unknown);
    json_kv_u64(j, "alerts_dropped", t.w.alerts_dropped);
    json_obj_close(j);
    json_key(j, "dissectors");
    json_obj_open(j);
    for (size_t d = 0; dissector_table[d]; d++) {
        const struct dissector *dis = dissector_table[d];
        json_key(j, dis->name);
        json_obj_open(j);
        for (size_t k = 0; k < dis->n_counters; k++) {
            uint64_t v = 0;
            for (unsigned i = 0; i < n; i++) v += worker_dissector_counters(w[i], d)[k];
            json_kv_u64(j, dis->counter_names[k], v);
        }
        json_obj_close(j);
    }
    json_obj_close(j);
    if (ss) stats_json_sink(j, ss);
    json_obj_close(j);
}

void stats_print(FILE *f, struct worker *const *w, unsigned n, const struct capture_totals *c)
{
    struct totals t;
    sum(&t, w, n);
    fprintf(f, "bleedwatch: %" PRIu64 " packets, %" PRIu64 " bytes (%" PRIu64 " tcp, %" PRIu64 " udp, %" PRIu64
               " snaplen-truncated)\n", t.w.packets, t.w.bytes, t.w.tcp, t.w.udp, t.w.truncated);
    fprintf(f, "  capture: %" PRIu64 " inputs (%" PRIu64 " skipped), %" PRIu64 " read errors, pcap received %" PRIu64
               " dropped %" PRIu64 " ifdropped %" PRIu64 "\n", c->files, c->files_skipped, c->read_errors, c->pcap_received, c->pcap_dropped,
            c->pcap_ifdropped);
    fprintf(f, "  decode: %" PRIu64 " errors", decode_errors(&t.w));
    for (int r = 0; r < DEC__COUNT; r++)
        if (r != DEC_OK && t.w.decode[r])
            fprintf(f, ", %s %" PRIu64, decode_reason_name((enum decode_reason)r), t.w.decode[r]);
    fprintf(f, "\n");
    fprintf(f, "  flows: %" PRIu64 " created, %" PRIu64 " peak, %" PRIu64 " evicted (table full), %" PRIu64
               " idle-expired, %" PRIu64 " dissected, %" PRIu64 " uninspected packets\n",
            t.f.created, t.f.peak, t.f.table_full, t.f.ended[FLOW_END_IDLE], t.w.dissected_flows,
            t.w.uninspected_packets);
    fprintf(f, "  reassembly: %" PRIu64 " segments, %" PRIu64 " out-of-order, %" PRIu64 " retransmitted bytes, gaps:"
               " loss %" PRIu64 " (%" PRIu64 " bytes), snaplen %" PRIu64 " (%" PRIu64 " bytes), cap %" PRIu64 " (%" PRIu64
               " bytes)\n", t.s.segments, t.s.ooo_buffered, t.s.retrans_bytes, t.s.gaps[GAP_LOSS],
            t.s.gap_bytes[GAP_LOSS], t.s.gaps[GAP_SNAPLEN], t.s.gap_bytes[GAP_SNAPLEN], t.s.gaps[GAP_CAP],
            t.s.gap_bytes[GAP_CAP]);
    fprintf(f, "  transactions: %" PRIu64 ", bodies scanned %" PRIu64 " (%" PRIu64 " bytes, %" PRIu64
               " on the wire), alerts %" PRIu64 " (%" PRIu64 " with auth unknown, %" PRIu64 " dropped)\n",
            t.w.transactions, t.w.bodies_scanned, t.w.body_bytes_scanned, t.w.body_wire_bytes_scanned, t.w.alerts,
            t.w.alerts_auth_unknown, t.w.alerts_dropped);
    mirror_print(f, &t.w);
    struct stats_summary sm;
    stats_summary(w, n, &sm);
    fprintf(f, "  hostile-input caps hit: %" PRIu64 "%s\n", sm.caps_hit,
            sm.caps_hit ? " (each in the --stats JSON)" : "");
}
