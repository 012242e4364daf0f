/*++
 * NAME
 *	addrmap 3
 * SUMMARY
 *	maps/addresses: SMTP address <-> Notes address
 * DESCRIPTION
 *	The file has one translation a line:
 *
 *	    SMTP-ADDRESS<TAB>NOTES-ADDRESS[<TAB>DISPLAY NAME]
 *
 *	with "#" comment lines and blank lines.  dxa writes it; an
 *	administrator may edit it.  Lookups ignore case on both sides.
 *
 *	addrmap_open() loads the file (a missing file is an empty map, with
 *	a warning from the caller); addrmap_refresh() re-reads it when its
 *	inode, size or modification time changed, and keeps the old map if
 *	the new file is bad.
 * DIAGNOSTICS
 *	Errors name the file and the line.
 *--*/
#ifndef LME_ADDRMAP_H
#define LME_ADDRMAP_H

#include <glib.h>

#define ADDRMAP_LINE_MAX	2048

struct addrmap_entry {
	char   *smtp;
	char   *notes;
	char   *display;		/* or NULL */
};

struct addrmap;

/* addrmap_open - load path; NULL and why on a bad file */
struct addrmap *addrmap_open(const char *path, GString *why);

/* addrmap_refresh - re-read when changed; 0 and why if the new file is
 * bad (the old contents stay in use) */
int     addrmap_refresh(struct addrmap *m, GString *why);

const struct addrmap_entry *addrmap_by_smtp(const struct addrmap *m, const char *smtp);
const struct addrmap_entry *addrmap_by_notes(const struct addrmap *m, const char *notes);

/* addrmap_size - number of entries */
guint   addrmap_size(const struct addrmap *m);

void    addrmap_free(struct addrmap *m);

#endif
