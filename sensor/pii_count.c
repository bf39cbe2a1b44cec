/* pii_count.c -- keyed hashes, distinct sets, organisations, masking. */
/* SHA256_Init/Update/Final: deprecated in OpenSSL 3 in favour of EVP, whose
 * per-call overhead is the cost this file avoids; still part of the 3.x API. */
#define OPENSSL_API_COMPAT 0x10101000L
#include "pii_count.h"
#include "bytes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>
#define XXH_STATIC_LINKING_ONLY   /* XXH3_generateSecret (see dedup.c) */
#include <xxhash.h>

/* ---- keyed hash: HMAC-SHA256 with the pads absorbed once ----
 *
 * HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)). The two digest states
 * after absorbing the padded key are kept in the database; each value costs a
 * copy of a plain SHA-256 state and two short digests: no key schedule, and
 * none of the EVP layer's per-call provider work and allocations (which were
 * most of the cost: 150-230 ns a value, more than the two compressions). */

struct pii_keyed {
    SHA256_CTX inner, outer;
    /* XXH3 secret for the in-memory distinct sets (see pii_count.h),
     * derived from the key: the same figures every run under one key */
    uint8_t set_secret[XXH3_SECRET_SIZE_MIN];
};

struct pii_keyed *pii_keyed_new(const uint8_t *key, size_t len)
{
    uint8_t k[64] = {0}, pad[64];
    struct pii_keyed *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    if (len > 64) SHA256(key, len, k);
    else if (len) memcpy(k, key, len);
    for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x36;
    if (!SHA256_Init(&h->inner) || !SHA256_Update(&h->inner, pad, 64)) goto fail;
    for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x5c;
    if (!SHA256_Init(&h->outer) || !SHA256_Update(&h->outer, pad, 64)) goto fail;
    static const char label[] = "bleedwatch distinct-set secret";
    uint8_t seed[PII_HASH_LEN];
    pii_keyed_hash(h, (const uint8_t *)label, sizeof label - 1, seed);
    if (XXH3_generateSecret(h->set_secret, sizeof h->set_secret, seed, sizeof seed) != XXH_OK) goto fail;
    OPENSSL_cleanse(seed, sizeof seed);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(pad, sizeof pad);
    return h;
fail:
    OPENSSL_cleanse(k, sizeof k);
    pii_keyed_free(h);
    return NULL;
}

void pii_keyed_free(struct pii_keyed *h)
{
    if (!h) return;
    OPENSSL_cleanse(h, sizeof *h);
    free(h);
}

void pii_keyed_hash(const struct pii_keyed *h, const uint8_t *p, size_t n, uint8_t out[PII_HASH_LEN])
{
    SHA256_CTX c = h->inner;
    uint8_t ih[SHA256_DIGEST_LENGTH], oh[SHA256_DIGEST_LENGTH];
    SHA256_Update(&c, p, n);
    SHA256_Final(ih, &c);
    c = h->outer;
    SHA256_Update(&c, ih, sizeof ih);
    SHA256_Final(oh, &c);
    memcpy(out, oh, PII_HASH_LEN);
    /* the value's last bytes sat in the state's block buffer: SHA256_Final
     * wipes that block itself (OPENSSL_cleanse in md32_common.h's HASH_FINAL) */
}

static uint64_t set_hash(const struct pii_keyed *h, const uint8_t *p, size_t n)
{
    return XXH3_64bits_withSecret(p, n, h->set_secret, sizeof h->set_secret);
}

/* ---- HyperLogLog over the set hashes (already uniform: no re-hashing) ---- */

struct pii_hll {
    uint8_t reg[1u << PII_HLL_P];
};

static void hll_add(struct pii_hll *h, uint64_t x)
{
    unsigned idx = (unsigned)(x >> (64 - PII_HLL_P));
    uint64_t rest = x << PII_HLL_P | 1;   /* sentinel bit bounds the rank */
    uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);
    if (rank > h->reg[idx]) h->reg[idx] = rank;
}

static uint64_t hll_estimate(const struct pii_hll *h)
{
    const unsigned m = 1u << PII_HLL_P;
    double sum = 0;
    unsigned zeros = 0;
    for (unsigned i = 0; i < m; i++) {
        sum += ldexp(1.0, -h->reg[i]);
        if (h->reg[i] == 0) zeros++;
    }
    double alpha = 0.7213 / (1 + 1.079 / m);
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros) e = m * log((double)m / zeros);   /* small-range correction */
    return (uint64_t)(e + 0.5);
}

/* ---- distinct set ---- */

void pii_counter_init(struct pii_counter *c, uint32_t max_distinct, const struct pii_keyed *keyed,
                      bool keep_hashes)
{
    memset(c, 0, sizeof *c);
    c->max_distinct = max_distinct ? max_distinct : 1;
    c->keyed = keyed;
    c->keep_hashes = keep_hashes;
}

void pii_counter_free(struct pii_counter *c)
{
    free(c->set);
    free(c->hashes);
    free(c->orgs);
    for (int i = 0; i <= PII__COUNT; i++) free(c->hll[i]);
    OPENSSL_cleanse(c->later, sizeof c->later);
    memset(c, 0, sizeof *c);
}

/* A set key: the value's set hash with its kind mixed in; never 0 (an
 * empty slot). Two (kind, hash) pairs share a key with chance 2^-64. */
static uint64_t set_key(uint64_t fh, uint8_t kind)
{
    uint64_t k = fh ^ (kind + 1u) * 0x9e3779b97f4a7c15ull;
    return k ? k : 1;
}

/* Find the slot of key, or the empty slot where it would go. */
static uint64_t *set_find(uint64_t *set, uint32_t cap, uint64_t key)
{
    for (uint32_t i = (uint32_t)(key >> 32) & (cap - 1);; i = (i + 1) & (cap - 1))
        if (set[i] == 0 || set[i] == key) return &set[i];
}

static bool set_grow(struct pii_counter *c)
{
    uint32_t ncap = c->set_cap ? c->set_cap * 2 : 64;
    /* first the keyed hashes of the values the set may then take (so that a
     * failure leaves the set as it was) */
    uint32_t hcap = ncap / 2 < c->max_distinct ? ncap / 2 : c->max_distinct;
    if (c->keep_hashes && hcap > c->hashes_cap) {
        struct pii_hash *h = realloc(c->hashes, (size_t)hcap * sizeof *h);
        if (!h) return false;
        c->hashes = h;
        c->hashes_cap = hcap;
    }
    uint64_t *n = calloc(ncap, sizeof *n);   /* zero: empty (and free pages when large) */
    if (!n) return false;
    for (uint32_t i = 0; i < c->set_cap; i++)
        if (c->set[i]) *set_find(n, ncap, c->set[i]) = c->set[i];
    free(c->set);
    c->set = n;
    c->set_cap = ncap;
    return true;
}

static bool hll_put(struct pii_counter *c, int slot, uint64_t fh)
{
    if (!c->hll[slot]) {
        c->hll[slot] = calloc(1, sizeof *c->hll[slot]);
        if (!c->hll[slot]) { c->oom++; return false; }
    }
    c->estimated = true;
    hll_add(c->hll[slot], fh);
    return true;
}

/* The set part of counting a value: true if it is new to the body. The
 * value's keyed hash is h when already made, else made from p[0..n) when
 * the value enters the set. */
static bool set_add(struct pii_counter *c, enum pii_kind k, uint64_t fh, const uint8_t *h,
                    const uint8_t *p, size_t n)
{
    uint64_t key = set_key(fh, (uint8_t)k), *e = NULL;
    if (c->set_cap) {
        e = set_find(c->set, c->set_cap, key);
        if (*e) return false;
    }
    if (c->set_n < c->max_distinct) {
        /* Keep the load factor at or under one half. */
        if ((c->set_n + 1) * 2 > c->set_cap) {   /* hashes_cap keeps up with set_cap / 2 */
            if (!set_grow(c)) {
                c->oom++;
                hll_put(c, k, fh);
                return false;
            }
            e = set_find(c->set, c->set_cap, key);
        }
        if (c->keep_hashes) {
            struct pii_hash *out = &c->hashes[c->set_n];
            out->kind = (uint8_t)k;
            if (h) memcpy(out->h, h, PII_HASH_LEN);
            else pii_keyed_hash(c->keyed, p, n, out->h);
        }
        *e = key;
        c->set_n++;
        c->exact[k]++;
        return true;
    }
    /* Past the exact cap: estimate. Whether this value is new cannot be told
     * cheaply, so no sample is taken from it. */
    hll_put(c, k, fh);
    return false;
}

static void settle_later(struct pii_counter *c)
{
    for (unsigned i = 0; i < c->n_later; i++) {
        const struct pii_later *e = &c->later[(c->later_at + i) % PII_COUNT_LATER];
        set_add(c, e->kind, e->fh, e->h, NULL, 0);
    }
    c->n_later = 0;
}

bool pii_counter_add(struct pii_counter *c, struct pii_findings *f, enum pii_kind k,
                     const uint8_t *p, size_t n)
{
    f->kind[k].count++;
    f->total++;
    if (c->n_later) settle_later(c);
    return set_add(c, k, set_hash(c->keyed, p, n), NULL, p, n);
}

void pii_counter_add_later(struct pii_counter *c, struct pii_findings *f, enum pii_kind k,
                           const uint8_t *p, size_t n)
{
    f->kind[k].count++;
    f->total++;
    if (c->n_later == PII_COUNT_LATER) {
        /* the oldest goes now (its slot has had the others' time to arrive) */
        const struct pii_later *o = &c->later[c->later_at];
        set_add(c, o->kind, o->fh, o->h, NULL, 0);
        c->later_at = (c->later_at + 1) % PII_COUNT_LATER;
        c->n_later--;
    }
    uint64_t fh = set_hash(c->keyed, p, n);
    if (c->set_cap) __builtin_prefetch(&c->set[(uint32_t)(set_key(fh, (uint8_t)k) >> 32) & (c->set_cap - 1)]);
    struct pii_later *e = &c->later[(c->later_at + c->n_later) % PII_COUNT_LATER];
    e->kind = (uint8_t)k;
    e->fh = fh;
    /* The keyed hash is made now if the set may still take the value (it
     * never will once full: set_n only grows), else never. */
    if (c->keep_hashes && c->set_n < c->max_distinct) pii_keyed_hash(c->keyed, p, n, e->h);
    c->n_later++;
}

/* ---- organisations ---- */

static const char *const freemail_exact[] = {
    "gmail.com", "googlemail.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com",
    "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "web.de", "mail.ru", "qq.com",
    "163.com", "126.com", "yeah.net", "zoho.com", "fastmail.com", "fastmail.fm", "tutanota.com",
    "tuta.io", "orange.fr", "free.fr", "laposte.net", "libero.it", "wanadoo.fr", "sfr.fr",
    "t-online.de", "freenet.de", "virgilio.it", "alice.it", "tiscali.it", "seznam.cz", "wp.pl",
    "o2.pl", "interia.pl", "onet.pl", "rambler.ru", "bk.ru", "list.ru", "inbox.ru", "naver.com",
    "daum.net", "hanmail.net", "sina.com", "sohu.com", "rediffmail.com", "comcast.net",
    "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net", "charter.net",
    "earthlink.net", "btinternet.com", "sky.com", "virginmedia.com", "ntlworld.com",
    "talktalk.net", "bigpond.com", "optusnet.com.au", "shaw.ca", "rogers.com", "sympatico.ca",
    "uol.com.br", "bol.com.br", "terra.com.br", "ziggo.nl", "kpnmail.nl", "hetnet.nl",
    "planet.nl", "home.nl", "xs4all.nl", "telenet.be", "skynet.be", "bluewin.ch", "hushmail.com",
    "mail.com", "email.com", "usa.com", "inbox.com", "lycos.com", "ya.ru", "mailbox.org",
    "posteo.de", "gmx.com", "gmx.net", "gmx.de", NULL };

/* Providers present under many TLDs: yahoo.*, hotmail.*, outlook.*, live.*,
 * gmx.*, yandex.*: matched on the registrable domain's first label. */
static const char *const freemail_family[] = {
    "yahoo", "ymail", "rocketmail", "hotmail", "outlook", "live", "gmx", "yandex", "windowslive",
    NULL };

/* The exact list as an index of 64-bit hashes, built once: one hash and,
 * on a hit, one compare per address. */
#define FM_SLOTS 256u
static struct word_slot fm_tab[FM_SLOTS];
static size_t fm_family_len[sizeof freemail_family / sizeof freemail_family[0]];
static pthread_once_t fm_once = PTHREAD_ONCE_INIT;

static void fm_init(void)
{
    _Static_assert(sizeof freemail_exact / sizeof freemail_exact[0] < FM_SLOTS / 2, "table at most half full");
    word_index_build(fm_tab, FM_SLOTS, freemail_exact, sizeof freemail_exact / sizeof freemail_exact[0] - 1);
    for (size_t i = 0; freemail_family[i]; i++) fm_family_len[i] = strlen(freemail_family[i]);
}

bool pii_freemail(const char *domain)
{
    pthread_once(&fm_once, fm_init);
    if (word_index_has(fm_tab, FM_SLOTS, (const uint8_t *)domain, strlen(domain))) return true;
    const char *dot = strchr(domain, '.');
    size_t l = dot ? (size_t)(dot - domain) : strlen(domain);
    for (size_t i = 0; freemail_family[i]; i++)
        if (fm_family_len[i] == l && memcmp(domain, freemail_family[i], l) == 0) return true;
    return false;
}

/* Second-level labels under which country TLDs register names
 * (example.co.uk, example.com.au, example.ac.jp). */
static bool is_sld(const uint8_t *p, size_t n)
{
    static const struct bytes s[] = {
        BYTES_LIT("co"), BYTES_LIT("com"), BYTES_LIT("org"), BYTES_LIT("net"), BYTES_LIT("ac"),
        BYTES_LIT("gov"), BYTES_LIT("edu"), BYTES_LIT("ne"), BYTES_LIT("or"), BYTES_LIT("gob"),
        BYTES_LIT("nic"), BYTES_LIT("mil"), BYTES_LIT("ltd"), BYTES_LIT("plc"), BYTES_LIT("gv"),
        BYTES_LIT("go") };
    return bytes_one_of(p, n, s, sizeof s / sizeof s[0], false);
}

size_t pii_org_domain(const uint8_t *d, size_t len, char *out, size_t outlen)
{
    /* Find the last two or three labels. */
    size_t dots[3] = {0}, nd = 0;
    for (size_t i = len; i-- > 0;) {
        if (d[i] != '.') continue;
        dots[nd++] = i;
        if (nd == 3) break;
    }
    size_t start = 0;
    if (nd >= 2) {
        size_t tld_len = len - dots[0] - 1;
        size_t sld_off = dots[1] + 1, sld_len = dots[0] - dots[1] - 1;
        bool three = tld_len == 2 && is_sld(d + sld_off, sld_len);
        start = three ? (nd == 3 ? dots[2] + 1 : 0) : dots[1] + 1;
    }
    size_t n = len - start;
    if (n + 1 > outlen) return 0;
    memcpy(out, d + start, n);
    out[n] = 0;
    return n;
}

static uint32_t org_slot(const char *s, uint32_t cap)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
    return h & (cap - 1);
}

static struct pii_org *org_find(struct pii_org *t, uint32_t cap, const char *dom)
{
    for (uint32_t i = org_slot(dom, cap);; i = (i + 1) & (cap - 1))
        if (t[i].domain[0] == 0 || strcmp(t[i].domain, dom) == 0) return &t[i];
}

static bool org_grow(struct pii_counter *c)
{
    uint32_t ncap = c->org_cap ? c->org_cap * 2 : 16;
    struct pii_org *n = calloc(ncap, sizeof *n);
    if (!n) return false;
    for (uint32_t i = 0; i < c->org_cap; i++)
        if (c->orgs[i].domain[0]) *org_find(n, ncap, c->orgs[i].domain) = c->orgs[i];
    free(c->orgs);
    c->orgs = n;
    c->org_cap = ncap;
    return true;
}

void pii_counter_org(struct pii_counter *c, const uint8_t *domain, size_t len)
{
    char dom[64];
    if (!pii_org_domain(domain, len, dom, sizeof dom) || pii_freemail(dom)) return;
    if (c->org_cap) {
        struct pii_org *e = org_find(c->orgs, c->org_cap, dom);
        if (e->domain[0]) { e->count++; return; }
    }
    if (c->org_n >= PII_ORG_MAX || ((c->org_n + 1) * 2 > c->org_cap && !org_grow(c))) {
        /* Past the cap: the domain's set hash feeds the estimate. */
        hll_put(c, PII__COUNT, set_hash(c->keyed, (const uint8_t *)dom, strlen(dom)));
        return;
    }
    struct pii_org *e = org_find(c->orgs, c->org_cap, dom);
    memcpy(e->domain, dom, strlen(dom) + 1);
    e->count = 1;
    c->org_n++;
}

static int cmp_org(const void *a, const void *b)
{
    const struct pii_org *x = a, *y = b;
    return strcmp(x->domain, y->domain);
}

void pii_counter_finish(struct pii_counter *c, struct pii_findings *f)
{
    settle_later(c);
    f->distinct = 0;
    for (int k = 0; k < PII__COUNT; k++) {
        uint64_t d = c->exact[k];
        if (c->hll[k]) d += hll_estimate(c->hll[k]);
        if (d > f->kind[k].count) d = f->kind[k].count;
        f->kind[k].distinct = d;
        f->distinct += d;
    }
    /* the set's keyed hashes in the order the values came (the ledger's
     * PFADDs take any order; sorting them took 4% of replaying contact
     * exports, tens of thousands of values a body) */
    f->hashes = c->set_n ? c->hashes : NULL;
    f->n_hashes = c->hashes ? c->set_n : 0;
    if (c->set_n) {
        c->hashes = NULL;
        c->hashes_cap = 0;
    }
    f->orgs = NULL;
    f->n_orgs = 0;
    if (c->org_n) {
        f->orgs = malloc((size_t)c->org_n * sizeof *f->orgs);
        if (f->orgs) {
            for (uint32_t i = 0; i < c->org_cap; i++)
                if (c->orgs[i].domain[0]) f->orgs[f->n_orgs++] = c->orgs[i];
            qsort(f->orgs, f->n_orgs, sizeof *f->orgs, cmp_org);
        }
    }
    f->organizations = c->org_n + (c->hll[PII__COUNT] ? hll_estimate(c->hll[PII__COUNT]) : 0);
}

/* ---- masking ---- */

static size_t utf8_len(uint8_t c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

void pii_mask_email(const uint8_t *local, size_t llen, const uint8_t *dom, size_t dlen,
                    char out[PII_SAMPLE_LEN])
{
    size_t tld = dlen;
    while (tld > 0 && dom[tld - 1] != '.') tld--;
    size_t tl = dlen - tld;
    if (tl > 20) tl = 20;
    snprintf(out, PII_SAMPLE_LEN, "%c***@%c***.%.*s", llen ? local[0] : '*', dlen ? dom[0] : '*',
             (int)tl, (const char *)dom + tld);
    for (char *q = out; *q; q++)
        if (*q >= 'A' && *q <= 'Z') *q = (char)(*q + 32);
}

void pii_mask_digits(const uint8_t *raw, size_t len, unsigned keep_head, unsigned keep_tail,
                     char out[PII_SAMPLE_LEN])
{
    unsigned total = 0, seen = 0;
    for (size_t i = 0; i < len; i++)
        if ((raw[i] >= '0' && raw[i] <= '9') || (raw[i] >= 'A' && raw[i] <= 'Z') ||
            (raw[i] >= 'a' && raw[i] <= 'z'))
            total++;
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < PII_SAMPLE_LEN; i++) {
        uint8_t ch = raw[i];
        bool alnum = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
        if (alnum) {
            seen++;
            bool keep = seen <= keep_head || seen + keep_tail > total;
            out[o++] = keep ? (char)ch : '*';
        } else if (ch >= 0x20 && ch < 0x7f) {
            out[o++] = (char)ch;
        }
    }
    out[o] = 0;
}

void pii_mask_iban(const uint8_t *p, size_t len, char out[PII_SAMPLE_LEN])
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 2 < PII_SAMPLE_LEN; i++) {
        if (i && i % 4 == 0) out[o++] = ' ';
        out[o++] = (i < 2 || i + 2 >= len) ? (char)p[i] : '*';
    }
    out[o] = 0;
}

void pii_mask_words(const uint8_t *raw, size_t len, char out[PII_SAMPLE_LEN])
{
    size_t o = 0;
    bool start = true;
    for (size_t i = 0; i < len && o + 5 < PII_SAMPLE_LEN;) {
        uint8_t c = raw[i];
        if (c == ' ' || c == '\t' || c == ',' || c == '-') {
            if (o && out[o - 1] != ' ') out[o++] = c == '-' ? '-' : ' ';
            start = true;
            i++;
            continue;
        }
        size_t n = utf8_len(c);
        if (n > len - i) n = len - i;
        if (start && !(c >= '0' && c <= '9')) {
            if (c >= 0x20) { memcpy(out + o, raw + i, n); o += n; }
        } else {
            out[o++] = '*';
        }
        start = false;
        i += n;
    }
    while (o && out[o - 1] == ' ') o--;
    out[o] = 0;
}

void pii_mask_prefix(const uint8_t *raw, size_t len, size_t keep, char out[PII_SAMPLE_LEN])
{
    size_t o = 0;
    for (size_t i = 0; i < len && i < keep && o + 1 < PII_SAMPLE_LEN; i++)
        out[o++] = (raw[i] >= 0x20 && raw[i] < 0x7f) ? (char)raw[i] : '?';
    for (int i = 0; i < 8 && o + 1 < PII_SAMPLE_LEN; i++) out[o++] = '*';
    out[o] = 0;
}
