/*++
 * NAME
 *	smtpc 3
 * SUMMARY
 *	a small SMTP client: connect, commands, replies, DATA
 * DESCRIPTION
 *	smtpc_connect() opens a TCP connection to HOST:PORT (each address
 *	getaddrinfo() gives, in turn) with a connect timeout; every later
 *	read and write has the timeout given there.
 *
 *	smtpc_reply() reads one reply, single or multi-line: each line
 *	must start with three digits and " " or "-"; lines are cut at
 *	SMTPC_LINE_MAX bytes (the rest is read and dropped) and a reply of
 *	more than SMTPC_LINES_MAX lines is an error.  The reply text
 *	(lines without CR LF, joined by "\n") is left in the GString.
 *
 *	smtpc_command() writes one command line and reads the reply; it
 *	refuses a command that holds CR or LF.
 *
 *	smtpc_data() sends a message after a 354 reply: lines end in
 *	CR LF (a bare LF becomes CR LF), a line that starts with "." gets
 *	another (RFC 5321 4.5.2), and "." ends it.
 *
 *	The connection runs over GIO (a GSocket with the timeout).
 *	smtpc_starttls(), after the server's 220 to STARTTLS, makes it a
 *	TLS connection (GTlsClientConnection; a TLS backend such as
 *	glib-networking must be installed: smtpc_tls_available()).  Any
 *	server certificate is accepted: the TLS protects against
 *	eavesdropping, not against an active man in the middle.  Data the
 *	server sent ahead of the handshake is refused (CVE-2011-0411).
 * DIAGNOSTICS
 *	smtpc_reply() and smtpc_command() return the reply code, or -1 with
 *	the reason (timeout, lost connection, bad reply) in the GString.
 *--*/
#ifndef LME_SMTPC_H
#define LME_SMTPC_H

#include <stdio.h>
#include <glib.h>

#define SMTPC_LINE_MAX		2048
#define SMTPC_LINES_MAX		100

struct smtpc;

/* smtpc_connect - a connection to host:port; NULL and why on failure */
struct smtpc *smtpc_connect(const char *host, const char *port, int connect_timeout,
			    int timeout, GString *why);

/* smtpc_peer - "name[address]:port", for logging */
const char *smtpc_peer(const struct smtpc *s);

/* smtpc_reply - read a reply; its code, or -1 */
int     smtpc_reply(struct smtpc *s, GString *reply);

/* smtpc_command - send one command line, read the reply */
int     smtpc_command(struct smtpc *s, GString *reply, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* smtpc_data - send the rest of fp, dot-stuffed, and the final "." ; 0
 * and why on error */
int     smtpc_data(struct smtpc *s, FILE *fp, GString *why);

/* smtpc_tls_available - a GIO TLS backend is installed */
int     smtpc_tls_available(void);

/* smtpc_starttls - TLS handshake after "220" to STARTTLS; 0 and why */
int     smtpc_starttls(struct smtpc *s, GString *why);

/* smtpc_tls - the connection is TLS */
int     smtpc_tls(const struct smtpc *s);

/* smtpc_close - close the connection */
void    smtpc_close(struct smtpc *s);

#endif
