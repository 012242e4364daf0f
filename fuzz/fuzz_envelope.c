/* fuzz_envelope - the envelope reader of SMTP-side queue files */
#include "global/envelope.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	FILE   *fp = fmemopen((void *)data, len ? len : 1, "r");
	GString *why = g_string_new(NULL);
	struct envelope *e;

	if (!fp)
		return 0;
	if ((e = envelope_read(fp, why)) != NULL) {
		char   *buf = NULL;
		size_t  n = 0;
		FILE   *out = open_memstream(&buf, &n);

		envelope_write(out, e, why);
		fclose(out);
		free(buf);
		envelope_free(e);
	}
	fclose(fp);
	g_string_free(why, TRUE);
	return 0;
}
