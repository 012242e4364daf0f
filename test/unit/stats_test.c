/* stats_test - stats(3): samples written to <spool>/.stats/NAME.prom,
 * counters going on from the file, gauges not; stats_metrics() groups
 * by metric with "# TYPE" lines and leaves out a file it cannot trust. */
#include <sys/stat.h>
#include <unistd.h>

#include "util/stats.h"
#include "unit.h"

int main(int argc, char **argv)
{
	char    tmpl[] = "/tmp/stats_test.XXXXXX";
	const char *spool = argc > 1 ? argv[1] : mkdtemp(tmpl);
	char   *dir = g_build_filename(spool, STATS_DIR, NULL);
	char   *mine = g_build_filename(dir, "mexnts.prom", NULL);
	char   *other = g_build_filename(dir, "ntsmex.prom", NULL);
	char   *loose = g_build_filename(dir, "loose.prom", NULL);
	char   *data = NULL;
	GString *why = g_string_new(NULL), *out = g_string_new(NULL);
	struct stat st;

	umask(022);
	mkdir(spool, 0700);
	CHECK(mkdir(dir, 0700) == 0, "mkdir %s", dir);
	/* what an earlier run of this stage left: counters go on from it,
	 * gauges and junk lines do not */
	CHECK(g_file_set_contents(mine,
		"lme_stage_messages_total{stage=\"mexnts\",result=\"sent\"} 40\n"
		"lme_stage_busy{stage=\"mexnts\"} 5\n"
		"# a comment\n"
		"{junk} 7\n"
		"lme_stage_bogus_total 1e300\n", -1, NULL), "seed");
	chmod(mine, 0600);

	stats_add("lme_stage_messages_total{stage=\"mexnts\",result=\"sent\"}", 2);
	stats_add("lme_stage_messages_total{stage=\"mexnts\",result=\"sent\"}", 1);
	stats_add("lme_stage_messages_total{stage=\"mexnts\",result=\"rejected\"}", 1);
	stats_set("lme_stage_busy{stage=\"mexnts\"}", 0.5);
	CHECK(stats_write(spool, "mexnts", why), "write: %s", why->str);
	CHECK(!stats_write_due(), "a write just now is not due again");
	CHECK(g_file_get_contents(mine, &data, NULL, NULL), "read back");
	CHECK(data && strstr(data, "lme_stage_messages_total{stage=\"mexnts\",result=\"sent\"} 43\n"),
	      "counter goes on from 40: %s", data);
	CHECK(data && strstr(data, "result=\"rejected\"} 1\n"), "new counter: %s", data);
	CHECK(data && strstr(data, "lme_stage_busy{stage=\"mexnts\"} 0.5\n"), "gauge as set: %s", data);
	CHECK(data && !strstr(data, "junk") && !strstr(data, "bogus"), "junk resumed: %s", data);
	g_free(data);
	CHECK(stat(mine, &st) == 0 && (st.st_mode & 07777) == 0600, "mode %04o", st.st_mode & 07777);

	/* a second write of the same process does not add the file again */
	stats_add("lme_stage_messages_total{stage=\"mexnts\",result=\"sent\"}", 1);
	CHECK(stats_write(spool, "mexnts", why), "write 2: %s", why->str);
	CHECK(g_file_get_contents(mine, &data, NULL, NULL) &&
	      strstr(data, "result=\"sent\"} 44\n"), "second write: %s", data);
	g_free(data);

	/* another stage's file, and one others could write */
	CHECK(g_file_set_contents(other,
		"lme_stage_messages_total{stage=\"ntsmex\",result=\"sent\"} 9\n"
		"lme_queue_depth{queue=\"readyin\"} 3\n", -1, NULL), "other");
	chmod(other, 0600);
	CHECK(g_file_set_contents(loose, "lme_forged_total 1000\n", -1, NULL), "loose");
	chmod(loose, 0666);
	stats_metrics(spool, out);
	CHECK(strstr(out->str, "# TYPE lme_stage_messages_total counter\n") != NULL, "counter type: %s", out->str);
	CHECK(strstr(out->str, "# TYPE lme_stage_busy gauge\n") != NULL, "gauge type: %s", out->str);
	CHECK(strstr(out->str, "# TYPE lme_queue_depth gauge\nlme_queue_depth{queue=\"readyin\"} 3\n") != NULL,
	      "grouped: %s", out->str);
	{
		/* one TYPE line per metric, its samples together under it */
		const char *a = strstr(out->str, "# TYPE lme_stage_messages_total");
		const char *b = a ? strstr(a + 1, "# TYPE") : NULL;
		const char *s1 = strstr(out->str, "stage=\"ntsmex\",result=\"sent\"} 9");
		const char *s2 = strstr(out->str, "stage=\"mexnts\",result=\"sent\"} 44");

		CHECK(a && s1 && s2 && s1 > a && s2 > a && (!b || (s1 < b && s2 < b)),
		      "samples under their TYPE line: %s", out->str);
		CHECK(strstr(a ? a + 1 : out->str, "# TYPE lme_stage_messages_total") == NULL, "TYPE twice");
	}
	CHECK(strstr(out->str, "lme_forged_total 1000") == NULL, "untrusted file read: %s", out->str);
	CHECK(strstr(out->str, "# counter file ") != NULL && strstr(out->str, "loose.prom") != NULL,
	      "refusal said as a comment: %s", out->str);

	/* an oversized file is left out, not half read */
	{
		GString *big = g_string_new(NULL);
		char   *bigp = g_build_filename(dir, "big.prom", NULL);

		while (big->len <= STATS_FILE_MAX)
			g_string_append(big, "lme_big_total 1\n");
		CHECK(g_file_set_contents(bigp, big->str, (gssize)big->len, NULL), "big");
		chmod(bigp, 0600);
		g_string_truncate(out, 0);
		stats_metrics(spool, out);
		CHECK(strstr(out->str, "lme_big_total") == NULL, "oversized file read");
		unlink(bigp);
		g_free(bigp);
		g_string_free(big, TRUE);
	}

	/* a .stats directory others can write: nothing written, why says so */
	CHECK(chmod(dir, 0777) == 0, "chmod");
	g_string_truncate(why, 0);
	CHECK(!stats_write(spool, "mexnts", why), "wrote into a loose directory");
	CHECK(strstr(why->str, "counter directory") != NULL, "why: %s", why->str);
	chmod(dir, 0700);

	/* no .stats at all: metrics are empty, and the first write makes it */
	{
		char   *s2 = g_build_filename(spool, "fresh", NULL);
		char   *d2 = g_build_filename(s2, STATS_DIR, NULL);

		mkdir(s2, 0700);
		g_string_truncate(out, 0);
		stats_metrics(s2, out);
		CHECK(out->len == 0, "empty spool: %s", out->str);
		CHECK(stats_write(s2, "mexin", why), "fresh write: %s", why->str);
		CHECK(stat(d2, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 077) == 0,
		      ".stats mode %04o", st.st_mode & 07777);
		g_free(d2);
		g_free(s2);
	}
	g_string_free(out, TRUE);
	g_string_free(why, TRUE);
	g_free(mine);
	g_free(other);
	g_free(loose);
	g_free(dir);
	return unit_done("stats_test");
}
