/*++
 * NAME
 *	mexout_milter 3
 * SUMMARY
 *	mexout's libmilter filter: Notes recipients off the MTA into mts-out
 * DESCRIPTION
 *	See mexout_milter.h.  libmilter calls the callbacks below from its
 *	threads (Debian's is built with a pool of workers), one connection
 *	at a time per thread; each connection has its private data
 *	(struct mm_conn, smfi_setpriv), and everything shared is behind the
 *	mutex of struct mexout.
 *--*/
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "util/msg.h"
#include "util/text.h"
#include "global/spool.h"
#include "outbound/mexout_milter.h"

#define MM_FIELD_MAX	200		/* longest MTA value in our header */
#define MM_KEEP_BUF	(1024 * 1024)	/* buffer kept between messages */

/* A Notes recipient of the current message */
struct mm_rcpt {
	char   *arg;			/* as the MTA gave it: for smfi_delrcpt */
	char   *smtp;
	char   *notify;
	char   *orcpt;
};

/* Per connection, and per message */
struct mm_conn {
	char   *client_name;
	char   *client_addr;
	char   *helo;
	/* the current message */
	int     in_msg;
	char   *sender;
	char   *envid;
	char   *ret;
	time_t  arrival;
	GPtrArray *notes;		/* struct mm_rcpt */
	int     others;			/* recipients left to the MTA */
	GString *msg;			/* headers and body, LF line ends */
	int     prev_cr;		/* a body chunk ended in CR */
	int     too_big;		/* over max_message_size: refused at the end */
	int     bad_sender;		/* MAIL FROM unusable: Notes recipients refused */
	int     hops;			/* Received: headers seen */
	int     nheaders;
	char   *first_received;		/* the first header, when Received: */
	int     leadspc;		/* header values come as they are */
	unsigned long noreply;		/* SMFIP_NR_* agreed with the MTA */
};

static struct mexout *mm_mx;
static pthread_t mm_thread;
static char *mm_spec;			/* libmilter keeps this pointer */
static int mm_started;
static gint mm_stopping;		/* atomic: set once at stop */
static gint mm_busy;			/* end-of-message callbacks running */

#define MM_STOP_WAIT	3000		/* ms to let them finish at stop */

/* mm_rcpt_free - forget a recipient */
static void mm_rcpt_free(gpointer p)
{
	struct mm_rcpt *r = p;

	g_free(r->arg);
	g_free(r->smtp);
	g_free(r->notify);
	g_free(r->orcpt);
	g_free(r);
}

/* mm_reset - forget the current message */
static void mm_reset(struct mm_conn *c)
{
	c->in_msg = 0;
	g_clear_pointer(&c->sender, g_free);
	g_clear_pointer(&c->envid, g_free);
	g_clear_pointer(&c->ret, g_free);
	g_clear_pointer(&c->first_received, g_free);
	if (c->notes)
		g_ptr_array_set_size(c->notes, 0);
	if (c->msg && c->msg->allocated_len > MM_KEEP_BUF) {
		g_string_free(c->msg, TRUE);	/* do not keep a big message's buffer */
		c->msg = g_string_new(NULL);
	} else if (c->msg) {
		g_string_truncate(c->msg, 0);
	}
	c->others = c->prev_cr = c->hops = c->nheaders = c->too_big = c->bad_sender = 0;
}

/* mm_conn_get - this connection's data, made on first use */
static struct mm_conn *mm_conn_get(SMFICTX *ctx)
{
	struct mm_conn *c = smfi_getpriv(ctx);

	if (!c) {
		c = g_new0(struct mm_conn, 1);
		c->notes = g_ptr_array_new_with_free_func(mm_rcpt_free);
		c->msg = g_string_new(NULL);
		smfi_setpriv(ctx, c);
	}
	return c;
}

/* mm_qid - the MTA's queue id, for the logs */
static const char *mm_qid(SMFICTX *ctx)
{
	const char *q = smfi_getsymval(ctx, "i");

	return q && *q ? q : "NOQUEUE";
}

/* mm_esmtp - the value of KEY=value among ESMTP arguments, or NULL */
static char *mm_esmtp(char **argv, const char *key)
{
	size_t  kl = strlen(key);
	int     i;

	for (i = 1; argv[i]; i++)
		if (!strncasecmp(argv[i], key, kl) && argv[i][kl] == '=')
			return text_printable(argv[i] + kl + 1, 500, 0);
	return NULL;
}

/*
 * The MTA waits for our answer to a command only where we may refuse:
 * RCPT (550 for a Notes recipient that does not translate), DATA (where
 * a message without Notes recipients is accepted, and the MTA sends us
 * nothing more of it) and the end of the message.  Everything else gets
 * no reply (SMFIP_NR_*): a message too big for Notes, or a Notes
 * recipient after an unusable MAIL FROM, is refused later.  Each SMTP
 * session is a new milter connection, with this negotiation.
 */
#define MM_NOREPLY	(SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_HDR \
			 | SMFIP_NR_EOH | SMFIP_NR_BODY)
#define MM_MAIL_MACROS	"{client_name} {client_addr} j"
#define MM_NOEVENT	(SMFIP_NOCONNECT | SMFIP_NOUNKNOWN)

/* mm_negotiate - ask for SMFIF_DELRCPT, header values as they are, no
 * reply where we never refuse, no unknown commands, only our macros */
static sfsistat mm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			     unsigned long f2, unsigned long f3, unsigned long *pf0,
			     unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct mm_conn *c = mm_conn_get(ctx);

	(void)f2;
	(void)f3;
	if (!(f0 & SMFIF_DELRCPT)) {
		msg_error("the MTA does not allow the milter to delete recipients");
		return SMFIS_REJECT;
	}
	*pf0 = SMFIF_DELRCPT;
	*pf1 = f1 & (SMFIP_HDR_LEADSPC | MM_NOEVENT | MM_NOREPLY);
	*pf2 = *pf3 = 0;
	c->leadspc = (f1 & SMFIP_HDR_LEADSPC) != 0;
	c->noreply = *pf1 & MM_NOREPLY;

	/*
	 * The macros we read, and no others: with MAIL FROM the client and
	 * j (the logs and our Received: header); the queue id
	 * and {rcpt_addr} with RCPT; the queue id at the end.  The first
	 * list set empties the MTA's other lists.
	 */
	if ((f0 & SMFIF_SETSYMLIST)
	    && smfi_setsymlist(ctx, SMFIM_ENVFROM, MM_MAIL_MACROS) == MI_SUCCESS
	    && smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i {rcpt_addr}") == MI_SUCCESS
	    && smfi_setsymlist(ctx, SMFIM_EOM, "i") == MI_SUCCESS)
		*pf0 |= SMFIF_SETSYMLIST;
	return SMFIS_CONTINUE;
}

/* mm_pass - carry on: no reply when the MTA expects none (flag) */
static sfsistat mm_pass(const struct mm_conn *c, unsigned long flag)
{
	return (c->noreply & flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* mm_client - who sends, for the logs and our Received:, from the macros
 * the MTA sends with MAIL FROM (no connect event is asked for: one packet
 * less each SMTP session) */
static void mm_client(SMFICTX *ctx, struct mm_conn *c)
{
	const char *name = smfi_getsymval(ctx, "{client_name}");
	const char *addr = smfi_getsymval(ctx, "{client_addr}");

	g_free(c->client_name);
	g_free(c->client_addr);
	c->client_name = text_printable(name && *name ? name : "unknown", MM_FIELD_MAX, 0);
	c->client_addr = text_printable(addr && *addr ? addr : "unknown", MM_FIELD_MAX, 0);
}

/* mm_helo - remember the HELO name (Postfix has no macro for it) */
static sfsistat mm_helo(SMFICTX *ctx, char *helo)
{
	struct mm_conn *c = mm_conn_get(ctx);

	g_free(c->helo);
	c->helo = text_printable(helo, MM_FIELD_MAX, 0);
	return mm_pass(c, SMFIP_NR_HELO);
}

/* mm_envfrom - a new message: its sender, RET and ENVID.  A sender we
 * cannot use is refused for Notes recipients only (at RCPT), unless the
 * MTA wants an answer here */
static sfsistat mm_envfrom(SMFICTX *ctx, char **argv)
{
	struct mm_conn *c = mm_conn_get(ctx);

	mm_reset(c);
	c->envid = mm_esmtp(argv, "ENVID");
	c->ret = mm_esmtp(argv, "RET");
	c->arrival = time(NULL);
	c->in_msg = 1;
	if ((c->sender = mexout_strip(argv[0])) == NULL) {
		c->bad_sender = 1;
		if (!(c->noreply & SMFIP_NR_MAIL)) {
			smfi_setreply(ctx, "553", "5.1.7", "Sender address rejected: malformed");
			return SMFIS_REJECT;
		}
	}
	return mm_pass(c, SMFIP_NR_MAIL);
}

/* mm_envrcpt - take a Notes recipient that translates, refuse one that
 * does not, leave the others */
static sfsistat mm_envrcpt(SMFICTX *ctx, char **argv)
{
	struct mm_conn *c = mm_conn_get(ctx);
	const char *macro = smfi_getsymval(ctx, "{rcpt_addr}");
	char   *addr = mexout_strip(argv[0]);
	struct mm_rcpt *r;

	/*
	 * The RCPT argument as the client wrote it: Postfix's {rcpt_addr} is
	 * folded to lower case, and IMCEANOTES addresses carry Notes names,
	 * whose case matters.  {rcpt_addr} when the argument is unusable.
	 */
	if ((!addr || !*addr) && macro && *macro) {
		g_free(addr);
		addr = mexout_strip(macro);
	}

	if (!addr) {
		smfi_setreply(ctx, "553", "5.1.3", "Recipient address rejected: malformed");
		return SMFIS_REJECT;
	}
	switch (mexout_rcpt(mm_mx, addr, NULL)) {
	case MEXOUT_RCPT_OTHER:
		c->others++;
		break;
	case MEXOUT_RCPT_UNKNOWN:
		mm_client(ctx, c);
		msg_info("%s: reject: RCPT from %s[%s]: 550 5.1.1 <%s>: not known in Notes; from=<%s>",
			 mm_qid(ctx), c->client_name ? c->client_name : "unknown",
			 c->client_addr ? c->client_addr : "unknown", addr,
			 c->sender ? c->sender : "");
		g_free(addr);
		smfi_setreply(ctx, "550", "5.1.1",
			      "Recipient address rejected: User unknown in Lotus Notes");
		return SMFIS_REJECT;
	case MEXOUT_RCPT_NOTES:
		if (c->bad_sender) {
			mm_client(ctx, c);
			msg_info("%s: reject: RCPT from %s[%s]: 553 5.1.7 <%s>: malformed sender",
				 mm_qid(ctx), c->client_name ? c->client_name : "unknown",
				 c->client_addr ? c->client_addr : "unknown", addr);
			g_free(addr);
			smfi_setreply(ctx, "553", "5.1.7", "Sender address rejected: malformed");
			return SMFIS_REJECT;
		}
		if (c->notes->len >= ENVELOPE_RCPT_MAX) {
			/* RFC 5321 4.5.3.1.8: the client sends the rest later */
			mm_client(ctx, c);
			msg_info("%s: reject: RCPT from %s[%s]: 452 4.5.3 <%s>: too many recipients"
				 " (more than %d for Notes); from=<%s>",
				 mm_qid(ctx), c->client_name ? c->client_name : "unknown",
				 c->client_addr ? c->client_addr : "unknown", addr,
				 ENVELOPE_RCPT_MAX, c->sender ? c->sender : "");
			g_free(addr);
			smfi_setreply(ctx, "452", "4.5.3", "Too many recipients");
			return SMFIS_TEMPFAIL;
		}
		r = g_new0(struct mm_rcpt, 1);
		r->arg = g_strdup(argv[0]);
		r->smtp = g_strdup(addr);
		r->notify = mm_esmtp(argv, "NOTIFY");
		r->orcpt = mm_esmtp(argv, "ORCPT");
		g_ptr_array_add(c->notes, r);
		break;
	}
	g_free(addr);
	return SMFIS_CONTINUE;
}

/* mm_data - no Notes recipient: the MTA keeps the message to itself, and
 * we skip its headers and body */
static sfsistat mm_data(SMFICTX *ctx)
{
	struct mm_conn *c = mm_conn_get(ctx);

	return c->notes->len == 0 ? SMFIS_ACCEPT : SMFIS_CONTINUE;
}

/* mm_grown - the message outgrew max_message_size: keep no more of it
 * (it is refused at the end) */
static void mm_grown(struct mm_conn *c)
{
	long    max = mexout_max_size(mm_mx);

	if (max > 0 && c->msg->len > (size_t)max) {
		c->too_big = 1;
		g_string_truncate(c->msg, 0);
	}
}

/* mm_append - add text to the message, CR LF as LF */
static void mm_append(struct mm_conn *c, const char *p, size_t len)
{
	size_t  i;

	for (i = 0; i < len; i++) {
		if (c->prev_cr) {
			if (p[i] != '\n')
				g_string_append_c(c->msg, '\r');
			c->prev_cr = 0;
		}
		if (p[i] == '\r')
			c->prev_cr = 1;
		else
			g_string_append_c(c->msg, p[i]);
	}
}

/* mm_header - collect a header (count the Received: ones) */
static sfsistat mm_header(SMFICTX *ctx, char *name, char *value)
{
	struct mm_conn *c = mm_conn_get(ctx);

	if (!c->in_msg || c->notes->len == 0 || c->too_big)
		return mm_pass(c, SMFIP_NR_HDR);
	if (c->nheaders++ == 0 && !g_ascii_strcasecmp(name, "Received"))
		c->first_received = g_strdup(value);
	if (!g_ascii_strcasecmp(name, "Received"))
		c->hops++;
	g_string_append(c->msg, name);
	g_string_append(c->msg, c->leadspc ? ":" : ": ");
	mm_append(c, value, strlen(value));
	if (c->prev_cr) {
		g_string_append_c(c->msg, '\r');
		c->prev_cr = 0;
	}
	g_string_append_c(c->msg, '\n');
	mm_grown(c);
	return mm_pass(c, SMFIP_NR_HDR);
}

/* mm_eoh - the blank line between headers and body */
static sfsistat mm_eoh(SMFICTX *ctx)
{
	struct mm_conn *c = mm_conn_get(ctx);

	if (c->in_msg && c->notes->len && !c->too_big)
		g_string_append_c(c->msg, '\n');
	return mm_pass(c, SMFIP_NR_EOH);
}

/* mm_body - collect a piece of the body */
static sfsistat mm_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct mm_conn *c = mm_conn_get(ctx);

	if (c->in_msg && c->notes->len && !c->too_big) {
		mm_append(c, (const char *)chunk, len);
		mm_grown(c);
	}
	return mm_pass(c, SMFIP_NR_BODY);
}

/* mm_received - our Received: header for the MTA's hop, unless the MTA
 * passed its own (sendmail does; Postfix keeps its own to itself) */
static char *mm_received(SMFICTX *ctx, struct mm_conn *c, const char *qid)
{
	const char *j = smfi_getsymval(ctx, "j");
	char   *by, *id, *res, date[64];
	struct tm tm;
	time_t  now = c->arrival;

	if (c->first_received && strcmp(qid, "NOQUEUE") && strstr(c->first_received, qid))
		return NULL;
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	by = text_printable(j && *j ? j : g_get_host_name(), MM_FIELD_MAX, 0);
	id = text_printable(qid, MM_FIELD_MAX, 0);
	res = g_strdup_printf("Received: from %s (%s [%s])\n\tby %s (lme mexout) with SMTP id %s;\n\t%s\n",
			      c->helo ? c->helo : c->client_name, c->client_name, c->client_addr,
			      by, id, date);
	g_free(by);
	g_free(id);
	return res;
}

/* mm_store - the message and its envelope into mts-out; the new id */
static char *mm_store(SMFICTX *ctx, struct mm_conn *c, const char *qid, GString *why)
{
	struct envelope *env = envelope_new();
	char   *head = mm_received(ctx, c, qid), *id = spool_new_id();
	guint   i;
	int     ok;

	env->id = g_strdup(id);
	env->arrival = c->arrival;
	env->hops = c->hops + (head ? 1 : 0);
	g_free(env->sender);
	env->sender = g_strdup(c->sender);
	env->envid = g_strdup(c->envid);
	if (c->ret && (!g_ascii_strcasecmp(c->ret, "FULL") || !g_ascii_strcasecmp(c->ret, "HDRS")))
		env->ret = g_ascii_strup(c->ret, -1);
	for (i = 0; i < c->notes->len; i++) {
		struct mm_rcpt *r = g_ptr_array_index(c->notes, i);
		struct env_rcpt *e = envelope_add_rcpt(env, r->smtp, NULL);

		e->notify = g_strdup(r->notify);
		e->orcpt = g_strdup(r->orcpt);
	}
	ok = mexout_store(mm_mx, env, head, c->msg->str, c->msg->len, why);
	envelope_free(env);
	g_free(head);
	if (!ok) {
		g_free(id);
		return NULL;
	}
	return id;
}

/* mm_eom - store, take the Notes recipients off the MTA's copy, and
 * discard the copy when nobody is left */
static sfsistat mm_eom(SMFICTX *ctx)
{
	struct mm_conn *c = mm_conn_get(ctx);
	char   *qid = g_strdup(mm_qid(ctx)), *id;
	GString *why = g_string_new(NULL);
	sfsistat res = SMFIS_CONTINUE;
	guint   i;

	g_atomic_int_inc(&mm_busy);

	if (!c->in_msg || c->notes->len == 0)
		goto out;
	if (g_atomic_int_get(&mm_stopping)) {
		smfi_setreply(ctx, "451", "4.3.2", "Lotus Notes gateway shutting down, try again later");
		res = SMFIS_TEMPFAIL;
		goto out;
	}
	if (c->too_big) {
		msg_info("%s: reject: message size over %ld bytes for Notes", qid, mexout_max_size(mm_mx));
		smfi_setreply(ctx, "552", "5.3.4", "Message size exceeds the limit for Lotus Notes");
		res = SMFIS_REJECT;
		goto out;
	}
	mm_client(ctx, c);
	if ((id = mm_store(ctx, c, qid, why)) == NULL) {
		msg_error("%s: cannot queue in mts-out: %s; tempfail", qid, why->str);
		smfi_setreply(ctx, "451", "4.3.0", "Temporary failure storing the message for Lotus Notes");
		res = SMFIS_TEMPFAIL;
		goto out;
	}
	msg_info("%s: mta_id=%s, client=%s[%s]", id, qid, c->client_name ? c->client_name : "unknown",
		 c->client_addr ? c->client_addr : "unknown");
	for (i = 0; i < c->notes->len; i++) {
		struct mm_rcpt *r = g_ptr_array_index(c->notes, i);

		msg_info("%s: from=<%s>, to=<%s>, size=%zu, status=queued (mts-out)",
			 id, c->sender, r->smtp, c->msg->len);
		if (smfi_delrcpt(ctx, r->arg) != MI_SUCCESS) {
			/* stored, but the MTA would deliver it too: have the
			 * client try again (at least once, never lost) */
			msg_error("%s: mta_id=%s: cannot delete recipient <%s> from the MTA's copy; tempfail",
				  id, qid, r->smtp);
			smfi_setreply(ctx, "451", "4.3.0", "Temporary failure handing over to Lotus Notes");
			res = SMFIS_TEMPFAIL;
			break;
		}
	}
	if (res == SMFIS_CONTINUE && c->others == 0) {
		msg_info("%s: mta_id=%s: no other recipient: discarding the MTA's copy", id, qid);
		res = SMFIS_DISCARD;
	}
	g_free(id);
out:
	mm_reset(c);
	g_free(qid);
	g_string_free(why, TRUE);
	g_atomic_int_dec_and_test(&mm_busy);
	return res;
}

/* mm_abort - the MTA gave up the message */
static sfsistat mm_abort(SMFICTX *ctx)
{
	struct mm_conn *c = smfi_getpriv(ctx);

	if (c)
		mm_reset(c);
	return SMFIS_CONTINUE;
}

/* mm_close - the connection is over */
static sfsistat mm_close(SMFICTX *ctx)
{
	struct mm_conn *c = smfi_getpriv(ctx);

	if (c) {
		mm_reset(c);
		g_ptr_array_free(c->notes, TRUE);
		g_string_free(c->msg, TRUE);
		g_free(c->client_name);
		g_free(c->client_addr);
		g_free(c->helo);
		g_free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc mm_desc = {
	.xxfi_name = "mexout",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_DELRCPT,
	.xxfi_helo = mm_helo,
	.xxfi_envfrom = mm_envfrom,
	.xxfi_envrcpt = mm_envrcpt,
	.xxfi_header = mm_header,
	.xxfi_eoh = mm_eoh,
	.xxfi_body = mm_body,
	.xxfi_eom = mm_eom,
	.xxfi_abort = mm_abort,
	.xxfi_close = mm_close,
	.xxfi_negotiate = mm_negotiate,
	.xxfi_data = mm_data,
};

/* mm_run - the milter thread */
static void *mm_run(void *arg)
{
	sigset_t set;
	int     r;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	r = smfi_main();
	if (!g_atomic_int_get(&mm_stopping)) {
		msg_error("milter stopped by itself (%s); stopping", r == MI_SUCCESS ? "no error" : "error");
		kill(getpid(), SIGTERM);
	}
	return NULL;
}

/*
 * mm_nodelay - TCP_NODELAY on the listening socket libmilter made (it
 * gives no access to it: it is the one listening TCP socket of this
 * process), which the connections it accepts inherit (Linux).  At the end
 * of a message for Notes the milter answers in several packets (each
 * recipient deleted, then discard): without it, Nagle's algorithm holds
 * the last one back until the MTA's delayed ACK, up to 40 ms a message.
 */
static void mm_nodelay(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int     fd, on = 1, listening;

	for (fd = 0; fd < 1024; fd++) {
		len = sizeof(listening);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
			continue;
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0
		    && (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
		    && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0)
			msg_warn("milter: TCP_NODELAY: %s", g_strerror(errno));
	}
}

int mexout_milter_start(struct mexout *mx, const char *spec, GString *why)
{
	int     err;

	mm_mx = mx;
	if (smfi_register(mm_desc) != MI_SUCCESS) {
		g_string_printf(why, "milter: smfi_register failed");
		return 0;
	}
	g_free(mm_spec);
	mm_spec = g_strdup(spec);
	if (smfi_setconn(mm_spec) != MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS) {
		g_string_printf(why, "milter: cannot listen on \"%s\"", spec);
		return 0;
	}
	mm_nodelay();
	/* a unix socket: the MTA (in our group) must be able to connect */
	if ((g_str_has_prefix(spec, "unix:") || g_str_has_prefix(spec, "local:"))
	    && chmod(strchr(spec, ':') + 1, 0660) != 0)
		msg_warn("milter: chmod 0660 %s: %s", strchr(spec, ':') + 1, g_strerror(errno));
	if ((err = pthread_create(&mm_thread, NULL, mm_run, NULL)) != 0) {
		g_string_printf(why, "milter: thread: %s", g_strerror(err));
		return 0;
	}
	mm_started = 1;
	msg_info("milter listening on %s", spec);
	return 1;
}

int mexout_milter_stop(void)
{
	int     ms;

	if (!mm_started)
		return 0;
	g_atomic_int_set(&mm_stopping, 1);

	/*
	 * smfi_stop() waits for a mutex that libmilter's listener holds for
	 * the whole of its poll timeout (5 seconds): too slow for a clean
	 * SIGTERM.  The process exits next, which closes the socket anyway:
	 * let the messages being stored finish (bounded), then go.  New
	 * messages get a tempfail meanwhile; a connection cut short is a
	 * tempfail for the MTA (milter_default_action), and a half-written
	 * file is removed by spool_recover() at the next start.
	 */
	for (ms = 0; g_atomic_int_get(&mm_busy) > 0 && ms < MM_STOP_WAIT; ms += 10)
		g_usleep(10000);
	if (g_atomic_int_get(&mm_busy) > 0)
		msg_warn("stopping with %d message%s being stored", g_atomic_int_get(&mm_busy),
			 g_atomic_int_get(&mm_busy) == 1 ? "" : "s");
	pthread_detach(mm_thread);
	mm_started = 0;
	return 1;
}
