/*
 * agentview.c: the text an agent receives, rendered from raw PTY bytes.
 *
 * Owns the escape-sequence filter, the held lines of the cursor window and
 * the order in which text becomes final.  The rules and limits are in
 * agentview.h.  It must never block, never write anywhere but through the
 * emit callback, never hold memory beyond its limits, and never let an
 * escape, a C1 control or invalid UTF-8 through.
 *
 * The filter follows the states of the DEC parser (vt100.net) reduced to
 * what plain text needs: parameters are kept only for CSI, strings are
 * swallowed, nothing is ever answered.  Bytes go through the UTF-8
 * decoder first, so C1 controls are recognised in their UTF-8 form.
 *
 * Each held line is an array of 32-bit cells, one per column, so every
 * cursor move and overwrite is O(1) in the line's length: a cell is a code
 * point, CELL_CONT (the right half of a wide character) or CELL_CLUSTER |
 * index of a pooled UTF-8 string (a character with its zero-width marks).
 * The hot path is a run of printable ASCII written at the end of a line:
 * it is found eight bytes at a time and copied without a call per byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentview.h"
#include "utf8.h"
#include "xmalloc.h"

#define AV_OUT_SIZE	65536
#define AV_OUT_ROOM	(AGENTVIEW_CLUSTER_BYTES + 8)
#define AV_KEEP_CELLS	1024
#define AV_POOL		32
#define AV_PARAM_MAX	(1U << 24)
#define AV_FAST_CSI	(AGENTVIEW_MAX_SEQ < 60 ? AGENTVIEW_MAX_SEQ : 60)
#define AV_NOCLUSTER	UINT32_MAX

#define CELL_CONT	0xffffffffU
#define CELL_CLUSTER	0x80000000U
#define IS_CLUSTER(c)	(((c) & CELL_CLUSTER) != 0 && (c) != CELL_CONT)

enum av_state {
	AV_GROUND,
	AV_ESC,		/* after ESC, gathering intermediates */
	AV_CSI,		/* after CSI, gathering parameters */
	AV_STR,		/* inside OSC, DCS, SOS, PM or APC */
	AV_STR_ESC	/* ESC inside a string: ST or a new sequence */
};

/* One held line: cells in use, cells allocated, cells holding marks. */
struct avline {
	uint32_t	*cells;
	size_t		 len;
	size_t		 cap;
	size_t		 nclust;
};

/* A cell array kept for reuse by the next new line. */
struct avspare {
	uint32_t	*cells;
	size_t		 cap;
};

/* A character with its zero-width marks, as UTF-8. */
struct avcluster {
	uint32_t	next;	/* free list link */
	uint8_t		len;
	char		s[AGENTVIEW_CLUSTER_BYTES];
};

struct agentview {
	int			 cr_newline;
	size_t			 window;
	agentview_emit_cb	 emit;
	void			*arg;

	struct utf8_decoder	 dec;
	enum av_state		 state;
	size_t			 seqlen;	/* bytes of this sequence */
	int			 esc_inter;	/* ESC had intermediates */
	int			 csi_ignore;	/* a CSI we do not act on */
	unsigned int		 nparams;
	uint32_t		 params[AGENTVIEW_MAX_PARAMS + 1];
	int			 just_cr;	/* cr_newline: a CR last */

	/*
	 * The held lines: a ring of window slots from slot top; the cursor
	 * is on line cy (0 = top), column cx; held counts the cells they
	 * allocate; pool keeps the arrays of lines that became final.
	 */
	struct avline		*lines;
	size_t			 top;
	size_t			 nlines;
	size_t			 cy;
	size_t			 cx;
	size_t			 held;
	struct avspare		 pool[AV_POOL];
	size_t			 npool;

	struct avcluster	*clusters;
	size_t			 nclusters;
	size_t			 capclusters;
	uint32_t		 freeclust;

	char			*out;
	size_t			 outlen;
	int			 finished;
};

static struct avline *av_line(struct agentview *, size_t);
static struct avline *av_cur(struct agentview *);
static void	av_reserve(struct agentview *, struct avline *, size_t);
static void	av_pad(struct agentview *, struct avline *, size_t);
static void	av_unclust(struct agentview *, struct avline *, size_t);
static void	av_blank(struct agentview *, struct avline *, size_t);
static void	av_prepare(struct agentview *, struct avline *, size_t,
		    size_t);
static inline void av_overwrite(struct agentview *, struct avline *, size_t,
		    size_t);
static void	av_reset_line(struct agentview *, struct avline *);
static uint32_t	av_cluster_new(struct agentview *);
static void	av_flush(struct agentview *);
static size_t	av_narrow(struct agentview *, const uint32_t *, size_t,
		    size_t);
static void	av_emit_cells(struct agentview *, const uint32_t *, size_t);
static inline size_t av_cell_encode(const struct agentview *, uint32_t,
		    char *);
static size_t	av_cell_len(const struct agentview *, uint32_t);
static size_t	av_trimmed(const uint32_t *, size_t);
static int	av_pending_prints(const struct agentview *);
static uint32_t	*av_tail_fix(struct agentview *, size_t *);
static size_t	av_tail_render(struct agentview *, const uint32_t *, size_t,
		    char *);
static void	av_final_top(struct agentview *, int);
static void	av_check(struct agentview *);
static void	av_put_ascii(struct agentview *, const uint8_t *, size_t);
static inline void av_widen(uint32_t *, const uint8_t *, size_t);
static inline int av_append(struct agentview *, const uint8_t *, size_t);
static void	av_put_text(struct agentview *, const uint8_t *, size_t);
static void	av_print(struct agentview *, uint32_t);
static void	av_combine(struct agentview *, uint32_t);
static void	av_next_line(struct agentview *);
static void	av_index(struct agentview *);
static void	av_newline(struct agentview *);
static void	av_keep_col(struct agentview *);
static void	av_up(struct agentview *, size_t);
static void	av_down(struct agentview *, size_t);
static void	av_right(struct agentview *, size_t);
static void	av_erase_line(struct agentview *, uint32_t);
static void	av_erase_chars(struct agentview *, size_t);
static void	av_delete_chars(struct agentview *, size_t);
static void	av_insert_chars(struct agentview *, size_t);
static void	av_c0(struct agentview *, uint32_t);
static void	av_c1(struct agentview *, uint32_t);
static void	av_esc_begin(struct agentview *);
static void	av_esc_final(struct agentview *, uint32_t);
static void	av_csi_final(struct agentview *, uint32_t);
static int	av_in_seq_control(struct agentview *, uint32_t);
static int	av_in_esc(struct agentview *, uint32_t);
static int	av_in_csi(struct agentview *, uint32_t);
static int	av_in_str(struct agentview *, uint32_t);
static void	av_cp(struct agentview *, uint32_t);
static const uint8_t *av_scan(const uint8_t *, const uint8_t *);
static const uint8_t *av_fast_csi(struct agentview *, const uint8_t *,
		    const uint8_t *);
static const uint8_t *av_fast_utf8(struct agentview *, const uint8_t *,
		    const uint8_t *);
static const uint8_t *av_fast_utf8_one(struct agentview *, const uint8_t *,
		    const uint8_t *);

struct agentview *
agentview_new(const struct agentview_opts *opts, agentview_emit_cb emit,
    void *arg)
{
	struct agentview	*av;

	av = xcalloc(1, sizeof(*av));
	av->window = AGENTVIEW_DEFAULT_WINDOW;
	if (opts != NULL) {
		av->cr_newline = opts->cr_newline != 0;
		if (opts->window != 0)
			av->window = opts->window;
	}
	if (av->window > AGENTVIEW_MAX_WINDOW)
		av->window = AGENTVIEW_MAX_WINDOW;
	av->emit = emit;
	av->arg = arg;
	utf8_decoder_init(&av->dec);
	av->state = AV_GROUND;
	av->lines = xcalloc(av->window, sizeof(*av->lines));
	av->nlines = 1;
	av->freeclust = AV_NOCLUSTER;
	av->out = xmalloc(AV_OUT_SIZE);
	return (av);
}

void
agentview_free(struct agentview *av)
{
	size_t	i;

	if (av == NULL)
		return;
	for (i = 0; i < av->window; i++)
		free(av->lines[i].cells);
	for (i = 0; i < av->npool; i++)
		free(av->pool[i].cells);
	free(av->lines);
	free(av->clusters);
	free(av->out);
	free(av);
}

/*
 * Feed raw bytes.  In the ground state with no UTF-8 sequence pending,
 * runs of printable ASCII, CR and LF, whole simple CSI sequences and whole
 * UTF-8 characters take fast paths that do exactly what the state machine
 * would; everything else goes byte by byte through the decoder and the
 * state machine.  Fed one byte at a time, sequences and characters
 * always take the slow path, which is how the tests compare the two.
 */
void
agentview_feed(struct agentview *av, const void *buf, size_t len)
{
	const uint8_t	*p = buf, *end, *q;
	uint32_t	 cp[2];
	uint8_t		 b;
	int		 i, n;

	if (av->finished || len == 0)
		return;
	end = p + len;
	while (p < end) {
		if (av->state == AV_GROUND && av->dec.need == 0) {
			q = av_scan(p, end);
			if (q != p) {
				if (!av_append(av, p, q - p))
					av_put_text(av, p, q - p);
				p = q;
				continue;
			}
			b = *p;
			if (b == '\r' || b == '\n') {
				av_c0(av, b);
				p++;
				continue;
			}
			if (b == 0x1b)
				q = av_fast_csi(av, p, end);
			else if (b >= 0xc2 && b <= 0xf4)
				q = av_fast_utf8(av, p, end);
			else
				q = p;
			if (q != p) {
				p = q;
				continue;
			}
		}
		b = *p++;
		if (av->state != AV_GROUND)
			av->seqlen++;
		if (b < 0x80 && av->dec.need == 0) {
			av_cp(av, b);
			continue;
		}
		n = utf8_decode_byte(&av->dec, b, cp);
		for (i = 0; i < n; i++)
			av_cp(av, cp[i]);
	}
	av_flush(av);
}

/* End of input: a cut-short UTF-8 sequence is U+FFFD; all lines go out. */
void
agentview_finish(struct agentview *av)
{
	uint32_t	cp[1];

	if (av->finished)
		return;
	if (utf8_decode_finish(&av->dec, cp))
		av_cp(av, cp[0]);
	while (av->nlines > 0)
		av_final_top(av, av->nlines > 1);
	av->finished = 1;
	av_flush(av);
}

/*
 * The held lines as agentview_finish() would emit them now, without
 * finishing: measured, then written, both O(the held cells).  The flush
 * keeps the guarantee of agentview.h whatever the caller did before;
 * after a feed nothing is gathered and it emits nothing.
 */
size_t
agentview_tail(struct agentview *av, char **buf)
{
	uint32_t	*fix = NULL;
	size_t		 fixlen = 0, len;

	av_flush(av);
	if (av->dec.need != 0 && av_pending_prints(av))
		fix = av_tail_fix(av, &fixlen);
	len = av_tail_render(av, fix, fixlen, NULL);
	*buf = xmalloc(len + 1);
	av_tail_render(av, fix, fixlen, *buf);
	(*buf)[len] = '\0';
	free(fix);
	return (len);
}

/*
 * Would agentview_finish() print the U+FFFD it makes of a cut-short UTF-8
 * sequence?  A string swallows it until it is too long (av_in_str); every
 * other state ends there and prints it (av_cp).
 */
static int
av_pending_prints(const struct agentview *av)
{
	return (av->state != AV_STR || av->seqlen > AGENTVIEW_MAX_STRING);
}

/*
 * A copy of the cursor line with that U+FFFD printed as av_print() would
 * print it (one column): padded to the cursor, a wide character it cuts
 * turned into a space.  Printing it for real could also make text final
 * early (av_check), which changes when text is emitted but not what, so
 * the copy gives the same text.
 */
static uint32_t *
av_tail_fix(struct agentview *av, size_t *lenp)
{
	struct avline	*l = av_cur(av);
	size_t		 cx = av->cx, n, i;
	uint32_t	*c;

	n = l->len > cx + 1 ? l->len : cx + 1;
	c = xreallocarray(NULL, n, sizeof(*c));
	if (l->len != 0)
		memcpy(c, l->cells, l->len * sizeof(*c));
	for (i = l->len; i < cx; i++)
		c[i] = ' ';
	if (cx < l->len && c[cx] == CELL_CONT && cx > 0)
		c[cx - 1] = ' ';
	if (cx + 1 < l->len && c[cx + 1] == CELL_CONT)
		c[cx + 1] = ' ';
	c[cx] = UTF8_REPLACEMENT;
	*lenp = n;
	return (c);
}

/*
 * The held lines, fix standing for the cursor line if not NULL, each
 * without its trailing spaces: written to out, or only measured when out
 * is NULL.
 */
static size_t
av_tail_render(struct agentview *av, const uint32_t *fix, size_t fixlen,
    char *out)
{
	const struct avline	*l;
	const uint32_t		*cells;
	size_t			 i, j, n, len = 0;

	for (i = 0; i < av->nlines; i++) {
		l = av_line(av, i);
		cells = l->cells;
		n = l->len;
		if (fix != NULL && i == av->cy) {
			cells = fix;
			n = fixlen;
		}
		n = av_trimmed(cells, n);
		for (j = 0; j < n; j++) {
			if (out != NULL)
				len += av_cell_encode(av, cells[j], out + len);
			else
				len += av_cell_len(av, cells[j]);
		}
		if (i + 1 < av->nlines) {
			if (out != NULL)
				out[len] = '\n';
			len++;
		}
	}
	return (len);
}

/*
 * The end of the run of bytes 0x20..0x7e starting at p.  Eight bytes at a
 * time: a byte is flagged if its top bit is set, if it is below 0x20, or
 * if it is 0x7f.  Borrows can flag bytes above a flagged one, never below,
 * so on a little-endian machine the lowest flag is the run's end.
 */
static const uint8_t *
av_scan(const uint8_t *p, const uint8_t *end)
{
	const uint64_t	ones = 0x0101010101010101ULL;
	const uint64_t	high = 0x8080808080808080ULL;
	uint64_t	w, del, flags;

	while (end - p >= 8) {
		memcpy(&w, p, sizeof(w));
		del = w ^ (0x7f * ones);
		flags = (w | ((w - 0x20 * ones) & ~w) | ((del - ones) & ~del)) &
		    high;
		if (flags != 0) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return (p + (__builtin_ctzll(flags) >> 3));
#else
			break;
#endif
		}
		p += 8;
	}
	while (p < end && *p >= 0x20 && *p < 0x7f)
		p++;
	return (p);
}

/*
 * A whole CSI of parameters and ';' only, starting at the ESC at p, acted
 * on at once: what the state machine would do, without a call per byte.
 * Returns the byte after it, or p to leave it to the state machine
 * (incomplete, unusual, or long: the final byte lies within
 * AGENTVIEW_MAX_SEQ, so the length bound never applies here).
 */
static const uint8_t *
av_fast_csi(struct agentview *av, const uint8_t *p, const uint8_t *end)
{
	const uint8_t	*s, *f, *lim;
	unsigned int	 n = 1;
	uint32_t	*v = &av->params[0];

	if (end - p < 3 || p[1] != '[')
		return (p);
	lim = end - p > 2 + AV_FAST_CSI ? p + 2 + AV_FAST_CSI : end;
	for (f = p + 2; f < lim && ((uint8_t)(*f - '0') <= 9 || *f == ';'); f++)
		;
	if (f == lim || *f < 0x40 || *f >= 0x7f)
		return (p);
	if (*f == 'm')
		return (f + 1);
	*v = 0;
	for (s = p + 2; s < f; s++) {
		if (*s == ';') {
			if (n <= AGENTVIEW_MAX_PARAMS)
				n++;
			v = &av->params[n - 1];
			*v = 0;
		} else if (*v < AV_PARAM_MAX)
			*v = *v * 10 + (*s - '0');
	}
	av->nparams = n;
	av_csi_final(av, *f);
	return (f + 1);
}

/*
 * Whole, valid UTF-8 sequences at p that are not C1 controls, printed at
 * once.  Returns the byte after them, or p to leave the first to the
 * decoder.
 */
static const uint8_t *
av_fast_utf8(struct agentview *av, const uint8_t *p, const uint8_t *end)
{
	const uint8_t	*q;

	while (p < end && *p >= 0xc2 && *p <= 0xf4) {
		q = av_fast_utf8_one(av, p, end);
		if (q == p)
			break;
		p = q;
	}
	return (p);
}

/* One whole, valid UTF-8 sequence at p (see av_fast_utf8). */
static const uint8_t *
av_fast_utf8_one(struct agentview *av, const uint8_t *p, const uint8_t *end)
{
	uint32_t	cp;
	size_t		n;
	uint8_t		lo = 0x80, hi = 0xbf;

	if (p[0] < 0xe0) {
		if (end - p < 2 || (p[1] & 0xc0) != 0x80)
			return (p);
		cp = ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
		if (cp < 0xa0)
			return (p);
		n = 2;
	} else if (p[0] < 0xf0) {
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
		if (end - p < 3 || p[1] < lo || p[1] > hi ||
		    (p[2] & 0xc0) != 0x80)
			return (p);
		cp = ((uint32_t)(p[0] & 0x0f) << 12) |
		    ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
		n = 3;
	} else {
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
		if (end - p < 4 || p[1] < lo || p[1] > hi ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return (p);
		cp = ((uint32_t)(p[0] & 0x07) << 18) |
		    ((uint32_t)(p[1] & 0x3f) << 12) |
		    ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
		n = 4;
	}
	av_print(av, cp);
	return (p + n);
}

static struct avline *
av_line(struct agentview *av, size_t i)
{
	size_t	slot = av->top + i;

	if (slot >= av->window)
		slot -= av->window;
	return (&av->lines[slot]);
}

static struct avline *
av_cur(struct agentview *av)
{
	return (av_line(av, av->cy));
}

/*
 * Make room for n cells; the memory counts against AGENTVIEW_MAX_HELD.  A
 * new line starts with a spare array from the pool when there is one.
 */
static void
av_reserve(struct agentview *av, struct avline *l, size_t n)
{
	size_t	cap;

	if (n <= l->cap)
		return;
	if (l->cap == 0 && av->npool > 0) {
		av->npool--;
		l->cells = av->pool[av->npool].cells;
		l->cap = av->pool[av->npool].cap;
		av->held += l->cap;
		if (n <= l->cap)
			return;
	}
	cap = l->cap != 0 ? l->cap : 64;
	while (cap < n)
		cap *= 2;
	l->cells = xreallocarray(l->cells, cap, sizeof(*l->cells));
	av->held += cap - l->cap;
	l->cap = cap;
}

/* Extend the line with spaces to n cells. */
static void
av_pad(struct agentview *av, struct avline *l, size_t n)
{
	size_t	i;

	if (n <= l->len)
		return;
	av_reserve(av, l, n);
	for (i = l->len; i < n; i++)
		l->cells[i] = ' ';
	l->len = n;
}

/* Give back the marks of cell i (the caller replaces the cell). */
static void
av_unclust(struct agentview *av, struct avline *l, size_t i)
{
	uint32_t	idx = l->cells[i] & ~CELL_CLUSTER;

	av->clusters[idx].next = av->freeclust;
	av->freeclust = idx;
	l->nclust--;
}

static void
av_blank(struct agentview *av, struct avline *l, size_t i)
{
	if (IS_CLUSTER(l->cells[i]))
		av_unclust(av, l, i);
	l->cells[i] = ' ';
}

/*
 * Before cells [a, b) of a line are replaced: give back their marks, and
 * turn into a space the surviving half of a wide character cut by either
 * edge.
 */
static void
av_prepare(struct agentview *av, struct avline *l, size_t a, size_t b)
{
	size_t	i, lim;

	if (a >= l->len)
		return;
	lim = b < l->len ? b : l->len;
	if (l->cells[a] == CELL_CONT && a > 0)
		av_blank(av, l, a - 1);
	if (l->nclust != 0) {
		for (i = a; i < lim; i++)
			if (IS_CLUSTER(l->cells[i]))
				av_unclust(av, l, i);
	}
	if (b < l->len && l->cells[b] == CELL_CONT)
		l->cells[b] = ' ';
}

/* av_prepare, skipped when nothing in [a, b) or at its edges needs it. */
static inline void
av_overwrite(struct agentview *av, struct avline *l, size_t a, size_t b)
{
	if (a >= l->len)
		return;
	if (l->nclust != 0 || l->cells[a] == CELL_CONT ||
	    (b < l->len && l->cells[b] == CELL_CONT))
		av_prepare(av, l, a, b);
}

/*
 * Empty a line that became final.  Its array goes to the pool if it is
 * small and the pool has room, else back to the allocator, so memory
 * outside the held lines stays under AV_POOL * AV_KEEP_CELLS cells.
 */
static void
av_reset_line(struct agentview *av, struct avline *l)
{
	av_prepare(av, l, 0, l->len);
	l->len = 0;
	if (l->cap == 0)
		return;
	av->held -= l->cap;
	if (l->cap <= AV_KEEP_CELLS && av->npool < AV_POOL) {
		av->pool[av->npool].cells = l->cells;
		av->pool[av->npool].cap = l->cap;
		av->npool++;
	} else
		free(l->cells);
	l->cells = NULL;
	l->cap = 0;
}

static uint32_t
av_cluster_new(struct agentview *av)
{
	uint32_t	idx;

	if (av->freeclust != AV_NOCLUSTER) {
		idx = av->freeclust;
		av->freeclust = av->clusters[idx].next;
		return (idx);
	}
	if (av->nclusters == AGENTVIEW_MAX_CLUSTERS)
		return (AV_NOCLUSTER);
	if (av->nclusters == av->capclusters) {
		av->capclusters = av->capclusters != 0 ?
		    av->capclusters * 2 : 64;
		av->clusters = xreallocarray(av->clusters, av->capclusters,
		    sizeof(*av->clusters));
	}
	return ((uint32_t)av->nclusters++);
}

static void
av_flush(struct agentview *av)
{
	if (av->outlen == 0)
		return;
	if (av->emit != NULL)
		av->emit(av->out, av->outlen, av->arg);
	av->outlen = 0;
}

/*
 * Copy ASCII cells [i, lim) to the output buffer, eight at a time while
 * they last (unrolled so that compilers vectorise it); returns where the
 * first non-ASCII cell or lim is.
 */
static size_t
av_narrow(struct agentview *av, const uint32_t *cells, size_t i, size_t lim)
{
	const uint32_t	*c;
	char		*o = av->out + av->outlen;
	size_t		 start = i;

	for (; lim - i >= 8; i += 8) {
		c = cells + i;
		if ((c[0] | c[1] | c[2] | c[3] | c[4] | c[5] | c[6] | c[7]) >=
		    0x80)
			break;
		o[0] = (char)c[0];
		o[1] = (char)c[1];
		o[2] = (char)c[2];
		o[3] = (char)c[3];
		o[4] = (char)c[4];
		o[5] = (char)c[5];
		o[6] = (char)c[6];
		o[7] = (char)c[7];
		o += 8;
	}
	for (; i < lim && cells[i] < 0x80; i++)
		*o++ = (char)cells[i];
	av->outlen += i - start;
	return (i);
}

/* Encode cells into the output buffer, flushing at character boundaries. */
static void
av_emit_cells(struct agentview *av, const uint32_t *cells, size_t n)
{
	size_t		 i = 0, lim;
	uint32_t	 c;

	while (i < n) {
		if (av->outlen >= AV_OUT_SIZE - AV_OUT_ROOM)
			av_flush(av);
		lim = n - i;
		if (lim > AV_OUT_SIZE - AV_OUT_ROOM - av->outlen)
			lim = AV_OUT_SIZE - AV_OUT_ROOM - av->outlen;
		lim += i;
		i = av_narrow(av, cells, i, lim);
		if (i == lim)
			continue;
		c = cells[i++];
		av->outlen += av_cell_encode(av, c, av->out + av->outlen);
	}
}

/* One cell as UTF-8 (nothing for the right half of a wide character). */
static inline size_t
av_cell_encode(const struct agentview *av, uint32_t c, char *out)
{
	const struct avcluster	*cl;

	if (c == CELL_CONT)
		return (0);
	if (IS_CLUSTER(c)) {
		cl = &av->clusters[c & ~CELL_CLUSTER];
		memcpy(out, cl->s, cl->len);
		return (cl->len);
	}
	return (utf8_encode_cp(c, out));
}

/* The bytes av_cell_encode() writes for a cell. */
static size_t
av_cell_len(const struct agentview *av, uint32_t c)
{
	if (c == CELL_CONT)
		return (0);
	if (IS_CLUSTER(c))
		return (av->clusters[c & ~CELL_CLUSTER].len);
	return (utf8_encoded_len(c));
}

/* The cells of a line that go out: all but its trailing spaces. */
static size_t
av_trimmed(const uint32_t *cells, size_t n)
{
	while (n > 0 && cells[n - 1] == ' ')
		n--;
	return (n);
}

/*
 * The top held line becomes final: out it goes without its trailing
 * spaces, followed by a newline when a line follows it.
 */
static void
av_final_top(struct agentview *av, int newline)
{
	struct avline	*l = av_line(av, 0);

	av_emit_cells(av, l->cells, av_trimmed(l->cells, l->len));
	if (newline) {
		if (av->outlen > AV_OUT_SIZE - AV_OUT_ROOM)
			av_flush(av);
		av->out[av->outlen++] = '\n';
	}
	av_reset_line(av, l);
	if (++av->top == av->window)
		av->top = 0;
	av->nlines--;
	if (av->cy > 0)
		av->cy--;
}

/*
 * Enforce the memory limits after the cursor line grew: first the oldest
 * lines go; a line longer than AGENTVIEW_MAX_LINE then gives its first
 * half (never half a wide character) to the output.
 */
static void
av_check(struct agentview *av)
{
	struct avline	*l;
	size_t		 k;

	while (av->held > AGENTVIEW_MAX_HELD && av->cy > 0)
		av_final_top(av, 1);
	l = av_cur(av);
	while (l->len > AGENTVIEW_MAX_LINE) {
		while (av->cy > 0)
			av_final_top(av, 1);
		l = av_cur(av);
		k = l->len / 2;
		if (l->cells[k] == CELL_CONT)
			k++;
		av_emit_cells(av, l->cells, k);
		av_prepare(av, l, 0, k);
		memmove(l->cells, l->cells + k, (l->len - k) *
		    sizeof(*l->cells));
		l->len -= k;
		av->cx = av->cx > k ? av->cx - k : 0;
	}
}

/* Write printable ASCII (or TAB) at the cursor. */
static void
av_put_ascii(struct agentview *av, const uint8_t *p, size_t n)
{
	struct avline	*l = av_cur(av);
	size_t		 cx = av->cx, end = cx + n;

	av->just_cr = 0;
	if (cx > l->len)
		av_pad(av, l, cx);
	else if (cx < l->len)
		av_overwrite(av, l, cx, end);
	av_reserve(av, l, end);
	av_widen(l->cells + cx, p, n);
	if (end > l->len)
		l->len = end;
	av->cx = end;
	if (l->len > AGENTVIEW_MAX_LINE || av->held > AGENTVIEW_MAX_HELD)
		av_check(av);
}

/* Bytes to cells, eight at a time (unrolled so that compilers vectorise). */
static inline void
av_widen(uint32_t *c, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; n - i >= 8; i += 8) {
		c[i] = p[i];
		c[i + 1] = p[i + 1];
		c[i + 2] = p[i + 2];
		c[i + 3] = p[i + 3];
		c[i + 4] = p[i + 4];
		c[i + 5] = p[i + 5];
		c[i + 6] = p[i + 6];
		c[i + 7] = p[i + 7];
	}
	for (; i < n; i++)
		c[i] = p[i];
}

/*
 * The common case of av_put_text, inline: the cursor is at the end of its
 * line and the run fits in the array and under AGENTVIEW_MAX_LINE, so
 * nothing is overwritten, padded, allocated or cut.  Returns 0 to leave
 * the run to av_put_text.
 */
static inline int
av_append(struct agentview *av, const uint8_t *p, size_t n)
{
	struct avline	*l = av_cur(av);

	if (av->cx != l->len || n > l->cap - l->len ||
	    n > AGENTVIEW_MAX_LINE - l->len)
		return (0);
	av_widen(l->cells + l->len, p, n);
	l->len += n;
	av->cx = l->len;
	av->just_cr = 0;
	return (1);
}

/*
 * A run of printable ASCII, in pieces that end where one character at a
 * time would first make the line too long, so that the line is cut at the
 * same place however the input was chunked.
 */
static void
av_put_text(struct agentview *av, const uint8_t *p, size_t n)
{
	size_t	k;

	while (n > 0) {
		k = n < AGENTVIEW_MAX_PAD ? n : AGENTVIEW_MAX_PAD;
		if (av->cx > AGENTVIEW_MAX_LINE)
			k = 1;
		else if (k > AGENTVIEW_MAX_LINE + 1 - av->cx)
			k = AGENTVIEW_MAX_LINE + 1 - av->cx;
		av_put_ascii(av, p, k);
		p += k;
		n -= k;
	}
}

/* Write one character (not a control) at the cursor. */
static void
av_print(struct agentview *av, uint32_t cp)
{
	struct avline	*l;
	size_t		 cx, end;
	unsigned int	 w;
	uint8_t		 b;

	if (cp < 0x80) {
		b = (uint8_t)cp;
		av_put_ascii(av, &b, 1);
		return;
	}
	w = utf8_width(cp);
	if (w == 0) {
		if (av->cx > 0) {
			av_combine(av, cp);
			return;
		}
		w = 1;
	}
	av->just_cr = 0;
	l = av_cur(av);
	cx = av->cx;
	end = cx + w;
	if (cx > l->len)
		av_pad(av, l, cx);
	av_overwrite(av, l, cx, end);
	av_reserve(av, l, end);
	l->cells[cx] = cp;
	if (w == 2)
		l->cells[cx + 1] = CELL_CONT;
	if (end > l->len)
		l->len = end;
	av->cx = end;
	if (l->len > AGENTVIEW_MAX_LINE || av->held > AGENTVIEW_MAX_HELD)
		av_check(av);
}

/*
 * A zero-width character joins the character left of the cursor (the
 * left half, if that is the right half of a wide one).
 */
static void
av_combine(struct agentview *av, uint32_t cp)
{
	struct avline		*l = av_cur(av);
	struct avcluster	*cl;
	size_t			 t, k = utf8_encoded_len(cp);
	uint32_t		 c, idx;

	av->just_cr = 0;
	if (av->cx > l->len) {
		av_pad(av, l, av->cx);
		if (l->len > AGENTVIEW_MAX_LINE ||
		    av->held > AGENTVIEW_MAX_HELD) {
			av_check(av);
			l = av_cur(av);
			if (av->cx == 0)
				return;
		}
	}
	t = av->cx - 1;
	if (l->cells[t] == CELL_CONT && t > 0)
		t--;
	c = l->cells[t];
	if (IS_CLUSTER(c)) {
		cl = &av->clusters[c & ~CELL_CLUSTER];
		if (cl->len + k <= AGENTVIEW_CLUSTER_BYTES)
			cl->len += utf8_encode_cp(cp, cl->s + cl->len);
		return;
	}
	if (c == CELL_CONT || (idx = av_cluster_new(av)) == AV_NOCLUSTER)
		return;
	cl = &av->clusters[idx];
	cl->len = utf8_encode_cp(c, cl->s);
	cl->len += utf8_encode_cp(cp, cl->s + cl->len);
	l->cells[t] = CELL_CLUSTER | idx;
	l->nclust++;
}

/* Down one line; at the bottom a new line scrolls in. */
static void
av_next_line(struct agentview *av)
{
	if (av->cy + 1 < av->nlines) {
		av->cy++;
		return;
	}
	if (av->nlines == av->window)
		av_final_top(av, 1);
	av->nlines++;
	av->cy = av->nlines - 1;
}

/* IND: the next line, the same column. */
static void
av_index(struct agentview *av)
{
	av_next_line(av);
	av_keep_col(av);
}

/* LF, VT, FF and NEL: column 0 of the next line. */
static void
av_newline(struct agentview *av)
{
	av->cx = 0;
	av_next_line(av);
}

/*
 * On another line the column stays, but past AGENTVIEW_MAX_PAD only as
 * far as that line's text (as av_right): else IND or CSI A from a long
 * line could make one short sequence pad a new line that long.
 */
static void
av_keep_col(struct agentview *av)
{
	size_t	lim = av_cur(av)->len;

	if (lim < AGENTVIEW_MAX_PAD)
		lim = AGENTVIEW_MAX_PAD;
	if (av->cx > lim)
		av->cx = lim;
}

/* CSI A and RI: up, never past the top of the window. */
static void
av_up(struct agentview *av, size_t n)
{
	if (n > av->cy)
		n = av->cy;
	if (n == 0)
		return;
	av->cy -= n;
	av_keep_col(av);
}

/* CSI B: down, never past the last line. */
static void
av_down(struct agentview *av, size_t n)
{
	if (n > av->nlines - 1 - av->cy)
		n = av->nlines - 1 - av->cy;
	if (n == 0)
		return;
	av->cy += n;
	av_keep_col(av);
}

/* Right, at most to AGENTVIEW_MAX_PAD or the end of the text if further. */
static void
av_right(struct agentview *av, size_t n)
{
	size_t	lim = av_cur(av)->len;

	if (lim < AGENTVIEW_MAX_PAD)
		lim = AGENTVIEW_MAX_PAD;
	if (av->cx >= lim)
		return;
	av->cx = lim - av->cx > n ? av->cx + n : lim;
}

/* CSI K: 0 from the cursor to the end, 1 from the start to it, 2 all. */
static void
av_erase_line(struct agentview *av, uint32_t mode)
{
	struct avline	*l = av_cur(av);
	size_t		 i, e;

	switch (mode) {
	case 0:
		if (av->cx < l->len) {
			av_prepare(av, l, av->cx, l->len);
			l->len = av->cx;
		}
		break;
	case 1:
		e = av->cx + 1;
		if (e >= l->len) {
			av_prepare(av, l, 0, l->len);
			l->len = 0;
			break;
		}
		av_prepare(av, l, 0, e);
		for (i = 0; i < e; i++)
			l->cells[i] = ' ';
		break;
	case 2:
		av_prepare(av, l, 0, l->len);
		l->len = 0;
		break;
	default:
		break;
	}
}

/* CSI X: n cells from the cursor become spaces; nothing moves. */
static void
av_erase_chars(struct agentview *av, size_t n)
{
	struct avline	*l = av_cur(av);
	size_t		 i, e;

	if (av->cx >= l->len)
		return;
	e = l->len - av->cx > n ? av->cx + n : l->len;
	av_prepare(av, l, av->cx, e);
	for (i = av->cx; i < e; i++)
		l->cells[i] = ' ';
}

/* CSI P: n cells at the cursor go; the rest of the line moves left. */
static void
av_delete_chars(struct agentview *av, size_t n)
{
	struct avline	*l = av_cur(av);
	size_t		 e;

	if (av->cx >= l->len)
		return;
	e = l->len - av->cx > n ? av->cx + n : l->len;
	av_prepare(av, l, av->cx, e);
	memmove(l->cells + av->cx, l->cells + e, (l->len - e) *
	    sizeof(*l->cells));
	l->len -= e - av->cx;
}

/* CSI @: n spaces at the cursor; the rest of the line moves right. */
static void
av_insert_chars(struct agentview *av, size_t n)
{
	struct avline	*l = av_cur(av);
	size_t		 i, cx = av->cx;

	if (cx >= l->len)
		return;
	if (n > AGENTVIEW_MAX_PAD)
		n = AGENTVIEW_MAX_PAD;
	if (l->cells[cx] == CELL_CONT) {
		if (cx > 0)
			av_blank(av, l, cx - 1);
		l->cells[cx] = ' ';
	}
	av_reserve(av, l, l->len + n);
	memmove(l->cells + cx + n, l->cells + cx, (l->len - cx) *
	    sizeof(*l->cells));
	for (i = cx; i < cx + n; i++)
		l->cells[i] = ' ';
	l->len += n;
	if (l->len > AGENTVIEW_MAX_LINE || av->held > AGENTVIEW_MAX_HELD)
		av_check(av);
}

/* Execute a C0 control (also inside sequences, as a terminal does). */
static void
av_c0(struct agentview *av, uint32_t c)
{
	switch (c) {
	case '\n':
	case '\v':
	case '\f':
		/* VT and FF are LF, as in a terminal. */
		if (av->cr_newline && av->just_cr) {
			av->just_cr = 0;
			break;
		}
		av_newline(av);
		break;
	case '\r':
		if (!av->cr_newline) {
			av->cx = 0;
			break;
		}
		if (!av->just_cr)
			av_newline(av);
		av->just_cr = 1;
		break;
	case '\b':
		av->just_cr = 0;
		if (av->cx > 0)
			av->cx--;
		break;
	case '\t':
		av_print(av, c);
		break;
	default:
		break;
	}
}

/* A C1 control acts as its ESC form and ends any sequence. */
static void
av_c1(struct agentview *av, uint32_t c)
{
	av->state = AV_GROUND;
	av->esc_inter = 0;
	av_esc_final(av, c - 0x40);
}

static void
av_esc_begin(struct agentview *av)
{
	av->state = AV_ESC;
	av->seqlen = 0;
	av->esc_inter = 0;
}

/* ESC + final with no intermediates. */
static void
av_esc_final(struct agentview *av, uint32_t f)
{
	av->state = AV_GROUND;
	switch (f) {
	case '[':
		av->state = AV_CSI;
		av->seqlen = 0;
		av->csi_ignore = 0;
		av->nparams = 1;
		av->params[0] = 0;
		break;
	case ']':
	case 'P':
	case 'X':
	case '^':
	case '_':
		av->state = AV_STR;
		av->seqlen = 0;
		break;
	case 'D':
		av->just_cr = 0;
		av_index(av);
		break;
	case 'E':
		av->just_cr = 0;
		av_newline(av);
		break;
	case 'M':
		av->just_cr = 0;
		av_up(av, 1);
		break;
	default:
		break;
	}
}

/* Act on a complete CSI sequence without private marker or intermediates. */
static void
av_csi_final(struct agentview *av, uint32_t f)
{
	uint32_t	p0 = av->params[0];
	size_t		n = p0 != 0 ? p0 : 1;

	switch (f) {
	case 'A':
		av_up(av, n);
		break;
	case 'B':
	case 'e':
		av_down(av, n);
		break;
	case 'C':
	case 'a':
		av_right(av, n);
		break;
	case 'D':
		av->cx = av->cx > n ? av->cx - n : 0;
		break;
	case 'E':
		av_down(av, n);
		av->cx = 0;
		break;
	case 'F':
		av_up(av, n);
		av->cx = 0;
		break;
	case 'G':
	case '`':
		av->cx = 0;
		av_right(av, n - 1);
		break;
	case 'K':
		av_erase_line(av, p0);
		return;
	case 'X':
		av_erase_chars(av, n);
		return;
	case 'P':
		av_delete_chars(av, n);
		return;
	case '@':
		av_insert_chars(av, n);
		return;
	default:
		return;
	}
	av->just_cr = 0;
}

/*
 * DEL and C0 controls inside an ESC or CSI sequence: DEL is ignored, C0 is
 * executed as a terminal does; ESC, CAN and SUB end the sequence (0).
 */
static int
av_in_seq_control(struct agentview *av, uint32_t cp)
{
	if (cp == 0x7f)
		return (1);
	if (cp < 0x20 && cp != 0x1b && cp != 0x18 && cp != 0x1a) {
		av_c0(av, cp);
		return (1);
	}
	return (0);
}

/*
 * A code point after ESC.  Returns 0 when the sequence ends without using
 * it (it then acts as in the ground state), else 1.
 */
static int
av_in_esc(struct agentview *av, uint32_t cp)
{
	if (av->seqlen > AGENTVIEW_MAX_SEQ)
		return (0);
	if (cp >= 0x20 && cp < 0x30) {
		av->esc_inter = 1;
		return (1);
	}
	if (cp >= 0x30 && cp < 0x7f) {
		if (av->esc_inter)
			av->state = AV_GROUND;
		else
			av_esc_final(av, cp);
		return (1);
	}
	return (av_in_seq_control(av, cp));
}

/* A code point inside a CSI sequence (as av_in_esc). */
static int
av_in_csi(struct agentview *av, uint32_t cp)
{
	uint32_t	*v;

	if (av->seqlen > AGENTVIEW_MAX_SEQ)
		return (0);
	if (cp >= '0' && cp <= '9') {
		v = &av->params[av->nparams - 1];
		if (*v < AV_PARAM_MAX)
			*v = *v * 10 + (cp - '0');
		return (1);
	}
	if (cp == ';') {
		if (av->nparams <= AGENTVIEW_MAX_PARAMS)
			av->nparams++;
		av->params[av->nparams - 1] = 0;
		return (1);
	}
	if (cp >= 0x40 && cp < 0x7f) {
		av->state = AV_GROUND;
		if (!av->csi_ignore)
			av_csi_final(av, cp);
		return (1);
	}
	if ((cp >= 0x20 && cp < 0x30) || cp == ':' ||
	    (cp >= 0x3c && cp <= 0x3f)) {
		av->csi_ignore = 1;
		return (1);
	}
	return (av_in_seq_control(av, cp));
}

/* A code point inside OSC, DCS, SOS, PM or APC (as av_in_esc). */
static int
av_in_str(struct agentview *av, uint32_t cp)
{
	if (av->seqlen > AGENTVIEW_MAX_STRING)
		return (0);
	if (cp == 0x1b) {
		av->state = AV_STR_ESC;
		return (1);
	}
	if (cp == 0x07) {
		av->state = AV_GROUND;
		return (1);
	}
	return (cp != 0x18 && cp != 0x1a && (cp < 0x80 || cp >= 0xa0));
}

/* One code point through the state machine. */
static void
av_cp(struct agentview *av, uint32_t cp)
{
	switch (av->state) {
	case AV_GROUND:
		break;
	case AV_ESC:
		if (av_in_esc(av, cp))
			return;
		break;
	case AV_CSI:
		if (av_in_csi(av, cp))
			return;
		break;
	case AV_STR:
		if (av_in_str(av, cp))
			return;
		break;
	case AV_STR_ESC:
		if (cp == '\\') {
			av->state = AV_GROUND;
			return;
		}
		av_esc_begin(av);
		if (av_in_esc(av, cp))
			return;
		break;
	}

	/* Ground, or a sequence ended by this code point. */
	av->state = AV_GROUND;
	if (cp >= 0xa0 || (cp >= 0x20 && cp < 0x7f))
		av_print(av, cp);
	else if (cp == 0x1b)
		av_esc_begin(av);
	else if (cp >= 0x80 && cp < 0xa0)
		av_c1(av, cp);
	else if (cp < 0x20 && cp != 0x18 && cp != 0x1a)
		av_c0(av, cp);
}
