/* address_test - IMCEA (MS-OXCMAIL 2.1.3.1.8), Notes names, the map,
 * and translation both ways. */
#include <stdlib.h>
#include <unistd.h>

#include "global/address.h"
#include "unit.h"

int main(void)
{
	char    tmpl[] = "/tmp/address_test.XXXXXX";
	char   *dir = mkdtemp(tmpl), *path, *s, *back;
	GString *why = g_string_new(NULL);
	struct conf conf = {0};
	char   *space[] = {"notes.example.com", ".acme.example", NULL};
	struct addrmap *map;
	static const struct { const char *in, *want; } enc[] = {
		{"John Smith/Sales/Acme@Acme", "IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com"},
		{"a_b+c.d", "IMCEANOTES-a+5Fb+2Bc+2Ed@example.com"},
		{"x=y-z", "IMCEANOTES-x=y-z@example.com"},
	};
	static const struct { const char *in, *want; } abbr[] = {
		{"CN=John Smith/OU=Sales/O=Acme@Acme", "John Smith/Sales/Acme@Acme"},
		{"CN=John B Goode/OU=Sales/OU=East/O=Acme/C=US", "John B Goode/Sales/East/Acme/US"},
		{"John Smith/Sales/Acme", "John Smith/Sales/Acme"},
		{"zoe@partner.example@Exchange", "zoe@partner.example@Exchange"},
	};
	size_t  i;

	conf.smtp_domain = "example.com";
	conf.notes_domain = "Acme";
	conf.foreign_domain = "Exchange";
	conf.notes_address_space = space;

	for (i = 0; i < G_N_ELEMENTS(enc); i++) {
		s = address_imcea_encode("NOTES", enc[i].in, "example.com");
		CHECK_STR(s, enc[i].want, enc[i].in);
		back = address_imcea_decode("NOTES", s, "EXAMPLE.com");
		CHECK_STR(back, enc[i].in, "decode gives back the address");
		g_free(s);
		g_free(back);
	}
	CHECK(address_imcea_decode("NOTES", "IMCEANOTES-x@other.com", "example.com") == NULL, "other domain");
	CHECK(address_imcea_decode("NOTES", "IMCEANOTES-a+0Db@example.com", "example.com") == NULL, "no CR");
	CHECK(address_imcea_decode("NOTES", "john@example.com", "example.com") == NULL, "not IMCEA");
	CHECK(address_imcea_decode("NOTES", "IMCEANOTES-a\nb@example.com", "example.com") == NULL,
	      "raw control character refused (found by fuzz_imcea)");
	for (i = 0; i < G_N_ELEMENTS(abbr); i++) {
		s = address_notes_abbreviate(abbr[i].in);
		CHECK_STR(s, abbr[i].want, abbr[i].in);
		g_free(s);
	}
	CHECK(address_in_space(&conf, "a@notes.example.com") && address_in_space(&conf, "a@NOTES.example.com"),
	      "domain in space, any case");
	CHECK(address_in_space(&conf, "a@x.acme.example") && address_in_space(&conf, "a@acme.example"),
	      ".domain matches itself and subdomains");
	CHECK(!address_in_space(&conf, "a@example.com") && !address_in_space(&conf, "nodomain"), "outside");
	CHECK(address_is_smtp("zoe@partner.example") && !address_is_smtp("John Smith/Acme")
	      && !address_is_smtp("a b@x.y") && !address_is_smtp("@x") && !address_is_smtp("a@"),
	      "RFC 5321 mailboxes");

	path = g_build_filename(dir, "addresses", NULL);
	g_file_set_contents(path, "# comment\n\njohn@notes.example.com\tJohn Smith/Sales/Acme@Acme\tJohn Smith\n"
			    "jane@example.com\tJane Doe/Exchange@Exchange\n", -1, NULL);
	map = addrmap_open(path, why);
	CHECK(map && addrmap_size(map) == 2, "map loads: %s", why->str);

	s = address_rcpt_to_notes(&conf, map, "JOHN@notes.example.com");
	CHECK_STR(s, "John Smith/Sales/Acme@Acme", "recipient by the map, any case");
	g_free(s);
	CHECK(address_rcpt_to_notes(&conf, map, "nobody@notes.example.com") == NULL, "unknown does not translate");
	s = address_rcpt_to_notes(&conf, map, "IMCEANOTES-Pat+20Lee_Acme+40Acme@example.com");
	CHECK_STR(s, "Pat Lee/Acme@Acme", "IMCEA recipient decapsulated");
	g_free(s);
	s = address_sender_to_notes(&conf, map, "zoe@partner.example");
	CHECK_STR(s, "zoe@partner.example@Exchange", "one-off sender");
	g_free(s);
	s = address_sender_to_notes(&conf, map, "");
	CHECK_STR(s, "", "null sender stays null");
	g_free(s);

	s = address_rcpt_to_smtp(&conf, map, "Jane Doe/Exchange@Exchange");
	CHECK_STR(s, "jane@example.com", "Notes recipient by the map");
	g_free(s);
	s = address_rcpt_to_smtp(&conf, map, "zoe@partner.example@Exchange");
	CHECK_STR(s, "zoe@partner.example", "one-off recipient used as is");
	g_free(s);
	CHECK(address_rcpt_to_smtp(&conf, map, "Nobody/Exchange@Exchange") == NULL, "unknown Notes recipient");
	s = address_sender_to_smtp(&conf, map, "CN=John Smith/OU=Sales/O=Acme@Acme");
	CHECK_STR(s, "john@notes.example.com", "canonical sender abbreviated, then mapped");
	g_free(s);
	s = address_sender_to_smtp(&conf, map, "Pat Lee/Acme@Acme");
	CHECK_STR(s, "IMCEANOTES-Pat+20Lee_Acme+40Acme@example.com", "unmapped sender encapsulated");
	back = address_rcpt_to_notes(&conf, map, s);
	CHECK_STR(back, "Pat Lee/Acme@Acme", "a reply to the IMCEA sender reaches the same Notes address");
	g_free(s);
	g_free(back);
	s = address_sender_to_smtp(&conf, map, "Pat Lee/Acme");
	CHECK_STR(s, "IMCEANOTES-Pat+20Lee_Acme+40Acme@example.com", "no domain: notes_domain added");
	g_free(s);
	CHECK_STR(address_display(map, "john@notes.example.com"), "John Smith", "display name");

	/* a bad map keeps the old one */
	sleep(1);
	g_file_set_contents(path, "no tab here\n", -1, NULL);
	CHECK(!addrmap_refresh(map, why) && strstr(why->str, "addresses:1:"), "bad line named: %s", why->str);
	CHECK(addrmap_size(map) == 2, "old map kept");
	g_file_set_contents(path, "new@notes.example.com\tNew/Acme@Acme\n", -1, NULL);
	CHECK(addrmap_refresh(map, why) && addrmap_size(map) == 1, "changed map re-read");
	addrmap_free(map);
	g_free(path);
	g_string_free(why, TRUE);
	return unit_done("address_test");
}
