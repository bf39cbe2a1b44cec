/* test_community_id.c -- Community ID v1 against the published vectors
 * (community-id-spec baseline, as also used by Zeek's and other implementations'
 * test suites). */
#include "test.h"
#include "community_id.h"

#include <arpa/inet.h>

static const char *cid(int v, uint8_t proto, const char *s, uint16_t sp, const char *d, uint16_t dp,
                       uint16_t seed)
{
    static char out[COMMUNITY_ID_LEN];
    uint8_t a[16], b[16];
    int af = v == 4 ? AF_INET : AF_INET6;
    if (inet_pton(af, s, a) != 1 || inet_pton(af, d, b) != 1) return "bad address";
    if (!community_id_v1(v, proto, a, b, sp, dp, seed, out, sizeof out)) return "failed";
    return out;
}

static void t_tcp_udp_vectors(void)
{
    CHECK_STR(cid(4, 6, "1.2.3.4", 1122, "5.6.7.8", 3344, 0), "1:wCb3OG7yAFWelaUydu0D+125CLM=");
    CHECK_STR(cid(4, 17, "1.2.3.4", 1122, "5.6.7.8", 3344, 0), "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=");
    CHECK_STR(cid(4, 6, "1.2.3.4", 1122, "5.6.7.8", 3344, 1), "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=");
    CHECK_STR(cid(4, 17, "1.2.3.4", 1122, "5.6.7.8", 3344, 1), "1:OShq+iKDAMVouh/4bMxB9Sz4amw=");
}

/* The spec README's example: the server has the smaller address, so the
 * endpoints are swapped before hashing. */
static void t_ordering_vector(void)
{
    CHECK_STR(cid(4, 6, "128.232.110.120", 34855, "66.35.250.204", 80, 0), "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
    CHECK_STR(cid(4, 6, "66.35.250.204", 80, "128.232.110.120", 34855, 0), "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
}

static void t_icmp_vectors(void)
{
    /* ICMP echo request (type 8, code 0) and its reply (type 0) share an ID */
    CHECK_STR(cid(4, 1, "1.2.3.4", 8, "5.6.7.8", 0, 0), "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
    CHECK_STR(cid(4, 1, "5.6.7.8", 0, "1.2.3.4", 0, 0), "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
    CHECK_STR(cid(4, 1, "1.2.3.4", 8, "5.6.7.8", 0, 1), "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=");
    CHECK_STR(cid(6, 58, "fe80:1:203:405:607:809:a0b:c0d", 128, "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", 129, 0),
              "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
    CHECK_STR(cid(6, 58, "fe80:1:203:405:607:809:a0b:c0d", 128, "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", 129, 1),
              "1:IO27GQzPuCtNnwFvjWALMHu5tJE=");
    /* the reply, given as type 129 code 0 from the other side */
    CHECK_STR(cid(6, 58, "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", 129, "fe80:1:203:405:607:809:a0b:c0d", 0, 0),
              "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
    /* a one-way type (3, destination unreachable) keeps its direction */
    char a[COMMUNITY_ID_LEN], b[COMMUNITY_ID_LEN];
    strcpy(a, cid(4, 1, "1.2.3.4", 3, "5.6.7.8", 1, 0));
    strcpy(b, cid(4, 1, "5.6.7.8", 3, "1.2.3.4", 1, 0));
    CHECK(strcmp(a, b) != 0);
    /* ...and hashes as (type, code): not what the echo pair gives */
    CHECK(strcmp(a, cid(4, 1, "1.2.3.4", 3, "5.6.7.8", 2, 0)) != 0);
}

/* Both directions of a flow give one ID; equal addresses order by port. */
/* The spec repository's baseline/baseline_deflt.json (seed 0), every row.
 * ICMP rows carry the type as sport and the code (or, for paired types, the
 * counterpart, which the mapping ignores the code for) as dport. */
static void t_spec_baseline(void)
{
    static const struct { uint8_t proto; const char *s, *d; uint16_t sp, dp; const char *want; } v[] = {
        { 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
        { 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
        { 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
        { 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
        { 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
        { 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
        { 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
        { 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
        { 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
        { 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
        { 1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
        { 1, "192.168.0.1", "192.168.0.89", 0, 8, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
        { 1, "10.0.0.1", "10.0.0.2", 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
        { 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
        { 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
        { 132, "192.168.170.8", "192.168.170.56", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
        { 132, "192.168.170.56", "192.168.170.8", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
        { 6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
        { 6, "66.35.250.204", "128.232.110.120", 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
        { 17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
        { 17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
        { 46, "10.1.12.1", "10.1.12.2", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
        { 46, "10.1.12.2", "10.1.12.1", 1234, 5678, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },   /* no ports: ignored */
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        int ver = strchr(v[i].s, ':') ? 6 : 4;
        const char *got = cid(ver, v[i].proto, v[i].s, v[i].sp, v[i].d, v[i].dp, 0);
        if (strcmp(got, v[i].want) != 0) fprintf(stderr, "row %zu: %s != %s\n", i, got, v[i].want);
        CHECK_STR(got, v[i].want);
    }
}

static void t_symmetry(void)
{
    char a[COMMUNITY_ID_LEN], b[COMMUNITY_ID_LEN];
    strcpy(a, cid(6, 6, "2001:db8::1", 443, "2001:db8::2", 50000, 7));
    strcpy(b, cid(6, 6, "2001:db8::2", 50000, "2001:db8::1", 443, 7));
    CHECK_STR(a, b);
    CHECK_EQ(strlen(a), 30);
    strcpy(a, cid(4, 6, "10.0.0.1", 80, "10.0.0.1", 5000, 0));
    strcpy(b, cid(4, 6, "10.0.0.1", 5000, "10.0.0.1", 80, 0));
    CHECK_STR(a, b);
    /* different seeds, different IDs */
    strcpy(a, cid(4, 6, "10.0.0.1", 80, "10.0.0.2", 5000, 0));
    strcpy(b, cid(4, 6, "10.0.0.1", 80, "10.0.0.2", 5000, 2));
    CHECK(strcmp(a, b) != 0);
}

static void t_bad_args(void)
{
    uint8_t a[4] = { 1, 2, 3, 4 }, b[4] = { 5, 6, 7, 8 };
    char out[COMMUNITY_ID_LEN];
    CHECK_EQ(community_id_v1(5, 6, a, b, 1, 2, 0, out, sizeof out), 0);
    CHECK_EQ(out[0], 0);
    CHECK_EQ(community_id_v1(4, 6, a, b, 1, 2, 0, out, 10), 0);
    CHECK_EQ(community_id_v1(4, 6, NULL, b, 1, 2, 0, out, sizeof out), 0);
    CHECK_EQ(community_id_v1(4, 6, a, b, 1, 2, 0, out, sizeof out), 30);
}

int main(void)
{
    RUN(t_tcp_udp_vectors);
    RUN(t_ordering_vector);
    RUN(t_icmp_vectors);
    RUN(t_spec_baseline);
    RUN(t_symmetry);
    RUN(t_bad_args);
    return test_done();
}
