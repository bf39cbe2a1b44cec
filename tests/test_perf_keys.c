/* test_perf_keys.c -- the hot-path shortcuts of field-name classification
 * give the answers of the plain code they replace:
 *   - the first-letter index of substring rules (pii_keymap) against the
 *     reference path (no keymap: linear exact words, strstr per rule);
 *   - the tokenizer's per-thread name cache (2-way sets) against no cache,
 *     on a JSON document with far more distinct names than cache slots. */
#include "test.h"
#include "pii.h"
#include "pii_ctx.h"

static const char *const parts[] = {
    "social", "security", "socialsecurity", "insurance", "aadhaar", "birth", "email", "address",
    "ip", "mac", "phone", "mobile", "telefon", "msisdn", "card", "number", "credit", "iban",
    "national", "id", "tax", "post", "postal", "code", "zip", "street", "strasse", "first",
    "given", "last", "sur", "family", "full", "name", "order", "invoice", "tracking", "serial",
    "sku", "isbn", "gtin", "transaction", "ticket", "reference", "version", "timestamp",
    "checksum", "hash", "shipment", "parcel", "user", "customer", "db", "password", "pass",
    "pwd", "secret", "api", "key", "x", "Q", "_", "-", "2", "zz",
};
#define NPARTS (sizeof parts / sizeof parts[0])

static void t_index_matches_reference(void)
{
    static struct pii_keymap km;
    pii_keymap_init(&km, NULL);
    CHECK(km.sub_ok);
    unsigned n = 0, differ = 0, classified = 0;
    char key[96];
    /* every pair and a spread of triples of parts, joined three ways */
    for (size_t a = 0; a < NPARTS; a++)
        for (size_t b = 0; b < NPARTS; b++)
            for (size_t c = 0; c < NPARTS; c += 7)
                for (int sep = 0; sep < 3; sep++) {
                    const char *j = sep == 0 ? "" : sep == 1 ? "_" : "-";
                    int len = snprintf(key, sizeof key, "%s%s%s%s%s", parts[a], j, parts[b], j, parts[c]);
                    uint8_t fast = pii_key_class(&km, (const uint8_t *)key, (size_t)len);
                    uint8_t ref = pii_key_class(NULL, (const uint8_t *)key, (size_t)len);
                    n++;
                    if (fast != ref) differ++;
                    if (ref != PII_CLS_NONE) classified++;
                }
    CHECK_EQ(differ, 0);
    CHECK(n > 10000);
    CHECK(classified > n / 4);   /* the corpus exercises the rules */
}

struct rec {
    uint64_t n, sum;
};

static void on_field(void *ctx, uint8_t cls, uint64_t start, uint64_t end, uint64_t rec)
{
    struct rec *r = ctx;
    r->n++;
    r->sum = r->sum * 1000003u + cls * 7919u + start * 31u + end * 17u + rec;
}

static void t_cache_same_fields(void)
{
    /* records with repeated names (email, phone, lastName) among one-off
     * names ("pkg-123": ...) that overflow every cache set */
    size_t cap = 4u << 20, len = 0;
    char *doc = malloc(cap);
    CHECK(doc != NULL);
    if (!doc) return;
    len += (size_t)snprintf(doc + len, cap - len, "[");
    for (unsigned i = 0; i < 20000; i++)
        len += (size_t)snprintf(doc + len, cap - len,
                                "%s{\"email\":\"u%u@mail.example.org\",\"pkg-%u\":\"1.%u\",\"phone\":\"+31 6 %08u\","
                                "\"lastName\":\"Jansen\",\"v%u_build\":\"x\",\"customer_name\":\"Anna Bos\"}",
                                i ? "," : "", i, i, i % 7, 10000000u + i, i * 7u);
    len += (size_t)snprintf(doc + len, cap - len, "]");
    CHECK(len < cap - 1);

    static struct pii_keymap km;
    pii_keymap_init(&km, NULL);
    static struct pii_keycache kc;
    memset(&kc, 0, sizeof kc);
    static struct pii_tok a, b;
    struct rec ra = { 0, 0 }, rb = { 0, 0 };
    pii_tok_init(&a, PII_DOC_JSON, &km, on_field, &ra);
    pii_tok_init(&b, PII_DOC_JSON, &km, on_field, &rb);
    b.kc = &kc;
    /* fed in uneven pieces, as bodies arrive */
    for (size_t off = 0, step = 1; off < len; off += step, step = step * 3 % 1409 + 1) {
        size_t n = off + step > len ? len - off : step;
        pii_tok_feed(&a, (const uint8_t *)doc + off, n);
        pii_tok_feed(&b, (const uint8_t *)doc + off, n);
    }
    CHECK_EQ(ra.n, 20000u * 2);   /* name-class values (lastName, customer_name) per record */
    CHECK_EQ(ra.n, rb.n);
    CHECK_EQ(ra.sum, rb.sum);
    unsigned used = 0;
    for (unsigned i = 0; i < PII_KC_SLOTS; i++) used += kc.e[i].len != 0;
    CHECK(used > PII_KC_SLOTS / 2);   /* the cache was used, and overflowed */
    free(doc);
}

int main(void)
{
    RUN(t_index_matches_reference);
    RUN(t_cache_same_fields);
    return test_done();
}
