/*
 * pane_console.c: the console pane.
 *
 * The serialised console stream (DESIGN.md section 6) is fed into one vt
 * of the pane's width with [ui] scrollback lines of history.  Child output
 * reaches the human's terminal only as cells drawn from this vt, never as
 * raw bytes.
 *
 * The stream comes typed from the host (DESIGN.md section 15): a run's
 * banner, its output, and rexec's own lines (notes).  Structure is taken
 * from the type only, never from the text, which a run could print: a
 * banner resets the vt's modes (so one run's modes never leak into the
 * next), goes to column 0 and is drawn bold in the agent's colour; a
 * note is drawn dim from column 0, each of its lines ending in "\r\n"
 * as a terminal needs, on a line of its own.  Neither is ever dropped in
 * a flood; output is.  Everything goes through a feed (feed.c), parsed
 * when the viewer draws, so a flood shows its newest part.
 *
 * The vt never gets shorter: libtsm pushes a shrinking screen's top rows
 * into the scrollback even when the cursor is near the top, which would
 * empty the pane.  A pane lower than its vt shows the rows that end at
 * the cursor's line instead.
 *
 * Nothing a run prints can wipe other runs' lines: its output goes
 * through a filter (clearfilter.c) on its way into the vt, as tmux's
 * scroll-on-clear does it.  A clear of the whole screen (ED 2, or ED 0
 * from the home position) first scrolls the rows in use into the
 * scrollback, then clears; an erase of the scrollback (ED 3) is dropped;
 * a full reset (RIS) becomes a reset of the modes, the same clear and
 * the cursor home, which is what a screen needs from it.  On the
 * alternate screen, which has no scrollback, a clear is a clear.
 *
 * Until the first bytes arrive, the pane shows one dim line that says
 * what it waits for, so a new session does not open on a blank screen.
 */
#include "rexec.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vt.h"
#include "ui/draw.h"
#include "ui/ui_int.h"

/* What an empty console says. */
#define EMPTY_HINT	"waiting for agents: rexec run --whoami NAME -- CMD"

struct pane_console {
	struct vt	*vt;
	struct feed	*feed;		/* on its way into vt */
	struct clearfilter *cf;		/* between the feed and vt */
	int		 bol;		/* the last byte fed was '\n' */
	int		 empty;		/* nothing written yet: the hint */
	/* A banner or a note line not yet whole (it may come in pieces). */
	int		 kind;		/* PANE_BANNER, PANE_NOTE or 0 */
	char		*line;
	size_t		 len;
	size_t		 size;
	char		*whoami;	/* the banner's agent */
};

#define PANE_BANNER	1
#define PANE_NOTE	2

static void	pane_console_keep(struct pane_console *, int, const char *,
		    size_t);
static void	pane_console_settle(struct pane_console *);
static void	pane_console_lines(FILE *, const char *, size_t);
static void	pane_console_sink(struct vt *, const char *, size_t, int,
		    void *);
static void	pane_console_filtered(int, const char *, size_t, void *);
static void	pane_console_clear(struct pane_console *, const char *);

struct pane_console *
pane_console_new(unsigned int cols, unsigned int rows, unsigned int sb)
{
	struct pane_console	*pc = xcalloc(1, sizeof *pc);

	pc->vt = vt_new(cols, rows, sb, NULL, NULL);
	pc->feed = feed_new(UI_CONSOLE_FEED, 1);
	pc->cf = clearfilter_new();
	feed_set_sink(pc->feed, pane_console_sink, pc);
	pc->bol = 1;
	pc->empty = 1;
	return (pc);
}

void
pane_console_free(struct pane_console *pc)
{
	if (pc == NULL)
		return;
	vt_free(pc->vt);
	feed_free(pc->feed);
	clearfilter_free(pc->cf);
	free(pc->line);
	free(pc->whoami);
	free(pc);
}

/* Hold the start of a banner or note line until its newline comes. */
static void
pane_console_keep(struct pane_console *pc, int kind, const char *buf,
    size_t len)
{
	if (pc->kind != kind)
		pane_console_settle(pc);
	pc->kind = kind;
	if (pc->len + len > pc->size) {
		pc->size = pc->len + len + 128;
		pc->line = xrealloc(pc->line, pc->size);
	}
	memcpy(pc->line + pc->len, buf, len);
	pc->len += len;
}

/* Text of rexec's own, each "\n" as "\r\n"; a last "\n" is left out. */
static void
pane_console_lines(FILE *f, const char *buf, size_t len)
{
	size_t	i;

	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			fputs("\r\n", f);
		else if (buf[i] != '\r')
			fputc(buf[i], f);
	}
}

/*
 * The line held is whole (or what follows is of another kind): a banner
 * bold in the agent's colour, after a reset of the vt's modes; a note
 * dim.  Either from column 0, on a line of its own, never dropped in a
 * flood.  An empty note line is a newline and nothing more.
 */
static void
pane_console_settle(struct pane_console *pc)
{
	char	*out;
	size_t	 n;
	FILE	*f;

	if (pc->kind == 0)
		return;
	if ((f = open_memstream(&out, &n)) == NULL)
		abort();
	if (!pc->bol)
		fputs("\r\n", f);
	if (pc->kind == PANE_NOTE && (pc->len == 0 || (pc->len == 1 &&
	    pc->line[0] == '\n')))
		fputs(pc->bol ? "\r\n" : "", f);
	else {
		if (pc->kind == PANE_BANNER)
			fprintf(f, "\r\033[0;1;%dm", 30 + draw_agent_colour(
			    pc->whoami != NULL ? pc->whoami : ""));
		else
			fputs("\r" DRAW_DIM_SGR, f);
		pane_console_lines(f, pc->line, pc->len);
		fputs("\033[0m\r\n", f);
	}
	if (fclose(f) != 0)
		abort();
	if (n > 0)
		feed_mark(pc->feed, out, n);
	free(out);
	pc->bol = 1;
	pc->empty = 0;
	pc->kind = 0;
	pc->len = 0;
}

/*
 * A piece of a run's banner (the host's text, escaped by banner.c),
 * of the agent whoami.
 */
void
pane_console_banner(struct pane_console *pc, const char *buf, size_t len,
    const char *whoami)
{
	if (pc->kind != PANE_BANNER) {
		pane_console_settle(pc);
		free(pc->whoami);
		pc->whoami = whoami != NULL ? xstrdup(whoami) : NULL;
	}
	pane_console_keep(pc, PANE_BANNER, buf, len);
	if (len > 0 && buf[len - 1] == '\n')
		pane_console_settle(pc);
}

/* A run's bytes in its console turn, as they are. */
void
pane_console_output(struct pane_console *pc, const char *buf, size_t len)
{
	pane_console_settle(pc);
	if (len == 0)
		return;
	feed_put(pc->feed, buf, len);
	pc->bol = buf[len - 1] == '\n';
	pc->empty = 0;
}

/* Output left out so far, here or by the host: it grows in a flood. */
size_t
pane_console_skipped(const struct pane_console *pc)
{
	return (feed_skipped(pc->feed));
}

/* Output the host left out (it fell behind): the note says how much. */
void
pane_console_skip(struct pane_console *pc, size_t n)
{
	pane_console_settle(pc);
	feed_skip(pc->feed, n);
}

/*
 * A piece of what rexec adds (a detached run's lines, "[rexec: timeout]",
 * bytes not shown, the newline after a run's turn), a line at a time.
 */
void
pane_console_note(struct pane_console *pc, const char *buf, size_t len)
{
	const char	*nl;
	size_t		 n;

	while (len > 0) {
		nl = memchr(buf, '\n', len);
		n = nl != NULL ? (size_t)(nl - buf) + 1 : len;
		pane_console_keep(pc, PANE_NOTE, buf, n);
		if (nl != NULL)
			pane_console_settle(pc);
		buf += n;
		len -= n;
	}
}

/*
 * Bytes from the feed: rexec's own lines as they are (an escape a run
 * left unfinished ends there, as the vt's reset ends it), a run's output
 * through the filter.
 */
static void
pane_console_sink(struct vt *vt, const char *buf, size_t len, int mark,
    void *arg)
{
	struct pane_console	*pc = arg;

	if (mark) {
		clearfilter_reset(pc->cf);
		vt_feed(vt, buf, len);
		return;
	}
	clearfilter_feed(pc->cf, buf, len, pane_console_filtered, pc);
}

/*
 * A clear of the whole screen that keeps what was on it: the rows in
 * use (up to the last that is not blank) scroll into the scrollback
 * first, then the erase, as seq, clears the rest.  A view scrolled back
 * stays on the lines it showed.
 */
static void
pane_console_clear(struct pane_console *pc, const char *seq)
{
	unsigned int	 off, used = 0;
	size_t		 len, i;
	char		*text, buf[32];

	off = vt_scroll_offset(pc->vt);
	if (off != 0)
		vt_scroll_reset(pc->vt);
	text = vt_text(pc->vt, &len);
	for (i = 0; i < len; i++) {
		if (text[i] == '\n')
			used++;
	}
	if (len > 0 && text[len - 1] != '\n')
		used++;
	free(text);
	if (used > 0) {
		snprintf(buf, sizeof buf, "\033[%uS", used);
		vt_feed(pc->vt, buf, strlen(buf));
	}
	vt_feed(pc->vt, seq, strlen(seq));
	if (off != 0)
		vt_scroll(pc->vt, (int)(off + used));
}

/* What the filter hands on from a run's output. */
static void
pane_console_filtered(int what, const char *buf, size_t len, void *arg)
{
	struct pane_console	*pc = arg;
	unsigned int		 cx, cy;

	switch (what) {
	case CLEARFILTER_TEXT:
		vt_feed(pc->vt, buf, len);
		break;
	case CLEARFILTER_BELOW:
		vt_cursor(pc->vt, &cx, &cy);
		if (cx == 0 && cy == 0 && !vt_alternate(pc->vt))
			pane_console_clear(pc, "\033[J");
		else
			vt_feed(pc->vt, "\033[J", 3);
		break;
	case CLEARFILTER_SCREEN:
		if (vt_alternate(pc->vt))
			vt_feed(pc->vt, "\033[2J", 4);
		else
			pane_console_clear(pc, "\033[2J");
		break;
	case CLEARFILTER_RESET:
		vt_reset(pc->vt);
		pane_console_clear(pc, "\033[2J\033[H");
		break;
	}
}

/*
 * Parse what is queued for at most budget seconds, in a flood only its
 * newest screenful; returns 1 while something is left for the next
 * frame.
 */
int
pane_console_drain(struct pane_console *pc, double budget, int flood)
{
	feed_drain(pc->feed, pc->vt, budget, flood);
	return (feed_pending(pc->feed) != 0);
}

void
pane_console_resize(struct pane_console *pc, unsigned int cols,
    unsigned int rows)
{
	unsigned int	old_cols, old_rows;

	vt_size(pc->vt, &old_cols, &old_rows);
	vt_resize(pc->vt, cols, rows > old_rows ? rows : old_rows);
}

/* Lines > 0 scroll back into history; the view then stops following. */
void
pane_console_scroll(struct pane_console *pc, int lines)
{
	vt_scroll(pc->vt, lines);
}

void
pane_console_follow(struct pane_console *pc)
{
	vt_scroll_reset(pc->vt);
}

int
pane_console_following(struct pane_console *pc)
{
	return (vt_scroll_offset(pc->vt) == 0);
}

/*
 * Draw h rows at y, x: following, the rows ending at the cursor's line
 * (or the top ones while they fit); scrolled back, the lowest rows of the
 * view, so a page up moves one page.
 */
void
pane_console_draw(struct pane_console *pc, int y, int x, int h)
{
	unsigned int	cols, rows, cx, cy;
	int		top;

	vt_size(pc->vt, &cols, &rows);
	if (pane_console_following(pc)) {
		vt_cursor(pc->vt, &cx, &cy);
		top = (int)cy + 1 - h;
	} else
		top = (int)rows - h;
	if (top < 0)
		top = 0;
	draw_vt(pc->vt, y, x, h, (int)cols, top);
	if (pc->empty) {
		attron(A_DIM);
		draw_put(y, x, (int)cols, EMPTY_HINT);
		attroff(A_DIM);
	}
}
