/* pii_ctx.h -- field context: which field a byte of the body belongs to.
 *
 * A bare digit run is a phone in a "phone" column and an order number in an
 * "order_id" one; a "Jane Doe" is a person in a "name" field and nothing in a
 * sentence. The tokenizers here follow the structure of the body, one small
 * state machine per format, fed byte chunks with arbitrary splits:
 *
 *   JSON/NDJSON  current key (inherited by array elements), per-depth class
 *   CSV/TSV      header row (delimiter sniffed among , ; TAB |), column class
 *   XML          current element name, per-depth class
 *   TEXT/EML     "key: value" / "key = value" lines (key in the line head)
 *
 * They keep no bytes of values: field names are classified as soon as they
 * end, and values are reported as absolute (start, end) offsets that the
 * scanner reads back from its window. State is bounded: a 64-byte key, a
 * class stack of max_depth levels (--pii-max-depth, at most PII_CTX_DEPTH),
 * CSV header up to PII_CSV_HDR bytes and PII_CSV_COLS columns.
 *
 * Records (the unit of "records with at least one finding"):
 *   JSON  each top-level value (an NDJSON line) and, inside it, each object
 *         that is an element of an array and not inside another such object
 *   CSV   each data row; XML each element at depth 2 (children of the root)
 *   TEXT  each line; EML the whole message is one record
 */
#ifndef BW_PII_CTX_H
#define BW_PII_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "pii.h"

/* Field classes. Values at or past PII_CLS_NAME are judged by the scanner
 * from the field's value alone; the others steer the pattern validators. */
enum pii_cls {
    PII_CLS_NONE = 0,
    PII_CLS_NEG,            /* ids, order/invoice/tracking numbers: not personal digits */
    PII_CLS_EMAIL,
    PII_CLS_PHONE,
    PII_CLS_CARD,
    PII_CLS_IBAN,
    PII_CLS_NATID,          /* generic national id / tax id */
    PII_CLS_SSN,
    PII_CLS_BSN,
    PII_CLS_CPF,
    PII_CLS_AADHAAR,
    PII_CLS_SIN,
    PII_CLS_NIR,
    PII_CLS_NAME,           /* full-name fields: one word is enough */
    PII_CLS_NAME2,          /* generic "name", customer, contact...: two words needed */
    PII_CLS_FIRST,
    PII_CLS_LAST,
    PII_CLS_DOB,
    PII_CLS_ADDRESS,
    PII_CLS_ZIP,
    PII_CLS_PASSWORD,
};

#define PII_KEY_MAX 64
/* The widest class stack: bit d of a 64-bit mask per depth d = 1..63. A
 * tokenizer keeps classes down to its max_depth (LIM_PII_MAX_DEPTH unless
 * set), so a deeper setting costs nothing: the arrays are sized for this. */
#define PII_CTX_DEPTH LIM_PII_DEPTH_MAX
_Static_assert(PII_CTX_DEPTH < 64, "is_arr holds one bit per depth");
#define PII_CSV_COLS 256
#define PII_CSV_HDR 1024
#define PII_EXTRA_WORDS 64
#define PII_KEYCACHE 16           /* field names remembered per tokenizer */
#define PII_KEYCACHE_LEN 24

/* Field-name classifier: the built-in lists plus the configuration's extra
 * context words, normalised (lower case, letters and digits only). */
#define PII_KEYHASH 512
#define PII_SUB_SLOTS 16
struct pii_keymap {
    unsigned n;
    struct { char w[32]; uint8_t cls; } e[PII_EXTRA_WORDS];
    struct { char w[24]; uint8_t cls; bool used; } h[PII_KEYHASH];   /* exact words */
    /* substring rules by first letter, in rule order (rule index + 1, 0 ends):
     * one pass over a name instead of a strstr per rule */
    uint8_t sub[26][PII_SUB_SLOTS];
    uint32_t sub2[26];            /* bit b of sub2[a]: some rule starts with letters a, b */
    bool sub_ok;                  /* the index holds every rule */
    bool digit_words;             /* an extra word without letters (names of digits may match) */
};

void pii_keymap_init(struct pii_keymap *m, const struct pii_config *cfg);
/* Class of a field name given raw ("First_Name", "customer-phone"). */
uint8_t pii_key_class(const struct pii_keymap *m, const uint8_t *key, size_t len);

/* Field names seen lately by one thread's scans, by hash of the raw name
 * (names shorter than PII_KEYCACHE_LEN): JSON with many distinct keys and
 * the next body of the same API skip pii_key_class (2-way sets, most recent
 * first). Lives in the scratch,
 * so it is per thread and per database; 0 in len marks a free slot. */
#define PII_KC_SLOTS 4096          /* 2048 sets of 2, 128 KB: the npm JSON of the bench mix
                                      (dependency names as keys) 0.980x against 1,024;
                                      8,192 and 16,384 no better */
#define PII_KCL_SLOTS 1024         /* longer names (24..64 bytes), 2-way, 66 KB: the npm JSON's
                                      scoped and plugin package names (2.5% of the names there)
                                      took 6% of its scan time without it */
struct pii_keycache {
    /* the name zero-padded to 24 bytes: compared as three words */
    struct { uint64_t w[PII_KEYCACHE_LEN / 8]; uint8_t len, cls; } e[PII_KC_SLOTS];
    /* longer names, compared byte for byte */
    struct { uint8_t k[PII_KEY_MAX]; uint8_t len, cls; } l[PII_KCL_SLOTS];
};
_Static_assert(PII_KEYCACHE_LEN == 24, "pii_keycache entries hold three words");

/* A value of a judged class: [start, end) absolute body offsets. */
typedef void (*pii_field_fn)(void *ctx, uint8_t cls, uint64_t start, uint64_t end, uint64_t rec);

struct pii_tok {
    enum pii_doc_type type;
    const struct pii_keymap *km;
    struct pii_keycache *kc;    /* optional (set after pii_tok_init): the thread's name cache */
    pii_field_fn emit;
    void *ctx;
    uint64_t pos;           /* absolute offset of the next byte */
    uint64_t rec;           /* current record id (0 = none yet) */
    uint8_t cls;            /* class of the value under pos, NONE outside values */
    uint8_t state;
    bool lost;              /* after a gap: waiting for a resynchronisation point */
    uint8_t max_depth;      /* class stack depth, 1..PII_CTX_DEPTH (set after pii_tok_init) */
    bool bytewise;          /* JSON, CSV: the plain byte-at-a-time machine, which
                             * the fast one must equal (tests set it) */
    uint32_t depth_capped;  /* containers opened past max_depth (classes lost there) */
    uint64_t vstart;        /* start of the current value */
    uint8_t key_len;
    char key[PII_KEY_MAX];
    struct { char w[PII_KEYCACHE_LEN]; uint8_t cls; } cache[PII_KEYCACHE];   /* recent names */
    uint8_t cache_next;
    union {
        struct {
            uint8_t depth, rec_depth;
            uint8_t cls[PII_CTX_DEPTH + 1];     /* class given to the container's children */
            uint64_t is_arr;                     /* bit d: container at depth d is an array */
            bool expect_key, str_is_key;
            uint8_t key_cls;                     /* last key's class in current object */
        } j;
        struct {
            bool header_done, in_q, q_end;
            uint8_t delim;
            uint16_t col, ncols;
            uint16_t hdr_len;
            uint64_t row;
            uint8_t cls[PII_CSV_COLS];
            uint8_t hdr[PII_CSV_HDR];
        } c;
        struct {
            uint8_t depth;
            uint8_t cls[PII_CTX_DEPTH + 1];
            uint8_t match;                       /* progress through "-->", "]]>", "CDATA[" */
            uint8_t quote;
            bool closing, selfclose;
        } x;
        struct {
            uint8_t line_cls;
            bool in_head;                        /* key_len bytes of the line head kept */
        } t;
    } u;
};

/* Start a tokenizer for a known (not AUTO) document type, with the default
 * depth (LIM_PII_MAX_DEPTH; set t->max_depth after this call to change it). */
void pii_tok_init(struct pii_tok *t, enum pii_doc_type type, const struct pii_keymap *km,
                  pii_field_fn emit, void *ctx);
/* Consume n bytes at t->pos. */
void pii_tok_feed(struct pii_tok *t, const uint8_t *p, size_t n);
/* len bytes are missing: forget the current field, resynchronise at the next
 * line (JSON/CSV/TEXT) or tag (XML). */
void pii_tok_gap(struct pii_tok *t, uint64_t len);
/* End of body: report a value still open (last line or CSV field). */
void pii_tok_close(struct pii_tok *t);

/* Sniff the type of a body from its first bytes (at most a few KB); final
 * tells that no more bytes will come. Returns PII_DOC_AUTO while undecided. */
enum pii_doc_type pii_sniff(const uint8_t *p, size_t len, bool final);

#endif
