/* fuzz_pii.c -- libFuzzer target: the PII engine with its tokenizers (JSON,
 * CSV, XML, EML, text and the sniffer).
 *
 * Input: one byte choosing the document type, one byte seeding the split
 * points, then the body, fed in pieces of random size with an occasional gap.
 * The database is built once per process (it is read-only while scanning).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pii.h"

static pii_db *fz_pii_db;
static pii_scratch *fz_pii_scratch;

static int fz_pii_setup(void)
{
    if (fz_pii_db) return 0;
    static const uint8_t key[32] = "fuzz-hash-key-not-a-secret-0123";
    struct pii_config pc;
    pii_config_defaults(&pc);
    pc.hash_key = key;
    pc.hash_key_len = sizeof key;
    pc.max_distinct = 64;
    char err[256];
    fz_pii_db = pii_db_new(&pc, err, sizeof err);
    if (!fz_pii_db) { fprintf(stderr, "pii_db_new: %s\n", err); abort(); }
    fz_pii_scratch = pii_scratch_new(fz_pii_db);
    if (!fz_pii_scratch) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    fz_pii_setup();
    enum pii_doc_type type = (enum pii_doc_type)(data[0] % 6);
    uint32_t rnd = data[1] * 2654435761u + 7;
    pii_scan *sc = pii_scan_open(fz_pii_db, fz_pii_scratch, type);
    if (!sc) return 0;
    const uint8_t *p = data + 2;
    size_t left = size - 2;
    while (left) {
        rnd = rnd * 1103515245u + 12345u;
        size_t piece = 1 + (rnd >> 16) % (left < 512 ? left : 512);
        uint8_t *b = malloc(piece);
        if (!b) break;
        memcpy(b, p, piece);
        pii_scan_feed(sc, b, piece);
        free(b);
        p += piece;
        left -= piece;
        if ((data[0] & 0x80) && ((rnd >> 8) & 15) == 0) pii_scan_gap(sc, (rnd >> 4) & 0xff);
    }
    struct pii_findings f;
    memset(&f, 0, sizeof f);
    pii_scan_close(sc, &f);
    uint64_t sum = 0;
    for (int k = 0; k < PII__COUNT; k++) {
        if (f.kind[k].n_samples > PII_MAX_SAMPLES) abort();
        for (unsigned i = 0; i < f.kind[k].n_samples; i++)
            if (!memchr(f.kind[k].samples[i], 0, PII_SAMPLE_LEN)) abort();
        sum += f.kind[k].count;
    }
    if (sum != f.total) abort();
    if (f.bytes_scanned > size) abort();
    pii_findings_free(&f);
    return 0;
}
