/*++
 * NAME
 *	mtsin 3
 * SUMMARY
 *	mexin's second step: from mts-in to the MTA, retry and expiry
 * DESCRIPTION
 *	mtsin_deliver() submits a claimed mts-in queue file (submit(3)) and
 *	logs one line per recipient in Postfix's form:
 *
 *	    ID: to=<rcpt>, orig_to=<notes>, relay=127.0.0.1[127.0.0.1]:2525,
 *	        delay=0.12, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ABC)
 *
 *	Recipients that failed for good (5xx, a failed sendmail) are
 *	reported to the sender (bounce(3): a NonDelivery Report memo in
 *	mail.box to a Notes sender, a DSN to an SMTP sender).  Recipients
 *	with a temporary result stay queued: when all of them remain the
 *	message is deferred (STAGE_DEFER, the back-off of stage(3)); when
 *	some were sent or failed, the queue file is rewritten with the
 *	remaining ones only (a new file of the same id committed into
 *	mts-in, not due before the back-off; the claim is then done).
 *	Once max_queue_lifetime has passed since the envelope's arrival,
 *	temporary results count as failures (4.4.7) and are reported.
 *
 *	A message with more than hop_limit hops is refused as a mail loop.
 * DIAGNOSTICS
 *	A stage(3) result, with why set for STAGE_DEFER and STAGE_REJECT.
 *--*/
#ifndef LME_MTSIN_H
#define LME_MTSIN_H

#include <glib.h>

#include "global/conf.h"
#include "global/spool.h"
#include "global/stage.h"

/* mtsin_deliver - submit the claimed message c; reports through mts_in
 * (DSN) or mail_box (NDR) */
enum stage_result mtsin_deliver(const struct conf *conf, struct spool_claim *c,
				struct spool_queue *mts_in, struct spool_queue *mail_box,
				GString *why);

#endif
