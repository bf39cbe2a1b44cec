/* redis_url.c -- parse the --redis URL and load the password.
 *
 * The URL comes from the command line, not from the network, but it is still
 * parsed with explicit lengths and every field is bounded. Messages describe
 * what is wrong without repeating the URL: it may carry a password.
 */
#include "redis_url.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- small helpers ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) into out (cap bytes incl. NUL). -1 on a bad escape,
 * a NUL byte, or overflow. */
static int pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (n - i < 3) return -1;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0) return -1;
            c = hi << 4 | lo;
            if (c == 0) return -1;
            i += 2;
        }
        if (o + 1 >= cap) return -1;
        out[o++] = (char)c;
    }
    out[o] = 0;
    return 0;
}

/* Decimal digits s[0..n) into *v, at most max. -1 if empty, non-digit, too big. */
static int parse_dec(const char *s, size_t n, uint32_t max, uint32_t *v)
{
    if (n == 0 || n > 10) return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    if (x > max) return -1;
    *v = (uint32_t)x;
    return 0;
}

static int host_char_ok(char c, bool v6)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
    if (v6) return c == ':' || c == '.' || c == '%';
    return c == '.' || c == '-' || c == '_';
}

#define DB_MAX 2147483647u

/* ---- redis://[[user]:password@]host[:port][/db] ---- */

static int parse_tcp(const char *s, struct redis_url *u, char *err, size_t errlen)
{
    /* authority ends at the first '/' (db follows) */
    const char *slash = strchr(s, '/');
    size_t alen = slash ? (size_t)(slash - s) : strlen(s);
    if (memchr(s, '?', alen) || memchr(s, '#', alen)) {
        snprintf(err, errlen, "--redis: query or fragment not supported in redis:// URLs");
        return -1;
    }
    const char *at = NULL;
    for (size_t i = alen; i > 0; i--)
        if (s[i - 1] == '@') { at = s + i - 1; break; }
    const char *h = s;
    if (at) {
        const char *colon = memchr(s, ':', (size_t)(at - s));
        if (colon) {
            if (pct_decode(s, (size_t)(colon - s), u->user, sizeof u->user) < 0) {
                snprintf(err, errlen, "--redis: bad user name (too long or bad %%-escape)");
                return -1;
            }
            if (pct_decode(colon + 1, (size_t)(at - colon - 1), u->password, sizeof u->password) < 0) {
                snprintf(err, errlen, "--redis: bad password (too long or bad %%-escape)");
                return -1;
            }
        } else if (pct_decode(s, (size_t)(at - s), u->password, sizeof u->password) < 0) {
            snprintf(err, errlen, "--redis: bad password (too long or bad %%-escape)");
            return -1;
        }
        u->has_password = true;
        h = at + 1;
    }
    size_t hlen = (size_t)(s + alen - h);
    const char *port = NULL;
    size_t portlen = 0;
    const char *host;
    size_t host_n;
    if (hlen && h[0] == '[') {
        const char *rb = memchr(h, ']', hlen);
        if (!rb) {
            snprintf(err, errlen, "--redis: IPv6 address without closing ']'");
            return -1;
        }
        host = h + 1;
        host_n = (size_t)(rb - host);
        u->host_is_v6 = true;
        const char *rest = rb + 1;
        size_t restn = (size_t)(h + hlen - rest);
        if (restn) {
            if (rest[0] != ':') {
                snprintf(err, errlen, "--redis: unexpected text after ']' (expected :port)");
                return -1;
            }
            port = rest + 1;
            portlen = restn - 1;
        }
    } else {
        const char *colon = memchr(h, ':', hlen);
        host = h;
        host_n = colon ? (size_t)(colon - h) : hlen;
        if (colon) {
            port = colon + 1;
            portlen = (size_t)(h + hlen - port);
        }
    }
    if (host_n == 0) {
        snprintf(err, errlen, "--redis: no host in URL");
        return -1;
    }
    if (host_n >= sizeof u->host) {
        snprintf(err, errlen, "--redis: host name too long");
        return -1;
    }
    for (size_t i = 0; i < host_n; i++)
        if (!host_char_ok(host[i], u->host_is_v6)) {
            snprintf(err, errlen, "--redis: bad character in host");
            return -1;
        }
    if (u->host_is_v6 && !memchr(host, ':', host_n)) {
        snprintf(err, errlen, "--redis: '[...]' must hold an IPv6 address");
        return -1;
    }
    memcpy(u->host, host, host_n);
    u->host[host_n] = 0;
    u->port = 6379;
    if (port) {
        uint32_t p;
        if (parse_dec(port, portlen, 65535, &p) < 0 || p == 0) {
            snprintf(err, errlen, "--redis: port must be a number from 1 to 65535");
            return -1;
        }
        u->port = (uint16_t)p;
    }
    if (slash) {
        const char *d = slash + 1;
        size_t dn = strlen(d);
        if (dn && parse_dec(d, dn, DB_MAX, &u->db) < 0) {
            snprintf(err, errlen, "--redis: database after '/' must be a number");
            return -1;
        }
    }
    return 0;
}

/* ---- unix:///path[?db=N] ---- */

static int parse_unix(const char *s, struct redis_url *u, char *err, size_t errlen)
{
    if (s[0] != '/') {
        snprintf(err, errlen, "--redis: unix:// URL needs an absolute path (unix:///path/to/sock)");
        return -1;
    }
    const char *q = strchr(s, '?');
    size_t plen = q ? (size_t)(q - s) : strlen(s);
    if (plen >= sizeof u->path) {
        snprintf(err, errlen, "--redis: socket path too long (at most %zu bytes)", sizeof u->path - 1);
        return -1;
    }
    memcpy(u->path, s, plen);
    u->path[plen] = 0;
    if (q) {
        if (strncmp(q + 1, "db=", 3) != 0 || parse_dec(q + 4, strlen(q + 4), DB_MAX, &u->db) < 0) {
            snprintf(err, errlen, "--redis: the only unix:// query is ?db=N");
            return -1;
        }
    }
    return 0;
}

int redis_url_parse(const char *s, struct redis_url *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof *u);
    if (!s || !*s) {
        snprintf(err, errlen, "--redis: empty URL");
        return -1;
    }
    int r;
    if (strncmp(s, "redis://", 8) == 0) {
        u->kind = REDIS_URL_TCP;
        r = parse_tcp(s + 8, u, err, errlen);
    } else if (strncmp(s, "unix://", 7) == 0) {
        u->kind = REDIS_URL_UNIX;
        r = parse_unix(s + 7, u, err, errlen);
    } else if (strncmp(s, "rediss://", 9) == 0) {
        snprintf(err, errlen, "--redis: rediss:// (TLS) is not supported by this build");
        r = -1;
    } else {
        snprintf(err, errlen, "--redis: URL must start with redis:// or unix://");
        r = -1;
    }
    if (r < 0) redis_url_wipe(u);
    return r;
}

/* ---- password sources ---- */

int redis_url_password_file(struct redis_url *u, const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, "--redis-password-file %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "--redis-password-file %s: not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        snprintf(err, errlen, "--redis-password-file %s: refused, mode %04o lets group/others read it (chmod 600)",
                 path, (unsigned)(st.st_mode & 07777));
        close(fd);
        return -1;
    }
    char buf[REDIS_URL_CRED_MAX + 2];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) {
        snprintf(err, errlen, "--redis-password-file %s: %s", path, strerror(errno));
        return -1;
    }
    buf[n] = 0;
    size_t len = strcspn(buf, "\r\n");
    if (len == (size_t)n && (size_t)n == sizeof buf - 1) {
        memset(buf, 0, sizeof buf);
        snprintf(err, errlen, "--redis-password-file %s: password too long (at most %d bytes)", path,
                 REDIS_URL_CRED_MAX - 1);
        return -1;
    }
    if (len == 0 || memchr(buf, 0, len)) {
        memset(buf, 0, sizeof buf);
        snprintf(err, errlen, "--redis-password-file %s: empty first line", path);
        return -1;
    }
    if (len >= sizeof u->password) len = sizeof u->password - 1;
    memcpy(u->password, buf, len);
    u->password[len] = 0;
    u->has_password = true;
    memset(buf, 0, sizeof buf);
    return 0;
}

bool redis_url_password_env(struct redis_url *u)
{
    if (u->has_password) return false;
    const char *p = getenv("REDISCLI_AUTH");
    if (!p || !*p || strlen(p) >= sizeof u->password) return false;
    strcpy(u->password, p);
    u->has_password = true;
    return true;
}

const char *redis_url_printable(const struct redis_url *u, char *buf, size_t len)
{
    if (!len) return buf;
    if (u->kind == REDIS_URL_UNIX) {
        snprintf(buf, len, "unix://%s%s%s?db=%u", u->user[0] ? u->user : "",
                 u->user[0] || u->has_password ? (u->has_password ? ":***@" : "@") : "", u->path, u->db);
        return buf;
    }
    const char *cred = "";
    if (u->has_password) cred = ":***@";
    else if (u->user[0]) cred = "@";
    snprintf(buf, len, "redis://%s%s%s%s%s:%u/%u", u->user, cred, u->host_is_v6 ? "[" : "", u->host,
             u->host_is_v6 ? "]" : "", (unsigned)u->port, u->db);
    return buf;
}

void redis_url_wipe(struct redis_url *u)
{
    volatile char *p = u->password;
    for (size_t i = 0; i < sizeof u->password; i++) p[i] = 0;
    u->has_password = false;
}
