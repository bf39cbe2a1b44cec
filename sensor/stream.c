/* stream.c -- TCP reassembly: per-direction in-order delivery with explicit gaps.
 *
 * See stream.h for the contract. How it is done:
 *
 *  - Each direction keeps next_seq, the first byte not yet delivered or gapped,
 *    and a singly linked list of buffered out-of-order segments, sorted by
 *    sequence number and never overlapping one another. Every buffered segment
 *    starts strictly after next_seq (the hole in front of it is what we wait
 *    for); the moment next_seq reaches a segment, the segment is delivered.
 *
 *  - Sequence numbers are compared modulo 2^32 through seq_diff(). A segment
 *    more than SEQ_WINDOW (2^30) away from next_seq is garbage, so every
 *    buffered segment lies within 2^30 + 64 KiB of next_seq and the signed
 *    difference of any two numbers we compare is well inside (-2^31, 2^31).
 *
 *  - An incoming segment is a "piece": a wire range [seq, seq + wire) of which
 *    the first cap bytes were captured (the rest was cut by snaplen). In order,
 *    its bytes go to the sink straight from the packet; bytes that collide with
 *    buffered data are skipped, because the first copy seen wins. Out of order,
 *    only the parts no buffered segment covers are copied into new segments.
 *    A buffered segment remembers its own snaplen-missing tail ("missing"),
 *    which becomes a GAP_SNAPLEN when the segment is delivered; that tail
 *    claims its sequence range like data does (first seen wins there too).
 *
 *  - Caps (ooo_bytes_per_flow and ooo_segs_per_flow over both directions of the
 *    flow, ooo_bytes_total over the pool) are checked before anything is
 *    copied. When a copy would not fit, the hole in front of the earliest data
 *    of this direction (buffered or the incoming segment itself) becomes a
 *    GAP_CAP gap and delivery resumes from there; repeat until the copy fits or
 *    the incoming segment turns in-order. In-order data is never dropped.
 */
#include "stream.h"
#include "config.h"
#include "decode.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Buffered out-of-order segment. Covers [seq, seq + len + missing): len bytes
 * in data[], then missing bytes the wire carried but snaplen cut. */
struct stream_seg {
    struct stream_seg *next;
    uint32_t seq;
    uint32_t len;
    uint32_t missing;
    uint32_t room;            /* data bytes allocated (len may be cut below it) */
    uint8_t data[];
};

/* Full-size segments (a TCP payload of an Ethernet MTU and less, down to
 * half of it) come from a worker's free list and go back to it, so a steady
 * stream of out-of-order packets costs no malloc each; at most SEG_KEEP are
 * kept. Smaller ones are malloc'd to their size: pooled blocks for them
 * would hold many times the bytes the out-of-order caps count. */
#define SEG_ROOM 1600u
#define SEG_KEEP 256u

/* Farther than this from next_seq (either way) is not this stream's data. */
#define SEQ_WINDOW (UINT32_C(1) << 30)

/* What the delivery helpers need, bundled to keep argument lists short. */
struct rx {
    struct stream_pool *pool;
    const struct stream_sink *sink;
    void *ctx;
    struct stream *s;
};

/* Incoming bytes: wire range [seq, seq + wire), the first cap of them in p. */
struct piece {
    uint32_t seq;
    const uint8_t *p;
    uint32_t cap;
    uint32_t wire;
};

/* ---- sequence arithmetic (modulo 2^32) ---- */

/* a - b as a signed distance in [-2^31, 2^31). Written without a cast of an
 * out-of-range value to int32_t, which C leaves to the implementation. */
static inline int64_t seq_diff(uint32_t a, uint32_t b)
{
    uint32_t d = a - b;
    return d < UINT32_C(0x80000000) ? (int64_t)d : (int64_t)d - (INT64_C(1) << 32);
}

static inline bool seq_lt(uint32_t a, uint32_t b) { return seq_diff(a, b) < 0; }
static inline bool seq_le(uint32_t a, uint32_t b) { return seq_diff(a, b) <= 0; }

static inline uint32_t seg_end(const struct stream_seg *g) { return g->seq + g->len + g->missing; }

static inline uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* Drop the first t wire bytes of a piece. */
static void piece_trim_front(struct piece *pc, uint32_t t)
{
    assert(t <= pc->wire);
    if (t < pc->cap) {
        pc->p += t;
        pc->cap -= t;
    } else {
        pc->p = NULL;
        pc->cap = 0;
    }
    pc->seq += t;
    pc->wire -= t;
}

/* ---- sink calls, with the counters that go with them ---- */

static void emit_data(struct rx *rx, int dir, const uint8_t *p, size_t len)
{
    if (len == 0) return;
    rx->s->d[dir].delivered += len;
    if (rx->sink && rx->sink->data) rx->sink->data(rx->ctx, dir, p, len);
}

static void emit_gap(struct rx *rx, int dir, uint64_t len, enum gap_reason why)
{
    if (len == 0) return;
    rx->pool->st.gaps[why]++;
    rx->pool->st.gap_bytes[why] += len;
    rx->s->d[dir].gap_bytes += len;
    if (rx->sink && rx->sink->gap) rx->sink->gap(rx->ctx, dir, len, why);
}

/* Declare the bytes from next_seq up to end a gap and move next_seq there. */
static void skip_to(struct rx *rx, int dir, uint32_t end, enum gap_reason why)
{
    struct stream_dir *d = &rx->s->d[dir];
    assert(seq_le(d->next_seq, end));
    emit_gap(rx, dir, (uint32_t)(end - d->next_seq), why);
    d->next_seq = end;
}

/* ---- the out-of-order list ---- */

static void seg_unlink_free(struct stream_pool *pool, struct stream_dir *d,
                            struct stream_seg **link)
{
    struct stream_seg *g = *link;
    *link = g->next;
    assert(d->ooo_segs > 0 && d->ooo_bytes >= g->len && pool->st.ooo_bytes_now >= g->len);
    d->ooo_segs--;
    d->ooo_bytes -= g->len;
    pool->st.ooo_bytes_now -= g->len;
    if (g->room == SEG_ROOM && pool->n_free < SEG_KEEP) {
        g->next = pool->free_segs;
        pool->free_segs = g;
        pool->n_free++;
    } else {
        free(g);
    }
}

static struct stream_seg *seg_alloc(struct stream_pool *pool, uint32_t len)
{
    struct stream_seg *g;
    if (len > SEG_ROOM / 2 && len <= SEG_ROOM) {
        if ((g = pool->free_segs)) {
            pool->free_segs = g->next;
            pool->n_free--;
            return g;
        }
        len = SEG_ROOM;
    }
    pool->st.seg_mallocs++;
    if ((g = malloc(sizeof *g + len))) g->room = len;
    return g;
}

/* Deliver the head segment, which must start at next_seq, and free it. */
static void deliver_head(struct rx *rx, int dir)
{
    struct stream_dir *d = &rx->s->d[dir];
    struct stream_seg *g = d->ooo;
    assert(g && g->seq == d->next_seq);
    emit_data(rx, dir, g->data, g->len);
    emit_gap(rx, dir, g->missing, GAP_SNAPLEN);
    d->next_seq = seg_end(g);
    seg_unlink_free(rx->pool, d, &d->ooo);
}

/* Deliver buffered segments for as long as they continue the stream. */
static void drain(struct rx *rx, int dir)
{
    struct stream_dir *d = &rx->s->d[dir];
    while (d->ooo && d->ooo->seq == d->next_seq) deliver_head(rx, dir);
    assert(!d->ooo || seq_lt(d->next_seq, d->ooo->seq));
}

/* Deliver wire offsets [oa, ob) of a piece straight from the packet: the
 * captured part as data, the rest as a snaplen gap. */
static void deliver_range(struct rx *rx, int dir, const struct piece *pc, uint32_t oa, uint32_t ob)
{
    struct stream_dir *d = &rx->s->d[dir];
    assert(pc->seq + oa == d->next_seq && oa <= ob && ob <= pc->wire);
    uint32_t capd = oa < pc->cap ? min_u32(ob, pc->cap) - oa : 0;
    if (capd) emit_data(rx, dir, pc->p + oa, capd);
    emit_gap(rx, dir, (ob - oa) - capd, GAP_SNAPLEN);
    d->next_seq = pc->seq + ob;
}

/* A piece that starts at next_seq: deliver it without copying, yielding to
 * buffered segments wherever they already hold the same sequence numbers
 * (first seen wins), then drain what follows. */
static void deliver_in_order(struct rx *rx, int dir, const struct piece *pc)
{
    struct stream_dir *d = &rx->s->d[dir];
    assert(pc->seq == d->next_seq);
    for (;;) {
        uint32_t o = d->next_seq - pc->seq;   /* wire offset reached in pc */
        if (o >= pc->wire) break;
        struct stream_seg *h = d->ooo;
        if (h && h->seq == d->next_seq) {
            uint32_t span = h->len + h->missing;
            rx->pool->st.overlap_bytes += min_u32(span, pc->wire - o);
            deliver_head(rx, dir);
            continue;
        }
        uint32_t ob = pc->wire;
        if (h) ob = min_u32(ob, h->seq - pc->seq);
        deliver_range(rx, dir, pc, o, ob);
    }
    drain(rx, dir);
}

/* Walk the parts of piece pc (which starts after next_seq) that no buffered
 * segment covers. With commit false, only count them: bytes to copy into
 * *nbytes, segments into *nsegs. With commit true, copy them into new
 * segments linked in order, and count the covered bytes as overlap. */
static void ooo_insert(struct rx *rx, int dir, const struct piece *pc, bool commit,
                       uint64_t *nbytes, uint32_t *nsegs)
{
    struct stream_pool *pool = rx->pool;
    struct stream_dir *d = &rx->s->d[dir];
    struct stream_seg **link = &d->ooo;
    uint32_t o = 0;

    *nbytes = 0;
    *nsegs = 0;
    while (o < pc->wire) {
        uint32_t at = pc->seq + o;
        while (*link && seq_le(seg_end(*link), at)) link = &(*link)->next;
        struct stream_seg *g = *link;
        if (g && seq_le(g->seq, at)) {
            uint32_t cov = min_u32(seg_end(g) - at, pc->wire - o);
            if (commit) pool->st.overlap_bytes += cov;
            o += cov;
            continue;
        }
        uint32_t ob = pc->wire;
        if (g) ob = min_u32(ob, g->seq - pc->seq);
        uint32_t capd = o < pc->cap ? min_u32(ob, pc->cap) - o : 0;
        *nbytes += capd;
        *nsegs += 1;
        if (commit) {
            struct stream_seg *n = seg_alloc(pool, capd);
            if (!n) {
                /* Leave a hole; an ACK, a cap or the flush will gap it. */
                pool->st.alloc_failures++;
            } else {
                n->seq = at;
                n->len = capd;
                n->missing = (ob - o) - capd;
                if (capd) memcpy(n->data, pc->p + o, capd);
                n->next = g;
                *link = n;
                link = &n->next;
                d->ooo_segs++;
                d->ooo_bytes += capd;
                pool->st.ooo_bytes_now += capd;
                if (pool->st.ooo_bytes_now > pool->st.ooo_bytes_peak)
                    pool->st.ooo_bytes_peak = pool->st.ooo_bytes_now;
            }
        }
        o = ob;
    }
}

/* Would nbytes more bytes in nsegs more segments break a cap? Returns the
 * counter to bump, or NULL if they fit. */
static uint64_t *cap_broken(struct rx *rx, uint64_t nbytes, uint32_t nsegs)
{
    const struct config *cfg = rx->pool->cfg;
    const struct stream *s = rx->s;
    uint64_t flow_bytes = (uint64_t)s->d[0].ooo_bytes + s->d[1].ooo_bytes;
    uint64_t flow_segs = (uint64_t)s->d[0].ooo_segs + s->d[1].ooo_segs;
    /* ooo_segs is a uint16_t per direction: never let it wrap. */
    uint64_t seg_cap = cfg->ooo_segs_per_flow;
    if (seg_cap > UINT16_MAX) seg_cap = UINT16_MAX;

    if (flow_bytes + nbytes > cfg->ooo_bytes_per_flow || flow_segs + nsegs > seg_cap)
        return &rx->pool->st.cap_flow_hits;
    if (rx->pool->st.ooo_bytes_now + nbytes > cfg->ooo_bytes_total)
        return &rx->pool->st.cap_total_hits;
    return NULL;
}

/* Place a piece that starts at or after next_seq: deliver it if in order,
 * buffer it if not, forcing GAP_CAP gaps when the buffer would overflow. */
static void place(struct rx *rx, int dir, struct piece pc)
{
    struct stream_dir *d = &rx->s->d[dir];

    for (;;) {
        /* After a forced skip, part of pc may now lie behind next_seq: those
         * bytes were covered by buffered data just delivered. */
        int64_t off = seq_diff(pc.seq, d->next_seq);
        if (off < 0) {
            uint32_t t = (uint32_t)-off;
            if (t >= pc.wire) {
                rx->pool->st.overlap_bytes += pc.wire;
                return;
            }
            rx->pool->st.overlap_bytes += t;
            piece_trim_front(&pc, t);
        }
        if (pc.seq == d->next_seq) {
            rx->pool->st.in_order++;
            deliver_in_order(rx, dir, &pc);
            return;
        }

        uint64_t nbytes;
        uint32_t nsegs;
        ooo_insert(rx, dir, &pc, false, &nbytes, &nsegs);
        uint64_t *hit = nsegs ? cap_broken(rx, nbytes, nsegs) : NULL;
        if (!hit) {
            ooo_insert(rx, dir, &pc, true, &nbytes, &nsegs);
            if (nsegs) rx->pool->st.ooo_buffered++;
            return;
        }

        /* A cap bites: give up on the hole in front of the earliest data this
         * direction has, which may be the incoming piece itself. */
        (*hit)++;
        struct stream_seg *h = d->ooo;
        if (!h || seq_lt(pc.seq, h->seq)) {
            skip_to(rx, dir, pc.seq, GAP_CAP);
        } else {
            skip_to(rx, dir, h->seq, GAP_CAP);
            drain(rx, dir);
        }
    }
}

/* An ACK from the other side proves every byte below it was sent. A hole
 * between next_seq and the next byte we know was sent -- buffered data, or the
 * FIN -- that the ACK passes was therefore missed by the sensor: declare
 * [next_seq, min(ack, that byte)) a GAP_LOSS, deliver what follows, and repeat
 * for the next hole. Without buffered data or a FIN there is no hole to prove
 * (the data may simply not have reached us yet), so nothing happens. */
static void ack_passes(struct rx *rx, int dir, uint32_t ack)
{
    struct stream_dir *d = &rx->s->d[dir];
    if (!d->seq_known) return;
    int64_t a = seq_diff(ack, d->next_seq);
    if (a <= 0 || a > (int64_t)SEQ_WINDOW) return;

    while (seq_lt(d->next_seq, ack)) {
        uint32_t end;
        if (d->ooo)
            end = d->ooo->seq;
        else if (d->fin && seq_lt(d->next_seq, d->fin_seq))
            end = d->fin_seq;
        else
            return;
        if (seq_lt(ack, end)) end = ack;
        skip_to(rx, dir, end, GAP_LOSS);
        drain(rx, dir);
    }
}

/* Record a FIN at fin_seq (the first one wins) and throw away anything
 * buffered past it. */
static void note_fin(struct stream_pool *pool, struct stream_dir *d, uint32_t fin_seq)
{
    if (d->fin || seq_lt(fin_seq, d->next_seq)) return;
    d->fin = true;
    d->fin_seq = fin_seq;

    struct stream_seg **link = &d->ooo;
    while (*link) {
        struct stream_seg *g = *link;
        if (seq_le(seg_end(g), fin_seq)) {
            link = &g->next;
            continue;
        }
        if (seq_le(fin_seq, g->seq)) {
            pool->st.after_fin_bytes += g->len + g->missing;
            seg_unlink_free(pool, d, link);
            continue;
        }
        /* Straddles the FIN: cut its tail. */
        uint32_t keep = fin_seq - g->seq;
        pool->st.after_fin_bytes += (g->len + g->missing) - keep;
        if (keep <= g->len) {
            d->ooo_bytes -= g->len - keep;
            pool->st.ooo_bytes_now -= g->len - keep;
            g->len = keep;
            g->missing = 0;
        } else {
            g->missing = keep - g->len;
        }
        link = &g->next;
    }
}

/* ---- public API ---- */

void stream_pool_init(struct stream_pool *pool, const struct config *cfg)
{
    assert(cfg);
    memset(pool, 0, sizeof *pool);
    pool->cfg = cfg;
}

void stream_pool_release(struct stream_pool *pool)
{
    while (pool->free_segs) {
        struct stream_seg *g = pool->free_segs;
        pool->free_segs = g->next;
        free(g);
    }
    pool->n_free = 0;
}

void stream_init(struct stream *s)
{
    memset(s, 0, sizeof *s);
}

/* The order of the steps matters:
 *  1. The ACK speaks about the other direction; handling it first lets that
 *     direction's gap reach the dissector before this segment's bytes, which
 *     is the order things happened in (a response's ACK past a hole in the
 *     request closes the request before the response starts).
 *  2. RST: marked, payload ignored (diagnostic text, never application data).
 *  3. SYN sets the initial sequence (its data starts at seq + 1); otherwise
 *     the first segment with data (or a FIN) picks the direction up.
 *  4. Sanity window, FIN, clipping past FIN, retransmission, then place(). */
void stream_segment(struct stream_pool *pool, struct stream *s, int dir,
                    uint32_t seq, uint32_t ack, uint8_t flags,
                    const uint8_t *payload, size_t len, uint32_t wire_len,
                    const struct stream_sink *sink, void *ctx)
{
    assert(dir == 0 || dir == 1);
    struct rx rx = { pool, sink, ctx, s };
    struct stream_dir *d = &s->d[dir];

    /* A capture longer than the wire says is a caller bug or a lying header:
     * trust the bytes we hold. Anything past the window is garbage. */
    if (len > wire_len) {
        if (len > SEQ_WINDOW) {
            pool->st.segments++;
            pool->st.bogus_segments++;
            return;
        }
        wire_len = (uint32_t)len;
    }
    if (wire_len) pool->st.segments++;

    if (flags & TCPF_ACK) ack_passes(&rx, !dir, ack);

    if (flags & TCPF_RST) {
        d->rst = true;
        return;
    }

    uint32_t data_seq = seq;
    if (flags & TCPF_SYN) {
        d->syn = true;
        data_seq = seq + 1;
        if (!d->seq_known) {
            d->next_seq = data_seq;
            d->seq_known = true;
        }
    }
    if (wire_len == 0 && !(flags & TCPF_FIN)) return;
    if (!d->seq_known) {
        d->next_seq = data_seq;   /* mid-stream pickup */
        d->seq_known = true;
    }

    int64_t off = seq_diff(data_seq, d->next_seq);
    if (wire_len > SEQ_WINDOW || off > (int64_t)SEQ_WINDOW || off < -(int64_t)SEQ_WINDOW) {
        pool->st.bogus_segments++;
        return;
    }

    if (flags & TCPF_FIN) note_fin(pool, d, data_seq + wire_len);
    if (wire_len == 0) return;

    struct piece pc = { data_seq, payload, (uint32_t)len, wire_len };
    if (d->fin) {
        int64_t room = seq_diff(d->fin_seq, data_seq);
        if (room <= 0) {
            pool->st.after_fin_bytes += wire_len;
            return;
        }
        if (room < (int64_t)pc.wire) {
            pool->st.after_fin_bytes += pc.wire - (uint32_t)room;
            pc.wire = (uint32_t)room;
            if (pc.cap > pc.wire) pc.cap = pc.wire;
        }
    }

    if (off < 0) {
        /* Some or all of it was delivered (or gapped) already. */
        uint32_t t = (uint32_t)-off;
        if (t >= pc.wire) {
            pool->st.retrans_bytes += pc.wire;
            return;
        }
        pool->st.retrans_bytes += t;
        piece_trim_front(&pc, t);
    }
    place(&rx, dir, pc);
}

/* Deliver what is buffered, oldest first, with a GAP_LOSS in front of each
 * segment that does not follow on, and a final GAP_LOSS up to the FIN if one
 * was seen (those bytes were sent: the FIN's sequence number says so). */
void stream_flush(struct stream_pool *pool, struct stream *s,
                  const struct stream_sink *sink, void *ctx)
{
    struct rx rx = { pool, sink, ctx, s };
    for (int dir = 0; dir < 2; dir++) {
        struct stream_dir *d = &s->d[dir];
        while (d->ooo) {
            if (d->ooo->seq != d->next_seq) skip_to(&rx, dir, d->ooo->seq, GAP_LOSS);
            deliver_head(&rx, dir);
        }
        if (d->seq_known && d->fin && seq_lt(d->next_seq, d->fin_seq))
            skip_to(&rx, dir, d->fin_seq, GAP_LOSS);
        assert(d->ooo_segs == 0 && d->ooo_bytes == 0);
    }
}

void stream_release(struct stream_pool *pool, struct stream *s)
{
    for (int dir = 0; dir < 2; dir++) {
        struct stream_dir *d = &s->d[dir];
        while (d->ooo) seg_unlink_free(pool, d, &d->ooo);
        assert(d->ooo_segs == 0 && d->ooo_bytes == 0);
    }
}
