/*++
 * NAME
 *	stage 3
 * SUMMARY
 *	the skeleton of a queue stage: options, configuration, the loop
 * DESCRIPTION
 *	stage_main() does for mexnts, ntsmex, mexin and mexout's worker what
 *	Postfix's server skeletons do for its daemons: it reads the common
 *	options (-c FILE, -1, -f, -v, -h, -V), loads the configuration,
 *	opens the input and failure queues, returns dead workers' claims,
 *	and runs the loop:
 *
 *	    for each message ready in the input queue (oldest first):
 *		claim it (rename new/ -> cur/)
 *		result = s->process(ctx, claim)
 *		STAGE_DONE:   the output is durable: remove the claim
 *		STAGE_DEFER:  passing failure: back to new/, retried after a
 *			      back-off (ctx->defer_delay, else from the age)
 *		STAGE_REJECT: poison: to s->failq with ctx->why as the reason
 *	    wait for inotify or poll_interval
 *
 *	With "[lme] group_commit = N" (N > 1), the outputs of up to N
 *	messages are made durable together (spool_batch_begin/end: one
 *	syncfs instead of N fsyncs), and only then are their claims removed;
 *	a deferral or rejection first commits what is pending.
 *
 *	SIGTERM and SIGINT stop the loop after the current message; SIGHUP
 *	reloads the configuration (a bad file is logged and the old one
 *	kept).  With -1, the messages queued now are processed, deferred ones
 *	included, and the program exits: 0, or EX_TEMPFAIL when some were
 *	deferred.
 *
 *	A stage may have a second input queue (s->input2, with its own
 *	s->process2): each pass then processes what is ready in the first
 *	queue, then what is ready in the second, so that with -1 a message
 *	the first step passes into the second queue is handled in the same
 *	run (mexin: readyin -> mts-in -> the MTA).  Both queues are watched.
 *
 *	The process callback must not log the skeleton's lines: it logs its
 *	own "ID: ... status=..." line for a message it passes on, and
 *	leaves deferrals and rejections to the skeleton.
 *--*/
#ifndef LME_STAGE_H
#define LME_STAGE_H

#include <glib.h>

#include "global/conf.h"
#include "global/spool.h"

enum stage_result {
	STAGE_DONE,			/* output durable elsewhere: remove input */
	STAGE_DEFER,			/* passing failure: retry later */
	STAGE_REJECT,			/* content failure: to the failure queue */
};

struct stage;

struct stage_ctx {
	const struct stage *stage;
	struct conf *conf;		/* current configuration */
	struct spool_queue *in;		/* input queue */
	struct spool_queue *in2;	/* second input queue, or NULL */
	GString *why;			/* the reason for a defer or reject */
	int     defer_delay;		/* seconds, 0: the default back-off */
	int     once;			/* -1 was given */
	void   *data;			/* for the program */
	GHashTable *queues;		/* name -> struct spool_queue */
	GPtrArray *pending;		/* claims whose output waits in the group commit */
};

struct stage {
	const char *name;		/* program name, e.g. "mexnts" */
	const char *input;		/* input queue, e.g. SPOOL_READYOUT */
	const char *failq;		/* SPOOL_BADMAIL or SPOOL_EXCHANGE_BAD */
	const char *usage;		/* one line of extra usage, or NULL */
	/* start-up after the configuration is loaded; 0: exit EX_CONFIG */
	int     (*init)(struct stage_ctx *ctx);
	/* one claimed message; c->path is the file, c->id its queue id */
	enum stage_result (*process)(struct stage_ctx *ctx, struct spool_claim *c);
	/* after SIGHUP with the new configuration in ctx->conf */
	void    (*reload)(struct stage_ctx *ctx);
	/* extra option letters (getopt syntax) and their handler */
	const char *extra_opts;
	int     (*option)(struct stage_ctx *ctx, int opt, const char *arg);
	/* called instead of the loop when it returns >= 0 (e.g. -enqueue) */
	int     (*pre_loop)(struct stage_ctx *ctx, int argc, char **argv);
	/* optional second input queue and its callback (see above) */
	const char *input2;
	enum stage_result (*process2)(struct stage_ctx *ctx, struct spool_claim *c);
	/* after the loop ends (SIGTERM or -1), before the queues close */
	void    (*fini)(struct stage_ctx *ctx);
};

/* stage_main - run the stage; returns the exit status */
int     stage_main(int argc, char **argv, const struct stage *s);

/* stage_queue - a queue under the spool, opened once and kept; NULL and
 * ctx->why on error */
struct spool_queue *stage_queue(struct stage_ctx *ctx, const char *name);

/* stage_backoff - the retry delay for a message of this id's age */
int     stage_backoff(const struct conf *conf, const char *id);

/* stage_stopping - a SIGTERM has arrived: finish the current message */
int     stage_stopping(void);

/* stage_usage_common - the usage line of the common options */
#define STAGE_COMMON_USAGE "[-c FILE] [-1] [-f] [-v] [-h] [-V]"

#endif
