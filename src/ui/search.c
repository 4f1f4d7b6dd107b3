/*
 * search.c: what the history filter finds in what runs printed, read from
 * the journals on a thread of its own (a journal holds each run's text, up
 * to [journal] max_output: hundreds of MB must never stop the loop).
 *
 * A search has one needle, matched as the filter matches a command line:
 * a substring, ignoring ASCII case.  It reads the earlier sessions it is
 * given once, then this session's journal to its end, and then follows
 * it: a poke (a run ended) or a second's wait reads on from where it
 * stopped, as "rexec print --follow" does, so a run that ends later is
 * found too.  A torn last line waits in the reader for its end.
 *
 * Each run whose text has the needle gives one hit: its session, its seq
 * (as the history numbers it: the journal's "seq", else its place among
 * the session's runs) and its first line that has it.  The UI's thread
 * takes the hits as they come; a stop is seen between two journal lines.
 */
#include "rexec.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "journal.h"
#include "utf8.h"
#include "ui/ui_int.h"

/* The longest line a hit keeps, in bytes (cut at a character). */
#define SEARCH_LINE_MAX	512

/* How long a search that follows this session sleeps without a poke. */
#define SEARCH_FOLLOW_MS	1000

struct history_search {
	pthread_t		 thread;
	int			 started;
	char			*needle;
	size_t			 nlen;
	char			*journal_dir;
	char			**past;		/* earlier sessions, read once */
	size_t			 npast;
	char			*current;	/* this session: followed */

	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	/* Under lock. */
	struct search_hit	*hits;		/* found, not yet taken */
	size_t			 nhits;
	int			 poked;
	int			 stop;
	int			 scanned;	/* the earlier sessions are read */
	int			 finished;	/* the thread is done */
};

static void	*search_main(void *);

static int
search_fold(int c)
{
	return (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

/*
 * The first line of text (len bytes, any bytes) that holds the needle,
 * ignoring ASCII case: its start and length.  Returns 0 if none.
 */
static int
search_text(const struct history_search *hs, const char *text, size_t len,
    size_t *start, size_t *n)
{
	const unsigned char	*t = (const unsigned char *)text;
	const unsigned char	*nd = (const unsigned char *)hs->needle;
	const char		*s, *e;
	size_t			 i, j;
	int			 c0 = search_fold(nd[0]);

	if (hs->nlen == 0 || len < hs->nlen)
		return (0);
	for (i = 0; i + hs->nlen <= len; i++) {
		if (search_fold(t[i]) != c0)
			continue;
		for (j = 1; j < hs->nlen; j++) {
			if (search_fold(t[i + j]) != search_fold(nd[j]))
				break;
		}
		if (j < hs->nlen)
			continue;
		s = memrchr(text, '\n', i);
		s = s != NULL ? s + 1 : text;
		e = memchr(text + i, '\n', len - i);
		if (e == NULL)
			e = text + len;
		*start = s - text;
		*n = e - s;
		return (1);
	}
	return (0);
}

static void
search_push(struct history_search *hs, const char *session,
    unsigned int seq, const char *line, size_t n)
{
	struct search_hit	*h;
	char			*copy;
	size_t			 i;

	if (n > SEARCH_LINE_MAX)
		n = utf8_truncate(line, SEARCH_LINE_MAX);
	copy = xmalloc(n + 1);
	/* One status line: tabs and other controls show as spaces. */
	for (i = 0; i < n; i++)
		copy[i] = ((unsigned char)line[i] < 0x20 || line[i] == 0x7f) ?
		    ' ' : line[i];
	copy[n] = '\0';

	pthread_mutex_lock(&hs->lock);
	hs->hits = xreallocarray(hs->hits, hs->nhits + 1, sizeof *hs->hits);
	h = &hs->hits[hs->nhits++];
	h->session = xstrdup(session);
	h->seq = seq;
	h->line = copy;
	pthread_mutex_unlock(&hs->lock);
}

static int
search_stopping(struct history_search *hs)
{
	int	stop;

	pthread_mutex_lock(&hs->lock);
	stop = hs->stop;
	pthread_mutex_unlock(&hs->lock);
	return (stop);
}

/* The line of a run's text that search_want found, for search_read. */
struct search_want {
	struct history_search	*hs;
	size_t			 start;
	size_t			 n;
	int			 stop;	/* told to stop: this line ends it */
};

static int
search_want(const char *text, size_t len, void *arg)
{
	struct search_want	*sw = arg;

	/* A stop is seen at every line, even in a journal with no hit. */
	if (search_stopping(sw->hs))
		return (sw->stop = 1);
	return (search_text(sw->hs, text, len, &sw->start, &sw->n));
}

/*
 * Read on in one session's journal until its end (or a stop), pushing a
 * hit for each run whose text has the needle.  Only such lines are
 * parsed (journal_reader_next_run).
 */
static void
search_read(struct history_search *hs, struct journal_reader *jr,
    const char *session)
{
	struct search_want	 sw = { .hs = hs };
	json_t			*line;
	const char		*text;
	size_t			 len;

	while (!search_stopping(hs) && journal_reader_next_run(jr,
	    search_want, &sw, &line, &text, &len) == 1) {
		if (!sw.stop && json_is_array(json_object_get(line, "exec")))
			search_push(hs, session, (unsigned int)journal_line_seq(
			    line, journal_reader_line(jr)), text + sw.start,
			    sw.n);
		json_decref(line);
	}
}

static struct journal_reader *
search_open(struct history_search *hs, const char *session)
{
	struct journal_reader	*jr;
	char			*path, *cause = NULL;

	xasprintf(&path, "%s/%s.jsonl", hs->journal_dir, session);
	jr = journal_reader_open(path, &cause);
	free(path);
	free(cause);		/* a journal gone or unreadable: no hits */
	return (jr);
}

static void *
search_main(void *arg)
{
	struct history_search	*hs = arg;
	struct journal_reader	*jr;
	struct timespec		 ts;
	size_t			 i;

	for (i = 0; i < hs->npast && !search_stopping(hs); i++) {
		if ((jr = search_open(hs, hs->past[i])) == NULL)
			continue;
		search_read(hs, jr, hs->past[i]);
		journal_reader_close(jr);
	}
	pthread_mutex_lock(&hs->lock);
	hs->scanned = 1;
	pthread_mutex_unlock(&hs->lock);

	jr = hs->current != NULL ? search_open(hs, hs->current) : NULL;
	while (jr != NULL) {
		search_read(hs, jr, hs->current);
		pthread_mutex_lock(&hs->lock);
		if (!hs->stop && !hs->poked) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += SEARCH_FOLLOW_MS / 1000;
			pthread_cond_timedwait(&hs->wake, &hs->lock, &ts);
		}
		hs->poked = 0;
		if (hs->stop) {
			pthread_mutex_unlock(&hs->lock);
			break;
		}
		pthread_mutex_unlock(&hs->lock);
	}
	if (jr != NULL)
		journal_reader_close(jr);

	pthread_mutex_lock(&hs->lock);
	hs->scanned = hs->finished = 1;
	pthread_mutex_unlock(&hs->lock);
	return (NULL);
}

/*
 * Search the runs of the earlier sessions past (newest first) and then of
 * this session (current, or NULL) for needle.
 */
struct history_search *
search_start(const char *needle, const char *journal_dir,
    char *const *past, size_t npast, const char *current)
{
	struct history_search	*hs = xcalloc(1, sizeof *hs);
	size_t			 i;

	hs->needle = xstrdup(needle);
	hs->nlen = strlen(needle);
	hs->journal_dir = xstrdup(journal_dir);
	hs->past = xreallocarray(NULL, npast + 1, sizeof *hs->past);
	for (i = 0; i < npast; i++)
		hs->past[i] = xstrdup(past[i]);
	hs->npast = npast;
	if (current != NULL)
		hs->current = xstrdup(current);
	pthread_mutex_init(&hs->lock, NULL);
	pthread_cond_init(&hs->wake, NULL);
	if (pthread_create(&hs->thread, NULL, search_main, hs) == 0)
		hs->started = 1;
	else {
		/* No thread: no hits, and the title says it is done. */
		hs->scanned = hs->finished = 1;
	}
	return (hs);
}

/* The hits found since the last call (the caller frees them). */
size_t
search_take(struct history_search *hs, struct search_hit **hits)
{
	size_t	n;

	pthread_mutex_lock(&hs->lock);
	*hits = hs->hits;
	n = hs->nhits;
	hs->hits = NULL;
	hs->nhits = 0;
	pthread_mutex_unlock(&hs->lock);
	return (n);
}

/* Are the earlier sessions still being read? */
int
search_scanning(struct history_search *hs)
{
	int	scanning;

	pthread_mutex_lock(&hs->lock);
	scanning = !hs->scanned;
	pthread_mutex_unlock(&hs->lock);
	return (scanning);
}

/* A run of this session ended: its journal line is on its way. */
void
search_poke(struct history_search *hs)
{
	pthread_mutex_lock(&hs->lock);
	hs->poked = 1;
	pthread_cond_signal(&hs->wake);
	pthread_mutex_unlock(&hs->lock);
}

/* Ask the thread to stop; it does between two journal lines. */
void
search_stop(struct history_search *hs)
{
	pthread_mutex_lock(&hs->lock);
	hs->stop = 1;
	pthread_cond_signal(&hs->wake);
	pthread_mutex_unlock(&hs->lock);
}

/* Has the thread ended, so that search_free will not wait? */
int
search_finished(struct history_search *hs)
{
	int	finished;

	pthread_mutex_lock(&hs->lock);
	finished = hs->finished;
	pthread_mutex_unlock(&hs->lock);
	return (finished);
}

void
search_hits_free(struct search_hit *hits, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(hits[i].session);
		free(hits[i].line);
	}
	free(hits);
}

/* Stop the search, wait for its thread and free it. */
void
search_free(struct history_search *hs)
{
	size_t	i;

	if (hs == NULL)
		return;
	search_stop(hs);
	if (hs->started)
		pthread_join(hs->thread, NULL);
	search_hits_free(hs->hits, hs->nhits);
	pthread_mutex_destroy(&hs->lock);
	pthread_cond_destroy(&hs->wake);
	for (i = 0; i < hs->npast; i++)
		free(hs->past[i]);
	free(hs->past);
	free(hs->current);
	free(hs->journal_dir);
	free(hs->needle);
	free(hs);
}
