/*++
 * NAME
 *	rtwrite 3
 * SUMMARY
 *	building a DXL rich text item, paragraph by paragraph
 * DESCRIPTION
 *	See rtwrite.h.
 *--*/
#include <string.h>

#include "dxl/rtwrite.h"

#define XW	(rt->w->xw)
#define OK(call) do { if ((call) < 0) rt->w->failed = 1; } while (0)

/* rtwrite_pardef - declare one paragraph style */
static void rtwrite_pardef(struct rtwrite *rt, int id, const char *list, const char *margin)
{
	OK(xmlTextWriterStartElement(XW, BAD_CAST "pardef"));
	OK(xmlTextWriterWriteFormatAttribute(XW, BAD_CAST "id", "%d", id));
	if (margin)
		OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "leftmargin", BAD_CAST margin));
	if (list)
		OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "list", BAD_CAST list));
	OK(xmlTextWriterEndElement(XW));
}

void rtwrite_begin(struct rtwrite *rt, struct dxl_writer *w)
{
	memset(rt, 0, sizeof(*rt));
	rt->w = w;
	rt->next_def = RTWRITE_PAR_NORMAL;
	rt->at_space = 1;
	OK(xmlTextWriterStartElement(XW, BAD_CAST "richtext"));
	rtwrite_pardef(rt, RTWRITE_PAR_NORMAL, NULL, NULL);
	rtwrite_pardef(rt, RTWRITE_PAR_BULLET, "bullet", "0.5in");
	rtwrite_pardef(rt, RTWRITE_PAR_NUMBER, "number", "0.5in");
	rtwrite_pardef(rt, RTWRITE_PAR_QUOTE, NULL, "0.5in");
	rtwrite_pardef(rt, RTWRITE_PAR_CODE, NULL, NULL);
}

/* rtwrite_link_close - close the open <urllink> */
static void rtwrite_link_close(struct rtwrite *rt)
{
	if (rt->link) {
		OK(xmlTextWriterEndElement(XW));
		g_free(rt->link);
		rt->link = NULL;
	}
}

/* rtwrite_open - make sure a paragraph is open */
static void rtwrite_open(struct rtwrite *rt)
{
	if (rt->in_par)
		return;
	OK(xmlTextWriterStartElement(XW, BAD_CAST "par"));
	OK(xmlTextWriterWriteFormatAttribute(XW, BAD_CAST "def", "%d", rt->next_def));
	rt->in_par = 1;
	rt->at_space = 1;
}

/* rtwrite_close - end the open paragraph, if any */
static void rtwrite_close(struct rtwrite *rt)
{
	rtwrite_link_close(rt);
	if (rt->in_par) {
		OK(xmlTextWriterEndElement(XW));
		rt->in_par = 0;
	}
	rt->at_space = 1;
}

void rtwrite_end(struct rtwrite *rt)
{
	rtwrite_close(rt);
	OK(xmlTextWriterEndElement(XW));
}

void rtwrite_par(struct rtwrite *rt, int def)
{
	rtwrite_close(rt);
	rt->next_def = def;
}

void rtwrite_run(struct rtwrite *rt, const char *text, gssize len, int style, const char *href)
{
	GString *st;

	if (len < 0)
		len = (gssize)strlen(text);
	if (len == 0)
		return;
	rtwrite_open(rt);
	if (rt->link && (!href || strcmp(href, rt->link) != 0))
		rtwrite_link_close(rt);
	if (href && !rt->link) {
		OK(xmlTextWriterStartElement(XW, BAD_CAST "urllink"));
		OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "href", BAD_CAST href));
		rt->link = g_strdup(href);
	}
	if (style) {
		st = g_string_new(NULL);
		if (style & RTWRITE_BOLD)
			g_string_append(st, " bold");
		if (style & RTWRITE_ITALIC)
			g_string_append(st, " italic");
		if (style & RTWRITE_UNDERLINE)
			g_string_append(st, " underline");
		OK(xmlTextWriterStartElement(XW, BAD_CAST "run"));
		OK(xmlTextWriterStartElement(XW, BAD_CAST "font"));
		if (style & RTWRITE_MONO)
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

void rtwrite_break(struct rtwrite *rt)
{
	rtwrite_open(rt);
	OK(xmlTextWriterStartElement(XW, BAD_CAST "break"));
	OK(xmlTextWriterEndElement(XW));
	rt->at_space = 1;
}

void rtwrite_empty_par(struct rtwrite *rt)
{
	rtwrite_close(rt);
	rtwrite_open(rt);
	rtwrite_close(rt);
}

void rtwrite_rule(struct rtwrite *rt)
{
	rtwrite_close(rt);
	rtwrite_open(rt);
	OK(xmlTextWriterStartElement(XW, BAD_CAST "horizrule"));
	OK(xmlTextWriterEndElement(XW));
	rtwrite_close(rt);
}

void rtwrite_attachment(struct rtwrite *rt, const char *name)
{
	rtwrite_link_close(rt);
	rtwrite_open(rt);
	OK(xmlTextWriterStartElement(XW, BAD_CAST "attachmentref"));
	OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "name", BAD_CAST name));
	OK(xmlTextWriterWriteAttribute(XW, BAD_CAST "displayname", BAD_CAST name));
	OK(xmlTextWriterEndElement(XW));
	rt->at_space = 0;
}

void rtwrite_table_begin(struct rtwrite *rt, int ncols)
{
	int     i;

	rtwrite_close(rt);
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

void rtwrite_table_end(struct rtwrite *rt)
{
	rtwrite_close(rt);
	OK(xmlTextWriterEndElement(XW));
	rt->tables--;
	rt->next_def = RTWRITE_PAR_NORMAL;
}

void rtwrite_row_begin(struct rtwrite *rt)
{
	OK(xmlTextWriterStartElement(XW, BAD_CAST "tablerow"));
}

void rtwrite_row_end(struct rtwrite *rt)
{
	OK(xmlTextWriterEndElement(XW));
}

void rtwrite_cell_begin(struct rtwrite *rt, int cols, int rows)
{
	OK(xmlTextWriterStartElement(XW, BAD_CAST "tablecell"));
	if (cols > 1)
		OK(xmlTextWriterWriteFormatAttribute(XW, BAD_CAST "columnspan", "%d", cols));
	if (rows > 1)
		OK(xmlTextWriterWriteFormatAttribute(XW, BAD_CAST "rowspan", "%d", rows));
	rt->next_def = RTWRITE_PAR_NORMAL;
}

void rtwrite_cell_end(struct rtwrite *rt)
{
	rtwrite_close(rt);
	OK(xmlTextWriterEndElement(XW));
}
