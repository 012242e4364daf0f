/*++
 * NAME
 *	submit 3
 * SUMMARY
 *	hand a message to the MTA: [mexin] relay = smtp:HOST:PORT or sendmail:PATH
 * DESCRIPTION
 *	submit_message() submits the message of an mts-in queue file to the
 *	relay of the configuration and gives one result per envelope
 *	recipient: sent (2), try again later (4) or failed for good (5),
 *	with an RFC 3463 status and the reply.
 *
 *	smtp:HOST:PORT (an IPv6 address in brackets: smtp:[::1]:25): an
 *	SMTP client (smtpc(3)).  EHLO, else HELO; SIZE=n when the server
 *	offers SIZE (a message over its limit fails at once, 5.3.4);
 *	RET, ENVID, NOTIFY and ORCPT (xtext) when it offers DSN; one RCPT
 *	TO per recipient, each with its own result; DATA only for the
 *	accepted ones, whose result is then the reply to the final ".".
 *	No connection, a lost connection, a timeout or a 4xx reply is a
 *	temporary result; 5xx is a failure.  When the server offers STARTTLS
 *	and a GIO TLS backend is installed (glib-networking), the session
 *	goes on in TLS (EHLO again); any certificate is accepted (smtpc(3)).
 *	A failed handshake is a temporary result; a refused STARTTLS goes
 *	on in clear text.
 *
 *	sendmail:PATH: PATH -i -f SENDER -- RCPT... run by fork and execve
 *	(never a shell), with the message on standard input and a minimal
 *	environment (PATH=/usr/sbin:/usr/bin:/sbin:/bin).  The null sender
 *	is given as "<>".  Exit status 0: sent; EX_TEMPFAIL, EX_OSERR,
 *	EX_IOERR, EX_CANTCREAT, a signal or a timeout: temporary; any other
 *	status: failed.  The first line of its standard error is kept as
 *	the reply.
 * DIAGNOSTICS
 *	submit_message() returns NULL and why when the relay setting is
 *	bad; every other problem is a per-recipient result.
 *--*/
#ifndef LME_SUBMIT_H
#define LME_SUBMIT_H

#include <sys/types.h>
#include <glib.h>

#include "global/conf.h"
#include "global/envelope.h"

#define SUBMIT_CONNECT_TIMEOUT	30	/* seconds */
#define SUBMIT_TIMEOUT		300	/* seconds, each read or write */
#define SUBMIT_SENDMAIL_TIMEOUT	600	/* seconds for the whole command */

enum submit_class {
	SUBMIT_SENT = 2,
	SUBMIT_TEMP = 4,
	SUBMIT_FAILED = 5,
};

struct submit_result {
	enum submit_class cls;
	char   *status;			/* RFC 3463, e.g. 2.0.0 */
	char   *reply;			/* the server's reply, one line */
};

/* submit_message - submit the message at offset of the queue file path
 * (envelope env); an array of struct submit_result, one per recipient
 * in order; *relay names the relay for the log */
GPtrArray *submit_message(const struct conf *conf, const struct envelope *env,
			  const char *path, off_t offset, GString *relay, GString *why);

/* submit_xtext - s when it is valid RFC 3461 xtext (as the envelope
 * keeps ENVID and ORCPT), else s encoded as xtext (g_free) */
char   *submit_xtext(const char *s);

#endif
