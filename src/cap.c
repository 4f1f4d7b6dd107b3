/*
 * cap.c: the head+tail cap of an agent's text.
 *
 * Owns the budget split, the cut rule (see cap.h) and the exact wording of
 * the omitted line.  Keeps the head in one buffer and the tail in a ring,
 * so memory is max bytes whatever the input.  Must never cut inside a
 * UTF-8 sequence and never count its own added bytes as omitted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cap.h"
#include "utf8.h"
#include "xmalloc.h"

struct cap {
	size_t	 max;
	char	*ref;

	char	*head;		/* the first headmax bytes */
	size_t	 headmax;
	size_t	 headlen;
	size_t	 headcap;	/* max == 0: the buffer grows */

	char	*ring;		/* the last ringsize bytes after the head */
	size_t	 tailmax;
	size_t	 ringsize;	/* tailmax + 1: the byte before the tail */
	size_t	 ringpos;	/* where the next byte goes */
	size_t	 ringin;	/* bytes ever written to the ring */
	char	 next;		/* the byte after the head */

	size_t	 total;
	size_t	 omitted;
	char	*result;
	size_t	 resultlen;
};

static void	cap_grow(struct cap *, const char *, size_t);

struct cap *
cap_new(size_t max, const char *ref)
{
	struct cap	*c;

	c = xcalloc(1, sizeof(*c));
	c->max = max;
	c->ref = ref != NULL ? xstrdup(ref) : NULL;
	if (max != 0) {
		c->headmax = max / 4;
		c->tailmax = max - c->headmax;
		c->head = xmalloc(c->headmax);
		c->ringsize = c->tailmax + 1;
		c->ring = xmalloc(c->ringsize);
	}
	return (c);
}

void
cap_free(struct cap *c)
{
	if (c == NULL)
		return;
	free(c->ref);
	free(c->head);
	free(c->ring);
	free(c->result);
	free(c);
}

/* No cap: keep everything in a growing buffer. */
static void
cap_grow(struct cap *c, const char *buf, size_t len)
{
	size_t	want = c->headlen + len;

	if (want > c->headcap) {
		c->headcap = c->headcap != 0 ? c->headcap : 4096;
		while (c->headcap < want)
			c->headcap *= 2;
		c->head = xrealloc(c->head, c->headcap);
	}
	memcpy(c->head + c->headlen, buf, len);
	c->headlen = want;
}

void
cap_append(struct cap *c, const char *buf, size_t len)
{
	size_t	k;

	if (c->result != NULL)
		return;
	c->total += len;
	if (c->max == 0) {
		cap_grow(c, buf, len);
		return;
	}
	k = c->headmax - c->headlen;
	if (k > len)
		k = len;
	memcpy(c->head + c->headlen, buf, k);
	c->headlen += k;
	buf += k;
	len -= k;
	if (len == 0)
		return;

	if (c->ringin == 0)
		c->next = buf[0];
	c->ringin += len;
	if (len >= c->ringsize) {
		memcpy(c->ring, buf + len - c->ringsize, c->ringsize);
		c->ringpos = 0;
		return;
	}
	k = c->ringsize - c->ringpos;
	if (k > len)
		k = len;
	memcpy(c->ring + c->ringpos, buf, k);
	memcpy(c->ring, buf + k, len - k);
	c->ringpos = (c->ringpos + len) % c->ringsize;
}

/*
 * How much of the n-byte head budget to keep (see the cut rule in cap.h);
 * next is the byte after it.
 */
size_t
cap_cut_head(const char *s, size_t n, char next)
{
	size_t	h = utf8_truncate(s, n), i;

	if (next == '\n')
		return (n);
	for (i = h; i > 0; i--) {
		if (s[i - 1] == '\n') {
			if (2 * i >= n)
				return (i);
			break;
		}
	}
	return (h);
}

/* Where the kept tail starts in the last n bytes; prev is the byte before. */
size_t
cap_cut_tail(const char *s, size_t n, char prev)
{
	size_t	t = utf8_boundary_after(s, n, 0), i;

	if (prev == '\n')
		return (0);
	for (i = t; i < n; i++) {
		if (s[i] == '\n') {
			if (n - (i + 1) > 0 && 2 * (n - (i + 1)) >= n)
				return (i + 1);
			break;
		}
	}
	return (t);
}

/*
 * The head, the omitted line on a line of its own, the tail: the one
 * place that writes the line, so every cut text says it alike.
 */
char *
cap_join(const char *head, size_t h, size_t omitted, const char *ref,
    const char *tail, size_t t, size_t *len)
{
	char	*line, *out, *p;
	size_t	 linelen;

	if (ref != NULL)
		linelen = xasprintf(&line,
		    "[rexec: %zu bytes omitted; full output: rexec log %s]\n",
		    omitted, ref);
	else
		linelen = xasprintf(&line, "[rexec: %zu bytes omitted]\n",
		    omitted);
	out = p = xmalloc(h + 1 + linelen + t + 1);
	if (h > 0) {
		memcpy(p, head, h);
		p += h;
		if (head[h - 1] != '\n')
			*p++ = '\n';
	}
	memcpy(p, line, linelen);
	p += linelen;
	if (t > 0)
		memcpy(p, tail, t);
	p += t;
	*p = '\0';
	free(line);
	*len = p - out;
	return (out);
}

/*
 * The final text, NUL-terminated, owned by the cap; *len (if not NULL)
 * gets its length.  Later appends are ignored.
 */
const char *
cap_finish(struct cap *c, size_t *len)
{
	char	*tail;
	size_t	 h, t, tlen;

	if (c->result != NULL)
		goto done;
	if (c->max == 0 || c->ringin <= c->tailmax) {
		tlen = c->max == 0 ? 0 : c->ringin;
		c->result = xmalloc(c->headlen + tlen + 1);
		if (c->headlen != 0)
			memcpy(c->result, c->head, c->headlen);
		if (tlen != 0)
			memcpy(c->result + c->headlen, c->ring, tlen);
		c->resultlen = c->headlen + tlen;
		c->result[c->resultlen] = '\0';
		goto done;
	}

	/* The ring is full: put it in order, the byte before the tail first. */
	tail = xmalloc(c->ringsize);
	memcpy(tail, c->ring + c->ringpos, c->ringsize - c->ringpos);
	memcpy(tail + c->ringsize - c->ringpos, c->ring, c->ringpos);
	h = cap_cut_head(c->head, c->headlen, c->next);
	t = 1 + cap_cut_tail(tail + 1, c->tailmax, tail[0]);
	tlen = c->ringsize - t;
	c->omitted = c->total - h - tlen;
	c->result = cap_join(c->head, h, c->omitted, c->ref, tail + t, tlen,
	    &c->resultlen);
	free(tail);

done:
	free(c->head);
	free(c->ring);
	c->head = c->ring = NULL;
	if (len != NULL)
		*len = c->resultlen;
	return (c->result);
}

size_t
cap_total(const struct cap *c)
{
	return (c->total);
}

/* Bytes of the text left out (0 until cap_finish). */
size_t
cap_omitted(const struct cap *c)
{
	return (c->omitted);
}

/* Is (or will) the text be cut?  Known as soon as it outgrows max. */
int
cap_truncated(const struct cap *c)
{
	return (c->max != 0 && c->total > c->max);
}
