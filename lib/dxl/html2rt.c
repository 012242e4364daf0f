/*++
 * NAME
 *	html2rt 3
 * SUMMARY
 *	HTML to DXL rich text, through libxml2's HTML parser
 * DESCRIPTION
 *	See html2rt.h.  The walk keeps the inherited inline state (style
 *	bits, link target, <pre>) and the paragraph style of the enclosing
 *	block; every block element ends the current paragraph before and
 *	after itself.
 *--*/
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "dxl/html2rt.h"

struct html2rt {
	struct rtwrite *rt;
	int     style;			/* RTEXT_* bits in force */
	const char *href;		/* link target in force, or NULL */
	int     pre;			/* inside <pre> */
	int     def;			/* paragraph style of the enclosing block */
	int     tables;			/* open tables */
	html2rt_cid_fn cid;
	void   *ctx;
};

static void html2rt_walk(struct html2rt *h, xmlNodePtr node, int depth);

/* html2rt_is - element name is one of the NULL-terminated names */
static int html2rt_is(const char *name, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(name, *names) == 0)
			return 1;
	return 0;
}

/* html2rt_attr - an attribute's value (xmlFree), or NULL */
static char *html2rt_attr(xmlNodePtr node, const char *name)
{
	return (char *)xmlGetProp(node, BAD_CAST name);
}

/* html2rt_int_attr - a small positive integer attribute, clamped */
static int html2rt_int_attr(xmlNodePtr node, const char *name, int max)
{
	char   *v = html2rt_attr(node, name);
	long    n = v ? strtol(v, NULL, 10) : 1;

	xmlFree(v);
	return n < 1 ? 1 : n > max ? max : (int)n;
}

/* html2rt_text - a text node: collapse white space unless in <pre> */
static void html2rt_text(struct html2rt *h, const char *text)
{
	GString *s;
	const char *p;

	if (!text || !*text)
		return;
	if (h->pre) {
		rtwrite_run(h->rt, text, -1, h->style, h->href);
		return;
	}
	s = g_string_new(NULL);
	for (p = text; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
			if (s->len ? s->str[s->len - 1] != ' ' : !h->rt->at_space)
				g_string_append_c(s, ' ');
		} else {
			g_string_append_c(s, *p);
		}
	}
	if (s->len)
		rtwrite_run(h->rt, s->str, (gssize)s->len, h->style, h->href);
	g_string_free(s, TRUE);
}

/* html2rt_children - walk every child of node */
static void html2rt_children(struct html2rt *h, xmlNodePtr node, int depth)
{
	xmlNodePtr c;

	for (c = node->children; c; c = c->next)
		html2rt_walk(h, c, depth + 1);
}

/* html2rt_block - a block element: its own paragraphs, style def */
static void html2rt_block(struct html2rt *h, xmlNodePtr node, int depth, int def, int style)
{
	int     odef = h->def, ostyle = h->style;

	rtwrite_par(h->rt, def);
	h->def = def;
	h->style |= style;
	html2rt_children(h, node, depth);
	h->style = ostyle;
	h->def = odef;
	rtwrite_par(h->rt, odef);
}

/* html2rt_link - <a href>: a urllink for the text inside */
static void html2rt_link(struct html2rt *h, xmlNodePtr node, int depth)
{
	char   *href = html2rt_attr(node, "href");
	const char *ohref = h->href;

	if (href) {
		g_strstrip(href);
		dxl_xml_safe(href);
		if (*href && strlen(href) <= 2048 && g_ascii_strncasecmp(href, "javascript:", 11) != 0
		    && g_ascii_strncasecmp(href, "vbscript:", 9) != 0
		    && g_ascii_strncasecmp(href, "data:", 5) != 0 && href[0] != '#')
			h->href = href;
	}
	html2rt_children(h, node, depth);
	h->href = ohref;
	xmlFree(href);
}

/* html2rt_img - an inline image: an attachment if it is a related part */
static void html2rt_img(struct html2rt *h, xmlNodePtr node)
{
	char   *src = html2rt_attr(node, "src");
	char   *alt = html2rt_attr(node, "alt");
	const char *name = NULL;
	char   *cid;

	if (src && g_ascii_strncasecmp(src, "cid:", 4) == 0 && h->cid) {
		cid = g_uri_unescape_string(src + 4, NULL);
		name = h->cid(h->ctx, cid ? cid : src + 4);
		g_free(cid);
	}
	if (name)
		rtwrite_attachment(h->rt, name);
	else if (alt && *alt)
		html2rt_text(h, alt);
	xmlFree(src);
	xmlFree(alt);
}

/* html2rt_row_cells - the number of columns a <tr> spans */
static int html2rt_row_cells(xmlNodePtr tr)
{
	xmlNodePtr c;
	int     n = 0;

	for (c = tr->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && (xmlStrEqual(c->name, BAD_CAST "td")
						    || xmlStrEqual(c->name, BAD_CAST "th")))
			n += html2rt_int_attr(c, "colspan", HTML2RT_MAX_COLUMNS);
	return n;
}

/* html2rt_rows - the <tr> elements of a table, through thead/tbody/tfoot */
static GPtrArray *html2rt_rows(xmlNodePtr table)
{
	GPtrArray *rows = g_ptr_array_new();
	xmlNodePtr c, r;

	for (c = table->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(c->name, BAD_CAST "tr")) {
			g_ptr_array_add(rows, c);
		} else if (xmlStrEqual(c->name, BAD_CAST "thead") || xmlStrEqual(c->name, BAD_CAST "tbody")
			   || xmlStrEqual(c->name, BAD_CAST "tfoot")) {
			for (r = c->children; r; r = r->next)
				if (r->type == XML_ELEMENT_NODE && xmlStrEqual(r->name, BAD_CAST "tr"))
					g_ptr_array_add(rows, r);
		}
	}
	return rows;
}

/* html2rt_is_table_part - rows and their groups, columns, blank text */
static int html2rt_is_table_part(xmlNodePtr c)
{
	static const char *const parts[] = {"tr", "thead", "tbody", "tfoot", "colgroup", "col", NULL};
	const xmlChar *p;

	if (c->type == XML_TEXT_NODE) {
		for (p = c->content; p && *p; p++)
			if (!(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
				return 0;
		return 1;
	}
	return c->type != XML_ELEMENT_NODE || html2rt_is((const char *)c->name, parts);
}

/* html2rt_block_node - one node in a paragraph of its own */
static void html2rt_block_node(struct html2rt *h, xmlNodePtr node, int depth, int style)
{
	int     odef = h->def, ostyle = h->style;

	rtwrite_par(h->rt, odef);
	h->style |= style;
	html2rt_walk(h, node, depth);
	h->style = ostyle;
	rtwrite_par(h->rt, odef);
}

/* html2rt_table - a <table> as a DXL table; captions and stray content
 * before it */
static void html2rt_table(struct html2rt *h, xmlNodePtr node, int depth)
{
	GPtrArray *rows;
	xmlNodePtr tr, c;
	int     ncols = 0, n, odef = h->def, ostyle = h->style;
	guint   i;

	if (h->tables >= HTML2RT_MAX_TABLES) {
		html2rt_block(h, node, depth, h->def, 0);
		return;
	}
	rows = html2rt_rows(node);
	for (i = 0; i < rows->len; i++)
		if ((n = html2rt_row_cells(rows->pdata[i])) > ncols)
			ncols = n;
	if (ncols == 0) {			/* no cells: whatever it holds, as blocks */
		g_ptr_array_free(rows, TRUE);
		html2rt_block(h, node, depth, h->def, 0);
		return;
	}
	for (c = node->children; c; c = c->next)	/* captions, stray content: before it */
		if (!html2rt_is_table_part(c))
			html2rt_block_node(h, c, depth + 1,
					   c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "caption")
					   ? RTWRITE_BOLD : 0);
	if (ncols > HTML2RT_MAX_COLUMNS)
		ncols = HTML2RT_MAX_COLUMNS;
	h->tables++;
	rtwrite_table_begin(h->rt, ncols);
	for (i = 0; i < rows->len; i++) {
		tr = rows->pdata[i];
		if (html2rt_row_cells(tr) == 0)
			continue;
		rtwrite_row_begin(h->rt);
		for (c = tr->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE || !(xmlStrEqual(c->name, BAD_CAST "td")
							     || xmlStrEqual(c->name, BAD_CAST "th")))
				continue;
			rtwrite_cell_begin(h->rt, html2rt_int_attr(c, "colspan", HTML2RT_MAX_COLUMNS),
					 html2rt_int_attr(c, "rowspan", 1000));
			h->def = RTWRITE_PAR_NORMAL;
			if (xmlStrEqual(c->name, BAD_CAST "th"))
				h->style |= RTWRITE_BOLD;
			html2rt_children(h, c, depth + 2);
			h->style = ostyle;
			h->def = odef;
			rtwrite_cell_end(h->rt);
		}
		rtwrite_row_end(h->rt);
	}
	rtwrite_table_end(h->rt);
	h->tables--;
	rtwrite_par(h->rt, odef);
	g_ptr_array_free(rows, TRUE);
}

/* html2rt_list - <ul>/<ol>: their <li> take the list's paragraph style */
static void html2rt_list(struct html2rt *h, xmlNodePtr node, int depth, int def)
{
	int     odef = h->def;

	rtwrite_par(h->rt, def);
	h->def = def;
	html2rt_children(h, node, depth);
	h->def = odef;
	rtwrite_par(h->rt, odef);
}

/* html2rt_element - one element */
static void html2rt_element(struct html2rt *h, xmlNodePtr node, int depth)
{
	static const char *const dropped[] = {"head", "script", "style", "title", "template",
		"meta", "link", "object", "embed", "applet", "iframe", "frameset", "select", NULL};
	static const char *const blocks[] = {"p", "div", "center", "address", "section", "article",
		"header", "footer", "main", "nav", "aside", "figure", "figcaption", "form", "fieldset",
		"legend", "dl", "dt", "tr", "td", "th", "caption", "body", "html", "details",
		"summary", "noscript", NULL};
	static const char *const headings[] = {"h1", "h2", "h3", "h4", "h5", "h6", NULL};
	static const char *const bold[] = {"b", "strong", NULL};
	static const char *const italic[] = {"i", "em", "cite", "var", "dfn", NULL};
	static const char *const underline[] = {"u", "ins", NULL};
	static const char *const mono[] = {"tt", "code", "kbd", "samp", NULL};
	const char *name = (const char *)node->name;
	int     ostyle = h->style;
	xmlChar *all;

	if (depth > HTML2RT_MAX_DEPTH) {
		all = xmlNodeGetContent(node);
		html2rt_text(h, (const char *)all);
		xmlFree(all);
		return;
	}
	if (html2rt_is(name, dropped))
		return;
	if (strcmp(name, "br") == 0) {
		rtwrite_break(h->rt);
	} else if (strcmp(name, "hr") == 0) {
		rtwrite_rule(h->rt);
		rtwrite_par(h->rt, h->def);
	} else if (strcmp(name, "img") == 0) {
		html2rt_img(h, node);
	} else if (strcmp(name, "a") == 0) {
		html2rt_link(h, node, depth);
	} else if (strcmp(name, "table") == 0) {
		html2rt_table(h, node, depth);
	} else if (strcmp(name, "ul") == 0 || strcmp(name, "menu") == 0 || strcmp(name, "dir") == 0) {
		html2rt_list(h, node, depth, RTWRITE_PAR_BULLET);
	} else if (strcmp(name, "ol") == 0) {
		html2rt_list(h, node, depth, RTWRITE_PAR_NUMBER);
	} else if (strcmp(name, "li") == 0) {
		html2rt_block(h, node, depth, h->def == RTWRITE_PAR_NUMBER ? RTWRITE_PAR_NUMBER
			      : RTWRITE_PAR_BULLET, 0);
	} else if (strcmp(name, "blockquote") == 0 || strcmp(name, "dd") == 0) {
		html2rt_block(h, node, depth, RTWRITE_PAR_QUOTE, 0);
	} else if (strcmp(name, "pre") == 0 || strcmp(name, "xmp") == 0 || strcmp(name, "listing") == 0) {
		h->pre++;
		html2rt_block(h, node, depth, RTWRITE_PAR_CODE, RTWRITE_MONO);
		h->pre--;
	} else if (html2rt_is(name, headings)) {
		html2rt_block(h, node, depth, h->def, RTWRITE_BOLD);
	} else if (html2rt_is(name, blocks)) {
		html2rt_block(h, node, depth, h->def, 0);
	} else {
		if (html2rt_is(name, bold))
			h->style |= RTWRITE_BOLD;
		else if (html2rt_is(name, italic))
			h->style |= RTWRITE_ITALIC;
		else if (html2rt_is(name, underline))
			h->style |= RTWRITE_UNDERLINE;
		else if (html2rt_is(name, mono))
			h->style |= RTWRITE_MONO;
		html2rt_children(h, node, depth);
		h->style = ostyle;
	}
}

/* html2rt_walk - one node of the tree */
static void html2rt_walk(struct html2rt *h, xmlNodePtr node, int depth)
{
	switch (node->type) {
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		html2rt_text(h, (const char *)node->content);
		break;
	case XML_ELEMENT_NODE:
		html2rt_element(h, node, depth);
		break;
	default:
		break;
	}
}

int html2rt_render(struct rtwrite *rt, const char *html, gsize len, html2rt_cid_fn cid, void *ctx)
{
	struct html2rt h = {.rt = rt, .def = RTWRITE_PAR_NORMAL, .cid = cid, .ctx = ctx};
	htmlParserCtxtPtr ctxt;
	htmlDocPtr doc;
	xmlNodePtr root;
	int     stopped;

	if (len == 0 || len > INT_MAX)
		return 0;
	if ((ctxt = htmlNewParserCtxt()) == NULL)
		return 0;
	doc = htmlCtxtReadMemory(ctxt, html, (int)len, NULL, "UTF-8", HTML_PARSE_NONET
				 | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC
				 | HTML_PARSE_COMPACT);
	stopped = ctxt->disableSAX || ctxt->errNo == XML_ERR_USER_STOP;
	htmlFreeParserCtxt(ctxt);
	if (doc && stopped) {			/* e.g. too deep: the rest would be lost */
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc)
		return 0;
	if ((root = xmlDocGetRootElement(doc)) == NULL) {
		xmlFreeDoc(doc);
		return 0;
	}
	rtwrite_par(rt, RTWRITE_PAR_NORMAL);
	html2rt_walk(&h, root, 0);
	rtwrite_par(rt, RTWRITE_PAR_NORMAL);
	xmlFreeDoc(doc);
	return 1;
}
