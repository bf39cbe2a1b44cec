/* frag.c -- IPv4/IPv6 fragment reassembly with caps (see frag.h).
 *
 * Each datagram in flight holds the unfragmentable header of its first
 * fragment, a payload buffer grown to the highest offset seen (never past
 * frag_max_bytes), and the sorted, merged list of byte ranges received. A
 * fragment's bytes are compared with whatever they overlap before anything is
 * copied; the datagram completes when one range covers [0, end of the last
 * fragment) and the first fragment's header is known.
 *
 * Datagrams sit on an age list (oldest first) for timeouts and for eviction
 * when a cap is reached. A dropped datagram keeps its (small) record, without
 * buffer, until its timeout, so the rest of an attack's fragments are
 * recognised and swallowed rather than starting a fresh datagram.
 */
#include "frag.h"
#include "config.h"
#include "decode.h"
#include "limits.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct range { uint32_t s, e; };   /* [s, e) of payload bytes */

struct dgram {
    struct dgram *hnext;
    struct dgram *older, *newer;   /* age list */
    uint32_t hash;
    /* key */
    uint8_t ver, proto;
    uint16_t vlan;
    uint32_t id, tenant_id;
    uint8_t src[16], dst[16];
    /* state */
    uint64_t first_us;
    bool dead;                     /* dropped: later fragments swallowed */
    bool have_first, have_last;
    bool tiny;                     /* a tiny fragment was counted */
    uint32_t total;                /* payload length, once the last fragment is in */
    uint32_t n_frags, n_ranges;
    uint16_t hdr_len, nh_at;
    uint8_t next_proto;
    uint8_t hdr[LIM_FRAG_HEADER];  /* unfragmentable part of the first fragment */
    uint8_t *buf;
    uint32_t cap;
    size_t charged;                /* bytes counted in st.bytes */
    struct range r[];              /* max_frags of them */
};

struct frag_table {
    uint32_t max_dgrams, max_frags, max_bytes, min_size;
    uint64_t max_total, timeout_us;
    uint64_t seed;
    struct dgram **buckets;
    uint32_t mask;
    struct dgram *oldest, *newest;
    uint8_t *out;                  /* the last reassembled datagram */
    struct frag_stats st;
};

/* ---- table ---- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint32_t key_hash(const frag_table *t, const struct pkt *p, uint16_t vlan)
{
    uint64_t h = t->seed ^ ((uint64_t)p->ip_version << 56 | (uint64_t)p->frag_proto << 48 |
                            (uint64_t)vlan << 32 | p->frag_id);
    h = mix64(h ^ p->tenant_id);
    for (int i = 0; i < 16; i += 8) {
        uint64_t a, b;
        memcpy(&a, p->src + i, 8);   /* our own struct pkt copy, not packet bytes */
        memcpy(&b, p->dst + i, 8);
        h = mix64(h ^ a);
        h = mix64(h ^ b);
    }
    return (uint32_t)(h ^ h >> 32);
}

frag_table *frag_new(const struct config *cfg, uint64_t seed)
{
    frag_table *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->max_dgrams = cfg->frag_max_datagrams ? cfg->frag_max_datagrams : 1;
    t->max_frags = cfg->frag_max_fragments ? cfg->frag_max_fragments : 1;
    t->max_bytes = cfg->frag_max_bytes;
    if (t->max_bytes > 65535 + 40) t->max_bytes = 65535 + 40;
    t->min_size = cfg->frag_min_size;
    t->max_total = cfg->frag_max_total;
    t->timeout_us = (uint64_t)cfg->frag_timeout * 1000000u;
    t->seed = mix64(seed ^ 0x6a09e667f3bcc909ULL);
    uint32_t n = 64;
    while (n < t->max_dgrams * 2u && n < (1u << 24)) n <<= 1;
    t->buckets = calloc(n, sizeof *t->buckets);
    t->out = malloc(LIM_FRAG_HEADER + (size_t)t->max_bytes);
    if (!t->buckets || !t->out) abort();
    t->mask = n - 1;
    return t;
}

static void unlink_dgram(frag_table *t, struct dgram *g)
{
    struct dgram **pp = &t->buckets[g->hash & t->mask];
    while (*pp && *pp != g) pp = &(*pp)->hnext;
    if (*pp) *pp = g->hnext;
    if (g->older) g->older->newer = g->newer; else t->oldest = g->newer;
    if (g->newer) g->newer->older = g->older; else t->newest = g->older;
}

static void destroy(frag_table *t, struct dgram *g)
{
    unlink_dgram(t, g);
    t->st.bytes -= g->charged;
    t->st.in_flight--;
    free(g->buf);
    free(g);
}

void frag_free(frag_table *t)
{
    if (!t) return;
    while (t->oldest) destroy(t, t->oldest);
    free(t->buckets);
    free(t->out);
    free(t);
}

/* Drop a datagram's data; its record stays to swallow the rest. */
static void drop_dgram(frag_table *t, struct dgram *g, uint64_t *reason)
{
    (*reason)++;
    g->dead = true;
    t->st.bytes -= g->cap;
    g->charged -= g->cap;
    free(g->buf);
    g->buf = NULL;
    g->cap = 0;
}

void frag_expire(frag_table *t, uint64_t now_us)
{
    while (t->oldest && t->oldest->first_us + t->timeout_us < now_us) {
        if (!t->oldest->dead) t->st.timeout++;
        destroy(t, t->oldest);
    }
}

static struct dgram *lookup(frag_table *t, const struct pkt *p, uint16_t vlan, uint32_t h)
{
    for (struct dgram *g = t->buckets[h & t->mask]; g; g = g->hnext)
        if (g->hash == h && g->ver == p->ip_version && g->proto == p->frag_proto && g->vlan == vlan &&
            g->id == p->frag_id && g->tenant_id == p->tenant_id && !memcmp(g->src, p->src, 16) &&
            !memcmp(g->dst, p->dst, 16))
            return g;
    return NULL;
}

static struct dgram *create(frag_table *t, const struct pkt *p, uint16_t vlan, uint32_t h, uint64_t now_us)
{
    if (t->st.in_flight >= t->max_dgrams && t->oldest) {
        t->st.evicted++;
        destroy(t, t->oldest);
    }
    size_t sz = sizeof(struct dgram) + (size_t)t->max_frags * sizeof(struct range);
    struct dgram *g = calloc(1, sz);
    if (!g) return NULL;
    g->hash = h;
    g->ver = p->ip_version;
    g->proto = p->frag_proto;
    g->vlan = vlan;
    g->id = p->frag_id;
    g->tenant_id = p->tenant_id;
    memcpy(g->src, p->src, 16);
    memcpy(g->dst, p->dst, 16);
    g->first_us = now_us;
    g->charged = sz;
    g->hnext = t->buckets[h & t->mask];
    t->buckets[h & t->mask] = g;
    g->older = t->newest;
    if (t->newest) t->newest->newer = g; else t->oldest = g;
    t->newest = g;
    t->st.in_flight++;
    t->st.bytes += sz;
    return g;
}

/* ---- ranges ---- */

/* Do the bytes [s, e) of d agree with what g already holds where they
 * overlap? *overlap says whether they overlap at all. */
static bool agrees(const struct dgram *g, const uint8_t *d, uint32_t s, uint32_t e, bool *overlap)
{
    *overlap = false;
    for (uint32_t i = 0; i < g->n_ranges; i++) {
        uint32_t a = g->r[i].s > s ? g->r[i].s : s;
        uint32_t b = g->r[i].e < e ? g->r[i].e : e;
        if (a >= b) continue;
        *overlap = true;
        if (memcmp(g->buf + a, d + (a - s), b - a)) return false;
    }
    return true;
}

/* Add [s, e) to the sorted list, merging what it touches. */
static void add_range(struct dgram *g, uint32_t s, uint32_t e)
{
    uint32_t i = 0, n = g->n_ranges;
    while (i < n && g->r[i].e < s) i++;              /* ranges wholly before */
    uint32_t j = i;
    while (j < n && g->r[j].s <= e) {                /* ranges touched: merge */
        if (g->r[j].s < s) s = g->r[j].s;
        if (g->r[j].e > e) e = g->r[j].e;
        j++;
    }
    /* replace r[i, j) by one range */
    memmove(&g->r[i + 1], &g->r[j], (n - j) * sizeof g->r[0]);
    g->r[i].s = s;
    g->r[i].e = e;
    g->n_ranges = n - (j - i) + 1;
}

/* Grow g's buffer to hold `need` bytes, evicting older datagrams to stay
 * under the total cap. False if it cannot. */
static bool reserve(frag_table *t, struct dgram *g, uint32_t need)
{
    if (need <= g->cap) return true;
    uint32_t ncap = g->cap ? g->cap : 2048;
    while (ncap < need) ncap *= 2;
    if (ncap > t->max_bytes) ncap = t->max_bytes;
    size_t delta = ncap - g->cap;
    while (t->st.bytes + delta > t->max_total && t->oldest && t->oldest != g) {
        t->st.evicted++;
        destroy(t, t->oldest);
    }
    if (t->st.bytes + delta > t->max_total) return false;
    uint8_t *nb = realloc(g->buf, ncap);
    if (!nb) return false;
    memset(nb + g->cap, 0, delta);
    g->buf = nb;
    g->cap = ncap;
    g->charged += delta;
    t->st.bytes += delta;
    if (t->st.bytes > t->st.bytes_peak) t->st.bytes_peak = t->st.bytes;
    return true;
}

/* ---- output ---- */

static void ipv4_checksum(uint8_t *h, size_t hlen)
{
    uint32_t sum = 0;
    h[10] = h[11] = 0;
    for (size_t i = 0; i + 1 < hlen; i += 2) sum += (uint32_t)h[i] << 8 | h[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    h[10] = (uint8_t)(sum >> 8);
    h[11] = (uint8_t)sum;
}

/* Write the whole datagram to t->out; 0 if its length does not fit the header. */
static size_t assemble(frag_table *t, const struct dgram *g)
{
    size_t n = (size_t)g->hdr_len + g->total;
    uint8_t *o = t->out;
    memcpy(o, g->hdr, g->hdr_len);
    memcpy(o + g->hdr_len, g->buf, g->total);
    if (g->ver == 4) {
        if (n > 65535) return 0;
        o[2] = (uint8_t)(n >> 8);
        o[3] = (uint8_t)n;
        o[6] &= 0x40;   /* keep DF, clear MF and the offset */
        o[7] = 0;
        ipv4_checksum(o, g->hdr_len);
    } else {
        if (n - 40 > 65535) return 0;
        o[4] = (uint8_t)((n - 40) >> 8);
        o[5] = (uint8_t)(n - 40);
        o[g->nh_at] = g->next_proto;
    }
    return n;
}

/* ---- adding a fragment ---- */

const uint8_t *frag_add(frag_table *t, const struct pkt *p, uint64_t now_us, size_t *len)
{
    t->st.fragments++;
    if (p->truncated || p->l3_len < p->frag_hlen || p->ip_version == 0) {
        t->st.truncated++;
        return NULL;
    }
    uint16_t vlan = p->n_vlan ? p->vlan[p->n_vlan - 1] : 0;
    uint32_t h = key_hash(t, p, vlan);
    struct dgram *g = lookup(t, p, vlan, h);
    if (!g && !(g = create(t, p, vlan, h, now_us))) {
        t->st.evicted++;
        return NULL;
    }
    if (g->dead) {
        t->st.dropped_fragments++;
        return NULL;
    }

    const uint8_t *d = p->l3 + p->frag_hlen;
    uint32_t n = (uint32_t)(p->l3_len - p->frag_hlen);
    uint32_t s = p->frag_offset, e = s + n;
    bool more = p->frag_more;

    if (e > t->max_bytes) { drop_dgram(t, g, &t->st.too_big); return NULL; }
    if (more && (n % 8 || n == 0)) { drop_dgram(t, g, &t->st.inconsistent); return NULL; }
    if (!more) {
        bool past = g->n_ranges && g->r[g->n_ranges - 1].e > e;
        if ((g->have_last && e != g->total) || past) { drop_dgram(t, g, &t->st.inconsistent); return NULL; }
    } else if (g->have_last && e > g->total) {
        drop_dgram(t, g, &t->st.inconsistent);
        return NULL;
    }
    if (g->n_frags >= t->max_frags) { drop_dgram(t, g, &t->st.too_many); return NULL; }
    bool overlap;
    if (!agrees(g, d, s, e, &overlap)) { drop_dgram(t, g, &t->st.overlap_conflict); return NULL; }
    if (overlap) t->st.overlap_same++;
    if (more && n < t->min_size && !g->tiny) {   /* counted, harmless to a first-wins reassembly */
        g->tiny = true;
        t->st.tiny++;
    }

    if (s == 0 && !g->have_first) {
        size_t hl = p->ip_version == 4 ? p->frag_hlen : p->frag_hdr_at;
        if (hl > LIM_FRAG_HEADER || hl < (p->ip_version == 4 ? 20u : 40u) ||
            (p->ip_version == 6 && p->frag_nh_at >= hl)) {
            drop_dgram(t, g, &t->st.inconsistent);
            return NULL;
        }
        memcpy(g->hdr, p->l3, hl);
        g->hdr_len = (uint16_t)hl;
        g->nh_at = p->frag_nh_at;
        g->next_proto = p->frag_proto;
        g->have_first = true;
    }
    if (!more) {
        g->have_last = true;
        g->total = e;
    }
    if (!reserve(t, g, e)) { drop_dgram(t, g, &t->st.evicted); return NULL; }
    memcpy(g->buf + s, d, n);   /* overlapped bytes are equal: first data wins */
    if (n) add_range(g, s, e);
    g->n_frags++;

    if (!g->have_first || !g->have_last || g->n_ranges != 1 || g->r[0].s != 0 || g->r[0].e != g->total)
        return NULL;
    size_t out = assemble(t, g);
    if (!out) { drop_dgram(t, g, &t->st.too_big); return NULL; }
    t->st.reassembled++;
    destroy(t, g);
    *len = out;
    return t->out;
}

const struct frag_stats *frag_stats(const frag_table *t) { return &t->st; }
