/* perms_test - perms(3): the type, the owner and the mode of what lme
 * trusts; why names the file, its owner and its mode.  The cases with a
 * file of another owner need root (chown); they are skipped otherwise. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "util/perms.h"
#include "unit.h"

static char *make(const char *dir, const char *name, int mode, int is_dir)
{
	char   *p = g_build_filename(dir, name, NULL);

	if (is_dir)
		mkdir(p, 0700);
	else
		close(open(p, O_CREAT | O_WRONLY, 0600));
	chmod(p, (mode_t)mode);
	return p;
}

int main(int argc, char **argv)
{
	char    tmpl[] = "/tmp/perms_test.XXXXXX";
	const char *top = argc > 1 ? argv[1] : mkdtemp(tmpl);
	GString *why = g_string_new(NULL);
	int     root = geteuid() == 0, skipped = 0;
	static const struct {
		const char *label, *name;
		int     mode, is_dir, other_owner, flags, want;
		const char *why_has;
	} t[] = {
		{"file 0644", "f644", 0644, 0, 0, 0, EX_OK, NULL},
		{"file 0600", "f600", 0600, 0, 0, PERMS_SECRET, EX_OK, NULL},
		{"file 0400 secret", "f400", 0400, 0, 0, PERMS_SECRET, EX_OK, NULL},
		{"group-writable", "f664", 0664, 0, 0, 0, EX_CONFIG, "mode 0664"},
		{"world-writable", "f646", 0646, 0, 0, 0, EX_CONFIG, "not writable by group and others"},
		{"secret readable by group", "f640", 0640, 0, 0, PERMS_SECRET, EX_CONFIG, "0600 or stricter"},
		{"secret readable by others", "f604", 0604, 0, 0, PERMS_SECRET, EX_CONFIG, "not readable or writable"},
		{"dir 0700", "d700", 0700, 1, 0, PERMS_DIR, EX_OK, NULL},
		{"dir 0755", "d755", 0755, 1, 0, PERMS_DIR, EX_OK, NULL},
		{"dir 0770", "d770", 0770, 1, 0, PERMS_DIR, EX_CONFIG, "directory"},
		{"secret dir 0750", "d750", 0750, 1, 0, PERMS_DIR | PERMS_SECRET, EX_CONFIG, "0700"},
		{"dir wanted, file found", "fdir", 0600, 0, 0, PERMS_DIR, EX_CONFIG, "must be a directory"},
		{"file wanted, dir found", "dfile", 0700, 1, 0, 0, EX_CONFIG, "must be a regular file"},
		{"another owner", "fother", 0600, 0, 1, 0, EX_NOPERM, "owner"},
		{"another owner, bad mode too", "fother2", 0666, 0, 1, 0, EX_NOPERM, "mode 0666"},
		{"another owner's dir", "dother", 0700, 1, 1, PERMS_DIR | PERMS_OWN, EX_NOPERM, "directory"},
	};
	size_t  i;
	int     rc;

	umask(0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char   *p;

		if (t[i].other_owner && !root) {
			skipped++;
			continue;
		}
		p = make(top, t[i].name, t[i].mode, t[i].is_dir);
		if (t[i].other_owner)
			CHECK(chown(p, 65534, 65534) == 0, "%s: chown", t[i].label);
		g_string_truncate(why, 0);
		rc = perms_check(p, "test file", t[i].flags, why);
		CHECK(rc == t[i].want, "%s: got %d, want %d (%s)", t[i].label, rc, t[i].want, why->str);
		if (t[i].want != EX_OK) {
			CHECK(strstr(why->str, p) != NULL && strstr(why->str, "test file") != NULL,
			      "%s: why names the file: %s", t[i].label, why->str);
			CHECK(strstr(why->str, t[i].why_has) != NULL, "%s: why lacks \"%s\": %s",
			      t[i].label, t[i].why_has, why->str);
		}
		g_free(p);
	}

	/* missing: fine with PERMS_MAYBE (also under a file), an error without */
	{
		char   *missing = g_build_filename(top, "missing", NULL);
		char   *under = g_build_filename(top, "f644", "x", NULL);

		CHECK(perms_check(missing, "m", PERMS_MAYBE, why) == EX_OK, "missing, maybe");
		CHECK(perms_check(under, "m", PERMS_MAYBE, why) == EX_OK, "ENOTDIR, maybe");
		g_string_truncate(why, 0);
		CHECK(perms_check(missing, "state file", 0, why) == EX_CONFIG, "missing, not maybe");
		CHECK(strstr(why->str, "state file") && strstr(why->str, "No such file"), "why: %s", why->str);
		g_free(missing);
		g_free(under);
	}
	/* a symbolic link: the file it points to is judged */
	{
		char   *good = g_build_filename(top, "f644", NULL);
		char   *bad = g_build_filename(top, "f664", NULL);
		char   *l1 = g_build_filename(top, "l-good", NULL);
		char   *l2 = g_build_filename(top, "l-bad", NULL);

		CHECK(symlink(good, l1) == 0 && symlink(bad, l2) == 0, "symlinks");
		CHECK(perms_check(l1, "l", 0, why) == EX_OK, "link to a good file");
		CHECK(perms_check(l2, "l", 0, why) == EX_CONFIG, "link to a group-writable file");
		g_free(good);
		g_free(bad);
		g_free(l1);
		g_free(l2);
	}
	/* perms_stat judges a struct stat as perms_check does */
	{
		struct stat st = {0};

		st.st_mode = S_IFREG | 0600;
		st.st_uid = geteuid();
		CHECK(perms_stat(&st, "/x", "x", PERMS_SECRET, why) == EX_OK, "stat 0600");
		st.st_mode = S_IFREG | 0620;
		CHECK(perms_stat(&st, "/x", "x", 0, why) == EX_CONFIG, "stat 0620");
		st.st_mode = S_IFIFO | 0600;
		g_string_truncate(why, 0);
		CHECK(perms_stat(&st, "/x", "x", 0, why) == EX_CONFIG, "a fifo");
		CHECK(strstr(why->str, "special file") != NULL, "fifo why: %s", why->str);
		st.st_mode = S_IFREG | 0600;
		st.st_uid = geteuid() + 1;
		CHECK(perms_stat(&st, "/x", "x", 0, why) == EX_NOPERM, "stat other owner");
		/* root's file is accepted unless PERMS_OWN */
		st.st_uid = 0;
		if (!root) {
			CHECK(perms_stat(&st, "/x", "x", 0, why) == EX_OK, "root's file");
			CHECK(perms_stat(&st, "/x", "x", PERMS_OWN, why) == EX_NOPERM, "root's file, own");
		} else {
			CHECK(perms_stat(&st, "/x", "x", PERMS_OWN, why) == EX_OK, "own file as root");
		}
	}
	if (skipped)
		printf("skipped %d cases that need root (a file of another owner)\n", skipped);
	g_string_free(why, TRUE);
	return unit_done("perms_test");
}
