/* geoip.c -- GeoIP/ASN enrichment with libmaxminddb (see geoip.h).
 *
 * MaxMind DB format: https://maxmind.github.io/MaxMind-DB/
 * ip-location-db schemas: https://github.com/sapics/ip-location-db
 *
 * The databases are operator-supplied files, not packet bytes, but they are
 * still read defensively: every value is fetched by path with its type
 * checked, strings (which are not NUL-terminated in the mapping) are copied
 * with their length, and a value of an unexpected type or outside its range
 * is ignored as if absent.
 */
#include "geoip.h"
#include "json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

/* Counters live outside struct geoip so that lookups through a const handle
 * can bump them without casting const away; relaxed atomics because lookups
 * happen once per alert, not per packet, and only totals matter. */
struct geoip_counters {
    _Atomic uint64_t lookups, skipped_local, found, db_errors;
};

struct geoip {
    MMDB_s *db;     /* n opened databases, in the order given */
    size_t n;
    struct geoip_counters *ctr;
};

static void bump(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* ---- opening ---- */

/* A bounded appender for the one-line message given back by geoip_open(). */
struct msgbuf {
    char *p;
    size_t cap, len;
};

static void msg_add(struct msgbuf *m, const char *fmt, ...)
{
    if (!m->p || m->cap == 0 || m->len + 1 >= m->cap) return;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(m->p + m->len, m->cap - m->len, fmt, ap);
    va_end(ap);
    if (r < 0) return;
    m->len += (size_t)r;
    if (m->len >= m->cap) m->len = m->cap - 1;   /* truncated; stays terminated */
}

/* Open one database into *db. Returns NULL, or why it could not be opened.
 * The file is checked first so that the usual mistakes (a directory, an empty
 * download) get a plainer reason than mmap's errno. */
static const char *open_one(const char *path, MMDB_s *db)
{
    struct stat st;
    if (!path) return "no file name";
    if (stat(path, &st) != 0) return strerror(errno);
    if (!S_ISREG(st.st_mode)) return "not a regular file";
    if (st.st_size == 0) return "empty file";
    errno = 0;
    int rc = MMDB_open(path, MMDB_MODE_MMAP, db);
    if (rc == MMDB_SUCCESS) return NULL;
    /* MMDB_open frees whatever it allocated when it fails. */
    if ((rc == MMDB_FILE_OPEN_ERROR || rc == MMDB_IO_ERROR) && errno != 0) return strerror(errno);
    return MMDB_strerror(rc);
}

geoip *geoip_open(const char *const *files, size_t n, char *msg, size_t msgcap)
{
    struct msgbuf m = { msg, msgcap, 0 };
    if (msg && msgcap) msg[0] = 0;

    geoip *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->db = calloc(n ? n : 1, sizeof *g->db);
    g->ctr = calloc(1, sizeof *g->ctr);
    if (!g->db || !g->ctr) {
        free(g->db);
        free(g->ctr);
        free(g);
        return NULL;
    }

    size_t skipped = 0;
    for (size_t i = 0; i < n; i++) {
        const char *path = files[i] ? files[i] : "(null)";
        const char *why = open_one(files[i], &g->db[g->n]);
        if (!why) {
            g->n++;
            continue;
        }
        msg_add(&m, "%s%s (%s)", skipped ? ", " : "geoip: skipped ", path, why);
        skipped++;
    }
    if (skipped) {
        if (g->n)
            msg_add(&m, "; %zu of %zu databases open", g->n, n);
        else
            msg_add(&m, "; no database open, geo fields disabled");
    }
    return g;
}

size_t geoip_count(const geoip *g)
{
    return g ? g->n : 0;
}

void geoip_describe(const geoip *g, char *buf, size_t cap)
{
    struct msgbuf m = { buf, cap, 0 };
    if (buf && cap) buf[0] = 0;
    size_t n = geoip_count(g);
    msg_add(&m, "geoip: %zu database%s", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const MMDB_metadata_s *md = &g->db[i].metadata;
        char day[16] = "?";
        time_t t = md->build_epoch < (UINT64_C(1) << 40) ? (time_t)md->build_epoch : 0;
        struct tm tm;
        if (t && gmtime_r(&t, &tm)) strftime(day, sizeof day, "%Y-%m-%d", &tm);
        msg_add(&m, "%s %s (IPv%u, built %s)", i ? "," : ":",
                md->database_type ? md->database_type : "?", (unsigned)md->ip_version, day);
    }
}

void geoip_close(geoip *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n; i++) MMDB_close(&g->db[i]);
    free(g->db);
    free(g->ctr);
    free(g);
}

void geoip_get_stats(const geoip *g, struct geoip_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!g) return;
    out->lookups = atomic_load_explicit(&g->ctr->lookups, memory_order_relaxed);
    out->skipped_local = atomic_load_explicit(&g->ctr->skipped_local, memory_order_relaxed);
    out->found = atomic_load_explicit(&g->ctr->found, memory_order_relaxed);
    out->db_errors = atomic_load_explicit(&g->ctr->db_errors, memory_order_relaxed);
}

/* ---- which addresses are looked up ---- */

/* Addresses with no meaningful location: this host, private and shared
 * (CGNAT) space, loopback, link-local, multicast, 240/4 and broadcast. */
static bool v4_local(const uint8_t a[4])
{
    if (a[0] == 0 || a[0] == 10 || a[0] == 127) return true;     /* 0/8, 10/8, 127/8 */
    if (a[0] == 100 && (a[1] & 0xC0) == 64) return true;         /* 100.64/10 */
    if (a[0] == 169 && a[1] == 254) return true;                 /* 169.254/16 */
    if (a[0] == 172 && (a[1] & 0xF0) == 16) return true;         /* 172.16/12 */
    if (a[0] == 192 && a[1] == 168) return true;                 /* 192.168/16 */
    return a[0] >= 224;                                          /* 224/4, 240/4, broadcast */
}

static bool v6_local(const uint8_t a[16])
{
    static const uint8_t zero[15];
    if (memcmp(a, zero, 15) == 0 && a[15] <= 1) return true;    /* ::, ::1 */
    if (a[0] == 0xFE && (a[1] & 0x80) == 0x80) return true;      /* fe80::/10, fec0::/10 */
    if ((a[0] & 0xFE) == 0xFC) return true;                      /* fc00::/7 */
    return a[0] == 0xFF;                                         /* ff00::/8 */
}

/* The address to look up, or false when it is not to be looked up. An
 * IPv4-mapped IPv6 address (::ffff:0:0/96) becomes its IPv4 address. */
static bool lookup_target(int ip_version, const uint8_t addr[16], int *v, uint8_t a[16])
{
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
    memset(a, 0, 16);
    if (ip_version == 6 && memcmp(addr, mapped, sizeof mapped) == 0) {
        ip_version = 4;
        addr += 12;
    }
    if (ip_version == 4) {
        memcpy(a, addr, 4);
        *v = 4;
        return !v4_local(a);
    }
    if (ip_version == 6) {
        memcpy(a, addr, 16);
        *v = 6;
        return !v6_local(a);
    }
    return false;
}

/* ---- reading values ---- */

/* Copy a database string (not NUL-terminated) into dst, stopping at an
 * embedded NUL and cutting at a UTF-8 character boundary when it is longer
 * than dst. Returns false, leaving dst "", when nothing is left. */
static bool copy_utf8(char *dst, size_t cap, const char *src, size_t len)
{
    dst[0] = 0;
    if (len == 0 || cap == 0) return false;
    const char *nul = memchr(src, 0, len);
    if (nul) len = (size_t)(nul - src);
    size_t n = len < cap - 1 ? len : cap - 1;
    if (n < len)
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--;
    memcpy(dst, src, n);
    dst[n] = 0;
    return n > 0;
}

static bool get_typed(MMDB_entry_s *e, const char *const *path, uint32_t type, MMDB_entry_data_s *d)
{
    return MMDB_aget_value(e, d, path) == MMDB_SUCCESS && d->has_data && d->type == type;
}

static bool get_string(MMDB_entry_s *e, const char *const *path, char *dst, size_t cap)
{
    MMDB_entry_data_s d;
    if (!get_typed(e, path, MMDB_DATA_TYPE_UTF8_STRING, &d)) return false;
    return copy_utf8(dst, cap, d.utf8_string, d.data_size);
}

/* A two-letter country code, accepted in either case, stored upper case. */
static bool get_country(MMDB_entry_s *e, const char *const *path, char out[3])
{
    MMDB_entry_data_s d;
    if (!get_typed(e, path, MMDB_DATA_TYPE_UTF8_STRING, &d) || d.data_size != 2) return false;
    char c[2];
    for (int i = 0; i < 2; i++) {
        char ch = d.utf8_string[i];
        if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
        if (ch < 'A' || ch > 'Z') return false;
        c[i] = ch;
    }
    out[0] = c[0];
    out[1] = c[1];
    out[2] = 0;
    return true;
}

/* A number stored as double, float, or a decimal string (the plain city
 * schema stores coordinates as strings). */
static bool get_number(MMDB_entry_s *e, const char *const *path, double *out)
{
    MMDB_entry_data_s d;
    if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data) return false;
    double v;
    if (d.type == MMDB_DATA_TYPE_DOUBLE) {
        v = d.double_value;
    } else if (d.type == MMDB_DATA_TYPE_FLOAT) {
        v = d.float_value;
    } else if (d.type == MMDB_DATA_TYPE_UTF8_STRING) {
        char buf[32];
        if (d.data_size == 0 || d.data_size >= sizeof buf) return false;
        memcpy(buf, d.utf8_string, d.data_size);
        buf[d.data_size] = 0;
        char c = buf[0];
        if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) return false;
        char *end;
        v = strtod(buf, &end);
        if (*end != 0) return false;
    } else {
        return false;
    }
    if (!isfinite(v)) return false;
    *out = v;
    return true;
}

/* An AS number of any unsigned integer type, or a decimal string with an
 * optional "AS" prefix. 0 (reserved) counts as absent. */
static bool get_asn(MMDB_entry_s *e, const char *const *path, uint32_t *out)
{
    MMDB_entry_data_s d;
    if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data) return false;
    uint64_t v = 0;
    switch (d.type) {
    case MMDB_DATA_TYPE_UINT16: v = d.uint16; break;
    case MMDB_DATA_TYPE_UINT32: v = d.uint32; break;
    case MMDB_DATA_TYPE_UINT64: v = d.uint64; break;
    case MMDB_DATA_TYPE_INT32:
        if (d.int32 < 0) return false;
        v = (uint64_t)d.int32;
        break;
    case MMDB_DATA_TYPE_UTF8_STRING: {
        const char *s = d.utf8_string;
        size_t n = d.data_size, i = 0;
        if (n >= 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) i = 2;
        if (i == n || n - i > 10) return false;
        for (; i < n; i++) {
            if (s[i] < '0' || s[i] > '9') return false;
            v = v * 10 + (uint64_t)(s[i] - '0');
        }
        break;
    }
    default:
        return false;
    }
    if (v == 0 || v > UINT32_MAX) return false;
    *out = (uint32_t)v;
    return true;
}

/* ---- merging ---- */

static const char *const P_COUNTRY[] = { "country", "iso_code", NULL };
static const char *const P_COUNTRY_CODE[] = { "country_code", NULL };
static const char *const P_REG_COUNTRY[] = { "registered_country", "iso_code", NULL };
static const char *const P_CITY_EN[] = { "city", "names", "en", NULL };
static const char *const P_CITY[] = { "city", NULL };
static const char *const P_LOC_LAT[] = { "location", "latitude", NULL };
static const char *const P_LOC_LON[] = { "location", "longitude", NULL };
static const char *const P_LAT[] = { "latitude", NULL };
static const char *const P_LON[] = { "longitude", NULL };
static const char *const P_ASN[] = { "autonomous_system_number", NULL };
static const char *const P_AS_ORG[] = { "autonomous_system_organization", NULL };

static bool get_location(MMDB_entry_s *e, const char *const *plat, const char *const *plon,
                         double *lat, double *lon)
{
    return get_number(e, plat, lat) && get_number(e, plon, lon) &&
           *lat >= -90.0 && *lat <= 90.0 && *lon >= -180.0 && *lon <= 180.0;
}

/* Fill the fields of *out still empty from one database record. reg_cc
 * collects the first registered country, used only as the last resort. */
static void merge_entry(MMDB_entry_s *e, struct geo_info *out, char reg_cc[3])
{
    if (!out->country_iso[0] && !get_country(e, P_COUNTRY, out->country_iso))
        get_country(e, P_COUNTRY_CODE, out->country_iso);
    if (!reg_cc[0])
        get_country(e, P_REG_COUNTRY, reg_cc);

    if (!out->city[0] && !get_string(e, P_CITY_EN, out->city, sizeof out->city))
        get_string(e, P_CITY, out->city, sizeof out->city);

    if (!out->has_location) {
        double lat, lon;
        if (get_location(e, P_LOC_LAT, P_LOC_LON, &lat, &lon) ||
            get_location(e, P_LAT, P_LON, &lat, &lon)) {
            out->lat = lat;
            out->lon = lon;
            out->has_location = true;
        }
    }

    /* number and organisation come from the same database */
    if (out->asn == 0 && !out->as_org[0]) {
        get_asn(e, P_ASN, &out->asn);
        get_string(e, P_AS_ORG, out->as_org, sizeof out->as_org);
    }
}

bool geoip_lookup(const geoip *g, int ip_version, const uint8_t addr[16], struct geo_info *out)
{
    memset(out, 0, sizeof *out);
    if (!g || g->n == 0) return false;
    bump(&g->ctr->lookups);

    int v;
    uint8_t a[16];
    if (!lookup_target(ip_version, addr, &v, a)) {
        if (ip_version == 4 || ip_version == 6) bump(&g->ctr->skipped_local);
        return false;
    }

    union {
        struct sockaddr sa;
        struct sockaddr_in in4;
        struct sockaddr_in6 in6;
    } su;
    memset(&su, 0, sizeof su);
    if (v == 4) {
        su.in4.sin_family = AF_INET;
        memcpy(&su.in4.sin_addr, a, 4);
    } else {
        su.in6.sin6_family = AF_INET6;
        memcpy(&su.in6.sin6_addr, a, 16);
    }

    char reg_cc[3] = "";
    for (size_t i = 0; i < g->n; i++) {
        MMDB_s *db = &g->db[i];
        /* an IPv4-only tree cannot answer for IPv6 (ip-location-db ships
         * separate -ipv4 and -ipv6 files); libmaxminddb would refuse with
         * MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR, which is no fault */
        if (v == 6 && db->metadata.ip_version == 4) continue;
        int err = MMDB_SUCCESS;
        MMDB_lookup_result_s r = MMDB_lookup_sockaddr(db, &su.sa, &err);
        if (err != MMDB_SUCCESS) {
            bump(&g->ctr->db_errors);
            continue;
        }
        if (r.found_entry) merge_entry(&r.entry, out, reg_cc);
    }
    if (!out->country_iso[0] && reg_cc[0]) memcpy(out->country_iso, reg_cc, sizeof reg_cc);

    bool any = out->country_iso[0] || out->city[0] || out->has_location || out->asn || out->as_org[0];
    if (any) bump(&g->ctr->found);
    return any;
}

/* ---- ECS output ---- */

void geoip_ecs(struct json *j, const struct geo_info *g)
{
    if (g->country_iso[0] || g->city[0] || g->has_location) {
        json_key(j, "geo");
        json_obj_open(j);
        if (g->country_iso[0]) json_kv_cstr(j, "country_iso_code", g->country_iso);
        if (g->city[0]) json_kv_cstr(j, "city_name", g->city);
        if (g->has_location) {
            json_key(j, "location");
            json_obj_open(j);
            json_key(j, "lat");
            json_double(j, g->lat, 4);
            json_key(j, "lon");
            json_double(j, g->lon, 4);
            json_obj_close(j);
        }
        json_obj_close(j);
    }
    if (g->asn || g->as_org[0]) {
        json_key(j, "as");
        json_obj_open(j);
        if (g->asn) json_kv_u64(j, "number", g->asn);
        if (g->as_org[0]) {
            json_key(j, "organization");
            json_obj_open(j);
            json_kv_cstr(j, "name", g->as_org);
            json_obj_close(j);
        }
        json_obj_close(j);
    }
}
