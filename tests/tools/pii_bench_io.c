/* pii_bench_io.c -- PII engine throughput beside a plain memchr pass over
 * the same bytes, in the same run (used by tests/bench/pii_bench.sh).
 *
 *   pii_bench_io [--type csv|json|xml|eml|text] [--body MB] [--feed KB] FILE
 *
 * The file is read in 1 MB blocks; each block is walked by four passes:
 * memchr for a NUL byte (the plain memchr pass: one call runs over the whole
 * block at memory speed when, as in text, there is none), memchr line by line
 * (counting '\n': what any line-oriented tool pays at least), the engine's
 * Hyperscan patterns alone in the same pieces (the floor of an engine whose
 * candidates come from Hyperscan: no digit scan, tokenizer or judging), and
 * the engine,
 * fed in --feed pieces, its bodies cut every --body MB (a scan is closed and a
 * new one opened). Only the passes are timed, not the reads. The ratio is the
 * engine against the plain memchr pass.
 * Prints one line of figures: MB, seconds, MB/s of each pass, the ratio, and
 * the findings so a reader sees the engine really looked. Single thread: the
 * figures are per core.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pii.h"

#define BLOCK (1u << 20)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
    fprintf(stderr, "usage: pii_bench_io [--type csv|json|xml|eml|text] [--body MB] [--feed KB] FILE\n");
    return 2;
}

int main(int argc, char **argv)
{
    enum pii_doc_type type = PII_DOC_AUTO;
    size_t body_mb = 4, feed_kb = 64;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--type") == 0 && i + 1 < argc) {
            const char *t = argv[++i];
            type = !strcmp(t, "csv") ? PII_DOC_CSV : !strcmp(t, "json") ? PII_DOC_JSON
                 : !strcmp(t, "xml") ? PII_DOC_XML : !strcmp(t, "eml") ? PII_DOC_EML
                 : !strcmp(t, "text") ? PII_DOC_TEXT : PII_DOC_AUTO;
        } else if (strcmp(argv[i], "--body") == 0 && i + 1 < argc) {
            body_mb = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--feed") == 0 && i + 1 < argc) {
            feed_kb = strtoul(argv[++i], NULL, 10);
        } else if (argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            return usage();
        }
    }
    if (!path || body_mb == 0 || feed_kb == 0 || feed_kb > BLOCK / 1024) return usage();

    static uint8_t key[32] = { 1 };
    struct pii_config cfg;
    pii_config_defaults(&cfg);
    cfg.hash_key = key;
    cfg.hash_key_len = sizeof key;
    char err[256] = "";
    pii_db *db = pii_db_new(&cfg, err, sizeof err);
    if (!db) { fprintf(stderr, "pii_db_new: %s\n", err); return 1; }
    pii_scratch *scr = pii_scratch_new(db);
    uint8_t *buf = malloc(BLOCK);
    int fd = open(path, O_RDONLY);
    if (!scr || !buf || fd < 0) { perror(path); return 1; }

    double t_memchr = 0, t_lines = 0, t_hs = 0, t_pii = 0;
    uint64_t bytes = 0, nuls = 0, lines = 0, in_body = 0, bodies = 0, findings = 0, records = 0, hs_matches = 0;
    uint64_t per_kind[PII__COUNT] = { 0 };
    pii_scan *sc = NULL;
    for (;;) {
        size_t got = 0;
        while (got < BLOCK) {
            ssize_t r = read(fd, buf + got, BLOCK - got);
            if (r <= 0) break;
            got += (size_t)r;
        }
        if (got == 0) break;
        bytes += got;

        double t00 = now();
        const uint8_t *p = buf, *end = buf + got;
        while ((p = memchr(p, 0, (size_t)(end - p))) != NULL) { nuls++; p++; }
        double t0 = now();
        p = buf;
        while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) { lines++; p++; }
        double th = now();
        uint64_t m = pii_hyperscan_only(scr, buf, got, feed_kb * 1024);
        if (m == UINT64_MAX) { fprintf(stderr, "hyperscan pass failed\n"); return 1; }
        hs_matches += m;
        double t1 = now();
        for (size_t off = 0; off < got;) {
            if (!sc) { sc = pii_scan_open(db, scr, type); bodies++; in_body = 0; }
            size_t n = feed_kb * 1024;
            if (n > got - off) n = got - off;
            pii_scan_feed(sc, buf + off, n);
            off += n;
            in_body += n;
            if (in_body >= body_mb << 20) {
                struct pii_findings f;
                pii_scan_close(sc, &f);
                sc = NULL;
                findings += f.total;
                records += f.records;
                for (int k = 0; k < PII__COUNT; k++) per_kind[k] += f.kind[k].count;
                pii_findings_free(&f);
            }
        }
        double t2 = now();
        t_memchr += t0 - t00;
        t_lines += th - t0;
        t_hs += t1 - th;
        t_pii += t2 - t1;
    }
    if (sc) {
        double t0 = now();
        struct pii_findings f;
        pii_scan_close(sc, &f);
        t_pii += now() - t0;
        findings += f.total;
        records += f.records;
        for (int k = 0; k < PII__COUNT; k++) per_kind[k] += f.kind[k].count;
        pii_findings_free(&f);
    }
    close(fd);
    double mb = (double)bytes / 1e6;
    double r_m = t_memchr > 0 ? mb / t_memchr : 0, r_p = t_pii > 0 ? mb / t_pii : 0;
    double r_l = t_lines > 0 ? mb / t_lines : 0, r_h = t_hs > 0 ? mb / t_hs : 0;
    printf("%s: %.1f MB, %" PRIu64 " bodies, %" PRIu64 " lines, %" PRIu64 " NUL bytes\n",
           path, mb, bodies, lines, nuls);
    printf("  memchr %9.1f MB/s   memchr-lines %8.1f MB/s   pii %8.1f MB/s   pii/memchr %.3f"
           "   findings %" PRIu64 "  records %" PRIu64 "\n",
           r_m, r_l, r_p, r_m > 0 ? r_p / r_m : 0, findings, records);
    printf("  floor: hyperscan-only %8.1f MB/s (%.3f of memchr, %" PRIu64 " matches): the engine runs at %.2f of it\n",
           r_h, r_m > 0 ? r_h / r_m : 0, hs_matches, r_h > 0 ? r_p / r_h : 0);
    printf("  per kind:");
    for (int k = 0; k < PII__COUNT; k++)
        if (per_kind[k]) printf(" %s=%" PRIu64, pii_kind_name((enum pii_kind)k), per_kind[k]);
    printf("\n");
    free(buf);
    pii_scratch_free(scr);
    pii_db_free(db);
    return 0;
}
