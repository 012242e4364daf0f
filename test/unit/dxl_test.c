/* dxl_test - the DXL writer (valid against the Domino DTD when it is
 * present), datetimes, and the safe parser's refusals. */
#include <stdlib.h>
#include <unistd.h>

#include "dxl.h"
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
