/*
 * test_jsonfield.c: one string member straight from a JSON object's text
 * (src/jsonfield.c), judged against jansson.
 *
 * A model builds objects with jansson (strings with quotes, backslashes,
 * control characters, NUL, non-ASCII and astral characters), dumps them
 * with and without JSON_ENSURE_ASCII, and checks that the member found and
 * decoded is jansson's string byte for byte, and that the line with the
 * value cut out parses to the same object but for that member.  Fixed
 * cases cover where the scan must say "cannot tell", and string bodies
 * that jansson refuses.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonfield.h"
#include "utf8.h"
#include "xmalloc.h"
#include "unit.h"

static int
find(const char *line, size_t *a, size_t *b)
{
	return (jsonfield_find(line, strlen(line), "output", a, b));
}

/* A random valid UTF-8 string of up to max bytes, any code point. */
static char *
random_text(unsigned int *seed, size_t max, size_t *len)
{
	static const unsigned int picks[] = { 0, 0x1f, 0x7f, 0xa9, 0x7ff,
	    0x800, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff };
	char		*s = xmalloc(max + 4);
	size_t		 n = 0;
	unsigned int	 cp, k;

	while (n < max) {
		k = rand_r(seed) % 16;
		if (k < 8)
			cp = 0x20 + rand_r(seed) % 0x5f;
		else if (k == 8)
			cp = '"';
		else if (k == 9)
			cp = '\\';
		else if (k == 10)
			cp = '\n';
		else if (k == 11)
			cp = rand_r(seed) % 0x20;
		else
			cp = picks[rand_r(seed) % nitems(picks)];
		n += utf8_encode_cp(cp, s + n);
	}
	*len = n;
	return (s);
}

START_TEST(test_model_against_jansson)
{
	static const size_t	 flags[] = { JSON_COMPACT, JSON_ENSURE_ASCII,
				    JSON_COMPACT | JSON_ENSURE_ASCII };
	unsigned int		 seed = 1;
	json_t			*o, *back, *want;
	json_error_t		 err;
	char			*text, *line, *buf = NULL;
	size_t			 len, a, b, size = 0, got, f;
	int			 i;

	for (i = 0; i < 400; i++) {
		text = random_text(&seed, rand_r(&seed) % 300, &len);
		o = json_pack("{s:s, s:[s, {s:s}], s:{s:s}, s:s%, s:i}",
		    "whoami", "a \"output\": b", "exec", "output", "output",
		    "x", "envs", "output", "not this", "output", text, len,
		    "seq", i);
		ck_assert_ptr_nonnull(o);
		for (f = 0; f < nitems(flags); f++) {
			line = json_dumps(o, flags[f] | JSON_PRESERVE_ORDER);
			ck_assert_int_eq(find(line, &a, &b), 1);
			ck_assert_int_eq(jsonfield_decode(line + a, b - a, &buf,
			    &size, &got), 0);
			ck_assert(jsonfield_valid(line + a, b - a, buf, got));
			ck_assert_uint_eq(got, len);
			ck_assert(memcmp(buf, text, len) == 0);
			/* Cut out, the rest is jansson's to judge. */
			memmove(line + a, line + b, strlen(line + b) + 1);
			back = json_loadb(line, strlen(line), JSON_ALLOW_NUL,
			    &err);
			ck_assert_ptr_nonnull(back);
			want = json_deep_copy(o);
			json_object_set_new(want, "output", json_string(""));
			ck_assert(json_equal(back, want));
			json_decref(back);
			json_decref(want);
			free(line);
		}
		json_decref(o);
		free(text);
	}
	free(buf);
}
END_TEST

START_TEST(test_find_cases)
{
	size_t	a, b;

	ck_assert_int_eq(find("{\"output\":\"hi\"}", &a, &b), 1);
	ck_assert_uint_eq(a, 11);
	ck_assert_uint_eq(b, 13);
	ck_assert_int_eq(find(" {\"output\" : \"\" , \"x\":1}", &a, &b), 1);
	ck_assert_uint_eq(a, b);
	/* No such member, or not a string: no text. */
	ck_assert_int_eq(find("{\"error\":\"bad_request: x\"}", &a, &b), 0);
	ck_assert_int_eq(find("{\"output\":null,\"a\":\"output\"}", &a, &b), 0);
	ck_assert_int_eq(find("{\"output\":[\"x\"]}", &a, &b), 0);
	ck_assert_int_eq(find("{\"e\":{\"output\":\"x\"}}", &a, &b), 0);
	ck_assert_int_eq(find("{\"e\":[\"output\",\"x\"]}", &a, &b), 0);
	ck_assert_int_eq(find("{\"e\":\"\\\"output\\\":\\\"x\"}", &a, &b), 0);
	/* Cannot tell: jansson decides. */
	ck_assert_int_eq(find("{\"output\":\"a\",\"output\":\"b\"}", &a, &b),
	    -1);
	ck_assert_int_eq(find("{\"\\u006futput\":\"a\"}", &a, &b), -1);
	ck_assert_int_eq(find("[\"output\",\"a\"]", &a, &b), -1);
	ck_assert_int_eq(find("{\"output\":\"torn", &a, &b), -1);
	ck_assert_int_eq(find("{\"output\":\"x\"", &a, &b), -1);
	ck_assert_int_eq(find("", &a, &b), -1);
	ck_assert_int_eq(find("not json", &a, &b), -1);
}
END_TEST

/* What jansson says of {"output":"BODY"}, and what jsonfield says. */
static void
same_verdict(const char *body, int want_ok)
{
	json_error_t	 err;
	json_t		*v;
	char		*line, *buf = NULL;
	size_t		 size = 0, len, a, b;
	int		 ok;

	xasprintf(&line, "{\"output\":\"%s\"}", body);
	v = json_loadb(line, strlen(line), JSON_ALLOW_NUL, &err);
	ck_assert_int_eq(v != NULL, want_ok);
	ck_assert_int_eq(find(line, &a, &b), 1);
	ok = jsonfield_decode(line + a, b - a, &buf, &size, &len) == 0 &&
	    jsonfield_valid(line + a, b - a, buf, len);
	ck_assert_int_eq(ok, want_ok);
	if (v != NULL) {
		ck_assert_uint_eq(len, json_string_length(json_object_get(v,
		    "output")));
		ck_assert(memcmp(buf, json_string_value(json_object_get(v,
		    "output")), len) == 0);
	}
	json_decref(v);
	free(buf);
	free(line);
}

START_TEST(test_refused_like_jansson)
{
	same_verdict("plain", 1);
	same_verdict("a\\u0000b\\n\\t\\r\\b\\f\\/\\\\\\\"", 1);
	same_verdict("\\ud83d\\ude00 \\u00e9 \\uFFFD", 1);
	same_verdict("caf\xc3\xa9", 1);
	same_verdict("bad \\x escape", 0);
	same_verdict("short \\u12", 0);
	same_verdict("hex \\u12g4", 0);
	same_verdict("lone \\ud83d alone", 0);
	same_verdict("lone \\ude00 low", 0);
	same_verdict("pair \\ud83d\\u0041", 0);
	same_verdict("raw \x01 control", 0);
	same_verdict("raw \t tab", 0);
	same_verdict("bad \xff byte", 0);
	same_verdict("cut \xe2\x82", 0);
	same_verdict("overlong \xc0\xaf", 0);
	same_verdict("surrogate \xed\xa0\x80", 0);
}
END_TEST

static Suite *
jsonfield_suite(void)
{
	Suite	*s = suite_create("jsonfield");
	TCase	*tc = tcase_create("jsonfield");

	tcase_add_test(tc, test_model_against_jansson);
	tcase_add_test(tc, test_find_cases);
	tcase_add_test(tc, test_refused_like_jansson);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(jsonfield_suite)
