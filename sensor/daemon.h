/* daemon.h -- running as a service: privileges and the pid file. */
#ifndef BW_DAEMON_H
#define BW_DAEMON_H

#include <stddef.h>

/* Become user (and its groups) for good. Call after every privileged open
 * (capture, outputs, spool, key). Returns 0, or -1 with a message. Verifies
 * that root cannot be regained. */
int daemon_drop_privileges(const char *user, char *err, size_t errlen);

/* Write our pid to path (0644), refusing when another live process holds it.
 * Returns 0, or -1 with a message. */
int daemon_pidfile_write(const char *path, char *err, size_t errlen);
void daemon_pidfile_remove(const char *path);

/* The cores this process may use: its CPU affinity (taskset, a container's
 * cpuset), at most what a CPU quota of its cgroup or of an ancestor allows
 * (a container's --cpus; cgroup v2 cpu.max or v1 cpu.cfs_quota_us), rounded
 * up; at least 1. */
unsigned daemon_usable_cores(void);
/* The same limit on cpus, from a /proc/PID/cgroup list and a cgroup file
 * system mounted at root (v2 there, v1's cpu controller at root/cpu). */
unsigned daemon_cores_limit(unsigned cpus, const char *cgroups, const char *root);

#endif
