/* pii_validate.h -- pure validators of candidate PII values.
 *
 * Every function takes a (p, len) view of candidate bytes the caller already
 * cut out of the body, reads nothing outside it, allocates nothing and keeps
 * no state: the same bytes always give the same answer. They are shared by
 * the scanner (pii.c) and the unit tests.
 */
#ifndef BW_PII_VALIDATE_H
#define BW_PII_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- generated TLD table (pii_tld.c) ---- */
extern const char *const pii_tld_table[];
extern const size_t pii_tld_count;

/* True if the label (any case) is an ICANN top-level domain. */
bool pii_tld_known(const uint8_t *p, size_t len);

/* ---- email ---- */
/* Local part of an address: RFC 5322 dot-atom characters, 1..64 bytes, no
 * leading, trailing or doubled dot. */
bool pii_email_local_ok(const uint8_t *p, size_t len);
/* Domain of an address: two or more LDH labels (1..63 each, no leading or
 * trailing hyphen), at most 253 bytes, ending in a known alphabetic TLD. */
bool pii_email_domain_ok(const uint8_t *p, size_t len);

/* ---- checksums over ASCII digits ---- */
bool pii_luhn_ok(const uint8_t *d, size_t n);
bool pii_verhoeff_ok(const uint8_t *d, size_t n);
/* Remainder mod 97 of an ASCII alphanumeric string read the IBAN way
 * (letters are 10..35); -1 on a byte that is neither. */
int pii_mod97(const uint8_t *p, size_t n);

/* ---- payment cards ---- */
enum pii_card_brand {
    PII_CARD_NONE = 0, PII_CARD_VISA, PII_CARD_MASTERCARD, PII_CARD_AMEX,
    PII_CARD_DISCOVER, PII_CARD_JCB, PII_CARD_DINERS, PII_CARD_UNIONPAY,
    PII_CARD_MAESTRO,
};
/* Brand whose IIN range and length admit these n digits (no Luhn check). */
enum pii_card_brand pii_card_brand(const uint8_t *d, size_t n);
/* Brand rules plus Luhn (UnionPay is exempt from Luhn: many are not). */
bool pii_card_ok(const uint8_t *d, size_t n);

/* ---- IBAN: compact upper-case form (no spaces) ---- */
bool pii_iban_ok(const uint8_t *p, size_t n);
/* Length the country's IBAN must have, 0 if the country is unknown. */
unsigned pii_iban_length(const uint8_t cc[2]);

/* ---- national identifiers; compact forms (no separators) ---- */
bool pii_ssn_ok(const uint8_t *d, size_t n);        /* 9 digits */
bool pii_nino_ok(const uint8_t *p, size_t n);       /* AA999999A */
bool pii_bsn_ok(const uint8_t *d, size_t n);        /* 9 digits, 11-proof */
bool pii_dni_ok(const uint8_t *p, size_t n);        /* 8 digits + letter */
bool pii_nie_ok(const uint8_t *p, size_t n);        /* X/Y/Z + 7 digits + letter */
bool pii_cf_ok(const uint8_t *p, size_t n);         /* 16 chars, check char */
bool pii_nir_ok(const uint8_t *p, size_t n);        /* 13 (2A/2B) + 2 key */
bool pii_cpf_ok(const uint8_t *d, size_t n);        /* 11 digits */
bool pii_aadhaar_ok(const uint8_t *d, size_t n);    /* 12 digits, Verhoeff */
bool pii_sin_ok(const uint8_t *d, size_t n);        /* 9 digits, Luhn */

/* ---- phones ---- */
/* d holds the digits after '+'. Returns the length of the country calling
 * code (1..3) when it is a known code and the national number length fits
 * that country, else 0. */
unsigned pii_e164_ok(const uint8_t *d, size_t n);
/* A national-format phone: the raw token with its separators (digits,
 * spaces, '-', '.', '/', parentheses). On success writes the E.164 calling
 * code ("44") into cc when the format names one country, "" otherwise, and
 * returns true. */
bool pii_phone_national_ok(const uint8_t *p, size_t len, char cc[4]);
/* True when all digits are the same, or form an ascending/descending run. */
bool pii_digits_trivial(const uint8_t *d, size_t n);

/* ---- dates ---- */
/* A calendar date in ISO (YYYY-MM-DD, optionally followed by 'T'/' ' and a
 * time), D/M/Y, M/D/Y, D.M.Y, D-M-Y or YYYY/MM/DD with year in
 * [1900, max_year]. */
bool pii_date_ok(const uint8_t *p, size_t len, int max_year);

/* ---- names ---- */
/* A person-like name: letters (ASCII or any UTF-8 multibyte letter), spaces,
 * hyphen, apostrophe, period; 2..100 bytes; at least min_tokens words; not
 * all lower-case ASCII; not a known placeholder ("admin", "null", ...). */
bool pii_name_ok(const uint8_t *p, size_t len, unsigned min_tokens);

/* ---- credentials ---- */
/* A base64url JWT header segment that decodes to a JSON object with "alg". */
bool pii_jwt_header_ok(const uint8_t *p, size_t len);
/* Base64 (standard alphabet) character. */
bool pii_is_b64(uint8_t c);
bool pii_is_b64url(uint8_t c);

#endif
