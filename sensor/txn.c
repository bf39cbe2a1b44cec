/* txn.c -- helpers over struct http_txn. */
#include "txn.h"

#include <stddef.h>

struct bytes http_header_getn(const struct http_header *h, unsigned n, const char *name, size_t nl)
{
    for (unsigned i = 0; h && i < n; i++)
        if (h[i].name.len == nl && bytes_ieqn(h[i].name, name, nl)) return h[i].value;
    return bytes_of(NULL, 0);
}
