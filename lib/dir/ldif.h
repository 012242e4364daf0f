/*++
 * NAME
 *	ldif 3
 * SUMMARY
 *	LDIF records (RFC 2849 subset) between the two halves of dxa
 * DESCRIPTION
 *	A record is a "dn:" line followed by "attr: value" lines and ends
 *	at a blank line.  ldif_write() writes a value as is when RFC 2849
 *	calls it safe (printable US-ASCII, not starting with a blank, ':'
 *	or '<', not ending with a blank) and as "attr:: base64" otherwise,
 *	so UTF-8, CR, LF and NUL travel intact.  Attributes are written in
 *	sorted order, one line each, never folded.
 *
 *	ldif_read() reads one record: folded lines (a continuation starts
 *	with one blank) are joined, "#" comment lines are skipped, and
 *	"attr:< URL" is refused.  Every size is bounded: LDIF_LINE_MAX per
 *	unfolded line, LDIF_RECORD_MAX bytes and LDIF_VALUES_MAX values per
 *	record.  Decoded values must be valid UTF-8.
 *
 *	An entry is a maptbl entry (maptbl_entry_new(): casefolded
 *	attribute name -> GPtrArray of char *); ldif_entry_* are its names
 *	here.
 * DIAGNOSTICS
 *	ldif_read() returns -1 and explains in why, with the line number.
 *--*/
#ifndef LME_LDIF_H
#define LME_LDIF_H

#include <stdio.h>

#include <glib.h>

#define LDIF_LINE_MAX	(64 * 1024)
#define LDIF_RECORD_MAX	(1024 * 1024)
#define LDIF_VALUES_MAX	10000
#define LDIF_READ_AHEAD	(64 * 1024)

struct ldif_reader {
	FILE   *fp;
	long    line;			/* lines read so far */
	GString *pending;		/* a line read ahead, or NULL */
	GString *raw;			/* or NULL; set by the caller: the lines read are appended */
	GString *line_buf, *next_buf;	/* reused between records */
	int     have_pending;
	char   *buf;			/* LDIF_READ_AHEAD bytes read ahead from fp */
	size_t  pos, end;		/* the part of buf not yet taken */
	GHashTable *spare;		/* an entry given back, to be filled again */
	GString *name;			/* the attribute name being read */
};

/* ldif_entry_new - an empty entry */
GHashTable *ldif_entry_new(void);

/* ldif_entry_add - append a value to attr (name lower-cased) */
void    ldif_entry_add(GHashTable *e, const char *attr, const char *value);

/* ldif_entry_first - the first value of attr, or NULL */
const char *ldif_entry_first(GHashTable *e, const char *attr);

/* ldif_write - one record; 0 on a write error */
int     ldif_write(FILE *fp, const char *dn, GHashTable *e);

/* ldif_write_with - one record of e and nextra more attributes of one
 * value each ({name, value}, names not in e), sorted in with e's; 0 on a
 * write error */
int     ldif_write_with(FILE *fp, const char *dn, GHashTable *e, const char *const (*extra)[2], guint nextra);

/* ldif_text - the record as ldif_write() writes it, into out (replaced);
 * aborts only when out of memory, as g_malloc() does */
void    ldif_text(GString *out, const char *dn, GHashTable *e);

/* ldif_reader_init - read records from fp (raw: NULL) */
void    ldif_reader_init(struct ldif_reader *r, FILE *fp);
void    ldif_reader_free(struct ldif_reader *r);

/* ldif_read - the next record: 1 and dn/entry set (g_free/unref),
 * 0 at end of input, -1 and why on bad input */
int     ldif_read(struct ldif_reader *r, char **dn, GHashTable **e, GString *why);

/* ldif_reader_recycle - instead of g_hash_table_unref(): the entry of a
 * record done with, for the next ldif_read() to fill again (its
 * attribute names and value arrays are kept, not made again) */
void    ldif_reader_recycle(struct ldif_reader *r, GHashTable *e);

#endif
