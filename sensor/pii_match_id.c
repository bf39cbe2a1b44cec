/* pii_match_id.c -- judges of digit and letter-led candidates: payment
 * cards, phones (E.164 and national formats, bare digits in phone fields),
 * national identifiers, IBANs, and credential tokens. See pii_int.h for how
 * candidates reach them. */
#include <stdio.h>
#include <string.h>

#include "pii_int.h"
#include "pii_validate.h"

static inline bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static inline bool is_upper(uint8_t c) { return c >= 'A' && c <= 'Z'; }
static inline bool is_alpha(uint8_t c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline bool is_alnum(uint8_t c) { return is_digit(c) || is_alpha(c); }
static inline bool is_sp(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static inline uint64_t sub0(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

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
    char *slot = pii_found(sc, PII_NATIONAL_ID, norm, tl + n, rec);
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
    char *slot = pii_found(sc, PII_PHONE, norm, o + n, rec);
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

void pii_judge_num(struct pii_scan *sc, const struct pii_item *it)
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
                pii_mark_span(sc, w.base + li + 1);
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
            pii_mark_span(sc, abs_t);
        }
        return;
    }
    /* Look-alikes: dates, IPv4 addresses, version strings. */
    if (pii_date_ok(raw, rawlen, 2100)) return;
    if (tk.sep == '.' && tk.ng == 4 && tk.g[0] <= 3 && tk.g[1] <= 3 && tk.g[2] <= 3 && tk.g[3] <= 3)
        return;
    if (cls == PII_CLS_NEG) return;

    if (tk.nd >= 13 && tk.nd <= 19 && card_grouping(&tk) && pii_card_ok(tk.d, tk.nd)) {
        char *slot = pii_found(sc, PII_PAYMENT_CARD, tk.d, tk.nd, rec);
        if (slot) pii_mask_digits(raw, rawlen, 0, 4, slot);
        pii_mark_span(sc, abs_t);
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
    if (nat) { pii_mark_span(sc, abs_t); return; }

    char cc[4];
    if (!tk.paren || tk.g[0] <= 4) {
        if (pii_phone_national_ok(raw, rawlen, cc)) {
            const uint8_t *nat_d = tk.d;
            size_t nn = tk.nd;
            if (cc[0] == '1' && cc[1] == 0 && nn == 11) { nat_d++; nn--; }
            else if (cc[0] && cc[0] != '1' && nat_d[0] == '0' && strcmp(cc, "39") != 0) { nat_d++; nn--; }
            phone(sc, cc, nat_d, nn, raw, rawlen, 1, rec);
            pii_mark_span(sc, abs_t);
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
        pii_mark_span(sc, abs_t);
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
    pii_mark_span(sc, w->base + t);
    char *slot = pii_found(sc, PII_IBAN, v, n, rec);
    if (slot) pii_mask_iban(v, n, slot);
}

void pii_judge_letter_id(struct pii_scan *sc, const struct pii_item *it)
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
    pii_mark_span(sc, w.base + e);
    nat_id(sc, tag, v, n, w.b + s, e - s, it->rec);
}

/* ---- credentials ---- */

static void credential(struct pii_scan *sc, const uint8_t *norm, size_t n, const uint8_t *show,
                       size_t showlen, size_t keep, uint64_t rec)
{
    char *slot = pii_found(sc, PII_CREDENTIAL, norm, n, rec);
    if (slot) pii_mask_prefix(show, showlen, keep, slot);
}

void pii_judge_credential(struct pii_scan *sc, const struct pii_item *it)
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
        pii_mark_span(sc, w.base + e);
        credential(sc, w.b + s, 20, w.b + s, 20, 4, it->rec);
        return;
    case PAT_GH:
        if (e < 40) return;
        s = e - 40;
        if (!bounded(&w, s, e) || (s > 0 && w.b[s - 1] == '_')) return;
        pii_mark_span(sc, w.base + e);
        credential(sc, w.b + s, 40, w.b + s, 40, 4, it->rec);
        return;
    case PAT_GHPAT:
        if (e < 33) return;
        s = e - 33;
        t = e;
        while (t < w.n && (is_alnum(w.b[t]) || w.b[t] == '_')) t++;
        if (t - s < 50 || (s > 0 && is_alnum(w.b[s - 1]))) return;
        pii_mark_span(sc, w.base + t);
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
        pii_mark_span(sc, w.base + t);
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
        pii_mark_span(sc, w.base + t);
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
        pii_mark_span(sc, w.base + t);
        char *slot = pii_found(sc, PII_CREDENTIAL, norm, n, it->rec);
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
        pii_mark_span(sc, w.base + t);
        credential(sc, w.b + s, t - s, w.b + s, t - s, 3, it->rec);
        return;
    }
    default:
        return;
    }
}
