/*++
 * NAME
 *	rt2html 3
 * SUMMARY
 *	DXL rich text to text/plain and text/html
 * DESCRIPTION
 *	See rt2html.h.  The HTML is a libxml2 tree: text goes in with
 *	xmlNodeAddContent() and attributes with xmlNewProp(), and libxml2's
 *	HTML serializer escapes both on output.
 *--*/
#include <string.h>

#include <libxml/HTMLtree.h>

#include "dxl/dxl.h"
#include "dxl/rt2html.h"

struct rt_walk {
	struct rt2html *rt;
	GString *why;
	int     depth;
	int     failed;
	GHashTable *lists;		/* pardef id -> "bullet", "number", ... */
	xmlNodePtr list;		/* the <ul>/<ol> being filled, or NULL */
	int     item;			/* its items so far */
};

static void rt_block(struct rt_walk *w, const xmlNode *node, xmlNodePtr out);
static void rt_inline(struct rt_walk *w, const xmlNode *node, xmlNodePtr out);
static void rt_walk_init(struct rt_walk *w, struct rt2html *rt, GString *why);

/* rt_prop - an attribute's value (g_free), or NULL */
static char *rt_prop(const xmlNode *node, const char *name)
{
	xmlChar *v = xmlGetProp(node, BAD_CAST name);
	char   *s = v ? g_strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* rt_hex - s (colons dropped) is n hex digits: the upper-case digits, or NULL */
static char *rt_hex(const char *s, size_t n)
{
	GString *h;

	if (!s)
		return NULL;
	h = g_string_new(NULL);
	for (; *s; s++) {
		if (*s == ':')
			continue;
		if (!g_ascii_isxdigit(*s) || h->len >= n) {
			g_string_free(h, TRUE);
			return NULL;
		}
		g_string_append_c(h, g_ascii_toupper(*s));
	}
	if (h->len != n) {
		g_string_free(h, TRUE);
		return NULL;
	}
	return g_string_free(h, FALSE);
}

struct rt2html *rt2html_new(void)
{
	struct rt2html *rt = g_new0(struct rt2html, 1);
	xmlNodePtr root, head;

	rt->plain = g_string_new(NULL);
	rt->html = htmlNewDocNoDtD(NULL, NULL);
	root = xmlNewDocNode(rt->html, NULL, BAD_CAST "html", NULL);
	xmlDocSetRootElement(rt->html, root);
	head = xmlNewChild(root, NULL, BAD_CAST "head", NULL);
	(void)head;
	htmlSetMetaEncoding(rt->html, BAD_CAST "UTF-8");
	rt->body = xmlNewChild(root, NULL, BAD_CAST "body", NULL);
	rt->doclinks = g_ptr_array_new();
	rt->attachrefs = g_ptr_array_new();
	return rt;
}

/* rt2html_doclink_free - one doclink */
static void rt2html_doclink_free(struct rt2html_doclink *d)
{
	g_free(d->url);
	g_free(d->server);
	g_free(d->replica);
	g_free(d->view);
	g_free(d->document);
	g_free(d->description);
	g_free(d);
}

void rt2html_free(struct rt2html *rt)
{
	if (!rt)
		return;
	g_string_free(rt->plain, TRUE);
	xmlFreeDoc(rt->html);
	g_ptr_array_foreach(rt->doclinks, (GFunc)(void (*)(void))rt2html_doclink_free, NULL);
	g_ptr_array_free(rt->doclinks, TRUE);
	g_ptr_array_free(rt->attachrefs, TRUE);
	g_free(rt);
}

char   *rt2html_notes_url(const char *server, const char *replica, const char *view,
			   const char *document)
{
	GString *u = g_string_new("notes://");
	char   *cn = NULL, *esc;
	const char *p;

	if (server && *server) {
		p = server;
		if (g_ascii_strncasecmp(p, "CN=", 3) == 0)
			p += 3;
		cn = g_strndup(p, strcspn(p, "/@"));
		esc = g_uri_escape_string(cn, NULL, FALSE);
		g_string_append(u, esc);
		g_free(esc);
		g_free(cn);
	}
	g_string_append_printf(u, "/%s", replica ? replica : "0");
	if (document || view)
		g_string_append_printf(u, "/%s", view ? view : "0");
	if (document)
		g_string_append_printf(u, "/%s", document);
	return g_string_free(u, FALSE);
}

/* rt_add - text to the plain rendering and to the HTML node out */
static void rt_add(struct rt_walk *w, xmlNodePtr out, const char *text)
{
	g_string_append(w->rt->plain, text);
	xmlNodeAddContent(out, BAD_CAST text);
}

/* rt_newline - a line break in both renderings */
static void rt_newline(struct rt_walk *w, xmlNodePtr out)
{
	g_string_append_c(w->rt->plain, '\n');
	xmlNewChild(out, NULL, BAD_CAST "br", NULL);
}

/* rt_enter - one level deeper; 0 when too deep */
static int rt_enter(struct rt_walk *w)
{
	if (w->failed)
		return 0;
	if (++w->depth > RT2HTML_MAX_DEPTH) {
		g_string_printf(w->why, "rich text nested deeper than %d levels", RT2HTML_MAX_DEPTH);
		w->failed = 1;
		return 0;
	}
	return 1;
}

/* rt_color_ok - a colour name or #rrggbb, not "system" */
static int rt_color_ok(const char *c)
{
	size_t  i, n = strlen(c);

	if (c[0] == '#') {
		if (n != 7)
			return 0;
		for (i = 1; i < n; i++)
			if (!g_ascii_isxdigit(c[i]))
				return 0;
		return 1;
	}
	if (n == 0 || n > 20 || strcmp(c, "system") == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!g_ascii_isalpha(c[i]))
			return 0;
	return 1;
}

/* rt_size_ok - 1 to 3 digits and "pt" */
static int rt_size_ok(const char *s)
{
	size_t  n = strspn(s, "0123456789");

	return n >= 1 && n <= 3 && strcmp(s + n, "pt") == 0;
}

/* rt_font - wrap out in elements for a <font>; the innermost */
static xmlNodePtr rt_font(const xmlNode *font, xmlNodePtr out)
{
	static const char *const map[][2] = {
		{"bold", "b"}, {"italic", "i"}, {"underline", "u"},
		{"strikethrough", "s"}, {"superscript", "sup"}, {"subscript", "sub"},
	};
	char   *style = rt_prop(font, "style"), *color = rt_prop(font, "color");
	char   *size = rt_prop(font, "size");
	char  **tok, **t;
	GString *css = g_string_new(NULL);
	size_t  i;

	if (color && rt_color_ok(color))
		g_string_append_printf(css, "color:%s;", color);
	if (size && rt_size_ok(size))
		g_string_append_printf(css, "font-size:%s;", size);
	if (css->len) {
		out = xmlNewChild(out, NULL, BAD_CAST "span", NULL);
		xmlNewProp(out, BAD_CAST "style", BAD_CAST css->str);
	}
	if (style) {
		tok = g_strsplit_set(style, " \t\n", -1);
		for (t = tok; *t; t++)
			for (i = 0; i < G_N_ELEMENTS(map); i++)
				if (strcmp(*t, map[i][0]) == 0)
					out = xmlNewChild(out, NULL, BAD_CAST map[i][1], NULL);
		g_strfreev(tok);
	}
	g_string_free(css, TRUE);
	g_free(style);
	g_free(color);
	g_free(size);
	return out;
}

/* rt_href_ok - a URL scheme we pass on as a link */
static int rt_href_ok(const char *href)
{
	static const char *const ok[] = {"http:", "https:", "ftp:", "mailto:", "notes:"};
	size_t  i;

	for (i = 0; i < G_N_ELEMENTS(ok); i++)
		if (g_ascii_strncasecmp(href, ok[i], strlen(ok[i])) == 0)
			return strpbrk(href, " \t\r\n\"<>") == NULL;
	return 0;
}

/* rt_link - an <a href> around the node's content; plain: " <href>" */
static void rt_link(struct rt_walk *w, const xmlNode *node, xmlNodePtr out, const char *href,
		    const char *fallback)
{
	xmlNodePtr a = xmlNewChild(out, NULL, BAD_CAST "a", NULL);
	gsize   before = w->rt->plain->len;

	xmlNewProp(a, BAD_CAST "href", BAD_CAST href);
	rt_inline(w, node, a);
	if (w->rt->plain->len == before)
		rt_add(w, a, fallback && *fallback ? fallback : href);
	if (strcmp(w->rt->plain->str + before, href) != 0)
		g_string_append_printf(w->rt->plain, " <%s>", href);
}

/* rt_doclink - a <doclink>: a notes:// link, recorded for an .ndl */
static void rt_doclink(struct rt_walk *w, const xmlNode *node, xmlNodePtr out)
{
	struct rt2html_doclink *d = g_new0(struct rt2html_doclink, 1);
	char   *rep = rt_prop(node, "database"), *view = rt_prop(node, "view");
	char   *doc = rt_prop(node, "document");

	d->server = rt_prop(node, "server");
	d->replica = rt_hex(rep, 16);
	d->view = rt_hex(view, 32);
	d->document = rt_hex(doc, 32);
	d->description = rt_prop(node, "description");
	d->url = rt2html_notes_url(d->server, d->replica, d->view, d->document);
	g_ptr_array_add(w->rt->doclinks, d);
	if (w->rt->doclink_text_only)
		rt_inline(w, node, out);
	else
		rt_link(w, node, out, d->url, d->description);
	g_free(rep);
	g_free(view);
	g_free(doc);
}

/* rt_attachmentref - [name] in both renderings; the node is recorded */
static void rt_attachmentref(struct rt_walk *w, const xmlNode *node, xmlNodePtr out)
{
	char   *name = rt_prop(node, "displayname"), *text;

	if (!name || !*name) {
		g_free(name);
		name = rt_prop(node, "name");
	}
	text = g_strdup_printf("[%s]", name ? name : "attachment");
	rt_add(w, out, text);
	g_ptr_array_add(w->rt->attachrefs, (gpointer)node);
	g_free(text);
	g_free(name);
}

/* rt_skipped - elements whose content is not text for the reader */
static int rt_skipped(const xmlNode *n)
{
	static const char *const skip[] = {
		"font", "code", "formula", "lotusscript", "javascript", "javaapplet",
		"objectref", "richtextdata", "imagedata", "gif", "jpeg", "png", "bmp", "notesbitmap",
		"cgm", "picture", "border", "tablecolumn", "tablerowstyle", "cellbackground",
		"parstyle", "compositedata", "formregionbegin", "formregionend", "subformref",
		"sharedfieldref", "anchor", "caption", "layer",
	};
	size_t  i;

	for (i = 0; i < G_N_ELEMENTS(skip); i++)
		if (dxl_name_is(n, skip[i]))
			return 1;
	return 0;
}

/* rt_nonxmlchar - a character XML cannot carry */
static void rt_nonxmlchar(struct rt_walk *w, const xmlNode *n, xmlNodePtr out)
{
	char   *v = rt_prop(n, "value");
	long    ch = v ? strtol(v, NULL, 16) : 0;

	if (ch == '\n' || ch == '\r')
		rt_newline(w, out);
	else if (ch == '\t')
		rt_add(w, out, "\t");
	g_free(v);
}

/* rt_table - a <table>: rows and cells */
static void rt_table(struct rt_walk *w, const xmlNode *table, xmlNodePtr out)
{
	xmlNodePtr t = xmlNewChild(out, NULL, BAD_CAST "table", NULL);
	const xmlNode *row, *cell;
	GString *plain = w->rt->plain;
	int     first;

	xmlNewProp(t, BAD_CAST "border", BAD_CAST "1");
	for (row = table->children; row; row = row->next) {
		xmlNodePtr tr;

		if (!dxl_name_is(row, "tablerow"))
			continue;
		tr = xmlNewChild(t, NULL, BAD_CAST "tr", NULL);
		first = 1;
		for (cell = row->children; cell; cell = cell->next) {
			xmlNodePtr td;

			if (!dxl_name_is(cell, "tablecell"))
				continue;
			if (!first)
				g_string_append_c(plain, '\t');
			first = 0;
			td = xmlNewChild(tr, NULL, BAD_CAST "td", NULL);
			rt_block(w, cell, td);
			while (plain->len && plain->str[plain->len - 1] == '\n')
				g_string_truncate(plain, plain->len - 1);
		}
		g_string_append_c(plain, '\n');
	}
}

/* rt_pardef - remember a paragraph definition that makes a list */
static void rt_pardef(struct rt_walk *w, const xmlNode *n)
{
	char   *id = rt_prop(n, "id"), *list = rt_prop(n, "list");

	if (id && list && strcmp(list, "none") != 0 && g_hash_table_size(w->lists) < 10000)
		g_hash_table_replace(w->lists, id, list);
	else {
		g_free(id);
		g_free(list);
	}
}

/* rt_par - a paragraph: <p>, or an item of a <ul>/<ol> when its pardef
 * is a list (consecutive items share the list) */
static void rt_par(struct rt_walk *w, const xmlNode *n, xmlNodePtr out)
{
	char   *def = rt_prop(n, "def");
	const char *list = def ? g_hash_table_lookup(w->lists, def) : NULL;
	int     numbered = list && (strcmp(list, "number") == 0 || strcmp(list, "alphaupper") == 0
				    || strcmp(list, "alphalower") == 0 || strcmp(list, "romanupper") == 0
				    || strcmp(list, "romanlower") == 0);
	const char *tag = numbered ? "ol" : "ul";
	xmlNodePtr p;

	g_free(def);
	if (!list) {
		w->list = NULL;
		p = xmlNewChild(out, NULL, BAD_CAST "p", NULL);
	} else {
		if (!w->list || w->list->parent != out || w->list != out->last
		    || strcmp((const char *)w->list->name, tag) != 0) {
			w->list = xmlNewChild(out, NULL, BAD_CAST tag, NULL);
			w->item = 0;
		}
		p = xmlNewChild(w->list, NULL, BAD_CAST "li", NULL);
		if (numbered)
			g_string_append_printf(w->rt->plain, "%d. ", ++w->item);
		else
			g_string_append(w->rt->plain, "* ");
	}
	rt_inline(w, n, p);
	g_string_append_c(w->rt->plain, '\n');
}

/* rt_element - one element in a paragraph or a block */
static void rt_element(struct rt_walk *w, const xmlNode *n, xmlNodePtr out)
{
	char   *href;

	if (dxl_name_is(n, "pardef")) {
		rt_pardef(w, n);
		return;
	}
	if (rt_skipped(n))
		return;
	if (dxl_name_is(n, "par")) {
		rt_par(w, n, out);
		return;
	}
	if (dxl_name_is(n, "table")) {
		if (rt_enter(w))
			rt_table(w, n, out);
		w->depth--;
	} else if (dxl_name_is(n, "section") || dxl_name_is(n, "block")) {
		rt_block(w, n, out);
	} else if (dxl_name_is(n, "sectiontitle")) {
		xmlNodePtr b = xmlNewChild(xmlNewChild(out, NULL, BAD_CAST "p", NULL), NULL,
					   BAD_CAST "b", NULL);

		rt_inline(w, n, b);
		g_string_append_c(w->rt->plain, '\n');
	} else if (dxl_name_is(n, "break")) {
		rt_newline(w, out);
	} else if (dxl_name_is(n, "run")) {
		rt_inline(w, n, rt_font(dxl_child(n, "font") ? dxl_child(n, "font") : n, out));
	} else if (dxl_name_is(n, "urllink")) {
		href = rt_prop(n, "href");
		if (href && rt_href_ok(href))
			rt_link(w, n, out, href, NULL);
		else
			rt_inline(w, n, out);
		g_free(href);
	} else if (dxl_name_is(n, "doclink")) {
		rt_doclink(w, n, out);
	} else if (dxl_name_is(n, "attachmentref")) {
		rt_attachmentref(w, n, out);
	} else if (dxl_name_is(n, "horizrule")) {
		xmlNewChild(out, NULL, BAD_CAST "hr", NULL);
		g_string_append(w->rt->plain, "\n----------------------------------------\n");
	} else if (dxl_name_is(n, "nonxmlchar")) {
		rt_nonxmlchar(w, n, out);
	} else {
		rt_inline(w, n, out);
	}
}

/* rt_inline - the content of a paragraph-level element */
static void rt_inline(struct rt_walk *w, const xmlNode *node, xmlNodePtr out)
{
	const xmlNode *n;

	if (!rt_enter(w)) {
		w->depth--;
		return;
	}
	for (n = node->children; n && !w->failed; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
			rt_add(w, out, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE)
			rt_element(w, n, out);
	}
	w->depth--;
}

/* rt_block - the content of a block container: whitespace text ignored */
static void rt_block(struct rt_walk *w, const xmlNode *node, xmlNodePtr out)
{
	const xmlNode *n;
	const char *p;

	if (!rt_enter(w)) {
		w->depth--;
		return;
	}
	for (n = node->children; n && !w->failed; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			for (p = (const char *)n->content; p && g_ascii_isspace(*p); p++)
				;
			if (p && *p)
				rt_add(w, out, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			rt_element(w, n, out);
		}
	}
	w->depth--;
}

/* rt_walk_init - a walk over rt */
static void rt_walk_init(struct rt_walk *w, struct rt2html *rt, GString *why)
{
	memset(w, 0, sizeof(*w));
	w->rt = rt;
	w->why = why;
	w->lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

int rt2html_render(struct rt2html *rt, const xmlNode *richtext, GString *why)
{
	struct rt_walk w;

	rt_walk_init(&w, rt, why);
	rt_block(&w, richtext, rt->body);
	g_hash_table_destroy(w.lists);
	return !w.failed;
}

void rt2html_append_text(struct rt2html *rt, const char *text)
{
	struct rt_walk w;
	xmlNodePtr p = xmlNewChild(rt->body, NULL, BAD_CAST "p", NULL);
	char  **lines = g_strsplit(text, "\n", -1), **l;

	rt_walk_init(&w, rt, NULL);
	for (l = lines; *l; l++) {
		if (l != lines)
			rt_newline(&w, p);
		rt_add(&w, p, *l);
	}
	g_string_append_c(rt->plain, '\n');
	g_strfreev(lines);
	g_hash_table_destroy(w.lists);
}

char   *rt2html_html(struct rt2html *rt)
{
	xmlChar *buf = NULL;
	int     len = 0;
	char   *s;

	htmlDocDumpMemoryFormat(rt->html, &buf, &len, 1);
	s = g_strndup((const char *)buf, buf ? (gsize)len : 0);
	xmlFree(buf);
	return s;
}
