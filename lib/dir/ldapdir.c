/*++
 * NAME
 *	ldapdir 3
 * SUMMARY
 *	the LDAP side of dxa
 * DESCRIPTION
 *	See ldapdir.h.
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sysexits.h>
#include <sys/stat.h>
#include <unistd.h>

#define LDAP_DEPRECATED 0
#include <ldap.h>

#include "util/perms.h"
#include "dir/ldapdir.h"
#include "dir/maptbl.h"

#define PASSWORD_MAX	1024

struct ldapdir {
	LDAP   *ld;
	char   *uri;
	int     ad;			/* flavor = ad */
	GHashTable *spare;		/* the last entry, to be filled again */
};

/* read_password - the first line of a file only its owner can read */
static char *read_password(const char *path, GString *why)
{
	struct stat st;
	char    buf[PASSWORD_MAX + 1];
	ssize_t n;
	int     fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		g_string_printf(why, "bind_password_file %s: %s", path, g_strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		g_string_printf(why, "[dxa] bind_password_file %s: %s", path, g_strerror(errno));
		close(fd);
		return NULL;
	}
	/* checked again on the open file: it may have changed since dxa started */
	if (perms_stat(&st, path, "[dxa] bind_password_file", PERMS_SECRET, why) != EX_OK) {
		close(fd);
		return NULL;
	}
	n = read(fd, buf, PASSWORD_MAX);
	close(fd);
	if (n < 0) {
		g_string_printf(why, "bind_password_file %s: %s", path, g_strerror(errno));
		return NULL;
	}
	buf[n] = 0;
	buf[strcspn(buf, "\r\n")] = 0;
	return g_strdup(buf);
}

/* sasl_nothing - SASL EXTERNAL needs no interaction */
static int sasl_nothing(LDAP *ld, unsigned flags, void *defaults, void *interact)
{
	return LDAP_SUCCESS;
}

/* fail - fill why with the LDAP error of ld */
static void fail(GString *why, LDAP *ld, const char *what, int rc)
{
	char   *diag = NULL;

	if (ld)
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	g_string_printf(why, "%s: %s%s%s", what, ldap_err2string(rc),
			diag && *diag ? ": " : "", diag && *diag ? diag : "");
	if (diag)
		ldap_memfree(diag);
}

/* read_ahead - once connected, read the socket in blocks, not twice per
 * message (libldap does that for UDP only): a search of 100,000 entries
 * otherwise costs 200,000 read() calls */
static void read_ahead(LDAP *ld)
{
	ber_socket_t fd = -1;
	Sockbuf *sb = NULL;
	ber_len_t size = 1 << 16;

	if (ldap_get_option(ld, LDAP_OPT_DESC, &fd) == LDAP_OPT_SUCCESS && fd >= 0
	    && ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sb) == LDAP_OPT_SUCCESS && sb)
		ber_sockbuf_add_io(sb, &ber_sockbuf_io_readahead, LBER_SBIOD_LEVEL_PROVIDER, &size);
}

struct ldapdir *ldapdir_open(const struct conf *conf, GString *why)
{
	struct ldapdir *l;
	LDAP   *ld = NULL;
	int     version = LDAP_VERSION3;
	struct timeval tv = {LDAPDIR_TIMEOUT, 0};
	int     rc;

	if (conf->ldap_uri == NULL) {
		g_string_printf(why, "[dxa] ldap_uri is not set");
		return NULL;
	}
	if ((rc = ldap_initialize(&ld, conf->ldap_uri)) != LDAP_SUCCESS) {
		fail(why, NULL, conf->ldap_uri, rc);
		return NULL;
	}
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
	if (conf->ldap_starttls && (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
		fail(why, ld, "StartTLS", rc);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	if (conf->bind_dn) {
		char   *pw;
		struct berval cred;

		if (conf->bind_password_file == NULL) {
			g_string_printf(why, "[dxa] bind_dn is set but bind_password_file is not");
			ldap_unbind_ext_s(ld, NULL, NULL);
			return NULL;
		}
		if ((pw = read_password(conf->bind_password_file, why)) == NULL) {
			ldap_unbind_ext_s(ld, NULL, NULL);
			return NULL;
		}
		cred.bv_val = pw;
		cred.bv_len = strlen(pw);
		rc = ldap_sasl_bind_s(ld, conf->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
		memset(pw, 0, cred.bv_len);
		g_free(pw);
		if (rc != LDAP_SUCCESS) {
			fail(why, ld, conf->bind_dn, rc);
			ldap_unbind_ext_s(ld, NULL, NULL);
			return NULL;
		}
	} else if (g_ascii_strncasecmp(conf->ldap_uri, "ldapi://", 8) == 0) {
		rc = ldap_sasl_interactive_bind_s(ld, NULL, "EXTERNAL", NULL, NULL, LDAP_SASL_QUIET,
						  sasl_nothing, NULL);
		if (rc != LDAP_SUCCESS) {
			fail(why, ld, "SASL EXTERNAL bind", rc);
			ldap_unbind_ext_s(ld, NULL, NULL);
			return NULL;
		}
	}
	read_ahead(ld);
	l = g_new0(struct ldapdir, 1);
	l->ld = ld;
	l->uri = g_strdup(conf->ldap_uri);
	l->ad = conf->flavor && strcmp(conf->flavor, "ad") == 0;
	return l;
}

void ldapdir_close(struct ldapdir *l)
{
	if (l == NULL)
		return;
	ldap_unbind_ext_s(l->ld, NULL, NULL);
	if (l->spare)
		g_hash_table_unref(l->spare);
	g_free(l->uri);
	g_free(l);
}

char   *ldapdir_server_id(struct ldapdir *l)
{
	char   *attrs[] = {"dsServiceName", NULL};
	LDAPMessage *res = NULL, *e;
	struct berval **v;
	char   *id = NULL;

	if (ldap_search_ext_s(l->ld, "", LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0,
			      NULL, NULL, NULL, 1, &res) == LDAP_SUCCESS
	    && (e = ldap_first_entry(l->ld, res)) != NULL
	    && (v = ldap_get_values_len(l->ld, e, "dsServiceName")) != NULL) {
		if (v[0])
			id = g_strndup(v[0]->bv_val, v[0]->bv_len);
		ldap_value_free_len(v);
	}
	if (res)
		ldap_msgfree(res);
	return id ? id : g_strdup(l->uri);
}

/* value_of - a value as text, or lower-case hex when it is not text
 * (attr: lower case) */
static char *value_of(const char *attr, const struct berval *bv)
{
	char   *val;

	if (memchr(bv->bv_val, 0, bv->bv_len) == NULL && g_utf8_validate(bv->bv_val, bv->bv_len, NULL)
	    && strcmp(attr, "objectguid") != 0) {
		val = g_strndup(bv->bv_val, bv->bv_len);
	} else {
		GString *hex = g_string_sized_new(bv->bv_len * 2);

		for (ber_len_t i = 0; i < bv->bv_len; i++)
			g_string_append_printf(hex, "%02x", (unsigned char) bv->bv_val[i]);
		val = g_string_free(hex, FALSE);
	}
	return val;
}

/* one_entry - an entry message to the callback; 0 if it stopped or had no DN */
static int one_entry(struct ldapdir *l, LDAPMessage *m, const char *base, ldapdir_entry_fn fn,
		     void *ctx, GString *why)
{
	GHashTable *e = maptbl_entry_take(&l->spare);	/* the last entry's, unless it was kept */
	BerElement *ber = NULL;
	struct berval bdn = {0, NULL}, name, *vals = NULL;
	char   *dn = NULL, lower[LDAPDIR_NAME_MAX + 1];
	int     ok = 1, rc = LDAPDIR_NEXT;

	/* One pass over the entry's BER (ldap_get_values_len() would scan
	 * it again for every attribute). */
	if (ldap_get_dn_ber(l->ld, m, &ber, &bdn) == LDAP_SUCCESS && bdn.bv_val)
		dn = g_strndup(bdn.bv_val, bdn.bv_len);
	while (ber && ldap_get_attribute_ber(l->ld, m, ber, &name, &vals) == LDAP_SUCCESS
	       && name.bv_val != NULL) {
		char   *a = name.bv_len <= LDAPDIR_NAME_MAX ? lower : g_malloc(name.bv_len + 1);
		gpointer key, v;

		for (ber_len_t i = 0; i < name.bv_len; i++)
			a[i] = g_ascii_tolower(name.bv_val[i]);
		a[name.bv_len] = 0;
		/* the entry keeps the lower-cased name (or the one it has) */
		if (!g_hash_table_lookup_extended(e, a, &key, &v)) {
			key = g_strdup(a);
			v = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(e, key, v);
		}
		if (a != lower)
			g_free(a);
		for (int i = 0; vals && vals[i].bv_val; i++)
			g_ptr_array_add(v, value_of(key, &vals[i]));
		if (vals)
			ber_memfree(vals);
		vals = NULL;
	}
	if (ber)
		ber_free(ber, 0);
	/* attributes of an earlier entry that this one does not have */
	maptbl_entry_prune(e);
	if (dn == NULL) {
		g_string_printf(why, "search %s: entry without a DN", base);
		ok = 0;
	} else if ((rc = fn(dn, e, ctx)) == LDAPDIR_STOP) {
		g_string_printf(why, "search %s: stopped", base);
		ok = 0;
	}
	g_free(dn);
	if (rc == LDAPDIR_KEPT)
		g_hash_table_unref(e);
	else
		maptbl_entry_give(&l->spare, e);
	return ok;
}

/* page_size - AD's MaxPageSize (1000) for AD; else LDAPDIR_PAGE_SIZE,
 * within OpenLDAP's default size limit of 500 */
static int page_size(const struct ldapdir *l)
{
	return l->ad ? 1000 : LDAPDIR_PAGE_SIZE;
}

int     ldapdir_search(struct ldapdir *l, const char *base, const char *filter,
		       const char *const *attrs, ldapdir_entry_fn fn, void *ctx, GString *why)
{
	struct berval *cookie = NULL;
	struct timeval tv = {LDAPDIR_TIMEOUT, 0};
	int     ok = 1;

	do {
		LDAPControl *page = NULL, *ctrls[2] = {NULL, NULL}, **rctrls = NULL, *pr;
		LDAPMessage *res = NULL;
		int     rc, err = LDAP_SUCCESS, msgid = -1, done = 0;
		char   *matched = NULL, *text = NULL;

		rc = ldap_create_page_control(l->ld, page_size(l), cookie, 1, &page);
		if (cookie) {
			ber_bvfree(cookie);
			cookie = NULL;
		}
		if (rc != LDAP_SUCCESS) {
			fail(why, l->ld, "paged results control", rc);
			return 0;
		}
		ctrls[0] = page;
		rc = ldap_search_ext(l->ld, base, LDAP_SCOPE_SUBTREE, filter, (char **) attrs, 0,
				     ctrls, NULL, &tv, LDAP_NO_LIMIT, &msgid);
		ldap_control_free(page);
		if (rc != LDAP_SUCCESS) {
			g_autofree char *what = g_strdup_printf("search %s %s", base, filter);

			fail(why, l->ld, what, rc);
			return 0;
		}
		/* Each entry as it arrives: the callback works while the
		 * server sends the rest of the page. */
		while (ok && !done) {
			rc = ldap_result(l->ld, msgid, LDAP_MSG_ONE, &tv, &res);
			if (rc <= 0) {
				g_autofree char *what = g_strdup_printf("search %s %s", base, filter);

				if (rc == 0) {
					g_string_printf(why, "%s: no answer within %d seconds", what, LDAPDIR_TIMEOUT);
				} else {
					int     e = LDAP_OTHER;

					ldap_get_option(l->ld, LDAP_OPT_RESULT_CODE, &e);
					fail(why, l->ld, what, e);
				}
				if (res)
					ldap_msgfree(res);
				ldap_abandon_ext(l->ld, msgid, NULL, NULL);
				return 0;
			}
			if (rc == LDAP_RES_SEARCH_ENTRY) {
				ok = one_entry(l, res, base, fn, ctx, why);
				ldap_msgfree(res);
				res = NULL;
			} else if (rc == LDAP_RES_SEARCH_RESULT) {
				done = 1;
			} else {
				/* references and anything else: not entries */
				ldap_msgfree(res);
				res = NULL;
			}
		}
		if (!done) {
			/* the callback stopped: the rest of the page is not wanted */
			ldap_abandon_ext(l->ld, msgid, NULL, NULL);
			break;
		}
		rc = ldap_parse_result(l->ld, res, &err, &matched, &text, NULL, &rctrls, 1);
		if (matched)
			ldap_memfree(matched);
		if (rc != LDAP_SUCCESS || err != LDAP_SUCCESS) {
			if (ok)
				g_string_printf(why, "search %s %s: %s%s%s", base, filter,
						ldap_err2string(rc != LDAP_SUCCESS ? rc : err),
						text && *text ? ": " : "", text && *text ? text : "");
			ok = 0;
		}
		if (text)
			ldap_memfree(text);
		if (ok && rctrls && (pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, rctrls, NULL)) != NULL) {
			ber_int_t count;
			struct berval c = {0, NULL};

			if (ldap_parse_pageresponse_control(l->ld, pr, &count, &c) != LDAP_SUCCESS) {
				g_string_printf(why, "search %s: bad paged results response", base);
				ok = 0;
			} else if (c.bv_len > 0) {
				cookie = ber_bvdup(&c);
			}
			if (c.bv_val)
				ber_memfree(c.bv_val);
		} else if (ok) {
			g_string_printf(why, "search %s: the server did not answer the paged results control", base);
			ok = 0;
		}
		if (rctrls)
			ldap_controls_free(rctrls);
	} while (ok && cookie);
	if (cookie)
		ber_bvfree(cookie);
	return ok;
}

/* make_mods - LDAPMod array from an entry; op LDAP_MOD_ADD or REPLACE */
static LDAPMod **make_mods(GHashTable *e, int op)
{
	GPtrArray *mods = g_ptr_array_new();
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, e);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		GPtrArray *vals = v;
		LDAPMod *m;

		if (op == LDAP_MOD_ADD && vals->len == 0)
			continue;
		m = g_new0(LDAPMod, 1);
		m->mod_op = (vals->len == 0 ? LDAP_MOD_DELETE : op) | LDAP_MOD_BVALUES;
		m->mod_type = k;
		if (vals->len) {
			m->mod_bvalues = g_new0(struct berval *, vals->len + 1);
			for (guint i = 0; i < vals->len; i++) {
				m->mod_bvalues[i] = g_new0(struct berval, 1);
				m->mod_bvalues[i]->bv_val = g_ptr_array_index(vals, i);
				m->mod_bvalues[i]->bv_len = strlen(g_ptr_array_index(vals, i));
			}
		}
		g_ptr_array_add(mods, m);
	}
	g_ptr_array_add(mods, NULL);
	return (LDAPMod **) g_ptr_array_free(mods, FALSE);
}

/* free_mods - release make_mods() (the strings belong to the entry) */
static void free_mods(LDAPMod **mods)
{
	for (int i = 0; mods[i]; i++) {
		if (mods[i]->mod_bvalues) {
			for (int j = 0; mods[i]->mod_bvalues[j]; j++)
				g_free(mods[i]->mod_bvalues[j]);
			g_free(mods[i]->mod_bvalues);
		}
		g_free(mods[i]);
	}
	g_free(mods);
}

int     ldapdir_add(struct ldapdir *l, const char *dn, GHashTable *entry, GString *why)
{
	LDAPMod **mods = make_mods(entry, LDAP_MOD_ADD);
	int     rc = ldap_add_ext_s(l->ld, dn, mods, NULL, NULL);

	free_mods(mods);
	if (rc != LDAP_SUCCESS) {
		g_autofree char *what = g_strdup_printf("add %s", dn);

		fail(why, l->ld, what, rc);
		return 0;
	}
	return 1;
}

int     ldapdir_modify(struct ldapdir *l, const char *dn, GHashTable *set, GString *why)
{
	LDAPMod **mods = make_mods(set, LDAP_MOD_REPLACE);
	int     rc = mods[0] ? ldap_modify_ext_s(l->ld, dn, mods, NULL, NULL) : LDAP_SUCCESS;

	free_mods(mods);
	if (rc != LDAP_SUCCESS) {
		g_autofree char *what = g_strdup_printf("modify %s", dn);

		fail(why, l->ld, what, rc);
		return 0;
	}
	return 1;
}

int     ldapdir_rename(struct ldapdir *l, const char *dn, const char *new_dn, GString *why)
{
	LDAPDN  ldn = NULL;
	char   *rdn = NULL, *parent = NULL;
	int     rc;

	if (ldap_str2dn(new_dn, &ldn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || ldn == NULL || ldn[0] == NULL) {
		g_string_printf(why, "rename %s: bad new DN %s", dn, new_dn);
		if (ldn)
			ldap_dnfree(ldn);
		return 0;
	}
	rc = ldap_rdn2str(ldn[0], &rdn, LDAP_DN_FORMAT_LDAPV3);
	if (rc == LDAP_SUCCESS && ldn[1])
		rc = ldap_dn2str(&ldn[1], &parent, LDAP_DN_FORMAT_LDAPV3);
	ldap_dnfree(ldn);
	if (rc == LDAP_SUCCESS)
		rc = ldap_rename_s(l->ld, dn, rdn, parent, 1, NULL, NULL);
	if (rdn)
		ldap_memfree(rdn);
	if (parent)
		ldap_memfree(parent);
	if (rc != LDAP_SUCCESS) {
		g_autofree char *what = g_strdup_printf("rename %s to %s", dn, new_dn);

		fail(why, l->ld, what, rc);
		return 0;
	}
	return 1;
}

int     ldapdir_delete(struct ldapdir *l, const char *dn, GString *why)
{
	int     rc = ldap_delete_ext_s(l->ld, dn, NULL, NULL);

	if (rc != LDAP_SUCCESS) {
		g_autofree char *what = g_strdup_printf("delete %s", dn);

		fail(why, l->ld, what, rc);
		return 0;
	}
	return 1;
}

char   *ldapdir_escape_rdn(const char *value)
{
	GString *out = g_string_new("");
	size_t  n = strlen(value);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char) value[i];

		if (c < 0x20 || c == 0x7f)
			g_string_append_printf(out, "\\%02x", c);
		else if (strchr(",+\"\\<>;=", c) || (i == 0 && (c == '#' || c == ' ')) || (i == n - 1 && c == ' '))
			g_string_append_printf(out, "\\%c", c);
		else
			g_string_append_c(out, (char) c);
	}
	return g_string_free(out, FALSE);
}

char   *ldapdir_escape_filter(const char *value)
{
	struct berval in, out = {0, NULL};
	char   *s;

	in.bv_val = (char *) value;
	in.bv_len = strlen(value);
	if (ldap_bv2escaped_filter_value(&in, &out) != 0)
		return g_strdup("\\00");
	s = g_strndup(out.bv_val, out.bv_len);
	ber_memfree(out.bv_val);
	return s;
}

int     ldapdir_rdn(const char *dn, char **attr, char **value)
{
	LDAPDN  ldn = NULL;

	if (ldap_str2dn(dn, &ldn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || ldn == NULL || ldn[0] == NULL
	    || ldn[0][0] == NULL) {
		if (ldn)
			ldap_dnfree(ldn);
		return 0;
	}
	*attr = g_ascii_strdown(ldn[0][0]->la_attr.bv_val, ldn[0][0]->la_attr.bv_len);
	*value = g_strndup(ldn[0][0]->la_value.bv_val, ldn[0][0]->la_value.bv_len);
	ldap_dnfree(ldn);
	return 1;
}

char   *ldapdir_dn_norm(const char *dn)
{
	char   *s;

	if (ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAP, &s, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	char   *folded = g_utf8_casefold(s, -1);

	ldap_memfree(s);
	return folded;
}
