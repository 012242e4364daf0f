/*++
 * NAME
 *	perms 3
 * SUMMARY
 *	refuse files and directories that others could have changed
 * DESCRIPTION
 *	perms_check() is called before lme trusts what it reads from a
 *	file whose tampering matters: the spool directory, dxa's state
 *	file, the LDAP password file, the stages' counter files.  The file
 *	must be of the expected type, owned by the running user (or by root
 *	when PERMS_OWN is not given: root can change any file anyway), and
 *	not writable by group or others; with PERMS_SECRET, not readable by
 *	them either (mode 0600 or stricter).  stat(2) follows a symbolic
 *	link: what is checked is the file that will be read.
 * DIAGNOSTICS
 *	EX_OK (0) when the file may be used (or is missing, or a component
 *	of its path is not a directory, and PERMS_MAYBE
 *	is given).  Otherwise why names the file, its owner and mode, and
 *	what is expected, and the result is EX_NOPERM for a wrong owner and
 *	EX_CONFIG for the rest (type, mode, cannot stat).
 *--*/
#ifndef LME_PERMS_H
#define LME_PERMS_H

#include <sys/stat.h>
#include <glib.h>

#define PERMS_SECRET	(1 << 0)	/* no access for group and others */
#define PERMS_DIR	(1 << 1)	/* a directory (else a regular file) */
#define PERMS_OWN	(1 << 2)	/* owned by the running user, not root */
#define PERMS_MAYBE	(1 << 3)	/* a missing file is fine */

/* perms_check - EX_OK when PATH (called WHAT in why) is safe to trust */
int     perms_check(const char *path, const char *what, int flags, GString *why);

/* perms_stat - the same judgement of what stat(2) or fstat(2) of PATH
 * gave (fstat of the open file: what is checked is what is read) */
int     perms_stat(const struct stat *st, const char *path, const char *what, int flags, GString *why);

#endif
