/*++
 * NAME
 *	mexq 8
 * SUMMARY
 *	the operator's queue tool: list, show, requeue, delete, inject, stats
 * SYNOPSIS
 *	mexq [-c FILE] [-v] list [QUEUE]
 *	mexq [-c FILE] [-v] show ID
 *	mexq [-c FILE] [-v] requeue ID
 *	mexq [-c FILE] [-v] delete ID
 *	mexq [-c FILE] [-v] inject QUEUE < FILE
 *	mexq [-c FILE] [-v] stats [-p]
 * DESCRIPTION
 *	What the Queue Viewer of the original connector showed, for the
 *	spool of lme.conf: one tab-separated line per message (list), one
 *	message's envelope, headers and failure reason (show), a failed
 *	message sent back to the queue it failed in or a deferred one made
 *	due now (requeue), a message removed (delete), a saved message put
 *	into a queue under a fresh id (inject), and the count and
 *	oldest age per queue (stats; with -p in the Prometheus text format,
 *	as dispatch writes it to metrics_file).
 *
 *	requeue and delete go through the spool protocol (spool(3)): the
 *	message is claimed first, so a stage never has it pulled from under
 *	it; a message a stage has claimed is refused with EX_TEMPFAIL.
 *	They are logged to syslog (LOG_MAIL) under the message's queue id.
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "util/msg.h"
#include "util/stats.h"
#include "util/text.h"
#include "global/conf.h"
#include "global/envelope.h"
#include "global/privs.h"
#include "global/queue_info.h"
#include "global/spool.h"
#include "global/version.h"

#define MEXQ_HEADER_LINES	1000	/* header lines shown at most */

/* mexq_audit - an action, to syslog (the mail log) and standard output */
static void __attribute__((format(printf, 1, 2))) mexq_audit(const char *fmt, ...)
{
	va_list ap;
	char    line[2048];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	openlog("mexq", LOG_PID, LOG_MAIL);
	syslog(LOG_INFO, "%s (by uid %ld)", line, (long)getuid());
	closelog();
	printf("%s\n", line);
}

/* mexq_time - UTC, ISO 8601 */
static char *mexq_time(time_t t)
{
	char    buf[64];
	struct tm tm;

	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	return g_strdup(buf);
}

/* mexq_state - new, claimed or deferred-until=TIME */
static char *mexq_state(const struct queue_entry *e)
{
	char   *t, *s;

	if (strcmp(e->state, "deferred") != 0)
		return g_strdup(e->state);
	t = mexq_time(e->due);
	s = g_strconcat("deferred-until=", t, NULL);
	g_free(t);
	return s;
}

/* mexq_list - one line per message: queue id size age state sender
 * recipients reason */
static int mexq_list(const struct conf *conf, const char *only)
{
	time_t  now = time(NULL);
	int     i;
	guint   k;

	if (only && !queue_info_known(only))
		msg_fatal(EX_USAGE, "unknown queue \"%s\"", only);
	for (i = 0; queue_info_names[i]; i++) {
		GPtrArray *l;

		if (only && strcmp(only, queue_info_names[i]) != 0)
			continue;
		l = queue_info_list(conf->spool, queue_info_names[i], now, 1);
		for (k = 0; k < l->len; k++) {
			const struct queue_entry *e = g_ptr_array_index(l, k);
			char   *state = mexq_state(e);
			char   *from = !e->sender ? g_strdup("-") : queue_info_is_smtp(e->queue)
				? g_strdup_printf("<%s>", e->sender) : g_strdup(e->sender);

			printf("%s\t%s\t%lld\t%ld\t%s\t%s\t%s\t%s%s%s\n", e->queue, e->id,
			       (long long)e->size, (long)(now - e->born), state, from,
			       e->rcpts && *e->rcpts ? e->rcpts : "-",
			       e->reason_stage ? e->reason_stage : "",
			       e->reason_stage ? ": " : "", e->reason ? e->reason : "-");
			g_free(state);
			g_free(from);
		}
		g_ptr_array_free(l, TRUE);
	}
	return 0;
}

/* mexq_show_envelope - the envelope and the header block of the message */
static void mexq_show_envelope(const struct queue_entry *e)
{
	GString *why = g_string_new(NULL);
	char    line[ENVELOPE_LINE_MAX + 2];
	struct envelope *env;
	FILE   *fp = NULL;
	guint   i;
	int     n;
	char   *p, *t;

	if ((env = envelope_open(e->path, &fp, why)) == NULL) {
		p = text_printable(why->str, 0, 0);
		printf("envelope-error: %s\n", p);
		g_free(p);
		if (fp)
			fclose(fp);
		g_string_free(why, TRUE);
		return;
	}
	t = mexq_time(env->arrival);
	p = text_printable(env->sender, 0, 0);
	printf("arrival: %s\nhops: %d\nsender: <%s>\n", t, env->hops, p);
	g_free(t);
	g_free(p);
	if (env->sender_notes) {
		p = text_printable(env->sender_notes, 0, 0);
		printf("sender-notes: %s\n", p);
		g_free(p);
	}
	for (i = 0; i < env->rcpts->len; i++) {
		const struct env_rcpt *r = g_ptr_array_index(env->rcpts, i);
		char   *s = text_printable(r->smtp ? r->smtp : "-", 0, 0);
		char   *o = text_printable(r->notes ? r->notes : "-", 0, 0);

		printf("recipient: %s\tnotes=%s%s%s\n", s, o, r->notify ? "\tnotify=" : "",
		       r->notify ? r->notify : "");
		g_free(s);
		g_free(o);
	}
	printf("\n");
	for (n = 0; n < MEXQ_HEADER_LINES && fgets(line, sizeof(line), fp); n++) {
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			break;
		p = text_printable(line, 0, TEXT_TAB);
		printf("%s\n", p);
		g_free(p);
	}
	envelope_free(env);
	fclose(fp);
	g_string_free(why, TRUE);
}

/* mexq_show - where the message is, its envelope and headers, the reason */
static int mexq_show(const struct conf *conf, const char *id)
{
	time_t  now = time(NULL);
	struct queue_entry *e = queue_info_find(conf->spool, id, now);
	char   *state;

	if (!e)
		msg_fatal(EX_NOINPUT, "%s: no such message in %s", id, conf->spool);
	state = mexq_state(e);
	printf("id: %s\nqueue: %s\nstate: %s\nfile: %s\nsize: %lld\nage: %ld\n", e->id, e->queue,
	       state, e->path, (long long)e->size, (long)(now - e->born));
	g_free(state);
	if (queue_info_is_bad(e->queue)) {
		printf("failed-in: %s\nstage: %s\ntime: %s\nreason: %s\n",
		       e->reason_queue ? e->reason_queue : "-", e->reason_stage ? e->reason_stage : "-",
		       e->reason_time ? e->reason_time : "-", e->reason ? e->reason : "-");
	}
	if (queue_info_is_smtp(e->queue)) {
		mexq_show_envelope(e);
	} else {
		printf("from: %s\nrecipients: %s\nsubject: %s\n", e->sender ? e->sender : "-",
		       e->rcpts && *e->rcpts ? e->rcpts : "-", e->subject ? e->subject : "-");
		if (e->error)
			printf("document-error: %s\n", e->error);
	}
	queue_info_entry_free(e);
	return 0;
}

/* mexq_open - a queue of the spool, or exit */
static struct spool_queue *mexq_open(const struct conf *conf, const char *name)
{
	GString *why = g_string_new(NULL);
	struct spool_queue *q = spool_open(conf->spool, name, why);

	if (!q)
		msg_fatal(EX_CANTCREAT, "%s", why->str);
	g_string_free(why, TRUE);
	return q;
}

/* mexq_claim - find and claim id for requeue or delete, or exit */
static struct spool_claim *mexq_claim(const struct conf *conf, const char *id,
				      struct queue_entry **ep, struct spool_queue **qp)
{
	GString *why = g_string_new(NULL);
	struct queue_entry *e = queue_info_find(conf->spool, id, time(NULL));
	struct spool_claim *c;

	if (!e)
		msg_fatal(EX_NOINPUT, "%s: no such message in %s", id, conf->spool);
	if (strcmp(e->state, "claimed") == 0)
		msg_fatal(EX_TEMPFAIL, "%s: claimed by a stage (%s); try again later", id, e->path);
	*qp = mexq_open(conf, e->queue);
	if ((c = spool_claim(*qp, e->id, why)) == NULL)
		msg_fatal(why->len ? EX_IOERR : EX_TEMPFAIL, "%s: %s", id,
			  why->len ? why->str : "taken by a stage meanwhile; try again later");
	g_string_free(why, TRUE);
	*ep = e;
	return c;
}

/* mexq_unlink_reason - remove ID.reason beside a failed message */
static void mexq_unlink_reason(struct spool_queue *q, const char *id)
{
	char   *name = g_strconcat(id, SPOOL_REASON_SUFFIX, NULL);

	if (unlinkat(q->newfd, name, 0) != 0 && errno != ENOENT)
		msg_warn("%s/new/%s: %s", q->dir, name, g_strerror(errno));
	else
		fsync(q->newfd);
	g_free(name);
}

/* mexq_requeue - a failed message back where it failed; a deferred one due now */
static int mexq_requeue(const struct conf *conf, const char *id)
{
	GString *why = g_string_new(NULL);
	struct queue_entry *e = queue_info_find(conf->spool, id, time(NULL));
	struct spool_queue *q, *to;
	struct spool_claim *c;

	if (e && !queue_info_is_bad(e->queue) && strcmp(e->state, "new") == 0) {
		printf("%s: already due in %s\n", e->id, e->queue);
		queue_info_entry_free(e);
		return 0;
	}
	if (e && queue_info_is_bad(e->queue)
	    && (!e->reason_queue || !queue_info_known(e->reason_queue)
		|| queue_info_is_bad(e->reason_queue)))
		msg_fatal(EX_DATAERR, "%s: its reason file names no queue to go back to; "
			  "move it by hand", id);
	queue_info_entry_free(e);
	c = mexq_claim(conf, id, &e, &q);
	if (!queue_info_is_bad(e->queue)) {
		if (!spool_defer(c, 0, why))
			msg_fatal(EX_IOERR, "%s: %s", id, why->str);
		mexq_audit("%s: status=requeued, due now in %s", e->id, e->queue);
	} else {
		to = mexq_open(conf, e->reason_queue);
		if (!spool_move(c, to, why))
			msg_fatal(EX_IOERR, "%s: %s", id, why->str);
		mexq_unlink_reason(q, e->id);
		mexq_audit("%s: status=requeued from %s to %s", e->id, e->queue, to->name);
		spool_close(to);
	}
	spool_close(q);
	queue_info_entry_free(e);
	g_string_free(why, TRUE);
	return 0;
}

/* mexq_delete - remove a message from whatever queue holds it */
static int mexq_delete(const struct conf *conf, const char *id)
{
	GString *why = g_string_new(NULL);
	struct queue_entry *e;
	struct spool_queue *q;
	struct spool_claim *c = mexq_claim(conf, id, &e, &q);

	if (!spool_done(c, why))
		msg_fatal(EX_IOERR, "%s: %s", id, why->str);
	if (queue_info_is_bad(e->queue))
		mexq_unlink_reason(q, e->id);
	mexq_audit("%s: status=deleted from %s", e->id, e->queue);
	spool_close(q);
	queue_info_entry_free(e);
	g_string_free(why, TRUE);
	return 0;
}

/* mexq_read_all - all of in into out, at most max bytes */
static int mexq_read_all(FILE *in, GString *out, long max, GString *why)
{
	char    buf[65536];
	size_t  n;

	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if ((long)(out->len + n) > max) {
			g_string_printf(why, "larger than %ld bytes", max);
			return 0;
		}
		g_string_append_len(out, buf, (gssize)n);
	}
	if (ferror(in)) {
		g_string_printf(why, "read standard input: %s", g_strerror(errno));
		return 0;
	}
	return 1;
}
/* mexq_copy_bounded - the rest of in to out, at most max bytes; 0 and
 * why when longer or on an I/O error */
static int mexq_copy_bounded(FILE *in, FILE *out, long max, GString *why)
{
	char    buf[65536];
	size_t  n;
	long    total = 0;

	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if ((total += (long)n) > max) {
			g_string_printf(why, "larger than %ld bytes", max);
			return 0;
		}
		if (fwrite(buf, 1, n, out) != n) {
			g_string_printf(why, "write: %s", g_strerror(errno));
			return 0;
		}
	}
	if (ferror(in)) {
		g_string_printf(why, "read standard input: %s", g_strerror(errno));
		return 0;
	}
	return 1;
}

/* mexq_dxl_ok - a well-formed XML document whose root is <document>;
 * no network, no DTD loading, no entity substitution */
static int mexq_dxl_ok(const char *data, size_t len, GString *why)
{
	xmlTextReaderPtr r = xmlReaderForMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET
						| XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	int     ret, root = 0;

	if (!r) {
		g_string_printf(why, "cannot read the document");
		return 0;
	}
	while ((ret = xmlTextReaderRead(r)) == 1) {
		if (!root && xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT) {
			root = 1;
			if (g_strcmp0((const char *)xmlTextReaderConstLocalName(r), "document") != 0) {
				g_string_printf(why, "the root element is not <document>");
				ret = -2;
				break;
			}
		}
	}
	xmlFreeTextReader(r);
	if (ret == -1 || !root)
		g_string_printf(why, "not a well-formed DXL document");
	return ret == 0 && root;
}

/* mexq_inject - standard input into QUEUE under a fresh id: an envelope
 * and message for an SMTP-side queue, a DXL document for a Notes-side one */
static int mexq_inject(const struct conf *conf, const char *name)
{
	GString *why = g_string_new(NULL);
	struct spool_queue *q;
	struct spool_writer *w;
	struct envelope *env = NULL;
	char   *id, *data = NULL;
	size_t  len = 0;
	int     ok;

	if (!queue_info_known(name) || queue_info_is_bad(name))
		msg_fatal(EX_USAGE, "cannot inject into \"%s\": not a queue a stage reads", name);
	if (queue_info_is_smtp(name)) {
		if ((env = envelope_read(stdin, why)) == NULL)
			msg_fatal(EX_DATAERR, "standard input: %s", why->str);
	} else {
		GString *doc = g_string_new(NULL);

		if (!mexq_read_all(stdin, doc, conf->max_document_size, why)
		    || !mexq_dxl_ok(doc->str, doc->len, why))
			msg_fatal(EX_DATAERR, "standard input: %s", why->str);
		len = doc->len;
		data = g_string_free(doc, FALSE);
	}
	q = mexq_open(conf, name);
	id = spool_new_id();
	if ((w = spool_create(q, id, why)) == NULL)
		msg_fatal(EX_TEMPFAIL, "%s", why->str);
	if (env) {
		g_free(env->id);
		env->id = g_strdup(id);
		ok = envelope_write(w->fp, env, why)
		    && mexq_copy_bounded(stdin, w->fp, conf->max_message_size, why);
	} else {
		ok = fwrite(data, 1, len, w->fp) == len;
		if (!ok)
			g_string_printf(why, "write: %s", g_strerror(errno));
	}
	if (!ok) {
		spool_abort(w);
		envelope_free(env);
		g_free(data);
		msg_fatal(strstr(why->str, "larger than") ? EX_DATAERR : EX_TEMPFAIL,
			  "standard input: %s", why->str);
	}
	if (!spool_commit(w, why))
		msg_fatal(EX_TEMPFAIL, "%s", why->str);
	mexq_audit("%s: status=queued (%s) by mexq inject", id, name);
	envelope_free(env);
	g_free(data);
	g_free(id);
	spool_close(q);
	g_string_free(why, TRUE);
	return 0;
}

/* mexq_stats - queue messages oldest_seconds deferred claimed, or the
 * Prometheus text of metrics_file */
static int mexq_stats(const struct conf *conf, int prometheus)
{
	time_t  now = time(NULL);
	struct queue_stats st;
	GString *text;
	int     i;

	if (prometheus) {
		text = g_string_new(NULL);
		queue_info_metrics(conf->spool, now, text);
		stats_metrics(conf->spool, text);
		fputs(text->str, stdout);
		g_string_free(text, TRUE);
		return 0;
	}
	for (i = 0; queue_info_names[i]; i++) {
		queue_info_stats(conf->spool, queue_info_names[i], now, &st);
		printf("%s\t%u\t%ld\t%u\t%u\n", st.name, st.messages, st.oldest, st.deferred,
		       st.claimed);
	}
	return 0;
}

/* usage - print the synopsis and exit */
static void __attribute__((noreturn)) usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: mexq [-c FILE] [-v] list [QUEUE] | show ID | requeue ID | delete ID"
		" | inject QUEUE | stats [-p]\n       mexq -h | -V\n");
	exit(code);
}

int main(int argc, char **argv)
{
	GString *why = g_string_new(NULL);
	const char *cmd;
	char   *cpath = NULL;
	struct conf *conf;
	int     opt, n, rc = -1;

	while ((opt = getopt(argc, argv, "+c:vhV")) != -1) {
		switch (opt) {
		case 'c': cpath = optarg; break;
		case 'v': msg_verbose++; break;
		case 'h': usage(0); break;
		case 'V': printf("mexq (lme) %s\n", LME_VERSION); return 0;
		default: usage(EX_USAGE);
		}
	}
	if (optind >= argc)
		usage(EX_USAGE);
	cmd = argv[optind];
	n = argc - optind - 1;
	msg_init("mexq", 1);
	cpath = g_canonicalize_filename(conf_path(cpath), NULL);
	if ((conf = conf_load(cpath, why)) == NULL)
		msg_fatal(EX_CONFIG, "%s", why->str);
	if (!privs_drop(conf, why))
		msg_fatal(EX_NOPERM, "%s", why->str);
	msg_debug("configuration %s, spool %s", cpath, conf->spool);
	if (strcmp(cmd, "list") == 0 && n <= 1)
		rc = mexq_list(conf, n ? argv[optind + 1] : NULL);
	else if (strcmp(cmd, "show") == 0 && n == 1)
		rc = mexq_show(conf, argv[optind + 1]);
	else if (strcmp(cmd, "requeue") == 0 && n == 1)
		rc = mexq_requeue(conf, argv[optind + 1]);
	else if (strcmp(cmd, "delete") == 0 && n == 1)
		rc = mexq_delete(conf, argv[optind + 1]);
	else if (strcmp(cmd, "inject") == 0 && n == 1)
		rc = mexq_inject(conf, argv[optind + 1]);
	else if (strcmp(cmd, "stats") == 0 && (n == 0 || (n == 1 && !strcmp(argv[optind + 1], "-p"))))
		rc = mexq_stats(conf, n == 1);
	if (rc < 0)
		usage(EX_USAGE);
	conf_free(conf);
	g_free(cpath);
	g_string_free(why, TRUE);
	return rc;
}
