/*
 * banner.h: the console's line before each run (DESIGN.md section 6).
 */
#ifndef BANNER_H
#define BANNER_H

#include <time.h>

#include <jansson.h>

char	*banner_command(char *const *);
char	*banner_command_json(json_t *);
char	*banner_make(time_t, const char *, const char *, const char *);
char	*banner_iso_time(const struct timespec *, int);
int	 banner_parse_time(const char *, time_t *);

#endif
