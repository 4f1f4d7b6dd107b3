/*
 * banner.c: "[2026-11-27T18:43:08Z] Claude Code:/home/u/proj $ grep -v 'a b' x.txt"
 *
 * Owns how a request's strings (argv, dir, whoami) are shown to a human:
 * the live console, the headless console, `rexec print`, `status` and
 * `grep`, the TUI's history and titles all show them through
 * banner_quote(), so the quoting and the time format live here once.
 * Arguments are quoted for a POSIX shell only when they need it.
 *
 * A request's strings come from an agent, and a human's terminal acts on
 * what it is sent: an OSC 52 sets the clipboard, an OSC 2 the title, a
 * bidi override reorders the line.  So a string holding a control
 * character (C0, DEL, C1), a bidi control or invalid UTF-8 is shown
 * in the shell's $'...' form, as bash's printf %q writes it, and what is
 * shown can still be pasted into a shell.  Must never hand on a byte of a
 * request's string that a terminal acts on.  Journals and replies keep
 * the exact strings; only what a human reads is quoted.
 */
#include "rexec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banner.h"
#include "utf8.h"

/* Bytes a shell word may hold bare. */
#define BANNER_BARE	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789@%+=:,./-_"

static int	 banner_unsafe(const char *, size_t);
static void	 banner_escape(FILE *, const char *, size_t);
static void	 banner_quote_to(FILE *, const char *, size_t,
		    enum banner_quote);
static FILE	*memstream(char **, size_t *);

/*
 * Does s hold anything a terminal must not be sent: a control character,
 * a bidi control, invalid UTF-8 (NUL included)?
 */
static int
banner_unsafe(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		i, n;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_char(s + i, len - i, &cp)) == 0 ||
		    utf8_is_control(cp) || utf8_is_bidi(cp))
			return (1);
	}
	return (0);
}

/*
 * s in $'...': the named escapes bash knows, \xHH for other C0 controls,
 * DEL, each byte of a C1 control's UTF-8 and each invalid byte, \uHHHH for
 * a bidi control.  Every escape has its full number of digits, so a hex
 * digit after one is never read as part of it.
 */
static void
banner_escape(FILE *f, const char *s, size_t len)
{
	static const char	 named[] = "\\a\\b\\t\\n\\v\\f\\r";
	const uint8_t		*p = (const uint8_t *)s;
	uint32_t		 cp;
	size_t			 i, n, k;

	fputs("$'", f);
	for (i = 0; i < len; i += n) {
		if ((n = utf8_char(p + i, len - i, &cp)) == 0) {
			fprintf(f, "\\x%02x", p[i]);
			n = 1;
		} else if (cp >= '\a' && cp <= '\r')
			fwrite(named + 2 * (cp - '\a'), 1, 2, f);
		else if (cp == 0x1b)
			fputs("\\e", f);
		else if (utf8_is_control(cp)) {
			for (k = 0; k < n; k++)
				fprintf(f, "\\x%02x", p[i + k]);
		} else if (utf8_is_bidi(cp))
			fprintf(f, "\\u%04x", (unsigned int)cp);
		else if (cp == '\\' || cp == '\'') {
			fputc('\\', f);
			fputc((int)cp, f);
		} else
			fwrite(p + i, 1, n, f);
	}
	fputc('\'', f);
}

static void
banner_quote_to(FILE *f, const char *s, size_t len, enum banner_quote how)
{
	size_t	i;

	if (banner_unsafe(s, len)) {
		banner_escape(f, s, len);
		return;
	}
	if (how == BANNER_TEXT || (len != 0 && strspn(s, BANNER_BARE) == len)) {
		fwrite(s, 1, len, f);
		return;
	}
	fputc('\'', f);
	for (i = 0; i < len; i++) {
		if (s[i] == '\'')
			fputs("'\\''", f);
		else
			fputc(s[i], f);
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

/*
 * One string as a human should see it: with how BANNER_WORD, an argument
 * quoted whenever a shell would need it; with BANNER_TEXT (a whoami, a
 * directory), as it is unless it holds what a terminal must not get.
 */
char *
banner_quote(const char *s, size_t len, enum banner_quote how)
{
	char	*out;
	size_t	 outlen;
	FILE	*f = memstream(&out, &outlen);

	banner_quote_to(f, s, len, how);
	fclose(f);
	return (out);
}

/* An argv as a POSIX shell would need it typed. */
char *
banner_command(char *const *argv)
{
	char	*s;
	size_t	 len;
	FILE	*f = memstream(&s, &len);

	for (; *argv != NULL; argv++) {
		banner_quote_to(f, *argv, strlen(*argv), BANNER_WORD);
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
		banner_quote_to(f, json_string_value(v),
		    json_string_length(v), BANNER_WORD);
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

/* The banner; command is already quoted (banner_command). */
char *
banner_make(time_t when, const char *whoami, const char *dir,
    const char *command)
{
	struct timespec	 ts = { when, 0 };
	char		*iso, *s, *w, *d;

	iso = banner_iso_time(&ts, 0);
	w = banner_quote(whoami, strlen(whoami), BANNER_TEXT);
	d = banner_quote(dir, strlen(dir), BANNER_TEXT);
	xasprintf(&s, "[%s] %s:%s $ %s", iso, w, d, command);
	free(d);
	free(w);
	free(iso);
	return (s);
}
