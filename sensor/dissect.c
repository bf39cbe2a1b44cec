/* dissect.c -- the dissector registry: one line per protocol. */
#include "dissect.h"
#include <string.h>

extern const struct dissector http1_dissector;
extern const struct dissector mongodb_dissector;
extern const struct dissector resp_dissector;

const struct dissector *const dissector_table[] = {
    &http1_dissector,
    &mongodb_dissector,
    &resp_dissector,
    NULL,
};

const struct dissector *dissector_find(const char *name)
{
    for (size_t i = 0; dissector_table[i]; i++)
        if (strcmp(dissector_table[i]->name, name) == 0) return dissector_table[i];
    return NULL;
}
