/*
 * pane_tiles.c: every live run's screen at once, tiled in the console
 * pane's place (the "t" key).
 *
 * Each live run of this session (running or detached, not queued, not
 * ended) gets a tile while it fits: its own screen (view.c's live view,
 * at its PTY's size, fed from the host's output events once an "open"
 * request asked for them), cropped to the tile from its top-left corner,
 * moved down just so far that the cursor's row shows; its seq, whoami and
 * state on the tile's top border.  The tiles follow the history at every
 * frame: a run that starts gets one, a run that ends loses its own.
 *
 * The grid fills the pane: of the ways to put the tiles in columns and
 * rows, the one that shows most of a screen of the runs' size; a last row
 * with fewer tiles shares the whole width among them.  A tile is at least
 * TILES_MIN_W columns and TILES_MIN_H rows (its border included), and a
 * viewer has at most TILES_MAX runs open (the host's bound): the runs
 * beyond are counted ("+N more") and reached by moving the selection past
 * the last tile, which scrolls the grid.  Runs whose tiles go out of
 * sight are closed.
 *
 * Nothing here calls ui.c: the requests go out through a callback, and
 * the tile picked to open in the run view is handed over with its screen,
 * so that run is not closed and opened again.
 */
#include "rexec.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mono.h"
#include "ui/draw.h"
#include "ui/ui_int.h"

/* The smallest tile: a border row and two rows of screen, 16 columns. */
#define TILES_MIN_W	17	/* with the separator on its right */
#define TILES_MIN_H	3
/* Runs a viewer has open at most (rexec-protocol(7), VIEWERS). */
#define TILES_MAX	16
/* The screen size assumed for a run whose size is not known. */
#define TILES_COLS	80
#define TILES_ROWS	24

struct tile {
	struct ui_run	*ur;
	struct ui_view	*view;
};

struct pane_tiles {
	struct tile	 tiles[TILES_MAX];
	size_t		 n;		/* tiles shown */
	size_t		 first;		/* index of the first in the live runs */
	size_t		 nlive;		/* live runs, shown or not */
	unsigned int	 sel;		/* the selected run's seq, 0: none */
	size_t		 next_step;	/* the tile parsed first next frame */
	int		 gc, gr;	/* grid columns and rows */
	struct ui_run	**live;		/* the live runs, from the history */
	size_t		 size;
	tiles_request_cb request;
	view_input_cb	 input;
	void		*arg;
};

static size_t	 tiles_fit(int, int);
static void	 tiles_grid(struct pane_tiles *, int, int);
static void	 tiles_drop(struct pane_tiles *, size_t, int);
static size_t	 tiles_index(struct pane_tiles *);
static void	 tiles_rect(struct pane_tiles *, size_t, int, int, int, int,
		    int *, int *, int *, int *);
static int	 tiles_sep_at(struct pane_tiles *, int, int, int, int);
static const char *tiles_state(const struct ui_run *);

/*
 * Tiles whose runs' requests ("open", "close") go to request and whose
 * keys typed into a run (once in the run view) go to input.
 */
struct pane_tiles *
pane_tiles_new(tiles_request_cb request, view_input_cb input, void *arg)
{
	struct pane_tiles	*pt = xcalloc(1, sizeof *pt);

	pt->request = request;
	pt->input = input;
	pt->arg = arg;
	return (pt);
}

/* Free the tiles; no request goes out (the viewer is going). */
void
pane_tiles_free(struct pane_tiles *pt)
{
	size_t	i;

	if (pt == NULL)
		return;
	for (i = 0; i < pt->n; i++)
		view_free(pt->tiles[i].view);
	free(pt->live);
	free(pt);
}

/*
 * Tile i goes: its run is closed (with close set) and no longer held,
 * its screen freed.
 */
static void
tiles_drop(struct pane_tiles *pt, size_t i, int close)
{
	struct tile	*t = &pt->tiles[i];

	if (close)
		pt->request("close", t->ur->seq, pt->arg);
	t->ur->held = 0;
	view_free(t->view);
	memmove(pt->tiles + i, pt->tiles + i + 1,
	    (pt->n - i - 1) * sizeof *pt->tiles);
	pt->n--;
}

/* How many tiles a pane of w columns and h rows holds at most. */
static size_t
tiles_fit(int w, int h)
{
	size_t	n;

	if (w < TILES_MIN_W - 1 || h < TILES_MIN_H)
		return (0);
	n = (size_t)((w + 1) / TILES_MIN_W) * (size_t)(h / TILES_MIN_H);
	return (n > TILES_MAX ? TILES_MAX : n);
}

/*
 * The grid for the tiles shown in a pane of w by h: of the column counts
 * that fit, the one whose tiles show most of a screen as big as the
 * biggest run's; on a tie, the one with fewer empty places, then fewer
 * columns.
 */
static void
tiles_grid(struct pane_tiles *pt, int w, int h)
{
	unsigned int	pc = 0, pr = 0;
	long		score, best = -1;
	int		c, r, maxc, maxr, tw, th, empty, best_empty = 0;
	size_t		i;

	pt->gc = pt->gr = 0;
	if (pt->n == 0)
		return;
	for (i = 0; i < pt->n; i++) {
		if (pt->tiles[i].ur->cols > pc)
			pc = pt->tiles[i].ur->cols;
		if (pt->tiles[i].ur->rows > pr)
			pr = pt->tiles[i].ur->rows;
	}
	if (pc == 0)
		pc = TILES_COLS;
	if (pr == 0)
		pr = TILES_ROWS;
	maxc = (w + 1) / TILES_MIN_W;
	maxr = h / TILES_MIN_H;
	for (c = 1; c <= maxc && c <= (int)pt->n; c++) {
		r = ((int)pt->n + c - 1) / c;
		if (r > maxr)
			continue;
		tw = (w + 1) / c - 1;
		th = h / r - 1;
		score = (long)(tw < (int)pc ? tw : (int)pc) *
		    (th < (int)pr ? th : (int)pr);
		empty = c * r - (int)pt->n;
		if (score > best || (score == best && empty < best_empty)) {
			best = score;
			best_empty = empty;
			pt->gc = c;
			pt->gr = r;
		}
	}
}

/* The selected run's index in the live runs (the first if it is gone). */
static size_t
tiles_index(struct pane_tiles *pt)
{
	size_t	i;

	for (i = 0; i < pt->nlive && i < pt->size; i++) {
		if (pt->live[i]->seq == pt->sel)
			return (i);
	}
	return (0);
}

/*
 * Follow the history: the live runs that fit in a pane of w by h, from
 * the one that keeps the selection in sight, get tiles (an "open" each);
 * runs that ended or went out of sight lose theirs (a "close" each).
 */
void
pane_tiles_sync(struct pane_tiles *pt, struct pane_history *ph, int w, int h)
{
	struct tile	*t;
	size_t		 cap, i, j, at, last;
	int		 keep;

	pt->nlive = pane_history_live(ph, pt->live, pt->size);
	if (pt->nlive > pt->size) {
		pt->size = pt->nlive;
		pt->live = xreallocarray(pt->live, pt->size, sizeof *pt->live);
		pt->nlive = pane_history_live(ph, pt->live, pt->size);
	}
	/* The selection stays on its run; when it ended, on its place. */
	at = tiles_index(pt);
	if (pt->sel != 0 && (at >= pt->nlive ||
	    pt->live[at]->seq != pt->sel)) {
		for (i = 0; i < pt->n; i++) {
			if (pt->tiles[i].ur->seq == pt->sel)
				break;
		}
		at = pt->first + i;
		if (at >= pt->nlive && at > 0)
			at = pt->nlive > 0 ? pt->nlive - 1 : 0;
	}
	pt->sel = at < pt->nlive ? pt->live[at]->seq : 0;
	cap = tiles_fit(w, h);
	if (pt->first > at)
		pt->first = at;
	if (cap > 0 && at >= pt->first + cap)
		pt->first = at - cap + 1;
	if (pt->first + cap > pt->nlive)
		pt->first = pt->nlive > cap ? pt->nlive - cap : 0;
	last = pt->first + cap < pt->nlive ? pt->first + cap : pt->nlive;

	/* Tiles whose runs are no longer in the window go. */
	for (i = 0; i < pt->n; ) {
		keep = 0;
		for (j = pt->first; j < last; j++) {
			if (pt->live[j] == pt->tiles[i].ur)
				keep = 1;
		}
		if (keep)
			i++;
		else
			tiles_drop(pt, i, 1);
	}
	/* The window's runs in order, each with its tile. */
	for (j = pt->first; j < last; j++) {
		i = j - pt->first;
		if (i < pt->n && pt->tiles[i].ur == pt->live[j])
			continue;
		memmove(pt->tiles + i + 1, pt->tiles + i,
		    (pt->n - i) * sizeof *pt->tiles);
		pt->n++;
		t = &pt->tiles[i];
		t->ur = pt->live[j];
		t->ur->held = 1;
		t->view = view_live(t->ur, pt->input, pt->arg);
		pt->request("open", t->ur->seq, pt->arg);
	}
	tiles_grid(pt, w, h);
}

/*
 * Leave the tiled view: every tile goes, its run closed, but for keep's
 * (NULL: none), whose screen is returned to go on in the run view.
 */
struct ui_view *
pane_tiles_leave(struct pane_tiles *pt, struct ui_run *keep)
{
	struct ui_view	*v = NULL;

	while (pt->n > 0) {
		if (pt->tiles[pt->n - 1].ur == keep) {
			v = pt->tiles[pt->n - 1].view;
			pt->tiles[pt->n - 1].view = NULL;
			tiles_drop(pt, pt->n - 1, 0);
			keep->held = 1;
		} else
			tiles_drop(pt, pt->n - 1, 1);
	}
	pt->first = 0;
	return (v);
}

/*
 * Output of a run, or a gap in it (data NULL): for its tile.  Returns 0
 * if no tile shows the run.
 */
int
pane_tiles_output(struct pane_tiles *pt, unsigned int seq,
    unsigned long long offset, const char *data, size_t len)
{
	size_t	i;

	for (i = 0; i < pt->n; i++) {
		if (pt->tiles[i].ur->seq != seq)
			continue;
		if (data == NULL)
			view_gap(pt->tiles[i].view, offset, len);
		else
			view_output(pt->tiles[i].view, offset, data, len);
		return (1);
	}
	return (0);
}

/*
 * The host dropped what this viewer had not read: the screens start
 * again from the snapshot, which sends every open run's newest output.
 */
void
pane_tiles_resync(struct pane_tiles *pt)
{
	size_t	i;

	for (i = 0; i < pt->n; i++) {
		view_free(pt->tiles[i].view);
		pt->tiles[i].view = view_live(pt->tiles[i].ur, pt->input,
		    pt->arg);
	}
}

/*
 * A frame's parsing for the tiles, in budget seconds all told, a
 * different tile first each frame so a flooding run leaves the others
 * their turn.  Returns 1 while there is more to do.
 */
int
pane_tiles_step(struct pane_tiles *pt, double now, double budget,
    int flood)
{
	double	until = mono_now() + budget, left;
	size_t	i, k;
	int	more = 0;

	if (pt->n == 0)
		return (0);
	for (k = 0; k < pt->n; k++) {
		i = (pt->next_step + k) % pt->n;
		left = until - mono_now();
		if (view_step(pt->tiles[i].view, now, left > 1e-6 ? left :
		    1e-6, flood))
			more = 1;
	}
	pt->next_step = (pt->next_step + 1) % pt->n;
	return (more);
}

/*
 * Where tile i goes in the pane at y, x of h rows and w columns: its
 * border row at *ty, its screen's rows below it, *tw columns from *tx,
 * *th rows of screen.
 */
static void
tiles_rect(struct pane_tiles *pt, size_t i, int y, int x, int h, int w,
    int *ty, int *tx, int *th, int *tw)
{
	int	row = (int)i / pt->gc, col = (int)i % pt->gc, k;

	k = row == pt->gr - 1 ? (int)pt->n - pt->gc * (pt->gr - 1) : pt->gc;
	*ty = y + row * h / pt->gr;
	*th = y + (row + 1) * h / pt->gr - *ty - 1;
	*tx = x + col * (w + 1) / k;
	*tw = x + (col + 1) * (w + 1) / k - 1 - *tx;
}

/* Is there a separator at column sx in grid row row? */
static int
tiles_sep_at(struct pane_tiles *pt, int row, int sx, int x, int w)
{
	int	col, k;

	if (row >= pt->gr)
		return (0);
	k = row == pt->gr - 1 ? (int)pt->n - pt->gc * (pt->gr - 1) : pt->gc;
	for (col = 0; col < k - 1; col++) {
		if (x + (col + 1) * (w + 1) / k - 1 == sx)
			return (1);
	}
	return (0);
}

/* A run's state as its tile says it. */
static const char *
tiles_state(const struct ui_run *ur)
{
	if (ur->waiting)
		return ("\u231b waiting");
	if (ur->detached)
		return ("detached");
	return ("running");
}

/*
 * Draw the tiles into the pane at y, x of h rows and w columns: each
 * tile's border row with its run's seq, whoami, state and command (the
 * selected tile's reversed), its screen below, a line between tiles
 * side by side.
 */
void
pane_tiles_draw(struct pane_tiles *pt, int y, int x, int h, int w)
{
	struct tile	*t;
	char		*title;
	size_t		 i;
	int		 ty, tx, th, tw, sx, row, r;

	if (pt->n == 0 || pt->gc == 0) {
		attron(A_DIM);
		draw_put(y, x, w, pt->nlive == 0 ? "no live runs" :
		    "the pane is too small for a tile");
		attroff(A_DIM);
		return;
	}
	for (i = 0; i < pt->n; i++) {
		t = &pt->tiles[i];
		row = (int)i / pt->gc;
		tiles_rect(pt, i, y, x, h, w, &ty, &tx, &th, &tw);
		mvhline_set(ty, tx, WACS_HLINE, tw);
		xasprintf(&title, " %u %s %s \u00b7 %s ", t->ur->seq,
		    t->ur->whoami != NULL ? t->ur->whoami : "?",
		    tiles_state(t->ur), t->ur->cmd != NULL ? t->ur->cmd : "");
		if (t->ur->seq == pt->sel)
			attron(A_REVERSE | A_BOLD);
		draw_put(ty, tx + 1, tw - 1, title);
		if (t->ur->seq == pt->sel)
			attroff(A_REVERSE | A_BOLD);
		free(title);
		view_draw_crop(t->view, ty + 1, tx, th, tw);
		/* The line to its right, but for a row's last tile. */
		sx = tx + tw;
		if (sx >= x + w)
			continue;
		mvadd_wch(ty, sx, WACS_TTEE);
		for (r = 1; r <= th; r++)
			mvadd_wch(ty + r, sx, WACS_VLINE);
		if (row + 1 < pt->gr)
			mvadd_wch(ty + th + 1, sx, tiles_sep_at(pt, row + 1,
			    sx, x, w) ? WACS_PLUS : WACS_BTEE);
	}
}

/*
 * Keys of the tiled view: the arrows move by the grid, Tab and Shift-Tab
 * to the next and previous run (past the ends, the grid scrolls to the
 * runs not shown).  Returns 1 if the key was one of them.
 */
int
pane_tiles_key(struct pane_tiles *pt, wint_t wc, int fkey)
{
	size_t	at = tiles_index(pt), to = at, step = 1;

	if (pt->nlive == 0)
		return (fkey ? wc == KEY_LEFT || wc == KEY_RIGHT ||
		    wc == KEY_UP || wc == KEY_DOWN || wc == KEY_BTAB :
		    wc == '\t');
	if (fkey && pt->gc > 0 && (wc == KEY_UP || wc == KEY_DOWN))
		step = (size_t)pt->gc;
	if ((fkey && (wc == KEY_RIGHT || wc == KEY_DOWN)) ||
	    (!fkey && wc == '\t')) {
		if (at + step < pt->nlive)
			to = at + step;
		else if (!fkey || wc == KEY_RIGHT)
			to = at + 1 < pt->nlive ? at + 1 : 0;
	} else if (fkey && (wc == KEY_LEFT || wc == KEY_UP ||
	    wc == KEY_BTAB)) {
		if (at >= step)
			to = at - step;
		else if (wc != KEY_UP)
			to = at > 0 ? at - 1 : pt->nlive - 1;
	} else
		return (0);
	pt->sel = pt->live[to]->seq;
	return (1);
}

/*
 * A click at row my, column mx of the screen, the pane drawn at y, x of
 * h rows and w columns: a tile's border or screen selects its run.
 * Returns 1 if it hit a tile.
 */
int
pane_tiles_click(struct pane_tiles *pt, int y, int x, int h, int w, int my,
    int mx)
{
	size_t	i;
	int	ty, tx, th, tw;

	if (pt->gc == 0)
		return (0);
	for (i = 0; i < pt->n; i++) {
		tiles_rect(pt, i, y, x, h, w, &ty, &tx, &th, &tw);
		if (my >= ty && my <= ty + th && mx >= tx && mx < tx + tw) {
			pt->sel = pt->tiles[i].ur->seq;
			return (1);
		}
	}
	return (0);
}

/* Output left out of the tiles' screens so far. */
unsigned long long
pane_tiles_skipped(const struct pane_tiles *pt)
{
	unsigned long long	n = 0;
	size_t			i;

	for (i = 0; i < pt->n; i++)
		n += view_skipped(pt->tiles[i].view);
	return (n);
}

/* The selected tile's run, or NULL. */
struct ui_run *
pane_tiles_selected(struct pane_tiles *pt)
{
	size_t	i;

	for (i = 0; i < pt->n; i++) {
		if (pt->tiles[i].ur->seq == pt->sel)
			return (pt->tiles[i].ur);
	}
	return (NULL);
}

/* What the pane's border says: how many live runs have no tile. */
const char *
pane_tiles_label(struct pane_tiles *pt, char *buf, size_t len)
{
	if (pt->nlive > pt->n)
		snprintf(buf, len, "+%zu more", pt->nlive - pt->n);
	else
		snprintf(buf, len, "%zu live", pt->nlive);
	return (buf);
}
