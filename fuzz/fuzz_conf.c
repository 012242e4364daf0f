/* fuzz_conf - the configuration file parser */
#include <stdio.h>
#include <unistd.h>

#include "global/conf.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	static char path[64];
	GString *why = g_string_new(NULL);
	struct conf *c;

	if (!*path)
		snprintf(path, sizeof(path), "/tmp/fuzz_conf.%ld", (long)getpid());
	if (!g_file_set_contents(path, (const char *)data, (gssize)len, NULL))
		return 0;
	c = conf_load(path, why);
	conf_free(c);
	g_string_free(why, TRUE);
	return 0;
}
