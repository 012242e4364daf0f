/* spool_test - the maildir queue protocol, including a crash between
 * every two steps of a hand-off from one queue to the next. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "global/spool.h"
#include "unit.h"

#define BODY "Subject: test\n\nthe whole message, to the last byte.\n"

static char *root;

/* count - regular files in q/sub, each checked to hold all of BODY */
static int count(const char *q, const char *sub, int *partial)
{
	char   *path = g_build_filename(root, q, sub, NULL);
	DIR    *d = opendir(path);
	struct dirent *e;
	int     n = 0;

	if (!d) {
		g_free(path);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		char   *f, *data = NULL;
		gsize   len;

		if (e->d_name[0] == '.')
			continue;
		n++;
		f = g_build_filename(path, e->d_name, NULL);
		if (partial && (!g_file_get_contents(f, &data, &len, NULL) || strcmp(data, BODY) != 0))
			(*partial)++;
		g_free(data);
		g_free(f);
	}
	closedir(d);
	g_free(path);
	return n;
}

static int crash_at, steps, batched;
static void crash_hook(const char *step)
{
	if (++steps == crash_at)
		_exit(42);
}

/* handoff - produce into "a", then move the message to "b" as a stage
 * does: claim, write the output, remove the claim.  Writes 'A' to ackfd
 * when the producer's commit returned (the message was acknowledged). */
static void handoff(int ackfd)
{
	GString *why = g_string_new(NULL);
	struct spool_queue *a = spool_open(root, "a", why), *b = spool_open(root, "b", why);
	struct spool_writer *w;
	struct spool_claim *c;
	char   *id = spool_new_id();

	if (!a || !b || (w = spool_create(a, id, why)) == NULL)
		_exit(2);
	fputs(BODY, w->fp);
	if (!spool_commit(w, why))
		_exit(3);
	if (write(ackfd, "A", 1) != 1)
		_exit(4);
	if ((c = spool_claim(a, id, why)) == NULL)
		_exit(5);
	if (batched)
		spool_batch_begin();
	if ((w = spool_create(b, id, why)) == NULL)
		_exit(6);
	{
		FILE   *in = fopen(c->path, "r");
		char    buf[256];
		size_t  n;

		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, w->fp);
		fclose(in);
	}
	if (!spool_commit(w, why))
		_exit(7);
	if (batched) {
		char   *p = g_build_filename(root, "b", "new", id, NULL);

		if (access(p, F_OK) == 0)	/* visible before durable */
			_exit(8);
		g_free(p);
		if (!spool_batch_end(why))
			_exit(9);
	}
	if (!spool_done(c, why))
		_exit(10);
	_exit(0);
}

static void test_crashes(int batch)
{
	int     k;

	batched = batch;
	for (k = 1; k <= 12; k++) {
		int     pfd[2], status, acked = 0, partial = 0, na, nb;
		char    ch;
		pid_t   pid;
		GString *why = g_string_new(NULL);
		struct spool_queue *a, *b;
		char   *cmd = g_strdup_printf("rm -rf %s/a %s/b", root, root);

		if (system(cmd) != 0)
			CHECK(0, "rm");
		g_free(cmd);
		if (pipe(pfd) != 0)
			abort();
		if ((pid = fork()) == 0) {
			close(pfd[0]);
			crash_at = k;
			steps = 0;
			spool_test_hook = crash_hook;
			handoff(pfd[1]);
		}
		close(pfd[1]);
		if (read(pfd[0], &ch, 1) == 1)
			acked = 1;
		close(pfd[0]);
		waitpid(pid, &status, 0);
		/* start-up of the next worker: return dead claims and tmp files */
		a = spool_open(root, "a", why);
		b = spool_open(root, "b", why);
		spool_recover(a, NULL);
		spool_recover(b, NULL);
		na = count("a", "new", &partial);
		nb = count("b", "new", &partial);
		CHECK(partial == 0, "crash at step %d: a partial file reached new/", k);
		CHECK(!WIFEXITED(status) || WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 42,
		      "crash at step %d%s: the hand-off failed (%d)", k, batch ? " (batch)" : "",
		      WEXITSTATUS(status));
		CHECK(count("a", "tmp", NULL) == 0 && count("b", "tmp", NULL) == 0,
		      "crash at step %d: tmp/ not cleaned", k);
		CHECK(count("a", "cur", NULL) == 0 && count("b", "cur", NULL) == 0,
		      "crash at step %d: a dead claim was not returned", k);
		if (acked)
			CHECK(na + nb >= 1, "crash at step %d: acknowledged message lost", k);
		CHECK(na + nb <= 2 && na <= 1 && nb <= 1, "crash at step %d: %d+%d copies", k, na, nb);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			CHECK(na == 0 && nb == 1, "no crash (k=%d): want the message in b only", k);
		spool_close(a);
		spool_close(b);
		g_string_free(why, TRUE);
	}
}

static void test_defer_reject(void)
{
	GString *why = g_string_new(NULL);
	struct spool_queue *q = spool_open(root, "q", why), *bad = spool_open(root, "bad", why);
	struct spool_writer *w;
	struct spool_claim *c;
	GPtrArray *ready;
	time_t  next;
	char   *id = spool_new_id(), *reason, *data = NULL;

	CHECK(q && bad, "open: %s", why->str);
	CHECK(spool_id_ok(id), "new id %s is a valid id", id);
	CHECK(!spool_id_ok("../x") && !spool_id_ok("a:b") && !spool_id_ok(".x") && !spool_id_ok(""),
	      "hostile ids refused");
	w = spool_create(q, id, why);
	fputs(BODY, w->fp);
	CHECK(spool_commit(w, why), "commit: %s", why->str);
	ready = spool_ready(q, time(NULL), &next);
	CHECK(ready->len == 1 && next == 0, "one message ready");
	g_ptr_array_free(ready, TRUE);
	c = spool_claim(q, id, why);
	CHECK(c != NULL, "claim");
	CHECK(spool_claim(q, id, why) == NULL && why->len == 0, "second claim of the same id fails quietly");
	CHECK(spool_defer(c, 100, why), "defer: %s", why->str);
	ready = spool_ready(q, time(NULL), &next);
	CHECK(ready->len == 0 && next >= time(NULL) + 90, "deferred message not ready, due later");
	g_ptr_array_free(ready, TRUE);
	ready = spool_ready(q, time(NULL) + 200, &next);
	CHECK(ready->len == 1, "deferred message due after its time");
	g_ptr_array_free(ready, TRUE);
	c = spool_claim(q, id, why);
	CHECK(spool_reject(c, bad, "test", "bad\nthing", why), "reject: %s", why->str);
	CHECK(count("q", "new", NULL) == 0 && count("bad", "new", NULL) == 2, "message and reason in bad");
	reason = g_strdup_printf("%s/bad/new/%s.reason", root, id);
	CHECK(g_file_get_contents(reason, &data, NULL, NULL) && strstr(data, "queue: q\n")
	      && strstr(data, "reason: bad thing\n"), "reason file names queue and reason on one line");
	ready = spool_ready(bad, time(NULL), &next);
	CHECK(ready->len == 1, "reason files are not messages");
	g_ptr_array_free(ready, TRUE);
	g_free(data);
	g_free(reason);
	g_free(id);
	spool_close(q);
	spool_close(bad);
	g_string_free(why, TRUE);
}

static void test_modes(void)
{
	GString *why = g_string_new(NULL);
	struct spool_queue *q = spool_open(root, "modes", why);
	struct stat st;
	char   *p = g_build_filename(root, "modes", "new", NULL);

	CHECK(q && stat(p, &st) == 0 && (st.st_mode & 0777) == 0700, "queue directories are 0700");
	g_free(p);
	spool_close(q);
	p = g_build_filename(root, "afile", NULL);
	g_file_set_contents(p, "x", 1, NULL);
	CHECK(spool_open(p, "q", why) == NULL && strstr(why->str, p), "a file in the way is an error naming it");
	g_free(p);
	g_string_free(why, TRUE);
}

int main(int argc, char **argv)
{
	char    tmpl[] = "/tmp/spool_test.XXXXXX";

	root = argc > 1 ? argv[1] : mkdtemp(tmpl);
	test_modes();
	test_defer_reject();
	test_crashes(0);
	test_crashes(1);
	return unit_done("spool_test");
}
