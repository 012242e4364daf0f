/*++
 * NAME
 *	ndr 3
 * SUMMARY
 *	Notes "NonDelivery Report" memos to Notes senders
 *--*/
#include <time.h>

#include "util/msg.h"
#include "dxl/dxl.h"
#include "global/address.h"
#include "global/ndr.h"

int ndr_queue(const struct conf *conf, struct spool_queue *mail_box,
	      const struct envelope *env, const char *subject, const char *message_id,
	      GPtrArray *rcpts, GString *why)
{
	struct spool_writer *sw;
	struct dxl_writer *w;
	char   *id, *sender, *own_id;
	char  **names;
	const char **reasons;
	const char *to[2];
	GString *body;
	time_t  now = time(NULL);
	guint   i;
	int     ok;

	if (!env->sender_notes || !*env->sender_notes || env->report || !rcpts->len)
		return 1;
	sender = address_notes_abbreviate(env->sender_notes);
	id = spool_new_id();
	if ((sw = spool_create(mail_box, id, why)) == NULL) {
		g_free(id);
		g_free(sender);
		return 0;
	}
	if ((w = dxl_writer_new(sw->fp, "document")) == NULL) {
		g_string_assign(why, "cannot start the DXL writer");
		spool_abort(sw);
		g_free(id);
		g_free(sender);
		return 0;
	}
	names = g_new0(char *, rcpts->len + 1);
	reasons = g_new0(const char *, rcpts->len + 1);
	body = g_string_new(NULL);
	g_string_append_printf(body, "Your message%s%s%s was not delivered to:\n",
			       subject ? " \"" : "", subject ? subject : "", subject ? "\"" : "");
	for (i = 0; i < rcpts->len; i++) {
		const struct ndr_rcpt *r = g_ptr_array_index(rcpts, i);

		names[i] = address_notes_abbreviate(r->notes);
		reasons[i] = r->reason;
		g_string_append_printf(body, "\n%s\n    %s\n", names[i], r->reason);
	}
	to[0] = sender;
	to[1] = NULL;
	own_id = g_strdup_printf("<%s@%s>", id, conf->smtp_domain);
	dxl_document_begin(w, NDR_FORM, NULL);
	dxl_item_text(w, "Form", NDR_FORM);
	dxl_item_textlist(w, "SendTo", to);
	dxl_item_textlist(w, "Recipients", to);
	dxl_item_text(w, "From", "Mail Router");
	dxl_item_text(w, "Principal", "Mail Router");
	dxl_item_text(w, "Subject", subject ? subject : "");
	dxl_item_textlist(w, "IntendedRecipient", (const char *const *)names);
	dxl_item_textlist(w, "FailureReason", reasons);
	if (message_id)
		dxl_item_text(w, "$InReplyTo", message_id);
	dxl_item_text(w, "$MessageID", own_id);
	dxl_item_datetime(w, "PostedDate", now, 0);
	dxl_item_text(w, "Body", body->str);
	dxl_document_end(w);
	ok = dxl_writer_finish(w);
	g_strfreev(names);
	g_free(reasons);
	g_free(own_id);
	g_string_free(body, TRUE);
	if (!ok) {
		g_string_assign(why, "cannot write the NonDelivery Report");
		spool_abort(sw);
	} else if ((ok = spool_commit(sw, why)) != 0) {
		msg_info("%s: sender non-delivery notification: %s", env->id, id);
		msg_info("%s: to=<%s>, status=sent (%s)", id, sender, mail_box->name);
	}
	g_free(id);
	g_free(sender);
	return ok;
}
