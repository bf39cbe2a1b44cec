/* pii_validate.c -- pure validators: checksums, IIN and length tables,
 * national identifier rules, phone numbering plans, dates, names.
 *
 * Everything here works on a view the caller cut out already; nothing keeps
 * state, nothing allocates. The tables are the published rules (ISO 13616
 * IBAN lengths, ITU-T E.164 calling codes, card IIN ranges), trimmed to what
 * a leak detector needs: a value that fails them is a look-alike.
 */
#include "pii_validate.h"
#include "bytes.h"

#include <pthread.h>
#include <string.h>

static inline bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static inline bool is_upper(uint8_t c) { return c >= 'A' && c <= 'Z'; }
static inline bool is_lower(uint8_t c) { return c >= 'a' && c <= 'z'; }
static inline bool is_alpha(uint8_t c) { return is_upper(c) || is_lower(c); }
static inline bool is_alnum(uint8_t c) { return is_alpha(c) || is_digit(c); }

static bool all_digits(const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(d[i])) return false;
    return n > 0;
}

/* Value of n ASCII digits (n <= 9), no checks. */
static unsigned dnum(const uint8_t *d, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) v = v * 10 + (unsigned)(d[i] - '0');
    return v;
}

/* ---- TLDs ---- */

/* The table as an index of 64-bit hashes, built once: one hash and, on a
 * hit, one compare per email domain (a binary search was eleven strcmp
 * calls, 1.4% of replaying contact exports). */
#define TLD_SLOTS 4096u
static struct word_slot tld_tab[TLD_SLOTS];
static pthread_once_t tld_once = PTHREAD_ONCE_INIT;

static void tld_init(void)
{
    /* too many to fit: the index stays empty (none found), which
     * test_pii_validate's "every TLD of the table is known" sees */
    (void)word_index_build(tld_tab, TLD_SLOTS, pii_tld_table, pii_tld_count);
}

bool pii_tld_known(const uint8_t *p, size_t len)
{
    if (len == 0 || len >= 64) return false;
    pthread_once(&tld_once, tld_init);
    return word_index_has(tld_tab, TLD_SLOTS, p, len);
}

/* ---- email ---- */

static bool is_atext(uint8_t c)
{
    if (is_alnum(c)) return true;
    switch (c) {   /* RFC 5322 atext's other characters */
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '/':
    case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}': case '~': case '-':
        return true;
    default:
        return false;
    }
}

bool pii_email_local_ok(const uint8_t *p, size_t len)
{
    if (len == 0 || len > 64 || p[0] == '.' || p[len - 1] == '.') return false;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '.') {
            if (p[i - 1] == '.') return false;
        } else if (!is_atext(p[i])) {
            return false;
        }
    }
    return true;
}

bool pii_email_domain_ok(const uint8_t *p, size_t len)
{
    if (len < 4 || len > 253) return false;
    size_t labels = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && p[i] != '.') {
            if (!is_alnum(p[i]) && p[i] != '-') return false;
            continue;
        }
        size_t l = i - start;
        if (l == 0 || l > 63 || p[start] == '-' || p[i - 1] == '-') return false;
        labels++;
        if (i == len) {
            for (size_t k = start; k < i; k++)
                if (!is_alpha(p[k])) return false;   /* TLDs are alphabetic */
            return labels >= 2 && pii_tld_known(p + start, l);
        }
        start = i + 1;
    }
    return false;
}

/* ---- checksums ---- */

bool pii_luhn_ok(const uint8_t *d, size_t n)
{
    if (!all_digits(d, n)) return false;
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = (unsigned)(d[n - 1 - i] - '0');
        if (i & 1) { v *= 2; if (v > 9) v -= 9; }
        sum += v;
    }
    return sum % 10 == 0;
}

static const uint8_t verhoeff_d[10][10] = {
    {0,1,2,3,4,5,6,7,8,9},{1,2,3,4,0,6,7,8,9,5},{2,3,4,0,1,7,8,9,5,6},
    {3,4,0,1,2,8,9,5,6,7},{4,0,1,2,3,9,5,6,7,8},{5,9,8,7,6,0,4,3,2,1},
    {6,5,9,8,7,1,0,4,3,2},{7,6,5,9,8,2,1,0,4,3},{8,7,6,5,9,3,2,1,0,4},
    {9,8,7,6,5,4,3,2,1,0}};
static const uint8_t verhoeff_p[8][10] = {
    {0,1,2,3,4,5,6,7,8,9},{1,5,7,6,2,8,3,0,9,4},{5,8,0,3,7,9,6,1,4,2},
    {8,9,1,6,0,4,3,5,2,7},{9,4,5,3,1,2,6,8,7,0},{4,2,8,6,5,7,3,9,0,1},
    {2,7,9,3,8,0,6,4,1,5},{7,0,4,6,9,1,3,2,5,8}};

bool pii_verhoeff_ok(const uint8_t *d, size_t n)
{
    if (!all_digits(d, n)) return false;
    unsigned c = 0;
    for (size_t i = 0; i < n; i++)
        c = verhoeff_d[c][verhoeff_p[i % 8][d[n - 1 - i] - '0']];
    return c == 0;
}

int pii_mod97(const uint8_t *p, size_t n)
{
    /* Digits accumulate in 64 bits and are reduced every 16 decimal places
     * at most: r < 97 then takes at most 16 more (98e16 < 2^64), one
     * division where there were one a character. */
    uint64_t r = 0;
    unsigned places = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (is_digit(c)) {
            r = r * 10 + (unsigned)(c - '0');
            places++;
        } else if (is_upper(c)) {
            r = r * 100 + (unsigned)(c - 'A' + 10);
            places += 2;
        } else {
            return -1;
        }
        if (places >= 15) {
            r %= 97;
            places = 0;
        }
    }
    return (int)(r % 97);
}

/* ---- cards ---- */

enum pii_card_brand pii_card_brand(const uint8_t *d, size_t n)
{
    if (n < 12 || n > 19 || !all_digits(d, n)) return PII_CARD_NONE;
    unsigned p2 = dnum(d, 2), p3 = dnum(d, 3), p4 = dnum(d, 4), p6 = dnum(d, 6);
    if (d[0] == '4') return (n == 13 || n == 16 || n == 19) ? PII_CARD_VISA : PII_CARD_NONE;
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
        return n == 16 ? PII_CARD_MASTERCARD : PII_CARD_NONE;
    if (p2 == 34 || p2 == 37) return n == 15 ? PII_CARD_AMEX : PII_CARD_NONE;
    if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925))
        return n >= 16 ? PII_CARD_DISCOVER : PII_CARD_NONE;
    if (p4 >= 3528 && p4 <= 3589) return n >= 16 ? PII_CARD_JCB : PII_CARD_NONE;
    if ((p3 >= 300 && p3 <= 305) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39)
        return n >= 14 ? PII_CARD_DINERS : PII_CARD_NONE;
    if (p2 == 62) return n >= 16 ? PII_CARD_UNIONPAY : PII_CARD_NONE;
    if (p4 == 5018 || p4 == 5020 || p4 == 5038 || p4 == 5893 || p4 == 6304 ||
        p4 == 6759 || p4 == 6761 || p4 == 6762 || p4 == 6763)
        return n >= 13 ? PII_CARD_MAESTRO : PII_CARD_NONE;
    return PII_CARD_NONE;
}

bool pii_card_ok(const uint8_t *d, size_t n)
{
    enum pii_card_brand b = pii_card_brand(d, n);
    if (b == PII_CARD_NONE || n < 13) return false;
    if (pii_digits_trivial(d, n)) return false;
    return b == PII_CARD_UNIONPAY ? true : pii_luhn_ok(d, n);
}

/* ---- IBAN ---- */

static const struct { char cc[3]; uint8_t len; } iban_len[] = {
    {"AD",24},{"AE",23},{"AL",28},{"AT",20},{"AZ",28},{"BA",20},{"BE",16},{"BG",22},
    {"BH",22},{"BR",29},{"BY",28},{"CH",21},{"CR",22},{"CY",28},{"CZ",24},{"DE",22},
    {"DK",18},{"DO",28},{"EE",20},{"EG",29},{"ES",24},{"FI",18},{"FO",18},{"FR",27},
    {"GB",22},{"GE",22},{"GI",23},{"GL",18},{"GR",27},{"GT",28},{"HR",21},{"HU",28},
    {"IE",22},{"IL",23},{"IQ",23},{"IS",26},{"IT",27},{"JO",30},{"KW",30},{"KZ",20},
    {"LB",28},{"LC",32},{"LI",21},{"LT",20},{"LU",20},{"LV",21},{"MC",27},{"MD",24},
    {"ME",22},{"MK",19},{"MR",27},{"MT",31},{"MU",30},{"NL",18},{"NO",15},{"PK",24},
    {"PL",28},{"PS",29},{"PT",25},{"QA",29},{"RO",24},{"RS",22},{"SA",24},{"SC",31},
    {"SE",24},{"SI",19},{"SK",24},{"SM",27},{"ST",25},{"SV",28},{"TL",23},{"TN",24},
    {"TR",26},{"UA",29},{"VA",22},{"VG",24},{"XK",20},
};

unsigned pii_iban_length(const uint8_t cc[2])
{
    for (size_t i = 0; i < sizeof iban_len / sizeof iban_len[0]; i++)
        if (iban_len[i].cc[0] == cc[0] && iban_len[i].cc[1] == cc[1]) return iban_len[i].len;
    return 0;
}

bool pii_iban_ok(const uint8_t *p, size_t n)
{
    if (n < 15 || n > 34) return false;
    if (!is_upper(p[0]) || !is_upper(p[1]) || !is_digit(p[2]) || !is_digit(p[3])) return false;
    if (pii_iban_length(p) != n) return false;
    /* Move the first four characters to the end and take mod 97. */
    uint8_t buf[34];
    memcpy(buf, p + 4, n - 4);
    memcpy(buf + n - 4, p, 4);
    for (size_t i = 0; i < n; i++)
        if (!is_digit(buf[i]) && !is_upper(buf[i])) return false;
    return pii_mod97(buf, n) == 1;
}

/* ---- national identifiers ---- */

bool pii_ssn_ok(const uint8_t *d, size_t n)
{
    if (n != 9 || !all_digits(d, n)) return false;
    unsigned area = dnum(d, 3), group = dnum(d + 3, 2), serial = dnum(d + 5, 4);
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
    return !pii_digits_trivial(d, n);
}

bool pii_nino_ok(const uint8_t *p, size_t n)
{
    if (n != 9 || !is_upper(p[0]) || !is_upper(p[1]) || !all_digits(p + 2, 6)) return false;
    if (p[8] < 'A' || p[8] > 'D') return false;
    if (strchr("DFIQUV", p[0]) || strchr("DFIOQUV", p[1])) return false;
    static const char bad[][3] = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (p[0] == bad[i][0] && p[1] == bad[i][1]) return false;
    return true;
}

bool pii_bsn_ok(const uint8_t *d, size_t n)
{
    if (n != 9 || !all_digits(d, n) || pii_digits_trivial(d, n)) return false;
    int sum = 0;
    for (int i = 0; i < 8; i++) sum += (d[i] - '0') * (9 - i);
    sum -= d[8] - '0';
    return sum > 0 && sum % 11 == 0;
}

static const char dni_letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";

bool pii_dni_ok(const uint8_t *p, size_t n)
{
    if (n != 9 || !all_digits(p, 8) || pii_digits_trivial(p, 8)) return false;
    return p[8] == (uint8_t)dni_letters[dnum(p, 8) % 23];
}

bool pii_nie_ok(const uint8_t *p, size_t n)
{
    if (n != 9 || !all_digits(p + 1, 7)) return false;
    unsigned lead = p[0] == 'X' ? 0 : p[0] == 'Y' ? 1 : p[0] == 'Z' ? 2 : 9;
    if (lead > 2) return false;
    return p[8] == (uint8_t)dni_letters[(lead * 10000000u + dnum(p + 1, 7)) % 23];
}

/* Codice fiscale: 6 letters, 2 digits, month letter, 2 digits, letter, 3
 * digits, check letter; digits may be replaced by LMNPQRSTUV (omocodia). */
bool pii_cf_ok(const uint8_t *p, size_t n)
{
    static const uint8_t odd[36] = {  /* 0-9 then A-Z */
        1,0,5,7,9,13,15,17,19,21, 1,0,5,7,9,13,15,17,19,21,2,4,18,20,11,3,6,8,12,14,16,10,22,25,24,23};
    static const char shape[] = "AAAAAANNANNANNNA";
    if (n != 16) return false;
    for (size_t i = 0; i < 16; i++) {
        uint8_t c = p[i];
        if (shape[i] == 'A' && !is_upper(c)) return false;
        if (shape[i] == 'N' && !is_digit(c) && !(c && strchr("LMNPQRSTUV", c))) return false;
    }
    if (!strchr("ABCDEHLMPRST", p[8])) return false;
    unsigned sum = 0;
    for (size_t i = 0; i < 15; i++) {
        uint8_t c = p[i];
        unsigned idx = is_digit(c) ? (unsigned)(c - '0') : (unsigned)(c - 'A') + 10;
        if ((i & 1) == 0) sum += odd[idx];                         /* 1-based odd */
        else sum += is_digit(c) ? (unsigned)(c - '0') : (unsigned)(c - 'A');
    }
    return p[15] == (uint8_t)('A' + sum % 26);
}

/* French NIR: sex, YY, MM, department (2 digits or 2A/2B), commune (3),
 * order (3), key (2) = 97 - (number mod 97), Corsica counted as 19/18. */
bool pii_nir_ok(const uint8_t *p, size_t n)
{
    if (n != 15) return false;
    uint8_t b[13];
    memcpy(b, p, 13);
    if (b[5] == '2' && (b[6] == 'A' || b[6] == 'B')) {
        b[5] = '1';
        b[6] = p[6] == 'A' ? '9' : '8';
    }
    if (!all_digits(b, 13) || !all_digits(p + 13, 2)) return false;
    if (!strchr("12378", b[0])) return false;
    unsigned mm = dnum(b + 3, 2);
    if (mm == 0 || (mm > 12 && mm < 20) || (mm > 42 && mm < 50)) return false;
    unsigned key = dnum(p + 13, 2);
    int r = pii_mod97(b, 13);
    return key >= 1 && key <= 97 && key == 97u - (unsigned)r;
}

bool pii_cpf_ok(const uint8_t *d, size_t n)
{
    if (n != 11 || !all_digits(d, n) || pii_digits_trivial(d, n)) return false;
    for (size_t k = 9; k <= 10; k++) {
        unsigned sum = 0;
        for (size_t i = 0; i < k; i++) sum += (unsigned)(d[i] - '0') * (unsigned)(k + 1 - i);
        unsigned r = sum * 10 % 11;
        if (r == 10) r = 0;
        if (r != (unsigned)(d[k] - '0')) return false;
    }
    return true;
}

bool pii_aadhaar_ok(const uint8_t *d, size_t n)
{
    return n == 12 && all_digits(d, n) && d[0] >= '2' && !pii_digits_trivial(d, n) &&
           pii_verhoeff_ok(d, n);
}

bool pii_sin_ok(const uint8_t *d, size_t n)
{
    return n == 9 && all_digits(d, n) && d[0] != '0' && d[0] != '8' &&
           !pii_digits_trivial(d, n) && pii_luhn_ok(d, n);
}

/* ---- phones ---- */

/* ITU-T E.164 country calling codes and national significant number lengths
 * (min, max). Codes are prefix-free, so at most one entry matches. */
static const struct { uint16_t cc; uint8_t min, max; } e164[] = {
    {1,10,10},{7,10,10},{20,8,10},{27,9,9},{30,10,10},{31,9,9},{32,8,9},{33,9,9},
    {34,9,9},{36,8,9},{39,6,11},{40,9,9},{41,9,9},{43,4,13},{44,9,10},{45,8,8},
    {46,7,10},{47,8,8},{48,9,9},{49,6,13},{51,8,9},{52,10,10},{53,8,8},{54,10,10},
    {55,10,11},{56,9,9},{57,8,10},{58,10,10},{60,8,10},{61,9,9},{62,8,12},{63,8,10},
    {64,8,10},{65,8,8},{66,8,9},{81,9,10},{82,8,10},{84,9,10},{86,10,11},{90,10,10},
    {91,10,10},{92,9,10},{93,9,9},{94,9,9},{95,7,10},{98,10,10},
    {211,9,9},{212,9,9},{213,8,9},{216,8,8},{218,8,9},{221,9,9},{225,8,10},{233,9,9},
    {234,8,10},{237,9,9},{251,9,9},{254,9,9},{255,9,9},{256,9,9},{260,9,9},{263,9,9},
    {351,9,9},{352,4,11},{353,7,9},{354,7,9},{355,8,9},{356,8,8},{357,8,8},{358,5,12},
    {359,7,9},{370,8,8},{371,8,8},{372,7,8},{373,8,8},{374,8,8},{375,9,9},{376,6,9},
    {377,8,9},{380,9,9},{381,8,9},{382,8,8},{385,8,9},{386,8,8},{387,8,8},{389,8,8},
    {420,9,9},{421,9,9},{423,7,9},{502,8,8},{503,8,8},{504,8,8},{505,8,8},{506,8,8},
    {507,7,8},{509,8,8},{591,8,8},{593,8,9},{595,9,9},{598,8,8},{852,8,8},{853,8,8},
    {855,8,9},{856,8,10},{880,10,10},{886,8,9},{960,7,7},{961,7,8},{962,8,9},{963,8,9},
    {964,10,10},{965,8,8},{966,9,9},{967,9,9},{968,8,8},{970,9,9},{971,8,9},{972,8,9},
    {973,8,8},{974,8,8},{975,8,8},{976,8,8},{977,8,10},{992,9,9},{993,8,8},{994,9,9},
    {995,9,9},{996,9,9},{998,9,9},
};

/* Code -> its entry + 1 (0: no such code), built once from the table. */
static uint8_t e164_at[1000];
static pthread_once_t e164_once = PTHREAD_ONCE_INIT;
_Static_assert(sizeof e164 / sizeof e164[0] < 255, "e164_at holds an entry + 1 in a byte");

static void e164_index(void)
{
    for (size_t i = sizeof e164 / sizeof e164[0]; i-- > 0;) e164_at[e164[i].cc] = (uint8_t)(i + 1);
}

unsigned pii_e164_ok(const uint8_t *d, size_t n)
{
    if (n < 8 || n > 15 || !all_digits(d, n) || d[0] == '0') return 0;
    pthread_once(&e164_once, e164_index);
    for (unsigned l = 1; l <= 3; l++) {
        unsigned cc = dnum(d, l);
        if (!e164_at[cc]) continue;
        size_t i = e164_at[cc] - 1u, nsn = n - l;
        if (nsn < e164[i].min || nsn > e164[i].max) return 0;
        if (d[l] == '0' && cc != 39) return 0;    /* trunk 0 never follows the code (Italy keeps it) */
        if (pii_digits_trivial(d + l, nsn)) return 0;
        return l;
    }
    return 0;
}

bool pii_digits_trivial(const uint8_t *d, size_t n)
{
    if (n < 2) return true;
    bool same = true, up = true, down = true;
    for (size_t i = 1; i < n; i++) {
        uint8_t a = d[i - 1], b = d[i];
        same = same && b == d[0];
        up = up && b == (a == '9' ? '0' : a + 1);
        down = down && b == (a == '0' ? '9' : a - 1);
        if (!(same || up || down)) return false;   /* most values: within two digits */
    }
    return true;
}

/* National formats: group lengths, whether the first group is in
 * parentheses, which separators may join groups, and the leading digits.
 * A token matching entries of one country only names that country. */
struct phone_shape {
    const char *cc;
    uint8_t groups[6];       /* digit counts, 0-terminated */
    bool paren;              /* first group in parentheses */
    const char *seps;        /* allowed separators between groups */
    const char *lead;        /* allowed first digit(s) of the first group */
    const char *lead2;       /* allowed second digit, or NULL */
};

static const struct phone_shape shapes[] = {
    {"1",  {3,3,4},     false, "-. ",  "23456789", NULL},
    {"1",  {3,3,4},     true,  "- ",   "23456789", NULL},
    {"1",  {1,3,3,4},   false, "-. ",  "1",        NULL},
    {"44", {5,6},       false, " ",    "0",        "1237"},
    {"44", {3,4,4},     false, " ",    "0",        "123"},
    {"44", {4,3,4},     false, " ",    "0",        "1"},
    {"44", {3,4,4},     true,  " ",    "0",        "2"},
    {"49", {4,7},       false, " -/",  "0",        "1"},
    {"49", {4,8},       false, " -/",  "0",        "1"},
    {"49", {3,7},       false, "/",    "0",        "23456789"},
    {"49", {3,8},       false, " -/",  "0",        "3"},
    {"33", {2,2,2,2,2}, false, " .-",  "0",        "123456789"},
    {"31", {2,8},       false, "- ",   "0",        "6"},
    {"31", {3,7},       false, "-",    "0",        "12345789"},
    {"34", {3,3,3},     false, " -",   "6789",     NULL},
    {"34", {3,2,2,2},   false, " ",    "6789",     NULL},
    {"39", {2,4,4},     false, " ",    "0",        "26"},
    {"39", {3,3,4},     false, " ",    "3",        NULL},
    {"91", {5,5},       false, " -",   "6789",     NULL},
    {"55", {2,5,4},     true,  " -",   "123456789", NULL},
    {"55", {2,4,4},     true,  " -",   "123456789", NULL},
    {"61", {4,3,3},     false, " ",    "0",        "4"},
    {"61", {2,4,4},     true,  " ",    "0",        "2378"},
    {"81", {2,4,4},     false, "-",    "0",        "3456"},
    {"81", {3,4,4},     false, "-",    "0",        "789"},
};

bool pii_phone_national_ok(const uint8_t *p, size_t len, char cc[4])
{
    uint8_t g[8], ng = 0, digits[24], nd = 0;
    uint8_t sep = 0;
    bool paren = false, sep_mixed = false;
    size_t i = 0;
    cc[0] = 0;
    if (len > 24) return false;
    if (i < len && p[i] == '(') { paren = true; i++; }
    while (i < len) {
        size_t s = i;
        while (i < len && is_digit(p[i])) digits[nd++] = p[i++];
        if (i == s || ng == 8) return false;
        g[ng++] = (uint8_t)(i - s);
        if (i == len) break;
        if (paren && ng == 1) {
            if (p[i] != ')') return false;
            i++;
            if (i < len && p[i] == ' ') i++;
            continue;
        }
        if (p[i] == '(' || p[i] == ')') return false;
        if (sep && p[i] != sep) sep_mixed = true;
        sep = p[i++];
    }
    if (ng < 2 || nd < 9 || nd > 12 || sep_mixed) return false;
    if (pii_digits_trivial(digits + 1, nd - 1)) return false;
    /* "uids 64010-64016", "ports 49152-49200": a range of numbers, not a
     * phone: two groups of one length joined by '-', the second a little
     * above the first (a real 5-5 Indian number falls there 1 time in 1000) */
    if (ng == 2 && sep == '-' && g[0] == g[1]) {
        uint64_t a = 0, b = 0;
        for (size_t k = 0; k < g[0]; k++) {
            a = a * 10 + (uint64_t)(digits[k] - '0');
            b = b * 10 + (uint64_t)(digits[g[0] + k] - '0');
        }
        if (b > a && b - a < 100) return false;
    }
    const char *found = NULL;
    bool many = false;
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        const struct phone_shape *sh = &shapes[k];
        size_t j = 0;
        while (j < 6 && sh->groups[j]) j++;
        if (j != ng || sh->paren != paren) continue;
        if (memcmp(sh->groups, g, ng) != 0) continue;
        if (sep && !strchr(sh->seps, sep)) continue;
        if (!strchr(sh->lead, digits[0])) continue;
        if (sh->lead2 && !strchr(sh->lead2, digits[1])) continue;
        if (sh->cc[0] == '1' && sh->groups[0] == 3 && !strchr("23456789", digits[3])) continue;
        if (sh->cc[0] == '1' && sh->groups[0] == 1 && (!strchr("23456789", digits[1]) ||
                                                       !strchr("23456789", digits[4]))) continue;
        if (found && strcmp(found, sh->cc) != 0) many = true;
        found = sh->cc;
    }
    if (!found) return false;
    if (!many) {
        size_t l = strlen(found);
        memcpy(cc, found, l + 1);
    }
    return true;
}

/* ---- dates ---- */

static bool ymd_ok(unsigned y, unsigned m, unsigned d, int max_year)
{
    static const uint8_t mdays[12] = {31,29,31,30,31,30,31,31,30,31,30,31};
    if (y < 1900 || (int)y > max_year || m < 1 || m > 12 || d < 1) return false;
    if (d > mdays[m - 1]) return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
    return true;
}

bool pii_date_ok(const uint8_t *p, size_t len, int max_year)
{
    unsigned v[3], nd[3];
    uint8_t sep = 0;
    size_t i = 0, k = 0;
    if (len == 8 && all_digits(p, 8))
        return ymd_ok(dnum(p, 4), dnum(p + 4, 2), dnum(p + 6, 2), max_year);
    for (k = 0; k < 3; k++) {
        size_t s = i;
        while (i < len && is_digit(p[i]) && i - s < 4) i++;
        if (i == s) return false;
        v[k] = dnum(p + s, i - s);
        nd[k] = (unsigned)(i - s);
        if (k < 2) {
            if (i >= len || !strchr("-/.", p[i])) return false;
            if (sep && p[i] != sep) return false;
            sep = p[i++];
        }
    }
    if (i < len && p[i] != 'T' && p[i] != ' ') return false;   /* a time may follow */
    if (nd[0] == 4 && nd[1] <= 2 && nd[2] <= 2) return ymd_ok(v[0], v[1], v[2], max_year);
    if (nd[2] != 4 || nd[0] > 2 || nd[1] > 2) return false;
    return ymd_ok(v[2], v[1], v[0], max_year) || ymd_ok(v[2], v[0], v[1], max_year);
}

/* ---- names ---- */

/* Length of a valid UTF-8 multibyte letter-ish sequence at p, 0 if none. We
 * do not carry Unicode tables: any well-formed 2..4 byte sequence outside
 * the general punctuation and symbol blocks counts as a letter. */
static size_t utf8_letter(const uint8_t *p, size_t len)
{
    size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || n > len || p[0] > 0xF4) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if (n == 2 && p[0] == 0xC2) return 0;                /* U+0080..U+00BF: symbols */
    if (n == 2 && p[0] == 0xC3 && (p[1] == 0x97 || p[1] == 0xB7)) return 0; /* x, / */
    if (n == 3 && p[0] == 0xE2) return 0;                /* U+2000..U+2FFF punctuation, symbols */
    if (n == 3 && p[0] == 0xEF && p[1] >= 0xBC) return 0; /* fullwidth forms, specials */
    if (n == 4) return 0;                                /* emoji and other astral symbols */
    return n;
}

bool pii_name_ok(const uint8_t *p, size_t len, unsigned min_tokens)
{
    static const struct bytes placeholders[] = {
        BYTES_LIT("admin"), BYTES_LIT("administrator"), BYTES_LIT("root"), BYTES_LIT("test"),
        BYTES_LIT("null"), BYTES_LIT("none"), BYTES_LIT("unknown"), BYTES_LIT("user"),
        BYTES_LIT("guest"), BYTES_LIT("anonymous"), BYTES_LIT("true"), BYTES_LIT("false"),
        BYTES_LIT("system"), BYTES_LIT("default"), BYTES_LIT("undefined"), BYTES_LIT("example"),
        BYTES_LIT("n/a"), BYTES_LIT("name"), BYTES_LIT("firstname"), BYTES_LIT("lastname"),
        BYTES_LIT("test user") };
    if (len < 2 || len > 100) return false;
    unsigned tokens = 0, letters = 0;
    bool in_tok = false, upper_or_utf8 = false, lower = false;
    for (size_t i = 0; i < len;) {
        uint8_t c = p[i];
        if (is_alpha(c)) {
            letters++;
            if (is_upper(c)) upper_or_utf8 = true; else lower = true;
            if (!in_tok) { tokens++; in_tok = true; }
            i++;
        } else if (c >= 0x80) {
            size_t n = utf8_letter(p + i, len - i);
            if (n == 0) return false;
            letters++;
            upper_or_utf8 = true;
            if (!in_tok) { tokens++; in_tok = true; }
            i += n;
        } else if (c == ' ') {
            if (i > 0 && p[i - 1] == ' ') return false;
            in_tok = false;
            i++;
        } else if (c == '-' || c == '\'' || c == '.') {
            if (!in_tok) return false;                   /* word must start with a letter */
            i++;
        } else {
            return false;
        }
    }
    if (p[0] == ' ' || p[len - 1] == ' ' || p[len - 1] == '-') return false;
    if (letters < 2 || tokens < min_tokens || tokens > 10 || !upper_or_utf8) return false;
    (void)lower;
    /* Placeholders and test values are not people ("John Doe" is the
     * proverbial nobody; the real ones will be there a hundred times over). */
    return !bytes_one_of(p, len, placeholders, sizeof placeholders / sizeof placeholders[0], true);
}

/* ---- credentials ---- */

bool pii_is_b64(uint8_t c) { return is_alnum(c) || c == '+' || c == '/'; }
bool pii_is_b64url(uint8_t c) { return is_alnum(c) || c == '-' || c == '_'; }

static int b64url_val(uint8_t c)
{
    if (is_upper(c)) return c - 'A';
    if (is_lower(c)) return c - 'a' + 26;
    if (is_digit(c)) return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
}

bool pii_jwt_header_ok(const uint8_t *p, size_t len)
{
    uint8_t out[192];
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    if (len < 10) return false;
    for (size_t i = 0; i < len && n < sizeof out; i++) {
        int v = b64url_val(p[i]);
        if (v < 0) return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(acc >> bits);
        }
    }
    size_t s = 0;
    while (s < n && (out[s] == ' ' || out[s] == '\r' || out[s] == '\n' || out[s] == '\t')) s++;
    if (s >= n || out[s] != '{') return false;
    for (size_t i = s; i + 5 <= n; i++)
        if (memcmp(out + i, "\"alg\"", 5) == 0) return true;
    return false;
}
