/*++
 * NAME
 *	bounce 3
 * SUMMARY
 *	report failed recipients in the sender's own world
 *--*/
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "global/bounce.h"
#include "global/dsn.h"
#include "global/ndr.h"

/* bounce_wanted - the recipient's NOTIFY asks for failure reports */
static int bounce_wanted(const struct env_rcpt *r)
{
	return !r->notify || strcasestr(r->notify, "FAILURE") != NULL;
}

/* bounce_headers - Subject and Message-ID of the message in path */
static void bounce_headers(const char *path, char **subject, char **msgid)
{
	GString *why = g_string_new(NULL);
	FILE   *fp = NULL;
	struct envelope *env = envelope_open(path, &fp, why);
	GMimeStream *st;
	GMimeParser *parser;
	GMimeMessage *m;
	int     fd;

	*subject = *msgid = NULL;
	g_string_free(why, TRUE);
	if (!env)
		return;
	if ((fd = dup(fileno(fp))) >= 0) {
		st = g_mime_stream_fs_new_with_bounds(fd, ftello(fp), -1);
		parser = g_mime_parser_new_with_stream(st);
		if ((m = g_mime_parser_construct_message(parser, NULL)) != NULL) {
			const char *s = g_mime_message_get_subject(m);
			const char *id = g_mime_message_get_message_id(m);

			*subject = s ? g_strdup(s) : NULL;
			*msgid = id ? g_strdup_printf("<%s>", id) : NULL;
			g_object_unref(m);
		}
		g_object_unref(parser);
		g_object_unref(st);
	}
	fclose(fp);
	envelope_free(env);
}

int bounce_report(const struct conf *conf, struct spool_queue *mts_in,
		  struct spool_queue *mail_box, const struct envelope *env,
		  const char *path, GPtrArray *rcpts, GString *why)
{
	GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
	char   *subject = NULL, *msgid = NULL;
	guint   i;
	int     ok = 1;

	if (env->report)
		goto out;
	if (env->sender_notes && *env->sender_notes) {
		for (i = 0; i < rcpts->len; i++) {
			const struct bounce_rcpt *b = g_ptr_array_index(rcpts, i);
			struct ndr_rcpt *n;

			if (!bounce_wanted(b->rcpt))
				continue;
			n = g_new0(struct ndr_rcpt, 1);
			n->notes = b->rcpt->notes ? b->rcpt->notes : b->rcpt->smtp;
			n->reason = b->diag;
			g_ptr_array_add(list, n);
		}
		if (list->len) {
			bounce_headers(path, &subject, &msgid);
			ok = ndr_queue(conf, mail_box, env, subject, msgid, list, why);
		}
	} else if (env->sender && *env->sender) {
		for (i = 0; i < rcpts->len; i++) {
			const struct bounce_rcpt *b = g_ptr_array_index(rcpts, i);
			struct dsn_rcpt *d;

			if (!bounce_wanted(b->rcpt))
				continue;
			d = g_new0(struct dsn_rcpt, 1);
			d->addr = b->rcpt->smtp ? b->rcpt->smtp : b->rcpt->notes;
			d->orcpt = b->rcpt->orcpt;
			d->notify = b->rcpt->notify;
			d->action = "failed";
			d->status = b->status;
			d->diag = b->diag;
			g_ptr_array_add(list, d);
		}
		if (list->len)
			ok = dsn_queue(conf, mts_in, env, path, list, why);
	}
out:
	g_free(subject);
	g_free(msgid);
	g_ptr_array_free(list, TRUE);
	return ok;
}

int bounce_all(const struct conf *conf, struct spool_queue *mts_in,
	       struct spool_queue *mail_box, const struct envelope *env,
	       const char *path, const char *status, GString *why)
{
	GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
	GString *err = g_string_new(NULL);
	guint   i;
	int     ok;

	for (i = 0; i < env->rcpts->len; i++) {
		struct bounce_rcpt *b = g_new0(struct bounce_rcpt, 1);

		b->rcpt = g_ptr_array_index(env->rcpts, i);
		b->status = status;
		b->diag = why->str;
		g_ptr_array_add(list, b);
	}
	if ((ok = bounce_report(conf, mts_in, mail_box, env, path, list, err)) == 0)
		g_string_append_printf(why, "; report not queued: %s", err->str);
	g_string_free(err, TRUE);
	g_ptr_array_free(list, TRUE);
	return ok;
}
