/* json.h -- one small escaping JSON builder, one object per line.
 *
 * A struct json writes into a growable buffer it owns. Keys and string values
 * are given as (ptr, len) and escaped (control bytes, quotes, backslash; bytes
 * that are not valid UTF-8 become \u00XX of the byte so output is always valid
 * JSON). Commas are placed automatically. Nesting is tracked up to JSON_MAX_DEPTH.
 *
 *   struct json j; json_init(&j);
 *   json_obj_open(&j);
 *   json_key(&j, "a"); json_u64(&j, 1);
 *   json_kv_str(&j, "b", p, n);
 *   json_obj_close(&j);
 *   fwrite(j.buf, 1, j.len, f); json_reset(&j);   ...   json_free(&j);
 */
#ifndef BW_JSON_H
#define BW_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

struct json {
    char *buf;
    size_t len, cap;
    int depth;
    bool need_comma[JSON_MAX_DEPTH + 1];
    bool after_key;
};

void json_init(struct json *j);
void json_free(struct json *j);
/* Empty the buffer for the next object; keeps the allocation. */
void json_reset(struct json *j);

void json_obj_open(struct json *j);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j);
void json_arr_close(struct json *j);

void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s, size_t len);
void json_cstr(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_double(struct json *j, double v, int decimals);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Append pre-built JSON text verbatim as a value. */
void json_raw(struct json *j, const char *s, size_t len);

/* key + value shorthands */
void json_kv_str(struct json *j, const char *key, const char *s, size_t len);
void json_kv_cstr(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_i64(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);

/* Terminate the current line: appends '\n'. */
void json_newline(struct json *j);

#endif
