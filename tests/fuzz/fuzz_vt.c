/*
 * fuzz_vt.c: libFuzzer target for the libtsm wrapper (src/vt.c).
 *
 * The first input byte picks a split point and a few extra actions; the
 * rest is PTY output, fed into a small terminal (40x10, 20 lines of
 * scrollback) once whole and once in two pieces.  The invariants: no
 * crash or sanitizer report; every drawn cell has width 1 or 2, fits on
 * the screen, holds no control character and no non-scalar code point,
 * and no cell is drawn twice or overlapped by a wide one; the text is
 * valid UTF-8 with no control character but newline; the text, the
 * cursor and the replies do not depend on the chunking; scrolling,
 * keys, resizing and resets afterwards do not crash.
 */
#include "rexec.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xkbcommon/xkbcommon-keysyms.h>

#include "utf8.h"
#include "vt.h"

#define FUZZ_COLS	40
#define FUZZ_ROWS	10
#define FUZZ_SB		20

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct sink {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

struct cells {
	unsigned int	cols, rows;
	uint8_t		seen[FUZZ_ROWS + 40][FUZZ_COLS + 40];
};

static void
sink_write(const char *buf, size_t len, void *arg)
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

static void
check_cell(unsigned int x, unsigned int y, const struct vt_cell *cell,
    void *arg)
{
	struct cells	*c = arg;
	uint32_t	 cp;
	size_t		 i;

	if (x >= c->cols || y >= c->rows)
		abort();
	if (cell->width != 1 && cell->width != 2)
		abort();
	if (x + cell->width > c->cols)
		abort();
	if (c->seen[y][x] || (cell->width == 2 && c->seen[y][x + 1]))
		abort();
	c->seen[y][x] = 1;
	if (cell->width == 2)
		c->seen[y][x + 1] = 1;
	if ((cell->nchars == 0) != (cell->ch == 0))
		abort();
	for (i = 0; i < cell->nchars; i++) {
		cp = cell->chars[i];
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			abort();
	}
	if (cell->fg < -1 || cell->bg < -1)
		abort();
	if (cell->fg >= 16 && !VT_IS_RGB(cell->fg))
		abort();
	if (cell->bg >= 16 && !VT_IS_RGB(cell->bg))
		abort();
}

/* Draw every cell and check that the screen is covered exactly once. */
static void
check_draw(struct vt *vt)
{
	struct cells	*c;
	unsigned int	 x, y;

	c = xcalloc(1, sizeof(*c));
	vt_size(vt, &c->cols, &c->rows);
	if (c->cols > FUZZ_COLS + 40 || c->rows > FUZZ_ROWS + 40)
		abort();
	vt_draw(vt, check_cell, c);
	for (y = 0; y < c->rows; y++) {
		for (x = 0; x < c->cols; x++) {
			if (!c->seen[y][x])
				abort();
		}
	}
	free(c);
}

static char *
check_text(struct vt *vt, size_t *len)
{
	char	*t;
	size_t	 i;

	t = vt_text(vt, len);
	if (strlen(t) != *len || !utf8_valid(t, *len))
		abort();
	for (i = 0; i < *len; i++) {
		if ((uint8_t)t[i] < 0x20 && t[i] != '\n')
			abort();
		if (t[i] == 0x7f)
			abort();
	}
	if (*len != 0 && t[*len - 1] != '\n')
		abort();
	return (t);
}

/* Feed data in two pieces split at split; return the terminal. */
static struct vt *
run(const uint8_t *data, size_t size, size_t split, struct sink *replies)
{
	struct vt	*vt;

	memset(replies, 0, sizeof(*replies));
	vt = vt_new(FUZZ_COLS, FUZZ_ROWS, FUZZ_SB, sink_write, replies);
	vt_feed(vt, (const char *)data, split);
	vt_feed(vt, (const char *)data + split, size - split);
	return (vt);
}

/* Scroll, type, resize and reset: nothing may break. */
static void
poke(struct vt *vt, uint8_t sel)
{
	static const uint32_t	 keys[] = {
		XKB_KEY_Up, XKB_KEY_BackSpace, XKB_KEY_Return, XKB_KEY_F5,
		XKB_KEY_KP_Enter, XKB_KEY_Home, XKB_KEY_Delete, XKB_KEY_a
	};
	unsigned int		 lines, x, y;
	size_t			 len;

	lines = vt_scrollback_lines(vt);
	if (lines > FUZZ_SB)
		abort();
	vt_scroll(vt, 1 + sel % 25);
	if (vt_scroll_offset(vt) > lines)
		abort();
	check_draw(vt);
	free(check_text(vt, &len));
	vt_scroll(vt, -(int)(sel % 7));
	vt_cursor(vt, &x, &y);
	vt_key(vt, keys[sel % nitems(keys)], XKB_KEY_NoSymbol,
	    (sel >> 3) & 0x1f, (sel & 1) ? 'a' : VT_NO_UNICODE);
	vt_scroll_reset(vt);
	if (vt_scroll_offset(vt) != 0)
		abort();
	vt_cursor(vt, &x, &y);
	if (x >= FUZZ_COLS || y >= FUZZ_ROWS)
		abort();
	vt_resize(vt, 1 + sel % 60, 1 + (sel >> 2) % 30);
	check_draw(vt);
	free(check_text(vt, &len));
	vt_reset(vt);
	check_draw(vt);
	vt_clear(vt);
	free(check_text(vt, &len));
	if (len != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink	 r1, r2;
	struct vt	*whole, *split;
	char		*t1, *t2;
	size_t		 l1, l2;
	unsigned int	 x1, y1, x2, y2;
	int		 c1, c2;
	uint8_t		 sel;

	if (size < 1)
		return (0);
	sel = data[0];
	data++;
	size--;

	whole = run(data, size, size, &r1);
	split = run(data, size, size == 0 ? 0 : (sel * 7919u) % (size + 1),
	    &r2);
	check_draw(whole);
	check_draw(split);
	t1 = check_text(whole, &l1);
	t2 = check_text(split, &l2);
	if (l1 != l2 || memcmp(t1, t2, l1) != 0)
		abort();
	c1 = vt_cursor(whole, &x1, &y1);
	c2 = vt_cursor(split, &x2, &y2);
	if (c1 != c2 || x1 != x2 || y1 != y2)
		abort();
	if (r1.len != r2.len || (r1.len != 0 &&
	    memcmp(r1.buf, r2.buf, r1.len) != 0))
		abort();
	poke(whole, sel);

	free(t1);
	free(t2);
	free(r1.buf);
	free(r2.buf);
	vt_free(whole);
	vt_free(split);
	return (0);
}
