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
#include <stdlib.h>
#include <string.h>

#include "textmatch.h"
#include "xmalloc.h"

struct textmatch {
	regex_t	re;
};

static int	textmatch_bytewise(const char *);

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

/*
 * Compile pattern (case-insensitive when icase).  On error returns NULL
 * and *cause gets regerror's text.
 */
struct textmatch *
textmatch_new(const char *pattern, int icase, char **cause)
{
	struct textmatch	*tm;
	locale_t		 c = (locale_t)0, old = (locale_t)0;
	size_t			 size;
	int			 flags = REG_EXTENDED|REG_NEWLINE, error;

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
