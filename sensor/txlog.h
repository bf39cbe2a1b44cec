/* txlog.h -- the transaction log: one JSON line per HTTP transaction.
 *
 * In the spirit of Zeek's http.log, with ECS names. It is what users debug
 * with and what tests compare against. Thread-safe: workers may share one.
 */
#ifndef BW_TXLOG_H
#define BW_TXLOG_H

#include <stddef.h>

struct flow_view;
struct http_txn;
struct json;

typedef struct txlog txlog;

/* Open path for writing ("-" = stdout); a new file is created mode 0640.
 * Returns NULL with a message in err on failure. */
txlog *txlog_open(const char *path, char *err, size_t errlen);

/* Append one line for t on flow fv. scratch: the caller's (per-worker) JSON
 * buffer, reused across calls. input: the capture file name (offline), or NULL. */
void txlog_write(txlog *l, struct json *scratch, const struct flow_view *fv,
                 const struct http_txn *t, const char *input);

/* Lines written so far. */
unsigned long long txlog_lines(const txlog *l);

/* Flush and close (stdout is flushed, not closed). NULL is a no-op. */
void txlog_close(txlog *l);

#endif
