/* report.h -- `bleedwatch report`: the breach report per exposed endpoint.
 *
 * What an owner needs to notify customers and regulators within 72 hours,
 * from the Redis exposure ledger (--redis URL) or from alert JSONL files
 * (--alerts FILE, for offline replays): per exposed endpoint its provider and
 * resource, first and last seen, responses and bytes served, distinct people
 * per PII kind, distinct organisations with their domains, distinct clients
 * with country/ASN, the top objects, and a timeline of bytes served per
 * client. Output: text for a terminal, JSON, or one self-contained HTML page
 * (inline CSS and SVG, no network fetch).
 *
 * Distinct counts from Redis are the ledger's HyperLogLogs (exact for the
 * small counts of one leak, within 0.81% beyond), merged across every sensor.
 * From alert files they are estimated: an object served several times counts
 * once (its largest per-response count), and different objects add up, which
 * is exact when no value appears in two objects and an upper bound otherwise.
 * Organisations are the union of the domains the alerts list (exact unless an
 * alert listed only its first ALERT_MAX_DOMAINS); a domain's "values" are
 * summed over responses, as the ledger's ZINCRBY does.
 *
 * Files: report.c (command line, loading, aggregation), report_json.c (a small
 * JSON reader for alert lines), report_out.c (text and JSON), report_html.c.
 */
#ifndef BW_REPORT_H
#define BW_REPORT_H

#include "pii.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- report_json.c: a parsed JSON value (one alert line) ---- */

enum rj_type { RJ_NULL, RJ_BOOL, RJ_NUM, RJ_STR, RJ_ARR, RJ_OBJ };

struct rj {
    enum rj_type type;
    char *key;              /* member name inside an object, else NULL */
    char *str;              /* RJ_STR: decoded, NUL-terminated */
    double num;             /* RJ_NUM (and RJ_BOOL: 0/1) */
    struct rj *child;       /* first member/element */
    struct rj *next;        /* next sibling */
};

#define RJ_MAX_DEPTH 64

/* Parse the JSON text (p, len) into a tree. Returns NULL when the text is not
 * one JSON value (trailing white space allowed), nesting is deeper than
 * RJ_MAX_DEPTH, or memory runs out. Free with rj_free(). */
struct rj *rj_parse(const char *p, size_t len);
void rj_free(struct rj *v);

/* The value at a dotted path of member names ("bleedwatch.storage.provider"),
 * or NULL. */
const struct rj *rj_get(const struct rj *v, const char *path);
/* Shorthands: the string / number at path, or dflt when absent or of another type. */
const char *rj_str(const struct rj *v, const char *path, const char *dflt);
double rj_num(const struct rj *v, const char *path, double dflt);

/* ---- report.c: the aggregate ---- */

#define REPORT_TOP_OBJECTS 10
#define REPORT_MAX_POINTS 2000      /* timeline points per client kept */

struct report_point {
    int64_t ts_us;
    uint64_t bytes;
};

struct report_client {
    char ip[64];
    char country[8];
    uint32_t asn;
    char as_org[128];
    uint64_t responses, bytes;
    int64_t first_us, last_us;
    struct report_point *points;    /* ordered by time when printed */
    size_t n_points, cap_points;
};

struct report_object {
    char name[512];
    uint64_t responses, bytes;
    uint64_t pii_total;
    uint64_t distinct_max[PII__COUNT];  /* largest per-response distinct count */
    uint64_t orgs_max;
};

struct report_domain {
    char name[256];
    uint64_t count;
};

struct report_endpoint {
    char key[1024];                 /* provider/account/container, as in the ledger */
    char provider[64], account[256], container[256], host[256];
    int64_t first_us, last_us;
    uint64_t responses, bytes;
    uint64_t distinct[PII__COUNT];  /* distinct values per kind */
    uint64_t organizations, clients_distinct;
    bool exact;                     /* distinct counts from the ledger */
    struct report_domain *domains;  /* by count, descending */
    size_t n_domains, cap_domains;
    bool domains_truncated;         /* an alert listed only its first domains */
    struct report_client *clients;
    size_t n_clients, cap_clients;
    struct report_object *objects;
    size_t n_objects, cap_objects;
    uint64_t alerts_seen;           /* alert records read for this endpoint */
};

struct report {
    char source[1100];              /* "redis://..." (printable) or the files read */
    struct report_endpoint *eps;
    size_t n_eps, cap_eps;
    uint64_t alerts_read, alerts_bad;
    bool from_ledger;
};

/* Add one alert (ECS or OCSF layout) to r. Returns 0, or -1 when it names no
 * storage provider (not counted). */
int report_add_alert(struct report *r, const struct rj *alert);

/* Sort endpoints (bytes served, descending), their clients and objects, and
 * derive the alert-based distinct estimates where no ledger gave counts. */
void report_finish(struct report *r);

void report_free(struct report *r);

/* ---- report_out.c, report_html.c ---- */

/* "2022-09-19T09:00:00Z" (seconds) into buf (at least 32 bytes); "-" for 0. */
const char *report_time(int64_t us, char *buf, size_t len);

/* "950 B", "17.3 kB", "4.2 MB", "1.1 GB" (powers of 1000) into buf. */
void report_bytes_human(uint64_t b, char *buf, size_t len);

/* Write the finished report r (see report_finish) to f: report_text for a
 * terminal, report_json as one JSON object and a newline (the fields of the
 * text, "distinct_exact" telling ledger counts from estimates), report_html as
 * one self-contained page. Counts only: nothing in r is personal data. */
void report_text(FILE *f, const struct report *r);
void report_json(FILE *f, const struct report *r);
void report_html(FILE *f, const struct report *r);

/* The sub-command: argv[0] is "report". Exit status 0, 1 (cannot read the
 * source) or 2 (usage). */
int report_main(int argc, char **argv);

#endif
