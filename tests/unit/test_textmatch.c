/*
 * test_textmatch.c: matching lines with a POSIX ERE (src/textmatch.c).
 *
 * Each case walks a text from offset 0 the way rexec grep does (the next
 * search starts at the line after a hit) and checks every hit's line and
 * match bounds against the text itself.
 */
#include "rexec.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textmatch.h"
#include "xmalloc.h"
#include "unit.h"

/* The hits of pattern in text[0, len) from offset from, as
 * "line|match;" with the line's and the match's bytes. */
static char *
hits(const char *pattern, int icase, const char *text, size_t len,
    size_t from, int *count)
{
	struct textmatch	*tm;
	struct textmatch_hit	 h;
	char			*cause = NULL, *out = xstrdup(""), *next;
	int			 n = 0;

	tm = textmatch_new(pattern, icase, &cause);
	ck_assert_ptr_nonnull(tm);
	ck_assert_ptr_null(cause);
	while (textmatch_next(tm, text, len, from, &h)) {
		ck_assert_uint_le(h.line_start, h.match_start);
		ck_assert_uint_le(h.match_start, h.match_end);
		ck_assert_uint_le(h.match_end, h.line_end);
		ck_assert_uint_le(h.line_end, len);
		ck_assert(memchr(text + h.line_start, '\n',
		    h.line_end - h.line_start) == NULL);
		ck_assert(h.line_start == 0 || text[h.line_start - 1] == '\n');
		ck_assert(h.line_end == len || text[h.line_end] == '\n');
		xasprintf(&next, "%s%.*s|%.*s;", out,
		    (int)(h.line_end - h.line_start), text + h.line_start,
		    (int)(h.match_end - h.match_start), text + h.match_start);
		free(out);
		out = next;
		ck_assert_int_lt(++n, 100);
		from = h.line_end + 1;
	}
	textmatch_free(tm);
	if (count != NULL)
		*count = n;
	return (out);
}

static void
check(const char *pattern, int icase, const char *text, size_t from,
    const char *want)
{
	char	*got = hits(pattern, icase, text, strlen(text), from, NULL);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_anchors_per_line)
{
	const char	*t = "cc -c a.c\nerror: x\nmake: error 1\nerror\n";

	check("^error", 0, t, 0, "error: x|error;error|error;");
	check("error$", 0, t, 0, "error|error;");
	check("1$", 0, t, 0, "make: error 1|1;");
	check("^$", 0, "a\n\nb\n", 0, "|;");
	/* "." does not cross a newline; one hit per line. */
	check("a.c", 0, "a\nc abc\n", 0, "c abc|abc;");
	check("o", 0, "foo boo\nzoo\n", 0, "foo boo|o;zoo|o;");
	check("[0-9]+ passed", 0, "12 passed, 3 failed\n1 passed\nnone\n", 0,
	    "12 passed, 3 failed|12 passed;1 passed|1 passed;");
}
END_TEST

START_TEST(test_icase)
{
	const char	*t = "Segmentation Fault\nsegmentation fault\nSEG\n";

	check("segmentation fault", 0, t, 0,
	    "segmentation fault|segmentation fault;");
	check("segmentation fault", 1, t, 0,
	    "Segmentation Fault|Segmentation Fault;"
	    "segmentation fault|segmentation fault;");
	check("^seg$", 1, t, 0, "SEG|SEG;");
}
END_TEST

START_TEST(test_nul_in_text)
{
	static const char	 t[] = "a\0b needle\nno\nx\0needle";
	size_t			 len = sizeof t - 1;
	struct textmatch	*tm;
	struct textmatch_hit	 h;
	char			*cause = NULL;

	tm = textmatch_new("needle", 0, &cause);
	ck_assert_ptr_nonnull(tm);
	ck_assert_int_eq(textmatch_next(tm, t, len, 0, &h), 1);
	ck_assert_uint_eq(h.line_start, 0);
	ck_assert_uint_eq(h.line_end, 10);
	ck_assert_uint_eq(h.match_start, 4);
	ck_assert_uint_eq(h.match_end, 10);
	ck_assert_int_eq(textmatch_next(tm, t, len, h.line_end + 1, &h), 1);
	ck_assert_uint_eq(h.line_start, 14);
	ck_assert_uint_eq(h.line_end, len);
	ck_assert_uint_eq(h.match_start, 16);
	ck_assert_int_eq(textmatch_next(tm, t, len, h.line_end + 1, &h), 0);
	/* The text's length counts, not a NUL, nor the byte after it. */
	ck_assert_int_eq(textmatch_next(tm, t, 12, 0, &h), 1);
	ck_assert_int_eq(textmatch_next(tm, t, 9, 0, &h), 0);
	textmatch_free(tm);
}
END_TEST

START_TEST(test_empty_match)
{
	int	 n;
	char	*got;

	/* Every line, once; the end after the last newline is no line. */
	got = hits("^", 0, "a\nb\n\nc\n", 7, 0, &n);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(got, "a|;b|;|;c|;");
	free(got);
	got = hits("x*", 0, "ab\nxx\n", 6, 0, &n);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(got, "ab|;xx|xx;");
	free(got);
	got = hits("$", 0, "", 0, 0, &n);
	ck_assert_int_eq(n, 0);
	free(got);
	got = hits("^", 0, "\n", 1, 0, &n);
	ck_assert_int_eq(n, 1);
	free(got);
}
END_TEST

START_TEST(test_last_line_without_newline)
{
	check("end", 0, "one\nthe end", 0, "the end|end;");
	check("$", 0, "one\ntwo", 0, "one|;two|;");
	check("^two$", 0, "one\ntwo", 0, "two|two;");
}
END_TEST

START_TEST(test_bad_pattern)
{
	struct textmatch	*tm;
	char			*cause = NULL;

	tm = textmatch_new("a(b", 0, &cause);
	ck_assert_ptr_null(tm);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, "Unmatched ( or \\(");
	free(cause);
	cause = NULL;
	tm = textmatch_new("[z-a]", 1, &cause);
	ck_assert_ptr_null(tm);
	ck_assert_str_eq(cause, "Invalid range end");
	free(cause);
	textmatch_free(NULL);
}
END_TEST

/* n copies of s, then mid, then n copies of e. */
static char *
nest(const char *s, size_t n, const char *mid, const char *e)
{
	char	*out, *p;
	size_t	 i, ls = strlen(s), le = strlen(e);

	out = p = xmalloc(n * (ls + le) + strlen(mid) + 1);
	for (i = 0; i < n; i++, p += ls)
		memcpy(p, s, ls);
	strcpy(p, mid);
	p += strlen(mid);
	for (i = 0; i < n; i++, p += le)
		memcpy(p, e, le);
	*p = '\0';
	return (out);
}

/* pattern is refused before regcomp sees it, with want. */
static void
refused(const char *pattern, const char *want)
{
	char	*cause = NULL;

	ck_assert_ptr_null(textmatch_new(pattern, 0, &cause));
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, want);
	free(cause);
}

/* pattern compiles (it may still find nothing). */
static void
taken(const char *pattern)
{
	struct textmatch	*tm;
	char			*cause = NULL;

	tm = textmatch_new(pattern, 0, &cause);
	ck_assert_msg(tm != NULL, "%.60s: %s", pattern, cause);
	textmatch_free(tm);
}

/*
 * What glibc's regcomp cannot take safely: 30,000 nested groups overflow
 * its stack (SIGSEGV), nested repetitions take minutes and gigabytes.
 */
START_TEST(test_unsafe_patterns)
{
	char	*p, want[128];

	p = nest("(", 30000, "a", ")");
	refused(p, "pattern longer than 4096 bytes (60001)");
	free(p);
	p = nest("(", TEXTMATCH_DEPTH_MAX + 1, "a", ")");
	snprintf(want, sizeof want, "pattern nests too deeply (%d levels, at "
	    "most %d)", TEXTMATCH_DEPTH_MAX + 1, TEXTMATCH_DEPTH_MAX);
	refused(p, want);
	free(p);
	/* Unclosed, and beside other groups: the deepest point counts. */
	p = nest("(", TEXTMATCH_DEPTH_MAX + 5, "", "");
	snprintf(want, sizeof want, "pattern nests too deeply (%d levels, at "
	    "most %d)", TEXTMATCH_DEPTH_MAX + 5, TEXTMATCH_DEPTH_MAX);
	refused(p, want);
	free(p);
	p = nest("(", TEXTMATCH_DEPTH_MAX, "a", ")");
	taken(p);
	free(p);
	p = nest("(a|", TEXTMATCH_DEPTH_MAX, "b", ")*");
	taken(p);
	free(p);
	p = nest("a", TEXTMATCH_PATTERN_MAX, "", "");
	taken(p);
	free(p);
	p = nest("a", TEXTMATCH_PATTERN_MAX + 1, "", "");
	refused(p, "pattern longer than 4096 bytes (4097)");
	free(p);

	/* Repetitions are written out: sizes multiply. */
#define TOO_LARGE "pattern too large with its repetitions written out " \
	"(more than 100000 characters)"
	refused("((a{255}){255}){255}", TOO_LARGE);
	refused("(a{,400}){,400}", TOO_LARGE);
	refused("(a{400,}){400}", TOO_LARGE);
	refused("(ab{2}c){50000}", TOO_LARGE);
	refused("a{32767}b{32767}c{32767}d{32767}", TOO_LARGE);
	refused("a++++++++++++++++++++", TOO_LARGE);	/* each + doubles */
	refused("(x|(a{99999999999999999999}))", TOO_LARGE);
	taken("(a{300}){300}");
	taken("a{32767}");
	taken("a+++++++++++++");
	taken("(a|b){100}x*y?");

	/* Brackets and escapes hold no groups and no repetitions. */
	p = nest("[(]", 1300, "", "");
	taken(p);
	free(p);
	p = nest("[]({]", 800, "", "");
	taken(p);
	free(p);
	p = nest("[[:alpha:](]", 300, "", "");
	taken(p);
	free(p);
	p = nest("\\(", 2000, "", "");
	taken(p);
	free(p);
	taken("[{]99999}");
	taken("a\\{99999}");
	/* A '{' that starts no interval is regcomp's to judge. */
	refused("a{1", "Unmatched \\{");
	refused("[(", "Unmatched [, [^, [:, [., or [=");
}
END_TEST

START_TEST(test_from_offsets)
{
	const char		*t = "error one\nok\nerror two\n";
	struct textmatch	*tm;
	struct textmatch_hit	 h;
	char			*cause = NULL;

	/* From inside a line: later matches on it, and the whole line. */
	check("e", 0, t, 1, "error one|e;error two|e;");
	check("error", 0, t, 1, "error two|error;");
	check("^error", 0, t, 10, "error two|error;");
	/* "^" needs a line start: from inside a line is not one. */
	check("^r", 0, "err\nrr\n", 1, "rr|r;");
	check("o", 0, t, strlen(t), "");
	tm = textmatch_new("o", 0, &cause);
	ck_assert_ptr_nonnull(tm);
	ck_assert_int_eq(textmatch_next(tm, t, strlen(t), strlen(t) + 5, &h),
	    0);
	ck_assert_int_eq(textmatch_next(tm, t, strlen(t), 6, &h), 1);
	ck_assert_uint_eq(h.line_start, 0);
	ck_assert_uint_eq(h.match_start, 6);
	ck_assert_uint_eq(h.line_end, 9);
	textmatch_free(tm);
}
END_TEST

/*
 * In a UTF-8 locale a character is a character, whichever way the pattern
 * was compiled (textmatch.c compiles plain ASCII patterns in the C
 * locale, which must not change what they match).
 */
START_TEST(test_utf8_locale)
{
	const char	*t = "caf\xc3\xa9\nx\xc3\xa9y\nCAFE 12 passed\n";

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		ck_abort_msg("no C.UTF-8 locale");
	check("^caf.$", 0, t, 0, "caf\xc3\xa9|caf\xc3\xa9;");
	check("x[^a]y", 0, t, 0, "x\xc3\xa9y|x\xc3\xa9y;");
	check("^x.{1}y$", 0, t, 0, "x\xc3\xa9y|x\xc3\xa9y;");
	check("\xc3\xa9", 0, t, 0, "caf\xc3\xa9|\xc3\xa9;x\xc3\xa9y|\xc3\xa9;");
	check("caf", 1, t, 0, "caf\xc3\xa9|caf;CAFE 12 passed|CAF;");
	check("[0-9]+ passed", 0, t, 0, "CAFE 12 passed|12 passed;");
	check("^(x|CAFE)", 0, t, 0, "x\xc3\xa9y|x;CAFE 12 passed|CAFE;");
	setlocale(LC_CTYPE, "C");
}
END_TEST

static Suite *
textmatch_suite(void)
{
	Suite	*s = suite_create("textmatch");
	TCase	*tc = tcase_create("textmatch");

	tcase_add_test(tc, test_anchors_per_line);
	tcase_add_test(tc, test_icase);
	tcase_add_test(tc, test_nul_in_text);
	tcase_add_test(tc, test_empty_match);
	tcase_add_test(tc, test_last_line_without_newline);
	tcase_add_test(tc, test_bad_pattern);
	tcase_add_test(tc, test_unsafe_patterns);
	tcase_add_test(tc, test_from_offsets);
	tcase_add_test(tc, test_utf8_locale);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(textmatch_suite)
