/* fuzz_ldif - the LDIF records between the dxa halves: every record read
 * is written again and must read back the same */
#include <stdlib.h>
#include <string.h>

#include "dir/ldif.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

/* same - two entries hold the same values */
static int same(GHashTable *a, GHashTable *b)
{
	GHashTableIter it;
	gpointer k, v;

	if (g_hash_table_size(a) != g_hash_table_size(b))
		return 0;
	g_hash_table_iter_init(&it, a);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		GPtrArray *va = v, *vb = g_hash_table_lookup(b, k);
		guint   i;

		if (!vb || va->len != vb->len)
			return 0;
		for (i = 0; i < va->len; i++)
			if (strcmp(g_ptr_array_index(va, i), g_ptr_array_index(vb, i)) != 0)
				return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	FILE   *fp = fmemopen((void *)data, len ? len : 1, "r");
	struct ldif_reader r;
	GString *why = g_string_new(NULL);
	char   *dn;
	GHashTable *e;
	int     n = 0;

	if (!fp)
		return 0;
	ldif_reader_init(&r, fp);
	while (n++ < 100 && ldif_read(&r, &dn, &e, why) == 1) {
		char   *buf = NULL;
		size_t  blen = 0;
		FILE   *out = open_memstream(&buf, &blen);
		struct ldif_reader r2;
		char   *dn2 = NULL;
		GHashTable *e2 = NULL;

		ldif_write(out, dn, e);
		fclose(out);
		out = fmemopen(buf, blen, "r");
		ldif_reader_init(&r2, out);
		if (ldif_read(&r2, &dn2, &e2, why) != 1 || strcmp(dn, dn2) != 0 || !same(e, e2))
			abort();		/* what we write, we read back the same */
		ldif_reader_free(&r2);
		fclose(out);
		free(buf);
		g_free(dn2);
		g_hash_table_unref(e2);
		g_free(dn);
		g_hash_table_unref(e);
	}
	ldif_reader_free(&r);
	fclose(fp);
	g_string_free(why, TRUE);
	return 0;
}
