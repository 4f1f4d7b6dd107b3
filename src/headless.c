/*
 * headless.c: the console on standard output.
 *
 * The serialised console stream goes to stdout as it is: the runs' raw
 * bytes (as the original crate printed them) or, with [headless] raw =
 * false, their agent view.  Messages about the host go to stderr.
 *
 * A stdout nobody reads (a paused "| less", a throttled journald) must
 * never stall the host (DESIGN.md 15), so stdout is written by a thread
 * of its own from a queue bounded by [viewer] max_queue, as a viewer's
 * is; the loop only
 * appends to it.  When a chunk does not fit, it and everything after it
 * are dropped, counted per run, until the writer has written all that was
 * queued; then it writes one dim line per run that lost bytes,
 *	[rexec: N bytes not shown; rexec log SEQ]
 * and the stream goes on.  The journal and the recordings keep everything.
 * The console's backlog (runs that waited for their turn) is not dropped
 * while stdout keeps up: the host hands it on only as fast as the queue
 * has room (the room hook), and the writer wakes the loop through an
 * eventfd when room comes back.  A queue that stays full for
 * HEADLESS_STALL seconds counts as a stdout that fell behind: the backlog
 * goes on and is dropped like the rest, since the viewers read the same
 * raw console and must not wait for our reader.
 * stdout is never made non-blocking: its open file description may be
 * shared with the shell that started us.  A write that fails (EPIPE: the
 * reader is gone, EIO) ends the console on stdout, said once on stderr;
 * the host goes on.
 */
#include "rexec.h"

#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fdio.h"
#include "frontend.h"
#include "headless.h"
#include "mono.h"

/* A buffer bigger than this is given back once written. */
#define HEADLESS_KEEP		(256 * 1024)
/* Runs that lost bytes in one stall, each with its line; later ones join the last. */
#define HEADLESS_MAX_DROPS	256
/*
 * Room kept back from what headless_room offers: the console's pump may
 * go past its budget by its own line about a cut backlog.
 */
#define HEADLESS_SLACK		4096
/* A full queue for this long: stdout fell behind, the backlog drops too. */
#define HEADLESS_STALL		1.0
/* How long a stopping host waits for stdout to take what is queued. */
#define HEADLESS_FLUSH_WAIT	2

/* Bytes of one run that were not shown. */
struct headless_drop {
	unsigned int	seq;
	size_t		bytes;
};

struct headless {
	pthread_t		 thread;
	int			 started;
	pthread_mutex_t		 lock;
	pthread_cond_t		 more;
	int			 text;		/* plain notes, no escapes */
	size_t			 max;		/* [viewer] max_queue */
	int			 wake;		/* eventfd: room again */

	/* Under the lock. */
	char			*queue;		/* appended to by the loop */
	size_t			 len;
	size_t			 size;
	char			*spare;		/* the writer's last buffer */
	size_t			 spare_size;
	size_t			 inflight;	/* being written */
	int			 dropping;
	struct headless_drop	*drops;
	size_t			 ndrops;
	int			 failed;
	int			 stop;
	int			 want_room;	/* the loop waits for room */

	/* The writer's own. */
	int			 bol;		/* the last byte out was \n */

	/* The loop's own: since when the queue has had no room, or 0. */
	double			 full_since;
};

/* One front end per process: the writer may outlive headless_fini. */
static struct headless	 headless;

/* Count len bytes of run seq as not shown. */
static void
headless_drop(struct headless *hl, unsigned int seq, size_t len)
{
	struct headless_drop	*d;

	if (hl->ndrops > 0 && (hl->drops[hl->ndrops - 1].seq == seq ||
	    hl->ndrops == HEADLESS_MAX_DROPS)) {
		hl->drops[hl->ndrops - 1].bytes += len;
		return;
	}
	hl->drops = xreallocarray(hl->drops, hl->ndrops + 1, sizeof *hl->drops);
	d = &hl->drops[hl->ndrops++];
	d->seq = seq;
	d->bytes = len;
}

/* Append to the queue; the lock is held and the bytes fit. */
static void
headless_append(struct headless *hl, const char *buf, size_t len)
{
	size_t	size;

	if (hl->len + len > hl->size) {
		size = hl->size == 0 ? 4096 : hl->size;
		while (size < hl->len + len)
			size *= 2;
		hl->queue = xrealloc(hl->queue, size);
		hl->size = size;
	}
	memcpy(hl->queue + hl->len, buf, len);
	hl->len += len;
}

/*
 * The writer has caught up after a drop: queue the lines that say what
 * was not shown, on lines of their own.  The lock is held.
 */
static void
headless_notes(struct headless *hl)
{
	char	*line;
	size_t	 i;
	int	 n;

	if (!hl->bol)
		headless_append(hl, "\n", 1);
	for (i = 0; i < hl->ndrops; i++) {
		n = xasprintf(&line, "%s[rexec: %zu bytes not shown; "
		    "rexec log %u]%s\n", hl->text ? "" : "\033[2m",
		    hl->drops[i].bytes, hl->drops[i].seq,
		    hl->text ? "" : "\033[22m");
		headless_append(hl, line, (size_t)n);
		free(line);
	}
	free(hl->drops);
	hl->drops = NULL;
	hl->ndrops = 0;
	hl->dropping = 0;
}

/*
 * The writer: takes the whole queue at a time and writes it with the lock
 * released, so the loop can go on appending while stdout blocks.
 */
static void *
headless_writer(void *arg)
{
	struct headless	*hl = arg;
	char		*buf;
	size_t		 len, size;
	int		 error;

	pthread_mutex_lock(&hl->lock);
	for (;;) {
		if (hl->len == 0 && hl->dropping && !hl->failed)
			headless_notes(hl);
		if (hl->len == 0) {
			if (hl->stop || hl->failed)
				break;
			pthread_cond_wait(&hl->more, &hl->lock);
			continue;
		}
		buf = hl->queue;
		len = hl->inflight = hl->len;
		size = hl->size;
		hl->queue = hl->spare;
		hl->size = hl->spare_size;
		hl->len = 0;
		hl->spare = NULL;
		hl->spare_size = 0;
		pthread_mutex_unlock(&hl->lock);

		error = 0;
		if (fdio_write_all(STDOUT_FILENO, buf, len) == -1)
			error = errno;
		else
			hl->bol = buf[len - 1] == '\n';
		if (size > HEADLESS_KEEP) {
			free(buf);
			buf = NULL;
			size = 0;
		}
		if (error != 0)
			fprintf(stderr, "rexec: console on standard output: "
			    "%s; it is no longer written\n", strerror(error));

		pthread_mutex_lock(&hl->lock);
		hl->inflight = 0;
		if (hl->spare == NULL) {
			hl->spare = buf;
			hl->spare_size = size;
		} else
			free(buf);
		if (error != 0) {
			hl->failed = 1;
			hl->len = 0;
		}
		if (hl->want_room) {
			hl->want_room = 0;
			(void)eventfd_write(hl->wake, 1);
		}
	}
	pthread_mutex_unlock(&hl->lock);
	return (NULL);
}

/* Bytes of run seq for stdout: queued, or dropped when they do not fit. */
static void
headless_put(struct headless *hl, unsigned int seq, const char *buf,
    size_t len)
{
	pthread_mutex_lock(&hl->lock);
	if (hl->failed)
		;
	else if (hl->dropping ||
	    hl->len + hl->inflight + len > hl->max) {
		hl->dropping = 1;
		headless_drop(hl, seq, len);
	} else {
		headless_append(hl, buf, len);
		pthread_cond_signal(&hl->more);
	}
	pthread_mutex_unlock(&hl->lock);
}

static void
headless_segment(enum console_kind kind, unsigned int seq, const char *buf,
    size_t len, void *arg)
{
	headless_put(arg, seq, buf, len);
}

/*
 * What the queue takes now: no bound once it fails or drops (all goes),
 * else its free room, and none while the writer is at it, until that
 * has lasted HEADLESS_STALL seconds.
 */
static size_t
headless_room(void *arg)
{
	struct headless	*hl = arg;
	size_t		 room = SIZE_MAX, used;
	double		 now;

	pthread_mutex_lock(&hl->lock);
	used = hl->len + hl->inflight + HEADLESS_SLACK;
	if (!hl->failed && !hl->dropping) {
		room = used < hl->max ? hl->max - used : 0;
		if (room == 0)
			hl->want_room = 1;
	}
	pthread_mutex_unlock(&hl->lock);
	if (room > 0) {
		hl->full_since = 0;
		return (room);
	}
	now = mono_now();
	if (hl->full_since == 0)
		hl->full_since = now;
	else if (now - hl->full_since >= HEADLESS_STALL) {
		pthread_mutex_lock(&hl->lock);
		hl->dropping = 1;
		pthread_mutex_unlock(&hl->lock);
		hl->full_since = 0;
		return (SIZE_MAX);
	}
	return (0);
}

/* A loop turn when a full queue has lasted HEADLESS_STALL seconds. */
static double
headless_tick(void *arg, double now)
{
	struct headless	*hl = arg;

	return (hl->full_since == 0 ? -1 : hl->full_since + HEADLESS_STALL);
}

static int
headless_fd(void *arg)
{
	struct headless	*hl = arg;

	return (hl->wake);
}

/* The writer made room: the host's loop pumps the backlog this turn. */
static void
headless_ready(void *arg, double now)
{
	struct headless	*hl = arg;
	eventfd_t	 v;

	(void)eventfd_read(hl->wake, &v);
}

static void
headless_message(const char *msg, void *arg)
{
	fprintf(stderr, "rexec: %s\n", msg);
}

/* The writer blocks every signal: the host's signalfd reads them all. */
static int
headless_start(struct headless *hl)
{
	sigset_t	all, old;
	int		error;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	error = pthread_create(&hl->thread, NULL, headless_writer, hl);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		fprintf(stderr, "rexec: console on standard output: "
		    "no writer thread: %s\n", strerror(error));
		hl->failed = 1;
		return (-1);
	}
	hl->started = 1;
	return (0);
}

void
headless_init(struct frontend *fe, const struct config *cfg)
{
	struct headless	*hl = &headless;

	memset(hl, 0, sizeof *hl);
	pthread_mutex_init(&hl->lock, NULL);
	pthread_cond_init(&hl->more, NULL);
	hl->text = !cfg->headless_raw;
	hl->max = cfg->viewer_max_queue;
	hl->bol = 1;
	if ((hl->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		fprintf(stderr, "rexec: console on standard output: "
		    "eventfd: %s\n", strerror(errno));
		hl->failed = 1;
	} else
		(void)headless_start(hl);

	memset(fe, 0, sizeof *fe);
	fe->arg = hl;
	fe->console_text = !cfg->headless_raw;
	fe->segment = headless_segment;
	fe->room = headless_room;
	fe->fd = headless_fd;
	fe->ready = headless_ready;
	fe->tick = headless_tick;
	fe->message = headless_message;
}

/*
 * The host has stopped: give stdout up to HEADLESS_FLUSH_WAIT seconds to
 * take what is queued.  A writer still blocked then is left to the
 * process's exit, with what it holds.
 */
void
headless_fini(struct frontend *fe)
{
	struct headless	*hl = fe->arg;
	struct timespec	 ts;

	if (!hl->started) {
		if (hl->wake != -1)
			close(hl->wake);
		return;
	}
	pthread_mutex_lock(&hl->lock);
	hl->stop = 1;
	pthread_cond_signal(&hl->more);
	pthread_mutex_unlock(&hl->lock);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += HEADLESS_FLUSH_WAIT;
	if (pthread_timedjoin_np(hl->thread, NULL, &ts) != 0)
		return;
	hl->started = 0;
	free(hl->queue);
	free(hl->spare);
	free(hl->drops);
	close(hl->wake);
	pthread_cond_destroy(&hl->more);
	pthread_mutex_destroy(&hl->lock);
}
