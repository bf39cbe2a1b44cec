/* fuzz_decode.c -- libFuzzer target: the packet decoder, tunnels included
 * (VXLAN on 4789 and 8472, Geneve on 6081).
 *
 * Input: one byte choosing the link type, then the frame. The frame is copied
 * to an exact-size buffer so that any read past caplen is an ASan report; the
 * views decode_packet() fills must lie inside the frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"

static const int fz_decode_dlts[] = { 1, 0, 12, 101, 108, 113, 228, 229, 276 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int dlt = fz_decode_dlts[data[0] % (sizeof fz_decode_dlts / sizeof fz_decode_dlts[0])];
    size_t n = size - 1;
    uint8_t *frame = malloc(n ? n : 1);
    if (!frame) return 0;
    memcpy(frame, data + 1, n);
    struct pkt pkt;
    memset(&pkt, 0, sizeof pkt);
    /* The wire length may exceed the capture (snaplen): take it from the top bits. */
    size_t wire = n + (data[0] >> 4) * 100u;
    struct decode_opts opts;
    decode_opts_default(&opts);
    opts.vxlan_ports[0] = 4789;
    opts.vxlan_ports[1] = 8472;
    opts.n_vxlan_ports = 2;
    opts.geneve_port = 6081;
    enum decode_reason r = (data[0] & 8) ? decode_packet(dlt, frame, n, wire, &pkt)
                                         : decode_frame(&opts, dlt, frame, n, wire, &pkt);
    (void)decode_reason_name(r);
    if (pkt.payload && pkt.payload_len) {
        if (pkt.payload < frame || pkt.payload + pkt.payload_len > frame + n) abort();
        volatile uint8_t sink = 0;
        for (size_t i = 0; i < pkt.payload_len; i++) sink ^= pkt.payload[i];
        (void)sink;
    }
    if (pkt.l3 && pkt.l3_len) {
        if (pkt.l3 < frame || pkt.l3 + pkt.l3_len > frame + n) abort();
    }
    free(frame);
    return 0;
}
