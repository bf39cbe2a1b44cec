/* test_netset.c -- CIDR lists: parse, lookup, IPv4/IPv6, mapped addresses. */
#include "test.h"
#include "netset.h"

#include <arpa/inet.h>

static bool in(const netset *ns, const char *addr)
{
    uint8_t a[16];
    if (inet_pton(AF_INET, addr, a) == 1) return netset_contains(ns, 4, a);
    if (inet_pton(AF_INET6, addr, a) == 1) return netset_contains(ns, 6, a);
    return false;
}

static void t_parse_lookup(void)
{
    netset *ns = netset_new();
    char err[128];
    CHECK_EQ(netset_parse(ns, "10.0.0.0/8, 192.168.1.0/24\t172.16.0.0/12,2001:db8::/32 198.51.100.7", err, sizeof err), 0);
    CHECK_EQ(netset_count(ns), 5);
    CHECK(in(ns, "10.255.1.2"));
    CHECK(in(ns, "192.168.1.200"));
    CHECK(!in(ns, "192.168.2.1"));
    CHECK(in(ns, "172.31.255.255"));
    CHECK(!in(ns, "172.32.0.0"));
    CHECK(in(ns, "198.51.100.7"));
    CHECK(!in(ns, "198.51.100.8"));
    CHECK(in(ns, "2001:db8:1234::1"));
    CHECK(!in(ns, "2001:db9::1"));
    CHECK(in(ns, "::ffff:10.1.2.3"));          /* IPv4-mapped IPv6 */
    CHECK(!in(ns, "::a01:203"));               /* IPv4-compatible is not mapped */
    CHECK(!netset_contains(ns, 5, (const uint8_t *)"abcd"));
    CHECK(!netset_contains(NULL, 4, (const uint8_t *)"abcd"));
    netset_free(ns);
    netset_free(NULL);
}

static void t_prefix_edges(void)
{
    netset *ns = netset_new();
    char err[128];
    CHECK_EQ(netset_add(ns, "10.1.2.3/15", err, sizeof err), 0);   /* host bits ignored */
    CHECK(in(ns, "10.0.0.1"));
    CHECK(in(ns, "10.1.255.255"));
    CHECK(!in(ns, "10.2.0.0"));
    CHECK_EQ(netset_add(ns, "fe80::1/10", err, sizeof err), 0);
    CHECK(in(ns, "febf::1"));
    CHECK(!in(ns, "fec0::1"));
    netset_free(ns);

    ns = netset_new();
    CHECK_EQ(netset_add(ns, "0.0.0.0/0", err, sizeof err), 0);     /* all IPv4, no IPv6 */
    CHECK(in(ns, "1.2.3.4"));
    CHECK(!in(ns, "2001:db8::1"));
    CHECK_EQ(netset_add(ns, "::/0", err, sizeof err), 0);
    CHECK(in(ns, "2001:db8::1"));
    netset_free(ns);

    ns = netset_new();
    CHECK_EQ(netset_add(ns, "private", err, sizeof err), 0);
    CHECK(in(ns, "127.0.0.1") && in(ns, "::1") && in(ns, "fd12::1") && in(ns, "100.64.0.1"));
    CHECK(!in(ns, "8.8.8.8") && !in(ns, "2606:4700::1"));
    netset_free(ns);
}

static void t_errors(void)
{
    netset *ns = netset_new();
    char err[128];
    const char *bad[] = { "10.0.0.0/33", "2001:db8::/129", "10.0.0/8", "10.0.0.0/", "10.0.0.0/x", "/8",
                          "host.example", "10.0.0.0/8/9", "10.0.0.0/-1", "" };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        CHECK_EQ(netset_add(ns, bad[i], err, sizeof err), -1);
        CHECK(err[0] != 0);
    }
    CHECK_EQ(netset_count(ns), 0);
    CHECK_EQ(netset_parse(ns, "10.0.0.0/8,bogus,192.168.0.0/16", err, sizeof err), -1);
    CHECK(strstr(err, "bogus") != NULL);
    CHECK_EQ(netset_count(ns), 1);             /* entries before the bad one stay */
    /* the cap */
    netset *big = netset_new();
    char e[32];
    int rc = 0;
    for (unsigned i = 0; i < NETSET_MAX && rc == 0; i++) {
        snprintf(e, sizeof e, "10.%u.%u.0/24", i / 256, i % 256);
        rc = netset_add(big, e, err, sizeof err);
    }
    CHECK_EQ(rc, 0);
    CHECK_EQ(netset_count(big), NETSET_MAX);
    CHECK_EQ(netset_add(big, "11.0.0.0/8", err, sizeof err), -1);
    CHECK(in(big, "10.15.255.1"));
    netset_free(big);
    netset_free(ns);
}

int main(void)
{
    RUN(t_parse_lookup);
    RUN(t_prefix_edges);
    RUN(t_errors);
    return test_done();
}
