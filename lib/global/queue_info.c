/*++
 * NAME
 *	queue_info 3
 * SUMMARY
 *	what is in the spool: listing, lookup and statistics, read-only
 * DESCRIPTION
 *	See queue_info.h.
 *--*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "util/text.h"
#include "global/envelope.h"
#include "global/queue_info.h"
#include "global/spool.h"

const char *const queue_info_names[] = {
	SPOOL_MTS_OUT, SPOOL_READYOUT, SPOOL_MAIL_BOX, SPOOL_EXCHANGE_BOX,
	SPOOL_READYIN, SPOOL_MTS_IN, SPOOL_BADMAIL, SPOOL_EXCHANGE_BAD, NULL,
};

int queue_info_known(const char *name)
{
	int     i;

	for (i = 0; queue_info_names[i]; i++)
		if (strcmp(name, queue_info_names[i]) == 0)
			return 1;
	return 0;
}

int queue_info_is_bad(const char *name)
{
	return strcmp(name, SPOOL_BADMAIL) == 0 || strcmp(name, SPOOL_EXCHANGE_BAD) == 0;
}

int queue_info_is_smtp(const char *name)
{
	return strcmp(name, SPOOL_MTS_OUT) == 0 || strcmp(name, SPOOL_READYOUT) == 0
	    || strcmp(name, SPOOL_READYIN) == 0 || strcmp(name, SPOOL_MTS_IN) == 0
	    || strcmp(name, SPOOL_BADMAIL) == 0;
}

void queue_info_entry_free(struct queue_entry *e)
{
	if (!e)
		return;
	g_free(e->queue);
	g_free(e->id);
	g_free(e->path);
	g_free(e->sender);
	g_free(e->rcpts);
	g_free(e->subject);
	g_free(e->error);
	g_free(e->reason);
	g_free(e->reason_queue);
	g_free(e->reason_stage);
	g_free(e->reason_time);
	g_free(e);
}

/* queue_info_born - the time in the id ("1763768027.M...") or mtime */
static time_t queue_info_born(const char *id, const struct stat *st, time_t now)
{
	char   *end;
	long long t = g_ascii_strtoll(id, &end, 10);

	if (end != id && *end == '.' && t > 0 && t <= (long long)now + 86400)
		return (time_t)t;
	return st->st_mtime < now ? st->st_mtime : now;
}

/* queue_info_reason - read ID.reason beside the message in new/ */
static void queue_info_reason(struct queue_entry *e, const char *dir)
{
	char   *path = g_strdup_printf("%s/new/%s%s", dir, e->id, SPOOL_REASON_SUFFIX);
	char    buf[QUEUE_INFO_REASON_MAX + 1];
	gchar **lines, **l;
	ssize_t n;
	int     fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	g_free(path);
	if (fd < 0)
		return;
	n = read(fd, buf, QUEUE_INFO_REASON_MAX);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	lines = g_strsplit(buf, "\n", 0);
	for (l = lines; *l; l++) {
		char  **slot = NULL;
		const char *v;

		if (g_str_has_prefix(*l, "queue: "))
			slot = &e->reason_queue;
		else if (g_str_has_prefix(*l, "stage: "))
			slot = &e->reason_stage;
		else if (g_str_has_prefix(*l, "time: "))
			slot = &e->reason_time;
		else if (g_str_has_prefix(*l, "reason: "))
			slot = &e->reason;
		if (!slot || *slot)
			continue;
		v = strchr(*l, ' ') + 1;
		*slot = text_printable(v, 0, 0);
	}
	g_strfreev(lines);
}

/* queue_info_envelope - sender and recipients of an SMTP-side file */
static void queue_info_envelope(struct queue_entry *e)
{
	GString *why = g_string_new(NULL);
	GString *to = g_string_new(NULL);
	struct envelope *env;
	FILE   *fp = NULL;
	guint   i;

	if ((env = envelope_open(e->path, &fp, why)) == NULL) {
		e->error = text_printable(why->str, 0, 0);
	} else {
		e->sender = text_printable(env->sender, 0, 0);
		for (i = 0; i < env->rcpts->len; i++) {
			const struct env_rcpt *r = g_ptr_array_index(env->rcpts, i);

			if (i == QUEUE_INFO_RCPT_SHOWN) {
				g_string_append_printf(to, ", ... (%u in all)", env->rcpts->len);
				break;
			}
			g_string_append_printf(to, "%s%s", i ? ", " : "", r->smtp ? r->smtp : r->notes);
		}
		e->rcpts = text_printable(to->str, 0, 0);
		envelope_free(env);
	}
	if (fp)
		fclose(fp);
	g_string_free(to, TRUE);
	g_string_free(why, TRUE);
}

/* queue_info_item_append - add one text value to an item's collected text */
static void queue_info_item_append(GString *s, const char *v, unsigned *count)
{
	if (!v || s->len > 4096)
		return;
	if (++*count > QUEUE_INFO_RCPT_SHOWN) {
		if (*count == QUEUE_INFO_RCPT_SHOWN + 1)
			g_string_append(s, ", ...");
		return;
	}
	g_string_append_printf(s, "%s%s", s->len ? ", " : "", v);
}

/* queue_info_dxl - From, Recipients (else SendTo) and Subject of a DXL
 * document: <item name='X'><text>..</text></item> or a <textlist> */
static void queue_info_dxl(struct queue_entry *e)
{
	static const char *const want[] = {"From", "Recipients", "SendTo", "Subject"};
	GString *val[G_N_ELEMENTS(want)];
	unsigned count[G_N_ELEMENTS(want)] = {0};
	xmlTextReaderPtr r;
	int     cur = -1, ret;
	size_t  i;

	if (e->size > QUEUE_INFO_DXL_MAX) {
		e->error = g_strdup("document too large to look into");
		return;
	}
	r = xmlReaderForFile(e->path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
			     | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (!r) {
		e->error = g_strdup("cannot read the document");
		return;
	}
	for (i = 0; i < G_N_ELEMENTS(want); i++)
		val[i] = g_string_new(NULL);
	while ((ret = xmlTextReaderRead(r)) == 1) {
		const char *name = (const char *)xmlTextReaderConstLocalName(r);
		int     type = xmlTextReaderNodeType(r);

		if (!name)
			continue;
		if (type == XML_READER_TYPE_ELEMENT && strcmp(name, "item") == 0) {
			xmlChar *iname = xmlTextReaderGetAttribute(r, (const xmlChar *)"name");

			cur = -1;
			for (i = 0; iname && i < G_N_ELEMENTS(want); i++)
				if (g_ascii_strcasecmp((const char *)iname, want[i]) == 0)
					cur = (int)i;
			xmlFree(iname);
			if (xmlTextReaderIsEmptyElement(r))
				cur = -1;
		} else if (type == XML_READER_TYPE_END_ELEMENT && strcmp(name, "item") == 0) {
			cur = -1;
		} else if (type == XML_READER_TYPE_ELEMENT && cur >= 0 && strcmp(name, "text") == 0) {
			xmlChar *t = xmlTextReaderReadString(r);

			queue_info_item_append(val[cur], (const char *)t, &count[cur]);
			xmlFree(t);
		}
	}
	if (ret < 0)
		e->error = g_strdup("not a well-formed DXL document");
	e->sender = val[0]->len ? text_printable(val[0]->str, 0, 0) : NULL;
	e->rcpts = text_printable(val[1]->len ? val[1]->str : val[2]->str, 0, 0);
	e->subject = val[3]->len ? text_printable(val[3]->str, 0, 0) : NULL;
	for (i = 0; i < G_N_ELEMENTS(want); i++)
		g_string_free(val[i], TRUE);
	xmlFreeTextReader(r);
}

/* queue_info_scan - the entries of one subdirectory (new or cur) */
static void queue_info_scan(GPtrArray *out, const char *dir, const char *queue,
			    const char *sub, time_t now, const char *only)
{
	char   *path = g_build_filename(dir, sub, NULL);
	DIR    *d = opendir(path);
	struct dirent *de;
	struct stat st;

	if (!d) {
		g_free(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct queue_entry *e;
		char   *id;
		const char *colon;

		if (de->d_name[0] == '.' || g_str_has_suffix(de->d_name, SPOOL_REASON_SUFFIX))
			continue;
		/* cur/ holds ID:PID:HOST */
		colon = strcmp(sub, "cur") == 0 ? strchr(de->d_name, ':') : NULL;
		id = colon ? g_strndup(de->d_name, colon - de->d_name) : g_strdup(de->d_name);
		if (!spool_id_ok(id) || (only && strcmp(only, id) != 0)
		    || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0
		    || !S_ISREG(st.st_mode)) {
			g_free(id);
			continue;
		}
		e = g_new0(struct queue_entry, 1);
		e->queue = g_strdup(queue);
		e->id = id;
		e->path = g_build_filename(path, de->d_name, NULL);
		e->size = st.st_size;
		e->born = queue_info_born(id, &st, now);
		if (colon) {
			e->state = "claimed";
		} else if (st.st_mtime > now) {
			e->state = "deferred";
			e->due = st.st_mtime;
		} else {
			e->state = "new";
		}
		g_ptr_array_add(out, e);
	}
	closedir(d);
	g_free(path);
}

/* queue_info_cmp - oldest first, then by id */
static int queue_info_cmp(gconstpointer a, gconstpointer b)
{
	const struct queue_entry *x = *(struct queue_entry *const *)a;
	const struct queue_entry *y = *(struct queue_entry *const *)b;

	if (x->born != y->born)
		return x->born < y->born ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* queue_info_collect - list root/name, only the id only when given */
static GPtrArray *queue_info_collect(const char *root, const char *name, time_t now,
				     int details, const char *only)
{
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)queue_info_entry_free);
	char   *dir = g_build_filename(root, name, NULL);
	guint   i;

	queue_info_scan(out, dir, name, "new", now, only);
	queue_info_scan(out, dir, name, "cur", now, only);
	g_ptr_array_sort(out, queue_info_cmp);
	for (i = 0; details && i < out->len; i++) {
		struct queue_entry *e = g_ptr_array_index(out, i);

		if (queue_info_is_smtp(name))
			queue_info_envelope(e);
		else
			queue_info_dxl(e);
		if (queue_info_is_bad(name))
			queue_info_reason(e, dir);
	}
	g_free(dir);
	return out;
}

GPtrArray *queue_info_list(const char *root, const char *name, time_t now, int details)
{
	return queue_info_collect(root, name, now, details, NULL);
}

struct queue_entry *queue_info_find(const char *root, const char *id, time_t now)
{
	struct queue_entry *e = NULL;
	GPtrArray *l;
	int     i;

	if (!spool_id_ok(id))
		return NULL;
	for (i = 0; !e && queue_info_names[i]; i++) {
		l = queue_info_collect(root, queue_info_names[i], now, 1, id);
		if (l->len)
			e = g_ptr_array_steal_index(l, 0);
		g_ptr_array_free(l, TRUE);
	}
	return e;
}

void queue_info_stats(const char *root, const char *name, time_t now, struct queue_stats *st)
{
	GPtrArray *l = queue_info_collect(root, name, now, 0, NULL);
	guint   i;

	memset(st, 0, sizeof(*st));
	st->name = name;
	st->messages = l->len;
	for (i = 0; i < l->len; i++) {
		const struct queue_entry *e = g_ptr_array_index(l, i);

		if (strcmp(e->state, "deferred") == 0)
			st->deferred++;
		else if (strcmp(e->state, "claimed") == 0)
			st->claimed++;
		if (now - e->born > st->oldest)
			st->oldest = (long)(now - e->born);
	}
	g_ptr_array_free(l, TRUE);
}

void queue_info_metrics(const char *root, time_t now, GString *out)
{
	static const char *const help[][2] = {
		{"lme_queue_messages", "Messages in the queue (new, deferred and claimed)."},
		{"lme_queue_oldest_seconds", "Age of the oldest message in the queue, from its queue id."},
		{"lme_queue_deferred_messages", "Messages waiting for a retry."},
		{"lme_queue_claimed_messages", "Messages a stage is working on."},
	};
	struct queue_stats st[G_N_ELEMENTS(queue_info_names)];
	size_t  k;
	int     i;

	for (i = 0; queue_info_names[i]; i++)
		queue_info_stats(root, queue_info_names[i], now, &st[i]);
	for (k = 0; k < G_N_ELEMENTS(help); k++) {
		g_string_append_printf(out, "# HELP %s %s\n# TYPE %s gauge\n", help[k][0],
				       help[k][1], help[k][0]);
		for (i = 0; queue_info_names[i]; i++) {
			long    v = k == 0 ? (long)st[i].messages : k == 1 ? st[i].oldest
				: k == 2 ? (long)st[i].deferred : (long)st[i].claimed;

			g_string_append_printf(out, "%s{queue=\"%s\"} %ld\n", help[k][0],
					       queue_info_names[i], v);
		}
	}
}
