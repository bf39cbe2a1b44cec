/* test_decode.c -- unit tests for sensor/decode.c.
 *
 * Frames are assembled byte by byte by the small builders below (link header,
 * IPv4/IPv6, TCP/UDP), then copied into a malloc'ed buffer of exactly their
 * length, so that under ASan any read past the end is caught at once.
 * Expected values are the ones the test itself wrote into the frame.
 */
#include "test.h"
#include "decode.h"
#include "limits.h"

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- frame builder ---- */

struct fb {
    uint8_t b[4096];
    size_t n;
};

static void put8(struct fb *f, unsigned v) { f->b[f->n++] = (uint8_t)v; }
static void put16(struct fb *f, unsigned v) { put8(f, v >> 8); put8(f, v); }
static void put32(struct fb *f, uint32_t v) { put16(f, v >> 16); put16(f, v & 0xffff); }
static void putle32(struct fb *f, uint32_t v)
{
    put8(f, v); put8(f, v >> 8); put8(f, v >> 16); put8(f, v >> 24);
}
static void putn(struct fb *f, const void *p, size_t n) { memcpy(f->b + f->n, p, n); f->n += n; }
static void putstr(struct fb *f, const char *s) { putn(f, s, strlen(s)); }
static void fill(struct fb *f, unsigned v, size_t n) { while (n--) put8(f, v); }
static void set16(struct fb *f, size_t at, unsigned v)
{
    f->b[at] = (uint8_t)(v >> 8);
    f->b[at + 1] = (uint8_t)v;
}

static const uint8_t A4_SRC[4] = { 10, 1, 2, 3 };
static const uint8_t A4_DST[4] = { 192, 168, 200, 4 };
static const uint8_t A6_SRC[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11 };
static const uint8_t A6_DST[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };

/* Ethernet: dst MAC, src MAC, type. */
static void eth(struct fb *f, unsigned type)
{
    static const uint8_t macs[12] = { 0, 1, 2, 3, 4, 5, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
    putn(f, macs, 12);
    put16(f, type);
}

/* One 802.1Q/802.1ad tag body (the TPID was the previous type field). */
static void vlan_tag(struct fb *f, unsigned pcp, unsigned vid, unsigned inner)
{
    put16(f, pcp << 13 | vid);
    put16(f, inner);
}

static void sll(struct fb *f, unsigned proto)
{
    put16(f, 0);        /* packet type: to us */
    put16(f, 1);        /* ARPHRD_ETHER */
    put16(f, 6);        /* address length */
    static const uint8_t a[8] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 0 };
    putn(f, a, 8);
    put16(f, proto);
}

static void sll2(struct fb *f, unsigned proto)
{
    put16(f, proto);
    put16(f, 0);        /* reserved */
    put32(f, 3);        /* ifindex */
    put16(f, 1);        /* ARPHRD_ETHER */
    put8(f, 4);         /* outgoing */
    put8(f, 6);
    static const uint8_t a[8] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 0 };
    putn(f, a, 8);
}

/* IPv4 header with optlen bytes of options (multiple of 4); total length is
 * patched by ip4_end(). Returns the header offset. */
static size_t ip4(struct fb *f, unsigned proto, size_t optlen, unsigned frag)
{
    size_t at = f->n;
    put8(f, 0x40 | (unsigned)(5 + optlen / 4));
    put8(f, 0);
    put16(f, 0);        /* total length, patched */
    put16(f, 0x1234);
    put16(f, frag);
    put8(f, 64);
    put8(f, proto);
    put16(f, 0xdead);   /* checksum: deliberately wrong, never checked */
    putn(f, A4_SRC, 4);
    putn(f, A4_DST, 4);
    for (size_t i = 0; i < optlen; i++) put8(f, i == optlen - 1 ? 0 : 1);   /* NOPs then EOL */
    return at;
}
static void ip4_end(struct fb *f, size_t at) { set16(f, at + 2, (unsigned)(f->n - at)); }

static size_t ip6(struct fb *f, unsigned nh)
{
    size_t at = f->n;
    put32(f, 0x60012345);
    put16(f, 0);        /* payload length, patched */
    put8(f, nh);
    put8(f, 64);
    putn(f, A6_SRC, 16);
    putn(f, A6_DST, 16);
    return at;
}
static void ip6_end(struct fb *f, size_t at) { set16(f, at + 4, (unsigned)(f->n - at - 40)); }

/* Hop-by-hop / routing / destination options: (units + 1) * 8 bytes. */
static void ip6_ext(struct fb *f, unsigned nh, unsigned units)
{
    put8(f, nh);
    put8(f, units);
    fill(f, 0, (units + 1) * 8 - 2);   /* Pad1/PadN contents don't matter */
}

static void ip6_frag(struct fb *f, unsigned nh, unsigned offset8, bool more)
{
    put8(f, nh);
    put8(f, 0);
    put16(f, offset8 << 3 | (more ? 1 : 0));
    put32(f, 0xcafe);
}

/* Authentication header: (plen + 2) * 4 bytes. */
static void ip6_ah(struct fb *f, unsigned nh, unsigned plen)
{
    put8(f, nh);
    put8(f, plen);
    fill(f, 0x5a, (plen + 2) * 4 - 2);
}

static void tcp(struct fb *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
                unsigned flags, unsigned win, size_t optlen)
{
    put16(f, sport);
    put16(f, dport);
    put32(f, seq);
    put32(f, ack);
    put8(f, (unsigned)(5 + optlen / 4) << 4);
    put8(f, flags);
    put16(f, win);
    put16(f, 0xbeef);
    put16(f, 0);
    for (size_t i = 0; i < optlen; i++) put8(f, 1);
}

static size_t udp(struct fb *f, unsigned sport, unsigned dport)
{
    size_t at = f->n;
    put16(f, sport);
    put16(f, dport);
    put16(f, 0);        /* length, patched */
    put16(f, 0);
    return at;
}
static void udp_end(struct fb *f, size_t at) { set16(f, at + 4, (unsigned)(f->n - at)); }

static const char HTTP_REQ[] = "GET /container/customers.csv HTTP/1.1\r\nHost: x\r\n\r\n";

/* An exact-length heap copy of the first n bytes, so ASan sees any over-read. */
static uint8_t *dup_n(const struct fb *f, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    if (!p) abort();
    memcpy(p, f->b, n);
    return p;
}

/* ---- invariants every decode result must satisfy ---- */

/* For any frame buf[0..len): returns true if out is self-consistent for r. */
static bool consistent(enum decode_reason r, const uint8_t *buf, size_t len, const struct pkt *o)
{
    if ((unsigned)r >= DEC__COUNT) return false;
    if (o->n_vlan > PKT_MAX_VLAN) return false;
    if (r != DEC_OK && r != DEC_OTHER_L4) return true;   /* *out undefined */
    if (o->ip_version != 4 && o->ip_version != 6) return false;
    if (!o->l3 || o->l3 < buf || o->l3_len > len || o->l3 > buf + len - o->l3_len) return false;
    if (r == DEC_OTHER_L4) return true;
    if (o->l4proto != IPPROTO_TCP && o->l4proto != IPPROTO_UDP) return false;
    if (!o->payload || o->payload < o->l3) return false;
    const uint8_t *l3end = o->l3 + o->l3_len;
    if (o->payload > l3end || o->payload_len > (size_t)(l3end - o->payload)) return false;
    if (o->payload_len > o->wire_payload_len) return false;
    if (o->truncated != (o->payload_len < o->wire_payload_len)) return false;
    return true;
}

/* ---- field-by-field tests per link type ---- */

static void check_v4_addrs(const struct pkt *o)
{
    CHECK_EQ(o->ip_version, 4);
    CHECK(memcmp(o->src, A4_SRC, 4) == 0);
    CHECK(memcmp(o->dst, A4_DST, 4) == 0);
    static const uint8_t zero[12];
    CHECK(memcmp(o->src + 4, zero, 12) == 0);
    CHECK(memcmp(o->dst + 4, zero, 12) == 0);
}

static void check_v6_addrs(const struct pkt *o)
{
    CHECK_EQ(o->ip_version, 6);
    CHECK(memcmp(o->src, A6_SRC, 16) == 0);
    CHECK(memcmp(o->dst, A6_DST, 16) == 0);
}

/* Build link header + IPv4 + TCP + HTTP_REQ; return offsets through *l3, *pl. */
static void build_v4_tcp(struct fb *f, size_t *l3, size_t *pl)
{
    *l3 = ip4(f, IPPROTO_TCP, 0, 0x4000 /* DF: not a fragment */);
    tcp(f, 51234, 80, 0x01020304, 0xa0b0c0d0, TCPF_PSH | TCPF_ACK | 0xc0, 29200, 0);
    *pl = f->n;
    putstr(f, HTTP_REQ);
    ip4_end(f, *l3);
}

static void check_v4_tcp(enum decode_reason r, const struct pkt *o, const uint8_t *buf,
                         size_t l3, size_t pl, size_t n)
{
    CHECK_EQ(r, DEC_OK);
    check_v4_addrs(o);
    CHECK_EQ(o->l4proto, IPPROTO_TCP);
    CHECK(o->l3 == buf + l3);
    CHECK_EQ(o->l3_len, n - l3);
    CHECK_EQ(o->sport, 51234);
    CHECK_EQ(o->dport, 80);
    CHECK_EQ(o->seq, 0x01020304u);
    CHECK_EQ(o->ack, 0xa0b0c0d0u);
    CHECK_EQ(o->tcp_flags, TCPF_PSH | TCPF_ACK | 0xc0);
    CHECK_EQ(o->window, 29200);
    CHECK(o->payload == buf + pl);
    CHECK_EQ(o->payload_len, strlen(HTTP_REQ));
    CHECK_EQ(o->wire_payload_len, strlen(HTTP_REQ));
    CHECK(!o->truncated);
    CHECK(o->payload && memcmp(o->payload, HTTP_REQ, strlen(HTTP_REQ)) == 0);
}

static void t_ether_ipv4_tcp(void)
{
    struct fb f = { .n = 0 };
    size_t l3, pl;
    eth(&f, 0x0800);
    build_v4_tcp(&f, &l3, &pl);
    uint8_t *buf = dup_n(&f, f.n);
    struct pkt o;
    enum decode_reason r = decode_packet(DLT_EN10MB, buf, f.n, f.n, &o);
    check_v4_tcp(r, &o, buf, l3, pl, f.n);
    CHECK_EQ(o.n_vlan, 0);
    CHECK_EQ(l3, 14);
    free(buf);
}

static void t_ether_ipv4_udp(void)
{
    struct fb f = { .n = 0 };
    eth(&f, 0x0800);
    size_t l3 = ip4(&f, IPPROTO_UDP, 0, 0);
    size_t u = udp(&f, 5353, 53);
    size_t pl = f.n;
    putstr(&f, "query-bytes");
    udp_end(&f, u);
    ip4_end(&f, l3);
    uint8_t *buf = dup_n(&f, f.n);
    struct pkt o;
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OK);
    check_v4_addrs(&o);
    CHECK_EQ(o.l4proto, IPPROTO_UDP);
    CHECK_EQ(o.sport, 5353);
    CHECK_EQ(o.dport, 53);
    CHECK(o.payload == buf + pl);
    CHECK_EQ(o.payload_len, 11);
    CHECK_EQ(o.wire_payload_len, 11);
    CHECK(!o.truncated);
    CHECK(o.l3 == buf + l3);
    CHECK_EQ(o.l3_len, f.n - l3);
    free(buf);
}

/* The same IPv4/TCP packet behind every link type we know. */
static void t_link_types(void)
{
    struct { const char *name; int dlt; int kind; } cases[] = {
        { "sll", DLT_LINUX_SLL, 0 },
        { "sll2", DLT_LINUX_SLL2, 1 },
        { "null-le", DLT_NULL, 2 },
        { "null-be", DLT_NULL, 3 },
        { "loop", DLT_LOOP, 3 },
        { "raw12", 12, 4 },
        { "raw14", 14, 4 },
        { "raw101", 101, 4 },
        { "ipv4", DLT_IPV4, 4 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fb f = { .n = 0 };
        switch (cases[i].kind) {
        case 0: sll(&f, 0x0800); break;
        case 1: sll2(&f, 0x0800); break;
        case 2: putle32(&f, 2); break;
        case 3: put32(&f, 2); break;
        default: break;
        }
        size_t link = f.n, l3, pl;
        build_v4_tcp(&f, &l3, &pl);
        CHECK_EQ(l3, link);
        CHECK(decode_link_supported(cases[i].dlt));
        uint8_t *buf = dup_n(&f, f.n);
        struct pkt o;
        enum decode_reason r = decode_packet(cases[i].dlt, buf, f.n, f.n, &o);
        if (r != DEC_OK) printf("# %s: %s\n", cases[i].name, decode_reason_name(r));
        check_v4_tcp(r, &o, buf, l3, pl, f.n);
        free(buf);
    }
    CHECK(!decode_link_supported(105));   /* 802.11 */
    CHECK(!decode_link_supported(127));   /* radiotap */
}

/* IPv6 families of DLT_NULL in both byte orders, DLT_LOOP, raw and DLT_IPV6. */
static void t_link_types_v6(void)
{
    static const uint32_t fams[] = { 24, 28, 30 };
    for (int order = 0; order < 3; order++) {
        for (size_t k = 0; k < 3; k++) {
            struct fb f = { .n = 0 };
            int dlt = DLT_NULL;
            if (order == 0) putle32(&f, fams[k]);
            else if (order == 1) put32(&f, fams[k]);
            else { put32(&f, fams[k]); dlt = DLT_LOOP; }
            size_t l3 = ip6(&f, IPPROTO_TCP);
            tcp(&f, 443, 60000, 7, 8, TCPF_ACK, 512, 0);
            putstr(&f, "xyz");
            ip6_end(&f, l3);
            uint8_t *buf = dup_n(&f, f.n);
            struct pkt o;
            CHECK_EQ(decode_packet(dlt, buf, f.n, f.n, &o), DEC_OK);
            check_v6_addrs(&o);
            CHECK_EQ(o.sport, 443);
            CHECK_EQ(o.payload_len, 3);
            CHECK(o.l3 == buf + 4);
            free(buf);
        }
    }
    int dlts[] = { 12, 14, 101, DLT_IPV6 };
    for (size_t i = 0; i < 4; i++) {
        struct fb f = { .n = 0 };
        size_t l3 = ip6(&f, IPPROTO_UDP);
        size_t u = udp(&f, 1000, 2000);
        putstr(&f, "hello");
        udp_end(&f, u);
        ip6_end(&f, l3);
        uint8_t *buf = dup_n(&f, f.n);
        struct pkt o;
        CHECK_EQ(decode_packet(dlts[i], buf, f.n, f.n, &o), DEC_OK);
        check_v6_addrs(&o);
        CHECK_EQ(o.l4proto, IPPROTO_UDP);
        CHECK_EQ(o.payload_len, 5);
        CHECK(o.payload == buf + 48);
        /* The wrong fixed-version link type is a version error. */
        CHECK_EQ(decode_packet(DLT_IPV4, buf, f.n, f.n, &o), DEC_BAD_IP_VERSION);
        free(buf);
    }
    /* SLL and SLL2 carrying IPv6. */
    for (int k = 0; k < 2; k++) {
        struct fb f = { .n = 0 };
        if (k == 0) sll(&f, 0x86dd); else sll2(&f, 0x86dd);
        size_t l3 = ip6(&f, IPPROTO_TCP);
        tcp(&f, 1, 2, 3, 4, TCPF_SYN, 5, 0);
        ip6_end(&f, l3);
        uint8_t *buf = dup_n(&f, f.n);
        struct pkt o;
        CHECK_EQ(decode_packet(k ? DLT_LINUX_SLL2 : DLT_LINUX_SLL, buf, f.n, f.n, &o), DEC_OK);
        CHECK(o.l3 == buf + (k ? 20 : 16));
        CHECK_EQ(o.tcp_flags, TCPF_SYN);
        CHECK_EQ(o.payload_len, 0);
        free(buf);
    }
}

/* ---- VLAN ---- */

static void t_vlan_qinq(void)
{
    /* 802.1ad outer 100 (PCP 5), 802.1Q inner 2000 (PCP 7, DEI-free). */
    struct fb f = { .n = 0 };
    eth(&f, 0x88a8);
    vlan_tag(&f, 5, 100, 0x8100);
    vlan_tag(&f, 7, 2000, 0x0800);
    size_t l3, pl;
    build_v4_tcp(&f, &l3, &pl);
    uint8_t *buf = dup_n(&f, f.n);
    struct pkt o;
    check_v4_tcp(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), &o, buf, l3, pl, f.n);
    CHECK_EQ(o.n_vlan, 2);
    CHECK_EQ(o.vlan[0], 100);
    CHECK_EQ(o.vlan[1], 2000);
    free(buf);

    /* Single 802.1Q tag with the highest id. */
    f.n = 0;
    eth(&f, 0x8100);
    vlan_tag(&f, 0, 4095, 0x0800);
    build_v4_tcp(&f, &l3, &pl);
    buf = dup_n(&f, f.n);
    check_v4_tcp(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), &o, buf, l3, pl, f.n);
    CHECK_EQ(o.n_vlan, 1);
    CHECK_EQ(o.vlan[0], 4095);
    free(buf);
}

/* Stacks deeper than PKT_MAX_VLAN keep the outer ids and still decode, until
 * the nesting passes LIM_DECODE_DEPTH. */
static void t_vlan_deep(void)
{
    static const unsigned tpids[] = { 0x9100, 0x88a8, 0x8100 };
    for (unsigned tags = 1; tags <= LIM_DECODE_DEPTH + 1; tags++) {
        struct fb f = { .n = 0 };
        eth(&f, tpids[0]);
        for (unsigned i = 0; i < tags; i++)
            vlan_tag(&f, 0, 10 + i, i + 1 < tags ? tpids[(i + 1) % 3] : 0x0800);
        size_t l3, pl;
        build_v4_tcp(&f, &l3, &pl);
        uint8_t *buf = dup_n(&f, f.n);
        struct pkt o;
        enum decode_reason r = decode_packet(DLT_EN10MB, buf, f.n, f.n, &o);
        /* Each tag is one level and the IP header one more. */
        if (tags + 1 <= LIM_DECODE_DEPTH) {
            check_v4_tcp(r, &o, buf, l3, pl, f.n);
            CHECK_EQ(o.n_vlan, tags < PKT_MAX_VLAN ? tags : PKT_MAX_VLAN);
            CHECK_EQ(o.vlan[0], 10);
            if (tags >= 2) CHECK_EQ(o.vlan[1], 11);
        } else {
            CHECK_EQ(r, DEC_TOO_DEEP);
        }
        free(buf);
    }
}

/* ---- IPv4 details ---- */

static void t_ipv4_options(void)
{
    for (size_t opt = 4; opt <= 40; opt += 12) {
        struct fb f = { .n = 0 };
        eth(&f, 0x0800);
        size_t l3 = ip4(&f, IPPROTO_TCP, opt, 0);
        tcp(&f, 51234, 80, 0x01020304, 0xa0b0c0d0, TCPF_PSH | TCPF_ACK | 0xc0, 29200, 12);
        size_t pl = f.n;
        putstr(&f, HTTP_REQ);
        ip4_end(&f, l3);
        uint8_t *buf = dup_n(&f, f.n);
        struct pkt o;
        check_v4_tcp(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), &o, buf, l3, pl, f.n);
        CHECK_EQ(pl, 14 + 20 + opt + 20 + 12);
        free(buf);
    }
}

/* A minimum-size Ethernet frame: 40 bytes of IPv4+TCP padded to 60 (and an
 * FCS-like trailer): the pad is not payload. */
static void t_ether_padding(void)
{
    struct fb f = { .n = 0 };
    eth(&f, 0x0800);
    size_t l3 = ip4(&f, IPPROTO_TCP, 0, 0);
    tcp(&f, 80, 51234, 99, 100, TCPF_SYN | TCPF_ACK, 65535, 0);
    ip4_end(&f, l3);
    size_t iplen = f.n - l3;
    fill(&f, 0, 60 - f.n);
    fill(&f, 0xee, 4);
    uint8_t *buf = dup_n(&f, f.n);
    struct pkt o;
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OK);
    CHECK_EQ(o.l3_len, iplen);
    CHECK_EQ(o.payload_len, 0);
    CHECK_EQ(o.wire_payload_len, 0);
    CHECK(!o.truncated);
    CHECK_EQ(o.tcp_flags, TCPF_SYN | TCPF_ACK);

    /* UDP: padding after the datagram, and a UDP length shorter than the IP
     * payload (trailing junk inside the datagram) both stay out. */
    f.n = 0;
    eth(&f, 0x0800);
    l3 = ip4(&f, IPPROTO_UDP, 0, 0);
    size_t u = udp(&f, 1, 2);
    putstr(&f, "abc");
    udp_end(&f, u);
    putstr(&f, "JUNK");
    ip4_end(&f, l3);
    iplen = f.n - l3;
    fill(&f, 0, 60 - f.n);
    free(buf);
    buf = dup_n(&f, f.n);
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OK);
    CHECK_EQ(o.l3_len, iplen);
    CHECK_EQ(o.payload_len, 3);
    CHECK_EQ(o.wire_payload_len, 3);
    CHECK(memcmp(o.payload, "abc", 3) == 0);
    CHECK(!o.truncated);
    free(buf);
}

/* Snaplen cut the frame inside the payload. */
static void t_snaplen_truncation(void)
{
    struct fb f = { .n = 0 };
    eth(&f, 0x0800);
    size_t l3, pl;
    build_v4_tcp(&f, &l3, &pl);
    size_t cut = pl + 10;
    uint8_t *buf = dup_n(&f, cut);
    struct pkt o;
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, cut, f.n, &o), DEC_OK);
    CHECK(o.truncated);
    CHECK_EQ(o.payload_len, 10);
    CHECK_EQ(o.wire_payload_len, strlen(HTTP_REQ));
    CHECK_EQ(o.l3_len, cut - l3);
    CHECK(o.payload == buf + pl);
    free(buf);

    /* Same over IPv6 and UDP. */
    f.n = 0;
    eth(&f, 0x86dd);
    l3 = ip6(&f, IPPROTO_UDP);
    size_t u = udp(&f, 9, 10);
    fill(&f, 'x', 300);
    udp_end(&f, u);
    ip6_end(&f, l3);
    cut = 14 + 40 + 8 + 100;
    buf = dup_n(&f, cut);
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, cut, f.n, &o), DEC_OK);
    CHECK(o.truncated);
    CHECK_EQ(o.payload_len, 100);
    CHECK_EQ(o.wire_payload_len, 300);
    free(buf);
}

/* Total length 0 (TSO/GSO captures): the captured length stands in, or the
 * original wire length when snaplen cut the frame. */
static void t_tso_zero_length(void)
{
    struct fb f = { .n = 0 };
    eth(&f, 0x0800);
    size_t l3, pl;
    build_v4_tcp(&f, &l3, &pl);
    set16(&f, l3 + 2, 0);
    uint8_t *buf = dup_n(&f, f.n);
    struct pkt o;
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OK);
    CHECK_EQ(o.payload_len, strlen(HTTP_REQ));
    CHECK_EQ(o.wire_payload_len, strlen(HTTP_REQ));
    CHECK(!o.truncated);
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, pl + 5, f.n, &o), DEC_OK);
    CHECK_EQ(o.payload_len, 5);
    CHECK_EQ(o.wire_payload_len, strlen(HTTP_REQ));
    CHECK(o.truncated);
    free(buf);

    /* IPv6 payload length 0 with UDP length 0 (GSO): taken from the capture. */
    f.n = 0;
    eth(&f, 0x86dd);
    ip6(&f, IPPROTO_UDP);
    udp(&f, 4789, 4790);
    fill(&f, 'u', 1000);
    buf = dup_n(&f, f.n);
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OK);
    CHECK_EQ(o.payload_len, 1000);
    CHECK_EQ(o.wire_payload_len, 1000);
    free(buf);
}

/* ---- IPv6 extension headers ---- */

static void t_ipv6_ext_headers(void)
{
    struct fb f = { .n = 0 };
    eth(&f, 0x86dd);
    size_t l3 = ip6(&f, 0);
    ip6_ext(&f, 60, 0);               /* hop-by-hop, 8 bytes */
    ip6_ext(&f, 43, 2);               /* destination options, 24 bytes */
    ip6_ext(&f, 44, 1);               /* routing, 16 bytes */
    ip6_frag(&f, 51, 0, false);       /* atomic fragment: decoded */
    ip6_ah(&f, 60, 4);                /* AH, 24 bytes */
    ip6_ext(&f, IPPROTO_TCP, 0);      /* destination options, 8 bytes */
    tcp(&f, 33000, 8080, 1, 2, TCPF_ACK | TCPF_PSH, 1000, 8);
    size_t pl = f.n;
    putstr(&f, HTTP_REQ);
    ip6_end(&f, l3);
    CHECK_EQ(pl, 14 + 40 + 8 + 24 + 16 + 8 + 24 + 8 + 28);
    uint8_t *buf = dup_n(&f, f.n);
    struct pkt o;
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OK);
    check_v6_addrs(&o);
    CHECK_EQ(o.l4proto, IPPROTO_TCP);
    CHECK_EQ(o.sport, 33000);
    CHECK_EQ(o.dport, 8080);
    CHECK(o.payload == buf + pl);
    CHECK_EQ(o.payload_len, strlen(HTTP_REQ));
    CHECK_EQ(o.wire_payload_len, strlen(HTTP_REQ));
    CHECK(o.l3 == buf + 14);
    CHECK_EQ(o.l3_len, f.n - 14);
    free(buf);

    /* ESP and No Next Header end the walk as "other L4". */
    static const unsigned ends[] = { 50, 59 };
    for (int i = 0; i < 2; i++) {
        f.n = 0;
        eth(&f, 0x86dd);
        l3 = ip6(&f, 0);
        ip6_ext(&f, ends[i], 0);
        fill(&f, 0x77, 16);
        ip6_end(&f, l3);
        buf = dup_n(&f, f.n);
        CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OTHER_L4);
        CHECK_EQ(o.l4proto, ends[i]);
        check_v6_addrs(&o);
        free(buf);
    }

    /* Exactly LIM_IPV6_EXT_HEADERS headers pass; one more is refused. */
    for (unsigned k = LIM_IPV6_EXT_HEADERS; k <= LIM_IPV6_EXT_HEADERS + 1; k++) {
        f.n = 0;
        eth(&f, 0x86dd);
        l3 = ip6(&f, 60);
        for (unsigned i = 0; i < k; i++) ip6_ext(&f, i + 1 < k ? 60 : IPPROTO_UDP, 0);
        size_t u = udp(&f, 1, 2);
        udp_end(&f, u);
        ip6_end(&f, l3);
        buf = dup_n(&f, f.n);
        CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o),
                 k <= LIM_IPV6_EXT_HEADERS ? DEC_OK : DEC_BAD_IPV6_EXT);
        free(buf);
    }
}

/* ---- fragments ---- */

static void t_fragments(void)
{
    /* IPv4: MF set (first fragment), then an offset with MF clear (last). */
    static const unsigned frags[] = { 0x2000, 0x0005, 0x4000 | 0x2000 | 0x10 };
    for (int i = 0; i < 3; i++) {
        struct fb f = { .n = 0 };
        eth(&f, 0x0800);
        size_t l3 = ip4(&f, IPPROTO_UDP, 0, frags[i]);
        fill(&f, 'f', 64);
        ip4_end(&f, l3);
        uint8_t *buf = dup_n(&f, f.n);
        struct pkt o;
        CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_FRAGMENT);
        check_v4_addrs(&o);
        CHECK_EQ(o.l4proto, IPPROTO_UDP);
        CHECK(o.l3 == buf + 14);
        CHECK_EQ(o.l3_len, 84);
        free(buf);
    }
    /* IPv6 fragment header: first (offset 0, M=1) and later (offset 100). */
    for (int i = 0; i < 2; i++) {
        struct fb f = { .n = 0 };
        eth(&f, 0x86dd);
        size_t l3 = ip6(&f, 44);
        ip6_frag(&f, IPPROTO_TCP, i ? 100 : 0, i == 0);
        fill(&f, 'g', 48);
        ip6_end(&f, l3);
        uint8_t *buf = dup_n(&f, f.n);
        struct pkt o;
        CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_FRAGMENT);
        check_v6_addrs(&o);
        CHECK_EQ(o.l4proto, IPPROTO_TCP);
        free(buf);
    }
}

/* ---- every reason, one frame each ---- */

static enum decode_reason dec_fb(int dlt, const struct fb *f, struct pkt *o)
{
    uint8_t *buf = dup_n(f, f->n);
    enum decode_reason r = decode_packet(dlt, buf, f->n, f->n, o);
    CHECK(consistent(r, buf, f->n, o));
    free(buf);
    return r;
}

static void t_error_reasons(void)
{
    struct fb f = { .n = 0 };
    struct pkt o;
    size_t l3, pl, u;

    CHECK_EQ(dec_fb(105, &f, &o), DEC_UNSUPPORTED_LINK);

    eth(&f, 0x0800);
    f.n = 13;
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_TRUNC_LINK);
    f.n = 0; sll(&f, 0x0800); f.n = 15;
    CHECK_EQ(dec_fb(DLT_LINUX_SLL, &f, &o), DEC_TRUNC_LINK);
    f.n = 0; sll2(&f, 0x0800); f.n = 19;
    CHECK_EQ(dec_fb(DLT_LINUX_SLL2, &f, &o), DEC_TRUNC_LINK);
    f.n = 0; put16(&f, 2);
    CHECK_EQ(dec_fb(DLT_NULL, &f, &o), DEC_TRUNC_LINK);

    /* Not IP: ARP, an 802.3 length field, an unknown loopback family. */
    f.n = 0; eth(&f, 0x0806); fill(&f, 0, 28);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_NOT_IP);
    f.n = 0; eth(&f, 46); fill(&f, 0xaa, 46);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_NOT_IP);
    f.n = 0; eth(&f, 0x8100); vlan_tag(&f, 0, 5, 0x88cc); fill(&f, 0, 30);   /* LLDP in a VLAN */
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_NOT_IP);
    f.n = 0; putle32(&f, 7); build_v4_tcp(&f, &l3, &pl);
    CHECK_EQ(dec_fb(DLT_NULL, &f, &o), DEC_NOT_IP);
    f.n = 0; sll(&f, 0x0004); fill(&f, 0, 20);
    CHECK_EQ(dec_fb(DLT_LINUX_SLL, &f, &o), DEC_NOT_IP);

    f.n = 0; eth(&f, 0x8100); put8(&f, 0);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_TRUNC_VLAN);

    f.n = 0; eth(&f, 0x0800); fill(&f, 0x45, 19);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_TRUNC_IP);
    f.n = 0; eth(&f, 0x86dd); fill(&f, 0x60, 39);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_TRUNC_IP);
    f.n = 0;
    CHECK_EQ(dec_fb(12, &f, &o), DEC_TRUNC_IP);

    /* Version mismatches: 6 behind 0x0800, 4 behind 0x86dd, 5 raw. */
    f.n = 0; eth(&f, 0x0800); l3 = ip6(&f, 59); ip6_end(&f, l3);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_IP_VERSION);
    f.n = 0; eth(&f, 0x86dd); build_v4_tcp(&f, &l3, &pl); fill(&f, 0, 20);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_IP_VERSION);
    f.n = 0; build_v4_tcp(&f, &l3, &pl); f.b[0] = 0x55;
    CHECK_EQ(dec_fb(12, &f, &o), DEC_BAD_IP_VERSION);

    /* IHL < 5, and IHL past the captured bytes. */
    f.n = 0; eth(&f, 0x0800); build_v4_tcp(&f, &l3, &pl); f.b[l3] = 0x44;
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_IPV4_HLEN);
    f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, 6, 0, 0); f.b[l3] = 0x4f; fill(&f, 1, 20); ip4_end(&f, l3);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_IPV4_HLEN);

    /* Total length smaller than the header. */
    f.n = 0; eth(&f, 0x0800); build_v4_tcp(&f, &l3, &pl); set16(&f, l3 + 2, 19);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_IP_LEN);
    f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, 6, 8, 0); tcp(&f, 1, 2, 3, 4, 0, 0, 0); set16(&f, l3 + 2, 24);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_IP_LEN);

    /* IPv6 extension header running past the payload length / the capture. */
    f.n = 0; eth(&f, 0x86dd); l3 = ip6(&f, 0); ip6_ext(&f, 6, 3); ip6_end(&f, l3);
    set16(&f, l3 + 4, 16);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_IPV6_EXT);
    f.n = 0; eth(&f, 0x86dd); l3 = ip6(&f, 0); ip6_ext(&f, 6, 3); ip6_end(&f, l3); f.n -= 1;
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_IPV6_EXT);
    f.n = 0; eth(&f, 0x86dd); l3 = ip6(&f, 44); put8(&f, 6); ip6_end(&f, l3);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_IPV6_EXT);

    /* TCP: short header, data offset < 5, data offset past the bytes / datagram. */
    f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, 6, 0, 0); fill(&f, 0, 19); ip4_end(&f, l3);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_TRUNC_TCP);
    f.n = 0; eth(&f, 0x0800); build_v4_tcp(&f, &l3, &pl); f.b[l3 + 20 + 12] = 0x40;
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_TCP_HLEN);
    f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, 6, 0, 0); tcp(&f, 1, 2, 3, 4, 0, 0, 0);
    f.b[l3 + 20 + 12] = 0xf0; fill(&f, 0, 20); ip4_end(&f, l3);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_TRUNC_TCP);
    f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, 6, 0, 0); tcp(&f, 1, 2, 3, 4, 0, 0, 8);
    ip4_end(&f, l3); set16(&f, l3 + 2, 20 + 24); fill(&f, 0, 10);   /* header 28 > IP says 24 */
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_TRUNC_TCP);

    /* UDP: short header, length < 8, length > IP payload. */
    f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, 17, 0, 0); fill(&f, 0, 7); ip4_end(&f, l3);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_TRUNC_UDP);
    f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, 17, 0, 0); u = udp(&f, 1, 2); fill(&f, 0, 4);
    ip4_end(&f, l3); set16(&f, u + 4, 7);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_UDP_LEN);
    f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, 17, 0, 0); u = udp(&f, 1, 2); fill(&f, 0, 4);
    ip4_end(&f, l3); set16(&f, u + 4, 13);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_UDP_LEN);
    f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, 17, 0, 0); u = udp(&f, 1, 2); fill(&f, 0, 4);
    ip4_end(&f, l3); set16(&f, u + 4, 0);   /* 0 only passes when the IP length was 0 */
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_UDP_LEN);

    /* Other protocols: ICMP, SCTP, IP-in-IP, 6in4: L3 filled, "other L4". */
    static const unsigned others[] = { 1, 132, 4, 41, 47 };
    for (int i = 0; i < 5; i++) {
        f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, others[i], 0, 0); fill(&f, 0x11, 28); ip4_end(&f, l3);
        uint8_t *buf = dup_n(&f, f.n);
        CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OTHER_L4);
        CHECK_EQ(o.l4proto, others[i]);
        check_v4_addrs(&o);
        CHECK(o.l3 == buf + 14);
        CHECK_EQ(o.l3_len, 48);
        free(buf);
    }
    f.n = 0; eth(&f, 0x86dd); l3 = ip6(&f, 58); fill(&f, 0, 8); ip6_end(&f, l3);
    CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_OTHER_L4);
    CHECK_EQ(o.l4proto, 58);
}

static void t_reason_names(void)
{
    for (int i = 0; i < DEC__COUNT; i++) {
        const char *n = decode_reason_name((enum decode_reason)i);
        CHECK(n && *n && strcmp(n, "unknown") != 0);
        for (int j = 0; j < i; j++) CHECK(strcmp(n, decode_reason_name((enum decode_reason)j)) != 0);
    }
    CHECK_STR(decode_reason_name(DEC_TRUNC_IP), "trunc_ip");
    CHECK_STR(decode_reason_name(DEC__COUNT), "unknown");
}

/* ---- truncation at every length, and random damage ---- */

struct sample {
    const char *name;
    int dlt;
    struct fb f;
};

/* A set of valid TCP/UDP frames over every link type and header variety. */
static size_t make_samples(struct sample *s)
{
    size_t n = 0, l3, pl, u;
    struct fb *f;

#define NEXT(nm, d) (s[n].name = (nm), s[n].dlt = (d), s[n].f.n = 0, f = &s[n++].f)
    NEXT("eth-v4-tcp", DLT_EN10MB); eth(f, 0x0800); build_v4_tcp(f, &l3, &pl);
    NEXT("qinq-v4-tcp", DLT_EN10MB); eth(f, 0x88a8); vlan_tag(f, 1, 7, 0x8100);
    vlan_tag(f, 2, 8, 0x9100); vlan_tag(f, 3, 9, 0x0800); build_v4_tcp(f, &l3, &pl);
    NEXT("eth-v4opt-tcpopt", DLT_EN10MB); eth(f, 0x0800); l3 = ip4(f, 6, 12, 0);
    tcp(f, 1, 2, 3, 4, TCPF_ACK, 9, 20); putstr(f, HTTP_REQ); ip4_end(f, l3);
    NEXT("eth-v4-syn-padded", DLT_EN10MB); eth(f, 0x0800); l3 = ip4(f, 6, 0, 0);
    tcp(f, 1, 2, 3, 4, TCPF_SYN, 9, 0); ip4_end(f, l3); fill(f, 0, 6);
    NEXT("eth-v4-udp-padded", DLT_EN10MB); eth(f, 0x0800); l3 = ip4(f, 17, 0, 0);
    u = udp(f, 53, 5353); putstr(f, "dns"); udp_end(f, u); ip4_end(f, l3); fill(f, 0, 15);
    NEXT("eth-v6-ext-tcp", DLT_EN10MB); eth(f, 0x86dd); l3 = ip6(f, 0); ip6_ext(f, 44, 1);
    ip6_frag(f, 51, 0, false); ip6_ah(f, 6, 1); tcp(f, 1, 2, 3, 4, TCPF_FIN, 9, 4);
    putstr(f, HTTP_REQ); ip6_end(f, l3);
    NEXT("eth-v6-udp", DLT_EN10MB); eth(f, 0x86dd); l3 = ip6(f, 17); u = udp(f, 1, 2);
    putstr(f, "hello"); udp_end(f, u); ip6_end(f, l3);
    NEXT("sll-v4-tcp", DLT_LINUX_SLL); sll(f, 0x0800); build_v4_tcp(f, &l3, &pl);
    NEXT("sll2-v6-tcp", DLT_LINUX_SLL2); sll2(f, 0x86dd); l3 = ip6(f, 6);
    tcp(f, 1, 2, 3, 4, TCPF_RST, 0, 0); putstr(f, "x"); ip6_end(f, l3);
    NEXT("null-v4-tcp", DLT_NULL); putle32(f, 2); build_v4_tcp(f, &l3, &pl);
    NEXT("loop-v6-udp", DLT_LOOP); put32(f, 30); l3 = ip6(f, 17); u = udp(f, 1, 2);
    putstr(f, "q"); udp_end(f, u); ip6_end(f, l3);
    NEXT("raw-v4-tcp", 12); build_v4_tcp(f, &l3, &pl);
    NEXT("raw-v6-tcp", DLT_IPV6); l3 = ip6(f, 60); ip6_ext(f, 6, 1);
    tcp(f, 1, 2, 3, 4, TCPF_URG, 9, 0); putstr(f, "abcdef"); ip6_end(f, l3);
#undef NEXT
    return n;
}

static bool same_fields(const struct pkt *a, const struct pkt *b)
{
    return a->ip_version == b->ip_version && a->l4proto == b->l4proto &&
           !memcmp(a->src, b->src, 16) && !memcmp(a->dst, b->dst, 16) &&
           a->n_vlan == b->n_vlan && !memcmp(a->vlan, b->vlan, sizeof a->vlan) &&
           a->sport == b->sport && a->dport == b->dport && a->seq == b->seq &&
           a->ack == b->ack && a->window == b->window && a->tcp_flags == b->tcp_flags &&
           a->wire_payload_len == b->wire_payload_len;
}

/* Cut each sample at every length 0..full. The headers are complete exactly
 * when cut >= the payload offset: below that decode must refuse, at or above
 * it must succeed with the same fields and the captured part of the payload. */
static void t_truncate_every_length(void)
{
    static struct sample s[32];
    size_t ns = make_samples(s);
    for (size_t i = 0; i < ns; i++) {
        const struct fb *f = &s[i].f;
        uint8_t *full = dup_n(f, f->n);
        struct pkt ref;
        enum decode_reason rr = decode_packet(s[i].dlt, full, f->n, f->n, &ref);
        if (rr != DEC_OK) printf("# %s: %s\n", s[i].name, decode_reason_name(rr));
        CHECK_EQ(rr, DEC_OK);
        CHECK(!ref.truncated);
        size_t pl_off = (size_t)(ref.payload - full);
        size_t pl_end = pl_off + ref.payload_len;
        free(full);
        if (rr != DEC_OK) continue;

        for (size_t cut = 0; cut <= f->n; cut++) {
            uint8_t *buf = dup_n(f, cut);
            struct pkt o;
            enum decode_reason r = decode_packet(s[i].dlt, buf, cut, f->n, &o);
            CHECK(consistent(r, buf, cut, &o));
            if (cut < pl_off) {
                CHECK(r != DEC_OK);
            } else {
                CHECK_EQ(r, DEC_OK);
                if (r == DEC_OK) {
                    CHECK(same_fields(&o, &ref));
                    CHECK(o.payload == buf + pl_off);
                    CHECK_EQ(o.payload_len, (cut < pl_end ? cut : pl_end) - pl_off);
                    CHECK_EQ(o.truncated, cut < pl_end);
                }
            }
            free(buf);
        }
    }
}

/* Deterministic random damage: flip bytes, cut anywhere; every result must be
 * consistent, and ASan must stay quiet. */
static void t_random_damage(void)
{
    static struct sample s[32];
    size_t ns = make_samples(s);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    unsigned ok = 0, total = 0;
    for (size_t i = 0; i < ns; i++) {
        for (int it = 0; it < 3000; it++) {
            struct fb f = s[i].f;
            int flips = 1 + (int)(x % 4);
            for (int k = 0; k < flips; k++) {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                f.b[x % f.n] = (uint8_t)(x >> 32);
            }
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            size_t cut = (x >> 40) % 4 ? f.n : (size_t)(x % (f.n + 1));
            uint8_t *buf = dup_n(&f, cut);
            struct pkt o;
            enum decode_reason r = decode_packet(s[i].dlt, buf, cut, f.n, &o);
            CHECK(consistent(r, buf, cut, &o));
            ok += r == DEC_OK;
            total++;
            free(buf);
        }
    }
    /* Most single-byte hits land in payload or don't-care fields. */
    CHECK(ok > total / 4);
    CHECK(ok < total);
}

/* ---- real captures ---- */

static const char *pcap_dir(void)
{
    static const char *const dirs[] = { "../shared/pcaps", "../../shared/pcaps" };
    const char *env = getenv("BW_PCAPS");
    if (env && *env) return env;
    for (size_t i = 0; i < 2; i++) {
        char probe[512];
        snprintf(probe, sizeof probe, "%s/MANIFEST.tsv", dirs[i]);
        FILE *fp = fopen(probe, "r");
        if (fp) { fclose(fp); return dirs[i]; }
    }
    return NULL;
}

/* TCP payload bytes of a file as tshark counted them (sum of tcp.len), from
 * the manifest, or -1 if the file is not listed. */
static long long manifest_tcp_bytes(const char *dir, const char *file)
{
    char path[512], line[8192];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir);
    FILE *fp = fopen(path, "r");
    if (!fp) return -1;
    long long v = -1;
    size_t fl = strlen(file);
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, file, fl) != 0 || line[fl] != '\t') continue;
        char *col = line;
        for (int i = 0; i < 16 && col; i++) {
            col = strchr(col, '\t');
            if (col) col++;
        }
        if (col) v = strtoll(col, NULL, 10);
        break;
    }
    fclose(fp);
    return v;
}

struct pcap_tally {
    unsigned long frames, tcp, udp, by_reason[DEC__COUNT];
    unsigned long long tcp_wire_bytes, tcp_cap_bytes;
    int dlt;
    bool inconsistent;
};

static int tally_file(const char *path, struct pcap_tally *t)
{
    char err[PCAP_ERRBUF_SIZE];
    memset(t, 0, sizeof *t);
    pcap_t *pc = pcap_open_offline(path, err);
    if (!pc) return -1;
    t->dlt = pcap_datalink(pc);
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
        struct pkt o;
        /* Exact-length copy so ASan sees over-reads here too. */
        uint8_t *buf = malloc(h->caplen ? h->caplen : 1);
        if (!buf) abort();
        memcpy(buf, data, h->caplen);
        enum decode_reason r = decode_packet(t->dlt, buf, h->caplen, h->len, &o);
        if (!consistent(r, buf, h->caplen, &o)) t->inconsistent = true;
        t->frames++;
        t->by_reason[r < DEC__COUNT ? r : 0]++;
        if (r == DEC_OK && o.l4proto == IPPROTO_TCP) {
            t->tcp++;
            t->tcp_wire_bytes += o.wire_payload_len;
            t->tcp_cap_bytes += o.payload_len;
        } else if (r == DEC_OK) {
            t->udp++;
        }
        free(buf);
    }
    pcap_close(pc);
    return 0;
}

/* HTTP captures over each link type: no crash, TCP found, and TCP payload
 * bytes equal to tshark's count from the manifest (no tunnels or fragments
 * in these, so every TCP segment is one we decode). */
static void t_real_captures(void)
{
    const char *dir = pcap_dir();
    if (!dir) { test_skip("../shared/pcaps absent"); return; }
    static const char *const files[] = {
        "scapy/test/pcaps/http_compressed.pcap",                              /* ether */
        "suricata-verify/tests/lua/lua-scflowvarget/input.pcap",              /* ether */
        "chrissanders-packets/http_ip4and6.pcapng",                           /* ether v4+v6 */
        "suricata-verify/tests/security-4710-01/input.pcap",                  /* sll */
        "ndpi/tests/cfgs/default/pcap/log4j-webapp-exploit.pcap",             /* sll */
        "suricata-verify/tests/decode-sll2-01/input.pcap",                    /* sll2 */
        "suricata-verify/tests/datasets-11-longstring/input.pcap",            /* null */
        "suricata-verify/tests/http-post-file/input.pcap",                    /* null v6 */
        "ndpi/tests/cfgs/default/pcap/http-crash-content-disposition.pcap",   /* raw */
        "zeek/testing/btest/Traces/http/basic-auth-with-colon.pcap",          /* ipv4 */
    };
    unsigned seen = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        struct pcap_tally t;
        if (tally_file(path, &t) != 0) { printf("# cannot open %s\n", path); CHECK(0); continue; }
        seen++;
        long long want = manifest_tcp_bytes(dir, files[i]);
        printf("# %-70s dlt %3d frames %4lu tcp %4lu bytes %llu (tshark %lld)\n", files[i], t.dlt,
               t.frames, t.tcp, t.tcp_wire_bytes, want);
        CHECK(decode_link_supported(t.dlt));
        CHECK(!t.inconsistent);
        CHECK(t.tcp > 0);
        CHECK(t.tcp_cap_bytes > 0);
        CHECK(want >= 0);
        CHECK_EQ(t.tcp_wire_bytes, (unsigned long long)want);
        CHECK_EQ(t.by_reason[DEC_UNSUPPORTED_LINK], 0);
    }
    CHECK(seen > 0);
}

/* Optional (BW_DECODE_SWEEP=1): every capture in the folder, checking only
 * consistency and no crash; prints files whose TCP byte count differs from
 * tshark's for a human to look at (tunnels, fragments and 802.11 do). */
static void t_sweep_all_captures(void)
{
    const char *dir = pcap_dir();
    const char *on = getenv("BW_DECODE_SWEEP");
    if (!dir || !on || strcmp(on, "1") != 0) { test_skip("set BW_DECODE_SWEEP=1 (and have ../shared/pcaps)"); return; }
    char path[1024], line[8192];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir);
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    if (!fp) return;
    unsigned long files = 0, frames = 0, match = 0, differ = 0;
    unsigned long reasons[DEC__COUNT] = { 0 };
    if (!fgets(line, sizeof line, fp)) line[0] = 0;   /* header row */
    while (fgets(line, sizeof line, fp)) {
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        snprintf(path, sizeof path, "%s/%s", dir, line);
        struct pcap_tally t;
        if (tally_file(path, &t) != 0) continue;
        files++;
        frames += t.frames;
        for (int r = 0; r < DEC__COUNT; r++) reasons[r] += t.by_reason[r];
        CHECK(!t.inconsistent);
        if (!decode_link_supported(t.dlt)) continue;
        long long want = manifest_tcp_bytes(dir, line);
        if (want == (long long)t.tcp_wire_bytes) match++;
        else { differ++; printf("# differ %s: ours %llu tshark %lld\n", line, t.tcp_wire_bytes, want); }
    }
    fclose(fp);
    printf("# %lu files, %lu frames; tcp bytes match tshark in %lu, differ in %lu\n",
           files, frames, match, differ);
    for (int r = 0; r < DEC__COUNT; r++)
        printf("#   %-18s %lu\n", decode_reason_name((enum decode_reason)r), reasons[r]);
    CHECK(files > 0);
}

int main(void)
{
    RUN(t_ether_ipv4_tcp);
    RUN(t_ether_ipv4_udp);
    RUN(t_link_types);
    RUN(t_link_types_v6);
    RUN(t_vlan_qinq);
    RUN(t_vlan_deep);
    RUN(t_ipv4_options);
    RUN(t_ether_padding);
    RUN(t_snaplen_truncation);
    RUN(t_tso_zero_length);
    RUN(t_ipv6_ext_headers);
    RUN(t_fragments);
    RUN(t_error_reasons);
    RUN(t_reason_names);
    RUN(t_truncate_every_length);
    RUN(t_random_damage);
    RUN(t_real_captures);
    RUN(t_sweep_all_captures);
    return test_done();
}
