/* decode_frames.h -- frame builders and result invariants for the decode tests.
 *
 * Frames are assembled byte by byte (link header, IPv4/IPv6, TCP/UDP), then
 * copied by dup_n() into a malloc'ed buffer of exactly their length, so that
 * under ASan any read past the end is caught at once. Shared by
 * tests/test_decode.c and tests/test_decode_robust.c.
 */
#ifndef BW_DECODE_FRAMES_H
#define BW_DECODE_FRAMES_H

#include "decode.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- frame builder ---- */

struct fb {
    uint8_t b[4096];
    size_t n;
};

static inline void put8(struct fb *f, unsigned v) { f->b[f->n++] = (uint8_t)v; }
static inline void put16(struct fb *f, unsigned v) { put8(f, v >> 8); put8(f, v); }
static inline void put32(struct fb *f, uint32_t v) { put16(f, v >> 16); put16(f, v & 0xffff); }
static inline void putle32(struct fb *f, uint32_t v)
{
    put8(f, v); put8(f, v >> 8); put8(f, v >> 16); put8(f, v >> 24);
}
static inline void putn(struct fb *f, const void *p, size_t n) { memcpy(f->b + f->n, p, n); f->n += n; }
static inline void putstr(struct fb *f, const char *s) { putn(f, s, strlen(s)); }
static inline void fill(struct fb *f, unsigned v, size_t n) { while (n--) put8(f, v); }
static inline void set16(struct fb *f, size_t at, unsigned v)
{
    f->b[at] = (uint8_t)(v >> 8);
    f->b[at + 1] = (uint8_t)v;
}

static const uint8_t A4_SRC[4] = { 10, 1, 2, 3 };
static const uint8_t A4_DST[4] = { 192, 168, 200, 4 };
static const uint8_t A6_SRC[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11 };
static const uint8_t A6_DST[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };

/* Ethernet: dst MAC, src MAC, type. */
static inline void eth(struct fb *f, unsigned type)
{
    static const uint8_t macs[12] = { 0, 1, 2, 3, 4, 5, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
    putn(f, macs, 12);
    put16(f, type);
}

/* One 802.1Q/802.1ad tag body (the TPID was the previous type field). */
static inline void vlan_tag(struct fb *f, unsigned pcp, unsigned vid, unsigned inner)
{
    put16(f, pcp << 13 | vid);
    put16(f, inner);
}

static inline void sll(struct fb *f, unsigned proto)
{
    put16(f, 0);        /* packet type: to us */
    put16(f, 1);        /* ARPHRD_ETHER */
    put16(f, 6);        /* address length */
    static const uint8_t a[8] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 0 };
    putn(f, a, 8);
    put16(f, proto);
}

static inline void sll2(struct fb *f, unsigned proto)
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
static inline size_t ip4(struct fb *f, unsigned proto, size_t optlen, unsigned frag)
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
static inline void ip4_end(struct fb *f, size_t at) { set16(f, at + 2, (unsigned)(f->n - at)); }

static inline size_t ip6(struct fb *f, unsigned nh)
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
static inline void ip6_end(struct fb *f, size_t at) { set16(f, at + 4, (unsigned)(f->n - at - 40)); }

/* Hop-by-hop / routing / destination options: (units + 1) * 8 bytes. */
static inline void ip6_ext(struct fb *f, unsigned nh, unsigned units)
{
    put8(f, nh);
    put8(f, units);
    fill(f, 0, (units + 1) * 8 - 2);   /* Pad1/PadN contents don't matter */
}

static inline void ip6_frag(struct fb *f, unsigned nh, unsigned offset8, bool more)
{
    put8(f, nh);
    put8(f, 0);
    put16(f, offset8 << 3 | (more ? 1 : 0));
    put32(f, 0xcafe);
}

/* Authentication header: (plen + 2) * 4 bytes. */
static inline void ip6_ah(struct fb *f, unsigned nh, unsigned plen)
{
    put8(f, nh);
    put8(f, plen);
    fill(f, 0x5a, (plen + 2) * 4 - 2);
}

static inline void tcp(struct fb *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
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

static inline size_t udp(struct fb *f, unsigned sport, unsigned dport)
{
    size_t at = f->n;
    put16(f, sport);
    put16(f, dport);
    put16(f, 0);        /* length, patched */
    put16(f, 0);
    return at;
}
static inline void udp_end(struct fb *f, size_t at) { set16(f, at + 4, (unsigned)(f->n - at)); }

static const char HTTP_REQ[] = "GET /container/customers.csv HTTP/1.1\r\nHost: x\r\n\r\n";

/* An exact-length heap copy of the first n bytes, so ASan sees any over-read. */
static inline uint8_t *dup_n(const struct fb *f, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    if (!p) abort();
    memcpy(p, f->b, n);
    return p;
}

/* ---- invariants every decode result must satisfy ---- */

/* For any frame buf[0..len): returns true if out is self-consistent for r. */
static inline bool consistent(enum decode_reason r, const uint8_t *buf, size_t len, const struct pkt *o)
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

/* Link header already written: IPv4 + TCP + HTTP_REQ; offsets of the IP
 * header and of the payload through *l3, *pl. */
static inline void build_v4_tcp(struct fb *f, size_t *l3, size_t *pl)
{
    *l3 = ip4(f, IPPROTO_TCP, 0, 0x4000 /* DF: not a fragment */);
    tcp(f, 51234, 80, 0x01020304, 0xa0b0c0d0, TCPF_PSH | TCPF_ACK | 0xc0, 29200, 0);
    *pl = f->n;
    putstr(f, HTTP_REQ);
    ip4_end(f, *l3);
}

#endif
