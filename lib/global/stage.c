/*++
 * NAME
 *	stage 3
 * SUMMARY
 *	the skeleton of a queue stage: options, configuration, the loop
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "util/msg.h"
#include "util/stats.h"
#include "global/privs.h"
#include "global/stage.h"
#include "global/version.h"

static volatile sig_atomic_t stage_stop;
static volatile sig_atomic_t stage_hup;
static int stage_pipe[2] = {-1, -1};

static void stage_signal(int sig)
{
	int     saved = errno;

	if (sig == SIGHUP)
		stage_hup = 1;
	else
		stage_stop = 1;
	if (stage_pipe[1] >= 0 && write(stage_pipe[1], "x", 1) < 0) {
		/* the pipe is full: a wake-up is pending anyway */
	}
	errno = saved;
}

int stage_stopping(void)
{
	return stage_stop;
}

static void stage_signals(void)
{
	struct sigaction sa;

	if (pipe2(stage_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		msg_fatal(EX_OSERR, "pipe: %s", g_strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stage_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct spool_queue *stage_queue(struct stage_ctx *ctx, const char *name)
{
	struct spool_queue *q = g_hash_table_lookup(ctx->queues, name);

	if (!q && (q = spool_open(ctx->conf->spool, name, ctx->why)) != NULL)
		g_hash_table_insert(ctx->queues, g_strdup(name), q);
	return q;
}

int stage_backoff(const struct conf *conf, const char *id)
{
	long    born = strtol(id, NULL, 10);
	long    age = (long)time(NULL) - born;

	if (born <= 0 || age < conf->minimal_backoff_time)
		return conf->minimal_backoff_time;
	return age > conf->maximal_backoff_time ? conf->maximal_backoff_time : (int)age;
}

static void stage_usage(const struct stage *s, int code)
{
	fprintf(stderr, "usage: %s %s%s%s\n", s->name, STAGE_COMMON_USAGE,
		s->usage ? " " : "", s->usage ? s->usage : "");
	exit(code);
}

/* stage_flush - make the group commit durable, then remove the claims
 * whose output it holds; if it fails, those messages are deferred */
static void stage_flush(struct stage_ctx *ctx)
{
	GString *err = g_string_new(NULL);
	int     ok = spool_batch_end(err);
	guint   i;

	if (!ok)
		msg_warn("group commit of %u message%s failed: %s", ctx->pending->len,
			 ctx->pending->len == 1 ? "" : "s", err->str);
	for (i = 0; i < ctx->pending->len; i++) {
		struct spool_claim *c = g_ptr_array_index(ctx->pending, i);
		char   *id = g_strdup(c->id);

		g_string_truncate(err, 0);
		if (ok ? !spool_done(c, err) : !spool_defer(c, stage_backoff(ctx->conf, id), err))
			msg_warn("%s: %s", id, err->str);
		g_free(id);
	}
	g_ptr_array_set_size(ctx->pending, 0);
	g_string_free(err, TRUE);
}

static int stage_stats_dirty;		/* counted since the last write */

/* stage_count - one message's result, for the metrics */
static void stage_count(struct stage_ctx *ctx, struct spool_queue *in, enum stage_result r)
{
	static const char *const names[] = {"sent", "deferred", "rejected"};
	char   *sample = g_strdup_printf("lme_stage_messages_total{stage=\"%s\",queue=\"%s\",result=\"%s\"}",
					 ctx->stage->name, in->name, names[r]);

	stats_add(sample, 1);
	g_free(sample);
	stage_stats_dirty = 1;
}

/* stage_stats - write this stage's counters (at most once a second
 * unless forced) */
static void stage_stats(struct stage_ctx *ctx, int force)
{
	GString *why;

	if (!stage_stats_dirty || (!force && !stats_write_due()))
		return;
	why = g_string_new(NULL);
	if (!stats_write(ctx->conf->spool, ctx->stage->name, why))
		msg_warn("metrics: %s", why->str);
	g_string_free(why, TRUE);
	stage_stats_dirty = 0;
}

/* stage_one - claim and process one message of queue in; returns its
 * result or -1 when another worker took it */
static int stage_one(struct stage_ctx *ctx, struct spool_queue *in,
		     enum stage_result (*process)(struct stage_ctx *, struct spool_claim *),
		     const char *id)
{
	const struct stage *s = ctx->stage;
	struct spool_claim *c;
	struct spool_queue *failq;
	enum stage_result r;
	GString *err = g_string_new(NULL);

	if ((c = spool_claim(in, id, err)) == NULL) {
		if (err->len)
			msg_warn("%s", err->str);
		g_string_free(err, TRUE);
		return -1;
	}
	g_string_truncate(ctx->why, 0);
	ctx->defer_delay = 0;
	r = process(ctx, c);
	stage_count(ctx, in, r);
	switch (r) {
	case STAGE_DONE:
		if (spool_batch_size() > 0) {
			g_ptr_array_add(ctx->pending, c);
			if (ctx->pending->len >= (guint)ctx->conf->group_commit)
				stage_flush(ctx);
		} else if (!spool_done(c, err)) {
			msg_warn("%s: %s", id, err->str);
		}
		break;
	case STAGE_DEFER:
		stage_flush(ctx);
		if (!ctx->defer_delay)
			ctx->defer_delay = stage_backoff(ctx->conf, id);
		msg_info("%s: status=deferred (%s), retry in %ds", id,
			 ctx->why->len ? ctx->why->str : "unknown reason", ctx->defer_delay);
		if (!spool_defer(c, ctx->defer_delay, err))
			msg_warn("%s: %s", id, err->str);
		break;
	case STAGE_REJECT:
		stage_flush(ctx);		/* its DSN, and the others' output, first */
		msg_warn("%s: status=rejected, moved to %s (%s)", id, s->failq,
			 ctx->why->len ? ctx->why->str : "unknown reason");
		if ((failq = stage_queue(ctx, s->failq)) == NULL) {
			msg_error("%s: %s; message left in %s", id, ctx->why->str, in->name);
			spool_defer(c, stage_backoff(ctx->conf, id), err);
			r = STAGE_DEFER;
		} else if (!spool_reject(c, failq, s->name, ctx->why->str, err)) {
			msg_error("%s: move to %s: %s", id, s->failq, err->str);
		}
		break;
	}
	g_string_free(err, TRUE);
	return (int)r;
}

static void stage_reload(struct stage_ctx *ctx, const char *path);

/* stage_pass - process what is ready in queue in; returns the number
 * ready, adds deferrals to *deferred and the earliest due time to *next */
static guint stage_pass(struct stage_ctx *ctx, const char *cpath, struct spool_queue *in,
			enum stage_result (*process)(struct stage_ctx *, struct spool_claim *),
			int *deferred, time_t *next)
{
	time_t  due = 0;
	GPtrArray *ids = spool_ready(in, ctx->once ? (time_t)G_MAXINT32 : spool_now(), &due);
	guint   i, ready = ids->len;

	for (i = 0; i < ids->len && !stage_stop; i++) {
		if (ctx->conf->group_commit > 1)
			spool_batch_begin();	/* does nothing while one is open */
		if (stage_hup) {
			stage_hup = 0;
			stage_reload(ctx, cpath);
		}
		if (stage_one(ctx, in, process, g_ptr_array_index(ids, i)) == STAGE_DEFER)
			(*deferred)++;
	}
	stage_flush(ctx);
	stage_stats(ctx, 0);
	g_ptr_array_free(ids, TRUE);
	if (due && (!*next || due < *next))
		*next = due;
	return ready;
}

/* stage_recover - take back a dead worker's claims; a message that its
 * workers died on again and again goes to the failure queue */
static void stage_recover(struct stage_ctx *ctx, struct spool_queue *in)
{
	GPtrArray *poison = g_ptr_array_new();
	struct spool_queue *failq = stage_queue(ctx, ctx->stage->failq);
	GString *err = g_string_new(NULL);
	int     n = spool_recover(in, failq ? poison : NULL);
	guint   i;

	if (n > 0)
		msg_info("returned %d claimed message%s of a dead worker to %s", n,
			 n == 1 ? "" : "s", in->name);
	for (i = 0; i < poison->len; i++) {
		struct spool_claim *c = g_ptr_array_index(poison, i);
		char   *id = g_strdup(c->id);
		char   *reason = g_strdup_printf("%s died %d times while working on it",
					       ctx->stage->name, SPOOL_CRASH_MAX);

		msg_warn("%s: status=rejected, moved to %s (%s)", id, ctx->stage->failq, reason);
		stage_count(ctx, in, STAGE_REJECT);
		if (!spool_reject(c, failq, ctx->stage->name, reason, err))
			msg_error("%s: move to %s: %s", id, ctx->stage->failq, err->str);
		g_free(reason);
		g_free(id);
	}
	g_ptr_array_free(poison, TRUE);
	g_string_free(err, TRUE);
}

/* stage_reload - SIGHUP: a new configuration, or the old one kept */
static void stage_reload(struct stage_ctx *ctx, const char *path)
{
	GString *why = g_string_new(NULL);
	struct conf *conf = conf_load(path, why);

	if (!conf) {
		msg_error("reload: %s; keeping the running configuration", why->str);
	} else {
		conf_free(ctx->conf);
		ctx->conf = conf;
		if (ctx->stage->reload)
			ctx->stage->reload(ctx);
		msg_info("configuration reloaded from %s", path);
	}
	g_string_free(why, TRUE);
}

/* stage_wait - until something arrives, a signal, or timeout seconds */
static void stage_wait(struct stage_ctx *ctx, int timeout)
{
	struct pollfd pfd[3];
	char    buf[64];
	int     n = 0, wfd = spool_watch_fd(ctx->in);
	int     wfd2 = ctx->in2 ? spool_watch_fd(ctx->in2) : -1;

	pfd[n].fd = stage_pipe[0];
	pfd[n++].events = POLLIN;
	if (wfd >= 0) {
		pfd[n].fd = wfd;
		pfd[n++].events = POLLIN;
	}
	if (wfd2 >= 0) {
		pfd[n].fd = wfd2;
		pfd[n++].events = POLLIN;
	}
	if (poll(pfd, n, timeout * 1000) > 0) {
		while (read(stage_pipe[0], buf, sizeof(buf)) > 0)
			;
		spool_watch_drain(ctx->in);
		if (ctx->in2)
			spool_watch_drain(ctx->in2);
	}
}

int stage_main(int argc, char **argv, const struct stage *s)
{
	struct stage_ctx ctx = {0};
	const char *cpath = NULL;
	char    opts[64];
	int     foreground = 0, opt, deferred = 0, n;
	time_t  next_due;

	snprintf(opts, sizeof(opts), "c:1fvhV%s", s->extra_opts ? s->extra_opts : "");
	ctx.stage = s;
	ctx.why = g_string_new(NULL);
	ctx.pending = g_ptr_array_new();
	ctx.queues = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					   (GDestroyNotify)spool_close);
	while ((opt = getopt(argc, argv, opts)) != -1) {
		switch (opt) {
		case 'c': cpath = optarg; break;
		case '1': ctx.once = 1; break;
		case 'f': foreground = 1; break;
		case 'v': msg_verbose++; break;
		case 'h': stage_usage(s, 0); break;
		case 'V': printf("%s (lme) %s\n", s->name, LME_VERSION); exit(0);
		default:
			if (!s->option || !s->option(&ctx, opt, optarg))
				stage_usage(s, EX_USAGE);
		}
	}
	msg_init(s->name, foreground || isatty(2));
	cpath = conf_path(cpath);
	if ((ctx.conf = conf_load(cpath, ctx.why)) == NULL)
		msg_fatal(EX_CONFIG, "%s", ctx.why->str);
	if (!privs_prepare(ctx.conf, ctx.why))
		msg_fatal(EX_CONFIG, "%s", ctx.why->str);
	if (!privs_drop(ctx.conf, ctx.why))
		msg_fatal(EX_NOPERM, "%s", ctx.why->str);
	g_mime_init();
	if (s->pre_loop && (n = s->pre_loop(&ctx, argc - optind, argv + optind)) >= 0)
		return n;
	if (optind < argc)
		stage_usage(s, EX_USAGE);
	if ((ctx.in = stage_queue(&ctx, s->input)) == NULL || stage_queue(&ctx, s->failq) == NULL)
		msg_fatal(EX_CANTCREAT, "%s", ctx.why->str);
	if (s->input2 && (ctx.in2 = stage_queue(&ctx, s->input2)) == NULL)
		msg_fatal(EX_CANTCREAT, "%s", ctx.why->str);
	if (s->init && !s->init(&ctx))
		msg_fatal(EX_CONFIG, "%s", ctx.why->len ? ctx.why->str : "start-up failed");
	stage_signals();
	stage_recover(&ctx, ctx.in);
	if (ctx.in2)
		stage_recover(&ctx, ctx.in2);
	if (!ctx.once)
		msg_info("starting: %s from %s%s%s", s->name, s->input,
			 ctx.in2 ? " and " : "", ctx.in2 ? s->input2 : "");

	while (!stage_stop) {
		int     timeout = ctx.conf->poll_interval;
		guint   ready;

		next_due = 0;
		ready = stage_pass(&ctx, cpath, ctx.in, s->process, &deferred, &next_due);
		if (ctx.in2 && !stage_stop)
			ready += stage_pass(&ctx, cpath, ctx.in2, s->process2, &deferred, &next_due);
		if (ctx.once)
			break;
		if (stage_hup) {
			stage_hup = 0;
			stage_reload(&ctx, cpath);
		}
		if (next_due && next_due - spool_now() < timeout)
			timeout = next_due > spool_now() ? (int)(next_due - spool_now()) : 0;
		if (!stage_stop && ready == 0)
			stage_wait(&ctx, timeout);
	}
	if (s->fini)
		s->fini(&ctx);
	stage_stats(&ctx, 1);
	if (!ctx.once)
		msg_info("stopping");
	g_hash_table_destroy(ctx.queues);
	conf_free(ctx.conf);
	g_string_free(ctx.why, TRUE);
	g_mime_shutdown();
	return ctx.once && deferred ? EX_TEMPFAIL : 0;
}
