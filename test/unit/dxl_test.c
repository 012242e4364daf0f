/* dxl_test - the DXL writer (valid against the Domino DTD when it is
 * present), datetimes, and the safe parser's refusals. */
#include <stdlib.h>
#include <unistd.h>

#include "dxl/dxl.h"
#include "unit.h"

#define DTD "../shared/reference/domino_9_0_1.dtd"

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	char   *path = g_build_filename(dir, "memo.dxl", NULL), *cmd, *v;
	GString *why = g_string_new(NULL);
	FILE   *fp = fopen(path, "w");
	struct dxl_writer *w = dxl_writer_new(fp, "document");
	const char *list[] = {"John Smith/Sales/Acme@Acme", "Jane <x>", NULL};
	xmlDocPtr doc;
	xmlNodePtr item;
	char    buf[DXL_DATETIME_MAX];
	static const struct { const char *text; time_t want; } dates[] = {
		{"20140808T131841,49-04", 1407518321},
		{"20080704T082724,25+0530", 1215140244},
		{"20190820T153028,00+00", 1566315028},
		{"19990713", 931824000},
		{"2014", -1}, {"20141308T000000", -1}, {"", -1},
		{"20140808T131841,49-04x", -1},
	};
	size_t  i;

	dxl_document_begin(w, "Memo", NULL);
	dxl_item_text(w, "Subject", "Line one\r\nline two\001 & <b>");
	dxl_item_textlist(w, "SendTo", list);
	dxl_item_datetime(w, "PostedDate", 1407518321, -240);
	dxl_item_number(w, "$Hops", 2);
	dxl_item_text(w, "Bad", "\xff\xfe invalid UTF-8");
	dxl_document_end(w);
	CHECK(dxl_writer_finish(w), "writer finished");
	fclose(fp);
	if (access(DTD, R_OK) == 0) {
		cmd = g_strdup_printf("xmllint --noout --dtdvalid %s %s", DTD, path);
		CHECK(system(cmd) == 0, "memo valid against the DTD");
		g_free(cmd);
	} else {
		printf("# skip: %s not present\n", DTD);
	}
	doc = dxl_parse_file(path, 1 << 20, why);
	CHECK(doc != NULL, "parse back: %s", why->str);
	if (doc) {
		item = dxl_child(xmlDocGetRootElement(doc), "item");
		v = dxl_text_value(dxl_child(item, "text"));
		CHECK_STR(v, "Line one\nline two\001 & <b>", "text with break and nonxmlchar round trip");
		g_free(v);
		xmlFreeDoc(doc);
	}
	CHECK(dxl_parse_file(path, 10, why) == NULL && strstr(why->str, "larger than"), "size limit");

	{
		const char *evil = "<?xml version='1.0'?><!DOCTYPE document [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
			"<document><item name='Subject'><text>&e;</text></item></document>";
		const char *lol = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]><d>&b;</d>";
		const char *nons = "<document form='Memo'><item name='Subject'><text>hi</text></item></document>";

		CHECK(dxl_parse_memory(evil, strlen(evil), why) == NULL && strstr(why->str, "entity"),
		      "external entity refused: %s", why->str);
		CHECK(dxl_parse_memory(lol, strlen(lol), why) == NULL, "entity expansion refused");
		CHECK(dxl_parse_memory("<a>", 3, why) == NULL && strstr(why->str, "not well-formed"), "broken XML");
		doc = dxl_parse_memory(nons, strlen(nons), why);
		CHECK(doc && dxl_name_is(xmlDocGetRootElement(doc), "document"), "no namespace accepted");
		xmlFreeDoc(doc);
	}
	/* an item written raw in one piece (dxl_item_text() when the writer
	 * would change nothing) is byte for byte what libxml2's writer
	 * writes; so is everything dxl_item_text() sends through it */
	{
		static const char *const texts[] = {
			"plain", "A & B", "<tag>", "say \"hi\"", "apos ' too", ">", "tab\there",
			"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "", "line\r\nbreak", "odd\xef\xbf\xbf" "char",
			"bad \xff UTF-8",
		};
		char   *raw = NULL, *ref = NULL;
		size_t  rawlen = 0, reflen = 0;
		GString *longv = g_string_new("");

		while (longv->len < 3000)
			g_string_append(longv, "long value ");
		for (int way = 0; way < 2; way++) {
			FILE   *mem = way ? open_memstream(&ref, &reflen) : open_memstream(&raw, &rawlen);
			struct dxl_writer *dw = dxl_writer_new(mem, "document");

			dxl_document_begin(dw, "Person", NULL);
			for (i = 0; i <= G_N_ELEMENTS(texts); i++) {
				const char *t = i < G_N_ELEMENTS(texts) ? texts[i] : longv->str;

				if (way == 0) {
					dxl_item_text(dw, "JobTitle", t);
					continue;
				}
				/* the writer's way, and dxl_text()'s for what the
				 * writer cannot take (breaks, non-XML characters) */
				xmlTextWriterStartElement(dw->xw, BAD_CAST "item");
				xmlTextWriterWriteAttribute(dw->xw, BAD_CAST "name", BAD_CAST "JobTitle");
				xmlTextWriterStartElement(dw->xw, BAD_CAST "text");
				if (strpbrk(t, "\r\n") || strstr(t, "\xef\xbf\xbf") || !g_utf8_validate(t, -1, NULL))
					dxl_text(dw, t, -1);
				else if (*t)
					xmlTextWriterWriteString(dw->xw, BAD_CAST t);
				xmlTextWriterEndElement(dw->xw);
				xmlTextWriterEndElement(dw->xw);
			}
			dxl_document_end(dw);
			CHECK(dxl_writer_finish(dw), "writer %d finished", way);
			fclose(mem);
		}
		CHECK(rawlen == reflen && memcmp(raw, ref, rawlen) == 0,
		      "items written raw are the writer's bytes:\n%s\n%s", raw, ref);
		free(raw);
		free(ref);
		g_string_free(longv, TRUE);
	}
	for (i = 0; i < G_N_ELEMENTS(dates); i++)
		CHECK(dxl_datetime_parse(dates[i].text) == dates[i].want, "parse \"%s\" got %ld", dates[i].text,
		      (long)dxl_datetime_parse(dates[i].text));
	dxl_datetime_format(buf, sizeof(buf), 1407518321, -240);
	CHECK_STR(buf, "20140808T131841,00-04", "format with zone");
	dxl_datetime_format(buf, sizeof(buf), 1215140244, 330);
	CHECK_STR(buf, "20080704T082724,00+0530", "format with a half-hour zone");
	g_free(path);
	g_string_free(why, TRUE);
	return unit_done("dxl_test");
}
