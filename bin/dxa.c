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

/* fail - log an error (also on stderr when logging to syslog) and exit */
/* What main() holds, released by fail() before it exits (so that
 * LeakSanitizer has nothing to report on the error paths). */
static struct conf *held_conf;
static struct maptbl *held_tables;
static GString *held_why;
static char *held_lock;

static void fail(int code, const char *what, const char *why)
{
	msg_error("%s%s%s", what, *why ? ": " : "", why);
	if (!foreground)
		fprintf(stderr, "dxa: %s%s%s\n", what, *why ? ": " : "", why);
	if (held_tables)
		maptbl_free(held_tables);
	if (held_conf)
		conf_free(held_conf);
	if (held_why)
		g_string_free(held_why, TRUE);
	g_free(held_lock);
	exit(code);
}

/* progress - a progress line on a terminal */
static void progress(const char *dir, long count)
{
	progress_shown = 1;
	fprintf(stderr, "\rdxa: %s: %ld entries", dir, count);
	fflush(stderr);
}

int     main(int argc, char **argv)
{
	struct dxasync_opts o = {0};
	const char *conf_arg = NULL, *apply = NULL;
	int     full = 0, update = 0, check = 0, dirs = 0, rc = EX_OK;
	GString *why = held_why = g_string_new("");
	struct conf *conf;
	struct maptbl *t;
	char   *lock;
	int     lockfd;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-c") == 0 && i + 1 < argc)
			conf_arg = argv[++i];
		else if (strcmp(a, "-full") == 0)
			full = 1;
		else if (strcmp(a, "-update") == 0)
			update = 1;
		else if (strcmp(a, "-to-notes") == 0)
			dirs |= DXASYNC_TO_NOTES;
		else if (strcmp(a, "-to-ldap") == 0)
			dirs |= DXASYNC_TO_LDAP;
		else if (strcmp(a, "-n") == 0)
			o.dry_run = 1;
		else if (strcmp(a, "-force") == 0)
			o.force = 1;
		else if (strcmp(a, "-check") == 0)
			check = 1;
		else if (strcmp(a, "-f") == 0)
			foreground = 1;
		else if (strcmp(a, "-v") == 0)
			o.verbose = msg_verbose = 1;
		else if (strcmp(a, "-apply") == 0 && i + 1 < argc)
			apply = argv[++i];
		else if (strcmp(a, "-addresses") == 0)
			o.addresses = 1;		/* internal, with -apply */
		else if (strcmp(a, "-V") == 0) {
			printf("dxa %s\n", LME_VERSION);
			return EX_OK;
		} else if (strcmp(a, "-h") == 0)
			usage(EX_OK);
		else
			usage(EX_USAGE);
	}
	if (!check && full + update != 1)
		usage(EX_USAGE);
	o.full = full;
	o.self = argv[0];
	foreground |= isatty(2);
	o.foreground = foreground;
	msg_init("dxa", foreground);
	if ((conf = held_conf = conf_load(conf_path(conf_arg), why)) == NULL)
		fail(EX_CONFIG, "configuration", why->str);
	if (!privs_drop(conf, why))
		fail(EX_NOPERM, "privileges", why->str);

	/* The applying half, spawned by dxasync_tandem(). */
	if (apply) {
		enum maptbl_dir d = strcmp(apply, "to-notes") == 0 ? MAPTBL_TO_NOTES : MAPTBL_TO_LDAP;

		if (strcmp(apply, "to-notes") != 0 && strcmp(apply, "to-ldap") != 0)
			usage(EX_USAGE);
		rc = dxasync_apply(conf, d, &o, stdin, stdout, why);
		if (rc != EX_OK)
			fail(rc, dxasync_dir_name(d), why->str);
		conf_free(conf);
		g_string_free(why, TRUE);
		return EX_OK;
	}

	/* A bad table stops dxa before it touches anything. */
	if ((t = held_tables = maptbl_load(conf->maps, conf, why)) == NULL) {
		fprintf(stderr, "dxa: %s\n", why->str);
		if (!foreground)
			msg_error("%s", why->str);
		conf_free(conf);
		g_string_free(why, TRUE);
		return EX_CONFIG;
	}
	if (check) {
		printf("dxa: tables in %s: ok\n", conf->maps);
		maptbl_free(t);
		conf_free(conf);
		g_string_free(why, TRUE);
		return EX_OK;
	}
	if (dirs == 0)
		dirs = DXASYNC_TO_NOTES | DXASYNC_TO_LDAP;
	/* The password: this user's (or root's) and nobody else's to read. */
	if (conf->bind_password_file
	    && (rc = perms_check(conf->bind_password_file, "[dxa] bind_password_file", PERMS_SECRET, why)) != EX_OK)
		fail(rc, why->str, "");
	for (int d = MAPTBL_TO_NOTES; d <= MAPTBL_TO_LDAP; d++)
		if ((dirs & (d == MAPTBL_TO_NOTES ? DXASYNC_TO_NOTES : DXASYNC_TO_LDAP))
		    && !dxasync_check(conf, d, why))
			fail(EX_CONFIG, "configuration", why->str);

	/* One run at a time: the state file is ours. */
	{
		char   *state = dxasync_state_path(conf);
		char   *dir;

		lock = held_lock = g_strconcat(state, ".lock", NULL);
		g_free(state);
		dir = g_path_get_dirname(lock);

		if (g_mkdir_with_parents(dir, 0700) < 0)
			fail(EX_CANTCREAT, dir, g_strerror(errno));
		g_free(dir);
	}
	if ((lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		fail(EX_CANTCREAT, lock, g_strerror(errno));
	if (flock(lockfd, LOCK_EX | LOCK_NB) < 0)
		fail(EX_TEMPFAIL, lock, "another dxa is running");

	/* Only this user (or root) may have written the state dxa trusts. */
	{
		char   *state = dxasync_state_path(conf);

		if ((rc = perms_check(state, "[dxa] state_file", PERMS_MAYBE, why)) != EX_OK)
			fail(rc, why->str, "");
		g_free(state);
	}
	if (isatty(2))
		o.progress = progress;

	/* LDAP -> Notes first, then Notes -> LDAP; the last applying half
	 * writes maps/addresses. */
	for (int d = MAPTBL_TO_NOTES; d <= MAPTBL_TO_LDAP && rc == EX_OK; d++) {
		if (!(dirs & (d == MAPTBL_TO_NOTES ? DXASYNC_TO_NOTES : DXASYNC_TO_LDAP)))
			continue;
		o.addresses = !o.dry_run && (d == MAPTBL_TO_LDAP || !(dirs & DXASYNC_TO_LDAP));
		rc = dxasync_tandem(conf, conf->path, t, d, &o, why);
		if (progress_shown)
			fputc('\n', stderr);
		progress_shown = 0;
		if (rc != EX_OK)
			fail(rc, dxasync_dir_name(d), why->str);
	}
	close(lockfd);
	g_free(lock);
	maptbl_free(t);
	conf_free(conf);
	g_string_free(why, TRUE);
	return EX_OK;
}
