/*++
 * NAME
 *	maptbl 3
 * SUMMARY
 *	dxa mapping tables: amap schemas, rules, filters, keys
 *--*/
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dir/mapexpr.h"
#include "dir/maptbl.h"

#define MAPTBL_MAX_KEY	999		/* largest KEY priority */

/* One line of an amap: TAG MAXLEN ATTRIBUTE[(PREFIX)] [KEY]. */
struct amap_ent {
	char   *tag;
	int     maxlen;
	char   *attr;			/* without the prefix */
	char   *prefix;			/* "NOTES:", or NULL */
	char   *full;			/* as written: attr(PREFIX) */
	char   *fold;			/* attr casefolded: the key in entries */
	int     key;			/* priority, 0: none */
	int     line;
	int     used;			/* read by a rule */
};

struct amap {
	char   *file;			/* path, for messages */
	const char *name;		/* file name, for messages */
	GPtrArray *ents;		/* struct amap_ent * */
	GHashTable *by_tag;		/* casefolded tag -> ent */
};

struct rule {
	char   *name;			/* in the mapped entry */
	char   *fold;			/* name casefolded */
	int     maxlen;
	struct mapexpr *expr;
	int     line;
};

struct filter {
	struct amap_ent *ent;
	int     ne;			/* NE, else EQ */
	int     all;			/* values joined by &, else | */
	GPtrArray *values;		/* char * */
};

struct ruleset {
	char   *file;
	struct amap *src, *dst;
	GPtrArray *rules;		/* struct rule * */
	GPtrArray *filters;		/* struct filter * */
	GPtrArray *source_attrs;	/* NULL-terminated char * */
	GPtrArray *target_attrs;	/* NULL-terminated, borrowed from rules */
	GPtrArray *keys;		/* NULL-terminated char * */
};

struct maptbl {
	struct amap ldap, notes;
	struct ruleset to_notes, to_ldap;
	const struct conf *conf;
};

/* A file's text split into lines, and where we are, for messages. */
struct src_file {
	const char *path;
	gchar **lines;
	int     nlines;
};

/* report - "FILE:LINE:COLUMN: message"; off is a byte offset in text */
static int report(GString *why, const char *file, int line, const char *text,
		          size_t off, const char *fmt,...) G_GNUC_PRINTF(6, 7);

static int report(GString *why, const char *file, int line, const char *text,
		          size_t off, const char *fmt,...)
{
	va_list ap;
	GString *msg = g_string_new("");

	va_start(ap, fmt);
	g_string_vprintf(msg, fmt, ap);
	va_end(ap);
	if (line == 0)
		g_string_printf(why, "%s: %s", file, msg->str);
	else
		g_string_printf(why, "%s:%d:%ld: %s", file, line,
				text ? g_utf8_strlen(text, (gssize) off) + 1 : 1L, msg->str);
	g_string_free(msg, TRUE);
	return 0;
}

/* read_lines - read path, check size, UTF-8, control characters, line length */
static int read_lines(struct src_file *f, const char *path, GString *why)
{
	struct stat st;
	gchar  *text, *body;
	gsize   len;
	const gchar *end;
	GError *err = NULL;
	int     i;

	f->path = path;
	f->lines = NULL;
	if (stat(path, &st) < 0)
		return report(why, path, 0, NULL, 0, "%s", g_strerror(errno));
	if (!S_ISREG(st.st_mode))
		return report(why, path, 0, NULL, 0, "not a regular file");
	if (st.st_size > MAPTBL_MAX_FILE)
		return report(why, path, 0, NULL, 0, "larger than %d bytes", MAPTBL_MAX_FILE);
	if (!g_file_get_contents(path, &text, &len, &err)) {
		report(why, path, 0, NULL, 0, "%s", err->message);
		g_error_free(err);
		return 0;
	}
	if (len > MAPTBL_MAX_FILE) {
		g_free(text);
		return report(why, path, 0, NULL, 0, "larger than %d bytes", MAPTBL_MAX_FILE);
	}
	body = text;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)	/* Notepad's BOM */
		body += 3, len -= 3;
	if (!g_utf8_validate(body, (gssize) len, &end)) {
		int     line = 1;
		const char *bol = body, *p;

		for (p = body; p < end; p++)
			if (*p == '\n')
				line++, bol = p + 1;
		report(why, path, line, bol, (size_t) (end - bol), "invalid UTF-8");
		g_free(text);
		return 0;
	}
	f->lines = g_strsplit(body, "\n", 0);
	g_free(text);
	f->nlines = (int) g_strv_length(f->lines);
	if (f->nlines > 0 && *f->lines[f->nlines - 1] == 0)
		f->nlines--;			/* the final newline */
	if (f->nlines > MAPTBL_MAX_LINES)
		return report(why, path, MAPTBL_MAX_LINES + 1, NULL, 0, "more than %d lines", MAPTBL_MAX_LINES);
	for (i = 0; i < f->nlines; i++) {
		char   *l = f->lines[i];
		size_t  n = strlen(l), k;

		if (n > 0 && l[n - 1] == '\r')
			l[--n] = 0;
		for (k = 0; k < n; k++)
			if ((unsigned char) l[k] < 0x20 && l[k] != '\t')
				return report(why, path, i + 1, l, k, "control character 0x%02x", l[k]);
			else if (l[k] == 0x7f)
				return report(why, path, i + 1, l, k, "control character 0x7f");
		if (g_utf8_strlen(l, -1) > MAPTBL_MAX_VALUE)
			return report(why, path, i + 1, l,
				      (size_t) (g_utf8_offset_to_pointer(l, MAPTBL_MAX_VALUE) - l),
				      "line longer than %d characters", MAPTBL_MAX_VALUE);
	}
	return 1;
}

/* skip_ws - the offset of the first non-blank at or after pos */
static size_t skip_ws(const char *s, size_t pos)
{
	while (s[pos] == ' ' || s[pos] == '\t')
		pos++;
	return pos;
}

/* at_end - nothing but a comment from pos */
static int at_end(const char *s, size_t pos)
{
	return s[pos] == 0 || s[pos] == ';';
}

/* ident - the length of the tag or name at pos, 0 if none */
static size_t ident(const char *s, size_t pos)
{
	size_t  n = 0;

	if (!mapexpr_ident_char(s[pos], 1))
		return 0;
	while (mapexpr_ident_char(s[pos + n], 0))
		n++;
	return n;
}

/* what - the character at pos, quoted for a message */
static char *what(const char *s, size_t pos)
{
	if (s[pos] == 0)
		return g_strdup("end of line");
	return g_strdup_printf("'%.*s'", (int) (g_utf8_next_char(s + pos) - (s + pos)), s + pos);
}

/* unexpected - report the character at pos */
static int unexpected(GString *why, struct src_file *f, int i, size_t pos, const char *where)
{
	char   *w = what(f->lines[i], pos);

	report(why, f->path, i + 1, f->lines[i], pos, "unexpected %s%s", w, where);
	g_free(w);
	return 0;
}

/* number_at - a decimal number at *pos (advanced), -1 if none or huge */
static long number_at(const char *s, size_t *pos)
{
	long    v = 0;
	size_t  start = *pos;

	while (g_ascii_isdigit(s[*pos])) {
		if (v <= 1000000)
			v = v * 10 + (s[*pos] - '0');
		(*pos)++;
	}
	return *pos == start || v > 1000000 ? -1 : v;
}

/* amap_ent_free - release one amap line */
static void amap_ent_free(struct amap_ent *e)
{
	g_free(e->tag);
	g_free(e->attr);
	g_free(e->prefix);
	g_free(e->full);
	g_free(e->fold);
	g_free(e);
}

/* amap_line - parse one non-empty amap line into m */
static int amap_line(struct amap *m, struct src_file *f, int i, GString *why)
{
	const char *s = f->lines[i];
	size_t  pos = skip_ws(s, 0), n, start;
	struct amap_ent *e, *old;
	char   *fold;
	long    v;
	guint   k;

	if ((n = ident(s, pos)) == 0)
		return unexpected(why, f, i, pos, ": TAG expected");
	e = g_new0(struct amap_ent, 1);
	e->tag = g_strndup(s + pos, n);
	e->line = i + 1;
	fold = g_utf8_casefold(e->tag, -1);
	if ((old = g_hash_table_lookup(m->by_tag, fold)) != NULL) {
		report(why, f->path, i + 1, s, pos, "tag %s already defined at line %d", e->tag, old->line);
		goto bad;
	}
	pos += n;
	if (!at_end(s, pos) && s[pos] != ' ' && s[pos] != '\t') {
		unexpected(why, f, i, pos, " in TAG");
		goto bad;
	}
	pos = skip_ws(s, pos);
	start = pos;
	if (!g_ascii_isdigit(s[pos])) {
		unexpected(why, f, i, pos, ": MAXLEN expected");
		goto bad;
	}
	v = number_at(s, &pos);
	if (v < 1 || v > MAPTBL_MAX_VALUE) {
		report(why, f->path, i + 1, s, start, "MAXLEN must be 1 to %d", MAPTBL_MAX_VALUE);
		goto bad;
	}
	e->maxlen = (int) v;
	if (s[pos] != ' ' && s[pos] != '\t') {
		unexpected(why, f, i, pos, at_end(s, pos) ? ": ATTRIBUTE expected" : " in MAXLEN");
		goto bad;
	}
	pos = skip_ws(s, pos);
	start = pos;
	if ((n = ident(s, pos)) == 0) {
		unexpected(why, f, i, pos, ": ATTRIBUTE expected");
		goto bad;
	}
	e->attr = g_strndup(s + pos, n);
	e->fold = g_utf8_casefold(e->attr, -1);
	pos += n;
	if (s[pos] == '(') {
		size_t  p0 = ++pos;

		while (s[pos] && s[pos] != ')' && s[pos] != ' ' && s[pos] != '\t' && s[pos] != ';')
			pos++;
		if (s[pos] != ')') {
			unexpected(why, f, i, pos, ": ')' expected after the prefix");
			goto bad;
		}
		if (pos == p0) {
			report(why, f->path, i + 1, s, pos, "empty prefix");
			goto bad;
		}
		e->prefix = g_strndup(s + p0, pos - p0);
		pos++;
	}
	e->full = g_strndup(s + start, pos - start);
	if (!at_end(s, pos) && s[pos] != ' ' && s[pos] != '\t') {
		unexpected(why, f, i, pos, " in ATTRIBUTE");
		goto bad;
	}
	pos = skip_ws(s, pos);
	if (!at_end(s, pos)) {
		start = pos;
		if ((n = ident(s, pos)) == 4 && g_ascii_strncasecmp(s + pos, "NULL", 4) == 0) {
			pos += 4;
		} else if (g_ascii_isdigit(s[pos])) {
			v = number_at(s, &pos);
			if (v < 1 || v > MAPTBL_MAX_KEY) {
				report(why, f->path, i + 1, s, start, "KEY must be 1 to %d or NULL", MAPTBL_MAX_KEY);
				goto bad;
			}
			e->key = (int) v;
			for (k = 0; k < m->ents->len; k++) {
				old = g_ptr_array_index(m->ents, k);
				if (old->key == e->key) {
					report(why, f->path, i + 1, s, start, "KEY %d already given to %s at line %d",
					       e->key, old->tag, old->line);
					goto bad;
				}
			}
		} else {
			report(why, f->path, i + 1, s, start, "KEY must be a number or NULL");
			goto bad;
		}
		if (!at_end(s, pos) && s[pos] != ' ' && s[pos] != '\t') {
			unexpected(why, f, i, pos, " in KEY");
			goto bad;
		}
		pos = skip_ws(s, pos);
		if (!at_end(s, pos)) {
			unexpected(why, f, i, pos, " after KEY");
			goto bad;
		}
	}
	g_ptr_array_add(m->ents, e);
	g_hash_table_insert(m->by_tag, fold, e);
	return 1;
bad:
	g_free(fold);
	amap_ent_free(e);
	return 0;
}

/* amap_load - read one amap file */
static int amap_load(struct amap *m, const char *dir, const char *name, GString *why)
{
	struct src_file f;
	int     i, ok = 1;

	m->name = name;
	m->file = g_build_filename(dir, name, NULL);
	m->ents = g_ptr_array_new_with_free_func((GDestroyNotify) amap_ent_free);
	m->by_tag = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (!read_lines(&f, m->file, why)) {
		g_strfreev(f.lines);
		return 0;
	}
	for (i = 0; ok && i < f.nlines; i++) {
		size_t  pos = skip_ws(f.lines[i], 0);

		if (!at_end(f.lines[i], pos))
			ok = amap_line(m, &f, i, why);
	}
	g_strfreev(f.lines);
	return ok;
}

/* amap_free - release an amap's parts */
static void amap_free(struct amap *m)
{
	g_free(m->file);
	if (m->ents)
		g_ptr_array_free(m->ents, TRUE);
	if (m->by_tag)
		g_hash_table_destroy(m->by_tag);
}

/* amap_find - the line of tag (any case), or NULL */
static struct amap_ent *amap_find(const struct amap *m, const char *tag)
{
	char   *fold = g_utf8_casefold(tag, -1);
	struct amap_ent *e = g_hash_table_lookup(m->by_tag, fold);

	g_free(fold);
	return e;
}

/* resolve_src - the index of a source tag, for the expression parser */
static int resolve_src(void *ctx, const char *tag, GString *why)
{
	struct ruleset *rs = ctx;
	struct amap_ent *e = amap_find(rs->src, tag);
	guint   i;

	if (e)
		for (i = 0; i < rs->src->ents->len; i++)
			if (g_ptr_array_index(rs->src->ents, i) == e) {
				e->used = 1;
				return (int) i;
			}
	g_string_printf(why, "unknown tag %s (not in %s)", tag, rs->src->name);
	return -1;
}

/* rule_free - release a rule */
static void rule_free(struct rule *r)
{
	g_free(r->name);
	g_free(r->fold);
	mapexpr_free(r->expr);
	g_free(r);
}

/* filter_free - release a filter */
static void filter_free(struct filter *f)
{
	g_ptr_array_free(f->values, TRUE);
	g_free(f);
}

/* is_special - TA or DN */
static const char *is_special(const char *tag)
{
	if (g_ascii_strcasecmp(tag, "TA") == 0)
		return "TA";
	if (g_ascii_strcasecmp(tag, "DN") == 0)
		return "DN";
	return NULL;
}

/* quoted_at - a "value" at *pos ("" inside for one quote), advanced; NULL if
 * unterminated */
static char *quoted_at(const char *s, size_t *pos)
{
	GString *v = g_string_new("");
	size_t  p = *pos + 1;

	for (;;) {
		if (s[p] == 0) {
			g_string_free(v, TRUE);
			return NULL;
		}
		if (s[p] == '"') {
			if (s[p + 1] != '"')
				break;
			p++;
		}
		g_string_append_c(v, s[p++]);
	}
	*pos = p + 1;
	return g_string_free(v, FALSE);
}

/* filter_line - FILTER NAME EQ|NE "value" [ | "value" ... ] or with & */
static int filter_line(struct ruleset *rs, struct src_file *f, int i, size_t pos, GString *why)
{
	const char *s = f->lines[i];
	struct filter *flt;
	struct amap_ent *e = NULL;
	size_t  n, start;
	char   *name, *v;
	char    sep = 0;
	guint   k;

	pos = skip_ws(s, pos);
	if ((n = ident(s, pos)) == 0)
		return unexpected(why, f, i, pos, ": attribute or tag expected after FILTER");
	start = pos;
	if (s[pos + n] == '(')		/* attr(PREFIX) as written in the amap */
		while (s[pos + n] && s[pos + n] != ')' && s[pos + n] != ' ')
			n++;
	if (s[pos + n] == ')')
		n++;
	name = g_strndup(s + pos, n);
	if ((e = amap_find(rs->src, name)) == NULL)
		for (k = 0; k < rs->src->ents->len && e == NULL; k++) {
			struct amap_ent *a = g_ptr_array_index(rs->src->ents, k);

			if (g_ascii_strcasecmp(a->full, name) == 0)
				e = a;
		}
	if (e == NULL) {
		report(why, f->path, i + 1, s, start, "unknown filter attribute %s (neither a tag nor an attribute of %s)",
		       name, rs->src->name);
		g_free(name);
		return 0;
	}
	g_free(name);
	pos = skip_ws(s, pos + n);
	flt = g_new0(struct filter, 1);
	flt->ent = e;
	flt->values = g_ptr_array_new_with_free_func(g_free);
	n = ident(s, pos);
	if (n == 2 && g_ascii_strncasecmp(s + pos, "EQ", 2) == 0)
		flt->ne = 0;
	else if (n == 2 && g_ascii_strncasecmp(s + pos, "NE", 2) == 0)
		flt->ne = 1;
	else {
		unexpected(why, f, i, pos, ": EQ or NE expected");
		goto bad;
	}
	pos += 2;
	for (;;) {
		pos = skip_ws(s, pos);
		if (s[pos] != '"') {
			unexpected(why, f, i, pos, ": a quoted value expected");
			goto bad;
		}
		start = pos;
		if ((v = quoted_at(s, &pos)) == NULL) {
			report(why, f->path, i + 1, s, start, "unterminated string");
			goto bad;
		}
		g_ptr_array_add(flt->values, v);
		pos = skip_ws(s, pos);
		if (at_end(s, pos))
			break;
		if (s[pos] != '|' && s[pos] != '&') {
			unexpected(why, f, i, pos, ": '|', '&' or the end of the line expected");
			goto bad;
		}
		if (sep && s[pos] != sep) {
			report(why, f->path, i + 1, s, pos, "'|' and '&' mixed in one filter");
			goto bad;
		}
		sep = s[pos++];
	}
	flt->all = sep == '&';
	g_ptr_array_add(rs->filters, flt);
	return 1;
bad:
	filter_free(flt);
	return 0;
}

/* rule_line - TARGET = expression, or a filter */
static int rule_line(struct ruleset *rs, struct src_file *f, int i, GString *why)
{
	const char *s = f->lines[i];
	size_t  pos = skip_ws(s, 0), n, eq, errpos;
	const char *special;
	struct amap_ent *e;
	struct rule *r;
	char   *name;
	guint   k;

	if ((n = ident(s, pos)) == 0)
		return unexpected(why, f, i, pos, ": target tag expected");
	name = g_strndup(s + pos, n);
	eq = skip_ws(s, pos + n);
	if (g_ascii_strcasecmp(name, "FILTER") == 0 && s[eq] != '=') {
		g_free(name);
		return filter_line(rs, f, i, pos + n, why);
	}
	if (s[eq] != '=') {
		g_free(name);
		return unexpected(why, f, i, eq, ": '=' expected after the target");
	}
	e = amap_find(rs->dst, name);
	special = is_special(name);
	if (e == NULL && special == NULL) {
		report(why, f->path, i + 1, s, pos, "unknown target %s (not a tag of %s)", name, rs->dst->name);
		g_free(name);
		return 0;
	}
	g_free(name);
	r = g_new0(struct rule, 1);
	r->name = g_strdup(special ? special : e->full);
	r->maxlen = e ? e->maxlen : MAPTBL_MAX_VALUE;
	r->line = i + 1;
	r->fold = g_utf8_casefold(r->name, -1);
	for (k = 0; k < rs->rules->len; k++) {
		struct rule *old = g_ptr_array_index(rs->rules, k);

		if (strcmp(r->fold, old->fold) == 0) {
			report(why, f->path, i + 1, s, pos, "a second rule for %s (the first is at line %d)",
			       r->name, old->line);
			rule_free(r);
			return 0;
		}
	}
	g_string_truncate(why, 0);
	if ((r->expr = mapexpr_parse(s, eq + 1, resolve_src, rs, &errpos, why)) == NULL) {
		char   *msg = g_strdup(why->str);

		report(why, f->path, i + 1, s, errpos, "%s", msg);
		g_free(msg);
		rule_free(r);
		return 0;
	}
	g_ptr_array_add(rs->rules, r);
	return 1;
}

/* cmp_key - order amap lines by KEY priority */
static gint cmp_key(gconstpointer a, gconstpointer b)
{
	const struct amap_ent *x = *(struct amap_ent *const *) a;
	const struct amap_ent *y = *(struct amap_ent *const *) b;

	return x->key - y->key;
}

/* ruleset_lists - the source attributes, target names and keys */
static void ruleset_lists(struct ruleset *rs)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *keyed = g_ptr_array_new();
	guint   k;

	rs->source_attrs = g_ptr_array_new_with_free_func(g_free);
	for (k = 0; k < rs->src->ents->len; k++) {
		struct amap_ent *e = g_ptr_array_index(rs->src->ents, k);
		char   *fold = g_utf8_casefold(e->attr, -1);

		if (strncmp(e->attr, "$$", 2) == 0 || g_hash_table_contains(seen, fold)) {
			g_free(fold);
			continue;
		}
		g_hash_table_add(seen, fold);
		g_ptr_array_add(rs->source_attrs, g_strdup(e->attr));
	}
	g_ptr_array_add(rs->source_attrs, NULL);
	g_hash_table_destroy(seen);

	rs->target_attrs = g_ptr_array_new();
	for (k = 0; k < rs->rules->len; k++)
		g_ptr_array_add(rs->target_attrs, ((struct rule *) g_ptr_array_index(rs->rules, k))->name);
	g_ptr_array_add(rs->target_attrs, NULL);

	for (k = 0; k < rs->dst->ents->len; k++) {
		struct amap_ent *e = g_ptr_array_index(rs->dst->ents, k);

		if (e->key)
			g_ptr_array_add(keyed, e);
	}
	g_ptr_array_sort(keyed, cmp_key);
	rs->keys = g_ptr_array_new_with_free_func(g_free);
	for (k = 0; k < keyed->len; k++) {
		struct amap_ent *e = g_ptr_array_index(keyed, k);
		const char *special = is_special(e->tag);

		g_ptr_array_add(rs->keys, g_utf8_casefold(special ? special : e->full, -1));
	}
	g_ptr_array_add(rs->keys, NULL);
	g_ptr_array_free(keyed, TRUE);
}

/* ruleset_load - read one rule file */
static int ruleset_load(struct ruleset *rs, const char *dir, const char *name,
			        struct amap *src, struct amap *dst, GString *why)
{
	struct src_file f;
	int     i, ok = 1;

	rs->file = g_build_filename(dir, name, NULL);
	rs->src = src;
	rs->dst = dst;
	rs->rules = g_ptr_array_new_with_free_func((GDestroyNotify) rule_free);
	rs->filters = g_ptr_array_new_with_free_func((GDestroyNotify) filter_free);
	if (!read_lines(&f, rs->file, why)) {
		g_strfreev(f.lines);
		return 0;
	}
	for (i = 0; ok && i < f.nlines; i++) {
		size_t  pos = skip_ws(f.lines[i], 0);

		if (!at_end(f.lines[i], pos))
			ok = rule_line(rs, &f, i, why);
	}
	g_strfreev(f.lines);
	if (ok)
		ruleset_lists(rs);
	return ok;
}

/* ruleset_free - release a rule set's parts */
static void ruleset_free(struct ruleset *rs)
{
	g_free(rs->file);
	if (rs->rules)
		g_ptr_array_free(rs->rules, TRUE);
	if (rs->filters)
		g_ptr_array_free(rs->filters, TRUE);
	if (rs->source_attrs)
		g_ptr_array_free(rs->source_attrs, TRUE);
	if (rs->target_attrs)
		g_ptr_array_free(rs->target_attrs, TRUE);
	if (rs->keys)
		g_ptr_array_free(rs->keys, TRUE);
}

/* maptbl_load - parse and check the four tables in dir */
struct maptbl *maptbl_load(const char *dir, const struct conf *conf, GString *why)
{
	struct maptbl *t = g_new0(struct maptbl, 1);

	t->conf = conf;
	g_string_truncate(why, 0);
	if (!amap_load(&t->ldap, dir, "amap.ldap.tbl", why)
	    || !amap_load(&t->notes, dir, "amap.notes.tbl", why)
	    || !ruleset_load(&t->to_notes, dir, "mapmex.tbl", &t->ldap, &t->notes, why)
	    || !ruleset_load(&t->to_ldap, dir, "mapnotes.tbl", &t->notes, &t->ldap, why)) {
		maptbl_free(t);
		return NULL;
	}
	return t;
}

/* maptbl_free - release what maptbl_load() returned */
void    maptbl_free(struct maptbl *t)
{
	if (t == NULL)
		return;
	ruleset_free(&t->to_notes);
	ruleset_free(&t->to_ldap);
	amap_free(&t->ldap);
	amap_free(&t->notes);
	g_free(t);
}

/* set_of - the rule set of a direction */
static const struct ruleset *set_of(const struct maptbl *t, enum maptbl_dir d)
{
	return d == MAPTBL_TO_NOTES ? &t->to_notes : &t->to_ldap;
}

/* maptbl_source_attrs - the attributes to read for d */
const char *const *maptbl_source_attrs(const struct maptbl *t, enum maptbl_dir d)
{
	return (const char *const *) set_of(t, d)->source_attrs->pdata;
}

/* maptbl_target_attrs - the names maptbl_map() can give for d */
const char *const *maptbl_target_attrs(const struct maptbl *t, enum maptbl_dir d)
{
	return (const char *const *) set_of(t, d)->target_attrs->pdata;
}

/* maptbl_keys - the target key names for d in priority order */
const char *const *maptbl_keys(const struct maptbl *t, enum maptbl_dir d)
{
	return (const char *const *) set_of(t, d)->keys->pdata;
}

/* maptbl_entry_new - an empty entry */
GHashTable *maptbl_entry_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
}

/* empty_values - an attribute with no values left */
static gboolean empty_values(gpointer k, gpointer v, gpointer unused)
{
	(void) k;
	(void) unused;
	return ((GPtrArray *) v)->len == 0;
}

/* keep_no_values - drop an attribute's values, keep the attribute */
static void keep_no_values(gpointer k, gpointer v, gpointer unused)
{
	(void) k;
	(void) unused;
	g_ptr_array_set_size(v, 0);
}

GHashTable *maptbl_entry_take(GHashTable **spare)
{
	GHashTable *e = *spare;

	*spare = NULL;
	return e ? e : maptbl_entry_new();
}

void    maptbl_entry_give(GHashTable **spare, GHashTable *e)
{
	g_hash_table_foreach(e, keep_no_values, NULL);
	if (*spare)
		g_hash_table_unref(*spare);
	*spare = e;
}

void    maptbl_entry_prune(GHashTable *e)
{
	g_hash_table_foreach_remove(e, empty_values, NULL);
}

/* maptbl_entry_add - append a copy of value to attr's values */
void    maptbl_entry_add(GHashTable *e, const char *attr, const char *value)
{
	GPtrArray *v = NULL;
	char   *fold = NULL;

	for (const unsigned char *p = (const unsigned char *) attr; *p; p++)
		if (*p >= 0x80 || g_ascii_isupper(*p)) {
			fold = g_utf8_casefold(attr, -1);
			break;
		}
	/* Already casefolded: look it up as it is, copy it only when new. */
	v = g_hash_table_lookup(e, fold ? fold : attr);
	if (v == NULL) {
		v = g_ptr_array_new_with_free_func(g_free);
		g_hash_table_insert(e, fold ? fold : g_strdup(attr), v);
	} else
		g_free(fold);
	g_ptr_array_add(v, g_strdup(value));
}

/* maptbl_entry_get - the values of attr, or NULL */
GPtrArray *maptbl_entry_get(GHashTable *e, const char *attr)
{
	char   *fold;
	GPtrArray *v;

	for (const unsigned char *p = (const unsigned char *) attr; *p; p++)
		if (*p >= 0x80 || g_ascii_isupper(*p))
			goto slow;
	return g_hash_table_lookup(e, attr);
slow:
	fold = g_utf8_casefold(attr, -1);
	v = g_hash_table_lookup(e, fold);
	g_free(fold);
	return v;
}

/* maptbl_entry_first - the first value of attr, or NULL */
const char *maptbl_entry_first(GHashTable *e, const char *attr)
{
	GPtrArray *v = maptbl_entry_get(e, attr);

	return v && v->len ? g_ptr_array_index(v, 0) : NULL;
}

/* cut - shorten s in place to at most max characters */
static void cut(char *s, int max)
{
	if (strlen(s) > (size_t) max && g_utf8_strlen(s, -1) > max)
		*g_utf8_offset_to_pointer(s, max) = 0;
}

/* has_prefix - 1 if value starts with prefix (exact case, or any case) */
static int has_prefix(const char *value, const char *prefix, int anycase)
{
	size_t  n = strlen(prefix);

	return anycase ? g_ascii_strncasecmp(value, prefix, n) == 0 : strncmp(value, prefix, n) == 0;
}

/* tag_value - the value a source tag has in src; NULL and why if not UTF-8 */
static char *tag_value(const struct amap_ent *e, GHashTable *src, GString *why)
{
	GPtrArray *v = g_hash_table_lookup(src, e->fold);
	char   *r = NULL;
	guint   k;
	int     anycase;

	if (v == NULL || v->len == 0)
		return g_strdup("");
	for (k = 0; k < v->len; k++)
		if (!g_utf8_validate(g_ptr_array_index(v, k), -1, NULL)) {
			g_string_printf(why, "attribute %s: invalid UTF-8", e->attr);
			return NULL;
		}
	if (e->prefix) {
		for (anycase = 0; anycase < 2 && r == NULL; anycase++)
			for (k = 0; k < v->len && r == NULL; k++)
				if (has_prefix(g_ptr_array_index(v, k), e->prefix, anycase))
					r = g_strdup((char *) g_ptr_array_index(v, k) + strlen(e->prefix));
		if (r == NULL)
			r = g_strdup("");
	} else if (v->len == 1) {
		r = g_strdup(g_ptr_array_index(v, 0));
	} else {
		GString *s = g_string_new("");

		for (k = 0; k < v->len; k++) {
			if (k)
				g_string_append_c(s, ';');
			g_string_append(s, g_ptr_array_index(v, k));
			if (s->len > 4 * MAPTBL_MAX_VALUE)	/* enough for MAXLEN characters */
				break;
		}
		r = g_string_free(s, FALSE);
	}
	cut(r, e->maxlen);
	return r;
}

/* maptbl_map - map one source entry */
GHashTable *maptbl_map(const struct maptbl *t, enum maptbl_dir d, GHashTable *src, GString *why)
{
	GHashTable *out = maptbl_entry_new();

	if (!maptbl_map_into(t, d, src, out, why)) {
		g_hash_table_destroy(out);
		return NULL;
	}
	return out;
}

int     maptbl_map_into(const struct maptbl *t, enum maptbl_dir d, GHashTable *src, GHashTable *out,
			GString *why)
{
	const struct ruleset *rs = set_of(t, d);
	guint   n = rs->src->ents->len, k;
	char   *stack[32], **vals = n < G_N_ELEMENTS(stack) ? stack : g_new(char *, n + 1);
	int     ok = 0;
	guint   j;

	memset(vals, 0, (n + 1) * sizeof(*vals));
	for (k = 0; k < n; k++) {
		struct amap_ent *e = g_ptr_array_index(rs->src->ents, k);

		if (e->used && (vals[k] = tag_value(e, src, why)) == NULL)
			goto done;
	}
	for (k = 0; k < rs->rules->len; k++) {
		struct rule *r = g_ptr_array_index(rs->rules, k);
		char   *v = mapexpr_eval(r->expr, (const char *const *) vals, t->conf, why);
		GPtrArray *one;

		if (v == NULL) {
			char   *msg = g_strdup(why->str);

			g_string_printf(why, "%s:%d: rule for %s: %s", rs->file, r->line, r->name, msg);
			g_free(msg);
			goto done;
		}
		cut(v, r->maxlen);
		/* the array an emptied entry kept for the name, else a new one */
		if ((one = g_hash_table_lookup(out, r->fold)) == NULL) {
			one = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(out, g_strdup(r->fold), one);
		}
		g_ptr_array_set_size(one, 0);	/* one value a rule */
		g_ptr_array_add(one, v);
	}
	ok = 1;
done:
	maptbl_entry_prune(out);
	for (j = 0; j < n; j++)
		g_free(vals[j]);
	if (vals != stack)
		g_free(vals);
	return ok;
}

/* filter_values - the values a filter compares: casefolded */
static GPtrArray *filter_values(const struct amap_ent *e, GHashTable *src)
{
	GPtrArray *v = g_hash_table_lookup(src, e->fold);
	GPtrArray *r = g_ptr_array_new_with_free_func(g_free);
	guint   k;

	for (k = 0; v && k < v->len; k++) {
		const char *x = g_ptr_array_index(v, k);

		if (!g_utf8_validate(x, -1, NULL))
			continue;
		if (e->prefix == NULL)
			g_ptr_array_add(r, g_utf8_casefold(x, -1));
		else if (has_prefix(x, e->prefix, 1))
			g_ptr_array_add(r, g_utf8_casefold(x + strlen(e->prefix), -1));
	}
	if (r->len == 0)
		g_ptr_array_add(r, g_strdup(""));
	return r;
}

/* maptbl_filter - 1 if src passes the direction's filters */
int     maptbl_filter(const struct maptbl *t, enum maptbl_dir d, GHashTable *src)
{
	const struct ruleset *rs = set_of(t, d);
	guint   k, j, m;
	int     pass = 1;

	for (k = 0; k < rs->filters->len && pass; k++) {
		struct filter *f = g_ptr_array_index(rs->filters, k);
		GPtrArray *have = filter_values(f->ent, src);
		int     all = 1, any = 0;

		for (j = 0; j < f->values->len; j++) {
			char   *want = g_utf8_casefold(g_ptr_array_index(f->values, j), -1);
			int     found = 0, term;

			for (m = 0; m < have->len && !found; m++)
				found = strcmp(g_ptr_array_index(have, m), want) == 0;
			g_free(want);
			term = f->ne ? !found : found;
			all = all && term;
			any = any || term;
		}
		pass = f->all ? all : any;
		g_ptr_array_free(have, TRUE);
	}
	return pass;
}

/* key_string - the first level key values of e joined (casefolded, or as
 * NAME=VALUE for messages); *empty if all are "" */
static char *key_string(GHashTable *e, const char *const *keys, int level, int *empty, int named)
{
	GString *s = g_string_new("");
	int     i;

	*empty = 1;
	for (i = 0; i < level; i++) {
		const char *v = maptbl_entry_first(e, keys[i]);

		if (i)
			g_string_append(s, named ? "+" : MAPTBL_KEY_SEP);
		if (named) {
			g_string_append_printf(s, "%s=", keys[i]);
			g_string_append(s, v ? v : "");
		} else if (v) {
			char   *fold = g_utf8_casefold(v, -1);

			g_string_append(s, fold);
			g_free(fold);
		}
		if (v && *v)
			*empty = 0;
	}
	return g_string_free(s, FALSE);
}

/* maptbl_unique_key - the chained uniqueness rule */
GPtrArray *maptbl_unique_key(const struct maptbl *t, enum maptbl_dir d,
			             GPtrArray *entries, GPtrArray *rejected, GString *why)
{
	const char *const *keys = maptbl_keys(t, d);
	int     nkeys = (int) g_strv_length((gchar **) keys), level, empty;
	guint   n = entries->len, i;
	GPtrArray *out = g_ptr_array_new_full(n, g_free);
	GHashTable *count, *final;
	char   *noval = g_new0(char, n + 1);	/* all key values empty */

	for (i = 0; i < n; i++) {
		g_free(key_string(g_ptr_array_index(entries, i), keys, nkeys, &empty, 0));
		noval[i] = (char) empty;
		g_ptr_array_add(out, NULL);
	}
	for (level = 1; level <= nkeys; level++) {
		GPtrArray *strs = g_ptr_array_new_full(n, g_free);

		count = g_hash_table_new(g_str_hash, g_str_equal);
		for (i = 0; i < n; i++) {
			char   *s = key_string(g_ptr_array_index(entries, i), keys, level, &empty, 0);

			g_ptr_array_add(strs, s);
			g_hash_table_insert(count, s, GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(count, s)) + 1));
		}
		for (i = 0; i < n; i++) {
			char   *s = g_ptr_array_index(strs, i);

			if (g_ptr_array_index(out, i) == NULL && !noval[i]
			    && GPOINTER_TO_INT(g_hash_table_lookup(count, s)) == 1)
				out->pdata[i] = g_strdup(s);
		}
		g_hash_table_destroy(count);
		g_ptr_array_free(strs, TRUE);
	}
	/* a key of one level could equal one of another only through values
	 * holding MAPTBL_KEY_SEP: such entries are not unique either */
	final = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < n; i++)
		if (out->pdata[i])
			g_hash_table_insert(final, out->pdata[i],
			  GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(final, out->pdata[i])) + 1));
	for (i = 0; i < n; i++) {
		GHashTable *e = g_ptr_array_index(entries, i);
		char   *named;

		if (out->pdata[i] && GPOINTER_TO_INT(g_hash_table_lookup(final, out->pdata[i])) == 1)
			continue;
		if (rejected)
			g_ptr_array_add(rejected, e);
		if (why) {
			named = key_string(e, keys, nkeys, &empty, 1);
			if (why->len)
				g_string_append_c(why, '\n');
			if (nkeys == 0)
				g_string_append(why, "no KEY column in the target amap");
			else
				g_string_append_printf(why, "key %s %s", named, empty ? "has no key value" : "is not unique");
			g_free(named);
		}
	}
	/* the rejected lose their keys only now: final points into out */
	for (i = 0; i < n; i++)
		if (out->pdata[i] && GPOINTER_TO_INT(g_hash_table_lookup(final, out->pdata[i])) != 1)
			noval[i] = 2;
	g_hash_table_destroy(final);
	for (i = 0; i < n; i++)
		if (noval[i] == 2) {
			g_free(out->pdata[i]);
			out->pdata[i] = NULL;
		}
	g_free(noval);
	return out;
}

/* eval_ctx - the tags of a free-standing expression */
struct eval_ctx {
	GPtrArray *names;		/* casefolded */
};

/* resolve_any - every tag is an attribute name */
static int resolve_any(void *ctx, const char *tag, GString *why)
{
	struct eval_ctx *c = ctx;
	char   *fold = g_utf8_casefold(tag, -1);
	guint   i;

	for (i = 0; i < c->names->len; i++)
		if (strcmp(g_ptr_array_index(c->names, i), fold) == 0) {
			g_free(fold);
			return (int) i;
		}
	g_ptr_array_add(c->names, fold);
	return (int) c->names->len - 1;
}

/* maptbl_eval - parse and evaluate one expression with no amap */
char   *maptbl_eval(const char *expr, const struct conf *conf, GHashTable *src, GString *why)
{
	struct eval_ctx c;
	struct mapexpr *e;
	size_t  errpos;
	char  **vals, *r = NULL;
	guint   i;

	if (!g_utf8_validate(expr, -1, NULL)) {
		g_string_printf(why, "invalid UTF-8");
		return NULL;
	}
	if (g_utf8_strlen(expr, -1) > MAPTBL_MAX_VALUE) {
		g_string_printf(why, "expression longer than %d characters", MAPTBL_MAX_VALUE);
		return NULL;
	}
	c.names = g_ptr_array_new_with_free_func(g_free);
	g_string_truncate(why, 0);
	if ((e = mapexpr_parse(expr, 0, resolve_any, &c, &errpos, why)) == NULL) {
		char   *msg = g_strdup(why->str);

		g_string_printf(why, "%ld: %s", g_utf8_strlen(expr, (gssize) errpos) + 1, msg);
		g_free(msg);
		g_ptr_array_free(c.names, TRUE);
		return NULL;
	}
	vals = g_new0(char *, c.names->len + 1);
	for (i = 0; i < c.names->len; i++) {
		GPtrArray *v = src ? maptbl_entry_get(src, g_ptr_array_index(c.names, i)) : NULL;
		GString *s = g_string_new("");
		guint   k;

		for (k = 0; v && k < v->len; k++) {
			if (k)
				g_string_append_c(s, ';');
			g_string_append(s, g_ptr_array_index(v, k));
		}
		vals[i] = g_string_free(s, FALSE);
		if (!g_utf8_validate(vals[i], -1, NULL)) {
			g_string_printf(why, "attribute %s: invalid UTF-8", (char *) g_ptr_array_index(c.names, i));
			goto done;
		}
	}
	r = mapexpr_eval(e, (const char *const *) vals, conf, why);
done:
	g_strfreev(vals);
	mapexpr_free(e);
	g_ptr_array_free(c.names, TRUE);
	return r;
}
