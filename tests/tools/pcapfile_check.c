/* pcapfile_check -- sensor/pcapfile.c against libpcap, frame by frame.
 *
 *   pcapfile_check [-v] [--root DIR] [--list FILE] [CAPTURE...]
 *       Reads each capture with libpcap (pcap_next_ex, microseconds) and
 *       with pcapfile, and compares every frame: time to the microsecond,
 *       caplen, wirelen, link type, bytes. Where libpcap stops with an error
 *       (a pcapng file with several link types, a truncated record, ...)
 *       pcapfile must have returned at least every frame libpcap returned,
 *       identically. --list reads capture names, one a line (the first
 *       tab-separated column; a header line starting "file" is skipped),
 *       relative to --root. One line per file that is not simply equal
 *       (all with -v), then the counts:
 *         files N equal N ours_further N both_refused N mismatch N
 *       Exit 1 when any file mismatches.
 *   pcapfile_check --pcapfile [--buf BYTES] [--repeat N] FILE
 *       A bare read loop over pcapfile (buffer: 0 = pcapfile's default),
 *       N passes over the file in one process (start-up amortised).
 *   pcapfile_check --libpcap [--repeat N] FILE
 *       The same over libpcap (pcap_next_ex, as tests/tools/pcap_loop.c).
 *       Both print "packets N bytes B (x)" (wire bytes, all passes).
 */
#include "pcapfile.h"
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum verdict { V_EQUAL, V_FURTHER, V_BOTH_REFUSED, V_MISMATCH };
static const char *const verdict_name[] = { "equal", "ours_further", "both_refused", "mismatch" };

/* The read loops for timing: every frame, wire bytes summed, one byte of
 * each touched; `repeat` passes over the file in one process. */
static int loop_pcapfile(const char *path, size_t bufsize, unsigned repeat)
{
    uint64_t n = 0, bytes = 0;
    unsigned sink = 0;
    for (unsigned r = 0; r < repeat; r++) {
        FILE *fp = fopen(path, "rb");
        if (!fp) { perror(path); return 2; }
        char err[640];
        pcapfile *f = pcapfile_open(fp, true, path, bufsize, err, sizeof err);
        if (!f) { fprintf(stderr, "pcapfile_check: %s: %s\n", path, err); return 2; }
        struct pcapfile_frame fr;
        enum pcapfile_status st;
        while ((st = pcapfile_next(f, &fr)) == PCAPFILE_FRAME) {
            n++;
            bytes += fr.wirelen;
            sink += fr.caplen ? fr.data[0] : 0;
        }
        if (r == 0 && (st == PCAPFILE_ERROR || pcapfile_truncated(f)))
            fprintf(stderr, "pcapfile_check: %s\n", pcapfile_error(f));
        pcapfile_close(f);
    }
    printf("packets %" PRIu64 " bytes %" PRIu64 " (%u)\n", n, bytes, sink & 1);
    return 0;
}

static int loop_libpcap(const char *path, unsigned repeat)
{
    uint64_t n = 0, bytes = 0;
    unsigned sink = 0;
    for (unsigned r = 0; r < repeat; r++) {
        char err[PCAP_ERRBUF_SIZE];
        pcap_t *p = pcap_open_offline(path, err);
        if (!p) { fprintf(stderr, "pcapfile_check: %s\n", err); return 2; }
        struct pcap_pkthdr *h;
        const u_char *d;
        while (pcap_next_ex(p, &h, &d) == 1) {
            n++;
            bytes += h->len;
            sink += h->caplen ? d[0] : 0;
        }
        pcap_close(p);
    }
    printf("packets %" PRIu64 " bytes %" PRIu64 " (%u)\n", n, bytes, sink & 1);
    return 0;
}

/* Compare one file; why gets the reason for anything but V_EQUAL. */
static enum verdict check(const char *path, char *why, size_t whylen, uint64_t *frames)
{
    char lerr[PCAP_ERRBUF_SIZE] = "", oerr[640] = "";
    *frames = 0;
    why[0] = 0;
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, lerr);
    FILE *fp = fopen(path, "rb");
    pcapfile *f = fp ? pcapfile_open(fp, true, path, 64u << 10, oerr, sizeof oerr) : NULL;
    if (!fp) snprintf(oerr, sizeof oerr, "cannot open");
    if (!p && !f) {
        snprintf(why, whylen, "libpcap: %.200s | ours: %.200s", lerr, oerr);
        return V_BOTH_REFUSED;
    }
    if (!f) {
        snprintf(why, whylen, "ours refused what libpcap opens: %.300s", oerr);
        pcap_close(p);
        return V_MISMATCH;
    }
    enum verdict v = V_EQUAL;
    bool classic = pcapfile_format(f) != PCAPFILE_PCAPNG;
    int ldlt = p ? pcap_datalink(p) : -1;
    struct pcapfile_frame fr;
    enum pcapfile_status st = PCAPFILE_FRAME;
    uint64_t n = 0;
    int lrc = p ? 1 : -1;
    if (!p) snprintf(why, whylen, "libpcap refused (%.200s)", lerr);
    while (p) {
        struct pcap_pkthdr *h;
        const u_char *d;
        lrc = pcap_next_ex(p, &h, &d);
        if (lrc != 1) break;
        st = pcapfile_next(f, &fr);
        if (st != PCAPFILE_FRAME) {
            snprintf(why, whylen, "frame %" PRIu64 ": ours ended (%.300s) where libpcap has a frame", n + 1,
                     st == PCAPFILE_ERROR || pcapfile_truncated(f) ? pcapfile_error(f) : "end of file");
            v = V_MISMATCH;
            break;
        }
        /* libpcap's time as written (pcap: unsigned 32-bit seconds), in us */
        uint64_t lus = classic ? (uint64_t)(uint32_t)h->ts.tv_sec * 1000000u + (uint32_t)h->ts.tv_usec
                               : (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
        uint64_t ous = fr.ts_sec * 1000000u + fr.ts_nsec / 1000u;
        if (classic && h->ts.tv_usec < 0 && pcapfile_format(f) == PCAPFILE_PCAP_NSEC) {
            /* a fraction of 2^31 ns or more: libpcap reads it as a negative
             * int32 and divides; check ours kept the same raw field */
            uint64_t raw = (fr.ts_sec - (uint32_t)h->ts.tv_sec) * 1000000000u + fr.ts_nsec;
            if (raw <= UINT32_MAX && (int32_t)(uint32_t)raw / 1000 == h->ts.tv_usec) lus = ous;
        }
        uint32_t lwire = h->len < h->caplen ? h->caplen : h->len;
        const char *diff = lus != ous ? "time" : h->caplen != fr.caplen ? "caplen" : lwire != fr.wirelen ? "wirelen"
                         : ldlt != fr.dlt ? "link type" : memcmp(d, fr.data, h->caplen) ? "bytes" : NULL;
        if (diff) {
            snprintf(why, whylen,
                     "frame %" PRIu64 " differs in %s: libpcap us %" PRIu64 " caplen %u len %u dlt %d; "
                     "ours us %" PRIu64 " caplen %u len %u dlt %d",
                     n + 1, diff, lus, h->caplen, lwire, ldlt, ous, fr.caplen, fr.wirelen, fr.dlt);
            v = V_MISMATCH;
            break;
        }
        n++;
    }
    if (v == V_EQUAL) {
        /* libpcap is done: where it ended cleanly, ours must end too */
        st = pcapfile_next(f, &fr);
        uint64_t more = 0;
        while (st == PCAPFILE_FRAME && more < 100000000u) {
            more++;
            st = pcapfile_next(f, &fr);
        }
        const char *oend = st == PCAPFILE_ERROR ? pcapfile_error(f) : pcapfile_truncated(f) ? pcapfile_error(f) : "end";
        if (lrc == PCAP_ERROR_BREAK) {   /* -2: libpcap's clean end of file */
            if (more) {
                snprintf(why, whylen, "ours has %" PRIu64 " frames after libpcap's end of file", more);
                v = V_MISMATCH;
            } else if (st == PCAPFILE_ERROR) {
                snprintf(why, whylen, "ours reports an error libpcap does not see: %.300s", oend);
                v = V_MISMATCH;
            }
        } else if (lrc == -1 || !p) {
            if (p) snprintf(why, whylen, "libpcap stopped after %" PRIu64 " frames (%.200s); ours: +%" PRIu64 " (%.200s)",
                            n, pcap_geterr(p), more, oend);
            /* the same frames, then libpcap's error: equal when ours stops at the same place too */
            v = more || !p ? V_FURTHER : V_EQUAL;
        }
        n += more;
    }
    *frames = n;
    if (p) pcap_close(p);
    pcapfile_close(f);
    return v;
}

int main(int argc, char **argv)
{
    bool verbose = false;
    const char *root = NULL, *list = NULL, *loop = NULL;
    size_t bufsize = 0;
    unsigned repeat = 1;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *o = argv[first], *arg = first + 1 < argc ? argv[first + 1] : NULL;
        if (strcmp(o, "-v") == 0) verbose = true;
        else if (strcmp(o, "--pcapfile") == 0 || strcmp(o, "--libpcap") == 0) loop = o + 2;
        else if (strcmp(o, "--root") == 0 && arg) root = argv[++first];
        else if (strcmp(o, "--list") == 0 && arg) list = argv[++first];
        else if (strcmp(o, "--buf") == 0 && arg) bufsize = strtoul(argv[++first], NULL, 0);
        else if (strcmp(o, "--repeat") == 0 && arg) repeat = (unsigned)strtoul(argv[++first], NULL, 0);
        else {
            fprintf(stderr, "usage: pcapfile_check [-v] [--root DIR] [--list FILE] [CAPTURE...]\n"
                            "       pcapfile_check --pcapfile|--libpcap [--buf BYTES] [--repeat N] FILE\n");
            return 2;
        }
    }
    if (loop) {
        if (first != argc - 1 || !repeat) { fprintf(stderr, "pcapfile_check: one FILE to loop over\n"); return 2; }
        return strcmp(loop, "pcapfile") == 0 ? loop_pcapfile(argv[first], bufsize, repeat)
                                              : loop_libpcap(argv[first], repeat);
    }
    unsigned counts[4] = { 0 }, files = 0;
    uint64_t frames_total = 0;
    char why[1024], path[8192 + 4096];
    FILE *lf = NULL;
    if (list && !(lf = fopen(list, "r"))) { perror(list); return 2; }
    int ai = first;
    char line[4096];
    for (;;) {
        const char *name;
        if (lf) {
            if (!fgets(line, sizeof line, lf)) break;
            line[strcspn(line, "\t\r\n")] = 0;
            if (!line[0] || strcmp(line, "file") == 0) continue;
            name = line;
        } else {
            if (ai >= argc) break;
            name = argv[ai++];
        }
        if (root) snprintf(path, sizeof path, "%s/%s", root, name);
        else snprintf(path, sizeof path, "%s", name);
        uint64_t n;
        enum verdict v = check(path, why, sizeof why, &n);
        counts[v]++;
        files++;
        frames_total += n;
        if (v != V_EQUAL || verbose)
            printf("%s %s: %" PRIu64 " frames%s%s\n", verdict_name[v], name, n, why[0] ? "; " : "", why);
    }
    if (lf) fclose(lf);
    printf("files %u equal %u ours_further %u both_refused %u mismatch %u frames %" PRIu64 "\n", files,
           counts[V_EQUAL], counts[V_FURTHER], counts[V_BOTH_REFUSED], counts[V_MISMATCH], frames_total);
    return counts[V_MISMATCH] ? 1 : 0;
}
