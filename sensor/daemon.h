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

#endif
