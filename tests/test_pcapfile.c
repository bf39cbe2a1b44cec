/* test_pcapfile.c -- the capture-file reader on hand-built files: classic
 * pcap in both byte orders, nanosecond and Kuznetzov variants; pcapng in
 * both byte orders, several sections, if_tsresol (decimal and binary) and
 * if_tsoffset, EPB/SPB/PB, skipped blocks; every truncation point of small
 * files; bad lengths; a pipe fed a few bytes at a time; small buffers; a
 * capture opened again after its file was deleted and replaced. */
#include "test.h"
#include "capture.h"
#include "pcapfile.h"
#include <pcap/dlt.h>
#include <pthread.h>
#include <unistd.h>

/* ---- a byte builder in either byte order ---- */

struct wb {
    uint8_t p[1 << 18];
    size_t len;
    bool be;
    size_t block;   /* start of the open pcapng block */
};

static void put8(struct wb *w, unsigned v) { w->p[w->len++] = (uint8_t)v; }
static void put16(struct wb *w, unsigned v)
{
    if (w->be) { put8(w, v >> 8); put8(w, v); }
    else { put8(w, v); put8(w, v >> 8); }
}
static void put32(struct wb *w, uint32_t v)
{
    if (w->be) { put16(w, v >> 16); put16(w, v & 0xffff); }
    else { put16(w, v & 0xffff); put16(w, v >> 16); }
}
static void put64(struct wb *w, uint64_t v)
{
    if (w->be) { put32(w, (uint32_t)(v >> 32)); put32(w, (uint32_t)v); }
    else { put32(w, (uint32_t)v); put32(w, (uint32_t)(v >> 32)); }
}
static void putn(struct wb *w, const void *d, size_t n) { memcpy(w->p + w->len, d, n); w->len += n; }
static void pad4(struct wb *w) { while (w->len % 4) put8(w, 0); }

/* frame k's bytes: n bytes of a pattern that names the frame */
static void frame_bytes(uint8_t *d, size_t n, unsigned k)
{
    for (size_t i = 0; i < n; i++) d[i] = (uint8_t)(k * 31 + i);
}
static bool frame_ok(const struct pcapfile_frame *fr, unsigned k)
{
    for (size_t i = 0; i < fr->caplen; i++)
        if (fr->data[i] != (uint8_t)(k * 31 + i)) return false;
    return true;
}

/* classic pcap */
static void pcap_hdr(struct wb *w, uint32_t magic, uint32_t snaplen, uint32_t linktype)
{
    put32(w, magic);
    put16(w, 2);
    put16(w, 4);
    put32(w, 0);
    put32(w, 0);
    put32(w, snaplen);
    put32(w, linktype);
}
static void pcap_rec(struct wb *w, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len, unsigned k, bool kuz)
{
    put32(w, sec);
    put32(w, frac);
    put32(w, caplen);
    put32(w, len);
    if (kuz) { put32(w, 7); put16(w, 0x0800); put8(w, 0); put8(w, 0); }
    frame_bytes(w->p + w->len, caplen, k);
    w->len += caplen;
}

/* pcapng */
static void blk_begin(struct wb *w, uint32_t type)
{
    w->block = w->len;
    put32(w, type);
    put32(w, 0);   /* length, set by blk_end */
}
static void blk_end(struct wb *w)
{
    pad4(w);
    uint32_t len = (uint32_t)(w->len - w->block + 4);
    size_t save = w->len;
    w->len = w->block + 4;
    put32(w, len);
    w->len = save;
    put32(w, len);
}
static void shb(struct wb *w, bool be)
{
    w->be = be;
    blk_begin(w, 0x0A0D0D0A);
    put32(w, 0x1A2B3C4D);
    put16(w, 1);
    put16(w, 0);
    put64(w, UINT64_MAX);
    blk_end(w);
}
/* an IDB; tsresol < 0: no option; tsoffset: 0 none */
static void idb(struct wb *w, unsigned linktype, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
    blk_begin(w, 1);
    put16(w, linktype);
    put16(w, 0);
    put32(w, snaplen);
    put16(w, 2);   /* if_name, skipped */
    put16(w, 3);
    putn(w, "eth", 3);
    pad4(w);
    if (tsresol >= 0) {
        put16(w, 9);
        put16(w, 1);
        put8(w, (unsigned)tsresol);
        pad4(w);
    }
    if (tsoffset) {
        put16(w, 14);
        put16(w, 8);
        put64(w, (uint64_t)tsoffset);
    }
    put16(w, 0);
    put16(w, 0);
    blk_end(w);
}
static void epb(struct wb *w, uint32_t ifid, uint64_t t, uint32_t caplen, uint32_t len, unsigned k)
{
    blk_begin(w, 6);
    put32(w, ifid);
    put32(w, (uint32_t)(t >> 32));
    put32(w, (uint32_t)t);
    put32(w, caplen);
    put32(w, len);
    frame_bytes(w->p + w->len, caplen, k);
    w->len += caplen;
    pad4(w);
    put16(w, 1);   /* opt_comment */
    put16(w, 2);
    putn(w, "hi", 2);
    pad4(w);
    put16(w, 0);
    put16(w, 0);
    blk_end(w);
}
static void pb(struct wb *w, unsigned ifid, uint64_t t, uint32_t caplen, uint32_t len, unsigned k)
{
    blk_begin(w, 2);
    put16(w, ifid);
    put16(w, 0);
    put32(w, (uint32_t)(t >> 32));
    put32(w, (uint32_t)t);
    put32(w, caplen);
    put32(w, len);
    frame_bytes(w->p + w->len, caplen, k);
    w->len += caplen;
    blk_end(w);
}
static void spb(struct wb *w, uint32_t len, uint32_t stored, unsigned k)
{
    blk_begin(w, 3);
    put32(w, len);
    frame_bytes(w->p + w->len, stored, k);
    w->len += stored;
    blk_end(w);
}
static void other_block(struct wb *w, uint32_t type, size_t body)
{
    blk_begin(w, type);
    for (size_t i = 0; i < body; i++) put8(w, 0xEE);
    blk_end(w);
}

/* ---- reading ---- */

static char g_path[64];

static pcapfile *open_bytes(const uint8_t *p, size_t n, size_t bufsize, char *err, size_t errlen)
{
    FILE *fp = fopen(g_path, "wb");
    if (!fp) abort();
    if (n && fwrite(p, 1, n, fp) != n) abort();
    fclose(fp);
    fp = fopen(g_path, "rb");
    if (!fp) abort();
    return pcapfile_open(fp, true, "test.cap", bufsize, err, errlen);
}

#define MAXF 64
struct got {
    unsigned n;
    struct pcapfile_frame f[MAXF];
    bool data_ok[MAXF];
    enum pcapfile_status end;
    bool truncated;
    char err[640];
};

/* Read every frame; frame i is checked against pattern ks[i] (or i). */
static bool read_all(const struct wb *w, size_t n, size_t bufsize, const unsigned *ks, struct got *g)
{
    char err[640];
    memset(g, 0, sizeof *g);
    pcapfile *f = open_bytes(w->p, n, bufsize, err, sizeof err);
    if (!f) {
        snprintf(g->err, sizeof g->err, "%s", err);
        return false;
    }
    struct pcapfile_frame fr;
    while ((g->end = pcapfile_next(f, &fr)) == PCAPFILE_FRAME) {
        if (g->n < MAXF) {
            g->f[g->n] = fr;
            g->data_ok[g->n] = frame_ok(&fr, ks ? ks[g->n] : g->n);
            g->f[g->n].data = NULL;
        }
        g->n++;
    }
    g->truncated = pcapfile_truncated(f);
    snprintf(g->err, sizeof g->err, "%s", pcapfile_error(f));
    CHECK(pcapfile_next(f, &fr) == g->end);   /* sticky */
    pcapfile_close(f);
    return true;
}

/* ---- classic pcap ---- */

static void t_pcap_both_orders(void)
{
    for (int be = 0; be < 2; be++) {
        static struct wb w;
        memset(&w, 0, sizeof w);
        w.be = be;
        pcap_hdr(&w, 0xa1b2c3d4, 65535, 1);
        pcap_rec(&w, 1700000000, 123456, 60, 60, 0, false);
        pcap_rec(&w, 1700000001, 999999, 100, 1514, 1, false);
        pcap_rec(&w, 0xF0000000u, 0, 0, 0, 2, false);   /* past 2038: unsigned seconds */
        struct got g;
        CHECK(read_all(&w, w.len, 0, NULL, &g));
        CHECK_EQ(g.n, 3);
        CHECK(g.end == PCAPFILE_END && !g.truncated && g.err[0] == 0);
        CHECK_EQ(g.f[0].ts_ns, 1700000000123456000ull);
        CHECK_EQ(g.f[0].ts_sec, 1700000000);
        CHECK_EQ(g.f[0].ts_nsec, 123456000);
        CHECK_EQ(g.f[0].caplen, 60);
        CHECK_EQ(g.f[0].wirelen, 60);
        CHECK_EQ(g.f[0].dlt, DLT_EN10MB);
        CHECK_EQ(g.f[0].offset, 24);
        CHECK_EQ(g.f[1].caplen, 100);
        CHECK_EQ(g.f[1].wirelen, 1514);
        CHECK_EQ(g.f[1].ts_ns, 1700000001999999000ull);
        CHECK_EQ(g.f[2].ts_sec, 0xF0000000u);
        CHECK_EQ(g.f[2].caplen, 0);
        CHECK(g.data_ok[0] && g.data_ok[1]);
    }
}

static void t_pcap_nsec_and_kuznetzov(void)
{
    static struct wb w;
    memset(&w, 0, sizeof w);
    w.be = true;
    pcap_hdr(&w, 0xa1b23c4d, 0, 101);   /* snaplen 0: no limit; raw IP */
    pcap_rec(&w, 10, 999999999, 40, 40, 0, false);
    pcap_rec(&w, 10, 1500000000, 20, 10, 1, false);   /* fraction past 1 s: carried; len < caplen */
    struct got g;
    CHECK(read_all(&w, w.len, 0, NULL, &g));
    CHECK_EQ(g.n, 2);
    CHECK_EQ(g.f[0].ts_ns, 10999999999ull);
    CHECK_EQ(g.f[1].ts_sec, 11);
    CHECK_EQ(g.f[1].ts_nsec, 500000000);
    CHECK_EQ(g.f[1].wirelen, 20);   /* never less than caplen */
    CHECK_EQ(g.f[0].linktype, 101);
    CHECK_EQ(g.f[0].dlt, DLT_RAW);   /* as libpcap maps it */
    CHECK(g.data_ok[0] && g.data_ok[1]);

    memset(&w, 0, sizeof w);
    pcap_hdr(&w, 0xa1b2cd34, 65535, 1);
    pcap_rec(&w, 5, 6, 50, 50, 0, true);
    pcap_rec(&w, 5, 7, 51, 51, 1, true);
    CHECK(read_all(&w, w.len, 0, NULL, &g));
    CHECK_EQ(g.n, 2);
    CHECK_EQ(g.f[1].offset, 24 + 24 + 50);
    CHECK_EQ(g.f[1].ts_ns, 5000007000ull);
    CHECK(g.data_ok[0] && g.data_ok[1]);
}

/* A record longer than the file's snaplen is cut to it, as libpcap does. */
static void t_pcap_snaplen_cut(void)
{
    static struct wb w;
    memset(&w, 0, sizeof w);
    pcap_hdr(&w, 0xa1b2c3d4, 64, 1);
    pcap_rec(&w, 1, 0, 100, 100, 0, false);
    pcap_rec(&w, 2, 0, 30, 30, 1, false);
    struct got g;
    CHECK(read_all(&w, w.len, 0, NULL, &g));
    CHECK_EQ(g.n, 2);
    CHECK_EQ(g.f[0].caplen, 64);
    CHECK_EQ(g.f[0].wirelen, 100);
    CHECK(g.data_ok[0] && g.data_ok[1]);
    CHECK_EQ(g.f[1].offset, 24 + 16 + 100);
}

/* ---- pcapng ---- */

static void t_pcapng_both_orders(void)
{
    for (int be = 0; be < 2; be++) {
        static struct wb w;
        memset(&w, 0, sizeof w);
        shb(&w, be);
        other_block(&w, 4, 16);   /* NRB-shaped, skipped */
        idb(&w, 1, 0, -1, 0);
        epb(&w, 0, 1700000000123456ull, 60, 70, 0);
        other_block(&w, 5, 24);   /* ISB */
        epb(&w, 0, 1700000001000001ull, 1, 1, 1);
        struct got g;
        CHECK(read_all(&w, w.len, 0, NULL, &g));
        CHECK_EQ(g.n, 2);
        CHECK(g.end == PCAPFILE_END && !g.truncated);
        CHECK_EQ(g.f[0].ts_ns, 1700000000123456000ull);
        CHECK_EQ(g.f[0].caplen, 60);
        CHECK_EQ(g.f[0].wirelen, 70);
        CHECK_EQ(g.f[0].dlt, DLT_EN10MB);
        CHECK_EQ(g.f[1].ts_ns, 1700000001000001000ull);
        CHECK(g.data_ok[0] && g.data_ok[1]);
    }
}

/* Two sections of opposite byte orders; the second's interfaces start at 0
 * again and have other link types. */
static void t_pcapng_sections(void)
{
    static struct wb w;
    memset(&w, 0, sizeof w);
    shb(&w, false);
    idb(&w, 1, 65535, -1, 0);
    idb(&w, 113, 65535, -1, 0);
    epb(&w, 1, 1000000, 20, 20, 0);
    epb(&w, 0, 2000000, 21, 21, 1);
    shb(&w, true);
    idb(&w, 101, 0, 9, 0);
    epb(&w, 0, 3000000000ull, 22, 22, 2);
    struct got g;
    CHECK(read_all(&w, w.len, 0, NULL, &g));
    CHECK_EQ(g.n, 3);
    CHECK_EQ(g.f[0].dlt, DLT_LINUX_SLL);
    CHECK_EQ(g.f[0].iface, 1);
    CHECK_EQ(g.f[1].dlt, DLT_EN10MB);
    CHECK_EQ(g.f[1].iface, 0);
    CHECK_EQ(g.f[2].dlt, DLT_RAW);
    CHECK_EQ(g.f[2].iface, 2);   /* file-wide number of its IDB */
    CHECK_EQ(g.f[0].ts_ns, 1000000000ull);
    CHECK_EQ(g.f[2].ts_ns, 3000000000ull);
    CHECK(g.data_ok[0] && g.data_ok[1] && g.data_ok[2]);

    /* a packet of the second section naming the first section's interface 1 */
    memset(&w, 0, sizeof w);
    shb(&w, false);
    idb(&w, 1, 0, -1, 0);
    idb(&w, 1, 0, -1, 0);
    shb(&w, false);
    idb(&w, 1, 0, -1, 0);
    size_t at = w.len;
    epb(&w, 1, 0, 10, 10, 0);
    CHECK(read_all(&w, w.len, 0, NULL, &g));
    CHECK_EQ(g.n, 0);
    CHECK(g.end == PCAPFILE_ERROR);
    char want[64];
    snprintf(want, sizeof want, "at byte offset %zu of test.cap", at);
    CHECK(strstr(g.err, want) != NULL);
    CHECK(strstr(g.err, "interface 1") != NULL);
}

static void t_pcapng_tsresol(void)
{
    static struct wb w;
    memset(&w, 0, sizeof w);
    shb(&w, false);
    idb(&w, 1, 0, 9, 0);              /* ns */
    idb(&w, 1, 0, 0x80 | 10, 0);      /* 2^-10 s */
    idb(&w, 1, 0, 3, 1000);           /* ms, +1000 s */
    idb(&w, 1, 0, 12, -5);            /* ps, -5 s */
    idb(&w, 1, 0, 0x80 | 40, 0);      /* 2^-40 s */
    epb(&w, 0, 1700000000123456789ull, 4, 4, 0);
    epb(&w, 1, 5 * 1024 + 512, 4, 4, 1);                   /* 5.5 s */
    epb(&w, 2, 1234567, 4, 4, 2);                          /* 1234.567 s + 1000 */
    epb(&w, 3, 10 * 1000000000000ull + 1999, 4, 4, 3);     /* 10 s + 1999 ps - 5 s */
    epb(&w, 4, (3ull << 40) | (1ull << 39), 4, 4, 4);      /* 3.5 s */
    struct got g;
    CHECK(read_all(&w, w.len, 0, NULL, &g));
    CHECK_EQ(g.n, 5);
    CHECK_EQ(g.f[0].ts_ns, 1700000000123456789ull);
    CHECK_EQ(g.f[0].ts_sec, 1700000000);
    CHECK_EQ(g.f[0].ts_nsec, 123456789);
    CHECK_EQ(g.f[1].ts_ns, 5500000000ull);
    CHECK_EQ(g.f[2].ts_ns, 2234567000000ull);
    CHECK_EQ(g.f[3].ts_ns, 5000000001ull);
    CHECK_EQ(g.f[4].ts_ns, 3500000000ull);
    for (unsigned i = 0; i < 5; i++) CHECK(g.data_ok[i]);

    /* resolutions 64 bits cannot count are refused, as libpcap does */
    memset(&w, 0, sizeof w);
    shb(&w, false);
    idb(&w, 1, 0, 20, 0);
    char err[640];
    pcapfile *f = open_bytes(w.p, w.len, 0, err, sizeof err);
    CHECK(f == NULL);
    CHECK(strstr(err, "if_tsresol") != NULL);
    pcapfile_close(f);
}

static void t_pcapng_spb_pb(void)
{
    static struct wb w;
    memset(&w, 0, sizeof w);
    shb(&w, true);
    idb(&w, 1, 64, 9, 7);     /* snaplen 64, ns, +7 s */
    idb(&w, 101, 0, -1, 0);
    spb(&w, 40, 40, 0);       /* whole */
    spb(&w, 1500, 64, 1);     /* cut at the first interface's snaplen */
    pb(&w, 1, 2500000, 30, 30, 2);
    struct got g;
    CHECK(read_all(&w, w.len, 0, NULL, &g));
    CHECK_EQ(g.n, 3);
    CHECK_EQ(g.f[0].caplen, 40);
    CHECK_EQ(g.f[0].wirelen, 40);
    CHECK_EQ(g.f[0].ts_ns, 7000000000ull);   /* an SPB has no time: the offset alone, as libpcap */
    CHECK_EQ(g.f[0].dlt, DLT_EN10MB);
    CHECK_EQ(g.f[1].caplen, 64);
    CHECK_EQ(g.f[1].wirelen, 1500);
    CHECK_EQ(g.f[2].dlt, DLT_RAW);
    CHECK_EQ(g.f[2].ts_ns, 2500000000ull);
    CHECK(g.data_ok[0] && g.data_ok[1] && g.data_ok[2]);

    /* an SPB whose block cannot hold min(len, snaplen) bytes */
    memset(&w, 0, sizeof w);
    shb(&w, false);
    idb(&w, 1, 0, -1, 0);
    spb(&w, 100, 40, 0);
    CHECK(read_all(&w, w.len, 0, NULL, &g));
    CHECK(g.end == PCAPFILE_ERROR && g.n == 0);
}

/* Blocks nobody reads, one larger than the buffer (streamed past), and a
 * frame larger than the buffer (the buffer grows). */
static void t_pcapng_skip_and_grow(void)
{
    static struct wb w;
    memset(&w, 0, sizeof w);
    shb(&w, false);
    other_block(&w, 0x40000BAD, 12);   /* custom */
    idb(&w, 1, 0, -1, 0);
    other_block(&w, 0x00000BAD, 20000);
    other_block(&w, 10, 8);            /* DSB */
    unsigned ks[40];
    unsigned n = 0;
    for (unsigned i = 0; i < 30; i++, n++) {
        ks[n] = n;
        epb(&w, 0, 1000000ull * i, i == 7 ? 100000 : 60 + i * 37 % 1400, 1514, n);
    }
    for (size_t buf = 4096; buf <= (1u << 20); buf *= 16) {
        struct got g;
        CHECK(read_all(&w, w.len, buf, ks, &g));
        CHECK_EQ(g.n, 30);
        CHECK(g.end == PCAPFILE_END && !g.truncated);
        CHECK_EQ(g.f[7].caplen, 100000);
        CHECK_EQ(g.f[7].wirelen, 100000);
        bool ok = true;
        for (unsigned i = 0; i < 30; i++) ok &= g.data_ok[i] && g.f[i].ts_ns == 1000000000ull * i;
        CHECK(ok);
    }
}

/* ---- damage ---- */

/* Every prefix of a file: no crash, the whole frames before the cut, then a
 * clean end exactly at record boundaries and "truncated" elsewhere. */
static void cut_everywhere(const struct wb *w, const size_t *ends, unsigned nf, size_t hdr_end)
{
    bool ok = true;
    for (size_t cut = 0; cut <= w->len; cut++) {
        struct got g;
        bool opened = read_all(w, cut, 4096, NULL, &g);
        if (cut < hdr_end) {
            ok &= !opened && g.err[0];
            continue;
        }
        if (!opened) { ok = false; continue; }
        unsigned whole = 0;
        bool boundary = cut == hdr_end;
        for (unsigned i = 0; i < nf; i++) {
            if (ends[i] <= cut) whole++;
            if (ends[i] == cut) boundary = true;
        }
        /* for pcapng, trailing non-packet blocks also end on boundaries */
        ok &= g.n == whole && g.end == PCAPFILE_END;
        for (unsigned i = 0; i < g.n && i < MAXF; i++) ok &= g.data_ok[i];
        if (boundary) ok &= !g.truncated;
        else ok &= g.truncated && strstr(g.err, "truncated") != NULL;
        if (!ok) {
            test_check(0, "cut", __FILE__, __LINE__);
            printf("  cut at %zu: %u frames (want %u), truncated %d: %s\n", cut, g.n, whole, g.truncated, g.err);
            return;
        }
    }
    CHECK(ok);
}

static void t_truncated_everywhere(void)
{
    static struct wb w;
    size_t ends[8];
    memset(&w, 0, sizeof w);
    pcap_hdr(&w, 0xa1b2c3d4, 65535, 1);
    for (unsigned i = 0; i < 4; i++) {
        pcap_rec(&w, i, 0, 10 + i, 10 + i, i, false);
        ends[i] = w.len;
    }
    cut_everywhere(&w, ends, 4, 24);

    memset(&w, 0, sizeof w);
    w.be = true;
    shb(&w, true);
    idb(&w, 1, 0, 9, 0);
    size_t hdr_end = w.len;
    unsigned n = 0;
    epb(&w, 0, 1, 13, 13, n);
    ends[n++] = w.len;
    spb(&w, 9, 9, n);
    ends[n++] = w.len;
    pb(&w, 0, 3, 5, 5, n);
    ends[n++] = w.len;
    epb(&w, 0, 4, 0, 0, n);
    ends[n++] = w.len;
    cut_everywhere(&w, ends, n, hdr_end);
}

/* pcapfile_limit(L) on the whole file reads what the file cut at L holds:
 * the same frames, the same truncation (a file still being written, read by
 * several readers, ends at one place for all). */
static void t_limit_is_a_cut(void)
{
    static struct wb w;
    memset(&w, 0, sizeof w);
    pcap_hdr(&w, 0xa1b2c3d4, 65535, 1);
    size_t ends[4];
    for (unsigned i = 0; i < 4; i++) {
        pcap_rec(&w, i, 0, 10 + 7 * i, 10 + 7 * i, i, false);
        ends[i] = w.len;
    }
    bool ok = true;
    for (size_t lim = 24; lim <= w.len; lim++) {
        char err[640];
        pcapfile *f = open_bytes(w.p, w.len, 4096, err, sizeof err);
        if (!f) { ok = false; break; }
        pcapfile_limit(f, lim);
        struct pcapfile_frame fr;
        unsigned n = 0, want = 0;
        bool data = true;
        while (pcapfile_next(f, &fr) == PCAPFILE_FRAME) data &= frame_ok(&fr, n++);
        bool boundary = lim == 24;
        for (unsigned i = 0; i < 4; i++) {
            want += ends[i] <= lim;
            boundary |= ends[i] == lim;
        }
        ok &= n == want && data && pcapfile_truncated(f) == !boundary;
        pcapfile_close(f);
        if (!ok) {
            printf("  limit %zu: %u frames (want %u)\n", lim, n, want);
            break;
        }
    }
    CHECK(ok);
}

static void expect_error(const struct wb *w, size_t at, const char *what)
{
    struct got g;
    bool opened = read_all(w, w->len, 0, NULL, &g);
    char want[64];
    snprintf(want, sizeof want, "at byte offset %zu of test.cap", at);
    bool ok = opened && g.end == PCAPFILE_ERROR && strstr(g.err, want) && strstr(g.err, what);
    if (!ok) printf("  want error '%s' %s; got: %s\n", what, want, g.err);
    CHECK(ok);
}

static void t_bad_lengths(void)
{
    static struct wb w;
    uint32_t bad[] = { 0, 8, 13, 30, PCAPFILE_MAX_BLOCK + 4 };
    const char *what[] = { "less than", "less than", "multiple of 4", "multiple of 4", "MB" };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&w, 0, sizeof w);
        shb(&w, i % 2);
        idb(&w, 1, 0, -1, 0);
        epb(&w, 0, 1, 10, 10, 0);
        size_t at = w.len;
        put32(&w, 6);
        put32(&w, bad[i]);
        for (int k = 0; k < 40; k++) put8(&w, 0);
        expect_error(&w, at, what[i]);
    }
    /* trailer length differs */
    memset(&w, 0, sizeof w);
    shb(&w, false);
    idb(&w, 1, 0, -1, 0);
    size_t at = w.len;
    epb(&w, 0, 1, 10, 10, 0);
    w.p[w.len - 4] ^= 4;
    expect_error(&w, at, "differs");
    /* caplen past the block */
    memset(&w, 0, sizeof w);
    shb(&w, false);
    idb(&w, 1, 0, -1, 0);
    at = w.len;
    epb(&w, 0, 1, 10, 10, 0);
    w.p[at + 20] = 200;
    expect_error(&w, at, "room for");
    /* unknown interface */
    memset(&w, 0, sizeof w);
    shb(&w, false);
    idb(&w, 1, 0, -1, 0);
    at = w.len;
    pb(&w, 3, 1, 10, 10, 0);
    expect_error(&w, at, "interface 3");
    /* a bad byte-order magic in a later section */
    memset(&w, 0, sizeof w);
    shb(&w, false);
    idb(&w, 1, 0, -1, 0);
    at = w.len;
    shb(&w, false);
    w.p[at + 8] = 0x77;
    expect_error(&w, at, "byte-order");
    /* a pcap record over the cap */
    memset(&w, 0, sizeof w);
    pcap_hdr(&w, 0xa1b2c3d4, 65535, 1);
    pcap_rec(&w, 1, 0, 10, 10, 0, false);
    at = w.len;
    put32(&w, 1);
    put32(&w, 0);
    put32(&w, 0x40000000);
    put32(&w, 0x40000000);
    expect_error(&w, at, "captured length");
    /* a bogus large length in a short file is a truncation, and costs no
     * huge allocation (ASan would report one over its limits) */
    memset(&w, 0, sizeof w);
    pcap_hdr(&w, 0xa1b2c3d4, 65535, 1);
    put32(&w, 1);
    put32(&w, 0);
    put32(&w, 200u << 20);
    put32(&w, 200u << 20);
    for (int k = 0; k < 100; k++) put8(&w, 0);
    struct got g;
    CHECK(read_all(&w, w.len, 4096, NULL, &g));
    CHECK(g.end == PCAPFILE_END && g.truncated && g.n == 0);
}

static void t_not_a_capture(void)
{
    char err[640];
    const char *text = "# bleedwatch\nThis is not a capture file at all.\n";
    pcapfile *f = open_bytes((const uint8_t *)text, strlen(text), 0, err, sizeof err);
    CHECK(f == NULL);
    CHECK_STR(err, "unknown file format");
    f = open_bytes(NULL, 0, 0, err, sizeof err);
    CHECK(f == NULL);
    CHECK_STR(err, "empty file");
    static const uint8_t shb_text[] = { 0x0a, 0x0d, 0x0d, 0x0a, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
    f = open_bytes(shb_text, sizeof shb_text, 0, err, sizeof err);
    CHECK(f == NULL);
    CHECK_STR(err, "unknown file format");
    /* a pcapng file with no interface at all */
    static struct wb w;
    memset(&w, 0, sizeof w);
    shb(&w, false);
    f = open_bytes(w.p, w.len, 0, err, sizeof err);
    CHECK(f == NULL);
    CHECK(strstr(err, "no interface") != NULL);
    /* a packet before any IDB */
    epb(&w, 0, 1, 4, 4, 0);
    f = open_bytes(w.p, w.len, 0, err, sizeof err);
    CHECK(f == NULL);
    CHECK(strstr(err, "interface 0") != NULL);
    /* pcap versions libpcap refuses */
    memset(&w, 0, sizeof w);
    pcap_hdr(&w, 0xa1b2c3d4, 65535, 1);
    w.p[4] = 3;
    f = open_bytes(w.p, w.len, 0, err, sizeof err);
    CHECK(f == NULL);
    CHECK(strstr(err, "version") != NULL);
}

/* ---- a pipe fed a few bytes at a time (stdin) ---- */

struct feeder { int fd; const uint8_t *p; size_t n; };

static void *feed(void *arg)
{
    struct feeder *fd = arg;
    for (size_t off = 0; off < fd->n;) {
        size_t k = fd->n - off < 7 ? fd->n - off : 7;
        ssize_t r = write(fd->fd, fd->p + off, k);
        if (r <= 0) break;
        off += (size_t)r;
    }
    close(fd->fd);
    return NULL;
}

static void t_pipe(void)
{
    static struct wb w;
    memset(&w, 0, sizeof w);
    shb(&w, false);
    idb(&w, 1, 0, -1, 0);
    idb(&w, 101, 0, 9, 0);
    for (unsigned i = 0; i < 20; i++) epb(&w, i % 2, 1000 + i, 50 + i, 50 + i, i);
    int fds[2];
    if (pipe(fds) != 0) abort();
    struct feeder fd = { fds[1], w.p, w.len };
    pthread_t th;
    pthread_create(&th, NULL, feed, &fd);
    FILE *fp = fdopen(fds[0], "rb");
    char err[640];
    pcapfile *f = pcapfile_open(fp, true, "stdin", 4096, err, sizeof err);
    CHECK(f != NULL);
    unsigned n = 0;
    bool ok = true;
    struct pcapfile_frame fr;
    if (f) {
        CHECK_EQ(pcapfile_dlt(f), DLT_EN10MB);
        CHECK(pcapfile_format(f) == PCAPFILE_PCAPNG);
        while (pcapfile_next(f, &fr) == PCAPFILE_FRAME) {
            ok &= frame_ok(&fr, n) && fr.caplen == 50 + n && fr.dlt == (n % 2 ? DLT_RAW : DLT_EN10MB);
            n++;
        }
        CHECK(!pcapfile_truncated(f));
        CHECK_EQ(pcapfile_frames(f), 20);
        CHECK_EQ(pcapfile_offset(f), w.len);
    }
    pthread_join(th, NULL);
    pcapfile_close(f);
    CHECK_EQ(n, 20);
    CHECK(ok);
}

/* ---- capture_reopen: the same file, from its start, on its own ---- */

static void write_file(const struct wb *w)
{
    FILE *fp = fopen(g_path, "wb");
    if (!fp || fwrite(w->p, 1, w->len, fp) != w->len) abort();
    fclose(fp);
}

/* Frames left in c: each checked against its pattern, from frame k on. */
static unsigned drain_frames(capture *c, unsigned k, bool *ok)
{
    struct cap_frame fr;
    unsigned n = 0;
    while (capture_next(c, &fr) == CAP_PACKET) {
        /* frames of pattern k are 40 + 10k bytes: the filter keeps k >= 7 */
        while (40 + 10 * k < 100) k++;
        struct pcapfile_frame pf = { .data = fr.data, .caplen = fr.caplen };
        *ok &= fr.caplen == 40 + 10 * k && frame_ok(&pf, k);
        k++;
        n++;
    }
    return n;
}

static void t_reopen_deleted_and_replaced(void)
{
    static struct wb w;
    memset(&w, 0, sizeof w);
    pcap_hdr(&w, 0xa1b2c3d4, 65535, 1);
    for (unsigned k = 0; k < 12; k++) pcap_rec(&w, 1700000000 + k, 0, 40 + 10 * k, 40 + 10 * k, k, false);
    write_file(&w);
    size_t size = w.len;
    char err[1024];
    capture *c = capture_open_file(g_path, "greater 100", err, sizeof err);
    CHECK(c != NULL);
    if (!c) return;
    struct cap_frame fr;
    CHECK(capture_next(c, &fr) == CAP_PACKET && fr.caplen == 100);   /* k = 6 */
    /* the file is deleted and another one takes its name */
    unlink(g_path);
    static struct wb w2;
    memset(&w2, 0, sizeof w2);
    pcap_hdr(&w2, 0xa1b2c3d4, 65535, 1);
    pcap_rec(&w2, 1800000000, 0, 200, 200, 99, false);
    write_file(&w2);
    CHECK_EQ(capture_file_size(c), (int64_t)size);
    capture *again = capture_reopen(c, 0, err, sizeof err);
    CHECK(again != NULL);
    if (again) {
        CHECK_STR(capture_name(again), capture_name(c));
        CHECK_EQ(capture_file_size(again), (int64_t)size);
        bool ok = true;
        CHECK_EQ(drain_frames(again, 0, &ok), 6);   /* frames 6..11, through the same filter */
        CHECK(ok);
        capture_close(again);
    }
    bool ok = true;
    CHECK_EQ(drain_frames(c, 7, &ok), 5);   /* the first one goes on where it was */
    CHECK(ok);
    capture_close(c);
    /* a fresh open by the name reads the new file */
    c = capture_open_file(g_path, NULL, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ(capture_file_size(c), (int64_t)w2.len);
        capture_close(c);
    }
    /* stdin (here the new file) cannot be opened again */
    if (!freopen(g_path, "rb", stdin)) abort();
    c = capture_open_file("-", NULL, err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ(capture_file_size(c), (uint64_t)-1);
        CHECK(capture_reopen(c, 0, err, sizeof err) == NULL);
        CHECK(strstr(err, "cannot be opened again") != NULL);
        capture_close(c);
    }
}

int main(void)
{
    snprintf(g_path, sizeof g_path, "/tmp/test_pcapfile.%d", (int)getpid());
    RUN(t_pcap_both_orders);
    RUN(t_pcap_nsec_and_kuznetzov);
    RUN(t_pcap_snaplen_cut);
    RUN(t_limit_is_a_cut);
    RUN(t_pcapng_both_orders);
    RUN(t_pcapng_sections);
    RUN(t_pcapng_tsresol);
    RUN(t_pcapng_spb_pb);
    RUN(t_pcapng_skip_and_grow);
    RUN(t_truncated_everywhere);
    RUN(t_bad_lengths);
    RUN(t_not_a_capture);
    RUN(t_pipe);
    RUN(t_reopen_deleted_and_replaced);
    unlink(g_path);
    return test_done();
}
