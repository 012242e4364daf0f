/* envelope_test - the SMTP-side queue file envelope: round trip,
 * refusal of control characters, truncation. */
#include "global/envelope.h"
#include "unit.h"

static struct envelope *parse(const char *text, GString *why)
{
	FILE   *fp = fmemopen((void *)text, strlen(text), "r");
	struct envelope *e = envelope_read(fp, why);

	fclose(fp);
	return e;
}

int main(void)
{
	GString *why = g_string_new(NULL);
	struct envelope *e = envelope_new(), *r;
	struct env_rcpt *rc;
	char   *buf = NULL;
	size_t  len = 0;
	FILE   *fp;
	static const struct { const char *label, *text, *want; } bad[] = {
		{"no magic", "hello\n", "not an lme envelope"},
		{"truncated", "lme-envelope 1\nid x\nsender a@b\n", "truncated"},
		{"no id", "lme-envelope 1\nsender a@b\nend\n", "no id"},
		{"bad rcpt", "lme-envelope 1\nid x\nrcpt nothing\nend\n", "bad recipient"},
		{"no value", "lme-envelope 1\nid x\nsender\nend\n", "no value"},
	};
	size_t  i;

	e->id = g_strdup("1.M1P1Q1.host");
	g_free(e->sender);
	e->sender = g_strdup("jane@example.com");
	e->hops = 3;
	e->envid = g_strdup("env1");
	rc = envelope_add_rcpt(e, "john@notes.example.com", "John Smith/Sales/Acme@Acme");
	rc->notify = g_strdup("SUCCESS,FAILURE");
	rc->orcpt = g_strdup("rfc822;john@notes.example.com");
	fp = open_memstream(&buf, &len);
	CHECK(envelope_write(fp, e, why), "write: %s", why->str);
	fputs("Subject: x\n\nbody\n", fp);
	fclose(fp);
	fp = fmemopen(buf, len, "r");
	r = envelope_read(fp, why);
	CHECK(r != NULL, "read back: %s", why->str);
	if (r) {
		char    rest[64] = {0};

		CHECK_STR(r->id, e->id, "id");
		CHECK_STR(r->sender, "jane@example.com", "sender");
		CHECK(r->hops == 3 && r->arrival == e->arrival, "hops, arrival");
		CHECK(r->rcpts->len == 1, "one rcpt");
		rc = g_ptr_array_index(r->rcpts, 0);
		CHECK_STR(rc->notes, "John Smith/Sales/Acme@Acme", "notes form with blanks");
		CHECK_STR(rc->notify, "SUCCESS,FAILURE", "notify");
		CHECK_STR(rc->orcpt, "rfc822;john@notes.example.com", "orcpt");
		CHECK(fread(rest, 1, sizeof(rest) - 1, fp) > 0 && strcmp(rest, "Subject: x\n\nbody\n") == 0,
		      "message follows the envelope");
		envelope_free(r);
	}
	fclose(fp);
	free(buf);

	/* a value with CR/LF or TAB would forge records: refused */
	rc = envelope_add_rcpt(e, "evil@x\nrcpt smtp=victim@y", NULL);
	fp = open_memstream(&buf, &len);
	CHECK(!envelope_write(fp, e, why), "control characters refused");
	fclose(fp);
	free(buf);

	/* a record envelope_read() would refuse is never written */
	{
		struct envelope *big = envelope_new();
		char   *longv = g_strnfill(ENVELOPE_LINE_MAX, 'a');

		big->id = g_strdup("x");
		rc = envelope_add_rcpt(big, "john@notes.example.com", longv);
		fp = open_memstream(&buf, &len);
		CHECK(!envelope_write(fp, big, why) && strstr(why->str, "longer than"),
		      "over-long recipient record refused: %s", why->str);
		fclose(fp);
		free(buf);
		g_ptr_array_set_size(big->rcpts, 0);
		g_free(big->sender);
		big->sender = longv;
		fp = open_memstream(&buf, &len);
		CHECK(!envelope_write(fp, big, why), "over-long sender refused");
		fclose(fp);
		free(buf);
		envelope_free(big);
	}

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		r = parse(bad[i].text, why);
		CHECK(!r && strstr(why->str, bad[i].want), "%s: %s", bad[i].label, why->str);
		envelope_free(r);
	}
	r = parse("lme-envelope 1\nid x\nsender \nfuture thing\nend\n", why);
	CHECK(r && strcmp(r->sender, "") == 0, "null sender; unknown records ignored");
	envelope_free(r);
	envelope_free(e);
	g_string_free(why, TRUE);
	return unit_done("envelope_test");
}
