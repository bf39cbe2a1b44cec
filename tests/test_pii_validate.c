/* test_pii_validate.c -- the validators with values made valid by the test
 * itself (check digits computed here), and the same values with one digit
 * changed, which must fail. */
#include <stdio.h>
#include <string.h>

#include "pii_count.h"
#include "pii_ctx.h"
#include "pii_validate.h"
#include "test.h"

#define V(s) (const uint8_t *)(s), strlen(s)

/* Set the last digit of s so that the Luhn check holds. */
static void luhn_fix(char *s)
{
    size_t n = strlen(s);
    for (char c = '0'; c <= '9'; c++) {
        s[n - 1] = c;
        if (pii_luhn_ok((const uint8_t *)s, n)) return;
    }
}

static void verhoeff_fix(char *s)
{
    size_t n = strlen(s);
    for (char c = '0'; c <= '9'; c++) {
        s[n - 1] = c;
        if (pii_verhoeff_ok((const uint8_t *)s, n)) return;
    }
}

/* Change one digit (position i) to another digit. */
static void flip(char *s, size_t i) { s[i] = s[i] == '9' ? '0' : (char)(s[i] + 1); }

static void t_luhn_cards(void)
{
    static const char *const prefixes[] = {
        "4", "51", "55", "2221", "2720", "34", "37", "6011", "65", "644", "3528", "3589",
        "300", "36", "62", "6759" };
    static const size_t lens[] = {16, 16, 16, 16, 16, 15, 15, 16, 16, 16, 16, 16, 14, 14, 16, 16};
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        char s[24];
        size_t pl = strlen(prefixes[k]);
        memcpy(s, prefixes[k], pl);
        for (size_t i = pl; i < lens[k]; i++) s[i] = (char)('0' + (i * 7 + k) % 10);
        s[lens[k]] = 0;
        luhn_fix(s);
        CHECK(pii_card_ok(V(s)));
        CHECK(pii_card_brand(V(s)) != PII_CARD_NONE);
        if (strcmp(prefixes[k], "62") != 0) {           /* UnionPay is not Luhn-checked */
            flip(s, lens[k] - 3);
            CHECK(!pii_card_ok(V(s)));
        }
    }
    /* Wrong lengths for the brand, unknown IINs, trivial numbers. */
    char amex16[] = "3714496353984310";
    luhn_fix(amex16);
    CHECK(!pii_card_ok(V(amex16)));
    char unknown[] = "9111111111111111";
    luhn_fix(unknown);
    CHECK(!pii_card_ok(V(unknown)));
    CHECK(!pii_card_ok(V("0000000000000000")));
    CHECK(pii_card_ok(V("4242424242424242")));
}

/* ISO 13616: check digits = 98 - mod97(BBAN + country + "00"). */
static void iban_make(const char *cc, const char *bban, char *out)
{
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%s%s00", bban, cc);
    int r = pii_mod97((const uint8_t *)tmp, strlen(tmp));
    snprintf(out, 40, "%s%c%c%s", cc, (char)('0' + (98 - r) / 10 % 10), (char)('0' + (98 - r) % 10), bban);
}

static void t_iban(void)
{
    char s[40];
    iban_make("NL", "ABNA0417164300", s);
    CHECK_STR(s, "NL91ABNA0417164300");
    CHECK(pii_iban_ok(V(s)));
    iban_make("DE", "370400440532013000", s);
    CHECK(pii_iban_ok(V(s)));
    flip(s, 10);
    CHECK(!pii_iban_ok(V(s)));
    iban_make("GB", "WEST12345698765432", s);
    CHECK(pii_iban_ok(V(s)));
    CHECK(!pii_iban_ok(V("GB82WEST1234569876543")));      /* short for GB */
    iban_make("QQ", "12345678901234", s);                   /* no such country */
    CHECK(!pii_iban_ok(V(s)));
}

static void t_national_ids(void)
{
    /* US SSN rules. */
    CHECK(pii_ssn_ok(V("536221234")));
    CHECK(!pii_ssn_ok(V("000221234")));
    CHECK(!pii_ssn_ok(V("666221234")));
    CHECK(!pii_ssn_ok(V("936221234")));
    CHECK(!pii_ssn_ok(V("536001234")));
    CHECK(!pii_ssn_ok(V("536220000")));
    /* UK NINO. */
    CHECK(pii_nino_ok(V("AB123456C")));
    CHECK(!pii_nino_ok(V("AB123456E")));
    CHECK(!pii_nino_ok(V("DA123456C")));
    CHECK(!pii_nino_ok(V("GB123456A")));
    /* Dutch BSN: 11-proof, made here. */
    char bsn[10] = "11122233";
    int sum = 0;
    for (int i = 0; i < 8; i++) sum += (bsn[i] - '0') * (9 - i);
    int last = sum % 11;
    if (last == 10) { bsn[7] = '4'; sum += 2; last = sum % 11; }
    bsn[8] = (char)('0' + last);
    bsn[9] = 0;
    CHECK(pii_bsn_ok(V(bsn)));
    flip(bsn, 2);
    CHECK(!pii_bsn_ok(V(bsn)));
    /* Spanish DNI / NIE letters. */
    static const char L[] = "TRWAGMYFPDXBNJZSQVHLCKE";
    char dni[10];
    snprintf(dni, sizeof dni, "%08u%c", 48239571u, L[48239571u % 23]);
    CHECK(pii_dni_ok(V(dni)));
    dni[8] = dni[8] == 'A' ? 'B' : 'A';
    CHECK(!pii_dni_ok(V(dni)));
    char nie[10];
    snprintf(nie, sizeof nie, "Y%07u%c", 1234567u, L[(10000000u + 1234567u) % 23]);
    CHECK(pii_nie_ok(V(nie)));
    nie[0] = 'X';
    CHECK(!pii_nie_ok(V(nie)));
    /* Italian codice fiscale (the textbook example) and a corrupted one. */
    CHECK(pii_cf_ok(V("RSSMRA85T10A562S")));
    CHECK(!pii_cf_ok(V("RSSMRA85T10A562T")));
    CHECK(!pii_cf_ok(V("RSSMRA85Z10A562S")));
    /* French NIR: key = 97 - n mod 97, Corsica counted as 19/18. */
    char nir[16] = "1840576451089";
    int r = pii_mod97((const uint8_t *)nir, 13);
    nir[13] = (char)('0' + (97 - r) / 10 % 10);
    nir[14] = (char)('0' + (97 - r) % 10);
    nir[15] = 0;
    CHECK(pii_nir_ok(V(nir)));
    flip(nir, 8);
    CHECK(!pii_nir_ok(V(nir)));
    char nirc[16] = "1840519451089";   /* computed as 2A */
    r = pii_mod97((const uint8_t *)nirc, 13);
    char nira[16] = "184052A451089";
    nira[13] = (char)('0' + (97 - r) / 10 % 10);
    nira[14] = (char)('0' + (97 - r) % 10);
    nira[15] = 0;
    CHECK(pii_nir_ok(V(nira)));
    /* Brazilian CPF, check digits computed. */
    char cpf[12] = "529982247";
    for (int k = 9; k <= 10; k++) {
        int s2 = 0;
        for (int i = 0; i < k; i++) s2 += (cpf[i] - '0') * (k + 1 - i);
        int d = s2 * 10 % 11;
        cpf[k] = (char)('0' + (d == 10 ? 0 : d));
    }
    cpf[11] = 0;
    CHECK_STR(cpf, "52998224725");
    CHECK(pii_cpf_ok(V(cpf)));
    flip(cpf, 4);
    CHECK(!pii_cpf_ok(V(cpf)));
    CHECK(!pii_cpf_ok(V("11111111111")));
    /* Aadhaar: Verhoeff, first digit 2-9. */
    char uid[13] = "23456789012";
    strcat(uid, "0");
    verhoeff_fix(uid);
    CHECK(pii_aadhaar_ok(V(uid)));
    flip(uid, 5);
    CHECK(!pii_aadhaar_ok(V(uid)));
    char uid1[13] = "12345678901";
    strcat(uid1, "0");
    verhoeff_fix(uid1);
    CHECK(!pii_aadhaar_ok(V(uid1)));
    /* Canadian SIN: Luhn. */
    char sin[10] = "04645428";
    strcat(sin, "0");
    luhn_fix(sin);
    CHECK(!pii_sin_ok(V(sin)));          /* leading 0 is not issued */
    sin[0] = '1';
    luhn_fix(sin);
    CHECK(pii_sin_ok(V(sin)));
    flip(sin, 3);
    CHECK(!pii_sin_ok(V(sin)));
}

static void t_phones(void)
{
    CHECK_EQ(pii_e164_ok(V("31612345678")), 2);
    CHECK_EQ(pii_e164_ok(V("14155552671")), 1);
    CHECK_EQ(pii_e164_ok(V("442079460958")), 2);
    CHECK_EQ(pii_e164_ok(V("3161234567")), 0);       /* NL numbers have 9 digits */
    CHECK_EQ(pii_e164_ok(V("3106123456")), 0);       /* trunk 0 after the code */
    CHECK_EQ(pii_e164_ok(V("999123456789")), 0);     /* no such code */
    CHECK_EQ(pii_e164_ok(V("311111111111")), 0);
    char cc[4];
    CHECK(pii_phone_national_ok(V("(415) 555-2671"), cc) && strcmp(cc, "1") == 0);
    CHECK(pii_phone_national_ok(V("415-555-2671"), cc));
    CHECK(pii_phone_national_ok(V("020 7946 0958"), cc) && strcmp(cc, "44") == 0);
    CHECK(pii_phone_national_ok(V("01 42 68 53 00"), cc) && strcmp(cc, "33") == 0);
    CHECK(pii_phone_national_ok(V("06-12345678"), cc) && strcmp(cc, "31") == 0);
    CHECK(pii_phone_national_ok(V("98480 21937"), cc) && strcmp(cc, "91") == 0);
    CHECK(pii_phone_national_ok(V("(11) 91234-5678"), cc) && strcmp(cc, "55") == 0);
    CHECK(pii_phone_national_ok(V("0412 591 736"), cc) && strcmp(cc, "61") == 0);
    CHECK(pii_phone_national_ok(V("090-3921-4476"), cc) && strcmp(cc, "81") == 0);
    CHECK(pii_phone_national_ok(V("612 593 418"), cc));
    CHECK(pii_phone_national_ok(V("0151 23456789"), cc) && strcmp(cc, "49") == 0);
    CHECK(!pii_phone_national_ok(V("123-456-7890"), cc));   /* NANP area cannot start with 1 */
    CHECK(!pii_phone_national_ok(V("111-111-1111"), cc));
    CHECK(!pii_phone_national_ok(V("2022-09-24"), cc));
    CHECK(!pii_phone_national_ok(V("1 234 567"), cc));
    CHECK(!pii_phone_national_ok(V("415-555.2671"), cc));   /* mixed separators */
    CHECK(!pii_phone_national_ok(V("64010-64016"), cc));    /* a range of ids */
    CHECK(pii_phone_national_ok(V("64016-64010"), cc) && strcmp(cc, "91") == 0);
    CHECK(pii_phone_national_ok(V("98480-21937"), cc) && strcmp(cc, "91") == 0);
}

/* Is w[0..n) in the (sorted) table? Plain search, to check the index. */
static bool table_has_n(const char *w, size_t n)
{
    for (size_t i = 0; i < pii_tld_count; i++)
        if (strlen(pii_tld_table[i]) == n && memcmp(pii_tld_table[i], w, n) == 0) return true;
    return false;
}
static bool table_has(const char *w) { return table_has_n(w, strlen(w)); }

static void t_email_parts(void)
{
    CHECK(pii_tld_known(V("com")) && pii_tld_known(V("NL")) && pii_tld_known(V("museum")));
    CHECK(!pii_tld_known(V("png")) && !pii_tld_known(V("localhost")) && !pii_tld_known(V("")));
    /* every TLD of the table is found (the index holds them all), in any
     * case, and neither a prefix nor an extension of one is */
    size_t known = 0, upper = 0, near = 0;
    for (size_t i = 0; i < pii_tld_count; i++) {
        const char *w = pii_tld_table[i];
        size_t n = strlen(w);
        char u[64], x[66];
        if (n >= sizeof u) continue;
        for (size_t j = 0; j < n; j++) u[j] = (char)(w[j] >= 'a' && w[j] <= 'z' ? w[j] - 32 : w[j]);
        known += pii_tld_known((const uint8_t *)w, n);
        upper += pii_tld_known((const uint8_t *)u, n);
        snprintf(x, sizeof x, "%sq", w);
        near += pii_tld_known((const uint8_t *)x, n + 1) && !table_has(x);
        near += n > 1 && pii_tld_known((const uint8_t *)w, n - 1) && !table_has_n(w, n - 1);
    }
    CHECK(pii_tld_count > 1000);
    CHECK_EQ(known, pii_tld_count);
    CHECK_EQ(upper, pii_tld_count);
    CHECK_EQ(near, 0);
    CHECK(pii_email_local_ok(V("jane.doe+tag")));
    CHECK(!pii_email_local_ok(V(".jane")) && !pii_email_local_ok(V("ja..ne")));
    CHECK(pii_email_domain_ok(V("mail.example.co.uk")));
    CHECK(!pii_email_domain_ok(V("2x.png")));
    CHECK(!pii_email_domain_ok(V("localhost")));
    CHECK(!pii_email_domain_ok(V("1.2.3")));
    CHECK(!pii_email_domain_ok(V("-bad.com")));
}

static void t_dates_names(void)
{
    CHECK(pii_date_ok(V("1985-03-12"), 2026));
    CHECK(pii_date_ok(V("12/03/1985"), 2026));
    CHECK(pii_date_ok(V("03/31/1985"), 2026));
    CHECK(pii_date_ok(V("12.03.1985"), 2026));
    CHECK(pii_date_ok(V("2000-02-29"), 2026));
    CHECK(!pii_date_ok(V("1900-02-29"), 2026));
    CHECK(!pii_date_ok(V("1985-13-12"), 2026));
    CHECK(!pii_date_ok(V("1899-01-01"), 2026));
    CHECK(!pii_date_ok(V("2090-01-01"), 2026));
    CHECK(!pii_date_ok(V("32/01/1985"), 2026));
    CHECK(pii_name_ok(V("Jane Doe"), 2));
    CHECK(pii_name_ok(V("Zoë O'Brien-Smith"), 2));
    CHECK(pii_name_ok(V("José"), 1));
    CHECK(pii_name_ok(V("李小龍"), 1));
    CHECK(!pii_name_ok(V("Jane"), 2));
    CHECK(!pii_name_ok(V("admin"), 1));
    CHECK(!pii_name_ok(V("jane doe"), 1));               /* all lower case */
    CHECK(!pii_name_ok(V("Report 2022.pdf"), 1));
    CHECK(!pii_name_ok(V("Root"), 1));
    CHECK(!pii_name_ok(V("A"), 1));
}

static void t_credentials_parts(void)
{
    /* {"alg":"HS256","typ":"JWT"} */
    CHECK(pii_jwt_header_ok(V("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9")));
    /* {"typ":"JWT"} : no alg */
    CHECK(!pii_jwt_header_ok(V("eyJ0eXAiOiJKV1QifQ")));
    CHECK(!pii_jwt_header_ok(V("eyJ!!!")));
}

static void t_key_classes(void)
{
    struct pii_keymap km;
    struct pii_config cfg;
    static const char *const extra[] = {"handynummer", NULL};
    pii_config_defaults(&cfg);
    cfg.context_words[PII_PHONE] = extra;
    pii_keymap_init(&km, &cfg);
    CHECK_EQ(pii_key_class(&km, V("phone")), PII_CLS_PHONE);
    CHECK_EQ(pii_key_class(&km, V("customer_phone")), PII_CLS_PHONE);
    CHECK_EQ(pii_key_class(&km, V("Handy-Nummer")), PII_CLS_PHONE);
    CHECK_EQ(pii_key_class(&km, V("firstName")), PII_CLS_FIRST);
    CHECK_EQ(pii_key_class(&km, V("family_name")), PII_CLS_LAST);
    CHECK_EQ(pii_key_class(&km, V("date_of_birth")), PII_CLS_DOB);
    CHECK_EQ(pii_key_class(&km, V("addressLine1")), PII_CLS_ADDRESS);
    CHECK_EQ(pii_key_class(&km, V("order_id")), PII_CLS_NEG);
    CHECK_EQ(pii_key_class(&km, V("fileName")), PII_CLS_NONE);
    CHECK_EQ(pii_key_class(&km, V("customerName")), PII_CLS_NAME2);
    CHECK_EQ(pii_key_class(&km, V("social_security_number")), PII_CLS_SSN);
    CHECK_EQ(pii_key_class(&km, V("db_password")), PII_CLS_PASSWORD);
    CHECK_EQ(pii_key_class(&km, V("email_address")), PII_CLS_EMAIL);
    CHECK_EQ(pii_key_class(&km, V("db_pass")), PII_CLS_PASSWORD);
    CHECK_EQ(pii_key_class(&km, V("userPwd")), PII_CLS_PASSWORD);
    CHECK_EQ(pii_key_class(&km, V("client_secret")), PII_CLS_PASSWORD);
    CHECK_EQ(pii_key_class(&km, V("minipass")), PII_CLS_NONE);
    CHECK_EQ(pii_key_class(&km, V("password_hint")), PII_CLS_NONE);
    CHECK_EQ(pii_key_class(&km, V("gnutls_session_get_master_secret")), PII_CLS_NONE);
}

static void t_orgs_and_masks(void)
{
    char d[64];
    CHECK(pii_org_domain(V("mail.corp.example.co.uk"), d, sizeof d) && strcmp(d, "example.co.uk") == 0);
    CHECK(pii_org_domain(V("eu.acme.com"), d, sizeof d) && strcmp(d, "acme.com") == 0);
    CHECK(pii_freemail("gmail.com") && pii_freemail("yahoo.co.uk") && pii_freemail("hotmail.fr"));
    CHECK(!pii_freemail("acme.com"));
    /* the table's first, middle and last entries; near misses are not free mail */
    CHECK(pii_freemail("gmail.com") && pii_freemail("kpnmail.nl") && pii_freemail("gmx.de") &&
          pii_freemail("optusnet.com.au") && pii_freemail("pm.me") && pii_freemail("windowslive.com"));
    CHECK(!pii_freemail("gmail.co") && !pii_freemail("mail.comx") && !pii_freemail("xgmx.de") &&
          !pii_freemail("") && !pii_freemail("me"));
    char m[PII_SAMPLE_LEN];
    pii_mask_email(V("jane"), V("corp.com"), m);
    CHECK_STR(m, "j***@c***.com");
    pii_mask_digits(V("4242 4242 4242 4242"), 0, 4, m);
    CHECK_STR(m, "**** **** **** 4242");
    pii_mask_digits(V("+31 612 345 678"), 3, 2, m);
    CHECK_STR(m, "+31 6** *** *78");
    pii_mask_iban(V("NL91ABNA0417164334"), m);
    CHECK_STR(m, "NL** **** **** **** 34");
    pii_mask_words(V("Jane Doe"), m);
    CHECK_STR(m, "J*** D**");
}

/* The keyed hash is HMAC-SHA256 (RFC 2104), its first 16 bytes: RFC 4231
 * test cases 1, 2 and 6 (a key longer than the block is hashed first). */
static void t_keyed_hash_is_hmac_sha256(void)
{
    static const struct { const char *key; size_t klen; const char *msg; uint8_t mac[16]; } v[] = {
        { "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", 20, "Hi There",
          { 0xb0, 0x34, 0x4c, 0x61, 0xd8, 0xdb, 0x38, 0x53, 0x5c, 0xa8, 0xaf, 0xce, 0xaf, 0x0b, 0xf1, 0x2b } },
        { "Jefe", 4, "what do ya want for nothing?",
          { 0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7 } },
        { NULL, 131, "Test Using Larger Than Block-Size Key - Hash Key First",
          { 0x60, 0xe4, 0x31, 0x59, 0x1e, 0xe0, 0xb6, 0x7f, 0x0d, 0x8a, 0x26, 0xaa, 0xcb, 0xf5, 0xb7, 0x7f } },
    };
    uint8_t big[131];
    memset(big, 0xaa, sizeof big);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct pii_keyed *k = pii_keyed_new(v[i].key ? (const uint8_t *)v[i].key : big, v[i].klen);
        CHECK(k != NULL);
        if (!k) continue;
        uint8_t out[PII_HASH_LEN];
        pii_keyed_hash(k, (const uint8_t *)v[i].msg, strlen(v[i].msg), out);
        CHECK(memcmp(out, v[i].mac, sizeof out) == 0);
        /* the same key state gives the same hash again (it is only read) */
        uint8_t again[PII_HASH_LEN];
        pii_keyed_hash(k, (const uint8_t *)v[i].msg, strlen(v[i].msg), again);
        CHECK(memcmp(out, again, sizeof out) == 0);
        pii_keyed_free(k);
    }
}

/* The definitions, one character at a time, for the faster code to match. */
static int ref_mod97(const uint8_t *p, size_t n)
{
    unsigned r = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= '0' && p[i] <= '9') r = (r * 10 + (unsigned)(p[i] - '0')) % 97;
        else if (p[i] >= 'A' && p[i] <= 'Z') r = (r * 100 + (unsigned)(p[i] - 'A' + 10)) % 97;
        else return -1;
    }
    return (int)r;
}

static bool ref_trivial(const uint8_t *d, size_t n)
{
    if (n < 2) return true;
    bool same = true, up = true, down = true;
    for (size_t i = 1; i < n; i++) {
        if (d[i] != d[0]) same = false;
        if (d[i] != (uint8_t)('0' + (d[i - 1] - '0' + 1) % 10)) up = false;
        if (d[i] != (uint8_t)('0' + (d[i - 1] - '0' + 9) % 10)) down = false;
    }
    return same || up || down;
}

static void t_mod97_trivial_reference(void)
{
    static const char alpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    unsigned bad = 0, checked = 0, trivial = 0;
    for (unsigned round = 0; round < 200000; round++) {
        uint8_t b[48];
        size_t n = (size_t)(test_rand() % 41);
        unsigned mode = (unsigned)(test_rand() % 8);
        for (size_t i = 0; i < n; i++) {
            if (mode == 0) b[i] = (uint8_t)alpha[test_rand() % 36];           /* IBAN-like */
            else if (mode == 1) b[i] = (uint8_t)('Z' - test_rand() % 3);       /* letters, big values */
            else if (mode == 2) b[i] = i ? b[0] : (uint8_t)('0' + test_rand() % 10);   /* same */
            else if (mode == 3) b[i] = i ? (uint8_t)(b[i - 1] == '9' ? '0' : b[i - 1] + 1) : (uint8_t)('0' + test_rand() % 10);
            else if (mode == 4) b[i] = i ? (uint8_t)(b[i - 1] == '0' ? '9' : b[i - 1] - 1) : (uint8_t)('0' + test_rand() % 10);
            else b[i] = (uint8_t)('0' + test_rand() % 10);
        }
        if (n && mode == 5) b[test_rand() % n] = (uint8_t)"a-/ "[test_rand() % 4];   /* not allowed */
        if (n > 3 && mode >= 2 && mode <= 4 && test_rand() % 2) b[n - 1 - test_rand() % 2] ^= 1;   /* one off */
        bad += pii_mod97(b, n) != ref_mod97(b, n);
        bool digits = true;
        for (size_t i = 0; i < n; i++) digits = digits && b[i] >= '0' && b[i] <= '9';
        if (digits) {
            checked++;
            bool t = pii_digits_trivial(b, n);
            trivial += t;
            bad += t != ref_trivial(b, n);
        }
    }
    CHECK_EQ(bad, 0);
    CHECK(checked > 50000 && trivial > 10000 && trivial < checked);
    uint8_t all9[40];
    memset(all9, '9', sizeof all9);
    CHECK_EQ(pii_mod97(all9, sizeof all9), ref_mod97(all9, sizeof all9));
    memset(all9, 'Z', sizeof all9);
    CHECK_EQ(pii_mod97(all9, sizeof all9), ref_mod97(all9, sizeof all9));
}

int main(void)
{
    RUN(t_mod97_trivial_reference);
    RUN(t_keyed_hash_is_hmac_sha256);
    RUN(t_luhn_cards);
    RUN(t_iban);
    RUN(t_national_ids);
    RUN(t_phones);
    RUN(t_email_parts);
    RUN(t_dates_names);
    RUN(t_credentials_parts);
    RUN(t_key_classes);
    RUN(t_orgs_and_masks);
    return test_done();
}
