/*++
 * NAME
 *	dsn 3
 * SUMMARY
 *	delivery status notifications (RFC 3464) to SMTP senders
 * DESCRIPTION
 *	dsn_queue() builds a multipart/report; report-type=delivery-status
 *	message (a human-readable part, message/delivery-status with one
 *	per-recipient block each, and the original headers, or the whole
 *	message with RET=FULL) from the MAILER-DAEMON of smtp_domain to the
 *	message's SMTP sender, and queues it in mts-in (null sender, "report
 *	yes" in the envelope) for mexin to submit.
 *
 *	No report is made, and 1 is returned, for a null sender, for a
 *	message that is itself a report, or when every recipient's NOTIFY
 *	excludes the action (NOTIFY=NEVER, or no SUCCESS for "delivered").
 *
 *	The new report's queue id is logged against the original's, as
 *	Postfix does: "ID: sender non-delivery notification: NEWID"
 *	("delay" or "delivery status" instead of "non-delivery" for the
 *	other actions).  The report's one recipient has NOTIFY=NEVER.
 *	The report is about one kind of event: give it recipients with the
 *	same action (a "failed" one decides the subject when mixed).
 * DIAGNOSTICS
 *	0 and why when the report could not be queued (the caller defers).
 *--*/
#ifndef LME_DSN_H
#define LME_DSN_H

#include <glib.h>

#include "global/conf.h"
#include "global/envelope.h"
#include "global/spool.h"

struct dsn_rcpt {
	const char *addr;		/* the recipient as the sender wrote it */
	const char *orcpt;		/* RFC 3461 ORCPT, or NULL */
	const char *notify;		/* RFC 3461 NOTIFY, or NULL */
	const char *action;		/* failed, delayed, delivered, relayed */
	const char *status;		/* e.g. 5.1.1 */
	const char *diag;		/* diagnostic text, or NULL */
};

/* dsn_queue - report on rcpts (struct dsn_rcpt *) of the message in the
 * queue file msgpath (envelope env) to its sender through mts_in */
int     dsn_queue(const struct conf *conf, struct spool_queue *mts_in,
		  const struct envelope *env, const char *msgpath,
		  GPtrArray *rcpts, GString *why);

/* dsn_notify_wants - a recipient's RFC 3461 NOTIFY (NULL: the default,
 * FAILURE,DELAY) asks for a report of this action */
int     dsn_notify_wants(const char *notify, const char *action);

#endif
