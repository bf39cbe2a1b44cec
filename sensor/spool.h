/* spool.h -- the on-disk spool: Redis commands that could not be delivered yet.
 *
 * A spool is a directory (created 0700) of append-only segment files (0600)
 * holding length-prefixed, CRC-checked records, one Redis command each, plus a
 * small file with the durable read position. Records are read back oldest
 * first; a reader confirms what Redis accepted with spool_commit(), which
 * persists the position and deletes segments that are wholly consumed.
 *
 * Segment file "seg-<16 hex digits id>.bws":
 *
 *   +----------+----------------------------------------------+
 *   | "BWSPOOL1" (8 bytes)                                    |
 *   +----------+----------+-----------------------------------+
 *   | len u32le| crc u32le| payload (len bytes)               |  record
 *   +----------+----------+-----------------------------------+
 *   | ...                                                     |
 *
 *   payload = kind u8 | argc u32le | argc x (arglen u32le | arg bytes)
 *   crc     = zlib crc32 of the payload
 *
 * Position file "spool.pos" (replaced atomically by rename):
 *   seg u64le | off u64le | crc32 of the 16 bytes before, u32le
 *
 * Crash safety: a segment is only ever appended to by the process that
 * created it; after a restart a new segment is started. A record torn by a
 * crash (or a failed write) is therefore always at the end of a segment: the
 * reader detects it (short, bad length or bad CRC), counts it in `torn`, and
 * continues with the next segment. A crash between a delivery and its commit
 * re-sends that batch once (at-least-once). One process per spool directory:
 * spool_open() takes an exclusive lock on it.
 *
 * Thread safety: every function may be called from any thread; a mutex
 * inside serialises them. Appends are refused (not blocked) past max_bytes.
 */
#ifndef BW_SPOOL_H
#define BW_SPOOL_H

#include "rcmd.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct spool spool;

enum spool_fsync {
    SPOOL_FSYNC_NEVER,    /* leave it to the kernel */
    SPOOL_FSYNC_BATCH,    /* fsync once per spool_append call and per commit */
    SPOOL_FSYNC_ALWAYS,   /* fsync after every record */
};

/* Parse "always" | "batch" | "never". Returns 0, or -1 if unknown. */
int spool_fsync_parse(const char *s, enum spool_fsync *out);

/* A read position: segment id and byte offset in it. */
struct spool_pos {
    uint64_t seg;
    uint64_t off;
};

struct spool_stats {
    uint64_t appended;        /* records written */
    uint64_t appended_bytes;
    uint64_t full;            /* records refused by the size cap */
    uint64_t io_errors;       /* records refused by a write error (ENOSPC, EIO, ...) */
    uint64_t read;            /* records handed to a reader (re-reads included) */
    uint64_t committed;       /* commits that advanced the position */
    uint64_t torn;            /* torn or corrupt records skipped */
    uint64_t torn_bytes;      /* bytes skipped with them */
    uint64_t bytes;           /* size of the segments on disk now */
    uint64_t pending_bytes;   /* of which not yet confirmed */
    uint32_t segments;
};

/* Open (creating it 0700 if missing) the spool in dir. max_bytes caps the
 * total size of the segment files; seg_bytes is the size past which a new
 * segment is started (0 = a default derived from max_bytes). Existing segments
 * are kept and will be read first. Returns NULL with a message in err when the
 * directory cannot be created, read, or locked (in use by another process).
 * Free with spool_free. */
spool *spool_open(const char *dir, uint64_t max_bytes, uint64_t seg_bytes, enum spool_fsync policy,
                  char *err, size_t errlen);

/* Close the files and free. What is on disk stays. spool_free(NULL) is a no-op. */
void spool_free(spool *sp);

/* Append up to n commands starting at head (following ->next), in order, and
 * fsync according to the policy. Stops at the first command that cannot be
 * written (size cap or I/O error; counted in full / io_errors). Returns how
 * many were written: those are durable per the policy, the rest are still the
 * caller's to keep or drop. *errnum (if not NULL) gets 0, ENOSPC for the cap,
 * or the errno of the failed write. The commands stay owned by the caller. */
size_t spool_append(spool *sp, const struct rcmd *head, size_t n, int *errnum);

/* True when every record has been confirmed (nothing left to read). */
bool spool_empty(spool *sp);

/* Read up to max records (and roughly max_bytes) from the confirmed position
 * on, without consuming them: out[i] is a new command (the caller frees it),
 * after[i] the position just past it, to hand to spool_commit once delivered.
 * Torn or corrupt records met at the start are skipped (and counted) before
 * reading on. Returns the number read (0: nothing to read, or a read error). */
size_t spool_read(spool *sp, struct rcmd **out, struct spool_pos *after, size_t max, size_t max_bytes);

/* Confirm everything before pos: persist it as the read position and delete
 * segments wholly before it. When the spool becomes empty its files are
 * removed. Returns 0, or -1 if the position could not be persisted (the
 * records may then be re-sent after a restart). */
int spool_commit(spool *sp, const struct spool_pos *pos);

void spool_stats(spool *sp, struct spool_stats *out);

#endif
