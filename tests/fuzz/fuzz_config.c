/* fuzz_config.c -- libFuzzer target: the configuration file parser.
 *
 * The input becomes the contents of an anonymous file (memfd) that
 * config_load_file() reads by its /proc/self/fd path; the config is then
 * released, so that leaks of owned strings show.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz_config", 0);
    if (fd < 0) return 0;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct config cfg;
    config_defaults(&cfg);
    char err[256];
    err[0] = 0;
    int rc = config_load_file(&cfg, path, err, sizeof err);
    if (rc != 0 && rc != -1) abort();
    if (!memchr(err, 0, sizeof err)) abort();
    config_release(&cfg);
    close(fd);
    return 0;
}
