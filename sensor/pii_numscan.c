/* pii_numscan.c -- the digit anchors, scanned without Hyperscan.
 *
 * Digits are everywhere (timestamps, ids, prices), and class-led patterns
 * such as "boundary, then seven digits with separators" run at a few hundred
 * MB/s in Hyperscan whatever the input. This scanner skips eight bytes at a
 * time while no digit is in sight (a SWAR test) and walks bytes only around
 * digit runs, so PII-free prose costs about as much as a memchr. It reports
 * candidates by their end offset, exactly like Hyperscan matches, and keeps
 * its state (the current run, the last 8 bytes) across chunks, so a split
 * anywhere gives the same candidates:
 *
 *   PAT_NUM    a run of 7 digits joined by separator runs of at most 3 of
 *              " -.()/", that starts after a boundary (not a letter, digit,
 *              '_', '.', '+', '-', '/'; "+", "+ " and "(" may lead); reported
 *              at its 7th digit.
 *   PAT_LD     the first digit after a boundary-led run of 1 (X/Y/Z, also
 *              with a '-'), 2 or 6 capital letters: NIE, IBAN and NINO,
 *              codice fiscale.
 *   PAT_NIR2A  "A" or "B" right after the 6th digit "2" of a boundary-led
 *              run: a Corsican French NIR (department 2A/2B).
 *
 * A run that starts after no boundary (inside a word, a hex string) can
 * report nothing: it is dropped at once and its digits are skipped like any
 * other byte, which is what keeps hex- and id-heavy text cheap.
 *
 * The skipping is vector code, 16 bytes a step (SSE2, every x86-64) or 32
 * where the CPU has AVX2 (chosen at run time; 1.45x on npm registry JSON,
 * a digit run every 19 bytes, 2.7x on prose); elsewhere 8-byte words. One
 * loop (pii_numscan_loop.h) is built for each; runs are walked byte by
 * byte by the same code in all, and tests/test_numscan.c holds them to the
 * same candidates. The vector loops also step over runs that can report
 * nothing, judged from the vector's masks (fewer than 6 digits, ended in the
 * vector, no capital or '-' before them): the version ranges of npm JSON.
 */
#include <string.h>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "pii_int.h"

static inline bool dig(uint8_t c) { return c >= '0' && c <= '9'; }
static inline bool up(uint8_t c) { return c >= 'A' && c <= 'Z'; }
static inline bool alnum(uint8_t c) { return dig(c) || ((c | 32) >= 'a' && (c | 32) <= 'z'); }
static inline bool sep(uint8_t c)
{
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

void pii_numscan_reset(struct pii_numscan *st)
{
    memset(st, 0, sizeof *st);
    memset(st->tail, ' ', sizeof st->tail);   /* the body start is a boundary */
}

/* Byte at chunk index i - k (k >= 1), reaching into the previous bytes. */
static inline uint8_t back(const struct pii_numscan *st, const uint8_t *p, size_t i, size_t k)
{
    return i >= k ? p[i - k] : st->tail[8 - (k - i)];
}

static inline bool boundary(uint8_t c)
{
    return !alnum(c) && c != '_' && c != '.' && c != '+' && c != '-' && c != '/';
}

/* Returns false when the run can report nothing. */
static bool run_start(struct pii_numscan *st, const uint8_t *p, size_t i, uint32_t *out, size_t *no)
{
    size_t k = 1;
    uint8_t c = back(st, p, i, k);
    if (c == '(') c = back(st, p, i, ++k);
    if (c == ' ' && back(st, p, i, k + 1) == '+') { k++; c = '+'; }
    if (c == '+') c = back(st, p, i, ++k);
    st->lead_ok = boundary(c);
    /* Capital letters right before the digit. */
    uint8_t p1 = back(st, p, i, 1);
    if (up(p1)) {
        size_t l = 1;
        while (l < 7 && up(back(st, p, i, l + 1))) l++;
        if (l < 7 && !alnum(back(st, p, i, l + 1)) && (l == 2 || l == 6 || (l == 1 && p1 >= 'X')))
            out[(*no)++] = (uint32_t)(i + 1) << 8 | PAT_LD;
    } else if (p1 == '-') {
        uint8_t p2 = back(st, p, i, 2);
        if (p2 >= 'X' && p2 <= 'Z' && !alnum(back(st, p, i, 3))) out[(*no)++] = (uint32_t)(i + 1) << 8 | PAT_LD;
    }
    return st->lead_ok;
}


/* Eight-byte words (SWAR) only: where there is no SSE2, and the reference
 * the vector loops are tested against. */
#define NS_NAME numscan_w8
#define NS_ATTR
#define NS_W 0
#include "pii_numscan_loop.h"
#undef NS_NAME
#undef NS_ATTR
#undef NS_W

#if defined(__SSE2__)
#define NS_VEC __m128i
#define NS_LOAD(q) _mm_loadu_si128((const __m128i *)(const void *)(q))
#define NS_SET1(c) _mm_set1_epi8((char)(c))
#define NS_SUB _mm_sub_epi8
#define NS_MIN _mm_min_epu8
#define NS_EQ _mm_cmpeq_epi8
#define NS_MASK(v) ((uint32_t)_mm_movemask_epi8(v))
#define NS_IN_RANGE(v, lo, cnt) ns_in_range16(v, lo, cnt)
#define NS_IS_BYTE(v, c) NS_MASK(NS_EQ(v, NS_SET1(c)))
static inline uint32_t ns_in_range16(__m128i v, char lo, char cnt)
{
    __m128i t = _mm_sub_epi8(v, _mm_set1_epi8(lo));
    return NS_MASK(_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8((char)(cnt - 1))), t));
}
#define NS_NAME numscan_w16
#define NS_ATTR
#define NS_W 16
#include "pii_numscan_loop.h"
#undef NS_NAME
#undef NS_ATTR
#undef NS_W
#undef NS_VEC
#undef NS_LOAD
#undef NS_SET1
#undef NS_SUB
#undef NS_MIN
#undef NS_EQ
#undef NS_MASK
#undef NS_IN_RANGE
#undef NS_IS_BYTE
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define NS_HAVE_W32 1
#define NS_AVX2 __attribute__((target("avx2")))
#define NS_VEC __m256i
#define NS_LOAD(q) _mm256_loadu_si256((const __m256i *)(const void *)(q))
#define NS_SET1(c) _mm256_set1_epi8((char)(c))
#define NS_SUB _mm256_sub_epi8
#define NS_MIN _mm256_min_epu8
#define NS_EQ _mm256_cmpeq_epi8
#define NS_MASK(v) ((uint32_t)_mm256_movemask_epi8(v))
#define NS_IN_RANGE(v, lo, cnt) ns_in_range32(v, lo, cnt)
#define NS_IS_BYTE(v, c) NS_MASK(NS_EQ(v, NS_SET1(c)))
NS_AVX2 static inline uint32_t ns_in_range32(__m256i v, char lo, char cnt)
{
    __m256i t = _mm256_sub_epi8(v, _mm256_set1_epi8(lo));
    return NS_MASK(_mm256_cmpeq_epi8(_mm256_min_epu8(t, _mm256_set1_epi8((char)(cnt - 1))), t));
}
#define NS_NAME numscan_w32
#define NS_ATTR NS_AVX2
#define NS_W 32
#include "pii_numscan_loop.h"
#endif

size_t pii_numscan_width(unsigned width, struct pii_numscan *st, const uint8_t *p, size_t n, uint32_t *out)
{
#ifdef NS_HAVE_W32
    if (width >= 32 && __builtin_cpu_supports("avx2")) return numscan_w32(st, p, n, out);
#endif
#if defined(__SSE2__)
    if (width >= 16) return numscan_w16(st, p, n, out);
#endif
    return numscan_w8(st, p, n, out);
}

unsigned pii_numscan_widest(void)
{
#ifdef NS_HAVE_W32
    if (__builtin_cpu_supports("avx2")) return 32;
#endif
#if defined(__SSE2__)
    return 16;
#else
    return 8;
#endif
}

size_t pii_numscan(struct pii_numscan *st, const uint8_t *p, size_t n, uint32_t *out)
{
    return pii_numscan_width(32, st, p, n, out);
}
