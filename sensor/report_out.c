/* report_out.c -- the breach report as text and as JSON (see report.h). */
#include "report.h"
#include "json.h"
#include <inttypes.h>
#include <string.h>
#include <time.h>

const char *report_time(int64_t us, char *buf, size_t len)
{
    if (!us) {
        snprintf(buf, len, "-");
        return buf;
    }
    time_t s = (time_t)(us / 1000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void report_bytes_human(uint64_t b, char *buf, size_t len)
{
    if (b < 10000) snprintf(buf, len, "%" PRIu64 " B", b);
    else if (b < 10000000) snprintf(buf, len, "%.1f kB", (double)b / 1e3);
    else if (b < 10000000000ull) snprintf(buf, len, "%.1f MB", (double)b / 1e6);
    else snprintf(buf, len, "%.1f GB", (double)b / 1e9);
}

void report_text(FILE *f, const struct report *r)
{
    char t1[40], t2[40], hb[32];
    fprintf(f, "bleedwatch breach report\nsource: %s\nexposed endpoints: %zu", r->source, r->n_eps);
    if (r->alerts_read) fprintf(f, " (%" PRIu64 " alerts read, %" PRIu64 " unreadable)", r->alerts_read, r->alerts_bad);
    fprintf(f, "\n");
    for (size_t i = 0; i < r->n_eps; i++) {
        const struct report_endpoint *e = &r->eps[i];
        fprintf(f, "\n== %s ==\n", e->key);
        fprintf(f, "  provider      %s\n", e->provider);
        if (e->account[0]) fprintf(f, "  account       %s\n", e->account);
        if (e->container[0]) fprintf(f, "  container     %s\n", e->container);
        if (e->host[0]) fprintf(f, "  host          %s\n", e->host);
        fprintf(f, "  first seen    %s\n  last seen     %s\n", report_time(e->first_us, t1, sizeof t1),
                report_time(e->last_us, t2, sizeof t2));
        report_bytes_human(e->bytes, hb, sizeof hb);
        fprintf(f, "  responses     %" PRIu64 "\n  bytes served  %" PRIu64 " (%s)\n", e->responses, e->bytes, hb);
        fprintf(f, "  distinct values per kind (%s):\n", e->exact ? "ledger HyperLogLogs" : "estimated from alerts");
        for (int k = 0; k < PII__COUNT; k++)
            if (e->distinct[k]) fprintf(f, "    %-16s %" PRIu64 "\n", pii_kind_name((enum pii_kind)k), e->distinct[k]);
        fprintf(f, "  organisations %" PRIu64 "\n", e->organizations);
        for (size_t d = 0; d < e->n_domains; d++)
            fprintf(f, "    %-32s %" PRIu64 " values\n", e->domains[d].name, e->domains[d].count);
        if (e->domains_truncated) fprintf(f, "    (some alerts listed only their first domains)\n");
        fprintf(f, "  clients       %" PRIu64 " distinct\n", e->clients_distinct);
        for (size_t c = 0; c < e->n_clients; c++) {
            const struct report_client *cl = &e->clients[c];
            report_bytes_human(cl->bytes, hb, sizeof hb);
            char as[16] = "-";
            if (cl->asn) snprintf(as, sizeof as, "AS%" PRIu32, cl->asn);
            fprintf(f, "    %-39s %-2s %-9s %-24.24s %4" PRIu64 " responses %10s  %s .. %s\n", cl->ip,
                    cl->country[0] ? cl->country : "--", as, cl->as_org[0] ? cl->as_org : "-", cl->responses,
                    hb, report_time(cl->first_us, t1, sizeof t1), report_time(cl->last_us, t2, sizeof t2));
        }
        fprintf(f, "  top objects\n");
        for (size_t o = 0; o < e->n_objects && o < REPORT_TOP_OBJECTS; o++) {
            const struct report_object *ob = &e->objects[o];
            report_bytes_human(ob->bytes, hb, sizeof hb);
            fprintf(f, "    %-48s %4" PRIu64 " responses %10s  %" PRIu64 " PII values\n", ob->name, ob->responses, hb,
                    ob->pii_total);
        }
    }
}

void report_json(FILE *f, const struct report *r)
{
    struct json j;
    char t[40];
    json_init(&j);
    json_obj_open(&j);
    json_kv_cstr(&j, "source", r->source);
    json_kv_bool(&j, "from_ledger", r->from_ledger);
    json_kv_u64(&j, "alerts_read", r->alerts_read);
    json_kv_u64(&j, "alerts_unreadable", r->alerts_bad);
    json_key(&j, "endpoints");
    json_arr_open(&j);
    for (size_t i = 0; i < r->n_eps; i++) {
        const struct report_endpoint *e = &r->eps[i];
        json_obj_open(&j);
        json_kv_cstr(&j, "endpoint", e->key);
        json_kv_cstr(&j, "provider", e->provider);
        if (e->account[0]) json_kv_cstr(&j, "account", e->account);
        if (e->container[0]) json_kv_cstr(&j, "container", e->container);
        if (e->host[0]) json_kv_cstr(&j, "host", e->host);
        json_kv_cstr(&j, "first_seen", report_time(e->first_us, t, sizeof t));
        json_kv_cstr(&j, "last_seen", report_time(e->last_us, t, sizeof t));
        json_kv_u64(&j, "responses", e->responses);
        json_kv_u64(&j, "bytes", e->bytes);
        json_kv_bool(&j, "distinct_exact", e->exact);
        json_key(&j, "distinct");
        json_obj_open(&j);
        for (int k = 0; k < PII__COUNT; k++)
            if (e->distinct[k]) json_kv_u64(&j, pii_kind_name((enum pii_kind)k), e->distinct[k]);
        json_obj_close(&j);
        json_kv_u64(&j, "organizations", e->organizations);
        json_key(&j, "domains");
        json_arr_open(&j);
        for (size_t d = 0; d < e->n_domains; d++) {
            json_obj_open(&j);
            json_kv_cstr(&j, "domain", e->domains[d].name);
            json_kv_u64(&j, "values", e->domains[d].count);
            json_obj_close(&j);
        }
        json_arr_close(&j);
        json_kv_u64(&j, "clients_distinct", e->clients_distinct);
        json_key(&j, "clients");
        json_arr_open(&j);
        for (size_t c = 0; c < e->n_clients; c++) {
            const struct report_client *cl = &e->clients[c];
            json_obj_open(&j);
            json_kv_cstr(&j, "ip", cl->ip);
            if (cl->country[0]) json_kv_cstr(&j, "country", cl->country);
            if (cl->asn) json_kv_u64(&j, "asn", cl->asn);
            if (cl->as_org[0]) json_kv_cstr(&j, "as_org", cl->as_org);
            json_kv_u64(&j, "responses", cl->responses);
            json_kv_u64(&j, "bytes", cl->bytes);
            json_kv_cstr(&j, "first_seen", report_time(cl->first_us, t, sizeof t));
            json_kv_cstr(&j, "last_seen", report_time(cl->last_us, t, sizeof t));
            json_obj_close(&j);
        }
        json_arr_close(&j);
        json_key(&j, "top_objects");
        json_arr_open(&j);
        for (size_t o = 0; o < e->n_objects && o < REPORT_TOP_OBJECTS; o++) {
            const struct report_object *ob = &e->objects[o];
            json_obj_open(&j);
            json_kv_cstr(&j, "object", ob->name);
            json_kv_u64(&j, "responses", ob->responses);
            json_kv_u64(&j, "bytes", ob->bytes);
            json_kv_u64(&j, "pii_values", ob->pii_total);
            json_obj_close(&j);
        }
        json_arr_close(&j);
        json_obj_close(&j);
    }
    json_arr_close(&j);
    json_obj_close(&j);
    json_newline(&j);
    fwrite(j.buf, 1, j.len, f);
    json_free(&j);
}
