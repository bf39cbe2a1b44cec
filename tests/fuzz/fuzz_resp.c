/* fuzz_resp.c -- libFuzzer target: the RESP (Redis) parser.
 *
 * Input: one byte choosing the render mode and the piece size, then RESP
 * bytes. The whole input is scanned at once and again as growing prefixes
 * (resp_scan_more), which must agree; a complete value is rendered to JSON
 * (count only, capped) in the chosen mode; the input is also parsed as a
 * request.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "resp.h"
#include "wire_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t sel = data[0];
    size_t n = size - 1;
    uint8_t *p = malloc(n ? n : 1);
    if (!p) return 0;
    memcpy(p, data + 1, n);
    struct resp_scan_stats st;
    memset(&st, 0, sizeof st);
    struct parse_result whole = resp_scan(p, n, NULL, &st);
    if (whole.status == PARSE_OK && (whole.consumed == 0 || whole.consumed > n)) abort();

    /* The same value in growing prefixes. */
    struct resp_scanner sc;
    memset(&sc, 0, sizeof sc);
    size_t step = 1 + (sel >> 3), len = 0;
    struct parse_result inc = { .status = PARSE_NEED_MORE };
    while (len < n && inc.status == PARSE_NEED_MORE) {
        len = len + step < n ? len + step : n;
        inc = resp_scan_more(&sc, p, len, NULL, &st);
    }
    if (whole.status == PARSE_OK && (inc.status != PARSE_OK || inc.consumed != whole.consumed)) abort();

    if (whole.status == PARSE_OK) {
        struct wjson w;
        wj_init(&w, 1u << 16, NULL, NULL);
        enum resp_render_mode mode = (enum resp_render_mode)(sel & 3);
        if (mode == RESP_R_NAMED) {
            struct bytes names[2] = { bytes_of("k1", 2), bytes_of("k2", 2) };
            resp_render_named(p, whole.consumed, names, 2, &w);
        } else {
            resp_render(p, whole.consumed, mode, (sel & 4) ? bytes_of("users", 5) : bytes_of(NULL, 0), &w);
        }
        wj_finish(&w);
        if (w.total > w.cap) abort();
        struct bytes msg;
        (void)resp_is_error(p, whole.consumed, &msg);
    }
    struct resp_cmd cmd;
    struct parse_result c = resp_parse_cmd(p, n, NULL, &cmd, &st);
    if (c.status == PARSE_OK) {
        if (c.consumed == 0 || c.consumed > n) abort();
        for (uint64_t i = 0; i < cmd.nargs && i < RESP_MAX_ARGS; i++)
            if (cmd.arg[i].len && (cmd.arg[i].p < p || cmd.arg[i].p + cmd.arg[i].len > p + n)) abort();
    }
    free(p);
    return 0;
}
