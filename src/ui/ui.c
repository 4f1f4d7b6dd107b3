/*
 * ui.c: the curses front end (DESIGN.md section 7).
 *
 * Fills a struct frontend for the host: console bytes go to the console
 * pane, run events to the history pane and to a view per running run
 * (view.c; a finished run's view is rebuilt from its recording when it is
 * opened), keys come from stdin when the host's loop finds it readable.
 * Output is only queued as it arrives (feed.c); the screen is parsed and
 * redrawn from tick(), at most [ui] fps times a second, only when
 * something changed and within a time budget, so drawing never competes
 * with the PTYs the host serves first.  A key is drawn at once.  This
 * file lays the panes out and calls them; they draw with draw.c and never
 * call back into it.
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
#include "mono.h"
#include "paths.h"
#include "run.h"
#include "utf8.h"
#include "ui/draw.h"
#include "ui/ui.h"
#include "ui/ui_int.h"

/* How often the clocks of running runs tick on screen. */
#define UI_CLOCK	0.5
/* The longest history filter, in bytes. */
#define UI_FILTER_MAX	128
/*
 * Parsing output into the screens shown, and reading recordings, gets
 * this much time a frame: the rest of the loop belongs to the PTYs.
 */
#define UI_BUDGET	0.002
/* With no run running there is nothing to compete with: catch up. */
#define UI_IDLE_BUDGET	0.02
/* How often the UI looks whether past runs are read. */
#define UI_LOAD_POLL	0.05

enum ui_mode {
	UI_NORMAL,
	UI_HELP,
	UI_ASK_QUIT,
	UI_ASK_KILL,
	UI_INPUT,	/* keys go to the open run until ^] */
	UI_FILTER	/* typing a history filter after "/" */
};

struct ui {
	const struct config	*cfg;
	struct host		*host;
	int			 started;	/* curses is up */
	int			 dirty;
	int			 keyed;		/* a key came: draw at once */
	double			 interval;	/* 1 / fps */
	double			 last_draw;
	double			 next_clock;
	enum ui_mode		 mode;
	unsigned int		 kill_seq;
	int			 focus;		/* 0 console, 1 history */
	struct ui_run		*open;		/* run view, NULL: console */
	struct ui_view		*view;		/* the open run's screen */
	char			*journal;
	char			*note;
	char			 filter[UI_FILTER_MAX]; /* being typed */
	struct ui_view		**views;	/* running runs' and the open */
	size_t			 nviews;
	struct pane_console	*console;
	struct pane_history	*history;
	/* The layout. */
	int			 con_y, con_x, con_h, con_w;
	int			 his_y, his_x, his_h, his_w;
	int			 bottom;	/* the hints line */
};

static volatile sig_atomic_t	 ui_winch;

static void	 ui_sigwinch(int);
static void	 ui_fe_console(const char *, size_t, void *);
static void	 ui_fe_queued(struct run *, void *);
static void	 ui_fe_started(struct run *, void *);
static void	 ui_fe_output(struct run *, const char *, size_t, void *);
static void	 ui_fe_detached(struct run *, void *);
static void	 ui_fe_ended(struct run *, void *);
static void	 ui_fe_message(const char *, void *);
static int	 ui_fe_fd(void *);
static void	 ui_fe_ready(void *, double);
static void	 ui_fe_attach(struct host *, void *);
static double	 ui_fe_tick(void *, double);
static int	 ui_console_line(const char *, size_t, void *);
static struct ui_view *ui_view_find(struct ui *, struct ui_run *);
static void	 ui_view_add(struct ui *, struct ui_view *);
static void	 ui_view_drop(struct ui *, struct ui_run *);
static void	 ui_open(struct ui *, struct ui_run *, int, double);
static void	 ui_close(struct ui *);
static void	 ui_layout(struct ui *);
static int	 ui_side_by_side(struct ui *);
static const char *ui_hints(struct ui *, char *, size_t);
static void	 ui_draw(struct ui *, double);
static void	 ui_key_answer(struct ui *, wint_t);
static void	 ui_key_input(struct ui *, wint_t, int);
static void	 ui_key_filter(struct ui *, wint_t, int);
static int	 ui_filter_cursor(struct ui *, int *, int *);
static void	 ui_key_quit(struct ui *);
static void	 ui_mouse(struct ui *);
static struct ui_run *ui_target(struct ui *);
static void	 ui_key_run(struct ui *, wint_t);
static void	 ui_key_char(struct ui *, wint_t);
static void	 ui_key_fkey(struct ui *, wint_t);
static void	 ui_key(struct ui *, wint_t, int);

static void
ui_sigwinch(int sig)
{
	(void)sig;
	ui_winch = 1;
}

/* Frontend callbacks. */

static void
ui_fe_console(const char *buf, size_t len, void *arg)
{
	struct ui	*ui = arg;
	struct ui_run	*ur;

	if (ui->console == NULL)
		return;
	ur = pane_history_next_banner(ui->history);
	if (pane_console_write(ui->console, buf, len,
	    ur != NULL ? ur->banner : NULL, ur != NULL ? ur->whoami : NULL))
		ur->banner_seen = 1;
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

	if ((ur = pane_history_find(ui->history, r)) == NULL)
		return;
	ui_run_started(ur, r, mono_now());
	run_size(r, &cols, &rows);
	ui_view_add(ui, view_live(ur, cols, rows));
	ui->dirty = 1;
}

static void
ui_fe_output(struct run *r, const char *buf, size_t len, void *arg)
{
	struct ui	*ui = arg;
	struct ui_run	*ur;
	struct ui_view	*v;

	if ((ur = pane_history_find(ui->history, r)) == NULL)
		return;
	if ((v = ui_view_find(ui, ur)) != NULL)
		view_output(v, buf, len);
	if (ui->open == ur)
		ui->dirty = 1;
}

/* The run answered early and goes on; its view stays live. */
static void
ui_fe_detached(struct run *r, void *arg)
{
	struct ui	*ui = arg;
	struct ui_run	*ur;

	if ((ur = pane_history_find(ui->history, r)) == NULL)
		return;
	ui_run_detached(ur);
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
	pane_history_poke(ui->history);
	if (ui->open != ur)
		ui_view_drop(ui, ur);
	else if (ui->mode == UI_INPUT) {
		ui->mode = UI_NORMAL;
		free(ui->note);
		xasprintf(&ui->note, "run %u ended: input back to rexec",
		    ur->seq);
	}
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

	if (strncmp(msg, "host ", 5) == 0)
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
	char			*dir, *cause;

	ui->host = h;
	ui->journal = xstrdup(host_session(h));
	/* Past runs: the host already made sure the directory is there. */
	if ((dir = paths_journal_dir(ui->cfg, &cause)) != NULL) {
		pane_history_set_journal(ui->history, dir, host_session(h));
		pane_history_load(ui->history, ui->cfg->history);
		free(dir);
	} else
		free(cause);
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
	unsigned int	 running, detached, queued, done;
	struct winsize	 ws;
	double		 next = -1, due, budget;
	char		*cause;
	int		 more = 0;

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
	/* The filter's text search runs on a thread; take what it found. */
	if (pane_history_found(ui->history))
		ui->dirty = 1;
	if ((due = pane_history_searching(ui->history)) > 0 &&
	    (next < 0 || now + due < next))
		next = now + due;
	/* Past runs are read on a thread; look for them now and then. */
	if (pane_history_loaded(ui->history, &cause)) {
		ui->dirty = 1;
		if (cause != NULL) {
			free(ui->note);
			ui->note = cause;
		}
	} else if (pane_history_loading(ui->history))
		next = now + UI_LOAD_POLL;
	pane_history_counts(ui->history, &running, &detached, &queued, &done);
	running += detached;
	due = ui->view != NULL ? view_due(ui->view, now) : -1;
	/* Running runs' clocks, and a replay's, tick on screen. */
	if (running != 0 || due >= 0) {
		if (now >= ui->next_clock) {
			ui->dirty = 1;
			ui->next_clock = now + UI_CLOCK;
		}
		if (next < 0 || ui->next_clock < next)
			next = ui->next_clock;
	}
	if (due >= 0) {
		if (due <= now)
			ui->dirty = 1;
		else if (next < 0 || due < next)
			next = due;
	}
	if (!ui->dirty)
		return (next);
	if (now < ui->last_draw + ui->interval && !ui->keyed) {
		if (next < 0 || ui->last_draw + ui->interval < next)
			next = ui->last_draw + ui->interval;
		return (next);
	}
	/* Parse only now, against the clock: see feed.c. */
	budget = running != 0 ? UI_BUDGET : UI_IDLE_BUDGET;
	if (pane_console_drain(ui->console, budget))
		more = 1;
	if (ui->view != NULL && view_step(ui->view, now, budget))
		more = 1;
	ui_draw(ui, now);
	ui->last_draw = now;
	ui->dirty = more;
	ui->keyed = 0;
	if (more && (next < 0 || now + ui->interval < next))
		next = now + ui->interval;
	/* A replay's next event, now that this frame read up to it. */
	if (ui->view != NULL && (due = view_due(ui->view, now)) >= 0 &&
	    (next < 0 || due < next))
		next = due;
	return (next);
}

/*
 * The console pane asks whether a line is the host's about a detached
 * run; the history knows the runs.
 */
static int
ui_console_line(const char *line, size_t len, void *arg)
{
	struct ui	*ui = arg;

	return (pane_history_host_line(ui->history, line, len));
}

/*
 * Views: every running run has one (its output queued, see view.c); a
 * finished run has one only while it is open.
 */

static struct ui_view *
ui_view_find(struct ui *ui, struct ui_run *ur)
{
	size_t	i;

	for (i = 0; i < ui->nviews; i++) {
		if (view_run(ui->views[i]) == ur)
			return (ui->views[i]);
	}
	return (NULL);
}

static void
ui_view_add(struct ui *ui, struct ui_view *v)
{
	ui->views = xreallocarray(ui->views, ui->nviews + 1,
	    sizeof *ui->views);
	ui->views[ui->nviews++] = v;
}

static void
ui_view_drop(struct ui *ui, struct ui_run *ur)
{
	size_t	i;

	ur->held = 0;
	for (i = 0; i < ui->nviews; i++) {
		if (view_run(ui->views[i]) == ur) {
			if (ui->view == ui->views[i])
				ui->view = NULL;
			view_free(ui->views[i]);
			ui->views[i] = ui->views[--ui->nviews];
			return;
		}
	}
}

/*
 * Open a run in the run view: a running run's own screen, a finished
 * run's final screen from its recording, or (replay) its recording played
 * at its pace.
 */
static void
ui_open(struct ui *ui, struct ui_run *ur, int replay, double now)
{
	struct ui_view	*v;

	if (ui->open != NULL && ui->open != ur)
		ui_close(ui);
	v = ui_view_find(ui, ur);
	if (v != NULL && ur->ended && (replay || view_is_replay(v))) {
		ui_view_drop(ui, ur);
		v = NULL;
	}
	if (v == NULL) {
		if (!ur->ended)
			return;		/* queued: nothing to show yet */
		v = view_recording(ur, replay, now);
		ui_view_add(ui, v);
	}
	view_open(v);
	ui->open = ur;
	ui->view = v;
	ur->held = 1;
}

/* Back to the console; a finished run's screen goes. */
static void
ui_close(struct ui *ui)
{
	if (ui->open == NULL)
		return;
	if (ui->open->ended)
		ui_view_drop(ui, ui->open);
	ui->open->held = 0;
	ui->open = NULL;
	ui->view = NULL;
	if (ui->mode == UI_INPUT)
		ui->mode = UI_NORMAL;
}

/*
 * The layout: status line, the console box and the history box sharing a
 * border, hints in the bottom border.  Horizontal (the default): the
 * history under the console, a third of the rows, at least 1 and at most
 * 12.  Vertical: the history right of the console, two fifths of the
 * columns, at least 20 and at most 60, when the terminal is wide enough.
 */
static void
ui_layout(struct ui *ui)
{
	int	inner;

	ui->con_y = 2;
	ui->con_x = 1;
	ui->bottom = LINES - 1;
	if (ui->cfg->layout == CONFIG_LAYOUT_VERTICAL && COLS >= 60) {
		ui->his_w = COLS * 2 / 5;
		if (ui->his_w > 60)
			ui->his_w = 60;
		if (ui->his_w < 20)
			ui->his_w = 20;
		ui->con_w = COLS - ui->his_w - 3;	/* 3 borders */
		ui->con_h = ui->his_h = LINES > 3 ? LINES - 3 : 1;
		ui->his_y = ui->con_y;
		ui->his_x = ui->con_x + ui->con_w + 1;
	} else {
		inner = LINES - 4;	/* status, 3 borders */
		ui->his_h = inner / 3;
		if (ui->his_h > 12)
			ui->his_h = 12;
		if (ui->his_h < 1)
			ui->his_h = 1;
		ui->con_h = inner - ui->his_h;
		if (ui->con_h < 1)
			ui->con_h = 1;
		ui->con_w = COLS > 2 ? COLS - 2 : 1;
		ui->his_y = ui->con_y + ui->con_h + 1;
		ui->his_x = 1;
		ui->his_w = ui->con_w;
	}
	if (ui->console == NULL)
		ui->console = pane_console_new(ui->con_w, ui->con_h,
		    ui->cfg->scrollback, ui_console_line, ui);
	else
		pane_console_resize(ui->console, ui->con_w, ui->con_h);
}

/* Is the history beside the console? */
static int
ui_side_by_side(struct ui *ui)
{
	return (ui->his_y == ui->con_y);
}

static const char *
ui_hints(struct ui *ui, char *buf, size_t len)
{
	const char	*hit;

	switch (ui->mode) {
	case UI_ASK_QUIT:
		snprintf(buf, len, "quit with runs active? y/n");
		break;
	case UI_ASK_KILL:
		snprintf(buf, len, "abort run %u? y/n", ui->kill_seq);
		break;
	case UI_FILTER:
		snprintf(buf, len, "/%s", ui->filter);
		break;
	case UI_INPUT:
		snprintf(buf, len, "INPUT to run %u: keys go to the run "
		    "(^C too)  ^] stop", ui->open->seq);
		break;
	default:
		if (ui->note != NULL)
			snprintf(buf, len, "%s", ui->note);
		else if (ui->open == NULL &&
		    (hit = pane_history_output_hit(ui->history)) != NULL)
			snprintf(buf, len, "printed: %s", hit);
		else if (ui->view != NULL && view_is_replay(ui->view))
			snprintf(buf, len, "run %u  space pause  +/- speed  "
			    ". end  r again  Esc back", ui->open->seq);
		else if (ui->open != NULL)
			snprintf(buf, len, "run %u  Esc back  %s  q quit",
			    ui->open->seq, ui->open->ended ? "r replay" :
			    "i input  k kill");
		else
			snprintf(buf, len, "Tab pane  \u2191\u2193 select  "
			    "Enter open  r replay  i input  k kill  / search  "
			    "q quit");
		break;
	}
	return (buf);
}

static void
ui_draw(struct ui *ui, double now)
{
	unsigned int	 running, detached, queued, done;
	char		 title[128], hints[512], label[128], htitle[256];
	int		 cursor = 0, cy = 0, cx = 0;

	curs_set(0);
	erase();
	pane_history_counts(ui->history, &running, &detached, &queued, &done);
	status_draw_top(0, running, detached, queued, done, ui->journal,
	    NULL);
	if (ui->open != NULL) {
		snprintf(title, sizeof title, "run %u: %s", ui->open->seq,
		    ui->open->cmd);
		status_draw_frame(1, 0, ui->con_h + 1, ui->con_w + 2, title,
		    view_label(ui->view, label, sizeof label), 1);
	} else
		status_draw_frame(1, 0, ui->con_h + 1, ui->con_w + 2,
		    ui->focus == 0 ? "[console]" : "console",
		    pane_console_following(ui->console) ? "follow" :
		    "scrolled", 1);
	pane_history_title(ui->history, ui->focus == 1, htitle,
	    sizeof htitle);
	status_draw_frame(ui->his_y - 1, ui->his_x - 1, ui->his_h + 1,
	    ui->his_w + 2, htitle, NULL, ui_side_by_side(ui));
	status_draw_hints(ui->bottom, COLS, "");
	if (ui_side_by_side(ui)) {
		/* Where the two boxes meet; the hints may cover the lower. */
		mvadd_wch(1, ui->his_x - 1, WACS_TTEE);
		mvadd_wch(ui->bottom, ui->his_x - 1, WACS_BTEE);
	}
	ui_hints(ui, hints, sizeof hints);
	status_put_hints(ui->bottom, COLS, hints);
	if (ui->open != NULL)
		cursor = view_draw(ui->view, ui->con_y, ui->con_x, ui->con_h,
		    ui->con_w, &cy, &cx);
	else
		pane_console_draw(ui->console, ui->con_y, ui->con_x,
		    ui->con_h);
	pane_history_draw(ui->history, ui->his_y, ui->his_x, ui->his_h,
	    ui->his_w, ui->focus == 1, now);
	if (ui->mode == UI_FILTER)
		cursor = ui_filter_cursor(ui, &cy, &cx);
	if (ui->mode == UI_HELP)
		status_draw_help(LINES, COLS);
	else if (cursor) {
		move(cy, cx);
		curs_set(1);
	}
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
	in_history = ev.y >= ui->his_y && ev.y < ui->his_y + ui->his_h &&
	    ev.x >= ui->his_x && ev.x < ui->his_x + ui->his_w;
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

/* The run k, r and i act on: the open one, else the selection. */
static struct ui_run *
ui_target(struct ui *ui)
{
	return (ui->open != NULL ? ui->open :
	    pane_history_selected(ui->history));
}

/* k asks before it aborts, r replays, i types into the run. */
static void
ui_key_run(struct ui *ui, wint_t wc)
{
	struct ui_run	*ur = ui_target(ui);

	switch (wc) {
	case 'k':
		if (ur != NULL && !ur->ended) {
			ui->kill_seq = ur->seq;
			ui->mode = UI_ASK_KILL;
		}
		break;
	case 'r':
		if (ur != NULL && ur->ended)
			ui_open(ui, ur, 1, mono_now());
		else if (ur != NULL)
			ui->note = xstrdup("replay: the run has not ended");
		break;
	case 'i':
		if (ur == NULL || !ur->started || ur->ended) {
			ui->note = xstrdup("input: select a running run");
			break;
		}
		ui_open(ui, ur, 0, mono_now());
		ui->mode = UI_INPUT;
		break;
	}
}

/* A character typed outside a prompt. */
static void
ui_key_char(struct ui *ui, wint_t wc)
{
	struct ui_run	*ur;

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
	case 'r':
	case 'i':
		ui_key_run(ui, wc);
		break;
	case '\r':
	case '\n':
		if ((ur = pane_history_selected(ui->history)) != NULL)
			ui_open(ui, ur, 0, mono_now());
		break;
	case '/':
		ui->mode = UI_FILTER;
		snprintf(ui->filter, sizeof ui->filter, "%s",
		    pane_history_filter(ui->history) != NULL ?
		    pane_history_filter(ui->history) : "");
		break;
	case 'n':
	case 'N':
		pane_history_step(ui->history, wc == 'n' ? 1 : -1);
		break;
	case 'o':	/* the filter: command, whoami, dir; or output too */
		pane_history_set_output(ui->history,
		    !pane_history_output(ui->history));
		ui->note = xstrdup(pane_history_output(ui->history) ?
		    "filter: command, whoami, dir and output" :
		    "filter: command, whoami and dir");
		break;
	case 27:	/* Esc: the run view first, then the filter */
		if (ui->open != NULL)
			ui_close(ui);
		else
			pane_history_set_filter(ui->history, NULL);
		break;
	}
}

/* A function key outside a prompt: moves, pages, the mouse. */
static void
ui_key_fkey(struct ui *ui, wint_t wc)
{
	int	page = ui->con_h > 2 ? ui->con_h - 1 : 1;

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
		ui_key_char(ui, '\r');
		break;
	case KEY_BTAB:
		ui->focus = !ui->focus;
		break;
	case KEY_MOUSE:
		ui_mouse(ui);
		break;
	}
}

/* A key: the prompt or mode it answers, else a replay, else rexec's. */
static void
ui_key(struct ui *ui, wint_t wc, int fkey)
{
	ui->dirty = 1;
	ui->keyed = 1;
	free(ui->note);
	ui->note = NULL;
	if (fkey && wc == KEY_RESIZE) {
		ui_winch = 1;
		return;
	}
	switch (ui->mode) {
	case UI_INPUT:
		ui_key_input(ui, wc, fkey);
		break;
	case UI_FILTER:
		ui_key_filter(ui, wc, fkey);
		break;
	case UI_HELP:
		ui->mode = UI_NORMAL;
		break;
	case UI_ASK_QUIT:
	case UI_ASK_KILL:
		ui_key_answer(ui, fkey ? 0 : wc);
		break;
	case UI_NORMAL:
		if (fkey)
			ui_key_fkey(ui, wc);
		else if (ui->view == NULL ||
		    !view_replay_key(ui->view, wc, mono_now()))
			ui_key_char(ui, wc);
		break;
	}
}

/*
 * Typing a filter after "/": Enter applies it (empty clears it), Esc
 * cancels and clears it.  Only printable characters go in.
 */
static void
ui_key_filter(struct ui *ui, wint_t wc, int fkey)
{
	size_t	len = strlen(ui->filter), n;
	char	buf[4];

	if ((fkey && wc == KEY_BACKSPACE) || (!fkey && (wc == 127 ||
	    wc == 8))) {
		if (len > 0)
			ui->filter[utf8_truncate(ui->filter, len - 1)] = '\0';
	} else if ((fkey && wc == KEY_ENTER) || (!fkey && (wc == '\r' ||
	    wc == '\n'))) {
		pane_history_set_filter(ui->history, ui->filter);
		ui->mode = UI_NORMAL;
	} else if (!fkey && (wc == 27 || wc == 3)) {	/* Esc, ^C */
		pane_history_set_filter(ui->history, NULL);
		ui->mode = UI_NORMAL;
	} else if (!fkey && wc >= ' ' && wc != 127 &&
	    (wc < 0x80 || wc >= 0xa0) && wc <= 0x10ffff &&
	    len + utf8_encoded_len(wc) < sizeof ui->filter) {
		n = utf8_encode_cp(wc, buf);
		memcpy(ui->filter + len, buf, n);
		ui->filter[len + n] = '\0';
	}
}

/* The cursor after the filter being typed in the bottom line. */
static int
ui_filter_cursor(struct ui *ui, int *cy, int *cx)
{
	/* After the corner, a space and "/". */
	*cy = ui->bottom;
	*cx = 3 + draw_width(ui->filter);
	return (*cx < COLS - 1);
}

/*
 * Input takeover: every key goes to the open run, through its vt so the
 * run's modes shape it, until ^] (as telnet and docker attach have it).
 */
static void
ui_key_input(struct ui *ui, wint_t wc, int fkey)
{
	if (!fkey && wc == 0x1d) {
		ui->mode = UI_NORMAL;
		return;
	}
	if (fkey && wc == KEY_MOUSE)
		return;
	if (ui->view == NULL || view_key(ui->view, wc, fkey) == -1) {
		ui->mode = UI_NORMAL;
		ui->note = xstrdup("input: the run takes no more input");
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
	fe->run_detached = ui_fe_detached;
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
	/* The last note shown (normally "shutting down: ...") stays. */
	if (ui->note != NULL)
		fprintf(stderr, "rexec: %s\n", ui->note);
	while (ui->nviews > 0)
		view_free(ui->views[--ui->nviews]);
	free(ui->views);
	pane_console_free(ui->console);
	pane_history_free(ui->history);
	free(ui->journal);
	free(ui->note);
	free(ui);
	fe->arg = NULL;
}
