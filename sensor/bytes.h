/* bytes.h -- plain views and parse results shared by every module. */
#ifndef BW_BYTES_H
#define BW_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A view into someone else's buffer: never owned, never NUL-terminated. */
struct bytes {
    const uint8_t *p;
    size_t len;
};

static inline struct bytes bytes_of(const void *p, size_t len)
{
    struct bytes b = { (const uint8_t *)p, len };
    return b;
}

static inline struct bytes bytes_str(const char *s) { return bytes_of(s, strlen(s)); }

/* A string literal as a view (its length known at compile time), for
 * word lists scanned per value: { BYTES_LIT("van"), ... }. */
#define BYTES_LIT(s) { (const uint8_t *)(s), sizeof(s) - 1 }

/* Is p[0..n) one of the n_list views? Exact, or with p lower-cased
 * (ASCII) against lower-case views. */
static inline bool bytes_one_of(const uint8_t *p, size_t n, const struct bytes *list, size_t n_list, bool fold)
{
    for (size_t i = 0; i < n_list; i++) {
        if (list[i].len != n) continue;
        size_t j = 0;
        if (fold) while (j < n && (uint8_t)(p[j] >= 'A' && p[j] <= 'Z' ? p[j] + 32 : p[j]) == list[i].p[j]) j++;
        else while (j < n && p[j] == list[i].p[j]) j++;
        if (j == n) return true;
    }
    return false;
}

/* Case-insensitive ASCII comparisons of a view with a C string; bytes_ieqn
 * with the string's length known (s need not be terminated). bytes_ieq is
 * inline so that a literal's length is a constant and most mismatches cost
 * one length compare. */
bool bytes_ieqn(struct bytes b, const char *s, size_t n);
static inline bool bytes_ieq(struct bytes b, const char *s)
{
    size_t n = strlen(s);
    return b.len == n && bytes_ieqn(b, s, n);
}
/* The same with the C string's length known; the wrappers below are inline
 * for the same reason as bytes_ieq: a literal's length is then a constant
 * (the storage recognisers call them with literals on every transaction). */
bool bytes_iprefixn(struct bytes b, const char *s, size_t n);
bool bytes_eqn(struct bytes b, const char *s, size_t n);
long bytes_findn(struct bytes b, const char *needle, size_t n);
long bytes_ifindn(struct bytes b, const char *needle, size_t n);
static inline bool bytes_iprefix(struct bytes b, const char *s) { return bytes_iprefixn(b, s, strlen(s)); }
static inline bool bytes_eq(struct bytes b, const char *s) { return bytes_eqn(b, s, strlen(s)); }
/* Find needle (case-sensitive) in b; returns offset or -1. */
static inline long bytes_find(struct bytes b, const char *needle) { return bytes_findn(b, needle, strlen(needle)); }
/* Occurrences of needle[0..n) in b, overlapping ones too. */
uint64_t bytes_count(struct bytes b, const char *needle, size_t n);
/* Case-insensitive variant. */
static inline long bytes_ifind(struct bytes b, const char *needle) { return bytes_ifindn(b, needle, strlen(needle)); }
/* Trim ASCII spaces and tabs at both ends. */
struct bytes bytes_trim(struct bytes b);
/* Parse a non-negative decimal integer that fills the whole view.
 * Returns 0 on success, -1 on an empty view, a non-digit, or overflow past max. */
int bytes_to_u64(struct bytes b, uint64_t max, uint64_t *out);

/* Grow *buf (capacity *cap) to hold at least need bytes, doubling from
 * first (or the current capacity). Contents are kept. Returns false, with
 * *buf untouched, when memory runs out; callers bound need by their caps. */
bool bytes_reserve(uint8_t **buf, size_t *cap, size_t need, size_t first);

/* A FIFO ring of n elements of elem bytes at q (*cap slots, the oldest at
 * *head; NULL when *cap is 0) doubles its slots (2 at first, at most max),
 * unrolled so that the oldest is at slot 0: returns the new ring (q is
 * freed), or NULL with the ring untouched when memory runs out; callers check
 * *cap < max first. Queues of pending requests start empty and grow only as
 * a connection pipelines. */
void *fifo_grow(void *q, unsigned *cap, unsigned *head, unsigned n, size_t elem, unsigned max);

/* Result of an incremental parser (picohttpparser/Suricata style). */
enum parse_status { PARSE_OK = 0, PARSE_NEED_MORE = 1, PARSE_ERROR = 2 };

struct parse_result {
    enum parse_status status;
    size_t consumed;    /* bytes of the input used */
    size_t needed;      /* PARSE_NEED_MORE: at least this many more bytes, 0 if unknown */
};

/* A fixed set of lower-case words as an open-addressing index of 64-bit
 * hashes (built once; slots a power of two, at least twice the words),
 * looked up ASCII case-insensitively: one hash and, on a hit, one compare.
 * Build returns false if the words do not fit. */
struct word_slot {
    uint64_t h;                   /* 0: free */
    const char *w;
};
bool word_index_build(struct word_slot *tab, size_t slots, const char *const *words, size_t n);
bool word_index_has(const struct word_slot *tab, size_t slots, const uint8_t *p, size_t n);

#endif
