/*
 * test_reply.c: response files (src/reply.c).
 */
#include "rexec.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "reply.h"
#include "unit.h"

static char	*tmp;

static void
setup(void)
{
	tmp = unit_tmpdir();
}

static void
teardown(void)
{
	unit_rmtree(tmp);
	free(tmp);
}

static char *
sub(const char *name)
{
	char	*path;

	xasprintf(&path, "%s/%s", tmp, name);
	return (path);
}

/* The names in dir, sorted and joined by spaces ("" when empty). */
static char *
listing(const char *dir)
{
	struct dirent	**names;
	char		 *out, *next;
	int		  n, i;

	n = scandir(dir, &names, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	out = xstrdup("");
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 &&
		    strcmp(names[i]->d_name, "..") != 0) {
			xasprintf(&next, "%s%s%s", out, *out ? " " : "",
			    names[i]->d_name);
			free(out);
			out = next;
		}
		free(names[i]);
	}
	free(names);
	return (out);
}

static void
expect_listing(const char *dir, const char *want)
{
	char	*got = listing(dir);

	ck_assert_str_eq(got, want);
	free(got);
}

static void
write_ok(const char *dir, const char *id, json_t *obj)
{
	char	*cause = NULL;

	if (reply_write(dir, id, obj, &cause) != 0)
		ck_abort_msg("reply_write: %s", cause);
}

START_TEST(test_write)
{
	json_t		*obj;
	struct stat	 sb;
	char		*path, *text;
	mode_t		 old;

	obj = json_pack("{s:s, s:i, s:i, s:s}", "id", "run-1", "seq", 3,
	    "exit", 0, "output", "h\xc3\xa9llo\n\x1b[1m");
	old = umask(0);
	write_ok(tmp, "run-1", obj);
	umask(old);
	path = sub("run-1.json");
	ck_assert_int_eq(lstat(path, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	text = unit_slurp(path, NULL);
	ck_assert_str_eq(text, "{\"id\":\"run-1\",\"seq\":3,\"exit\":0,"
	    "\"output\":\"h\xc3\xa9llo\\n\\u001B[1m\"}\n");
	expect_listing(tmp, "run-1.json");
	free(text);
	free(path);
	json_decref(obj);
}
END_TEST

START_TEST(test_write_large)
{
	json_t	*obj, *back;
	char	*big, *path, *text;
	size_t	 n = 3 * 1024 * 1024 + 17;

	big = xmalloc(n + 1);
	memset(big, 'y', n);
	big[n] = '\0';
	obj = json_pack("{s:s, s:s}", "id", "big", "output", big);
	write_ok(tmp, "big", obj);
	path = sub("big.json");
	text = unit_slurp(path, NULL);
	ck_assert_uint_eq(strlen(text), n + strlen("{\"id\":\"big\","
	    "\"output\":\"\"}\n"));
	back = json_loads(text, 0, NULL);
	ck_assert(json_equal(back, obj));
	expect_listing(tmp, "big.json");
	json_decref(back);
	json_decref(obj);
	free(text);
	free(path);
	free(big);
}
END_TEST

START_TEST(test_overwrite)
{
	json_t	*a, *b;
	char	*path, *text;

	a = json_pack("{s:s, s:i}", "id", "x", "exit", 1);
	b = json_pack("{s:s, s:i}", "id", "x", "exit", 2);
	write_ok(tmp, "x", a);
	write_ok(tmp, "x", b);
	path = sub("x.json");
	text = unit_slurp(path, NULL);
	ck_assert_str_eq(text, "{\"id\":\"x\",\"exit\":2}\n");
	expect_listing(tmp, "x.json");
	free(text);
	free(path);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(test_missing_dir)
{
	json_t	*obj = json_pack("{s:s}", "id", "abc");
	char	*dir = sub("replies"), *cause = NULL, *want;

	ck_assert_int_eq(reply_write(dir, "abc", obj, &cause), -1);
	xasprintf(&want, "%s/abc.json: No such file or directory", dir);
	ck_assert_str_eq(cause, want);
	expect_listing(tmp, "");
	free(want);
	free(cause);
	free(dir);
	json_decref(obj);
}
END_TEST

/* A rename that fails (a directory holds the name) leaves no temp file. */
START_TEST(test_rename_fails)
{
	json_t	*obj = json_pack("{s:s}", "id", "d");
	char	*path = sub("d.json"), *cause = NULL, *want;

	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(reply_write(tmp, "d", obj, &cause), -1);
	xasprintf(&want, "%s: Is a directory", path);
	ck_assert_str_eq(cause, want);
	expect_listing(tmp, "d.json");
	free(want);
	free(cause);
	free(path);
	json_decref(obj);
}
END_TEST

START_TEST(test_bad_input)
{
	static const char *const bad[] = { "", ".hidden", "..", "a/b",
	    "../x" };
	json_t	*obj = json_pack("{s:s}", "id", "x"), *num;
	char	*cause = NULL;
	size_t	 i;

	for (i = 0; i < nitems(bad); i++) {
		ck_assert_int_eq(reply_write(tmp, bad[i], obj, &cause), -1);
		ck_assert_ptr_nonnull(strstr(cause, ": invalid reply id"));
		free(cause);
	}
	num = json_integer(5);
	ck_assert_int_eq(reply_write(tmp, "n", num, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "n.json: cannot encode reply"));
	free(cause);
	expect_listing(tmp, "");
	json_decref(num);
	json_decref(obj);
}
END_TEST

/* Create name in tmp (a file, or a directory if dir) aged age seconds. */
static void
make_aged(const char *name, int dir, time_t now, time_t age)
{
	struct timespec	 ts[2];
	char		*path = sub(name);

	if (dir)
		ck_assert_int_eq(mkdir(path, 0700), 0);
	else
		unit_write(path, "{}\n");
	ts[0].tv_sec = ts[1].tv_sec = now - age;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
	free(path);
}

START_TEST(test_prune)
{
	time_t	 now = time(NULL), day = 86400;
	char	*cause = NULL, *link;

	make_aged("old.json", 0, now, 2 * day);
	make_aged("edge.json", 0, now, day);		/* not older: kept */
	make_aged("new.json", 0, now, 10);
	make_aged(".old.123.4.tmp", 0, now, 2 * day);
	make_aged(".new.123.5.tmp", 0, now, 10);
	make_aged("notes.txt", 0, now, 2 * day);
	make_aged(".x.json.Ab12Cd", 0, now, 2 * day);	/* a spool temp */
	make_aged("json", 0, now, 2 * day);
	make_aged("dir.json", 1, now, 2 * day);
	link = sub("link.json");
	ck_assert_int_eq(symlink("/nonexistent", link), 0);
	free(link);

	ck_assert_int_eq(reply_prune(tmp, now, day, &cause), 3);
	expect_listing(tmp, ".new.123.5.tmp dir.json edge.json json "
	    "link.json new.json notes.txt");
	ck_assert_int_eq(reply_prune(tmp, now, day, &cause), 0);
	ck_assert_int_eq(reply_prune(tmp, now + 60, day, &cause), 1);
	expect_listing(tmp, ".new.123.5.tmp dir.json json link.json "
	    "new.json notes.txt");
}
END_TEST

START_TEST(test_prune_missing_dir)
{
	char	*dir = sub("nope"), *cause = NULL, *want;

	ck_assert_int_eq(reply_prune(dir, time(NULL), 86400, &cause), -1);
	xasprintf(&want, "%s: No such file or directory", dir);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(dir);
}
END_TEST

static Suite *
reply_suite(void)
{
	Suite	*s = suite_create("reply");
	TCase	*tc = tcase_create("reply");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_write);
	tcase_add_test(tc, test_write_large);
	tcase_add_test(tc, test_overwrite);
	tcase_add_test(tc, test_missing_dir);
	tcase_add_test(tc, test_rename_fails);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_prune);
	tcase_add_test(tc, test_prune_missing_dir);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(reply_suite)
