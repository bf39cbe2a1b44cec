/* test_decode.c -- unit tests for sensor/decode.c.
 *
 * Frames are assembled byte by byte by the builders in decode_frames.h (link
 * header, IPv4/IPv6, TCP/UDP), then copied into a malloc'ed buffer of exactly
 * their length, so that under ASan any read past the end is caught at once.
 * Expected values are the ones the test itself wrote into the frame; every
 * field of struct pkt is checked for each link type.
 */
#include "test.h"
#include "decode.h"
#include "decode_frames.h"
#include "limits.h"

#include <pcap/dlt.h>

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

/* Every field of the build_v4_tcp() packet, l3/pl being its offsets. */
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

/* An IP length larger than the frame had on the wire (caplen == wirelen):
 * not a snaplen cut, the header lies; the wire length wins. */
static void t_ip_length_exceeds_wire(void)
{
    struct fb f = { .n = 0 };
    eth(&f, 0x0800);
    size_t l3, pl;
    build_v4_tcp(&f, &l3, &pl);
    set16(&f, l3 + 2, 1500);
    uint8_t *buf = dup_n(&f, f.n);
    struct pkt o;
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OK);
    CHECK_EQ(o.payload_len, strlen(HTTP_REQ));
    CHECK_EQ(o.wire_payload_len, strlen(HTTP_REQ));
    CHECK(!o.truncated);
    CHECK_EQ(o.l3_len, f.n - l3);
    /* With a wire length beyond the capture, the cut is real, but only up to
     * what the wire had. */
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n + 100, &o), DEC_OK);
    CHECK_EQ(o.payload_len, strlen(HTTP_REQ));
    CHECK_EQ(o.wire_payload_len, strlen(HTTP_REQ) + 100);
    CHECK(o.truncated);
    free(buf);

    f.n = 0;
    eth(&f, 0x86dd);
    l3 = ip6(&f, IPPROTO_TCP);
    tcp(&f, 1, 2, 3, 4, TCPF_ACK, 5, 0);
    putstr(&f, "abcd");
    set16(&f, l3 + 4, 9000);
    buf = dup_n(&f, f.n);
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OK);
    CHECK_EQ(o.payload_len, 4);
    CHECK_EQ(o.wire_payload_len, 4);
    CHECK(!o.truncated);
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
    /* An atomic fragment (offset 0, M clear) is whole, reserved bits or not. */
    struct fb f = { .n = 0 };
    eth(&f, 0x86dd);
    size_t l3 = ip6(&f, 44);
    ip6_frag(&f, IPPROTO_UDP, 0, false);
    f.b[f.n - 5] |= 0x06;
    size_t u = udp(&f, 7, 8);
    putstr(&f, "whole");
    udp_end(&f, u);
    ip6_end(&f, l3);
    uint8_t *buf = dup_n(&f, f.n);
    struct pkt o;
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OK);
    CHECK_EQ(o.l4proto, IPPROTO_UDP);
    CHECK_EQ(o.payload_len, 5);
    CHECK(o.payload == buf + 14 + 40 + 8 + 8);
    free(buf);
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

    /* Other protocols: ICMP, SCTP: L3 filled, "other L4". (IP-in-IP, 6in4 and
     * GRE are tunnels, see test_tunnel.c: junk behind them is not IP.) */
    static const unsigned others[] = { 1, 132 };
    for (int i = 0; i < 2; i++) {
        f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, others[i], 0, 0); fill(&f, 0x11, 28); ip4_end(&f, l3);
        uint8_t *buf = dup_n(&f, f.n);
        CHECK_EQ(decode_packet(DLT_EN10MB, buf, f.n, f.n, &o), DEC_OTHER_L4);
        CHECK_EQ(o.l4proto, others[i]);
        check_v4_addrs(&o);
        CHECK(o.l3 == buf + 14);
        CHECK_EQ(o.l3_len, 48);
        free(buf);
    }
    static const unsigned tunnels[] = { 4, 41 };
    for (int i = 0; i < 2; i++) {
        f.n = 0; eth(&f, 0x0800); l3 = ip4(&f, tunnels[i], 0, 0); fill(&f, 0x11, 48); ip4_end(&f, l3);
        CHECK_EQ(dec_fb(DLT_EN10MB, &f, &o), DEC_BAD_IP_VERSION);
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
    RUN(t_ip_length_exceeds_wire);
    RUN(t_tso_zero_length);
    RUN(t_ipv6_ext_headers);
    RUN(t_fragments);
    RUN(t_error_reasons);
    RUN(t_reason_names);
    return test_done();
}
