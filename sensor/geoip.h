/* geoip.h -- GeoIP/ASN enrichment of client addresses with libmaxminddb.
 *
 * The sensor is given zero or more MaxMind DB files (--geoip FILE, repeatable)
 * and asks, for the client of each alert, which country, city, coordinates and
 * autonomous system the address belongs to. Two schemas are read:
 *
 *   GeoIP2 / GeoLite2 (MaxMind; also DB-IP's "lite" mmdb in the same layout)
 *       country.iso_code, city.names.en, location.latitude / .longitude,
 *       registered_country.iso_code (fallback only, see below), and in the
 *       separate ASN database autonomous_system_number / _organization.
 *   plain (the CC0 / CC BY ip-location-db databases, github.com/sapics/ip-location-db)
 *       country_code at the top level; the city variants add city, latitude,
 *       longitude (coordinates stored as strings); the ASN variants use the
 *       same autonomous_system_number / _organization keys as GeoLite2-ASN.
 *
 * Several databases are merged: they are asked in the order given and, per
 * field, the first database that has a usable value wins. "Field" means the
 * country code, the city name, the coordinates (latitude and longitude as one
 * pair) and the AS (number and organisation as one pair, so a number from one
 * database never goes with another database's name). List the most precise
 * database first. registered_country (where the address block is registered,
 * not where it is used) is taken only when no database has a located country.
 *
 * Addresses that cannot have a meaningful location are never looked up and
 * give false: 0.0.0.0/8 and ::, loopback, RFC 1918 private, RFC 6598 shared
 * (100.64/10, carrier-grade NAT), link-local (169.254/16, fe80::/10), unique
 * local (fc00::/7), site-local (fec0::/10), multicast, 240/4 and the limited
 * broadcast. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are looked up as the
 * IPv4 address. Documentation ranges (192.0.2/24, 2001:db8::/32 ...) are looked
 * up like any other address: real databases have nothing for them, and the
 * test databases use them.
 *
 * Thread safety: a geoip handle is read-only after geoip_open() returns, but
 * for relaxed atomic counters. Databases are opened with MMDB_MODE_MMAP and
 * libmaxminddb's lookups only read the mapping, so any number of threads may
 * call geoip_lookup() on one handle at the same time, without locks.
 * geoip_close() must not race with lookups.
 *
 * A database file replaced on disk (deploy/geoip-fetch.sh renames the new one
 * into place) keeps being read from the old mapping until the handle is
 * reopened: there is no hot reload.
 */
#ifndef BW_GEOIP_H
#define BW_GEOIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json;

typedef struct geoip geoip;

/* What is known about one address. Strings are NUL-terminated UTF-8 ("" when
 * absent), cut at a character boundary when longer than their buffer. */
struct geo_info {
    char country_iso[3];    /* ISO 3166-1 alpha-2, upper case */
    char city[64];
    double lat, lon;        /* valid only when has_location */
    bool has_location;
    uint32_t asn;           /* 0 = unknown (AS 0 is reserved) */
    char as_org[128];
};

/* Open the n databases named in files[] (memory-mapped). A file that is
 * missing, unreadable or not a MaxMind DB is skipped, not an error: the handle
 * is returned without it, and a single line naming every skipped file and why
 * (no trailing newline) is written to msg (at most msgcap bytes, always
 * NUL-terminated when msgcap > 0; "" when nothing was skipped). The caller logs
 * it once. msg may be NULL when msgcap is 0.
 *
 * Returns a handle even when no database could be opened (or n is 0): lookups
 * then simply find nothing. Returns NULL only when out of memory. Free with
 * geoip_close(). */
geoip *geoip_open(const char *const *files, size_t n, char *msg, size_t msgcap);

/* Number of databases actually open in g (0 when g is NULL). When 0 the
 * caller may skip enrichment altogether. */
size_t geoip_count(const geoip *g);

/* One line for the start-up log saying what is open, in lookup order:
 *   geoip: 2 databases: GeoLite2-City (IPv6, built 2026-11-24), GeoLite2-ASN (...)
 * so that an old database is noticed. Written to buf (at most cap bytes,
 * NUL-terminated when cap > 0). */
void geoip_describe(const geoip *g, char *buf, size_t cap);

/* Look up one address: ip_version 4 (the address in addr[0..3]) or 6 (all 16
 * bytes). Fills *out (always cleared first) from every open database, merged
 * as described above. Returns true when at least one field was found; false
 * for an address that is not looked up (private, loopback, link-local...), an
 * address in no database, a NULL or empty handle, or an ip_version other than
 * 4 or 6. Reads nothing but the databases (and bumps the relaxed atomic
 * counters of geoip_get_stats()); safe to call from several threads. A lookup
 * that a database fails (corrupt search tree or data) counts in db_errors and
 * that database is passed over. */
bool geoip_lookup(const geoip *g, int ip_version, const uint8_t addr[16], struct geo_info *out);

/* How lookups went, since geoip_open(). */
struct geoip_stats {
    uint64_t lookups;        /* geoip_lookup() calls with a database open */
    uint64_t skipped_local;  /* of those, addresses not looked up (private, loopback...) */
    uint64_t found;          /* of those, answered with at least one field */
    uint64_t db_errors;      /* database lookups that libmaxminddb failed (corrupt file) */
};

/* Copy the counters of g into *out (all 0 for a NULL handle). The counters
 * are updated atomically by concurrent lookups; the copy is not a snapshot
 * across counters. */
void geoip_get_stats(const geoip *g, struct geoip_stats *out);

/* Write the ECS members for *g into the JSON object currently open in j:
 *   "geo":{"country_iso_code":"NL","city_name":"Amsterdam",
 *          "location":{"lat":52.3676,"lon":4.9041}},
 *   "as":{"number":64500,"organization":{"name":"Example"}}
 * Only fields that are present are written, and "geo" / "as" only when they
 * would hold something, so an empty geo_info writes nothing. The caller opens
 * and closes the enclosing object (ECS "source"). */
void geoip_ecs(struct json *j, const struct geo_info *g);

/* Unmap every database and free the handle. geoip_close(NULL) does nothing. */
void geoip_close(geoip *g);

#endif
