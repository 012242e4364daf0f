/* text.c - text fit for one line (see text.h) */
#include <string.h>

#include <glib.h>

#include "util/text.h"

char   *text_printable(const char *s, size_t max, int flags)
{
	char   *valid = (flags & TEXT_UTF8) ? g_utf8_make_valid(s ? s : "", -1) : NULL;
	const unsigned char *p = (const unsigned char *)(valid ? valid : s ? s : "");
	size_t  len = strlen((const char *)p), i;
	char   *out;

	if (max > 0 && len > max) {
		len = max;
		/* back to the start of the character that would be cut */
		if (valid)
			while (len > 0 && (p[len] & 0xc0) == 0x80)
				len--;
	}
	out = g_malloc(len + 1);
	for (i = 0; i < len; i++) {
		if (p[i] == '\t' && (flags & TEXT_TAB))
			out[i] = '\t';
		else if (p[i] < 0x20 || p[i] == 0x7f)
			out[i] = (flags & TEXT_SPACE) ? ' ' : '?';
		else
			out[i] = (char)p[i];
	}
	out[len] = 0;
	g_free(valid);
	return out;
}
