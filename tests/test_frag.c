/* test_frag.c -- IPv4/IPv6 fragment reassembly (sensor/frag.c).
 *
 * The test builds a whole datagram (IP + TCP + a patterned payload), cuts it
 * into fragments with its own fragmenter (any byte ranges, any order,
 * overlapping or not), wraps each in Ethernet, runs it through decode_packet()
 * (which must say DEC_FRAGMENT and fill the frag_* fields) and frag_add(). A
 * completed datagram must be the original one byte for byte (IPv4: but the
 * checksum; IPv6: without the fragment header), and must decode to the
 * original payload. Attack shapes must be counted under their reason and
 * never yield anything (tiny fragments: counted, reassembled); a randomized
 * test compares every datagram that comes out with a first-wins reference
 * reassembly.
 */
#include "test.h"
#include "config.h"
#include "decode.h"
#include "decode_frames.h"
#include "frag.h"

#include <pcap/dlt.h>

#define PAYLOAD 3000

/* ---- the original datagram ---- */

struct orig {
    uint8_t b[4096];
    size_t n;          /* whole datagram */
    size_t unfrag;     /* IPv4 header, or IPv6 header + extension headers before the fragment header */
    size_t l4;         /* bytes after unfrag */
    size_t nh_at;      /* IPv6: the next-header byte that will name the fragment header */
    int v;
};

static void make_orig(struct orig *o, int v, unsigned seed)
{
    struct fb f = { .n = 0 };
    size_t l3;
    if (v == 4) {
        l3 = ip4(&f, IPPROTO_TCP, 0, 0);
        o->unfrag = 20;
        o->nh_at = 0;
    } else {
        l3 = ip6(&f, 0 /* hop-by-hop */);
        ip6_ext(&f, IPPROTO_TCP, 0);
        o->unfrag = 48;
        o->nh_at = 40;   /* the hop-by-hop header's next header */
    }
    tcp(&f, 40000, 80, 1000, 2000, TCPF_ACK | TCPF_PSH, 500, 0);
    for (size_t i = 0; i < PAYLOAD; i++) put8(&f, (i * 7 + seed) & 0xff);
    if (v == 4) ip4_end(&f, l3); else ip6_end(&f, l3);
    memcpy(o->b, f.b, f.n);
    o->n = f.n;
    o->l4 = f.n - o->unfrag;
    o->v = v;
}

/* Ethernet frame of the fragment [s, e) of o's L4 bytes, data taken from
 * `data` (o's own bytes unless a test forges them). */
static size_t frag_frame(const struct orig *o, const uint8_t *data, size_t s, size_t e, bool more,
                         uint32_t id, uint8_t *out)
{
    struct fb f = { .n = 0 };
    eth(&f, o->v == 4 ? 0x0800 : 0x86dd);
    size_t at = f.n;
    putn(&f, o->b, o->unfrag);
    if (o->v == 4) {
        set16(&f, at + 4, id & 0xffff);
        set16(&f, at + 6, (unsigned)(s / 8) | (more ? 0x2000u : 0));
        putn(&f, data + o->unfrag + s, e - s);
        set16(&f, at + 2, (unsigned)(f.n - at));
    } else {
        uint8_t nh = f.b[at + o->nh_at];
        f.b[at + o->nh_at] = 44;
        put8(&f, nh);
        put8(&f, 0);
        put16(&f, (unsigned)s | (more ? 1u : 0));
        put32(&f, id);
        putn(&f, data + o->unfrag + s, e - s);
        set16(&f, at + 4, (unsigned)(f.n - at - 40));
    }
    memcpy(out, f.b, f.n);
    return f.n;
}

/* Decode one fragment frame and hand it to the table; the result or NULL. */
static const uint8_t *feed(frag_table *t, const struct orig *o, const uint8_t *data, size_t s, size_t e,
                           bool more, uint32_t id, uint64_t now, size_t *len)
{
    uint8_t frame[4200];
    size_t n = frag_frame(o, data, s, e, more, id, frame);
    uint8_t *buf = malloc(n);   /* exact length: ASan sees any over-read */
    if (!buf) abort();
    memcpy(buf, frame, n);
    struct pkt p;
    enum decode_reason r = decode_packet(DLT_EN10MB, buf, n, n, &p);
    CHECK_EQ(r, DEC_FRAGMENT);
    CHECK_EQ(p.frag_offset, s);
    CHECK_EQ(p.frag_more, more);
    CHECK_EQ(p.frag_id, id);
    const uint8_t *res = r == DEC_FRAGMENT ? frag_add(t, &p, now, len) : NULL;
    free(buf);
    return res;
}

/* Is the reassembled datagram o itself (IPv4 id and checksum aside)? */
static bool same_as_orig(const struct orig *o, const uint8_t *d, size_t len)
{
    if (len != o->n) return false;
    if (o->v == 4) {
        /* the identification is the fragments' own, the checksum recomputed */
        if (memcmp(d, o->b, 4) || memcmp(d + 6, o->b + 6, 4) || memcmp(d + 12, o->b + 12, len - 12)) return false;
    } else if (memcmp(d, o->b, len)) {
        return false;
    }
    struct pkt p;
    if (decode_ip(NULL, o->v, d, len, &p) != DEC_OK) return false;
    return p.payload_len == PAYLOAD && memcmp(p.payload, o->b + o->n - PAYLOAD, PAYLOAD) == 0 &&
           p.sport == 40000 && p.dport == 80;
}

static struct config cfg_default(void)
{
    struct config c;
    config_defaults(&c);
    return c;
}

/* Fragments of 1208 bytes (multiple of 8), in the given order. */
static void t_orders(void)
{
    for (int v = 4; v <= 6; v += 2) {
        struct orig o;
        make_orig(&o, v, 1);
        struct config c = cfg_default();
        frag_table *t = frag_new(&c, 1);
        size_t starts[8], n = 0;
        for (size_t s = 0; s < o.l4; s += 1208) starts[n++] = s;
        /* in order, reversed, middle first */
        static const int orders[3][3] = { { 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 } };
        CHECK_EQ(n, 3);
        for (int k = 0; k < 3; k++) {
            const uint8_t *res = NULL;
            size_t len = 0;
            for (int i = 0; i < 3; i++) {
                size_t j = (size_t)orders[k][i];
                size_t e = j + 1 < n ? starts[j + 1] : o.l4;
                CHECK(res == NULL);
                res = feed(t, &o, o.b, starts[j], e, j + 1 < n, 77 + (uint32_t)k, 1000, &len);
            }
            CHECK(res && same_as_orig(&o, res, len));
        }
        const struct frag_stats *st = frag_stats(t);
        CHECK_EQ(st->fragments, 9);
        CHECK_EQ(st->reassembled, 3);
        CHECK_EQ(st->in_flight, 0);
        CHECK_EQ(st->bytes, 0);
        frag_free(t);
    }
}

/* Duplicates and identical overlaps (refragmentation) are accepted. */
static void t_benign_overlap(void)
{
    for (int v = 4; v <= 6; v += 2) {
        struct orig o;
        make_orig(&o, v, 2);
        struct config c = cfg_default();
        frag_table *t = frag_new(&c, 2);
        size_t len = 0;
        CHECK(!feed(t, &o, o.b, 0, 1600, true, 5, 0, &len));
        CHECK(!feed(t, &o, o.b, 0, 1600, true, 5, 0, &len));        /* exact duplicate */
        CHECK(!feed(t, &o, o.b, 800, 2400, true, 5, 0, &len));      /* half overlapping */
        const uint8_t *res = feed(t, &o, o.b, 2400, o.l4, false, 5, 0, &len);
        CHECK(res && same_as_orig(&o, res, len));
        CHECK_EQ(frag_stats(t)->overlap_same, 2);
        CHECK_EQ(frag_stats(t)->overlap_conflict, 0);
        frag_free(t);
    }
}

/* Overlap with different bytes: the datagram is dropped, the rest swallowed. */
static void t_conflict(void)
{
    for (int v = 4; v <= 6; v += 2) {
        struct orig o, forged;
        make_orig(&o, v, 3);
        forged = o;
        for (size_t i = 1000; i < 1100; i++) forged.b[o.unfrag + i] ^= 0x55;
        struct config c = cfg_default();
        frag_table *t = frag_new(&c, 3);
        size_t len = 0;
        CHECK(!feed(t, &o, o.b, 0, 1600, true, 9, 0, &len));
        CHECK(!feed(t, &o, forged.b, 800, 2400, true, 9, 0, &len));   /* rewrites 1000..1100 */
        CHECK(!feed(t, &o, o.b, 2400, o.l4, false, 9, 0, &len));
        CHECK(!feed(t, &o, o.b, 1600, 2400, true, 9, 0, &len));
        const struct frag_stats *st = frag_stats(t);
        CHECK_EQ(st->overlap_conflict, 1);
        CHECK_EQ(st->dropped_fragments, 2);
        CHECK_EQ(st->reassembled, 0);
        CHECK_EQ(st->in_flight, 1);   /* the record that swallows the rest */
        frag_expire(t, (uint64_t)c.frag_timeout * 1000000u + 1);
        CHECK_EQ(st->in_flight, 0);
        CHECK_EQ(st->timeout, 0);     /* already counted as a conflict */
        CHECK_EQ(st->bytes, 0);
        frag_free(t);
    }
}

static void t_attack_shapes(void)
{
    struct orig o;
    make_orig(&o, 4, 4);
    struct config c = cfg_default();
    c.frag_max_fragments = 4;
    frag_table *t = frag_new(&c, 4);
    const struct frag_stats *st = frag_stats(t);
    size_t len = 0;

    /* tiny: non-last fragments of 16 bytes, counted once, reassembled */
    CHECK(!feed(t, &o, o.b, 0, 16, true, 1, 0, &len));
    CHECK(!feed(t, &o, o.b, 16, 32, true, 1, 0, &len));
    CHECK_EQ(st->tiny, 1);
    const uint8_t *res = feed(t, &o, o.b, 32, o.l4, false, 1, 0, &len);
    CHECK(res && same_as_orig(&o, res, len));
    CHECK_EQ(st->reassembled, 1);
    /* too many fragments: 5 of 128 bytes with max 4 */
    for (size_t i = 0; i < 5; i++) CHECK(!feed(t, &o, o.b, i * 128, i * 128 + 128, true, 2, 0, &len));
    CHECK_EQ(st->too_many, 1);
    /* inconsistent: two different ends */
    CHECK(!feed(t, &o, o.b, 1200, 1600, false, 3, 0, &len));
    CHECK(!feed(t, &o, o.b, 1600, 2000, false, 3, 0, &len));
    CHECK_EQ(st->inconsistent, 1);
    /* data past the end */
    CHECK(!feed(t, &o, o.b, 800, 1600, false, 4, 0, &len));
    CHECK(!feed(t, &o, o.b, 1600, 2400, true, 4, 0, &len));
    CHECK_EQ(st->inconsistent, 2);
    /* never completed: a hole */
    CHECK(!feed(t, &o, o.b, 0, 800, true, 5, 0, &len));
    CHECK(!feed(t, &o, o.b, 1600, o.l4, false, 5, 0, &len));
    CHECK_EQ(st->reassembled, 1);
    CHECK(st->bytes > 0);
    frag_expire(t, (uint64_t)c.frag_timeout * 1000000u + 1);
    CHECK_EQ(st->timeout, 1);
    CHECK_EQ(st->in_flight, 0);
    CHECK_EQ(st->bytes, 0);
    frag_free(t);

    /* too big */
    c = cfg_default();
    c.frag_max_bytes = 2000;
    t = frag_new(&c, 5);
    st = frag_stats(t);
    CHECK(!feed(t, &o, o.b, 0, 1600, true, 6, 0, &len));
    CHECK(!feed(t, &o, o.b, 1600, o.l4, false, 6, 0, &len));
    CHECK_EQ(st->too_big, 1);
    frag_free(t);
}

/* Bounded memory: datagrams in flight and bytes buffered stay under the caps. */
static void t_caps(void)
{
    struct orig o;
    make_orig(&o, 4, 5);
    struct config c = cfg_default();
    c.frag_max_datagrams = 4;
    c.frag_max_total = 40000;
    frag_table *t = frag_new(&c, 6);
    const struct frag_stats *st = frag_stats(t);
    size_t len = 0;
    for (uint32_t id = 0; id < 50; id++) {
        CHECK(!feed(t, &o, o.b, 0, 1600, true, id, id, &len));   /* first halves only */
        CHECK(st->in_flight <= 4);
        CHECK(st->bytes <= 40000);
    }
    CHECK_EQ(st->evicted, 46);
    /* the newest ones are still there and complete */
    const uint8_t *res = feed(t, &o, o.b, 1600, o.l4, false, 49, 60, &len);
    CHECK(res && same_as_orig(&o, res, len));
    frag_free(t);
}

/* Two tenants (tunnel ids) with the same addresses and id: two datagrams. */
static void t_tunnel_key(void)
{
    struct orig a, b;
    make_orig(&a, 4, 6);
    make_orig(&b, 4, 7);
    struct config c = cfg_default();
    frag_table *t = frag_new(&c, 7);
    uint8_t frame[4200];
    struct pkt p;
    const uint8_t *res = NULL;
    size_t len = 0;
    int done = 0;
    for (int part = 0; part < 2; part++) {
        for (int who = 0; who < 2; who++) {
            const struct orig *o = who ? &b : &a;
            size_t s = part ? 1600 : 0, e = part ? o->l4 : 1600;
            size_t n = frag_frame(o, o->b, s, e, part == 0, 1, frame);
            CHECK_EQ(decode_packet(DLT_EN10MB, frame, n, n, &p), DEC_FRAGMENT);
            p.tunnel_type = TUN_VXLAN;
            p.tunnel_id = p.tenant_id = 100 + (uint32_t)who;
            res = frag_add(t, &p, 0, &len);
            if (part == 1) {
                CHECK(res && same_as_orig(o, res, len));
                done++;
            } else {
                CHECK(!res);
            }
        }
    }
    CHECK_EQ(done, 2);
    CHECK_EQ(frag_stats(t)->overlap_conflict, 0);
    frag_free(t);
}

/* Random fragment sets, some overlapping with forged bytes: whatever comes
 * out must be the first-wins reassembly, and nothing must come out when a
 * forged overlap disagreed with bytes already held. */
static void t_first_wins_random(void)
{
    uint32_t rng = 99;
#define RND(n) ((rng = rng * 1103515245u + 12345u), (size_t)((rng >> 8) % (n)))
    struct orig o, forged;
    make_orig(&o, 4, 8);
    forged = o;
    for (size_t i = o.unfrag; i < o.n; i++) forged.b[i] ^= 0xa5;
    struct config c = cfg_default();
    c.frag_min_size = 8;
    int completed = 0, conflicts = 0;
    for (int trial = 0; trial < 300; trial++) {
        /* a cover of [0, l4) in random pieces, plus random extra pieces (a
         * third of them forged), all shuffled */
        struct piece { size_t s, e; bool forged; } pc[64];
        size_t np = 0, units = o.l4 / 8;
        for (size_t s = 0; s < o.l4;) {
            size_t e = s + 8 * (1 + RND(250));
            if (e > o.l4) e = o.l4;
            pc[np++] = (struct piece){ s, e, false };
            s = e;
        }
        for (size_t k = RND(4); k > 0; k--) {
            size_t s = RND(units) * 8, e = s + 8 * (1 + RND(200));
            if (e >= o.l4) continue;   /* extras are never the last fragment */
            pc[np++] = (struct piece){ s, e, RND(3) == 0 };
        }
        for (size_t i = np; i > 1; i--) {
            size_t j = RND(i);
            struct piece tmp = pc[i - 1]; pc[i - 1] = pc[j]; pc[j] = tmp;
        }
        frag_table *t = frag_new(&c, (uint64_t)trial);
        uint8_t ref[4096];
        bool have[4096] = { false };
        bool conflict = false;
        for (size_t k = 0; k < np; k++) {
            size_t s = pc[k].s, e = pc[k].e;
            bool last = e == o.l4;
            const uint8_t *src = pc[k].forged ? forged.b : o.b;
            /* reference: first wins, and note a disagreement */
            for (size_t i = s; i < e; i++) {
                uint8_t byte = src[o.unfrag + i];
                if (!have[i]) { have[i] = true; ref[i] = byte; }
                else if (ref[i] != byte) conflict = true;
            }
            size_t len = 0;
            const uint8_t *res = feed(t, &o, src, s, e, !last, 1, 0, &len);
            if (res) {
                completed++;
                CHECK(!conflict);
                CHECK_EQ(len, o.n);
                CHECK(len == o.n && memcmp(res + o.unfrag, ref, o.l4) == 0);
                break;
            }
        }
        if (conflict) conflicts++;
        frag_free(t);
    }
    CHECK(completed > 10);    /* the test did exercise completions */
    CHECK(conflicts > 10);    /* and conflicts */
#undef RND
}

int main(void)
{
    RUN(t_orders);
    RUN(t_benign_overlap);
    RUN(t_conflict);
    RUN(t_attack_shapes);
    RUN(t_caps);
    RUN(t_tunnel_key);
    RUN(t_first_wins_random);
    return test_done();
}
