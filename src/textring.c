/*
 * textring.c: a run's final agent text by byte offset, in bounded memory.
 *
 * Owns the head and the ring a run's text is kept in and the mapping from
 * offsets in the full text to the bytes still held; the rules of a read
 * are in textring.h.  It must never hold more than head + ring bytes of
 * text, never copy all the text for one read, and never hand out half a
 * character.
 *
 * Offsets are absolute.  The head holds [0, headlen); the ring holds the
 * newest ringlen bytes, [total - ringlen, total), the byte at offset o at
 * ring[(o - ringbase) % ringcap].  Until the ring is full its bytes lie in
 * order from ring[0], so it can grow with realloc; it wraps only once it
 * has its full size.
 */
#include <stdlib.h>
#include <string.h>

#include "cap.h"
#include "textring.h"
#include "utf8.h"
#include "xmalloc.h"

#define TR_MIN_ALLOC	4096

struct textring {
	char	*head;
	size_t	 headmax;
	size_t	 headlen;
	size_t	 headcap;	/* allocated, at most headmax */

	char	*ring;
	size_t	 ringmax;
	size_t	 ringlen;
	size_t	 ringcap;	/* allocated, at most ringmax */
	size_t	 ringbase;	/* byte o is at ring[(o - ringbase) % ringcap] */

	size_t	 total;
};

static size_t	tr_grow(size_t, size_t, size_t);
static void	tr_ring_add(struct textring *, const char *, size_t);
static size_t	tr_span(const struct textring *, size_t, size_t,
		    const char **);
static void	tr_copy(const struct textring *, size_t, size_t, char *);
static size_t	tr_char_start(const struct textring *, size_t, size_t);
static char	*tr_read_cap(const struct textring *, size_t, size_t, size_t,
		    const char *, size_t *, size_t *);
static char	*tr_read_gap(const struct textring *, size_t, size_t,
		    const char *, size_t *, size_t *);
static size_t	tr_cut_head(const char *, size_t, char);
static size_t	tr_cut_tail(const char *, size_t, char);

struct textring *
textring_new(size_t head, size_t ring)
{
	struct textring	*tr;

	tr = xcalloc(1, sizeof(*tr));
	tr->headmax = head;
	tr->ringmax = ring;
	tr->ringbase = head;	/* the ring's first byte follows the head */
	return (tr);
}

void
textring_free(struct textring *tr)
{
	if (tr == NULL)
		return;
	free(tr->head);
	free(tr->ring);
	free(tr);
}

/* Bytes appended so far: the offset the next byte gets. */
size_t
textring_total(const struct textring *tr)
{
	return (tr->total);
}

/* Bytes allocated for text: never more than head + ring. */
size_t
textring_memory(const struct textring *tr)
{
	return (tr->headcap + tr->ringcap);
}

/* A new allocation for need bytes: doubling, at most lim. */
static size_t
tr_grow(size_t cap, size_t need, size_t lim)
{
	size_t	n = cap > TR_MIN_ALLOC / 2 ? cap * 2 : TR_MIN_ALLOC;

	if (n < need)
		n = need;
	return (n < lim ? n : lim);
}

void
textring_append(struct textring *tr, const char *buf, size_t len)
{
	size_t	k = tr->headmax - tr->headlen;

	if (k > len)
		k = len;
	if (k != 0) {
		if (tr->headlen + k > tr->headcap) {
			tr->headcap = tr_grow(tr->headcap, tr->headlen + k,
			    tr->headmax);
			tr->head = xrealloc(tr->head, tr->headcap);
		}
		memcpy(tr->head + tr->headlen, buf, k);
		tr->headlen += k;
		tr->total += k;
	}
	if (len > k)
		tr_ring_add(tr, buf + k, len - k);
}

/* Bytes after the (full) head: the newest ringmax of them stay. */
static void
tr_ring_add(struct textring *tr, const char *buf, size_t len)
{
	size_t	need, pos, k;

	if (tr->ringmax == 0) {
		tr->total += len;
		return;
	}
	if (len >= tr->ringmax) {
		if (tr->ringcap != tr->ringmax) {
			free(tr->ring);
			tr->ring = xmalloc(tr->ringmax);
			tr->ringcap = tr->ringmax;
		}
		memcpy(tr->ring, buf + len - tr->ringmax, tr->ringmax);
		tr->total += len;
		tr->ringlen = tr->ringmax;
		tr->ringbase = tr->total - tr->ringmax;
		return;
	}
	need = tr->ringlen + len;
	if (need > tr->ringmax)
		need = tr->ringmax;
	if (need > tr->ringcap) {
		/* Not yet full, so not wrapped: realloc keeps the order. */
		tr->ringcap = tr_grow(tr->ringcap, need, tr->ringmax);
		tr->ring = xrealloc(tr->ring, tr->ringcap);
	}
	pos = (tr->total - tr->ringbase) % tr->ringcap;
	k = tr->ringcap - pos;
	if (k > len)
		k = len;
	memcpy(tr->ring + pos, buf, k);
	memcpy(tr->ring, buf + k, len - k);
	tr->total += len;
	tr->ringlen = need;
}

/*
 * The run has ended: keep the head and only the newest ring bytes (if
 * fewer than now), in memory of just their size.
 */
void
textring_trim(struct textring *tr, size_t ring)
{
	size_t	 keep, next;
	char	*r = NULL;

	if (ring > tr->ringmax)
		ring = tr->ringmax;
	keep = tr->ringlen < ring ? tr->ringlen : ring;
	if (keep != 0) {
		r = xmalloc(keep);
		tr_copy(tr, tr->total - keep, keep, r);
	}
	free(tr->ring);
	tr->ring = r;
	tr->ringcap = tr->ringlen = keep;
	tr->ringmax = ring;
	next = tr->total > tr->headmax ? tr->total : tr->headmax;
	tr->ringbase = next - keep;

	if (tr->headcap > tr->headlen) {
		if (tr->headlen == 0) {
			free(tr->head);
			tr->head = NULL;
		} else
			tr->head = xrealloc(tr->head, tr->headlen);
		tr->headcap = tr->headlen;
	}
}

/*
 * The bytes held from offset o on that lie together in memory, up to
 * end: *p gets where, the count is returned.
 */
static size_t
tr_span(const struct textring *tr, size_t o, size_t end, const char **p)
{
	size_t	pos, n;

	if (o < tr->headlen) {
		*p = tr->head + o;
		n = tr->headlen - o;
	} else {
		pos = (o - tr->ringbase) % tr->ringcap;
		*p = tr->ring + pos;
		n = tr->ringcap - pos;
	}
	return (n < end - o ? n : end - o);
}

/* Copy n held bytes from offset o. */
static void
tr_copy(const struct textring *tr, size_t o, size_t n, char *dst)
{
	const char	*p;
	size_t		 k;

	while (n > 0) {
		k = tr_span(tr, o, o + n, &p);
		memcpy(dst, p, k);
		dst += k;
		o += k;
		n -= k;
	}
}

/* The first offset at or after o, before end, where a character starts. */
static size_t
tr_char_start(const struct textring *tr, size_t o, size_t end)
{
	const char	*p;
	int		 k;

	for (k = 0; k < 3 && o < end; k++, o++) {
		tr_span(tr, o, end, &p);
		if (((unsigned char)*p & 0xc0) != 0x80)
			break;
	}
	return (o);
}

char *
textring_read(const struct textring *tr, size_t off, size_t max,
    const char *ref, size_t *len, size_t *omitted)
{
	size_t	 start, n;
	char	*out;

	*len = *omitted = 0;
	if (off > tr->total)
		return (NULL);
	if (off == tr->total)
		return (xcalloc(1, 1));
	if (tr->total - tr->ringlen > tr->headlen &&
	    off < tr->total - tr->ringlen)
		return (tr_read_gap(tr, off, max, ref, len, omitted));

	/* All of it is held: as a cap cuts it, when it must be cut. */
	start = tr_char_start(tr, off, tr->total);
	n = tr->total - start;
	if (max != 0 && n > max)
		return (tr_read_cap(tr, off, start, max, ref, len, omitted));
	out = xmalloc(n + 1);
	tr_copy(tr, start, n, out);
	out[n] = '\0';
	*len = n;
	*omitted = start - off;
	return (out);
}

/* The held text from start, fed to a struct cap from where it lies. */
static char *
tr_read_cap(const struct textring *tr, size_t off, size_t start,
    size_t max, const char *ref, size_t *len, size_t *omitted)
{
	struct cap	*c = cap_new(max, ref);
	const char	*p, *text;
	char		*out;
	size_t		 o, k;

	for (o = start; o < tr->total; o += k) {
		k = tr_span(tr, o, tr->total, &p);
		cap_append(c, p, k);
	}
	text = cap_finish(c, len);
	out = xmalloc(*len + 1);
	memcpy(out, text, *len + 1);
	*omitted = start - off + cap_omitted(c);
	cap_free(c);
	return (out);
}

/*
 * A read across the gap: whole characters of the head from off, the
 * omitted line, whole characters of the ring; cut at the gap when the two
 * together exceed max.
 */
static char *
tr_read_gap(const struct textring *tr, size_t off, size_t max,
    const char *ref, size_t *len, size_t *omitted)
{
	size_t	 a = off, alen = 0, b, blen, hb, tb, n, linelen;
	char	*out, *p, *line, *last;

	if (off < tr->headlen) {
		a = tr_char_start(tr, off, tr->headlen);
		alen = utf8_truncate(tr->head + a, tr->headlen - a);
	}
	b = tr_char_start(tr, tr->total - tr->ringlen, tr->total);
	blen = tr->total - b;
	if (max != 0 && alen + blen > max) {
		hb = max / 4;
		tb = max - hb;
		if (alen > hb)
			alen = tr_cut_head(tr->head + a, hb, tr->head[a + hb]);
		if (blen > tb) {
			last = xmalloc(tb + 1);
			tr_copy(tr, tr->total - tb - 1, tb + 1, last);
			blen = tb - tr_cut_tail(last + 1, tb, last[0]);
			b = tr->total - blen;
			free(last);
		}
	}

	n = tr->total - off - alen - blen;
	if (ref != NULL)
		linelen = xasprintf(&line,
		    "[rexec: %zu bytes omitted; full output: rexec log %s]\n",
		    n, ref);
	else
		linelen = xasprintf(&line, "[rexec: %zu bytes omitted]\n", n);
	out = p = xmalloc(alen + 1 + linelen + blen + 1);
	if (alen > 0) {
		memcpy(p, tr->head + a, alen);
		p += alen;
		if (p[-1] != '\n')
			*p++ = '\n';
	}
	memcpy(p, line, linelen);
	p += linelen;
	tr_copy(tr, b, blen, p);
	p += blen;
	*p = '\0';
	free(line);
	*len = p - out;
	*omitted = n;
	return (out);
}

/*
 * cap.h's cut rule, for a read with a gap.  A struct cap counts only the
 * bytes it is given, and the gap's are gone, so its line would count too
 * few; the rule is applied here to the text kept on each side instead.
 * cap.c holds the same rule in static functions: these should move there.
 *
 * tr_cut_head: how many of the n bytes at s to keep; next follows them.
 */
static size_t
tr_cut_head(const char *s, size_t n, char next)
{
	size_t	h, i;

	if (next == '\n')
		return (n);
	h = utf8_truncate(s, n);
	for (i = h; i > 0 && s[i - 1] != '\n'; i--)
		;
	return (i > 0 && 2 * i >= n ? i : h);
}

/* Where to start in the last n bytes at s; prev comes before them. */
static size_t
tr_cut_tail(const char *s, size_t n, char prev)
{
	size_t	t, i;

	if (prev == '\n')
		return (0);
	t = utf8_boundary_after(s, n, 0);
	for (i = t; i < n && s[i] != '\n'; i++)
		;
	if (i + 1 < n && 2 * (n - (i + 1)) >= n)
		return (i + 1);
	return (t);
}
