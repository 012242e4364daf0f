/*++
 * NAME
 *	text_test 1
 * SUMMARY
 *	table-driven test of text_printable()
 * SYNOPSIS
 *	text_test
 * DESCRIPTION
 *	Each case gives an input, a bound, flags and the wanted output;
 *	prints "not ok" for each difference and exits 1 if any.
 *--*/
#include <glib.h>

#include "util/text.h"
#include "unit.h"

struct text_case {
	const char *in;
	size_t  max;
	int     flags;
	const char *want;
};

static const struct text_case cases[] = {
	{NULL, 0, 0, ""},
	{"", 10, 0, ""},
	{"plain text", 0, 0, "plain text"},
	/* controls and DEL become '?', 8-bit stays */
	{"a\r\nBcc: b\tc\x7f\x01", 0, 0, "a??Bcc: b?c??"},
	{"caf\xc3\xa9 \xff", 0, 0, "caf\xc3\xa9 \xff"},
	/* a space for words; tabs kept on request */
	{"550 bad\nSubject: x\tz", 0, TEXT_SPACE, "550 bad Subject: x z"},
	{"a\tb\nc", 0, TEXT_TAB, "a\tb?c"},
	{"a\tb\nc", 0, TEXT_TAB | TEXT_SPACE, "a\tb c"},
	/* the bound, in bytes */
	{"abcdef", 3, 0, "abc"},
	{"abc", 3, 0, "abc"},
	{"ab\ncdef", 4, 0, "ab?c"},
	/* a cut character stays whole or goes, with TEXT_UTF8 only */
	{"ab\xc3\xa9", 3, TEXT_UTF8, "ab"},
	{"ab\xc3\xa9", 4, TEXT_UTF8, "ab\xc3\xa9"},
	{"ab\xc3\xa9", 3, 0, "ab\xc3"},
	/* invalid UTF-8 made valid, controls replaced after */
	{"x\xff\ny", 0, TEXT_UTF8 | TEXT_SPACE, "x\xef\xbf\xbd y"},
	{"\xe2\x82\xac\x01", 0, TEXT_UTF8, "\xe2\x82\xac?"},
};

int main(void)
{
	size_t  i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char   *got = text_printable(cases[i].in, cases[i].max, cases[i].flags);
		char    label[32];

		g_snprintf(label, sizeof(label), "case %zu", i);
		CHECK_STR(got, cases[i].want, label);
		if (cases[i].flags & TEXT_UTF8)
			CHECK(g_utf8_validate(got, -1, NULL), "%s: not valid UTF-8", label);
		g_free(got);
	}
	return unit_done("text_test");
}
