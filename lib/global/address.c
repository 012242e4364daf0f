/*++
 * NAME
 *	address 3
 * SUMMARY
 *	address translation between SMTP and Notes forms
 *--*/
#include <string.h>
#include <strings.h>

#include "global/address.h"

int address_is_smtp(const char *addr)
{
	const char *at, *p;

	if (!addr || strlen(addr) > ADDRESS_MAX || (at = strrchr(addr, '@')) == NULL
	    || at == addr || !at[1])
		return 0;
	if (addr[0] == '"') {
		/* a quoted local part: "..."@domain */
		if (at - addr < 2 || at[-1] != '"')
			return 0;
		for (p = addr + 1; p < at - 1; p++)
			if (*p == '"' || (unsigned char)*p < 0x20)
				return 0;
	} else {
		for (p = addr; p < at; p++)
			if (!g_ascii_isalnum(*p) && !strchr("!#$%&'*+-/=?^_`{|}~.", *p)
			    && (unsigned char)*p < 0x80)
				return 0;
		if (addr[0] == '.' || at[-1] == '.' || strstr(addr, ".."))
			return 0;
	}
	for (p = at + 1; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-' && (unsigned char)*p < 0x80)
			return 0;
	if (at[1] == '.' || at[1] == '-' || p[-1] == '.')
		return 0;
	return 1;
}

int address_in_space(const struct conf *conf, const char *smtp)
{
	const char *at = strrchr(smtp, '@');
	char  **d;
	size_t  dl, el;

	if (!at || !conf->notes_address_space)
		return 0;
	at++;
	dl = strlen(at);
	for (d = conf->notes_address_space; *d; d++) {
		if (**d == '.') {
			el = strlen(*d);
			if (dl > el && strcasecmp(at + dl - el, *d) == 0)
				return 1;
			if (strcasecmp(at, *d + 1) == 0)
				return 1;
		} else if (strcasecmp(at, *d) == 0) {
			return 1;
		}
	}
	return 0;
}

char   *address_imcea_encode(const char *type, const char *addr, const char *domain)
{
	GString *s = g_string_new("IMCEA");
	const unsigned char *p;

	g_string_append_printf(s, "%s-", type);
	for (p = (const unsigned char *)addr; *p; p++) {
		if (g_ascii_isalnum(*p) || *p == '-' || *p == '=')
			g_string_append_c(s, (char)*p);
		else if (*p == '/')
			g_string_append_c(s, '_');
		else
			g_string_append_printf(s, "+%02X", *p);
	}
	g_string_append_printf(s, "@%s", domain);
	return g_string_free(s, FALSE);
}

char   *address_imcea_decode(const char *type, const char *smtp, const char *domain)
{
	char   *prefix = g_strdup_printf("IMCEA%s-", type);
	size_t  pl = strlen(prefix);
	const char *at = strrchr(smtp, '@');
	const char *p;
	GString *s;

	if (!at || strncasecmp(smtp, prefix, pl) != 0 || (domain && strcasecmp(at + 1, domain) != 0)
	    || at - smtp <= (long)pl) {
		g_free(prefix);
		return NULL;
	}
	s = g_string_new(NULL);
	for (p = smtp + pl; p < at; p++) {
		if (*p == '_') {
			g_string_append_c(s, '/');
		} else if (*p == '+' && p + 2 < at && g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2])) {
			int     c = g_ascii_xdigit_value(p[1]) * 16 + g_ascii_xdigit_value(p[2]);

			if (c == 0 || c == '\r' || c == '\n') {
				g_string_free(s, TRUE);
				g_free(prefix);
				return NULL;
			}
			g_string_append_c(s, (char)c);
			p += 2;
		} else if ((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f && *p != '+') {
			g_string_append_c(s, *p);	/* lenient: printable ASCII */
		} else {
			g_string_free(s, TRUE);		/* controls, blanks, 8-bit */
			g_free(prefix);
			return NULL;
		}
	}
	g_free(prefix);
	if (!g_utf8_validate(s->str, (gssize)s->len, NULL)) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return g_string_free(s, FALSE);
}

char   *address_notes_abbreviate(const char *name)
{
	const char *at = strchr(name, '@');
	size_t  nl = at ? (size_t)(at - name) : strlen(name);
	char   *base = g_strndup(name, nl);
	gchar **parts = g_strsplit(base, "/", -1);
	GString *s = g_string_new(NULL);
	gchar **p;

	for (p = parts; *p; p++) {
		const char *eq = strchr(*p, '=');
		const char *v = *p;

		if (eq && (eq - *p == 1 || eq - *p == 2)) {
			char    key[3] = {0};

			memcpy(key, *p, (size_t)(eq - *p));
			if (!strcasecmp(key, "CN") || !strcasecmp(key, "OU") || !strcasecmp(key, "O")
			    || !strcasecmp(key, "C") || !strcasecmp(key, "G") || !strcasecmp(key, "S")
			    || !strcasecmp(key, "I") || !strcasecmp(key, "Q") || !strcasecmp(key, "P")
			    || !strcasecmp(key, "A"))
				v = eq + 1;
		}
		if (p != parts)
			g_string_append_c(s, '/');
		g_string_append(s, v);
	}
	if (at)
		g_string_append(s, at);
	g_strfreev(parts);
	g_free(base);
	return g_string_free(s, FALSE);
}

char   *address_rcpt_to_notes(const struct conf *conf, const struct addrmap *map,
			      const char *smtp)
{
	const struct addrmap_entry *e = map ? addrmap_by_smtp(map, smtp) : NULL;

	if (e)
		return g_strdup(e->notes);
	return address_imcea_decode("NOTES", smtp, conf->smtp_domain);
}

char   *address_sender_to_notes(const struct conf *conf, const struct addrmap *map,
				const char *smtp)
{
	char   *n;

	if (!smtp || !*smtp)
		return g_strdup("");
	if ((n = address_rcpt_to_notes(conf, map, smtp)) != NULL)
		return n;
	return g_strdup_printf("%s@%s", smtp, conf->foreign_domain);
}

/* address_strip_foreign - notes without a trailing @<foreign_domain> */
static char *address_strip_foreign(const struct conf *conf, const char *notes)
{
	const char *at = strrchr(notes, '@');

	if (at && conf->foreign_domain && strcasecmp(at + 1, conf->foreign_domain) == 0)
		return g_strndup(notes, (gsize)(at - notes));
	return g_strdup(notes);
}

char   *address_rcpt_to_smtp(const struct conf *conf, const struct addrmap *map,
			     const char *notes)
{
	char   *abbr = address_notes_abbreviate(notes);
	char   *bare = address_strip_foreign(conf, abbr);
	const struct addrmap_entry *e = NULL;
	char   *res = NULL;

	if (map && ((e = addrmap_by_notes(map, abbr)) != NULL || (e = addrmap_by_notes(map, bare)) != NULL))
		res = g_strdup(e->smtp);
	else if (address_is_smtp(bare))
		res = g_strdup(bare);
	g_free(abbr);
	g_free(bare);
	return res;
}

char   *address_sender_to_smtp(const struct conf *conf, const struct addrmap *map,
			       const char *notes)
{
	char   *abbr, *full, *res;
	const struct addrmap_entry *e;

	if (!notes || !*notes)
		return g_strdup("");
	abbr = address_notes_abbreviate(notes);
	if (map && (e = addrmap_by_notes(map, abbr)) != NULL) {
		g_free(abbr);
		return g_strdup(e->smtp);
	}
	/* a one-off address that came from SMTP goes back as it was */
	if ((res = address_rcpt_to_smtp(conf, NULL, abbr)) != NULL && strchr(abbr, '/') == NULL) {
		g_free(abbr);
		return res;
	}
	g_free(res);
	full = strchr(abbr, '@') ? g_strdup(abbr) : g_strdup_printf("%s@%s", abbr, conf->notes_domain);
	res = address_imcea_encode("NOTES", full, conf->smtp_domain);
	g_free(full);
	g_free(abbr);
	return res;
}

const char *address_display(const struct addrmap *map, const char *addr)
{
	const struct addrmap_entry *e;

	if (!map || !addr)
		return NULL;
	if ((e = addrmap_by_smtp(map, addr)) == NULL)
		e = addrmap_by_notes(map, addr);
	return e ? e->display : NULL;
}
