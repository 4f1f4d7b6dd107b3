/*
 * fuzz_jsonfield.c: libFuzzer target for src/jsonfield.c, the fast path
 * rexec grep takes to a run's text, held to jansson byte for byte.
 *
 * The input is one journal line.  The invariants, with jansson (as the
 * journal reader calls it, JSON_ALLOW_NUL) as the judge:
 *   - where jansson reads the line as an object and jsonfield_find says
 *     where "output" is, jansson's "output" is a string, and decoding and
 *     checking that body gives exactly its bytes;
 *   - where jsonfield_find says there is no string "output", jansson's
 *     object has none either;
 *   - what grep relies on: when the body decodes and checks, and jansson
 *     reads the line with that body cut out, jansson reads the whole line
 *     too, with that very text.
 */
#include "rexec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonfield.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	const char	*line = (const char *)data;
	json_t		*whole, *cut, *out;
	json_error_t	 err;
	char		*text = NULL, *rest;
	size_t		 size = 0, len = 0, a, b;
	int		 found, decoded = 0;

	found = jsonfield_find(line, n, "output", &a, &b);
	if (found == 1) {
		CHECK(a <= b && b < n && line[a - 1] == '"' && line[b] == '"');
		decoded = jsonfield_decode(line + a, b - a, &text, &size,
		    &len) == 0 && jsonfield_valid(line + a, b - a, text, len);
	}

	whole = json_loadb(line, n, JSON_ALLOW_NUL, &err);
	if (json_is_object(whole)) {
		out = json_object_get(whole, "output");
		if (found == 1) {
			CHECK(json_is_string(out));
			CHECK(decoded);
			CHECK(json_string_length(out) == len &&
			    memcmp(json_string_value(out), text, len) == 0);
		} else if (found == 0)
			CHECK(!json_is_string(out));
	}

	if (found == 1 && decoded) {
		rest = malloc(n - (b - a) + 1);
		CHECK(rest != NULL);
		memcpy(rest, line, a);
		memcpy(rest + a, line + b, n - b);
		cut = json_loadb(rest, a + (n - b), JSON_ALLOW_NUL, &err);
		if (json_is_object(cut)) {
			CHECK(json_is_object(whole));
			out = json_object_get(whole, "output");
			CHECK(json_is_string(out) &&
			    json_string_length(out) == len &&
			    memcmp(json_string_value(out), text, len) == 0);
		}
		json_decref(cut);
		free(rest);
	}
	json_decref(whole);
	free(text);
	return (0);
}
