/* ledger.c -- build the exposure-ledger commands (see ledger.h). */
#include "ledger.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY_MAX 1024

/* The kind names of pii.h's pii_kind_name(), kept here so the ledger does not
 * link the PII engine (the names are part of the Redis key layout). */
static const char *const kind_names[PII__COUNT] = {
    [PII_EMAIL] = "email", [PII_PHONE] = "phone", [PII_PAYMENT_CARD] = "payment_card",
    [PII_NATIONAL_ID] = "national_id", [PII_IBAN] = "iban", [PII_PERSON_NAME] = "person_name",
    [PII_DATE_OF_BIRTH] = "date_of_birth", [PII_POSTAL_ADDRESS] = "postal_address",
    [PII_EMAIL_MESSAGE] = "email_message", [PII_CREDENTIAL] = "credential",
};

/* Append part to buf at *o, %-encoding anything outside [A-Za-z0-9._~-]. */
static int put_part(char *buf, size_t len, size_t *o, const char *part)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strnlen(part, LEDGER_PART_MAX + 1);
    if (n > LEDGER_PART_MAX) n = LEDGER_PART_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)part[i];
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '~' || c == '-';
        if (*o + (plain ? 1 : 3) >= len) return -1;
        if (plain) {
            buf[(*o)++] = (char)c;
        } else {
            buf[(*o)++] = '%';
            buf[(*o)++] = hex[c >> 4];
            buf[(*o)++] = hex[c & 15];
        }
    }
    return 0;
}

int ledger_endpoint(const struct ledger_update *u, char *buf, size_t len)
{
    if (!u->provider || !*u->provider || len == 0) return -1;
    size_t o = 0;
    const char *parts[3] = { u->provider, u->account, u->container };
    for (int i = 0; i < 3; i++) {
        if (!parts[i] || (!*parts[i] && i > 0)) continue;
        if (i > 0) {
            if (o + 1 >= len) return -1;
            buf[o++] = '/';
        }
        if (put_part(buf, len, &o, parts[i]) < 0) return -1;
    }
    buf[o] = 0;
    return (int)o;
}

static void iso_time(int64_t us, char *buf, size_t len)
{
    time_t s = (time_t)(us / 1000000);
    long frac = (long)(us % 1000000);
    if (frac < 0) { frac += 1000000; s--; }
    struct tm tm;
    gmtime_r(&s, &tm);
    char d[32];
    strftime(d, sizeof d, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%06ldZ", d, frac);
}

/* first_seen and last_seen are the earliest and the latest alert time, in
 * whatever order the alerts arrive: workers, sensors and replays of older
 * captures write to one ledger, so "the first write" and "the last write"
 * (HSETNX, HSET) are not the first and the last time. Times have one fixed
 * layout (iso_time), so their strings order as the times do. */
#define SEEN_SCRIPT \
    "local t = ARGV[1] " \
    "local f = redis.call('HGET', KEYS[1], 'first_seen') " \
    "if not f or t < f then redis.call('HSET', KEYS[1], 'first_seen', t) end " \
    "local l = redis.call('HGET', KEYS[1], 'last_seen') " \
    "if not l or t > l then redis.call('HSET', KEYS[1], 'last_seen', t) end " \
    "return 0"

/* Build argv from C strings and emit. */
static int emit_cmd(ledger_emit_fn emit, void *ctx, uint32_t argc, const char *const *argv, const size_t *lens)
{
    struct rcmd *c = rcmd_new(RCMD_LEDGER, argc, argv, lens);
    if (!c) return -1;
    return emit(ctx, c);
}

static int emit_strs(ledger_emit_fn emit, void *ctx, uint32_t argc, const char *const *argv)
{
    size_t lens[8];
    for (uint32_t i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
    return emit_cmd(emit, ctx, argc, argv, lens);
}

/* PFADD key e1 e2 ... in chunks; elements are given as a flat array. */
static int pfadd_chunks(ledger_emit_fn emit, void *ctx, const char *key, const char **el, size_t *ellen, size_t n)
{
    const char *argv[LEDGER_PFADD_CHUNK + 2];
    size_t lens[LEDGER_PFADD_CHUNK + 2];
    for (size_t at = 0; at < n; at += LEDGER_PFADD_CHUNK) {
        size_t k = n - at < LEDGER_PFADD_CHUNK ? n - at : LEDGER_PFADD_CHUNK;
        argv[0] = "PFADD"; lens[0] = 5;
        argv[1] = key; lens[1] = strlen(key);
        for (size_t i = 0; i < k; i++) {
            argv[2 + i] = el[at + i];
            lens[2 + i] = ellen[at + i];
        }
        if (emit_cmd(emit, ctx, (uint32_t)(k + 2), argv, lens) < 0) return -1;
    }
    return 0;
}

int ledger_build(const struct ledger_update *u, const char *prefix, ledger_emit_fn emit, void *ctx)
{
    char ep[KEY_MAX], key[KEY_MAX + 128], sub[KEY_MAX + 160], ts[40], num[32];
    if (ledger_endpoint(u, ep, sizeof ep) < 0) return -1;
    snprintf(key, sizeof key, "%s:exposed:%s", prefix, ep);
    snprintf(sub, sizeof sub, "%s:endpoints", prefix);
    iso_time(u->ts_us, ts, sizeof ts);

    if (emit_strs(emit, ctx, 3, (const char *[]){ "SADD", sub, ep }) < 0) return -1;
    if (emit_strs(emit, ctx, 5, (const char *[]){ "EVAL", SEEN_SCRIPT, "1", key, ts }) < 0) return -1;
    snprintf(num, sizeof num, "%" PRIu32, u->responses);
    if (emit_strs(emit, ctx, 4, (const char *[]){ "HINCRBY", key, "responses", num }) < 0) return -1;
    snprintf(num, sizeof num, "%" PRIu64, u->bytes);
    if (emit_strs(emit, ctx, 4, (const char *[]){ "HINCRBY", key, "bytes", num }) < 0) return -1;
    if (u->client_ip && *u->client_ip) {
        snprintf(sub, sizeof sub, "%s:clients", key);
        if (emit_strs(emit, ctx, 3, (const char *[]){ "PFADD", sub, u->client_ip }) < 0) return -1;
    }

    /* one PFADD per kind with the hashes in hex */
    size_t nh = u->n_hashes;
    if (nh) {
        char *hexes = malloc(nh * (PII_HASH_LEN * 2 + 1));
        const char **el = malloc(nh * sizeof *el);
        size_t *ellen = malloc(nh * sizeof *ellen);
        int r = hexes && el && ellen ? 0 : -1;
        for (int kind = 0; r == 0 && kind < PII__COUNT; kind++) {
            size_t k = 0;
            for (size_t i = 0; i < nh; i++) {
                if (u->hashes[i].kind != kind) continue;
                char *h = hexes + i * (PII_HASH_LEN * 2 + 1);
                for (int b = 0; b < PII_HASH_LEN; b++) snprintf(h + 2 * b, 3, "%02x", u->hashes[i].h[b]);
                el[k] = h;
                ellen[k] = PII_HASH_LEN * 2;
                k++;
            }
            if (!k) continue;
            snprintf(sub, sizeof sub, "%s:%s", key, kind_names[kind]);
            r = pfadd_chunks(emit, ctx, sub, el, ellen, k);
        }
        free(hexes);
        free(el);
        free(ellen);
        if (r < 0) return -1;
    }

    if (u->n_orgs) {
        const char **el = malloc(u->n_orgs * sizeof *el);
        size_t *ellen = malloc(u->n_orgs * sizeof *ellen);
        int r = el && ellen ? 0 : -1;
        for (size_t i = 0; r == 0 && i < u->n_orgs; i++) {
            el[i] = u->orgs[i].domain;
            ellen[i] = strnlen(u->orgs[i].domain, sizeof u->orgs[i].domain);
        }
        if (r == 0) {
            snprintf(sub, sizeof sub, "%s:organizations", key);
            r = pfadd_chunks(emit, ctx, sub, el, ellen, u->n_orgs);
        }
        snprintf(sub, sizeof sub, "%s:domains", key);
        for (size_t i = 0; r == 0 && i < u->n_orgs; i++) {
            snprintf(num, sizeof num, "%" PRIu64, u->orgs[i].count);
            const char *argv[4] = { "ZINCRBY", sub, num, el[i] };
            size_t lens[4] = { 7, strlen(sub), strlen(num), ellen[i] };
            r = emit_cmd(emit, ctx, 4, argv, lens);
        }
        free(el);
        free(ellen);
        if (r < 0) return -1;
    }
    return 0;
}
