/* fuzz_dxl2mime - a DXL memo to MIME (ntsmex): parse, convert, write */
#include <gmime/gmime.h>

#include "dxl/dxl.h"
#include "inbound/dxl2mime.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	static int init;
	static const struct dxl2mime_opts opts = {"Acme", "Exchange", "example.com", "both", 50};
	GString *why = g_string_new(NULL);
	xmlDocPtr doc;
	struct dxl2mime m;
	GMimeStream *null;

	if (!init++)
		g_mime_init();
	if ((doc = dxl_parse_memory((const char *)data, len, why)) != NULL) {
		if (dxl2mime_convert(doc, &opts, &m, why)) {
			null = g_mime_stream_null_new();
			g_mime_object_write_to_stream(GMIME_OBJECT(m.message), NULL, null);
			g_object_unref(null);
		}
		dxl2mime_clear(&m);
		xmlFreeDoc(doc);
	}
	g_string_free(why, TRUE);
	return 0;
}
