/*
 * maptbl - THROWAWAY STUB of the mapping tables for the dxasync branch.
 *
 * Understands amap lines (TAG MAXLEN ATTRIBUTE [KEY], with
 * ATTRIBUTE(PREFIX:) selection) and rules made of string literals and
 * tags written side by side; no functions, no filters.  The real module
 * comes from the dxamap branch and replaces this file.
 */
#include <string.h>
#include <stdlib.h>

#include "maptbl.h"

struct amap_row {
	char   *tag;			/* lower case */
	int     maxlen;
	char   *attr;			/* lower case, without (PREFIX:) */
	char   *prefix;			/* or NULL */
	int     key;			/* 0: not a key */
};

struct rule {
	char   *target;			/* tag, lower case */
	GPtrArray *terms;		/* char*: "\"literal" or "tag" */
};

struct maptbl {
	GPtrArray *amap[2];		/* [0] ldap side, [1] notes side */
	GPtrArray *rules[2];		/* [MAPTBL_TO_NOTES] mapmex, [MAPTBL_TO_LDAP] mapnotes */
	char  **src_attrs[2];
	char  **keys[2];
};

/* row_free - release an amap row */
static void row_free(gpointer p)
{
	struct amap_row *r = p;

	g_free(r->tag);
	g_free(r->attr);
	g_free(r->prefix);
	g_free(r);
}

/* rule_free - release a rule */
static void rule_free(gpointer p)
{
	struct rule *r = p;

	g_free(r->target);
	g_ptr_array_unref(r->terms);
	g_free(r);
}

/* read_lines - the lines of dir/name, or NULL */
static char **read_lines(const char *dir, const char *name, GString *why)
{
	char   *path = g_build_filename(dir, name, NULL);
	char   *text = NULL;
	GError *err = NULL;
	char  **lines;

	if (!g_file_get_contents(path, &text, NULL, &err)) {
		g_string_printf(why, "%s:1:1: %s", path, err->message);
		g_error_free(err);
		g_free(path);
		return NULL;
	}
	g_free(path);
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	return lines;
}

/* load_amap - parse an amap file */
static GPtrArray *load_amap(const char *dir, const char *name, GString *why)
{
	char  **lines = read_lines(dir, name, why);
	GPtrArray *rows;

	if (lines == NULL)
		return NULL;
	rows = g_ptr_array_new_with_free_func(row_free);
	for (int i = 0; lines[i]; i++) {
		char   *semi = strchr(lines[i], ';');
		char  **w;
		int     n;

		if (semi)
			*semi = 0;
		w = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
		n = 0;
		for (int j = 0; w[j]; j++)
			if (*w[j])
				w[n++] = w[j];
			else
				g_free(w[j]);
		w[n] = NULL;
		if (n == 0) {
			g_strfreev(w);
			continue;
		}
		if (n < 3 || n > 4 || atoi(w[1]) <= 0) {
			g_string_printf(why, "%s/%s:%d:1: expected TAG MAXLEN ATTRIBUTE [KEY]", dir, name, i + 1);
			g_strfreev(w);
			g_strfreev(lines);
			g_ptr_array_unref(rows);
			return NULL;
		}
		struct amap_row *r = g_new0(struct amap_row, 1);
		char   *paren = strchr(w[2], '(');

		r->tag = g_ascii_strdown(w[0], -1);
		r->maxlen = atoi(w[1]);
		if (paren) {
			char   *close = strchr(paren, ')');

			r->prefix = g_strndup(paren + 1, close ? (gsize) (close - paren - 1) : strlen(paren + 1));
			*paren = 0;
		}
		r->attr = g_ascii_strdown(w[2], -1);
		r->key = (n == 4 && g_ascii_strcasecmp(w[3], "NULL") != 0) ? atoi(w[3]) : 0;
		g_ptr_array_add(rows, r);
		g_strfreev(w);
	}
	g_strfreev(lines);
	return rows;
}

/* load_rules - parse a rules file: TARGET = term term ... */
static GPtrArray *load_rules(const char *dir, const char *name, GString *why)
{
	char  **lines = read_lines(dir, name, why);
	GPtrArray *rules;

	if (lines == NULL)
		return NULL;
	rules = g_ptr_array_new_with_free_func(rule_free);
	for (int i = 0; lines[i]; i++) {
		const char *p = lines[i];
		const char *eq;
		struct rule *r;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == 0 || *p == ';' || *p == '\r')
			continue;
		eq = strchr(p, '=');
		if (eq == NULL) {
			g_string_printf(why, "%s/%s:%d:%d: expected TARGET = expression", dir, name, i + 1, (int) (p - lines[i]) + 1);
			goto bad;
		}
		r = g_new0(struct rule, 1);
		r->target = g_ascii_strdown(p, eq - p);
		g_strstrip(r->target);
		r->terms = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(rules, r);
		for (p = eq + 1; *p;) {
			if (*p == ' ' || *p == '\t' || *p == '\r') {
				p++;
			} else if (*p == '"') {
				const char *end = strchr(p + 1, '"');

				if (end == NULL) {
					g_string_printf(why, "%s/%s:%d:%d: unterminated string", dir, name, i + 1, (int) (p - lines[i]) + 1);
					goto bad;
				}
				g_ptr_array_add(r->terms, g_strdup_printf("\"%.*s", (int) (end - p - 1), p + 1));
				p = end + 1;
			} else if (g_ascii_isalnum(*p) || *p == '_' || *p == '$') {
				const char *s = p;

				while (g_ascii_isalnum(*p) || *p == '_' || *p == '$')
					p++;
				if (*p == '(') {
					g_string_printf(why, "%s/%s:%d:%d: functions are not supported by the stub", dir, name, i + 1, (int) (s - lines[i]) + 1);
					goto bad;
				}
				g_ptr_array_add(r->terms, g_ascii_strdown(s, p - s));
			} else {
				g_string_printf(why, "%s/%s:%d:%d: unexpected character '%c'", dir, name, i + 1, (int) (p - lines[i]) + 1, *p);
				goto bad;
			}
		}
	}
	g_strfreev(lines);
	return rules;
bad:
	g_strfreev(lines);
	g_ptr_array_unref(rules);
	return NULL;
}

/* find_row - the amap row with this tag */
static struct amap_row *find_row(GPtrArray *amap, const char *tag)
{
	for (guint i = 0; i < amap->len; i++) {
		struct amap_row *r = g_ptr_array_index(amap, i);

		if (strcmp(r->tag, tag) == 0)
			return r;
	}
	return NULL;
}

/* key_cmp - order rows by key priority */
static gint key_cmp(gconstpointer a, gconstpointer b)
{
	const struct amap_row *x = *(struct amap_row *const *) a;
	const struct amap_row *y = *(struct amap_row *const *) b;

	return x->key - y->key;
}

/* make_lists - source attributes and keys per direction */
static void make_lists(struct maptbl *t)
{
	for (int d = 0; d < 2; d++) {
		GPtrArray *src = t->amap[d == MAPTBL_TO_NOTES ? 0 : 1];
		GPtrArray *dst = t->amap[d == MAPTBL_TO_NOTES ? 1 : 0];
		GPtrArray *a = g_ptr_array_new();
		GPtrArray *k = g_ptr_array_new();

		for (guint i = 0; i < src->len; i++) {
			struct amap_row *r = g_ptr_array_index(src, i);
			gboolean dup = FALSE;

			for (guint j = 0; j < a->len; j++)
				if (strcmp(g_ptr_array_index(a, j), r->attr) == 0)
					dup = TRUE;
			if (!dup && r->attr[0] != '$')
				g_ptr_array_add(a, g_strdup(r->attr));
		}
		g_ptr_array_add(a, NULL);
		t->src_attrs[d] = (char **) g_ptr_array_free(a, FALSE);
		for (guint i = 0; i < dst->len; i++) {
			struct amap_row *r = g_ptr_array_index(dst, i);

			if (r->key > 0)
				g_ptr_array_add(k, r);
		}
		g_ptr_array_sort(k, key_cmp);
		GPtrArray *names = g_ptr_array_new();

		for (guint i = 0; i < k->len; i++)
			g_ptr_array_add(names, g_strdup(((struct amap_row *) g_ptr_array_index(k, i))->attr));
		g_ptr_array_add(names, NULL);
		t->keys[d] = (char **) g_ptr_array_free(names, FALSE);
		g_ptr_array_free(k, TRUE);
	}
}

struct maptbl *maptbl_load(const char *dir, const struct conf *conf, GString *why)
{
	struct maptbl *t = g_new0(struct maptbl, 1);

	if ((t->amap[0] = load_amap(dir, "amap.ldap.tbl", why)) == NULL
	    || (t->amap[1] = load_amap(dir, "amap.notes.tbl", why)) == NULL
	    || (t->rules[MAPTBL_TO_NOTES] = load_rules(dir, "mapmex.tbl", why)) == NULL
	    || (t->rules[MAPTBL_TO_LDAP] = load_rules(dir, "mapnotes.tbl", why)) == NULL) {
		maptbl_free(t);
		return NULL;
	}
	make_lists(t);
	return t;
}

void maptbl_free(struct maptbl *t)
{
	if (t == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		if (t->amap[i])
			g_ptr_array_unref(t->amap[i]);
		if (t->rules[i])
			g_ptr_array_unref(t->rules[i]);
		g_strfreev(t->src_attrs[i]);
		g_strfreev(t->keys[i]);
	}
	g_free(t);
}

const char *const *maptbl_source_attrs(const struct maptbl *t, enum maptbl_dir d)
{
	return (const char *const *) t->src_attrs[d];
}

const char *const *maptbl_keys(const struct maptbl *t, enum maptbl_dir d)
{
	return (const char *const *) t->keys[d];
}

int maptbl_filter(const struct maptbl *t, enum maptbl_dir d, GHashTable *src)
{
	return 1;
}

/* tag_value - the value of a source tag in src ("" if none) */
static char *tag_value(GPtrArray *amap, GHashTable *src, const char *tag)
{
	struct amap_row *r = find_row(amap, tag);
	GPtrArray *v;

	if (r == NULL || (v = g_hash_table_lookup(src, r->attr)) == NULL)
		return g_strdup("");
	for (guint i = 0; i < v->len; i++) {
		const char *s = g_ptr_array_index(v, i);
		size_t  pl = r->prefix ? strlen(r->prefix) : 0;

		if (r->prefix && g_ascii_strncasecmp(s, r->prefix, pl) != 0)
			continue;
		if (r->prefix && !g_ascii_isupper(s[0]) && v->len > 1)
			continue;
		s += pl;
		if (g_utf8_strlen(s, -1) > r->maxlen)
			return g_utf8_substring(s, 0, r->maxlen);
		return g_strdup(s);
	}
	return g_strdup("");
}

GHashTable *maptbl_map(const struct maptbl *t, enum maptbl_dir d, GHashTable *src, GString *why)
{
	GPtrArray *samap = t->amap[d == MAPTBL_TO_NOTES ? 0 : 1];
	GPtrArray *damap = t->amap[d == MAPTBL_TO_NOTES ? 1 : 0];
	GPtrArray *rules = t->rules[d];
	GHashTable *out = maptbl_entry_new();

	for (guint i = 0; i < rules->len; i++) {
		struct rule *r = g_ptr_array_index(rules, i);
		GString *val = g_string_new("");
		const char *attr;
		struct amap_row *row = NULL;

		for (guint j = 0; j < r->terms->len; j++) {
			const char *term = g_ptr_array_index(r->terms, j);

			if (term[0] == '"') {
				g_string_append(val, term + 1);
			} else {
				char   *v = tag_value(samap, src, term);

				g_string_append(val, v);
				g_free(v);
			}
		}
		if (strcmp(r->target, "ta") == 0 || strcmp(r->target, "dn") == 0) {
			attr = r->target;
		} else if ((row = find_row(damap, r->target)) != NULL) {
			attr = row->attr;
		} else {
			g_string_free(val, TRUE);
			continue;
		}
		if (row && (int) g_utf8_strlen(val->str, -1) > row->maxlen) {
			char   *cut = g_utf8_substring(val->str, 0, row->maxlen);

			g_string_assign(val, cut);
			g_free(cut);
		}
		g_hash_table_remove(out, attr);
		maptbl_entry_add(out, attr, val->str);
		g_string_free(val, TRUE);
	}
	return out;
}

GHashTable *maptbl_entry_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
}

void maptbl_entry_add(GHashTable *e, const char *attr, const char *value)
{
	char   *key = g_utf8_casefold(attr, -1);
	GPtrArray *v = g_hash_table_lookup(e, key);

	if (v == NULL) {
		v = g_ptr_array_new_with_free_func(g_free);
		g_hash_table_insert(e, key, v);
	} else {
		g_free(key);
	}
	g_ptr_array_add(v, g_strdup(value));
}
