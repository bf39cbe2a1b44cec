/* loadgen -- synthetic load for `make bench` and the memory figures: writes
 * an Ethernet/IPv4/TCP capture (valid checksums) of a chosen size and mix.
 *
 *   loadgen -o FILE [--size BYTES] [--mix http|idle] [--idle-flows N]
 *           [--seed S] [--concurrency K] [--elephant-bytes BYTES]
 *
 * --mix http (default): many small HTTP/1.1 flows against Azure-Blob-looking
 *   servers (1 to 6 keep-alive transactions each: JSON catalogue bodies
 *   without PII, small CSV exports with a few contacts, 404 refusals), and a
 *   few elephant flows: one GET of a large, PII-dense CSV (names, e-mails,
 *   phones, Luhn-valid card numbers, valid IBANs), about 40% of the bytes.
 *   K flows (default 64) are interleaved packet by packet; clients ACK every
 *   second segment; every flow ends with a FIN exchange.
 * --mix idle: only idle flows.
 * --idle-flows N: first N concurrent idle TCP flows (handshake plus one small
 *   request without answer, never closed), all within a few seconds of
 *   capture time, then the mix. Default 0 for http, 1000000 for idle.
 * --idle-request no: idle flows are the handshake only (no payload);
 *   answered: the request gets a small answer (404, no body) and the flow
 *   stays open, idle between transactions as a keep-alive flow is.
 * --gap-us N: capture time between packets (default 5 us, 200k packets/s);
 *   larger spreads the capture over time, past the sensor's flow timeouts.
 * --size BYTES: stop starting flows once the file holds BYTES (default 64M);
 *   flows under way are finished, so the file ends a little past it.
 *
 * Deterministic: the same arguments write the same bytes (xorshift PRNG,
 * fixed start time, fixed time between packets). Prints a summary on stderr. */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSS 1448u

enum kind { K_SMALL, K_ELEPHANT, K_IDLE };
enum phase { P_SYN, P_SYNACK, P_ACK, P_REQ, P_RESP, P_FIN1, P_FIN2, P_FIN3, P_DONE };

struct buf {
    uint8_t *p;
    size_t len, cap;
};

struct conn {
    uint32_t cip, sip;
    uint16_t cport, sport;
    uint32_t cseq, sseq;          /* next sequence number of each side */
    enum kind kind;
    enum phase phase;
    unsigned txns_left, acct, n;  /* n: flow ordinal */
    bool live;                    /* a slot of the interleaving in use */
    struct buf msg;               /* the message being sent */
    size_t off;
    unsigned since_ack;
};

struct gen {
    pcap_dumper_t *d;
    uint64_t rng;
    uint64_t ts_us;
    uint64_t file_bytes, packets, flows, txns, elephant_bytes, pii_bodies;
    bool idle_request;            /* idle flows send one request (else: handshake only) */
    bool idle_answered;           /* ... and get its answer */
    unsigned gap_us;              /* capture time between packets */
    uint8_t frame[14 + 20 + 20 + MSS];
};

/* ---- helpers ---- */

static uint64_t rnd(struct gen *g)
{
    uint64_t x = g->rng;
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    return g->rng = x;
}
static unsigned rndn(struct gen *g, unsigned n) { return (unsigned)(rnd(g) % n); }

static void b_reserve(struct buf *b, size_t more)
{
    if (b->len + more <= b->cap) return;
    size_t c = b->cap ? b->cap : 4096;
    while (c < b->len + more) c *= 2;
    if (!(b->p = realloc(b->p, c))) { perror("loadgen"); exit(1); }
    b->cap = c;
}

static void b_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void b_printf(struct buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->len;
        int n = vsnprintf(room ? (char *)b->p + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) exit(1);
        if ((size_t)n < room) { b->len += (size_t)n; return; }
        b_reserve(b, (size_t)n + 1);
    }
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) s += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1) s += (uint32_t)p[n - 1] << 8;
    return s;
}
static uint16_t csum_fold(uint32_t s)
{
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

enum { F_FIN = 1, F_SYN = 2, F_RST = 4, F_PSH = 8, F_ACK = 16 };

/* One frame from the client (dir 0) or the server (dir 1); advances seq. */
static void emit(struct gen *g, struct conn *c, int dir, uint8_t flags, const uint8_t *pl, size_t n)
{
    uint8_t *f = g->frame;
    static const uint8_t mac_c[6] = { 2, 0, 0, 0, 0, 1 }, mac_s[6] = { 2, 0, 0, 0, 0, 2 };
    memcpy(f, dir ? mac_c : mac_s, 6);
    memcpy(f + 6, dir ? mac_s : mac_c, 6);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14, *tcp = ip + 20;
    uint32_t src = dir ? c->sip : c->cip, dst = dir ? c->cip : c->sip;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(40 + n));
    put16(ip + 4, (uint16_t)g->packets);
    ip[6] = 0x40;                      /* DF */
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
    uint32_t *seq = dir ? &c->sseq : &c->cseq, ack = dir ? c->cseq : c->sseq;
    memset(tcp, 0, 20);
    put16(tcp, dir ? c->sport : c->cport);
    put16(tcp + 2, dir ? c->cport : c->sport);
    put32(tcp + 4, *seq);
    put32(tcp + 8, (flags & F_ACK) ? ack : 0);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    put16(tcp + 14, 65535);
    if (n) memcpy(tcp + 20, pl, n);
    uint32_t s = csum_add(0, ip + 12, 8) + 6 + (uint32_t)(20 + n);
    s = csum_add(s, tcp, 20 + n);
    put16(tcp + 16, csum_fold(s));
    *seq += (uint32_t)n + ((flags & (F_SYN | F_FIN)) ? 1u : 0u);

    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)(g->ts_us / 1000000u);
    h.ts.tv_usec = (suseconds_t)(g->ts_us % 1000000u);
    h.caplen = h.len = (bpf_u_int32)(54 + n);
    pcap_dump((u_char *)g->d, &h, f);
    g->ts_us += g->gap_us;
    g->packets++;
    g->file_bytes += 16 + 54 + n;
}

/* ---- content ---- */

static const char *const firsts[] = { "Emma", "Liam", "Sophie", "Noah", "Julia", "Daan", "Anna", "Lucas",
                                      "Mila", "Sem", "Tess", "Finn", "Sara", "Levi", "Nina", "Jesse" };
static const char *const lasts[] = { "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder",
                                     "de Boer", "Bos", "Vos", "Peters", "Hendriks", "Dekker", "Brouwer" };
static const char *const doms[] = { "gmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "gmx.de", "web.de" };
static const char *const cities[] = { "Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Groningen", "Leiden" };
#define PICK(g, a) a[rndn(g, (unsigned)(sizeof a / sizeof a[0]))]

static void card(struct gen *g, char out[17])
{
    int d[16];
    d[0] = 4;
    for (int i = 1; i < 15; i++) d[i] = (int)rndn(g, 10);
    int sum = 0;   /* Luhn over the 15 digits, check digit appended */
    for (int i = 14, dbl = 1; i >= 0; i--, dbl = !dbl) {
        int v = d[i] * (dbl ? 2 : 1);
        sum += v > 9 ? v - 9 : v;
    }
    d[15] = (10 - sum % 10) % 10;
    for (int i = 0; i < 16; i++) out[i] = (char)('0' + d[i]);
    out[16] = 0;
}

/* A German IBAN (DEkk + 18 digits) with a valid mod-97 check. */
static void iban(struct gen *g, char out[23])
{
    char bban[19];
    for (int i = 0; i < 18; i++) bban[i] = (char)('0' + rndn(g, 10));
    bban[18] = 0;
    unsigned r = 0;
    for (int i = 0; i < 18; i++) r = (r * 10 + (unsigned)(bban[i] - '0')) % 97;
    static const char tail[] = "131400";   /* D=13 E=14, check 00 */
    for (int i = 0; tail[i]; i++) r = (r * 10 + (unsigned)(tail[i] - '0')) % 97;
    snprintf(out, 23, "DE%02u%s", 98 - r, bban);
}

/* "de Vries" -> "devries" */
static void mail_part(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++)
        if (*s != ' ') out[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    out[n] = 0;
}

static void csv_row(struct gen *g, struct buf *b, unsigned id, bool dense)
{
    const char *fn = PICK(g, firsts), *ln = PICK(g, lasts);
    char mf[32], ml[32], cc[17], ib[23];
    mail_part(fn, mf, sizeof mf);
    mail_part(ln, ml, sizeof ml);
    b_printf(b, "%u,%s,%s,%s.%s%u@%s,+31 6 %08u", id, fn, ln, mf, ml, rndn(g, 1000), PICK(g, doms),
             rndn(g, 100000000));
    if (dense) {
        card(g, cc);
        iban(g, ib);
        b_printf(b, ",%s,%s,%s\r\n", cc, ib, PICK(g, cities));
    } else {
        b_printf(b, ",%s\r\n", PICK(g, cities));
    }
}

static void http_request(struct conn *c, const char *path)
{
    c->msg.len = 0;
    b_printf(&c->msg, "GET %s HTTP/1.1\r\nHost: acct%u.blob.core.windows.net\r\n"
                      "User-Agent: loadgen/1.0\r\nAccept: */*\r\nx-ms-version: 2021-08-06\r\n\r\n",
             path, c->acct);
    c->off = 0;
}

static void http_response(struct gen *g, struct conn *c, unsigned status, const char *ctype,
                          const struct buf *body, const char *extra)
{
    c->msg.len = 0;
    b_printf(&c->msg, "HTTP/1.1 %u %s\r\nContent-Length: %zu\r\nContent-Type: %s\r\n"
                      "Server: Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0\r\n"
                      "x-ms-request-id: %08x-0001-0042-7a1b-%012" PRIx64 "\r\nx-ms-version: 2021-08-06\r\n%s\r\n",
             status, status == 200 ? "OK" : "The specified blob does not exist.", body->len, ctype,
             c->n, rnd(g) & (uint64_t)0xffffffffffff, extra);
    b_reserve(&c->msg, body->len);
    memcpy(c->msg.p + c->msg.len, body->p, body->len);
    c->msg.len += body->len;
    c->off = 0;
}

/* Next transaction of a conn: its request now, its response built with it. */
struct txn_plan {
    struct buf body;
    unsigned status;
    const char *ctype, *extra;
};

static void plan_txn(struct gen *g, struct conn *c, struct txn_plan *t, size_t elephant_bytes)
{
    char path[96];
    t->body.len = 0;
    t->status = 200;
    t->extra = "";
    if (c->kind == K_ELEPHANT) {
        snprintf(path, sizeof path, "/exports/customers-%u.csv", c->n);
        t->ctype = "text/csv";
        b_printf(&t->body, "id,first_name,last_name,email,phone,card_number,iban,city\r\n");
        for (unsigned id = 1; t->body.len < elephant_bytes; id++) csv_row(g, &t->body, id, true);
        g->pii_bodies++;
    } else {
        unsigned r = rndn(g, 100);
        if (r < 60) {
            snprintf(path, sizeof path, "/catalog/items-%u.json", rndn(g, 5000));
            t->ctype = "application/json";
            unsigned items = 2 + rndn(g, 30);
            b_printf(&t->body, "[");
            for (unsigned i = 0; i < items; i++)
                b_printf(&t->body, "%s{\"sku\":\"A%05u\",\"price\":%u.%02u,\"qty\":%u,\"color\":\"%s\"}",
                         i ? "," : "", rndn(g, 100000), rndn(g, 500), rndn(g, 100), rndn(g, 20),
                         rndn(g, 2) ? "blue" : "green");
            b_printf(&t->body, "]");
        } else if (r < 90) {
            snprintf(path, sizeof path, "/exports/contacts-%u.csv", rndn(g, 5000));
            t->ctype = "text/csv";
            b_printf(&t->body, "id,first_name,last_name,email,phone,city\r\n");
            unsigned rows = 3 + rndn(g, 20);
            for (unsigned i = 1; i <= rows; i++) csv_row(g, &t->body, i, false);
            g->pii_bodies++;
        } else {
            snprintf(path, sizeof path, "/private/payroll-%u.csv", rndn(g, 5000));
            t->status = 404;
            t->ctype = "application/xml";
            t->extra = "x-ms-error-code: BlobNotFound\r\n";
            b_printf(&t->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code>"
                               "<Message>The specified blob does not exist.</Message></Error>");
        }
    }
    http_request(c, path);
}

/* ---- flows ---- */

static void conn_start(struct gen *g, struct conn *c, enum kind k)
{
    unsigned n = (unsigned)g->flows++;
    c->kind = k;
    c->n = n;
    c->cip = 0x0a000000u + (n / 50000u) * 256u + 1u;   /* 10.0.k.1, 50000 ports each */
    c->cport = (uint16_t)(10000u + n % 50000u);
    c->acct = rndn(g, 40);
    c->sip = 0x34ef0000u | (c->acct << 2) | 1u;   /* 52.239.x.y */
    c->sport = 80;
    c->cseq = (uint32_t)rnd(g);
    c->sseq = (uint32_t)rnd(g);
    c->phase = P_SYN;
    c->txns_left = k == K_SMALL ? 1 + rndn(g, 6) : 1;
    c->off = 0;
    c->since_ack = 0;
}

/* Emit one packet of conn c. */
static void step(struct gen *g, struct conn *c, struct txn_plan *t, size_t elephant_bytes)
{
    switch (c->phase) {
    case P_SYN: emit(g, c, 0, F_SYN, NULL, 0); c->phase = P_SYNACK; break;
    case P_SYNACK: emit(g, c, 1, F_SYN | F_ACK, NULL, 0); c->phase = P_ACK; break;
    case P_ACK:
        emit(g, c, 0, F_ACK, NULL, 0);
        if (c->kind == K_IDLE && !g->idle_request) {
            c->phase = P_DONE;
            break;
        }
        if (c->kind == K_IDLE) {
            c->msg.len = 0;
            b_printf(&c->msg, "GET /idle/%u HTTP/1.1\r\nHost: acct%u.blob.core.windows.net\r\n\r\n", c->n, c->acct);
            c->off = 0;
        } else {
            plan_txn(g, c, t, elephant_bytes);
        }
        c->phase = P_REQ;
        break;
    case P_REQ: {
        size_t n = c->msg.len - c->off < MSS ? c->msg.len - c->off : MSS;
        emit(g, c, 0, F_ACK | F_PSH, c->msg.p + c->off, n);
        c->off += n;
        if (c->off < c->msg.len) break;
        if (c->kind == K_IDLE && !g->idle_answered) { c->phase = P_DONE; break; }
        if (c->kind == K_IDLE) {
            static const struct buf none = { 0 };
            http_response(g, c, 404, "application/xml", &none, "");
        } else {
            http_response(g, c, t->status, t->ctype, &t->body, t->extra);
        }
        c->phase = P_RESP;
        break;
    }
    case P_RESP: {
        if (c->since_ack >= 2) {   /* delayed ACK: every second segment */
            emit(g, c, 0, F_ACK, NULL, 0);
            c->since_ack = 0;
            break;
        }
        size_t n = c->msg.len - c->off < MSS ? c->msg.len - c->off : MSS;
        emit(g, c, 1, F_ACK | (c->off + n == c->msg.len ? F_PSH : 0), c->msg.p + c->off, n);
        if (c->kind == K_ELEPHANT) g->elephant_bytes += n;
        c->off += n;
        c->since_ack++;
        if (c->off < c->msg.len) break;
        emit(g, c, 0, F_ACK, NULL, 0);   /* (two packets this step: the final ACK) */
        c->since_ack = 0;
        g->txns++;
        if (c->kind == K_IDLE) c->phase = P_DONE;   /* answered, then idle: never closed */
        else if (--c->txns_left) plan_txn(g, c, t, elephant_bytes), c->phase = P_REQ;
        else c->phase = P_FIN1;
        break;
    }
    case P_FIN1: emit(g, c, 0, F_FIN | F_ACK, NULL, 0); c->phase = P_FIN2; break;
    case P_FIN2: emit(g, c, 1, F_FIN | F_ACK, NULL, 0); c->phase = P_FIN3; break;
    case P_FIN3: emit(g, c, 0, F_ACK, NULL, 0); c->phase = P_DONE; break;
    case P_DONE: break;
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: loadgen -o FILE [--size BYTES] [--mix http|idle] [--idle-flows N] [--seed S]\n"
                    "               [--concurrency K] [--elephant-bytes BYTES] [--idle-request yes|no|answered]\n"
                    "               [--gap-us N]\n");
    exit(2);
}

static uint64_t parse_size(const char *s)
{
    char *e;
    double v = strtod(s, &e);
    if (e == s || v < 0) usage();
    switch (*e) {
    case 'k': case 'K': v *= 1024; break;
    case 'm': case 'M': v *= 1048576; break;
    case 'g': case 'G': v *= 1073741824.0; break;
    case 0: break;
    default: usage();
    }
    return (uint64_t)v;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *mix = "http";
    uint64_t size = 64u << 20, idle = 0, seed = 1, elephant = 8u << 20;
    unsigned conc = 64, gap = 5;
    bool idle_set = false, idle_req = true, idle_ans = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "-o")) out = v;
        else if (!strcmp(a, "--size")) size = parse_size(v);
        else if (!strcmp(a, "--mix")) mix = v;
        else if (!strcmp(a, "--idle-flows")) idle = parse_size(v), idle_set = true;
        else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--concurrency")) conc = (unsigned)atoi(v);
        else if (!strcmp(a, "--elephant-bytes")) elephant = parse_size(v);
        else if (!strcmp(a, "--gap-us")) gap = (unsigned)atoi(v);
        else if (!strcmp(a, "--idle-request") && (!strcmp(v, "yes") || !strcmp(v, "no") || !strcmp(v, "answered"))) {
            idle_req = strcmp(v, "no") != 0;
            idle_ans = !strcmp(v, "answered");
        }
        else usage();
    }
    bool http = !strcmp(mix, "http");
    if (!out || (!http && strcmp(mix, "idle")) || conc < 1 || conc > 100000) usage();
    if (!http && !idle_set) idle = 1000000;
    if (idle > 50000u * 250u) { fprintf(stderr, "loadgen: at most %u idle flows\n", 50000u * 250u); return 2; }

    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    struct gen g = { .rng = seed * 0x9e3779b97f4a7c15ULL + 88172645463325252ULL,
                     .ts_us = 1700000000ull * 1000000u, .file_bytes = 24, .idle_request = idle_req, .idle_answered = idle_ans,
                     .gap_us = gap };
    if (!(g.d = pcap_dump_open(dead, out))) { fprintf(stderr, "loadgen: %s\n", pcap_geterr(dead)); return 1; }

    struct txn_plan scratch = { 0 };
    struct conn c = { 0 };
    for (uint64_t i = 0; i < idle; i++) {
        conn_start(&g, &c, K_IDLE);
        while (c.phase != P_DONE) step(&g, &c, &scratch, 0);
    }
    free(c.msg.p);

    if (http) {
        struct conn *cs = calloc(conc, sizeof *cs);
        struct txn_plan *ts = calloc(conc, sizeof *ts);
        if (!cs || !ts) { perror("loadgen"); return 1; }
        uint64_t http_start = g.file_bytes;
        unsigned live = 0;
        bool elephant_live = false;
        for (;;) {
            for (unsigned i = 0; i < conc; i++) {
                struct conn *k = &cs[i];
                if (!k->live) {
                    if (g.file_bytes >= size) continue;
                    /* few elephants: ~40% of the bytes, one at a time */
                    bool big = !elephant_live && (double)g.elephant_bytes < 0.4 * (double)(g.file_bytes - http_start);
                    conn_start(&g, k, big ? K_ELEPHANT : K_SMALL);
                    if (big) elephant_live = true;
                    k->live = true;
                    live++;
                }
                /* elephants stream faster than the small flows: 4 steps per turn */
                for (int s = 0; s < (k->kind == K_ELEPHANT ? 4 : 1) && k->phase != P_DONE; s++)
                    step(&g, k, &ts[i], elephant);
                if (k->phase == P_DONE) {
                    if (k->kind == K_ELEPHANT) elephant_live = false;
                    k->live = false;
                    live--;
                }
            }
            if (g.file_bytes >= size && live == 0) break;
        }
        for (unsigned i = 0; i < conc; i++) { free(cs[i].msg.p); free(ts[i].body.p); }
        free(cs);
        free(ts);
    }
    free(scratch.body.p);
    pcap_dump_close(g.d);
    pcap_close(dead);
    fprintf(stderr, "loadgen: %s: %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu64 " flows (%" PRIu64
                    " idle), %" PRIu64 " transactions, %" PRIu64 " bodies with PII, %" PRIu64 " elephant body bytes\n",
            out, g.packets, g.file_bytes, g.flows, idle, g.txns, g.pii_bodies, g.elephant_bytes);
    return 0;
}
