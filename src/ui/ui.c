/*
 * ui.c: the curses viewer, "rexec attach" (DESIGN.md sections 7 and 15).
 *
 * A process of its own, attached to the host through R/attach.sock
 * (viewclient.c): the host never draws, and closing this terminal ends
 * this viewer only.  The loop here polls the socket, the keyboard and a
 * frame timer; signals (SIGWINCH, SIGHUP, SIGTERM) are blocked but while
 * it waits in ppoll(), so a flag they set is never missed.
 *
 * What the host says goes to the panes: "run" events to the history
 * (struct ui_run, uirun.c), typed console events to the console pane,
 * a run's output events to its screen while the human has it open
 * (view.c; a finished run's screen is rebuilt from its recording), host
 * messages and refusals to the bottom line for [ui] display_time (and to
 * messages.c's log, which m shows).  A run that starts waiting for input
 * rings the terminal's bell.  What the human does goes
 * back as requests: open and close a run, type into one (only once the
 * host says this viewer has its keys), abort one, stop the host.  The
 * host enforces read-only too; this viewer only says so sooner.
 *
 * Output is only queued as it arrives (feed.c); the screen is parsed and
 * redrawn at most [ui] fps times a second, only when something changed
 * and within a time budget.  A key is drawn at once.  This file lays the
 * panes out and calls them; they draw with draw.c and never call back
 * into it.  With --run SEQ (the solo mode) one run's screen takes the
 * window, as tmux shows one pane; once the run has ended its last screen
 * stays, with its exit on the border, until a key.
 *
 * How it ends: d detaches, q detaches after saying how many runs go on,
 * a closed terminal detaches, and the host's "bye" detaches with its
 * reason, each printed after curses has given the terminal back, as
 * tmux's client does: "[detached]", "[detached: host stopped]".
 */
#include "rexec.h"

#include <sys/ioctl.h>

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "config.h"
#include "mono.h"
#include "utf8.h"
#include "viewclient.h"
#include "ui/draw.h"
#include "ui/ui.h"
#include "ui/ui_int.h"

/* How often the clocks of running runs tick on screen. */
#define UI_CLOCK	0.5
/* The longest history filter, in bytes. */
#define UI_FILTER_MAX	128
/*
 * Parsing output into the screens shown, and reading recordings, gets
 * this much time a frame: the rest belongs to the socket and the keys.
 */
#define UI_BUDGET	0.002
/*
 * While output floods (some is left out between two frames, of the
 * console, the run view or a tile) the screen is drawn this often at
 * most: what scrolls by cannot be read, and the host and its runs need
 * the CPU more.  A key still draws at once.
 */
#define UI_FLOOD_INTERVAL	0.1
/*
 * Once output has been left out in this many frames, not as many
 * without between them, the flood goes on: of what is queued only the
 * newest screenful is parsed (feed.c) until as many frames go by without.
 * A single burst past what the host sends at once is parsed whole.
 */
#define UI_FLOOD_FRAMES	2
/* With no run running there is nothing to compete with: catch up. */
#define UI_IDLE_BUDGET	0.02
/* How often the viewer looks whether past runs are read. */
#define UI_LOAD_POLL	0.05
/* How long the host has to say hello. */
#define UI_HELLO_WAIT	30
/* The console's first line after a resync: why what was there went. */
#define UI_RESYNC_NOTE	"[rexec: this viewer fell behind; the console " \
			"goes on from the host's newest output]\n"
/* What the viewer says when the host's socket closed without a bye. */
#define UI_LOST		"lost the host"

enum ui_mode {
	UI_NORMAL,
	UI_HELP,
	UI_ASK_STOP,
	UI_ASK_KILL,
	UI_INPUT,	/* keys go to the open run until ^] */
	UI_FILTER,	/* typing a history filter after "/" */
	UI_MESSAGES	/* the last messages, until a key */
};

struct ui {
	const struct config	*cfg;
	struct viewclient	*vc;
	int			 read_only;
	unsigned int		 solo;		/* --run SEQ, else 0 */
	int			 started;	/* curses is up */
	int			 dirty;
	int			 keyed;		/* a key came: draw at once */
	double			 interval;	/* 1 / fps */
	double			 last_draw;
	double			 next_clock;
	enum ui_mode		 mode;
	unsigned int		 ask_seq;	/* the run k asks about */
	unsigned int		 ask_runs;	/* the runs Q would end */
	int			 focus;		/* 0 console, 1 history */
	struct ui_run		*open;		/* run view, NULL: console */
	struct ui_view		*view;		/* the open run's screen */
	int			 zoom;		/* z: the run view fills it */
	int			 typist;	/* the host gave us its keys */
	char			*session;
	char			*note;
	double			 note_until;	/* it goes then; 0: at a key */
	struct ui_messages	*messages;	/* the notes, for m */
	int			 ready;		/* the first snapshot is whole */
	int			 ring;		/* a run started waiting */
	char			 filter[UI_FILTER_MAX]; /* being typed */
	int			 filter_sel;	/* the old text, selected */
	char			*filter_before;	/* Esc goes back to it */
	unsigned int		 viewers;
	int			 resynced;	/* a fresh snapshot comes */
	struct pane_console	*console;
	struct pane_history	*history;
	struct pane_tiles	*tiles;
	int			 tiled;		/* t: tiles in the console's place */
	unsigned long long	 skipped;	/* left out of the panes, then */
	int			 flooding;	/* it grew then */
	unsigned int		 flood_frames;	/* frames it grew in */
	unsigned int		 calm_frames;	/* frames running it did not */
	/* The layout. */
	int			 con_y, con_x, con_h, con_w;
	int			 his_y, his_x, his_h, his_w;
	int			 bottom;	/* the hints line */
	/* How it ends. */
	int			 done;
	int			 remain;	/* solo: the run ended, a key ends */
	int			 say_runs;	/* q: say how many runs go on */
	int			 status;
	char			*reason;	/* the bye's, or NULL: detached */
};

static volatile sig_atomic_t	 ui_winch;
static volatile sig_atomic_t	 ui_hup;

static void	 ui_signal(int);
static void	 ui_send(struct ui *, json_t *, const char *, size_t);
static void	 ui_request(struct ui *, const char *, unsigned int);
static void	 ui_console_follow(struct ui *, int);
static void	 ui_input(unsigned int, const char *, size_t, void *);
static void	 ui_end(struct ui *, const char *, int);
static void	 ui_hello(struct ui *, const json_t *);
static void	 ui_ev_run(struct ui *, const json_t *);
static void	 ui_ev_console(struct ui *, const json_t *, const char *,
		    size_t);
static void	 ui_ev_output(struct ui *, const json_t *, const char *,
		    size_t);
static void	 ui_ev_typist(struct ui *, const json_t *);
static void	 ui_console_gap(struct ui *, const json_t *);
static void	 ui_ev_refused(struct ui *, const json_t *);
static void	 ui_ev_resync(struct ui *);
static void	 ui_ready(struct ui *);
static void	 ui_ev_bye(struct ui *, const json_t *);
static void	 ui_event(struct ui *, const json_t *, const char *, size_t);
static void	 ui_drain(struct ui *);
static void	 ui_read(struct ui *);
static unsigned int ui_seq(const json_t *);
static void	 ui_set_note(struct ui *, const char *);
static void	 ui_open(struct ui *, struct ui_run *, int, double);
static void	 ui_close(struct ui *);
static void	 ui_tiles_request(const char *, unsigned int, void *);
static void	 ui_tiles(struct ui *, int, struct ui_run *);
static int	 ui_key_tiles(struct ui *, wint_t, int);
static void	 ui_layout(struct ui *);
static int	 ui_side_by_side(struct ui *);
static unsigned int ui_active(struct ui *);
static const char *ui_hints(struct ui *, char *, size_t);
static const char *ui_exit_label(const struct ui_run *, char *, size_t);
static const char *ui_run_title(const struct ui_run *, char *, size_t);
static void	 ui_draw_solo(struct ui *);
static void	 ui_draw(struct ui *, double);
static void	 ui_flush(struct ui *);
static double	 ui_tick(struct ui *, double);
static unsigned long long ui_skipped(struct ui *);
static void	 ui_keys(struct ui *);
static void	 ui_key_answer(struct ui *, wint_t);
static void	 ui_key_input(struct ui *, wint_t, int);
static void	 ui_key_filter(struct ui *, wint_t, int);
static int	 ui_filter_cursor(struct ui *, int *, int *);
static void	 ui_key_quit(struct ui *, wint_t);
static void	 ui_mouse(struct ui *);
static struct ui_run *ui_target(struct ui *);
static void	 ui_key_run(struct ui *, wint_t);
static void	 ui_key_char(struct ui *, wint_t);
static void	 ui_key_fkey(struct ui *, wint_t);
static void	 ui_key(struct ui *, wint_t, int);
static int	 ui_wait_hello(struct ui *);
static void	 ui_curses(struct ui *);
static void	 ui_loop(struct ui *);
static void	 ui_free(struct ui *);

static void
ui_signal(int sig)
{
	if (sig == SIGWINCH)
		ui_winch = 1;
	else
		ui_hup = 1;
}

/* Requests. */

/* A request to the host, with data; a socket that fails ends us. */
static void
ui_send(struct ui *ui, json_t *req, const char *data, size_t len)
{
	char	*cause;

	if (ui->vc != NULL && viewclient_send(ui->vc, req, data, len,
	    &cause) != 0) {
		ui_end(ui, cause, 1);
		free(cause);
	}
	json_decref(req);
}

/* Send {"request":name,"seq":seq} (seq 0: none). */
static void
ui_request(struct ui *ui, const char *name, unsigned int seq)
{
	json_t	*req;

	if (ui->vc == NULL)
		return;
	req = json_pack("{s:s}", "request", name);
	if (seq != 0)
		json_object_set_new(req, "seq", json_integer(seq));
	ui_send(ui, req, NULL, 0);
}

/*
 * While the tiles show the console, the host sends no console events:
 * a tiled run's output comes once, in its tile.  Following again, the
 * console gets what it missed (or a gap and the newest part).
 */
static void
ui_console_follow(struct ui *ui, int follow)
{
	if (ui->vc != NULL && !ui->solo)
		ui_send(ui, json_pack("{s:s,s:b}", "request", "console",
		    "follow", follow), NULL, 0);
}

/* Bytes of keys typed into a run (view.c): for its PTY, if ours. */
static void
ui_input(unsigned int seq, const char *buf, size_t len, void *arg)
{
	struct ui	*ui = arg;

	if (ui->vc != NULL && ui->typist)
		ui_send(ui, json_pack("{s:s,s:I}", "request", "input", "seq",
		    (json_int_t)seq), buf, len);
}

/*
 * The viewer ends: reason NULL is a detach of our own (exit 0),
 * otherwise what "[detached: ...]" says, with the exit status.
 */
static void
ui_end(struct ui *ui, const char *reason, int status)
{
	if (ui->done)
		return;
	ui->done = 1;
	ui->status = status;
	free(ui->reason);
	ui->reason = reason != NULL ? xstrdup(reason) : NULL;
}

/* Events. */

/* An event's "seq", or 0. */
static unsigned int
ui_seq(const json_t *ev)
{
	json_t	*v = json_object_get(ev, "seq");

	if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
	    json_integer_value(v) > UINT32_MAX)
		return (0);
	return ((unsigned int)json_integer_value(v));
}

/*
 * The bottom line says text for [ui] display_time, or until the next key
 * if sooner (display_time 0: until a key); m lists it afterwards.
 */
static void
ui_set_note(struct ui *ui, const char *text)
{
	free(ui->note);
	ui->note = xstrdup(text);
	ui->note_until = ui->cfg->display_time > 0 ?
	    mono_now() + ui->cfg->display_time : 0;
	messages_add(ui->messages, text, time(NULL));
	ui->dirty = 1;
}

/* The host's hello: its session, where its journals are. */
static void
ui_hello(struct ui *ui, const json_t *ev)
{
	const char	*session, *dir;

	session = json_string_value(json_object_get(ev, "session"));
	dir = json_string_value(json_object_get(ev, "journal_dir"));
	if (session == NULL || ui->session != NULL)
		return;
	ui->session = xstrdup(session);
	if (dir != NULL) {
		pane_history_set_journal(ui->history, dir, session);
		if (!ui->solo)
			pane_history_load(ui->history, ui->cfg->history,
			    1);
	}
}

static void
ui_ev_run(struct ui *ui, const json_t *ev)
{
	struct ui_run	*ur;
	char		*s;
	int		 waiting;

	/* The bell rings once each time a run starts waiting for input. */
	ur = pane_history_get(ui->history, ui_seq(ev));
	waiting = ur != NULL && ur->waiting;
	if ((ur = pane_history_event(ui->history, ev)) == NULL)
		return;
	ui->dirty = 1;
	if (ur->waiting && !ur->ended && !waiting && ui->ready &&
	    ui->cfg->bell)
		ui->ring = 1;
	/* Solo: the run's screen, as soon as its size is known. */
	if (ui->solo == ur->seq && ui->view == NULL) {
		ui->view = view_live(ur, ui_input, ui);
		ui->open = ur;
		ur->held = 1;
	}
	if (ui->open == ur && ur->ended && ui->mode == UI_INPUT) {
		ui->mode = UI_NORMAL;
		ui->typist = 0;
		xasprintf(&s, "run %u ended: input back to rexec", ur->seq);
		ui_set_note(ui, s);
		free(s);
	}
}

/* A typed piece of the console stream. */
static void
ui_ev_console(struct ui *ui, const json_t *ev, const char *data, size_t len)
{
	const char	*kind;
	struct ui_run	*ur;

	if (ui->console == NULL)
		return;
	kind = json_string_value(json_object_get(ev, "kind"));
	if (kind != NULL && strcmp(kind, "banner") == 0) {
		if ((ur = pane_history_get(ui->history, ui_seq(ev))) != NULL)
			ur->banner_seen = 1;
		pane_console_banner(ui->console, data, len,
		    ur != NULL ? ur->whoami : NULL);
	} else if (kind != NULL && strcmp(kind, "note") == 0)
		pane_console_note(ui->console, data, len);
	else if (kind != NULL && strcmp(kind, "gap") == 0)
		ui_console_gap(ui, ev);
	else
		pane_console_output(ui->console, data, len);
	ui->dirty = 1;
}

/* Output of a run this viewer has open, or a gap in it. */
static void
ui_ev_output(struct ui *ui, const json_t *ev, const char *data, size_t len)
{
	json_t		*off, *bytes;
	json_int_t	 o;

	off = json_object_get(ev, "offset");
	bytes = json_object_get(ev, "bytes");
	if (ui->tiled && json_is_integer(off) &&
	    (o = json_integer_value(off)) >= 0 && (data != NULL ||
	    (json_is_integer(bytes) && json_integer_value(bytes) > 0))) {
		if (pane_tiles_output(ui->tiles, ui_seq(ev),
		    (unsigned long long)o, data, data != NULL ? len :
		    (size_t)json_integer_value(bytes)))
			ui->dirty = 1;
	}
	if (ui->view == NULL || !view_is_live(ui->view) ||
	    view_run(ui->view)->seq != ui_seq(ev))
		return;
	if (!json_is_integer(off) || (o = json_integer_value(off)) < 0)
		return;
	if (data == NULL) {
		if (json_is_integer(bytes) && json_integer_value(bytes) > 0)
			view_gap(ui->view, (unsigned long long)o,
			    (unsigned long long)json_integer_value(bytes));
	} else
		view_output(ui->view, (unsigned long long)o, data, len);
	ui->dirty = 1;
}

/*
 * Console output the host left out: as output dropped here when this
 * viewer fell behind a flood; with its own line when the host no longer
 * had it as the tiles closed.
 */
static void
ui_console_gap(struct ui *ui, const json_t *ev)
{
	const json_t	*bytes = json_object_get(ev, "bytes");
	const char	*why = json_string_value(json_object_get(ev, "why"));
	char		 s[128], line[132];
	json_int_t	 n;

	if (!json_is_integer(bytes) || (n = json_integer_value(bytes)) <= 0)
		return;
	if (why == NULL || strcmp(why, "paused") != 0) {
		pane_console_skip(ui->console, (size_t)n);
		return;
	}
	feed_not_shown(s, sizeof s, (size_t)n, "while tiled");
	snprintf(line, sizeof line, "%s\n", s);
	pane_console_note(ui->console, line, strlen(line));
}

/* Who types into a run: us at last, or someone else, named. */
static void
ui_ev_typist(struct ui *ui, const json_t *ev)
{
	const char	*holder;
	char		*s;

	if (ui->mode != UI_INPUT || ui->open == NULL ||
	    ui->open->seq != ui_seq(ev))
		return;
	holder = json_string_value(json_object_get(ev, "holder"));
	if (json_is_true(json_object_get(ev, "you"))) {
		ui->typist = 1;
		free(ui->note);
		ui->note = NULL;
	} else if (holder != NULL) {
		ui->typist = 0;
		xasprintf(&s, "run %u: %s is typing into it", ui->open->seq,
		    holder);
		ui_set_note(ui, s);
		free(s);
	}
	ui->dirty = 1;
}

/* The host refused a request: its reason on the bottom line. */
static void
ui_ev_refused(struct ui *ui, const json_t *ev)
{
	const char	*req, *reason;
	char		*s;

	req = json_string_value(json_object_get(ev, "request"));
	reason = json_string_value(json_object_get(ev, "reason"));
	if (req != NULL && (strcmp(req, "type") == 0 ||
	    strcmp(req, "input") == 0) && ui->mode == UI_INPUT) {
		ui->mode = UI_NORMAL;
		ui->typist = 0;
	}
	xasprintf(&s, "%s%s%s", req != NULL ? req : "",
	    req != NULL ? ": " : "", reason != NULL ? reason : "refused");
	ui_set_note(ui, s);
	free(s);
}

/*
 * The host dropped what this viewer had not read: a fresh snapshot
 * follows.  The console starts again from it; the open run's screen too,
 * from the newest output the host still has, which the snapshot sends
 * for every run this viewer has open.
 */
static void
ui_ev_resync(struct ui *ui)
{
	struct ui_run	*ur;

	pane_console_free(ui->console);
	ui->console = pane_console_new(ui->con_w, ui->con_h,
	    ui->cfg->scrollback);
	pane_console_note(ui->console, UI_RESYNC_NOTE,
	    strlen(UI_RESYNC_NOTE));
	pane_history_resync(ui->history);
	if (ui->tiled)
		pane_tiles_resync(ui->tiles);
	ui->resynced = 1;
	if (ui->view != NULL && view_is_live(ui->view)) {
		ur = view_run(ui->view);
		view_free(ui->view);
		ui->view = view_live(ur, ui_input, ui);
	}
	ui->dirty = 1;
}

/*
 * The snapshot is whole.  After a resync, runs that began and ended
 * while this viewer was behind are in the session's journal only.
 */
static void
ui_ready(struct ui *ui)
{
	if (pane_history_ready(ui->history))
		ui->dirty = 1;
	if (ui->resynced && !ui->solo)
		pane_history_load(ui->history, ui->cfg->history, 0);
	ui->resynced = 0;
	ui->ready = 1;
}

/* The host says goodbye; in solo mode a run that ended stays shown. */
static void
ui_ev_bye(struct ui *ui, const json_t *ev)
{
	const char	*reason;

	reason = json_string_value(json_object_get(ev, "reason"));
	if (reason == NULL)
		reason = "closed";
	if (ui->solo && strcmp(reason, "run ended") == 0 && ui->view != NULL) {
		ui->remain = 1;
		ui->mode = UI_NORMAL;
		viewclient_free(ui->vc);
		ui->vc = NULL;
		ui->dirty = 1;
		return;
	}
	/* Stopped, or (solo) the run is over: as the viewer should end. */
	ui_end(ui, reason, strcmp(reason, "host stopped") == 0 ||
	    (ui->solo && strcmp(reason, "run ended") == 0) ? 0 : 1);
}

static void
ui_event(struct ui *ui, const json_t *ev, const char *data, size_t len)
{
	const char	*name, *text;
	json_t		*v;

	if ((name = json_string_value(json_object_get(ev, "event"))) == NULL)
		return;
	if (strcmp(name, "hello") == 0)
		ui_hello(ui, ev);
	else if (strcmp(name, "run") == 0)
		ui_ev_run(ui, ev);
	else if (strcmp(name, "console") == 0)
		ui_ev_console(ui, ev, data, len);
	else if (strcmp(name, "output") == 0)
		ui_ev_output(ui, ev, data, len);
	else if (strcmp(name, "gap") == 0)
		ui_ev_output(ui, ev, NULL, 0);
	else if (strcmp(name, "message") == 0) {
		/* The host's start and stop: the status line says them. */
		text = json_string_value(json_object_get(ev, "text"));
		if (text != NULL && strncmp(text, "host ", 5) != 0)
			ui_set_note(ui, text);
	} else if (strcmp(name, "viewers") == 0) {
		v = json_object_get(ev, "count");
		if (json_is_integer(v) && json_integer_value(v) >= 0)
			ui->viewers = (unsigned int)json_integer_value(v);
		ui->dirty = 1;
	} else if (strcmp(name, "typist") == 0)
		ui_ev_typist(ui, ev);
	else if (strcmp(name, "refused") == 0)
		ui_ev_refused(ui, ev);
	else if (strcmp(name, "resync") == 0)
		ui_ev_resync(ui);
	else if (strcmp(name, "ready") == 0)
		ui_ready(ui);
	else if (strcmp(name, "bye") == 0)
		ui_ev_bye(ui, ev);
}

/* Take every whole event the socket brought. */
static void
ui_drain(struct ui *ui)
{
	json_t		*ev;
	const char	*data;
	size_t		 len;
	char		*why;
	int		 r;

	while (ui->vc != NULL && !ui->done &&
	    (r = viewclient_next(ui->vc, &ev, &data, &len, &why)) != 0) {
		if (r == -1) {
			ui_end(ui, why, 1);
			free(why);
			break;
		}
		ui_event(ui, ev, data, len);
	}
}

/* The socket is readable; a host gone without a bye is lost. */
static void
ui_read(struct ui *ui)
{
	char	*cause;
	int	 closed;

	closed = viewclient_read(ui->vc, &cause) == -1;
	ui_drain(ui);
	if (closed && ui->vc != NULL && !ui->done)
		ui_end(ui, cause != NULL ? cause : UI_LOST, 1);
	free(cause);
}

/* The run view. */

/*
 * Open a run in the run view: a live run's own screen (the host sends
 * its newest output, then the rest as it comes), a finished run's final
 * screen from its recording, or (replay) its recording at its pace.
 */
static void
ui_open(struct ui *ui, struct ui_run *ur, int replay, double now)
{
	if (ui->tiled)		/* a tile's screen goes on in the run view */
		ui_tiles(ui, 0, ur);
	if (ui->open != NULL && ui->open != ur)
		ui_close(ui);
	if (ui->view != NULL && ur->ended && (replay ||
	    view_is_replay(ui->view))) {
		view_free(ui->view);
		ui->view = NULL;
	}
	if (ui->view == NULL) {
		if (!ur->started)
			return;		/* queued: nothing to show yet */
		if (!ur->ended) {
			ui->view = view_live(ur, ui_input, ui);
			ui_request(ui, "open", ur->seq);
		} else
			ui->view = view_recording(ur, replay, now);
	}
	ui->open = ur;
	ur->held = 1;
}

/* Back to the console; the run's screen goes. */
static void
ui_close(struct ui *ui)
{
	struct ui_run	*ur = ui->open;

	if (ur == NULL)
		return;
	if (ui->mode == UI_INPUT) {
		ui_request(ui, "untype", ur->seq);
		ui->mode = UI_NORMAL;
	}
	if (ui->view != NULL && view_is_live(ui->view))
		ui_request(ui, "close", ur->seq);
	view_free(ui->view);
	ui->view = NULL;
	ur->held = 0;
	ui->open = NULL;
	ui->zoom = 0;
	ui->typist = 0;
}

/* The tiles' "open" and "close" requests. */
static void
ui_tiles_request(const char *name, unsigned int seq, void *arg)
{
	ui_request(arg, name, seq);
}

/*
 * The tiled view on, in the console pane's place (the run view closes),
 * or off: every tile's run is closed, but for keep's (or NULL), whose
 * screen goes on in the run view.
 */
static void
ui_tiles(struct ui *ui, int on, struct ui_run *keep)
{
	struct ui_view	*v;

	if (on) {
		ui_close(ui);
		ui->tiled = 1;
		ui_console_follow(ui, 0);
		return;
	}
	ui->tiled = 0;
	ui_console_follow(ui, 1);
	if ((v = pane_tiles_leave(ui->tiles, keep)) != NULL) {
		view_free(ui->view);
		ui->view = v;
		ui->open = keep;
	}
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
		    ui->cfg->scrollback);
	else
		pane_console_resize(ui->console, ui->con_w, ui->con_h);
}

/* Is the history beside the console? */
static int
ui_side_by_side(struct ui *ui)
{
	return (ui->his_y == ui->con_y);
}

/* The runs the host still has going: what Q ends, what q leaves. */
static unsigned int
ui_active(struct ui *ui)
{
	unsigned int	running, detached, queued, done;

	pane_history_counts(ui->history, &running, &detached, &queued, &done);
	return (running + detached + queued);
}

static const char *
ui_hints(struct ui *ui, char *buf, size_t len)
{
	const char	*hit;
	char		 exit[64];

	switch (ui->mode) {
	case UI_ASK_STOP:
		snprintf(buf, len, "stop the host, ending %u run%s? y/n",
		    ui->ask_runs, ui->ask_runs == 1 ? "" : "s");
		break;
	case UI_ASK_KILL:
		snprintf(buf, len, "abort run %u? y/n", ui->ask_seq);
		break;
	case UI_FILTER:
		snprintf(buf, len, "/%s", ui->filter);
		break;
	case UI_INPUT:
		if (!ui->typist && ui->note != NULL)
			snprintf(buf, len, "%s  ^] cancel", ui->note);
		else if (!ui->typist)
			snprintf(buf, len, "run %u: waiting for its keys  "
			    "^] cancel", ui->open->seq);
		else
			snprintf(buf, len, "INPUT to run %u: keys go to the "
			    "run (^C too)  ^] stop", ui->open->seq);
		break;
	default:
		if (ui->remain)
			snprintf(buf, len, "run %u ended: %s  any key closes",
			    ui->open->seq, ui_exit_label(ui->open, exit,
			    sizeof exit));
		else if (ui->note != NULL)
			snprintf(buf, len, "%s", ui->note);
		else if (ui->solo)
			snprintf(buf, len, "run %u  i input  k kill  d detach",
			    ui->solo);
		else if (ui->open == NULL &&
		    (hit = pane_history_output_hit(ui->history)) != NULL)
			snprintf(buf, len, "printed: %s", hit);
		else if (ui->view != NULL && view_is_replay(ui->view))
			snprintf(buf, len, "run %u  space pause  +/- speed  "
			    ". end  r again  Esc back", ui->open->seq);
		else if (ui->tiled)
			snprintf(buf, len, "\u2190\u2192\u2191\u2193 Tab "
			    "select  Enter open  i input  k kill  t console  "
			    "d detach");
		else if (ui->open != NULL)
			snprintf(buf, len, "run %u  Esc back  %s  %s  d detach",
			    ui->open->seq, ui->open->ended ? "r replay" :
			    "i input  k kill", ui->zoom ? "z unzoom" : "z zoom");
		else
			snprintf(buf, len, "Tab pane  \u2191\u2193 select  "
			    "Enter open  r replay  i input  k kill  / search  "
			    "d detach");
		break;
	}
	return (buf);
}

/*
 * The run view's title: "run 4: make", and for a run of an earlier
 * session "run 4 (session 2026-12-06 03:15): make".
 */
static const char *
ui_run_title(const struct ui_run *ur, char *buf, size_t len)
{
	char	start[64];

	if (ur->past && ur->session != NULL)
		snprintf(buf, len, "run %u (session %s): %s", ur->seq,
		    ui_run_session_start(ur->session, start, sizeof start),
		    ur->cmd != NULL ? ur->cmd : "");
	else
		snprintf(buf, len, "run %u: %s", ur->seq,
		    ur->cmd != NULL ? ur->cmd : "");
	return (buf);
}

/* "exit 0", "exit 143 (aborted)", "signal 9": how a run ended. */
static const char *
ui_exit_label(const struct ui_run *ur, char *buf, size_t len)
{
	if (ur->lost)
		snprintf(buf, len, "ended");
	else if (ur->error != NULL)
		snprintf(buf, len, "exit %d (%s)", ur->exit_code, ur->error);
	else if (ur->signal != 0)
		snprintf(buf, len, "exit %d (signal %d)", ur->exit_code,
		    ur->signal);
	else
		snprintf(buf, len, "exit %d", ur->exit_code);
	return (buf);
}

/*
 * Solo, or a run view zoomed (z): the run's own screen in one box as big
 * as the window, at its PTY's size, its rows scrolled, cropped or
 * padded; its state, and its exit once it ended, on the border.
 */
static void
ui_draw_solo(struct ui *ui)
{
	char	 title[256], hints[512], label[128];
	int	 cursor = 0, cy = 0, cx = 0;

	if (ui->open != NULL)
		ui_run_title(ui->open, title, sizeof title);
	else
		snprintf(title, sizeof title, "run %u", ui->solo);
	if (ui->view != NULL)
		view_area(ui->view, LINES - 2, COLS - 2);
	if (ui->open != NULL && ui->open->ended)
		ui_exit_label(ui->open, label, sizeof label);
	else if (ui->view != NULL)
		view_label(ui->view, label, sizeof label);
	else
		snprintf(label, sizeof label, "waiting");
	status_draw_frame(0, 0, LINES - 1, COLS, title, label, 1);
	status_draw_hints(LINES - 1, COLS, "");
	status_put_hints(LINES - 1, COLS, ui_hints(ui, hints, sizeof hints));
	if (ui->view != NULL)
		cursor = view_draw(ui->view, 1, 1, LINES - 2, COLS - 2, &cy,
		    &cx);
	if (ui->mode == UI_HELP)
		status_draw_help(LINES, COLS);
	else if (ui->mode == UI_MESSAGES)
		messages_draw(ui->messages, LINES, COLS);
	else if (cursor) {
		move(cy, cx);
		curs_set(1);
	}
}

static void
ui_draw(struct ui *ui, double now)
{
	struct status_counts	 c;
	unsigned int		 wrun, wdet;
	char			 title[256], hints[512], label[128];
	char			 htitle[256];
	int			 cursor = 0, cy = 0, cx = 0;

	curs_set(0);
	erase();
	if (ui->solo || (ui->zoom && ui->view != NULL)) {
		ui_draw_solo(ui);
		ui_flush(ui);
		return;
	}
	pane_history_counts(ui->history, &c.running, &c.detached, &c.queued,
	    &c.done);
	pane_history_waiting(ui->history, &wrun, &wdet);
	c.running -= wrun;
	c.detached -= wdet;
	c.waiting = wrun + wdet;
	c.viewers = ui->viewers;
	status_draw_top(0, &c, ui->session);
	if (ui->open != NULL) {
		view_area(ui->view, ui->con_h, ui->con_w);
		ui_run_title(ui->open, title, sizeof title);
		status_draw_frame(1, 0, ui->con_h + 1, ui->con_w + 2, title,
		    view_label(ui->view, label, sizeof label), 1);
	} else if (ui->tiled)
		status_draw_frame(1, 0, ui->con_h + 1, ui->con_w + 2,
		    "[tiles]", pane_tiles_label(ui->tiles, label,
		    sizeof label), 1);
	else
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
	else if (ui->tiled)
		pane_tiles_draw(ui->tiles, ui->con_y, ui->con_x, ui->con_h,
		    ui->con_w);
	else
		pane_console_draw(ui->console, ui->con_y, ui->con_x,
		    ui->con_h);
	pane_history_draw(ui->history, ui->his_y, ui->his_x, ui->his_h,
	    ui->his_w, ui->focus == 1, ui_run_now());
	if (ui->mode == UI_FILTER && ui->filter_sel && COLS > 4) {
		/* The old filter, selected: after the corner, " /". */
		attron(A_REVERSE);
		draw_put(ui->bottom, 3, COLS - 4, ui->filter);
		attroff(A_REVERSE);
	}
	if (ui->mode == UI_FILTER)
		cursor = ui_filter_cursor(ui, &cy, &cx);
	if (ui->mode == UI_HELP)
		status_draw_help(LINES, COLS);
	else if (ui->mode == UI_MESSAGES)
		messages_draw(ui->messages, LINES, COLS);
	else if (cursor) {
		move(cy, cx);
		curs_set(1);
	}
	(void)now;
	ui_flush(ui);
}

/*
 * The frame goes out, then the bell if a run started waiting since the
 * last one: one ring however many did.
 */
static void
ui_flush(struct ui *ui)
{
	wnoutrefresh(stdscr);
	doupdate();
	if (ui->ring) {
		beep();
		ui->ring = 0;
	}
}

/*
 * A frame's work: a resize, the history's threads, and a redraw at most
 * fps times a second, only when dirty.  Returns when it next wants to
 * run (monotonic), or -1.
 */
static double
ui_tick(struct ui *ui, double now)
{
	unsigned int	 running, detached, queued, done;
	struct winsize	 ws;
	double		 next = -1, due, budget, interval;
	int		 flood;
	char		*cause;
	unsigned long long skipped;
	int		 more = 0;

	if (ui_winch) {
		ui_winch = 0;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_row > 0 && ws.ws_col > 0)
			resize_term(ws.ws_row, ws.ws_col);
		ui_layout(ui);
		clear();
		ui->dirty = 1;
	}
	/* A message goes after [ui] display_time: the hints come back. */
	if (ui->note != NULL && ui->note_until > 0 && ui->mode != UI_INPUT) {
		if (now >= ui->note_until) {
			free(ui->note);
			ui->note = NULL;
			ui->dirty = 1;
		} else if (next < 0 || ui->note_until < next)
			next = ui->note_until;
	}
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
			ui_set_note(ui, cause);
			free(cause);
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
	interval = ui->flooding && ui->interval < UI_FLOOD_INTERVAL ?
	    UI_FLOOD_INTERVAL : ui->interval;
	if (now < ui->last_draw + interval && !ui->keyed) {
		if (next < 0 || ui->last_draw + interval < next)
			next = ui->last_draw + interval;
		return (next);
	}
	/* Parse only now, against the clock: see feed.c. */
	budget = running != 0 ? UI_BUDGET : UI_IDLE_BUDGET;
	flood = ui->flood_frames >= UI_FLOOD_FRAMES;
	/* Tiled, the console is not shown: the host sends it none. */
	if (!ui->tiled && pane_console_drain(ui->console, budget, flood))
		more = 1;
	if (ui->view != NULL && view_step(ui->view, now, budget, flood))
		more = 1;
	if (ui->tiled) {
		pane_tiles_sync(ui->tiles, ui->history, ui->con_w, ui->con_h);
		if (pane_tiles_step(ui->tiles, now, budget, flood))
			more = 1;
	}
	ui_draw(ui, now);
	ui->last_draw = now;
	ui->dirty = more;
	ui->keyed = 0;
	skipped = ui_skipped(ui);
	ui->flooding = skipped != ui->skipped;
	if (ui->flooding) {
		ui->flood_frames++;
		ui->calm_frames = 0;
	} else if (++ui->calm_frames >= UI_FLOOD_FRAMES)
		ui->flood_frames = 0;
	ui->skipped = skipped;
	if (more && (next < 0 || now + interval < next))
		next = now + interval;
	/* A replay's next event, now that this frame read up to it. */
	if (ui->view != NULL && (due = view_due(ui->view, now)) >= 0 &&
	    (next < 0 || due < next))
		next = due;
	return (next);
}

/*
 * Output left out of what is shown (console, run view, tiles): when it
 * grew since the last frame, output floods.
 */
static unsigned long long
ui_skipped(struct ui *ui)
{
	unsigned long long	n = pane_console_skipped(ui->console);

	if (ui->view != NULL)
		n += view_skipped(ui->view);
	if (ui->tiled)
		n += pane_tiles_skipped(ui->tiles);
	return (n);
}

/* Keys. */

/* stdin is readable: take every key waiting, never block. */
static void
ui_keys(struct ui *ui)
{
	wint_t	wc;
	int	r;

	while (!ui->done) {
		r = wget_wch(stdscr, &wc);
		if (r == ERR)
			break;
		ui_key(ui, wc, r == KEY_CODE_YES);
	}
}

static void
ui_key_answer(struct ui *ui, wint_t wc)
{
	enum ui_mode	mode = ui->mode;

	ui->mode = UI_NORMAL;
	if (wc != 'y' && wc != 'Y')
		return;
	if (mode == UI_ASK_STOP) {
		ui_request(ui, "stop", 0);
		ui_set_note(ui, "stopping the host");
	} else
		ui_request(ui, "abort", ui->ask_seq);
}

/*
 * d detaches at once; q (and ^C) too, saying how many runs go on; Q asks
 * before it stops the host, naming how many runs that ends.
 */
static void
ui_key_quit(struct ui *ui, wint_t wc)
{
	if (wc == 'd')
		ui_end(ui, NULL, 0);
	else if (wc == 'q' || wc == 3) {
		ui->say_runs = 1;
		ui_end(ui, NULL, 0);
	} else if (ui->read_only)
		ui_set_note(ui, "read-only viewer");
	else {
		ui->ask_runs = ui_active(ui);
		ui->mode = UI_ASK_STOP;
	}
}

/* The wheel scrolls the pane under it; a click selects a history row. */
static void
ui_mouse(struct ui *ui)
{
	MEVENT	ev;
	int	in_history;

	if (getmouse(&ev) != OK)
		return;
	in_history = !ui->solo && !ui->zoom && ev.y >= ui->his_y &&
	    ev.y < ui->his_y + ui->his_h && ev.x >= ui->his_x &&
	    ev.x < ui->his_x + ui->his_w;
	if (ui->view != NULL && !in_history &&
	    (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))) {
		/* Over the run view: its rows. */
		view_scroll(ui->view, ev.bstate & BUTTON4_PRESSED ? -3 : 3);
		return;
	}
	if (ui->solo)
		return;
	if (ui->tiled && ui->view == NULL && !in_history) {
		/* Over the tiles: a click selects one; the wheel, nothing. */
		if (ev.bstate & BUTTON1_PRESSED)
			pane_tiles_click(ui->tiles, ui->con_y, ui->con_x,
			    ui->con_h, ui->con_w, ev.y, ev.x);
		return;
	}
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
	if (ui->tiled)
		return (pane_tiles_selected(ui->tiles));
	return (ui->open != NULL ? ui->open :
	    pane_history_selected(ui->history));
}

/*
 * k asks before it aborts, r replays, i asks the host for the run's
 * keys: input waits until it says they are ours.
 */
static void
ui_key_run(struct ui *ui, wint_t wc)
{
	struct ui_run	*ur = ui_target(ui);
	char		 note[64];

	if (ui->read_only && wc != 'r') {
		ui_set_note(ui, "read-only viewer");
		return;
	}
	switch (wc) {
	case 'k':
		if (ur != NULL && !ur->ended) {
			ui->ask_seq = ur->seq;
			ui->mode = UI_ASK_KILL;
		} else if (ur != NULL) {
			snprintf(note, sizeof note, "run %u has ended", ur->seq);
			ui_set_note(ui, note);
		}
		break;
	case 'r':
		if (ui->solo)
			break;
		if (ur != NULL && ur->ended)
			ui_open(ui, ur, 1, mono_now());
		else if (ur != NULL)
			ui_set_note(ui, "replay: the run has not ended");
		break;
	case 'i':
		if (ur == NULL || !ur->started || ur->ended) {
			ui_set_note(ui, "input: select a running run");
			break;
		}
		ui_open(ui, ur, 0, mono_now());
		if (ui->view == NULL || ui->done)
			break;
		ui->mode = UI_INPUT;
		ui->typist = 0;
		ui_request(ui, "type", ur->seq);
		break;
	}
}

/* A character typed outside a prompt. */
static void
ui_key_char(struct ui *ui, wint_t wc)
{
	struct ui_run	*ur;

	switch (wc) {
	case 'd':
	case 'q':
	case 'Q':
	case 3:		/* ^C */
		ui_key_quit(ui, wc);
		break;
	case '?':
		ui->mode = UI_HELP;
		break;
	case 'm':
		ui->mode = UI_MESSAGES;
		break;
	case 'k':
	case 'r':
	case 'i':
		ui_key_run(ui, wc);
		break;
	}
	if (ui->solo)
		return;
	switch (wc) {
	case 't':
		ui_tiles(ui, !ui->tiled, NULL);
		break;
	case '\t':
		ui->focus = !ui->focus;
		break;
	case '\r':
	case '\n':
		if ((ur = pane_history_selected(ui->history)) != NULL)
			ui_open(ui, ur, 0, mono_now());
		break;
	case '/':	/* the old filter, selected: typing replaces it */
		ui->mode = UI_FILTER;
		snprintf(ui->filter, sizeof ui->filter, "%s",
		    pane_history_filter(ui->history) != NULL ?
		    pane_history_filter(ui->history) : "");
		ui->filter_sel = ui->filter[0] != '\0';
		free(ui->filter_before);
		ui->filter_before = ui->filter[0] != '\0' ?
		    xstrdup(ui->filter) : NULL;
		break;
	case 'n':
	case 'N':
		pane_history_step(ui->history, wc == 'n' ? 1 : -1);
		break;
	case 'o':	/* the filter: command, whoami, dir; or output too */
		pane_history_set_output(ui->history,
		    !pane_history_output(ui->history));
		ui_set_note(ui, pane_history_output(ui->history) ?
		    "filter: command, whoami, dir and output" :
		    "filter: command, whoami and dir");
		break;
	case 'z':	/* the run view over the whole window, or back */
		if (ui->open == NULL &&
		    (ur = pane_history_selected(ui->history)) != NULL)
			ui_open(ui, ur, 0, mono_now());
		if (ui->open != NULL)
			ui->zoom = !ui->zoom;
		break;
	case 27:	/* Esc: un-zoom, the run view, then the filter */
		if (ui->zoom)
			ui->zoom = 0;
		else if (ui->open != NULL)
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

	/* The run view's rows: PgUp, PgDn, End (solo too). */
	if (ui->view != NULL && (ui->focus == 0 || ui->zoom || ui->solo)) {
		switch (wc) {
		case KEY_PPAGE:
		case KEY_NPAGE:
			view_page(ui->view, wc == KEY_NPAGE ? 1 : -1);
			return;
		case KEY_END:
			view_follow(ui->view);
			return;
		}
	}
	if (ui->solo && wc != KEY_MOUSE)
		return;
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
	if (fkey && wc == KEY_RESIZE) {
		ui_winch = 1;
		return;
	}
	if (ui->remain) {		/* solo: the ended run was seen */
		ui_end(ui, "run ended", 0);
		return;
	}
	/* Waiting for a run's keys, the note says who has them. */
	if (ui->mode != UI_INPUT || ui->typist) {
		free(ui->note);
		ui->note = NULL;
	}
	switch (ui->mode) {
	case UI_INPUT:
		ui_key_input(ui, wc, fkey);
		break;
	case UI_FILTER:
		ui_key_filter(ui, wc, fkey);
		break;
	case UI_HELP:
	case UI_MESSAGES:
		ui->mode = UI_NORMAL;
		break;
	case UI_ASK_STOP:
	case UI_ASK_KILL:
		ui_key_answer(ui, fkey ? 0 : wc);
		break;
	case UI_NORMAL:
		if (ui->tiled && ui_key_tiles(ui, wc, fkey))
			break;
		if (fkey)
			ui_key_fkey(ui, wc);
		else if (ui->view == NULL ||
		    !view_replay_key(ui->view, wc, mono_now()))
			ui_key_char(ui, wc);
		break;
	}
}

/*
 * A key of the tiled view: a move among the tiles, Enter opens the
 * selected run in the run view, Esc goes back to the console.  Returns 0
 * for a key the rest of the viewer takes.
 */
static int
ui_key_tiles(struct ui *ui, wint_t wc, int fkey)
{
	struct ui_run	*ur;

	if (pane_tiles_key(ui->tiles, wc, fkey))
		return (1);
	if ((fkey && wc == KEY_ENTER) || (!fkey && (wc == '\r' ||
	    wc == '\n'))) {
		if ((ur = pane_tiles_selected(ui->tiles)) != NULL)
			ui_open(ui, ur, 0, mono_now());
		return (1);
	}
	if (!fkey && wc == 27) {
		ui_tiles(ui, 0, NULL);
		return (1);
	}
	return (0);
}

/*
 * Typing a filter after "/", which starts with the old one selected: the
 * first character typed replaces it, BackSpace clears it, a cursor key
 * keeps it and ends the selection.  The history narrows at each change
 * (the text search, if on, starts again on its thread).  Enter keeps the
 * filter (empty clears it); Esc goes back to the one before "/".  Only
 * printable characters go in.
 */
static void
ui_key_filter(struct ui *ui, wint_t wc, int fkey)
{
	size_t	len = strlen(ui->filter), n;
	char	buf[4];
	int	sel = ui->filter_sel;

	ui->filter_sel = 0;
	if ((fkey && wc == KEY_BACKSPACE) || (!fkey && (wc == 127 ||
	    wc == 8))) {
		if (sel)
			ui->filter[0] = '\0';
		else if (len > 0)
			ui->filter[utf8_truncate(ui->filter, len - 1)] = '\0';
		else
			return;
	} else if ((fkey && wc == KEY_ENTER) || (!fkey && (wc == '\r' ||
	    wc == '\n'))) {
		pane_history_set_filter(ui->history, ui->filter);
		ui->mode = UI_NORMAL;
		return;
	} else if (!fkey && (wc == 27 || wc == 3)) {	/* Esc, ^C */
		pane_history_set_filter(ui->history, ui->filter_before);
		ui->mode = UI_NORMAL;
		return;
	} else if (!fkey && wc >= ' ' && wc != 127 &&
	    (wc < 0x80 || wc >= 0xa0) && wc <= 0x10ffff &&
	    (sel ? 0 : len) + utf8_encoded_len(wc) < sizeof ui->filter) {
		if (sel)
			len = 0;
		n = utf8_encode_cp(wc, buf);
		memcpy(ui->filter + len, buf, n);
		ui->filter[len + n] = '\0';
	} else {
		ui->filter_sel = sel && (!fkey || (wc != KEY_LEFT &&
		    wc != KEY_RIGHT && wc != KEY_HOME && wc != KEY_END));
		return;
	}
	pane_history_set_filter(ui->history, ui->filter);
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
 * run's modes shape it, until ^] (as telnet and docker attach have it),
 * which gives the run's keys back to the host.  Until the host says the
 * keys are ours, keys go nowhere.
 */
static void
ui_key_input(struct ui *ui, wint_t wc, int fkey)
{
	if (!fkey && wc == 0x1d) {
		ui_request(ui, "untype", ui->open->seq);
		ui->mode = UI_NORMAL;
		ui->typist = 0;
		free(ui->note);
		ui->note = NULL;
		return;
	}
	if ((fkey && wc == KEY_MOUSE) || !ui->typist)
		return;
	if (ui->view == NULL || view_key(ui->view, wc, fkey) == -1) {
		ui->mode = UI_NORMAL;
		ui->typist = 0;
		ui_set_note(ui, "input: the run takes no more input");
	}
}

/* Attaching. */

/*
 * Wait for the host's hello (or its bye), before curses takes the
 * terminal, so a refusal prints as a plain line.  Returns 0 when the
 * viewer goes on.
 */
static int
ui_wait_hello(struct ui *ui)
{
	struct pollfd	 pfd;
	json_t		*ev;
	const char	*data, *name;
	size_t		 len;
	char		*cause = NULL;
	double		 until = mono_now() + UI_HELLO_WAIT;
	int		 r, closed = 0;

	pfd.fd = viewclient_fd(ui->vc);
	pfd.events = POLLIN;
	for (;;) {
		r = viewclient_next(ui->vc, &ev, &data, &len, &cause);
		if (r == -1)
			break;
		if (r == 1) {
			name = json_string_value(json_object_get(ev, "event"));
			if (name != NULL && strcmp(name, "bye") == 0) {
				ui_ev_bye(ui, ev);
				return (-1);
			}
			ui_event(ui, ev, data, len);
			return (0);
		}
		if (closed) {
			if (cause == NULL)
				cause = xstrdup("the host closed the "
				    "connection");
			break;
		}
		if (mono_now() >= until) {
			cause = xstrdup("the host did not answer");
			break;
		}
		if (poll(&pfd, 1, 100) == -1 && errno != EINTR) {
			xasprintf(&cause, "poll: %s", strerror(errno));
			break;
		}
		closed = viewclient_read(ui->vc, &cause) == -1;
	}
	fprintf(stderr, "rexec: %s\n", cause);
	free(cause);
	return (-1);
}

/* Curses takes the terminal. */
static void
ui_curses(struct ui *ui)
{
	setlocale(LC_CTYPE, "");
	set_escdelay(25);
	initscr();
	/*
	 * ncurses 6 writes out after every cursor move until the screen has
	 * been left and taken back once (lib_mvcur.c: that is for terminfo
	 * programs that never call doupdate), so a frame would be thirty
	 * small writes, each waking the terminal.  Leave and take it back
	 * now, before the modes below are set and anything is drawn: a frame
	 * is then one write.
	 */
	endwin();
	doupdate();
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

/* The loop: the socket, the keys, the frame timer, the signals. */
static void
ui_loop(struct ui *ui)
{
	struct pollfd	 pfd[2];
	struct timespec	 ts;
	sigset_t	 none;
	double		 now, next;
	nfds_t		 n;
	int		 r;

	sigemptyset(&none);
	ui_drain(ui);		/* what came with the hello */
	while (!ui->done) {
		now = mono_now();
		next = ui_tick(ui, now);
		n = 0;
		pfd[n].fd = STDIN_FILENO;
		pfd[n++].events = POLLIN;
		if (ui->vc != NULL) {
			pfd[n].fd = viewclient_fd(ui->vc);
			pfd[n++].events = POLLIN;
		}
		if (next >= 0) {
			next = next > now ? next - now : 0;
			ts.tv_sec = (time_t)next;
			ts.tv_nsec = (long)((next - (double)ts.tv_sec) * 1e9);
		}
		r = ppoll(pfd, n, next >= 0 ? &ts : NULL, &none);
		if (r == -1 && errno != EINTR) {
			ui_end(ui, strerror(errno), 1);
			break;
		}
		if (ui_hup) {			/* the terminal went away */
			ui_end(ui, NULL, 0);
			break;
		}
		if (r <= 0)
			continue;
		if (n > 1 && pfd[1].revents != 0)
			ui_read(ui);
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			ui_end(ui, NULL, 0);
		else if (pfd[0].revents & POLLIN)
			ui_keys(ui);
	}
}

static void
ui_free(struct ui *ui)
{
	view_free(ui->view);
	pane_tiles_free(ui->tiles);
	pane_console_free(ui->console);
	pane_history_free(ui->history);
	messages_free(ui->messages);
	viewclient_free(ui->vc);
	free(ui->session);
	free(ui->note);
	free(ui->filter_before);
	free(ui->reason);
	free(ui);
}

/*
 * rexec attach: this terminal becomes a viewer of the running host, of
 * one run if run_seq is not 0.  Returns the exit status: 0 after a
 * detach or when the host stopped, 1 otherwise.
 */
int
ui_attach(const struct config *cfg, int read_only, unsigned int run_seq)
{
	struct ui		*ui;
	struct sigaction	 sa;
	sigset_t		 block;
	unsigned int		 active;
	char			*cause;
	int			 status;

	ui = xcalloc(1, sizeof *ui);
	ui->messages = messages_new();
	ui->cfg = cfg;
	ui->read_only = read_only;
	ui->solo = run_seq;
	ui->interval = 1.0 / (cfg->fps > 0 ? cfg->fps : 30);
	ui->last_draw = -1;
	ui->history = pane_history_new(cfg->history);
	ui->tiles = pane_tiles_new(ui_tiles_request, ui_input, ui);
	ui->vc = viewclient_connect(cfg, read_only, run_seq, &status, &cause);
	if (ui->vc == NULL) {
		if (status == VIEWCLIENT_NO_HOST)
			fprintf(stderr, "rexec: no host is running\n");
		else
			fprintf(stderr, "rexec: %s\n", cause);
		free(cause);
		ui_free(ui);
		return (1);
	}
	if (ui_wait_hello(ui) != 0) {
		status = 1;
		if (ui->reason != NULL) {
			printf("[detached: %s]\n", ui->reason);
			status = ui->status;
		}
		ui_free(ui);
		return (status);
	}

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);

	ui_curses(ui);
	ui_loop(ui);
	endwin();
	/*
	 * The loop is over: a SIGHUP or SIGTERM still pending (the terminal
	 * closed as we left) is dropped, so nothing blocked and pending is
	 * left for the exit path (a leak checker's stop-the-world waited on
	 * one for ever).
	 */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	if (ui->say_runs) {
		active = ui_active(ui);
		printf("rexec: %u run%s keep%s running in the host\n", active,
		    active == 1 ? "" : "s", active == 1 ? "s" : "");
	}
	if (ui->reason != NULL)
		printf("[detached: %s]\n", ui->reason);
	else
		printf("[detached]\n");
	status = ui->status;
	ui_free(ui);
	return (status);
}
