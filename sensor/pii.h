/* pii.h -- the PII engine: find, validate, count and mask personal data in
 * streamed bodies.
 *
 * Life cycle:
 *   pii_db      compiled once (Hyperscan database + tables), shared read-only by
 *               all workers.
 *   pii_scratch one per worker thread (Hyperscan scratch, reusable buffers).
 *   pii_scan    one per open body: open, feed any number of times with any
 *               split, close -> findings. A value split across two feeds is
 *               found exactly as if the body were whole. Memory per open scan
 *               is bounded and independent of the body size.
 * Raw values never leave the engine: findings hold counts, keyed hashes and
 * masked samples only.
 */
#ifndef BW_PII_H
#define BW_PII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pii_kind {
    PII_EMAIL = 0,
    PII_PHONE,
    PII_PAYMENT_CARD,
    PII_NATIONAL_ID,
    PII_IBAN,
    PII_PERSON_NAME,
    PII_DATE_OF_BIRTH,
    PII_POSTAL_ADDRESS,
    PII_EMAIL_MESSAGE,
    PII_CREDENTIAL,
    PII__COUNT
};

/* Stable snake_case name used in JSON ("email", "payment_card", ...). */
const char *pii_kind_name(enum pii_kind k);
/* Reverse of pii_kind_name; -1 if unknown. */
int pii_kind_from_name(const char *name);

/* What the body is, to choose the field-context tokenizer. */
enum pii_doc_type {
    PII_DOC_AUTO = 0,   /* sniff from the first bytes */
    PII_DOC_TEXT,
    PII_DOC_JSON,       /* JSON and NDJSON */
    PII_DOC_CSV,        /* CSV/TSV, delimiter sniffed */
    PII_DOC_XML,
    PII_DOC_EML,        /* RFC 5322 message */
};

/* Map a MIME type ("application/json; charset=utf-8") to a doc type. */
enum pii_doc_type pii_doc_type_from_mime(const char *mime, size_t len);

#define PII_MAX_SAMPLES 3
#define PII_SAMPLE_LEN 48
#define PII_HASH_LEN 16          /* bytes of keyed hash kept per distinct value */

struct pii_config {
    bool enabled[PII__COUNT];    /* default: all true */
    uint64_t scan_cap;           /* bytes scanned per body; 0 = whole body */
    uint32_t max_distinct;       /* exact distinct values kept per body; past it, estimated */
    unsigned max_depth;          /* JSON/XML nesting that keeps field context (1..LIM_PII_DEPTH_MAX,
                                    default LIM_PII_MAX_DEPTH; 0 = the default) */
    const uint8_t *hash_key;     /* per-deployment secret for the keyed hash */
    size_t hash_key_len;
    /* make the distinct values' keyed hashes (pii_findings.hashes): for a
     * consumer that stores them (the Redis ledger, scan --summary); the
     * counts and samples do not need them. Default true. */
    bool keep_hashes;
    /* extra context words (field names) per kind, NULL-terminated lists or NULL */
    const char *const *context_words[PII__COUNT];
};

void pii_config_defaults(struct pii_config *cfg);

struct pii_kind_result {
    uint64_t count;              /* occurrences */
    uint64_t distinct;           /* distinct normalised values */
    unsigned n_samples;
    char samples[PII_MAX_SAMPLES][PII_SAMPLE_LEN];   /* masked, NUL-terminated */
};

/* A keyed hash of one distinct value, for the exposure ledger. */
struct pii_hash {
    uint8_t kind;                /* enum pii_kind */
    uint8_t h[PII_HASH_LEN];
};

/* An organisation's email domain (company domains only; free-mail excluded). */
struct pii_org {
    char domain[64];
    uint64_t count;
};

struct pii_findings {
    struct pii_kind_result kind[PII__COUNT];
    uint64_t total;              /* occurrences, all kinds */
    uint64_t distinct;           /* distinct values, all kinds */
    uint64_t records;            /* rows/documents/elements with at least one finding */
    uint64_t organizations;      /* distinct organisation email domains */
    bool complete;               /* false when a gap or the scan cap cut the body */
    uint64_t bytes_scanned;
    uint64_t depth_capped;       /* JSON/XML containers nested past the context depth cap
                                    (pii_config.max_depth): values below them are scanned
                                    without field-name context */
    struct pii_hash *hashes;     /* distinct values' keyed hashes (owned) */
    size_t n_hashes;
    struct pii_org *orgs;        /* distinct organisation domains with counts (owned) */
    size_t n_orgs;
};

typedef struct pii_db pii_db;
typedef struct pii_scratch pii_scratch;
typedef struct pii_scan pii_scan;

/* Compile the database. Returns NULL and a message in err on failure. */
pii_db *pii_db_new(const struct pii_config *cfg, char *err, size_t errlen);
void pii_db_free(pii_db *db);

/* Per-thread scratch for db. NULL on allocation failure. */
pii_scratch *pii_scratch_new(const pii_db *db);
void pii_scratch_free(pii_scratch *s);
/* Bench floor: the database's Hyperscan patterns alone over (p, n), fed
 * as one stream in pieces of `piece` bytes, nothing else (no digit scan,
 * tokenizer or judging). Returns the matches, or UINT64_MAX on error. */
uint64_t pii_hyperscan_only(pii_scratch *s, const uint8_t *p, size_t n, size_t piece);

/* Open a scan of one body. The scan uses s (one open scan per scratch at a
 * time is NOT required: scans keep their own state; s is only borrowed during
 * feed/close calls from the same thread). Returns NULL on allocation failure. */
pii_scan *pii_scan_open(const pii_db *db, pii_scratch *s, enum pii_doc_type type);
void pii_scan_feed(pii_scan *sc, const uint8_t *p, size_t len);
/* len bytes of the body are missing here: tokenizers resynchronise. */
void pii_scan_gap(pii_scan *sc, uint64_t len);
/* Finish, fill *out (caller frees with pii_findings_free), free the scan. */
void pii_scan_close(pii_scan *sc, struct pii_findings *out);
/* Free a scan without findings (eviction). */
void pii_scan_abort(pii_scan *sc);

void pii_findings_free(struct pii_findings *f);

/* Findings as the alert's "bleedwatch.pii" JSON object (pii_json.c): counts
 * and masked samples only. */
struct json;
void pii_findings_json(struct json *j, const struct pii_findings *f);

#endif
