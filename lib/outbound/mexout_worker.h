/*++
 * NAME
 *	mexout_worker 3
 * SUMMARY
 *	mexout's stage step: mts-out -> readyout, addresses in Notes form
 * DESCRIPTION
 *	mexout_worker_process() is the process callback of mexout's stage
 *	loop (stage_main, input mts-out, failures to badmail).  For one
 *	claimed message it
 *
 *	  rejects it with "mail loop" when its hop count is over hop_limit;
 *	  translates the sender (maps/addresses, IMCEANOTES decapsulation,
 *	    else the one-off form local@domain@<foreign_domain>) and every
 *	    recipient (maps/addresses, IMCEANOTES decapsulation);
 *	  writes the message with the translated recipients (rcpt notes=,
 *	    sender_notes) to readyout under the same queue id;
 *	  drops a recipient that does not translate (any more) from that
 *	    copy, and reports it to the sender with an RFC 3464 DSN queued
 *	    in mts-in (dsn_queue: never to the null sender).
 *
 *	It logs "ID: from=<...>, to=<...>, notes=<...>, status=sent
 *	(readyout)" per recipient passed on, and "status=bounced" per
 *	recipient dropped.
 * DIAGNOSTICS
 *	STAGE_DEFER with ctx->why when a queue cannot be written;
 *	STAGE_REJECT for a bad envelope or a mail loop.
 *--*/
#ifndef LME_MEXOUT_WORKER_H
#define LME_MEXOUT_WORKER_H

#include "global/stage.h"
#include "outbound/mexout.h"

/* mexout_worker_process - one message of mts-out; ctx->data is the
 * struct mexout */
enum stage_result mexout_worker_process(struct stage_ctx *ctx, struct spool_claim *c);

#endif
