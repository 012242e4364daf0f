/*++
 * NAME
 *	inbound 3
 * SUMMARY
 *	mexin's first step: Notes addresses to SMTP (readyin -> mts-in)
 * DESCRIPTION
 *	inbound_translate() reads a readyin queue file (envelope(3) with
 *	the Notes sender in sender_notes and the recipients' Notes
 *	addresses in notes=, then the RFC 5322 message ntsmex made) and
 *	writes the same message, same queue id, into mts-in with:
 *
 *	- each recipient's SMTP address (address_rcpt_to_smtp(3): without
 *	  @<foreign_domain>, maps/addresses, or an RFC 5321 address as it
 *	  is); recipients that do not translate are reported to the
 *	  sender (bounce(3): a NonDelivery Report memo to a Notes sender)
 *	  and dropped;
 *	- the sender's SMTP address (address_sender_to_smtp(3): the map,
 *	  else IMCEANOTES- encapsulation at smtp_domain); the null sender
 *	  for a message that is a report;
 *	- From, To and Cc rewritten to match (inbound_headers()).
 *
 *	A message with more than hop_limit hops (the envelope's count or
 *	its Received: headers, whichever is larger) is refused as a
 *	"mail loop".
 *
 *	inbound_headers() rewrites the address headers of a parsed
 *	message.  A Notes address is found in three ways: an
 *	X-Lme-Notes-From, -To or -Cc header (Notes addresses separated by
 *	commas, in the order of the mailboxes of the header it stands
 *	for, whose display names are kept); a mailbox whose addr-spec is a
 *	Notes address ("John Smith/Sales/Acme"@Acme, or anything that is
 *	not an RFC 5321 address, or ends in @notes_domain or
 *	@foreign_domain); a mailbox whose display name is a Notes address
 *	(holds "/" and "@").  From takes the sender's translation, To and
 *	Cc the recipient's, else the sender's (so that a Notes colleague
 *	in Cc gets an IMCEA address that mexout decapsulates on reply).
 *	Display names are kept, else taken from the map, else the common
 *	name; GMime encodes them (RFC 2047) as needed.  Every X-Lme-*
 *	header is removed.
 * DIAGNOSTICS
 *	inbound_translate() returns a stage(3) result with the reason in
 *	why for STAGE_DEFER and STAGE_REJECT.
 *--*/
#ifndef LME_INBOUND_H
#define LME_INBOUND_H

#include <glib.h>
#include <gmime/gmime.h>

#include "global/addrmap.h"
#include "global/conf.h"
#include "global/stage.h"

#define INBOUND_NOTES_HEADER	"X-Lme-Notes-"
#define INBOUND_HEADER_PREFIX	"X-Lme-"

/* inbound_translate - readyin file path (queue id id) -> mts_in; reports
 * to mail_box or through mts_in */
enum stage_result inbound_translate(const struct conf *conf, const struct addrmap *map,
				    struct spool_queue *mts_in, struct spool_queue *mail_box,
				    const char *id, const char *path, GString *why);

/* inbound_headers - rewrite From/To/Cc of m, remove X-Lme-* headers */
void    inbound_headers(const struct conf *conf, const struct addrmap *map, GMimeMessage *m);

/* inbound_hops - the larger of hops and the number of Received: headers */
int     inbound_hops(GMimeMessage *m, int hops);

#endif
