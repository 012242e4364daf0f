/* conf_test - lme.conf(5): values, defaults, and errors naming file,
 * line and key. */
#include <stdlib.h>
#include <unistd.h>

#include "global/conf.h"
#include "unit.h"

static char *dir;

static struct conf *load(const char *text, GString *why)
{
	char   *path = g_build_filename(dir, "lme.conf", NULL);
	struct conf *c;

	g_file_set_contents(path, text, -1, NULL);
	c = conf_load(path, why);
	g_free(path);
	return c;
}

#define BASE "[lme]\nnotes_domain = Acme\nsmtp_domain = example.com\n"

static const struct {
	const char *label, *text, *want_error;	/* substring; NULL: loads */
} cases[] = {
	{"minimal", BASE, NULL},
	{"unknown key", BASE "bogus = 1\n", "lme.conf:4: [lme] bogus: unknown key"},
	{"unknown section", BASE "[nope]\nx = 1\n", "lme.conf:4: unknown section [nope]"},
	{"bad time", BASE "poll_interval = soon\n", "lme.conf:4: [lme] poll_interval: expected a time"},
	{"bad choice", BASE "[mexnts]\nbody_format = rtf\n", "lme.conf:5: [mexnts] body_format: expected one of richtext|mime"},
	{"bad relay", BASE "[mexin]\nrelay = lmtp:x\n", "lme.conf:5: [mexin] relay: expected smtp:HOST:PORT or sendmail:PATH"},
	{"relative sendmail", BASE "[mexin]\nrelay = sendmail:sendmail\n", "needs an absolute path"},
	{"missing required", "[lme]\nnotes_domain = Acme\n", "[lme] smtp_domain: required key missing"},
	{"syntax", BASE "this is not ini\n", "lme.conf:4: syntax error"},
	{"bad percent", BASE "[dxa]\nmax_delete_percent = 150\n", "lme.conf:5: [dxa] max_delete_percent: expected a whole number from 0 to 100"},
	{"bad bool", BASE "[dxa]\nldap_starttls = maybe\n", "expected yes or no"},
	{"long line", BASE "; aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nspool = x\n", "line too long"},
	{"params section free", BASE "[params]\nanything = goes\n", NULL},
};

int main(void)
{
	char    tmpl[] = "/tmp/conf_test.XXXXXX";
	GString *why = g_string_new(NULL);
	struct conf *c;
	size_t  i;

	dir = mkdtemp(tmpl);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		c = load(cases[i].text, why);
		if (cases[i].want_error)
			CHECK(!c && strstr(why->str, cases[i].want_error), "%s: got \"%s\"", cases[i].label,
			      c ? "(loaded)" : why->str);
		else
			CHECK(c != NULL, "%s: %s", cases[i].label, why->str);
		conf_free(c);
	}

	c = load(BASE "spool = q\npoll_interval = 2m\n[mexout]\nnotes_address_space = a.example, .b.example\n"
		 "[dxa]\nexport_base = ou=People,dc=x;ou=Staff,dc=x\n[params]\nSite = Here\n", why);
	CHECK(c != NULL, "full: %s", why->str);
	if (c) {
		char   *want = g_build_filename(dir, "q", NULL);

		CHECK_STR(c->spool, want, "relative spool from the file's directory");
		g_free(want);
		CHECK(c->poll_interval == 120, "2m is 120s");
		CHECK(c->max_queue_lifetime == 5 * 86400, "default lifetime 5d");
		CHECK(c->hop_limit == 25, "default hop limit 25");
		CHECK_STR(c->body_format, "richtext", "default body_format");
		CHECK(c->notes_address_space && g_strv_length(c->notes_address_space) == 2, "list of 2");
		CHECK_STR(c->notes_address_space[1], ".b.example", "list value");
		CHECK(c->export_base && g_strv_length(c->export_base) == 2, "DNs split on ';' only");
		CHECK_STR(c->export_base[0], "ou=People,dc=x", "DN kept whole");
		CHECK_STR(conf_get(c, "params", "site"), "Here", "conf_get ignores case of the key");
		CHECK_STR(conf_get(c, "lme", "nokey"), NULL, "absent key");
		conf_free(c);
	}
	CHECK(conf_parse_time("5d") == 432000 && conf_parse_time("x") < 0 && conf_parse_time("5dd") < 0, "times");
	CHECK(conf_parse_size("10k") == 10240 && conf_parse_size("-1") < 0, "sizes");
	unsetenv("LME_CONF");
	CHECK_STR(conf_path(NULL), CONF_DEFAULT_PATH, "default path");
	setenv("LME_CONF", "/x/lme.conf", 1);
	CHECK_STR(conf_path(NULL), "/x/lme.conf", "$LME_CONF");
	CHECK_STR(conf_path("/y"), "/y", "-c wins");
	g_string_free(why, TRUE);
	return unit_done("conf_test");
}
