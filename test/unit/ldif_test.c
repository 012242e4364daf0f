/* ldif_test - the LDIF records between the two halves of dxa: round trip
 * of every kind of value, folding, comments, and refusal of bad input. */
#include <stdlib.h>

#include "dir/ldif.h"
#include "unit.h"

/* read_all - parse text; the number of records, -1 on error */
static int read_all(const char *text, GString *why, char **dn1, char **v1)
{
	FILE   *fp = fmemopen((void *) text, strlen(text), "r");
	struct ldif_reader r;
	char   *dn;
	GHashTable *e;
	int     n = 0, rc;

	ldif_reader_init(&r, fp);
	while ((rc = ldif_read(&r, &dn, &e, why)) > 0) {
		if (n++ == 0 && dn1) {
			*dn1 = g_strdup(dn);
			if (v1)
				*v1 = g_strdup(ldif_entry_first(e, "a"));
		}
		g_free(dn);
		g_hash_table_unref(e);
	}
	ldif_reader_free(&r);
	fclose(fp);
	return rc < 0 ? -1 : n;
}

int main(void)
{
	static const char *const values[] = {
		"plain", "", " leading blank", "trailing blank ", ":colon", "<angle",
		"J\xc3\xbcrgen M\xc3\xbcller", "line\nbreak", "cr\rlf", "tab\there", "#hash",
		"Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m/Research/Acme@Acme",
	};
	GString *why = g_string_new("");
	char   *buf = NULL, *dn = NULL, *v = NULL;
	size_t  len = 0;
	FILE   *mem;
	int     n;

	for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
		GHashTable *e = ldif_entry_new();

		ldif_entry_add(e, "A", values[i]);
		ldif_entry_add(e, "b", "second");
		mem = open_memstream(&buf, &len);
		CHECK(ldif_write(mem, values[i], e), "write %zu", i);
		fclose(mem);
		dn = v = NULL;
		n = read_all(buf, why, &dn, &v);
		CHECK(n == 1, "value %zu: %d records (%s)", i, n, why->str);
		CHECK_STR(dn, values[i], "dn round trip");
		CHECK_STR(v, values[i], "value round trip");
		g_free(dn);
		g_free(v);
		free(buf);
		g_hash_table_unref(e);
	}

	/* folding, comments, two records */
	n = read_all("# comment\ndn: x\na: abc\n def\n\ndn: y\na: 1\n", why, &dn, &v);
	CHECK(n == 2, "folded: %d records (%s)", n, why->str);
	CHECK_STR(v, "abcdef", "folded value");
	g_free(dn);
	g_free(v);

	/* refusals */
	g_string_truncate(why, 0);
	CHECK(read_all("a: no dn\n", why, NULL, NULL) < 0, "record without dn refused");
	CHECK(read_all("dn: x\na:< file:///etc/passwd\n", why, NULL, NULL) < 0, "URL value refused");
	CHECK(read_all("dn: x\na:: /w==\n", why, NULL, NULL) < 0, "non-UTF-8 value refused");
	CHECK(read_all("dn: x\nnocolon\n", why, NULL, NULL) < 0, "line without colon refused");
	CHECK(read_all("dn: x\nbad name: c\n", why, NULL, NULL) < 0, "attribute name with a blank refused");
	n = read_all("dn: x\na: 1\n\n  y: 2\n", why, NULL, NULL);
	CHECK(n < 0, "a blank line is never continued: \" y\" is no attribute (found by fuzz_ldif): %d", n);
	{
		GString *big = g_string_new("dn: x\na: ");

		for (int i = 0; i < LDIF_LINE_MAX + 10; i++)
			g_string_append_c(big, 'x');
		g_string_append_c(big, '\n');
		CHECK(read_all(big->str, why, NULL, NULL) < 0, "over-long line refused");
		g_string_assign(big, "dn: x\n");
		for (int i = 0; i < LDIF_VALUES_MAX + 10; i++)
			g_string_append(big, "a: 1\n");
		CHECK(read_all(big->str, why, NULL, NULL) < 0, "too many values refused");
		g_string_free(big, TRUE);
	}
	/* a NUL inside a line is no UTF-8 text: refused, not cut short */
	{
		static const char nul[] = "dn: x\na: ab\0cd\n";
		FILE   *fp = fmemopen((void *) nul, sizeof(nul) - 1, "r");
		struct ldif_reader r;
		GHashTable *e;

		ldif_reader_init(&r, fp);
		CHECK(ldif_read(&r, &dn, &e, why) < 0, "a NUL in a value refused");
		ldif_reader_free(&r);
		fclose(fp);
	}
	/* the last line without its newline; lines across the read-ahead
	 * buffer's edge */
	n = read_all("dn: x\na: last", why, &dn, &v);
	CHECK(n == 1, "last line without newline: %d (%s)", n, why->str);
	CHECK_STR(v, "last", "value of a last line without newline");
	g_free(dn);
	g_free(v);
	{
		GString *t = g_string_new("");
		int     records = 0;

		while (t->len < 3 * LDIF_READ_AHEAD) {
			g_string_append_printf(t, "dn: r%d\na: ", records++);
			for (int i = 0; i < 1000 + records % 7; i++)
				g_string_append_c(t, 'a' + records % 26);
			g_string_append(t, "\n\n");
		}
		n = read_all(t->str, why, NULL, NULL);
		CHECK(n == records, "%d records across the buffer's edges, read %d (%s)", records, n, why->str);
		g_string_free(t, TRUE);
	}
	/* an entry given back is filled again: nothing of the record before
	 * it is left (attributes it lacks, values it had) */
	{
		static const char two[] = "dn: one\na: 1\na: 2\nb: only in one\n\ndn: two\na: 3\nc: only in two\n";
		FILE   *fp = fmemopen((void *) two, sizeof(two) - 1, "r");
		struct ldif_reader r;
		GHashTable *e, *first;
		GPtrArray *a;

		ldif_reader_init(&r, fp);
		CHECK(ldif_read(&r, &dn, &e, why) == 1, "first record (%s)", why->str);
		first = e;
		g_free(dn);
		ldif_reader_recycle(&r, e);
		CHECK(ldif_read(&r, &dn, &e, why) == 1, "second record (%s)", why->str);
		CHECK(e == first, "the entry given back is the one filled");
		CHECK_STR(dn, "two", "second dn");
		a = g_hash_table_lookup(e, "a");
		CHECK(a && a->len == 1, "a has the second record's one value, not three");
		CHECK_STR(a ? g_ptr_array_index(a, 0) : NULL, "3", "a's value");
		CHECK(!g_hash_table_contains(e, "b"), "b (only in the first record) is gone");
		CHECK_STR(ldif_entry_first(e, "c"), "only in two", "c");
		CHECK(g_hash_table_size(e) == 2, "two attributes, not %u", g_hash_table_size(e));
		g_free(dn);
		g_hash_table_unref(e);
		ldif_reader_free(&r);
		fclose(fp);
	}
	g_string_free(why, TRUE);
	return unit_done("ldif_test");
}
