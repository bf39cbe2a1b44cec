/* rcmd.c -- Redis commands as single allocations, and FIFO lists of them. */
#include "rcmd.h"
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

struct rcmd *rcmd_new(uint8_t kind, uint32_t argc, const char *const *argv, const size_t *argvlen)
{
    if (argc == 0 || argc > RCMD_MAX_ARGS) return NULL;
    size_t bytes = 0;
    for (uint32_t i = 0; i < argc; i++) {
        if (argvlen[i] > RCMD_MAX_BYTES - bytes) return NULL;
        bytes += argvlen[i];
    }
    /* layout: struct | argv pointers | lengths | bytes (each arg NUL-terminated
     * for readable logs; the NUL is not part of the length) */
    size_t head = sizeof(struct rcmd);
    head = (head + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t);
    size_t total = head + (size_t)argc * (sizeof(char *) + sizeof(size_t)) + bytes + argc;
    unsigned char *m = malloc(total);
    if (!m) return NULL;
    struct rcmd *c = (struct rcmd *)m;
    c->next = NULL;
    c->kind = kind;
    c->argc = argc;
    c->bytes = bytes;
    c->argv = (const char **)(m + head);
    c->argvlen = (size_t *)(m + head + (size_t)argc * sizeof(char *));
    char *d = (char *)(m + head + (size_t)argc * (sizeof(char *) + sizeof(size_t)));
    for (uint32_t i = 0; i < argc; i++) {
        if (argvlen[i]) memcpy(d, argv[i], argvlen[i]);
        d[argvlen[i]] = 0;
        c->argv[i] = d;
        c->argvlen[i] = argvlen[i];
        d += argvlen[i] + 1;
    }
    return c;
}

void rcmd_free(struct rcmd *c) { free(c); }

void rcmd_free_list(struct rcmd *head)
{
    while (head) {
        struct rcmd *n = head->next;
        free(head);
        head = n;
    }
}

void rcmd_list_push(struct rcmd_list *l, struct rcmd *c)
{
    c->next = NULL;
    if (l->tail) l->tail->next = c;
    else l->head = c;
    l->tail = c;
    l->n++;
    l->bytes += c->bytes;
}

void rcmd_list_concat(struct rcmd_list *l, struct rcmd_list *src)
{
    if (!src->head) return;
    if (l->tail) l->tail->next = src->head;
    else l->head = src->head;
    l->tail = src->tail;
    l->n += src->n;
    l->bytes += src->bytes;
    memset(src, 0, sizeof *src);
}

struct rcmd *rcmd_list_pop(struct rcmd_list *l)
{
    struct rcmd *c = l->head;
    if (!c) return NULL;
    l->head = c->next;
    if (!l->head) l->tail = NULL;
    l->n--;
    l->bytes -= c->bytes;
    c->next = NULL;
    return c;
}

void rcmd_list_clear(struct rcmd_list *l)
{
    rcmd_free_list(l->head);
    memset(l, 0, sizeof *l);
}
