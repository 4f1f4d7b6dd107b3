/*
 * vt.h: one virtual terminal -- a libtsm screen and its parser.
 *
 * A vt takes the raw bytes a program writes to its PTY and keeps the
 * screen a terminal of that size would show, with scrollback.  It hands
 * the screen out one cell at a time through a callback and as plain text;
 * it knows nothing about curses and never writes to a terminal itself.
 * Terminal replies (the answer to ESC[6n, ESC[c ...) and the bytes of
 * keys go to the write callback, synchronously, from inside vt_feed()
 * and vt_key(): the callback must queue them for the PTY and never block,
 * and must not call back into the same vt.
 *
 * What a cell looks like (struct vt_cell):
 * - ch is the first code point, 0 for an empty cell (a space is drawn).
 *   Control characters never reach a cell; a code point that is not a
 *   Unicode scalar value becomes U+FFFD.
 * - width is 1 or 2.  The right half of a wide character is not drawn
 *   (the callback never sees it); a wide character that lost one half,
 *   or that libtsm put in the last column, is drawn as an empty cell.
 * - fg and bg: -1 is the terminal's default colour; 0..255 a palette
 *   index; VT_RGB(r, g, b) a direct colour.  libtsm 4.0.2 keeps indexes
 *   0..15 but turns 16..255 into the xterm RGB values (the 6x6x6 cube
 *   and the grey ramp), so those arrive as VT_RGB, as do truecolour
 *   SGRs.  Bold does not brighten the colour: that is the drawer's call.
 * - attrs: VT_BOLD, VT_UNDERLINE, VT_ITALIC, VT_INVERSE, VT_BLINK.  A
 *   screen in reverse video (DECSCNM, ESC[?5h) flips VT_INVERSE on every
 *   cell.
 * - The cursor is never drawn into the cells (libtsm inverts the cursor
 *   cell; vt draws with the cursor hidden).  Ask vt_cursor() and draw it.
 *
 * Input is decoded as UTF-8 by utf8.c before libtsm sees it: invalid
 * bytes show as U+FFFD exactly where the agent view puts them.
 *
 * Limits of libtsm 4.0.2 that show through: combining marks are dropped
 * (every cell holds one code point); a resize does not reflow lines, and
 * a lower screen pushes its top rows into the scrollback; there is no
 * mouse reporting; the scrollback length is not exported, so
 * vt_scrollback_lines() and, while the view is scrolled back and output
 * arrives, vt_scroll_offset() measure it (see vt.c) at the price of a few
 * screen draws.  Parsing runs at roughly 10-20 MB/s.
 */
#ifndef VT_H
#define VT_H

#include <stddef.h>
#include <stdint.h>

struct vt;

/* Sizes are clamped to 1..VT_SIZE_MAX columns and rows. */
#define VT_SIZE_MAX		10000

/* Colours: -1 default, 0..255 palette, or a direct colour. */
#define VT_DEFAULT		(-1)
#define VT_RGB_FLAG		(1 << 24)
#define VT_RGB(r, g, b)		(VT_RGB_FLAG | ((int)(r) << 16) |	\
				    ((int)(g) << 8) | (int)(b))
#define VT_IS_RGB(c)		((c) >= 0 && ((c) & VT_RGB_FLAG) != 0)
#define VT_RGB_R(c)		(((c) >> 16) & 0xff)
#define VT_RGB_G(c)		(((c) >> 8) & 0xff)
#define VT_RGB_B(c)		((c) & 0xff)

/* Attributes. */
#define VT_BOLD		0x01U
#define VT_UNDERLINE	0x02U
#define VT_ITALIC	0x04U
#define VT_INVERSE	0x08U
#define VT_BLINK	0x10U

/* Modifiers for vt_key(). */
#define VT_MOD_SHIFT	0x01U
#define VT_MOD_LOCK	0x02U
#define VT_MOD_CTRL	0x04U
#define VT_MOD_ALT	0x08U
#define VT_MOD_LOGO	0x10U

/* vt_key()'s unicode argument when the key types no character. */
#define VT_NO_UNICODE	0xffffffffU

/* One cell, as the draw callback gets it; valid during the call only. */
struct vt_cell {
	uint32_t	 ch;		/* 0 = empty; first code point */
	const uint32_t	*chars;		/* the full cell (base + marks) */
	size_t		 nchars;	/* 0 when empty */
	unsigned int	 width;		/* 1 or 2 */
	int		 fg, bg;	/* VT_DEFAULT, 0..255 or VT_RGB() */
	unsigned int	 attrs;		/* VT_BOLD | VT_UNDERLINE | ... */
};

typedef void	(*vt_write_cb)(const char *, size_t, void *);
typedef void	(*vt_draw_cb)(unsigned int, unsigned int,
		    const struct vt_cell *, void *);

struct vt	*vt_new(unsigned int, unsigned int, unsigned int, vt_write_cb,
		    void *);
void		 vt_free(struct vt *);
void		 vt_feed(struct vt *, const char *, size_t);
void		 vt_resize(struct vt *, unsigned int, unsigned int);
void		 vt_size(struct vt *, unsigned int *, unsigned int *);
void		 vt_reset(struct vt *);
void		 vt_clear(struct vt *);
int		 vt_alternate(struct vt *);
void		 vt_draw(struct vt *, vt_draw_cb, void *);
int		 vt_cursor(struct vt *, unsigned int *, unsigned int *);
void		 vt_scroll(struct vt *, int);
void		 vt_scroll_reset(struct vt *);
unsigned int	 vt_scroll_offset(struct vt *);
unsigned int	 vt_scrollback_lines(struct vt *);
int		 vt_key(struct vt *, uint32_t, uint32_t, unsigned int,
		    uint32_t);
char		*vt_text(struct vt *, size_t *);

#endif
