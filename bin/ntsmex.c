/*++
 * NAME
 *	ntsmex 8
 * SUMMARY
 *	Notes memos (DXL) from exchange.box to MIME in readyin
 * SYNOPSIS
 *	ntsmex [-c FILE] [-1] [-f] [-v] [-h] [-V]
 * DESCRIPTION
 *	For each DXL document in exchange.box: parse it safely (lib/dxl),
 *	convert it (lib/dxl2mime), and write the envelope and the message
 *	to readyin under the same queue id.  A document that cannot be
 *	converted goes to exchange.bad with the reason.  See ntsmex(8).
 *--*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include <gmime/gmime.h>

#include "dxl.h"
#include "dxl2mime.h"
#include "envelope.h"
#include "msg.h"
#include "spool.h"
#include "stage.h"

/* ntsmex_write - the envelope and the message into readyin */
static enum stage_result ntsmex_write(struct stage_ctx *ctx, const char *id,
				      const struct dxl2mime *m)
{
	struct spool_queue *out = stage_queue(ctx, SPOOL_READYIN);
	struct envelope *env = envelope_new();
	struct spool_writer *w;
	GMimeStream *stream;
	guint   i;
	int     ok = 0;

	if (!out)
		goto out;
	env->id = g_strdup(id);
	env->hops = m->hops;
	env->report = m->report;
	env->sender_notes = g_strdup(m->sender_notes);
	for (i = 0; i < m->rcpts->len; i++) {
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
