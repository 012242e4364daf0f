/*++
 * NAME
 *	mexout 8
 * SUMMARY
 *	transport from the MTA to Lotus Notes: milter, -enqueue, worker
 * SYNOPSIS
 *	mexout [-c FILE] [-1] [-f] [-v]
 *	mexout -enqueue [-c FILE] [-v] -f SENDER [--] RCPT...
 * DESCRIPTION
 *	Without -1, and with "[mexout] milter" set, mexout serves the milter
 *	(threads) and runs the worker loop on mts-out in one process; with
 *	-1 it only runs the worker over what is queued now.  -enqueue
 *	queues one message from standard input in mts-out.  See mexout(8).
 *--*/
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "util/msg.h"
#include "global/privs.h"
#include "global/stage.h"
#include "outbound/mexout.h"
#include "outbound/mexout_milter.h"
#include "outbound/mexout_worker.h"

#define ENQUEUE_USAGE "usage: mexout -enqueue [-c FILE] [-v] -f SENDER [--] RCPT...\n"

/* enqueue - mexout -enqueue: one message on stdin into mts-out */
static int enqueue(int argc, char **argv)
{
	const char *cpath = NULL, *sender = NULL;
	struct mexout *mx;
	struct conf *conf;
	GString *why = g_string_new(NULL);
	int     i, code;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "-enqueue")) {
			continue;
		} else if (!strcmp(argv[i], "-v")) {
			msg_verbose++;
		} else if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			cpath = argv[++i];
		} else if (!strcmp(argv[i], "-f") && i + 1 < argc) {
			sender = argv[++i];
		} else {
			fputs(ENQUEUE_USAGE, stderr);
			return EX_USAGE;
		}
	}
	if (!sender || i >= argc) {
		fputs(ENQUEUE_USAGE, stderr);
		return EX_USAGE;
	}
	msg_init("mexout", isatty(2));
	if ((conf = conf_load(conf_path(cpath), why)) == NULL || !privs_drop(conf, why)
	    || (mx = mexout_new(conf->path, why)) == NULL)
		msg_fatal(EX_TEMPFAIL, "%s", why->str);
	conf_free(conf);
	g_mime_init();
	code = mexout_enqueue(mx, sender, argv + i, argc - i, stdin, why);
	if (code != EX_OK)
		fprintf(stderr, "mexout: %s\n", why->str);
	mexout_free(mx);
	g_string_free(why, TRUE);
	g_mime_shutdown();
	return code;
}

/* init - the shared state; the milter, unless -1 */
static int init(struct stage_ctx *ctx)
{
	struct mexout *mx = mexout_new(ctx->conf->path, ctx->why);

	if (!mx)
		return 0;
	ctx->data = mx;
	g_free(spool_new_id());		/* its host name cache, before threads */
	if (!ctx->once && ctx->conf->milter && !mexout_milter_start(mx, ctx->conf->milter, ctx->why))
		return 0;
	return 1;
}

/* reload - SIGHUP: the milter's copy of the configuration too */
static void reload(struct stage_ctx *ctx)
{
	GString *why = g_string_new(NULL);

	if (!mexout_reload(ctx->data, why))
		msg_error("reload: %s; the milter keeps the running configuration", why->str);
	g_string_free(why, TRUE);
}

/* fini - stop the milter; forget the state unless its threads may
 * still look at it (the process exits next) */
static void fini(struct stage_ctx *ctx)
{
	if (!mexout_milter_stop())
		mexout_free(ctx->data);
	ctx->data = NULL;
}

int main(int argc, char **argv)
{
	static const struct stage s = {
		.name = "mexout",
		.input = SPOOL_MTS_OUT,
		.failq = SPOOL_BADMAIL,
		.usage = "| -enqueue [-c FILE] -f SENDER [--] RCPT...",
		.init = init,
		.process = mexout_worker_process,
		.reload = reload,
		.fini = fini,
	};
	int     i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-enqueue"))
			return enqueue(argc, argv);
	return stage_main(argc, argv, &s);
}
