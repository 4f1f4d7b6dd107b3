/*
 * test_console.c: the ordered console stream (src/console.c).
 */
#include "rexec.h"

#include <sys/resource.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>

#include "console.h"
#include "unit.h"

#define KIB	1024
#define MIB	(1024 * 1024)

static char	*out;
static size_t	 outlen, outsize;
static char	*tmp;
/* The segments' kinds and seqs as "b1 o1 n1 ", merged while the same. */
static char	 kinds[4096];
static int	 last_kind = -1;
static unsigned	 last_seq;

static void
collect(enum console_kind kind, unsigned int seq, const char *buf, size_t len,
    void *arg)
{
	size_t	n = strlen(kinds);

	if ((int)kind != last_kind || seq != last_seq)
		snprintf(kinds + n, sizeof kinds - n, "%c%u ",
		    console_kind_name(kind)[0], seq);
	last_kind = (int)kind;
	last_seq = seq;
	if (outlen + len + 1 > outsize) {
		outsize = (outlen + len + 1) * 2;
		out = realloc(out, outsize);
		ck_assert_ptr_nonnull(out);
	}
	memcpy(out + outlen, buf, len);
	outlen += len;
	out[outlen] = '\0';
}

static void
setup(void)
{
	tmp = unit_tmpdir();
	free(out);
	out = NULL;
	outlen = outsize = 0;
	kinds[0] = '\0';
	last_kind = -1;
}

static void
teardown(void)
{
	unit_rmtree(tmp);
	free(tmp);
}

static void
put(struct console *c, struct console_entry *e, const char *s)
{
	console_write(c, e, s, strlen(s));
}

static void
pump_all(struct console *c)
{
	while (console_pump(c, 100000))
		;
}

/*
 * What a run prints: total bytes of numbered lines of varied lengths (the
 * last one cut short), fed to e in writes of up to 4 KiB.
 */
static char *
flood(struct console *c, struct console_entry *e, size_t total)
{
	char	*buf = malloc(total + 128);
	size_t	 len = 0, i, w;
	int	 n;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; len < total; i++) {
		n = snprintf(buf + len, 128, "line %zu %.*s\n", i,
		    (int)(i * 7 % 90), "abcdefghijklmnopqrstuvwxyzabcdefghij"
		    "klmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmn");
		len += (size_t)n;
	}
	for (i = 0; i < total; i += w) {
		w = total - i < 4096 ? total - i : 4096;
		console_write(c, e, buf + i, w);
	}
	return (buf);
}

/*
 * The notice at s, "[rexec: N bytes not shown; rexec replay SEQ]\n":
 * its length, N in *n; 0 if there is none.
 */
static size_t
notice(const char *s, unsigned int seq, size_t *n)
{
	char		 want[64];
	unsigned int	 got;
	int		 end = 0;

	if (sscanf(s, "[rexec: %zu bytes not shown; rexec replay %u]%n", n,
	    &got, &end) != 2 || end == 0 || s[end] != '\n')
		return (0);
	ck_assert_uint_eq(got, seq);
	snprintf(want, sizeof want, "[rexec: %zu bytes", *n);
	ck_assert_int_eq(strncmp(s, want, strlen(want)), 0);
	return ((size_t)end + 1);
}

/*
 * out from off up to end is the notice for seq and then the newest part
 * of want (wantlen bytes, printed after lost others), starting after a
 * newline of want: returns the kept part's length.
 */
static size_t
expect_cut(size_t off, size_t end, unsigned int seq, size_t lost,
    const char *want, size_t wantlen)
{
	size_t	n, nlen, kept;

	nlen = notice(out + off, seq, &n);
	ck_assert_uint_gt(nlen, 0);
	kept = end - off - nlen;
	ck_assert_uint_eq(n, lost + wantlen - kept);
	ck_assert_int_eq(memcmp(out + off + nlen, want + wantlen - kept, kept),
	    0);
	ck_assert_uint_lt(kept, wantlen);
	ck_assert_int_eq(want[wantlen - kept - 1], '\n');
	return (kept);
}

/* The host's fd of the (unlinked) spill file, or -1. */
static int
spill_fd(void)
{
	DIR		*d = opendir("/proc/self/fd");
	struct dirent	*de;
	char		 path[300], target[PATH_MAX];
	ssize_t		 n;
	int		 fd = -1;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		snprintf(path, sizeof path, "/proc/self/fd/%s", de->d_name);
		n = readlink(path, target, sizeof target - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strstr(target, "console-spill") != NULL)
			fd = atoi(de->d_name);
	}
	closedir(d);
	return (fd);
}

/* Put path, opened with flags, where the spill file was. */
static void
spill_replace(const char *path, int flags)
{
	int	fd = spill_fd(), with;

	ck_assert_int_ne(fd, -1);
	with = open(path, flags);
	ck_assert_int_ne(with, -1);
	ck_assert_int_eq(dup2(with, fd), fd);
	close(with);
}

/* console_error says it once, naming what failed. */
static void
expect_error(struct console *c, const char *what)
{
	char	*msg = console_error(c);

	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(strstr(msg, what));
	free(msg);
	ck_assert_ptr_null(console_error(c));
}

START_TEST(test_head_streams_live)
{
	struct console		*c = console_new(tmp, 1024, MIB, collect, NULL);
	struct console_entry	*a = console_add(c, 1);

	put(c, a, "hello ");
	ck_assert_str_eq(out, "hello ");
	put(c, a, "world");
	ck_assert_str_eq(out, "hello world");
	console_end(c, a);
	console_free(c);
}
END_TEST

START_TEST(test_arrival_order)
{
	struct console		*c = console_new(tmp, 1024, MIB, collect, NULL);
	struct console_entry	*a = console_add(c, 1), *b = console_add(c, 2);
	struct console_entry	*d = console_add(c, 3);

	put(c, b, "B1 ");
	put(c, d, "D1 ");
	put(c, a, "A1 ");
	ck_assert_str_eq(out, "A1 ");
	console_end(c, b);	/* b finished first, but waits its turn */
	put(c, a, "A2 ");
	console_end(c, a);
	while (console_pump(c, 2))
		;
	ck_assert_str_eq(out, "A1 A2 B1 D1 ");
	put(c, d, "D2");
	ck_assert_str_eq(out, "A1 A2 B1 D1 D2");
	console_end(c, d);
	console_free(c);
}
END_TEST

START_TEST(test_spill_keeps_order_and_bounds_memory)
{
	struct console		*c;
	struct console_entry	*a, *b;
	char			 chunk[1000], *want;
	size_t			 i, wantlen = 0;

	c = console_new(tmp, 64 * KIB, 4 * MIB, collect, NULL);
	a = console_add(c, 1);
	b = console_add(c, 2);
	want = malloc(2000 * sizeof chunk + 16);
	for (i = 0; i < 2000; i++) {
		memset(chunk, 'a' + i % 26, sizeof chunk);
		console_write(c, b, chunk, sizeof chunk);
		memcpy(want + wantlen, chunk, sizeof chunk);
		wantlen += sizeof chunk;
	}
	ck_assert_uint_le(console_memory(c), 64 * KIB);
	ck_assert_uint_eq(console_spilled(c), 4 * MIB);
	ck_assert_int_ne(spill_fd(), -1);
	ck_assert_uint_eq(outlen, 0);
	put(c, a, "");
	console_end(c, a);
	/* b is at the head now with a backlog; new bytes queue behind it. */
	put(c, b, "tail");
	memcpy(want + wantlen, "tail", 4);
	wantlen += 4;
	pump_all(c);
	ck_assert_uint_eq(outlen, wantlen);
	ck_assert_int_eq(memcmp(out, want, wantlen), 0);
	/* Its backlog is out: the spill file is gone. */
	ck_assert_uint_eq(console_spilled(c), 0);
	ck_assert_int_eq(spill_fd(), -1);
	ck_assert_ptr_null(console_error(c));
	console_end(c, b);
	free(want);
	console_free(c);
}
END_TEST

START_TEST(test_pump_respects_budget)
{
	struct console		*c = console_new(tmp, 1024, MIB, collect, NULL);
	struct console_entry	*a = console_add(c, 1), *b = console_add(c, 2);

	put(c, b, "0123456789");
	console_end(c, a);
	ck_assert_int_eq(console_pump(c, 4), 1);
	ck_assert_str_eq(out, "0123");
	ck_assert_int_eq(console_pump(c, 100), 0);
	ck_assert_str_eq(out, "0123456789");
	console_end(c, b);
	console_free(c);
}
END_TEST

/*
 * A run waiting behind a long one prints 10 MiB: it keeps at most the
 * bound, in memory and spill together, and its turn shows its banner, the
 * line that counts the rest, and its newest part from a line start.
 * Two such runs keep their order.
 */
START_TEST(test_backlog_is_bounded)
{
	struct console		*c;
	struct console_entry	*a, *b, *d;
	char			*wb, *wd, *dpos;
	size_t			 off, dat;
	int			 spill = _i;

	/* Memory for both, or for neither: the same bound either way. */
	c = console_new(tmp, spill ? 64 * KIB : 8 * MIB, MIB, collect, NULL);
	a = console_add(c, 1);
	b = console_add(c, 2);
	d = console_add(c, 3);
	put(c, a, "A\n");
	console_banner(c, b, "BANNER b\n", 9);
	console_banner(c, d, "BANNER d\n", 9);
	wb = flood(c, b, 10 * MIB);
	ck_assert_uint_le(console_memory(c) + console_spilled(c),
	    spill ? 64 * KIB + MIB : MIB);
	wd = flood(c, d, 10 * MIB + 17);
	ck_assert_uint_le(console_memory(c), spill ? 64 * KIB : 2 * MIB);
	ck_assert_uint_le(console_spilled(c), spill ? 2 * MIB : 0);
	console_end(c, d);
	console_end(c, b);
	ck_assert_str_eq(out, "A\n");
	console_end(c, a);
	pump_all(c);

	/* b's turn ends where d's banner starts. */
	off = strlen("A\nBANNER b\n");
	ck_assert_int_eq(memcmp(out, "A\nBANNER b\n", off), 0);
	dpos = strstr(out + off, "BANNER d\n");
	ck_assert_ptr_nonnull(dpos);
	dat = (size_t)(dpos - out);
	ck_assert_uint_ge(expect_cut(off, dat, 2, 0, wb, 10 * MIB),
	    MIB - 200);
	ck_assert_uint_le(expect_cut(dat + 9, outlen, 3, 0, wd, 10 * MIB + 17),
	    MIB);
	ck_assert_uint_eq(console_memory(c), 0);
	ck_assert_uint_eq(console_spilled(c), 0);
	ck_assert_ptr_null(console_error(c));
	free(wb);
	free(wd);
	console_free(c);
}
END_TEST

/* The head streams live: its bytes are never cut, however many. */
START_TEST(test_head_is_never_cut)
{
	struct console		*c = console_new(tmp, 64 * KIB, 64 * KIB,
				    collect, NULL);
	struct console_entry	*a = console_add(c, 1);
	char			*want;

	console_banner(c, a, "BANNER a\n", 9);
	want = flood(c, a, 3 * MIB);
	ck_assert_uint_eq(outlen, 9 + 3 * MIB);
	ck_assert_int_eq(memcmp(out + 9, want, 3 * MIB), 0);
	ck_assert_uint_eq(console_memory(c) + console_spilled(c), 0);
	console_end(c, a);
	free(want);
	console_free(c);
}
END_TEST

/* A kept part without a newline starts at a whole character. */
START_TEST(test_cut_without_newline)
{
	struct console		*c = console_new(tmp, MIB, 64 * KIB, collect,
				    NULL);
	struct console_entry	*a = console_add(c, 1), *b = console_add(c, 7);
	size_t			 i, n, nlen, total = 0;

	/*
	 * "x\u00e9" is three bytes: 40000 of them put the newest 64 KiB's
	 * first byte in the middle of a character, which is skipped.
	 */
	for (i = 0; i < 40000; i++) {
		put(c, b, "x\xc3\xa9");
		total += 3;
	}
	ck_assert_int_eq((total - 64 * KIB) % 3, 2);
	console_end(c, a);
	pump_all(c);
	nlen = notice(out, 7, &n);
	ck_assert_uint_gt(nlen, 0);
	ck_assert_uint_eq(n, total - 64 * KIB + 1);
	ck_assert_uint_eq(n + outlen - nlen, total);
	ck_assert_int_eq(out[nlen], 'x');
	ck_assert_str_eq(out + outlen - 3, "x\xc3\xa9");
	console_end(c, b);
	console_free(c);
}
END_TEST

/*
 * A head whose backlog is still going out when more than the bound comes
 * behind it: the line stands on its own line where the gap is.
 */
START_TEST(test_cut_while_draining)
{
	struct console		*c = console_new(tmp, MIB, 64 * KIB, collect,
				    NULL);
	struct console_entry	*a = console_add(c, 1), *b = console_add(c, 2);
	char			*want;
	size_t			 total = 4 * 64 * KIB, i, w;

	want = malloc(total);
	for (i = 0; i < total; i++)
		want[i] = i % 50 == 49 ? '\n' : 'a' + i % 26;
	console_write(c, b, want, 40 * KIB);
	console_end(c, a);
	ck_assert_int_eq(console_pump(c, 1010), 1);
	ck_assert_uint_eq(outlen, 1010);
	for (i = 40 * KIB; i < total; i += w) {
		w = total - i < 4096 ? total - i : 4096;
		console_write(c, b, want + i, w);
	}
	console_end(c, b);
	pump_all(c);
	ck_assert_int_eq(memcmp(out, want, 1010), 0);
	/* 1010 is inside a line: a newline of the console's own first. */
	ck_assert_int_eq(out[1010], '\n');
	expect_cut(1011, outlen, 2, 0, want + 1010, total - 1010);
	free(want);
	console_free(c);
}
END_TEST

/* The spill directory cannot take a file: memory only, and said once. */
START_TEST(test_spill_dir_unusable)
{
	struct console		*c;
	struct console_entry	*a, *b;
	char			*dir, *want;
	size_t			 kept;

	if (asprintf(&dir, "%s/gone", tmp) == -1)
		abort();
	c = console_new(dir, 64 * KIB, MIB, collect, NULL);
	a = console_add(c, 1);
	b = console_add(c, 2);
	console_banner(c, b, "B\n", 2);
	want = flood(c, b, 10 * MIB);
	ck_assert_uint_le(console_memory(c), 64 * KIB);
	ck_assert_uint_eq(console_spilled(c), 0);
	expect_error(c, "create");
	console_end(c, a);
	console_end(c, b);
	pump_all(c);
	ck_assert_int_eq(memcmp(out, "B\n", 2), 0);
	kept = expect_cut(2, outlen, 2, 0, want, 10 * MIB);
	ck_assert_uint_le(kept, 64 * KIB);
	ck_assert_uint_gt(kept, 60 * KIB);
	free(want);
	free(dir);
	console_free(c);
}
END_TEST

/* No fd left for a spill file: the same. */
START_TEST(test_spill_fd_limit)
{
	struct console		*c = console_new(tmp, 64 * KIB, MIB, collect,
				    NULL);
	struct console_entry	*a = console_add(c, 1), *b = console_add(c, 2);
	struct rlimit		 old, lim;
	char			*want;
	int			 fd;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	/* The lowest free fd: all below it are taken. */
	fd = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
	lim = old;
	lim.rlim_cur = (rlim_t)fd;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
	want = flood(c, b, 2 * MIB);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_uint_le(console_memory(c), 64 * KIB);
	ck_assert_uint_eq(console_spilled(c), 0);
	expect_error(c, "create");
	console_end(c, a);
	pump_all(c);
	ck_assert_uint_le(expect_cut(0, outlen, 2, 0, want, 2 * MIB),
	    64 * KIB);
	free(want);
	console_end(c, b);
	console_free(c);
}
END_TEST

/* A file size limit below the bound: the reservation fails, not a write. */
START_TEST(test_spill_cannot_reserve)
{
	struct console		*c = console_new(tmp, 64 * KIB, MIB, collect,
				    NULL);
	struct console_entry	*a = console_add(c, 1), *b = console_add(c, 2);
	struct rlimit		 old, lim;
	void			(*oldsig)(int);
	char			*want;

	oldsig = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 512 * KIB;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	want = flood(c, b, 3 * MIB);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	ck_assert_uint_eq(console_spilled(c), 0);
	ck_assert_int_eq(spill_fd(), -1);
	expect_error(c, "reserve");
	console_end(c, a);
	pump_all(c);
	ck_assert_uint_le(expect_cut(0, outlen, 2, 0, want, 3 * MIB),
	    64 * KIB);
	free(want);
	console_end(c, b);
	console_free(c);
}
END_TEST

/*
 * A spill write fails (ENOSPC from /dev/full): what the file held is not
 * shown, the newest bytes are kept in memory, and it is said once.
 */
START_TEST(test_spill_write_fails)
{
	struct console		*c = console_new(tmp, 64 * KIB, MIB, collect,
				    NULL);
	struct console_entry	*a = console_add(c, 1), *b = console_add(c, 2);
	char			*w1, *w2;
	size_t			 kept;

	console_banner(c, b, "B\n", 2);
	w1 = flood(c, b, 300 * KIB);
	ck_assert_uint_eq(console_spilled(c), MIB);
	ck_assert_ptr_null(console_error(c));
	spill_replace("/dev/full", O_RDWR);
	w2 = flood(c, b, 200 * KIB);
	expect_error(c, "write");
	ck_assert_uint_eq(console_spilled(c), 0);
	ck_assert_uint_le(console_memory(c), 64 * KIB);
	console_end(c, a);
	console_end(c, b);
	pump_all(c);
	ck_assert_int_eq(memcmp(out, "B\n", 2), 0);
	/* Only w2's newest part is left, and the count takes in all of w1. */
	kept = expect_cut(2, outlen, 2, 300 * KIB, w2, 200 * KIB);
	ck_assert_uint_le(kept, 64 * KIB);
	free(w1);
	free(w2);
	console_free(c);
}
END_TEST

/* A spill read fails when the turn comes: the same, and the host goes on. */
START_TEST(test_spill_read_fails)
{
	struct console		*c = console_new(tmp, 64 * KIB, MIB, collect,
				    NULL);
	struct console_entry	*a = console_add(c, 1), *b = console_add(c, 2);
	struct console_entry	*d = console_add(c, 3);
	char			*want;
	size_t			 n, nlen;

	console_banner(c, b, "B\n", 2);
	want = flood(c, b, 300 * KIB);
	spill_replace("/dev/null", O_WRONLY);
	put(c, d, "D\n");
	console_end(c, b);
	console_end(c, d);
	console_end(c, a);
	pump_all(c);
	expect_error(c, "read");
	ck_assert_int_eq(memcmp(out, "B\n", 2), 0);
	nlen = notice(out + 2, 2, &n);
	ck_assert_uint_gt(nlen, 0);
	ck_assert_uint_eq(n, 300 * KIB);
	ck_assert_str_eq(out + 2 + nlen, "D\n");
	ck_assert_uint_eq(console_spilled(c), 0);
	free(want);
	console_free(c);
}
END_TEST

/*
 * Segments go out typed with their run: a banner, output and notes live
 * and from a backlog, notes after the ring's bytes, and the bytes-not-
 * shown line is a note too.
 */
START_TEST(test_typed_segments)
{
	struct console		*c = console_new(tmp, MIB, 64 * KIB, collect,
				    NULL);
	struct console_entry	*a = console_add(c, 1), *b = console_add(c, 2);
	char			*want;

	console_banner(c, a, "A\n", 2);
	put(c, a, "a1\n");
	console_banner(c, b, "B\n", 2);
	put(c, b, "b1\n");
	console_note(c, b, "[b ended]\n", 10);
	console_note(c, b, "\n", 1);
	console_end(c, b);
	console_note(c, a, "[a error]\n", 10);
	ck_assert_str_eq(kinds, "b1 o1 n1 ");
	console_end(c, a);
	pump_all(c);
	ck_assert_str_eq(out, "A\na1\n[a error]\nB\nb1\n[b ended]\n\n");
	ck_assert_str_eq(kinds, "b1 o1 n1 b2 o2 n2 ");

	/* A cut backlog: banner, the notice as a note, the kept output. */
	kinds[0] = '\0';
	last_kind = -1;
	a = console_add(c, 3);
	b = console_add(c, 4);
	console_banner(c, b, "B\n", 2);
	want = flood(c, b, 300 * KIB);
	console_note(c, b, "end\n", 4);
	console_end(c, b);
	console_end(c, a);
	pump_all(c);
	ck_assert_str_eq(kinds, "b4 n4 o4 n4 ");
	free(want);
	console_free(c);
}
END_TEST

static Suite *
console_suite(void)
{
	Suite	*s = suite_create("console");
	TCase	*tc = tcase_create("console");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_head_streams_live);
	tcase_add_test(tc, test_arrival_order);
	tcase_add_test(tc, test_spill_keeps_order_and_bounds_memory);
	tcase_add_test(tc, test_pump_respects_budget);
	tcase_add_loop_test(tc, test_backlog_is_bounded, 0, 2);
	tcase_add_test(tc, test_head_is_never_cut);
	tcase_add_test(tc, test_cut_without_newline);
	tcase_add_test(tc, test_cut_while_draining);
	tcase_add_test(tc, test_spill_dir_unusable);
	tcase_add_test(tc, test_spill_fd_limit);
	tcase_add_test(tc, test_spill_cannot_reserve);
	tcase_add_test(tc, test_spill_write_fails);
	tcase_add_test(tc, test_spill_read_fails);
	tcase_add_test(tc, test_typed_segments);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(console_suite)
