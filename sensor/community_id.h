/* community_id.h -- Community ID flow hashing, version 1.
 *
 * The Corelight community-id-spec v1 hash, so that an alert can be joined with
 * the same flow as Zeek, Suricata, Elastic or Wireshark saw it:
 *
 *   "1:" + base64(SHA1(seed | saddr | daddr | proto | 0 | sport | dport))
 *
 *   seed   2 bytes, big endian
 *   saddr  4 (IPv4) or 16 (IPv6) bytes, network order
 *   daddr  same length as saddr
 *   proto  1 byte, the IP protocol number
 *   pad    1 byte, 0
 *   sport  2 bytes, big endian   (TCP, UDP, SCTP, ICMP, ICMPv6 only)
 *   dport  2 bytes, big endian
 *
 * The endpoints are ordered first so both directions give the same ID: the
 * smaller address (byte-wise) goes first, its port with it; when both addresses
 * are equal the smaller port goes first.
 * Spec: https://github.com/corelight/community-id-spec
 */
#ifndef BW_COMMUNITY_ID_H
#define BW_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

/* Room for "1:" + 28 base64 characters + NUL. */
#define COMMUNITY_ID_LEN 31

/* Compute the v1 Community ID of a flow and write it NUL-terminated into out.
 * saddr/daddr hold 4 bytes when ip_version is 4 and 16 when it is 6; ports are
 * in host order. For ICMP (proto 1) and ICMPv6 (58) pass the message type as
 * sport and the code as dport: as the spec says, a type with a counterpart
 * (echo/echo reply, ...) hashes as the port pair (type, counterpart type) and
 * is ordered like a two-way flow; any other type hashes as (type, code) in
 * the direction given (one-way, not reordered). Protocols other than TCP,
 * UDP, SCTP, ICMP and ICMPv6 have no ports: sport/dport are ignored.
 * Returns the length written (30), or 0 when ip_version is not 4 or 6, a
 * pointer is NULL, cap is below COMMUNITY_ID_LEN, or hashing failed; out is
 * then an empty string when cap > 0. */
size_t community_id_v1(int ip_version, uint8_t proto, const uint8_t *saddr, const uint8_t *daddr,
                       uint16_t sport, uint16_t dport, uint16_t seed, char *out, size_t cap);

#endif
