/*++
 * NAME
 *	dxa 8
 * SUMMARY
 *	directory synchronization between LDAP and the Domino directory
 * SYNOPSIS
 *	dxa [-c file] [-f] [-v] -full|-update [-to-notes|-to-ldap] [-n] [-force]
 *	dxa [-c file] -check
 * DESCRIPTION
 *	See dxa(8).  Each direction runs as two processes joined by a pipe:
 *	this one reads the source and maps it; a second instance of dxa,
 *	started with the internal option -apply, plans and applies.
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sysexits.h>
#include <unistd.h>

#include "util/msg.h"
#include "util/perms.h"
#include "global/conf.h"
#include "global/privs.h"
#include "global/version.h"
#include "dir/dxasync.h"
#include "dir/maptbl.h"

static int foreground;
static int progress_shown;

/* usage - the synopsis, then exit */
static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: dxa [-c file] [-f] [-v] -full|-update [-to-notes|-to-ldap] [-n] [-force]\n"
		"       dxa [-c file] -check\n");
	exit(code);
}

/* What main() holds, released before any exit (so that LeakSanitizer
 * has nothing to report on the error paths). */
static struct conf *held_conf;
static struct maptbl *held_tables;
static GString *held_why;
static char *held_lock;

static int dxa_release(int code);

/* fail - log an error (also on stderr when logging to syslog) and exit */
static void fail(int code, const char *what, const char *why)
{
	msg_error("%s%s%s", what, *why ? ": " : "", why);
	if (!foreground)
		fprintf(stderr, "dxa: %s%s%s\n", what, *why ? ": " : "", why);
	exit(dxa_release(code));
}

/* progress - a progress line on a terminal */
static void progress(const char *dir, long count)
{
	progress_shown = 1;
	fprintf(stderr, "\rdxa: %s: %ld entries", dir, count);
	fflush(stderr);
}

/* What the command line asks for */
struct dxa_args {
	struct dxasync_opts o;
	const char *conf_arg;
	const char *apply;		/* internal: the applying half */
	int     full, update, check, dirs;
};

/* dxa_args - the options; usage() on a bad one */
static void dxa_args(int argc, char **argv, struct dxa_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (strcmp(s, "-c") == 0 && i + 1 < argc)
			a->conf_arg = argv[++i];
		else if (strcmp(s, "-full") == 0)
			a->full = 1;
		else if (strcmp(s, "-update") == 0)
			a->update = 1;
		else if (strcmp(s, "-to-notes") == 0)
			a->dirs |= DXASYNC_TO_NOTES;
		else if (strcmp(s, "-to-ldap") == 0)
			a->dirs |= DXASYNC_TO_LDAP;
		else if (strcmp(s, "-n") == 0)
			a->o.dry_run = 1;
		else if (strcmp(s, "-force") == 0)
			a->o.force = 1;
		else if (strcmp(s, "-check") == 0)
			a->check = 1;
		else if (strcmp(s, "-f") == 0)
			foreground = 1;
		else if (strcmp(s, "-v") == 0)
			a->o.verbose = msg_verbose = 1;
		else if (strcmp(s, "-apply") == 0 && i + 1 < argc)
			a->apply = argv[++i];
		else if (strcmp(s, "-addresses") == 0)
			a->o.addresses = 1;		/* internal, with -apply */
		else if (strcmp(s, "-V") == 0) {
			printf("dxa %s\n", LME_VERSION);
			exit(EX_OK);
		} else if (strcmp(s, "-h") == 0)
			usage(EX_OK);
		else
			usage(EX_USAGE);
	}
	if (!a->check && a->full + a->update != 1)
		usage(EX_USAGE);
	if (a->apply && strcmp(a->apply, "to-notes") != 0 && strcmp(a->apply, "to-ldap") != 0)
		usage(EX_USAGE);
	if (a->dirs == 0)
		a->dirs = DXASYNC_TO_NOTES | DXASYNC_TO_LDAP;
	a->o.full = a->full;
	a->o.self = argv[0];
}

/* dxa_wanted - the direction d was asked for */
static int dxa_wanted(int dirs, int d)
{
	return dirs & (d == MAPTBL_TO_NOTES ? DXASYNC_TO_NOTES : DXASYNC_TO_LDAP);
}

/* dxa_trust - the password file and each direction's settings are
 * usable: this user's (or root's) and nobody else's */
static void dxa_trust(const struct conf *conf, int dirs, GString *why)
{
	int     rc;

	if (conf->bind_password_file
	    && (rc = perms_check(conf->bind_password_file, "[dxa] bind_password_file", PERMS_SECRET, why)) != EX_OK)
		fail(rc, why->str, "");
	for (int d = MAPTBL_TO_NOTES; d <= MAPTBL_TO_LDAP; d++)
		if (dxa_wanted(dirs, d) && !dxasync_check(conf, d, why))
			fail(EX_CONFIG, "configuration", why->str);
}

/* dxa_lock - one run at a time: the state file is ours; then only this
 * user (or root) may have written the state dxa trusts */
static int dxa_lock(const struct conf *conf, GString *why)
{
	char   *state = dxasync_state_path(conf);
	char   *dir;
	int     lockfd, rc;

	held_lock = g_strconcat(state, ".lock", NULL);
	dir = g_path_get_dirname(held_lock);
	if (g_mkdir_with_parents(dir, 0700) < 0)
		fail(EX_CANTCREAT, dir, g_strerror(errno));
	g_free(dir);
	if ((lockfd = open(held_lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		fail(EX_CANTCREAT, held_lock, g_strerror(errno));
	if (flock(lockfd, LOCK_EX | LOCK_NB) < 0)
		fail(EX_TEMPFAIL, held_lock, "another dxa is running");
	if ((rc = perms_check(state, "[dxa] state_file", PERMS_MAYBE, why)) != EX_OK)
		fail(rc, why->str, "");
	g_free(state);
	return lockfd;
}

/* dxa_release - what main() holds */
static int dxa_release(int code)
{
	if (held_tables)
		maptbl_free(held_tables);
	conf_free(held_conf);
	g_string_free(held_why, TRUE);
	g_free(held_lock);
	return code;
}

int     main(int argc, char **argv)
{
	struct dxa_args a = {0};
	GString *why = held_why = g_string_new("");
	struct conf *conf;
	int     lockfd, rc = EX_OK;

	dxa_args(argc, argv, &a);
	foreground |= isatty(2);
	a.o.foreground = foreground;
	msg_init("dxa", foreground);
	if ((conf = held_conf = conf_load(conf_path(a.conf_arg), why)) == NULL)
		fail(EX_CONFIG, "configuration", why->str);
	if (!privs_drop(conf, why))
		fail(EX_NOPERM, "privileges", why->str);
	if (a.apply) {				/* spawned by dxasync_tandem() */
		enum maptbl_dir d = strcmp(a.apply, "to-notes") == 0 ? MAPTBL_TO_NOTES : MAPTBL_TO_LDAP;

		if ((rc = dxasync_apply(conf, d, &a.o, stdin, stdout, why)) != EX_OK)
			fail(rc, dxasync_dir_name(d), why->str);
		return dxa_release(EX_OK);
	}
	/* A bad table stops dxa before it touches anything. */
	if ((held_tables = maptbl_load(conf->maps, conf, why)) == NULL) {
		fprintf(stderr, "dxa: %s\n", why->str);
		if (!foreground)
			msg_error("%s", why->str);
		return dxa_release(EX_CONFIG);
	}
	if (a.check) {
		printf("dxa: tables in %s: ok\n", conf->maps);
		return dxa_release(EX_OK);
	}
	dxa_trust(conf, a.dirs, why);
	lockfd = dxa_lock(conf, why);
	if (isatty(2))
		a.o.progress = progress;
	/* LDAP -> Notes first, then Notes -> LDAP; the last applying half
	 * writes maps/addresses. */
	for (int d = MAPTBL_TO_NOTES; d <= MAPTBL_TO_LDAP; d++) {
		if (!dxa_wanted(a.dirs, d))
			continue;
		a.o.addresses = !a.o.dry_run && (d == MAPTBL_TO_LDAP || !(a.dirs & DXASYNC_TO_LDAP));
		rc = dxasync_tandem(conf, conf->path, held_tables, d, &a.o, why);
		if (progress_shown)
			fputc('\n', stderr);
		progress_shown = 0;
		if (rc != EX_OK)
			fail(rc, dxasync_dir_name(d), why->str);
	}
	close(lockfd);
	return dxa_release(EX_OK);
}
