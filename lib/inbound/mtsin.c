/*++
 * NAME
 *	mtsin 3
 * SUMMARY
 *	mexin's second step: from mts-in to the MTA, retry and expiry
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/msg.h"
#include "global/bounce.h"
#include "global/envelope.h"
#include "inbound/mtsin.h"
#include "inbound/submit.h"

/* mtsin_requeue - the same message with only the recipients in keep,
 * committed into q under the same id, not due before delay seconds */
static int mtsin_requeue(struct spool_queue *q, const char *id, struct envelope *env, FILE *fp,
			 GPtrArray *keep, int delay, GString *why)
{
	GPtrArray *all = env->rcpts;
	struct spool_writer *w;
	int     ok;

	if ((w = spool_create(q, id, why)) == NULL)
		return 0;
	env->rcpts = keep;
	ok = envelope_write(w->fp, env, why) && envelope_copy_message(fp, w->fp, why);
	env->rcpts = all;
	if (!ok) {
		spool_abort(w);
		return 0;
	}
	w->due = time(NULL) + delay;	/* the spool's "not due before" mark */
	return spool_commit(w, why);
}

enum stage_result mtsin_deliver(const struct conf *conf, struct spool_claim *c,
				struct spool_queue *mts_in, struct spool_queue *mail_box,
				GString *why)
{
	FILE   *fp = NULL;
	struct envelope *env = envelope_open(c->path, &fp, why);
	GPtrArray *res = NULL, *keep, *bounces;
	GString *relay = g_string_new(NULL);
	enum stage_result r = STAGE_DEFER;
	double  delay;
	int     expired;
	const char *first_temp = NULL;
	guint   i;

	if (!env) {
		g_string_free(relay, TRUE);
		return STAGE_REJECT;
	}
	keep = g_ptr_array_new();
	bounces = g_ptr_array_new_with_free_func(g_free);
	if (env->hops > conf->hop_limit) {
		/* to badmail, and the sender is told, like any rejection */
		g_string_printf(why, "mail loop: %d hops, more than %d", env->hops, conf->hop_limit);
		if (bounce_all(conf, mts_in, mail_box, env, c->path, "5.4.6", why))
			r = STAGE_REJECT;
		goto out;
	}
	if (env->rcpts->len == 0) {
		msg_info("%s: from=<%s>, nrcpt=0, status=discarded (no recipients)", c->id, env->sender);
		r = STAGE_DONE;
		goto out;
	}
	if ((res = submit_message(conf, env, c->path, ftello(fp), relay, why)) == NULL)
		goto out;
	delay = (double)g_get_real_time() / G_USEC_PER_SEC - (double)env->arrival;
	if (delay < 0)
		delay = 0;
	expired = time(NULL) - env->arrival >= conf->max_queue_lifetime;
	for (i = 0; i < env->rcpts->len; i++) {
		struct env_rcpt *rc = g_ptr_array_index(env->rcpts, i);
		struct submit_result *sr = g_ptr_array_index(res, i);
		struct bounce_rcpt *b;
		const char *status = sr->cls == SUBMIT_SENT ? "sent" : sr->cls == SUBMIT_TEMP ?
			(expired ? "expired" : "deferred") : "bounced";

		msg_info("%s: to=<%s>%s%s%s, relay=%s, delay=%.2f, dsn=%s, status=%s (%s)", c->id,
			 rc->smtp ? rc->smtp : "", rc->notes ? ", orig_to=<" : "",
			 rc->notes ? rc->notes : "", rc->notes ? ">" : "", relay->str, delay,
			 sr->status, status, sr->reply);
		if (sr->cls == SUBMIT_SENT)
			continue;
		if (sr->cls == SUBMIT_TEMP && !expired) {
			g_ptr_array_add(keep, rc);
			if (!first_temp)
				first_temp = sr->reply;
			continue;
		}
		b = g_new0(struct bounce_rcpt, 1);
		b->rcpt = rc;
		b->status = sr->cls == SUBMIT_TEMP ? "4.4.7" : sr->status;
		b->diag = sr->reply;
		g_ptr_array_add(bounces, b);
	}
	if (bounces->len && !bounce_report(conf, mts_in, mail_box, env, c->path, bounces, why))
		goto out;
	if (keep->len == 0) {
		r = STAGE_DONE;
	} else if (keep->len == env->rcpts->len) {
		g_string_assign(why, first_temp);
	} else if (mtsin_requeue(c->q, c->id, env, fp, keep, stage_backoff(conf, c->id), why)) {
		msg_info("%s: %u recipient%s left for a later attempt", c->id, keep->len,
			 keep->len == 1 ? "" : "s");
		r = STAGE_DONE;
	}
out:
	if (res)
		g_ptr_array_free(res, TRUE);
	g_ptr_array_free(keep, TRUE);
	g_ptr_array_free(bounces, TRUE);
	g_string_free(relay, TRUE);
	fclose(fp);
	envelope_free(env);
	return r;
}
