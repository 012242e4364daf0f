/* spool_pid_test - spool_recover() and a claim whose pid is alive: when
 * the process with that pid started after the claim was made, the pid was
 * reused and the claim is a dead worker's (back to new/); when it started
 * before, the claim is live work (left alone).  The reused pid is made by
 * writing PID-1 to /proc/sys/kernel/ns_last_pid before a fork: root only
 * (exits 77 otherwise). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "global/spool.h"
#include "unit.h"

#define NS_LAST_PID "/proc/sys/kernel/ns_last_pid"
#define WAIT_MS 60			/* between the claim and the fork */

static char *root;

/* sleeper - a child that waits to be killed */
static pid_t sleeper(void)
{
	pid_t   pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

/* reap - kill and wait for a child */
static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* sleeper_as - a child with pid want, or -1 (another fork took it) */
static pid_t sleeper_as(pid_t want)
{
	char    buf[32];
	pid_t   pid;

	int     fd, ok;

	snprintf(buf, sizeof(buf), "%ld", (long)want - 1);
	if ((fd = open(NS_LAST_PID, O_WRONLY)) < 0)
		return -1;
	ok = write(fd, buf, strlen(buf)) == (ssize_t)strlen(buf);
	close(fd);
	if (!ok)
		return -1;
	if ((pid = sleeper()) != want) {
		reap(pid);
		return -1;
	}
	return pid;
}

/* free_pid - a pid that nobody has now, a little ahead of the last one */
static pid_t free_pid(int attempt)
{
	char   *data = NULL;
	long    last, pid;

	if (!g_file_get_contents(NS_LAST_PID, &data, NULL, NULL))
		return -1;
	last = strtol(data, NULL, 10);
	g_free(data);
	for (pid = last + 50 + attempt * 10; pid < 32000; pid++)
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			return (pid_t)pid;
	for (pid = 300; pid < last; pid++)
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			return (pid_t)pid;
	return -1;
}

/* claim_as - a message in q claimed, its claim renamed to carry pid;
 * returns its id */
static char *claim_as(struct spool_queue *q, pid_t pid)
{
	GString *why = g_string_new(NULL);
	char   *id = spool_new_id(), *name, *to, *colon;
	struct spool_writer *w = spool_create(q, id, why);
	struct spool_claim *c;

	fputs("Subject: pid test\n\nbody\n", w->fp);
	CHECK(spool_commit(w, why), "commit: %s", why->str);
	c = spool_claim(q, id, why);
	CHECK(c != NULL, "claim: %s", why->str);
	/* cur/ID:OURPID:HOST -> cur/ID:PID:HOST (a rename: ctime is now) */
	name = g_path_get_basename(c->path);
	colon = strchr(strchr(name, ':') + 1, ':');
	to = g_strdup_printf("%s/%s/cur/%s:%ld%s", root, "q", id, (long)pid, colon);
	CHECK(rename(c->path, to) == 0, "rename %s %s: %s", c->path, to, g_strerror(errno));
	spool_claim_free(c);
	g_free(name);
	g_free(to);
	g_string_free(why, TRUE);
	return id;
}

/* where - "new", "cur" or "gone": where message id is in q */
static const char *where(const char *id)
{
	char   *path = g_build_filename(root, "q", "new", id, NULL);
	char   *cur = g_build_filename(root, "q", "cur", NULL);
	const char *res = "gone";
	GDir   *d;
	const char *n;

	if (access(path, F_OK) == 0)
		res = "new";
	else if ((d = g_dir_open(cur, 0, NULL)) != NULL) {
		while ((n = g_dir_read_name(d)) != NULL)
			if (g_str_has_prefix(n, id) && n[strlen(id)] == ':')
				res = "cur";
		g_dir_close(d);
	}
	g_free(path);
	g_free(cur);
	return res;
}

int main(int argc, char **argv)
{
	GString *why = g_string_new(NULL);
	struct spool_queue *q;
	struct timespec pause_ts = {0, WAIT_MS * 1000000L};
	pid_t   child = -1, want;
	char   *id;
	int     attempt, n;

	if (argc != 2) {
		fprintf(stderr, "usage: spool_pid_test DIR\n");
		return 2;
	}
	if (geteuid() != 0 || access(NS_LAST_PID, W_OK) != 0) {
		printf("spool_pid_test: skipped: needs root and a writable %s\n", NS_LAST_PID);
		return 77;
	}
	root = argv[1];
	q = spool_open(root, "q", why);
	CHECK(q != NULL, "open: %s", why->str);
	if (!q)
		return unit_done("spool_pid_test");

	/* a claim, then (later) a new process with the claim's pid: reused */
	for (attempt = 0; attempt < 20 && child < 0; attempt++) {
		if ((want = free_pid(attempt)) < 0)
			continue;
		id = claim_as(q, want);
		nanosleep(&pause_ts, NULL);
		if ((child = sleeper_as(want)) < 0) {
			/* another fork took the pid: a claim of a dead pid; clear it */
			spool_recover(q, NULL);
			g_free(id);
		}
	}
	CHECK(child > 0, "could not fork a child with a chosen pid in 20 attempts");
	if (child > 0) {
		CHECK(kill(child, 0) == 0, "the child %ld is alive", (long)child);
		n = spool_recover(q, NULL);
		CHECK(n == 1, "reused pid %ld: %d claims returned, want 1", (long)child, n);
		CHECK_STR(where(id), "new", "a claim of a reused pid, after spool_recover");
		reap(child);
		spool_recover(q, NULL);	/* the claim, had it been left: now dead */
		g_free(id);
	}

	/* a process, then (later) its claim: live work, left alone */
	child = sleeper();
	nanosleep(&pause_ts, NULL);
	id = claim_as(q, child);
	n = spool_recover(q, NULL);
	CHECK(n == 0, "live pid %ld: %d claims returned, want 0", (long)child, n);
	CHECK_STR(where(id), "cur", "a claim of a live worker, after spool_recover");
	/* and once that worker is gone, its claim comes back */
	reap(child);
	n = spool_recover(q, NULL);
	CHECK(n == 1, "dead pid %ld: %d claims returned, want 1", (long)child, n);
	CHECK_STR(where(id), "new", "a claim of a dead worker, after spool_recover");
	g_free(id);

	spool_close(q);
	g_string_free(why, TRUE);
	return unit_done("spool_pid_test");
}
