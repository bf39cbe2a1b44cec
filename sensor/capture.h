/* capture.h -- packets in: libpcap offline (pcap, pcapng, stdin) and live.
 *
 * A thin layer over libpcap that turns its overloaded return codes into an
 * enum and keeps the handle's link type and drop statistics together.
 */
#ifndef BW_CAPTURE_H
#define BW_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

struct config;

typedef struct capture capture;

enum cap_status {
    CAP_PACKET = 0,   /* a frame was returned */
    CAP_TIMEOUT,      /* live: no packet within the read timeout */
    CAP_END,          /* offline: end of file */
    CAP_ERROR,        /* read error (message in capture_error) */
};

struct cap_frame {
    struct timeval ts;
    uint64_t ts_ns;            /* the same time in ns since the epoch (merge order) */
    const uint8_t *data;
    uint32_t caplen, wirelen;
    int dlt;                   /* this frame's link type (pcapng: per interface) */
    const char *input;         /* name of the file it came from (NULL live) */
};

/* Open a capture file ("-" = stdin). bpf may be NULL. NULL + err on failure. */
capture *capture_open_file(const char *path, const char *bpf, char *err, size_t errlen);

/* Open a live interface: promiscuous, cfg->snaplen, cfg->buffer_size, immediate
 * mode off, 100 ms read timeout so the caller can run timers. */
capture *capture_open_live(const char *iface, const struct config *cfg, char *err, size_t errlen);

enum cap_status capture_next(capture *c, struct cap_frame *out);

int capture_dlt(const capture *c);
const char *capture_name(const capture *c);
const char *capture_error(const capture *c);

/* Kernel/libpcap counters (live only; zero offline). */
void capture_drops(capture *c, uint64_t *received, uint64_t *dropped, uint64_t *ifdropped);

/* Make a blocked capture_next return (async-signal-safe). */
void capture_break(capture *c);

void capture_close(capture *c);

#endif
