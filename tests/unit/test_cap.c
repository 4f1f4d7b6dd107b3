/*
 * test_cap.c: the head+tail cap of an agent's text (src/cap.c).
 *
 * Fixed cases check the exact omitted line and byte counts; a reference
 * model of the cut rule written on the whole text checks many random texts
 * and budgets, each appended in several chunkings.
 */
#include "rexec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap.h"
#include "utf8.h"
#include "unit.h"

/* Cap text appended in pieces of at most piece bytes (0: one piece). */
static char *
capped(const char *text, size_t len, size_t max, const char *ref,
    size_t piece, size_t *outlen, size_t *omitted, int *truncated)
{
	struct cap	*c;
	const char	*out;
	char		*copy;
	size_t		 off, k;

	c = cap_new(max, ref);
	for (off = 0; off < len; off += k) {
		k = piece == 0 || len - off < piece ? len - off : piece;
		cap_append(c, text + off, k);
	}
	ck_assert_uint_eq(cap_total(c), len);
	out = cap_finish(c, outlen);
	ck_assert_ptr_eq(cap_finish(c, NULL), out);
	ck_assert_uint_eq(strlen(out), *outlen);
	copy = xstrdup(out);
	*omitted = cap_omitted(c);
	*truncated = cap_truncated(c);
	cap_free(c);
	return (copy);
}

/* Cap text in one piece and one byte at a time; both must agree. */
static char *
cap_both(const char *text, size_t len, size_t max, const char *ref,
    size_t *omitted, int *truncated)
{
	char	*a, *b;
	size_t	 alen, blen, om;
	int	 tr;

	a = capped(text, len, max, ref, 0, &alen, omitted, truncated);
	b = capped(text, len, max, ref, 1, &blen, &om, &tr);
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(*omitted, om);
	ck_assert_int_eq(*truncated, tr);
	free(b);
	return (a);
}

/*
 * The cut rule of cap.h, written again on the whole text: the expected
 * result, or NULL when nothing is cut.
 */
static char *
model(const char *t, size_t n, size_t max, const char *ref, size_t *omitted)
{
	size_t	 H, T, h, s, start, j;
	char	*line, *out;
	int	 found;

	*omitted = 0;
	if (max == 0 || n <= max)
		return (NULL);
	H = max / 4;
	T = max - H;

	h = H;
	while (h > 0 && ((uint8_t)t[h] & 0xc0) == 0x80)
		h--;
	if (t[H] != '\n') {
		for (j = h; j > 0 && t[j - 1] != '\n'; j--)
			;
		if (j > 0 && 2 * j >= H)
			h = j;
	} else
		h = H;

	s = n - T;
	start = s;
	if (t[s - 1] != '\n') {
		while (start < n && ((uint8_t)t[start] & 0xc0) == 0x80)
			start++;
		found = 0;
		for (j = start; j < n; j++)
			if (t[j] == '\n') {
				found = 1;
				break;
			}
		if (found && n - (j + 1) > 0 && 2 * (n - (j + 1)) >= T)
			start = j + 1;
	}
	*omitted = n - h - (n - start);
	if (ref != NULL)
		xasprintf(&line, "[rexec: %zu bytes omitted; full output: rexec "
		    "log %s]\n", *omitted, ref);
	else
		xasprintf(&line, "[rexec: %zu bytes omitted]\n", *omitted);
	xasprintf(&out, "%.*s%s%s%.*s", (int)h, t,
	    h > 0 && t[h - 1] != '\n' ? "\n" : "", line, (int)(n - start),
	    t + start);
	free(line);
	return (out);
}

START_TEST(test_fits)
{
	char	*out;
	size_t	 om;
	int	 tr;

	out = cap_both("hello\nworld\n", 12, 12, "3", &om, &tr);
	ck_assert_str_eq(out, "hello\nworld\n");
	ck_assert_uint_eq(om, 0);
	ck_assert_int_eq(tr, 0);
	free(out);
	out = cap_both("", 0, 16, NULL, &om, &tr);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_no_cap)
{
	char	*big, *out;
	size_t	 om, i, n = 1 << 20;
	int	 tr;

	big = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		big[i] = i % 64 == 63 ? '\n' : 'a' + i % 26;
	big[n] = '\0';
	out = cap_both(big, n, 0, NULL, &om, &tr);
	ck_assert_str_eq(out, big);
	ck_assert_int_eq(tr, 0);
	free(out);
	free(big);
}
END_TEST

START_TEST(test_exact_omitted_line)
{
	char	 text[101], *out;
	size_t	 om, i;
	int	 tr;

	for (i = 0; i < 100; i++)
		text[i] = '0' + i % 10;
	text[100] = '\0';
	/* Head 10 bytes, tail 30 bytes, no newline: cut at the budget. */
	out = cap_both(text, 100, 40, NULL, &om, &tr);
	ck_assert_str_eq(out, "0123456789\n[rexec: 60 bytes omitted]\n"
	    "012345678901234567890123456789");
	ck_assert_uint_eq(om, 60);
	ck_assert_int_eq(tr, 1);
	free(out);
	out = cap_both(text, 100, 40, "12", &om, &tr);
	ck_assert_str_eq(out, "0123456789\n[rexec: 60 bytes omitted; full "
	    "output: rexec log 12]\n012345678901234567890123456789");
	free(out);
	out = cap_both(text, 100, 40, "2026-11-27-18:43:08:42", &om, &tr);
	ck_assert_str_eq(out, "0123456789\n[rexec: 60 bytes omitted; full "
	    "output: rexec log 2026-11-27-18:43:08:42]\n"
	    "012345678901234567890123456789");
	free(out);
}
END_TEST

START_TEST(test_line_boundaries)
{
	char		 text[161], *out;
	size_t		 om;
	unsigned int	 i;
	int		 tr;

	/* Twenty lines "line NN\n"; 16 + 48 bytes fall on line ends. */
	for (i = 0; i < 20; i++) {
		memcpy(text + 8 * i, "line NN\n", 8);
		text[8 * i + 5] = '0' + i / 10;
		text[8 * i + 6] = '0' + i % 10;
	}
	text[160] = '\0';
	out = cap_both(text, 160, 64, NULL, &om, &tr);
	ck_assert_str_eq(out, "line 00\nline 01\n[rexec: 96 bytes omitted]\n"
	    "line 14\nline 15\nline 16\nline 17\nline 18\nline 19\n");
	ck_assert_uint_eq(om, 96);
	free(out);
	/* Off the line ends: the cut moves back to one, within half. */
	out = cap_both(text, 160, 70, NULL, &om, &tr);
	ck_assert_str_eq(out, "line 00\nline 01\n[rexec: 96 bytes omitted]\n"
	    "line 14\nline 15\nline 16\nline 17\nline 18\nline 19\n");
	free(out);
	/* A tail that ends without a newline. */
	out = cap_both(text, 159, 70, NULL, &om, &tr);
	ck_assert_str_eq(out, "line 00\nline 01\n[rexec: 96 bytes omitted]\n"
	    "line 14\nline 15\nline 16\nline 17\nline 18\nline 19");
	free(out);
}
END_TEST

START_TEST(test_long_lines_cut_at_budget)
{
	char	 text[401], want[200], *out;
	size_t	 om;
	int	 tr;

	/*
	 * A newline early in the head and late in the tail would waste
	 * most of the budget: the cut stays at the budget's edge.
	 */
	memset(text, 'x', 400);
	text[2] = '\n';
	text[397] = '\n';
	text[400] = '\0';
	out = cap_both(text, 400, 100, NULL, &om, &tr);
	ck_assert_uint_eq(om, 300);
	snprintf(want, sizeof(want), "%.25s\n[rexec: 300 bytes omitted]\n%s",
	    text, text + 325);
	ck_assert_str_eq(out, want);
	free(out);
	text[2] = 'x';
	text[397] = 'x';
	text[399] = '\n';
	out = cap_both(text, 400, 100, NULL, &om, &tr);
	snprintf(want, sizeof(want), "%.25s\n[rexec: 300 bytes omitted]\n%s",
	    text, text + 325);
	ck_assert_str_eq(out, want);
	free(out);
}
END_TEST

START_TEST(test_utf8_boundaries)
{
	char	 text[401], *out, *want;
	size_t	 om, i, max, olen;
	int	 tr;

	/* 200 x é (two bytes each); every budget cuts between characters. */
	for (i = 0; i < 200; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	text[400] = '\0';
	for (max = 1; max < 120; max++) {
		out = cap_both(text, 400, max, NULL, &om, &tr);
		olen = strlen(out);
		ck_assert(utf8_valid(out, olen));
		want = model(text, 400, max, NULL, &om);
		ck_assert_str_eq(out, want);
		ck_assert_uint_eq(om % 2, 0);
		free(want);
		free(out);
	}
	/* Four-byte characters. */
	for (i = 0; i < 100; i++)
		memcpy(text + 4 * i, "\xf0\x9f\x98\x80", 4);
	for (max = 1; max < 120; max++) {
		out = cap_both(text, 400, max, "9", &om, &tr);
		ck_assert(utf8_valid(out, strlen(out)));
		ck_assert_uint_eq(om % 4, 0);
		free(out);
	}
	out = cap_both(text, 400, 41, NULL, &om, &tr);
	ck_assert_str_eq(out, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\n[rexec: 364 "
	    "bytes omitted]\n\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
	free(out);
}
END_TEST

START_TEST(test_tiny_budgets)
{
	char	*out;
	size_t	 om, max;
	int	 tr;

	for (max = 1; max <= 8; max++) {
		out = cap_both("abc\ndef\nghi\n", 12, max, "1", &om, &tr);
		ck_assert_int_eq(tr, 1);
		ck_assert_ptr_nonnull(strstr(out, " bytes omitted; full output:"
		    " rexec log 1]\n"));
		free(out);
	}
	out = cap_both("abcdef", 6, 1, NULL, &om, &tr);
	ck_assert_str_eq(out, "[rexec: 5 bytes omitted]\nf");
	free(out);
}
END_TEST

START_TEST(test_large_budget)
{
	char	*text, *out, *want;
	size_t	 om, wom, n = 0, olen, size = 1 << 24;
	int	 i, tr;

	text = xmalloc(size);
	for (i = 0; n < 10 * 1024 * 1024; i++)
		n += snprintf(text + n, size - n, "%d: output line with "
		    "\xc3\xa9 and more text\n", i);
	out = capped(text, n, 65536, "42", 4093, &olen, &om, &tr);
	ck_assert_int_eq(tr, 1);
	want = model(text, n, 65536, "42", &wom);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(om, wom);
	ck_assert_uint_le(strlen(out), 65536 + 80);
	ck_assert_int_eq(strncmp(out, "0: output line", 14), 0);
	free(want);
	free(out);
	free(text);
}
END_TEST

START_TEST(test_model_random)
{
	static const char	*alphabet[] = { "a", "b", "\n", "\xc3\xa9",
	    "\xe6\x97\xa5", "\xf0\x9f\x98\x80", " " };
	char			 text[2048], *out, *want;
	uint32_t		 seed = 12345;
	size_t			 n, olen, om, wom, max, piece;
	int			 round, tr;

	for (round = 0; round < 3000; round++) {
		n = 0;
		seed = seed * 1103515245U + 12345U;
		while (n < (seed >> 8) % 1500) {
			const char *a;

			seed = seed * 1103515245U + 12345U;
			a = alphabet[(seed >> 8) % nitems(alphabet)];
			memcpy(text + n, a, strlen(a));
			n += strlen(a);
		}
		text[n] = '\0';
		seed = seed * 1103515245U + 12345U;
		max = 1 + (seed >> 8) % 600;
		piece = 1 + (seed >> 16) % 64;
		out = capped(text, n, max, NULL, piece, &olen, &om, &tr);
		want = model(text, n, max, NULL, &wom);
		if (want == NULL) {
			ck_assert_str_eq(out, text);
			ck_assert_int_eq(tr, 0);
		} else {
			ck_assert_str_eq(out, want);
			ck_assert_uint_eq(om, wom);
			ck_assert_int_eq(tr, 1);
		}
		ck_assert(utf8_valid(out, strlen(out)));
		free(want);
		free(out);
	}
}
END_TEST

START_TEST(test_append_after_finish)
{
	struct cap	*c;
	size_t		 len;

	cap_free(NULL);
	c = cap_new(10, NULL);
	cap_append(c, "abc", 3);
	ck_assert_int_eq(cap_truncated(c), 0);
	cap_append(c, "defghijk", 8);
	ck_assert_int_eq(cap_truncated(c), 1);
	ck_assert_str_eq(cap_finish(c, &len), "ab\n[rexec: 1 bytes omitted]\n"
	    "defghijk");
	cap_append(c, "more", 4);
	ck_assert_str_eq(cap_finish(c, &len), "ab\n[rexec: 1 bytes omitted]\n"
	    "defghijk");
	ck_assert_uint_eq(len, 36);
	ck_assert_uint_eq(cap_total(c), 11);
	ck_assert_uint_eq(cap_omitted(c), 1);
	cap_free(c);
}
END_TEST

static Suite *
cap_suite(void)
{
	Suite	*s = suite_create("cap");
	TCase	*tc = tcase_create("cap");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fits);
	tcase_add_test(tc, test_no_cap);
	tcase_add_test(tc, test_exact_omitted_line);
	tcase_add_test(tc, test_line_boundaries);
	tcase_add_test(tc, test_long_lines_cut_at_budget);
	tcase_add_test(tc, test_utf8_boundaries);
	tcase_add_test(tc, test_tiny_budgets);
	tcase_add_test(tc, test_large_budget);
	tcase_add_test(tc, test_model_random);
	tcase_add_test(tc, test_append_after_finish);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(cap_suite)
