/*
 * status.c: the status line at the top, the pane frames with their
 * titles, the key hints in the bottom border and the help overlay.
 * Nothing here knows about runs; callers pass the numbers and words.
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
	"  PgUp/PgDn  scroll the console (or the history)",
	"  End        console: follow the output again",
	"  Enter      open the selected run's own screen",
	"  Esc        back to the shared console",
	"  r          replay the selected finished run",
	"             space pause, + - speed, . to the end",
	"  i          type into the selected running run",
	"             (^C too) until ^] gives the keys back",
	"  /          filter the history; n, N next, previous",
	"  o          the filter looks at output too (or not)",
	"  k          abort the selected run (asks y/n)",
	"  t          tile every live run's screen (t again)",
	"  d          detach: the host and its runs go on",
	"  q, ^C      detach, saying how many runs go on",
	"  Q          stop the host and its runs (y/n)",
	"  ?          this help",
	"",
	"  any key closes this help",
	NULL
};

/*
 * Row y: "rexec  N running · N queued · N done · journal NAME · N viewers
 * ?:help", with "N detached" after the running ones while there are any;
 * the viewers are counted once the host has said how many there are.
 */
void
status_draw_top(int y, unsigned int running, unsigned int detached,
    unsigned int queued, unsigned int done, const char *journal,
    unsigned int viewers)
{
	char	*line, bg[32] = "", vw[32] = "";
	int	 w = COLS;

	if (detached != 0)
		snprintf(bg, sizeof bg, "%u detached \u00b7 ", detached);
	if (viewers != 0)
		snprintf(vw, sizeof vw, " \u00b7 %u viewer%s", viewers,
		    viewers == 1 ? "" : "s");
	xasprintf(&line, " rexec  %u running \u00b7 %s%u queued \u00b7 %u done"
	    " \u00b7 journal %s%s", running, bg, queued, done,
	    journal != NULL ? journal : "-", vw);
	attron(A_REVERSE);
	mvhline(y, 0, ' ', w);
	draw_put(y, 0, w, line);
	if (w > 8)
		draw_put(y, w - 8, 8, "?:help ");
	attroff(A_REVERSE);
	free(line);
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
	snprintf(buf, sizeof buf, " %s ", title);
	draw_put(y, x + 1, w - 2, buf);
	if (right != NULL && *right != '\0') {
		n = snprintf(buf, sizeof buf, " %s ", right);
		if (n < w - 4)
			draw_put(y, x + w - 1 - n, n, buf);
	}
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

/*
 * The help overlay, centred, as wide as its longest line (a space either
 * side inside the border).  On a terminal too small for it, the box
 * takes what there is and the lines are cut at its right border.
 */
void
status_draw_help(int rows, int cols)
{
	int	 i, n, w = 0, h, y, x;

	for (n = 0; status_help[n] != NULL; n++) {
		if (draw_width(status_help[n]) > w)
			w = draw_width(status_help[n]);
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
	status_draw_frame(y, x, h - 1, w, "help", NULL, 1);
	mvhline_set(y + h - 1, x + 1, WACS_HLINE, w - 2);
	mvadd_wch(y + h - 1, x, WACS_LLCORNER);
	mvadd_wch(y + h - 1, x + w - 1, WACS_LRCORNER);
	for (i = 0; i < n && i < h - 2; i++)
		draw_put(y + 1 + i, x + 2, w - 4, status_help[i]);
}
