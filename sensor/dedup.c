/* dedup.c -- duplicate packets of mirror feeds (see dedup.h). */
#include "dedup.h"
#include "config.h"

#include <stdlib.h>
#include <string.h>

#define WAYS 4u   /* digests per set */

struct entry {
    uint64_t digest;   /* 0 = empty */
    uint64_t ts_us;
};

struct dedup {
    struct entry *e;
    uint64_t mask;     /* of the entry index; sets are WAYS aligned entries */
    uint64_t window_us;
    uint64_t key;
    struct dedup_stats st;
};

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Fold bytes into h: four independent lanes of eight bytes (the multiplies
 * overlap: a full-size packet costs a quarter of one serial chain), then the
 * tail eight at a time. */
static uint64_t absorb(uint64_t h, const uint8_t *p, size_t n)
{
    if (n >= 32) {
        uint64_t l[4] = { h, h ^ 0x9e3779b97f4a7c15ULL, h ^ 0xc2b2ae3d27d4eb4fULL, h ^ 0x165667b19e3779f9ULL };
        while (n >= 32) {
            for (int k = 0; k < 4; k++) {
                uint64_t w;
                memcpy(&w, p + 8 * k, 8);
                l[k] = (l[k] ^ w) * 0x9e3779b97f4a7c15ULL;
                l[k] = l[k] << 31 | l[k] >> 33;
            }
            p += 32;
            n -= 32;
        }
        h = mix64(l[0]) ^ mix64(l[1] + 1) ^ mix64(l[2] + 2) ^ mix64(l[3] + 3);
    }
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        h = h << 31 | h >> 33;
        p += 8;
        n -= 8;
    }
    uint64_t w = n;
    for (size_t i = 0; i < n; i++) w = w << 8 | p[i];
    return (h ^ w) * 0x9e3779b97f4a7c15ULL;
}

/* Digest of the datagram with TTL / hop limit and the IPv4 checksum masked;
 * 0 when it is not an IP header. */
static uint64_t digest(uint64_t key, const uint8_t *p, size_t len)
{
    uint8_t hdr[40];
    size_t hn;
    if (len >= 20 && p[0] >> 4 == 4) {
        hn = 20;
        memcpy(hdr, p, hn);
        hdr[8] = 0;                 /* TTL */
        hdr[10] = hdr[11] = 0;      /* header checksum */
    } else if (len >= 40 && p[0] >> 4 == 6) {
        hn = 40;
        memcpy(hdr, p, hn);
        hdr[7] = 0;                 /* hop limit */
    } else {
        return 0;
    }
    uint64_t h = key ^ (uint64_t)len * 0xc2b2ae3d27d4eb4fULL;
    h = absorb(h, hdr, hn);
    h = absorb(h, p + hn, len - hn);
    h = mix64(h);
    return h ? h : 1;
}

dedup *dedup_new(const struct config *cfg, uint64_t seed)
{
    dedup *d = calloc(1, sizeof *d);
    if (!d) abort();
    uint64_t n = WAYS;
    while (n < cfg->dedup_size && n < (1u << 26)) n <<= 1;
    d->e = calloc(n, sizeof *d->e);
    if (!d->e) abort();
    d->mask = n - 1;
    d->window_us = (uint64_t)cfg->dedup_window_ms * 1000u;
    d->key = mix64(seed ^ 0xbb67ae8584caa73bULL);
    return d;
}

void dedup_free(dedup *d)
{
    if (!d) return;
    free(d->e);
    free(d);
}

bool dedup_seen(dedup *d, const uint8_t *l3, size_t len, uint64_t now_us)
{
    uint64_t h = digest(d->key, l3, len);
    if (!h) return false;
    d->st.checked++;
    struct entry *set = &d->e[(h >> 7) & d->mask & ~(uint64_t)(WAYS - 1)];
    struct entry *victim = &set[0];
    for (unsigned i = 0; i < WAYS; i++) {
        struct entry *e = &set[i];
        if (e->digest == h) {
            uint64_t age = now_us > e->ts_us ? now_us - e->ts_us : e->ts_us - now_us;
            if (age <= d->window_us) {
                d->st.duplicates++;
                return true;
            }
            e->ts_us = now_us;   /* the same bytes again, long after: a new packet */
            return false;
        }
        if (victim->digest && (!e->digest || e->ts_us < victim->ts_us)) victim = e;
    }
    victim->digest = h;
    victim->ts_us = now_us;
    return false;
}

const struct dedup_stats *dedup_stats(const dedup *d) { return &d->st; }

void dedup_reset(dedup *d)
{
    if (d) memset(d->e, 0, (d->mask + 1) * sizeof *d->e);
}
