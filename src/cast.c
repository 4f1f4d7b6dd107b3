/*
 * cast.c: the asciicast v2 reader (see cast.h for the format it takes).
 *
 * It owns one open recording: the FILE, the current line and the parsed
 * event whose data the caller holds.  Lines are read by hand rather than
 * with getline(3) so that a huge line is skipped in constant memory.  It
 * must never write, seek or interpret the data; playing, pacing and
 * rendering belong to its callers (cmd_replay.c, the UI).
 */
#include "rexec.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cast.h"

/* Longest line read; the rest of a longer one is skipped. */
#define CAST_LINE_MAX		(64 * 1024 * 1024)
/* The size a header leaves out or gets wrong. */
#define CAST_WIDTH		80
#define CAST_HEIGHT		24
#define CAST_SIZE_MAX		10000

struct cast {
	FILE			*f;
	struct cast_header	 hdr;
	int			 done;		/* end or error seen */
	int			 error;		/* errno of a failed read */

	char			*line;		/* the current line */
	size_t			 linelen;	/* > CAST_LINE_MAX: too long */
	size_t			 linesize;
	size_t			 lineno;

	json_t			*ev;		/* holds the data handed out */
	size_t			 skipped;	/* malformed event lines */
	size_t			 first_skipped;	/* its line number */
};

static int		 cast_getline(struct cast *);
static unsigned int	 cast_size(json_t *, const char *, unsigned int);
static int		 cast_read_header(struct cast *, const char *, char **);
static int		 cast_parse(struct cast *, double *, const char **,
			     size_t *);

/*
 * Read the next line, without its newline or a '\r' before it, into
 * c->line.  Returns 1 for a line, 0 at the end, -1 on a read error; a line
 * over CAST_LINE_MAX comes back empty-handed with linelen set past the
 * limit.
 */
static int
cast_getline(struct cast *c)
{
	int	ch, any = 0;

	c->linelen = 0;
	while ((ch = getc_unlocked(c->f)) != EOF) {
		any = 1;
		if (ch == '\n')
			break;
		if (c->linelen >= CAST_LINE_MAX) {
			c->linelen = CAST_LINE_MAX + 1;
			continue;
		}
		if (c->linelen + 1 >= c->linesize) {
			c->linesize = c->linesize == 0 ? 4096 :
			    c->linesize * 2;
			c->line = xrealloc(c->line, c->linesize);
		}
		c->line[c->linelen++] = (char)ch;
	}
	if (ferror(c->f)) {
		c->error = errno != 0 ? errno : EIO;
		return (-1);
	}
	if (!any)
		return (0);
	if (c->linelen != 0 && c->linelen <= CAST_LINE_MAX &&
	    c->line[c->linelen - 1] == '\r')
		c->linelen--;
	c->lineno++;
	return (1);
}

/* A header dimension, or dflt if it is missing or out of range. */
static unsigned int
cast_size(json_t *h, const char *key, unsigned int dflt)
{
	json_t		*v = json_object_get(h, key);
	json_int_t	 n;

	if (!json_is_integer(v))
		return (dflt);
	n = json_integer_value(v);
	if (n < 1 || n > CAST_SIZE_MAX)
		return (dflt);
	return ((unsigned int)n);
}

/* The first line must be an asciicast v2 header. */
static int
cast_read_header(struct cast *c, const char *path, char **cause)
{
	json_t		*h, *v;
	json_error_t	 err;
	int		 r;

	if ((r = cast_getline(c)) <= 0) {
		xasprintf(cause, "%s: %s", path, r == 0 ? "empty file" :
		    strerror(c->error));
		return (-1);
	}
	if (c->linelen > CAST_LINE_MAX ||
	    (h = json_loadb(c->line, c->linelen, 0, &err)) == NULL) {
		xasprintf(cause, "%s: not an asciicast v2 recording", path);
		return (-1);
	}
	v = json_object_get(h, "version");
	if (!json_is_object(h) || !json_is_integer(v) ||
	    json_integer_value(v) != 2) {
		json_decref(h);
		xasprintf(cause, "%s: not an asciicast v2 recording", path);
		return (-1);
	}
	c->hdr.width = cast_size(h, "width", CAST_WIDTH);
	c->hdr.height = cast_size(h, "height", CAST_HEIGHT);
	v = json_object_get(h, "idle_time_limit");
	if (json_is_number(v) && json_number_value(v) > 0)
		c->hdr.idle_time_limit = json_number_value(v);
	v = json_object_get(h, "timestamp");
	if (json_is_integer(v))
		c->hdr.timestamp = json_integer_value(v);
	json_decref(h);
	return (0);
}

struct cast *
cast_open(const char *path, char **cause)
{
	struct cast	*c;

	c = xcalloc(1, sizeof *c);
	if ((c->f = fopen(path, "re")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		free(c);
		return (NULL);
	}
	if (cast_read_header(c, path, cause) != 0) {
		cast_close(c);
		return (NULL);
	}
	return (c);
}

const struct cast_header *
cast_header(const struct cast *c)
{
	return (&c->hdr);
}

/*
 * Parse the current line as an event.  Returns 1 for an "o" event, 0 for
 * a line to pass over, -1 for a malformed one.  c->ev keeps the parsed
 * line alive until the next call.
 */
static int
cast_parse(struct cast *c, double *t, const char **data, size_t *len)
{
	json_t		*jt, *type, *jd;
	json_error_t	 err;
	double		 v;

	json_decref(c->ev);
	c->ev = NULL;
	if (c->linelen == 0)
		return (0);
	if (c->linelen > CAST_LINE_MAX)
		return (-1);
	c->ev = json_loadb(c->line, c->linelen, JSON_ALLOW_NUL, &err);
	if (!json_is_array(c->ev) || json_array_size(c->ev) != 3)
		return (-1);
	jt = json_array_get(c->ev, 0);
	type = json_array_get(c->ev, 1);
	jd = json_array_get(c->ev, 2);
	if (!json_is_number(jt) || !json_is_string(type) ||
	    !json_is_string(jd))
		return (-1);
	v = json_number_value(jt);
	if (!isfinite(v) || v < 0)
		return (-1);
	if (strcmp(json_string_value(type), "o") != 0)
		return (0);
	*t = v;
	*data = json_string_value(jd);
	*len = json_string_length(jd);
	return (1);
}

int
cast_next(struct cast *c, double *t, const char **data, size_t *len)
{
	int	r;

	if (c->done)
		return (c->error != 0 ? -1 : 0);
	for (;;) {
		if ((r = cast_getline(c)) != 1) {
			json_decref(c->ev);
			c->ev = NULL;
			c->done = 1;
			return (r);
		}
		switch (cast_parse(c, t, data, len)) {
		case 1:
			return (1);
		case -1:
			if (c->skipped++ == 0)
				c->first_skipped = c->lineno;
			break;
		}
	}
}

size_t
cast_skipped(const struct cast *c, size_t *first_line)
{
	if (first_line != NULL)
		*first_line = c->first_skipped;
	return (c->skipped);
}

int
cast_errno(const struct cast *c)
{
	return (c->error);
}

void
cast_close(struct cast *c)
{
	if (c == NULL)
		return;
	json_decref(c->ev);
	free(c->line);
	fclose(c->f);
	free(c);
}
