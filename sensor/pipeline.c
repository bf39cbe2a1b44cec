/* pipeline.c -- build the shared, read-only parts of the pipeline. */
#include "pipeline.h"
#include "config.h"
#include "hashkey.h"
#include "community_id.h"
#include "dedup.h"
#include "pii_count.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Split "a,b, c" into a NULL-terminated array of owned strings. */
static char **split_list(const char *s)
{
    size_t n = 1;
    for (const char *p = s; *p; p++) n += *p == ',';
    char **v = calloc(n + 1, sizeof *v);
    if (!v) abort();
    size_t k = 0;
    const char *p = s;
    while (*p) {
        while (*p == ',' || *p == ' ' || *p == '\t') p++;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t')) t--;
        if (t > p) {
            v[k] = strndup(p, (size_t)(t - p));
            if (!v[k]) abort();
            k++;
        }
        p = e;
    }
    return v;
}

static void free_list(char **v)
{
    if (!v) return;
    for (size_t i = 0; v[i]; i++) free(v[i]);
    free(v);
}

/* What is set up at its first use, behind a once-flag (OpenSSL's digests,
 * libxxhash's choice of code for this CPU, the free-mail table), set up
 * here on one thread before any worker runs: the workers then only read it
 * (helgrind, which does not model pthread_once, sees that order too). */
static void pipeline_warm(void)
{
    static const uint8_t a[16] = {10, 0, 0, 1}, b[16] = {10, 0, 0, 2};
    char id[COMMUNITY_ID_LEN + 1];
    (void)community_id_v1(4, 6, a, b, 1, 2, 0, id, sizeof id);
    (void)pii_freemail("example.org");
    dedup_prepare();
}

int pipeline_build(struct pipeline *pp, const struct config *cfg, char *err, size_t errlen,
                   char *note, size_t notelen)
{
    memset(pp, 0, sizeof *pp);
    pp->cfg = cfg;
    note[0] = 0;
    if (cfg->sensor_name && *cfg->sensor_name) {
        snprintf(pp->name_buf, sizeof pp->name_buf, "%s", cfg->sensor_name);
    } else if (gethostname(pp->name_buf, sizeof pp->name_buf - 1) < 0 || !pp->name_buf[0]) {
        snprintf(pp->name_buf, sizeof pp->name_buf, "sensor");
    }
    pp->sensor_name = pp->name_buf;

    /* decoder: tunnel ports */
    decode_opts_default(&pp->decode);
    if (cfg->vxlan_ports) {
        char derr[200];
        if (decode_opts_vxlan_ports(&pp->decode, cfg->vxlan_ports, derr, sizeof derr) < 0) {
            snprintf(err, errlen, "--vxlan-ports: %s", derr);
            return -1;
        }
    }
    if (cfg->geneve_port > 65535) {
        snprintf(err, errlen, "--geneve-port: %u is not a UDP port", (unsigned)cfg->geneve_port);
        return -1;
    }
    pp->decode.geneve_port = (uint16_t)cfg->geneve_port;
    pp->decode_set = true;

    /* PII engine */
    struct pii_config pc;
    pii_config_defaults(&pc);
    if (cfg->pii_disable) {
        char **kinds = split_list(cfg->pii_disable);
        for (size_t i = 0; kinds[i]; i++) {
            int k = pii_kind_from_name(kinds[i]);
            if (k < 0) {
                snprintf(err, errlen, "--pii-disable: unknown kind '%s'", kinds[i]);
                free_list(kinds);
                return -1;
            }
            pc.enabled[k] = false;
        }
        free_list(kinds);
    }
    pc.scan_cap = cfg->pii_scan_cap;
    /* the keyed hashes only feed the Redis ledger: without Redis, no value
     * costs an HMAC (two SHA-256 compressions) */
    pc.keep_hashes = cfg->redis_url != NULL;
    pc.max_depth = cfg->pii_max_depth;
    for (unsigned i = 0; i < cfg->pii_context.n; i++) {
        const char *e = cfg->pii_context.v[i], *colon = strchr(e, ':');
        char kind[32];
        int k = -1;
        if (colon && (size_t)(colon - e) < sizeof kind) {
            snprintf(kind, sizeof kind, "%.*s", (int)(colon - e), e);
            k = pii_kind_from_name(kind);
        }
        if (k < 0 || !colon[1]) {
            snprintf(err, errlen, "--pii-context '%s': expected KIND:FIELD[,FIELD...] with a known kind", e);
            return -1;
        }
        if (pp->context_words[k]) {
            snprintf(err, errlen, "--pii-context: %s given twice; list all its fields once", kind);
            return -1;
        }
        pp->context_words[k] = split_list(colon + 1);
        pc.context_words[k] = (const char *const *)pp->context_words[k];
    }
    char path[4096];
    if (cfg->hash_key_file) snprintf(path, sizeof path, "%s", cfg->hash_key_file);
    else hashkey_default_path(path, sizeof path);
    int created = 0;
    if (hashkey_load(path, pp->hash_key, &pp->hash_key_len, &created, err, errlen) < 0) return -1;
    if (created) snprintf(note, notelen, "created hash key %s (mode 0600): keep it to correlate across runs", path);
    pc.hash_key = pp->hash_key;
    pc.hash_key_len = pp->hash_key_len;
    char perr[256];
    if (!(pp->pii_owned = pii_db_new(&pc, perr, sizeof perr))) {
        snprintf(err, errlen, "PII engine: %s", perr);
        return -1;
    }
    pp->pii = pp->pii_owned;

    /* storage recognition and the verdict */
    storage_config_defaults(&pp->storage);
    if (cfg->public_ok) {
        pp->public_ok = split_list(cfg->public_ok);
        pp->storage.public_ok = (const char *const *)pp->public_ok;
    }
    verdict_config_defaults(&pp->verdict);
    pp->verdict.high_risk_min = cfg->alert_high_risk_min;
    pp->verdict.low_risk_distinct_min = cfg->alert_distinct_min;
    if (cfg->home_net) {
        pp->home_net = netset_new();
        char nerr[256];
        if (netset_parse(pp->home_net, cfg->home_net, nerr, sizeof nerr) < 0) {
            snprintf(err, errlen, "--home-net: %s", nerr);
            return -1;
        }
        pp->verdict.home_net = pp->home_net;
    }

    /* enrichment: a missing database is one log line, not an error */
    if (cfg->geoip.n) {
        char gmsg[1024] = "";
        pp->geo = geoip_open(cfg->geoip.v, cfg->geoip.n, gmsg, sizeof gmsg);
        if (!pp->geo) { snprintf(err, errlen, "geoip: out of memory"); return -1; }
        if (gmsg[0]) snprintf(note + strlen(note), notelen - strlen(note), "%s%s", note[0] ? "\nbleedwatch: " : "", gmsg);
    }

    /* outputs */
    if (cfg->schema && strcmp(cfg->schema, "ecs") != 0 && strcmp(cfg->schema, "ocsf") != 0) {
        snprintf(err, errlen, "--schema: '%s' is neither ecs nor ocsf", cfg->schema);
        return -1;
    }
    pp->schema_ocsf = cfg->schema && strcmp(cfg->schema, "ocsf") == 0;
    if (cfg->transactions && !(pp->transactions = jsonl_open(cfg->transactions, err, errlen))) return -1;
    if (cfg->alerts && !(pp->alerts = jsonl_open(cfg->alerts, err, errlen))) return -1;
    if (cfg->redis_url && !(pp->redis = sink_redis_new(cfg, err, errlen))) return -1;
    pipeline_warm();
    return 0;
}

int pipeline_reload(struct pipeline *pp, const struct config *fresh, char *err, size_t errlen)
{
    if (pp->n_retired >= sizeof pp->retired_nets / sizeof pp->retired_nets[0]) {
        snprintf(err, errlen, "too many reloads in one run; restart the sensor");
        return -1;
    }
    netset *net = NULL;
    if (fresh->home_net) {
        net = netset_new();
        char nerr[256];
        if (netset_parse(net, fresh->home_net, nerr, sizeof nerr) < 0) {
            snprintf(err, errlen, "home-net: %s", nerr);
            netset_free(net);
            return -1;
        }
    }
    char **rules = fresh->public_ok ? split_list(fresh->public_ok) : NULL;
    pp->retired_lists[pp->n_retired] = pp->public_ok;
    pp->retired_nets[pp->n_retired] = pp->home_net;
    pp->n_retired++;
    pp->public_ok = rules;
    pp->home_net = net;
    __atomic_store_n(&pp->storage.public_ok, (const char *const *)rules, __ATOMIC_RELEASE);
    __atomic_store_n(&pp->verdict.home_net, (const netset *)net, __ATOMIC_RELEASE);
    __atomic_store_n(&pp->verdict.high_risk_min, fresh->alert_high_risk_min, __ATOMIC_RELAXED);
    __atomic_store_n(&pp->verdict.low_risk_distinct_min, fresh->alert_distinct_min, __ATOMIC_RELAXED);
    return 0;
}

void pipeline_close_sink(struct pipeline *pp, struct sink_stats *st)
{
    if (!pp->redis) return;
    sink_close(pp->redis, st);
    pp->redis = NULL;
}

void pipeline_free(struct pipeline *pp)
{
    pipeline_close_sink(pp, NULL);
    jsonl_close(pp->transactions);
    jsonl_close(pp->alerts);
    pii_db_free(pp->pii_owned);
    netset_free(pp->home_net);
    geoip_close(pp->geo);
    pp->geo = NULL;
    free_list(pp->public_ok);
    for (int k = 0; k < PII__COUNT; k++) {
        free_list(pp->context_words[k]);
        pp->context_words[k] = NULL;
    }
    for (unsigned i = 0; i < pp->n_retired; i++) {
        free_list(pp->retired_lists[i]);
        netset_free(pp->retired_nets[i]);
    }
    pp->n_retired = 0;
    memset(pp->hash_key, 0, sizeof pp->hash_key);
    pp->transactions = pp->alerts = NULL;
    pp->pii_owned = NULL;
    pp->home_net = NULL;
    pp->public_ok = NULL;
}
