/*++
 * NAME
 *	dispatch 8
 * SUMMARY
 *	the lme supervisor: runs the stages, restarts them, checks the configuration
 * SYNOPSIS
 *	dispatch [-c FILE] [-f] [-v] [-n] [-h] [-V]
 * DESCRIPTION
 *	dispatch starts mexout, mexnts, ntsmex and mexin, those whose
 *	executables exist in the directory dispatch itself was run from,
 *	each as "NAME [-f] [-v] -c FILE", and restarts one that exits after
 *	a back-off (supervise(3)).  With "[dxa] schedule" set it also runs
 *	"dxa -update [-f] [-v] -c FILE" every that many seconds.
 *
 *	dispatch stays in the foreground (for systemd, runit, s6); -f only
 *	chooses standard error instead of syslog for its log and its
 *	children's.  SIGTERM or SIGINT: SIGTERM to every child, then exit 0
 *	when all are gone, at most 5 seconds later (SIGKILL for stragglers).
 *	SIGHUP: re-read the configuration (a bad file is logged and the
 *	running one kept), look again for stages, and pass SIGHUP on.
 *
 *	With "[lme] metrics_file" set, the file is rewritten atomically
 *	every poll_interval with the queue and child gauges.
 *
 *	dispatch -n checks the configuration and exits 0 or 78.
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "util/file.h"
#include "util/msg.h"
#include "util/stats.h"
#include "util/supervise.h"
#include "global/addrmap.h"
#include "global/conf.h"
#include "global/privs.h"
#include "global/queue_info.h"
#include "global/spool.h"
#include "global/version.h"

#define DISPATCH_STOP_MS	4000	/* SIGTERM to SIGKILL; exit within 5 s */

static const char *const dispatch_stages[] = {"mexout", "mexnts", "ntsmex", "mexin"};

struct dispatch {
	char   *cpath;			/* the configuration file, absolute */
	struct conf *conf;
	char   *bindir;			/* where the stages are */
	int     foreground;
	struct supervise *sv;
	time_t  next_metrics;
};

static volatile sig_atomic_t dispatch_term, dispatch_hup;
static int dispatch_pipe[2] = {-1, -1};

/* dispatch_signal - note the signal and wake the loop */
static void dispatch_signal(int sig)
{
	int     saved = errno;

	if (sig == SIGHUP)
		dispatch_hup = 1;
	else if (sig == SIGTERM || sig == SIGINT)
		dispatch_term = 1;
	if (write(dispatch_pipe[1], "x", 1) < 0) {
		/* pipe full: a wake-up is pending anyway */
	}
	errno = saved;
}

/* dispatch_signals - the self-pipe and the handlers */
static void dispatch_signals(void)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGCHLD};
	struct sigaction sa;
	size_t  i;

	if (pipe2(dispatch_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		msg_fatal(EX_OSERR, "pipe: %s", g_strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = dispatch_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	for (i = 0; i < G_N_ELEMENTS(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* dispatch_bindir - the directory dispatch was run from: that of argv[0]
 * when it names a path (a symbolic link is not followed), else that of
 * /proc/self/exe */
static char *dispatch_bindir(const char *argv0)
{
	char   *dir, *abs, exe[4096];
	ssize_t n;

	if (strchr(argv0, '/')) {
		dir = g_path_get_dirname(argv0);
	} else if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = 0;
		dir = g_path_get_dirname(exe);
	} else {
		msg_fatal(EX_OSERR, "cannot tell where %s is: run it by its path", argv0);
	}
	abs = g_canonicalize_filename(dir, NULL);
	g_free(dir);
	return abs;
}

/* dispatch_argv - NAME [extra...] [-f] [-v...] -c FILE */
static char **dispatch_argv(const struct dispatch *d, const char *path, const char *extra)
{
	GPtrArray *a = g_ptr_array_new();
	int     i;

	g_ptr_array_add(a, g_strdup(path));
	if (extra)
		g_ptr_array_add(a, g_strdup(extra));
	if (d->foreground)
		g_ptr_array_add(a, g_strdup("-f"));
	for (i = 0; i < msg_verbose && i < 5; i++)
		g_ptr_array_add(a, g_strdup("-v"));
	g_ptr_array_add(a, g_strdup("-c"));
	g_ptr_array_add(a, g_strdup(d->cpath));
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* dispatch_enlist - add name to the child table if its program exists,
 * else drop it (unless it is running) */
static void dispatch_enlist(struct dispatch *d, const char *name, const char *extra, int period)
{
	char   *path = g_build_filename(d->bindir, name, NULL);
	char  **argv;

	if (access(path, X_OK) == 0) {
		argv = dispatch_argv(d, path, extra);
		supervise_add(d->sv, name, path, argv, period);
		g_strfreev(argv);
	} else if (supervise_remove(d->sv, name)) {
		msg_info("%s: no longer there or not scheduled; not started again", name);
	}
	g_free(path);
}

/* dispatch_scan - the stages that exist, and dxa when scheduled */
static void dispatch_scan(struct dispatch *d)
{
	size_t  i;

	for (i = 0; i < G_N_ELEMENTS(dispatch_stages); i++)
		dispatch_enlist(d, dispatch_stages[i], NULL, 0);
	if (d->conf->schedule > 0)
		dispatch_enlist(d, "dxa", "-update", d->conf->schedule);
	else if (supervise_remove(d->sv, "dxa"))
		msg_info("dxa: no longer scheduled");
}

/* dispatch_reap - collect exited children and log how they ended */
static void dispatch_reap(struct dispatch *d, int stopping)
{
	struct supervise_child *c;
	pid_t   pid;
	int     status;
	time_t  now;
	char   *how;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		now = time(NULL);
		if ((c = supervise_exited(d->sv, pid, status, now)) == NULL)
			continue;
		how = supervise_status(status);
		if (stopping) {
			msg_info("child %s (pid %ld) exited with %s", c->name, (long)pid, how);
		} else if (access(c->path, X_OK) != 0) {
			msg_warn("child %s (pid %ld) exited with %s; not started again: %s: %s",
				 c->name, (long)pid, how, c->path, g_strerror(errno));
			supervise_remove(d->sv, c->name);
		} else if (c->period > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			msg_info("%s (pid %ld) finished; next run in %lds", c->name, (long)pid,
				 (long)(c->due - now));
		} else if (c->period > 0) {
			msg_warn("child %s (pid %ld) exited with %s; next run in %lds", c->name,
				 (long)pid, how, (long)(c->due - now));
		} else {
			msg_warn("child %s (pid %ld) exited with %s; restarting in %ds", c->name,
				 (long)pid, how, c->backoff);
		}
		g_free(how);
	}
}

/* dispatch_start_due - start the children whose time has come */
static void dispatch_start_due(struct dispatch *d)
{
	GString *why = g_string_new(NULL);
	time_t  now = time(NULL);
	guint   i;

	for (i = 0; i < d->sv->children->len; i++) {
		struct supervise_child *c = g_ptr_array_index(d->sv->children, i);

		if (c->pid || c->due > now)
			continue;
		if (supervise_start(c, now, why))
			msg_info("started %s (pid %ld)", c->name, (long)c->pid);
		else
			msg_error("%s; trying again in %ds", why->str, c->backoff);
	}
	g_string_free(why, TRUE);
}

/* dispatch_metrics - rewrite metrics_file when it is time */
static void dispatch_metrics(struct dispatch *d)
{
	time_t  now = time(NULL);
	GString *text, *why;

	if (!d->conf->metrics_file || now < d->next_metrics)
		return;
	d->next_metrics = now + d->conf->poll_interval;
	text = g_string_new(NULL);
	why = g_string_new(NULL);
	queue_info_metrics(d->conf->spool, now, text);
	stats_metrics(d->conf->spool, text);
	supervise_metrics(d->sv, text);
	if (!file_write(d->conf->metrics_file, text->str, text->len, 0644, why))
		msg_warn("metrics: %s", why->str);
	g_string_free(text, TRUE);
	g_string_free(why, TRUE);
}

/* dispatch_reload - SIGHUP: new configuration, new stages, pass it on */
static void dispatch_reload(struct dispatch *d)
{
	GString *why = g_string_new(NULL);
	struct conf *conf = conf_load(d->cpath, why);
	int     n;

	if (!conf) {
		msg_error("reload: %s; keeping the running configuration", why->str);
	} else {
		conf_free(d->conf);
		d->conf = conf;
		d->next_metrics = 0;
		dispatch_scan(d);
		n = supervise_kill(d->sv, SIGHUP, 1);
		msg_info("configuration reloaded from %s; SIGHUP passed to %d child%s", d->cpath,
			 n, n == 1 ? "" : "ren");
	}
	g_string_free(why, TRUE);
}

/* dispatch_wait - until a signal or timeout seconds (-1: no limit) */
static void dispatch_wait(int timeout_ms)
{
	struct pollfd pfd = {.fd = dispatch_pipe[0], .events = POLLIN};
	char    buf[64];

	if (poll(&pfd, 1, timeout_ms) > 0)
		while (read(dispatch_pipe[0], buf, sizeof(buf)) > 0)
			;
}

/* dispatch_ms - a monotonic clock in milliseconds */
static long long dispatch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* dispatch_stop - SIGTERM to all, wait, SIGKILL what is left in time */
static void dispatch_stop(struct dispatch *d)
{
	long long deadline = dispatch_ms() + DISPATCH_STOP_MS;
	int     n = supervise_kill(d->sv, SIGTERM, 0), status;
	guint   i;

	msg_info("stopping: SIGTERM sent to %d child%s", n, n == 1 ? "" : "ren");
	dispatch_reap(d, 1);
	while (supervise_running(d->sv) && dispatch_ms() < deadline) {
		dispatch_wait((int)(deadline - dispatch_ms()));
		dispatch_reap(d, 1);
	}
	for (i = 0; i < d->sv->children->len; i++) {
		struct supervise_child *c = g_ptr_array_index(d->sv->children, i);

		if (c->pid <= 0)
			continue;
		msg_warn("child %s (pid %ld) still running after %dms: SIGKILL", c->name,
			 (long)c->pid, DISPATCH_STOP_MS);
		kill(c->pid, SIGKILL);
		if (waitpid(c->pid, &status, 0) == c->pid)
			supervise_exited(d->sv, c->pid, status, time(NULL));
	}
}

/* dispatch_run - supervise until SIGTERM; returns the exit status */
static int dispatch_run(struct dispatch *d)
{
	int     timeout;

	d->sv = supervise_new();
	dispatch_scan(d);
	if (d->sv->children->len == 0)
		msg_fatal(EX_UNAVAILABLE, "no stage programs (mexout mexnts ntsmex mexin%s) in %s",
			  d->conf->schedule > 0 ? " dxa" : "", d->bindir);
	msg_info("starting (lme %s): %u program%s from %s", LME_VERSION, d->sv->children->len,
		 d->sv->children->len == 1 ? "" : "s", d->bindir);
	while (!dispatch_term) {
		if (dispatch_hup) {
			dispatch_hup = 0;
			dispatch_reload(d);
		}
		dispatch_reap(d, 0);
		dispatch_start_due(d);
		dispatch_metrics(d);
		timeout = supervise_timeout(d->sv, time(NULL));
		if (d->conf->metrics_file) {
			int     m = (int)(d->next_metrics - time(NULL));

			timeout = timeout < 0 || m < timeout ? (m > 0 ? m : 0) : timeout;
		}
		if (!dispatch_term && !dispatch_hup)
			dispatch_wait(timeout < 0 ? -1 : timeout * 1000 + (timeout ? 0 : 50));
	}
	dispatch_stop(d);
	msg_info("stopped");
	supervise_free(d->sv);
	return 0;
}

/* dispatch_check - dispatch -n: the file, the spool, maps/addresses */
static int dispatch_check(struct dispatch *d)
{
	GString *why = g_string_new(NULL);
	struct spool_queue *q;
	struct addrmap *m;
	char   *path;
	int     i;

	for (i = 0; queue_info_names[i]; i++) {
		if ((q = spool_open(d->conf->spool, queue_info_names[i], why)) == NULL)
			msg_fatal(EX_CONFIG, "%s: [lme] spool: %s", d->cpath, why->str);
		spool_close(q);
	}
	path = g_build_filename(d->conf->maps, "addresses", NULL);
	if (access(path, F_OK) != 0)
		msg_warn("%s: %s; every Notes recipient will be refused", path, g_strerror(errno));
	if ((m = addrmap_open(path, why)) == NULL)
		msg_fatal(EX_CONFIG, "%s", why->str);
	printf("%s: configuration ok (spool %s, %u addresses)\n", d->cpath, d->conf->spool,
	       addrmap_size(m));
	addrmap_free(m);
	g_free(path);
	g_string_free(why, TRUE);
	return 0;
}

/* usage - print the synopsis and exit */
static void __attribute__((noreturn)) usage(int code)
{
	fprintf(code ? stderr : stdout, "usage: dispatch [-c FILE] [-f] [-v] [-n] [-h] [-V]\n");
	exit(code);
}

int main(int argc, char **argv)
{
	struct dispatch d = {0};
	GString *why = g_string_new(NULL);
	const char *cpath = NULL;
	int     opt, check = 0;

	while ((opt = getopt(argc, argv, "c:fnvhV")) != -1) {
		switch (opt) {
		case 'c': cpath = optarg; break;
		case 'f': d.foreground = 1; break;
		case 'n': check = 1; break;
		case 'v': msg_verbose++; break;
		case 'h': usage(0); break;
		case 'V': printf("dispatch (lme) %s\n", LME_VERSION); return 0;
		default: usage(EX_USAGE);
		}
	}
	if (optind < argc)
		usage(EX_USAGE);
	msg_init("dispatch", d.foreground || check);
	d.cpath = g_canonicalize_filename(conf_path(cpath), NULL);
	if ((d.conf = conf_load(d.cpath, why)) == NULL)
		msg_fatal(EX_CONFIG, "%s", why->str);
	d.bindir = dispatch_bindir(argv[0]);
	if (!privs_prepare(d.conf, why))
		msg_fatal(EX_CONFIG, "%s", why->str);
	if (!privs_drop(d.conf, why))
		msg_fatal(check ? EX_CONFIG : EX_NOPERM, "%s", why->str);
	if (check)
		return dispatch_check(&d);
	dispatch_signals();
	return dispatch_run(&d);
}
