/* txn.c -- helpers over struct http_txn. */
#include "txn.h"

#include <stddef.h>

struct bytes http_header_get(const struct http_header *h, unsigned n, const char *name)
{
    for (unsigned i = 0; h && i < n; i++)
        if (bytes_ieq(h[i].name, name)) return h[i].value;
    return bytes_of(NULL, 0);
}
