/* rcmd.h -- one Redis command as argv with explicit lengths, in one allocation.
 *
 * The unit that moves through the Redis sink: built by the producer (an alert
 * or one ledger command), held in the memory queue, written to the spool as
 * one record, sent with redisAppendCommandArgv. Arguments are binary-safe
 * (never formatted with "%s"). `next` links commands into FIFO lists owned by
 * whoever holds the command.
 */
#ifndef BW_RCMD_H
#define BW_RCMD_H

#include <stddef.h>
#include <stdint.h>

enum rcmd_kind {
    RCMD_ALERT = 1,     /* counts as one alert in the sink's statistics */
    RCMD_LEDGER = 2,    /* one exposure-ledger command */
};

#define RCMD_MAX_ARGS 4096u          /* arguments per command (spool records too) */
#define RCMD_MAX_BYTES (64u << 20)   /* payload bytes per command */

struct rcmd {
    struct rcmd *next;
    uint8_t kind;                    /* enum rcmd_kind */
    uint32_t argc;
    size_t bytes;                    /* sum of argvlen, for the byte caps */
    const char **argv;               /* argc pointers into this allocation */
    size_t *argvlen;
};

/* Build a command from argc arguments (copied). Returns NULL if argc is 0 or
 * past RCMD_MAX_ARGS, the payload past RCMD_MAX_BYTES, or on allocation
 * failure. Free with rcmd_free. */
struct rcmd *rcmd_new(uint8_t kind, uint32_t argc, const char *const *argv, const size_t *argvlen);

/* Free one command (not its successors). rcmd_free(NULL) is a no-op. */
void rcmd_free(struct rcmd *c);

/* Free a whole list linked by next. */
void rcmd_free_list(struct rcmd *head);

/* A FIFO of commands linked by next, with counts for the caps. */
struct rcmd_list {
    struct rcmd *head, *tail;
    size_t n;
    size_t bytes;
};

void rcmd_list_push(struct rcmd_list *l, struct rcmd *c);
/* Append all of src to l (src becomes empty). */
void rcmd_list_concat(struct rcmd_list *l, struct rcmd_list *src);
/* Remove and return the head, or NULL. */
struct rcmd *rcmd_list_pop(struct rcmd_list *l);
void rcmd_list_clear(struct rcmd_list *l);

#endif
