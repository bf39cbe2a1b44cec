/* test_json.c -- the JSON builder: escaping, UTF-8 checking, numbers,
 * commas and nesting, buffer growth. */
#include "test.h"
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* One string value written alone. */
static const char *str_of(struct json *j, const char *s, size_t n)
{
    json_reset(j);
    json_str(j, s, n);
    return j->buf;
}

static void t_escapes(void)
{
    struct json j;
    json_init(&j);
    static const struct { const char *in; size_t n; const char *out; } cases[] = {
        { "", 0, "\"\"" },
        { "plain text", 10, "\"plain text\"" },
        { "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
        { "l1\nl2\r\tx", 8, "\"l1\\nl2\\r\\tx\"" },
        { "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"" },
        { "nul\0in", 6, "\"nul\\u0000in\"" },
        /* valid UTF-8 of 2, 3 and 4 bytes is kept */
        { "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
        /* invalid: a lone continuation byte, an overlong form, a surrogate, a
         * sequence cut short, a code point past U+10FFFF: each byte \u00XX */
        { "\x80", 1, "\"\\u0080\"" },
        { "\xc0\xaf", 2, "\"\\u00c0\\u00af\"" },
        { "\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"" },
        { "\xe2\x82", 2, "\"\\u00e2\\u0082\"" },
        { "\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\"" },
        { "\xe2\x82x", 3, "\"\\u00e2\\u0082x\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = str_of(&j, cases[i].in, cases[i].n);
        if (strcmp(got, cases[i].out) != 0) printf("  case %zu: got %s\n", i, got);
        CHECK_STR(got, cases[i].out);
    }
    /* the worst case of growth: every byte six */
    char bad[3000];
    memset(bad, 0xff, sizeof bad);
    json_reset(&j);
    json_str(&j, bad, sizeof bad);
    CHECK_EQ(j.len, 6 * sizeof bad + 2);
    CHECK_EQ(strlen(j.buf), j.len);
    CHECK(memcmp(j.buf + 1, "\\u00ff\\u00ff", 12) == 0);
    json_free(&j);
}

static void t_numbers(void)
{
    struct json j;
    json_init(&j);
    const struct { uint64_t v; const char *s; } u[] = {
        { 0, "0" }, { 7, "7" }, { 10, "10" }, { 1234567890123ull, "1234567890123" },
        { UINT64_MAX, "18446744073709551615" } };
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        json_reset(&j);
        json_u64(&j, u[i].v);
        CHECK_STR(j.buf, u[i].s);
    }
    const struct { int64_t v; const char *s; } s[] = {
        { 0, "0" }, { -1, "-1" }, { 42, "42" }, { -1000000, "-1000000" },
        { INT64_MAX, "9223372036854775807" }, { INT64_MIN, "-9223372036854775808" } };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        json_reset(&j);
        json_i64(&j, s[i].v);
        CHECK_STR(j.buf, s[i].s);
    }
    json_free(&j);
}

static void t_structure(void)
{
    struct json j;
    json_init(&j);
    json_obj_open(&j);
    json_kv_cstr(&j, "a\"key", "v");
    json_kv_u64(&j, "n", 3);
    json_kv_i64(&j, "m", -3);
    json_kv_bool(&j, "t", true);
    json_key(&j, "arr");
    json_arr_open(&j);
    json_u64(&j, 1);
    json_null(&j);
    json_obj_open(&j);
    json_obj_close(&j);
    json_double(&j, 2.5, 2);
    json_arr_close(&j);
    json_key(&j, "raw");
    json_raw(&j, "{\"x\":1}", 7);
    json_obj_close(&j);
    json_newline(&j);
    CHECK_STR(j.buf, "{\"a\\\"key\":\"v\",\"n\":3,\"m\":-3,\"t\":true,\"arr\":[1,null,{},2.50],\"raw\":{\"x\":1}}\n");
    CHECK_EQ(strlen(j.buf), j.len);
    /* reset keeps nothing of the last object */
    json_reset(&j);
    json_obj_open(&j);
    json_kv_bool(&j, "f", false);
    json_obj_close(&j);
    CHECK_STR(j.buf, "{\"f\":false}");
    /* many members: the buffer grows and stays terminated */
    json_reset(&j);
    json_arr_open(&j);
    for (int i = 0; i < 5000; i++) json_u64(&j, (uint64_t)i);
    json_arr_close(&j);
    CHECK_EQ(strlen(j.buf), j.len);
    CHECK(j.len > 5000 && strncmp(j.buf, "[0,1,2,", 7) == 0 && strcmp(j.buf + j.len - 6, ",4999]") == 0);
    json_free(&j);
}

int main(void)
{
    RUN(t_escapes);
    RUN(t_numbers);
    RUN(t_structure);
    return test_done();
}
