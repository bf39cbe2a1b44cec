/* ledger.h -- the exposure ledger: Redis commands for one served response.
 *
 * Every sensor writing to the same Redis adds to the same keys, so PFCOUNT
 * over them is the honest answer to "how many distinct people, values and
 * organisations did this endpoint expose, to how many clients". For an
 * endpoint E (provider/account/container, each part %-encoded outside
 * [A-Za-z0-9._~-]) and prefix P:
 *
 *   SADD    P:endpoints E
 *   HSETNX  P:exposed:E first_seen <ISO-8601 UTC>
 *   HSET    P:exposed:E last_seen  <ISO-8601 UTC>
 *   HINCRBY P:exposed:E responses <n>          HINCRBY P:exposed:E bytes <n>
 *   PFADD   P:exposed:E:clients <client ip>
 *   PFADD   P:exposed:E:<kind> <hash hex>...   one per PII kind present
 *   PFADD   P:exposed:E:organizations <domain>...
 *   ZINCRBY P:exposed:E:domains <count> <domain>   one per organisation
 *
 * Replays: PFADD, SADD and HSETNX are idempotent; HINCRBY is not, so the
 * responses/bytes counters may over-count by the one batch that was in
 * flight when a connection broke (see sink.h). Distinct counts never do.
 */
#ifndef BW_LEDGER_H
#define BW_LEDGER_H

#include "pii.h"
#include "rcmd.h"
#include <stddef.h>
#include <stdint.h>

#define LEDGER_PART_MAX 255         /* bytes of one endpoint part before encoding */
#define LEDGER_PFADD_CHUNK 1000     /* elements per PFADD command */

struct ledger_update {
    const char *provider;           /* "azure_blob", "s3", ... (required) */
    const char *account;            /* account / bucket / index, or NULL */
    const char *container;          /* container / prefix, or NULL */
    int64_t ts_us;                  /* time of the response, µs since the epoch */
    const char *client_ip;          /* text form, or NULL */
    uint64_t bytes;                 /* body bytes served */
    uint32_t responses;             /* usually 1 */
    const struct pii_hash *hashes;  /* distinct values' keyed hashes */
    size_t n_hashes;
    const struct pii_org *orgs;     /* organisation domains with counts */
    size_t n_orgs;
};

/* Called once per built command, in order; takes ownership of c. Return 0 to
 * go on, -1 to stop. */
typedef int (*ledger_emit_fn)(void *ctx, struct rcmd *c);

/* Write the endpoint name of u into buf (NUL-terminated). Returns its length,
 * or -1 if provider is missing or buf is too small. */
int ledger_endpoint(const struct ledger_update *u, char *buf, size_t len);

/* Build the ledger commands of u under prefix and hand each to emit.
 * Returns 0, or -1 (no provider, an allocation failure, or emit said stop);
 * commands already emitted stay with the callee. */
int ledger_build(const struct ledger_update *u, const char *prefix, ledger_emit_fn emit, void *ctx);

#endif
