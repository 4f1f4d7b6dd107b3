/*
 * test_control.c: line framing of the control FIFO (src/control.c).
 *
 * Every chunking of the same bytes must give the same lines; model()
 * says what those are, written the plain way: split at newlines, then
 * judge each line whole.
 */
#include "rexec.h"

#include <sys/resource.h>

#include <stdlib.h>

#include "control.h"
#include "unit.h"

struct line {
	char	*text;
	size_t	 len;
	int	 too_long;
};

struct lines {
	struct line	*v;
	size_t		 n;
};

static struct lines	got;

static void
lines_add(struct lines *l, const char *text, size_t len, int too_long)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
	if (l->v == NULL || (l->v[l->n].text = malloc(len + 1)) == NULL)
		ck_abort_msg("out of memory");
	memcpy(l->v[l->n].text, text, len);
	l->v[l->n].text[len] = '\0';
	l->v[l->n].len = len;
	l->v[l->n].too_long = too_long;
	l->n++;
}

static void
lines_clear(struct lines *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
collect(const char *line, size_t len, int too_long, void *arg)
{
	/* Plain checks: Check's assertions cost a write(2) each. */
	if (arg != &got || line[len] != '\0' || len > REXEC_LINE_MAX)
		ck_abort_msg("bad callback arguments");
	lines_add(&got, line, len, too_long);
}

static void
teardown(void)
{
	lines_clear(&got);
}

/* What control.c must deliver for buf, however it is chunked. */
static void
model(const char *buf, size_t len, struct lines *want)
{
	const char	*nl;
	size_t		 n;

	while (len > 0) {
		nl = memchr(buf, '\n', len);
		n = nl != NULL ? (size_t)(nl - buf) : len;
		if (n + 1 > REXEC_LINE_MAX)
			lines_add(want, buf, REXEC_LINE_MAX, 1);
		else if (nl != NULL) {
			if (n > 0 && buf[n - 1] == '\r')
				n--;
			if (n > 0)
				lines_add(want, buf, n, 0);
		}
		if (nl == NULL)
			break;
		buf += n + 1;
		len -= n + 1;
	}
}

/* Feed buf in chunks of the sizes given (cycled), then compare. */
static void
feed_chunks(const char *buf, size_t len, const size_t *sizes, size_t nsizes,
    const struct lines *want)
{
	struct control	*c;
	size_t		 off = 0, i = 0, n, k;

	lines_clear(&got);
	c = control_new(collect, &got);
	while (off < len) {
		n = sizes[i++ % nsizes];
		if (n > len - off)
			n = len - off;
		control_feed(c, buf + off, n);
		off += n;
	}
	control_free(c);
	ck_assert_uint_eq(got.n, want->n);
	for (k = 0; k < want->n; k++) {
		if (got.v[k].too_long != want->v[k].too_long ||
		    got.v[k].len != want->v[k].len ||
		    memcmp(got.v[k].text, want->v[k].text, want->v[k].len) != 0)
			ck_abort_msg("line %zu differs (first chunk %zu)", k,
			    sizes[0]);
	}
}

static void
feed_all(const char *buf, size_t len, const struct lines *want)
{
	size_t	size = len > 0 ? len : 1;

	feed_chunks(buf, len, &size, 1, want);
}

/* n copies of byte ch, then tail. */
static char *
line_of(size_t n, int ch, const char *tail, size_t *len)
{
	size_t	 tlen = strlen(tail);
	char	*s = malloc(n + tlen + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, ch, n);
	memcpy(s + n, tail, tlen + 1);
	*len = n + tlen;
	return (s);
}

START_TEST(test_one_line)
{
	struct control	*c = control_new(collect, &got);

	control_feed(c, "{\"action\":\"ping\",\"id\":\"a\"}\n", 27);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_str_eq(got.v[0].text, "{\"action\":\"ping\",\"id\":\"a\"}");
	ck_assert_uint_eq(got.v[0].len, 26);
	ck_assert_int_eq(got.v[0].too_long, 0);
	control_free(c);
}
END_TEST

START_TEST(test_several_lines_one_chunk)
{
	struct control	*c = control_new(collect, &got);

	control_feed(c, "a\nbb\nccc\nunfinished", 19);
	ck_assert_uint_eq(got.n, 3);
	ck_assert_str_eq(got.v[0].text, "a");
	ck_assert_str_eq(got.v[1].text, "bb");
	ck_assert_str_eq(got.v[2].text, "ccc");
	control_feed(c, " now\n", 5);
	ck_assert_uint_eq(got.n, 4);
	ck_assert_str_eq(got.v[3].text, "unfinished now");
	control_feed(c, "", 0);
	ck_assert_uint_eq(got.n, 4);
	control_free(c);
}
END_TEST

START_TEST(test_byte_by_byte)
{
	static const char	in[] = "first\nsecond line\r\n\n{\"x\":1}\n";
	struct control		*c = control_new(collect, &got);
	size_t			 i;

	for (i = 0; i < sizeof in - 1; i++)
		control_feed(c, in + i, 1);
	ck_assert_uint_eq(got.n, 3);
	ck_assert_str_eq(got.v[0].text, "first");
	ck_assert_str_eq(got.v[1].text, "second line");
	ck_assert_str_eq(got.v[2].text, "{\"x\":1}");
	control_free(c);
}
END_TEST

/* Two chunks, split at every possible place, around the size limit too. */
START_TEST(test_every_split)
{
	struct lines	 want = { NULL, 0 };
	char		*in, *p;
	size_t		 len, i, sizes[2];

	/* ok, a line of exactly 4096 bytes, one of 4097, ok, CRLF, empty. */
	len = 3 + REXEC_LINE_MAX + REXEC_LINE_MAX + 1 + 3 + 5 + 1;
	in = p = malloc(len);
	ck_assert_ptr_nonnull(in);
	memcpy(p, "ok\n", 3);
	p += 3;
	memset(p, 'a', REXEC_LINE_MAX - 1);
	p[REXEC_LINE_MAX - 1] = '\n';
	p += REXEC_LINE_MAX;
	memset(p, 'b', REXEC_LINE_MAX);
	p[REXEC_LINE_MAX] = '\n';
	p += REXEC_LINE_MAX + 1;
	memcpy(p, "ok\ncr\r\n\n", 3 + 5 + 1);
	model(in, len, &want);
	ck_assert_uint_eq(want.n, 5);
	ck_assert_int_eq(want.v[2].too_long, 1);

	for (i = 0; i <= len; i++) {
		sizes[0] = i > 0 ? i : len;
		sizes[1] = len;
		feed_chunks(in, len, sizes, 2, &want);
	}
	lines_clear(&want);
	free(in);
}
END_TEST

/* Random lines (short, at the limit, far over it) in random chunks. */
START_TEST(test_random_chunks)
{
	static const size_t	 lens[] = {
		0, 1, 2, 50, REXEC_LINE_MAX - 2, REXEC_LINE_MAX - 1,
		REXEC_LINE_MAX, REXEC_LINE_MAX + 1, 3 * REXEC_LINE_MAX + 7
	};
	struct lines		 want = { NULL, 0 };
	char			*in;
	size_t			 len, cap = 1 << 20, n, k, sizes[64], one = 1;
	int			 round, j;

	srand(4096);
	in = malloc(cap);
	ck_assert_ptr_nonnull(in);
	for (round = 0; round < 40; round++) {
		len = 0;
		for (j = 0; j < 40; j++) {
			n = lens[(size_t)rand() % nitems(lens)];
			for (k = 0; k < n; k++)
				in[len + k] = "abc\r\0{}\"x\xc3"[rand() % 10];
			len += n;
			if (rand() % 4 == 0)
				in[len++] = '\r';
			in[len++] = '\n';
		}
		/* Sometimes leave the last line unfinished. */
		if (round % 3 == 0)
			len -= 1;
		ck_assert_uint_lt(len, cap);
		for (k = 0; k < nitems(sizes); k++)
			sizes[k] = 1 + (size_t)rand() % (rand() % 2 ? 16 : 9000);
		lines_clear(&want);
		model(in, len, &want);
		feed_chunks(in, len, sizes, nitems(sizes), &want);
		feed_all(in, len, &want);
		if (round < 4)
			feed_chunks(in, len, &one, 1, &want);
	}
	lines_clear(&want);
	free(in);
}
END_TEST

START_TEST(test_limit_accepted)
{
	struct control	*c = control_new(collect, &got);
	char		*in;
	size_t		 len;

	/* 4095 bytes and the newline: 4096 in all, the most a line may be. */
	in = line_of(REXEC_LINE_MAX - 1, 'x', "\n", &len);
	ck_assert_uint_eq(len, REXEC_LINE_MAX);
	control_feed(c, in, len);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_int_eq(got.v[0].too_long, 0);
	ck_assert_uint_eq(got.v[0].len, REXEC_LINE_MAX - 1);
	free(in);

	/* With CRLF the carriage return counts too. */
	in = line_of(REXEC_LINE_MAX - 2, 'y', "\r\n", &len);
	control_feed(c, in, len);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_int_eq(got.v[1].too_long, 0);
	ck_assert_uint_eq(got.v[1].len, REXEC_LINE_MAX - 2);
	free(in);
	control_free(c);
}
END_TEST

START_TEST(test_limit_rejected)
{
	struct control	*c = control_new(collect, &got);
	char		*in;
	size_t		 len;

	/* 4096 bytes and the newline: one too many. */
	in = line_of(REXEC_LINE_MAX, 'x', "\nnext\n", &len);
	control_feed(c, in, len);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_int_eq(got.v[0].too_long, 1);
	ck_assert_uint_eq(got.v[0].len, REXEC_LINE_MAX);
	ck_assert_mem_eq(got.v[0].text, in, REXEC_LINE_MAX);
	ck_assert_int_eq(got.v[1].too_long, 0);
	ck_assert_str_eq(got.v[1].text, "next");
	free(in);

	/* CRLF of 4097 bytes: rejected too, and the \r kept in the prefix. */
	in = line_of(REXEC_LINE_MAX - 1, 'z', "\r\nafter\n", &len);
	control_feed(c, in, len);
	ck_assert_uint_eq(got.n, 4);
	ck_assert_int_eq(got.v[2].too_long, 1);
	ck_assert_int_eq(got.v[2].text[REXEC_LINE_MAX - 1], '\r');
	ck_assert_str_eq(got.v[3].text, "after");
	free(in);
	control_free(c);
}
END_TEST

/* The limit reached exactly at a chunk's end, the newline in the next. */
START_TEST(test_limit_at_chunk_end)
{
	struct control	*c = control_new(collect, &got);
	char		*in;
	size_t		 len;

	in = line_of(REXEC_LINE_MAX - 1, 'x', "", &len);
	control_feed(c, in, len);
	ck_assert_uint_eq(got.n, 0);
	control_feed(c, "\n", 1);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_int_eq(got.v[0].too_long, 0);

	control_feed(c, in, len);
	control_feed(c, "x", 1);
	/* Now certain to be too long, before its newline arrives. */
	ck_assert_uint_eq(got.n, 2);
	ck_assert_int_eq(got.v[1].too_long, 1);
	control_feed(c, "\nok\n", 4);
	ck_assert_uint_eq(got.n, 3);
	ck_assert_str_eq(got.v[2].text, "ok");
	free(in);
	control_free(c);
}
END_TEST

START_TEST(test_too_long_over_many_chunks)
{
	struct control	*c = control_new(collect, &got);
	char		 chunk[1000];
	int		 i;

	memset(chunk, 'q', sizeof chunk);
	memcpy(chunk, "{\"id\":\"big\"", 11);
	control_feed(c, "before\n", 7);
	for (i = 0; i < 1000; i++) {
		control_feed(c, chunk, sizeof chunk);
		chunk[0] = 'q';
	}
	control_feed(c, "tail\n{\"after\":1}\n", 17);
	ck_assert_uint_eq(got.n, 3);
	ck_assert_str_eq(got.v[0].text, "before");
	ck_assert_int_eq(got.v[1].too_long, 1);
	ck_assert_uint_eq(got.v[1].len, REXEC_LINE_MAX);
	ck_assert_int_eq(strncmp(got.v[1].text, "{\"id\":\"big\"q", 12), 0);
	ck_assert_int_eq(got.v[2].too_long, 0);
	ck_assert_str_eq(got.v[2].text, "{\"after\":1}");
	control_free(c);
}
END_TEST

START_TEST(test_crlf)
{
	struct control	*c = control_new(collect, &got);

	control_feed(c, "a\r\nb\r", 5);
	control_feed(c, "\n", 1);
	control_feed(c, "c\r\r\nd\re\n", 8);
	ck_assert_uint_eq(got.n, 4);
	ck_assert_str_eq(got.v[0].text, "a");
	ck_assert_str_eq(got.v[1].text, "b");
	/* Only one trailing carriage return goes. */
	ck_assert_str_eq(got.v[2].text, "c\r");
	ck_assert_str_eq(got.v[3].text, "d\re");
	control_free(c);
}
END_TEST

START_TEST(test_empty_lines)
{
	struct control	*c = control_new(collect, &got);

	control_feed(c, "\n\n\r\n\n", 5);
	ck_assert_uint_eq(got.n, 0);
	control_feed(c, "x\n\n\ny\n", 6);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_str_eq(got.v[0].text, "x");
	ck_assert_str_eq(got.v[1].text, "y");
	/* A line of one space is not empty: request.c will say why. */
	control_feed(c, " \n", 2);
	ck_assert_uint_eq(got.n, 3);
	ck_assert_str_eq(got.v[2].text, " ");
	control_free(c);
}
END_TEST

START_TEST(test_nul_bytes)
{
	struct control	*c = control_new(collect, &got);

	control_feed(c, "a\0b\n\0\n", 6);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_uint_eq(got.v[0].len, 3);
	ck_assert_mem_eq(got.v[0].text, "a\0b", 3);
	ck_assert_uint_eq(got.v[1].len, 1);
	control_free(c);
}
END_TEST

/* 256 MiB without a newline must not grow the process. */
START_TEST(test_memory_bounded)
{
	struct control	*c = control_new(collect, &got);
	struct rusage	 before, after;
	char		*chunk;
	size_t		 size = 1 << 16, i;

	chunk = malloc(size);
	ck_assert_ptr_nonnull(chunk);
	memset(chunk, 'm', size);
	ck_assert_int_eq(getrusage(RUSAGE_SELF, &before), 0);
	for (i = 0; i < 4096; i++)
		control_feed(c, chunk, size);
	ck_assert_int_eq(getrusage(RUSAGE_SELF, &after), 0);
	ck_assert_uint_eq(got.n, 1);
	ck_assert_int_eq(got.v[0].too_long, 1);
	/* ru_maxrss is in KiB. */
	ck_assert_int_lt(after.ru_maxrss - before.ru_maxrss, 16 * 1024);
	control_feed(c, "\nok\n", 4);
	ck_assert_uint_eq(got.n, 2);
	ck_assert_str_eq(got.v[1].text, "ok");
	free(chunk);
	control_free(c);
}
END_TEST

START_TEST(test_free_mid_line)
{
	struct control	*c = control_new(collect, &got);

	control_feed(c, "partial", 7);
	control_free(c);
	ck_assert_uint_eq(got.n, 0);
	control_free(NULL);
}
END_TEST

static Suite *
control_suite(void)
{
	Suite	*s = suite_create("control");
	TCase	*tc = tcase_create("control");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_one_line);
	tcase_add_test(tc, test_several_lines_one_chunk);
	tcase_add_test(tc, test_byte_by_byte);
	tcase_add_test(tc, test_every_split);
	tcase_add_test(tc, test_random_chunks);
	tcase_add_test(tc, test_limit_accepted);
	tcase_add_test(tc, test_limit_rejected);
	tcase_add_test(tc, test_limit_at_chunk_end);
	tcase_add_test(tc, test_too_long_over_many_chunks);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_empty_lines);
	tcase_add_test(tc, test_nul_bytes);
	tcase_add_test(tc, test_memory_bounded);
	tcase_add_test(tc, test_free_mid_line);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(control_suite)
