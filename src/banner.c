/*
 * banner.c: "[2026-11-27T18:43:08Z] Claude Code:/home/u/proj $ grep -v 'a b' x.txt"
 *
 * The live console and `rexec print` both show runs this way, from a run's
 * argv or from a journal line's "exec" array, so the quoting and the time
 * format live here once.  Arguments are quoted for a POSIX shell only when
 * they need it.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banner.h"

static void
quote_arg(FILE *f, const char *arg)
{
	const char	*cp;

	if (*arg != '\0' && strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789@%+=:,./-_") == strlen(arg)) {
		fputs(arg, f);
		return;
	}
	fputc('\'', f);
	for (cp = arg; *cp != '\0'; cp++) {
		if (*cp == '\'')
			fputs("'\\''", f);
		else
			fputc(*cp, f);
	}
	fputc('\'', f);
}

static FILE *
memstream(char **s, size_t *len)
{
	FILE	*f = open_memstream(s, len);

	if (f == NULL)
		abort();
	return (f);
}

/* An argv as a POSIX shell would need it typed. */
char *
banner_command(char *const *argv)
{
	char	*s;
	size_t	 len;
	FILE	*f = memstream(&s, &len);

	for (; *argv != NULL; argv++) {
		quote_arg(f, *argv);
		if (argv[1] != NULL)
			fputc(' ', f);
	}
	fclose(f);
	return (s);
}

/* The same for a journal's "exec" array (non-strings are skipped). */
char *
banner_command_json(json_t *exec)
{
	char		*s;
	size_t		 len, i;
	json_t		*v;
	FILE		*f = memstream(&s, &len);
	int		 first = 1;

	json_array_foreach(exec, i, v) {
		if (!json_is_string(v))
			continue;
		if (!first)
			fputc(' ', f);
		quote_arg(f, json_string_value(v));
		first = 0;
	}
	fclose(f);
	return (s);
}

/* UTC, to the second or to the millisecond. */
char *
banner_iso_time(const struct timespec *ts, int millis)
{
	struct tm	 tm;
	char		 buf[64], *s;
	size_t		 n;

	gmtime_r(&ts->tv_sec, &tm);
	n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	if (millis)
		snprintf(buf + n, sizeof buf - n, ".%03ldZ",
		    ts->tv_nsec / 1000000);
	else
		snprintf(buf + n, sizeof buf - n, "Z");
	s = xstrdup(buf);
	return (s);
}

/* "2026-11-27T18:43:08(.123)Z" → seconds since the epoch. */
int
banner_parse_time(const char *s, time_t *t)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return (-1);
	*t = timegm(&tm);
	return (0);
}

char *
banner_make(time_t when, const char *whoami, const char *dir,
    const char *command)
{
	struct timespec	 ts = { when, 0 };
	char		*iso, *s;

	iso = banner_iso_time(&ts, 0);
	xasprintf(&s, "[%s] %s:%s $ %s", iso, whoami, dir, command);
	free(iso);
	return (s);
}
