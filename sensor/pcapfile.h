/* pcapfile.h -- our own reader of capture files: classic pcap and pcapng.
 *
 * libpcap refuses a pcapng file whose interfaces have different link types
 * and cannot take pcapng from a pipe it has started to sniff; this reader
 * streams either format from a FILE * (a file or stdin) and hands out every
 * frame with its own link type, interface and nanosecond time.
 *
 *   classic pcap   magic a1b2c3d4 (usec), a1b23c4d (nsec), a1b2cd34
 *                  (Kuznetzov, 24-byte record headers); either byte order
 *                  https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html
 *   pcapng         SHB (either byte order, several sections, each with its
 *                  own interfaces), IDB (link type, snaplen, if_tsresol,
 *                  if_tsoffset), EPB, SPB, the obsolete PB; every other
 *                  block is skipped by its length
 *                  https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html
 *
 * Memory: one growable buffer per reader, sized by the caller at open and
 * grown only for a record larger than it (up to PCAPFILE_MAX_BLOCK); frames
 * point into it, so reading allocates nothing per packet. Reads of at most
 * PCAPFILE_READ_CHUNK cycle through its start: of a large buffer only the
 * pages that a chunk and the largest record need become resident.
 *
 * End of input in the middle of a record (the usual damage: a capture cut
 * short) is not an error: every whole frame before it is returned, then
 * PCAPFILE_END with pcapfile_truncated() true. Bytes that cannot be a capture
 * (a bad block length, an unknown interface, a record longer than its
 * block, ...) stop the reader with PCAPFILE_ERROR and a message naming the
 * file and the byte offset.
 */
#ifndef BW_PCAPFILE_H
#define BW_PCAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The largest pcapng block or pcap record accepted (a bigger one is refused
 * with a message rather than allocated). */
#define PCAPFILE_MAX_BLOCK      (256u << 20)
/* Interfaces (IDBs) one pcapng section may describe. */
#define PCAPFILE_MAX_IFACES     65536u
/* The buffer size when the caller passes 0, and the smallest one taken. */
#define PCAPFILE_DEFAULT_BUF    (1u << 20)
#define PCAPFILE_MIN_BUF        4096u
/* The most one read(2) asks for: small enough that the bytes just read are
 * still in cache when parsed, and that a large buffer is touched (made
 * resident) only as far as records need it. */
#define PCAPFILE_READ_CHUNK     (64u << 10)

typedef struct pcapfile pcapfile;

enum pcapfile_format { PCAPFILE_PCAP, PCAPFILE_PCAP_NSEC, PCAPFILE_PCAP_KUZNETZOV, PCAPFILE_PCAPNG };

enum pcapfile_status {
    PCAPFILE_FRAME = 0,   /* *out holds a frame */
    PCAPFILE_END,         /* no more frames (see pcapfile_truncated) */
    PCAPFILE_ERROR,       /* malformed input or read error (pcapfile_error) */
};

struct pcapfile_frame {
    uint64_t ts_ns;        /* time in ns since the epoch (ts_sec * 1e9 + ts_nsec, mod 2^64) */
    uint64_t ts_sec;       /* the same time as seconds ... */
    uint32_t ts_nsec;      /* ... and nanoseconds, < 1e9 */
    const uint8_t *data;   /* caplen bytes, valid until the next pcapfile_next/close */
    uint32_t caplen;
    uint32_t wirelen;      /* original length, never less than caplen */
    int linktype;          /* LINKTYPE_* as written in the file */
    int dlt;               /* the same as this host's DLT_* (what libpcap's pcap_datalink says) */
    uint32_t iface;        /* pcapng: the file-wide number of the frame's IDB, in the
                            * order the IDBs appear (= the EPB interface id in a
                            * one-section file); pcap: 0 */
    uint64_t offset;       /* byte offset of the frame's record or block in the file */
    bool swapped;          /* written in the byte order opposite to this host's (a
                            * DLT_NULL family word is then swapped too: BPF cares) */
};

/* Start reading fp, which must be positioned at the start of a capture with
 * nothing read from it through stdio yet (reads go to its descriptor, into
 * the reader's own buffer of bufsize bytes: 0 = PCAPFILE_DEFAULT_BUF). name
 * names the input in messages. Reads the file header (pcapng: up to the
 * first IDB, so pcapfile_dlt() is known). If close_fp, pcapfile_close
 * closes fp, and so does a failed open. Returns NULL with a message in err
 * ("unknown file format", "truncated file header", ...) when fp does not
 * hold a capture. */
pcapfile *pcapfile_open(FILE *fp, bool close_fp, const char *name, size_t bufsize, char *err, size_t errlen);

/* The next frame. out->data stays valid until the next call. After
 * PCAPFILE_END or PCAPFILE_ERROR every later call returns the same. */
enum pcapfile_status pcapfile_next(pcapfile *f, struct pcapfile_frame *out);

/* Read no more than the first bytes of the input (0: all of it): a file
 * still being written ends where it ended when it was first looked at, for
 * every reader of it alike. */
void pcapfile_limit(pcapfile *f, uint64_t bytes);
enum pcapfile_format pcapfile_format(const pcapfile *f);
/* The link type of the first interface (pcap: of the file), as a DLT_* and
 * as the LINKTYPE_* written in the file. */
int pcapfile_dlt(const pcapfile *f);
int pcapfile_linktype(const pcapfile *f);
/* True once the input ended inside a record: every frame before it was
 * returned; the message says where (pcapfile_error). */
bool pcapfile_truncated(const pcapfile *f);
/* Why reading stopped: an error, or the truncation; "" otherwise. */
const char *pcapfile_error(const pcapfile *f);
uint64_t pcapfile_frames(const pcapfile *f);
/* Bytes consumed so far (the offset of the next record). */
uint64_t pcapfile_offset(const pcapfile *f);

/* Free the reader (and close fp if it was given with close_fp). NULL is a no-op. */
void pcapfile_close(pcapfile *f);
/* The descriptor it reads (the FILE's). */
int pcapfile_fd(const pcapfile *f);

/* The DLT_* that libpcap on this host reports for a LINKTYPE_* (they differ
 * for a few historical values, e.g. LINKTYPE_RAW 101 is DLT_RAW 12 here). */
int pcapfile_linktype_to_dlt(int linktype);

#endif
