/*
 * test_cast.c: the asciicast v2 reader (src/cast.c).
 */
#include "rexec.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cast.h"
#include "record.h"
#include "unit.h"

static char	*tmp;
static char	*path;

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

static struct cast *
open_ok(const char *text)
{
	struct cast	*c;
	char		*cause = NULL;

	unit_write(path, text);
	c = cast_open(path, &cause);
	ck_assert_msg(c != NULL, "cast_open: %s", cause);
	ck_assert_ptr_null(cause);
	return (c);
}

/* cast_open fails with exactly "<path>: <why>". */
static void
open_fails(const char *p, const char *why)
{
	char	*cause = NULL, *want;

	ck_assert_ptr_null(cast_open(p, &cause));
	ck_assert_ptr_nonnull(cause);
	if (asprintf(&want, "%s: %s", p, why) == -1)
		abort();
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
}

/* The next event is an "o" at time t with data s (len bytes). */
static void
next_is(struct cast *c, double t, const char *s, size_t len)
{
	const char	*data;
	size_t		 dlen;
	double		 et;

	ck_assert_int_eq(cast_next(c, &et, &data, &dlen), 1);
	ck_assert_double_eq(et, t);
	ck_assert_uint_eq(dlen, len);
	ck_assert_mem_eq(data, s, len);
}

static void
next_end(struct cast *c)
{
	const char	*data;
	size_t		 len;
	double		 t;

	ck_assert_int_eq(cast_next(c, &t, &data, &len), 0);
	ck_assert_int_eq(cast_next(c, &t, &data, &len), 0);	/* stays */
	ck_assert_int_eq(cast_errno(c), 0);
}

START_TEST(test_good_file)
{
	struct cast			*c;
	const struct cast_header	*h;
	size_t				 first = 99;

	c = open_ok("{\"version\":2,\"width\":132,\"height\":50,"
	    "\"timestamp\":1795804988,\"idle_time_limit\":2.5,"
	    "\"command\":\"make\",\"env\":{\"TERM\":\"xterm\"}}\n"
	    "[0.0, \"o\", \"\\u001b[1mhi\"]\n"
	    "[0.5, \"i\", \"typed\"]\n"
	    "\n"
	    "[1.0, \"m\", \"marker\"]\n"
	    "[1.25, \"o\", \"caf\\u00e9\\r\\n\"]\n"
	    "[2, \"r\", \"100x40\"]\n"
	    "[3, \"o\", \"\"]\n");
	h = cast_header(c);
	ck_assert_uint_eq(h->width, 132);
	ck_assert_uint_eq(h->height, 50);
	ck_assert_double_eq(h->idle_time_limit, 2.5);
	ck_assert_int_eq(h->timestamp, 1795804988LL);
	next_is(c, 0.0, "\033[1mhi", 6);
	next_is(c, 1.25, "caf\xc3\xa9\r\n", 7);
	next_is(c, 3, "", 0);
	next_end(c);
	ck_assert_uint_eq(cast_skipped(c, &first), 0);
	ck_assert_uint_eq(first, 0);
	cast_close(c);
}
END_TEST

START_TEST(test_header_defaults)
{
	static const char		*bad[] = {
		"{\"version\":2}\n",
		"{\"version\":2,\"width\":0,\"height\":10001}\n",
		"{\"version\":2,\"width\":\"80\",\"height\":-24}\n",
		"{\"version\":2,\"width\":132.0,\"height\":null,"
		    "\"idle_time_limit\":-1,\"timestamp\":1.5}\n",
		"{\"version\":2,\"idle_time_limit\":\"2\","
		    "\"timestamp\":\"1795804988\"}\n",
	};
	struct cast			*c;
	const struct cast_header	*h;
	size_t				 i;

	for (i = 0; i < nitems(bad); i++) {
		c = open_ok(bad[i]);
		h = cast_header(c);
		ck_assert_uint_eq(h->width, 80);
		ck_assert_uint_eq(h->height, 24);
		ck_assert_double_eq(h->idle_time_limit, 0);
		ck_assert_int_eq(h->timestamp, 0);
		next_end(c);
		cast_close(c);
	}

	/* Each dimension falls back on its own; the limits are in range. */
	c = open_ok("{\"version\":2,\"width\":10000,\"height\":0}\n");
	ck_assert_uint_eq(cast_header(c)->width, 10000);
	ck_assert_uint_eq(cast_header(c)->height, 24);
	cast_close(c);
	c = open_ok("{\"version\":2,\"width\":1,\"height\":1}\n");
	ck_assert_uint_eq(cast_header(c)->width, 1);
	ck_assert_uint_eq(cast_header(c)->height, 1);
	cast_close(c);
}
END_TEST

START_TEST(test_header_errors)
{
	static const char	*bad[] = {
		"not json\n",
		"{\"version\":1,\"width\":80,\"height\":24}\n",
		"{\"version\":\"2\"}\n",
		"{\"width\":80,\"height\":24}\n",
		"[2]\n",
		"{\"version\":2\n",
		"\n{\"version\":2}\n",
		"[0.5, \"o\", \"no header\"]\n",
	};
	char			*missing, *cause = NULL;
	size_t			 i;

	unit_write(path, "");
	open_fails(path, "empty file");
	for (i = 0; i < nitems(bad); i++) {
		unit_write(path, bad[i]);
		open_fails(path, "not an asciicast v2 recording");
	}

	if (asprintf(&missing, "%s/missing.cast", tmp) == -1)
		abort();
	open_fails(missing, "No such file or directory");
	free(missing);

	/* A read error while reading the header. */
	open_fails(tmp, strerror(EISDIR));

	/* cause is left alone on success. */
	unit_write(path, "{\"version\":2}");
	cast_close(cast_open(path, &cause));
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_malformed_counted)
{
	struct cast	*c;
	size_t		 first = 0;

	c = open_ok("{\"version\":2,\"width\":80,\"height\":24}\n"	/* 1 */
	    "[0.1, \"o\", \"a\"]\n"				/* 2 */
	    "\n"						/* 3 */
	    "not json\n"					/* 4 */
	    "[0.2, \"o\"]\n"					/* 5 */
	    "[-1, \"o\", \"negative\"]\n"			/* 6 */
	    "[1e999, \"o\", \"infinite\"]\n"			/* 7 */
	    "[\"0.3\", \"o\", \"string time\"]\n"		/* 8 */
	    "[0.3, 111, \"numeric type\"]\n"			/* 9 */
	    "[0.3, \"o\", 5]\n"					/* 10 */
	    "[0.3, \"i\", null]\n"				/* 11 */
	    "{\"t\":0.3}\n"					/* 12 */
	    "[0.3, \"o\", \"x\", \"extra\"]\n"			/* 13 */
	    "[0.4, \"o\", \"b\"] trailing\n"			/* 14 */
	    "[0.5, \"o\", \"c\"]\n");				/* 15 */
	next_is(c, 0.1, "a", 1);
	ck_assert_uint_eq(cast_skipped(c, NULL), 0);
	next_is(c, 0.5, "c", 1);
	next_end(c);
	ck_assert_uint_eq(cast_skipped(c, &first), 11);
	ck_assert_uint_eq(first, 4);
	cast_close(c);
}
END_TEST

START_TEST(test_nul_in_data)
{
	struct cast	*c;

	c = open_ok("{\"version\":2}\n"
	    "[0.5, \"o\", \"a\\u0000b\\u0000\"]\n");
	next_is(c, 0.5, "a\0b", 4);
	next_end(c);
	cast_close(c);
}
END_TEST

/* Times come back as written, going back included; the caller clamps. */
START_TEST(test_times_as_written)
{
	struct cast	*c;

	c = open_ok("{\"version\":2}\n"
	    "[2.5, \"o\", \"a\"]\n"
	    "[1.0, \"o\", \"b\"]\n"
	    "[0, \"o\", \"c\"]\n");
	next_is(c, 2.5, "a", 1);
	next_is(c, 1.0, "b", 1);
	next_is(c, 0, "c", 1);
	next_end(c);
	ck_assert_uint_eq(cast_skipped(c, NULL), 0);
	cast_close(c);
}
END_TEST

START_TEST(test_no_final_newline)
{
	struct cast	*c;

	c = open_ok("{\"version\":2}\n"
	    "[0.5, \"o\", \"a\"]\n"
	    "[1, \"o\", \"end\"]");
	next_is(c, 0.5, "a", 1);
	next_is(c, 1, "end", 3);
	next_end(c);
	cast_close(c);

	/* A header alone, no newline: a recording with no events. */
	c = open_ok("{\"version\":2}");
	next_end(c);
	cast_close(c);

	/* A half-written last line is malformed, not an error. */
	c = open_ok("{\"version\":2}\n[1, \"o\", \"cut");
	next_end(c);
	ck_assert_uint_eq(cast_skipped(c, NULL), 1);
	cast_close(c);
}
END_TEST

/* CRLF line ends are accepted: the '\r' is dropped with the '\n'. */
START_TEST(test_crlf)
{
	struct cast	*c;

	c = open_ok("{\"version\":2,\"width\":100,\"height\":30}\r\n"
	    "[0.5, \"o\", \"a\\r\\n\"]\r\n"
	    "\r\n"
	    "[1, \"o\", \"b\"]\r\n");
	ck_assert_uint_eq(cast_header(c)->width, 100);
	next_is(c, 0.5, "a\r\n", 3);
	next_is(c, 1, "b", 1);
	next_end(c);
	ck_assert_uint_eq(cast_skipped(c, NULL), 0);
	cast_close(c);

	/* Other '\r's are JSON whitespace; the last line needs no '\n'. */
	c = open_ok("{\"version\":2}\r\n"
	    "[0.5, \"o\", \"a\"]\r\r\n"
	    "[1, \"o\",\r \"b\"]\r\n"
	    "[2, \"o\", \"c\"]\r");
	next_is(c, 0.5, "a", 1);
	next_is(c, 1, "b", 1);
	next_is(c, 2, "c", 1);
	next_end(c);
	cast_close(c);
}
END_TEST

/* A line over 64 MiB is skipped and counted; the next one still reads. */
START_TEST(test_long_line_skipped)
{
	static char	 kib[1024];
	struct cast	*c;
	FILE		*f;
	char		*cause = NULL;
	size_t		 i, first;

	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"version\":2}\n[1, \"o\", \"", f);
	memset(kib, 'x', sizeof kib);
	for (i = 0; i < 64 * 1024 + 1; i++)
		ck_assert_uint_eq(fwrite(kib, 1, sizeof kib, f), sizeof kib);
	fputs("\"]\n[2, \"o\", \"after\"]\n", f);
	ck_assert_int_eq(fclose(f), 0);

	c = cast_open(path, &cause);
	ck_assert_ptr_nonnull(c);
	next_is(c, 2, "after", 5);
	next_end(c);
	ck_assert_uint_eq(cast_skipped(c, &first), 1);
	ck_assert_uint_eq(first, 2);
	cast_close(c);
}
END_TEST

/* What record.c writes reads back to the same bytes and header. */
START_TEST(test_record_round_trip)
{
	struct record_header	 rh = { 132, 50, 1795804988, "cat", "u: cat" };
	struct record		*rec;
	struct cast		*c;
	char			*in, *out = NULL, *cause = NULL;
	const char		*data;
	size_t			 inlen, outlen = 0, off, n, len;
	double			 t, last = 0, when = 0;
	int			 i, r;

	/* Every ASCII byte, NUL and ESC included, and some UTF-8. */
	inlen = 0;
	in = malloc(8 * (128 + 9));
	ck_assert_ptr_nonnull(in);
	for (i = 0; i < 8; i++) {
		for (r = 0; r < 128; r++)
			in[inlen++] = (char)r;
		memcpy(in + inlen, "caf\xc3\xa9 \xe2\x96\x88", 9);
		inlen += 9;
	}

	rec = record_open(path, &rh, 0, &cause);
	ck_assert_ptr_nonnull(rec);
	for (off = 0, i = 0; off < inlen; off += n, i++) {
		n = 5 + i % 17;
		if (n > inlen - off)
			n = inlen - off;
		record_output(rec, when, in + off, n);
		when += i % 3 == 0 ? 0.5 : 0.001;
	}
	ck_assert_int_eq(record_close(rec, &cause), 0);

	c = cast_open(path, &cause);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(cast_header(c)->width, 132);
	ck_assert_uint_eq(cast_header(c)->height, 50);
	ck_assert_int_eq(cast_header(c)->timestamp, 1795804988LL);
	ck_assert_double_eq(cast_header(c)->idle_time_limit, 0);
	while ((r = cast_next(c, &t, &data, &len)) == 1) {
		ck_assert(t >= last);
		last = t;
		out = realloc(out, outlen + len);
		ck_assert_ptr_nonnull(out);
		memcpy(out + outlen, data, len);
		outlen += len;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(cast_skipped(c, NULL), 0);
	ck_assert_uint_eq(outlen, inlen);
	ck_assert_mem_eq(out, in, inlen);
	ck_assert(last > 1);
	cast_close(c);
	free(out);
	free(in);
}
END_TEST

START_TEST(test_close_null)
{
	cast_close(NULL);
}
END_TEST

static Suite *
cast_suite(void)
{
	Suite	*s = suite_create("cast");
	TCase	*tc = tcase_create("cast");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_good_file);
	tcase_add_test(tc, test_header_defaults);
	tcase_add_test(tc, test_header_errors);
	tcase_add_test(tc, test_malformed_counted);
	tcase_add_test(tc, test_nul_in_data);
	tcase_add_test(tc, test_times_as_written);
	tcase_add_test(tc, test_no_final_newline);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_long_line_skipped);
	tcase_add_test(tc, test_record_round_trip);
	tcase_add_test(tc, test_close_null);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(cast_suite)
