/* test.h -- a tiny unit-test harness: plain C executables, one per module.
 *
 *   static void t_something(void) { CHECK(x == 1); CHECK_EQ(a, b); }
 *   int main(void) { RUN(t_something); return test_done(); }
 *
 * Each test prints one line, "PASS name", "FAIL name: file:line: expr" or
 * "SKIP name: why"; tests/run.sh counts them. CHECK records and continues.
 */
#ifndef BW_TEST_H
#define BW_TEST_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failed_now, test_skipped_now, test_n_fail;
static char test_first_fail[512];

static inline void test_check(int ok, const char *expr, const char *file, int line)
{
    if (ok) return;
    if (!test_failed_now)
        snprintf(test_first_fail, sizeof test_first_fail, "%s:%d: %s", file, line, expr);
    test_failed_now++;
}

static inline void test_check_eq(uint64_t a, uint64_t b, const char *ea, const char *eb,
                                 const char *file, int line)
{
    if (a == b) return;
    if (!test_failed_now)
        snprintf(test_first_fail, sizeof test_first_fail, "%s:%d: %s == %s (%" PRIu64 " != %" PRIu64 ")",
                 file, line, ea, eb, a, b);
    test_failed_now++;
}

#define CHECK(c) test_check(!!(c), #c, __FILE__, __LINE__)

/* A fixed xorshift64 stream: the same "random" cases on every run. */
static uint64_t test_rng_state = 0x9e3779b97f4a7c15ull;
static inline uint64_t test_rand(void)
{
    test_rng_state ^= test_rng_state << 13;
    test_rng_state ^= test_rng_state >> 7;
    test_rng_state ^= test_rng_state << 17;
    return test_rng_state;
}
#define CHECK_EQ(a, b) test_check_eq((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STR(a, b) test_check(strcmp((a), (b)) == 0, #a " == " #b, __FILE__, __LINE__)

/* Call from inside a test to mark it skipped (and return from it yourself). */
static inline void test_skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(test_first_fail, sizeof test_first_fail, fmt, ap);
    va_end(ap);
    test_skipped_now = 1;
}

static inline void test_run(const char *name, void (*fn)(void))
{
    test_failed_now = 0;
    test_skipped_now = 0;
    test_first_fail[0] = 0;
    fn();
    if (test_failed_now) {
        printf("FAIL %s: %s%s\n", name, test_first_fail,
               test_failed_now > 1 ? " (and more)" : "");
        test_n_fail++;
    } else if (test_skipped_now) {
        printf("SKIP %s: %s\n", name, test_first_fail);
    } else {
        printf("PASS %s\n", name);
    }
    fflush(stdout);
}

#define RUN(fn) test_run(#fn, fn)

static inline int test_done(void) { return test_n_fail ? 1 : 0; }

#endif
