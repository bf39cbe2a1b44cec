/* pcapmix -- concatenate Ethernet captures into one, K copies each, with the
 * IPv4/IPv6 addresses of copy k rewritten (so copies are distinct flows) and
 * timestamps rebased so the output runs forward in time.
 *
 *   pcapmix -o OUT -k COPIES FILE...
 *
 * This is how `make bench` builds its ~500 MB mix from the captures that
 * ../shared/pcaps/bench-inputs.txt lists (like `tcprewrite --seed=K` + mergecap).
 * Frames that are not Ethernet-framed IP are copied unchanged. */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Offset of the IP header in an Ethernet frame (after up to 2 VLAN tags), or 0. */
static size_t ip_offset(const u_char *d, size_t n, int *ver)
{
    size_t off = 12;
    for (int tags = 0; tags < 3; tags++) {
        if (n < off + 2) return 0;
        unsigned et = (unsigned)d[off] << 8 | d[off + 1];
        if (et == 0x8100 || et == 0x88a8 || et == 0x9100) { off += 4; continue; }
        if (et == 0x0800) { *ver = 4; return off + 2; }
        if (et == 0x86dd) { *ver = 6; return off + 2; }
        return 0;
    }
    return 0;
}

static void rewrite(u_char *d, size_t n, unsigned k)
{
    int ver = 0;
    size_t ip = ip_offset(d, n, &ver);
    if (!ip || !k) return;
    if (ver == 4 && n >= ip + 20) {
        /* second octet of both addresses: stays in the same /8 */
        d[ip + 13] ^= (u_char)k;
        d[ip + 17] ^= (u_char)k;
    } else if (ver == 6 && n >= ip + 40) {
        d[ip + 8 + 5] ^= (u_char)k;
        d[ip + 24 + 5] ^= (u_char)k;
    }
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    unsigned copies = 1;
    int c;
    while ((c = getopt(argc, argv, "o:k:")) != -1) {
        if (c == 'o') out = optarg;
        else if (c == 'k') copies = (unsigned)atoi(optarg);
        else { fprintf(stderr, "usage: pcapmix -o OUT -k COPIES FILE...\n"); return 2; }
    }
    if (!out || optind >= argc || copies < 1 || copies > 255) {
        fprintf(stderr, "usage: pcapmix -o OUT -k COPIES(1-255) FILE...\n");
        return 2;
    }
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
    pcap_dumper_t *dump = pcap_dump_open(dead, out);
    if (!dump) { fprintf(stderr, "pcapmix: %s\n", pcap_geterr(dead)); return 1; }
    static u_char buf[262144];
    double base = 1700000000.0;
    uint64_t total = 0, skipped_files = 0;
    for (unsigned k = 0; k < copies; k++) {
        for (int i = optind; i < argc; i++) {
            char err[PCAP_ERRBUF_SIZE];
            pcap_t *p = pcap_open_offline(argv[i], err);
            if (!p) { skipped_files++; continue; }
            if (pcap_datalink(p) != DLT_EN10MB) { pcap_close(p); skipped_files++; continue; }
            struct pcap_pkthdr *h;
            const u_char *d;
            double first = -1, last = base;
            while (pcap_next_ex(p, &h, &d) == 1) {
                double t = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
                if (first < 0) first = t;
                double nt = base + (t - first > 0 ? t - first : 0);
                if (nt > last) last = nt;
                struct pcap_pkthdr oh = *h;
                oh.ts.tv_sec = (time_t)nt;
                oh.ts.tv_usec = (suseconds_t)((nt - (double)(time_t)nt) * 1e6);
                size_t n = h->caplen > sizeof buf ? sizeof buf : h->caplen;
                memcpy(buf, d, n);
                oh.caplen = (bpf_u_int32)n;
                rewrite(buf, n, k);
                pcap_dump((u_char *)dump, &oh, buf);
                total++;
            }
            pcap_close(p);
            base = last + 1.0;
        }
    }
    pcap_dump_close(dump);
    pcap_close(dead);
    fprintf(stderr, "pcapmix: %" PRIu64 " packets written to %s (%" PRIu64 " inputs skipped)\n", total, out,
            skipped_files);
    return 0;
}
