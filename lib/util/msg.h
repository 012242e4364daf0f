/*++
 * NAME
 *	msg 3
 * SUMMARY
 *	diagnostics: syslog LOG_MAIL or stderr, Postfix style
 * DESCRIPTION
 *	msg_init() names the program and chooses the sink: syslog (facility
 *	LOG_MAIL) by default, standard error when foreground is set (for a
 *	process supervisor, or a stage run by hand).  Lines look like
 *	Postfix's: "mexnts[4242]: QUEUEID: status=sent (mail.box)".
 *
 *	msg_info(), msg_warn() and msg_error() log and return.  msg_fatal()
 *	logs and exits with the given sysexits(3) code (and, when logging to
 *	syslog, says it on stderr too); it is for programs (bin/), never
 *	called from lib/.  Library functions report errors to
 *	their caller in a "why" string instead.
 *
 *	msg_verbose is raised by -v.
 *--*/
#ifndef LME_MSG_H
#define LME_MSG_H

#include <stdarg.h>

extern int msg_verbose;

/* msg_init - name the program; log to stderr when foreground is non-zero */
void msg_init(const char *prog, int foreground);

/* msg_prog - the name given to msg_init() */
const char *msg_prog(void);

void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_debug - logged only when msg_verbose */
void msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_fatal - log, then exit(code): programs only */
void msg_fatal(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
