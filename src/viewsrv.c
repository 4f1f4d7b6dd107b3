/*
 * viewsrv.c: the viewer server, the host's side of R/attach.sock.
 *
 * It owns the listening socket, one struct viewer per connection, and
 * what a viewer that attaches later needs: the newest part of the raw
 * console stream (typed segments), the last host messages, and who types
 * into which run.  The runs' newest raw bytes are the host's (one rawring
 * per run, host_run_raw), so a snapshot or an open reads them there.
 *
 * A viewer is an observer that must never slow the host: every event is
 * queued per viewer, bounded by [viewer] max_queue, and written without
 * blocking when the socket takes it.  Past the bound the viewer loses
 * what it has not read (the rest of a half-written frame stays, so the
 * framing holds), nothing more is queued for it, and once its socket
 * takes bytes again it gets "resync" and a fresh snapshot.  A viewer
 * that stays behind for [viewer] max_lag seconds gets bye "too far
 * behind" and, after a short grace to read it, is closed.
 *
 * Output goes to each viewer from what the host keeps (the console's
 * newest part, each run's raw ring), from where that viewer is in it: at
 * once when it comes after a quiet spell, then at most
 * VIEWSRV_CONSOLE_TICK times a second while it goes on (VIEWSRV_FLOOD_TICK
 * once bytes are left out), and not while the
 * viewer has not taken what it was sent; a viewer that fell behind more
 * than the host keeps, or than a burst while a flood goes on, gets a gap
 * and the newest part (the console's from a line start), as a terminal
 * that drops frames shows a flood.  Banners, notes and every other event
 * bring the viewer up to date first, so the order of events is the order
 * things happened.  A viewer that does not show the console
 * (the tiled view shows the runs' own output) may stop following it; when
 * it follows again it gets what it missed the same way.
 *
 * Read-only viewers and the typist rule are enforced here, whatever
 * program sent the request.
 */
#include "rexec.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "console.h"
#include "frontend.h"
#include "host.h"
#include "mono.h"
#include "paths.h"
#include "rawring.h"
#include "run.h"
#include "viewproto.h"
#include "viewsrv.h"

/* Connections at most, viewers and those that have not said hello yet. */
#define VIEWSRV_MAX_VIEWERS	64
/* Host messages a new viewer gets. */
#define VIEWSRV_MESSAGES	16
/* The data part of one output or console event at most. */
#define VIEWSRV_CHUNK		(64 * 1024)
/* A viewer told bye has this long to read it before it is closed. */
#define VIEWSRV_BYE_GRACE	5.0
/* At host stop, every viewer's bye goes out within this long. */
#define VIEWSRV_STOP_GRACE	1.0
/* A connection must say hello within this long. */
#define VIEWSRV_HELLO_TIME	10.0
/* Runs one viewer may have open at once. */
#define VIEWSRV_MAX_OPEN	16
/* Output goes to a viewer at most this often a second. */
#define VIEWSRV_CONSOLE_TICK	(1.0 / 30)
/*
 * While what it gets floods (the last turn left bytes out), at most this
 * often: the viewer draws a flood ten times a second (UI_FLOOD_INTERVAL),
 * so one burst a frame is all it can show.
 */
#define VIEWSRV_FLOOD_TICK	(1.0 / 10)
/* How far past a cut in the console a line start is looked for. */
#define VIEWSRV_CUT_LOOK	4096
/* What a viewer gets a turn while its console goes on flooding. */
#define VIEWSRV_CONSOLE_BURST	(64 * 1024)
/* Bytes read from one viewer per loop turn at most. */
#define VIEWSRV_READ_TURN	(256 * 1024)
/* A viewer's name is cut to this many bytes. */
#define VIEWSRV_NAME_MAX	128

struct vframe {
	TAILQ_ENTRY(vframe)	 link;
	size_t			 len;
	char			 buf[];
};
TAILQ_HEAD(vframes, vframe);

/* A run whose output a viewer gets, and where that viewer is in it. */
struct vrun {
	unsigned int		 seq;
	size_t			 pos;		/* bytes sent or skipped */
	int			 flood;		/* the last send left bytes out */
};

struct viewer {
	struct viewsrv		*vs;
	int			 fd;
	unsigned int		 id;
	char			*name;
	int			 hello;		/* its hello was taken */
	int			 read_only;
	unsigned int		 follow;	/* --run SEQ, or 0 */
	struct vrun		*open;		/* runs it has open, or follows */
	size_t			 nopen;
	int			 console_off;	/* it asked for no console */
	uint64_t		 console_pos;	/* of the console, sent or skipped */
	double			 next;		/* no output sent before */
	int			 console_flood;	/* the last send left bytes out */
	struct viewproto_reader	*rd;
	struct vframes		 queue;
	size_t			 queued;	/* bytes not written yet */
	int			 blocked;	/* its socket is full: wait POLLOUT */
	size_t			 sent;		/* of the first frame */
	int			 dropped;	/* lost frames: resync */
	int			 snapshot;	/* queueing one: no bound */
	double			 since;		/* last caught up */
	int			 closing;	/* bye queued: nothing more */
	double			 close_by;
	int			 dead;
	size_t			 pfd;		/* in this turn's poll set */
	TAILQ_ENTRY(viewer)	 link;
};
TAILQ_HEAD(viewers, viewer);

/* Who types into a run, and who waits for it, in order. */
struct typist {
	unsigned int		 seq;
	struct viewer		*holder;
	struct viewer		**waiting;
	size_t			 nwaiting;
	TAILQ_ENTRY(typist)	 link;
};
TAILQ_HEAD(typists, typist);

/* A piece of the console stream kept for snapshots. */
struct vseg {
	TAILQ_ENTRY(vseg)	 link;
	enum console_kind	 kind;
	unsigned int		 seq;
	size_t			 off;		/* bytes cut from its front */
	size_t			 len;
	char			 buf[VIEWSRV_CHUNK];
};
TAILQ_HEAD(vsegs, vseg);

struct viewsrv {
	struct host		*host;
	const struct config	*cfg;
	struct frontend		 fe;
	char			*path;
	int			 listen_fd;
	struct viewers		 viewers;
	unsigned int		 nconn;		/* connections */
	unsigned int		 count;		/* viewers past hello */
	unsigned int		 next_id;
	struct typists		 typists;
	struct vsegs		 console;
	size_t			 console_len;	/* bytes held */
	uint64_t		 console_total;	/* bytes ever, the newest last */
	char			*messages[VIEWSRV_MESSAGES];
	size_t			 nmessages;
	size_t			 first_message;
	size_t			 listen_pfd;
	int			 polled;	/* the poll set holds ours */
};

/* Who gets a broadcast event. */
enum audience {
	TO_ALL,		/* viewers that watch the host (not --run) */
	TO_CONSOLE,	/* those of them that follow the console */
	TO_RUN,		/* those and the viewers following the run */
	TO_OPEN		/* viewers with the run open or following it */
};

static void	viewer_bye(struct viewer *, const char *, const char *);
static void	viewer_catch_up(struct viewer *);
static void	console_catch_up(struct viewer *, const char *);
static int	viewer_turn(struct viewer *, double);
static double	viewer_tick(const struct viewer *);
static int	console_behind(const struct viewer *);
static int	viewer_behind(const struct viewer *);
static void	viewer_snapshot(struct viewer *);
static void	viewsrv_count(struct viewsrv *, struct viewer *);

/*
 * Listen on R/attach.sock.  A socket left by an earlier host goes first:
 * this host holds the lock, so nothing else serves it.
 */
static int
viewsrv_listen(struct viewsrv *vs, char **cause)
{
	struct sockaddr_un	sun;
	mode_t			mask;
	int			fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(vs->path) >= sizeof sun.sun_path) {
		xasprintf(cause, "%s: path too long for a socket", vs->path);
		return (-1);
	}
	strcpy(sun.sun_path, vs->path);
	if (unlink(vs->path) == -1 && errno != ENOENT) {
		xasprintf(cause, "%s: %s", vs->path, strerror(errno));
		return (-1);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return (-1);
	}
	/* 0600 from the start: no moment where another user may connect. */
	mask = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		umask(mask);
		xasprintf(cause, "%s: %s", vs->path, strerror(errno));
		close(fd);
		return (-1);
	}
	umask(mask);
	if (listen(fd, 16) == -1) {
		xasprintf(cause, "%s: %s", vs->path, strerror(errno));
		close(fd);
		unlink(vs->path);
		return (-1);
	}
	vs->listen_fd = fd;
	return (0);
}

/* Broadcast an event, built once, to everyone in the audience. */
static void viewsrv_send(struct viewsrv *, enum audience, unsigned int,
    json_t *, const void *, size_t, struct viewer *);

/* Queue a frame for one viewer, within its bound. */
static void
viewer_queue(struct viewer *v, const char *frame, size_t len, int force)
{
	struct vframe	*f, *next;
	size_t		 max = v->vs->cfg->viewer_max_queue;

	if (v->dead || (v->closing && !force) || (v->dropped && !force))
		return;
	/*
	 * A snapshot goes whole, or a viewer whose bound is below it would
	 * resync for ever; it is bounded on its own (the console's and each
	 * open run's snapshot_bytes, at most VIEWSRV_MAX_OPEN runs).
	 */
	if (v->snapshot)
		force = 1;
	if (!force && v->queued + len > max) {
		/* Too far behind: drop all but a frame begun. */
		f = TAILQ_FIRST(&v->queue);
		if (f != NULL && v->sent > 0)
			f = TAILQ_NEXT(f, link);
		for (; f != NULL; f = next) {
			next = TAILQ_NEXT(f, link);
			TAILQ_REMOVE(&v->queue, f, link);
			free(f);
		}
		f = TAILQ_FIRST(&v->queue);
		v->queued = f != NULL ? f->len - v->sent : 0;
		if (f == NULL)
			v->sent = 0;
		v->dropped = 1;
		return;
	}
	if (TAILQ_EMPTY(&v->queue) && !v->dropped)
		v->since = mono_now();
	f = xmalloc(sizeof *f + len);
	f->len = len;
	memcpy(f->buf, frame, len);
	TAILQ_INSERT_TAIL(&v->queue, f, link);
	v->queued += len;
}

/* One event to one viewer, as it is. */
static void
viewer_send_now(struct viewer *v, json_t *ev, const void *data, size_t len)
{
	char	*frame;
	size_t	 size;

	frame = viewproto_frame(ev, data, len, &size);
	json_decref(ev);
	if (frame == NULL)
		return;
	viewer_queue(v, frame, size, 0);
	free(frame);
}

/* One event to one viewer, after the console it has not got yet. */
static void
viewer_send(struct viewer *v, json_t *ev, const void *data, size_t len)
{
	viewer_catch_up(v);
	viewer_send_now(v, ev, data, len);
}

/* Does v see events about run seq of this audience? */
static int
viewer_sees(const struct viewer *v, enum audience to, unsigned int seq)
{
	size_t	i;

	if (!v->hello || v->closing || v->dead)
		return (0);
	switch (to) {
	case TO_ALL:
		return (v->follow == 0);
	case TO_CONSOLE:
		return (v->follow == 0 && !v->console_off);
	case TO_RUN:
		return (v->follow == 0 || v->follow == seq);
	case TO_OPEN:
		if (v->follow == seq)
			return (1);
		for (i = 0; i < v->nopen; i++) {
			if (v->open[i].seq == seq)
				return (1);
		}
		return (0);
	}
	return (0);
}

static void
viewsrv_send(struct viewsrv *vs, enum audience to, unsigned int seq,
    json_t *ev, const void *data, size_t len, struct viewer *except)
{
	struct viewer	*v;
	char		*frame = NULL;
	size_t		 size = 0;

	TAILQ_FOREACH(v, &vs->viewers, link) {
		if (v == except || !viewer_sees(v, to, seq))
			continue;
		viewer_catch_up(v);
		if (frame == NULL &&
		    (frame = viewproto_frame(ev, data, len, &size)) == NULL)
			break;
		viewer_queue(v, frame, size, 0);
	}
	free(frame);
	json_decref(ev);
}

/*
 * Run vr's output from where v is in it, at most its newest most bytes:
 * a gap for what the host no longer keeps or leaves out, then output
 * events.
 */
static void
run_send(struct viewer *v, struct vrun *vr, size_t most)
{
	const struct rawring	*rr = host_run_raw(v->vs->host, vr->seq);
	char			*buf;
	size_t			 off, n, total;

	if (rr == NULL || vr->pos >= (total = rawring_total(rr)))
		return;
	off = rawring_start(rr);
	if (off < vr->pos)
		off = vr->pos;
	if (total - off > most)
		off = total - most;
	vr->flood = off > vr->pos;
	if (off > vr->pos)
		viewer_send_now(v, json_pack("{s:s,s:I,s:I,s:I}", "event",
		    "gap", "seq", (json_int_t)vr->seq, "offset",
		    (json_int_t)vr->pos, "bytes", (json_int_t)(off - vr->pos)),
		    NULL, 0);
	buf = xmalloc(VIEWSRV_CHUNK);
	while (off < total && !v->dropped) {
		n = rawring_read(rr, off, buf, VIEWSRV_CHUNK);
		if (n == 0)
			break;
		viewer_send_now(v, json_pack("{s:s,s:I,s:I}", "event",
		    "output", "seq", (json_int_t)vr->seq, "offset",
		    (json_int_t)off), buf, n);
		off += n;
	}
	free(buf);
	vr->pos = total;
}

/* All the run's output the host still has, from its oldest byte. */
static void
run_send_all(struct viewer *v, struct vrun *vr)
{
	vr->pos = 0;
	run_send(v, vr, SIZE_MAX);
	vr->flood = 0;
}

/* A message line, as an event. */
static json_t *
message_event(const char *text)
{
	return (json_pack("{s:s,s:s}", "event", "message", "text", text));
}

static void
snapshot_run(struct run *r, void *arg)
{
	viewer_send(arg, run_event(r), NULL, 0);
}

/* Console bytes that will not come, and why: "paused" or "behind". */
static void
console_gap(struct viewer *v, uint64_t bytes, const char *why)
{
	viewer_send_now(v, json_pack("{s:s,s:s,s:i,s:I,s:s}", "event",
	    "console", "kind", "gap", "seq", 0, "bytes", (json_int_t)bytes,
	    "why", why), NULL, 0);
}

/*
 * The console stream from byte from (of console_total) on, at most its
 * newest most bytes, as console events.  Bytes left out (the host no
 * longer keeps them, or past most) go up to the next line start when one
 * is near (VIEWSRV_CUT_LOOK); with why set a "gap" event says how many,
 * and why, before the rest.  Returns the bytes left out.
 */
static uint64_t
console_send(struct viewer *v, uint64_t from, size_t most, const char *why)
{
	struct viewsrv	*vs = v->vs;
	struct vseg	*g;
	const char	*p, *nl;
	uint64_t	 pos = vs->console_total - vs->console_len, lost = 0;
	uint64_t	 start = from, all;
	size_t		 len, skip, look = VIEWSRV_CUT_LOOK;
	int		 cut;

	if (start < pos)
		start = pos;
	if (vs->console_total - start > most)
		start = vs->console_total - most;
	lost = start - from;
	cut = lost > 0;
	from = start;
	all = lost;
	TAILQ_FOREACH(g, &vs->console, link) {
		p = g->buf + g->off;
		len = g->len - g->off;
		if (pos + len <= from) {
			pos += len;
			continue;
		}
		skip = from > pos ? (size_t)(from - pos) : 0;
		pos += len;
		p += skip;
		len -= skip;
		if (cut) {
			nl = memchr(p, '\n', len < look ? len : look);
			if (nl == NULL && len < look) {
				look -= len;
				lost += len;
				all += len;
				continue;
			}
			cut = 0;
			if (nl != NULL) {
				lost += (size_t)(nl + 1 - p);
				all += (size_t)(nl + 1 - p);
				len -= (size_t)(nl + 1 - p);
				p = nl + 1;
			}
		}
		if (why != NULL && lost > 0) {
			console_gap(v, lost, why);
			lost = 0;
		}
		if (len == 0)
			continue;
		viewer_send_now(v, json_pack("{s:s,s:s,s:I}", "event",
		    "console", "kind", console_kind_name(g->kind), "seq",
		    (json_int_t)g->seq), p, len);
	}
	if (why != NULL && lost > 0)
		console_gap(v, lost, why);
	return (all);
}

/*
 * Everything v has not got yet, now: the console, then each run it has
 * open, each from what the host keeps, a run in a flood at most a burst.
 * Not while a snapshot is being queued: it sends all of them itself.
 */
static void
viewer_catch_up(struct viewer *v)
{
	size_t	i;

	if (v->snapshot || !v->hello || v->closing || v->dead)
		return;
	console_catch_up(v, "behind");
	for (i = 0; i < v->nopen; i++)
		run_send(v, &v->open[i], v->open[i].flood ?
		    VIEWSRV_CONSOLE_BURST : SIZE_MAX);
}

/* Has v not got all of the output it gets? */
static int
viewer_behind(const struct viewer *v)
{
	const struct rawring	*rr;
	size_t			 i;

	if (!v->hello || v->closing || v->dead)
		return (0);
	if (console_behind(v))
		return (1);
	for (i = 0; i < v->nopen; i++) {
		rr = host_run_raw(v->vs->host, v->open[i].seq);
		if (rr != NULL && v->open[i].pos < rawring_total(rr))
			return (1);
	}
	return (0);
}

/*
 * Output's turn to go to v, if it is one: not within a tick of the last
 * time, nor while v has not taken what it was sent (a viewer that stopped
 * reading gets a gap and the newest part when it reads again, and is
 * never resynced for output alone).  The next turn is a tick away, a
 * longer one if this turn left bytes out.  Returns 1 if it was a turn.
 */
static int
viewer_turn(struct viewer *v, double now)
{
	if (v->snapshot || v->queued > 0 || now < v->next || !viewer_behind(v))
		return (0);
	viewer_catch_up(v);
	v->next = now + viewer_tick(v);
	return (1);
}

/* The time between two turns: longer while what v gets floods. */
static double
viewer_tick(const struct viewer *v)
{
	size_t	i;

	if (v->console_flood)
		return (VIEWSRV_FLOOD_TICK);
	for (i = 0; i < v->nopen; i++)
		if (v->open[i].flood)
			return (VIEWSRV_FLOOD_TICK);
	return (VIEWSRV_CONSOLE_TICK);
}

/* Does v follow the console, and has it not got all of it yet? */
static int
console_behind(const struct viewer *v)
{
	return (viewer_sees(v, TO_CONSOLE, 0) &&
	    v->console_pos != v->vs->console_total);
}

/*
 * The console this viewer has not got yet, now: what the host still
 * keeps of it, after a gap for what it does not, saying why ("behind"
 * or "paused").
 */
static void
console_catch_up(struct viewer *v, const char *why)
{
	struct viewsrv	*vs = v->vs;
	size_t		 most = vs->cfg->viewer_snapshot_bytes;

	if (!console_behind(v))
		return;
	/*
	 * A flood that goes on: the viewer shows a few milliseconds' parse
	 * of it a frame, so it gets a burst a turn, not all the host keeps.
	 */
	if (v->console_flood && strcmp(why, "behind") == 0 &&
	    most > VIEWSRV_CONSOLE_BURST)
		most = VIEWSRV_CONSOLE_BURST;
	v->console_flood = console_send(v, v->console_pos, most, why) > 0;
	v->console_pos = vs->console_total;
}

/* What a viewer gets on attach and on resync, ending with ready. */
static void
viewer_snapshot(struct viewer *v)
{
	struct viewsrv	*vs = v->vs;
	struct run	*r;
	size_t		 i;

	v->snapshot = 1;
	if (v->follow != 0) {
		if ((r = host_run(vs->host, v->follow)) != NULL)
			viewer_send(v, run_event(r), NULL, 0);
		for (i = 0; i < v->nopen; i++)
			run_send_all(v, &v->open[i]);
		viewer_send(v, json_pack("{s:s}", "event", "ready"), NULL, 0);
		v->snapshot = 0;
		if (r == NULL || run_state(r) == RUN_DONE)
			viewer_bye(v, "run ended", NULL);
		return;
	}
	/* The console comes below, whole: nothing before it. */
	if (!v->console_off)
		v->console_pos = vs->console_total;
	host_runs(vs->host, snapshot_run, v);
	if (!v->console_off)
		console_send(v, 0, SIZE_MAX, NULL);
	for (i = 0; i < v->nopen; i++)
		run_send_all(v, &v->open[i]);
	for (i = 0; i < vs->nmessages; i++)
		viewer_send(v, message_event(vs->messages[(vs->first_message +
		    i) % VIEWSRV_MESSAGES]), NULL, 0);
	viewer_send(v, json_pack("{s:s,s:i}", "event", "viewers", "count",
	    vs->count), NULL, 0);
	viewer_send(v, json_pack("{s:s}", "event", "ready"), NULL, 0);
	v->snapshot = 0;
}

/*
 * Bye, then nothing more: the viewer is closed once it is written, or
 * after a grace to read it.
 */
static void
viewer_bye(struct viewer *v, const char *reason, const char *text)
{
	json_t	*ev;
	char	*frame;
	size_t	 size;
	int	 counted = v->hello && !v->closing;

	if (v->closing || v->dead)
		return;
	viewer_catch_up(v);
	ev = json_pack("{s:s,s:s}", "event", "bye", "reason", reason);
	if (text != NULL)
		json_object_set_new(ev, "text", json_string(text));
	if ((frame = viewproto_frame(ev, NULL, 0, &size)) != NULL)
		viewer_queue(v, frame, size, 1);
	free(frame);
	json_decref(ev);
	v->closing = 1;
	v->close_by = mono_now() + VIEWSRV_BYE_GRACE;
	if (counted) {
		v->vs->count--;
		viewsrv_count(v->vs, v);
	}
}

/* The number of viewers changed: every viewer but except hears it. */
static void
viewsrv_count(struct viewsrv *vs, struct viewer *except)
{
	viewsrv_send(vs, TO_ALL, 0, json_pack("{s:s,s:i}", "event", "viewers",
	    "count", vs->count), NULL, 0, except);
}

/* Refused, with the reason. */
static void
viewer_refuse(struct viewer *v, const char *request, unsigned int seq,
    const char *reason)
{
	json_t	*ev;

	ev = json_pack("{s:s,s:s,s:s}", "event", "refused", "request",
	    request, "reason", reason);
	if (seq != 0)
		json_object_set_new(ev, "seq", json_integer(seq));
	viewer_send(v, ev, NULL, 0);
}

static struct typist *
typist_find(struct viewsrv *vs, unsigned int seq)
{
	struct typist	*t;

	TAILQ_FOREACH(t, &vs->typists, link) {
		if (t->seq == seq)
			return (t);
	}
	return (NULL);
}

static void
typist_event(struct viewer *v, unsigned int seq, struct viewer *holder)
{
	viewer_send(v, json_pack("{s:s,s:I,s:o,s:b}", "event", "typist", "seq",
	    (json_int_t)seq, "holder", holder != NULL ?
	    json_string(holder->name) : json_null(), "you", holder == v),
	    NULL, 0);
}

/* The holder let go (or left): the first waiter gets the run. */
static void
typist_next(struct viewsrv *vs, struct typist *t)
{
	size_t	i;

	t->holder = NULL;
	if (t->nwaiting > 0) {
		t->holder = t->waiting[0];
		memmove(t->waiting, t->waiting + 1, --t->nwaiting *
		    sizeof *t->waiting);
		typist_event(t->holder, t->seq, t->holder);
	}
	for (i = 0; i < t->nwaiting; i++)
		typist_event(t->waiting[i], t->seq, t->holder);
	if (t->holder == NULL) {
		TAILQ_REMOVE(&vs->typists, t, link);
		free(t->waiting);
		free(t);
	}
}

/* v no longer types into or waits for run seq (0: any run). */
static void
typist_leave(struct viewsrv *vs, struct viewer *v, unsigned int seq)
{
	struct typist	*t, *next;
	size_t		 i;

	for (t = TAILQ_FIRST(&vs->typists); t != NULL; t = next) {
		next = TAILQ_NEXT(t, link);
		if (seq != 0 && t->seq != seq)
			continue;
		for (i = 0; i < t->nwaiting; i++) {
			if (t->waiting[i] == v) {
				memmove(t->waiting + i, t->waiting + i + 1,
				    (t->nwaiting - i - 1) * sizeof *t->waiting);
				t->nwaiting--;
				break;
			}
		}
		if (t->holder == v)
			typist_next(vs, t);
	}
}

/* The run ended: nobody types into it any more. */
static void
typist_end(struct viewsrv *vs, unsigned int seq)
{
	struct typist	*t = typist_find(vs, seq);
	size_t		 i;

	if (t == NULL)
		return;
	if (t->holder != NULL)
		typist_event(t->holder, seq, NULL);
	for (i = 0; i < t->nwaiting; i++)
		typist_event(t->waiting[i], seq, NULL);
	TAILQ_REMOVE(&vs->typists, t, link);
	free(t->waiting);
	free(t);
}

/* A request to take the typist role of run seq. */
static void
viewer_type(struct viewer *v, unsigned int seq)
{
	struct viewsrv	*vs = v->vs;
	struct run	*r = host_run(vs->host, seq);
	struct typist	*t;
	const char	*refused;
	char		*why;
	size_t		 i;

	if (r == NULL) {
		xasprintf(&why, "no run %u", seq);
		viewer_refuse(v, "type", seq, why);
		free(why);
		return;
	}
	if ((refused = run_input_refusal(r)) != NULL) {
		xasprintf(&why, "run %u %s", seq, refused);
		viewer_refuse(v, "type", seq, why);
		free(why);
		return;
	}
	if ((t = typist_find(vs, seq)) == NULL) {
		t = xcalloc(1, sizeof *t);
		t->seq = seq;
		TAILQ_INSERT_TAIL(&vs->typists, t, link);
	}
	if (t->holder == NULL)
		t->holder = v;
	else if (t->holder != v) {
		for (i = 0; i < t->nwaiting && t->waiting[i] != v; i++)
			;
		if (i == t->nwaiting) {
			t->waiting = xreallocarray(t->waiting, t->nwaiting + 1,
			    sizeof *t->waiting);
			t->waiting[t->nwaiting++] = v;
		}
	}
	typist_event(v, seq, t->holder);
}

static void
viewer_untype(struct viewer *v, unsigned int seq)
{
	struct typist	*t;

	typist_leave(v->vs, v, seq);
	t = typist_find(v->vs, seq);
	typist_event(v, seq, t != NULL ? t->holder : NULL);
}

static void
viewer_input(struct viewer *v, unsigned int seq, const char *data,
    size_t len)
{
	struct typist	*t = typist_find(v->vs, seq);
	char		*why;

	if (t == NULL || t->holder != v) {
		if (t != NULL && t->holder != NULL)
			xasprintf(&why, "%s is typing into run %u",
			    t->holder->name, seq);
		else
			xasprintf(&why, "not the typist of run %u (send "
			    "type first)", seq);
		viewer_refuse(v, "input", seq, why);
		free(why);
		return;
	}
	if (host_type(v->vs->host, seq, data, len, &why) != 0) {
		viewer_refuse(v, "input", seq, why);
		free(why);
	}
}

static void
viewer_open(struct viewer *v, unsigned int seq)
{
	char	*why;
	size_t	 i;

	if (host_run(v->vs->host, seq) == NULL) {
		xasprintf(&why, "no run %u", seq);
		viewer_refuse(v, "open", seq, why);
		free(why);
		return;
	}
	for (i = 0; i < v->nopen; i++) {
		if (v->open[i].seq == seq)
			return;
	}
	if (v->nopen == VIEWSRV_MAX_OPEN) {
		viewer_refuse(v, "open", seq, "too many open runs (close one)");
		return;
	}
	viewer_catch_up(v);
	v->open = xreallocarray(v->open, v->nopen + 1, sizeof *v->open);
	v->open[v->nopen].seq = seq;
	run_send_all(v, &v->open[v->nopen++]);
}

static void
viewer_close_run(struct viewer *v, unsigned int seq)
{
	size_t	i;

	if (seq == v->follow)
		return;		/* it follows the run */
	for (i = 0; i < v->nopen; i++) {
		if (v->open[i].seq == seq) {
			v->open[i] = v->open[--v->nopen];
			return;
		}
	}
}

/*
 * {"request":"console","follow":false}: no console events until it
 * follows again; then the bytes it missed, or a gap and the newest part.
 */
static void
viewer_console(struct viewer *v, json_t *req)
{
	json_t	*follow = json_object_get(req, "follow");
	char	*why;

	if (!json_is_boolean(follow)) {
		viewer_refuse(v, "console", 0, follow == NULL ?
		    "follow: missing" : "follow: not true or false");
		return;
	}
	if (v->follow != 0) {
		xasprintf(&why, "this viewer follows run %u", v->follow);
		viewer_refuse(v, "console", v->follow, why);
		free(why);
		return;
	}
	if (json_is_false(follow)) {
		v->console_off = 1;
		return;
	}
	if (!v->console_off)
		return;
	v->console_off = 0;
	/* Bounded as a snapshot is: at most snapshot_bytes. */
	v->snapshot = 1;
	console_catch_up(v, "paused");
	v->snapshot = 0;
	v->next = mono_now() + VIEWSRV_CONSOLE_TICK;
}

/* A printable name, cut to a bound: it is shown to other viewers. */
static char *
viewer_name(const char *name, unsigned int id)
{
	char	*s, *p;

	if (name == NULL || *name == '\0') {
		xasprintf(&s, "viewer %u", id);
		return (s);
	}
	s = xstrndup(name, VIEWSRV_NAME_MAX);
	/* Cut at a character's start, then no control characters. */
	p = s + strlen(s);
	if (strlen(name) > VIEWSRV_NAME_MAX)
		while (p > s && ((unsigned char)p[-1] & 0xc0) == 0x80)
			*--p = '\0';
	if (p > s && (unsigned char)p[-1] >= 0xc0)
		p[-1] = '\0';
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return (s);
}

/* The host's hello, to every viewer that said one. */
static json_t *
hello_event(struct viewer *v)
{
	struct host	*h = v->vs->host;

	return (json_pack("{s:s,s:i,s:s,s:I,s:s,s:s,s:s,s:b,s:I}", "event",
	    "hello", "protocol", VIEWPROTO_VERSION, "version", PACKAGE_VERSION,
	    "host_pid", (json_int_t)getpid(), "session", host_session(h),
	    "journal", host_journal_path(h), "journal_dir",
	    host_journal_dir(h), "read_only", v->read_only, "viewer",
	    (json_int_t)v->id));
}

/* An unsigned run number in obj's field, or 0 (absent or not one). */
static unsigned int
field_seq(json_t *obj, const char *name, int *bad)
{
	json_t		*f = json_object_get(obj, name);
	json_int_t	 n;

	*bad = 0;
	if (f == NULL)
		return (0);
	n = json_integer_value(f);
	if (!json_is_integer(f) || n < 1 || n > UINT32_MAX) {
		*bad = 1;
		return (0);
	}
	return ((unsigned int)n);
}

/* The first request: hello, or bye. */
static void
viewer_hello(struct viewer *v, json_t *req)
{
	struct viewsrv	*vs = v->vs;
	const char	*what = json_string_value(json_object_get(req,
			    "request"));
	json_t		*proto = json_object_get(req, "protocol");
	json_t		*ro = json_object_get(req, "read_only");
	json_t		*name = json_object_get(req, "name");
	unsigned int	 run;
	char		*line;
	int		 bad;

	if (what == NULL || strcmp(what, "hello") != 0) {
		viewer_bye(v, "bad hello", "the first request must be hello");
		return;
	}
	if (!json_is_integer(proto)) {
		viewer_bye(v, "bad hello", "protocol: missing or not a number");
		return;
	}
	if (json_integer_value(proto) != VIEWPROTO_VERSION) {
		viewer_send(v, hello_event(v), NULL, 0);
		line = viewproto_mismatch((int)json_integer_value(proto),
		    VIEWPROTO_VERSION, 1);
		viewer_bye(v, "protocol mismatch", line);
		host_message(vs->host, "%s", line);
		free(line);
		return;
	}
	if ((ro != NULL && !json_is_boolean(ro)) ||
	    (name != NULL && !json_is_string(name))) {
		viewer_bye(v, "bad hello", ro != NULL && !json_is_boolean(ro) ?
		    "read_only: not true or false" : "name: not a string");
		return;
	}
	run = field_seq(req, "run", &bad);
	if (bad) {
		viewer_bye(v, "bad hello", "run: not a run number");
		return;
	}
	v->read_only = json_is_true(ro);
	v->name = viewer_name(json_string_value(name), v->id);
	viewer_send(v, hello_event(v), NULL, 0);
	if (run != 0 && host_run(vs->host, run) == NULL) {
		xasprintf(&line, "no run %u", run);
		viewer_bye(v, line, NULL);
		free(line);
		return;
	}
	v->follow = run;
	if (run != 0) {
		v->open = xcalloc(1, sizeof *v->open);
		v->open[0].seq = run;
		v->nopen = 1;
	}
	v->hello = 1;
	vs->count++;
	viewer_snapshot(v);
	viewsrv_count(vs, v);
}

/* One request of a viewer past its hello. */
static void
viewer_request(struct viewer *v, json_t *req, const char *data, size_t len)
{
	const char	*what = json_string_value(json_object_get(req,
			    "request"));
	unsigned int	 seq;
	char		*why;
	int		 bad, needs_seq;

	if (what == NULL) {
		viewer_refuse(v, "?", 0, "request: missing");
		return;
	}
	if (strcmp(what, "hello") == 0) {
		viewer_refuse(v, what, 0, "hello: said already");
		return;
	}
	needs_seq = strcmp(what, "stop") != 0 &&
	    strcmp(what, "console") != 0;
	seq = field_seq(req, "seq", &bad);
	if (strcmp(what, "open") != 0 && strcmp(what, "close") != 0 &&
	    strcmp(what, "type") != 0 && strcmp(what, "untype") != 0 &&
	    strcmp(what, "input") != 0 && strcmp(what, "abort") != 0 &&
	    strcmp(what, "stop") != 0 && strcmp(what, "console") != 0) {
		viewer_refuse(v, what, 0, "unknown request");
		return;
	}
	if (needs_seq && (bad || seq == 0)) {
		viewer_refuse(v, what, 0, bad ? "seq: not a run number" :
		    "seq: missing");
		return;
	}
	if (v->read_only && (strcmp(what, "type") == 0 ||
	    strcmp(what, "input") == 0 || strcmp(what, "abort") == 0 ||
	    strcmp(what, "stop") == 0)) {
		viewer_refuse(v, what, seq, "read-only viewer");
		return;
	}
	if (strcmp(what, "console") == 0)
		viewer_console(v, req);
	else if (strcmp(what, "open") == 0)
		viewer_open(v, seq);
	else if (strcmp(what, "close") == 0)
		viewer_close_run(v, seq);
	else if (strcmp(what, "type") == 0)
		viewer_type(v, seq);
	else if (strcmp(what, "untype") == 0)
		viewer_untype(v, seq);
	else if (strcmp(what, "input") == 0)
		viewer_input(v, seq, data, len);
	else if (strcmp(what, "abort") == 0) {
		if (host_abort_seq(v->vs->host, seq) != 0) {
			xasprintf(&why, "no live run %u", seq);
			viewer_refuse(v, what, seq, why);
			free(why);
		}
	} else if (strcmp(what, "stop") == 0) {
		host_message(v->vs->host, "stop asked by %s", v->name);
		host_shutdown(v->vs->host);
	}
}

/* What the viewer sent: whole frames become requests. */
static void
viewer_read(struct viewer *v)
{
	json_t		*req;
	const char	*data;
	size_t		 len, got = 0;
	ssize_t		 n;
	char		*cause;
	int		 r;

	while (got < VIEWSRV_READ_TURN && !v->closing && !v->dead) {
		n = viewproto_reader_fill(v->rd, v->fd);
		if (n == 0 || (n == -1 && errno != EAGAIN)) {
			v->dead = 1;	/* it left */
			return;
		}
		if (n > 0)
			got += (size_t)n;
		while (!v->closing &&
		    (r = viewproto_reader_next(v->rd, &req, &data, &len,
		    &cause)) != 0) {
			if (r == -1) {
				viewer_bye(v, "bad frame", cause);
				host_message(v->vs->host, "viewer %u: %s",
				    v->id, cause);
				free(cause);
				return;
			}
			if (!v->hello)
				viewer_hello(v, req);
			else
				viewer_request(v, req, data, len);
		}
		if (n == -1)
			return;
	}
}

/*
 * Write what the socket takes.  Once a viewer that lost frames has
 * written all it had (resync allows it: its socket took bytes this
 * turn), it gets a fresh snapshot.
 */
static void
viewer_write(struct viewer *v, double now, int resync)
{
	struct vframe	*f;
	ssize_t		 n;

	while ((f = TAILQ_FIRST(&v->queue)) != NULL) {
		n = send(v->fd, f->buf + v->sent, f->len - v->sent,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			v->blocked = 1;
			return;
		}
		if (n <= 0) {
			v->dead = 1;
			return;
		}
		v->sent += (size_t)n;
		v->queued -= (size_t)n;
		if (v->sent == f->len) {
			TAILQ_REMOVE(&v->queue, f, link);
			free(f);
			v->sent = 0;
		}
	}
	if (v->closing) {
		v->dead = 1;
		return;
	}
	if (!v->dropped) {
		v->since = now;
		return;
	}
	if (resync) {
		v->dropped = 0;
		viewer_send(v, json_pack("{s:s}", "event", "resync"), NULL, 0);
		viewer_snapshot(v);
	}
}

static void
viewer_free(struct viewer *v)
{
	struct viewsrv	*vs = v->vs;
	struct vframe	*f;

	if (v->hello && !v->closing) {
		vs->count--;
		viewsrv_count(vs, v);
	}
	typist_leave(vs, v, 0);
	TAILQ_REMOVE(&vs->viewers, v, link);
	vs->nconn--;
	while ((f = TAILQ_FIRST(&v->queue)) != NULL) {
		TAILQ_REMOVE(&v->queue, f, link);
		free(f);
	}
	close(v->fd);
	viewproto_reader_free(v->rd);
	free(v->open);
	free(v->name);
	free(v);
}

/* Close the viewers that left or were told bye. */
static void
viewsrv_sweep(struct viewsrv *vs)
{
	struct viewer	*v, *next;

	for (v = TAILQ_FIRST(&vs->viewers); v != NULL; v = next) {
		next = TAILQ_NEXT(v, link);
		if (v->dead)
			viewer_free(v);
	}
}

/* The peer's uid, or -1. */
static int
peer_uid(int fd, uid_t *uid, pid_t *pid)
{
	struct ucred	cred;
	socklen_t	len = sizeof cred;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return (-1);
	*uid = cred.uid;
	*pid = cred.pid;
	return (0);
}

/* New connections: ours become viewers waiting for their hello. */
static void
viewsrv_accept(struct viewsrv *vs)
{
	struct viewer	*v;
	char		*frame;
	size_t		 size;
	json_t		*ev;
	uid_t		 uid;
	pid_t		 pid;
	int		 fd, i;

	for (i = 0; i < 16; i++) {
		fd = accept4(vs->listen_fd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				host_message(vs->host, "%s: accept: %s",
				    vs->path, strerror(errno));
			return;
		}
		uid = (uid_t)-1;
		pid = 0;
		if (peer_uid(fd, &uid, &pid) == -1 || uid != geteuid()) {
			host_message(vs->host, "%s: refused a connection from "
			    "uid %ld (pid %ld): not this host's user", vs->path,
			    (long)uid, (long)pid);
			close(fd);
			continue;
		}
		if (vs->nconn >= VIEWSRV_MAX_VIEWERS) {
			/* One try to say why; the socket is new and empty. */
			ev = json_pack("{s:s,s:s}", "event", "bye", "reason",
			    "too many viewers");
			if ((frame = viewproto_frame(ev, NULL, 0, &size)) !=
			    NULL)
				(void)send(fd, frame, size, MSG_NOSIGNAL |
				    MSG_DONTWAIT);
			free(frame);
			json_decref(ev);
			close(fd);
			continue;
		}
		v = xcalloc(1, sizeof *v);
		v->vs = vs;
		v->fd = fd;
		v->id = ++vs->next_id;
		v->rd = viewproto_reader_new();
		v->since = mono_now();
		v->pfd = SIZE_MAX;
		TAILQ_INIT(&v->queue);
		TAILQ_INSERT_TAIL(&vs->viewers, v, link);
		vs->nconn++;
	}
}

size_t
viewsrv_npollfds(const struct viewsrv *vs)
{
	return (1 + vs->nconn);
}

/* The listening socket, then each viewer: to read, and to write. */
size_t
viewsrv_pollfds(struct viewsrv *vs, struct pollfd *pfd)
{
	struct viewer	*v;
	size_t		 n = 0;

	vs->listen_pfd = n;
	pfd[n].fd = vs->listen_fd;
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	TAILQ_FOREACH(v, &vs->viewers, link) {
		v->pfd = n;
		pfd[n].fd = v->fd;
		pfd[n].events = v->closing ? 0 : POLLIN;
		if (v->queued > 0 || v->dropped)
			pfd[n].events |= POLLOUT;
		pfd[n++].revents = 0;
	}
	vs->polled = 1;
	return (n);
}

/* Serve what poll() found: writes, requests, new connections. */
void
viewsrv_poll(struct viewsrv *vs, const struct pollfd *pfd, double now)
{
	struct viewer	*v, *next;
	short		 re;

	if (!vs->polled)
		return;
	vs->polled = 0;
	for (v = TAILQ_FIRST(&vs->viewers); v != NULL; v = next) {
		next = TAILQ_NEXT(v, link);
		if (v->pfd == SIZE_MAX)
			continue;	/* new this turn */
		re = pfd[v->pfd].revents;
		v->pfd = SIZE_MAX;
		if (re & POLLOUT) {
			v->blocked = 0;
			viewer_write(v, now, 1);
		}
		if (re & (POLLIN | POLLHUP | POLLERR))
			viewer_read(v);
		if ((re & (POLLHUP | POLLERR)) && !(re & POLLIN))
			v->dead = 1;
	}
	if (pfd[vs->listen_pfd].revents & POLLIN)
		viewsrv_accept(vs);
	viewsrv_sweep(vs);
}

/*
 * End of a loop turn: write what was queued, and part with the viewers
 * that stayed behind too long or did not read their bye in time.
 */
void
viewsrv_flush(struct viewsrv *vs, double now)
{
	struct viewer	*v;
	char		*why;

	TAILQ_FOREACH(v, &vs->viewers, link) {
		v->pfd = SIZE_MAX;
		if (v->dead)
			continue;
		/* A full socket is tried again when poll says it has room. */
		if (v->queued > 0 && !v->blocked)
			viewer_write(v, now, 0);
		if (viewer_turn(v, now) && v->queued > 0 && !v->blocked)
			viewer_write(v, now, 0);
		if (v->closing && now >= v->close_by)
			v->dead = 1;
		else if (!v->hello && !v->closing &&
		    now - v->since >= VIEWSRV_HELLO_TIME)
			viewer_bye(v, "bad hello", "no hello in time");
		else if (!v->closing && (v->queued > 0 || v->dropped) &&
		    now - v->since >= vs->cfg->viewer_max_lag) {
			xasprintf(&why, "viewer %u (%s) is too far behind: "
			    "detached", v->id, v->name != NULL ? v->name :
			    "no hello");
			viewer_bye(v, "too far behind", NULL);
			host_message(vs->host, "%s", why);
			free(why);
		}
	}
	viewsrv_sweep(vs);
}

/* The next time a viewer is due to be let go, or -1. */
double
viewsrv_deadline(const struct viewsrv *vs)
{
	const struct viewer	*v;
	double			 d, deadline = -1;

	TAILQ_FOREACH(v, &vs->viewers, link) {
		if (v->closing)
			d = v->close_by;
		else if (!v->hello)
			d = v->since + VIEWSRV_HELLO_TIME;
		else if (v->queued > 0 || v->dropped)
			d = v->since + vs->cfg->viewer_max_lag;
		else if (viewer_behind(v))
			d = v->next;
		else
			continue;
		if (deadline < 0 || d < deadline)
			deadline = d;
	}
	return (deadline);
}

/* Keep the console's newest part: whole chunks, a same-kind run merged. */
static void
console_keep(struct viewsrv *vs, enum console_kind kind, unsigned int seq,
    const char *buf, size_t len)
{
	struct vseg	*g = TAILQ_LAST(&vs->console, vsegs);
	size_t		 n, limit = vs->cfg->viewer_snapshot_bytes, over;

	while (len > 0) {
		if (g == NULL || g->kind != kind || g->seq != seq ||
		    g->len == sizeof g->buf) {
			g = xmalloc(sizeof *g);
			g->kind = kind;
			g->seq = seq;
			g->off = g->len = 0;
			TAILQ_INSERT_TAIL(&vs->console, g, link);
		}
		n = sizeof g->buf - g->len < len ? sizeof g->buf - g->len : len;
		memcpy(g->buf + g->len, buf, n);
		g->len += n;
		vs->console_len += n;
		vs->console_total += n;
		buf += n;
		len -= n;
	}
	while (vs->console_len > limit) {
		g = TAILQ_FIRST(&vs->console);
		over = vs->console_len - limit;
		if (g->len - g->off <= over) {
			vs->console_len -= g->len - g->off;
			TAILQ_REMOVE(&vs->console, g, link);
			free(g);
			continue;
		}
		g->off += over;
		vs->console_len -= over;
	}
}

static void
obs_segment(enum console_kind kind, unsigned int seq, const char *buf,
    size_t len, void *arg)
{
	struct viewsrv	*vs = arg;
	struct viewer	*v;
	double		 now = -1;

	console_keep(vs, kind, seq, buf, len);
	TAILQ_FOREACH(v, &vs->viewers, link) {
		if (!viewer_sees(v, TO_CONSOLE, 0))
			continue;
		/* Output waits for its turn; banners and notes do not. */
		if (kind != CONSOLE_OUTPUT)
			viewer_catch_up(v);
		else {
			if (now < 0)
				now = mono_now();
			viewer_turn(v, now);
		}
	}
}

static void
obs_run(struct run *r, void *arg)
{
	struct viewsrv	*vs = arg;

	viewsrv_send(vs, TO_RUN, run_seq(r), run_event(r), NULL, 0, NULL);
}

/* The host put these bytes in the run's ring: they go out in turns. */
static void
obs_run_output(struct run *r, const char *buf, size_t len, void *arg)
{
	struct viewsrv	*vs = arg;
	struct viewer	*v;
	unsigned int	 seq = run_seq(r);
	double		 now = -1;

	(void)buf;
	(void)len;
	TAILQ_FOREACH(v, &vs->viewers, link) {
		if (!viewer_sees(v, TO_OPEN, seq))
			continue;
		if (now < 0)
			now = mono_now();
		viewer_turn(v, now);
	}
}

static void
obs_run_ended(struct run *r, void *arg)
{
	struct viewsrv	*vs = arg;
	struct viewer	*v;
	unsigned int	 seq = run_seq(r);

	obs_run(r, arg);
	typist_end(vs, seq);
	/*
	 * A viewer following the run has all its output now; one that
	 * lost frames gets the end with its resync.
	 */
	TAILQ_FOREACH(v, &vs->viewers, link) {
		if (v->follow == seq && v->hello && !v->dropped)
			viewer_bye(v, "run ended", NULL);
	}
}

static void
obs_message(const char *msg, void *arg)
{
	struct viewsrv	*vs = arg;
	size_t		 i;

	if (vs->nmessages < VIEWSRV_MESSAGES)
		i = (vs->first_message + vs->nmessages++) % VIEWSRV_MESSAGES;
	else {
		i = vs->first_message;
		free(vs->messages[i]);
		vs->first_message = (i + 1) % VIEWSRV_MESSAGES;
	}
	vs->messages[i] = xstrdup(msg);
	viewsrv_send(vs, TO_ALL, 0, message_event(msg), NULL, 0, NULL);
}

/*
 * The server of R/attach.sock in rundir.  NULL with *cause when the
 * socket cannot be made.
 */
struct viewsrv *
viewsrv_new(struct host *h, const struct config *cfg, const char *rundir,
    char **cause)
{
	struct viewsrv	*vs = xcalloc(1, sizeof *vs);

	vs->host = h;
	vs->cfg = cfg;
	vs->listen_fd = -1;
	TAILQ_INIT(&vs->viewers);
	TAILQ_INIT(&vs->typists);
	TAILQ_INIT(&vs->console);
	vs->path = paths_join(rundir, VIEWPROTO_SOCKET);
	if (viewsrv_listen(vs, cause) != 0) {
		free(vs->path);
		free(vs);
		return (NULL);
	}
	vs->fe.arg = vs;
	vs->fe.segment = obs_segment;
	vs->fe.run_queued = obs_run;
	vs->fe.run_started = obs_run;
	vs->fe.run_waiting = obs_run;
	vs->fe.run_detached = obs_run;
	vs->fe.run_ended = obs_run_ended;
	vs->fe.run_output = obs_run_output;
	vs->fe.message = obs_message;
	return (vs);
}

const struct frontend *
viewsrv_frontend(struct viewsrv *vs)
{
	return (&vs->fe);
}

/*
 * The host stops: no new viewers; each gets bye "host stopped", written
 * within VIEWSRV_STOP_GRACE (a viewer that does not read in that time
 * misses it), and the socket goes.
 */
void
viewsrv_free(struct viewsrv *vs)
{
	struct viewer	*v;
	struct pollfd	*pfd;
	struct vseg	*g;
	struct typist	*t;
	double		 end = mono_now() + VIEWSRV_STOP_GRACE, now;
	size_t		 n, i;

	if (vs == NULL)
		return;
	close(vs->listen_fd);
	unlink(vs->path);
	TAILQ_FOREACH(v, &vs->viewers, link) {
		if (v->dead)
			continue;
		if (v->closing)
			v->close_by = end;	/* its own bye, if it reads */
		viewer_bye(v, "host stopped", NULL);
	}
	pfd = xreallocarray(NULL, vs->nconn + 1, sizeof *pfd);
	while ((now = mono_now()) < end) {
		n = 0;
		TAILQ_FOREACH(v, &vs->viewers, link) {
			if (!v->dead)
				viewer_write(v, now, 0);
			if (!v->dead && v->queued > 0) {
				pfd[n].fd = v->fd;
				pfd[n++].events = POLLOUT;
			}
		}
		if (n == 0)
			break;
		(void)poll(pfd, n, (int)((end - now) * 1000) + 1);
	}
	free(pfd);
	while ((v = TAILQ_FIRST(&vs->viewers)) != NULL) {
		v->hello = 0;	/* nobody is left to count them */
		viewer_free(v);
	}
	while ((g = TAILQ_FIRST(&vs->console)) != NULL) {
		TAILQ_REMOVE(&vs->console, g, link);
		free(g);
	}
	while ((t = TAILQ_FIRST(&vs->typists)) != NULL) {
		TAILQ_REMOVE(&vs->typists, t, link);
		free(t->waiting);
		free(t);
	}
	for (i = 0; i < vs->nmessages; i++)
		free(vs->messages[(vs->first_message + i) % VIEWSRV_MESSAGES]);
	free(vs->path);
	free(vs);
}
