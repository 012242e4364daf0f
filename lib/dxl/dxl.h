/*++
 * NAME
 *	dxl 3
 * SUMMARY
 *	Domino XML (DXL): writing documents, parsing them safely
 * DESCRIPTION
 *	Writing: dxl_writer_new() wraps libxml2's xmlTextWriter around a
 *	stdio stream.  dxl_document_begin() opens a
 *	<document xmlns='http://www.lotus.com/dxl' form='...'> (version 9.0,
 *	valid against domino_9_0_1.dtd when the items are); the dxl_item_*
 *	calls write one item each; dxl_document_end() closes it.  The
 *	writer is exposed (w->xw) for rich text, which the callers build
 *	element by element.  Text that XML cannot carry (control
 *	characters, U+FFFE, U+FFFF) is written as <nonxmlchar value='hex'/>, and a line
 *	break inside a text value as <break/>, as the DTD says.
 *
 *	Parsing: dxl_parse_file() and dxl_parse_memory() read a DXL file
 *	with XML_PARSE_NONET, no DTD loading, no entity substitution and a
 *	size limit; a document with a DOCTYPE that declares entities (an
 *	internal subset) is refused, never expanded.  The DXL namespace is
 *	optional: dxl_name_is() compares local names only.
 *
 *	Dates: dxl_datetime_format() gives the ISO 8601 basic form of the
 *	DTD, 20140808T131841,49-04; dxl_datetime_parse() reads it.
 *--*/
#ifndef LME_DXL_H
#define LME_DXL_H

#include <stdio.h>
#include <time.h>

#include <glib.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#define DXL_NAMESPACE	"http://www.lotus.com/dxl"
#define DXL_VERSION	"9.0"
#define DXL_DATETIME_MAX 32

struct dxl_writer {
	xmlTextWriterPtr xw;
	int     failed;			/* a libxml2 call failed */
	int     raw_document;		/* the open <document> was written raw */
};

/* dxl_writer_new - write DXL to fp (UTF-8, with the XML declaration and
 * a DOCTYPE naming root, "document" or "database") */
struct dxl_writer *dxl_writer_new(FILE *fp, const char *root);

/* dxl_writer_finish - flush and free; 0 if anything failed */
int     dxl_writer_finish(struct dxl_writer *w);

/* dxl_database_begin/end - a <database> of several documents */
void    dxl_database_begin(struct dxl_writer *w, const char *title);
void    dxl_database_end(struct dxl_writer *w);

/* dxl_document_begin - <document form='form'>; unid may be NULL */
void    dxl_document_begin(struct dxl_writer *w, const char *form, const char *unid);
void    dxl_document_end(struct dxl_writer *w);

/* dxl_item_begin/end - an <item name=...> to fill by hand (rich text) */
void    dxl_item_begin(struct dxl_writer *w, const char *name, int summary);
void    dxl_item_end(struct dxl_writer *w);

/* dxl_text - character data: CR/LF as <break/>, controls, U+FFFE and U+FFFF
 * as <nonxmlchar/>,
 * invalid UTF-8 replaced by U+FFFD */
void    dxl_text(struct dxl_writer *w, const char *text, gssize len);

/* dxl_xml_safe - in place, for attribute values and text written as is:
 * C0 controls but tab, LF and CR become '?', U+FFFE and U+FFFF become
 * U+FFFD (valid UTF-8 in, the same length out) */
void    dxl_xml_safe(char *text);

void    dxl_item_text(struct dxl_writer *w, const char *name, const char *value);
/* dxl_item_textlist - values is NULL-terminated */
void    dxl_item_textlist(struct dxl_writer *w, const char *name, const char *const *values);
void    dxl_item_number(struct dxl_writer *w, const char *name, double value);
/* dxl_item_datetime - tz_minutes: offset east of UTC to write it in */
void    dxl_item_datetime(struct dxl_writer *w, const char *name, time_t when, int tz_minutes);

/* dxl_datetime_format - 20140808T131841,00-04 into buf (DXL_DATETIME_MAX) */
void    dxl_datetime_format(char *buf, size_t size, time_t when, int tz_minutes);

/* dxl_datetime_parse - the DXL form to UTC seconds; -1 if bad or empty.
 * A value with no zone is taken as UTC. */
time_t  dxl_datetime_parse(const char *text);

/* dxl_parse_file/memory - a safe DOM; NULL and why on error or refusal */
xmlDocPtr dxl_parse_file(const char *path, long max_size, GString *why);
xmlDocPtr dxl_parse_memory(const char *buf, size_t len, GString *why);

/* dxl_name_is - node is an element with this local name (any namespace) */
int     dxl_name_is(const xmlNode *node, const char *name);

/* dxl_child - the first child element with this local name, or NULL */
xmlNodePtr dxl_child(const xmlNode *node, const char *name);

/* dxl_text_value - the text of a <text> element: <break/> as "\n",
 * <nonxmlchar value='hex'/> as the character (g_free) */
char   *dxl_text_value(const xmlNode *text);

#endif
