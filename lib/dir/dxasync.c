/*++
 * NAME
 *	dxasync 3
 * SUMMARY
 *	dxa: directory synchronization, plan and apply, state, safety
 * DESCRIPTION
 *	See dxasync.h and dxa(8).
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include <nettle/sha1.h>

#include "util/file.h"
#include "util/msg.h"
#include "util/stats.h"
#include "dir/dxasync.h"
#include "dir/ldapdir.h"
#include "dir/ldif.h"
#include "dir/notesdir.h"

#define STATE_LINE_MAX	(64 * 1024)
#define RECORDS_MAX	10000000L
#define ADDR_BEGIN	"# BEGIN dxa: lines up to END are rewritten by dxa after each run"
#define ADDR_END	"# END dxa"

/* Control attributes of a record, named NOTESDIR_CONTROL_PREFIX...; target
 * attributes never start with "lme-". */
#define R_RECORD	"lme-record"
#define R_SMTP		"lme-smtp"
#define R_NOTES		"lme-notes"
#define R_DISPLAY	"lme-display"
#define R_FORM		"lme-form"
#define R_TA		"lme-ta"
#define R_DN		"lme-dn"
#define R_COMPLETE	"lme-complete"
#define R_SERVER	"lme-server"
#define R_HWM		"lme-hwm"
#define R_KEY		"lme-key"
#define R_LEVELS	"lme-levels"
#define R_MEMBER	"lme-member"	/* members record: "KEY DN" ("-" if unknown) */
#define MEMBERS_MAX	4000		/* members of one group (Notes items are small) */
#define MEMBERS_BYTES	(512 * 1024)	/* their DNs together */
#define R_OLD_HWM	"lme-old-hwm"
#define LEVEL_SEP	"\x1e"		/* between key combinations */
#define PRESENT_BATCH	5000		/* keys in one present record */
#define NAME_MAX_BYTES	1024		/* an SMTP address, Notes address or display name */

 /*
  * State.
  */
struct owned {
	char   *hash;			/* of the record last applied */
	char   *target;			/* UNID (to-notes) or DN (to-ldap) */
	char   *smtp;
	char   *notes;
	char   *display;
	char   *levels;			/* key combinations, LEVEL_SEP between them */
};

struct state {
	GHashTable *own[2];		/* source key -> struct owned (both in the arena) */
	char   *server[2];		/* source identity of the high-water mark */
	char   *hwm[2];
	GStringChunk *strings;		/* the arena: keys and fields */
	char   *text;			/* the file as loaded: fields point into it */
	GPtrArray *order[2];		/* the keys as loaded, in the file's order */
	GPtrArray *added[2];		/* keys added since (state_add()), in that order */
	GPtrArray *blocks;		/* the arena: struct owned, OWNED_BLOCK a block */
	guint   used;			/* records used in the last block */
};

#define OWNED_BLOCK	4096

/* owned_new - a record with copies of the fields, in the state's arena
 * (records are freed all at once with the state: 100,000 of them) */
static struct owned *owned_new(struct state *st, const char *hash, const char *target,
			       const char *smtp, const char *notes, const char *display,
			       const char *levels)
{
	struct owned *o;

	if (st->blocks->len == 0 || st->used == OWNED_BLOCK) {
		g_ptr_array_add(st->blocks, g_new0(struct owned, OWNED_BLOCK));
		st->used = 0;
	}
	o = (struct owned *) g_ptr_array_index(st->blocks, st->blocks->len - 1) + st->used++;
	o->hash = g_string_chunk_insert(st->strings, hash ? hash : "");
	o->target = g_string_chunk_insert(st->strings, target ? target : "");
	o->smtp = g_string_chunk_insert(st->strings, smtp ? smtp : "");
	o->notes = g_string_chunk_insert(st->strings, notes ? notes : "");
	o->display = g_string_chunk_insert(st->strings, display ? display : "");
	o->levels = g_string_chunk_insert(st->strings, levels ? levels : "");
	return o;
}

/* state_key - a key copied into the state's arena */
static char *state_key(struct state *st, const char *key)
{
	return g_string_chunk_insert(st->strings, key);
}

const char *dxasync_dir_name(enum maptbl_dir d)
{
	return d == MAPTBL_TO_NOTES ? "to-notes" : "to-ldap";
}

char   *dxasync_state_path(const struct conf *conf)
{
	if (conf->state_file)
		return g_strdup(conf->state_file);
	return g_build_filename(conf->spool ? conf->spool : ".", "dxa.state", NULL);
}

/* state_new - an empty state */
static struct state *state_new(void)
{
	struct state *s = g_new0(struct state, 1);

	for (int d = 0; d < 2; d++) {
		s->own[d] = g_hash_table_new(g_str_hash, g_str_equal);
		s->order[d] = g_ptr_array_new();
		s->added[d] = g_ptr_array_new();
	}
	s->strings = g_string_chunk_new(1 << 20);
	s->blocks = g_ptr_array_new_with_free_func(g_free);
	return s;
}

/* state_free - release a state */
static void state_free(struct state *s)
{
	for (int d = 0; d < 2; d++) {
		g_hash_table_unref(s->own[d]);
		if (s->order[d])
			g_ptr_array_free(s->order[d], TRUE);
		g_ptr_array_free(s->added[d], TRUE);
		g_free(s->server[d]);
		g_free(s->hwm[d]);
	}
	g_string_chunk_free(s->strings);
	g_ptr_array_unref(s->blocks);
	g_free(s->text);
	g_free(s);
}

/* dir_of - "to-notes"/"to-ldap" to an index, -1 if neither */
static int dir_of(const char *name)
{
	if (strcmp(name, "to-notes") == 0)
		return MAPTBL_TO_NOTES;
	if (strcmp(name, "to-ldap") == 0)
		return MAPTBL_TO_LDAP;
	return -1;
}

/* owned_add - an owned record whose fields stay where they are (in the
 * loaded text) */
static struct owned *owned_add(struct state *st, char **f)
{
	struct owned *o;

	if (st->blocks->len == 0 || st->used == OWNED_BLOCK) {
		g_ptr_array_add(st->blocks, g_new0(struct owned, OWNED_BLOCK));
		st->used = 0;
	}
	o = (struct owned *) g_ptr_array_index(st->blocks, st->blocks->len - 1) + st->used++;
	o->hash = f[0];
	o->target = f[1];
	o->smtp = f[2];
	o->notes = f[3];
	o->display = f[4];
	o->levels = f[5];
	return o;
}

/* unescape - undo put_field() in place */
static void unescape(char *s)
{
	char   *c;

	if ((c = strchr(s, '\\')) != NULL) {
		char   *u = g_strcompress(s);

		/* never longer than the escaped text */
		memcpy(s, u, strlen(u) + 1);
		g_free(u);
	}
}

/* cut_line - end the line at its newline in place; its end, and in
 * *next the line after it (NULL after the last) */
static char *cut_line(char *line, char **next)
{
	char   *end = strchr(line, '\n');

	if (end != NULL) {
		*end = 0;
		*next = end + 1;
	} else {
		end = line + strlen(line);
		*next = NULL;
	}
	return end;
}

/* state_fields - split a line of the state file in place into f[10] and
 * unescape the fields; the direction, -1 if the line is bad */
static int state_fields(char *line, const char *end, char **f, int *n)
{
	char   *tab;
	int     d;

	if ((size_t) (end - line) > STATE_LINE_MAX)
		return -1;
	*n = 0;
	f[(*n)++] = line;
	for (tab = line; *n < 10 && (tab = strchr(tab, '\t')) != NULL;) {
		*tab++ = 0;
		f[(*n)++] = tab;
	}
	if (memchr(line, '\\', (size_t) (end - line)) != NULL)
		for (int j = 0; j < *n; j++)
			unescape(f[j]);
	d = *n >= 2 ? dir_of(f[1]) : -1;
	if (d >= 0 && strcmp(f[0], "hwm") == 0 && *n == 4)
		return d;
	if (d >= 0 && strcmp(f[0], "own") == 0 && (*n == 8 || *n == 9)) {
		if (*n == 8)
			f[8] = "";
		return d;
	}
	return -1;
}

/* state_load - read the state file; a missing file is an empty state.
 * With marks_only the owned entries are skipped (the reading half). */
static struct state *state_load(const struct conf *conf, int marks_only, GString *why)
{
	char   *path = dxasync_state_path(conf);
	struct state *s = state_new();
	gsize   len;
	GError *err = NULL;
	char   *line, *next;
	int     lineno = 0;

	if (!g_file_get_contents(path, &s->text, &len, &err)) {
		if (err->code != G_FILE_ERROR_NOENT) {
			g_string_printf(why, "%s: %s", path, err->message);
			g_error_free(err);
			g_free(path);
			state_free(s);
			return NULL;
		}
		g_error_free(err);
		g_free(path);
		return s;
	}
	/* The lines are split in place: the owned records point into the text. */
	for (line = s->text; line && *line; line = next) {
		char   *f[10], *end;
		int     n, d;

		lineno++;
		end = cut_line(line, &next);
		if (line[0] == 0 || line[0] == '#' || (marks_only && strncmp(line, "own\t", 4) == 0))
			continue;
		if ((d = state_fields(line, end, f, &n)) < 0)
			goto bad;
		if (strcmp(f[0], "hwm") == 0) {
			g_free(s->server[d]);
			g_free(s->hwm[d]);
			s->server[d] = g_strdup(f[2]);
			s->hwm[d] = g_strdup(f[3]);
		} else {
			/* state_save() keeps this order */
			if (!g_hash_table_contains(s->own[d], f[2]))
				g_ptr_array_add(s->order[d], f[2]);
			g_hash_table_replace(s->own[d], f[2], owned_add(s, f + 3));
		}
		continue;
bad:
		g_string_printf(why, "%s:%d: bad state line", path, lineno);
		g_free(path);
		state_free(s);
		return NULL;
	}
	g_free(path);
	return s;
}

/* put_field - a tab, then the field with \ TAB CR LF escaped */
static void put_field(GString *out, const char *s)
{
	g_string_append_c(out, '\t');
	while (s && *s) {
		size_t  n = strcspn(s, "\\\t\n\r");

		g_string_append_len(out, s, n);
		s += n;
		switch (*s) {
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		default:
			return;
		}
		s++;
	}
}

/* str_cmp - sort strings */
static gint str_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* sorted_keys - the keys of a table, sorted (free the array only) */
static GPtrArray *sorted_keys(GHashTable *h)
{
	GPtrArray *keys = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(keys, k);
	g_ptr_array_sort(keys, str_cmp);
	return keys;
}

/* state_add - record o as owned under key (a copy is made of key) */
static void state_add(struct state *st, int d, const char *key, struct owned *o)
{
	char   *k = state_key(st, key);

	if (!g_hash_table_contains(st->own[d], k))
		g_ptr_array_add(st->added[d], k);
	g_hash_table_replace(st->own[d], k, o);
}

/* merged_keys - the owned keys of direction d in a stable order: those
 * loaded, in the file's order, then those added since, in the order they
 * were; all of them sorted should that not count every key once (a key
 * deleted and added again in one run is in both) (free the array only) */
static GPtrArray *merged_keys(struct state *s, int d)
{
	GPtrArray *keys = g_ptr_array_sized_new(g_hash_table_size(s->own[d]));
	GPtrArray *part[2] = {s->order[d], s->added[d]};

	for (int p = 0; p < 2; p++)
		for (guint i = 0; i < part[p]->len; i++)
			if (g_hash_table_contains(s->own[d], g_ptr_array_index(part[p], i)))
				g_ptr_array_add(keys, g_ptr_array_index(part[p], i));
	if (keys->len != g_hash_table_size(s->own[d])) {
		g_ptr_array_free(keys, TRUE);
		return sorted_keys(s->own[d]);
	}
	return keys;
}

/* clean - a field for maps/addresses: no tabs, no line breaks */
static void clean_append(GString *out, const char *s)
{
	while (s && *s) {
		const char *run = s;

		while ((unsigned char) *s >= 0x20)
			s++;
		g_string_append_len(out, run, s - run);
		if (*s) {
			g_string_append_c(out, ' ');
			s++;
		}
	}
}

/* addr_line - the line of maps/addresses for an owned entry, if it has
 * both addresses: SMTP TAB NOTES [TAB DISPLAY] */
static void addr_line(GString *out, const struct owned *o)
{
	if (!*o->smtp || !*o->notes)
		return;
	clean_append(out, o->smtp);
	g_string_append_c(out, '\t');
	clean_append(out, o->notes);
	if (*o->display) {
		g_string_append_c(out, '\t');
		clean_append(out, o->display);
	}
	g_string_append_c(out, '\n');
}

/* state_save - write the state file atomically; and, with addr, the dxa
 * block of maps/addresses into it, in the same order */
static int state_save(const struct conf *conf, struct state *s, GString *addr, GString *why)
{
	char   *path = dxasync_state_path(conf);
	/* about 250 bytes an entry: no doubling of a 20 MB string */
	GString *out = g_string_sized_new(256 * (g_hash_table_size(s->own[0]) + g_hash_table_size(s->own[1])) + 4096);
	int     ok;

	g_string_append(out, "# lme dxa state, version 1; see dxa(8)\n");
	for (int d = 0; d < 2; d++) {
		GPtrArray *keys;

		if (s->hwm[d]) {
			g_string_append(out, "hwm");
			put_field(out, dxasync_dir_name(d));
			put_field(out, s->server[d]);
			put_field(out, s->hwm[d]);
			g_string_append_c(out, '\n');
		}
		keys = merged_keys(s, d);
		for (guint i = 0; i < keys->len; i++) {
			const char *k = g_ptr_array_index(keys, i);
			struct owned *o = g_hash_table_lookup(s->own[d], k);

			g_string_append(out, "own");
			put_field(out, dxasync_dir_name(d));
			put_field(out, k);
			put_field(out, o->hash);
			put_field(out, o->target);
			put_field(out, o->smtp);
			put_field(out, o->notes);
			put_field(out, o->display);
			put_field(out, o->levels);
			g_string_append_c(out, '\n');
			if (addr)
				addr_line(addr, o);
		}
		g_ptr_array_free(keys, TRUE);
	}
	ok = file_write(path, out->str, out->len, 0600, why);
	g_string_free(out, TRUE);
	g_free(path);
	return ok;
}

/* addresses_commit - maps/addresses with block as its dxa block, the
 * lines outside the block kept as they are */
static int addresses_commit(const struct conf *conf, const GString *block, GString *why)
{
	char   *path = g_build_filename(conf->maps, "addresses", NULL);
	char   *text = NULL;
	GString *out = g_string_sized_new(block->len + 4096);
	int     ok, inside = 0;

	if (g_file_get_contents(path, &text, NULL, NULL)) {
		char  **lines = g_strsplit(text, "\n", -1);

		for (int i = 0; lines[i]; i++) {
			if (strcmp(lines[i], ADDR_BEGIN) == 0)
				inside = 1;
			else if (strcmp(lines[i], ADDR_END) == 0)
				inside = 0;
			else if (!inside && (lines[i][0] || lines[i + 1]))
				g_string_append_printf(out, "%s\n", lines[i]);
		}
		g_strfreev(lines);
		g_free(text);
	}
	g_string_append(out, ADDR_BEGIN "\n");
	g_string_append_len(out, block->str, (gssize) block->len);
	g_string_append(out, ADDR_END "\n");
	ok = file_write(path, out->str, out->len, 0644, why);
	g_string_free(out, TRUE);
	g_free(path);
	return ok;
}

 /*
  * Configuration.
  */

/* is_ad - flavor = ad */
static int is_ad(const struct conf *conf)
{
	return conf->flavor && strcmp(conf->flavor, "ad") == 0;
}

/* attribute names by flavor */
#define KEY_ATTR(c)	(is_ad(c) ? "objectguid" : "entryuuid")
#define HWM_ATTR(c)	(is_ad(c) ? "usnchanged" : "entrycsn")
#define STAMP_ATTR(c)	(is_ad(c) ? "importedfrom" : "lmeowner")
#define TA_ATTR(c)	(is_ad(c) ? "targetaddress" : "lmenotesaddress")

int     dxasync_check(const struct conf *conf, enum maptbl_dir d, GString *why)
{
	if (conf->connector_guid == NULL || *conf->connector_guid == 0) {
		g_string_printf(why, "[dxa] connector_guid is not set (it stamps every entry dxa owns)");
		return 0;
	}
	if (conf->ldap_uri == NULL) {
		g_string_printf(why, "[dxa] ldap_uri is not set");
		return 0;
	}
	if (d == MAPTBL_TO_NOTES) {
		if (conf->export_base == NULL || conf->export_base[0] == NULL) {
			g_string_printf(why, "[dxa] export_base is not set");
			return 0;
		}
		if (conf->notes_import == NULL) {
			g_string_printf(why, "[dxa] notes_import is not set");
			return 0;
		}
	} else {
		if (conf->import_container == NULL) {
			g_string_printf(why, "[dxa] import_container is not set");
			return 0;
		}
		if (conf->notes_directory == NULL) {
			g_string_printf(why, "[dxa] notes_directory is not set");
			return 0;
		}
	}
	return 1;
}

 /*
  * The reading half.
  */
struct src {
	const struct conf *conf;
	const struct maptbl *t;
	enum maptbl_dir d;
	const struct dxasync_opts *o;
	FILE   *out;
	long    mapped;			/* entry records written */
	GHashTable *seen;		/* keys with a record */
	char   *hwm;			/* highest mark seen */
	char   *old_hwm;		/* update from here, or NULL */
	char   *import_norm;		/* normalized import container */
	char   *import_rdn;		/* its first RDN's value: DNs without it are not below it */
	char   *dflt_tpl;		/* the default notes_address_template, made once */
	GHashTable *spare;		/* the last mapped entry, emptied, to be filled again */
	long    read, skipped, errors, present;
	int     write_failed;
	GHashTable *batch;		/* present keys not yet written */
	int     batched;
	GHashTable *dn_key;		/* export_groups: normalized DN -> key, every entry read */
	GPtrArray *groups;		/* export_groups: struct group of the groups read */
};

struct group {
	char   *key;
	GPtrArray *dns;			/* member DNs */
};

/* group_free - release a group's members */
static void group_free(gpointer x)
{
	struct group *g = x;

	g_free(g->key);
	g_ptr_array_unref(g->dns);
	g_free(g);
}

/* first - first value of attr in e, or NULL */
static const char *first(GHashTable *e, const char *attr)
{
	GPtrArray *v = g_hash_table_lookup(e, attr);

	return (v && v->len) ? g_ptr_array_index(v, 0) : NULL;
}

/* nonempty - s if non-empty, else NULL */
static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* set_value - replace attr in e with one value */
static void set_value(GHashTable *e, const char *attr, const char *value)
{
	g_hash_table_remove(e, attr);
	ldif_entry_add(e, attr, value);
}

/* not_target - a name the tables may not write into a record */
static gboolean not_target(gpointer k, gpointer v, gpointer unused)
{
	const char *name = k;

	(void) v;
	(void) unused;
	return name[0] == '$' || strncmp(name, "lme-", 4) == 0;
}

/* ascii_only - s has no byte above 0x7f */
static int ascii_only(const char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s >= 0x80)
			return 0;
	return 1;
}

/* add_record - write the record for one mapped entry, with control attributes */
static void add_record(struct src *s, const char *key, GHashTable *mapped, const char *smtp,
		       const char *notes, const char *display, const char *form)
{
	GHashTable *r = mapped;		/* made into the record in place */
	const char *const *keys = maptbl_keys(s->t, s->d);
	GString *levels = g_string_new("");
	GString *combo = g_string_new("");
	static const char *const special[][2] = {{"ta", R_TA}, {"dn", R_DN}};

	g_hash_table_foreach_remove(r, not_target, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(special); i++) {
		gpointer k, v;

		if (g_hash_table_steal_extended(r, special[i][0], &k, &v)) {
			g_free(k);
			g_hash_table_insert(r, g_strdup(special[i][1]), v);
		}
	}
	/* The control attributes go straight to the record (the tables may
	 * not write them: none is in r). */
	const char *ctl[][2] = {
		{R_RECORD, "entry"}, {R_SMTP, smtp}, {R_NOTES, notes},
		{R_DISPLAY, display ? display : ""}, {R_FORM, form}, {R_LEVELS, NULL},
	};
	guint   nctl = G_N_ELEMENTS(ctl) - 1;

	if (s->d == MAPTBL_TO_NOTES) {
		char   *at = strrchr(notes, '@');

		set_value(r, "internetaddress", smtp);
		if (!nonempty(first(r, "fullname"))) {
			char   *name = at ? g_strndup(notes, at - notes) : g_strdup(notes);

			set_value(r, "fullname", name);
			g_free(name);
		}
		if (!nonempty(first(r, "maildomain")) && at)
			set_value(r, "maildomain", at + 1);
		if (strcmp(form, "Group") == 0) {
			/* A Group document is named by ListName; its Members
			 * come in a members record (write_members). */
			set_value(r, "listname", first(r, "fullname"));
			g_hash_table_remove(r, "fullname");
			g_hash_table_remove(r, "firstname");
			g_hash_table_remove(r, "lastname");
			set_value(r, "grouptype", "1");
		}
	} else {
		if (!nonempty(first(r, "mail")))
			set_value(r, "mail", smtp);
		if (!nonempty(first(r, R_TA))) {
			char   *ta = g_strconcat("NOTES:", notes, NULL);

			set_value(r, R_TA, ta);
			g_free(ta);
		}
	}
	for (int i = 0; keys && keys[i]; i++) {
		const char *k = strcmp(keys[i], "ta") == 0 ? R_TA : strcmp(keys[i], "dn") == 0 ? R_DN : keys[i];
		const char *val = first(r, k);
		char   *f;

		for (guint c = 0; c < nctl && val == NULL; c++)
			if (strcmp(ctl[c][0], k) == 0)
				val = ctl[c][1];

		/* A Group document's name is its ListName. */
		if (val == NULL && strcmp(k, "fullname") == 0)
			val = first(r, "listname");
		if (i)
			g_string_append_c(combo, '\x1f');
		if (ascii_only(val ? val : "")) {
			/* ASCII folds to lower case: no allocation */
			for (const char *c = val ? val : ""; *c; c++)
				g_string_append_c(combo, g_ascii_tolower(*c));
		} else {
			f = g_utf8_casefold(val, -1);
			g_string_append(combo, f);
			g_free(f);
		}
		if (i)
			g_string_append(levels, LEVEL_SEP);
		g_string_append(levels, combo->str);
	}
	g_string_free(combo, TRUE);
	/* The applying half checks the chained uniqueness over all records. */
	if (keys && keys[0])
		ctl[nctl++][1] = levels->str;
	if (!ldif_write_with(s->out, key, r, (const char *const (*)[2]) ctl, nctl))
		s->write_failed = 1;
	g_string_free(levels, TRUE);
	s->mapped++;
	g_hash_table_add(s->seen, g_strdup(key));
}

/* flush_present - write the batch of present keys, if any */
static void flush_present(struct src *s)
{
	if (s->batch == NULL)
		return;
	if (!ldif_write(s->out, "", s->batch))
		s->write_failed = 1;
	g_hash_table_unref(s->batch);
	s->batch = NULL;
	s->batched = 0;
}

/* write_present - say that key still exists (in batches of PRESENT_BATCH) */
static void write_present(struct src *s, const char *key)
{
	if (s->batch == NULL) {
		s->batch = ldif_entry_new();
		ldif_entry_add(s->batch, R_RECORD, "present");
	}
	ldif_entry_add(s->batch, R_KEY, key);
	s->present++;
	if (++s->batched >= PRESENT_BATCH)
		flush_present(s);
}

/* left_as_is - an entry whose address or name is too long: an error,
 * but still present (its target is neither changed nor deleted) */
static int left_as_is(struct src *s, const char *key)
{
	msg_warn("%s: %s: address or name longer than %d bytes: left as it is",
		 dxasync_dir_name(s->d), key, NAME_MAX_BYTES);
	s->errors++;
	write_present(s, key);
	g_hash_table_add(s->seen, g_strdup(key));
	return !s->write_failed;
}

/* map_entry - map src into the spare entry (made when there is none);
 * NULL (and counted) when the tables fail on it.  Give it back with
 * maptbl_entry_give(&s->spare, ...). */
static GHashTable *map_entry(struct src *s, const char *key, GHashTable *e)
{
	GString *why = g_string_new("");
	GHashTable *m = maptbl_entry_take(&s->spare);

	if (!maptbl_map_into(s->t, s->d, e, m, why)) {
		msg_warn("%s: %s: mapping failed: %s", dxasync_dir_name(s->d), key, why->str);
		s->errors++;
		maptbl_entry_give(&s->spare, m);
		m = NULL;
	}
	g_string_free(why, TRUE);
	return m;
}


/* hwm_later - a is a later mark than b */
static int hwm_later(const struct conf *conf, enum maptbl_dir d, const char *a, const char *b)
{
	if (b == NULL)
		return 1;
	if (d == MAPTBL_TO_LDAP || is_ad(conf))
		return g_ascii_strtoull(a, NULL, 10) > g_ascii_strtoull(b, NULL, 10);
	return strcmp(a, b) > 0;
}

/* progress - tell the caller every 1000 entries */
static void progress(struct src *s)
{
	if (s->o->progress && s->read % 1000 == 0)
		s->o->progress(dxasync_dir_name(s->d), s->read);
}

/* under - dn is the container or below it (both normalized) */
static int under(const char *dn, const char *container)
{
	size_t  n = strlen(dn), c = strlen(container);

	return n >= c && strcmp(dn + n - c, container) == 0 && (n == c || dn[n - c - 1] == ',');
}

/* group_members - keep the member DNs of a group for its members record;
 * 0 (and reported) when there are too many to write: left as it is */
static int group_members(struct src *s, const char *key, GHashTable *e)
{
	static const char *const attrs[] = {"member", "uniquemember", NULL};
	GPtrArray *m = g_ptr_array_new_with_free_func(g_free);
	size_t  bytes = 0;

	for (int a = 0; attrs[a]; a++) {
		GPtrArray *v = g_hash_table_lookup(e, attrs[a]);

		for (guint i = 0; v && i < v->len; i++) {
			const char *dn = g_ptr_array_index(v, i);
			const char *uid = strrchr(dn, '#');
			size_t  n = strlen(dn);

			/* uniqueMember: DN [ "#" BitString ] */
			if (a == 1 && uid && uid[1] == '\'' && n > 3 && dn[n - 1] == 'B')
				n = (size_t) (uid - dn);
			if (n == 0)
				continue;
			bytes += n;
			g_ptr_array_add(m, g_strndup(dn, n));
		}
	}
	if (m->len > MEMBERS_MAX || bytes > MEMBERS_BYTES) {
		msg_warn("%s: %s: a group of %u members (%zu bytes): more than %d or %d bytes: left as it is",
			 dxasync_dir_name(s->d), key, m->len, bytes, MEMBERS_MAX, MEMBERS_BYTES);
		s->errors++;
		g_ptr_array_unref(m);
		return 0;
	}
	{
		struct group *g = g_new0(struct group, 1);

		g->key = g_strdup(key);
		g->dns = m;
		g_ptr_array_add(s->groups, g);
	}
	return 1;
}

/* note_dn - remember which key a DN has, for the members of groups */
static void note_dn(struct src *s, const char *dn, const char *key)
{
	char   *n;

	if (s->dn_key && key && (n = ldapdir_dn_norm(dn)) != NULL)
		g_hash_table_replace(s->dn_key, n, g_strdup(key));
}

/* write_members - one members record per group read: each member as
 * "KEY DN", KEY "-" when no entry read has that DN */
static void write_members(struct src *s)
{
	for (guint i = 0; s->groups && i < s->groups->len && !s->write_failed; i++) {
		struct group *g = g_ptr_array_index(s->groups, i);
		GHashTable *r = ldif_entry_new();

		ldif_entry_add(r, R_RECORD, "members");
		for (guint j = 0; j < g->dns->len; j++) {
			const char *dn = g_ptr_array_index(g->dns, j);
			char   *n = ldapdir_dn_norm(dn);
			const char *key = n ? g_hash_table_lookup(s->dn_key, n) : NULL;
			char   *v = g_strconcat(key ? key : "-", " ", dn, NULL);

			ldif_entry_add(r, R_MEMBER, v);
			g_free(v);
			g_free(n);
		}
		if (!ldif_write(s->out, g->key, r))
			s->write_failed = 1;
		g_hash_table_unref(r);
	}
}

/* gone_since - an entry changed since the mark that is no longer
 * synchronized (fails the FILTER lines, lost its address or name): the
 * key listing of the update must not count it present, so that it is
 * deleted on the other side if owned */
static void gone_since(struct src *s, const char *key)
{
	if (s->old_hwm)
		g_hash_table_add(s->seen, g_strdup(key));
}

/* ldap_user - one LDAP entry of the export (to-notes) */
static int ldap_user(const char *dn, GHashTable *e, void *ctx)
{
	struct src *s = ctx;
	const struct conf *conf = s->conf;
	const char *key = first(e, KEY_ATTR(conf));
	const char *hwm = first(e, HWM_ATTR(conf));
	const char *stamp = first(e, STAMP_ATTR(conf));
	GPtrArray *proxies = g_hash_table_lookup(e, "proxyaddresses");
	GPtrArray *classes = g_hash_table_lookup(e, "objectclass");
	const char *smtp = nonempty(first(e, "mail"));
	const char *display = nonempty(first(e, "displayname"));
	char   *norm = s->import_rdn && strcasestr(dn, s->import_rdn) ? ldapdir_dn_norm(dn) : NULL;
	char   *notes = NULL;
	const char *form = "Person";
	GHashTable *m;

	s->read++;
	progress(s);
	if (hwm && hwm_later(conf, s->d, hwm, s->hwm)) {
		g_free(s->hwm);
		s->hwm = g_strdup(hwm);
	}
	if (key == NULL || (stamp && strcmp(stamp, conf->connector_guid) == 0)
	    || (norm && s->import_norm && under(norm, s->import_norm))) {
		s->skipped++;
		g_free(norm);
		return 1;
	}
	g_free(norm);
	note_dn(s, dn, key);
	for (guint i = 0; classes && i < classes->len; i++)
		if (g_ascii_strcasecmp(g_ptr_array_index(classes, i), "group") == 0
		    || g_ascii_strcasecmp(g_ptr_array_index(classes, i), "groupOfNames") == 0
		    || g_ascii_strcasecmp(g_ptr_array_index(classes, i), "groupOfUniqueNames") == 0)
			form = "Group";
	for (guint i = 0; proxies && i < proxies->len; i++) {
		const char *p = g_ptr_array_index(proxies, i);

		if (smtp == NULL && strncmp(p, "SMTP:", 5) == 0 && p[5])
			smtp = p + 5;
		if (notes == NULL && strncmp(p, "NOTES:", 6) == 0 && p[6])
			notes = g_strdup(p + 6);
	}
	if (display == NULL)
		display = nonempty(first(e, "cn"));
	if (smtp == NULL || display == NULL) {
		s->skipped++;
		gone_since(s, key);
		g_free(notes);
		return 1;
	}
	if (strlen(smtp) > NAME_MAX_BYTES || strlen(display) > NAME_MAX_BYTES
	    || (notes && strlen(notes) > NAME_MAX_BYTES)) {
		g_free(notes);
		return left_as_is(s, key);
	}
	if (notes == NULL) {
		GString *n = g_string_new("");
		const char *tpl = conf->notes_address_template;

		if (tpl == NULL) {
			if (s->dflt_tpl == NULL)
				s->dflt_tpl = g_strdup_printf("%%d/%s@%s", conf->foreign_domain, conf->foreign_domain);
			tpl = s->dflt_tpl;
		}
		for (const char *p = tpl; *p; p++) {
			if (p[0] == '%' && p[1] == 'd') {
				g_string_append(n, display);
				p++;
			} else if (p[0] == '%' && p[1] == '%') {
				g_string_append_c(n, '%');
				p++;
			} else {
				g_string_append_c(n, *p);
			}
		}
		notes = g_string_free(n, FALSE);
		{
			char   *proxy = g_strconcat("NOTES:", notes, NULL);

			ldif_entry_add(e, "proxyaddresses", proxy);
			g_free(proxy);
		}
	}
	maptbl_entry_add(e, "$$dn", dn);	/* "$$DN" casefolded */
	if (!maptbl_filter(s->t, s->d, e)) {
		s->skipped++;
		gone_since(s, key);
		g_free(notes);
		return 1;
	}
	if (strcmp(form, "Group") == 0 && !group_members(s, key, e)) {
		write_present(s, key);
		g_hash_table_add(s->seen, g_strdup(key));
		g_free(notes);
		return !s->write_failed;
	}
	if ((m = map_entry(s, key, e)) == NULL) {
		write_present(s, key);
		g_hash_table_add(s->seen, g_strdup(key));
	} else {
		add_record(s, key, m, smtp, notes, display, form);
		maptbl_entry_give(&s->spare, m);
	}
	g_free(notes);
	return !s->write_failed;
}

/* ldap_present - one key of the presence listing (update runs) */
static int ldap_present(const char *dn, GHashTable *e, void *ctx)
{
	struct src *s = ctx;
	const char *key = first(e, KEY_ATTR(s->conf));
	const char *stamp = first(e, STAMP_ATTR(s->conf));

	if (key && !(stamp && strcmp(stamp, s->conf->connector_guid) == 0)) {
		note_dn(s, dn, key);
		if (!g_hash_table_contains(s->seen, key))
			write_present(s, key);
	}
	return !s->write_failed;
}

/* notes_doc - one document of the Domino directory (to-ldap) */
static int notes_doc(const char *unid, const char *form, time_t modified, GHashTable *e, void *ctx)
{
	struct src *s = ctx;
	const struct conf *conf = s->conf;
	const char *stamp = first(e, "$notesdxastamp");
	int     group = g_ascii_strcasecmp(form, "Group") == 0;
	const char *name = first(e, group ? "listname" : "fullname");
	const char *smtp = nonempty(first(e, "internetaddress"));
	const char *domain = nonempty(first(e, "maildomain"));
	const char *shortname = nonempty(first(e, "shortname"));
	char   *mark = NULL, *smtp_buf = NULL, *notes, *display;
	GHashTable *m;

	s->read++;
	progress(s);
	if (!group && g_ascii_strcasecmp(form, "Person") != 0 && g_ascii_strcasecmp(form, "Database") != 0) {
		s->skipped++;
		return 1;
	}
	if ((stamp && strcmp(stamp, conf->connector_guid) == 0) || !nonempty(name)) {
		s->skipped++;
		return 1;
	}
	if (modified >= 0) {
		mark = g_strdup_printf("%lld", (long long) modified);
		if (hwm_later(conf, s->d, mark, s->hwm)) {
			g_free(s->hwm);
			s->hwm = g_strdup(mark);
		}
	}
	if (smtp == NULL && shortname && conf->notes_address_space && conf->notes_address_space[0])
		smtp = smtp_buf = g_strdup_printf("%s@%s", shortname, conf->notes_address_space[0]);
	if (smtp == NULL) {
		s->skipped++;
		g_free(mark);
		return 1;
	}
	if (strlen(smtp) > NAME_MAX_BYTES || strlen(name) > NAME_MAX_BYTES
	    || (domain && strlen(domain) > NAME_MAX_BYTES)) {
		g_free(mark);
		g_free(smtp_buf);
		return left_as_is(s, unid);
	}
	notes = g_strdup_printf("%s@%s", name, domain ? domain : conf->notes_domain);
	display = g_strndup(name, strcspn(name, "/"));
	if (!maptbl_filter(s->t, s->d, e)) {
		s->skipped++;
	} else if (s->old_hwm && mark && hwm_later(conf, s->d, s->old_hwm, mark)) {
		/* Not modified since the last extract (a document of the same
		 * second is read again: the comparison makes that harmless). */
		write_present(s, unid);
		g_hash_table_add(s->seen, g_strdup(unid));
	} else if ((m = map_entry(s, unid, e)) == NULL) {
		write_present(s, unid);
		g_hash_table_add(s->seen, g_strdup(unid));
	} else {
		add_record(s, unid, m, smtp, notes, display, form);
		maptbl_entry_give(&s->spare, m);
	}
	g_free(mark);
	g_free(smtp_buf);
	g_free(notes);
	g_free(display);
	return !s->write_failed;
}

/* user_filter - the export filter, with the update condition */
static char *user_filter(const struct conf *conf, const char *since)
{
	const char *users = is_ad(conf) ? "(&(objectClass=user)(!(objectClass=computer)))" : "(objectClass=inetOrgPerson)";
	const char *groups = is_ad(conf) ? "(objectClass=group)" : "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))";
	GString *f = g_string_new("(&");

	if (conf->export_groups)
		g_string_append_printf(f, "(|%s%s)", users, groups);
	else
		g_string_append(f, users);
	if (conf->export_filter && *conf->export_filter)
		g_string_append_printf(f, "%s%s%s", conf->export_filter[0] == '(' ? "" : "(",
				       conf->export_filter, conf->export_filter[0] == '(' ? "" : ")");
	if (since) {
		if (is_ad(conf)) {
			g_string_append_printf(f, "(uSNChanged>=%llu)", (unsigned long long) g_ascii_strtoull(since, NULL, 10) + 1);
		} else {
			char   *esc = ldapdir_escape_filter(since);

			g_string_append_printf(f, "(entryCSN>=%s)", esc);
			g_free(esc);
		}
	}
	g_string_append_c(f, ')');
	return g_string_free(f, FALSE);
}

/* with_tables_id - "SERVER tables=SHA1" of the mapping tables: a change of
 * the tables changes the source identity, so the next update reads every
 * entry and a newly mapped attribute reaches entries that did not change */
static char *with_tables_id(const struct conf *conf, const char *server)
{
	static const char *const names[] = {"amap.ldap.tbl", "amap.notes.tbl", "mapmex.tbl", "mapnotes.tbl", NULL};
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA1);
	char   *id;

	for (int i = 0; names[i]; i++) {
		char   *path = g_build_filename(conf->maps, names[i], NULL);
		char   *text = NULL;
		gsize   len = 0;

		if (g_file_get_contents(path, &text, &len, NULL))
			g_checksum_update(ck, (const guchar *) text, len);
		g_checksum_update(ck, (const guchar *) "", 1);
		g_free(text);
		g_free(path);
	}
	id = g_strdup_printf("%s tables=%.12s", server, g_checksum_get_string(ck));
	g_checksum_free(ck);
	return id;
}

/* source_ldap - read the LDAP export (to-notes) */
static int source_ldap(struct src *s, struct state *st, char **server, GString *why)
{
	const struct conf *conf = s->conf;
	struct ldapdir *l = ldapdir_open(conf, why);
	const char *const *mattrs = maptbl_source_attrs(s->t, s->d);
	GPtrArray *attrs = g_ptr_array_new_with_free_func(g_free);
	const char *fixed[] = {"objectclass", "mail", "proxyaddresses", "displayname", "cn",
		KEY_ATTR(conf), HWM_ATTR(conf), STAMP_ATTR(conf), NULL};
	const char *key_attrs[] = {KEY_ATTR(conf), STAMP_ATTR(conf), NULL};
	char   *filter;
	int     ok = 1;

	if (l == NULL)
		return 0;
	if (conf->export_groups) {
		g_ptr_array_add(attrs, g_strdup("member"));
		g_ptr_array_add(attrs, g_strdup("uniquemember"));
	}
	{
		char   *id = ldapdir_server_id(l);

		*server = with_tables_id(conf, id);
		g_free(id);
	}
	if (!s->o->full && st->hwm[s->d] && st->server[s->d] && strcmp(st->server[s->d], *server) == 0)
		s->old_hwm = g_strdup(st->hwm[s->d]);
	else if (!s->o->full && st->hwm[s->d])
		msg_info("%s: the server or the tables changed (%s, was %s): reading everything",
			 dxasync_dir_name(s->d), *server, st->server[s->d] ? st->server[s->d] : "none");
	for (int i = 0; fixed[i]; i++)
		g_ptr_array_add(attrs, g_strdup(fixed[i]));
	for (int i = 0; mattrs && mattrs[i]; i++)
		g_ptr_array_add(attrs, g_strdup(mattrs[i]));
	g_ptr_array_add(attrs, NULL);
	if (conf->import_container) {
		char   *attr = NULL;

		s->import_norm = ldapdir_dn_norm(conf->import_container);
		if (!ldapdir_rdn(conf->import_container, &attr, &s->import_rdn))
			s->import_rdn = g_strdup("");
		g_free(attr);
	}
	filter = user_filter(conf, s->old_hwm);
	for (int i = 0; ok && conf->export_base[i]; i++)
		ok = ldapdir_search(l, conf->export_base[i], filter, (const char *const *) attrs->pdata,
				    ldap_user, s, why);
	g_free(filter);
	if (ok && s->old_hwm) {
		filter = user_filter(conf, NULL);
		for (int i = 0; ok && conf->export_base[i]; i++)
			ok = ldapdir_search(l, conf->export_base[i], filter, key_attrs, ldap_present, s, why);
		g_free(filter);
	}
	if (s->hwm == NULL && s->old_hwm)
		s->hwm = g_strdup(s->old_hwm);
	g_ptr_array_unref(attrs);
	ldapdir_close(l);
	return ok;
}

int     dxasync_source(const struct conf *conf, const struct maptbl *t, enum maptbl_dir d,
		       const struct dxasync_opts *o, FILE *out, GString *why)
{
	struct src s = {0};
	struct state *st;
	char   *server = NULL;
	int     ok;

	s.conf = conf;
	s.t = t;
	s.d = d;
	s.o = o;
	s.out = out;
	s.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (d == MAPTBL_TO_NOTES && conf->export_groups) {
		s.dn_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		s.groups = g_ptr_array_new_with_free_func(group_free);
	}
	/* The marks only: the applying half has the owned entries. */
	st = state_load(conf, 1, why);
	if (st == NULL) {
		ok = 0;
	} else if (d == MAPTBL_TO_NOTES) {
		ok = source_ldap(&s, st, &server, why);
	} else {
		server = with_tables_id(conf, conf->notes_directory);
		if (!o->full && st->hwm[d] && st->server[d] && strcmp(st->server[d], server) == 0)
			s.old_hwm = g_strdup(st->hwm[d]);
		ok = notesdir_read(conf->notes_directory, notes_doc, &s, why);
		if (s.hwm == NULL && s.old_hwm)
			s.hwm = g_strdup(s.old_hwm);
	}
	flush_present(&s);
	if (ok)
		write_members(&s);
	if (ok && s.write_failed) {
		g_string_printf(why, "writing to the applying half: %s", g_strerror(errno));
		ok = 0;
	}
	{
		GHashTable *end = ldif_entry_new();

		ldif_entry_add(end, R_RECORD, "end");
		ldif_entry_add(end, R_COMPLETE, ok ? "yes" : "no");
		ldif_entry_add(end, R_SERVER, server ? server : "");
		ldif_entry_add(end, R_HWM, s.hwm ? s.hwm : "");
		/* The applying half keeps it when it rejects entries, which
		 * the next update reads again. */
		ldif_entry_add(end, R_OLD_HWM, s.old_hwm ? s.old_hwm : "");
		ldif_write(out, "", end);
		g_hash_table_unref(end);
	}
	if (o->verbose)
		msg_info("%s: read %ld, skipped %ld, mapped %ld, present %ld, errors %ld",
			 dxasync_dir_name(d), s.read, s.skipped, s.mapped, s.present, s.errors);
	if (st)
		state_free(st);
	g_hash_table_unref(s.seen);
	if (s.dn_key)
		g_hash_table_unref(s.dn_key);
	if (s.groups)
		g_ptr_array_unref(s.groups);
	g_free(s.hwm);
	g_free(s.old_hwm);
	g_free(s.import_norm);
	g_free(s.import_rdn);
	g_free(s.dflt_tpl);
	if (s.spare)
		g_hash_table_unref(s.spare);
	g_free(server);
	return ok;
}

 /*
  * The applying half.
  */
enum op_kind {
	OP_SAME, OP_ADD, OP_CHANGE, OP_DELETE,
};

struct op {
	enum op_kind kind;
	char   *key;
	char   *target;			/* UNID or DN */
	char   *old_target;		/* DN to rename (rename) or delete first, or NULL */
	int     rename;			/* to-ldap: move old_target to target, then modify */
	GHashTable *attrs;		/* what to write (add: all; change: changed only) */
	struct owned *next;		/* the state after success (in the state's arena) */
	char   *form;
	int     write;			/* to-notes: its document goes into the import file */
	int     written;		/* it is there */
	int     rejected;		/* its keys are not unique: left as it is */
};

/* op_free - release an op */
static void op_free(gpointer p)
{
	struct op *op = p;

	g_free(op->key);
	g_free(op->target);
	g_free(op->old_target);
	if (op->attrs)
		g_hash_table_unref(op->attrs);
	g_free(op->form);
	g_free(op);
}

/* record_hash - the SHA-1 of a record as LDIF text, in hex: the reading
 * half writes a record one way only (attributes sorted, one line per
 * value, values byte exact), so the digest changes when and only when
 * the record does, case included */
static char *record_hash(const GString *text)
{
	struct sha1_ctx ctx;
	uint8_t digest[SHA1_DIGEST_SIZE];
	char   *h = g_malloc(2 * SHA1_DIGEST_SIZE + 1);

	sha1_init(&ctx);
	sha1_update(&ctx, text->len, (const uint8_t *) text->str);
	sha1_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++) {
		h[2 * i] = "0123456789abcdef"[digest[i] >> 4];
		h[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
	}
	h[2 * SHA1_DIGEST_SIZE] = 0;
	return h;
}

/* unid_of - the UNID of the Person document for a source key */
static char *unid_of(const struct conf *conf, const char *key)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
	guint8  d[16];
	gsize   n = sizeof(d);
	char   *u;

	g_checksum_update(ck, (const guchar *) conf->connector_guid, strlen(conf->connector_guid) + 1);
	g_checksum_update(ck, (const guchar *) key, strlen(key));
	g_checksum_get_digest(ck, d, &n);
	g_checksum_free(ck);
	/* upper-case hex, made at once */
	u = g_malloc(2 * n + 1);
	for (gsize i = 0; i < n; i++) {
		u[2 * i] = "0123456789ABCDEF"[d[i] >> 4];
		u[2 * i + 1] = "0123456789ABCDEF"[d[i] & 15];
	}
	u[2 * n] = 0;
	return u;
}

/* target_items - the record without its control attributes */
static GHashTable *target_items(GHashTable *e)
{
	GHashTable *t = ldif_entry_new();
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, e);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		GPtrArray *vals = v;

		if (g_str_has_prefix(k, "lme-"))
			continue;
		for (guint i = 0; i < vals->len; i++)
			ldif_entry_add(t, k, g_ptr_array_index(vals, i));
	}
	return t;
}

/* values_equal - the same values (as multisets), byte exact */
static int values_equal(GPtrArray *a, GPtrArray *b)
{
	GPtrArray *x, *y;
	int     eq = 1;

	if (a->len != b->len)
		return 0;
	x = g_ptr_array_sized_new(a->len);
	y = g_ptr_array_sized_new(b->len);
	for (guint i = 0; i < a->len; i++) {
		g_ptr_array_add(x, g_ptr_array_index(a, i));
		g_ptr_array_add(y, g_ptr_array_index(b, i));
	}
	g_ptr_array_sort(x, str_cmp);
	g_ptr_array_sort(y, str_cmp);
	for (guint i = 0; i < x->len && eq; i++)
		eq = strcmp(g_ptr_array_index(x, i), g_ptr_array_index(y, i)) == 0;
	g_ptr_array_free(x, TRUE);
	g_ptr_array_free(y, TRUE);
	return eq;
}

/* drop_empty - remove "" values; an attribute left with none stays, empty */
static void drop_empty(GHashTable *e)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, e);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		GPtrArray *vals = v;

		for (guint i = vals->len; i-- > 0;)
			if (*(char *) g_ptr_array_index(vals, i) == 0)
				g_ptr_array_remove_index(vals, i);
	}
}

/* An entry and its name: a stamped contact and its DN, or a group
 * waiting for its members record and its source key. */
struct named {
	char   *name;
	GHashTable *e;
};

/* named_new - a named entry (a reference to e) */
static struct named *named_new(const char *name, GHashTable *e)
{
	struct named *n = g_new0(struct named, 1);

	n->name = g_strdup(name);
	n->e = g_hash_table_ref(e);
	return n;
}

/* named_free - release a named entry */
static void named_free(gpointer p)
{
	struct named *n = p;

	g_free(n->name);
	g_hash_table_unref(n->e);
	g_free(n);
}

/* load_contact - one stamped contact of the import container */
static int load_contact(const char *dn, GHashTable *e, void *ctx)
{
	GHashTable *contacts = ctx;
	char   *norm = ldapdir_dn_norm(dn);

	if (norm == NULL)
		return LDAPDIR_NEXT;
	g_hash_table_replace(contacts, norm, named_new(dn, e));
	return LDAPDIR_KEPT;
}

/* contact_dn - the DN of the contact for a record */
static char *contact_dn(const struct conf *conf, const char *key, GHashTable *e)
{
	const char *rel = nonempty(first(e, R_DN));
	char   *rdn, *dn;

	if (rel && strchr(rel, '=')) {
		rdn = g_strdup(rel);
	} else {
		char   *esc = ldapdir_escape_rdn(rel ? rel : key);

		rdn = g_strconcat("cn=", esc, NULL);
		g_free(esc);
	}
	dn = g_strconcat(rdn, ",", conf->import_container, NULL);
	g_free(rdn);
	return dn;
}

/* desired_contact - the attributes the contact should have */
static GHashTable *desired_contact(const struct conf *conf, GHashTable *e, const char *dn)
{
	GHashTable *want = target_items(e);
	const char *ta = first(e, R_TA);
	char   *rdn_attr = NULL, *rdn_value = NULL;

	drop_empty(want);
	if (ta)
		set_value(want, TA_ATTR(conf), ta);
	set_value(want, STAMP_ATTR(conf), conf->connector_guid);
	if (ldapdir_rdn(dn, &rdn_attr, &rdn_value)) {
		GPtrArray *v = g_hash_table_lookup(want, rdn_attr);
		int     have = 0;

		for (guint i = 0; v && i < v->len; i++)
			have |= strcmp(g_ptr_array_index(v, i), rdn_value) == 0;
		if (!have && (v == NULL || is_ad(conf)))
			set_value(want, rdn_attr, rdn_value);
		else if (!have)
			g_ptr_array_add(v, g_strdup(rdn_value));
		g_free(rdn_attr);
		g_free(rdn_value);
	}
	if (!is_ad(conf)) {
		GPtrArray *sn = g_hash_table_lookup(want, "sn");

		if (sn == NULL || sn->len == 0) {
			const char *v = nonempty(first(want, "cn"));

			if (v == NULL)
				v = nonempty(first(e, R_DISPLAY));
			set_value(want, "sn", v ? v : "-");
		}
	}
	return want;
}

/* renamed_entry - a copy of the contact e as it is after a rename from
 * old_dn to new_dn (the old RDN value removed, the new one added) */
static GHashTable *renamed_entry(GHashTable *e, const char *old_dn, const char *new_dn)
{
	GHashTable *r = ldif_entry_new();
	GHashTableIter it;
	gpointer k, v;
	char   *oa = NULL, *ov = NULL, *na = NULL, *nv = NULL, *fold;

	if (!ldapdir_rdn(old_dn, &oa, &ov))
		oa = ov = NULL;
	fold = ov ? g_utf8_casefold(ov, -1) : NULL;
	if (!ldapdir_rdn(new_dn, &na, &nv))
		na = nv = NULL;
	g_hash_table_iter_init(&it, e);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		GPtrArray *vals = v;

		for (guint i = 0; i < vals->len; i++) {
			const char *x = g_ptr_array_index(vals, i);
			char   *xf = oa && strcmp(k, oa) == 0 ? g_utf8_casefold(x, -1) : NULL;
			int     drop = xf && strcmp(xf, fold) == 0;

			g_free(xf);
			if (!drop)
				ldif_entry_add(r, k, x);
		}
	}
	if (na) {
		GPtrArray *vals = g_hash_table_lookup(r, na);
		int     have = 0;

		for (guint i = 0; vals && i < vals->len; i++)
			have |= strcmp(g_ptr_array_index(vals, i), nv) == 0;
		if (!have)
			ldif_entry_add(r, na, nv);
	}
	g_free(oa);
	g_free(ov);
	g_free(fold);
	g_free(na);
	g_free(nv);
	return r;
}

/* An entry record, for the chained uniqueness rule after the last one. */
struct urec {
	const char *key;
	guint   lv, nlev;			/* its casefolded combinations: plan->lv[lv...] */
	const char *ta;			/* to-ldap: casefolded target address, or NULL */
	struct op *op;
};

struct plan {
	const struct conf *conf;
	enum maptbl_dir d;
	const struct dxasync_opts *o;
	FILE   *report;
	struct state *st;
	GPtrArray *ops;			/* struct op */
	GHashTable *seen;		/* source keys */
	GHashTable *contacts;		/* to-ldap: normalized DN -> struct named (its DN) */
	struct notesdir_import *im;	/* to-notes, unless dry run */
	GHashTable *spelling;		/* to-notes: item name, lower case -> as the tables write it */
	GHashTable *stamped;		/* target normalized -> DN or name: entries carrying our stamp */
	GPtrArray *groups;		/* to-notes: struct named (the key), planned after the others */
	GHashTable *members;		/* to-notes: group key -> its members record */
	int     ended, complete;
	char   *server, *hwm, *old_hwm;
	long    n[4];			/* per op_kind */
	GArray *urecs;			/* struct urec, one per entry record */
	GStringChunk *chunk;		/* their strings */
	GPtrArray *lv;			/* their key combinations (in the chunk) */
	GPtrArray *count;		/* per level: combination -> records */
	GHashTable *tas;		/* target address -> records */
	long    rejected;
	FILE   *spill;			/* to-notes: the records written, for a replay */
	GString *raw;			/* the record being read, as read */
};

static const char *const kind_name[] = {"unchanged", "add", "change", "delete"};

/* write_person - the record's document into the import file (its
 * control attributes are not items) */
static void write_person(struct plan *p, struct op *op, GHashTable *e)
{
	const char *f = first(e, R_FORM);

	notesdir_import_person(p->im, f && *f ? f : "Person", op->target, e, p->spelling, p->conf->connector_guid);
	op->written = 1;
}

/* plan_notes - plan one entry record (text: as LDIF) for the Domino
 * directory */
static struct op *plan_notes(struct plan *p, const char *key, GHashTable *e, const GString *text)
{
	struct op *op = g_new0(struct op, 1);
	struct owned *old = g_hash_table_lookup(p->st->own[p->d], key);
	char   *hash = record_hash(text);

	op->key = g_strdup(key);
	op->kind = old == NULL ? OP_ADD : strcmp(old->hash, hash) ? OP_CHANGE : OP_SAME;
	op->target = old && *old->target ? g_strdup(old->target) : unid_of(p->conf, key);
	op->next = owned_new(p->st, hash, op->target, first(e, R_SMTP), first(e, R_NOTES), first(e, R_DISPLAY),
			     first(e, R_LEVELS));
	/* Written now (by read_records()), while the reading half reads on;
	 * the rare entry that check_unique() rejects later is taken out by
	 * a replay. */
	op->write = (op->kind != OP_SAME || p->o->full) && p->im;
	g_free(hash);
	g_ptr_array_add(p->ops, op);
	return op;
}

/* plan_ldap - plan one entry record for the LDAP import container */
static struct op *plan_ldap(struct plan *p, const char *key, GHashTable *e, const GString *text)
{
	struct op *op = g_new0(struct op, 1);
	struct owned *old = g_hash_table_lookup(p->st->own[p->d], key);
	char   *dn = contact_dn(p->conf, key, e);
	char   *norm = ldapdir_dn_norm(dn);
	GHashTable *want = desired_contact(p->conf, e, dn);
	struct named *cur = norm ? g_hash_table_lookup(p->contacts, norm) : NULL;
	char   *hash = record_hash(text);
	GHashTable *renamed = NULL;
	struct named moved;

	op->key = g_strdup(key);
	op->target = dn;
	op->next = owned_new(p->st, hash, dn, first(e, R_SMTP), first(e, R_NOTES), first(e, R_DISPLAY),
			     first(e, R_LEVELS));
	if (old && *old->target && norm) {
		char   *on = ldapdir_dn_norm(old->target);
		struct named *was = on && strcmp(on, norm) != 0 ? g_hash_table_lookup(p->contacts, on) : NULL;

		/* Our contact for this key is under another DN (a new DN from
		 * the DN rule): renamed, so it keeps its identity (entryUUID,
		 * objectGUID), and compared as it will be after the rename.  If
		 * a stamped contact holds the new DN already, the old one goes. */
		if (was) {
			op->old_target = g_strdup(was->name);
			if (cur == NULL) {
				op->rename = 1;
				renamed = renamed_entry(was->e, was->name, dn);
			}
		}
		g_free(on);
	}
	if (renamed) {
		cur = &moved;
		moved.name = dn;
		moved.e = renamed;
	}
	if (cur == NULL) {
		op->kind = OP_ADD;
		if (is_ad(p->conf)) {
			ldif_entry_add(want, "objectclass", "top");
			ldif_entry_add(want, "objectclass", "contact");
		} else {
			static const char *const oc[] = {"top", "person", "organizationalPerson",
			"inetOrgPerson", "lmeContact", NULL};

			for (int i = 0; oc[i]; i++)
				ldif_entry_add(want, "objectclass", oc[i]);
		}
		op->attrs = g_hash_table_ref(want);
	} else {
		GHashTable *changed = ldif_entry_new();
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_iter_init(&it, want);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			GPtrArray *w = v, *c = g_hash_table_lookup(cur->e, k);

			if (w->len == 0 && c && c->len)
				g_hash_table_insert(changed, g_strdup(k), g_ptr_array_new_with_free_func(g_free));
			else if (w->len && (c == NULL || !values_equal(w, c)))
				for (guint i = 0; i < w->len; i++)
					ldif_entry_add(changed, k, g_ptr_array_index(w, i));
		}
		op->kind = g_hash_table_size(changed) || op->old_target ? OP_CHANGE : OP_SAME;
		op->attrs = changed;
	}
	if (renamed)
		g_hash_table_unref(renamed);
	g_hash_table_unref(want);
	g_free(norm);
	g_free(hash);
	g_ptr_array_add(p->ops, op);
	return op;
}

/* print_plan - with dry_run, the additions and changes planned */
static void print_plan(struct plan *p)
{
	for (guint i = 0; i < p->ops->len; i++) {
		struct op *op = g_ptr_array_index(p->ops, i);
		GPtrArray *names;
		GString *list;

		if (op->kind == OP_SAME || op->kind == OP_DELETE || op->rejected)
			continue;
		if (p->d == MAPTBL_TO_NOTES) {
			fprintf(p->report, "%s: %s %s %s <%s>\n", dxasync_dir_name(p->d), kind_name[op->kind],
				op->target, op->next->notes, op->next->smtp);
			continue;
		}
		names = sorted_keys(op->attrs);
		list = g_string_new("");
		for (guint j = 0; op->kind == OP_CHANGE && j < names->len; j++)
			g_string_append_printf(list, "%s%s", j ? ", " : " (", (char *) g_ptr_array_index(names, j));
		if (list->len)
			g_string_append_c(list, ')');
		if (op->old_target)
			g_string_append_printf(list, " (%s %s)", op->rename ? "renamed from" : "replacing",
					       op->old_target);
		fprintf(p->report, "%s: %s %s <%s>%s\n", dxasync_dir_name(p->d), kind_name[op->kind],
			op->target, op->next->smtp, list->str);
		g_string_free(list, TRUE);
		g_ptr_array_free(names, TRUE);
	}
}

/* count_combo - one more record with this combination at level l */
static void count_combo(struct plan *p, guint l, const char *combo)
{
	GHashTable *c;

	while (p->count->len <= l)
		g_ptr_array_add(p->count, g_hash_table_new(g_str_hash, g_str_equal));
	c = g_ptr_array_index(p->count, l);
	g_hash_table_insert(c, (gpointer) combo, GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(c, combo)) + 1));
}

/* split_levels - a copy of LEVEL_SEP-joined text in the chunk, split; the
 * combinations appended to into; their number */
static guint split_levels(struct plan *p, const char *joined, GPtrArray *into)
{
	char   *c = g_string_chunk_insert(p->chunk, joined);
	guint   n = 1;

	g_ptr_array_add(into, c);
	while ((c = strchr(c, LEVEL_SEP[0])) != NULL) {
		*c++ = 0;
		g_ptr_array_add(into, c);
		n++;
	}
	return n;
}

/* note_keys - remember an entry record's key combinations and target address */
static void note_keys(struct plan *p, const char *key, GHashTable *e, struct op *op)
{
	struct urec u = {0};
	const char *joined = first(e, R_LEVELS);
	const char *ta = p->d == MAPTBL_TO_LDAP ? first(e, R_TA) : NULL;

	u.key = g_string_chunk_insert(p->chunk, key);
	u.op = op;
	if (joined && *joined) {
		u.lv = p->lv->len;
		u.nlev = split_levels(p, joined, p->lv);
		for (guint l = 0; l < u.nlev; l++)
			count_combo(p, l, g_ptr_array_index(p->lv, u.lv + l));
	}
	if (ta) {
		char   *fold = g_utf8_casefold(ta, -1);

		u.ta = g_string_chunk_insert(p->chunk, fold);
		g_free(fold);
		g_hash_table_insert(p->tas, (gpointer) u.ta,
			     GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(p->tas, u.ta)) + 1));
	}
	g_array_append_val(p->urecs, u);
}

/* check_unique - the chained key rule and unique target addresses, over
 * every record (and, in an update, the owned entries not read again);
 * the ops of the records that fail it are marked rejected */
static void check_unique(struct plan *p)
{
	guint   nlev = p->count->len;

	if (!p->o->full && nlev) {
		GHashTable *batch = g_hash_table_new(g_str_hash, g_str_equal);
		GString *combo = g_string_new("");
		GHashTableIter it;
		gpointer k, v;

		for (guint i = 0; i < p->urecs->len; i++)
			g_hash_table_add(batch, (gpointer) g_array_index(p->urecs, struct urec, i).key);
		g_hash_table_iter_init(&it, p->st->own[p->d]);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			struct owned *o = v;
			const char *c = o->levels;
			guint   n = 1;

			if (*c == 0 || g_hash_table_contains(batch, k))
				continue;
			while ((c = strchr(c, LEVEL_SEP[0])) != NULL && n <= nlev)
				c++, n++;
			if (n != nlev)
				continue;
			/* Only the combinations of this run's records matter: a
			 * lookup, never a new entry in the counts. */
			c = o->levels;
			for (guint l = 0; l < nlev; l++) {
				const char *e = strchr(c, LEVEL_SEP[0]);
				size_t  len = e ? (size_t) (e - c) : strlen(c);
				gpointer orig, count;

				g_string_truncate(combo, 0);
				g_string_append_len(combo, c, len);
				if (g_hash_table_lookup_extended(g_ptr_array_index(p->count, l), combo->str, &orig, &count))
					g_hash_table_insert(g_ptr_array_index(p->count, l), orig,
							    GINT_TO_POINTER(GPOINTER_TO_INT(count) + 1));
				c += len + (e != NULL);
			}
		}
		g_string_free(combo, TRUE);
		g_hash_table_unref(batch);
	}
	for (guint i = 0; i < p->urecs->len; i++) {
		struct urec *u = &g_array_index(p->urecs, struct urec, i);
		int     unique = u->nlev == 0;

		for (guint l = 0; l < u->nlev && l < nlev && !unique; l++)
			if (GPOINTER_TO_INT(g_hash_table_lookup(g_ptr_array_index(p->count, l),
								g_ptr_array_index(p->lv, u->lv + l))) == 1)
				unique = 1;
		if (!unique) {
			msg_warn("%s: %s: rejected: its key attributes are not unique", dxasync_dir_name(p->d), u->key);
			u->op->rejected = 1;
		} else if (u->ta && GPOINTER_TO_INT(g_hash_table_lookup(p->tas, u->ta)) > 1) {
			msg_warn("%s: %s: rejected: target address is not unique", dxasync_dir_name(p->d), u->key);
			u->op->rejected = 1;
		}
		if (u->op->rejected)
			p->rejected++;
	}
}

/* spill_open - an unnamed temporary file beside the state file */
static FILE *spill_open(const struct conf *conf, GString *why)
{
	char   *path = dxasync_state_path(conf);
	char   *dir = g_path_get_dirname(path);
	int     fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	FILE   *fp = NULL;

	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		char   *tmpl = g_build_filename(dir, ".dxa-spill.XXXXXX", NULL);

		if ((fd = g_mkstemp_full(tmpl, O_RDWR | O_CLOEXEC, 0600)) >= 0)
			unlink(tmpl);
		g_free(tmpl);
	}
	if (fd < 0 || (fp = fdopen(fd, "w+")) == NULL) {
		g_string_printf(why, "%s: temporary file: %s", dir, g_strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		static char buf[1 << 16];	/* one spill file a process */

		setvbuf(fp, buf, _IOFBF, sizeof(buf));
	}
	g_free(dir);
	g_free(path);
	return fp;
}

/* replay - write the import file again without the rejected records */
static int replay(struct plan *p, GString *why)
{
	struct ldif_reader r;
	guint   i = 0;
	int     rc = 1;

	notesdir_import_abort(p->im);
	if ((p->im = notesdir_import_begin(p->conf->notes_import, why)) == NULL)
		return 0;
	if (fflush(p->spill) != 0 || fseek(p->spill, 0, SEEK_SET) != 0) {
		g_string_printf(why, "spill file: %s", g_strerror(errno));
		return 0;
	}
	ldif_reader_init(&r, p->spill);
	for (;;) {
		char   *dn;
		GHashTable *e;
		struct urec *u = NULL;

		while (i < p->urecs->len && !(u = &g_array_index(p->urecs, struct urec, i))->op->written)
			i++;
		if (i == p->urecs->len)
			break;
		if ((rc = ldif_read(&r, &dn, &e, why)) <= 0 || strcmp(dn, u->key) != 0) {
			if (rc > 0) {
				g_free(dn);
				g_hash_table_unref(e);
			}
			if (rc >= 0)
				g_string_printf(why, "spill file: record %u: not the one written", i);
			rc = 0;
			break;
		}
		u->op->written = 0;
		if (!u->op->rejected)
			write_person(p, u->op, e);
		g_free(dn);
		ldif_reader_recycle(&r, e);
		i++;
	}
	ldif_reader_free(&r);
	return rc > 0;
}

/* plan_deletions - owned keys the complete source no longer has */
static void plan_deletions(struct plan *p)
{
	GPtrArray *keys = g_ptr_array_new();
	GHashTableIter it;
	gpointer k0;

	g_hash_table_iter_init(&it, p->st->own[p->d]);
	while (g_hash_table_iter_next(&it, &k0, NULL))
		if (!g_hash_table_contains(p->seen, k0))
			g_ptr_array_add(keys, k0);
	g_ptr_array_sort(keys, str_cmp);
	for (guint i = 0; i < keys->len; i++) {
		const char *k = g_ptr_array_index(keys, i);
		struct owned *o = g_hash_table_lookup(p->st->own[p->d], k);
		struct op *op;

		op = g_new0(struct op, 1);
		op->kind = OP_DELETE;
		op->key = g_strdup(k);
		if (p->d == MAPTBL_TO_LDAP) {
			char   *norm = ldapdir_dn_norm(o->target);

			/* Only a contact that still carries our stamp is deleted. */
			if (norm && g_hash_table_contains(p->contacts, norm))
				op->target = g_strdup(o->target);
			g_free(norm);
		} else {
			op->target = g_strdup(o->target);
		}
		if (p->o->dry_run)
			fprintf(p->report, "%s: delete %s %s <%s>%s\n", dxasync_dir_name(p->d),
				o->target, o->notes, o->smtp, op->target ? "" : " (already gone)");
		g_ptr_array_add(p->ops, op);
	}
	g_ptr_array_free(keys, TRUE);
}

/* target_norm - a target (DN or UNID) normalized for comparison, or NULL */
static char *target_norm(enum maptbl_dir d, const char *target)
{
	if (target == NULL || *target == 0)
		return NULL;
	return d == MAPTBL_TO_LDAP ? ldapdir_dn_norm(target) : g_ascii_strup(target, -1);
}

/* stamped_doc - one document of the Domino directory carrying our stamp */
static int stamped_doc(const char *unid, const char *form, time_t modified, GHashTable *e, void *ctx)
{
	struct plan *p = ctx;
	const char *stamp = first(e, "$notesdxastamp");
	const char *name = first(e, g_ascii_strcasecmp(form, "Group") == 0 ? "listname" : "fullname");

	(void) modified;
	if ((g_ascii_strcasecmp(form, "Person") == 0 || g_ascii_strcasecmp(form, "Group") == 0)
	    && stamp && strcmp(stamp, p->conf->connector_guid) == 0)
		g_hash_table_replace(p->stamped, g_ascii_strup(unid, -1), g_strdup(name ? name : ""));
	return 1;
}

/* plan_orphans - deletions of entries that carry our stamp on the target
 * but that neither the plan nor the state accounts for (a lost state
 * file); the number planned, -1 (and why) when the target could not be read */
static long plan_orphans(struct plan *p, GString *why)
{
	GHashTable *own = p->st->own[p->d];
	GHashTable *known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *op_keys = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *orphans;
	GHashTableIter it;
	gpointer k, v;
	long    unknown = 0, n_orphans;

	if (p->d == MAPTBL_TO_LDAP) {
		/* The stamped contacts of the import container: p->contacts. */
		g_hash_table_iter_init(&it, p->contacts);
		while (g_hash_table_iter_next(&it, &k, &v))
			g_hash_table_replace(p->stamped, g_strdup(k), g_strdup(((struct named *) v)->name));
	} else if (p->conf->notes_directory && (p->o->full || p->st->hwm[p->d] == NULL)) {
		/* The Person and Group documents we stamped, as the Domino
		 * directory export shows them (only read on a full run, or
		 * when the state has no mark: a first run or a lost state). */
		if (!notesdir_read(p->conf->notes_directory, stamped_doc, p, why)) {
			g_string_prepend(why, "reading the stamped documents of notes_directory: ");
			g_hash_table_unref(known);
			g_hash_table_unref(op_keys);
			return -1;
		}
	}
	if (g_hash_table_size(p->stamped) == 0) {
		g_hash_table_unref(known);
		g_hash_table_unref(op_keys);
		return 0;
	}
	for (guint i = 0; i < p->ops->len; i++) {
		struct op *op = g_ptr_array_index(p->ops, i);
		char   *n;

		g_hash_table_add(op_keys, op->key);
		if ((n = target_norm(p->d, op->target)) != NULL)
			g_hash_table_add(known, n);
		if ((n = target_norm(p->d, op->old_target)) != NULL)
			g_hash_table_add(known, n);
	}
	g_hash_table_iter_init(&it, p->seen);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		struct owned *o = g_hash_table_lookup(own, k);
		char   *n;

		if (o && (n = target_norm(p->d, o->target)) != NULL)
			g_hash_table_add(known, n);
		if (p->d == MAPTBL_TO_NOTES)
			g_hash_table_add(known, unid_of(p->conf, k));
		else if (o == NULL && !g_hash_table_contains(op_keys, k))
			unknown++;
	}
	g_hash_table_unref(op_keys);
	if (unknown) {
		/* A source entry left as it is (rejected, unmappable) that the
		 * state does not know: its contact cannot be told from an orphan. */
		if (g_hash_table_size(p->stamped) > g_hash_table_size(known))
			msg_info("%s: %ld source entries were left as they are and the state does not know them: "
				 "stamped entries the state does not own are not deleted this run",
				 dxasync_dir_name(p->d), unknown);
		g_hash_table_unref(known);
		return 0;
	}
	orphans = g_ptr_array_new();
	g_hash_table_iter_init(&it, p->stamped);
	while (g_hash_table_iter_next(&it, &k, NULL))
		if (!g_hash_table_contains(known, k))
			g_ptr_array_add(orphans, k);
	g_ptr_array_sort(orphans, str_cmp);
	for (guint i = 0; i < orphans->len; i++) {
		const char *n = g_ptr_array_index(orphans, i);
		const char *what = g_hash_table_lookup(p->stamped, n);
		struct op *op = g_new0(struct op, 1);

		op->kind = OP_DELETE;
		if (p->d == MAPTBL_TO_LDAP) {
			op->target = g_strdup(what);
		} else {
			op->target = g_strdup(n);
		}
		op->key = g_strdup(op->target);
		if (p->o->dry_run)
			fprintf(p->report, "%s: delete %s%s%s (stamped, not in the state)\n", dxasync_dir_name(p->d),
				op->target, p->d == MAPTBL_TO_NOTES ? " " : "", p->d == MAPTBL_TO_NOTES ? what : "");
		else if (p->o->verbose)
			msg_info("%s: %s carries our stamp and has no source entry: deleted", dxasync_dir_name(p->d),
				 op->target);
		g_ptr_array_add(p->ops, op);
	}
	n_orphans = orphans->len;
	g_hash_table_unref(known);
	g_ptr_array_free(orphans, TRUE);
	return n_orphans;
}

/* defer_group - a group record waits for its members record */
static void defer_group(struct plan *p, const char *key, GHashTable *e)
{
	g_ptr_array_add(p->groups, named_new(key, e));
}

/* contact_names - the contacts dxa made for Notes users (the to-ldap
 * entries of the state): normalized DN -> the Notes user's address */
static GHashTable *contact_names(struct state *st)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, st->own[MAPTBL_TO_LDAP]);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct owned *o = v;
		char   *n;

		if (*o->notes && (n = ldapdir_dn_norm(o->target)) != NULL)
			g_hash_table_replace(h, n, o->notes);
	}
	return h;
}

/* plan_groups - resolve the members of the groups read into Members, then
 * plan them: a member synchronized to Notes (this run's entries, or owned
 * and still present) by its Notes address; a member that is one of our
 * contacts for a Notes user by that user's address; others left out */
static int plan_groups(struct plan *p, GString *why)
{
	GHashTable *names, *contacts = NULL;
	GString *text;
	int     ok = 1;

	if (p->groups->len == 0)
		return 1;
	text = g_string_new(NULL);
	names = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < p->ops->len; i++) {
		struct op *op = g_ptr_array_index(p->ops, i);

		if (op->next && *op->next->notes)
			g_hash_table_replace(names, op->key, op->next->notes);
	}
	for (guint i = 0; i < p->groups->len; i++) {
		struct named *g = g_ptr_array_index(p->groups, i);
		const char *notes = first(g->e, R_NOTES);

		if (notes && *notes)
			g_hash_table_replace(names, g->name, (gpointer) notes);
	}
	for (guint i = 0; i < p->groups->len; i++) {
		struct named *g = g_ptr_array_index(p->groups, i);
		GHashTable *rec = g_hash_table_lookup(p->members, g->name);
		GPtrArray *vals = rec ? g_hash_table_lookup(rec, R_MEMBER) : NULL;
		GPtrArray *members = g_ptr_array_new();
		GHashTable *dup = g_hash_table_new(g_str_hash, g_str_equal);
		struct op *op;

		for (guint j = 0; vals && j < vals->len; j++) {
			char   *v = g_ptr_array_index(vals, j);
			char   *sp = strchr(v, ' ');
			const char *name = NULL;

			if (sp == NULL)
				continue;
			*sp = 0;
			if ((name = g_hash_table_lookup(names, v)) == NULL && g_hash_table_contains(p->seen, v)) {
				struct owned *o = g_hash_table_lookup(p->st->own[p->d], v);

				name = o && *o->notes ? o->notes : NULL;
			}
			*sp = ' ';
			if (name == NULL && v[0] == '-' && v[1] == ' ') {
				char   *n = ldapdir_dn_norm(sp + 1);

				if (contacts == NULL)
					contacts = contact_names(p->st);
				name = n ? g_hash_table_lookup(contacts, n) : NULL;
				g_free(n);
			}
			if (name == NULL && p->o->verbose)
				msg_info("%s: group %s: member %s is not synchronized: left out",
					 dxasync_dir_name(p->d), first(g->e, R_NOTES), sp + 1);
			if (name && g_hash_table_add(dup, (gpointer) name))
				g_ptr_array_add(members, (gpointer) name);
		}
		g_ptr_array_sort(members, str_cmp);
		g_hash_table_remove(g->e, "members");
		for (guint j = 0; j < members->len; j++)
			ldif_entry_add(g->e, "members", g_ptr_array_index(members, j));
		/* Its text (hashed, and kept by the spill) is the record as
		 * written, Members included. */
		ldif_text(text, g->name, g->e);
		op = plan_notes(p, g->name, g->e, text);
		note_keys(p, g->name, g->e, op);
		if (op->write) {
			if (ok && p->spill && fwrite(text->str, 1, text->len, p->spill) != text->len) {
				g_string_printf(why, "spill file: %s", g_strerror(errno));
				ok = 0;
			}
			write_person(p, op, g->e);
		}
		g_hash_table_unref(dup);
		g_ptr_array_free(members, TRUE);
	}
	g_hash_table_unref(names);
	if (contacts)
		g_hash_table_unref(contacts);
	g_string_free(text, TRUE);
	return ok;
}

/* read_records - the whole output of the reading half */
static int read_records(struct plan *p, FILE *in, GString *why)
{
	struct ldif_reader r;
	char   *dn;
	GHashTable *e;
	long    count = 0;
	int     rc;

	ldif_reader_init(&r, in);
	r.raw = p->raw;
	while ((rc = ldif_read(&r, &dn, &e, why)) > 0) {
		const char *type = first(e, R_RECORD);
		int     kept = 0;		/* e is kept (a reference taken) */

		if (p->ended || type == NULL || ++count > RECORDS_MAX) {
			g_string_printf(why, "record %ld: unexpected record", count);
			rc = -1;
		} else if (strcmp(type, "end") == 0) {
			p->ended = 1;
			p->complete = g_strcmp0(first(e, R_COMPLETE), "yes") == 0;
			p->server = g_strdup(first(e, R_SERVER));
			p->hwm = g_strdup(first(e, R_HWM));
			p->old_hwm = g_strdup(first(e, R_OLD_HWM));
		} else if (strcmp(type, "members") == 0 && *dn && p->d == MAPTBL_TO_NOTES) {
			g_hash_table_replace(p->members, g_strdup(dn), g_hash_table_ref(e));
			kept = 1;
		} else if (strcmp(type, "present") == 0) {
			GPtrArray *keys = g_hash_table_lookup(e, R_KEY);

			for (guint i = 0; keys && i < keys->len; i++)
				g_hash_table_add(p->seen, g_string_chunk_insert(p->chunk, g_ptr_array_index(keys, i)));
			if (*dn)
				g_hash_table_add(p->seen, g_string_chunk_insert(p->chunk, dn));
		} else if (strcmp(type, "entry") == 0 && *dn && !g_hash_table_contains(p->seen, dn)) {
			struct op *op;

			g_hash_table_add(p->seen, g_string_chunk_insert(p->chunk, dn));
			if (p->d == MAPTBL_TO_NOTES && g_strcmp0(first(e, R_FORM), "Group") == 0) {
				/* Its members record comes after the entries. */
				defer_group(p, dn, e);
				kept = 1;
			} else {
				op = p->d == MAPTBL_TO_NOTES ? plan_notes(p, dn, e, p->raw) : plan_ldap(p, dn, e, p->raw);
				note_keys(p, dn, e, op);
				if (op->write)
					write_person(p, op, e);
				if (op->written && fwrite(p->raw->str, 1, p->raw->len, p->spill) != p->raw->len) {
					g_string_printf(why, "spill file: %s", g_strerror(errno));
					rc = -1;
				}
			}
			if (p->o->progress && count % 1000 == 0)
				p->o->progress(dxasync_dir_name(p->d), count);
		} else {
			g_string_printf(why, "record %ld: bad or repeated record", count);
			rc = -1;
		}
		g_free(dn);
		if (kept)
			g_hash_table_unref(e);
		else
			ldif_reader_recycle(&r, e);
		g_string_truncate(p->raw, 0);
		if (rc < 0)
			break;
	}
	ldif_reader_free(&r);
	if (rc < 0) {
		g_string_prepend(why, "records from the reading half: ");
		return 0;
	}
	if (!p->ended) {
		g_string_printf(why, "the reading half stopped before its end record");
		return 0;
	}
	return 1;
}

/* apply_ops - carry out the plan; the number of failures */
static long apply_ops(struct plan *p, struct ldapdir *l, GString *first_why)
{
	GHashTable *own = p->st->own[p->d];
	GString *why = g_string_new("");
	long    failed = 0;

	for (guint i = 0; i < p->ops->len; i++) {
		struct op *op = g_ptr_array_index(p->ops, i);
		int     ok = 1;

		if (op->rejected)
			continue;
		g_string_truncate(why, 0);
		if (p->d == MAPTBL_TO_LDAP) {
			if (op->rename && !ldapdir_rename(l, op->old_target, op->target, why))
				ok = 0;
			else if (!op->rename && op->old_target && !ldapdir_delete(l, op->old_target, why))
				ok = 0;
			else if (op->kind == OP_ADD)
				ok = ldapdir_add(l, op->target, op->attrs, why);
			else if (op->kind == OP_CHANGE)
				ok = ldapdir_modify(l, op->target, op->attrs, why);
			else if (op->kind == OP_DELETE && op->target)
				ok = ldapdir_delete(l, op->target, why);
		}
		if (!ok) {
			msg_warn("%s: %s %s: %s", dxasync_dir_name(p->d), kind_name[op->kind], op->key, why->str);
			if (failed++ == 0)
				g_string_assign(first_why, why->str);
			continue;
		}
		if (op->kind == OP_DELETE) {
			g_hash_table_remove(own, op->key);
		} else {
			state_add(p->st, p->d, op->key, op->next);
			op->next = NULL;
		}
		p->n[op->kind]++;
	}
	g_string_free(why, TRUE);
	return failed;
}

/* dxasync_stats - the last run of a direction, for the metrics file */
static void dxasync_stats(const struct conf *conf, enum maptbl_dir d, long added, long changed,
			  long deleted, long failed)
{
	const char *dir = dxasync_dir_name(d);
	const char *what[] = {"added", "changed", "deleted", "failed"};
	long    n[] = {added, changed, deleted, failed};
	char   *sample, *file;
	GString *why = g_string_new(NULL);
	size_t  i;

	sample = g_strdup_printf("lme_dxa_last_run_timestamp_seconds{direction=\"%s\"}", dir);
	stats_set(sample, (double)time(NULL));
	g_free(sample);
	for (i = 0; i < G_N_ELEMENTS(what); i++) {
		sample = g_strdup_printf("lme_dxa_last_run_entries{direction=\"%s\",action=\"%s\"}",
					 dir, what[i]);
		stats_set(sample, (double)n[i]);
		g_free(sample);
	}
	file = g_strdup_printf("dxa-%s", dir);
	if (!stats_write(conf->spool, file, why))
		msg_warn("metrics: %s", why->str);
	g_free(file);
	g_string_free(why, TRUE);
}

int     dxasync_apply(const struct conf *conf, enum maptbl_dir d, const struct dxasync_opts *o,
		      FILE *in, FILE *report, GString *why)
{
	struct plan p = {0};
	struct ldapdir *l = NULL;
	GString *addr = NULL;
	long    owned, orphans, deletes = 0, failed = 0;
	int     rc = EX_OK;
	static char in_buf[1 << 16];

	/* Before the first read: the pipe in blocks of 64 KiB. */
	setvbuf(in, in_buf, _IOFBF, sizeof(in_buf));
	p.conf = conf;
	p.d = d;
	p.o = o;
	p.report = report;
	p.ops = g_ptr_array_new_with_free_func(op_free);
	p.seen = g_hash_table_new(g_str_hash, g_str_equal);	/* keys in p.chunk */
	p.contacts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, named_free);
	p.groups = g_ptr_array_new_with_free_func(named_free);
	p.members = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
	p.urecs = g_array_new(FALSE, FALSE, sizeof(struct urec));
	p.chunk = g_string_chunk_new(1 << 20);
	p.lv = g_ptr_array_new();
	p.count = g_ptr_array_new_with_free_func((GDestroyNotify) g_hash_table_unref);
	p.tas = g_hash_table_new(g_str_hash, g_str_equal);
	p.raw = g_string_new("");
	if ((p.st = state_load(conf, 0, why)) == NULL) {
		rc = EX_DATAERR;
		goto out;
	}
	if (d == MAPTBL_TO_LDAP) {
		char   *guid = ldapdir_escape_filter(conf->connector_guid);
		char   *filter = g_strdup_printf("(%s=%s)", STAMP_ATTR(conf), guid);
		const char *attrs[] = {"*", NULL};
		int     ok;

		g_free(guid);
		ok = (l = ldapdir_open(conf, why)) != NULL
			&& ldapdir_search(l, conf->import_container, filter, attrs, load_contact, p.contacts, why);
		g_free(filter);
		if (!ok) {
			rc = EX_UNAVAILABLE;
			goto out;
		}
	} else {
		struct maptbl *t = maptbl_load(conf->maps, conf, why);
		const char *const *names;

		if (t == NULL) {
			rc = EX_CONFIG;
			goto out;
		}
		p.spelling = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		names = maptbl_target_attrs(t, d);
		for (int i = 0; names && names[i]; i++)
			g_hash_table_replace(p.spelling, g_ascii_strdown(names[i], -1), g_strdup(names[i]));
		maptbl_free(t);
		if (!o->dry_run && (p.im = notesdir_import_begin(conf->notes_import, why)) == NULL) {
			rc = EX_CANTCREAT;
			goto out;
		}
		if (p.im && (p.spill = spill_open(conf, why)) == NULL) {
			rc = EX_CANTCREAT;
			goto out;
		}
	}
	if (!read_records(&p, in, why)) {
		g_string_append(why, "; nothing changed");
		rc = EX_UNAVAILABLE;
		goto out;
	}
	if (!p.complete) {
		g_string_printf(why, "the source did not answer completely; nothing changed");
		rc = EX_UNAVAILABLE;
		goto out;
	}
	if (!plan_groups(&p, why)) {
		rc = EX_CANTCREAT;
		goto out;
	}
	check_unique(&p);
	if (p.rejected) {
		/* Rejected entries are read again by the next update. */
		g_free(p.hwm);
		p.hwm = g_strdup(p.old_hwm);
	}
	if (o->dry_run)
		print_plan(&p);
	plan_deletions(&p);
	p.stamped = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if ((orphans = plan_orphans(&p, why)) < 0) {
		rc = EX_UNAVAILABLE;
		goto out;
	}
	/* Ownership is the stamp on the target: the state is its cache. */
	owned = MAX(g_hash_table_size(p.st->own[d]) + orphans, g_hash_table_size(p.stamped));
	for (guint i = 0; i < p.ops->len; i++)
		if (((struct op *) g_ptr_array_index(p.ops, i))->kind == OP_DELETE)
			deletes++;
	if (deletes > 0 && deletes * 100 > (long) conf->max_delete_percent * owned && !o->force) {
		g_string_printf(why, "refusing to delete %ld of %ld owned entries (more than max_delete_percent = %d%%); "
				"nothing changed; run with -force to delete them", deletes, owned, conf->max_delete_percent);
		rc = DXASYNC_EX_GUARD;
		goto out;
	}
	if (o->dry_run) {
		long    n[4] = {0};

		for (guint i = 0; i < p.ops->len; i++)
			if (!((struct op *) g_ptr_array_index(p.ops, i))->rejected)
				n[((struct op *) g_ptr_array_index(p.ops, i))->kind]++;
		fprintf(report, "%s: would add %ld, change %ld, delete %ld; %ld unchanged (nothing changed: -n)\n",
			dxasync_dir_name(d), n[OP_ADD], n[OP_CHANGE], n[OP_DELETE], n[OP_SAME]);
		goto out;
	}
	if (d == MAPTBL_TO_NOTES) {
		char   *path = NULL;

		for (guint i = 0; i < p.urecs->len; i++) {
			struct op *op = g_array_index(p.urecs, struct urec, i).op;

			if (op->rejected && op->written) {
				if (!replay(&p, why)) {
					g_string_prepend(why, "taking out the rejected entries: ");
					rc = EX_CANTCREAT;
					goto out;
				}
				break;
			}
		}
		for (guint i = 0; i < p.ops->len; i++) {
			struct op *op = g_ptr_array_index(p.ops, i);

			if (op->kind == OP_DELETE)
				notesdir_import_delete(p.im, op->target, conf->connector_guid);
		}
		if (notesdir_import_count(p.im) == 0) {
			notesdir_import_abort(p.im);
		} else if (!notesdir_import_commit(p.im, &path, why)) {
			p.im = NULL;
			rc = EX_CANTCREAT;
			goto out;
		} else {
			msg_info("%s: wrote %s", dxasync_dir_name(d), path);
			g_free(path);
		}
		p.im = NULL;
	}
	GString *first_why = g_string_new("");

	failed = apply_ops(&p, l, first_why);
	if (failed == 0 && p.hwm && *p.hwm) {
		g_free(p.st->server[d]);
		g_free(p.st->hwm[d]);
		p.st->server[d] = g_strdup(p.server);
		p.st->hwm[d] = g_strdup(p.hwm);
	}
	/* The last applying half of a run (o->addresses) writes the address
	 * map too, from the state it commits, unless a change failed (the
	 * run fails then, and the map stays as it was). */
	addr = o->addresses && failed == 0 ? g_string_sized_new(128 * g_hash_table_size(p.st->own[d])) : NULL;
	if (!state_save(conf, p.st, addr, why)) {
		rc = EX_CANTCREAT;
		goto out;
	}
	if (addr && !addresses_commit(conf, addr, why)) {
		rc = EX_CANTCREAT;
		goto out;
	}
	msg_info("%s: added %ld, changed %ld, deleted %ld, unchanged %ld, failed %ld",
		 dxasync_dir_name(d), p.n[OP_ADD], p.n[OP_CHANGE], p.n[OP_DELETE], p.n[OP_SAME], failed);
	dxasync_stats(conf, d, p.n[OP_ADD], p.n[OP_CHANGE], p.n[OP_DELETE], failed);
	if (failed) {
		g_string_printf(why, "%ld changes failed (the first: %s); they are retried on the next run",
				failed, first_why->str);
		rc = EX_TEMPFAIL;
	}
	g_string_free(first_why, TRUE);
out:
	if (addr)
		g_string_free(addr, TRUE);
	if (p.im)
		notesdir_import_abort(p.im);
	if (l)
		ldapdir_close(l);
	if (p.st)
		state_free(p.st);
	g_ptr_array_unref(p.ops);
	g_ptr_array_unref(p.groups);
	g_hash_table_unref(p.members);
	g_hash_table_unref(p.seen);
	g_hash_table_unref(p.contacts);
	if (p.spelling)
		g_hash_table_unref(p.spelling);
	if (p.stamped)
		g_hash_table_unref(p.stamped);
	g_free(p.server);
	g_free(p.hwm);
	g_free(p.old_hwm);
	g_array_free(p.urecs, TRUE);
	g_string_chunk_free(p.chunk);
	g_ptr_array_free(p.lv, TRUE);
	g_ptr_array_unref(p.count);
	g_hash_table_unref(p.tas);
	g_string_free(p.raw, TRUE);
	if (p.spill)
		fclose(p.spill);
	return rc;
}

 /*
  * The two halves in tandem.
  */
#define DXASYNC_PIPE_SIZE	(1 << 20)

int     dxasync_tandem(const struct conf *conf, const char *conf_file, const struct maptbl *t,
		       enum maptbl_dir d, const struct dxasync_opts *o, GString *why)
{
	int     fds[2], status, ok;
	pid_t   pid;
	FILE   *out;
	GPtrArray *args = g_ptr_array_new();
	struct sigaction sa = {0}, old;

	g_ptr_array_add(args, "dxa");
	g_ptr_array_add(args, "-apply");
	g_ptr_array_add(args, (char *) dxasync_dir_name(d));
	g_ptr_array_add(args, "-c");
	g_ptr_array_add(args, (char *) conf_file);
	g_ptr_array_add(args, o->full ? "-full" : "-update");
	if (o->dry_run)
		g_ptr_array_add(args, "-n");
	if (o->force)
		g_ptr_array_add(args, "-force");
	if (o->verbose)
		g_ptr_array_add(args, "-v");
	if (o->foreground)
		g_ptr_array_add(args, "-f");
	if (o->addresses)
		g_ptr_array_add(args, "-addresses");
	g_ptr_array_add(args, NULL);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		g_string_printf(why, "pipe: %s", g_strerror(errno));
		g_ptr_array_free(args, TRUE);
		return EX_OSERR;
	}
	/* A pipe of 1 MiB (the default pipe-max-size), not 64 KiB: the
	 * reading half goes on while the applying half is behind for a
	 * moment, instead of both waiting for each other.  Only speed: if
	 * the system says no, the pipe stays as it is. */
	(void) fcntl(fds[1], F_SETPIPE_SZ, DXASYNC_PIPE_SIZE);
	fflush(NULL);
	if ((pid = fork()) < 0) {
		g_string_printf(why, "fork: %s", g_strerror(errno));
		close(fds[0]);
		close(fds[1]);
		g_ptr_array_free(args, TRUE);
		return EX_OSERR;
	}
	if (pid == 0) {
		if (dup2(fds[0], 0) < 0)
			_exit(EX_OSERR);
		execv("/proc/self/exe", (char **) args->pdata);
		if (o->self && strchr(o->self, '/'))
			execv(o->self, (char **) args->pdata);
		_exit(EX_OSERR);
	}
	g_ptr_array_free(args, TRUE);
	close(fds[0]);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old);
	if ((out = fdopen(fds[1], "w")) == NULL) {
		close(fds[1]);
		ok = 0;
		g_string_printf(why, "fdopen: %s", g_strerror(errno));
	} else {
		/* a pipe's capacity at a time (with a NULL buffer glibc would
		 * keep its 4096 bytes whatever the size asked) */
		static char out_buf[1 << 16];

		setvbuf(out, out_buf, _IOFBF, sizeof(out_buf));
		ok = dxasync_source(conf, t, d, o, out, why);
		if (fclose(out) != 0 && ok) {
			ok = 0;
			g_string_printf(why, "writing to the applying half: %s", g_strerror(errno));
		}
	}
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			g_string_printf(why, "waitpid: %s", g_strerror(errno));
			return EX_OSERR;
		}
	if (WIFSIGNALED(status)) {
		g_string_printf(why, "%s: the applying half died of signal %d", dxasync_dir_name(d), WTERMSIG(status));
		return EX_SOFTWARE;
	}
	if (!ok) {
		/* The reading half's own error explains it; the applying half
		 * saw an incomplete source and changed nothing. */
		return WEXITSTATUS(status) != EX_OK ? WEXITSTATUS(status) : EX_UNAVAILABLE;
	}
	if (WEXITSTATUS(status) != EX_OK) {
		g_string_assign(why, "the applying half failed (see its message above)");
		return WEXITSTATUS(status);
	}
	return EX_OK;
}

 /*
  * The address map.
  */


