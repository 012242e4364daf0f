/*++
 * NAME
 *	rtext 3
 * SUMMARY
 *	building a DXL rich text item, paragraph by paragraph
 * DESCRIPTION
 *	See rtext.h.
 *--*/
#include <string.h>

#include "rtext.h"

#define XW	(rt->w->xw)
#define OK(call) do { if ((call) < 0) rt->w->failed = 1; } while (0)

/* rtext_pardef - declare one paragraph style */
static void rtext_pardef(struct rtext *rt, int id, const char *list, const char *margin)
{
	OK(xmlTextWriterStartElement(XW, BAD_CAST "pardef"));
	OK(xmlTextWriterWriteFormatAttribute(XW, BAD_CAST "id", "%d", id));
	if (margin)
		OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "leftmargin", BAD_CAST margin));
	if (list)
		OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "list", BAD_CAST list));
	OK(xmlTextWriterEndElement(XW));
}

void rtext_begin(struct rtext *rt, struct dxl_writer *w)
{
	memset(rt, 0, sizeof(*rt));
	rt->w = w;
	rt->next_def = RTEXT_PAR_NORMAL;
	rt->at_space = 1;
	OK(xmlTextWriterStartElement(XW, BAD_CAST "richtext"));
	rtext_pardef(rt, RTEXT_PAR_NORMAL, NULL, NULL);
	rtext_pardef(rt, RTEXT_PAR_BULLET, "bullet", "0.5in");
	rtext_pardef(rt, RTEXT_PAR_NUMBER, "number", "0.5in");
	rtext_pardef(rt, RTEXT_PAR_QUOTE, NULL, "0.5in");
	rtext_pardef(rt, RTEXT_PAR_CODE, NULL, NULL);
}

/* rtext_link_close - close the open <urllink> */
static void rtext_link_close(struct rtext *rt)
{
	if (rt->link) {
		OK(xmlTextWriterEndElement(XW));
		g_free(rt->link);
		rt->link = NULL;
	}
}

/* rtext_open - make sure a paragraph is open */
static void rtext_open(struct rtext *rt)
{
	if (rt->in_par)
		return;
	OK(xmlTextWriterStartElement(XW, BAD_CAST "par"));
	OK(xmlTextWriterWriteFormatAttribute(XW, BAD_CAST "def", "%d", rt->next_def));
	rt->in_par = 1;
	rt->at_space = 1;
}

/* rtext_close - end the open paragraph, if any */
static void rtext_close(struct rtext *rt)
{
	rtext_link_close(rt);
	if (rt->in_par) {
		OK(xmlTextWriterEndElement(XW));
		rt->in_par = 0;
	}
	rt->at_space = 1;
}

void rtext_end(struct rtext *rt)
{
	rtext_close(rt);
	OK(xmlTextWriterEndElement(XW));
}

void rtext_par(struct rtext *rt, int def)
{
	rtext_close(rt);
	rt->next_def = def;
}

void rtext_run(struct rtext *rt, const char *text, gssize len, int style, const char *href)
{
	GString *st;

	if (len < 0)
		len = (gssize)strlen(text);
	if (len == 0)
		return;
	rtext_open(rt);
	if (rt->link && (!href || strcmp(href, rt->link) != 0))
		rtext_link_close(rt);
	if (href && !rt->link) {
		OK(xmlTextWriterStartElement(XW, BAD_CAST "urllink"));
		OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "href", BAD_CAST href));
		rt->link = g_strdup(href);
	}
	if (style) {
		st = g_string_new(NULL);
		if (style & RTEXT_BOLD)
			g_string_append(st, " bold");
		if (style & RTEXT_ITALIC)
			g_string_append(st, " italic");
		if (style & RTEXT_UNDERLINE)
			g_string_append(st, " underline");
		OK(xmlTextWriterStartElement(XW, BAD_CAST "run"));
		OK(xmlTextWriterStartElement(XW, BAD_CAST "font"));
		if (style & RTEXT_MONO)
			OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "name", BAD_CAST "Courier New"));
		if (st->len)
			OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "style", BAD_CAST st->str + 1));
		OK(xmlTextWriterEndElement(XW));
		dxl_text(rt->w, text, len);
		OK(xmlTextWriterEndElement(XW));
		g_string_free(st, TRUE);
	} else {
		dxl_text(rt->w, text, len);
	}
	rt->at_space = g_ascii_isspace(text[len - 1]);
}

void rtext_break(struct rtext *rt)
{
	rtext_open(rt);
	OK(xmlTextWriterStartElement(XW, BAD_CAST "break"));
	OK(xmlTextWriterEndElement(XW));
	rt->at_space = 1;
}

void rtext_empty_par(struct rtext *rt)
{
	rtext_close(rt);
	rtext_open(rt);
	rtext_close(rt);
}

void rtext_rule(struct rtext *rt)
{
	rtext_close(rt);
	rtext_open(rt);
	OK(xmlTextWriterStartElement(XW, BAD_CAST "horizrule"));
	OK(xmlTextWriterEndElement(XW));
	rtext_close(rt);
}

void rtext_attachment(struct rtext *rt, const char *name)
{
	rtext_link_close(rt);
	rtext_open(rt);
	OK(xmlTextWriterStartElement(XW, BAD_CAST "attachmentref"));
	OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "name", BAD_CAST name));
	OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "displayname", BAD_CAST name));
	OK(xmlTextWriterEndElement(XW));
	rt->at_space = 0;
}

void rtext_table_begin(struct rtext *rt, int ncols)
{
	int     i;

	rtext_close(rt);
	OK(xmlTextWriterStartElement(XW, BAD_CAST "table"));
	OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "widthtype", BAD_CAST "fitmargins"));
	for (i = 0; i < ncols; i++) {
		OK(xmlTextWriterStartElement(XW, BAD_CAST "tablecolumn"));
		OK(xmlTextWriterWriteFormatAttribute(XW, BAD_CAST "width", "%d%%",
						     100 / (ncols > 0 ? ncols : 1)));
		OK(xmlTextWriterEndElement(XW));
	}
	rt->tables++;
}

void rtext_table_end(struct rtext *rt)
{
	rtext_close(rt);
	OK(xmlTextWriterEndElement(XW));
	rt->tables--;
	rt->next_def = RTEXT_PAR_NORMAL;
}

void rtext_row_begin(struct rtext *rt)
{
	OK(xmlTextWriterStartElement(XW, BAD_CAST "tablerow"));
}

void rtext_row_end(struct rtext *rt)
{
	OK(xmlTextWriterEndElement(XW));
}

void rtext_cell_begin(struct rtext *rt, int cols, int rows)
{
	OK(xmlTextWriterStartElement(XW, BAD_CAST "tablecell"));
	if (cols > 1)
		OK(xmlTextWriterWriteFormatAttribute(XW, BAD_CAST "columnspan", "%d", cols));
	if (rows > 1)
		OK(xmlTextWriterWriteFormatAttribute(XW, BAD_CAST "rowspan", "%d", rows));
	rt->next_def = RTEXT_PAR_NORMAL;
}

void rtext_cell_end(struct rtext *rt)
{
	rtext_close(rt);
	OK(xmlTextWriterEndElement(XW));
}
