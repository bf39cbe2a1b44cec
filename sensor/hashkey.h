/* hashkey.h -- the per-deployment secret for keyed hashes of personal data.
 *
 * Distinct values are counted and correlated across sensors by a keyed hash
 * (HMAC-SHA256 under this key), so the SIEM never holds the values. The key
 * file is created with 32 random bytes, mode 0600, when absent; an existing
 * file readable or writable by group or others is refused.
 */
#ifndef BW_HASHKEY_H
#define BW_HASHKEY_H

#include <stddef.h>
#include <stdint.h>

#define HASHKEY_MAX 64

/* Default location: /var/lib/bleedwatch/hash.key as root, else
 * $HOME/.bleedwatch/hash.key. Written into buf. */
void hashkey_default_path(char *buf, size_t cap);

/* Load (or create) the key at path into key[HASHKEY_MAX]; *len gets its length.
 * *created is set when the file was made now. Returns 0, or -1 + message. */
int hashkey_load(const char *path, uint8_t *key, size_t *len, int *created, char *err, size_t errlen);

#endif
