/*++
 * NAME
 *	supervise 3
 * SUMMARY
 *	the child table of dispatch: start, restart with back-off, schedule
 * DESCRIPTION
 *	A supervisor keeps one entry per program it runs.  A service entry
 *	(period 0) is a long-running stage: when it exits, whatever the
 *	status, it is started again after a back-off that begins at
 *	SUPERVISE_BACKOFF_MIN seconds and doubles up to SUPERVISE_BACKOFF_MAX;
 *	a child that stayed up SUPERVISE_STABLE seconds or more starts
 *	over at the minimum.  A periodic entry (period > 0, dxa) is a job:
 *	it is started every period seconds, counted from its last start,
 *	never two at once; how it exited does not change the schedule.
 *
 *	Nothing here waits, sleeps or logs: the caller passes the time in,
 *	reaps with waitpid() and logs what supervise_exited() tells it.
 *	That keeps the module testable with a clock of the test's choosing.
 *
 *	supervise_start() forks and executes the child with the signal
 *	mask cleared, default signal dispositions and standard input from
 *	/dev/null; standard output and error are those of the supervisor.
 *	The child gets SIGTERM should the supervisor die (Linux parent-death
 *	signal), so that no stage outlives a killed supervisor.
 * DIAGNOSTICS
 *	supervise_start() returns 0 and explains in why when fork() fails;
 *	a failed execv() shows as an exit status of 127 (EX_UNAVAILABLE is
 *	not used: 127 is what shells report for a missing program).
 *--*/
#ifndef LME_SUPERVISE_H
#define LME_SUPERVISE_H

#include <sys/types.h>
#include <time.h>
#include <glib.h>

#define SUPERVISE_BACKOFF_MIN	1	/* seconds before the first restart */
#define SUPERVISE_BACKOFF_MAX	60	/* longest wait before a restart */
#define SUPERVISE_STABLE	60	/* up this long: back-off starts over */

struct supervise_child {
	char   *name;			/* e.g. "mexnts" */
	char   *path;			/* the executable */
	char  **argv;			/* NULL-terminated, argv[0] included */
	int     period;			/* seconds between runs; 0: a service */
	pid_t   pid;			/* running child, or 0 */
	time_t  started;		/* time of the last start */
	time_t  due;			/* next start, when not running */
	int     backoff;		/* delay before the next restart */
	unsigned restarts;		/* times restarted after an exit */
	int     last_status;		/* wait status of the last exit, -1: none */
	time_t  last_exit;		/* time of the last exit, 0: none */
};

struct supervise {
	GPtrArray *children;		/* of struct supervise_child */
};

/* supervise_new - an empty child table */
struct supervise *supervise_new(void);

/* supervise_free - forget the table (running children are not touched) */
void    supervise_free(struct supervise *sv);

/* supervise_add - add (or update the argv and period of) the entry
 * name; it is due at once; returns the entry */
struct supervise_child *supervise_add(struct supervise *sv, const char *name,
				      const char *path, char *const argv[], int period);

/* supervise_remove - drop entry name if it is not running; 1 if dropped */
int     supervise_remove(struct supervise *sv, const char *name);

/* supervise_find - the entry of name, or NULL */
struct supervise_child *supervise_find(const struct supervise *sv, const char *name);

/* supervise_start - fork and exec child c now; 0 and why on failure
 * (the entry is then due again after its back-off) */
int     supervise_start(struct supervise_child *c, time_t now, GString *why);

/* supervise_exited - record that pid exited with wait status status;
 * returns its entry (NULL: not ours) with due set to the next start */
struct supervise_child *supervise_exited(struct supervise *sv, pid_t pid, int status,
					 time_t now);

/* supervise_timeout - seconds until the next entry is due (0: now, -1:
 * nothing to start) */
int     supervise_timeout(const struct supervise *sv, time_t now);

/* supervise_kill - send sig to every running child; returns how many */
int     supervise_kill(const struct supervise *sv, int sig, int services_only);

/* supervise_running - the number of running children */
int     supervise_running(const struct supervise *sv);

/* supervise_metrics - append the children's gauges (up, restarts, last
 * start, last exit status) to out in the Prometheus text format */
void    supervise_metrics(const struct supervise *sv, GString *out);

/* supervise_status - "status N" or "signal N (NAME)" for a wait status */
char   *supervise_status(int status);

#endif
