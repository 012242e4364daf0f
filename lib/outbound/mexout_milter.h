/*++
 * NAME
 *	mexout_milter 3
 * SUMMARY
 *	mexout's libmilter filter: Notes recipients off the MTA into mts-out
 * DESCRIPTION
 *	mexout_milter_start() registers the filter with libmilter, opens the
 *	socket ([mexout] milter: inet:PORT@HOST, inet6:..., unix:/path) and
 *	runs smfi_main() in a thread of its own (libmilter then starts a
 *	thread per SMTP connection).  SIGTERM, SIGINT and SIGHUP stay with
 *	the calling thread's handlers: the milter thread blocks them.
 *
 *	Per message:
 *	  RCPT: a recipient in notes_address_space, or an IMCEANOTES-
 *	    address of smtp_domain, that translates is taken (and its
 *	    NOTIFY and ORCPT kept); one that does not translate is refused
 *	    with 550 5.1.1.  Others are left alone.
 *	  header, body: with a Notes recipient, the message is collected
 *	    (LF line ends), up to max_message_size: over it, 552 5.3.4.
 *	  end of message: the message, with a Received: header for the
 *	    MTA's hop when the MTA did not pass its own (Postfix does not),
 *	    and its envelope (sender, RET, ENVID, the Notes recipients,
 *	    arrival time, hop count = Received: headers) are stored in
 *	    mts-out; then those recipients are deleted from the MTA's copy
 *	    (smfi_delrcpt), and the copy is discarded when no other
 *	    recipient is left.  A failed store is a 451 4.3.0 tempfail.
 *
 *	mexout_milter_stop() stops taking messages; those being stored get up
 *	to 3 seconds to finish, later ones a 451 4.3.2 tempfail.
 * DIAGNOSTICS
 *	mexout_milter_start() returns 0 and why when the socket cannot be
 *	opened.  When smfi_main() returns by itself, the error is logged and
 *	SIGTERM is sent to the process, so that its supervisor restarts it.
 *--*/
#ifndef LME_MEXOUT_MILTER_H
#define LME_MEXOUT_MILTER_H

#include <glib.h>

#include "outbound/mexout.h"

/* mexout_milter_start - serve the milter on spec in a thread */
int     mexout_milter_start(struct mexout *mx, const char *spec, GString *why);

/* mexout_milter_stop - stop serving: new messages get 451 4.3.2, the ones
 * being stored get up to 3 seconds to finish; 1 when it was running (its
 * threads may still use the struct mexout: keep it until exit) */
int     mexout_milter_stop(void);

#endif
