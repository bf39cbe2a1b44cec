/* outq.c -- a mutex-and-condition FIFO of commands with two caps. */
#include "outq.h"
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct outq {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct rcmd_list l;
    size_t max_items, max_bytes;
    size_t high;
    unsigned wakes;          /* bumped by outq_wake so a waiter can tell */
};

outq *outq_new(size_t max_items, size_t max_bytes)
{
    outq *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    pthread_mutex_init(&q->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->cv, &ca);
    pthread_condattr_destroy(&ca);
    q->max_items = max_items;
    q->max_bytes = max_bytes;
    return q;
}

void outq_free(outq *q)
{
    if (!q) return;
    rcmd_list_clear(&q->l);
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free(q);
}

int outq_push(outq *q, struct rcmd_list *l)
{
    if (!l->n) return 0;
    pthread_mutex_lock(&q->mu);
    if (q->l.n + l->n > q->max_items || q->l.bytes + l->bytes > q->max_bytes) {
        pthread_mutex_unlock(&q->mu);
        return -1;
    }
    bool was_empty = q->l.n == 0;
    rcmd_list_concat(&q->l, l);
    if (q->l.n > q->high) q->high = q->l.n;
    if (was_empty) pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

size_t outq_pop(outq *q, struct rcmd_list *out, size_t max, unsigned wait_ms)
{
    pthread_mutex_lock(&q->mu);
    if (q->l.n == 0 && wait_ms) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += wait_ms / 1000;
        ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        unsigned w = q->wakes;
        while (q->l.n == 0 && w == q->wakes)
            if (pthread_cond_timedwait(&q->cv, &q->mu, &ts) == ETIMEDOUT) break;
    }
    size_t k = 0;
    while (k < max && q->l.n) {
        rcmd_list_push(out, rcmd_list_pop(&q->l));
        k++;
    }
    pthread_mutex_unlock(&q->mu);
    return k;
}

void outq_unpop(outq *q, struct rcmd_list *l)
{
    if (!l->n) return;
    pthread_mutex_lock(&q->mu);
    rcmd_list_concat(l, &q->l);
    q->l = *l;
    l->head = l->tail = NULL;
    l->n = l->bytes = 0;
    pthread_mutex_unlock(&q->mu);
}

void outq_wake(outq *q)
{
    pthread_mutex_lock(&q->mu);
    q->wakes++;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

size_t outq_depth(outq *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->l.n;
    pthread_mutex_unlock(&q->mu);
    return n;
}

size_t outq_high_water(outq *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->high;
    pthread_mutex_unlock(&q->mu);
    return n;
}
