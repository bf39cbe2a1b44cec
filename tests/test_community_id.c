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
    /* ICMP echo: type 8, counterpart type 0 passed as the ports. */
    CHECK_STR(cid(4, 1, "1.2.3.4", 8, "5.6.7.8", 0, 0), "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
    CHECK_STR(cid(4, 1, "1.2.3.4", 8, "5.6.7.8", 0, 1), "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=");
    CHECK_STR(cid(6, 58, "fe80:1:203:405:607:809:a0b:c0d", 128, "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", 129, 0),
              "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
    CHECK_STR(cid(6, 58, "fe80:1:203:405:607:809:a0b:c0d", 128, "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", 129, 1),
              "1:IO27GQzPuCtNnwFvjWALMHu5tJE=");
}

/* Both directions of a flow give one ID; equal addresses order by port. */
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
    RUN(t_symmetry);
    RUN(t_bad_args);
    return test_done();
}
