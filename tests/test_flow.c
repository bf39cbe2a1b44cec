/* test_flow.c -- the flow table as it grows: it starts with a few thousand
 * buckets and doubles with the flows; every flow is found again, from either
 * side, across the doublings, and removal and eviction keep the chains whole. */
#include "test.h"
#include "config.h"
#include "decode.h"
#include "flow.h"
#include <netinet/in.h>
#include <string.h>

/* Flow k: 10.x.y.z:(1024 + k % 50000) -> 192.0.2.(k % 200):80, TCP. */
static void flow_pkt(struct pkt *p, uint32_t k, bool reverse)
{
    memset(p, 0, sizeof *p);
    p->ip_version = 4;
    p->l4proto = IPPROTO_TCP;
    uint8_t cli[4] = { 10, (uint8_t)(k >> 16), (uint8_t)(k >> 8), (uint8_t)k };
    uint8_t srv[4] = { 192, 0, 2, (uint8_t)(k % 200) };
    uint16_t cport = (uint16_t)(1024 + k % 50000), sport = 80;
    memcpy(reverse ? p->dst : p->src, cli, 4);
    memcpy(reverse ? p->src : p->dst, srv, 4);
    p->sport = reverse ? sport : cport;
    p->dport = reverse ? cport : sport;
    p->tcp_flags = reverse ? 0x12 : 0x02;   /* SYN-ACK / SYN */
}

static unsigned g_ended;
static void on_end(void *ctx, struct flow *f, enum flow_end why)
{
    (void)ctx; (void)f; (void)why;
    g_ended++;
}

static void t_grows_and_finds(void)
{
    struct config c;
    config_defaults(&c);
    flow_table *t = flow_table_new(&c, 7, on_end, NULL);
    enum { N = 100000 };   /* past the first 16,384 buckets: three doublings */
    struct flow **seen = calloc(N, sizeof *seen);
    struct pkt p;
    int dir;
    bool is_new;
    unsigned bad = 0;
    for (uint32_t k = 0; k < N; k++) {
        flow_pkt(&p, k, false);
        seen[k] = flow_table_get(t, &p, 1000 + k, &dir, &is_new);
        bad += !seen[k] || !is_new || dir != 0;
        if (k % 997 == 0) {   /* an earlier flow, found again mid-growth, from the other side */
            uint32_t j = k / 2;
            flow_pkt(&p, j, true);
            bad += flow_table_get(t, &p, 1000 + k, &dir, &is_new) != seen[j] || is_new || dir != 1;
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(flow_table_stats(t)->created, N);
    CHECK_EQ(flow_table_stats(t)->active, N);
    for (uint32_t k = 0; k < N; k++) {
        flow_pkt(&p, k, k & 1);
        bad += flow_table_get(t, &p, 200000, &dir, &is_new) != seen[k] || is_new || dir != (int)(k & 1);
    }
    CHECK_EQ(bad, 0);
    /* every other flow removed: the rest are still found, the removed are new */
    for (uint32_t k = 0; k < N; k += 2) flow_table_remove(t, seen[k]);
    CHECK_EQ(flow_table_stats(t)->active, N / 2);
    for (uint32_t k = 1; k < N; k += 2) {
        flow_pkt(&p, k, false);
        bad += flow_table_get(t, &p, 300000, &dir, &is_new) != seen[k] || is_new;
    }
    CHECK_EQ(bad, 0);
    flow_pkt(&p, 0, false);
    CHECK(flow_table_get(t, &p, 300001, &dir, &is_new) && is_new);
    CHECK_EQ(flow_table_stats(t)->created, N + 1);
    g_ended = 0;
    flow_table_end_all(t);
    CHECK_EQ(g_ended, N / 2 + 1);
    flow_table_free(t);
    free(seen);
}

/* --max-flows caps the table: past it the least recently seen flow ends. */
static void t_cap_evicts(void)
{
    struct config c;
    config_defaults(&c);
    c.max_flows = 20000;
    g_ended = 0;
    flow_table *t = flow_table_new(&c, 9, on_end, NULL);
    struct pkt p;
    int dir;
    bool is_new;
    for (uint32_t k = 0; k < 50000; k++) {
        flow_pkt(&p, k, false);
        CHECK(flow_table_get(t, &p, 1000 + k, &dir, &is_new) != NULL);
    }
    CHECK_EQ(flow_table_stats(t)->active, 20000);
    CHECK_EQ(g_ended, 30000);
    unsigned found = 0;
    for (uint32_t k = 30000; k < 50000; k++) {   /* the newest 20,000 are the ones left */
        flow_pkt(&p, k, true);
        found += flow_table_get(t, &p, 100000, &dir, &is_new) && !is_new;
    }
    CHECK_EQ(found, 20000);
    flow_table_free(t);
}

int main(void)
{
    RUN(t_grows_and_finds);
    RUN(t_cap_evicts);
    return test_done();
}
