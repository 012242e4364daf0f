/*++
 * NAME
 *	maptbl 3
 * SUMMARY
 *	dxa mapping tables: amap schemas, rules, filters, keys
 * DESCRIPTION
 *	maptbl_load() reads the four tables of dxa from the maps directory
 *	(dxa-tables(5)): amap.ldap.tbl and amap.notes.tbl, the schema of each
 *	side (TAG MAXLEN ATTRIBUTE [KEY]), and the rule files mapmex.tbl
 *	(LDAP -> Notes) and mapnotes.tbl (Notes -> LDAP), which hold rules
 *	(TARGET = expression) and filters (FILTER NAME EQ|NE "v" | "v" ...).
 *	Everything is checked at load time: syntax, function names and
 *	arity, literal arguments, and that every tag a rule reads is a tag
 *	of the source amap and every target a tag of the target amap (or one
 *	of the special targets TA and DN).  A bad table is refused whole.
 *
 *	Entries are GHashTables made by maptbl_entry_new(): attribute name
 *	(looked up case-insensitively; keys are casefolded) -> GPtrArray of
 *	char * values.  Source entries hold the values as read; attribute
 *	names beginning with "$$" are pseudo-attributes the reader supplies
 *	($$DN: the LDAP entry's DN; $$UNID: the Notes document's UNID), and
 *	they are not listed by maptbl_source_attrs().
 *
 *	A tag's value is the attribute's values joined by ";" (the original's
 *	multi-valued FullName), or for ATTRIBUTE(PREFIX) the value starting
 *	with PREFIX (exact case first, else ignoring case) with the prefix
 *	removed; an absent attribute is "".  The value is cut to the source
 *	MAXLEN (characters).
 *
 *	maptbl_map() evaluates every rule of the direction and returns the
 *	mapped entry: target name -> one value, cut to the target MAXLEN in
 *	characters (never elsewhere).  The target name is the target amap's
 *	ATTRIBUTE as written (for a prefixed attribute "proxyAddresses(NOTES:)",
 *	value without the prefix), except the special targets TA and DN,
 *	kept under "TA" and "DN".  A rule that gives "" yields the attribute
 *	with one empty value (the target should be cleared); an attribute with
 *	no rule is absent (leave the target alone).  Values keep their case.
 *	Mapped entries' hash keys are casefolded; maptbl_target_attrs() gives
 *	the names in their written case, for writing.
 *
 *	maptbl_filter() applies the FILTER lines of the direction's rule
 *	file; maptbl_unique_key() the chained uniqueness rule of the KEY
 *	column.  The conf given to maptbl_load() must outlive the tables.
 *	Amap lines are shared by both directions; which way an attribute
 *	flows is given only by the rules of each direction.
 * DIAGNOSTICS
 *	maptbl_load() fills why with "FILE:LINE:COLUMN: message" (columns
 *	count characters; a tab is one column).  maptbl_map() fills why on an
 *	evaluation error (a result over MAPTBL_MAX_VALUE characters, invalid
 *	UTF-8 in a value, a non-number where a number is needed).
 *--*/
#ifndef LME_MAPTBL_H
#define LME_MAPTBL_H

#include <glib.h>
#include "global/conf.h"

#define MAPTBL_MAX_VALUE	2048	/* characters in a rule line or any result */
#define MAPTBL_MAX_DEPTH	32	/* nesting of function calls */
#define MAPTBL_MAX_LINES	4096	/* lines in one table file */
#define MAPTBL_MAX_FILE		(1024 * 1024)	/* bytes in one table file */
#define MAPTBL_KEY_SEP		"\x1f"	/* between the parts of a combined key */

enum maptbl_dir { MAPTBL_TO_NOTES, MAPTBL_TO_LDAP };	/* LDAP->Notes uses mapmex.tbl, Notes->LDAP mapnotes.tbl */

struct maptbl;				/* the four tables */

/* maptbl_load - parse and check the four tables in dir; conf (may be NULL)
 * for CFGPARM (conf_get(conf, section, key), default section "params");
 * NULL and why = "FILE:LINE:COLUMN: message" on the first error */
struct maptbl *maptbl_load(const char *dir, const struct conf *conf, GString *why);

/* maptbl_free - release what maptbl_load() returned */
void    maptbl_free(struct maptbl *t);

/* maptbl_source_attrs - NULL-terminated attribute names (LDAP attributes for
 * TO_NOTES, Notes item names for TO_LDAP) the source amap lists, without
 * prefixes, duplicates or $$ pseudo-attributes: what to read */
const char *const *maptbl_source_attrs(const struct maptbl *t, enum maptbl_dir d);

/* maptbl_target_attrs - NULL-terminated names maptbl_map() can give for d
 * (one per rule, as in the mapped entry): the attributes to compare */
const char *const *maptbl_target_attrs(const struct maptbl *t, enum maptbl_dir d);

/* maptbl_map - map one source entry; a new entry (see DESCRIPTION), or
 * NULL and why on an evaluation error */
GHashTable *maptbl_map(const struct maptbl *t, enum maptbl_dir d, GHashTable *src, GString *why);

/* maptbl_map_into - the same into out, an entry emptied by
 * maptbl_entry_take() (or new); 0 and why on an evaluation error */
int     maptbl_map_into(const struct maptbl *t, enum maptbl_dir d, GHashTable *src, GHashTable *out,
			GString *why);

/* maptbl_filter - 1 if src passes the direction's filters (all ANDed) */
int     maptbl_filter(const struct maptbl *t, enum maptbl_dir d, GHashTable *src);

/* maptbl_keys - NULL-terminated target-side key names in priority order (KEY
 * column of the target amap: "TA", "DN" or the ATTRIBUTE), casefolded as
 * the keys of mapped entries are ("fullname", "ta"): g_hash_table_lookup()
 * on a mapped entry finds them */
const char *const *maptbl_keys(const struct maptbl *t, enum maptbl_dir d);

/* maptbl_entry_new - an empty entry: casefolded keys, GPtrArray of char * */
GHashTable *maptbl_entry_new(void);

/* maptbl_entry_give - an entry done with, emptied of its values but not
 * of its attribute names and arrays, kept in *spare (the one there is
 * released); maptbl_entry_take() - *spare, or a new entry if none: filled
 * again, its names and arrays are not made again.  Once filled,
 * maptbl_entry_prune() removes the attributes still without values. */
void    maptbl_entry_give(GHashTable **spare, GHashTable *e);
GHashTable *maptbl_entry_take(GHashTable **spare);
void    maptbl_entry_prune(GHashTable *e);

/* maptbl_entry_add - append a copy of value to attr's values */
void    maptbl_entry_add(GHashTable *e, const char *attr, const char *value);

/* maptbl_entry_get - the values of attr (any case), or NULL */
GPtrArray *maptbl_entry_get(GHashTable *e, const char *attr);

/* maptbl_entry_first - the first value of attr, or NULL */
const char *maptbl_entry_first(GHashTable *e, const char *attr);

/*
 * maptbl_unique_key - the chained uniqueness rule.  entries: GPtrArray of
 * mapped entries (GHashTable * from maptbl_map(), same direction d).
 * Returns a new GPtrArray (free with g_ptr_array_unref) parallel to
 * entries: for each, its key string, or NULL if rejected.  The key of an
 * entry is the value of the first key attribute if that is unique among
 * all entries; else the first and second joined by MAPTBL_KEY_SEP, if
 * that combination is unique; and so on.  Key values are compared and
 * returned casefolded (g_utf8_casefold), as both directories compare
 * names: "John Smith" and "john smith" are not unique, and a case-only
 * change of a name keeps its key (the change itself is still seen, since
 * mapped values keep their case).  An entry for which no
 * combination is unique, or whose key values are all empty, is rejected:
 * a pointer to it is appended to rejected (if not NULL; not copied) and
 * one line "key NAME=VALUE[+NAME=VALUE...] is not unique" (or "has no
 * key value") is appended to why (if not NULL), lines separated by "\n".
 * With no key attributes in the amap every entry is rejected.
 */
GPtrArray *maptbl_unique_key(const struct maptbl *t, enum maptbl_dir d,
			             GPtrArray *entries, GPtrArray *rejected, GString *why);

/* maptbl_eval - parse and evaluate one expression with no amap (a tag names
 * an attribute of src directly; src may be NULL): for tests and tools;
 * a new string, or NULL and why ("COLUMN: message" for a syntax error) */
char   *maptbl_eval(const char *expr, const struct conf *conf, GHashTable *src, GString *why);

#endif
