/*++
 * NAME
 *	dxasync 3
 * SUMMARY
 *	dxa: directory synchronization, plan and apply, state, safety
 * DESCRIPTION
 *	One direction of a run has two halves joined by a pipe of LDIF
 *	records (ldif(3)).  dxasync_tandem() spawns the applying half (the
 *	same program with the hidden option -apply, by fork and execv of
 *	/proc/self/exe, else of argv[0] when it is a path; never a shell) and runs the reading half in the
 *	calling process:
 *
 *	dxasync_source() reads the source directory (LDAP for to-notes, the
 *	Domino directory DXL for to-ldap), maps every entry through the
 *	tables and writes one record per entry as soon as it is read, so
 *	that the two halves work at the same time: "entry" records carry
 *	the mapped target attributes and the entry's casefolded key
 *	combinations, "present" records only say that a source key still
 *	exists (update runs), and a last "end" record says whether the
 *	source answered completely and gives the new high-water mark (and
 *	the old one).
 *
 *	dxasync_apply() plans each record as it arrives: additions,
 *	changes (byte-exact comparison, so case-only changes count; only
 *	attributes that have a rule are compared); to-notes writes the
 *	document into the import file at once (and the record into an
 *	unnamed temporary file).  After the end record it applies the
 *	chained uniqueness rule to the key combinations of all records (and,
 *	in an update, of the owned entries not read again) and the unique
 *	target address rule: the entries that fail are left as they are
 *	and reported, their documents are taken out of the import file by
 *	writing it again from the temporary file, and the old high-water
 *	mark is kept so that the next update reads them again.  Then
 *	deletions (owned keys that the source no longer has; only when the
 *	end record says the source was complete).  Deletions of more than max_delete_percent of
 *	the owned entries are refused unless forced.  With dry_run the
 *	plan is printed and nothing changes.  Otherwise the plan is applied
 *	(to-notes: one DXL import file, committed atomically; to-ldap:
 *	LDAP operations on stamped contacts only) and the state file is
 *	rewritten atomically with what was done.
 *
 *	With opts addresses (the last direction of a run), the applying
 *	half then rewrites the dxa block of maps/addresses from the state it
 *	has just committed, keeping lines written by hand outside the block.
 *
 *	State file format: see dxa(8).
 * DIAGNOSTICS
 *	Functions return a sysexits(3) code (EX_OK on success) or 0/1 and
 *	explain in why.
 *--*/
#ifndef LME_DXASYNC_H
#define LME_DXASYNC_H

#include <stdio.h>

#include <glib.h>

#include "global/conf.h"
#include "dir/maptbl.h"

#define DXASYNC_TO_NOTES	1
#define DXASYNC_TO_LDAP		2

/* EX_DATAERR: the deletion guard refused the run */
#define DXASYNC_EX_GUARD	65

struct dxasync_opts {
	int     full;			/* -full (else -update) */
	int     dry_run;		/* -n */
	int     force;			/* -force */
	int     verbose;		/* -v */
	int     foreground;		/* -f: the applying half logs to stderr too */
	void    (*progress)(const char *dir, long count);	/* or NULL */
	const char *self;		/* argv[0]: tried when /proc/self/exe is not there */
	int     addresses;		/* the applying half writes maps/addresses (the run's last) */
};

/* dxasync_dir_name - "to-notes" or "to-ldap" */
const char *dxasync_dir_name(enum maptbl_dir d);

/* dxasync_state_path - state_file, else SPOOL/dxa.state (g_free) */
char   *dxasync_state_path(const struct conf *conf);

/* dxasync_check - the keys a direction needs; 0 and why if one is missing */
int     dxasync_check(const struct conf *conf, enum maptbl_dir d, GString *why);

/* dxasync_tandem - run one direction: spawn the applier, feed it; a sysexits code */
int     dxasync_tandem(const struct conf *conf, const char *conf_file, const struct maptbl *t,
		       enum maptbl_dir d, const struct dxasync_opts *o, GString *why);

/* dxasync_source - the reading half: records to out; 1 if the source was complete */
int     dxasync_source(const struct conf *conf, const struct maptbl *t, enum maptbl_dir d,
		       const struct dxasync_opts *o, FILE *out, GString *why);

/* dxasync_apply - the applying half: records from in, plan printed to report */
int     dxasync_apply(const struct conf *conf, enum maptbl_dir d, const struct dxasync_opts *o,
		      FILE *in, FILE *report, GString *why);


#endif
