/*++
 * NAME
 *	mexout 3
 * SUMMARY
 *	mexout's shared state: configuration, address map, mts-out
 * DESCRIPTION
 *	mexout's milter threads, its -enqueue mode and its worker all ask
 *	the same questions: is this recipient in the Notes address space,
 *	does it translate, what is the sender's Notes form; and they all
 *	store messages in mts-out.  struct mexout holds the answers'
 *	sources: a configuration of its own (read from the same file as
 *	the stage's, so that a reload in the stage loop never frees what a
 *	milter thread is reading), maps/addresses, and the mts-out queue,
 *	all behind one mutex.  maps/addresses is re-read (addrmap_refresh)
 *	when it changed, at every lookup.
 *
 *	Every function here may be called from any thread.
 * DIAGNOSTICS
 *	Functions return 0 or NULL and explain in why.  A map file that
 *	became unreadable or bad is logged, and the old map kept.
 *--*/
#ifndef LME_MEXOUT_H
#define LME_MEXOUT_H

#include <stdio.h>
#include <glib.h>

#include "global/conf.h"
#include "global/envelope.h"

struct mexout;

/* What mexout_rcpt() found */
enum mexout_rcpt_kind {
	MEXOUT_RCPT_OTHER,		/* not for Notes: the MTA's business */
	MEXOUT_RCPT_NOTES,		/* for Notes, and it translates */
	MEXOUT_RCPT_UNKNOWN,		/* for Notes, but no one there has it */
};

/* mexout_new - state from the configuration file path; NULL and why */
struct mexout *mexout_new(const char *conf_path, GString *why);

/* mexout_reload - re-read the configuration file; 0 and why (the old
 * one stays in use) */
int     mexout_reload(struct mexout *mx, GString *why);

void    mexout_free(struct mexout *mx);

/* mexout_max_size - [mexnts] max_message_size, in bytes */
long    mexout_max_size(struct mexout *mx);

/* mexout_rcpt - classify an SMTP recipient: in notes_address_space or an
 * IMCEANOTES- address of smtp_domain is for Notes; *notes (may be NULL)
 * gets the Notes form when it translates (g_free) */
enum mexout_rcpt_kind mexout_rcpt(struct mexout *mx, const char *smtp, char **notes);

/* mexout_translates - the Notes form of a recipient (whatever its
 * domain), or NULL (g_free) */
char   *mexout_translates(struct mexout *mx, const char *smtp);

/* mexout_translate - fill out (id, sender etc. copied from in) with the
 * sender's Notes form and the recipients of in that translate, with
 * their Notes form; the env_rcpt pointers of in that do not translate
 * are appended to failed */
void    mexout_translate(struct mexout *mx, const struct envelope *in,
			 struct envelope *out, GPtrArray *failed);

/* mexout_store - queue env and the message (head, may be NULL, then
 * msg) in mts-out durably; 1 when stored */
int     mexout_store(struct mexout *mx, const struct envelope *env, const char *head,
		     const char *msg, size_t len, GString *why);

/* mexout_hops - the number of Received: header fields of a message */
int     mexout_hops(const char *msg, size_t len);

/* mexout_strip - an address without its angle brackets (g_free); NULL
 * when it is too long or holds a control character */
char   *mexout_strip(const char *addr);

/* mexout_enqueue - -enqueue: one message on in from sender to rcpts;
 * returns a sysexits(3) code: EX_OK stored, EX_NOUSER a recipient does
 * not translate (nothing stored), EX_DATAERR too big or bad address,
 * EX_TEMPFAIL it could not be stored */
int     mexout_enqueue(struct mexout *mx, const char *sender, char **rcpts, int nrcpt,
		       FILE *in, GString *why);

#endif
