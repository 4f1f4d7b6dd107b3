/*
 * pane_history.c: the history pane, this session's runs.
 *
 * The pane keeps its own copy of what it shows about each run (struct
 * ui_run), because the host frees a run soon after it ends.  Newest at the
 * bottom; the selection follows the newest run until the human moves it.
 * At most [ui] history finished runs are kept.
 */
#include "rexec.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "run.h"
#include "ui/ui_int.h"

struct pane_history {
	struct ui_run	**runs;
	size_t		  n;
	size_t		  size;
	size_t		  max;
	size_t		  sel;
	int		  sel_last;	/* the selection follows the newest */
	size_t		  top;		/* first row shown */
};

static void	 ui_run_free(struct ui_run *);
static char	*history_tilde(const char *);
static void	 history_trim(struct pane_history *);
static void	 history_state(const struct ui_run *, char *, size_t);
static void	 history_duration(const struct ui_run *, double, char *,
		    size_t);

struct pane_history *
pane_history_new(unsigned int max)
{
	struct pane_history	*ph = xcalloc(1, sizeof *ph);

	ph->max = max < 10 ? 10 : max;
	ph->sel_last = 1;
	return (ph);
}

static void
ui_run_free(struct ui_run *ur)
{
	free(ur->error);
	free(ur->whoami);
	free(ur->dir);
	free(ur->cmd);
	free(ur->banner);
	free(ur);
}

void
pane_history_free(struct pane_history *ph)
{
	size_t	i;

	if (ph == NULL)
		return;
	for (i = 0; i < ph->n; i++)
		ui_run_free(ph->runs[i]);
	free(ph->runs);
	free(ph);
}

/* A directory with $HOME shown as ~. */
static char *
history_tilde(const char *dir)
{
	const char	*home = getenv("HOME");
	size_t		 n;
	char		*s;

	if (home != NULL && (n = strlen(home)) > 1 &&
	    strncmp(dir, home, n) == 0 && (dir[n] == '\0' || dir[n] == '/')) {
		xasprintf(&s, "~%s", dir + n);
		return (s);
	}
	return (xstrdup(dir));
}

/* Drop the oldest finished runs beyond the limit. */
static void
history_trim(struct pane_history *ph)
{
	size_t	i;

	while (ph->n > ph->max) {
		for (i = 0; i < ph->n; i++) {
			if (ph->runs[i]->ended && ph->runs[i]->banner_seen &&
			    !ph->runs[i]->held)
				break;
		}
		if (i == ph->n)
			return;
		ui_run_free(ph->runs[i]);
		memmove(ph->runs + i, ph->runs + i + 1,
		    (ph->n - i - 1) * sizeof *ph->runs);
		ph->n--;
		if (ph->sel > i || ph->sel >= ph->n)
			ph->sel = ph->sel > 0 ? ph->sel - 1 : 0;
		if (ph->top > 0)
			ph->top--;
	}
}

struct ui_run *
pane_history_add(struct pane_history *ph, struct run *r)
{
	struct ui_run	*ur = xcalloc(1, sizeof *ur);

	ur->seq = run_seq(r);
	ur->run = r;
	ur->whoami = xstrdup(run_whoami(r));
	ur->dir = history_tilde(run_dir(r));
	ur->cmd = run_command_line(r);
	if (ph->n == ph->size) {
		ph->size = ph->size == 0 ? 64 : ph->size * 2;
		ph->runs = xreallocarray(ph->runs, ph->size, sizeof *ph->runs);
	}
	ph->runs[ph->n++] = ur;
	if (ph->sel_last)
		ph->sel = ph->n - 1;
	history_trim(ph);
	return (ur);
}

struct ui_run *
pane_history_find(struct pane_history *ph, struct run *r)
{
	size_t	i;

	for (i = ph->n; i > 0; i--) {
		if (ph->runs[i - 1]->run == r)
			return (ph->runs[i - 1]);
	}
	return (NULL);
}

/*
 * The run whose banner the console shows next: the oldest run not yet
 * through the console.  Its banner is made as soon as it started (the
 * host writes the banner before it tells the front end).
 */
struct ui_run *
pane_history_next_banner(struct pane_history *ph)
{
	struct ui_run	*ur;
	size_t		 i;

	for (i = 0; i < ph->n; i++) {
		ur = ph->runs[i];
		if (ur->banner_seen)
			continue;
		if (ur->banner == NULL && ur->run != NULL &&
		    run_state(ur->run) != RUN_QUEUED)
			ur->banner = run_banner(ur->run);
		if (ur->banner == NULL && ur->ended)
			continue;	/* ended before it started */
		return (ur);
	}
	return (NULL);
}

/* Copy what the history shows of a run that is about to be freed. */
void
ui_run_ended(struct ui_run *ur, struct run *r)
{
	json_t	*o, *v;

	o = run_response(r);
	ur->exit_code = (int)json_integer_value(json_object_get(o, "exit"));
	ur->signal = (int)json_integer_value(json_object_get(o, "signal"));
	if ((v = json_object_get(o, "error")) != NULL)
		ur->error = xstrdup(json_string_value(v));
	ur->duration = json_integer_value(json_object_get(o,
	    "duration_ms")) / 1000.0;
	ur->waiting = json_is_true(json_object_get(o, "waiting_for_input"));
	json_decref(o);
	if (ur->banner == NULL && ur->started)
		ur->banner = run_banner(r);
	ur->ended = 1;
	ur->run = NULL;
}

struct ui_run *
pane_history_selected(struct pane_history *ph)
{
	if (ph->n == 0)
		return (NULL);
	return (ph->runs[ph->sel]);
}

void
pane_history_move(struct pane_history *ph, int delta)
{
	long	s;

	if (ph->n == 0)
		return;
	s = (long)ph->sel + delta;
	if (s < 0)
		s = 0;
	if (s >= (long)ph->n)
		s = (long)ph->n - 1;
	ph->sel = (size_t)s;
	ph->sel_last = ph->sel == ph->n - 1;
}

/* Select the run shown on a row of the pane (0 is its first row). */
void
pane_history_click(struct pane_history *ph, int row)
{
	if (row < 0 || ph->top + (size_t)row >= ph->n)
		return;
	ph->sel = ph->top + (size_t)row;
	ph->sel_last = ph->sel == ph->n - 1;
}

void
pane_history_counts(struct pane_history *ph, unsigned int *running,
    unsigned int *queued, unsigned int *done)
{
	size_t	i;

	*running = *queued = *done = 0;
	for (i = 0; i < ph->n; i++) {
		if (ph->runs[i]->ended)
			(*done)++;
		else if (ph->runs[i]->started)
			(*running)++;
		else
			(*queued)++;
	}
}

/*
 * Look at the live runs' waiting-for-input flag; returns 1 if anything
 * shown changed or a running run's clock needs a redraw.
 */
int
pane_history_poll(struct pane_history *ph, double now)
{
	struct ui_run	*ur;
	size_t		 i;
	int		 w, changed = 0;

	(void)now;
	for (i = 0; i < ph->n; i++) {
		ur = ph->runs[i];
		if (ur->run == NULL || !ur->started)
			continue;
		w = run_waiting(ur->run);
		if (w != ur->waiting) {
			ur->waiting = w;
			changed = 1;
		}
	}
	return (changed);
}

/* The state column: queued, running, waiting, exit code, signal, timeout. */
static void
history_state(const struct ui_run *ur, char *buf, size_t len)
{
	if (!ur->started && !ur->ended)
		snprintf(buf, len, "\u2026 queued");
	else if (!ur->ended && ur->waiting)
		snprintf(buf, len, "\u231b input");
	else if (!ur->ended)
		snprintf(buf, len, "\u27f3 running");
	else if (ur->error != NULL && strcmp(ur->error, "timeout") == 0)
		snprintf(buf, len, "\u2717 timeout");
	else if (ur->error != NULL &&
	    strcmp(ur->error, "waiting_for_input") == 0)
		snprintf(buf, len, "\u2717 input");
	else if (ur->error != NULL && strcmp(ur->error, "idle_timeout") == 0)
		snprintf(buf, len, "\u2717 idle");
	else if (ur->signal != 0)
		snprintf(buf, len, "\u2717 sig %d", ur->signal);
	else if (ur->exit_code == 0)
		snprintf(buf, len, "\u2713 0");
	else
		snprintf(buf, len, "\u2717 %d", ur->exit_code);
}

static void
history_duration(const struct ui_run *ur, double now, char *buf, size_t len)
{
	double	d;

	if (!ur->started && !ur->ended) {
		snprintf(buf, len, "-");
		return;
	}
	d = ur->ended ? ur->duration : now - ur->start;
	if (d < 60)
		snprintf(buf, len, "%.1fs", d);
	else if (d < 3600)
		snprintf(buf, len, "%dm%02ds", (int)d / 60, (int)d % 60);
	else
		snprintf(buf, len, "%dh%02dm", (int)d / 3600,
		    (int)d / 60 % 60);
}

/*
 * Draw h rows from row y at column x, w wide; the selection is marked
 * with a triangle, reversed when the pane has the focus, bold otherwise.
 */
void
pane_history_draw(struct pane_history *ph, int y, int x, int h, int w,
    int focus, double now)
{
	struct ui_run	*ur;
	char		 state[32], dur[32], *line;
	size_t		 i;
	int		 row;

	if (h <= 0 || w <= 0)
		return;
	if (ph->sel < ph->top)
		ph->top = ph->sel;
	if (ph->sel >= ph->top + (size_t)h)
		ph->top = ph->sel - h + 1;
	if (ph->n > (size_t)h && ph->top + h > ph->n)
		ph->top = ph->n - h;
	for (row = 0, i = ph->top; row < h && i < ph->n; row++, i++) {
		ur = ph->runs[i];
		history_state(ur, state, sizeof state);
		history_duration(ur, now, dur, sizeof dur);
		xasprintf(&line, "%s%4u  %-12s %7s  %-12.12s %-14.14s %s",
		    i == ph->sel ? "\u25b6" : " ", ur->seq, state, dur,
		    ur->whoami, ur->dir, ur->cmd);
		if (i == ph->sel)
			attron(focus ? A_REVERSE : A_BOLD);
		ui_put(y + row, x, w, line);
		attroff(A_REVERSE | A_BOLD);
		free(line);
	}
}
