/* pcapsend -- put a capture's Ethernet frames on an interface, as fast as
 * the kernel takes them (for live-capture measurements on a veth pair).
 *   pcapsend IFACE FILE     prints "sent N failed F"
 * Frames the interface refuses (longer than its MTU, say) are counted as
 * failed and skipped. Only DLT_EN10MB captures. */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: pcapsend IFACE FILE\n"); return 2; }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *in = pcap_open_offline(argv[2], err);
    if (!in) { fprintf(stderr, "pcapsend: %s\n", err); return 2; }
    if (pcap_datalink(in) != DLT_EN10MB) { fprintf(stderr, "pcapsend: %s is not Ethernet\n", argv[2]); return 2; }
    pcap_t *out = pcap_open_live(argv[1], 65535, 0, 100, err);
    if (!out) { fprintf(stderr, "pcapsend: %s\n", err); return 2; }
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t sent = 0, failed = 0;
    while (pcap_next_ex(in, &h, &d) == 1) {
        if (h->caplen >= 14 && pcap_inject(out, d, h->caplen) == (int)h->caplen) sent++;
        else failed++;
    }
    pcap_close(in);
    pcap_close(out);
    printf("sent %" PRIu64 " failed %" PRIu64 "\n", sent, failed);
    return 0;
}
