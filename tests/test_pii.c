/* test_pii.c -- the PII engine through pii.h only: kinds found in each
 * document type, look-alikes not found, the same findings whatever the feed
 * split, exact distinct counts on generated bodies, caps and gaps. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pii.h"
#include "pii_count.h"
#include "pii_validate.h"
#include "test.h"

static pii_db *db;
static pii_scratch *scr;

static void scan_split(pii_db *d, enum pii_doc_type t, const char *body, size_t len,
                       const size_t *cuts, size_t ncuts, struct pii_findings *out)
{
    pii_scratch *s = pii_scratch_new(d);
    pii_scan *sc = pii_scan_open(d, s, t);
    size_t o = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t e = i < ncuts ? cuts[i] : len;
        /* Each piece from its own heap copy: over-reads show under ASan. */
        char *piece = malloc(e - o + 1);
        memcpy(piece, body + o, e - o);
        pii_scan_feed(sc, (const uint8_t *)piece, e - o);
        free(piece);
        o = e;
    }
    pii_scan_close(sc, out);
    pii_scratch_free(s);
}

static void scan(enum pii_doc_type t, const char *body, struct pii_findings *out)
{
    pii_scan *sc = pii_scan_open(db, scr, t);
    pii_scan_feed(sc, (const uint8_t *)body, strlen(body));
    pii_scan_close(sc, out);
}

static int cmp_hash(const void *x, const void *y)
{
    const struct pii_hash *a = x, *b = y;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    return memcmp(a->h, b->h, PII_HASH_LEN);
}

/* The same keyed hashes, in whatever order (findings keep the set's). */
static int same_hash_set(const struct pii_findings *a, const struct pii_findings *b)
{
    size_t n = a->n_hashes, sz = n * sizeof *a->hashes;
    struct pii_hash *x = malloc(sz), *y = malloc(sz);
    int r = 0;
    if (x && y) {
        memcpy(x, a->hashes, sz);
        memcpy(y, b->hashes, sz);
        qsort(x, n, sizeof *x, cmp_hash);
        qsort(y, n, sizeof *y, cmp_hash);
        r = memcmp(x, y, sz) == 0;
    }
    free(x);
    free(y);
    return r;
}

/* 1 if two findings are the same in every figure, sample and hash. */
static int same(const struct pii_findings *a, const struct pii_findings *b)
{
    if (a->total != b->total || a->distinct != b->distinct || a->records != b->records ||
        a->organizations != b->organizations || a->complete != b->complete ||
        a->bytes_scanned != b->bytes_scanned || a->n_hashes != b->n_hashes || a->n_orgs != b->n_orgs)
        return 0;
    for (int k = 0; k < PII__COUNT; k++) {
        const struct pii_kind_result *x = &a->kind[k], *y = &b->kind[k];
        if (x->count != y->count || x->distinct != y->distinct || x->n_samples != y->n_samples) return 0;
        for (unsigned i = 0; i < x->n_samples; i++)
            if (strcmp(x->samples[i], y->samples[i]) != 0) return 0;
    }
    if (a->n_hashes && !same_hash_set(a, b)) return 0;
    for (size_t i = 0; i < a->n_orgs; i++)
        if (strcmp(a->orgs[i].domain, b->orgs[i].domain) != 0 || a->orgs[i].count != b->orgs[i].count)
            return 0;
    return 1;
}

/* ---- bodies ---- */

static const char csv_body[] =
    "id,first_name,last_name,email,phone,order_id,dob,zip\r\n"
    "1,Jane,Doe,jane.doe@acme-corp.com,+31 6 48213577,4111111111111111,1985-03-12,1011 AB\r\n"
    "2,\"Pieter\",\"van Dijk\",p.vandijk@acme-corp.com,0612345671,88120012,12/03/1979,3511 CD\r\n"
    "3,Ana,Souza,ana.souza@gmail.com,(415) 555-2671,77310045,1990-07-01,94105\r\n"
    "4,\"O'Brien, Sean\",x,\"sean@corp.example.ie\",n/a,,,\r\n";

static const char json_body[] =
    "{\"value\":[{\"firstName\":\"Jan\",\"lastName\":\"de Vries\",\"email\":\"jan@bedrijf.nl\","
    "\"phone\":\"0612345678\",\"order_id\":\"4111111111111111\",\"dob\":\"1980-02-29\","
    "\"address\":\"Damrak 1, Amsterdam\",\"password\":\"s3cret!\"},"
    "{\"firstName\":\"Ana\",\"lastName\":\"Souza\",\"email\":\"ana@gmail.com\","
    "\"phones\":[\"+55 11 91234 5678\"],\"cpf\":\"52998224725\","
    "\"iban\":\"DE89 3704 0044 0532 0130 00\",\"note\":\"card 4242 4242 4242 4242\"}]}";

/* '@' everywhere, few of them addresses: scoped package names, mentions,
 * empty local parts, a git remote (on_match drops the '@' with no local part
 * before it when that byte is in the feed, judge_email the rest) */
static const char at_body[] =
    "{\"dependencies\":{\"@babel/core\":\"^7.0.0\",\"@types/node\":\"*\"},\"maintainers\":"
    "[{\"name\":\"anna\",\"email\":\"anna.bos@kpnmail.nl\"}],\"readme\":\"ping @anna or mail "
    "jan+news@ziggo.nl, not .@bedrijf.nl, -@bedrijf.nl or (@bedrijf.nl), see git@github.com:org/repo\","
    "\"author\":\"Piet <piet@bedrijf.nl>\",\"x\":\"@\",\"y\":\"a@\"}";

static const char ndjson_body[] =
    "{\"name\":\"Jane Doe\",\"mail\":\"jane@x-corp.com\",\"tel\":\"020 7946 0958\"}\n"
    "{\"name\":\"John Smith\",\"mail\":\"john@x-corp.com\",\"ssn\":\"536-22-1234\"}\n"
    "{\"name\":\"server-01\",\"id\":\"4111111111111111\"}\n";

static const char xml_body[] =
    "<?xml version=\"1.0\"?>\n<customers>\n"
    " <customer><name>Jane Doe</name><email>jane@x-corp.com</email><phone>0612345678</phone></customer>\n"
    " <customer><FirstName>Kees</FirstName><Surname>Jansen</Surname><Order>12345678901</Order>"
    "<![CDATA[contact: k.jansen@example.org]]></customer>\n"
    " <customer><note>nothing here</note></customer>\n</customers>\n";

static const char eml_body[] =
    "From: \"Jane Doe\" <jane.doe@acme-corp.com>\r\n"
    "To: Bob Stone <bob@partner.co.uk>\r\n"
    "Subject: contract\r\n"
    "Date: Sat, 24 Sep 2022 10:11:12 +0000\r\n"
    "Message-ID: <abc@acme-corp.com>\r\n"
    "\r\n"
    "Hi Bob,\r\nplease call me at +44 20 7946 0958.\r\nJane\r\n";

static const char text_body[] =
    "Contact: Jane Doe <jane.doe@acme-corp.com>, phone +31 6 12345678\n"
    "Card 4111 1111 1111 1111 and IBAN NL91 ABNA 0417 1643 00.\n"
    "US: (415) 555-2671; UK 020 7946 0958; SSN 536-22-1234\n"
    "name@2x.png user@localhost git@github.com:org/repo foo@1.2.3\n"
    "phone: 0612345678\n"
    "order_id: 4111111111111111\n"
    "AKIAIOSFODNN7EXAMPLE\n"
    "Name: Maria Garcia\n"
    "dob: 1985-03-12\n"
    "password: hunter22\n"
    "token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n"
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aumkGT5yE1vQXtLhHyPzVnV1Zk\n-----END RSA PRIVATE KEY-----\n"
    "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;\n"
    "gh token ghp_16C7e42F292c6912E7710c838347Ae178B4a and NIE X1234567L, DNI 48239571T\n";

static const char ids_body[] =
    "iban NL91ABNA0417164300, nino AB123456C and JG 10 37 29 A, cf RSSMRA85T10A562S,\n"
    "nie Y1234567X, ssn 536-22-1234, cpf 529.982.247-25, nir 2 84 05 2A 451 089 xx\n"
    "slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\n"
    "config:\n  db_password: \"pa55word!\"\n  api_secret = xyz123abc\n"
    "Address: 221B Baker Street, London\nFN:Sherlock Holmes\n";

static void t_text(void)
{
    struct pii_findings f;
    scan(PII_DOC_TEXT, text_body, &f);
    CHECK_EQ(f.kind[PII_EMAIL].count, 1);
    CHECK_EQ(f.kind[PII_PHONE].count, 4);
    CHECK_EQ(f.kind[PII_PAYMENT_CARD].count, 1);     /* the order_id line is not a card */
    CHECK_EQ(f.kind[PII_IBAN].count, 1);
    CHECK_EQ(f.kind[PII_NATIONAL_ID].count, 2);      /* SSN + DNI (the NIE check letter is wrong) */
    CHECK_EQ(f.kind[PII_PERSON_NAME].count, 2);      /* display name + "Name:" line */
    CHECK_EQ(f.kind[PII_DATE_OF_BIRTH].count, 1);
    CHECK_EQ(f.kind[PII_CREDENTIAL].count, 6);       /* AWS, password, JWT, PEM, AccountKey, ghp_ */
    CHECK_EQ(f.organizations, 1);
    CHECK_EQ(f.records, 12);                         /* lines with a finding */
    CHECK(f.complete);
    CHECK_STR(f.kind[PII_EMAIL].samples[0], "j***@a***.com");
    CHECK_STR(f.kind[PII_PAYMENT_CARD].samples[0], "**** **** **** 1111");
    CHECK_STR(f.kind[PII_PHONE].samples[0], "+31 6 ******78");
    pii_findings_free(&f);
}

static void t_at_signs(void)
{
    struct pii_findings f;
    scan(PII_DOC_JSON, at_body, &f);
    CHECK_EQ(f.kind[PII_EMAIL].count, 3);   /* anna.bos@, jan+news@, piet@ */
    CHECK_EQ(f.kind[PII_EMAIL].distinct, 3);
    pii_findings_free(&f);
}

static void t_csv(void)
{
    struct pii_findings f;
    scan(PII_DOC_AUTO, csv_body, &f);
    CHECK_EQ(f.kind[PII_EMAIL].count, 4);
    CHECK_EQ(f.kind[PII_PHONE].count, 3);            /* bare 0612345671 counts in the phone column */
    CHECK_EQ(f.kind[PII_PAYMENT_CARD].count, 0);     /* order_id column */
    CHECK_EQ(f.kind[PII_PERSON_NAME].count, 7);      /* 3 x first + last, "O'Brien, Sean" */
    CHECK_EQ(f.kind[PII_DATE_OF_BIRTH].count, 3);
    CHECK_EQ(f.kind[PII_POSTAL_ADDRESS].count, 3);
    CHECK_EQ(f.records, 4);
    CHECK_EQ(f.organizations, 2);                    /* acme-corp.com, example.ie */
    CHECK_EQ(f.n_orgs, 2);
    CHECK(f.n_orgs == 2 && strcmp(f.orgs[0].domain, "acme-corp.com") == 0 && f.orgs[0].count == 2);
    pii_findings_free(&f);
}

static void t_json(void)
{
    struct pii_findings f;
    scan(PII_DOC_JSON, json_body, &f);
    CHECK_EQ(f.kind[PII_EMAIL].count, 2);
    CHECK_EQ(f.kind[PII_PHONE].count, 2);
    CHECK_EQ(f.kind[PII_PAYMENT_CARD].count, 1);     /* the note, not the order_id */
    CHECK_EQ(f.kind[PII_NATIONAL_ID].count, 1);
    CHECK_EQ(f.kind[PII_IBAN].count, 1);
    CHECK_EQ(f.kind[PII_PERSON_NAME].count, 4);
    CHECK_EQ(f.kind[PII_DATE_OF_BIRTH].count, 1);
    CHECK_EQ(f.kind[PII_POSTAL_ADDRESS].count, 1);
    CHECK_EQ(f.kind[PII_CREDENTIAL].count, 1);
    CHECK_EQ(f.records, 2);
    CHECK_EQ(f.organizations, 1);
    pii_findings_free(&f);

    scan(PII_DOC_AUTO, ndjson_body, &f);
    CHECK_EQ(f.kind[PII_EMAIL].count, 2);
    CHECK_EQ(f.kind[PII_PERSON_NAME].count, 2);      /* "server-01" is not a name */
    CHECK_EQ(f.kind[PII_PHONE].count, 1);
    CHECK_EQ(f.kind[PII_NATIONAL_ID].count, 1);
    CHECK_EQ(f.kind[PII_PAYMENT_CARD].count, 0);     /* "id" field */
    CHECK_EQ(f.records, 2);
    CHECK_EQ(f.kind[PII_EMAIL].distinct, 2);
    pii_findings_free(&f);
}

static void t_xml(void)
{
    struct pii_findings f;
    scan(PII_DOC_AUTO, xml_body, &f);
    CHECK_EQ(f.kind[PII_EMAIL].count, 2);
    CHECK_EQ(f.kind[PII_PHONE].count, 1);
    CHECK_EQ(f.kind[PII_PERSON_NAME].count, 3);
    CHECK_EQ(f.records, 2);
    pii_findings_free(&f);
}

static void t_eml(void)
{
    struct pii_findings f;
    scan(PII_DOC_AUTO, eml_body, &f);
    CHECK_EQ(f.kind[PII_EMAIL_MESSAGE].count, 1);
    CHECK_EQ(f.kind[PII_EMAIL].count, 2);            /* from, to; not the Message-ID */
    CHECK_EQ(f.kind[PII_PERSON_NAME].count, 2);      /* "Jane Doe", Bob Stone */
    CHECK_EQ(f.kind[PII_PHONE].count, 1);
    CHECK_EQ(f.records, 1);
    pii_findings_free(&f);

    /* The same message stored in a JSON field. */
    const char *js = "{\"raw\":\"From: jane@acme-corp.com\\r\\nTo: bob@partner.co.uk\\r\\nSubject: hi\\r\\n\\r\\nbody\"}";
    scan(PII_DOC_JSON, js, &f);
    CHECK_EQ(f.kind[PII_EMAIL_MESSAGE].count, 1);
    CHECK_EQ(f.kind[PII_EMAIL].count, 2);
    pii_findings_free(&f);
}

/* Identifiers and credentials made valid here, in text, then corrupted. */
static void t_ids_and_credentials(void)
{
    char iban[40], tmp[40], uid[16] = "234567890120", body[2048];
    snprintf(tmp, sizeof tmp, "%s%s00", "ABNA0417164300", "NL");
    int r = pii_mod97((const uint8_t *)tmp, strlen(tmp));
    snprintf(iban, sizeof iban, "NL%c%cABNA0417164300", '0' + (98 - r) / 10, '0' + (98 - r) % 10);
    for (char c = '0'; c <= '9'; c++) {
        uid[11] = c;
        if (pii_verhoeff_ok((const uint8_t *)uid, 12)) break;
    }
    static const char L[] = "TRWAGMYFPDXBNJZSQVHLCKE";
    snprintf(body, sizeof body,
             "iban %s, nino AB123456C and JG 10 37 29 A, cf RSSMRA85T10A562S,\n"
             "nie Y1234567%c, aadhaar %.4s %.4s %.4s, cpf 529.982.247-25\n"
             "slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\n"
             "github_pat_11ABCDEFG0123456789abc_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ\n"
             "config:\n  db_password: \"pa55word!\"\n  api_secret = xyz123abc\n"
             "Address: 221B Baker Street, London\nFN:Sherlock Holmes\n",
             iban, L[(10000000u + 1234567u) % 23], uid, uid + 4, uid + 8);
    struct pii_findings f;
    scan(PII_DOC_TEXT, body, &f);
    CHECK_EQ(f.kind[PII_IBAN].count, 1);
    CHECK_EQ(f.kind[PII_NATIONAL_ID].count, 6);      /* 2 NINO, CF, NIE, Aadhaar, CPF */
    CHECK_EQ(f.kind[PII_CREDENTIAL].count, 4);       /* slack, github_pat, 2 secrets */
    CHECK_EQ(f.kind[PII_POSTAL_ADDRESS].count, 1);
    CHECK_EQ(f.kind[PII_PERSON_NAME].count, 1);
    CHECK_EQ(f.total, 13);
    pii_findings_free(&f);

    /* One character off in each: nothing. */
    char *bad = body;
    char *p = strstr(bad, iban);
    if (p) p[6] = p[6] == '9' ? '8' : (char)(p[6] + 1);
    p = strstr(bad, "RSSMRA85T10A562S");
    if (p) p[15] = 'T';
    p = strstr(bad, "AB123456C");
    if (p) p[8] = 'E';
    p = strstr(bad, "529.982.247-25");
    if (p) p[13] = '6';
    p = strstr(bad, "nie Y");
    if (p) p[4] = 'X';
    p = strstr(bad, uid + 8);
    if (p) p[3] = p[3] == '9' ? '0' : (char)(p[3] + 1);
    scan(PII_DOC_TEXT, bad, &f);
    CHECK_EQ(f.kind[PII_IBAN].count, 0);
    CHECK_EQ(f.kind[PII_NATIONAL_ID].count, 1);      /* the spaced NINO is left */
    pii_findings_free(&f);
}

static void t_lookalikes(void)
{
    static const char *const bodies[] = {
        "request 550e8400-e29b-41d4-a716-446655440000 done in 12 ms\n"
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
        "at 2022-09-24T10:11:12.345678Z and 1664014272 epoch, 24/09/2022, 09.24.2022\n"
        "ip 192.168.100.200 and 10.0.0.1, versions 1.2.3.4 and 10.11.12.13 and v2.14.1234567\n"
        "price $1,234,567.89 or 1.234.567,89 EUR, qty 1000000\n"
        "ISBN 978-3-16-148410-0, order ORD-2022-000123, tracking 1Z999AA10123456784\n"
        "blob aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQgMTIzNDU2Nzg5MDEyMzQ1Njc4OTA=\n"
        "js: function(a){return a.b+1234567*c[12345678]}var x=0x1234567;\n"
        "name@2x.png user@localhost git@github.com:org/repo.git foo@1.2.3 @babel/core\n"
        "https://user@host.example.com/x and ssh://git@gitlab.com/group/repo\n"
        "1111111 0000000 1234567890 9876543210\n",
        "[{\"id\":1234567890123,\"ts\":1664014272000,\"sku\":\"4111111111111111\",\"ver\":\"1.2.3\"}]",
        "sku,qty,price\n4111111111111111,3,12.50\n5555555555554444,1,99.00\n",
    };
    static const enum pii_doc_type types[] = {PII_DOC_TEXT, PII_DOC_JSON, PII_DOC_CSV};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct pii_findings f;
        scan(types[i], bodies[i], &f);
        CHECK_EQ(f.total, 0);
        CHECK_EQ(f.records, 0);
        pii_findings_free(&f);
    }
}

/* Same findings for the whole body, every two-piece split, random splits
 * and one byte at a time. */
static void t_streaming_equivalence(void)
{
    static const char *const bodies[] = {csv_body, json_body, ndjson_body, xml_body, eml_body, text_body,
                                         ids_body, at_body};
    static const enum pii_doc_type types[] = {PII_DOC_CSV, PII_DOC_JSON, PII_DOC_AUTO, PII_DOC_XML,
                                              PII_DOC_EML, PII_DOC_TEXT, PII_DOC_AUTO, PII_DOC_JSON};
    uint64_t seed = 12345;
    for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; b++) {
        size_t len = strlen(bodies[b]);
        struct pii_findings whole, f;
        scan_split(db, types[b], bodies[b], len, NULL, 0, &whole);
        CHECK(whole.total > 0);
        int bad = 0;
        for (size_t cut = 1; cut < len; cut++) {
            scan_split(db, types[b], bodies[b], len, &cut, 1, &f);
            if (!same(&whole, &f)) bad++;
            pii_findings_free(&f);
        }
        for (int r = 0; r < 50; r++) {
            size_t cuts[16], n = 0, at = 0;
            while (n < 16) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                at += 1 + (size_t)(seed >> 33) % (len / 4 + 1);
                if (at >= len) break;
                cuts[n++] = at;
            }
            scan_split(db, types[b], bodies[b], len, cuts, n, &f);
            if (!same(&whole, &f)) bad++;
            pii_findings_free(&f);
        }
        size_t *all = malloc(len * sizeof *all);
        for (size_t i = 0; i + 1 < len; i++) all[i] = i + 1;
        scan_split(db, types[b], bodies[b], len, all, len - 1, &f);
        if (!same(&whole, &f)) bad++;
        pii_findings_free(&f);
        free(all);
        CHECK_EQ(bad, 0);
        pii_findings_free(&whole);
    }
}

/* Random bodies stitched from PII-like and structural fragments: whatever
 * they hold, the findings must not depend on the split, and nothing may
 * read out of bounds (ASan). */
static void t_random_bodies(void)
{
    static const char *const frags[] = {
        "jane.doe@acme-corp.com", "@", "\"", "\\", "{", "}", "[", "]", ",", ":", "\n", "\r\n", " ",
        "<a>", "</a>", "<name>", "</name>", "<![CDATA[", "]]>", "<!--", "-->", "name,phone\n",
        "\"phone\":", "\"name\":\"Jane Doe\"", "+31 6 12345678", "4111 1111 1111 1111", "0612345678",
        "NL91ABNA0417164300", "AB123456C", "X1234567L", "2A", "1 84 05 2A", "AKIAIOSFODNN7EXAMPLE",
        "eyJhbGciOiJIUzI1NiJ9.", "eyJzdWIiOiIxIn0", "-----BEGIN PRIVATE KEY-----", "AccountKey=",
        "From: a@b.com\n", "To: c@d.org\n", "Subject: x\n", "Date: y\n", "password: x\n", "dob: 1980-01-01\n",
        "1234567", "(", ")", "-", ".", "/", "\t", ";", "|", "é", "\xff", "\x00", "2022-09-24", "192.168.1.1",
    };
    const size_t nf = sizeof frags / sizeof frags[0];
    uint64_t seed = 99, found_total = 0;
    int bad = 0;
    for (int round = 0; round < 60; round++) {
        char body[4096];
        size_t len = 0;
        while (len < 1500) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            const char *fr = frags[(seed >> 33) % nf];
            size_t l = strlen(fr);
            if (fr[0] == 0) l = 1;                /* the NUL fragment */
            memcpy(body + len, fr, l);
            len += l;
        }
        enum pii_doc_type t = (enum pii_doc_type)(round % 6);
        struct pii_findings whole, f;
        scan_split(db, t, body, len, NULL, 0, &whole);
        found_total += whole.total;
        for (int r = 0; r < 4; r++) {
            size_t cuts[40], n = 0, at = 0;
            while (n < 40) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                at += 1 + (size_t)(seed >> 33) % (r == 0 ? 3 : 200);
                if (at >= len) break;
                cuts[n++] = at;
            }
            scan_split(db, t, body, len, cuts, n, &f);
            if (!same(&whole, &f)) bad++;
            pii_findings_free(&f);
        }
        pii_findings_free(&whole);
    }
    CHECK_EQ(bad, 0);
    CHECK(found_total > 60);
}

/* A body packed with candidates (an "@a" every two bytes) grows the queue
 * past its first size when fed byte by byte; findings stay the same. */
static void t_dense_candidates(void)
{
    size_t len = 0;
    char *b = malloc(9000);
    for (int i = 0; i < 4000; i++) { b[len++] = '@'; b[len++] = 'a'; }
    len += (size_t)sprintf(b + len, " jane@acme-corp.com 4111 1111 1111 1111\n");
    size_t *all = malloc(len * sizeof *all);
    for (size_t i = 0; i + 1 < len; i++) all[i] = i + 1;
    struct pii_findings whole, f;
    scan_split(db, PII_DOC_TEXT, b, len, NULL, 0, &whole);
    scan_split(db, PII_DOC_TEXT, b, len, all, len - 1, &f);
    CHECK(same(&whole, &f));
    CHECK_EQ(whole.kind[PII_EMAIL].count, 1);
    CHECK_EQ(whole.kind[PII_PAYMENT_CARD].count, 1);
    pii_findings_free(&whole);
    pii_findings_free(&f);
    free(all);
    free(b);
}

/* A generated CSV with a known number of distinct people, each repeated. */
static char *gen_people(unsigned people, unsigned repeat, size_t *len)
{
    size_t cap = (size_t)people * repeat * 96 + 64, o = 0;
    char *b = malloc(cap);
    o += (size_t)snprintf(b + o, cap - o, "name,email,phone\n");
    for (unsigned r = 0; r < repeat; r++)
        for (unsigned i = 0; i < people; i++)
            o += (size_t)snprintf(b + o, cap - o, "Person %c%c,User.%u@Org%u-example.com,+31 6 %08u\n",
                                  'A' + i % 26, 'a' + i / 26 % 26, i, i % 7, 40000000 + i * 7);
    *len = o;
    return b;
}

static void t_distinct(void)
{
    size_t len;
    char *b = gen_people(300, 3, &len);
    struct pii_findings f;
    scan_split(db, PII_DOC_CSV, b, len, NULL, 0, &f);
    CHECK_EQ(f.kind[PII_EMAIL].count, 900);
    CHECK_EQ(f.kind[PII_EMAIL].distinct, 300);       /* case-folded */
    CHECK_EQ(f.kind[PII_PHONE].count, 900);
    CHECK_EQ(f.kind[PII_PHONE].distinct, 300);
    CHECK_EQ(f.kind[PII_PERSON_NAME].distinct, 26 * 12 > 300 ? 300 : 26 * 12);
    CHECK_EQ(f.records, 900);
    CHECK_EQ(f.organizations, 7);
    CHECK_EQ(f.n_hashes, f.distinct);
    CHECK_EQ(f.kind[PII_EMAIL].n_samples, 3);
    pii_findings_free(&f);

    /* Past max_distinct: estimates, within a few percent. */
    struct pii_config cfg;
    pii_config_defaults(&cfg);
    cfg.max_distinct = 100;
    char err[128];
    pii_db *small = pii_db_new(&cfg, err, sizeof err);
    CHECK(small != NULL);
    if (small) {
        scan_split(small, PII_DOC_CSV, b, len, NULL, 0, &f);
        CHECK_EQ(f.n_hashes, 100);
        CHECK_EQ(f.kind[PII_EMAIL].count, 900);
        CHECK(f.kind[PII_EMAIL].distinct >= 285 && f.kind[PII_EMAIL].distinct <= 315);
        pii_findings_free(&f);
        pii_db_free(small);
    }
    free(b);
}

/* Counting a value later (its set lookup after a few more values, its slot
 * prefetched) gives every figure counting it at once gives, whatever the
 * mix of the two calls: across the max_distinct cap (where the order of
 * insertion decides which values are kept exact), with repeats, with the
 * set growing in between. */
static void t_counter_later(void)
{
    struct pii_keyed *keyed = pii_keyed_new((const uint8_t *)"k", 1);
    CHECK(keyed != NULL);
    if (!keyed) return;
    for (unsigned round = 0; round < 40; round++) {
        uint32_t cap = round % 4 == 0 ? 1000000 : 5 + (uint32_t)(test_rand() % 300);
        struct pii_counter a, b;
        struct pii_findings fa, fb;
        memset(&fa, 0, sizeof fa);
        memset(&fb, 0, sizeof fb);
        pii_counter_init(&a, cap, keyed, true);
        pii_counter_init(&b, cap, keyed, true);
        unsigned n = 200 + (unsigned)(test_rand() % 3000), later = 0;
        for (unsigned i = 0; i < n; i++) {
            enum pii_kind k = (enum pii_kind)(test_rand() % PII__COUNT);
            char v[32];
            int vn = snprintf(v, sizeof v, "value-%u", (unsigned)(test_rand() % (n / 2 + 1)));   /* about half are repeats */
            pii_counter_add(&a, &fa, k, (const uint8_t *)v, (size_t)vn);
            if (test_rand() % 4) {
                pii_counter_add_later(&b, &fb, k, (const uint8_t *)v, (size_t)vn);
                later++;
            } else {
                pii_counter_add(&b, &fb, k, (const uint8_t *)v, (size_t)vn);
            }
        }
        pii_counter_finish(&a, &fa);
        pii_counter_finish(&b, &fb);
        CHECK(later > 0);
        CHECK(same(&fa, &fb));
        CHECK_EQ(a.set_n, b.set_n);
        CHECK_EQ(a.estimated, b.estimated);
        for (int k = 0; k < PII__COUNT; k++) CHECK_EQ(a.exact[k], b.exact[k]);
        pii_findings_free(&fa);
        pii_findings_free(&fb);
        pii_counter_free(&a);
        pii_counter_free(&b);
    }
    pii_keyed_free(keyed);
}

static void t_hash_key(void)
{
    struct pii_config a, c;
    pii_config_defaults(&a);
    pii_config_defaults(&c);
    a.hash_key = (const uint8_t *)"key-one";
    a.hash_key_len = 7;
    c.hash_key = (const uint8_t *)"key-two";
    c.hash_key_len = 7;
    char err[128];
    pii_db *da = pii_db_new(&a, err, sizeof err), *dc = pii_db_new(&c, err, sizeof err);
    const char *body = "mail jane@acme-corp.com now\n";
    struct pii_findings fa, fa2, fc;
    scan_split(da, PII_DOC_TEXT, body, strlen(body), NULL, 0, &fa);
    scan_split(da, PII_DOC_TEXT, body, strlen(body), NULL, 0, &fa2);
    scan_split(dc, PII_DOC_TEXT, body, strlen(body), NULL, 0, &fc);
    CHECK(fa.n_hashes == 1 && fc.n_hashes == 1 && fa2.n_hashes == 1);
    if (fa.n_hashes == 1 && fc.n_hashes == 1 && fa2.n_hashes == 1) {
        CHECK(memcmp(fa.hashes[0].h, fa2.hashes[0].h, PII_HASH_LEN) == 0);
        CHECK(memcmp(fa.hashes[0].h, fc.hashes[0].h, PII_HASH_LEN) != 0);
        CHECK_EQ(fa.hashes[0].kind, PII_EMAIL);
    }
    pii_findings_free(&fa);
    pii_findings_free(&fa2);
    pii_findings_free(&fc);
    pii_db_free(da);
    pii_db_free(dc);
}

static void t_cap_gap_config(void)
{
    size_t len;
    char *b = gen_people(100, 1, &len);
    struct pii_config cfg;
    pii_config_defaults(&cfg);
    cfg.scan_cap = len / 2;
    char err[128];
    pii_db *capped = pii_db_new(&cfg, err, sizeof err);
    struct pii_findings f, full;
    scan_split(db, PII_DOC_CSV, b, len, NULL, 0, &full);
    CHECK(full.complete);
    scan_split(capped, PII_DOC_CSV, b, len, NULL, 0, &f);
    CHECK(!f.complete);
    CHECK_EQ(f.bytes_scanned, len / 2);
    CHECK(f.kind[PII_EMAIL].count > 0 && f.kind[PII_EMAIL].count < full.kind[PII_EMAIL].count);
    pii_findings_free(&f);
    pii_db_free(capped);

    /* A gap: incomplete, what follows still found. */
    pii_scan *sc = pii_scan_open(db, scr, PII_DOC_CSV);
    pii_scan_feed(sc, (const uint8_t *)b, len / 2);
    pii_scan_gap(sc, 1000);
    pii_scan_feed(sc, (const uint8_t *)b + len / 2 + 1000, len - len / 2 - 1000);
    pii_scan_close(sc, &f);
    CHECK(!f.complete);
    /* Rows are about 50 bytes: the gap takes 20 or 21 of them, one more may be cut. */
    CHECK(f.kind[PII_EMAIL].count + 23 >= full.kind[PII_EMAIL].count);
    CHECK(f.kind[PII_EMAIL].count + 19 <= full.kind[PII_EMAIL].count);
    pii_findings_free(&f);

    /* A disabled kind is not counted. */
    pii_config_defaults(&cfg);
    cfg.enabled[PII_PHONE] = false;
    pii_db *nophone = pii_db_new(&cfg, err, sizeof err);
    scan_split(nophone, PII_DOC_CSV, b, len, NULL, 0, &f);
    CHECK_EQ(f.kind[PII_PHONE].count, 0);
    CHECK_EQ(f.kind[PII_EMAIL].count, full.kind[PII_EMAIL].count);
    pii_findings_free(&f);
    pii_db_free(nophone);
    pii_findings_free(&full);

    /* Extra context words. */
    static const char *const words[] = {"handynummer", NULL};
    pii_config_defaults(&cfg);
    cfg.context_words[PII_PHONE] = words;
    pii_db *ctx = pii_db_new(&cfg, err, sizeof err);
    const char *csv = "kunde,handynummer\nx,01701234567\n";
    scan_split(ctx, PII_DOC_CSV, csv, strlen(csv), NULL, 0, &f);
    CHECK_EQ(f.kind[PII_PHONE].count, 1);
    pii_findings_free(&f);
    scan_split(db, PII_DOC_CSV, csv, strlen(csv), NULL, 0, &f);
    CHECK_EQ(f.kind[PII_PHONE].count, 0);
    pii_findings_free(&f);
    pii_db_free(ctx);
    free(b);

    /* Abort frees without findings; NULLs are no-ops. */
    sc = pii_scan_open(db, scr, PII_DOC_TEXT);
    pii_scan_feed(sc, (const uint8_t *)"x", 1);
    pii_scan_abort(sc);
    pii_scan_abort(NULL);
    pii_db_free(NULL);
    pii_scratch_free(NULL);
    pii_findings_free(NULL);
}

/* The field-context depth (--pii-max-depth): a phone number known only by
 * its field name is found while its field is within the depth, lost (and
 * counted) below it; the default is 32 and the most 63. Nesting is built
 * as {"a":{"a":...{"phone":"..."}}} and <a><a>...<phone>...</phone>. */
static char *nest(bool xml, unsigned levels)
{
    char *b = malloc(levels * 10 + 64), *o = b;
    for (unsigned i = 0; i < levels; i++) o += sprintf(o, xml ? "<a>" : "{\"a\":");
    o += sprintf(o, xml ? "<phone>0612345678</phone>" : "{\"phone\":\"0612345678\"}");
    for (unsigned i = 0; i < levels; i++) o += sprintf(o, xml ? "</a>" : "}");
    return b;
}

static void depth_case(unsigned max_depth, bool xml, unsigned levels, uint64_t phones, uint64_t capped)
{
    struct pii_config cfg;
    pii_config_defaults(&cfg);
    if (max_depth) cfg.max_depth = max_depth;
    char err[128];
    pii_db *d = pii_db_new(&cfg, err, sizeof err);
    char *b = nest(xml, levels);
    struct pii_findings f;
    scan_split(d, xml ? PII_DOC_XML : PII_DOC_JSON, b, strlen(b), NULL, 0, &f);
    if (f.kind[PII_PHONE].count != phones || f.depth_capped != capped)
        printf("  max_depth %u %s %u levels: %llu phones, %llu capped\n", max_depth, xml ? "xml" : "json", levels,
               (unsigned long long)f.kind[PII_PHONE].count, (unsigned long long)f.depth_capped);
    CHECK_EQ(f.kind[PII_PHONE].count, phones);
    CHECK_EQ(f.depth_capped, capped);
    pii_findings_free(&f);
    pii_db_free(d);
    free(b);
}

static void t_depth(void)
{
    for (int xml = 0; xml <= 1; xml++) {
        /* the phone's field is at depth levels + 1 */
        depth_case(0, xml, 31, 1, 0);      /* the default, 32 */
        depth_case(0, xml, 32, 0, 1);
        depth_case(3, xml, 2, 1, 0);
        depth_case(3, xml, 3, 0, 1);
        depth_case(1, xml, 0, 1, 0);
        depth_case(1, xml, 1, 0, 1);
        depth_case(63, xml, 62, 1, 0);     /* the widest state */
        depth_case(63, xml, 200, 0, 1);
        depth_case(1000, xml, 62, 1, 0);   /* taken as 63 */
        depth_case(1000, xml, 63, 0, 1);
    }
}

/* One database, one scratch per thread, scans running at the same time:
 * each gets the findings a lone scan gets. */
struct worker {
    const char *body;
    size_t len;
    struct pii_findings f[8];
};

static void *work(void *arg)
{
    struct worker *w = arg;
    pii_scratch *s = pii_scratch_new(db);
    for (int i = 0; i < 8; i++) {
        pii_scan *sc = pii_scan_open(db, s, PII_DOC_CSV);
        for (size_t o = 0; o < w->len; o += 700)
            pii_scan_feed(sc, (const uint8_t *)w->body + o, w->len - o < 700 ? w->len - o : 700);
        pii_scan_close(sc, &w->f[i]);
    }
    pii_scratch_free(s);
    return NULL;
}

static void t_threads(void)
{
    size_t len;
    char *b = gen_people(400, 2, &len);
    struct pii_findings ref;
    scan_split(db, PII_DOC_CSV, b, len, NULL, 0, &ref);
    static struct worker w[2];
    for (int i = 0; i < 2; i++) { w[i].body = b; w[i].len = len; }
    pthread_t th[2];
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, work, &w[i]);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    int bad = 0;
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 8; k++) {
            if (!same(&ref, &w[i].f[k])) bad++;
            pii_findings_free(&w[i].f[k]);
        }
    CHECK_EQ(bad, 0);
    CHECK_EQ(ref.kind[PII_EMAIL].distinct, 400);
    pii_findings_free(&ref);
    free(b);
}

static void t_names_and_types(void)
{
    for (int k = 0; k < PII__COUNT; k++) CHECK_EQ(pii_kind_from_name(pii_kind_name(k)), k);
    CHECK_EQ(pii_kind_from_name("nope"), -1);
    CHECK_STR(pii_kind_name(PII_PAYMENT_CARD), "payment_card");
#define M(s) pii_doc_type_from_mime(s, strlen(s))
    CHECK_EQ(M("application/json; charset=utf-8"), PII_DOC_JSON);
    CHECK_EQ(M("application/x-ndjson"), PII_DOC_JSON);
    CHECK_EQ(M("application/vnd.api+json"), PII_DOC_JSON);
    CHECK_EQ(M("Text/CSV"), PII_DOC_CSV);
    CHECK_EQ(M("text/tab-separated-values"), PII_DOC_CSV);
    CHECK_EQ(M("application/xml"), PII_DOC_XML);
    CHECK_EQ(M("application/atom+xml"), PII_DOC_XML);
    CHECK_EQ(M("message/rfc822"), PII_DOC_EML);
    CHECK_EQ(M("text/plain"), PII_DOC_TEXT);
    CHECK_EQ(M("application/octet-stream"), PII_DOC_AUTO);
#undef M
}

int main(void)
{
    struct pii_config cfg;
    pii_config_defaults(&cfg);
    char err[256];
    db = pii_db_new(&cfg, err, sizeof err);
    if (!db) { printf("FAIL pii_db_new: %s\n", err); return 1; }
    scr = pii_scratch_new(db);
    RUN(t_text);
    RUN(t_at_signs);
    RUN(t_csv);
    RUN(t_json);
    RUN(t_xml);
    RUN(t_eml);
    RUN(t_ids_and_credentials);
    RUN(t_lookalikes);
    RUN(t_streaming_equivalence);
    RUN(t_random_bodies);
    RUN(t_dense_candidates);
    RUN(t_distinct);
    RUN(t_counter_later);
    RUN(t_hash_key);
    RUN(t_cap_gap_config);
    RUN(t_depth);
    RUN(t_threads);
    RUN(t_names_and_types);
    pii_scratch_free(scr);
    pii_db_free(db);
    return test_done();
}
