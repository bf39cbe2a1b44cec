/* decode.c -- link layer to transport for one captured frame (see decode.h).
 *
 * The walk is a chain of small per-layer functions, each taking the bytes that
 * remain, (p, len), and reading them only through cursor.h:
 *
 *     link (Ethernet, SLL, SLL2, NULL/LOOP, raw)
 *       -> decode_ethertype()      VLAN tags re-enter it; so do MPLS, PPPoE and
 *                                  the Ethernet inside GRE/ERSPAN/VXLAN/Geneve
 *                                  (decode_tunnel.c)
 *         -> decode_ipv4() / decode_ipv6()
 *           -> decode_l4()         switch on the protocol number; IP-in-IP and
 *                                  GRE re-enter the dispatch from here
 *             -> decode_tcp() / decode_udp()   a UDP port of VXLAN/Geneve
 *                                  re-enters it too
 *
 * Every re-entry of the network-layer dispatch counts one level against
 * LIM_DECODE_DEPTH, so a frame of endless tags or nested tunnels ends with
 * DEC_TOO_DEEP rather than a long loop.
 *
 * Two lengths travel down the chain: the bytes captured (what we may read) and
 * the bytes the wire carried according to the IP header. Captured bytes past
 * the IP datagram (Ethernet padding, a trailing FCS) are cut off at the IP
 * layer; captured bytes short of it mean snaplen cut the frame, and the packet
 * is marked truncated. An IP length larger than the frame had on the wire
 * (pcap_pkthdr.len) is a lie of the header, not a snaplen cut: the wire wins.
 * Checksums are never verified: loopback captures and mirror ports behind
 * checksum offload carry wrong ones.
 */
#include "decode.h"
#include "cursor.h"
#include "decode_int.h"
#include "limits.h"

#include <netinet/in.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <string.h>

/* The per-frame context (struct dctx) is in decode_int.h. */

static enum decode_reason decode_raw_ip(struct dctx *d, const uint8_t *p, size_t len);
static enum decode_reason decode_vlan(struct dctx *d, const uint8_t *p, size_t len);
static enum decode_reason decode_ipv4(struct dctx *d, const uint8_t *p, size_t len);
static enum decode_reason decode_ipv6(struct dctx *d, const uint8_t *p, size_t len);

/* Enter one more network-layer header; false when the nesting cap is hit. */
static bool descend(struct dctx *d)
{
    return ++d->depth <= LIM_DECODE_DEPTH;
}

/* ---- link layers ---- */

/* Ethernet II (IEEE 802.3 with an EtherType):
 *
 *   +-------------------+-------------------+-----------+----------
 *   | destination MAC 6 |   source MAC 6    | type/len 2| payload...
 *   +-------------------+-------------------+-----------+----------
 *
 * A type/length value <= 1500 is an 802.3 length (LLC follows): not IP for us. */
enum decode_reason decode_ether(struct dctx *d, const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    cur_skip(&c, 12);
    uint16_t type = cur_be16(&c);
    if (!cur_ok(&c)) return DEC_TRUNC_LINK;
    return decode_ethertype(d, type, cur_ptr(&c), cur_left(&c));
}

/* Linux "cooked" capture v1 (DLT_LINUX_SLL, any-device captures):
 *
 *   +-----------+-----------+-----------+-----------------------+-----------+
 *   | pkttype 2 | ARPHRD  2 | addrlen 2 |   link address 8      | protocol 2|
 *   +-----------+-----------+-----------+-----------------------+-----------+
 *
 * The protocol is an EtherType for everything we care about (small values
 * such as 0x0004 mean 802.2 LLC and fall through as not IP). */
static enum decode_reason link_sll(struct dctx *d, const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    cur_skip(&c, 14);
    uint16_t proto = cur_be16(&c);
    if (!cur_ok(&c)) return DEC_TRUNC_LINK;
    return decode_ethertype(d, proto, cur_ptr(&c), cur_left(&c));
}

/* Linux cooked capture v2 (DLT_LINUX_SLL2):
 *
 *   +-----------+-----------+-----------------------+
 *   | protocol 2| reserved 2|   interface index 4   |
 *   +-----------+-----------+-----------+-----------+-----------------------+
 *   | ARPHRD  2 | pkttype 1 | addrlen 1 |        link address 8             |
 *   +-----------+-----------+-----------+-----------------------------------+
 */
static enum decode_reason link_sll2(struct dctx *d, const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    uint16_t proto = cur_be16(&c);
    cur_skip(&c, 18);
    if (!cur_ok(&c)) return DEC_TRUNC_LINK;
    return decode_ethertype(d, proto, cur_ptr(&c), cur_left(&c));
}

/* BSD loopback (DLT_NULL) and OpenBSD loopback (DLT_LOOP):
 *
 *   +-----------------------+----------
 *   | address family 4      | IP packet...
 *   +-----------------------+----------
 *
 * DLT_NULL stores the family in the byte order of the machine that captured,
 * which the file does not tell us, so both orders are tried; DLT_LOOP is in
 * network order. AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD),
 * 28 (FreeBSD) or 30 (macOS). */
static bool af_is_ipv4(uint32_t af) { return af == 2; }
static bool af_is_ipv6(uint32_t af) { return af == 24 || af == 28 || af == 30; }

static enum decode_reason link_null(struct dctx *d, const uint8_t *p, size_t len, bool host_order)
{
    struct cursor c = cur_init(p, len);
    const uint8_t *fam = cur_take(&c, 4);
    if (!fam) return DEC_TRUNC_LINK;
    struct cursor fc = cur_init(fam, 4);
    uint32_t be = cur_be32(&fc);
    fc = cur_init(fam, 4);
    uint32_t le = host_order ? cur_le32(&fc) : be;

    if (af_is_ipv4(be) || af_is_ipv4(le))
        return decode_ethertype(d, ETH_P_IPV4, cur_ptr(&c), cur_left(&c));
    if (af_is_ipv6(be) || af_is_ipv6(le))
        return decode_ethertype(d, ETH_P_IPV6, cur_ptr(&c), cur_left(&c));
    return DEC_NOT_IP;
}

/* Raw IP: no link header, the version nibble says which IP. DLT_RAW is 12 on
 * Linux and 14 on some BSDs; LINKTYPE_RAW (101) is what files carry, which
 * libpcap maps to DLT_RAW but a pcapng reader of our own may not. */
static bool dlt_is_raw(int dlt)
{
    return dlt == DLT_RAW || dlt == 12 || dlt == 14 || dlt == 101;
}

/* ---- network-layer dispatch ---- */

/* Dispatch on an EtherType. VLAN tags re-enter here; so do MPLS, PPPoE and
 * the inner Ethernet of tunnels. Each call is one level of nesting. */
enum decode_reason decode_ethertype(struct dctx *d, uint16_t type, const uint8_t *p, size_t len)
{
    if (!descend(d)) return DEC_TOO_DEEP;

    switch (type) {
    case ETH_P_IPV4:
        return decode_ipv4(d, p, len);
    case ETH_P_IPV6:
        return decode_ipv6(d, p, len);
    case ETH_P_8021Q:
    case ETH_P_8021AD:
    case ETH_P_QINQ_OLD:
        return decode_vlan(d, p, len);
    case ETH_P_MPLS_UC:
    case ETH_P_MPLS_MC:
        return decode_tunnel_mpls(d, p, len);
    case ETH_P_PPPOE_SESS:
        return decode_tunnel_pppoe(d, p, len);
    default:
        /* ARP, LLDP, an 802.3 length (<= 1500) with LLC behind it... */
        return DEC_NOT_IP;
    }
}

/* 802.1Q / 802.1ad tag, after its TPID (read as the EtherType):
 *
 *   +-----+---+---------------+-----------+
 *   |PCP 3|DEI|  VLAN id 12   |  type 2   |
 *   +-----+---+---------------+-----------+
 *
 * Ids are kept outer first, up to PKT_MAX_VLAN; deeper tags are walked and
 * only count toward the nesting cap. */
static enum decode_reason decode_vlan(struct dctx *d, const uint8_t *p, size_t len)
{
    struct pkt *o = d->out;
    struct cursor c = cur_init(p, len);
    uint16_t tci = cur_be16(&c);
    uint16_t inner = cur_be16(&c);
    if (!cur_ok(&c)) return DEC_TRUNC_VLAN;
    if (o->n_vlan < PKT_MAX_VLAN) o->vlan[o->n_vlan++] = tci & 0x0fff;
    return decode_ethertype(d, inner, cur_ptr(&c), cur_left(&c));
}

/* Raw IP whose version is known only from the first nibble. */
static enum decode_reason decode_raw_ip(struct dctx *d, const uint8_t *p, size_t len)
{
    struct cursor c = cur_init(p, len);
    uint8_t v = cur_u8(&c);
    if (!cur_ok(&c)) return DEC_TRUNC_IP;
    switch (v >> 4) {
    case 4: return decode_ethertype(d, ETH_P_IPV4, p, len);
    case 6: return decode_ethertype(d, ETH_P_IPV6, p, len);
    default: return DEC_BAD_IP_VERSION;
    }
}

/* ---- transport ---- */

/* TCP header (RFC 9293 section 3.1):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Source Port          |       Destination Port        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Sequence Number                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Acknowledgment Number                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Checksum            |         Urgent Pointer        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Options (data offset - 5 words)            |
 *
 * len is the captured part of the segment, wire its length per the IP header
 * (len <= wire always: the IP layer clipped it). */
static enum decode_reason decode_tcp(struct dctx *d, const uint8_t *p, size_t len, size_t wire)
{
    struct pkt *o = d->out;
    struct cursor c = cur_init(p, len);
    o->sport = cur_be16(&c);
    o->dport = cur_be16(&c);
    o->seq = cur_be32(&c);
    o->ack = cur_be32(&c);
    uint8_t doff = cur_u8(&c) >> 4;
    o->tcp_flags = cur_u8(&c);
    o->window = cur_be16(&c);
    cur_skip(&c, 4);   /* checksum, urgent pointer */
    if (!cur_ok(&c)) return DEC_TRUNC_TCP;
    if (doff < 5) return DEC_BAD_TCP_HLEN;

    /* len <= wire, so this also refuses a header longer than the datagram. */
    size_t hlen = (size_t)doff * 4;
    c = cur_init(p, len);
    if (!cur_skip(&c, hlen)) return DEC_TRUNC_TCP;

    o->payload = cur_ptr(&c);
    o->payload_len = cur_left(&c);
    o->wire_payload_len = (uint32_t)(wire - hlen);
    o->truncated = o->payload_len < o->wire_payload_len;
    return DEC_OK;
}

/* UDP header (RFC 768):
 *
 *   +-----------------+-----------------+
 *   |  source port 2  |   dest port 2   |
 *   +-----------------+-----------------+
 *   |    length 2     |   checksum 2    |
 *   +-----------------+-----------------+
 *
 * The length covers header and data. Shorter than the IP payload: the rest is
 * trailing junk and not ours. Longer: broken. 0 is allowed only when the IP
 * length itself was missing (GSO/jumbogram captures). */
static enum decode_reason decode_udp(struct dctx *d, const uint8_t *p, size_t len, size_t wire)
{
    struct pkt *o = d->out;
    struct cursor c = cur_init(p, len);
    o->sport = cur_be16(&c);
    o->dport = cur_be16(&c);
    size_t ulen = cur_be16(&c);
    cur_skip(&c, 2);
    if (!cur_ok(&c)) return DEC_TRUNC_UDP;

    if (ulen == 0 && d->len_from_capture) ulen = wire;
    if (ulen < 8 || ulen > wire) return DEC_BAD_UDP_LEN;

    size_t cap = len < ulen ? len : ulen;
    o->payload = cur_ptr(&c);
    o->payload_len = cap - 8;
    o->wire_payload_len = (uint32_t)(ulen - 8);
    o->truncated = o->payload_len < o->wire_payload_len;
    return DEC_OK;
}

/* Dispatch on the IP protocol / IPv6 next header that follows the (last) IP
 * header. Tunnels re-enter the network-layer dispatch from here: IP-in-IP (4),
 * IPv6-in-IP (41), GRE (47), and UDP to a VXLAN or Geneve port. */
static enum decode_reason decode_l4(struct dctx *d, uint8_t proto, const uint8_t *p, size_t len, size_t wire)
{
    d->out->l4proto = proto;
    switch (proto) {
    case IPPROTO_TCP:
        return decode_tcp(d, p, len, wire);
    case IPPROTO_UDP: {
        enum decode_reason r = decode_udp(d, p, len, wire), tr;
        if (r != DEC_OK) return r;
        decode_clip_wire(d, d->out->payload, d->out->wire_payload_len);
        if (decode_tunnel_udp(d, d->out->dport, d->out->payload, d->out->payload_len, &tr)) return tr;
        return r;
    }
    case IPPROTO_IPIP:
        if (!decode_enter_tunnel(d, TUN_IPIP, 0)) return DEC_TOO_DEEP;
        decode_clip_wire(d, p, wire);
        return decode_ethertype(d, ETH_P_IPV4, p, len);
    case IPPROTO_IPV6:
        if (!decode_enter_tunnel(d, TUN_IP6IP, 0)) return DEC_TOO_DEEP;
        decode_clip_wire(d, p, wire);
        return decode_ethertype(d, ETH_P_IPV6, p, len);
    case IPPROTO_GRE:
        decode_clip_wire(d, p, wire);
        return decode_tunnel_gre(d, p, len);
    default:
        return DEC_OTHER_L4;
    }
}

/* ---- IPv4 ---- */

/* Sets the L3 view and the truncation mark, and returns the wire length of
 * the datagram: the header's length field, but never more than the frame had
 * on the wire (pcap_pkthdr.len). A field of 0 (TSO/GSO offload captures show
 * the unsegmented super-packet with no length; IPv6 jumbograms) stands for
 * "all of the frame from here". */
static size_t ip_wire_len(struct dctx *d, const uint8_t *p, size_t len, size_t field)
{
    /* What the frame had on the wire from this header on (when the pcap
     * header is sane, wirelen >= caplen, this is >= len). */
    size_t at = (size_t)(p - d->frame);
    size_t on_wire = d->wirelen >= d->caplen ? d->wirelen - at : len;
    if (d->wire_end - at < on_wire) on_wire = d->wire_end - at;   /* a tunnel's carrier ends sooner */
    if (field == 0) {
        d->len_from_capture = true;
        field = on_wire;
    } else if (field > on_wire) {
        /* The IP header claims more than the wire carried: the length field
         * lies (edited or sliced captures), the frame was not cut by snaplen.
         * Trust the wire, as tshark does. */
        field = on_wire;
    }
    d->out->l3 = p;
    d->out->l3_len = len < field ? len : field;
    d->out->truncated = len < field;
    return field;
}

/* IPv4 header (RFC 791 section 3.1):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Identification        |Flags|      Fragment Offset    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       Source Address                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Options (IHL - 5 words)                    |
 *
 * Flags: bit 0 reserved, DF 0x4000, MF 0x2000; offset in 8-byte units. */
static enum decode_reason decode_ipv4(struct dctx *d, const uint8_t *p, size_t len)
{
    struct pkt *o = d->out;
    struct cursor c = cur_init(p, len);
    uint8_t vihl = cur_u8(&c);
    cur_skip(&c, 1);
    size_t total = cur_be16(&c);
    cur_skip(&c, 2);
    uint16_t frag = cur_be16(&c);
    cur_skip(&c, 1);
    uint8_t proto = cur_u8(&c);
    cur_skip(&c, 2);
    const uint8_t *src = cur_take(&c, 4);
    const uint8_t *dst = cur_take(&c, 4);
    if (!cur_ok(&c)) return DEC_TRUNC_IP;
    if (vihl >> 4 != 4) return DEC_BAD_IP_VERSION;

    size_t hlen = (size_t)(vihl & 0x0f) * 4;
    if (hlen < 20 || hlen > len) return DEC_BAD_IPV4_HLEN;
    if (total != 0 && total < hlen) return DEC_BAD_IP_LEN;

    o->ip_version = 4;
    o->l4proto = proto;
    memcpy(o->src, src, 4);
    memcpy(o->dst, dst, 4);
    size_t wire = ip_wire_len(d, p, len, total);
    if (frag & 0x3fff) {   /* MF set or offset != 0 */
        c = cur_init(p + 4, 2);
        o->frag_id = cur_be16(&c);
        o->frag_offset = (uint32_t)(frag & 0x1fff) * 8;
        o->frag_more = (frag & 0x2000) != 0;
        o->frag_proto = proto;
        o->frag_hlen = (uint16_t)hlen;
        return DEC_FRAGMENT;
    }

    c = cur_init(p, o->l3_len);   /* the datagram only: no padding */
    cur_skip(&c, hlen);            /* hlen <= l3_len: checked above */
    return decode_l4(d, proto, cur_ptr(&c), cur_left(&c), wire - hlen);
}

/* ---- IPv6 ---- */

/* IPv6 fixed header (RFC 8200 section 3):
 *
 *   +-------+---------------+---------------------------------------+
 *   |Version| Traffic Class |              Flow Label               |
 *   +-------+---------------+-------+---------------+---------------+
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   +-------------------------------+---------------+---------------+
 *   |                     Source Address (16)                       |
 *   |                  Destination Address (16)                     |
 *   +---------------------------------------------------------------+
 *
 * Extension headers that we walk (RFC 8200 section 4, RFC 4302):
 *
 *   hop-by-hop 0, routing 43, destination options 60:
 *   +-------------+-------------+---------------------------------+
 *   | next hdr 1  | hdr ext len | ... (hdr ext len + 1) * 8 bytes |
 *   +-------------+-------------+---------------------------------+
 *   fragment 44 (8 bytes):
 *   +-------------+-------------+-------------------------+---+-+
 *   | next hdr 1  | reserved 1  |  fragment offset 13 bits|res|M|
 *   +-------------+-------------+-------------------------+---+-+
 *   |                     identification 4                      |
 *   +-----------------------------------------------------------+
 *   authentication header 51: as above but (payload len + 2) * 4 bytes.
 *
 * ESP (50) encrypts what follows and No Next Header (59) has nothing: both end
 * the walk as DEC_OTHER_L4. */
enum {
    IP6_HOPOPTS = 0, IP6_ROUTING = 43, IP6_FRAGMENT = 44, IP6_ESP = 50,
    IP6_AH = 51, IP6_NONE = 59, IP6_DSTOPTS = 60
};

static enum decode_reason decode_ipv6(struct dctx *d, const uint8_t *p, size_t len)
{
    struct pkt *o = d->out;
    struct cursor c = cur_init(p, len);
    uint8_t v = cur_u8(&c);
    cur_skip(&c, 3);
    size_t plen = cur_be16(&c);
    uint8_t nh = cur_u8(&c);
    cur_skip(&c, 1);
    const uint8_t *src = cur_take(&c, 16);
    const uint8_t *dst = cur_take(&c, 16);
    if (!cur_ok(&c)) return DEC_TRUNC_IP;
    if (v >> 4 != 6) return DEC_BAD_IP_VERSION;

    o->ip_version = 6;
    o->l4proto = nh;
    memcpy(o->src, src, 16);
    memcpy(o->dst, dst, 16);
    /* plen 0: jumbogram (RFC 2675) or a TSO capture; take what was captured. */
    size_t wire = ip_wire_len(d, p, len, plen ? 40 + plen : 0);   /* >= 40 */

    /* From here the cursor covers only the datagram's captured bytes, and
     * `wire` counts down the bytes the wire had after the current header. */
    c = cur_init(p + 40, o->l3_len - 40);
    wire -= 40;
    size_t nh_at = 6;   /* offset in the datagram of the next-header byte naming nh */
    for (unsigned n = 0;; n++) {
        size_t hlen;
        switch (nh) {
        case IP6_HOPOPTS:
        case IP6_ROUTING:
        case IP6_DSTOPTS:
        case IP6_FRAGMENT:
        case IP6_AH:
            break;
        case IP6_ESP:
        case IP6_NONE:
            o->l4proto = nh;
            return DEC_OTHER_L4;
        default:
            return decode_l4(d, nh, cur_ptr(&c), cur_left(&c), wire);
        }
        if (n >= LIM_IPV6_EXT_HEADERS) return DEC_BAD_IPV6_EXT;

        uint8_t this_hdr = nh;
        nh = cur_peek_u8(&c, 0);
        uint8_t xlen = cur_peek_u8(&c, 1);
        if (!cur_has(&c, 2)) return DEC_BAD_IPV6_EXT;
        if (this_hdr == IP6_FRAGMENT)
            hlen = 8;
        else if (this_hdr == IP6_AH)
            hlen = ((size_t)xlen + 2) * 4;
        else
            hlen = ((size_t)xlen + 1) * 8;
        if (hlen > wire) return DEC_BAD_IPV6_EXT;   /* runs past the datagram */

        struct cursor h = c;
        size_t at = (size_t)(cur_ptr(&c) - p);
        if (!cur_skip(&c, hlen)) return DEC_BAD_IPV6_EXT;   /* past the captured bytes */
        wire -= hlen;
        if (this_hdr == IP6_FRAGMENT) {
            cur_skip(&h, 2);
            uint16_t offm = cur_be16(&h);
            uint32_t id = cur_be32(&h);
            o->l4proto = nh;
            /* Offset 0 and M clear is an atomic fragment (RFC 6946): whole. */
            if (offm & 0xfff9) {
                o->frag_id = id;
                o->frag_offset = (uint32_t)(offm & 0xfff8);
                o->frag_more = (offm & 1) != 0;
                o->frag_proto = nh;
                o->frag_hdr_at = (uint16_t)at;
                o->frag_nh_at = (uint16_t)nh_at;
                o->frag_hlen = (uint16_t)(at + 8);
                return DEC_FRAGMENT;
            }
        }
        nh_at = at;
    }
}

/* ---- tunnels ---- */

void decode_clip_wire(struct dctx *d, const uint8_t *p, size_t wire)
{
    size_t end = (size_t)(p - d->frame) + wire;
    if (end < d->wire_end) d->wire_end = end;
}

bool decode_enter_tunnel(struct dctx *d, enum tunnel_type t, uint32_t id)
{
    struct pkt *o = d->out;
    if (o->n_tunnels >= LIM_DECODE_DEPTH) return false;
    o->n_tunnels++;
    o->tunnel_type = (uint8_t)t;
    o->tunnel_id = id;
    if (t != TUN_MPLS && t != TUN_IPIP && t != TUN_IP6IP && id) o->tenant_id = id;
    if (t != TUN_MPLS && t != TUN_PPPOE) o->n_vlan = 0;   /* the carrier's tags */
    d->len_from_capture = false;
    return true;
}

static const char *const tunnel_names[TUN__COUNT] = {
    [TUN_NONE] = "none", [TUN_GRE] = "gre", [TUN_ERSPAN2] = "erspan2", [TUN_ERSPAN3] = "erspan3",
    [TUN_VXLAN] = "vxlan", [TUN_GENEVE] = "geneve", [TUN_MPLS] = "mpls", [TUN_PPPOE] = "pppoe",
    [TUN_IPIP] = "ipip", [TUN_IP6IP] = "ip6ip",
};

const char *decode_tunnel_name(enum tunnel_type t)
{
    if ((unsigned)t >= TUN__COUNT) return "unknown";
    return tunnel_names[t];
}

/* ---- options ---- */

void decode_opts_default(struct decode_opts *o)
{
    memset(o, 0, sizeof *o);
    o->vxlan_ports[0] = 4789;
    o->n_vxlan_ports = 1;
    o->geneve_port = 6081;
}

int decode_opts_vxlan_ports(struct decode_opts *o, const char *list, char *err, size_t errlen)
{
    uint16_t ports[DECODE_MAX_VXLAN_PORTS];
    unsigned n = 0;
    const char *s = list;
    if (strcmp(s, "none") == 0) s = "";
    while (*s) {
        unsigned long v = 0;
        const char *start = s;
        while (*s >= '0' && *s <= '9' && v <= 65535) v = v * 10 + (unsigned long)(*s++ - '0');
        if (s == start || v == 0 || v > 65535 || (*s && *s != ',')) {
            snprintf(err, errlen, "'%s' is not a list of UDP ports (1-65535, comma-separated)", list);
            return -1;
        }
        if (n == DECODE_MAX_VXLAN_PORTS) {
            snprintf(err, errlen, "at most %d VXLAN ports", DECODE_MAX_VXLAN_PORTS);
            return -1;
        }
        ports[n++] = (uint16_t)v;
        if (*s == ',') s++;
    }
    memcpy(o->vxlan_ports, ports, sizeof ports);
    o->n_vxlan_ports = (uint8_t)n;
    return 0;
}

/* ---- entry points ---- */

static const struct decode_opts default_opts = { { 4789 }, 1, 6081 };

enum decode_reason decode_packet(int dlt, const uint8_t *frame, size_t caplen,
                                 size_t wirelen, struct pkt *out)
{
    return decode_frame(NULL, dlt, frame, caplen, wirelen, out);
}

enum decode_reason decode_ip(const struct decode_opts *opts, int version, const uint8_t *p,
                             size_t len, struct pkt *out)
{
    memset(out, 0, sizeof *out);
    struct dctx d = { .out = out, .opts = opts ? opts : &default_opts, .frame = p, .wirelen = len,
                      .caplen = len, .wire_end = SIZE_MAX };
    if (version == 4) return decode_ethertype(&d, ETH_P_IPV4, p, len);
    if (version == 6) return decode_ethertype(&d, ETH_P_IPV6, p, len);
    return DEC_BAD_IP_VERSION;
}

enum decode_reason decode_frame(const struct decode_opts *opts, int dlt, const uint8_t *frame,
                                size_t caplen, size_t wirelen, struct pkt *out)
{
    memset(out, 0, sizeof *out);
    struct dctx d = { .out = out, .opts = opts ? opts : &default_opts, .frame = frame, .wirelen = wirelen,
                      .caplen = caplen, .wire_end = SIZE_MAX };

    switch (dlt) {
    case DLT_EN10MB: return decode_ether(&d, frame, caplen);
    case DLT_LINUX_SLL: return link_sll(&d, frame, caplen);
    case DLT_LINUX_SLL2: return link_sll2(&d, frame, caplen);
    case DLT_NULL: return link_null(&d, frame, caplen, true);
    case DLT_LOOP: return link_null(&d, frame, caplen, false);
    case DLT_IPV4: return decode_ethertype(&d, ETH_P_IPV4, frame, caplen);
    case DLT_IPV6: return decode_ethertype(&d, ETH_P_IPV6, frame, caplen);
    default:
        if (dlt_is_raw(dlt)) return decode_raw_ip(&d, frame, caplen);
        return DEC_UNSUPPORTED_LINK;
    }
}

bool decode_link_supported(int dlt)
{
    switch (dlt) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_NULL:
    case DLT_LOOP:
    case DLT_IPV4:
    case DLT_IPV6:
        return true;
    default:
        return dlt_is_raw(dlt);
    }
}

static const char *const reason_names[DEC__COUNT] = {
    [DEC_OK] = "ok",
    [DEC_OTHER_L4] = "other_l4",
    [DEC_NOT_IP] = "not_ip",
    [DEC_UNSUPPORTED_LINK] = "unsupported_link",
    [DEC_TRUNC_LINK] = "trunc_link",
    [DEC_TRUNC_VLAN] = "trunc_vlan",
    [DEC_TOO_DEEP] = "too_deep",
    [DEC_TRUNC_IP] = "trunc_ip",
    [DEC_BAD_IP_VERSION] = "bad_ip_version",
    [DEC_BAD_IPV4_HLEN] = "bad_ipv4_hlen",
    [DEC_BAD_IP_LEN] = "bad_ip_len",
    [DEC_BAD_IPV6_EXT] = "bad_ipv6_ext",
    [DEC_FRAGMENT] = "fragment",
    [DEC_TRUNC_TCP] = "trunc_tcp",
    [DEC_BAD_TCP_HLEN] = "bad_tcp_hlen",
    [DEC_TRUNC_UDP] = "trunc_udp",
    [DEC_BAD_UDP_LEN] = "bad_udp_len",
    [DEC_TRUNC_TUNNEL] = "trunc_tunnel",
    [DEC_BAD_TUNNEL] = "bad_tunnel",
};

const char *decode_reason_name(enum decode_reason r)
{
    if ((unsigned)r >= DEC__COUNT || !reason_names[r]) return "unknown";
    return reason_names[r];
}
