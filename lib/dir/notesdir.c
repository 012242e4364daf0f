/*++
 * NAME
 *	notesdir 3
 * SUMMARY
 *	the Notes side of dxa
 * DESCRIPTION
 *	See notesdir.h.
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dxl/dxl.h"
#include "global/address.h"
#include "dir/notesdir.h"

/* the import file's stdio buffer: 16 pages a write, not 1 */
#define NOTESDIR_IMPORT_BUF (64 * 1024)

/* The item names of the Person, Group and Mail-In Database forms
 * (stdnames.h), to write them as Domino spells them. */
static const char *const item_names[] = {
	"Type", "FullName", "FirstName", "LastName", "MiddleInitial", "ShortName",
	"InternetAddress", "Owner", "MailSystem", "MailServer", "MailFile", "MailDomain",
	"MailAddress", "CalendarDomain", "MessageStorage", "AltFullName", "Location",
	"Comment", "NetUserName", "OfficePhoneNumber", "CompanyName", "Department",
	"Country", "JobTitle", "CellPhoneNumber", "OfficeFAXPhoneNumber", "Title",
	"ListName", "ListDescription", "Members", "ListOwner", "LocalAdmin", "GroupType",
	"Description", "DisplayName", "Suffix", "HomePhoneNumber", "Manager",
	NOTESDIR_STAMP_ITEM, NULL,
};

/* Items that hold Notes names, given abbreviated. */
static const char *const name_items[] = {
	"fullname", "listname", "members", "owner", "listowner", "localadmin",
	"mailserver", "manager", "altfullname", NULL,
};

const char *notesdir_item_name(const char *lower)
{
	static GHashTable *spelled;		/* lower case -> item_names[] */
	const char *s;

	if (spelled == NULL) {
		spelled = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		for (int i = 0; item_names[i]; i++)
			g_hash_table_insert(spelled, g_ascii_strdown(item_names[i], -1), (gpointer) item_names[i]);
	}
	if ((s = g_hash_table_lookup(spelled, lower)) != NULL)
		return s;
	/* a name not all in lower case (the hash table's keys are) */
	for (int i = 0; item_names[i]; i++)
		if (g_ascii_strcasecmp(item_names[i], lower) == 0)
			return item_names[i];
	return lower;
}

/* is_name_item - the item holds Notes names */
static int is_name_item(const char *lower, xmlNodePtr item)
{
	static const char *const flags[] = {"names", "authors", "readers", NULL};

	for (int i = 0; name_items[i]; i++)
		if (strcmp(name_items[i], lower) == 0)
			return 1;
	for (int i = 0; flags[i]; i++) {
		xmlChar *v = xmlGetProp(item, BAD_CAST flags[i]);
		int     yes = v && strcmp((char *) v, "true") == 0;

		xmlFree(v);
		if (yes)
			return 1;
	}
	return 0;
}

/* add_value - append one value, abbreviated if a name */
static void add_value(GHashTable *e, const char *lower, const char *value, int names)
{
	GPtrArray *v = g_hash_table_lookup(e, lower);

	if (v == NULL) {
		v = g_ptr_array_new_with_free_func(g_free);
		g_hash_table_insert(e, g_strdup(lower), v);
	}
	g_ptr_array_add(v, names ? address_notes_abbreviate(value) : g_strdup(value));
}

/* node_text - the text content of a simple element */
static char *node_text(xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	char   *s = g_strdup(c ? (char *) c : "");

	xmlFree(c);
	return g_strstrip(s);
}

/* read_item - the values of one <item> */
static void read_item(GHashTable *e, xmlNodePtr item)
{
	xmlChar *name = xmlGetProp(item, BAD_CAST "name");
	char   *lower;
	int     names;

	if (name == NULL || *name == 0 || strlen((char *) name) > 256) {
		xmlFree(name);
		return;
	}
	lower = g_ascii_strdown((char *) name, -1);
	xmlFree(name);
	names = is_name_item(lower, item);
	for (xmlNodePtr v = item->children; v; v = v->next) {
		if (v->type != XML_ELEMENT_NODE)
			continue;
		if (dxl_name_is(v, "text")) {
			char   *s = dxl_text_value(v);

			add_value(e, lower, s, names);
			g_free(s);
		} else if (dxl_name_is(v, "textlist") || dxl_name_is(v, "numberlist") || dxl_name_is(v, "datetimelist")) {
			for (xmlNodePtr t = v->children; t; t = t->next) {
				char   *s;

				if (t->type != XML_ELEMENT_NODE)
					continue;
				s = dxl_name_is(t, "text") ? dxl_text_value(t) : node_text(t);
				add_value(e, lower, s, names);
				g_free(s);
			}
		} else if (dxl_name_is(v, "number") || dxl_name_is(v, "datetime")) {
			char   *s = node_text(v);

			add_value(e, lower, s, 0);
			g_free(s);
		}
	}
	g_free(lower);
}

/* read_document - one <document>: 0 when the callback says stop */
static int read_document(xmlNodePtr doc, notesdir_doc_fn fn, void *ctx, long *skipped)
{
	xmlNodePtr info = dxl_child(doc, "noteinfo");
	xmlChar *unid = info ? xmlGetProp(info, BAD_CAST "unid") : NULL;
	xmlChar *form = xmlGetProp(doc, BAD_CAST "form");
	time_t  modified = -1;
	GHashTable *e;
	const char *f;
	int     ok;

	if (unid == NULL || *unid == 0 || strlen((char *) unid) > 64) {
		(*skipped)++;
		xmlFree(unid);
		xmlFree(form);
		return 1;
	}
	if (info) {
		xmlNodePtr m = dxl_child(info, "modified");
		xmlNodePtr dt = m ? dxl_child(m, "datetime") : NULL;

		if (dt) {
			char   *s = node_text(dt);

			modified = dxl_datetime_parse(s);
			g_free(s);
		}
	}
	e = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
	for (xmlNodePtr n = doc->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && dxl_name_is(n, "item"))
			read_item(e, n);
	add_value(e, "$$unid", (char *) unid, 0);
	f = form && *form ? (char *) form : NULL;
	if (f == NULL) {
		GPtrArray *t = g_hash_table_lookup(e, "type");

		f = t && t->len ? g_ptr_array_index(t, 0) : "";
	}
	ok = fn((char *) unid, f, modified, e, ctx);
	g_hash_table_unref(e);
	xmlFree(unid);
	xmlFree(form);
	return ok;
}

/* read_file - the documents of one DXL file */
static int read_file(const char *path, notesdir_doc_fn fn, void *ctx, long *skipped, GString *why)
{
	xmlDocPtr doc = dxl_parse_file(path, NOTESDIR_FILE_MAX, why);
	xmlNodePtr root;
	int     ok = 1;

	if (doc == NULL) {
		g_string_prepend(why, ": ");
		g_string_prepend(why, path);
		return 0;
	}
	root = xmlDocGetRootElement(doc);
	if (root && dxl_name_is(root, "document")) {
		ok = read_document(root, fn, ctx, skipped);
	} else if (root && dxl_name_is(root, "database")) {
		for (xmlNodePtr n = root->children; n && ok; n = n->next)
			if (n->type == XML_ELEMENT_NODE && dxl_name_is(n, "document"))
				ok = read_document(n, fn, ctx, skipped);
	} else {
		g_string_printf(why, "%s: not a DXL <database> or <document>", path);
		ok = -1;
	}
	if (ok == 0)
		g_string_printf(why, "%s: stopped", path);
	xmlFreeDoc(doc);
	return ok > 0;
}

/* name_cmp - sort file names */
static gint name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

int     notesdir_read(const char *path, notesdir_doc_fn fn, void *ctx, GString *why)
{
	struct stat st;
	long    skipped = 0;
	int     ok = 1;

	if (path == NULL) {
		g_string_printf(why, "[dxa] notes_directory is not set");
		return 0;
	}
	if (stat(path, &st) < 0) {
		g_string_printf(why, "%s: %s", path, g_strerror(errno));
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		GError *err = NULL;
		GDir   *d = g_dir_open(path, 0, &err);
		GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
		const char *n;

		if (d == NULL) {
			g_string_printf(why, "%s: %s", path, err->message);
			g_error_free(err);
			g_ptr_array_unref(names);
			return 0;
		}
		while ((n = g_dir_read_name(d)) != NULL) {
			if (n[0] != '.' && g_str_has_suffix(n, ".dxl"))
				g_ptr_array_add(names, g_strdup(n));
			if (names->len > NOTESDIR_FILES_MAX) {
				g_string_printf(why, "%s: more than %d files", path, NOTESDIR_FILES_MAX);
				ok = 0;
				break;
			}
		}
		g_dir_close(d);
		g_ptr_array_sort(names, name_cmp);
		for (guint i = 0; ok && i < names->len; i++) {
			char   *p = g_build_filename(path, g_ptr_array_index(names, i), NULL);

			ok = read_file(p, fn, ctx, &skipped, why);
			g_free(p);
		}
		g_ptr_array_unref(names);
	} else {
		ok = read_file(path, fn, ctx, &skipped, why);
	}
	return ok;
}

struct notesdir_import {
	char   *dir;
	char   *tmp;
	FILE   *fp;
	char   *fp_buf;			/* its buffer: large writes */
	struct dxl_writer *w;
	long    count;
};

struct notesdir_import *notesdir_import_begin(const char *dir, GString *why)
{
	struct notesdir_import *im;
	int     fd;

	if (dir == NULL) {
		g_string_printf(why, "[dxa] notes_import is not set");
		return NULL;
	}
	if (g_mkdir_with_parents(dir, 0700) < 0) {
		g_string_printf(why, "%s: %s", dir, g_strerror(errno));
		return NULL;
	}
	im = g_new0(struct notesdir_import, 1);
	im->dir = g_strdup(dir);
	im->tmp = g_strdup_printf("%s/.dxa-%ld.tmp", dir, (long) getpid());
	if ((fd = open(im->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0
	    || (im->fp = fdopen(fd, "w")) == NULL
	    || setvbuf(im->fp, im->fp_buf = g_malloc(NOTESDIR_IMPORT_BUF), _IOFBF, NOTESDIR_IMPORT_BUF) != 0
	    || (im->w = dxl_writer_new(im->fp, "database")) == NULL) {
		g_string_printf(why, "%s: %s", im->tmp, g_strerror(errno));
		if (fd >= 0 && im->fp == NULL)
			close(fd);
		notesdir_import_abort(im);
		return NULL;
	}
	dxl_database_begin(im->w, "lme dxa import");
	return im;
}

/* An item of a document to write: its name and values. */
struct pair {
	const char *name;
	GPtrArray *values;
};

/* pair_cmp - sort items by name */
static int pair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pair *) a)->name, ((const struct pair *) b)->name);
}

/* write_item - one item of a Person document: its non-empty values */
static void write_item(struct notesdir_import *im, const char *n, GPtrArray *v, GHashTable *spelling)
{
	const char *stack[16], **vals = stack;
	const char *written;
	guint   k = 0;

	if (n[0] == '$' || strcmp(n, "form") == 0 || strcmp(n, "type") == 0)
		return;
	if (v->len >= G_N_ELEMENTS(stack))
		vals = g_new(const char *, v->len + 1);
	for (guint j = 0; j < v->len; j++)
		if (*(char *) g_ptr_array_index(v, j))
			vals[k++] = g_ptr_array_index(v, j);
	vals[k] = NULL;
	if (k > 0) {
		written = spelling ? g_hash_table_lookup(spelling, n) : NULL;
		if (written == NULL)
			written = notesdir_item_name(n);
		if (k == 1)
			dxl_item_text(im->w, written, vals[0]);
		else
			dxl_item_textlist(im->w, written, vals);
	}
	if (vals != stack)
		g_free(vals);
}

void    notesdir_import_person(struct notesdir_import *im, const char *form, const char *unid,
			       GHashTable *items, GHashTable *spelling, const char *stamp)
{
	struct pair stack[64], *items_sorted = stack;
	guint   n = 0, size = g_hash_table_size(items);
	GHashTableIter it;
	gpointer k, v;

	dxl_document_begin(im->w, form, unid);
	dxl_item_text(im->w, "Form", form);
	dxl_item_text(im->w, "Type", form);
	/* the items in name order: a dozen or two, sorted in place with no
	 * allocation; more, with qsort() */
	if (size > G_N_ELEMENTS(stack))
		items_sorted = g_new(struct pair, size);
	g_hash_table_iter_init(&it, items);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		if (strncmp(k, NOTESDIR_CONTROL_PREFIX, sizeof(NOTESDIR_CONTROL_PREFIX) - 1) == 0)
			continue;
		items_sorted[n].name = k;
		items_sorted[n++].values = v;
	}
	qsort(items_sorted, n, sizeof(*items_sorted), pair_cmp);
	for (guint i = 0; i < n; i++)
		write_item(im, items_sorted[i].name, items_sorted[i].values, spelling);
	if (items_sorted != stack)
		g_free(items_sorted);
	dxl_item_text(im->w, NOTESDIR_STAMP_ITEM, stamp);
	dxl_document_end(im->w);
	im->count++;
}

void    notesdir_import_delete(struct notesdir_import *im, const char *unid, const char *stamp)
{
	dxl_document_begin(im->w, "LMEDelete", NULL);
	dxl_item_text(im->w, "Form", "LMEDelete");
	dxl_item_text(im->w, "TargetUNID", unid);
	dxl_item_text(im->w, NOTESDIR_STAMP_ITEM, stamp);
	dxl_document_end(im->w);
	im->count++;
}

long    notesdir_import_count(const struct notesdir_import *im)
{
	return im->count;
}

int     notesdir_import_commit(struct notesdir_import *im, char **path, GString *why)
{
	GDateTime *now = g_date_time_new_now_utc();
	/* names sort in the order the runs made them: Domino's agent imports
	 * them in name order (microseconds, and a zero-padded pid, so that
	 * "9999" never sorts after "10000") */
	char   *stamp = g_date_time_format(now, "%Y%m%dT%H%M%S.%f");
	char   *final;
	int     ok, dfd;

	g_date_time_unref(now);
	dxl_database_end(im->w);
	ok = dxl_writer_finish(im->w);
	im->w = NULL;
	if (!ok || fflush(im->fp) != 0 || fsync(fileno(im->fp)) != 0) {
		g_string_printf(why, "%s: write failed: %s", im->tmp, g_strerror(errno));
		g_free(stamp);
		notesdir_import_abort(im);
		return 0;
	}
	ok = fclose(im->fp) == 0;
	im->fp = NULL;
	g_free(im->fp_buf);
	im->fp_buf = NULL;
	final = g_strdup_printf("%s/dxa-%s-%010ld.dxl", im->dir, stamp, (long) getpid());
	g_free(stamp);
	if (!ok || rename(im->tmp, final) != 0) {
		g_string_printf(why, "%s: %s", final, g_strerror(errno));
		g_free(final);
		notesdir_import_abort(im);
		return 0;
	}
	if ((dfd = open(im->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		ok = fsync(dfd) == 0;
		close(dfd);
	}
	if (dfd < 0 || !ok) {
		g_string_printf(why, "%s: fsync: %s", im->dir, g_strerror(errno));
		g_free(final);
		g_free(im->tmp);
		im->tmp = NULL;
		notesdir_import_abort(im);
		return 0;
	}
	if (path)
		*path = final;
	else
		g_free(final);
	g_free(im->tmp);
	g_free(im->dir);
	g_free(im);
	return 1;
}

void    notesdir_import_abort(struct notesdir_import *im)
{
	if (im == NULL)
		return;
	if (im->w)
		(void) dxl_writer_finish(im->w);
	if (im->fp)
		fclose(im->fp);
	g_free(im->fp_buf);
	if (im->tmp)
		unlink(im->tmp);
	g_free(im->tmp);
	g_free(im->dir);
	g_free(im);
}
