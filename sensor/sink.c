/* sink.c -- dispatch through a sink's ops struct. */
#include "sink.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sink {
    const struct sink_ops *ops;
    void *st;
};

sink *sink_open(const struct sink_ops *ops, const struct config *cfg, char *err, size_t errlen)
{
    void *st = ops->open(cfg, err, errlen);
    if (!st) return NULL;
    sink *s = malloc(sizeof *s);
    if (!s) {
        ops->close(st, NULL);
        snprintf(err, errlen, "%s sink: out of memory", ops->name);
        return NULL;
    }
    s->ops = ops;
    s->st = st;
    return s;
}

sink *sink_redis_new(const struct config *cfg, char *err, size_t errlen)
{
    return sink_open(&sink_redis_ops, cfg, err, errlen);
}

int sink_alert(sink *s, const char *json, size_t len) { return s->ops->write_alert(s->st, json, len); }

int sink_ledger(sink *s, const struct ledger_update *u) { return s->ops->write_ledger(s->st, u); }

void sink_heartbeat(sink *s, const struct sink_heartbeat *hb) { s->ops->heartbeat(s->st, hb); }

int sink_flush(sink *s, unsigned timeout_ms) { return s->ops->flush(s->st, timeout_ms); }

void sink_stats(sink *s, struct sink_stats *out)
{
    memset(out, 0, sizeof *out);
    s->ops->stats(s->st, out);
}

void sink_close(sink *s, struct sink_stats *final)
{
    if (!s) return;
    if (final) memset(final, 0, sizeof *final);
    s->ops->close(s->st, final);
    free(s);
}
