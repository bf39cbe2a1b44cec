/* bytes.c -- helpers over struct bytes views. */
#include "bytes.h"
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

bool bytes_ieqn(struct bytes b, const char *s, size_t n)
{
    if (b.len != n) return false;
    for (size_t i = 0; i < n; i++)
        if (lower(b.p[i]) != lower((unsigned char)s[i])) return false;
    return true;
}

bool bytes_eqn(struct bytes b, const char *s, size_t n)
{
    return b.len == n && (n == 0 || memcmp(b.p, s, n) == 0);
}

bool bytes_iprefixn(struct bytes b, const char *s, size_t n)
{
    if (b.len < n) return false;
    for (size_t i = 0; i < n; i++)
        if (lower(b.p[i]) != lower((unsigned char)s[i])) return false;
    return true;
}

/* The starts of t (n >= 1 bytes) in b, sixteen positions a step: t's first
 * and last bytes compared at once, the bytes between only where both match.
 * Response heads, body prefixes and listing bodies are searched for markers
 * that start with '<' or '"', which such text holds every few bytes: memmem's
 * set-up and its per-candidate work cost more than the search. count NULL:
 * the first start (-1: none); else every start, overlapping ones too, added
 * to *count (returns -1). */
static long scan(struct bytes b, const uint8_t *t, size_t n, uint64_t *count)
{
    if (b.len < n) return -1;
    size_t last = b.len - n, i = 0;   /* the last position t can start at */
    uint64_t k = 0;
#if defined(__SSE2__)
    const __m128i fv = _mm_set1_epi8((char)t[0]), lv = _mm_set1_epi8((char)t[n - 1]);
    for (; i + 15 <= last; i += 16) {
        __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(b.p + i)), fv);
        __m128i z = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(b.p + i + n - 1)), lv);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(a, z));
        if (count && n <= 2) {   /* first and last byte are the whole of t */
            k += (uint64_t)__builtin_popcount(m);
            continue;
        }
        for (; m; m &= m - 1) {
            unsigned j = (unsigned)__builtin_ctz(m);
            if (n > 2 && memcmp(b.p + i + j + 1, t + 1, n - 2) != 0) continue;
            if (!count) return (long)(i + j);
            k++;
        }
    }
#endif
    for (; i <= last; i++) {
        if (b.p[i] != t[0] || memcmp(b.p + i, t, n) != 0) continue;
        if (!count) return (long)i;
        k++;
    }
    if (count) *count += k;
    return -1;
}

long bytes_findn(struct bytes b, const char *needle, size_t n)
{
    if (n == 0) return 0;
    if (n == 1 && b.len) {
        const uint8_t *hit = memchr(b.p, (uint8_t)needle[0], b.len);
        return hit ? (long)(hit - b.p) : -1;
    }
    return scan(b, (const uint8_t *)needle, n, NULL);
}

uint64_t bytes_count(struct bytes b, const char *needle, size_t n)
{
    uint64_t k = 0;
    if (n) scan(b, (const uint8_t *)needle, n, &k);
    return k;
}

long bytes_ifindn(struct bytes b, const char *needle, size_t n)
{
    if (n == 0) return 0;
    if (b.len < n) return -1;
    for (size_t i = 0; i + n <= b.len; i++) {
        size_t j = 0;
        while (j < n && lower(b.p[i + j]) == lower((unsigned char)needle[j])) j++;
        if (j == n) return (long)i;
    }
    return -1;
}

struct bytes bytes_trim(struct bytes b)
{
    while (b.len && (b.p[0] == ' ' || b.p[0] == '\t')) { b.p++; b.len--; }
    while (b.len && (b.p[b.len - 1] == ' ' || b.p[b.len - 1] == '\t')) b.len--;
    return b;
}

int bytes_to_u64(struct bytes b, uint64_t max, uint64_t *out)
{
    if (b.len == 0) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < b.len; i++) {
        if (b.p[i] < '0' || b.p[i] > '9') return -1;
        unsigned d = b.p[i] - '0';
        if (v > (max - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

void *fifo_grow(void *q, unsigned *cap, unsigned *head, unsigned n, size_t elem, unsigned max)
{
    unsigned c = *cap ? *cap * 2 : 2;
    if (c > max) c = max;
    uint8_t *nq = malloc((size_t)c * elem);
    if (!nq) return NULL;
    for (unsigned i = 0; i < n; i++)
        memcpy(nq + (size_t)i * elem, (const uint8_t *)q + (size_t)((*head + i) % *cap) * elem, elem);
    free(q);
    *cap = c;
    *head = 0;
    return nq;
}

bool bytes_reserve(uint8_t **buf, size_t *cap, size_t need, size_t first)
{
    if (*cap >= need) return true;
    size_t c = *cap ? *cap : first;
    while (c < need) c *= 2;
    uint8_t *nb = realloc(*buf, c);
    if (!nb) return false;
    *buf = nb;
    *cap = c;
    return true;
}

static inline uint8_t fold_ascii(uint8_t c) { return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c; }

static uint64_t word_hash(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a over the folded bytes */
    for (size_t i = 0; i < n; i++) h = (h ^ fold_ascii(p[i])) * 1099511628211ull;
    return h | 1;
}

bool word_index_build(struct word_slot *tab, size_t slots, const char *const *words, size_t n)
{
    if (n > slots / 2) return false;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = word_hash((const uint8_t *)words[i], strlen(words[i]));
        size_t at = (size_t)h & (slots - 1);
        while (tab[at].h) at = (at + 1) & (slots - 1);
        tab[at].h = h;
        tab[at].w = words[i];
    }
    return true;
}

bool word_index_has(const struct word_slot *tab, size_t slots, const uint8_t *p, size_t n)
{
    uint64_t h = word_hash(p, n);
    for (size_t at = (size_t)h & (slots - 1); tab[at].h; at = (at + 1) & (slots - 1)) {
        if (tab[at].h != h) continue;
        const char *w = tab[at].w;
        size_t i = 0;
        while (i < n && (uint8_t)w[i] == fold_ascii(p[i])) i++;
        if (i == n && !w[i]) return true;
    }
    return false;
}
