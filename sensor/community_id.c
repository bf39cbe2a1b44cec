/* community_id.c -- Community ID v1 (see community_id.h for the layout). */
/* SHA1_Init/Update/Final: deprecated in OpenSSL 3 in favour of EVP, still in
 * its API. EVP_Digest (and SHA1(), EVP underneath in 3.x) fetches the
 * algorithm from a provider: the first call of a process loads the default
 * provider and its name tables (~3 ms of every run's start-up), and every
 * call allocates a context. */
#define OPENSSL_API_COMPAT 0x10101000L
#include "community_id.h"

#include <stdbool.h>
#include <string.h>
#include <openssl/sha.h>

/* ---- ordering ---- */

/* True when (a, ap) must go first: smaller address, or equal addresses and a
 * port not above the other. */
static int endpoint_first(const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp, size_t alen)
{
    int c = memcmp(a, b, alen);
    if (c != 0) return c < 0;
    return ap <= bp;
}

/* TCP, UDP, SCTP, ICMP, ICMPv6 hash their ports; other protocols do not. */
static bool has_ports(uint8_t proto)
{
    return proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58;
}

/* ---- ICMP type pairs (spec: "ICMP and ICMPv6") ---- */

/* The counterpart of an ICMP/ICMPv6 message type, or -1 when it has none. */
static int icmp_counterpart(uint8_t proto, uint16_t type)
{
    static const uint8_t v4[][2] = { { 8, 0 }, { 13, 14 }, { 15, 16 }, { 10, 9 }, { 17, 18 } };
    static const uint8_t v6[][2] = { { 128, 129 }, { 133, 134 }, { 135, 136 }, { 130, 131 },
                                     { 139, 140 }, { 144, 145 } };
    const uint8_t (*t)[2] = proto == 1 ? v4 : v6;
    size_t n = proto == 1 ? sizeof v4 / sizeof v4[0] : sizeof v6 / sizeof v6[0];
    for (size_t i = 0; i < n; i++) {
        if (t[i][0] == type) return t[i][1];
        if (t[i][1] == type) return t[i][0];
    }
    return -1;
}

/* ---- base64 (RFC 4648, with padding) ---- */

static size_t b64_encode(const uint8_t *in, size_t n, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = tab[v >> 6 & 63];
        out[o++] = tab[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = tab[v >> 6 & 63];
        out[o++] = '=';
    }
    out[o] = 0;
    return o;
}

/* ---- the hash ---- */

size_t community_id_v1(int ip_version, uint8_t proto, const uint8_t *saddr, const uint8_t *daddr,
                       uint16_t sport, uint16_t dport, uint16_t seed, char *out, size_t cap)
{
    if (out && cap) out[0] = 0;
    if (!out || cap < COMMUNITY_ID_LEN || !saddr || !daddr) return 0;
    size_t alen = ip_version == 4 ? 4 : ip_version == 6 ? 16 : 0;
    if (!alen) return 0;

    bool one_way = false;
    if (proto == 1 || proto == 58) {
        int peer = icmp_counterpart(proto, sport);
        if (peer >= 0) dport = (uint16_t)peer;
        else one_way = true;
    }
    const uint8_t *a1 = saddr, *a2 = daddr;
    uint16_t p1 = sport, p2 = dport;
    if (!one_way && !endpoint_first(saddr, sport, daddr, dport, alen)) {
        a1 = daddr; a2 = saddr;
        p1 = dport; p2 = sport;
    }

    /* seed(2) + 2 * addr(<=16) + proto(1) + pad(1) + ports(4) */
    uint8_t buf[2 + 32 + 1 + 1 + 4];
    size_t n = 0;
    buf[n++] = (uint8_t)(seed >> 8);
    buf[n++] = (uint8_t)seed;
    memcpy(buf + n, a1, alen); n += alen;
    memcpy(buf + n, a2, alen); n += alen;
    buf[n++] = proto;
    buf[n++] = 0;
    if (has_ports(proto)) {
        buf[n++] = (uint8_t)(p1 >> 8);
        buf[n++] = (uint8_t)p1;
        buf[n++] = (uint8_t)(p2 >> 8);
        buf[n++] = (uint8_t)p2;
    }

    uint8_t md[SHA_DIGEST_LENGTH];
    SHA_CTX c;
    if (!SHA1_Init(&c) || !SHA1_Update(&c, buf, n) || !SHA1_Final(md, &c)) return 0;

    out[0] = '1';
    out[1] = ':';
    return 2 + b64_encode(md, sizeof md, out + 2);
}
