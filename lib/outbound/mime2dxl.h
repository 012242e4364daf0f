/*++
 * NAME
 *	mime2dxl 3
 * SUMMARY
 *	the body of a MIME message as DXL: rich text and $FILE items, or <mime>
 * DESCRIPTION
 *	mime2dxl_body() walks a message parsed by GMime and writes the Body
 *	item as rich text, followed by one $FILE item per attachment:
 *
 *	    text/plain (and delivery-status, disposition-notification,
 *	    rfc822-headers) shown inline     paragraphs with line breaks
 *	    text/html shown inline           rich text through html2rt(3)
 *	    multipart/alternative            the richest text alternative;
 *					     alternatives that are not another
 *					     rendering of the text (text/calendar,
 *					     ...) attached
 *	    multipart/related                its root; parts referenced by
 *					     cid: in the HTML are attached
 *					     where they appear, the others at
 *					     the end
 *	    multipart/signed                 the signed content, and the
 *					     signature attached
 *	    multipart/encrypted, S/MIME      attached as they are
 *	    message/rfc822                   attached as NAME.eml
 *	    anything else                    attached
 *
 *	Text is converted to UTF-8 from its declared charset with GMime's
 *	charset filter; a label iconv does not know, or text that is not
 *	valid in the declared charset, is decoded with the fallback
 *	charsets (UTF-8, then windows-1252) and counted in m->fallbacks.
 *	Each attachment becomes <item name='$FILE'><object><file ...>
 *	<filedata>BASE64</filedata>: its decoded bytes are streamed from
 *	the parser's file stream through a decoding filter into the XML
 *	writer in chunks, never held whole.  File names come from the
 *	RFC 2231/2047-decoded filename or name parameter, lose any path,
 *	control characters and excess length, and are made unique.
 *
 *	mime2dxl_mime() writes the whole message as the <mime> element of
 *	a native MIME document: parts that are not 7-bit clean are given
 *	a transfer encoding first (so the stream is plain text XML can
 *	carry), and the serialized stream is copied line by line.
 *
 *	mime2dxl_depth() measures how deeply a message nests.
 * DIAGNOSTICS
 *	mime2dxl_body() returns 0 and explains in why when the message has
 *	more attachments than the limit or the output fails.
 *--*/
#ifndef LME_MIME2DXL_H
#define LME_MIME2DXL_H

#include <time.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "dxl/dxl.h"

#define MIME2DXL_MAX_INLINE	(8L * 1024 * 1024)	/* larger text parts are attached */
#define MIME2DXL_NAME_MAX	200			/* bytes of a $FILE name */

struct mime2dxl {
	struct dxl_writer *w;
	const char *id;			/* queue id, for the log */
	time_t  when;			/* created/modified of the files */
	int     max_attachments;
	int     max_depth;
	GMimeParserOptions *options;	/* fallback charsets */
	/* results */
	int     attachments;		/* $FILE items written */
	int     fallbacks;		/* text decoded with a fallback charset */
	/* private */
	GPtrArray *atts;
	GHashTable *names;
	GHashTable *related;		/* Content-ID -> part, in a multipart/related */
	void   *rt;
};

/* mime2dxl_scratch - the directory for scratch files (the spool root):
 * never /tmp */
void    mime2dxl_scratch(const char *dir);

/* mime2dxl_depth - nesting depth of obj (1 for a leaf), counted up to
 * limit + 1 */
int     mime2dxl_depth(GMimeObject *obj, int limit);

/* mime2dxl_body - Body and $FILE items of msg */
int     mime2dxl_body(struct mime2dxl *m, GMimeMessage *msg, GString *why);

/* mime2dxl_mime - the <mime> element with the whole of msg */
int     mime2dxl_mime(struct dxl_writer *w, GMimeMessage *msg, GString *why);

/* mime2dxl_text - the text of a part in UTF-8 (g_free); *fallback set
 * when the declared charset could not be used */
char   *mime2dxl_text(GMimePart *part, GMimeParserOptions *options, gsize *len, int *fallback);

#endif
