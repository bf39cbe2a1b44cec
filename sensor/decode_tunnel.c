/* decode_tunnel.c -- the encapsulations of mirror feeds (see decode.h).
 *
 * Each decoder reads its tunnel header through cursor.h, records the tunnel
 * (decode_enter_tunnel: the innermost one wins, the carrier's VLAN tags are
 * forgotten for overlays) and re-enters the network-layer dispatch of
 * decode.c with what the tunnel carries, so nesting (VXLAN in GRE, MPLS in
 * GRE, IP-in-IP in VXLAN...) needs nothing special and is bounded by the
 * depth counter of decode_ethertype().
 *
 * Where a header is recognised by port only (VXLAN, Geneve) it is checked
 * before anything of the packet is touched: a UDP flow that merely uses the
 * port and does not look like the tunnel stays a UDP flow.
 */
#include "cursor.h"
#include "decode_int.h"
#include "limits.h"

#include <stdbool.h>

/* ---- GRE and ERSPAN ---- */

/* ERSPAN type II (after a GRE header with a sequence number):
 *
 *   +-------+-----------------------+-----+---+-+-------------------+
 *   | ver 4 |       VLAN 12         |COS 3|En2|T|  session id 10    |
 *   +-------+-----------------------+-----+---+-+-------------------+
 *   |      reserved 12      |              index 20                 |
 *   +-----------------------+---------------------------------------+
 *
 * ver is 1. The mirrored Ethernet frame follows. */
static enum decode_reason erspan2(struct dctx *d, const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    uint16_t vv = cur_be16(&c);
    uint16_t sess = cur_be16(&c);
    cur_skip(&c, 4);
    if (!cur_ok(&c)) return DEC_TRUNC_TUNNEL;
    if (vv >> 12 != 1) return DEC_BAD_TUNNEL;
    if (!decode_enter_tunnel(d, TUN_ERSPAN2, sess & 0x03ff)) return DEC_TOO_DEEP;
    return decode_ether(d, cur_ptr(&c), cur_left(&c));
}

/* ERSPAN type III (GRE protocol 0x22eb):
 *
 *   +-------+-----------------------+-----+---+-+-------------------+
 *   | ver 4 |       VLAN 12         |COS 3|BSO|T|  session id 10    |
 *   +-------+-----------------------+-----+---+-+-------------------+
 *   |                         timestamp 32                          |
 *   +-------------------------------+-+---------+-----------+-+---+-+
 *   |            SGT 16             |P|  FT 5   |  HW id 6  |D|Gra|O|
 *   +-------------------------------+-+---------+-----------+-+---+-+
 *   |        platform-specific sub-header, 8 bytes, if O            |
 *
 * ver is 2; frame type 0 is Ethernet, 2 is IP (version from its nibble). */
static enum decode_reason erspan3(struct dctx *d, const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    uint16_t vv = cur_be16(&c);
    uint16_t sess = cur_be16(&c);
    cur_skip(&c, 4 + 2);
    uint16_t bits = cur_be16(&c);
    if (bits & 1) cur_skip(&c, 8);
    if (!cur_ok(&c)) return DEC_TRUNC_TUNNEL;
    if (vv >> 12 != 2) return DEC_BAD_TUNNEL;
    unsigned ft = (bits >> 10) & 0x1f;
    if (!decode_enter_tunnel(d, TUN_ERSPAN3, sess & 0x03ff)) return DEC_TOO_DEEP;
    if (ft == 0) return decode_ether(d, cur_ptr(&c), cur_left(&c));
    if (ft == 2) {
        uint8_t v = cur_peek_u8(&c, 0) >> 4;
        if (v == 4) return decode_ethertype(d, ETH_P_IPV4, cur_ptr(&c), cur_left(&c));
        if (v == 6) return decode_ethertype(d, ETH_P_IPV6, cur_ptr(&c), cur_left(&c));
        return cur_has(&c, 1) ? DEC_BAD_IP_VERSION : DEC_TRUNC_IP;
    }
    return DEC_BAD_TUNNEL;
}

/* GRE (RFC 2784, key and sequence of RFC 2890):
 *
 *   +-+-+-+-+-----------------+-----+-------------------------------+
 *   |C|R|K|S|   reserved0 9   |ver 3|        protocol type 16       |
 *   +-+-+-+-+-----------------+-----+-------------------------------+
 *   |  checksum 16 (if C or R)      |      reserved1 16 (if C or R) |
 *   +-------------------------------+-------------------------------+
 *   |                          key 32 (if K)                        |
 *   +---------------------------------------------------------------+
 *   |                   sequence number 32 (if S)                   |
 *   +---------------------------------------------------------------+
 *
 * R (RFC 1701 source routing) is obsolete and refused. Version 1 is PPTP's
 * enhanced GRE carrying PPP: not a mirror feed, left as a GRE packet. The
 * protocol type is an EtherType: 0x6558 bridged Ethernet (NVGRE too), IP,
 * MPLS, ERSPAN type I/II (0x88be: type I has no sequence number and no
 * ERSPAN header) and type III (0x22eb). */
enum { GRE_C = 0x8000, GRE_R = 0x4000, GRE_K = 0x2000, GRE_S = 0x1000 };

enum decode_reason decode_tunnel_gre(struct dctx *d, const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    uint16_t fv = cur_be16(&c);
    uint16_t proto = cur_be16(&c);
    if (!cur_ok(&c)) return DEC_TRUNC_TUNNEL;
    if ((fv & 7) == 1) return DEC_OTHER_L4;   /* PPTP */
    if ((fv & 7) != 0 || (fv & GRE_R)) return DEC_BAD_TUNNEL;
    if (fv & GRE_C) cur_skip(&c, 4);
    uint32_t key = (fv & GRE_K) ? cur_be32(&c) : 0;
    if (fv & GRE_S) cur_skip(&c, 4);
    if (!cur_ok(&c)) return DEC_TRUNC_TUNNEL;
    const uint8_t *q = cur_ptr(&c);
    size_t n = cur_left(&c);

    switch (proto) {
    case ETH_P_ERSPAN2:
        if (fv & GRE_S) return erspan2(d, q, n);
        if (!decode_enter_tunnel(d, TUN_ERSPAN2, 0)) return DEC_TOO_DEEP;   /* type I */
        return decode_ether(d, q, n);
    case ETH_P_ERSPAN3:
        return erspan3(d, q, n);
    case ETH_P_TEB:
        if (!decode_enter_tunnel(d, TUN_GRE, key)) return DEC_TOO_DEEP;
        return decode_ether(d, q, n);
    case ETH_P_IPV4:
    case ETH_P_IPV6:
    case ETH_P_MPLS_UC:
    case ETH_P_MPLS_MC:
        if (!decode_enter_tunnel(d, TUN_GRE, key)) return DEC_TOO_DEEP;
        return decode_ethertype(d, proto, q, n);
    default:
        return DEC_OTHER_L4;   /* WCCP, keepalives...: a GRE packet, not a tunnel we read */
    }
}

/* ---- MPLS ---- */

/* Does p look like the start of an IPv4 / IPv6 header? (after MPLS, where
 * nothing says what follows) */
static bool looks_ipv4(const uint8_t *p, size_t len)
{
    if (len < 20 || p[0] >> 4 != 4 || (p[0] & 0x0f) < 5) return false;
    return rd_be16(p + 2) >= (unsigned)(p[0] & 0x0f) * 4;
}

static bool looks_ipv6(const uint8_t *p, size_t len)
{
    return len >= 40 && p[0] >> 4 == 6;
}

/* EtherTypes an Ethernet pseudowire frame plausibly carries. */
static bool known_ethertype(const uint8_t *p, size_t len, size_t at)
{
    if (len < at + 2) return false;
    switch (rd_be16(p + at)) {
    case ETH_P_IPV4: case ETH_P_IPV6: case ETH_P_8021Q: case ETH_P_8021AD: case ETH_P_QINQ_OLD:
    case ETH_P_MPLS_UC: case ETH_P_PPPOE_SESS: case 0x0806: /* ARP */
        return true;
    default:
        return false;
    }
}

/* MPLS label stack (RFC 3032), one entry:
 *
 *   +---------------------------------------+-----+-+---------------+
 *   |               label 20                | TC 3|S|    TTL 8      |
 *   +---------------------------------------+-----+-+---------------+
 *
 * S marks the bottom of the stack. Nothing says what follows it: labels 0
 * and 2 (explicit null) are IPv4 and IPv6; otherwise the first nibble is 4 or
 * 6 for IP, and anything else is an Ethernet pseudowire (RFC 4448), with a
 * control word (RFC 4385, first nibble 0, 4 bytes) or without. A pseudowire
 * frame whose destination MAC begins with 4 or 6 is read as IP when it parses
 * as IP, as routers do; a control word is assumed when an EtherType we know
 * sits where it would be behind one and not where it would be without. */
enum decode_reason decode_tunnel_mpls(struct dctx *d, const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    uint32_t e = 0;
    unsigned n = 0;
    do {
        if (n++ >= LIM_MPLS_LABELS) return DEC_TOO_DEEP;
        e = cur_be32(&c);
        if (!cur_ok(&c)) return DEC_TRUNC_TUNNEL;
    } while (!(e & 0x100));
    uint32_t label = e >> 12;
    if (!decode_enter_tunnel(d, TUN_MPLS, label)) return DEC_TOO_DEEP;
    const uint8_t *q = cur_ptr(&c);
    size_t m = cur_left(&c);
    if (m == 0) return DEC_TRUNC_TUNNEL;

    if (label == 0) return decode_ethertype(d, ETH_P_IPV4, q, m);
    if (label == 2) return decode_ethertype(d, ETH_P_IPV6, q, m);
    if (looks_ipv4(q, m)) return decode_ethertype(d, ETH_P_IPV4, q, m);
    if (looks_ipv6(q, m)) return decode_ethertype(d, ETH_P_IPV6, q, m);
    bool cw = q[0] >> 4 == 0 && known_ethertype(q, m, 4 + 12) && !known_ethertype(q, m, 12);
    if (cw) return decode_ether(d, q + 4, m - 4);
    return decode_ether(d, q, m);
}

/* ---- PPPoE ---- */

/* PPPoE session stage (RFC 2516), then the PPP protocol field:
 *
 *   +-------+-------+---------------+-------------------------------+
 *   | ver 4 |type 4 |    code 8     |         session id 16         |
 *   +-------+-------+---------------+-------------------------------+
 *   |           length 16           |     PPP protocol 16 (or 8)    |
 *   +-------------------------------+-------------------------------+
 *
 * ver and type are 1, code 0. PPP 0x0021 is IPv4, 0x0057 IPv6; a protocol
 * compressed to one byte (odd first byte) is read as such. LCP, IPCP...: not IP. */
enum decode_reason decode_tunnel_pppoe(struct dctx *d, const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    uint8_t vt = cur_u8(&c);
    uint8_t code = cur_u8(&c);
    uint16_t sess = cur_be16(&c);
    size_t plen = cur_be16(&c);
    uint16_t proto = cur_u8(&c);
    size_t pfield = 1;
    if (!(proto & 1)) {
        proto = (uint16_t)(proto << 8 | cur_u8(&c));
        pfield = 2;
    }
    if (!cur_ok(&c)) return DEC_TRUNC_TUNNEL;
    if (vt != 0x11 || code != 0) return DEC_BAD_TUNNEL;
    if (plen < pfield) return DEC_BAD_TUNNEL;
    size_t m = cur_left(&c);
    if (plen - pfield < m) m = plen - pfield;   /* padding after the PPP frame */
    if (proto != 0x0021 && proto != 0x0057) return DEC_NOT_IP;
    if (!decode_enter_tunnel(d, TUN_PPPOE, sess)) return DEC_TOO_DEEP;
    decode_clip_wire(d, cur_ptr(&c), plen - pfield);
    return decode_ethertype(d, proto == 0x0021 ? ETH_P_IPV4 : ETH_P_IPV6, cur_ptr(&c), m);
}

/* ---- UDP tunnels ---- */

/* VXLAN (RFC 7348), 8 bytes then Ethernet:
 *
 *   +-+-+-+-+-+-+-+-+-----------------------------------------------+
 *   |R|R|R|R|I|R|R|R|                 reserved 24                   |
 *   +-+-+-+-+-+-+-+-+---------------------------------------+-------+
 *   |                 VNI 24                        |  reserved 8   |
 *   +-----------------------------------------------+---------------+
 *
 * I (valid VNI) must be set. What AWS VPC Traffic Mirroring and Azure
 * virtual network TAP deliver. */
static bool vxlan(struct dctx *d, const uint8_t *p, size_t len, enum decode_reason *r)
{
    struct cursor c = cur_init(p, len);
    uint8_t flags = cur_u8(&c);
    cur_skip(&c, 3);
    uint32_t vni = cur_be24(&c);
    cur_skip(&c, 1);
    if (!cur_ok(&c) || !(flags & 0x08) || !cur_has(&c, 14)) return false;
    if (!decode_enter_tunnel(d, TUN_VXLAN, vni)) { *r = DEC_TOO_DEEP; return true; }
    *r = decode_ether(d, cur_ptr(&c), cur_left(&c));
    return true;
}

/* Geneve (RFC 8926):
 *
 *   +---+-----------+-+-+-----------+-------------------------------+
 *   |V 2| optlen 6  |O|C| rsvd 6    |        protocol type 16       |
 *   +---+-----------+-+-+-----------+-------------------------------+
 *   |                 VNI 24                        |  reserved 8   |
 *   +-----------------------------------------------+---------------+
 *   |                 options, optlen * 4 bytes                     |
 *
 * Version 0; protocol 0x6558 is Ethernet, or IPv4/IPv6 directly. */
static bool geneve(struct dctx *d, const uint8_t *p, size_t len, enum decode_reason *r)
{
    struct cursor c = cur_init(p, len);
    uint8_t vo = cur_u8(&c);
    cur_skip(&c, 1);
    uint16_t proto = cur_be16(&c);
    uint32_t vni = cur_be24(&c);
    cur_skip(&c, 1);
    cur_skip(&c, (size_t)(vo & 0x3f) * 4);
    if (!cur_ok(&c) || vo >> 6 != 0) return false;
    if (proto != ETH_P_TEB && proto != ETH_P_IPV4 && proto != ETH_P_IPV6) return false;
    if (!decode_enter_tunnel(d, TUN_GENEVE, vni)) { *r = DEC_TOO_DEEP; return true; }
    if (proto == ETH_P_TEB) *r = decode_ether(d, cur_ptr(&c), cur_left(&c));
    else *r = decode_ethertype(d, proto, cur_ptr(&c), cur_left(&c));
    return true;
}

bool decode_tunnel_udp(struct dctx *d, uint16_t dport, const uint8_t *p, size_t len,
                       enum decode_reason *r)
{
    const struct decode_opts *o = d->opts;
    if (o->geneve_port && dport == o->geneve_port) return geneve(d, p, len, r);
    for (unsigned i = 0; i < o->n_vxlan_ports; i++)
        if (dport == o->vxlan_ports[i]) return vxlan(d, p, len, r);
    return false;
}
