/*
 * cmd_grep.c: "rexec grep PATTERN [--session NAME]... [--whoami NAME]
 * [--since DATE] [-i] [-l] [--json] [--color=WHEN]": the lines of journaled
 * run text (each run's text file, else its line's "output": what rexec log
 * prints) that match a POSIX extended regular expression, across every
 * session of the journal directory.
 *
 * Sessions come newest first; within one, runs come in journal order (the
 * order they ended: seq order but for runs that overlapped).  Each line
 * that matches prints as "SESSION:SEQ: line", and SESSION:SEQ is what
 * "rexec log" opens: the number is journal_line_seq's, which lines without
 * "seq" (the original crate's) take from their line in the file.  Rejected
 * requests (no "exec") printed nothing and are skipped.
 *
 * Memory stays flat: one journal line, and one run's text, at a time,
 * each dropped before the next is read.  Matching is textmatch.c's, one regexec per matching line;
 * only lines whose text matches are parsed (journal_reader_next_run).
 * Exit status as grep(1): 0 when a line matched, 1 when none did, 2 on an
 * error.
 */
#include "rexec.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "banner.h"
#include "cli.h"
#include "journal.h"
#include "paths.h"
#include "textmatch.h"

/* GNU grep's default colours: the name purple, ':' cyan, a match bold red. */
#define GREP_SGR_NAME	"\033[35m"
#define GREP_SGR_SEP	"\033[36m"
#define GREP_SGR_MATCH	"\033[01;31m\033[K"
#define GREP_SGR_END	"\033[m\033[K"

enum grep_opt {
	GREP_OPT_SESSION = 256,
	GREP_OPT_WHOAMI,
	GREP_OPT_SINCE,
	GREP_OPT_JSON,
	GREP_OPT_COLOR
};

static const struct option grep_options[] = {
	{ "session", required_argument, NULL, GREP_OPT_SESSION },
	{ "whoami", required_argument, NULL, GREP_OPT_WHOAMI },
	{ "since", required_argument, NULL, GREP_OPT_SINCE },
	{ "json", no_argument, NULL, GREP_OPT_JSON },
	{ "color", optional_argument, NULL, GREP_OPT_COLOR },
	{ "colour", optional_argument, NULL, GREP_OPT_COLOR },
	{ "ignore-case", no_argument, NULL, 'i' },
	{ "files-with-matches", no_argument, NULL, 'l' },
	{ "regexp", required_argument, NULL, 'e' },
	{ NULL, 0, NULL, 0 }
};

/* A journal to read: its session name and its path. */
struct grep_source {
	char	*name;
	char	*path;
};

struct grep {
	struct textmatch	*tm;
	const char		*whoami;	/* or NULL: every run */
	int			 since_set;
	time_t			 since;
	int			 list;		/* -l */
	int			 json;
	int			 color;
	int			 matched;	/* a line matched somewhere */
	char			*shown;		/* the session, shown */
};

static int	 grep_since(const char *, time_t, time_t *);
static int	 grep_session_cmp(const void *, const void *);
static char	*grep_session_name(const char *);
static int	 grep_keep(const struct grep *, json_t *);
static void	 grep_print_line(const struct grep *, long long, const char *,
		    const struct textmatch_hit *);
static json_t	*grep_object(const char *, long long, json_t *);
static void	 grep_put_object(json_t *);
static void	 grep_print_json(const char *, long long, json_t *,
		    long long, const char *, const struct textmatch_hit *);
static void	 grep_print_run(const struct grep *, const char *, long long,
		    json_t *);
static int	 grep_run(struct grep *, const char *, long long, json_t *,
		    const char *, size_t);
static int	 grep_want(const char *, size_t, void *);
static int	 grep_journal(struct grep *, const char *, const char *);

/*
 * A --since DATE: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]" (UTC, as the
 * journal's times and session names are), or N followed by s, m, h, d or
 * w for that long before now.  Returns 0 or -1.
 */
static int
grep_since(const char *arg, time_t now, time_t *out)
{
	static const char *const formats[] = {
		"%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S",
		"%Y-%m-%d %H:%M", "%Y-%m-%d"
	};
	struct tm	 tm;
	const char	*end;
	char		*num_end;
	long long	 n;
	size_t		 i;

	if (isdigit((unsigned char)*arg)) {
		errno = 0;
		n = strtoll(arg, &num_end, 10);
		if (errno == 0 && num_end[0] != '\0' && num_end[1] == '\0' &&
		    n <= 100LL * 366 * 86400 &&
		    strchr("smhdw", num_end[0]) != NULL) {
			switch (num_end[0]) {
			case 'w':
				n *= 7;
				/* FALLTHROUGH */
			case 'd':
				n *= 24;
				/* FALLTHROUGH */
			case 'h':
				n *= 60;
				/* FALLTHROUGH */
			case 'm':
				n *= 60;
				break;
			}
			*out = now - (time_t)n;
			return (0);
		}
	}
	for (i = 0; i < nitems(formats); i++) {
		memset(&tm, 0, sizeof tm);
		if ((end = strptime(arg, formats[i], &tm)) == NULL)
			continue;
		if (*end == 'Z' && i < 4)
			end++;
		if (*end != '\0')
			continue;
		*out = timegm(&tm);
		return (0);
	}
	return (-1);
}

static int
grep_session_cmp(const void *a, const void *b)
{
	const struct grep_source	*sa = a, *sb = b;

	/* Newest first, as journal_sessions orders them. */
	return (-strverscmp(sa->name, sb->name));
}

/* The session a journal path names: its file name without ".jsonl". */
static char *
grep_session_name(const char *path)
{
	const char	*base = strrchr(path, '/');
	size_t		 len;

	base = base != NULL ? base + 1 : path;
	len = strlen(base);
	if (len > 6 && strcmp(base + len - 6, ".jsonl") == 0)
		len -= 6;
	return (xstrndup(base, len));
}

/* Whether a journal line is a run the filters let through. */
static int
grep_keep(const struct grep *g, json_t *line)
{
	const char	*s;
	time_t		 t;

	if (!json_is_array(json_object_get(line, "exec")) ||
	    !json_is_string(json_object_get(line, "output")))
		return (0);
	if (g->whoami != NULL) {
		s = json_string_value(json_object_get(line, "whoami"));
		if (s == NULL || strcmp(s, g->whoami) != 0)
			return (0);
	}
	if (g->since_set) {
		if ((s = json_string_value(json_object_get(line,
		    "start"))) == NULL)
			s = json_string_value(json_object_get(line, "time"));
		if (s == NULL || banner_parse_time(s, &t) != 0 ||
		    t < g->since)
			return (0);
	}
	return (1);
}

/* "SESSION:SEQ: line", every match in the line highlighted with colour. */
static void
grep_print_line(const struct grep *g, long long seq, const char *text,
    const struct textmatch_hit *hit)
{
	struct textmatch_hit	 h = *hit;
	size_t			 at = hit->line_start, end = hit->line_end;

	if (!g->color) {
		printf("%s:%lld: ", g->shown, seq);
		fwrite(text + at, 1, end - at, stdout);
		putchar('\n');
		return;
	}
	printf(GREP_SGR_NAME "%s:%lld" GREP_SGR_END GREP_SGR_SEP ":"
	    GREP_SGR_END " ", g->shown, seq);
	for (;;) {
		fwrite(text + at, 1, h.match_start - at, stdout);
		if (h.match_end > h.match_start) {
			fputs(GREP_SGR_MATCH, stdout);
			fwrite(text + h.match_start, 1,
			    h.match_end - h.match_start, stdout);
			fputs(GREP_SGR_END, stdout);
		}
		at = h.match_end;
		/* The next match on this line: the line is the whole text. */
		if (h.match_end == h.match_start)
			break;
		if (!textmatch_next(g->tm, text, end, at, &h) ||
		    h.match_start < at)
			break;
	}
	fwrite(text + at, 1, end - at, stdout);
	putchar('\n');
}

/* The start of a --json object: which run, and whose. */
static json_t *
grep_object(const char *session, long long seq, json_t *run)
{
	json_t	*o = json_object(), *whoami = json_object_get(run, "whoami");

	json_object_set_new(o, "session", json_string(session));
	json_object_set_new(o, "seq", json_integer(seq));
	json_object_set(o, "whoami", whoami != NULL ? whoami : json_null());
	return (o);
}

/* Print a --json object on a line of its own, and drop it. */
static void
grep_put_object(json_t *o)
{
	char	*s = json_dumps(o, JSON_COMPACT);

	if (s != NULL)
		puts(s);
	free(s);
	json_decref(o);
}

/* One matching line as a JSON object. */
static void
grep_print_json(const char *session, long long seq, json_t *run,
    long long lineno, const char *text, const struct textmatch_hit *hit)
{
	json_t	*o = grep_object(session, seq, run);

	json_object_set_new(o, "line", json_integer(lineno));
	json_object_set_new(o, "text", json_stringn_nocheck(text +
	    hit->line_start, hit->line_end - hit->line_start));
	json_object_set_new(o, "start", json_integer(hit->match_start -
	    hit->line_start));
	json_object_set_new(o, "end", json_integer(hit->match_end -
	    hit->line_start));
	grep_put_object(o);
}

/* -l: "SESSION:SEQ whoami argv", or one JSON object for the run. */
static void
grep_print_run(const struct grep *g, const char *session, long long seq,
    json_t *run)
{
	json_t		*o, *exec = json_object_get(run, "exec");
	json_t		*v = json_object_get(run, "whoami");
	char		*s, *whoami;

	if (g->json) {
		o = grep_object(session, seq, run);
		json_object_set(o, "exec", exec);
		grep_put_object(o);
		return;
	}
	whoami = json_is_string(v) ? banner_quote(json_string_value(v),
	    json_string_length(v), BANNER_TEXT) : xstrdup("?");
	s = banner_command_json(exec);
	if (g->color)
		printf(GREP_SGR_NAME "%s:%lld" GREP_SGR_END " %s %s\n",
		    g->shown, seq, whoami, s);
	else
		printf("%s:%lld %s %s\n", g->shown, seq, whoami, s);
	free(whoami);
	free(s);
}

/* Search one run's text; returns whether a line matched. */
static int
grep_run(struct grep *g, const char *session, long long seq, json_t *run,
    const char *text, size_t len)
{
	size_t			 from = 0, counted = 0;
	long long		 lineno = 1;
	struct textmatch_hit	 hit;
	const char		*p;
	int			 found = 0;

	while (textmatch_next(g->tm, text, len, from, &hit)) {
		found = 1;
		if (g->list) {
			grep_print_run(g, session, seq, run);
			break;
		}
		if (g->json) {
			while ((p = memchr(text + counted, '\n',
			    hit.line_start - counted)) != NULL) {
				lineno++;
				counted = p - text + 1;
			}
			counted = hit.line_start;
			grep_print_json(session, seq, run, lineno, text, &hit);
		} else
			grep_print_line(g, seq, text, &hit);
		from = hit.line_end + 1;
	}
	return (found);
}

/* Whether a run's text has a match: only such lines are parsed. */
static int
grep_want(const char *text, size_t len, void *arg)
{
	struct textmatch_hit	hit;

	return (textmatch_next(arg, text, len, 0, &hit));
}

/* Search one journal file; returns 0, or -1 after printing an error. */
static int
grep_journal(struct grep *g, const char *path, const char *session)
{
	struct journal_reader	*r;
	json_t			*line;
	const char		*text;
	char			*cause;
	size_t			 len;
	int			 rv;

	if ((r = journal_reader_open(path, &cause)) == NULL) {
		cli_error("grep: %s", cause);
		free(cause);
		return (-1);
	}
	/* A journal's name is a file's: it may hold anything but '/'. */
	g->shown = banner_quote(session, strlen(session), BANNER_TEXT);
	while ((rv = journal_reader_next_run(r, grep_want, g->tm, &line,
	    &text, &len)) == 1) {
		if (grep_keep(g, line) && grep_run(g, session,
		    journal_line_seq(line, journal_reader_line(r)), line, text,
		    len))
			g->matched = 1;
		json_decref(line);
	}
	if (rv == -1)
		cli_error("grep: %s: %s", path, strerror(errno));
	free(g->shown);
	g->shown = NULL;
	journal_reader_close(r);
	return (rv == -1 ? -1 : 0);
}

int
cmd_grep_exec(int argc, char **argv)
{
	struct grep	  g;
	const char	 *pattern = NULL, *since = NULL, *color = "auto";
	struct grep_source	 *src = NULL;
	char		**names = NULL, **sessions, *dir, *cause, *file;
	size_t		  nnames = 0, n = 0, i;
	int		  ch, icase = 0, failed = 0;

	/* A pattern's "." and -i follow the user's character type (UTF-8). */
	setlocale(LC_CTYPE, "");
	memset(&g, 0, sizeof g);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":e:il", grep_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'e':
			pattern = optarg;
			break;
		case 'i':
			icase = 1;
			break;
		case 'l':
			g.list = 1;
			break;
		case GREP_OPT_SESSION:
			names = xreallocarray(names, nnames + 1,
			    sizeof *names);
			names[nnames++] = optarg;
			break;
		case GREP_OPT_WHOAMI:
			g.whoami = optarg;
			break;
		case GREP_OPT_SINCE:
			since = optarg;
			break;
		case GREP_OPT_JSON:
			g.json = 1;
			break;
		case GREP_OPT_COLOR:
			color = optarg != NULL ? optarg : "auto";
			break;
		case ':':
			free(names);
			return (cli_usage("grep", "%s: needs a value",
			    argv[optind - 1]));
		default:
			free(names);
			return (cli_usage("grep", "unknown option \"%s\"",
			    argv[optind - 1]));
		}
	}
	if (pattern == NULL && optind < argc)
		pattern = argv[optind++];
	if (pattern == NULL || optind != argc) {
		free(names);
		return (cli_usage("grep", pattern == NULL ? "which pattern?" :
		    "unexpected argument \"%s\"", argv[optind]));
	}
	if (strcmp(color, "always") == 0)
		g.color = 1;
	else if (strcmp(color, "auto") == 0)
		g.color = !g.json && isatty(STDOUT_FILENO);
	else if (strcmp(color, "never") != 0) {
		free(names);
		return (cli_usage("grep", "--color: not auto, always or never: "
		    "\"%s\"", color));
	}
	if (g.json)
		g.color = 0;
	if (since != NULL) {
		if (grep_since(since, time(NULL), &g.since) != 0) {
			free(names);
			return (cli_usage("grep", "--since: not a date "
			    "(YYYY-MM-DD[THH:MM[:SS][Z]], or N with s, m, h, d "
			    "or w): \"%s\"", since));
		}
		g.since_set = 1;
	}
	if ((g.tm = textmatch_new(pattern, icase, &cause)) == NULL) {
		cli_error("grep: %s", cause);
		free(cause);
		free(names);
		return (2);
	}
	if ((dir = cli_journal_dir()) == NULL) {
		textmatch_free(g.tm);
		free(names);
		return (2);
	}

	/* The journals to read, newest first. */
	if (nnames > 0) {
		src = xcalloc(nnames, sizeof *src);
		for (i = 0; i < nnames; i++) {
			if ((src[n].path = journal_resolve(dir, names[i],
			    &cause)) == NULL) {
				cli_error("grep: no session \"%s\" (%s)",
				    names[i], cause);
				free(cause);
				failed = 1;
				continue;
			}
			src[n].name = grep_session_name(src[n].path);
			n++;
		}
	} else if ((sessions = journal_sessions(dir, &n, &cause)) == NULL) {
		cli_error("grep: %s", cause);
		free(cause);
		failed = 1;
	} else {
		src = xcalloc(n + 1, sizeof *src);
		for (i = 0; i < n; i++) {
			xasprintf(&file, "%s.jsonl", sessions[i]);
			src[i].path = paths_join(dir, file);
			src[i].name = sessions[i];
			free(file);
		}
		free(sessions);
	}
	if (!failed) {
		qsort(src, n, sizeof *src, grep_session_cmp);
		/* A filter that stops reading ends us as it would grep. */
		signal(SIGPIPE, SIG_DFL);
		for (i = 0; i < n; i++) {
			if (i > 0 && strcmp(src[i].path, src[i - 1].path) == 0)
				continue;
			if (grep_journal(&g, src[i].path, src[i].name) != 0)
				failed = 1;
		}
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cli_error("grep: stdout: %s", strerror(errno));
		failed = 1;
	}
	for (i = 0; i < n; i++) {
		free(src[i].name);
		free(src[i].path);
	}
	free(src);
	free(names);
	free(dir);
	textmatch_free(g.tm);
	if (failed)
		return (2);
	return (g.matched ? 0 : 1);
}
