/*
 * view.c: one run's own screen, as the run view shows it.
 *
 * A live run's screen exists while the human has the run open: the host
 * sends the newest part of its output it still has, then the output as it
 * comes, each piece with its byte offset (DESIGN.md section 15).  Bytes
 * seen already are skipped; bytes that will not come (a gap: the host no
 * longer had them, or this viewer fell behind) are counted and said in
 * the frame's corner.  Output is queued in a feed (feed.c) and parsed
 * when the viewer draws.  A finished run's
 * screen is rebuilt from its recording (cast.c): read as fast as the
 * frame's budget allows to show the final screen, or, for a replay, at
 * the recording's own pace, which the human can pause, speed up, slow
 * down or skip to the end.  Nothing here blocks: recordings are read a
 * slice per frame.
 *
 * A screen higher or wider than the area it is drawn in is not cut
 * silently: the view shows rows top to top + h - 1 of it, which PgUp,
 * PgDn and the wheel move (view_scroll), and the frame's corner says
 * which rows and columns show ("rows 1-20 of 24").  A live run's view
 * follows its cursor's row, so a prompt is always in sight, until the
 * human scrolls; End follows again.  Columns are not scrolled: those
 * that do not fit are cropped, which the corner says too.
 *
 * Keys typed into a run (input takeover) go through vt_key(), so cursor
 * keys follow the run's modes, and from the vt's write callback to the
 * view's input callback, which sends them to the host for the run's PTY.
 * Only then: the answers a vt gives to queries in the output
 * (ESC[6n and the like) never reach the run, which must not behave one
 * way when the human looks and another when nobody does.
 */
#include "rexec.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <xkbcommon/xkbcommon-keysyms.h>

#include "cast.h"
#include "mono.h"
#include "vt.h"
#include "ui/draw.h"
#include "ui/ui_int.h"

/* Scrollback of a run's own screen. */
#define VIEW_SB		1000
/* Replay speeds: halved and doubled between these. */
#define VIEW_SPEED_MIN	(1.0 / 16)
#define VIEW_SPEED_MAX	64.0

struct ui_view {
	struct ui_run	*ur;
	unsigned int	 cols, rows;
	struct feed	*feed;		/* output on its way to vt */
	struct vt	*vt;
	int		 typing;	/* inside view_key(): writes go out */
	int		 top;		/* the first row shown */
	int		 follow;	/* keep the cursor's row in sight */
	int		 area_h, area_w; /* what the screen is drawn in */

	/* A live run's output. */
	int		 live;
	unsigned long long offset;	/* the next byte expected */
	unsigned long long missed;	/* bytes that will not come */
	view_input_cb	 input;
	void		*input_arg;

	/* A recording being read. */
	struct cast	*cast;
	char		*error;		/* why there is no screen */
	int		 cast_done;
	int		 replay;	/* at the recording's pace */
	int		 paused;
	int		 to_end;	/* '.': the rest at once */
	double		 speed;
	double		 play;		/* recording time reached, idle cut */
	double		 last_now;	/* when play was advanced */
	double		 last_t;	/* the last event's own time */
	double		 ev_at;		/* a held event's time, idle cut */
	char		*ev;		/* the held event, not yet due */
	size_t		 evlen;
	int		 has_ev;

	/* A replay's length, read ahead through a second handle. */
	struct cast	*scan;
	double		 scan_t;	/* its last event's own time */
	double		 total;		/* idle cut, as play counts */
	int		 total_known;
};

static void	 view_write(const char *, size_t, void *);
static void	 view_make_vt(struct ui_view *);
static int	 view_next_event(struct ui_view *);
static void	 view_read(struct ui_view *, double, double);
static void	 view_scan(struct ui_view *, double);
static void	 view_clock(double, char *, size_t);
static int	 view_keysym(wint_t, int, uint32_t *, uint32_t *,
		    unsigned int *);

/*
 * A live run's screen at its PTY's size, for its output events; keys
 * typed into it go to input.
 */
struct ui_view *
view_live(struct ui_run *ur, view_input_cb input, void *arg)
{
	struct ui_view	*v = xcalloc(1, sizeof *v);

	v->ur = ur;
	v->live = 1;
	v->cols = ur->cols != 0 ? ur->cols : 80;
	v->rows = ur->rows != 0 ? ur->rows : 24;
	v->input = input;
	v->input_arg = arg;
	v->feed = feed_new(UI_RUN_FEED, 0);
	v->follow = 1;
	view_make_vt(v);
	return (v);
}

/*
 * A finished run's screen from its recording; with replay, played at its
 * pace from the start.  A run without a recording gets a view that says
 * why.
 */
struct ui_view *
view_recording(struct ui_run *ur, int replay, double now)
{
	struct ui_view			*v = xcalloc(1, sizeof *v);
	const struct cast_header	*h;
	char				*cause;

	v->ur = ur;
	v->feed = feed_new(UI_RUN_FEED, 0);
	v->replay = replay;
	v->speed = 1;
	v->last_now = now;
	if (ur->recording == NULL) {
		v->error = xstrdup("this run has no recording");
		return (v);
	}
	if ((v->cast = cast_open(ur->recording, &cause)) == NULL) {
		v->error = cause;
		return (v);
	}
	h = cast_header(v->cast);
	v->cols = h->width;
	v->rows = h->height;
	view_make_vt(v);
	/* Its length for the corner; not knowing it stops nothing. */
	if (replay && (v->scan = cast_open(ur->recording, &cause)) == NULL)
		free(cause);
	return (v);
}

void
view_free(struct ui_view *v)
{
	if (v == NULL)
		return;
	feed_free(v->feed);
	vt_free(v->vt);
	if (v->cast != NULL)
		cast_close(v->cast);
	if (v->scan != NULL)
		cast_close(v->scan);
	free(v->error);
	free(v->ev);
	free(v);
}

struct ui_run *
view_run(const struct ui_view *v)
{
	return (v->ur);
}

int
view_is_replay(const struct ui_view *v)
{
	return (v->replay);
}

/* Is it a screen fed from the host, not from a recording? */
int
view_is_live(const struct ui_view *v)
{
	return (v->live);
}

/* Bytes the vt writes: only keys, and only into a run that runs. */
static void
view_write(const char *buf, size_t len, void *arg)
{
	struct ui_view	*v = arg;

	if (!v->typing || !v->live || v->ur->ended || v->input == NULL)
		return;
	v->input(v->ur->seq, buf, len, v->input_arg);
}

static void
view_make_vt(struct ui_view *v)
{
	if (v->vt == NULL)
		v->vt = vt_new(v->cols, v->rows, VIEW_SB, view_write, v);
}

/*
 * Output of the run from byte offset: what was seen already is skipped;
 * bytes missing before it were not announced, but count as missed.
 */
void
view_output(struct ui_view *v, unsigned long long offset, const char *buf,
    size_t len)
{
	unsigned long long	skip;

	if (!v->live)
		return;
	if (offset < v->offset) {
		skip = v->offset - offset;
		if (skip >= len)
			return;
		buf += skip;
		len -= skip;
		offset = v->offset;
	}
	if (offset > v->offset)
		v->missed += offset - v->offset;
	feed_put(v->feed, buf, len);
	v->offset = offset + len;
}

/* Output left out of this screen so far, here or by the host. */
unsigned long long
view_skipped(const struct ui_view *v)
{
	return (feed_skipped(v->feed) + v->missed);
}

/* The host says bytes bytes from offset will not come. */
void
view_gap(struct ui_view *v, unsigned long long offset,
    unsigned long long bytes)
{
	if (!v->live || offset + bytes <= v->offset)
		return;
	if (offset < v->offset) {
		bytes -= v->offset - offset;
		offset = v->offset;
	}
	v->missed += offset - v->offset + bytes;
	v->offset = offset + bytes;
}

/* Read the next output event into ev; 0 at the end of the recording. */
static int
view_next_event(struct ui_view *v)
{
	const char	*data;
	size_t		 len;
	double		 t, gap, limit;

	if (v->cast_done)
		return (0);
	if (cast_next(v->cast, &t, &data, &len) != 1) {
		v->cast_done = 1;
		return (0);
	}
	/* Time never runs backwards; long pauses shrink to the limit. */
	gap = t > v->last_t ? t - v->last_t : 0;
	if (t > v->last_t)
		v->last_t = t;
	limit = cast_header(v->cast)->idle_time_limit;
	if (limit > 0 && gap > limit)
		gap = limit;
	v->ev_at += gap;
	v->ev = xrealloc(v->ev, len > 0 ? len : 1);
	memcpy(v->ev, data, len);
	v->evlen = len;
	v->has_ev = 1;
	return (1);
}

/*
 * Move the recording's events that are due into the feed, for at most
 * budget seconds.
 */
static void
view_read(struct ui_view *v, double now, double budget)
{
	double		until = now + budget;
	int		n = 0;

	if (v->replay && !v->paused && !v->to_end)
		v->play += (now - v->last_now) * v->speed;
	v->last_now = now;
	for (;;) {
		if (!v->has_ev && !view_next_event(v))
			break;
		if (v->replay && !v->to_end && v->ev_at > v->play)
			break;
		feed_put(v->feed, v->ev, v->evlen);
		v->has_ev = 0;
		if (++n % 8 == 0 && mono_now() >= until)
			break;
	}
	if (v->to_end && v->cast_done)
		v->play = v->ev_at;
}

/*
 * A replay's length: the second handle's events' times, with the gaps
 * cut as view_next_event() cuts them, read until the deadline (mono).
 */
static void
view_scan(struct ui_view *v, double until)
{
	const char	*data;
	size_t		 len;
	double		 t, gap, limit;
	int		 n = 0;

	if (v->scan == NULL)
		return;
	limit = cast_header(v->scan)->idle_time_limit;
	for (;;) {
		if (cast_next(v->scan, &t, &data, &len) != 1) {
			cast_close(v->scan);
			v->scan = NULL;
			v->total_known = 1;
			return;
		}
		gap = t > v->scan_t ? t - v->scan_t : 0;
		if (t > v->scan_t)
			v->scan_t = t;
		v->total += limit > 0 && gap > limit ? limit : gap;
		if (++n % 64 == 0 && mono_now() >= until)
			return;
	}
}

/*
 * One frame's work: read what is due from a recording, parse what is
 * queued (of a live run's flood, its newest screenful).  Returns 1 while
 * there is more to do at the next frame.
 */
int
view_step(struct ui_view *v, double now, double budget, int flood)
{
	if (v->vt == NULL)
		return (0);
	if (v->cast != NULL)
		view_read(v, now, budget);
	feed_drain(v->feed, v->vt, budget, flood && view_is_live(v));
	if (v->scan != NULL) {
		view_scan(v, mono_now() + budget / 4);
		if (v->scan != NULL)
			return (1);
	}
	if (feed_pending(v->feed) != 0)
		return (1);
	if (v->cast != NULL && !v->cast_done && (!v->replay || v->to_end))
		return (1);
	return (0);
}

/* When a replay's next event is due (monotonic), or -1. */
double
view_due(const struct ui_view *v, double now)
{
	if (v->cast == NULL || !v->replay || v->paused ||
	    (v->cast_done && !v->has_ev))
		return (-1);
	if (v->to_end || !v->has_ev)
		return (now);
	/* play was last advanced at last_now. */
	return (v->last_now + (v->ev_at - v->play) / v->speed);
}

/* Replay keys: space pauses, + and - change the speed, . goes to the end. */
int
view_replay_key(struct ui_view *v, wint_t wc, double now)
{
	if (!v->replay || v->cast == NULL)
		return (0);
	view_read(v, now, 0);
	switch (wc) {
	case ' ':
		v->paused = !v->paused;
		break;
	case '+':
	case '=':
		if (v->speed < VIEW_SPEED_MAX)
			v->speed *= 2;
		break;
	case '-':
		if (v->speed > VIEW_SPEED_MIN)
			v->speed /= 2;
		break;
	case '.':
		v->to_end = 1;
		v->paused = 0;
		break;
	default:
		return (0);
	}
	return (1);
}

/* Seconds as "0:03", "12:40" or "1:02:03". */
static void
view_clock(double secs, char *buf, size_t len)
{
	long	s = secs > 0 ? (long)secs : 0;

	if (s >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
		    s % 60);
	else
		snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
}

/* What the frame's corner says about the screen shown. */
const char *
view_label(const struct ui_view *v, char *buf, size_t len)
{
	const char	*state;
	char		 at[32], total[32];
	double		 t;

	if (v->error != NULL)
		snprintf(buf, len, "no screen");
	else if (v->cast != NULL && v->replay) {
		state = v->cast_done && !v->has_ev &&
		    feed_pending(v->feed) == 0 ? "end" :
		    (v->paused ? "paused" : "playing");
		t = v->play < v->ev_at || v->cast_done ? v->play : v->ev_at;
		view_clock(v->total_known && t > v->total ? v->total : t, at,
		    sizeof at);
		view_clock(v->total, total, sizeof total);
		/* Elapsed and, once read ahead, the whole (idle cut). */
		snprintf(buf, len, "replay %s x%g %s%s%s", state, v->speed, at,
		    v->total_known ? " / " : "", v->total_known ? total : "");
	} else if (v->cast != NULL && !v->cast_done)
		snprintf(buf, len, "loading");
	else if (v->ur->ended)
		snprintf(buf, len, "ended");
	else
		snprintf(buf, len, "live");
	if (feed_skipped(v->feed) + v->missed != 0 && strlen(buf) + 1 < len)
		snprintf(buf + strlen(buf), len - strlen(buf),
		    ", %.1f MB not shown",
		    (feed_skipped(v->feed) + v->missed) / 1e6);
	if (v->vt != NULL && v->area_h > 0 && (int)v->rows > v->area_h &&
	    strlen(buf) + 1 < len)
		snprintf(buf + strlen(buf), len - strlen(buf),
		    " \u00b7 rows %d\u2013%d of %u", v->top + 1,
		    v->top + v->area_h, v->rows);
	if (v->vt != NULL && v->area_w > 0 && (int)v->cols > v->area_w &&
	    strlen(buf) + 1 < len)
		snprintf(buf + strlen(buf), len - strlen(buf),
		    " \u00b7 cols 1\u2013%d of %u", v->area_w, v->cols);
	return (buf);
}

/*
 * The screen is drawn in h rows and w columns: keep the first row shown
 * in range and, following, the cursor's row in sight.  Called before the
 * frame's corner is written and before view_draw().
 */
void
view_area(struct ui_view *v, int h, int w)
{
	unsigned int	cx, cy;

	v->area_h = h > 0 ? h : 1;
	v->area_w = w > 0 ? w : 1;
	if (v->vt == NULL)
		return;
	if (v->follow && v->live) {
		vt_cursor(v->vt, &cx, &cy);
		if ((int)cy < v->top)
			v->top = (int)cy;
		else if ((int)cy >= v->top + v->area_h)
			v->top = (int)cy - v->area_h + 1;
	}
	if (v->top > (int)v->rows - v->area_h)
		v->top = (int)v->rows - v->area_h;
	if (v->top < 0)
		v->top = 0;
}

/*
 * Move the rows shown: lines > 0 down the screen, < 0 up.  The view
 * stops following the cursor until view_follow().
 */
void
view_scroll(struct ui_view *v, int lines)
{
	v->top += lines;
	v->follow = 0;
	view_area(v, v->area_h, v->area_w);
}

/* A page of the area (a row kept), down for dir > 0, up for dir < 0. */
void
view_page(struct ui_view *v, int dir)
{
	int	page = v->area_h > 2 ? v->area_h - 1 : 1;

	view_scroll(v, dir > 0 ? page : -page);
}

/* Follow the cursor's row again (a live run), or go back to the top. */
void
view_follow(struct ui_view *v)
{
	v->follow = 1;
	if (!v->live)
		v->top = 0;
	view_area(v, v->area_h, v->area_w);
}

/*
 * Draw the rows shown at y, x, clipped to h rows and w columns.  Returns 1 if
 * the run shows its cursor, and where.
 */
int
view_draw(struct ui_view *v, int y, int x, int h, int w, int *cury,
    int *curx)
{
	unsigned int	cx, cy;

	if (v->vt == NULL) {
		draw_put(y, x, w, v->error != NULL ? v->error :
		    "(no screen)");
		return (0);
	}
	view_area(v, h, w);
	draw_vt(v->vt, y, x, (int)v->rows - v->top < h ?
	    (int)v->rows - v->top : h, (int)v->cols < w ? (int)v->cols : w,
	    v->top);
	if (!v->live || v->ur->ended || !vt_cursor(v->vt, &cx, &cy) ||
	    (int)cy < v->top || (int)cy - v->top >= h || (int)cx >= w)
		return (0);
	cy -= (unsigned int)v->top;
	*cury = y + (int)cy;
	*curx = x + (int)cx;
	return (1);
}

/*
 * A curses key as a keysym, the character it types (or VT_NO_UNICODE)
 * and modifiers.  Returns 0 for a key with no meaning to a terminal.
 */
static int
view_keysym(wint_t wc, int fkey, uint32_t *sym, uint32_t *uc,
    unsigned int *mods)
{
	static const struct {
		int		key;
		uint32_t	sym;
	} fkeys[] = {
		{ KEY_UP, XKB_KEY_Up }, { KEY_DOWN, XKB_KEY_Down },
		{ KEY_LEFT, XKB_KEY_Left }, { KEY_RIGHT, XKB_KEY_Right },
		{ KEY_HOME, XKB_KEY_Home }, { KEY_END, XKB_KEY_End },
		{ KEY_PPAGE, XKB_KEY_Prior }, { KEY_NPAGE, XKB_KEY_Next },
		{ KEY_IC, XKB_KEY_Insert }, { KEY_DC, XKB_KEY_Delete },
		{ KEY_BACKSPACE, XKB_KEY_BackSpace },
		{ KEY_ENTER, XKB_KEY_KP_Enter }, { KEY_BTAB, XKB_KEY_Tab }
	};
	size_t	i;

	*mods = 0;
	*uc = VT_NO_UNICODE;
	if (fkey) {
		if (wc >= (wint_t)KEY_F(1) && wc <= (wint_t)KEY_F(12)) {
			*sym = XKB_KEY_F1 + (wc - KEY_F(1));
			return (1);
		}
		for (i = 0; i < nitems(fkeys); i++) {
			if ((wint_t)fkeys[i].key == wc) {
				*sym = fkeys[i].sym;
				if (wc == KEY_BTAB)
					*mods = VT_MOD_SHIFT;
				return (1);
			}
		}
		return (0);
	}
	switch (wc) {
	case '\r':
	case '\n':
		*sym = XKB_KEY_Return;
		return (1);
	case '\t':
		*sym = XKB_KEY_Tab;
		return (1);
	case 27:
		*sym = XKB_KEY_Escape;
		return (1);
	case 127:
		*sym = XKB_KEY_BackSpace;
		return (1);
	}
	if (wc >= 1 && wc <= 26) {
		*sym = XKB_KEY_a + (wc - 1);
		*mods = VT_MOD_CTRL;
		return (1);
	}
	if (wc < 32)
		return (0);
	*sym = wc < 0x100 ? (uint32_t)wc : 0x01000000U | (uint32_t)wc;
	*uc = (uint32_t)wc;
	return (1);
}

/*
 * A key the human typed into the run.  Returns 0 when it went out for
 * the run, -1 when the run takes no more input.
 */
int
view_key(struct ui_view *v, wint_t wc, int fkey)
{
	uint32_t	sym, uc;
	unsigned int	mods;
	char		raw;

	if (!v->live || v->ur->ended || v->vt == NULL)
		return (-1);
	v->typing = 1;
	if (view_keysym(wc, fkey, &sym, &uc, &mods))
		vt_key(v->vt, sym, sym < 128 ? sym : 0, mods, uc);
	else if (!fkey && wc < 32) {
		raw = (char)wc;		/* ^@ ^\ ^^ ^_ as they are */
		view_write(&raw, 1, v);
	}
	v->typing = 0;
	return (0);
}

/*
 * Draw the screen cropped to h rows and w columns, for a tile: from its
 * top-left corner, moved down just so far that the cursor's row shows
 * (a shell's prompt, a log's newest line), whether the run shows its
 * cursor or not.
 */
void
view_draw_crop(struct ui_view *v, int y, int x, int h, int w)
{
	unsigned int	cx, cy;
	int		top = 0;

	if (v->vt == NULL || h < 1 || w < 1)
		return;
	vt_cursor(v->vt, &cx, &cy);
	if ((int)cy >= h)
		top = (int)cy - h + 1;
	draw_vt(v->vt, y, x, h, (int)v->cols < w ? (int)v->cols : w, top);
}
