/*++
 * NAME
 *	rawitem_test 1
 * SUMMARY
 *	table-driven tests of lib/dxl/rawitem
 *--*/
#include <stdio.h>
#include <string.h>

#include "dxl/rawitem.h"

static int failures;

#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	failures++; } } while (0)

/* test_rfc822 - the SendTo item of the real corpus memo, and truncations */
static void test_rfc822(void)
{
	const char *b64 = "DgAIAAAAGgACAAIAHABqZXNzZUBzZWNvbmRmb3VuZGF0aW9uLm9yZ1RvOiBqZXNzZUBzZWNvbmRm"
		"b3VuZGF0aW9uLm9yZw0K";
	GString *why = g_string_new(NULL);
	struct rawitem_rfc822 r;
	guchar *data;
	gsize   len, cut;

	data = rawitem_decode_base64(b64, &len, why);
	CHECK(data && len == 72);
	CHECK(rawitem_rfc822(data, len, &r, why));
	CHECK(r.version == 14 && r.native_len == 26 && r.name_len == 2 && r.delim_len == 2
	      && r.body_len == 28);
	CHECK(memcmp(r.native, "jesse@secondfoundation.org", 26) == 0);
	CHECK(memcmp(r.name, "To", 2) == 0 && memcmp(r.delim, ": ", 2) == 0);
	CHECK(memcmp(r.body, "jesse@secondfoundation.org\r\n", 28) == 0);
	for (cut = 0; cut < len; cut++)
		CHECK(!rawitem_rfc822(data, cut, &r, why));
	g_free(data);
	CHECK(rawitem_decode_base64("not base64!", &len, why) == NULL);
	CHECK(rawitem_decode_base64("QUJD\nRA=", &len, why) == NULL);
	g_string_free(why, TRUE);
}

/* test_mime_part - a part with boundary, headers and body */
static void test_mime_part(void)
{
	static const char payload[] = "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
	guchar  buf[RAWITEM_MIME_PART_SIZE + sizeof(payload)];
	GString *why = g_string_new(NULL);
	struct rawitem_mime_part p;
	size_t  n = sizeof(payload) - 1;

	memset(buf, 0, sizeof(buf));
	buf[0] = 2;					/* version */
	buf[2] = RAWITEM_MIME_PART_HAS_BOUNDARY | RAWITEM_MIME_PART_HAS_HEADERS;
	buf[6] = RAWITEM_PART_BODY;
	buf[8] = (guchar)n;				/* byte count */
	buf[10] = 5;					/* boundary */
	buf[12] = 28;					/* headers */
	memcpy(buf + RAWITEM_MIME_PART_SIZE, payload, n);
	CHECK(rawitem_mime_part(buf, RAWITEM_MIME_PART_SIZE + n, &p, why));
	CHECK(p.type == RAWITEM_PART_BODY && p.boundary_len == 5 && p.headers_len == 28);
	CHECK(p.body_len == 7 && memcmp(p.body, "hello\r\n", 7) == 0);
	/* the byte count past the data */
	CHECK(!rawitem_mime_part(buf, RAWITEM_MIME_PART_SIZE + n - 1, &p, why));
	/* boundary and headers past the byte count */
	buf[12] = 200;
	CHECK(!rawitem_mime_part(buf, RAWITEM_MIME_PART_SIZE + n, &p, why));
	/* flags clear: lengths ignored */
	buf[2] = 0;
	CHECK(rawitem_mime_part(buf, RAWITEM_MIME_PART_SIZE + n, &p, why));
	CHECK(p.boundary_len == 0 && p.headers_len == 0 && p.body_len == n);
	CHECK(!rawitem_mime_part(buf, 19, &p, why));
	g_string_free(why, TRUE);
}

int main(void)
{
	test_rfc822();
	test_mime_part();
	printf("%s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
