/*++
 * NAME
 *	rtext 3
 * SUMMARY
 *	building a DXL rich text item, paragraph by paragraph
 * DESCRIPTION
 *	rtext_begin() opens <richtext> inside an item the caller has begun
 *	and declares the paragraph styles (RTEXT_PAR_*).  Text goes in with
 *	rtext_run(): a paragraph is opened when needed, bold, italic and
 *	underline become a <run> with a <font style=...>, and a link target
 *	wraps the text in <urllink href=...>.  rtext_par() ends the current
 *	paragraph and chooses the style of the next one; rtext_break() is a
 *	line break inside it; rtext_attachment() places an <attachmentref>
 *	to a $FILE item of that name.  Tables are built with
 *	rtext_table_begin(), rtext_row_begin(), rtext_cell_begin() and
 *	their _end() calls; every cell holds its own paragraphs.
 *	rtext_end() closes what is open and the <richtext>.
 *
 *	The builder only writes what domino_9_0_1.dtd allows: paragraphs are
 *	closed before tables, links never nest, attachment references are
 *	never inside links.
 * DIAGNOSTICS
 *	Writer failures are recorded in the dxl_writer (w->failed).
 *--*/
#ifndef LME_RTEXT_H
#define LME_RTEXT_H

#include <glib.h>

#include "dxl.h"

/* paragraph styles (pardef ids) */
#define RTEXT_PAR_NORMAL	1
#define RTEXT_PAR_BULLET	2
#define RTEXT_PAR_NUMBER	3
#define RTEXT_PAR_QUOTE		4
#define RTEXT_PAR_CODE		5

/* run styles */
#define RTEXT_BOLD		1
#define RTEXT_ITALIC		2
#define RTEXT_UNDERLINE		4
#define RTEXT_MONO		8

struct rtext {
	struct dxl_writer *w;
	int     in_par;			/* a <par> is open */
	int     next_def;		/* pardef of the next <par> */
	char   *link;			/* the open <urllink>'s href, or NULL */
	int     at_space;		/* nothing, or white space, was written last */
	int     tables;			/* open tables */
};

/* rtext_begin - <richtext> and the pardefs; the caller has begun the item */
void    rtext_begin(struct rtext *rt, struct dxl_writer *w);

/* rtext_end - close everything and </richtext> */
void    rtext_end(struct rtext *rt);

/* rtext_par - end the paragraph; the next one has style def */
void    rtext_par(struct rtext *rt, int def);

/* rtext_run - text (UTF-8, len -1: NUL-terminated) with style bits and
 * an optional link target */
void    rtext_run(struct rtext *rt, const char *text, gssize len, int style, const char *href);

/* rtext_break - a line break in the current paragraph */
void    rtext_break(struct rtext *rt);

/* rtext_empty_par - an empty paragraph (a blank line) */
void    rtext_empty_par(struct rtext *rt);

/* rtext_rule - a horizontal rule in a paragraph of its own */
void    rtext_rule(struct rtext *rt);

/* rtext_attachment - an <attachmentref> to the $FILE item name */
void    rtext_attachment(struct rtext *rt, const char *name);

/* rtext_table_begin - a table of ncols columns of equal width */
void    rtext_table_begin(struct rtext *rt, int ncols);
void    rtext_table_end(struct rtext *rt);
void    rtext_row_begin(struct rtext *rt);
void    rtext_row_end(struct rtext *rt);
/* rtext_cell_begin - a cell spanning cols columns and rows rows */
void    rtext_cell_begin(struct rtext *rt, int cols, int rows);
void    rtext_cell_end(struct rtext *rt);

#endif
