/* pii_keys.c -- field names to field classes: the built-in word lists and
 * the configuration's extra context words. "First_Name", "firstName" and
 * "first-name" are one name once normalised (lower case, letters and digits
 * only). Exact words first (a hash table built once per database), then
 * substring rules, then suffix rules (db_password, customerName, order_id). */
#include "pii_ctx.h"

#include <string.h>

static inline bool is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline uint8_t lc(uint8_t c) { return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c; }

/* ---- field-name classes ---- */

static const struct { const char *w; uint8_t cls; } exact_words[] = {
    {"phone", PII_CLS_PHONE}, {"tel", PII_CLS_PHONE}, {"telephone", PII_CLS_PHONE},
    {"mobile", PII_CLS_PHONE}, {"cell", PII_CLS_PHONE}, {"cellphone", PII_CLS_PHONE},
    {"fax", PII_CLS_PHONE}, {"msisdn", PII_CLS_PHONE}, {"gsm", PII_CLS_PHONE},
    {"handy", PII_CLS_PHONE}, {"mobiel", PII_CLS_PHONE}, {"portable", PII_CLS_PHONE},
    {"contactnumber", PII_CLS_PHONE}, {"whatsapp", PII_CLS_PHONE}, {"faxnumber", PII_CLS_PHONE},
    {"card", PII_CLS_CARD}, {"cardnumber", PII_CLS_CARD}, {"cc", PII_CLS_CARD},
    {"ccnumber", PII_CLS_CARD}, {"creditcard", PII_CLS_CARD}, {"pan", PII_CLS_CARD},
    {"cardno", PII_CLS_CARD}, {"iban", PII_CLS_IBAN}, {"bankaccount", PII_CLS_IBAN},
    {"nationalid", PII_CLS_NATID}, {"taxid", PII_CLS_NATID}, {"tin", PII_CLS_NATID},
    {"idnumber", PII_CLS_NATID}, {"personalnumber", PII_CLS_NATID}, {"personnummer", PII_CLS_NATID},
    {"identitynumber", PII_CLS_NATID}, {"nationalidentifier", PII_CLS_NATID},
    {"citizenid", PII_CLS_NATID}, {"nationalnumber", PII_CLS_NATID},
    {"ssn", PII_CLS_SSN}, {"ssnumber", PII_CLS_SSN}, {"bsn", PII_CLS_BSN},
    {"burgerservicenummer", PII_CLS_BSN}, {"sofinummer", PII_CLS_BSN}, {"cpf", PII_CLS_CPF},
    {"aadhaar", PII_CLS_AADHAAR}, {"aadhar", PII_CLS_AADHAAR}, {"sin", PII_CLS_SIN},
    {"nir", PII_CLS_NIR}, {"insee", PII_CLS_NIR}, {"numerosecu", PII_CLS_NIR},
    {"fullname", PII_CLS_NAME}, {"personname", PII_CLS_NAME}, {"realname", PII_CLS_NAME},
    {"cardholder", PII_CLS_NAME}, {"cardholdername", PII_CLS_NAME}, {"accountholder", PII_CLS_NAME},
    {"naam", PII_CLS_NAME2}, {"name", PII_CLS_NAME2}, {"customer", PII_CLS_NAME2},
    {"contact", PII_CLS_NAME2}, {"owner", PII_CLS_NAME2}, {"author", PII_CLS_NAME2},
    {"fn", PII_CLS_NAME2}, {"recipient", PII_CLS_NAME2}, {"sender", PII_CLS_NAME2},
    {"patient", PII_CLS_NAME2}, {"employee", PII_CLS_NAME2}, {"member", PII_CLS_NAME2},
    {"client", PII_CLS_NAME2}, {"holder", PII_CLS_NAME2}, {"passenger", PII_CLS_NAME2},
    {"beneficiary", PII_CLS_NAME2}, {"attendee", PII_CLS_NAME2}, {"displayname", PII_CLS_NAME2},
    {"firstname", PII_CLS_FIRST}, {"givenname", PII_CLS_FIRST}, {"forename", PII_CLS_FIRST},
    {"fname", PII_CLS_FIRST}, {"first", PII_CLS_FIRST}, {"vorname", PII_CLS_FIRST},
    {"prenom", PII_CLS_FIRST}, {"nombre", PII_CLS_FIRST}, {"voornaam", PII_CLS_FIRST},
    {"middlename", PII_CLS_FIRST}, {"given", PII_CLS_FIRST},
    {"lastname", PII_CLS_LAST}, {"surname", PII_CLS_LAST}, {"familyname", PII_CLS_LAST},
    {"lname", PII_CLS_LAST}, {"last", PII_CLS_LAST}, {"nachname", PII_CLS_LAST},
    {"nom", PII_CLS_LAST}, {"apellido", PII_CLS_LAST}, {"apellidos", PII_CLS_LAST},
    {"achternaam", PII_CLS_LAST}, {"family", PII_CLS_LAST}, {"cognome", PII_CLS_LAST},
    {"dob", PII_CLS_DOB}, {"bdate", PII_CLS_DOB}, {"geburtsdatum", PII_CLS_DOB},
    {"datenaissance", PII_CLS_DOB}, {"geboortedatum", PII_CLS_DOB}, {"fechanacimiento", PII_CLS_DOB},
    {"address", PII_CLS_ADDRESS}, {"addr", PII_CLS_ADDRESS}, {"address1", PII_CLS_ADDRESS},
    {"address2", PII_CLS_ADDRESS}, {"addressline1", PII_CLS_ADDRESS},
    {"addressline2", PII_CLS_ADDRESS}, {"adresse", PII_CLS_ADDRESS}, {"adres", PII_CLS_ADDRESS},
    {"direccion", PII_CLS_ADDRESS}, {"indirizzo", PII_CLS_ADDRESS}, {"straat", PII_CLS_ADDRESS},
    {"zip", PII_CLS_ZIP}, {"plz", PII_CLS_ZIP}, {"cap", PII_CLS_ZIP}, {"postcode", PII_CLS_ZIP},
    {"codepostal", PII_CLS_ZIP}, {"postleitzahl", PII_CLS_ZIP}, {"postal", PII_CLS_ZIP},
    {"password", PII_CLS_PASSWORD}, {"passwd", PII_CLS_PASSWORD}, {"pwd", PII_CLS_PASSWORD},
    {"secret", PII_CLS_PASSWORD}, {"passphrase", PII_CLS_PASSWORD},
    {"apikey", PII_CLS_PASSWORD}, {"accesskey", PII_CLS_PASSWORD},
    {"wachtwoord", PII_CLS_PASSWORD}, {"passwort", PII_CLS_PASSWORD},
    {"email", PII_CLS_EMAIL}, {"mail", PII_CLS_EMAIL},
    {"id", PII_CLS_NEG}, {"uuid", PII_CLS_NEG}, {"guid", PII_CLS_NEG}, {"order", PII_CLS_NEG},
    {"ts", PII_CLS_NEG}, {"time", PII_CLS_NEG}, {"date", PII_CLS_NEG}, {"size", PII_CLS_NEG},
    {"price", PII_CLS_NEG}, {"amount", PII_CLS_NEG}, {"total", PII_CLS_NEG}, {"etag", PII_CLS_NEG},
    {"count", PII_CLS_NEG}, {"ref", PII_CLS_NEG}, {"no", PII_CLS_NEG}, {"nr", PII_CLS_NEG},
};

/* Substring rules, tried in order after the exact words. */
#define W(s, c) { s, sizeof s - 1, c }
static const struct { const char *w; uint8_t len, cls; } contains_words[] = {
    W("socialsecurity", PII_CLS_SSN), W("socialinsurance", PII_CLS_SIN), W("aadha", PII_CLS_AADHAAR),
    W("burgerservice", PII_CLS_BSN), W("securitesociale", PII_CLS_NIR),
    W("birth", PII_CLS_DOB), W("emailaddress", PII_CLS_EMAIL), W("email", PII_CLS_EMAIL),
    W("ipaddress", PII_CLS_NEG), W("macaddress", PII_CLS_NEG),
    W("phone", PII_CLS_PHONE), W("mobile", PII_CLS_PHONE), W("telef", PII_CLS_PHONE),
    W("msisdn", PII_CLS_PHONE), W("cardnumber", PII_CLS_CARD), W("creditcard", PII_CLS_CARD),
    W("iban", PII_CLS_IBAN), W("nationalid", PII_CLS_NATID), W("taxid", PII_CLS_NATID),
    W("postcode", PII_CLS_ZIP), W("postalcode", PII_CLS_ZIP), W("zipcode", PII_CLS_ZIP),
    W("address", PII_CLS_ADDRESS), W("street", PII_CLS_ADDRESS), W("strasse", PII_CLS_ADDRESS),
    W("firstname", PII_CLS_FIRST), W("givenname", PII_CLS_FIRST),
    W("lastname", PII_CLS_LAST), W("surname", PII_CLS_LAST), W("familyname", PII_CLS_LAST),
    W("fullname", PII_CLS_NAME),
    W("order", PII_CLS_NEG), W("invoice", PII_CLS_NEG), W("tracking", PII_CLS_NEG),
    W("serial", PII_CLS_NEG), W("sku", PII_CLS_NEG), W("isbn", PII_CLS_NEG), W("gtin", PII_CLS_NEG),
    W("transaction", PII_CLS_NEG), W("ticket", PII_CLS_NEG), W("reference", PII_CLS_NEG),
    W("version", PII_CLS_NEG), W("timestamp", PII_CLS_NEG), W("checksum", PII_CLS_NEG),
    W("hash", PII_CLS_NEG), W("shipment", PII_CLS_NEG), W("parcel", PII_CLS_NEG),
};
#undef W
#define N_CONTAINS (sizeof contains_words / sizeof contains_words[0])

/* "<person word>name" (customerName, contact_name) names a person; other
 * *name fields (fileName, hostName, companyName) do not. */
static const char *const person_name_prefix[] = {
    "customer", "contact", "person", "client", "holder", "patient", "employee", "member", "user",
    "owner", "recipient", "sender", "display", "legal", "maiden", "account", "billing",
    "shipping", "emergencycontact", "guardian", "parent", "spouse", "student", "driver", NULL };

static size_t norm_key(const uint8_t *key, size_t len, char *out, size_t outlen)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < outlen; i++)
        if (is_alnum(key[i])) out[n++] = (char)lc(key[i]);
    out[n] = 0;
    return n;
}

static bool has_letter(const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (k[i] >= 'a' && k[i] <= 'z') return true;
    return false;
}

static uint8_t cls_of_kind(int k)
{
    switch (k) {
    case PII_EMAIL: return PII_CLS_EMAIL;
    case PII_PHONE: return PII_CLS_PHONE;
    case PII_PAYMENT_CARD: return PII_CLS_CARD;
    case PII_NATIONAL_ID: return PII_CLS_NATID;
    case PII_IBAN: return PII_CLS_IBAN;
    case PII_PERSON_NAME: return PII_CLS_NAME;
    case PII_DATE_OF_BIRTH: return PII_CLS_DOB;
    case PII_POSTAL_ADDRESS: return PII_CLS_ADDRESS;
    case PII_CREDENTIAL: return PII_CLS_PASSWORD;
    default: return PII_CLS_NONE;
    }
}

static uint32_t kh(const char *w)
{
    uint32_t h = 2166136261u;
    for (; *w; w++) h = (h ^ (uint8_t)*w) * 16777619u;
    return h & (PII_KEYHASH - 1);
}

static void kh_put(struct pii_keymap *m, const char *w, uint8_t cls)
{
    if (strlen(w) >= sizeof m->h[0].w) return;
    for (uint32_t i = kh(w);; i = (i + 1) & (PII_KEYHASH - 1)) {
        if (m->h[i].used) {
            if (strcmp(m->h[i].w, w) == 0) return;     /* first entry wins */
            continue;
        }
        strcpy(m->h[i].w, w);
        m->h[i].cls = cls;
        m->h[i].used = true;
        return;
    }
}

void pii_keymap_init(struct pii_keymap *m, const struct pii_config *cfg)
{
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < sizeof exact_words / sizeof exact_words[0]; i++)
        kh_put(m, exact_words[i].w, exact_words[i].cls);
    m->sub_ok = true;
    for (size_t i = 0; i < N_CONTAINS; i++) {
        unsigned c = (uint8_t)contains_words[i].w[0] - 'a';
        unsigned j = 0;
        while (c < 26 && j < PII_SUB_SLOTS && m->sub[c][j]) j++;
        unsigned c2 = (uint8_t)contains_words[i].w[1] - 'a';
        if (c >= 26 || c2 >= 26 || j == PII_SUB_SLOTS || i + 1 > UINT8_MAX) { m->sub_ok = false; break; }
        m->sub[c][j] = (uint8_t)(i + 1);
        m->sub2[c] |= 1u << c2;
    }
    if (!cfg) return;
    for (int k = 0; k < PII__COUNT; k++) {
        const char *const *w = cfg->context_words[k];
        uint8_t cls = cls_of_kind(k);
        for (; w && *w && cls != PII_CLS_NONE && m->n < PII_EXTRA_WORDS; w++) {
            size_t n = norm_key((const uint8_t *)*w, strlen(*w), m->e[m->n].w, sizeof m->e[0].w);
            if (n == 0) continue;
            if (!has_letter(m->e[m->n].w, n)) m->digit_words = true;
            m->e[m->n++].cls = cls;
        }
    }
}

/* The class of the first substring rule (in list order) found anywhere in the
 * normalised name k, or PII_CLS_NONE. With an index: one pass over k, trying
 * at each letter only the rules that start with it, and only those before
 * the best rule found so far. */
static uint8_t contains_class(const struct pii_keymap *m, const char *k, size_t n)
{
    if (!m || !m->sub_ok) {
        for (size_t i = 0; i < N_CONTAINS; i++)
            if (strstr(k, contains_words[i].w)) return contains_words[i].cls;
        return PII_CLS_NONE;
    }
    size_t best = N_CONTAINS;
    for (size_t i = 0; i + 1 < n; i++) {   /* every rule has two letters or more */
        unsigned c = (uint8_t)k[i] - 'a', c2 = (uint8_t)k[i + 1] - 'a';
        if (c >= 26 || c2 >= 26 || !(m->sub2[c] >> c2 & 1)) continue;
        for (unsigned j = 0; j < PII_SUB_SLOTS && m->sub[c][j]; j++) {
            size_t r = m->sub[c][j] - 1u;
            if (r >= best) break;
            if (contains_words[r].len <= n - i && memcmp(k + i, contains_words[r].w, contains_words[r].len) == 0) {
                best = r;
                break;
            }
        }
    }
    return best < N_CONTAINS ? contains_words[best].cls : PII_CLS_NONE;
}

uint8_t pii_key_class(const struct pii_keymap *m, const uint8_t *key, size_t len)
{
    char k[PII_KEY_MAX + 1];
    size_t n = norm_key(key, len, k, sizeof k);
    if (n == 0) return PII_CLS_NONE;
    /* Every built-in word holds a letter: names without one (versions and
     * numbers as keys, "1.4.0") can only be an extra word made of digits. */
    if (m && !m->digit_words && !has_letter(k, n)) return PII_CLS_NONE;
    if (m) {
        for (unsigned i = 0; i < m->n; i++)
            if (strcmp(k, m->e[i].w) == 0) return m->e[i].cls;
        for (uint32_t i = kh(k); m->h[i].used; i = (i + 1) & (PII_KEYHASH - 1))
            if (strcmp(m->h[i].w, k) == 0) return m->h[i].cls;
    } else {
        for (size_t i = 0; i < sizeof exact_words / sizeof exact_words[0]; i++)
            if (strcmp(k, exact_words[i].w) == 0) return exact_words[i].cls;
    }
    uint8_t sc = contains_class(m, k, n);
    if (sc != PII_CLS_NONE) return sc;
    /* db_password, client_secret, user_pass: the secret word ends the key
     * (password_hint, secret_func, passwd_file are not secrets). */
#define S(s) { s, sizeof s - 1 }
    static const struct { const char *w; size_t len; } secret_end[] = {
        S("password"), S("passwd"), S("secret"), S("passphrase"), S("secretkey"),
        S("accesskey"), S("apikey"), S("pass"), S("pwd"), { NULL, 0 } };
#undef S
    for (size_t i = 0; secret_end[i].w; i++) {
        size_t l = secret_end[i].len;
        if (n > l && memcmp(k + n - l, secret_end[i].w, l) == 0) {
            /* "pass"/"pwd" only as a word of their own: db_pass, userPwd,
             * not minipass, bypass, compass. */
            if (l <= 4) {
                size_t j = len;
                while (j > 0 && !is_alnum(key[j - 1])) j--;
                if (j < l) return PII_CLS_NONE;
                size_t st = j - l;
                bool word = st == 0 || !is_alnum(key[st - 1]) || (key[st] >= 'A' && key[st] <= 'Z');
                if (!word) return PII_CLS_NONE;
            }
            /* Identifiers of five words and more are API names
             * (gnutls_session_get_master_secret), not settings. */
            unsigned parts = 1;
            for (size_t j = 1; j < len; j++)
                if ((!is_alnum(key[j - 1]) && is_alnum(key[j])) ||
                    (key[j - 1] >= 'a' && key[j - 1] <= 'z' && key[j] >= 'A' && key[j] <= 'Z'))
                    parts++;
            return parts <= 4 ? PII_CLS_PASSWORD : PII_CLS_NONE;
        }
    }
    if (n > 4 && strcmp(k + n - 4, "name") == 0) {
        for (size_t i = 0; person_name_prefix[i]; i++) {
            size_t l = strlen(person_name_prefix[i]);
            if (l == n - 4 && memcmp(k, person_name_prefix[i], l) == 0) return PII_CLS_NAME2;
        }
        return PII_CLS_NONE;
    }
    if (n > 2 && strcmp(k + n - 2, "id") == 0) return PII_CLS_NEG;
    return PII_CLS_NONE;
}
