/*++
 * NAME
 *	ntsmex 8
 * SUMMARY
 *	Notes memos (DXL) from exchange.box to MIME in readyin
 * SYNOPSIS
 *	ntsmex [-c FILE] [-1] [-f] [-v] [-h] [-V]
 * DESCRIPTION
 *	For each DXL document in exchange.box: parse it safely (lib/dxl/dxl),
 *	convert it (lib/inbound/dxl2mime), and write the envelope and the message
 *	to readyin under the same queue id.  A document that cannot be
 *	converted goes to exchange.bad with the reason.  See ntsmex(8).
 *--*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include <gmime/gmime.h>

#include "util/msg.h"
#include "dxl/dxl.h"
#include "global/envelope.h"
#include "global/spool.h"
#include "global/stage.h"
#include "inbound/dxl2mime.h"

/* ntsmex_part - recipients [from, to) of m with the message into readyin,
 * under id */
static int ntsmex_part(struct stage_ctx *ctx, struct spool_queue *out, const char *id,
		       const struct dxl2mime *m, guint from, guint to)
{
	struct envelope *env = envelope_new();
	struct spool_writer *w;
	GMimeStream *stream;
	guint   i;
	int     ok = 0;

	env->id = g_strdup(id);
	env->hops = m->hops;
	env->report = m->report;
	env->sender_notes = g_strdup(m->sender_notes);
	for (i = from; i < to; i++) {
		struct env_rcpt *r = envelope_add_rcpt(env, NULL, g_ptr_array_index(m->rcpts, i));

		r->notify = g_strdup(m->notify);
	}
	if ((w = spool_create(out, id, ctx->why)) == NULL)
		goto out;
	if (!envelope_write(w->fp, env, ctx->why)) {
		spool_abort(w);		/* values were cleaned: an I/O error */
		goto out;
	}
	stream = g_mime_stream_file_new(w->fp);
	g_mime_stream_file_set_owner(GMIME_STREAM_FILE(stream), FALSE);
	ok = g_mime_object_write_to_stream(GMIME_OBJECT(m->message), NULL, stream) >= 0
		&& g_mime_stream_flush(stream) == 0;
	g_object_unref(stream);
	if (!ok) {
		g_string_printf(ctx->why, "write %s: %s", SPOOL_READYIN, g_strerror(errno));
		spool_abort(w);
	} else {
		ok = spool_commit(w, ctx->why);
	}
out:
	envelope_free(env);
	return ok;
}

/*
 * ntsmex_write - the envelope and the message into readyin.  An envelope
 * holds at most ENVELOPE_RCPT_MAX recipients: beyond that the message is
 * written once per ENVELOPE_RCPT_MAX, as ID, ID-2, ID-3, ...  A failure
 * defers the whole document: a retry writes every part again, replacing
 * those still queued (at most the parts already passed on go twice).
 */
static enum stage_result ntsmex_write(struct stage_ctx *ctx, const char *id,
				      const struct dxl2mime *m)
{
	struct spool_queue *out = stage_queue(ctx, SPOOL_READYIN);
	guint   from, part;
	int     ok = out != NULL;

	for (from = 0, part = 1; ok && from < m->rcpts->len; from += ENVELOPE_RCPT_MAX, part++) {
		guint   to = MIN(m->rcpts->len, from + ENVELOPE_RCPT_MAX);
		char   *pid = part == 1 ? g_strdup(id) : g_strdup_printf("%s-%u", id, part);

		if (!spool_id_ok(pid)) {
			g_string_printf(ctx->why, "queue id too long for part %u of the recipients", part);
			g_free(pid);
			return STAGE_REJECT;
		}
		ok = ntsmex_part(ctx, out, pid, m, from, to);
		if (ok && part > 1)
			msg_info("%s: recipients %u-%u of %u queued as %s", id, from + 1, to,
				 m->rcpts->len, pid);
		g_free(pid);
	}
	return ok ? STAGE_DONE : STAGE_DEFER;
}

/* ntsmex_process - one DXL document */
static enum stage_result ntsmex_process(struct stage_ctx *ctx, struct spool_claim *c)
{
	struct dxl2mime_opts opts = {
		ctx->conf->notes_domain, ctx->conf->foreign_domain, ctx->conf->smtp_domain, ctx->conf->doclinks,
		ctx->conf->max_attachments,
	};
	struct dxl2mime m;
	xmlDocPtr doc;
	enum stage_result r;
	GString *to;
	guint   i;

	errno = 0;
	if ((doc = dxl_parse_file(c->path, ctx->conf->max_document_size, ctx->why)) == NULL)
		return errno == ENOMEM || errno == EIO ? STAGE_DEFER : STAGE_REJECT;
	if (!dxl2mime_convert(doc, &opts, &m, ctx->why)) {
		dxl2mime_clear(&m);
		xmlFreeDoc(doc);
		return STAGE_REJECT;
	}
	xmlFreeDoc(doc);
	if ((r = ntsmex_write(ctx, c->id, &m)) == STAGE_DONE) {
		to = g_string_new(NULL);
		for (i = 0; i < m.rcpts->len; i++)
			g_string_append_printf(to, "%s<%s>", i ? "," : "",
					       (char *)g_ptr_array_index(m.rcpts, i));
		msg_info("%s: from=<%s>, to=%s, form=%s, body=%s, attachments=%d, status=sent (%s)",
			 c->id, m.sender_notes ? m.sender_notes : "", to->str, m.form, m.kind,
			 m.attachments, SPOOL_READYIN);
		g_string_free(to, TRUE);
	}
	dxl2mime_clear(&m);
	return r;
}

/* ntsmex_init - GMime once */
static int ntsmex_init(struct stage_ctx *ctx)
{
	g_mime_init();
	return 1;
}

int main(int argc, char **argv)
{
	static const struct stage ntsmex = {
		.name = "ntsmex",
		.input = SPOOL_EXCHANGE_BOX,
		.failq = SPOOL_EXCHANGE_BAD,
		.init = ntsmex_init,
		.process = ntsmex_process,
	};

	return stage_main(argc, argv, &ntsmex);
}
