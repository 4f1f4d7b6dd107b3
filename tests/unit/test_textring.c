/*
 * test_textring.c: a run's final text by offset (src/textring.c).
 *
 * A model works each read out again on the whole text, from what the
 * sizes say is still held; small texts are read at every offset with many
 * tiny heads, rings and caps, appended in several chunkings.  Fixed cases
 * check the exact omitted line, and a long run checks that memory stays
 * bounded.
 */
#include "rexec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap.h"
#include "textring.h"
#include "utf8.h"
#include "xmalloc.h"
#include "unit.h"

static int
is_cont(const char *v, size_t i)
{
	return (((uint8_t)v[i] & 0xc0) == 0x80);
}

/* The first character start at or after i, before end (at most 3 on). */
static size_t
skip_cont(const char *v, size_t i, size_t end)
{
	size_t	k;

	for (k = 0; k < 3 && i < end && is_cont(v, i); k++)
		i++;
	return (i);
}

/* The end of the last whole character in v[a, end). */
static size_t
whole_end(const char *v, size_t a, size_t end)
{
	size_t	i = end, need;

	while (i > a && is_cont(v, i - 1) && end - i < 3)
		i--;
	if (i == a || (uint8_t)v[i - 1] < 0xc0)
		return (end);
	need = (uint8_t)v[i - 1] >= 0xf0 ? 4 : (uint8_t)v[i - 1] >= 0xe0 ?
	    3 : 2;
	return (end - (i - 1) >= need ? end : i - 1);
}

/* cap.h's head rule on the h bytes at t (t[h] follows them). */
static size_t
rule_head(const char *t, size_t h)
{
	size_t	k = h, j;

	if (t[h] == '\n')
		return (h);
	while (k > 0 && is_cont(t, k))
		k--;
	for (j = k; j > 0 && t[j - 1] != '\n'; j--)
		;
	return (j > 0 && 2 * j >= h ? j : k);
}

/* cap.h's tail rule: where the kept tail of t[s, n) starts. */
static size_t
rule_tail(const char *t, size_t s, size_t n)
{
	size_t	start = s, j;

	if (t[s - 1] == '\n')
		return (s);
	while (start < n && is_cont(t, start))
		start++;
	for (j = start; j < n && t[j] != '\n'; j++)
		;
	if (j < n && n - (j + 1) > 0 && 2 * (n - (j + 1)) >= n - s)
		return (j + 1);
	return (start);
}

static char *
capped(const char *t, size_t n, size_t max, const char *ref, size_t *len,
    size_t *omitted)
{
	struct cap	*c = cap_new(max, ref);
	const char	*r;
	char		*out;

	cap_append(c, t, n);
	r = cap_finish(c, len);
	out = xstrdup(r);
	*omitted = cap_omitted(c);
	cap_free(c);
	return (out);
}

/*
 * What a read from off must give, v being all the text and [0, headlen)
 * and [rstart, total) what is reached (headlen: the head, or a backing's
 * extent past it); next says whether the byte at headlen is known too (it
 * is when headlen is the head's: the textring keeps it).
 */
static char *
model_next(const char *v, size_t total, size_t headlen, int next,
    size_t rstart, size_t off, size_t max, const char *ref, size_t *len,
    size_t *omitted)
{
	size_t	 a = off, aend = off, b, H, T, n;
	char	*out, *line;

	if (headlen >= rstart || off >= rstart) {
		a = skip_cont(v, off, total);
		if (max == 0 || total - a <= max) {
			*len = total - a;
			*omitted = a - off;
			return (xstrndup(v + a, *len));
		}
		out = capped(v + a, total - a, max, ref, len, omitted);
		*omitted += a - off;
		return (out);
	}
	if (off < headlen) {
		a = skip_cont(v, off, headlen);
		aend = whole_end(v, a, headlen);
	}
	b = skip_cont(v, rstart, total);
	if (max != 0 && (aend - a) + (total - b) > max) {
		H = max / 4;
		T = max - H;
		/*
		 * What is before the gap is cut by the rule once it reaches
		 * the budget: the byte after the head is kept for it.
		 */
		if (off < headlen && headlen > a && (headlen - a > H ||
		    (headlen - a == H && next)))
			aend = a + rule_head(v + a, H);
		if (total - b > T)
			b = rule_tail(v, total - T, total);
	}
	n = total - off - (aend - a) - (total - b);
	if (ref != NULL)
		xasprintf(&line, "[rexec: %zu bytes omitted; full output: rexec "
		    "log %s]\n", n, ref);
	else
		xasprintf(&line, "[rexec: %zu bytes omitted]\n", n);
	*len = xasprintf(&out, "%.*s%s%s%.*s", (int)(aend - a), v + a,
	    aend > a && v[aend - 1] != '\n' ? "\n" : "", line,
	    (int)(total - b), v + b);
	*omitted = n;
	free(line);
	return (out);
}

/* The model without a backing: the byte after a full head is known. */
static char *
model(const char *v, size_t total, size_t headlen, size_t rstart,
    size_t off, size_t max, const char *ref, size_t *len, size_t *omitted)
{
	return (model_next(v, total, headlen, 1, rstart, off, max, ref, len,
	    omitted));
}

/* A textring of the sizes holding v, appended in pieces (0: whole). */
static struct textring *
build(const char *v, size_t n, size_t head, size_t ring, size_t piece)
{
	struct textring	*tr = textring_new(head, ring);
	size_t		 off, k;

	for (off = 0; off < n; off += k) {
		k = piece == 0 || n - off < piece ? n - off : piece;
		textring_append(tr, v + off, k);
	}
	if (textring_total(tr) != n || textring_memory(tr) > head + ring)
		ck_abort_msg("%zu bytes appended, total %zu, memory %zu", n,
		    textring_total(tr), textring_memory(tr));
	return (tr);
}

/*
 * One read against the model; the result must also be valid UTF-8.  (No
 * ck_assert in loops this hot: Check writes a record of every one.)
 */
static void
check_read(const struct textring *tr, const char *v, size_t headlen,
    size_t rstart, size_t off, size_t max, const char *ref)
{
	char	*got, *want;
	size_t	 glen, gom, wlen, wom, total = textring_total(tr);

	got = textring_read(tr, off, max, ref, &glen, &gom);
	want = model(v, total, headlen, rstart, off, max, ref, &wlen, &wom);
	if (got == NULL)
		ck_abort_msg("read at %zu of %zu failed", off, total);
	if (glen != wlen || memcmp(got, want, wlen) != 0 || gom != wom ||
	    strlen(got) != glen || !utf8_valid(got, glen))
		ck_abort_msg("text \"%s\" held [0,%zu) [%zu,%zu), read at %zu "
		    "max %zu:\nwant \"%s\" (%zu omitted)\ngot  \"%s\" (%zu "
		    "omitted)", v, headlen, rstart, total, off, max, want, wom,
		    got, gom);
	free(got);
	free(want);
}

static const char *const texts[] = {
	"ab\ncd\nef\ngh\nij\nkl\n",
	"a\xe2\x82\xac" "b\xf0\x9f\x98\x80" "c\n\xc3\xa9\nxyz\xe2\x82\xac"
	    "\xe2\x82\xac\n\xf0\x9f\x98\x80\xf0\x9f\x98\x80",
	"abcdefghijklmnopqrstuvwxyz0123456789",
	"\n\n\xc3\xa9\xc3\xa9\xc3\xa9\n\n\xe6\x97\xa5\xe6\x97\xa5\n",
	"one\ntwo three\nx\nyz\n\nlast line\nqrs\ntu",
};
static const size_t	maxes[] = { 0, 1, 2, 3, 4, 5, 6, 8, 11, 16, 64 };

START_TEST(test_every_offset)
{
	struct textring	*tr, *other;
	const char	*v;
	size_t		 n, head, ring, headlen, rstart, off, m, t;
	char		*a, *b;
	size_t		 alen, blen, aom, bom;

	for (t = 0; t < nitems(texts); t++) {
		v = texts[t];
		n = strlen(v);
		for (head = 0; head <= 7; head++)
		for (ring = 0; ring <= 9; ring++) {
			tr = build(v, n, head, ring, 0);
			other = build(v, n, head, ring, t + 1);
			headlen = n < head ? n : head;
			rstart = n - (n - headlen < ring ? n - headlen : ring);
			for (off = 0; off <= n; off++)
			for (m = 0; m < nitems(maxes); m++) {
				check_read(tr, v, headlen, rstart, off,
				    maxes[m], m % 2 ? "7" : NULL);
				/* Chunking never matters. */
				a = textring_read(tr, off, maxes[m], "7", &alen,
				    &aom);
				b = textring_read(other, off, maxes[m], "7",
				    &blen, &bom);
				if (alen != blen || memcmp(a, b, alen) != 0 ||
				    aom != bom)
					ck_abort_msg("chunking changes a read");
				free(a);
				free(b);
			}
			textring_free(tr);
			textring_free(other);
		}
	}
}
END_TEST

START_TEST(test_every_offset_after_trim)
{
	struct textring	*tr;
	const char	*v;
	size_t		 n, head, ring, keep, headlen, rlen, off, m, t;

	for (t = 0; t < nitems(texts); t++) {
		v = texts[t];
		n = strlen(v);
		for (head = 0; head <= 5; head++)
		for (ring = 0; ring <= 8; ring++)
		for (keep = 0; keep <= 4; keep++) {
			tr = build(v, n, head, ring, 3);
			textring_trim(tr, SIZE_MAX, keep);
			headlen = n < head ? n : head;
			rlen = n - headlen < ring ? n - headlen : ring;
			if (rlen > keep)
				rlen = keep;
			if (textring_memory(tr) > headlen + rlen)
				ck_abort_msg("trimmed to %zu: memory %zu", keep,
				    textring_memory(tr));
			for (off = 0; off <= n; off++)
				for (m = 0; m < nitems(maxes); m++)
					check_read(tr, v, headlen, n - rlen,
					    off, maxes[m], "7");
			textring_free(tr);
		}
	}
}
END_TEST

/*
 * Trimming the head too: what it gives up stays in the ring when it is
 * among the newest bytes the ring keeps, else it is gone.
 */
START_TEST(test_trim_head)
{
	struct textring	*tr;
	const char	*v;
	size_t		 n, head, ring, h2, keep, headlen, hl, held, rlen, off;
	size_t		 m, t;

	for (t = 0; t < nitems(texts); t++) {
		v = texts[t];
		n = strlen(v);
		for (head = 0; head <= 6; head++)
		for (ring = 0; ring <= 8; ring++)
		for (h2 = 0; h2 <= 7; h2++)
		for (keep = 0; keep <= 9; keep++) {
			tr = build(v, n, head, ring, 2);
			textring_trim(tr, h2, keep);
			headlen = n < head ? n : head;
			hl = headlen < h2 ? headlen : h2;
			if (n - headlen <= ring)
				held = n - hl;
			else
				held = ring;
			/* The ring never keeps more than it could hold. */
			rlen = held;
			if (rlen > keep)
				rlen = keep;
			if (rlen > ring)
				rlen = ring;
			if (textring_memory(tr) > hl + rlen)
				ck_abort_msg("trimmed to %zu and %zu: memory %zu",
				    h2, keep, textring_memory(tr));
			for (off = 0; off <= n; off++)
				for (m = 0; m < nitems(maxes); m++)
					check_read(tr, v, hl, n - rlen, off,
					    maxes[m], "7");
			textring_free(tr);
		}
	}
}
END_TEST

START_TEST(test_append_after_trim)
{
	struct textring	*tr;
	const char	*v = texts[1];
	size_t		 n = strlen(v), k, off, m;

	/* The trimmed size holds for what comes later. */
	for (k = 0; k <= n; k++) {
		tr = textring_new(3, 10);
		textring_append(tr, v, k);
		textring_trim(tr, SIZE_MAX, 4);
		textring_append(tr, v + k, n - k);
		if (textring_memory(tr) > 3 + 4)
			ck_abort_msg("memory %zu", textring_memory(tr));
		for (off = 0; off <= n; off++)
			for (m = 0; m < nitems(maxes); m++)
				check_read(tr, v, n < 3 ? n : 3,
				    n - (n - 3 < 4 ? n - 3 : 4), off,
				    maxes[m], NULL);
		textring_free(tr);
	}
}
END_TEST

static void
expect_read(const struct textring *tr, size_t off, size_t max,
    const char *ref, const char *want, size_t want_omitted)
{
	char	*got;
	size_t	 len, om;

	got = textring_read(tr, off, max, ref, &len, &om);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_uint_eq(om, want_omitted);
	free(got);
}

START_TEST(test_omitted_line)
{
	struct textring	*tr = textring_new(4, 4);

	textring_append(tr, "0123456789ABCDEF", 16);
	expect_read(tr, 0, 0, "7", "0123\n"
	    "[rexec: 8 bytes omitted; full output: rexec log 7]\nCDEF", 8);
	expect_read(tr, 2, 0, NULL, "23\n[rexec: 8 bytes omitted]\nCDEF", 8);
	expect_read(tr, 6, 0, "7",
	    "[rexec: 6 bytes omitted; full output: rexec log 7]\nCDEF", 6);
	expect_read(tr, 12, 0, "7", "CDEF", 0);
	expect_read(tr, 14, 0, "7", "EF", 0);
	expect_read(tr, 16, 0, "7", "", 0);
	textring_free(tr);

	/* A head that ends a line needs no newline before the line. */
	tr = textring_new(4, 3);
	textring_append(tr, "abc\ndef\nghi\n", 12);
	expect_read(tr, 0, 0, "9", "abc\n"
	    "[rexec: 5 bytes omitted; full output: rexec log 9]\nhi\n", 5);
	textring_free(tr);
}
END_TEST

START_TEST(test_utf8_never_split)
{
	struct textring	*tr;

	/*
	 * "a" then three euro signs: the head of 2 ends inside the first,
	 * the ring of 4 starts inside the second; both go whole.
	 */
	tr = textring_new(2, 4);
	textring_append(tr, "a\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 10);
	expect_read(tr, 0, 0, NULL, "a\n[rexec: 6 bytes omitted]\n"
	    "\xe2\x82\xac", 6);
	textring_free(tr);

	/* A read from inside a character starts at the next one. */
	tr = textring_new(16, 16);
	textring_append(tr, "\xf0\x9f\x98\x80x\xc3\xa9", 7);
	expect_read(tr, 1, 0, NULL, "x\xc3\xa9", 3);
	expect_read(tr, 3, 0, NULL, "x\xc3\xa9", 1);
	expect_read(tr, 6, 0, NULL, "", 1);
	textring_free(tr);

	/* A ring of nothing but a character's tail keeps nothing of it. */
	tr = textring_new(1, 2);
	textring_append(tr, "a\xf0\x9f\x98\x80", 5);
	expect_read(tr, 0, 0, NULL, "a\n[rexec: 4 bytes omitted]\n", 4);
	textring_free(tr);
}
END_TEST

START_TEST(test_bad_offset_and_peek)
{
	struct textring	*tr = textring_new(8, 8);
	size_t		 len = 99, om = 99;
	char		*s;

	s = textring_read(tr, 0, 0, NULL, &len, &om);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(om, 0);
	free(s);
	ck_assert_ptr_null(textring_read(tr, 1, 0, NULL, &len, &om));
	textring_append(tr, "hello", 5);
	ck_assert_ptr_null(textring_read(tr, 6, 0, NULL, &len, &om));
	expect_read(tr, 5, 0, NULL, "", 0);
	expect_read(tr, 5, 1, "7", "", 0);
	textring_free(tr);
	textring_free(NULL);
}
END_TEST

/* A text of numbered lines of some width, with non-ASCII in them. */
static char *
lines_text(size_t n, size_t *lenp)
{
	char	*v = xmalloc(n + 1);
	size_t	 i = 0, k = 0;
	int	 w;

	while (i < n) {
		w = snprintf(v + i, n + 1 - i, "%zu:\xe2\x9c\x93%.*s\n", k,
		    (int)(k % 37), "-------------------------------------");
		if ((size_t)w > n - i)
			break;
		i += w;
		k++;
	}
	memset(v + i, 'z', n - i);
	v[n] = '\0';
	*lenp = n;
	return (v);
}

START_TEST(test_cap_applied)
{
	struct textring	*tr;
	char		*v, *got, *want;
	size_t		 n, off, max, glen, gom, wlen, wom;

	v = lines_text(20000, &n);
	/* Nothing gone: exactly a struct cap's cut. */
	tr = build(v, n, 4096, 65536, 1000);
	for (off = 0; off < n; off = skip_cont(v, off + 997, n))
		for (max = 64; max <= 8192; max *= 4) {
			got = textring_read(tr, off, max, "3", &glen, &gom);
			want = capped(v + off, n - off, max, "3", &wlen,
			    &wom);
			ck_assert_str_eq(got, want);
			ck_assert_uint_eq(gom, wom);
			free(got);
			free(want);
		}
	textring_free(tr);

	/*
	 * Bytes gone, but the budgets' bytes held: still exactly what a cap
	 * fed all of the text would give, the gap inside its cut.
	 */
	tr = build(v, n, 4096, 4096, 333);
	for (off = 0; off < 2048; off = skip_cont(v, off + 61, n))
		for (max = 1; max <= 4096; max += max < 700 ? 1 : 331) {
			got = textring_read(tr, off, max, "3", &glen, &gom);
			want = capped(v + off, n - off, max, "3", &wlen,
			    &wom);
			if (glen != wlen || strcmp(got, want) != 0 ||
			    gom != wom || glen > max + 80)
				ck_abort_msg("from %zu, max %zu:\nwant \"%s\""
				    "\ngot  \"%s\"", off, max, want, got);
			free(got);
			free(want);
		}
	textring_free(tr);
	free(v);
}
END_TEST

/* A text file's stand-in: the first ext bytes of v, or failing reads. */
struct fake_back {
	const char	*v;
	size_t		 ext;
	int		 fail;
	size_t		 read;		/* bytes read, all told */
};

static size_t
fake_extent(void *arg)
{
	return (((struct fake_back *)arg)->ext);
}

static int
fake_read(void *arg, size_t off, char *buf, size_t n)
{
	struct fake_back	*fb = arg;

	if (fb->fail || off + n > fb->ext)
		return (-1);
	memcpy(buf, fb->v + off, n);
	fb->read += n;
	return (0);
}

/*
 * With a backing, a read reaches [0, max(head, extent)) and the ring; a
 * read with max 0, or one whose backing fails, reaches what memory holds.
 * It reads at most about max bytes of the backing.
 */
START_TEST(test_backing)
{
	struct textring		*tr;
	struct textring_backing	 back;
	struct fake_back	 fb;
	const char		*v;
	char			*got, *want;
	size_t			 n, head, ring, headlen, rstart, ext, pre, off;
	size_t			 m, t, glen, gom, wlen, wom;
	int			 fail;

	back.extent = fake_extent;
	back.read = fake_read;
	back.arg = &fb;
	for (t = 0; t < nitems(texts); t++)
	for (fail = 0; fail <= 1; fail++) {
		v = texts[t];
		n = strlen(v);
		for (head = 0; head <= 5; head++)
		for (ring = 0; ring <= 7; ring++)
		for (ext = 0; ext <= n; ext++) {
			memset(&fb, 0, sizeof fb);
			fb.v = v;
			fb.ext = ext;
			fb.fail = fail;
			tr = build(v, n, head, ring, 2);
			textring_back(tr, &back);
			headlen = n < head ? n : head;
			rstart = n - (n - headlen < ring ? n - headlen : ring);
			for (off = 0; off <= n; off++)
			for (m = 0; m < nitems(maxes); m++) {
				pre = ext > headlen && maxes[m] != 0 && !fail ?
				    ext : headlen;
				fb.read = 0;
				got = textring_read(tr, off, maxes[m], "7",
				    &glen, &gom);
				want = model_next(v, n, pre, pre == headlen,
				    rstart, off, maxes[m], "7", &wlen, &wom);
				/*
				 * A failing backing is no loss when the read
				 * needs none of its bytes.
				 */
				if (fail && strcmp(got, want) != 0) {
					free(want);
					want = model_next(v, n, ext > headlen &&
					    maxes[m] != 0 ? ext : headlen,
					    ext <= headlen, rstart, off,
					    maxes[m], "7", &wlen, &wom);
				}
				if (glen != wlen || strcmp(got, want) != 0 ||
				    gom != wom || fb.read > maxes[m] + 8)
					ck_abort_msg("text \"%s\" head %zu ring "
					    "%zu backed to %zu%s, read at %zu max "
					    "%zu:\nwant \"%s\"\ngot  \"%s\" (%zu "
					    "bytes of the backing)", v, head, ring,
					    ext, fail ? " (failing)" : "", off,
					    maxes[m], want, got, fb.read);
				free(got);
				free(want);
			}
			textring_free(tr);
		}
	}
}
END_TEST

static size_t
first_diff(const char *a, const char *b)
{
	size_t	i;

	for (i = 0; a[i] != '\0' && a[i] == b[i]; i++)
		;
	return (i);
}

/*
 * What the journal line keeps of a run's text: a read from 0 with max
 * at most four times the head, of a ring longer than max, is a struct
 * cap's, whatever the gap took,
 * wherever the head's end falls (in a line, on a newline, in a
 * character).
 */
START_TEST(test_read_from_start_is_cap)
{
	struct textring	*tr;
	char		*v, *got, *want;
	size_t		 n, head, max, glen, gom, wlen, wom;

	v = lines_text(30000, &n);
	/* Steps of 3 cross every position in a line of the text. */
	for (head = 900; head < 1000; head += 3)
		for (max = head; max <= 4 * head; max += head) {
			tr = build(v, n, head, 4 * head + 1, 777);
			got = textring_read(tr, 0, max, "4", &glen, &gom);
			want = capped(v, n, max, "4", &wlen, &wom);
			if (strcmp(got, want) != 0 || gom != wom)
				ck_abort_msg("head %zu max %zu: want %zu bytes "
				    "(%zu omitted), got %zu (%zu omitted), "
				    "first difference at %zu", head, max, wlen,
				    wom, glen, gom, first_diff(got, want));
			free(got);
			free(want);
			textring_free(tr);
		}
	free(v);
}
END_TEST

/* Byte o of a text that is block repeated. */
static int
repeated_eq(const char *s, size_t len, const char *block, size_t n,
    size_t o)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] != block[(o + i) % n])
			return (0);
	return (1);
}

START_TEST(test_long_run_bounded)
{
	struct textring	*tr;
	struct cap	*c;
	const char	*want;
	char		*block, *got, *p, *e;
	size_t		 i, n, head = 65536, ring = 1 << 20;
	size_t		 total, len, om, wlen, rest;

	/*
	 * 32 MiB in 64 KiB pieces (thirty times head + ring; more only costs
	 * time under valgrind), beside a cap fed the same: memory stays
	 * head + ring, and a capped read from 0 is what the cap gives.
	 */
	block = lines_text(65536, &n);
	tr = textring_new(head, ring);
	c = cap_new(65536, "5");
	for (i = 0; i < 512; i++) {
		textring_append(tr, block, n);
		cap_append(c, block, n);
		if (textring_memory(tr) > head + ring)
			ck_abort_msg("memory %zu", textring_memory(tr));
	}
	total = textring_total(tr);
	ck_assert_uint_eq(total, (size_t)512 * n);
	ck_assert_uint_eq(textring_memory(tr), head + ring);
	got = textring_read(tr, 0, 65536, "5", &len, &om);
	want = cap_finish(c, &wlen);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(om, cap_omitted(c));
	cap_free(c);
	free(got);

	/* No cap: the head, one line with the right count, the ring. */
	got = textring_read(tr, 0, 0, "5", &len, &om);
	ck_assert(utf8_valid(got, len));
	ck_assert(memcmp(got, block, head) == 0);
	p = strstr(got, "[rexec: ");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(strtoull(p + 8, NULL, 10), om);
	e = strchr(p, '\n') + 1;
	rest = len - (e - got);
	ck_assert_uint_le(rest, ring);
	ck_assert_uint_ge(rest, ring - 3);
	ck_assert_uint_eq(om, total - head - rest);
	ck_assert(repeated_eq(e, rest, block, n, total - rest));
	free(got);

	/* Inside the ring, and a peek at the end. */
	got = textring_read(tr, total - 100, 0, "5", &len, &om);
	ck_assert_uint_eq(len + om, 100);
	ck_assert(repeated_eq(got, len, block, n, total - len));
	free(got);
	got = textring_read(tr, total, 65536, "5", &len, &om);
	ck_assert_str_eq(got, "");
	free(got);

	/* A run that ended keeps less. */
	textring_trim(tr, SIZE_MAX, 65536);
	ck_assert_uint_eq(textring_memory(tr), head + 65536);
	got = textring_read(tr, total - 65536, 0, "5", &len, &om);
	ck_assert_uint_eq(len + om, 65536);
	ck_assert(repeated_eq(got, len, block, n, total - len));
	free(got);
	textring_free(tr);
	free(block);
}
END_TEST

static Suite *
textring_suite(void)
{
	Suite	*s = suite_create("textring");
	TCase	*tc = tcase_create("textring");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_every_offset);
	tcase_add_test(tc, test_every_offset_after_trim);
	tcase_add_test(tc, test_trim_head);
	tcase_add_test(tc, test_append_after_trim);
	tcase_add_test(tc, test_omitted_line);
	tcase_add_test(tc, test_utf8_never_split);
	tcase_add_test(tc, test_bad_offset_and_peek);
	tcase_add_test(tc, test_cap_applied);
	tcase_add_test(tc, test_backing);
	tcase_add_test(tc, test_read_from_start_is_cap);
	tcase_add_test(tc, test_long_run_bounded);
	suite_add_tcase(s, tc);
	return (s);
}

UNIT_MAIN(textring_suite)
