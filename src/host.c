/*
 * host.c: the host.
 *
 * One process, one thread, one poll() loop.  Every fd is non-blocking and
 * served from here: the signalfd, the control FIFO, each run's PTY master
 * and stdin pipe, the viewers' socket and connections (viewsrv.c), the
 * in-process UI's keyboard, and the journal's error
 * descriptor (its own threads write and sync it, so no disk stalls us).  Read this file top to
 * bottom to follow the data: a line arrives on the FIFO (host_fifo), becomes
 * a request (host_line), a queued run (host_enqueue), a started run
 * (host_schedule); its bytes flow through the run to the console and the
 * front end; when it ends (host_run_done) its response and journal line are
 * written at once, whatever the console order.
 *
 * What happens is told to a list of observers (frontend.h): the viewer
 * server, always, and the headless stdout stream or the in-process UI
 * when host_main() was given one.  The console is serialised twice when
 * an observer wants agent text (headless with [headless] raw = false):
 * viewers always get the raw stream, so a second console carries the
 * text.  Each console bounds what it buffers the same way (at most
 * HOST_CONSOLE_MEMORY in memory, [host] console_backlog per waiting run,
 * the rest spilled), so the text one at most doubles that bound, and
 * only when it is asked for.
 *
 * The PTYs are served before anything else in each turn, so neither the
 * FIFO nor the front end's drawing can slow a run down.
 */
#include "rexec.h"

#include <sys/queue.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <malloc.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "banner.h"
#include "config.h"
#include "console.h"
#include "control.h"
#include "frontend.h"
#include "host.h"
#include "hostlock.h"
#include "journal.h"
#include "longrun.h"
#include "mono.h"
#include "paths.h"
#include "record.h"
#include "reply.h"
#include "request.h"
#include "retention.h"
#include "reaper.h"
#include "run.h"
#include "spool.h"
#include "textfile.h"
#include "utf8.h"
#include "rawring.h"
#include "viewsrv.h"

extern char	**environ;

/* Called once the host serves (host_on_ready). */
static void	(*host_ready_cb)(void *);
static void	 *host_ready_arg;

/*
 * Memory the console may buffer for runs waiting their turn, between
 * them; each keeps at most [host] console_backlog.
 */
#define HOST_CONSOLE_MEMORY	(8 * 1024 * 1024)
/* Console backlog written per loop turn. */
#define HOST_CONSOLE_PUMP	(1024 * 1024)
/* Allocations at least this big are mapped, not taken from the heap. */
#define HOST_MMAP_THRESHOLD	(256 * 1024)
/* Replies nobody collected are deleted after this long. */
#define HOST_REPLY_MAX_AGE	(24 * 60 * 60)
/* Ended runs kept for wait, and how many of them keep a screen. */
#define HOST_KEEP_DONE		1000
#define HOST_KEEP_SCREENS	32
/* How many earlier sessions the host learns the run numbers of at start. */
#define HOST_EARLIER		64
/* The stdout stream or in-process UI, and the viewer server. */
#define HOST_OBSERVERS		2
/* The host's own fds in the poll set, after the runs'. */
#define HOST_PFD_SIG		0
#define HOST_PFD_FIFO		1
#define HOST_PFD_JOURNAL	2
#define HOST_PFD_SPOOL		3
#define HOST_PFD_FIXED		4

/* A run and what the host keeps beside it. */
struct slot {
	struct host		*host;
	struct run		*run;
	struct console_entry	*entry;		/* in the raw console */
	struct console_entry	*tentry;	/* in the text one, or NULL */
	struct record		*record;	/* NULL: not recorded */
	struct longrun		*lr;		/* NULL once its screen went */
	struct rawring		*raw;		/* newest output, for viewers */
	int			 prompt_told;	/* a wait said it waits for input */
	int			 last_newline;	/* raw console's last byte was \n */
	int			 tlast_newline;	/* the text one's */
	size_t			 pfd;		/* its fds in this loop turn */
	size_t			 npfd;
	TAILQ_ENTRY(slot)	 link;
};
TAILQ_HEAD(slots, slot);

struct host {
	const struct config	*cfg;
	const struct frontend	*obs[HOST_OBSERVERS];
	size_t			 nobs;
	struct viewsrv		*viewsrv;
	char			*rundir;
	char			*journal_dir;
	char			*fifo_path;
	char			*lock_path;
	char			*replies;
	char			*spool_dir;
	struct spool		*spool;		/* reads spool files */
	char			*record_dir;	/* J/<session>, once made */
	int			 lock_fd;
	int			 fifo_fd;
	int			 sig_fd;
	struct control		*control;
	struct journal		*journal;
	struct console		*console;	/* raw bytes */
	struct console		*tconsole;	/* agent text, or NULL */
	struct reaper		*reaper;
	struct slots		 slots;		/* arrival order */
	struct slots		 done;		/* ended, oldest first */
	unsigned int		 ndone;
	unsigned int		 next_seq;
	unsigned int		 first_seq;	/* earlier sessions' are below */
	struct journal_span	*earlier;	/* the sessions before, newest first */
	size_t			 nearlier;
	unsigned int		 running;	/* detached ones too */
	unsigned int		 detached;
	unsigned int		 queued;
	int			 stopping;
	int			 signals;	/* stop signals received */
};

static void	host_line(const char *, size_t, int, void *);
static void	host_dispatch(struct host *, struct request *, double);
static void	host_schedule(struct host *, double);
static void	host_detach(struct slot *, double);
static void	host_answer(struct slot *, double, int);
static void	host_wait_reply(struct slot *, const char *, size_t, double);
static void	host_keep(struct host *, struct slot *);
static void	host_slot_free(struct slot *);

/* What a run went through, for the observers. */
enum host_event {
	HOST_QUEUED,
	HOST_STARTED,
	HOST_WAITING,
	HOST_DETACHED,
	HOST_ENDED
};

/* Tell every observer about a run. */
static void
host_tell(struct host *h, enum host_event ev, struct run *r)
{
	const struct frontend	*o;
	void			(*fn)(struct run *, void *);
	size_t			 i;

	for (i = 0; i < h->nobs; i++) {
		o = h->obs[i];
		switch (ev) {
		case HOST_QUEUED:
			fn = o->run_queued;
			break;
		case HOST_STARTED:
			fn = o->run_started;
			break;
		case HOST_WAITING:
			fn = o->run_waiting;
			break;
		case HOST_DETACHED:
			fn = o->run_detached;
			break;
		default:
			fn = o->run_ended;
			break;
		}
		if (fn != NULL)
			fn(r, o->arg);
	}
}

/* A line about the host, for every observer. */
void
host_message(struct host *h, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;
	size_t	 i;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	for (i = 0; i < h->nobs; i++) {
		if (h->obs[i]->message != NULL)
			h->obs[i]->message(msg, h->obs[i]->arg);
	}
	free(msg);
}

/* A console segment to the observers that take this stream. */
static void
host_segment(struct host *h, int text, enum console_kind kind,
    unsigned int seq, const char *buf, size_t len)
{
	const struct frontend	*o;
	size_t			 i;

	for (i = 0; i < h->nobs; i++) {
		o = h->obs[i];
		if (!o->console_text != !text)
			continue;
		if (o->segment != NULL)
			o->segment(kind, seq, buf, len, o->arg);
		else if (o->console != NULL)
			o->console(buf, len, o->arg);
	}
}

static void
host_console_raw(enum console_kind kind, unsigned int seq, const char *buf,
    size_t len, void *arg)
{
	host_segment(arg, 0, kind, seq, buf, len);
}

static void
host_console_text(enum console_kind kind, unsigned int seq, const char *buf,
    size_t len, void *arg)
{
	host_segment(arg, 1, kind, seq, buf, len);
}

static void
host_journal(struct host *h, json_t *line)
{
	char	*cause;

	json_object_set_new(line, "host_pid", json_integer(getpid()));
	if (journal_append(h->journal, line, &cause) != 0) {
		host_message(h, "journal: %s", cause);
		free(cause);
	}
	json_decref(line);
}

/* What the journal's threads could not write or sync, for the human. */
static void
host_journal_errors(struct host *h)
{
	char	*errors, *line, *next;

	if ((errors = journal_error(h->journal)) == NULL)
		return;
	for (line = errors; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		host_message(h, "journal: %s", line);
	}
	free(errors);
}

/* A console spill that failed, once: the console went on without it. */
static void
host_console_errors(struct host *h)
{
	char	*error;

	if ((error = console_error(h->console)) != NULL) {
		host_message(h, "%s", error);
		free(error);
	}
	if (h->tconsole != NULL &&
	    (error = console_error(h->tconsole)) != NULL) {
		host_message(h, "%s", error);
		free(error);
	}
}

static void
host_reply(struct host *h, const char *id, json_t *obj)
{
	char	*cause;

	if (id != NULL && reply_write(h->replies, id, obj, &cause) != 0) {
		host_message(h, "reply %s: %s", id, cause);
		free(cause);
	}
	json_decref(obj);
}

/* A request that was refused: a reply if it has an id, a journal line. */
static void
host_reject(struct host *h, const char *id, const char *why, const char *line,
    size_t len)
{
	json_t		*o;
	char		*error, *text, *when;
	size_t		 textlen;
	struct timespec	 ts;

	/* Valid UTF-8 whatever why holds, so jansson keeps the field. */
	xasprintf(&text, "bad_request: %s", why);
	error = utf8_sanitize(text, strlen(text), &textlen);
	free(text);
	if (id != NULL) {
		o = json_object();
		json_object_set_new(o, "id", json_string(id));
		json_object_set_new(o, "exit", json_integer(127));
		json_object_set_new(o, "output", json_string(""));
		json_object_set_new(o, "error", json_string(error));
		host_reply(h, id, o);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	when = banner_iso_time(&ts, 1);
	o = json_object();
	if (id != NULL)
		json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "exit", json_integer(127));
	json_object_set_new(o, "output", json_string(""));
	json_object_set_new(o, "error", json_string(error));
	json_object_set_new(o, "time", json_string(when));
	free(when);
	if (line != NULL) {
		text = utf8_sanitize(line, len, &textlen);
		json_object_set_new(o, "request", json_stringn(text, textlen));
		free(text);
	}
	host_journal(h, o);
	host_message(h, "%s%s%s%s", error, id != NULL ? " (id " : "",
	    id != NULL ? id : "", id != NULL ? ")" : "");
	free(error);
}

static struct slot *
host_find_id(struct host *h, const char *id)
{
	struct slot	*s;

	TAILQ_FOREACH(s, &h->slots, link) {
		if (run_id(s->run) != NULL && strcmp(run_id(s->run), id) == 0 &&
		    run_state(s->run) != RUN_DONE)
			return (s);
	}
	return (NULL);
}

/* Raw output of the run, in its console turn. */
static void
slot_console(struct slot *s, const char *buf, size_t len)
{
	if (len == 0)
		return;
	console_write(s->host->console, s->entry, buf, len);
	s->last_newline = buf[len - 1] == '\n';
}

/* Agent text of the run, in its turn in the text console. */
static void
slot_console_text(struct slot *s, const char *buf, size_t len)
{
	if (len == 0 || s->tentry == NULL)
		return;
	console_write(s->host->tconsole, s->tentry, buf, len);
	s->tlast_newline = buf[len - 1] == '\n';
}

/*
 * A line rexec adds about the run, in both consoles; own_line puts it on
 * a line of its own where the run's output left one unfinished.
 */
static void
slot_note(struct slot *s, const char *buf, size_t len, int own_line)
{
	struct host	*h = s->host;

	if (own_line && !s->last_newline)
		console_note(h->console, s->entry, "\n", 1);
	console_note(h->console, s->entry, buf, len);
	s->last_newline = len > 0 ? buf[len - 1] == '\n' : s->last_newline;
	if (s->tentry == NULL)
		return;
	if (own_line && !s->tlast_newline)
		console_note(h->tconsole, s->tentry, "\n", 1);
	console_note(h->tconsole, s->tentry, buf, len);
	s->tlast_newline = len > 0 ? buf[len - 1] == '\n' :
	    s->tlast_newline;
}

/* The run's entries in the consoles: its turn is over. */
static void
slot_console_end(struct slot *s)
{
	console_end(s->host->console, s->entry);
	if (s->tentry != NULL)
		console_end(s->host->tconsole, s->tentry);
}

/* New entries at the end of the consoles' lines. */
static void
slot_console_add(struct slot *s)
{
	struct host	*h = s->host;

	s->entry = console_add(h->console, run_seq(s->run));
	if (h->tconsole != NULL)
		s->tentry = console_add(h->tconsole, run_seq(s->run));
}

/*
 * J/<session>, where the runs' recordings and text files go, made the
 * first time one needs it.  Returns 0, or -1 after saying why (for what).
 */
static int
host_session_dir(struct host *h, const char *what)
{
	char	*path, *cause;

	if (h->record_dir != NULL)
		return (0);
	path = paths_join(h->journal_dir, journal_session(h->journal));
	if (paths_private_dir(path, &cause) != 0) {
		host_message(h, "%s: %s", what, cause);
		free(cause);
		free(path);
		return (-1);
	}
	h->record_dir = path;
	return (0);
}

/*
 * Open the run's recording, J/<session>/<seq>.cast.  A recording that
 * cannot be made is reported and the run goes on without it.
 */
static void
slot_record_open(struct slot *s, struct run *r)
{
	struct host		*h = s->host;
	struct record_header	 hdr;
	char			*path, *cmd, *title, *cause;

	if (!h->cfg->record_enabled || h->journal == NULL ||
	    host_session_dir(h, "recording") != 0)
		return;
	path = journal_recording(h->journal_dir, journal_session(h->journal),
	    run_seq(r));
	cmd = run_command_line(r);
	xasprintf(&title, "%s: %s", run_whoami(r), cmd);
	memset(&hdr, 0, sizeof hdr);
	run_size(r, &hdr.width, &hdr.height);
	hdr.timestamp = time(NULL);
	hdr.command = cmd;
	hdr.title = title;
	s->record = record_open(path, &hdr, h->cfg->record_max_bytes, &cause);
	if (s->record == NULL) {
		host_message(h, "recording: %s", cause);
		free(cause);
	}
	free(title);
	free(cmd);
	free(path);
}

/* Close the recording before the reply names it; its path, or NULL. */
static char *
slot_record_close(struct slot *s)
{
	char	*path, *cause;

	if (s->record == NULL)
		return (NULL);
	path = xstrdup(record_path(s->record));
	if (record_close(s->record, &cause) != 0) {
		host_message(s->host, "recording: %s", cause);
		free(cause);
	}
	s->record = NULL;
	return (path);
}

static void
hook_started(struct run *r, void *arg)
{
	struct slot	*s = arg;
	char		*banner, *line;
	size_t		 len;

	/* Never cut from a backlog: the console says whose output follows. */
	banner = run_banner(r);
	len = (size_t)xasprintf(&line, "%s\n", banner);
	console_banner(s->host->console, s->entry, line, len);
	if (s->tentry != NULL)
		console_banner(s->host->tconsole, s->tentry, line, len);
	s->last_newline = s->tlast_newline = 1;
	free(line);
	free(banner);
	slot_record_open(s, r);
	/* Its text file, J/<session>/<seq>.txt, once its text is big. */
	if (s->host->journal != NULL && s->host->cfg->journal_max_output > 0 &&
	    host_session_dir(s->host, "text file") == 0)
		run_text_file(r, textfile_new(s->host->journal,
		    s->host->journal_dir, journal_session(s->host->journal),
		    run_seq(r), s->host->cfg->journal_max_output));
	s->host->queued--;
	s->host->running++;
	host_tell(s->host, HOST_STARTED, r);
}

/* A detached run has given up its console turn: its output lives on. */
static void
hook_output(struct run *r, const char *buf, size_t len, void *arg)
{
	struct slot	*s = arg;
	struct host	*h = s->host;

	size_t		 i;

	record_output(s->record, mono_now() - run_started(r), buf, len);
	longrun_output(s->lr, buf, len);
	rawring_put(s->raw, buf, len);
	if (!longrun_detached(s->lr))
		slot_console(s, buf, len);
	for (i = 0; i < h->nobs; i++) {
		if (h->obs[i]->run_output != NULL)
			h->obs[i]->run_output(r, buf, len, h->obs[i]->arg);
	}
}

static void
hook_text(struct run *r, const char *buf, size_t len, void *arg)
{
	struct slot	*s = arg;

	if (!longrun_detached(s->lr))
		slot_console_text(s, buf, len);
}

/*
 * A run began waiting for input: a yield still to come and the waits on
 * it answer now.
 */
static void
hook_waiting(struct run *r, void *arg)
{
	struct slot	*s = arg;
	double		 now;

	s->prompt_told = 0;		/* a new prompt, or none */
	if (run_waiting(r)) {
		now = mono_now();
		if (run_state(r) == RUN_RUNNING && longrun_yielding(s->lr))
			host_detach(s, now);
		host_answer(s, now, 1);
	}
	host_tell(s->host, HOST_WAITING, r);
}

/*
 * A run ended: its response and journal line go out now, whatever the
 * console order; the console gets the closing newline and moves on.
 */
static void
hook_done(struct run *r, void *arg)
{
	struct slot	*s = arg;
	struct host	*h = s->host;
	json_t		*o;
	char		*line, *record;

	record = slot_record_close(s);
	if (h->journal != NULL) {
		/* A detached run's requester has its answer: waits get this. */
		if (!longrun_detached(s->lr)) {
			o = run_response(r);
			json_object_set_new(o, "journal",
			    json_string(journal_path(h->journal)));
			if (record != NULL)
				json_object_set_new(o, "record",
				    json_string(record));
			host_reply(h, run_id(r), o);
		}
		o = run_journal_line(r);
		if (record != NULL)
			json_object_set_new(o, "record", json_string(record));
		host_journal(h, o);
	}
	free(record);
	if (longrun_detached(s->lr)) {
		/* Its turn is long gone: one line at the end of the queue. */
		slot_console_add(s);
		s->last_newline = s->tlast_newline = 1;
		line = run_ended_line(r);
		slot_note(s, line, strlen(line), 0);
		free(line);
	} else if (run_error(r) != NULL) {
		xasprintf(&line, "[rexec: %s]\n", run_error(r));
		slot_note(s, line, strlen(line), 1);
		free(line);
	}
	slot_note(s, "\n", 1, 0);
	slot_console_end(s);
	host_answer(s, mono_now(), 0);
	host_tell(h, HOST_ENDED, r);
}

/*
 * The yield is up and the run goes on: its requester gets the text so
 * far, and the run gives up its console turn (DESIGN.md 4.1, 6).
 */
static void
host_detach(struct slot *s, double now)
{
	struct host	*h = s->host;
	char		*line;

	longrun_detach(s->lr);
	run_detach(s->run);
	h->detached++;
	if (run_id(s->run) != NULL)
		host_wait_reply(s, run_id(s->run), 0, now);
	line = run_detached_line(s->run);
	slot_note(s, line, strlen(line), 1);
	free(line);
	slot_note(s, "\n", 1, 0);
	slot_console_end(s);
	host_tell(h, HOST_DETACHED, s->run);
}

/*
 * Answer the waiters that are due: all of them once the run has ended,
 * else those whose time is up, or all waits when it began to prompt.
 */
static void
host_answer(struct slot *s, double now, int prompting)
{
	struct waiter	*w;
	int		 ended = run_state(s->run) == RUN_DONE;

	if (s->lr == NULL)
		return;
	while ((w = longrun_due(s->lr, now, ended, prompting)) != NULL) {
		host_wait_reply(s, waiter_id(w), waiter_offset(w), now);
		waiter_free(w);
	}
}

/* A wait reply to id: what the run printed from off, and how it stands. */
static void
host_wait_reply(struct slot *s, const char *id, size_t off, double now)
{
	json_t	*o = run_wait_reply(s->run, off, now);

	if (run_waiting(s->run))
		s->prompt_told = 1;
	json_object_set_new(o, "id", json_string(id));
	host_reply(s->host, id, o);
}

static void
host_enqueue(struct host *h, struct request *req, double now)
{
	struct slot		*s;
	struct run_hooks	 hooks;
	unsigned int		 cols, rows;
	double			 yield_at;

	if (req->id != NULL && host_find_id(h, req->id) != NULL) {
		host_reject(h, req->id, "duplicate id", NULL, 0);
		request_free(req);
		return;
	}
	if (!h->stopping && h->running - h->detached >= h->cfg->max_parallel &&
	    h->queued >= h->cfg->max_queue) {
		host_reject(h, req->id, "queue full", NULL, 0);
		request_free(req);
		return;
	}
	/*
	 * Detached runs hold no slot, so they are bounded on their own: a
	 * request that may detach is refused while max_detached are.  Runs
	 * already going may still detach past it: at most max_detached +
	 * max_parallel ever are.
	 */
	if (req->yield > 0 && h->detached >= h->cfg->max_detached) {
		host_reject(h, req->id, "too many detached runs", NULL, 0);
		request_free(req);
		return;
	}
	s = xcalloc(1, sizeof *s);
	s->host = h;
	s->last_newline = s->tlast_newline = 1;
	memset(&hooks, 0, sizeof hooks);
	hooks.started = hook_started;
	hooks.output = hook_output;
	hooks.text = hook_text;
	hooks.waiting = hook_waiting;
	hooks.done = hook_done;
	hooks.arg = s;
	yield_at = req->yield > 0 ? now + req->yield : 0;
	s->run = run_new(req, h->next_seq++, h->cfg, &hooks);
	run_size(s->run, &cols, &rows);
	s->lr = longrun_new(cols, rows, yield_at);
	s->raw = rawring_new(h->cfg->viewer_snapshot_bytes);
	slot_console_add(s);
	TAILQ_INSERT_TAIL(&h->slots, s, link);
	h->queued++;
	host_tell(h, HOST_QUEUED, s->run);
	if (h->stopping) {
		h->queued--;
		run_stop(s->run, "shutdown", now);
		return;
	}
	host_schedule(h, now);
}

/* Start queued runs, in arrival order, while slots are free. */
static void
host_schedule(struct host *h, double now)
{
	struct slot	*s;

	TAILQ_FOREACH(s, &h->slots, link) {
		if (h->running - h->detached >= h->cfg->max_parallel ||
		    h->stopping)
			break;
		if (run_state(s->run) == RUN_QUEUED)
			run_start(s->run, environ, h->reaper, now);
	}
}

/* Free the slots of runs that are done, and count what is left. */
static void
host_sweep(struct host *h)
{
	struct slot	*s, *next;

	h->running = h->queued = h->detached = 0;
	for (s = TAILQ_FIRST(&h->slots); s != NULL; s = next) {
		next = TAILQ_NEXT(s, link);
		switch (run_state(s->run)) {
		case RUN_QUEUED:
			h->queued++;
			break;
		case RUN_RUNNING:
			h->running++;
			if (longrun_detached(s->lr))
				h->detached++;
			break;
		case RUN_DONE:
			TAILQ_REMOVE(&h->slots, s, link);
			host_keep(h, s);
			break;
		}
	}
}

/*
 * An ended run is kept for wait (its text, trimmed, and its final
 * fields), the newest HOST_KEEP_SCREENS with their screen too; the
 * oldest go beyond HOST_KEEP_DONE.
 */
static void
host_keep(struct host *h, struct slot *s)
{
	struct slot	*old;
	unsigned int	 i = 0;

	run_trim(s->run);
	TAILQ_INSERT_TAIL(&h->done, s, link);
	h->ndone++;
	TAILQ_FOREACH_REVERSE(old, &h->done, slots, link) {
		if (++i > HOST_KEEP_SCREENS && old->lr != NULL) {
			longrun_free(old->lr);
			old->lr = NULL;
			rawring_trim(old->raw);
		} else if (i > HOST_KEEP_SCREENS)
			break;
	}
	while (h->ndone > HOST_KEEP_DONE) {
		old = TAILQ_FIRST(&h->done);
		TAILQ_REMOVE(&h->done, old, link);
		host_slot_free(old);
		h->ndone--;
	}
}

static void
host_slot_free(struct slot *s)
{
	record_close(s->record, NULL);
	longrun_free(s->lr);
	rawring_free(s->raw);
	run_free(s->run);
	free(s);
}

/* A run of this session by seq, live or ended, or NULL. */
static struct slot *
host_find_seq(struct host *h, unsigned int seq)
{
	struct slot	*s;

	TAILQ_FOREACH(s, &h->slots, link) {
		if (run_seq(s->run) == seq)
			return (s);
	}
	TAILQ_FOREACH_REVERSE(s, &h->done, slots, link) {
		if (run_seq(s->run) == seq)
			return (s);
	}
	return (NULL);
}

static void
host_pong(struct host *h, const char *id)
{
	json_t	*o = json_object();

	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "result", json_string("pong"));
	json_object_set_new(o, "version", json_string(PACKAGE_VERSION));
	json_object_set_new(o, "pid", json_integer(getpid()));
	host_reply(h, id, o);
}

static void
host_status(struct host *h, const char *id, double now)
{
	json_t		*o = json_object(), *running, *queued, *detached;
	struct slot	*s;

	running = json_array();
	queued = json_array();
	detached = json_array();
	TAILQ_FOREACH(s, &h->slots, link) {
		if (run_state(s->run) == RUN_RUNNING &&
		    longrun_detached(s->lr))
			json_array_append_new(detached, run_status(s->run, now));
		else if (run_state(s->run) == RUN_RUNNING)
			json_array_append_new(running, run_status(s->run, now));
		else if (run_state(s->run) == RUN_QUEUED)
			json_array_append_new(queued, run_status(s->run, now));
	}
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "result", json_string("status"));
	json_object_set_new(o, "pid", json_integer(getpid()));
	json_object_set_new(o, "version", json_string(PACKAGE_VERSION));
	json_object_set_new(o, "journal",
	    json_string(journal_path(h->journal)));
	json_object_set_new(o, "running", running);
	json_object_set_new(o, "queued", queued);
	json_object_set_new(o, "detached", detached);
	host_reply(h, id, o);
}

/*
 * Why a run of an earlier host session cannot be waited on, typed into or
 * killed: the session it ended with and how.  Only the sessions and the
 * journal ends learned at start are read, never a whole journal.
 */
static char *
host_earlier_run(struct host *h, unsigned int seq)
{
	json_t		*line, *v;
	char		*why, *how;
	const char	*session;
	ssize_t		 i;
	int		 gone;

	if ((i = journal_spans_holder(h->earlier, h->nearlier, seq)) == -1) {
		xasprintf(&why, "run %u is of an earlier host session: "
		    "rexec log %u", seq, seq);
		return (why);
	}
	session = h->earlier[i].session;
	if ((line = journal_tail_run(h->journal_dir, session, seq,
	    &gone)) == NULL && gone) {
		xasprintf(&why, "run %u is of an earlier host session and no "
		    "journal in %s holds it any more", seq, h->journal_dir);
		return (why);
	}
	if ((v = json_object_get(line, "error")) != NULL &&
	    json_is_string(v))
		xasprintf(&how, " (%s)", json_string_value(v));
	else if ((v = json_object_get(line, "signal")) != NULL &&
	    json_is_integer(v))
		xasprintf(&how, " (signal %lld)",
		    (long long)json_integer_value(v));
	else if ((v = json_object_get(line, "exit")) != NULL &&
	    json_is_integer(v))
		xasprintf(&how, " (exit %lld)",
		    (long long)json_integer_value(v));
	else
		how = xstrdup("");
	xasprintf(&why, "run %u ended with the host session %s%s: "
	    "rexec log %u", seq, session, how, seq);
	free(how);
	json_decref(line);
	return (why);
}

/*
 * A live run named by seq, for wait, input, screen and abort; NULL after
 * answering why not (an ended run is fine for wait and screen).
 */
static struct slot *
host_target(struct host *h, const struct request *req, int live)
{
	struct slot	*s;
	char		*why;

	if ((s = host_find_seq(h, req->seq)) == NULL) {
		if (req->seq < h->first_seq)
			why = host_earlier_run(h, req->seq);
		else if (req->seq < h->next_seq)
			xasprintf(&why, "run %u has ended: rexec log %u",
			    req->seq, req->seq);
		else
			why = xstrdup("seq: no such run");
		host_reject(h, req->id, why, NULL, 0);
		free(why);
		return (NULL);
	}
	if (live && run_state(s->run) == RUN_DONE) {
		xasprintf(&why, "run %u has ended", req->seq);
		host_reject(h, req->id, why, NULL, 0);
		free(why);
		return (NULL);
	}
	return (s);
}

/*
 * Abort by request id (no reply), or by seq: the kill sequence, and with
 * an id a reply once the run has ended, its final fields.
 */
static void
host_abort(struct host *h, const struct request *req, double now)
{
	struct slot	*s;

	if (req->seq == 0) {
		if ((s = host_find_id(h, req->id)) == NULL) {
			host_message(h, "abort: no live run with id %s",
			    req->id);
			return;
		}
		run_stop(s->run, "aborted", now);
		return;
	}
	if (req->id == NULL) {
		if ((s = host_find_seq(h, req->seq)) == NULL ||
		    run_state(s->run) == RUN_DONE)
			host_message(h, "abort: no live run %u", req->seq);
		else
			run_stop(s->run, "aborted", now);
		return;
	}
	if ((s = host_target(h, req, 1)) == NULL)
		return;
	longrun_wait(s->lr, req->id, WAITER_ABORT, -1, run_text_total(s->run));
	run_stop(s->run, "aborted", now);
}

/*
 * A wait: at once for a peek (timeout 0) or a run that has ended, else
 * when the run ends, the timeout passes, or it begins to prompt.  A run
 * that prompts already answers the first wait at once; once a reply has
 * said so, waits take their time again until the prompt is answered, so
 * a shell loop of waits never spins on an open prompt.
 */
static void
host_wait(struct host *h, const struct request *req, double now)
{
	struct slot	*s;
	size_t		 off = req->offset < 0 ? 0 : (size_t)req->offset;
	size_t		 total;
	char		*why;

	if ((s = host_target(h, req, 0)) == NULL)
		return;
	total = run_text_total(s->run);
	if (off > total) {
		xasprintf(&why, "offset: past the end (%zu bytes)", total);
		host_reject(h, req->id, why, NULL, 0);
		free(why);
		return;
	}
	if (run_state(s->run) == RUN_DONE || req->timeout <= 0 || s->lr == NULL ||
	    (run_waiting(s->run) && !s->prompt_told)) {
		host_wait_reply(s, req->id, off, now);
		return;
	}
	longrun_wait(s->lr, req->id, WAITER_WAIT, now + req->timeout, off);
}

/* Bytes or named keys typed into a run, as the human's i types them. */
static void
host_input(struct host *h, const struct request *req, double now)
{
	struct slot	*s;
	const char	*refused;
	char		*bytes, *why;
	size_t		 len;
	json_t		*o;

	if ((s = host_target(h, req, 1)) == NULL)
		return;
	/* Said before the keys are looked at, as host_type would. */
	if ((refused = run_input_refusal(s->run)) != NULL) {
		xasprintf(&why, "run %u %s", req->seq, refused);
		host_reject(h, req->id, why, NULL, 0);
		free(why);
		return;
	}
	if (req->keys != NULL) {
		bytes = longrun_keys(s->lr, req->keys, req->nkeys, &len, &why);
		if (bytes == NULL) {
			host_reject(h, req->id, why, NULL, 0);
			free(why);
			return;
		}
	} else {
		bytes = xmalloc(req->data_len);
		memcpy(bytes, req->data, req->data_len);
		len = req->data_len;
	}
	if (host_type(h, req->seq, bytes, len, &why) != 0) {
		host_reject(h, req->id, why, NULL, 0);
		free(why);
		free(bytes);
		return;
	}
	free(bytes);
	o = json_object();
	json_object_set_new(o, "id", json_string(req->id));
	json_object_set_new(o, "seq", json_integer(req->seq));
	json_object_set_new(o, "ok", json_true());
	host_reply(h, req->id, o);
}

/* The run's screen as text, rendered by libtsm from its recent output. */
static void
host_screen(struct host *h, const struct request *req)
{
	struct slot	*s;
	json_t		*o;
	char		*why;

	if ((s = host_target(h, req, 0)) == NULL)
		return;
	if (s->lr == NULL) {
		xasprintf(&why, "run %u ended too long ago to keep its "
		    "screen (rexec replay %u)", req->seq, req->seq);
		host_reject(h, req->id, why, NULL, 0);
		free(why);
		return;
	}
	o = json_object();
	json_object_set_new(o, "id", json_string(req->id));
	json_object_set_new(o, "seq", json_integer(req->seq));
	json_object_set_new(o, "running",
	    json_boolean(run_state(s->run) != RUN_DONE));
	longrun_screen(s->lr, o);
	host_reply(h, req->id, o);
}

/* Yields that are up, waits whose time is up. */
static void
host_longrun_timers(struct host *h, double now)
{
	struct slot	*s;

	TAILQ_FOREACH(s, &h->slots, link) {
		if (run_state(s->run) != RUN_RUNNING)
			continue;
		if (longrun_yield_due(s->lr, now))
			host_detach(s, now);
		host_answer(s, now, 0);
	}
}

/*
 * A spool line: the request waits in R/spool/<id>.json (any request but
 * another spool line: an input of 4096 bytes is more than one line can
 * carry).  The spool's thread reads it; host_spooled takes the result.
 */
static void
host_spool(struct host *h, const char *id)
{
	spool_submit(h->spool, id);
}

/*
 * Spooled requests that are ready, in the order their lines came.  Every
 * way one can fail is answered as "bad_request: spool: <why>" under the
 * announced id, in the reply and the journal.
 */
static void
host_spooled(struct host *h, double now)
{
	struct spool_result	r;

	while (spool_take(h->spool, &r)) {
		if (r.req == NULL)
			host_reject(h, r.id, r.why, r.head, r.head_len);
		else {
			host_dispatch(h, r.req, now);
			r.req = NULL;	/* dispatched and freed */
		}
		spool_result_clear(&r);
	}
}

/* One line from the FIFO. */
static void
host_line(const char *line, size_t len, int too_long, void *arg)
{
	struct host	*h = arg;
	struct request	*req;
	char		*id, *cause;
	double		 now = mono_now();

	if (too_long) {
		host_reject(h, NULL, "line too long", line, len > 256 ? 256 :
		    len);
		return;
	}
	if ((req = request_parse(line, len, &id, &cause)) == NULL) {
		host_reject(h, id, cause, line, len);
		free(id);
		free(cause);
		return;
	}
	host_dispatch(h, req, now);
}

/* A request, from a line or a spool file, to what answers it. */
static void
host_dispatch(struct host *h, struct request *req, double now)
{
	switch (req->action) {
	case REQUEST_RUN:
		host_enqueue(h, req, now);
		return;
	case REQUEST_PING:
		host_pong(h, req->id);
		break;
	case REQUEST_STATUS:
		host_status(h, req->id, now);
		break;
	case REQUEST_ABORT:
		host_abort(h, req, now);
		break;
	case REQUEST_SPOOL:
		host_spool(h, req->id);
		break;
	case REQUEST_WAIT:
		host_wait(h, req, now);
		break;
	case REQUEST_INPUT:
		host_input(h, req, now);
		break;
	case REQUEST_SCREEN:
		host_screen(h, req);
		break;
	}
	request_free(req);
}

static void
host_fifo(struct host *h)
{
	char	buf[65536];
	ssize_t	n;

	for (;;) {
		n = read(h->fifo_fd, buf, sizeof buf);
		if (n > 0) {
			control_feed(h->control, buf, n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		return;		/* EAGAIN; never EOF: we hold a writer too */
	}
}

/* Begin a graceful shutdown: every run ends through the kill sequence. */
void
host_shutdown(struct host *h)
{
	struct slot	*s;
	double		 now = mono_now();

	if (!h->stopping)
		host_message(h, "shutting down: %u running, %u queued",
		    h->running, h->queued);
	h->stopping = 1;
	TAILQ_FOREACH(s, &h->slots, link)
		run_stop(s->run, "shutdown", now);
}

/* Abort run seq (the kill sequence); -1 if it is not a live run. */
int
host_abort_seq(struct host *h, unsigned int seq)
{
	struct slot	*s;

	if ((s = host_find_seq(h, seq)) == NULL ||
	    run_state(s->run) == RUN_DONE)
		return (-1);
	run_stop(s->run, "aborted", mono_now());
	return (0);
}

/*
 * Bytes typed into run seq's terminal, as the human's i types them.
 * Returns 0, or -1 with *why when the run takes no input.
 */
int
host_type(struct host *h, unsigned int seq, const char *buf, size_t len,
    char **why)
{
	struct slot	*s;
	const char	*refused;

	if ((s = host_find_seq(h, seq)) == NULL) {
		xasprintf(why, "no run %u", seq);
		return (-1);
	}
	if ((refused = run_input_refusal(s->run)) != NULL) {
		xasprintf(why, "run %u %s", seq, refused);
		return (-1);
	}
	if (len > 0 && run_input(s->run, buf, len, mono_now()) != 0) {
		xasprintf(why, "run %u is not taking input (its terminal is "
		    "full or gone)", seq);
		return (-1);
	}
	return (0);
}

/* A run the host still keeps, by seq, or NULL. */
struct run *
host_run(struct host *h, unsigned int seq)
{
	struct slot	*s = host_find_seq(h, seq);

	return (s != NULL ? s->run : NULL);
}

/* The newest raw output the host keeps of run seq, or NULL. */
const struct rawring *
host_run_raw(struct host *h, unsigned int seq)
{
	struct slot	*s = host_find_seq(h, seq);

	return (s != NULL ? s->raw : NULL);
}

static int
run_seq_cmp(const void *a, const void *b)
{
	unsigned int	x = run_seq(*(struct run *const *)a);
	unsigned int	y = run_seq(*(struct run *const *)b);

	return (x < y ? -1 : x > y);
}

/* Every run the host keeps, oldest first. */
void
host_runs(struct host *h, void (*cb)(struct run *, void *), void *arg)
{
	struct run	**runs;
	struct slot	 *s;
	size_t		  n = h->ndone, i;

	TAILQ_FOREACH(s, &h->slots, link)
		n++;
	runs = xreallocarray(NULL, n + 1, sizeof *runs);
	n = 0;
	TAILQ_FOREACH(s, &h->done, link)
		runs[n++] = s->run;
	TAILQ_FOREACH(s, &h->slots, link)
		runs[n++] = s->run;
	qsort(runs, n, sizeof *runs, run_seq_cmp);
	for (i = 0; i < n; i++)
		cb(runs[i], arg);
	free(runs);
}

const char *
host_journal_path(const struct host *h)
{
	return (journal_path(h->journal));
}

const char *
host_journal_dir(const struct host *h)
{
	return (h->journal_dir);
}

/* The session's name (its journal's, without .jsonl). */
const char *
host_session(const struct host *h)
{
	return (journal_session(h->journal));
}

int
host_active(const struct host *h)
{
	return (h->running + h->queued);
}

/* Is pid one of the host's children that leads a run still going? */
static enum reaper_child
host_child_kind(pid_t pid, void *arg)
{
	struct host	*h = arg;
	struct slot	*s;

	TAILQ_FOREACH(s, &h->slots, link) {
		if (run_leader(s->run) == pid)
			return (run_pid(s->run) == pid ? REAPER_LEADER :
			    REAPER_HELD);
	}
	return (REAPER_OTHER);
}

static void
host_child_exited(pid_t pid, int status, void *arg)
{
	struct host	*h = arg;
	struct slot	*s;

	TAILQ_FOREACH(s, &h->slots, link) {
		if (run_pid(s->run) == pid) {
			run_reaped(s->run, status, mono_now());
			break;
		}
	}
}

static void
host_signals(struct host *h)
{
	struct signalfd_siginfo	 si;
	int			 child = 0;

	while (read(h->sig_fd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo != SIGCHLD) {
			h->signals++;
			host_shutdown(h);
			continue;
		}
		child = 1;
	}
	if (child)
		reaper_reap(h->reaper, host_child_exited);
}

/* Set up the runtime directory: lock, FIFO, replies/ and spool/. */
static int
host_setup(struct host *h, char **cause)
{
	char		*err;
	long long	 last;
	int		 n;

	if ((h->rundir = paths_runtime_dir(h->cfg, cause)) == NULL)
		return (-1);
	if (paths_private_dir(h->rundir, cause) != 0)
		return (-1);
	if ((h->journal_dir = paths_journal_dir(h->cfg, cause)) == NULL)
		return (-1);
	if (paths_private_dir(h->journal_dir, cause) != 0)
		return (-1);
	h->lock_path = paths_join(h->rundir, "host.lock");
	if ((h->lock_fd = hostlock_acquire(h->lock_path, cause)) == -1)
		return (-1);
	h->replies = paths_join(h->rundir, "replies");
	h->spool_dir = paths_join(h->rundir, "spool");
	if (paths_private_dir(h->replies, cause) != 0 ||
	    paths_private_dir(h->spool_dir, cause) != 0)
		return (-1);
	if ((h->spool = spool_new(h->spool_dir, cause)) == NULL)
		return (-1);
	if ((n = reply_prune(h->replies, time(NULL), HOST_REPLY_MAX_AGE,
	    &err)) == -1) {
		host_message(h, "%s", err);
		free(err);
	}
	if (reply_prune(h->spool_dir, time(NULL), HOST_REPLY_MAX_AGE,
	    &err) == -1) {
		host_message(h, "%s", err);
		free(err);
	}

	h->fifo_path = paths_join(h->rundir, "control");
	if (mkfifo(h->fifo_path, 0600) == -1 && errno != EEXIST) {
		xasprintf(cause, "%s: %s", h->fifo_path, strerror(errno));
		return (-1);
	}
	/*
	 * O_RDWR: we are a writer too, so the FIFO never reads EOF.  What
	 * was there already is checked as the clients check it.
	 */
	h->fifo_fd = paths_open_own(h->fifo_path, O_RDWR | O_NONBLOCK, S_IFIFO,
	    cause);
	if (h->fifo_fd == -1) {
		if (*cause == NULL)
			xasprintf(cause, "%s: %s", h->fifo_path,
			    strerror(errno));
		return (-1);
	}
	if (fchmod(h->fifo_fd, 0600) == -1) {
		xasprintf(cause, "%s: %s", h->fifo_path, strerror(errno));
		return (-1);
	}
	/*
	 * Numbers go on from the sessions before, read before retention may
	 * remove the newest of them, so a number names one run for ever.
	 */
	if ((last = journal_last_seq(h->journal_dir, NULL, &err)) == -1) {
		host_message(h, "%s", err);
		free(err);
	} else if (last > 0 && last < UINT_MAX - 1)
		h->next_seq = (unsigned int)last + 1;
	h->first_seq = h->next_seq;
	if ((n = retention_prune(h->journal_dir, h->cfg->keep_days,
	    h->cfg->keep_bytes, time(NULL), &err)) == -1) {
		host_message(h, "%s", err);
		free(err);
	} else if (n > 0)
		host_message(h, "removed %d old session%s", n, n == 1 ? "" : "s");
	/* Which of them numbered what, for wait on an earlier run. */
	h->earlier = journal_spans(h->journal_dir, NULL, HOST_EARLIER,
	    &h->nearlier, &err);
	if (h->earlier == NULL) {
		host_message(h, "%s", err);
		free(err);
	}
	h->journal = journal_open(h->journal_dir, time(NULL), h->cfg, cause);
	if (h->journal == NULL)
		return (-1);
	return (0);
}

/*
 * The viewers' socket, R/attach.sock, and the server behind it: an
 * observer from now on.  Made before the host says it serves, so a
 * viewer that sees the host can attach at once.
 */
static int
host_viewers(struct host *h, char **cause)
{
	if ((h->viewsrv = viewsrv_new(h, h->cfg, h->rundir, cause)) == NULL)
		return (-1);
	h->obs[h->nobs++] = viewsrv_frontend(h->viewsrv);
	return (0);
}

/*
 * The signals the loop reads.  SIGHUP is one of them unless it was ignored
 * when the host started (nohup, or a daemon): a blocked signal is queued
 * even when its disposition is SIG_IGN, so taking it into the set would
 * undo the nohup.  Runs start with every signal at its default anyway.
 */
static int
host_signalfd(struct host *h, char **cause)
{
	struct sigaction	sa;
	sigset_t		set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigaction(SIGHUP, NULL, &sa) == -1 || sa.sa_handler != SIG_IGN)
		sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (h->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		xasprintf(cause, "signalfd: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

static void
host_free(struct host *h)
{
	struct slot	*s;

	/* From here on clients see no host, and nothing new is sent. */
	if (h->lock_fd != -1)
		hostlock_unready(h->lock_fd);
	if (h->fifo_fd != -1) {
		close(h->fifo_fd);
		unlink(h->fifo_path);
	}
	while ((s = TAILQ_FIRST(&h->slots)) != NULL) {
		TAILQ_REMOVE(&h->slots, s, link);
		host_slot_free(s);
	}
	while ((s = TAILQ_FIRST(&h->done)) != NULL) {
		TAILQ_REMOVE(&h->done, s, link);
		host_slot_free(s);
	}
	if (h->journal != NULL) {
		journal_drain(h->journal);
		host_journal_errors(h);
		journal_close(h->journal);
	}
	spool_free(h->spool);
	console_free(h->console);
	console_free(h->tconsole);
	reaper_free(h->reaper);
	control_free(h->control);
	if (h->sig_fd != -1)
		close(h->sig_fd);
	if (h->lock_fd != -1)
		close(h->lock_fd);
	if (h->earlier != NULL)
		journal_spans_free(h->earlier, h->nearlier);
	free(h->rundir);
	free(h->journal_dir);
	free(h->fifo_path);
	free(h->lock_path);
	free(h->replies);
	free(h->spool_dir);
	free(h->record_dir);
}

static int
poll_ms(double deadline, double now)
{
	double	ms;

	if (deadline < 0)
		return (-1);
	ms = ceil((deadline - now) * 1000);
	if (ms < 0)
		return (0);
	if (ms > 60000)
		return (60000);
	return ((int)ms);
}

/*
 * A console's budget this turn: no more than the observers of its stream
 * take without dropping (a headless stdout's queue), so a backlog leaves
 * the console's bounded buffers only as fast as they take it.  A
 * stopping host does not wait.
 */
static size_t
host_budget(struct host *h, int text)
{
	const struct frontend	*o;
	size_t			 budget = HOST_CONSOLE_PUMP, room, i;

	if (h->stopping)
		return (budget);
	for (i = 0; i < h->nobs; i++) {
		o = h->obs[i];
		if (!o->console_text != !text || o->room == NULL)
			continue;
		if ((room = o->room(o->arg)) < budget)
			budget = room;
	}
	return (budget);
}

/*
 * Write out some of the consoles' backlogs.  Returns 1 when the loop
 * should come back at once, 0 when it may wait for an observer's fd to
 * say there is room.
 */
static int
host_pump(struct host *h, int *backlog)
{
	size_t	budget;
	int	again;

	budget = host_budget(h, 0);
	*backlog = console_pump(h->console, budget);
	again = *backlog && budget > 0;
	if (h->tconsole != NULL) {
		budget = host_budget(h, 1);
		if (console_pump(h->tconsole, budget)) {
			*backlog = 1;
			if (budget > 0)
				again = 1;
		}
	}
	return (again);
}

/* The loop. */
static void
host_loop(struct host *h)
{
	struct pollfd	*pfd = NULL;
	size_t		 npfd, size = 0, i, n, own, vpfd;
	struct slot	*s;
	const struct frontend *o;
	double		 now, deadline, d;
	int		 backlog = 0, again = 0;

	for (;;) {
		host_sweep(h);
		if (h->stopping && TAILQ_EMPTY(&h->slots) && !backlog &&
		    !spool_busy(h->spool))
			break;

		n = HOST_PFD_FIXED + h->nobs + 2 * (h->running + h->queued) +
		    viewsrv_npollfds(h->viewsrv);
		if (n > size) {
			size = n * 2;
			pfd = xreallocarray(pfd, size, sizeof *pfd);
		}
		npfd = 0;
		TAILQ_FOREACH(s, &h->slots, link) {
			s->pfd = npfd;
			s->npfd = run_pollfds(s->run, pfd + npfd);
			npfd += s->npfd;
		}
		/*
		 * The host's own fds follow the runs', then one per
		 * observer (its keyboard, or -1), then the viewers'.
		 */
		own = npfd;
		pfd[own + HOST_PFD_SIG].fd = h->sig_fd;
		pfd[own + HOST_PFD_FIFO].fd = h->fifo_fd;
		pfd[own + HOST_PFD_JOURNAL].fd = journal_fd(h->journal);
		pfd[own + HOST_PFD_SPOOL].fd = spool_fd(h->spool);
		npfd += HOST_PFD_FIXED;
		for (i = 0; i < h->nobs; i++) {
			o = h->obs[i];
			pfd[npfd++].fd = o->fd != NULL ? o->fd(o->arg) : -1;
		}
		for (i = own; i < npfd; i++)
			pfd[i].events = POLLIN;
		vpfd = npfd;
		npfd += viewsrv_pollfds(h->viewsrv, pfd + npfd);

		now = mono_now();
		deadline = reaper_deadline(h->reaper);
		TAILQ_FOREACH(s, &h->slots, link) {
			d = run_deadline(s->run);
			if (d >= 0 && (deadline < 0 || d < deadline))
				deadline = d;
			d = longrun_deadline(s->lr);
			if (d >= 0 && (deadline < 0 || d < deadline))
				deadline = d;
		}
		for (i = 0; i < h->nobs; i++) {
			if (h->obs[i]->tick == NULL)
				continue;
			d = h->obs[i]->tick(h->obs[i]->arg, now);
			if (d >= 0 && (deadline < 0 || d < deadline))
				deadline = d;
		}
		d = viewsrv_deadline(h->viewsrv);
		if (d >= 0 && (deadline < 0 || d < deadline))
			deadline = d;
		if (again)
			deadline = now;
		for (i = 0; i < npfd; i++)
			pfd[i].revents = 0;
		if (poll(pfd, npfd, poll_ms(deadline, now)) == -1 &&
		    errno != EINTR) {
			host_message(h, "poll: %s", strerror(errno));
			break;
		}
		now = mono_now();

		/* PTYs first: nothing else may slow a run down. */
		TAILQ_FOREACH(s, &h->slots, link) {
			if (s->npfd != 0)
				run_poll(s->run, pfd + s->pfd, now);
		}
		if (pfd[own + HOST_PFD_SIG].revents != 0)
			host_signals(h);
		if (pfd[own + HOST_PFD_FIFO].revents != 0)
			host_fifo(h);
		if (pfd[own + HOST_PFD_JOURNAL].revents != 0)
			host_journal_errors(h);
		if (pfd[own + HOST_PFD_SPOOL].revents != 0)
			host_spooled(h, now);
		for (i = 0; i < h->nobs; i++) {
			o = h->obs[i];
			if (pfd[own + HOST_PFD_FIXED + i].fd != -1 &&
			    pfd[own + HOST_PFD_FIXED + i].revents != 0 &&
			    o->ready != NULL)
				o->ready(o->arg, now);
		}
		viewsrv_poll(h->viewsrv, pfd + vpfd, now);

		TAILQ_FOREACH(s, &h->slots, link)
			run_timers(s->run, now);
		host_longrun_timers(h, now);
		reaper_timers(h->reaper, now);
		again = host_pump(h, &backlog);
		host_console_errors(h);
		host_sweep(h);
		host_schedule(h, now);
		/* What this turn gave the viewers goes out now. */
		viewsrv_flush(h->viewsrv, mono_now());
	}
	free(pfd);
}

/*
 * A function for host_main to call once, as soon as the host serves: its
 * lock says so and its FIFO is open.  Whoever started the host in the
 * background learns from it that the start went well.
 */
void
host_on_ready(void (*cb)(void *), void *arg)
{
	host_ready_cb = cb;
	host_ready_arg = arg;
}

/*
 * Run the host until a signal or the front end stops it.  Returns the exit
 * status for main.
 */
int
host_main(const struct config *cfg, const struct frontend *fe)
{
	struct host	h;
	char		*cause;
	size_t		 i;
	int		 status = 0;

	/*
	 * Big buffers (a run's caps, a journal line) come from mmap and go
	 * back to the system when freed, so the host's size stays flat
	 * however much its runs printed; a fixed threshold stops glibc from
	 * raising it after the first big free.
	 */
	mallopt(M_MMAP_THRESHOLD, HOST_MMAP_THRESHOLD);
	/*
	 * Past a file size limit a write fails with EFBIG, which every
	 * writer here handles, instead of a signal that ends every run.  A
	 * run starts with every signal back at its default.
	 */
	signal(SIGXFSZ, SIG_IGN);

	memset(&h, 0, sizeof h);
	h.cfg = cfg;
	if (fe != NULL)
		h.obs[h.nobs++] = fe;
	h.lock_fd = h.fifo_fd = h.sig_fd = -1;
	h.next_seq = 1;
	TAILQ_INIT(&h.slots);
	TAILQ_INIT(&h.done);

	if (!cfg->allow_root && geteuid() == 0) {
		fprintf(stderr, "rexec: refusing to run as root "
		    "([host] allow_root = false)\n");
		return (1);
	}
	if (host_setup(&h, &cause) != 0 || host_signalfd(&h, &cause) != 0 ||
	    host_viewers(&h, &cause) != 0 ||
	    hostlock_ready(h.lock_fd, &cause) != 0) {
		fprintf(stderr, "rexec: %s\n", cause);
		free(cause);
		host_free(&h);
		viewsrv_free(h.viewsrv);
		return (1);
	}
	h.reaper = reaper_new(cfg->kill_grace, host_child_kind, &h, &cause);
	if (cause != NULL) {
		host_message(&h, "%s", cause);
		free(cause);
	}
	h.control = control_new(host_line, &h);
	h.console = console_new(h.rundir, HOST_CONSOLE_MEMORY,
	    cfg->console_backlog, host_console_raw, &h);
	for (i = 0; i < h.nobs; i++) {
		if (h.obs[i]->console_text && h.tconsole == NULL)
			h.tconsole = console_new(h.rundir, HOST_CONSOLE_MEMORY,
			    cfg->console_backlog, host_console_text, &h);
		if (h.obs[i]->attach != NULL)
			h.obs[i]->attach(&h, h.obs[i]->arg);
	}
	host_message(&h, "host %s started: pid %ld, runtime %s, journal %s",
	    PACKAGE_VERSION, (long)getpid(), h.rundir,
	    journal_path(h.journal));
	if (host_ready_cb != NULL)
		host_ready_cb(host_ready_arg);
	host_loop(&h);
	host_message(&h, "host stopped");
	host_free(&h);
	/* Last: each viewer gets its bye, in a bounded time. */
	viewsrv_free(h.viewsrv);
	return (status);
}
