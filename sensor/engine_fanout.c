/* engine_fanout.c -- live, each worker reading its own socket of an
 * AF_PACKET fanout group (see engine.h). */
#include "engine_int.h"
#include "log.h"
#include "pipeline.h"
#include <stdlib.h>
#include <sys/time.h>


static void fan_drops(struct wslot *s)
{
    uint64_t recv, drop, ifdrop;
    capture_drops(s->cap, &recv, &drop, &ifdrop);
    atomic_store_explicit(&s->recv, recv, memory_order_relaxed);
    atomic_store_explicit(&s->drop, drop, memory_order_relaxed);
    atomic_store_explicit(&s->ifdrop, ifdrop, memory_order_relaxed);
}

/* Like the capture thread with one worker: its flows look for idle ones
 * once a second of packet time, and on a read timeout at the wall clock's
 * time (time passes without packets). The kernel's symmetric flow hash
 * gives both directions of a flow to one socket. */
static void *fanout_main(void *arg)
{
    struct wslot *s = arg;
    engine *e = s->e;
    engine_slot_worker(s);
    worker_set_input(s->w, NULL);
    uint64_t last_tick_us = 0;
    while (!atomic_load_explicit(&e->fan_stop, memory_order_relaxed)) {
        struct cap_frame fr;
        struct timeval now;
        enum cap_status st = capture_next(s->cap, &fr);
        if (st == CAP_PACKET) {
            worker_clock(s->w, fr.ts);
            worker_packet(s->w, fr.dlt, fr.ts, fr.data, fr.caplen, fr.wirelen);
            now = fr.ts;
        } else if (st == CAP_TIMEOUT) {
            gettimeofday(&now, NULL);
        } else {
            if (!atomic_load(&e->fan_stop))
                log_msg(LOG_ERR, "%s (fanout socket %u): read stopped: %s", capture_name(s->cap), s->index,
                        capture_error(s->cap));
            atomic_store(&e->fan_failed, true);
            break;
        }
        uint64_t t_us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_usec;
        if (t_us - last_tick_us >= 1000000u) {
            last_tick_us = t_us;
            worker_tick(s->w, now);
            fan_drops(s);
        }
    }
    worker_finish(s->w);
    fan_drops(s);
    worker_shed(s->w);
    return NULL;
}

engine *engine_new_fanout(const struct pipeline *pp, capture *const *caps, unsigned n, uint64_t seed)
{
    engine *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->n = n ? n : 1;
    e->fanout = true;
    e->seed = seed;
    e->opts = pp->decode_set ? &pp->decode : NULL;
    e->slots = calloc(e->n, sizeof *e->slots);
    e->workers = calloc(e->n, sizeof *e->workers);
    if (!e->slots || !e->workers) abort();
    atomic_init(&e->ready, 0);
    atomic_init(&e->fan_stop, false);
    atomic_init(&e->fan_failed, false);
    for (unsigned i = 0; i < e->n; i++) {
        struct wslot *s = &e->slots[i];
        s->e = e;
        s->pp = pp;
        s->index = i;
        s->cap = caps[i];
        atomic_init(&s->recv, 0);
        atomic_init(&s->drop, 0);
        atomic_init(&s->ifdrop, 0);
        engine_slot_start(e, s, fanout_main);
    }
    return e;
}

bool engine_fanout_failed(const engine *e) { return e->fanout && atomic_load(&e->fan_failed); }

void engine_capture_drops(const engine *e, uint64_t *received, uint64_t *dropped, uint64_t *ifdropped)
{
    *received = *dropped = *ifdropped = 0;
    for (unsigned i = 0; e->fanout && i < e->n; i++) {
        *received += atomic_load_explicit(&e->slots[i].recv, memory_order_relaxed);
        *dropped += atomic_load_explicit(&e->slots[i].drop, memory_order_relaxed);
        *ifdropped += atomic_load_explicit(&e->slots[i].ifdrop, memory_order_relaxed);
    }
}

/* Each worker having ended its flows. */
void engine_fanout_stop(engine *e)
{
    atomic_store(&e->fan_stop, true);
    for (unsigned i = 0; i < e->n; i++) capture_break(e->slots[i].cap);
    for (unsigned i = 0; i < e->n; i++)
        if (e->slots[i].running) {
            pthread_join(e->slots[i].th, NULL);
            e->slots[i].running = false;
        }
}

