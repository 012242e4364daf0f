/*++
 * NAME
 *	memo 3
 * SUMMARY
 *	one RFC 5322 message as one Notes mail memo in DXL
 * DESCRIPTION
 *	See memo.h.
 *--*/
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "util/msg.h"
#include "dxl/dxl.h"
#include "global/address.h"
#include "outbound/memo.h"
#include "outbound/mime2dxl.h"

#define MEMO_DEFECTS_LOGGED	5	/* parser warnings logged per message */

struct memo_defects {
	const char *id;
	int     count;
	int     nesting;		/* GMime's own nesting limit was hit */
	gint64  start;			/* the message's offset in the file */
};

void memo_init(void)
{
	static int done;

	if (!done) {
		g_mime_init();
		done = 1;
	}
}

/* memo_clean - a header value as one bounded line of valid UTF-8 */
static char *memo_clean(const char *value)
{
	char   *v = g_utf8_make_valid(value ? value : "", -1), *p;

	for (p = v; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	g_strstrip(v);
	if (strlen(v) > MEMO_VALUE_MAX) {
		p = g_utf8_find_prev_char(v, v + MEMO_VALUE_MAX + 1);
		*(p ? p : v + MEMO_VALUE_MAX) = 0;
	}
	return v;
}

/* memo_defect_name - a parser warning in words */
static const char *memo_defect_name(GMimeParserWarning code)
{
	static const char *const names[] = {
		"", "duplicated header", "duplicated parameter", "unencoded 8-bit header",
		"invalid content type", "invalid RFC 2047 header value", "malformed multipart",
		"truncated message", "malformed message", "invalid header name", "conflicting header",
		"conflicting parameter", "multipart without boundary", "invalid parameter",
		"invalid address list", "nesting overflow", "part without content",
		"part without headers or content",
	};

	return (unsigned)code < G_N_ELEMENTS(names) ? names[code] : "unknown defect";
}

/* memo_warning - GMime's parser callback: log the defect, count it */
static void memo_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	struct memo_defects *d = data;
	char   *what;

	d->count++;
	if (code == GMIME_CRIT_NESTING_OVERFLOW)
		d->nesting = 1;
	if (d->count > MEMO_DEFECTS_LOGGED)
		return;
	what = memo_clean(item);
	if (strlen(what) > 100)
		what[100] = 0;
	msg_warn("%s: MIME defect at byte %lld: %s%s%s", d->id, (long long)(offset - d->start),
		 memo_defect_name(code), *what ? ": " : "", g_utf8_validate(what, -1, NULL) ? what : "");
	g_free(what);
}

/* memo_addrs - an address list in Notes form where known, and in
 * Internet form */
static void memo_addrs(const struct memo_in *in, InternetAddressList *list, GPtrArray *notes,
		       GPtrArray *inet, int depth)
{
	InternetAddress *ia;
	const char *addr;
	char   *n, *s;
	int     i, count = list ? internet_address_list_length(list) : 0;

	for (i = 0; i < count && inet->len < MEMO_LIST_MAX; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (depth < 2)
				memo_addrs(in, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)),
					   notes, inet, depth + 1);
			continue;
		}
		addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		s = internet_address_to_string(ia, NULL, FALSE);
		g_ptr_array_add(inet, memo_clean(s));
		g_free(s);
		n = addr && *addr ? address_rcpt_to_notes(in->conf, in->map, addr) : NULL;
		g_ptr_array_add(notes, n ? memo_clean(n) : g_strdup(inet->pdata[inet->len - 1]));
		g_free(n);
	}
}

/* memo_list - a textlist item from a NULL-less array */
static void memo_list(struct dxl_writer *w, const char *name, GPtrArray *values)
{
	g_ptr_array_add(values, NULL);
	dxl_item_textlist(w, name, (const char *const *)values->pdata);
	g_ptr_array_remove_index(values, values->len - 1);
}

/* memo_header_item - a text item from a header, when present */
static void memo_header_item(struct dxl_writer *w, GMimeMessage *msg, const char *item,
			     const char *header)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(msg), header);
	char   *c;

	if (v) {
		c = memo_clean(v);
		dxl_item_text(w, item, c);
		g_free(c);
	}
}

/* memo_importance - 1 high, 2 normal, 3 low */
static const char *memo_importance(GMimeMessage *msg)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(msg), "Importance");

	if (v) {
		while (g_ascii_isspace(*v))
			v++;
		if (g_ascii_strncasecmp(v, "high", 4) == 0)
			return "1";
		if (g_ascii_strncasecmp(v, "low", 3) == 0)
			return "3";
		return "2";
	}
	if ((v = g_mime_object_get_header(GMIME_OBJECT(msg), "X-Priority")) != NULL) {
		while (g_ascii_isspace(*v))
			v++;
		if (*v == '1' || *v == '2')
			return "1";
		if (*v == '4' || *v == '5')
			return "3";
	}
	return "2";
}

/* memo_sender - the Notes form of the sender */
static char *memo_sender(const struct memo_in *in, GMimeMessage *msg)
{
	const struct envelope *env = in->env;
	InternetAddressList *from = g_mime_message_get_from(msg);
	InternetAddress *ia;
	char   *n = NULL, *v;

	if (env->sender_notes && *env->sender_notes)
		return memo_clean(env->sender_notes);
	if (env->sender && *env->sender)
		n = address_sender_to_notes(in->conf, in->map, env->sender);
	if ((!n || !*n) && from && internet_address_list_length(from) > 0
	    && INTERNET_ADDRESS_IS_MAILBOX(ia = internet_address_list_get_address(from, 0))) {
		g_free(n);
		n = address_sender_to_notes(in->conf, in->map,
					    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
	}
	if (!n || !*n) {
		g_free(n);
		n = g_strdup_printf("MAILER-DAEMON@%s", in->conf->foreign_domain);
	}
	v = memo_clean(n);
	g_free(n);
	return v;
}

/* memo_recipients - the envelope recipients in Notes form */
static GPtrArray *memo_recipients(const struct memo_in *in)
{
	GPtrArray *r = g_ptr_array_new_with_free_func(g_free);
	struct env_rcpt *rc;
	char   *n;
	guint   i;

	for (i = 0; i < in->env->rcpts->len; i++) {
		rc = in->env->rcpts->pdata[i];
		if (rc->notes && *rc->notes)
			n = g_strdup(rc->notes);
		else if (rc->smtp)
			n = address_rcpt_to_notes(in->conf, in->map, rc->smtp);
		else
			n = NULL;
		if (n && *n)
			g_ptr_array_add(r, memo_clean(n));
		else
			msg_warn("%s: recipient <%s> has no Notes address; not routed", in->id,
				 rc->smtp ? rc->smtp : "");
		g_free(n);
	}
	return r;
}

/* memo_items - the routing and header items */
static void memo_items(const struct memo_in *in, struct dxl_writer *w, GMimeMessage *msg,
		       GPtrArray *recipients)
{
	const struct envelope *env = in->env;
	GPtrArray *to = g_ptr_array_new_with_free_func(g_free), *ito = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *cc = g_ptr_array_new_with_free_func(g_free), *icc = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *fn = g_ptr_array_new_with_free_func(g_free), *ifr = g_ptr_array_new_with_free_func(g_free);
	GDateTime *date = g_mime_message_get_date(msg);
	const char *mid = g_mime_message_get_message_id(msg);
	char   *sender = memo_sender(in, msg), *v;
	time_t  when = env->arrival;
	int     tz = 0, success = 0;
	guint   i;

	memo_addrs(in, g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), to, ito, 0);
	memo_addrs(in, g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC), cc, icc, 0);
	memo_addrs(in, g_mime_message_get_from(msg), fn, ifr, 0);

	dxl_item_text(w, "Form", "Memo");
	dxl_item_text(w, "From", sender);
	dxl_item_text(w, "Principal", sender);
	memo_list(w, "SendTo", to);
	if (cc->len)
		memo_list(w, "CopyTo", cc);
	memo_list(w, "Recipients", recipients);
	dxl_item_text(w, "INetFrom", ifr->len ? ifr->pdata[0] : env->sender);
	if (ito->len)
		memo_list(w, "INetSendTo", ito);
	if (icc->len)
		memo_list(w, "INetCopyTo", icc);
	v = memo_clean(g_mime_message_get_subject(msg));
	dxl_item_text(w, "Subject", v);
	g_free(v);
	if (date && g_date_time_to_unix(date) > 0) {
		when = (time_t)g_date_time_to_unix(date);
		tz = (int)(g_date_time_get_utc_offset(date) / G_TIME_SPAN_MINUTE);
	}
	dxl_item_datetime(w, "PostedDate", when, tz);
	if (mid && *mid) {
		char   *c = memo_clean(mid);

		v = g_strdup_printf("<%s>", c);
		dxl_item_text(w, "$MessageID", v);
		g_free(v);
		g_free(c);
	}
	memo_header_item(w, msg, "In_Reply_To", "In-Reply-To");
	memo_header_item(w, msg, "References", "References");
	dxl_item_text(w, "Importance", memo_importance(msg));
	if (g_mime_object_get_header(GMIME_OBJECT(msg), "Disposition-Notification-To")
	    || g_mime_object_get_header(GMIME_OBJECT(msg), "Return-Receipt-To"))
		dxl_item_text(w, "ReturnReceipt", "1");
	for (i = 0; i < env->rcpts->len; i++) {
		struct env_rcpt *rc = env->rcpts->pdata[i];

		if (rc->notify && strcasestr(rc->notify, "SUCCESS"))
			success = 1;
	}
	dxl_item_text(w, "DeliveryReport", success ? "C" : "B");
	dxl_item_number(w, "$Hops", env->hops);

	g_free(sender);
	g_ptr_array_free(to, TRUE);
	g_ptr_array_free(ito, TRUE);
	g_ptr_array_free(cc, TRUE);
	g_ptr_array_free(icc, TRUE);
	g_ptr_array_free(fn, TRUE);
	g_ptr_array_free(ifr, TRUE);
}

/* memo_parse - GMime over the file from start, never read whole */
static GMimeMessage *memo_parse(int fd, off_t start, GMimeParserOptions *opts, int *headless)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	int     nfd = dup(fd);

	if (nfd < 0 || lseek(nfd, start, SEEK_SET) < 0) {
		if (nfd >= 0)
			close(nfd);
		return NULL;
	}
	stream = g_mime_stream_fs_new_with_bounds(nfd, start, -1);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	g_mime_parser_set_persist_stream(parser, TRUE);
	msg = g_mime_parser_construct_message(parser, opts);
	if (!msg) {				/* no header at all: the text as it is */
		GMimeTextPart *text = g_mime_text_part_new_with_subtype("plain");
		GMimeStream *all = g_mime_stream_substream(stream, start, -1);
		GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(all, GMIME_CONTENT_ENCODING_DEFAULT);

		g_mime_part_set_content(GMIME_PART(text), dw);
		msg = g_mime_message_new(FALSE);
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(text));
		g_object_unref(dw);
		g_object_unref(all);
		g_object_unref(text);
		*headless = 1;
	}
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

enum memo_status memo_convert(const struct memo_in *in, int fd, off_t start, FILE *out,
			      struct memo_result *res, GString *why)
{
	static const char *fallback[] = {"UTF-8", "windows-1252", NULL};
	const struct conf *conf = in->conf;
	struct memo_defects defects = {.id = in->id, .start = start};
	GMimeParserOptions *opts;
	GMimeMessage *msg;
	GMimeObject *body;
	GPtrArray *recipients = NULL;
	struct dxl_writer *w = NULL;
	struct mime2dxl m;
	struct stat st;
	enum memo_status status = MEMO_OK;
	int     mime = g_strcmp0(conf->body_format, "mime") == 0;
	int     headless = 0;

	memset(res, 0, sizeof(*res));
	res->status = "5.6.0";
	if (fstat(fd, &st) != 0) {
		g_string_printf(why, "fstat: %s", g_strerror(errno));
		return MEMO_DEFER;
	}
	res->size = (gint64)st.st_size - start;
	if (conf->max_message_size > 0 && res->size > conf->max_message_size) {
		g_string_printf(why, "message size %lld exceeds max_message_size %ld",
				(long long)res->size, conf->max_message_size);
		res->status = "5.3.4";
		return MEMO_REJECT;
	}
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(opts, memo_warning, &defects);
	g_mime_parser_options_set_fallback_charsets(opts, fallback);
	if ((msg = memo_parse(fd, start, opts, &headless)) == NULL) {
		g_string_printf(why, "not a message GMime can parse");
		g_mime_parser_options_free(opts);
		return MEMO_REJECT;
	}
	if (headless) {
		msg_warn("%s: no RFC 5322 header: the whole message shown as text", in->id);
		defects.count++;
	}
	res->defects = defects.count;
	body = g_mime_message_get_mime_part(msg);
	if (defects.nesting || (body && mime2dxl_depth(body, conf->max_depth) > conf->max_depth)) {
		g_string_printf(why, "MIME nesting deeper than max_depth %d", conf->max_depth);
		status = MEMO_REJECT;
		goto out;
	}
	recipients = memo_recipients(in);
	if (recipients->len == 0) {
		g_string_printf(why, "no recipient with a Notes address");
		res->status = "5.1.1";
		status = MEMO_REJECT;
		goto out;
	}
	if ((w = dxl_writer_new(out, "document")) == NULL) {
		g_string_printf(why, "cannot start the DXL writer");
		status = MEMO_DEFER;
		goto out;
	}
	dxl_document_begin(w, "Memo", NULL);
	if (mime && !mime2dxl_mime(w, msg, why)) {
		status = MEMO_DEFER;
		goto out;
	}
	memo_items(in, w, msg, recipients);
	if (mime) {
		dxl_item_text(w, "$NoteHasNativeMIME", "1");
		dxl_item_text(w, "MIME_Version", "1.0");
	} else {
		memset(&m, 0, sizeof(m));
		m.w = w;
		m.id = in->id;
		m.when = in->env->arrival;
		m.max_attachments = conf->max_attachments;
		m.max_depth = conf->max_depth;
		m.options = opts;
		if (!mime2dxl_body(&m, msg, why)) {
			status = m.attachments < 0 ? MEMO_REJECT : MEMO_DEFER;
			goto out;
		}
		res->attachments = m.attachments;
		res->fallbacks = m.fallbacks;
	}
	dxl_document_end(w);
out:
	if (w && !dxl_writer_finish(w) && status == MEMO_OK) {
		g_string_printf(why, "write error: %s", g_strerror(errno));
		status = MEMO_DEFER;
	}
	res->defects = defects.count;
	if (recipients)
		g_ptr_array_free(recipients, TRUE);
	g_object_unref(msg);
	g_mime_parser_options_free(opts);
	return status;
}
