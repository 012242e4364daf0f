/* fuzz_maptbl - the dxa table parser and expression evaluator: the first
 * byte picks an expression or a whole mapnotes.tbl; the rest is the text */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dir/maptbl.h"
static char dir[] = "/tmp/fuzz_maptbl.XXXXXX";
static int ready;
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GString *why = g_string_new("");
	GHashTable *src = maptbl_entry_new();
	char *text;
	if (!ready) {
		mkdtemp(dir);
		const char *n[] = {"amap.ldap.tbl", "amap.notes.tbl", "mapnotes.tbl"};
		for (int i = 0; i < 3; i++) {
			char *a = g_build_filename(getenv("LME_MAPS") ? getenv("LME_MAPS") : "../../../maps", n[i], NULL), *b = g_build_filename(dir, n[i], NULL), *c; gsize l;
			g_file_get_contents(a, &c, &l, NULL); g_file_set_contents(b, c, l, NULL); g_free(a); g_free(b); g_free(c);
		}
		ready = 1;
	}
	if (size < 1) return 0;
	text = g_strndup((const char *) data + 1, size - 1);
	maptbl_entry_add(src, "NotesAddr", "Administrator@Exchange");
	maptbl_entry_add(src, "FullName", "John T Smith/Notes");
	maptbl_entry_add(src, "proxyAddresses", "NOTES:J\xc3\xa9 Smith/X@Y");
	maptbl_entry_add(src, "displayName", "J\xc3\xa9 T Smith, Jr");
	if (data[0] & 1) {
		char *r = maptbl_eval(text, NULL, src, why);
		g_free(r);
	} else {
		char *p = g_build_filename(dir, "mapmex.tbl", NULL);
		struct maptbl *t;
		g_file_set_contents(p, (const char *) data + 1, size - 1, NULL);
		if ((t = maptbl_load(dir, NULL, why)) != NULL) {
			GHashTable *m = maptbl_map(t, MAPTBL_TO_NOTES, src, why);
			maptbl_filter(t, MAPTBL_TO_NOTES, src);
			if (m) g_hash_table_destroy(m);
			maptbl_free(t);
		}
		g_free(p);
	}
	g_free(text);
	g_hash_table_destroy(src);
	g_string_free(why, TRUE);
	return 0;
}
