/* test_stream.c -- TCP reassembly, case by case: every test builds its own
 * segments and checks what a recording sink received against the bytes it
 * started from. The randomised properties live in test_stream_prop.c. */
#include "stream_rec.h"

/* ---- deterministic tests ---- */

static void t_in_order_no_copy(void)
{
    struct h h;
    h_init(&h);
    uint8_t a[400], b[250];
    fill(a, sizeof a, 1);
    fill(b, sizeof b, 2);
    handshake(&h, 1000, 5000);
    for (int i = 0; i < 4; i++) {
        seg(&h, 0, 1001 + 100u * i, 5001, TCPF_ACK | TCPF_PSH, a + 100 * i, 100);
        CHECK(h.r->last_p[0] == a + 100 * i);   /* a view of the packet, not a copy */
    }
    seg(&h, 1, 5001, 1401, TCPF_ACK, b, 200);
    CHECK(h.r->last_p[1] == b);
    seg(&h, 1, 5201, 1401, TCPF_ACK, b + 200, 50);
    CHECK(h.r->last_p[1] == b + 200);
    CHECK(rec_exact(h.r, 0, a, sizeof a));
    CHECK(rec_exact(h.r, 1, b, sizeof b));
    CHECK_EQ(h.pool.st.segments, 6);
    CHECK_EQ(h.pool.st.in_order, 6);
    CHECK_EQ(h.pool.st.ooo_buffered, 0);
    CHECK_EQ(h.pool.st.ooo_bytes_peak, 0);
    CHECK_EQ(h.s.d[0].delivered, sizeof a);
    CHECK_EQ(h.s.d[1].delivered, sizeof b);
    CHECK(h.s.d[0].syn && h.s.d[1].syn);
    h_free(&h);
}

/* Four segments of uneven size in all 24 orders: exact delivery, and the
 * buffering counters agree with a simulation of which ones had to wait. */
static void t_reorder_permutations(void)
{
    static const uint32_t start[5] = { 0, 37, 100, 101, 180 };
    uint8_t data[180];
    fill(data, sizeof data, 3);
    int perms = 0, bad = 0;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++)
            for (int c = 0; c < 4; c++)
                for (int d = 0; d < 4; d++) {
                    if (a == b || a == c || a == d || b == c || b == d || c == d) continue;
                    int order[4] = { a, b, c, d };
                    struct h h;
                    h_init(&h);
                    const uint32_t isn = 0x12345678u;
                    seg(&h, 0, isn, 0, TCPF_SYN, NULL, 0);
                    bool arrived[4] = { false };
                    unsigned expect_buffered = 0;
                    uint64_t peak = 0;
                    for (int k = 0; k < 4; k++) {
                        int i = order[k];
                        seg(&h, 0, isn + 1 + start[i], 0, TCPF_ACK, data + start[i],
                            start[i + 1] - start[i]);
                        for (int j = 0; j < i; j++)
                            if (!arrived[j]) { expect_buffered++; break; }
                        arrived[i] = true;
                        /* bytes waiting: arrived segments beyond the contiguous prefix */
                        int pre = 0;
                        while (pre < 4 && arrived[pre]) pre++;
                        uint64_t waiting = 0;
                        for (int j = pre; j < 4; j++)
                            if (arrived[j]) waiting += start[j + 1] - start[j];
                        if (waiting > peak) peak = waiting;
                        if (h.pool.st.ooo_bytes_now != waiting) bad++;
                    }
                    if (!rec_exact(h.r, 0, data, sizeof data)) bad++;
                    if (h.pool.st.ooo_buffered != expect_buffered) bad++;
                    if (h.pool.st.in_order != 4 - expect_buffered) bad++;
                    if (h.pool.st.ooo_bytes_peak != peak) bad++;
                    if (h.pool.st.ooo_bytes_now != 0 || h.s.d[0].ooo != NULL) bad++;
                    perms++;
                    h_free(&h);
                }
    CHECK_EQ(perms, 24);
    CHECK_EQ(bad, 0);
}

static void t_duplicates(void)
{
    struct h h;
    h_init(&h);
    uint8_t d[300];
    fill(d, sizeof d, 4);
    handshake(&h, 10, 20);
    uint32_t s0 = 11;
    seg(&h, 0, s0, 21, TCPF_ACK, d, 100);
    seg(&h, 0, s0, 21, TCPF_ACK, d, 100);               /* exact retransmission */
    seg(&h, 0, s0 + 200, 21, TCPF_ACK, d + 200, 100);   /* buffered */
    seg(&h, 0, s0 + 200, 21, TCPF_ACK, d + 200, 100);   /* duplicate of buffered data */
    CHECK_EQ(h.pool.st.ooo_bytes_now, 100);
    CHECK_EQ(h.s.d[0].ooo_segs, 1);
    seg(&h, 0, s0 + 100, 21, TCPF_ACK, d + 100, 100);   /* fills the hole */
    seg(&h, 0, s0 + 100, 21, TCPF_ACK, d + 100, 100);   /* retransmissions */
    seg(&h, 0, s0 + 200, 21, TCPF_ACK, d + 200, 100);
    CHECK(rec_exact(h.r, 0, d, sizeof d));
    CHECK_EQ(h.pool.st.retrans_bytes, 300);
    CHECK_EQ(h.pool.st.overlap_bytes, 100);
    CHECK_EQ(h.pool.st.ooo_buffered, 1);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 0);
    CHECK_EQ(h.pool.st.segments, 7);
    h_free(&h);
}

/* The first copy of a byte wins: later copies carry different bytes there. */
static void t_overlap_first_wins(void)
{
    uint8_t orig[60], bad[60];
    fill(orig, sizeof orig, 5);
    for (size_t i = 0; i < sizeof bad; i++) bad[i] = orig[i];
    for (size_t i = 20; i < 40; i++) bad[i] = (uint8_t)~orig[i];

    /* (a) out-of-order copy [20,40) first, then a wider copy [10,50) with
     * other bytes in [20,40), then the start and the end. */
    struct h h;
    h_init(&h);
    seg(&h, 0, 99, 0, TCPF_SYN, NULL, 0);
    seg(&h, 0, 100 + 20, 0, TCPF_ACK, orig + 20, 20);
    seg(&h, 0, 100 + 10, 0, TCPF_ACK, bad + 10, 40);
    CHECK_EQ(h.s.d[0].ooo_segs, 3);                  /* [10,20) [20,40) [40,50) */
    CHECK_EQ(h.pool.st.ooo_bytes_now, 40);
    seg(&h, 0, 100, 0, TCPF_ACK, orig, 10);
    seg(&h, 0, 100 + 50, 0, TCPF_ACK, orig + 50, 10);
    CHECK(rec_exact(h.r, 0, orig, sizeof orig));
    CHECK_EQ(h.pool.st.overlap_bytes, 20);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 0);
    h_free(&h);

    /* (b) in-order copy that overlaps buffered data: the buffered bytes win,
     * the rest comes straight from the packet. */
    h_init(&h);
    seg(&h, 1, 999, 0, TCPF_SYN, NULL, 0);
    seg(&h, 1, 1000 + 20, 0, TCPF_ACK, orig + 20, 20);
    seg(&h, 1, 1000, 0, TCPF_ACK, bad, 60);
    CHECK(rec_exact(h.r, 1, orig, sizeof orig));
    CHECK_EQ(h.pool.st.overlap_bytes, 20);
    CHECK_EQ(h.r->n_data[1], 3);                     /* [0,20) packet, [20,40) buffer, [40,60) packet */
    CHECK(h.r->last_p[1] == bad + 40);
    h_free(&h);

    /* (c) partial overlap with delivered data: only the new tail goes out. */
    h_init(&h);
    seg(&h, 0, 0xFFFFFFFFu, 0, TCPF_SYN, NULL, 0);
    seg(&h, 0, 0, 0, TCPF_ACK, orig, 30);
    uint8_t late[30];
    memcpy(late, orig + 20, sizeof late);
    for (int i = 0; i < 10; i++) late[i] = (uint8_t)~late[i];   /* [20,30) differ */
    seg(&h, 0, 20, 0, TCPF_ACK, late, 30);
    CHECK(rec_exact(h.r, 0, orig, 50));
    CHECK_EQ(h.pool.st.retrans_bytes, 10);
    CHECK(h.r->last_p[0] == late + 10);
    h_free(&h);
}

/* A hole is gapped once the other side's ACK passes its start; only the part
 * the ACK covers, then the rest when a later ACK passes it. */
static void t_ack_gap(void)
{
    struct h h;
    h_init(&h);
    uint8_t q[200], r[20];
    fill(q, sizeof q, 6);
    fill(r, sizeof r, 7);
    const uint32_t c = 100, s = 900;
    handshake(&h, c, s);
    seg(&h, 0, c + 1, s + 1, TCPF_ACK, q, 50);
    seg(&h, 0, c + 1 + 80, s + 1, TCPF_ACK, q + 80, 40);      /* hole [50,80) */
    seg(&h, 1, s + 1, c + 1 + 50, TCPF_ACK, NULL, 0);          /* acks up to the hole: nothing */
    CHECK_EQ(rec_gap_total(h.r, 0), 0);
    seg(&h, 1, s + 1, c + 1 + 60, TCPF_ACK, NULL, 0);          /* passes it by 10 */
    CHECK_EQ(h.r->gap_bytes[0][GAP_LOSS], 10);
    CHECK_EQ(h.r->data_bytes[0], 50);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 40);
    unsigned before = h.r->n_ev;
    seg(&h, 1, s + 1, c + 1 + 120, TCPF_ACK, r, sizeof r);     /* response, acks everything */
    /* the request's gap and its buffered tail come before the response bytes */
    CHECK_EQ(h.r->n_ev, before + 3);
    CHECK(h.r->ev[before].dir == 0 && h.r->ev[before].kind == GAP_LOSS && h.r->ev[before].len == 20);
    CHECK(h.r->ev[before + 1].dir == 0 && h.r->ev[before + 1].kind == EV_DATA && h.r->ev[before + 1].len == 40);
    CHECK(h.r->ev[before + 2].dir == 1 && h.r->ev[before + 2].kind == EV_DATA);
    CHECK(rec_matches(h.r, 0, q, 120));
    CHECK_EQ(h.r->gap_bytes[0][GAP_LOSS], 30);
    CHECK_EQ(h.r->n_gaps[0][GAP_LOSS], 2);
    CHECK(rec_exact(h.r, 1, r, sizeof r));

    /* two holes passed by one ACK: both gapped, both segments delivered */
    seg(&h, 0, c + 1 + 140, s + 21, TCPF_ACK, q + 140, 10);
    seg(&h, 0, c + 1 + 170, s + 21, TCPF_ACK, q + 170, 30);
    seg(&h, 1, s + 21, c + 1 + 200, TCPF_ACK, NULL, 0);
    CHECK(rec_matches(h.r, 0, q, 200));
    CHECK_EQ(h.r->gap_bytes[0][GAP_LOSS], 30 + 20 + 20);
    CHECK_EQ(h.r->data_bytes[0] + rec_gap_total(h.r, 0), 200);
    CHECK_EQ(h.pool.st.gaps[GAP_LOSS], 4);
    CHECK_EQ(h.pool.st.gap_bytes[GAP_LOSS], 70);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 0);
    CHECK_EQ(h.s.d[0].gap_bytes, 70);

    /* an ACK far outside the window is ignored */
    seg(&h, 0, c + 1 + 250, s + 21, TCPF_ACK, q, 10);
    seg(&h, 1, s + 21, c + 1 + 200 + 0x60000000u, TCPF_ACK, NULL, 0);
    CHECK_EQ(h.pool.st.gap_bytes[GAP_LOSS], 70);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 10);
    h_free(&h);
}

static void t_gap_at_flush(void)
{
    struct h h;
    h_init(&h);
    uint8_t d[70];
    fill(d, sizeof d, 8);
    const uint32_t s = 0xABC;
    seg(&h, 1, s, 0, TCPF_SYN | TCPF_ACK, NULL, 0);
    seg(&h, 1, s + 1, 0, TCPF_ACK, d, 10);
    seg(&h, 1, s + 1 + 60, 0, TCPF_ACK, d + 60, 10);
    seg(&h, 1, s + 1 + 30, 0, TCPF_ACK, d + 30, 10);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 20);
    CHECK_EQ(h.r->data_bytes[1], 10);
    flush(&h);
    CHECK(rec_matches(h.r, 1, d, sizeof d));
    CHECK_EQ(h.r->gap_bytes[1][GAP_LOSS], 40);
    CHECK_EQ(h.r->n_gaps[1][GAP_LOSS], 2);
    CHECK_EQ(h.r->data_bytes[1], 30);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 0);
    CHECK_EQ(h.pool.st.ooo_bytes_peak, 20);
    CHECK(h.s.d[1].ooo == NULL && h.s.d[1].ooo_segs == 0);
    h_free(&h);

    /* A FIN proves how far the data went: the tail missing in front of it is
     * gapped at flush. */
    h_init(&h);
    seg(&h, 0, 0, 0, TCPF_ACK, d, 10);                 /* mid-stream pickup at seq 0 */
    seg(&h, 0, 50, 0, TCPF_ACK | TCPF_FIN, NULL, 0);   /* FIN at 50: [10,50) never seen */
    CHECK_EQ(rec_gap_total(h.r, 0), 0);
    flush(&h);
    CHECK(rec_matches(h.r, 0, d, 50));
    CHECK_EQ(h.r->gap_bytes[0][GAP_LOSS], 40);
    h_free(&h);

    /* ... or at once, when the other side ACKs the FIN */
    h_init(&h);
    seg(&h, 0, 0, 0, TCPF_ACK, d, 10);
    seg(&h, 0, 50, 0, TCPF_ACK | TCPF_FIN, NULL, 0);
    seg(&h, 1, 777, 51, TCPF_ACK, NULL, 0);
    CHECK_EQ(h.r->gap_bytes[0][GAP_LOSS], 40);
    flush(&h);
    CHECK(rec_matches(h.r, 0, d, 50));
    CHECK_EQ(h.r->n_gaps[0][GAP_LOSS], 1);
    h_free(&h);
}

static void t_snaplen(void)
{
    struct h h;
    h_init(&h);
    uint8_t d[310];
    fill(d, sizeof d, 9);
    const uint32_t s = 0x7FFFFFF0u;
    seg(&h, 0, s, 0, TCPF_SYN, NULL, 0);
    segw(&h, 0, s + 1, 0, TCPF_ACK, d, 40, 100);            /* in order, 60 cut */
    CHECK_EQ(h.r->data_bytes[0], 40);
    CHECK_EQ(h.r->gap_bytes[0][GAP_SNAPLEN], 60);
    seg(&h, 0, s + 1 + 100, 0, TCPF_ACK, d + 100, 50);
    segw(&h, 0, s + 1 + 200, 0, TCPF_ACK, d + 200, 30, 100); /* out of order, 70 cut */
    CHECK_EQ(h.pool.st.ooo_bytes_now, 30);                  /* only captured bytes are held */
    seg(&h, 0, s + 1 + 150, 0, TCPF_ACK, d + 150, 50);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 0);
    segw(&h, 0, s + 1 + 300, 0, TCPF_ACK, d + 300, 0, 10);  /* nothing captured */
    CHECK(rec_matches(h.r, 0, d, sizeof d));
    CHECK_EQ(h.r->n_gaps[0][GAP_SNAPLEN], 3);
    CHECK_EQ(h.r->gap_bytes[0][GAP_SNAPLEN], 60 + 70 + 10);
    CHECK_EQ(h.r->data_bytes[0], 40 + 50 + 50 + 30);
    CHECK_EQ(h.pool.st.gap_bytes[GAP_SNAPLEN], 140);
    CHECK_EQ(h.s.d[0].next_seq, s + 1 + 310);
    /* a retransmission of a cut segment adds nothing */
    segw(&h, 0, s + 1 + 200, 0, TCPF_ACK, d + 200, 30, 100);
    CHECK_EQ(h.r->off[0], 310);
    CHECK_EQ(h.pool.st.retrans_bytes, 100);
    h_free(&h);
}

/* Per-flow segment cap: the hole in front of the earliest buffered segment is
 * given up, what follows is delivered, in-order data keeps flowing. */
static void t_cap_flow_segs(void)
{
    struct h h;
    h_init(&h);
    h.cfg.ooo_segs_per_flow = 3;
    uint8_t d[100];
    fill(d, sizeof d, 10);
    seg(&h, 0, 0, 0, TCPF_SYN, NULL, 0);
    for (int i = 1; i < 10; i++) {                       /* segment 0 never comes */
        seg(&h, 0, 1 + 10u * i, 0, TCPF_ACK, d + 10 * i, 10);
        CHECK(h.s.d[0].ooo_segs <= 3);
    }
    CHECK_EQ(h.pool.st.cap_flow_hits, 1);
    CHECK_EQ(h.pool.st.gaps[GAP_CAP], 1);
    CHECK_EQ(h.pool.st.gap_bytes[GAP_CAP], 10);
    CHECK_EQ(h.pool.st.ooo_buffered, 3);
    CHECK(rec_matches(h.r, 0, d, sizeof d));
    CHECK_EQ(h.r->data_bytes[0] + rec_gap_total(h.r, 0), sizeof d);
    seg(&h, 0, 1, 0, TCPF_ACK, d, 10);                   /* too late now */
    CHECK_EQ(h.pool.st.retrans_bytes, 10);
    CHECK_EQ(h.r->off[0], sizeof d);
    h_free(&h);
}

static void t_cap_flow_bytes(void)
{
    struct h h;
    h_init(&h);
    h.cfg.ooo_bytes_per_flow = 25;
    uint8_t a[60], b[60];
    fill(a, sizeof a, 11);
    fill(b, sizeof b, 12);
    handshake(&h, 0, 1000);
    /* client: [0,10) lost, [10,20) [20,30) buffered, [30,40) does not fit */
    seg(&h, 0, 11, 1001, TCPF_ACK, a + 10, 10);
    seg(&h, 0, 21, 1001, TCPF_ACK, a + 20, 10);
    CHECK_EQ(h.s.d[0].ooo_bytes, 20);
    seg(&h, 0, 31, 1001, TCPF_ACK, a + 30, 10);
    CHECK_EQ(h.pool.st.cap_flow_hits, 1);
    CHECK_EQ(h.r->gap_bytes[0][GAP_CAP], 10);
    CHECK_EQ(h.r->data_bytes[0], 30);
    CHECK_EQ(h.s.d[0].ooo_bytes, 0);

    /* client buffers 10 ([40,50) lost); the server buffers [20,30); its
     * [40,50) would take the flow to 30: the hole in front of the server's own
     * earliest data goes ([0,20)), [20,30) is delivered, [40,50) then fits. */
    seg(&h, 0, 51, 1001, TCPF_ACK, a + 50, 10);
    seg(&h, 0, 41 + 20, 1001, TCPF_ACK, a, 0);            /* pure ACK, no effect */
    CHECK_EQ(h.s.d[0].ooo_bytes, 10);
    seg(&h, 1, 1001 + 20, 1, TCPF_ACK, b + 20, 10);       /* server [20,30), ack=1 (old) */
    CHECK_EQ(h.s.d[1].ooo_bytes, 10);
    seg(&h, 1, 1001 + 40, 1, TCPF_ACK, b + 40, 10);       /* 30 > 25: server skips to [20,30) */
    CHECK_EQ(h.pool.st.cap_flow_hits, 2);
    CHECK_EQ(h.s.d[0].ooo_bytes, 10);                     /* client buffer untouched */
    CHECK_EQ(h.r->gap_bytes[1][GAP_CAP], 20);
    CHECK_EQ(h.r->data_bytes[1], 10);
    CHECK_EQ(h.s.d[1].ooo_bytes, 10);
    flush(&h);
    CHECK(rec_matches(h.r, 0, a, 60));
    CHECK(rec_matches(h.r, 1, b, 50));
    CHECK_EQ(h.r->data_bytes[0] + rec_gap_total(h.r, 0), 60);
    CHECK_EQ(h.r->data_bytes[1] + rec_gap_total(h.r, 1), 50);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 0);
    h_free(&h);
}

/* The pool-wide cap across two streams. */
static void t_cap_total(void)
{
    struct config cfg;
    config_defaults(&cfg);
    cfg.ooo_bytes_total = 30;
    struct stream_pool pool;
    stream_pool_init(&pool, &cfg);
    struct stream s1, s2;
    stream_init(&s1);
    stream_init(&s2);
    struct rec *r1 = calloc(1, sizeof *r1), *r2 = calloc(1, sizeof *r2);
    if (!r1 || !r2) abort();
    struct stream_sink sink = { rec_data, rec_gap };
    uint8_t d[50];
    fill(d, sizeof d, 13);

    stream_segment(&pool, &s1, 0, 0, 0, TCPF_SYN, NULL, 0, 0, &sink, r1);
    stream_segment(&pool, &s1, 0, 1 + 10, 0, TCPF_ACK, d + 10, 20, 20, &sink, r1);
    stream_segment(&pool, &s2, 1, 500, 0, TCPF_SYN, NULL, 0, 0, &sink, r2);
    stream_segment(&pool, &s2, 1, 501 + 5, 0, TCPF_ACK, d + 5, 5, 5, &sink, r2);
    CHECK_EQ(pool.st.ooo_bytes_now, 25);
    stream_segment(&pool, &s2, 1, 501 + 20, 0, TCPF_ACK, d + 20, 20, 20, &sink, r2);
    /* 25 + 20 > 30: s2 gives up [0,5) and delivers [5,10); 20 + 20 > 30
     * still: s2 has nothing buffered, so its own hole [10,20) goes and the
     * segment is delivered in order. Two hits, s1 untouched. */
    CHECK_EQ(pool.st.cap_total_hits, 2);
    CHECK_EQ(pool.st.cap_flow_hits, 0);
    CHECK_EQ(r2->gap_bytes[1][GAP_CAP], 5 + 10);
    CHECK_EQ(r2->n_gaps[1][GAP_CAP], 2);
    CHECK_EQ(pool.st.ooo_buffered, 2);
    CHECK_EQ(pool.st.ooo_bytes_now, 20);                  /* s1 untouched */
    CHECK_EQ(pool.st.ooo_bytes_peak, 25);
    CHECK(rec_matches(r2, 1, d, 40));
    stream_flush(&pool, &s1, &sink, r1);
    stream_flush(&pool, &s2, &sink, r2);
    CHECK(rec_matches(r1, 0, d, 30));
    CHECK_EQ(r1->data_bytes[0] + rec_gap_total(r1, 0), 30);
    CHECK_EQ(r1->gap_bytes[0][GAP_LOSS], 10);
    CHECK_EQ(pool.st.ooo_bytes_now, 0);
    free(r1);
    free(r2);
}

/* A sink that compares what it gets with the bytes sent, as it goes (the
 * recorder holds 64 KB; this test sends about 1 MB). */
struct cmp_sink {
    const uint8_t *d;
    size_t off;
    bool bad;
    uint64_t gaps;
};

static void cmp_data(void *ctx, int dir, const uint8_t *p, size_t len)
{
    struct cmp_sink *c = ctx;
    if (dir != 0 || memcmp(p, c->d + c->off, len) != 0) c->bad = true;
    c->off += len;
}

static void cmp_gap(void *ctx, int dir, uint64_t len, enum gap_reason why)
{
    (void)dir, (void)why;
    struct cmp_sink *c = ctx;
    c->gaps++;
    c->off += len;
}

/* Out-of-order copies of full-size segments reuse freed ones: rounds of
 * "a 1400-byte segment early, then the hole in front of it" malloc once;
 * small ones are malloc'd each time (pooled blocks would hold far more than
 * the caps count); at most 256 freed ones are kept, and a burst past that
 * mallocs only what the kept ones do not cover. Every byte arrives, in
 * order, no gap. */
static void t_seg_reuse(void)
{
    struct config cfg;
    config_defaults(&cfg);
    cfg.ooo_segs_per_flow = 1000;
    cfg.ooo_bytes_per_flow = 1u << 30;
    cfg.ooo_bytes_total = 1u << 30;
    struct stream_pool pool;
    stream_pool_init(&pool, &cfg);
    struct stream st;
    stream_init(&st);
    enum { BIG = 1400, SMALL = 100, ROUNDS = 50, BURST = 300 };
    static uint8_t d[2 * ROUNDS * (BIG + SMALL) + 2 * (BURST * BIG + 1)];
    fill(d, sizeof d, 17);
    struct cmp_sink c = { d, 0, false, 0 };
    struct stream_sink sink = { cmp_data, cmp_gap };
#define SEND(at, n) stream_segment(&pool, &st, 0, 1 + (uint32_t)(at), 0, TCPF_ACK, d + (at), (n), (n), &sink, &c)
    stream_segment(&pool, &st, 0, 0, 0, TCPF_SYN, NULL, 0, 0, &sink, &c);
    size_t at = 0;
    for (int i = 0; i < ROUNDS; i++) {   /* [at, +SMALL) comes after [at + SMALL, +BIG) */
        SEND(at + SMALL, BIG);
        SEND(at, SMALL);
        at += SMALL + BIG;
    }
    CHECK_EQ(pool.st.ooo_buffered, ROUNDS);
    CHECK_EQ(pool.st.seg_mallocs, 1);
    for (int i = 0; i < ROUNDS; i++) {   /* now the small one early */
        SEND(at + BIG, SMALL);
        SEND(at, BIG);
        at += SMALL + BIG;
    }
    CHECK_EQ(pool.st.ooo_buffered, 2 * ROUNDS);
    CHECK_EQ(pool.st.seg_mallocs, 1 + ROUNDS);
    for (int k = 0; k < 2; k++) {   /* BURST full-size segments held at once behind a hole of 1 byte */
        for (int i = 0; i < BURST; i++) SEND(at + 1 + (size_t)i * BIG, BIG);
        CHECK_EQ(st.d[0].ooo_segs, BURST);
        SEND(at, 1);
        CHECK_EQ(st.d[0].ooo_segs, 0);
        at += 1 + BURST * BIG;
        CHECK_EQ(pool.n_free, 256);
    }
#undef SEND
    /* the first burst: 1 kept, 299 new; the second: 256 kept, 44 new */
    CHECK_EQ(pool.st.seg_mallocs, 1 + ROUNDS + (BURST - 1) + (BURST - 256));
    CHECK_EQ(c.off, at);
    CHECK(!c.bad);
    CHECK_EQ(c.gaps, 0);
    stream_release(&pool, &st);
    stream_pool_release(&pool);
    CHECK_EQ(pool.n_free, 0);
}

/* ISN near 2^32: segments straddle the wrap, arrive out of order. */
static void t_wraparound(void)
{
    struct h h;
    h_init(&h);
    uint8_t d[600];
    fill(d, sizeof d, 14);
    const uint32_t isn = 0xFFFFFF00u;
    static const int order[] = { 0, 2, 1, 4, 3, 5, 3 };
    seg(&h, 1, isn, 0, TCPF_SYN | TCPF_ACK, NULL, 0);
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        int i = order[k];
        seg(&h, 1, isn + 1 + 100u * i, 0, TCPF_ACK, d + 100 * i, 100);
    }
    CHECK(rec_exact(h.r, 1, d, sizeof d));
    CHECK_EQ(h.s.d[1].next_seq, isn + 1 + 600u);
    CHECK_EQ(h.s.d[1].next_seq, 0x159u);            /* 0xFFFFFF01 + 0x258 - 2^32 */
    CHECK_EQ(h.pool.st.ooo_buffered, 2);
    CHECK_EQ(h.pool.st.retrans_bytes, 100);

    /* ACK-triggered gap across the wrap: hole [0xFFFFFFF8, 0x8) */
    struct h g;
    h_init(&g);
    uint8_t e[48];
    fill(e, sizeof e, 15);
    seg(&g, 0, 0xFFFFFFE8u, 0, TCPF_ACK, e, 16);          /* mid-stream, [..E8, ..F8) */
    seg(&g, 0, 0x8, 0, TCPF_ACK, e + 32, 16);
    seg(&g, 1, 5, 0x4, TCPF_ACK, NULL, 0);
    CHECK_EQ(g.r->gap_bytes[0][GAP_LOSS], 12);
    seg(&g, 1, 5, 0x18, TCPF_ACK, NULL, 0);
    CHECK(rec_matches(g.r, 0, e, sizeof e));
    CHECK_EQ(g.r->gap_bytes[0][GAP_LOSS], 16);
    CHECK_EQ(g.r->data_bytes[0], 32);
    h_free(&g);
    h_free(&h);
}

/* No SYN: pure ACKs do not fix the sequence; the first data segment does. */
static void t_midstream(void)
{
    struct h h;
    h_init(&h);
    uint8_t d[300];
    fill(d, sizeof d, 16);
    seg(&h, 1, 5000, 100, TCPF_ACK, NULL, 0);             /* pure ACK from the server */
    CHECK(!h.s.d[1].seq_known);
    seg(&h, 0, 100, 5000, TCPF_ACK, NULL, 0);
    seg(&h, 0, 100, 9999, TCPF_ACK, NULL, 0);             /* acks beyond: no data known, no gap */
    seg(&h, 1, 7000, 100, TCPF_ACK | TCPF_PSH, d, 100);   /* data picks it up here */
    CHECK(h.s.d[1].seq_known && !h.s.d[1].syn);
    CHECK_EQ(h.r->data_bytes[1], 100);
    seg(&h, 1, 6900, 100, TCPF_ACK, d, 100);              /* from before the pickup */
    CHECK_EQ(h.pool.st.retrans_bytes, 100);
    seg(&h, 0, 100, 9999, TCPF_ACK, NULL, 0);             /* acks past next_seq, nothing buffered */
    CHECK_EQ(rec_gap_total(h.r, 1), 0);
    seg(&h, 1, 7200, 100, TCPF_ACK, d + 200, 100);
    seg(&h, 1, 7100, 100, TCPF_ACK, d + 100, 100);
    CHECK(rec_exact(h.r, 1, d, sizeof d));
    CHECK_EQ(h.r->off[0], 0);
    h_free(&h);
}

static void t_syn_with_data(void)
{
    struct h h;
    h_init(&h);
    uint8_t d[50];
    fill(d, sizeof d, 17);
    seg(&h, 0, 100, 0, TCPF_SYN, d, 20);                  /* TFO: data at 101 */
    CHECK_EQ(h.s.d[0].next_seq, 121);
    CHECK(h.r->last_p[0] == d);
    seg(&h, 0, 100, 0, TCPF_SYN, d, 20);                  /* the SYN again */
    CHECK_EQ(h.pool.st.retrans_bytes, 20);
    seg(&h, 0, 121, 0, TCPF_ACK, d + 20, 30);
    CHECK(rec_exact(h.r, 0, d, sizeof d));
    h_free(&h);
}

static void t_fin_then_stray(void)
{
    struct h h;
    h_init(&h);
    uint8_t d[80];
    fill(d, sizeof d, 18);
    seg(&h, 0, 0, 0, TCPF_SYN, NULL, 0);
    seg(&h, 0, 1 + 60, 0, TCPF_ACK, d + 60, 10);          /* buffered, turns out past FIN */
    seg(&h, 0, 1 + 45, 0, TCPF_ACK, d + 45, 10);          /* buffered [45,55), FIN will cut it */
    seg(&h, 0, 1, 0, TCPF_ACK, d, 40);
    seg(&h, 0, 1 + 40, 0, TCPF_ACK | TCPF_FIN, d + 40, 10);   /* FIN at 50 */
    CHECK(h.s.d[0].fin);
    CHECK_EQ(h.s.d[0].fin_seq, 1 + 50);
    CHECK_EQ(h.pool.st.after_fin_bytes, 10 + 5);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 0);
    seg(&h, 0, 1 + 50, 0, TCPF_ACK, d + 50, 10);          /* stray data after FIN */
    seg(&h, 0, 1 + 45, 0, TCPF_ACK, d + 45, 10);          /* half old, half past FIN */
    CHECK_EQ(h.pool.st.after_fin_bytes, 15 + 10 + 5);
    CHECK_EQ(h.pool.st.retrans_bytes, 5);
    flush(&h);
    CHECK(rec_exact(h.r, 0, d, 50));
    h_free(&h);
}

static void t_bogus_and_rst(void)
{
    struct h h;
    h_init(&h);
    uint8_t d[20];
    fill(d, sizeof d, 19);
    seg(&h, 0, 1000, 0, TCPF_ACK, d, 10);
    seg(&h, 0, 1010 + 0x40000001u, 0, TCPF_ACK, d, 10);   /* too far ahead */
    seg(&h, 0, 1010 + 0x80000000u, 0, TCPF_ACK, d, 10);   /* halfway round */
    seg(&h, 0, 1010 - 0x50000000u, 0, TCPF_ACK, d, 10);   /* too far behind */
    CHECK_EQ(h.pool.st.bogus_segments, 3);
    CHECK_EQ(h.pool.st.ooo_bytes_now, 0);
    CHECK_EQ(h.pool.st.retrans_bytes, 0);
    seg(&h, 0, 1010 + 0x3FFFFFF0u, 0, TCPF_ACK, d, 10);   /* inside the window: buffered */
    CHECK_EQ(h.pool.st.ooo_bytes_now, 10);
    seg(&h, 0, 1010, 0, TCPF_RST | TCPF_ACK, d + 10, 10); /* RST payload is not data */
    CHECK(h.s.d[0].rst);
    CHECK_EQ(h.r->data_bytes[0], 10);
    stream_release(&h.pool, &h.s);                         /* no delivery, memory back */
    CHECK_EQ(h.pool.st.ooo_bytes_now, 0);
    CHECK_EQ(h.r->off[0], 10);
    CHECK(h.s.d[0].ooo == NULL);
    h_free(&h);
}

int main(void)
{
    RUN(t_in_order_no_copy);
    RUN(t_reorder_permutations);
    RUN(t_duplicates);
    RUN(t_overlap_first_wins);
    RUN(t_ack_gap);
    RUN(t_gap_at_flush);
    RUN(t_snaplen);
    RUN(t_cap_flow_segs);
    RUN(t_cap_flow_bytes);
    RUN(t_cap_total);
    RUN(t_wraparound);
    RUN(t_midstream);
    RUN(t_syn_with_data);
    RUN(t_fin_then_stray);
    RUN(t_bogus_and_rst);
    RUN(t_seg_reuse);
    return test_done();
}
