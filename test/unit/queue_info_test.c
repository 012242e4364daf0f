/* queue_info_test - queue_info(3) on a spool built here: states, ages,
 * reason files, printable fields, the metrics text.  argv[1]: a scratch
 * directory. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/text.h"
#include "global/queue_info.h"

static int failed;

#define CHECK(label, cond) do { \
	if (!(cond)) { printf("FAIL %s\n", label); failed++; } \
} while (0)
#define CHECK_STR(label, got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_strcmp0(g_, w_) != 0) { \
		printf("FAIL %s: got \"%s\", want \"%s\"\n", label, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
		failed++; \
	} \
} while (0)

/* put - write a file under root */
static void put(const char *root, const char *rel, const char *text, time_t mtime)
{
	char   *path = g_build_filename(root, rel, NULL);
	char   *dir = g_path_get_dirname(path);
	struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};

	g_mkdir_with_parents(dir, 0700);
	g_file_set_contents(path, text, -1, NULL);
	if (mtime)
		utimensat(AT_FDCWD, path, ts, 0);
	g_free(dir);
	g_free(path);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *in, *want;
	} printable[] = {
		{"plain", "plain"},
		{"tab\there", "tab?here"},
		{"esc\033[31m", "esc?[31m"},
		{"cr\r\nlf", "cr??lf"},
		{"", ""},
		{"caf\xc3\xa9", "caf\xc3\xa9"},
	};
	static const struct {
		const char *name;
		int     known, bad, smtp;
	} names[] = {
		{"mts-out", 1, 0, 1}, {"readyout", 1, 0, 1}, {"mail.box", 1, 0, 0},
		{"exchange.box", 1, 0, 0}, {"readyin", 1, 0, 1}, {"mts-in", 1, 0, 1},
		{"badmail", 1, 1, 1}, {"exchange.bad", 1, 1, 0}, {"../etc", 0, 0, 0},
		{"", 0, 0, 0}, {"BADMAIL", 0, 0, 0},
	};
	const char *root = argc > 1 ? argv[1] : "/tmp";
	time_t  now = time(NULL);
	char    rel[512], *p;
	struct queue_entry *e;
	struct queue_stats st;
	GPtrArray *l;
	GString *m;
	char   *spool = g_build_filename(argc > 1 ? argv[1] : "/tmp", "spool", NULL);
	char   *reason;
	size_t  i;

	for (i = 0; i < G_N_ELEMENTS(printable); i++) {
		p = text_printable(printable[i].in, 0, 0);
		CHECK_STR("printable", p, printable[i].want);
		g_free(p);
	}
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		CHECK(names[i].name, queue_info_known(names[i].name) == names[i].known);
		CHECK(names[i].name, !names[i].known || queue_info_is_bad(names[i].name) == names[i].bad);
		CHECK(names[i].name, !names[i].known || queue_info_is_smtp(names[i].name) == names[i].smtp);
	}

	/* readyout: one new (age 100), one deferred, one claimed, a stray */
	g_snprintf(rel, sizeof(rel), "spool/readyout/new/%lld.M1P1Q1.h", (long long)now - 100);
	put(root, rel, "lme-envelope 1\nid q1\nsender a@b\nrcpt smtp=x@y\nend\n\nbody\n", 0);
	g_snprintf(rel, sizeof(rel), "spool/readyout/new/%lld.M1P1Q2.h", (long long)now - 10);
	put(root, rel, "x", now + 3600);
	g_snprintf(rel, sizeof(rel), "spool/readyout/cur/%lld.M1P1Q3.h:99:h", (long long)now - 5);
	put(root, rel, "x", 0);
	put(root, "spool/readyout/new/.hidden", "x", 0);
	put(root, "spool/readyout/new/noid-file", "x", now - 50);
	l = queue_info_list(spool, "readyout", now, 1);
	CHECK("four messages", l->len == 4);
	if (l->len == 4) {
		e = g_ptr_array_index(l, 0);
		CHECK("oldest first: age from the id", now - e->born == 100);
		CHECK_STR("state", e->state, "new");
		CHECK_STR("sender", e->sender, "a@b");
		CHECK_STR("rcpts", e->rcpts, "x@y");
		e = g_ptr_array_index(l, 1);
		CHECK_STR("no time in the id: the mtime", e->id, "noid-file");
		CHECK("mtime age", now - e->born == 50);
		CHECK("bad envelope explained", e->error != NULL && e->sender == NULL);
		e = g_ptr_array_index(l, 2);
		CHECK_STR("deferred", e->state, "deferred");
		CHECK("due", e->due == now + 3600);
		e = g_ptr_array_index(l, 3);
		CHECK_STR("claimed", e->state, "claimed");
		CHECK("claimed id without :PID:HOST", strchr(e->id, ':') == NULL);
	}
	g_ptr_array_free(l, TRUE);

	/* badmail with a hostile reason file */
	g_snprintf(rel, sizeof(rel), "spool/badmail/new/%lld.M2P2Q2.h", (long long)now - 7);
	put(root, rel, "lme-envelope 1\nid q2\nsender \nrcpt smtp=x@y\nend\n", 0);
	g_snprintf(rel, sizeof(rel), "spool/badmail/new/%lld.M2P2Q2.h.reason", (long long)now - 7);
	put(root, rel, "id: x\nqueue: readyout\nstage: mexnts\ntime: T\nreason: bad \033]0;x\n", 0);
	g_snprintf(rel, sizeof(rel), "%lld.M2P2Q2.h", (long long)now - 7);
	e = queue_info_find(spool, rel, now);
	CHECK("found in badmail", e != NULL);
	if (e) {
		CHECK_STR("queue", e->queue, "badmail");
		CHECK_STR("null sender", e->sender, "");
		CHECK_STR("reason queue", e->reason_queue, "readyout");
		CHECK_STR("reason stage", e->reason_stage, "mexnts");
		CHECK_STR("reason printable", e->reason, "bad ?]0;x");
		queue_info_entry_free(e);
	}
	CHECK("a path is no id", queue_info_find(root, "../spool", now) == NULL);
	reason = g_strconcat(rel, ".reason", NULL);
	CHECK("reason file is no message", queue_info_find(spool, reason, now) == NULL);
	g_free(reason);

	queue_info_stats(spool, "readyout", now, &st);
	CHECK("stats messages", st.messages == 4);
	CHECK("stats oldest", st.oldest == 100);
	CHECK("stats deferred", st.deferred == 1);
	CHECK("stats claimed", st.claimed == 1);
	queue_info_stats(root, "nonesuch", now, &st);
	CHECK("missing queue is empty", st.messages == 0 && st.oldest == 0);

	m = g_string_new(NULL);
	queue_info_metrics(spool, now, m);
	CHECK("metrics messages", strstr(m->str, "\nlme_queue_messages{queue=\"readyout\"} 4\n") != NULL);
	CHECK("metrics oldest", strstr(m->str, "\nlme_queue_oldest_seconds{queue=\"readyout\"} 100\n") != NULL);
	CHECK("metrics badmail", strstr(m->str, "\nlme_queue_messages{queue=\"badmail\"} 1\n") != NULL);
	CHECK("metrics empty queue", strstr(m->str, "\nlme_queue_messages{queue=\"exchange.bad\"} 0\n") != NULL);
	CHECK("metrics type", g_str_has_prefix(m->str, "# HELP lme_queue_messages "));
	g_string_free(m, TRUE);
	g_free(spool);
	if (failed)
		return 1;
	printf("queue_info_test: all passed\n");
	return 0;
}
