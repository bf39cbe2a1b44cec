/* decode.h -- link layer to transport: one packet in, one struct pkt out.
 *
 * decode_packet() walks the captured bytes of one frame through the cursor
 * helper (cursor.h) and fills a struct pkt whose pointers are views into the
 * caller's frame. It never reads past caplen. A frame it cannot use is reported
 * with a reason (enum decode_reason) that the caller counts; nothing is logged.
 *
 * Link types: Ethernet (with 802.1Q / 802.1ad QinQ tags), Linux SLL and SLL2,
 * DLT_NULL / DLT_LOOP, raw IP (DLT_RAW, LINKTYPE_IPV4/IPV6).
 * Network: IPv4 (options skipped), IPv6 (extension headers walked).
 * Transport: TCP, UDP; other protocols decode to L3 only (reason DEC_OTHER_L4).
 * Tunnels (decode_tunnel.c), nested up to LIM_DECODE_DEPTH: GRE (keyed, with
 * Ethernet, IP, MPLS or ERSPAN type I/II/III inside), VXLAN (configurable UDP
 * ports), Geneve, MPLS label stacks (IP or an Ethernet pseudowire with or
 * without control word), PPPoE session, IP-in-IP and IPv6-in-IP. The packet's
 * addresses and ports are always the innermost ones; the innermost tunnel is
 * recorded in tunnel_type / tunnel_id.
 */
#ifndef BW_DECODE_H
#define BW_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a frame was not (fully) usable. DEC_OK and DEC_OTHER_L4 are not errors. */
enum decode_reason {
    DEC_OK = 0,
    DEC_OTHER_L4,          /* IP packet of another protocol (ICMP, SCTP...): counted, not an error */
    DEC_NOT_IP,            /* ARP, LLDP...: counted, not an error */
    DEC_UNSUPPORTED_LINK,  /* a DLT we do not decode */
    DEC_TRUNC_LINK,        /* frame shorter than its link header */
    DEC_TRUNC_VLAN,
    DEC_TOO_DEEP,          /* more nested headers than LIM_DECODE_DEPTH */
    DEC_TRUNC_IP,          /* shorter than the IP header (snaplen or broken) */
    DEC_BAD_IP_VERSION,
    DEC_BAD_IPV4_HLEN,     /* IHL < 5 or past the captured bytes */
    DEC_BAD_IP_LEN,        /* total/payload length smaller than the header */
    DEC_BAD_IPV6_EXT,      /* an extension header runs past the packet, or too many */
    DEC_FRAGMENT,          /* IP fragment: network part and frag_* filled, for frag.c */
    DEC_TRUNC_TCP,         /* shorter than the TCP header, or data offset past the bytes */
    DEC_BAD_TCP_HLEN,      /* data offset < 5 */
    DEC_TRUNC_UDP,
    DEC_BAD_UDP_LEN,
    DEC_TRUNC_TUNNEL,      /* a tunnel header (GRE, ERSPAN, MPLS, PPPoE...) cut short */
    DEC_BAD_TUNNEL,        /* a tunnel header we recognise but cannot use (GRE routing, unknown ERSPAN version...) */
    DEC__COUNT
};

/* Short stable name for stats ("trunc_ip"...). */
const char *decode_reason_name(enum decode_reason r);

/* TCP flag bits as on the wire. */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10
#define TCPF_URG 0x20

#define PKT_MAX_VLAN 2

/* One decoded packet. Every pointer is a view into the frame passed in. */
struct pkt {
    /* network */
    uint8_t ip_version;        /* 4 or 6 */
    uint8_t l4proto;           /* IPPROTO_TCP, IPPROTO_UDP, or other */
    uint8_t src[16], dst[16];  /* IPv4 in the first 4 bytes, rest zero */
    const uint8_t *l3;         /* start of the (innermost) IP header, for nDPI */
    size_t l3_len;             /* captured bytes from l3, clipped to the IP length */

    /* link */
    uint16_t vlan[PKT_MAX_VLAN];  /* outer first; VLAN id only (12 bits) */
    uint8_t n_vlan;

    /* transport */
    uint16_t sport, dport;
    uint32_t seq, ack;         /* TCP */
    uint16_t window;
    uint8_t tcp_flags;

    /* L4 payload: the captured bytes, and how many the wire carried.
     * payload_len < wire_payload_len means snaplen cut it (truncated = true). */
    const uint8_t *payload;
    size_t payload_len;
    uint32_t wire_payload_len;
    bool truncated;

    /* ---- mirror feeds (appended: tunnels, fragments) ---- */
    uint8_t tunnel_type;       /* enum tunnel_type of the innermost tunnel, TUN_NONE if none */
    uint8_t n_tunnels;         /* tunnel layers walked */
    uint32_t tunnel_id;        /* its VNI, GRE key, ERSPAN session, bottom MPLS label, PPPoE session */

    /* Set with DEC_FRAGMENT (l3 is the fragment's IP header, the network
     * fields are filled): what frag.c needs to place the fragment. */
    uint32_t frag_id;          /* IPv4 identification or IPv6 fragment header id */
    uint32_t frag_offset;      /* of this fragment's data, bytes */
    bool frag_more;            /* more fragments follow (MF / M flag) */
    uint8_t frag_proto;        /* protocol of the fragmented payload */
    uint16_t frag_hlen;        /* bytes of l3 before the fragment's data */
    uint16_t frag_hdr_at;      /* IPv6: offset in l3 of the fragment header */
    uint16_t frag_nh_at;       /* IPv6: offset in l3 of the next-header byte naming it */

    /* The tunnel id that separates flows (and fragments): the id of the
     * innermost VXLAN, Geneve, keyed GRE, ERSPAN or PPPoE layer, 0 if none.
     * MPLS labels and IP-in-IP do not count: labels differ per direction and
     * per hop, so they would split a conversation in two. */
    uint32_t tenant_id;
};

/* Tunnel kinds, as recorded in struct pkt and reported in outputs. */
enum tunnel_type {
    TUN_NONE = 0,
    TUN_GRE,          /* GRE with Ethernet, IP or MPLS inside; id = key (0 if unkeyed) */
    TUN_ERSPAN2,      /* ERSPAN type I/II over GRE; id = session */
    TUN_ERSPAN3,      /* ERSPAN type III; id = session */
    TUN_VXLAN,        /* id = VNI */
    TUN_GENEVE,       /* id = VNI */
    TUN_MPLS,         /* id = bottom-of-stack label */
    TUN_PPPOE,        /* id = session id */
    TUN_IPIP,         /* IPv4 inside IP (protocol 4) */
    TUN_IP6IP,        /* IPv6 inside IP (protocol 41, 6in4) */
    TUN__COUNT
};

/* Short stable name ("vxlan"...). */
const char *decode_tunnel_name(enum tunnel_type t);

/* Decoder options (from the configuration). A NULL pointer wherever one is
 * taken means the defaults: VXLAN on UDP 4789, Geneve on UDP 6081. */
#define DECODE_MAX_VXLAN_PORTS 8
struct decode_opts {
    uint16_t vxlan_ports[DECODE_MAX_VXLAN_PORTS];
    uint8_t n_vxlan_ports;
    uint16_t geneve_port;      /* 0: Geneve not decoded */
};

/* Defaults: VXLAN 4789, Geneve 6081. */
void decode_opts_default(struct decode_opts *o);

/* Parse a comma-separated list of UDP ports ("4789,8472") into the VXLAN
 * ports of o; "" or "none" disables VXLAN. Returns 0, or -1 with a message in
 * err (o unchanged). */
int decode_opts_vxlan_ports(struct decode_opts *o, const char *list, char *err, size_t errlen);

/* Decode one frame.
 *   dlt      libpcap link type of the frame (pcap_datalink / pcapng IDB)
 *   frame    captured bytes, caplen of them
 *   wirelen  original length on the wire (pcap_pkthdr.len)
 * Returns DEC_OK with *out filled for TCP/UDP, DEC_OTHER_L4 with the network
 * part filled, DEC_FRAGMENT with the network part and frag_* filled, or a
 * reason. *out is otherwise undefined on error. No allocation. */
enum decode_reason decode_packet(int dlt, const uint8_t *frame, size_t caplen,
                                 size_t wirelen, struct pkt *out);

/* decode_packet() with options (tunnel ports); opts NULL = defaults. */
enum decode_reason decode_frame(const struct decode_opts *opts, int dlt, const uint8_t *frame,
                                size_t caplen, size_t wirelen, struct pkt *out);

/* Decode an IP datagram that starts at p (a reassembled datagram from
 * frag.c): version 4 or 6, len bytes, all captured. Same results as
 * decode_frame(); tunnels inside it are walked. */
enum decode_reason decode_ip(const struct decode_opts *opts, int version, const uint8_t *p,
                             size_t len, struct pkt *out);

/* Does decode_packet() know this link type? (checked once per input) */
bool decode_link_supported(int dlt);

#endif
