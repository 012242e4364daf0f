/*++
 * NAME
 *	ldapdir 3
 * SUMMARY
 *	the LDAP side of dxa: connect, paged search, add, modify, delete
 * DESCRIPTION
 *	ldapdir_open() connects to ldap_uri with LDAPv3: StartTLS when
 *	ldap_starttls is set, then a simple bind with bind_dn and the
 *	password in bind_password_file (refused unless the file is a
 *	regular file of mode 0600 or stricter), or, without bind_dn, SASL
 *	EXTERNAL on an ldapi:// URI, or else no bind (anonymous).
 *
 *	ldapdir_search() runs a subtree search with the simple paged
 *	results control (RFC 2696; pages of LDAPDIR_PAGE_SIZE entries, within
 *	OpenLDAP's default size limit, or with flavor = ad of 1000, Active
 *	Directory's MaxPageSize) and calls back once per entry as it
 *	arrives, with the DN and the entry as a GHashTable of
 *	lower-case attribute -> GPtrArray of char *.  Values that are not
 *	UTF-8 text (objectGUID) are given as lower-case hex.  Any result
 *	other than success, including a size or time limit, is an error:
 *	the caller must never read a partial result as complete.
 *
 *	ldapdir_add(), ldapdir_modify() (replace or delete whole
 *	attributes), ldapdir_rename() (modrdn, with a new superior) and
 *	ldapdir_delete() change one entry each.
 * DIAGNOSTICS
 *	Functions return 0 (NULL) and explain in why, with the LDAP error.
 *--*/
#ifndef LME_LDAPDIR_H
#define LME_LDAPDIR_H

#include <glib.h>

#include "global/conf.h"

#define LDAPDIR_PAGE_SIZE	500
#define LDAPDIR_TIMEOUT		120	/* seconds, per operation (a search: per answer) */

struct ldapdir;

/* ldapdir_open - connect and bind as the configuration says */
struct ldapdir *ldapdir_open(const struct conf *conf, GString *why);
void    ldapdir_close(struct ldapdir *l);

/* ldapdir_server_id - an identity of the server for high-water marks
 * (AD: dsServiceName of the root DSE; else the URI) */
char   *ldapdir_server_id(struct ldapdir *l);

typedef int (*ldapdir_entry_fn)(const char *dn, GHashTable *entry, void *ctx);

#define LDAPDIR_STOP	0		/* the callback stops the search (an error) */
#define LDAPDIR_NEXT	1		/* the search goes on */
#define LDAPDIR_KEPT	2		/* it goes on; the callback took a reference to entry */
#define LDAPDIR_NAME_MAX 256		/* attribute names lower-cased on the stack up to this */

/* ldapdir_search - paged subtree search.  The entry (a maptbl entry,
 * names in lower case) is the callback's for the call: unless the
 * callback returns LDAPDIR_KEPT, the same table is emptied and filled
 * with the next entry.  Returns 1 when every page came back complete. */
int     ldapdir_search(struct ldapdir *l, const char *base, const char *filter,
		       const char *const *attrs, ldapdir_entry_fn fn, void *ctx, GString *why);

/* ldapdir_add - add dn with the attributes of entry */
int     ldapdir_add(struct ldapdir *l, const char *dn, GHashTable *entry, GString *why);

/* ldapdir_modify - replace each attribute of set (an empty array deletes it) */
int     ldapdir_modify(struct ldapdir *l, const char *dn, GHashTable *set, GString *why);

/* ldapdir_rename - move dn to new_dn (modrdn: new RDN and parent; the old
 * RDN value is removed) */
int     ldapdir_rename(struct ldapdir *l, const char *dn, const char *new_dn, GString *why);

/* ldapdir_delete - remove dn */
int     ldapdir_delete(struct ldapdir *l, const char *dn, GString *why);

/* ldapdir_escape_rdn - a value escaped for use in an RDN (RFC 4514) */
char   *ldapdir_escape_rdn(const char *value);

/* ldapdir_escape_filter - a value escaped for a search filter (RFC 4515) */
char   *ldapdir_escape_filter(const char *value);

/* ldapdir_rdn - the attribute (lower case) and value of the first RDN */
int     ldapdir_rdn(const char *dn, char **attr, char **value);

/* ldapdir_dn_norm - a DN normalized for comparison, or NULL if bad */
char   *ldapdir_dn_norm(const char *dn);

#endif
