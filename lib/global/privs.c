/*++
 * NAME
 *	privs 3
 * SUMMARY
 *	run as the [lme] user
 *--*/
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/perms.h"
#include "global/privs.h"

/* privs_switch - become [lme] user when root, or refuse root */
static int privs_switch(const struct conf *conf, GString *why)
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

int privs_drop(const struct conf *conf, GString *why)
{
	/* the spool: this user's alone (0700), only it may have put files there */
	return privs_switch(conf, why)
	    && (!conf->spool || perms_check(conf->spool, "[lme] spool",
					    PERMS_DIR | PERMS_OWN | PERMS_SECRET | PERMS_MAYBE, why) == 0);
}

int privs_prepare(const struct conf *conf, GString *why)
{
	struct passwd *pw;
	const char *spec = conf->milter, *path;
	char   *dir;
	int     ok = 1;

	if (geteuid() != 0 || !conf->user || !spec || (pw = getpwnam(conf->user)) == NULL)
		return 1;
	if (strncmp(spec, "inet:", 5) == 0 || strncmp(spec, "inet6:", 6) == 0) {
		long    port = strtol(strchr(spec, ':') + 1, NULL, 10);

		if (port > 0 && port < 1024) {
			g_string_printf(why, "%s: [mexout] milter: port %ld needs root, and the milter "
					"runs as %s: use a port above 1023", conf->path, port, conf->user);
			return 0;
		}
		return 1;
	}
	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		path = strchr(spec, ':') + 1;
		if (*path != '/')
			return 1;
		dir = g_path_get_dirname(path);
		/* only a directory we make is given away: never /run or /var/run */
		if (access(dir, F_OK) != 0
		    && (mkdir(dir, 0750) != 0 || chown(dir, pw->pw_uid, pw->pw_gid) != 0)) {
			g_string_printf(why, "%s: [mexout] milter: directory %s: %s", conf->path, dir,
					g_strerror(errno));
			ok = 0;
		}
		g_free(dir);
	}
	return ok;
}
