/*
 * fuzz_journal.c: libFuzzer target for the readers of what the host
 * writes: the journal reader (src/journal.c), plain and brief, and the
 * asciicast reader (src/cast.c).
 *
 * The input is a file.  Whatever it holds, the journal reader returns
 * only JSON objects; a brief reader's objects never hold a string (key or
 * value) longer than its limit, which the first byte picks; the cast
 * reader returns only events with a finite time at or after 0.
 */
#include "rexec.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cast.h"
#include "journal.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(e)	do { if (!(e)) abort(); } while (0)

static char	path[64];
static int	fd = -1;

/* No string in v, keys included, longer than max bytes. */
static void
check_brief(json_t *v, size_t max)
{
	const char	*key;
	json_t		*e;
	size_t		 i;

	if (json_is_string(v))
		CHECK(json_string_length(v) <= max);
	else if (json_is_object(v)) {
		json_object_foreach(v, key, e) {
			CHECK(strlen(key) <= max);
			check_brief(e, max);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			check_brief(e, max);
	}
}

static void
read_journal(size_t brief)
{
	struct journal_reader	*r;
	json_t			*line;
	char			*cause = NULL;

	r = journal_reader_open(path, &cause);
	CHECK(r != NULL);
	if (brief != 0)
		journal_reader_brief(r, brief);
	while (journal_reader_next(r, &line) == 1) {
		CHECK(json_is_object(line));
		if (brief != 0)
			check_brief(line, brief);
		json_decref(line);
	}
	journal_reader_close(r);
}

static void
read_cast(void)
{
	struct cast	*c;
	const char	*data;
	char		*cause = NULL;
	size_t		 len;
	double		 t;

	if ((c = cast_open(path, &cause)) == NULL) {
		CHECK(cause != NULL && *cause != '\0');
		free(cause);
		return;
	}
	CHECK(cast_header(c)->width >= 1 && cast_header(c)->height >= 1);
	while (cast_next(c, &t, &data, &len) == 1) {
		CHECK(isfinite(t) && t >= 0);
		CHECK(data != NULL);
	}
	cast_close(c);
}

/* The readers open a path: one file for the whole run, gone at exit. */
static void
remove_tmp(void)
{
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fd == -1) {
		snprintf(path, sizeof path, "/tmp/fuzz_journal.XXXXXX");
		CHECK((fd = mkstemp(path)) != -1);
		atexit(remove_tmp);
	}
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
	read_journal(0);
	read_journal(size > 0 ? 1 + data[0] % 64 : 1);
	read_cast();
	return (0);
}
