/* fuzz_dxl - the safe DXL parser and text values */
#include "dxl/dxl.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	GString *why = g_string_new(NULL);
	xmlDocPtr doc = dxl_parse_memory((const char *)data, len, why);

	if (doc) {
		xmlNodePtr root = xmlDocGetRootElement(doc), item;

		for (item = root->children; item; item = item->next) {
			xmlNodePtr t = dxl_child(item, "text");
			xmlNodePtr d = dxl_child(item, "datetime");

			if (t)
				g_free(dxl_text_value(t));
			if (d) {
				xmlChar *c = xmlNodeGetContent(d);

				dxl_datetime_parse((const char *)c);
				xmlFree(c);
			}
		}
		xmlFreeDoc(doc);
	}
	g_string_free(why, TRUE);
	return 0;
}
