/* msg_test - msg(3) on stderr: "prog[pid]: level: text" lines, the
 * program's base name, debug only with -v, a bounded line, msg_fatal's
 * exit code. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "util/msg.h"
#include "unit.h"

static FILE *cap;

/* capture - what fn writes to stderr */
static char *capture(void (*fn)(void))
{
	char   *out;
	long    n;
	int     saved = dup(2);

	rewind(cap);
	if (ftruncate(fileno(cap), 0) != 0)
		return g_strdup("");
	fflush(stderr);
	dup2(fileno(cap), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = lseek(fileno(cap), 0, SEEK_END);
	out = g_malloc0((gsize)n + 1);
	if (pread(fileno(cap), out, (size_t)n, 0) != n)
		out[0] = 0;
	return out;
}

static void say_info(void) { msg_info("%s: status=%s", "1.M1P1Q1.h", "sent"); }
static void say_warn(void) { msg_warn("disk %d%% full", 99); }
static void say_error(void) { msg_error("cannot %s", "open"); }
static void say_debug(void) { msg_debug("detail %d", 7); }
static void say_long(void)
{
	char   *big = g_strnfill(10000, 'x');

	msg_info("%s", big);
	g_free(big);
}

int main(void)
{
	char   *want, *got;
	pid_t   pid;
	int     status;
	static const struct { const char *label; void (*fn)(void); const char *fmt; } lines[] = {
		{"info", say_info, "1.M1P1Q1.h: status=sent\n"},
		{"warn", say_warn, "warning: disk 99% full\n"},
		{"error", say_error, "error: cannot open\n"},
	};
	size_t  i;

	cap = tmpfile();
	msg_init("/usr/local/sbin/mexnts", 1);
	CHECK_STR(msg_prog(), "mexnts", "base name");
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		got = capture(lines[i].fn);
		want = g_strdup_printf("mexnts[%ld]: %s", (long)getpid(), lines[i].fmt);
		CHECK_STR(got, want, lines[i].label);
		g_free(want);
		g_free(got);
	}

	msg_verbose = 0;
	got = capture(say_debug);
	CHECK_STR(got, "", "debug without -v");
	g_free(got);
	msg_verbose = 1;
	got = capture(say_debug);
	want = g_strdup_printf("mexnts[%ld]: debug: detail 7\n", (long)getpid());
	CHECK_STR(got, want, "debug with -v");
	g_free(want);
	g_free(got);
	msg_verbose = 0;

	/* a line longer than the buffer is cut, never overflows: one line */
	got = capture(say_long);
	CHECK(strlen(got) < 4200 && strlen(got) > 4000, "long line: %zu bytes", strlen(got));
	CHECK(strchr(got, '\n') == got + strlen(got) - 1, "long line is one line");
	g_free(got);

	msg_init("dxa", 1);
	CHECK_STR(msg_prog(), "dxa", "plain name");

	/* msg_fatal: the message, then exit with the code given */
	fflush(stdout);
	if ((pid = fork()) == 0) {
		dup2(fileno(cap), 2);
		msg_fatal(78, "bad %s", "config");
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 78,
	      "fatal exit status %d", status);
	fclose(cap);
	return unit_done("msg_test");
}
