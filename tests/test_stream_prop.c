/* test_stream_prop.c -- TCP reassembly, randomised properties (fixed seeds).
 *
 * Each run makes a random byte string per direction, splits it into random
 * segments, adds duplicates and overlapping re-sends, reorders them (locally
 * or fully), and feeds both directions interleaved, every segment carrying the
 * ACK a real receiver would send (the contiguous prefix of what it got), with
 * pure ACKs in between, some directions picked up mid-stream, some ISNs just
 * below 2^32. Then FINs, their ACKs, and a flush.
 *  - lossless: the delivered bytes are the original exactly, with no gap;
 *  - lossy: some segments never reach the sensor, some are cut by snaplen,
 *    some runs have tight caps: data + gaps cover each direction exactly, every
 *    delivered byte sits at its own offset, and no more was delivered than fed.
 * STREAM_SEED and STREAM_ITERS vary the seed and the run count for a soak. */
#include "stream_rec.h"

static uint64_t rng;

static uint64_t rnd(void)   /* splitmix64 */
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }

/* STREAM_SEED / STREAM_ITERS let a longer soak run vary the fixed defaults. */
static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtoull(v, NULL, 0) : dflt;
}

#define P_MAXLEN 3000
#define P_CHUNKS 128                 /* chunks of the partition */
#define P_MAXPK  (3 * P_CHUNKS)      /* plus at most one duplicate and one overlap each */

struct pk {
    uint32_t off, len;
    uint32_t cap;       /* bytes captured (snaplen), <= len */
    bool drop;          /* sent on the wire, never seen by the sensor */
};

struct side {
    uint8_t data[P_MAXLEN];
    uint32_t len;
    uint32_t isn, start;    /* start = sequence number of data[0] */
    bool syn;
    struct pk pk[P_MAXPK];
    unsigned n, next;
    uint8_t sent[P_MAXLEN]; /* bytes the receiver has (acks are made from these) */
    uint8_t fed[P_MAXLEN];  /* bytes the sensor was shown */
    uint32_t acked;         /* contiguous prefix of sent[] */
};

static void side_build(struct side *sd, bool lossy)
{
    sd->len = below(P_MAXLEN + 1);
    if (below(8) == 0) sd->len = below(4);
    for (uint32_t i = 0; i < sd->len; i++) sd->data[i] = (uint8_t)rnd();
    sd->isn = below(4) == 0 ? 0xFFFFFFFFu - below(2 * P_MAXLEN) : (uint32_t)rnd();
    sd->syn = below(4) != 0;
    sd->start = sd->syn ? sd->isn + 1 : sd->isn;
    sd->n = 0;
    sd->next = 0;
    sd->acked = 0;
    memset(sd->sent, 0, sizeof sd->sent);
    memset(sd->fed, 0, sizeof sd->fed);

    /* a partition into chunks, plus duplicates and overlapping re-sends */
    uint32_t maxchunk = 1 + below(below(4) == 0 ? 1600 : 400);   /* some runs in full-size segments */
    for (uint32_t o = 0; o < sd->len && sd->n < P_CHUNKS;) {
        uint32_t l = 1 + below(maxchunk);
        if (l > sd->len - o) l = sd->len - o;
        sd->pk[sd->n++] = (struct pk){ o, l, l, false };
        o += l;
        if (sd->n == P_CHUNKS && o < sd->len) {   /* last chunk takes the rest */
            sd->pk[sd->n - 1].len += sd->len - o;
            sd->pk[sd->n - 1].cap = sd->pk[sd->n - 1].len;
        }
    }
    unsigned base = sd->n;
    for (unsigned i = 0; i < base && sd->len; i++) {
        if (below(10) == 0) sd->pk[sd->n++] = sd->pk[i];
        if (below(10) == 0) {
            uint32_t a = below(sd->len), b = a + 1 + below(sd->len - a);
            sd->pk[sd->n++] = (struct pk){ a, b - a, b - a, false };
        }
    }
    /* shuffle: sometimes fully, otherwise a bounded local reordering */
    bool full = below(3) == 0;
    for (unsigned i = 0; i < sd->n; i++) {
        unsigned j = full ? i + below(sd->n - i) : i + below(4);
        if (j >= sd->n) j = sd->n - 1;
        struct pk t = sd->pk[i];
        sd->pk[i] = sd->pk[j];
        sd->pk[j] = t;
    }
    if (lossy)
        for (unsigned i = 0; i < sd->n; i++) {
            sd->pk[i].drop = below(6) == 0;
            if (below(10) == 0) sd->pk[i].cap = below(sd->pk[i].len);   /* snaplen cut */
        }
    /* Without a SYN the sensor picks the direction up at the first segment it
     * sees: make that the one at offset 0 (else the start is not ours to know). */
    if (!sd->syn && sd->n) {
        for (unsigned i = 0; i < sd->n; i++)
            if (sd->pk[i].off == 0) {
                struct pk t = sd->pk[i];
                sd->pk[i] = sd->pk[0];
                sd->pk[0] = t;
                break;
            }
        sd->pk[0].drop = false;
    }
}

static uint32_t side_ack(struct side *sd)
{
    while (sd->acked < sd->len && sd->sent[sd->acked]) sd->acked++;
    return sd->start + sd->acked;
}

/* One connection, both directions interleaved, ACKs from what each receiver
 * holds. Returns false if any check fails (details through CHECK). */
static bool run_one(bool lossy, struct side sd[2], struct stream_stats *sum)
{
    struct h h;
    h_init(&h);
    if (lossy && below(3) == 0) {   /* tight caps now and then: GAP_CAP in the mix */
        h.cfg.ooo_segs_per_flow = 1 + below(8);
        h.cfg.ooo_bytes_per_flow = 50 + below(2000);
        h.cfg.ooo_bytes_total = 50 + below(3000);
    }
    for (int d = 0; d < 2; d++) side_build(&sd[d], lossy);

    if (sd[0].syn) seg(&h, 0, sd[0].isn, 0, TCPF_SYN, NULL, 0);
    if (sd[1].syn) seg(&h, 1, sd[1].isn, side_ack(&sd[0]), TCPF_SYN | TCPF_ACK, NULL, 0);
    while (sd[0].next < sd[0].n || sd[1].next < sd[1].n) {
        int d = (int)below(2);
        if (sd[d].next >= sd[d].n) d = !d;
        struct side *me = &sd[d], *peer = &sd[!d];
        if (below(5) == 0) {        /* a pure ACK now and then */
            seg(&h, d, me->start + me->acked, side_ack(peer), TCPF_ACK, NULL, 0);
            continue;
        }
        struct pk *p = &me->pk[me->next++];
        memset(me->sent + p->off, 1, p->len);
        if (p->drop) continue;
        memset(me->fed + p->off, 1, p->cap);
        segw(&h, d, me->start + p->off, side_ack(peer), TCPF_ACK | TCPF_PSH, me->data + p->off,
             p->cap, p->len);
    }
    /* FINs (never lost), each acked by the other side, then teardown */
    seg(&h, 0, sd[0].start + sd[0].len, side_ack(&sd[1]), TCPF_FIN | TCPF_ACK, NULL, 0);
    seg(&h, 1, sd[1].start + sd[1].len, side_ack(&sd[0]) + 1, TCPF_FIN | TCPF_ACK, NULL, 0);
    seg(&h, 0, sd[0].start + sd[0].len + 1, side_ack(&sd[1]) + 1, TCPF_ACK, NULL, 0);
    flush(&h);

    bool ok = h.pool.st.ooo_bytes_now == 0 && h.pool.st.bogus_segments == 0;
    const struct stream_stats *st = &h.pool.st;
    sum->segments += st->segments;
    sum->ooo_buffered += st->ooo_buffered;
    sum->retrans_bytes += st->retrans_bytes;
    sum->overlap_bytes += st->overlap_bytes;
    for (int i = 0; i < GAP__COUNT; i++) sum->gaps[i] += st->gaps[i];
    sum->cap_flow_hits += st->cap_flow_hits;
    sum->cap_total_hits += st->cap_total_hits;
    if (st->ooo_bytes_peak > sum->ooo_bytes_peak) sum->ooo_bytes_peak = st->ooo_bytes_peak;
    for (int d = 0; d < 2; d++) {
        struct side *sdd = &sd[d];
        uint32_t fed = 0;
        for (uint32_t i = 0; i < sdd->len; i++) fed += sdd->fed[i];
        if (!lossy) {
            ok = ok && rec_exact(h.r, d, sdd->data, sdd->len);
        } else {
            ok = ok && rec_matches(h.r, d, sdd->data, sdd->len);
            ok = ok && h.r->data_bytes[d] <= fed;
            ok = ok && rec_gap_total(h.r, d) >= sdd->len - fed;
        }
        ok = ok && h.s.d[d].delivered == h.r->data_bytes[d];
        ok = ok && h.s.d[d].gap_bytes == rec_gap_total(h.r, d);
    }
    h_free(&h);
    return ok;
}

static void t_property_lossless(void)
{
    static struct side sd[2];
    struct stream_stats sum = { 0 };
    rng = 0x5EED0001 + env_u64("STREAM_SEED", 0);
    int bad = 0, first_bad = -1;
    for (int it = 0; it < (int)env_u64("STREAM_ITERS", 3000); it++)
        if (!run_one(false, sd, &sum)) {
            if (first_bad < 0) first_bad = it;
            bad++;
        }
    CHECK_EQ(bad, 0);
    CHECK_EQ(first_bad, -1);
    /* the generator did exercise the paths it is meant to */
    CHECK(sum.ooo_buffered > 1000 && sum.retrans_bytes > 0 && sum.overlap_bytes > 0);
    CHECK_EQ(sum.gaps[GAP_LOSS] + sum.gaps[GAP_SNAPLEN] + sum.gaps[GAP_CAP], 0);
}

static void t_property_lossy(void)
{
    static struct side sd[2];
    struct stream_stats sum = { 0 };
    rng = 0x5EED0002 + env_u64("STREAM_SEED", 0);
    int bad = 0, first_bad = -1;
    for (int it = 0; it < (int)env_u64("STREAM_ITERS", 3000); it++)
        if (!run_one(true, sd, &sum)) {
            if (first_bad < 0) first_bad = it;
            bad++;
        }
    CHECK_EQ(bad, 0);
    CHECK_EQ(first_bad, -1);
    CHECK(sum.gaps[GAP_LOSS] > 100 && sum.gaps[GAP_SNAPLEN] > 100 && sum.gaps[GAP_CAP] > 100);
    CHECK(sum.cap_flow_hits > 0 && sum.cap_total_hits > 0);
    if (getenv("STREAM_STATS"))
        fprintf(stderr, "lossy: segs %" PRIu64 " ooo %" PRIu64 " retrans %" PRIu64 " overlap %" PRIu64
                " gaps loss/snap/cap %" PRIu64 "/%" PRIu64 "/%" PRIu64 " caps flow/total %" PRIu64
                "/%" PRIu64 "\n", sum.segments, sum.ooo_buffered, sum.retrans_bytes, sum.overlap_bytes,
                sum.gaps[0], sum.gaps[1], sum.gaps[2], sum.cap_flow_hits, sum.cap_total_hits);
}

int main(void)
{
    RUN(t_property_lossless);
    RUN(t_property_lossy);
    return test_done();
}
