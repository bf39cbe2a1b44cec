/* flow.c -- bidirectional flow table with LRU expiry and a hard size cap. */
#include "flow.h"
#include "config.h"
#include "decode.h"
#include <assert.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

struct lru {
    struct flow *head, *tail;   /* head = most recently active */
};

#define FLOW_BUCKETS0 16384u   /* buckets at first (128 KB) */

struct flow_table {
    const struct config *cfg;
    struct flow **buckets;
    uint32_t mask;
    uint32_t max_mask;          /* the table grows up to max_mask + 1 buckets (>= max_flows) */
    uint64_t seed;
    struct lru lru[FLOW__CLASSES];
    struct flow *freelist;      /* reused flow structs: no malloc per flow in steady state */
    flow_end_fn on_end;
    void *ctx;
    struct flow_stats st;
};

/* ---- hashing ---- */

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline uint64_t load64(const uint8_t *b)
{
    uint64_t v;
    memcpy(&v, b, 8);   /* our own struct pkt copy, not packet bytes */
    return v;
}

/* Compare endpoint (a, pa) with (b, pb): the order that makes the key symmetric. */
static int ep_cmp(const uint8_t *a, uint16_t pa, const uint8_t *b, uint16_t pb)
{
    int c = memcmp(a, b, 16);
    if (c) return c;
    return (int)pa - (int)pb;
}

static uint32_t flow_hash(uint64_t seed, uint8_t ver, uint8_t proto, uint16_t vlan, uint32_t tunnel,
                          const uint8_t *a, uint16_t pa, const uint8_t *b, uint16_t pb)
{
    if (ep_cmp(a, pa, b, pb) > 0) {
        const uint8_t *t = a; a = b; b = t;
        uint16_t tp = pa; pa = pb; pb = tp;
    }
    uint64_t h = seed ^ ((uint64_t)ver << 56 | (uint64_t)proto << 48 | (uint64_t)vlan << 32 |
                         (uint64_t)pa << 16 | pb);
    h = mix64(h ^ tunnel);   /* tenant id: tenants behind different VNIs are different flows */
    h = mix64(h ^ load64(a));
    h = mix64(h ^ load64(a + 8));
    h = mix64(h ^ load64(b));
    h = mix64(h ^ load64(b + 8));
    return (uint32_t)(h ^ h >> 32);
}

/* ---- LRU lists ---- */

static void lru_unlink(struct lru *l, struct flow *f)
{
    if (f->lprev) f->lprev->lnext = f->lnext; else l->head = f->lnext;
    if (f->lnext) f->lnext->lprev = f->lprev; else l->tail = f->lprev;
    f->lprev = f->lnext = NULL;
}

static void lru_push_head(struct lru *l, struct flow *f)
{
    f->lprev = NULL;
    f->lnext = l->head;
    if (l->head) l->head->lprev = f; else l->tail = f;
    l->head = f;
}

/* ---- table ---- */

flow_table *flow_table_new(const struct config *cfg, uint64_t seed, flow_end_fn on_end, void *ctx)
{
    flow_table *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->cfg = cfg;
    t->seed = mix64(seed ^ 0x9e3779b97f4a7c15ULL);
    uint32_t n = 1024;
    uint64_t want = cfg->max_flows ? cfg->max_flows : 1;   /* load factor <= 1: 8 bytes a flow */
    while (n < want && n < (1u << 30)) n <<= 1;
    t->max_mask = n - 1;
    /* start small and double with the flows (grow()): buckets are touched
     * at random, so a table sized for --max-flows up front would fault in
     * all of its pages (8 MB at the default) within the first few thousand
     * flows */
    if (n > FLOW_BUCKETS0) n = FLOW_BUCKETS0;
    t->buckets = calloc(n, sizeof *t->buckets);
    if (!t->buckets) abort();
    t->mask = n - 1;
    t->on_end = on_end;
    t->ctx = ctx;
    return t;
}

/* Twice the buckets, every flow moved to its new chain; the load factor
 * stays at most 1. Without memory the table keeps its size (longer chains). */
static void grow(flow_table *t)
{
    uint32_t n = (t->mask + 1) * 2;
    struct flow **nb = calloc(n, sizeof *nb);
    if (!nb) return;
    for (uint32_t i = 0; i <= t->mask; i++) {
        struct flow *f = t->buckets[i];
        while (f) {
            struct flow *next = f->hnext;
            f->hnext = nb[f->hash & (n - 1)];
            nb[f->hash & (n - 1)] = f;
            f = next;
        }
    }
    free(t->buckets);
    t->buckets = nb;
    t->mask = n - 1;
}

static void unlink_bucket(flow_table *t, struct flow *f)
{
    struct flow **pp = &t->buckets[f->hash & t->mask];
    while (*pp && *pp != f) pp = &(*pp)->hnext;
    assert(*pp == f);
    *pp = f->hnext;
}

static void release(flow_table *t, struct flow *f)
{
    unlink_bucket(t, f);
    lru_unlink(&t->lru[f->fclass], f);
    t->st.active--;
    f->hnext = t->freelist;
    t->freelist = f;
}

static void end_flow(flow_table *t, struct flow *f, enum flow_end why)
{
    t->st.ended[why]++;
    if (t->on_end) t->on_end(t->ctx, f, why);
    release(t, f);
}

void flow_table_remove(flow_table *t, struct flow *f)
{
    t->st.ended[FLOW_END_CLOSED]++;
    release(t, f);
}

void flow_table_end_all(flow_table *t)
{
    for (int c = 0; c < FLOW__CLASSES; c++)
        while (t->lru[c].tail) end_flow(t, t->lru[c].tail, FLOW_END_SHUTDOWN);
}

void flow_table_free(flow_table *t)
{
    if (!t) return;
    flow_table_end_all(t);
    while (t->freelist) {
        struct flow *f = t->freelist;
        t->freelist = f->hnext;
        free(f);
    }
    free(t->buckets);
    free(t);
}

static uint32_t class_timeout_s(const struct config *cfg, int c)
{
    switch (c) {
    case FLOW_TCP_OPEN: return cfg->tcp_idle_timeout;
    case FLOW_TCP_CLOSING: return cfg->tcp_close_timeout;
    default: return cfg->udp_idle_timeout;
    }
}

void flow_table_expire(flow_table *t, uint64_t now_us)
{
    for (int c = 0; c < FLOW__CLASSES; c++) {
        uint64_t tmo = (uint64_t)class_timeout_s(t->cfg, c) * 1000000u;
        while (t->lru[c].tail && t->lru[c].tail->last_us + tmo < now_us)
            end_flow(t, t->lru[c].tail, FLOW_END_IDLE);
    }
}

/* Evict the least recently active flow, preferring closing flows, then
 * other transports, then open TCP. */
static void evict_one(flow_table *t)
{
    static const int order[FLOW__CLASSES] = { FLOW_TCP_CLOSING, FLOW_OTHER, FLOW_TCP_OPEN };
    for (int i = 0; i < FLOW__CLASSES; i++) {
        struct flow *f = t->lru[order[i]].tail;
        if (f) { t->st.table_full++; end_flow(t, f, FLOW_END_EVICTED); return; }
    }
}

void flow_set_class(flow_table *t, struct flow *f, enum flow_class c)
{
    if (f->fclass == c) return;
    lru_unlink(&t->lru[f->fclass], f);
    f->fclass = (uint8_t)c;
    lru_push_head(&t->lru[c], f);
}

static bool well_known_port(uint16_t p)
{
    switch (p) {
    case 80: case 443: case 8080: case 8000: case 8443: case 8888: case 3128:
    case 9200: case 9201: case 5601: case 5984: case 6984: case 8983:
    case 10000: case 10001: case 10002: case 9000: case 4568: case 4569:
    case 27017: case 27018: case 27019: case 6379: case 6380: case 26379:
        return true;
    default:
        return p < 1024;
    }
}

/* Is the packet's sender the client of a new flow? */
static bool sender_is_client(const struct pkt *p)
{
    if (p->l4proto == IPPROTO_TCP) {
        if ((p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN) return true;
        if ((p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK)) return false;
    }
    bool s_wk = well_known_port(p->sport), d_wk = well_known_port(p->dport);
    if (d_wk && !s_wk) return true;
    if (s_wk && !d_wk) return false;
    if (s_wk && d_wk) return p->dport <= p->sport;
    return true;
}

uint64_t flow_stable_id(const struct pkt *p, uint64_t pkt_us)
{
    uint16_t vlan = p->n_vlan ? p->vlan[p->n_vlan - 1] : 0;
    return mix64((uint64_t)flow_hash(0, p->ip_version, p->l4proto, vlan, 0, p->src, p->sport, p->dst, p->dport) << 32 ^
                 pkt_us);
}

struct flow *flow_table_get(flow_table *t, const struct pkt *p, uint64_t now_us,
                            int *dir, bool *is_new)
{
    uint16_t vlan = p->n_vlan ? p->vlan[p->n_vlan - 1] : 0;
    uint32_t h = flow_hash(t->seed, p->ip_version, p->l4proto, vlan, p->tenant_id, p->src, p->sport, p->dst,
                           p->dport);
    for (struct flow *f = t->buckets[h & t->mask]; f; f = f->hnext) {
        if (f->hash != h || f->v.ip_version != p->ip_version || f->v.l4proto != p->l4proto || f->v.vlan != vlan)
            continue;
        if (f->tenant_id != p->tenant_id) continue;
        if (f->v.port[0] == p->sport && f->v.port[1] == p->dport &&
            !memcmp(f->v.addr[0], p->src, 16) && !memcmp(f->v.addr[1], p->dst, 16)) {
            *dir = 0;
        } else if (f->v.port[1] == p->sport && f->v.port[0] == p->dport &&
                   !memcmp(f->v.addr[1], p->src, 16) && !memcmp(f->v.addr[0], p->dst, 16)) {
            *dir = 1;
        } else {
            continue;
        }
        *is_new = false;
        f->last_us = now_us;
        if (t->lru[f->fclass].head != f) {
            lru_unlink(&t->lru[f->fclass], f);
            lru_push_head(&t->lru[f->fclass], f);
        }
        return f;
    }

    if (t->st.active >= t->cfg->max_flows) evict_one(t);
    struct flow *f = t->freelist;
    if (f) t->freelist = f->hnext;
    else if (!(f = malloc(sizeof *f))) return NULL;
    memset(f, 0, sizeof *f);
    f->hash = h;
    f->v.ip_version = p->ip_version;
    f->v.l4proto = p->l4proto;
    f->v.vlan = vlan;
    f->v.tunnel_type = p->tunnel_type;
    f->v.tunnel_id = p->tunnel_id;
    f->tenant_id = p->tenant_id;
    bool client = sender_is_client(p);
    int c = client ? 0 : 1;
    memcpy(f->v.addr[c], p->src, 16);
    memcpy(f->v.addr[!c], p->dst, 16);
    f->v.port[c] = p->sport;
    f->v.port[!c] = p->dport;
    f->v.handshake_seen = p->l4proto == IPPROTO_TCP && (p->tcp_flags & TCPF_SYN);
    f->last_us = now_us;
    f->v.id = flow_stable_id(p, now_us);
    f->fclass = p->l4proto == IPPROTO_TCP ? FLOW_TCP_OPEN : FLOW_OTHER;
    stream_init(&f->stream);
    f->hnext = t->buckets[h & t->mask];
    t->buckets[h & t->mask] = f;
    lru_push_head(&t->lru[f->fclass], f);
    t->st.created++;
    if (++t->st.active > t->st.peak) t->st.peak = t->st.active;
    if (t->st.active > (uint64_t)t->mask + 1 && t->mask < t->max_mask) grow(t);
    *dir = c;
    *is_new = true;
    return f;
}

const struct flow_stats *flow_table_stats(const flow_table *t) { return &t->st; }
