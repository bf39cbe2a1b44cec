/* flowgen -- write a pcap of N concurrent TCP flows, fast.
 *   flowgen OUT.pcap N [PACKETS_PER_FLOW]
 * Each flow (distinct client address and port, one server 10.255.0.1:80):
 * SYN, SYN/ACK, then a client segment with the first bytes of an HTTP request
 * (its head never ends, so the flow stays open, idle, awaiting more). With
 * PACKETS_PER_FLOW 1 only the SYN is written. All flows start within ten
 * seconds of capture time and none ends: at the end of the file every flow
 * is still in the table (unless --max-flows evicted it). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

static uint16_t ip_csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2) s += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void frame(FILE *f, uint32_t ts_us, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                  uint32_t seq, uint32_t ack, uint8_t flags, const char *payload)
{
    uint8_t b[128];
    size_t plen = payload ? strlen(payload) : 0;
    size_t n = 14 + 20 + 20 + plen;
    memset(b, 0, 54);
    memcpy(b, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
    uint8_t *ip = b + 14, *tcp = ip + 20;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(40 + plen));
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, ip_csum(ip, 20));
    put16(tcp, sport);
    put16(tcp + 2, dport);
    put32(tcp + 4, seq);
    put32(tcp + 8, ack);
    tcp[12] = 0x50;
    tcp[13] = flags;
    put16(tcp + 14, 65535);
    if (plen) memcpy(tcp + 20, payload, plen);
    uint32_t hdr[4] = { 1700000000u + ts_us / 1000000u, ts_us % 1000000u, (uint32_t)n, (uint32_t)n };
    fwrite(hdr, sizeof hdr, 1, f);
    fwrite(b, n, 1, f);
}

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: flowgen OUT.pcap N [PACKETS_PER_FLOW]\n"); return 2; }
    FILE *f = fopen(argv[1], "wb");
    if (!f) { perror(argv[1]); return 1; }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    unsigned long nflows = strtoul(argv[2], NULL, 10);
    int ppf = argc > 3 ? atoi(argv[3]) : 3;
    uint32_t gh[6] = { 0xa1b2c3d4u, 2u | (4u << 16), 0, 0, 65535, 1 };
    fwrite(gh, sizeof gh, 1, f);
    const uint32_t server = 0x0aff0001u;
    for (unsigned long i = 0; i < nflows; i++) {
        uint32_t client = 0x0b000000u + (uint32_t)(i / 50);      /* 50 ports per client address */
        uint16_t port = (uint16_t)(10000 + i % 50);
        uint32_t ts = (uint32_t)(i * 10000000ull / (nflows ? nflows : 1));
        uint32_t cisn = (uint32_t)(i * 2654435761u), sisn = ~cisn;
        frame(f, ts, client, server, port, 80, cisn, 0, 0x02, NULL);
        if (ppf < 2) continue;
        frame(f, ts, server, client, 80, port, sisn, cisn + 1, 0x12, NULL);
        if (ppf < 3) continue;
        frame(f, ts, client, server, port, 80, cisn + 1, sisn + 1, 0x18, "GET /idle HTTP/1.1\r\nHost: x\r\n");
    }
    if (fclose(f) != 0) { perror(argv[1]); return 1; }
    return 0;
}
