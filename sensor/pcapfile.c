/* pcapfile.c -- classic pcap and pcapng, read from a FILE * (see pcapfile.h).
 *
 * The reader keeps a window [head, tail) of the input in one buffer, read
 * from the descriptor in large chunks; a record is parsed in place and its
 * frame handed out as a pointer into the window (no copy). When a record
 * straddles the end of the buffer the rest of the window moves to the
 * front; a record larger than the buffer grows it (up to PCAPFILE_MAX_BLOCK).
 * All multi-byte fields are read through struct cursor in the byte order of
 * the file (pcap: the magic's; pcapng: each section's byte-order magic).
 */
#include "pcapfile.h"
#include "cursor.h"
#include <errno.h>
#include <pcap/dlt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- formats ----
 *
 * Classic pcap file header (24 bytes) and record header (16 bytes; 24 in the
 * Kuznetzov variant, which appends ifindex u32, protocol u16, pkt_type u8, pad):
 *
 *   magic u32 | major u16 | minor u16 | thiszone i32 | sigfigs u32 | snaplen u32 | linktype u32
 *   ts_sec u32 | ts_usec (or ts_nsec) u32 | caplen u32 | len u32 | data...
 *
 * pcapng block: type u32 | total_length u32 | body | total_length u32, the
 * length a multiple of 4 covering the whole block.
 *   SHB 0x0A0D0D0A: byte_order_magic 0x1A2B3C4D u32 | major u16 | minor u16 | section_len i64 | options
 *   IDB 1: linktype u16 | reserved u16 | snaplen u32 | options
 *   PB  2: interface_id u16 | drops u16 | ts_high u32 | ts_low u32 | caplen u32 | len u32 | data | options
 *   SPB 3: len u32 | data
 *   EPB 6: interface_id u32 | ts_high u32 | ts_low u32 | caplen u32 | len u32 | data | options
 * options: code u16 | length u16 | value padded to 4; if_tsresol (9, 1 byte:
 * 10^-n, or 2^-n with the top bit set; default 10^-6), if_tsoffset (14,
 * 8 bytes: seconds added to every time stamp), opt_endofopt (0).
 */
#define MAGIC_PCAP_USEC   0xa1b2c3d4u
#define MAGIC_PCAP_NSEC   0xa1b23c4du
#define MAGIC_PCAP_KUZ    0xa1b2cd34u
#define PCAP_FILE_HDR     24u
#define BT_SHB            0x0A0D0D0Au
#define BT_IDB            1u
#define BT_PB             2u
#define BT_SPB            3u
#define BT_EPB            6u
#define NG_BOM            0x1A2B3C4Du
#define NG_BLOCK_MIN      12u          /* type, length, trailing length */
#define NG_SHB_MIN        28u          /* + byte-order magic, versions, section length */
#define OPT_ENDOFOPT      0u
#define OPT_IF_TSRESOL    9u
#define OPT_IF_TSOFFSET   14u
#define SNAPLEN_DEFAULT   262144u      /* libpcap's MAXIMUM_SNAPLEN */
#define HOST_BE           (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)

enum lengths_order { LEN_PLAIN, LEN_SWAPPED, LEN_MAYBE_SWAPPED };

struct iface {
    int linktype, dlt;
    uint32_t snaplen;         /* as written: 0 = no limit */
    uint32_t number;          /* file-wide order of this IDB */
    uint64_t units;           /* time stamp units per second */
    bool binary;              /* units is 2^shift */
    unsigned shift;
    uint64_t ns_mul, ns_div;  /* decimal: ns = frac * ns_mul / ns_div (one of them 1) */
    uint64_t tsoffset;        /* seconds, two's complement */
};

struct pcapfile {
    FILE *fp;
    int fd;                   /* fileno(fp), or -1: read through stdio */
    bool close_fp;
    char name[256];
    uint8_t *buf;
    size_t cap, head, tail;   /* buf[head, tail) is input starting at offset base + head */
    uint64_t base;
    uint64_t limit;           /* pcapfile_limit: input bytes read at most (0: all) */
    bool eof;
    int read_errno;
    enum pcapfile_status done;  /* sticky once END or ERROR */
    bool truncated;
    char err[640];
    uint64_t frames;
    enum pcapfile_format format;
    int first_linktype, first_dlt;
    bool be;                  /* pcap: the file's byte order; pcapng: the current section's */
    /* classic pcap */
    unsigned rec_hdr;
    enum lengths_order lengths;
    uint32_t snapshot;        /* libpcap's adjusted snapshot length */
    /* pcapng */
    struct iface *ifs;
    uint32_t n_if, cap_if, n_if_total;
    bool seen_idb;
};

/* ---- input window ---- */

static ssize_t src_read(pcapfile *f, uint8_t *dst, size_t n)
{
    if (f->fd < 0) {
        size_t r = fread(dst, 1, n, f->fp);
        if (r == 0 && ferror(f->fp)) { errno = EIO; return -1; }
        return (ssize_t)r;
    }
    for (;;) {
        ssize_t r = read(f->fd, dst, n);
        if (r >= 0 || errno != EINTR) return r;
    }
}

/* Make n bytes available at buf + head (n <= PCAPFILE_MAX_BLOCK + a header);
 * returns the number available, less than n only at the end of the input or
 * after a read error (read_errno). What is left of the window moves to the
 * front first and reads take at most PCAPFILE_READ_CHUNK, so reading cycles
 * through the start of the buffer, which stays in cache, and the pages of a
 * large buffer are touched only when a record needs them. The buffer grows
 * by doubling only while it is full of input, so a bogus length costs at
 * most twice the bytes that are really there. */
static size_t fill(pcapfile *f, size_t n)
{
    size_t have = f->tail - f->head;
    if (have >= n || f->eof) return have;
    if (f->head) {
        memmove(f->buf, f->buf + f->head, have);
        f->base += f->head;
        f->head = 0;
        f->tail = have;
    }
    while (f->tail < n) {
        if (f->tail == f->cap) {   /* n > cap */
            size_t ncap = f->cap * 2 < n ? f->cap * 2 : n;
            uint8_t *nb = realloc(f->buf, ncap);
            if (!nb) abort();   /* bounded by PCAPFILE_MAX_BLOCK */
            f->buf = nb;
            f->cap = ncap;
        }
        size_t room = f->cap - f->tail;
        if (room > PCAPFILE_READ_CHUNK) room = PCAPFILE_READ_CHUNK;
        if (f->limit) {
            uint64_t left = f->limit > f->base + f->tail ? f->limit - (f->base + f->tail) : 0;
            if (room > left) room = (size_t)left;
        }
        ssize_t r = room ? src_read(f, f->buf + f->tail, room) : 0;
        if (r <= 0) {
            f->eof = true;
            if (r < 0) f->read_errno = errno ? errno : EIO;
            break;
        }
        f->tail += (size_t)r;
    }
    return f->tail - f->head;
}

static inline uint64_t pos(const pcapfile *f) { return f->base + f->head; }

static inline void consume(pcapfile *f, size_t n) { f->head += n; }

/* Drop n bytes of input without keeping them (a block too large to be worth
 * holding); returns false if the input ends first. */
static bool skip(pcapfile *f, uint64_t n)
{
    while (n) {
        size_t have = f->tail - f->head;
        if (!have) have = fill(f, 1);
        if (!have) return false;
        size_t k = have < n ? have : (size_t)n;
        consume(f, k);
        n -= k;
    }
    return true;
}

/* ---- outcomes ---- */

static enum pcapfile_status fail(pcapfile *f, uint64_t at, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(f->err, sizeof f->err, "%s at byte offset %llu of %s", what, (unsigned long long)at, f->name);
    f->done = PCAPFILE_ERROR;
    return PCAPFILE_ERROR;
}

/* The input ended (or failed) after `got` of the `want` bytes of a record at `at`. */
static enum pcapfile_status short_read(pcapfile *f, uint64_t at, size_t want, size_t got)
{
    if (f->read_errno)
        return fail(f, at + got, "read error: %s", strerror(f->read_errno));
    if (got == 0 && want) {   /* a clean end between records */
        f->done = PCAPFILE_END;
        return PCAPFILE_END;
    }
    snprintf(f->err, sizeof f->err, "truncated capture: the record at byte offset %llu of %s needs %zu bytes, "
             "the file ends after %zu", (unsigned long long)at, f->name, want, got);
    f->truncated = true;
    f->done = PCAPFILE_END;
    return PCAPFILE_END;
}

/* ---- byte order ---- */

static inline uint16_t get16(struct cursor *c, bool be) { return be ? cur_be16(c) : cur_le16(c); }
static inline uint32_t get32(struct cursor *c, bool be) { return be ? cur_be32(c) : cur_le32(c); }
static inline uint64_t get64(struct cursor *c, bool be) { return be ? cur_be64(c) : cur_le64(c); }

static inline uint32_t peek_le32(const uint8_t *b)
{
    return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

int pcapfile_linktype_to_dlt(int linktype)
{
    /* libpcap's linktype_to_dlt(): the values below 104 that some systems
     * gave other DLT_ numbers, and two in the matching range */
    switch (linktype) {
    case 100: return DLT_ATM_RFC1483;
    case 101: return DLT_RAW;
    case 102: return DLT_SLIP_BSDOS;
    case 103: return DLT_PPP_BSDOS;
    case 106: return DLT_ATM_CLIP;
    case 50: return DLT_PPP_SERIAL;
    case 51: return DLT_PPP_ETHER;
    case 246: return DLT_PFSYNC;
    case 258: return DLT_PKTAP;
    default: return linktype;
    }
}

/* libpcap's max_snaplen_for_dlt() and pcap_adjust_snapshot(): what a
 * snapshot length of 0 or an absurd one stands for. */
static uint32_t max_snaplen(int dlt)
{
    switch (dlt) {
    case DLT_DBUS: return 128u << 20;
    case DLT_EBHSCR: return 8u << 20;
    case DLT_USBPCAP: return 1u << 20;
    default: return SNAPLEN_DEFAULT;
    }
}

static uint32_t adjust_snaplen(int dlt, uint32_t snaplen)
{
    uint32_t m = max_snaplen(dlt);
    return snaplen == 0 || snaplen > m ? m : snaplen;
}

static void set_time(struct pcapfile_frame *out, uint64_t sec, uint64_t ns)
{
    sec += ns / 1000000000u;
    out->ts_sec = sec;
    out->ts_nsec = (uint32_t)(ns % 1000000000u);
    out->ts_ns = sec * 1000000000u + out->ts_nsec;
}

/* ---- classic pcap ---- */

static int pcap_open_hdr(pcapfile *f, uint32_t magic, bool be, char *err, size_t errlen)
{
    if (fill(f, PCAP_FILE_HDR) < PCAP_FILE_HDR) {
        snprintf(err, errlen, "truncated file header (%zu of %u bytes)", f->tail - f->head, PCAP_FILE_HDR);
        return -1;
    }
    struct cursor c = cur_init(f->buf + f->head + 4, PCAP_FILE_HDR - 4);
    unsigned major = get16(&c, be), minor = get16(&c, be);
    cur_skip(&c, 8);   /* thiszone, sigfigs */
    uint32_t snaplen = get32(&c, be);
    uint32_t lt = get32(&c, be) & 0x03FFFFFFu;   /* the top bits say FCS length */
    if (major < 2) {
        snprintf(err, errlen, "archaic pcap savefile format %u.%u", major, minor);
        return -1;
    }
    if (!((major == 2 && minor <= 4) || (major == 543 && minor == 0))) {
        snprintf(err, errlen, "unsupported pcap savefile version %u.%u", major, minor);
        return -1;
    }
    /* 2.3 and earlier wrote caplen and len the other way round (some 2.3
     * files did not); DG/UX's 543.0 too */
    f->lengths = major == 543 || minor < 3 ? LEN_SWAPPED : minor == 3 ? LEN_MAYBE_SWAPPED : LEN_PLAIN;
    f->be = be;
    f->first_linktype = (int)lt;
    f->first_dlt = pcapfile_linktype_to_dlt((int)lt);
    f->snapshot = adjust_snaplen(f->first_dlt, snaplen);
    f->format = magic == MAGIC_PCAP_NSEC ? PCAPFILE_PCAP_NSEC : magic == MAGIC_PCAP_KUZ ? PCAPFILE_PCAP_KUZNETZOV
                                                                                       : PCAPFILE_PCAP;
    f->rec_hdr = magic == MAGIC_PCAP_KUZ ? 24u : 16u;
    /* a Kuznetzov "cooked" capture may add a 14-byte fake Ethernet header */
    if (magic == MAGIC_PCAP_KUZ && f->first_dlt == DLT_EN10MB) f->snapshot += 14;
    consume(f, PCAP_FILE_HDR);
    return 0;
}

static enum pcapfile_status pcap_next_rec(pcapfile *f, struct pcapfile_frame *out)
{
    uint64_t at = pos(f);
    size_t have = fill(f, f->rec_hdr);
    if (have < f->rec_hdr) return short_read(f, at, f->rec_hdr, have);
    struct cursor c = cur_init(f->buf + f->head, f->rec_hdr);
    uint32_t sec = get32(&c, f->be), frac = get32(&c, f->be);
    uint32_t caplen = get32(&c, f->be), len = get32(&c, f->be);
    if (f->lengths == LEN_SWAPPED || (f->lengths == LEN_MAYBE_SWAPPED && caplen > len)) {
        uint32_t t = caplen;
        caplen = len;
        len = t;
    }
    if (caplen > PCAPFILE_MAX_BLOCK - f->rec_hdr)
        return fail(f, at, "record with a captured length of %u bytes (more than %u MB)", caplen,
                    PCAPFILE_MAX_BLOCK >> 20);
    size_t want = f->rec_hdr + (size_t)caplen;
    have = fill(f, want);
    if (have < want) return short_read(f, at, want, have);
    out->data = f->buf + f->head + f->rec_hdr;
    /* like libpcap, a record longer than the file's snapshot length is cut
     * to it (a damaged header, or old Solaris bufmod) */
    out->caplen = caplen > f->snapshot ? f->snapshot : caplen;
    out->wirelen = len < out->caplen ? out->caplen : len;
    set_time(out, sec, f->format == PCAPFILE_PCAP_NSEC ? frac : (uint64_t)frac * 1000u);
    out->linktype = f->first_linktype;
    out->dlt = f->first_dlt;
    out->iface = 0;
    out->offset = at;
    out->swapped = f->be != HOST_BE;
    consume(f, want);
    f->frames++;
    return PCAPFILE_FRAME;
}

/* ---- pcapng ---- */

/* Parse the options of an IDB body (after its 8 fixed bytes). */
static int idb_options(pcapfile *f, struct cursor *c, struct iface *ifc, uint64_t at)
{
    bool saw_res = false, saw_off = false;
    unsigned res = 6;
    while (cur_left(c) >= 4) {
        unsigned code = get16(c, f->be), olen = get16(c, f->be);
        size_t padded = ((size_t)olen + 3) & ~(size_t)3;
        if (!cur_has(c, padded)) {
            fail(f, at, "IDB option %u of %u bytes runs past its block", code, olen);
            return -1;
        }
        struct cursor v = cur_init(cur_ptr(c), olen);
        cur_skip(c, padded);
        if (code == OPT_ENDOFOPT) break;
        if (code == OPT_IF_TSRESOL) {
            if (olen != 1 || saw_res) {
                fail(f, at, "IDB with a bad if_tsresol option (length %u%s)", olen, saw_res ? ", repeated" : "");
                return -1;
            }
            saw_res = true;
            res = cur_u8(&v);
        } else if (code == OPT_IF_TSOFFSET) {
            if (olen != 8 || saw_off) {
                fail(f, at, "IDB with a bad if_tsoffset option (length %u%s)", olen, saw_off ? ", repeated" : "");
                return -1;
            }
            saw_off = true;
            ifc->tsoffset = get64(&v, f->be);
        }
    }
    if (res & 0x80) {
        unsigned sh = res & 0x7f;
        if (sh > 63) {
            fail(f, at, "IDB if_tsresol 2^-%u is finer than 64 bits can count", sh);
            return -1;
        }
        ifc->binary = true;
        ifc->shift = sh;
        ifc->units = (uint64_t)1 << sh;
    } else {
        if (res > 19) {
            fail(f, at, "IDB if_tsresol 10^-%u is finer than 64 bits can count", res);
            return -1;
        }
        ifc->units = 1;
        for (unsigned i = 0; i < res; i++) ifc->units *= 10;
        ifc->ns_mul = ifc->ns_div = 1;
        for (unsigned i = res; i < 9; i++) ifc->ns_mul *= 10;
        for (unsigned i = 9; i < res; i++) ifc->ns_div *= 10;
    }
    return 0;
}

static int add_idb(pcapfile *f, struct cursor *body, uint64_t at)
{
    if (!cur_has(body, 8)) {
        fail(f, at, "IDB of %zu bytes, too short", cur_left(body));
        return -1;
    }
    if (f->n_if >= PCAPFILE_MAX_IFACES) {
        fail(f, at, "more than %u interfaces in one section", PCAPFILE_MAX_IFACES);
        return -1;
    }
    struct iface ifc;
    memset(&ifc, 0, sizeof ifc);
    ifc.linktype = get16(body, f->be);
    cur_skip(body, 2);
    ifc.snaplen = get32(body, f->be);
    ifc.dlt = pcapfile_linktype_to_dlt(ifc.linktype);
    ifc.number = f->n_if_total;
    if (idb_options(f, body, &ifc, at) < 0) return -1;
    if (f->n_if == f->cap_if) {
        uint32_t ncap = f->cap_if ? f->cap_if * 2 : 4;
        struct iface *n = realloc(f->ifs, ncap * sizeof *n);
        if (!n) abort();
        f->ifs = n;
        f->cap_if = ncap;
    }
    f->ifs[f->n_if++] = ifc;
    f->n_if_total++;
    if (!f->seen_idb) {
        f->seen_idb = true;
        f->first_linktype = ifc.linktype;
        f->first_dlt = ifc.dlt;
    }
    return 0;
}

/* An SHB at buf + head with `have` bytes of it available (at least 12):
 * learn the section's byte order and length; returns the length, or 0 after
 * fail(). */
static uint32_t shb_length(pcapfile *f, uint64_t at)
{
    const uint8_t *b = f->buf + f->head;
    uint32_t bom = peek_le32(b + 8);
    if (bom == NG_BOM) f->be = false;
    else if (bom == 0x4D3C2B1Au) f->be = true;
    else {
        fail(f, at, "section header with a bad byte-order magic 0x%08x", bom);
        return 0;
    }
    struct cursor c = cur_init(b + 4, 4);
    return get32(&c, f->be);
}

/* A new section: check its version (1.0, or 1.2 as some writers put; the
 * versions libpcap takes) and forget the previous section's interfaces. */
static int ng_section(pcapfile *f, struct cursor *body, uint64_t at)
{
    cur_skip(body, 4);   /* byte-order magic, already read */
    unsigned major = get16(body, f->be), minor = get16(body, f->be);
    if (major != 1 || (minor != 0 && minor != 2)) {
        fail(f, at, "unsupported pcapng version %u.%u", major, minor);
        return -1;
    }
    f->n_if = 0;
    return 0;
}

/* One block: a frame (PCAPFILE_FRAME with out->data set), another block
 * handled (PCAPFILE_FRAME with out->data NULL), the end, or an error. */
static enum pcapfile_status ng_block(pcapfile *f, struct pcapfile_frame *out)
{
    uint64_t at = pos(f);
    size_t have = fill(f, 8);
    if (have < 8) return short_read(f, at, 8, have);
    const uint8_t *b = f->buf + f->head;
    struct cursor c = cur_init(b, 8);
    uint32_t type = get32(&c, f->be);
    uint32_t len;
    if (type == BT_SHB) {
        if ((have = fill(f, 12)) < 12) return short_read(f, at, 12, have);
        if (!(len = shb_length(f, at))) return PCAPFILE_ERROR;
        if (len < NG_SHB_MIN) return fail(f, at, "section header block length %u (less than %u)", len, NG_SHB_MIN);
    } else {
        len = get32(&c, f->be);
        if (len < NG_BLOCK_MIN) return fail(f, at, "block length %u (less than %u)", len, NG_BLOCK_MIN);
    }
    if (len % 4) return fail(f, at, "block length %u is not a multiple of 4", len);
    if (len > PCAPFILE_MAX_BLOCK)
        return fail(f, at, "block of %u bytes (more than the %u MB accepted)", len, PCAPFILE_MAX_BLOCK >> 20);
    bool wanted = type == BT_SHB || type == BT_IDB || type == BT_EPB || type == BT_SPB || type == BT_PB;
    if (!wanted && len > f->cap) {
        /* a big block of no interest: stream past it, checking its trailer */
        if (!skip(f, len - 4)) return short_read(f, at, len, (size_t)(pos(f) - at));
        if ((have = fill(f, 4)) < 4) return short_read(f, at, len, len - 4 + have);
        struct cursor t = cur_init(f->buf + f->head, 4);
        uint32_t tlen = get32(&t, f->be);
        if (tlen != len) return fail(f, at, "block length %u at its end differs from %u at its start", tlen, len);
        consume(f, 4);
        out->data = NULL;
        return PCAPFILE_FRAME;
    }
    if ((have = fill(f, len)) < len) return short_read(f, at, len, have);
    b = f->buf + f->head;
    struct cursor t = cur_init(b + len - 4, 4);
    uint32_t tlen = get32(&t, f->be);
    if (tlen != len) return fail(f, at, "block length %u at its end differs from %u at its start", tlen, len);
    struct cursor body = cur_init(b + 8, len - 12);
    out->data = NULL;
    uint32_t ifid = 0, caplen = 0, olen = 0;
    uint64_t t_units = 0;
    bool frame = false, spb = false;
    switch (type) {
    case BT_SHB:
        if (ng_section(f, &body, at) < 0) return PCAPFILE_ERROR;
        break;
    case BT_IDB:
        if (add_idb(f, &body, at) < 0) return PCAPFILE_ERROR;
        break;
    case BT_EPB:
    case BT_PB:
        if (!cur_has(&body, 20)) return fail(f, at, "%s of %u bytes, too short", type == BT_EPB ? "EPB" : "PB", len);
        if (type == BT_EPB) {
            ifid = get32(&body, f->be);
        } else {
            ifid = get16(&body, f->be);
            cur_skip(&body, 2);   /* drops count */
        }
        t_units = (uint64_t)get32(&body, f->be) << 32;
        t_units |= get32(&body, f->be);
        caplen = get32(&body, f->be);
        olen = get32(&body, f->be);
        if (caplen > cur_left(&body))
            return fail(f, at, "packet of %u captured bytes in a block with room for %zu", caplen, cur_left(&body));
        frame = true;
        break;
    case BT_SPB:
        if (!cur_has(&body, 4)) return fail(f, at, "SPB of %u bytes, too short", len);
        olen = get32(&body, f->be);
        spb = frame = true;
        break;
    default:
        break;   /* NRB, ISB, DSB, custom, ...: not needed */
    }
    if (frame) {
        if (ifid >= f->n_if)
            return fail(f, at, "packet on interface %u; the section describes %u", ifid, f->n_if);
        const struct iface *ifc = &f->ifs[ifid];
        if (spb) {
            /* the SPB belongs to the section's first interface and is
             * cut to its snapshot length (libpcap: the adjusted one) */
            uint32_t snap = adjust_snaplen(ifc->dlt, ifc->snaplen);
            caplen = olen < snap ? olen : snap;
            if (caplen > cur_left(&body))
                return fail(f, at, "SPB of %u bytes cannot hold its %u-byte packet", len, caplen);
        }
        out->data = cur_ptr(&body);
        out->caplen = caplen;
        out->wirelen = olen < caplen ? caplen : olen;
        uint64_t sec = t_units / ifc->units + ifc->tsoffset;
        uint64_t frac = t_units % ifc->units, ns;
        if (!ifc->binary) ns = frac * ifc->ns_mul / ifc->ns_div;
        else if (ifc->shift <= 34) ns = (frac * 1000000000u) >> ifc->shift;
        else ns = ((frac >> (ifc->shift - 34)) * 1000000000u) >> 34;
        set_time(out, sec, ns);
        out->linktype = ifc->linktype;
        out->dlt = ifc->dlt;
        out->iface = ifc->number;
        out->offset = at;
        out->swapped = f->be != HOST_BE;
        f->frames++;
    }
    consume(f, len);
    return PCAPFILE_FRAME;
}

static enum pcapfile_status ng_next(pcapfile *f, struct pcapfile_frame *out)
{
    for (;;) {
        enum pcapfile_status st = ng_block(f, out);
        if (st != PCAPFILE_FRAME || out->data) return st;
    }
}

/* ---- API ---- */

int pcapfile_fd(const pcapfile *f) { return f->fd; }

pcapfile *pcapfile_open(FILE *fp, bool close_fp, const char *name, size_t bufsize, char *err, size_t errlen)
{
    pcapfile *f = calloc(1, sizeof *f);
    if (!f) abort();
    f->fp = fp;
    f->fd = fileno(fp);
    f->close_fp = close_fp;
    snprintf(f->name, sizeof f->name, "%s", name);
    f->cap = bufsize ? bufsize : PCAPFILE_DEFAULT_BUF;
    if (f->cap < PCAPFILE_MIN_BUF) f->cap = PCAPFILE_MIN_BUF;
    f->buf = malloc(f->cap);
    if (!f->buf) abort();
    f->done = PCAPFILE_FRAME;

    size_t have = fill(f, 4);
    if (have < 4) {
        if (f->read_errno) snprintf(err, errlen, "%s", strerror(f->read_errno));
        else if (have == 0) snprintf(err, errlen, "empty file");
        else snprintf(err, errlen, "truncated file header (%zu bytes)", have);
        pcapfile_close(f);
        return NULL;
    }
    const uint8_t *b = f->buf + f->head;
    uint32_t le = peek_le32(b), be = rd_be32(b);
    int rc = -1;
    if (le == MAGIC_PCAP_USEC || le == MAGIC_PCAP_NSEC || le == MAGIC_PCAP_KUZ) {
        rc = pcap_open_hdr(f, le, false, err, errlen);
    } else if (be == MAGIC_PCAP_USEC || be == MAGIC_PCAP_NSEC || be == MAGIC_PCAP_KUZ) {
        rc = pcap_open_hdr(f, be, true, err, errlen);
    } else if (le == BT_SHB) {
        /* read up to the first IDB so the first link type is known */
        f->format = PCAPFILE_PCAPNG;
        struct pcapfile_frame fr;
        have = fill(f, 12);
        b = f->buf + f->head;
        if (have < 12 || (peek_le32(b + 8) != NG_BOM && rd_be32(b + 8) != NG_BOM)) {
            snprintf(err, errlen, have < 12 ? "truncated file header (%zu bytes)" : "unknown file format", have);
        } else {
            while (!f->seen_idb) {
                enum pcapfile_status st = ng_block(f, &fr);
                if (st == PCAPFILE_FRAME) continue;   /* no frame can come before an IDB */
                if (st == PCAPFILE_END && !f->truncated) snprintf(err, errlen, "no interface (IDB) in the pcapng file");
                else snprintf(err, errlen, "%s", f->err);
                break;
            }
            if (f->seen_idb) rc = 0;
        }
    } else {
        snprintf(err, errlen, "unknown file format");
    }
    if (rc < 0) {
        pcapfile_close(f);
        return NULL;
    }
    return f;
}

enum pcapfile_status pcapfile_next(pcapfile *f, struct pcapfile_frame *out)
{
    if (f->done != PCAPFILE_FRAME) return f->done;
    return f->format == PCAPFILE_PCAPNG ? ng_next(f, out) : pcap_next_rec(f, out);
}

void pcapfile_limit(pcapfile *f, uint64_t bytes)
{
    f->limit = bytes;
    /* what the opening read took past it goes too */
    if (bytes && f->base + f->tail > bytes) f->tail = bytes > f->base + f->head ? (size_t)(bytes - f->base) : f->head;
}

enum pcapfile_format pcapfile_format(const pcapfile *f) { return f->format; }
int pcapfile_dlt(const pcapfile *f) { return f->first_dlt; }
int pcapfile_linktype(const pcapfile *f) { return f->first_linktype; }
bool pcapfile_truncated(const pcapfile *f) { return f->truncated; }
const char *pcapfile_error(const pcapfile *f) { return f->err; }
uint64_t pcapfile_frames(const pcapfile *f) { return f->frames; }
uint64_t pcapfile_offset(const pcapfile *f) { return pos(f); }

void pcapfile_close(pcapfile *f)
{
    if (!f) return;
    if (f->close_fp && f->fp) fclose(f->fp);
    free(f->buf);
    free(f->ifs);
    free(f);
}
