/* report.c -- `bleedwatch report`: command line, sources, aggregation (see report.h). */
#include "report.h"
#include "ledger.h"
#include "redis_url.h"
#include <errno.h>
#include <stdarg.h>
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPORT_MAX_FILES 64
#define REPORT_LINE_MAX (16u << 20)     /* longest alert line read */

/* ---- aggregation ---- */

/* "2022-09-19T09:00:00.001199Z" -> microseconds since the epoch; 0 if unreadable. */
static int64_t parse_iso(const char *s)
{
    if (!s) return 0;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec, &n) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t us = (int64_t)timegm(&tm) * 1000000;
    if (s[n] == '.') {
        int64_t scale = 100000;
        for (const char *d = s + n + 1; *d >= '0' && *d <= '9' && scale; d++, scale /= 10) us += (*d - '0') * scale;
    }
    return us;
}

static void *grow(void *arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return arr;
    size_t nc = *cap ? *cap * 2 : 8;
    void *p = realloc(arr, nc * size);
    if (!p) {
        fprintf(stderr, "bleedwatch report: out of memory\n");
        exit(1);
    }
    memset((char *)p + *cap * size, 0, (nc - *cap) * size);
    *cap = nc;
    return p;
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

static struct report_endpoint *endpoint_get(struct report *r, const char *provider, const char *account,
                                            const char *container)
{
    struct ledger_update u = { .provider = provider,
                               .account = account && *account ? account : NULL,
                               .container = container && *container ? container : NULL };
    char key[1024];
    if (ledger_endpoint(&u, key, sizeof key) < 0) return NULL;
    for (size_t i = 0; i < r->n_eps; i++)
        if (strcmp(r->eps[i].key, key) == 0) return &r->eps[i];
    r->eps = grow(r->eps, &r->cap_eps, r->n_eps, sizeof *r->eps);
    struct report_endpoint *e = &r->eps[r->n_eps++];
    copy(e->key, sizeof e->key, key);
    copy(e->provider, sizeof e->provider, provider);
    copy(e->account, sizeof e->account, account);
    copy(e->container, sizeof e->container, container);
    return e;
}

static struct report_client *client_get(struct report_endpoint *e, const char *ip)
{
    for (size_t i = 0; i < e->n_clients; i++)
        if (strcmp(e->clients[i].ip, ip) == 0) return &e->clients[i];
    e->clients = grow(e->clients, &e->cap_clients, e->n_clients, sizeof *e->clients);
    struct report_client *c = &e->clients[e->n_clients++];
    copy(c->ip, sizeof c->ip, ip);
    return c;
}

static struct report_object *object_get(struct report_endpoint *e, const char *name)
{
    for (size_t i = 0; i < e->n_objects; i++)
        if (strcmp(e->objects[i].name, name) == 0) return &e->objects[i];
    e->objects = grow(e->objects, &e->cap_objects, e->n_objects, sizeof *e->objects);
    struct report_object *o = &e->objects[e->n_objects++];
    copy(o->name, sizeof o->name, name);
    return o;
}

static void span(int64_t *first, int64_t *last, int64_t ts)
{
    if (!ts) return;
    if (!*first || ts < *first) *first = ts;
    if (ts > *last) *last = ts;
}

int report_add_alert(struct report *r, const struct rj *a)
{
    /* ECS is the default layout; OCSF keeps the same names under unmapped */
    bool ocsf = rj_get(a, "class_uid") != NULL;
    const struct rj *bw = rj_get(a, ocsf ? "unmapped.bleedwatch" : "bleedwatch");
    const char *provider = rj_str(bw, "storage.provider", NULL);
    if (!provider || !strcmp(provider, "unknown")) return -1;
    struct report_endpoint *e = endpoint_get(r, provider, rj_str(bw, "storage.account", NULL),
                                             rj_str(bw, "storage.container", NULL));
    if (!e) return -1;
    e->alerts_seen++;

    int64_t ts = ocsf ? (int64_t)(rj_num(a, "time", 0) * 1000) : parse_iso(rj_str(a, "@timestamp", NULL));
    double b = ocsf ? rj_num(a, "unmapped.http.body_bytes", 0) : rj_num(a, "http.response.body.bytes", 0);
    uint64_t bytes = b > 0 ? (uint64_t)b : 0;
    const char *host = rj_str(a, ocsf ? "dst_endpoint.hostname" : "url.domain", NULL);
    if (host && !e->host[0]) copy(e->host, sizeof e->host, host);
    if (!e->exact) {
        span(&e->first_us, &e->last_us, ts);
        e->responses++;
        e->bytes += bytes;
    }

    const char *ip = rj_str(a, ocsf ? "src_endpoint.ip" : "source.ip", "?");
    struct report_client *c = client_get(e, ip);
    const char *cc = rj_str(a, ocsf ? "src_endpoint.location.country" : "source.geo.country_iso_code", NULL);
    if (cc && !c->country[0]) copy(c->country, sizeof c->country, cc);
    double asn = rj_num(a, ocsf ? "src_endpoint.autonomous_system.number" : "source.as.number", 0);
    if (asn > 0 && !c->asn) c->asn = (uint32_t)asn;
    const char *org = rj_str(a, ocsf ? "src_endpoint.autonomous_system.name" : "source.as.organization.name", NULL);
    if (org && !c->as_org[0]) copy(c->as_org, sizeof c->as_org, org);
    c->responses++;
    c->bytes += bytes;
    span(&c->first_us, &c->last_us, ts);
    if (c->n_points < REPORT_MAX_POINTS) {
        c->points = grow(c->points, &c->cap_points, c->n_points, sizeof *c->points);
        c->points[c->n_points++] = (struct report_point){ ts, bytes };
    }

    const char *oname = rj_str(bw, "storage.object", NULL);
    struct report_object *o = object_get(e, oname && *oname ? oname : "(listing or root)");
    o->responses++;
    o->bytes += bytes;
    o->pii_total += (uint64_t)rj_num(bw, "pii.total", 0);
    for (int k = 0; k < PII__COUNT; k++) {
        char path[64];
        snprintf(path, sizeof path, "pii.kinds.%s.distinct", pii_kind_name((enum pii_kind)k));
        uint64_t d = (uint64_t)rj_num(bw, path, 0);
        if (d > o->distinct_max[k]) o->distinct_max[k] = d;
    }
    const struct rj *doms = rj_get(bw, "organization_domains");
    for (const struct rj *d = doms && doms->type == RJ_ARR && !e->exact ? doms->child : NULL; d; d = d->next) {
        const char *name = rj_str(d, "domain", NULL);
        if (!name) continue;
        size_t k = 0;
        while (k < e->n_domains && strcmp(e->domains[k].name, name)) k++;
        if (k == e->n_domains) {
            e->domains = grow(e->domains, &e->cap_domains, e->n_domains, sizeof *e->domains);
            copy(e->domains[e->n_domains++].name, sizeof e->domains[k].name, name);
        }
        e->domains[k].count += (uint64_t)rj_num(d, "values", 0);
    }
    const struct rj *trunc = rj_get(bw, "organization_domains_truncated");
    if (trunc && trunc->type == RJ_BOOL && trunc->num) e->domains_truncated = true;
    uint64_t orgs = (uint64_t)rj_num(bw, "pii.organizations", 0);
    if (orgs > o->orgs_max) o->orgs_max = orgs;
    return 0;
}

static int cmp_client(const void *x, const void *y)
{
    const struct report_client *a = x, *b = y;
    if (a->bytes != b->bytes) return a->bytes < b->bytes ? 1 : -1;
    return strcmp(a->ip, b->ip);
}

static int cmp_object(const void *x, const void *y)
{
    const struct report_object *a = x, *b = y;
    if (a->bytes != b->bytes) return a->bytes < b->bytes ? 1 : -1;
    return strcmp(a->name, b->name);
}

static int cmp_endpoint(const void *x, const void *y)
{
    const struct report_endpoint *a = x, *b = y;
    if (a->bytes != b->bytes) return a->bytes < b->bytes ? 1 : -1;
    return strcmp(a->key, b->key);
}

static int cmp_domain(const void *x, const void *y)
{
    const struct report_domain *a = x, *b = y;
    if (a->count != b->count) return a->count < b->count ? 1 : -1;
    return strcmp(a->name, b->name);
}

static int cmp_point(const void *x, const void *y)
{
    const struct report_point *a = x, *b = y;
    return a->ts_us < b->ts_us ? -1 : a->ts_us > b->ts_us;
}

void report_finish(struct report *r)
{
    for (size_t i = 0; i < r->n_eps; i++) {
        struct report_endpoint *e = &r->eps[i];
        if (!e->exact) {
            memset(e->distinct, 0, sizeof e->distinct);
            e->organizations = 0;
            for (size_t k = 0; k < e->n_objects; k++) {
                for (int p = 0; p < PII__COUNT; p++) e->distinct[p] += e->objects[k].distinct_max[p];
                e->organizations += e->objects[k].orgs_max;
            }
            e->clients_distinct = e->n_clients;
            /* the union of the listed domains is exact; without lists, or past a
             * truncated one, keep the larger of the two */
            if (e->n_domains && (!e->domains_truncated || e->n_domains > e->organizations))
                e->organizations = e->n_domains;
            if (e->n_domains > 1) qsort(e->domains, e->n_domains, sizeof *e->domains, cmp_domain);
        }
        /* qsort's base must not be NULL, even for no elements */
        if (e->n_clients > 1) qsort(e->clients, e->n_clients, sizeof *e->clients, cmp_client);
        if (e->n_objects > 1) qsort(e->objects, e->n_objects, sizeof *e->objects, cmp_object);
        for (size_t k = 0; k < e->n_clients; k++)
            if (e->clients[k].n_points > 1)
                qsort(e->clients[k].points, e->clients[k].n_points, sizeof *e->clients[k].points, cmp_point);
    }
    if (r->n_eps > 1) qsort(r->eps, r->n_eps, sizeof *r->eps, cmp_endpoint);
}

void report_free(struct report *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_eps; i++) {
        struct report_endpoint *e = &r->eps[i];
        for (size_t k = 0; k < e->n_clients; k++) free(e->clients[k].points);
        free(e->clients);
        free(e->objects);
        free(e->domains);
    }
    free(r->eps);
    memset(r, 0, sizeof *r);
}

/* ---- sources ---- */

/* One alert line; blank lines are skipped, a bad line is counted. */
static void add_line(struct report *r, const char *line, size_t len)
{
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
    if (i == len) return;
    struct rj *v = rj_parse(line, len);
    r->alerts_read++;
    if (!v || v->type != RJ_OBJ || report_add_alert(r, v) < 0) r->alerts_bad++;
    rj_free(v);
}

static int load_file(struct report *r, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bleedwatch report: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        if ((size_t)n > REPORT_LINE_MAX) { r->alerts_read++; r->alerts_bad++; continue; }
        add_line(r, line, (size_t)n);
    }
    free(line);
    if (f != stdin) fclose(f);
    return 0;
}

static redisReply *cmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *rep = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (rep && rep->type == REDIS_REPLY_ERROR) {
        fprintf(stderr, "bleedwatch report: redis: %s\n", rep->str);
        freeReplyObject(rep);
        return NULL;
    }
    return rep;
}

static uint64_t pfcount(redisContext *c, const char *key)
{
    redisReply *rep = cmd(c, "PFCOUNT %s", key);
    uint64_t n = rep && rep->type == REDIS_REPLY_INTEGER && rep->integer > 0 ? (uint64_t)rep->integer : 0;
    freeReplyObject(rep);
    return n;
}

/* %-decode a ledger endpoint part. */
static void unescape(char *dst, size_t cap, const char *src, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned v;
        if (src[i] == '%' && i + 2 < n && sscanf(src + i + 1, "%2x", &v) == 1) {
            dst[o++] = (char)v;
            i += 2;
        } else {
            dst[o++] = src[i];
        }
    }
    dst[o] = 0;
}

static void load_ledger_endpoint(struct report *r, redisContext *c, const char *prefix, const char *ep)
{
    const char *parts[3] = { ep, NULL, NULL };
    size_t lens[3] = { strlen(ep), 0, 0 };
    for (int i = 0; i < 2; i++) {
        const char *slash = memchr(parts[i], '/', lens[i]);
        if (!slash) break;
        parts[i + 1] = slash + 1;
        lens[i + 1] = lens[i] - (size_t)(slash + 1 - parts[i]);
        lens[i] = (size_t)(slash - parts[i]);
    }
    char prov[64], acct[256], cont[256];
    unescape(prov, sizeof prov, parts[0], lens[0]);
    unescape(acct, sizeof acct, parts[1] ? parts[1] : "", lens[1]);
    unescape(cont, sizeof cont, parts[2] ? parts[2] : "", lens[2]);
    struct report_endpoint *e = endpoint_get(r, prov, acct, cont);
    if (!e) return;
    e->exact = true;
    char key[1200], sub[1300];
    snprintf(key, sizeof key, "%s:exposed:%s", prefix, ep);
    redisReply *h = cmd(c, "HGETALL %s", key);
    if (h && h->type == REDIS_REPLY_ARRAY) {
        for (size_t i = 0; i + 1 < h->elements; i += 2) {
            const char *f = h->element[i]->str, *v = h->element[i + 1]->str;
            if (!f || !v) continue;
            if (!strcmp(f, "first_seen")) e->first_us = parse_iso(v);
            else if (!strcmp(f, "last_seen")) e->last_us = parse_iso(v);
            else if (!strcmp(f, "responses")) e->responses = strtoull(v, NULL, 10);
            else if (!strcmp(f, "bytes")) e->bytes = strtoull(v, NULL, 10);
        }
    }
    freeReplyObject(h);
    for (int k = 0; k < PII__COUNT; k++) {
        snprintf(sub, sizeof sub, "%s:%s", key, pii_kind_name((enum pii_kind)k));
        e->distinct[k] = pfcount(c, sub);
    }
    snprintf(sub, sizeof sub, "%s:organizations", key);
    e->organizations = pfcount(c, sub);
    snprintf(sub, sizeof sub, "%s:clients", key);
    e->clients_distinct = pfcount(c, sub);
    snprintf(sub, sizeof sub, "%s:domains", key);
    redisReply *z = cmd(c, "ZREVRANGE %s 0 -1 WITHSCORES", sub);
    if (z && z->type == REDIS_REPLY_ARRAY && z->elements >= 2) {
        e->domains = calloc(z->elements / 2, sizeof *e->domains);
        for (size_t i = 0; e->domains && i + 1 < z->elements; i += 2) {
            struct report_domain *d = &e->domains[e->n_domains++];
            copy(d->name, sizeof d->name, z->element[i]->str);
            d->count = z->element[i + 1]->str ? strtoull(z->element[i + 1]->str, NULL, 10) : 0;
        }
    }
    freeReplyObject(z);
}

/* The alerts kept under P:alerts (list or stream) give the clients, objects and timeline. */
static void load_alert_key(struct report *r, redisContext *c, const char *prefix)
{
    char key[600];
    snprintf(key, sizeof key, "%s:alerts", prefix);
    redisReply *t = cmd(c, "TYPE %s", key);
    bool list = t && t->str && !strcmp(t->str, "list"), stream = t && t->str && !strcmp(t->str, "stream");
    freeReplyObject(t);
    if (list) {
        redisReply *l = cmd(c, "LRANGE %s 0 -1", key);
        for (size_t i = 0; l && l->type == REDIS_REPLY_ARRAY && i < l->elements; i++)
            if (l->element[i]->str) add_line(r, l->element[i]->str, l->element[i]->len);
        freeReplyObject(l);
    } else if (stream) {
        char from[64] = "-";
        for (;;) {   /* in pages: a long stream is not one reply */
            redisReply *x = cmd(c, "XRANGE %s %s + COUNT 1000", key, from);
            if (!x || x->type != REDIS_REPLY_ARRAY || x->elements == 0) { freeReplyObject(x); break; }
            for (size_t i = 0; i < x->elements; i++) {
                redisReply *entry = x->element[i];
                if (entry->type != REDIS_REPLY_ARRAY || entry->elements < 2) continue;
                redisReply *fv = entry->element[1];
                for (size_t k = 0; k + 1 < fv->elements; k += 2)
                    if (fv->element[k]->str && !strcmp(fv->element[k]->str, "alert") && fv->element[k + 1]->str)
                        add_line(r, fv->element[k + 1]->str, fv->element[k + 1]->len);
                if (i + 1 == x->elements && entry->element[0]->str)
                    snprintf(from, sizeof from, "(%s", entry->element[0]->str);
            }
            size_t n = x->elements;
            freeReplyObject(x);
            if (n < 1000) break;
        }
    }
}

static int load_redis(struct report *r, const char *url, const char *pwfile, const char *prefix)
{
    struct redis_url u;
    char err[512];
    if (redis_url_parse(url, &u, err, sizeof err) < 0 ||
        (pwfile && redis_url_password_file(&u, pwfile, err, sizeof err) < 0)) {
        fprintf(stderr, "bleedwatch report: %s\n", err);
        return -2;
    }
    if (!pwfile) redis_url_password_env(&u);
    redis_url_printable(&u, r->source, sizeof r->source);
    struct timeval tv = { 5, 0 };
    redisContext *c = u.kind == REDIS_URL_UNIX ? redisConnectUnixWithTimeout(u.path, tv)
                                               : redisConnectWithTimeout(u.host, u.port, tv);
    if (!c || c->err) {
        fprintf(stderr, "bleedwatch report: cannot connect to %s: %s\n", r->source, c ? c->errstr : "out of memory");
        redisFree(c);
        redis_url_wipe(&u);
        return -1;
    }
    redisSetTimeout(c, tv);
    redisReply *rep = NULL;
    if (u.has_password) {
        rep = u.user[0] ? redisCommand(c, "AUTH %s %s", u.user, u.password) : redisCommand(c, "AUTH %s", u.password);
        redis_url_wipe(&u);
        if (!rep || rep->type == REDIS_REPLY_ERROR) {
            fprintf(stderr, "bleedwatch report: %s: authentication refused\n", r->source);
            freeReplyObject(rep);
            redisFree(c);
            return -1;
        }
        freeReplyObject(rep);
    }
    if (u.db && !(rep = cmd(c, "SELECT %u", u.db))) {
        redisFree(c);
        return -1;
    }
    freeReplyObject(rep);
    char key[600];
    snprintf(key, sizeof key, "%s:endpoints", prefix);
    redisReply *m = cmd(c, "SMEMBERS %s", key);
    if (!m) {
        redisFree(c);
        return -1;
    }
    for (size_t i = 0; m->type == REDIS_REPLY_ARRAY && i < m->elements; i++)
        if (m->element[i]->str) load_ledger_endpoint(r, c, prefix, m->element[i]->str);
    freeReplyObject(m);
    r->from_ledger = true;
    load_alert_key(r, c, prefix);
    redisFree(c);
    return 0;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: bleedwatch report [--redis URL [--redis-prefix P] [--redis-password-file F]]\n"
        "                         [--alerts FILE ...] [FILE ...] [--format text|json|html] [-o FILE]\n"
        "\n"
        "The breach report per exposed endpoint: provider and resource, first and last seen,\n"
        "responses and bytes served, distinct people per PII kind, organisations and their\n"
        "domains, clients with country/ASN, top objects, timeline of bytes per client.\n"
        "\n"
        "  --redis URL                 the exposure ledger (and the alerts list/stream) in Redis\n"
        "  --redis-prefix PREFIX       key prefix (default bleedwatch)\n"
        "  --redis-password-file FILE  password (mode 0600); else the URL or REDISCLI_AUTH\n"
        "  --alerts FILE               alert JSONL written by --alerts ('-' = stdin); repeatable\n"
        "  --format FORMAT             text (default), json or html (one self-contained page)\n"
        "  -o, --output FILE           write to FILE instead of stdout\n"
        "  -h, --help                  this help\n"
        "\n"
        "Distinct counts from Redis are the ledger's HyperLogLogs across every sensor; from\n"
        "alert files they are estimated (an object served again counts once; different\n"
        "objects add up) and organisation domains are not known.\n"
        "exit status: 0 ok, 1 cannot read the source, 2 usage error\n");
}

int report_main(int argc, char **argv)
{
    const char *redis = NULL, *prefix = "bleedwatch", *pwfile = NULL, *format = "text", *out = NULL;
    const char *files[REPORT_MAX_FILES];
    int n_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (!strcmp(a, "--redis")) dst = &redis;
        else if (!strcmp(a, "--redis-prefix")) dst = &prefix;
        else if (!strcmp(a, "--redis-password-file")) dst = &pwfile;
        else if (!strcmp(a, "--format")) dst = &format;
        else if (!strcmp(a, "-o") || !strcmp(a, "--output")) dst = &out;
        else if (!strcmp(a, "--alerts") || (a[0] != '-' || !strcmp(a, "-"))) {
            if (!strcmp(a, "--alerts") && ++i >= argc) {
                fprintf(stderr, "bleedwatch report: --alerts needs a value (see bleedwatch report --help)\n");
                return 2;
            }
            if (n_files >= REPORT_MAX_FILES) {
                fprintf(stderr, "bleedwatch report: at most %d alert files\n", REPORT_MAX_FILES);
                return 2;
            }
            files[n_files++] = argv[i];
            continue;
        } else {
            fprintf(stderr, "bleedwatch report: unknown option '%s' (see bleedwatch report --help)\n", a);
            return 2;
        }
        if (++i >= argc) {
            fprintf(stderr, "bleedwatch report: %s needs a value (see bleedwatch report --help)\n", a);
            return 2;
        }
        *dst = argv[i];
    }
    if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "html")) {
        fprintf(stderr, "bleedwatch report: --format: '%s' is not text, json or html\n", format);
        return 2;
    }
    if (!redis && !n_files) {
        fprintf(stderr, "bleedwatch report: nothing to read: give --redis URL or an alerts file\n");
        return 2;
    }
    struct report r;
    memset(&r, 0, sizeof r);
    int rc = 0;
    if (redis) {
        int lr = load_redis(&r, redis, pwfile, prefix);
        if (lr < 0) rc = lr == -2 ? 2 : 1;
    }
    size_t o = strlen(r.source);
    for (int i = 0; !rc && i < n_files; i++) {
        if (load_file(&r, files[i]) < 0) rc = 1;
        o += (size_t)snprintf(r.source + o, o < sizeof r.source ? sizeof r.source - o : 0, "%s%s",
                              o ? ", " : "", files[i]);
        if (o >= sizeof r.source) o = sizeof r.source - 1;
    }
    FILE *f = stdout;
    if (!rc && out && !(f = fopen(out, "w"))) {
        fprintf(stderr, "bleedwatch report: cannot write %s: %s\n", out, strerror(errno));
        rc = 1;
    }
    if (!rc) {
        report_finish(&r);
        if (!strcmp(format, "json")) report_json(f, &r);
        else if (!strcmp(format, "html")) report_html(f, &r);
        else report_text(f, &r);
        if (f != stdout && fclose(f) != 0) {
            fprintf(stderr, "bleedwatch report: cannot write %s: %s\n", out, strerror(errno));
            rc = 1;
        }
    }
    report_free(&r);
    return rc;
}
