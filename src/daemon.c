/*
 * daemon.c: a host in the background (DESIGN.md 15).
 *
 * daemon_start() forks twice, as tmux starts its server: the first child
 * forks the host and exits at once, and the caller reaps it, so the host
 * is nobody's child but init's (or a subreaper's) and never lingers as a
 * zombie under a caller that lives on (rexec attach).  The host makes its
 * own session (its pid is its session id, it has no terminal and gets no
 * SIGHUP from one), works in /, and has /dev/null on stdin and stdout.
 * None of the caller's other fds survive into it, since the caller may
 * hold its terminal open on some.
 *
 * Its stderr is a pipe to the caller until it serves: a host that cannot
 * start says why there, as in the foreground, and exits.  Once it serves,
 * the ready hook (host_on_ready) writes one NUL byte and its pid on the
 * pipe and puts /dev/null on stderr, which closes the pipe.  So the
 * caller reads the pipe to its end: the NUL means the host serves, no NUL
 * means it exited, and what it wrote is the reason.  The caller waits as
 * long as the host takes to start; the host's only waits there are short
 * (another host's lock, a second at most).
 *
 * The host has no console on stdout and ignores SIGHUP, as tmux's server
 * does: it has no terminal to lose, and a stray SIGHUP (a terminal's
 * session leader sending one to a group it once shared) must not end
 * every run.  SIGTERM and SIGINT stop it as any host.
 */
#include "rexec.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "daemon.h"
#include "host.h"
#include "paths.h"

/* What the caller keeps of the host's messages before it serves. */
#define DAEMON_MAX_TEXT	8192

/* The host serves: tell the caller, then let go of its pipe. */
static void
daemon_ready(void *arg)
{
	char	buf[32];
	int	len, fd;

	len = snprintf(buf, sizeof buf, "%c%ld", '\0', (long)getpid());
	(void)write(STDERR_FILENO, buf, (size_t)len);
	if ((fd = open("/dev/null", O_WRONLY)) != -1) {
		dup2(fd, STDERR_FILENO);
		if (fd != STDERR_FILENO)
			close(fd);
	}
}

/*
 * Every signal back at its default and none blocked: the host owes
 * nothing to the caller's handlers or mask.  Then SIGPIPE ignored (as
 * main does for every rexec process) and SIGHUP ignored (see above).
 */
static void
daemon_signals(void)
{
	struct sigaction	sa;
	sigset_t		set;
	int			sig;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sigemptyset(&set);
	(void)sigprocmask(SIG_SETMASK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

/* In the host's process: stdin and stdout on /dev/null, stderr on errfd. */
static int
daemon_fds(int errfd)
{
	int	null;

	if ((null = open("/dev/null", O_RDWR)) == -1)
		return (-1);
	if (dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1 ||
	    dup2(errfd, STDERR_FILENO) == -1)
		return (-1);
	/* The caller's other fds (its terminal, the pipe's copies) go. */
	close_range(3, ~0U, 0);
	return (0);
}

/* The first child: fork the host, and exit so the caller can reap us. */
static void __attribute__((noreturn))
daemon_child(const struct config *cfg, int errfd)
{
	pid_t	pid;
	int	r;

	if ((pid = fork()) == -1) {
		dprintf(errfd, "rexec: fork: %s\n", strerror(errno));
		_exit(1);
	}
	if (pid != 0)
		_exit(0);

	daemon_signals();
	if (setsid() == -1 || chdir("/") == -1 || daemon_fds(errfd) == -1) {
		dprintf(errfd, "rexec: starting the host in the background: "
		    "%s\n", strerror(errno));
		_exit(1);
	}
	host_on_ready(daemon_ready, NULL);
	/* No console on stdout: the viewers are its only observers. */
	r = host_main(cfg, NULL);
	/* Not exit(): the caller's atexit handlers are not ours to run. */
	_exit(r);
}

/* Read fd to its end; what it said, NUL-terminated, in *text. */
static size_t
daemon_read(int fd, char **text)
{
	char	 buf[4096], *t = NULL;
	size_t	 len = 0;
	ssize_t	 n;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + (size_t)n > DAEMON_MAX_TEXT)
			continue;
		t = xrealloc(t, len + (size_t)n + 1);
		memcpy(t + len, buf, (size_t)n);
		len += (size_t)n;
	}
	if (t == NULL)
		t = xcalloc(1, 1);
	t[len] = '\0';
	*text = t;
	return (len);
}

/* The host's last line, without the "rexec: " every message starts with. */
static char *
daemon_cause(char *text)
{
	char	*line, *end;

	end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	if (*text == '\0')
		return (xstrdup("the host stopped before it served"));
	if ((line = strrchr(text, '\n')) != NULL)
		line++;
	else
		line = text;
	if (strncmp(line, "rexec: ", 7) == 0)
		line += 7;
	return (xstrdup(line));
}

/*
 * Start a host in the background and return once it serves: 0, or -1
 * with the host's own reason in *cause.  The caller must have no threads.
 */
int
daemon_start(const struct config *cfg, char **cause)
{
	char	*text, *rundir;
	size_t	 len, nul;
	pid_t	 pid, host;
	int	 fds[2], status;

	*cause = NULL;
	if (pipe2(fds, O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return (-1);
	}
	fflush(NULL);	/* nothing buffered goes out twice */
	if ((pid = fork()) == -1) {
		xasprintf(cause, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return (-1);
	}
	if (pid == 0) {
		close(fds[0]);
		daemon_child(cfg, fds[1]);
	}
	close(fds[1]);
	len = daemon_read(fds[0], &text);
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;

	nul = strlen(text);
	if (nul == len) {
		*cause = daemon_cause(text);
		free(text);
		return (-1);
	}
	host = (pid_t)strtol(text + nul + 1, NULL, 10);
	free(text);
	/* It served a moment ago; it still does, unless it was stopped. */
	if ((rundir = paths_runtime_dir(cfg, cause)) == NULL)
		return (-1);
	pid = client_host_ready(rundir, cause);
	free(rundir);
	if (pid == -1)
		return (-1);
	if (pid != host) {
		xasprintf(cause, "the host (pid %ld) stopped as it started",
		    (long)host);
		return (-1);
	}
	return (0);
}

/*
 * A host serves when this returns 0: the one that already did, or one
 * started now.  Two callers at once may both start one; the second host
 * refuses, and its caller finds the first serving.
 */
int
daemon_ensure(const struct config *cfg, char **cause)
{
	char	*rundir, *why = NULL;
	pid_t	 pid;

	*cause = NULL;
	if ((rundir = paths_runtime_dir(cfg, cause)) == NULL)
		return (-1);
	if ((pid = client_host_ready(rundir, cause)) == 0 &&
	    daemon_start(cfg, cause) == -1) {
		pid = client_host_ready(rundir, &why);
		if (pid > 0) {
			free(*cause);
			*cause = NULL;
		} else
			pid = -1;
		free(why);
	}
	free(rundir);
	return (pid == -1 ? -1 : 0);
}
