/* decode_int.h -- what decode.c and decode_tunnel.c share (not public).
 *
 * The per-frame context and the network-layer entry points that tunnels
 * re-enter: decode_ethertype() for what carries an EtherType (inner Ethernet,
 * GRE protocol types, PPPoE), dec_ipv4()/dec_ipv6() for IP behind IP. Tunnel
 * decoders live in decode_tunnel.c and are called from the EtherType, IP
 * protocol and UDP port dispatches of decode.c.
 */
#ifndef BW_DECODE_INT_H
#define BW_DECODE_INT_H

#include "decode.h"

struct dctx {
    struct pkt *out;
    const struct decode_opts *opts;
    const uint8_t *frame;   /* start of the frame, to know how deep a header sits */
    size_t wirelen;         /* pcap_pkthdr.len */
    size_t caplen;
    unsigned depth;         /* network-layer dispatches so far */
    bool len_from_capture;  /* IP length field was 0 (TSO, jumbogram): length guessed */
    size_t wire_end;        /* offset in the frame where the innermost tunnel's carrier
                             * ends by its own length (IP, UDP, PPPoE); SIZE_MAX if none */
};

enum {
    ETH_P_IPV4 = 0x0800,
    ETH_P_8021Q = 0x8100,
    ETH_P_TEB = 0x6558,        /* transparent Ethernet bridging (GRE, Geneve) */
    ETH_P_IPV6 = 0x86dd,
    ETH_P_MPLS_UC = 0x8847,
    ETH_P_MPLS_MC = 0x8848,
    ETH_P_PPPOE_SESS = 0x8864,
    ETH_P_ERSPAN2 = 0x88be,    /* ERSPAN type I and II */
    ETH_P_8021AD = 0x88a8,
    ETH_P_ERSPAN3 = 0x22eb,
    ETH_P_QINQ_OLD = 0x9100    /* pre-802.1ad vendor QinQ TPID */
};

/* Dispatch on an EtherType; one level of nesting. */
enum decode_reason decode_ethertype(struct dctx *d, uint16_t type, const uint8_t *p, size_t len);
/* An Ethernet header and what follows. */
enum decode_reason decode_ether(struct dctx *d, const uint8_t *p, size_t len);

/* Enter a tunnel: record it (innermost wins; tenant_id only for the kinds
 * whose id names a tenant or session) and forget the VLAN tags of the carrier
 * when the tunnel is an overlay (they belong to the mirror transport, not to
 * the tenant). False when too many tunnels are nested. */
bool decode_enter_tunnel(struct dctx *d, enum tunnel_type t, uint32_t id);

/* The wire bytes of what p carries end after `wire` bytes (the carrier's
 * length field): an inner IP length claiming more is trusted no further. */
void decode_clip_wire(struct dctx *d, const uint8_t *p, size_t wire);

/* ---- decode_tunnel.c ---- */

/* GRE (IP protocol 47) payload. */
enum decode_reason decode_tunnel_gre(struct dctx *d, const uint8_t *p, size_t len);
/* MPLS label stack (EtherType 0x8847/0x8848, GRE protocol the same). */
enum decode_reason decode_tunnel_mpls(struct dctx *d, const uint8_t *p, size_t len);
/* PPPoE session stage (EtherType 0x8864). */
enum decode_reason decode_tunnel_pppoe(struct dctx *d, const uint8_t *p, size_t len);
/* UDP payload to port dport: VXLAN or Geneve? Returns true with *r set when
 * it was a tunnel; false (nothing touched) when the packet is plain UDP. */
bool decode_tunnel_udp(struct dctx *d, uint16_t dport, const uint8_t *p, size_t len,
                       enum decode_reason *r);

#endif
