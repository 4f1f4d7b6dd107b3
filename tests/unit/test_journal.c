/*
 * test_journal.c: the session journal and its reader (src/journal.c).
 */
#include "rexec.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "journal.h"
#include "mono.h"
#include "paths.h"
#include "unit.h"

static char		*tmp;
static struct config	 cfg;

/* 2026-11-27 18:43:08 UTC, the example of DESIGN.md. */
#define START	((time_t)1795804988)

/* How long a test waits for the journal's sync thread. */
#define SYNC_WAIT	10.0

/*
 * The journal's fdatasync, replaced for these tests (a definition in the
 * program comes before the C library's): it counts the syncs, notes when
 * each began, and can be held, as a slow disk holds it, or fail.
 */
static pthread_mutex_t	 sync_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 sync_cv = PTHREAD_COND_INITIALIZER;
static int		 sync_held, sync_errno, sync_entered, sync_done;
static double		 sync_at[8];

int
fdatasync(int fd)
{
	int	e;

	(void)fd;
	pthread_mutex_lock(&sync_mu);
	if (sync_entered < (int)nitems(sync_at))
		sync_at[sync_entered] = mono_now();
	sync_entered++;
	pthread_cond_broadcast(&sync_cv);
	while (sync_held)
		pthread_cond_wait(&sync_cv, &sync_mu);
	e = sync_errno;
	sync_done++;
	pthread_cond_broadcast(&sync_cv);
	pthread_mutex_unlock(&sync_mu);
	if (e != 0) {
		errno = e;
		return (-1);
	}
	return (0);
}

static void
sync_hold(int on)
{
	pthread_mutex_lock(&sync_mu);
	sync_held = on;
	pthread_cond_broadcast(&sync_cv);
	pthread_mutex_unlock(&sync_mu);
}

static void
sync_fail(int e)
{
	pthread_mutex_lock(&sync_mu);
	sync_errno = e;
	pthread_mutex_unlock(&sync_mu);
}

/* Syncs finished so far. */
static int
sync_count(void)
{
	int	n;

	pthread_mutex_lock(&sync_mu);
	n = sync_done;
	pthread_mutex_unlock(&sync_mu);
	return (n);
}

/* Wait, up to SYNC_WAIT seconds, until *counter reaches n. */
static void
sync_await(int *counter, int n)
{
	struct timespec	ts;
	int		got;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)SYNC_WAIT;
	pthread_mutex_lock(&sync_mu);
	while (*counter < n &&
	    pthread_cond_timedwait(&sync_cv, &sync_mu, &ts) == 0)
		;
	got = *counter;
	pthread_mutex_unlock(&sync_mu);
	ck_assert_int_ge(got, n);
}

#define await_syncs(n)		sync_await(&sync_done, (n))
#define await_entered(n)	sync_await(&sync_entered, (n))

static void
setup(void)
{
	tmp = unit_tmpdir();
	config_defaults(&cfg);
	sync_held = sync_errno = sync_entered = sync_done = 0;
}

static void
teardown(void)
{
	unit_rmtree(tmp);
	free(tmp);
	config_free(&cfg);
}

static struct journal *
open_ok(time_t start)
{
	struct journal	*j;
	char		*cause = NULL;

	j = journal_open(tmp, start, &cfg, &cause);
	if (j == NULL)
		ck_abort_msg("journal_open: %s", cause);
	return (j);
}

static void
append_ok(struct journal *j, json_t *line)
{
	char	*cause = NULL;

	if (journal_append(j, line, &cause) != 0)
		ck_abort_msg("journal_append: %s", cause);
}

/* Append a line built from a jansson pack format, then drop it. */
#define APPEND(j, ...) do {						\
	json_t	*l_ = json_pack(__VA_ARGS__);				\
									\
	ck_assert_ptr_nonnull(l_);					\
	append_ok((j), l_);						\
	json_decref(l_);						\
} while (0)

static void
append_raw(const char *path, const char *data, size_t len)
{
	int	fd = open(path, O_WRONLY|O_APPEND|O_CREAT, 0600);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static struct journal_reader *
reader_ok(const char *path)
{
	struct journal_reader	*r;
	char			*cause = NULL;

	r = journal_reader_open(path, &cause);
	if (r == NULL)
		ck_abort_msg("journal_reader_open: %s", cause);
	return (r);
}

/* The next line must be an object equal to the JSON text want. */
static void
expect_line(struct journal_reader *r, const char *want)
{
	json_t		*line, *w;
	json_error_t	 err;
	char		*got;

	ck_assert_int_eq(journal_reader_next(r, &line), 1);
	w = json_loads(want, JSON_ALLOW_NUL, &err);
	ck_assert_ptr_nonnull(w);
	if (!json_equal(line, w)) {
		got = json_dumps(line, JSON_COMPACT);
		ck_abort_msg("got %s, want %s", got, want);
	}
	json_decref(w);
	json_decref(line);
}

static void
expect_none(struct journal_reader *r)
{
	json_t	*line;

	ck_assert_int_eq(journal_reader_next(r, &line), 0);
	ck_assert_ptr_null(line);
}

START_TEST(test_session_name)
{
	struct journal	*j;
	struct stat	 sb;
	char		*want;
	mode_t		 old = umask(0);

	j = open_ok(START);
	umask(old);
	ck_assert_str_eq(journal_session(j), "2026-11-27-18:43:08");
	xasprintf(&want, "%s/2026-11-27-18:43:08.jsonl", tmp);
	ck_assert_str_eq(journal_path(j), want);
	ck_assert_int_eq(lstat(want, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	ck_assert_int_eq(sb.st_size, 0);
	journal_close(j);
	free(want);
}
END_TEST

START_TEST(test_session_clash)
{
	struct journal	*a, *b, *c, *d;
	struct stat	 sb;
	char		*p;

	a = open_ok(START);
	b = open_ok(START);
	c = open_ok(START);
	d = open_ok(START + 1);
	ck_assert_str_eq(journal_session(a), "2026-11-27-18:43:08");
	ck_assert_str_eq(journal_session(b), "2026-11-27-18:43:08-2");
	ck_assert_str_eq(journal_session(c), "2026-11-27-18:43:08-3");
	ck_assert_str_eq(journal_session(d), "2026-11-27-18:43:09");
	xasprintf(&p, "%s/2026-11-27-18:43:08-3.jsonl", tmp);
	ck_assert_str_eq(journal_path(c), p);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	free(p);
	journal_close(a);
	journal_close(b);
	journal_close(c);
	journal_close(d);
}
END_TEST

/* Recordings of an earlier session (J/<session>/) also claim the name. */
START_TEST(test_session_recordings_dir)
{
	struct journal	*j;
	char		*p;

	p = paths_join(tmp, "2026-11-27-18:43:08");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	j = open_ok(START);
	ck_assert_str_eq(journal_session(j), "2026-11-27-18:43:08-2");
	journal_close(j);
	free(p);
}
END_TEST

START_TEST(test_open_errors)
{
	char	*cause = NULL, *dir, *want;

	dir = paths_join(tmp, "missing");
	ck_assert_ptr_null(journal_open(dir, START, &cfg, &cause));
	xasprintf(&want, "%s/2026-11-27-18:43:08.jsonl: "
	    "No such file or directory", dir);
	ck_assert_str_eq(cause, want);
	free(cause);
	free(want);
	free(dir);

	ck_assert_ptr_null(journal_reader_open("/nonexistent/x.jsonl",
	    &cause));
	ck_assert_str_eq(cause, "/nonexistent/x.jsonl: "
	    "No such file or directory");
	free(cause);
	ck_assert_ptr_null(journal_reader_open(tmp, &cause));
	ck_assert_ptr_nonnull(strstr(cause, ": is a directory"));
	free(cause);

	journal_close(NULL);
	journal_reader_close(NULL);
}
END_TEST

START_TEST(test_one_line_per_append)
{
	struct journal		*j;
	struct journal_reader	*r;
	json_t			*arr;
	char			*text, *cause = NULL;
	size_t			 len;

	j = open_ok(START);
	APPEND(j, "{s:i, s:s, s:[s,s]}", "seq", 1, "whoami", "claude", "exec",
	    "echo", "hi");
	APPEND(j, "{}");
	APPEND(j, "{s:{s:n}}", "nested", "x");
	arr = json_pack("[i]", 1);
	ck_assert_int_eq(journal_append(j, arr, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a JSON object"));
	free(cause);
	json_decref(arr);

	text = unit_slurp(journal_path(j), &len);
	ck_assert_str_eq(text, "{\"seq\":1,\"whoami\":\"claude\","
	    "\"exec\":[\"echo\",\"hi\"]}\n{}\n{\"nested\":{\"x\":null}}\n");
	free(text);

	r = reader_ok(journal_path(j));
	expect_line(r, "{\"seq\":1,\"whoami\":\"claude\","
	    "\"exec\":[\"echo\",\"hi\"]}");
	expect_line(r, "{}");
	expect_line(r, "{\"nested\":{\"x\":null}}");
	expect_none(r);
	ck_assert_uint_eq(journal_reader_skipped(r), 0);
	journal_reader_close(r);
	journal_close(j);
}
END_TEST

START_TEST(test_redaction)
{
	struct journal		*j;
	struct journal_reader	*r;
	json_t			*line, *before, *envs, *token;

	j = open_ok(START);
	line = json_pack("{s:i, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
	    "s:s, s:i}}", "seq", 7, "envs",
	    "GITHUB_TOKEN", "ghp_1", "AWS_SECRET_ACCESS_KEY", "aws",
	    "api_key", "k", "PATH", "/usr/bin", "HOME", "/home/u",
	    "My_Password", "pw", "SSH_PASSWD", "pw2", "DB_CREDENTIALS", "c",
	    "KEYBOARD", "us", "token", 5);
	ck_assert_ptr_nonnull(line);
	before = json_deep_copy(line);
	envs = json_object_get(line, "envs");
	token = json_object_get(envs, "GITHUB_TOKEN");
	append_ok(j, line);

	/* The caller's object is untouched, down to the same members. */
	ck_assert(json_equal(line, before));
	ck_assert_ptr_eq(json_object_get(line, "envs"), envs);
	ck_assert_ptr_eq(json_object_get(envs, "GITHUB_TOKEN"), token);
	ck_assert_str_eq(json_string_value(token), "ghp_1");

	r = reader_ok(journal_path(j));
	expect_line(r, "{\"seq\":7,\"envs\":{"
	    "\"GITHUB_TOKEN\":\"***\",\"AWS_SECRET_ACCESS_KEY\":\"***\","
	    "\"api_key\":\"***\",\"PATH\":\"/usr/bin\",\"HOME\":\"/home/u\","
	    "\"My_Password\":\"***\",\"SSH_PASSWD\":\"***\","
	    "\"DB_CREDENTIALS\":\"***\",\"KEYBOARD\":\"***\","
	    "\"token\":\"***\"}}");
	journal_reader_close(r);
	json_decref(line);
	json_decref(before);
	journal_close(j);
}
END_TEST

/* Only an "envs" object is redacted, and only by the configured patterns. */
START_TEST(test_redaction_scope)
{
	struct journal		*j;
	struct journal_reader	*r;
	size_t			 i;

	for (i = 0; i < cfg.nredact; i++)
		free(cfg.redact[i]);
	cfg.redact[0] = xstrdup("AWS_*");
	cfg.nredact = 1;
	j = open_ok(START);
	config_free(&cfg);	/* the journal keeps its own copy */
	config_defaults(&cfg);
	APPEND(j, "{s:{s:s, s:s}}", "envs", "AWS_REGION", "eu",
	    "GITHUB_TOKEN", "t");
	APPEND(j, "{s:[s], s:s}", "envs", "AWS_X=1", "AWS_Y", "kept");
	APPEND(j, "{s:{s:s}}", "exec", "AWS_Z", "kept");
	r = reader_ok(journal_path(j));
	expect_line(r, "{\"envs\":{\"AWS_REGION\":\"***\","
	    "\"GITHUB_TOKEN\":\"t\"}}");
	expect_line(r, "{\"envs\":[\"AWS_X=1\"],\"AWS_Y\":\"kept\"}");
	expect_line(r, "{\"exec\":{\"AWS_Z\":\"kept\"}}");
	expect_none(r);
	journal_reader_close(r);
	journal_close(j);
}
END_TEST

START_TEST(test_utf8_and_control_chars)
{
	static const char	 s[] = "h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5"
	    "\xe6\x9c\xac \x1b[31mred\x1b[0m\r\n\ttab\x01\x7f\0after";
	struct journal		*j;
	struct journal_reader	*r;
	json_t			*line, *got;
	char			*text;
	size_t			 len, i;

	j = open_ok(START);
	line = json_pack("{s:s%}", "output", s, sizeof s - 1);
	ck_assert_ptr_nonnull(line);
	append_ok(j, line);

	text = unit_slurp(journal_path(j), &len);
	ck_assert_uint_gt(len, 0);
	for (i = 0; i < len - 1; i++) {
		if ((unsigned char)text[i] < 0x20)
			ck_abort_msg("control byte 0x%02x at %zu", text[i], i);
	}
	ck_assert_int_eq(text[len - 1], '\n');
	/* UTF-8 stays UTF-8, not \u escapes. */
	ck_assert_ptr_nonnull(strstr(text, "h\xc3\xa9llo \xe2\x9c\x93 "
	    "\xe6\x97\xa5\xe6\x9c\xac"));
	free(text);

	r = reader_ok(journal_path(j));
	ck_assert_int_eq(journal_reader_next(r, &got), 1);
	ck_assert(json_equal(got, line));
	ck_assert_uint_eq(json_string_length(json_object_get(got, "output")),
	    sizeof s - 1);
	json_decref(got);
	expect_none(r);
	journal_reader_close(r);
	json_decref(line);
	journal_close(j);
}
END_TEST

START_TEST(test_reader_skips_bad_lines)
{
	struct journal_reader	*r;
	char			*p = paths_join(tmp, "old.jsonl");

	unit_write(p, "{\"whoami\":\"a\",\"exit\":0}\n"
	    "not json\n"
	    "[1,2]\n"
	    "42\n"
	    "\n"
	    "  \r\n"
	    "{\"whoami\":\"b\"}\r\n"
	    "{\"broken\":\n"
	    "\"str\"\n"
	    "{\"a\":1} trailing\n"
	    "{\"whoami\":\"c\",\"output\":\"x\\ny\"}\n");
	r = reader_ok(p);
	expect_line(r, "{\"whoami\":\"a\",\"exit\":0}");
	expect_line(r, "{\"whoami\":\"b\"}");
	expect_line(r, "{\"whoami\":\"c\",\"output\":\"x\\ny\"}");
	expect_none(r);
	ck_assert_uint_eq(journal_reader_skipped(r), 6);
	journal_reader_close(r);
	free(p);
}
END_TEST

START_TEST(test_reader_torn_last_line)
{
	struct journal_reader	*r;
	char			*p = paths_join(tmp, "torn.jsonl");
	const char		*a = "{\"a\":1}\n{\"b\":";

	append_raw(p, a, strlen(a));
	r = reader_ok(p);
	expect_line(r, "{\"a\":1}");
	expect_none(r);
	expect_none(r);
	append_raw(p, "[2,", 3);
	expect_none(r);
	append_raw(p, "3]}\n{\"c\":", 9);
	expect_line(r, "{\"b\":[2,3]}");
	expect_none(r);
	append_raw(p, "4}\n", 3);
	expect_line(r, "{\"c\":4}");
	expect_none(r);
	ck_assert_uint_eq(journal_reader_skipped(r), 0);
	journal_reader_close(r);
	free(p);
}
END_TEST

/* A follower reads while the host appends, across the reader's chunks. */
START_TEST(test_reader_follows_growth)
{
	struct journal		*j;
	struct journal_reader	*r;
	json_t			*line;
	char			*pad;
	int			 round, k, seq = 0, want = 0;

	j = open_ok(START);
	r = reader_ok(journal_path(j));
	expect_none(r);
	pad = xmalloc(40000);
	memset(pad, 'p', 39999);
	pad[39999] = '\0';
	for (round = 0; round < 50; round++) {
		for (k = 0; k < round % 4; k++) {
			pad[(seq * 7919) % 39999] = '\0';
			APPEND(j, "{s:i, s:s}", "seq", seq, "pad", pad);
			pad[(seq * 7919) % 39999] = 'p';
			seq++;
		}
		while (journal_reader_next(r, &line) == 1) {
			ck_assert_int_eq(json_integer_value(
			    json_object_get(line, "seq")), want);
			ck_assert_uint_eq(json_string_length(
			    json_object_get(line, "pad")),
			    (size_t)(want * 7919) % 39999);
			want++;
			json_decref(line);
		}
		ck_assert_int_eq(want, seq);
	}
	ck_assert_int_gt(seq, 50);
	free(pad);
	journal_reader_close(r);
	journal_close(j);
}
END_TEST

START_TEST(test_long_line)
{
	struct journal		*j;
	struct journal_reader	*r;
	json_t			*line, *got;
	size_t			 n = 5 * 1024 * 1024;
	char			*big;

	big = xmalloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	j = open_ok(START);
	line = json_pack("{s:s}", "output", big);
	append_ok(j, line);
	APPEND(j, "{s:i}", "after", 1);
	/* The big line went to the writer thread, the small one behind it. */
	journal_drain(j);
	ck_assert_ptr_null(journal_error(j));
	r = reader_ok(journal_path(j));
	ck_assert_int_eq(journal_reader_next(r, &got), 1);
	ck_assert(json_equal(got, line));
	json_decref(got);
	expect_line(r, "{\"after\":1}");
	expect_none(r);
	journal_reader_close(r);
	json_decref(line);
	journal_close(j);
	free(big);
}
END_TEST

/* A brief reader leaves long strings out, escapes and all, and no more. */
START_TEST(test_reader_brief)
{
	struct journal_reader	*r;
	char			*path, *line;
	size_t			 n = 200000, len;

	xasprintf(&path, "%s/brief.jsonl", tmp);
	line = xmalloc(n + 256);
	/* A long string that holds escaped quotes and backslashes. */
	len = (size_t)sprintf(line, "{\"seq\":4,\"output\":\"");
	memset(line + len, 'z', n);
	memcpy(line + len + 10, "\\\"", 2);
	memcpy(line + len + 20, "\\\\\\\"", 4);
	len += n;
	len += (size_t)sprintf(line + len, "\",\"dir\":\"/a \\\"b\\\"\","
	    "\"exec\":[\"x\"]}\n{\"seq\":5}\n");
	append_raw(path, line, len);

	r = reader_ok(path);
	journal_reader_brief(r, 1000);
	expect_line(r, "{\"seq\":4,\"output\":\"\",\"dir\":\"/a \\\"b\\\"\","
	    "\"exec\":[\"x\"]}");
	expect_line(r, "{\"seq\":5}");
	expect_none(r);
	ck_assert_uint_eq(journal_reader_skipped(r), 0);
	journal_reader_close(r);
	free(line);
	free(path);
}
END_TEST

/*
 * Big lines are written by the writer thread: in order with the small
 * ones, redacted like them, and all of them by journal_close().
 */
START_TEST(test_writer_thread)
{
	struct journal		*j;
	struct journal_reader	*r;
	json_t			*line, *got;
	size_t			 n = 1024 * 1024, i;
	char			*big, *path;

	big = xmalloc(n + 1);
	memset(big, 'y', n);
	big[n] = '\0';
	j = open_ok(START);
	path = xstrdup(journal_path(j));
	for (i = 0; i < 3; i++) {
		line = json_pack("{s:i, s:s, s:{s:s}}", "seq", (int)i,
		    "output", big, "envs", "API_TOKEN", "secret");
		append_ok(j, line);
		json_decref(line);
		APPEND(j, "{s:i}", "small", (int)i);
	}
	journal_close(j);	/* waits for the thread */

	r = reader_ok(path);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(journal_reader_next(r, &got), 1);
		ck_assert_int_eq(json_integer_value(json_object_get(got,
		    "seq")), (json_int_t)i);
		ck_assert_uint_eq(json_string_length(json_object_get(got,
		    "output")), n);
		ck_assert_str_eq(json_string_value(json_object_get(
		    json_object_get(got, "envs"), "API_TOKEN")), "***");
		json_decref(got);
		ck_assert_int_eq(journal_reader_next(r, &got), 1);
		ck_assert_int_eq(json_integer_value(json_object_get(got,
		    "small")), (json_int_t)i);
		json_decref(got);
	}
	expect_none(r);
	journal_reader_close(r);
	free(path);
	free(big);
}
END_TEST

/*
 * A line of JOURNAL_LINE_MAX bytes with its newline is the longest the
 * reader returns (padded with white space, which is cheap to parse); the
 * writer shrinks longer ones until they fit, marking every cut.
 */
START_TEST(test_line_limit)
{
	struct journal		*j;
	struct journal_reader	*r;
	json_t			*line, *got, *s;
	char			*big, *cause = NULL;
	size_t			 n = JOURNAL_LINE_MAX, len, i;
	const char		*v;
	int			 fd;

	j = open_ok(START);
	big = xmalloc(n + 1);
	memset(big, ' ', n + 1);
	memcpy(big, "{\"a\":1", 6);
	fd = open(journal_path(j), O_WRONLY|O_APPEND);
	ck_assert_int_ne(fd, -1);
	big[n - 2] = '}';
	big[n - 1] = '\n';
	ck_assert_int_eq(write(fd, big, n), (ssize_t)n);
	big[n - 2] = ' ';
	big[n - 1] = '}';
	big[n] = '\n';
	ck_assert_int_eq(write(fd, big, n + 1), (ssize_t)n + 1);
	close(fd);
	APPEND(j, "{s:i}", "after", 1);
	r = reader_ok(journal_path(j));
	expect_line(r, "{\"a\":1}");
	expect_line(r, "{\"after\":1}");
	expect_none(r);
	ck_assert_uint_eq(journal_reader_skipped(r), 1);

	/* {"s":"..."} is 8 bytes around the string: one byte too many. */
	memset(big, 'x', n - 8);
	memcpy(big + 4, "\xe2\x82\xac", 3);
	big[n - 8] = '\0';
	line = json_pack("{s:s, s:i}", "s", big, "seq", 9);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(journal_append(j, line, &cause), 0);
	json_decref(line);
	/* So is an argv of 66 strings of 1 MiB and one more item. */
	line = json_pack("{s:[], s:{s:s}}", "exec", "envs", "A", "b");
	for (i = 0; i < 66; i++)
		json_array_append_new(json_object_get(line, "exec"),
		    json_stringn(big, 1024 * 1024));
	json_array_append_new(json_object_get(line, "exec"),
	    json_string("last"));
	append_ok(j, line);
	json_decref(line);
	journal_drain(j);
	ck_assert_ptr_null(journal_error(j));

	/* Strings of 1 MiB and more, cut at a character, say so. */
	ck_assert_int_eq(journal_reader_next(r, &got), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(got, "seq")), 9);
	v = json_string_value(json_object_get(got, "s"));
	len = strlen(v);
	ck_assert_uint_lt(len, 1024 * 1024 + 64);
	ck_assert_mem_eq(v, big, 1024 * 1024);
	ck_assert_str_eq(v + 1024 * 1024, "[rexec: 66060280 bytes not "
	    "journaled]");
	json_decref(got);
	/* 66 MiB more than fits: cut to 64 KiB each, the last item kept. */
	ck_assert_int_eq(journal_reader_next(r, &got), 1);
	s = json_object_get(got, "exec");
	ck_assert_uint_eq(json_array_size(s), 67);
	v = json_string_value(json_array_get(s, 0));
	ck_assert_str_eq(v + 65536, "[rexec: 983040 bytes not journaled]");
	ck_assert_str_eq(json_string_value(json_array_get(s, 66)), "last");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    got, "envs"), "A")), "b");
	json_decref(got);
	expect_none(r);
	journal_reader_close(r);
	journal_close(j);
	free(big);
}
END_TEST

/*
 * A text file's bytes are written by the writer thread, made 0600 on the
 * first ones; a line queued after them is written once they all are, so
 * whoever sees the line finds the file whole.
 */
START_TEST(test_text_file)
{
	struct journal		*j;
	struct journal_file	*f;
	struct journal_reader	*r;
	struct stat		 sb;
	json_t			*line;
	char			*path, *chunk, *back;
	size_t			 n = 64 * 1024, rounds = 64, i;
	int			 fd, got;

	j = open_ok(START);
	xasprintf(&path, "%s/run.txt", tmp);
	f = journal_file_open(j, path);
	ck_assert_str_eq(journal_file_path(f), path);
	ck_assert_int_eq(stat(path, &sb), -1);	/* made by the first bytes */
	chunk = xmalloc(n);
	for (i = 0; i < rounds; i++) {
		memset(chunk, 'a' + (int)(i % 26), n);
		journal_file_write(f, chunk, n);
	}
	journal_file_write(f, "end\n", 4);
	journal_file_close(f);
	APPEND(j, "{s:i}", "seq", 1);
	r = reader_ok(journal_path(j));
	while ((got = journal_reader_next(r, &line)) == 0)
		usleep(1000);
	ck_assert_int_eq(got, 1);
	json_decref(line);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq((size_t)sb.st_size, n * rounds + 4);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	ck_assert_uint_eq(journal_file_written(f), n * rounds + 4);
	ck_assert_uint_eq(journal_file_queued(f), 0);
	journal_file_free(f);

	back = xmalloc(n * rounds + 4);
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(read(fd, back, n * rounds + 4),
	    (ssize_t)(n * rounds + 4));
	close(fd);
	for (i = 0; i < rounds; i++)
		ck_assert_int_eq(back[i * n + n - 1], 'a' + (int)(i % 26));
	ck_assert_mem_eq(back + n * rounds, "end\n", 4);
	ck_assert_ptr_null(journal_error(j));
	journal_reader_close(r);
	journal_close(j);
	free(back);
	free(chunk);
	free(path);
}
END_TEST

/*
 * A text file that cannot be made (its name is taken) is reported once;
 * its bytes go nowhere and the journal goes on.
 */
START_TEST(test_text_file_fails)
{
	struct journal		*j;
	struct journal_file	*f;
	struct journal_reader	*r;
	char			*path, *e;

	j = open_ok(START);
	xasprintf(&path, "%s/taken.txt", tmp);
	append_raw(path, "x", 1);
	f = journal_file_open(j, path);
	journal_file_write(f, "abc", 3);
	journal_file_write(f, "def", 3);
	APPEND(j, "{s:i}", "seq", 2);
	journal_file_free(f);
	journal_drain(j);
	e = journal_error(j);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e, "taken.txt: File exists"));
	ck_assert_ptr_null(strchr(e, '\n'));
	free(e);
	r = reader_ok(journal_path(j));
	expect_line(r, "{\"seq\":2}");
	expect_none(r);
	journal_reader_close(r);
	journal_close(j);
	free(path);
}
END_TEST

/* Two processes appending at once never interleave their lines. */
START_TEST(test_concurrent_appends)
{
	struct journal		*j;
	struct journal_reader	*r;
	json_t			*line;
	pid_t			 pid[2];
	int			 go[2], status, w, i, next[2] = { 0, 0 };
	char			*pad, c, *text, *cp;
	size_t			 len, nl = 0;

	/* No sync thread: a forked child has none of its parent's. */
	cfg.fsync = CONFIG_FSYNC_NEVER;
	j = open_ok(START);
	ck_assert_int_eq(pipe(go), 0);
	pad = xmalloc(3073);
	for (w = 0; w < 2; w++) {
		if ((pid[w] = fork()) == 0) {
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(2);
			memset(pad, w == 0 ? 'a' : 'b', 3072);
			for (i = 0; i < 500; i++) {
				pad[(i * 331) % 3072] = '\0';
				line = json_pack("{s:i, s:i, s:s}", "w", w,
				    "n", i, "pad", pad);
				if (journal_append(j, line, &text) != 0)
					_exit(1);
				json_decref(line);
				pad[(i * 331) % 3072] = w == 0 ? 'a' : 'b';
			}
			_exit(0);
		}
		ck_assert_int_ne(pid[w], -1);
	}
	close(go[0]);
	close(go[1]);	/* both start at once */
	for (w = 0; w < 2; w++) {
		ck_assert_int_eq(waitpid(pid[w], &status, 0), pid[w]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}

	text = unit_slurp(journal_path(j), &len);
	for (cp = text; (cp = memchr(cp, '\n', len - (cp - text))) != NULL;
	    cp++)
		nl++;
	ck_assert_uint_eq(nl, 1000);
	free(text);

	r = reader_ok(journal_path(j));
	while (journal_reader_next(r, &line) == 1) {
		w = json_integer_value(json_object_get(line, "w"));
		ck_assert(w == 0 || w == 1);
		ck_assert_int_eq(json_integer_value(json_object_get(line, "n")),
		    next[w]);
		ck_assert_uint_eq(json_string_length(json_object_get(line,
		    "pad")), (size_t)(next[w] * 331) % 3072);
		next[w]++;
		json_decref(line);
	}
	ck_assert_int_eq(next[0], 500);
	ck_assert_int_eq(next[1], 500);
	ck_assert_uint_eq(journal_reader_skipped(r), 0);
	journal_reader_close(r);
	journal_close(j);
	free(pad);
}
END_TEST

/*
 * Each policy's syncs, counted by the fdatasync above: always syncs what
 * each append wrote, never syncs nothing, not even at close.
 */
START_TEST(test_fsync_always_never)
{
	struct journal		*j;
	struct journal_reader	*r;
	char			*path;

	cfg.fsync = CONFIG_FSYNC_ALWAYS;
	j = open_ok(START);
	APPEND(j, "{s:i}", "a", 1);
	await_syncs(1);
	APPEND(j, "{s:i}", "a", 2);
	await_syncs(2);
	path = xstrdup(journal_path(j));
	journal_close(j);
	ck_assert_int_eq(sync_count(), 2);
	r = reader_ok(path);
	expect_line(r, "{\"a\":1}");
	expect_line(r, "{\"a\":2}");
	expect_none(r);
	journal_reader_close(r);
	free(path);

	cfg.fsync = CONFIG_FSYNC_NEVER;
	j = open_ok(START);
	APPEND(j, "{s:i}", "b", 1);
	journal_drain(j);
	path = xstrdup(journal_path(j));
	journal_close(j);
	ck_assert_int_eq(sync_count(), 2);
	r = reader_ok(path);
	expect_line(r, "{\"b\":1}");
	expect_none(r);
	journal_reader_close(r);
	free(path);
}
END_TEST

/*
 * interval: the first line is synced at once, the ones after it together
 * a second after that sync began, and what is left at close.
 */
START_TEST(test_fsync_interval)
{
	struct journal		*j;
	struct journal_reader	*r;
	char			*path;

	cfg.fsync = CONFIG_FSYNC_INTERVAL;
	j = open_ok(START);
	APPEND(j, "{s:i}", "a", 1);
	await_syncs(1);
	APPEND(j, "{s:i}", "a", 2);
	APPEND(j, "{s:i}", "a", 3);
	await_syncs(2);
	/* Each began a moment after the syncer read its clock. */
	ck_assert(sync_at[1] - sync_at[0] >= 0.99);
	APPEND(j, "{s:i}", "a", 4);
	path = xstrdup(journal_path(j));
	journal_close(j);		/* does not wait for the second */
	ck_assert_int_eq(sync_count(), 3);

	r = reader_ok(path);
	expect_line(r, "{\"a\":1}");
	expect_line(r, "{\"a\":2}");
	expect_line(r, "{\"a\":3}");
	expect_line(r, "{\"a\":4}");
	expect_none(r);
	journal_reader_close(r);
	free(path);
}
END_TEST

/*
 * A sync the disk holds up holds up nobody else: appends return, their
 * lines are in the file, and the lines written meanwhile are synced by
 * the next sync, after it.
 */
START_TEST(test_sync_held)
{
	struct journal		*j;
	struct journal_reader	*r;
	char			*path;

	cfg.fsync = CONFIG_FSYNC_ALWAYS;
	j = open_ok(START);
	path = xstrdup(journal_path(j));
	sync_hold(1);
	APPEND(j, "{s:i}", "a", 1);
	await_entered(1);
	APPEND(j, "{s:i}", "a", 2);
	APPEND(j, "{s:i}", "a", 3);
	r = reader_ok(path);
	expect_line(r, "{\"a\":1}");
	expect_line(r, "{\"a\":2}");
	expect_line(r, "{\"a\":3}");
	expect_none(r);
	journal_reader_close(r);
	ck_assert_int_eq(sync_count(), 0);
	sync_hold(0);
	journal_drain(j);
	ck_assert_int_eq(sync_count(), 2);	/* a; then b and c at once */
	journal_close(j);
	ck_assert_int_eq(sync_count(), 2);
	free(path);
}
END_TEST

/*
 * A failed sync reaches the host through journal_fd() and
 * journal_error(), once.
 */
START_TEST(test_sync_error)
{
	struct journal	*j;
	struct pollfd	 pfd;
	char		*e;

	cfg.fsync = CONFIG_FSYNC_ALWAYS;
	j = open_ok(START);
	pfd.fd = journal_fd(j);
	pfd.events = POLLIN;
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	sync_fail(EIO);
	APPEND(j, "{s:i}", "a", 1);
	ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
	e = journal_error(j);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(strstr(e, ": fdatasync: Input/output error"));
	free(e);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	ck_assert_ptr_null(journal_error(j));
	sync_fail(0);
	APPEND(j, "{s:i}", "a", 2);
	journal_drain(j);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	ck_assert_ptr_null(journal_error(j));
	journal_close(j);
}
END_TEST

/*
 * A short write (here: the file size limit) is an error, and the torn
 * fragment it leaves stays a line of its own that readers skip.
 */
START_TEST(test_short_write)
{
	struct journal		*j;
	struct journal_reader	*r;
	struct rlimit		 old, lim;
	struct stat		 sb;
	json_t			*line;
	char			*cause = NULL;
	void			(*oldsig)(int);

	j = open_ok(START);
	APPEND(j, "{s:i}", "a", 1);
	ck_assert_int_eq(stat(journal_path(j), &sb), 0);

	oldsig = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = sb.st_size + 10;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	line = json_pack("{s:s}", "b", "0123456789012345678901234567890");
	ck_assert_int_eq(journal_append(j, line, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "short write (10 of"));
	free(cause);
	json_decref(line);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);

	APPEND(j, "{s:i}", "c", 3);
	r = reader_ok(journal_path(j));
	expect_line(r, "{\"a\":1}");
	expect_line(r, "{\"c\":3}");
	expect_none(r);
	ck_assert_uint_eq(journal_reader_skipped(r), 1);
	journal_reader_close(r);
	journal_close(j);
}
END_TEST

static Suite *
journal_suite(void)
{
	Suite	*s = suite_create("journal");
	TCase	*tc = tcase_create("journal");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_session_name);
	tcase_add_test(tc, test_session_clash);
	tcase_add_test(tc, test_session_recordings_dir);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_one_line_per_append);
	tcase_add_test(tc, test_redaction);
	tcase_add_test(tc, test_redaction_scope);
	tcase_add_test(tc, test_utf8_and_control_chars);
	tcase_add_test(tc, test_reader_skips_bad_lines);
	tcase_add_test(tc, test_reader_torn_last_line);
	tcase_add_test(tc, test_reader_follows_growth);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_writer_thread);
	tcase_add_test(tc, test_reader_brief);
	tcase_add_test(tc, test_line_limit);
	tcase_add_test(tc, test_text_file);
	tcase_add_test(tc, test_text_file_fails);
	tcase_add_test(tc, test_concurrent_appends);
	tcase_add_test(tc, test_fsync_always_never);
	tcase_add_test(tc, test_fsync_interval);
	tcase_add_test(tc, test_sync_held);
	tcase_add_test(tc, test_sync_error);
	tcase_add_test(tc, test_short_write);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(journal_suite)
