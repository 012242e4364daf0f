/*++
 * NAME
 *	rawitem 3
 * SUMMARY
 *	decoders for DXL <rawitemdata>: Notes C API item values
 * DESCRIPTION
 *	A DXL export made with the default MIMEOPTION_RAW carries the MIME
 *	header items and the MIME body of a native MIME memo as
 *	<rawitemdata type='hex'>BASE64</rawitemdata>: the item value in
 *	Domino canonical (little-endian, packed) form, without the leading
 *	type word.  The type is TYPE_xxx of nsfdata.h, in hexadecimal.
 *
 *	TYPE_RFC822_TEXT (0x0502): an RFC822ITEMDESC, 14 bytes:
 *
 *	    WORD  wVersion;          DWORD dwFlags;
 *	    WORD  wNotesNativeLen;   WORD  wRFC822NameLen;
 *	    WORD  wRFC822DelimLen;   WORD  wRFC822BodyLen;
 *
 *	followed by the Notes native value (wNotesNativeLen bytes), then the
 *	header as it came: name ("To"), delimiter (": "), body (the value
 *	with its folding and, mostly, its final CRLF).
 *
 *	TYPE_MIME_PART (0x0019): a MIME_PART, 20 bytes:
 *
 *	    WORD  wVersion;          DWORD dwFlags;
 *	    BYTE  cPartType;         BYTE  cSpare;
 *	    WORD  wByteCount;        WORD  wBoundaryLen;
 *	    WORD  wHeadersLen;       WORD  wSpare;     DWORD dwSpare;
 *
 *	followed by wByteCount bytes: the boundary line (when
 *	MIME_PART_HAS_BOUNDARY), the part's headers with their empty line
 *	(when MIME_PART_HAS_HEADERS), then the body; with
 *	MIME_PART_BODY_IN_DBOBJECT the body is instead the name of the
 *	$FILE object that holds it.  The Body items of a memo, concatenated
 *	in order, are the MIME stream after the top-level header items.
 *
 *	Both layouts were confirmed by decoding the real export in
 *	../shared/corpus/dxl/memo-inbound-smtp-spam-mime.dxl.xml.
 * DIAGNOSTICS
 *	The decoders return 0 and explain in why when a length runs past
 *	the data.  The result points into the caller's buffer.
 *--*/
#ifndef LME_RAWITEM_H
#define LME_RAWITEM_H

#include <glib.h>

#define RAWITEM_TYPE_COMPOSITE		0x0001	/* CD records (rich text) */
#define RAWITEM_TYPE_NOTEREF_LIST	0x0004
#define RAWITEM_TYPE_MIME_PART		0x0019
#define RAWITEM_TYPE_TEXT		0x0500
#define RAWITEM_TYPE_RFC822_TEXT	0x0502

#define RAWITEM_RFC822_SIZE		14
#define RAWITEM_MIME_PART_SIZE		20

#define RAWITEM_MIME_PART_HAS_BOUNDARY	0x00000001
#define RAWITEM_MIME_PART_HAS_HEADERS	0x00000002
#define RAWITEM_MIME_PART_BODY_IN_DBOBJECT 0x00000004

/* MIME_PART cPartType */
#define RAWITEM_PART_PROLOG		1
#define RAWITEM_PART_BODY		2
#define RAWITEM_PART_EPILOG		3
#define RAWITEM_PART_RETRIEVE_INFO	4
#define RAWITEM_PART_MESSAGE		5

struct rawitem_rfc822 {
	guint16 version;
	guint32 flags;
	const guchar *native;		/* Notes native value */
	gsize   native_len;
	const char *name;		/* header name, e.g. "To" */
	gsize   name_len;
	const char *delim;		/* ": " */
	gsize   delim_len;
	const char *body;		/* header value as received */
	gsize   body_len;
};

struct rawitem_mime_part {
	guint16 version;
	guint32 flags;
	int     type;			/* RAWITEM_PART_* */
	const char *boundary;
	gsize   boundary_len;
	const char *headers;
	gsize   headers_len;
	const char *body;		/* or the $FILE name (BODY_IN_DBOBJECT) */
	gsize   body_len;
};

/* rawitem_decode_base64 - the bytes of a <rawitemdata> (whitespace
 * ignored); NULL and why when it is not base64 */
guchar *rawitem_decode_base64(const char *text, gsize *len, GString *why);

/* rawitem_rfc822 - decode a TYPE_RFC822_TEXT value */
int     rawitem_rfc822(const guchar *data, gsize len, struct rawitem_rfc822 *out,
		       GString *why);

/* rawitem_mime_part - decode a TYPE_MIME_PART value */
int     rawitem_mime_part(const guchar *data, gsize len, struct rawitem_mime_part *out,
			  GString *why);

#endif
