/*++
 * NAME
 *	dsn 3
 * SUMMARY
 *	delivery status notifications (RFC 3464) to SMTP senders
 * DESCRIPTION
 *	See dsn.h.  The report is built with GMime: a multipart/report with
 *	report-type=delivery-status, whose parts are a text/plain note for
 *	people, the message/delivery-status fields, and the original
 *	message's headers (text/rfc822-headers) or, with RET=FULL, the whole
 *	original (message/rfc822).
 *
 *	Every value taken from the original (addresses, ORCPT, ENVID,
 *	diagnostic texts) is cleaned before it goes into a field: control
 *	characters become '?', and the length is bounded, so that a hostile
 *	envelope cannot inject fields or headers.
 *--*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <gmime/gmime.h>

#include "util/msg.h"
#include "util/text.h"
#include "global/dsn.h"

#define DSN_VALUE_MAX	900		/* longest value copied into a field */

/* dsn_xtext_decode - RFC 3461 xtext ("+2B" -> "+"), cleaned */
static char *dsn_xtext_decode(const char *s)
{
	GString *out = g_string_new(NULL);
	char   *res;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '+' && g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2])) {
			g_string_append_c(out, (char)(g_ascii_xdigit_value(p[1]) * 16
						      + g_ascii_xdigit_value(p[2])));
			p += 2;
		} else {
			g_string_append_c(out, *p);
		}
	}
	res = text_printable(out->str, DSN_VALUE_MAX, 0);
	g_string_free(out, TRUE);
	return res;
}

int dsn_notify_wants(const char *notify, const char *action)
{
	gchar **words;
	const char *want;
	int     yes = 0, i;

	if (!action)
		return 0;
	if (!strcasecmp(action, "failed"))
		want = "FAILURE";
	else if (!strcasecmp(action, "delayed"))
		want = "DELAY";
	else
		want = "SUCCESS";		/* delivered, relayed, expanded */
	if (!notify || !*notify)
		return strcmp(want, "SUCCESS") != 0;	/* RFC 3461 4.1 default */
	words = g_strsplit(notify, ",", 0);
	for (i = 0; words[i]; i++) {
		g_strstrip(words[i]);
		if (!g_ascii_strcasecmp(words[i], "NEVER")) {
			yes = 0;
			break;
		}
		if (!g_ascii_strcasecmp(words[i], want))
			yes = 1;
	}
	g_strfreev(words);
	return yes;
}

/* dsn_date - an RFC 5322 date */
static char *dsn_date(time_t when)
{
	GDateTime *dt = g_date_time_new_from_unix_local((gint64)when);
	char   *s = g_mime_utils_header_format_date(dt);

	g_date_time_unref(dt);
	return s;
}

/* dsn_kind - the words of the log line and subject for an action */
static const char *dsn_kind(const char *action, const char **subject)
{
	if (!strcasecmp(action, "failed")) {
		*subject = "Undelivered Mail Returned to Sender";
		return "non-delivery";
	}
	if (!strcasecmp(action, "delayed")) {
		*subject = "Delayed Mail (still being retried)";
		return "delay";
	}
	*subject = "Successful Mail Delivery Report";
	return "delivery status";
}

/* dsn_status_fields - the message/delivery-status body */
static char *dsn_status_fields(const struct envelope *env, GPtrArray *want)
{
	GString *s = g_string_new(NULL);
	char   *host = text_printable(g_get_host_name(), DSN_VALUE_MAX, 0);
	char   *date = dsn_date(env->arrival), *now = dsn_date(time(NULL));
	guint   i;

	g_string_append_printf(s, "Reporting-MTA: dns; %s\n", host);
	if (env->envid) {
		char   *v = dsn_xtext_decode(env->envid);

		g_string_append_printf(s, "Original-Envelope-Id: %s\n", v);
		g_free(v);
	}
	g_string_append_printf(s, "Arrival-Date: %s\n", date);
	for (i = 0; i < want->len; i++) {
		const struct dsn_rcpt *r = g_ptr_array_index(want, i);
		char   *addr = text_printable(r->addr, DSN_VALUE_MAX, 0);
		char   *status = text_printable(r->status ? r->status : "5.0.0", DSN_VALUE_MAX, 0);
		char   *action = text_printable(r->action, DSN_VALUE_MAX, 0);

		g_string_append_c(s, '\n');
		if (r->orcpt && strchr(r->orcpt, ';')) {
			char   *o = dsn_xtext_decode(r->orcpt);

			g_string_append_printf(s, "Original-Recipient: %s\n", o);
			g_free(o);
		}
		g_string_append_printf(s, "Final-Recipient: rfc822; %s\n", addr);
		g_string_append_printf(s, "Action: %s\nStatus: %s\n", action, status);
		if (r->diag) {
			char   *d = text_printable(r->diag, DSN_VALUE_MAX, 0);
			int     smtp = g_ascii_isdigit(d[0]) && g_ascii_isdigit(d[1])
				&& g_ascii_isdigit(d[2]) && (d[3] == ' ' || d[3] == '-');

			g_string_append_printf(s, "Diagnostic-Code: %s; %s\n", smtp ? "smtp" : "X-LME", d);
			g_free(d);
		}
		g_string_append_printf(s, "Last-Attempt-Date: %s\n", now);
		g_free(addr);
		g_free(status);
		g_free(action);
	}
	g_free(host);
	g_free(date);
	g_free(now);
	return g_string_free(s, FALSE);
}

/* dsn_human - the text/plain part */
static char *dsn_human(const struct conf *conf, GPtrArray *want, const char *kind)
{
	GString *s = g_string_new(NULL);
	char   *host = text_printable(g_get_host_name(), DSN_VALUE_MAX, 0);
	guint   i;

	g_string_append_printf(s, "This is the mail gateway to Lotus Notes at %s.\n\n", host);
	if (!strcmp(kind, "non-delivery"))
		g_string_append(s, "Your message could not be delivered to one or more recipients.\n"
				"It is attached below.\n\n");
	else if (!strcmp(kind, "delay"))
		g_string_append(s, "Your message could not be delivered yet; it will be retried.\n\n");
	else
		g_string_append(s, "Your message was delivered to the recipients below.\n\n");
	for (i = 0; i < want->len; i++) {
		const struct dsn_rcpt *r = g_ptr_array_index(want, i);
		char   *addr = text_printable(r->addr, DSN_VALUE_MAX, 0);
		char   *diag = text_printable(r->diag ? r->diag : r->status, DSN_VALUE_MAX, 0);

		g_string_append_printf(s, "<%s>: %s\n", addr, diag);
		g_free(addr);
		g_free(diag);
	}
	g_free(host);
	return g_string_free(s, FALSE);
}

/* dsn_part - a leaf part of type/subtype holding text */
static GMimeObject *dsn_part(const char *type, const char *subtype, const char *text)
{
	GMimePart *part = g_mime_part_new_with_type(type, subtype);
	GMimeStream *mem = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(mem, GMIME_CONTENT_ENCODING_DEFAULT);
	const char *p;
	int     eight = 0;

	for (p = text; *p; p++)
		if ((unsigned char)*p >= 0x80)
			eight = 1;
	g_mime_part_set_content(part, dw);
	g_mime_part_set_content_encoding(part, eight ? GMIME_CONTENT_ENCODING_8BIT
					 : GMIME_CONTENT_ENCODING_7BIT);
	g_object_unref(dw);
	g_object_unref(mem);
	return GMIME_OBJECT(part);
}

/* dsn_original - the third part: the headers, or with RET=FULL the whole
 * message; NULL when the original cannot be read (the part is optional) */
static GMimeObject *dsn_original(const struct envelope *env, const char *msgpath,
				 long max_size)
{
	GString *err = g_string_new(NULL);
	GMimeObject *res = NULL;
	GMimeMessage *orig;
	GMimeParser *parser;
	GMimeStream *stream;
	struct envelope *e;
	struct stat st;
	FILE   *fp = NULL;
	int     full = env->ret && !g_ascii_strcasecmp(env->ret, "FULL");

	if (!msgpath || (e = envelope_open(msgpath, &fp, err)) == NULL) {
		if (msgpath)
			msg_warn("%s: report without the original: %s", env->id, err->str);
		g_string_free(err, TRUE);
		return NULL;
	}
	envelope_free(e);
	if (full && max_size > 0 && fstat(fileno(fp), &st) == 0 && st.st_size > max_size)
		full = 0;
	stream = g_mime_stream_file_new(fp);
	g_mime_stream_file_set_owner(GMIME_STREAM_FILE(stream), FALSE);
	if (full) {
		/* the report refers to its parts' streams until it is written:
		 * give it a copy in memory (bounded above), not the file */
		GMimeStream *mem = g_mime_stream_mem_new();

		if (g_mime_stream_write_to_stream(stream, mem) < 0) {
			g_object_unref(mem);
			full = 0;
			g_mime_stream_reset(stream);
		} else {
			g_mime_stream_reset(mem);
			g_object_unref(stream);
			stream = mem;
		}
	}
	parser = g_mime_parser_new_with_stream(stream);
	if ((orig = g_mime_parser_construct_message(parser, NULL)) != NULL) {
		if (full) {
			res = GMIME_OBJECT(g_mime_message_part_new_with_message("rfc822", orig));
		} else {
			GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(orig));
			char   *text = g_mime_header_list_to_string(hl, NULL);

			res = dsn_part("text", "rfc822-headers", text);
			g_free(text);
		}
		g_object_unref(orig);
	}
	g_object_unref(parser);
	g_object_unref(stream);
	fclose(fp);
	g_string_free(err, TRUE);
	return res;
}

/* dsn_build - the report message */
static GMimeMessage *dsn_build(const struct conf *conf, const struct envelope *env,
			       const char *msgpath, GPtrArray *want, const char *kind,
			       const char *subject)
{
	GMimeMessage *m = g_mime_message_new(TRUE);
	GMimeMultipart *mp = g_mime_multipart_new_with_subtype("report");
	char   *from = g_strdup_printf("MAILER-DAEMON@%s", conf->smtp_domain);
	char   *to = text_printable(env->sender, DSN_VALUE_MAX, 0);
	char   *text, *mid;
	GDateTime *now = g_date_time_new_now_local();
	GMimeObject *part;

	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, "Mail Delivery System", from);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL, to);
	g_mime_message_set_subject(m, subject, NULL);
	g_mime_message_set_date(m, now);
	mid = g_mime_utils_generate_message_id(conf->smtp_domain);
	g_mime_message_set_message_id(m, mid);
	g_mime_object_set_header(GMIME_OBJECT(m), "Auto-Submitted", "auto-replied", NULL);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(mp), "report-type", "delivery-status");

	text = dsn_human(conf, want, kind);
	part = dsn_part("text", "plain", text);
	g_mime_object_set_content_type_parameter(part, "charset", "utf-8");
	g_mime_multipart_add(mp, part);
	g_object_unref(part);
	g_free(text);

	text = dsn_status_fields(env, want);
	part = dsn_part("message", "delivery-status", text);
	g_mime_multipart_add(mp, part);
	g_object_unref(part);
	g_free(text);

	if ((part = dsn_original(env, msgpath, conf->max_message_size)) != NULL) {
		g_mime_multipart_add(mp, part);
		g_object_unref(part);
	}
	g_mime_message_set_mime_part(m, GMIME_OBJECT(mp));
	g_object_unref(mp);
	g_date_time_unref(now);
	g_free(mid);
	g_free(from);
	g_free(to);
	return m;
}

/* dsn_write - queue the report in mts_in under a new id */
static char *dsn_write(struct spool_queue *mts_in, const struct envelope *env,
		       GMimeMessage *m, GString *why)
{
	struct envelope *re = envelope_new();
	struct spool_writer *w;
	struct env_rcpt *r;
	GMimeStream *out;
	char   *id = spool_new_id();
	int     ok;

	re->id = g_strdup(id);			/* envelope_new(): sender "" */
	re->report = 1;
	r = envelope_add_rcpt(re, env->sender, NULL);
	r->notify = g_strdup("NEVER");
	if ((w = spool_create(mts_in, id, why)) == NULL) {
		envelope_free(re);
		g_free(id);
		return NULL;
	}
	ok = envelope_write(w->fp, re, why);
	if (ok) {
		out = g_mime_stream_file_new(w->fp);
		g_mime_stream_file_set_owner(GMIME_STREAM_FILE(out), FALSE);
		if (g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, out) < 0
		    || g_mime_stream_flush(out) != 0) {
			g_string_printf(why, "write report: %s", g_strerror(errno));
			ok = 0;
		}
		g_object_unref(out);
	}
	envelope_free(re);
	if (!ok) {
		spool_abort(w);
		g_free(id);
		return NULL;
	}
	if (!spool_commit(w, why)) {
		g_free(id);
		return NULL;
	}
	return id;
}

int dsn_queue(const struct conf *conf, struct spool_queue *mts_in,
	      const struct envelope *env, const char *msgpath,
	      GPtrArray *rcpts, GString *why)
{
	GPtrArray *want;
	GMimeMessage *m;
	const char *kind, *subject, *action = NULL;
	char   *id;
	guint   i;

	if (!env->sender || !*env->sender || env->report || !rcpts)
		return 1;
	want = g_ptr_array_new();
	for (i = 0; i < rcpts->len; i++) {
		const struct dsn_rcpt *r = g_ptr_array_index(rcpts, i);

		if (r->addr && r->action && dsn_notify_wants(r->notify, r->action)) {
			g_ptr_array_add(want, (gpointer)r);
			if (!action || !strcasecmp(r->action, "failed"))
				action = r->action;
		}
	}
	if (want->len == 0) {
		g_ptr_array_free(want, TRUE);
		return 1;
	}
	kind = dsn_kind(action, &subject);
	m = dsn_build(conf, env, msgpath, want, kind, subject);
	id = dsn_write(mts_in, env, m, why);
	g_object_unref(m);
	g_ptr_array_free(want, TRUE);
	if (!id)
		return 0;
	msg_info("%s: sender %s notification: %s", env->id, kind, id);
	g_free(id);
	return 1;
}
