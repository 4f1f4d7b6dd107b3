/*
 * textfile.c: a run's text file, J/<session>/<seq>.txt.
 *
 * Owns the file's name and place beside the run's recording, the rule of
 * what goes in it (the first [journal] max_output bytes of the run's text,
 * cut at a character, once the text outgrows TEXTFILE_INLINE), and reading
 * it back: by the host for a wait from an offset it no longer holds, by
 * rexec log, read_output and the readers of journal_reader_next_run.
 *
 * Decision: the host's loop never writes the file.  Its bytes go to the
 * journal's writer thread (journal_file_write), which makes the file on
 * the first ones and appends in order with the journal's lines; so the
 * run's line, queued after the file's last bytes, lands once the file is
 * whole.  A disk slower than a run's output would grow that queue without
 * end, so past TEXTFILE_LAG queued bytes the run is told to stop reading
 * its terminal (textfile_behind): the run slows to the disk's pace, as a
 * program writing to a slow terminal does, and nothing is lost.  Reading
 * back for a wait is one pread(2) of at most the wait's cap, of what the
 * writer has already written: text this host wrote moments ago, in the
 * page cache.
 */
#include "rexec.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "journal.h"
#include "paths.h"
#include "textfile.h"
#include "textring.h"
#include "utf8.h"

/* Reading a whole file starts at, and grows by at least, this much. */
#define TEXTFILE_CHUNK		(64 * 1024)

struct textfile {
	struct journal		*j;
	char			*path;		/* J/<session>/<seq>.txt */
	char			*name;		/* <session>/<seq>.txt */
	size_t			 max;		/* bytes the file keeps */
	size_t			 kept;		/* bytes sent to it */
	int			 full;		/* max reached: no more */
	struct journal_file	*jf;		/* NULL until the first bytes */
};

static size_t	textfile_extent(void *);
static int	textfile_read_back(void *, size_t, char *, size_t);

/*
 * The text file of run seq of session, in the journal directory dir,
 * keeping at most max bytes (0: no file).  Nothing touches the disk yet.
 */
struct textfile *
textfile_new(struct journal *j, const char *dir, const char *session,
    unsigned int seq, size_t max)
{
	struct textfile	*tf = xcalloc(1, sizeof *tf);

	tf->j = j;
	xasprintf(&tf->name, "%s/%u.txt", session, seq);
	tf->path = paths_join(dir, tf->name);
	tf->max = max;
	tf->full = max == 0;
	return (tf);
}

void
textfile_free(struct textfile *tf)
{
	if (tf == NULL)
		return;
	journal_file_free(tf->jf);
	free(tf->path);
	free(tf->name);
	free(tf);
}

/*
 * The next len bytes of the run's text, in order from its first (the
 * caller holds the first TEXTFILE_INLINE bytes back until the text grows
 * past them, then gives them at once).  Past max, only whole characters
 * go in and the rest is dropped.
 */
void
textfile_append(struct textfile *tf, const char *text, size_t len)
{
	size_t	k;

	if (tf->full || len == 0)
		return;
	k = tf->max - tf->kept;
	if (k >= len)
		k = len;
	else {
		k = utf8_truncate(text, k);
		tf->full = 1;
	}
	if (k == 0)
		return;
	if (tf->jf == NULL)
		tf->jf = journal_file_open(tf->j, tf->path);
	journal_file_write(tf->jf, text, k);
	tf->kept += k;
}

/* Whether the file was started: the journal line names it. */
int
textfile_started(const struct textfile *tf)
{
	return (tf->jf != NULL);
}

/* The writer lags too far: stop reading the run until it catches up. */
int
textfile_behind(const struct textfile *tf)
{
	return (tf->jf != NULL && journal_file_queued(tf->jf) > TEXTFILE_LAG);
}

/* The run has ended: the file is closed once its bytes are written. */
void
textfile_end(struct textfile *tf)
{
	tf->full = 1;
	if (tf->jf != NULL)
		journal_file_close(tf->jf);
}

/* "<session>/<seq>.txt", as the journal line names it. */
const char *
textfile_name(const struct textfile *tf)
{
	return (tf->name);
}

/* Bytes of the text that go to the file: at most max. */
size_t
textfile_kept(const struct textfile *tf)
{
	return (tf->kept);
}

/* What a textring reads back from this file: what is on disk so far. */
void
textfile_backing(struct textfile *tf, struct textring_backing *b)
{
	b->extent = textfile_extent;
	b->read = textfile_read_back;
	b->arg = tf;
}

static size_t
textfile_extent(void *arg)
{
	struct textfile	*tf = arg;

	return (tf->jf != NULL ? journal_file_written(tf->jf) : 0);
}

static int
textfile_read_back(void *arg, size_t off, char *buf, size_t len)
{
	struct textfile	*tf = arg;
	size_t		 got;
	char		*cause;

	if (textfile_read(tf->path, off, buf, len, &got, &cause) != 0) {
		free(cause);
		return (-1);
	}
	return (got == len ? 0 : -1);
}

/*
 * The text file a journal line names ("output_file"), as a path beside
 * the journal at journal_path, or NULL when it names none.
 */
char *
textfile_of_line(const char *journal_path, json_t *line)
{
	json_t	*name = json_object_get(line, "output_file");

	if (!json_is_string(name) || strlen(json_string_value(name)) !=
	    json_string_length(name))
		return (NULL);
	return (textfile_named(journal_path, json_string_value(name)));
}

/*
 * The path of the text file name ("<session>/<seq>.txt") beside the
 * journal at journal_path, or NULL when name is not of that form: a line
 * can never point elsewhere.
 */
char *
textfile_named(const char *journal_path, const char *name)
{
	const char	*slash, *p, *base;
	char		*dir, *path;

	if (*name == '.' || *name == '/' ||
	    (slash = strchr(name, '/')) == NULL || slash == name ||
	    strchr(slash + 1, '/') != NULL)
		return (NULL);
	for (p = slash + 1; *p >= '0' && *p <= '9'; p++)
		;
	if (p == slash + 1 || strcmp(p, ".txt") != 0)
		return (NULL);
	if ((base = strrchr(journal_path, '/')) == NULL)
		return (xstrdup(name));
	dir = xstrndup(journal_path, base - journal_path);
	path = paths_join(dir, name);
	free(dir);
	return (path);
}

static int
textfile_open_read(const char *path, char **cause)
{
	int	fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC|O_NOFOLLOW)) == -1)
		xasprintf(cause, "%s: %s", path, strerror(errno));
	return (fd);
}

/*
 * Up to len bytes of the file at path from off into buf; *got gets how
 * many (fewer at its end).  Returns 0, or -1 with *cause.
 */
int
textfile_read(const char *path, size_t off, char *buf, size_t len,
    size_t *got, char **cause)
{
	ssize_t	n;
	int	fd;

	*got = 0;
	if ((fd = textfile_open_read(path, cause)) == -1)
		return (-1);
	while (*got < len) {
		n = pread(fd, buf + *got, len - *got, off + *got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			close(fd);
			return (-1);
		}
		if (n == 0)
			break;
		*got += n;
	}
	close(fd);
	return (0);
}

/*
 * The slice [off, off + limit) of the text file at path, moved to whole
 * characters (for read_output): *start where it begins (a character's
 * first byte), *end past its last whole character, *total the file's
 * size.  Returns the slice, or NULL with *cause.
 */
char *
textfile_slice(const char *path, size_t off, size_t limit, size_t *start,
    size_t *end, size_t *total, char **cause)
{
	struct stat	 sb;
	char		*buf;
	size_t		 got, k;

	if (stat(path, &sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	*total = sb.st_size;
	off = off > *total ? *total : off;
	/* Three more bytes: a character the offset falls in is skipped. */
	k = *total - off < limit + 3 ? *total - off : limit + 3;
	buf = xmalloc(k + 1);
	if (textfile_read(path, off, buf, k, &got, cause) != 0) {
		free(buf);
		return (NULL);
	}
	*start = utf8_boundary_after(buf, got, 0);
	*end = got - *start > limit ? *start + limit : got;
	*end = *start + utf8_truncate(buf + *start, *end - *start);
	memmove(buf, buf + *start, *end - *start);
	buf[*end - *start] = '\0';
	*end += off;
	*start += off;
	return (buf);
}

/*
 * All of the file at path into *buf (of *size bytes allocated, grown as
 * needed and kept for the next call), *len its length.  Returns 0, or -1
 * with *cause.
 */
int
textfile_load(const char *path, char **buf, size_t *size, size_t *len,
    char **cause)
{
	struct stat	sb;
	ssize_t		n;
	int		fd;

	*len = 0;
	if ((fd = textfile_open_read(path, cause)) == -1)
		return (-1);
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (size_t)sb.st_size + 1 > *size) {
		*size = sb.st_size + 1;
		*buf = xrealloc(*buf, *size);
	}
	for (;;) {
		if (*len == *size) {	/* it grew since fstat */
			*size = *size * 2 > *len + TEXTFILE_CHUNK ? *size * 2 :
			    *len + TEXTFILE_CHUNK;
			*buf = xrealloc(*buf, *size);
		}
		n = read(fd, *buf + *len, *size - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			close(fd);
			return (-1);
		}
		if (n == 0)
			break;
		*len += n;
	}
	close(fd);
	return (0);
}
