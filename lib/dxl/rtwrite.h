/*++
 * NAME
 *	rtwrite 3
 * SUMMARY
 *	building a DXL rich text item, paragraph by paragraph
 * DESCRIPTION
 *	rtwrite_begin() opens <richtext> inside an item the caller has begun
 *	and declares the paragraph styles (RTWRITE_PAR_*).  Text goes in with
 *	rtwrite_run(): a paragraph is opened when needed, bold, italic and
 *	underline become a <run> with a <font style=...>, and a link target
 *	wraps the text in <urllink href=...>.  rtwrite_par() ends the current
 *	paragraph and chooses the style of the next one; rtwrite_break() is a
 *	line break inside it; rtwrite_attachment() places an <attachmentref>
 *	to a $FILE item of that name.  Tables are built with
 *	rtwrite_table_begin(), rtwrite_row_begin(), rtwrite_cell_begin() and
 *	their _end() calls; every cell holds its own paragraphs.
 *	rtwrite_end() closes what is open and the <richtext>.
 *
 *	The builder only writes what domino_9_0_1.dtd allows: paragraphs are
 *	closed before tables, links never nest, attachment references are
 *	never inside links.
 * DIAGNOSTICS
 *	Writer failures are recorded in the dxl_writer (w->failed).
 *--*/
#ifndef LME_RTWRITE_H
#define LME_RTWRITE_H

#include <glib.h>

#include "dxl/dxl.h"

/* paragraph styles (pardef ids) */
#define RTWRITE_PAR_NORMAL	1
#define RTWRITE_PAR_BULLET	2
#define RTWRITE_PAR_NUMBER	3
#define RTWRITE_PAR_QUOTE		4
#define RTWRITE_PAR_CODE		5

/* run styles */
#define RTWRITE_BOLD		1
#define RTWRITE_ITALIC		2
#define RTWRITE_UNDERLINE		4
#define RTWRITE_MONO		8

struct rtwrite {
	struct dxl_writer *w;
	int     in_par;			/* a <par> is open */
	int     next_def;		/* pardef of the next <par> */
	char   *link;			/* the open <urllink>'s href, or NULL */
	int     at_space;		/* nothing, or white space, was written last */
	int     tables;			/* open tables */
};

/* rtwrite_begin - <richtext> and the pardefs; the caller has begun the item */
void    rtwrite_begin(struct rtwrite *rt, struct dxl_writer *w);

/* rtwrite_end - close everything and </richtext> */
void    rtwrite_end(struct rtwrite *rt);

/* rtwrite_par - end the paragraph; the next one has style def */
void    rtwrite_par(struct rtwrite *rt, int def);

/* rtwrite_run - text (UTF-8, len -1: NUL-terminated) with style bits and
 * an optional link target */
void    rtwrite_run(struct rtwrite *rt, const char *text, gssize len, int style, const char *href);

/* rtwrite_break - a line break in the current paragraph */
void    rtwrite_break(struct rtwrite *rt);

/* rtwrite_empty_par - an empty paragraph (a blank line) */
void    rtwrite_empty_par(struct rtwrite *rt);

/* rtwrite_rule - a horizontal rule in a paragraph of its own */
void    rtwrite_rule(struct rtwrite *rt);

/* rtwrite_attachment - an <attachmentref> to the $FILE item name */
void    rtwrite_attachment(struct rtwrite *rt, const char *name);

/* rtwrite_table_begin - a table of ncols columns of equal width */
void    rtwrite_table_begin(struct rtwrite *rt, int ncols);
void    rtwrite_table_end(struct rtwrite *rt);
void    rtwrite_row_begin(struct rtwrite *rt);
void    rtwrite_row_end(struct rtwrite *rt);
/* rtwrite_cell_begin - a cell spanning cols columns and rows rows */
void    rtwrite_cell_begin(struct rtwrite *rt, int cols, int rows);
void    rtwrite_cell_end(struct rtwrite *rt);

#endif
