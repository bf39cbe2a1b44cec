/* capture.h -- packets in: capture files (pcap, pcapng, stdin) and live.
 *
 * Files are read by our own reader (pcapfile.c: pcapng with several link
 * types, nanosecond times, pcapng on stdin); live interfaces by libpcap. A
 * BPF filter is compiled by libpcap for each link type met and applied to
 * every frame. The layer turns return codes into an enum and keeps the link
 * type and drop statistics together.
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

/* Open a capture file ("-" = stdin), pcap or pcapng. bpf may be NULL; it
 * must compile for the file's first link type ("bad filter '...': ...").
 * bufsize is the read buffer of this input (0 = 1 MB; smaller lets many
 * inputs be open at once). NULL + one line in err ("cannot read X: ...") on
 * failure. The caller frees with capture_close. */
capture *capture_open_file_buf(const char *path, const char *bpf, size_t bufsize, char *err, size_t errlen);
/* The same with a 1 MB buffer. */
capture *capture_open_file(const char *path, const char *bpf, char *err, size_t errlen);

/* Open a live interface: promiscuous, cfg->snaplen, cfg->buffer_size, immediate
 * mode off, 100 ms read timeout so the caller can run timers. */
capture *capture_open_live(const char *iface, const struct config *cfg, char *err, size_t errlen);

/* Join a live capture's socket to an AF_PACKET fanout group (the kernel's
 * symmetric flow hash; IPv4 fragments reassembled for the choice). *group 0:
 * a new group whose id the kernel picks, stored in *group for the other
 * sockets. -1 + one line in err when the kernel refuses. */
int capture_fanout_join(capture *c, unsigned *group, char *err, size_t errlen);

/* The next frame that passes the filter; out->data is valid until the next
 * call. A file that ends inside a record gives CAP_END after its last whole
 * frame, and capture_truncated() says so. A frame whose link type the filter
 * cannot be compiled for cannot match it and is skipped. */
enum cap_status capture_next(capture *c, struct cap_frame *out);

/* The link type of the first interface (files: of the first IDB / the header). */
int capture_dlt(const capture *c);
/* True once a file ended inside a record (a truncated capture);
 * capture_error then says where. Always false live. */
bool capture_truncated(const capture *c);
const char *capture_name(const capture *c);
/* After capture_next gave st: a read that stopped on an error, or a file
 * cut inside a record, is said (a warning) and true (one read error). */
bool capture_end_said(const capture *c, enum cap_status st);
/* A file's path as given; NULL for stdin and live. */
const char *capture_path(const capture *c);
/* A file opened again, reading from its start on its own: the same file as
 * c even when it was deleted, renamed or replaced since c was opened (through
 * /proc/self/fd; by its path where there is no /proc). Same name, path and
 * filter; bufsize as in capture_open_file_buf. NULL + err for stdin and
 * live, or when it cannot be opened. */
capture *capture_reopen(const capture *c, size_t bufsize, char *err, size_t errlen);
/* A regular file's size now (of the file c reads, not of what its path
 * names now); -1 for stdin, pipes and live. */
int64_t capture_file_size(const capture *c);
/* Files: read no more than the first bytes of it (see pcapfile_limit). */
void capture_limit(capture *c, uint64_t bytes);
const char *capture_error(const capture *c);

/* Kernel/libpcap counters (live only; zero offline). */
void capture_drops(capture *c, uint64_t *received, uint64_t *dropped, uint64_t *ifdropped);

/* Make a blocked capture_next return (async-signal-safe). */
void capture_break(capture *c);

void capture_close(capture *c);

#endif
