/*++
 * NAME
 *	mexin 8
 * SUMMARY
 *	Notes addresses to SMTP, then submission to the MTA
 * DESCRIPTION
 *	One process, two steps (stage(3) with a second input queue): each
 *	pass translates what is ready in readyin into mts-in (inbound(3)),
 *	then submits what is ready in mts-in to the relay (mtsin(3)).
 *	See mexin(8).
 *--*/
#include <stdlib.h>

#include "util/msg.h"
#include "global/addrmap.h"
#include "global/stage.h"
#include "inbound/inbound.h"
#include "inbound/mtsin.h"

static struct addrmap *mexin_map;

/* mexin_init - load maps/addresses, open mts-in and mail.box */
static int mexin_init(struct stage_ctx *ctx)
{
	char   *path = g_build_filename(ctx->conf->maps, "addresses", NULL);

	if ((mexin_map = addrmap_open(path, ctx->why)) == NULL)
		msg_warn("%s; translating with an empty map", ctx->why->str);
	g_free(path);
	g_string_truncate(ctx->why, 0);
	return stage_queue(ctx, SPOOL_MTS_IN) && stage_queue(ctx, SPOOL_MAIL_BOX);
}

/* mexin_translate - readyin -> mts-in */
static enum stage_result mexin_translate(struct stage_ctx *ctx, struct spool_claim *c)
{
	GString *err = g_string_new(NULL);

	if (mexin_map && !addrmap_refresh(mexin_map, err))
		msg_warn("%s; keeping the map in use", err->str);
	g_string_free(err, TRUE);
	return inbound_translate(ctx->conf, mexin_map, stage_queue(ctx, SPOOL_MTS_IN),
				 stage_queue(ctx, SPOOL_MAIL_BOX), c->id, c->path, ctx->why);
}

/* mexin_submit - mts-in -> the MTA */
static enum stage_result mexin_submit(struct stage_ctx *ctx, struct spool_claim *c)
{
	return mtsin_deliver(ctx->conf, c, stage_queue(ctx, SPOOL_MTS_IN),
			     stage_queue(ctx, SPOOL_MAIL_BOX), ctx->why);
}

int main(int argc, char **argv)
{
	static const struct stage mexin = {
		.name = "mexin",
		.input = SPOOL_READYIN,
		.process = mexin_translate,
		.input2 = SPOOL_MTS_IN,
		.process2 = mexin_submit,
		.failq = SPOOL_BADMAIL,
		.init = mexin_init,
	};

	return stage_main(argc, argv, &mexin);
}
