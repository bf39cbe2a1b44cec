/* flowgen -- write a pcap of N concurrent TCP flows, fast.
 *   flowgen OUT.pcap N [PACKETS_PER_FLOW [http|redis|mongodb]]
 * Each flow (distinct client address and port, one server 10.255.0.1:80):
 * SYN, SYN/ACK, then a client segment with the first bytes of an HTTP request
 * (its head never ends, so the flow stays open, idle, awaiting more). With
 * PACKETS_PER_FLOW 1 only the SYN is written. All flows start within ten
 * seconds of capture time and none ends: at the end of the file every flow
 * is still in the table (unless --max-flows evicted it).
 * redis (server port 6379) and mongodb (27017): the client's segment is a
 * whole command (PING; an OP_MSG {ping: 1, $db: "admin"}), and with
 * PACKETS_PER_FLOW 4 the server answers it (+PONG; {ok: 1.0}): a pooled
 * connection, idle after one exchange. */
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
                  uint32_t seq, uint32_t ack, uint8_t flags, const void *payload, size_t plen)
{
    uint8_t b[128];
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
    if (argc < 3 || (argc > 4 && strcmp(argv[4], "http") && strcmp(argv[4], "redis") && strcmp(argv[4], "mongodb"))) {
        fprintf(stderr, "usage: flowgen OUT.pcap N [PACKETS_PER_FLOW [http|redis|mongodb]]\n");
        return 2;
    }
    const char *proto = argc > 4 ? argv[4] : "http";
    /* the client's segment and the server's answer of each protocol */
    static const uint8_t mongo_cmd[] = {
        51, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xdd, 0x07, 0, 0,          /* OP_MSG, requestID 1 */
        0, 0, 0, 0, 0,                                                  /* flags, section kind 0 */
        30, 0, 0, 0, 0x10, 'p', 'i', 'n', 'g', 0, 1, 0, 0, 0,           /* {ping: 1, */
        0x02, '$', 'd', 'b', 0, 6, 0, 0, 0, 'a', 'd', 'm', 'i', 'n', 0, 0 /* $db: "admin"} */
    };
    static const uint8_t mongo_reply[] = {
        38, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0xdd, 0x07, 0, 0,          /* OP_MSG, responseTo 1 */
        0, 0, 0, 0, 0,
        17, 0, 0, 0, 0x01, 'o', 'k', 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0  /* {ok: 1.0} */
    };
    const void *cmd = "GET /idle HTTP/1.1\r\nHost: x\r\n", *reply = NULL;
    size_t cmd_len = strlen(cmd), reply_len = 0;
    uint16_t sport = 80;
    if (!strcmp(proto, "redis")) {
        cmd = "*1\r\n$4\r\nPING\r\n", cmd_len = 14, reply = "+PONG\r\n", reply_len = 7, sport = 6379;
    } else if (!strcmp(proto, "mongodb")) {
        cmd = mongo_cmd, cmd_len = sizeof mongo_cmd, reply = mongo_reply, reply_len = sizeof mongo_reply;
        sport = 27017;
    }
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
        frame(f, ts, client, server, port, sport, cisn, 0, 0x02, NULL, 0);
        if (ppf < 2) continue;
        frame(f, ts, server, client, sport, port, sisn, cisn + 1, 0x12, NULL, 0);
        if (ppf < 3) continue;
        frame(f, ts, client, server, port, sport, cisn + 1, sisn + 1, 0x18, cmd, cmd_len);
        if (ppf < 4 || !reply) continue;
        frame(f, ts, server, client, sport, port, sisn + 1, cisn + 1 + (uint32_t)cmd_len, 0x18, reply, reply_len);
    }
    if (fclose(f) != 0) { perror(argv[1]); return 1; }
    return 0;
}
