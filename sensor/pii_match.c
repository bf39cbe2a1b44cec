/* pii_match.c -- from a candidate to a finding: recording findings, the
 * email judge (with display names), RFC 5322 messages, field values, and
 * the dispatch. Numbers, letter-led identifiers and credentials are judged
 * in pii_match_id.c. Each judge cuts the token out of the window around the
 * match, validates, normalises, counts and masks a sample. */
#include <stdio.h>
#include <string.h>

#include "pii_int.h"
#include "bytes.h"
#include "pii_validate.h"

static inline bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static inline bool is_upper(uint8_t c) { return c >= 'A' && c <= 'Z'; }
static inline bool is_alpha(uint8_t c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline bool is_alnum(uint8_t c) { return is_digit(c) || is_alpha(c); }
static inline uint8_t lc(uint8_t c) { return is_upper(c) ? (uint8_t)(c + 32) : c; }
static inline bool is_sp(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static inline uint64_t sub0(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

/* ---- recording a finding ---- */

char *pii_found(struct pii_scan *sc, enum pii_kind k, const uint8_t *norm, size_t n,
                   uint64_t rec)
{
    if (!sc->db->cfg.enabled[k]) return NULL;
    if (rec != sc->last_rec) {
        sc->f.records++;
        sc->last_rec = rec;
    }
    struct pii_kind_result *r = &sc->f.kind[k];
    if (r->n_samples >= PII_MAX_SAMPLES) {
        /* no sample to offer: whether it is new can wait */
        pii_counter_add_later(&sc->cnt, &sc->f, k, norm, n);
        return NULL;
    }
    if (!pii_counter_add(&sc->cnt, &sc->f, k, norm, n)) return NULL;
    char *slot = r->samples[r->n_samples++];
    slot[0] = 0;
    return slot;
}

void pii_mark_span(struct pii_scan *sc, uint64_t end)
{
    if (end > sc->span_end) sc->span_end = end;
}

/* ---- email ---- */

static inline bool dom_ch(uint8_t c) { return is_alnum(c) || c == '.' || c == '-'; }

static inline bool name_ch(uint8_t c)
{
    return is_alpha(c) || c >= 0x80 || c == ' ' || c == '.' || c == '\'' || c == '-';
}

static bool particle(const uint8_t *p, size_t n)
{
    static const struct bytes w[] = {
        BYTES_LIT("van"), BYTES_LIT("von"), BYTES_LIT("de"), BYTES_LIT("der"), BYTES_LIT("den"),
        BYTES_LIT("da"), BYTES_LIT("di"), BYTES_LIT("del"), BYTES_LIT("la"), BYTES_LIT("le"),
        BYTES_LIT("du"), BYTES_LIT("dos"), BYTES_LIT("das"), BYTES_LIT("ter"), BYTES_LIT("ten"),
        BYTES_LIT("bin"), BYTES_LIT("al") };
    return bytes_one_of(p, n, w, sizeof w / sizeof w[0], false);
}

static void person_name(struct pii_scan *sc, const uint8_t *p, size_t n, unsigned min_tokens,
                        uint64_t rec);

/* "Jane Doe <jane@x.com>" or "\"Jane Doe\" <jane@x.com>": b[lt] is '<'. */
static void display_name(struct pii_scan *sc, const struct pii_win *w, size_t lt, uint64_t rec)
{
    size_t j = lt;
    while (j > 0 && w->b[j - 1] == ' ') j--;
    if (j == 0) return;
    size_t s, e;
    if (w->b[j - 1] == '"') {
        e = j - 1;
        if (e > 0 && w->b[e - 1] == '\\') e--;
        s = e;
        while (s > 0 && w->b[s - 1] != '"' && e - s < 100) s--;
        if (s == 0 || w->b[s - 1] != '"') return;
    } else {
        /* Take trailing words that start with a capital (or a non-ASCII
         * letter), with name particles between them. */
        e = j;
        s = e;
        size_t k = e;
        while (k > 0) {
            size_t we = k;
            while (k > 0 && w->b[k - 1] != ' ' && name_ch(w->b[k - 1])) k--;
            if (k == we) break;
            uint8_t c0 = w->b[k];
            if (!(is_upper(c0) || c0 >= 0x80 || particle(w->b + k, we - k))) break;
            s = k;
            if (k == 0 || w->b[k - 1] != ' ' || e - k > 100) break;
            k--;
        }
        while (s < e && particle(w->b + s, 0)) break;
    }
    while (s < e && w->b[s] == ' ') s++;
    while (e > s && w->b[e - 1] == ' ') e--;
    if (e > s) person_name(sc, w->b + s, e - s, 2, rec);
}

static void judge_email(struct pii_scan *sc, const struct pii_item *it)
{
    struct pii_win w;
    pii_window(sc, sub0(it->end, 200), it->end + PII_FWD, it->end, &w);
    if (w.e < 2) return;
    size_t at = w.e - 2;
    if (w.b[at] != '@') return;
    size_t ls = at;
    while (ls > 0 && at - ls < 64 && pii_local_ch(w.b[ls - 1])) ls--;
    while (ls < at && (w.b[ls] == '.' || w.b[ls] == '-' || w.b[ls] == '+')) ls++;
    size_t de = at + 1;
    while (de < w.n && de - at <= 253 && dom_ch(w.b[de])) de++;
    while (de > at + 1 && (w.b[de - 1] == '.' || w.b[de - 1] == '-')) de--;
    if (ls == at || w.base + ls < sc->span_end) return;
    if (ls > 0 && pii_local_ch(w.b[ls - 1])) return;           /* local part too long */
    if (de < w.n && (dom_ch(w.b[de]) || w.b[de] == '@' || w.b[de] == '_')) return;
    /* git@github.com:org/repo and user@host:22 are not mailboxes. */
    if (de < w.n && w.b[de] == ':' && de + 1 < w.n && (is_alnum(w.b[de + 1]) || w.b[de + 1] == '/'))
        return;
    /* scheme://user@host and scheme://user:pass@host are URL userinfo. */
    if (ls >= 2 && w.b[ls - 1] == '/' && w.b[ls - 2] == '/') return;
    if (ls >= 1 && w.b[ls - 1] == ':') {
        size_t k = ls - 1;
        while (k > 0 && !is_sp(w.b[k - 1]) && w.b[k - 1] != '"' && ls - k < 80) k--;
        for (size_t m = k; m + 2 < ls; m++)
            if (w.b[m] == ':' && w.b[m + 1] == '/' && w.b[m + 2] == '/') return;
    }
    if (!pii_email_local_ok(w.b + ls, at - ls) || !pii_email_domain_ok(w.b + at + 1, de - at - 1))
        return;
    /* <id@host> in Message-ID, References, In-Reply-To names a message. */
    if (ls > 0 && w.b[ls - 1] == '<') {
        static const char *const hdr[] = {"message-id:", "references:", "in-reply-to:", "content-id:", NULL};
        size_t k = ls - 1;
        while (k > 0 && w.b[k - 1] == ' ') k--;
        for (size_t h = 0; hdr[h]; h++) {
            size_t l = strlen(hdr[h]), j = 0;
            if (k < l) continue;
            while (j < l && lc(w.b[k - l + j]) == (uint8_t)hdr[h][j]) j++;
            if (j == l) { pii_mark_span(sc, w.base + de); return; }
        }
    }
    uint8_t norm[320];
    size_t n = de - ls;
    for (size_t i = 0; i < n; i++) norm[i] = lc(w.b[ls + i]);
    pii_mark_span(sc, w.base + de);
    if (ls > 0 && w.b[ls - 1] == '<') display_name(sc, &w, ls - 1, it->rec);
    char *slot = pii_found(sc, PII_EMAIL, norm, n, it->rec);
    if (slot) pii_mask_email(w.b + ls, at - ls, w.b + at + 1, de - at - 1, slot);
    if (sc->db->cfg.enabled[PII_EMAIL]) pii_counter_org(&sc->cnt, norm + (at - ls) + 1, de - at - 1);
}

/* ---- RFC 5322 messages ----
 *
 * A message is a group of header lines (From plus at least two of To,
 * Subject, Date, Message-ID) within 8 KB, a header name seen twice starting
 * the next group. It is counted (and its record) when the group qualifies;
 * its distinct value, a fingerprint of every header value in the group, is
 * added when the group ends (next group, gap or end of body). */

void pii_msg_flush(struct pii_scan *sc)
{
    struct pii_msg *m = &sc->msg;
    if (m->counted && !m->flushed) {
        uint8_t v[8];
        for (int i = 0; i < 8; i++) v[i] = (uint8_t)(m->fp >> (8 * i));
        pii_counter_add(&sc->cnt, &sc->f, PII_EMAIL_MESSAGE, v, sizeof v);
        struct pii_kind_result *r = &sc->f.kind[PII_EMAIL_MESSAGE];
        r->count--;                       /* the occurrence was counted when the group qualified */
        sc->f.total--;
        if (r->n_samples == 0) snprintf(r->samples[r->n_samples++], PII_SAMPLE_LEN, "rfc5322 message");
    }
    m->flushed = true;
}

static void judge_header(struct pii_scan *sc, const struct pii_item *it)
{
    struct pii_msg *m = &sc->msg;
    uint8_t bit = (uint8_t)(1u << (it->pat - PAT_HDR_FROM));
    if (m->mask && (it->end - m->first > 8192 || (m->mask & bit))) {
        pii_msg_flush(sc);
        m->mask = 0;
        m->counted = false;
    }
    if (!m->mask) {
        m->first = it->end;
        m->fp = 1469598103934665603ull;
        m->flushed = false;
    }
    m->mask |= bit;
    /* Fingerprint the header value, to the end of its line (a JSON string
     * holds the line ends as \r\n escapes). */
    struct pii_win w;
    pii_window(sc, it->end, it->end + 200, it->end, &w);
    m->fp = (m->fp ^ bit) * 1099511628211ull;
    for (size_t i = 0; i < w.n && w.b[i] != '\n' && w.b[i] != '\r'; i++) {
        if (w.b[i] == '\\' && i + 1 < w.n && (w.b[i + 1] == 'r' || w.b[i + 1] == 'n')) break;
        m->fp = (m->fp ^ w.b[i]) * 1099511628211ull;
    }
    unsigned others = __builtin_popcount(m->mask & ~1u);
    if (!m->counted && (m->mask & 1u) && others >= 2 && sc->db->cfg.enabled[PII_EMAIL_MESSAGE]) {
        m->counted = true;
        sc->f.kind[PII_EMAIL_MESSAGE].count++;
        sc->f.total++;
        if (it->rec != sc->last_rec) {
            sc->f.records++;
            sc->last_rec = it->rec;
        }
    }
}

/* ---- field values ---- */

/* Decode the raw value bytes of a field into out: JSON escapes, CSV quotes,
 * XML entities; then trim. */
static size_t field_decode(enum pii_doc_type t, const uint8_t *p, size_t n, uint8_t *out)
{
    size_t o = 0;
    if (t == PII_DOC_CSV && n >= 2 && p[0] == '"' && p[n - 1] == '"') {
        for (size_t i = 1; i + 1 < n; i++) {
            out[o++] = p[i];
            if (p[i] == '"' && i + 2 < n && p[i + 1] == '"') i++;
        }
    } else if (t == PII_DOC_JSON) {
        for (size_t i = 0; i < n; i++) {
            if (p[i] != '\\' || i + 1 >= n) { out[o++] = p[i]; continue; }
            uint8_t c = p[++i];
            if (c == 'u' && i + 4 < n) {
                unsigned v = 0;
                bool okh = true;
                for (int k = 1; k <= 4; k++) {
                    uint8_t h = p[i + k];
                    v <<= 4;
                    if (is_digit(h)) v |= (unsigned)(h - '0');
                    else if ((h | 32) >= 'a' && (h | 32) <= 'f') v |= (unsigned)((h | 32) - 'a' + 10);
                    else okh = false;
                }
                i += 4;
                if (!okh || (v >= 0xD800 && v <= 0xDFFF)) { out[o++] = '?'; continue; }
                if (v < 0x80) out[o++] = (uint8_t)v;
                else if (v < 0x800) { out[o++] = (uint8_t)(0xC0 | v >> 6); out[o++] = (uint8_t)(0x80 | (v & 0x3F)); }
                else { out[o++] = (uint8_t)(0xE0 | v >> 12); out[o++] = (uint8_t)(0x80 | ((v >> 6) & 0x3F)); out[o++] = (uint8_t)(0x80 | (v & 0x3F)); }
            } else {
                out[o++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
            }
        }
    } else if (t == PII_DOC_XML) {
        static const struct { const char *e; char c; } ent[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&#39;", '\''}};
        for (size_t i = 0; i < n; i++) {
            bool hit = false;
            if (p[i] == '&')
                for (size_t k = 0; k < sizeof ent / sizeof ent[0] && !hit; k++) {
                    size_t l = strlen(ent[k].e);
                    if (i + l <= n && memcmp(p + i, ent[k].e, l) == 0) { out[o++] = (uint8_t)ent[k].c; i += l - 1; hit = true; }
                }
            if (!hit) out[o++] = p[i];
        }
    } else {
        memcpy(out, p, n);
        o = n;
        /* "key: value" lines may quote the value: "x" or 'x', and a trailing comma (YAML/JSON-ish). */
    }
    size_t s = 0;
    while (s < o && is_sp(out[s])) s++;
    while (o > s && (is_sp(out[o - 1]))) o--;
    if (t == PII_DOC_TEXT || t == PII_DOC_EML) {
        if (o > s && out[o - 1] == ',') o--;
        if (o - s >= 2 && (out[s] == '"' || out[s] == '\'') && out[o - 1] == out[s]) { s++; o--; }
    }
    if (s) memmove(out, out + s, o - s);
    return o - s;
}

static bool placeholder(const uint8_t *v, size_t n)
{
    static const struct bytes w[] = {
        BYTES_LIT("null"), BYTES_LIT("none"), BYTES_LIT("nil"), BYTES_LIT("n/a"), BYTES_LIT("na"),
        BYTES_LIT("-"), BYTES_LIT("unknown"), BYTES_LIT("true"), BYTES_LIT("false"),
        BYTES_LIT("undefined"), BYTES_LIT("redacted"), BYTES_LIT("<redacted>"), BYTES_LIT("[redacted]"),
        BYTES_LIT("hidden"), BYTES_LIT("string"), BYTES_LIT("changeme?"), BYTES_LIT("***"),
        BYTES_LIT("xxx"), BYTES_LIT("0"), BYTES_LIT("") };
    if (bytes_one_of(v, n, w, sizeof w / sizeof w[0], true)) return true;
    bool same = n > 0;
    for (size_t i = 1; i < n; i++) if (v[i] != v[0]) same = false;
    if (same && (v[0] == '*' || v[0] == 'x' || v[0] == 'X' || v[0] == '.' || v[0] == '-')) return true;
    if (n >= 2 && ((v[0] == '$' && v[1] == '{') || (v[0] == '{' && v[1] == '{') || (v[0] == '%' && v[1] == '('))) return true;
    return false;
}

/* Case-fold ASCII, collapse runs of spaces. */
static size_t fold(const uint8_t *p, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (is_sp(c) || c == ',') { if (o && out[o - 1] != ' ') out[o++] = ' '; continue; }
        out[o++] = lc(c);
    }
    while (o && out[o - 1] == ' ') o--;
    return o;
}

static void person_name(struct pii_scan *sc, const uint8_t *p, size_t n, unsigned min_tokens,
                        uint64_t rec)
{
    /* "Doe, Jane": one comma between two words reads as a space. */
    uint8_t alt[128];
    const uint8_t *comma = n < sizeof alt ? memchr(p, ',', n) : NULL;
    if (comma && comma + 1 < p + n && comma[1] == ' ' && !memchr(comma + 1, ',', (size_t)(p + n - comma - 1))) {
        size_t a = (size_t)(comma - p);
        memcpy(alt, p, a);
        memcpy(alt + a, comma + 1, n - a - 1);
        p = alt;
        n--;
    }
    if (!pii_name_ok(p, n, min_tokens)) return;
    uint8_t norm[128];
    size_t nn = fold(p, n, norm);
    char *slot = pii_found(sc, PII_PERSON_NAME, norm, nn, rec);
    if (slot) pii_mask_words(p, n, slot);
}

static void judge_field(struct pii_scan *sc, const struct pii_item *it)
{
    uint64_t start = it->end - it->vlen;
    if (start < sc->span_end) return;     /* an anchor already took (part of) this value */
    struct pii_win w;
    pii_window(sc, start, it->end, it->end, &w);
    if (w.base != start) return;
    uint8_t v[PII_VALMAX + 8];
    size_t n = field_decode(sc->tok.type, w.b, w.n, v);
    if (n == 0 || placeholder(v, n)) return;
    uint8_t norm[PII_VALMAX + 8];
    switch (it->cls) {
    case PII_CLS_NAME: case PII_CLS_FIRST: case PII_CLS_LAST:
        if (!it->vtrunc) person_name(sc, v, n, 1, it->rec);
        break;
    case PII_CLS_NAME2:
        if (!it->vtrunc) person_name(sc, v, n, 2, it->rec);
        break;
    case PII_CLS_DOB:
        if (!it->vtrunc && pii_date_ok(v, n, sc->db->max_year)) {
            size_t nn = 0;
            for (size_t i = 0; i < n && i < 10; i++) if (is_digit(v[i])) norm[nn++] = v[i];
            char *slot = pii_found(sc, PII_DATE_OF_BIRTH, norm, nn, it->rec);
            if (slot) pii_mask_digits(v, n < 10 ? n : 10, 0, 0, slot);
        }
        break;
    case PII_CLS_ADDRESS: {
        size_t letters = 0;
        for (size_t i = 0; i < n; i++) letters += is_alpha(v[i]) || v[i] >= 0x80;
        if (n < 4 || letters < 2) break;
        size_t nn = fold(v, n, norm);
        char *slot = pii_found(sc, PII_POSTAL_ADDRESS, norm, nn, it->rec);
        if (slot) pii_mask_words(v, n, slot);
        break;
    }
    case PII_CLS_ZIP: {
        size_t digs = 0;
        bool okz = n >= 3 && n <= 10;
        for (size_t i = 0; i < n && okz; i++) {
            digs += is_digit(v[i]);
            okz = is_alnum(v[i]) || v[i] == ' ' || v[i] == '-';
        }
        if (!okz || digs < 2 || pii_digits_trivial(v, n)) break;
        size_t nn = fold(v, n, norm);
        char *slot = pii_found(sc, PII_POSTAL_ADDRESS, norm, nn, it->rec);
        if (slot) pii_mask_digits(v, n, 1, 0, slot);
        break;
    }
    case PII_CLS_PASSWORD: {
        /* One token: prose after "password:" is documentation, not a secret. */
        bool ws = false;
        for (size_t i = 0; i < n; i++) ws |= is_sp(v[i]);
        if (n >= 3 && n <= 256 && !ws && !it->vtrunc) {
            char *slot = pii_found(sc, PII_CREDENTIAL, v, n, it->rec);
            if (slot) snprintf(slot, PII_SAMPLE_LEN, "password: ********");
        }
        break;
    }
    default:
        break;
    }
}

/* ---- dispatch ---- */

void pii_judge(struct pii_scan *sc, const struct pii_item *it)
{
    switch (it->pat) {
    case PAT_FIELD: judge_field(sc, it); break;
    case PAT_EMAIL: judge_email(sc, it); break;
    case PAT_NUM: pii_judge_num(sc, it); break;
    case PAT_NINO: case PAT_LD: case PAT_NIR2A: pii_judge_letter_id(sc, it); break;
    case PAT_HDR_FROM: case PAT_HDR_TO: case PAT_HDR_SUBJECT: case PAT_HDR_DATE:
    case PAT_HDR_MSGID: judge_header(sc, it); break;
    default: pii_judge_credential(sc, it); break;
    }
}
