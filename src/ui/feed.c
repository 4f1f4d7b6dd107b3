/*
 * feed.c: bytes on their way into a vt, bounded, parsed against a clock.
 *
 * libtsm parses at 10-20 MB/s; a PTY floods at 100 MB/s and more.  So
 * the UI never parses output as it arrives: it queues it here (a copy,
 * nothing more) and parses from the queue when it draws, for at most a
 * few milliseconds a frame.  When output comes faster than that, the
 * oldest queued output is dropped and only the newest part reaches the
 * screen, the way a terminal that skips frames would look.  The run
 * itself never waits; every byte still reaches the journal and the
 * recording, and the final screen after a flood is built from the last
 * cap bytes, cut at a line start.
 *
 * Marked bytes (the console's banners) are never dropped, and a vt reset
 * comes before them, so one run's modes never leak into the next.  When
 * output was dropped, a note can say so where it happened.
 */
#include "rexec.h"

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mono.h"
#include "vt.h"
#include "ui/draw.h"
#include "ui/ui_int.h"

/* One block of queued bytes. */
#define FEED_CHUNK	(64 * 1024)
/* Bytes parsed between two looks at the clock. */
#define FEED_SLICE	(16 * 1024)
/* How far into the surviving output a line start is looked for. */
#define FEED_CUT_LOOK	4096
/*
 * Emptied blocks kept for reuse: a flood frees and takes one every 64 KiB,
 * and memory handed back to the system faults in again when taken.
 */
#define FEED_SPARE	4

struct feed_chunk {
	TAILQ_ENTRY(feed_chunk)	 link;
	int			 mark;		/* never dropped; reset first */
	size_t			 skipped;	/* dropped just before this */
	size_t			 off;		/* parsed so far */
	size_t			 len;
	size_t			 size;
	char			*data;
};
TAILQ_HEAD(feed_chunks, feed_chunk);

struct feed {
	struct feed_chunks	 chunks;
	size_t			 cap;		/* output bytes kept at most */
	size_t			 held;		/* output bytes queued */
	size_t			 skipped;	/* dropped, all told */
	int			 note;		/* write a note where it dropped */
	feed_sink_cb		 sink;		/* or NULL: straight to the vt */
	void			*sink_arg;
	char			*spare[FEED_SPARE];
	size_t			 nspare;
};

static struct feed_chunk *feed_chunk_new(struct feed *, int, size_t);
static void	 feed_chunk_free(struct feed *, struct feed_chunk *);
static void	 feed_drop(struct feed *);
static void	 feed_note(struct vt *, size_t);

struct feed *
feed_new(size_t cap, int note)
{
	struct feed	*f = xcalloc(1, sizeof *f);

	TAILQ_INIT(&f->chunks);
	f->cap = cap < FEED_CHUNK * 2 ? FEED_CHUNK * 2 : cap;
	f->note = note;
	return (f);
}

void
feed_free(struct feed *f)
{
	struct feed_chunk	*c;

	if (f == NULL)
		return;
	while ((c = TAILQ_FIRST(&f->chunks)) != NULL)
		feed_chunk_free(f, c);
	while (f->nspare > 0)
		free(f->spare[--f->nspare]);
	free(f);
}

static struct feed_chunk *
feed_chunk_new(struct feed *f, int mark, size_t size)
{
	struct feed_chunk	*c = xcalloc(1, sizeof *c);

	c->mark = mark;
	c->size = size;
	if (size == FEED_CHUNK && f->nspare > 0)
		c->data = f->spare[--f->nspare];
	else
		c->data = xmalloc(size);
	TAILQ_INSERT_TAIL(&f->chunks, c, link);
	return (c);
}

static void
feed_chunk_free(struct feed *f, struct feed_chunk *c)
{
	if (!c->mark)
		f->held -= c->len - c->off;
	TAILQ_REMOVE(&f->chunks, c, link);
	if (c->size == FEED_CHUNK && f->nspare < FEED_SPARE)
		f->spare[f->nspare++] = c->data;
	else
		free(c->data);
	free(c);
}

/*
 * Leave out the queued output before byte at of block cut, marked blocks
 * aside, and say how much where the output goes on: at cut.
 */
static void
feed_cut(struct feed *f, struct feed_chunk *cut, size_t at)
{
	struct feed_chunk	*c, *next;
	size_t			 carried = 0, dropped = at - cut->off;

	for (c = TAILQ_FIRST(&f->chunks); c != cut; c = next) {
		next = TAILQ_NEXT(c, link);
		if (c->mark)
			continue;
		/* Its own note is said at cut, with the rest. */
		carried += c->skipped;
		dropped += c->len - c->off;
		feed_chunk_free(f, c);
	}
	f->held -= at - cut->off;
	cut->off = at;
	f->skipped += dropped;
	cut->skipped += carried + dropped;
}

/*
 * Over the cap: drop the oldest output blocks whole, then start the next
 * output block at a line start if one is near.
 */
static void
feed_drop(struct feed *f)
{
	struct feed_chunk	*c, *cut = NULL;
	size_t			 held = f->held, look;
	const char		*nl;
	int			 drop = 0;

	TAILQ_FOREACH(c, &f->chunks, link) {
		if (c->mark)
			continue;
		if (held <= f->cap) {
			cut = c;
			break;
		}
		held -= c->len - c->off;
		drop = 1;
	}
	if (cut == NULL || !drop)
		return;
	look = cut->len - cut->off < FEED_CUT_LOOK ? cut->len - cut->off :
	    FEED_CUT_LOOK;
	nl = memchr(cut->data + cut->off, '\n', look);
	feed_cut(f, cut, nl != NULL ? (size_t)(nl + 1 - cut->data) : cut->off);
}

/*
 * A flood: of the output queued, only its newest lines lines (what one
 * frame shows) are parsed; the rest is left out as over the cap, marked
 * bytes kept where they are.  A terminal that skips frames shows a flood
 * the same way, and neither the parse nor the scrollback spends itself on
 * lines nobody could read.
 */
static void
feed_newest(struct feed *f, unsigned int lines)
{
	struct feed_chunk	*c;
	const char		*p, *nl;
	size_t			 len;
	unsigned int		 n = 0;

	TAILQ_FOREACH_REVERSE(c, &f->chunks, feed_chunks, link) {
		if (c->mark)
			continue;
		p = c->data + c->off;
		len = c->len - c->off;
		while (len > 0 && (nl = memrchr(p, '\n', len)) != NULL) {
			if (++n > lines) {
				feed_cut(f, c, (size_t)(nl + 1 - c->data));
				return;
			}
			len = (size_t)(nl - p);
		}
	}
}

/* Queue output; the oldest output goes if more than the cap is queued. */
void
feed_put(struct feed *f, const char *buf, size_t len)
{
	struct feed_chunk	*c;
	size_t			 n;

	while (len > 0) {
		c = TAILQ_LAST(&f->chunks, feed_chunks);
		if (c == NULL || c->mark || c->len == c->size)
			c = feed_chunk_new(f, 0, FEED_CHUNK);
		n = c->size - c->len < len ? c->size - c->len : len;
		memcpy(c->data + c->len, buf, n);
		c->len += n;
		f->held += n;
		buf += n;
		len -= n;
	}
	if (f->held > f->cap)
		feed_drop(f);
}

/*
 * n bytes of output will not come (the host left them out): the note
 * says so where the next output starts, as for bytes dropped here.
 */
void
feed_skip(struct feed *f, size_t n)
{
	struct feed_chunk	*c = TAILQ_LAST(&f->chunks, feed_chunks);

	if (n == 0)
		return;
	if (c == NULL || c->mark || c->len != 0)
		c = feed_chunk_new(f, 0, FEED_CHUNK);
	c->skipped += n;
	f->skipped += n;
}

/* Queue bytes that must reach the vt, after a reset of its modes. */
void
feed_mark(struct feed *f, const char *buf, size_t len)
{
	struct feed_chunk	*c;

	c = feed_chunk_new(f, 1, len > 0 ? len : 1);
	memcpy(c->data, buf, len);
	c->len = len;
}

/*
 * Bytes drained go to sink, with the vt, instead of into the vt as they
 * are (the console's filter); the vt reset before a mark still comes
 * first.
 */
void
feed_set_sink(struct feed *f, feed_sink_cb sink, void *arg)
{
	f->sink = sink;
	f->sink_arg = arg;
}

size_t
feed_pending(const struct feed *f)
{
	return (TAILQ_EMPTY(&f->chunks) ? 0 : f->held + 1);
}

size_t
feed_skipped(const struct feed *f)
{
	return (f->skipped);
}

/* "[rexec: 2.5 MB not shown while ...]": n bytes left out, and when. */
void
feed_not_shown(char *buf, size_t size, size_t n, const char *when)
{
	if (n >= 1000 * 1000)
		snprintf(buf, size, "[rexec: %.1f MB not shown %s]", n / 1e6,
		    when);
	else
		snprintf(buf, size, "[rexec: %zu bytes not shown %s]", n, when);
}

/* Say, in the vt, where output was left out. */
static void
feed_note(struct vt *vt, size_t n)
{
	char	text[128], buf[160];
	int	len;

	feed_not_shown(text, sizeof text, n, "while output flooded");
	len = snprintf(buf, sizeof buf, "\r\n" DRAW_DIM_SGR "%s\033[0m\r\n",
	    text);
	vt_feed(vt, buf, (size_t)len);
}

/*
 * Parse queued bytes into vt for at most budget seconds (0: all of
 * them); in a flood, only those of its newest screenful (feed_newest).
 * Returns 1 if anything was parsed.
 */
int
feed_drain(struct feed *f, struct vt *vt, double budget, int flood)
{
	struct feed_chunk	*c;
	double			 until = budget > 0 ? mono_now() + budget : 0;
	size_t			 n;
	unsigned int		 cols, rows;
	int			 any = 0;

	/* The note and the lines after it fill the screen, the note on top. */
	if (flood) {
		vt_size(vt, &cols, &rows);
		feed_newest(f, rows > 3 ? rows - 2 : 1);
	}
	while ((c = TAILQ_FIRST(&f->chunks)) != NULL) {
		if (c->off == 0 && c->mark)
			vt_reset(vt);
		if (c->skipped != 0) {
			if (f->note)
				feed_note(vt, c->skipped);
			c->skipped = 0;
		}
		n = c->len - c->off < FEED_SLICE ? c->len - c->off :
		    FEED_SLICE;
		if (n == 0 && !c->mark)
			;	/* a note alone (feed_skip) */
		else if (f->sink != NULL)
			f->sink(vt, c->data + c->off, n, c->mark, f->sink_arg);
		else
			vt_feed(vt, c->data + c->off, n);
		c->off += n;
		if (!c->mark)
			f->held -= n;
		any = 1;
		if (c->off == c->len)
			feed_chunk_free(f, c);
		if (until != 0 && mono_now() >= until)
			break;
	}
	return (any);
}
