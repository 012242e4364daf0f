/*++
 * NAME
 *	envelope 3
 * SUMMARY
 *	the envelope ahead of an SMTP-side queue file
 * DESCRIPTION
 *	SMTP-side queue files (mts-out, readyout, readyin, mts-in) hold a
 *	small text envelope, then the unchanged RFC 5322 message:
 *
 *	    lme-envelope 1
 *	    id 1763768027.M482113P4242Q1.mx1
 *	    arrival 1763768027
 *	    hops 3
 *	    sender jane@example.com          (empty after "sender": null sender)
 *	    sender_notes Jane Doe/Sales/Acme@Acme   (optional)
 *	    envid abc123                     (optional, RFC 3461 ENVID)
 *	    ret HDRS                         (optional, RFC 3461 RET)
 *	    report yes                       (optional: a DSN, NDR or MDN)
 *	    rcpt smtp=john@notes.example.com<TAB>notes=John Smith/Sales/Acme@Acme<TAB>notify=FAILURE<TAB>orcpt=rfc822;john@notes.example.com
 *	    end
 *	    <message>
 *
 *	Records are one line each, at most ENVELOPE_LINE_MAX bytes; values
 *	never hold a tab, CR, LF or NUL (envelope_write() refuses them).
 *	The "end" line is required: a truncated file is rejected.
 *	ENVID and the address in ORCPT are kept as the MTA gave them, in
 *	RFC 3461 xtext ("a+2Bb" for "a+b"): a DSN decodes them, a relay
 *	gets them unchanged.
 *--*/
#ifndef LME_ENVELOPE_H
#define LME_ENVELOPE_H

#include <stdio.h>
#include <time.h>
#include <glib.h>

#define ENVELOPE_LINE_MAX	4096
#define ENVELOPE_RCPT_MAX	10000

struct env_rcpt {
	char   *smtp;			/* RFC 5321 form, or NULL */
	char   *notes;			/* Notes form, or NULL */
	char   *notify;			/* RFC 3461 NOTIFY, or NULL */
	char   *orcpt;			/* RFC 3461 ORCPT (addr-type;addr), or NULL */
};

struct envelope {
	char   *id;
	time_t  arrival;
	int     hops;
	char   *sender;			/* "" for the null sender */
	char   *sender_notes;		/* or NULL */
	char   *envid;			/* or NULL */
	char   *ret;			/* FULL, HDRS or NULL */
	int     report;			/* the message is a delivery report */
	GPtrArray *rcpts;		/* of struct env_rcpt */
};

/* envelope_new - an empty envelope (sender "", arrival now) */
struct envelope *envelope_new(void);
void    envelope_free(struct envelope *e);

/* envelope_add_rcpt - append a recipient (either form may be NULL) */
struct env_rcpt *envelope_add_rcpt(struct envelope *e, const char *smtp, const char *notes);

/* envelope_write - write the envelope up to and including "end" */
int     envelope_write(FILE *fp, const struct envelope *e, GString *why);

/* envelope_read - read an envelope; fp is left at the message */
struct envelope *envelope_read(FILE *fp, GString *why);

/* envelope_open - open a queue file and read its envelope; *fpp is left
 * at the message */
struct envelope *envelope_open(const char *path, FILE **fpp, GString *why);

/* envelope_copy_message - copy the rest of in to out; 0 on I/O error */
int     envelope_copy_message(FILE *in, FILE *out, GString *why);

#endif
