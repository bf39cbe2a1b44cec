/* test_cores.c -- the default worker count's core limit (daemon_cores_limit)
 * on cgroup trees built here: v2 (cpu.max, "max" or a quota, on the cgroup
 * or an ancestor, the smallest winning), v1's cpu controller (alone or as
 * "cpu,cpuacct"; cfs_quota_us -1 = none), a container's own view ("0::/"),
 * quotas rounded up, never below 1, never above the CPUs given. */
#include "test.h"
#include "daemon.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256];

static void put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    /* make the directories on the way */
    for (char *s = path + strlen(root) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
    FILE *f = fopen(path, "w");
    if (!f) abort();
    fputs(text, f);
    fclose(f);
}

static unsigned limit(unsigned cpus, const char *cgroups)
{
    put("proc.cgroup", cgroups);
    char list[512];
    snprintf(list, sizeof list, "%s/proc.cgroup", root);
    return daemon_cores_limit(cpus, list, root);
}

static void t_v2(void)
{
    put("cpu.max", "max 100000\n");                        /* the root: no quota */
    put("a/cpu.max", "max 100000\n");
    put("a/b/cpu.max", "250000 100000\n");                 /* 2.5 cores: 3 */
    CHECK_EQ(limit(8, "0::/a/b\n"), 3);
    CHECK_EQ(limit(2, "0::/a/b\n"), 2);                    /* never above the CPUs */
    put("a/cpu.max", "150000 100000\n");                   /* an ancestor's 1.5 wins */
    CHECK_EQ(limit(8, "0::/a/b\n"), 2);
    put("a/b/c/cpu.max", "20000 100000\n");                /* a fifth of a core: 1 */
    CHECK_EQ(limit(8, "0::/a/b/c\n"), 1);
    CHECK_EQ(limit(8, "0::/elsewhere\n"), 8);              /* no such cgroup here: the root's */
    put("cpu.max", "400000 100000\n");                     /* a container's own view */
    CHECK_EQ(limit(8, "0::/\n"), 4);
    CHECK_EQ(limit(8, "0::/elsewhere\n"), 4);
}

static void t_v1(void)
{
    put("cpu/cpu.cfs_quota_us", "-1\n");
    put("cpu/cpu.cfs_period_us", "100000\n");
    put("cpu/docker/x/cpu.cfs_quota_us", "300000\n");
    put("cpu/docker/x/cpu.cfs_period_us", "100000\n");
    CHECK_EQ(limit(16, "12:memory:/docker/x\n3:cpu,cpuacct:/docker/x\n1:name=systemd:/docker/x\n"), 3);
    CHECK_EQ(limit(16, "3:cpu:/docker/x\n2:cpuacct:/docker/x\n"), 3);
    CHECK_EQ(limit(16, "3:cpuacct:/docker/x\n"), 16);     /* cpuacct alone sets no quota */
    CHECK_EQ(limit(16, "3:cpu,cpuacct:/\n"), 16);         /* -1: none */
    put("cpu/docker/x/cpu.cfs_quota_us", "50000\n");
    CHECK_EQ(limit(16, "3:cpu,cpuacct:/docker/x\n"), 1);
}

static void t_nothing_readable(void)
{
    CHECK_EQ(daemon_cores_limit(6, "/nonexistent/cgroup", "/nonexistent"), 6);
    CHECK_EQ(daemon_cores_limit(0, "/nonexistent/cgroup", "/nonexistent"), 1);
    put("cpu.max", "max 100000\n");
    CHECK_EQ(limit(6, "garbage without colons\n::\n0::\n"), 6);
    put("cpu.max", "garbage\n");
    CHECK_EQ(limit(6, "0::/\n"), 6);
    CHECK(daemon_usable_cores() >= 1);
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/test_cores.%d", (int)getpid());
    mkdir(root, 0755);
    RUN(t_v2);
    RUN(t_v1);
    RUN(t_nothing_readable);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", root);
    return test_done();
}
