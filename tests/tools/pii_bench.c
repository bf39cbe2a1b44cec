/* pii_bench -- PII engine throughput on generated PII-free text beside a
 * plain memchr pass over the same bytes. Prints figures; asserts nothing.
 * Usage: pii_bench [MB] [feed-size]   (defaults: 64 MB, 64 KiB feeds) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pii.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Two PII-free corpora: prose-like lines (words, now and then a year), and
 * log-like lines dense with non-personal numbers (timestamps, UUIDs,
 * versions, prices, URLs): about 7.5% of their bytes are digits. */
static size_t gen(uint8_t *buf, size_t len, unsigned seed, bool logs)
{
    static const char *const words[] = {
        "the", "storage", "account", "container", "request", "response", "latency", "was",
        "served", "from", "cache", "and", "client", "retried", "after", "timeout", "of",
        "blob", "listing", "returned", "items", "with", "status", "version", "build", "at",
        "server", "region", "west", "europe", "deployment", "completed", "successfully",
        "error", "rate", "limit", "exceeded", "for", "tenant", "operation", "took", "ms"};
    size_t nw = sizeof words / sizeof words[0], o = 0;
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    while (o + 200 < len) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        switch (logs ? x % 8 : 7 + (x % 64 != 0)) {
        case 0: o += (size_t)sprintf((char *)buf + o, "2022-09-%02u %02u:%02u:%02u INFO ", (unsigned)(x >> 8) % 28 + 1,
                                     (unsigned)(x >> 16) % 24, (unsigned)(x >> 24) % 60, (unsigned)(x >> 32) % 60); break;
        case 1: o += (size_t)sprintf((char *)buf + o, "id=%08x-%04x-4%03x-a%03x-%012llx ", (unsigned)x, (unsigned)(x >> 32) & 0xffff,
                                     (unsigned)(x >> 20) & 0xfff, (unsigned)(x >> 40) & 0xfff, (unsigned long long)(x >> 8) & 0xffffffffffffull); break;
        case 2: o += (size_t)sprintf((char *)buf + o, "v%u.%u.%u ", (unsigned)(x >> 8) % 10, (unsigned)(x >> 16) % 20, (unsigned)(x >> 24) % 100); break;
        case 3: o += (size_t)sprintf((char *)buf + o, "price %u.%02u EUR ", (unsigned)(x >> 8) % 5000, (unsigned)(x >> 20) % 100); break;
        case 4: o += (size_t)sprintf((char *)buf + o, "https://example.net/c/%u/file.csv ", (unsigned)(x >> 8) % 100000); break;
        case 7: o += (size_t)sprintf((char *)buf + o, "In %u, ", 1900 + (unsigned)(x >> 8) % 120); break;
        default: break;
        }
        unsigned n = 6 + (unsigned)(x >> 40) % 8;
        for (unsigned i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            const char *w = words[x % nw];
            size_t l = strlen(w);
            memcpy(buf + o, w, l);
            o += l;
            buf[o++] = ' ';
        }
        buf[o++] = '\n';
    }
    while (o < len) buf[o++] = ' ';
    return o;
}

/* PII-free NDJSON events: the JSON tokenizer's own cost. */
static size_t gen_json(uint8_t *buf, size_t len, unsigned seed)
{
    static const char *const words[] = {"cache", "miss", "request", "served", "blob", "listing",
                                        "retry", "timeout", "container", "region", "ok", "done"};
    size_t o = 0;
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    while (o + 300 < len) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        o += (size_t)sprintf((char *)buf + o,
                             "{\"ts\":\"2022-09-24T10:%02u:%02uZ\",\"level\":\"info\",\"status\":%u,"
                             "\"latency_ms\":%u,\"msg\":\"%s %s %s %s\",\"tags\":[\"%s\",\"%s\"],"
                             "\"ok\":true}\n",
                             (unsigned)(x >> 8) % 60, (unsigned)(x >> 16) % 60, 200 + (unsigned)(x >> 24) % 300,
                             (unsigned)(x >> 32) % 5000, words[x % 12], words[(x >> 4) % 12],
                             words[(x >> 8) % 12], words[(x >> 12) % 12], words[(x >> 20) % 12],
                             words[(x >> 28) % 12]);
    }
    while (o < len) buf[o++] = '\n';
    return o;
}

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 64;
    size_t feed = argc > 2 ? (size_t)atol(argv[2]) : 65536;
    size_t len = mb << 20;
    uint8_t *buf = malloc(len);
    if (!buf || !feed) return 1;
    for (int corpus = 0; corpus < 3; corpus++) {
    if (corpus < 2) gen(buf, len, 1, corpus == 1);
    else gen_json(buf, len, 1);
    static const char *const cn[] = {"prose-like text", "log-like text", "NDJSON events"};
    printf("%s, %zu MB:\n", cn[corpus], mb);

    struct pii_config cfg;
    pii_config_defaults(&cfg);
    char err[256];
    pii_db *db = pii_db_new(&cfg, err, sizeof err);
    if (!db) { fprintf(stderr, "%s\n", err); return 1; }
    pii_scratch *s = pii_scratch_new(db);
    const enum pii_doc_type types[] = {corpus == 2 ? PII_DOC_JSON : PII_DOC_TEXT, PII_DOC_AUTO};
    static const char *const tn[] = {"as its type", "sniffed"};
    /* The machine is shared: interleave the runs and keep the best of each. */
    double best_m = 1e9, best[2] = {1e9, 1e9};
    size_t lines = 0;
    uint64_t found[2] = {0, 0};
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        const uint8_t *p = buf, *end = buf + len;
        lines = 0;
        while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) { lines++; p++; }
        double t = now() - t0;
        if (t < best_m) best_m = t;
        for (int ti = 0; ti < 2; ti++) {
            t0 = now();
            pii_scan *sc = pii_scan_open(db, s, types[ti]);
            for (size_t o = 0; o < len; o += feed) pii_scan_feed(sc, buf + o, len - o < feed ? len - o : feed);
            struct pii_findings f;
            pii_scan_close(sc, &f);
            t = now() - t0;
            if (t < best[ti]) best[ti] = t;
            found[ti] = f.total;
            pii_findings_free(&f);
        }
    }
    printf("  memchr('\\n'): %.0f MB/s (%zu lines)\n", len / best_m / 1e6, lines);
    for (int ti = 0; ti < 2; ti++)
        printf("  pii scan (%s, %zu-byte feeds): %.0f MB/s = %.2f x memchr, findings %llu\n", tn[ti], feed,
               len / best[ti] / 1e6, best_m / best[ti], (unsigned long long)found[ti]);
    pii_scratch_free(s);
    pii_db_free(db);
    }
    free(buf);
    return 0;
}
