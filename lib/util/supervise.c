/*++
 * NAME
 *	supervise 3
 * SUMMARY
 *	the child table of dispatch: start, restart with back-off, schedule
 * DESCRIPTION
 *	See supervise.h.
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/supervise.h"

/* supervise_child_free - release one entry */
static void supervise_child_free(gpointer p)
{
	struct supervise_child *c = p;

	g_free(c->name);
	g_free(c->path);
	g_strfreev(c->argv);
	g_free(c);
}

struct supervise *supervise_new(void)
{
	struct supervise *sv = g_new0(struct supervise, 1);

	sv->children = g_ptr_array_new_with_free_func(supervise_child_free);
	return sv;
}

void supervise_free(struct supervise *sv)
{
	if (!sv)
		return;
	g_ptr_array_free(sv->children, TRUE);
	g_free(sv);
}

struct supervise_child *supervise_find(const struct supervise *sv, const char *name)
{
	guint   i;

	for (i = 0; i < sv->children->len; i++) {
		struct supervise_child *c = g_ptr_array_index(sv->children, i);

		if (strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

struct supervise_child *supervise_add(struct supervise *sv, const char *name,
				      const char *path, char *const argv[], int period)
{
	struct supervise_child *c = supervise_find(sv, name);

	if (!c) {
		c = g_new0(struct supervise_child, 1);
		c->name = g_strdup(name);
		c->last_status = -1;
		c->due = 0;
		g_ptr_array_add(sv->children, c);
	}
	g_free(c->path);
	c->path = g_strdup(path);
	g_strfreev(c->argv);
	c->argv = g_strdupv((char **)argv);
	if (c->period != period && c->pid == 0 && period > 0)
		c->due = c->started ? c->started + period : 0;
	c->period = period;
	return c;
}

int supervise_remove(struct supervise *sv, const char *name)
{
	struct supervise_child *c = supervise_find(sv, name);

	if (!c || c->pid)
		return 0;
	g_ptr_array_remove(sv->children, c);
	return 1;
}

/* supervise_next_backoff - the restart delay after an exit or a failed
 * start: the minimum after a stable run, else double the last one */
static int supervise_next_backoff(struct supervise_child *c, time_t now)
{
	if (c->backoff == 0 || (c->started && now - c->started >= SUPERVISE_STABLE))
		return SUPERVISE_BACKOFF_MIN;
	return c->backoff * 2 > SUPERVISE_BACKOFF_MAX ? SUPERVISE_BACKOFF_MAX : c->backoff * 2;
}

/* supervise_exec - in the child: clean signal state, stdin from
 * /dev/null, then become the program; never returns */
static void supervise_exec(const struct supervise_child *c, pid_t parent)
{
	sigset_t none;
	int     sig, fd;

	/* should the supervisor die without a word, its children stop too */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);

	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((fd = open("/dev/null", O_RDONLY)) >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	execv(c->path, c->argv);
	_exit(127);
}

int supervise_start(struct supervise_child *c, time_t now, GString *why)
{
	pid_t   parent = getpid();
	pid_t   pid = fork();

	if (pid < 0) {
		g_string_printf(why, "start %s: fork: %s", c->name, g_strerror(errno));
		c->backoff = supervise_next_backoff(c, now);
		c->due = now + c->backoff;
		return 0;
	}
	if (pid == 0)
		supervise_exec(c, parent);
	c->pid = pid;
	c->started = now;
	return 1;
}

struct supervise_child *supervise_exited(struct supervise *sv, pid_t pid, int status,
					 time_t now)
{
	guint   i;

	for (i = 0; i < sv->children->len; i++) {
		struct supervise_child *c = g_ptr_array_index(sv->children, i);

		if (c->pid != pid || pid <= 0)
			continue;
		c->pid = 0;
		c->last_status = status;
		c->last_exit = now;
		if (c->period > 0) {
			c->due = c->started + c->period > now ? c->started + c->period : now;
		} else {
			c->backoff = supervise_next_backoff(c, now);
			c->due = now + c->backoff;
			c->restarts++;
		}
		return c;
	}
	return NULL;
}

int supervise_timeout(const struct supervise *sv, time_t now)
{
	guint   i;
	int     best = -1;

	for (i = 0; i < sv->children->len; i++) {
		const struct supervise_child *c = g_ptr_array_index(sv->children, i);
		int     t;

		if (c->pid)
			continue;
		t = c->due <= now ? 0 : (int)(c->due - now);
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

int supervise_kill(const struct supervise *sv, int sig, int services_only)
{
	guint   i;
	int     n = 0;

	for (i = 0; i < sv->children->len; i++) {
		const struct supervise_child *c = g_ptr_array_index(sv->children, i);

		if (c->pid > 0 && !(services_only && c->period > 0) && kill(c->pid, sig) == 0)
			n++;
	}
	return n;
}

int supervise_running(const struct supervise *sv)
{
	guint   i;
	int     n = 0;

	for (i = 0; i < sv->children->len; i++)
		if (((const struct supervise_child *)g_ptr_array_index(sv->children, i))->pid)
			n++;
	return n;
}

char   *supervise_status(int status)
{
	if (WIFEXITED(status))
		return g_strdup_printf("status %d", WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return g_strdup_printf("signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	return g_strdup_printf("wait status %d", status);
}

/* supervise_exit_code - the exit code a shell would show for a status */
static int supervise_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

void supervise_metrics(const struct supervise *sv, GString *out)
{
	static const char *const help[][2] = {
		{"lme_child_up", "1 when the child is running."},
		{"lme_child_restarts_total", "Restarts of the child after it exited."},
		{"lme_child_last_start_timestamp_seconds", "Time the child was last started."},
		{"lme_child_last_exit_code", "Exit code of the child's last run (128+N: signal N)."},
	};
	size_t  k;
	guint   i;

	for (k = 0; k < G_N_ELEMENTS(help); k++) {
		g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", help[k][0], help[k][1],
				       help[k][0], k == 1 ? "counter" : "gauge");
		for (i = 0; i < sv->children->len; i++) {
			const struct supervise_child *c = g_ptr_array_index(sv->children, i);
			long long v;

			switch (k) {
			case 0: v = c->pid ? 1 : 0; break;
			case 1: v = c->restarts; break;
			case 2: v = (long long)c->started; break;
			default:
				if (c->last_exit == 0)
					continue;
				v = supervise_exit_code(c->last_status);
			}
			g_string_append_printf(out, "%s{child=\"%s\"} %lld\n", help[k][0], c->name, v);
		}
	}
}
