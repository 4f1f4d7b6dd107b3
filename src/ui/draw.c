/*
 * draw.c: the drawing primitives every pane uses (see draw.h).
 *
 * Text is drawn on one line, never past the width it is given: a
 * character that would not fit whole is left out with the rest.  A line
 * feed in it is drawn as U+21B5, one column wide; other bytes that are not
 * text become '?'.  (A run's argv, dir and whoami come here already
 * escaped by banner.c.)  A vt's colours
 * are folded down to what the terminal has (COLORS): direct colours to
 * the nearest of the xterm 256, or of the 16 or 8 ANSI colours, except
 * DRAW_DIM's, which is drawn as dim text.
 */
#include "rexec.h"

#include <curses.h>
#include <string.h>
#include <wchar.h>

#include "vt.h"
#include "ui/draw.h"

/* What a line feed looks like in text drawn on one line. */
#define DRAW_NEWLINE	L'\u21b5'

struct draw_ctx {
	int	y, x, h, w, top;
};

static int	 draw_nearest_ansi(int, int, int, int);
static int	 draw_cube_level(int);
static int	 draw_nearest_256(int, int, int);
static int	 draw_colour(int);
static int	 draw_pair(int, int);
static size_t	 draw_next(const char *, size_t, mbstate_t *, wchar_t *,
		    int *);
static void	 draw_cell(unsigned int, unsigned int, const struct vt_cell *,
		    void *);

/* The 16 xterm colours, for folding RGB down. */
static const unsigned char draw_ansi[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 }
};

static int
draw_nearest_ansi(int r, int g, int b, int n)
{
	int	i, best = 0, d, bd = -1;

	for (i = 0; i < n; i++) {
		d = (r - draw_ansi[i][0]) * (r - draw_ansi[i][0]) +
		    (g - draw_ansi[i][1]) * (g - draw_ansi[i][1]) +
		    (b - draw_ansi[i][2]) * (b - draw_ansi[i][2]);
		if (bd < 0 || d < bd) {
			bd = d;
			best = i;
		}
	}
	return (best);
}

static int
draw_cube_level(int v)
{
	if (v < 48)
		return (0);
	if (v < 115)
		return (1);
	return ((v - 35) / 40);
}

/* An RGB colour as the nearest of the xterm 256 (cube or grey ramp). */
static int
draw_nearest_256(int r, int g, int b)
{
	static const int	 lv[6] = { 0, 95, 135, 175, 215, 255 };
	int			 cr, cg, cb, grey, gi, dc, dg, gv;

	cr = draw_cube_level(r);
	cg = draw_cube_level(g);
	cb = draw_cube_level(b);
	dc = (r - lv[cr]) * (r - lv[cr]) + (g - lv[cg]) * (g - lv[cg]) +
	    (b - lv[cb]) * (b - lv[cb]);
	grey = (r + g + b) / 3;
	gi = grey > 238 ? 23 : (grey < 8 ? 0 : (grey - 8) / 10);
	gv = 8 + gi * 10;
	dg = (r - gv) * (r - gv) + (g - gv) * (g - gv) + (b - gv) * (b - gv);
	if (dg < dc)
		return (232 + gi);
	return (16 + 36 * cr + 6 * cg + cb);
}

/* A vt colour as a curses colour number, folded to what COLORS allows. */
static int
draw_colour(int c)
{
	if (c == VT_DEFAULT)
		return (-1);
	if (VT_IS_RGB(c)) {
		if (COLORS >= 256)
			return (draw_nearest_256(VT_RGB_R(c), VT_RGB_G(c),
			    VT_RGB_B(c)));
		return (draw_nearest_ansi(VT_RGB_R(c), VT_RGB_G(c),
		    VT_RGB_B(c), COLORS >= 16 ? 16 : 8));
	}
	if (c < COLORS)
		return (c);
	if (c < 16)
		return (c & 7);
	return (-1);
}

/* The colour pair for a vt foreground and background (extended pairs). */
static int
draw_pair(int fg, int bg)
{
	int	p;

	if (!has_colors())
		return (0);
	p = alloc_pair(draw_colour(fg), draw_colour(bg));
	return (p < 0 ? 0 : p);
}

/* A colour (1..6, ANSI) per agent name, the same for the same name. */
int
draw_agent_colour(const char *whoami)
{
	static const int	 colours[] = { 6, 2, 3, 5, 4, 1 };
	unsigned int		 h = 5381;

	while (whoami != NULL && *whoami != '\0')
		h = h * 33 + (unsigned char)*whoami++;
	return (colours[h % nitems(colours)]);
}

/*
 * The next character of the len bytes at s as it is drawn on one line,
 * its columns in *cw; returns the bytes it took.
 */
static size_t
draw_next(const char *s, size_t len, mbstate_t *ps, wchar_t *wc, int *cw)
{
	size_t	n;

	n = mbrtowc(wc, s, len, ps);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		memset(ps, 0, sizeof *ps);
		*wc = L'?';
		n = 1;
	}
	if (*wc == L'\n')
		*wc = DRAW_NEWLINE;
	if ((*cw = wcwidth(*wc)) < 0) {
		*wc = L'?';
		*cw = 1;
	}
	return (n);
}

/* The columns draw_put() would take for all of s. */
int
draw_width(const char *s)
{
	mbstate_t	 ps;
	wchar_t		 wc;
	size_t		 n, len = strlen(s);
	int		 cw, col = 0;

	memset(&ps, 0, sizeof ps);
	while (len > 0) {
		n = draw_next(s, len, &ps, &wc, &cw);
		col += cw;
		s += n;
		len -= n;
	}
	return (col);
}

/*
 * A copy of s that takes exactly w columns: cut before the first
 * character that would not fit, then padded with spaces (printf's "%-*.*s"
 * counts bytes, which puts a row with a wide or multibyte character out of
 * line with the others).
 */
char *
draw_fit(const char *s, int w)
{
	mbstate_t	 ps;
	wchar_t		 wc;
	size_t		 n, len = strlen(s), used = 0;
	int		 cw, col = 0;
	char		*out;

	memset(&ps, 0, sizeof ps);
	while (used < len) {
		n = draw_next(s + used, len - used, &ps, &wc, &cw);
		if (col + cw > w)
			break;
		col += cw;
		used += n;
	}
	out = xmalloc(used + (w - col) + 1);
	memcpy(out, s, used);
	memset(out + used, ' ', w - col);
	out[used + (w - col)] = '\0';
	return (out);
}

/* Put UTF-8 text at y, x, no wider than w columns. */
void
draw_put(int y, int x, int w, const char *s)
{
	mbstate_t	 ps;
	wchar_t		 wc;
	size_t		 n, len = strlen(s);
	int		 cw, col = 0;

	memset(&ps, 0, sizeof ps);
	move(y, x);
	while (len > 0 && col < w) {
		n = draw_next(s, len, &ps, &wc, &cw);
		if (col + cw > w)
			break;
		addnwstr(&wc, 1);
		col += cw;
		s += n;
		len -= n;
	}
}

static void
draw_cell(unsigned int cx, unsigned int cy, const struct vt_cell *cell,
    void *arg)
{
	struct draw_ctx	*ctx = arg;
	cchar_t		 cc;
	wchar_t		 wch[2];
	attr_t		 a = A_NORMAL;
	int		 pair;

	if ((int)cy < ctx->top || (int)cy - ctx->top >= ctx->h ||
	    (int)(cx + cell->width) > ctx->w)
		return;
	wch[0] = cell->ch == 0 ? L' ' : (wchar_t)cell->ch;
	wch[1] = L'\0';
	if (cell->attrs & VT_BOLD)
		a |= A_BOLD;
	if (cell->attrs & VT_UNDERLINE)
		a |= A_UNDERLINE;
	if (cell->attrs & VT_ITALIC)
		a |= A_ITALIC;
	if (cell->attrs & VT_INVERSE)
		a |= A_REVERSE;
	if (cell->attrs & VT_BLINK)
		a |= A_BLINK;
	if (cell->fg == VT_RGB(DRAW_DIM_R, DRAW_DIM_G, DRAW_DIM_B)) {
		a |= A_DIM;
		pair = draw_pair(VT_DEFAULT, cell->bg);
	} else
		pair = draw_pair(cell->fg, cell->bg);
	if (setcchar(&cc, wch, a, 0, &pair) == ERR) {
		wch[0] = L'?';
		setcchar(&cc, wch, a, 0, &pair);
	}
	mvadd_wch(ctx->y + (int)cy - ctx->top, ctx->x + (int)cx, &cc);
}

/*
 * Draw a vt's visible cells from its row top on into the rectangle at y,
 * x of h rows and w columns.
 */
void
draw_vt(struct vt *vt, int y, int x, int h, int w, int top)
{
	struct draw_ctx	ctx;

	ctx.top = top;
	ctx.y = y;
	ctx.x = x;
	ctx.h = h;
	ctx.w = w;
	vt_draw(vt, draw_cell, &ctx);
}
