/* jsonl.h -- a JSON-lines output file shared by workers (thread-safe).
 * Files are created mode 0640; "-" is stdout. */
#ifndef BW_JSONL_H
#define BW_JSONL_H

#include <stddef.h>

typedef struct jsonl jsonl;

/* Open path for writing (truncating). NULL + message in err on failure. */
jsonl *jsonl_open(const char *path, char *err, size_t errlen);
/* Append one line (buf holds the JSON and its trailing newline). */
void jsonl_write(jsonl *l, const char *buf, size_t len);
unsigned long long jsonl_lines(const jsonl *l);
/* Reopen the same path for appending (SIGHUP, log rotation). 0 or -1. */
int jsonl_reopen(jsonl *l, char *err, size_t errlen);
/* Flush and close (stdout is flushed, not closed). NULL is a no-op. */
void jsonl_close(jsonl *l);

#endif
