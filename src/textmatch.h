/*
 * textmatch.h: find the lines of a text that match a POSIX extended
 * regular expression, for "rexec grep".
 *
 * A thin wrapper over libc's regcomp(3)/regexec(3): the pattern is
 * compiled with REG_EXTENDED|REG_NEWLINE (so "^" and "$" match at every
 * line and "." never crosses a newline), plus REG_ICASE when asked.  The
 * text is a byte range, not a C string: it may hold NUL bytes and need
 * not end with one (glibc's REG_STARTEND).  Lines are the text split at
 * '\n'; a newline that ends the text does not start another line.
 *
 * textmatch_next gives the first match at or after byte from, with the
 * line around it; one hit per line, so the next call should start at the
 * following line (hit.line_end + 1).  Empty matches ("^", "x*") are hits
 * like others and never loop.
 *
 * glibc's regcomp recurses once per nested group and writes every
 * repetition out, so a pattern of 30,000 nested groups overflows the
 * stack and "((a{255}){255}){255}" takes minutes and gigabytes.
 * textmatch_new refuses, with a reason, a pattern longer than
 * TEXTMATCH_PATTERN_MAX bytes, one nested deeper than TEXTMATCH_DEPTH_MAX
 * groups, and one whose repetitions written out would hold more than
 * TEXTMATCH_SIZE_MAX characters, before regcomp sees it.
 *
 * Threads: textmatch_next only reads the compiled pattern, and glibc's
 * regexec is safe to call from several threads at once on one regex_t (it
 * takes a lock inside the compiled pattern, so such calls run one at a
 * time).  With another libc, give each thread its own textmatch.
 */
#ifndef TEXTMATCH_H
#define TEXTMATCH_H

#include <stddef.h>

/* What a pattern may be: safe for regcomp on a 256 KiB stack. */
#define TEXTMATCH_PATTERN_MAX	4096
#define TEXTMATCH_DEPTH_MAX	256
#define TEXTMATCH_SIZE_MAX	100000

struct textmatch;

struct textmatch_hit {
	size_t	line_start;	/* [line_start, line_end): the line, no '\n' */
	size_t	line_end;
	size_t	match_start;	/* [match_start, match_end): the match */
	size_t	match_end;
};

struct textmatch *textmatch_new(const char *, int, char **);
int		 textmatch_next(const struct textmatch *, const char *, size_t,
		    size_t, struct textmatch_hit *);
void		 textmatch_free(struct textmatch *);

#endif
