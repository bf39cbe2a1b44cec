/* test_dedup.c -- duplicate suppression (sensor/dedup.c).
 *
 * Datagrams are built with the decode_frames.h builders; the "second copy"
 * of each is the same bytes with what a router changes (TTL / hop limit,
 * IPv4 checksum) altered, as a second mirrored port would see it. Checks:
 * copies within the window are duplicates, anything else (another IP id,
 * one payload byte, outside the window) is not, and thousands of distinct
 * packets give no false duplicate.
 */
#include "test.h"
#include "config.h"
#include "decode_frames.h"
#include "dedup.h"

static size_t v4_pkt(uint8_t *out, unsigned id, unsigned ttl, const char *payload)
{
    struct fb f = { .n = 0 };
    size_t l3 = ip4(&f, IPPROTO_TCP, 0, 0x4000);
    set16(&f, l3 + 4, id);
    f.b[l3 + 8] = (uint8_t)ttl;
    set16(&f, l3 + 10, ttl * 257);   /* the checksum changes with the TTL */
    tcp(&f, 1234, 80, 1, 2, TCPF_ACK | TCPF_PSH, 100, 0);
    putstr(&f, payload);
    ip4_end(&f, l3);
    memcpy(out, f.b, f.n);
    return f.n;
}

static size_t v6_pkt(uint8_t *out, unsigned hop, uint32_t seq)
{
    struct fb f = { .n = 0 };
    size_t l3 = ip6(&f, IPPROTO_TCP);
    f.b[l3 + 7] = (uint8_t)hop;
    tcp(&f, 1234, 80, seq, 2, TCPF_ACK, 100, 0);
    putstr(&f, "data");
    ip6_end(&f, l3);
    memcpy(out, f.b, f.n);
    return f.n;
}

static dedup *new_ring(uint32_t size, uint32_t window_ms)
{
    struct config c;
    config_defaults(&c);
    c.dedup_size = size;
    c.dedup_window_ms = window_ms;
    return dedup_new(&c, 42);
}

static void t_copies(void)
{
    dedup *d = new_ring(1024, 10);
    uint8_t a[512], b[512];
    size_t na = v4_pkt(a, 7, 64, "GET / HTTP/1.1\r\n\r\n");
    size_t nb = v4_pkt(b, 7, 63, "GET / HTTP/1.1\r\n\r\n");   /* one router hop later */
    CHECK(!dedup_seen(d, a, na, 1000));
    CHECK(dedup_seen(d, b, nb, 1500));
    CHECK(dedup_seen(d, a, na, 2000));          /* a third copy, still in the window */
    /* another id, one payload byte: different packets */
    nb = v4_pkt(b, 8, 64, "GET / HTTP/1.1\r\n\r\n");
    CHECK(!dedup_seen(d, b, nb, 2500));
    nb = v4_pkt(b, 7, 64, "GET / HTTP/1.0\r\n\r\n");
    CHECK(!dedup_seen(d, b, nb, 2500));
    /* IPv6: the hop limit does not matter, the sequence number does */
    size_t n6 = v6_pkt(a, 64, 100);
    CHECK(!dedup_seen(d, a, n6, 3000));
    n6 = v6_pkt(a, 60, 100);
    CHECK(dedup_seen(d, a, n6, 3100));
    n6 = v6_pkt(a, 60, 101);
    CHECK(!dedup_seen(d, a, n6, 3200));
    /* not IP: never a duplicate, not counted */
    uint64_t checked = dedup_stats(d)->checked;
    static const uint8_t junk[10] = { 0x45 };
    CHECK(!dedup_seen(d, junk, sizeof junk, 3300));
    CHECK(!dedup_seen(d, junk, sizeof junk, 3300));
    CHECK_EQ(dedup_stats(d)->checked, checked);
    CHECK_EQ(dedup_stats(d)->duplicates, 3);
    dedup_free(d);
    dedup_free(NULL);
}

static void t_window(void)
{
    dedup *d = new_ring(1024, 10);
    uint8_t a[512];
    size_t n = v4_pkt(a, 9, 64, "x");
    CHECK(!dedup_seen(d, a, n, 1000000));
    CHECK(!dedup_seen(d, a, n, 1000000 + 10001));   /* just outside: a new packet */
    CHECK(dedup_seen(d, a, n, 1000000 + 15000));    /* ... whose copy follows */
    /* copies of merged captures may come slightly out of time order */
    CHECK(dedup_seen(d, a, n, 1000000 + 9000));
    CHECK_EQ(dedup_stats(d)->duplicates, 2);
    dedup_free(d);
}

/* Many distinct packets: no false duplicate; a recent one is still caught. */
static void t_many(void)
{
    dedup *d = new_ring(256, 1000);
    uint8_t a[512];
    uint64_t now = 0;
    for (unsigned i = 0; i < 20000; i++) {
        size_t n = v4_pkt(a, i & 0xffff, 64, i < 10000 ? "first half" : "second half");
        CHECK(!dedup_seen(d, a, n, now));
        now += 10;
    }
    CHECK_EQ(dedup_stats(d)->duplicates, 0);
    unsigned caught = 0;
    for (unsigned i = 19990; i < 20000; i++) {
        size_t n = v4_pkt(a, i & 0xffff, 65, "second half");
        caught += dedup_seen(d, a, n, now);
    }
    CHECK_EQ(caught, 10);
    dedup_free(d);
}

int main(void)
{
    RUN(t_copies);
    RUN(t_window);
    RUN(t_many);
    return test_done();
}
