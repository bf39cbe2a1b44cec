/* test_scan.c -- unit tests of the scan sub-command's type sniffing.
 *
 * Every input is copied to the very end of a heap block of its exact size, so
 * a read past len is caught by ASan; and every prefix of every input is
 * sniffed too (a body's first block may end anywhere).
 */
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "test.h"

/* Sniff s from a buffer of exactly its length. */
static enum pii_doc_type sniff_exact(const char *s, size_t n, const char **label)
{
    uint8_t *b = malloc(n ? n : 1);
    memcpy(b, s, n);
    enum pii_doc_type t = scan_sniff(b, n, label);
    free(b);
    return t;
}

struct sniff_case {
    const char *body;
    enum pii_doc_type type;
    const char *label;
};

static const struct sniff_case cases[] = {
    { "[{\"a\":1},{\"a\":2}]\n", PII_DOC_JSON, "json" },
    { "  \n{\"a\": {\"b\": [1, 2]}}", PII_DOC_JSON, "json" },
    { "{\"a\":1}\n{\"a\":2}\n", PII_DOC_JSON, "ndjson" },
    { "{\"a\":1}\r\n{\"a\":2}\r\n", PII_DOC_JSON, "ndjson" },
    { "\xEF\xBB\xBF{\"a\":1}\n{\"a\":2}\n", PII_DOC_JSON, "ndjson" },
    { "<?xml version=\"1.0\"?>\n<a><b>1</b></a>\n", PII_DOC_XML, "xml" },
    { "From: A <a@b.com>\r\nTo: c@d.com\r\nSubject: x\r\n\r\nbody\r\n", PII_DOC_EML, "eml" },
    { "Received: by x\r\n\tfolded\r\nFrom: a@b.com\r\nDate: Mon, 1 Jan 2024\r\n\r\nb", PII_DOC_EML, "eml" },
    { "id,name,email\n1,Ann,a@b.com\n2,Bo,b@c.com\n", PII_DOC_CSV, "csv" },
    { "id;name\n1;\"Doe; Jane\"\n", PII_DOC_CSV, "csv" },
    { "id\tname\n1\tAnn\n", PII_DOC_CSV, "csv" },
    { "a|b|c\n1|2|3\n", PII_DOC_CSV, "csv" },
    { "Dear customer, thanks.\nSee you soon\n", PII_DOC_TEXT, "text" },
    { "name: Jane Doe\nemail: j@d.com\n", PII_DOC_TEXT, "text" },      /* no From: header */
    { "From: only one header\r\n\r\nbody", PII_DOC_TEXT, "text" },
    { "a,b\n1,2,3\n", PII_DOC_TEXT, "text" },                          /* inconsistent count */
    { "", PII_DOC_TEXT, "text" },
};

static void t_sniff_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *label = NULL;
        enum pii_doc_type t = sniff_exact(cases[i].body, strlen(cases[i].body), &label);
        CHECK_EQ(t, cases[i].type);
        CHECK(label != NULL && strcmp(label, cases[i].label) == 0);
        if (t != cases[i].type || !label || strcmp(label, cases[i].label) != 0)
            fprintf(stderr, "case %zu: got %d/%s want %d/%s\n", i, (int)t, label ? label : "(null)",
                    (int)cases[i].type, cases[i].label);
    }
}

/* Every prefix sniffs to some type with a label and reads nothing past it. */
static void t_sniff_prefixes(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].body);
        for (size_t k = 0; k <= n; k++) {
            const char *label = NULL;
            enum pii_doc_type t = sniff_exact(cases[i].body, k, &label);
            CHECK(label != NULL);
            CHECK(t >= PII_DOC_AUTO && t <= PII_DOC_EML && t != PII_DOC_AUTO);
        }
    }
}

/* The label agrees with the type for every case (ndjson is a JSON doc). */
static void t_label_matches_type(void)
{
    static const struct { const char *label; enum pii_doc_type t; } map[] = {
        { "json", PII_DOC_JSON }, { "ndjson", PII_DOC_JSON }, { "xml", PII_DOC_XML },
        { "eml", PII_DOC_EML }, { "csv", PII_DOC_CSV }, { "text", PII_DOC_TEXT },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *label = NULL;
        enum pii_doc_type t = sniff_exact(cases[i].body, strlen(cases[i].body), &label);
        int found = 0;
        for (size_t m = 0; m < sizeof map / sizeof map[0]; m++)
            if (label && strcmp(label, map[m].label) == 0) { found = 1; CHECK_EQ(t, map[m].t); }
        CHECK(found);
    }
}

/* Only the first 4 KB count: a CSV whose second line starts past 4 KB is text. */
static void t_sniff_window(void)
{
    size_t n = 5000;
    char *s = malloc(n + 16);
    memset(s, 'x', n);
    s[0] = 'a'; s[1] = ',';
    s[n - 4] = '\n'; s[n - 3] = '1'; s[n - 2] = ','; s[n - 1] = '2';
    const char *label = NULL;
    CHECK_EQ(sniff_exact(s, n, &label), PII_DOC_TEXT);
    /* the same shape inside the window is CSV */
    s[10] = '\n'; s[11] = '1'; s[12] = ','; s[13] = '2'; s[14] = '\n';
    CHECK_EQ(sniff_exact(s, n, &label), PII_DOC_CSV);
    free(s);
}

int main(void)
{
    RUN(t_sniff_cases);
    RUN(t_sniff_prefixes);
    RUN(t_label_matches_type);
    RUN(t_sniff_window);
    return test_done();
}
