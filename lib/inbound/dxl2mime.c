/*++
 * NAME
 *	dxl2mime 3
 * SUMMARY
 *	a Notes memo in DXL to an RFC 5322 message and its envelope
 * DESCRIPTION
 *	See dxl2mime.h.  GMime builds, encodes (RFC 2047, RFC 2231,
 *	transfer encodings) and parses every MIME structure here; libxml2
 *	(lib/richtext) builds the HTML.
 *--*/
#include <string.h>

#include <gio/gio.h>

#include "util/text.h"
#include "dxl/dxl.h"
#include "dxl/rawitem.h"
#include "dxl/rt2html.h"
#include "global/address.h"
#include "global/envelope.h"
#include "inbound/dxl2mime.h"

#define HDR_PREFIX	"X-Lme-Notes-"

struct d2m {
	const struct dxl2mime_opts *o;
	struct dxl2mime *out;
	GString *why;
	xmlNodePtr doc;			/* the <document> */
	GPtrArray *items;		/* its <item>s, in order */
};

/* ---- items ---- */

/* d2m_prop - an attribute (g_free), or NULL */
static char *d2m_prop(const xmlNode *node, const char *name)
{
	xmlChar *v = xmlGetProp(node, BAD_CAST name);
	char   *s = v ? g_strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* d2m_item_is - the item has this name (Notes names ignore case) */
static int d2m_item_is(const xmlNode *item, const char *name)
{
	xmlChar *v = xmlGetProp(item, BAD_CAST "name");
	int     is = v && g_ascii_strcasecmp((const char *)v, name) == 0;

	xmlFree(v);
	return is;
}

/* d2m_find - the first item of that name, or NULL */
static xmlNodePtr d2m_find(struct d2m *d, const char *name)
{
	guint   i;

	for (i = 0; i < d->items->len; i++)
		if (d2m_item_is(g_ptr_array_index(d->items, i), name))
			return g_ptr_array_index(d->items, i);
	return NULL;
}

/* d2m_value - the value element of an item (its first element child) */
static xmlNodePtr d2m_value(const xmlNode *item)
{
	xmlNodePtr c;

	for (c = item ? item->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

/* d2m_raw_type - the type of a <rawitemdata>, or 0 */
static unsigned d2m_raw_type(const xmlNode *v)
{
	char   *t = dxl_name_is(v, "rawitemdata") ? d2m_prop(v, "type") : NULL;
	unsigned type = t ? (unsigned)strtoul(t, NULL, 16) : 0;

	g_free(t);
	return type;
}

/* d2m_raw - the bytes of a <rawitemdata> of the given type, or NULL */
static guchar *d2m_raw(const xmlNode *v, unsigned type, gsize *len, GString *why)
{
	char   *t, *content;
	guchar *data;

	if (!dxl_name_is(v, "rawitemdata") || (t = d2m_prop(v, "type")) == NULL)
		return NULL;
	if (strtoul(t, NULL, 16) != type) {
		g_free(t);
		return NULL;
	}
	g_free(t);
	content = (char *)xmlNodeGetContent(v);
	data = rawitem_decode_base64(content ? content : "", len, why);
	xmlFree(content);
	return data;
}

/* d2m_add_value - one value (g_free'd by the array) unless empty */
static void d2m_add_value(GPtrArray *vals, char *s)
{
	if (s && *g_strstrip(s))
		g_ptr_array_add(vals, s);
	else
		g_free(s);
}

/* d2m_values - an item's values as strings: text, textlist, number(s),
 * datetime(s), and the native value of an RFC822 text item */
static GPtrArray *d2m_values(const xmlNode *item)
{
	GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
	xmlNodePtr v = d2m_value(item), c;
	GString *why;
	struct rawitem_rfc822 r;
	guchar *data;
	gsize   len;

	if (!v)
		return vals;
	if (dxl_name_is(v, "text")) {
		d2m_add_value(vals, dxl_text_value(v));
	} else if (dxl_name_is(v, "number") || dxl_name_is(v, "datetime")) {
		d2m_add_value(vals, (char *)xmlNodeGetContent(v));
	} else if (dxl_name_is(v, "textlist")) {
		for (c = v->children; c; c = c->next)
			if (dxl_name_is(c, "text"))
				d2m_add_value(vals, dxl_text_value(c));
	} else if (dxl_name_is(v, "numberlist") || dxl_name_is(v, "datetimelist")) {
		for (c = v->children; c; c = c->next)
			if (dxl_name_is(c, "number") || dxl_name_is(c, "datetime"))
				d2m_add_value(vals, (char *)xmlNodeGetContent(c));
	} else if (dxl_name_is(v, "rawitemdata")) {
		why = g_string_new(NULL);
		if ((data = d2m_raw(v, RAWITEM_TYPE_RFC822_TEXT, &len, why)) != NULL
		    && rawitem_rfc822(data, len, &r, why)
		    && g_utf8_validate((const char *)r.native, (gssize)r.native_len, NULL))
			d2m_add_value(vals, g_strndup((const char *)r.native, r.native_len));
		g_free(data);
		g_string_free(why, TRUE);
	}
	return vals;
}

/* d2m_first - an item's first value (g_free), or NULL */
static char *d2m_first(struct d2m *d, const char *name)
{
	GPtrArray *vals = d2m_values(d2m_find(d, name));
	char   *s = vals->len ? g_strdup(g_ptr_array_index(vals, 0)) : NULL;

	g_ptr_array_free(vals, TRUE);
	return s;
}

/* d2m_is_raw - the item's value is rawitemdata (a MIME header item) */
static int d2m_is_raw(const xmlNode *item)
{
	return dxl_name_is(d2m_value(item), "rawitemdata");
}

/* ---- header values ---- */

/* d2m_clean - a header value: valid UTF-8, every control character a
 * space, trimmed (g_free) */
static char *d2m_clean(const char *s)
{
	return g_strstrip(text_printable(s, 0, TEXT_UTF8 | TEXT_SPACE));
}

/* d2m_header - append NAME: value (cleaned, RFC 2047 when not ASCII) */
static void d2m_header(GMimeObject *obj, const char *name, const char *value)
{
	char   *v = d2m_clean(value);

	if (*v)
		g_mime_object_append_header(obj, name, v, "utf-8");
	g_free(v);
}

/* d2m_abbrev - the abbreviated Notes form of an address (g_free) */
static char *d2m_abbrev(const char *value)
{
	char   *clean = d2m_clean(value), *a = address_notes_abbreviate(clean);

	g_free(clean);
	return a;
}

/* d2m_address - a Notes address in full abbreviated form: a name without
 * @domain is in our Notes domain, so it gets @notes_domain (g_free) */
static char *d2m_address(struct d2m *d, const char *value)
{
	char   *a = d2m_abbrev(value), *q;

	if (!*a || strchr(a, '@') || !d->o->notes_domain || !*d->o->notes_domain)
		return a;
	q = g_strconcat(a, "@", d->o->notes_domain, NULL);
	g_free(a);
	return q;
}

/* d2m_notes_headers - X-Lme-Notes-NAME: the item's values, abbreviated,
 * separated by commas (as mexin reads them) */
static void d2m_notes_headers(struct d2m *d, GMimeObject *obj, const char *item,
			      const char *name)
{
	xmlNodePtr it = d2m_find(d, item);
	GPtrArray *vals;
	GString *list;
	char   *hdr, *a;
	guint   i;

	if (!it || d2m_is_raw(it))
		return;
	vals = d2m_values(it);
	list = g_string_new(NULL);
	for (i = 0; i < vals->len; i++) {
		a = d2m_address(d, g_ptr_array_index(vals, i));
		g_string_append_printf(list, "%s%s", list->len ? ", " : "", a);
		g_free(a);
	}
	hdr = g_strconcat(HDR_PREFIX, name, NULL);
	d2m_header(obj, hdr, list->str);
	g_free(hdr);
	g_string_free(list, TRUE);
	g_ptr_array_free(vals, TRUE);
}

/* d2m_same_name - the same Notes name, ignoring form, case and @domains */
static int d2m_same_name(const char *a, const char *b)
{
	char   *x = d2m_abbrev(a), *y = d2m_abbrev(b);
	int     same;

	x[strcspn(x, "@")] = 0;
	y[strcspn(y, "@")] = 0;
	same = g_ascii_strcasecmp(x, y) == 0;
	g_free(x);
	g_free(y);
	return same;
}

/* d2m_datetime - a DXL datetime as a GDateTime in its own zone, or NULL */
static GDateTime *d2m_datetime(const char *text)
{
	time_t  t = text ? dxl_datetime_parse(text) : -1;
	const char *z;
	char    off[8];
	GTimeZone *tz;
	GDateTime *utc, *dt;

	if (t == (time_t)-1)
		return NULL;
	z = strchr(text, 'T');
	z = z ? strpbrk(z, "+-") : NULL;
	if (z && strlen(z) >= 3)
		snprintf(off, sizeof(off), "%c%.2s:%.2s", z[0], z + 1, strlen(z) >= 5 ? z + 3 : "00");
	else
		g_strlcpy(off, "+00:00", sizeof(off));
	tz = g_time_zone_new_identifier(off);
	if (!tz)
		tz = g_time_zone_new_utc();
	utc = g_date_time_new_from_unix_utc((gint64)t);
	dt = utc ? g_date_time_to_timezone(utc, tz) : NULL;
	if (utc)
		g_date_time_unref(utc);
	g_time_zone_unref(tz);
	return dt;
}

/* d2m_msgid - a usable Message-ID without its brackets */
static char *d2m_msgid(const char *value)
{
	char   *v, *p;

	if (!value)
		return NULL;
	v = g_strstrip(g_strdup(value));
	if (*v == '<' && v[strlen(v) - 1] == '>') {
		memmove(v, v + 1, strlen(v));
		v[strlen(v) - 1] = 0;
	}
	for (p = v; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("<>()\\\",;[]", *p))
			break;
	if (*p || !strchr(v, '@') || *v == '@' || p[-1] == '@' || strlen(v) > 900) {
		g_free(v);
		return NULL;
	}
	return v;
}

/* d2m_memo_headers - the headers a memo's items give */
static void d2m_memo_headers(struct d2m *d, GMimeMessage *msg, int mime)
{
	GMimeObject *obj = GMIME_OBJECT(msg);
	char   *v, *from, *principal, *subject, *id;
	GDateTime *dt = NULL;
	const char *dates[] = {"PostedDate", "ComposedDate", "DeliveredDate"};
	size_t  i;

	from = d2m_first(d, "From");
	principal = d2m_first(d, "Principal");
	if (!d2m_is_raw(d2m_find(d, "From")) || !from) {
		char   *author = principal ? principal : from;

		if (author) {
			v = d2m_address(d, author);
			d2m_header(obj, HDR_PREFIX "From", v);
			g_free(v);
		}
		if (principal && from && !d2m_same_name(principal, from))
			d2m_notes_headers(d, obj, "From", "Sender");
	}
	d2m_notes_headers(d, obj, "SendTo", "To");
	d2m_notes_headers(d, obj, "CopyTo", "Cc");
	d2m_notes_headers(d, obj, "ReplyTo", "Reply-To");
	if ((v = d2m_first(d, "ReturnReceipt")) && strcmp(v, "1") == 0
	    && (principal || from) && !g_mime_object_get_header(obj, "Disposition-Notification-To")) {
		char   *a = d2m_address(d, principal ? principal : from);

		d2m_header(obj, HDR_PREFIX "Disposition-Notification-To", a);
		g_free(a);
	}
	g_free(v);
	g_free(from);
	g_free(principal);

	if (!g_mime_message_get_subject(msg) && (subject = d2m_first(d, "Subject"))) {
		v = d2m_clean(subject);
		g_mime_message_set_subject(msg, v, "utf-8");
		g_free(v);
		g_free(subject);
	}
	if (!g_mime_message_get_date(msg)) {
		for (i = 0; i < G_N_ELEMENTS(dates) && !dt; i++) {
			v = d2m_first(d, dates[i]);
			dt = d2m_datetime(v);
			g_free(v);
		}
		if (!dt)
			dt = g_date_time_new_now_local();
		g_mime_message_set_date(msg, dt);
		g_date_time_unref(dt);
	}
	if (!g_mime_message_get_message_id(msg)) {
		v = d2m_first(d, "$MessageID");
		if ((id = d2m_msgid(v)) == NULL)
			id = g_mime_utils_generate_message_id(d->o->smtp_domain);
		g_mime_message_set_message_id(msg, id);
		g_free(id);
		g_free(v);
	}
	if (!mime && (v = d2m_first(d, "Importance")) != NULL) {
		if (strcmp(v, "1") == 0) {
			g_mime_object_append_header(obj, "Importance", "high", NULL);
			g_mime_object_append_header(obj, "X-Priority", "1", NULL);
		} else if (strcmp(v, "3") == 0) {
			g_mime_object_append_header(obj, "Importance", "low", NULL);
			g_mime_object_append_header(obj, "X-Priority", "5", NULL);
		}
		g_free(v);
	}
}

/* ---- attachments ---- */

/* d2m_file_name - a safe attachment file name (g_free) */
static char *d2m_file_name(const char *name)
{
	const char *base = name ? name : "";
	const char *p;
	char   *v;

	for (p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	v = d2m_clean(base);
	if (!*v || strcmp(v, ".") == 0 || strcmp(v, "..") == 0) {
		g_free(v);
		v = g_strdup("attachment");
	}
	if (strlen(v) > 255) {
		const char *end = v + 255;

		g_utf8_validate(v, 255, &end);
		v[end - v] = 0;
	}
	return v;
}

/* d2m_attach - a base64 attachment part with name and guessed type */
static GMimeObject *d2m_attach(const char *name, const guchar *data, gsize len,
			       const char *type)
{
	char   *guess = NULL, *mime = NULL, *slash;
	GMimePart *part;
	GMimeStream *stream;
	GMimeDataWrapper *wrapper;

	if (!type) {
		guess = g_content_type_guess(name, NULL, 0, NULL);
		mime = guess ? g_content_type_get_mime_type(guess) : NULL;
		type = mime && strchr(mime, '/') ? mime : "application/octet-stream";
	}
	slash = strchr(type, '/');
	{
		char   *major = g_strndup(type, (gsize)(slash - type));

		part = g_mime_part_new_with_type(major, slash + 1);
		g_free(major);
	}
	g_mime_part_set_filename(part, name);
	stream = g_mime_stream_mem_new_with_buffer((const char *)data, len);
	wrapper = g_mime_data_wrapper_new_with_stream(stream, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, wrapper);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	g_object_unref(wrapper);
	g_object_unref(stream);
	g_free(guess);
	g_free(mime);
	return GMIME_OBJECT(part);
}

/* d2m_decode - undo a transfer encoding in place */
static void d2m_decode(GByteArray *bytes, GMimeContentEncoding enc)
{
	GMimeEncoding state;
	guchar *out;
	size_t  n;

	g_mime_encoding_init_decode(&state, enc);
	out = g_malloc(g_mime_encoding_outlen(&state, bytes->len) + 16);
	n = g_mime_encoding_flush(&state, (const char *)bytes->data, bytes->len, (char *)out);
	g_byte_array_set_size(bytes, 0);
	g_byte_array_append(bytes, out, (guint)n);
	g_free(out);
}

/* d2m_file - the bytes of a $FILE <file>; NULL and why if it cannot be
 * had (compressed, no data) */
static GByteArray *d2m_file(const xmlNode *file, const char *name, GString *why)
{
	char   *comp = d2m_prop(file, "compression"), *enc = d2m_prop(file, "encoding");
	xmlNodePtr fd = dxl_child(file, "filedata");
	char   *content;
	guchar *data;
	gsize   len;
	GByteArray *bytes = NULL;

	if (comp && strcmp(comp, "none") != 0) {
		g_string_printf(why, "compressed attachment %s (%s) cannot be decoded", name, comp);
	} else if (!fd) {
		g_string_printf(why, "attachment %s has no file data", name);
	} else {
		content = (char *)xmlNodeGetContent(fd);
		data = rawitem_decode_base64(content ? content : "", &len, why);
		xmlFree(content);
		if (!data) {
			g_string_printf(why, "attachment %s: file data is not base64", name);
		} else {
			bytes = g_byte_array_new_take(data, len);
			if (enc && strcmp(enc, "base64") == 0)
				d2m_decode(bytes, GMIME_CONTENT_ENCODING_BASE64);
			else if (enc && strcmp(enc, "quotedprintable") == 0)
				d2m_decode(bytes, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
			else if (enc && strcmp(enc, "uuencode") == 0)
				d2m_decode(bytes, GMIME_CONTENT_ENCODING_UUENCODE);
		}
	}
	g_free(comp);
	g_free(enc);
	return bytes;
}

/* d2m_file_node - the <file> of a $FILE item, or NULL */
static xmlNodePtr d2m_file_node(const xmlNode *item)
{
	return dxl_child(dxl_child(item, "object"), "file");
}

/* d2m_display_name - the displayname an <attachmentref> gives a file */
static char *d2m_display_name(struct rt2html *rt, const char *name)
{
	guint   i;
	char   *n, *dn;

	for (i = 0; rt && i < rt->attachrefs->len; i++) {
		const xmlNode *ref = g_ptr_array_index(rt->attachrefs, i);

		n = d2m_prop(ref, "name");
		if (n && name && strcmp(n, name) == 0) {
			dn = d2m_prop(ref, "displayname");
			g_free(n);
			if (dn && *dn)
				return dn;
			g_free(dn);
			return NULL;
		}
		g_free(n);
	}
	return NULL;
}

/* d2m_attachments - every $FILE item as an attachment part */
static int d2m_attachments(struct d2m *d, struct rt2html *rt, GPtrArray *parts)
{
	guint   i;

	for (i = 0; i < d->items->len; i++) {
		xmlNodePtr item = g_ptr_array_index(d->items, i), file;
		char   *name, *shown, *safe;
		GByteArray *bytes;

		if (!d2m_item_is(item, "$FILE") || (file = d2m_file_node(item)) == NULL)
			continue;
		if (d->o->max_attachments > 0 && (int)parts->len >= d->o->max_attachments) {
			g_string_printf(d->why, "more than %d attachments", d->o->max_attachments);
			return 0;
		}
		name = d2m_prop(file, "name");
		shown = d2m_display_name(rt, name);
		safe = d2m_file_name(shown ? shown : name);
		bytes = d2m_file(file, safe, d->why);
		if (bytes) {
			g_ptr_array_add(parts, d2m_attach(safe, bytes->data, bytes->len, NULL));
			g_byte_array_unref(bytes);
		}
		g_free(name);
		g_free(shown);
		g_free(safe);
		if (!bytes)
			return 0;
	}
	return 1;
}

/* d2m_ndl_id - OFxxxxxxxx:xxxxxxxx-ONxxxxxxxx:xxxxxxxx from a UNID */
static void d2m_ndl_id(GString *s, const char *tag, const char *unid)
{
	g_string_append_printf(s, "<%s OF%.8s:%.8s-ON%.8s:%.8s>\r\n", tag, unid, unid + 8,
			       unid + 16, unid + 24);
}

/* d2m_ndl_text - a value for <HINT> or <REM>: no markup, no controls */
static char *d2m_ndl_text(const char *s)
{
	char   *v = d2m_clean(s ? s : ""), *p;

	for (p = v; *p; p++)
		if (*p == '<' || *p == '>')
			*p = ' ';
	return v;
}

/* d2m_ndl - an .ndl attachment for a doclink, as Notes writes them */
static GMimeObject *d2m_ndl(const struct rt2html_doclink *l, int n)
{
	GString *s = g_string_new("<NDL>\r\n");
	char   *hint = d2m_ndl_text(l->server), *rem = d2m_ndl_text(l->description);
	char   *name = g_strdup_printf("doclink%d.ndl", n);
	GMimeObject *part;

	if (l->replica)
		g_string_append_printf(s, "<REPLICA %.8s:%.8s>\r\n", l->replica, l->replica + 8);
	if (l->view)
		d2m_ndl_id(s, "VIEW", l->view);
	if (l->document)
		d2m_ndl_id(s, "NOTE", l->document);
	if (*hint)
		g_string_append_printf(s, "<HINT>%s</HINT>\r\n", hint);
	if (*rem)
		g_string_append_printf(s, "<REM>%s</REM>\r\n", rem);
	g_string_append(s, "</NDL>\r\n");
	part = d2m_attach(name, (const guchar *)s->str, s->len, "application/vnd.lotus-notes");
	g_string_free(s, TRUE);
	g_free(hint);
	g_free(rem);
	g_free(name);
	return part;
}

/* ---- bodies ---- */

/* d2m_text_part - a text/SUBTYPE part (UTF-8) */
static GMimeObject *d2m_text_part(const char *subtype, const char *text)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype(subtype);

	g_mime_text_part_set_text(tp, text);
	return GMIME_OBJECT(tp);
}

/* d2m_render_body - the Body items into rt; kind says what they were */
static int d2m_render_body(struct d2m *d, struct rt2html *rt, int *rich)
{
	guint   i;
	xmlNodePtr v;
	char   *t;

	*rich = 0;
	for (i = 0; i < d->items->len; i++) {
		xmlNodePtr item = g_ptr_array_index(d->items, i);

		if (!d2m_item_is(item, "Body") || (v = d2m_value(item)) == NULL)
			continue;
		if (dxl_name_is(v, "richtext")) {
			*rich = 1;
			if (!rt2html_render(rt, v, d->why))
				return 0;
		} else if (dxl_name_is(v, "text") || dxl_name_is(v, "textlist")) {
			GPtrArray *vals = d2m_values(item);
			guint   j;

			for (j = 0; j < vals->len; j++)
				rt2html_append_text(rt, g_ptr_array_index(vals, j));
			g_ptr_array_free(vals, TRUE);
		} else if (dxl_name_is(v, "rawitemdata")) {
			t = d2m_prop(v, "type");
			g_string_printf(d->why, "Body stored as raw item data of type %s (rich text "
					"the exporter could not convert): cannot be converted",
					t ? t : "?");
			g_free(t);
			return 0;
		}
	}
	return 1;
}

/* d2m_memo - a memo with a rich text or text Body */
static GMimeObject *d2m_memo(struct d2m *d)
{
	struct rt2html *rt = rt2html_new();
	GPtrArray *parts = g_ptr_array_new_with_free_func(g_object_unref);
	GMimeObject *body = NULL, *html_part;
	GMimeMultipart *alt, *mixed;
	char   *html;
	int     rich, ndl, url;
	guint   i;

	ndl = g_strcmp0(d->o->doclinks, "ndl") == 0 || g_strcmp0(d->o->doclinks, "both") == 0;
	url = g_strcmp0(d->o->doclinks, "ndl") != 0;
	rt->doclink_text_only = !url;
	if (!d2m_render_body(d, rt, &rich) || !d2m_attachments(d, rt, parts))
		goto out;
	if (ndl)
		for (i = 0; i < rt->doclinks->len; i++)
			g_ptr_array_add(parts, d2m_ndl(g_ptr_array_index(rt->doclinks, i), (int)i + 1));
	d->out->kind = rich ? "richtext" : "text";
	if (rich) {
		alt = g_mime_multipart_new_with_subtype("alternative");
		body = d2m_text_part("plain", rt->plain->str);
		g_mime_multipart_add(alt, body);
		g_object_unref(body);
		html = rt2html_html(rt);
		html_part = d2m_text_part("html", html);
		g_mime_multipart_add(alt, html_part);
		g_object_unref(html_part);
		g_free(html);
		body = GMIME_OBJECT(alt);
	} else {
		body = d2m_text_part("plain", rt->plain->str);
	}
	if (parts->len) {
		mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(mixed, body);
		g_object_unref(body);
		for (i = 0; i < parts->len; i++)
			g_mime_multipart_add(mixed, g_ptr_array_index(parts, i));
		body = GMIME_OBJECT(mixed);
	}
	d->out->attachments = (int)parts->len;
out:
	g_ptr_array_free(parts, TRUE);
	rt2html_free(rt);
	return body;
}

/* d2m_header_name_ok - RFC 5322 field name characters */
static int d2m_header_name_ok(const char *s, gsize n)
{
	gsize   i;

	if (n == 0 || n > 200)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 32 || (unsigned char)s[i] >= 127 || s[i] == ':')
			return 0;
	return 1;
}

/* d2m_raw_header - one header item as a header line: folding kept, any
 * other CR or LF (a would-be new header) turned into a space */
static void d2m_raw_header(GString *out, const struct rawitem_rfc822 *r)
{
	gsize   i, n = r->body_len;
	const char *b = r->body;

	while (n && (b[n - 1] == '\r' || b[n - 1] == '\n'))
		n--;
	g_string_append_len(out, r->name, (gssize)r->name_len);
	g_string_append(out, ": ");
	for (i = 0; i < n; i++) {
		if (b[i] == '\r' && i + 1 < n && b[i + 1] == '\n')
			continue;
		if (b[i] == '\n' || b[i] == '\r') {
			if (i + 1 < n && (b[i + 1] == ' ' || b[i + 1] == '\t'))
				g_string_append(out, "\r\n");
			else
				g_string_append_c(out, ' ');
		} else if (b[i] == 0) {
			g_string_append_c(out, ' ');
		} else {
			g_string_append_c(out, b[i]);
		}
	}
	g_string_append(out, "\r\n");
}

/* d2m_dbobject - the bytes of the $FILE a MIME part names */
static GByteArray *d2m_dbobject(struct d2m *d, const char *name, gsize len)
{
	char   *want = g_strndup(name, len), *n;
	GByteArray *bytes = NULL;
	guint   i;

	for (i = 0; i < d->items->len && !bytes; i++) {
		xmlNodePtr item = g_ptr_array_index(d->items, i), file;

		if (!d2m_item_is(item, "$FILE") || (file = d2m_file_node(item)) == NULL)
			continue;
		n = d2m_prop(file, "name");
		if (n && strcmp(n, want) == 0)
			bytes = d2m_file(file, want, d->why);
		g_free(n);
		if (d->why->len)
			break;
	}
	if (!bytes && !d->why->len)
		g_string_printf(d->why, "MIME part stored in object %s, which is missing", want);
	g_free(want);
	return bytes;
}

/* d2m_boundary - a part's boundary line, on a line of its own; the
 * epilog's is the closing one */
static void d2m_boundary(GString *out, const char *b, gsize n, int epilog)
{
	while (n && (*b == '\r' || *b == '\n'))
		b++, n--;
	while (n && (b[n - 1] == '\r' || b[n - 1] == '\n'))
		n--;
	if (n == 0)
		return;
	if (out->len && out->str[out->len - 1] != '\n')
		g_string_append(out, "\r\n");
	if (n < 2 || b[0] != '-' || b[1] != '-')
		g_string_append(out, "--");
	g_string_append_len(out, b, (gssize)n);
	if (epilog && (n < 4 || b[n - 1] != '-' || b[n - 2] != '-'))
		g_string_append(out, "--");
	g_string_append(out, "\r\n");
}

/* d2m_raw_stream - the MIME stream of a raw export: header items, then
 * the Body parts; NULL (why set) if an item does not decode */
static GString *d2m_raw_stream(struct d2m *d)
{
	GString *hdrs = g_string_new(NULL), *body = g_string_new(NULL);
	struct rawitem_rfc822 r;
	struct rawitem_mime_part p;
	guchar *data;
	gsize   len;
	guint   i;
	int     nparts = 0, part_headers = 0;

	for (i = 0; i < d->items->len; i++) {
		xmlNodePtr item = g_ptr_array_index(d->items, i), v = d2m_value(item);

		if (!d2m_item_is(item, "Body"))
			continue;
		if ((data = d2m_raw(v, RAWITEM_TYPE_MIME_PART, &len, d->why)) == NULL) {
			if (!d->why->len)
				g_string_printf(d->why, "a Body item that is not a MIME part");
			goto bad;
		}
		if (!rawitem_mime_part(data, len, &p, d->why)) {
			g_free(data);
			goto bad;
		}
		if (nparts++ == 0)
			part_headers = p.headers_len > 0;
		d2m_boundary(body, p.boundary, p.boundary_len, p.type == RAWITEM_PART_EPILOG);
		g_string_append_len(body, p.headers, (gssize)p.headers_len);
		if (p.flags & RAWITEM_MIME_PART_BODY_IN_DBOBJECT) {
			GByteArray *obj = d2m_dbobject(d, p.body, p.body_len);

			if (!obj) {
				g_free(data);
				goto bad;
			}
			g_string_append_len(body, (const char *)obj->data, (gssize)obj->len);
			g_byte_array_unref(obj);
		} else {
			g_string_append_len(body, p.body, (gssize)p.body_len);
		}
		g_free(data);
	}
	for (i = 0; i < d->items->len; i++) {
		xmlNodePtr item = g_ptr_array_index(d->items, i);

		if ((data = d2m_raw(d2m_value(item), RAWITEM_TYPE_RFC822_TEXT, &len, d->why)) == NULL) {
			if (d->why->len)
				goto bad;
			continue;
		}
		if (!rawitem_rfc822(data, len, &r, d->why)) {
			g_free(data);
			goto bad;
		}
		if (d2m_header_name_ok(r.name, r.name_len)
		    && !(part_headers && g_ascii_strncasecmp(r.name, "Content-", 8) == 0))
			d2m_raw_header(hdrs, &r);
		g_free(data);
	}
	if (!part_headers)
		g_string_append(hdrs, "\r\n");
	g_string_append_len(hdrs, body->str, (gssize)body->len);
	g_string_free(body, TRUE);
	return hdrs;
bad:
	g_string_prepend(d->why, "raw MIME item: ");
	g_string_free(hdrs, TRUE);
	g_string_free(body, TRUE);
	return NULL;
}

/* d2m_parse - a MIME stream to a message, or NULL */
static GMimeMessage *d2m_parse(const char *buf, gsize len)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(buf, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);

	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

/* d2m_scrub - remove X-Lme-* and Bcc that came inside a MIME stream */
static void d2m_scrub(GMimeMessage *msg)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	int     i;

	for (i = g_mime_header_list_get_count(list) - 1; i >= 0; i--) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		const char *name = g_mime_header_get_name(h);

		if (g_ascii_strncasecmp(name, "X-Lme-", 6) == 0
		    || g_ascii_strcasecmp(name, "Bcc") == 0)
			g_mime_header_list_remove_at(list, i);
	}
}

/* d2m_count_attachments - the parts of msg that are attachments */
static int d2m_count_attachments(GMimeMessage *msg)
{
	GMimePartIter *iter = g_mime_part_iter_new(GMIME_OBJECT(msg));
	int     n = 0;

	do {
		GMimeObject *o = g_mime_part_iter_get_current(iter);

		if (o && GMIME_IS_PART(o) && g_mime_part_is_attachment(GMIME_PART(o)))
			n++;
	} while (g_mime_part_iter_next(iter));
	g_mime_part_iter_free(iter);
	return n;
}

/* d2m_mime_memo - a native MIME memo: <mime> or raw items */
static GMimeMessage *d2m_mime_memo(struct d2m *d, xmlNodePtr mime)
{
	GMimeMessage *msg;
	char   *content;
	GString *raw;

	if (mime) {
		content = (char *)xmlNodeGetContent(mime);
		msg = d2m_parse(content ? content : "", content ? strlen(content) : 0);
		xmlFree(content);
		d->out->kind = "mime";
	} else {
		if ((raw = d2m_raw_stream(d)) == NULL)
			return NULL;
		msg = d2m_parse(raw->str, raw->len);
		g_string_free(raw, TRUE);
		d->out->kind = "raw-mime";
	}
	if (!msg || !g_mime_message_get_mime_part(msg)) {
		g_string_printf(d->why, "the memo's MIME stream does not parse");
		if (msg)
			g_object_unref(msg);
		return NULL;
	}
	d2m_scrub(msg);
	d->out->attachments = d2m_count_attachments(msg);
	return msg;
}

/* ---- reports ---- */

/* d2m_report_addr - address-type; address for a report field */
static char *d2m_report_addr(struct d2m *d, const char *value)
{
	char   *a = d2m_address(d, value), *s;

	s = g_strdup_printf("%s; %s", address_is_smtp(a) ? "rfc822" : "x-notes", a);
	g_free(a);
	return s;
}

/* d2m_status - an RFC 3463 status for a Notes failure reason */
static const char *d2m_status(const char *reason)
{
	char   *l = g_ascii_strdown(reason ? reason : "", -1);
	const char *s = "5.0.0";

	if (strstr(l, "not listed") || strstr(l, "no such user") || strstr(l, "not found")
	    || strstr(l, "unknown user"))
		s = "5.1.1";
	else if (strstr(l, "loop") || strstr(l, "hop count"))
		s = "5.4.6";
	else if (strstr(l, "quota") || strstr(l, "too large"))
		s = "5.2.2";
	g_free(l);
	return s;
}

/* d2m_report_part - a message/SUBTYPE part holding fields */
static GMimeObject *d2m_report_part(const char *subtype, const GString *fields)
{
	GMimePart *part = g_mime_part_new_with_type("message", subtype);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(fields->str, fields->len);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(stream,
							      GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(part, w);
	g_object_unref(w);
	g_object_unref(stream);
	return GMIME_OBJECT(part);
}

/* d2m_original_id - the Message-ID a receipt is about: In_Reply_To
 * (the MIME header item), else $InReplyTo, else OriginalMessageID */
static char *d2m_original_id(struct d2m *d)
{
	static const char *const names[] = {"In_Reply_To", "$InReplyTo", "OriginalMessageID"};
	char   *v, *id = NULL;
	size_t  i;

	for (i = 0; i < G_N_ELEMENTS(names) && !id; i++) {
		v = d2m_first(d, names[i]);
		id = d2m_msgid(v);
		g_free(v);
	}
	return id;
}

/* d2m_global_8bit - RFC 6533 report parts are 8bit, never encoded */
static void d2m_global_8bit(GMimeMessage *msg)
{
	GMimePartIter *iter = g_mime_part_iter_new(GMIME_OBJECT(msg));

	do {
		GMimeObject *o = g_mime_part_iter_get_current(iter);
		GMimeContentType *ct = o ? g_mime_object_get_content_type(o) : NULL;

		if (ct && GMIME_IS_PART(o) && g_mime_content_type_is_type(ct, "message", "*")
		    && g_str_has_prefix(g_mime_content_type_get_media_subtype(ct), "global-"))
			g_mime_part_set_content_encoding(GMIME_PART(o), GMIME_CONTENT_ENCODING_8BIT);
	} while (g_mime_part_iter_next(iter));
	g_mime_part_iter_free(iter);
}

/* d2m_report - multipart/report from a report form */
static GMimeObject *d2m_report(struct d2m *d, const char *form)
{
	struct rt2html *rt = rt2html_new();
	GString *text = g_string_new(NULL), *fields = g_string_new(NULL);
	GPtrArray *rcpts = d2m_values(d2m_find(d, "IntendedRecipient"));
	GPtrArray *reasons = d2m_values(d2m_find(d, "FailureReason"));
	GMimeMultipart *report = NULL;
	GMimeObject *part;
	char   *v, *subject = d2m_first(d, "Subject"), *from = d2m_first(d, "From");
	int     ndr = strcmp(form, DXL2MIME_FORM_NDR) == 0, rich;
	int     mdn = strcmp(form, DXL2MIME_FORM_RR) == 0;
	const char *subtype;
	guint   i;

	/* a native MIME Body of a report is left out: the fields say it all */
	if (d2m_raw_type(d2m_value(d2m_find(d, "Body"))) != RAWITEM_TYPE_MIME_PART
	    && !d2m_render_body(d, rt, &rich))
		goto out;
	if (rcpts->len == 0 && from && !ndr)
		g_ptr_array_add(rcpts, g_strdup(from));
	if (rcpts->len == 0) {
		g_string_printf(d->why, "%s without IntendedRecipient", form);
		goto out;
	}
	v = subject ? d2m_clean(subject) : g_strdup("");
	if (mdn)
		g_string_append_printf(text, "Your message \"%s\" was read.\n", v);
	else
		g_string_append_printf(text, "Your message \"%s\" %s:\n", v,
				       ndr ? "could not be delivered to" : "was delivered to");
	g_free(v);
	g_string_append_printf(fields, "%s: %s; lme ntsmex\n", mdn ? "Reporting-UA" : "Reporting-MTA",
			       mdn ? d->o->smtp_domain : "dns");
	if (!mdn) {
		g_string_truncate(fields, 0);
		g_string_append_printf(fields, "Reporting-MTA: dns; %s\n", d->o->smtp_domain);
	}
	for (i = 0; i < rcpts->len; i++) {
		char   *addr = d2m_report_addr(d, g_ptr_array_index(rcpts, i));
		const char *reason = reasons->len ? g_ptr_array_index(reasons, MIN(i, reasons->len - 1))
			: NULL;
		char   *why = reason ? d2m_clean(reason) : NULL;
		char   *a = d2m_address(d, g_ptr_array_index(rcpts, i));

		g_string_append_printf(text, "%s%s%s%s\n", mdn ? "Read by: " : "  ", a,
				       why ? ": " : "", why ? why : "");
		if (mdn) {
			g_string_append_printf(fields, "Final-Recipient: %s\n", addr);
			v = d2m_original_id(d);
			if (v)
				g_string_append_printf(fields, "Original-Message-ID: <%s>\n", v);
			g_free(v);
			g_string_append(fields, "Disposition: manual-action/MDN-sent-manually; displayed\n");
			g_free(addr);
			g_free(why);
			g_free(a);
			break;
		}
		g_string_append_printf(fields, "\nFinal-Recipient: %s\nAction: %s\nStatus: %s\n", addr,
				       ndr ? "failed" : "delivered", ndr ? d2m_status(why) : "2.0.0");
		if (why)
			g_string_append_printf(fields, "Diagnostic-Code: x-notes; %s\n", why);
		g_free(addr);
		g_free(why);
		g_free(a);
	}
	if (rt->plain->len)
		g_string_append_printf(text, "\n%s", rt->plain->str);
	/* RFC 6522: report-type is the second part's subtype; non-ASCII
	 * names take the RFC 6533 types, 8bit (set after encoding) */
	subtype = mdn ? "disposition-notification" : "delivery-status";
	if (!g_str_is_ascii(fields->str))
		subtype = mdn ? "global-disposition-notification" : "global-delivery-status";
	report = g_mime_multipart_new_with_subtype("report");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(report), "report-type", subtype);
	part = d2m_text_part("plain", text->str);
	g_mime_multipart_add(report, part);
	g_object_unref(part);
	part = d2m_report_part(subtype, fields);
	g_mime_multipart_add(report, part);
	g_object_unref(part);
	d->out->kind = mdn ? "mdn" : "dsn";
out:
	rt2html_free(rt);
	g_string_free(text, TRUE);
	g_string_free(fields, TRUE);
	g_ptr_array_free(rcpts, TRUE);
	g_ptr_array_free(reasons, TRUE);
	g_free(subject);
	g_free(from);
	return report ? GMIME_OBJECT(report) : NULL;
}

/* ---- envelope ---- */

/* d2m_foreign - value is addressed to the foreign domain */
static int d2m_foreign(const char *value, const char *domain)
{
	const char *at = strrchr(value, '@');

	return at && domain && g_ascii_strcasecmp(at + 1, domain) == 0;
}

/* d2m_add_rcpt - one recipient, abbreviated, once (seen: the lower-case
 * forms so far); 0 when that would make more than DXL2MIME_RCPT_MAX */
static int d2m_add_rcpt(GPtrArray *rcpts, GHashTable *seen, const char *value)
{
	char   *a = d2m_abbrev(value), *key = g_ascii_strdown(a, -1);

	if (g_hash_table_contains(seen, key)) {
		g_free(key);
		g_free(a);
		return 1;
	}
	if (rcpts->len >= DXL2MIME_RCPT_MAX) {
		g_free(key);
		g_free(a);
		return 0;
	}
	g_hash_table_add(seen, key);
	g_ptr_array_add(rcpts, a);
	return 1;
}

/* d2m_addresses - an item's addresses; from a MIME header item, the
 * addr-specs */
static GPtrArray *d2m_addresses(const xmlNode *item)
{
	GPtrArray *vals = d2m_values(item), *out;
	InternetAddressList *list;
	guint   i;
	int     j;

	if (!item || !d2m_is_raw(item))
		return vals;
	out = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < vals->len; i++) {
		if ((list = internet_address_list_parse(NULL, g_ptr_array_index(vals, i))) == NULL)
			continue;
		for (j = 0; j < internet_address_list_length(list); j++) {
			InternetAddress *ia = internet_address_list_get_address(list, j);

			if (INTERNET_ADDRESS_IS_MAILBOX(ia))
				g_ptr_array_add(out, g_strdup(internet_address_mailbox_get_addr(
					INTERNET_ADDRESS_MAILBOX(ia))));
		}
		g_object_unref(list);
	}
	g_ptr_array_free(vals, TRUE);
	return out;
}

/* d2m_envelope - recipients, sender, NOTIFY and hops from the items */
static int d2m_envelope(struct d2m *d)
{
	static const char *const addressees[] = {"SendTo", "CopyTo", "BlindCopyTo"};
	xmlNodePtr rec = d2m_find(d, "Recipients");
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *vals;
	char   *v;
	guint   i, j;
	int     hops = -1, fits = 1;

	if (rec) {
		vals = d2m_addresses(rec);
		for (i = 0; i < vals->len && fits; i++)
			if (d2m_foreign(g_ptr_array_index(vals, i), d->o->foreign_domain))
				fits = d2m_add_rcpt(d->out->rcpts, seen, g_ptr_array_index(vals, i));
		g_ptr_array_free(vals, TRUE);
	} else {
		/* not from the router: the addressees for the foreign domain, and
		 * Internet addresses */
		for (j = 0; j < G_N_ELEMENTS(addressees); j++) {
			vals = d2m_addresses(d2m_find(d, addressees[j]));
			for (i = 0; i < vals->len && fits; i++) {
				const char *a = g_ptr_array_index(vals, i);

				if (d2m_foreign(a, d->o->foreign_domain) || address_is_smtp(a))
					fits = d2m_add_rcpt(d->out->rcpts, seen, a);
			}
			g_ptr_array_free(vals, TRUE);
		}
	}
	g_hash_table_destroy(seen);
	if (!fits) {
		g_string_printf(d->why, "more than %d recipients", DXL2MIME_RCPT_MAX);
		return 0;
	}
	if (d->out->rcpts->len == 0) {
		g_string_printf(d->why, "no recipient addressed to the foreign domain %s",
				d->o->foreign_domain ? d->o->foreign_domain : "(none)");
		return 0;
	}
	for (i = 0; i < d->out->rcpts->len; i++) {
		if (strlen(g_ptr_array_index(d->out->rcpts, i)) > ADDRESS_MAX) {
			g_string_printf(d->why, "a recipient address longer than %d bytes", ADDRESS_MAX);
			return 0;
		}
	}
	if (!d->out->report) {
		vals = d2m_addresses(d2m_find(d, "From"));
		if (vals->len == 0) {
			g_ptr_array_free(vals, TRUE);
			vals = d2m_addresses(d2m_find(d, "Principal"));
		}
		if (vals->len)
			d->out->sender_notes = d2m_address(d, g_ptr_array_index(vals, 0));
		g_ptr_array_free(vals, TRUE);
		if (d->out->sender_notes && strlen(d->out->sender_notes) > ADDRESS_MAX) {
			g_string_printf(d->why, "a sender address longer than %d bytes", ADDRESS_MAX);
			return 0;
		}
	}
	if ((v = d2m_first(d, "DeliveryReport")) != NULL) {
		if (g_ascii_strcasecmp(v, "C") == 0 || g_ascii_strcasecmp(v, "T") == 0)
			d->out->notify = g_strdup("SUCCESS,FAILURE");
		else if (g_ascii_strcasecmp(v, "N") == 0)
			d->out->notify = g_strdup("NEVER");
		g_free(v);
	}
	if ((v = d2m_first(d, "$Hops")) != NULL) {
		hops = (int)CLAMP(g_ascii_strtod(v, NULL), 0, DXL2MIME_MAX_HOPS);
		g_free(v);
	}
	if (hops < 0) {
		hops = 0;
		for (i = 0; i < d->items->len; i++)
			if (d2m_item_is(g_ptr_array_index(d->items, i), "Received"))
				hops++;
		vals = d2m_values(d2m_find(d, "RouteServers"));
		hops += (int)vals->len;
		g_ptr_array_free(vals, TRUE);
	}
	d->out->hops = MIN(hops, DXL2MIME_MAX_HOPS);
	return 1;
}

/* ---- the document ---- */

/* d2m_document - the one <document> of the file, or NULL */
static xmlNodePtr d2m_document(xmlDocPtr doc, GString *why)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), c, found = NULL;
	char   *cls;
	int     n = 0;

	if (dxl_name_is(root, "document"))
		return root;
	if (dxl_name_is(root, "note")) {
		cls = d2m_prop(root, "class");
		if (cls && strcmp(cls, "document") == 0) {
			g_free(cls);
			return root;
		}
		g_string_printf(why, "a design note (class %s), not a mail document", cls ? cls : "?");
		g_free(cls);
		return NULL;
	}
	if (dxl_name_is(root, "database")) {
		for (c = root->children; c; c = c->next)
			if (dxl_name_is(c, "document") && n++ == 0)
				found = c;
		if (n == 1)
			return found;
		g_string_printf(why, "a <database> with %d documents; one was expected", n);
		return NULL;
	}
	g_string_printf(why, "root element <%s> is not a DXL document", root ? (const char *)root->name
			: "?");
	return NULL;
}

int dxl2mime_convert(xmlDocPtr doc, const struct dxl2mime_opts *opts, struct dxl2mime *out,
		     GString *why)
{
	struct d2m d = {opts, out, why, NULL, NULL};
	xmlNodePtr c, mime, body;
	GMimeMessage *msg = NULL;
	GMimeObject *part = NULL;
	char   *form;
	int     ok = 0, native;

	memset(out, 0, sizeof(*out));
	out->rcpts = g_ptr_array_new_with_free_func(g_free);
	g_string_truncate(why, 0);
	if ((d.doc = d2m_document(doc, why)) == NULL)
		return 0;
	d.items = g_ptr_array_new();
	for (c = d.doc->children; c; c = c->next)
		if (dxl_name_is(c, "item"))
			g_ptr_array_add(d.items, c);
	form = d2m_prop(d.doc, "form");
	if (!form)
		form = d2m_first(&d, "Form");
	out->form = form ? form : g_strdup("Memo");
	out->report = strcmp(out->form, DXL2MIME_FORM_NDR) == 0
		|| strcmp(out->form, DXL2MIME_FORM_DR) == 0 || strcmp(out->form, DXL2MIME_FORM_RR) == 0;
	if (!d2m_envelope(&d))
		goto out;

	mime = dxl_child(d.doc, "mime");
	body = d2m_find(&d, "Body");
	native = mime || d2m_raw_type(d2m_value(body)) == RAWITEM_TYPE_MIME_PART;
	if (native && !out->report) {
		if ((msg = d2m_mime_memo(&d, mime)) == NULL)
			goto out;
	} else {
		part = out->report ? d2m_report(&d, out->form) : d2m_memo(&d);
		if (!part)
			goto out;
		msg = g_mime_message_new(TRUE);
		g_mime_message_set_mime_part(msg, part);
		g_object_unref(part);
		g_mime_object_encode(GMIME_OBJECT(msg), GMIME_ENCODING_CONSTRAINT_7BIT);
		d2m_global_8bit(msg);
	}
	d2m_memo_headers(&d, msg, native && !out->report);
	out->message = msg;
	ok = 1;
out:
	g_ptr_array_free(d.items, TRUE);
	return ok;
}

void dxl2mime_clear(struct dxl2mime *out)
{
	if (out->message)
		g_object_unref(out->message);
	g_free(out->form);
	g_free(out->sender_notes);
	g_free(out->notify);
	if (out->rcpts)
		g_ptr_array_free(out->rcpts, TRUE);
	memset(out, 0, sizeof(*out));
}
