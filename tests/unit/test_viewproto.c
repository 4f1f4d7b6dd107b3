/*
 * test_viewproto.c: the viewer protocol's framing (src/viewproto.c).
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "viewproto.h"
#include "unit.h"

/* A frame with binary data survives being fed one byte at a time. */
START_TEST(test_roundtrip)
{
	struct viewproto_reader	*rd = viewproto_reader_new();
	json_t			*o = json_pack("{s:s,s:i}", "event", "output",
				    "seq", 7), *got;
	const char		 data[] = "a\0b\x1b[2J\xff";
	const char		*d;
	char			*frame, *cause = NULL;
	size_t			 size, len, i;

	frame = viewproto_frame(o, data, sizeof data - 1, &size);
	ck_assert_ptr_nonnull(frame);
	for (i = 0; i + 1 < size; i++) {
		viewproto_reader_put(rd, frame + i, 1);
		ck_assert_int_eq(viewproto_reader_next(rd, &got, &d, &len,
		    &cause), 0);
	}
	viewproto_reader_put(rd, frame + i, 1);
	ck_assert_int_eq(viewproto_reader_next(rd, &got, &d, &len, &cause), 1);
	ck_assert_str_eq(json_string_value(json_object_get(got, "event")),
	    "output");
	ck_assert_int_eq(json_integer_value(json_object_get(got, "seq")), 7);
	ck_assert_uint_eq(len, sizeof data - 1);
	ck_assert(memcmp(d, data, len) == 0);
	ck_assert_int_eq(viewproto_reader_next(rd, &got, &d, &len, &cause), 0);
	free(frame);
	json_decref(o);
	viewproto_reader_free(rd);
}
END_TEST

/* Two frames in one read come out one after the other. */
START_TEST(test_two)
{
	struct viewproto_reader	*rd = viewproto_reader_new();
	json_t			*a = json_pack("{s:s}", "event", "ready"),
				*b = json_pack("{s:s}", "event", "bye"), *got;
	const char		*d;
	char			*fa, *fb, *cause = NULL;
	size_t			 sa, sb, len;

	fa = viewproto_frame(a, NULL, 0, &sa);
	fb = viewproto_frame(b, "xy", 2, &sb);
	viewproto_reader_put(rd, fa, sa);
	viewproto_reader_put(rd, fb, sb);
	ck_assert_int_eq(viewproto_reader_next(rd, &got, &d, &len, &cause), 1);
	ck_assert_str_eq(json_string_value(json_object_get(got, "event")),
	    "ready");
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(viewproto_reader_next(rd, &got, &d, &len, &cause), 1);
	ck_assert_str_eq(json_string_value(json_object_get(got, "event")),
	    "bye");
	ck_assert_uint_eq(len, 2);
	free(fa);
	free(fb);
	json_decref(a);
	json_decref(b);
	viewproto_reader_free(rd);
}
END_TEST

/* A bad header or body is named, never allocated for. */
START_TEST(test_bad)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
		const char	*want;
	} cases[] = {
		{ "\xff\xff\xff\xff\0\0\0\0", 8, "a JSON part of 4294967295" },
		{ "\0\0\0\0\0\0\0\0", 8, "a JSON part of 0 bytes" },
		{ "\0\0\0\2\x7f\0\0\0{}", 10, "a data part of" },
		{ "\0\0\0\2\0\0\0\0[]", 10, "not a JSON object" },
		{ "\0\0\0\3\0\0\0\0{x}", 11, "bad frame: " },
	};
	struct viewproto_reader	*rd;
	json_t			*got;
	const char		*d;
	char			*cause;
	size_t			 i, len;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rd = viewproto_reader_new();
		cause = NULL;
		viewproto_reader_put(rd, cases[i].bytes, cases[i].len);
		ck_assert_int_eq(viewproto_reader_next(rd, &got, &d, &len,
		    &cause), -1);
		ck_assert_ptr_nonnull(strstr(cause, cases[i].want));
		free(cause);
		viewproto_reader_free(rd);
	}
}
END_TEST

START_TEST(test_base64)
{
	static const char	*in[] = { "", "f", "fo", "foo", "foob", "fooba",
				    "foobar" };
	static const char	*out[] = { "", "Zg==", "Zm8=", "Zm9v",
				    "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	size_t			 i;
	char			*s;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		s = viewproto_base64(in[i], strlen(in[i]));
		ck_assert_str_eq(s, out[i]);
		free(s);
	}
	s = viewproto_base64("\xff\x00\xfe", 3);
	ck_assert_str_eq(s, "/wD+");
	free(s);
}
END_TEST

START_TEST(test_mismatch)
{
	char	*s;

	s = viewproto_mismatch(2, 1, 0);
	ck_assert_str_eq(s, "host speaks viewer protocol 2, this rexec 1: "
	    "restart the host or use its rexec");
	free(s);
	s = viewproto_mismatch(2, 1, 1);
	ck_assert_ptr_nonnull(strstr(s, "viewer speaks viewer protocol 2"));
	free(s);
}
END_TEST

static Suite *
viewproto_suite(void)
{
	Suite	*s = suite_create("viewproto");
	TCase	*tc = tcase_create("viewproto");

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_two);
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_base64);
	tcase_add_test(tc, test_mismatch);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(viewproto_suite)
