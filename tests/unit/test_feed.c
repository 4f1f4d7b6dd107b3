/*
 * test_feed.c: the UI's output queue (src/ui/feed.c): what it keeps when
 * output comes faster than it is parsed, what it never drops, and that
 * a drain stops at its budget.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vt.h"
#include "ui/ui_int.h"

/* The vt's screen as text (the tests give it rows enough). */
static char *
text_of(struct vt *vt)
{
	size_t	len;

	return (vt_text(vt, &len));
}

/* n numbered lines "line 000001\r\n" ... */
static void
put_lines(struct feed *f, unsigned int from, unsigned int n)
{
	char		line[32];
	unsigned int	i;

	for (i = from; i < from + n; i++) {
		snprintf(line, sizeof line, "line %06u\r\n", i);
		feed_put(f, line, strlen(line));
	}
}

START_TEST(test_small_output_is_kept_whole)
{
	struct feed	*f = feed_new(256 * 1024, 1);
	struct vt	*vt = vt_new(40, 5, 100, NULL, NULL);
	char		*t;

	ck_assert_uint_eq(feed_pending(f), 0);
	feed_put(f, "hello\r\nworld\r\n", 14);
	ck_assert_uint_ne(feed_pending(f), 0);
	ck_assert_int_eq(feed_drain(f, vt, 0, 0), 1);
	ck_assert_uint_eq(feed_pending(f), 0);
	ck_assert_uint_eq(feed_skipped(f), 0);
	ck_assert_int_eq(feed_drain(f, vt, 0, 0), 0);
	t = text_of(vt);
	ck_assert_ptr_nonnull(strstr(t, "hello\nworld\n"));
	free(t);
	vt_free(vt);
	feed_free(f);
}
END_TEST

START_TEST(test_flood_keeps_the_newest_from_a_line_start)
{
	struct feed	*f = feed_new(128 * 1024, 1);
	struct vt	*vt = vt_new(60, 11000, 0, NULL, NULL);
	char		*t, *note, *first;
	unsigned int	 n;

	put_lines(f, 0, 100000);	/* 1.3 MB */
	ck_assert_uint_gt(feed_skipped(f), 1000000);
	ck_assert_uint_le(feed_pending(f), 128 * 1024 + 1);
	feed_drain(f, vt, 0, 0);
	t = text_of(vt);
	note = strstr(t, "[rexec: ");
	ck_assert_ptr_nonnull(note);
	ck_assert_ptr_nonnull(strstr(note, " MB not shown while output "
	    "flooded]\n"));
	/* After the note a whole line, then every line to the last. */
	first = strchr(note, '\n') + 1;
	ck_assert_int_eq(sscanf(first, "line %u\n", &n), 1);
	ck_assert_int_eq(strncmp(first, "line ", 5), 0);
	ck_assert_ptr_nonnull(strstr(first, "line 099999\n"));
	ck_assert_ptr_null(strstr(t, "line 000000"));
	free(t);
	vt_free(vt);
	feed_free(f);
}
END_TEST

START_TEST(test_what_the_host_left_out_is_noted_where_it_was)
{
	struct feed	*f = feed_new(256 * 1024, 1);
	struct vt	*vt = vt_new(60, 20, 0, NULL, NULL);
	char		*t, *note, *after;

	put_lines(f, 0, 2);
	feed_skip(f, 2000000);
	feed_skip(f, 500000);		/* two gaps in a row: one note */
	put_lines(f, 50000, 2);
	ck_assert_uint_eq(feed_skipped(f), 2500000);
	feed_skip(f, 70);		/* a gap at the end: noted alone */
	feed_drain(f, vt, 0, 0);
	ck_assert_uint_eq(feed_pending(f), 0);
	t = text_of(vt);
	note = strstr(t, "[rexec: 2.5 MB not shown while output flooded]\n");
	ck_assert_ptr_nonnull(note);
	ck_assert_ptr_nonnull(strstr(t, "line 000001\n"));
	ck_assert(strstr(t, "line 000001\n") < note);
	after = strchr(note, '\n') + 1;
	ck_assert_int_eq(strncmp(after, "line 050000\nline 050001\n", 24), 0);
	ck_assert_ptr_nonnull(strstr(after,
	    "[rexec: 70 bytes not shown while output flooded]\n"));
	ck_assert_ptr_null(strstr(after, "2.5 MB"));
	free(t);
	vt_free(vt);
	feed_free(f);
}
END_TEST

START_TEST(test_no_note_when_not_asked)
{
	struct feed	*f = feed_new(128 * 1024, 0);
	struct vt	*vt = vt_new(60, 11000, 0, NULL, NULL);
	char		*t;

	put_lines(f, 0, 100000);
	ck_assert_uint_gt(feed_skipped(f), 0);
	feed_drain(f, vt, 0, 0);
	t = text_of(vt);
	ck_assert_ptr_null(strstr(t, "[rexec: "));
	ck_assert_ptr_nonnull(strstr(t, "line 099999\n"));
	free(t);
	vt_free(vt);
	feed_free(f);
}
END_TEST

START_TEST(test_marked_bytes_are_never_dropped)
{
	struct feed	*f = feed_new(128 * 1024, 1);
	struct vt	*vt = vt_new(60, 11000, 0, NULL, NULL);
	char		*t;

	put_lines(f, 0, 20000);
	feed_mark(f, "BANNER-ONE\r\n", 12);
	put_lines(f, 20000, 40000);
	feed_mark(f, "BANNER-TWO\r\n", 12);
	put_lines(f, 60000, 40000);
	ck_assert_uint_gt(feed_skipped(f), 0);
	feed_drain(f, vt, 0, 0);
	t = text_of(vt);
	ck_assert_ptr_nonnull(strstr(t, "BANNER-ONE\n"));
	ck_assert_ptr_nonnull(strstr(t, "BANNER-TWO\n"));
	ck_assert(strstr(t, "BANNER-ONE") < strstr(t, "BANNER-TWO"));
	ck_assert_ptr_nonnull(strstr(t, "line 099999\n"));
	free(t);
	vt_free(vt);
	feed_free(f);
}
END_TEST

START_TEST(test_a_mark_resets_the_modes_first)
{
	struct feed	*f = feed_new(128 * 1024, 1);
	struct vt	*vt = vt_new(40, 5, 100, NULL, NULL);
	const char	*out = "main-text\r\n\033[?1049halt-text";
	char		*t;

	/* The run leaves the alternate screen on; the next banner ends it. */
	feed_put(f, out, strlen(out));
	feed_mark(f, "after\r\n", 7);
	feed_drain(f, vt, 0, 0);
	t = text_of(vt);
	ck_assert_ptr_nonnull(strstr(t, "main-text"));
	ck_assert_ptr_nonnull(strstr(t, "after"));
	ck_assert_ptr_null(strstr(t, "alt-text"));
	free(t);
	vt_free(vt);
	feed_free(f);
}
END_TEST

START_TEST(test_a_flood_parses_its_newest_screenful)
{
	struct feed	*f = feed_new(256 * 1024, 1);
	struct vt	*vt = vt_new(60, 10, 1000, NULL, NULL);
	char		*t;

	put_lines(f, 0, 5000);
	ck_assert_uint_eq(feed_skipped(f), 0);
	ck_assert_int_eq(feed_drain(f, vt, 0, 1), 1);
	ck_assert_uint_eq(feed_pending(f), 0);
	/* All but the last 8 lines are left out, and counted once. */
	ck_assert_uint_eq(feed_skipped(f), 4992 * 13);
	/* The screen: the note on top, then the newest lines; nothing else
	 * went into the scrollback but the blank line before the note. */
	t = text_of(vt);
	ck_assert_int_eq(strncmp(t, "[rexec: 64896 bytes not shown while "
	    "output flooded]\nline 004992\n", 59), 0);
	ck_assert_ptr_nonnull(strstr(t, "line 004999\n"));
	ck_assert_uint_le(vt_scrollback_lines(vt), 1);
	free(t);
	vt_free(vt);
	feed_free(f);
}
END_TEST

START_TEST(test_a_flood_keeps_its_marks)
{
	struct feed	*f = feed_new(256 * 1024, 1);
	struct vt	*vt = vt_new(60, 10, 1000, NULL, NULL);
	char		*t;

	put_lines(f, 0, 3000);
	feed_mark(f, "BANNER\r\n", 8);
	put_lines(f, 3000, 4);
	/* Eight lines of output kept, across the banner, and the banner. */
	feed_drain(f, vt, 0, 1);
	ck_assert_uint_eq(feed_skipped(f), 2996 * 13);
	t = text_of(vt);
	ck_assert_ptr_nonnull(strstr(t, "line 002996\nline 002997\n"
	    "line 002998\nline 002999\nBANNER\nline 003000\n"));
	ck_assert_ptr_nonnull(strstr(t, "line 003003\n"));
	ck_assert_ptr_null(strstr(t, "line 002995"));
	free(t);
	vt_free(vt);
	feed_free(f);
}
END_TEST

START_TEST(test_a_gap_carried_past_a_cut_is_counted_once)
{
	struct feed	*f = feed_new(256 * 1024, 1);
	struct vt	*vt = vt_new(60, 20, 0, NULL, NULL);
	char		*t;

	feed_skip(f, 1000);
	put_lines(f, 0, 100);
	ck_assert_uint_eq(feed_skipped(f), 1000);
	feed_drain(f, vt, 0, 1);
	ck_assert_uint_eq(feed_skipped(f), 1000 + 82 * 13);
	t = text_of(vt);
	ck_assert_ptr_nonnull(strstr(t, "[rexec: 2066 bytes not shown "
	    "while output flooded]\nline 000082\n"));
	free(t);
	vt_free(vt);
	feed_free(f);
}
END_TEST

START_TEST(test_drain_stops_at_its_budget)
{
	struct feed	*f = feed_new(4 * 1024 * 1024, 1);
	struct vt	*vt = vt_new(60, 5, 100, NULL, NULL);
	size_t		 before;

	put_lines(f, 0, 100000);
	ck_assert_uint_eq(feed_skipped(f), 0);
	before = feed_pending(f);
	/* A budget already spent parses one slice and stops. */
	ck_assert_int_eq(feed_drain(f, vt, 1e-9, 0), 1);
	ck_assert_uint_gt(feed_pending(f), 0);
	ck_assert_uint_lt(feed_pending(f), before);
	ck_assert_uint_ge(before - feed_pending(f), 1024);
	while (feed_pending(f) != 0)
		feed_drain(f, vt, 1e-9, 0);
	ck_assert_uint_eq(feed_skipped(f), 0);
	vt_free(vt);
	feed_free(f);
}
END_TEST

START_TEST(test_a_line_longer_than_the_look_is_cut_anywhere)
{
	struct feed	*f = feed_new(128 * 1024, 0);
	struct vt	*vt = vt_new(60, 5, 100, NULL, NULL);
	char		*big = xmalloc(1024 * 1024);
	char		*t;

	/* One 1 MiB line with no newline: the cut falls mid-line. */
	memset(big, 'x', 1024 * 1024);
	feed_put(f, big, 1024 * 1024);
	feed_put(f, "\r\nend\r\n", 7);
	ck_assert_uint_gt(feed_skipped(f), 0);
	feed_drain(f, vt, 0, 0);
	t = text_of(vt);
	ck_assert_ptr_nonnull(strstr(t, "xxxx"));
	ck_assert_ptr_nonnull(strstr(t, "end\n"));
	free(t);
	free(big);
	vt_free(vt);
	feed_free(f);
}
END_TEST

static Suite *
feed_suite(void)
{
	Suite	*s = suite_create("feed");
	TCase	*tc = tcase_create("feed");

	tcase_add_test(tc, test_small_output_is_kept_whole);
	tcase_add_test(tc, test_flood_keeps_the_newest_from_a_line_start);
	tcase_add_test(tc, test_what_the_host_left_out_is_noted_where_it_was);
	tcase_add_test(tc, test_no_note_when_not_asked);
	tcase_add_test(tc, test_marked_bytes_are_never_dropped);
	tcase_add_test(tc, test_a_mark_resets_the_modes_first);
	tcase_add_test(tc, test_drain_stops_at_its_budget);
	tcase_add_test(tc, test_a_flood_parses_its_newest_screenful);
	tcase_add_test(tc, test_a_flood_keeps_its_marks);
	tcase_add_test(tc, test_a_gap_carried_past_a_cut_is_counted_once);
	tcase_add_test(tc, test_a_line_longer_than_the_look_is_cut_anywhere);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(feed_suite)
