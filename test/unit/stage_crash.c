/* stage_crash - not a unit test: a stage built on the real skeleton
 * (stage_main) for test/lib.bats.  It copies each message from readyout
 * to mail.box, and dies (SIGKILL, as a crash would) on a message that
 * holds the word POISON.  The test sees that such a message is moved to
 * badmail after SPOOL_CRASH_MAX deaths and that the queue goes on. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "spool.h"
#include "stage.h"

/* crash_process - copy the message to mail.box; die on POISON */
static enum stage_result crash_process(struct stage_ctx *ctx, struct spool_claim *c)
{
	struct spool_queue *out = stage_queue(ctx, SPOOL_MAIL_BOX);
	struct spool_writer *w;
	FILE   *in;
	char    buf[4096];
	size_t  n;

	if (!out || (w = spool_create(out, c->id, ctx->why)) == NULL)
		return STAGE_DEFER;
	if ((in = fopen(c->path, "r")) == NULL) {
		spool_abort(w);
		return STAGE_DEFER;
	}
	while ((n = fread(buf, 1, sizeof(buf) - 1, in)) > 0) {
		buf[n] = 0;
		if (strstr(buf, "POISON"))
			raise(SIGKILL);
		fwrite(buf, 1, n, w->fp);
	}
	fclose(in);
	if (!spool_commit(w, ctx->why))
		return STAGE_DEFER;
	msg_info("%s: status=sent (%s)", c->id, SPOOL_MAIL_BOX);
	return STAGE_DONE;
}

static const struct stage crash = {
	.name = "mexnts",
	.input = SPOOL_READYOUT,
	.failq = SPOOL_BADMAIL,
	.process = crash_process,
};

int main(int argc, char **argv)
{
	return stage_main(argc, argv, &crash);
}
