/*
 * textmatch.c: matching lines of a text with a POSIX extended regular
 * expression (the rules are in textmatch.h).
 *
 * Owns one compiled regex_t.  It must never call regexec once per line:
 * one regexec over the rest of the text finds the next match, and
 * memrchr/memchr find the line around it, so a rare pattern costs one
 * pass over the text.
 *
 * In a multibyte locale glibc's regexec turns the text into wide
 * characters as it goes (mbrtowc per character, most of its time), even
 * for "error".  A pattern whose meaning cannot depend on characters wider
 * than a byte (only ASCII, no ".", no "\\", no negated bracket, no
 * character class) is compiled in the C locale instead, where regexec
 * walks bytes: in valid UTF-8 an ASCII byte is always a whole character,
 * so the lines it matches are the same.  (With -i such a pattern folds
 * ASCII letters only.)
 */
#include "rexec.h"

#include <locale.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textmatch.h"
#include "xmalloc.h"

struct textmatch {
	regex_t	re;
};

/* One open group while a pattern is measured. */
struct textmatch_group {
	size_t	size;		/* its characters so far, all branches */
	size_t	last;		/* the last atom's, which a repeat copies */
};

static int	textmatch_bytewise(const char *);
static size_t	textmatch_bracket_end(const char *, size_t);
static size_t	textmatch_number(const char *, size_t *, size_t *);
static size_t	textmatch_interval(const char *, size_t, size_t *);
static size_t	textmatch_add(size_t, size_t);
static size_t	textmatch_mul(size_t, size_t);
static int	textmatch_check(const char *, char **);

/* Whether pattern means the same in the C locale (see above). */
static int
textmatch_bytewise(const char *pattern)
{
	static const char *const wide[] = { "[^", "[:", "[=", "[." };
	const unsigned char	*p;
	size_t			 i;

	for (p = (const unsigned char *)pattern; *p != '\0'; p++) {
		if (*p >= 0x80 || *p == '.' || *p == '\\')
			return (0);
	}
	for (i = 0; i < nitems(wide); i++) {
		if (strstr(pattern, wide[i]) != NULL)
			return (0);
	}
	return (1);
}

/* Sizes saturate just above the limit: only "too large" matters then. */
static size_t
textmatch_add(size_t a, size_t b)
{
	return (a > TEXTMATCH_SIZE_MAX || b > TEXTMATCH_SIZE_MAX - a ?
	    TEXTMATCH_SIZE_MAX + 1 : a + b);
}

static size_t
textmatch_mul(size_t a, size_t b)
{
	if (a == 0 || b == 0)
		return (0);
	return (a > TEXTMATCH_SIZE_MAX || b > TEXTMATCH_SIZE_MAX / a ?
	    TEXTMATCH_SIZE_MAX + 1 : a * b);
}

/*
 * The index of the ']' that closes the bracket expression opening at
 * p[i], or of the terminating NUL when there is none (regcomp says so).
 * A ']' first in the list is a member, and "[:", "[=" and "[." open a
 * class, an equivalence class or a collating symbol that runs to their
 * own ":]", "=]" or ".]".
 */
static size_t
textmatch_bracket_end(const char *p, size_t i)
{
	const char	*e;
	char		 close[3] = { 0, ']', '\0' };

	i++;
	if (p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;
	while (p[i] != '\0' && p[i] != ']') {
		if (p[i] == '[' && p[i + 1] != '\0' &&
		    strchr(":=.", p[i + 1]) != NULL) {
			close[0] = p[i + 1];
			if ((e = strstr(p + i + 2, close)) == NULL)
				return (strlen(p));
			i = (size_t)(e - p) + 2;
		} else
			i++;
	}
	return (i);
}

/* The decimal number at p[*j], saturated; how many digits it had. */
static size_t
textmatch_number(const char *p, size_t *j, size_t *out)
{
	size_t	digits = 0;

	*out = 0;
	for (; p[*j] >= '0' && p[*j] <= '9'; (*j)++, digits++) {
		if (*out <= TEXTMATCH_SIZE_MAX)
			*out = *out * 10 + (size_t)(p[*j] - '0');
	}
	return (digits);
}

/*
 * An interval "{m}", "{m,}", "{m,n}" or glibc's "{,n}" at p[i]: returns
 * its length and the copies regcomp writes out (m + 1 for "{m,}": m and
 * a starred one), or 0 when p[i] does not start one (regcomp judges what
 * it is then).
 */
static size_t
textmatch_interval(const char *p, size_t i, size_t *copies)
{
	size_t	j = i + 1, m, n = 0, mdigits, ndigits = 0;
	int	comma = 0;

	mdigits = textmatch_number(p, &j, &m);
	if (p[j] == ',') {
		comma = 1;
		j++;
		ndigits = textmatch_number(p, &j, &n);
	}
	if (p[j] != '}' || (mdigits == 0 && !comma))
		return (0);
	if (!comma)
		*copies = m;
	else if (ndigits == 0)
		*copies = m + 1;
	else
		*copies = n > m ? n : m;
	if (*copies == 0)
		*copies = 1;
	return (j - i + 1);
}

/*
 * Whether regcomp can take pattern safely (see textmatch.h): its length,
 * the depth of its groups, and its size with every repetition written
 * out, counted the way glibc builds its tree.  Brackets and backslash
 * escapes are skipped whole, so a '(' inside them is no group.  On
 * refusal *cause says which limit and by how much.
 */
static int
textmatch_check(const char *pattern, char **cause)
{
	struct textmatch_group	 g[TEXTMATCH_DEPTH_MAX + 1], *top;
	size_t			 len = strlen(pattern), i = 0, n, copies;
	size_t			 depth = 0, deepest = 0, add;

	if (len > TEXTMATCH_PATTERN_MAX) {
		xasprintf(cause, "pattern longer than %d bytes (%zu)",
		    TEXTMATCH_PATTERN_MAX, len);
		return (-1);
	}
	memset(g, 0, sizeof g);
	while (i < len) {
		top = &g[depth > TEXTMATCH_DEPTH_MAX ? TEXTMATCH_DEPTH_MAX :
		    depth];
		add = 1;
		switch (pattern[i]) {
		case '(':
			if (++depth > deepest)
				deepest = depth;
			if (depth <= TEXTMATCH_DEPTH_MAX)
				memset(&g[depth], 0, sizeof g[depth]);
			i++;
			continue;
		case ')':
			if (depth == 0)
				break;		/* regcomp's to judge */
			if (depth-- > TEXTMATCH_DEPTH_MAX) {
				i++;		/* refused below anyway */
				continue;
			}
			/* The group is an atom of the one around it. */
			add = textmatch_add(g[depth + 1].size, 1);
			top = &g[depth];
			break;
		case '|':
			top->last = 0;
			i++;
			continue;
		case '*':
		case '?':
			i++;
			continue;
		case '+':
			/* "x+" is "xx*": one more copy. */
			top->size = textmatch_add(top->size, top->last);
			top->last = textmatch_add(top->last, top->last);
			i++;
			continue;
		case '{':
			if ((n = textmatch_interval(pattern, i, &copies)) == 0)
				break;		/* a plain '{' */
			/* The last atom, written out copies times. */
			add = textmatch_mul(top->last, copies - 1);
			top->size = textmatch_add(top->size, add);
			top->last = textmatch_add(top->last, add);
			i += n;
			continue;
		case '[':
			i = textmatch_bracket_end(pattern, i);
			break;
		case '\\':
			if (i + 1 < len)
				i++;
			break;
		}
		top->size = textmatch_add(top->size, add);
		top->last = add;
		i++;
	}
	if (deepest > TEXTMATCH_DEPTH_MAX) {
		xasprintf(cause, "pattern nests too deeply (%zu levels, at "
		    "most %d)", deepest, TEXTMATCH_DEPTH_MAX);
		return (-1);
	}
	for (n = 0, i = 0; i <= depth; i++)
		n = textmatch_add(n, g[i].size);
	if (n > TEXTMATCH_SIZE_MAX) {
		xasprintf(cause, "pattern too large with its repetitions "
		    "written out (more than %d characters)",
		    TEXTMATCH_SIZE_MAX);
		return (-1);
	}
	return (0);
}

/*
 * Compile pattern (case-insensitive when icase).  On error returns NULL
 * and *cause gets why: a limit of textmatch_check, or regerror's text.
 */
struct textmatch *
textmatch_new(const char *pattern, int icase, char **cause)
{
	struct textmatch	*tm;
	locale_t		 c = (locale_t)0, old = (locale_t)0;
	size_t			 size;
	int			 flags = REG_EXTENDED|REG_NEWLINE, error;

	if (textmatch_check(pattern, cause) != 0)
		return (NULL);
	if (icase)
		flags |= REG_ICASE;
	tm = xcalloc(1, sizeof *tm);
	/* regcomp fixes the locale's rules into the pattern; regexec keeps them. */
	if (MB_CUR_MAX > 1 && textmatch_bytewise(pattern) &&
	    (c = newlocale(LC_ALL_MASK, "C", (locale_t)0)) != (locale_t)0)
		old = uselocale(c);
	error = regcomp(&tm->re, pattern, flags);
	if (c != (locale_t)0) {
		uselocale(old);
		freelocale(c);
	}
	if (error != 0) {
		size = regerror(error, &tm->re, NULL, 0);
		*cause = xmalloc(size);
		regerror(error, &tm->re, *cause, size);
		free(tm);
		return (NULL);
	}
	return (tm);
}

/*
 * The first match at or after byte from of text[0, len): fills *hit and
 * returns 1, or returns 0 when there is none.  A match at the very end of
 * a text that ends with a newline (or is empty) lies on no line.
 */
int
textmatch_next(const struct textmatch *tm, const char *text, size_t len,
    size_t from, struct textmatch_hit *hit)
{
	regmatch_t	 m;
	const char	*p;

	if (from > len || (from == len && (len == 0 || text[len - 1] == '\n')))
		return (0);
	m.rm_so = from;
	m.rm_eo = len;
	if (regexec(&tm->re, text, 1, &m, REG_STARTEND) != 0)
		return (0);
	if ((size_t)m.rm_so == len && (len == 0 || text[len - 1] == '\n'))
		return (0);
	hit->match_start = m.rm_so;
	hit->match_end = m.rm_eo;
	p = memrchr(text, '\n', hit->match_start);
	hit->line_start = p != NULL ? (size_t)(p - text) + 1 : 0;
	p = memchr(text + hit->match_start, '\n', len - hit->match_start);
	hit->line_end = p != NULL ? (size_t)(p - text) : len;
	if (hit->match_end > hit->line_end)	/* a newline in the pattern */
		hit->match_end = hit->line_end;
	return (1);
}

void
textmatch_free(struct textmatch *tm)
{
	if (tm == NULL)
		return;
	regfree(&tm->re);
	free(tm);
}
