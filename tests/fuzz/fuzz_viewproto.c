/*
 * fuzz_viewproto.c: libFuzzer target for the viewer protocol's reader
 * (src/viewproto.c), which takes whatever a viewer or a host sends.
 *
 * The input is fed in pieces whose sizes come from its first byte, as a
 * socket would hand it over.  The invariants: the reader never crashes
 * and never reads past what it was given (the sanitizers watch); a frame
 * it hands out is a JSON object with a data part inside the input; once
 * it has refused the framing it refuses it again; and every frame it
 * hands out, encoded again and read back, is the same object and data.
 */
#include "rexec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "viewproto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

/* The frame, written again and read back alone, is itself. */
static void
roundtrip(json_t *obj, const char *data, size_t len)
{
	struct viewproto_reader	*rd = viewproto_reader_new();
	json_t			*again;
	const char		*d;
	char			*frame, *cause = NULL;
	size_t			 size, l;

	frame = viewproto_frame(obj, data, len, &size);
	if (frame == NULL) {
		/* Only an object too big once written compactly. */
		viewproto_reader_free(rd);
		return;
	}
	viewproto_reader_put(rd, frame, size);
	CHECK(viewproto_reader_next(rd, &again, &d, &l, &cause) == 1);
	CHECK(json_equal(obj, again));
	CHECK(l == len && (len == 0 || memcmp(d, data, len) == 0));
	CHECK(viewproto_reader_next(rd, &again, &d, &l, &cause) == 0);
	free(frame);
	viewproto_reader_free(rd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t size)
{
	struct viewproto_reader	*rd;
	json_t			*obj, *copy;
	const char		*data;
	char			*cause;
	size_t			 off, piece, len, step;
	int			 r, broken = 0;

	if (size == 0)
		return (0);
	step = buf[0] % 17 + 1;
	rd = viewproto_reader_new();
	for (off = 1; off < size && !broken; off += piece) {
		piece = size - off < step ? size - off : step;
		viewproto_reader_put(rd, buf + off, piece);
		for (;;) {
			cause = NULL;
			r = viewproto_reader_next(rd, &obj, &data, &len, &cause);
			if (r == 0)
				break;
			if (r == -1) {
				CHECK(cause != NULL);
				free(cause);
				cause = NULL;
				CHECK(viewproto_reader_next(rd, &obj, &data,
				    &len, &cause) == -1);
				free(cause);
				broken = 1;
				break;
			}
			CHECK(json_is_object(obj));
			CHECK(len <= VIEWPROTO_MAX_DATA);
			CHECK(len <= size);
			copy = json_deep_copy(obj);
			roundtrip(copy, data, len);
			json_decref(copy);
		}
	}
	viewproto_reader_free(rd);
	return (0);
}
