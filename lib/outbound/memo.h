/*++
 * NAME
 *	memo 3
 * SUMMARY
 *	one RFC 5322 message as one Notes mail memo in DXL
 * DESCRIPTION
 *	memo_convert() parses the message that starts at offset start of
 *	the file fd with GMime (from the file, never read into memory whole)
 *	and writes one <document form='Memo'> to out:
 *
 *	    Form              "Memo"
 *	    From, Principal   the sender in Notes form (envelope sender_notes,
 *			      else translated with the address map)
 *	    SendTo, CopyTo    To: and Cc: in Notes form where the map (or an
 *			      IMCEANOTES address) knows them, else "Name <addr>"
 *	    Recipients        the envelope recipients' Notes forms: the
 *			      router routes on this
 *	    INetFrom, INetSendTo, INetCopyTo   the Internet forms
 *	    Subject           RFC 2047-decoded, UTF-8
 *	    PostedDate        Date:, in its own zone (else the arrival time)
 *	    $MessageID        <Message-ID:>
 *	    In_Reply_To, References   as in the message, for threading
 *	    Importance        1 high, 2 normal, 3 low: Importance:, X-Priority:
 *	    ReturnReceipt     "1" when Disposition-Notification-To: is present
 *	    DeliveryReport    "C" when a recipient asked NOTIFY=SUCCESS, else "B"
 *	    $Hops             the hop count of the envelope
 *	    Body, $FILE       body_format richtext: see mime2dxl(3)
 *	    <mime>, $NoteHasNativeMIME, MIME_Version   body_format mime
 *
 *	Header values lose CR and LF and are cut at MEMO_VALUE_MAX bytes;
 *	address lists at MEMO_LIST_MAX entries.
 *
 *	Limits checked, from struct conf: max_message_size (before the
 *	message is parsed), max_depth (MIME nesting) and max_attachments.
 *	GMime's parser warnings (defects of a malformed message) are logged
 *	with the queue id and counted; the message is converted as far as
 *	the parser could read it.
 * DIAGNOSTICS
 *	MEMO_REJECT with why and a DSN status (memo_result.status) when the
 *	content cannot be converted or is over a limit; MEMO_DEFER with why
 *	on an output or temporary-file error.
 *--*/
#ifndef LME_MEMO_H
#define LME_MEMO_H

#include <stdio.h>
#include <sys/types.h>

#include <glib.h>

#include "global/addrmap.h"
#include "global/conf.h"
#include "global/envelope.h"

#define MEMO_VALUE_MAX	8000		/* bytes of one header-derived text */
#define MEMO_LIST_MAX	1000		/* addresses in one list item */

enum memo_status {
	MEMO_OK,
	MEMO_REJECT,			/* content: badmail, DSN */
	MEMO_DEFER,			/* passing: retry */
};

struct memo_in {
	const struct conf *conf;
	const struct addrmap *map;	/* or NULL */
	const struct envelope *env;
	const char *id;			/* queue id, for the log */
};

struct memo_result {
	gint64  size;			/* bytes of the message */
	int     attachments;		/* $FILE items */
	int     defects;		/* GMime parser warnings */
	int     fallbacks;		/* texts decoded with a fallback charset */
	const char *status;		/* DSN status of a rejection, e.g. 5.3.4 */
};

/* memo_convert - the message at start of fd as a memo on out */
enum memo_status memo_convert(const struct memo_in *in, int fd, off_t start, FILE *out,
			      struct memo_result *res, GString *why);

/* memo_init - initialize GMime once per process */
void    memo_init(void);

#endif
