/*++
 * NAME
 *	spool 3
 * SUMMARY
 *	maildir queues: durable hand-off between stages
 * DESCRIPTION
 *	See spool.h.  The order of the steps is the whole point of this
 *	module; each step is marked with a call of spool_test_hook so that
 *	the crash test can stop a process between any two of them.
 *--*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "util/text.h"
#include "global/spool.h"

void    (*spool_test_hook)(const char *step);

static void spool_forget_crashes(struct spool_queue *q, const char *id);

#define STEP(name) do { if (spool_test_hook) spool_test_hook(name); } while (0)

/* A claim older than this whose owner we cannot see is taken back anyway. */
#define SPOOL_STALE_CLAIM	3600
#define SPOOL_PID_SLACK		0.02	/* s: a claim's ctime vs a start in ticks */

static char *spool_host(void)
{
	static char host[256];
	char   *p;

	if (!*host) {
		if (gethostname(host, sizeof(host) - 1) != 0 || !*host)
			g_strlcpy(host, "localhost", sizeof(host));
		for (p = host; *p; p++)
			if (*p == '/' || *p == ':' || *p == '.' || (unsigned char)*p < 0x21)
				*p = '_';
	}
	return host;
}

int spool_id_ok(const char *id)
{
	size_t  len = strlen(id);

	if (len == 0 || len > SPOOL_ID_MAX || *id == '.')
		return 0;
	for (; *id; id++)
		if (*id == '/' || *id == ':' || (unsigned char)*id < 0x21 || (unsigned char)*id > 0x7e)
			return 0;
	return 1;
}

char   *spool_new_id(void)
{
	static gint counter;		/* atomic: mexout's milter threads share it */
	struct timespec ts;
	unsigned n = (unsigned)g_atomic_int_add(&counter, 1) + 1;

	clock_gettime(CLOCK_REALTIME, &ts);
	return g_strdup_printf("%lld.M%06ldP%ldQ%u.%s", (long long)ts.tv_sec,
			       ts.tv_nsec / 1000, (long)getpid(), n, spool_host());
}

/* spool_mkdir - mkdir that accepts an existing directory */
static int spool_mkdir(const char *path, GString *why)
{
	struct stat st;

	if (mkdir(path, 0700) == 0 || errno == EEXIST) {
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return 1;
		if (errno == EEXIST)
			errno = ENOTDIR;
	}
	g_string_printf(why, "create directory %s: %s", path, g_strerror(errno));
	return 0;
}

static int spool_opendir_fd(const char *dir, const char *sub, GString *why)
{
	char   *path = g_build_filename(dir, sub, NULL);
	int     fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		g_string_printf(why, "open %s: %s", path, g_strerror(errno));
	g_free(path);
	return fd;
}

struct spool_queue *spool_open(const char *root, const char *name, GString *why)
{
	static const char *const subs[] = {"tmp", "new", "cur"};
	struct spool_queue *q;
	size_t  i;

	if (!spool_mkdir(root, why))
		return NULL;
	q = g_new0(struct spool_queue, 1);
	q->name = g_strdup(name);
	q->dir = g_build_filename(root, name, NULL);
	q->newfd = q->curfd = q->watchfd = -1;
	if (!spool_mkdir(q->dir, why))
		goto fail;
	for (i = 0; i < G_N_ELEMENTS(subs); i++) {
		char   *sub = g_build_filename(q->dir, subs[i], NULL);
		int     ok = spool_mkdir(sub, why);

		g_free(sub);
		if (!ok)
			goto fail;
	}
	if ((q->newfd = spool_opendir_fd(q->dir, "new", why)) < 0
	    || (q->curfd = spool_opendir_fd(q->dir, "cur", why)) < 0)
		goto fail;
	return q;

fail:
	spool_close(q);
	return NULL;
}

void spool_close(struct spool_queue *q)
{
	if (!q)
		return;
	if (q->newfd >= 0)
		close(q->newfd);
	if (q->curfd >= 0)
		close(q->curfd);
	if (q->watchfd >= 0)
		close(q->watchfd);
	g_free(q->name);
	g_free(q->dir);
	g_free(q);
}

/* spool_owner_name - ID:PID:HOST, the name of a claim or a tmp file */
static char *spool_owner_name(const char *id)
{
	return g_strdup_printf("%s:%ld:%s", id, (long)getpid(), spool_host());
}

struct spool_writer *spool_create(struct spool_queue *q, const char *id, GString *why)
{
	struct spool_writer *w;
	char   *tmpname;
	int     fd;

	if (!spool_id_ok(id)) {
		g_string_printf(why, "bad queue id \"%s\"", id);
		errno = EINVAL;
		return NULL;
	}
	tmpname = spool_owner_name(id);
	w = g_new0(struct spool_writer, 1);
	w->q = q;
	w->id = g_strdup(id);
	w->tmppath = g_build_filename(q->dir, "tmp", tmpname, NULL);
	g_free(tmpname);
	fd = open(w->tmppath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || (w->fp = fdopen(fd, "w")) == NULL) {
		int     saved = errno;

		g_string_printf(why, "create %s: %s", w->tmppath, g_strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(w->tmppath);
		}
		g_free(w->tmppath);
		g_free(w->id);
		g_free(w);
		errno = saved;
		return NULL;
	}
	return w;
}

static void spool_writer_free(struct spool_writer *w)
{
	g_free(w->tmppath);
	g_free(w->id);
	g_free(w);
}

void spool_abort(struct spool_writer *w)
{
	if (!w)
		return;
	if (w->fp)
		fclose(w->fp);
	unlink(w->tmppath);
	spool_writer_free(w);
}

/* spool_stamp_due - a writer's "not before" time goes on the file itself */
static int spool_stamp_due(struct spool_writer *w, GString *why)
{
	struct timespec ts[2];

	if (!w->due)
		return 1;
	ts[0].tv_sec = w->due;
	ts[0].tv_nsec = 0;
	ts[1] = ts[0];
	if (futimens(fileno(w->fp), ts) != 0) {
		g_string_printf(why, "set retry time of %s: %s", w->tmppath, g_strerror(errno));
		return 0;
	}
	return 1;
}

/* The batch of this thread (mexout's milter threads never have one). */
#define SPOOL_BATCH_FSYNC 2		/* up to this many: fsync each, not syncfs */
static _Thread_local GPtrArray *spool_batch;

void spool_batch_begin(void)
{
	if (!spool_batch)
		spool_batch = g_ptr_array_new();
}

int spool_batch_size(void)
{
	return spool_batch ? (int)spool_batch->len : 0;
}

int spool_batch_end(GString *why)
{
	GPtrArray *b = spool_batch;
	GHashTable *dirs;
	GHashTableIter it;
	gpointer key;
	guint   i;
	int     ok = 1;

	spool_batch = NULL;
	if (!b)
		return 1;
	if (b->len == 0) {
		g_ptr_array_free(b, TRUE);
		return 1;
	}
	/*
	 * One sync for the data of every file in the batch.  syncfs() also
	 * writes whatever else is dirty on the file system, so a batch of one
	 * or two (an idle pipeline) is better served by fsync() of its files.
	 */
	if (b->len <= SPOOL_BATCH_FSYNC) {
		for (i = 0; i < b->len && ok; i++) {
			struct spool_writer *w = g_ptr_array_index(b, i);

			if (fsync(fileno(w->fp)) != 0) {
				g_string_printf(why, "fsync %s: %s", w->tmppath, g_strerror(errno));
				ok = 0;
			}
		}
	} else if (syncfs(((struct spool_writer *)g_ptr_array_index(b, 0))->q->newfd) != 0) {
		g_string_printf(why, "syncfs: %s", g_strerror(errno));
		ok = 0;
	}
	for (i = 0; i < b->len; i++) {
		struct spool_writer *w = g_ptr_array_index(b, i);

		if (fclose(w->fp) != 0 && ok) {
			g_string_printf(why, "close %s: %s", w->tmppath, g_strerror(errno));
			ok = 0;
		}
		w->fp = NULL;
	}
	STEP("batch-synced");
	dirs = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (i = 0; i < b->len; i++) {
		struct spool_writer *w = g_ptr_array_index(b, i);
		char   *newpath = g_build_filename(w->q->dir, "new", w->id, NULL);

		if (ok && rename(w->tmppath, newpath) != 0) {
			g_string_printf(why, "rename %s to %s: %s", w->tmppath, newpath, g_strerror(errno));
			ok = 0;
		}
		if (!ok)
			unlink(w->tmppath);
		else
			g_hash_table_add(dirs, w->q);
		g_free(newpath);
	}
	STEP("batch-renamed");
	g_hash_table_iter_init(&it, dirs);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		struct spool_queue *q = key;

		if (fsync(q->newfd) != 0 && ok) {
			g_string_printf(why, "fsync %s/new: %s", q->dir, g_strerror(errno));
			ok = 0;
		}
	}
	STEP("batch-committed");
	g_hash_table_destroy(dirs);
	for (i = 0; i < b->len; i++)
		spool_writer_free(g_ptr_array_index(b, i));
	g_ptr_array_free(b, TRUE);
	return ok;
}

int spool_commit(struct spool_writer *w, GString *why)
{
	char   *newpath;
	int     saved;

	if (spool_batch) {
		/* group commit: closed now, synced and made visible later */
		if (fflush(w->fp) != 0 || ferror(w->fp)) {
			g_string_printf(why, "write %s: %s", w->tmppath, g_strerror(errno));
			goto fail;
		}
		STEP("written");
		if (!spool_stamp_due(w, why))
			goto fail;
		g_ptr_array_add(spool_batch, w);	/* closed by spool_batch_end */
		return 1;
	}

	if (fflush(w->fp) != 0 || ferror(w->fp)) {
		g_string_printf(why, "write %s: %s", w->tmppath, g_strerror(errno));
		goto fail;
	}
	STEP("written");
	if (fsync(fileno(w->fp)) != 0) {
		g_string_printf(why, "fsync %s: %s", w->tmppath, g_strerror(errno));
		goto fail;
	}
	STEP("synced");
	if (!spool_stamp_due(w, why))
		goto fail;
	if (fclose(w->fp) != 0) {
		w->fp = NULL;
		g_string_printf(why, "close %s: %s", w->tmppath, g_strerror(errno));
		goto fail;
	}
	w->fp = NULL;
	newpath = g_build_filename(w->q->dir, "new", w->id, NULL);
	if (rename(w->tmppath, newpath) != 0) {
		g_string_printf(why, "rename %s to %s: %s", w->tmppath, newpath, g_strerror(errno));
		g_free(newpath);
		goto fail;
	}
	g_free(newpath);
	STEP("renamed");
	if (fsync(w->q->newfd) != 0) {
		/* The file is in new/ but perhaps not durably: say no, and let
		 * the caller retry; at worst the message is there twice. */
		g_string_printf(why, "fsync %s/new: %s", w->q->dir, g_strerror(errno));
		saved = errno;
		spool_writer_free(w);
		errno = saved;
		return 0;
	}
	STEP("committed");
	spool_writer_free(w);
	return 1;

fail:
	saved = errno;
	spool_abort(w);
	errno = saved;
	return 0;
}

time_t spool_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

static int spool_cmp_ready(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *spool_ready(struct spool_queue *q, time_t now, time_t *next_due)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	char   *path = g_build_filename(q->dir, "new", NULL);
	DIR    *d = opendir(path);
	struct dirent *e;
	struct stat st;

	*next_due = 0;
	g_free(path);
	if (!d)
		return ids;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !spool_id_ok(e->d_name)
		    || g_str_has_suffix(e->d_name, SPOOL_REASON_SUFFIX))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (st.st_mtime > now) {
			if (*next_due == 0 || st.st_mtime < *next_due)
				*next_due = st.st_mtime;
			continue;
		}
		g_ptr_array_add(ids, g_strdup(e->d_name));
	}
	closedir(d);
	g_ptr_array_sort(ids, spool_cmp_ready);
	return ids;
}

struct spool_claim *spool_claim(struct spool_queue *q, const char *id, GString *why)
{
	struct spool_claim *c;
	char   *owner;

	g_string_truncate(why, 0);
	if (!spool_id_ok(id)) {
		g_string_printf(why, "bad queue id \"%s\"", id);
		return NULL;
	}
	owner = spool_owner_name(id);
	c = g_new0(struct spool_claim, 1);
	c->q = q;
	c->id = g_strdup(id);
	c->path = g_build_filename(q->dir, "cur", owner, NULL);
	g_free(owner);
	if (renameat(q->newfd, id, q->curfd, c->path + strlen(q->dir) + 5) != 0) {
		if (errno != ENOENT)
			g_string_printf(why, "claim %s/new/%s: %s", q->dir, id, g_strerror(errno));
		spool_claim_free(c);
		return NULL;
	}
	STEP("claimed");
	return c;
}

void spool_claim_free(struct spool_claim *c)
{
	if (!c)
		return;
	g_free(c->id);
	g_free(c->path);
	g_free(c);
}

int spool_done(struct spool_claim *c, GString *why)
{
	int     ok = 1;

	if (unlink(c->path) != 0 && errno != ENOENT) {
		g_string_printf(why, "remove %s: %s", c->path, g_strerror(errno));
		ok = 0;
	}
	STEP("removed");
	spool_forget_crashes(c->q, c->id);
	spool_claim_free(c);
	return ok;
}

/* spool_unclaim - rename the claim back to new/ID */
static int spool_unclaim(struct spool_claim *c, GString *why)
{
	char   *newpath = g_build_filename(c->q->dir, "new", c->id, NULL);
	int     ok = rename(c->path, newpath) == 0;

	if (!ok)
		g_string_printf(why, "rename %s to %s: %s", c->path, newpath, g_strerror(errno));
	else
		fsync(c->q->newfd);
	g_free(newpath);
	return ok;
}

int spool_defer(struct spool_claim *c, int delay, GString *why)
{
	struct timespec ts[2];
	int     ok;

	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[1] = ts[0];
	ts[1].tv_sec += delay;
	if (utimensat(AT_FDCWD, c->path, ts, 0) != 0)
		g_string_printf(why, "set retry time of %s: %s", c->path, g_strerror(errno));
	ok = spool_unclaim(c, why);
	spool_claim_free(c);
	return ok;
}

int spool_move(struct spool_claim *c, struct spool_queue *to, GString *why)
{
	char   *newpath = g_build_filename(to->dir, "new", c->id, NULL);
	int     ok = 0;

	/* a deferred message carries its retry time: not in the next queue */
	utimensat(AT_FDCWD, c->path, NULL, 0);
	if (rename(c->path, newpath) != 0) {
		g_string_printf(why, "rename %s to %s: %s", c->path, newpath, g_strerror(errno));
	} else if (fsync(to->newfd) != 0) {
		g_string_printf(why, "fsync %s/new: %s", to->dir, g_strerror(errno));
	} else {
		ok = 1;
		fsync(c->q->curfd);
		spool_forget_crashes(c->q, c->id);
	}
	g_free(newpath);
	spool_claim_free(c);
	return ok;
}

int spool_reject(struct spool_claim *c, struct spool_queue *bad, const char *stage,
		 const char *reason, GString *why)
{
	char   *rid = g_strconcat(c->id, SPOOL_REASON_SUFFIX, NULL);
	struct spool_writer *w;
	char    stamp[64];
	time_t  now = time(NULL);
	char   *clean = text_printable(reason, SPOOL_REASON_MAX, TEXT_SPACE);
	GPtrArray *batch;
	int     committed;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if ((w = spool_create(bad, rid, why)) == NULL) {
		g_free(rid);
		g_free(clean);
		spool_claim_free(c);
		return 0;
	}
	fprintf(w->fp, "id: %s\nqueue: %s\nstage: %s\ntime: %s\nreason: %s\n",
		c->id, c->q->name, stage, stamp, clean);
	g_free(rid);
	g_free(clean);
	/* the reason goes with the message at once, never in a batch */
	batch = spool_batch;
	spool_batch = NULL;
	committed = spool_commit(w, why);
	spool_batch = batch;
	if (!committed) {
		spool_claim_free(c);
		return 0;
	}
	return spool_move(c, bad, why);
}

/* spool_proc_start - when process pid started (seconds since the epoch,
 * to a clock tick, from /proc), or 0 if unknown.  /proc gives the start
 * in ticks since boot: the epoch time of the boot is taken from the
 * clocks now (realtime less boottime), to the nanosecond, not from
 * /proc/stat's btime, which is rounded to the second */
static double spool_proc_start(long pid)
{
	char   *path = g_strdup_printf("/proc/%ld/stat", pid), *stat = NULL, *p;
	gchar **f = NULL;
	double  start = 0;
	long    hz = sysconf(_SC_CLK_TCK);
	struct timespec real, boot;

	if (g_file_get_contents(path, &stat, NULL, NULL) && (p = strrchr(stat, ')')) != NULL
	    && g_strv_length(f = g_strsplit(p + 2, " ", 24)) >= 21 && hz > 0
	    && clock_gettime(CLOCK_REALTIME, &real) == 0 && clock_gettime(CLOCK_BOOTTIME, &boot) == 0) {
		/* field 22, starttime, is the 20th after "(comm) " */
		start = (double)(real.tv_sec - boot.tv_sec) + (real.tv_nsec - boot.tv_nsec) / 1e9
		    + (double)strtoll(f[19], NULL, 10) / hz;
	}
	g_strfreev(f);
	g_free(stat);
	g_free(path);
	return start;
}

/* spool_owner_dead - name is ID:PID:HOST of a process of this host that
 * is gone, or a claim too old to be anybody's live work */
static int spool_owner_dead(int dfd, const char *name, char **id)
{
	const char *c1 = strchr(name, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	struct stat st;
	long    pid;
	char   *end;

	if (!c1 || !c2 || strcmp(c2 + 1, spool_host()) != 0)
		return 0;
	pid = strtol(c1 + 1, &end, 10);
	if (end != c2 || pid <= 0)
		return 0;
	*id = g_strndup(name, c1 - name);
	if (pid == (long)getpid())
		return 0;
	if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return 1;
	if (fstatat(dfd, name, &st, 0) != 0)
		return 0;
	/* the pid reused (pid_max may be 32768): a process that started after
	 * the claim was made did not make it (the start is rounded down to a
	 * tick; SPOOL_PID_SLACK for the clocks read at different moments) */
	if (spool_proc_start(pid) > st.st_ctim.tv_sec + st.st_ctim.tv_nsec / 1e9 + SPOOL_PID_SLACK)
		return 1;
	return st.st_ctime + SPOOL_STALE_CLAIM < time(NULL);
}

/* spool_crashes - count one more death of a worker on message id: the
 * count is kept in cur/.crashes.ID until the message leaves the queue */
static int spool_crashes(struct spool_queue *q, const char *id)
{
	char   *name = g_strconcat(SPOOL_CRASH_PREFIX, id, NULL);
	char    buf[32];
	int     fd, n = 0;
	ssize_t r;

	if ((fd = openat(q->curfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) >= 0) {
		if ((r = read(fd, buf, sizeof(buf) - 1)) > 0) {
			buf[r] = 0;
			n = atoi(buf);
		}
		n++;
		snprintf(buf, sizeof(buf), "%d\n", n);
		if (pwrite(fd, buf, strlen(buf), 0) < 0 || fsync(fd) != 0)
			n = 1;			/* cannot count: never judge on it */
		close(fd);
	}
	g_free(name);
	return n;
}

/* spool_forget_crashes - the message left the queue: drop its count */
static void spool_forget_crashes(struct spool_queue *q, const char *id)
{
	char   *name = g_strconcat(SPOOL_CRASH_PREFIX, id, NULL);

	unlinkat(q->curfd, name, 0);
	g_free(name);
}

struct spool_dead {
	char   *name;			/* ID:PID:HOST in cur/ */
	char   *id;
	struct timespec claimed;	/* ctime: when it was renamed into cur/ */
};

/* spool_suspect - d is the last claim of its dead owner: the message it
 * was working on when it died (the others waited for a group commit) */
static int spool_suspect(GPtrArray *dead, const struct spool_dead *d)
{
	const char *owner = d->name + strlen(d->id);
	guint   i;

	for (i = 0; i < dead->len; i++) {
		const struct spool_dead *o = g_ptr_array_index(dead, i);

		if (o != d && strcmp(o->name + strlen(o->id), owner) == 0
		    && (o->claimed.tv_sec > d->claimed.tv_sec
			|| (o->claimed.tv_sec == d->claimed.tv_sec && o->claimed.tv_nsec > d->claimed.tv_nsec)))
			return 0;
	}
	return 1;
}

int spool_recover(struct spool_queue *q, GPtrArray *poison)
{
	char   *path;
	DIR    *d;
	struct dirent *e;
	int     n = 0;
	char   *id;
	GPtrArray *dead = g_ptr_array_new();
	guint   i;

	path = g_build_filename(q->dir, "cur", NULL);
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			struct spool_dead *x;
			struct stat st;

			id = NULL;
			if (e->d_name[0] == '.' || !spool_owner_dead(dirfd(d), e->d_name, &id)
			    || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
				g_free(id);
				continue;
			}
			x = g_new0(struct spool_dead, 1);
			x->name = g_strdup(e->d_name);
			x->id = id;
			x->claimed = st.st_ctim;
			g_ptr_array_add(dead, x);
		}
		closedir(d);
	}
	for (i = 0; i < dead->len; i++) {
		struct spool_dead *x = g_ptr_array_index(dead, i);

		if (poison && spool_suspect(dead, x) && spool_crashes(q, x->id) >= SPOOL_CRASH_MAX) {
			/* its worker died on it again and again: the caller moves
			 * it to the failure queue */
			struct spool_claim *c = g_new0(struct spool_claim, 1);

			c->q = q;
			c->id = g_strdup(x->id);
			c->path = g_build_filename(path, x->name, NULL);
			g_ptr_array_add(poison, c);
		} else if (renameat(q->curfd, x->name, q->newfd, x->id) == 0) {
			n++;
		}
	}
	if (n)
		fsync(q->newfd);
	for (i = 0; i < dead->len; i++) {
		struct spool_dead *x = g_ptr_array_index(dead, i);

		g_free(x->name);
		g_free(x->id);
		g_free(x);
	}
	g_ptr_array_free(dead, TRUE);
	g_free(path);
	path = g_build_filename(q->dir, "tmp", NULL);
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			id = NULL;
			if (e->d_name[0] != '.' && spool_owner_dead(dirfd(d), e->d_name, &id))
				unlinkat(dirfd(d), e->d_name, 0);
			g_free(id);
		}
		closedir(d);
	}
	g_free(path);
	return n;
}

int spool_watch_fd(struct spool_queue *q)
{
	char   *path;

	if (q->watchfd >= 0)
		return q->watchfd;
	if ((q->watchfd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
		return -1;
	path = g_build_filename(q->dir, "new", NULL);
	if (inotify_add_watch(q->watchfd, path, IN_MOVED_TO | IN_CREATE | IN_ATTRIB) < 0) {
		close(q->watchfd);
		q->watchfd = -1;
	}
	g_free(path);
	return q->watchfd;
}

void spool_watch_drain(struct spool_queue *q)
{
	char    buf[4096];

	if (q->watchfd >= 0)
		while (read(q->watchfd, buf, sizeof(buf)) > 0)
			;
}

const char *spool_find(struct spool_queue *q, const char *id, char **path)
{
	char   *p, *prefix;
	DIR    *d;
	struct dirent *e;
	const char *where = NULL;

	*path = NULL;
	if (!spool_id_ok(id))
		return NULL;
	p = g_build_filename(q->dir, "new", id, NULL);
	if (access(p, F_OK) == 0) {
		*path = p;
		return "new";
	}
	g_free(p);
	p = g_build_filename(q->dir, "cur", NULL);
	prefix = g_strconcat(id, ":", NULL);
	if ((d = opendir(p)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (g_str_has_prefix(e->d_name, prefix)) {
				*path = g_build_filename(p, e->d_name, NULL);
				where = "cur";
				break;
			}
		}
		closedir(d);
	}
	g_free(prefix);
	g_free(p);
	return where;
}
