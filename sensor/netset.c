/* netset.c -- CIDR list parse and lookup (see netset.h). */
#include "netset.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct net {
    uint8_t addr[16];   /* masked network address, IPv4 mapped into ::ffff:0:0/96 */
    uint8_t plen;       /* 0-128 */
};

struct netset {
    struct net *v;
    size_t n, cap;
};

netset *netset_new(void)
{
    return calloc(1, sizeof(netset));
}

void netset_free(netset *ns)
{
    if (!ns) return;
    free(ns->v);
    free(ns);
}

size_t netset_count(const netset *ns) { return ns ? ns->n : 0; }

/* ---- helpers ---- */

static void map_v4(const uint8_t v4[4], uint8_t out[16])
{
    memset(out, 0, 10);
    out[10] = 0xff;
    out[11] = 0xff;
    memcpy(out + 12, v4, 4);
}

static void mask(uint8_t a[16], unsigned plen)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned bits = plen >= 8 * (i + 1) ? 8 : plen > 8 * i ? plen - 8 * i : 0;
        a[i] &= (uint8_t)(bits == 8 ? 0xff : (0xff00u >> bits) & 0xff);
    }
}

static bool prefix_match(const uint8_t a[16], const uint8_t net[16], unsigned plen)
{
    unsigned full = plen / 8, rest = plen % 8;
    if (memcmp(a, net, full) != 0) return false;
    if (!rest) return true;
    uint8_t m = (uint8_t)(0xff00u >> rest);
    return (a[full] & m) == net[full];
}

static int push(netset *ns, const uint8_t a[16], unsigned plen, char *err, size_t errlen)
{
    if (ns->n >= NETSET_MAX) {
        snprintf(err, errlen, "too many networks (max %u)", NETSET_MAX);
        return -1;
    }
    if (ns->n == ns->cap) {
        size_t nc = ns->cap ? ns->cap * 2 : 16;
        struct net *nv = realloc(ns->v, nc * sizeof *nv);
        if (!nv) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        ns->v = nv;
        ns->cap = nc;
    }
    struct net *e = &ns->v[ns->n++];
    memcpy(e->addr, a, 16);
    e->plen = (uint8_t)plen;
    mask(e->addr, plen);
    return 0;
}

static const char *const private_nets[] = {
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
    "100.64.0.0/10", "fc00::/7", "fe80::/10", "::1/128", NULL
};

/* ---- API ---- */

int netset_add(netset *ns, const char *entry, char *err, size_t errlen)
{
    if (!ns || !entry) {
        snprintf(err, errlen, "no set or entry");
        return -1;
    }
    if (strcmp(entry, "private") == 0) {
        for (unsigned i = 0; private_nets[i]; i++)
            if (netset_add(ns, private_nets[i], err, errlen) < 0) return -1;
        return 0;
    }
    char buf[64];
    size_t n = strlen(entry);
    if (n == 0 || n >= sizeof buf) {
        snprintf(err, errlen, "bad network '%.64s'", entry);
        return -1;
    }
    memcpy(buf, entry, n + 1);
    char *slash = strchr(buf, '/');
    long plen = -1;
    if (slash) {
        *slash = 0;
        char *end = NULL;
        const char *ps = slash + 1;
        if (*ps < '0' || *ps > '9') {
            snprintf(err, errlen, "bad prefix length in '%s'", entry);
            return -1;
        }
        plen = strtol(ps, &end, 10);
        if (*end != 0) {
            snprintf(err, errlen, "bad prefix length in '%s'", entry);
            return -1;
        }
    }
    uint8_t a[16], v4[4];
    unsigned max, off;
    if (inet_pton(AF_INET, buf, v4) == 1) {
        map_v4(v4, a);
        max = 32;
        off = 96;
    } else if (inet_pton(AF_INET6, buf, a) == 1) {
        max = 128;
        off = 0;
    } else {
        snprintf(err, errlen, "bad address in '%s'", entry);
        return -1;
    }
    if (plen < 0) plen = max;
    if (plen > (long)max) {
        snprintf(err, errlen, "prefix length out of range in '%s'", entry);
        return -1;
    }
    return push(ns, a, (unsigned)plen + off, err, errlen);
}

int netset_parse(netset *ns, const char *list, char *err, size_t errlen)
{
    if (!list) return 0;
    const char *s = list;
    while (*s) {
        while (*s == ',' || *s == ' ' || *s == '\t' || *s == '\n') s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != ',' && *e != ' ' && *e != '\t' && *e != '\n') e++;
        char one[64];
        size_t n = (size_t)(e - s);
        if (n >= sizeof one) {
            snprintf(err, errlen, "network too long: '%.40s...'", s);
            return -1;
        }
        memcpy(one, s, n);
        one[n] = 0;
        if (netset_add(ns, one, err, errlen) < 0) return -1;
        s = e;
    }
    return 0;
}

bool netset_contains(const netset *ns, int ip_version, const uint8_t *addr)
{
    if (!ns || !addr || ns->n == 0) return false;
    uint8_t a[16];
    if (ip_version == 4) map_v4(addr, a);
    else if (ip_version == 6) memcpy(a, addr, 16);
    else return false;
    for (size_t i = 0; i < ns->n; i++)
        if (prefix_match(a, ns->v[i].addr, ns->v[i].plen)) return true;
    return false;
}
