/*
 * test_view.c: a live run's screen in the viewer (src/ui/view.c) as the
 * host's output events feed it: bytes seen already are skipped, a gap
 * the host announces and bytes that never came are counted, and the
 * frame's corner says how much was not shown.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "ui/ui_int.h"

/* What view_key sent, for the input test. */
static char	sent[64];
static size_t	nsent;

static void
record_input(unsigned int seq, const char *buf, size_t len, void *arg)
{
	(void)arg;
	ck_assert_uint_eq(seq, 5);
	ck_assert_uint_lt(nsent + len, sizeof sent);
	memcpy(sent + nsent, buf, len);
	nsent += len;
}

static struct ui_run *
live_run(void)
{
	struct ui_run	*ur = ui_run_new(5);

	ur->started = 1;
	ur->cols = 40;
	ur->rows = 10;
	return (ur);
}

static const char *
label(struct ui_view *v)
{
	static char	buf[128];

	return (view_label(v, buf, sizeof buf));
}

START_TEST(test_duplicates_skipped)
{
	struct ui_run	*ur = live_run();
	struct ui_view	*v = view_live(ur, NULL, NULL);

	ck_assert(view_is_live(v));
	view_output(v, 0, "abcdef", 6);
	/* The same bytes again (an open after a resync), and an overlap. */
	view_output(v, 0, "abcdef", 6);
	view_output(v, 4, "efgh", 4);
	ck_assert_str_eq(label(v), "live");
	/* So the next byte expected is at 8: one from 9 missed one. */
	view_output(v, 9, "z", 1);
	ck_assert_str_eq(label(v), "live, 0.0 MB not shown");
	view_free(v);
	ui_run_free(ur);
}
END_TEST

START_TEST(test_gaps_counted)
{
	struct ui_run	*ur = live_run();
	struct ui_view	*v = view_live(ur, NULL, NULL);

	/* The host no longer had the first 1.5 MB. */
	view_gap(v, 0, 1500000);
	view_output(v, 1500000, "x", 1);
	ck_assert_str_eq(label(v), "live, 1.5 MB not shown");
	/* A gap already passed counts nothing; bytes skipped do. */
	view_gap(v, 0, 10);
	view_output(v, 2500001, "y", 1);
	ck_assert_str_eq(label(v), "live, 2.5 MB not shown");
	ur->ended = 1;
	ck_assert_str_eq(label(v), "ended, 2.5 MB not shown");
	view_free(v);
	ui_run_free(ur);
}
END_TEST

START_TEST(test_rows_scroll_and_are_said)
{
	struct ui_run	*ur = live_run();
	struct ui_view	*v = view_live(ur, NULL, NULL);
	const char	*out = "R1\r\nR2\r\nR3\r\nR4\r\nR5\r\nR6\r\nR7\r\nR8"
			    "\r\nR9\r\nR10";

	view_output(v, 0, out, strlen(out));
	view_step(v, 0, 0, 0);
	/* It fits: nothing said. */
	view_area(v, 10, 40);
	ck_assert_str_eq(label(v), "live");
	/* Four rows: following, the cursor's row (the last) shows. */
	view_area(v, 4, 40);
	ck_assert_str_eq(label(v), "live \u00b7 rows 7\u201310 of 10");
	/* A page is the area less a row. */
	view_page(v, -1);
	ck_assert_str_eq(label(v), "live \u00b7 rows 4\u20137 of 10");
	view_scroll(v, -100);
	ck_assert_str_eq(label(v), "live \u00b7 rows 1\u20134 of 10");
	/* Scrolled, new output does not move it; End follows again. */
	view_output(v, strlen(out), "!", 1);
	view_step(v, 0, 0, 0);
	view_area(v, 4, 40);
	ck_assert_str_eq(label(v), "live \u00b7 rows 1\u20134 of 10");
	view_page(v, 1);
	view_page(v, 1);
	view_page(v, 1);
	ck_assert_str_eq(label(v), "live \u00b7 rows 7\u201310 of 10");
	view_scroll(v, -1);
	view_follow(v);
	ck_assert_str_eq(label(v), "live \u00b7 rows 7\u201310 of 10");
	/* Columns that do not fit are said too. */
	view_area(v, 4, 30);
	ck_assert_str_eq(label(v),
	    "live \u00b7 rows 7\u201310 of 10 \u00b7 cols 1\u201330 of 40");
	view_free(v);
	ui_run_free(ur);
}
END_TEST

START_TEST(test_keys_go_out)
{
	struct ui_run	*ur = live_run();
	struct ui_view	*v = view_live(ur, record_input, NULL);

	nsent = 0;
	ck_assert_int_eq(view_key(v, 'a', 0), 0);
	ck_assert_int_eq(view_key(v, '\r', 0), 0);
	ck_assert_uint_eq(nsent, 2);
	ck_assert(memcmp(sent, "a\r", 2) == 0);
	/* A query in the output is answered by the vt, never sent. */
	view_output(v, 0, "\033[6n", 4);
	ck_assert_int_eq(view_step(v, 1, 0, 0), 0);
	ck_assert_uint_eq(nsent, 2);
	/* An ended run takes no more keys. */
	ur->ended = 1;
	ck_assert_int_eq(view_key(v, 'b', 0), -1);
	ck_assert_uint_eq(nsent, 2);
	view_free(v);
	ui_run_free(ur);
}
END_TEST

static Suite *
view_suite(void)
{
	Suite	*s = suite_create("view");
	TCase	*tc = tcase_create("view");

	tcase_add_test(tc, test_duplicates_skipped);
	tcase_add_test(tc, test_gaps_counted);
	tcase_add_test(tc, test_keys_go_out);
	tcase_add_test(tc, test_rows_scroll_and_are_said);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(view_suite)
