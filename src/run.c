/*
 * run.c: the run.
 *
 * A run owns its request, its PTY and child, its timers and the text the
 * agent will get.  The host's loop drives it: it asks for the fds to poll
 * (run_pollfds), hands back their events (run_poll), reports the child's
 * wait status (run_reaped) and fires timers (run_timers).  What the run
 * reads goes out through its hooks: raw bytes to whoever shows or records
 * them, agent text to the console when it wants text.  The run keeps its
 * text in one store, the textring, sized so that a read of it from the
 * start is exactly the agent's cap: the response, the journal line and
 * every wait read it.  Past TEXTFILE_INLINE bytes the text also streams to
 * the run's text file, which keeps all of it on disk and answers what the
 * textring no longer holds.  A run whose file lags stops reading its PTY
 * until the disk catches up.
 *
 * A run is done when its child has been reaped and its PTY has reached EOF
 * (EIO on Linux).  A child that exits while something still holds the PTY
 * gets `linger` seconds, then its process group is hung up and killed.
 * Timeout, idle timeout, abort and shutdown all end a run through one kill
 * sequence: SIGTERM to the process group, `kill_grace` seconds, SIGKILL.
 */
#include "rexec.h"

#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "agentview.h"
#include "banner.h"
#include "config.h"
#include "inputwait.h"
#include "mono.h"
#include "request.h"
#include "reaper.h"
#include "run.h"
#include "spawn.h"
#include "textfile.h"
#include "textring.h"

/* Most bytes read from one PTY per wakeup, so one flood cannot starve. */
#define RUN_READ_BUDGET		(256 * 1024)
/* After SIGKILL, how long a PTY held elsewhere may stay open. */
#define RUN_KILL_DRAIN		0.5
/* Silence before a run is checked for waiting on input, and how often. */
#define RUN_INPUT_QUIET		0.3
#define RUN_INPUT_EVERY		0.5
/* Typed bytes queued for a PTY that does not take them at most. */
#define RUN_TYPED_MAX		(64 * 1024)
/*
 * The final text kept: its head and its newest bytes while the run goes
 * on, and less once it has ended (what an agent still collects).  The
 * head is at least a quarter of the agent's cap and the ring longer than
 * it, so the response is exactly what a cap would give.
 */
#define RUN_TEXT_HEAD		(16 * 1024)
#define RUN_TEXT_RING		(1024 * 1024)
#define RUN_TEXT_RING_DONE	(64 * 1024)
/*
 * The journal line keeps the text whole up to TEXTFILE_INLINE, else its
 * head and tail cut as a cap of that size cuts: a read of the textring,
 * exact while its head is a quarter of it and its ring longer.
 */
#define RUN_JOURNAL_INLINE	TEXTFILE_INLINE
#if RUN_JOURNAL_INLINE > 4 * RUN_TEXT_HEAD || \
    RUN_JOURNAL_INLINE >= RUN_TEXT_RING
#error "the journal line's text must be readable from the textring"
#endif
/* How often a run that stopped reading for its file looks again. */
#define RUN_FILE_POLL		0.01

struct run {
	struct request		*req;
	unsigned int		 seq;
	const struct config	*cfg;
	struct run_hooks	 hooks;
	struct reaper		*reaper;	/* once started */
	enum run_state		 state;

	struct spawn_child	 child;
	int			 master;	/* -1 once closed */
	int			 stdin_fd;	/* -1 once closed */
	size_t			 stdin_off;
	unsigned int		 cols, rows;

	double			 queued_at;
	double			 start;		/* monotonic seconds */
	double			 end;
	struct timespec		 start_wall;
	struct timespec		 end_wall;
	double			 last_output;
	double			 timeout;	/* 0 = none */

	int			 reaped;
	int			 status;	/* from waitpid */
	int			 pty_eof;
	double			 linger_at;	/* 0 = not lingering */

	int			 waiting;	/* blocked reading its terminal */
	double			 waiting_since;
	double			 next_input_check;
	double			 last_input;	/* a human typed into it */
	char			*typed;		/* typed, not yet written */
	size_t			 ntyped;

	int			 kill_stage;	/* 0, 1 = TERM sent, 2 = KILL */
	double			 kill_at;	/* next step of the sequence */
	char			*error;		/* tag, or NULL */

	struct agentview	*view;
	struct textring		*text;		/* final text by offset */
	struct textfile		*file;		/* NULL: not journaled */
	double			 file_check;	/* paused for it: look again */
	size_t			 max_output;	/* the agent's cap */
	int			 detached;	/* answered early (yield) */
};

static void	run_finish(struct run *, double);
static void	run_file_text(struct run *, const char *, size_t);
static int	run_paused(const struct run *);
static void	run_read(struct run *, double);
static void	run_write_stdin(struct run *);
static void	run_write_typed(struct run *);
static void	run_kill_step(struct run *, double);

static double
clamp_timeout(double asked, const struct config *cfg)
{
	double	t = asked < 0 ? cfg->timeout : asked;

	if (cfg->max_timeout > 0 && (t == 0 || t > cfg->max_timeout))
		t = cfg->max_timeout;
	return (t);
}

static void
run_text(const char *text, size_t len, void *arg)
{
	struct run	*r = arg;

	textring_append(r->text, text, len);
	if (r->file != NULL)
		run_file_text(r, text, len);
	if (r->hooks.text != NULL)
		r->hooks.text(r, text, len, r->hooks.arg);
}

/*
 * A new run for req (which it now owns), queued.  The agent's cap is the
 * request's max_output bounded by [agent] max_output_limit; a max_output
 * of 0 asks for that limit, never for no cap (a few GB of text would take
 * the host's memory, and every run with it).
 */
struct run *
run_new(struct request *req, unsigned int seq, const struct config *cfg,
    const struct run_hooks *hooks)
{
	struct run		*r = xcalloc(1, sizeof *r);
	struct agentview_opts	 opts;
	unsigned long		 max;

	r->req = req;
	r->seq = seq;
	r->cfg = cfg;
	if (hooks != NULL)
		r->hooks = *hooks;
	r->state = RUN_QUEUED;
	r->master = r->stdin_fd = -1;
	r->cols = req->cols != 0 ? req->cols : cfg->cols;
	r->rows = req->rows != 0 ? req->rows : cfg->rows;
	r->timeout = clamp_timeout(req->timeout, cfg);

	max = cfg->agent_max_output;
	if (req->max_output == 0)
		max = cfg->agent_max_output_limit;
	else if (req->max_output > 0)
		max = (unsigned long)req->max_output;
	if (max > cfg->agent_max_output_limit)
		max = cfg->agent_max_output_limit;
	r->max_output = max;
	r->text = textring_new(max / 4 > RUN_TEXT_HEAD ? max / 4 :
	    RUN_TEXT_HEAD, max >= RUN_TEXT_RING ? max + 1 : RUN_TEXT_RING);

	memset(&opts, 0, sizeof opts);
	opts.cr_newline = cfg->cr == CONFIG_CR_NEWLINE;
	/* A line above a screen of the run's size can no longer change. */
	opts.window = cfg->window != 0 ? cfg->window : r->rows;
	r->view = agentview_new(&opts, run_text, r);
	return (r);
}

/*
 * The run's text file (the run takes it): its text goes there once it
 * outgrows the journal line, and reads of what the textring no longer
 * holds come back from it.  Without one the text is not journaled.
 */
void
run_text_file(struct run *r, struct textfile *tf)
{
	struct textring_backing	b;

	textfile_free(r->file);
	r->file = tf;
	textfile_backing(tf, &b);
	textring_back(r->text, &b);
}

/*
 * The text goes to the file from its first byte once it passes
 * TEXTFILE_INLINE: what came before is still all in the textring.
 */
static void
run_file_text(struct run *r, const char *text, size_t len)
{
	size_t	 before;
	char	*buf;

	if (!textfile_started(r->file)) {
		if (textring_total(r->text) <= TEXTFILE_INLINE)
			return;
		before = textring_total(r->text) - len;
		buf = xmalloc(before + 1);
		if (textring_copy(r->text, 0, before, buf) == 0)
			textfile_append(r->file, buf, before);
		free(buf);
		if (!textfile_started(r->file) && before > 0) {
			/*
			 * Not held (cannot happen: head and ring hold more
			 * than TEXTFILE_INLINE): no file, not a wrong one.
			 */
			textring_back(r->text, NULL);
			textfile_free(r->file);
			r->file = NULL;
			return;
		}
	}
	textfile_append(r->file, text, len);
}

/* Reading waits for the run's file to catch up. */
static int
run_paused(const struct run *r)
{
	return (r->file != NULL && textfile_behind(r->file));
}

void
run_free(struct run *r)
{
	if (r == NULL)
		return;
	if (r->master != -1)
		close(r->master);
	if (r->stdin_fd != -1)
		close(r->stdin_fd);
	agentview_free(r->view);
	textring_free(r->text);
	textfile_free(r->file);
	request_free(r->req);
	free(r->error);
	free(r->typed);
	free(r);
}

static void
run_set_error(struct run *r, const char *tag)
{
	if (r->error == NULL)
		r->error = xstrdup(tag);
}

/*
 * Start the run: the environment is the host's (base), or the caller's
 * (base_env), or empty (clear_env), then [env], TERM, REXEC and REXEC_SEQ,
 * then the request's envs.
 */
void
run_start(struct run *r, char *const *base, struct reaper *rp, double now)
{
	static char *const	 empty[] = { NULL };
	struct spawn_env	*env;
	struct spawn		 sp;
	enum spawn_error	 e;
	char			*cause, seq[16], *tag, *shown;
	size_t			 i;

	if (r->req->base_env != NULL || r->req->clear_env)
		base = empty;
	env = spawn_env_new(base);
	for (i = 0; i < r->req->nbase_env; i++) {
		spawn_env_set(env, r->req->base_env[i].name,
		    r->req->base_env[i].value);
	}
	for (i = 0; i < r->cfg->nenv; i++)
		spawn_env_set(env, r->cfg->env[i].name, r->cfg->env[i].value);
	spawn_env_set(env, "TERM", r->cfg->term);
	spawn_env_set(env, "REXEC", "1");
	snprintf(seq, sizeof seq, "%u", r->seq);
	spawn_env_set(env, "REXEC_SEQ", seq);
	for (i = 0; i < r->req->nenvs; i++)
		spawn_env_set(env, r->req->envs[i].name, r->req->envs[i].value);

	memset(&sp, 0, sizeof sp);
	sp.argv = r->req->argv;
	sp.dir = r->req->dir;
	sp.envp = spawn_env_array(env);
	sp.cols = r->cols;
	sp.rows = r->rows;
	sp.raw = r->cfg->termios == CONFIG_TERMIOS_RAW;
	if (request_has_stdin(r->req))
		sp.stdin_mode = SPAWN_STDIN_PIPE;
	else if (r->cfg->stdin_mode == CONFIG_STDIN_NULL)
		sp.stdin_mode = SPAWN_STDIN_NULL;
	else
		sp.stdin_mode = SPAWN_STDIN_TTY;

	r->state = RUN_RUNNING;
	r->start = r->last_output = now;
	clock_gettime(CLOCK_REALTIME, &r->start_wall);
	r->reaper = rp;
	sp.cgroup_fd = reaper_run_begin(rp, r->seq);
	e = spawn_start(&sp, &r->child, &cause);
	reaper_run_spawned(rp, r->seq);
	spawn_env_free(env);
	/*
	 * The started hook (the banner, a new recording file) comes after the
	 * spawn, so that creating the file overlaps the child's exec; nothing
	 * is lost, as its output waits in the PTY until the next poll.
	 */
	if (r->hooks.started != NULL)
		r->hooks.started(r, r->hooks.arg);
	switch (e) {
	case SPAWN_OK:
		r->master = r->child.master;
		r->stdin_fd = r->child.stdin_fd;
		if (r->stdin_fd != -1 && r->req->stdin_len == 0) {
			close(r->stdin_fd);
			r->stdin_fd = -1;
		}
		return;
	case SPAWN_BAD_DIR:
		/* Named as the console shows it: escaped where unsafe. */
		shown = banner_quote(r->req->dir, strlen(r->req->dir),
		    BANNER_TEXT);
		xasprintf(&tag, "bad_dir: %s: %s", shown, cause);
		free(shown);
		break;
	case SPAWN_NOT_FOUND:
		tag = xstrdup("not_found");
		break;
	case SPAWN_NOT_EXECUTABLE:
		shown = banner_quote(r->req->argv[0], strlen(r->req->argv[0]),
		    BANNER_WORD);
		xasprintf(&tag, "not_executable: %s", shown);
		free(shown);
		break;
	default:
		xasprintf(&tag, "spawn_failed: %s", cause);
		break;
	}
	free(cause);
	r->error = tag;
	r->reaped = r->pty_eof = 1;
	r->status = (e == SPAWN_NOT_EXECUTABLE ? 126 : 127) << 8;
	run_finish(r, now);
}

size_t
run_pollfds(struct run *r, struct pollfd *pfd)
{
	size_t	n = 0;

	if (r->state != RUN_RUNNING)
		return (0);
	if (r->master != -1 && !r->pty_eof) {
		pfd[n].fd = r->master;
		pfd[n].events = r->ntyped != 0 ? POLLOUT : 0;
		if (!run_paused(r))
			pfd[n].events |= POLLIN;
		else
			r->file_check = mono_now() + RUN_FILE_POLL;
		n++;
	}
	if (r->stdin_fd != -1) {
		pfd[n].fd = r->stdin_fd;
		pfd[n].events = POLLOUT;
		n++;
	}
	return (n);
}

void
run_poll(struct run *r, const struct pollfd *pfd, double now)
{
	size_t	i, n = (r->master != -1 && !r->pty_eof) + (r->stdin_fd != -1);
	int	master = r->master, stdin_fd = r->stdin_fd;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (pfd[i].fd == master && master != -1) {
			if (pfd[i].revents & POLLOUT)
				run_write_typed(r);
			if (pfd[i].revents & ~POLLOUT)
				run_read(r, now);
		}
		else if (pfd[i].fd == stdin_fd && r->stdin_fd != -1)
			run_write_stdin(r);
	}
	if (r->reaped && r->pty_eof && r->state == RUN_RUNNING)
		run_finish(r, now);
}

/* Drain the PTY up to a budget; EOF or EIO means the slave side is gone. */
static void
run_read(struct run *r, double now)
{
	char	buf[65536];
	ssize_t	n;
	size_t	total = 0;

	while (total < RUN_READ_BUDGET) {
		n = read(r->master, buf, sizeof buf);
		if (n > 0) {
			total += n;
			r->last_output = now;
			if (r->waiting) {
				r->waiting = 0;
				if (r->hooks.waiting != NULL)
					r->hooks.waiting(r, r->hooks.arg);
			}
			agentview_feed(r->view, buf, n);
			if (r->hooks.output != NULL)
				r->hooks.output(r, buf, n, r->hooks.arg);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		/*
		 * 0 or EIO: nothing holds the slave side any more.  The master
		 * stays open until the child is reaped: closing it would hang
		 * up the terminal and SIGHUP a child that closed its stdout and
		 * stderr just before exiting (coreutils' close_stdout does).
		 */
		r->pty_eof = 1;
		return;
	}
}

/*
 * Feed the run's stdin pipe from the request: from memory, or from the
 * file a spooled request's stdin was moved to (spool.c), a pipe's worth
 * at a time, so it is never held whole.
 */
static void
run_write_stdin(struct run *r)
{
	char		 buf[65536];
	const char	*p;
	size_t		 len;
	ssize_t		 n;

	while (r->stdin_off < r->req->stdin_len) {
		len = r->req->stdin_len - r->stdin_off;
		if (r->req->stdin_fd != -1) {
			if (len > sizeof buf)
				len = sizeof buf;
			n = pread(r->req->stdin_fd, buf, len, r->stdin_off);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			p = buf;
			len = n;
		} else
			p = r->req->stdin_data + r->stdin_off;
		n = write(r->stdin_fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;		/* EPIPE: the child closed its stdin */
		r->stdin_off += n;
	}
	close(r->stdin_fd);
	r->stdin_fd = -1;
}

/*
 * Keys a human typed into the run (the UI's input takeover): written to
 * the PTY as it takes them, so a typed ^C reaches the line discipline and
 * becomes SIGINT.  Typing restarts the clock of input_timeout.  Returns
 * -1 if the run cannot take input (not running, its terminal gone) or too
 * much is already waiting.
 */
int
run_input(struct run *r, const char *buf, size_t len, double now)
{
	if (r->state != RUN_RUNNING || r->master == -1 || r->pty_eof ||
	    r->ntyped + len > RUN_TYPED_MAX)
		return (-1);
	r->typed = xrealloc(r->typed, r->ntyped + len);
	memcpy(r->typed + r->ntyped, buf, len);
	r->ntyped += len;
	r->last_input = now;
	run_write_typed(r);
	return (0);
}

static void
run_write_typed(struct run *r)
{
	ssize_t	n;

	while (r->ntyped > 0) {
		n = write(r->master, r->typed, r->ntyped);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;		/* POLLOUT says when */
		if (n <= 0) {
			r->ntyped = 0;	/* EIO: the terminal is gone */
			break;
		}
		memmove(r->typed, r->typed + n, r->ntyped - (size_t)n);
		r->ntyped -= (size_t)n;
	}
}

/* The child's wait status arrived. */
void
run_reaped(struct run *r, int status, double now)
{
	r->reaped = 1;
	r->status = status;
	if (r->stdin_fd != -1) {
		close(r->stdin_fd);
		r->stdin_fd = -1;
	}
	if (r->pty_eof)
		run_finish(r, now);
	else if (r->kill_stage == 2)
		r->linger_at = now + RUN_KILL_DRAIN;
	else
		r->linger_at = now + r->cfg->linger;
}

/* Can this run be waiting for terminal input that nobody gives? */
static int
run_watches_input(const struct run *r)
{
	return (r->master != -1 && !r->pty_eof && r->stdin_fd == -1 &&
	    !request_has_stdin(r->req) &&
	    r->cfg->stdin_mode == CONFIG_STDIN_TTY);
}

/* Since when the run has waited without anyone typing. */
static double
run_waiting_since(const struct run *r)
{
	return (fmax(r->waiting_since, r->last_input));
}

/*
 * Look whether a silent run is blocked reading its terminal; one that has
 * waited input_timeout seconds with nobody typing ends with
 * waiting_for_input, so an agent's command that opened an editor or a
 * password prompt comes back instead of hanging.
 */
static void
run_check_input(struct run *r, double now)
{
	int	was = r->waiting;

	if (!run_watches_input(r) || now < r->last_output + RUN_INPUT_QUIET ||
	    now < r->next_input_check)
		return;
	r->next_input_check = now + RUN_INPUT_EVERY;
	r->waiting = inputwait_check(r->child.pid, r->master);
	if (r->waiting && !was)
		r->waiting_since = now;
	if (r->waiting != was && r->hooks.waiting != NULL)
		r->hooks.waiting(r, r->hooks.arg);
	if (r->waiting && r->cfg->input_timeout > 0 &&
	    now >= run_waiting_since(r) + r->cfg->input_timeout)
		run_stop(r, "waiting_for_input", now);
}

int
run_waiting(const struct run *r)
{
	return (r->waiting);
}

double
run_deadline(const struct run *r)
{
	double	d = -1;

#define EARLIER(t)	do { if ((t) > 0 && (d < 0 || (t) < d)) d = (t); } while (0)
	if (r->state != RUN_RUNNING)
		return (-1);
	if (r->master != -1 && !r->pty_eof && run_paused(r))
		EARLIER(r->file_check);
	if (r->kill_stage == 1)
		EARLIER(r->kill_at);
	if (r->linger_at > 0)
		EARLIER(r->linger_at);
	if (r->kill_stage == 0 && !r->reaped) {
		if (r->timeout > 0)
			EARLIER(r->start + r->timeout);
		if (r->cfg->idle_timeout > 0)
			EARLIER(r->last_output + r->cfg->idle_timeout);
		if (run_watches_input(r))
			EARLIER(fmax(r->last_output + RUN_INPUT_QUIET,
			    r->next_input_check));
		if (r->waiting && r->cfg->input_timeout > 0)
			EARLIER(run_waiting_since(r) + r->cfg->input_timeout);
	}
#undef EARLIER
	return (d);
}

/* Signal the run's process group and the terminal's foreground group. */
static void
run_signal(struct run *r, int sig)
{
	pid_t	fg;

	if (r->master != -1 && (fg = tcgetpgrp(r->master)) > 0 &&
	    fg != r->child.pid)
		(void)kill(-fg, sig);
	/* The leader's zombie is kept until the run is done: see reaper.c. */
	(void)kill(-r->child.pid, sig);
	if (!r->reaped)
		(void)kill(r->child.pid, sig);
	reaper_signal(r->reaper, r->seq, sig);
}

static void
run_kill_step(struct run *r, double now)
{
	if (r->kill_stage == 0) {
		run_signal(r, SIGTERM);
		r->kill_stage = 1;
		r->kill_at = now + r->cfg->kill_grace;
		if (r->cfg->kill_grace > 0)
			return;
	}
	run_signal(r, SIGKILL);
	r->kill_stage = 2;
	if (r->reaped)
		r->linger_at = now + RUN_KILL_DRAIN;
}

void
run_timers(struct run *r, double now)
{
	if (r->state != RUN_RUNNING)
		return;
	if (r->kill_stage == 1 && now >= r->kill_at)
		run_kill_step(r, now);
	if (r->linger_at > 0 && now >= r->linger_at) {
		if (r->kill_stage == 2) {
			/* Killed and still held open elsewhere: stop here. */
			if (r->master != -1 && !r->pty_eof)
				run_read(r, now);
			if (r->master != -1) {
				close(r->master);
				r->master = -1;
			}
			r->pty_eof = 1;
			run_finish(r, now);
			return;
		}
		/* The child is gone but something holds the PTY: hang up. */
		r->linger_at = 0;
		run_signal(r, SIGHUP);
		run_kill_step(r, now);
		return;
	}
	if (r->kill_stage == 0 && !r->reaped) {
		if (r->timeout > 0 && now >= r->start + r->timeout)
			run_stop(r, "timeout", now);
		else if (r->cfg->idle_timeout > 0 &&
		    now >= r->last_output + r->cfg->idle_timeout)
			run_stop(r, "idle_timeout", now);
		else
			run_check_input(r, now);
	}
}

/*
 * End the run early with an error tag (aborted, shutdown, timeout, ...).
 * A queued run ends at once; a running one goes through the kill sequence.
 */
void
run_stop(struct run *r, const char *tag, double now)
{
	if (r->state == RUN_DONE)
		return;
	run_set_error(r, tag);
	if (r->state == RUN_QUEUED) {
		r->start = now;
		clock_gettime(CLOCK_REALTIME, &r->start_wall);
		r->reaped = r->pty_eof = 1;
		r->status = SIGTERM;	/* as if terminated before it began */
		run_finish(r, now);
		return;
	}
	if (r->kill_stage == 0)
		run_kill_step(r, now);
}

static void
run_finish(struct run *r, double now)
{
	if (r->state == RUN_DONE)
		return;
	if (r->master != -1) {
		close(r->master);
		r->master = -1;
	}
	if (r->stdin_fd != -1) {
		close(r->stdin_fd);
		r->stdin_fd = -1;
	}
	r->state = RUN_DONE;
	r->end = now;
	if (r->reaped)
		reaper_release(r->child.pid);
	reaper_run_end(r->reaper, r->seq, now);
	clock_gettime(CLOCK_REALTIME, &r->end_wall);
	agentview_finish(r->view);
	if (r->file != NULL)
		textfile_end(r->file);
	if (r->hooks.done != NULL)
		r->hooks.done(r, r->hooks.arg);
}

void
run_size(const struct run *r, unsigned int *cols, unsigned int *rows)
{
	*cols = r->cols;
	*rows = r->rows;
}

enum run_state
run_state(const struct run *r)
{
	return (r->state);
}

unsigned int
run_seq(const struct run *r)
{
	return (r->seq);
}

const char *
run_id(const struct run *r)
{
	return (r->req->id);
}

const char *
run_whoami(const struct run *r)
{
	return (r->req->whoami);
}

const char *
run_dir(const struct run *r)
{
	return (r->req->dir);
}

char *const *
run_argv(const struct run *r)
{
	return (r->req->argv);
}

/* The run's leader while the run goes, reaped or not; else 0. */
pid_t
run_leader(const struct run *r)
{
	return (r->state == RUN_RUNNING ? r->child.pid : 0);
}

pid_t
run_pid(const struct run *r)
{
	return (r->state == RUN_RUNNING && !r->reaped ? r->child.pid : 0);
}

const char *
run_error(const struct run *r)
{
	return (r->error);
}

double
run_started(const struct run *r)
{
	return (r->start);
}

/* The argv as a POSIX shell would need it typed. */
char *
run_command_line(const struct run *r)
{
	return (banner_command(r->req->argv));
}

static void
format_time(char *buf, size_t size, const struct timespec *ts)
{
	char	*iso = banner_iso_time(ts, 1);

	snprintf(buf, size, "%s", iso);
	free(iso);
}

/* "[2026-11-27T18:43:08Z] Claude Code:/home/u/proj $ grep -v 'a b' x.txt" */
char *
run_banner(const struct run *r)
{
	char	*cmd, *s;

	cmd = run_command_line(r);
	s = banner_make(r->start_wall.tv_sec, r->req->whoami, r->req->dir,
	    cmd);
	free(cmd);
	return (s);
}

static int
run_exit(const struct run *r, int *sig)
{
	*sig = 0;
	if (r->error != NULL && (strcmp(r->error, "timeout") == 0 ||
	    strcmp(r->error, "idle_timeout") == 0 ||
	    strcmp(r->error, "waiting_for_input") == 0))
		return (124);
	if (WIFEXITED(r->status))
		return (WEXITSTATUS(r->status));
	if (WIFSIGNALED(r->status)) {
		*sig = WTERMSIG(r->status);
		return (128 + *sig);
	}
	return (127);
}

static long long
duration_ms(const struct run *r)
{
	return (llround((r->end - r->start) * 1000));
}

/*
 * The response an agent reads (DESIGN.md section 3), without the paths:
 * its text is the textring's from the start, cut by the agent's cap.
 */
json_t *
run_response(const struct run *r)
{
	json_t		*o = json_object();
	char		*text, ref[32];
	size_t		 len, omitted;
	int		 exit_code, sig;

	exit_code = run_exit(r, &sig);
	snprintf(ref, sizeof ref, "%u", r->seq);
	text = textring_read(r->text, 0, r->max_output, ref, &len, &omitted);
	if (r->req->id != NULL)
		json_object_set_new(o, "id", json_string(r->req->id));
	json_object_set_new(o, "seq", json_integer(r->seq));
	json_object_set_new(o, "exit", json_integer(exit_code));
	json_object_set_new(o, "output", json_stringn(text, len));
	free(text);
	if (r->error != NULL)
		json_object_set_new(o, "error", json_string(r->error));
	if (sig != 0)
		json_object_set_new(o, "signal", json_integer(sig));
	json_object_set_new(o, "duration_ms", json_integer(duration_ms(r)));
	json_object_set_new(o, "truncated", json_boolean(omitted > 0));
	json_object_set_new(o, "omitted_bytes", json_integer(omitted));
	json_object_set_new(o, "output_bytes",
	    json_integer(textring_total(r->text)));
	json_object_set_new(o, "waiting_for_input", json_boolean(r->waiting));
	return (o);
}

/*
 * The journal's text of the run: whole when it is small, else its head
 * and tail and its file's name (DESIGN.md section 5), never more than
 * [journal] max_output; nothing when that is 0.  How much the journal
 * does not hold: what is past max_output in the file, or what a line
 * without a file leaves out.
 */
static void
run_journal_text(const struct run *r, json_t *o)
{
	size_t	 total = textring_total(r->text), len = 0, omitted = 0, max;
	char	*text = NULL, ref[32];

	max = r->cfg->journal_max_output;
	if (max > RUN_JOURNAL_INLINE)
		max = RUN_JOURNAL_INLINE;
	if (max > 0) {
		snprintf(ref, sizeof ref, "%u", r->seq);
		text = textring_read(r->text, 0, max, ref, &len, &omitted);
	}
	json_object_set_new(o, "output", json_stringn(text != NULL ? text : "",
	    len));
	free(text);
	json_object_set_new(o, "output_bytes", json_integer(total));
	if (r->file != NULL && textfile_started(r->file)) {
		json_object_set_new(o, "output_file",
		    json_string(textfile_name(r->file)));
		omitted = total - textfile_kept(r->file);
	}
	if (max > 0) {
		json_object_set_new(o, "truncated", json_boolean(omitted > 0));
		json_object_set_new(o, "omitted_bytes", json_integer(omitted));
	}
}

/*
 * The environment as journaled: of the caller's environment only the names
 * whose value differs from the host's (most of it is the same and says
 * nothing), then the request's envs.  journal.c redacts the values.
 */
static json_t *
run_journal_envs(const struct run *r)
{
	json_t		*e = json_object();
	const char	*host;
	size_t		 i;

	for (i = 0; i < r->req->nbase_env; i++) {
		host = getenv(r->req->base_env[i].name);
		if (host != NULL && strcmp(host, r->req->base_env[i].value) == 0)
			continue;
		json_object_set_new(e, r->req->base_env[i].name,
		    json_string(r->req->base_env[i].value));
	}
	for (i = 0; i < r->req->nenvs; i++)
		json_object_set_new(e, r->req->envs[i].name,
		    json_string(r->req->envs[i].value));
	return (e);
}

/* The run's argv as a JSON array of strings. */
static json_t *
run_argv_json(const struct run *r)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < r->req->argc; i++)
		json_array_append_new(a, json_string(r->req->argv[i]));
	return (a);
}

/* The journal line (DESIGN.md section 8), without the paths and pid. */
json_t *
run_journal_line(const struct run *r)
{
	json_t		*o = json_object(), *a;
	char		 when[40];
	int		 exit_code, sig;

	exit_code = run_exit(r, &sig);
	json_object_set_new(o, "whoami", json_string(r->req->whoami));
	json_object_set_new(o, "dir", json_string(r->req->dir));
	json_object_set_new(o, "envs", run_journal_envs(r));
	if (r->req->clear_env)
		json_object_set_new(o, "clear_env", json_true());
	a = run_argv_json(r);
	json_object_set_new(o, "exec", a);
	json_object_set_new(o, "exit", json_integer(exit_code));
	run_journal_text(r, o);
	json_object_set_new(o, "error",
	    r->error != NULL ? json_string(r->error) : json_null());
	format_time(when, sizeof when, &r->end_wall);
	json_object_set_new(o, "time", json_string(when));
	if (r->req->id != NULL)
		json_object_set_new(o, "id", json_string(r->req->id));
	json_object_set_new(o, "seq", json_integer(r->seq));
	format_time(when, sizeof when, &r->start_wall);
	json_object_set_new(o, "start", json_string(when));
	format_time(when, sizeof when, &r->end_wall);
	json_object_set_new(o, "end", json_string(when));
	json_object_set_new(o, "duration_ms", json_integer(duration_ms(r)));
	if (sig != 0)
		json_object_set_new(o, "signal", json_integer(sig));
	json_object_set_new(o, "cols", json_integer(r->cols));
	json_object_set_new(o, "rows", json_integer(r->rows));
	if (r->detached)
		json_object_set_new(o, "detached", json_true());
	return (o);
}

/* The run answered early and goes on: its journal line will say so. */
void
run_detach(struct run *r)
{
	r->detached = 1;
}

int
run_detached(const struct run *r)
{
	return (r->detached);
}

/* Bytes of final text so far: where the next wait starts. */
size_t
run_text_total(const struct run *r)
{
	return (textring_total(r->text));
}

/*
 * A wait reply (DESIGN.md 4.1), without its id: the final text from off
 * (capped as the response is, pointing to rexec log), the lines that can
 * still change, the next offset, and once the run has ended its final
 * fields.
 */
json_t *
run_wait_reply(const struct run *r, size_t off, double now)
{
	json_t	*o = json_object();
	char	*text, *tail = NULL, ref[32];
	size_t	 len, tlen = 0, omitted = 0;
	int	 exit_code, sig;

	/* The tail first: nothing it might emit is then left out below. */
	if (r->state != RUN_DONE && r->view != NULL)
		tlen = agentview_tail(r->view, &tail);
	snprintf(ref, sizeof ref, "%u", r->seq);
	text = textring_read(r->text, off, r->max_output, ref, &len, &omitted);
	if (text == NULL) {
		text = xstrdup("");
		len = 0;
	}
	json_object_set_new(o, "seq", json_integer(r->seq));
	json_object_set_new(o, "running", json_boolean(r->state != RUN_DONE));
	json_object_set_new(o, "output", json_stringn(text, len));
	json_object_set_new(o, "tail", json_stringn(tail != NULL ? tail : "",
	    tlen));
	json_object_set_new(o, "offset", json_integer(textring_total(r->text)));
	json_object_set_new(o, "truncated", json_boolean(omitted > 0));
	json_object_set_new(o, "omitted_bytes", json_integer(omitted));
	json_object_set_new(o, "waiting_for_input", json_boolean(r->waiting));
	if (r->state == RUN_DONE) {
		exit_code = run_exit(r, &sig);
		json_object_set_new(o, "exit", json_integer(exit_code));
		if (r->error != NULL)
			json_object_set_new(o, "error", json_string(r->error));
		if (sig != 0)
			json_object_set_new(o, "signal", json_integer(sig));
		json_object_set_new(o, "duration_ms",
		    json_integer(duration_ms(r)));
	} else if (r->state == RUN_RUNNING)
		json_object_set_new(o, "elapsed_ms",
		    json_integer(llround((now - r->start) * 1000)));
	free(text);
	free(tail);
	return (o);
}

/* Why the run cannot be typed into, or NULL when it can. */
const char *
run_input_refusal(const struct run *r)
{
	if (r->state == RUN_QUEUED)
		return ("has not started yet");
	if (r->state == RUN_DONE)
		return ("has ended");
	if (request_has_stdin(r->req))
		return ("has no terminal for input (its stdin is a pipe)");
	if (r->cfg->stdin_mode == CONFIG_STDIN_NULL)
		return ("has no terminal for input (its stdin is /dev/null)");
	if (r->master == -1 || r->pty_eof)
		return ("has no terminal for input (it is gone)");
	return (NULL);
}

/*
 * "[run 7 continues in the background \u00b7 rexec wait 7]\n", the console
 * line of a run that detaches; the UI knows it by this text too.
 */
char *
run_detached_line(const struct run *r)
{
	char	*line;

	xasprintf(&line, "[run %u continues in the background \xc2\xb7 "
	    "rexec wait %u]\n", r->seq, r->seq);
	return (line);
}

/* "[run 7 ended: exit 0 after 5m12s]\n", for a detached run's console. */
char *
run_ended_line(const struct run *r)
{
	long long	 ms = duration_ms(r), sec = ms / 1000;
	char		 took[32], *line;
	int		 exit_code, sig;

	if (sec >= 3600)
		snprintf(took, sizeof took, "%lldh%02lldm%02llds", sec / 3600,
		    sec / 60 % 60, sec % 60);
	else if (sec >= 60)
		snprintf(took, sizeof took, "%lldm%02llds", sec / 60, sec % 60);
	else
		snprintf(took, sizeof took, "%lld.%llds", sec, ms % 1000 / 100);
	exit_code = run_exit(r, &sig);
	if (r->error != NULL)
		xasprintf(&line, "[run %u ended: exit %d (%s) after %s]\n",
		    r->seq, exit_code, r->error, took);
	else
		xasprintf(&line, "[run %u ended: exit %d after %s]\n", r->seq,
		    exit_code, took);
	return (line);
}

/*
 * The run has ended and its response and journal line are out: keep only
 * what a later wait needs, the final fields and the newest text.  After
 * this, run_response() and run_journal_line() are not to be called: the
 * host calls them from its done hook, before it trims.
 */
void
run_trim(struct run *r)
{
	if (r->state != RUN_DONE)
		return;
	agentview_free(r->view);
	r->view = NULL;
	/* Up to a spool file's 64 MiB, in memory or in a file. */
	request_set_stdin_fd(r->req, -1);
	r->req->stdin_len = 0;
	textring_trim(r->text, RUN_TEXT_HEAD, RUN_TEXT_RING_DONE);
}

/*
 * The run as viewers see it (DESIGN.md section 15, the "run" event):
 * fields that are not known yet are absent.
 */
json_t *
run_event(const struct run *r)
{
	json_t		*o = json_object(), *a;
	char		 when[40];
	int		 exit_code, sig;
	const char	*state;

	if (r->state == RUN_QUEUED)
		state = "queued";
	else if (r->state == RUN_DONE)
		state = "ended";
	else
		state = r->detached ? "detached" : "running";
	json_object_set_new(o, "event", json_string("run"));
	json_object_set_new(o, "seq", json_integer(r->seq));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "waiting_for_input",
	    json_boolean(r->state == RUN_RUNNING && r->waiting));
	json_object_set_new(o, "detached", json_boolean(r->detached));
	json_object_set_new(o, "whoami", json_string(r->req->whoami));
	json_object_set_new(o, "dir", json_string(r->req->dir));
	a = run_argv_json(r);
	json_object_set_new(o, "argv", a);
	json_object_set_new(o, "cols", json_integer(r->cols));
	json_object_set_new(o, "rows", json_integer(r->rows));
	if (r->state != RUN_QUEUED) {
		format_time(when, sizeof when, &r->start_wall);
		json_object_set_new(o, "start", json_string(when));
	}
	if (r->state == RUN_DONE) {
		exit_code = run_exit(r, &sig);
		json_object_set_new(o, "exit", json_integer(exit_code));
		json_object_set_new(o, "signal",
		    sig != 0 ? json_integer(sig) : json_null());
		json_object_set_new(o, "error", r->error != NULL ?
		    json_string(r->error) : json_null());
		json_object_set_new(o, "duration_ms",
		    json_integer(duration_ms(r)));
	}
	return (o);
}

/* One entry of a status reply. */
json_t *
run_status(const struct run *r, double now)
{
	json_t	*o = json_object(), *a;

	json_object_set_new(o, "seq", json_integer(r->seq));
	if (r->req->id != NULL)
		json_object_set_new(o, "id", json_string(r->req->id));
	json_object_set_new(o, "state", json_string(r->state == RUN_QUEUED ?
	    "queued" : r->state == RUN_RUNNING ? "running" : "done"));
	json_object_set_new(o, "whoami", json_string(r->req->whoami));
	json_object_set_new(o, "dir", json_string(r->req->dir));
	a = run_argv_json(r);
	json_object_set_new(o, "exec", a);
	if (r->state == RUN_RUNNING) {
		json_object_set_new(o, "pid", json_integer(r->child.pid));
		json_object_set_new(o, "elapsed_ms",
		    json_integer(llround((now - r->start) * 1000)));
	}
	return (o);
}
