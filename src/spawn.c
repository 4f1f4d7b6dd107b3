/*
 * spawn.c: fork a command onto a fresh PTY.
 *
 * The child becomes a session leader with the PTY slave as its controlling
 * terminal; before exec it resets every signal disposition and unblocks the
 * signal mask (the host blocks signals for its signalfd, and children must
 * not inherit that or any SIG_IGN), closes every fd above 2, changes
 * directory and execs with the environment the caller built.  A failure on
 * the way goes back through a close-on-exec pipe as a stage byte and an
 * errno, as dtach reports exec failures, so the parent can tell a bad
 * directory from a missing program from one that is not executable.
 *
 * The parent reads that pipe until the child's exec closes it.  The wait is
 * bounded by the child's own fork-to-exec path, which does no I/O but chdir.
 */
#include "rexec.h"

#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "spawn.h"

extern char	**environ;

#define STAGE_SETUP	's'
#define STAGE_DIR	'd'
#define STAGE_EXEC	'e'

struct spawn_env {
	char	**vars;
	size_t	  n;
};

/*
 * The "sane" terminal: cooked like a fresh xterm, so a human typing into a
 * run gets echo, line editing and ^C.  "raw" is cfmakeraw() of it, the
 * original crate's setting.
 */
static void
spawn_termios(struct termios *t, int raw)
{
	memset(t, 0, sizeof *t);
	t->c_iflag = BRKINT | ICRNL | IXON | IMAXBEL | IUTF8;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = CS8 | CREAD;
	t->c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL |
	    ECHOKE;
	t->c_cc[VINTR] = 0x03;
	t->c_cc[VQUIT] = 0x1c;
	t->c_cc[VERASE] = 0x7f;
	t->c_cc[VKILL] = 0x15;
	t->c_cc[VEOF] = 0x04;
	t->c_cc[VSTART] = 0x11;
	t->c_cc[VSTOP] = 0x13;
	t->c_cc[VSUSP] = 0x1a;
	t->c_cc[VREPRINT] = 0x12;
	t->c_cc[VWERASE] = 0x17;
	t->c_cc[VLNEXT] = 0x16;
	t->c_cc[VDISCARD] = 0x0f;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
	cfsetispeed(t, B38400);
	cfsetospeed(t, B38400);
	if (raw)
		cfmakeraw(t);
}

/* In the child: report a failed stage and errno, then exit. */
static void __attribute__((noreturn))
child_fail(int fd, char stage, int error)
{
	char	buf[1 + sizeof error];

	buf[0] = stage;
	memcpy(buf + 1, &error, sizeof error);
	(void)!write(fd, buf, sizeof buf);
	_exit(127);
}

/*
 * glibc keeps signals 32 and 33 for itself and refuses sigaction() on them,
 * but an ignored disposition for them is inherited like any other (make(1)
 * leaves them ignored, for one).  Reset them with the system call.
 */
static void
reset_reserved(int sig)
{
	struct {
		void		*handler;
		unsigned long	 flags;
		void		*restorer;
		unsigned long	 mask;
	} ksa;

	if (sig == SIGKILL || sig == SIGSTOP)
		return;
	memset(&ksa, 0, sizeof ksa);
	ksa.handler = SIG_DFL;
	(void)syscall(SYS_rt_sigaction, sig, &ksa, NULL, sizeof ksa.mask);
}

/*
 * In the child: everything up to exec.  The child runs under vfork(),
 * sharing the host's memory until it execs, so it only makes system calls
 * and writes nothing the host reads but environ, which spawn_start()
 * puts back.
 */
static void __attribute__((noreturn))
child_exec(const struct spawn *sp, int errfd, int stdin_rd, int slave)
{
	struct sigaction	sa;
	sigset_t		set;
	int			sig, fd;

	/* A new session whose controlling terminal is the PTY. */
	if (setsid() == -1 || ioctl(slave, TIOCSCTTY, 0) == -1 ||
	    dup2(slave, 1) == -1 || dup2(slave, 2) == -1)
		child_fail(errfd, STAGE_SETUP, errno);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++) {
		if (sigaction(sig, &sa, NULL) == -1 && errno == EINVAL)
			reset_reserved(sig);
	}
	sigemptyset(&set);
	if (sigprocmask(SIG_SETMASK, &set, NULL) == -1)
		child_fail(errfd, STAGE_SETUP, errno);

	switch (sp->stdin_mode) {
	case SPAWN_STDIN_PIPE:
		if (dup2(stdin_rd, 0) == -1)
			child_fail(errfd, STAGE_SETUP, errno);
		break;
	case SPAWN_STDIN_NULL:
		if ((fd = open("/dev/null", O_RDONLY)) == -1 ||
		    dup2(fd, 0) == -1)
			child_fail(errfd, STAGE_SETUP, errno);
		break;
	case SPAWN_STDIN_TTY:
		if (dup2(slave, 0) == -1)
			child_fail(errfd, STAGE_SETUP, errno);
		break;
	}

	/*
	 * Into the run's own cgroup before anything else can start: a
	 * child that cannot join still runs (the host's subreaper ends
	 * what escapes its group).
	 */
	if (sp->cgroup_fd != -1)
		(void)write(sp->cgroup_fd, "0", 1);

	/* Every fd above 2 goes, but the error pipe (close-on-exec). */
	if (errfd > 3)
		close_range(3, errfd - 1, 0);
	close_range(errfd + 1, ~0U, 0);

	if (chdir(sp->dir) == -1)
		child_fail(errfd, STAGE_DIR, errno);
	/* execvp looks PATH up in environ: let the run's own PATH count. */
	environ = (char **)sp->envp;
	execvp(sp->argv[0], sp->argv);
	child_fail(errfd, STAGE_EXEC, errno);
}

static enum spawn_error
spawn_classify(char stage, int error, char **cause)
{
	switch (stage) {
	case STAGE_DIR:
		*cause = xstrdup(strerror(error));
		return (SPAWN_BAD_DIR);
	case STAGE_EXEC:
		if (error == ENOENT || error == ENOTDIR) {
			*cause = xstrdup(strerror(error));
			return (SPAWN_NOT_FOUND);
		}
		if (error == EACCES || error == ENOEXEC || error == EPERM ||
		    error == EISDIR) {
			*cause = xstrdup(strerror(error));
			return (SPAWN_NOT_EXECUTABLE);
		}
		xasprintf(cause, "exec: %s", strerror(error));
		return (SPAWN_FAILED);
	default:
		xasprintf(cause, "setup: %s", strerror(error));
		return (SPAWN_FAILED);
	}
}

/*
 * Start sp on a new PTY.  On SPAWN_OK, child holds the pid and fds; on any
 * other result nothing is left running or open and *cause says why.
 */
enum spawn_error
spawn_start(const struct spawn *sp, struct spawn_child *child, char **cause)
{
	struct termios	 t;
	struct winsize	 ws;
	int		 errpipe[2], inpipe[2] = { -1, -1 }, master, slave;
	int		 status;
	char		**saved_environ = environ;
	char		 buf[1 + sizeof(int)];
	ssize_t		 n;
	size_t		 got;
	int		 error;
	pid_t		 pid;

	*cause = NULL;
	if (pipe2(errpipe, O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return (SPAWN_FAILED);
	}
	if (sp->stdin_mode == SPAWN_STDIN_PIPE && pipe2(inpipe, O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		close(errpipe[0]);
		close(errpipe[1]);
		return (SPAWN_FAILED);
	}
	spawn_termios(&t, sp->raw);
	memset(&ws, 0, sizeof ws);
	ws.ws_col = sp->cols;
	ws.ws_row = sp->rows;

	if (openpty(&master, &slave, NULL, &t, &ws) == -1) {
		xasprintf(cause, "openpty: %s", strerror(errno));
		goto fail;
	}
	/*
	 * vfork: the host is suspended until the child execs or fails, and no
	 * copy of its memory is made, which halves the cost of a spawn.
	 */
	pid = vfork();
	if (pid == -1) {
		xasprintf(cause, "vfork: %s", strerror(errno));
		close(master);
		close(slave);
		goto fail;
	}
	if (pid == 0)
		child_exec(sp, errpipe[1], inpipe[0], slave);
	environ = saved_environ;	/* the child set its own for execvp */
	close(slave);

	close(errpipe[1]);
	errpipe[1] = -1;
	if (inpipe[0] != -1) {
		close(inpipe[0]);
		inpipe[0] = -1;
	}
	got = 0;
	while (got < sizeof buf) {
		n = read(errpipe[0], buf + got, sizeof buf - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(errpipe[0]);
	if (got == sizeof buf) {
		/* The child failed before exec and has exited. */
		close(master);
		if (inpipe[1] != -1)
			close(inpipe[1]);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		memcpy(&error, buf + 1, sizeof error);
		return (spawn_classify(buf[0], error, cause));
	}

	if (fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK) == -1 ||
	    fcntl(master, F_SETFD, FD_CLOEXEC) == -1 ||
	    (inpipe[1] != -1 && fcntl(inpipe[1], F_SETFL, O_NONBLOCK) == -1)) {
		xasprintf(cause, "fcntl: %s", strerror(errno));
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		close(master);
		if (inpipe[1] != -1)
			close(inpipe[1]);
		return (SPAWN_FAILED);
	}
	child->pid = pid;
	child->master = master;
	child->stdin_fd = inpipe[1];
	return (SPAWN_OK);

fail:
	close(errpipe[0]);
	close(errpipe[1]);
	if (inpipe[0] != -1)
		close(inpipe[0]);
	if (inpipe[1] != -1)
		close(inpipe[1]);
	return (SPAWN_FAILED);
}

struct spawn_env *
spawn_env_new(char *const *base)
{
	struct spawn_env	*env = xcalloc(1, sizeof *env);
	char *const		*v;
	const char		*eq;

	for (v = base; v != NULL && *v != NULL; v++) {
		if ((eq = strchr(*v, '=')) == NULL)
			continue;
		env->vars = xreallocarray(env->vars, env->n + 2,
		    sizeof *env->vars);
		env->vars[env->n++] = xstrdup(*v);
		env->vars[env->n] = NULL;
	}
	return (env);
}

/* Set name=value, replacing an earlier value of the same name. */
void
spawn_env_set(struct spawn_env *env, const char *name, const char *value)
{
	size_t	 i, len = strlen(name);
	char	*var;

	xasprintf(&var, "%s=%s", name, value);
	for (i = 0; i < env->n; i++) {
		if (strncmp(env->vars[i], name, len) == 0 &&
		    env->vars[i][len] == '=') {
			free(env->vars[i]);
			env->vars[i] = var;
			return;
		}
	}
	env->vars = xreallocarray(env->vars, env->n + 2, sizeof *env->vars);
	env->vars[env->n++] = var;
	env->vars[env->n] = NULL;
}

char **
spawn_env_array(struct spawn_env *env)
{
	if (env->vars == NULL)
		env->vars = xcalloc(1, sizeof *env->vars);
	return (env->vars);
}

void
spawn_env_free(struct spawn_env *env)
{
	size_t	i;

	if (env == NULL)
		return;
	for (i = 0; i < env->n; i++)
		free(env->vars[i]);
	free(env->vars);
	free(env);
}
