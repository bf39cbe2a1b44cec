/* capture.c -- libpcap wrapper. */
#include "capture.h"
#include "config.h"
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_READ_BUF (1u << 20)

struct capture {
    pcap_t *p;
    char *fbuf;                 /* stdio buffer of an offline file (outlives pcap_close) */
    bool live;
    int dlt;
    char name[256];
    char err[PCAP_ERRBUF_SIZE + 64];
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

capture *capture_open_file(const char *path, const char *bpf, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p;
    FILE *fp = NULL;
    char *fbuf = NULL;
    if (strcmp(path, "-") == 0) {
        p = pcap_fopen_offline_with_tstamp_precision(stdin, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
    } else if ((fp = fopen(path, "rb")) != NULL) {
        /* libpcap reads a file with fread: a 1 MB stdio buffer instead of
         * the default 4 KB makes it 256 times fewer read() calls (glibc
         * takes the size only with a buffer given) */
        if ((fbuf = malloc(FILE_READ_BUF)) != NULL) setvbuf(fp, fbuf, _IOFBF, FILE_READ_BUF);
        p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
        if (!p) {
            fclose(fp);
            free(fbuf);
        }
    } else {
        /* for libpcap's own wording of the error */
        p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
    }
    if (!p) {
        snprintf(err, errlen, "cannot read %s: %s", strcmp(path, "-") ? path : "stdin", ebuf);
        return NULL;
    }
    capture *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->p = p;
    c->fbuf = fbuf;
    c->dlt = pcap_datalink(p);
    snprintf(c->name, sizeof c->name, "%s", path);
    if (apply_filter(c, bpf, err, errlen) < 0) { capture_close(c); return NULL; }
    return c;
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

enum cap_status capture_next(capture *c, struct cap_frame *out)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(c->p, &h, &data);
    switch (rc) {
    case 1:
        out->ts = h->ts;
        out->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * 1000u;
        out->dlt = c->dlt;
        out->input = c->live ? NULL : c->name;
        out->data = data;
        out->caplen = h->caplen;
        out->wirelen = h->len < h->caplen ? h->caplen : h->len;
        return CAP_PACKET;
    case 0:
        return CAP_TIMEOUT;
    case PCAP_ERROR_BREAK:
        return c->live ? CAP_TIMEOUT : CAP_END;
    default:
        if (rc == PCAP_ERROR_BREAK || (!c->live && rc == -2)) return CAP_END;
        snprintf(c->err, sizeof c->err, "%s", pcap_geterr(c->p));
        return CAP_ERROR;
    }
}

int capture_dlt(const capture *c) { return c->dlt; }
const char *capture_name(const capture *c) { return c->name; }
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
    if (c) pcap_breakloop(c->p);
}

void capture_close(capture *c)
{
    if (!c) return;
    pcap_close(c->p);
    free(c->fbuf);
    free(c);
}
