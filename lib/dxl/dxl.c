/*++
 * NAME
 *	dxl 3
 * SUMMARY
 *	Domino XML (DXL): writing documents, parsing them safely
 *--*/
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>

#include "dxl/dxl.h"

#define OK(call) do { if ((call) < 0) w->failed = 1; } while (0)

/* item names longer than this go through the writer */
#define DXL_RAW_NAME_MAX 256

/* dxl_quiet - libxml2 prints errors on stderr by default; ours go to
 * the caller's why (xmlGetLastError) and from there to the log */
static void dxl_quiet(void *ctx, const char *fmt, ...)
{
}

static void dxl_init(void)
{
	static int done;

	if (!done++)
		xmlSetGenericErrorFunc(NULL, dxl_quiet);
}

static int dxl_write_cb(void *ctx, const char *buf, int len)
{
	return fwrite(buf, 1, (size_t)len, ctx) == (size_t)len ? len : -1;
}

static int dxl_close_cb(void *ctx)
{
	return fflush(ctx) == 0 ? 0 : -1;
}

struct dxl_writer *dxl_writer_new(FILE *fp, const char *root)
{
	struct dxl_writer *w;
	xmlOutputBufferPtr out;

	dxl_init();
	w = g_new0(struct dxl_writer, 1);
	out = xmlOutputBufferCreateIO(dxl_write_cb, dxl_close_cb, fp, NULL);
	if (!out || (w->xw = xmlNewTextWriter(out)) == NULL) {
		g_free(w);
		return NULL;
	}
	OK(xmlTextWriterStartDocument(w->xw, "1.0", "UTF-8", NULL));
	OK(xmlTextWriterWriteDTD(w->xw, BAD_CAST root, NULL,
				 BAD_CAST "xmlschemas/domino_9_0_1.dtd", NULL));
	return w;
}

int dxl_writer_finish(struct dxl_writer *w)
{
	int     ok;

	OK(xmlTextWriterEndDocument(w->xw));
	OK(xmlTextWriterFlush(w->xw));
	xmlFreeTextWriter(w->xw);
	ok = !w->failed;
	g_free(w);
	return ok;
}

void dxl_database_begin(struct dxl_writer *w, const char *title)
{
	OK(xmlTextWriterStartElement(w->xw, BAD_CAST "database"));
	OK(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "xmlns", BAD_CAST DXL_NAMESPACE));
	OK(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "version", BAD_CAST DXL_VERSION));
	if (title)
		OK(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "title", BAD_CAST title));
}

void dxl_database_end(struct dxl_writer *w)
{
	OK(xmlTextWriterEndElement(w->xw));
}

/* dxl_raw - constant markup, or text that dxl_plain_attr() passed */
static void dxl_raw(struct dxl_writer *w, const char *s, size_t len)
{
	OK(xmlTextWriterWriteRawLen(w->xw, BAD_CAST s, (int)len));
}

/* dxl_plain_attr - s is written in an attribute value exactly as the
 * writer would escape it: printable ASCII with nothing to escape (the
 * writer turns non-ASCII into character references, so those go
 * through it) */
static int dxl_plain_attr(const char *s, size_t max)
{
	size_t  n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if (*p < 0x20 || *p > 0x7e || *p == '<' || *p == '>' || *p == '&' || *p == '"' || n >= max)
			return 0;
	return 1;
}

/* dxl_document_open - <document ...><noteinfo unid='unid'/> as one raw
 * write (a document with a noteinfo is never empty, so the writer would
 * have closed it with </document> too); 0 if a value needs escaping */
static int dxl_document_open(struct dxl_writer *w, const char *form, const char *unid)
{
	static const char head[] = "<document xmlns=\"" DXL_NAMESPACE "\" version=\"" DXL_VERSION "\"";
	char    buf[sizeof(head) + DXL_RAW_NAME_MAX + 128];
	size_t  n = sizeof(head) - 1, len;

	if (!dxl_plain_attr(unid, 64) || (form && !dxl_plain_attr(form, DXL_RAW_NAME_MAX)))
		return 0;
	memcpy(buf, head, n);
	if (form) {
		len = strlen(form);
		memcpy(buf + n, " form=\"", 7);
		memcpy(buf + n + 7, form, len);
		n += 7 + len;
		buf[n++] = '"';
	}
	memcpy(buf + n, "><noteinfo unid=\"", 17);
	n += 17;
	len = strlen(unid);
	memcpy(buf + n, unid, len);
	n += len;
	memcpy(buf + n, "\"/>", 3);
	n += 3;
	dxl_raw(w, buf, n);
	return 1;
}

void dxl_document_begin(struct dxl_writer *w, const char *form, const char *unid)
{
	if (unid && !w->raw_document && dxl_document_open(w, form, unid)) {
		w->raw_document = 1;
		return;
	}
	OK(xmlTextWriterStartElement(w->xw, BAD_CAST "document"));
	OK(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "xmlns", BAD_CAST DXL_NAMESPACE));
	OK(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "version", BAD_CAST DXL_VERSION));
	if (form)
		OK(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "form", BAD_CAST form));
	if (unid) {
		OK(xmlTextWriterStartElement(w->xw, BAD_CAST "noteinfo"));
		OK(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "unid", BAD_CAST unid));
		OK(xmlTextWriterEndElement(w->xw));
	}
}

void dxl_document_end(struct dxl_writer *w)
{
	if (w->raw_document) {
		dxl_raw(w, "</document>", 11);
		w->raw_document = 0;
		return;
	}
	OK(xmlTextWriterEndElement(w->xw));
}

void dxl_item_begin(struct dxl_writer *w, const char *name, int summary)
{
	OK(xmlTextWriterStartElement(w->xw, BAD_CAST "item"));
	OK(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "name", BAD_CAST name));
	if (!summary)
		OK(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "summary", BAD_CAST "false"));
}

void dxl_item_end(struct dxl_writer *w)
{
	OK(xmlTextWriterEndElement(w->xw));
}

/* dxl_plain_text - valid UTF-8 with nothing that dxl_text() writes as
 * an element (C0 controls but tab, U+FFFE, U+FFFF): 0 if not; else 2 if
 * the writer would also write it exactly as it is (none of the <, >, &
 * and " that it escapes in text), 1 if it has some; *len: its length */
static int dxl_plain_text(const char *s, size_t *len)
{
	const unsigned char *p;
	int     ascii = 1, verbatim = 1;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 && *p != '\t')
			return 0;
		if (*p == 0xef && p[1] == 0xbf && (p[2] & 0xfe) == 0xbe)
			return 0;
		if (*p >= 0x80)
			ascii = 0;
		else if (*p == '<' || *p == '>' || *p == '&' || *p == '"')
			verbatim = 0;
	}
	*len = (size_t)((const char *)p - s);
	if (!ascii && !g_utf8_validate(s, (gssize) *len, NULL))
		return 0;
	return verbatim ? 2 : 1;
}

void dxl_text(struct dxl_writer *w, const char *text, gssize len)
{
	char   *valid = NULL;
	const char *p, *run;

	if (len < 0 || text[len] == 0) {
		size_t  n;

		switch (dxl_plain_text(text, &n)) {
		case 2:
			if (n)
				dxl_raw(w, text, n);
			return;
		case 1:
			OK(xmlTextWriterWriteString(w->xw, BAD_CAST text));
			return;
		}
		if (!g_utf8_validate(text, len, NULL))
			text = valid = g_utf8_make_valid(text, len);
	} else {
		text = valid = g_utf8_make_valid(text, len);
	}
	for (p = run = text; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == 0xef && (unsigned char)p[1] == 0xbf && ((unsigned char)p[2] & 0xfe) == 0xbe) {
			if (p > run) {			/* U+FFFE, U+FFFF: not XML characters */
				xmlChar *chunk = (xmlChar *)g_strndup(run, (gsize)(p - run));

				OK(xmlTextWriterWriteString(w->xw, chunk));
				g_free(chunk);
			}
			OK(xmlTextWriterStartElement(w->xw, BAD_CAST "nonxmlchar"));
			OK(xmlTextWriterWriteAttribute(w->xw, BAD_CAST "value",
						       BAD_CAST ((unsigned char)p[2] == 0xbe ? "fffe" : "ffff")));
			OK(xmlTextWriterEndElement(w->xw));
			p += 2;
			run = p + 1;
			continue;
		}
		if (c >= 0x20 || c == '\t')
			continue;
		if (p > run) {
			xmlChar *chunk = (xmlChar *)g_strndup(run, (gsize)(p - run));

			OK(xmlTextWriterWriteString(w->xw, chunk));
			g_free(chunk);
		}
		if (c == '\r' && p[1] == '\n')
			p++;
		if (c == '\r' || c == '\n') {
			OK(xmlTextWriterStartElement(w->xw, BAD_CAST "break"));
			OK(xmlTextWriterEndElement(w->xw));
		} else {
			OK(xmlTextWriterStartElement(w->xw, BAD_CAST "nonxmlchar"));
			OK(xmlTextWriterWriteFormatAttribute(w->xw, BAD_CAST "value", "%x", c));
			OK(xmlTextWriterEndElement(w->xw));
		}
		run = p + 1;
	}
	if (p > run)
		OK(xmlTextWriterWriteString(w->xw, BAD_CAST run));
	g_free(valid);
}

/* item_open_markup - <item name="name"><tag> into buf (room for
 * DXL_RAW_NAME_MAX + 32 bytes), name already checked by dxl_plain_attr();
 * its length */
static size_t item_open_markup(char *buf, const char *name, const char *tag)
{
	size_t  n = strlen("<item name=\""), nl = strlen(name), tl = strlen(tag);

	memcpy(buf, "<item name=\"", n);
	memcpy(buf + n, name, nl);
	n += nl;
	memcpy(buf + n, "\"><", 3);
	n += 3;
	memcpy(buf + n, tag, tl);
	n += tl;
	buf[n++] = '>';
	return n;
}

/* dxl_item_open - <item name='name'><tag> as one raw write, when the
 * writer would write the name as is; 0 if not */
static int dxl_item_open(struct dxl_writer *w, const char *name, const char *tag)
{
	char    buf[DXL_RAW_NAME_MAX + 32];

	if (!dxl_plain_attr(name, DXL_RAW_NAME_MAX))
		return 0;
	dxl_raw(w, buf, item_open_markup(buf, name, tag));
	return 1;
}

/* dxl_item_verbatim - the whole <item name='name'><text>value</text></item>
 * as one raw write, when the writer would write name and value as they
 * are and the value is short; 0 if not */
static int dxl_item_verbatim(struct dxl_writer *w, const char *name, const char *value)
{
	static const char close[] = "</text></item>";
	char    buf[DXL_RAW_NAME_MAX + 32 + 1024];
	size_t  vl, n;

	if (!*value || dxl_plain_text(value, &vl) != 2 || vl > 1024 - sizeof(close)
	    || !dxl_plain_attr(name, DXL_RAW_NAME_MAX))
		return 0;
	n = item_open_markup(buf, name, "text");
	memcpy(buf + n, value, vl);
	n += vl;
	memcpy(buf + n, close, sizeof(close) - 1);
	n += sizeof(close) - 1;
	dxl_raw(w, buf, n);
	return 1;
}

void dxl_item_text(struct dxl_writer *w, const char *name, const char *value)
{
	static const char close[] = "</text></item>";

	if (value && dxl_item_verbatim(w, name, value))
		return;
	/* the fixed markup raw, the value through the writer (an empty
	 * value is <text/>, as the writer writes it) */
	if (value && *value && dxl_item_open(w, name, "text")) {
		dxl_text(w, value, -1);
		dxl_raw(w, close, sizeof(close) - 1);
		return;
	}
	dxl_item_begin(w, name, 1);
	OK(xmlTextWriterStartElement(w->xw, BAD_CAST "text"));
	dxl_text(w, value ? value : "", -1);
	OK(xmlTextWriterEndElement(w->xw));
	dxl_item_end(w);
}

void dxl_item_textlist(struct dxl_writer *w, const char *name, const char *const *values)
{
	static const char close[] = "</textlist></item>";
	int     plain = values && *values;

	for (const char *const *v = values; plain && *v; v++)
		plain = **v != 0;
	if (plain && dxl_item_open(w, name, "textlist")) {
		for (; *values; values++) {
			dxl_raw(w, "<text>", 6);
			dxl_text(w, *values, -1);
			dxl_raw(w, "</text>", 7);
		}
		dxl_raw(w, close, sizeof(close) - 1);
		return;
	}
	dxl_item_begin(w, name, 1);
	OK(xmlTextWriterStartElement(w->xw, BAD_CAST "textlist"));
	for (; values && *values; values++) {
		OK(xmlTextWriterStartElement(w->xw, BAD_CAST "text"));
		dxl_text(w, *values, -1);
		OK(xmlTextWriterEndElement(w->xw));
	}
	OK(xmlTextWriterEndElement(w->xw));
	dxl_item_end(w);
}

void dxl_item_number(struct dxl_writer *w, const char *name, double value)
{
	char    buf[G_ASCII_DTOSTR_BUF_SIZE];

	dxl_item_begin(w, name, 1);
	OK(xmlTextWriterWriteElement(w->xw, BAD_CAST "number",
				     BAD_CAST g_ascii_dtostr(buf, sizeof(buf), value)));
	dxl_item_end(w);
}

void dxl_datetime_format(char *buf, size_t size, time_t when, int tz_minutes)
{
	time_t  local = when + (time_t)tz_minutes * 60;
	struct tm tm;
	int     off = tz_minutes < 0 ? -tz_minutes : tz_minutes;
	char    zone[16];

	if (off > 14 * 60) {			/* no zone is further than 14h */
		off = 0;
		local = when;
	}

	gmtime_r(&local, &tm);
	if (off % 60)
		snprintf(zone, sizeof(zone), "%c%02d%02d", tz_minutes < 0 ? '-' : '+', off / 60, off % 60);
	else
		snprintf(zone, sizeof(zone), "%c%02d", tz_minutes < 0 ? '-' : '+', off / 60);
	snprintf(buf, size, "%04d%02d%02dT%02d%02d%02d,00%s", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
}

void dxl_item_datetime(struct dxl_writer *w, const char *name, time_t when, int tz_minutes)
{
	char    buf[DXL_DATETIME_MAX];

	dxl_datetime_format(buf, sizeof(buf), when, tz_minutes);
	dxl_item_begin(w, name, 1);
	OK(xmlTextWriterWriteElement(w->xw, BAD_CAST "datetime", BAD_CAST buf));
	dxl_item_end(w);
}

/* dxl_digits - n decimal digits at p; -1 if not */
static int dxl_digits(const char *p, int n)
{
	int     v = 0;

	while (n-- > 0) {
		if (!g_ascii_isdigit(*p))
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

time_t dxl_datetime_parse(const char *text)
{
	struct tm tm = {0};
	const char *p = text;
	long    off = 0;
	int     sign, hh, mm = 0;
	time_t  t;

	if (!p || strlen(p) < 8)
		return -1;
	if ((tm.tm_year = dxl_digits(p, 4)) < 0 || (tm.tm_mon = dxl_digits(p + 4, 2)) < 1
	    || (tm.tm_mday = dxl_digits(p + 6, 2)) < 1 || tm.tm_mon > 12 || tm.tm_mday > 31)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	p += 8;
	if (*p == 'T') {
		if ((tm.tm_hour = dxl_digits(p + 1, 2)) < 0 || (tm.tm_min = dxl_digits(p + 3, 2)) < 0
		    || (tm.tm_sec = dxl_digits(p + 5, 2)) < 0 || tm.tm_hour > 23 || tm.tm_min > 59
		    || tm.tm_sec > 60)
			return -1;
		p += 7;
		if (*p == ',') {
			p++;
			while (g_ascii_isdigit(*p))
				p++;
		}
	}
	if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if ((hh = dxl_digits(p + 1, 2)) < 0)
			return -1;
		p += 3;
		if (g_ascii_isdigit(*p)) {
			if ((mm = dxl_digits(p, 2)) < 0)
				return -1;
			p += 2;
		}
		off = sign * (hh * 3600L + mm * 60L);
	} else if (*p == 'Z') {
		p++;
	}
	if (*p)
		return -1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	return t - off;
}

/* dxl_check_doc - refuse DTDs that declare entities */
static int dxl_check_doc(xmlDocPtr doc, GString *why)
{
	xmlDtdPtr dtd = doc->intSubset;

	if (dtd && (dtd->entities || dtd->pentities || dtd->children)) {
		g_string_printf(why, "DXL with an internal DTD subset (entity declarations): refused");
		return 0;
	}
	if (!xmlDocGetRootElement(doc)) {
		g_string_printf(why, "DXL without a root element");
		return 0;
	}
	return 1;
}

#define DXL_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING \
			   | XML_PARSE_NOERROR | XML_PARSE_COMPACT)

xmlDocPtr dxl_parse_memory(const char *buf, size_t len, GString *why)
{
	xmlDocPtr doc;
	xmlErrorPtr err;

	if (len > INT_MAX) {
		g_string_printf(why, "DXL too large");
		return NULL;
	}
	dxl_init();
	xmlResetLastError();
	doc = xmlReadMemory(buf, (int)len, NULL, NULL, DXL_PARSE_OPTIONS);
	if (!doc) {
		err = xmlGetLastError();
		g_string_printf(why, "DXL not well-formed%s%s", err && err->message ? ": " : "",
				err && err->message ? g_strstrip(err->message) : "");
		if (err && err->line > 0)
			g_string_append_printf(why, " (line %d)", err->line);
		return NULL;
	}
	if (!dxl_check_doc(doc, why)) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

xmlDocPtr dxl_parse_file(const char *path, long max_size, GString *why)
{
	gchar  *buf = NULL;
	gsize   len;
	GError *err = NULL;
	struct stat st;
	xmlDocPtr doc;

	if (stat(path, &st) != 0) {
		g_string_printf(why, "%s: %s", path, g_strerror(errno));
		return NULL;
	}
	if (max_size > 0 && st.st_size > max_size) {
		g_string_printf(why, "%s: DXL larger than %ld bytes", path, max_size);
		return NULL;
	}
	if (!g_file_get_contents(path, &buf, &len, &err)) {
		g_string_printf(why, "%s", err->message);
		g_error_free(err);
		return NULL;
	}
	doc = dxl_parse_memory(buf, len, why);
	g_free(buf);
	return doc;
}

int dxl_name_is(const xmlNode *node, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

xmlNodePtr dxl_child(const xmlNode *node, const char *name)
{
	xmlNodePtr c;

	for (c = node ? node->children : NULL; c; c = c->next)
		if (dxl_name_is(c, name))
			return c;
	return NULL;
}

char   *dxl_text_value(const xmlNode *text)
{
	GString *s = g_string_new(NULL);
	const xmlNode *c;

	for (c = text ? text->children : NULL; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			g_string_append(s, (const char *)c->content);
		} else if (dxl_name_is(c, "break")) {
			g_string_append_c(s, '\n');
		} else if (dxl_name_is(c, "nonxmlchar")) {
			xmlChar *v = xmlGetProp(c, BAD_CAST "value");
			long    ch = v ? strtol((const char *)v, NULL, 16) : 0;

			if (ch > 0 && ch < 0x20)
				g_string_append_c(s, (char)ch);
			xmlFree(v);
		}
	}
	return g_string_free(s, FALSE);
}

void dxl_xml_safe(char *text)
{
	unsigned char *p;

	for (p = (unsigned char *)text; p && *p; p++) {
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			*p = '?';
		else if (p[0] == 0xef && p[1] == 0xbf && (p[2] & 0xfe) == 0xbe)
			p[2] = 0xbd;			/* U+FFFD */
	}
}
