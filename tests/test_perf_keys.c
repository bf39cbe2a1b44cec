/* test_perf_keys.c -- the hot-path shortcuts of field-name classification
 * give the answers of the plain code they replace:
 *   - the first-letter index of substring rules (pii_keymap) against the
 *     reference path (no keymap: linear exact words, strstr per rule);
 *   - the tokenizer's per-thread name cache (2-way sets) against no cache,
 *     on a JSON document with far more distinct names than cache slots;
 *   - the run-at-a-time JSON tokenizer against the byte-at-a-time machine
 *     (pii_tok.bytewise), on the corpus's JSON, mutated JSON and random
 *     bytes, fed in random pieces with gaps: the same fields, classes,
 *     offsets and records;
 *   - the same for the CSV tokenizer's skip to the next quote, delimiter or
 *     newline, on the corpus's CSV/TSV, mutated and random. */
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
    size_t cap = 8u << 20, len = 0;
    char *doc = malloc(cap);
    CHECK(doc != NULL);
    if (!doc) return;
    len += (size_t)snprintf(doc + len, cap - len, "[");
    for (unsigned i = 0; i < 20000; i++)
        len += (size_t)snprintf(doc + len, cap - len,
                                "%s{\"email\":\"u%u@mail.example.org\",\"pkg-%u\":\"1.%u\",\"phone\":\"+31 6 %08u\","
                                "\"lastName\":\"Jansen\",\"v%u_build\":\"x\",\"customer_name\":\"Anna Bos\","
                                "\"@scope-%u/eslint-plugin-webpack\":\"^2\",\"primary_account_holder_full_name\":\"Jo Do\"}",
                                i ? "," : "", i, i, i % 7, 10000000u + i, i * 7u, i);
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
    /* the longer names (24 bytes and more) have a table of their own */
    CHECK(pii_key_class(&km, (const uint8_t *)"primary_account_holder_full_name", 32) >= PII_CLS_NAME);
    CHECK_EQ(ra.n, 20000u * 3);   /* name-class values (lastName, customer_name, primary_..._full_name) per record */
    CHECK_EQ(ra.n, rb.n);
    CHECK_EQ(ra.sum, rb.sum);
    unsigned used = 0;
    for (unsigned i = 0; i < PII_KC_SLOTS; i++) used += kc.e[i].len != 0;
    CHECK(used > PII_KC_SLOTS / 2);   /* the cache was used, and overflowed */
    used = 0;
    for (unsigned i = 0; i < PII_KCL_SLOTS; i++) used += kc.l[i].len != 0;
    CHECK(used > PII_KCL_SLOTS / 2);  /* so was the one for longer names */
    free(doc);
}

static uint64_t rnd(void) { return test_rand(); }   /* the same pieces on every run */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) { free(b); b = NULL; }
            else b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

/* Feed body to a fast and a bytewise tokenizer in the same random pieces,
 * with a gap now and then when gaps is set; 1 when they agree. */
static int same_tokens_as(enum pii_doc_type type, const struct pii_keymap *km, struct pii_keycache *kc,
                          const uint8_t *body, size_t len, unsigned max_piece, bool gaps)
{
    static struct pii_tok a, b;
    struct rec ra = { 0, 0 }, rb = { 0, 0 };
    pii_tok_init(&a, type, km, on_field, &ra);
    pii_tok_init(&b, type, km, on_field, &rb);
    a.kc = kc;
    b.kc = kc;
    b.bytewise = true;
    a.max_depth = b.max_depth = (uint8_t)(1 + rnd() % 12);
    for (size_t off = 0; off < len;) {
        size_t n = 1 + rnd() % max_piece;
        if (n > len - off) n = len - off;
        if (gaps && rnd() % 64 == 0) {
            pii_tok_gap(&a, n);
            pii_tok_gap(&b, n);
        } else {
            pii_tok_feed(&a, body + off, n);
            pii_tok_feed(&b, body + off, n);
        }
        off += n;
    }
    pii_tok_close(&a);
    pii_tok_close(&b);
    return ra.n == rb.n && ra.sum == rb.sum && a.rec == b.rec && a.depth_capped == b.depth_capped &&
           a.state == b.state;
}

static int same_tokens(const struct pii_keymap *km, struct pii_keycache *kc, const uint8_t *body,
                       size_t len, unsigned max_piece, bool gaps)
{
    return same_tokens_as(PII_DOC_JSON, km, kc, body, len, max_piece, gaps);
}

struct agree {
    unsigned bodies, agree, fields;
};

/* Each file of the corpus as is, in pieces of up to 1, 7, 64 and 4096 bytes,
 * with and without gaps, then 40 times with bytes of noise dropped in at
 * random: the run-at-a-time and the bytewise tokenizers of type must agree. */
static void corpus_agree(enum pii_doc_type type, const char *const *files, size_t nfiles, const char *noise,
                         const struct pii_keymap *km, struct pii_keycache *kc, struct agree *a)
{
    size_t nn = strlen(noise);
    for (size_t f = 0; f < nfiles; f++) {
        size_t len = 0;
        char *doc = slurp(files[f], &len);
        CHECK(doc != NULL && len > 1000);
        if (!doc) continue;
        static const unsigned pieces[] = { 1, 7, 64, 4096 };
        for (size_t k = 0; k < 4; k++)
            for (int g = 0; g < 2; g++) {
                a->bodies++;
                a->agree += (unsigned)same_tokens_as(type, km, kc, (const uint8_t *)doc, len, pieces[k], g);
            }
        uint8_t *m = malloc(len);
        CHECK(m != NULL);
        if (!m) { free(doc); continue; }
        for (int round = 0; round < 40; round++) {
            memcpy(m, doc, len);
            unsigned hits = 1 + (unsigned)(rnd() % 40);
            for (unsigned h = 0; h < hits; h++) m[rnd() % len] = (uint8_t)noise[rnd() % nn];
            a->bodies++;
            a->agree += (unsigned)same_tokens_as(type, km, kc, m, len, 1 + (unsigned)(rnd() % 300), round & 1);
        }
        struct rec r = { 0, 0 };
        static struct pii_tok t;
        pii_tok_init(&t, type, km, on_field, &r);
        pii_tok_feed(&t, (const uint8_t *)doc, len);
        a->fields += (unsigned)r.n;
        free(m);
        free(doc);
    }
}

/* 200 rounds of random bytes, drawn from the format's alphabet and from all 256. */
static void junk_agree(enum pii_doc_type type, const char *alphabet, const struct pii_keymap *km,
                       struct pii_keycache *kc, struct agree *a)
{
    size_t na = strlen(alphabet);
    static uint8_t junk[20000];
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof junk; i++) {
            uint8_t c = (uint8_t)rnd();
            junk[i] = round & 1 ? c : (uint8_t)alphabet[c % na];
        }
        a->bodies++;
        a->agree += (unsigned)same_tokens_as(type, km, kc, junk, sizeof junk, 1 + (unsigned)(rnd() % 200),
                                             round & 2);
    }
}

static void t_json_runs_equal_bytes(void)
{
    static const char *const files[] = {
        "tests/pii/data/mailbox_en_US.json", "tests/pii/data/events_nl.ndjson",
        "tests/pii/data/accounts_split_de.json", "tests/pii/data/credentials.json",
        "tests/pii/data/lookalike_catalog.json", "tests/pii/data/lookalike_metrics.ndjson",
        "tests/pii/data/orders_fr.json", "tests/pii/data/signups_es.ndjson",
        "tests/pii/data/users_en_US.json",
    };
    static struct pii_keymap km;
    pii_keymap_init(&km, NULL);
    static struct pii_keycache kc;
    struct agree a = { 0, 0, 0 };
    /* noise: structure bytes, escapes and whitespace */
    corpus_agree(PII_DOC_JSON, files, sizeof files / sizeof files[0], "\"\\{}[],: \n\t\rx0@", &km, &kc, &a);
    /* names about the key limit (PII_KEY_MAX): the class of a 64-byte key
     * depends on its last byte */
    char lk[16384];
    size_t ll = 0;
    for (int pad = 40; pad < 80; pad++)
        ll += (size_t)snprintf(lk + ll, sizeof lk - ll, "%s{\"%.*s%s\": \"Jo Do\"}\n", "", pad,
                               "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
                               pad & 1 ? "_fullname" : "_phone");
    CHECK(ll < sizeof lk - 1);
    for (int round = 0; round < 20; round++) {
        a.bodies++;
        a.agree += (unsigned)same_tokens(&km, &kc, (const uint8_t *)lk, ll, round ? 1 + (unsigned)(rnd() % 2000) : (unsigned)ll, false);
    }
    junk_agree(PII_DOC_JSON, "{\"a\":[\"b\\\"c\", 1, true],\n\"name\": \"Jo Do\"}  \t", &km, &kc, &a);
    CHECK_EQ(a.agree, a.bodies);
    CHECK(a.bodies > 400);
    CHECK(a.fields > 1000);   /* the corpus gives the tokenizers name-class values to report */
}

static void t_csv_runs_equal_bytes(void)
{
    static const char *const files[] = {
        "tests/pii/data/customers_en_US.csv", "tests/pii/data/kunden_de.csv",
        "tests/pii/data/klanten_nl.tsv", "tests/pii/data/clients_fr.csv",
        "tests/pii/data/lookalike_orders.csv", "tests/pii/data/customers_ja.csv",
    };
    static struct pii_keymap km;
    pii_keymap_init(&km, NULL);
    static struct pii_keycache kc;
    struct agree a = { 0, 0, 0 };
    /* noise: quotes, delimiters and line ends */
    corpus_agree(PII_DOC_CSV, files, sizeof files / sizeof files[0], "\",;\t|\n\rx0@", &km, &kc, &a);
    junk_agree(PII_DOC_CSV, "name,email\n\"Jo \"\"D\"\",x;y\tz|w\r\n  ab", &km, &kc, &a);
    CHECK_EQ(a.agree, a.bodies);
    CHECK(a.bodies > 400);
    CHECK(a.fields > 1000);
}

int main(void)
{
    RUN(t_index_matches_reference);
    RUN(t_cache_same_fields);
    RUN(t_json_runs_equal_bytes);
    RUN(t_csv_runs_equal_bytes);
    return test_done();
}
