/* maptbl_test - the dxa mapping language: every function and documented
 * example, parser errors with exact FILE:LINE:COLUMN, filters, keys, and
 * the default tables mapping an LDAP user to Notes and a Notes Person to
 * LDAP.  Usage: maptbl_test MAPSDIR (the repository's maps/). */
#include <stdlib.h>
#include <unistd.h>

#include "dir/maptbl.h"
#include "unit.h"

static char *dir;
static struct conf *conf;

/* Expressions, evaluated with the entry of src_entry(). */
static const struct {
	const char *label, *expr, *want;
} evals[] = {
	/* AND */
	{"AND both", "AND(\"a\", \"b\")", "ab"},
	{"AND first empty", "AND(\"\", \"b\")", ""},
	{"AND second empty", "AND(\"a\", Missing)", ""},
	/* CFGPARM */
	{"CFGPARM params", "CFGPARM(\"site\")", "Here"},
	{"CFGPARM section", "CFGPARM(\"notes_domain\", \"lme\")", "Acme"},
	{"CFGPARM absent", "CFGPARM(\"nothing\")", ""},
	/* ISEQUAL */
	{"ISEQUAL ignores case", "ISEQUAL(\"abc\", \"ABC\", \"y\", \"n\")", "y"},
	{"ISEQUAL differs", "ISEQUAL(\"abc\", \"abd\", \"y\", \"n\")", "n"},
	{"ISEQUAL UTF-8 case", "ISEQUAL(\"\xc3\x84rger\", \"\xc3\xa4RGER\", \"y\", \"n\")", "y"},
	{"ISEQUAL null tag", "ISEQUAL(Missing, \"\", \"empty\", \"full\")", "empty"},
	/* LEFT / RIGHT */
	{"LEFT", "LEFT(\"abcdef\", \"3\")", "abc"},
	{"LEFT plain number", "LEFT(\"abcdef\", 3)", "abc"},
	{"LEFT pads blank", "LEFT(\"ab\", 4)", "ab  "},
	{"LEFT pad", "LEFT(\"ab\", 4, \"*\")", "ab**"},
	{"LEFT characters", "LEFT(\"Zo\xc3\xab \xc3\x9cnal\", 3)", "Zo\xc3\xab"},
	{"RIGHT documented", "RIGHT(\"node\",\"5\",\"@\")", "@node"},
	{"RIGHT", "RIGHT(\"abcdef\", 2)", "ef"},
	{"RIGHT characters", "RIGHT(\"Zo\xc3\xab\", 2)", "o\xc3\xab"},
	/* SUBSTR */
	{"SUBSTR documented", "SUBSTR(\"Vice-President\",\"7\",\"9\",\"s\")", "residents"},
	{"SUBSTR to end", "SUBSTR(\"Vice-President\", 6)", "President"},
	{"SUBSTR pads blank", "SUBSTR(\"abc\", 2, 5)", "bc   "},
	{"SUBSTR characters", "SUBSTR(\"h\xc3\xa9llo\", 2, 3)", "\xc3\xa9ll"},
	{"SUBSTR past end", "SUBSTR(\"abc\", 5)", ""},
	/* LOWER / UPPER / PROPER */
	{"LOWER", "LOWER(\"\xc3\x80" "BC\")", "\xc3\xa0" "bc"},
	{"UPPER", "UPPER(\"\xc3\xa9" "a\")", "\xc3\x89" "A"},
	{"PROPER documented", "PROPER(\"o'malley\")", "O'Malley"},
	{"PROPER words", "PROPER(\"JOHN SMITH-JONES\")", "John Smith-Jones"},
	{"PROPER apostrophe", "PROPER(\"d'angelo don't WE'LL o’neil\")", "D'Angelo Don't We'll O’Neil"},
	/* NAMEF / NAMEL / NAMEM */
	{"NAMEF style 1", "NAMEF(\"John T Smith\")", "John"},
	{"NAMEL style 1", "NAMEL(\"John T Smith\")", "Smith"},
	{"NAMEM style 1", "NAMEM(\"John T Smith\")", "T"},
	{"NAMEF comma", "NAMEF(\"Smith, John T\")", "John"},
	{"NAMEL comma", "NAMEL(\"Smith, John T\")", "Smith"},
	{"NAMEM comma", "NAMEM(\"Smith, John T\")", "T"},
	{"NAMEF explicit 2", "NAMEF(\"Smith, John\", 2)", "John"},
	{"NAMEL explicit 1", "NAMEL(\"Anna Maria van Dijk\", 1)", "Dijk"},
	{"NAMEM explicit 1", "NAMEM(\"Anna Maria van Dijk\", \"1\")", "Maria van"},
	{"NAMEF one word", "NAMEF(\"Cher\")", "Cher"},
	{"NAMEL one word", "NAMEL(\"Cher\")", "Cher"},
	{"NAMEM one word", "NAMEM(\"Cher\")", ""},
	{"NAMEL empty", "NAMEL(\"\")", ""},
	/* POS */
	{"POS", "POS(\"abcabc\", \"c\")", "3"},
	{"POS absent", "POS(\"abc\", \"x\")", "0"},
	{"POS characters", "POS(\"h\xc3\xa9llo\", \"l\")", "3"},
	/* REPLACE */
	{"REPLACE documented", "REPLACE(\"James Martin\", \" \", \"_\")", "James_Martin"},
	{"REPLACE deletes", "REPLACE(\"a-b-c\", \"-\")", "abc"},
	{"REPLACE short to", "REPLACE(\"abcab\", \"ab\", \"x\")", "xcx"},
	{"REPLACE characters", "REPLACE(\"\xc3\xa4" "b\", \"\xc3\xa4\", \"a\")", "ab"},
	/* STRIP */
	{"STRIP documented", "STRIP(\"Senior Vice President\", \" \", \"R\", \"L\")", "President"},
	{"STRIP default R R", "STRIP(\"Senior Vice President\", \" \")", "Senior Vice"},
	{"STRIP scan L toward L", "STRIP(\"Administrator@Exchange\", \"@\", \"L\")", "Exchange"},
	{"STRIP scan R toward R", "STRIP(\"Administrator@Exchange\", \"@\", \"R\")", "Administrator"},
	{"STRIP L R", "STRIP(\"a;b;c\", \";\", \"L\", \"R\")", "a"},
	{"STRIP lower-case l", "STRIP(\"a;b;c\", \";\", \"l\", \"r\")", "a"},
	{"STRIP absent", "STRIP(\"abc\", \"x\")", "abc"},
	{"STRIP multi-char", "STRIP(\"a--b--c\", \"--\", \"L\", \"L\")", "b--c"},
	/* TRIM */
	{"TRIM both", "TRIM(\"  a b  \")", "a b"},
	{"TRIM B", "TRIM(\" \ta \", \"B\")", "a"},
	{"TRIM L", "TRIM(\"  a  \", \"L\")", "a  "},
	{"TRIM R", "TRIM(\"  a  \", \"R\")", "  a"},
	/* WORD */
	{"WORD", "WORD(\"one two three\", 2)", "two"},
	{"WORD two", "WORD(\"one two three\", 2, 2)", "two three"},
	{"WORD too few", "WORD(\"one two\", 3)", ""},
	{"WORD runs of blanks", "WORD(\"one  two\tthree\", 2, 5)", "two three"},
	/* X500 */
	{"X500 canonical CN", "X500(\"CN=John Smith/OU=Sales/O=Acme/C=US\", \"CN\")", "John Smith"},
	{"X500 canonical OU", "X500(\"CN=John Smith/OU=Sales/O=Acme/C=US\", \"OU\")", "Sales"},
	{"X500 canonical O", "X500(\"CN=John Smith/OU=Sales/O=Acme/C=US\", \"O\")", "Acme"},
	{"X500 canonical C", "X500(\"CN=John Smith/OU=Sales/O=Acme/C=US\", \"c\")", "US"},
	{"X500 abbreviated O", "X500(\"John Smith/Sales/Acme\", \"O\")", "Acme"},
	{"X500 abbreviated OU", "X500(\"John Smith/Sales/Acme\", \"OU\")", "Sales"},
	{"X500 abbreviated OU 2", "X500(\"John Smith/East/Sales/Acme\", \"OU\", 2)", "Sales"},
	{"X500 abbreviated OU 3", "X500(\"John Smith/East/Sales/Acme\", \"OU\", 3)", ""},
	{"X500 abbreviated C", "X500(\"John Smith/Sales/Acme/US\", \"C\")", "US"},
	{"X500 seed", "X500(\"John T Smith/Notes\", \"CN\")", "John T Smith"},
	{"X500 with domain", "X500(\"John Smith/Sales/Acme@Acme\", \"O\")", "Acme"},
	{"X500 flat name", "X500(\"Administrator\", \"CN\")", "Administrator"},
	{"X500 x.500 CN", "X500(\"/o=Acme/ou=East/ou=Sales/cn=John Smith\", \"CN\")", "John Smith"},
	{"X500 x.500 OU nearest CN", "X500(\"/o=Acme/ou=East/ou=Sales/cn=John Smith\", \"OU\")", "Sales"},
	{"X500 x.500 O", "X500(\"/o=Acme/ou=East/ou=Sales/cn=John Smith\", \"O\")", "Acme"},
	{"X500 first of values", "X500(FullName, \"CN\")", "John T Smith"},
	/* the seed's worked examples and the language */
	{"seed TA", "\"NOTES:\" Strip( FullName, \";\", \"L\", \"R\" ) \"@\" MailDomain",
	"NOTES:John T Smith/Notes@NorthAmerica"},
	{"seed CALDOM", "Trim( Strip( NotesAddr, \"@\", \"L\" ), \"B\" )", "Exchange"},
	{"multi-valued joined by ;", "FullName", "John T Smith/Notes;John Smith"},
	{"tags ignore case", "MAILDOMAIN maildomain", "NorthAmericaNorthAmerica"},
	{"function names ignore case", "left(\"abc\", 1) Left(\"abc\", 2)", "aab"},
	{"concatenation with numbers", "\"a\" 1 \"b\" 22", "a1b22"},
	{"doubled quote", "\"say \"\"hi\"\"\"", "say \"hi\""},
	{"comment after expression", "\"a\" ; \"b\"", "a"},
	{"blank before (", "LEFT (\"abc\", 1)", "a"},
	{"nested", "UPPER(LEFT(TRIM(\"  abc  \"), 2))", "AB"},
	{"value keeps case", "NotesAddr", "Administrator@Exchange"},
};

/* Expressions that fail: the message (COLUMN: message for syntax). */
static const struct {
	const char *label, *expr, *want;
} bad_evals[] = {
	{"unknown function", "FOO(1)", "1: unknown function FOO"},
	{"too few arguments", "LEFT(\"abc\")", "1: LEFT takes 2 to 3 arguments, not 1"},
	{"too many arguments", "UPPER(\"a\", \"b\")", "1: UPPER takes 1 argument, not 2"},
	{"exact arity", "ISEQUAL(1, 2, 3)", "1: ISEQUAL takes 4 arguments, not 3"},
	{"unterminated", "\"abc", "1: unterminated string"},
	{"unterminated later", "LEFT(\"a\", \"1)", "11: unterminated string"},
	{"trailing )", "\"a\" )", "5: unexpected ')' after the expression"},
	{"trailing ,", "\"a\", \"b\"", "4: unexpected ',' after the expression"},
	{"literal not a number", "LEFT(\"abc\", \"x\")", "13: LEFT: argument 2 must be a number, not \"x\""},
	{"literal SUBSTR start 0", "SUBSTR(\"abc\", 0)", "15: SUBSTR: argument 2 must be a number from 1, not \"0\""},
	{"literal TRIM mode", "TRIM(\"a\", \"X\")", "11: TRIM: argument 2 must be \"L\", \"R\" or \"B\", not \"X\""},
	{"literal STRIP scan", "STRIP(\"a\", \"b\", \"M\")", "17: STRIP: argument 3 must be \"L\" or \"R\", not \"M\""},
	{"literal X500 field", "X500(\"a\", \"ZZ\")", "11: X500: field must be CN, OU, O or C, not \"ZZ\""},
	{"literal NAMEF style", "NAMEF(\"a\", 3)", "12: NAMEF: style must be 1 or 2, not \"3\""},
	{"empty argument", "LEFT(\"a\",)", "10: expression expected"},
	{"empty expression", "", "1: expression expected"},
	{"unclosed call", "LEFT(\"a\", 1", "12: ')' expected to close LEFT("},
	{"missing comma", "LEFT(\"a\" 1 \"b\"", "15: ')' expected to close LEFT("},
	{"bad number", "3abc", "1: bad number"},
	{"stray character", "\"a\" # \"b\"", "5: unexpected '#'"},
	{"UTF-8 column", "\"\xc3\xa9\xc3\xa9\" FOO(1)", "6: unknown function FOO"},
	{"dynamic number", "LEFT(\"abc\", NotesAddr)",
	"LEFT: argument 2 must be a number, not \"Administrator@Exchange\""},
	{"length limit", "LEFT(\"a\", 2049)", "LEFT: length 2049 is over 2048 characters"},
	{"result limit", "LEFT(\"a\", 2000, \"x\") LEFT(\"b\", 2000, \"x\")", "result longer than 2048 characters"},
};

/* src_entry - the source entry of the expression tests */
static GHashTable *src_entry(void)
{
	GHashTable *e = maptbl_entry_new();

	maptbl_entry_add(e, "FullName", "John T Smith/Notes");
	maptbl_entry_add(e, "fullname", "John Smith");
	maptbl_entry_add(e, "MailDomain", "NorthAmerica");
	maptbl_entry_add(e, "NotesAddr", "Administrator@Exchange");
	return e;
}

/* Minimal tables for the error cases; a case replaces one file. */
#define LDAP_AMAP "NOTESADDR 256 proxyAddresses(NOTES:)\nFULLNAME 64 displayName\nMAIL 256 mail\n"
#define NOTES_AMAP "FULLNAME 220 FullName 1\nMAILDOMAIN 31 MailDomain 2\n"
#define MAPMEX "FullName = Trim( Strip( NotesAddr, \"@\", \"R\" ), \"B\" )\n"
#define MAPNOTES "TA = \"NOTES:\" FullName \"@\" MailDomain\n"

static const struct {
	const char *label, *file, *text, *want;	/* want NULL: loads */
} tables[] = {
	{"minimal", "mapmex.tbl", MAPMEX, NULL},
	{"unknown function", "mapmex.tbl", "FullName = Foo( NotesAddr )\n", "mapmex.tbl:1:12: unknown function Foo"},
	{"wrong arity", "mapmex.tbl", "FullName = Left( NotesAddr )\n",
	"mapmex.tbl:1:12: LEFT takes 2 to 3 arguments, not 1"},
	{"unknown source tag", "mapmex.tbl", "FullName = NotesAdr\n",
	"mapmex.tbl:1:12: unknown tag NotesAdr (not in amap.ldap.tbl)"},
	{"target tag as source", "mapmex.tbl", "FullName = MailDomain\n",
	"mapmex.tbl:1:12: unknown tag MailDomain (not in amap.ldap.tbl)"},
	{"unknown target", "mapmex.tbl", "Shortname = NotesAddr\n",
	"mapmex.tbl:1:1: unknown target Shortname (not a tag of amap.notes.tbl)"},
	{"unknown target other way", "mapnotes.tbl", "Alias = FullName\n",
	"mapnotes.tbl:1:1: unknown target Alias (not a tag of amap.ldap.tbl)"},
	{"unterminated string", "mapmex.tbl", "FullName = \"abc\n", "mapmex.tbl:1:12: unterminated string"},
	{"trailing garbage", "mapmex.tbl", "FullName = NotesAddr )\n",
	"mapmex.tbl:1:22: unexpected ')' after the expression"},
	{"tabs are one column", "mapmex.tbl", "\tFullName =\tFoo(1)\n", "mapmex.tbl:1:13: unknown function Foo"},
	{"line numbers count comments", "mapmex.tbl", "; comment\n\n  FullName = X(1)\n",
	"mapmex.tbl:3:14: unknown function X"},
	{"CRLF lines", "mapmex.tbl", "; c\r\nFullName = NotesAddr\r\nFullName = NotesAddr\r\n",
	"mapmex.tbl:3:1: a second rule for FullName (the first is at line 2)"},
	{"missing =", "mapmex.tbl", "FullName NotesAddr\n",
	"mapmex.tbl:1:10: unexpected 'N': '=' expected after the target"},
	{"second rule", "mapmex.tbl", MAPMEX "fullname = \"x\"\n",
	"mapmex.tbl:2:1: a second rule for FullName (the first is at line 1)"},
	{"invalid UTF-8", "mapmex.tbl", "; ok\nFullName = \"a\xff\"\n", "mapmex.tbl:2:14: invalid UTF-8"},
	{"control character", "mapmex.tbl", "FullName = \"a\x01\"\n", "mapmex.tbl:1:14: control character 0x01"},
	{"amap MAXLEN missing", "amap.ldap.tbl", "FULLNAME abc displayName\n",
	"amap.ldap.tbl:1:10: unexpected 'a': MAXLEN expected"},
	{"amap MAXLEN 0", "amap.ldap.tbl", "NOTESADDR 0 proxyAddresses(NOTES:)\n", "amap.ldap.tbl:1:11: MAXLEN must be 1 to 2048"},
	{"amap MAXLEN huge", "amap.ldap.tbl", "NOTESADDR 5000 proxyAddresses(NOTES:)\n",
	"amap.ldap.tbl:1:11: MAXLEN must be 1 to 2048"},
	{"amap no attribute", "amap.ldap.tbl", "NOTESADDR 64\n", "amap.ldap.tbl:1:13: unexpected end of line: ATTRIBUTE expected"},
	{"amap duplicate tag", "amap.ldap.tbl", LDAP_AMAP "notesaddr 64 cn\n",
	"amap.ldap.tbl:4:1: tag notesaddr already defined at line 1"},
	{"amap bad prefix", "amap.ldap.tbl", "NOTESADDR 64 proxyAddresses(NOTES: 1\n",
	"amap.ldap.tbl:1:35: unexpected ' ': ')' expected after the prefix"},
	{"amap bad KEY", "amap.notes.tbl", "FULLNAME 220 FullName first\n",
	"amap.notes.tbl:1:23: KEY must be a number or NULL"},
	{"amap duplicate KEY", "amap.notes.tbl", "FULLNAME 220 FullName 1\nMAILDOMAIN 31 MailDomain 1\n",
	"amap.notes.tbl:2:26: KEY 1 already given to FULLNAME at line 1"},
	{"amap garbage after KEY", "amap.notes.tbl", "FULLNAME 220 FullName 1 x\nMAILDOMAIN 31 MailDomain 2\n",
	"amap.notes.tbl:1:25: unexpected 'x' after KEY"},
	{"amap tags over 10 characters", "amap.notes.tbl", NOTES_AMAP "INTERNETADDRESS 256 InternetAddress NULL\n", NULL},
	{"amap comment after KEY", "amap.notes.tbl", "FULLNAME 220 FullName 1 ; first\nMAILDOMAIN 31 MailDomain 2\n", NULL},
	{"filter", "mapmex.tbl", MAPMEX "FILTER Mail EQ \"Smith, John\" | \"x\"\n", NULL},
	{"filter on attribute", "mapmex.tbl", MAPMEX "FILTER proxyAddresses(NOTES:) NE \"\"\n", NULL},
	{"filter unquoted", "mapmex.tbl", MAPMEX "FILTER Mail EQ abc\n",
	"mapmex.tbl:2:16: unexpected 'a': a quoted value expected"},
	{"filter mixed", "mapmex.tbl", MAPMEX "FILTER Mail EQ \"a\" | \"b\" & \"c\"\n",
	"mapmex.tbl:2:26: '|' and '&' mixed in one filter"},
	{"filter unknown", "mapmex.tbl", MAPMEX "FILTER sn EQ \"a\"\n",
	"mapmex.tbl:2:8: unknown filter attribute sn (neither a tag nor an attribute of amap.ldap.tbl)"},
	{"filter operator", "mapmex.tbl", MAPMEX "FILTER Mail IS \"a\"\n",
	"mapmex.tbl:2:13: unexpected 'I': EQ or NE expected"},
	{"filter unterminated", "mapmex.tbl", MAPMEX "FILTER Mail EQ \"a, b\n",
	"mapmex.tbl:2:16: unterminated string"},
	{"filter trailing", "mapmex.tbl", MAPMEX "FILTER Mail EQ \"a\" \"b\"\n",
	"mapmex.tbl:2:20: unexpected '\"': '|', '&' or the end of the line expected"},
	{"a tag named FILTER is a rule", "mapmex.tbl", "FILTER = \"x\"\n",
	"mapmex.tbl:1:1: unknown target FILTER (not a tag of amap.notes.tbl)"},
	{"missing file", "amap.notes.tbl", NULL, "amap.notes.tbl: No such file or directory"},
	{"tags and functions in any case", "mapmex.tbl", "fULLNAME = tRiM( notesADDR, \"b\" )\n", NULL},
	{"byte order mark", "mapmex.tbl", "\xEF\xBB\xBF" MAPMEX, NULL},
	{"target TA not in the amap", "mapnotes.tbl", "ta = \"x\"\nDn = \"y\"\n", NULL},
	{"amap ATTRIBUTE(PREFIX) with tabs", "amap.ldap.tbl", "NOTESADDR\t256\tproxyAddresses(NOTES:)\t; c\nMAIL 1 mail\nFULLNAME 64 displayName\n", NULL},
};

/* write_tables - the minimal tables, then file with text (NULL: removed) */
static void write_tables(const char *file, const char *text)
{
	static const char *names[] = {"amap.ldap.tbl", "amap.notes.tbl", "mapmex.tbl", "mapnotes.tbl"};
	static const char *texts[] = {LDAP_AMAP, NOTES_AMAP, MAPMEX, MAPNOTES};
	size_t  i;

	for (i = 0; i < 4; i++) {
		char   *path = g_build_filename(dir, names[i], NULL);

		if (strcmp(names[i], file) != 0)
			g_file_set_contents(path, texts[i], -1, NULL);
		else if (text)
			g_file_set_contents(path, text, -1, NULL);
		else
			unlink(path);
		g_free(path);
	}
}

/* test_tables - load each table case */
static void test_tables(void)
{
	GString *why = g_string_new("");
	struct maptbl *t;
	size_t  i;

	for (i = 0; i < G_N_ELEMENTS(tables); i++) {
		write_tables(tables[i].file, tables[i].text);
		t = maptbl_load(dir, conf, why);
		if (tables[i].want) {
			char   *want = g_strdup_printf("%s/%s", dir, tables[i].want);

			CHECK(t == NULL, "%s: loaded", tables[i].label);
			CHECK_STR(why->str, want, tables[i].label);
			g_free(want);
		} else
			CHECK(t != NULL, "%s: %s", tables[i].label, why->str);
		maptbl_free(t);
	}
	/* nesting: 32 calls load, 33 do not; rules up to 2048 characters */
	{
		GString *r;
		int     k, deep;

		for (deep = 32; deep <= 33; deep++) {
			r = g_string_new("FullName = ");
			for (k = 0; k < deep; k++)
				g_string_append(r, "UPPER(");
			g_string_append(r, "\"a\"");
			for (k = 0; k < deep; k++)
				g_string_append_c(r, ')');
			g_string_append_c(r, '\n');
			write_tables("mapmex.tbl", r->str);
			t = maptbl_load(dir, conf, why);
			if (deep == 32)
				CHECK(t != NULL, "32 deep: %s", why->str);
			else
				CHECK(t == NULL && strstr(why->str, "mapmex.tbl:1:204: functions nested deeper than 32"),
				      "33 deep: %s", why->str);
			maptbl_free(t);
			g_string_free(r, TRUE);
		}
		r = g_string_new("FullName = \"");
		while (r->len < 2047)	/* 2048 characters: loads */
			g_string_append_c(r, 'x');
		g_string_append(r, "\"\n");
		write_tables("mapmex.tbl", r->str);
		t = maptbl_load(dir, conf, why);
		CHECK(t != NULL, "2048 characters: %s", why->str);
		maptbl_free(t);
		g_string_truncate(r, r->len - 2);
		g_string_append_c(r, 'x');
		g_string_append(r, "\"\n");
		write_tables("mapmex.tbl", r->str);
		t = maptbl_load(dir, conf, why);
		CHECK(t == NULL && strstr(why->str, "mapmex.tbl:1:2049: line longer than 2048 characters"),
		      "long line: %s", why->str);
		maptbl_free(t);
		g_string_free(r, TRUE);
	}
	write_tables("", NULL);
	g_string_free(why, TRUE);
}

/* test_evals - every function and example */
static void test_evals(void)
{
	GHashTable *src = src_entry();
	GString *why = g_string_new("");
	size_t  i;
	char   *r;

	for (i = 0; i < G_N_ELEMENTS(evals); i++) {
		r = maptbl_eval(evals[i].expr, conf, src, why);
		CHECK(r != NULL, "%s: %s", evals[i].label, why->str);
		if (r)
			CHECK_STR(r, evals[i].want, evals[i].label);
		g_free(r);
	}
	for (i = 0; i < G_N_ELEMENTS(bad_evals); i++) {
		r = maptbl_eval(bad_evals[i].expr, conf, src, why);
		CHECK(r == NULL, "%s: got \"%s\"", bad_evals[i].label, r ? r : "");
		CHECK_STR(why->str, bad_evals[i].want, bad_evals[i].label);
		g_free(r);
	}
	g_hash_table_destroy(src);
	g_string_free(why, TRUE);
}

/* first - the one value of attr in a mapped entry, or NULL if absent */
static const char *first(GHashTable *e, const char *attr)
{
	GPtrArray *v = maptbl_entry_get(e, attr);

	if (v && v->len != 1)
		return "(several values)";
	return maptbl_entry_first(e, attr);
}

/* contains - 1 if the NULL-terminated list has s */
static int contains(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* test_defaults - the shipped tables load and map both ways */
static void test_defaults(const char *maps)
{
	GString *why = g_string_new("");
	struct maptbl *t = maptbl_load(maps, conf, why);
	GHashTable *u, *m, *p;
	const char *const *k;

	CHECK(t != NULL, "default tables: %s", why->str);
	if (t == NULL)
		return;
	k = maptbl_keys(t, MAPTBL_TO_NOTES);
	CHECK(k[0] && strcmp(k[0], "fullname") == 0 && k[1] && strcmp(k[1], "maildomain") == 0 && !k[2],
	      "keys to Notes: FullName, MailDomain, casefolded");
	k = maptbl_keys(t, MAPTBL_TO_LDAP);
	CHECK(k[0] && strcmp(k[0], "ta") == 0 && !k[1], "key to LDAP: TA");
	k = maptbl_source_attrs(t, MAPTBL_TO_NOTES);
	CHECK(contains(k, "proxyAddresses") && contains(k, "mail") && contains(k, "displayName")
	      && !contains(k, "$$DN"), "LDAP attributes to read");
	k = maptbl_source_attrs(t, MAPTBL_TO_LDAP);
	CHECK(contains(k, "FullName") && contains(k, "InternetAddress") && !contains(k, "$$UNID"),
	      "Notes items to read");
	k = maptbl_target_attrs(t, MAPTBL_TO_LDAP);
	CHECK(contains(k, "TA") && contains(k, "DN") && contains(k, "mailNickname") && contains(k, "mail")
	      && !contains(k, "sAMAccountName"), "LDAP attributes written");

	/* an LDAP user to Notes */
	u = maptbl_entry_new();
	maptbl_entry_add(u, "displayName", "Jane Doe");
	maptbl_entry_add(u, "givenName", "jANE");
	maptbl_entry_add(u, "SN", "Doe");
	maptbl_entry_add(u, "mailNickname", "janedoe-longalias");
	maptbl_entry_add(u, "proxyAddresses", "SMTP:jane@example.com");
	maptbl_entry_add(u, "proxyAddresses", "notes:Old Name/Exchange@Exchange");
	maptbl_entry_add(u, "proxyAddresses", "NOTES:Jane Doe/Exchange@Exchange");
	maptbl_entry_add(u, "mail", "jane@example.com");
	maptbl_entry_add(u, "company", "Acme, Inc.");
	maptbl_entry_add(u, "$$DN", "CN=Jane Doe,OU=Users,DC=example,DC=com");
	CHECK(maptbl_filter(t, MAPTBL_TO_NOTES, u) == 1, "a user with a NOTES: proxy passes");
	m = maptbl_map(t, MAPTBL_TO_NOTES, u, why);
	CHECK(m != NULL, "map to Notes: %s", why->str);
	if (m) {
		CHECK_STR(first(m, "FullName"), "Jane Doe/Exchange", "FullName from the primary NOTES: proxy");
		CHECK_STR(first(m, "MailDomain"), "Exchange", "MailDomain");
		CHECK_STR(first(m, "ShortName"), "janedoe-", "ShortName cut to MAXLEN 8");
		CHECK_STR(first(m, "FirstName"), "jANE", "case kept");
		CHECK_STR(first(m, "LastName"), "Doe", "LastName");
		CHECK_STR(first(m, "CompanyName"), "Acme, Inc.", "CompanyName");
		CHECK_STR(first(m, "Department"), "", "a rule giving nothing: present, empty");
		CHECK_STR(first(m, "InternetAddress"), "jane@example.com", "InternetAddress from mail");
		CHECK_STR(first(m, "$$UNID"), "00000000-00000000-00000000-00000000", "UNID");
		CHECK_STR(first(m, "DN"), "CN=Jane Doe,OU=Users,DC=example,DC=com", "DN special target");
		CHECK_STR(first(m, "$$DN"), NULL, "no rule, absent");
		g_hash_table_destroy(m);
	}
	/* UTF-8 safe MAXLEN, the non-primary proxy, LastName from FullName */
	g_hash_table_remove(u, "proxyaddresses");
	g_hash_table_remove(u, "sn");
	maptbl_entry_add(u, "proxyAddresses", "notes:Zo\xc3\xab \xc3\x9cnal/Exchange@Exchange");
	g_hash_table_remove(u, "mailnickname");
	maptbl_entry_add(u, "mailNickname", "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4");
	m = maptbl_map(t, MAPTBL_TO_NOTES, u, why);
	CHECK(m != NULL, "map to Notes 2: %s", why->str);
	if (m) {
		CHECK_STR(first(m, "FullName"), "Zo\xc3\xab \xc3\x9cnal/Exchange", "secondary proxy when no primary");
		CHECK_STR(first(m, "ShortName"), "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4",
			  "MAXLEN counts characters");
		CHECK_STR(first(m, "LastName"), "Jane Doe", "LastName falls back to the display name");
		g_hash_table_destroy(m);
	}
	/* an entry mapped into again (maptbl_entry_give/take(), maptbl_map_into())
	 * is what a new one would be: nothing of the last entry is left,
	 * not even what was added to it after the mapping */
	{
		GHashTable *again = maptbl_entry_new(), *fresh = maptbl_map(t, MAPTBL_TO_NOTES, u, why), *spare = NULL;
		GHashTable *other = maptbl_entry_new();
		GHashTableIter it;
		gpointer k, v;

		maptbl_entry_add(other, "displayName", "Other Person");
		maptbl_entry_add(other, "proxyAddresses", "NOTES:Other Person/Exchange@Exchange");
		CHECK(maptbl_map_into(t, MAPTBL_TO_NOTES, other, again, why), "map into: %s", why->str);
		maptbl_entry_add(again, "lme-extra", "added after the mapping");
		maptbl_entry_give(&spare, again);
		CHECK(maptbl_entry_take(&spare) == again && spare == NULL, "the entry given is the one taken");
		CHECK(maptbl_map_into(t, MAPTBL_TO_NOTES, u, again, why), "map into again: %s", why->str);
		CHECK(fresh && g_hash_table_size(again) == g_hash_table_size(fresh), "as many attributes as new");
		g_hash_table_iter_init(&it, fresh);
		while (fresh && g_hash_table_iter_next(&it, &k, &v)) {
			GPtrArray *a = g_hash_table_lookup(again, k);

			CHECK(a && a->len == 1 && ((GPtrArray *) v)->len == 1
			      && strcmp(g_ptr_array_index(a, 0), g_ptr_array_index((GPtrArray *) v, 0)) == 0,
			      "%s mapped again as new", (char *) k);
		}
		g_hash_table_destroy(other);
		g_hash_table_destroy(again);
		if (fresh)
			g_hash_table_destroy(fresh);
	}
	g_hash_table_remove(u, "proxyaddresses");
	maptbl_entry_add(u, "proxyAddresses", "SMTP:jane@example.com");
	CHECK(maptbl_filter(t, MAPTBL_TO_NOTES, u) == 0, "a user without a NOTES: proxy is filtered out");
	g_hash_table_remove(u, "mail");
	maptbl_entry_add(u, "mail", "jane@\xff");
	m = maptbl_map(t, MAPTBL_TO_NOTES, u, why);
	CHECK(m == NULL && strstr(why->str, "mail: invalid UTF-8"), "invalid UTF-8 in a value: %s", why->str);
	if (m)
		g_hash_table_destroy(m);
	g_hash_table_destroy(u);

	/* a Notes Person to LDAP: the seed's worked example */
	p = maptbl_entry_new();
	maptbl_entry_add(p, "FullName", "John T Smith/Notes");
	maptbl_entry_add(p, "FullName", "John Smith");
	maptbl_entry_add(p, "MailDomain", "NorthAmerica");
	maptbl_entry_add(p, "FirstName", "John");
	maptbl_entry_add(p, "JobTitle", "Vice-President");
	maptbl_entry_add(p, "$$UNID", "0123456789ABCDEF0123456789ABCDEF");
	m = maptbl_map(t, MAPTBL_TO_LDAP, p, why);
	CHECK(m != NULL, "map to LDAP: %s", why->str);
	if (m) {
		CHECK_STR(first(m, "TA"), "NOTES:John T Smith/Notes@NorthAmerica", "seed TA");
		CHECK_STR(first(m, "displayName"), "John T Smith", "displayName is the CN");
		CHECK_STR(first(m, "mailNickname"), "John.T.Smith", "alias without ShortName");
		CHECK_STR(first(m, "sn"), "Smith", "sn from the name when LastName is empty");
		CHECK_STR(first(m, "givenName"), "John", "givenName");
		CHECK_STR(first(m, "title"), "Vice-President", "title");
		CHECK_STR(first(m, "mail"), "", "no InternetAddress, no ShortName: empty mail");
		CHECK_STR(first(m, "DN"), "0123456789ABCDEF0123456789ABCDEF", "DN from the UNID");
		CHECK_STR(first(m, "sAMAccountName"), NULL, "no rule back: absent");
		CHECK_STR(first(m, "uSNCreated"), NULL, "no rule back: absent");
		g_hash_table_destroy(m);
	}
	maptbl_entry_add(p, "ShortName", "jsmith");
	m = maptbl_map(t, MAPTBL_TO_LDAP, p, why);
	CHECK(m != NULL, "map to LDAP 2: %s", why->str);
	if (m) {
		CHECK_STR(first(m, "mailNickname"), "jsmith", "alias from ShortName");
		CHECK_STR(first(m, "mail"), "jsmith@notes.example.com", "mail from ShortName and notes_address_space");
		g_hash_table_destroy(m);
	}
	maptbl_entry_add(p, "InternetAddress", "John.Smith@Acme.example");
	m = maptbl_map(t, MAPTBL_TO_LDAP, p, why);
	CHECK(m != NULL, "map to LDAP 3: %s", why->str);
	if (m) {
		CHECK_STR(first(m, "mail"), "John.Smith@Acme.example", "mail is the InternetAddress, case kept");
		g_hash_table_destroy(m);
	}
	g_hash_table_destroy(p);
	maptbl_free(t);
	g_string_free(why, TRUE);
}

/* test_filters - EQ/NE, | and &, quoted commas, prefixed attributes */
static void test_filters(void)
{
	static const struct {
		const char *label, *filter, *mail;
		int     want;
	} cases[] = {
		{"EQ match any case", "FILTER Mail EQ \"Smith, John\" | \"x\"", "smith, JOHN", 1},
		{"EQ second value", "FILTER Mail EQ \"Smith, John\" | \"x\"", "x", 1},
		{"EQ no match", "FILTER Mail EQ \"Smith, John\" | \"x\"", "Smith", 0},
		{"NE |", "FILTER Mail NE \"a\" | \"b\"", "a", 1},
		{"NE &", "FILTER Mail NE \"a\" & \"b\"", "a", 0},
		{"NE & neither", "FILTER Mail NE \"a\" & \"b\"", "c", 1},
		{"EQ empty matches absent", "FILTER Mail EQ \"\"", NULL, 1},
		{"EQ & needs both values", "FILTER Mail EQ \"a\" & \"b\"", "a", 0},
		{"doubled quote", "FILTER Mail EQ \"say \"\"hi\"\"\"", "say \"hi\"", 1},
		{"two filters ANDed", "FILTER Mail NE \"\"\nFILTER NotesAddr EQ \"j@X\"", "a", 1},
		{"two filters, one fails", "FILTER Mail NE \"\"\nFILTER NotesAddr EQ \"other@X\"", "a", 0},
		{"prefixed attribute", "FILTER proxyAddresses(NOTES:) EQ \"J@x\"", "a", 1},
		{"man page example, kept", "FILTER displayName NE \"Backup, Service\" & \"Scanner\"", "a", 1},
		{"man page example, dropped", "FILTER FullName NE \"Backup, Service\" & \"Scanner\"", "a", 0},
	};
	GString *why = g_string_new("");
	size_t  i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char   *text = g_strconcat(MAPMEX, cases[i].filter, "\n", NULL);
		struct maptbl *t;
		GHashTable *e = maptbl_entry_new();

		write_tables("mapmex.tbl", text);
		g_free(text);
		t = maptbl_load(dir, conf, why);
		CHECK(t != NULL, "%s: %s", cases[i].label, why->str);
		if (cases[i].mail)
			maptbl_entry_add(e, "mail", cases[i].mail);
		maptbl_entry_add(e, "proxyAddresses", "SMTP:j@example.com");
		maptbl_entry_add(e, "proxyAddresses", "NOTES:j@X");
		maptbl_entry_add(e, "displayName", strstr(cases[i].label, "dropped") ? "backup, service" : "Jane");
		if (t)
			CHECK(maptbl_filter(t, MAPTBL_TO_NOTES, e) == cases[i].want, "%s", cases[i].label);
		CHECK(t && maptbl_filter(t, MAPTBL_TO_LDAP, e) == 1, "%s: no filters the other way", cases[i].label);
		g_hash_table_destroy(e);
		maptbl_free(t);
	}
	write_tables("", NULL);
	g_string_free(why, TRUE);
}

/* test_map_error - an evaluation error names the file, line and rule */
static void test_map_error(void)
{
	GString *why = g_string_new("");
	struct maptbl *t;
	GHashTable *e = maptbl_entry_new(), *m;
	char   *want;

	write_tables("mapmex.tbl", "; long\nFullName = LEFT(NotesAddr, 2000, \"x\") LEFT(NotesAddr, 2000, \"x\")\n");
	t = maptbl_load(dir, conf, why);
	CHECK(t != NULL, "long rule loads: %s", why->str);
	if (t) {
		maptbl_entry_add(e, "proxyAddresses", "NOTES:a@b");
		m = maptbl_map(t, MAPTBL_TO_NOTES, e, why);
		CHECK(m == NULL, "result over 2048 characters is an error");
		want = g_strdup_printf("%s/mapmex.tbl:2: rule for FullName: result longer than 2048 characters", dir);
		CHECK_STR(why->str, want, "evaluation error message");
		g_free(want);
		if (m)
			g_hash_table_destroy(m);
		maptbl_free(t);
	}
	g_hash_table_destroy(e);
	write_tables("", NULL);
	g_string_free(why, TRUE);
}

/* notes_entry - a mapped Notes entry with FullName and MailDomain */
static GHashTable *notes_entry(const char *full, const char *domain)
{
	GHashTable *e = maptbl_entry_new();

	if (full)
		maptbl_entry_add(e, "FullName", full);
	if (domain)
		maptbl_entry_add(e, "MailDomain", domain);
	return e;
}

/* test_unique - the chained uniqueness rule */
static void test_unique(void)
{
	GString *why = g_string_new("");
	struct maptbl *t;
	GPtrArray *entries = g_ptr_array_new_with_free_func((GDestroyNotify) g_hash_table_destroy);
	GPtrArray *rejected = g_ptr_array_new(), *keys;

	write_tables("", NULL);
	t = maptbl_load(dir, conf, why);
	CHECK(t != NULL, "tables for keys: %s", why->str);
	if (t == NULL)
		return;
	g_ptr_array_add(entries, notes_entry("X", "D1"));	/* 0: X+D1 */
	g_ptr_array_add(entries, notes_entry("X", "D2"));	/* 1: X+D2 */
	g_ptr_array_add(entries, notes_entry("Y", "D1"));	/* 2: y+d1 */
	g_ptr_array_add(entries, notes_entry("Z", "D3"));	/* 3: rejected */
	g_ptr_array_add(entries, notes_entry("Z", "D3"));	/* 4: rejected */
	g_ptr_array_add(entries, notes_entry(NULL, ""));	/* 5: no key value */
	g_ptr_array_add(entries, notes_entry("y", "D9"));	/* 6: y+d9 */
	g_ptr_array_add(entries, notes_entry("W", "D1"));	/* 7: w */
	keys = maptbl_unique_key(t, MAPTBL_TO_NOTES, entries, rejected, why);
	CHECK_STR(keys->pdata[0], "x" MAPTBL_KEY_SEP "d1", "first+second key");
	CHECK_STR(keys->pdata[1], "x" MAPTBL_KEY_SEP "d2", "first+second key, other");
	CHECK_STR(keys->pdata[2], "y" MAPTBL_KEY_SEP "d1", "first key not unique ignoring case");
	CHECK_STR(keys->pdata[3], NULL, "no unique combination");
	CHECK_STR(keys->pdata[4], NULL, "no unique combination, other");
	CHECK_STR(keys->pdata[5], NULL, "no key value");
	CHECK_STR(keys->pdata[6], "y" MAPTBL_KEY_SEP "d9", "keys compare ignoring case");
	CHECK_STR(keys->pdata[7], "w", "first key alone, casefolded");
	CHECK(rejected->len == 3 && rejected->pdata[0] == entries->pdata[3] && rejected->pdata[2] == entries->pdata[5],
	      "rejected entries");
	CHECK_STR(why->str, "key fullname=Z+maildomain=D3 is not unique\n"
		  "key fullname=Z+maildomain=D3 is not unique\n"
		  "key fullname=+maildomain= has no key value", "rejections reported");
	g_ptr_array_unref(keys);
	g_ptr_array_free(rejected, TRUE);
	g_ptr_array_free(entries, TRUE);
	maptbl_free(t);
	g_string_free(why, TRUE);
}

int     main(int argc, char **argv)
{
	char    tmpl[] = "/tmp/maptbl_test.XXXXXX";
	char   *path;
	GString *why = g_string_new("");

	if (argc != 2) {
		fprintf(stderr, "usage: maptbl_test MAPSDIR\n");
		return 2;
	}
	dir = mkdtemp(tmpl);
	path = g_build_filename(dir, "lme.conf", NULL);
	g_file_set_contents(path, "[lme]\nnotes_domain = Acme\nsmtp_domain = example.com\n"
			    "[mexout]\nnotes_address_space = notes.example.com, other.example\n"
			    "[params]\nsite = Here\n", -1, NULL);
	conf = conf_load(path, why);
	CHECK(conf != NULL, "conf: %s", why->str);
	unlink(path);
	g_free(path);

	test_evals();
	test_tables();
	test_filters();
	test_unique();
	test_map_error();
	test_defaults(argv[1]);

	{
		static const char *names[] = {"amap.ldap.tbl", "amap.notes.tbl", "mapmex.tbl", "mapnotes.tbl"};
		size_t  i;

		for (i = 0; i < 4; i++) {
			path = g_build_filename(dir, names[i], NULL);
			unlink(path);
			g_free(path);
		}
		rmdir(dir);
	}
	conf_free(conf);
	g_string_free(why, TRUE);
	return unit_done("maptbl_test");
}
