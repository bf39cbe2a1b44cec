/* spool.c -- append-only segment files of CRC-checked Redis commands.
 *
 * See spool.h for the file layout and the crash-safety argument. Invariants:
 * segs[] is sorted by id and segs[0] is the segment the read position is in;
 * only segs[n-1] can be the write segment (wfd >= 0), and only this process
 * appends to it; segs[i].size is the size up to the last complete record we
 * wrote (a write that failed is truncated away, or the segment is retired).
 */
#include "spool.h"
#include "cursor.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define SEG_MAGIC "BWSPOOL1"
#define SEG_HDR 8u
#define REC_HDR 8u
#define SEG_NAME_FMT "seg-%016" PRIx64 ".bws"
#define POS_FILE "spool.pos"
#define POS_TMP "spool.pos.tmp"
#define LOCK_FILE "spool.lock"
#define PATH_CAP 4096

struct seg {
    uint64_t id;
    uint64_t size;
};

struct spool {
    pthread_mutex_t mu;
    char dir[PATH_CAP];
    uint64_t max_bytes, seg_bytes;
    enum spool_fsync policy;
    int lockfd;
    int dirfd;

    struct seg *segs;
    size_t nsegs, capsegs;
    uint64_t total;           /* sum of segs[].size */
    uint64_t rd_off;          /* read position in segs[0] */
    int wfd;                  /* write segment fd (segs[nsegs-1]) or -1 */
    int rfd;                  /* read fd cache */
    uint64_t rfd_id;
    uint64_t next_id;

    uint8_t *enc;             /* record encoding buffer */
    size_t enc_cap;
    struct spool_stats st;
};

int spool_fsync_parse(const char *s, enum spool_fsync *out)
{
    if (!s) return -1;
    if (strcmp(s, "always") == 0) *out = SPOOL_FSYNC_ALWAYS;
    else if (strcmp(s, "batch") == 0) *out = SPOOL_FSYNC_BATCH;
    else if (strcmp(s, "never") == 0) *out = SPOOL_FSYNC_NEVER;
    else return -1;
    return 0;
}

/* ---- little-endian writers ---- */

static void put_le32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v; b[1] = (uint8_t)(v >> 8); b[2] = (uint8_t)(v >> 16); b[3] = (uint8_t)(v >> 24);
}

static void put_le64(uint8_t *b, uint64_t v)
{
    put_le32(b, (uint32_t)v);
    put_le32(b + 4, (uint32_t)(v >> 32));
}

/* ---- files ---- */

static void seg_path(const spool *sp, uint64_t id, char *buf, size_t len)
{
    char name[64];
    snprintf(name, sizeof name, SEG_NAME_FMT, id);
    snprintf(buf, len, "%s/%s", sp->dir, name);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int pread_all(int fd, uint8_t *p, size_t n, uint64_t off)
{
    while (n) {
        ssize_t r = pread(fd, p, n, (off_t)off);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) return -1;
        p += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

/* mkdir -p; the last component 0700. */
static int mkdirs(const char *dir)
{
    char buf[PATH_CAP];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (buf[i] != '/') continue;
        buf[i] = 0;
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
        buf[i] = '/';
    }
    if (mkdir(buf, 0700) < 0 && errno != EEXIST) return -1;
    struct stat st;
    if (stat(buf, &st) < 0) return -1;
    if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
    return 0;
}

static void push_seg(spool *sp, uint64_t id, uint64_t size)
{
    if (sp->nsegs == sp->capsegs) {
        size_t nc = sp->capsegs ? sp->capsegs * 2 : 16;
        struct seg *ns = realloc(sp->segs, nc * sizeof *ns);
        if (!ns) abort();   /* a few bytes per segment: setup-class allocation */
        sp->segs = ns;
        sp->capsegs = nc;
    }
    sp->segs[sp->nsegs].id = id;
    sp->segs[sp->nsegs].size = size;
    sp->nsegs++;
    sp->total += size;
}

static int cmp_seg(const void *a, const void *b)
{
    uint64_t x = ((const struct seg *)a)->id, y = ((const struct seg *)b)->id;
    return x < y ? -1 : x > y;
}

/* Drop segs[0] from disk and from the table. */
static void drop_first_seg(spool *sp)
{
    char path[PATH_CAP + 64];
    seg_path(sp, sp->segs[0].id, path, sizeof path);
    if (sp->rfd >= 0 && sp->rfd_id == sp->segs[0].id) {
        close(sp->rfd);
        sp->rfd = -1;
    }
    if (sp->nsegs == 1 && sp->wfd >= 0) {
        close(sp->wfd);
        sp->wfd = -1;
    }
    unlink(path);
    sp->total -= sp->segs[0].size;
    memmove(sp->segs, sp->segs + 1, (sp->nsegs - 1) * sizeof *sp->segs);
    sp->nsegs--;
    sp->rd_off = SEG_HDR;
}

static int sync_dir(spool *sp)
{
    if (sp->policy == SPOOL_FSYNC_NEVER) return 0;
    return fsync(sp->dirfd);
}

/* Persist (seg, off) as the read position. */
static int write_pos_at(spool *sp, uint64_t seg, uint64_t off)
{
    char path[PATH_CAP + 32], tmp[PATH_CAP + 32];
    snprintf(path, sizeof path, "%s/" POS_FILE, sp->dir);
    snprintf(tmp, sizeof tmp, "%s/" POS_TMP, sp->dir);
    uint8_t b[20];
    put_le64(b, seg);
    put_le64(b + 8, off);
    put_le32(b + 16, (uint32_t)crc32(0L, b, 16));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    int r = write_all(fd, b, sizeof b);
    if (r == 0 && sp->policy != SPOOL_FSYNC_NEVER) r = fsync(fd);
    close(fd);
    if (r == 0) r = rename(tmp, path);
    if (r == 0) r = sync_dir(sp);
    return r;
}

/* Persist the current read position; remove the file when the spool is empty. */
static int write_pos(spool *sp)
{
    if (sp->nsegs == 0) {
        char path[PATH_CAP + 32];
        snprintf(path, sizeof path, "%s/" POS_FILE, sp->dir);
        if (unlink(path) < 0 && errno != ENOENT) return -1;
        return 0;
    }
    return write_pos_at(sp, sp->segs[0].id, sp->rd_off);
}

static int read_pos(spool *sp, struct spool_pos *pos)
{
    char path[PATH_CAP + 32];
    snprintf(path, sizeof path, "%s/" POS_FILE, sp->dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    uint8_t b[20];
    int r = pread_all(fd, b, sizeof b, 0);
    close(fd);
    if (r < 0) return -1;
    struct cursor c = cur_init(b, sizeof b);
    pos->seg = cur_le64(&c);
    pos->off = cur_le64(&c);
    uint32_t crc = cur_le32(&c);
    if (!cur_ok(&c) || crc != (uint32_t)crc32(0L, b, 16)) return -1;
    return 0;
}

/* Scan dir for segments, apply the saved position. */
static int load(spool *sp)
{
    DIR *d = opendir(sp->dir);
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        uint64_t id;
        char tail[8];
        if (strlen(e->d_name) != 24 || sscanf(e->d_name, "seg-%16" SCNx64 ".%3s", &id, tail) != 2 ||
            strcmp(tail, "bws") != 0)
            continue;
        char path[PATH_CAP + 64];
        seg_path(sp, id, path, sizeof path);
        struct stat st;
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) continue;
        push_seg(sp, id, (uint64_t)st.st_size);
    }
    closedir(d);
    if (sp->nsegs) qsort(sp->segs, sp->nsegs, sizeof *sp->segs, cmp_seg);
    sp->next_id = sp->nsegs ? sp->segs[sp->nsegs - 1].id + 1 : 1;
    sp->rd_off = SEG_HDR;
    struct spool_pos pos;
    if (read_pos(sp, &pos) == 0) {
        size_t i;
        for (i = 0; i < sp->nsegs && sp->segs[i].id != pos.seg; i++) {}
        if (i < sp->nsegs) {    /* the position names a live segment: older ones are done */
            while (sp->segs[0].id != pos.seg) drop_first_seg(sp);
            sp->rd_off = pos.off < SEG_HDR ? SEG_HDR : pos.off;
        }
    }
    return 0;
}

spool *spool_open(const char *dir, uint64_t max_bytes, uint64_t seg_bytes, enum spool_fsync policy,
                  char *err, size_t errlen)
{
    if (!dir || !*dir || strlen(dir) >= PATH_CAP - 64) {
        snprintf(err, errlen, "spool: bad directory name");
        return NULL;
    }
    if (mkdirs(dir) < 0) {
        snprintf(err, errlen, "spool: cannot create %s: %s", dir, strerror(errno));
        return NULL;
    }
    spool *sp = calloc(1, sizeof *sp);
    if (!sp) {
        snprintf(err, errlen, "spool: out of memory");
        return NULL;
    }
    pthread_mutex_init(&sp->mu, NULL);
    snprintf(sp->dir, sizeof sp->dir, "%s", dir);
    sp->max_bytes = max_bytes;
    if (!seg_bytes) {
        seg_bytes = max_bytes / 8;
        if (seg_bytes > (64u << 20)) seg_bytes = 64u << 20;
        if (seg_bytes < 4096) seg_bytes = 4096;
    }
    sp->seg_bytes = seg_bytes;
    sp->policy = policy;
    sp->wfd = sp->rfd = sp->lockfd = sp->dirfd = -1;

    char path[PATH_CAP + 32];
    snprintf(path, sizeof path, "%s/" LOCK_FILE, dir);
    sp->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (sp->lockfd < 0) {
        snprintf(err, errlen, "spool: cannot open %s: %s", path, strerror(errno));
        goto fail;
    }
    if (flock(sp->lockfd, LOCK_EX | LOCK_NB) < 0) {
        snprintf(err, errlen, "spool: %s is in use by another process", dir);
        goto fail;
    }
    sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sp->dirfd < 0 || load(sp) < 0) {
        snprintf(err, errlen, "spool: cannot read %s: %s", dir, strerror(errno));
        goto fail;
    }
    return sp;
fail:
    spool_free(sp);
    return NULL;
}

void spool_free(spool *sp)
{
    if (!sp) return;
    if (sp->wfd >= 0) {
        if (sp->policy != SPOOL_FSYNC_NEVER) fsync(sp->wfd);
        close(sp->wfd);
    }
    if (sp->rfd >= 0) close(sp->rfd);
    if (sp->dirfd >= 0) close(sp->dirfd);
    if (sp->lockfd >= 0) close(sp->lockfd);
    pthread_mutex_destroy(&sp->mu);
    free(sp->segs);
    free(sp->enc);
    free(sp);
}

/* ---- append ---- */

/* Start a new write segment. -1 with errno on failure. */
static int new_segment(spool *sp)
{
    if (sp->max_bytes - (sp->total < sp->max_bytes ? sp->total : sp->max_bytes) < SEG_HDR + REC_HDR) {
        errno = ENOSPC;
        return -2;
    }
    char path[PATH_CAP + 64];
    uint64_t id = sp->next_id++;
    seg_path(sp, id, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (write_all(fd, (const uint8_t *)SEG_MAGIC, SEG_HDR) < 0) {
        int e = errno;
        close(fd);
        unlink(path);
        errno = e;
        return -1;
    }
    sync_dir(sp);
    if (sp->wfd >= 0) {
        if (sp->policy != SPOOL_FSYNC_NEVER) fsync(sp->wfd);
        close(sp->wfd);
    }
    sp->wfd = fd;
    if (sp->nsegs == 0) sp->rd_off = SEG_HDR;
    push_seg(sp, id, SEG_HDR);
    return 0;
}

/* Encode c into sp->enc; returns the record length or 0 on allocation failure. */
static size_t encode(spool *sp, const struct rcmd *c)
{
    size_t plen = 1 + 4 + (size_t)c->argc * 4 + c->bytes;
    size_t need = REC_HDR + plen;
    if (need > sp->enc_cap) {
        uint8_t *nb = realloc(sp->enc, need);
        if (!nb) return 0;
        sp->enc = nb;
        sp->enc_cap = need;
    }
    uint8_t *p = sp->enc + REC_HDR;
    *p++ = c->kind;
    put_le32(p, c->argc);
    p += 4;
    for (uint32_t i = 0; i < c->argc; i++) {
        put_le32(p, (uint32_t)c->argvlen[i]);
        p += 4;
        if (c->argvlen[i]) memcpy(p, c->argv[i], c->argvlen[i]);
        p += c->argvlen[i];
    }
    put_le32(sp->enc, (uint32_t)plen);
    put_le32(sp->enc + 4, (uint32_t)crc32(0L, sp->enc + REC_HDR, (uInt)plen));
    return need;
}

size_t spool_append(spool *sp, const struct rcmd *head, size_t n, int *errnum)
{
    size_t done = 0;
    int e = 0;
    pthread_mutex_lock(&sp->mu);
    for (const struct rcmd *c = head; c && done < n; c = c->next) {
        size_t rlen = encode(sp, c);
        if (!rlen) { e = ENOMEM; sp->st.io_errors++; break; }
        if (sp->total + rlen > sp->max_bytes) { e = ENOSPC; sp->st.full++; break; }
        if (sp->wfd < 0 || sp->segs[sp->nsegs - 1].size + rlen > sp->seg_bytes) {
            int r = new_segment(sp);
            if (r == -2 || (r == 0 && sp->total + rlen > sp->max_bytes)) { e = ENOSPC; sp->st.full++; break; }
            if (r < 0) { e = errno; sp->st.io_errors++; break; }
        }
        struct seg *s = &sp->segs[sp->nsegs - 1];
        if (write_all(sp->wfd, sp->enc, rlen) < 0) {
            e = errno;
            sp->st.io_errors++;
            /* cut the partial record off; if even that fails, retire the
             * segment: its recorded size still ends at the last good record */
            if (ftruncate(sp->wfd, (off_t)s->size) < 0) {
                close(sp->wfd);
                sp->wfd = -1;
            }
            break;
        }
        if (sp->policy == SPOOL_FSYNC_ALWAYS) fdatasync(sp->wfd);
        s->size += rlen;
        sp->total += rlen;
        sp->st.appended++;
        sp->st.appended_bytes += rlen;
        done++;
    }
    if (done && sp->policy == SPOOL_FSYNC_BATCH && sp->wfd >= 0) fdatasync(sp->wfd);
    pthread_mutex_unlock(&sp->mu);
    if (errnum) *errnum = e;
    return done;
}

/* ---- read back ---- */

bool spool_empty(spool *sp)
{
    pthread_mutex_lock(&sp->mu);
    bool empty = sp->nsegs == 0 || (sp->nsegs == 1 && sp->rd_off >= sp->segs[0].size);
    pthread_mutex_unlock(&sp->mu);
    return empty;
}

static int read_fd(spool *sp, uint64_t id)
{
    if (sp->rfd >= 0 && sp->rfd_id == id) return sp->rfd;
    if (sp->rfd >= 0) close(sp->rfd);
    char path[PATH_CAP + 64];
    seg_path(sp, id, path, sizeof path);
    sp->rfd = open(path, O_RDONLY | O_CLOEXEC);
    sp->rfd_id = id;
    return sp->rfd;
}

/* Decode one payload into a command; NULL if malformed. */
static struct rcmd *decode(const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    uint8_t kind = cur_u8(&c);
    uint32_t argc = cur_le32(&c);
    if (!cur_ok(&c) || argc == 0 || argc > RCMD_MAX_ARGS) return NULL;
    const char **argv = malloc(argc * sizeof *argv);
    size_t *argvlen = malloc(argc * sizeof *argvlen);
    struct rcmd *cmd = NULL;
    if (!argv || !argvlen) goto out;
    for (uint32_t i = 0; i < argc; i++) {
        uint32_t n = cur_le32(&c);
        const uint8_t *b = cur_take(&c, n);
        if (!b) goto out;
        argv[i] = (const char *)b;
        argvlen[i] = n;
    }
    if (cur_left(&c) != 0) goto out;
    cmd = rcmd_new(kind, argc, argv, argvlen);
out:
    free(argv);
    free(argvlen);
    return cmd;
}

/* Move past segs[0] once it is consumed and not being written. */
static bool advance_seg(spool *sp)
{
    if (sp->nsegs == 0) return false;
    bool is_write = sp->nsegs == 1 && sp->wfd >= 0;
    if (sp->rd_off < sp->segs[0].size || is_write) return false;
    drop_first_seg(sp);
    write_pos(sp);
    return true;
}

size_t spool_read(spool *sp, struct rcmd **out, struct spool_pos *after, size_t max, size_t max_bytes)
{
    size_t k = 0, bytes = 0;
    pthread_mutex_lock(&sp->mu);
    size_t si = 0;
    uint64_t off = sp->rd_off;
    uint8_t *buf = NULL;
    while (k < max && bytes < max_bytes && si < sp->nsegs) {
        struct seg *s = &sp->segs[si];
        if (off >= s->size) {
            if (k == 0 && si == 0) {
                if (!advance_seg(sp)) break;
                off = sp->rd_off;
                continue;
            }
            if (si + 1 >= sp->nsegs) break;
            si++;
            off = SEG_HDR;
            continue;
        }
        int fd = read_fd(sp, s->id);
        if (fd < 0) break;   /* I/O trouble: try again later */
        uint8_t hdr[REC_HDR];
        uint64_t left = s->size - off;
        bool bad = left < REC_HDR || pread_all(fd, hdr, REC_HDR, off) < 0;
        uint32_t plen = 0, crc = 0;
        if (!bad) {
            struct cursor c = cur_init(hdr, sizeof hdr);
            plen = cur_le32(&c);
            crc = cur_le32(&c);
            bad = plen > left - REC_HDR || plen > RCMD_MAX_BYTES + 8u * RCMD_MAX_ARGS + 5u;
        }
        struct rcmd *cmd = NULL;
        if (!bad) {
            uint8_t *nb = realloc(buf, plen ? plen : 1);
            if (!nb) break;
            buf = nb;
            bad = pread_all(fd, buf, plen, off + REC_HDR) < 0 || (uint32_t)crc32(0L, buf, plen) != crc ||
                  !(cmd = decode(buf, plen));
        }
        if (bad) {
            if (k > 0) break;          /* hand out the good ones first */
            sp->st.torn++;
            sp->st.torn_bytes += left;
            if (si == 0) {
                sp->rd_off = s->size;
                write_pos(sp);
            }
            off = s->size;
            continue;
        }
        out[k] = cmd;
        after[k].seg = s->id;
        after[k].off = off + REC_HDR + plen;
        off = after[k].off;
        bytes += plen;
        k++;
    }
    sp->st.read += k;
    free(buf);
    pthread_mutex_unlock(&sp->mu);
    return k;
}

int spool_commit(spool *sp, const struct spool_pos *pos)
{
    int r = 0;
    pthread_mutex_lock(&sp->mu);
    size_t i;
    for (i = 0; i < sp->nsegs && sp->segs[i].id != pos->seg; i++) {}
    if (i == sp->nsegs) {           /* stale position: nothing to do */
        pthread_mutex_unlock(&sp->mu);
        return 0;
    }
    /* persist first, then delete: a crash in between re-reads nothing */
    bool all_done = i == sp->nsegs - 1 && pos->off >= sp->segs[i].size;
    if (!all_done) r = write_pos_at(sp, pos->seg, pos->off);
    while (sp->segs[0].id != pos->seg) drop_first_seg(sp);
    sp->rd_off = pos->off;
    if (all_done) {
        /* everything confirmed: remove the files, start afresh on the next append */
        drop_first_seg(sp);
        r = write_pos(sp);
    } else {
        advance_seg(sp);
    }
    sp->st.committed++;
    pthread_mutex_unlock(&sp->mu);
    return r;
}

void spool_stats(spool *sp, struct spool_stats *out)
{
    pthread_mutex_lock(&sp->mu);
    *out = sp->st;
    out->bytes = sp->total;
    out->segments = (uint32_t)sp->nsegs;
    uint64_t consumed = sp->nsegs ? (sp->rd_off < sp->segs[0].size ? sp->rd_off : sp->segs[0].size) : 0;
    out->pending_bytes = sp->total - consumed;
    pthread_mutex_unlock(&sp->mu);
}
