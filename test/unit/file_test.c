/* file_test - file(3): file_write() leaves the old file or the new one,
 * with the mode asked for; file_scratch() leaves no name behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "unit.h"

/* entries - the names in dir, "." and ".." left out */
static int entries(const char *dir)
{
	DIR    *d = opendir(dir);
	struct dirent *e;
	int     n = 0;

	while (d && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	if (d)
		closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	char   *data = NULL;

	if (!g_file_get_contents(path, &data, NULL, NULL))
		return NULL;
	return data;
}

int main(int argc, char **argv)
{
	char    tmpl[] = "/tmp/file_test.XXXXXX";
	const char *top = argc > 1 ? argv[1] : mkdtemp(tmpl);
	char   *dir = g_build_filename(top, "d", NULL);
	char   *path = g_build_filename(dir, "state", NULL);
	char   *tmp = g_strdup_printf("%s.tmp.%ld", path, (long)getpid());
	GString *why = g_string_new(NULL);
	struct stat st;
	char   *got, buf[64] = {0};
	FILE   *fp;
	static const int modes[] = {0600, 0640, 0644, 0400};
	size_t  i;

	umask(022);
	CHECK(g_mkdir_with_parents(dir, 0700) == 0, "mkdir %s", dir);

	/* a new file: the bytes and the mode asked for, no temporary left */
	CHECK(file_write(path, "one\n", 4, 0600, why), "write: %s", why->str);
	CHECK_STR(got = slurp(path), "one\n", "first content");
	g_free(got);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600, "mode %04o", st.st_mode & 07777);
	CHECK(entries(dir) == 1, "only the file: %d entries", entries(dir));

	/* replacement: the new content, the new mode, same single name */
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char    text[32];
		int     n = snprintf(text, sizeof(text), "round %zu\n", i);

		CHECK(file_write(path, text, (size_t)n, modes[i], why), "write %zu: %s", i, why->str);
		CHECK_STR(got = slurp(path), text, "replaced content");
		g_free(got);
		CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == (mode_t)modes[i],
		      "mode %04o, want %04o", st.st_mode & 07777, modes[i]);
		CHECK(entries(dir) == 1, "round %zu: %d entries", i, entries(dir));
	}

	/* embedded NULs and an empty file are written exactly */
	CHECK(file_write(path, "a\0b", 3, 0600, why), "nul: %s", why->str);
	CHECK(stat(path, &st) == 0 && st.st_size == 3, "nul size %ld", (long)st.st_size);
	CHECK(file_write(path, "", 0, 0600, why), "empty: %s", why->str);
	CHECK(stat(path, &st) == 0 && st.st_size == 0, "empty size %ld", (long)st.st_size);

	/* a failure leaves the old content: the target cannot be replaced */
	CHECK(file_write(path, "old\n", 4, 0600, why), "old: %s", why->str);
	{
		char   *sub = g_build_filename(dir, "adir", NULL);
		char   *inner = g_build_filename(sub, "x", NULL);

		CHECK(mkdir(sub, 0700) == 0 && close(open(inner, O_CREAT | O_WRONLY, 0600)) == 0, "adir");
		g_string_truncate(why, 0);
		CHECK(!file_write(sub, "new\n", 4, 0600, why), "a non-empty directory replaced");
		CHECK(strstr(why->str, "rename") != NULL, "why names the step: %s", why->str);
		CHECK(entries(dir) == 2, "no temporary left after a failed rename: %d", entries(dir));
		unlink(inner);
		rmdir(sub);
		g_free(inner);
		g_free(sub);
	}
	/* a directory that does not exist: refused with the reason, nothing made */
	{
		char   *nowhere = g_build_filename(top, "missing", "f", NULL);

		g_string_truncate(why, 0);
		CHECK(!file_write(nowhere, "x", 1, 0600, why), "written into a missing directory");
		CHECK(strstr(why->str, "create") != NULL && strstr(why->str, "No such file") != NULL,
		      "why: %s", why->str);
		g_free(nowhere);
	}
	/* a symbolic link planted where the temporary goes is not followed */
	{
		char   *victim = g_build_filename(top, "victim", NULL);

		CHECK(g_file_set_contents(victim, "victim\n", -1, NULL), "victim");
		CHECK(symlink(victim, tmp) == 0, "symlink: %s", g_strerror(errno));
		g_string_truncate(why, 0);
		(void)file_write(path, "new\n", 4, 0600, why);
		CHECK_STR(got = slurp(victim), "victim\n", "the link's target is untouched");
		g_free(got);
		got = slurp(path);
		CHECK(got && (strcmp(got, "old\n") == 0 || strcmp(got, "new\n") == 0),
		      "old or new content, got \"%s\"", got ? got : "(null)");
		g_free(got);
		CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode), "the file is not a link");
		unlink(tmp);
		g_free(victim);
	}
	/* a stale temporary of this pid with a loose mode: the result still
	 * gets the mode asked for (the file's "with mode") */
	{
		int     fd = open(tmp, O_CREAT | O_WRONLY, 0600);

		CHECK(fd >= 0 && fchmod(fd, 0666) == 0, "stale temporary");
		close(fd);
		CHECK(file_write(path, "new\n", 4, 0600, why), "over a stale temporary: %s", why->str);
		CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
		      "a stale temporary's mode %04o kept, want 0600", st.st_mode & 07777);
		unlink(tmp);
	}

	/* file_scratch: usable, and no name ever appears in the directory */
	{
		char   *sdir = g_build_filename(top, "scratch", NULL);

		CHECK(mkdir(sdir, 0700) == 0, "scratch dir");
		fp = file_scratch(sdir);
		CHECK(fp != NULL, "scratch: %s", g_strerror(errno));
		if (fp) {
			CHECK(entries(sdir) == 0, "scratch file has a name: %d entries", entries(sdir));
			CHECK(fputs("scratch data", fp) >= 0 && fflush(fp) == 0, "write scratch");
			rewind(fp);
			CHECK(fgets(buf, sizeof(buf), fp) != NULL, "read scratch");
			CHECK_STR(buf, "scratch data", "scratch read back");
			CHECK(fstat(fileno(fp), &st) == 0 && (st.st_mode & 077) == 0,
			      "scratch mode %04o", st.st_mode & 07777);
			CHECK((fcntl(fileno(fp), F_GETFD) & FD_CLOEXEC) != 0, "scratch not close-on-exec");
			fclose(fp);
		}
		CHECK(entries(sdir) == 0, "scratch left a name: %d", entries(sdir));
		errno = 0;
		CHECK(file_scratch("/nonexistent/lme") == NULL && errno != 0, "scratch in a missing dir");
		rmdir(sdir);
		g_free(sdir);
	}

	unlink(path);
	rmdir(dir);
	if (argc <= 1) {
		char   *victim = g_build_filename(top, "victim", NULL);

		unlink(victim);
		rmdir(top);
		g_free(victim);
	}
	g_free(tmp);
	g_free(path);
	g_free(dir);
	g_string_free(why, TRUE);
	return unit_done("file_test");
}
