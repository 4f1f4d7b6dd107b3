/*
 * vt.c: one virtual terminal, a libtsm 4.0.2 screen and vte (see vt.h).
 *
 * This module owns the libtsm objects and every workaround for libtsm's
 * quirks; nothing else in rexec includes <libtsm.h> for a screen.  It
 * never includes curses and never writes to a terminal: cells go to the
 * caller's draw callback, replies and keys to its write callback.
 *
 * libtsm 4.0.2, as it behaves (DESIGN.md section 14, each one checked):
 * - tsm_vte_new() needs a write callback; it is called synchronously for
 *   replies (ESC[6n, ESC[c, ENQ).  Ours forwards to the caller's, or
 *   drops the bytes when the caller gave none (rendering, replay).
 * - The scrollback is 0 lines until tsm_screen_set_max_sb().
 * - tsm_screen_draw() calls back for every cell and inverts the cursor
 *   cell -- at the wrong row when the view is scrolled back.  vt_draw()
 *   sets TSM_SCREEN_HIDE_CURSOR for the draw, so no cell is touched.
 * - A wide character is a cell of width 2 and a cell of width 0.  Writing
 *   over one half leaves the other behind (a width-2 cell with no right
 *   half, or a lone width-0 cell), and a wide character written in the
 *   last column keeps width 2 with nothing to its right.  vt_draw() skips
 *   the right half of a whole pair and draws every broken piece as one
 *   empty cell, as xterm erases a wide character when half of it goes.
 * - Colour codes: 0..15 ANSI, 16/17 (TSM_COLOR_FOREGROUND/BACKGROUND)
 *   the defaults, -1 the RGB fields.  SGR 38;5;N keeps N below 16 as a
 *   code and turns 16..255 into RGB; we pass that RGB on as it is.
 * - Its UTF-8 decoder drops the byte that cuts a sequence short, so
 *   "\xe4\xb8\033[31m" prints "[31m", and lets surrogates (ED A0 80)
 *   through.  vt_feed() decodes first with utf8.c (one U+FFFD per maximal
 *   invalid subpart, as the agent view) and hands libtsm valid UTF-8.
 * - Keyboard input wants XKB keysyms; BackSpace sends 0x08 and 4.0.2 has
 *   no switch for it, so vt_key() sends DEL itself.
 * - Combining marks are dropped, resizing does not reflow (and a lower
 *   screen pushes its top rows into the scrollback, even rows above the
 *   cursor), there is no mouse API, and the scrollback length is not
 *   exported (see vt_sb_measure()).
 * - tsm_screen_unref() does not free the scrollback's lines; vt_free()
 *   clears the scrollback first.
 * - Logging: a quiet log callback, so libtsm never writes to stderr.
 */
#include "rexec.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libtsm.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include "utf8.h"
#include "vt.h"

#define VT_CELL_CHARS	8	/* code points kept per cell */
#define VT_FEED_BUF	4096	/* decoded bytes handed to libtsm at once */

struct vt {
	struct tsm_screen	*screen;
	struct tsm_vte		*vte;
	vt_write_cb		 write_cb;
	void			*write_arg;
	struct utf8_decoder	 dec;		/* ours, in front of libtsm's */
	unsigned int		 cols, rows;
	unsigned int		 sb_max;

	/*
	 * The view.  offset is how many lines it sits above the bottom (0:
	 * it follows the output), room how many lines of scrollback lie
	 * above it.  libtsm keeps room constant while output arrives, and
	 * offset grows, so offset is only exact after vt_sb_sync().
	 */
	unsigned int		 offset;
	unsigned int		 room;
	unsigned int		 sb_lines;	/* last measured length */
	int			 sb_known;	/* nothing changed since */
};

/* A draw in progress: libtsm cells in, vt_cells out. */
struct vt_draw_ctx {
	vt_draw_cb		 cb;
	void			*arg;
	unsigned int		 cols;
	int			 pending;	/* a wide cell waits for its half */
	unsigned int		 px, py;
	struct vt_cell		 wide;
	uint32_t		 wide_chars[VT_CELL_CHARS];
};

/* vt_text()'s buffer. */
struct vt_text_ctx {
	char			*buf;
	size_t			 len, size;
	size_t			 line_start;	/* where this row began */
	size_t			 line_end;	/* after its last non-space */
	size_t			 keep;		/* after the last non-empty row */
	unsigned int		 row;
};

/* The cursor probe's draw. */
struct vt_probe_ctx {
	unsigned int		 x, y;
	int			 inverse;
};

static void	vt_fatal(const char *, int);
static void	vt_log(void *, const char *, int, const char *, const char *,
		    unsigned int, const char *, va_list);
static void	vt_vte_write(struct tsm_vte *, const char *, size_t, void *);
static unsigned int vt_clamp(unsigned int);
static int	vt_colour(int, unsigned int, unsigned int, unsigned int);
static void	vt_fill(struct vt_cell *, uint32_t *, const uint32_t *,
		    size_t, const struct tsm_screen_attr *);
static void	vt_blank(struct vt_cell *);
static void	vt_draw_flush(struct vt_draw_ctx *);
static int	vt_draw_cell(struct tsm_screen *, uint64_t, const uint32_t *,
		    size_t, unsigned int, unsigned int, unsigned int,
		    const struct tsm_screen_attr *, tsm_age_t, void *);
static void	vt_cursor_cell(struct vt *, unsigned int *, unsigned int *);
static int	vt_probe_cell(struct tsm_screen *, uint64_t, const uint32_t *,
		    size_t, unsigned int, unsigned int, unsigned int,
		    const struct tsm_screen_attr *, tsm_age_t, void *);
static int	vt_probe_inverse(struct vt *, int);
static int	vt_sb_has(struct vt *, unsigned int);
static unsigned int vt_sb_measure(struct vt *);
static void	vt_sb_sync(struct vt *);
static void	vt_text_put(struct vt_text_ctx *, const char *, size_t);
static void	vt_text_endrow(struct vt_text_ctx *);
static void	vt_text_cell(unsigned int, unsigned int,
		    const struct vt_cell *, void *);

/* A libtsm call failed: out of memory, or a bug of ours.  Like xmalloc. */
static void
vt_fatal(const char *what, int err)
{
	fprintf(stderr, "rexec: vt: %s: %s\n", what, strerror(-err));
	abort();
}

/* libtsm's log callback: quiet.  Its messages are for libtsm's authors. */
static void
vt_log(void *data, const char *file, int line, const char *func,
    const char *subs, unsigned int sev, const char *format, va_list args)
{
	(void)data;
	(void)file;
	(void)line;
	(void)func;
	(void)subs;
	(void)sev;
	(void)format;
	(void)args;
}

/* Terminal replies and key bytes, on their way to the caller. */
static void
vt_vte_write(struct tsm_vte *vte, const char *u8, size_t len, void *data)
{
	struct vt	*vt = data;

	(void)vte;
	if (vt->write_cb != NULL && len != 0)
		vt->write_cb(u8, len, vt->write_arg);
}

static unsigned int
vt_clamp(unsigned int n)
{
	if (n < 1)
		return (1);
	if (n > VT_SIZE_MAX)
		return (VT_SIZE_MAX);
	return (n);
}

/*
 * Create a terminal of cols x rows with scrollback lines of history.
 * write_cb may be NULL: replies are then dropped.
 */
struct vt *
vt_new(unsigned int cols, unsigned int rows, unsigned int scrollback,
    vt_write_cb write_cb, void *arg)
{
	struct vt	*vt;
	int		 r;

	vt = xcalloc(1, sizeof(*vt));
	vt->write_cb = write_cb;
	vt->write_arg = arg;
	vt->cols = vt_clamp(cols);
	vt->rows = vt_clamp(rows);
	vt->sb_max = scrollback;
	utf8_decoder_init(&vt->dec);

	if ((r = tsm_screen_new(&vt->screen, vt_log, vt)) < 0)
		vt_fatal("tsm_screen_new", r);
	if ((r = tsm_screen_resize(vt->screen, vt->cols, vt->rows)) < 0)
		vt_fatal("tsm_screen_resize", r);
	tsm_screen_set_max_sb(vt->screen, vt->sb_max);
	if ((r = tsm_vte_new(&vt->vte, vt->screen, vt_vte_write, vt, vt_log,
	    vt)) < 0)
		vt_fatal("tsm_vte_new", r);
	vt->sb_known = 1;
	return (vt);
}

void
vt_free(struct vt *vt)
{
	if (vt == NULL)
		return;
	tsm_vte_unref(vt->vte);
	tsm_screen_clear_sb(vt->screen);	/* unref leaks it (4.0.2) */
	tsm_screen_unref(vt->screen);
	free(vt);
}

/*
 * Bytes from the program; replies may reach the write callback.  They go
 * through our UTF-8 decoder first (see the top); runs of ASCII go to
 * libtsm as they are, the rest is re-encoded in VT_FEED_BUF pieces.  A
 * sequence cut at the end of buf waits for the next call.
 */
void
vt_feed(struct vt *vt, const char *buf, size_t len)
{
	char		out[VT_FEED_BUF];
	uint32_t	cp[2];
	size_t		i = 0, start, n = 0;
	int		j, k;

	while (i < len) {
		if ((uint8_t)buf[i] < 0x80 && !utf8_decoder_pending(&vt->dec)) {
			start = i;
			while (i < len && (uint8_t)buf[i] < 0x80)
				i++;
			if (n != 0)
				tsm_vte_input(vt->vte, out, n);
			n = 0;
			tsm_vte_input(vt->vte, buf + start, i - start);
			continue;
		}
		k = utf8_decode_byte(&vt->dec, (uint8_t)buf[i++], cp);
		for (j = 0; j < k; j++)
			n += utf8_encode_cp(cp[j], out + n);
		if (n > sizeof(out) - 8) {
			tsm_vte_input(vt->vte, out, n);
			n = 0;
		}
	}
	if (n != 0)
		tsm_vte_input(vt->vte, out, n);
	vt->sb_known = 0;
}

/* A new size.  Lines keep their breaks; the view returns to the bottom. */
void
vt_resize(struct vt *vt, unsigned int cols, unsigned int rows)
{
	int	r;

	cols = vt_clamp(cols);
	rows = vt_clamp(rows);
	if (cols == vt->cols && rows == vt->rows)
		return;
	if ((r = tsm_screen_resize(vt->screen, cols, rows)) < 0)
		vt_fatal("tsm_screen_resize", r);
	vt->cols = cols;
	vt->rows = rows;
	vt_scroll_reset(vt);
	vt->sb_known = 0;
}

void
vt_size(struct vt *vt, unsigned int *cols, unsigned int *rows)
{
	*cols = vt->cols;
	*rows = vt->rows;
}

/*
 * Put every mode back to its power-on state, as RIS does, but keep the
 * text: the screen, the scrollback and the cursor's line stay, so the
 * console can reset between runs without losing the runs above.  The
 * parser forgets a half-read sequence, attributes, charsets, margins,
 * cursor keys and keypad modes, insert mode, a hidden cursor; the
 * alternate screen is left as ESC[?1049l leaves it.  vt_clear() is the
 * whole RIS.
 */
void
vt_reset(struct vt *vt)
{
	int	alternate;

	alternate = tsm_screen_get_flags(vt->screen) & TSM_SCREEN_ALTERNATE;
	utf8_decoder_init(&vt->dec);
	tsm_vte_reset(vt->vte);
	if (alternate)
		tsm_vte_input(vt->vte, "\033[?1049l", 8);
	vt->sb_known = 0;
}

/* RIS: modes, screen and scrollback all go; the cursor goes home. */
void
vt_clear(struct vt *vt)
{
	utf8_decoder_init(&vt->dec);
	tsm_vte_hard_reset(vt->vte);
	tsm_screen_sb_reset(vt->screen);
	vt->offset = 0;
	vt->room = 0;
	vt->sb_lines = 0;
	vt->sb_known = 1;
}

/* Is the alternate screen shown? */
int
vt_alternate(struct vt *vt)
{
	return ((tsm_screen_get_flags(vt->screen) & TSM_SCREEN_ALTERNATE) !=
	    0);
}

/* A libtsm colour code and its RGB as one of our colours. */
static int
vt_colour(int code, unsigned int r, unsigned int g, unsigned int b)
{
	if (code < 0)
		return (VT_RGB(r, g, b));
	if (code < 16)
		return (code);
	return (VT_DEFAULT);
}

/*
 * Fill cell from libtsm's code points and attributes.  A control
 * character (libtsm should never store one) makes the cell empty; a
 * code point that is no Unicode scalar value becomes U+FFFD.
 */
static void
vt_fill(struct vt_cell *cell, uint32_t *buf, const uint32_t *ch, size_t len,
    const struct tsm_screen_attr *attr)
{
	uint32_t	cp;
	size_t		i, n = 0;

	for (i = 0; i < len && n < VT_CELL_CHARS; i++) {
		cp = ch[i];
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			if (i == 0)
				break;
			continue;
		}
		if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			cp = UTF8_REPLACEMENT;
		buf[n++] = cp;
	}
	cell->ch = n != 0 ? buf[0] : 0;
	cell->chars = buf;
	cell->nchars = n;
	cell->width = 1;
	cell->fg = vt_colour(attr->fccode, attr->fr, attr->fg, attr->fb);
	cell->bg = vt_colour(attr->bccode, attr->br, attr->bg, attr->bb);
	cell->attrs = 0;
	if (attr->bold)
		cell->attrs |= VT_BOLD;
	if (attr->underline)
		cell->attrs |= VT_UNDERLINE;
	if (attr->italic)
		cell->attrs |= VT_ITALIC;
	if (attr->inverse)
		cell->attrs |= VT_INVERSE;
	if (attr->blink)
		cell->attrs |= VT_BLINK;
}

/* What is left of a broken wide character: one empty cell. */
static void
vt_blank(struct vt_cell *cell)
{
	cell->ch = 0;
	cell->nchars = 0;
	cell->width = 1;
}

/* A wide cell waited for its right half in vain: draw it empty. */
static void
vt_draw_flush(struct vt_draw_ctx *ctx)
{
	if (!ctx->pending)
		return;
	ctx->pending = 0;
	vt_blank(&ctx->wide);
	ctx->cb(ctx->px, ctx->py, &ctx->wide, ctx->arg);
}

/*
 * libtsm's draw callback.  Cells arrive row by row, left to right; a
 * wide cell is held back until its right half (width 0) shows up next to
 * it, so broken pairs can be drawn as empty cells (see the top).
 */
static int
vt_draw_cell(struct tsm_screen *screen, uint64_t id, const uint32_t *ch,
    size_t len, unsigned int width, unsigned int x, unsigned int y,
    const struct tsm_screen_attr *attr, tsm_age_t age, void *data)
{
	struct vt_draw_ctx	*ctx = data;
	struct vt_cell		 cell;
	uint32_t		 buf[VT_CELL_CHARS];

	(void)screen;
	(void)id;
	(void)age;
	if (width == 0) {
		if (ctx->pending && ctx->py == y && ctx->px + 1 == x) {
			ctx->pending = 0;
			ctx->cb(ctx->px, ctx->py, &ctx->wide, ctx->arg);
			return (0);
		}
		vt_draw_flush(ctx);
		vt_fill(&cell, buf, ch, 0, attr);
		ctx->cb(x, y, &cell, ctx->arg);
		return (0);
	}
	vt_draw_flush(ctx);
	if (width >= 2 && x + 1 < ctx->cols) {
		vt_fill(&ctx->wide, ctx->wide_chars, ch, len, attr);
		if (ctx->wide.nchars != 0) {
			ctx->wide.width = 2;
			ctx->pending = 1;
			ctx->px = x;
			ctx->py = y;
			return (0);
		}
	}
	vt_fill(&cell, buf, ch, len, attr);
	if (width >= 2)
		vt_blank(&cell);
	ctx->cb(x, y, &cell, ctx->arg);
	return (0);
}

/*
 * Call cb for every visible cell, row by row, left to right; the right
 * halves of wide characters are skipped.  The view is what vt_scroll()
 * chose.  The cursor is not drawn (see vt_cursor()).
 */
void
vt_draw(struct vt *vt, vt_draw_cb cb, void *arg)
{
	struct vt_draw_ctx	 ctx;
	int			 shown;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cb = cb;
	ctx.arg = arg;
	ctx.cols = vt->cols;
	shown = !(tsm_screen_get_flags(vt->screen) & TSM_SCREEN_HIDE_CURSOR);
	if (shown)
		tsm_screen_set_flags(vt->screen, TSM_SCREEN_HIDE_CURSOR);
	tsm_screen_draw(vt->screen, vt_draw_cell, &ctx);
	vt_draw_flush(&ctx);
	if (shown)
		tsm_screen_reset_flags(vt->screen, TSM_SCREEN_HIDE_CURSOR);
}

/* The cursor's cell on the live screen (past the edge: the last cell). */
static void
vt_cursor_cell(struct vt *vt, unsigned int *x, unsigned int *y)
{
	*x = tsm_screen_get_cursor_x(vt->screen);
	*y = tsm_screen_get_cursor_y(vt->screen);
	if (*x >= vt->cols)
		*x = vt->cols - 1;
	if (*y >= vt->rows)
		*y = vt->rows - 1;
}

/*
 * Where the cursor is, in screen cells; 1 if the program shows it
 * (DECTCEM), 0 if it hides it or the view is scrolled back (the cursor
 * is then somewhere below the view).
 */
int
vt_cursor(struct vt *vt, unsigned int *x, unsigned int *y)
{
	vt_cursor_cell(vt, x, y);
	if (vt->offset != 0)
		return (0);
	return (!(tsm_screen_get_flags(vt->screen) & TSM_SCREEN_HIDE_CURSOR));
}

static int
vt_probe_cell(struct tsm_screen *screen, uint64_t id, const uint32_t *ch,
    size_t len, unsigned int width, unsigned int x, unsigned int y,
    const struct tsm_screen_attr *attr, tsm_age_t age, void *data)
{
	struct vt_probe_ctx	*ctx = data;

	(void)screen;
	(void)id;
	(void)ch;
	(void)len;
	(void)width;
	(void)age;
	if (x == ctx->x && y == ctx->y)
		ctx->inverse = attr->inverse;
	return (0);
}

/* The inverse bit libtsm draws at the cursor's cell, cursor shown or not. */
static int
vt_probe_inverse(struct vt *vt, int show)
{
	struct vt_probe_ctx	ctx;

	memset(&ctx, 0, sizeof(ctx));
	vt_cursor_cell(vt, &ctx.x, &ctx.y);
	if (show)
		tsm_screen_reset_flags(vt->screen, TSM_SCREEN_HIDE_CURSOR);
	else
		tsm_screen_set_flags(vt->screen, TSM_SCREEN_HIDE_CURSOR);
	tsm_screen_draw(vt->screen, vt_probe_cell, &ctx);
	return (ctx.inverse);
}

/*
 * Does the scrollback hold at least n lines?  Scroll the view up n lines
 * and down n - 1: it now sits 1 line above the bottom if there were n
 * lines to climb, at the bottom if not.  At the bottom, libtsm's cursor
 * mark (it inverts the cursor cell) falls on the cursor's own cell; one
 * line up, it falls a row lower or off the screen.  So draw once with
 * the cursor shown and once hidden and compare that cell.  Leaves the
 * view wherever the probe put it.
 */
static int
vt_sb_has(struct vt *vt, unsigned int n)
{
	unsigned int	flags;
	int		shown, hidden;

	tsm_screen_sb_reset(vt->screen);
	if (n == 0)
		return (1);
	tsm_screen_sb_up(vt->screen, n);
	tsm_screen_sb_down(vt->screen, n - 1);
	flags = tsm_screen_get_flags(vt->screen);
	shown = vt_probe_inverse(vt, 1);
	hidden = vt_probe_inverse(vt, 0);
	if (!(flags & TSM_SCREEN_HIDE_CURSOR))
		tsm_screen_reset_flags(vt->screen, TSM_SCREEN_HIDE_CURSOR);
	return (shown == hidden);
}

/*
 * The scrollback's length.  libtsm 4.0.2 does not tell it, so measure it
 * with vt_sb_has(): a full buffer (the usual case in a long session)
 * costs one probe, anything else a binary search from the last length.
 * Each probe is two draws of the screen.  Leaves the view at the bottom.
 */
static unsigned int
vt_sb_measure(struct vt *vt)
{
	unsigned int	lo = 0, hi = vt->sb_max, mid;

	if (vt->sb_max == 0 || vt_sb_has(vt, vt->sb_max))
		lo = vt->sb_max;
	else {
		if (vt->sb_lines > 0 && vt->sb_lines < hi) {
			if (vt_sb_has(vt, vt->sb_lines))
				lo = vt->sb_lines;
			else
				hi = vt->sb_lines;
		}
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (vt_sb_has(vt, mid))
				lo = mid;
			else
				hi = mid;
		}
	}
	tsm_screen_sb_reset(vt->screen);
	vt->sb_lines = lo;
	vt->sb_known = 1;
	return (lo);
}

/*
 * Bring sb_lines and offset up to date after output, and put the view
 * back where it was: room lines below the top of the scrollback.  If
 * those lines are gone (a RIS from the program cleared them), the view
 * returns to the bottom.
 */
static void
vt_sb_sync(struct vt *vt)
{
	unsigned int	n;

	if (vt->sb_known)
		return;
	n = vt_sb_measure(vt);
	if (vt->offset == 0 || vt->room >= n) {
		vt->offset = 0;
		vt->room = n;
		return;
	}
	vt->offset = n - vt->room;
	tsm_screen_sb_up(vt->screen, vt->offset);
}

/* Move the view: lines > 0 up into the scrollback, < 0 down. */
void
vt_scroll(struct vt *vt, int lines)
{
	unsigned int	n;

	if (lines == 0)
		return;
	vt_sb_sync(vt);
	if (lines > 0) {
		n = (unsigned int)lines;
		if (n > vt->room)
			n = vt->room;
		if (n == 0)
			return;
		tsm_screen_sb_up(vt->screen, n);
		vt->offset += n;
		vt->room -= n;
		return;
	}
	n = lines == INT_MIN ? (unsigned int)INT_MAX + 1 : (unsigned int)-lines;
	if (n >= vt->offset) {
		vt_scroll_reset(vt);
		return;
	}
	tsm_screen_sb_down(vt->screen, n);
	vt->offset -= n;
	vt->room += n;
}

/* Back to the bottom: the view follows the output again. */
void
vt_scroll_reset(struct vt *vt)
{
	tsm_screen_sb_reset(vt->screen);
	vt->room += vt->offset;
	vt->offset = 0;
}

/* How many lines the view is above the bottom; 0 when it follows. */
unsigned int
vt_scroll_offset(struct vt *vt)
{
	if (vt->offset == 0)
		return (0);
	vt_sb_sync(vt);
	return (vt->offset);
}

/* How many lines the scrollback holds now (measured; see vt.h). */
unsigned int
vt_scrollback_lines(struct vt *vt)
{
	vt_sb_sync(vt);
	return (vt->sb_lines);
}

/*
 * A key, as XKB keysym (XKB_KEY_*), the keysym's ASCII twin for Ctrl
 * combinations (or XKB_KEY_NoSymbol), VT_MOD_* modifiers and the
 * character it types (or VT_NO_UNICODE).  The bytes go to the write
 * callback, honouring the program's modes (ESC[?1h gives ESC O A for
 * Up).  BackSpace sends DEL, as xterm and the Linux console do, and ESC
 * DEL with Alt; Ctrl-BackSpace stays ^H.  Returns 1 if the key sent
 * anything.
 */
int
vt_key(struct vt *vt, uint32_t keysym, uint32_t ascii, unsigned int mods,
    uint32_t unicode)
{
	unsigned int	tmods = 0;

	if (keysym == XKB_KEY_BackSpace && !(mods & VT_MOD_CTRL)) {
		if (mods & VT_MOD_ALT)
			vt_vte_write(vt->vte, "\033\177", 2, vt);
		else
			vt_vte_write(vt->vte, "\177", 1, vt);
		return (1);
	}
	if (mods & VT_MOD_SHIFT)
		tmods |= TSM_SHIFT_MASK;
	if (mods & VT_MOD_LOCK)
		tmods |= TSM_LOCK_MASK;
	if (mods & VT_MOD_CTRL)
		tmods |= TSM_CONTROL_MASK;
	if (mods & VT_MOD_ALT)
		tmods |= TSM_ALT_MASK;
	if (mods & VT_MOD_LOGO)
		tmods |= TSM_LOGO_MASK;
	if (unicode == VT_NO_UNICODE)
		unicode = TSM_VTE_INVALID;
	return (tsm_vte_handle_keyboard(vt->vte, keysym, ascii, tmods,
	    unicode) ? 1 : 0);
}

static void
vt_text_put(struct vt_text_ctx *ctx, const char *s, size_t len)
{
	if (ctx->size - ctx->len < len + 1) {
		ctx->size = (ctx->len + len + 1) * 2;
		ctx->buf = xrealloc(ctx->buf, ctx->size);
	}
	memcpy(ctx->buf + ctx->len, s, len);
	ctx->len += len;
}

/* End the current row: trim its trailing spaces, add the newline. */
static void
vt_text_endrow(struct vt_text_ctx *ctx)
{
	int	empty = ctx->line_end == ctx->line_start;

	ctx->len = ctx->line_end;
	vt_text_put(ctx, "\n", 1);
	if (!empty)
		ctx->keep = ctx->len;
	ctx->line_start = ctx->line_end = ctx->len;
	ctx->row++;
}

static void
vt_text_cell(unsigned int x, unsigned int y, const struct vt_cell *cell,
    void *arg)
{
	struct vt_text_ctx	*ctx = arg;
	char			 u8[4];
	size_t			 i;

	(void)x;
	while (ctx->row < y)
		vt_text_endrow(ctx);
	if (cell->nchars == 0 || (cell->nchars == 1 && cell->ch == ' ')) {
		vt_text_put(ctx, " ", 1);
		return;
	}
	for (i = 0; i < cell->nchars; i++)
		vt_text_put(ctx, u8, utf8_encode_cp(cell->chars[i], u8));
	ctx->line_end = ctx->len;
}

/*
 * The visible screen as UTF-8 text: one line per row, each ending in a
 * newline, trailing spaces trimmed, trailing empty rows dropped (an
 * empty screen is ""; *len says how long).  NUL-terminated; free() it.
 */
char *
vt_text(struct vt *vt, size_t *len)
{
	struct vt_text_ctx	ctx;

	memset(&ctx, 0, sizeof(ctx));
	vt_draw(vt, vt_text_cell, &ctx);
	while (ctx.row < vt->rows)
		vt_text_endrow(&ctx);
	ctx.len = ctx.keep;
	vt_text_put(&ctx, "", 0);
	ctx.buf[ctx.len] = '\0';
	if (len != NULL)
		*len = ctx.len;
	return (ctx.buf);
}
