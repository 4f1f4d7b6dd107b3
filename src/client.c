/*
 * client.c: the agent's side of the control protocol (DESIGN.md section 3).
 *
 * A client asks the kernel to tell it of every file that lands in
 * R/replies/ *before* it writes its request, so a reply can never slip
 * past it; it writes each line with one write(2) of at most PIPE_BUF
 * bytes (larger requests go through R/spool/), and it waits for
 * R/replies/<id>.json while checking once a second that the host it wrote
 * to still holds the lock, so a host that dies never leaves an agent
 * hanging.  Stop signals arrive through a signalfd and are reported to the
 * caller, which decides what to send before it exits.
 *
 * The watch is the kernel's directory notification (fcntl F_NOTIFY, as a
 * SIGURG taken from the same signalfd), not inotify: a client lives for
 * one request, and tearing down an inotify instance that had a watch
 * waits for an SRCU grace period, 5 to 16 ms on this kernel, longer than
 * the whole round trip.  Any notice only means "look again", so lost or
 * merged signals do not matter: the client looks after each drain.
 * SIGURG is ignored by default, so one still pending when the client
 * unblocks it is dropped, never fatal.
 *
 * Nothing is written before the runtime directory has passed the host's
 * own checks (client_check_dir): under /tmp it may have been made by
 * another user, who would read every request (argv, environment, stdin)
 * and answer what they like.  The FIFO, the reply files and the lock are
 * opened without following a symbolic link and fstat'ed (paths_open_own),
 * so what is checked is what is used.
 *
 * The end of the file is what the commands print: a response, a long
 * run's reply (exit 75 and a hint while it goes on), a refusal, a missing
 * host.  run, wait, input, screen and kill share it, so they cannot drift
 * apart.
 */
#include "rexec.h"

#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "hostlock.h"
#include "mono.h"
#include "paths.h"

struct client {
	char	*rundir;
	char	*replies;
	char	*fifo;
	char	*lock;
	char	*spool;
	int	 dir_fd;	/* replies/, with F_NOTIFY on it */
	int	 sig_fd;
	int	 signo;
	pid_t	 host;		/* the host we wrote to */
};

/* An id no other client picks: pid, time and random bits. */
char *
client_make_id(void)
{
	struct timespec	 ts;
	unsigned int	 rnd = 0;
	char		*id;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != sizeof rnd)
		rnd = (unsigned int)ts.tv_nsec ^ (unsigned int)getpid() << 16;
	xasprintf(&id, "c%ld-%llx-%08x", (long)getpid(),
	    (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec, rnd);
	return (id);
}

/* The signals a client takes through its signalfd. */
static void
client_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGURG);
}

/*
 * May a client talk to the runtime directory rundir?  It and its
 * replies/ must pass the host's own check (paths_trusted_dir).  Returns
 * 0, CLIENT_NO_HOST when either is missing, or -1 with *cause.
 */
int
client_check_dir(const char *rundir, char **cause)
{
	char	*replies;
	int	 r;

	if ((r = paths_trusted_dir(rundir, cause)) == 0) {
		replies = paths_join(rundir, "replies");
		r = paths_trusted_dir(replies, cause);
		free(replies);
	}
	return (r == 1 ? CLIENT_NO_HOST : r);
}

/*
 * Is a host of ours serving rundir?  For the commands that only ask
 * (check, the MCP check_host) and so write nothing: the directory's
 * checks, then the FIFO's -- opened for reading, which no host notices
 * -- then the lock.  Returns the host's pid, 0 when there is none, or -1
 * with *cause.
 */
pid_t
client_host_ready(const char *rundir, char **cause)
{
	char	*path;
	int	 r, fd;
	pid_t	 pid;

	if ((r = client_check_dir(rundir, cause)) != 0)
		return (r == CLIENT_NO_HOST ? 0 : -1);
	path = paths_join(rundir, "control");
	fd = paths_open_own(path, O_RDONLY | O_NONBLOCK, S_IFIFO, cause);
	free(path);
	if (fd == -1)
		return (*cause == NULL ? 0 : -1);
	close(fd);
	path = paths_join(rundir, "host.lock");
	pid = hostlock_holder(path);
	free(path);
	return (pid);
}

/*
 * Set up: find the runtime directory and check it, watch replies/ and
 * take the stop signals.  Returns NULL with *cause NULL when there is no
 * host (no runtime directory), with *cause when it must not be used.
 */
struct client *
client_open(const struct config *cfg, char **cause)
{
	struct client	*c = xcalloc(1, sizeof *c);
	sigset_t	 set;
	int		 r;

	c->dir_fd = c->sig_fd = -1;
	if ((c->rundir = paths_runtime_dir(cfg, cause)) == NULL)
		goto fail;
	if ((r = client_check_dir(c->rundir, cause)) != 0) {
		if (r == CLIENT_NO_HOST)
			*cause = NULL;
		goto fail;
	}
	c->replies = paths_join(c->rundir, "replies");
	c->fifo = paths_join(c->rundir, "control");
	c->lock = paths_join(c->rundir, "host.lock");
	c->spool = paths_join(c->rundir, "spool");

	client_sigset(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (c->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		xasprintf(cause, "signalfd: %s", strerror(errno));
		goto fail;
	}
	c->dir_fd = open(c->replies, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (c->dir_fd == -1) {
		if (errno == ENOENT) {
			client_close(c);
			*cause = NULL;
			return (NULL);
		}
		xasprintf(cause, "%s: %s", c->replies, strerror(errno));
		goto fail;
	}
	if (fcntl(c->dir_fd, F_SETSIG, SIGURG) == -1 ||
	    fcntl(c->dir_fd, F_NOTIFY, DN_CREATE | DN_RENAME |
	    DN_MULTISHOT) == -1) {
		xasprintf(cause, "%s: F_NOTIFY: %s", c->replies,
		    strerror(errno));
		goto fail;
	}
	return (c);
fail:
	client_close(c);
	return (NULL);
}

void
client_close(struct client *c)
{
	sigset_t	set;

	if (c == NULL)
		return;
	if (c->dir_fd != -1)
		close(c->dir_fd);
	if (c->sig_fd != -1) {
		close(c->sig_fd);
		client_sigset(&set);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
	}
	free(c->rundir);
	free(c->replies);
	free(c->fifo);
	free(c->lock);
	free(c->spool);
	free(c);
}

pid_t
client_host_pid(struct client *c)
{
	return (c->host);
}

int
client_signal(const struct client *c)
{
	return (c->signo);
}

/* Write path atomically (temp name + rename), mode 0600. */
static int
write_atomic(const char *dir, const char *name, const char *data, size_t len,
    char **cause)
{
	char	*tmp, *path;
	int	 fd, r = -1;
	ssize_t	 n;
	size_t	 off = 0;

	xasprintf(&tmp, "%s/.%s.XXXXXX", dir, name);
	path = paths_join(dir, name);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		goto out;
	}
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			xasprintf(cause, "%s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += n;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	r = 0;
out:
	free(tmp);
	free(path);
	return (r);
}

/*
 * Open the FIFO without blocking: our own FIFO, not a symbolic link or a
 * file put in its place.  Returns 0 with *fd, CLIENT_NO_HOST (nothing
 * there, nobody reading) or -1 with *cause.
 */
static int
fifo_open(struct client *c, int *fd, char **cause)
{
	*fd = paths_open_own(c->fifo, O_WRONLY | O_NONBLOCK, S_IFIFO, cause);
	if (*fd == -1)
		return (*cause == NULL ? CLIENT_NO_HOST : -1);
	return (0);
}

/* One line, one write(2). */
static int
fifo_write(struct client *c, int fd, const char *line, size_t len,
    char **cause)
{
	struct pollfd	pfd;
	double		give_up = mono_now() + 10;
	ssize_t		n;

	for (;;) {
		n = write(fd, line, len);
		if (n == (ssize_t)len)
			return (0);
		if (n == -1 && (errno == EINTR || errno == EAGAIN) &&
		    mono_now() < give_up) {
			/* The FIFO is full: wait for the host to drain it. */
			pfd.fd = fd;
			pfd.events = POLLOUT;
			(void)poll(&pfd, 1, 100);
			continue;
		}
		if (n == -1 && errno == EPIPE)
			return (CLIENT_NO_HOST);
		xasprintf(cause, "%s: %s", c->fifo, n == -1 ? strerror(errno) :
		    "short write");
		return (-1);
	}
}

/* One JSON object as one line on the FIFO, if it fits in PIPE_BUF. */
static int
send_line(struct client *c, int fd, json_t *obj, char **text, char **cause)
{
	char	*line;
	size_t	 len;
	int	 r;

	*text = NULL;
	if ((line = json_dumps(obj, JSON_COMPACT)) == NULL) {
		*cause = xstrdup("request is not valid JSON text");
		return (-1);
	}
	len = strlen(line);
	if (len + 1 > REXEC_LINE_MAX) {
		*text = line;		/* too long: the caller spools it */
		return (1);
	}
	line = xrealloc(line, len + 2);
	line[len++] = '\n';
	line[len] = '\0';
	r = fifo_write(c, fd, line, len, cause);
	free(line);
	return (r);
}

/*
 * Send one request.  Lines over PIPE_BUF go to spool/<id>.json and are
 * announced by a spool line.  The FIFO is opened, and so checked, before
 * anything is written, a spool file included.  Remembers which host it
 * was sent to.
 */
int
client_send(struct client *c, json_t *req, char **cause)
{
	const char	*id = json_string_value(json_object_get(req, "id"));
	json_t		*spool;
	char		*text, *name, *unused;
	int		 r, fd;

	if ((c->host = hostlock_holder(c->lock)) == 0)
		return (CLIENT_NO_HOST);
	if ((r = fifo_open(c, &fd, cause)) != 0)
		return (r);
	if ((r = send_line(c, fd, req, &text, cause)) != 1)
		goto out;
	if ((r = paths_trusted_dir(c->spool, cause)) != 0) {
		free(text);
		r = r == 1 ? CLIENT_NO_HOST : -1;
		goto out;
	}
	xasprintf(&name, "%s.json", id);
	r = write_atomic(c->spool, name, text, strlen(text), cause);
	free(name);
	free(text);
	if (r != 0)
		goto out;
	spool = json_pack("{s:s, s:s}", "action", "spool", "id", id);
	r = send_line(c, fd, spool, &unused, cause);
	json_decref(spool);
out:
	close(fd);
	return (r);
}

/*
 * Send one request with no client of one's own, for a server that waits
 * for many replies in its own loop (mcp.c); *host is the pid it went to,
 * for that server's liveness checks.  The runtime directory is checked
 * each time: the server outlives hosts, and whoever made the directory
 * may have changed.  Returns as client_send().
 */
int
client_post(const char *rundir, json_t *req, pid_t *host, char **cause)
{
	struct client	c;
	int		r;

	*host = 0;
	if ((r = client_check_dir(rundir, cause)) != 0)
		return (r);
	memset(&c, 0, sizeof c);
	c.dir_fd = c.sig_fd = -1;
	c.fifo = paths_join(rundir, "control");
	c.lock = paths_join(rundir, "host.lock");
	c.spool = paths_join(rundir, "spool");
	r = client_send(&c, req, cause);
	*host = c.host;
	free(c.fifo);
	free(c.lock);
	free(c.spool);
	return (r);
}

/*
 * Read and delete <replies>/<id>.json if it is there.  Returns the reply;
 * or NULL, with *cause NULL while there is none yet, with *cause when
 * what is there is not a reply file of ours (a symbolic link, another
 * owner, not a regular file, not JSON): it is left alone, never read.
 */
json_t *
client_take_reply(const char *replies, const char *id, char **cause)
{
	json_error_t	 err;
	json_t		*o = NULL;
	char		*name, *path;
	int		 fd;

	xasprintf(&name, "%s.json", id);
	path = paths_join(replies, name);
	free(name);
	fd = paths_open_own(path, O_RDONLY | O_NONBLOCK, S_IFREG, cause);
	if (fd != -1) {
		if ((o = json_loadfd(fd, 0, &err)) != NULL)
			unlink(path);
		else
			xasprintf(cause, "%s: not a reply: %s", path,
			    err.text);
		close(fd);
	}
	free(path);
	return (o);
}

/*
 * Wait for the reply to id, at most timeout seconds (< 0: for ever).
 * Returns 0 with *reply, CLIENT_HOST_DIED, CLIENT_SIGNAL, CLIENT_TIMEOUT,
 * or -1 with *cause (a reply file that is not to be trusted).
 */
int
client_wait(struct client *c, const char *id, double timeout, json_t **reply,
    char **cause)
{
	struct signalfd_siginfo	 si;
	struct pollfd		 pfd;
	double			 start = mono_now(), next_check = start + 1;
	double			 now;
	int			 ms;

	*reply = NULL;
	for (;;) {
		if ((*reply = client_take_reply(c->replies, id, cause)) != NULL)
			return (0);
		if (*cause != NULL)
			return (-1);
		now = mono_now();
		if (now >= next_check) {
			next_check = now + 1;
			if (hostlock_holder(c->lock) != c->host) {
				/* One last look: it may have answered first. */
				if ((*reply = client_take_reply(c->replies, id,
				    cause)) != NULL)
					return (0);
				if (*cause != NULL)
					return (-1);
				xasprintf(cause, "the host (pid %ld) stopped "
				    "before it answered", (long)c->host);
				return (CLIENT_HOST_DIED);
			}
		}
		if (timeout >= 0 && now - start >= timeout)
			return (CLIENT_TIMEOUT);
		ms = (int)((next_check - now) * 1000) + 1;
		if (timeout >= 0 && (start + timeout - now) * 1000 < ms)
			ms = (int)((start + timeout - now) * 1000) + 1;
		pfd.fd = c->sig_fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, ms) == -1 && errno != EINTR) {
			xasprintf(cause, "poll: %s", strerror(errno));
			return (-1);
		}
		/* Drain every notice, then look: none can be missed. */
		while (read(c->sig_fd, &si, sizeof si) == sizeof si) {
			if (si.ssi_signo != SIGURG) {
				c->signo = si.ssi_signo;
				return (CLIENT_SIGNAL);
			}
		}
	}
}

/*
 * One request and its reply, waiting at most timeout seconds for it.
 * Returns 0 with *reply, CLIENT_NO_HOST, CLIENT_HOST_DIED, CLIENT_TIMEOUT,
 * CLIENT_SIGNAL (the signal in *signo) or -1, with *cause for the last
 * four.
 */
int
client_call(const struct config *cfg, json_t *req, double timeout,
    json_t **reply, int *signo, char **cause)
{
	struct client	*c;
	int		 r;

	*reply = NULL;
	*signo = 0;
	*cause = NULL;
	if ((c = client_open(cfg, cause)) == NULL)
		return (*cause == NULL ? CLIENT_NO_HOST : -1);
	if ((r = client_send(c, req, cause)) == 0)
		r = client_wait(c, json_string_value(json_object_get(req, "id")),
		    timeout, reply, cause);
	if (r == CLIENT_TIMEOUT)
		xasprintf(cause, "the host did not answer within %g seconds",
		    timeout);
	if (r == CLIENT_SIGNAL) {
		*signo = client_signal(c);
		xasprintf(cause, "interrupted");
	}
	client_close(c);
	return (r);
}

/*
 * One request and its reply, for the commands that need nothing more
 * (status, ping).  Returns 0, CLIENT_NO_HOST, CLIENT_HOST_DIED,
 * CLIENT_TIMEOUT or -1.
 */
int
client_request(const struct config *cfg, json_t *req, json_t **reply,
    char **cause)
{
	int	r, sig;

	r = client_call(cfg, req, CLIENT_ANSWER_WAIT, reply, &sig, cause);
	return (r == CLIENT_SIGNAL ? -1 : r);
}

/*
 * What the commands print (DESIGN.md sections 3 and 9), shared by run and
 * the commands on one run (wait, input, screen, kill).
 */

/* Exit as the signal would, after the host has had its chance to answer. */
void
client_exit_signal(int sig)
{
	sigset_t	set;

	fflush(NULL);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

/*
 * client_call() for a command: 0 with *reply, or, having said why on
 * stderr (HOST NOT FOUND, rexec: <cause>), the exit status, 127.  A stop
 * signal ends the process as that signal would: the command only stops
 * waiting, it never aborts anything.
 */
int
client_ask(const struct config *cfg, json_t *req, double timeout,
    json_t **reply)
{
	char	*cause;
	int	 r, sig;

	r = client_call(cfg, req, timeout, reply, &sig, &cause);
	if (r == 0)
		return (0);
	if (r == CLIENT_SIGNAL)
		client_exit_signal(sig);
	if (r == CLIENT_NO_HOST)
		fprintf(stderr, "HOST NOT FOUND\n");
	else
		fprintf(stderr, "rexec: %s\n", cause != NULL ? cause :
		    "no reply");
	free(cause);
	return (127);
}

/*
 * Is reply an answer about the run, with the field need (not a refusal
 * of the request itself: no such run, run N has ended, a bad key)?
 * Returns 0, or says why not -- "rexec: <error>", or with as_json the
 * reply as one line -- and returns 1.
 */
int
client_answer(json_t *reply, const char *need, int as_json)
{
	const char	*error;
	char		*text;
	int		 refused;

	error = json_string_value(json_object_get(reply, "error"));
	refused = error != NULL && (strncmp(error, "bad_request", 11) == 0 ||
	    json_object_get(reply, "seq") == NULL);
	if (!refused && json_object_get(reply, need) != NULL)
		return (0);
	if (as_json) {
		text = json_dumps(reply, JSON_COMPACT);
		printf("%s\n", text);
		free(text);
	} else if (error != NULL)
		fprintf(stderr, "rexec: %s\n", error);
	else
		fprintf(stderr, "rexec: the host's reply has no \"%s\"\n",
		    need);
	return (1);
}

static void
print_text(json_t *reply, const char *field)
{
	json_t	*v = json_object_get(reply, field);

	if (json_is_string(v))
		fwrite(json_string_value(v), 1, json_string_length(v), stdout);
}

/* The line that tells an agent how to go on with a run still going. */
static void
print_running(json_t *reply)
{
	json_int_t	seq = json_integer_value(json_object_get(reply, "seq"));
	json_t		*offset = json_object_get(reply, "offset");

	if (json_is_integer(offset))
		fprintf(stderr, "rexec: run %lld is still running (rexec wait "
		    "%lld --offset %lld)\n", (long long)seq, (long long)seq,
		    (long long)json_integer_value(offset));
	else
		fprintf(stderr, "rexec: run %lld is still running (rexec wait "
		    "%lld)\n", (long long)seq, (long long)seq);
	if (json_is_true(json_object_get(reply, "waiting_for_input")))
		fprintf(stderr, "rexec: run %lld is waiting for input (rexec "
		    "input %lld TEXT, rexec screen %lld)\n", (long long)seq,
		    (long long)seq, (long long)seq);
}

/*
 * Print a response as the original client did, or a long run's reply:
 * its output (then the tail of a wait or interim reply) to stdout
 * exactly, "<argv0>: not found" (argv0 may be NULL) or "rexec: <error>"
 * to stderr; with as_json the whole reply as one line instead.  Returns
 * the exit status: the run's, or CLIENT_EX_RUNNING while it goes on.
 */
int
client_print_reply(json_t *reply, const char *argv0, int as_json)
{
	const char	*error = json_string_value(json_object_get(reply,
			    "error"));
	json_t		*exit_code = json_object_get(reply, "exit");
	json_int_t	 code = json_integer_value(exit_code);
	char		*text;
	int		 running;

	running = json_is_true(json_object_get(reply, "running"));
	if (as_json) {
		text = json_dumps(reply, JSON_COMPACT);
		printf("%s\n", text);
		free(text);
	} else {
		print_text(reply, "output");
		print_text(reply, "tail");
	}
	fflush(stdout);
	if (running) {
		if (!as_json)
			print_running(reply);
		return (CLIENT_EX_RUNNING);
	}
	if (!as_json && error != NULL) {
		if (strcmp(error, "not_found") == 0 && argv0 != NULL)
			fprintf(stderr, "%s: not found\n", argv0);
		else
			fprintf(stderr, "rexec: %s\n", error);
	}
	if (!json_is_integer(exit_code))
		return (127);
	return (code < 0 || code > 255 ? 127 : (int)code);
}

extern char	**environ;

/*
 * The caller's environment as a base_env object.  TERM, REXEC and
 * REXEC_SEQ are the host's to set for the run's terminal and are left out;
 * so is a variable that is not UTF-8, with a warning, as JSON cannot carry
 * it.
 */
json_t *
client_environ(void)
{
	json_t		 *o = json_object(), *v;
	char *const	 *e;
	const char	 *eq;
	char		 *name;

	for (e = environ; *e != NULL; e++) {
		if ((eq = strchr(*e, '=')) == NULL || eq == *e)
			continue;
		name = xstrndup(*e, eq - *e);
		if (strcmp(name, "TERM") == 0 || strcmp(name, "REXEC") == 0 ||
		    strcmp(name, "REXEC_SEQ") == 0) {
			free(name);
			continue;
		}
		if ((v = json_string(eq + 1)) == NULL ||
		    json_object_set_new(o, name, v) != 0) {
			fprintf(stderr, "rexec: environment: %s is not valid "
			    "UTF-8 and is not sent\n", name);
		}
		free(name);
	}
	return (o);
}
