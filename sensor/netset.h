/* netset.h -- a set of IPv4/IPv6 networks (CIDR list), for --home-net.
 *
 * Built once at start-up, then read-only and shared by all workers. IPv4
 * networks are kept as IPv4-mapped IPv6 (::ffff:a.b.c.d/96+n), so an IPv4
 * address seen inside an IPv6 socket (::ffff:10.1.2.3) matches 10.0.0.0/8 too.
 * Lookups scan the list: home-net lists are short (a few dozen entries, capped
 * at NETSET_MAX).
 *
 * List syntax (netset_parse): entries separated by commas and/or whitespace;
 * each is "ADDR/LEN", a bare "ADDR" (a host: /32 or /128), or the keyword
 * "private" (10/8, 172.16/12, 192.168/16, 127/8, 169.254/16, 100.64/10,
 * fc00::/7, fe80::/10, ::1/128). Host bits below the prefix are ignored
 * (10.1.2.3/8 is 10.0.0.0/8).
 */
#ifndef BW_NETSET_H
#define BW_NETSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETSET_MAX 4096u

typedef struct netset netset;

/* An empty set. Returns NULL on allocation failure. Free with netset_free. */
netset *netset_new(void);
/* Free the set; netset_free(NULL) is a no-op. */
void netset_free(netset *ns);

/* Add one entry ("10.0.0.0/8", "2001:db8::/32", "192.0.2.7", "private").
 * Returns 0, or -1 with a message in err (bad address, prefix length out of
 * range, NETSET_MAX reached, out of memory). */
int netset_add(netset *ns, const char *entry, char *err, size_t errlen);

/* Add every entry of a comma/whitespace separated list. Stops at the first
 * bad entry: returns -1 with a message naming it; entries before it stay. */
int netset_parse(netset *ns, const char *list, char *err, size_t errlen);

/* Is addr inside one of the networks? addr holds 4 bytes (ip_version 4) or
 * 16 bytes (ip_version 6). A NULL or empty set contains nothing. */
bool netset_contains(const netset *ns, int ip_version, const uint8_t *addr);

/* Number of networks in the set (0 for NULL). */
size_t netset_count(const netset *ns);

#endif
