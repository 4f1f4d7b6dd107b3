/*
 * console.c: the ordered console stream.
 *
 * Runs execute concurrently but the console shows them one after another in
 * arrival order: the entry at the head streams live, every later entry
 * buffers until all before it have ended.  Buffers live in memory up to a
 * bound shared by all entries; beyond it an entry spills to an unlinked
 * file in the runtime directory, so a flood from a run waiting for its
 * turn costs disk, not memory.
 *
 * Draining a backlog is incremental (console_pump), so a run that buffered
 * a gigabyte does not stall the host's loop when its turn comes.  This
 * module only orders bytes: what they look like and where they go is the
 * front end's business.
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

struct console_entry {
	char			*mem;		/* buffered bytes */
	size_t			 mem_len;
	size_t			 mem_off;	/* already written out */
	size_t			 mem_size;
	int			 spill_fd;	/* -1: not spilling */
	off_t			 spill_len;
	off_t			 spill_off;
	int			 ended;
	TAILQ_ENTRY(console_entry) entry;
};
TAILQ_HEAD(console_entries, console_entry);

struct console {
	struct console_entries	 entries;
	char			*spill_dir;
	size_t			 mem_limit;
	size_t			 mem_used;
	size_t			 spilled;	/* bytes ever spilled */
	console_write_cb	 cb;
	void			*arg;
};

struct console *
console_new(const char *spill_dir, size_t mem_limit, console_write_cb cb,
    void *arg)
{
	struct console	*c = xcalloc(1, sizeof *c);

	TAILQ_INIT(&c->entries);
	c->spill_dir = xstrdup(spill_dir);
	c->mem_limit = mem_limit;
	c->cb = cb;
	c->arg = arg;
	return (c);
}

static void
entry_free(struct console *c, struct console_entry *e)
{
	TAILQ_REMOVE(&c->entries, e, entry);
	c->mem_used -= e->mem_size;
	free(e->mem);
	if (e->spill_fd != -1)
		close(e->spill_fd);
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
	free(c);
}

/* A new entry at the end of the line (a run arrived). */
struct console_entry *
console_add(struct console *c)
{
	struct console_entry	*e = xcalloc(1, sizeof *e);

	e->spill_fd = -1;
	TAILQ_INSERT_TAIL(&c->entries, e, entry);
	return (e);
}

static int
entry_backlog(const struct console_entry *e)
{
	return (e->mem_off < e->mem_len || e->spill_off < e->spill_len);
}

/* Open an unlinked spill file; on failure the bytes stay in memory. */
static int
spill_open(struct console *c, struct console_entry *e)
{
	char	*path;
	int	 fd;

	xasprintf(&path, "%s/console-spill.XXXXXX", c->spill_dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd != -1)
		unlink(path);
	free(path);
	e->spill_fd = fd;
	e->spill_len = e->spill_off = 0;
	return (fd);
}

static void
spill_write(struct console_entry *e, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = pwrite(e->spill_fd, buf, len, e->spill_len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "rexec: console spill: %s\n",
			    n == 0 ? "short write" : strerror(errno));
			abort();
		}
		e->spill_len += n;
		buf += n;
		len -= n;
	}
}

static void
mem_append(struct console *c, struct console_entry *e, const char *buf,
    size_t len)
{
	size_t	want, grown;

	if (e->mem_off == e->mem_len)
		e->mem_off = e->mem_len = 0;
	want = e->mem_len + len;
	if (want > e->mem_size) {
		grown = e->mem_size == 0 ? 4096 : e->mem_size;
		while (grown < want)
			grown *= 2;
		e->mem = xrealloc(e->mem, grown);
		c->mem_used += grown - e->mem_size;
		e->mem_size = grown;
	}
	memcpy(e->mem + e->mem_len, buf, len);
	e->mem_len += len;
}

static int
is_head(struct console *c, struct console_entry *e)
{
	return (TAILQ_FIRST(&c->entries) == e);
}

/* Bytes of one run: out now if it is at the head with no backlog. */
void
console_write(struct console *c, struct console_entry *e, const char *buf,
    size_t len)
{
	if (len == 0)
		return;
	if (is_head(c, e) && !entry_backlog(e)) {
		c->cb(buf, len, c->arg);
		return;
	}
	if (e->spill_fd != -1 && e->spill_off < e->spill_len) {
		spill_write(e, buf, len);
		c->spilled += len;
		return;
	}
	if (c->mem_used + len > c->mem_limit &&
	    (e->spill_fd != -1 || spill_open(c, e) != -1)) {
		spill_write(e, buf, len);
		c->spilled += len;
		return;
	}
	mem_append(c, e, buf, len);
}

/* Release an entry's memory once its backlog is out. */
static void
entry_trim(struct console *c, struct console_entry *e)
{
	if (e->mem_off == e->mem_len && e->mem_size > 65536) {
		c->mem_used -= e->mem_size;
		free(e->mem);
		e->mem = NULL;
		e->mem_size = e->mem_len = e->mem_off = 0;
	}
	if (e->spill_fd != -1 && e->spill_off == e->spill_len) {
		close(e->spill_fd);
		e->spill_fd = -1;
		e->spill_len = e->spill_off = 0;
	}
}

/*
 * Write out up to budget bytes of the head's backlog, dropping entries that
 * have ended and are fully out.  Returns 1 while a backlog remains.
 */
int
console_pump(struct console *c, size_t budget)
{
	struct console_entry	*e;
	char			 buf[65536];
	size_t			 n;
	ssize_t			 got;

	while ((e = TAILQ_FIRST(&c->entries)) != NULL) {
		while (budget > 0 && e->mem_off < e->mem_len) {
			n = e->mem_len - e->mem_off;
			if (n > budget)
				n = budget;
			c->cb(e->mem + e->mem_off, n, c->arg);
			e->mem_off += n;
			budget -= n;
		}
		while (budget > 0 && e->mem_off == e->mem_len &&
		    e->spill_off < e->spill_len) {
			n = sizeof buf;
			if (n > budget)
				n = budget;
			if ((off_t)n > e->spill_len - e->spill_off)
				n = e->spill_len - e->spill_off;
			got = pread(e->spill_fd, buf, n, e->spill_off);
			if (got == -1 && errno == EINTR)
				continue;
			if (got <= 0) {
				fprintf(stderr, "rexec: console spill: %s\n",
				    got == 0 ? "short read" : strerror(errno));
				abort();
			}
			c->cb(buf, got, c->arg);
			e->spill_off += got;
			budget -= got;
		}
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

size_t
console_memory(const struct console *c)
{
	return (c->mem_used);
}

size_t
console_spilled(const struct console *c)
{
	return (c->spilled);
}
