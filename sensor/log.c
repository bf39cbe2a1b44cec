/* log.c -- stderr or syslog. The destination is chosen once at start-up. */
#include "log.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool g_syslog;   /* set once before any thread starts; read-only after */

void log_init(bool use_syslog)
{
    g_syslog = use_syslog;
    if (use_syslog) openlog("bleedwatch", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool log_to_syslog(void) { return g_syslog; }

void log_msg(int prio, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (g_syslog) {
        vsyslog(prio, fmt, ap);
    } else {
        char buf[2048];
        vsnprintf(buf, sizeof buf, fmt, ap);
        fprintf(stderr, "bleedwatch: %s\n", buf);
    }
    va_end(ap);
}

void log_text(int prio, const char *text)
{
    if (!g_syslog) {
        fputs(text, stderr);
        return;
    }
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        syslog(prio, "%.*s", (int)n, p);
        p += n + (e ? 1 : 0);
    }
}
