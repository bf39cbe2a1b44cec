/* fuzz_pcapfile.c -- libFuzzer target: the capture-file reader.
 *
 * Input: a capture file (pcap or pcapng), read whole through pcapfile with
 * a 4 KB buffer (so compaction, growth and the streamed skip of large
 * blocks are reached) from a memory file through the descriptor path.
 * Invariants: every frame lies inside the reader's buffer (ASan checks the
 * reads), caplen <= wirelen, ts_nsec < 1e9, offsets grow; the reader ends
 * with END or ERROR and stays there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "pcapfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz_pcapfile", 0);
    if (fd < 0) return 0;
    if (size && write(fd, data, size) != (ssize_t)size) { close(fd); return 0; }
    lseek(fd, 0, SEEK_SET);
    FILE *fp = fdopen(fd, "rb");
    if (!fp) { close(fd); return 0; }
    char err[640];
    pcapfile *f = pcapfile_open(fp, true, "fuzz", 4096, err, sizeof err);
    if (!f) return 0;
    struct pcapfile_frame fr;
    enum pcapfile_status st;
    uint64_t last = 0, frames = 0;
    unsigned sink = 0;
    while ((st = pcapfile_next(f, &fr)) == PCAPFILE_FRAME) {
        if (fr.caplen > fr.wirelen || fr.ts_nsec >= 1000000000u) abort();
        if (frames && fr.offset <= last) abort();
        if (fr.offset + fr.caplen > size) abort();
        for (uint32_t i = 0; i < fr.caplen; i++) sink += fr.data[i];
        last = fr.offset;
        frames++;
    }
    if (pcapfile_next(f, &fr) != st || pcapfile_frames(f) != frames) abort();
    if (pcapfile_offset(f) > size) abort();
    pcapfile_close(f);
    return (int)(sink & 0);
}
