/*++
 * NAME
 *	bounce 3
 * SUMMARY
 *	report failed recipients in the sender's own world
 * DESCRIPTION
 *	bounce_report() tells the sender of a message about recipients
 *	that failed for good: a Notes "NonDelivery Report" memo in
 *	mail.box (ndr(3)) when the envelope has a Notes sender
 *	(sender_notes), else an RFC 3464 DSN through mts-in (dsn(3)) to
 *	the SMTP sender.  It reads the Subject and Message-ID of the
 *	original from its queue file for the memo.
 *
 *	Nothing is sent, and 1 is returned, for a message that is itself
 *	a report, for the null sender, and for recipients whose RFC 3461
 *	NOTIFY does not ask for failures (NOTIFY=NEVER or SUCCESS alone).
 * DIAGNOSTICS
 *	0 and why when the report could not be queued (the caller defers).
 *--*/
#ifndef LME_BOUNCE_H
#define LME_BOUNCE_H

#include <glib.h>

#include "global/conf.h"
#include "global/envelope.h"
#include "global/spool.h"

struct bounce_rcpt {
	const struct env_rcpt *rcpt;	/* the recipient's envelope record */
	const char *status;		/* RFC 3463 code, e.g. 5.1.1 */
	const char *diag;		/* the reason, for people */
};

/* bounce_report - report rcpts (struct bounce_rcpt *) of the message in
 * the queue file path to its sender */
int     bounce_report(const struct conf *conf, struct spool_queue *mts_in,
		      struct spool_queue *mail_box, const struct envelope *env,
		      const char *path, GPtrArray *rcpts, GString *why);

/* bounce_all - report every recipient of env with one status and the
 * reason in why (a mail loop, a message refused whole); 0 when the report
 * could not be queued, and why then says so too */
int     bounce_all(const struct conf *conf, struct spool_queue *mts_in,
		   struct spool_queue *mail_box, const struct envelope *env,
		   const char *path, const char *status, GString *why);

#endif
