/* inbound_test - IMCEA round trip, header rewriting, xtext, SMTP reply
 * status codes; exits non-zero on the first failure */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "global/address.h"
#include "global/conf.h"
#include "inbound/inbound.h"
#include "inbound/submit.h"

static int failures;

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	failures++; } } while (0)

static void check_str(const char *what, const char *got, const char *want)
{
	if (!got || strcmp(got, want) != 0) {
		fprintf(stderr, "%s: got [%s], want [%s]\n", what, got ? got : "(null)", want);
		failures++;
	}
}

static void round_trip(const struct conf *conf, const char *notes, const char *want_smtp)
{
	char   *smtp = address_sender_to_smtp(conf, NULL, notes);
	char   *back = smtp ? address_rcpt_to_notes(conf, NULL, smtp) : NULL;
	char   *abbr = address_notes_abbreviate(notes);

	if (want_smtp)
		check_str("encapsulate", smtp, want_smtp);
	check_str("round trip", back, abbr);
	g_free(smtp);
	g_free(back);
	g_free(abbr);
}

static GMimeMessage *parse(const char *text)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(st);
	return m;
}

static char *headers(GMimeMessage *m)
{
	return g_mime_object_get_headers(GMIME_OBJECT(m), NULL);
}

int main(void)
{
	struct conf conf = {0};
	GMimeMessage *m;
	char   *h, *x;

	g_mime_init();
	conf.notes_domain = "Acme";
	conf.foreign_domain = "Exchange";
	conf.smtp_domain = "example.com";

	/* IMCEA (MS-OXCMAIL 2.1.3.1.8) and back (as mexout decapsulates) */
	round_trip(&conf, "John Smith/Sales/Acme@Acme",
		   "IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com");
	round_trip(&conf, "CN=John Smith/OU=Sales/O=Acme@Acme",
		   "IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com");
	round_trip(&conf, "Jane_Doe+1/Dev.Team/Acme@Acme",
		   "IMCEANOTES-Jane+5FDoe+2B1_Dev+2ETeam_Acme+40Acme@example.com");
	round_trip(&conf, "J\xc3\xbcrgen M\xc3\xbcller/Sales/Acme@Acme", NULL);
	round_trip(&conf, "O'Brien=x/Acme@Acme", NULL);
	/* a Notes name without a domain gets the Notes domain */
	x = address_sender_to_smtp(&conf, NULL, "John Smith/Sales/Acme");
	check_str("no domain", x, "IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com");
	g_free(x);

	/* recipients: strip @foreign_domain, a one-off SMTP address as is */
	x = address_rcpt_to_smtp(&conf, NULL, "zoe@partner.example@Exchange");
	check_str("one-off", x, "zoe@partner.example");
	g_free(x);
	CHECK(address_rcpt_to_smtp(&conf, NULL, "Nobody/Acme@Exchange") == NULL);

	/* headers: Notes names in addr-specs, display names and X- headers */
	m = parse("From: \"John Smith/Sales/Acme@Acme\" <x@invalid>\n"
		  "To: \"Zoe\" <\"Zoe Partner/Ext\"@Exchange>, plain@example.org\n"
		  "Cc: J\xc3\xbcrgen <jm@example.org>\n"
		  "X-Lme-Notes-Cc: J\xc3\xbcrgen M\xc3\xbcller/Sales/Acme@Acme\n"
		  "X-Lme-Other: drop me\n"
		  "Subject: s\n\nbody\n");
	inbound_headers(&conf, NULL, m);
	h = headers(m);
	CHECK(strstr(h, "From: John Smith <IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com>") != NULL);
	CHECK(strstr(h, "To: Zoe <IMCEANOTES-Zoe+20Partner_Ext+40Exchange@example.com>,") != NULL);
	CHECK(strstr(h, "plain@example.org") != NULL);
	CHECK(strstr(h, "=?iso-8859-1?q?J=FCrgen?=") != NULL || strstr(h, "=?utf-8?") != NULL);
	CHECK(strstr(h, "IMCEANOTES-J+C3+BCrgen+20M+C3+BCller_Sales_Acme+40Acme@example.com") != NULL);
	CHECK(strstr(h, "X-Lme") == NULL);
	if (failures)
		fprintf(stderr, "headers:\n%s\n", h);
	g_free(h);
	g_object_unref(m);

	/* a header value with CR LF in a display name never injects a header */
	m = parse("From: John Smith/Sales/Acme@Acme\nX-Lme-Notes-From: Evil\r\n Bcc: x@y/Acme@Acme\nSubject: s\n\nb\n");
	inbound_headers(&conf, NULL, m);
	h = headers(m);
	CHECK(strstr(h, "\nBcc:") == NULL);
	g_free(h);
	g_object_unref(m);

	/* hops: the Received count when larger */
	m = parse("Received: a\nReceived: b\nReceived: c\nSubject: s\n\nb\n");
	CHECK(inbound_hops(m, 1) == 3);
	CHECK(inbound_hops(m, 7) == 7);
	g_object_unref(m);

	/* xtext (RFC 3461) */
	x = submit_xtext("a+b=c d\x7f");
	check_str("xtext", x, "a+2Bb+3Dc+20d+7F");
	g_free(x);
	/* the envelope keeps xtext as the MTA gave it: sent unchanged */
	x = submit_xtext("rfc822+3Bzoe+2Bx@partner.example");
	check_str("xtext kept", x, "rfc822+3Bzoe+2Bx@partner.example");
	g_free(x);
	x = submit_xtext("a+2b");	/* lower-case hex is not xtext */
	check_str("xtext lower", x, "a+2B2b");
	g_free(x);

	g_mime_shutdown();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
