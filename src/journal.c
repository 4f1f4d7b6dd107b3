/*
 * journal.c: the session journal, one JSON object per line (DESIGN.md
 * section 8).
 *
 * It owns the journal file of one host session: choosing its name, creating
 * it private, redacting secrets from env values, appending lines and the
 * fsync policy.  It also owns the reader that every later consumer (list,
 * print --follow, log, the UI's history) uses, so that writer and reader
 * agree on what a line is.
 *
 * The writer must never leave a torn or interleaved line in the middle of a
 * file: every line goes out in exactly one write(2) on an O_APPEND
 * descriptor and is never retried in pieces.  It never modifies the objects
 * it is given.  A big line (a run's 16 MiB of text takes jansson a quarter
 * of a second to encode) is encoded and written by a writer thread, so the
 * host's loop never waits for it; lines that come while the thread has
 * work queue behind it, so lines keep their order.  The thread gets an
 * object nobody else touches (a copy when secrets are redacted, else the
 * caller's, which the caller only releases; jansson's reference counts
 * are atomic) and reports failures through journal_error().
 *
 * fdatasync(2) never runs on the caller's thread either: a slow disk would
 * stall every run the host serves.  A sync thread owns it: a written line
 * wakes it, and it syncs at once (always) or at most once a second
 * (interval).  So a line is written when journal_append returns, and on
 * disk a little later; lines written while a sync runs share the next one.
 * Both threads tell the host about failures through journal_fd(), a
 * descriptor its loop polls.
 *
 * The writer thread also writes each run's text file (J/<session>/<seq>.txt,
 * textfile.c) as the run makes its text final: chunks queue with the
 * lines, so a run's line, queued after its last chunk, is written once its
 * file is whole, and the host's loop never waits for a disk.  A line too
 * long for one write (a request's argv of many MiB) is written shrunk:
 * long strings cut, long arrays and objects shortened, each cut marked
 * where it is, so a line never disappears because it is large.
 *
 * The reader must never return an incomplete line: a final line without
 * its newline is held back until the newline arrives, which is what lets a
 * follower read a journal while the host appends to it.
 */
#include "rexec.h"

#include <sys/eventfd.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "journal.h"
#include "jsonfield.h"
#include "mono.h"
#include "paths.h"
#include "textfile.h"
#include "utf8.h"

/* How many "-N" names journal_open tries before it gives up. */
#define JOURNAL_SUFFIX_MAX	1000

/* How much of a journal's end is read first to learn its last seq. */
#define JOURNAL_TAIL		(256 * 1024)

/* Lines with more text than this go to the writer thread. */
#define JOURNAL_ASYNC_MIN	(256 * 1024)

/* With fsync=interval, seconds between the starts of two syncs. */
#define JOURNAL_SYNC_EVERY	1.0

/* The reader's buffer starts at, and grows by at least, this much. */
#define READER_CHUNK		(64 * 1024)

/*
 * A line too long to write is shrunk: strings cut to the first limit,
 * arrays and objects to the second, both divided by SHRINK_STEP until
 * the line fits.
 */
#define SHRINK_STRING		(1024 * 1024)
#define SHRINK_ITEMS		65536
#define SHRINK_STEP		16

/*
 * A line whose own text is longer than this (encoded) names no text file:
 * one that does keeps at most TEXTFILE_INLINE bytes inline.
 */
#define READER_FILE_LINE	(8 * TEXTFILE_INLINE)

struct journal {
	int			 fd;
	char			*path;
	char			*session;

	enum config_fsync	 fsync;
	char			**redact;	/* copied: cfg may go away */
	size_t			 nredact;

	int			 torn;		/* the last write was short */
	int			 error_fd;	/* eventfd: error is set */

	/* The writer thread: everything below is under mu. */
	pthread_t		 writer;
	int			 writer_up;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	TAILQ_HEAD(, journal_pending) pending;
	int			 writing;	/* a line is being written */
	int			 stop;
	char			*error;		/* failures, one per line */

	/* The sync thread (none with fsync=never), also under mu. */
	pthread_t		 syncer;
	int			 syncer_up;
	pthread_cond_t		 sync_cv;	/* on CLOCK_MONOTONIC */
	int			 dirty;		/* written since last sync */
	int			 syncing;	/* fdatasync is running */
	int			 sync_now;	/* journal_drain waits */
	int			 synced;	/* last_sync is valid */
	double			 last_sync;	/* mono_now() at its start */
	int			 sync_stop;
};

/*
 * A file the writer thread appends to in order with the lines: a run's
 * text file.  Made and freed by its owner; the queue holds a reference
 * until its close is written.
 */
struct journal_file {
	struct journal		*j;
	char			*path;
	int			 closing;	/* the owner's: close queued */

	int			 fd;		/* the writer's; -1: not made */
	int			 failed;	/* the writer's: stop writing */

	/* Under j->mu. */
	size_t			 written;	/* bytes on disk */
	size_t			 queued;	/* given, not yet written */
	int			 refs;
};

/* What the writer thread does next: a line, a file's bytes or close. */
struct journal_pending {
	json_t				*line;
	struct journal_file		*file;
	char				*data;		/* NULL: close it */
	size_t				 len;
	TAILQ_ENTRY(journal_pending)	 link;
};

struct journal_reader {
	int			 fd;
	char			*path;
	char			*buf;
	size_t			 size;		/* allocated */
	size_t			 off;		/* first byte not returned */
	size_t			 len;		/* bytes in buf */
	size_t			 scanned;	/* bytes after off with no \n */
	int			 discard;	/* inside an over-long line */
	size_t			 skipped;
	size_t			 brief;		/* longer strings left out; 0 */
	long long		 lineno;	/* lines consumed, of any kind */
	char			*text;		/* a run's text, decoded */
	size_t			 textsize;	/* allocated */
};

/* A line being serialised; json_dump_callback appends to it. */
struct line_buf {
	char			*data;
	size_t			 len;
	size_t			 size;
	int			 too_long;
};

static json_t	*jcheck(json_t *);
static int	 session_claim(const char *, const char *, char **, int *,
		    char **);
static int	 redacted(const struct journal *, const char *);
static json_t	*redact_copy(const struct journal *, json_t *);
static int	 line_append(const char *, size_t, void *);
static int	 journal_write(struct journal *, json_t *, char **);
static int	 journal_encode(struct journal *, json_t *, struct line_buf *);
static json_t	*journal_shrink(json_t *, size_t, size_t);
static size_t	 journal_text_size(json_t *);
static void	 journal_queue(struct journal *, struct journal_pending *);
static int	 journal_do(struct journal *, struct journal_pending *,
		    char **);
static int	 journal_file_put(struct journal_file *, const char *, size_t,
		    char **);
static void	 journal_file_unref(struct journal_file *);
static void	*journal_writer(void *);
static void	 journal_failed(struct journal *, char *);
static void	*journal_syncer(void *);
static int	 journal_thread(pthread_t *, void *(*)(void *), void *);
static int	 reader_fill(struct journal_reader *);
static int	 reader_blank(const char *, size_t);
static size_t	 reader_elide(char *, size_t, size_t);
static int	 journal_reader_next_text(struct journal_reader *, char **,
		    size_t *);
static json_t	*journal_parse_line(const char *, size_t);
static int	 reader_file_text(struct journal_reader *, const char *,
		    size_t, size_t *);

/* jansson returns NULL when out of memory; treat it as xmalloc does. */
static json_t *
jcheck(json_t *v)
{
	if (v == NULL) {
		fprintf(stderr, "rexec: jansson: out of memory\n");
		abort();
	}
	return (v);
}

/*
 * Try to take the session name "name" in dir: it is free when neither
 * <name>.jsonl nor <name> (the recordings directory of an earlier session)
 * exists, and taken by creating <name>.jsonl with O_EXCL.  Returns 1 and
 * the open fd when taken, 0 when the name is in use, -1 on error.
 */
static int
session_claim(const char *dir, const char *name, char **path, int *fd,
    char **cause)
{
	struct stat	 sb;
	char		*sub;

	sub = paths_join(dir, name);
	if (lstat(sub, &sb) == 0) {
		free(sub);
		return (0);
	}
	free(sub);
	xasprintf(path, "%s/%s.jsonl", dir, name);
	*fd = open(*path, O_WRONLY|O_CREAT|O_EXCL|O_APPEND|O_CLOEXEC|O_NOFOLLOW,
	    0600);
	if (*fd != -1)
		return (1);
	if (errno == EEXIST) {
		free(*path);
		return (0);
	}
	xasprintf(cause, "%s: %s", *path, strerror(errno));
	free(*path);
	return (-1);
}

/*
 * Create the journal of a session that started at start (UTC) in dir, which
 * the caller has already checked is private.  On a clash the name gets a
 * "-2", "-3", ... suffix.  The file is 0600 whatever the umask.
 */
struct journal *
journal_open(const char *dir, time_t start, const struct config *cfg,
    char **cause)
{
	struct journal		*j;
	struct tm		 tm;
	pthread_condattr_t	 attr;
	char			 base[64], *name, *path;
	int			 fd, n, r, e;
	size_t			 i;

	if (gmtime_r(&start, &tm) == NULL ||
	    strftime(base, sizeof base, "%Y-%m-%d-%H:%M:%S", &tm) == 0) {
		xasprintf(cause, "%s: start time %lld out of range", dir,
		    (long long)start);
		return (NULL);
	}
	for (n = 1; n <= JOURNAL_SUFFIX_MAX; n++) {
		if (n == 1)
			name = xstrdup(base);
		else
			xasprintf(&name, "%s-%d", base, n);
		r = session_claim(dir, name, &path, &fd, cause);
		if (r == 1)
			break;
		free(name);
		if (r == -1)
			return (NULL);
	}
	if (n > JOURNAL_SUFFIX_MAX) {
		xasprintf(cause, "%s: no free journal name for %s (tried %d)",
		    dir, base, JOURNAL_SUFFIX_MAX);
		return (NULL);
	}
	j = xcalloc(1, sizeof *j);
	j->fd = fd;
	j->error_fd = -1;
	j->path = path;
	j->session = name;
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&j->sync_cv, &attr);
	pthread_condattr_destroy(&attr);
	TAILQ_INIT(&j->pending);
	j->fsync = cfg->fsync;
	j->nredact = cfg->nredact;
	j->redact = xcalloc(cfg->nredact + 1, sizeof *j->redact);
	for (i = 0; i < cfg->nredact; i++)
		j->redact[i] = xstrdup(cfg->redact[i]);

	if (fchmod(fd, 0600) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if ((j->error_fd = eventfd(0, EFD_NONBLOCK|EFD_CLOEXEC)) == -1) {
		xasprintf(cause, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (j->fsync != CONFIG_FSYNC_NEVER) {
		if ((e = journal_thread(&j->syncer, journal_syncer, j)) != 0) {
			xasprintf(cause, "%s: sync thread: %s", path,
			    strerror(e));
			goto fail;
		}
		j->syncer_up = 1;
	}
	return (j);

fail:
	unlink(j->path);
	journal_close(j);
	return (NULL);
}

const char *
journal_path(const struct journal *j)
{
	return (j->path);
}

const char *
journal_session(const struct journal *j)
{
	return (j->session);
}

/* Where a session's run seq has its recording: DIR/SESSION/SEQ.cast. */
char *
journal_recording(const char *dir, const char *session, unsigned int seq)
{
	char	*path;

	xasprintf(&path, "%s/%s/%u.cast", dir, session, seq);
	return (path);
}

/*
 * Whether an env name is a secret.  Matching ignores case: environment
 * names are upper case by custom only, and "api_key" is as secret as
 * "API_KEY".
 */
static int
redacted(const struct journal *j, const char *name)
{
	size_t	i;

	for (i = 0; i < j->nredact; i++) {
		if (fnmatch(j->redact[i], name, FNM_CASEFOLD) == 0)
			return (1);
	}
	return (0);
}

/*
 * A copy of line whose "envs" object has every secret value replaced by
 * "***", or NULL when nothing needs replacing.  The copy is shallow except
 * for "envs", so the caller's object is left as it was.
 */
static json_t *
redact_copy(const struct journal *j, json_t *line)
{
	json_t		*envs, *copy, *value, *safe = NULL;
	const char	*name;

	envs = json_object_get(line, "envs");
	if (!json_is_object(envs))
		return (NULL);
	json_object_foreach(envs, name, value) {
		if (!redacted(j, name))
			continue;
		if (safe == NULL)
			safe = jcheck(json_copy(envs));
		json_object_set_new(safe, name, jcheck(json_string("***")));
	}
	if (safe == NULL)
		return (NULL);
	copy = jcheck(json_copy(line));
	json_object_set_new(copy, "envs", safe);
	return (copy);
}

static int
line_append(const char *data, size_t n, void *arg)
{
	struct line_buf	*b = arg;

	if (n > JOURNAL_LINE_MAX - 1 - b->len) {
		b->too_long = 1;
		return (-1);
	}
	if (b->len + n + 1 > b->size) {		/* + 1 for the newline */
		b->size = b->size * 2 > b->len + n + 1 ? b->size * 2 :
		    b->len + n + 1;
		b->data = xrealloc(b->data, b->size);
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	return (0);
}

/*
 * Serialise line into b, the newline of a torn last write first; 0, or
 * -1 with b->too_long set when it passes JOURNAL_LINE_MAX.
 */
static int
journal_encode(struct journal *j, json_t *line, struct line_buf *b)
{
	memset(b, 0, sizeof *b);
	b->size = 4096;
	b->data = xmalloc(b->size);
	if (j->torn)
		b->data[b->len++] = '\n';
	if (json_dump_callback(line, line_append, b, JSON_COMPACT) != 0) {
		free(b->data);
		b->data = NULL;
		return (-1);
	}
	return (0);
}

/*
 * A copy of v with strings longer than smax bytes cut at a character and
 * marked, and arrays and objects of more than imax members shortened and
 * marked: an array gets a last string, an object a member "=" (no
 * environment name holds '=') saying how many went.
 */
static json_t *
journal_shrink(json_t *v, size_t smax, size_t imax)
{
	json_t		*o, *e;
	const char	*s, *key;
	char		*cut, *k;
	size_t		 len, n, i;

	if (json_is_string(v)) {
		s = json_string_value(v);
		len = json_string_length(v);
		if (len <= smax)
			return (json_incref(v));
		n = utf8_truncate(s, smax);
		xasprintf(&cut, "%.*s[rexec: %zu bytes not journaled]",
		    (int)n, s, len - n);
		o = jcheck(json_string(cut));
		free(cut);
		return (o);
	}
	if (json_is_array(v)) {
		o = jcheck(json_array());
		n = json_array_size(v);
		for (i = 0; i < n && i < imax; i++)
			json_array_append_new(o, journal_shrink(
			    json_array_get(v, i), smax, imax));
		if (n > imax) {
			xasprintf(&cut, "[rexec: %zu more items not journaled]",
			    n - imax);
			json_array_append_new(o, jcheck(json_string(cut)));
			free(cut);
		}
		return (o);
	}
	if (json_is_object(v)) {
		o = jcheck(json_object());
		i = 0;
		json_object_foreach(v, key, e) {
			if (i++ == imax)
				break;
			len = strlen(key);
			k = xstrndup(key, len <= smax ? len :
			    utf8_truncate(key, smax));
			json_object_set_new(o, k, journal_shrink(e, smax,
			    imax));
			free(k);
		}
		if ((n = json_object_size(v)) > imax) {
			xasprintf(&cut, "[rexec: %zu more members not "
			    "journaled]", n - imax);
			json_object_set_new(o, "=", jcheck(json_string(cut)));
			free(cut);
		}
		return (o);
	}
	return (json_incref(v));
}

/*
 * Write one object as one line, with a single write(2).  A short write is
 * an error and is not retried; the next line then starts with a newline so
 * that the torn fragment stays a line of its own, which readers skip.  A
 * line too long is shrunk until it fits.  Called by the host's thread
 * while the writer thread is idle, else by the writer thread alone.
 */
static int
journal_write(struct journal *j, json_t *line, char **cause)
{
	struct line_buf	 b;
	json_t		*small;
	size_t		 smax = SHRINK_STRING, imax = SHRINK_ITEMS;
	ssize_t		 n;
	int		 r;

	r = journal_encode(j, line, &b);
	while (r != 0 && b.too_long && smax > 0) {
		small = journal_shrink(line, smax, imax);
		r = journal_encode(j, small, &b);
		json_decref(small);
		smax /= SHRINK_STEP;
		imax = imax / SHRINK_STEP > 1 ? imax / SHRINK_STEP : 1;
	}
	if (r != 0) {
		if (b.too_long)
			xasprintf(cause, "%s: journal line longer than %d "
			    "bytes", j->path, JOURNAL_LINE_MAX);
		else
			xasprintf(cause, "%s: cannot encode journal line",
			    j->path);
		return (-1);
	}
	if (memchr(b.data + j->torn, '\n', b.len - j->torn) != NULL) {
		xasprintf(cause, "%s: encoded line contains a newline",
		    j->path);
		free(b.data);
		return (-1);
	}
	b.data[b.len++] = '\n';	/* line_append kept a byte free */

	do
		n = write(j->fd, b.data, b.len);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		xasprintf(cause, "%s: %s", j->path, strerror(errno));
		free(b.data);
		return (-1);
	}
	pthread_mutex_lock(&j->mu);
	j->dirty = 1;
	pthread_cond_signal(&j->sync_cv);
	pthread_mutex_unlock(&j->mu);
	if ((size_t)n != b.len) {
		xasprintf(cause, "%s: short write (%zd of %zu bytes)", j->path,
		    n, b.len);
		j->torn = 1;
		free(b.data);
		return (-1);
	}
	j->torn = 0;
	free(b.data);
	return (0);
}

/* How much string text a line holds at its top level (a run's text is). */
static size_t
journal_text_size(json_t *line)
{
	const char	*key;
	json_t		*v;
	size_t		 n = 0;

	json_object_foreach(line, key, v) {
		if (json_is_string(v))
			n += json_string_length(v);
	}
	return (n);
}

/*
 * Append one object as one line.  A small line is written at once while
 * the writer thread is idle; a big one, or any line while the thread has
 * work, is queued for it.  Errors of queued lines come from
 * journal_error().
 */
int
journal_append(struct journal *j, json_t *line, char **cause)
{
	struct journal_pending	*p;
	json_t			*safe;
	int			 busy, r;

	if (!json_is_object(line)) {
		xasprintf(cause, "%s: journal line is not a JSON object",
		    j->path);
		return (-1);
	}
	if ((safe = redact_copy(j, line)) == NULL)
		safe = json_incref(line);
	pthread_mutex_lock(&j->mu);
	busy = j->writing || !TAILQ_EMPTY(&j->pending);
	pthread_mutex_unlock(&j->mu);
	if (!busy && journal_text_size(safe) < JOURNAL_ASYNC_MIN) {
		r = journal_write(j, safe, cause);
		json_decref(safe);
		return (r);
	}
	p = xcalloc(1, sizeof *p);
	p->line = safe;
	journal_queue(j, p);
	return (0);
}

/*
 * Hand p to the writer thread, starting it the first time.  Without a
 * thread (it could not start) p is done here and now.
 */
static void
journal_queue(struct journal *j, struct journal_pending *p)
{
	char	*cause;

	if (!j->writer_up) {
		if (journal_thread(&j->writer, journal_writer, j) != 0) {
			if (journal_do(j, p, &cause) != 0)
				journal_failed(j, cause);
			free(p);
			return;
		}
		j->writer_up = 1;
	}
	pthread_mutex_lock(&j->mu);
	TAILQ_INSERT_TAIL(&j->pending, p, link);
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

/* Do one queued thing and release what it held. */
static int
journal_do(struct journal *j, struct journal_pending *p, char **cause)
{
	int	r = 0;

	if (p->line != NULL) {
		r = journal_write(j, p->line, cause);
		json_decref(p->line);
	} else if (p->data != NULL) {
		r = journal_file_put(p->file, p->data, p->len, cause);
		free(p->data);
	} else {
		if (p->file->fd != -1)
			close(p->file->fd);
		p->file->fd = -1;
		journal_file_unref(p->file);
	}
	return (r);
}

/*
 * A file the writer thread makes (mode 0600, never over an existing one)
 * on its first bytes and appends to after that, in order with the lines.
 */
struct journal_file *
journal_file_open(struct journal *j, const char *path)
{
	struct journal_file	*f = xcalloc(1, sizeof *f);

	f->j = j;
	f->path = xstrdup(path);
	f->fd = -1;
	f->refs = 2;		/* the owner's, the queue's */
	return (f);
}

const char *
journal_file_path(const struct journal_file *f)
{
	return (f->path);
}

/* Queue len bytes of data (copied) for the file. */
void
journal_file_write(struct journal_file *f, const char *data, size_t len)
{
	struct journal_pending	*p;

	if (len == 0 || f->closing)
		return;
	p = xcalloc(1, sizeof *p);
	p->file = f;
	p->data = xmalloc(len);
	memcpy(p->data, data, len);
	p->len = len;
	pthread_mutex_lock(&f->j->mu);
	f->queued += len;
	pthread_mutex_unlock(&f->j->mu);
	journal_queue(f->j, p);
}

/* No more bytes: the file is closed once what is queued is written. */
void
journal_file_close(struct journal_file *f)
{
	struct journal_pending	*p;

	if (f->closing)
		return;
	f->closing = 1;
	p = xcalloc(1, sizeof *p);
	p->file = f;
	journal_queue(f->j, p);
}

/* Bytes of the file on disk so far. */
size_t
journal_file_written(struct journal_file *f)
{
	size_t	n;

	pthread_mutex_lock(&f->j->mu);
	n = f->written;
	pthread_mutex_unlock(&f->j->mu);
	return (n);
}

/* Bytes queued for the file and not written yet: how far it lags. */
size_t
journal_file_queued(struct journal_file *f)
{
	size_t	n;

	pthread_mutex_lock(&f->j->mu);
	n = f->queued;
	pthread_mutex_unlock(&f->j->mu);
	return (n);
}

/* The owner is done with f (closing it if it did not). */
void
journal_file_free(struct journal_file *f)
{
	if (f == NULL)
		return;
	journal_file_close(f);
	journal_file_unref(f);
}

static void
journal_file_unref(struct journal_file *f)
{
	int	refs;

	pthread_mutex_lock(&f->j->mu);
	refs = --f->refs;
	pthread_mutex_unlock(&f->j->mu);
	if (refs > 0)
		return;
	free(f->path);
	free(f);
}

/*
 * The writer's part: make the file on the first bytes, append them.  The
 * first failure is reported and drops the rest of the file's bytes.
 */
static int
journal_file_put(struct journal_file *f, const char *data, size_t len,
    char **cause)
{
	size_t	done = 0;
	ssize_t	n;
	int	r = 0;

	if (!f->failed && f->fd == -1) {
		f->fd = open(f->path, O_WRONLY|O_CREAT|O_EXCL|O_APPEND|
		    O_CLOEXEC|O_NOFOLLOW, 0600);
		if (f->fd == -1 || fchmod(f->fd, 0600) == -1) {
			xasprintf(cause, "%s: %s", f->path, strerror(errno));
			f->failed = 1;
			r = -1;
		}
	}
	while (!f->failed && done < len) {
		n = write(f->fd, data + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			xasprintf(cause, "%s: %s", f->path,
			    strerror(n == 0 ? ENOSPC : errno));
			f->failed = 1;
			r = -1;
			break;
		}
		done += n;
		pthread_mutex_lock(&f->j->mu);
		f->written += n;
		pthread_mutex_unlock(&f->j->mu);
	}
	pthread_mutex_lock(&f->j->mu);
	f->queued -= len;
	pthread_mutex_unlock(&f->j->mu);
	return (r);
}

/*
 * Start one of the journal's threads with every signal blocked: signals
 * are for the host's loop, which takes them through its signalfd, and a
 * thread that let SIGCHLD in would take it from the loop.
 */
static int
journal_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t	all, old;
	int		e;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return (e);
}

/*
 * Keep a thread's failure for journal_error(), and make journal_fd()
 * readable: under mu, so that the descriptor is readable exactly while
 * there is something to read.
 */
static void
journal_failed(struct journal *j, char *cause)
{
	char		*all;
	uint64_t	 one = 1;

	pthread_mutex_lock(&j->mu);
	if (j->error == NULL)
		j->error = cause;
	else {
		xasprintf(&all, "%s\n%s", j->error, cause);
		free(j->error);
		free(cause);
		j->error = all;
	}
	/* Only a full counter fails, and it is readable then. */
	(void)!write(j->error_fd, &one, sizeof one);
	pthread_mutex_unlock(&j->mu);
}

/* The writer thread: queued lines, in order, until journal_close(). */
static void *
journal_writer(void *arg)
{
	struct journal		*j = arg;
	struct journal_pending	*p;
	char			*cause;

	pthread_mutex_lock(&j->mu);
	for (;;) {
		while (TAILQ_EMPTY(&j->pending) && !j->stop)
			pthread_cond_wait(&j->cv, &j->mu);
		if ((p = TAILQ_FIRST(&j->pending)) == NULL)
			break;		/* stopping, and nothing left */
		TAILQ_REMOVE(&j->pending, p, link);
		j->writing = 1;
		pthread_mutex_unlock(&j->mu);
		if (journal_do(j, p, &cause) != 0)
			journal_failed(j, cause);
		free(p);
		pthread_mutex_lock(&j->mu);
		j->writing = 0;
		pthread_cond_broadcast(&j->cv);	/* journal_drain() */
	}
	pthread_mutex_unlock(&j->mu);
	return (NULL);
}

/*
 * The sync thread.  It syncs when a line was written: at once with
 * always, with interval when a second has passed since the last sync
 * began, and at once whatever the policy when journal_drain() waits or
 * the journal closes.  A failed sync is reported and not retried: Linux
 * reports a writeback error once.
 */
static void *
journal_syncer(void *arg)
{
	struct journal	*j = arg;
	struct timespec	 at;
	double		 now, due;
	char		*cause;
	int		 r, e;

	pthread_mutex_lock(&j->mu);
	for (;;) {
		while (!j->dirty && !j->sync_stop)
			pthread_cond_wait(&j->sync_cv, &j->mu);
		if (!j->dirty)
			break;		/* stopping, and all synced */
		now = mono_now();
		due = j->last_sync + JOURNAL_SYNC_EVERY;
		if (j->fsync == CONFIG_FSYNC_INTERVAL && j->synced &&
		    now < due && !j->sync_now && !j->sync_stop) {
			at.tv_sec = (time_t)due;
			at.tv_nsec = (long)((due - at.tv_sec) * 1e9);
			if (at.tv_nsec > 999999999)
				at.tv_nsec = 999999999;
			pthread_cond_timedwait(&j->sync_cv, &j->mu, &at);
			continue;
		}
		j->dirty = 0;
		j->syncing = 1;
		j->synced = 1;
		j->last_sync = now;
		pthread_mutex_unlock(&j->mu);
		r = fdatasync(j->fd);
		e = errno;
		if (r == -1) {
			xasprintf(&cause, "%s: fdatasync: %s", j->path,
			    strerror(e));
			journal_failed(j, cause);
		}
		pthread_mutex_lock(&j->mu);
		j->syncing = 0;
		pthread_cond_broadcast(&j->cv);	/* journal_drain() */
	}
	pthread_mutex_unlock(&j->mu);
	return (NULL);
}

/*
 * Wait until every queued line is written (or failed) and, unless fsync
 * is never, synced: for the host's exit, and for tests.
 */
void
journal_drain(struct journal *j)
{
	pthread_mutex_lock(&j->mu);
	while (j->writing || !TAILQ_EMPTY(&j->pending))
		pthread_cond_wait(&j->cv, &j->mu);
	if (j->syncer_up) {
		j->sync_now = 1;
		pthread_cond_signal(&j->sync_cv);
		while (j->dirty || j->syncing)
			pthread_cond_wait(&j->cv, &j->mu);
		j->sync_now = 0;
	}
	pthread_mutex_unlock(&j->mu);
}

/*
 * What went wrong on the journal's threads since the last call, one
 * failure per line, or NULL; free() it.
 */
char *
journal_error(struct journal *j)
{
	char		*e;
	uint64_t	 n;

	pthread_mutex_lock(&j->mu);
	e = j->error;
	j->error = NULL;
	(void)!read(j->error_fd, &n, sizeof n);	/* EAGAIN: none */
	pthread_mutex_unlock(&j->mu);
	return (e);
}

/*
 * A descriptor that is readable while journal_error() has something to
 * say, for the host's loop to poll.
 */
int
journal_fd(const struct journal *j)
{
	return (j->error_fd);
}

void
journal_close(struct journal *j)
{
	size_t	i;

	if (j == NULL)
		return;
	if (j->writer_up) {
		pthread_mutex_lock(&j->mu);
		j->stop = 1;
		pthread_cond_broadcast(&j->cv);
		pthread_mutex_unlock(&j->mu);
		pthread_join(j->writer, NULL);
	}
	/* After the writer: every line is written, the last sync follows. */
	if (j->syncer_up) {
		pthread_mutex_lock(&j->mu);
		j->sync_stop = 1;
		pthread_cond_signal(&j->sync_cv);
		pthread_mutex_unlock(&j->mu);
		pthread_join(j->syncer, NULL);
	}
	close(j->fd);
	if (j->error_fd != -1)
		close(j->error_fd);
	pthread_cond_destroy(&j->sync_cv);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	free(j->error);
	for (i = 0; i < j->nredact; i++)
		free(j->redact[i]);
	free(j->redact);
	free(j->path);
	free(j->session);
	free(j);
}

/*
 * Open a journal for reading from its start.  Any file will do (the journal
 * of this host, one still being written, or one from the original crate);
 * only a directory is refused here.
 */
struct journal_reader *
journal_reader_open(const char *path, char **cause)
{
	struct journal_reader	*r;
	struct stat		 sb;
	int			 fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return (NULL);
	}
	if (S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s: is a directory", path);
		close(fd);
		return (NULL);
	}
	r = xcalloc(1, sizeof *r);
	r->fd = fd;
	r->path = xstrdup(path);
	r->size = READER_CHUNK;
	r->buf = xmalloc(r->size);
	return (r);
}

/*
 * Read more of the file into the buffer, first moving what is left to its
 * start.  The buffer never grows past one longest line and a chunk, and
 * goes back to a chunk once a big line is behind it.  Returns 1 when bytes
 * arrived, 0 at the current end of the file, -1 on error.
 */
static int
reader_fill(struct journal_reader *r)
{
	ssize_t	n;
	size_t	size;

	if (r->off > 0) {
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
	}
	if (r->len == 0 && r->size > 16 * READER_CHUNK) {
		free(r->buf);
		r->size = READER_CHUNK;
		r->buf = xmalloc(r->size);
	}
	if (r->size - r->len < READER_CHUNK) {
		size = r->size * 2;
		if (size > JOURNAL_LINE_MAX + READER_CHUNK)
			size = JOURNAL_LINE_MAX + READER_CHUNK;
		if (size < r->len + READER_CHUNK)
			size = r->len + READER_CHUNK;
		r->buf = xrealloc(r->buf, size);
		r->size = size;
	}
	do
		n = read(r->fd, r->buf + r->len, r->size - r->len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return (errno == EAGAIN ? 0 : -1);
	r->len += n;
	return (n > 0);
}

static int
reader_blank(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return (0);
	}
	return (1);
}

/*
 * The next complete line's text, in the reader's buffer: *s stays valid
 * (and may be changed in place) until the next call.  Returns 1, 0 when
 * there is no complete line yet, -1 with errno set when read(2) fails.
 * Lines longer than JOURNAL_LINE_MAX are skipped and counted; blank lines
 * are skipped without being counted.
 */
static int
journal_reader_next_text(struct journal_reader *r, char **s, size_t *len)
{
	char		*start, *nl;
	size_t		 n;
	int		 got;

	for (;;) {
		start = r->buf + r->off;
		nl = memchr(start + r->scanned, '\n',
		    r->len - r->off - r->scanned);
		if (nl == NULL) {
			if (r->discard || r->len - r->off >= JOURNAL_LINE_MAX) {
				r->discard = 1;
				r->off = r->len = 0;
				r->scanned = 0;
			} else
				r->scanned = r->len - r->off;
			if ((got = reader_fill(r)) != 1)
				return (got);
			continue;
		}
		n = nl - start;
		r->off += n + 1;
		r->scanned = 0;
		r->lineno++;
		if (r->discard || n + 1 > JOURNAL_LINE_MAX) {
			r->discard = 0;
			r->skipped++;
			continue;
		}
		if (reader_blank(start, n))
			continue;
		*s = start;
		*len = n;
		return (1);
	}
}

/*
 * The next complete line as a JSON object (the caller owns it).  Returns 1
 * with a line, 0 when there is no complete line yet (the end of the file, or
 * a last line still without its newline; call again after the file grows),
 * -1 with errno set when read(2) fails.  Lines that are not a JSON object,
 * or longer than JOURNAL_LINE_MAX, are skipped and counted; blank lines are
 * skipped without being counted.
 */
int
journal_reader_next(struct journal_reader *r, json_t **line)
{
	char		*start;
	size_t		 n;
	json_t		*v;
	int		 got;

	*line = NULL;
	while ((got = journal_reader_next_text(r, &start, &n)) == 1) {
		if (r->brief != 0 && n > r->brief)
			n = reader_elide(start, n, r->brief);
		if ((v = journal_parse_line(start, n)) == NULL) {
			r->skipped++;
			continue;
		}
		*line = v;
		return (1);
	}
	return (got);
}

/*
 * The next line whose run text the caller wants, for readers that look
 * for something in what runs printed (rexec grep, the history's search).
 * A run's text is its text file when the line names one (read whole into
 * the reader's buffer), else its "output".  want(text, len, arg) is asked
 * of each line's text, decoded straight from the line by jsonfield.c;
 * only a line it wants goes to jansson, with its text cut out (jansson
 * builds a string a byte at a time, most of the time a whole parse would
 * take), so jansson still judges every line returned.  A line jsonfield
 * cannot read that way, or one with a file (it is small), goes to jansson
 * whole.  Returns 1 with *line (its "output" may be empty: the text is
 * *text, *len, valid until the next call), else as journal_reader_next.
 * Lines without a string "output" are passed over.
 */
int
journal_reader_next_run(struct journal_reader *r,
    int (*want)(const char *, size_t, void *), void *arg, json_t **line,
    const char **text, size_t *len)
{
	json_t	*v, *output;
	char	*s, *path, *cause;
	size_t	 n, a, b;
	int	 got;

	*line = NULL;
	while ((got = journal_reader_next_text(r, &s, &n)) == 1) {
		switch (jsonfield_find(s, n, "output", &a, &b)) {
		case 0:			/* no text: a rejected request */
			continue;
		case 1:
			if (b - a <= READER_FILE_LINE &&
			    reader_file_text(r, s, n, len)) {
				if (!want(r->text, *len, arg) ||
				    (v = journal_parse_line(s, n)) == NULL)
					continue;
				*text = r->text;
				break;
			}
			if (jsonfield_decode(s + a, b - a, &r->text,
			    &r->textsize, len) != 0 ||
			    !want(r->text, *len, arg) ||
			    !jsonfield_valid(s + a, b - a, r->text, *len))
				continue;
			memmove(s + a, s + b, n - b);
			if ((v = journal_parse_line(s, n - (b - a))) == NULL)
				continue;
			*text = r->text;
			break;
		default:
			if ((v = journal_parse_line(s, n)) == NULL)
				continue;
			output = json_object_get(v, "output");
			*text = json_string_value(output);
			*len = json_string_length(output);
			path = textfile_of_line(r->path, v);
			if (path != NULL && textfile_load(path, &r->text,
			    &r->textsize, len, &cause) == 0)
				*text = r->text;
			else if (path != NULL) {
				free(cause);
				*len = json_string_length(output);
			}
			free(path);
			if (*text == NULL || !want(*text, *len, arg)) {
				json_decref(v);
				continue;
			}
			break;
		}
		*line = v;
		return (1);
	}
	return (got);
}

/*
 * The text file the line s[0, n) names, read whole into r->text: 1, or 0
 * when it names none or the file cannot be read (the line's own head and
 * tail stand in for it then).
 */
static int
reader_file_text(struct journal_reader *r, const char *s, size_t n,
    size_t *len)
{
	char	*name = NULL, *path, *cause;
	size_t	 a, b, size = 0, namelen;
	int	 ok = 0;

	if (jsonfield_find(s, n, "output_file", &a, &b) != 1 ||
	    jsonfield_decode(s + a, b - a, &name, &size, &namelen) != 0 ||
	    strlen(name) != namelen) {
		free(name);
		return (0);
	}
	if ((path = textfile_named(r->path, name)) != NULL) {
		if (textfile_load(path, &r->text, &r->textsize, len,
		    &cause) == 0)
			ok = 1;
		else
			free(cause);
	}
	free(path);
	free(name);
	return (ok);
}

/* A journal line's text as a JSON object, or NULL when it is not one. */
static json_t *
journal_parse_line(const char *s, size_t n)
{
	json_t		*v;
	json_error_t	 err;

	v = json_loadb(s, n, JSON_ALLOW_NUL, &err);
	if (!json_is_object(v)) {
		json_decref(v);
		return (NULL);
	}
	return (v);
}

/*
 * From now on, leave out of every line the strings longer than max bytes
 * (as written, escapes included): they come back empty.  For readers that
 * show what a run was, not what it printed: a run's 16 MiB of text then
 * costs a memchr() instead of a parse.
 */
void
journal_reader_brief(struct journal_reader *r, size_t max)
{
	r->brief = max;
}

/*
 * Empty, in place, the strings of a line longer than max bytes; returns
 * the line's new length.  Only string bodies are looked at, each from its
 * opening quote to the first quote not escaped by an odd run of
 * backslashes; everything else is copied as it is, so jansson still
 * judges the line.
 */
static size_t
reader_elide(char *s, size_t n, size_t max)
{
	size_t		 rd = 0, wr = 0, end, bs;
	const char	*q;

	while (rd < n) {
		if (s[rd] != '"') {
			s[wr++] = s[rd++];
			continue;
		}
		for (end = rd + 1;; end++) {
			if ((q = memchr(s + end, '"', n - end)) == NULL) {
				end = n;
				break;
			}
			end = (size_t)(q - s);
			for (bs = 0; s[end - bs - 1] == '\\'; bs++)
				;
			if (bs % 2 == 0)
				break;
		}
		if (end == n) {		/* unterminated: jansson says so */
			memmove(s + wr, s + rd, n - rd);
			wr += n - rd;
			break;
		}
		if (end - rd - 1 > max) {
			s[wr++] = '"';
			s[wr++] = '"';
		} else {
			memmove(s + wr, s + rd, end - rd + 1);
			wr += end - rd + 1;
		}
		rd = end + 1;
	}
	return (wr);
}

/*
 * The line number (from 1) in the file of the line journal_reader_next
 * returned last.
 */
long long
journal_reader_line(const struct journal_reader *r)
{
	return (r->lineno);
}

/*
 * The number that names a run of a journal line: its "seq", or for a line
 * without one (the original crate wrote none) its line number in the
 * file, so that every reader numbers such journals alike.
 */
long long
journal_line_seq(json_t *line, long long lineno)
{
	json_t	*seq = json_object_get(line, "seq");

	return (json_is_integer(seq) ? json_integer_value(seq) : lineno);
}

/* How many lines were skipped as not a JSON object or too long. */
size_t
journal_reader_skipped(const struct journal_reader *r)
{
	return (r->skipped);
}

void
journal_reader_close(struct journal_reader *r)
{
	if (r == NULL)
		return;
	close(r->fd);
	free(r->path);
	free(r->buf);
	free(r->text);
	free(r);
}

static int
session_cmp(const void *a, const void *b)
{
	/* Newest first; strverscmp orders "-10" after "-9". */
	return (-strverscmp(*(char *const *)a, *(char *const *)b));
}

/*
 * The session names in dir (files NAME.jsonl, without the suffix), newest
 * first.  A missing directory has no sessions.
 */
char **
journal_sessions(const char *dir, size_t *n, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL;
	size_t		 len;

	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return (xcalloc(1, sizeof *names));
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (NULL);
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 6 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 6, ".jsonl") != 0)
			continue;
		names = xreallocarray(names, *n + 2, sizeof *names);
		names[(*n)++] = xstrndup(de->d_name, len - 6);
	}
	closedir(d);
	if (names == NULL)
		return (xcalloc(1, sizeof *names));
	names[*n] = NULL;
	qsort(names, *n, sizeof *names, session_cmp);
	return (names);
}

void
journal_sessions_free(char **names, size_t n)
{
	size_t	i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * A journal named on the command line: a path (anything with a '/'), or a
 * session name in dir with or without ".jsonl"; NULL means the newest.
 */
char *
journal_resolve(const char *dir, const char *name, char **cause)
{
	char		**names, *path, *file;
	size_t		 n, len;
	struct stat	 sb;

	if (name != NULL && strchr(name, '/') != NULL)
		return (xstrdup(name));
	if (name == NULL) {
		if ((names = journal_sessions(dir, &n, cause)) == NULL)
			return (NULL);
		if (n == 0) {
			xasprintf(cause, "no journals in %s", dir);
			journal_sessions_free(names, n);
			return (NULL);
		}
		xasprintf(&file, "%s.jsonl", names[0]);
		journal_sessions_free(names, n);
	} else {
		len = strlen(name);
		if (len > 6 && strcmp(name + len - 6, ".jsonl") == 0)
			file = xstrdup(name);
		else
			xasprintf(&file, "%s.jsonl", name);
	}
	path = paths_join(dir, file);
	free(file);
	if (stat(path, &sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		free(path);
		return (NULL);
	}
	return (path);
}

/*
 * Find run seq in the journal at path, numbered as journal_line_seq does;
 * returns its line (a reference the caller drops) or NULL.
 */
json_t *
journal_find_run(const char *path, long long seq, char **cause)
{
	struct journal_reader	*r;
	json_t			*line, *found = NULL;

	if ((r = journal_reader_open(path, cause)) == NULL)
		return (NULL);
	while (found == NULL && journal_reader_next(r, &line) == 1) {
		if (journal_line_seq(line, journal_reader_line(r)) == seq &&
		    json_is_array(json_object_get(line, "exec")))
			found = line;
		else
			json_decref(line);
	}
	journal_reader_close(r);
	if (found == NULL)
		xasprintf(cause, "%s: no run %lld", path, seq);
	return (found);
}

/* Split "[SESSION:]SEQ"; *session is NULL or allocated. */
static int
journal_parse_ref(const char *ref, char **session, long long *seq)
{
	const char	*colon = strrchr(ref, ':'), *num;
	char		*end;

	*session = NULL;
	num = colon != NULL ? colon + 1 : ref;
	if (*num == '\0' || *num == '-')
		return (-1);
	*seq = strtoll(num, &end, 10);
	if (*end != '\0' || *seq < 1)
		return (-1);
	if (colon != NULL)
		*session = xstrndup(ref, colon - ref);
	return (0);
}

/*
 * A run named as "[SESSION:]SEQ" (without a session, whichever session
 * holds it): its journal line.  Returns 0, -2 when ref is not of that form, or -1.
 */
int
journal_lookup(const char *dir, const char *ref, json_t **line, char **cause)
{
	return (journal_lookup_path(dir, ref, line, NULL, cause));
}

/*
 * As journal_lookup, and *journal (when not NULL) gets the path of the
 * journal the line is in, which the line's text file is named beside.
 */
int
journal_lookup_path(const char *dir, const char *ref, json_t **line,
    char **journal, char **cause)
{
	char		*session, *path;
	long long	 seq;

	*line = NULL;
	if (journal != NULL)
		*journal = NULL;
	if (journal_parse_ref(ref, &session, &seq) != 0) {
		xasprintf(cause, "not [SESSION:]SEQ: \"%s\"", ref);
		return (-2);
	}
	if (session == NULL) {
		/* A bare seq names one run in the whole directory. */
		if ((*line = journal_find_seq(dir, NULL, seq, &session,
		    cause)) == NULL)
			return (-1);
		if (journal != NULL)
			xasprintf(journal, "%s/%s.jsonl", dir, session);
		free(session);
		return (0);
	}
	path = journal_resolve(dir, session, cause);
	free(session);
	if (path == NULL)
		return (-1);
	*line = journal_find_run(path, seq, cause);
	if (*line != NULL && journal != NULL)
		*journal = path;
	else
		free(path);
	return (*line == NULL ? -1 : 0);
}

/*
 * The highest seq named in the last bytes of the journal at path: lines
 * are appended as runs end, so the run numbered last is among the last
 * lines but for runs that were still going when it ended.  Reads the last
 * JOURNAL_TAIL bytes, more only when they hold no whole line with a seq
 * (a huge last line), never the whole of a long journal.  0 for none.
 * With found not NULL, *found gets run want's line when those bytes hold
 * it (runs the session's end stopped are its last lines), and *whole says
 * whether they were the whole journal.
 */
static long long
session_tail_seq(const char *path, long long want_seq, json_t **found,
    int *whole)
{
	struct stat	 sb;
	json_t		*line, *v;
	char		*buf, *p, *nl, *end;
	off_t		 want, from;
	ssize_t		 n;
	size_t		 got;
	long long	 max = 0, seq;
	int		 fd;

	if (whole != NULL)
		*whole = 1;
	if ((fd = open(path, O_RDONLY|O_CLOEXEC|O_NOFOLLOW)) == -1)
		return (0);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || sb.st_size == 0) {
		close(fd);
		return (0);
	}
	for (want = JOURNAL_TAIL; max == 0; want *= 4) {
		if (want > sb.st_size)
			want = sb.st_size;
		from = sb.st_size - want;
		buf = xmalloc((size_t)want + 1);
		for (got = 0; got < (size_t)want; got += n) {
			n = pread(fd, buf + got, (size_t)want - got,
			    from + (off_t)got);
			if (n <= 0)
				break;
		}
		buf[got] = '\0';
		end = buf + got;
		/* A line cut by the start of the window is not whole. */
		p = buf;
		if (from != 0 && (p = memchr(buf, '\n', got)) != NULL)
			p++;
		while (p != NULL && p < end &&
		    (nl = memchr(p, '\n', end - p)) != NULL) {
			line = json_loadb(p, nl - p, 0, NULL);
			p = nl + 1;
			if (!json_is_integer(v = json_object_get(line, "seq"))) {
				json_decref(line);
				continue;
			}
			if ((seq = json_integer_value(v)) > max)
				max = seq;
			if (found != NULL && *found == NULL &&
			    seq == want_seq &&
			    json_is_array(json_object_get(line, "exec")))
				*found = line;
			else
				json_decref(line);
		}
		free(buf);
		if (whole != NULL)
			*whole = from == 0;
		if (from == 0 || want >= JOURNAL_LINE_MAX)
			break;
	}
	close(fd);
	return (max);
}

/*
 * The highest seq among the recordings and text files of a session,
 * J/<session>/<seq>.cast and <seq>.txt: a cheap second witness beside the
 * journal's last lines.  0 for none.
 */
static long long
session_files_seq(const char *dir, const char *name)
{
	DIR		*d;
	struct dirent	*de;
	char		*sub, *end;
	long long	 max = 0, v;

	sub = paths_join(dir, name);
	d = opendir(sub);
	free(sub);
	if (d == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		v = strtoll(de->d_name, &end, 10);
		if ((strcmp(end, ".cast") == 0 || strcmp(end, ".txt") == 0) &&
		    v > max)
			max = v;
	}
	closedir(d);
	return (max);
}

/* The highest seq the session name in dir numbered, as far as known. */
static long long
session_last_seq(const char *dir, const char *name)
{
	char		*path;
	long long	 a, b;

	xasprintf(&path, "%s/%s.jsonl", dir, name);
	a = session_tail_seq(path, 0, NULL, NULL);
	free(path);
	b = session_files_seq(dir, name);
	return (a > b ? a : b);
}

/*
 * The highest run number journaled in dir by any session but skip (NULL
 * for none): the newest session that numbered a run says it, since each
 * session continues from the one before.  0 when there is none.
 */
long long
journal_last_seq(const char *dir, const char *skip, char **cause)
{
	char		**names;
	size_t		 n, i;
	long long	 seq = 0;

	if ((names = journal_sessions(dir, &n, cause)) == NULL)
		return (-1);
	for (i = 0; i < n && seq == 0; i++) {
		if (skip == NULL || strcmp(names[i], skip) != 0)
			seq = session_last_seq(dir, names[i]);
	}
	journal_sessions_free(names, n);
	return (seq);
}

/*
 * The newest max sessions of dir (all for 0) but skip, newest first, each
 * with the highest seq it numbered (0 for none).  NULL on error.
 */
struct journal_span *
journal_spans(const char *dir, const char *skip, size_t max, size_t *n,
    char **cause)
{
	struct journal_span	*spans;
	char			**names;
	size_t			 nnames, i;

	if ((names = journal_sessions(dir, &nnames, cause)) == NULL)
		return (NULL);
	spans = xcalloc(nnames + 1, sizeof *spans);
	*n = 0;
	for (i = 0; i < nnames && (max == 0 || *n < max); i++) {
		if (skip != NULL && strcmp(names[i], skip) == 0)
			continue;
		spans[*n].session = xstrdup(names[i]);
		spans[*n].last = session_last_seq(dir, names[i]);
		(*n)++;
	}
	journal_sessions_free(names, nnames);
	return (spans);
}

void
journal_spans_free(struct journal_span *spans, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(spans[i].session);
	free(spans);
}

/*
 * Which of the spans (newest first) numbered seq: sessions number on from
 * each other, so the oldest whose last number is seq or more, among the
 * newest sessions whose numbers go down as they get older (journals from
 * before that rule began again from 1).  -1 for none.
 */
ssize_t
journal_spans_holder(const struct journal_span *spans, size_t n,
    long long seq)
{
	ssize_t		 holder = -1;
	long long	 prev = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (spans[i].last == 0)
			continue;
		if (holder != -1 && spans[i].last >= prev)
			break;
		if (spans[i].last >= seq)
			holder = (ssize_t)i;
		else if (holder != -1)
			break;
		prev = spans[i].last;
	}
	return (holder);
}

/*
 * Run seq's line if it is among the last bytes of session's journal in
 * dir, where a session's unfinished runs are: a bounded read, for the
 * host, which must not read a whole journal between two requests.  When
 * NULL, *gone says whether the journal was read whole (or is not there),
 * so no line of it names the run.
 */
json_t *
journal_tail_run(const char *dir, const char *session, long long seq,
    int *gone)
{
	json_t	*line = NULL;
	char	*path;

	xasprintf(&path, "%s/%s.jsonl", dir, session);
	session_tail_seq(path, seq, &line, gone);
	free(path);
	if (line != NULL)
		*gone = 0;
	return (line);
}

/* Run seq's line in the journal of span, *session set when found. */
static json_t *
span_find_run(const char *dir, const struct journal_span *span,
    long long seq, char **session)
{
	json_t	*line;
	char	*path, *why = NULL;

	xasprintf(&path, "%s/%s.jsonl", dir, span->session);
	line = journal_find_run(path, seq, &why);
	free(path);
	free(why);
	if (line != NULL)
		*session = xstrdup(span->session);
	return (line);
}

/*
 * Find run seq in whichever session of dir holds it (but skip, when not
 * NULL), as journal_spans_holder says; journals from before sessions
 * numbered on from each other are searched newest first.  Returns its
 * line, and in *session the session's name; NULL when no journal holds it.
 */
json_t *
journal_find_seq(const char *dir, const char *skip, long long seq,
    char **session, char **cause)
{
	struct journal_span	*spans;
	size_t			 n, i;
	ssize_t			 holder;
	json_t			*line = NULL;

	*session = NULL;
	if ((spans = journal_spans(dir, skip, 0, &n, cause)) == NULL)
		return (NULL);
	holder = journal_spans_holder(spans, n, seq);
	if (holder != -1)
		line = span_find_run(dir, &spans[holder], seq, session);
	for (i = 0; line == NULL && i < n; i++) {
		if ((ssize_t)i == holder ||
		    (spans[i].last != 0 && spans[i].last < seq))
			continue;
		line = span_find_run(dir, &spans[i], seq, session);
	}
	journal_spans_free(spans, n);
	if (line == NULL && n == 0)
		xasprintf(cause, "no journals in %s", dir);
	else if (line == NULL)
		xasprintf(cause, "%s: no run %lld", dir, seq);
	return (line);
}
