/* report_html.c -- the breach report as one self-contained HTML page.
 *
 * Inline CSS and inline SVG only: no script, font, image or style sheet is
 * fetched, so the page can be mailed to counsel or a regulator and opened
 * offline. Per endpoint: the summary figures, a timeline of cumulative bytes
 * served per client, and tables of PII kinds, organisations, clients and top
 * objects. Figures carry data-field attributes so tests can find them.
 */
#include "report.h"
#include <inttypes.h>
#include <string.h>

#define W 960
#define H 300
#define PAD_L 80
#define PAD_R 20
#define PAD_T 20
#define PAD_B 40
#define MAX_SERIES 12

static const char *const palette[MAX_SERIES] = { "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                                                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939" };

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void row_kv(FILE *f, const char *label, const char *field, const char *value)
{
    fprintf(f, "<tr><th>%s</th><td data-field=\"%s\">", label, field);
    esc(f, value);
    fputs("</td></tr>\n", f);
}

static void row_num(FILE *f, const char *label, const char *field, uint64_t v)
{
    fprintf(f, "<tr><th>%s</th><td class=\"n\" data-field=\"%s\">%" PRIu64 "</td></tr>\n", label, field, v);
}

/* Cumulative bytes per client against time, as SVG polylines (steps). */
static void timeline(FILE *f, const struct report_endpoint *e)
{
    int64_t t0 = 0, t1 = 0;
    uint64_t ymax = 0;
    size_t series = e->n_clients < MAX_SERIES ? e->n_clients : MAX_SERIES;
    for (size_t c = 0; c < series; c++) {
        const struct report_client *cl = &e->clients[c];
        uint64_t sum = 0;
        for (size_t k = 0; k < cl->n_points; k++) {
            int64_t ts = cl->points[k].ts_us;
            if (!t0 || ts < t0) t0 = ts;
            if (ts > t1) t1 = ts;
            sum += cl->points[k].bytes;
        }
        if (sum > ymax) ymax = sum;
    }
    if (!series || !ymax) {
        fputs("<p class=\"note\">No per-response data for a timeline (the alerts were not kept).</p>\n", f);
        return;
    }
    double span = (double)(t1 - t0);
    if (span <= 0) span = 1;
    char a[40], b[40];
    fprintf(f, "<svg class=\"timeline\" data-field=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"cumulative bytes served per client\">\n",
            W, H, W, H);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n", PAD_L, PAD_T,
            W - PAD_L - PAD_R, H - PAD_T - PAD_B);
    for (int g = 0; g <= 4; g++) {
        double y = PAD_T + (H - PAD_T - PAD_B) * (1.0 - g / 4.0);
        char hb[32];
        report_bytes_human(ymax * (uint64_t)g / 4, hb, sizeof hb);
        fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                   "<text x=\"%d\" y=\"%.1f\" class=\"ax\" text-anchor=\"end\">%s</text>\n",
                PAD_L, W - PAD_R, y, y, PAD_L - 6, y + 4, hb);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"ax\">%s</text><text x=\"%d\" y=\"%d\" class=\"ax\" "
               "text-anchor=\"end\">%s</text>\n",
            PAD_L, H - PAD_B + 18, report_time(t0, a, sizeof a), W - PAD_R, H - PAD_B + 18, report_time(t1, b, sizeof b));
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"ax\" text-anchor=\"middle\">time (UTC); y: cumulative bytes served</text>\n",
            (W + PAD_L) / 2, H - 6);
    for (size_t c = 0; c < series; c++) {
        const struct report_client *cl = &e->clients[c];
        fprintf(f, "<polyline class=\"series\" data-client=\"");
        esc(f, cl->ip);
        fprintf(f, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", palette[c]);
        uint64_t sum = 0;
        double px = PAD_L, py = H - PAD_B;
        fprintf(f, "%.1f,%.1f", t1 > t0 ? PAD_L + (W - PAD_L - PAD_R) * (double)(cl->points[0].ts_us - t0) / span : PAD_L,
                py);
        for (size_t k = 0; k < cl->n_points; k++) {
            sum += cl->points[k].bytes;
            double x = t1 > t0 ? PAD_L + (W - PAD_L - PAD_R) * (double)(cl->points[k].ts_us - t0) / span
                               : PAD_L + (W - PAD_L - PAD_R) * (double)(k + 1) / (double)cl->n_points;
            double y = PAD_T + (H - PAD_T - PAD_B) * (1.0 - (double)sum / (double)ymax);
            fprintf(f, " %.1f,%.1f %.1f,%.1f", x, py, x, y);
            px = x;
            py = y;
        }
        fprintf(f, " %d,%.1f\"/>\n", W - PAD_R, py);   /* the total holds to the end */
        (void)px;
    }
    fputs("</svg>\n<div class=\"legend\">", f);
    for (size_t c = 0; c < series; c++) {
        fprintf(f, "<span><i style=\"background:%s\"></i>", palette[c]);
        esc(f, e->clients[c].ip);
        fputs("</span> ", f);
    }
    if (e->n_clients > series) fprintf(f, "<span>(+%zu more clients, see the table)</span>", e->n_clients - series);
    fputs("</div>\n", f);
}

static void endpoint(FILE *f, const struct report_endpoint *e, size_t idx)
{
    char t[40], field[64];
    fprintf(f, "<section class=\"ep\" id=\"ep%zu\" data-endpoint=\"", idx);
    esc(f, e->key);
    fputs("\">\n<h2>", f);
    esc(f, e->key);
    fputs("</h2>\n<div class=\"cols\"><table class=\"kv\">\n", f);
    row_kv(f, "provider", "provider", e->provider);
    if (e->account[0]) row_kv(f, "account / bucket", "account", e->account);
    if (e->container[0]) row_kv(f, "container", "container", e->container);
    if (e->host[0]) row_kv(f, "host", "host", e->host);
    row_kv(f, "first seen", "first_seen", report_time(e->first_us, t, sizeof t));
    row_kv(f, "last seen", "last_seen", report_time(e->last_us, t, sizeof t));
    row_num(f, "responses", "responses", e->responses);
    row_num(f, "bytes served", "bytes", e->bytes);
    row_num(f, "distinct clients", "clients", e->clients_distinct);
    row_num(f, "organisations", "organizations", e->organizations);
    fputs("</table>\n<table class=\"kinds\"><tr><th>PII kind</th><th>distinct values</th></tr>\n", f);
    for (int k = 0; k < PII__COUNT; k++) {
        if (!e->distinct[k]) continue;
        snprintf(field, sizeof field, "distinct-%s", pii_kind_name((enum pii_kind)k));
        fprintf(f, "<tr><td>%s</td><td class=\"n\" data-field=\"%s\">%" PRIu64 "</td></tr>\n",
                pii_kind_name((enum pii_kind)k), field, e->distinct[k]);
    }
    fprintf(f, "</table></div>\n<p class=\"note\">Distinct counts: %s.</p>\n",
            e->exact ? "the exposure ledger's HyperLogLogs, across every sensor"
                     : "estimated from the alerts (an object served again counts once, objects add up)");
    fputs("<h3>Bytes served per client</h3>\n", f);
    timeline(f, e);
    fputs("<h3>Organisations</h3>\n", f);
    if (e->n_domains) {
        fputs("<table class=\"list\"><tr><th>domain</th><th>values</th></tr>\n", f);
        for (size_t d = 0; d < e->n_domains; d++) {
            fputs("<tr><td class=\"domain\">", f);
            esc(f, e->domains[d].name);
            fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td></tr>\n", e->domains[d].count);
        }
        fputs("</table>\n", f);
    } else {
        fputs("<p class=\"note\">No organisation domains were recorded.</p>\n", f);
    }
    fputs("<h3>Clients</h3>\n<table class=\"list clients\"><tr><th>client</th><th>country</th><th>AS</th>"
          "<th>responses</th><th>bytes</th><th>first seen</th><th>last seen</th></tr>\n", f);
    for (size_t c = 0; c < e->n_clients; c++) {
        const struct report_client *cl = &e->clients[c];
        fputs("<tr><td class=\"ip\">", f);
        esc(f, cl->ip);
        fputs("</td><td>", f);
        esc(f, cl->country[0] ? cl->country : "-");
        fputs("</td><td>", f);
        if (cl->asn) fprintf(f, "AS%" PRIu32 " ", cl->asn);
        esc(f, cl->as_org);
        fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td>%s</td>", cl->responses,
                cl->bytes, report_time(cl->first_us, t, sizeof t));
        fprintf(f, "<td>%s</td></tr>\n", report_time(cl->last_us, t, sizeof t));
    }
    fputs("</table>\n<h3>Top objects</h3>\n<table class=\"list objects\"><tr><th>object</th><th>responses</th>"
          "<th>bytes</th><th>PII values</th></tr>\n", f);
    for (size_t o = 0; o < e->n_objects && o < REPORT_TOP_OBJECTS; o++) {
        const struct report_object *ob = &e->objects[o];
        fputs("<tr><td class=\"obj\">", f);
        esc(f, ob->name);
        fprintf(f, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
                   "</td></tr>\n",
                ob->responses, ob->bytes, ob->pii_total);
    }
    fputs("</table>\n</section>\n", f);
}

void report_html(FILE *f, const struct report *r)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "img-src data:\">\n<title>bleedwatch breach report</title>\n<style>\n"
          "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}\n"
          "h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #d62728;padding-bottom:4px;margin-top:32px}\n"
          "h3{font-size:15px;margin:18px 0 6px}table{border-collapse:collapse;margin:4px 0}\n"
          "th,td{padding:3px 10px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}\n"
          "td.n{text-align:right;font-variant-numeric:tabular-nums}.kv th{color:#555;font-weight:normal}\n"
          ".cols{display:flex;gap:40px;flex-wrap:wrap;align-items:flex-start}.note{color:#666;font-size:12px}\n"
          ".ax{font-size:11px;fill:#555}.legend span{margin-right:14px;font-size:12px}\n"
          ".legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}\n"
          "</style></head><body>\n<h1>bleedwatch breach report</h1>\n<p>Source: ", f);
    esc(f, r->source);
    fprintf(f, ". <span data-field=\"endpoints\">%zu</span> exposed endpoint%s", r->n_eps, r->n_eps == 1 ? "" : "s");
    if (r->alerts_read) fprintf(f, ", %" PRIu64 " alerts read", r->alerts_read);
    fputs(".</p>\n<p class=\"note\">What personal data was served to clients that presented no credential, to "
          "whom and when: the facts an owner needs to notify customers and regulators. No raw personal data is in "
          "this report: counts only.</p>\n", f);
    if (r->n_eps > 1) {   /* the overview: one line per endpoint, most bytes first */
        fputs("<h2>Overview</h2>\n<table class=\"list overview\"><tr><th>endpoint</th><th>first seen</th>"
              "<th>last seen</th><th>responses</th><th>bytes</th><th>clients</th><th>organisations</th>"
              "<th>distinct values</th></tr>\n", f);
        for (size_t i = 0; i < r->n_eps; i++) {
            const struct report_endpoint *e = &r->eps[i];
            char t1[40], t2[40];
            uint64_t values = 0;
            for (int k = 0; k < PII__COUNT; k++) values += e->distinct[k];
            fprintf(f, "<tr><td><a href=\"#ep%zu\">", i);
            esc(f, e->key);
            fprintf(f, "</a></td><td>%s</td><td>%s</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
                       "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
                       "</td></tr>\n",
                    report_time(e->first_us, t1, sizeof t1), report_time(e->last_us, t2, sizeof t2), e->responses,
                    e->bytes, e->clients_distinct, e->organizations, values);
        }
        fputs("</table>\n", f);
    }
    for (size_t i = 0; i < r->n_eps; i++) endpoint(f, &r->eps[i], i);
    fputs("</body></html>\n", f);
}
