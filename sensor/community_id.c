/* community_id.c -- Community ID v1 (see community_id.h for the layout). */
#include "community_id.h"

#include <string.h>
#include <openssl/evp.h>

/* ---- ordering ---- */

/* True when (a, ap) must go first: smaller address, or equal addresses and a
 * port not above the other. */
static int endpoint_first(const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp, size_t alen)
{
    int c = memcmp(a, b, alen);
    if (c != 0) return c < 0;
    return ap <= bp;
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

    const uint8_t *a1 = saddr, *a2 = daddr;
    uint16_t p1 = sport, p2 = dport;
    if (!endpoint_first(saddr, sport, daddr, dport, alen)) {
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
    buf[n++] = (uint8_t)(p1 >> 8);
    buf[n++] = (uint8_t)p1;
    buf[n++] = (uint8_t)(p2 >> 8);
    buf[n++] = (uint8_t)p2;

    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (!EVP_Digest(buf, n, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20) return 0;

    out[0] = '1';
    out[1] = ':';
    return 2 + b64_encode(md, mdlen, out + 2);
}
