/*
 * test_utf8.c: UTF-8 decoding, encoding, validation, widths (src/utf8.c).
 */
#include "rexec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "unit.h"

#define FFFD	"\xef\xbf\xbd"

/* Sanitize s (a literal, NULs included) and compare with want. */
#define SANE(s, want) do {						\
	size_t	 n_;							\
	char	*o_ = utf8_sanitize(s, sizeof(s) - 1, &n_);		\
									\
	ck_assert_uint_eq(n_, sizeof(want) - 1);			\
	ck_assert(memcmp(o_, want, n_) == 0);				\
	ck_assert(utf8_valid(o_, n_));					\
	free(o_);							\
} while (0)

START_TEST(test_valid)
{
	ck_assert(utf8_valid("", 0));
	ck_assert(utf8_valid(NULL, 0));
	ck_assert(utf8_valid("plain ascii\n", 12));
	ck_assert(utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
	ck_assert(utf8_valid("\xef\xbf\xbd\xf4\x8f\xbf\xbf", 7));
	ck_assert(utf8_valid("a\0b", 3));
	ck_assert(!utf8_valid("\x80", 1));
	ck_assert(!utf8_valid("\xc0\xaf", 2));
	ck_assert(!utf8_valid("\xe0\x80\xaf", 3));
	ck_assert(!utf8_valid("\xed\xa0\x80", 3));
	ck_assert(!utf8_valid("\xf4\x90\x80\x80", 4));
	ck_assert(!utf8_valid("\xf5\x80\x80\x80", 4));
	ck_assert(!utf8_valid("\xe2\x82", 2));
	ck_assert(!utf8_valid("\xc3", 1));
}
END_TEST

START_TEST(test_maximal_subparts)
{
	/* Unicode 15, table 3-8. */
	SANE("\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64",
	    "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d");
	/* Tables 3-9 to 3-11: overlongs, surrogates, out of range. */
	SANE("\xc0\xaf\xe0\x80\xbf\xf0\x81\x82\x41",
	    FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD "A");
	SANE("\xed\xa0\x80\xed\xbf\xbf\xed\xaf\x41",
	    FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD "A");
	SANE("\xf4\x91\x92\x93\xff\x41\x80\xbf\x42",
	    FFFD FFFD FFFD FFFD FFFD "A" FFFD FFFD "B");
	SANE("\xe1\x80\xe2\xf0\x91\x92\xf1\xbf\x41",
	    FFFD FFFD FFFD FFFD "A");
	SANE("ok\xe2\x82", "ok" FFFD);
	SANE("", "");
}
END_TEST

START_TEST(test_streaming_decoder)
{
	static const uint8_t	 in[] = { 'a', 0xe2, 0x82, 0xac, 0xf0, 0x9f,
	    0x98, 0x80, 0xe2, 0x82, 'b', 0xc3 };
	static const uint32_t	 want[] = { 'a', 0x20ac, 0x1f600, 0xfffd, 'b',
	    0xfffd };
	struct utf8_decoder	 d;
	uint32_t		 cp[2], got[16];
	size_t			 i, n = 0;
	int			 j, k;

	utf8_decoder_init(&d);
	for (i = 0; i < sizeof(in); i++) {
		k = utf8_decode_byte(&d, in[i], cp);
		for (j = 0; j < k; j++)
			got[n++] = cp[j];
	}
	ck_assert(utf8_decoder_pending(&d));
	n += (size_t)utf8_decode_finish(&d, got + n);
	ck_assert(!utf8_decoder_pending(&d));
	ck_assert_uint_eq(n, nitems(want));
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(got[i], want[i]);
	ck_assert_int_eq(utf8_decode_finish(&d, got), 0);
}
END_TEST

START_TEST(test_encode)
{
	char		buf[4];
	static const struct {
		uint32_t	 cp;
		const char	*s;
	} t[] = {
		{ 0x41, "A" }, { 0x7f, "\x7f" }, { 0x80, "\xc2\x80" },
		{ 0x7ff, "\xdf\xbf" }, { 0x800, "\xe0\xa0\x80" },
		{ 0xfffd, FFFD }, { 0x10000, "\xf0\x90\x80\x80" },
		{ 0x10ffff, "\xf4\x8f\xbf\xbf" }, { 0xd800, FFFD },
		{ 0x110000, FFFD },
	};
	size_t		i, n;

	for (i = 0; i < nitems(t); i++) {
		n = utf8_encode_cp(t[i].cp, buf);
		ck_assert_uint_eq(n, strlen(t[i].s));
		ck_assert(memcmp(buf, t[i].s, n) == 0);
		if (t[i].cp <= 0x10ffff && (t[i].cp < 0xd800 ||
		    t[i].cp > 0xdfff))
			ck_assert_uint_eq(utf8_encoded_len(t[i].cp), n);
	}
}
END_TEST

START_TEST(test_boundaries)
{
	const char	*s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";

	ck_assert_uint_eq(utf8_truncate(s, 0), 0);
	ck_assert_uint_eq(utf8_truncate(s, 1), 1);
	ck_assert_uint_eq(utf8_truncate(s, 2), 1);
	ck_assert_uint_eq(utf8_truncate(s, 3), 3);
	ck_assert_uint_eq(utf8_truncate(s, 4), 3);
	ck_assert_uint_eq(utf8_truncate(s, 5), 3);
	ck_assert_uint_eq(utf8_truncate(s, 6), 6);
	ck_assert_uint_eq(utf8_truncate(s, 9), 6);
	ck_assert_uint_eq(utf8_truncate(s, 10), 10);
	ck_assert_uint_eq(utf8_boundary_after(s, 10, 0), 0);
	ck_assert_uint_eq(utf8_boundary_after(s, 10, 2), 3);
	ck_assert_uint_eq(utf8_boundary_after(s, 10, 4), 6);
	ck_assert_uint_eq(utf8_boundary_after(s, 10, 7), 10);
	ck_assert_uint_eq(utf8_boundary_after(s, 10, 12), 10);
}
END_TEST

START_TEST(test_width)
{
	ck_assert_uint_eq(utf8_width('a'), 1);
	ck_assert_uint_eq(utf8_width('\n'), 0);
	ck_assert_uint_eq(utf8_width(0x9b), 0);
	ck_assert_uint_eq(utf8_width(0xe9), 1);
	ck_assert_uint_eq(utf8_width(0x301), 0);
	ck_assert_uint_eq(utf8_width(0x200d), 0);
	ck_assert_uint_eq(utf8_width(0x65e5), 2);
	ck_assert_uint_eq(utf8_width(0x65e5), 2);
	ck_assert_uint_eq(utf8_width(0x1f600), 2);
	ck_assert_uint_eq(utf8_width(0xfffd), 1);
}
END_TEST

START_TEST(test_char)
{
	static const struct {
		const char	*s;
		size_t		 len;	/* bytes offered */
		size_t		 want;	/* 0: not a character */
		uint32_t	 cp;
	} t[] = {
		{ "a", 1, 1, 'a' },
		{ "", 1, 1, 0 },			/* NUL is a character */
		{ "\x1b]", 2, 1, 0x1b },
		{ "\xc2\x9b", 2, 2, 0x9b },
		{ "\xc3\xa9x", 3, 2, 0xe9 },
		{ "\xe2\x80\xae", 3, 3, 0x202e },
		{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "\x9b", 1, 0, 0 },			/* continuation */
		{ "\xff", 1, 0, 0 },
		{ "\xc0\xaf", 2, 0, 0 },		/* overlong */
		{ "\xe0\x80\xaf", 3, 0, 0 },
		{ "\xed\xa0\x80", 3, 0, 0 },		/* a surrogate */
		{ "\xf4\x90\x80\x80", 4, 0, 0 },	/* past U+10FFFF */
		{ "\xe2\x80\xae", 2, 0, 0 },		/* cut short by len */
		{ "\xc3(", 2, 0, 0 },
		{ "a", 0, 0, 0 },
	};
	uint32_t	cp;
	size_t		i;

	for (i = 0; i < nitems(t); i++) {
		cp = 0xdead;
		ck_assert_uint_eq(utf8_char(t[i].s, t[i].len, &cp), t[i].want);
		if (t[i].want != 0)
			ck_assert_uint_eq(cp, t[i].cp);
	}
}
END_TEST

START_TEST(test_control_bidi)
{
	static const uint32_t	control[] = { 0, 0x07, 0x1b, 0x1f, 0x7f,
				    0x80, 0x85, 0x9b, 0x9f };
	static const uint32_t	plain[] = { ' ', '~', 0xa0, 0xe9, 0x200e,
				    0x200f, 0x2028, 0x2029, 0x202f, 0x2065,
				    0x206a, 0xfffd };
	static const uint32_t	bidi[] = { 0x202a, 0x202b, 0x202c, 0x202d,
				    0x202e, 0x2066, 0x2067, 0x2068, 0x2069 };
	size_t			i;

	for (i = 0; i < nitems(control); i++) {
		ck_assert(utf8_is_control(control[i]));
		ck_assert(!utf8_is_bidi(control[i]));
	}
	for (i = 0; i < nitems(plain); i++) {
		ck_assert(!utf8_is_control(plain[i]));
		ck_assert(!utf8_is_bidi(plain[i]));
	}
	for (i = 0; i < nitems(bidi); i++) {
		ck_assert(utf8_is_bidi(bidi[i]));
		ck_assert(!utf8_is_control(bidi[i]));
	}
}
END_TEST

static Suite *
utf8_suite(void)
{
	Suite	*s = suite_create("utf8");
	TCase	*tc = tcase_create("utf8");

	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_maximal_subparts);
	tcase_add_test(tc, test_streaming_decoder);
	tcase_add_test(tc, test_encode);
	tcase_add_test(tc, test_boundaries);
	tcase_add_test(tc, test_width);
	tcase_add_test(tc, test_char);
	tcase_add_test(tc, test_control_bidi);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(utf8_suite)
