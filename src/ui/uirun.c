/*
 * uirun.c: a run as the viewer knows it (struct ui_run), made from the
 * host's "run" events (DESIGN.md section 15) or, for a past run, from a
 * journal line (pane_history.c).
 *
 * The viewer never sees the host's runs: it keeps what the events said.
 * An event carries every field known so far and a field it leaves out is
 * not known yet, so an update takes what is there and leaves the rest.
 * Fields of the wrong type are ignored as if absent: a viewer shows what
 * it can.  Strings a human reads (whoami, dir, the command line, the
 * banner) are escaped here with banner.c, once, so nothing a request
 * holds can act on the human's terminal.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "banner.h"
#include "ui/ui_int.h"

static int	 uirun_int(const json_t *, const char *, long long *);
static int	 uirun_set(char **, char *);

struct ui_run *
ui_run_new(unsigned int seq)
{
	struct ui_run	*ur = xcalloc(1, sizeof *ur);

	ur->seq = seq;
	ur->duration = -1;
	return (ur);
}

void
ui_run_free(struct ui_run *ur)
{
	if (ur == NULL)
		return;
	free(ur->error);
	free(ur->whoami);
	free(ur->dir);
	free(ur->cmd);
	free(ur->banner);
	free(ur->recording);
	free(ur->session);
	free(ur->out_line);
	free(ur);
}

/*
 * A directory with home shown as ~, escaped as a banner shows it.  home
 * is passed in: the history's loader thread must not read environ.
 */
char *
ui_run_dir(const char *dir, const char *home)
{
	size_t		 n;
	char		*s, *q;

	if (home != NULL && (n = strlen(home)) > 1 &&
	    strncmp(dir, home, n) == 0 && (dir[n] == '\0' || dir[n] == '/')) {
		xasprintf(&s, "~%s", dir + n);
		q = banner_quote(s, strlen(s), BANNER_TEXT);
		free(s);
		return (q);
	}
	return (banner_quote(dir, strlen(dir), BANNER_TEXT));
}

/* A whoami as a banner shows it. */
char *
ui_run_whoami(const char *whoami)
{
	return (banner_quote(whoami, strlen(whoami), BANNER_TEXT));
}

/*
 * "2026-11-27T18:43:08.123Z" as seconds since the epoch, with its
 * fraction; -1 if it is not such a time.
 */
double
ui_run_time(const char *s)
{
	const char	*dot;
	time_t		 t;
	double		 frac = 0, unit = 0.1;

	if (s == NULL || banner_parse_time(s, &t) != 0)
		return (-1);
	if ((dot = strchr(s, '.')) != NULL) {
		for (dot++; *dot >= '0' && *dot <= '9'; dot++) {
			frac += (*dot - '0') * unit;
			unit /= 10;
		}
	}
	return ((double)t + frac);
}

/*
 * When a session started, from its name ("2026-12-06-03:15:00", UTC, with
 * "-2" after it when two started in one second), as local time:
 * "2026-12-06 03:15".  A name that is no such time is given as it is.
 */
const char *
ui_run_session_start(const char *session, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t;
	int		n = 0;

	memset(&tm, 0, sizeof tm);
	if (sscanf(session, "%4d-%2d-%2d-%2d:%2d:%2d%n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &n) != 6 || (session[n] != '\0' && session[n] != '-')) {
		snprintf(buf, len, "%s", session);
		return (buf);
	}
	tm.tm_year -= 1900;
	tm.tm_mon--;
	if ((t = timegm(&tm)) == (time_t)-1 || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "%s", session);
	return (buf);
}

/* An integer field: 1 with *v if it is one, else 0. */
static int
uirun_int(const json_t *o, const char *key, long long *v)
{
	json_t	*j = json_object_get(o, key);

	if (!json_is_integer(j))
		return (0);
	*v = json_integer_value(j);
	return (1);
}

/* Replace a string the run keeps; 1 if it changed. */
static int
uirun_set(char **field, char *s)
{
	if (*field != NULL && s != NULL && strcmp(*field, s) == 0) {
		free(s);
		return (0);
	}
	free(*field);
	*field = s;
	return (1);
}

/*
 * Take what a "run" event says about the run; home is $HOME, for the
 * dir's ~.  Returns 1 if anything shown may have changed.
 */
int
ui_run_update(struct ui_run *ur, const json_t *ev, const char *home)
{
	const char	*state, *whoami, *dir;
	json_t		*argv, *v;
	long long	 n;
	double		 t;
	int		 changed = 0, was_ended = ur->ended;

	if ((state = json_string_value(json_object_get(ev, "state"))) !=
	    NULL) {
		if (strcmp(state, "queued") != 0)
			ur->started = 1;
		ur->ended = strcmp(state, "ended") == 0;
		if (strcmp(state, "detached") == 0)
			ur->detached = 1;
		changed = 1;
	}
	if (json_is_boolean(v = json_object_get(ev, "detached")) &&
	    json_is_true(v))
		ur->detached = 1;
	if (json_is_boolean(v = json_object_get(ev, "waiting_for_input")))
		ur->waiting = json_is_true(v);
	whoami = json_string_value(json_object_get(ev, "whoami"));
	dir = json_string_value(json_object_get(ev, "dir"));
	if (whoami != NULL)
		changed |= uirun_set(&ur->whoami, ui_run_whoami(whoami));
	if (dir != NULL)
		changed |= uirun_set(&ur->dir, ui_run_dir(dir, home));
	if (json_is_array(argv = json_object_get(ev, "argv")))
		changed |= uirun_set(&ur->cmd, banner_command_json(argv));
	if (uirun_int(ev, "cols", &n) && n > 0 && n <= 10000)
		ur->cols = (unsigned int)n;
	if (uirun_int(ev, "rows", &n) && n > 0 && n <= 10000)
		ur->rows = (unsigned int)n;
	t = ui_run_time(json_string_value(json_object_get(ev, "start")));
	if (t >= 0)
		ur->start = t;
	if (uirun_int(ev, "exit", &n))
		ur->exit_code = (int)n;
	v = json_object_get(ev, "signal");
	if (json_is_integer(v))
		ur->signal = (int)json_integer_value(v);
	else if (json_is_null(v))
		ur->signal = 0;
	v = json_object_get(ev, "error");
	if (json_is_string(v))
		uirun_set(&ur->error, xstrdup(json_string_value(v)));
	else if (json_is_null(v))
		uirun_set(&ur->error, NULL);
	if (uirun_int(ev, "duration_ms", &n) && n >= 0)
		ur->duration = n / 1000.0;
	if (ur->ended && !was_ended)
		ur->waiting = 0;
	/* The banner, as the console showed it, once it started. */
	if (ur->banner == NULL && ur->start > 0 && whoami != NULL &&
	    dir != NULL && ur->cmd != NULL)
		ur->banner = banner_make((time_t)ur->start, whoami, dir,
		    ur->cmd);
	return (changed || ur->ended != was_ended);
}

/*
 * How long it ran (ended) or has run so far (now is the wall clock, in
 * seconds); < 0 when that is not known.
 */
double
ui_run_duration(const struct ui_run *ur, double now)
{
	if (ur->ended)
		return (ur->duration);
	if (!ur->started || ur->start <= 0)
		return (-1);
	return (now > ur->start ? now - ur->start : 0);
}

/* The wall clock, in seconds, for the clocks of live runs. */
double
ui_run_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}
