/*
 * record.c: the asciicast v2 recording of one run.
 *
 * A record owns one .cast file: a header line, then one `[t, "o", data]`
 * event per line, as asciinema writes them.  The raw bytes of the run go
 * in unchanged (escape sequences included, this is a terminal recording)
 * except that event data is always valid UTF-8: a character split between
 * two reads is carried to the next event whole, and bytes that are not
 * UTF-8 become U+FFFD, by utf8.c's rule.
 *
 * It must never block the host's loop for long or stop a run: chunks that
 * arrive close together are coalesced into one event, events are
 * serialised into a bounded buffer and written out with write(2) when it
 * fills or at the end, never synced.  The first write error stops the
 * recording quietly and is reported once, by record_close.  Past
 * max_bytes the recording ends with one marker event and ignores the rest.
 */
#include "rexec.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "record.h"
#include "utf8.h"

/* Chunks within this many seconds of an event's first one join it. */
#define RECORD_COALESCE		0.010
/* Most data bytes in one event. */
#define RECORD_EVENT_MAX	(16 * 1024)
/* Serialised lines held before they are written out. */
#define RECORD_BUFFER		(64 * 1024)
/* Room one decoded byte may need: U+FFFD and a second code point. */
#define RECORD_CP_ROOM		8
/* An event line's size besides its data, which escaping grows 6 times. */
#define RECORD_LINE_SLACK	48
#define RECORD_ESCAPE_MAX	6
/* Room for the U+FFFD that record_finish may add. */
#define RECORD_FINISH_ROOM	3

struct record {
	char			*path;
	int			 fd;
	size_t			 max_bytes;	/* 0 = no cap */
	size_t			 size;		/* bytes written or buffered */
	int			 truncated;
	char			*error;		/* first failure; stops it */

	struct utf8_decoder	 dec;		/* carries split characters */
	double			 last_t;	/* times never go back */
	double			 ev_t;		/* the pending event's time */
	char			*ev;		/* its data, valid UTF-8 */
	size_t			 evlen;

	char			*line;		/* one event line, reused */
	size_t			 linesize;
	char			*out;		/* lines not yet written */
	size_t			 outlen;
};

static void	 record_free(struct record *);
static void	 record_fail(struct record *, int);
static int	 record_write(struct record *, const char *, size_t);
static void	 record_flush(struct record *);
static void	 record_append(struct record *, const char *, size_t);
static void	 record_set_text(json_t *, const char *, const char *);
static char	*record_header_line(const struct record_header *, size_t *);
static size_t	 record_escape(char *, const char *, size_t);
static size_t	 record_event_line(struct record *, double, const char *,
		     size_t);
static void	 record_event(struct record *, int);
static void	 record_cut(struct record *);
static size_t	 record_decode(struct record *, const uint8_t *, size_t);
static void	 record_finish(struct record *);

/*
 * Create path (it must not exist) mode 0600 and write the header line.
 * The directory is the caller's.
 */
struct record *
record_open(const char *path, const struct record_header *hdr,
    size_t max_bytes, char **cause)
{
	struct record	*rec;
	char		*line;
	size_t		 len;
	int		 fd;

	fd = open(path, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0600);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	rec = xcalloc(1, sizeof *rec);
	rec->path = xstrdup(path);
	rec->fd = fd;
	rec->max_bytes = max_bytes;
	utf8_decoder_init(&rec->dec);

	/* A umask cannot add bits, but be sure of the mode as journal.c is. */
	if (fchmod(fd, 0600) == -1)
		record_fail(rec, errno);
	else {
		line = record_header_line(hdr, &len);
		if (record_write(rec, line, len) == 0)
			rec->size = len;
		free(line);
	}
	if (rec->error != NULL) {
		*cause = rec->error;
		rec->error = NULL;
		close(rec->fd);
		unlink(rec->path);
		record_free(rec);
		return (NULL);
	}
	rec->ev = xmalloc(RECORD_EVENT_MAX);
	rec->out = xmalloc(RECORD_BUFFER);
	return (rec);
}

const char *
record_path(const struct record *rec)
{
	return (rec != NULL ? rec->path : NULL);
}

int
record_truncated(const struct record *rec)
{
	return (rec != NULL && rec->truncated);
}

/*
 * Add len bytes the run wrote t seconds after it started.  Never fails:
 * a stopped or cut recording ignores what comes.
 */
void
record_output(struct record *rec, double t, const char *buf, size_t len)
{
	const uint8_t	*p = (const uint8_t *)buf;
	size_t		 done;

	if (rec == NULL || rec->error != NULL || rec->truncated || len == 0)
		return;
	if (!isfinite(t) || t < rec->last_t)
		t = rec->last_t;
	rec->last_t = t;

	if (rec->evlen != 0 && t - rec->ev_t >= RECORD_COALESCE)
		record_event(rec, 1);
	if (rec->evlen == 0)
		rec->ev_t = t;
	while (len > 0) {
		if (rec->evlen > RECORD_EVENT_MAX - RECORD_CP_ROOM) {
			record_event(rec, 1);
			if (rec->error != NULL || rec->truncated)
				return;
			rec->ev_t = t;
		}
		done = record_decode(rec, p, len);
		p += done;
		len -= done;
	}

	/*
	 * Near the cap, settle the pending event now, so that
	 * record_truncated is exact for everything given so far.
	 */
	if (rec->max_bytes != 0 && rec->size + RECORD_LINE_SLACK +
	    RECORD_ESCAPE_MAX * (rec->evlen + RECORD_FINISH_ROOM) >
	    rec->max_bytes)
		record_event(rec, 1);
}

/*
 * Finish the recording: the pending event (with U+FFFD for a character
 * left unfinished), the buffer, the file.  Returns -1 with *cause (when
 * cause is not NULL) if anything failed since record_open.
 */
int
record_close(struct record *rec, char **cause)
{
	int	rv = 0;

	if (rec == NULL)
		return (0);
	if (rec->error == NULL && !rec->truncated)
		record_finish(rec);
	record_flush(rec);
	if (close(rec->fd) == -1 && rec->error == NULL)
		record_fail(rec, errno);
	if (rec->error != NULL) {
		rv = -1;
		if (cause != NULL) {
			*cause = rec->error;
			rec->error = NULL;
		}
	}
	record_free(rec);
	return (rv);
}

static void
record_free(struct record *rec)
{
	free(rec->path);
	free(rec->error);
	free(rec->ev);
	free(rec->line);
	free(rec->out);
	free(rec);
}

/* Remember the first failure; nothing more is written after it. */
static void
record_fail(struct record *rec, int error)
{
	if (rec->error == NULL)
		xasprintf(&rec->error, "%s: %s", rec->path, strerror(error));
}

/* Write all of buf to the file; -1 (and the recording stops) on error. */
static int
record_write(struct record *rec, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(rec->fd, buf, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			record_fail(rec, errno);
			return (-1);
		}
		if (n == 0) {
			record_fail(rec, EIO);
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

static void
record_flush(struct record *rec)
{
	if (rec->outlen != 0 && rec->error == NULL)
		record_write(rec, rec->out, rec->outlen);
	rec->outlen = 0;
}

/* Queue one serialised line; a line bigger than the buffer goes at once. */
static void
record_append(struct record *rec, const char *line, size_t len)
{
	rec->size += len;
	if (rec->outlen + len > RECORD_BUFFER)
		record_flush(rec);
	if (rec->error != NULL)
		return;
	if (len > RECORD_BUFFER) {
		record_write(rec, line, len);
		return;
	}
	memcpy(rec->out + rec->outlen, line, len);
	rec->outlen += len;
}

/* Strings from a request may hold anything; jansson wants valid UTF-8. */
static void
record_set_text(json_t *o, const char *key, const char *value)
{
	char	*s;
	size_t	 len;

	if (value == NULL)
		return;
	s = utf8_sanitize(value, strlen(value), &len);
	json_object_set_new(o, key, json_stringn(s, len));
	free(s);
}

static char *
record_header_line(const struct record_header *hdr, size_t *len)
{
	json_t	*o = json_object();
	char	*s, *line;

	json_object_set_new(o, "version", json_integer(2));
	json_object_set_new(o, "width", json_integer(hdr->width));
	json_object_set_new(o, "height", json_integer(hdr->height));
	json_object_set_new(o, "timestamp",
	    json_integer((json_int_t)hdr->timestamp));
	record_set_text(o, "command", hdr->command);
	record_set_text(o, "title", hdr->title);
	s = json_dumps(o, JSON_COMPACT|JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		abort();
	*len = (size_t)xasprintf(&line, "%s\n", s);
	free(s);
	return (line);
}

/*
 * Escape valid UTF-8 as the inside of a JSON string (RFC 8259 section 7),
 * as Python's json module does for asciinema.  Not jansson: it formats
 * each control character with snprintf, and terminal output is full of
 * ESC, which made recording slower than the rest of the run together.
 * dst has room for RECORD_ESCAPE_MAX bytes per source byte.
 */
static size_t
record_escape(char *dst, const char *src, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	char			*d = dst;
	uint8_t			 c;
	size_t			 i;

	for (i = 0; i < len; i++) {
		c = (uint8_t)src[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*d++ = (char)c;
			continue;
		}
		*d++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*d++ = (char)c;
			break;
		case '\b':
			*d++ = 'b';
			break;
		case '\f':
			*d++ = 'f';
			break;
		case '\n':
			*d++ = 'n';
			break;
		case '\r':
			*d++ = 'r';
			break;
		case '\t':
			*d++ = 't';
			break;
		default:
			memcpy(d, "u00", 3);
			d[3] = hex[c >> 4];
			d[4] = hex[c & 0xf];
			d += 5;
			break;
		}
	}
	return ((size_t)(d - dst));
}

/*
 * Serialise one event line into rec->line (kept between events, so a
 * flood of output costs no allocation per event) and return its length.
 * The time is printed by hand in microseconds: "%f" would follow
 * LC_NUMERIC, and a decimal comma is not JSON.
 */
static size_t
record_event_line(struct record *rec, double t, const char *data, size_t len)
{
	unsigned long long	us;
	size_t			n, need;

	need = RECORD_LINE_SLACK + RECORD_ESCAPE_MAX * len;
	if (rec->linesize < need) {
		rec->line = xrealloc(rec->line, need);
		rec->linesize = need;
	}
	us = (unsigned long long)llround(t * 1e6);
	n = (size_t)snprintf(rec->line, rec->linesize,
	    "[%llu.%06llu, \"o\", \"", us / 1000000, us % 1000000);
	n += record_escape(rec->line + n, data, len);
	memcpy(rec->line + n, "\"]\n", 3);
	return (n + 3);
}

/*
 * Serialise the pending event.  One that would not fit ends the recording
 * when may_cut is set, else it is dropped.
 */
static void
record_event(struct record *rec, int may_cut)
{
	size_t	len;

	if (rec->evlen == 0)
		return;
	len = record_event_line(rec, rec->ev_t, rec->ev, rec->evlen);
	if (rec->max_bytes != 0 && rec->size + len > rec->max_bytes) {
		if (may_cut)
			record_cut(rec);
	} else
		record_append(rec, rec->line, len);
	rec->evlen = 0;
}

/* The cap is reached: one marker event, then nothing. */
static void
record_cut(struct record *rec)
{
	char	*marker;
	size_t	 mlen, len;

	mlen = (size_t)xasprintf(&marker,
	    "\r\n[rexec: recording cut at %zu bytes]\r\n", rec->max_bytes);
	len = record_event_line(rec, rec->ev_t, marker, mlen);
	record_append(rec, rec->line, len);
	free(marker);
	rec->truncated = 1;
}

/*
 * Move bytes from p into the pending event, as valid UTF-8, until the
 * event is nearly full; returns how many were taken (at least one).  A
 * run of ASCII outside a sequence is copied at once.
 */
static size_t
record_decode(struct record *rec, const uint8_t *p, size_t len)
{
	uint32_t	cp[2];
	size_t		n = 0, room;
	int		i, k;

	if (!utf8_decoder_pending(&rec->dec)) {
		room = RECORD_EVENT_MAX - RECORD_CP_ROOM - rec->evlen;
		while (n < len && n < room && p[n] < 0x80)
			n++;
		memcpy(rec->ev + rec->evlen, p, n);
		rec->evlen += n;
		if (n != 0)
			return (n);
	}
	k = utf8_decode_byte(&rec->dec, p[0], cp);
	for (i = 0; i < k; i++)
		rec->evlen += utf8_encode_cp(cp[i], rec->ev + rec->evlen);
	return (1);
}

/*
 * End of output: a character cut short becomes U+FFFD and the last event
 * goes.  The check at the end of record_output made room for both, so
 * nothing here may cut the recording after record_truncated said it was
 * whole: a line that does not fit (only a lone U+FFFD can) is dropped.
 */
static void
record_finish(struct record *rec)
{
	uint32_t	cp[1];

	if (utf8_decode_finish(&rec->dec, cp)) {
		if (rec->evlen > RECORD_EVENT_MAX - RECORD_CP_ROOM)
			record_event(rec, 0);
		if (rec->evlen == 0)
			rec->ev_t = rec->last_t;
		rec->evlen += utf8_encode_cp(cp[0], rec->ev + rec->evlen);
	}
	record_event(rec, 0);
}
