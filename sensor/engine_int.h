/* engine_int.h -- the engine's insides, shared by engine.c (the capture
 * thread and its rings), engine_fanout.c (live, a socket per worker) and
 * engine_readers.c (offline, every worker reading the files). */
#ifndef BW_ENGINE_INT_H
#define BW_ENGINE_INT_H

#include "engine.h"
#include "capture.h"
#include "decode.h"
#include "pairs.h"
#include "ring.h"
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wslot {
    engine *e;
    const struct pipeline *pp;
    unsigned index;
    worker *w;
    ring *r;                 /* NULL with fanout */
    capture *cap;            /* fanout: the worker's own socket */
    _Atomic uint64_t recv, drop, ifdrop;   /* fanout: its pcap_stats, as of its last tick */
    pthread_t th;
    bool running;
};

/* Fragment steering (N > 1 workers). A flow's packets go to the worker its
 * inner addresses pick; so must every fragment of a datagram that carries a
 * tunnel, whose inner addresses only its first fragment shows. The first
 * fragment is decoded as far as it goes and its pick remembered for the
 * datagram; a later fragment that comes before it is held (a copy, bounded)
 * until it comes, or for a second of capture time. */
#define STEER_SLOTS 4096u
#define HELD_MAX 256u
#define HELD_BYTES (4u << 20)
struct steer {
    uint64_t key;            /* datagram: addresses, id, protocol, tunnel id; 0 = free */
    uint64_t t_us;
    unsigned worker;
};
struct held {
    uint64_t key, t_us;
    struct cap_frame fr;     /* fr.data is a malloc'd copy */
    unsigned fallback;       /* the worker of its own addresses */
};

struct engine {
    unsigned n;
    const struct decode_opts *opts;
    struct steer *steer;
    struct held held[HELD_MAX];
    unsigned n_held;
    size_t held_bytes;
    uint64_t steered, held_total;
    struct wslot *slots;
    worker **workers;
    uint64_t seed;
    _Atomic unsigned ready;         /* worker threads that have built their worker */
    uint64_t ring_waits;
    struct timeval now;             /* latest packet time seen */
    uint64_t now_us, last_tick_us;  /* ticks: when one worker would expire flows */
    uint64_t tick_us;               /* the latest time any tick carried */
    struct pairs pairs;
    bool stopped;
    /* readers (offline, N > 1): each worker thread reads the inputs itself */
    bool readers;                   /* this engine's workers are readers */
    bool reader;                    /* a reader's own engine: steers every frame, runs its own */
    unsigned self;                  /* reader: its worker's index */
    worker *own;                    /* reader: its worker */
    _Atomic uint64_t *claims;       /* readers: address pair -> worker, first come (shared) */
    uint32_t claims_mask;
    capture *const *inputs;         /* readers: the run's inputs (their names go in the outputs) */
    uint64_t *sizes;                /* readers: each input's size when they started: all read that */
    unsigned n_inputs;
    bool merged;                    /* the inputs as one stream (else one after the other) */
    _Atomic bool rd_stop;           /* stop reading (a signal) */
    _Atomic uint64_t rd_read_errors;
    _Atomic unsigned rd_open_failed;  /* readers that could not open the inputs again */
    bool *rd_reads;                 /* readers: [i] reader i opened every input (set before rd_opened) */
    pthread_barrier_t rd_opened;    /* readers: all have opened the inputs (or failed to) */
    unsigned *live, n_live;         /* a reader's own engine: the readers that read */
    sem_t rd_done;                  /* posted by each reader as it finishes */
    unsigned rd_finished;
    bool fanout;                    /* each worker reads its own capture; no rings */
    _Atomic bool fan_stop;          /* fanout: stop reading, end the flows */
    _Atomic bool fan_failed;        /* fanout: a worker's capture failed */
};

/* A worker thread builds its own worker and says so (engine.c). */
void engine_slot_worker(struct wslot *s);
/* Start slot s's thread on fn; a thread the system will not give (a pids
 * limit, memory) ends the run with a message (exit status 1). */
void engine_slot_start(engine *e, struct wslot *s, void *(*fn)(void *));
/* Fanout: stop reading and join the workers (engine_fanout.c). */
void engine_fanout_stop(engine *e);
/* Readers: join them (engine_readers.c); a new address pair's worker, the
 * first reader to meet it. */
void engine_readers_join(engine *e);
void engine_readers_free(engine *e);   /* what the readers' engine holds beyond the common */
unsigned engine_claim(engine *e, uint64_t h);

#endif
