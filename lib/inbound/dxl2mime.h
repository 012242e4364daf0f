/*++
 * NAME
 *	dxl2mime 3
 * SUMMARY
 *	a Notes memo in DXL to an RFC 5322 message and its envelope
 * DESCRIPTION
 *	dxl2mime_convert() takes a parsed DXL file holding one <document>
 *	(the root, or the only document in a <database>, or a <note
 *	class='document'>; any or no namespace) and builds a GMimeMessage,
 *	with what the envelope needs: the sender's and the recipients'
 *	Notes addresses, NOTIFY, the hop count and whether it is a report.
 *
 *	The body comes from one of:
 *	  a <mime> element (MIMEOPTION_DXL export): the MIME stream as is;
 *	  raw items (MIMEOPTION_RAW, the default export of a native MIME
 *	  memo): the header items (rawitemdata type 502) in document order,
 *	  then the Body items (rawitemdata type 19) concatenated;
 *	  a rich text Body: text/plain and text/html in multipart/alternative,
 *	  $FILE attachments (and .ndl files for doclinks) beside it in
 *	  multipart/mixed; a text Body: text/plain.
 *	Forms "NonDelivery Report" and "Delivery Report" become RFC 3464
 *	multipart/report (delivery-status), "Return Receipt" an RFC 8098
 *	multipart/report (disposition-notification).
 *
 *	Notes addresses are not translated here (mexin does that): they are
 *	written abbreviated, a name without @domain given @notes_domain
 *	(John Smith/Sales/Acme@Acme, the form of maps/addresses), in
 *	headers of their own:
 *	  X-Lme-Notes-From, X-Lme-Notes-Sender, X-Lme-Notes-To, X-Lme-Notes-Cc,
 *	  X-Lme-Notes-Reply-To, X-Lme-Notes-Disposition-Notification-To
 *	(the addresses separated by ", ", RFC 2047 encoded when not ASCII);
 *	mexin rewrites From, To and Cc from the first three with the
 *	translated addresses.  Any X-Lme-* header
 *	arriving inside a MIME memo is removed first, as is Bcc.
 *
 *	Every header value from an item has its control characters (CR, LF
 *	included) turned into spaces before GMime encodes and folds it.
 * DIAGNOSTICS
 *	dxl2mime_convert() returns 0 and explains in why (the content is
 *	at fault: the caller rejects the document).
 *--*/
#ifndef LME_DXL2MIME_H
#define LME_DXL2MIME_H

#include <glib.h>
#include <gmime/gmime.h>
#include <libxml/tree.h>

#define DXL2MIME_FORM_NDR	"NonDelivery Report"
#define DXL2MIME_FORM_DR	"Delivery Report"
#define DXL2MIME_FORM_RR	"Return Receipt"
#define DXL2MIME_MAX_HOPS	10000

struct dxl2mime_opts {
	const char *notes_domain;	/* given to Notes names without @domain */
	const char *foreign_domain;	/* recipients addressed here are ours */
	const char *smtp_domain;	/* Message-IDs made, Reporting-MTA */
	const char *doclinks;		/* url, ndl or both */
	int     max_attachments;	/* 0: no limit */
};

/* recipients of one document; ntsmex writes them in envelopes of at most
 * ENVELOPE_RCPT_MAX each */
#define DXL2MIME_RCPT_MAX	100000

struct dxl2mime {
	GMimeMessage *message;
	char   *form;			/* the Form, or "Memo" */
	const char *kind;		/* richtext, text, mime, raw-mime, dsn, mdn */
	char   *sender_notes;		/* abbreviated From/Principal, NULL for a report */
	GPtrArray *rcpts;		/* char *: Notes addresses for the foreign domain */
	char   *notify;			/* RFC 3461 NOTIFY, or NULL */
	int     hops;
	int     report;			/* an NDR, delivery report or receipt */
	int     attachments;		/* how many were attached */
};

/* dxl2mime_convert - doc to out; 0 and why when it cannot be converted */
int     dxl2mime_convert(xmlDocPtr doc, const struct dxl2mime_opts *opts,
			 struct dxl2mime *out, GString *why);

/* dxl2mime_clear - free what dxl2mime_convert() filled in */
void    dxl2mime_clear(struct dxl2mime *out);

#endif
