/* pcap_loop -- the floor for `make bench`: a bare libpcap read loop.
 * Reads every packet of a capture with pcap_next_ex and touches nothing else.
 * Prints "packets N bytes B" (wire bytes) on stdout. */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: pcap_loop FILE\n"); return 2; }
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (!p) { fprintf(stderr, "pcap_loop: %s\n", err); return 2; }
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t n = 0, bytes = 0;
    unsigned sink = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        n++;
        bytes += h->len;
        sink += h->caplen ? d[0] : 0;
    }
    pcap_close(p);
    printf("packets %" PRIu64 " bytes %" PRIu64 " (%u)\n", n, bytes, sink & 1);
    return 0;
}
