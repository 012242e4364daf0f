/*++
 * NAME
 *	rt2html_test 1
 * SUMMARY
 *	tests of lib/dxl/rt2html: rendering, escaping, notes:// URLs, depth bound
 *--*/
#include <stdio.h>
#include <string.h>

#include "dxl/dxl.h"
#include "dxl/rt2html.h"

static int failures;

#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	failures++; } } while (0)

/* render - plain and HTML of a <richtext> given as XML; NULL if it fails */
static struct rt2html *render(const char *xml, char **html)
{
	GString *why = g_string_new(NULL);
	xmlDocPtr doc = dxl_parse_memory(xml, strlen(xml), why);
	struct rt2html *rt = rt2html_new();
	int     ok = doc && rt2html_render(rt, xmlDocGetRootElement(doc), why);

	*html = ok ? rt2html_html(rt) : NULL;
	xmlFreeDoc(doc);
	g_string_free(why, TRUE);
	if (!ok) {
		rt2html_free(rt);
		return NULL;
	}
	return rt;
}

static void test_render(void)
{
	char   *html;
	struct rt2html *rt;
	GString *deep;
	int     i;

	rt = render("<richtext><par>a <run><font style='bold underline' color='#FF0000'/>b</run>"
		    "<urllink href='javascript:alert(1)'>c</urllink>"
		    "<urllink href='http://x.example/?q=&quot;&gt;'>d</urllink></par></richtext>", &html);
	CHECK(rt != NULL);
	if (rt) {
		CHECK(strcmp(rt->plain->str, "a bcd\n") == 0);
		CHECK(strstr(html, "<span style=\"color:#FF0000;\"><b><u>b</u></b></span>") != NULL);
		CHECK(strstr(html, "javascript") == NULL);	/* not a link */
		CHECK(strstr(html, "<a href") == NULL);	/* a quote in the URL: no link */
		rt2html_free(rt);
		g_free(html);
	}
	/* hostile font attributes are dropped, never pasted */
	rt = render("<richtext><par><run><font color='red;background:url(x)' size='9pt;x'/>t</run>"
		    "</par></richtext>", &html);
	CHECK(rt && strstr(html, "style") == NULL);
	if (rt) {
		rt2html_free(rt);
		g_free(html);
	}
	/* list paragraphs: consecutive items share a list */
	rt = render("<richtext><pardef id='1'/><pardef id='2' list='bullet'/>"
		    "<pardef id='3' list='number'/><par def='1'>a</par><par def='2'>b</par>"
		    "<par def='2'>c</par><par def='3'>d</par><par def='3'>e</par></richtext>", &html);
	CHECK(rt && strcmp(rt->plain->str, "a\n* b\n* c\n1. d\n2. e\n") == 0);
	CHECK(rt && strstr(html, "<ul>\n<li>b</li>\n<li>c</li>\n</ul>") != NULL);
	CHECK(rt && strstr(html, "<ol>\n<li>d</li>\n<li>e</li>\n</ol>") != NULL);
	if (rt) {
		rt2html_free(rt);
		g_free(html);
	}
	/* nesting beyond the bound fails */
	deep = g_string_new("<richtext><par>");
	for (i = 0; i < RT2HTML_MAX_DEPTH + 5; i++)
		g_string_append(deep, "<run>");
	g_string_append(deep, "x");
	for (i = 0; i < RT2HTML_MAX_DEPTH + 5; i++)
		g_string_append(deep, "</run>");
	g_string_append(deep, "</par></richtext>");
	CHECK(render(deep->str, &html) == NULL);
	g_string_free(deep, TRUE);
}

static void test_url(void)
{
	char   *u;

	u = rt2html_notes_url("CN=Mail 1/O=Acme", "86258E8000474322", NULL,
			       "ABCDEF0123456789ABCDEF0123456789");
	CHECK(strcmp(u, "notes://Mail%201/86258E8000474322/0/ABCDEF0123456789ABCDEF0123456789") == 0);
	g_free(u);
	u = rt2html_notes_url(NULL, "86258E8000474322", NULL, NULL);
	CHECK(strcmp(u, "notes:///86258E8000474322") == 0);
	g_free(u);
}

int main(void)
{
	test_render();
	test_url();
	printf("%s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
