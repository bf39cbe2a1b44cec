/* config_file.c -- `-c FILE`: the same options as the command line, one per line.
 *
 *   # comment
 *   interface eth1
 *   max-flows = 2000000
 *   quiet            # a flag alone means true; "quiet = false" turns it off
 *
 * Keys are the long option names (options.c): one source of truth. An unknown
 * key or a bad value is an error that names the file and line.
 */
#include "config.h"
#include "options.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct owned {
    struct owned *next;
    char s[];
};

/* Keep a copy of s alive as long as cfg (freed by config_release). */
static const char *keep(struct config *cfg, const char *s, size_t n)
{
    struct owned *o = malloc(sizeof *o + n + 1);
    if (!o) abort();
    memcpy(o->s, s, n);
    o->s[n] = 0;
    o->next = cfg->owned;
    cfg->owned = o;
    return o->s;
}

void config_release(struct config *cfg)
{
    struct owned *o = cfg->owned;
    while (o) {
        struct owned *n = o->next;
        free(o);
        o = n;
    }
    cfg->owned = NULL;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    return s;
}

int config_load_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read config %s: %s", path, strerror(errno));
        return -1;
    }
    char line[4096];
    unsigned no = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        no++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s:%u: line too long", path, no);
            rc = -1;
            break;
        }
        /* strip comments that start a word: "#..." */
        for (char *h = line; (h = strchr(h, '#')); h++)
            if (h == line || h[-1] == ' ' || h[-1] == '\t') { *h = 0; break; }
        char *s = trim(line);
        if (!*s) continue;
        char *key = s, *val = NULL;
        size_t k = strcspn(s, " \t=");
        if (s[k]) {
            s[k] = 0;
            val = trim(s + k + 1);
            if (*val == '=') val = trim(val + 1);
            if (!*val) val = NULL;
        }
        const struct option_def *o = option_find(key);
        if (!o || o->type == OPT_ACTION || strcmp(key, "config") == 0) {
            snprintf(err, errlen, "%s:%u: unknown key '%s'", path, no, key);
            rc = -1;
            break;
        }
        if (o->type == OPT_BOOL) {
            if (val && strcmp(val, "true") && strcmp(val, "yes") && strcmp(val, "1") &&
                strcmp(val, "false") && strcmp(val, "no") && strcmp(val, "0")) {
                snprintf(err, errlen, "%s:%u: %s: expected true or false, not '%s'", path, no, key, val);
                rc = -1;
                break;
            }
            bool on = !val || !strcmp(val, "true") || !strcmp(val, "yes") || !strcmp(val, "1");
            *(bool *)((char *)cfg + o->offset) = on;
            continue;
        }
        if (!val) {
            snprintf(err, errlen, "%s:%u: %s needs a value", path, no, key);
            rc = -1;
            break;
        }
        char e[256];
        if (option_apply(cfg, o, keep(cfg, val, strlen(val)), e, sizeof e) < 0) {
            snprintf(err, errlen, "%s:%u: %s", path, no, e);
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}
