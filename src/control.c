/*
 * control.c: line framing of the control FIFO.
 *
 * Owns the partial line between two reads and the rule for over-long
 * lines: a line of more than REXEC_LINE_MAX bytes (newline included) is
 * reported as soon as that is certain, with its first REXEC_LINE_MAX
 * bytes, and the rest of it is dropped as it arrives, so memory stays at
 * one line whatever a writer sends.  Must never look inside a line: what
 * a line means is request.c's business.
 */
#include "rexec.h"

#include <stdlib.h>
#include <string.h>

#include "control.h"

struct control {
	control_line_cb	 cb;
	void		*arg;
	int		 skipping;	/* inside a line already reported */
	size_t		 len;
	char		 buf[REXEC_LINE_MAX + 1];
};

static void	control_line(struct control *);

struct control *
control_new(control_line_cb cb, void *arg)
{
	struct control	*c;

	c = xcalloc(1, sizeof *c);
	c->cb = cb;
	c->arg = arg;
	return (c);
}

void
control_free(struct control *c)
{
	free(c);
}

/* Hand the buffered line to the callback, unless it is empty. */
static void
control_line(struct control *c)
{
	size_t	len = c->len;

	c->len = 0;
	if (len > 0 && c->buf[len - 1] == '\r')
		len--;
	if (len == 0)
		return;
	c->buf[len] = '\0';
	c->cb(c->buf, len, 0, c->arg);
}

/*
 * Take the next chunk.  The buffer holds at most REXEC_LINE_MAX - 1 bytes
 * of a line that may still end in time; once it would hold
 * REXEC_LINE_MAX, the newline can only come too late, so the line is
 * reported there and then.
 */
void
control_feed(struct control *c, const char *buf, size_t len)
{
	const char	*nl;
	size_t		 n, room;

	while (len > 0) {
		nl = memchr(buf, '\n', len);
		n = nl != NULL ? (size_t)(nl - buf) : len;
		if (c->skipping) {
			if (nl == NULL)
				return;
			c->skipping = 0;
		} else if (c->len + n >= REXEC_LINE_MAX) {
			room = REXEC_LINE_MAX - c->len;
			memcpy(c->buf + c->len, buf, room);
			c->buf[REXEC_LINE_MAX] = '\0';
			c->len = 0;
			c->skipping = (nl == NULL);
			c->cb(c->buf, REXEC_LINE_MAX, 1, c->arg);
			if (nl == NULL)
				return;
		} else {
			memcpy(c->buf + c->len, buf, n);
			c->len += n;
			if (nl == NULL)
				return;
			control_line(c);
		}
		buf += n + 1;
		len -= n + 1;
	}
}
