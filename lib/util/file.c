/*++
 * NAME
 *	file 3
 * SUMMARY
 *	files written whole: atomic replacement, unnamed scratch files
 * DESCRIPTION
 *	See file.h.
 *--*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "util/file.h"

FILE   *file_scratch(const char *dir)
{
	int     fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	FILE   *fp;

	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		/* no O_TMPFILE on this file system: a named file, unlinked at once */
		char   *path = g_build_filename(dir, ".scratch.XXXXXX", NULL);

		if ((fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600)) >= 0)
			unlink(path);
		g_free(path);
	}
	if (fd < 0)
		return NULL;
	if ((fp = fdopen(fd, "w+")) == NULL)
		close(fd);
	return fp;
}

int file_write(const char *path, const char *data, size_t len, int mode, GString *why)
{
	char   *tmp = g_strdup_printf("%s.tmp.%ld", path, (long)getpid());
	char   *dir = g_path_get_dirname(path);
	int     fd, dfd, ok = 0;
	ssize_t n;
	size_t  off = 0;

	/* a stale temporary (a dead process of the same pid) would keep its
	 * own mode under O_TRUNC: start from a new file */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		g_string_printf(why, "create %s: %s", tmp, g_strerror(errno));
		goto out;
	}
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			g_string_printf(why, "write %s: %s", tmp, g_strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		g_string_printf(why, "fsync %s: %s", tmp, g_strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		g_string_printf(why, "rename %s to %s: %s", tmp, path, g_strerror(errno));
		unlink(tmp);
		goto out;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ok = 1;
out:
	g_free(tmp);
	g_free(dir);
	return ok;
}
