/*
 * test_messages.c: the bottom line's message log (src/ui/messages.c):
 * oldest first with their times, the newest 100 kept, a copy of each
 * text, nothing past the end.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "ui/ui_int.h"

START_TEST(test_empty)
{
	struct ui_messages	*ms = messages_new();
	time_t			 when = 7;

	ck_assert_uint_eq(messages_count(ms), 0);
	ck_assert_ptr_null(messages_get(ms, 0, &when));
	ck_assert_int_eq(when, 7);
	messages_free(ms);
	messages_free(NULL);
}
END_TEST

START_TEST(test_order_and_copy)
{
	struct ui_messages	*ms = messages_new();
	char			 buf[32];
	time_t			 when;

	snprintf(buf, sizeof buf, "first");
	messages_add(ms, buf, 100);
	snprintf(buf, sizeof buf, "second");
	messages_add(ms, buf, 200);
	ck_assert_uint_eq(messages_count(ms), 2);
	ck_assert_str_eq(messages_get(ms, 0, &when), "first");
	ck_assert_int_eq(when, 100);
	ck_assert_str_eq(messages_get(ms, 1, &when), "second");
	ck_assert_int_eq(when, 200);
	ck_assert_ptr_null(messages_get(ms, 2, NULL));
	messages_free(ms);
}
END_TEST

START_TEST(test_newest_kept)
{
	struct ui_messages	*ms = messages_new();
	char			 buf[32];
	time_t			 when;
	int			 i;

	for (i = 0; i < 250; i++) {
		snprintf(buf, sizeof buf, "m%d", i);
		messages_add(ms, buf, i);
	}
	ck_assert_uint_eq(messages_count(ms), 100);
	ck_assert_str_eq(messages_get(ms, 0, &when), "m150");
	ck_assert_int_eq(when, 150);
	ck_assert_str_eq(messages_get(ms, 99, &when), "m249");
	ck_assert_int_eq(when, 249);
	ck_assert_ptr_null(messages_get(ms, 100, NULL));
	messages_free(ms);
}
END_TEST

static Suite *
messages_suite(void)
{
	Suite	*s = suite_create("messages");
	TCase	*tc = tcase_create("messages");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_order_and_copy);
	tcase_add_test(tc, test_newest_kept);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(messages_suite)
