/*
 * test_console.c: the ordered console stream (src/console.c).
 */
#include "rexec.h"

#include <stdlib.h>

#include "console.h"
#include "unit.h"

static char	*out;
static size_t	 outlen;
static char	*tmp;

static void
collect(const char *buf, size_t len, void *arg)
{
	out = realloc(out, outlen + len + 1);
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
	outlen = 0;
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

START_TEST(test_head_streams_live)
{
	struct console		*c = console_new(tmp, 1024, collect, NULL);
	struct console_entry	*a = console_add(c);

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
	struct console		*c = console_new(tmp, 1024, collect, NULL);
	struct console_entry	*a = console_add(c), *b = console_add(c);
	struct console_entry	*d = console_add(c);

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
	struct console		*c = console_new(tmp, 64 * 1024, collect, NULL);
	struct console_entry	*a = console_add(c), *b = console_add(c);
	char			 chunk[1000], *want;
	size_t			 i, wantlen = 0;

	want = malloc(2000 * sizeof chunk + 16);
	for (i = 0; i < 2000; i++) {
		memset(chunk, 'a' + i % 26, sizeof chunk);
		console_write(c, b, chunk, sizeof chunk);
		memcpy(want + wantlen, chunk, sizeof chunk);
		wantlen += sizeof chunk;
	}
	ck_assert_uint_le(console_memory(c), 64 * 1024);
	ck_assert_uint_gt(console_spilled(c), 1900 * 1000);
	ck_assert_uint_eq(outlen, 0);
	put(c, a, "");
	console_end(c, a);
	/* b is at the head now with a backlog; new bytes queue behind it. */
	put(c, b, "tail");
	memcpy(want + wantlen, "tail", 4);
	wantlen += 4;
	while (console_pump(c, 100000))
		;
	ck_assert_uint_eq(outlen, wantlen);
	ck_assert_int_eq(memcmp(out, want, wantlen), 0);
	console_end(c, b);
	free(want);
	console_free(c);
}
END_TEST

START_TEST(test_pump_respects_budget)
{
	struct console		*c = console_new(tmp, 1024, collect, NULL);
	struct console_entry	*a = console_add(c), *b = console_add(c);

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
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(console_suite)
