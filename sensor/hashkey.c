/* hashkey.c -- load or create the keyed-hash secret. */
#include "hashkey.h"
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

void hashkey_default_path(char *buf, size_t cap)
{
    const char *home = getenv("HOME");
    if (geteuid() == 0 || !home || !*home) snprintf(buf, cap, "/var/lib/bleedwatch/hash.key");
    else snprintf(buf, cap, "%s/.bleedwatch/hash.key", home);
}

/* mkdir -p of path's directory, mode 0700 for what it creates. */
static int make_parent(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return 0;
    *slash = 0;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) return -1;
    return 0;
}

/* A new random key at path, whole or not at all: written to a temporary file
 * beside it, then linked to its name (link does not replace). 1 = created,
 * 0 = another process created it first (read that one), -1 = error. */
static int create_key(const char *path, uint8_t *key, char *err, size_t errlen)
{
    uint8_t k[32];
    if (getrandom(k, sizeof k, 0) != (ssize_t)sizeof k) {
        snprintf(err, errlen, "hash key: no random bytes: %s", strerror(errno));
        return -1;
    }
    if (make_parent(path) < 0) {
        snprintf(err, errlen, "hash key: cannot create the directory of %s: %s (use --hash-key-file)", path,
                 strerror(errno));
        return -1;
    }
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) {
        snprintf(err, errlen, "hash key: path too long");
        return -1;
    }
    int w = mkostemp(tmp, O_CLOEXEC);   /* mode 0600 */
    bool ok = w >= 0 && write(w, k, sizeof k) == (ssize_t)sizeof k && fsync(w) == 0;
    int e = errno;
    if (w >= 0) close(w);
    int rc = ok && link(tmp, path) == 0 ? 1 : -1;
    if (rc < 0 && ok) e = errno;
    if (w >= 0) unlink(tmp);
    if (rc < 0 && ok && e == EEXIST) return 0;
    if (rc < 0) {
        snprintf(err, errlen, "hash key: cannot create %s: %s (use --hash-key-file)", path, strerror(e));
        return -1;
    }
    memcpy(key, k, sizeof k);
    return 1;
}

int hashkey_load(const char *path, uint8_t *key, size_t *len, int *created, char *err, size_t errlen)
{
    *created = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT) {
        int rc = create_key(path, key, err, errlen);
        if (rc < 0) return -1;
        if (rc == 1) {
            *len = 32;
            *created = 1;
            return 0;
        }
        /* sensors started together: the first one's key, complete */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    }
    if (fd < 0) {
        snprintf(err, errlen, "hash key: cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "hash key: %s is not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen, "hash key: %s is accessible by group/others (mode %03o); run chmod 600 on it",
                 path, (unsigned)(st.st_mode & 0777));
        close(fd);
        return -1;
    }
    ssize_t n = read(fd, key, HASHKEY_MAX);
    close(fd);
    if (n < 16) {
        snprintf(err, errlen, "hash key: %s holds %zd bytes; at least 16 are needed", path, n < 0 ? (ssize_t)0 : n);
        return -1;
    }
    *len = (size_t)n;
    return 0;
}
