/* log.h -- the sensor's own messages: stderr, or syslog (--syslog).
 * Never per packet: start-up, errors, state changes, statistics. */
#ifndef BW_LOG_H
#define BW_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_init(bool use_syslog);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Send multi-line text (statistics) line by line. */
void log_text(int prio, const char *text);
bool log_to_syslog(void);

#endif
