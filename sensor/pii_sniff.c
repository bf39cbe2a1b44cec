/* pii_sniff.c -- what a body is (JSON, XML, RFC 5322 message, CSV/TSV or
 * text) from its first bytes, for a scan opened as PII_DOC_AUTO (pii_ctx.h). */
#include "pii_ctx.h"

#include <string.h>

static inline bool is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline uint8_t lc(uint8_t c) { return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c; }
static inline bool is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static bool header_line(const uint8_t *p, size_t len)
{
    size_t i = 0;
    while (i < len && (is_alnum(p[i]) || p[i] == '-')) i++;
    return i > 0 && i < len && p[i] == ':';
}

enum pii_doc_type pii_sniff(const uint8_t *p, size_t len, bool final)
{
    size_t i = 0;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;
    while (i < len && is_ws(p[i])) i++;
    if (i == len) return final ? PII_DOC_TEXT : PII_DOC_AUTO;
    if (p[i] == '{' || p[i] == '[') return PII_DOC_JSON;
    if (p[i] == '<') return PII_DOC_XML;
    /* The rest needs the first two lines. */
    const uint8_t *nl1 = memchr(p + i, '\n', len - i);
    const uint8_t *nl2 = nl1 ? memchr(nl1 + 1, '\n', (size_t)(p + len - nl1 - 1)) : NULL;
    if (!nl2 && !final) return PII_DOC_AUTO;
    /* RFC 5322: header lines up to the blank line, known names among them. */
    if (header_line(p + i, len - i)) {
        static const char *const known[] = {"from:", "to:", "subject:", "date:", "message-id:",
                                            "received:", "return-path:", "mime-version:", "cc:",
                                            "reply-to:", "content-type:", NULL};
        unsigned hits = 0;
        size_t s = i;
        while (s < len) {
            const uint8_t *e = memchr(p + s, '\n', len - s);
            size_t l = e ? (size_t)(e - p) - s : len - s;
            if (l == 0 || (l == 1 && p[s] == '\r')) break;
            for (size_t k = 0; known[k]; k++) {
                size_t kl = strlen(known[k]), j = 0;
                while (j < kl && j < l && lc(p[s + j]) == (uint8_t)known[k][j]) j++;
                if (j == kl) { hits++; break; }
            }
            if (!e) break;
            s = (size_t)(e - p) + 1;
        }
        if (hits >= 2) return PII_DOC_EML;
    }
    /* CSV: a delimiter on line 1 and the same count on line 2. */
    if (nl1) {
        static const uint8_t cand[4] = {',', '\t', ';', '|'};
        const uint8_t *l2 = nl1 + 1, *e2 = nl2 ? nl2 : p + len;
        for (int k = 0; k < 4; k++) {
            unsigned a = 0, b = 0;
            bool q = false;
            for (const uint8_t *x = p + i; x < nl1; x++) { if (*x == '"') q = !q; a += !q && *x == cand[k]; }
            q = false;
            for (const uint8_t *x = l2; x < e2; x++) { if (*x == '"') q = !q; b += !q && *x == cand[k]; }
            if (a >= 1 && a == b) return PII_DOC_CSV;
        }
    }
    return PII_DOC_TEXT;
}
