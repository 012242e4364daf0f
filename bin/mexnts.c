/*++
 * NAME
 *	mexnts 8
 * SUMMARY
 *	MIME to Notes memo (DXL): readyout -> mail.box
 * SYNOPSIS
 *	mexnts [-c FILE] [-1] [-f] [-v] [-h] [-V]
 * DESCRIPTION
 *	Each message in readyout (an envelope with the recipients' Notes
 *	addresses, then the RFC 5322 message) becomes one Notes mail memo in
 *	DXL, deposited in mail.box under the same queue id (memo(3),
 *	mime2dxl(3)).  A message that cannot be converted, or is over a
 *	limit, goes to badmail with the reason and its sender gets a DSN.
 *	See mexnts(8).
 *--*/
#include <sysexits.h>
#include <unistd.h>

#include "util/msg.h"
#include "global/addrmap.h"
#include "global/dsn.h"
#include "global/envelope.h"
#include "global/spool.h"
#include "global/stage.h"
#include "outbound/memo.h"
#include "outbound/mime2dxl.h"

static struct addrmap *map;

/* mexnts_map - (re)load maps/addresses; a bad file keeps the old map */
static void mexnts_map(struct stage_ctx *ctx)
{
	GString *why = g_string_new(NULL);
	char   *path = g_build_filename(ctx->conf->maps, "addresses", NULL);

	if (map && !addrmap_refresh(map, why))
		msg_warn("%s", why->str);
	if (!map && (map = addrmap_open(path, why)) == NULL)
		msg_warn("%s: %s; display forms are not translated", path, why->str);
	g_free(path);
	g_string_free(why, TRUE);
}

/* mexnts_init - GMime, the address map, the output queue */
static int mexnts_init(struct stage_ctx *ctx)
{
	memo_init();
	mime2dxl_scratch(ctx->conf->spool);
	mexnts_map(ctx);
	return stage_queue(ctx, SPOOL_MAIL_BOX) != NULL && stage_queue(ctx, SPOOL_MTS_IN) != NULL;
}

/* mexnts_reload - SIGHUP: the map may have moved */
static void mexnts_reload(struct stage_ctx *ctx)
{
	if (map)
		addrmap_free(map);
	map = NULL;
	mexnts_map(ctx);
}

/* mexnts_dsn - report the rejection to the sender; 0 if not queued */
static int mexnts_dsn(struct stage_ctx *ctx, struct spool_claim *c, const struct envelope *env,
		      const char *status)
{
	GPtrArray *rcpts = g_ptr_array_new_with_free_func(g_free);
	GString *err = g_string_new(NULL);
	struct spool_queue *mts_in = stage_queue(ctx, SPOOL_MTS_IN);
	guint   i;
	int     ok;

	for (i = 0; i < env->rcpts->len; i++) {
		struct env_rcpt *r = env->rcpts->pdata[i];
		struct dsn_rcpt *d = g_new0(struct dsn_rcpt, 1);

		d->addr = r->smtp ? r->smtp : r->notes;
		d->orcpt = r->orcpt;
		d->notify = r->notify;
		d->action = "failed";
		d->status = status;
		d->diag = ctx->why->str;
		g_ptr_array_add(rcpts, d);
	}
	ok = mts_in && dsn_queue(ctx->conf, mts_in, env, c->path, rcpts, err);
	if (!ok)
		g_string_append_printf(ctx->why, "; DSN not queued: %s", err->str);
	g_ptr_array_free(rcpts, TRUE);
	g_string_free(err, TRUE);
	return ok;
}

/* mexnts_log - the one line per message */
static void mexnts_log(const char *id, const struct envelope *env, gint64 size)
{
	GString *to = g_string_new(NULL);
	guint   i;

	for (i = 0; i < env->rcpts->len; i++) {
		struct env_rcpt *r = env->rcpts->pdata[i];

		g_string_append_printf(to, "%s<%s>", i ? "," : "", r->smtp ? r->smtp : r->notes);
	}
	msg_info("%s: from=<%s>, to=%s, size=%lld, status=sent (mail.box)", id, env->sender,
		 to->str, (long long)size);
	g_string_free(to, TRUE);
}

/* mexnts_process - one message: convert, deposit, or reject */
static enum stage_result mexnts_process(struct stage_ctx *ctx, struct spool_claim *c)
{
	struct memo_in in = {.conf = ctx->conf, .id = c->id};
	struct memo_result res;
	struct spool_writer *out;
	struct envelope *env;
	enum memo_status st;
	FILE   *fp;

	if ((env = envelope_open(c->path, &fp, ctx->why)) == NULL)
		return STAGE_REJECT;
	mexnts_map(ctx);
	in.map = map;
	in.env = env;
	if ((out = spool_create(stage_queue(ctx, SPOOL_MAIL_BOX), c->id, ctx->why)) == NULL) {
		st = MEMO_DEFER;
	} else {
		st = memo_convert(&in, fileno(fp), ftello(fp), out->fp, &res, ctx->why);
		if (st == MEMO_OK && !spool_commit(out, ctx->why))
			st = MEMO_DEFER;
		else if (st != MEMO_OK)
			spool_abort(out);
	}
	if (st == MEMO_OK)
		mexnts_log(c->id, env, res.size);
	else if (st == MEMO_REJECT && !mexnts_dsn(ctx, c, env, res.status))
		st = MEMO_DEFER;
	fclose(fp);
	envelope_free(env);
	return st == MEMO_OK ? STAGE_DONE : st == MEMO_REJECT ? STAGE_REJECT : STAGE_DEFER;
}

int main(int argc, char **argv)
{
	static const struct stage mexnts = {
		.name = "mexnts",
		.input = SPOOL_READYOUT,
		.failq = SPOOL_BADMAIL,
		.init = mexnts_init,
		.process = mexnts_process,
		.reload = mexnts_reload,
	};

	return stage_main(argc, argv, &mexnts);
}
