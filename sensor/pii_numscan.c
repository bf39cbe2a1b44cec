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
 */
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
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

#if defined(__SSE2__)
/* Bit j set when byte j of v is in [lo, lo + cnt). */
static inline unsigned in_range(__m128i v, char lo, char cnt)
{
    __m128i t = _mm_sub_epi8(v, _mm_set1_epi8(lo));
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8((char)(cnt - 1))), t));
}

static inline unsigned is_byte(__m128i v, char c)
{
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}
#endif

size_t pii_numscan(struct pii_numscan *st, const uint8_t *p, size_t n, uint32_t *out)
{
    size_t no = 0, i = 0;
    while (i < n) {
#if defined(__SSE2__)
        if (!st->run && i >= 1 && i + 16 <= n) {
            /* Outside a run only a digit that may start a live run matters:
             * one after a digit, a lower-case letter, '_', '.' or '/' cannot
             * (run_start would drop it), so sixteen bytes are judged at once
             * from the bytes and the bytes before them. */
            const __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
            unsigned m = in_range(v, '0', 10);
            if (m) {
                const __m128i pv = _mm_loadu_si128((const __m128i *)(p + i - 1));
                unsigned dead = in_range(pv, '0', 10) | in_range(pv, 'a', 26) | is_byte(pv, '_') |
                                is_byte(pv, '.') | is_byte(pv, '/');
                m &= ~dead;
                if (m == 0) {
                    i += 16;
                    continue;
                }
                i += (size_t)__builtin_ctz(m);
                goto scalar;
            }
        }
        if (!st->run && i + 16 <= n) {
            /* No digit in sight: 64 bytes a step. */
            const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
            while (i + 64 <= n) {
                __m128i a = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(p + i)), zero);
                __m128i b = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(p + i + 16)), zero);
                __m128i c2 = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(p + i + 32)), zero);
                __m128i d2 = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(p + i + 48)), zero);
                __m128i lo = _mm_min_epu8(_mm_min_epu8(a, b), _mm_min_epu8(c2, d2));
                if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(lo, nine), lo)) != 0) break;
                i += 64;
            }
            if (i + 16 > n) continue;
            __m128i v = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(p + i)), zero);
            __m128i d = _mm_cmpeq_epi8(_mm_min_epu8(v, nine), v);
            unsigned m = (unsigned)_mm_movemask_epi8(d);
            if (m == 0) {
                i += 16;
                continue;
            }
            i += (size_t)__builtin_ctz(m);
        } else
#endif
        if (!st->run && i + 8 <= n) {
            /* The same eight bytes at a time (SWAR). The lowest flagged byte
             * of the has-less-than test is exact. */
            uint64_t w;
            memcpy(&w, p + i, 8);
            uint64_t y = w ^ 0x3030303030303030ull;
            uint64_t m = (y - 0x0a0a0a0a0a0a0a0aull) & ~y & 0x8080808080808080ull;
            if (m == 0) {
                i += 8;
                continue;
            }
            i += (size_t)__builtin_ctzll(m) >> 3;
        }
#if defined(__SSE2__)
scalar:;
#endif
        uint8_t c = p[i];
        if (dig(c)) {
            if (st->run) {
                st->cnt = st->cnt < 255 ? (uint8_t)(st->cnt + 1) : 255;
                st->sep = 0;
            } else {
                if (!run_start(st, p, i, out, &no)) {
                    /* Its other digits could not start a run either. */
                    do i++; while (i < n && dig(p[i]));
                    continue;
                }
                st->run = true;
                st->cnt = 1;
                st->sep = 0;
                st->emitted = false;
            }
            if (st->cnt == 7 && st->lead_ok && !st->emitted) {
                out[no++] = (uint32_t)(i + 1) << 8 | PAT_NUM;
                st->emitted = true;
            }
        } else if (st->run && sep(c)) {
            if (++st->sep > 3) st->run = false;
        } else if (st->run) {
            if ((c == 'A' || c == 'B') && st->sep == 0 && st->cnt == 6 && back(st, p, i, 1) == '2')
                out[no++] = (uint32_t)(i + 1) << 8 | PAT_NIR2A;
            st->run = false;
        }
        i++;
    }
    if (n >= 8) {
        memcpy(st->tail, p + n - 8, 8);
    } else {
        memmove(st->tail, st->tail + n, 8 - n);
        memcpy(st->tail + 8 - n, p, n);
    }
    return no;
}
