/*
 * pane_history.c: the history pane, the runs of this session and, before
 * them, the last runs of earlier sessions.
 *
 * The pane keeps what it shows about each run (struct ui_run, uirun.c),
 * filled from the host's "run" events: the host forgets a run soon after
 * it ends.  Newest at the bottom; the selection follows the newest run
 * until the human moves it.  At most [ui] history finished runs are
 * kept; past runs go first.  After a resync the host's fresh snapshot
 * says again which runs it keeps; a run the viewer still had as live
 * that is no longer among them ended while the viewer was behind, and is
 * shown as ended with an unknown exit.
 *
 * Past runs come from the journal directory when the viewer attaches,
 * read by a thread of their own (journals hold each run's text: hundreds
 * of MB to go through must not keep the viewer from the live runs), the
 * newest earlier sessions first, reading only as many journals as it takes
 * to find [ui] history runs, and never holding more runs than that (a
 * journal is read forward through a ring of the runs still wanted).  Lines
 * that are not runs (rejected requests, corrupt or torn lines) are skipped;
 * fields an older journal lacks are shown as unknown.  A past row is drawn
 * dim with a "·" right after its seq, where this session's rows have a
 * space; its state is its exit code, signal or error as for any ended run.
 * The same thread reads this session's journal first: the runs that ended
 * before this viewer attached, which the host no longer keeps, are this
 * session's rows all the same (a run the events named is taken from them).
 *
 * A separator row, dim, goes above each earlier session's rows: when it
 * started (from its name) and how it ended, as its journal tells it:
 * "run N lost" when a run after its last one has a recording but no line
 * (the host died with it running), "shutdown" when the host was stopped
 * while runs went on (they ended with error "shutdown", shown so in their
 * rows), else "idle" (no run was cut by the stop).
 * Above this session's rows goes one too, when earlier rows are shown.
 * Separators are never selected: the selection moves over runs only.
 *
 * A run that answered early (yield) and goes on in the background shows
 * as detached, "\u21e5 bg", its clock going on.
 *
 * A row shows a run's whoami, dir and argv as its banner does (banner.c):
 * what a terminal would act on is escaped, so a run cannot reach the
 * human's terminal through its request.
 *
 * A filter (text typed after "/") shows only the runs whose whoami, dir or
 * command line, as shown, contain it, ignoring ASCII case; with "output
 * too" on, also those whose text (as journaled) has it, found by a search
 * thread (search.c) in the journals of the sessions shown, this one
 * followed as it grows.  A run shown only for its text keeps its first
 * matching line for the bottom line.  The selection is always a shown run,
 * or nothing when nothing matches.  The pane never reads
 * recordings; it only names them (ur->recording) for the run view.
 */
#include "rexec.h"

#include <curses.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "banner.h"
#include "journal.h"
#include "ui/draw.h"
#include "ui/ui_int.h"

/* Narrower than this, a row leaves out the duration and the dir. */
#define HISTORY_WIDE	72

/* How often the UI looks for the text search's hits, in seconds. */
#define HISTORY_SEARCH_POLL	0.05	/* reading the earlier sessions */
#define HISTORY_FOLLOW_POLL	0.25	/* following this session */

/* Journal strings longer than this (a run's text) are not even parsed. */
#define HISTORY_BRIEF	(64 * 1024)

/* What a separator row says about an earlier session. */
struct history_session {
	char		*name;
	int		 shutdown;	/* a run ended with "shutdown" */
	unsigned int	 lost;		/* a run recorded, never journaled */
};

/* A row drawn: a run (its index in runs and in shown) or a separator. */
struct history_row {
	size_t		 run;
	size_t		 pos;
	int		 sep;		/* above run's session */
};

struct pane_history {
	struct ui_run	**runs;
	size_t		  n;
	size_t		  size;
	size_t		  max;
	size_t		  sel;		/* index in runs */
	int		  sel_last;	/* the selection follows the newest */
	size_t		  top;		/* first row shown, index in shown */
	size_t		  npast;	/* past runs: the first npast */

	char		 *filter;	/* NULL: every run is shown */
	int		  filter_output; /* the filter looks at text too */
	struct history_search *search;	/* the text search of this filter */
	struct history_search **old;	/* searches told to stop */
	size_t		  nold;
	size_t		 *shown;	/* indexes in runs of the rows shown */
	size_t		  nshown;
	struct history_row *rows;	/* shown, with separators */
	size_t		  nrows;
	size_t		 *rowof;	/* the row of each shown run */
	int		  stale;	/* shown needs making again */
	struct history_session *sessions; /* the earlier ones shown */
	size_t		  nsessions;

	char		 *journal_dir;
	char		 *session;	/* this session's name */
	char		 *home;		/* $HOME, for dirs shown with ~ */
	struct history_loader *loader;	/* past runs on their way */
};

/*
 * The thread that reads past runs.  It owns everything here until done
 * is set; then the UI's thread takes the runs.
 */
struct history_loader {
	pthread_t	  thread;
	char		 *journal_dir;
	char		 *session;	/* this session: not a past one */
	char		 *home;		/* $HOME, or NULL */
	size_t		  max;
	struct ui_run	**runs;		/* oldest first */
	size_t		  n;
	size_t		  nown;		/* the last nown: this session's */
	int		  past;		/* earlier sessions too */
	struct history_session *sessions;
	size_t		  nsessions;
	char		 *cause;
	int		  done;		/* atomic */
};

/* The runs one journal still has to give, oldest first once read. */
struct history_ring {
	struct ui_run	**runs;
	size_t		  size;
	size_t		  want;
	size_t		  n;
	size_t		  head;		/* the oldest, once full */
};

static void	 history_insert(struct pane_history *, size_t,
		    struct ui_run **, size_t);
static int	 history_done(const struct ui_run *);
static void	 history_trim(struct pane_history *);
static int	 history_match(const struct pane_history *,
		    const struct ui_run *);
static int	 history_same_session(const struct ui_run *,
		    const struct ui_run *);
static void	 history_separator(struct pane_history *,
		    const struct ui_run *, char *, size_t);
static void	 history_search(struct pane_history *);
static void	 history_show(struct pane_history *);
static size_t	 history_pos(struct pane_history *);
static void	 history_select(struct pane_history *, size_t);
static struct ui_run *history_past(const char *, const char *, const char *,
		    json_t *, long long);
static void	 history_ring_push(struct history_ring *, struct ui_run *);
static size_t	 history_load_session(struct history_loader *, const char *,
		    size_t);
static void	*history_loader_main(void *);
static void	 history_found(struct ui_run *, const struct ui_run *);
static void	 history_loader_free(struct history_loader *, int);
static void	 history_state(const struct ui_run *, char *, size_t);
static void	 history_duration(const struct ui_run *, double, char *,
		    size_t);

struct pane_history *
pane_history_new(unsigned int max)
{
	struct pane_history	*ph = xcalloc(1, sizeof *ph);

	ph->max = max < 10 ? 10 : max;
	ph->sel_last = 1;
	if (getenv("HOME") != NULL)
		ph->home = xstrdup(getenv("HOME"));
	return (ph);
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
	free(ph->filter);
	free(ph->shown);
	free(ph->rows);
	free(ph->rowof);
	for (i = 0; i < ph->nsessions; i++)
		free(ph->sessions[i].name);
	free(ph->sessions);
	search_free(ph->search);
	for (i = 0; i < ph->nold; i++)
		search_free(ph->old[i]);
	free(ph->old);
	if (ph->loader != NULL)
		history_loader_free(ph->loader, 0);
	free(ph->journal_dir);
	free(ph->session);
	free(ph->home);
	free(ph);
}

/* Put n runs in at index at, keeping the selection on its run. */
static void
history_insert(struct pane_history *ph, size_t at, struct ui_run **runs,
    size_t n)
{
	if (n == 0)
		return;
	if (ph->n + n > ph->size) {
		ph->size = ph->size == 0 ? 64 : ph->size;
		while (ph->size < ph->n + n)
			ph->size *= 2;
		ph->runs = xreallocarray(ph->runs, ph->size, sizeof *ph->runs);
	}
	memmove(ph->runs + at + n, ph->runs + at,
	    (ph->n - at) * sizeof *ph->runs);
	memcpy(ph->runs + at, runs, n * sizeof *ph->runs);
	if (ph->n > 0 && ph->sel >= at)
		ph->sel += n;
	ph->n += n;
	ph->stale = 1;
}

/* Is a run done with: ended, and not open in the run view? */
static int
history_done(const struct ui_run *ur)
{
	return (ur->ended && !ur->held);
}

/* Drop the oldest finished runs beyond the limit (past runs first). */
static void
history_trim(struct pane_history *ph)
{
	size_t	i;

	while (ph->n > ph->max) {
		for (i = 0; i < ph->n; i++) {
			if (history_done(ph->runs[i]))
				break;
		}
		if (i == ph->n)
			return;
		ui_run_free(ph->runs[i]);
		if (i < ph->npast)
			ph->npast--;
		memmove(ph->runs + i, ph->runs + i + 1,
		    (ph->n - i - 1) * sizeof *ph->runs);
		ph->n--;
		if (ph->sel > i || ph->sel >= ph->n)
			ph->sel = ph->sel > 0 ? ph->sel - 1 : 0;
		if (ph->top > 0)
			ph->top--;
		ph->stale = 1;
	}
}

/* Where this session's recordings are, for the runs added from now on. */
void
pane_history_set_journal(struct pane_history *ph, const char *journal_dir,
    const char *session)
{
	struct ui_run	*ur;
	size_t		 i;

	free(ph->journal_dir);
	free(ph->session);
	ph->journal_dir = xstrdup(journal_dir);
	ph->session = xstrdup(session);
	for (i = 0; i < ph->n; i++) {
		ur = ph->runs[i];
		if (ur->past || ur->recording != NULL)
			continue;
		ur->session = xstrdup(session);
		ur->recording = journal_recording(journal_dir, session,
		    ur->seq);
	}
}

/* This session's run seq, or NULL. */
struct ui_run *
pane_history_get(struct pane_history *ph, unsigned int seq)
{
	size_t	i;

	for (i = ph->n; i > ph->npast; i--) {
		if (ph->runs[i - 1]->seq == seq)
			return (ph->runs[i - 1]);
	}
	return (NULL);
}

/*
 * A "run" event: the run it names, made on its first event (a run seq
 * the host announces after a newer one goes in its place by seq).
 * NULL for an event without a seq.
 */
struct ui_run *
pane_history_event(struct pane_history *ph, const json_t *ev)
{
	struct ui_run	*ur;
	json_t		*v;
	json_int_t	 seq;
	size_t		 at;

	v = json_object_get(ev, "seq");
	if (!json_is_integer(v) || (seq = json_integer_value(v)) <= 0 ||
	    seq > UINT_MAX)
		return (NULL);
	if ((ur = pane_history_get(ph, (unsigned int)seq)) == NULL) {
		ur = ui_run_new((unsigned int)seq);
		if (ph->session != NULL) {
			ur->session = xstrdup(ph->session);
			ur->recording = journal_recording(ph->journal_dir,
			    ph->session, ur->seq);
		}
		for (at = ph->n; at > ph->npast &&
		    ph->runs[at - 1]->seq > ur->seq; at--)
			;
		history_insert(ph, at, &ur, 1);
		history_trim(ph);
	}
	ur->fresh = 1;
	if (ui_run_update(ur, ev, ph->home)) {
		ph->stale = 1;
		if (ur->ended)
			pane_history_poke(ph);
	}
	return (ur);
}

/* A fresh snapshot comes: which runs does the host still keep? */
void
pane_history_resync(struct pane_history *ph)
{
	size_t	i;

	for (i = ph->npast; i < ph->n; i++)
		ph->runs[i]->fresh = 0;
}

/*
 * The snapshot is whole: a run still live here that it did not name has
 * ended unseen.  Returns 1 if any had.
 */
int
pane_history_ready(struct pane_history *ph)
{
	struct ui_run	*ur;
	size_t		 i;
	int		 any = 0;

	for (i = ph->npast; i < ph->n; i++) {
		ur = ph->runs[i];
		if (ur->fresh || ur->ended)
			continue;
		ur->ended = ur->lost = 1;
		ur->waiting = 0;
		ur->duration = -1;
		any = ph->stale = 1;
	}
	return (any);
}

/* Past runs. */

/*
 * A past run from a journal line, or NULL when the line is not a run.
 * Its recording is the line's "record", else where the host puts it.
 */
static struct ui_run *
history_past(const char *journal_dir, const char *home, const char *session,
    json_t *line, long long lineno)
{
	struct ui_run	*ur;
	json_t		*exec, *v;

	exec = json_object_get(line, "exec");
	if (!json_is_array(exec))
		return (NULL);		/* a rejected request, not a run */
	ur = ui_run_new((unsigned int)journal_line_seq(line, lineno));
	ur->past = ur->started = ur->ended = ur->banner_seen = 1;
	ur->exit_code = (int)json_integer_value(json_object_get(line,
	    "exit"));
	ur->signal = (int)json_integer_value(json_object_get(line, "signal"));
	if (json_is_string(v = json_object_get(line, "error")))
		ur->error = xstrdup(json_string_value(v));
	v = json_object_get(line, "duration_ms");
	ur->duration = json_is_integer(v) ? json_integer_value(v) / 1000.0 :
	    -1;
	v = json_object_get(line, "whoami");
	ur->whoami = ui_run_whoami(json_is_string(v) ? json_string_value(v) :
	    "?");
	v = json_object_get(line, "dir");
	ur->dir = ui_run_dir(json_is_string(v) ? json_string_value(v) :
	    "", home);
	ur->cmd = banner_command_json(exec);
	ur->session = xstrdup(session);
	if (json_is_string(v = json_object_get(line, "record")))
		ur->recording = xstrdup(json_string_value(v));
	else if (json_is_integer(json_object_get(line, "seq")))
		ur->recording = journal_recording(journal_dir, session,
		    ur->seq);
	return (ur);
}

/* Keep a run, dropping the oldest once the ring holds all it wants. */
static void
history_ring_push(struct history_ring *ring, struct ui_run *ur)
{
	if (ring->n < ring->want) {
		if (ring->n == ring->size) {
			ring->size = ring->size == 0 ? 16 : ring->size * 2;
			if (ring->size > ring->want)
				ring->size = ring->want;
			ring->runs = xreallocarray(ring->runs, ring->size,
			    sizeof *ring->runs);
		}
		ring->runs[ring->n++] = ur;
		return;
	}
	ui_run_free(ring->runs[ring->head]);
	ring->runs[ring->head] = ur;
	ring->head = (ring->head + 1) % ring->want;
}

/*
 * The last want runs of one session's journal, put before those already
 * found (the sessions come newest first).  Returns how many; a journal
 * that cannot be read gives none, with ld->cause set if it is still NULL.
 */
static size_t
history_load_session(struct history_loader *ld, const char *session,
    size_t want)
{
	struct journal_reader	*jr;
	struct history_ring	 ring;
	struct ui_run		*ur;
	struct history_session	*hs;
	json_t			*line;
	char			*path, *why = NULL;
	size_t			 i;
	json_int_t		 last = 0;
	int			 shutdown = 0;

	xasprintf(&path, "%s/%s.jsonl", ld->journal_dir, session);
	jr = journal_reader_open(path, &why);
	free(path);
	if (jr == NULL) {
		if (ld->cause == NULL)
			ld->cause = why;
		else
			free(why);
		return (0);
	}
	/* The history shows what ran, not what it printed. */
	journal_reader_brief(jr, HISTORY_BRIEF);
	memset(&ring, 0, sizeof ring);
	ring.want = want;
	while (journal_reader_next(jr, &line) == 1) {
		if (json_is_integer(json_object_get(line, "seq")) &&
		    json_integer_value(json_object_get(line, "seq")) > last)
			last = json_integer_value(json_object_get(line, "seq"));
		ur = history_past(ld->journal_dir, ld->home, session, line,
		    journal_reader_line(jr));
		json_decref(line);
		if (ur == NULL)
			continue;
		if (ur->error != NULL && strcmp(ur->error, "shutdown") == 0)
			shutdown = 1;
		history_ring_push(&ring, ur);
	}
	journal_reader_close(jr);
	if (ring.n > 0) {
		ld->sessions = xreallocarray(ld->sessions, ld->nsessions + 1,
		    sizeof *ld->sessions);
		hs = &ld->sessions[ld->nsessions++];
		hs->name = xstrdup(session);
		hs->shutdown = shutdown;
		hs->lost = 0;
		/* The next run's recording, with no line: it never ended. */
		if (strcmp(session, ld->session) != 0 && last > 0 &&
		    last < UINT_MAX) {
			path = journal_recording(ld->journal_dir, session,
			    (unsigned int)last + 1);
			if (access(path, F_OK) == 0)
				hs->lost = (unsigned int)last + 1;
			free(path);
		}
	}

	ld->runs = xreallocarray(ld->runs, ld->n + ring.n + 1,
	    sizeof *ld->runs);
	memmove(ld->runs + ring.n, ld->runs, ld->n * sizeof *ld->runs);
	for (i = 0; i < ring.n; i++)
		ld->runs[i] = ring.runs[(ring.head + i) % ring.n];
	ld->n += ring.n;
	free(ring.runs);
	return (ring.n);
}

/*
 * The loader thread: this session's runs that ended before the viewer
 * attached (the host forgets a run soon after it ends; its journal line
 * stays), then the newest earlier sessions first, as many as it takes.
 */
static void *
history_loader_main(void *arg)
{
	struct history_loader	*ld = arg;
	char			**names, *why = NULL, *path;
	size_t			  n, i, found = 0;

	xasprintf(&path, "%s/%s.jsonl", ld->journal_dir, ld->session);
	if (access(path, F_OK) == 0)
		ld->nown = history_load_session(ld, ld->session, ld->max);
	free(path);
	if (!ld->past)
		names = NULL;
	else if ((names = journal_sessions(ld->journal_dir, &n, &why)) !=
	    NULL) {
		for (i = 0; i < n && found < ld->max; i++) {
			if (strcmp(names[i], ld->session) == 0)
				continue;
			found += history_load_session(ld, names[i],
			    ld->max - found);
		}
		journal_sessions_free(names, n);
	} else if (ld->cause == NULL)
		ld->cause = why;
	else
		free(why);
	__atomic_store_n(&ld->done, 1, __ATOMIC_RELEASE);
	return (NULL);
}

/*
 * Start reading this session's ended runs and, with past, the last max
 * runs of earlier sessions (after pane_history_set_journal);
 * pane_history_loaded() puts them in.
 */
void
pane_history_load(struct pane_history *ph, size_t max, int past)
{
	struct history_loader	*ld;

	if (ph->journal_dir == NULL || ph->session == NULL || max == 0 ||
	    ph->loader != NULL)
		return;
	ld = xcalloc(1, sizeof *ld);
	ld->journal_dir = xstrdup(ph->journal_dir);
	ld->session = xstrdup(ph->session);
	if (getenv("HOME") != NULL)
		ld->home = xstrdup(getenv("HOME"));
	ld->max = max;
	ld->past = past;
	ph->loader = ld;
	if (pthread_create(&ld->thread, NULL, history_loader_main, ld) != 0) {
		history_loader_main(ld);	/* no thread: read them now */
		ld->thread = pthread_self();
	}
}

/* A run that ended unseen, as its journal line tells it. */
static void
history_found(struct ui_run *ur, const struct ui_run *line)
{
	ur->lost = 0;
	ur->exit_code = line->exit_code;
	ur->signal = line->signal;
	free(ur->error);
	ur->error = line->error != NULL ? xstrdup(line->error) : NULL;
	ur->duration = line->duration;
}

/* Wait for the loader and free it; its runs too unless taken. */
static void
history_loader_free(struct history_loader *ld, int take)
{
	size_t	i;

	if (!pthread_equal(ld->thread, pthread_self()))
		pthread_join(ld->thread, NULL);
	for (i = 0; !take && i < ld->n; i++)
		ui_run_free(ld->runs[i]);
	free(ld->runs);
	for (i = 0; !take && i < ld->nsessions; i++)
		free(ld->sessions[i].name);
	free(ld->sessions);
	free(ld->journal_dir);
	free(ld->session);
	free(ld->home);
	free(ld->cause);
	free(ld);
}

/* Are past runs still being read? */
int
pane_history_loading(const struct pane_history *ph)
{
	return (ph->loader != NULL);
}

/*
 * Put the past runs in before this session's once they are read, and
 * this session's ended runs the events did not bring among its own, by
 * seq.  Returns 1 when that happened, with *cause set when something
 * could not be read (what could be read is shown all the same), else 0.
 */
int
pane_history_loaded(struct pane_history *ph, char **cause)
{
	struct history_loader	*ld = ph->loader;
	struct ui_run		*ur, *old;
	size_t			 npast, i, at;

	*cause = NULL;
	if (ld == NULL || !__atomic_load_n(&ld->done, __ATOMIC_ACQUIRE))
		return (0);
	npast = ld->n - ld->nown;
	history_insert(ph, 0, ld->runs, npast);
	if (ld->nsessions > 0) {
		ph->sessions = xreallocarray(ph->sessions, ph->nsessions +
		    ld->nsessions, sizeof *ph->sessions);
		memcpy(ph->sessions + ph->nsessions, ld->sessions,
		    ld->nsessions * sizeof *ph->sessions);
		ph->nsessions += ld->nsessions;
	}
	ph->npast += npast;
	for (i = npast; i < ld->n; i++) {
		ur = ld->runs[i];
		if ((old = pane_history_get(ph, ur->seq)) != NULL) {
			if (old->lost)
				history_found(old, ur);
			ui_run_free(ur);	/* else the events said more */
			continue;
		}
		ur->past = 0;
		for (at = ph->n; at > ph->npast &&
		    ph->runs[at - 1]->seq > ur->seq; at--)
			;
		history_insert(ph, at, &ur, 1);
	}
	if (ld->cause != NULL)
		xasprintf(cause, "history: %s", ld->cause);
	history_loader_free(ld, 1);
	ph->loader = NULL;
	history_trim(ph);
	history_search(ph);	/* the text of the past runs too */
	return (1);
}

/* The filter. */

/* Does the filter (not NULL) match what the history shows of a run? */
static int
history_match_row(const struct pane_history *ph, const struct ui_run *ur)
{
	return (strcasestr(ur->whoami, ph->filter) != NULL ||
	    strcasestr(ur->dir, ph->filter) != NULL ||
	    strcasestr(ur->cmd, ph->filter) != NULL);
}

static int
history_match(const struct pane_history *ph, const struct ui_run *ur)
{
	if (ph->filter == NULL)
		return (1);
	return (history_match_row(ph, ur) ||
	    (ph->filter_output && ur->out_line != NULL));
}

/*
 * Start the text search of the filter, after stopping the last one (it
 * is freed once its thread has seen the stop): the earlier sessions the
 * history shows, newest first, then this one.
 */
static void
history_search(struct pane_history *ph)
{
	char		**past = NULL;
	size_t		  npast = 0, i, j;
	const char	 *name;

	for (i = 0; i < ph->n; i++) {
		free(ph->runs[i]->out_line);
		ph->runs[i]->out_line = NULL;
	}
	ph->stale = 1;
	if (ph->search != NULL) {
		search_stop(ph->search);
		ph->old = xreallocarray(ph->old, ph->nold + 1,
		    sizeof *ph->old);
		ph->old[ph->nold++] = ph->search;
		ph->search = NULL;
	}
	if (ph->filter == NULL || !ph->filter_output ||
	    ph->journal_dir == NULL)
		return;
	for (i = ph->npast; i > 0; i--) {
		if ((name = ph->runs[i - 1]->session) == NULL)
			continue;
		for (j = 0; j < npast && strcmp(past[j], name) != 0; j++)
			;
		if (j < npast)
			continue;
		past = xreallocarray(past, npast + 1, sizeof *past);
		past[npast++] = (char *)name;
	}
	ph->search = search_start(ph->filter, ph->journal_dir, past, npast,
	    ph->session);
	free(past);
}

/*
 * Take what the text search found (and free the searches that stopped).
 * Returns 1 if rows may have changed.
 */
int
pane_history_found(struct pane_history *ph)
{
	struct search_hit	*hits;
	struct ui_run		*ur;
	size_t			 n, i, j;
	int			 changed = 0;

	for (i = 0; i < ph->nold; i++) {
		if (!search_finished(ph->old[i]))
			continue;
		search_free(ph->old[i]);
		ph->old[i--] = ph->old[--ph->nold];
	}
	if (ph->search == NULL)
		return (0);
	n = search_take(ph->search, &hits);
	for (i = 0; i < n; i++) {
		for (j = ph->n; j > 0; j--) {
			ur = ph->runs[j - 1];
			if (ur->seq != hits[i].seq || ur->session == NULL ||
			    strcmp(ur->session, hits[i].session) != 0)
				continue;
			if (ur->out_line == NULL) {
				ur->out_line = hits[i].line;
				hits[i].line = NULL;
				ph->stale = changed = 1;
			}
			break;
		}
	}
	search_hits_free(hits, n);
	return (changed);
}

/*
 * How soon to look for what the text search found, in seconds: often while
 * it reads the earlier sessions, now and then while it follows this one
 * (a run that ended pokes it); -1 without a search.
 */
double
pane_history_searching(struct pane_history *ph)
{
	if (ph->search == NULL)
		return (ph->nold != 0 ? HISTORY_SEARCH_POLL : -1);
	return (search_scanning(ph->search) ? HISTORY_SEARCH_POLL :
	    HISTORY_FOLLOW_POLL);
}

/* A run of this session ended: the search reads its journal line. */
void
pane_history_poke(struct pane_history *ph)
{
	if (ph->search != NULL)
		search_poke(ph->search);
}

/* Does the filter look at what runs printed too? */
void
pane_history_set_output(struct pane_history *ph, int on)
{
	ph->filter_output = on;
	history_search(ph);
}

int
pane_history_output(const struct pane_history *ph)
{
	return (ph->filter_output);
}

/*
 * The selected run's first line with the filter in it, when it is shown
 * only for what it printed; else NULL.
 */
const char *
pane_history_output_hit(struct pane_history *ph)
{
	struct ui_run	*ur = pane_history_selected(ph);

	if (ur == NULL || ph->filter == NULL || !ph->filter_output ||
	    ur->out_line == NULL || history_match_row(ph, ur))
		return (NULL);
	return (ur->out_line);
}

/*
 * Make the list of rows shown again if runs or the filter changed, and
 * keep the selection on a shown run: the newest when it was following the
 * newest or its run is no longer shown.
 */
static void
history_show(struct pane_history *ph)
{
	struct history_row	*row;
	const struct ui_run	*ur, *prev = NULL;
	size_t			 i;

	if (!ph->stale)
		return;
	ph->stale = 0;
	ph->shown = xreallocarray(ph->shown, ph->n + 1, sizeof *ph->shown);
	ph->rowof = xreallocarray(ph->rowof, ph->n + 1, sizeof *ph->rowof);
	ph->rows = xreallocarray(ph->rows, 2 * ph->n + 1, sizeof *ph->rows);
	ph->nshown = ph->nrows = 0;
	for (i = 0; i < ph->n; i++) {
		ur = ph->runs[i];
		if (!history_match(ph, ur))
			continue;
		/* A session's first row shown, past or after past rows. */
		if (prev == NULL ? ur->past : !history_same_session(prev, ur)) {
			row = &ph->rows[ph->nrows++];
			row->run = i;
			row->pos = ph->nshown;
			row->sep = 1;
		}
		row = &ph->rows[ph->nrows];
		row->run = i;
		row->pos = ph->nshown;
		row->sep = 0;
		ph->rowof[ph->nshown] = ph->nrows++;
		ph->shown[ph->nshown++] = i;
		prev = ur;
	}
	if (ph->nshown == 0)
		return;
	if (ph->sel_last || history_pos(ph) == ph->nshown) {
		ph->sel = ph->shown[ph->nshown - 1];
		ph->sel_last = 1;
	}
}

/* Are two runs of one session (all of this one's count as one)? */
static int
history_same_session(const struct ui_run *a, const struct ui_run *b)
{
	if (!a->past || !b->past)
		return (a->past == b->past);
	if (a->session == NULL || b->session == NULL)
		return (a->session == b->session);
	return (strcmp(a->session, b->session) == 0);
}

/*
 * A separator row's text: "session 2026-12-06 03:15 \u00b7 ended:
 * shutdown", or "this session 2026-12-06 13:20".
 */
static void
history_separator(struct pane_history *ph, const struct ui_run *ur,
    char *buf, size_t len)
{
	const char	*name = ur->past ? ur->session : ph->session;
	char		 start[64];
	size_t		 i;
	unsigned int	 lost = 0;
	int		 shutdown = 0;

	if (name == NULL) {
		snprintf(buf, len, "%s", ur->past ? "session ?" :
		    "this session");
		return;
	}
	ui_run_session_start(name, start, sizeof start);
	if (!ur->past) {
		snprintf(buf, len, "this session %s", start);
		return;
	}
	for (i = 0; i < ph->nsessions; i++) {
		if (strcmp(ph->sessions[i].name, name) != 0)
			continue;
		shutdown = ph->sessions[i].shutdown;
		lost = ph->sessions[i].lost;
	}
	if (lost != 0)
		snprintf(buf, len, "session %s \u00b7 ended: run %u lost",
		    start, lost);
	else
		snprintf(buf, len, "session %s \u00b7 ended: %s", start,
		    shutdown ? "shutdown" : "idle");
}

/* The row of the selection among the rows shown; nshown if not shown. */
static size_t
history_pos(struct pane_history *ph)
{
	size_t	lo = 0, hi = ph->nshown, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ph->shown[mid] < ph->sel)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < ph->nshown && ph->shown[lo] == ph->sel ? lo :
	    ph->nshown);
}

static void
history_select(struct pane_history *ph, size_t pos)
{
	ph->sel = ph->shown[pos];
	ph->sel_last = pos == ph->nshown - 1;
}

/* Show only the runs matching text; NULL or "" shows every run. */
void
pane_history_set_filter(struct pane_history *ph, const char *text)
{
	free(ph->filter);
	ph->filter = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	ph->stale = 1;
	ph->top = 0;
	history_search(ph);
}

const char *
pane_history_filter(struct pane_history *ph)
{
	return (ph->filter);
}

/*
 * "history", or "history /text (3 of 41)" while filtered, "history /text
 * +output (3 of 41)" when the filter looks at text too, with ", searching"
 * until the earlier sessions' journals are read.
 */
void
pane_history_title(struct pane_history *ph, int focus, char *buf,
    size_t len)
{
	const char	*output = "";

	history_show(ph);
	if (ph->filter != NULL && ph->filter_output)
		output = ph->search != NULL && search_scanning(ph->search) ?
		    " +output, searching" : " +output";
	if (ph->filter == NULL)
		snprintf(buf, len, "%shistory%s%s", focus ? "[" : "",
		    ph->filter_output ? " +output" : "", focus ? "]" : "");
	else
		snprintf(buf, len, "%shistory /%s%s (%zu of %zu)%s",
		    focus ? "[" : "", ph->filter, output, ph->nshown, ph->n,
		    focus ? "]" : "");
}

/* Selection. */

struct ui_run *
pane_history_selected(struct pane_history *ph)
{
	history_show(ph);
	if (ph->nshown == 0)
		return (NULL);
	return (ph->runs[ph->sel]);
}

void
pane_history_move(struct pane_history *ph, int delta)
{
	long	s;

	history_show(ph);
	if (ph->nshown == 0)
		return;
	s = (long)history_pos(ph) + delta;
	if (s < 0)
		s = 0;
	if (s >= (long)ph->nshown)
		s = (long)ph->nshown - 1;
	history_select(ph, (size_t)s);
}

/* n and N: the next (1) or previous (-1) match, wrapping around. */
void
pane_history_step(struct pane_history *ph, int dir)
{
	size_t	pos;

	history_show(ph);
	if (ph->filter == NULL || ph->nshown == 0)
		return;
	pos = history_pos(ph);
	if (dir > 0)
		pos = pos + 1 >= ph->nshown ? 0 : pos + 1;
	else
		pos = pos == 0 ? ph->nshown - 1 : pos - 1;
	history_select(ph, pos);
}

/*
 * Select the run shown on a row of the pane (0 is its first row); a
 * separator selects nothing.
 */
void
pane_history_click(struct pane_history *ph, int row)
{
	history_show(ph);
	if (row < 0 || ph->top + (size_t)row >= ph->nrows ||
	    ph->rows[ph->top + row].sep)
		return;
	history_select(ph, ph->rows[ph->top + row].pos);
}

/*
 * Of this session's live runs, how many wait for input: among those
 * pane_history_counts calls running and among the detached ones.
 */
void
pane_history_waiting(struct pane_history *ph, unsigned int *running,
    unsigned int *detached)
{
	struct ui_run	*ur;
	size_t		 i;

	*running = *detached = 0;
	for (i = ph->npast; i < ph->n; i++) {
		ur = ph->runs[i];
		if (ur->ended || !ur->waiting)
			continue;
		if (ur->detached)
			(*detached)++;
		else if (ur->started)
			(*running)++;
	}
}

/*
 * This session's runs by state (running ones not counting the detached);
 * past runs are not counted.
 */
void
pane_history_counts(struct pane_history *ph, unsigned int *running,
    unsigned int *detached, unsigned int *queued, unsigned int *done)
{
	size_t	i;

	*running = *detached = *queued = *done = 0;
	for (i = ph->npast; i < ph->n; i++) {
		if (ph->runs[i]->ended)
			(*done)++;
		else if (ph->runs[i]->detached)
			(*detached)++;
		else if (ph->runs[i]->started)
			(*running)++;
		else
			(*queued)++;
	}
}

/*
 * This session's live runs (started, not ended: running or detached),
 * oldest first: the first max of them into runs.  Returns how many there
 * are.
 */
size_t
pane_history_live(struct pane_history *ph, struct ui_run **runs, size_t max)
{
	size_t	i, n = 0;

	for (i = ph->npast; i < ph->n; i++) {
		if (!ph->runs[i]->started || ph->runs[i]->ended)
			continue;
		if (n < max)
			runs[n] = ph->runs[i];
		n++;
	}
	return (n);
}

/*
 * The state column: queued, running, detached (in the background),
 * waiting, exit code, signal, timeout, shutdown (the host stopped).
 */
static void
history_state(const struct ui_run *ur, char *buf, size_t len)
{
	if (ur->lost)
		snprintf(buf, len, "? ended");
	else if (!ur->started && !ur->ended)
		snprintf(buf, len, "\u2026 queued");
	else if (!ur->ended && ur->waiting && ur->detached)
		snprintf(buf, len, "\u231b bg input");
	else if (!ur->ended && ur->waiting)
		snprintf(buf, len, "\u231b input");
	else if (!ur->ended && ur->detached)
		snprintf(buf, len, "\u21e5 bg");
	else if (!ur->ended)
		snprintf(buf, len, "\u27f3 running");
	else if (ur->error != NULL && strcmp(ur->error, "timeout") == 0)
		snprintf(buf, len, "\u2717 timeout");
	else if (ur->error != NULL &&
	    strcmp(ur->error, "waiting_for_input") == 0)
		snprintf(buf, len, "\u2717 input");
	else if (ur->error != NULL && strcmp(ur->error, "idle_timeout") == 0)
		snprintf(buf, len, "\u2717 idle");
	else if (ur->error != NULL && strcmp(ur->error, "shutdown") == 0)
		snprintf(buf, len, "\u2717 shutdown");
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

	if ((d = ui_run_duration(ur, now)) < 0) {
		snprintf(buf, len, "-");
		return;
	}
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
 * Past runs are dim, with a "\u00b7" after the seq.
 */
void
pane_history_draw(struct pane_history *ph, int y, int x, int h, int w,
    int focus, double now)
{
	struct ui_run	*ur;
	char		 state[32], dur[32], sep[256], *line, *fstate, *fwho;
	char		*fdir;
	size_t		 i, pos, r;
	int		 row, cw;

	if (h <= 0 || w <= 0)
		return;
	history_show(ph);
	if (ph->nshown == 0) {
		if (ph->filter != NULL) {
			xasprintf(&line, " no run matches /%s", ph->filter);
			draw_put(y, x, w, line);
			free(line);
		}
		return;
	}
	/* top counts rows; a session's first run brings its separator. */
	pos = history_pos(ph);
	r = pos < ph->nshown ? ph->rowof[pos] : 0;
	if (r > 0 && ph->rows[r - 1].sep && h > 1)
		r--;
	if (r < ph->top)
		ph->top = r;
	if (pos < ph->nshown && ph->rowof[pos] >= ph->top + (size_t)h)
		ph->top = ph->rowof[pos] - h + 1;
	if (ph->top + h > ph->nrows)
		ph->top = ph->nrows > (size_t)h ? ph->nrows - h : 0;
	for (row = 0; row < h && ph->top + row < ph->nrows; row++) {
		i = ph->rows[ph->top + row].run;
		ur = ph->runs[i];
		if (ph->rows[ph->top + row].sep) {
			history_separator(ph, ur, sep, sizeof sep);
			xasprintf(&line, "\u2500\u2500 %s ", sep);
			attron(A_DIM);
			draw_put(y + row, x, w, line);
			for (cw = draw_width(line); cw < w; cw++)
				mvadd_wch(y + row, x + cw, WACS_HLINE);
			attroff(A_DIM);
			free(line);
			continue;
		}
		history_state(ur, state, sizeof state);
		history_duration(ur, now, dur, sizeof dur);
		/* Columns count cells: a state or a name may be wide. */
		fstate = draw_fit(state, 11);
		if (w >= HISTORY_WIDE) {
			fwho = draw_fit(ur->whoami, 12);
			fdir = draw_fit(ur->dir, 14);
			xasprintf(&line, "%s%4u%s %s %7s  %s %s %s",
			    i == ph->sel ? "\u25b6" : " ", ur->seq,
			    ur->past ? "\u00b7" : " ", fstate, dur, fwho, fdir,
			    ur->cmd);
			free(fdir);
		} else {	/* beside the console: no duration, no dir */
			fwho = draw_fit(ur->whoami, 8);
			xasprintf(&line, "%s%4u%s %s %s %s",
			    i == ph->sel ? "\u25b6" : " ", ur->seq,
			    ur->past ? "\u00b7" : " ", fstate, fwho, ur->cmd);
		}
		free(fwho);
		free(fstate);
		if (ur->past)
			attron(A_DIM);
		if (i == ph->sel)
			attron(focus ? A_REVERSE : A_BOLD);
		draw_put(y + row, x, w, line);
		attroff(A_REVERSE | A_BOLD | A_DIM);
		free(line);
	}
}
