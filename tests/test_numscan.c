/* test_numscan.c -- the digit scan (pii_numscan.c): its candidates on known
 * inputs, and the same candidates from every vector width this CPU runs (8:
 * eight-byte words, 16: SSE2, 32: AVX2) whatever the chunks the body comes
 * in: the widths share the byte walk of a run but each skips by its own
 * vector code, and that skipping must never step over a candidate. */
#include "test.h"
#include "pii_int.h"

#define MAXC 200000u

struct cands {
    uint64_t v[MAXC];   /* absolute end << 8 | pattern */
    size_t n;
};

/* The candidates of body[0, len) fed in pieces of the given sizes (cycled;
 * none = PII_CHUNK pieces, the engine's), vectors of at most width bytes. */
static void scan(unsigned width, const uint8_t *body, size_t len, const size_t *pieces, size_t n_pieces,
                 struct cands *out)
{
    static uint32_t buf[PII_CHUNK];
    struct pii_numscan st;
    pii_numscan_reset(&st);
    out->n = 0;
    for (size_t o = 0, k = 0; o < len; k++) {
        size_t n = n_pieces ? pieces[k % n_pieces] : PII_CHUNK;
        if (n > PII_CHUNK) n = PII_CHUNK;
        if (n > len - o) n = len - o;
        size_t got = pii_numscan_width(width, &st, body + o, n, buf);
        for (size_t i = 0; i < got && out->n < MAXC; i++)
            out->v[out->n++] = (o + (buf[i] >> 8)) << 8 | (buf[i] & 0xff);
        o += n;
    }
}

static bool same(const struct cands *a, const struct cands *b)
{
    return a->n == b->n && memcmp(a->v, b->v, a->n * sizeof a->v[0]) == 0;
}

/* end offsets (1-based: just past the byte) and patterns of text's candidates */
static void expect(const char *text, const uint64_t *want, size_t n_want)
{
    static struct cands got;
    unsigned widths[3] = { 8, 16, 32 };
    for (int w = 0; w < 3; w++) {
        scan(widths[w], (const uint8_t *)text, strlen(text), NULL, 0, &got);
        bool ok = got.n == n_want;
        for (size_t i = 0; ok && i < n_want; i++) ok = got.v[i] == want[i];
        if (!ok) {
            printf("  width %u, %s: %zu candidates:", widths[w], text, got.n);
            for (size_t i = 0; i < got.n; i++) printf(" %" PRIu64 "/%u", got.v[i] >> 8, (unsigned)(got.v[i] & 0xff));
            printf("\n");
        }
        CHECK(ok);
    }
}
#define C(end, pat) ((uint64_t)(end) << 8 | (pat))

static void t_known(void)
{
    /* seven digits after a boundary, separators of up to 3 between them:
     * reported at the seventh digit, once a run */
    const char *phone = "call +44 20 7946 0958 now, or (020) 7946-0958";
    uint64_t w1[] = { C(15, PAT_NUM), C(40, PAT_NUM) };
    expect(phone, w1, 2);
    /* inside a word, a hex string, after a '.', '_' or '/': nothing */
    expect("id a1234567890 v1.2345678 x_1234567 /1234567 sha 9f1234567", NULL, 0);
    /* four separators end the run */
    expect(" 123 -  4567", NULL, 0);
    /* capitals then a digit: IBAN/NINO (2), codice fiscale (6), NIE (X/Y/Z,
     * also X-); a run after a capital is no phone number */
    uint64_t w2[] = { C(8, PAT_LD), C(36, PAT_LD) };
    expect("IBAN DE89370400440532013000, NIE X-1234567L", w2, 2);
    uint64_t w5[] = { C(10, PAT_LD) };
    expect("CF RSSMRA85T10A562S", w5, 1);
    /* a Corsican NIR: "2A" right after the sixth digit, a 2 */
    uint64_t w3[] = { C(8, PAT_NIR2A) };
    expect(" 185052A 004", w3, 1);
    /* the body's start is a boundary; a digit in the last byte is scanned */
    uint64_t w4[] = { C(7, PAT_NUM) };
    expect("1234567", w4, 1);
}

/* Bodies of bytes chosen to make runs: digits, separators, capitals, lower
 * case, quotes, JSON punctuation, a few high bytes. */
static void fill(uint8_t *b, size_t len, int flavour)
{
    static const char kinds[] = "0123456789 -.()/+_ABCXYZabz\":,{}[]\n";
    for (size_t i = 0; i < len; i++) {
        uint64_t r = test_rand();
        if (flavour == 0) {
            b[i] = (uint8_t)kinds[r % (sizeof kinds - 1)];
        } else if (flavour == 1) {   /* prose: a phone number now and then, anywhere in a block */
            if ((r >> 8) % 300 == 0) {
                static const char num[] = " +1 555-010-9876 ";
                for (size_t j = 0; j < sizeof num - 1 && i < len; j++) b[i++] = (uint8_t)num[j];
                i--;
            } else {
                b[i] = (uint8_t)"lorem ipsum\"dolor\n sit"[r % 22];
            }
        } else {                     /* npm-like JSON: versions, dates, hashes */
            static const char *const toks[] = { "\"1.0.", "\",\"time\":{\"", "2015-03-24T20:31:07.453Z",
                                                "\"shasum\":\"9f8e1234567abcdef0\"", "+1 (555) 010-", "DE89",
                                                "\"version\":\"", "X-", "185052A", "\xc3\xa9" };
            const char *t = toks[r % 10];
            size_t k = strlen(t);
            for (size_t j = 0; j < k && i < len; j++) b[i++] = (uint8_t)t[j];
            if (i < len) b[i] = (uint8_t)('0' + (r >> 16) % 10);
        }
    }
}

static void t_widths_agree(void)
{
    static uint8_t body[1u << 16];
    static struct cands ref, got;
    unsigned widest = pii_numscan_widest();
    printf("  widest vectors here: %u bytes\n", widest);
    size_t total = 0, differ = 0;
    for (int round = 0; round < 90; round++) {
        size_t len = 1 + test_rand() % sizeof body;
        fill(body, len, round % 3);
        scan(8, body, len, NULL, 0, &ref);
        total += ref.n;
        /* whole chunks, then random pieces (some shorter than a vector) */
        for (int cut = 0; cut < 4; cut++) {
            size_t pieces[16];
            for (int k = 0; k < 16; k++)
                pieces[k] = cut == 0 ? PII_CHUNK : 1 + test_rand() % (cut == 1 ? 40 : cut == 2 ? 700 : PII_CHUNK);
            for (unsigned w = 8; w <= 32; w *= 2) {
                scan(w, body, len, pieces, 16, &got);
                differ += !same(&ref, &got);
            }
        }
    }
    printf("  %zu candidates in 90 bodies, each scanned in 4 cuttings at 3 widths\n", total);
    CHECK(total > 1000);
    CHECK_EQ(differ, 0);
}

int main(void)
{
    RUN(t_known);
    RUN(t_widths_agree);
    return test_done();
}
