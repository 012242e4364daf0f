/*++
 * NAME
 *	perms 3
 * SUMMARY
 *	refuse files and directories that others could have changed
 *--*/
#include <errno.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "util/perms.h"

/* perms_user - a user's name, or its number */
static char *perms_user(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);

	return pw ? g_strdup(pw->pw_name) : g_strdup_printf("uid %lu", (unsigned long)uid);
}

int perms_check(const char *path, const char *what, int flags, GString *why)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		if ((errno == ENOENT || errno == ENOTDIR) && (flags & PERMS_MAYBE))
			return EX_OK;
		g_string_printf(why, "%s %s: %s", what, path, g_strerror(errno));
		return EX_CONFIG;
	}
	return perms_stat(&st, path, what, flags, why);
}

int perms_stat(const struct stat *stp, const char *path, const char *what, int flags, GString *why)
{
	const struct stat st = *stp;
	uid_t   me = geteuid();
	mode_t  bad = (flags & PERMS_SECRET) ? 077 : 022;
	int     dir = (flags & PERMS_DIR) != 0, own_ok, rc;
	char   *owner, *self;

	own_ok = st.st_uid == me || (st.st_uid == 0 && !(flags & PERMS_OWN));
	if (own_ok && !(st.st_mode & bad) && (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)))
		return EX_OK;

	owner = perms_user(st.st_uid);
	self = perms_user(me);
	g_string_printf(why, "%s %s: %s, owner %s, mode %04o: refused: must be %s owned by %s%s%s, "
			"%s by group and others (%s or stricter)",
			what, path, S_ISDIR(st.st_mode) ? "directory" : S_ISREG(st.st_mode) ? "file" : "special file",
			owner, (unsigned)(st.st_mode & 07777), dir ? "a directory" : "a regular file",
			self, me != 0 && !(flags & PERMS_OWN) ? " or root" : "",
			me == 0 && (flags & PERMS_OWN) ? " (the running user)" : "",
			(flags & PERMS_SECRET) ? "not readable or writable" : "not writable",
			(flags & PERMS_SECRET) ? (dir ? "0700" : "0600") : (dir ? "0755" : "0644"));
	rc = own_ok ? EX_CONFIG : EX_NOPERM;
	g_free(owner);
	g_free(self);
	return rc;
}
