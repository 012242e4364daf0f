/*++
 * NAME
 *	inbound 3
 * SUMMARY
 *	mexin's first step: Notes addresses to SMTP (readyin -> mts-in)
 *--*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/msg.h"
#include "global/address.h"
#include "global/bounce.h"
#include "global/envelope.h"
#include "inbound/inbound.h"

#define INBOUND_LIST_MAX	1000	/* addresses in one header */

static const struct {
	GMimeAddressType type;
	const char *name;
} inbound_fields[] = {
	{GMIME_ADDRESS_TYPE_FROM, "From"},
	{GMIME_ADDRESS_TYPE_TO, "To"},
	{GMIME_ADDRESS_TYPE_CC, "Cc"},
	{GMIME_ADDRESS_TYPE_SENDER, "Sender"},
	{GMIME_ADDRESS_TYPE_REPLY_TO, "Reply-To"},
};

#define INBOUND_DNT	"Disposition-Notification-To"


/* inbound_domain_is - the domain after the last @ of a is d */
static int inbound_domain_is(const char *a, const char *d)
{
	const char *at = strrchr(a, '@');

	return at && d && strcasecmp(at + 1, d) == 0;
}

/* inbound_notes_like - a looks like a Notes address, not an SMTP one */
static int inbound_notes_like(const struct conf *conf, const char *a)
{
	return strchr(a, '/') || !address_is_smtp(a) || inbound_domain_is(a, conf->notes_domain)
		|| inbound_domain_is(a, conf->foreign_domain);
}

/* inbound_unquote - "John Smith/Sales/Acme"@Acme -> John Smith/Sales/Acme@Acme */
static char *inbound_unquote(const char *a)
{
	const char *end;

	if (a[0] != '"' || (end = strchr(a + 1, '"')) == NULL)
		return g_strdup(a);
	return g_strdup_printf("%.*s%s", (int)(end - a - 1), a + 1, end + 1);
}

/* inbound_common_name - the first component of a Notes name */
static char *inbound_common_name(const char *notes)
{
	char   *abbr = address_notes_abbreviate(notes);
	size_t  n = strcspn(abbr, "/@");
	char   *cn = g_strndup(abbr, n);

	g_free(abbr);
	return cn;
}

/* inbound_mailbox - the SMTP mailbox for a Notes address in a header */
static InternetAddress *inbound_mailbox(const struct conf *conf, const struct addrmap *map,
					const char *notes, const char *display, int is_from)
{
	char   *smtp = NULL, *cn = NULL;
	const char *name = display;
	InternetAddress *ia;

	if (!is_from)
		smtp = address_rcpt_to_smtp(conf, map, notes);
	if (!smtp)
		smtp = address_sender_to_smtp(conf, map, notes);
	if (!name || !*name || strchr(name, '/'))
		name = address_display(map, smtp);
	if (!name && strchr(notes, '/'))
		name = cn = inbound_common_name(notes);
	ia = internet_address_mailbox_new(name, smtp);
	g_free(smtp);
	g_free(cn);
	return ia;
}

/* inbound_split - a comma-separated header value as trimmed words */
static gchar **inbound_split(const char *value)
{
	gchar **v = g_strsplit(value, ",", INBOUND_LIST_MAX);
	gchar **p;

	for (p = v; *p; p++)
		g_strstrip(*p);
	return v;
}

/* inbound_field - rewrite one address header */
static void inbound_field(const struct conf *conf, const struct addrmap *map, GMimeMessage *m,
			  GMimeAddressType type, const char *name)
{
	InternetAddressList *list = g_mime_message_get_addresses(m, type);
	InternetAddressList *out = internet_address_list_new();
	char   *xname = g_strdup_printf("%s%s", INBOUND_NOTES_HEADER, name);
	const char *xval = g_mime_object_get_header(GMIME_OBJECT(m), xname);
	const char *raw = g_mime_object_get_header(GMIME_OBJECT(m), name);
	int     is_from = type == GMIME_ADDRESS_TYPE_FROM, n = internet_address_list_length(list), i;
	int     changed = 0;
	gchar **words, **w;

	if (xval) {
		/* the Notes addresses stand beside the header: they rule */
		words = inbound_split(xval);
		for (w = words, i = 0; *w; w++, i++) {
			InternetAddress *old = i < n ? internet_address_list_get_address(list, i) : NULL;
			const char *disp = old ? internet_address_get_name(old) : NULL;

			if (**w)
				internet_address_list_add(out, inbound_mailbox(conf, map, *w, disp, is_from));
		}
		g_strfreev(words);
		changed = 1;
	} else if (n == 0 && raw && *raw) {
		/* a bare Notes address is no RFC 5322 address: GMime gave up */
		words = inbound_split(raw);
		for (w = words; *w; w++)
			if (**w && inbound_notes_like(conf, *w))
				internet_address_list_add(out, inbound_mailbox(conf, map, *w, NULL, is_from));
		g_strfreev(words);
		changed = internet_address_list_length(out) > 0;
	} else {
		for (i = 0; i < n; i++) {
			InternetAddress *ia = internet_address_list_get_address(list, i);
			const char *disp = internet_address_get_name(ia);
			const char *addr;
			char   *notes;

			if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) {
				internet_address_list_add(out, ia);
				continue;
			}
			addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
			notes = inbound_unquote(addr ? addr : "");
			if (*notes && inbound_notes_like(conf, notes)) {
				internet_address_list_add(out, inbound_mailbox(conf, map, notes, disp, is_from));
				changed = 1;
			} else if (disp && strchr(disp, '/') && strchr(disp, '@')) {
				internet_address_list_add(out, inbound_mailbox(conf, map, disp, NULL, is_from));
				changed = 1;
			} else {
				internet_address_list_add(out, ia);
			}
			g_free(notes);
		}
	}
	if (changed) {
		internet_address_list_clear(list);
		internet_address_list_append(list, out);
	}
	g_object_unref(out);
	g_free(xname);
}

/* inbound_dnt - ReturnReceipt: the Notes address asking for the receipt,
 * as an SMTP address in Disposition-Notification-To (RFC 8098) */
static void inbound_dnt(const struct conf *conf, const struct addrmap *map, GMimeMessage *m)
{
	char   *xname = g_strdup_printf("%s%s", INBOUND_NOTES_HEADER, INBOUND_DNT);
	const char *xval = g_mime_object_get_header(GMIME_OBJECT(m), xname);
	InternetAddressList *out;
	gchar **words, **w;
	char   *text;

	if (xval) {
		out = internet_address_list_new();
		words = inbound_split(xval);
		for (w = words; *w; w++)
			if (**w)
				internet_address_list_add(out, inbound_mailbox(conf, map, *w, NULL, 1));
		g_strfreev(words);
		if (internet_address_list_length(out) > 0) {
			text = internet_address_list_to_string(out, NULL, TRUE);
			g_mime_object_set_header(GMIME_OBJECT(m), INBOUND_DNT, text, "utf-8");
			g_free(text);
		}
		g_object_unref(out);
	}
	g_free(xname);
}

void inbound_headers(const struct conf *conf, const struct addrmap *map, GMimeMessage *m)
{
	GMimeHeaderList *hl;
	GPtrArray *drop = g_ptr_array_new_with_free_func(g_free);
	guint   i;
	int     k;

	for (i = 0; i < G_N_ELEMENTS(inbound_fields); i++)
		inbound_field(conf, map, m, inbound_fields[i].type, inbound_fields[i].name);
	inbound_dnt(conf, map, m);
	hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
	for (k = 0; k < g_mime_header_list_get_count(hl); k++) {
		const char *n = g_mime_header_get_name(g_mime_header_list_get_header_at(hl, k));

		if (g_ascii_strncasecmp(n, INBOUND_HEADER_PREFIX, strlen(INBOUND_HEADER_PREFIX)) == 0)
			g_ptr_array_add(drop, g_strdup(n));
	}
	for (i = 0; i < drop->len; i++)
		while (g_mime_object_remove_header(GMIME_OBJECT(m), g_ptr_array_index(drop, i)))
			;
	g_ptr_array_free(drop, TRUE);
}

int inbound_hops(GMimeMessage *m, int hops)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
	int     k, n = 0;

	for (k = 0; k < g_mime_header_list_get_count(hl); k++)
		if (g_ascii_strcasecmp(g_mime_header_get_name(g_mime_header_list_get_header_at(hl, k)),
				       "Received") == 0)
			n++;
	return n > hops ? n : hops;
}

/* inbound_parse - the message after the envelope in fp */
static GMimeMessage *inbound_parse(FILE *fp)
{
	int     fd = dup(fileno(fp));
	GMimeStream *st;
	GMimeParser *parser;
	GMimeMessage *m;

	if (fd < 0)
		return NULL;
	st = g_mime_stream_fs_new_with_bounds(fd, ftello(fp), -1);
	parser = g_mime_parser_new_with_stream(st);
	m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(st);
	return m;
}

/* inbound_write - the new envelope and the message into mts_in */
static int inbound_write(struct spool_queue *mts_in, const struct envelope *env,
			 GMimeMessage *m, GString *why)
{
	struct spool_writer *w = spool_create(mts_in, env->id, why);
	GMimeStream *st;
	int     ok;

	if (!w)
		return 0;
	if (!envelope_write(w->fp, env, why)) {
		spool_abort(w);
		return 0;
	}
	st = g_mime_stream_file_new(w->fp);
	g_mime_stream_file_set_owner(GMIME_STREAM_FILE(st), FALSE);
	ok = g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, st) >= 0
		&& g_mime_stream_flush(st) == 0;
	g_object_unref(st);
	if (!ok) {
		g_string_printf(why, "write %s: %s", mts_in->name, g_strerror(errno));
		spool_abort(w);
		return 0;
	}
	return spool_commit(w, why);
}

enum stage_result inbound_translate(const struct conf *conf, const struct addrmap *map,
				    struct spool_queue *mts_in, struct spool_queue *mail_box,
				    const char *id, const char *path, GString *why)
{
	FILE   *fp = NULL;
	struct envelope *env = envelope_open(path, &fp, why);
	GMimeMessage *m = NULL;
	GPtrArray *ok_rcpts, *failed, *bounces;
	enum stage_result r = STAGE_REJECT;
	char   *sender;
	guint   i;
	int     hops, cut = 0;

	if (!env)
		return STAGE_REJECT;
	ok_rcpts = g_ptr_array_new();
	failed = g_ptr_array_new();
	bounces = g_ptr_array_new_with_free_func(g_free);
	if ((m = inbound_parse(fp)) == NULL) {
		g_string_assign(why, "not an RFC 5322 message");
		goto out;
	}
	if ((hops = inbound_hops(m, env->hops)) > conf->hop_limit) {
		/* to badmail, and the sender is told, like any rejection */
		g_string_printf(why, "mail loop: %d hops, more than %d", hops, conf->hop_limit);
		if (!bounce_all(conf, mts_in, mail_box, env, path, "5.4.6", why))
			r = STAGE_DEFER;
		goto out;
	}
	for (i = 0; i < env->rcpts->len; i++) {
		struct env_rcpt *rc = g_ptr_array_index(env->rcpts, i);

		if (!rc->smtp && rc->notes)
			rc->smtp = address_rcpt_to_smtp(conf, map, rc->notes);
		g_ptr_array_add(rc->smtp ? ok_rcpts : failed, rc);
	}
	for (i = 0; i < failed->len; i++) {
		struct bounce_rcpt *b = g_new0(struct bounce_rcpt, 1);
		struct env_rcpt *rc = g_ptr_array_index(failed, i);

		b->rcpt = rc;
		b->status = "5.1.1";
		b->diag = "no SMTP address for this Notes recipient (not in maps/addresses, not an RFC 5321 address)";
		g_ptr_array_add(bounces, b);
		msg_info("%s: to=<%s>, status=bounced (%s)", id, rc->notes ? rc->notes : "", b->diag);
	}
	if (failed->len && !bounce_report(conf, mts_in, mail_box, env, path, bounces, why)) {
		r = STAGE_DEFER;
		goto out;
	}
	if (env->report)
		sender = g_strdup("");
	else if (env->sender_notes && *env->sender_notes)
		sender = address_sender_to_smtp(conf, map, env->sender_notes);
	else
		sender = g_strdup(env->sender);
	g_free(env->sender);
	env->sender = sender;
	env->hops = hops;
	if (ok_rcpts->len == 0) {
		msg_info("%s: from=<%s>, nrcpt=0, status=bounced (no recipient translates)", id, sender);
		r = STAGE_DONE;
		goto out;
	}
	/* keep only the recipients that translate; the others are reported */
	g_ptr_array_set_size(env->rcpts, 0);
	for (i = 0; i < ok_rcpts->len; i++)
		g_ptr_array_add(env->rcpts, g_ptr_array_index(ok_rcpts, i));
	cut = 1;
	inbound_headers(conf, map, m);
	if (!inbound_write(mts_in, env, m, why)) {
		r = STAGE_DEFER;
		goto out;
	}
	msg_info("%s: from=<%s>, nrcpt=%u, status=sent (%s)", id, sender, env->rcpts->len, mts_in->name);
	r = STAGE_DONE;
out:
	/* failed recipients are no longer in env->rcpts when it was cut */
	if (cut)
		for (i = 0; i < failed->len; i++)
			g_ptr_array_add(env->rcpts, g_ptr_array_index(failed, i));
	g_ptr_array_free(ok_rcpts, TRUE);
	g_ptr_array_free(failed, TRUE);
	g_ptr_array_free(bounces, TRUE);
	if (m)
		g_object_unref(m);
	fclose(fp);
	envelope_free(env);
	return r;
}
