/* pii_count.h -- counting what the scanner found: occurrences, distinct
 * values through a keyed hash, organisations (email domains), masked samples.
 *
 * A pii_counter lives inside one open scan. Values reach it already
 * normalised (lower-case email, E.164 phone, compact card...); the raw value
 * is not stored. Two hashes:
 * - the keyed hash that leaves the engine (findings, the Redis ledger):
 *   HMAC-SHA256 under the deployment key, its first PII_HASH_LEN bytes;
 *   made only for the values the exact set takes;
 * - a 64-bit set hash for the in-memory distinct set and the estimates:
 *   XXH3 under a secret derived from the same key (as the duplicate-packet
 *   filter's). Most values of a large export are repeats or come past the
 *   set's cap, and two SHA-256 compressions a value were a sixth of the time
 *   on such bodies.
 * Distinct sets are exact up to max_distinct entries per body (all kinds
 * together); past that, values not already in the set go into a HyperLogLog
 * per kind (p = 12, ~1.6% standard error) and the distinct figures become
 * estimates.
 */
#ifndef BW_PII_COUNT_H
#define BW_PII_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pii.h"

/* ---- keyed hash ---- */

/* The HMAC key schedule, computed once per database, read-only after. */
struct pii_keyed;
struct pii_keyed *pii_keyed_new(const uint8_t *key, size_t len);
void pii_keyed_free(struct pii_keyed *k);
/* out = first PII_HASH_LEN bytes of HMAC-SHA256(key, p[0..n)). */
void pii_keyed_hash(const struct pii_keyed *k, const uint8_t *p, size_t n,
                    uint8_t out[PII_HASH_LEN]);

/* ---- counter ---- */

#define PII_ORG_MAX 4096          /* distinct organisation domains kept per body */
#define PII_HLL_P 12
#define PII_COUNT_LATER 8         /* values whose set lookup may wait (see below) */

struct pii_hll;

/* A value waiting for its set lookup; h is made if the set may take it. */
struct pii_later {
    uint64_t fh;
    uint8_t kind;
    uint8_t h[PII_HASH_LEN];
};

struct pii_counter {
    uint32_t max_distinct;
    const struct pii_keyed *keyed;
    uint64_t *set;                /* open addressing: (kind, set hash) keys, 0 empty */
    uint32_t set_cap, set_n;
    struct pii_hash *hashes;      /* keyed hashes of the set's values, in order */
    uint32_t hashes_cap;
    bool keep_hashes;             /* else hashes stays NULL */
    uint64_t exact[PII__COUNT];
    struct pii_hll *hll[PII__COUNT + 1];   /* last one: organisations past PII_ORG_MAX */
    struct pii_org *orgs;         /* open addressing on domain; empty when domain[0] == 0 */
    uint32_t org_cap, org_n;
    bool estimated;               /* some distinct figure is an estimate */
    uint64_t oom;                 /* allocations that failed: values counted, not kept */
    /* Values whose new-ness nobody waits for (pii_counter_add_later), in
     * order, their set slots fetched meanwhile: a body with tens of
     * thousands of distinct values has a set far out of cache, and waiting
     * for each slot was a tenth of the time on PII-dense bodies. */
    uint8_t n_later, later_at;    /* a ring: count and oldest */
    struct pii_later later[PII_COUNT_LATER];
};

/* keep_hashes: make the keyed hashes of the set's values (else findings
 * have none, and no value costs an HMAC). */
void pii_counter_init(struct pii_counter *c, uint32_t max_distinct, const struct pii_keyed *keyed,
                      bool keep_hashes);
void pii_counter_free(struct pii_counter *c);

/* Count one occurrence of the (normalised) value p[0..n) of kind k. Returns
 * true if the value is new to this body (the caller then offers a sample). */
bool pii_counter_add(struct pii_counter *c, struct pii_findings *f, enum pii_kind k,
                     const uint8_t *p, size_t n);

/* The same, for a caller that does not need to know whether the value is
 * new: its occurrence is counted at once, its set lookup (which decides
 * whether it is distinct) a few values later, with its slot prefetched.
 * Every other call of this API first settles the waiting values in order,
 * so all figures equal those of pii_counter_add in the same order. */
void pii_counter_add_later(struct pii_counter *c, struct pii_findings *f, enum pii_kind k,
                           const uint8_t *p, size_t n);

/* Count one email domain (lower case); free-mail providers are ignored.
 * The domain is first reduced to its registrable part (corp.example.co.uk ->
 * example.co.uk). */
void pii_counter_org(struct pii_counter *c, const uint8_t *domain, size_t len);

/* Fill f's distinct figures, hashes (in no particular order) and orgs
 * (sorted by domain), owned by f. */
void pii_counter_finish(struct pii_counter *c, struct pii_findings *f);

/* True if the registrable domain belongs to a free-mail provider. */
bool pii_freemail(const char *domain);
/* Reduce a lower-case domain to its registrable part into out (size >= 64);
 * returns its length, 0 if it does not fit. */
size_t pii_org_domain(const uint8_t *d, size_t len, char *out, size_t outlen);

/* ---- masking: never more than a letter or two and the last digits ---- */

/* j***@c***.com */
void pii_mask_email(const uint8_t *local, size_t llen, const uint8_t *dom, size_t dlen,
                    char out[PII_SAMPLE_LEN]);
/* Keep the separators, the first keep_head and last keep_tail digits (and a
 * leading '+'), star the other digits and letters: "+31 6** *** *78",
 * "**** **** **** 4242". */
void pii_mask_digits(const uint8_t *raw, size_t len, unsigned keep_head, unsigned keep_tail,
                     char out[PII_SAMPLE_LEN]);
/* NL** **** **** **** **34 from the compact IBAN. */
void pii_mask_iban(const uint8_t *compact, size_t len, char out[PII_SAMPLE_LEN]);
/* J*** D** : first character of each word (UTF-8 aware), digits starred. */
void pii_mask_words(const uint8_t *raw, size_t len, char out[PII_SAMPLE_LEN]);
/* A label plus the first keep bytes of a token, then stars: "AKIA****". */
void pii_mask_prefix(const uint8_t *raw, size_t len, size_t keep, char out[PII_SAMPLE_LEN]);

#endif
