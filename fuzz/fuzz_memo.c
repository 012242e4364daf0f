/* fuzz_memo - a MIME message to a Notes memo (mexnts), both body formats
 * (the first byte picks one); every memo written must parse as XML */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dxl/dxl.h"
#include "global/envelope.h"
#include "outbound/memo.h"
#include "outbound/mime2dxl.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	static int init;
	static struct conf conf;
	struct envelope *env;
	struct memo_in in;
	struct memo_result res = {0};
	GString *why = g_string_new(NULL);
	char   *buf = NULL;
	size_t  n = 0;
	FILE   *out;
	int     fd;

	if (len < 1)
		return 0;
	if (!init++) {
		memo_init();
		mime2dxl_scratch("/tmp");
		conf.notes_domain = "Acme";
		conf.foreign_domain = "Exchange";
		conf.smtp_domain = "example.com";
		conf.max_message_size = 1 << 20;
		conf.max_attachments = 50;
		conf.max_depth = 20;
	}
	conf.body_format = (data[0] & 1) ? "mime" : "richtext";
	if ((fd = memfd_create("fuzz_memo", 0)) < 0)
		return 0;
	if (write(fd, data + 1, len - 1) != (ssize_t)(len - 1)) {
		close(fd);
		return 0;
	}
	env = envelope_new();
	env->id = g_strdup("1.M1P1Q1.fuzz");
	envelope_add_rcpt(env, "john@notes.example.com", "John Smith/Sales/Acme@Acme");
	in.conf = &conf;
	in.map = NULL;
	in.env = env;
	in.id = env->id;
	out = open_memstream(&buf, &n);
	if (memo_convert(&in, fd, 0, out, &res, why) == MEMO_OK) {
		xmlDocPtr doc;

		fclose(out);
		out = NULL;
		if ((doc = dxl_parse_memory(buf, n, why)) == NULL)
			abort();		/* mexnts wrote something that is not XML */
		xmlFreeDoc(doc);
	}
	if (out)
		fclose(out);
	free(buf);
	close(fd);
	envelope_free(env);
	g_string_free(why, TRUE);
	return 0;
}
