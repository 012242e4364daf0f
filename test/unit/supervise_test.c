/* supervise_test - the back-off and schedule arithmetic of supervise(3),
 * with a clock of the test's choosing (no process is started). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "util/supervise.h"

static int failed;

#define CHECK(label, got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) { \
		printf("FAIL %s: got %lld, want %lld\n", label, g_, w_); \
		failed++; \
	} \
} while (0)

/* run_once - pretend c ran from start for up seconds and exited */
static struct supervise_child *run_once(struct supervise *sv, struct supervise_child *c,
					time_t start, int up, int status)
{
	c->pid = 4242;
	c->started = start;
	return supervise_exited(sv, 4242, status, start + up);
}

int main(void)
{
	static const struct {
		const char *label;
		int     up;			/* seconds the child stayed up */
		int     want;		/* back-off after its exit */
	} steps[] = {
		{"first crash", 0, 1},
		{"second crash", 0, 2},
		{"third crash", 1, 4},
		{"fourth", 0, 8},
		{"fifth", 0, 16},
		{"sixth", 0, 32},
		{"capped", 0, 60},
		{"stays capped", 59, 60},
		{"stable run resets", 60, 1},
		{"doubles again", 0, 2},
	};
	char   *argv[] = {"mexnts", "-c", "x", NULL};
	struct supervise *sv = supervise_new();
	struct supervise_child *c = supervise_add(sv, "mexnts", "/bin/false", argv, 0), *d;
	time_t  t = 1000000;
	size_t  i;
	char   *s;

	CHECK("due at once", supervise_timeout(sv, t), 0);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		d = run_once(sv, c, t, steps[i].up, 1 << 8);
		CHECK(steps[i].label, d == c, 1);
		CHECK(steps[i].label, c->backoff, steps[i].want);
		CHECK(steps[i].label, c->due, t + steps[i].up + steps[i].want);
		t += 1000;
	}
	CHECK("restarts counted", c->restarts, sizeof(steps) / sizeof(steps[0]));
	CHECK("not ours", supervise_exited(sv, 999, 0, t) == NULL, 1);

	/* a periodic job: due period seconds after its last start */
	d = supervise_add(sv, "dxa", "/bin/true", argv, 300);
	run_once(sv, d, t, 10, 0);
	CHECK("periodic due", d->due, t + 300);
	run_once(sv, d, t, 400, 2 << 8);
	CHECK("overran its period: due now", d->due, t + 400);
	CHECK("periodic not a restart", d->restarts, 0);
	CHECK("timeout: the earliest", supervise_timeout(sv, t + 400), 0);
	CHECK("running not counted", supervise_running(sv), 0);
	CHECK("remove", supervise_remove(sv, "dxa"), 1);
	CHECK("gone", supervise_find(sv, "dxa") == NULL, 1);

	s = supervise_status(3 << 8);
	CHECK("status text", g_strcmp0(s, "status 3"), 0);
	g_free(s);
	s = supervise_status(9);
	CHECK("signal text", g_str_has_prefix(s, "signal 9 ("), 1);
	g_free(s);
	supervise_free(sv);
	if (failed)
		return 1;
	printf("supervise_test: all passed\n");
	return 0;
}
