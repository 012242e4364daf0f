/*++
 * NAME
 *	ldif 3
 * SUMMARY
 *	LDIF records (RFC 2849 subset)
 * DESCRIPTION
 *	See ldif.h.
 *--*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dir/ldif.h"
#include "dir/maptbl.h"

/* The entries are maptbl's: the records carry what the tables mapped. */
GHashTable *ldif_entry_new(void)
{
	return maptbl_entry_new();
}

void ldif_entry_add(GHashTable *e, const char *attr, const char *value)
{
	maptbl_entry_add(e, attr, value);
}

const char *ldif_entry_first(GHashTable *e, const char *attr)
{
	return maptbl_entry_first(e, attr);
}

/* safe_value - RFC 2849 SAFE-STRING, and no trailing blank */
static int safe_value(const char *s, size_t n)
{
	if (n == 0)
		return 1;
	if (s[0] == ' ' || s[0] == ':' || s[0] == '<' || s[n - 1] == ' ')
		return 0;
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return 0;
	return 1;
}

/* put_line - "name: value" or "name:: base64", straight into the stream
 * (errors are seen by ferror() at the end of the record) */
static void put_line(FILE *fp, const char *name, const char *value)
{
	size_t  n = strlen(value), a;
	char    line[256];

	if (safe_value(value, n) && (a = strlen(name)) + n + 3 <= sizeof(line)) {
		/* a short line in one write */
		memcpy(line, name, a);
		line[a] = ':';
		line[a + 1] = ' ';
		memcpy(line + a + 2, value, n);
		line[a + 2 + n] = '\n';
		fwrite_unlocked(line, 1, a + n + 3, fp);
		return;
	}
	fputs_unlocked(name, fp);
	if (safe_value(value, n)) {
		fwrite_unlocked(": ", 1, 2, fp);
		fwrite_unlocked(value, 1, n, fp);
	} else {
		char   *b64 = g_base64_encode((const guchar *) value, n);

		fwrite_unlocked(":: ", 1, 3, fp);
		fputs_unlocked(b64, fp);
		g_free(b64);
	}
	putc_unlocked('\n', fp);
}

/* An attribute of a record: its name and values (or one value). */
struct ldif_attr {
	const char *name;
	GPtrArray *values;		/* or NULL: value */
	const char *value;
};

/* attr_cmp - for sorting attributes by name */
static int attr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ldif_attr *) a)->name, ((const struct ldif_attr *) b)->name);
}

int ldif_write(FILE *fp, const char *dn, GHashTable *e)
{
	return ldif_write_with(fp, dn, e, NULL, 0);
}

int ldif_write_with(FILE *fp, const char *dn, GHashTable *e, const char *const (*extra)[2], guint nextra)
{
	struct ldif_attr attrs[64], *sorted = attrs;
	guint   n = 0, size = (e ? g_hash_table_size(e) : 0) + nextra;

	put_line(fp, "dn", dn);
	if (size) {
		GHashTableIter it;
		gpointer k, v;

		if (size > G_N_ELEMENTS(attrs))
			sorted = g_new(struct ldif_attr, size);
		if (e) {
			g_hash_table_iter_init(&it, e);
			while (g_hash_table_iter_next(&it, &k, &v)) {
				sorted[n].name = k;
				sorted[n].value = NULL;
				sorted[n++].values = v;
			}
		}
		for (guint i = 0; i < nextra; i++) {
			sorted[n].name = extra[i][0];
			sorted[n].value = extra[i][1];
			sorted[n++].values = NULL;
		}
		qsort(sorted, n, sizeof(*sorted), attr_cmp);	/* glibc: no allocation for a few */
		for (guint i = 0; i < n; i++) {
			GPtrArray *vals = sorted[i].values;

			if (vals == NULL)
				put_line(fp, sorted[i].name, sorted[i].value);
			for (guint j = 0; vals && j < vals->len; j++)
				put_line(fp, sorted[i].name, g_ptr_array_index(vals, j));
		}
		if (sorted != attrs)
			g_free(sorted);
	}
	putc_unlocked('\n', fp);
	return !ferror(fp);
}

void    ldif_text(GString *out, const char *dn, GHashTable *e)
{
	char   *buf = NULL;
	size_t  len = 0;
	FILE   *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		g_error("ldif_text: open_memstream: %s", g_strerror(errno));	/* out of memory, as g_malloc */
	ldif_write(fp, dn, e);
	if (fclose(fp) != 0)
		g_error("ldif_text: %s", g_strerror(errno));
	g_string_truncate(out, 0);
	g_string_append_len(out, buf, (gssize) len);
	free(buf);
}

void ldif_reader_init(struct ldif_reader *r, FILE *fp)
{
	r->fp = fp;
	r->line = 0;
	r->pending = g_string_new("");
	r->raw = NULL;
	r->line_buf = g_string_new("");
	r->next_buf = g_string_new("");
	r->have_pending = 0;
	r->buf = g_malloc(LDIF_READ_AHEAD);
	r->pos = r->end = 0;
	r->spare = NULL;
	r->name = g_string_new("");
}

void ldif_reader_free(struct ldif_reader *r)
{
	if (r->pending)
		g_string_free(r->pending, TRUE);
	if (r->line_buf)
		g_string_free(r->line_buf, TRUE);
	if (r->next_buf)
		g_string_free(r->next_buf, TRUE);
	r->pending = r->line_buf = r->next_buf = NULL;
	g_clear_pointer(&r->buf, g_free);
	g_clear_pointer(&r->spare, g_hash_table_unref);
	if (r->name)
		g_string_free(r->name, TRUE);
	r->name = NULL;
}

/* swap_strings - exchange two strings' contents (no copy) */
static void swap_strings(GString *a, GString *b)
{
	GString t = *a;

	*a = *b;
	*b = t;
}

/* get_line - one physical line without its newline; 0 at EOF, -1 too long.
 * The input is read ahead a block at a time into the reader's buffer,
 * and lines are found there with memchr(). */
static int get_line(struct ldif_reader *r, GString *buf)
{
	if (r->have_pending) {
		swap_strings(buf, r->pending);
		r->have_pending = 0;
		return 1;
	}
	g_string_truncate(buf, 0);
	for (;;) {
		const char *s, *nl;
		size_t  len;

		if (r->pos == r->end) {
			r->pos = 0;
			r->end = fread_unlocked(r->buf, 1, LDIF_READ_AHEAD, r->fp);
			if (r->end == 0) {
				if (buf->len == 0)
					return 0;
				break;			/* a last line without its newline */
			}
		}
		s = r->buf + r->pos;
		nl = memchr(s, '\n', r->end - r->pos);
		len = nl ? (size_t)(nl - s) : r->end - r->pos;
		if (buf->len + len > LDIF_LINE_MAX + 1)
			return -1;
		g_string_append_len(buf, s, (gssize) len);
		r->pos += len + (nl != NULL);
		if (nl)
			break;
	}
	r->line++;
	if (r->raw) {
		g_string_append_len(r->raw, buf->str, (gssize) buf->len);
		g_string_append_c(r->raw, '\n');
	}
	if (buf->len && buf->str[buf->len - 1] == '\r')
		g_string_truncate(buf, buf->len - 1);
	return 1;
}

/* get_logical - a line with its continuations joined */
static int get_logical(struct ldif_reader *r, GString *out, GString *why)
{
	GString *next = r->next_buf;
	int     rc;

	if ((rc = get_line(r, out)) <= 0)
		goto done;
	/* a blank line ends a record: nothing continues it (RFC 2849) */
	while (out->len > 0 && (rc = get_line(r, next)) > 0) {
		if (next->len == 0 || next->str[0] != ' ') {
			swap_strings(r->pending, next);
			r->have_pending = 1;
			break;
		}
		if (out->len + next->len > LDIF_LINE_MAX) {
			rc = -1;
			goto done;
		}
		g_string_append_len(out, next->str + 1, next->len - 1);
	}
	if (rc < 0)
		goto done;
	rc = 1;
done:
	if (rc < 0)
		g_string_printf(why, "line %ld: line longer than %d bytes", r->line, LDIF_LINE_MAX);
	return rc;
}

/* ldif_name_ok - an attribute description: a letter or digit, then
 * letters, digits, '-', '.' and ';' options (RFC 2849 AttributeDescription) */
static int ldif_name_ok(const char *s, size_t len)
{
	size_t  i;

	if (len == 0 || !g_ascii_isalnum(s[0]))
		return 0;
	for (i = 1; i < len; i++)
		if (!g_ascii_isalnum(s[i]) && s[i] != '-' && s[i] != '.' && s[i] != ';')
			return 0;
	return 1;
}

int ldif_read(struct ldif_reader *r, char **dn, GHashTable **e, GString *why)
{
	GString *line = r->line_buf;
	GHashTable *entry = NULL;
	char   *the_dn = NULL;
	size_t  bytes = 0, name_len, value_len;
	long    values = 0;
	int     rc;

	for (;;) {
		if ((rc = get_logical(r, line, why)) < 0)
			goto bad;
		if (rc == 0) {
			if (the_dn)
				break;
			return 0;
		}
		if (line->len == 0) {
			if (the_dn)
				break;
			continue;
		}
		if (line->str[0] == '#')
			continue;

		char   *colon = strchr(line->str, ':');
		char   *name, *value;
		const char *v;

		if (colon == NULL || colon == line->str) {
			g_string_printf(why, "line %ld: expected ATTRIBUTE: VALUE", r->line);
			goto bad;
		}
		if (!ldif_name_ok(line->str, (size_t)(colon - line->str))) {
			g_string_printf(why, "line %ld: bad attribute name", r->line);
			goto bad;
		}
		/* the name in lower case, in the reader's buffer: copied only
		 * when the entry does not have it yet */
		name_len = (size_t) (colon - line->str);
		g_string_truncate(r->name, 0);
		for (size_t i = 0; i < name_len; i++)
			g_string_append_c(r->name, g_ascii_tolower(line->str[i]));
		name = r->name->str;
		v = colon + 1;
		if (*v == ':') {
			gsize   len;
			guchar *raw;

			for (v++; *v == ' '; v++);
			raw = g_base64_decode(v, &len);
			/* a NUL, or not UTF-8 (g_utf8_validate() refuses both) */
			if (len && !g_utf8_validate((const char *) raw, (gssize) len, NULL)) {
				g_string_printf(why, "line %ld: %s: value is not UTF-8 text", r->line, name);
				g_free(raw);
				goto bad;
			}
			value = g_strndup((const char *) raw, len);
			value_len = len;
			g_free(raw);
		} else if (*v == '<') {
			g_string_printf(why, "line %ld: %s: URL values are not accepted", r->line, name);
			goto bad;
		} else {
			for (; *v == ' '; v++);
			value_len = line->len - (size_t) (v - line->str);
			if (value_len && !g_utf8_validate(v, (gssize) value_len, NULL)) {
				g_string_printf(why, "line %ld: %s: value is not UTF-8 text", r->line, name);
				goto bad;
			}
			value = g_strndup(v, value_len);
		}
		bytes += name_len + value_len;
		if (bytes > LDIF_RECORD_MAX || ++values > LDIF_VALUES_MAX) {
			g_string_printf(why, "line %ld: record larger than the limit", r->line);
			g_free(value);
			goto bad;
		}
		if (the_dn == NULL) {
			if (strcmp(name, "dn") != 0) {
				g_string_printf(why, "line %ld: record does not start with dn:", r->line);
				g_free(value);
				goto bad;
			}
			the_dn = value;
			entry = maptbl_entry_take(&r->spare);
		} else {
			/* name is lower-case ASCII already (ldif_name_ok): the
			 * entry takes a copy of it and the value as it is */
			GPtrArray *vals = g_hash_table_lookup(entry, name);

			if (vals == NULL) {
				vals = g_ptr_array_new_with_free_func(g_free);
				g_hash_table_insert(entry, g_strndup(name, name_len), vals);
			}
			g_ptr_array_add(vals, value);
		}
	}
	maptbl_entry_prune(entry);
	*dn = the_dn;
	*e = entry;
	return 1;
bad:
	g_free(the_dn);
	if (entry)
		ldif_reader_recycle(r, entry);
	return -1;
}

void    ldif_reader_recycle(struct ldif_reader *r, GHashTable *e)
{
	maptbl_entry_give(&r->spare, e);
}
