/* worker.c -- from a captured frame to dissector callbacks, for one worker. */
#include "worker.h"
#include "alert.h"
#include "ocsf.h"
#include "config.h"
#include "dedup.h"
#include "dissect.h"
#include "ecs.h"
#include "json.h"
#include "ledger.h"
#include "ndpi_mod.h"
#include "pairs.h"
#include "pipeline.h"
#include "txlog.h"
#include "txn.h"
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <ndpi_api.h>
#include <xxhash.h>

#define MAX_DISSECTORS 16
#define PROBE_BUF 256u            /* bytes held per direction while probes say MAYBE */
#define PROBE_BUDGET (64u << 10)  /* bytes per direction looked at before giving up */

/* Per-transaction state while a response body streams by: the body prefix for
 * storage recognition, the listing counter, the PII scan. */
struct body_consumer {
    struct body_consumer *next_free;
    uint8_t prefix[STORAGE_BODY_PREFIX];
    uint32_t prefix_len;
    bool classified, matched;
    struct storage_result sr;
    void *listing;
    pii_scan *scan;
    bool scan_pending;               /* scan once the prefix shows a storage API */
    enum pii_doc_type doc;
    const struct http_txn *t;        /* valid from begin to end (txn.h) */
};

/* What a server was recognised as: emulators and some gateways send provider
 * headers only on some responses, so a server's strong recognition (a listing
 * body, provider headers) carries over to its plainer responses to the same
 * client. Per client and server (address pair, server port), never per
 * server alone, and nothing but time ends one: so what a response is known
 * as does not depend on the number of workers, on which of them met another
 * client first, or on which other pairs a worker holds (the same alerts with
 * 1 and with N workers):
 *  - an address pair's flows are all in one worker;
 *  - a hint lasts config_pair_hold_us after its pair's last classified
 *    response (packet time of the flow's latest packet), the time a pair
 *    keeps its worker; a later response of the pair is known without it, as
 *    it would be on the worker the pair may move to;
 *  - the hints are a table keyed by a 64-bit hash of the pair, not slots
 *    that pairs share (a 1,024-slot table gave 1 and 3 workers other alerts
 *    once two of the pairs with a hint fell in one slot), swept on ticks, at
 *    most HINTS_MAX pairs a worker (past that a new one is not kept);
 *  - the end of a separate input (--no-merge) ends them with its flows.
 * The value of an entry (struct pair's worker field) is the profile's index
 * in storage_profiles(). */
#define HINTS_MAX (1u << 16)

struct worker {
    struct pairs hints;              /* server hints (above) */
    const struct config *cfg;
    const struct pipeline *pipe;
    unsigned index;
    flow_table *flows;
    struct stream_pool pool;
    struct ndpi_detection_module_struct *ndpi;
    pii_scratch *scratch;
    struct body_consumer *bc_free;   /* reused consumers: no malloc per transaction */
    clockid_t cpu_clock;             /* the CPU clock of the thread that runs it (worker_new's) */
    bool cpu_clock_ok;
    uint64_t cpu_ns0;                /* its reading at worker_new */
    _Atomic uint64_t cpu_ns_kept;    /* its time since then when the thread shed (0: still running) */
    struct json json;
    size_t n_dissectors;
    uint64_t *dcount[MAX_DISSECTORS];
    struct worker_stats st;
    uint64_t now_us, last_expire_us;
    struct timeval now_tv;
    const char *input;
    frag_table *frags;               /* IP reassembly, NULL if disabled */
    dedup *dedup;                    /* duplicate suppression, NULL if disabled */
};

/* What the stream and dissector callbacks need: the worker and the flow. */
struct deliver {
    worker *w;
    struct flow *f;
};

static void on_stream_data(void *ctx, int dir, const uint8_t *p, size_t len);
static void on_stream_gap(void *ctx, int dir, uint64_t len, enum gap_reason why);
static const struct stream_sink stream_sink = { on_stream_data, on_stream_gap };

static struct body_consumer *txn_begin(void *ctx, const struct http_txn *t);
static void txn_body(void *ctx, struct body_consumer *bc, const uint8_t *p, size_t len);
static void txn_body_gap(void *ctx, struct body_consumer *bc, uint64_t len);
static void txn_end(void *ctx, struct body_consumer *bc, const struct http_txn *t);
static const struct txn_sink txn_sink = { txn_begin, txn_body, txn_body_gap, txn_end };

static size_t dissector_index(const struct dissector *d)
{
    for (size_t i = 0; dissector_table[i]; i++)
        if (dissector_table[i] == d) return i;
    return 0;
}

static struct dissect_env make_env(struct deliver *d)
{
    struct dissect_env env = {
        .cfg = d->w->cfg,
        .flow = &d->f->v,
        .ts = d->w->now_tv,
        .out = &txn_sink,
        .out_ctx = d,
        .counters = d->f->dis ? d->w->dcount[dissector_index(d->f->dis)] : NULL,
    };
    return env;
}

/* ---- teardown ---- */

static void ndpi_release(worker *w, struct flow *f)
{
    if (!f->ndpi) return;
    if (!f->ndpi_done) {
        uint8_t guessed = 0;
        ndpi_protocol r = ndpi_detection_giveup(w->ndpi, f->ndpi, 1, &guessed);
        f->v.ndpi_proto = r.master_protocol;
        f->v.ndpi_app = r.app_protocol;
        f->ndpi_done = true;
        w->st.ndpi_giveup++;
    }
    ndpi_free_flow(f->ndpi);
    f->ndpi = NULL;
}

/* Flush reassembly into the dissector, close it, free per-flow state.
 * The flow struct itself stays (lingering or about to be freed by the table). */
static void teardown(worker *w, struct flow *f)
{
    if (f->closed) return;
    f->closed = true;
    struct deliver d = { w, f };
    if (!f->inspect_off) stream_flush(&w->pool, &f->stream, &stream_sink, &d);
    else stream_release(&w->pool, &f->stream);
    if (f->dis) {
        struct dissect_env env = make_env(&d);
        f->dis->on_close(f->dis_state, &env);
        free(f->dis_state);
        f->dis_state = NULL;
    }
    for (int i = 0; i < 2; i++) {
        free(f->probe_buf[i]);
        f->probe_buf[i] = NULL;
        f->probe_len[i] = 0;
    }
    ndpi_release(w, f);
}

static void on_flow_end(void *ctx, struct flow *f, enum flow_end why)
{
    (void)why;
    teardown((worker *)ctx, f);
}

/* ---- dissector selection ---- */

static void attach(struct deliver *d, const struct dissector *dis)
{
    struct flow *f = d->f;
    f->dis = dis;
    /* malloc and memset: glibc's calloc skips the per-thread cache */
    size_t n = dis->state_size ? dis->state_size : 1;
    if ((f->dis_state = malloc(n))) memset(f->dis_state, 0, n);
    if (!f->dis_state) { f->dis = NULL; f->inspect_off = true; return; }
    d->w->st.dissected_flows++;
    struct dissect_env env = make_env(d);
    if (dis->init) dis->init(f->dis_state, &env);
}

/* Give up on a flow no dissector wants: from now on its packets are counted only. */
static void stop_inspecting(worker *w, struct flow *f)
{
    f->inspect_off = true;
    for (int i = 0; i < 2; i++) {
        free(f->probe_buf[i]);
        f->probe_buf[i] = NULL;
        f->probe_len[i] = 0;
    }
    (void)w;
}

/* Bytes arrive before any dissector claimed the flow: probe them. */
static void probe_data(struct deliver *d, int dir, const uint8_t *p, size_t len)
{
    struct flow *f = d->f;
    const uint8_t *q = p;
    size_t n = len;
    if (f->probe_len[dir]) {   /* earlier MAYBE bytes: probe them with the new ones */
        size_t room = PROBE_BUF - (size_t)f->probe_len[dir];
        size_t take = len < room ? len : room;
        memcpy(f->probe_buf[dir] + f->probe_len[dir], p, take);
        q = f->probe_buf[dir];
        n = f->probe_len[dir] + take;
    }
    bool maybe = false;
    for (size_t i = 0; dissector_table[i]; i++) {
        enum probe_result r = dissector_table[i]->probe(q, n, dir);
        if (r == PROBE_YES) {
            attach(d, dissector_table[i]);
            if (!f->dis) return;
            struct dissect_env env = make_env(d);
            if (f->probe_len[dir]) {
                /* buffered bytes first, then the rest of this delivery */
                size_t held = f->probe_len[dir];
                f->dis->on_data(f->dis_state, dir, f->probe_buf[dir], held, &env);
                f->dis->on_data(f->dis_state, dir, p, len, &env);
            } else {
                f->dis->on_data(f->dis_state, dir, p, len, &env);
            }
            for (int k = 0; k < 2; k++) {
                free(f->probe_buf[k]);
                f->probe_buf[k] = NULL;
                f->probe_len[k] = 0;
            }
            return;
        }
        if (r == PROBE_MAYBE) maybe = true;
    }
    if (maybe && n < PROBE_BUF) {
        if (!f->probe_buf[dir] && !(f->probe_buf[dir] = malloc(PROBE_BUF))) { stop_inspecting(d->w, f); return; }
        if (!f->probe_len[dir]) memcpy(f->probe_buf[dir], p, len);
        f->probe_len[dir] = (uint16_t)n;
        return;
    }
    /* a definite no for these bytes: forget them, keep looking at later ones */
    bool held = f->probe_len[dir] != 0;
    f->probe_len[dir] = 0;
    if (held) {
        /* the held prefix said no together with this delivery; this delivery
         * may still start a message of its own (SOCKS greeting, then HTTP) */
        probe_data(d, dir, p, len);
        return;
    }
    f->probe_seen[dir] += (uint32_t)(len > PROBE_BUDGET ? PROBE_BUDGET : len);
    if (f->probe_seen[0] >= PROBE_BUDGET || f->probe_seen[1] >= PROBE_BUDGET)
        stop_inspecting(d->w, f);
}

static void on_stream_data(void *ctx, int dir, const uint8_t *p, size_t len)
{
    struct deliver *d = ctx;
    struct flow *f = d->f;
    if (f->inspect_off || len == 0) return;
    if (f->dis) {
        struct dissect_env env = make_env(d);
        f->dis->on_data(f->dis_state, dir, p, len, &env);
    } else {
        probe_data(d, dir, p, len);
    }
}

static void on_stream_gap(void *ctx, int dir, uint64_t len, enum gap_reason why)
{
    struct deliver *d = ctx;
    struct flow *f = d->f;
    if (f->inspect_off) return;
    if (f->dis) {
        struct dissect_env env = make_env(d);
        f->dis->on_gap(f->dis_state, dir, len, why, &env);
    } else {
        f->probe_len[dir] = 0;   /* held bytes are no longer a prefix of anything */
    }
}

/* ---- transactions ---- */

static struct body_consumer *bc_get(worker *w)
{
    struct body_consumer *bc = w->bc_free;
    if (bc) w->bc_free = bc->next_free;
    else if (!(bc = malloc(sizeof *bc))) return NULL;
    bc->next_free = NULL;
    bc->prefix_len = 0;
    bc->classified = bc->matched = false;
    bc->listing = NULL;
    bc->scan = NULL;
    bc->scan_pending = false;
    return bc;
}

static void bc_put(worker *w, struct body_consumer *bc)
{
    free(bc->listing);
    if (bc->scan) pii_scan_abort(bc->scan);
    bc->listing = NULL;
    bc->scan = NULL;
    bc->next_free = w->bc_free;
    w->bc_free = bc;
}

/* Media that carry no text the engine could read. */
static bool opaque_media(struct bytes ct)
{
    static const char *const skip[] = { "image/", "video/", "audio/", "font/", "application/wasm",
                                        "application/x-shockwave-flash", NULL };
    ct = bytes_trim(ct);
    for (int i = 0; skip[i]; i++)
        if (bytes_iprefix(ct, skip[i])) return true;
    return false;
}

static uint64_t hint_key(const struct flow *f, int server)
{
    uint8_t k[36] = {0};
    memcpy(k, f->v.addr[server], 16);
    memcpy(k + 16, f->v.addr[!server], 16);
    memcpy(k + 32, &f->v.port[server], 2);
    k[34] = f->v.ip_version;
    uint64_t h = XXH3_64bits(k, sizeof k);
    return h ? h : 1;   /* 0 marks a free entry */
}

/* Classify with what is known of the server, and remember strong recognitions. */
static int classify(worker *w, const struct flow *f, const struct http_txn *t, struct bytes prefix,
                    struct storage_result *out)
{
    int server = t->client_dir ? 0 : 1;
    uint64_t key = hint_key(f, server);
    struct pair *h = pairs_find(&w->hints, key, f->last_us);
    const struct storage_profile *known = h ? storage_profiles()[h->worker] : NULL;
    if (h && f->last_us > h->last_us) h->last_us = f->last_us;
    int rc = storage_classify_hint(t, prefix, &w->pipe->storage, known, out);
    if (rc == 0 && !out->by_hint && out->profile && !out->profile->fallback && out->confidence >= 60) {
        const struct storage_profile *const *all = storage_profiles();
        uint32_t i = 0;
        while (all[i] && all[i] != out->profile) i++;
        if (all[i] && (h || (h = pairs_put(&w->hints, key)))) {
            h->worker = i;
            if (f->last_us > h->last_us) h->last_us = f->last_us;
        }
    }
    return rc;
}

static void classify_body(worker *w, const struct flow *f, struct body_consumer *bc, const struct http_txn *t)
{
    bc->classified = true;
    bc->matched = classify(w, f, t, bytes_of(bc->prefix, bc->prefix_len), &bc->sr) == 0;
    size_t n = bc->matched ? storage_listing_state_size(&bc->sr) : 0;
    if (n && (bc->listing = calloc(1, n)))
        storage_listing_feed(&bc->sr, bc->listing, bc->prefix, bc->prefix_len);
}

static void scan_open(worker *w, struct body_consumer *bc)
{
    bc->scan_pending = false;
    bc->scan = pii_scan_open(w->pipe->pii, w->scratch, bc->doc);
    if (bc->scan) w->st.bodies_scanned++;
}

/* A pending scan once the body prefix is classified: only a storage
 * response that could alert is scanned, from its first byte (the prefix). */
static void scan_decide(worker *w, struct body_consumer *bc)
{
    if (!bc->scan_pending) return;
    bc->scan_pending = false;
    if (!bc->matched || bc->sr.auth == AUTH_PRESENT || bc->sr.public_ok) return;
    scan_open(w, bc);
    if (bc->scan && bc->prefix_len) {
        pii_scan_feed(bc->scan, bc->prefix, bc->prefix_len);
        w->st.body_bytes_scanned += bc->prefix_len;
    }
}

static struct body_consumer *txn_begin(void *ctx, const struct http_txn *t)
{
    struct deliver *d = ctx;
    worker *w = d->w;
    struct body_consumer *bc = bc_get(w);
    if (!bc) return NULL;
    bc->t = t;
    /* Only bodies that could alert are scanned: served (2xx), no credential seen,
     * not allow-listed, something the engine can read, from a storage API.
     * Whether it is one is decided once, with the body prefix (held anyway
     * for classification): the scan waits for it, then reads it first. Most
     * bodies of other web servers are never scanned. */
    if (t->status >= 200 && t->status < 300 && w->pipe->pii && !opaque_media(t->content_type)) {
        char mime[128];
        size_t n = t->content_type.len < sizeof mime - 1 ? t->content_type.len : sizeof mime - 1;
        if (n) memcpy(mime, t->content_type.p, n);   /* no Content-Type: p may be NULL */
        bc->doc = pii_doc_type_from_mime(mime, n);
        bc->scan_pending = true;
    }
    return bc;
}

static void txn_body(void *ctx, struct body_consumer *bc, const uint8_t *p, size_t len)
{
    struct deliver *d = ctx;
    if (!bc) return;
    if (!bc->classified) {
        /* keep the prefix; once full, classify and let the listing counter
         * (fed the prefix by classify_body) take the rest */
        size_t room = sizeof bc->prefix - bc->prefix_len;
        size_t take = len < room ? len : room;
        memcpy(bc->prefix + bc->prefix_len, p, take);
        bc->prefix_len += (uint32_t)take;
        if (bc->prefix_len == sizeof bc->prefix) {
            classify_body(d->w, d->f, bc, bc->t);
            if (bc->listing && take < len) storage_listing_feed(&bc->sr, bc->listing, p + take, len - take);
            if (bc->scan_pending) {
                /* the prefix (these bytes' first `take`) goes to the scan first */
                scan_decide(d->w, bc);
                if (bc->scan && take < len) {
                    pii_scan_feed(bc->scan, p + take, len - take);
                    d->w->st.body_bytes_scanned += len - take;
                }
                return;
            }
        }
    } else if (bc->listing) {
        storage_listing_feed(&bc->sr, bc->listing, p, len);
    }
    if (bc->scan) {
        pii_scan_feed(bc->scan, p, len);
        d->w->st.body_bytes_scanned += len;
    }
}

static void txn_body_gap(void *ctx, struct body_consumer *bc, uint64_t len)
{
    struct deliver *d = ctx;
    if (!bc) return;
    if (bc->scan_pending) {
        /* the scan must see the gap where it fell: open it now, with the
         * bytes before the gap (they are all in the prefix) */
        scan_open(d->w, bc);
        if (bc->scan && bc->prefix_len) {
            pii_scan_feed(bc->scan, bc->prefix, bc->prefix_len);
            d->w->st.body_bytes_scanned += bc->prefix_len;
        }
    }
    if (bc->scan) pii_scan_gap(bc->scan, len);
}

/* event.id: sensor name, the flow's stable id and the transaction's ordinal in
 * it: the same whatever worker handles the flow. */
static void event_id(const struct flow *f, const char *sensor, char *out, size_t cap)
{
    snprintf(out, cap, "%s-%016" PRIx64 "-%u", sensor, f->v.id, f->txn_seq);
}

static void txn_end(void *ctx, struct body_consumer *bc, const struct http_txn *t)
{
    struct deliver *d = ctx;
    worker *w = d->w;
    const struct pipeline *pp = w->pipe;
    w->st.transactions++;
    d->f->txn_seq++;
    struct storage_result none;
    const struct storage_result *sr = NULL;
    if (bc) {
        if (!bc->classified) classify_body(w, d->f, bc, t);
        scan_decide(w, bc);
        if (bc->matched) sr = &bc->sr;
    } else {
        if (classify(w, d->f, t, bytes_of(NULL, 0), &none) == 0) sr = &none;
    }
    if (pp->transactions) {
        json_reset(&w->json);
        txlog_json(&w->json, &d->f->v, t, sr, d->f->input);
        jsonl_write(pp->transactions, w->json.buf, w->json.len);
    }
    if (bc && bc->scan) {
        struct pii_findings pf;
        pii_scan_close(bc->scan, &pf);
        bc->scan = NULL;
        w->st.body_wire_bytes_scanned += t->resp_body_wire;
        w->st.pii_depth_capped += pf.depth_capped;
        if (t->flags & (TXN_BODY_GAP | TXN_BODY_SNAPLEN | TXN_BODY_CAP | TXN_BODY_TRUNC | TXN_DECODE_ERROR))
            pf.complete = false;
        int c = t->client_dir ? 1 : 0;
        struct verdict v = verdict_decide(&pp->verdict, sr, &pf, d->f->v.addr[c], d->f->v.ip_version, t->status);
        if (v.alert) {
            char id[160];
            event_id(d->f, pp->sensor_name, id, sizeof id);
            w->st.alerts++;
            if (sr->auth == AUTH_UNKNOWN) w->st.alerts_auth_unknown++;
            struct geo_info gi;
            bool has_geo = pp->geo && geoip_lookup(pp->geo, d->f->v.ip_version, d->f->v.addr[c], &gi);
            struct alert_src a = { .sensor = pp->sensor_name, .event_id = id, .input = d->f->input,
                                   .flow = &d->f->v, .txn = t, .storage = sr, .pii = &pf, .verdict = &v,
                                   .client_geo = has_geo ? &gi : NULL };
            json_reset(&w->json);
            if (pp->schema_ocsf) ocsf_alert_json(&w->json, &a);
            else alert_json(&w->json, &a);
            if (pp->redis) {
                if (sink_alert(pp->redis, w->json.buf, w->json.len) < 0) w->st.alerts_dropped++;
                char ip[64];
                ecs_ip(d->f->v.ip_version, d->f->v.addr[c], ip, sizeof ip);
                struct ledger_update lu = {
                    .provider = sr->provider,
                    .account = sr->account[0] ? sr->account : NULL,
                    .container = sr->container[0] ? sr->container : NULL,
                    .ts_us = (int64_t)t->ts_end.tv_sec * 1000000 + t->ts_end.tv_usec,
                    .client_ip = ip,
                    .bytes = t->resp_body_decoded,
                    .responses = 1,
                    .hashes = pf.hashes, .n_hashes = pf.n_hashes,
                    .orgs = pf.orgs, .n_orgs = pf.n_orgs,
                };
                sink_ledger(pp->redis, &lu);
            }
            if (pp->alerts) {
                json_newline(&w->json);
                jsonl_write(pp->alerts, w->json.buf, w->json.len);
            }
        }
        pii_findings_free(&pf);
    }
    if (bc) bc_put(w, bc);
}

/* ---- classification ---- */

static void ndpi_classify(worker *w, struct flow *f, const struct pkt *p)
{
    if (f->ndpi_done || !p->l3_len) return;
    if (!f->ndpi) {
        if (p->payload_len == 0) return;   /* allocate on the first payload: idle flows stay small */
        f->ndpi = ndpi_flow_malloc(SIZEOF_FLOW_STRUCT);
        if (!f->ndpi) { f->ndpi_done = true; return; }
        memset(f->ndpi, 0, SIZEOF_FLOW_STRUCT);
    }
    size_t l3 = p->l3_len > 65535 ? 65535 : p->l3_len;
    ndpi_protocol r = ndpi_detection_process_packet(w->ndpi, f->ndpi, p->l3, (unsigned short)l3,
                                                    w->now_us / 1000);
    f->ndpi_packets++;
    if (r.app_protocol != NDPI_PROTOCOL_UNKNOWN || r.master_protocol != NDPI_PROTOCOL_UNKNOWN) {
        f->v.ndpi_proto = r.master_protocol;
        f->v.ndpi_app = r.app_protocol;
        f->ndpi_done = true;
        w->st.ndpi_detected++;
        ndpi_free_flow(f->ndpi);
        f->ndpi = NULL;
    } else if (f->ndpi_packets >= w->cfg->ndpi_max_packets) {
        ndpi_release(w, f);
    }
}

/* ---- mirror feeds: duplicates, fragments ---- */

static const struct decode_opts *decode_opts_of(const worker *w)
{
    return w->pipe->decode_set ? &w->pipe->decode : NULL;
}

/* Between decode and flow: drop a copy of a packet just seen (two mirrored
 * ports); hand a fragment to reassembly and, when its datagram completes,
 * replace *p and *r by the decoded datagram (fragments inside a reassembled
 * tunnel datagram go round once more). The tunnel and VLANs the fragments came
 * through stay on the packet. False when there is nothing more to process.
 * Copies are close in their own time (t_us), not in the worker's clock, which
 * stands still while a capture goes back in time. */
static bool mirror_packet(worker *w, struct pkt *p, enum decode_reason *r, uint64_t t_us)
{
    if (w->cfg->no_tunnel_flow_key) p->tenant_id = 0;
    bool has_l3 = *r == DEC_OK || *r == DEC_OTHER_L4 || *r == DEC_FRAGMENT;
    if (w->dedup && has_l3 && dedup_seen(w->dedup, p->l3, p->l3_len, t_us)) {
        w->st.duplicates++;
        return false;
    }
    for (int round = 0; *r == DEC_FRAGMENT && w->frags && round < 3; round++) {
        w->st.decode[DEC_FRAGMENT]++;
        size_t n = 0;
        const uint8_t *dg = frag_add(w->frags, p, w->now_us, &n);
        w->st.frag = *frag_stats(w->frags);
        if (!dg) return false;
        struct pkt carrier = *p;
        *r = decode_ip(decode_opts_of(w), carrier.ip_version, dg, n, p);
        if (!p->n_tunnels) {   /* the datagram itself held no overlay: keep the carrier's */
            memcpy(p->vlan, carrier.vlan, sizeof p->vlan);
            p->n_vlan = carrier.n_vlan;
            p->tunnel_type = carrier.tunnel_type;
            p->tunnel_id = carrier.tunnel_id;
        }
        if (!p->tenant_id || w->cfg->no_tunnel_flow_key) p->tenant_id = carrier.tenant_id;
        p->n_tunnels = (uint8_t)(p->n_tunnels + carrier.n_tunnels);
    }
    if (p->n_tunnels && (*r == DEC_OK || *r == DEC_OTHER_L4)) w->st.tunnel[p->tunnel_type]++;
    return true;
}

/* Once a second of the clock: idle flows and stale fragments go. The same
 * whether a packet or a tick (N workers) brings the second. */
static void expire_idle(worker *w)
{
    if (w->now_us - w->last_expire_us < 1000000u) return;
    w->last_expire_us = w->now_us;
    flow_table_expire(w->flows, w->now_us);
    if (w->frags) {
        frag_expire(w->frags, w->now_us);
        w->st.frag = *frag_stats(w->frags);
    }
}

/* ---- packets ---- */

void worker_packet(worker *w, int dlt, struct timeval ts, const uint8_t *frame,
                   uint32_t caplen, uint32_t wirelen)
{
    struct pkt p;
    enum decode_reason r = decode_frame(decode_opts_of(w), dlt, frame, caplen, wirelen, &p);
    worker_packet_decoded(w, ts, wirelen, &p, r);
}

void worker_packet_decoded(worker *w, struct timeval ts, uint32_t wirelen, struct pkt *p,
                           enum decode_reason r)
{
    w->st.packets++;
    w->st.bytes += wirelen;
    uint64_t t_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_usec;
    worker_clock(w, ts);

    if (!mirror_packet(w, p, &r, t_us)) goto expire;   /* duplicate, or fragment held */
    w->st.decode[r]++;
    if (r == DEC_OK) {
        if (p->truncated) w->st.truncated++;
        bool tcp = p->l4proto == IPPROTO_TCP;
        if (tcp) w->st.tcp++; else w->st.udp++;
        int dir;
        bool is_new;
        struct flow *f = flow_table_get(w->flows, p, w->now_us, &dir, &is_new);
        if (f && is_new) f->v.id = flow_stable_id(p, t_us);   /* the packet's own time */
        if (f && tcp && (p->tcp_flags & TCPF_SYN) && (f->closed || f->rst || f->fin[0] || f->fin[1])) {
            /* a new connection reusing the 5-tuple of an ending one (a SYN, or
             * the SYN-ACK of a reused port): end the old flow, start afresh */
            teardown(w, f);
            flow_table_remove(w->flows, f);
            f = flow_table_get(w->flows, p, w->now_us, &dir, &is_new);
            if (f && is_new) f->v.id = flow_stable_id(p, t_us);
        }
        if (!f) { w->st.flow_alloc_fail++; goto expire; }
        /* a transaction ended later (a timeout, the end of the run) still
         * names the file its flow was in, not the worker's latest */
        f->input = w->input;
        if (f->closed) goto expire;
        ndpi_classify(w, f, p);
        if (!tcp) goto expire;
        if (p->tcp_flags & TCPF_SYN) f->v.handshake_seen = true;
        if (f->inspect_off) {
            w->st.uninspected_packets++;
        } else {
            struct deliver d = { w, f };
            stream_segment(&w->pool, &f->stream, dir, p->seq, p->ack, p->tcp_flags, p->payload,
                           p->payload_len, p->wire_payload_len, &stream_sink, &d);
        }
        if (p->tcp_flags & TCPF_FIN) f->fin[dir] = true;
        if (f->fin[0] && f->fin[1]) {
            teardown(w, f);
            flow_set_class(w->flows, f, FLOW_TCP_CLOSING);
        } else if (p->tcp_flags & TCPF_RST) {
            /* A RST the endpoints may ignore (bad MD5, TTL-limited: evasion) must
             * not blind the sensor: the flow lingers, still fed, and ends at the
             * close timeout, a FIN pair or a new SYN. */
            f->rst = true;
            flow_set_class(w->flows, f, FLOW_TCP_CLOSING);
        }
    }
expire:
    expire_idle(w);
}

/* ---- life cycle ---- */

/* The CPU clock of the thread that runs w, in ns (0: unreadable). */
static uint64_t cpu_ns(const worker *w)
{
    struct timespec ts;
    if (!w->cpu_clock_ok || clock_gettime(w->cpu_clock, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

worker *worker_new(const struct pipeline *pipe, unsigned index, uint64_t seed)
{
    const struct config *cfg = pipe->cfg;
    worker *w = calloc(1, sizeof *w);
    if (!w) abort();
    w->cfg = cfg;
    w->pipe = pipe;
    w->index = index;
    w->cpu_clock_ok = pthread_getcpuclockid(pthread_self(), &w->cpu_clock) == 0;
    w->cpu_ns0 = cpu_ns(w);
    if (pipe->pii && !(w->scratch = pii_scratch_new(pipe->pii))) abort();
    json_init(&w->json);
    stream_pool_init(&w->pool, cfg);
    w->flows = flow_table_new(cfg, seed, on_flow_end, w);
    if (!cfg->no_frag) w->frags = frag_new(cfg, seed ^ 0x1f83d9abfb41bd6bULL);
    if (!cfg->no_dedup) w->dedup = dedup_new(cfg, seed ^ 0x5be0cd19137e2179ULL);
    w->ndpi = ndpi_mod_take(index);
    if (!w->ndpi) abort();
    pairs_init(&w->hints, config_pair_hold_us(cfg), HINTS_MAX);
    for (size_t i = 0; dissector_table[i] && i < MAX_DISSECTORS; i++) {
        size_t n = dissector_table[i]->n_counters;
        w->dcount[i] = calloc(n ? n : 1, sizeof(uint64_t));
        if (!w->dcount[i]) abort();
        w->n_dissectors = i + 1;
    }
    return w;
}

void worker_set_input(worker *w, const char *name) { w->input = name; }

void worker_clock(worker *w, struct timeval now)
{
    uint64_t t_us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_usec;
    if (t_us > w->now_us) { w->now_us = t_us; w->now_tv = now; }
}

void worker_tick(worker *w, struct timeval ts)
{
    worker_clock(w, ts);
    expire_idle(w);
    pairs_sweep(&w->hints, w->now_us);
}

void worker_finish(worker *w)
{
    flow_table_end_all(w->flows);
    /* the next input is another capture: its packets are no copies of these,
     * and its servers' hints are its own */
    dedup_reset(w->dedup);
    pairs_clear(&w->hints);
}

/* Its thread's CPU time since worker_new, in ns: 1 for none or unreadable,
 * 0 when the clock is gone (the thread has stopped). */
static uint64_t cpu_ns_since(const worker *w)
{
    uint64_t now = cpu_ns(w);
    if (!now) return w->cpu_clock_ok ? 0 : 1;
    return now > w->cpu_ns0 ? now - w->cpu_ns0 : 1;
}

double worker_cpu_seconds(const worker *w)
{
    uint64_t ns = atomic_load_explicit(&w->cpu_ns_kept, memory_order_acquire);
    /* a thread that has gone (its clock with it) kept its figure first */
    if (!ns && !(ns = cpu_ns_since(w))) ns = atomic_load_explicit(&w->cpu_ns_kept, memory_order_acquire);
    return ns > 1 ? (double)ns / 1e9 : 0;
}

void worker_shed(worker *w)
{
    if (!w) return;
    /* the first shed runs on the worker's own thread, as it stops */
    if (!atomic_load_explicit(&w->cpu_ns_kept, memory_order_relaxed)) {
        uint64_t ns = cpu_ns_since(w);
        atomic_store_explicit(&w->cpu_ns_kept, ns ? ns : 1, memory_order_release);
    }
    flow_table_end_all(w->flows);   /* a flow's end may still need nDPI and the scratch */
    if (w->frags) w->st.frag = *frag_stats(w->frags);
    frag_free(w->frags);
    w->frags = NULL;
    dedup_free(w->dedup);
    w->dedup = NULL;
    ndpi_mod_free(w->ndpi);
    w->ndpi = NULL;
    pii_scratch_free(w->scratch);
    w->scratch = NULL;
}

void worker_free(worker *w)
{
    if (!w) return;
    worker_shed(w);
    flow_table_free(w->flows);
    stream_pool_release(&w->pool);
    for (size_t i = 0; i < w->n_dissectors; i++) free(w->dcount[i]);
    while (w->bc_free) {
        struct body_consumer *bc = w->bc_free;
        w->bc_free = bc->next_free;
        free(bc);
    }
    json_free(&w->json);
    pairs_free(&w->hints);
    free(w);
}

const struct worker_stats *worker_stats(const worker *w) { return &w->st; }
const struct stream_stats *worker_stream_stats(const worker *w) { return &w->pool.st; }
const struct flow_stats *worker_flow_stats(const worker *w) { return flow_table_stats(w->flows); }
const uint64_t *worker_dissector_counters(const worker *w, size_t i)
{
    return i < w->n_dissectors ? w->dcount[i] : NULL;
}
