/* pii_match.c -- from a candidate to a finding: cut the token out of the
 * window around the match, validate it, normalise it, count it, mask a
 * sample. One judge per anchor family, one for field values. */
#include <stdio.h>
#include <string.h>

#include "pii_int.h"
#include "pii_validate.h"

static inline bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static inline bool is_upper(uint8_t c) { return c >= 'A' && c <= 'Z'; }
static inline bool is_alpha(uint8_t c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline bool is_alnum(uint8_t c) { return is_digit(c) || is_alpha(c); }
static inline uint8_t lc(uint8_t c) { return is_upper(c) ? (uint8_t)(c + 32) : c; }
static inline bool is_sp(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static inline uint64_t sub0(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

/* ---- recording a finding ---- */

/* Count one occurrence; returns the sample slot to fill when this value is
 * new and a slot is free, else NULL. */
static char *found(struct pii_scan *sc, enum pii_kind k, const uint8_t *norm, size_t n,
                   uint64_t rec)
{
    if (!sc->db->cfg.enabled[k]) return NULL;
    uint8_t h[PII_HASH_LEN];
    pii_keyed_hash(sc->db->keyed, sc->s->work, norm, n, h);
    if (rec != sc->last_rec) {
        sc->f.records++;
        sc->last_rec = rec;
    }
    bool fresh = pii_counter_add(&sc->cnt, &sc->f, k, h);
    struct pii_kind_result *r = &sc->f.kind[k];
    if (!fresh || r->n_samples >= PII_MAX_SAMPLES) return NULL;
    char *slot = r->samples[r->n_samples++];
    slot[0] = 0;
    return slot;
}

static void mark_span(struct pii_scan *sc, uint64_t end)
{
    if (end > sc->span_end) sc->span_end = end;
}

/* ---- email ---- */

static inline bool local_ch(uint8_t c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
static inline bool dom_ch(uint8_t c) { return is_alnum(c) || c == '.' || c == '-'; }

static inline bool name_ch(uint8_t c)
{
    return is_alpha(c) || c >= 0x80 || c == ' ' || c == '.' || c == '\'' || c == '-';
}

static bool particle(const uint8_t *p, size_t n)
{
    static const char *const w[] = {"van", "von", "de", "der", "den", "da", "di", "del", "la",
                                    "le", "du", "dos", "das", "ter", "ten", "bin", "al", NULL};
    for (size_t i = 0; w[i]; i++)
        if (strlen(w[i]) == n && memcmp(p, w[i], n) == 0) return true;
    return false;
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
        if (e > s && w->b[e - 1] == '\\') e--;   /* never: kept for symmetry */
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
    while (ls > 0 && at - ls < 64 && local_ch(w.b[ls - 1])) ls--;
    while (ls < at && (w.b[ls] == '.' || w.b[ls] == '-' || w.b[ls] == '+')) ls++;
    size_t de = at + 1;
    while (de < w.n && de - at <= 253 && dom_ch(w.b[de])) de++;
    while (de > at + 1 && (w.b[de - 1] == '.' || w.b[de - 1] == '-')) de--;
    if (ls == at || w.base + ls < sc->span_end) return;
    if (ls > 0 && local_ch(w.b[ls - 1])) return;           /* local part too long */
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
            if (j == l) { mark_span(sc, w.base + de); return; }
        }
    }
    uint8_t norm[320];
    size_t n = de - ls;
    for (size_t i = 0; i < n; i++) norm[i] = lc(w.b[ls + i]);
    mark_span(sc, w.base + de);
    if (ls > 0 && w.b[ls - 1] == '<') display_name(sc, &w, ls - 1, it->rec);
    char *slot = found(sc, PII_EMAIL, norm, n, it->rec);
    if (slot) pii_mask_email(w.b + ls, at - ls, w.b + at + 1, de - at - 1, slot);
    if (sc->db->cfg.enabled[PII_EMAIL]) pii_counter_org(&sc->cnt, norm + (at - ls) + 1, de - at - 1);
}

/* ---- numbers: cards, phones, numeric national ids ---- */

static inline bool num_sep(uint8_t c)
{
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

struct numtok {
    uint8_t d[48];                /* digits */
    size_t nd;
    uint8_t g[24];                /* digit group lengths */
    size_t ng;
    uint8_t sep;                  /* the separator if all the same, 0 if none, 0xff mixed */
    bool plus, paren;
};

static void numtok_parse(const uint8_t *p, size_t n, struct numtok *t)
{
    memset(t, 0, sizeof *t);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (is_digit(c)) {
            if (t->nd < sizeof t->d) t->d[t->nd++] = c;
            run++;
            continue;
        }
        if (run && t->ng < sizeof t->g) t->g[t->ng++] = (uint8_t)run;
        run = 0;
        if (c == '+') { t->plus = true; continue; }
        if (c == '(' || c == ')') { t->paren = true; continue; }
        if (t->sep == 0) t->sep = c;
        else if (t->sep != c) t->sep = 0xff;
    }
    if (run && t->ng < sizeof t->g) t->g[t->ng++] = (uint8_t)run;
}

static bool groups_are(const struct numtok *t, const char *shape)
{
    size_t n = strlen(shape);
    if (n != t->ng) return false;
    for (size_t i = 0; i < n; i++)
        if (t->g[i] != (uint8_t)(shape[i] - '0')) return false;
    return true;
}

static bool card_grouping(const struct numtok *t)
{
    if (t->ng == 1) return true;
    if (t->paren || t->plus || (t->sep != ' ' && t->sep != '-')) return false;
    if (groups_are(t, "465") || groups_are(t, "464")) return true;
    for (size_t i = 0; i + 1 < t->ng; i++)
        if (t->g[i] != 4) return false;
    return t->g[t->ng - 1] >= 1 && t->g[t->ng - 1] <= 4;
}

static void nat_id(struct pii_scan *sc, const char *tag, const uint8_t *v, size_t n,
                   const uint8_t *raw, size_t rawlen, uint64_t rec)
{
    uint8_t norm[64];
    size_t tl = strlen(tag);
    if (tl + n > sizeof norm) return;
    memcpy(norm, tag, tl);
    memcpy(norm + tl, v, n);
    char *slot = found(sc, PII_NATIONAL_ID, norm, tl + n, rec);
    if (slot) pii_mask_digits(raw, rawlen, 0, 2, slot);
}

static void phone(struct pii_scan *sc, const char *cc, const uint8_t *nat, size_t n,
                  const uint8_t *raw, size_t rawlen, unsigned keep_head, uint64_t rec)
{
    uint8_t norm[40];
    size_t o = 0;
    if (cc && cc[0]) {
        norm[o++] = '+';
        for (const char *c = cc; *c && o < sizeof norm; c++) norm[o++] = (uint8_t)*c;
    }
    if (o + n > sizeof norm) return;
    memcpy(norm + o, nat, n);
    char *slot = found(sc, PII_PHONE, norm, o + n, rec);
    if (slot) pii_mask_digits(raw, rawlen, keep_head, 2, slot);
}

/* Context-only national ids: the field says what the digits are. */
static bool nat_by_context(struct pii_scan *sc, uint8_t cls, const struct numtok *t,
                           const uint8_t *raw, size_t rawlen, uint64_t rec)
{
    const uint8_t *d = t->d;
    size_t n = t->nd;
    bool any = cls == PII_CLS_NATID;
    if ((cls == PII_CLS_SSN || any) && pii_ssn_ok(d, n) && (cls == PII_CLS_SSN || t->ng == 3))
        { nat_id(sc, "ssn:", d, n, raw, rawlen, rec); return true; }
    if ((cls == PII_CLS_BSN || any) && (n == 9 || n == 8)) {
        uint8_t b[9] = {'0'};
        memcpy(b + 9 - n, d, n);
        if (pii_bsn_ok(b, 9)) { nat_id(sc, "bsn:", b, 9, raw, rawlen, rec); return true; }
    }
    if ((cls == PII_CLS_CPF || any) && pii_cpf_ok(d, n)) { nat_id(sc, "cpf:", d, n, raw, rawlen, rec); return true; }
    if ((cls == PII_CLS_AADHAAR || any) && pii_aadhaar_ok(d, n)) { nat_id(sc, "uid:", d, n, raw, rawlen, rec); return true; }
    if ((cls == PII_CLS_SIN || any) && pii_sin_ok(d, n)) { nat_id(sc, "sin:", d, n, raw, rawlen, rec); return true; }
    if ((cls == PII_CLS_NIR || any) && n == 15 && pii_nir_ok(d, n)) { nat_id(sc, "nir:", d, n, raw, rawlen, rec); return true; }
    return false;
}

static void judge_num(struct pii_scan *sc, const struct pii_item *it)
{
    struct pii_win w;
    pii_window(sc, sub0(it->end, 64), it->end + 64, it->end, &w);
    if (w.e == 0 || !is_digit(w.b[w.e - 1])) return;
    /* Back to the first of the seven digits the anchor ends with. */
    size_t s = w.e, digits = 0;
    while (s > 0 && digits < 7) {
        s--;
        if (is_digit(w.b[s])) digits++;
        else if (!num_sep(w.b[s])) return;
    }
    if (digits < 7) return;
    if (s > 0 && w.b[s - 1] == '(') s--;
    if (s > 1 && w.b[s - 1] == ' ' && w.b[s - 2] == '+') s -= 2;
    else if (s > 0 && w.b[s - 1] == '+') s--;
    /* Forward over digits and short separator runs. */
    size_t t = w.e;
    while (t < w.n && t - s < 40) {
        if (is_digit(w.b[t])) { t++; continue; }
        size_t k = t;
        while (k < w.n && k - t < 3 && num_sep(w.b[k])) k++;
        if (k > t && k < w.n && is_digit(w.b[k])) { t = k; continue; }
        if (k > t && w.b[k - 1] == ')' && k - t == 1) { t = k; continue; }
        break;
    }
    while (t > w.e && !is_digit(w.b[t - 1]) && w.b[t - 1] != ')') t--;
    uint64_t abs_s = w.base + s, abs_t = w.base + t;
    if (abs_s < sc->span_end || abs_s < sc->num_end) return;
    sc->num_end = abs_t;
    const uint8_t *raw = w.b + s;
    size_t rawlen = t - s;
    uint8_t after = t < w.n ? w.b[t] : ' ';
    uint8_t after2 = t + 1 < w.n ? w.b[t + 1] : ' ';
    struct numtok tk;
    numtok_parse(raw, rawlen, &tk);
    uint64_t rec = it->rec;
    uint8_t cls = it->cls;

    /* DNI: eight digits and the check letter. */
    if (tk.nd == 8 && tk.ng == 1) {
        size_t li = is_upper(after) ? t : (after == '-' && is_upper(after2)) ? t + 1 : 0;
        if (li && (li + 1 >= w.n || !is_alnum(w.b[li + 1]))) {
            uint8_t v[9];
            memcpy(v, tk.d, 8);
            v[8] = w.b[li];
            if (pii_dni_ok(v, 9)) {
                nat_id(sc, "dni:", v, 9, raw, li + 1 - s, rec);
                mark_span(sc, w.base + li + 1);
            }
            return;
        }
    }
    if (is_alnum(after) || after == '_' || after == '@') return;   /* part of a word or address */
    if (after == '.' && is_digit(after2)) return;
    if (after == ':' && is_digit(after2)) return;                  /* a time or a port */

    if (tk.plus) {
        /* E.164, with an optional "(0)" trunk marker: +44 (0)20 ... */
        uint8_t dd[24];
        size_t nd = 0;
        for (size_t i = 0; i < rawlen && nd < sizeof dd; i++) {
            if (raw[i] == '(' && i + 2 < rawlen && raw[i + 1] == '0' && raw[i + 2] == ')') { i += 2; continue; }
            if (is_digit(raw[i])) dd[nd++] = raw[i];
        }
        unsigned ccl = pii_e164_ok(dd, nd);
        if (ccl) {
            char cc[4] = {0};
            memcpy(cc, dd, ccl);
            phone(sc, cc, dd + ccl, nd - ccl, raw, rawlen, ccl + 1, rec);
            mark_span(sc, abs_t);
        }
        return;
    }
    /* Look-alikes: dates, IPv4 addresses, version strings. */
    if (pii_date_ok(raw, rawlen, 2100)) return;
    if (tk.sep == '.' && tk.ng == 4 && tk.g[0] <= 3 && tk.g[1] <= 3 && tk.g[2] <= 3 && tk.g[3] <= 3)
        return;
    if (cls == PII_CLS_NEG) return;

    if (tk.nd >= 13 && tk.nd <= 19 && card_grouping(&tk) && pii_card_ok(tk.d, tk.nd)) {
        char *slot = found(sc, PII_PAYMENT_CARD, tk.d, tk.nd, rec);
        if (slot) pii_mask_digits(raw, rawlen, 0, 4, slot);
        mark_span(sc, abs_t);
        return;
    }
    /* Formatted national ids (self-evident without context). */
    bool nat = false;
    if (groups_are(&tk, "324") && (tk.sep == '-' || (tk.sep == ' ' && cls == PII_CLS_SSN)) &&
        pii_ssn_ok(tk.d, 9))
        { nat_id(sc, "ssn:", tk.d, 9, raw, rawlen, rec); nat = true; }
    else if (groups_are(&tk, "3332") && tk.sep == 0xff && raw[3] == '.' && raw[7] == '.' &&
             raw[11] == '-' && pii_cpf_ok(tk.d, 11))
        { nat_id(sc, "cpf:", tk.d, 11, raw, rawlen, rec); nat = true; }
    else if (groups_are(&tk, "444") && (tk.sep == ' ' || tk.sep == '-') && pii_aadhaar_ok(tk.d, 12))
        { nat_id(sc, "uid:", tk.d, 12, raw, rawlen, rec); nat = true; }
    else if (groups_are(&tk, "1222332") && tk.sep == ' ' && pii_nir_ok(tk.d, 15))
        { nat_id(sc, "nir:", tk.d, 15, raw, rawlen, rec); nat = true; }
    else if (cls >= PII_CLS_NATID && cls <= PII_CLS_NIR)
        nat = nat_by_context(sc, cls, &tk, raw, rawlen, rec);
    if (nat) { mark_span(sc, abs_t); return; }

    char cc[4];
    if (!tk.paren || tk.g[0] <= 4) {
        if (pii_phone_national_ok(raw, rawlen, cc)) {
            const uint8_t *nat_d = tk.d;
            size_t nn = tk.nd;
            if (cc[0] == '1' && cc[1] == 0 && nn == 11) { nat_d++; nn--; }
            else if (cc[0] && cc[0] != '1' && nat_d[0] == '0' && strcmp(cc, "39") != 0) { nat_d++; nn--; }
            phone(sc, cc, nat_d, nn, raw, rawlen, 1, rec);
            mark_span(sc, abs_t);
            return;
        }
    }
    if (cls == PII_CLS_PHONE && tk.nd >= 7 && tk.nd <= 15 && !pii_digits_trivial(tk.d, tk.nd)) {
        if (tk.nd > 10 && tk.d[0] == '0' && tk.d[1] == '0') {
            unsigned ccl = pii_e164_ok(tk.d + 2, tk.nd - 2);
            if (!ccl) return;
            char c2[4] = {0};
            memcpy(c2, tk.d + 2, ccl);
            phone(sc, c2, tk.d + 2 + ccl, tk.nd - 2 - ccl, raw, rawlen, ccl + 2, rec);
        } else {
            phone(sc, NULL, tk.d, tk.nd, raw, rawlen, 1, rec);
        }
        mark_span(sc, abs_t);
    }
}

/* ---- letter-led identifiers ---- */

/* Walk back from w->e over `count` alphanumerics allowing single spaces or
 * dashes between them; returns the start index or SIZE_MAX. */
static size_t back_alnum(const struct pii_win *w, size_t count, bool dashes)
{
    size_t s = w->e, got = 0;
    while (s > 0 && got < count) {
        uint8_t c = w->b[s - 1];
        if (is_alnum(c)) got++;
        else if (!(c == ' ' || (dashes && c == '-')) || (s < w->e && !is_alnum(w->b[s]))) return SIZE_MAX;
        s--;
    }
    return got == count ? s : SIZE_MAX;
}

static bool bounded(const struct pii_win *w, size_t s, size_t e)
{
    return (s == 0 || !is_alnum(w->b[s - 1])) && (e >= w->n || !is_alnum(w->b[e]));
}

static size_t compact(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o < cap; i++)
        if (is_alnum(p[i])) out[o++] = p[i];
    return o;
}

/* An IBAN starting at w->b[s] (two capitals, two check digits, then the
 * BBAN, compact or in groups of four). */
static void judge_iban_at(struct pii_scan *sc, const struct pii_win *w, size_t s, uint64_t rec)
{
    if ((s > 0 && is_alnum(w->b[s - 1])) || w->base + s < sc->span_end) return;
    unsigned L = pii_iban_length(w->b + s);
    if (L == 0) return;
    uint8_t v[34];
    size_t n = 0, t = s;
    while (t < w->n && n < L) {
        if (is_digit(w->b[t]) || is_upper(w->b[t])) { v[n++] = w->b[t++]; continue; }
        if (w->b[t] == ' ' && t + 1 < w->n && is_alnum(w->b[t + 1]) && n % 4 == 0) { t++; continue; }
        break;
    }
    if (n != L || (t < w->n && is_alnum(w->b[t]))) return;
    if (!pii_iban_ok(v, n)) return;
    mark_span(sc, w->base + t);
    char *slot = found(sc, PII_IBAN, v, n, rec);
    if (slot) pii_mask_iban(v, n, slot);
}

static void judge_letter_id(struct pii_scan *sc, const struct pii_item *it)
{
    struct pii_win w;
    pii_window(sc, sub0(it->end, 64), it->end + 64, it->end, &w);
    uint8_t v[24];
    size_t s, e = w.e, n = 0;
    const char *tag = "";
    bool ok = false;
    if (it->pat == PAT_NINO) {              /* spaced: AB 12 34 56 C */
        s = back_alnum(&w, 9, false);
        if (s == SIZE_MAX) return;
        n = compact(w.b + s, e - s, v, sizeof v);
        ok = pii_nino_ok(v, n);
        tag = "nino:";
    } else if (it->pat == PAT_NIR2A) {      /* 7 significant characters so far, 8 digits to come */
        s = back_alnum(&w, 7, false);
        if (s == SIZE_MAX) return;
        while (e < w.n && (is_digit(w.b[e]) || w.b[e] == ' ') && compact(w.b + s, e + 1 - s, v, sizeof v) <= 15) {
            if (w.b[e] == ' ' && (e + 1 >= w.n || !is_digit(w.b[e + 1]))) break;
            e++;
        }
        n = compact(w.b + s, e - s, v, sizeof v);
        ok = n == 15 && pii_nir_ok(v, n);
        tag = "nir:";
    } else {                                /* PAT_LD: capitals, then this digit */
        if (e < 2) return;
        size_t l = e - 1;
        if (w.b[l - 1] == '-') l--;
        s = l;
        while (s > 0 && is_upper(w.b[s - 1])) s--;
        size_t letters = l - s, want = letters == 1 ? 9 : letters == 2 ? 9 : 16;
        if (letters == 2 && pii_iban_length(w.b + s)) {
            judge_iban_at(sc, &w, s, it->rec);
            if (sc->span_end > w.base + s) return;      /* it was an IBAN */
        }
        e = s;
        while (e < w.n && n < want && (is_alnum(w.b[e]) || (letters == 1 && w.b[e] == '-'))) {
            if (w.b[e] != '-') v[n++] = w.b[e];
            e++;
        }
        if (n != want) return;
        if (letters == 1) { ok = pii_nie_ok(v, n); tag = "nie:"; }
        else if (letters == 2) { ok = pii_nino_ok(v, n); tag = "nino:"; }
        else { ok = pii_cf_ok(v, n); tag = "cf:"; }
    }
    if (!ok || !bounded(&w, s, e) || w.base + s < sc->span_end) return;
    mark_span(sc, w.base + e);
    nat_id(sc, tag, v, n, w.b + s, e - s, it->rec);
}

/* ---- credentials ---- */

static void credential(struct pii_scan *sc, const uint8_t *norm, size_t n, const uint8_t *show,
                       size_t showlen, size_t keep, uint64_t rec)
{
    char *slot = found(sc, PII_CREDENTIAL, norm, n, rec);
    if (slot) pii_mask_prefix(show, showlen, keep, slot);
}

static void judge_credential(struct pii_scan *sc, const struct pii_item *it)
{
    struct pii_win w;
    pii_window(sc, sub0(it->end, PII_BACK), it->end + PII_FWD, it->end, &w);
    size_t e = w.e, s, t;
    if (w.base + e < sc->span_end) return;
    switch (it->pat) {
    case PAT_AWS:
        if (e < 20) return;
        s = e - 20;
        if (!bounded(&w, s, e)) return;
        mark_span(sc, w.base + e);
        credential(sc, w.b + s, 20, w.b + s, 20, 4, it->rec);
        return;
    case PAT_GH:
        if (e < 40) return;
        s = e - 40;
        if (!bounded(&w, s, e) || (s > 0 && w.b[s - 1] == '_')) return;
        mark_span(sc, w.base + e);
        credential(sc, w.b + s, 40, w.b + s, 40, 4, it->rec);
        return;
    case PAT_GHPAT:
        if (e < 33) return;
        s = e - 33;
        t = e;
        while (t < w.n && (is_alnum(w.b[t]) || w.b[t] == '_')) t++;
        if (t - s < 50 || (s > 0 && is_alnum(w.b[s - 1]))) return;
        mark_span(sc, w.base + t);
        credential(sc, w.b + s, t - s, w.b + s, t - s, 11, it->rec);
        return;
    case PAT_SLACK: {
        if (e < 15) return;
        s = e - 15;
        t = e;
        while (t < w.n && (is_alnum(w.b[t]) || w.b[t] == '-')) t++;
        size_t dashes = 0, digs = 0;
        for (size_t i = s + 5; i < t; i++) { dashes += w.b[i] == '-'; digs += is_digit(w.b[i]); }
        if (t - s < 24 || dashes < 1 || digs < 6 || (s > 0 && is_alnum(w.b[s - 1]))) return;
        mark_span(sc, w.base + t);
        credential(sc, w.b + s, t - s, w.b + s, t - s, 5, it->rec);
        return;
    }
    case PAT_AZKEY: {
        t = e;
        while (t < w.n && pii_is_b64(w.b[t]) && t - e < 100) t++;
        size_t b64 = t - e;
        while (t < w.n && w.b[t] == '=' && t - e < 90) t++;
        if (t - e != 88 || b64 < 86) return;
        s = e - 11;
        mark_span(sc, w.base + t);
        credential(sc, w.b + e, 88, w.b + s, 11, 11, it->rec);
        return;
    }
    case PAT_PEM: {
        /* Header line, then at least 40 base64 characters of key. */
        s = e;
        while (s > 0 && e - s < 80 && !(w.b[s] == '-' && memcmp(w.b + s, "-----BEGIN", 10) == 0)) s--;
        if (memcmp(w.b + s, "-----BEGIN", 10) != 0) return;
        t = e;
        while (t < w.n && (is_sp(w.b[t]) || (w.b[t] == '\\' && t + 1 < w.n && w.b[t + 1] == 'n'))) t += w.b[t] == '\\' ? 2 : 1;
        while (t < w.n && is_alnum(w.b[t]) && false) t++;
        /* Optional "Proc-Type:" style headers of encrypted PEM are skipped. */
        size_t kb = t, nb = 0;
        while (t < w.n && nb < 64 && (pii_is_b64(w.b[t]) || is_sp(w.b[t]) || w.b[t] == '\\')) {
            if (pii_is_b64(w.b[t])) nb++;
            t++;
        }
        if (nb < 40) return;
        uint8_t norm[80 + 64];
        size_t n = 0;
        for (size_t i = s; i < e && n < 80; i++) norm[n++] = w.b[i];
        for (size_t i = kb; i < t && n < sizeof norm; i++) if (pii_is_b64(w.b[i])) norm[n++] = w.b[i];
        mark_span(sc, w.base + t);
        char *slot = found(sc, PII_CREDENTIAL, norm, n, it->rec);
        if (slot) snprintf(slot, PII_SAMPLE_LEN, "%.*s", (int)(e - s), (const char *)w.b + s);
        return;
    }
    case PAT_JWT: {
        size_t dot = e - 1;
        s = dot;
        while (s > 0 && pii_is_b64url(w.b[s - 1]) && dot - s < PII_BACK) s--;
        if (dot - s < 10 || memcmp(w.b + s, "eyJ", 3) != 0) return;
        if (s > 0 && (pii_is_b64url(w.b[s - 1]) || w.b[s - 1] == '.')) return;
        if (!pii_jwt_header_ok(w.b + s, dot - s)) return;
        t = e;
        while (t < w.n && pii_is_b64url(w.b[t])) t++;
        if (t - e < 10) return;
        if (t < w.n && w.b[t] == '.') {
            t++;
            while (t < w.n && pii_is_b64url(w.b[t])) t++;
        }
        mark_span(sc, w.base + t);
        credential(sc, w.b + s, t - s, w.b + s, t - s, 3, it->rec);
        return;
    }
    default:
        return;
    }
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
        uint8_t h[PII_HASH_LEN];
        pii_keyed_hash(sc->db->keyed, sc->s->work, v, 8, h);
        pii_counter_add(&sc->cnt, &sc->f, PII_EMAIL_MESSAGE, h);
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
    static const char *const w[] = {"null", "none", "nil", "n/a", "na", "-", "unknown", "true",
                                    "false", "undefined", "redacted", "<redacted>", "[redacted]",
                                    "hidden", "string", "changeme?", "***", "xxx", "0", "", NULL};
    for (size_t i = 0; w[i]; i++) {
        size_t l = strlen(w[i]);
        if (l != n) continue;
        size_t j = 0;
        while (j < n && lc(v[j]) == (uint8_t)w[i][j]) j++;
        if (j == n) return true;
    }
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
    char *slot = found(sc, PII_PERSON_NAME, norm, nn, rec);
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
            char *slot = found(sc, PII_DATE_OF_BIRTH, norm, nn, it->rec);
            if (slot) pii_mask_digits(v, n < 10 ? n : 10, 0, 0, slot);
        }
        break;
    case PII_CLS_ADDRESS: {
        size_t letters = 0;
        for (size_t i = 0; i < n; i++) letters += is_alpha(v[i]) || v[i] >= 0x80;
        if (n < 4 || letters < 2) break;
        size_t nn = fold(v, n, norm);
        char *slot = found(sc, PII_POSTAL_ADDRESS, norm, nn, it->rec);
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
        char *slot = found(sc, PII_POSTAL_ADDRESS, norm, nn, it->rec);
        if (slot) pii_mask_digits(v, n, 1, 0, slot);
        break;
    }
    case PII_CLS_PASSWORD: {
        /* One token: prose after "password:" is documentation, not a secret. */
        bool ws = false;
        for (size_t i = 0; i < n; i++) ws |= is_sp(v[i]);
        if (n >= 3 && n <= 256 && !ws && !it->vtrunc) {
            char *slot = found(sc, PII_CREDENTIAL, v, n, it->rec);
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
    case PAT_NUM: judge_num(sc, it); break;
    case PAT_NINO: case PAT_LD: case PAT_NIR2A: judge_letter_id(sc, it); break;
    case PAT_HDR_FROM: case PAT_HDR_TO: case PAT_HDR_SUBJECT: case PAT_HDR_DATE:
    case PAT_HDR_MSGID: judge_header(sc, it); break;
    default: judge_credential(sc, it); break;
    }
}
