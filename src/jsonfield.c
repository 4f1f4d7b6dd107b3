/*
 * jsonfield.c: one string member of a JSON object, from the object's text
 * (what it promises is in jsonfield.h).
 *
 * Owns the scan that walks an object's text, skipping string bodies with
 * memchr, to the top-level member asked for, and the decoder of one
 * string body.  It must never decide that a line is valid JSON: only
 * jansson does that, on the line with the member's value cut out.  The
 * guess (jsonfield_guess) is for lines jansson has refused already, and
 * only says where a member would be.  The point of the rest is speed:
 * jansson builds a string a byte at a time, about 60 MB/s, while runs of
 * plain bytes here cost a memchr and a memcpy.
 */
#include "rexec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonfield.h"
#include "utf8.h"

static size_t	jsonfield_string_end(const char *, size_t, size_t);
static int	jsonfield_is_key(const char *, size_t, const char *);
static size_t	jsonfield_token_end(const char *, size_t, size_t);

/* JSON's white space (a journal line holds no newline, other text may). */
static int
jsonfield_space(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r');
}
static int	jsonfield_hex(const char *, uint32_t *);

/*
 * The index of the quote that closes the string whose body starts at i,
 * or n when it is not closed.
 */
static size_t
jsonfield_string_end(const char *s, size_t n, size_t i)
{
	const char	*q;
	size_t		 end, bs;

	for (end = i;; end++) {
		if ((q = memchr(s + end, '"', n - end)) == NULL)
			return (n);
		end = (size_t)(q - s);
		for (bs = 0; end - bs > i && s[end - bs - 1] == '\\'; bs++)
			;
		if (bs % 2 == 0)
			return (end);
	}
}

/*
 * Find the top-level member key of the object in s[0, n).  Returns 1 with
 * its string value's body in [*start, *end) (between the quotes), 0 when
 * the object has no such member or its value is not a string, -1 when it
 * cannot tell (not an object, an escaped key, the key twice, a line cut
 * short): then ask jansson.
 */
int
jsonfield_find(const char *s, size_t n, const char *key, size_t *start,
    size_t *end)
{
	size_t	i = 0, e, klen = strlen(key);
	int	depth = 0, want_key = 0, found = 0, string = 0;

	while (i < n && jsonfield_space(s[i]))
		i++;
	if (i == n || s[i] != '{')
		return (-1);
	for (; i < n; i++) {
		switch (s[i]) {
		case '{':
		case '[':
			if (++depth == 1)
				want_key = 1;
			break;
		case '}':
		case ']':
			depth--;
			break;
		case ',':
			if (depth == 1)
				want_key = 1;
			break;
		case '"':
			if ((e = jsonfield_string_end(s, n, i + 1)) == n)
				return (-1);
			if (depth != 1 || !want_key) {
				i = e;
				break;
			}
			want_key = 0;
			if (memchr(s + i + 1, '\\', e - i - 1) != NULL)
				return (-1);
			if (e - i - 1 != klen || memcmp(s + i + 1, key, klen) != 0) {
				i = e;
				break;
			}
			if (found++)
				return (-1);
			for (i = e + 1; i < n && s[i] != ':'; i++)
				;
			for (i++; i < n && jsonfield_space(s[i]); i++)
				;
			if (i >= n || s[i] != '"') {
				/* Not a string: step back so the scan sees it. */
				i--;
				break;
			}
			if ((e = jsonfield_string_end(s, n, i + 1)) == n)
				return (-1);
			string = 1;
			*start = i + 1;
			*end = e;
			i = e;
			break;
		}
	}
	if (depth != 0)
		return (-1);
	return (string);
}

/*
 * Whether the string body s[0, n) names key, escapes and all: "\u0069d"
 * is "id" too, and a guess that missed it could pick one of two ids.
 */
static int
jsonfield_is_key(const char *s, size_t n, const char *key)
{
	char	*buf = NULL;
	size_t	 size = 0, len, klen = strlen(key);
	int	 r;

	if (memchr(s, '\\', n) == NULL)
		return (n == klen && memcmp(s, key, klen) == 0);
	if (jsonfield_decode(s, n, &buf, &size, &len) != 0) {
		free(buf);
		return (0);
	}
	r = len == klen && memcmp(buf, key, klen) == 0;
	free(buf);
	return (r);
}

/* Where a number or a literal that starts at i ends. */
static size_t
jsonfield_token_end(const char *s, size_t n, size_t i)
{
	while (i < n && !jsonfield_space(s[i]) &&
	    memchr(",:{}[]\"", s[i], 7) == NULL)
		i++;
	return (i);
}

/*
 * Where the top-level member key of a line jansson refused would be (see
 * jsonfield.h).  The object is the one that opens at the line's first
 * '{': bytes before it are taken for junk, so a line that gained a stray
 * prefix is still answered.  The scan follows strings (with their
 * escapes) and nesting; a key counts where a member can start (after the
 * object's '{' or a ',' at its top level) and when ':' follows it.
 * Returns the kind of the value and its text in [*start, *end): a
 * string's body, or the value's text up to its end (an object or an
 * array cut short runs to the end of the line).  A key seen twice gives
 * JSONFIELD_NONE: a guess must not pick one of two answers.
 */
enum jsonfield_kind
jsonfield_guess(const char *s, size_t n, const char *key, size_t *start,
    size_t *end)
{
	enum { WANT_KEY, WANT_COLON, WANT_VALUE, SKIP }	 st = WANT_KEY;
	enum jsonfield_kind	 kind = JSONFIELD_NONE;
	const char		*open;
	size_t			 i, e;
	int			 depth = 0, match = 0, seen = 0, inside = 0;

	if ((open = memchr(s, '{', n)) == NULL)
		return (JSONFIELD_NONE);
	for (i = (size_t)(open - s); i < n; i++) {
		if (jsonfield_space(s[i]))
			continue;
		if (depth == 1 && st == WANT_VALUE) {
			st = SKIP;
			if (match && seen++)
				return (JSONFIELD_NONE);
			if (match && s[i] == '"') {
				if ((e = jsonfield_string_end(s, n, i + 1)) == n)
					return (JSONFIELD_NONE);
				kind = JSONFIELD_STRING;
				*start = i + 1;
				*end = e;
				i = e;
				continue;
			}
			if (match && s[i] != '{' && s[i] != '[') {
				kind = JSONFIELD_OTHER;
				*start = i;
				*end = jsonfield_token_end(s, n, i);
				if (*end == i)
					return (JSONFIELD_NONE);
				i = *end - 1;
				continue;
			}
			if (match) {
				kind = JSONFIELD_OTHER;
				*start = i;
				inside = 1;
			}
		}
		switch (s[i]) {
		case '"':
			if ((e = jsonfield_string_end(s, n, i + 1)) == n)
				goto out;
			if (depth == 1 && st == WANT_KEY) {
				match = jsonfield_is_key(s + i + 1, e - i - 1,
				    key);
				st = WANT_COLON;
			} else if (depth == 1)
				st = SKIP;
			i = e;
			break;
		case '{':
		case '[':
			if (depth++ == 0)
				st = WANT_KEY;
			break;
		case '}':
		case ']':
			if (--depth == 1 && inside) {
				*end = i + 1;
				inside = 0;
			}
			if (depth <= 0)
				goto out;
			break;
		case ':':
			if (depth == 1)
				st = st == WANT_COLON ? WANT_VALUE : SKIP;
			break;
		case ',':
			if (depth == 1)
				st = WANT_KEY;
			break;
		default:
			if (depth == 1)
				st = SKIP;
			break;
		}
	}
out:
	if (inside)
		*end = n;
	return (kind);
}

/* Four hex digits at s (which holds at least four bytes). */
static int
jsonfield_hex(const char *s, uint32_t *out)
{
	uint32_t	v = 0;
	int		i;
	char		c;

	for (i = 0; i < 4; i++) {
		c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return (-1);
	}
	*out = v;
	return (0);
}

/*
 * Decode the string body s[0, n) into *buf (of *size bytes, grown as
 * needed; the caller frees it, NUL-terminated), its length in *len.
 * Returns 0, or -1 for a bad escape or a lone surrogate; jsonfield_valid
 * checks the rest of what jansson checks.
 */
int
jsonfield_decode(const char *s, size_t n, char **buf, size_t *size,
    size_t *len)
{
	const char	*p = s, *end = s + n, *q;
	char		*o;
	uint32_t	 cp, lo;

	/* Escapes only shrink: the body's size is enough. */
	if (*size < n + 1) {
		*buf = xrealloc(*buf, n + 1);
		*size = n + 1;
	}
	o = *buf;
	while (p < end) {
		if ((q = memchr(p, '\\', end - p)) == NULL)
			q = end;
		memcpy(o, p, q - p);
		o += q - p;
		if (q == end)
			break;
		if (end - q < 2)
			return (-1);
		switch (q[1]) {
		case '"':
		case '\\':
		case '/':
			*o++ = q[1];
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			if (end - q < 6 || jsonfield_hex(q + 2, &cp) != 0)
				return (-1);
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return (-1);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (end - q < 12 || q[6] != '\\' || q[7] != 'u' ||
				    jsonfield_hex(q + 8, &lo) != 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return (-1);
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				q += 6;
			}
			/* At most 4 bytes for 6 or 12 of escape. */
			o += utf8_encode_cp(cp, o);
			p = q + 6;
			continue;
		default:
			return (-1);
		}
		p = q + 2;
	}
	*len = o - *buf;
	(*buf)[*len] = '\0';
	return (0);
}

/*
 * Whether jansson would take the string body s[0, n), which decoded to
 * text[0, len): no raw control character, valid UTF-8.  Apart so that a
 * reader can decode, look, and check only what it keeps.
 */
int
jsonfield_valid(const char *s, size_t n, const char *text, size_t len)
{
	uint64_t	w;
	size_t		i = 0;

	/* Eight bytes at a time: is any byte below 0x20? */
	for (; n - i >= 8; i += 8) {
		memcpy(&w, s + i, 8);
		if ((w - 0x2020202020202020ULL) & ~w & 0x8080808080808080ULL)
			break;
	}
	for (; i < n; i++) {
		if ((uint8_t)s[i] < 0x20)
			return (0);
	}
	return (utf8_valid(text, len));
}
