/*++
 * NAME
 *	mime2dxl 3
 * SUMMARY
 *	the body of a MIME message as DXL: rich text and $FILE items, or <mime>
 * DESCRIPTION
 *	See mime2dxl.h.  The Body item is written first, in one pass over
 *	the MIME tree; attachments are collected on the way (with their
 *	<attachmentref> placed in the Body) and written as $FILE items
 *	after it, because DXL items do not nest.
 *--*/
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/file.h"
#include "util/msg.h"
#include "dxl/html2rt.h"
#include "dxl/rtwrite.h"
#include "outbound/mime2dxl.h"

#define OK(call) do { if ((call) < 0) m->w->failed = 1; } while (0)
#define RT(m)	((struct rtwrite *)(m)->rt)

/* A paragraph of plain text is cut after this many bytes. */
#define M2D_PAR_MAX	16000
#define M2D_CHUNK	49152			/* a multiple of 3: base64 without padding */

struct m2d_att {
	GMimeObject *obj;
	char   *name;
};

static void m2d_walk(struct mime2dxl *m, GMimeObject *obj, int depth);

int mime2dxl_depth(GMimeObject *obj, int limit)
{
	int     d, max = 0, i, n;

	if (limit < 0)
		return 1;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n && max <= limit; i++)
			if ((d = mime2dxl_depth(g_mime_multipart_get_part(GMIME_MULTIPART(obj), i), limit - 1)) > max)
				max = d;
		return max + 1;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		GMimeObject *body = inner ? g_mime_message_get_mime_part(inner) : NULL;

		return 1 + (body ? mime2dxl_depth(body, limit - 1) : 0);
	}
	return 1;
}

/* m2d_is - the content type of obj is type/subtype */
static int m2d_is(GMimeObject *obj, const char *type, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct && g_mime_content_type_is_type(ct, type, subtype);
}

char   *mime2dxl_text(GMimePart *part, GMimeParserOptions *options, gsize *len, int *fallback)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	GMimeStream *mem, *fs;
	GMimeFilter *cf = NULL;
	GByteArray *ba;
	char   *out;
	guint   i;

	*fallback = 0;
	if (!dw) {
		*len = 0;
		return g_strdup("");
	}
	if (cs && g_ascii_strcasecmp(cs, "utf-8") != 0 && g_ascii_strcasecmp(cs, "us-ascii") != 0
	    && (cf = g_mime_filter_charset_new(cs, "UTF-8")) == NULL)
		*fallback = 1;
	mem = g_mime_stream_mem_new();
	fs = g_mime_stream_filter_new(mem);
	if (cf) {
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(fs), cf);
		g_object_unref(cf);
	}
	g_mime_data_wrapper_write_to_stream(dw, fs);
	g_mime_stream_flush(fs);
	g_object_unref(fs);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	for (i = 0; i < ba->len; i++)		/* NUL is no text */
		if (ba->data[i] == 0)
			ba->data[i] = ' ';
	if (ba->len == 0) {
		out = g_strdup("");
	} else if (g_utf8_validate((const char *)ba->data, (gssize)ba->len, NULL)) {
		out = g_strndup((const char *)ba->data, ba->len);
	} else if (cf) {			/* iconv let something through */
		out = g_utf8_make_valid((const char *)ba->data, (gssize)ba->len);
	} else {
		out = g_mime_utils_decode_8bit(options, (const char *)ba->data, ba->len);
		*fallback = 1;
	}
	g_object_unref(mem);
	*len = strlen(out);
	return out;
}

/* m2d_ext - a file name extension for a part without a name */
static const char *m2d_ext(GMimeObject *obj)
{
	static const char *const table[][3] = {
		{"text", "plain", ".txt"}, {"text", "html", ".htm"}, {"text", "calendar", ".ics"},
		{"text", "rfc822-headers", ".txt"}, {"text", "*", ".txt"},
		{"image", "png", ".png"}, {"image", "jpeg", ".jpg"}, {"image", "gif", ".gif"},
		{"application", "pdf", ".pdf"}, {"application", "pkcs7-signature", ".p7s"},
		{"application", "x-pkcs7-signature", ".p7s"}, {"application", "pkcs7-mime", ".p7m"},
		{"application", "x-pkcs7-mime", ".p7m"}, {"application", "pgp-signature", ".asc"},
		{"application", "pgp-encrypted", ".pgp"}, {"application", "ms-tnef", ".dat"},
		{"message", "rfc822", ".eml"}, {"message", "global", ".eml"},
		{"message", "*", ".txt"}, {"multipart", "*", ".eml"},
	};
	gsize   i;

	for (i = 0; i < G_N_ELEMENTS(table); i++)
		if (m2d_is(obj, table[i][0], table[i][1]))
			return table[i][2];
	return ".bin";
}

/* m2d_clean_name - a file name without path, controls or excess length */
static char *m2d_clean_name(const char *raw)
{
	char   *valid, *p, *base;
	GString *s;

	if (!raw)
		return g_strdup("");
	valid = g_utf8_make_valid(raw, -1);
	base = valid;
	for (p = valid; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	s = g_string_new(NULL);
	for (p = base; *p; p++)			/* controls, and what Windows refuses */
		g_string_append_c(s, (unsigned char)*p < 0x20 || *p == 0x7f || strchr("<>:\"|?*", *p)
				  ? '_' : *p);
	g_strstrip(s->str);
	s->len = strlen(s->str);
	if (s->len > MIME2DXL_NAME_MAX) {
		p = g_utf8_find_prev_char(s->str, s->str + MIME2DXL_NAME_MAX + 1);
		g_string_truncate(s, p ? (gsize)(p - s->str) : 0);
	}
	if (strcmp(s->str, ".") == 0 || strcmp(s->str, "..") == 0)
		g_string_truncate(s, 0);
	dxl_xml_safe(s->str);
	g_free(valid);
	return g_string_free(s, FALSE);
}

/* m2d_name - the unique $FILE name of an attachment */
static char *m2d_name(struct mime2dxl *m, GMimeObject *obj)
{
	const char *raw = NULL;
	char   *name, *key, *dot, *try;
	int     n;

	if (GMIME_IS_PART(obj))
		raw = g_mime_part_get_filename(GMIME_PART(obj));
	if (!raw)
		raw = g_mime_object_get_content_disposition_parameter(obj, "filename");
	if (!raw)
		raw = g_mime_object_get_content_type_parameter(obj, "name");
	if (!raw && GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		raw = inner ? g_mime_message_get_subject(inner) : NULL;
	}
	name = m2d_clean_name(raw);
	if (!*name) {
		g_free(name);
		name = g_strdup_printf("ATT%05u%s", m->atts->len + 1, m2d_ext(obj));
	} else if (GMIME_IS_MESSAGE_PART(obj) && !g_str_has_suffix(name, ".eml")) {
		try = g_strconcat(name, ".eml", NULL);
		g_free(name);
		name = try;
	}
	dot = strrchr(name, '.');
	if (!dot || dot == name)
		dot = name + strlen(name);
	for (n = 1;; n++) {			/* ends: at most max_attachments names */
		try = n == 1 ? g_strdup(name) : g_strdup_printf("%.*s-%d%s", (int)(dot - name), name, n, dot);
		key = g_utf8_casefold(try, -1);
		if (!g_hash_table_contains(m->names, key))
			break;
		g_free(key);
		g_free(try);
	}
	g_free(name);
	name = try;
	g_hash_table_add(m->names, key);
	return name;
}

/* m2d_attach - collect obj as an attachment, once; its $FILE name or
 * NULL when over the limit */
static const char *m2d_attach(struct mime2dxl *m, GMimeObject *obj)
{
	struct m2d_att *a;
	guint   i;

	for (i = 0; i < m->atts->len; i++)	/* a picture shown twice */
		if (((struct m2d_att *)m->atts->pdata[i])->obj == obj)
			return ((struct m2d_att *)m->atts->pdata[i])->name;
	if ((int)m->atts->len >= m->max_attachments) {
		m->attachments = -1;
		return NULL;
	}
	a = g_new0(struct m2d_att, 1);
	a->obj = g_object_ref(obj);
	a->name = m2d_name(m, obj);
	g_ptr_array_add(m->atts, a);
	return a->name;
}

/* m2d_place - attach obj and put its reference in the Body here */
static void m2d_place(struct mime2dxl *m, GMimeObject *obj)
{
	const char *name = m2d_attach(m, obj);

	if (name)
		rtwrite_attachment(RT(m), name);
}

/* m2d_plain - text as paragraphs: lines joined by breaks, blank lines
 * kept as empty paragraphs */
static void m2d_plain(struct mime2dxl *m, const char *text, gsize len)
{
	struct rtwrite *rt = RT(m);
	const char *p = text, *end = text + len, *eol, *cut;
	gsize   inpar = 0;

	rtwrite_par(rt, RTWRITE_PAR_NORMAL);
	while (p < end) {
		for (eol = p; eol < end && *eol != '\n' && *eol != '\r'; eol++)
			;
		if (eol == p) {
			rtwrite_empty_par(rt);
			inpar = 0;
		} else {
			if (inpar && inpar + (gsize)(eol - p) > M2D_PAR_MAX) {
				rtwrite_par(rt, RTWRITE_PAR_NORMAL);
				inpar = 0;
			} else if (inpar) {
				rtwrite_break(rt);
			}
			while (eol - p > M2D_PAR_MAX) {	/* one very long line */
				cut = g_utf8_find_prev_char(p, p + M2D_PAR_MAX);
				if (!cut || cut <= p)
					cut = p + M2D_PAR_MAX;
				rtwrite_run(rt, p, cut - p, 0, NULL);
				rtwrite_par(rt, RTWRITE_PAR_NORMAL);
				p = cut;
			}
			rtwrite_run(rt, p, eol - p, 0, NULL);
			inpar += (gsize)(eol - p) + 1;
		}
		if (eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n')
			eol++;
		p = eol + 1;
	}
	rtwrite_par(rt, RTWRITE_PAR_NORMAL);
}

/* m2d_cid - html2rt's callback: the related part with this Content-ID */
static const char *m2d_cid(void *ctx, const char *cid)
{
	struct mime2dxl *m = ctx;
	GMimeObject *obj;

	if (!m->related || (obj = g_hash_table_lookup(m->related, cid)) == NULL)
		return NULL;
	return m2d_attach(m, obj);
}

/* m2d_raw_length - the encoded size of a part's content, -1 unknown */
static gint64 m2d_raw_length(GMimePart *part)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeStream *s = dw ? g_mime_data_wrapper_get_stream(dw) : NULL;

	return s ? g_mime_stream_length(s) : 0;
}

/* m2d_shown - a leaf part shown in the Body rather than attached */
static int m2d_shown(GMimeObject *obj)
{
	static const char *const types[][2] = {
		{"text", "plain"}, {"text", "html"}, {"text", "rfc822-headers"}, {"message", "rfc822-headers"},
		{"message", "delivery-status"}, {"message", "global-delivery-status"},
		{"message", "disposition-notification"}, {"message", "global-disposition-notification"},
		{"message", "feedback-report"},
	};
	const char *disp = g_mime_object_get_disposition(obj);
	gsize   i;
	gint64  len;

	if (!GMIME_IS_PART(obj))
		return 0;
	if (disp && g_ascii_strcasecmp(disp, "attachment") == 0)
		return 0;
	if (!disp && g_mime_part_get_filename(GMIME_PART(obj)))
		return 0;
	len = m2d_raw_length(GMIME_PART(obj));
	if (len < 0 || len > MIME2DXL_MAX_INLINE)
		return 0;
	for (i = 0; i < G_N_ELEMENTS(types); i++)
		if (m2d_is(obj, types[i][0], types[i][1]))
			return 1;
	return 0;
}

/* m2d_leaf - a part: shown, or attached where it is */
static void m2d_leaf(struct mime2dxl *m, GMimeObject *obj)
{
	char   *text;
	gsize   len;
	int     fallback;

	if (!m2d_shown(obj)) {
		m2d_place(m, obj);
		return;
	}
	text = mime2dxl_text(GMIME_PART(obj), m->options, &len, &fallback);
	if (fallback) {
		const char *cs = g_mime_object_get_content_type_parameter(obj, "charset");
		char   *label = g_strescape(cs ? cs : "(none)", NULL);

		if (strlen(label) > 40)
			memcpy(label + 37, "...", 4);
		msg_warn("%s: text in charset \"%s\" not convertible as labelled; decoded with the fallback charsets",
			 m->id, label);
		g_free(label);
		m->fallbacks++;
	}
	if (!m2d_is(obj, "text", "html")) {
		m2d_plain(m, text, len);
	} else if (!html2rt_render(RT(m), text, len, m2d_cid, m)) {
		if (len)
			msg_warn("%s: HTML the parser cannot read whole (too deep?): shown as its source", m->id);
		m2d_plain(m, text, len);
	}
	g_free(text);
}

/* m2d_alt_score - how well an alternative renders: 0 not text */
static int m2d_alt_score(GMimeObject *obj)
{
	if (GMIME_IS_MULTIPART(obj))
		return 3;
	if (m2d_is(obj, "text", "html"))
		return 3;
	if (m2d_is(obj, "text", "plain"))
		return 2;
	return 0;
}

/* m2d_alt_redundant - another rendering of the text (dropped when an
 * alternative is shown): plain, HTML, enriched, watch-html, multiparts */
static int m2d_alt_redundant(GMimeObject *obj)
{
	return GMIME_IS_MULTIPART(obj) || m2d_is(obj, "text", "plain") || m2d_is(obj, "text", "html")
	    || m2d_is(obj, "text", "enriched") || m2d_is(obj, "text", "richtext")
	    || m2d_is(obj, "text", "watch-html");
}

/* m2d_alternative - the best text alternative; other kinds attached */
static void m2d_alternative(struct mime2dxl *m, GMimeMultipart *mp, int depth)
{
	int     i, n = g_mime_multipart_get_count(mp), best = -1, score = 0, s;
	GMimeObject *c;

	for (i = 0; i < n; i++)
		if ((s = m2d_alt_score(g_mime_multipart_get_part(mp, i))) >= score && s > 0) {
			score = s;
			best = i;
		}
	for (i = 0; i < n; i++) {
		c = g_mime_multipart_get_part(mp, i);
		if (i == best)
			m2d_walk(m, c, depth + 1);
		else if (best < 0 || !m2d_alt_redundant(c))
			m2d_walk(m, c, depth + 1);
	}
}

/* m2d_attached - obj is already collected */
static int m2d_attached(struct mime2dxl *m, GMimeObject *obj)
{
	guint   i;

	for (i = 0; i < m->atts->len; i++)
		if (((struct m2d_att *)m->atts->pdata[i])->obj == obj)
			return 1;
	return 0;
}

/* m2d_related_root - the part named by start=, else the first */
static GMimeObject *m2d_related_root(GMimeMultipart *mp)
{
	const char *start = g_mime_object_get_content_type_parameter(GMIME_OBJECT(mp), "start");
	const char *cid;
	char   *want;
	int     i, n = g_mime_multipart_get_count(mp);
	GMimeObject *root = NULL;

	if (start) {
		want = g_strdup(start);
		g_strstrip(want);
		if (*want == '<' && want[strlen(want) - 1] == '>') {
			want[strlen(want) - 1] = 0;
			memmove(want, want + 1, strlen(want));
		}
		for (i = 0; i < n && !root; i++) {
			cid = g_mime_object_get_content_id(g_mime_multipart_get_part(mp, i));
			if (cid && strcmp(cid, want) == 0)
				root = g_mime_multipart_get_part(mp, i);
		}
		g_free(want);
	}
	return root ? root : g_mime_multipart_get_part(mp, 0);
}

/* m2d_related - the root, with cid: references resolved; the parts it
 * does not reference attached after it */
static void m2d_related(struct mime2dxl *m, GMimeMultipart *mp, int depth)
{
	GHashTable *outer = m->related;
	GMimeObject *root, *c;
	const char *cid;
	int     i, n = g_mime_multipart_get_count(mp);

	if (n == 0)
		return;
	root = m2d_related_root(mp);
	m->related = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < n; i++) {
		c = g_mime_multipart_get_part(mp, i);
		if (c != root && (cid = g_mime_object_get_content_id(c)) != NULL)
			g_hash_table_insert(m->related, (gpointer)cid, c);
	}
	m2d_walk(m, root, depth + 1);
	g_hash_table_destroy(m->related);
	m->related = outer;
	for (i = 0; i < n; i++) {
		c = g_mime_multipart_get_part(mp, i);
		if (c != root && !m2d_attached(m, c))
			m2d_walk(m, c, depth + 1);
	}
}

/* m2d_walk - one MIME object into the Body */
static void m2d_walk(struct mime2dxl *m, GMimeObject *obj, int depth)
{
	GMimeMultipart *mp;
	int     i, n;

	if (depth > m->max_depth)		/* checked before; never recurse unbounded */
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		mp = GMIME_MULTIPART(obj);
		n = g_mime_multipart_get_count(mp);
		if (m2d_is(obj, "multipart", "alternative")) {
			m2d_alternative(m, mp, depth);
		} else if (m2d_is(obj, "multipart", "related")) {
			m2d_related(m, mp, depth);
		} else if (m2d_is(obj, "multipart", "encrypted")) {
			m2d_place(m, obj);
		} else if (m2d_is(obj, "multipart", "signed") && n >= 1) {
			m2d_walk(m, g_mime_multipart_get_part(mp, 0), depth + 1);
			for (i = 1; i < n; i++)
				m2d_place(m, g_mime_multipart_get_part(mp, i));
		} else {
			for (i = 0; i < n; i++)
				m2d_walk(m, g_mime_multipart_get_part(mp, i), depth + 1);
		}
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		m2d_place(m, obj);
	} else if (GMIME_IS_PART(obj)) {
		m2d_leaf(m, obj);
	}
}

static char *m2d_scratch_dir;

void mime2dxl_scratch(const char *dir)
{
	g_free(m2d_scratch_dir);
	m2d_scratch_dir = g_strdup(dir);
}

/* m2d_tmpfile - an unnamed scratch file in the spool */
static FILE *m2d_tmpfile(void)
{
	if (!m2d_scratch_dir) {
		errno = ENOENT;
		return NULL;
	}
	return file_scratch(m2d_scratch_dir);
}

/* m2d_tmp_stream - obj serialized into an unlinked temporary file */
static GMimeStream *m2d_tmp_stream(GMimeObject *obj, GString *why)
{
	FILE   *fp = m2d_tmpfile();
	GMimeStream *s;

	if (!fp) {
		g_string_printf(why, "temporary file: %s", g_strerror(errno));
		return NULL;
	}
	s = g_mime_stream_file_new(fp);
	if (obj && g_mime_object_write_to_stream(obj, NULL, s) < 0) {
		g_string_printf(why, "temporary file: write error");
		g_object_unref(s);
		return NULL;
	}
	g_mime_stream_flush(s);
	g_mime_stream_reset(s);
	return s;
}

/* m2d_content - a stream of the attachment's bytes as the file has them */
static GMimeStream *m2d_content(GMimeObject *obj, GString *why)
{
	GMimeDataWrapper *dw;
	GMimeContentEncoding enc;
	GMimeStream *fs;
	GMimeFilter *f;

	if (GMIME_IS_MESSAGE_PART(obj))
		return m2d_tmp_stream(GMIME_OBJECT(g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj))), why);
	if (!GMIME_IS_PART(obj))
		return m2d_tmp_stream(obj, why);
	if ((dw = g_mime_part_get_content(GMIME_PART(obj))) == NULL)
		return g_mime_stream_mem_new();
	enc = g_mime_data_wrapper_get_encoding(dw);
	fs = g_mime_stream_filter_new(g_mime_data_wrapper_get_stream(dw));
	if (enc == GMIME_CONTENT_ENCODING_BASE64 || enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
	    || enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		f = g_mime_filter_basic_new(enc, FALSE);
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(fs), f);
		g_object_unref(f);
	}
	g_mime_stream_reset(fs);
	return fs;
}

/* m2d_file - one $FILE item, its bytes streamed through base64 */
static int m2d_file(struct mime2dxl *m, struct m2d_att *a, GString *why)
{
	GMimeStream *s = m2d_content(a->obj, why);
	char   *buf, when[DXL_DATETIME_MAX];
	gint64  size = 0;
	gssize  n;
	gsize   use;
	xmlTextWriterPtr xw = m->w->xw;
	GMimeEncoding enc;
	char   *out;

	if (!s)
		return 0;
	buf = g_malloc(M2D_CHUNK + 3);
	out = g_malloc(M2D_CHUNK * 2 + 64);	/* 4/3 and a newline each 76 */
	while ((n = g_mime_stream_read(s, buf, M2D_CHUNK)) > 0)	/* the size first */
		size += n;
	if (n < 0 || g_mime_stream_reset(s) < 0) {
		g_string_printf(why, "attachment %s: read error", a->name);
		g_object_unref(s);
		g_free(buf);
		g_free(out);
		return 0;
	}
	dxl_datetime_format(when, sizeof(when), m->when, 0);
	dxl_item_begin(m->w, "$FILE", 1);
	OK(xmlTextWriterStartElement(xw, BAD_CAST "object"));
	OK(xmlTextWriterStartElement(xw, BAD_CAST "file"));
	OK(xmlTextWriterWriteAttribute(xw, BAD_CAST "hosttype", BAD_CAST "msdos"));
	OK(xmlTextWriterWriteAttribute(xw, BAD_CAST "compression", BAD_CAST "none"));
	OK(xmlTextWriterWriteAttribute(xw, BAD_CAST "flags", BAD_CAST "storedindoc"));
	OK(xmlTextWriterWriteAttribute(xw, BAD_CAST "encoding", BAD_CAST "none"));
	OK(xmlTextWriterWriteAttribute(xw, BAD_CAST "name", BAD_CAST a->name));
	OK(xmlTextWriterWriteFormatAttribute(xw, BAD_CAST "size", "%lld", (long long)size));
	OK(xmlTextWriterStartElement(xw, BAD_CAST "created"));
	OK(xmlTextWriterWriteElement(xw, BAD_CAST "datetime", BAD_CAST when));
	OK(xmlTextWriterEndElement(xw));
	OK(xmlTextWriterStartElement(xw, BAD_CAST "modified"));
	OK(xmlTextWriterWriteElement(xw, BAD_CAST "datetime", BAD_CAST when));
	OK(xmlTextWriterEndElement(xw));
	OK(xmlTextWriterStartElement(xw, BAD_CAST "filedata"));
	/* GMime's encoder, written raw: base64 needs no XML escaping, and
	 * libxml2's own base64 writer is several times slower */
	g_mime_encoding_init_encode(&enc, GMIME_CONTENT_ENCODING_BASE64);
	while ((n = g_mime_stream_read(s, buf, M2D_CHUNK)) > 0) {
		use = g_mime_encoding_step(&enc, buf, (size_t)n, out);
		out[use] = 0;
		OK(xmlTextWriterWriteRaw(xw, BAD_CAST out));
	}
	use = g_mime_encoding_flush(&enc, buf, 0, out);
	out[use] = 0;
	OK(xmlTextWriterWriteRaw(xw, BAD_CAST out));
	OK(xmlTextWriterEndElement(xw));		/* filedata */
	OK(xmlTextWriterEndElement(xw));		/* file */
	OK(xmlTextWriterEndElement(xw));		/* object */
	dxl_item_end(m->w);
	g_object_unref(s);
	g_free(buf);
	g_free(out);
	if (n < 0) {
		g_string_printf(why, "attachment %s: read error", a->name);
		return 0;
	}
	return 1;
}

/* m2d_att_free - one collected attachment */
static void m2d_att_free(gpointer p)
{
	struct m2d_att *a = p;

	g_object_unref(a->obj);
	g_free(a->name);
	g_free(a);
}

int mime2dxl_body(struct mime2dxl *m, GMimeMessage *msg, GString *why)
{
	struct rtwrite rt;
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	guint   i;
	int     ok = 1;

	m->atts = g_ptr_array_new_with_free_func(m2d_att_free);
	m->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	m->related = NULL;
	m->rt = &rt;
	m->attachments = 0;
	dxl_item_begin(m->w, "Body", 0);
	rtwrite_begin(&rt, m->w);
	if (body)
		m2d_walk(m, body, 1);
	rtwrite_end(&rt);
	dxl_item_end(m->w);
	if (m->attachments < 0) {
		g_string_printf(why, "more than %d attachments", m->max_attachments);
		ok = 0;
	}
	for (i = 0; ok && i < m->atts->len; i++)
		ok = m2d_file(m, m->atts->pdata[i], why);
	if (ok)
		m->attachments = (int)m->atts->len;
	g_ptr_array_free(m->atts, TRUE);
	g_hash_table_destroy(m->names);
	m->atts = NULL;
	m->names = NULL;
	m->rt = NULL;
	return ok;
}

int mime2dxl_mime(struct dxl_writer *w, GMimeMessage *msg, GString *why)
{
	GMimeStream *s;
	FILE   *fp;
	char   *line = NULL, *valid;
	size_t  cap = 0;
	ssize_t n;

	g_mime_object_encode(GMIME_OBJECT(msg), GMIME_ENCODING_CONSTRAINT_7BIT);
	if ((fp = m2d_tmpfile()) == NULL) {
		g_string_printf(why, "temporary file: %s", g_strerror(errno));
		return 0;
	}
	s = g_mime_stream_file_new(fp);
	g_mime_stream_file_set_owner(GMIME_STREAM_FILE(s), FALSE);
	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), NULL, s) < 0 || g_mime_stream_flush(s) < 0) {
		g_string_printf(why, "temporary file: write error");
		g_object_unref(s);
		fclose(fp);
		return 0;
	}
	g_object_unref(s);
	rewind(fp);
	if (xmlTextWriterStartElement(w->xw, BAD_CAST "mime") < 0)
		w->failed = 1;
	while ((n = getline(&line, &cap, fp)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		valid = g_utf8_make_valid(line, n);
		dxl_xml_safe(valid);			/* XML cannot carry some */
		if (xmlTextWriterWriteString(w->xw, BAD_CAST valid) < 0
		    || xmlTextWriterWriteString(w->xw, BAD_CAST "\n") < 0)
			w->failed = 1;
		g_free(valid);
	}
	if (xmlTextWriterEndElement(w->xw) < 0)
		w->failed = 1;
	free(line);
	if (ferror(fp)) {
		g_string_printf(why, "temporary file: read error");
		fclose(fp);
		return 0;
	}
	fclose(fp);
	return 1;
}
