/*
 * test_paths.c: the runtime and journal directories (src/paths.c).
 */
#include "rexec.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "paths.h"
#include "unit.h"

static char		*tmp;
static struct config	 cfg;

static void
setup(void)
{
	tmp = unit_tmpdir();
	config_defaults(&cfg);
	unsetenv("REXEC_RUNTIME_DIR");
	unsetenv("REXEC_JOURNAL_DIR");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("XDG_STATE_HOME");
}

static void
teardown(void)
{
	unit_rmtree(tmp);
	free(tmp);
	config_free(&cfg);
}

static char *
sub(const char *name)
{
	return (paths_join(tmp, name));
}

/* paths_private_dir must refuse path with a message containing what. */
static void
expect_refused(const char *path, const char *what)
{
	char	*cause = NULL;

	ck_assert_int_eq(paths_private_dir(path, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	if (strstr(cause, what) == NULL)
		ck_abort_msg("\"%s\" does not say \"%s\"", cause, what);
	ck_assert_int_eq(strncmp(cause, path, strlen(path)), 0);
	free(cause);
}

START_TEST(test_creates_private_dir)
{
	char		*dir = sub("a/b/c"), *cause = NULL;
	struct stat	 sb;

	ck_assert_int_eq(paths_private_dir(dir, &cause), 0);
	ck_assert_int_eq(lstat(dir, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0700);
	/* An existing private directory is accepted as it is. */
	ck_assert_int_eq(paths_private_dir(dir, &cause), 0);
	free(dir);
}
END_TEST

START_TEST(test_umask_does_not_matter)
{
	char		*dir = sub("u"), *cause = NULL;
	struct stat	 sb;
	mode_t		 old = umask(0);

	ck_assert_int_eq(paths_private_dir(dir, &cause), 0);
	umask(old);
	ck_assert_int_eq(lstat(dir, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0700);
	free(dir);
}
END_TEST

START_TEST(test_refuses_symlink)
{
	char	*real = sub("real"), *link = sub("link");

	ck_assert_int_eq(mkdir(real, 0700), 0);
	ck_assert_int_eq(symlink(real, link), 0);
	expect_refused(link, "is a symbolic link");
	free(real);
	free(link);
}
END_TEST

START_TEST(test_refuses_file)
{
	char	*file = sub("file");

	unit_write(file, "x");
	expect_refused(file, "exists and is not a directory");
	free(file);
}
END_TEST

START_TEST(test_refuses_group_other_bits)
{
	char	*dir = sub("open");

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(dir, 0750), 0);
	expect_refused(dir, "mode 0750 lets group or others in; run chmod 700");
	ck_assert_int_eq(chmod(dir, 0701), 0);
	expect_refused(dir, "mode 0701");
	free(dir);
}
END_TEST

START_TEST(test_refuses_foreign_owner)
{
	char	*dir;

	if (geteuid() == 0) {
		dir = sub("theirs");
		ck_assert_int_eq(mkdir(dir, 0700), 0);
		ck_assert_int_eq(chown(dir, 65534, 65534), 0);
		expect_refused(dir, "owned by uid 65534, not by us (uid 0)");
		free(dir);
	} else
		expect_refused("/", "owned by uid 0, not by us");
}
END_TEST

START_TEST(test_refuses_relative_and_bad_parent)
{
	char	*file = sub("file"), *below;

	expect_refused("relative/dir", "not an absolute path");
	unit_write(file, "x");
	below = sub("file/dir");
	expect_refused(below, "Not a directory");
	free(file);
	free(below);
}
END_TEST

/* The clients' check: the host's, without creating anything. */
START_TEST(test_trusted_dir_creates_nothing)
{
	char		*dir = sub("absent"), *real = sub("real"), *link;
	char		*cause = NULL;
	struct stat	 sb;

	ck_assert_int_eq(paths_trusted_dir(dir, &cause), 1);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(lstat(dir, &sb), -1);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(paths_trusted_dir(dir, &cause), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(paths_trusted_dir(dir, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "mode 0777 lets group or others"));
	free(cause);
	ck_assert_int_eq(mkdir(real, 0700), 0);
	link = sub("link");
	ck_assert_int_eq(symlink(real, link), 0);
	ck_assert_int_eq(paths_trusted_dir(link, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "is a symbolic link"));
	free(cause);
	free(dir);
	free(real);
	free(link);
}
END_TEST

/* paths_open_own must refuse path with a message containing what. */
static void
expect_open_refused(const char *path, int flags, mode_t type,
    const char *what)
{
	char	*cause = NULL;

	ck_assert_int_eq(paths_open_own(path, flags, type, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	if (strstr(cause, what) == NULL)
		ck_abort_msg("\"%s\" does not say \"%s\"", cause, what);
	ck_assert_int_eq(strncmp(cause, path, strlen(path)), 0);
	free(cause);
}

START_TEST(test_open_own)
{
	char	*fifo = sub("fifo"), *file = sub("file"), *link = sub("link");
	char	*cause = NULL, *text;
	int	 rfd, fd;

	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	unit_write(file, "{}");
	ck_assert_int_eq(symlink(fifo, link), 0);

	/* A FIFO nobody reads, and nothing at all: no host, no message. */
	ck_assert_int_eq(paths_open_own(fifo, O_WRONLY | O_NONBLOCK, S_IFIFO,
	    &cause), -1);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(errno, ENXIO);
	free(link);
	link = sub("absent");
	ck_assert_int_eq(paths_open_own(link, O_RDONLY, S_IFREG, &cause), -1);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(errno, ENOENT);
	free(link);
	link = sub("link");

	rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ne(rfd, -1);
	fd = paths_open_own(fifo, O_WRONLY | O_NONBLOCK, S_IFIFO, &cause);
	ck_assert_int_ne(fd, -1);
	close(fd);
	fd = paths_open_own(file, O_RDONLY, S_IFREG, &cause);
	ck_assert_int_ne(fd, -1);
	close(fd);

	/* A symbolic link to the very FIFO is not followed. */
	expect_open_refused(link, O_WRONLY | O_NONBLOCK, S_IFIFO,
	    "is a symbolic link; refusing to use it");
	expect_open_refused(file, O_WRONLY | O_NONBLOCK, S_IFIFO,
	    "exists and is not a FIFO");
	expect_open_refused(fifo, O_RDONLY | O_NONBLOCK, S_IFREG,
	    "exists and is not a regular file");
	/* Opened for writing and refused: not a byte went into it. */
	text = unit_slurp(file, NULL);
	ck_assert_str_eq(text, "{}");
	free(text);
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(fifo, 65534, 65534), 0);
		ck_assert_int_eq(chown(file, 65534, 65534), 0);
		expect_open_refused(fifo, O_WRONLY | O_NONBLOCK, S_IFIFO,
		    "owned by uid 65534, not by us (uid 0)");
		expect_open_refused(file, O_RDONLY, S_IFREG,
		    "owned by uid 65534, not by us (uid 0)");
	}
	close(rfd);
	free(fifo);
	free(file);
	free(link);
}
END_TEST

START_TEST(test_runtime_lookup)
{
	char	*p, *cause, want[64];

	setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
	p = paths_runtime_dir(&cfg, &cause);
	ck_assert_str_eq(p, "/run/user/7/rexec");
	free(p);
	free(cfg.runtime_dir);
	cfg.runtime_dir = xstrdup("/from/ini");
	p = paths_runtime_dir(&cfg, &cause);
	ck_assert_str_eq(p, "/from/ini");
	free(p);
	setenv("REXEC_RUNTIME_DIR", "/from/env", 1);
	p = paths_runtime_dir(&cfg, &cause);
	ck_assert_str_eq(p, "/from/env");
	free(p);
	setenv("REXEC_RUNTIME_DIR", "rel", 1);
	ck_assert_ptr_null(paths_runtime_dir(&cfg, &cause));
	ck_assert_str_eq(cause, "REXEC_RUNTIME_DIR: not an absolute path: "
	    "\"rel\"");
	free(cause);
	unsetenv("REXEC_RUNTIME_DIR");
	unsetenv("XDG_RUNTIME_DIR");
	free(cfg.runtime_dir);
	cfg.runtime_dir = xstrdup("");
	p = paths_runtime_dir(&cfg, &cause);
	snprintf(want, sizeof want, "/tmp/rexec-%lu",
	    (unsigned long)geteuid());
	ck_assert_str_eq(p, want);
	free(p);
}
END_TEST

START_TEST(test_journal_lookup)
{
	char	*p, *cause;

	setenv("HOME", "/home/u", 1);
	p = paths_journal_dir(&cfg, &cause);
	ck_assert_str_eq(p, "/home/u/.local/state/rexec");
	free(p);
	setenv("XDG_STATE_HOME", "/state", 1);
	p = paths_journal_dir(&cfg, &cause);
	ck_assert_str_eq(p, "/state/rexec");
	free(p);
	free(cfg.journal_dir);
	cfg.journal_dir = xstrdup("/ini/j");
	p = paths_journal_dir(&cfg, &cause);
	ck_assert_str_eq(p, "/ini/j");
	free(p);
	setenv("REXEC_JOURNAL_DIR", "/env/j", 1);
	p = paths_journal_dir(&cfg, &cause);
	ck_assert_str_eq(p, "/env/j");
	free(p);
	unsetenv("REXEC_JOURNAL_DIR");
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	free(cfg.journal_dir);
	cfg.journal_dir = xstrdup("");
	ck_assert_ptr_null(paths_journal_dir(&cfg, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "no journal directory"));
	free(cause);
}
END_TEST

static Suite *
paths_suite(void)
{
	Suite	*s = suite_create("paths");
	TCase	*tc = tcase_create("paths");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_creates_private_dir);
	tcase_add_test(tc, test_umask_does_not_matter);
	tcase_add_test(tc, test_refuses_symlink);
	tcase_add_test(tc, test_refuses_file);
	tcase_add_test(tc, test_refuses_group_other_bits);
	tcase_add_test(tc, test_refuses_foreign_owner);
	tcase_add_test(tc, test_refuses_relative_and_bad_parent);
	tcase_add_test(tc, test_trusted_dir_creates_nothing);
	tcase_add_test(tc, test_open_own);
	tcase_add_test(tc, test_runtime_lookup);
	tcase_add_test(tc, test_journal_lookup);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(paths_suite)
