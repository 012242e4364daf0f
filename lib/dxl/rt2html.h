/*++
 * NAME
 *	rt2html 3
 * SUMMARY
 *	DXL rich text to text/plain and text/html
 * DESCRIPTION
 *	rt2html_render() walks the <richtext> of an item (DXL, any
 *	namespace) and builds two renderings at once: plain UTF-8 text and
 *	an HTML document made with libxml2's tree and HTML serializer (so
 *	every text and attribute is escaped by libxml2, never pasted).
 *
 *	    <par>                   a paragraph: <p>, a line of text; when
 *	                            its <pardef> has list=bullet (or number,
 *	                            alpha..., roman...), an <li> of a <ul>
 *	                            (<ol>), plain "* " ("1. ")
 *	    <break/>                <br>, a newline
 *	    <run><font style=... color=... size=.../>
 *	                            <b> <i> <u> <s> and a <span style=...>
 *	                            for colour and size (checked values)
 *	    <table>/<tablerow>/<tablecell>
 *	                            <table border=1>; plain: cells by tabs
 *	    <urllink href=...>      <a href> (http, https, ftp, mailto,
 *	                            notes only); plain: text <url>
 *	    <doclink ...>           <a href="notes://server/replica/view/doc">;
 *	                            plain: text <notes://...>; each one is
 *	                            also returned for an .ndl attachment;
 *	                            with doclink_text_only, its text alone
 *	    <attachmentref name=... displayname=...>
 *	                            [name] in both; the name is returned
 *	    <horizrule/>            <hr>, a line of dashes
 *	    <nonxmlchar value=hex/> the character (controls except tab
 *	                            dropped)
 *	    anything else           its text content, recursively
 *
 *	The walk is bounded: nesting deeper than RT2HTML_MAX_DEPTH fails.
 * DIAGNOSTICS
 *	rt2html_render() returns 0 and explains in why.
 *--*/
#ifndef LME_RT2HTML_H
#define LME_RT2HTML_H

#include <glib.h>
#include <libxml/tree.h>

#define RT2HTML_MAX_DEPTH	64

struct rt2html_doclink {
	char   *url;			/* notes://server/replica/view/document */
	char   *server;			/* as given (canonical), or NULL */
	char   *replica;		/* 16 hex digits, or NULL */
	char   *view;			/* 32 hex digits, or NULL */
	char   *document;		/* 32 hex digits, or NULL */
	char   *description;		/* or NULL */
};

struct rt2html {
	GString *plain;			/* text/plain, UTF-8, LF line ends */
	xmlDocPtr html;			/* an HTML document */
	xmlNodePtr body;		/* its <body>, to append to */
	GPtrArray *doclinks;		/* of struct rt2html_doclink */
	GPtrArray *attachrefs;		/* of xmlNode <attachmentref> (borrowed) */
	int     doclink_text_only;	/* doclinks as their text, no notes:// link */
};

/* rt2html_new - empty renderings */
struct rt2html *rt2html_new(void);
void    rt2html_free(struct rt2html *rt);

/* rt2html_render - append the rendering of a <richtext> element */
int     rt2html_render(struct rt2html *rt, const xmlNode *richtext, GString *why);

/* rt2html_append_text - append plain text (a <text> item) to both */
void    rt2html_append_text(struct rt2html *rt, const char *text);

/* rt2html_html - the HTML document serialized as UTF-8 (g_free) */
char   *rt2html_html(struct rt2html *rt);

/* rt2html_notes_url - notes://server/replica/view/document from the
 * attributes of a <doclink> (g_free) */
char   *rt2html_notes_url(const char *server, const char *replica, const char *view,
			   const char *document);

#endif
