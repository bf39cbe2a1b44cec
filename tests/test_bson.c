/* test_bson.c -- the BSON reader and its JSON rendering. */
#include "test.h"
#include "bson.h"
#include "wire_json.h"
#include "wire_sink.h"


/* Render with a fresh heap copy of exactly len bytes. */
static int render(const uint8_t *p, size_t len, const struct bson_limits *lim, struct bson_stats *st, struct ws_sbuf *out)
{
    struct wjson *w = malloc(sizeof *w);
    uint8_t *copy = malloc(len ? len : 1);
    if (len) memcpy(copy, p, len);
    out->n = 0;
    out->s[0] = 0;
    wj_init(w, 1u << 20, ws_to_sbuf, out);
    int rc = bson_to_json(copy, len, w, lim, st);
    wj_finish(w);
    free(copy);
    free(w);
    return rc;
}

static void build_sample(struct bb *x)
{
    memset(x, 0, sizeof *x);
    bb_doc(x);
    bb_str(x, "name", "Ada \"L\"\n");
    bb_i32(x, "age", 36);
    bb_i64(x, "big", 1234567890123LL);
    bb_dbl(x, "score", 1.5);
    bb_bool(x, "vip", true);
    bb_key(x, 0x0A, "none");
    bb_key(x, 0x07, "_id");
    bb_bytes(x, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 12);
    bb_sub(x, "tags", true);
    bb_str(x, "0", "a");
    bb_str(x, "1", "b");
    bb_end(x);
    bb_sub(x, "addr", false);
    bb_str(x, "city", "Paris");
    bb_end(x);
    bb_key(x, 0x09, "when");
    bb_le64(x, 1000);
    bb_key(x, 0x05, "bin");
    bb_le32(x, 3);
    bb_u8(x, 0);
    bb_bytes(x, "abc", 3);
    bb_end(x);
}

static void t_render_types(void)
{
    struct bb *x = malloc(sizeof *x);
    build_sample(x);
    struct ws_sbuf *o = malloc(sizeof *o);
    struct bson_stats st = { 0 };
    CHECK_EQ(render(x->b, x->n, NULL, &st, o), 0);
    CHECK_STR(o->s, "{\"name\":\"Ada \\\"L\\\"\\n\",\"age\":36,\"big\":1234567890123,\"score\":1.5,\"vip\":true,"
                    "\"none\":null,\"_id\":{\"$oid\":\"0102030405060708090a0b0c\"},\"tags\":[\"a\",\"b\"],"
                    "\"addr\":{\"city\":\"Paris\"},\"when\":{\"$date\":{\"$numberLong\":\"1000\"}},"
                    "\"bin\":{\"$binary\":{\"text\":\"abc\",\"subType\":\"00\"}}}");
    CHECK_EQ(st.elems, 11 + 2 + 1);   /* top level, the array, the sub-document */
    CHECK_EQ(st.malformed, 0);
    free(o);
    free(x);
}

static void t_find(void)
{
    struct bb *x = malloc(sizeof *x);
    build_sample(x);
    struct bson_elem e;
    int64_t v = 0;
    CHECK(bson_find(x->b, x->n, "age", &e) && bson_elem_int(&e, &v) && v == 36);
    CHECK(bson_find(x->b, x->n, "big", &e) && bson_elem_int(&e, &v) && v == 1234567890123LL);
    CHECK(bson_find(x->b, x->n, "score", &e) && bson_elem_int(&e, &v) && v == 1);
    CHECK(bson_find(x->b, x->n, "vip", &e) && bson_elem_true(&e));
    CHECK(bson_find(x->b, x->n, "name", &e) && e.type == BSON_STRING && e.str.len == 8);
    CHECK(bson_find(x->b, x->n, "addr", &e) && e.type == BSON_DOC && bson_find(e.value.p, e.value.len, "city", &e));
    CHECK(!bson_find(x->b, x->n, "nope", &e));
    free(x);
}

/* Every prefix of a valid document, in an exact-size heap buffer: no element
 * is read past the end; only the full length renders cleanly. */
static void t_truncations(void)
{
    struct bb *x = malloc(sizeof *x);
    build_sample(x);
    struct ws_sbuf *o = malloc(sizeof *o);
    unsigned bad = 0;
    for (size_t n = 0; n < x->n; n++) {
        struct bson_stats st = { 0 };
        if (render(x->b, n, NULL, &st, o) == -1 && st.malformed == 1) bad++;
    }
    CHECK_EQ(bad, x->n);
    /* and a length field that lies (bigger than the buffer) */
    x->b[0] = (uint8_t)(x->n + 10);
    struct bson_stats st = { 0 };
    CHECK_EQ(render(x->b, x->n, NULL, &st, o), -1);
    free(o);
    free(x);
}

/* Corrupt every byte in turn: whatever the value, no crash, and the
 * rendered text stays balanced JSON (one top-level object). */
static void t_mutations(void)
{
    struct bb *x = malloc(sizeof *x);
    build_sample(x);
    struct ws_sbuf *o = malloc(sizeof *o);
    unsigned balanced = 0;
    const uint8_t vals[] = { 0x00, 0x7f, 0xff, 0x03 };
    for (size_t i = 0; i < x->n; i++)
        for (size_t k = 0; k < sizeof vals; k++) {
            uint8_t keep = x->b[i];
            x->b[i] = vals[k];
            render(x->b, x->n, NULL, NULL, o);
            x->b[i] = keep;
            long d = 0;
            bool str = false, esc = false;
            for (size_t j = 0; j < o->n; j++) {
                char c = o->s[j];
                if (str) { if (esc) esc = false; else if (c == '\\') esc = true; else if (c == '"') str = false; continue; }
                if (c == '"') str = true;
                else if (c == '{' || c == '[') d++;
                else if (c == '}' || c == ']') d--;
            }
            if (d == 0 && !str && o->n >= 2) balanced++;
        }
    CHECK_EQ(balanced, x->n * sizeof vals);
    free(o);
    free(x);
}

static void t_depth_cap(void)
{
    struct bb *x = calloc(1, sizeof *x);
    bb_doc(x);
    unsigned levels = 12;
    for (unsigned i = 0; i < levels; i++) bb_sub(x, "a", false);
    bb_str(x, "deep", "x");
    for (unsigned i = 0; i < levels; i++) bb_end(x);
    bb_end(x);
    struct ws_sbuf *o = malloc(sizeof *o);
    struct bson_limits lim = { 5, 1000 };
    struct bson_stats st = { 0 };
    CHECK_EQ(render(x->b, x->n, &lim, &st, o), 1);
    CHECK_EQ(st.depth_capped, 1);
    CHECK(strstr(o->s, "deep") == NULL);
    /* levels rendered: 5 opening braces, then null */
    size_t opens = 0;
    for (size_t i = 0; i < o->n; i++) opens += o->s[i] == '{';
    CHECK_EQ(opens, 5);
    CHECK(strstr(o->s, "null") != NULL);
    struct bson_limits big = { 100, 1000 };
    memset(&st, 0, sizeof st);
    CHECK_EQ(render(x->b, x->n, &big, &st, o), 0);
    CHECK(strstr(o->s, "\"deep\":\"x\"") != NULL);
    CHECK_EQ(st.depth_capped, 0);
    free(o);
    free(x);
}

/* levels documents nested as {"a":{"a":...{"deep":"x"}}} into a new buffer. */
static uint8_t *nested(unsigned levels, size_t *len)
{
    static const uint8_t inner[] = { 17, 0, 0, 0, 0x02, 'd', 'e', 'e', 'p', 0, 2, 0, 0, 0, 'x', 0, 0 };
    size_t n = sizeof inner + 8 * (size_t)levels;
    uint8_t *b = malloc(n), *o = b;
    for (unsigned i = 0; i < levels; i++) {
        uint32_t l = (uint32_t)(n - 8 * (size_t)i);
        for (int k = 0; k < 4; k++) *o++ = (uint8_t)(l >> (8 * k));
        *o++ = 0x03;
        *o++ = 'a';
        *o++ = 0;
    }
    memcpy(o, inner, sizeof inner);
    memset(o + sizeof inner, 0, levels);
    *len = n;
    return b;
}

/* The deepest setting (LIM_BSON_DEPTH_MAX) renders that deep, within the
 * thread's stack even under ASan; a larger one is taken as it. */
static void t_depth_max(void)
{
    struct ws_sbuf *o = malloc(sizeof *o);
    static const struct { unsigned levels, max_depth; int rc; uint64_t capped; size_t opens; } cases[] = {
        { LIM_BSON_DEPTH_MAX - 1, LIM_BSON_DEPTH_MAX, 0, 0, LIM_BSON_DEPTH_MAX },
        { LIM_BSON_DEPTH_MAX + 100, LIM_BSON_DEPTH_MAX, 1, 1, LIM_BSON_DEPTH_MAX },
        { LIM_BSON_DEPTH_MAX + 100, 5 * LIM_BSON_DEPTH_MAX, 1, 1, LIM_BSON_DEPTH_MAX },
        { LIM_BSON_MAX_DEPTH, 0, 1, 1, LIM_BSON_MAX_DEPTH },   /* 0 here: NULL limits, the default */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        uint8_t *b = nested(cases[i].levels, &n);
        CHECK_EQ(bson_doc_len(b, n), n);
        struct bson_limits lim = { cases[i].max_depth, 1000000 };
        struct bson_stats st = { 0 };
        CHECK_EQ(render(b, n, cases[i].max_depth ? &lim : NULL, &st, o), cases[i].rc);
        CHECK_EQ(st.depth_capped, cases[i].capped);
        size_t opens = 0;
        for (size_t k = 0; k < o->n; k++) opens += o->s[k] == '{';
        CHECK_EQ(opens, cases[i].opens);
        CHECK_EQ(strstr(o->s, "\"deep\":\"x\"") != NULL, cases[i].rc == 0);
        free(b);
    }
    free(o);
}

static void t_elems_cap(void)
{
    struct bb *x = calloc(1, sizeof *x);
    bb_doc(x);
    unsigned n = 100;
    for (unsigned i = 0; i < n; i++) {
        char k[8];
        snprintf(k, sizeof k, "k%u", i);
        bb_i32(x, k, (int32_t)i);
    }
    bb_end(x);
    struct ws_sbuf *o = malloc(sizeof *o);
    struct bson_limits lim = { 10, 10 };
    struct bson_stats st = { 0 };
    CHECK_EQ(render(x->b, x->n, &lim, &st, o), 1);
    CHECK_EQ(st.elems_capped, 1);
    CHECK_EQ(st.elems, 10);
    size_t colons = 0;
    for (size_t i = 0; i < o->n; i++) colons += o->s[i] == ':';
    CHECK_EQ(colons, 10);
    CHECK(o->s[o->n - 1] == '}');
    free(o);
    free(x);
}

static void t_bad_type(void)
{
    struct bb *x = calloc(1, sizeof *x);
    bb_doc(x);
    bb_i32(x, "a", 1);
    bb_key(x, 0x42, "b");   /* no such type */
    bb_le32(x, 7);
    bb_end(x);
    struct ws_sbuf *o = malloc(sizeof *o);
    struct bson_stats st = { 0 };
    CHECK_EQ(render(x->b, x->n, NULL, &st, o), -1);
    CHECK_EQ(st.malformed, 1);
    CHECK_STR(o->s, "{\"a\":1}");
    CHECK_EQ(bson_validate(x->b, x->n, NULL, &st), -1);
    free(o);
    free(x);
}

int main(void)
{
    RUN(t_render_types);
    RUN(t_find);
    RUN(t_truncations);
    RUN(t_mutations);
    RUN(t_depth_cap);
    RUN(t_depth_max);
    RUN(t_elems_cap);
    RUN(t_bad_type);
    return test_done();
}
