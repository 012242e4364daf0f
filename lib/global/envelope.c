/*++
 * NAME
 *	envelope 3
 * SUMMARY
 *	the envelope ahead of an SMTP-side queue file
 *--*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "global/envelope.h"

#define ENVELOPE_MAGIC "lme-envelope 1"

struct envelope *envelope_new(void)
{
	struct envelope *e = g_new0(struct envelope, 1);

	e->sender = g_strdup("");
	e->arrival = time(NULL);
	e->rcpts = g_ptr_array_new();
	return e;
}

static void env_rcpt_free(struct env_rcpt *r)
{
	g_free(r->smtp);
	g_free(r->notes);
	g_free(r->notify);
	g_free(r->orcpt);
	g_free(r);
}

void envelope_free(struct envelope *e)
{
	guint   i;

	if (!e)
		return;
	for (i = 0; i < e->rcpts->len; i++)
		env_rcpt_free(g_ptr_array_index(e->rcpts, i));
	g_ptr_array_free(e->rcpts, TRUE);
	g_free(e->id);
	g_free(e->sender);
	g_free(e->sender_notes);
	g_free(e->envid);
	g_free(e->ret);
	g_free(e);
}

struct env_rcpt *envelope_add_rcpt(struct envelope *e, const char *smtp, const char *notes)
{
	struct env_rcpt *r = g_new0(struct env_rcpt, 1);

	r->smtp = g_strdup(smtp);
	r->notes = g_strdup(notes);
	g_ptr_array_add(e->rcpts, r);
	return r;
}

/* env_value_ok - a value may go into a record as it is */
static int env_value_ok(const char *v)
{
	for (; v && *v; v++)
		if (*v == '\t' || *v == '\r' || *v == '\n')
			return 0;
	return 1;
}

int envelope_write(FILE *fp, const struct envelope *e, GString *why)
{
	const char *vals[] = {e->id, e->sender, e->sender_notes, e->envid, e->ret};
	size_t  i;
	guint   n;

	/*
	 * Write nothing that envelope_read() would refuse: a queue file the
	 * next stage cannot read would go to badmail with no report.
	 */
	for (i = 0; i < G_N_ELEMENTS(vals); i++) {
		if (!env_value_ok(vals[i])) {
			g_string_printf(why, "envelope value with a control character: refused");
			return 0;
		}
		if (vals[i] && strlen(vals[i]) + sizeof("sender_notes ") > ENVELOPE_LINE_MAX) {
			g_string_printf(why, "envelope value longer than %d bytes: refused", ENVELOPE_LINE_MAX);
			return 0;
		}
	}
	if (e->rcpts->len > ENVELOPE_RCPT_MAX) {
		g_string_printf(why, "more than %d recipients: refused", ENVELOPE_RCPT_MAX);
		return 0;
	}
	fprintf(fp, ENVELOPE_MAGIC "\nid %s\narrival %lld\nhops %d\nsender %s\n",
		e->id ? e->id : "", (long long)e->arrival, e->hops, e->sender ? e->sender : "");
	if (e->sender_notes)
		fprintf(fp, "sender_notes %s\n", e->sender_notes);
	if (e->envid)
		fprintf(fp, "envid %s\n", e->envid);
	if (e->ret)
		fprintf(fp, "ret %s\n", e->ret);
	if (e->report)
		fputs("report yes\n", fp);
	for (n = 0; n < e->rcpts->len; n++) {
		struct env_rcpt *r = g_ptr_array_index(e->rcpts, n);
		const char *rv[] = {r->smtp, r->notes, r->notify, r->orcpt};
		const char *rk[] = {"smtp", "notes", "notify", "orcpt"};
		size_t  rlen = sizeof("rcpt");
		int     first = 1;

		for (i = 0; i < G_N_ELEMENTS(rv); i++)
			rlen += rv[i] ? strlen(rv[i]) + sizeof("notify=") : 0;
		if (rlen > ENVELOPE_LINE_MAX) {
			g_string_printf(why, "recipient record longer than %d bytes: refused", ENVELOPE_LINE_MAX);
			return 0;
		}
		fputs("rcpt", fp);
		for (i = 0; i < G_N_ELEMENTS(rv); i++) {
			if (!rv[i])
				continue;
			if (!env_value_ok(rv[i])) {
				g_string_printf(why, "recipient with a control character: refused");
				return 0;
			}
			fprintf(fp, "%s%s=%s", first ? " " : "\t", rk[i], rv[i]);
			first = 0;
		}
		fputc('\n', fp);
	}
	fputs("end\n", fp);
	if (ferror(fp)) {
		g_string_printf(why, "write envelope: %s", g_strerror(errno));
		return 0;
	}
	return 1;
}

/* env_parse_rcpt - "smtp=...<TAB>notes=..." */
static int env_parse_rcpt(struct envelope *e, char *v)
{
	struct env_rcpt *r = envelope_add_rcpt(e, NULL, NULL);
	char   *field, *save = NULL;

	for (field = strtok_r(v, "\t", &save); field; field = strtok_r(NULL, "\t", &save)) {
		char   *eq = strchr(field, '=');
		char  **slot;

		if (!eq)
			return 0;
		*eq = 0;
		if (!strcmp(field, "smtp"))
			slot = &r->smtp;
		else if (!strcmp(field, "notes"))
			slot = &r->notes;
		else if (!strcmp(field, "notify"))
			slot = &r->notify;
		else if (!strcmp(field, "orcpt"))
			slot = &r->orcpt;
		else
			continue;		/* from a later version: ignore */
		g_free(*slot);
		*slot = g_strdup(eq + 1);
	}
	return r->smtp || r->notes;
}

struct envelope *envelope_read(FILE *fp, GString *why)
{
	struct envelope *e = envelope_new();
	char    line[ENVELOPE_LINE_MAX + 2];
	int     lineno = 0, ended = 0;

	while (fgets(line, sizeof(line), fp)) {
		size_t  len = strlen(line);
		char   *v;

		lineno++;
		if (len == 0 || line[len - 1] != '\n') {
			g_string_printf(why, "envelope line %d: too long or truncated", lineno);
			goto bad;
		}
		line[--len] = 0;
		if (lineno == 1) {
			if (strcmp(line, ENVELOPE_MAGIC) != 0) {
				g_string_printf(why, "not an lme envelope (first line)");
				goto bad;
			}
			continue;
		}
		if (!strcmp(line, "end")) {
			ended = 1;
			break;
		}
		if ((v = strchr(line, ' ')) == NULL) {
			g_string_printf(why, "envelope line %d: no value", lineno);
			goto bad;
		}
		*v++ = 0;
		if (!strcmp(line, "id")) {
			g_free(e->id);
			e->id = g_strdup(v);
		} else if (!strcmp(line, "arrival")) {
			e->arrival = (time_t)g_ascii_strtoll(v, NULL, 10);
		} else if (!strcmp(line, "hops")) {
			e->hops = (int)g_ascii_strtoll(v, NULL, 10);
		} else if (!strcmp(line, "sender")) {
			g_free(e->sender);
			e->sender = g_strdup(v);
		} else if (!strcmp(line, "sender_notes")) {
			g_free(e->sender_notes);
			e->sender_notes = g_strdup(v);
		} else if (!strcmp(line, "envid")) {
			g_free(e->envid);
			e->envid = g_strdup(v);
		} else if (!strcmp(line, "ret")) {
			g_free(e->ret);
			e->ret = g_strdup(v);
		} else if (!strcmp(line, "report")) {
			e->report = !strcmp(v, "yes");
		} else if (!strcmp(line, "rcpt")) {
			if (e->rcpts->len >= ENVELOPE_RCPT_MAX) {
				g_string_printf(why, "envelope: more than %d recipients", ENVELOPE_RCPT_MAX);
				goto bad;
			}
			if (!env_parse_rcpt(e, v)) {
				g_string_printf(why, "envelope line %d: bad recipient", lineno);
				goto bad;
			}
		}
		/* unknown records come from a later version: ignored */
	}
	if (!ended) {
		g_string_printf(why, ferror(fp) ? "read envelope: %s" : "envelope truncated (no end record)",
				g_strerror(errno));
		goto bad;
	}
	if (!e->id || !*e->id) {
		g_string_printf(why, "envelope has no id");
		goto bad;
	}
	return e;
bad:
	envelope_free(e);
	return NULL;
}

struct envelope *envelope_open(const char *path, FILE **fpp, GString *why)
{
	FILE   *fp = fopen(path, "r");
	struct envelope *e;

	*fpp = NULL;
	if (!fp) {
		g_string_printf(why, "open %s: %s", path, g_strerror(errno));
		return NULL;
	}
	if ((e = envelope_read(fp, why)) == NULL) {
		fclose(fp);
		return NULL;
	}
	*fpp = fp;
	return e;
}

int envelope_copy_message(FILE *in, FILE *out, GString *why)
{
	char    buf[65536];
	size_t  n;

	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(in) || ferror(out)) {
		g_string_printf(why, "copy message: %s", g_strerror(errno));
		return 0;
	}
	return 1;
}
