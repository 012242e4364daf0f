/*
 * html2rt_test - HTML and plain rich text through rtwrite(3) and html2rt(3):
 * each case renders one HTML text and checks substrings of the DXL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dxl/html2rt.h"
#include "dxl/rtwrite.h"

struct test_case {
	const char *label;
	const char *html;
	const char *want[4];		/* substrings of the output */
	const char *refuse;		/* must not appear, or NULL */
};

static const struct test_case cases[] = {
	{"paragraph and runs", "<p>a <b>b <i>bi</i></b> <u>u</u></p>",
	 {"<par def=\"1\">a <run><font style=\"bold\"/>b </run><run><font style=\"bold italic\"/>bi</run> "
	  "<run><font style=\"underline\"/>u</run></par>"}, NULL},
	{"white space collapsed", "<p>  one\n\n   two  </p>", {"<par def=\"1\">one two </par>"}, NULL},
	{"link", "<a href='http://x.example/?a=1&amp;b'>go <b>there</b></a>",
	 {"<urllink href=\"http://x.example/?a=1&amp;b\">go <run><font style=\"bold\"/>there</run></urllink>"}, NULL},
	{"javascript link dropped", "<a href='javascript:evil()'>x</a>", {"<par def=\"1\">x</par>"}, "urllink"},
	{"lists", "<ul><li>a</li><li>b<ol><li>c</li></ol></li></ul>",
	 {"<par def=\"2\">a</par><par def=\"2\">b</par><par def=\"3\">c</par>"}, NULL},
	{"table", "<table><tr><td>1</td><td>2</td></tr><tr><td colspan=2>3</td></tr></table>",
	 {"<tablecolumn width=\"50%\"/><tablecolumn width=\"50%\"/>",
	  "<tablecell><par def=\"1\">1</par></tablecell>", "<tablecell columnspan=\"2\"><par def=\"1\">3</par>"}, NULL},
	{"empty table", "<table></table><p>after</p>", {"<par def=\"1\">after</par>"}, "<table"},
	{"script and style dropped", "<style>x{}</style><script>bad()</script><p>ok</p>", {"ok"}, "bad"},
	{"br and hr", "a<br>b<hr>c", {"a<break/>b</par><par def=\"1\"><horizrule/></par><par def=\"1\">c"}, NULL},
	{"cid image", "<img src='cid:pic@x' alt='A'><img src='http://remote/' alt='remote'>",
	 {"<attachmentref name=\"pic.png\" displayname=\"pic.png\"/>remote"}, "http://remote"},
	{"table in a paragraph", "<p>x<table><tr><td>y</td></tr></table>z</p>",
	 {"<par def=\"1\">x</par><table", "</table><par def=\"1\">z</par>"}, NULL},
	{"table holding a table, no rows", "<table><table><tr><td>in</td></tr></table></table>",
	 {"<tablecell><par def=\"1\">in</par></tablecell>"}, NULL},
	{"caption and stray text before the table", "<table>stray<caption>cap</caption><tr><td>c</td></tr></table>",
	 {"<par def=\"1\">stray</par>", "<run><font style=\"bold\"/>cap</run></par><table"}, NULL},
	{"too deep for the parser: refused, not half shown", NULL, {NULL}, NULL},
	{"control characters", "<p>a\x01" "b</p>", {"<par def=\"1\">ab</par>"}, "\x01"},
};

/* cid - the test's related parts */
static const char *cid(void *ctx, const char *id)
{
	return strcmp(id, "pic@x") == 0 ? "pic.png" : NULL;
}

/* render - one case to a string (free) */
static char *render(const char *html)
{
	char   *buf = NULL;
	size_t  len = 0;
	FILE   *fp = open_memstream(&buf, &len);
	struct dxl_writer *w = dxl_writer_new(fp, "document");
	struct rtwrite rt;

	dxl_item_begin(w, "Body", 0);
	rtwrite_begin(&rt, w);
	if (!html2rt_render(&rt, html, strlen(html), cid, NULL))
		fprintf(stderr, "render failed\n");
	rtwrite_end(&rt);
	dxl_item_end(w);
	if (!dxl_writer_finish(w))
		fprintf(stderr, "writer failed\n");
	fclose(fp);
	return buf;
}

int main(void)
{
	size_t  i, j;
	int     failed = 0;
	char   *out;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!cases[i].html) {		/* the deep case: html2rt_render() says no */
			GString *deep = g_string_new(NULL);
			struct rtwrite rt;
			char   *buf = NULL;
			size_t  len = 0;
			FILE   *fp = open_memstream(&buf, &len);
			struct dxl_writer *w = dxl_writer_new(fp, "document");
			int     k;

			for (k = 0; k < 5000; k++)
				g_string_append(deep, "<div>");
			g_string_append(deep, "deep");
			rtwrite_begin(&rt, w);
			if (html2rt_render(&rt, deep->str, deep->len, cid, NULL)) {
				printf("FAIL %s\n", cases[i].label);
				failed++;
			}
			rtwrite_end(&rt);
			dxl_writer_finish(w);
			fclose(fp);
			free(buf);
			g_string_free(deep, TRUE);
			continue;
		}
		out = render(cases[i].html);
		for (j = 0; j < 4 && cases[i].want[j]; j++) {
			if (!strstr(out, cases[i].want[j])) {
				printf("FAIL %s: want %s\n  in %s\n", cases[i].label, cases[i].want[j], out);
				failed++;
			}
		}
		if (cases[i].refuse && strstr(out, cases[i].refuse)) {
			printf("FAIL %s: refuse %s\n  in %s\n", cases[i].label, cases[i].refuse, out);
			failed++;
		}
		free(out);
	}
	printf("%zu passed, %d failed\n", i - (size_t)failed, failed);
	return failed ? 1 : 0;
}
