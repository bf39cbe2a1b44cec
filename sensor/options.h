/* options.h -- the one table of options: CLI long options = config keys.
 *
 * Each entry names a struct config field and how to parse it; main.c builds
 * getopt_long's table and --help from it, and the config file reader (-c) uses
 * the same entries, so an option exists in exactly one place.
 */
#ifndef BW_OPTIONS_H
#define BW_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

struct config;

enum opt_type {
    OPT_STR,       /* const char * */
    OPT_U32,       /* uint32_t, decimal, k/m/g suffixes allowed for sizes */
    OPT_U64,
    OPT_BOOL,      /* flag: present = true */
    OPT_INPUT,     /* -r: appended to cfg->inputs */
    OPT_LIST,      /* repeatable: appended to a struct str_list */
    OPT_ACTION,    /* handled by main (help, version) */
};

struct option_def {
    const char *name;       /* long option and config key */
    char short_name;        /* 0 if none */
    enum opt_type type;
    size_t offset;          /* field in struct config */
    const char *metavar;    /* NULL for flags */
    const char *help;
};

extern const struct option_def option_table[];

/* Find by long name or short letter. NULL if unknown. */
const struct option_def *option_find(const char *name);
const struct option_def *option_find_short(char c);

/* Apply value to cfg. Returns 0, or -1 with a message in err. */
int option_apply(struct config *cfg, const struct option_def *o, const char *value,
                 char *err, size_t errlen);

/* Print the option list for --help. */
void option_usage(FILE *f);

#endif
