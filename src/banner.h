/*
 * banner.h: the console's line before each run (DESIGN.md section 6), and
 * how a request's strings are shown to a human.
 */
#ifndef BANNER_H
#define BANNER_H

#include <time.h>

#include <jansson.h>

/* How banner_quote shows a string. */
enum banner_quote {
	BANNER_WORD,	/* an argument: quoted whenever a shell needs it */
	BANNER_TEXT	/* a whoami or dir: escaped only when unsafe */
};

char	*banner_quote(const char *, size_t, enum banner_quote);
char	*banner_command(char *const *);
char	*banner_command_json(json_t *);
char	*banner_make(time_t, const char *, const char *, const char *);
char	*banner_iso_time(const struct timespec *, int);
int	 banner_parse_time(const char *, time_t *);

#endif
