/*
 * test_clearfilter.c: the console's filter of clears, erases and resets
 * (src/ui/clearfilter.c): what it finds, what it passes byte for byte,
 * and that a sequence split anywhere reads the same.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "ui/ui_int.h"

/* What came out: text as it is, the rest as <S>, <B> and <R>. */
struct out {
	char	buf[4096];
	size_t	len;
};

static void
collect(int what, const char *buf, size_t len, void *arg)
{
	struct out	*o = arg;
	const char	*tag = NULL;

	switch (what) {
	case CLEARFILTER_TEXT:
		ck_assert_uint_gt(len, 0);
		ck_assert_uint_lt(o->len + len, sizeof o->buf);
		memcpy(o->buf + o->len, buf, len);
		o->len += len;
		return;
	case CLEARFILTER_SCREEN:
		tag = "<S>";
		break;
	case CLEARFILTER_BELOW:
		tag = "<B>";
		break;
	case CLEARFILTER_RESET:
		tag = "<R>";
		break;
	}
	ck_assert_ptr_nonnull(tag);
	memcpy(o->buf + o->len, tag, 3);
	o->len += 3;
}

/* in, fed whole, at every split into two and a byte at a time, is want. */
static void
check(const char *in, const char *want)
{
	struct clearfilter	*cf;
	struct out		 o;
	size_t			 len = strlen(in), cut, i;

	for (cut = 0; cut <= len + 1; cut++) {
		cf = clearfilter_new();
		memset(&o, 0, sizeof o);
		if (cut <= len) {
			clearfilter_feed(cf, in, cut, collect, &o);
			clearfilter_feed(cf, in + cut, len - cut, collect, &o);
		} else {
			for (i = 0; i < len; i++)
				clearfilter_feed(cf, in + i, 1, collect, &o);
		}
		o.buf[o.len] = '\0';
		ck_assert_msg(o.len == strlen(want) &&
		    memcmp(o.buf, want, o.len) == 0,
		    "cut %zu of \"%s\": got \"%s\"", cut, in, o.buf);
		clearfilter_free(cf);
	}
}

START_TEST(test_clear_is_found)
{
	check("a\033[H\033[2J\033[3Jb", "a\033[H<S>b");
	check("\033[2J", "<S>");
	check("\033[?2J", "<S>");
	check("\033[2;5J", "<S>");
	check("\302\2332J", "<S>");
}
END_TEST

START_TEST(test_erase_scrollback_is_dropped)
{
	check("x\033[3Jy", "xy");
	check("\033[3J\033[3J", "");
}
END_TEST

START_TEST(test_clear_below_is_found)
{
	check("\033[J", "<B>");
	check("\033[0J.", "<B>.");
	check("\033[1J", "\033[1J");
	check("\033[4J", "\033[4J");
}
END_TEST

START_TEST(test_full_reset_is_found)
{
	check("x\033cY", "x<R>Y");
	check("\033c\033c", "<R><R>");
}
END_TEST

START_TEST(test_other_sequences_pass_byte_for_byte)
{
	const char	*same[] = {
		"plain text\r\n",
		"\033[1;31mred\033[0m",
		"\033[H\033[K\033[2K\033[10;20H",
		"\033]0;title\007after",
		"\033]8;;http://x\033\\link\033]8;;\033\\",
		"\033(B\033#8\0337\0338",
		"\033[ 2J",		/* an intermediate: not ED */
		"\033[>2J",
		"\033[2\030J",		/* CAN ends it */
		"caf\303\251 \302\267 \302",
		"\033",
		"\033[",
		"\033[2",
	};
	size_t		 i;

	for (i = 0; i < nitems(same); i++) {
		/* What is left unfinished at the end stays held. */
		if (i >= nitems(same) - 3)
			check(same[i], "");
		else if (strcmp(same[i], "caf\303\251 \302\267 \302") == 0)
			check(same[i], "caf\303\251 \302\267 ");
		else
			check(same[i], same[i]);
	}
}
END_TEST

START_TEST(test_controls_inside_a_csi)
{
	/* A C0 control is done as it comes; ESC starts a new sequence. */
	check("\033[2\nJ", "\n<S>");
	check("\033[\033[2J", "\033[<S>");
	check("\033\033c", "\033<R>");
}
END_TEST

START_TEST(test_a_long_csi_passes)
{
	char	in[200], want[200];

	memcpy(in, "\033[", 2);
	memset(in + 2, '1', 150);
	memcpy(in + 152, "mx", 3);
	check(in, in);
	memcpy(in + 152, "J\033[2J", 6);
	memcpy(want, in, 153);
	memcpy(want + 153, "<S>", 4);
	check(in, want);
}
END_TEST

START_TEST(test_reset_forgets_a_sequence_begun)
{
	struct clearfilter	*cf = clearfilter_new();
	struct out		 o;

	memset(&o, 0, sizeof o);
	clearfilter_feed(cf, "\033[2", 3, collect, &o);
	clearfilter_reset(cf);
	clearfilter_feed(cf, "J", 1, collect, &o);
	ck_assert_uint_eq(o.len, 1);
	ck_assert_int_eq(o.buf[0], 'J');
	clearfilter_free(cf);
}
END_TEST

static Suite *
clearfilter_suite(void)
{
	Suite	*s = suite_create("clearfilter");
	TCase	*tc = tcase_create("clearfilter");

	tcase_add_test(tc, test_clear_is_found);
	tcase_add_test(tc, test_erase_scrollback_is_dropped);
	tcase_add_test(tc, test_clear_below_is_found);
	tcase_add_test(tc, test_full_reset_is_found);
	tcase_add_test(tc, test_other_sequences_pass_byte_for_byte);
	tcase_add_test(tc, test_controls_inside_a_csi);
	tcase_add_test(tc, test_a_long_csi_passes);
	tcase_add_test(tc, test_reset_forgets_a_sequence_begun);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(clearfilter_suite)
