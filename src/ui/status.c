/*
 * status.c: the status line at the top, the pane frames with their
 * titles, the key hints in the bottom border and the overlays (the
 * help, the messages).  Nothing here knows about runs; callers pass the
 * numbers and words.
 */
#include "rexec.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/ui_int.h"

/* Every key, for the help overlay. */
static const char *status_help[] = {
	"rexec keys",
	"",
	"  Tab        switch pane (console / history)",
	"  Up, Down   select a run in the history",
	"  PgUp/PgDn  scroll the console, run view or history",
	"  End        follow the output (or cursor) again",
	"  Enter, z   open the selected run (z: zoomed)",
	"  Esc        un-zoom, or back to the shared console",
	"  r          replay the selected finished run",
	"             space pause, + - speed, . to the end",
	"  i          type into the selected running run",
	"             (^C too) until ^] gives the keys back",
	"  /          filter the history; n, N next, previous",
	"  o          the filter looks at output too (or not)",
	"  k          abort the selected run (asks y/n)",
	"  d          detach: the host and its runs go on",
	"  q, ^C      detach, saying how many runs go on",
	"  Q          stop the host and its runs (y/n)",
	"  ?, m       this help; m: the last messages",
	"",
	"  any key closes this help",
	NULL
};

/*
 * The top line's fields, left to right.  On a line too narrow for all of
 * them, whole fields give way, least useful first (top_drop: the lowest
 * goes first): the journal's name (the history's title has it too), the
 * viewers, the program's name, then the done, queued, detached and
 * running counts.  The waiting count, which asks the human for
 * something, and "?:help" at the right end never give way.
 */
enum top_field {
	TOP_NAME,
	TOP_RUNNING,
	TOP_WAITING,
	TOP_DETACHED,
	TOP_QUEUED,
	TOP_DONE,
	TOP_JOURNAL,
	TOP_VIEWERS,
	TOP_NFIELDS
};
static const int top_drop[TOP_NFIELDS] = { 3, 7, 0, 6, 5, 4, 1, 2 };
#define TOP_LASTDROP	7
#define TOP_HELP	"?:help "

static int	 top_width(char [][160], const int *);

/* The columns the kept fields take, with a space first. */
static int
top_width(char f[][160], const int *keep)
{
	int	i, w = 1, any = 0;

	for (i = 0; i < TOP_NFIELDS; i++) {
		if (!keep[i])
			continue;
		if (any)
			w += i == TOP_NAME ? 0 : 3;	/* "  " or " \u00b7 " */
		w += draw_width(f[i]);
		any = 1;
	}
	return (w);
}

/*
 * Row y: " rexec  N running \u00b7 N waiting \u00b7 N detached \u00b7 N queued \u00b7
 * N done \u00b7 journal NAME \u00b7 N viewers" and "?:help" at the right end,
 * a space between them at least.  Waiting and detached runs are named
 * while there are any, the viewers once the host has said how many
 * there are; the waiting count stands out (bold, out of the reverse).
 */
void
status_draw_top(int y, const struct status_counts *c, const char *journal)
{
	char	f[TOP_NFIELDS][160];
	int	keep[TOP_NFIELDS], i, drop, x, prev = -1, w = COLS;

	memset(f, 0, sizeof f);
	snprintf(f[TOP_NAME], sizeof f[0], "rexec");
	snprintf(f[TOP_RUNNING], sizeof f[0], "%u running", c->running);
	if (c->waiting != 0)
		snprintf(f[TOP_WAITING], sizeof f[0], "%u waiting",
		    c->waiting);
	if (c->detached != 0)
		snprintf(f[TOP_DETACHED], sizeof f[0], "%u detached",
		    c->detached);
	snprintf(f[TOP_QUEUED], sizeof f[0], "%u queued", c->queued);
	snprintf(f[TOP_DONE], sizeof f[0], "%u done", c->done);
	snprintf(f[TOP_JOURNAL], sizeof f[0], "journal %s",
	    journal != NULL ? journal : "-");
	if (c->viewers != 0)
		snprintf(f[TOP_VIEWERS], sizeof f[0], "%u viewer%s",
		    c->viewers, c->viewers == 1 ? "" : "s");
	for (i = 0; i < TOP_NFIELDS; i++)
		keep[i] = f[i][0] != '\0';
	for (drop = 1; drop <= TOP_LASTDROP &&
	    top_width(f, keep) > w - (int)sizeof TOP_HELP - 1; drop++) {
		for (i = 0; i < TOP_NFIELDS; i++) {
			if (top_drop[i] == drop)
				keep[i] = 0;
		}
	}

	attron(A_REVERSE);
	mvhline(y, 0, ' ', w);
	x = 1;
	for (i = 0; i < TOP_NFIELDS && x < w; i++) {
		if (!keep[i])
			continue;
		if (prev == TOP_NAME)
			x += 2;
		else if (prev != -1) {
			draw_put(y, x, w - x, " \u00b7 ");
			x += 3;
		}
		if (i == TOP_WAITING) {
			attroff(A_REVERSE);
			attron(A_BOLD);
		}
		if (x < w)
			draw_put(y, x, w - x, f[i]);
		if (i == TOP_WAITING) {
			attroff(A_BOLD);
			attron(A_REVERSE);
		}
		x += draw_width(f[i]);
		prev = i;
	}
	if (w > (int)sizeof TOP_HELP)
		draw_put(y, w - (int)sizeof TOP_HELP, sizeof TOP_HELP - 1,
		    TOP_HELP);
	attroff(A_REVERSE);
}

/*
 * A box from row y to row y + h - 1 (both borders included) with a
 * title on the top edge and a word at its right end.  top is 1 for the
 * first box (corners), 0 for one below another (tees).
 */
void
status_draw_frame(int y, int x, int h, int w, const char *title,
    const char *right, int top)
{
	char	buf[256];
	int	n;

	if (h < 2 || w < 4)
		return;
	mvhline_set(y, x + 1, WACS_HLINE, w - 2);
	mvadd_wch(y, x, top ? WACS_ULCORNER : WACS_LTEE);
	mvadd_wch(y, x + w - 1, top ? WACS_URCORNER : WACS_RTEE);
	mvvline_set(y + 1, x, WACS_VLINE, h - 1);
	mvvline_set(y + 1, x + w - 1, WACS_VLINE, h - 1);
	/* The word at the right end first: the title stops before it. */
	n = 0;
	if (right != NULL && *right != '\0') {
		snprintf(buf, sizeof buf, " %s ", right);
		n = draw_width(buf);		/* columns, not bytes */
		if (n < w - 4)
			draw_put(y, x + w - 1 - n, n, buf);
		else
			n = 0;
	}
	snprintf(buf, sizeof buf, " %s ", title);
	draw_put(y, x + 1, w - 2 - n, buf);
}

/* The bottom border with the key hints in it. */
void
status_draw_hints(int y, int w, const char *hints)
{
	if (w < 4)
		return;
	mvhline_set(y, 1, WACS_HLINE, w - 2);
	mvadd_wch(y, 0, WACS_LLCORNER);
	mvadd_wch(y, w - 1, WACS_LRCORNER);
	status_put_hints(y, w, hints);
}

/* The hints' text on a bottom border already drawn. */
void
status_put_hints(int y, int w, const char *hints)
{
	char	buf[512];

	if (w < 4 || *hints == '\0')
		return;
	snprintf(buf, sizeof buf, " %s ", hints);
	draw_put(y, 1, w - 2, buf);
}

/* The help overlay. */
void
status_draw_help(int rows, int cols)
{
	int	n;

	for (n = 0; status_help[n] != NULL; n++)
		;
	status_draw_list(rows, cols, "help", status_help, n);
}

/*
 * An overlay of n lines in a box named title, centred, as wide as its
 * longest line (a space either side inside the border).  On a terminal
 * too small for it, the box takes what there is and the lines are cut at
 * its right border.
 */
void
status_draw_list(int rows, int cols, const char *title,
    const char *const *lines, int n)
{
	int	 i, w = 0, h, y, x;

	for (i = 0; i < n; i++) {
		if (draw_width(lines[i]) > w)
			w = draw_width(lines[i]);
	}
	w += 4;
	h = n + 2;
	if (w > cols)
		w = cols;
	if (h > rows)
		h = rows;
	if (w < 5 || h < 3)
		return;
	y = (rows - h) / 2;
	x = (cols - w) / 2;
	for (i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	status_draw_frame(y, x, h - 1, w, title, NULL, 1);
	mvhline_set(y + h - 1, x + 1, WACS_HLINE, w - 2);
	mvadd_wch(y + h - 1, x, WACS_LLCORNER);
	mvadd_wch(y + h - 1, x + w - 1, WACS_LRCORNER);
	for (i = 0; i < n && i < h - 2; i++)
		draw_put(y + 1 + i, x + 2, w - 4, lines[i]);
}
