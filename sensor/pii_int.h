/* pii_int.h -- internals shared by pii.c (life cycle, Hyperscan, window,
 * queue) and pii_match.c (turning a candidate into a finding). Not for use
 * outside the PII engine.
 *
 * How a value is found (the design, in one place):
 *
 *  1. Hyperscan, in STREAMING mode, runs cheap literal-led anchor patterns
 *     over every byte exactly once: "@" plus a domain character, literal
 *     credential prefixes, RFC 5322 header names, spaced UK NINOs. Each match reports only its END offset (no
 *     start-of-match tracking: SOM in streaming mode costs stream state and
 *     speed, and every anchor here can find its own start by walking back a
 *     few bytes). Digit-led anchors (a boundary plus seven digits with
 *     separators, capitals followed by digits: IBAN, NINO, NIE, codice
 *     fiscale) are class-led and slow in
 *     Hyperscan whatever the input, so pii_numscan.c finds them with a SWAR
 *     skip loop over the same bytes, reporting end offsets the same way;
 *     both candidate streams are merged in end-offset order. "key:" line
 *     heads are found by the text tokenizer.
 *  2. The match becomes a queued candidate with the field class and record
 *     number the structure tokenizer (pii_ctx.c) reports at that offset.
 *  3. A candidate is judged once PII_FWD bytes after its end have arrived
 *     (or the body ended): the judge copies [end - PII_BACK, end + PII_FWD)
 *     out of the scan's window (the last PII_WIN bytes, a ring) plus the
 *     current feed, walks back to the token start and forward to its end,
 *     and runs the validators. So the answer depends only on the bytes
 *     around the match, never on where the body was split into feeds.
 *  4. Candidates are judged strictly in order of end offset (head-of-line:
 *     a value reported by the tokenizer waits behind an earlier candidate
 *     still waiting for its forward bytes); accepted findings mark their
 *     span, and a later candidate starting inside it is dropped, so one
 *     value counts once even when several anchors hit it.
 *
 * Memory per open scan: about 7 KB fixed (struct pii_scan: the 2 KB
 * window, the tokenizer with its 1 KB CSV header and 16-name cache, the
 * findings with their samples), a 1.5 KB candidate queue and ~100 bytes of
 * Hyperscan stream state, whatever the body size. The queue holds the
 * candidates of the last PII_FWD bytes or so; it doubles (up to PII_QCAP
 * entries, 96 KB) only for bodies packed with candidates. Other growth: the
 * distinct-value set (17 bytes per distinct value at a load factor <= 1/2,
 * up to max_distinct values; past it a 4 KB HyperLogLog per kind) and the
 * organisation table (up to PII_ORG_MAX domains). Per worker: the scratch,
 * ~32 KB of digit candidates plus Hyperscan's scratch (~5 KB).
 *
 * Bounds that can bite: a queue holding PII_QCAP candidates drops new ones
 * (counted in q_dropped; that takes 16 candidates a byte over PII_FWD
 * bytes, and then the figures may depend on the split); a
 * field value longer than PII_VALMAX is judged on its last bytes (names and
 * dates then fail; addresses and secrets need a whole value too).
 *
 * Normalised values (what is hashed and counted as distinct): e-mail lower
 * case; phone "+<cc><national>" when the country is known (E.164, or a
 * national format that names one country), else the digits; card digits;
 * IBAN compact upper case; national ids "<scheme>:<compact>" (ssn:, bsn:,
 * cpf:, uid:, sin:, nir:, nino:, nie:, dni:, cf:); names and addresses
 * ASCII-case-folded with spaces collapsed; dates of birth their digits;
 * credentials the token (PEM: header + first key bytes); e-mail messages a
 * fingerprint of their header values.
 */
#ifndef BW_PII_INT_H
#define BW_PII_INT_H

#include <hs.h>

#include "pii.h"
#include "pii_count.h"
#include "pii_ctx.h"

#define PII_WIN 2048u             /* window ring: must cover QUEUE lag + BACK + FWD */
#define PII_BACK 256u             /* bytes a judge may look back from a match end */
#define PII_FWD 256u              /* bytes a judge may look forward */
#define PII_VALMAX 512u           /* bytes of a field value judged (its last ones) */
#define PII_QCAP0 64u             /* queued candidates per scan at first */
#define PII_QCAP 4096u            /* ... and at most (the queue doubles on demand) */
#define PII_SNIFF 1024u           /* bytes held back to sniff PII_DOC_AUTO */
#define PII_CHUNK 8192u           /* bytes scanned per Hyperscan call / digit-scan pass */

/* Hyperscan pattern ids. */
enum pii_pat {
    PAT_EMAIL = 0,
    PAT_NUM,
    PAT_NINO,
    PAT_NIR2A,
    PAT_AWS,
    PAT_PEM,
    PAT_JWT,
    PAT_AZKEY,
    PAT_GH,
    PAT_GHPAT,
    PAT_SLACK,
    PAT_HDR_FROM,                 /* HDR_FROM..HDR_MSGID must stay in this order */
    PAT_HDR_TO,
    PAT_HDR_SUBJECT,
    PAT_HDR_DATE,
    PAT_HDR_MSGID,
    PAT_LD,                       /* pii_numscan.c: capitals then a digit */
    PAT__COUNT,
    PAT_FIELD = 0xff,             /* queue entry from the tokenizer, not Hyperscan */
};

struct pii_db {
    hs_database_t *hs;
    struct pii_config cfg;        /* copy; context_words are folded into km */
    struct pii_keymap km;
    struct pii_keyed *keyed;
    int max_year;                 /* latest plausible birth year (this year) */
};

struct pii_scratch {
    const pii_db *db;
    hs_scratch_t *hs;
    uint32_t cand[PII_CHUNK];     /* digit-scan candidates of one chunk: end << 8 | pat */
    struct pii_keycache kc;       /* field-name classes seen by this thread's scans */
};

struct pii_numscan {
    bool run, emitted, lead_ok;
    uint8_t cnt, sep;
    uint8_t tail[8];              /* the 8 bytes before the next chunk */
};

void pii_numscan_reset(struct pii_numscan *st);
/* Scan n <= PII_CHUNK bytes; write candidates (end offset within p, 1..n,
 * shifted left 8, or'ed with the pattern id) to out in end order; return
 * their number. */
size_t pii_numscan(struct pii_numscan *st, const uint8_t *p, size_t n, uint32_t *out);
/* The same with vectors of at most width bytes (8: eight-byte words only,
 * 16: SSE2, 32: AVX2), narrower where the CPU lacks them; and the widest
 * this CPU runs (what pii_numscan uses). For tests and benchmarks. */
size_t pii_numscan_width(unsigned width, struct pii_numscan *st, const uint8_t *p, size_t n, uint32_t *out);
unsigned pii_numscan_widest(void);

struct pii_item {
    uint64_t end;                 /* absolute offset just past the match / value */
    uint64_t rec;
    uint32_t vlen;                /* PAT_FIELD: value length (capped) */
    uint8_t pat;
    uint8_t cls;
    bool vtrunc;                  /* PAT_FIELD: value longer than vlen */
};

/* A window of body bytes around a candidate: b points into the current feed
 * when the bytes all lie there (no copy), else at buf, where they are
 * copied from the ring and the feed. Valid until the feed returns. */
struct pii_win {
    const uint8_t *b;
    size_t n;                     /* bytes at b */
    size_t e;                     /* index in b of the candidate end */
    uint64_t base;                /* absolute offset of b[0] */
    bool at_start;                /* b[0] is the first byte after the body start or a gap */
    uint8_t buf[PII_BACK + PII_FWD + PII_VALMAX];
};

struct pii_msg {                  /* RFC 5322 message detection */
    uint8_t mask;
    bool counted, flushed;
    uint64_t first;
    uint64_t fp;                  /* FNV of the header lines seen */
};

struct pii_scan {
    const pii_db *db;
    pii_scratch *s;
    hs_stream_t *hs;
    uint64_t hs_base;             /* absolute offset of Hyperscan's stream offset 0 */
    struct pii_numscan ns;
    size_t nc, ci;                /* digit candidates of the current chunk, next one */
    uint64_t cbase;               /* absolute offset of the current chunk */
    enum pii_doc_type type;       /* AUTO while sniffing */
    size_t sniff_n;
    struct pii_tok tok;

    uint64_t total;               /* absolute offset of the next body byte */
    uint64_t base_lo;             /* first offset after the body start or the last gap */
    bool capped, closing;

    uint8_t ring[PII_WIN];        /* bytes [ring_lo, fstart) at offset & (PII_WIN-1) */
    uint64_t ring_lo;
    const uint8_t *fp;            /* current feed: bytes [fstart, fend) */
    uint64_t fstart, fend;

    struct pii_item *q;           /* ring of qcap entries */
    unsigned qh, qn, qcap;
    uint64_t q_dropped;

    uint64_t span_end;            /* end of the last accepted finding */
    uint64_t num_end;             /* end of the last number token judged */
    uint64_t last_rec;
    struct pii_msg msg;

    struct pii_counter cnt;
    struct pii_findings f;
};

/* pii_match.c: judge one candidate (an anchor or a field value). */
void pii_judge(struct pii_scan *sc, const struct pii_item *it);
/* A byte an e-mail local part may end with (judge_email takes the part back
 * over these from the '@'): without one right before the '@' there is no
 * address, which on_match tells before queueing the match. */
static inline bool pii_local_ch(uint8_t c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '.' || c == '_' || c == '%' ||
           c == '+' || c == '-';
}
/* pii_match.c: the open RFC 5322 message group ends (gap, end of body). */
void pii_msg_flush(struct pii_scan *sc);
/* pii_match.c: count one occurrence of a normalised value of kind k in
 * record rec (keyed hash, distinct set, records); returns the sample slot
 * to fill when the value is new and a slot is free, else NULL. Nothing is
 * counted for a disabled kind. */
char *pii_found(struct pii_scan *sc, enum pii_kind k, const uint8_t *norm, size_t n, uint64_t rec);
/* pii_match.c: a finding ends at `end`: later candidates starting before
 * it are part of it. */
void pii_mark_span(struct pii_scan *sc, uint64_t end);
/* pii_match_id.c: the judges of PAT_NUM, PAT_LD/NINO/NIR2A and credential
 * anchors. */
void pii_judge_num(struct pii_scan *sc, const struct pii_item *it);
void pii_judge_letter_id(struct pii_scan *sc, const struct pii_item *it);
void pii_judge_credential(struct pii_scan *sc, const struct pii_item *it);

/* pii.c: copy [from, to) clipped to what is available into w; e is set
 * from `mark`. */
void pii_window(const struct pii_scan *sc, uint64_t from, uint64_t to, uint64_t mark,
                struct pii_win *w);
/* pii.c: the end of what can be read now. */
uint64_t pii_avail_end(const struct pii_scan *sc);

#endif
