/* bson.h -- a bounds-checked BSON reader (https://bsonspec.org/spec.html).
 *
 *   document ::= int32 e_list "\x00"      int32 = total bytes, itself included
 *   element  ::= type(1) e_name(cstring) value
 *
 * All integers are little-endian. Every read goes through struct cursor; a
 * document is never trusted past the bytes handed in, whatever its length
 * field says. Nesting depth and element counts are capped by the caller.
 */
#ifndef BW_BSON_H
#define BW_BSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bytes.h"
#include "cursor.h"
#include "limits.h"

struct wjson;

#define BSON_MIN_DOC 5u

enum bson_type {
    BSON_DOUBLE = 0x01, BSON_STRING = 0x02, BSON_DOC = 0x03, BSON_ARRAY = 0x04,
    BSON_BINARY = 0x05, BSON_UNDEFINED = 0x06, BSON_OID = 0x07, BSON_BOOL = 0x08,
    BSON_DATETIME = 0x09, BSON_NULL = 0x0A, BSON_REGEX = 0x0B, BSON_DBPOINTER = 0x0C,
    BSON_CODE = 0x0D, BSON_SYMBOL = 0x0E, BSON_CODE_W_SCOPE = 0x0F, BSON_INT32 = 0x10,
    BSON_TIMESTAMP = 0x11, BSON_INT64 = 0x12, BSON_DECIMAL128 = 0x13,
    BSON_MINKEY = 0xFF, BSON_MAXKEY = 0x7F,
};

/* One element: its type, key and the raw bytes of its value (views into the
 * document). For strings, `str` is the text without its NUL; for documents
 * and arrays, `value` is the embedded document including its length. */
struct bson_elem {
    uint8_t type;
    struct bytes key;
    struct bytes value;
    struct bytes str;
};

/* Walks the elements of one document, one level. */
struct bson_iter {
    struct cursor c;   /* over the e_list (the length prefix and final NUL excluded) */
    bool err;
};

/* The length a document at p announces, when len holds at least 4 bytes and
 * the value is sane (>= 5); 0 otherwise. Does not look further. */
uint32_t bson_doc_len(const uint8_t *p, size_t len);

/* Start iterating the document at p (len bytes available). Returns false
 * (and it->err) when the length prefix is short, out of range or the
 * document does not end in NUL. */
bool bson_iter_init(struct bson_iter *it, const uint8_t *p, size_t len);

/* Next element into *e: 1 = one element, 0 = end of document, -1 = malformed
 * (it->err set; the walk is over). */
int bson_iter_next(struct bson_iter *it, struct bson_elem *e);

/* First element named key in the document (one level); false if absent or
 * the document is malformed before it. */
bool bson_find(const uint8_t *p, size_t len, const char *key, struct bson_elem *e);

/* Numeric value of an int32/int64/double/bool element into *v; false for
 * other types. Doubles are truncated. */
bool bson_elem_int(const struct bson_elem *e, int64_t *v);
/* Is the element truthy: true, or a non-zero number. */
bool bson_elem_true(const struct bson_elem *e);

/* Caps and counters for bson_to_json. NULL limits = the defaults of limits.h
 * (LIM_BSON_MAX_DEPTH, LIM_BSON_MAX_ELEMS; --bson-max-depth, --bson-max-elements). */
struct bson_limits {
    unsigned max_depth;     /* nesting levels rendered; deeper values become null. Rendering
                               recurses per level: at most LIM_BSON_DEPTH_MAX is used */
    uint64_t max_elems;     /* elements rendered per call; the rest is dropped */
};
struct bson_stats {
    uint64_t elems;         /* elements rendered */
    uint64_t depth_capped;  /* subtrees replaced by null at max_depth */
    uint64_t elems_capped;  /* calls that stopped at max_elems */
    uint64_t malformed;     /* documents that ended early or held a bad element */
};

/* Render the document at p as relaxed extended JSON (canonical forms for
 * ObjectId, dates, binary, timestamps, decimal128...) into w. A malformed
 * document is rendered up to the bad element and closed; the function then
 * returns -1 (stats->malformed counted). Returns 0 when the whole document
 * was rendered, 1 when a cap cut it (still valid JSON). */
int bson_to_json(const uint8_t *p, size_t len, struct wjson *w, const struct bson_limits *lim,
                 struct bson_stats *st);

/* Validate the whole document tree (same caps) without output. 0 = valid,
 * 1 = valid up to a cap, -1 = malformed. */
int bson_validate(const uint8_t *p, size_t len, const struct bson_limits *lim, struct bson_stats *st);

#endif
