/* txlog.h -- the transaction log line: one JSON object per HTTP transaction.
 *
 * In the spirit of Zeek's http.log, with ECS names. It is what users debug
 * with and what tests compare against. Written through a jsonl file.
 */
#ifndef BW_TXLOG_H
#define BW_TXLOG_H

struct flow_view;
struct http_txn;
struct json;
struct storage_result;

/* Append one transaction object and its newline to j. sr: the storage
 * classification (NULL when none matched); input: capture file or NULL. */
void txlog_json(struct json *j, const struct flow_view *fv, const struct http_txn *t,
                const struct storage_result *sr, const char *input);

#endif
