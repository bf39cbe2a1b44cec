/* test_decode_robust.c -- decode_packet() against damaged and real input.
 *
 * Valid frames cut at every length and randomly damaged must always decode to
 * a self-consistent result (and under ASan never read past the exact-size
 * buffer); real captures from ../shared/pcaps must decode without a crash and
 * give the TCP payload byte counts tshark gives.
 */
#include "test.h"
#include "decode.h"
#include "decode_frames.h"
#include "limits.h"

#include <pcap/pcap.h>

/* ---- truncation at every length, and random damage ---- */

struct sample {
    const char *name;
    int dlt;
    struct fb f;
};

/* A set of valid TCP/UDP frames over every link type and header variety. */
static size_t make_samples(struct sample *s)
{
    size_t n = 0, l3, pl, u;
    struct fb *f;

#define NEXT(nm, d) (s[n].name = (nm), s[n].dlt = (d), s[n].f.n = 0, f = &s[n++].f)
    NEXT("eth-v4-tcp", DLT_EN10MB); eth(f, 0x0800); build_v4_tcp(f, &l3, &pl);
    NEXT("qinq-v4-tcp", DLT_EN10MB); eth(f, 0x88a8); vlan_tag(f, 1, 7, 0x8100);
    vlan_tag(f, 2, 8, 0x9100); vlan_tag(f, 3, 9, 0x0800); build_v4_tcp(f, &l3, &pl);
    NEXT("eth-v4opt-tcpopt", DLT_EN10MB); eth(f, 0x0800); l3 = ip4(f, 6, 12, 0);
    tcp(f, 1, 2, 3, 4, TCPF_ACK, 9, 20); putstr(f, HTTP_REQ); ip4_end(f, l3);
    NEXT("eth-v4-syn-padded", DLT_EN10MB); eth(f, 0x0800); l3 = ip4(f, 6, 0, 0);
    tcp(f, 1, 2, 3, 4, TCPF_SYN, 9, 0); ip4_end(f, l3); fill(f, 0, 6);
    NEXT("eth-v4-udp-padded", DLT_EN10MB); eth(f, 0x0800); l3 = ip4(f, 17, 0, 0);
    u = udp(f, 53, 5353); putstr(f, "dns"); udp_end(f, u); ip4_end(f, l3); fill(f, 0, 15);
    NEXT("eth-v6-ext-tcp", DLT_EN10MB); eth(f, 0x86dd); l3 = ip6(f, 0); ip6_ext(f, 44, 1);
    ip6_frag(f, 51, 0, false); ip6_ah(f, 6, 1); tcp(f, 1, 2, 3, 4, TCPF_FIN, 9, 4);
    putstr(f, HTTP_REQ); ip6_end(f, l3);
    NEXT("eth-v6-udp", DLT_EN10MB); eth(f, 0x86dd); l3 = ip6(f, 17); u = udp(f, 1, 2);
    putstr(f, "hello"); udp_end(f, u); ip6_end(f, l3);
    NEXT("sll-v4-tcp", DLT_LINUX_SLL); sll(f, 0x0800); build_v4_tcp(f, &l3, &pl);
    NEXT("sll2-v6-tcp", DLT_LINUX_SLL2); sll2(f, 0x86dd); l3 = ip6(f, 6);
    tcp(f, 1, 2, 3, 4, TCPF_RST, 0, 0); putstr(f, "x"); ip6_end(f, l3);
    NEXT("null-v4-tcp", DLT_NULL); putle32(f, 2); build_v4_tcp(f, &l3, &pl);
    NEXT("loop-v6-udp", DLT_LOOP); put32(f, 30); l3 = ip6(f, 17); u = udp(f, 1, 2);
    putstr(f, "q"); udp_end(f, u); ip6_end(f, l3);
    NEXT("raw-v4-tcp", 12); build_v4_tcp(f, &l3, &pl);
    NEXT("raw-v6-tcp", DLT_IPV6); l3 = ip6(f, 60); ip6_ext(f, 6, 1);
    tcp(f, 1, 2, 3, 4, TCPF_URG, 9, 0); putstr(f, "abcdef"); ip6_end(f, l3);
#undef NEXT
    return n;
}

static bool same_fields(const struct pkt *a, const struct pkt *b)
{
    return a->ip_version == b->ip_version && a->l4proto == b->l4proto &&
           !memcmp(a->src, b->src, 16) && !memcmp(a->dst, b->dst, 16) &&
           a->n_vlan == b->n_vlan && !memcmp(a->vlan, b->vlan, sizeof a->vlan) &&
           a->sport == b->sport && a->dport == b->dport && a->seq == b->seq &&
           a->ack == b->ack && a->window == b->window && a->tcp_flags == b->tcp_flags &&
           a->wire_payload_len == b->wire_payload_len;
}

/* Cut each sample at every length 0..full. The headers are complete exactly
 * when cut >= the payload offset: below that decode must refuse, at or above
 * it must succeed with the same fields and the captured part of the payload. */
static void t_truncate_every_length(void)
{
    static struct sample s[32];
    size_t ns = make_samples(s);
    for (size_t i = 0; i < ns; i++) {
        const struct fb *f = &s[i].f;
        uint8_t *full = dup_n(f, f->n);
        struct pkt ref;
        enum decode_reason rr = decode_packet(s[i].dlt, full, f->n, f->n, &ref);
        if (rr != DEC_OK) printf("# %s: %s\n", s[i].name, decode_reason_name(rr));
        CHECK_EQ(rr, DEC_OK);
        CHECK(!ref.truncated);
        if (rr != DEC_OK) { free(full); continue; }
        size_t pl_off = (size_t)(ref.payload - full);
        size_t pl_end = pl_off + ref.payload_len;

        for (size_t cut = 0; cut <= f->n; cut++) {
            uint8_t *buf = dup_n(f, cut);
            struct pkt o;
            enum decode_reason r = decode_packet(s[i].dlt, buf, cut, f->n, &o);
            CHECK(consistent(r, buf, cut, &o));
            if (cut < pl_off) {
                CHECK(r != DEC_OK);
            } else {
                CHECK_EQ(r, DEC_OK);
                if (r == DEC_OK) {
                    CHECK(same_fields(&o, &ref));
                    CHECK(o.payload == buf + pl_off);
                    CHECK_EQ(o.payload_len, (cut < pl_end ? cut : pl_end) - pl_off);
                    CHECK_EQ(o.truncated, cut < pl_end);
                }
            }
            free(buf);
        }
        free(full);
    }
}

/* Deterministic random damage: flip bytes, cut anywhere; every result must be
 * consistent, and ASan must stay quiet. */
static void t_random_damage(void)
{
    static struct sample s[32];
    size_t ns = make_samples(s);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    unsigned ok = 0, total = 0;
    for (size_t i = 0; i < ns; i++) {
        for (int it = 0; it < 3000; it++) {
            struct fb f = s[i].f;
            int flips = 1 + (int)(x % 4);
            for (int k = 0; k < flips; k++) {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                f.b[x % f.n] = (uint8_t)(x >> 32);
            }
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            size_t cut = (x >> 40) % 4 ? f.n : (size_t)(x % (f.n + 1));
            uint8_t *buf = dup_n(&f, cut);
            struct pkt o;
            enum decode_reason r = decode_packet(s[i].dlt, buf, cut, f.n, &o);
            CHECK(consistent(r, buf, cut, &o));
            ok += r == DEC_OK;
            total++;
            free(buf);
        }
    }
    /* Most single-byte hits land in payload or don't-care fields. */
    CHECK(ok > total / 4);
    CHECK(ok < total);
}

/* ---- real captures ---- */

/* The shared captures: $BW_PCAPS if set, else ../shared/pcaps from the repo
 * root (../../shared/pcaps from a worktree under wt/). NULL when absent. */
static const char *pcap_dir(void)
{
    const char *dirs[] = { getenv("BW_PCAPS"), "../shared/pcaps", "../../shared/pcaps" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (!dirs[i] || !*dirs[i]) continue;
        char probe[1024];
        if (snprintf(probe, sizeof probe, "%s/MANIFEST.tsv", dirs[i]) >= (int)sizeof probe) continue;
        FILE *fp = fopen(probe, "r");
        if (fp) { fclose(fp); return dirs[i]; }
    }
    return NULL;
}

/* TCP payload bytes of a file as tshark counted them (sum of tcp.len), from
 * the manifest, or -1 if the file is not listed. */
static long long manifest_tcp_bytes(const char *dir, const char *file)
{
    char path[512], line[8192];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir);
    FILE *fp = fopen(path, "r");
    if (!fp) return -1;
    long long v = -1;
    size_t fl = strlen(file);
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, file, fl) != 0 || line[fl] != '\t') continue;
        char *col = line;
        for (int i = 0; i < 16 && col; i++) {
            col = strchr(col, '\t');
            if (col) col++;
        }
        if (col) v = strtoll(col, NULL, 10);
        break;
    }
    fclose(fp);
    return v;
}

struct pcap_tally {
    unsigned long frames, tcp, udp, by_reason[DEC__COUNT];
    unsigned long long tcp_wire_bytes, tcp_cap_bytes;
    int dlt;
    bool inconsistent;
};

static int tally_file(const char *path, struct pcap_tally *t)
{
    char err[PCAP_ERRBUF_SIZE];
    memset(t, 0, sizeof *t);
    pcap_t *pc = pcap_open_offline(path, err);
    if (!pc) return -1;
    t->dlt = pcap_datalink(pc);
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
        struct pkt o;
        /* Exact-length copy so ASan sees over-reads here too. */
        uint8_t *buf = malloc(h->caplen ? h->caplen : 1);
        if (!buf) abort();
        memcpy(buf, data, h->caplen);
        enum decode_reason r = decode_packet(t->dlt, buf, h->caplen, h->len, &o);
        if (!consistent(r, buf, h->caplen, &o)) t->inconsistent = true;
        t->frames++;
        t->by_reason[r < DEC__COUNT ? r : 0]++;
        if (r == DEC_OK && o.l4proto == IPPROTO_TCP) {
            t->tcp++;
            t->tcp_wire_bytes += o.wire_payload_len;
            t->tcp_cap_bytes += o.payload_len;
        } else if (r == DEC_OK) {
            t->udp++;
        }
        free(buf);
    }
    pcap_close(pc);
    return 0;
}

/* HTTP captures over each link type: no crash, TCP found, and TCP payload
 * bytes equal to tshark's count from the manifest (no tunnels or fragments
 * in these, so every TCP segment is one we decode). */
static void t_real_captures(void)
{
    const char *dir = pcap_dir();
    if (!dir) { test_skip("../shared/pcaps absent"); return; }
    static const char *const files[] = {
        "scapy/test/pcaps/http_compressed.pcap",                              /* ether */
        "suricata-verify/tests/lua/lua-scflowvarget/input.pcap",              /* ether */
        "chrissanders-packets/http_ip4and6.pcapng",                           /* ether v4+v6 */
        "suricata-verify/tests/security-4710-01/input.pcap",                  /* sll */
        "ndpi/tests/cfgs/default/pcap/log4j-webapp-exploit.pcap",             /* sll */
        "suricata-verify/tests/decode-sll2-01/input.pcap",                    /* sll2 */
        "suricata-verify/tests/datasets-11-longstring/input.pcap",            /* null */
        "suricata-verify/tests/http-post-file/input.pcap",                    /* null v6 */
        "ndpi/tests/cfgs/default/pcap/http-crash-content-disposition.pcap",   /* raw */
        "zeek/testing/btest/Traces/http/basic-auth-with-colon.pcap",          /* ipv4 */
    };
    unsigned seen = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        struct pcap_tally t;
        if (tally_file(path, &t) != 0) { printf("# cannot open %s\n", path); CHECK(0); continue; }
        seen++;
        long long want = manifest_tcp_bytes(dir, files[i]);
        printf("# %-70s dlt %3d frames %4lu tcp %4lu bytes %llu (tshark %lld)\n", files[i], t.dlt,
               t.frames, t.tcp, t.tcp_wire_bytes, want);
        CHECK(decode_link_supported(t.dlt));
        CHECK(!t.inconsistent);
        CHECK(t.tcp > 0);
        CHECK(t.tcp_cap_bytes > 0);
        CHECK(want >= 0);
        CHECK_EQ(t.tcp_wire_bytes, (unsigned long long)want);
        CHECK_EQ(t.by_reason[DEC_UNSUPPORTED_LINK], 0);
    }
    CHECK(seen > 0);
}

/* Split a manifest row in place into at most max tab-separated columns. */
static int split_tabs(char *line, char **col, int max)
{
    int n = 0;
    line[strcspn(line, "\n")] = 0;
    while (n < max) {
        col[n++] = line;
        char *tab = strchr(line, '\t');
        if (!tab) break;
        *tab = 0;
        line = tab + 1;
    }
    return n;
}

static bool has_tag(const char *tags, const char *const *list)
{
    for (; *list; list++)
        if (strstr(tags, *list)) return true;
    return false;
}

/* Every capture in the folder (about 2,400 files, a second or two): every
 * frame decodes to a self-consistent result in an exact-size buffer; HTTP
 * captures on a supported link without tunnels yield TCP; and the TCP payload
 * byte count agrees with tshark's for nearly every file (tunnels, IP
 * fragments and deliberately broken crash-repro files make the difference;
 * BW_DECODE_SWEEP=verbose lists them). */
static void t_all_captures(void)
{
    static const char *const tunnels[] = { "gre", "vxlan", "erspan", "geneve", "mpls", "pppoe",
                                           "ip-in-ip", "gtp", "tunnel", "teredo", "frag", NULL };
    const char *dir = pcap_dir();
    if (!dir) { test_skip("../shared/pcaps absent"); return; }
    const char *verbose = getenv("BW_DECODE_SWEEP");
    bool list = verbose && strcmp(verbose, "verbose") == 0;
    char path[1024], line[8192];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir);
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    if (!fp) return;
    unsigned long files = 0, frames = 0, match = 0, differ = 0, http_files = 0;
    unsigned long reasons[DEC__COUNT] = { 0 };
    if (!fgets(line, sizeof line, fp)) line[0] = 0;   /* header row */
    while (fgets(line, sizeof line, fp)) {
        char *col[20];
        if (split_tabs(line, col, 20) < 19) continue;
        const char *file = col[0], *tags = col[11];
        long long tshark_tcp = strtoll(col[16], NULL, 10);
        long http_frames = strtol(col[18], NULL, 10);
        if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path) continue;
        struct pcap_tally t;
        if (tally_file(path, &t) != 0) continue;   /* unreadable ones are in ROBUSTNESS.tsv */
        files++;
        frames += t.frames;
        for (int r = 0; r < DEC__COUNT; r++) reasons[r] += t.by_reason[r];
        if (t.inconsistent) printf("# inconsistent result in %s\n", file);
        CHECK(!t.inconsistent);
        if (!decode_link_supported(t.dlt)) continue;
        if (http_frames > 0 && strstr(tags, "tcp") && !has_tag(tags, tunnels)) {
            http_files++;
            if (t.tcp == 0) printf("# no TCP in HTTP capture %s\n", file);
            CHECK(t.tcp > 0);
        }
        if (tshark_tcp == (long long)t.tcp_wire_bytes) {
            match++;
        } else {
            differ++;
            if (list) printf("# differ %s: ours %llu tshark %lld [%s]\n", file, t.tcp_wire_bytes, tshark_tcp, tags);
        }
    }
    fclose(fp);
    printf("# %lu files, %lu frames, %lu HTTP; tcp bytes match tshark in %lu, differ in %lu\n",
           files, frames, http_files, match, differ);
    for (int r = 0; r < DEC__COUNT; r++)
        printf("#   %-18s %lu\n", decode_reason_name((enum decode_reason)r), reasons[r]);
    CHECK(files > 0);
    CHECK(http_files > 0);
    CHECK(match * 100 >= (match + differ) * 95);
}

int main(void)
{
    RUN(t_truncate_every_length);
    RUN(t_random_damage);
    RUN(t_real_captures);
    RUN(t_all_captures);
    return test_done();
}
