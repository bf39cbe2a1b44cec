/* test_tunnel.c -- decapsulation in sensor/decode_tunnel.c.
 *
 * Each frame is built byte by byte (decode_frames.h builders plus the tunnel
 * headers below): an outer IP with addresses of its own (OUT_SRC/OUT_DST),
 * the tunnel header, and the inner IPv4/TCP packet of build_v4_tcp(). The
 * checks: the packet decodes to the INNER addresses, ports and payload (at
 * the offsets the builder recorded), the tunnel type and id written into the
 * header are reported, and the carrier's VLAN tags are forgotten for overlays.
 * Every frame is then cut at every length and bit-flipped, and each result
 * must still be self-consistent (ASan catches any over-read).
 */
#include "test.h"
#include "decode.h"
#include "decode_frames.h"
#include "config.h"
#include "flow.h"
#include "limits.h"

#include <pcap/dlt.h>

static const uint8_t OUT_SRC[4] = { 172, 16, 0, 1 };
static const uint8_t OUT_DST[4] = { 172, 16, 0, 2 };

/* Outer IPv4 with its own addresses; total length patched by ip4_end(). */
static size_t outer_ip4(struct fb *f, unsigned proto)
{
    size_t at = f->n;
    put8(f, 0x45); put8(f, 0); put16(f, 0); put16(f, 0x7777); put16(f, 0x4000);
    put8(f, 63); put8(f, proto); put16(f, 0);
    putn(f, OUT_SRC, 4);
    putn(f, OUT_DST, 4);
    return at;
}

/* Inner Ethernet + IPv4 + TCP + HTTP_REQ; offsets of its IP header and payload. */
static void inner_eth(struct fb *f, size_t *l3, size_t *pl)
{
    eth(f, 0x0800);
    build_v4_tcp(f, l3, pl);
}

struct built {
    struct fb f;
    size_t l3, pl;     /* inner offsets */
};

/* Decode b's frame from an exact-length copy; checks the inner packet. */
static enum decode_reason run(const struct decode_opts *opts, const struct built *b, struct pkt *o, bool inner_ok)
{
    uint8_t *buf = dup_n(&b->f, b->f.n);
    enum decode_reason r = decode_frame(opts, DLT_EN10MB, buf, b->f.n, b->f.n, o);
    CHECK(consistent(r, buf, b->f.n, o));
    if (inner_ok) {
        CHECK_EQ(r, DEC_OK);
        CHECK_EQ(o->ip_version, 4);
        CHECK(memcmp(o->src, A4_SRC, 4) == 0);   /* never the outer addresses */
        CHECK(memcmp(o->dst, A4_DST, 4) == 0);
        CHECK_EQ(o->l4proto, IPPROTO_TCP);
        CHECK_EQ(o->sport, 51234);
        CHECK_EQ(o->dport, 80);
        CHECK(o->l3 == buf + b->l3);
        CHECK(o->payload == buf + b->pl);
        CHECK_EQ(o->payload_len, strlen(HTTP_REQ));
        CHECK(!o->truncated);
    }
    free(buf);
    return r;
}

/* ---- UDP tunnels ---- */

static void build_vxlan(struct built *b, unsigned port, uint32_t vni, uint8_t flags, int outer_vlan, int inner_vlan)
{
    struct fb *f = &b->f;
    f->n = 0;
    if (outer_vlan >= 0) { eth(f, 0x8100); vlan_tag(f, 0, (unsigned)outer_vlan, 0x0800); }
    else eth(f, 0x0800);
    size_t ip = outer_ip4(f, IPPROTO_UDP);
    size_t u = udp(f, 55555, port);
    put8(f, flags); put8(f, 0); put16(f, 0);
    put32(f, vni << 8);
    if (inner_vlan >= 0) {
        eth(f, 0x8100);
        vlan_tag(f, 0, (unsigned)inner_vlan, 0x0800);
        build_v4_tcp(f, &b->l3, &b->pl);
    } else {
        inner_eth(f, &b->l3, &b->pl);
    }
    udp_end(f, u);
    ip4_end(f, ip);
}

static void t_vxlan(void)
{
    struct built b;
    struct pkt o;
    build_vxlan(&b, 4789, 0x123456, 0x08, -1, -1);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_VXLAN);
    CHECK_EQ(o.tunnel_id, 0x123456);
    CHECK_EQ(o.tenant_id, 0x123456);
    CHECK_EQ(o.n_tunnels, 1);
    CHECK_EQ(o.n_vlan, 0);

    /* the carrier's VLAN is the mirror transport's: forgotten; the tenant's kept */
    build_vxlan(&b, 4789, 77, 0x08, 300, 12);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_id, 77);
    CHECK_EQ(o.n_vlan, 1);
    CHECK_EQ(o.vlan[0], 12);

    /* the inner IP claims more than the outer UDP datagram carried (and the
     * frame has padding after it): the carrier's length wins, not a snaplen cut */
    build_vxlan(&b, 4789, 5, 0x08, -1, -1);
    set16(&b.f, b.l3 + 2, (unsigned)(b.f.n - b.l3 + 100));
    fill(&b.f, 0, 8);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_OK);
    CHECK_EQ(o.payload_len, strlen(HTTP_REQ));
    CHECK_EQ(o.wire_payload_len, strlen(HTTP_REQ));
    CHECK(!o.truncated);

    /* I flag clear: not VXLAN, the outer UDP packet is the packet */
    build_vxlan(&b, 4789, 5, 0x00, -1, -1);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_OK);
    CHECK_EQ(o.tunnel_type, TUN_NONE);
    CHECK_EQ(o.dport, 4789);
    CHECK(memcmp(o.src, OUT_SRC, 4) == 0);
}

static void t_vxlan_ports(void)
{
    struct decode_opts op;
    char err[128];
    decode_opts_default(&op);
    CHECK_EQ(decode_opts_vxlan_ports(&op, "4789,8472", err, sizeof err), 0);
    CHECK_EQ(op.n_vxlan_ports, 2);
    CHECK_EQ(op.vxlan_ports[1], 8472);
    struct built b;
    struct pkt o;
    build_vxlan(&b, 8472, 99, 0x08, -1, -1);
    run(&op, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_VXLAN);
    CHECK_EQ(o.tunnel_id, 99);
    /* default options: 8472 is plain UDP */
    CHECK_EQ(run(NULL, &b, &o, false), DEC_OK);
    CHECK_EQ(o.tunnel_type, TUN_NONE);
    CHECK_EQ(o.dport, 8472);
    /* "none": no VXLAN at all, even on 4789 */
    CHECK_EQ(decode_opts_vxlan_ports(&op, "none", err, sizeof err), 0);
    CHECK_EQ(op.n_vxlan_ports, 0);
    build_vxlan(&b, 4789, 99, 0x08, -1, -1);
    CHECK_EQ(run(&op, &b, &o, false), DEC_OK);
    CHECK_EQ(o.tunnel_type, TUN_NONE);
    /* bad lists leave the options alone */
    static const char *const bad[] = { "0", "70000", "a", "1,,2", "12x", ",", "1,2,3,4,5,6,7,8,9" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_EQ(decode_opts_vxlan_ports(&op, bad[i], err, sizeof err), -1);
        CHECK_EQ(op.n_vxlan_ports, 0);
    }
}

static void build_geneve(struct built *b, unsigned proto, unsigned optwords, uint32_t vni)
{
    struct fb *f = &b->f;
    f->n = 0;
    eth(f, 0x0800);
    size_t ip = outer_ip4(f, IPPROTO_UDP);
    size_t u = udp(f, 40000, 6081);
    put8(f, optwords); put8(f, 0); put16(f, proto);
    put32(f, vni << 8);
    fill(f, 0xa5, optwords * 4);
    if (proto == 0x6558) inner_eth(f, &b->l3, &b->pl);
    else build_v4_tcp(f, &b->l3, &b->pl);
    udp_end(f, u);
    ip4_end(f, ip);
}

static void t_geneve(void)
{
    struct built b;
    struct pkt o;
    build_geneve(&b, 0x6558, 2, 0xabcdef);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_GENEVE);
    CHECK_EQ(o.tunnel_id, 0xabcdef);
    build_geneve(&b, 0x0800, 0, 4);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_GENEVE);
    CHECK_EQ(o.tunnel_id, 4);
    /* an unknown protocol type is not a tunnel we read: UDP */
    build_geneve(&b, 0x1234, 0, 4);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_OK);
    CHECK_EQ(o.tunnel_type, TUN_NONE);
    CHECK_EQ(o.dport, 6081);
}

/* ---- GRE and ERSPAN ---- */

enum { GC = 0x8000, GR = 0x4000, GK = 0x2000, GS = 0x1000 };

/* GRE header with the optional fields its flags call for. */
static void gre(struct fb *f, unsigned flags, unsigned proto, uint32_t key)
{
    put16(f, flags);
    put16(f, proto);
    if (flags & (GC | GR)) put32(f, 0xffff0000);
    if (flags & GK) put32(f, key);
    if (flags & GS) put32(f, 42);
}

static void t_gre(void)
{
    struct built b;
    struct fb *f = &b.f;
    struct pkt o;

    /* plain GRE carrying IPv4 */
    f->n = 0; eth(f, 0x0800);
    size_t ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, 0, 0x0800, 0);
    build_v4_tcp(f, &b.l3, &b.pl);
    ip4_end(f, ip);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_GRE);
    CHECK_EQ(o.tunnel_id, 0);

    /* keyed, with checksum and sequence, bridged Ethernet (NVGRE-like) */
    f->n = 0; eth(f, 0x8100); vlan_tag(f, 0, 55, 0x0800);
    ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GC | GK | GS, 0x6558, 0xabcdef01);
    inner_eth(f, &b.l3, &b.pl);
    ip4_end(f, ip);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_GRE);
    CHECK_EQ(o.tunnel_id, 0xabcdef01);
    CHECK_EQ(o.n_vlan, 0);

    /* GRE over IPv6 */
    f->n = 0; eth(f, 0x86dd);
    size_t ip6at = ip6(f, IPPROTO_GRE);
    gre(f, GK, 0x0800, 9);
    build_v4_tcp(f, &b.l3, &b.pl);
    ip6_end(f, ip6at);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_id, 9);

    /* routing present (RFC 1701): refused; PPTP (version 1): a GRE packet */
    f->n = 0; eth(f, 0x0800);
    ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GR, 0x0800, 0);
    build_v4_tcp(f, &b.l3, &b.pl);
    ip4_end(f, ip);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_BAD_TUNNEL);
    f->n = 0; eth(f, 0x0800);
    ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GK | 1, 0x880b, 0);
    fill(f, 0, 20);
    ip4_end(f, ip);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_OTHER_L4);
    CHECK_EQ(o.l4proto, IPPROTO_GRE);
    CHECK(memcmp(o.src, OUT_SRC, 4) == 0);

    /* cut inside the key */
    f->n = 0; eth(f, 0x0800);
    ip = outer_ip4(f, IPPROTO_GRE);
    put16(f, GK); put16(f, 0x6558); put16(f, 1);
    ip4_end(f, ip);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_TRUNC_TUNNEL);
}

static void t_erspan(void)
{
    struct built b;
    struct fb *f = &b.f;
    struct pkt o;

    /* type II: GRE with sequence, ERSPAN header version 1, session 0x155 */
    f->n = 0; eth(f, 0x0800);
    size_t ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GS, 0x88be, 0);
    put16(f, 1 << 12 | 10); put16(f, 0x155); put32(f, 7);
    inner_eth(f, &b.l3, &b.pl);
    ip4_end(f, ip);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_ERSPAN2);
    CHECK_EQ(o.tunnel_id, 0x155);

    /* type I: no sequence number, no ERSPAN header */
    f->n = 0; eth(f, 0x0800);
    ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, 0, 0x88be, 0);
    inner_eth(f, &b.l3, &b.pl);
    ip4_end(f, ip);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_ERSPAN2);
    CHECK_EQ(o.tunnel_id, 0);

    /* type III with the optional platform sub-header, Ethernet frame */
    f->n = 0; eth(f, 0x0800);
    ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GS, 0x22eb, 0);
    put16(f, 2 << 12); put16(f, 0x2aa); put32(f, 123456); put16(f, 0); put16(f, 0 << 10 | 1);
    fill(f, 0, 8);
    inner_eth(f, &b.l3, &b.pl);
    ip4_end(f, ip);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_ERSPAN3);
    CHECK_EQ(o.tunnel_id, 0x2aa);

    /* type III, frame type 2: IP directly */
    f->n = 0; eth(f, 0x0800);
    ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GS, 0x22eb, 0);
    put16(f, 2 << 12); put16(f, 3); put32(f, 0); put16(f, 0); put16(f, 2 << 10);
    build_v4_tcp(f, &b.l3, &b.pl);
    ip4_end(f, ip);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_id, 3);

    /* wrong version in a type II header */
    f->n = 0; eth(f, 0x0800);
    ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GS, 0x88be, 0);
    put16(f, 2 << 12); put16(f, 1); put32(f, 0);
    inner_eth(f, &b.l3, &b.pl);
    ip4_end(f, ip);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_BAD_TUNNEL);
}

/* ---- MPLS, PPPoE ---- */

static void mpls(struct fb *f, uint32_t label, bool bottom)
{
    put32(f, label << 12 | (bottom ? 0x100u : 0) | 64);
}

static void t_mpls(void)
{
    struct built b;
    struct fb *f = &b.f;
    struct pkt o;

    /* two labels, IPv4 by its nibble; the VLAN before MPLS is kept */
    f->n = 0; eth(f, 0x8100); vlan_tag(f, 0, 20, 0x8847);
    mpls(f, 100, false); mpls(f, 200, true);
    build_v4_tcp(f, &b.l3, &b.pl);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_MPLS);
    CHECK_EQ(o.tunnel_id, 200);
    CHECK_EQ(o.tenant_id, 0);   /* labels differ per direction: not a flow key */
    CHECK_EQ(o.n_vlan, 1);
    CHECK_EQ(o.vlan[0], 20);

    /* Ethernet pseudowire with a control word */
    f->n = 0; eth(f, 0x8847);
    mpls(f, 16, false); mpls(f, 300, true);
    put32(f, 0);
    inner_eth(f, &b.l3, &b.pl);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_id, 300);

    /* ... and without (destination MAC 00:01:..., first nibble 0 too) */
    f->n = 0; eth(f, 0x8847);
    mpls(f, 301, true);
    inner_eth(f, &b.l3, &b.pl);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_id, 301);

    /* IPv6 explicit null, behind GRE */
    f->n = 0; eth(f, 0x0800);
    size_t ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, 0, 0x8847, 0);
    mpls(f, 2, true);
    size_t l3 = ip6(f, IPPROTO_TCP);
    tcp(f, 1000, 80, 1, 2, TCPF_ACK, 100, 0);
    putstr(f, HTTP_REQ);
    ip6_end(f, l3);
    ip4_end(f, ip);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_OK);
    CHECK_EQ(o.ip_version, 6);
    CHECK(memcmp(o.src, A6_SRC, 16) == 0);
    CHECK_EQ(o.tunnel_type, TUN_MPLS);
    CHECK_EQ(o.tunnel_id, 2);
    CHECK_EQ(o.tenant_id, 0);
    CHECK_EQ(o.n_tunnels, 2);

    /* a stack that never ends: capped */
    f->n = 0; eth(f, 0x8847);
    for (unsigned i = 0; i <= LIM_MPLS_LABELS; i++) mpls(f, i + 16, false);
    mpls(f, 99, true);
    build_v4_tcp(f, &b.l3, &b.pl);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_TOO_DEEP);
    f->n = 0; eth(f, 0x8847);
    mpls(f, 16, false); put16(f, 0);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_TRUNC_TUNNEL);
}

static void pppoe(struct fb *f, unsigned vt, unsigned sess, unsigned proto, size_t inner_len)
{
    put8(f, vt); put8(f, 0); put16(f, sess); put16(f, (unsigned)inner_len + 2); put16(f, proto);
}

static void t_pppoe(void)
{
    struct built b;
    struct fb *f = &b.f;
    struct pkt o;
    size_t inner = 20 + 20 + strlen(HTTP_REQ);
    f->n = 0; eth(f, 0x8100); vlan_tag(f, 0, 7, 0x8864);
    pppoe(f, 0x11, 0x42, 0x0021, inner);
    build_v4_tcp(f, &b.l3, &b.pl);
    fill(f, 0, 6);   /* Ethernet padding after the PPP frame: cut off by the length */
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_PPPOE);
    CHECK_EQ(o.tunnel_id, 0x42);
    CHECK_EQ(o.n_vlan, 1);
    CHECK_EQ(o.l3_len, inner);

    /* the IP header claims 6 bytes more than PPPoE carries (they are the
     * Ethernet padding): PPPoE's length wins, as in tshark; nothing is lost */
    f->n = 0; eth(f, 0x8864);
    pppoe(f, 0x11, 0x43, 0x0021, 40);
    size_t l3 = ip4(f, IPPROTO_TCP, 0, 0x4000);
    tcp(f, 443, 20394, 1, 2, TCPF_ACK, 100, 0);
    fill(f, 0, 6);
    ip4_end(f, l3);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_OK);
    CHECK_EQ(o.l3_len, 40);
    CHECK_EQ(o.payload_len, 0);
    CHECK_EQ(o.wire_payload_len, 0);
    CHECK(!o.truncated);

    f->n = 0; eth(f, 0x8864);
    pppoe(f, 0x11, 1, 0xc021, 4);   /* LCP */
    fill(f, 0, 4);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_NOT_IP);
    f->n = 0; eth(f, 0x8864);
    pppoe(f, 0x12, 1, 0x0021, inner);
    build_v4_tcp(f, &b.l3, &b.pl);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_BAD_TUNNEL);
}

/* ---- IP in IP, nesting ---- */

static void t_ip_in_ip(void)
{
    struct built b;
    struct fb *f = &b.f;
    struct pkt o;
    f->n = 0; eth(f, 0x0800);
    size_t ip = outer_ip4(f, IPPROTO_IPIP);
    build_v4_tcp(f, &b.l3, &b.pl);
    ip4_end(f, ip);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_IPIP);

    /* 6in4 */
    f->n = 0; eth(f, 0x0800);
    ip = outer_ip4(f, IPPROTO_IPV6);
    size_t l3 = ip6(f, IPPROTO_TCP);
    tcp(f, 1000, 80, 1, 2, TCPF_ACK, 100, 0);
    size_t pl = f->n;
    putstr(f, HTTP_REQ);
    ip6_end(f, l3);
    ip4_end(f, ip);
    uint8_t *buf = dup_n(f, f->n);
    CHECK_EQ(decode_packet(DLT_EN10MB, buf, f->n, f->n, &o), DEC_OK);
    CHECK_EQ(o.ip_version, 6);
    CHECK(memcmp(o.dst, A6_DST, 16) == 0);
    CHECK(o.l3 == buf + l3);
    CHECK(o.payload == buf + pl);
    CHECK_EQ(o.tunnel_type, TUN_IP6IP);
    free(buf);

    /* IP-in-IP nested past the depth cap */
    f->n = 0; eth(f, 0x0800);
    size_t at[LIM_DECODE_DEPTH + 2];
    for (unsigned i = 0; i < LIM_DECODE_DEPTH + 2; i++) at[i] = outer_ip4(f, IPPROTO_IPIP);
    build_v4_tcp(f, &b.l3, &b.pl);
    for (unsigned i = LIM_DECODE_DEPTH + 2; i-- > 0;) ip4_end(f, at[i]);
    CHECK_EQ(run(NULL, &b, &o, false), DEC_TOO_DEEP);
}

static void t_nested(void)
{
    /* VXLAN (VNI 9) inside keyed GRE (key 7): the innermost tunnel is reported */
    struct built b;
    struct fb *f = &b.f;
    struct pkt o;
    f->n = 0; eth(f, 0x0800);
    size_t ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GK, 0x0800, 7);
    size_t ip2 = outer_ip4(f, IPPROTO_UDP);
    size_t u = udp(f, 1234, 4789);
    put32(f, 0x08000000); put32(f, 9 << 8);
    inner_eth(f, &b.l3, &b.pl);
    udp_end(f, u);
    ip4_end(f, ip2);
    ip4_end(f, ip);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_VXLAN);
    CHECK_EQ(o.tunnel_id, 9);
    CHECK_EQ(o.tenant_id, 9);
    CHECK_EQ(o.n_tunnels, 2);

    /* IP-in-IP inside VXLAN 9: still tenant 9 */
    f->n = 0; eth(f, 0x0800);
    ip = outer_ip4(f, IPPROTO_UDP);
    u = udp(f, 1234, 4789);
    put32(f, 0x08000000); put32(f, 9 << 8);
    eth(f, 0x0800);
    ip2 = outer_ip4(f, IPPROTO_IPIP);
    build_v4_tcp(f, &b.l3, &b.pl);
    ip4_end(f, ip2);
    udp_end(f, u);
    ip4_end(f, ip);
    run(NULL, &b, &o, true);
    CHECK_EQ(o.tunnel_type, TUN_IPIP);
    CHECK_EQ(o.tenant_id, 9);
}

/* The flow key: the same inner 5-tuple behind two VNIs is two flows; the two
 * directions of an MPLS conversation (different labels) are one. */
static void t_flow_key(void)
{
    struct config c;
    config_defaults(&c);
    flow_table *t = flow_table_new(&c, 1, NULL, NULL);
    struct built b;
    struct pkt o, o2;
    int dir;
    bool is_new;
    build_vxlan(&b, 4789, 100, 0x08, -1, -1);
    run(NULL, &b, &o, true);
    struct flow *f1 = flow_table_get(t, &o, 1, &dir, &is_new);
    CHECK(f1 && is_new);
    CHECK(f1 && f1->v.tunnel_type == TUN_VXLAN && f1->v.tunnel_id == 100);
    build_vxlan(&b, 4789, 200, 0x08, -1, -1);
    run(NULL, &b, &o2, true);
    struct flow *f2 = flow_table_get(t, &o2, 2, &dir, &is_new);
    CHECK(f2 && is_new && f2 != f1);
    CHECK(flow_table_get(t, &o, 3, &dir, &is_new) == f1 && !is_new);

    /* MPLS: client->server under label 200, the answer under label 300 */
    struct fb *f = &b.f;
    f->n = 0; eth(f, 0x8847);
    mpls(f, 200, true);
    build_v4_tcp(f, &b.l3, &b.pl);
    run(NULL, &b, &o, true);
    struct flow *m = flow_table_get(t, &o, 4, &dir, &is_new);
    CHECK(m && is_new);
    o.tunnel_id = 300;   /* the reverse packet: swap the endpoints, other label */
    uint8_t a[16];
    memcpy(a, o.src, 16); memcpy(o.src, o.dst, 16); memcpy(o.dst, a, 16);
    uint16_t pt = o.sport; o.sport = o.dport; o.dport = pt;
    CHECK(flow_table_get(t, &o, 5, &dir, &is_new) == m && !is_new);
    CHECK_EQ(flow_table_stats(t)->created, 3);
    flow_table_free(t);
}

/* decode_ip(): a datagram with no link layer, as reassembly hands it over. */
static void t_decode_ip(void)
{
    struct fb f = { .n = 0 };
    size_t l3, pl;
    build_v4_tcp(&f, &l3, &pl);
    uint8_t *buf = dup_n(&f, f.n);
    struct pkt o;
    CHECK_EQ(decode_ip(NULL, 4, buf, f.n, &o), DEC_OK);
    CHECK(o.l3 == buf);
    CHECK(o.payload == buf + pl);
    CHECK_EQ(o.dport, 80);
    CHECK_EQ(decode_ip(NULL, 6, buf, f.n, &o), DEC_BAD_IP_VERSION);
    CHECK_EQ(decode_ip(NULL, 5, buf, f.n, &o), DEC_BAD_IP_VERSION);
    free(buf);
    CHECK_STR(decode_tunnel_name(TUN_VXLAN), "vxlan");
    CHECK_STR(decode_tunnel_name(TUN__COUNT), "unknown");
    CHECK_STR(decode_reason_name(DEC_TRUNC_TUNNEL), "trunc_tunnel");
}

/* ---- robustness: every frame above, cut and flipped ---- */

static void build_all(struct built *all, size_t *n)
{
    size_t k = 0;
    build_vxlan(&all[k++], 4789, 1, 0x08, 3, 4);
    build_geneve(&all[k++], 0x6558, 3, 5);
    build_geneve(&all[k++], 0x0800, 1, 6);
    struct fb *f;
    size_t ip;
    f = &all[k].f; f->n = 0; eth(f, 0x0800); ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GC | GK | GS, 0x6558, 1); inner_eth(f, &all[k].l3, &all[k].pl); ip4_end(f, ip); k++;
    f = &all[k].f; f->n = 0; eth(f, 0x0800); ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GS, 0x88be, 0); put16(f, 1 << 12); put16(f, 1); put32(f, 0);
    inner_eth(f, &all[k].l3, &all[k].pl); ip4_end(f, ip); k++;
    f = &all[k].f; f->n = 0; eth(f, 0x0800); ip = outer_ip4(f, IPPROTO_GRE);
    gre(f, GS, 0x22eb, 0); put16(f, 2 << 12); put16(f, 1); put32(f, 0); put16(f, 0); put16(f, 1);
    fill(f, 0, 8); inner_eth(f, &all[k].l3, &all[k].pl); ip4_end(f, ip); k++;
    f = &all[k].f; f->n = 0; eth(f, 0x8847); mpls(f, 1, false); mpls(f, 300, true); put32(f, 0);
    inner_eth(f, &all[k].l3, &all[k].pl); k++;
    f = &all[k].f; f->n = 0; eth(f, 0x8864); pppoe(f, 0x11, 1, 0x0021, 20 + 20 + strlen(HTTP_REQ));
    build_v4_tcp(f, &all[k].l3, &all[k].pl); k++;
    f = &all[k].f; f->n = 0; eth(f, 0x0800); ip = outer_ip4(f, IPPROTO_IPIP);
    build_v4_tcp(f, &all[k].l3, &all[k].pl); ip4_end(f, ip); k++;
    *n = k;
}

static void t_robust(void)
{
    static struct built all[16];
    size_t n;
    build_all(all, &n);
    struct pkt o;
    uint32_t rng = 12345;
    for (size_t i = 0; i < n; i++) {
        const struct fb *f = &all[i].f;
        /* the whole frame decodes to the inner packet */
        run(NULL, &all[i], &o, true);
        CHECK(o.n_tunnels >= 1);
        for (size_t cut = 0; cut < f->n; cut++) {
            uint8_t *buf = dup_n(f, cut);
            enum decode_reason r = decode_packet(DLT_EN10MB, buf, cut, f->n, &o);
            CHECK(consistent(r, buf, cut, &o));
            free(buf);
        }
        for (int k = 0; k < 400; k++) {
            uint8_t *buf = dup_n(f, f->n);
            for (int flips = 0; flips < 3; flips++) {
                rng = rng * 1103515245u + 12345u;
                buf[(rng >> 8) % f->n] ^= (uint8_t)(1u << ((rng >> 4) & 7));
            }
            enum decode_reason r = decode_packet(DLT_EN10MB, buf, f->n, f->n, &o);
            CHECK(consistent(r, buf, f->n, &o));
            free(buf);
        }
    }
}

int main(void)
{
    RUN(t_vxlan);
    RUN(t_vxlan_ports);
    RUN(t_geneve);
    RUN(t_gre);
    RUN(t_erspan);
    RUN(t_mpls);
    RUN(t_pppoe);
    RUN(t_ip_in_ip);
    RUN(t_nested);
    RUN(t_flow_key);
    RUN(t_decode_ip);
    RUN(t_robust);
    return test_done();
}
