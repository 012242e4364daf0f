/*++
 * NAME
 *	notesdir 3
 * SUMMARY
 *	the Notes side of dxa: read the Domino directory DXL, write imports
 * DESCRIPTION
 *	notesdir_read() reads a DXL export of the Domino directory: one file
 *	holding a <database> of documents (or a single <document>), or a
 *	folder of such files (*.dxl, read in name order).  Each document
 *	with a UNID (noteinfo/@unid) is given to the callback with its form
 *	("Person", "Group", "Database", ... from the form attribute, else
 *	the Type item), its modified time (noteinfo/modified, -1 if none)
 *	and its items as an entry: lower-case item name -> GPtrArray of
 *	char * (text, textlist, number(list), datetime(list) values; other
 *	kinds are skipped).  Names in name items (FullName, ListName,
 *	Members, Owner, ... and any item marked names/authors/readers) are
 *	given in abbreviated form, "John Smith/Sales/Acme"
 *	(address_notes_abbreviate()).  The pseudo
 *	item "$$unid" holds the UNID.  Every file is parsed by dxl(3):
 *	no network, no DTD, no entities, at most max_size bytes.
 *
 *	notesdir_import_begin() starts a new import file in the folder
 *	notes_import (created, mode 0700, when missing): a DXL <database>
 *	of documents for Domino's DXL importer, written to a hidden temporary
 *	name.  notesdir_import_person() adds a document to create or replace
 *	by UNID; notesdir_import_delete() adds a deletion request, a
 *	document of form "LMEDelete" whose item TargetUNID names the
 *	document to delete and whose $NotesDXAStamp must match the stamp of
 *	that document (see dxa(8)).  notesdir_import_commit() flushes,
 *	fsyncs and renames the file to dxa-TIME-PID.dxl and fsyncs the
 *	folder, so the importer never sees a partial file;
 *	notesdir_import_abort() removes it.
 * DIAGNOSTICS
 *	Functions return 0 (NULL) and explain in why.
 *--*/
#ifndef LME_NOTESDIR_H
#define LME_NOTESDIR_H

#include <time.h>

#include <glib.h>

#define NOTESDIR_FILE_MAX	(512L * 1024 * 1024)
#define NOTESDIR_FILES_MAX	100000
#define NOTESDIR_STAMP_ITEM	"$NotesDXAStamp"

typedef int (*notesdir_doc_fn)(const char *unid, const char *form, time_t modified,
			       GHashTable *items, void *ctx);

/* notesdir_read - every document of the export at path; 0 and why on error */
int     notesdir_read(const char *path, notesdir_doc_fn fn, void *ctx, GString *why);

/* notesdir_item_name - the usual spelling of a Person item name given in lower case */
const char *notesdir_item_name(const char *lower);

struct notesdir_import;

/* notesdir_import_begin - a new import file in folder dir */
struct notesdir_import *notesdir_import_begin(const char *dir, GString *why);

/* notesdir_import_person - a document (form, UNID) with items
 * (lower-case name -> values; "" values, $ names and the control
 * attributes of dxa's records, named NOTESDIR_CONTROL_PREFIX..., left
 * out) and the stamp; names (lower case -> as written, may be NULL)
 * spells the item names */
#define NOTESDIR_CONTROL_PREFIX "lme-"
void    notesdir_import_person(struct notesdir_import *im, const char *form, const char *unid,
			       GHashTable *items, GHashTable *names, const char *stamp);

/* notesdir_import_delete - a request to delete the stamped document unid */
void    notesdir_import_delete(struct notesdir_import *im, const char *unid, const char *stamp);

/* notesdir_import_count - documents written so far */
long    notesdir_import_count(const struct notesdir_import *im);

/* notesdir_import_commit - make the file visible; the final path in *path */
int     notesdir_import_commit(struct notesdir_import *im, char **path, GString *why);

/* notesdir_import_abort - remove the temporary file */
void    notesdir_import_abort(struct notesdir_import *im);

#endif
