/*
 * fuzz_ttyfilter.c: libFuzzer target for the replay filter
 * (src/ttyfilter.c).
 *
 * The first input byte seeds the chunk sizes; the rest is a recording's
 * output.  The invariants: no crash or sanitizer report; the output is
 * the same fed whole, cut into seeded random chunks and fed byte by byte;
 * it is valid UTF-8 and holds no string introducer (ESC ] P _ ^ X), no
 * ST, no C1 control in either form (so no lone byte 0x90, 0x9b or 0x9d:
 * such bytes may only continue a character of U+00A0 or above), no C0
 * control but those that draw, and no ESC left unfinished at its end;
 * every CSI in it ends with a final that draws (never n, c, t, p, q...);
 * and filtering the output again changes nothing, so every sequence in it
 * is one the filter keeps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttyfilter.h"
#include "utf8.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct sink {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

static void
sink_emit(const char *buf, size_t len, void *arg)
{
	struct sink	*s = arg;

	if (len == 0)
		abort();
	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, buf, len);
	s->len += len;
}

/*
 * Filter data in chunks: step 0 whole, 1 byte by byte, else chunk sizes
 * from the seed, 1 to 16 bytes, so that cuts fall inside sequences.
 */
static void
filter(const uint8_t *data, size_t size, uint32_t seed, int step,
    struct sink *s)
{
	struct ttyfilter	*tf;
	size_t			 off, k;

	memset(s, 0, sizeof(*s));
	tf = ttyfilter_new(sink_emit, s);
	for (off = 0; off < size; off += k) {
		if (step == 0)
			k = size;
		else if (step == 1)
			k = 1;
		else {
			seed = seed * 1103515245U + 12345U;
			k = 1 + (seed >> 16) % 16;
		}
		if (k > size - off)
			k = size - off;
		ttyfilter_feed(tf, data + off, k);
	}
	ttyfilter_finish(tf);
	ttyfilter_free(tf);
}

static void
same(const struct sink *a, const struct sink *b)
{
	if (a->len != b->len || (a->len != 0 &&
	    memcmp(a->buf, b->buf, a->len) != 0))
		abort();
}

/* The CSI at p[0..len) is whole and its final one of those kept. */
static void
check_csi(const uint8_t *p, size_t len)
{
	size_t	i;

	for (i = 2; i < len && p[i] >= 0x20 && p[i] < 0x40; i++)
		;
	if (i == len || p[i] == 0 ||
	    strchr("ABCDEFGHIJKLMPSTXZ@`abdefhlmrsu", p[i]) == NULL)
		abort();
}

static void
check_clean(const struct sink *s)
{
	const uint8_t	*p = (const uint8_t *)s->buf;
	size_t		 i;

	if (!utf8_valid(s->buf, s->len))
		abort();
	for (i = 0; i < s->len; i++) {
		if (p[i] == 0x1b) {
			if (i + 1 == s->len ||
			    strchr("]P_^X\\", p[i + 1]) != NULL)
				abort();
			if (p[i + 1] == '[')
				check_csi(p + i, s->len - i);
		} else if (p[i] < 0x20) {
			if (p[i] == 0 || strchr("\b\t\n\v\f\r\016\017",
			    p[i]) == NULL)
				abort();
		} else if (p[i] == 0x7f)
			abort();
		else if (p[i] == 0xc2 && i + 1 < s->len &&
		    p[i + 1] < 0xa0)
			abort();	/* U+0080..U+009F */
		if (p[i] >= 0xc0) {
			/* Skip the continuation bytes of a valid character. */
			while (i + 1 < s->len && (p[i + 1] & 0xc0) == 0x80)
				i++;
		} else if (p[i] >= 0x80)
			abort();	/* a lone 0x80..0xbf: never */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink	whole, chunks, bytes, again;
	uint32_t	seed;

	if (size < 1)
		return (0);
	seed = data[0];
	data++;
	size--;

	filter(data, size, 0, 0, &whole);
	check_clean(&whole);
	filter(data, size, seed, 2, &chunks);
	same(&whole, &chunks);
	filter(data, size, 0, 1, &bytes);
	same(&whole, &bytes);
	filter((const uint8_t *)whole.buf, whole.len, 0, 0, &again);
	same(&whole, &again);

	free(whole.buf);
	free(chunks.buf);
	free(bytes.buf);
	free(again.buf);
	return (0);
}
