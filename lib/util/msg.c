/*++
 * NAME
 *	msg 3
 * SUMMARY
 *	diagnostics: syslog LOG_MAIL or stderr, Postfix style
 *--*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "util/msg.h"

int msg_verbose;
static const char *msg_name = "lme";
static int msg_to_stderr = 1;

void msg_init(const char *prog, int foreground)
{
	const char *slash = strrchr(prog, '/');

	msg_name = slash ? slash + 1 : prog;
	msg_to_stderr = foreground;
	if (!foreground)
		openlog(msg_name, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

const char *msg_prog(void)
{
	return msg_name;
}

/* msg_vlog - one line to the chosen sink */
static void msg_vlog(int prio, const char *level, const char *fmt, va_list ap)
{
	char line[4096];

	vsnprintf(line, sizeof(line), fmt, ap);	/* truncation is acceptable here */
	if (msg_to_stderr) {
		if (level)
			fprintf(stderr, "%s[%ld]: %s: %s\n", msg_name, (long)getpid(), level, line);
		else
			fprintf(stderr, "%s[%ld]: %s\n", msg_name, (long)getpid(), line);
		fflush(stderr);
	} else if (level) {
		syslog(prio, "%s: %s", level, line);
	} else {
		syslog(prio, "%s", line);
	}
}

void msg_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void msg_debug(const char *fmt, ...)
{
	va_list ap;

	if (!msg_verbose)
		return;
	va_start(ap, fmt);
	msg_vlog(LOG_DEBUG, "debug", fmt, ap);
	va_end(ap);
}

void msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(LOG_WARNING, "warning", fmt, ap);
	va_end(ap);
}

void msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(LOG_ERR, "error", fmt, ap);
	va_end(ap);
}

void msg_fatal(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(LOG_CRIT, "fatal", fmt, ap);
	va_end(ap);
	if (!msg_to_stderr) {
		/* whoever started us is told too, not only syslog */
		va_start(ap, fmt);
		fprintf(stderr, "%s: fatal: ", msg_name);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
	exit(code);
}
