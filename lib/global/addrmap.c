/*++
 * NAME
 *	addrmap 3
 * SUMMARY
 *	maps/addresses: SMTP address <-> Notes address
 *--*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "global/addrmap.h"

struct addrmap {
	char   *path;
	struct stat st;			/* of the file loaded, st_ino 0: none */
	GPtrArray *entries;
	GHashTable *by_smtp;		/* casefolded -> entry */
	GHashTable *by_notes;		/* casefolded -> entry */
};

static void addrmap_entry_free(struct addrmap_entry *e)
{
	g_free(e->smtp);
	g_free(e->notes);
	g_free(e->display);
	g_free(e);
}

static void addrmap_clear(struct addrmap *m)
{
	if (m->by_smtp)
		g_hash_table_destroy(m->by_smtp);
	if (m->by_notes)
		g_hash_table_destroy(m->by_notes);
	if (m->entries)
		g_ptr_array_free(m->entries, TRUE);
	m->by_smtp = m->by_notes = NULL;
	m->entries = NULL;
}

/* addrmap_load - read the file into fresh tables */
static int addrmap_load(struct addrmap *m, GString *why)
{
	FILE   *fp;
	char    line[ADDRMAP_LINE_MAX + 2];
	int     lineno = 0;
	GPtrArray *entries;
	GHashTable *by_smtp, *by_notes;
	struct stat st;

	if ((fp = fopen(m->path, "r")) == NULL) {
		if (errno == ENOENT) {
			addrmap_clear(m);
			m->entries = g_ptr_array_new_with_free_func((GDestroyNotify)addrmap_entry_free);
			m->by_smtp = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
			m->by_notes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
			memset(&m->st, 0, sizeof(m->st));
			return 1;
		}
		g_string_printf(why, "open %s: %s", m->path, g_strerror(errno));
		return 0;
	}
	fstat(fileno(fp), &st);
	entries = g_ptr_array_new_with_free_func((GDestroyNotify)addrmap_entry_free);
	by_smtp = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	by_notes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	while (fgets(line, sizeof(line), fp)) {
		size_t  len = strlen(line);
		gchar **f;
		struct addrmap_entry *e;
		guint   nf;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		else if (!feof(fp)) {
			g_string_printf(why, "%s:%d: line too long (over %d bytes)", m->path, lineno,
					ADDRMAP_LINE_MAX);
			goto bad;
		}
		if (len && line[len - 1] == '\r')
			line[--len] = 0;
		if (line[0] == '#' || strspn(line, " \t") == len)
			continue;
		if (!g_utf8_validate(line, (gssize)len, NULL)) {
			g_string_printf(why, "%s:%d: not UTF-8", m->path, lineno);
			goto bad;
		}
		f = g_strsplit(line, "\t", 4);
		nf = g_strv_length(f);
		if (nf < 2 || nf > 3 || !*g_strstrip(f[0]) || !*g_strstrip(f[1])
		    || strchr(f[0], '@') == NULL) {
			g_string_printf(why, "%s:%d: expected SMTP-ADDRESS<TAB>NOTES-ADDRESS"
					"[<TAB>DISPLAY NAME]", m->path, lineno);
			g_strfreev(f);
			goto bad;
		}
		e = g_new0(struct addrmap_entry, 1);
		e->smtp = g_strdup(f[0]);
		e->notes = g_strdup(f[1]);
		e->display = nf == 3 && *g_strstrip(f[2]) ? g_strdup(f[2]) : NULL;
		g_strfreev(f);
		g_ptr_array_add(entries, e);
		/* the first line for an address wins, as in Postfix tables */
		{
			char   *k1 = g_utf8_casefold(e->smtp, -1), *k2 = g_utf8_casefold(e->notes, -1);

			if (!g_hash_table_contains(by_smtp, k1))
				g_hash_table_insert(by_smtp, k1, e);
			else
				g_free(k1);
			if (!g_hash_table_contains(by_notes, k2))
				g_hash_table_insert(by_notes, k2, e);
			else
				g_free(k2);
		}
	}
	if (ferror(fp)) {
		g_string_printf(why, "read %s: %s", m->path, g_strerror(errno));
		goto bad;
	}
	fclose(fp);
	addrmap_clear(m);
	m->entries = entries;
	m->by_smtp = by_smtp;
	m->by_notes = by_notes;
	m->st = st;
	return 1;
bad:
	fclose(fp);
	g_hash_table_destroy(by_smtp);
	g_hash_table_destroy(by_notes);
	g_ptr_array_free(entries, TRUE);
	return 0;
}

struct addrmap *addrmap_open(const char *path, GString *why)
{
	struct addrmap *m = g_new0(struct addrmap, 1);

	m->path = g_strdup(path);
	if (!addrmap_load(m, why)) {
		addrmap_free(m);
		return NULL;
	}
	return m;
}

int addrmap_refresh(struct addrmap *m, GString *why)
{
	struct stat st;

	if (stat(m->path, &st) != 0) {
		if (m->st.st_ino == 0)
			return 1;
		return addrmap_load(m, why);
	}
	if (st.st_ino == m->st.st_ino && st.st_size == m->st.st_size
	    && st.st_mtim.tv_sec == m->st.st_mtim.tv_sec
	    && st.st_mtim.tv_nsec == m->st.st_mtim.tv_nsec)
		return 1;
	return addrmap_load(m, why);
}

static const struct addrmap_entry *addrmap_lookup(GHashTable *h, const char *key)
{
	char   *k;
	const struct addrmap_entry *e;

	if (!key || !g_utf8_validate(key, -1, NULL))
		return NULL;
	k = g_utf8_casefold(key, -1);
	e = g_hash_table_lookup(h, k);
	g_free(k);
	return e;
}

const struct addrmap_entry *addrmap_by_smtp(const struct addrmap *m, const char *smtp)
{
	return addrmap_lookup(m->by_smtp, smtp);
}

const struct addrmap_entry *addrmap_by_notes(const struct addrmap *m, const char *notes)
{
	return addrmap_lookup(m->by_notes, notes);
}

guint addrmap_size(const struct addrmap *m)
{
	return m->entries ? m->entries->len : 0;
}

void addrmap_free(struct addrmap *m)
{
	if (!m)
		return;
	addrmap_clear(m);
	g_free(m->path);
	g_free(m);
}
