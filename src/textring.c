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
 * has its full size.  A backing (a run's text file) adds [0, extent); a
 * read looks at it once, so a file that grows meanwhile changes nothing.
 * The cut rule and the omitted line are cap.c's: there is one of each.
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
	char	 next;		/* the byte at offset headmax, once there */

	char	*ring;
	size_t	 ringmax;
	size_t	 ringlen;
	size_t	 ringcap;	/* allocated, at most ringmax */
	size_t	 ringbase;	/* byte o is at ring[(o - ringbase) % ringcap] */

	size_t	 total;
	struct textring_backing back;	/* read NULL: none */
};

/* What one read can reach: [0, pre) and [rstart, total). */
struct tr_view {
	const struct textring	*tr;
	size_t			 ext;	/* [0, ext) from the backing */
	size_t			 pre;
	size_t			 rstart;
};

static size_t	tr_grow(size_t, size_t, size_t);
static void	tr_ring_add(struct textring *, const char *, size_t);
static size_t	tr_span(const struct textring *, size_t, size_t,
		    const char **);
static void	tr_copy(const struct textring *, size_t, size_t, char *);
static int	tr_get(const struct tr_view *, size_t, size_t, char *);
static size_t	tr_char_start(const struct tr_view *, size_t, size_t);
static char	*tr_read(const struct tr_view *, size_t, size_t,
		    const char *, size_t *, size_t *);
static char	*tr_read_whole(const struct tr_view *, size_t, size_t,
		    const char *, size_t *, size_t *);
static char	*tr_read_gap(const struct tr_view *, size_t, size_t,
		    const char *, size_t *, size_t *);

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

/* Read what is no longer held from b from now on (NULL: no backing). */
void
textring_back(struct textring *tr, const struct textring_backing *b)
{
	if (b != NULL)
		tr->back = *b;
	else
		memset(&tr->back, 0, sizeof tr->back);
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

	if (tr->total == tr->headmax)
		tr->next = buf[0];	/* what the head's cut looks at */
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
 * The run has ended: keep only the first head bytes and the newest ring
 * bytes (if fewer than now), in memory of just their size.  Bytes the
 * head gives up stay in the ring when they are among its newest.
 */
void
textring_trim(struct textring *tr, size_t head, size_t ring)
{
	size_t	 keep, held, next, hl;
	char	*r = NULL;

	if (head > tr->headmax)
		head = tr->headmax;
	if (ring > tr->ringmax)
		ring = tr->ringmax;
	hl = tr->headlen < head ? tr->headlen : head;
	/* Held from the new head's end on, as long as nothing is gone. */
	if (tr->total - tr->ringlen == tr->headlen)
		held = tr->total - hl;
	else
		held = tr->ringlen;
	keep = held < ring ? held : ring;
	if (keep != 0) {
		r = xmalloc(keep);
		tr_copy(tr, tr->total - keep, keep, r);
	}
	if (head < tr->headlen)
		tr->next = tr->head[head];
	tr->headmax = head;
	tr->headlen = hl;
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

/*
 * Copy [o, o + n) from wherever a read can reach it: the head (and the
 * byte kept after it), the ring, the backing.  Returns -1 when a byte
 * lies in the gap or the backing fails.
 */
static int
tr_get(const struct tr_view *v, size_t o, size_t n, char *dst)
{
	const struct textring	*tr = v->tr;
	size_t			 k;

	while (n > 0) {
		if (o < tr->headlen) {
			k = tr->headlen - o < n ? tr->headlen - o : n;
			memcpy(dst, tr->head + o, k);
		} else if (o == tr->headmax && o < tr->total && o < v->rstart) {
			k = 1;
			*dst = tr->next;
		} else if (o >= v->rstart) {
			k = n;
			tr_copy(tr, o, k, dst);
		} else if (o < v->ext) {
			k = (v->rstart < v->ext ? v->rstart : v->ext) - o;
			if (k > n)
				k = n;
			if (tr->back.read(tr->back.arg, o, dst, k) != 0)
				return (-1);
		} else
			return (-1);
		dst += k;
		o += k;
		n -= k;
	}
	return (0);
}

/* Copy the n bytes from off when all of them are held; else -1. */
int
textring_copy(const struct textring *tr, size_t off, size_t n, char *dst)
{
	struct tr_view	v;

	if (off > tr->total || n > tr->total - off)
		return (-1);
	memset(&v, 0, sizeof v);
	v.tr = tr;
	v.pre = tr->headlen;
	v.rstart = tr->total - tr->ringlen;
	return (tr_get(&v, off, n, dst));
}

/* The first offset at or after o, before end, where a character starts. */
static size_t
tr_char_start(const struct tr_view *v, size_t o, size_t end)
{
	char	c;
	int	k;

	for (k = 0; k < 3 && o < end; k++, o++) {
		if (tr_get(v, o, 1, &c) != 0 ||
		    ((unsigned char)c & 0xc0) != 0x80)
			break;
	}
	return (o);
}

char *
textring_read(const struct textring *tr, size_t off, size_t max,
    const char *ref, size_t *len, size_t *omitted)
{
	struct tr_view	 v;
	char		*out;

	*len = *omitted = 0;
	if (off > tr->total)
		return (NULL);
	if (off == tr->total)
		return (xcalloc(1, 1));
	memset(&v, 0, sizeof v);
	v.tr = tr;
	v.rstart = tr->total - tr->ringlen;
	if (tr->back.read != NULL && max != 0) {
		v.ext = tr->back.extent(tr->back.arg);
		if (v.ext > tr->total)
			v.ext = tr->total;
	}
	v.pre = v.ext > tr->headlen ? v.ext : tr->headlen;
	if ((out = tr_read(&v, off, max, ref, len, omitted)) != NULL)
		return (out);
	/* The backing failed: what memory holds still answers. */
	v.ext = 0;
	v.pre = tr->headlen;
	return (tr_read(&v, off, max, ref, len, omitted));
}

static char *
tr_read(const struct tr_view *v, size_t off, size_t max, const char *ref,
    size_t *len, size_t *omitted)
{
	if (off >= v->rstart || v->pre >= v->rstart)
		return (tr_read_whole(v, off, max, ref, len, omitted));
	return (tr_read_gap(v, off, max, ref, len, omitted));
}

/*
 * All of the text from off can be reached: whole, or cut as a struct cap
 * fed it from its first whole character would cut it.
 */
static char *
tr_read_whole(const struct tr_view *v, size_t off, size_t max,
    const char *ref, size_t *len, size_t *omitted)
{
	size_t	 total = v->tr->total, start, n, hb, tb, h, t, k;
	char	*out = NULL, *head = NULL, *tail = NULL;

	start = tr_char_start(v, off, total);
	n = total - start;
	if (max == 0 || n <= max) {
		out = xmalloc(n + 1);
		if (tr_get(v, start, n, out) != 0) {
			free(out);
			return (NULL);
		}
		out[n] = '\0';
		*len = n;
		*omitted = start - off;
		return (out);
	}
	hb = max / 4;
	tb = max - hb;
	head = xmalloc(hb + 1);
	tail = xmalloc(tb + 1);
	if (tr_get(v, start, hb + 1, head) == 0 &&
	    tr_get(v, total - tb - 1, tb + 1, tail) == 0) {
		h = cap_cut_head(head, hb, head[hb]);
		t = cap_cut_tail(tail + 1, tb, tail[0]);
		k = n - h - (tb - t);
		out = cap_join(head, h, k, ref, tail + 1 + t, tb - t, len);
		*omitted = start - off + k;
	}
	free(head);
	free(tail);
	return (out);
}

/*
 * A read across the gap: whole characters from off to the gap, the
 * omitted line, whole characters of the ring; cut at the gap when the two
 * together exceed max.
 */
static char *
tr_read_gap(const struct tr_view *v, size_t off, size_t max,
    const char *ref, size_t *len, size_t *omitted)
{
	const struct textring	*tr = v->tr;
	size_t			 a = off, alen = 0, araw = 0, b, blen, hb, tb;
	size_t			 k, n;
	char			 last4[4], *abuf, *bbuf, *out = NULL;

	if (off < v->pre) {
		a = tr_char_start(v, off, v->pre);
		araw = v->pre - a;
		k = araw < 4 ? araw : 4;
		if (tr_get(v, v->pre - k, k, last4) != 0)
			return (NULL);
		alen = araw - (k - utf8_truncate(last4, k));
	}
	b = tr_char_start(v, v->rstart, tr->total);
	blen = tr->total - b;
	abuf = NULL;
	if (max != 0 && alen + blen > max) {
		hb = max / 4;
		tb = max - hb;
		abuf = xmalloc(hb + 1);
		if (araw > hb || (araw == hb && araw > 0 &&
		    tr_get(v, a + hb, 1, abuf + hb) == 0)) {
			if (tr_get(v, a, araw > hb ? hb + 1 : hb, abuf) != 0)
				goto out;
			alen = cap_cut_head(abuf, hb, abuf[hb]);
		}
		if (blen > tb) {
			bbuf = xmalloc(tb + 1);
			tr_copy(tr, tr->total - tb - 1, tb + 1, bbuf);
			blen = tb - cap_cut_tail(bbuf + 1, tb, bbuf[0]);
			b = tr->total - blen;
			free(bbuf);
		}
	}
	/* Now at most max bytes, or all the head when there is no cap. */
	if (abuf == NULL || alen > max / 4) {
		free(abuf);
		abuf = xmalloc(alen + 1);
	}
	if (tr_get(v, a, alen, abuf) != 0)
		goto out;
	bbuf = xmalloc(blen + 1);
	tr_copy(tr, b, blen, bbuf);
	n = tr->total - off - alen - blen;
	out = cap_join(abuf, alen, n, ref, bbuf, blen, len);
	*omitted = n;
	free(bbuf);
out:
	free(abuf);
	return (out);
}
