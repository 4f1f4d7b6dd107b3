/*
 * ui.c: the curses front end (DESIGN.md section 7).
 *
 * Fills a struct frontend for the host: console bytes go to the console
 * pane's vt, run events to the history pane (and a vt per running run for
 * the run view), keys come from stdin when the host's loop finds it
 * readable.  The screen is redrawn from tick(), at most [ui] fps times a
 * second and only when something changed, so drawing never competes with
 * the PTYs the host serves first.
 *
 * Only src/ui/ includes curses.  Curses starts when the host attaches
 * (after its setup succeeded, so startup errors print normally) and ends
 * in ui_fini(), after host_main() returns.  SIGWINCH is ours: its handler
 * only sets a flag that tick() turns into a re-layout.
 */
#include "rexec.h"

#include <sys/ioctl.h>

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "config.h"
#include "frontend.h"
#include "host.h"
#include "run.h"
#include "vt.h"
#include "ui/ui.h"
#include "ui/ui_int.h"

/* How often the clocks of running runs tick on screen. */
#define UI_CLOCK	0.5
/* Scrollback of a run's own screen. */
#define UI_RUN_SB	1000

/* A run's own screen, kept while it runs and while it is open. */
struct ui_view {
	struct ui_run		*ur;
	struct vt		*vt;
};

enum ui_mode {
	UI_NORMAL,
	UI_HELP,
	UI_ASK_QUIT,
	UI_ASK_KILL
};

struct ui {
	const struct config	*cfg;
	struct host		*host;
	int			 started;	/* curses is up */
	int			 dirty;
	double			 interval;	/* 1 / fps */
	double			 last_draw;
	double			 next_clock;
	enum ui_mode		 mode;
	unsigned int		 kill_seq;
	int			 focus;		/* 0 console, 1 history */
	struct ui_run		*open;		/* run view, NULL: console */
	char			*journal;
	char			*note;
	struct ui_view		*views;		/* a vt per run on view */
	size_t			 nviews;
	struct pane_console	*console;
	struct pane_history	*history;
	/* The layout. */
	int			 con_y, con_h, con_w;
	int			 his_y, his_h;
};

static volatile sig_atomic_t	 ui_winch;

static void	 ui_sigwinch(int);
static int	 ui_nearest_ansi(int, int, int, int);
static int	 ui_cube_level(int);
static int	 ui_nearest_256(int, int, int);
static int	 ui_colour(int);
static void	 ui_draw_cell(unsigned int, unsigned int,
		    const struct vt_cell *, void *);
static void	 ui_fe_console(const char *, size_t, void *);
static void	 ui_fe_queued(struct run *, void *);
static void	 ui_fe_started(struct run *, void *);
static void	 ui_fe_output(struct run *, const char *, size_t, void *);
static void	 ui_fe_ended(struct run *, void *);
static void	 ui_fe_message(const char *, void *);
static int	 ui_fe_fd(void *);
static void	 ui_fe_ready(void *, double);
static void	 ui_fe_attach(struct host *, void *);
static double	 ui_fe_tick(void *, double);
static struct vt *ui_view_vt(struct ui *, struct ui_run *);
static void	 ui_view_drop(struct ui *, struct ui_run *);
static void	 ui_layout(struct ui *);
static const char *ui_hints(struct ui *, char *, size_t);
static void	 ui_draw_open(struct ui *);
static void	 ui_draw(struct ui *, double);
static void	 ui_key_answer(struct ui *, wint_t);
static void	 ui_key_quit(struct ui *);
static void	 ui_mouse(struct ui *);
static void	 ui_key(struct ui *, wint_t, int);

static void
ui_sigwinch(int sig)
{
	(void)sig;
	ui_winch = 1;
}

/* The 16 xterm colours, for folding RGB down. */
static const unsigned char ui_ansi[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 }
};

static int
ui_nearest_ansi(int r, int g, int b, int n)
{
	int	i, best = 0, d, bd = -1;

	for (i = 0; i < n; i++) {
		d = (r - ui_ansi[i][0]) * (r - ui_ansi[i][0]) +
		    (g - ui_ansi[i][1]) * (g - ui_ansi[i][1]) +
		    (b - ui_ansi[i][2]) * (b - ui_ansi[i][2]);
		if (bd < 0 || d < bd) {
			bd = d;
			best = i;
		}
	}
	return (best);
}

static int
ui_cube_level(int v)
{
	if (v < 48)
		return (0);
	if (v < 115)
		return (1);
	return ((v - 35) / 40);
}

/* An RGB colour as the nearest of the xterm 256 (cube or grey ramp). */
static int
ui_nearest_256(int r, int g, int b)
{
	static const int	 lv[6] = { 0, 95, 135, 175, 215, 255 };
	int			 cr, cg, cb, grey, gi, dc, dg, gv;

	cr = ui_cube_level(r);
	cg = ui_cube_level(g);
	cb = ui_cube_level(b);
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
ui_colour(int c)
{
	if (c == VT_DEFAULT)
		return (-1);
	if (VT_IS_RGB(c)) {
		if (COLORS >= 256)
			return (ui_nearest_256(VT_RGB_R(c), VT_RGB_G(c),
			    VT_RGB_B(c)));
		return (ui_nearest_ansi(VT_RGB_R(c), VT_RGB_G(c),
		    VT_RGB_B(c), COLORS >= 16 ? 16 : 8));
	}
	if (c < COLORS)
		return (c);
	if (c < 16)
		return (c & 7);
	return (-1);
}

/* The colour pair for a vt foreground and background (extended pairs). */
int
ui_pair(int fg, int bg)
{
	int	p;

	if (!has_colors())
		return (0);
	p = alloc_pair(ui_colour(fg), ui_colour(bg));
	return (p < 0 ? 0 : p);
}

/* A colour (1..6, ANSI) per agent name, the same for the same name. */
int
ui_agent_colour(const char *whoami)
{
	static const int	 colours[] = { 6, 2, 3, 5, 4, 1 };
	unsigned int		 h = 5381;

	while (whoami != NULL && *whoami != '\0')
		h = h * 33 + (unsigned char)*whoami++;
	return (colours[h % (sizeof colours / sizeof colours[0])]);
}

/* Put UTF-8 text at y, x, no wider than w columns; bad bytes become '?'. */
void
ui_put(int y, int x, int w, const char *s)
{
	mbstate_t	 ps;
	wchar_t		 wc;
	size_t		 n, len = strlen(s);
	int		 cw, col = 0;

	memset(&ps, 0, sizeof ps);
	move(y, x);
	while (len > 0 && col < w) {
		n = mbrtowc(&wc, s, len, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof ps);
			wc = L'?';
			n = 1;
		}
		if ((cw = wcwidth(wc)) < 0) {
			wc = L'?';
			cw = 1;
		}
		if (col + cw > w)
			break;
		addnwstr(&wc, 1);
		col += cw;
		s += n;
		len -= n;
	}
}

struct ui_draw_ctx {
	int	y, x, h, w, top;
};

static void
ui_draw_cell(unsigned int cx, unsigned int cy, const struct vt_cell *cell,
    void *arg)
{
	struct ui_draw_ctx	*ctx = arg;
	cchar_t			 cc;
	wchar_t			 wch[2];
	attr_t			 a = A_NORMAL;
	int			 pair;

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
	pair = ui_pair(cell->fg, cell->bg);
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
ui_draw_vt(struct vt *vt, int y, int x, int h, int w, int top)
{
	struct ui_draw_ctx	ctx;

	ctx.top = top;
	ctx.y = y;
	ctx.x = x;
	ctx.h = h;
	ctx.w = w;
	vt_draw(vt, ui_draw_cell, &ctx);
}

/* Frontend callbacks. */

static void
ui_fe_console(const char *buf, size_t len, void *arg)
{
	struct ui	*ui = arg;

	if (ui->console == NULL)
		return;
	pane_console_write(ui->console, buf, len,
	    pane_history_next_banner(ui->history));
	ui->dirty = 1;
}

static void
ui_fe_queued(struct run *r, void *arg)
{
	struct ui	*ui = arg;

	pane_history_add(ui->history, r);
	ui->dirty = 1;
}

static void
ui_fe_started(struct run *r, void *arg)
{
	struct ui	*ui = arg;
	struct ui_run	*ur;
	unsigned int	 cols, rows;
	struct timespec	 ts;

	if ((ur = pane_history_find(ui->history, r)) == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ur->started = 1;
	ur->start = ts.tv_sec + ts.tv_nsec / 1e9;
	if (ur->banner == NULL)
		ur->banner = run_banner(r);
	run_size(r, &cols, &rows);
	ui->views = xreallocarray(ui->views, ui->nviews + 1,
	    sizeof *ui->views);
	ui->views[ui->nviews].ur = ur;
	ui->views[ui->nviews].vt = vt_new(cols, rows, UI_RUN_SB, NULL, NULL);
	ui->nviews++;
	ui->dirty = 1;
}

static void
ui_fe_output(struct run *r, const char *buf, size_t len, void *arg)
{
	struct ui	*ui = arg;
	struct ui_run	*ur;
	struct vt	*vt;

	if ((ur = pane_history_find(ui->history, r)) == NULL)
		return;
	if ((vt = ui_view_vt(ui, ur)) != NULL)
		vt_feed(vt, buf, len);
	if (ui->open == ur)
		ui->dirty = 1;
}

static void
ui_fe_ended(struct run *r, void *arg)
{
	struct ui	*ui = arg;
	struct ui_run	*ur;

	if ((ur = pane_history_find(ui->history, r)) == NULL)
		return;
	ui_run_ended(ur, r);
	if (ui->open != ur)
		ui_view_drop(ui, ur);
	ui->dirty = 1;
}

/*
 * A message about the host: the bottom line shows it until the next key.
 * The host's start and stop lines are left out: the status line already
 * says what they say.
 */
static void
ui_fe_message(const char *msg, void *arg)
{
	struct ui	*ui = arg;

	if (strncmp(msg, "rexec host", 10) == 0)
		return;
	free(ui->note);
	ui->note = xstrdup(msg);
	ui->dirty = 1;
}

static int
ui_fe_fd(void *arg)
{
	struct ui	*ui = arg;

	return (ui->started ? STDIN_FILENO : -1);
}

/* stdin is readable: take every key waiting, never block. */
static void
ui_fe_ready(void *arg, double now)
{
	struct ui	*ui = arg;
	wint_t		 wc;
	int		 r;

	(void)now;
	for (;;) {
		r = wget_wch(stdscr, &wc);
		if (r == ERR)
			break;
		ui_key(ui, wc, r == KEY_CODE_YES);
	}
}

static void
ui_fe_attach(struct host *h, void *arg)
{
	struct ui		*ui = arg;
	struct sigaction	 sa;

	ui->host = h;
	ui->journal = xstrdup(host_session(h));
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_sigwinch;
	sa.sa_flags = SA_RESTART;	/* poll() still wakes with EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);

	setlocale(LC_CTYPE, "");
	set_escdelay(25);
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	/* No click resolution: it would make getch wait. */
	mouseinterval(0);
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	ui->started = 1;
	ui_layout(ui);
	ui->dirty = 1;
}

/* The next redraw, at most fps times a second, only when dirty. */
static double
ui_fe_tick(void *arg, double now)
{
	struct ui	*ui = arg;
	unsigned int	 running, queued, done;
	struct winsize	 ws;
	double		 next = -1;

	if (!ui->started)
		return (-1);
	if (ui_winch) {
		ui_winch = 0;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_row > 0 && ws.ws_col > 0)
			resize_term(ws.ws_row, ws.ws_col);
		ui_layout(ui);
		clear();
		ui->dirty = 1;
	}
	if (pane_history_poll(ui->history, now))
		ui->dirty = 1;
	pane_history_counts(ui->history, &running, &queued, &done);
	if (running != 0) {
		if (now >= ui->next_clock) {
			ui->dirty = 1;
			ui->next_clock = now + UI_CLOCK;
		}
		next = ui->next_clock;
	}
	if (!ui->dirty)
		return (next);
	if (now < ui->last_draw + ui->interval) {
		if (next < 0 || ui->last_draw + ui->interval < next)
			next = ui->last_draw + ui->interval;
		return (next);
	}
	ui_draw(ui, now);
	ui->last_draw = now;
	ui->dirty = 0;
	return (next);
}

/* Views: a vt per run while it runs and while it is open. */

static struct vt *
ui_view_vt(struct ui *ui, struct ui_run *ur)
{
	size_t	i;

	for (i = 0; i < ui->nviews; i++) {
		if (ui->views[i].ur == ur)
			return (ui->views[i].vt);
	}
	return (NULL);
}

static void
ui_view_drop(struct ui *ui, struct ui_run *ur)
{
	size_t	i;

	ur->held = 0;
	for (i = 0; i < ui->nviews; i++) {
		if (ui->views[i].ur == ur) {
			vt_free(ui->views[i].vt);
			ui->views[i] = ui->views[--ui->nviews];
			return;
		}
	}
}

/*
 * The layout: status line, console box, history box under it sharing a
 * border, hints in the bottom border.  The history gets a third of the
 * rows, at least 3 and at most 12.
 */
static void
ui_layout(struct ui *ui)
{
	int	inner = LINES - 4;	/* status, 3 borders */

	ui->his_h = inner / 3;
	if (ui->his_h > 12)
		ui->his_h = 12;
	if (ui->his_h < 1)
		ui->his_h = 1;
	ui->con_h = inner - ui->his_h;
	if (ui->con_h < 1)
		ui->con_h = 1;
	ui->con_y = 2;
	ui->his_y = ui->con_y + ui->con_h + 1;
	ui->con_w = COLS > 2 ? COLS - 2 : 1;
	if (ui->console == NULL)
		ui->console = pane_console_new(ui->con_w, ui->con_h,
		    ui->cfg->scrollback);
	else
		pane_console_resize(ui->console, ui->con_w, ui->con_h);
}

static const char *
ui_hints(struct ui *ui, char *buf, size_t len)
{
	switch (ui->mode) {
	case UI_ASK_QUIT:
		snprintf(buf, len, "quit with runs active? y/n");
		break;
	case UI_ASK_KILL:
		snprintf(buf, len, "abort run %u? y/n", ui->kill_seq);
		break;
	default:
		if (ui->note != NULL)
			snprintf(buf, len, "%s", ui->note);
		else if (ui->open != NULL)
			snprintf(buf, len, "run %u  Esc back  k kill  q quit",
			    ui->open->seq);
		else
			snprintf(buf, len, "Tab pane  \u2191\u2193 select  "
			    "Enter open  PgUp/PgDn scroll  k kill  q quit");
		break;
	}
	return (buf);
}

/* The run view: the run's own screen, clipped to the console pane. */
static void
ui_draw_open(struct ui *ui)
{
	struct vt	*vt;
	unsigned int	 cols, rows, cx, cy;

	if ((vt = ui_view_vt(ui, ui->open)) == NULL) {
		ui_put(ui->con_y, 1, ui->con_w,
		    "(this run's screen is gone: it ended before it was "
		    "opened)");
		return;
	}
	vt_size(vt, &cols, &rows);
	ui_draw_vt(vt, ui->con_y, 1,
	    (int)rows < ui->con_h ? (int)rows : ui->con_h,
	    (int)cols < ui->con_w ? (int)cols : ui->con_w, 0);
	if (!ui->open->ended && vt_cursor(vt, &cx, &cy) &&
	    (int)cy < ui->con_h && (int)cx < ui->con_w) {
		move(ui->con_y + (int)cy, 1 + (int)cx);
		curs_set(1);
	}
}

static void
ui_draw(struct ui *ui, double now)
{
	unsigned int	 running, queued, done;
	char		 title[128], hints[512];

	curs_set(0);
	erase();
	pane_history_counts(ui->history, &running, &queued, &done);
	status_draw_top(0, running, queued, done, ui->journal, NULL);
	if (ui->open != NULL) {
		snprintf(title, sizeof title, "run %u: %s", ui->open->seq,
		    ui->open->cmd);
		status_draw_frame(1, 0, ui->con_h + 1, COLS, title,
		    ui->open->ended ? "ended" : "live", 1);
	} else
		status_draw_frame(1, 0, ui->con_h + 1, COLS,
		    ui->focus == 0 ? "[console]" : "console",
		    pane_console_following(ui->console) ? "follow" :
		    "scrolled", 1);
	status_draw_frame(ui->his_y - 1, 0, ui->his_h + 1, COLS,
	    ui->focus == 1 ? "[history]" : "history", NULL, 0);
	status_draw_hints(ui->his_y + ui->his_h, COLS,
	    ui_hints(ui, hints, sizeof hints));
	if (ui->open != NULL)
		ui_draw_open(ui);
	else
		pane_console_draw(ui->console, ui->con_y, 1, ui->con_h);
	pane_history_draw(ui->history, ui->his_y, 1, ui->his_h, COLS - 2,
	    ui->focus == 1, now);
	if (ui->mode == UI_HELP)
		status_draw_help(LINES, COLS);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Keys. */

static void
ui_key_answer(struct ui *ui, wint_t wc)
{
	if (wc == 'y' || wc == 'Y') {
		if (ui->mode == UI_ASK_QUIT)
			host_shutdown(ui->host);
		else
			host_abort_seq(ui->host, ui->kill_seq);
	}
	ui->mode = UI_NORMAL;
}

static void
ui_key_quit(struct ui *ui)
{
	if (host_active(ui->host) > 0)
		ui->mode = UI_ASK_QUIT;
	else
		host_shutdown(ui->host);
}

/* The wheel scrolls the pane under it; a click selects a history row. */
static void
ui_mouse(struct ui *ui)
{
	MEVENT	ev;
	int	in_history;

	if (getmouse(&ev) != OK)
		return;
	in_history = ev.y >= ui->his_y && ev.y < ui->his_y + ui->his_h;
	if (ev.bstate & BUTTON4_PRESSED) {
		if (in_history)
			pane_history_move(ui->history, -3);
		else
			pane_console_scroll(ui->console, 3);
	} else if (ev.bstate & BUTTON5_PRESSED) {
		if (in_history)
			pane_history_move(ui->history, 3);
		else
			pane_console_scroll(ui->console, -3);
	} else if ((ev.bstate & BUTTON1_PRESSED) && in_history) {
		pane_history_click(ui->history, ev.y - ui->his_y);
		ui->focus = 1;
	}
}

static void
ui_key(struct ui *ui, wint_t wc, int fkey)
{
	struct ui_run	*ur;
	int		 page = ui->con_h > 2 ? ui->con_h - 1 : 1;

	ui->dirty = 1;
	free(ui->note);
	ui->note = NULL;
	if (fkey && wc == KEY_RESIZE) {
		ui_winch = 1;
		return;
	}
	if (ui->mode == UI_HELP) {
		ui->mode = UI_NORMAL;
		return;
	}
	if (ui->mode == UI_ASK_QUIT || ui->mode == UI_ASK_KILL) {
		ui_key_answer(ui, fkey ? 0 : wc);
		return;
	}
	if (fkey) {
		switch (wc) {
		case KEY_UP:
			pane_history_move(ui->history, -1);
			break;
		case KEY_DOWN:
			pane_history_move(ui->history, 1);
			break;
		case KEY_PPAGE:
			if (ui->focus == 1)
				pane_history_move(ui->history, -ui->his_h);
			else
				pane_console_scroll(ui->console, page);
			break;
		case KEY_NPAGE:
			if (ui->focus == 1)
				pane_history_move(ui->history, ui->his_h);
			else
				pane_console_scroll(ui->console, -page);
			break;
		case KEY_END:
			pane_console_follow(ui->console);
			break;
		case KEY_ENTER:
			wc = '\r';
			goto enter;
		case KEY_BTAB:
			ui->focus = !ui->focus;
			break;
		case KEY_MOUSE:
			ui_mouse(ui);
			break;
		}
		return;
	}
enter:
	switch (wc) {
	case 'q':
	case 3:		/* ^C */
		ui_key_quit(ui);
		break;
	case '?':
		ui->mode = UI_HELP;
		break;
	case '\t':
		ui->focus = !ui->focus;
		break;
	case 'k':
		ur = ui->open != NULL ? ui->open :
		    pane_history_selected(ui->history);
		if (ur != NULL && !ur->ended) {
			ui->kill_seq = ur->seq;
			ui->mode = UI_ASK_KILL;
		}
		break;
	case '\r':
	case '\n':
		ur = pane_history_selected(ui->history);
		if (ur != NULL && ur->started) {
			if (ui->open != NULL && ui->open->ended &&
			    ui->open != ur)
				ui_view_drop(ui, ui->open);
			ui->open = ur;
			ur->held = 1;
		}
		break;
	case 27:	/* Esc */
		if (ui->open != NULL && ui->open->ended)
			ui_view_drop(ui, ui->open);
		ui->open = NULL;
		break;
	}
}

void
ui_init(struct frontend *fe, const struct config *cfg)
{
	struct ui	*ui = xcalloc(1, sizeof *ui);

	ui->cfg = cfg;
	ui->interval = 1.0 / (cfg->fps > 0 ? cfg->fps : 30);
	ui->last_draw = -1;
	ui->history = pane_history_new(cfg->history);
	memset(fe, 0, sizeof *fe);
	fe->arg = ui;
	fe->console_text = 0;
	fe->console = ui_fe_console;
	fe->run_queued = ui_fe_queued;
	fe->run_started = ui_fe_started;
	fe->run_output = ui_fe_output;
	fe->run_ended = ui_fe_ended;
	fe->message = ui_fe_message;
	fe->fd = ui_fe_fd;
	fe->ready = ui_fe_ready;
	fe->attach = ui_fe_attach;
	fe->tick = ui_fe_tick;
}

/* After host_main(): give the terminal back and free everything. */
void
ui_fini(struct frontend *fe)
{
	struct ui	*ui = fe->arg;

	if (ui == NULL)
		return;
	if (ui->started)
		endwin();
	/* The host's last word (normally "stopped") stays visible. */
	if (ui->note != NULL)
		fprintf(stderr, "rexec: %s\n", ui->note);
	while (ui->nviews > 0)
		vt_free(ui->views[--ui->nviews].vt);
	free(ui->views);
	pane_console_free(ui->console);
	pane_history_free(ui->history);
	free(ui->journal);
	free(ui->note);
	free(ui);
	fe->arg = NULL;
}
