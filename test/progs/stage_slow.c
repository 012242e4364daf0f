/* stage_slow - not a unit test: a stage built on the real skeleton
 * (stage_main) for the tests.  It takes a second over each message from
 * readyout and then copies it to mail.box, so that test/dispatch.bats can
 * stop dispatch while a message is being worked on and see that the stage
 * finishes it before it exits.  On a message that holds the word POISON it
 * dies (SIGKILL, as a crash would), so that test/lib.bats can see such a
 * message moved to badmail after SPOOL_CRASH_MAX deaths. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/msg.h"
#include "global/spool.h"
#include "global/stage.h"

/* slow_sleep - one second, whatever signals arrive meanwhile */
static void slow_sleep(void)
{
	struct timespec t = {1, 0};

	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

/* slow_process - wait, then copy the message to mail.box */
static enum stage_result slow_process(struct stage_ctx *ctx, struct spool_claim *c)
{
	struct spool_queue *out = stage_queue(ctx, SPOOL_MAIL_BOX);
	struct spool_writer *w;
	FILE   *in;
	char    buf[4096];
	size_t  n;

	slow_sleep();
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

static const struct stage slow = {
	.name = "mexnts",
	.input = SPOOL_READYOUT,
	.failq = SPOOL_BADMAIL,
	.process = slow_process,
};

int main(int argc, char **argv)
{
	return stage_main(argc, argv, &slow);
}
