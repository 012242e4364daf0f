/*++
 * NAME
 *	stats 3
 * SUMMARY
 *	the stages' counters, for the metrics file
 *--*/
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/file.h"
#include "util/perms.h"
#include "util/stats.h"

static GHashTable *stats_samples;	/* sample -> double * */
static time_t stats_written;

static double *stats_slot(const char *sample)
{
	double *v;

	if (!stats_samples)
		stats_samples = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if ((v = g_hash_table_lookup(stats_samples, sample)) == NULL) {
		v = g_new0(double, 1);
		g_hash_table_insert(stats_samples, g_strdup(sample), v);
	}
	return v;
}

void stats_add(const char *sample, long n)
{
	*stats_slot(sample) += (double)n;
}

void stats_set(const char *sample, double value)
{
	*stats_slot(sample) = value;
}

int stats_write_due(void)
{
	return time(NULL) != stats_written;
}

/* stats_resume - counters go on from where the last process of this
 * name left them (a restart, or one "-1" run after another); 0 when the
 * file was refused (perms(3)): the counters start from zero */
static int stats_resume(const char *path, GString *why)
{
	static int done;
	char   *data = NULL;
	gsize   len;
	gchar **ls, **l;

	if (done++)
		return 1;
	if (perms_check(path, "counter file", PERMS_MAYBE, why) != 0) {
		g_string_append(why, "; counters start again from zero");
		return 0;
	}
	if (!g_file_get_contents(path, &data, &len, NULL) || len > STATS_FILE_MAX) {
		g_free(data);
		return 1;
	}
	ls = g_strsplit(data, "\n", -1);
	for (l = ls; *l; l++) {
		char   *sp = strrchr(*l, ' '), *fam;
		double  v;

		if (!sp || !g_ascii_isalpha(**l))
			continue;
		*sp = 0;
		fam = g_strndup(*l, strcspn(*l, "{"));
		v = g_ascii_strtod(sp + 1, NULL);
		if (g_str_has_suffix(fam, "_total") && v > 0 && v < 1e15)
			*stats_slot(*l) += v;
		g_free(fam);
	}
	g_strfreev(ls);
	g_free(data);
	return 1;
}

int stats_write(const char *spool, const char *name, GString *why)
{
	char   *dir = g_build_filename(spool, STATS_DIR, NULL);
	char   *file = g_strconcat(name, ".prom", NULL);
	char   *path = g_build_filename(dir, file, NULL);
	GString *text = g_string_new(NULL);
	GHashTableIter it;
	gpointer k, v;
	int     ok, resumed;

	stats_written = time(NULL);
	if (perms_check(dir, "counter directory", PERMS_DIR | PERMS_OWN | PERMS_MAYBE, why) != 0) {
		ok = 0;
		goto out;
	}
	resumed = stats_resume(path, why);
	if (stats_samples) {
		g_hash_table_iter_init(&it, stats_samples);
		while (g_hash_table_iter_next(&it, &k, &v))
			g_string_append_printf(text, "%s %.17g\n", (const char *)k, *(double *)v);
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		g_string_printf(why, "create %s: %s", dir, g_strerror(errno));
		ok = 0;
	} else {
		/* a refused file is replaced by ours; say so once */
		ok = file_write(path, text->str, text->len, 0600, why) && resumed;
	}
out:
	g_string_free(text, TRUE);
	g_free(path);
	g_free(file);
	g_free(dir);
	return ok;
}

/* stats_family - the metric name of a sample line */
static char *stats_family(const char *line)
{
	return g_strndup(line, strcspn(line, "{ "));
}

static int stats_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void stats_metrics(const char *spool, GString *out)
{
	char   *dir = g_build_filename(spool, STATS_DIR, NULL);
	GDir   *d = g_dir_open(dir, 0, NULL);
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *refused = g_ptr_array_new_with_free_func(g_free);
	GString *why = g_string_new(NULL);
	const char *name;
	char   *last = NULL;
	guint   i;

	while (d && (name = g_dir_read_name(d)) != NULL) {
		char   *path, *data = NULL;
		gsize   len;
		gchar **ls, **l;

		if (!g_str_has_suffix(name, ".prom"))
			continue;
		path = g_build_filename(dir, name, NULL);
		g_string_truncate(why, 0);
		if (perms_check(path, "counter file", 0, why) != 0) {
			/* not ours: said as a comment, its samples left out */
			g_strdelimit(why->str, "\r\n", ' ');
			g_ptr_array_add(refused, g_strdup_printf("# %s\n", why->str));
		} else if (g_file_get_contents(path, &data, &len, NULL) && len <= STATS_FILE_MAX) {
			ls = g_strsplit(data, "\n", -1);
			for (l = ls; *l; l++)
				if (g_ascii_isalpha(**l) && g_utf8_validate(*l, -1, NULL))
					g_ptr_array_add(lines, g_strdup(*l));
			g_strfreev(ls);
		}
		g_free(data);
		g_free(path);
	}
	if (d)
		g_dir_close(d);
	g_ptr_array_sort(lines, stats_cmp);
	g_ptr_array_sort(refused, stats_cmp);
	for (i = 0; i < refused->len; i++)
		g_string_append(out, g_ptr_array_index(refused, i));
	g_ptr_array_free(refused, TRUE);
	g_string_free(why, TRUE);
	for (i = 0; i < lines->len; i++) {
		const char *line = g_ptr_array_index(lines, i);
		char   *fam = stats_family(line);

		if (!last || strcmp(fam, last) != 0) {
			g_string_append_printf(out, "# TYPE %s %s\n", fam,
					       g_str_has_suffix(fam, "_total") ? "counter" : "gauge");
			g_free(last);
			last = fam;
		} else {
			g_free(fam);
		}
		g_string_append_printf(out, "%s\n", line);
	}
	g_free(last);
	g_ptr_array_free(lines, TRUE);
	g_free(dir);
}
