/*
 * test_vt.c: the libtsm wrapper (src/vt.c).  Cells are drawn into a
 * small grid, as the UI would draw them into curses; replies and key
 * bytes are collected from the write callback.
 */
#include "rexec.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include <xkbcommon/xkbcommon-keysyms.h>

#include "unit.h"
#include "utf8.h"
#include "vt.h"

#define GRID_MAX	64

struct gcell {
	uint32_t	ch;
	unsigned int	width;
	int		fg, bg;
	unsigned int	attrs;
	int		calls;
};

static struct gcell	grid[GRID_MAX][GRID_MAX];
static int		grid_calls;
static char		wbuf[4096];
static size_t		wlen;

static void
collect(const char *buf, size_t len, void *arg)
{
	(void)arg;
	ck_assert_uint_le(wlen + len, sizeof(wbuf) - 1);
	memcpy(wbuf + wlen, buf, len);
	wlen += len;
	wbuf[wlen] = '\0';
}

static void
wreset(void)
{
	wlen = 0;
	wbuf[0] = '\0';
}

static void
grid_cell(unsigned int x, unsigned int y, const struct vt_cell *cell,
    void *arg)
{
	struct gcell	*g;

	(void)arg;
	ck_assert_uint_lt(x, GRID_MAX);
	ck_assert_uint_lt(y, GRID_MAX);
	ck_assert(cell->width == 1 || cell->width == 2);
	ck_assert_uint_eq(cell->ch, cell->nchars != 0 ? cell->chars[0] : 0);
	g = &grid[y][x];
	g->ch = cell->ch;
	g->width = cell->width;
	g->fg = cell->fg;
	g->bg = cell->bg;
	g->attrs = cell->attrs;
	g->calls++;
	grid_calls++;
}

static void
draw(struct vt *vt)
{
	memset(grid, 0, sizeof(grid));
	grid_calls = 0;
	vt_draw(vt, grid_cell, NULL);
}

static void
feed(struct vt *vt, const char *s)
{
	vt_feed(vt, s, strlen(s));
}

/* The screen's text must equal want. */
static void
text_is(struct vt *vt, const char *want)
{
	char	*t;
	size_t	 len;

	t = vt_text(vt, &len);
	ck_assert_uint_eq(strlen(t), len);
	ck_assert(utf8_valid(t, len));
	ck_assert_str_eq(t, want);
	free(t);
}

/* The first line of the screen's text must equal want. */
static void
top_is(struct vt *vt, const char *want)
{
	char	*t, *nl;

	t = vt_text(vt, NULL);
	if ((nl = strchr(t, '\n')) != NULL)
		*nl = '\0';
	ck_assert_str_eq(t, want);
	free(t);
}

START_TEST(test_plain_text_and_wrap)
{
	struct vt	*vt = vt_new(10, 3, 0, NULL, NULL);

	text_is(vt, "");
	feed(vt, "hello\r\nworld");
	text_is(vt, "hello\nworld\n");
	vt_free(vt);

	vt = vt_new(10, 3, 0, NULL, NULL);
	feed(vt, "abcdefghijKLM");
	text_is(vt, "abcdefghij\nKLM\n");
	draw(vt);
	ck_assert_int_eq(grid_calls, 30);
	ck_assert_uint_eq(grid[0][9].ch, 'j');
	ck_assert_uint_eq(grid[1][0].ch, 'K');
	ck_assert_uint_eq(grid[2][0].ch, 0);
	vt_free(vt);
}
END_TEST

START_TEST(test_cr_lf_bs)
{
	struct vt	*vt = vt_new(20, 8, 0, NULL, NULL);

	feed(vt, "abc\rX");
	text_is(vt, "Xbc\n");
	feed(vt, "\r\nabc\bD");
	text_is(vt, "Xbc\nabD\n");
	feed(vt, "\r\nq\nr");		/* LF alone keeps the column */
	text_is(vt, "Xbc\nabD\nq\n r\n");
	feed(vt, "\r\n\r\nend  ");	/* empty rows inside stay */
	text_is(vt, "Xbc\nabD\nq\n r\n\nend\n");
	feed(vt, "\b\b\b\b\b\b\b\bE");	/* BS stops at column 0 */
	text_is(vt, "Xbc\nabD\nq\n r\n\nEnd\n");
	vt_free(vt);
}
END_TEST

START_TEST(test_progress_bar_final_state)
{
	struct vt	*vt = vt_new(30, 4, 0, NULL, NULL);
	char		 buf[128];
	int		 i;

	feed(vt, "building\r\n");
	for (i = 0; i <= 20; i++) {
		snprintf(buf, sizeof(buf), "\r\033[1;32m%.*s\033[0m%*s %3d%%"
		    "\033[K", i / 2, "##########", 10 - i / 2, "", i * 5);
		feed(vt, buf);
	}
	feed(vt, "\r\ndone\r\n");
	text_is(vt, "building\n########## 100%\ndone\n");
	draw(vt);
	ck_assert_uint_eq(grid[1][0].ch, '#');
	ck_assert_int_eq(grid[1][0].fg, 2);
	ck_assert_uint_eq(grid[1][0].attrs, VT_BOLD);
	ck_assert_uint_eq(grid[1][11].ch, '1');
	ck_assert_int_eq(grid[1][11].fg, VT_DEFAULT);
	ck_assert_uint_eq(grid[1][11].attrs, 0);
	vt_free(vt);
}
END_TEST

START_TEST(test_sgr_colours)
{
	struct vt	*vt = vt_new(20, 2, 0, NULL, NULL);

	feed(vt, "\033[31ma\033[91mb\033[42mc\033[38;5;9md\033[38;5;196me"
	    "\033[48;5;232mf\033[38;2;1;2;3mg\033[48;2;250;128;0mh"
	    "\033[39;49mi\033[38;5;16mj\033[0mk");
	draw(vt);
	ck_assert_int_eq(grid[0][0].fg, 1);
	ck_assert_int_eq(grid[0][0].bg, VT_DEFAULT);
	ck_assert_int_eq(grid[0][1].fg, 9);
	ck_assert_int_eq(grid[0][2].fg, 9);
	ck_assert_int_eq(grid[0][2].bg, 2);
	ck_assert_int_eq(grid[0][3].fg, 9);		/* 38;5;N, N < 16 */
	ck_assert_int_eq(grid[0][4].fg, VT_RGB(255, 0, 0));	/* 196 */
	ck_assert(VT_IS_RGB(grid[0][4].fg));
	ck_assert_int_eq(grid[0][5].bg, VT_RGB(8, 8, 8));	/* 232 */
	ck_assert_int_eq(grid[0][6].fg, VT_RGB(1, 2, 3));
	ck_assert_int_eq(VT_RGB_R(grid[0][6].fg), 1);
	ck_assert_int_eq(VT_RGB_G(grid[0][6].fg), 2);
	ck_assert_int_eq(VT_RGB_B(grid[0][6].fg), 3);
	ck_assert_int_eq(grid[0][7].bg, VT_RGB(250, 128, 0));
	ck_assert_int_eq(grid[0][8].fg, VT_DEFAULT);
	ck_assert_int_eq(grid[0][8].bg, VT_DEFAULT);
	ck_assert_int_eq(grid[0][9].fg, VT_RGB(0, 0, 0));	/* 16 */
	ck_assert_int_eq(grid[0][10].fg, VT_DEFAULT);
	ck_assert(!VT_IS_RGB(VT_DEFAULT));
	ck_assert(!VT_IS_RGB(15));
	vt_free(vt);
}
END_TEST

START_TEST(test_attributes)
{
	struct vt	*vt = vt_new(20, 2, 0, NULL, NULL);

	feed(vt, "\033[1ma\033[0;4mb\033[0;3mc\033[0;7md\033[0;5me"
	    "\033[1;4;3;7;5mf\033[22;24;23;27;25mg\033[1;31mh\033[0mi");
	draw(vt);
	ck_assert_uint_eq(grid[0][0].attrs, VT_BOLD);
	ck_assert_uint_eq(grid[0][1].attrs, VT_UNDERLINE);
	ck_assert_uint_eq(grid[0][2].attrs, VT_ITALIC);
	ck_assert_uint_eq(grid[0][3].attrs, VT_INVERSE);
	ck_assert_uint_eq(grid[0][4].attrs, VT_BLINK);
	ck_assert_uint_eq(grid[0][5].attrs,
	    VT_BOLD | VT_UNDERLINE | VT_ITALIC | VT_INVERSE | VT_BLINK);
	ck_assert_uint_eq(grid[0][6].attrs, 0);
	ck_assert_uint_eq(grid[0][7].attrs, VT_BOLD);
	ck_assert_int_eq(grid[0][7].fg, 1);		/* bold does not brighten */
	ck_assert_uint_eq(grid[0][8].attrs, 0);
	vt_free(vt);
}
END_TEST

START_TEST(test_default_colours)
{
	struct vt	*vt = vt_new(8, 2, 0, NULL, NULL);
	unsigned int	 x, y;

	feed(vt, "plain");
	draw(vt);
	ck_assert_int_eq(grid_calls, 16);
	for (y = 0; y < 2; y++) {
		for (x = 0; x < 8; x++) {
			ck_assert_int_eq(grid[y][x].calls, 1);
			ck_assert_int_eq(grid[y][x].fg, VT_DEFAULT);
			ck_assert_int_eq(grid[y][x].bg, VT_DEFAULT);
			ck_assert_uint_eq(grid[y][x].attrs, 0);
			ck_assert_uint_eq(grid[y][x].width, 1);
		}
	}
	ck_assert_uint_eq(grid[0][4].ch, 'n');
	ck_assert_uint_eq(grid[0][5].ch, 0);
	vt_free(vt);
}
END_TEST

START_TEST(test_cursor_cell_not_inverted)
{
	struct vt	*vt = vt_new(10, 3, 0, NULL, NULL);
	unsigned int	 x, y;

	feed(vt, "ab\r\ncd");
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 1);
	ck_assert_uint_eq(x, 2);
	ck_assert_uint_eq(y, 1);
	draw(vt);
	ck_assert_uint_eq(grid[1][2].attrs, 0);
	feed(vt, "\b");				/* on a character */
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 1);
	ck_assert_uint_eq(x, 1);
	draw(vt);
	ck_assert_uint_eq(grid[1][1].ch, 'd');
	ck_assert_uint_eq(grid[1][1].attrs, 0);
	feed(vt, "\033[7m\033[1;1Hz");		/* really inverse: stays */
	draw(vt);
	ck_assert_uint_eq(grid[0][0].attrs, VT_INVERSE);
	ck_assert_uint_eq(grid[0][1].attrs, 0);
	feed(vt, "\033[0m\033[2;10Hx");	/* pending wrap: last cell */
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 1);
	ck_assert_uint_eq(x, 9);
	ck_assert_uint_eq(y, 1);
	vt_free(vt);
}
END_TEST

START_TEST(test_hidden_cursor)
{
	struct vt	*vt = vt_new(10, 3, 0, NULL, NULL);
	unsigned int	 x, y;

	feed(vt, "ab\033[?25l");
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 0);
	ck_assert_uint_eq(x, 2);
	draw(vt);
	ck_assert_uint_eq(grid[0][2].attrs, 0);
	feed(vt, "\033[?25h");
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 1);
	draw(vt);
	ck_assert_uint_eq(grid[0][2].attrs, 0);
	feed(vt, "\033[?25l");
	vt_draw(vt, grid_cell, NULL);		/* drawing keeps it hidden */
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 0);
	vt_free(vt);
}
END_TEST

START_TEST(test_wide_characters)
{
	struct vt	*vt = vt_new(10, 2, 0, NULL, NULL);

	feed(vt, "\xe4\xb8\xad\xf0\x9f\x98\x80x");	/* CJK, emoji, x */
	draw(vt);
	ck_assert_uint_eq(grid[0][0].ch, 0x4e2d);
	ck_assert_uint_eq(grid[0][0].width, 2);
	ck_assert_int_eq(grid[0][1].calls, 0);
	ck_assert_uint_eq(grid[0][2].ch, 0x1f600);
	ck_assert_uint_eq(grid[0][2].width, 2);
	ck_assert_int_eq(grid[0][3].calls, 0);
	ck_assert_uint_eq(grid[0][4].ch, 'x');
	ck_assert_uint_eq(grid[0][4].width, 1);
	ck_assert_int_eq(grid_calls, 20 - 2);
	text_is(vt, "\xe4\xb8\xad\xf0\x9f\x98\x80x\n");
	vt_free(vt);
}
END_TEST

START_TEST(test_wide_characters_broken)
{
	struct vt	*vt = vt_new(10, 2, 0, NULL, NULL);

	/* Left half overwritten: the right half is an empty cell. */
	feed(vt, "\xe4\xb8\xad\xe4\xb8\xad\rA\033[4GB");
	draw(vt);
	ck_assert_uint_eq(grid[0][0].ch, 'A');
	ck_assert_int_eq(grid[0][1].calls, 1);
	ck_assert_uint_eq(grid[0][1].ch, 0);
	ck_assert_uint_eq(grid[0][1].width, 1);
	/* Right half overwritten: the left half is an empty cell. */
	ck_assert_int_eq(grid[0][2].calls, 1);
	ck_assert_uint_eq(grid[0][2].ch, 0);
	ck_assert_uint_eq(grid[0][2].width, 1);
	ck_assert_uint_eq(grid[0][3].ch, 'B');
	ck_assert_int_eq(grid_calls, 20);
	text_is(vt, "A  B\n");
	vt_free(vt);

	/* libtsm puts a wide character in the last column: empty there. */
	vt = vt_new(10, 2, 0, NULL, NULL);
	feed(vt, "123456789\xe4\xb8\xadX");
	draw(vt);
	ck_assert_uint_eq(grid[0][9].ch, 0);
	ck_assert_uint_eq(grid[0][9].width, 1);
	ck_assert_uint_eq(grid[1][0].ch, 'X');
	text_is(vt, "123456789\nX\n");
	vt_free(vt);
}
END_TEST

START_TEST(test_invalid_code_points)
{
	struct vt	*vt = vt_new(10, 2, 0, NULL, NULL);

	/* A surrogate (libtsm alone would store U+D800), DEL, a C1 byte. */
	feed(vt, "\xff" "a\xed\xa0\x80" "b\x7f\x9b" "c");
	draw(vt);
	ck_assert_uint_eq(grid[0][0].ch, 0xfffd);
	ck_assert_uint_eq(grid[0][1].ch, 'a');
	ck_assert_uint_eq(grid[0][2].ch, 0xfffd);
	ck_assert_uint_eq(grid[0][3].ch, 0xfffd);
	ck_assert_uint_eq(grid[0][4].ch, 0xfffd);
	ck_assert_uint_eq(grid[0][5].ch, 'b');
	ck_assert_uint_eq(grid[0][6].ch, 0xfffd);
	ck_assert_uint_eq(grid[0][7].ch, 'c');
	text_is(vt, "\xef\xbf\xbd" "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "b\xef\xbf\xbd" "c\n");
	/* As UTF-8, U+009B is CSI, as a terminal reads it. */
	feed(vt, "\r\n\xc2\x9b" "1mx");
	draw(vt);
	ck_assert_uint_eq(grid[1][0].ch, 'x');
	ck_assert_uint_eq(grid[1][0].attrs, VT_BOLD);
	vt_free(vt);
}
END_TEST

START_TEST(test_invalid_utf8)
{
	struct vt	*vt = vt_new(20, 3, 0, NULL, NULL);

	/* A cut sequence costs one U+FFFD, never the byte after it. */
	feed(vt, "a\xe4\xb8\033[31mb\033[m caf\xe9 ok");
	text_is(vt, "a\xef\xbf\xbd" "b caf\xef\xbf\xbd ok\n");
	draw(vt);
	ck_assert_uint_eq(grid[0][2].ch, 'b');
	ck_assert_int_eq(grid[0][2].fg, 1);
	/* Overlong, too big, lone continuation: one U+FFFD per byte. */
	feed(vt, "\r\n\xc0\xaf|\xf4\x90\x80\x80|\x80|");
	draw(vt);
	ck_assert_uint_eq(grid[1][0].ch, 0xfffd);
	ck_assert_uint_eq(grid[1][1].ch, 0xfffd);
	ck_assert_uint_eq(grid[1][2].ch, '|');
	ck_assert_uint_eq(grid[1][7].ch, '|');
	ck_assert_uint_eq(grid[1][9].ch, '|');
	/* A character split across calls is one character. */
	feed(vt, "\r\n\xe4");
	feed(vt, "\xb8");
	feed(vt, "\xad!");
	draw(vt);
	ck_assert_uint_eq(grid[2][0].ch, 0x4e2d);
	ck_assert_uint_eq(grid[2][2].ch, '!');
	vt_free(vt);
}
END_TEST

START_TEST(test_cursor_position_report)
{
	struct vt	*vt = vt_new(20, 5, 0, collect, NULL);

	wreset();
	feed(vt, "ab\033[6n");
	ck_assert_str_eq(wbuf, "\033[1;3R");
	wreset();
	feed(vt, "\r\n\r\n   x\033[6n");
	ck_assert_str_eq(wbuf, "\033[3;5R");
	text_is(vt, "ab\n\n   x\n");		/* replies are not shown */
	vt_free(vt);

	vt = vt_new(20, 5, 0, NULL, NULL);	/* no callback: dropped */
	feed(vt, "\033[6n\033[c");
	text_is(vt, "");
	vt_free(vt);
}
END_TEST

START_TEST(test_keys)
{
	struct vt	*vt = vt_new(20, 5, 0, collect, NULL);

	wreset();
	ck_assert_int_eq(vt_key(vt, XKB_KEY_Up, XKB_KEY_NoSymbol, 0,
	    VT_NO_UNICODE), 1);
	ck_assert_str_eq(wbuf, "\033[A");
	feed(vt, "\033[?1h");				/* DECCKM */
	wreset();
	vt_key(vt, XKB_KEY_Up, XKB_KEY_NoSymbol, 0, VT_NO_UNICODE);
	vt_key(vt, XKB_KEY_Left, XKB_KEY_NoSymbol, 0, VT_NO_UNICODE);
	ck_assert_str_eq(wbuf, "\033OA\033OD");
	feed(vt, "\033[?1l");
	wreset();
	vt_key(vt, XKB_KEY_Down, XKB_KEY_NoSymbol, 0, VT_NO_UNICODE);
	ck_assert_str_eq(wbuf, "\033[B");

	wreset();
	ck_assert_int_eq(vt_key(vt, XKB_KEY_BackSpace, XKB_KEY_NoSymbol, 0,
	    VT_NO_UNICODE), 1);
	ck_assert_str_eq(wbuf, "\177");
	wreset();
	vt_key(vt, XKB_KEY_BackSpace, XKB_KEY_NoSymbol, VT_MOD_ALT,
	    VT_NO_UNICODE);
	ck_assert_str_eq(wbuf, "\033\177");
	wreset();
	vt_key(vt, XKB_KEY_BackSpace, XKB_KEY_NoSymbol, VT_MOD_CTRL,
	    VT_NO_UNICODE);
	ck_assert_str_eq(wbuf, "\b");

	wreset();
	vt_key(vt, XKB_KEY_Return, XKB_KEY_NoSymbol, 0, '\r');
	ck_assert_str_eq(wbuf, "\r");
	wreset();
	ck_assert_int_eq(vt_key(vt, XKB_KEY_c, XKB_KEY_c, VT_MOD_CTRL, 'c'),
	    1);
	ck_assert_uint_eq(wlen, 1);
	ck_assert_int_eq(wbuf[0], 0x03);
	wreset();
	vt_key(vt, XKB_KEY_x, XKB_KEY_x, VT_MOD_ALT, 'x');
	ck_assert_str_eq(wbuf, "\033x");
	wreset();
	vt_key(vt, XKB_KEY_eacute, XKB_KEY_NoSymbol, 0, 0xe9);
	ck_assert_str_eq(wbuf, "\xc3\xa9");
	wreset();
	ck_assert_int_eq(vt_key(vt, XKB_KEY_Shift_L, XKB_KEY_NoSymbol, 0,
	    VT_NO_UNICODE), 0);
	ck_assert_uint_eq(wlen, 0);
	text_is(vt, "");			/* keys never reach the screen */
	vt_free(vt);
}
END_TEST

START_TEST(test_resize)
{
	struct vt	*vt = vt_new(10, 3, 10, NULL, NULL);
	unsigned int	 c, r, x, y;

	feed(vt, "hello\r\nworld");
	vt_resize(vt, 20, 5);
	vt_size(vt, &c, &r);
	ck_assert_uint_eq(c, 20);
	ck_assert_uint_eq(r, 5);
	text_is(vt, "hello\nworld\n");
	feed(vt, " and more text");			/* the wider row */
	text_is(vt, "hello\nworld and more text\n");

	/* No reflow: a narrower screen cuts the lines, for good. */
	vt_resize(vt, 8, 5);
	text_is(vt, "hello\nworld an\n");
	vt_resize(vt, 20, 5);
	text_is(vt, "hello\nworld an\n");

	/* A lower screen: libtsm pushes the top rows into the scrollback. */
	vt_resize(vt, 8, 2);
	text_is(vt, "");
	ck_assert_uint_eq(vt_scrollback_lines(vt), 3);
	vt_cursor(vt, &x, &y);
	ck_assert_uint_eq(x, 7);
	ck_assert_uint_eq(y, 0);
	vt_scroll(vt, 3);
	text_is(vt, "hello\nworld an\n");

	vt_resize(vt, 0, 0);				/* clamped to 1 x 1 */
	vt_size(vt, &c, &r);
	ck_assert_uint_eq(c, 1);
	ck_assert_uint_eq(r, 1);
	ck_assert_uint_eq(vt_scroll_offset(vt), 0);
	ck_assert_uint_eq(vt_scrollback_lines(vt), 4);
	vt_scroll(vt, 3);
	text_is(vt, "w\n");
	vt_scroll_reset(vt);
	feed(vt, "\xe4\xb8\xad");
	draw(vt);
	ck_assert_int_eq(grid_calls, 1);
	ck_assert_uint_eq(grid[0][0].ch, 0);
	vt_free(vt);
}
END_TEST

/* Lines "line 1" .. "line n", the last one not ended. */
static void
feed_lines(struct vt *vt, int from, int to)
{
	char	buf[32];
	int	i;

	for (i = from; i <= to; i++) {
		snprintf(buf, sizeof(buf), "%sline %d", i > 1 ? "\r\n" : "",
		    i);
		feed(vt, buf);
	}
}

START_TEST(test_scrollback)
{
	struct vt	*vt = vt_new(20, 10, 50, NULL, NULL);
	unsigned int	 x, y;

	feed_lines(vt, 1, 100);
	top_is(vt, "line 91");
	ck_assert_uint_eq(vt_scrollback_lines(vt), 50);
	ck_assert_uint_eq(vt_scroll_offset(vt), 0);
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 1);

	vt_scroll(vt, 5);
	top_is(vt, "line 86");
	ck_assert_uint_eq(vt_scroll_offset(vt), 5);
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 0);	/* below the view */
	draw(vt);
	ck_assert_uint_eq(grid[9][6].ch, '5');		/* "line 95" */

	vt_scroll(vt, 1000);				/* stops at the top */
	top_is(vt, "line 41");
	ck_assert_uint_eq(vt_scroll_offset(vt), 50);
	vt_scroll(vt, 1);
	top_is(vt, "line 41");
	vt_scroll(vt, -10);				/* moves at once */
	top_is(vt, "line 51");
	ck_assert_uint_eq(vt_scroll_offset(vt), 40);
	vt_scroll(vt, -1000);				/* stops at the bottom */
	top_is(vt, "line 91");
	ck_assert_uint_eq(vt_scroll_offset(vt), 0);
	vt_scroll(vt, 3);
	vt_scroll_reset(vt);
	top_is(vt, "line 91");
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 1);
	vt_scroll(vt, -5);				/* at the bottom already */
	top_is(vt, "line 91");
	vt_scroll(vt, INT_MIN);
	vt_scroll(vt, INT_MAX);
	top_is(vt, "line 41");
	vt_free(vt);
}
END_TEST

START_TEST(test_scrollback_partial_and_live)
{
	struct vt	*vt = vt_new(20, 10, 50, NULL, NULL);

	ck_assert_uint_eq(vt_scrollback_lines(vt), 0);
	vt_scroll(vt, 3);				/* nothing to scroll */
	ck_assert_uint_eq(vt_scroll_offset(vt), 0);
	feed_lines(vt, 1, 15);
	ck_assert_uint_eq(vt_scrollback_lines(vt), 5);
	feed_lines(vt, 16, 20);
	ck_assert_uint_eq(vt_scrollback_lines(vt), 10);

	/* Output while scrolled back: the view stays on its lines. */
	vt_scroll(vt, 3);
	top_is(vt, "line 8");
	feed_lines(vt, 21, 25);
	top_is(vt, "line 8");
	ck_assert_uint_eq(vt_scroll_offset(vt), 8);
	ck_assert_uint_eq(vt_scrollback_lines(vt), 15);
	top_is(vt, "line 8");				/* measuring kept it */
	vt_scroll(vt, -2);
	top_is(vt, "line 10");
	vt_scroll(vt, -6);				/* reaches the bottom */
	top_is(vt, "line 16");
	ck_assert_uint_eq(vt_scroll_offset(vt), 0);

	/* A full buffer: the view moves along with its lines. */
	feed_lines(vt, 26, 80);
	ck_assert_uint_eq(vt_scrollback_lines(vt), 50);
	vt_scroll(vt, 10);
	top_is(vt, "line 61");
	feed_lines(vt, 81, 85);
	ck_assert_uint_eq(vt_scroll_offset(vt), 10);
	top_is(vt, "line 66");

	/* The program clears the scrollback (RIS): back to the bottom. */
	vt_scroll(vt, 50);
	feed(vt, "\033cfresh");
	ck_assert_uint_eq(vt_scroll_offset(vt), 0);
	ck_assert_uint_eq(vt_scrollback_lines(vt), 0);
	text_is(vt, "fresh\n");
	vt_free(vt);
}
END_TEST

START_TEST(test_scrollback_none)
{
	struct vt	*vt = vt_new(20, 3, 0, NULL, NULL);

	feed_lines(vt, 1, 10);
	ck_assert_uint_eq(vt_scrollback_lines(vt), 0);
	vt_scroll(vt, 5);
	ck_assert_uint_eq(vt_scroll_offset(vt), 0);
	text_is(vt, "line 8\nline 9\nline 10\n");
	vt_free(vt);
}
END_TEST

START_TEST(test_scrollback_with_hidden_cursor_and_alt_screen)
{
	struct vt	*vt = vt_new(20, 4, 30, NULL, NULL);
	unsigned int	 x, y;

	feed_lines(vt, 1, 12);
	feed(vt, "\033[?25l\033[?5h");			/* DECSCNM: all inverse */
	ck_assert_uint_eq(vt_scrollback_lines(vt), 8);
	feed(vt, "\033[?1049h\033[Hfull screen");
	ck_assert_uint_eq(vt_scrollback_lines(vt), 8);
	vt_scroll(vt, 2);
	top_is(vt, "line 7");
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 0);
	vt_scroll_reset(vt);
	top_is(vt, "full screen");
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 0);	/* still hidden */
	draw(vt);
	ck_assert_uint_eq(grid[0][0].attrs, VT_INVERSE);
	vt_free(vt);
}
END_TEST

START_TEST(test_reset_modes_keeps_text)
{
	struct vt	*vt = vt_new(20, 5, 10, collect, NULL);
	unsigned int	 x, y;

	feed(vt, "hello\r\n\033[?1h\033[?25l\033[31m\033[4h");
	vt_reset(vt);
	wreset();
	vt_key(vt, XKB_KEY_Up, XKB_KEY_NoSymbol, 0, VT_NO_UNICODE);
	ck_assert_str_eq(wbuf, "\033[A");
	ck_assert_int_eq(vt_cursor(vt, &x, &y), 1);
	feed(vt, "x");
	draw(vt);
	ck_assert_int_eq(grid[1][0].fg, VT_DEFAULT);
	text_is(vt, "hello\nx\n");

	/* A half-read sequence is forgotten. */
	feed(vt, "\r\n\033]0;unfinished title");
	vt_reset(vt);
	feed(vt, "ok\xe4\xb8");
	vt_reset(vt);
	feed(vt, "!");
	text_is(vt, "hello\nx\nok!\n");

	/* RIS: everything goes. */
	vt_clear(vt);
	text_is(vt, "");
	ck_assert_uint_eq(vt_scrollback_lines(vt), 0);
	vt_cursor(vt, &x, &y);
	ck_assert_uint_eq(x, 0);
	ck_assert_uint_eq(y, 0);
	vt_free(vt);
}
END_TEST

START_TEST(test_alternate_screen)
{
	struct vt	*vt = vt_new(20, 5, 10, NULL, NULL);
	unsigned int	 x, y;

	feed(vt, "main text\r\n$ ");
	feed(vt, "\033[?1049h\033[H\033[2Jfull screen app");
	text_is(vt, "full screen app\n");
	feed(vt, "\033[?1049l");
	text_is(vt, "main text\n$\n");
	vt_cursor(vt, &x, &y);
	ck_assert_uint_eq(x, 2);
	ck_assert_uint_eq(y, 1);

	/* A run that dies on the alternate screen: reset leaves it. */
	feed(vt, "\033[?1049h\033[Hvim");
	vt_reset(vt);
	text_is(vt, "main text\n$\n");
	vt_cursor(vt, &x, &y);
	ck_assert_uint_eq(x, 2);
	ck_assert_uint_eq(y, 1);
	vt_free(vt);
}
END_TEST

START_TEST(test_osc_and_title_change_nothing)
{
	struct vt	*vt = vt_new(20, 3, 10, collect, NULL);

	wreset();
	feed(vt, "a\033]0;title\007b\033]52;c;aGVsbG8=\007c"
	    "\033]2;other\033\\d\033]8;;http://x\033\\e\033]8;;\033\\"
	    "\033P1$r0m\033\\f\033_apc\033\\g\033^pm\033\\h");
	text_is(vt, "abcdefgh\n");
	ck_assert_uint_eq(wlen, 0);
	feed(vt, "\033]52;c;");			/* cut short, then more */
	feed(vt, "aGVsbG8=\007ij");
	text_is(vt, "abcdefghij\n");
	vt_free(vt);
}
END_TEST

START_TEST(test_free_null)
{
	vt_free(NULL);
}
END_TEST

static Suite *
vt_suite(void)
{
	Suite	*s = suite_create("vt");
	TCase	*tc = tcase_create("vt");

	tcase_add_test(tc, test_plain_text_and_wrap);
	tcase_add_test(tc, test_cr_lf_bs);
	tcase_add_test(tc, test_progress_bar_final_state);
	tcase_add_test(tc, test_sgr_colours);
	tcase_add_test(tc, test_attributes);
	tcase_add_test(tc, test_default_colours);
	tcase_add_test(tc, test_cursor_cell_not_inverted);
	tcase_add_test(tc, test_hidden_cursor);
	tcase_add_test(tc, test_wide_characters);
	tcase_add_test(tc, test_wide_characters_broken);
	tcase_add_test(tc, test_invalid_code_points);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_cursor_position_report);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_resize);
	tcase_add_test(tc, test_scrollback);
	tcase_add_test(tc, test_scrollback_partial_and_live);
	tcase_add_test(tc, test_scrollback_none);
	tcase_add_test(tc, test_scrollback_with_hidden_cursor_and_alt_screen);
	tcase_add_test(tc, test_reset_modes_keeps_text);
	tcase_add_test(tc, test_alternate_screen);
	tcase_add_test(tc, test_osc_and_title_change_nothing);
	tcase_add_test(tc, test_free_null);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(vt_suite)
