/*
 * jsonfield.h: one string member of a JSON object, found and decoded
 * straight from the object's text, for readers that want one big member of
 * many journal lines (rexec grep wants each run's "output") and jansson
 * for the rest of the line.
 *
 * jansson stays the judge of a line: jsonfield_find only locates the
 * member (and says "cannot tell" for anything unusual, so the caller
 * parses the whole line with jansson instead), the caller hands the line
 * with that member's value emptied to jansson, and jsonfield_decode with
 * jsonfield_valid refuses whatever jansson refuses in a string (a bad
 * escape, a lone surrogate; a raw control character, invalid UTF-8);
 * "\u0000" is a NUL byte, as with JSON_ALLOW_NUL.  What it decodes is byte
 * for byte what jansson would give.
 *
 * jsonfield_guess is the tolerant cousin of jsonfield_find, for a line
 * jansson has already refused: where the member would be if the line had
 * been well-formed, so that its sender (the control FIFO's, the MCP
 * server's) still gets an answer under its id.  What it finds is a guess
 * and its caller must check it as strictly as any value.
 */
#ifndef JSONFIELD_H
#define JSONFIELD_H

#include <stddef.h>

int	jsonfield_find(const char *, size_t, const char *, size_t *, size_t *);
int	jsonfield_decode(const char *, size_t, char **, size_t *, size_t *);
int	jsonfield_valid(const char *, size_t, const char *, size_t);

/* What jsonfield_guess found. */
enum jsonfield_kind {
	JSONFIELD_NONE,		/* absent, twice, or cannot be seen */
	JSONFIELD_STRING,	/* a string: its body, between the quotes */
	JSONFIELD_OTHER		/* a number, a literal, an object, an array */
};

enum jsonfield_kind jsonfield_guess(const char *, size_t, const char *,
		    size_t *, size_t *);

#endif
