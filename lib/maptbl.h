/*++
 * NAME
 *	maptbl 3
 * SUMMARY
 *	dxa mapping tables (placeholder header, replaced by the real module)
 * DESCRIPTION
 *	The API of the mapping tables as agreed between the dxa helpers;
 *	the real implementation lands from the dxamap branch.
 * DIAGNOSTICS
 *	maptbl_load() returns NULL and explains in why (FILE:LINE:COLUMN).
 *--*/
#ifndef LME_MAPTBL_H
#define LME_MAPTBL_H

#include <glib.h>

#include "conf.h"

enum maptbl_dir { MAPTBL_TO_NOTES, MAPTBL_TO_LDAP };
struct maptbl;
struct maptbl *maptbl_load(const char *dir, const struct conf *conf, GString *why);  /* errors FILE:LINE:COLUMN */
void maptbl_free(struct maptbl *t);
const char *const *maptbl_source_attrs(const struct maptbl *t, enum maptbl_dir d);   /* what to read from the source */
GHashTable *maptbl_map(const struct maptbl *t, enum maptbl_dir d, GHashTable *src, GString *why); /* target attr -> GPtrArray(1 char*), special "TA" and "DN" */
int maptbl_filter(const struct maptbl *t, enum maptbl_dir d, GHashTable *src);
const char *const *maptbl_keys(const struct maptbl *t, enum maptbl_dir d);
GHashTable *maptbl_entry_new(void);   /* casefolded keys -> GPtrArray of char* */
void maptbl_entry_add(GHashTable *e, const char *attr, const char *value);

#endif
