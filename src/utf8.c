/*
 * utf8.c: UTF-8 decoding, encoding, validation, character width and
 * classes.
 *
 * Owns the decoder state machine and the replacement rule (one U+FFFD per
 * maximal subpart, see utf8.h).  Character widths come from libtsm so that
 * the agent view and the libtsm-based screens agree on what is wide.
 * Must never know about terminals, escapes or lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libtsm.h>

#include "utf8.h"
#include "xmalloc.h"

static int	utf8_start(struct utf8_decoder *, uint8_t);

void
utf8_decoder_init(struct utf8_decoder *d)
{
	memset(d, 0, sizeof(*d));
}

/* Is a sequence half-way through? */
int
utf8_decoder_pending(const struct utf8_decoder *d)
{
	return (d->need != 0);
}

/*
 * Begin a sequence with lead byte b.  The ranges of the second byte are
 * those of Unicode table 3-7, so overlongs and surrogates fail on the
 * second byte and yield one U+FFFD per byte.  Returns 1 when b is not a
 * possible lead byte (the caller emits U+FFFD), else 0.
 */
static int
utf8_start(struct utf8_decoder *d, uint8_t b)
{
	d->lo = 0x80;
	d->hi = 0xbf;
	if (b >= 0xc2 && b <= 0xdf) {
		d->need = 1;
		d->cp = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		d->need = 2;
		d->cp = b & 0x0f;
		if (b == 0xe0)
			d->lo = 0xa0;
		else if (b == 0xed)
			d->hi = 0x9f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		d->need = 3;
		d->cp = b & 0x07;
		if (b == 0xf0)
			d->lo = 0x90;
		else if (b == 0xf4)
			d->hi = 0x8f;
	} else
		return (1);
	return (0);
}

/*
 * Push one byte.  Writes 0, 1 or 2 code points to out (a U+FFFD for a
 * cut-short sequence, then the byte itself when it is ASCII or invalid on
 * its own) and returns how many.
 */
int
utf8_decode_byte(struct utf8_decoder *d, uint8_t b, uint32_t out[2])
{
	int	n = 0;

	if (d->need != 0) {
		if (b >= d->lo && b <= d->hi) {
			d->cp = (d->cp << 6) | (b & 0x3f);
			d->lo = 0x80;
			d->hi = 0xbf;
			if (--d->need == 0) {
				out[0] = d->cp;
				return (1);
			}
			return (0);
		}
		d->need = 0;
		out[n++] = UTF8_REPLACEMENT;
	}
	if (b < 0x80)
		out[n++] = b;
	else if (utf8_start(d, b))
		out[n++] = UTF8_REPLACEMENT;
	return (n);
}

/* End of input: a sequence cut short becomes one U+FFFD. */
int
utf8_decode_finish(struct utf8_decoder *d, uint32_t out[1])
{
	if (d->need == 0)
		return (0);
	d->need = 0;
	out[0] = UTF8_REPLACEMENT;
	return (1);
}

/* Encode a code point (surrogates and values past U+10FFFF as U+FFFD). */
size_t
utf8_encode_cp(uint32_t cp, char out[4])
{
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

size_t
utf8_encoded_len(uint32_t cp)
{
	if (cp < 0x80)
		return (1);
	if (cp < 0x800)
		return (2);
	if (cp < 0x10000 || cp > 0x10ffff)
		return (3);
	return (4);
}

/*
 * The well-formed character at the start of buf[0, len): its length (1 to
 * 4) with its code point in *cp, or 0 when buf does not start with one (an
 * invalid byte, or a sequence cut short by len).  For callers that show
 * each invalid byte as it is rather than replace it.
 */
size_t
utf8_char(const void *buf, size_t len, uint32_t *cp)
{
	const uint8_t		*p = buf;
	struct utf8_decoder	 d;
	size_t			 i;

	if (len == 0)
		return (0);
	if (p[0] < 0x80) {
		*cp = p[0];
		return (1);
	}
	utf8_decoder_init(&d);
	if (utf8_start(&d, p[0]))
		return (0);
	for (i = 1; i < len; i++) {
		if (p[i] < d.lo || p[i] > d.hi)
			return (0);
		d.cp = (d.cp << 6) | (p[i] & 0x3f);
		d.lo = 0x80;
		d.hi = 0xbf;
		if (--d.need == 0) {
			*cp = d.cp;
			return (i + 1);
		}
	}
	return (0);
}

/* Is the whole buffer well-formed UTF-8 with no sequence cut short? */
int
utf8_valid(const void *buf, size_t len)
{
	const uint8_t		*p = buf, *end;
	struct utf8_decoder	 d;
	uint64_t		 w;

	if (len == 0)
		return (1);
	end = p + len;
	utf8_decoder_init(&d);
	for (; p < end; p++) {
		if (d.need == 0) {
			/* Runs of ASCII (most text) eight bytes at a time. */
			while (end - p >= 8) {
				memcpy(&w, p, 8);
				if (w & 0x8080808080808080ULL)
					break;
				p += 8;
			}
			if (p == end)
				break;
			if (*p >= 0x80 && utf8_start(&d, *p))
				return (0);
			continue;
		}
		if (*p < d.lo || *p > d.hi)
			return (0);
		d.lo = 0x80;
		d.hi = 0xbf;
		d.need--;
	}
	return (d.need == 0);
}

/*
 * Copy buf into a new NUL-terminated string in which every invalid
 * sequence is U+FFFD; *outlen (if not NULL) gets its length.
 */
char *
utf8_sanitize(const void *buf, size_t len, size_t *outlen)
{
	const uint8_t		*p = buf;
	struct utf8_decoder	 d;
	uint32_t		 cp[2];
	char			*s;
	size_t			 i, o = 0;
	int			 j, n;

	/* Each input byte grows into at most 3 output bytes. */
	if (len > (SIZE_MAX - 4) / 3)
		abort();
	s = xmalloc(len * 3 + 4);
	utf8_decoder_init(&d);
	for (i = 0; i < len; i++) {
		n = utf8_decode_byte(&d, p[i], cp);
		for (j = 0; j < n; j++)
			o += utf8_encode_cp(cp[j], s + o);
	}
	if (utf8_decode_finish(&d, cp))
		o += utf8_encode_cp(cp[0], s + o);
	s[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return (s);
}

/*
 * The length of the longest prefix of s[0..n) that does not end inside a
 * character: a sequence cut short at the end is left out.
 */
size_t
utf8_truncate(const char *s, size_t n)
{
	size_t	i, k;
	uint8_t	b;

	for (i = n, k = 0; i > 0 && k < 4; k++) {
		b = (uint8_t)s[--i];
		if ((b & 0xc0) == 0x80)
			continue;
		if (b >= 0xf0)
			return (n - i >= 4 ? n : i);
		if (b >= 0xe0)
			return (n - i >= 3 ? n : i);
		if (b >= 0xc0)
			return (n - i >= 2 ? n : i);
		return (n);
	}
	return (n);
}

/* The smallest character boundary at or after pos. */
size_t
utf8_boundary_after(const char *s, size_t len, size_t pos)
{
	size_t	n;

	for (n = 0; n < 3 && pos < len; n++) {
		if (((uint8_t)s[pos] & 0xc0) != 0x80)
			break;
		pos++;
	}
	return (pos < len ? pos : len);
}

/*
 * Columns taken by a code point: 0 (combining, zero-width, controls), 1 or
 * 2, as libtsm counts them.  Widths in the BMP are remembered, since
 * libtsm searches a table on every call.
 */
unsigned int
utf8_width(uint32_t cp)
{
	static uint8_t	bmp[0x10000];	/* width + 1, once known */
	unsigned int	w;

	if (utf8_is_control(cp))
		return (0);
	if (cp < 0x7f)
		return (1);
	if (cp < 0x10000 && bmp[cp] != 0)
		return (bmp[cp] - 1U);
	w = tsm_ucs4_get_width(cp);
	if (w > 2)
		w = 2;
	if (cp < 0x10000)
		bmp[cp] = (uint8_t)(w + 1);
	return (w);
}

/* A C0 control, DEL or a C1 control: Unicode's category Cc. */
int
utf8_is_control(uint32_t cp)
{
	return (cp < 0x20 || (cp >= 0x7f && cp < 0xa0));
}

/*
 * A bidi embedding, override or isolate (U+202A..U+202E, U+2066..U+2069):
 * it reorders the text around it, so what a human reads is not what it
 * says.  The marks (U+200E, U+200F, U+061C) only affect their neighbours
 * and stay.
 */
int
utf8_is_bidi(uint32_t cp)
{
	return ((cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069));
}
