/* bytes.c -- helpers over struct bytes views. */
#include "bytes.h"
#include <stdlib.h>

static inline int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

bool bytes_ieqn(struct bytes b, const char *s, size_t n)
{
    if (b.len != n) return false;
    for (size_t i = 0; i < n; i++)
        if (lower(b.p[i]) != lower((unsigned char)s[i])) return false;
    return true;
}

bool bytes_eq(struct bytes b, const char *s)
{
    size_t n = strlen(s);
    return b.len == n && (n == 0 || memcmp(b.p, s, n) == 0);
}

bool bytes_iprefix(struct bytes b, const char *s)
{
    size_t n = strlen(s);
    if (b.len < n) return false;
    for (size_t i = 0; i < n; i++)
        if (lower(b.p[i]) != lower((unsigned char)s[i])) return false;
    return true;
}

long bytes_find(struct bytes b, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0) return 0;
    if (b.len < n) return -1;
    const uint8_t *hit = memmem(b.p, b.len, needle, n);
    return hit ? (long)(hit - b.p) : -1;
}

long bytes_ifind(struct bytes b, const char *needle)
{
    size_t n = strlen(needle);
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
