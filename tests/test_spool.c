/* test_spool.c -- the disk spool: order across segments, size cap, torn
 * records, durable read position, ledger command building. */
#include "ledger.h"
#include "spool.h"
#include "test.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpl[] = "/tmp/bw_spool_XXXXXX";
static int dir_seq;

/* A fresh directory below the test's temp dir. */
static void fresh_dir(char *buf, size_t len)
{
    snprintf(buf, len, "%s/s%d/spool", tmpl, dir_seq++);
}

static struct rcmd *mk_alert(unsigned i)
{
    char json[64];
    int n = snprintf(json, sizeof json, "{\"event\":{\"id\":\"t-%u\"}}", i);
    const char *argv[3] = { "RPUSH", "k:alerts", json };
    size_t lens[3] = { 5, 8, (size_t)n };
    return rcmd_new(RCMD_ALERT, 3, argv, lens);
}

/* Append cmds one call each; returns how many were accepted. */
static size_t append_n(spool *sp, unsigned from, unsigned n)
{
    size_t ok = 0;
    for (unsigned i = from; i < from + n; i++) {
        struct rcmd *c = mk_alert(i);
        ok += spool_append(sp, c, 1, NULL);
        rcmd_free(c);
    }
    return ok;
}

/* Read everything (committing as we go), checking ids are from, from+1, ... */
static unsigned drain_check(spool *sp, unsigned from, int *in_order)
{
    unsigned got = 0;
    *in_order = 1;
    for (;;) {
        struct rcmd *out[7];
        struct spool_pos after[7];
        size_t k = spool_read(sp, out, after, 7, 1 << 20);
        if (!k) break;
        for (size_t i = 0; i < k; i++) {
            char want[64];
            snprintf(want, sizeof want, "{\"event\":{\"id\":\"t-%u\"}}", from + got);
            if (out[i]->argc != 3 || out[i]->argvlen[2] != strlen(want) ||
                memcmp(out[i]->argv[2], want, strlen(want)) != 0 || out[i]->kind != RCMD_ALERT)
                *in_order = 0;
            got++;
            rcmd_free(out[i]);
        }
        spool_commit(sp, &after[k - 1]);
    }
    return got;
}

static unsigned count_segments(const char *dir)
{
    DIR *d = opendir(dir);
    unsigned n = 0;
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "seg-", 4) == 0) n++;
    closedir(d);
    return n;
}

static void t_order_across_segments(void)
{
    char dir[256], err[256];
    fresh_dir(dir, sizeof dir);
    spool *sp = spool_open(dir, 1 << 20, 512, SPOOL_FSYNC_BATCH, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp) return;
    struct stat st;
    CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
    CHECK(spool_empty(sp));
    CHECK_EQ(append_n(sp, 0, 100), 100);
    CHECK(!spool_empty(sp));
    unsigned segs = count_segments(dir);
    CHECK(segs > 3);    /* ~40-byte records, 512-byte segments */
    int in_order;
    CHECK_EQ(drain_check(sp, 0, &in_order), 100);
    CHECK(in_order);
    CHECK(spool_empty(sp));
    CHECK_EQ(count_segments(dir), 0);   /* confirmed segments are deleted */
    /* and it is usable again afterwards */
    CHECK_EQ(append_n(sp, 100, 5), 5);
    CHECK_EQ(drain_check(sp, 100, &in_order), 5);
    CHECK(in_order);
    spool_free(sp);
}

static void t_batch_append(void)
{
    char dir[256], err[256];
    fresh_dir(dir, sizeof dir);
    spool *sp = spool_open(dir, 1 << 20, 0, SPOOL_FSYNC_ALWAYS, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp) return;
    struct rcmd_list l = { 0 };
    for (unsigned i = 0; i < 20; i++) rcmd_list_push(&l, mk_alert(i));
    CHECK_EQ(spool_append(sp, l.head, 15, NULL), 15);   /* only the first 15 */
    rcmd_list_clear(&l);
    int in_order;
    CHECK_EQ(drain_check(sp, 0, &in_order), 15);
    CHECK(in_order);
    spool_free(sp);
}

static void t_size_cap(void)
{
    char dir[256], err[256];
    fresh_dir(dir, sizeof dir);
    struct rcmd *c = mk_alert(0);
    size_t rec = 8 + 1 + 4 + 3 * 4 + c->bytes;
    rcmd_free(c);
    /* room for the segment header and exactly 10 records */
    spool *sp = spool_open(dir, 8 + 10 * rec, 1 << 20, SPOOL_FSYNC_NEVER, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp) return;
    size_t ok = append_n(sp, 0, 25);
    CHECK_EQ(ok, 10);
    struct spool_stats st;
    spool_stats(sp, &st);
    CHECK_EQ(st.full, 15);
    CHECK_EQ(st.appended, 10);
    CHECK(st.bytes <= 8 + 10 * rec);
    int errnum = 0;
    c = mk_alert(99);
    CHECK_EQ(spool_append(sp, c, 1, &errnum), 0);
    rcmd_free(c);
    CHECK_EQ(errnum, ENOSPC);
    int in_order;
    CHECK_EQ(drain_check(sp, 0, &in_order), 10);
    CHECK(in_order);
    /* space is given back once confirmed */
    CHECK_EQ(append_n(sp, 10, 3), 3);
    spool_free(sp);
}

/* Find the one segment file in dir. */
static int only_segment(const char *dir, char *path, size_t len)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "seg-", 4) == 0) {
            snprintf(path, len, "%s/%s", dir, e->d_name);
            n++;
        }
    closedir(d);
    return n;
}

static void t_torn_tail(void)
{
    char dir[256], err[256], seg[512];
    fresh_dir(dir, sizeof dir);
    spool *sp = spool_open(dir, 1 << 20, 1 << 20, SPOOL_FSYNC_BATCH, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp) return;
    CHECK_EQ(append_n(sp, 0, 10), 10);
    spool_free(sp);   /* "crash" after writing */
    CHECK_EQ(only_segment(dir, seg, sizeof seg), 1);
    struct stat st;
    CHECK(stat(seg, &st) == 0);
    /* cut the last record in the middle of its payload */
    CHECK(truncate(seg, st.st_size - 7) == 0);

    sp = spool_open(dir, 1 << 20, 1 << 20, SPOOL_FSYNC_BATCH, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp) return;
    CHECK_EQ(append_n(sp, 9, 2), 2);   /* new records (t-9 again, t-10) go to a new segment */
    int in_order;
    /* t-0..t-8 intact, the torn t-9 skipped, then the new segment's t-9, t-10 */
    CHECK_EQ(drain_check(sp, 0, &in_order), 11);
    CHECK(in_order);
    struct spool_stats ss;
    spool_stats(sp, &ss);
    CHECK_EQ(ss.torn, 1);
    CHECK(ss.torn_bytes > 0);
    spool_free(sp);

    /* a flipped byte in a payload is caught by the CRC */
    char dir2[256];
    fresh_dir(dir2, sizeof dir2);
    sp = spool_open(dir2, 1 << 20, 1 << 20, SPOOL_FSYNC_BATCH, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp) return;
    CHECK_EQ(append_n(sp, 0, 3), 3);
    spool_free(sp);
    CHECK_EQ(only_segment(dir2, seg, sizeof seg), 1);
    int fd = open(seg, O_RDWR);
    CHECK(fd >= 0);
    CHECK(stat(seg, &st) == 0);
    char b;
    CHECK(pread(fd, &b, 1, st.st_size - 3) == 1);
    b ^= 0x20;
    CHECK(pwrite(fd, &b, 1, st.st_size - 3) == 1);
    close(fd);
    sp = spool_open(dir2, 1 << 20, 1 << 20, SPOOL_FSYNC_BATCH, err, sizeof err);
    CHECK(sp != NULL);
    if (!sp) return;
    CHECK_EQ(drain_check(sp, 0, &in_order), 2);
    CHECK(in_order);
    spool_stats(sp, &ss);
    CHECK_EQ(ss.torn, 1);
    spool_free(sp);
}

/* After the torn tail: the records appended after the reopen come next. */
static void t_after_torn_new_records(void)
{
    char dir[256], err[256], seg[512];
    fresh_dir(dir, sizeof dir);
    spool *sp = spool_open(dir, 1 << 20, 1 << 20, SPOOL_FSYNC_BATCH, err, sizeof err);
    if (!sp) { CHECK(sp != NULL); return; }
    CHECK_EQ(append_n(sp, 0, 4), 4);
    spool_free(sp);
    CHECK_EQ(only_segment(dir, seg, sizeof seg), 1);
    struct stat st;
    CHECK(stat(seg, &st) == 0);
    CHECK(truncate(seg, st.st_size - 30) == 0);
    sp = spool_open(dir, 1 << 20, 1 << 20, SPOOL_FSYNC_BATCH, err, sizeof err);
    if (!sp) { CHECK(sp != NULL); return; }
    CHECK_EQ(append_n(sp, 3, 3), 3);
    int in_order;
    /* old segment: t-0..t-2, then t-3 torn; new segment: t-3..t-5 */
    CHECK_EQ(drain_check(sp, 0, &in_order), 6);
    CHECK(in_order);
    struct spool_stats ss;
    spool_stats(sp, &ss);
    CHECK_EQ(ss.torn, 1);
    CHECK(spool_empty(sp));
    spool_free(sp);
}

static void t_offset_survives_reopen(void)
{
    char dir[256], err[256];
    fresh_dir(dir, sizeof dir);
    spool *sp = spool_open(dir, 1 << 20, 256, SPOOL_FSYNC_BATCH, err, sizeof err);
    if (!sp) { CHECK(sp != NULL); return; }
    CHECK_EQ(append_n(sp, 0, 30), 30);
    /* confirm 12, read 5 more without confirming (in flight at the "crash") */
    unsigned done = 0;
    while (done < 12) {
        struct rcmd *out[4];
        struct spool_pos after[4];
        size_t k = spool_read(sp, out, after, 4, 1 << 20);
        CHECK(k > 0);
        if (!k) break;
        for (size_t i = 0; i < k; i++) rcmd_free(out[i]);
        done += (unsigned)k;
        spool_commit(sp, &after[k - 1]);
    }
    CHECK_EQ(done, 12);
    struct rcmd *out[5];
    struct spool_pos after[5];
    size_t k = spool_read(sp, out, after, 5, 1 << 20);
    CHECK_EQ(k, 5);
    for (size_t i = 0; i < k; i++) rcmd_free(out[i]);
    spool_free(sp);

    sp = spool_open(dir, 1 << 20, 256, SPOOL_FSYNC_BATCH, err, sizeof err);
    if (!sp) { CHECK(sp != NULL); return; }
    int in_order;
    CHECK_EQ(drain_check(sp, 12, &in_order), 18);   /* resumes at t-12 */
    CHECK(in_order);
    spool_free(sp);
}

static void t_lock_and_bad_dir(void)
{
    char dir[256], err[256];
    fresh_dir(dir, sizeof dir);
    spool *a = spool_open(dir, 1 << 20, 0, SPOOL_FSYNC_BATCH, err, sizeof err);
    CHECK(a != NULL);
    spool *b = spool_open(dir, 1 << 20, 0, SPOOL_FSYNC_BATCH, err, sizeof err);
    CHECK(b == NULL);
    CHECK(strstr(err, "in use") != NULL);
    spool_free(a);
    spool_free(b);
    spool *c = spool_open("/proc/nonexistent/x", 1 << 20, 0, SPOOL_FSYNC_BATCH, err, sizeof err);
    CHECK(c == NULL);
    CHECK(strstr(err, "cannot create") != NULL);
    enum spool_fsync f;
    CHECK(spool_fsync_parse("always", &f) == 0 && f == SPOOL_FSYNC_ALWAYS);
    CHECK(spool_fsync_parse("sometimes", &f) < 0);
}

/* Binary-safe arguments round-trip exactly. */
static void t_binary_args(void)
{
    char dir[256], err[256];
    fresh_dir(dir, sizeof dir);
    spool *sp = spool_open(dir, 1 << 20, 0, SPOOL_FSYNC_NEVER, err, sizeof err);
    if (!sp) { CHECK(sp != NULL); return; }
    char bin[256];
    for (int i = 0; i < 256; i++) bin[i] = (char)i;
    const char *argv[3] = { "SET", "", bin };
    size_t lens[3] = { 3, 0, 256 };
    struct rcmd *c = rcmd_new(RCMD_LEDGER, 3, argv, lens);
    CHECK_EQ(spool_append(sp, c, 1, NULL), 1);
    rcmd_free(c);
    struct rcmd *out[1];
    struct spool_pos after[1];
    CHECK_EQ(spool_read(sp, out, after, 1, 1 << 20), 1);
    CHECK_EQ(out[0]->kind, RCMD_LEDGER);
    CHECK_EQ(out[0]->argvlen[1], 0);
    CHECK_EQ(out[0]->argvlen[2], 256);
    CHECK(memcmp(out[0]->argv[2], bin, 256) == 0);
    rcmd_free(out[0]);
    spool_free(sp);
}

static int count_ledger(void *ctx, struct rcmd *c)
{
    struct rcmd_list *l = ctx;
    rcmd_list_push(l, c);
    return 0;
}

static struct rcmd *find_cmd(struct rcmd_list *l, const char *name, const char *key)
{
    for (struct rcmd *c = l->head; c; c = c->next)
        if (strcmp(c->argv[0], name) == 0 && c->argc > 1 && (!key || strcmp(c->argv[1], key) == 0)) return c;
    return NULL;
}

static void t_ledger_commands(void)
{
    struct pii_hash h[5];
    memset(h, 0, sizeof h);
    for (int i = 0; i < 5; i++) {
        h[i].kind = i < 3 ? PII_EMAIL : PII_PHONE;
        h[i].h[0] = (uint8_t)(0xa0 + i);
        h[i].h[15] = 0x0f;
    }
    struct pii_org orgs[2] = { { "acme.example", 3 }, { "corp.example", 1 } };
    struct ledger_update u = {
        .provider = "azure_blob", .account = "acct", .container = "pub lic:x",
        .ts_us = 1664014272345678ll, .client_ip = "198.51.100.7", .bytes = 48213, .responses = 1,
        .hashes = h, .n_hashes = 5, .orgs = orgs, .n_orgs = 2,
    };
    struct rcmd_list l = { 0 };
    CHECK(ledger_build(&u, "bw", count_ledger, &l) == 0);
    const char *ep = "bw:exposed:azure_blob/acct/pub%20lic%3Ax";
    char key[256];
    snprintf(key, sizeof key, "%s:email", ep);
    struct rcmd *c = find_cmd(&l, "PFADD", key);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ(c->argc, 5);
        CHECK(strcmp(c->argv[2], "a000000000000000000000000000000f") == 0);
    }
    snprintf(key, sizeof key, "%s:phone", ep);
    c = find_cmd(&l, "PFADD", key);
    CHECK(c != NULL && c->argc == 4);
    snprintf(key, sizeof key, "%s:organizations", ep);
    c = find_cmd(&l, "PFADD", key);
    CHECK(c != NULL && c->argc == 4);
    snprintf(key, sizeof key, "%s:domains", ep);
    c = find_cmd(&l, "ZINCRBY", key);
    CHECK(c != NULL && strcmp(c->argv[2], "3") == 0 && strcmp(c->argv[3], "acme.example") == 0);
    snprintf(key, sizeof key, "%s:clients", ep);
    c = find_cmd(&l, "PFADD", key);
    CHECK(c != NULL && strcmp(c->argv[2], "198.51.100.7") == 0);
    c = find_cmd(&l, "EVAL", NULL);
    CHECK(c != NULL && c->argc == 5 && strcmp(c->argv[2], "1") == 0 && strcmp(c->argv[3], ep) == 0 &&
          strcmp(c->argv[4], "2022-09-24T10:11:12.345678Z") == 0);
    c = find_cmd(&l, "SADD", "bw:endpoints");
    CHECK(c != NULL && strcmp(c->argv[2], "azure_blob/acct/pub%20lic%3Ax") == 0);
    unsigned hincr = 0;
    for (c = l.head; c; c = c->next) {
        CHECK_EQ(c->kind, RCMD_LEDGER);
        if (strcmp(c->argv[0], "HINCRBY") == 0) hincr++;
    }
    CHECK_EQ(hincr, 2);
    rcmd_list_clear(&l);

    struct ledger_update bad = { 0 };
    CHECK(ledger_build(&bad, "bw", count_ledger, &l) < 0);
    CHECK_EQ(l.n, 0);
}

int main(void)
{
    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(t_order_across_segments);
    RUN(t_batch_append);
    RUN(t_size_cap);
    RUN(t_torn_tail);
    RUN(t_after_torn_new_records);
    RUN(t_offset_survives_reopen);
    RUN(t_lock_and_bad_dir);
    RUN(t_binary_args);
    RUN(t_ledger_commands);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    return test_done();
}
