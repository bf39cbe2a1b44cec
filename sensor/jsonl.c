/* jsonl.c -- JSON-lines files. */
#include "jsonl.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct jsonl {
    FILE *f;
    bool is_stdout;
    char *path;
    pthread_mutex_t mu;
    unsigned long long lines;
};

static FILE *open_file(const char *path, int extra, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | extra, 0640);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
    }
    return f;
}

jsonl *jsonl_open(const char *path, char *err, size_t errlen)
{
    bool is_stdout = strcmp(path, "-") == 0;
    FILE *f = is_stdout ? stdout : open_file(path, O_TRUNC, err, errlen);
    if (!f) return NULL;
    jsonl *l = calloc(1, sizeof *l);
    if (!l || !(l->path = strdup(path))) abort();
    l->f = f;
    l->is_stdout = is_stdout;
    pthread_mutex_init(&l->mu, NULL);
    return l;
}

void jsonl_write(jsonl *l, const char *buf, size_t len)
{
    pthread_mutex_lock(&l->mu);
    fwrite(buf, 1, len, l->f);
    l->lines++;
    pthread_mutex_unlock(&l->mu);
}

unsigned long long jsonl_lines(const jsonl *l) { return l ? l->lines : 0; }

int jsonl_reopen(jsonl *l, char *err, size_t errlen)
{
    if (l->is_stdout) { fflush(l->f); return 0; }
    FILE *f = open_file(l->path, O_APPEND, err, errlen);
    if (!f) return -1;
    pthread_mutex_lock(&l->mu);
    fclose(l->f);
    l->f = f;
    pthread_mutex_unlock(&l->mu);
    return 0;
}

void jsonl_close(jsonl *l)
{
    if (!l) return;
    if (l->is_stdout) fflush(l->f); else fclose(l->f);
    pthread_mutex_destroy(&l->mu);
    free(l->path);
    free(l);
}
