/*++
 * NAME
 *	conf 3
 * SUMMARY
 *	lme.conf(5): the INI configuration file
 * DESCRIPTION
 *	One table lists every key: its section, its kind, its default and
 *	where it lands in struct conf.  Adding a key is adding a row (and a
 *	line in man/lme.conf.5).
 *--*/
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "global/conf.h"

enum conf_kind { K_STR, K_PATH, K_INT, K_TIME, K_SIZE, K_BOOL, K_LIST, K_PCT };

struct conf_key {
	const char *section;
	const char *name;
	enum conf_kind kind;
	const char *def;		/* default as text, NULL: none */
	size_t  off;			/* offset in struct conf */
	const char *choices;		/* K_STR: "a|b|c" allowed values, or NULL */
};

#define O(f) offsetof(struct conf, f)

static const struct conf_key conf_keys[] = {
	{"lme", "spool", K_PATH, "/var/spool/lme", O(spool), NULL},
	{"lme", "maps", K_PATH, "/etc/lme/maps", O(maps), NULL},
	{"lme", "notes_domain", K_STR, NULL, O(notes_domain), NULL},
	{"lme", "foreign_domain", K_STR, "Exchange", O(foreign_domain), NULL},
	{"lme", "smtp_domain", K_STR, NULL, O(smtp_domain), NULL},
	{"lme", "poll_interval", K_TIME, "15", O(poll_interval), NULL},
	{"lme", "minimal_backoff_time", K_TIME, "300", O(minimal_backoff_time), NULL},
	{"lme", "maximal_backoff_time", K_TIME, "4000", O(maximal_backoff_time), NULL},
	{"lme", "hop_limit", K_INT, "25", O(hop_limit), NULL},
	{"lme", "group_commit", K_INT, "32", O(group_commit), NULL},
	{"lme", "user", K_STR, NULL, O(user), NULL},
	{"lme", "allow_root", K_BOOL, "no", O(allow_root), NULL},
	{"lme", "metrics_file", K_PATH, NULL, O(metrics_file), NULL},
	{"mexout", "milter", K_STR, NULL, O(milter), NULL},
	{"mexout", "notes_address_space", K_LIST, NULL, O(notes_address_space), NULL},
	{"mexin", "relay", K_STR, "sendmail:/usr/sbin/sendmail", O(relay), NULL},
	{"mexin", "max_queue_lifetime", K_TIME, "5d", O(max_queue_lifetime), NULL},
	{"mexnts", "body_format", K_STR, "richtext", O(body_format), "richtext|mime"},
	{"mexnts", "max_message_size", K_SIZE, "250M", O(max_message_size), NULL},
	{"mexnts", "max_attachments", K_INT, "500", O(max_attachments), NULL},
	{"mexnts", "max_depth", K_INT, "20", O(max_depth), NULL},
	{"ntsmex", "doclinks", K_STR, "url", O(doclinks), "url|ndl|both"},
	{"ntsmex", "max_document_size", K_SIZE, "250M", O(max_document_size), NULL},
	{"dxa", "ldap_uri", K_STR, NULL, O(ldap_uri), NULL},
	{"dxa", "bind_dn", K_STR, NULL, O(bind_dn), NULL},
	{"dxa", "bind_password_file", K_PATH, NULL, O(bind_password_file), NULL},
	{"dxa", "ldap_starttls", K_BOOL, "no", O(ldap_starttls), NULL},
	{"dxa", "flavor", K_STR, "openldap", O(flavor), "ad|openldap"},
	{"dxa", "export_base", K_LIST, NULL, O(export_base), NULL},
	{"dxa", "export_filter", K_STR, NULL, O(export_filter), NULL},
	{"dxa", "export_groups", K_BOOL, "no", O(export_groups), NULL},
	{"dxa", "import_container", K_STR, NULL, O(import_container), NULL},
	{"dxa", "notes_directory", K_PATH, NULL, O(notes_directory), NULL},
	{"dxa", "notes_import", K_PATH, NULL, O(notes_import), NULL},
	{"dxa", "max_delete_percent", K_PCT, "10", O(max_delete_percent), NULL},
	{"dxa", "schedule", K_TIME, "0", O(schedule), NULL},
	{"dxa", "notes_address_template", K_STR, NULL, O(notes_address_template), NULL},
	{"dxa", "connector_guid", K_STR, NULL, O(connector_guid), NULL},
	{"dxa", "state_file", K_PATH, NULL, O(state_file), NULL},
	{0},
};

/* Values a list key may be split on: DNs hold commas, so export_base is
 * split on ';' only; notes_address_space on blanks, commas and ';'. */
static const char *list_separators(const char *name)
{
	return strcmp(name, "export_base") == 0 ? ";" : " \t,;";
}

struct conf_parse {
	struct conf *conf;
	GString *why;
	FILE   *fp;
	int     line;			/* line being parsed */
	int     section_line;		/* line of the last [section] */
	int     overlong;		/* a line was longer than inih reads */
	GHashTable *lines;		/* "section.key" -> line number */
	GHashTable *lists;		/* "section.key" -> GPtrArray of values */
};

static const struct conf_key *conf_find(const char *section, const char *name)
{
	const struct conf_key *k;

	for (k = conf_keys; k->section; k++)
		if (strcasecmp(k->section, section) == 0 && strcasecmp(k->name, name) == 0)
			return k;
	return NULL;
}

static int conf_section_known(const char *section)
{
	const struct conf_key *k;

	for (k = conf_keys; k->section; k++)
		if (strcasecmp(k->section, section) == 0)
			return 1;
	/* [params] holds site values for the dxa function CFGPARM */
	return strcasecmp(section, "params") == 0;
}

long conf_parse_time(const char *text)
{
	char   *end;
	long    n, mult = 1;

	errno = 0;
	n = strtol(text, &end, 10);
	if (end == text || errno || n < 0)
		return -1;
	switch (*end) {
	case 0: case 's': break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	case 'w': mult = 604800; break;
	default: return -1;
	}
	if (*end && end[1])
		return -1;
	if (n > INT_MAX / mult)
		return -1;
	return n * mult;
}

long conf_parse_size(const char *text)
{
	char   *end;
	long    n, mult = 1;

	errno = 0;
	n = strtol(text, &end, 10);
	if (end == text || errno || n < 0)
		return -1;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': mult = 1024; break;
	case 'm': case 'M': mult = 1024L * 1024; break;
	case 'g': case 'G': mult = 1024L * 1024 * 1024; break;
	default: return -1;
	}
	if (*end && end[1])
		return -1;
	if (n > LONG_MAX / mult)
		return -1;
	return n * mult;
}

/* conf_abspath - a path relative to the configuration file's directory */
static char *conf_abspath(const char *confpath, const char *value)
{
	char   *dir, *res;

	if (*value == '/' || *value == 0)
		return g_strdup(value);
	dir = g_path_get_dirname(confpath);
	res = g_build_filename(dir, value, NULL);
	g_free(dir);
	return res;
}

/* conf_set - store one value in its field; 0 and why on a bad value */
static int conf_set(struct conf *conf, const struct conf_key *k, const char *value,
		    GString *why)
{
	void   *field = (char *)conf + k->off;
	long    n;

	switch (k->kind) {
	case K_STR:
		if (k->choices) {
			gchar **c = g_strsplit(k->choices, "|", 0);
			int     ok = g_strv_contains((const gchar *const *)c, value);

			g_strfreev(c);
			if (!ok) {
				g_string_printf(why, "expected one of %s, not \"%s\"", k->choices, value);
				return 0;
			}
		}
		g_free(*(char **)field);
		*(char **)field = *value ? g_strdup(value) : NULL;
		return 1;
	case K_PATH:
		g_free(*(char **)field);
		*(char **)field = *value ? conf_abspath(conf->path, value) : NULL;
		return 1;
	case K_INT:
	case K_PCT:
		n = conf_parse_size(value);
		if (n < 0 || n > INT_MAX || (k->kind == K_PCT && n > 100) || !g_ascii_isdigit(value[strlen(value) - 1])) {
			g_string_printf(why, "expected a whole number%s, not \"%s\"",
					k->kind == K_PCT ? " from 0 to 100" : "", value);
			return 0;
		}
		*(int *)field = (int)n;
		return 1;
	case K_TIME:
		n = conf_parse_time(value);
		if (n < 0) {
			g_string_printf(why, "expected a time (30s, 15m, 2h, 5d), not \"%s\"", value);
			return 0;
		}
		*(int *)field = (int)n;
		return 1;
	case K_SIZE:
		n = conf_parse_size(value);
		if (n < 0) {
			g_string_printf(why, "expected a size (1000, 10k, 50M), not \"%s\"", value);
			return 0;
		}
		*(long *)field = n;
		return 1;
	case K_BOOL:
		if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") || !strcmp(value, "1"))
			*(int *)field = 1;
		else if (!strcasecmp(value, "no") || !strcasecmp(value, "false") || !strcmp(value, "0"))
			*(int *)field = 0;
		else {
			g_string_printf(why, "expected yes or no, not \"%s\"", value);
			return 0;
		}
		return 1;
	case K_LIST:
		/* lists are gathered in conf_handler and set at the end */
		return 1;
	}
	return 0;
}

static int conf_handler(void *user, const char *section, const char *name, const char *value)
{
	struct conf_parse *p = user;
	const struct conf_key *k;
	GString *bad;
	char   *hkey, *tmp;

	if (p->why->len)
		return 0;
	if (p->overlong) {
		g_string_printf(p->why, "%s:%d: line too long (over %d characters)",
				p->conf->path, p->line, INI_MAX_LINE - 2);
		return 0;
	}
	if (!conf_section_known(section)) {
		g_string_printf(p->why, "%s:%d: unknown section [%s]", p->conf->path,
				p->section_line ? p->section_line : p->line, section);
		return 0;
	}
	k = conf_find(section, name);
	if (!k && strcasecmp(section, "params") != 0) {
		g_string_printf(p->why, "%s:%d: [%s] %s: unknown key", p->conf->path, p->line,
				section, name);
		return 0;
	}
	tmp = g_strdup_printf("%s.%s", section, name);
	hkey = g_ascii_strdown(tmp, -1);
	g_free(tmp);
	if (k && k->kind == K_LIST) {
		GPtrArray *l = g_hash_table_lookup(p->lists, k->name);
		gchar **parts = g_strsplit_set(value, list_separators(k->name), -1);
		gchar **q;

		if (!l) {
			l = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(p->lists, (gpointer)k->name, l);
		}
		for (q = parts; *q; q++) {
			char   *v = g_strstrip(*q);

			if (*v)
				g_ptr_array_add(l, g_strdup(v));
		}
		g_strfreev(parts);
	} else if (k) {
		bad = g_string_new(NULL);
		if (!conf_set(p->conf, k, value, bad)) {
			g_string_printf(p->why, "%s:%d: [%s] %s: %s", p->conf->path, p->line,
					section, name, bad->str);
			g_string_free(bad, TRUE);
			g_free(hkey);
			return 0;
		}
		g_string_free(bad, TRUE);
	}
	g_hash_table_insert(p->lines, g_strdup(hkey), GINT_TO_POINTER(p->line));
	g_hash_table_replace(p->conf->values, hkey, g_strdup(value));
	return 1;
}

/* conf_reader - fgets for inih that counts lines and notices overlong ones */
static char *conf_reader(char *buf, int size, void *stream)
{
	struct conf_parse *p = stream;
	char   *r = fgets(buf, size, p->fp);
	size_t  len;

	if (!r)
		return NULL;
	len = strlen(buf);
	p->line++;
	if (len == (size_t)size - 1 && buf[len - 1] != '\n' && !feof(p->fp))
		p->overlong = 1;
	if (buf[strspn(buf, " \t")] == '[')
		p->section_line = p->line;
	return r;
}

const char *conf_path(const char *arg)
{
	const char *env;

	if (arg)
		return arg;
	if ((env = getenv("LME_CONF")) != NULL && *env)
		return env;
	return CONF_DEFAULT_PATH;
}

/* conf_check - relations between keys */
static int conf_check(struct conf *conf, struct conf_parse *p)
{
	static const char *const need[][2] = {
		{"lme", "notes_domain"}, {"lme", "smtp_domain"},
	};
	size_t  i;

	for (i = 0; i < G_N_ELEMENTS(need); i++) {
		if (!conf_get(conf, need[i][0], need[i][1])) {
			g_string_printf(p->why, "%s: [%s] %s: required key missing", conf->path,
					need[i][0], need[i][1]);
			return 0;
		}
	}
	if (conf->relay && strncmp(conf->relay, "smtp:", 5) != 0
	    && strncmp(conf->relay, "sendmail:", 9) != 0) {
		int     line = GPOINTER_TO_INT(g_hash_table_lookup(p->lines, "mexin.relay"));

		g_string_printf(p->why, "%s:%d: [mexin] relay: expected smtp:HOST:PORT or "
				"sendmail:PATH, not \"%s\"", conf->path, line, conf->relay);
		return 0;
	}
	if (conf->relay && strncmp(conf->relay, "sendmail:", 9) == 0 && conf->relay[9] != '/') {
		int     line = GPOINTER_TO_INT(g_hash_table_lookup(p->lines, "mexin.relay"));

		g_string_printf(p->why, "%s:%d: [mexin] relay: sendmail: needs an absolute path",
				conf->path, line);
		return 0;
	}
	if (conf->poll_interval < 1) {
		int     line = GPOINTER_TO_INT(g_hash_table_lookup(p->lines, "lme.poll_interval"));

		g_string_printf(p->why, "%s:%d: [lme] poll_interval: must be at least 1s",
				conf->path, line);
		return 0;
	}
	if (conf->minimal_backoff_time < 1 || conf->maximal_backoff_time < conf->minimal_backoff_time) {
		g_string_printf(p->why, "%s: [lme] minimal_backoff_time must be at least 1s and "
				"not over maximal_backoff_time", conf->path);
		return 0;
	}
	return 1;
}

struct conf *conf_load(const char *path, GString *why)
{
	struct conf *conf = g_new0(struct conf, 1);
	struct conf_parse p = {0};
	const struct conf_key *k;
	GHashTableIter it;
	gpointer key, val;
	int     r;

	conf->path = g_strdup(path);
	conf->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	p.conf = conf;
	p.why = why;
	g_string_truncate(why, 0);
	p.lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	p.lists = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					(GDestroyNotify)g_ptr_array_unref);

	for (k = conf_keys; k->section; k++) {
		if (k->def && !conf_set(conf, k, k->def, why)) {
			g_string_prepend(why, "internal default: ");
			goto fail;
		}
	}
	if ((p.fp = fopen(path, "r")) == NULL) {
		g_string_printf(why, "%s: %s", path, g_strerror(errno));
		goto fail;
	}
	r = ini_parse_stream(conf_reader, &p, conf_handler, &p);
	fclose(p.fp);
	if (why->len)
		goto fail;
	if (r > 0) {
		g_string_printf(why, "%s:%d: syntax error (expected [section] or key = value)",
				path, r);
		goto fail;
	}
	g_hash_table_iter_init(&it, p.lists);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		GPtrArray *l = val;
		char ***field;

		for (k = conf_keys; k->section && strcmp(k->name, key); k++)
			;
		field = (char ***)((char *)conf + k->off);
		g_ptr_array_add(l, NULL);
		*field = (char **)g_ptr_array_steal(l, NULL);
	}
	if (!conf_check(conf, &p))
		goto fail;
	g_hash_table_destroy(p.lines);
	g_hash_table_destroy(p.lists);
	return conf;

fail:
	g_hash_table_destroy(p.lines);
	g_hash_table_destroy(p.lists);
	conf_free(conf);
	return NULL;
}

const char *conf_get(const struct conf *conf, const char *section, const char *key)
{
	char   *tmp = g_strdup_printf("%s.%s", section, key);
	char   *hkey = g_ascii_strdown(tmp, -1);
	const char *v = g_hash_table_lookup(conf->values, hkey);

	g_free(tmp);
	g_free(hkey);
	return v;
}

void conf_free(struct conf *conf)
{
	const struct conf_key *k;

	if (!conf)
		return;
	for (k = conf_keys; k->section; k++) {
		void   *field = (char *)conf + k->off;

		if (k->kind == K_STR || k->kind == K_PATH)
			g_free(*(char **)field);
		else if (k->kind == K_LIST)
			g_strfreev(*(char ***)field);
	}
	g_hash_table_destroy(conf->values);
	g_free(conf->path);
	g_free(conf);
}
