/*++
 * NAME
 *	html2rt 3
 * SUMMARY
 *	HTML to DXL rich text, through libxml2's HTML parser
 * DESCRIPTION
 *	html2rt_render() parses an HTML text (already UTF-8) with libxml2's
 *	HTML parser (HTML_PARSE_NONET, the document's own encoding label
 *	ignored) and walks the tree into an rtwrite(3) builder:
 *
 *	    p div h1-h6 blockquote pre li dt dd ...   paragraphs
 *	    b strong / i em cite / u ins / tt code    bold, italic, underline
 *						      and monospaced runs
 *	    a href=...                                <urllink>
 *	    ul ol li                                  bullet and number lists
 *	    table tr td th (thead tbody tfoot)        <table> with rows and cells
 *	    br hr                                     <break/>, <horizrule/>
 *	    img src=cid:...                           <attachmentref> through
 *						      the caller's cid function
 *	    head script style title template         dropped
 *
 *	White space is collapsed as a browser does, except in <pre>.  Links
 *	with javascript:, vbscript: or data: targets keep their text only.
 *	Nesting deeper than HTML2RT_MAX_DEPTH elements, or tables more than
 *	HTML2RT_MAX_TABLES deep, is flattened to its text.
 * DIAGNOSTICS
 *	html2rt_render() returns 0 when the text is not HTML the parser can
 *	read at all (the caller then shows it as plain text).
 *--*/
#ifndef LME_HTML2RT_H
#define LME_HTML2RT_H

#include <glib.h>

#include "dxl/rtwrite.h"

#define HTML2RT_MAX_DEPTH	200
#define HTML2RT_MAX_TABLES	8
#define HTML2RT_MAX_COLUMNS	64

/* html2rt_cid_fn - the $FILE name for the related part with this
 * Content-ID (placed by the caller), or NULL when there is none */
typedef const char *(*html2rt_cid_fn)(void *ctx, const char *cid);

/* html2rt_render - render html (len bytes of UTF-8) into rt */
int     html2rt_render(struct rtwrite *rt, const char *html, gsize len,
		       html2rt_cid_fn cid, void *ctx);

#endif
