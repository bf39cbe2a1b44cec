/* cursor.h -- the one bounds-checked reader for untrusted bytes.
 *
 * Every parser of packet or stream bytes reads through a struct cursor. A read
 * past the end never touches memory: it returns 0 (or NULL) and sets the sticky
 * `err` flag, so a parser can do a run of reads and check once at the end.
 * Integers are assembled byte by byte with an explicit byte order; packet bytes
 * are never cast to wider types or structs.
 */
#ifndef BW_CURSOR_H
#define BW_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
    const uint8_t *p;   /* start of the buffer */
    size_t len;         /* bytes available */
    size_t off;         /* next byte to read */
    bool err;           /* sticky: set by any read past len */
};

static inline struct cursor cur_init(const uint8_t *p, size_t len)
{
    struct cursor c = { p, len, 0, false };
    return c;
}

static inline size_t cur_left(const struct cursor *c) { return c->err ? 0 : c->len - c->off; }
static inline bool cur_ok(const struct cursor *c) { return !c->err; }
static inline const uint8_t *cur_ptr(const struct cursor *c) { return c->p + c->off; }

/* Returns true if n more bytes can be read; false (without setting err) if not. */
static inline bool cur_has(const struct cursor *c, size_t n) { return !c->err && c->len - c->off >= n; }

/* Advance by n bytes and return a pointer to them, or NULL + err if short. */
static inline const uint8_t *cur_take(struct cursor *c, size_t n)
{
    if (!cur_has(c, n)) { c->err = true; return NULL; }
    const uint8_t *r = c->p + c->off;
    c->off += n;
    return r;
}

static inline bool cur_skip(struct cursor *c, size_t n) { return cur_take(c, n) != NULL; }

static inline uint8_t cur_u8(struct cursor *c)
{
    const uint8_t *b = cur_take(c, 1);
    return b ? b[0] : 0;
}

static inline uint16_t cur_be16(struct cursor *c)
{
    const uint8_t *b = cur_take(c, 2);
    return b ? (uint16_t)((unsigned)b[0] << 8 | b[1]) : 0;
}

static inline uint32_t cur_be24(struct cursor *c)
{
    const uint8_t *b = cur_take(c, 3);
    return b ? (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2] : 0;
}

static inline uint32_t cur_be32(struct cursor *c)
{
    const uint8_t *b = cur_take(c, 4);
    return b ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3] : 0;
}

static inline uint16_t cur_le16(struct cursor *c)
{
    const uint8_t *b = cur_take(c, 2);
    return b ? (uint16_t)((unsigned)b[1] << 8 | b[0]) : 0;
}

static inline uint32_t cur_le32(struct cursor *c)
{
    const uint8_t *b = cur_take(c, 4);
    return b ? (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0] : 0;
}

static inline uint64_t cur_le64(struct cursor *c)
{
    uint64_t lo = cur_le32(c), hi = cur_le32(c);
    return hi << 32 | lo;
}

static inline uint64_t cur_be64(struct cursor *c)
{
    uint64_t hi = cur_be32(c), lo = cur_be32(c);
    return hi << 32 | lo;
}

/* Peek without advancing; 0 and no error if short (callers check cur_has). */
static inline uint8_t cur_peek_u8(const struct cursor *c, size_t at)
{
    return cur_has(c, at + 1) ? c->p[c->off + at] : 0;
}

/* Byte-order helpers for a pointer already known to hold the bytes. */
static inline uint16_t rd_be16(const uint8_t *b) { return (uint16_t)((unsigned)b[0] << 8 | b[1]); }
static inline uint32_t rd_be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

#endif
