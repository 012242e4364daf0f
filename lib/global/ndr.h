/*++
 * NAME
 *	ndr 3
 * SUMMARY
 *	Notes "NonDelivery Report" memos to Notes senders
 * DESCRIPTION
 *	ndr_queue() writes one DXL document (form "NonDelivery Report",
 *	valid against domino_9_0_1.dtd) into mail.box for the Domino
 *	router: SendTo and Recipients are the sender's Notes address
 *	(abbreviated, never canonical), IntendedRecipient and
 *	FailureReason list the recipients that failed and why, Subject is
 *	the original's, $InReplyTo is the original's Message-ID ($MessageID
 *	in Notes), and a plain Body explains in words.
 *
 *	No report is made, and 1 is returned, when the message has no
 *	Notes sender or is itself a report (never a report about a
 *	report, never a report to nobody).
 *
 *	The report gets a queue id of its own, logged against the
 *	original's: "ID: sender non-delivery notification: NEWID".
 * DIAGNOSTICS
 *	0 and why when the report could not be written (the caller defers).
 *--*/
#ifndef LME_NDR_H
#define LME_NDR_H

#include <glib.h>

#include "global/conf.h"
#include "global/envelope.h"
#include "global/spool.h"

#define NDR_FORM	"NonDelivery Report"

struct ndr_rcpt {
	const char *notes;		/* the recipient as the sender wrote it */
	const char *reason;		/* why it failed */
};

/* ndr_queue - report rcpts (struct ndr_rcpt *) of the message with this
 * envelope, subject and Message-ID (either may be NULL) to its Notes
 * sender through mail_box */
int     ndr_queue(const struct conf *conf, struct spool_queue *mail_box,
		  const struct envelope *env, const char *subject, const char *message_id,
		  GPtrArray *rcpts, GString *why);

#endif
