/* capture.c -- capture files through pcapfile, live interfaces through
 * libpcap; BPF through libpcap for both. */
#include "capture.h"
#include "config.h"
#include "log.h"
#include "pcapfile.h"
#include <errno.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define FILE_READ_BUF (1u << 20)
/* Link types with a compiled filter kept at once (a file rarely has more
 * than two or three; past this the oldest is compiled again when met). */
#define FILTER_CACHE 8
/* The snapshot length filters are compiled for (libpcap's largest). */
#define FILTER_SNAPLEN 262144

/* One BPF program per link type: files may change link type per frame. For
 * DLT_NULL and DLT_ENC the code also depends on the byte order the frame was
 * written in (their family word is in the capturing host's order, which
 * libpcap takes to be the file's), so those are kept per byte order too. */
struct filter {
    int dlt;
    bool swapped;
    bool ok;                   /* false: the expression does not compile for this link type */
    struct bpf_program prog;
};

struct capture {
    pcap_t *p;                 /* live */
    pcapfile *pf;              /* files */
    bool live;
    int dlt;
    volatile sig_atomic_t brk;
    char *bpf;                 /* files: the expression, compiled per link type */
    struct filter filt[FILTER_CACHE];
    unsigned n_filt, next_evict;
    bool filter_warned;          /* a link type the filter does not compile for was said */
    char name[256];
    char *path;                /* files (not stdin): as given, to open again */
    char err[PCAP_ERRBUF_SIZE + 1024];
};

static int apply_filter(capture *c, const char *bpf, char *err, size_t errlen)
{
    if (!bpf || !*bpf) return 0;
    struct bpf_program prog;
    if (pcap_compile(c->p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        snprintf(err, errlen, "bad filter '%s': %s", bpf, pcap_geterr(c->p));
        return -1;
    }
    int rc = pcap_setfilter(c->p, &prog);
    pcap_freecode(&prog);
    if (rc < 0) {
        snprintf(err, errlen, "cannot set filter: %s", pcap_geterr(c->p));
        return -1;
    }
    return 0;
}

/* ---- files: a filter per link type ---- */

static bool order_matters(int dlt) { return dlt == DLT_NULL || dlt == DLT_ENC; }

static void put_ord(uint8_t *p, uint32_t v, int n, bool be)
{
    for (int k = 0; k < n; k++) p[be ? n - 1 - k : k] = (uint8_t)(v >> (8 * k));
}

/* A handle to compile for linktype as read from a file of the opposite byte
 * order: libpcap's code generator swaps the family word only for a savefile
 * it reads swapped, so give it one (a pcap file header in memory). */
static pcap_t *open_swapped(int linktype, uint8_t hdr[static 24])
{
    /* pcap file header: magic, version 2.4, thiszone, sigfigs, snaplen,
     * linktype, all in the byte order opposite to the host's; the handle
     * reads it from hdr (which must outlive it) */
    bool be = !(__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
    memset(hdr, 0, 24);
    put_ord(hdr, 0xa1b2c3d4u, 4, be);
    put_ord(hdr + 4, 2, 2, be);
    put_ord(hdr + 6, 4, 2, be);
    put_ord(hdr + 16, FILTER_SNAPLEN, 4, be);
    put_ord(hdr + 20, (uint32_t)linktype, 4, be);
    FILE *fp = fmemopen(hdr, 24, "rb");
    if (!fp) return NULL;
    char ebuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
    if (!p) fclose(fp);
    return p;   /* pcap_close closes fp */
}

/* Compile c->bpf for (dlt, swapped) into *f; on failure f->ok is false and
 * the reason is in err (if given). linktype is the file's value for dlt. */
static void filter_compile(const capture *c, int dlt, int linktype, bool swapped, struct filter *f, char *err,
                           size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->dlt = dlt;
    f->swapped = swapped;
    uint8_t hdr[24];
    pcap_t *h = swapped ? open_swapped(linktype, hdr)
                        : pcap_open_dead_with_tstamp_precision(dlt, FILTER_SNAPLEN, PCAP_TSTAMP_PRECISION_MICRO);
    if (!h) {
        if (err) snprintf(err, errlen, "bad filter '%s': cannot compile for link type %d", c->bpf, dlt);
        return;
    }
    if (pcap_compile(h, &f->prog, c->bpf, 1, PCAP_NETMASK_UNKNOWN) == 0) f->ok = true;
    else if (err) snprintf(err, errlen, "bad filter '%s': %s", c->bpf, pcap_geterr(h));
    pcap_close(h);
}

static const struct filter *filter_for(capture *c, int dlt, int linktype, bool swapped)
{
    swapped = swapped && order_matters(dlt);
    for (unsigned i = 0; i < c->n_filt; i++)
        if (c->filt[i].dlt == dlt && c->filt[i].swapped == swapped) return &c->filt[i];
    struct filter *f;
    if (c->n_filt < FILTER_CACHE) {
        f = &c->filt[c->n_filt++];
    } else {
        f = &c->filt[c->next_evict];
        c->next_evict = (c->next_evict + 1) % FILTER_CACHE;
        if (f->ok) pcap_freecode(&f->prog);
    }
    char err[PCAP_ERRBUF_SIZE + 128] = "";
    filter_compile(c, dlt, linktype, swapped, f, err, sizeof err);
    if (!f->ok && !c->filter_warned) {
        c->filter_warned = true;   /* once per input: its frames of that link type cannot match */
        log_msg(LOG_WARNING, "%s: frames of link type %d are skipped: %s", c->name, dlt, err);
    }
    return f;
}

/* A capture of an open file (stdin when path is "-"), which it owns. */
static capture *capture_from_fp(FILE *fp, const char *path, const char *bpf, size_t bufsize, char *err, size_t errlen)
{
    bool is_stdin = strcmp(path, "-") == 0;
    const char *shown = is_stdin ? "stdin" : path;
    char why[640] = "";
    pcapfile *pf = pcapfile_open(fp, !is_stdin, shown, bufsize ? bufsize : FILE_READ_BUF, why, sizeof why);
    if (!pf) {
        snprintf(err, errlen, "cannot read %s: %s", shown, why);
        return NULL;
    }
    capture *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->pf = pf;
    c->dlt = pcapfile_dlt(pf);
    snprintf(c->name, sizeof c->name, "%s", path);
    if (!is_stdin && !(c->path = strdup(path))) abort();
    if (bpf && *bpf) {
        c->bpf = strdup(bpf);
        if (!c->bpf) abort();
        /* the first link type must take the expression: a typo fails here */
        filter_compile(c, c->dlt, pcapfile_linktype(pf), false, &c->filt[0], err, errlen);
        c->n_filt = 1;
        if (!c->filt[0].ok) {
            capture_close(c);
            return NULL;
        }
    }
    return c;
}

capture *capture_open_file_buf(const char *path, const char *bpf, size_t bufsize, char *err, size_t errlen)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot read %s: %s", is_stdin ? "stdin" : path, strerror(errno));
        return NULL;
    }
    return capture_from_fp(fp, path, bpf, bufsize, err, errlen);
}

capture *capture_open_file(const char *path, const char *bpf, char *err, size_t errlen)
{
    return capture_open_file_buf(path, bpf, FILE_READ_BUF, err, errlen);
}

capture *capture_open_live(const char *iface, const struct config *cfg, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(iface, ebuf);
    if (!p) { snprintf(err, errlen, "cannot open interface %s: %s", iface, ebuf); return NULL; }
    pcap_set_snaplen(p, (int)cfg->snaplen);
    pcap_set_promisc(p, 1);
    pcap_set_timeout(p, 100);
    pcap_set_buffer_size(p, (int)cfg->buffer_size);
    pcap_set_immediate_mode(p, 0);
    int rc = pcap_activate(p);
    if (rc < 0) {
        snprintf(err, errlen, "cannot capture on %s: %s", iface,
                 rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
        pcap_close(p);
        return NULL;
    }
    capture *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->p = p;
    c->live = true;
    c->dlt = pcap_datalink(p);
    snprintf(c->name, sizeof c->name, "%s", iface);
    if (apply_filter(c, cfg->bpf, err, errlen) < 0) { capture_close(c); return NULL; }
    return c;
}

int capture_fanout_join(capture *c, unsigned *group, char *err, size_t errlen)
{
    int fd = c && c->live ? pcap_fileno(c->p) : -1;
    if (fd < 0) {
        snprintf(err, errlen, "fanout: %s is not a live capture", c ? c->name : "?");
        return -1;
    }
    /* the kernel's symmetric flow hash (both directions to one socket);
     * IPv4 fragments reassembled for the choice; the first socket asks for
     * a group id no other process holds */
    uint32_t mode = PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;
    uint32_t word = *group ? (*group & 0xffffu) | mode << 16 : (mode | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
    int arg;
    memcpy(&arg, &word, sizeof arg);   /* the flags reach the sign bit */
    if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) < 0) {
        snprintf(err, errlen, "cannot join an AF_PACKET fanout group on %s: %s", c->name, strerror(errno));
        return -1;
    }
    if (!*group) {
        socklen_t len = sizeof arg;
        if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) < 0) {
            snprintf(err, errlen, "cannot read the fanout group of %s: %s", c->name, strerror(errno));
            return -1;
        }
        memcpy(&word, &arg, sizeof word);
        *group = word & 0xffffu;
        if (!*group) *group = 0x10000u;   /* id 0: kept apart from "none yet" */
    }
    return 0;
}

static enum cap_status next_live(capture *c, struct cap_frame *out)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(c->p, &h, &data);
    switch (rc) {
    case 1:
        out->ts = h->ts;
        out->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * 1000u;
        out->dlt = c->dlt;
        out->input = NULL;
        out->data = data;
        out->caplen = h->caplen;
        out->wirelen = h->len < h->caplen ? h->caplen : h->len;
        return CAP_PACKET;
    case 0:
    case PCAP_ERROR_BREAK:
        return CAP_TIMEOUT;
    default:
        snprintf(c->err, sizeof c->err, "%s", pcap_geterr(c->p));
        return CAP_ERROR;
    }
}

static enum cap_status next_file(capture *c, struct cap_frame *out)
{
    struct pcapfile_frame fr;
    for (;;) {
        if (c->brk) return CAP_END;
        enum pcapfile_status st = pcapfile_next(c->pf, &fr);
        if (st == PCAPFILE_END) {
            if (pcapfile_truncated(c->pf)) snprintf(c->err, sizeof c->err, "%s", pcapfile_error(c->pf));
            return CAP_END;
        }
        if (st == PCAPFILE_ERROR) {
            snprintf(c->err, sizeof c->err, "%s", pcapfile_error(c->pf));
            return CAP_ERROR;
        }
        out->ts.tv_sec = (time_t)fr.ts_sec;
        out->ts.tv_usec = (suseconds_t)(fr.ts_nsec / 1000u);
        if (c->bpf) {
            const struct filter *f = filter_for(c, fr.dlt, fr.linktype, fr.swapped);
            if (!f->ok) continue;
            struct pcap_pkthdr h = { out->ts, fr.caplen, fr.wirelen };
            if (!pcap_offline_filter(&f->prog, &h, fr.data)) continue;
        }
        out->ts_ns = fr.ts_ns;
        out->dlt = fr.dlt;
        out->input = c->name;
        out->data = fr.data;
        out->caplen = fr.caplen;
        out->wirelen = fr.wirelen;
        return CAP_PACKET;
    }
}

enum cap_status capture_next(capture *c, struct cap_frame *out)
{
    return c->live ? next_live(c, out) : next_file(c, out);
}

int capture_dlt(const capture *c) { return c->dlt; }
bool capture_truncated(const capture *c) { return c->pf && pcapfile_truncated(c->pf); }
const char *capture_name(const capture *c) { return c->name; }
const char *capture_path(const capture *c) { return c->path; }

capture *capture_reopen(const capture *c, size_t bufsize, char *err, size_t errlen)
{
    if (!c->pf || !c->path) {
        snprintf(err, errlen, "%s cannot be opened again", c->name);
        return NULL;
    }
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", pcapfile_fd(c->pf));
    struct stat a, b;
    /* the magic link opens the inode itself (even unlinked); it must be the
     * one c reads, not whatever reused the number */
    FILE *fp = fopen(self, "rb");
    if (fp && (fstat(fileno(fp), &a) != 0 || fstat(pcapfile_fd(c->pf), &b) != 0 || a.st_ino != b.st_ino ||
               a.st_dev != b.st_dev)) {
        fclose(fp);
        fp = NULL;
    }
    if (!fp && !(fp = fopen(c->path, "rb"))) {
        snprintf(err, errlen, "cannot read %s again: %s", c->name, strerror(errno));
        return NULL;
    }
    return capture_from_fp(fp, c->path, c->bpf, bufsize, err, errlen);
}

int64_t capture_file_size(const capture *c)
{
    struct stat st;
    if (!c->pf || !c->path || fstat(pcapfile_fd(c->pf), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    return (int64_t)st.st_size;
}

bool capture_end_said(const capture *c, enum cap_status st)
{
    if (st == CAP_ERROR) {
        log_msg(LOG_WARNING, "%s: read stopped early: %s", c->name, c->err);
        return true;
    }
    if (st == CAP_END && capture_truncated(c)) {   /* cut short: every whole frame was read */
        log_msg(LOG_WARNING, "%s: %s", c->name, c->err);
        return true;
    }
    return false;
}
void capture_limit(capture *c, uint64_t bytes) { if (c->pf) pcapfile_limit(c->pf, bytes); }
const char *capture_error(const capture *c) { return c->err; }

void capture_drops(capture *c, uint64_t *received, uint64_t *dropped, uint64_t *ifdropped)
{
    struct pcap_stat st;
    *received = *dropped = *ifdropped = 0;
    if (!c || !c->live || pcap_stats(c->p, &st) < 0) return;
    *received = st.ps_recv;
    *dropped = st.ps_drop;
    *ifdropped = st.ps_ifdrop;
}

void capture_break(capture *c)
{
    if (!c) return;
    if (c->live) pcap_breakloop(c->p);
    else c->brk = 1;
}

void capture_close(capture *c)
{
    if (!c) return;
    if (c->p) pcap_close(c->p);
    pcapfile_close(c->pf);
    for (unsigned i = 0; i < c->n_filt; i++)
        if (c->filt[i].ok) pcap_freecode(&c->filt[i].prog);
    free(c->bpf);
    free(c->path);
    free(c);
}
