/*++
 * NAME
 *	mexout_test 1
 * SUMMARY
 *	table-driven tests of lib/outbound/mexout.c helpers and dsn_notify_wants()
 * DESCRIPTION
 *	mexout_strip, text_printable (as the milter calls it), mexout_hops
 *	and dsn_notify_wants, each
 *	with a table of label, input and wanted result.  Prints one line per
 *	failure and "N tests, N failed"; exits 1 on any failure.
 *--*/
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "util/text.h"
#include "global/dsn.h"
#include "outbound/mexout.h"

static int failed, total;

/* check - count a result, report a failure */
static void check(const char *label, int ok, const char *got, const char *want)
{
	total++;
	if (!ok) {
		failed++;
		printf("FAIL %s: got \"%s\", want \"%s\"\n", label, got ? got : "(null)",
		       want ? want : "(null)");
	}
}

/* streq - equal strings, NULL included */
static int streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int main(void)
{
	static const struct { const char *label, *in, *want; } strips[] = {
		{"brackets", "<a@b.c>", "a@b.c"},
		{"bare", "a@b.c", "a@b.c"},
		{"null sender", "<>", ""},
		{"empty", "", ""},
		{"one bracket", "<a@b.c", "<a@b.c"},
		{"CR LF", "<a@b.c\r\nX: y>", NULL},
		{"tab", "a\t@b.c", NULL},
		{"DEL", "a\x7f@b.c", NULL},
	};
	static const struct { const char *label, *in; size_t max; const char *want; } cleans[] = {
		{"plain", "mx.example", 200, "mx.example"},
		{"controls", "a\r\nb\tc", 200, "a??b?c"},
		{"bounded", "abcdef", 3, "abc"},
		{"NULL", NULL, 10, ""},
	};
	static const struct { const char *label, *msg; int want; } hopss[] = {
		{"none", "Subject: x\n\nbody\n", 0},
		{"two", "Received: a\nReceived: b\nSubject: x\n\nReceived: in body\n", 2},
		{"folded", "Received: from a\n\tby b\nreceived: c\n\nb\n", 2},
		{"no body", "Received: a\n", 1},
		{"not a header", "X-Received: a\nReceivedX: b\n\n", 0},
	};
	static const struct { const char *label, *notify, *action; int want; } notifies[] = {
		{"default failed", NULL, "failed", 1},
		{"default delayed", NULL, "delayed", 1},
		{"default delivered", NULL, "delivered", 0},
		{"never", "NEVER", "failed", 0},
		{"success only", "SUCCESS", "failed", 0},
		{"success delivered", "SUCCESS", "delivered", 1},
		{"success relayed", "SUCCESS,FAILURE", "relayed", 1},
		{"case", "failure", "failed", 1},
		{"spaces", "DELAY, FAILURE", "failed", 1},
		{"delay only", "DELAY", "failed", 0},
	};
	size_t  i;

	g_mime_init();
	for (i = 0; i < G_N_ELEMENTS(strips); i++) {
		char   *got = mexout_strip(strips[i].in);

		check(strips[i].label, streq(got, strips[i].want), got, strips[i].want);
		g_free(got);
	}
	{
		char   *longaddr = g_strnfill(1200, 'a');
		char   *got = mexout_strip(longaddr);

		check("too long", got == NULL, got, NULL);
		g_free(got);
		g_free(longaddr);
	}
	for (i = 0; i < G_N_ELEMENTS(cleans); i++) {
		char   *got = text_printable(cleans[i].in, cleans[i].max, 0);

		check(cleans[i].label, streq(got, cleans[i].want), got, cleans[i].want);
		g_free(got);
	}
	for (i = 0; i < G_N_ELEMENTS(hopss); i++) {
		int     got = mexout_hops(hopss[i].msg, strlen(hopss[i].msg));
		char    g[16], w[16];

		snprintf(g, sizeof(g), "%d", got);
		snprintf(w, sizeof(w), "%d", hopss[i].want);
		check(hopss[i].label, got == hopss[i].want, g, w);
	}
	for (i = 0; i < G_N_ELEMENTS(notifies); i++) {
		int     got = dsn_notify_wants(notifies[i].notify, notifies[i].action);

		check(notifies[i].label, got == notifies[i].want, got ? "yes" : "no",
		      notifies[i].want ? "yes" : "no");
	}
	printf("%d tests, %d failed\n", total, failed);
	g_mime_shutdown();
	return failed ? 1 : 0;
}
