/* pii_dump -- print the PII engine's findings for a file (debugging aid).
 * Usage: pii_dump FILE [json|csv|xml|eml|text|auto] [feed-size] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pii.h"

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: pii_dump FILE [type] [feed]\n"); return 2; }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf) return 1;
    enum pii_doc_type t = PII_DOC_AUTO;
    if (argc > 2) {
        const char *names[] = {"auto", "text", "json", "csv", "xml", "eml"};
        for (int i = 0; i < 6; i++) if (strcmp(argv[2], names[i]) == 0) t = (enum pii_doc_type)i;
    }
    size_t step = argc > 3 ? (size_t)atol(argv[3]) : n;
    if (step == 0) step = 1;
    struct pii_config cfg;
    pii_config_defaults(&cfg);
    char err[256];
    pii_db *db = pii_db_new(&cfg, err, sizeof err);
    if (!db) { fprintf(stderr, "%s\n", err); return 1; }
    pii_scratch *s = pii_scratch_new(db);
    pii_scan *sc = pii_scan_open(db, s, t);
    for (size_t o = 0; o < n; o += step) pii_scan_feed(sc, buf + o, n - o < step ? n - o : step);
    struct pii_findings fd;
    pii_scan_close(sc, &fd);
    printf("total=%lu distinct=%lu records=%lu orgs=%lu complete=%d bytes=%lu\n",
           (unsigned long)fd.total, (unsigned long)fd.distinct, (unsigned long)fd.records,
           (unsigned long)fd.organizations, fd.complete, (unsigned long)fd.bytes_scanned);
    for (int k = 0; k < PII__COUNT; k++) {
        if (!fd.kind[k].count) continue;
        printf("  %-15s count=%lu distinct=%lu", pii_kind_name(k), (unsigned long)fd.kind[k].count,
               (unsigned long)fd.kind[k].distinct);
        for (unsigned i = 0; i < fd.kind[k].n_samples; i++) printf(" [%s]", fd.kind[k].samples[i]);
        printf("\n");
    }
    for (size_t i = 0; i < fd.n_orgs; i++) printf("  org %s %lu\n", fd.orgs[i].domain, (unsigned long)fd.orgs[i].count);
    pii_findings_free(&fd);
    pii_scratch_free(s);
    pii_db_free(db);
    free(buf);
    return 0;
}
