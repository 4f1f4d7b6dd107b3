/*
 * test_record.c: the asciicast v2 recording of a run (src/record.c).
 */
#include "rexec.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <jansson.h>

#include "record.h"
#include "unit.h"

#define MARKER(n)	"\r\n[rexec: recording cut at " #n " bytes]\r\n"

static char	*tmp;
static char	*path;

/* Events read back from a recording. */
struct events {
	json_t	*header;
	double	 t[256];
	char	*data[256];
	size_t	 len[256];
	size_t	 n;
	char	*all;		/* every event's data, concatenated */
	size_t	 alllen;
};

static void
setup(void)
{
	tmp = unit_tmpdir();
	if (asprintf(&path, "%s/1.cast", tmp) == -1)
		abort();
}

static void
teardown(void)
{
	unit_rmtree(tmp);
	free(tmp);
	free(path);
}

static struct record *
open_ok(size_t max_bytes)
{
	struct record_header	 h = {
		80, 24, 1795804988, "ls -l", "u: ls -l"
	};
	struct record		*rec;
	char			*cause = NULL;

	rec = record_open(path, &h, max_bytes, &cause);
	ck_assert_ptr_null(cause);
	ck_assert_ptr_nonnull(rec);
	return (rec);
}

static void
close_ok(struct record *rec)
{
	char	*cause = NULL;

	ck_assert_int_eq(record_close(rec, &cause), 0);
	ck_assert_ptr_null(cause);
}

static void
put(struct record *rec, double t, const char *s)
{
	record_output(rec, t, s, strlen(s));
}

/*
 * Parse the whole file: every line is JSON, the first the header, the
 * rest [t, "o", data] events with times that never go back.
 */
static void
events_read(struct events *ev)
{
	json_error_t	 err;
	json_t		*j;
	char		*text, *line, *nl;
	size_t		 len, dlen;
	double		 last = 0;

	memset(ev, 0, sizeof *ev);
	text = unit_slurp(path, &len);
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(text[len - 1], '\n');
	ev->all = calloc(1, 1);
	for (line = text; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		j = json_loadb(line, nl - line, JSON_ALLOW_NUL, &err);
		ck_assert_msg(j != NULL, "line %s: %s", line, err.text);
		if (ev->header == NULL) {
			ev->header = j;
			continue;
		}
		ck_assert(json_is_array(j));
		ck_assert_int_eq(json_array_size(j), 3);
		ck_assert(json_is_real(json_array_get(j, 0)));
		ck_assert_str_eq(json_string_value(json_array_get(j, 1)), "o");
		ck_assert_int_lt(ev->n, nitems(ev->t));
		ev->t[ev->n] = json_real_value(json_array_get(j, 0));
		ck_assert(ev->t[ev->n] >= last);
		last = ev->t[ev->n];
		dlen = json_string_length(json_array_get(j, 2));
		ev->data[ev->n] = malloc(dlen + 1);
		memcpy(ev->data[ev->n], json_string_value(json_array_get(j, 2)),
		    dlen + 1);
		ev->len[ev->n] = dlen;
		ev->all = realloc(ev->all, ev->alllen + dlen + 1);
		memcpy(ev->all + ev->alllen, ev->data[ev->n], dlen + 1);
		ev->alllen += dlen;
		ev->n++;
		json_decref(j);
	}
	free(text);
}

static void
events_free(struct events *ev)
{
	size_t	i;

	for (i = 0; i < ev->n; i++)
		free(ev->data[i]);
	free(ev->all);
	json_decref(ev->header);
}

START_TEST(test_header_exact)
{
	struct record	*rec = open_ok(0);
	char		*text;
	size_t		 len;

	ck_assert_str_eq(record_path(rec), path);
	close_ok(rec);
	text = unit_slurp(path, &len);
	ck_assert_str_eq(text, "{\"version\":2,\"width\":80,\"height\":24,"
	    "\"timestamp\":1795804988,\"command\":\"ls -l\","
	    "\"title\":\"u: ls -l\"}\n");
	free(text);
}
END_TEST

START_TEST(test_header_sanitised_and_optional)
{
	struct record_header	 h = { 132, 50, 7, "printf '\xff'", NULL };
	struct record		*rec;
	char			*cause = NULL, *text;
	size_t			 len;

	rec = record_open(path, &h, 0, &cause);
	ck_assert_ptr_nonnull(rec);
	close_ok(rec);
	text = unit_slurp(path, &len);
	ck_assert_str_eq(text, "{\"version\":2,\"width\":132,\"height\":50,"
	    "\"timestamp\":7,\"command\":\"printf '\xef\xbf\xbd'\"}\n");
	free(text);
}
END_TEST

START_TEST(test_events_json_and_times)
{
	struct record	*rec = open_ok(0);
	struct events	 ev;

	put(rec, 0.25, "one\r\n");
	put(rec, 1.5, "two\r\n");
	put(rec, 1.0, "back in time\r\n");	/* clamped, never decreasing */
	put(rec, 3.25, "three");
	close_ok(rec);
	events_read(&ev);
	ck_assert_int_eq(ev.n, 3);
	ck_assert_double_eq(ev.t[0], 0.25);
	ck_assert_double_eq(ev.t[1], 1.5);
	ck_assert_str_eq(ev.data[1], "two\r\nback in time\r\n");
	ck_assert_double_eq(ev.t[2], 3.25);
	ck_assert_str_eq(ev.all, "one\r\ntwo\r\nback in time\r\nthree");
	events_free(&ev);
}
END_TEST

START_TEST(test_split_character_arrives_whole)
{
	struct record	*rec = open_ok(0);
	struct events	 ev;

	put(rec, 0, "a\xe2\x96");	/* U+2588 FULL BLOCK, cut after 2 */
	put(rec, 1, "\x88" "b\xf0\x9f");	/* then U+1F600 over 3 calls */
	put(rec, 2, "\x98");
	put(rec, 3, "\x80" "c");
	close_ok(rec);
	events_read(&ev);
	ck_assert_int_eq(ev.n, 3);
	ck_assert_str_eq(ev.data[0], "a");
	ck_assert_str_eq(ev.data[1], "\xe2\x96\x88" "b");
	ck_assert_str_eq(ev.data[2], "\xf0\x9f\x98\x80" "c");
	ck_assert_double_eq(ev.t[2], 3);
	events_free(&ev);
}
END_TEST

START_TEST(test_invalid_bytes_replaced)
{
	struct record	*rec = open_ok(0);
	struct events	 ev;

	put(rec, 0, "x\xff" "y\xc3(z\xed\xa0\x80");
	record_output(rec, 0.5, "n\0ul", 4);
	put(rec, 1, "end\xe2\x96");	/* cut short at the very end */
	close_ok(rec);
	events_read(&ev);
	ck_assert_int_eq(ev.n, 3);
	ck_assert_str_eq(ev.data[0], "x\xef\xbf\xbdy\xef\xbf\xbd(z"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_int_eq(ev.len[1], 4);
	ck_assert_mem_eq(ev.data[1], "n\0ul", 4);
	ck_assert_str_eq(ev.data[2], "end\xef\xbf\xbd");
	events_free(&ev);
}
END_TEST

START_TEST(test_escapes_preserved)
{
	static const char	 s[] = "\033[1;31mred\033[0m \033]0;title\007"
				     "\033[?25l\033[2K\r\033(B\x7f\b\t";
	struct record		*rec = open_ok(0);
	struct events		 ev;
	char			*text;
	size_t			 len;

	put(rec, 0, s);
	close_ok(rec);
	events_read(&ev);
	ck_assert_int_eq(ev.n, 1);
	ck_assert_str_eq(ev.data[0], s);
	events_free(&ev);
	text = unit_slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(text, "[0.000000, \"o\", "
	    "\"\\u001b[1;31mred\\u001b[0m"));
	free(text);
}
END_TEST

/* Every ASCII byte survives the JSON escaping, as asciinema spells it. */
START_TEST(test_all_ascii_round_trip)
{
	struct record	*rec = open_ok(0);
	struct events	 ev;
	char		 all[128], *text;
	size_t		 len;
	int		 i;

	for (i = 0; i < 128; i++)
		all[i] = (char)i;
	record_output(rec, 0, all, sizeof all);
	close_ok(rec);
	events_read(&ev);
	ck_assert_int_eq(ev.n, 1);
	ck_assert_int_eq(ev.len[0], sizeof all);
	ck_assert_mem_eq(ev.data[0], all, sizeof all);
	events_free(&ev);
	text = unit_slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(text, "\"\\u0000\\u0001"));
	ck_assert_ptr_nonnull(strstr(text, "\\u0007\\b\\t\\n\\u000b\\f\\r"));
	ck_assert_ptr_nonnull(strstr(text, " !\\\"#"));
	ck_assert_ptr_nonnull(strstr(text, "[\\\\]"));
	ck_assert_ptr_nonnull(strstr(text, "}~\x7f\"]\n"));
	free(text);
}
END_TEST

START_TEST(test_coalescing)
{
	struct record	*rec = open_ok(0);
	struct events	 ev;
	char		 big[100000];

	put(rec, 1.000, "a");
	put(rec, 1.004, "b");
	put(rec, 1.009, "c");	/* within 10 ms of the event's start */
	put(rec, 1.020, "d");	/* a new event */
	put(rec, 1.500, "e");
	memset(big, 'x', sizeof big);
	record_output(rec, 2.0, big, sizeof big);	/* split, bounded */
	close_ok(rec);
	events_read(&ev);
	ck_assert_int_ge(ev.n, 6);
	ck_assert_str_eq(ev.data[0], "abc");
	ck_assert_double_eq(ev.t[0], 1.0);
	ck_assert_str_eq(ev.data[1], "d");
	ck_assert_double_eq(ev.t[1], 1.02);
	ck_assert_str_eq(ev.data[2], "e");
	ck_assert_int_le(ev.len[3], 16 * 1024);
	ck_assert_double_eq(ev.t[ev.n - 1], 2.0);
	ck_assert_int_eq(ev.alllen, 5 + sizeof big);
	events_free(&ev);
}
END_TEST

/* Events are held in memory, not written one by one. */
START_TEST(test_buffered)
{
	struct record	*rec = open_ok(0);
	struct stat	 st, st2;
	int		 i;

	ck_assert_int_eq(stat(path, &st), 0);
	for (i = 0; i < 100; i++)
		put(rec, i, "line of output\r\n");
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_int_eq(st2.st_size, st.st_size);
	close_ok(rec);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_int_gt(st2.st_size, st.st_size + 100 * 20);
}
END_TEST

START_TEST(test_cap)
{
	struct record	*rec = open_ok(1000);
	struct events	 ev;
	char		 line[64];
	struct stat	 st;
	int		 i;

	for (i = 0; i < 100; i++) {
		snprintf(line, sizeof line, "line %d\r\n", i);
		put(rec, i, line);
		if (record_truncated(rec))
			break;
	}
	ck_assert_int_eq(record_truncated(rec), 1);
	put(rec, 200, "ignored");
	close_ok(rec);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_le(st.st_size, 1000 + strlen("[99.000000, \"o\", "
	    "\"\\r\\n[rexec: recording cut at 1000 bytes]\\r\\n\"]\n"));
	ck_assert_int_gt(st.st_size, 1000);
	events_read(&ev);
	ck_assert_int_gt(ev.n, 2);
	ck_assert_str_eq(ev.data[ev.n - 1], MARKER(1000));
	ck_assert_ptr_null(strstr(ev.all, "ignored"));
	ck_assert_str_eq(ev.data[0], "line 0\r\n");
	events_free(&ev);
}
END_TEST

/* A cap smaller than the first event still gives a valid recording. */
START_TEST(test_cap_tiny)
{
	struct record	*rec = open_ok(10);
	struct events	 ev;

	put(rec, 0.5, "hello");
	ck_assert_int_eq(record_truncated(rec), 1);
	close_ok(rec);
	events_read(&ev);
	ck_assert_int_eq(ev.n, 1);
	ck_assert_str_eq(ev.data[0], MARKER(10));
	ck_assert_double_eq(ev.t[0], 0.5);
	events_free(&ev);
}
END_TEST

START_TEST(test_mode_0600)
{
	struct record	*rec;
	struct stat	 st;
	mode_t		 old = umask(0);

	rec = open_ok(0);
	umask(old);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	close_ok(rec);
}
END_TEST

START_TEST(test_refuses_existing)
{
	struct record_header	 h = { 80, 24, 0, NULL, NULL };
	char			*cause = NULL;

	unit_write(path, "precious");
	ck_assert_ptr_null(record_open(path, &h, 0, &cause));
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, path));
	ck_assert_ptr_nonnull(strstr(cause, strerror(EEXIST)));
	free(cause);
}
END_TEST

START_TEST(test_unwritable_path)
{
	struct record_header	 h = { 80, 24, 0, NULL, NULL };
	char			*cause = NULL, *bad;

	if (asprintf(&bad, "%s/missing/1.cast", tmp) == -1)
		abort();
	ck_assert_ptr_null(record_open(bad, &h, 0, &cause));
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(strstr(cause, ": ") + 2, strerror(ENOENT));
	free(cause);
	free(bad);
}
END_TEST

/*
 * A write error mid-run (EFBIG here, ENOSPC on a full disk): the run goes
 * on, the recording stops, and record_close reports it once.
 */
START_TEST(test_write_error_reported_once)
{
	struct record	*rec = open_ok(0);
	struct rlimit	 old, lim;
	void		(*oldsig)(int);
	char		*cause = NULL, big[4096];
	int		 i;

	oldsig = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 100000;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	memset(big, 'x', sizeof big);
	for (i = 0; i < 100; i++)
		record_output(rec, i, big, sizeof big);
	ck_assert_int_eq(record_close(rec, &cause), -1);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause + strlen(path), ": File too large");
	ck_assert_int_eq(strncmp(cause, path, strlen(path)), 0);
	free(cause);
}
END_TEST

/* Is prog an executable on $PATH? */
static int
on_path(const char *prog)
{
	const char	*path_env = getenv("PATH");
	char		*copy, *dir, *last, *file;
	int		 found = 0;

	if (path_env == NULL)
		return (0);
	copy = strdup(path_env);
	for (dir = strtok_r(copy, ":", &last); dir != NULL && !found;
	    dir = strtok_r(NULL, ":", &last)) {
		if (asprintf(&file, "%s/%s", dir, prog) == -1)
			abort();
		found = access(file, X_OK) == 0;
		free(file);
	}
	free(copy);
	return (found);
}

/*
 * Run `asciinema cat FILE` and return what it prints.  asciinema 2.2 opens
 * /dev/tty even for cat, so the child gets a pseudo-terminal of its own as
 * controlling terminal while its stdout stays a pipe (no tty processing).
 */
static char *
asciinema_cat(const char *file, size_t *len)
{
	char	*home, *out = NULL;
	size_t	 size = 0;
	ssize_t	 n;
	pid_t	 pid;
	int	 master, p[2], status, slave;

	master = posix_openpt(O_RDWR|O_NOCTTY);
	ck_assert_int_ge(master, 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	ck_assert_int_eq(pipe(p), 0);
	if (asprintf(&home, "%s/home", tmp) == -1)
		abort();
	ck_assert_int_eq(mkdir(home, 0700), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		setsid();
		if ((slave = open(ptsname(master), O_RDWR)) == -1)
			_exit(126);
		dup2(slave, 0);
		dup2(p[1], 1);
		close(p[0]);
		setenv("HOME", home, 1);
		unsetenv("XDG_CONFIG_HOME");
		unsetenv("ASCIINEMA_CONFIG_HOME");
		setenv("PYTHONIOENCODING", "utf-8", 1);
		execlp("asciinema", "asciinema", "cat", file, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*len = 0;
	for (;;) {
		if (*len + 1 >= size)
			out = realloc(out, size += 65536);
		n = read(p[0], out + *len, size - *len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		ck_assert_int_ge(n, 0);
		if (n == 0)
			break;
		*len += n;
	}
	out[*len] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "asciinema cat failed: status %d", status);
	close(master);
	free(home);
	return (out);
}

/*
 * A coloured progress bar with block characters, fed in chunks that split
 * characters and escapes, comes out of `asciinema cat` byte for byte.
 */
START_TEST(test_asciinema_cat)
{
	struct record	*rec;
	char		*in = NULL, *out, *step;
	size_t		 inlen = 0, outlen, off, n;
	double		 t = 0;
	int		 i, j;

	if (!on_path("asciinema")) {
		fprintf(stderr, "test_asciinema_cat: skipped: asciinema is "
		    "not installed (Debian package asciinema)\n");
		return;
	}
	for (i = 0; i <= 40; i++) {
		if (asprintf(&step, "\r\033[1;3%dm[", 1 + i % 6) == -1)
			abort();
		in = realloc(in, inlen + strlen(step) + 40 * 3 + 64);
		memcpy(in + inlen, step, strlen(step));
		inlen += strlen(step);
		free(step);
		for (j = 0; j < 40; j++) {
			memcpy(in + inlen, j < i ? "\xe2\x96\x88" : "\xc2\xb7",
			    j < i ? 3 : 2);
			inlen += j < i ? 3 : 2;
		}
		inlen += sprintf(in + inlen, "]\033[0m \033[38;5;208m%3d%%"
		    "\033[39m\033[K", i * 100 / 40);
	}
	in = realloc(in, inlen + 3);
	memcpy(in + inlen, "\r\n", 3);
	inlen += 2;

	rec = open_ok(0);
	for (off = 0, i = 0; off < inlen; off += n, i++) {
		n = 7 + i % 13;
		if (n > inlen - off)
			n = inlen - off;
		record_output(rec, t, in + off, n);
		t += i % 5 == 0 ? 0.05 : 0.002;
	}
	close_ok(rec);

	out = asciinema_cat(path, &outlen);
	ck_assert_int_eq(outlen, inlen);
	ck_assert_mem_eq(out, in, inlen);
	free(out);
	free(in);
}
END_TEST

START_TEST(test_null_safe)
{
	char	*cause = NULL;

	record_output(NULL, 0, "x", 1);
	ck_assert_int_eq(record_close(NULL, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_ptr_null(record_path(NULL));
	ck_assert_int_eq(record_truncated(NULL), 0);
}
END_TEST

static Suite *
record_suite(void)
{
	Suite	*s = suite_create("record");
	TCase	*tc = tcase_create("record");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_header_exact);
	tcase_add_test(tc, test_header_sanitised_and_optional);
	tcase_add_test(tc, test_events_json_and_times);
	tcase_add_test(tc, test_split_character_arrives_whole);
	tcase_add_test(tc, test_invalid_bytes_replaced);
	tcase_add_test(tc, test_escapes_preserved);
	tcase_add_test(tc, test_all_ascii_round_trip);
	tcase_add_test(tc, test_coalescing);
	tcase_add_test(tc, test_buffered);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_cap_tiny);
	tcase_add_test(tc, test_mode_0600);
	tcase_add_test(tc, test_refuses_existing);
	tcase_add_test(tc, test_unwritable_path);
	tcase_add_test(tc, test_write_error_reported_once);
	tcase_add_test(tc, test_null_safe);
	tcase_add_test(tc, test_asciinema_cat);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(record_suite)
