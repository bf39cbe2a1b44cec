/* scan.c -- `bleedwatch scan FILE... | -`: the PII engine over files.
 *
 * Each input is one body. We read it in blocks, sniff its type from the first
 * block (unless --type says), open one pii_scan, feed the blocks (cut into
 * --chunk pieces when asked, to exercise the streaming contract), close, and
 * print the findings as one JSON line. With --summary a last line totals every
 * file; its distinct figures come from the union of the engine's keyed hashes,
 * so a value seen in two files counts once.
 *
 * Memory is one read block plus what the engine holds per open body; the
 * summary keeps one 17-byte hash per distinct value (capped, counted).
 */
#include "scan.h"
#include "limits.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hashkey.h"
#include "json.h"

#define SCAN_BLOCK (64u << 10)          /* read size; the sniff sees the first block */
#define SCAN_SNIFF_BYTES 4096u
#define SCAN_KEY_LEN 32u                /* bytes of a new hash key */
#define SCAN_KEY_MIN 16u                /* shortest key file accepted */
#define SCAN_KEY_MAX 1024u
#define SCAN_SUMMARY_MAX_HASHES (16u << 20)   /* summary union cap */
#define SCAN_SUMMARY_MAX_ORGS (1u << 20)

/* ---- options ---- */

struct scan_opts {
    enum pii_doc_type type;             /* PII_DOC_AUTO = sniff */
    const char *type_label;             /* label for a forced type */
    bool disabled[PII__COUNT];
    uint64_t scan_cap;
    uint32_t max_distinct;              /* 0 = engine default */
    uint32_t max_depth;                 /* 0 = engine default (LIM_PII_MAX_DEPTH) */
    const char *key_file;
    size_t chunk;                       /* 0 = whole blocks */
    uint64_t chunk_seed;                /* != 0: random piece sizes 1..chunk_max */
    size_t chunk_max;
    bool summary;
};

static const char scan_usage_text[] =
    "usage: bleedwatch scan [options] FILE... | -\n"
    "Runs the PII engine over each file as one response body and prints one JSON\n"
    "object per file (counts and masked samples only; nothing raw).\n"
    "  --type T            csv|json|ndjson|xml|eml|text (default: sniffed)\n"
    "  --disable K[,K]     kinds to skip (email, phone, payment_card, national_id,\n"
    "                      iban, person_name, date_of_birth, postal_address,\n"
    "                      email_message, credential)\n"
    "  --scan-cap BYTES    scan at most BYTES of each body (0 = whole body)\n"
    "  --max-distinct N    exact distinct values kept per body before estimating\n"
    "  --pii-max-depth N   JSON/XML nesting that keeps field-name context, as the\n"
    "                      sensor's option (default 32, at most 63)\n"
    "  --hash-key-file F   per-deployment secret for keyed hashes; created (32\n"
    "                      random bytes, mode 0600) when absent; refused when\n"
    "                      readable by group or others. Without it a random\n"
    "                      key is used for this run only.\n"
    "  --chunk N           feed the engine N-byte pieces (streaming test)\n"
    "  --chunk-random SEED[:MAX]  feed random piece sizes 1..MAX (default 4096)\n"
    "  --summary           print a final object with totals across files\n"
    "  --help              this text\n";

static int scan_fail(const char *fmt, const char *a, const char *b)
{
    fputs("bleedwatch scan: ", stderr);
    fprintf(stderr, fmt, a ? a : "", b ? b : "");
    fputc('\n', stderr);
    return 2;
}

/* Parse a decimal u64 that fills the whole string. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_type(const char *s, struct scan_opts *o)
{
    static const struct { const char *name; enum pii_doc_type t; } types[] = {
        { "csv", PII_DOC_CSV }, { "tsv", PII_DOC_CSV }, { "json", PII_DOC_JSON },
        { "ndjson", PII_DOC_JSON }, { "xml", PII_DOC_XML }, { "eml", PII_DOC_EML },
        { "text", PII_DOC_TEXT }, { "auto", PII_DOC_AUTO },
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(s, types[i].name) == 0) {
            o->type = types[i].t;
            o->type_label = types[i].t == PII_DOC_AUTO ? NULL : types[i].name;
            return 0;
        }
    }
    return -1;
}

static int parse_disable(const char *s, struct scan_opts *o)
{
    char name[64];
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 0 || n >= sizeof name) return -1;
        memcpy(name, s, n);
        name[n] = 0;
        int k = pii_kind_from_name(name);
        if (k < 0 || k >= PII__COUNT) return -1;
        o->disabled[k] = true;
        s += n;
        if (*s == ',') s++;
    }
    return 0;
}

static int parse_chunk_random(const char *s, struct scan_opts *o)
{
    char seed[32];
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    uint64_t v;
    if (n == 0 || n >= sizeof seed) return -1;
    memcpy(seed, s, n);
    seed[n] = 0;
    if (parse_u64(seed, UINT64_MAX, &v) < 0) return -1;
    o->chunk_seed = v ? v : 0x9E3779B97F4A7C15ull;  /* xorshift needs a non-zero state */
    o->chunk_max = 4096;
    if (colon) {
        if (parse_u64(colon + 1, SCAN_BLOCK, &v) < 0 || v == 0) return -1;
        o->chunk_max = (size_t)v;
    }
    return 0;
}

static bool is_value_option(const char *name)
{
    static const char *const names[] = { "--type", "--disable", "--scan-cap", "--max-distinct",
                                         "--pii-max-depth", "--hash-key-file", "--chunk", "--chunk-random" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) return true;
    return false;
}

/* Parse options; *first_file receives the index of the first input. Returns 0,
 * 1 for --help (usage printed), or 2 after one line on stderr. */
static int parse_opts(int argc, char **argv, struct scan_opts *o, int *first_file)
{
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) { i++; break; }
        if (a[0] != '-' || a[1] == 0) break;          /* a file, or "-" */
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(scan_usage_text, stdout);
            return 1;
        }
        if (strcmp(a, "--summary") == 0) { o->summary = true; continue; }
        /* every other option takes a value: --opt V or --opt=V */
        char name[32];
        const char *val = NULL;
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        if (n >= sizeof name) return scan_fail("unknown option %s (try --help)", a, NULL);
        memcpy(name, a, n);
        name[n] = 0;
        if (!is_value_option(name)) return scan_fail("unknown option %s (try --help)", a, NULL);
        if (eq) val = eq + 1;
        else if (i + 1 < argc) val = argv[++i];
        else return scan_fail("option %s needs a value", a, NULL);

        uint64_t v;
        if (strcmp(name, "--type") == 0) {
            if (parse_type(val, o) < 0)
                return scan_fail("bad --type '%s' (csv|json|ndjson|xml|eml|text)", val, NULL);
        } else if (strcmp(name, "--disable") == 0) {
            if (parse_disable(val, o) < 0)
                return scan_fail("bad --disable '%s': unknown kind (see --help)", val, NULL);
        } else if (strcmp(name, "--scan-cap") == 0) {
            if (parse_u64(val, UINT64_MAX, &v) < 0)
                return scan_fail("bad --scan-cap '%s': want a byte count", val, NULL);
            o->scan_cap = v;
        } else if (strcmp(name, "--max-distinct") == 0) {
            if (parse_u64(val, UINT32_MAX, &v) < 0 || v == 0)
                return scan_fail("bad --max-distinct '%s': want a positive count", val, NULL);
            o->max_distinct = (uint32_t)v;
        } else if (strcmp(name, "--pii-max-depth") == 0) {
            if (parse_u64(val, LIM_PII_DEPTH_MAX, &v) < 0 || v == 0)
                return scan_fail("bad --pii-max-depth '%s': want 1..63", val, NULL);
            o->max_depth = (uint32_t)v;
        } else if (strcmp(name, "--hash-key-file") == 0) {
            if (!*val) return scan_fail("empty --hash-key-file", NULL, NULL);
            o->key_file = val;
        } else if (strcmp(name, "--chunk") == 0) {
            if (parse_u64(val, SCAN_BLOCK, &v) < 0 || v == 0)
                return scan_fail("bad --chunk '%s': want 1..65536", val, NULL);
            o->chunk = (size_t)v;
        } else if (strcmp(name, "--chunk-random") == 0) {
            if (parse_chunk_random(val, o) < 0)
                return scan_fail("bad --chunk-random '%s': want SEED[:MAX], MAX 1..65536", val, NULL);
        } else {
            return scan_fail("unknown option %s (try --help)", a, NULL);
        }
    }
    *first_file = i;
    if (i >= argc) return scan_fail("no input files (use - for standard input; see --help)", NULL, NULL);
    return 0;
}

/* ---- the hash key ---- */

/* Load (or create, 0600) the per-deployment key through hashkey.c, the same
 * code the sensor uses. Returns 0, or 2 after one line on stderr. */
static int load_key(const char *path, uint8_t *key, size_t *keylen)
{
    char err[512];
    int created = 0;
    if (hashkey_load(path, key, keylen, &created, err, sizeof err) < 0) return scan_fail("%s%s", err, "");
    if (created)
        fprintf(stderr, "bleedwatch scan: created hash key file %s (32 random bytes, mode 0600); "
                        "keep it: keyed hashes are comparable only under the same key\n", path);
    return 0;
}

/* ---- sniffing ---- */

static bool is_hdr_name_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Do the first lines look like RFC 5322 headers with a From and another
 * message header? Only the header block (up to the first empty line) counts. */
static bool sniff_eml(const uint8_t *p, size_t len)
{
    static const char *const others[] = { "to", "subject", "date", "message-id", "cc",
                                          "received", "return-path", "mime-version" };
    bool from = false;
    unsigned other = 0, lines = 0;
    size_t i = 0;
    while (i < len && lines < 64) {
        size_t s = i;
        while (i < len && p[i] != '\n') i++;
        size_t e = i;
        if (i < len) i++;
        if (e > s && p[e - 1] == '\r') e--;
        if (e == s) break;                                  /* end of the header block */
        lines++;
        if (p[s] == ' ' || p[s] == '\t') continue;          /* folded continuation */
        size_t n = 0;
        while (s + n < e && is_hdr_name_char(p[s + n])) n++;
        if (n == 0 || s + n >= e || p[s + n] != ':') return false;
        if (n == 4 && strncasecmp((const char *)p + s, "from", 4) == 0) from = true;
        for (size_t k = 0; k < sizeof others / sizeof others[0]; k++)
            if (strlen(others[k]) == n && strncasecmp((const char *)p + s, others[k], n) == 0)
                other++;
    }
    return from && other >= 1;
}

/* Count delimiter d outside double quotes on one line [s, e). */
static unsigned count_delim(const uint8_t *p, size_t s, size_t e, uint8_t d)
{
    unsigned n = 0;
    bool q = false;
    for (size_t i = s; i < e; i++) {
        if (p[i] == '"') q = !q;
        else if (!q && p[i] == d) n++;
    }
    return n;
}

static bool sniff_csv(const uint8_t *p, size_t len)
{
    static const uint8_t delims[] = { ',', ';', '\t', '|' };
    size_t e1 = 0;
    while (e1 < len && p[e1] != '\n') e1++;
    if (e1 >= len) return false;
    size_t s2 = e1 + 1, e2 = s2;
    while (e2 < len && p[e2] != '\n') e2++;
    for (size_t k = 0; k < sizeof delims; k++) {
        unsigned a = count_delim(p, 0, e1, delims[k]);
        if (a == 0) continue;
        unsigned b = count_delim(p, s2, e2, delims[k]);
        if (a == b) return true;
    }
    return false;
}

enum pii_doc_type scan_sniff(const uint8_t *p, size_t len, const char **label)
{
    size_t i = 0;
    if (len > SCAN_SNIFF_BYTES) len = SCAN_SNIFF_BYTES;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;   /* UTF-8 BOM */
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
    if (i < len && (p[i] == '{' || p[i] == '[')) {
        /* NDJSON: a first line that is an object and a next line starting another */
        size_t e = i;
        while (e < len && p[e] != '\n') e++;
        size_t last = e;
        while (last > i && (p[last - 1] == ' ' || p[last - 1] == '\r')) last--;
        size_t n = e + 1;
        while (n < len && (p[n] == ' ' || p[n] == '\r' || p[n] == '\n')) n++;
        *label = (p[i] == '{' && e < len && last > i && p[last - 1] == '}' && n < len && p[n] == '{')
                     ? "ndjson" : "json";
        return PII_DOC_JSON;
    }
    if (i < len && p[i] == '<') { *label = "xml"; return PII_DOC_XML; }
    if (sniff_eml(p + i, len - i)) { *label = "eml"; return PII_DOC_EML; }
    if (sniff_csv(p + i, len - i)) { *label = "csv"; return PII_DOC_CSV; }
    *label = "text";
    return PII_DOC_TEXT;
}

/* ---- summary across files ---- */

struct scan_summary {
    uint64_t files, errors, bytes;
    uint64_t total, records, count[PII__COUNT];
    bool complete;
    struct pii_hash *hashes;
    size_t n_hashes, cap_hashes;
    char (*orgs)[64];
    size_t n_orgs, cap_orgs;
    uint64_t dropped;                   /* hashes/orgs past the caps: figures are lower bounds */
};

static bool grow(void **arr, size_t *cap, size_t need, size_t elem, size_t max)
{
    if (need <= *cap) return true;
    if (need > max) return false;
    size_t nc = *cap ? *cap * 2 : 1024;
    while (nc < need) nc *= 2;
    if (nc > max) nc = max;
    void *na = realloc(*arr, nc * elem);
    if (!na) return false;
    *arr = na;
    *cap = nc;
    return true;
}

static void summary_add(struct scan_summary *s, const struct pii_findings *f)
{
    s->total += f->total;
    s->records += f->records;
    if (!f->complete) s->complete = false;
    for (int k = 0; k < PII__COUNT; k++) s->count[k] += f->kind[k].count;
    if (f->n_hashes == 0) {
        /* nothing to add (and f->hashes may be NULL: no memcpy from it) */
    } else if (grow((void **)&s->hashes, &s->cap_hashes, s->n_hashes + f->n_hashes,
                    sizeof *s->hashes, SCAN_SUMMARY_MAX_HASHES)) {
        memcpy(s->hashes + s->n_hashes, f->hashes, f->n_hashes * sizeof *f->hashes);
        s->n_hashes += f->n_hashes;
    } else {
        s->dropped += f->n_hashes;
    }
    for (size_t i = 0; i < f->n_orgs; i++) {
        if (!grow((void **)&s->orgs, &s->cap_orgs, s->n_orgs + 1, sizeof *s->orgs,
                  SCAN_SUMMARY_MAX_ORGS)) {
            s->dropped++;
            continue;
        }
        memcpy(s->orgs[s->n_orgs], f->orgs[i].domain, sizeof s->orgs[0]);
        s->orgs[s->n_orgs][63] = 0;
        s->n_orgs++;
    }
}

static int cmp_hash(const void *a, const void *b)
{
    const struct pii_hash *x = a, *y = b;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return memcmp(x->h, y->h, sizeof x->h);
}

static int cmp_org(const void *a, const void *b) { return strcmp(a, b); }

static void summary_print(struct scan_summary *s, struct json *j)
{
    uint64_t distinct[PII__COUNT] = { 0 }, all = 0, orgs = 0;
    if (s->n_hashes) qsort(s->hashes, s->n_hashes, sizeof *s->hashes, cmp_hash);
    for (size_t i = 0; i < s->n_hashes; i++) {
        if (i && cmp_hash(&s->hashes[i - 1], &s->hashes[i]) == 0) continue;
        if (s->hashes[i].kind < PII__COUNT) distinct[s->hashes[i].kind]++;
        all++;
    }
    if (s->n_orgs) qsort(s->orgs, s->n_orgs, sizeof *s->orgs, cmp_org);
    for (size_t i = 0; i < s->n_orgs; i++)
        if (!i || strcmp(s->orgs[i - 1], s->orgs[i]) != 0) orgs++;

    json_obj_open(j);
    json_key(j, "summary");
    json_obj_open(j);
    json_kv_u64(j, "files", s->files);
    json_kv_u64(j, "errors", s->errors);
    json_kv_u64(j, "bytes", s->bytes);
    json_key(j, "pii");
    json_obj_open(j);
    json_kv_u64(j, "total", s->total);
    json_kv_u64(j, "distinct", all);
    json_kv_u64(j, "records", s->records);
    json_kv_u64(j, "organizations", orgs);
    json_kv_bool(j, "complete", s->complete && s->dropped == 0);
    json_key(j, "kinds");
    json_obj_open(j);
    for (int k = 0; k < PII__COUNT; k++) {
        if (!s->count[k]) continue;
        json_key(j, pii_kind_name((enum pii_kind)k));
        json_obj_open(j);
        json_kv_u64(j, "count", s->count[k]);
        json_kv_u64(j, "distinct", distinct[k]);
        json_obj_close(j);
    }
    json_obj_close(j);
    json_obj_close(j);
    json_obj_close(j);
    json_obj_close(j);
    json_newline(j);
}

/* ---- one file ---- */

static void print_findings(struct json *j, const char *file, const char *type,
                           uint64_t bytes, const struct pii_findings *f)
{
    json_obj_open(j);
    json_kv_cstr(j, "file", file);
    json_kv_cstr(j, "type", type);
    json_kv_u64(j, "bytes", bytes);
    json_key(j, "pii");
    pii_findings_json(j, f);
    json_obj_close(j);
    json_newline(j);
}

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Feed one block, cut into pieces as the options ask. */
static void feed_block(pii_scan *sc, const uint8_t *p, size_t len, const struct scan_opts *o,
                       uint64_t *rng)
{
    while (len) {
        size_t n = len;
        if (o->chunk_seed) n = 1 + (size_t)(xorshift64(rng) % o->chunk_max);
        else if (o->chunk) n = o->chunk;
        if (n > len) n = len;
        pii_scan_feed(sc, p, n);
        p += n;
        len -= n;
    }
}

/* Read until buf is full or EOF. Returns bytes read, or -1 with errno. */
static ssize_t read_full(int fd, uint8_t *buf, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Scan one input and print its line. Returns 0, or 2 after one line on stderr. */
static int scan_one(const char *path, const pii_db *db, pii_scratch *scr, const struct scan_opts *o,
                    uint8_t *buf, struct json *j, struct scan_summary *sum)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return scan_fail("cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (!is_stdin && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return scan_fail("cannot read %s: %s", path, "is a directory");
    }
    ssize_t r = read_full(fd, buf, SCAN_BLOCK);
    if (r < 0) {
        int e = errno;
        if (!is_stdin) close(fd);
        return scan_fail("cannot read %s: %s", path, strerror(e));
    }
    const char *label = o->type_label;
    enum pii_doc_type type = o->type;
    if (type == PII_DOC_AUTO) type = scan_sniff(buf, (size_t)r, &label);

    pii_scan *sc = pii_scan_open(db, scr, type);
    if (!sc) {
        if (!is_stdin) close(fd);
        return scan_fail("out of memory opening a scan of %s%s", path, NULL);
    }
    uint64_t bytes = 0, rng = o->chunk_seed;
    int rc = 0;
    while (r > 0) {
        feed_block(sc, buf, (size_t)r, o, &rng);
        bytes += (uint64_t)r;
        if ((size_t)r < SCAN_BLOCK) break;
        r = read_full(fd, buf, SCAN_BLOCK);
    }
    if (r < 0) rc = scan_fail("cannot read %s: %s", path, strerror(errno));
    if (!is_stdin) close(fd);
    if (rc) {
        pii_scan_abort(sc);
        return rc;
    }
    struct pii_findings f;
    pii_scan_close(sc, &f);
    print_findings(j, path, label, bytes, &f);
    fwrite(j->buf, 1, j->len, stdout);
    json_reset(j);
    sum->bytes += bytes;
    summary_add(sum, &f);
    pii_findings_free(&f);
    return 0;
}

int scan_main(int argc, char **argv)
{
    struct scan_opts o;
    memset(&o, 0, sizeof o);
    int first = 0;
    int rc = parse_opts(argc, argv, &o, &first);
    if (rc == 1) return 0;
    if (rc) return rc;

    uint8_t key[SCAN_KEY_MAX];
    size_t keylen = 0;
    if (o.key_file) {
        if ((rc = load_key(o.key_file, key, &keylen)) != 0) return rc;
    } else {
        if (getrandom(key, SCAN_KEY_LEN, 0) != (ssize_t)SCAN_KEY_LEN)
            return scan_fail("getrandom failed: %s", strerror(errno), NULL);
        keylen = SCAN_KEY_LEN;
    }

    struct pii_config cfg;
    pii_config_defaults(&cfg);
    for (int k = 0; k < PII__COUNT; k++)
        if (o.disabled[k]) cfg.enabled[k] = false;
    cfg.scan_cap = o.scan_cap;
    if (o.max_distinct) cfg.max_distinct = o.max_distinct;
    if (o.max_depth) cfg.max_depth = o.max_depth;
    cfg.hash_key = key;
    cfg.hash_key_len = keylen;
    cfg.keep_hashes = o.summary;   /* only the summary's union of files reads them */

    char err[256] = "";
    pii_db *db = pii_db_new(&cfg, err, sizeof err);
    if (!db) return scan_fail("cannot build the PII engine: %s", err, NULL);
    pii_scratch *scr = pii_scratch_new(db);
    uint8_t *buf = malloc(SCAN_BLOCK);
    if (!scr || !buf) {
        free(buf);
        pii_scratch_free(scr);
        pii_db_free(db);
        return scan_fail("out of memory%s%s", NULL, NULL);
    }

    struct json j;
    json_init(&j);
    struct scan_summary sum;
    memset(&sum, 0, sizeof sum);
    sum.complete = true;
    rc = 0;
    for (int i = first; i < argc; i++) {
        sum.files++;
        if (scan_one(argv[i], db, scr, &o, buf, &j, &sum) != 0) {
            sum.errors++;
            rc = 2;
        }
    }
    if (o.summary) {
        summary_print(&sum, &j);
        fwrite(j.buf, 1, j.len, stdout);
    }
    fflush(stdout);
    json_free(&j);
    free(sum.hashes);
    free(sum.orgs);
    free(buf);
    explicit_bzero(key, sizeof key);
    pii_scratch_free(scr);
    pii_db_free(db);
    return rc;
}
