/* scan.h -- `bleedwatch scan`: run the PII engine over files, offline.
 *
 * Each file (or standard input, "-") is treated as one response body: its
 * type is sniffed from the content (or forced with --type), it is fed to the
 * engine in pieces, and one JSON object per file is printed on stdout with the
 * same shape as an alert's bleedwatch.pii. Nothing raw is printed: counts and
 * masked samples only. See scan_usage() text in scan.c for the options.
 */
#ifndef BW_SCAN_H
#define BW_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "pii.h"

/* Run the scan sub-command. argv[0] is "scan"; the rest are options and
 * files. Prints one JSON object per file on stdout, messages on stderr.
 * Returns the process exit status: 0 when every file was scanned, 2 on a bad
 * option, an unusable hash key file or an unreadable input (the other inputs
 * are still scanned). */
int scan_main(int argc, char **argv);

/* The document type of a body, sniffed from its first bytes (a prefix of the
 * body is enough; 4 KB is plenty). *label receives a stable name: "json",
 * "ndjson", "xml", "eml", "csv" or "text". Pure: reads only p[0..len). */
enum pii_doc_type scan_sniff(const uint8_t *p, size_t len, const char **label);

#endif
