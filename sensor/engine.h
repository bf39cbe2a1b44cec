/* engine.h -- captured frames to workers: inline, or over rings to N threads.
 *
 * With one worker the capture thread runs it inline (no copy, no handoff).
 * With N > 1 workers each runs on its own thread behind a single-producer
 * ring (ring.h); the capture thread picks the worker by the packet's inner IP
 * address pair (a symmetric hash of it, looked up in pairs.h: a new pair goes
 * to the worker with the shortest backlog and keeps it while its flows may
 * live), so both directions of a flow, and every fragment of a datagram,
 * reach the same worker. Control records (input
 * boundaries, time ticks, stop) travel the same rings, so they stay in order
 * with the packets. Each thread builds its own worker as it starts (nDPI's
 * set-up one at a time, the rest side by side) while the capture thread
 * already reads. A full ring puts the capture thread to sleep until a quarter
 * of its window is free; if another worker's ring is empty by then, the full
 * ring's window grows (ring_grow): the look-ahead follows the imbalance of
 * the load instead of faulting in every ring's whole size up front.
 */
#ifndef BW_ENGINE_H
#define BW_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>
#include "worker.h"

struct pipeline;
struct cap_frame;
struct capture;

typedef struct engine engine;

/* n_workers >= 1. ring_bytes: per-worker ring size. Aborts on OOM (setup). */
engine *engine_new(const struct pipeline *pp, unsigned n_workers, size_t ring_bytes, uint64_t seed);

/* Fanout (live): worker i reads caps[i] itself (sockets of one AF_PACKET
 * fanout group), no capture thread and no rings. The captures must outlive
 * the engine. engine_end_input (or engine_stop) stops the reading and joins
 * the workers, each having ended its flows; engine_packet and engine_tick
 * are not for this mode (engine_tick does nothing). */
engine *engine_new_fanout(const struct pipeline *pp, struct capture *const *caps, unsigned n, uint64_t seed);
/* True once a worker's capture failed (the interface went away): stop. */
bool engine_fanout_failed(const engine *e);
/* The sum of the fanout sockets' pcap_stats counters (each as of its
 * worker's last tick); zero without fanout. */
void engine_capture_drops(const engine *e, uint64_t *received, uint64_t *dropped, uint64_t *ifdropped);

/* Readers (offline, N > 1, regular files): each worker thread opens the
 * inputs again (capture_reopen: the same files, even if they were deleted
 * or renamed since) and reads them through (merged as one
 * stream, or one after the other), steering every frame as the capture
 * thread would and running its own: no capture thread, no rings, no copies.
 * A new address pair goes to the first reader that meets it, the one ahead
 * (so the readers balance themselves); both directions of a flow and the
 * fragments of a datagram still reach one worker, and the same alerts come
 * out as with one worker. inputs (the run's, opened once to check them)
 * must outlive the engine: their names go in the outputs. Ended by
 * engine_end_input once engine_readers_wait said they are done. */
engine *engine_new_readers(const struct pipeline *pp, unsigned n, uint64_t seed, struct capture *const *inputs,
                           unsigned n_inputs, bool merged);
/* Wait up to ms for every reader to finish: true once they have; false on
 * a time-out or a signal. */
bool engine_readers_wait(engine *e, unsigned ms);
/* Stop reading at the next frame (a signal); the flows still end. */
void engine_readers_stop(engine *e);
/* Inputs that ended in an error or cut short, as the readers met them, and
 * one more if no reader could open the inputs again (one that cannot reads
 * nothing and claims no pair: the others take its flows). */
uint64_t engine_read_errors(const engine *e);

/* Capture thread side. */
/* The frame's input name (fr->input) must outlive the engine: it is the
 * transaction's and alert's source file. */
void engine_packet(engine *e, const struct cap_frame *fr);
void engine_end_input(engine *e);                        /* workers end their flows */
void engine_tick(engine *e, struct timeval now);         /* live: time passes without packets */

/* Drain every ring, stop and join the threads. Idempotent. */
void engine_stop(engine *e);
void engine_free(engine *e);

/* The workers, for statistics. Counters may be read while they run (live
 * SIGUSR1): values are then approximate. */
worker *const *engine_workers(const engine *e, unsigned *n);
/* Capture-thread counters: times it waited for a full ring, fragments sent to
 * the worker of their inner flow rather than of their own addresses, and
 * later fragments held until their first one came. */
void engine_counters(const engine *e, uint64_t *ring_waits, uint64_t *steered, uint64_t *held);

#endif
