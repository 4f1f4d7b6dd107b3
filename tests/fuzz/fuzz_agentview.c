/*
 * fuzz_agentview.c: libFuzzer target for the agent view (src/agentview.c)
 * and the cap (src/cap.c).
 *
 * The first input byte picks the options (cr mode, a small window so that
 * lines scroll out often, the cap budget); the rest is PTY output.  The
 * invariants: no crash or sanitizer report; the text is valid UTF-8 with
 * no ESC and no C1 control; every emit is valid UTF-8 on its own; the text
 * is the same fed whole, split at one point and fed byte by byte; the
 * capped text is valid UTF-8 and accounts for every byte.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentview.h"
#include "cap.h"
#include "utf8.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct sink {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

static void
sink_emit(const char *text, size_t len, void *arg)
{
	struct sink	*s = arg;

	if (len == 0 || !utf8_valid(text, len))
		abort();
	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, text, len);
	s->len += len;
}

/* Render data fed in pieces of step bytes after a first piece of split. */
static void
render(const struct agentview_opts *o, const uint8_t *data, size_t size,
    size_t split, size_t step, struct sink *s)
{
	struct agentview	*av;
	size_t			 off, k;

	memset(s, 0, sizeof(*s));
	av = agentview_new(o, sink_emit, s);
	agentview_feed(av, data, split);
	for (off = split; off < size; off += k) {
		k = size - off < step ? size - off : step;
		agentview_feed(av, data + off, k);
	}
	agentview_finish(av);
	agentview_free(av);
}

static void
check_clean(const struct sink *s)
{
	size_t	i;

	if (!utf8_valid(s->buf, s->len))
		abort();
	for (i = 0; i < s->len; i++) {
		if (s->buf[i] == '\x1b')
			abort();
		if ((uint8_t)s->buf[i] == 0xc2 && i + 1 < s->len &&
		    (uint8_t)s->buf[i + 1] >= 0x80 &&
		    (uint8_t)s->buf[i + 1] < 0xa0)
			abort();
	}
}

static void
same(const struct sink *a, const struct sink *b)
{
	if (a->len != b->len || (a->len != 0 &&
	    memcmp(a->buf, b->buf, a->len) != 0))
		abort();
}

/* The cap of the text: valid UTF-8, whole when it fits, bytes add up. */
static void
check_cap(const struct sink *s, size_t max, size_t piece)
{
	struct cap	*c;
	const char	*out;
	size_t		 len, off, k;

	c = cap_new(max, (piece & 1) ? "7" : NULL);
	for (off = 0; off < s->len; off += k) {
		k = s->len - off < piece ? s->len - off : piece;
		cap_append(c, s->buf + off, k);
	}
	out = cap_finish(c, &len);
	if (!utf8_valid(out, len) || cap_total(c) != s->len)
		abort();
	if (!cap_truncated(c)) {
		if (len != s->len || (len != 0 && memcmp(out, s->buf, len)))
			abort();
	} else {
		if (cap_omitted(c) == 0 || cap_omitted(c) > s->len ||
		    strstr(out, " bytes omitted") == NULL ||
		    len > max + 100)
			abort();
	}
	cap_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agentview_opts	 o;
	struct sink		 whole, split, bytes;
	uint8_t			 sel;

	if (size < 1)
		return (0);
	sel = data[0];
	data++;
	size--;
	o.cr_newline = sel & 1;
	o.window = (sel & 0x80) ? AGENTVIEW_DEFAULT_WINDOW : 1 + (sel >> 1) % 5;

	render(&o, data, size, size, 1, &whole);
	check_clean(&whole);
	render(&o, data, size, size == 0 ? 0 : (sel * 7919u) % (size + 1),
	    size + 1, &split);
	same(&whole, &split);
	render(&o, data, size, 0, 1, &bytes);
	same(&whole, &bytes);
	check_cap(&whole, 1 + (sel * 31u) % 200, 1 + sel % 7);

	free(whole.buf);
	free(split.buf);
	free(bytes.buf);
	return (0);
}
