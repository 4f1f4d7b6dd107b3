/*
 * console.c: the ordered console stream.
 *
 * Runs execute concurrently but the console shows them one after another in
 * arrival order: the entry at the head streams live, every later entry
 * buffers until all before it have ended.
 *
 * What an entry buffers is bounded, since a run can print gigabytes while
 * it waits for its turn: its banner, which is never cut, and the newest
 * bound bytes of the rest, in a ring.  When its turn comes the banner goes
 * out, then, if bytes were dropped, one line
 *	[rexec: N bytes not shown; rexec replay SEQ]
 * and then the kept part from its first line start: the bytes before the
 * first newline in it are dropped too (and counted), so no half line or
 * half escape sequence leads; a kept part without a newline starts at its
 * first whole character.  Nothing of the dropped part goes out, so the
 * kept part starts from the state the front end's reset at the banner
 * left, as every run's output does.  The journal and the recording keep
 * everything: this is only what the console shows.
 *
 * Rings live in memory up to a limit shared by all entries; beyond it an
 * entry's ring moves to an unlinked file in the runtime directory.  That
 * is a tmpfs, memory too, hence the bound.  A spill file's whole size is
 * reserved when it is made, so a full file system says so then, while the
 * bytes are still in memory.  A spill that cannot be made, written or read
 * never stops the host: the entry keeps what it has in memory, the rest
 * counts as not shown, and console_error() says so once.
 *
 * Every segment goes out typed (console.h): a run's banner, its output,
 * or a note, a line rexec adds (the line above, and the host's lines
 * about a run's end).  Notes come last in an entry: after its output, so
 * an entry keeps the notes it buffers apart from its ring, never cut, and
 * writes them after the ring.
 *
 * Draining a backlog is incremental (console_pump), so a run that buffered
 * a lot does not stall the host's loop when its turn comes.  This module
 * only orders bytes: what they look like and where they go is the front
 * end's business.
 */
#include "rexec.h"

#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"

/* A ring's first size in memory; it doubles up to the bound. */
#define CONSOLE_RING_MIN	4096
/* Bytes copied out of a spill file at a time. */
#define CONSOLE_CHUNK		65536

struct console_entry {
	unsigned int		 seq;
	char			*lead;		/* the banner: never cut */
	size_t			 lead_len;
	size_t			 lead_off;	/* already written out */
	char			*trail;		/* notes after the ring */
	size_t			 trail_len;
	size_t			 trail_off;
	char			*mem;		/* the ring, in memory */
	int			 fd;		/* the ring, spilled; or -1 */
	size_t			 size;		/* the ring's capacity */
	size_t			 first;		/* where its oldest byte is */
	size_t			 len;		/* bytes it holds */
	size_t			 unshown;	/* dropped, all before those */
	int			 nospill;	/* a spill failed: no more */
	int			 ended;
	TAILQ_ENTRY(console_entry) entry;
};
TAILQ_HEAD(console_entries, console_entry);

struct console {
	struct console_entries	 entries;
	char			*spill_dir;
	size_t			 mem_limit;
	size_t			 mem_used;	/* rings in memory */
	size_t			 bound;		/* a ring's size at most */
	size_t			 spilled;	/* spill files' sizes */
	int			 bol;		/* the last byte out was \n */
	char			*error;		/* the first spill failure */
	int			 error_told;
	console_write_cb	 cb;
	void			*arg;
};

static void	entry_put(struct console *, struct console_entry *,
		    const char *, size_t);

struct console *
console_new(const char *spill_dir, size_t mem_limit, size_t bound,
    console_write_cb cb, void *arg)
{
	struct console	*c = xcalloc(1, sizeof *c);

	TAILQ_INIT(&c->entries);
	c->spill_dir = xstrdup(spill_dir);
	c->mem_limit = mem_limit;
	c->bound = bound < CONSOLE_RING_MIN ? CONSOLE_RING_MIN : bound;
	c->bol = 1;
	c->cb = cb;
	c->arg = arg;
	return (c);
}

static void
ring_free(struct console *c, struct console_entry *e)
{
	if (e->fd != -1) {
		close(e->fd);
		c->spilled -= e->size;
		e->fd = -1;
	} else {
		c->mem_used -= e->size;
		free(e->mem);
		e->mem = NULL;
	}
	e->size = e->first = e->len = 0;
}

static void
entry_free(struct console *c, struct console_entry *e)
{
	TAILQ_REMOVE(&c->entries, e, entry);
	ring_free(c, e);
	free(e->lead);
	free(e->trail);
	free(e);
}

void
console_free(struct console *c)
{
	struct console_entry	*e;

	if (c == NULL)
		return;
	while ((e = TAILQ_FIRST(&c->entries)) != NULL)
		entry_free(c, e);
	free(c->spill_dir);
	free(c->error);
	free(c);
}

/* A new entry at the end of the line (run seq arrived). */
struct console_entry *
console_add(struct console *c, unsigned int seq)
{
	struct console_entry	*e = xcalloc(1, sizeof *e);

	e->seq = seq;
	e->fd = -1;
	TAILQ_INSERT_TAIL(&c->entries, e, entry);
	return (e);
}

static int
entry_backlog(const struct console_entry *e)
{
	return (e->lead_off < e->lead_len || e->len > 0 || e->unshown > 0 ||
	    e->trail_off < e->trail_len);
}

static int
is_head(struct console *c, struct console_entry *e)
{
	return (TAILQ_FIRST(&c->entries) == e);
}

/* Hand a segment of one entry to the front end. */
static void
console_out(struct console *c, struct console_entry *e,
    enum console_kind kind, const char *buf, size_t len)
{
	c->cb(kind, e->seq, buf, len, c->arg);
	c->bol = buf[len - 1] == '\n';
}

/* Keep the first spill failure for console_error. */
static void
console_fail(struct console *c, const char *what, int error)
{
	if (c->error != NULL)
		return;
	xasprintf(&c->error, "console spill in %s: %s: %s; runs waiting for "
	    "the console keep what fits in memory", c->spill_dir, what,
	    strerror(error));
}

/*
 * Copy n bytes between buf and the ring, at off bytes from its oldest:
 * out of it, or (put) into its free space.  0, or -1 with errno set when
 * the spill file failed.
 */
static int
ring_copy(struct console_entry *e, size_t off, char *buf, size_t n, int put)
{
	size_t	pos, part;
	ssize_t	done;

	if (n == 0)
		return (0);
	pos = (e->first + off) % e->size;
	while (n > 0) {
		part = e->size - pos < n ? e->size - pos : n;
		if (e->fd == -1) {
			if (put)
				memcpy(e->mem + pos, buf, part);
			else
				memcpy(buf, e->mem + pos, part);
			done = (ssize_t)part;
		} else {
			if (put)
				done = pwrite(e->fd, buf, part, (off_t)pos);
			else
				done = pread(e->fd, buf, part, (off_t)pos);
			if (done == -1 && errno == EINTR)
				continue;
			if (done <= 0) {
				if (done == 0)
					errno = put ? ENOSPC : EIO;
				return (-1);
			}
		}
		buf += done;
		n -= (size_t)done;
		pos = (pos + (size_t)done) % e->size;
	}
	return (0);
}

/* Forget the ring's n oldest bytes. */
static void
ring_drop(struct console_entry *e, size_t n)
{
	if (n == 0)
		return;
	e->first = (e->first + n) % e->size;
	e->len -= n;
	if (e->len == 0)
		e->first = 0;
}

/* A bigger ring in memory, its bytes in order from the start. */
static void
ring_grow(struct console *c, struct console_entry *e, size_t size)
{
	char	*mem = xmalloc(size);

	(void)ring_copy(e, 0, mem, e->len, 0);	/* memory: cannot fail */
	free(e->mem);
	c->mem_used += size - e->size;
	e->mem = mem;
	e->size = size;
	e->first = 0;
}

static int
write_at(int fd, const char *buf, size_t len, off_t off)
{
	ssize_t	n;

	while (len > 0) {
		n = pwrite(fd, buf, len, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return (0);
}

/*
 * Move the entry's ring from memory into an unlinked file of the bound's
 * size.  On failure the ring stays in memory as it is, and the entry
 * never tries again.
 */
static int
spill_open(struct console *c, struct console_entry *e)
{
	char		*path;
	const char	*what;
	size_t		 part;
	int		 fd, error;

	xasprintf(&path, "%s/console-spill.XXXXXX", c->spill_dir);
	fd = mkostemp(path, O_CLOEXEC);
	error = errno;
	if (fd != -1)
		unlink(path);
	free(path);
	if (fd == -1) {
		what = "create";
		goto fail;
	}
	/* Reserve it all now: on a tmpfs, a later write cannot run short. */
	if ((error = posix_fallocate(fd, 0, (off_t)c->bound)) != 0) {
		what = "reserve";
		goto fail;
	}
	part = e->size - e->first < e->len ? e->size - e->first : e->len;
	if (write_at(fd, e->mem + e->first, part, 0) == -1 ||
	    write_at(fd, e->mem, e->len - part, (off_t)part) == -1) {
		error = errno;
		what = "write";
		goto fail;
	}
	free(e->mem);
	e->mem = NULL;
	c->mem_used -= e->size;
	e->fd = fd;
	e->size = c->bound;
	e->first = 0;
	c->spilled += e->size;
	return (0);

fail:
	if (fd != -1)
		close(fd);
	console_fail(c, what, error);
	e->nospill = 1;
	return (-1);
}

/* The spill file failed: what it held is not shown; memory from now on. */
static void
spill_lost(struct console *c, struct console_entry *e, const char *what,
    int error)
{
	console_fail(c, what, error);
	e->unshown += e->len;
	ring_free(c, e);
	e->nospill = 1;
}

/*
 * Room for want bytes, as far as the bound allows: a bigger ring in
 * memory while the shared limit allows, else a spill file.  With less
 * room, the ring keeps its newest bytes in what it has.
 */
static void
entry_room(struct console *c, struct console_entry *e, size_t want)
{
	size_t	size;

	if (e->fd != -1 || e->size >= want || e->size >= c->bound)
		return;
	size = e->size == 0 ? CONSOLE_RING_MIN : e->size;
	while (size < want && size < c->bound)
		size *= 2;
	if (size > c->bound)
		size = c->bound;
	if (c->mem_used + (size - e->size) <= c->mem_limit)
		ring_grow(c, e, size);
	else if (!e->nospill)
		(void)spill_open(c, e);
}

/* Buffer bytes of a waiting entry: the oldest go if the ring is full. */
static void
entry_put(struct console *c, struct console_entry *e, const char *buf,
    size_t len)
{
	size_t	drop;

	entry_room(c, e, e->len + len);
	if (len >= e->size) {
		/* Only the newest part of buf fits. */
		e->unshown += e->len + (len - e->size);
		e->first = e->len = 0;
		buf += len - e->size;
		len = e->size;
	} else if (e->len + len > e->size) {
		drop = e->len + len - e->size;
		ring_drop(e, drop);
		e->unshown += drop;
	}
	if (ring_copy(e, e->len, (char *)buf, len, 1) == -1) {
		/* In memory now, where a copy cannot fail. */
		spill_lost(c, e, "write", errno);
		entry_put(c, e, buf, len);
		return;
	}
	e->len += len;
}

/*
 * The bytes that open an entry (a run's banner), never cut, so the
 * console always says whose output follows.  After other bytes of the
 * entry they are output like those.
 */
void
console_banner(struct console *c, struct console_entry *e, const char *buf,
    size_t len)
{
	if (len == 0)
		return;
	if (is_head(c, e) && !entry_backlog(e)) {
		console_out(c, e, CONSOLE_BANNER, buf, len);
		return;
	}
	if (e->len > 0 || e->unshown > 0) {
		console_write(c, e, buf, len);
		return;
	}
	e->lead = xrealloc(e->lead, e->lead_len + len);
	memcpy(e->lead + e->lead_len, buf, len);
	e->lead_len += len;
}

/* Bytes of one run: out now if it is at the head with no backlog. */
void
console_write(struct console *c, struct console_entry *e, const char *buf,
    size_t len)
{
	if (len == 0)
		return;
	if (is_head(c, e) && !entry_backlog(e)) {
		console_out(c, e, CONSOLE_OUTPUT, buf, len);
		return;
	}
	entry_put(c, e, buf, len);
}

/*
 * A line rexec adds about the entry's run, after its output: out now if
 * it is at the head with no backlog, else kept whole after the ring.
 * Notes are a few short lines per run, so they are not bounded here.
 */
void
console_note(struct console *c, struct console_entry *e, const char *buf,
    size_t len)
{
	if (len == 0)
		return;
	if (is_head(c, e) && !entry_backlog(e)) {
		console_out(c, e, CONSOLE_NOTE, buf, len);
		return;
	}
	e->trail = xrealloc(e->trail, e->trail_len + len);
	memcpy(e->trail + e->trail_len, buf, len);
	e->trail_len += len;
}

/*
 * Bytes were dropped before the kept part: it starts after its first
 * newline, or at its first whole character if it holds none.  What is
 * skipped counts as not shown.
 */
static void
entry_line_start(struct console *c, struct console_entry *e)
{
	char		 buf[CONSOLE_CHUNK];
	const char	*nl;
	size_t		 off, n, skip;

	for (off = 0; off < e->len; off += n) {
		n = e->len - off < sizeof buf ? e->len - off : sizeof buf;
		if (ring_copy(e, off, buf, n, 0) == -1) {
			spill_lost(c, e, "read", errno);
			return;
		}
		if ((nl = memchr(buf, '\n', n)) != NULL) {
			skip = off + (size_t)(nl - buf) + 1;
			ring_drop(e, skip);
			e->unshown += skip;
			return;
		}
	}
	n = e->len < 3 ? e->len : 3;
	if (ring_copy(e, 0, buf, n, 0) == -1) {
		spill_lost(c, e, "read", errno);
		return;
	}
	for (skip = 0; skip < n && ((unsigned char)buf[skip] & 0xc0) == 0x80;
	    skip++)
		;
	ring_drop(e, skip);
	e->unshown += skip;
}

/* One line, on a line of its own, for what the entry dropped. */
static void
entry_notice(struct console *c, struct console_entry *e)
{
	char	line[96];
	int	n;

	entry_line_start(c, e);
	if (!c->bol)
		console_out(c, e, CONSOLE_NOTE, "\n", 1);
	n = snprintf(line, sizeof line,
	    "[rexec: %zu bytes not shown; rexec replay %u]\n", e->unshown,
	    e->seq);
	console_out(c, e, CONSOLE_NOTE, line, (size_t)n);
	e->unshown = 0;
}

/* Write out up to *budget bytes of the head's backlog, in order. */
static void
entry_drain(struct console *c, struct console_entry *e, size_t *budget)
{
	char	buf[CONSOLE_CHUNK];
	size_t	n;

	while (*budget > 0) {
		if (e->lead_off < e->lead_len) {
			n = e->lead_len - e->lead_off;
			if (n > *budget)
				n = *budget;
			console_out(c, e, CONSOLE_BANNER, e->lead + e->lead_off,
			    n);
			e->lead_off += n;
			*budget -= n;
			continue;
		}
		if (e->unshown > 0) {
			entry_notice(c, e);
			continue;
		}
		if (e->len == 0) {
			if (e->trail_off == e->trail_len)
				break;
			n = e->trail_len - e->trail_off;
			if (n > *budget)
				n = *budget;
			console_out(c, e, CONSOLE_NOTE, e->trail + e->trail_off,
			    n);
			e->trail_off += n;
			*budget -= n;
			continue;
		}
		n = e->len < *budget ? e->len : *budget;
		if (e->fd == -1) {
			/* Straight from memory, up to the ring's end. */
			if (n > e->size - e->first)
				n = e->size - e->first;
			console_out(c, e, CONSOLE_OUTPUT, e->mem + e->first, n);
		} else {
			if (n > sizeof buf)
				n = sizeof buf;
			if (ring_copy(e, 0, buf, n, 0) == -1) {
				spill_lost(c, e, "read", errno);
				continue;
			}
			console_out(c, e, CONSOLE_OUTPUT, buf, n);
		}
		ring_drop(e, n);
		*budget -= n;
	}
}

/* An entry whose backlog is out streams live: its buffers can go. */
static void
entry_trim(struct console *c, struct console_entry *e)
{
	ring_free(c, e);
	free(e->lead);
	e->lead = NULL;
	e->lead_len = e->lead_off = 0;
	free(e->trail);
	e->trail = NULL;
	e->trail_len = e->trail_off = 0;
}

/*
 * Write out up to budget bytes of the head's backlog, dropping entries that
 * have ended and are fully out.  Returns 1 while a backlog remains.
 */
int
console_pump(struct console *c, size_t budget)
{
	struct console_entry	*e;

	while ((e = TAILQ_FIRST(&c->entries)) != NULL) {
		entry_drain(c, e, &budget);
		if (entry_backlog(e))
			return (1);
		entry_trim(c, e);
		if (!e->ended)
			return (0);
		entry_free(c, e);
	}
	return (0);
}

/* The run of this entry has written its last byte. */
void
console_end(struct console *c, struct console_entry *e)
{
	e->ended = 1;
	if (is_head(c, e) && !entry_backlog(e))
		console_pump(c, 0);
}

/* Memory held by rings. */
size_t
console_memory(const struct console *c)
{
	return (c->mem_used);
}

/* Bytes of spill files, reserved or written. */
size_t
console_spilled(const struct console *c)
{
	return (c->spilled);
}

/* The first spill failure, once. */
char *
console_error(struct console *c)
{
	if (c->error == NULL || c->error_told)
		return (NULL);
	c->error_told = 1;
	return (xstrdup(c->error));
}

/* The kind's name on the viewer protocol: banner, output or note. */
const char *
console_kind_name(enum console_kind kind)
{
	switch (kind) {
	case CONSOLE_BANNER:
		return ("banner");
	case CONSOLE_NOTE:
		return ("note");
	default:
		return ("output");
	}
}
