/*++
 * NAME
 *	address 3
 * SUMMARY
 *	address translation between SMTP and Notes forms
 * DESCRIPTION
 *	SMTP -> Notes (mexout):
 *	  recipient: maps/addresses, else an IMCEANOTES- address of
 *	  smtp_domain decapsulated; else it does not translate (NULL).
 *	  sender: maps/addresses, else IMCEANOTES decapsulation, else the
 *	  one-off form local@domain@<foreign_domain>, so Notes users can
 *	  reply.
 *
 *	Notes -> SMTP (mexin):
 *	  recipient: maps/addresses (as given, then without a trailing
 *	  @<foreign_domain>); else, with @<foreign_domain> stripped, a
 *	  value that is an RFC 5321 address is used as is (the one-off
 *	  zoe@partner.example@Exchange); else NULL.
 *	  sender: maps/addresses, else IMCEA encapsulation (MS-OXCMAIL
 *	  2.1.3.1.8) of the abbreviated Notes address at smtp_domain:
 *	  John Smith/Sales/Acme@Acme ->
 *	  IMCEANOTES-John+20Smith_Sales_Acme+40Acme@<smtp_domain>.
 *
 *	Notes names are always given in abbreviated form.
 *
 *	Every function returns a new string (g_free) or NULL.
 *--*/
#ifndef LME_ADDRESS_H
#define LME_ADDRESS_H

#include "global/addrmap.h"
#include "global/conf.h"

#define ADDRESS_MAX 998

/* address_in_space - the domain of smtp is in [mexout] notes_address_space
 * (an entry ".example.com" also matches its subdomains) */
int     address_in_space(const struct conf *conf, const char *smtp);

/* address_is_smtp - an RFC 5321 mailbox local@domain (no route, no blanks) */
int     address_is_smtp(const char *addr);

/* address_imcea_encode - IMCEA<type>-<encoded>@domain */
char   *address_imcea_encode(const char *type, const char *addr, const char *domain);

/* address_imcea_decode - the address inside IMCEA<type>-...@domain, or
 * NULL when smtp is not such an address (domain compared ignoring case) */
char   *address_imcea_decode(const char *type, const char *smtp, const char *domain);

/* address_notes_abbreviate - CN=John Smith/OU=Sales/O=Acme@Acme ->
 * John Smith/Sales/Acme@Acme; other forms are returned unchanged */
char   *address_notes_abbreviate(const char *name);

char   *address_rcpt_to_notes(const struct conf *conf, const struct addrmap *map,
			      const char *smtp);
char   *address_sender_to_notes(const struct conf *conf, const struct addrmap *map,
				const char *smtp);
char   *address_rcpt_to_smtp(const struct conf *conf, const struct addrmap *map,
			     const char *notes);
char   *address_sender_to_smtp(const struct conf *conf, const struct addrmap *map,
			       const char *notes);

/* address_display - the display name the map gives for an address on
 * either side, or NULL */
const char *address_display(const struct addrmap *map, const char *addr);

#endif
