/* test_fuzz_regress.c -- every fuzz target's seed corpus and every crash
 * input found by make fuzz, replayed through the target's function in a
 * normal build (so make test runs them under ASan+UBSan too).
 *
 * Each target file is compiled in here with LLVMFuzzerTestOneInput renamed;
 * a target aborts on a broken invariant, so a regression is a crash here.
 * Inputs: tests/fuzz/corpus/<target>/ and tests/fuzz/regress/<target>/.
 */
#include "test.h"
#include <dirent.h>
#include <sys/stat.h>

#define LLVMFuzzerTestOneInput fuzz_decode_one
#include "fuzz/fuzz_decode.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_stream_one
#include "fuzz/fuzz_stream.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_http1_one
#include "fuzz/fuzz_http1.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_codec_one
#include "fuzz/fuzz_codec.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_storage_one
#include "fuzz/fuzz_storage.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_pii_one
#include "fuzz/fuzz_pii.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_frag_one
#include "fuzz/fuzz_frag.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_bson_one
#include "fuzz/fuzz_bson.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_resp_one
#include "fuzz/fuzz_resp.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_config_one
#include "fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_pcapfile_one
#include "fuzz/fuzz_pcapfile.c"
#undef LLVMFuzzerTestOneInput

typedef int (*fz_fn)(const uint8_t *, size_t);

static const struct { const char *name; fz_fn fn; } targets[] = {
    { "decode", fuzz_decode_one }, { "stream", fuzz_stream_one },
    { "http1", fuzz_http1_one },   { "codec", fuzz_codec_one },
    { "storage", fuzz_storage_one }, { "pii", fuzz_pii_one },
    { "config", fuzz_config_one }, { "frag", fuzz_frag_one },
    { "bson", fuzz_bson_one },     { "resp", fuzz_resp_one },
    { "pcapfile", fuzz_pcapfile_one },
};

/* Run every regular file of dir through fn; returns the count, -1 if no dir. */
static long replay_dir(const char *dir, fz_fn fn)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        struct stat sb;
        if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) { fclose(f); continue; }
        size_t len = (size_t)sb.st_size;
        uint8_t *buf = malloc(len ? len : 1);
        size_t got = buf ? fread(buf, 1, len, f) : 0;
        fclose(f);
        if (!buf || got != len) { free(buf); continue; }
        fn(buf, len);     /* aborts on a broken invariant; ASan reports memory errors */
        free(buf);
        n++;
    }
    closedir(d);
    return n;
}

int main(void)
{
    int failed = 0;
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        char dir[256];
        snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", targets[i].name);
        long nc = replay_dir(dir, targets[i].fn);
        if (nc > 0) printf("PASS fuzz corpus %s replays (%ld inputs)\n", targets[i].name, nc);
        else { printf("FAIL fuzz corpus %s: no seeds in %s\n", targets[i].name, dir); failed++; }
        snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", targets[i].name);
        long nr = replay_dir(dir, targets[i].fn);
        if (nr > 0) printf("PASS fuzz regress %s replays (%ld inputs)\n", targets[i].name, nr);
        /* no regress/<target>/: fuzzing never found a crash there, nothing to replay */
        fflush(stdout);
    }
    if (fz_pii_scratch) pii_scratch_free(fz_pii_scratch);
    if (fz_pii_db) pii_db_free(fz_pii_db);
    return failed ? 1 : 0;
}
