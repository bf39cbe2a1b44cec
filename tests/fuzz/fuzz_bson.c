/* fuzz_bson.c -- libFuzzer target: the BSON reader.
 *
 * Input: one byte choosing the limits, then a BSON document. The document is
 * validated, rendered to JSON (count only, capped), and walked with the
 * iterator, recursing into embedded documents and arrays up to a depth.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bson.h"
#include "wire_json.h"

static void fz_bson_walk(const uint8_t *p, size_t len, unsigned depth)
{
    struct bson_iter it;
    if (!bson_iter_init(&it, p, len)) return;
    struct bson_elem e;
    unsigned n = 0;
    while (bson_iter_next(&it, &e) > 0 && n++ < 10000) {
        if (e.value.len && (e.value.p < p || e.value.p + e.value.len > p + len)) abort();
        int64_t v;
        (void)bson_elem_int(&e, &v);
        (void)bson_elem_true(&e);
        if ((e.type == BSON_DOC || e.type == BSON_ARRAY) && depth < 64)
            fz_bson_walk(e.value.p, e.value.len, depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t sel = data[0];
    size_t n = size - 1;
    uint8_t *p = malloc(n ? n : 1);
    if (!p) return 0;
    memcpy(p, data + 1, n);
    struct bson_limits lim = { .max_depth = (sel & 1) ? 4 : LIM_BSON_MAX_DEPTH,
                               .max_elems = (sel & 2) ? 16 : LIM_BSON_MAX_ELEMS };
    struct bson_stats st;
    memset(&st, 0, sizeof st);
    (void)bson_doc_len(p, n);
    (void)bson_validate(p, n, &lim, &st);
    struct wjson w;
    wj_init(&w, 1u << 16, NULL, NULL);
    (void)bson_to_json(p, n, &w, &lim, &st);
    wj_finish(&w);
    if (w.total > w.cap) abort();
    fz_bson_walk(p, n, 0);
    struct bson_elem e;
    (void)bson_find(p, n, "find", &e);
    free(p);
    return 0;
}
