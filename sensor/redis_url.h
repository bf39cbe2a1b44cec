/* redis_url.h -- where the Redis sink connects, and with which credentials.
 *
 * Accepted forms:
 *
 *   redis://[[user]:password@]host[:port][/db]      host: name, IPv4, or [IPv6]
 *   unix:///path/to/redis.sock[?db=N]
 *
 * Port defaults to 6379, db to 0. User and password may be percent-encoded
 * (%40 for '@', %3A for ':'). "redis://:secret@host" is a password without a
 * user (classic AUTH), "redis://alice:secret@host" an ACL user (AUTH user pass).
 *
 * A password never appears in any text this module produces: error messages
 * describe the fault without quoting the URL, and redis_url_printable() shows
 * the password as "***".
 */
#ifndef BW_REDIS_URL_H
#define BW_REDIS_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REDIS_URL_HOST_MAX 256
#define REDIS_URL_PATH_MAX 108      /* sun_path */
#define REDIS_URL_CRED_MAX 512

enum redis_url_kind { REDIS_URL_TCP, REDIS_URL_UNIX };

struct redis_url {
    enum redis_url_kind kind;
    char host[REDIS_URL_HOST_MAX];  /* TCP: host name or address, no brackets */
    bool host_is_v6;                /* given as [IPv6 literal] */
    uint16_t port;                  /* TCP */
    char path[REDIS_URL_PATH_MAX];  /* UNIX: socket path */
    uint32_t db;
    char user[REDIS_URL_CRED_MAX];  /* "" = no ACL user */
    char password[REDIS_URL_CRED_MAX];
    bool has_password;              /* an empty password is still a password */
};

/* Parse s into *u. Returns 0, or -1 with a one-line reason in err (the
 * reason never quotes s, which may hold a password). */
int redis_url_parse(const char *s, struct redis_url *u, char *err, size_t errlen);

/* Read the password from the first line of the file at path (trailing CR/LF
 * removed) into u, replacing any password from the URL. The file must be a
 * regular file not readable or writable by group or others: otherwise it is
 * refused with -1 and a message in err naming the file and its mode, never
 * its content. Returns 0 on success. */
int redis_url_password_file(struct redis_url *u, const char *path, char *err, size_t errlen);

/* Take the password from the REDISCLI_AUTH environment variable when u has
 * none yet (the convention of redis-cli). Returns true if one was taken. */
bool redis_url_password_env(struct redis_url *u);

/* Write a printable form of u into buf (always NUL-terminated), with the
 * password replaced by "***". Returns buf. */
const char *redis_url_printable(const struct redis_url *u, char *buf, size_t len);

/* Overwrite the credentials in u (call when done with them). */
void redis_url_wipe(struct redis_url *u);

#endif
