/*++
 * NAME
 *	mexout_worker 3
 * SUMMARY
 *	mexout's stage step: mts-out -> readyout, addresses in Notes form
 *--*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/msg.h"
#include "global/dsn.h"
#include "outbound/mexout_worker.h"

/* mw_readyout - write out (with the message from in) to readyout */
static int mw_readyout(struct stage_ctx *ctx, const struct envelope *out, FILE *in,
		       GString *why)
{
	struct spool_queue *q = stage_queue(ctx, SPOOL_READYOUT);
	struct spool_writer *w;

	if (!q || (w = spool_create(q, out->id, why)) == NULL)
		return 0;
	if (!envelope_write(w->fp, out, why) || !envelope_copy_message(in, w->fp, why)) {
		spool_abort(w);
		return 0;
	}
	return spool_commit(w, why);
}

/* mw_bounce - DSN to the sender for the failed recipients (struct env_rcpt) */
static int mw_bounce(struct stage_ctx *ctx, const struct envelope *env, const char *path,
		     GPtrArray *failed, const char *status, const char *diag, GString *why)
{
	struct spool_queue *q;
	GPtrArray *rs = g_ptr_array_new_with_free_func(g_free);
	guint   i;
	int     ok;

	for (i = 0; i < failed->len; i++) {
		const struct env_rcpt *r = g_ptr_array_index(failed, i);
		struct dsn_rcpt *d = g_new0(struct dsn_rcpt, 1);

		d->addr = r->smtp ? r->smtp : r->notes;
		d->orcpt = r->orcpt;
		d->notify = r->notify;
		d->action = "failed";
		d->status = status;
		d->diag = diag;
		g_ptr_array_add(rs, d);
	}
	if ((q = stage_queue(ctx, SPOOL_MTS_IN)) == NULL) {
		g_string_assign(why, ctx->why->str);
		ok = 0;
	} else {
		ok = dsn_queue(ctx->conf, q, env, path, rs, why);
	}
	g_ptr_array_free(rs, TRUE);
	return ok;
}

enum stage_result mexout_worker_process(struct stage_ctx *ctx, struct spool_claim *c)
{
	struct mexout *mx = ctx->data;
	struct envelope *env, *out;
	GPtrArray *failed;
	FILE   *fp = NULL;
	enum stage_result res = STAGE_DONE;
	guint   i;

	errno = 0;
	if ((env = envelope_open(c->path, &fp, ctx->why)) == NULL)
		return errno == EIO || errno == ENOMEM || errno == EMFILE || errno == ENFILE
			? STAGE_DEFER : STAGE_REJECT;
	if (env->hops > ctx->conf->hop_limit) {
		GString *diag = g_string_new(NULL);

		/* to badmail, and the sender is told, like any rejection */
		g_string_printf(ctx->why, "mail loop: %d Received: headers, hop_limit %d",
				env->hops, ctx->conf->hop_limit);
		g_string_printf(diag, "554 5.4.6 %s", ctx->why->str);
		res = mw_bounce(ctx, env, c->path, env->rcpts, "5.4.6", diag->str, diag)
			? STAGE_REJECT : STAGE_DEFER;
		if (res == STAGE_DEFER)
			g_string_printf(ctx->why, "mail loop; DSN not queued: %s", diag->str);
		g_string_free(diag, TRUE);
		envelope_free(env);
		fclose(fp);
		return res;
	}
	out = envelope_new();
	failed = g_ptr_array_new();
	mexout_translate(mx, env, out, failed);
	if (out->rcpts->len && !mw_readyout(ctx, out, fp, ctx->why)) {
		res = STAGE_DEFER;
	} else if (failed->len && !mw_bounce(ctx, env, c->path, failed, "5.1.1",
					      "550 5.1.1 recipient address does not translate to a Lotus Notes address",
					      ctx->why)) {
		res = STAGE_DEFER;
	} else {
		for (i = 0; i < out->rcpts->len; i++) {
			struct env_rcpt *r = g_ptr_array_index(out->rcpts, i);

			msg_info("%s: from=<%s>, to=<%s>, notes=<%s>, status=sent (readyout)",
				 env->id, env->sender, r->smtp ? r->smtp : "", r->notes);
		}
		for (i = 0; i < failed->len; i++) {
			struct env_rcpt *r = g_ptr_array_index(failed, i);

			msg_info("%s: from=<%s>, to=<%s>, status=bounced (does not translate to a Notes address)",
				 env->id, env->sender, r->smtp ? r->smtp : "");
		}
	}
	g_ptr_array_free(failed, TRUE);
	envelope_free(out);
	envelope_free(env);
	fclose(fp);
	return res;
}
