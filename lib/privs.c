/*++
 * NAME
 *	privs 3
 * SUMMARY
 *	run as the [lme] user
 *--*/
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "privs.h"

int privs_drop(const struct conf *conf, GString *why)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 1;
	if (!conf->user) {
		if (conf->allow_root)
			return 1;
		g_string_printf(why, "%s: refusing to run as root: set [lme] user (or allow_root = yes)",
				conf->path);
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(conf->user)) == NULL) {
		g_string_printf(why, "%s: [lme] user: unknown user \"%s\"", conf->path, conf->user);
		return 0;
	}
	if (pw->pw_uid == 0) {
		g_string_printf(why, "%s: [lme] user: \"%s\" is root", conf->path, conf->user);
		return 0;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0
	    || setuid(pw->pw_uid) != 0) {
		g_string_printf(why, "switch to user %s: %s", conf->user, g_strerror(errno));
		return 0;
	}
	if (setuid(0) == 0) {
		g_string_printf(why, "switch to user %s: root could be regained", conf->user);
		return 0;
	}
	return 1;
}
