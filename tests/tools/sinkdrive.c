/* sinkdrive.c -- drive the Redis sink from the command line, for e2e tests.
 *
 *   sinkdrive --redis URL [any sink option: --redis-mode M --spool-dir D ...]
 *             [--count N] [--rate PER_SEC] [--id-prefix P] [--start I]
 *             [--ledger PROVIDER/ACCOUNT/CONTAINER --hashes FROM:TO [--per-update K]
 *              [--ledger-time START:STEP]]
 *             [--heartbeat] [--flush-ms MS]
 *
 * Submits N alerts {"event":{"id":"<P>-<i>"},...} at the given rate (0 = as
 * fast as possible), then ledger updates carrying the email hashes of the
 * values FROM..TO-1 (K per update, with two organisation domains each; each
 * update's time is now, or START + i * STEP epoch seconds, STEP may be
 * negative, with --ledger-time), then
 * closes the sink (drains) and prints its statistics as one JSON object on
 * stdout, with the producer's submit timings:
 *   submit_ms       time spent inside sink_alert/sink_ledger calls, in total
 *   max_submit_us   the slowest single call
 *   elapsed_ms      wall time of the submit loop (sleeps included)
 * Exit status: 0, or 2 for a usage error (the sink's message on stderr).
 */
#include "config.h"
#include "json.h"
#include "options.h"
#include "sink.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sleep_until_us(uint64_t t)
{
    struct timespec ts = { (time_t)(t / 1000000u), (long)(t % 1000000u) * 1000L };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {}
}

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static int usage(const char *msg)
{
    fprintf(stderr, "sinkdrive: %s\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    struct config cfg;
    config_defaults(&cfg);
    cfg.sensor_name = "sinkdrive";
    unsigned long count = 10, start = 0, per_update = 100, flush_ms = 0;
    double rate = 0;
    const char *id_prefix = "drive", *ledger = NULL;
    unsigned long long h_from = 0, h_to = 0;
    long long t_start = 0, t_step = 0;
    bool t_given = false;
    int heartbeat = 0;
    char err[512];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) return usage("options only");
        const char *name = a + 2;
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(name, "heartbeat") == 0) { heartbeat = 1; continue; }
        const char *mine[] = { "count", "rate", "id-prefix", "start", "ledger", "hashes", "per-update",
                               "flush-ms", "ledger-time", NULL };
        int k;
        for (k = 0; mine[k] && strcmp(mine[k], name) != 0; k++) {}
        if (mine[k]) {
            if (!val) return usage("missing value");
            i++;
            switch (k) {
            case 0: count = strtoul(val, NULL, 10); break;
            case 1: rate = strtod(val, NULL); break;
            case 2: id_prefix = val; break;
            case 3: start = strtoul(val, NULL, 10); break;
            case 4: ledger = val; break;
            case 5: if (sscanf(val, "%llu:%llu", &h_from, &h_to) != 2 || h_to < h_from) return usage("--hashes A:B"); break;
            case 6: per_update = strtoul(val, NULL, 10); if (!per_update) per_update = 1; break;
            case 7: flush_ms = strtoul(val, NULL, 10); break;
            case 8:
                if (sscanf(val, "%lld:%lld", &t_start, &t_step) != 2) return usage("--ledger-time START:STEP");
                t_given = true;
                break;
            }
            continue;
        }
        const struct option_def *o = option_find(name);
        if (!o || o->type == OPT_ACTION || o->type == OPT_INPUT) return usage("unknown option");
        if (o->type != OPT_BOOL) {
            if (!val) return usage("missing value");
            i++;
        }
        if (option_apply(&cfg, o, val, err, sizeof err) < 0) return usage(err);
    }

    sink *s = sink_redis_new(&cfg, err, sizeof err);
    if (!s) {
        fprintf(stderr, "bleedwatch: %s\n", err);
        return 2;
    }
    if (heartbeat) {
        struct sink_heartbeat hb = { .packets = count * 10, .bytes = count * 1000, .flows = count,
                                     .transactions = count, .alerts = count };
        sink_heartbeat(s, &hb);
    }
    uint64_t t0 = now_us(), busy = 0, worst = 0;
    uint64_t refused = 0;
    char json[256];
    for (unsigned long i = 0; i < count; i++) {
        if (rate > 0) sleep_until_us(t0 + (uint64_t)((double)i * 1e6 / rate));
        int n = snprintf(json, sizeof json,
                         "{\"event\":{\"id\":\"%s-%lu\",\"kind\":\"alert\"},\"observer\":{\"name\":\"sinkdrive\"}}",
                         id_prefix, start + i);
        uint64_t a = now_us();
        if (sink_alert(s, json, (size_t)n) < 0) refused++;
        uint64_t d = now_us() - a;
        busy += d;
        if (d > worst) worst = d;
    }
    if (ledger && h_to > h_from) {
        char prov[64] = "", acct[128] = "", cont[128] = "";
        sscanf(ledger, "%63[^/]/%127[^/]/%127s", prov, acct, cont);
        struct pii_hash *hs = calloc(per_update, sizeof *hs);
        if (!hs) return 1;
        struct pii_org orgs[2] = { { "acme.example", 2 }, { "corp.example", 1 } };
        for (unsigned long long v = h_from, upd = 0; v < h_to; upd++) {
            size_t k = 0;
            for (; k < per_update && v < h_to; k++, v++) {
                hs[k].kind = PII_EMAIL;
                uint64_t x = mix64(v), y = mix64(v ^ 0x5555);
                for (int b = 0; b < 8; b++) {
                    hs[k].h[b] = (uint8_t)(x >> (8 * b));
                    hs[k].h[8 + b] = (uint8_t)(y >> (8 * b));
                }
            }
            struct ledger_update u = { .provider = prov, .account = acct, .container = cont,
                                       .ts_us = (t_given ? t_start + (long long)upd * t_step : (int64_t)time(NULL)) * 1000000,
                                       .client_ip = "198.51.100.7",
                                       .bytes = 1000, .responses = 1, .hashes = hs, .n_hashes = k,
                                       .orgs = orgs, .n_orgs = 2 };
            uint64_t a = now_us();
            if (sink_ledger(s, &u) < 0) refused++;
            uint64_t d = now_us() - a;
            busy += d;
            if (d > worst) worst = d;
        }
        free(hs);
    }
    uint64_t elapsed = now_us() - t0;
    int flushed = flush_ms ? sink_flush(s, (unsigned)flush_ms) : 0;
    struct sink_stats st;
    sink_close(s, &st);

    struct json j;
    json_init(&j);
    json_obj_open(&j);
    json_kv_u64(&j, "count", count);
    json_kv_u64(&j, "refused", refused);
    json_kv_u64(&j, "submit_ms", busy / 1000);
    json_kv_u64(&j, "max_submit_us", worst);
    json_kv_u64(&j, "elapsed_ms", elapsed / 1000);
    json_kv_bool(&j, "flushed", flushed == 0);
    json_kv_u64(&j, "alerts_in", st.alerts_in);
    json_kv_u64(&j, "sent", st.sent);
    json_kv_u64(&j, "ledger_sent", st.ledger_sent);
    json_kv_u64(&j, "spooled", st.spooled);
    json_kv_u64(&j, "spooled_direct", st.spooled_direct);
    json_kv_u64(&j, "replayed", st.replayed);
    json_kv_u64(&j, "dropped", st.dropped);
    json_kv_u64(&j, "ledger_dropped", st.ledger_dropped);
    json_kv_u64(&j, "connects", st.connects);
    json_kv_u64(&j, "reconnects", st.reconnects);
    json_kv_u64(&j, "connect_failures", st.connect_failures);
    json_kv_u64(&j, "auth_failures", st.auth_failures);
    json_kv_u64(&j, "timeouts", st.timeouts);
    json_kv_u64(&j, "io_errors", st.io_errors);
    json_kv_u64(&j, "err_transient", st.err_transient);
    json_kv_u64(&j, "err_rejected", st.err_rejected);
    json_kv_u64(&j, "list_trims", st.list_trims);
    json_kv_u64(&j, "list_trimmed", st.list_trimmed);
    json_kv_u64(&j, "unheard", st.unheard);
    json_kv_u64(&j, "heartbeats", st.heartbeats);
    json_kv_u64(&j, "batches", st.batches);
    json_kv_u64(&j, "queue_high", st.queue_high);
    json_kv_u64(&j, "spool_bytes", st.spool_bytes);
    json_kv_u64(&j, "spool_pending", st.spool_pending);
    json_kv_u64(&j, "spool_torn", st.spool_torn);
    json_kv_u64(&j, "spool_full", st.spool_full);
    json_kv_u64(&j, "spool_io_errors", st.spool_io_errors);
    json_obj_close(&j);
    json_newline(&j);
    fwrite(j.buf, 1, j.len, stdout);
    json_free(&j);
    return 0;
}
