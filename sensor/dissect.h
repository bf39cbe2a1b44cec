/* dissect.h -- the dissector descriptor and what a dissector may see.
 *
 * One dissector per file under dissectors/, each exporting one const struct
 * dissector; the registry is the array in dissect.c. The framework (worker.c)
 * allocates state_size zeroed bytes per flow, calls init() once, on_data() and
 * on_gap() with the stream's in-order bytes, and on_close() exactly once at
 * teardown, after which the state is freed. struct flow carries no protocol
 * fields: everything a dissector keeps lives in its state.
 */
#ifndef BW_DISSECT_H
#define BW_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include "stream.h"

struct config;
struct txn_sink;

/* What a dissector may know about its flow. addr/port index 0 is the flow's
 * client (the side that sent the SYN, or the first packet's sender when the
 * flow was picked up mid-stream), 1 its server. */
struct flow_view {
    uint64_t id;                 /* hash of the key and the start time: the same in any worker or run */
    uint8_t ip_version;          /* 4 or 6 */
    uint8_t l4proto;
    uint8_t addr[2][16];
    uint16_t port[2];
    uint16_t vlan;               /* innermost VLAN id, 0 if none */
    bool handshake_seen;         /* SYN seen: client/server roles are certain */
    uint16_t ndpi_proto;         /* nDPI master protocol (0 = unknown yet) */
    uint16_t ndpi_app;           /* nDPI app protocol */
    uint8_t tunnel_type;         /* enum tunnel_type (decode.h) of the innermost tunnel, 0 if none */
    uint32_t tunnel_id;          /* its VNI / key / session / label, as the flow's first packet had it */
};

/* Handed to every callback. Views are valid during the call only. */
struct dissect_env {
    const struct config *cfg;
    const struct flow_view *flow;
    struct timeval ts;                 /* time of the packet being delivered */
    const struct txn_sink *out;        /* where transactions go (txn.h) */
    void *out_ctx;
    uint64_t *counters;                /* this dissector's counters (n_counters of them) */
};

enum probe_result {
    PROBE_NO = 0,     /* not mine */
    PROBE_YES,        /* mine */
    PROBE_MAYBE,      /* not enough bytes to tell */
};

struct dissector {
    const char *name;
    size_t state_size;
    /* Names of the dissector's counters, for stats ("gap_resync", ...). */
    const char *const *counter_names;
    size_t n_counters;
    /* Bit k set: counter k counts hits of a cap on hostile input (summed
     * into the heartbeat's caps_hit with the other caps). At most 64. */
    uint64_t cap_counters;
    /* Pure, no allocation: do the first bytes of direction dir look like this
     * protocol? Called with whatever arrived so far (a prefix of the stream). */
    enum probe_result (*probe)(const uint8_t *p, size_t len, int dir);
    void (*init)(void *state, const struct dissect_env *env);
    void (*on_data)(void *state, int dir, const uint8_t *p, size_t len,
                    const struct dissect_env *env);
    void (*on_gap)(void *state, int dir, uint64_t len, enum gap_reason why,
                   const struct dissect_env *env);
    /* Flow ends (FIN/RST/timeout/eviction/end of input): finish any transaction
     * that can be finished, report the rest, free what init/on_data allocated. */
    void (*on_close)(void *state, const struct dissect_env *env);
};

/* The registry, NULL-terminated. */
extern const struct dissector *const dissector_table[];

/* Find a dissector by name, or NULL. */
const struct dissector *dissector_find(const char *name);

#endif
