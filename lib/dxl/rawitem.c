/*++
 * NAME
 *	rawitem 3
 * SUMMARY
 *	decoders for DXL <rawitemdata>
 * DESCRIPTION
 *	See rawitem.h.  Every length is checked against the data before it
 *	is used; the structures are read byte by byte (little-endian), never
 *	cast onto the buffer.
 *--*/
#include <string.h>

#include "dxl/rawitem.h"

/* rawitem_w - a little-endian WORD at p */
static guint16 rawitem_w(const guchar *p)
{
	return (guint16)(p[0] | (p[1] << 8));
}

/* rawitem_dw - a little-endian DWORD at p */
static guint32 rawitem_dw(const guchar *p)
{
	return (guint32)p[0] | ((guint32)p[1] << 8) | ((guint32)p[2] << 16) | ((guint32)p[3] << 24);
}

guchar *rawitem_decode_base64(const char *text, gsize *len, GString *why)
{
	const char *p;
	gsize   n = 0;

	for (p = text; *p; p++) {
		if (g_ascii_isalnum(*p) || *p == '+' || *p == '/' || *p == '=')
			n++;
		else if (!g_ascii_isspace(*p)) {
			g_string_printf(why, "rawitemdata is not base64");
			return NULL;
		}
	}
	if (n % 4) {
		g_string_printf(why, "rawitemdata: truncated base64");
		return NULL;
	}
	return g_base64_decode(text, len);
}

int rawitem_rfc822(const guchar *data, gsize len, struct rawitem_rfc822 *out, GString *why)
{
	gsize   need;

	memset(out, 0, sizeof(*out));
	if (len < RAWITEM_RFC822_SIZE) {
		g_string_printf(why, "RFC822 text item shorter than its descriptor");
		return 0;
	}
	out->version = rawitem_w(data);
	out->flags = rawitem_dw(data + 2);
	out->native_len = rawitem_w(data + 6);
	out->name_len = rawitem_w(data + 8);
	out->delim_len = rawitem_w(data + 10);
	out->body_len = rawitem_w(data + 12);
	need = RAWITEM_RFC822_SIZE + out->native_len + out->name_len + out->delim_len
		+ out->body_len;
	if (need > len) {
		g_string_printf(why, "RFC822 text item: lengths (%zu) past its data (%zu)", need, len);
		return 0;
	}
	out->native = data + RAWITEM_RFC822_SIZE;
	out->name = (const char *)out->native + out->native_len;
	out->delim = out->name + out->name_len;
	out->body = out->delim + out->delim_len;
	return 1;
}

int rawitem_mime_part(const guchar *data, gsize len, struct rawitem_mime_part *out, GString *why)
{
	gsize   count, rest;

	memset(out, 0, sizeof(*out));
	if (len < RAWITEM_MIME_PART_SIZE) {
		g_string_printf(why, "MIME part item shorter than its descriptor");
		return 0;
	}
	out->version = rawitem_w(data);
	out->flags = rawitem_dw(data + 2);
	out->type = data[6];
	count = rawitem_w(data + 8);
	out->boundary_len = rawitem_w(data + 10);
	out->headers_len = rawitem_w(data + 12);
	rest = len - RAWITEM_MIME_PART_SIZE;
	if (count > rest) {
		g_string_printf(why, "MIME part item: byte count %zu past its data (%zu)", count, rest);
		return 0;
	}
	if (!(out->flags & RAWITEM_MIME_PART_HAS_BOUNDARY))
		out->boundary_len = 0;
	if (!(out->flags & RAWITEM_MIME_PART_HAS_HEADERS))
		out->headers_len = 0;
	if (out->boundary_len + out->headers_len > count) {
		g_string_printf(why, "MIME part item: boundary and headers past its byte count");
		return 0;
	}
	out->boundary = (const char *)data + RAWITEM_MIME_PART_SIZE;
	out->headers = out->boundary + out->boundary_len;
	out->body = out->headers + out->headers_len;
	out->body_len = count - out->boundary_len - out->headers_len;
	return 1;
}
