/* daemon.c -- privilege drop and pid file. */
#include "daemon.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int daemon_drop_privileges(const char *user, char *err, size_t errlen)
{
    errno = 0;
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        snprintf(err, errlen, "--user %s: no such user", user);
        return -1;
    }
    if (getuid() == pw->pw_uid && geteuid() == pw->pw_uid) return 0;
    if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
        snprintf(err, errlen, "--user %s: cannot switch user: %s", user, strerror(errno));
        return -1;
    }
    if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
        snprintf(err, errlen, "--user %s: root could be regained after the switch; refusing to run", user);
        return -1;
    }
    return 0;
}

int daemon_pidfile_write(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f) {
        long pid = 0;
        if (fscanf(f, "%ld", &pid) == 1 && pid > 0 && pid != getpid() && kill((pid_t)pid, 0) == 0) {
            fclose(f);
            snprintf(err, errlen, "pid file %s: process %ld is running", path, pid);
            return -1;
        }
        fclose(f);
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
        return -1;
    }
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (write(fd, buf, (size_t)n) != n) {
        snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

void daemon_pidfile_remove(const char *path)
{
    if (path) unlink(path);
}

/* The CPU quota in cores (rounded up) of cgroup dir or its ancestors up to
 * root (v2: cpu.max "QUOTA PERIOD" or "max PERIOD"; v1: cpu.cfs_quota_us,
 * -1 = none, and cpu.cfs_period_us); 0 = no quota. */
static unsigned long quota_cores(const char *root, const char *dir, bool v2)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s", root, dir);
    unsigned long best = 0;
    for (;;) {
        char file[4200];
        long long quota = -1, period = 0;
        if (v2) {
            snprintf(file, sizeof file, "%s/cpu.max", path);
            FILE *f = fopen(file, "r");
            if (f) {
                char q[32];
                if (fscanf(f, "%31s %lld", q, &period) == 2 && strcmp(q, "max") != 0) quota = strtoll(q, NULL, 10);
                fclose(f);
            }
        } else {
            snprintf(file, sizeof file, "%s/cpu.cfs_quota_us", path);
            FILE *f = fopen(file, "r");
            if (f) {
                if (fscanf(f, "%lld", &quota) != 1) quota = -1;
                fclose(f);
            }
            snprintf(file, sizeof file, "%s/cpu.cfs_period_us", path);
            if (quota > 0 && (f = fopen(file, "r"))) {
                if (fscanf(f, "%lld", &period) != 1) period = 0;
                fclose(f);
            }
        }
        if (quota > 0 && period > 0) {
            unsigned long c = (unsigned long)((quota + period - 1) / period);
            if (!best || c < best) best = c;
        }
        char *slash = strrchr(path, '/');
        if (!slash || (size_t)(slash - path) < strlen(root)) break;
        *slash = '\0';
    }
    return best;
}

unsigned daemon_cores_limit(unsigned cpus, const char *cgroups, const char *root)
{
    long n = cpus;
    char v1root[4096];
    snprintf(v1root, sizeof v1root, "%s/cpu", root);
    FILE *f = fopen(cgroups, "r");
    if (f) {
        /* "0::/path" (v2), "N:cpu,cpuacct:/path" (v1, the cpu controller) */
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (!c2) continue;
            *c2 = '\0';
            const char *ctl = c1 + 1, *dir = c2 + 1;
            unsigned long q = 0;
            if (!*ctl && c1 == line + 1 && line[0] == '0') {   /* hierarchy 0, no controllers: v2 */
                q = quota_cores(root, dir, true);
            } else {
                char list[256];
                snprintf(list, sizeof list, ",%s,", ctl);
                if (strstr(list, ",cpu,")) q = quota_cores(v1root, dir, false);
            }
            if (q && (long)q < n) n = (long)q;
        }
        fclose(f);
    }
    return n > 1 ? (unsigned)n : 1;
}

unsigned daemon_usable_cores(void)
{
    cpu_set_t set;
    long n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);
    return daemon_cores_limit(n > 0 ? (unsigned)n : 1, "/proc/self/cgroup", "/sys/fs/cgroup");
}
