/*
 * fuzz_idscan.c: libFuzzer target for request_scan_id() (src/request.c),
 * the tolerant scan that finds the id of a line jansson refuses.
 *
 * The input is one raw line.  The invariants: the scan reads nothing
 * outside the line (ASan sees the input buffer end); what it returns is
 * NULL or a valid id; and where jansson can read the line as an object
 * with a valid string id, the scan never names another id, finds that
 * id whenever the line holds no backslash at all, and finds it in the
 * line jansson writes back (escapes elsewhere, plain id), whatever the
 * layout.
 */
#include "rexec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "request.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

/* The layouts jansson can write a line in; the input picks one. */
static const size_t	dump_flags[] = {
	JSON_COMPACT,
	0,
	JSON_INDENT(2),
	JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS,
	JSON_INDENT(1) | JSON_ESCAPE_SLASH
};

static char *
scan(const char *line, size_t len)
{
	char	*id;

	id = request_scan_id(line, len);
	CHECK(id == NULL || request_id_valid(id));
	return (id);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*line = (const char *)data, *want;
	json_t		*root, *v;
	json_error_t	 err;
	char		*got, *text;

	got = scan(line, size);

	root = json_loadb(line, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
	    &err);
	if (root == NULL || !json_is_object(root) ||
	    (v = json_object_get(root, "id")) == NULL || !json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v) ||
	    !request_id_valid(json_string_value(v))) {
		json_decref(root);
		free(got);
		return (0);
	}
	want = json_string_value(v);

	/* A wrong id would answer another client: never allowed. */
	CHECK(got == NULL || strcmp(got, want) == 0);
	/* Without escapes nothing can hide the id from the scan. */
	if (memchr(line, '\\', size) == NULL)
		CHECK(got != NULL);
	free(got);

	/* The same object as a client library would write it. */
	text = json_dumps(root, dump_flags[size % nitems(dump_flags)]);
	CHECK(text != NULL);
	got = scan(text, strlen(text));
	CHECK(got != NULL && strcmp(got, want) == 0);
	free(got);
	free(text);

	json_decref(root);
	return (0);
}
