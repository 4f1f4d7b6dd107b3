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
 */
#ifndef JSONFIELD_H
#define JSONFIELD_H

#include <stddef.h>

int	jsonfield_find(const char *, size_t, const char *, size_t *, size_t *);
int	jsonfield_decode(const char *, size_t, char **, size_t *, size_t *);
int	jsonfield_valid(const char *, size_t, const char *, size_t);

#endif
