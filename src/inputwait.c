/*
 * inputwait.c: tell whether a run waits for terminal input.
 *
 * Linux shows what a sleeping process is doing in /proc/PID/syscall: the
 * system call number and its arguments.  A process of the run's session in
 * the terminal's foreground process group counts as waiting for input when
 * it sleeps in
 *  - read(2), readv(2) or pread(2) on an fd that is the run's terminal (a
 *    shell's `read`, a password prompt, `cat` with no input), or
 *  - poll(2), select(2) or epoll_wait(2) while the terminal is out of
 *    canonical mode (a full-screen program such as an editor or a pager
 *    waiting for a key).  A program that polls sockets in cooked mode, such
 *    as a silent download, does not count.
 * Only sleeping processes are looked at, and the host asks only about runs
 * that have been silent for a while, so the /proc walk stays rare.
 */
#include "rexec.h"

#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "inputwait.h"

/* Fields of /proc/PID/stat after the command name. */
static int
read_stat(pid_t pid, char *state, pid_t *pgrp, pid_t *session)
{
	char	 path[64], buf[1024], *cp;
	ssize_t	 n;
	int	 fd;
	long	 ppid, pg, sid;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	if ((cp = strrchr(buf, ')')) == NULL)
		return (-1);
	if (sscanf(cp + 1, " %c %ld %ld %ld", state, &ppid, &pg, &sid) != 4)
		return (-1);
	*pgrp = (pid_t)pg;
	*session = (pid_t)sid;
	return (0);
}

/* Is fd of process pid the terminal whose slave is named tty? */
static int
fd_is_tty(pid_t pid, long fd, const char *tty)
{
	char	path[64], target[PATH_MAX];
	ssize_t	n;

	snprintf(path, sizeof path, "/proc/%ld/fd/%ld", (long)pid, fd);
	if ((n = readlink(path, target, sizeof target - 1)) <= 0)
		return (0);
	target[n] = '\0';
	return (strcmp(target, tty) == 0);
}

static int
is_read_call(long nr)
{
	return (nr == SYS_read || nr == SYS_readv || nr == SYS_pread64);
}

static int
is_poll_call(long nr)
{
#ifdef SYS_poll
	if (nr == SYS_poll)
		return (1);
#endif
#ifdef SYS_select
	if (nr == SYS_select)
		return (1);
#endif
#ifdef SYS_epoll_wait
	if (nr == SYS_epoll_wait)
		return (1);
#endif
	return (nr == SYS_ppoll || nr == SYS_pselect6 || nr == SYS_epoll_pwait);
}

/* Is process pid asleep reading the terminal? */
static int
proc_waits(pid_t pid, const char *tty, int raw)
{
	char	 path[64], buf[256];
	ssize_t	 n;
	int	 fd;
	long	 nr, arg0;

	snprintf(path, sizeof path, "/proc/%ld/syscall", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	if (sscanf(buf, "%ld %lx", &nr, &arg0) != 2)
		return (0);
	if (is_read_call(nr))
		return (fd_is_tty(pid, arg0, tty));
	return (raw && is_poll_call(nr));
}

/*
 * Does the run whose session leader is sid, on the PTY master, wait for
 * terminal input?  Returns 1 or 0.
 */
int
inputwait_check(pid_t sid, int master)
{
	struct termios	 t;
	DIR		*d;
	struct dirent	*de;
	char		*tty, state, *end;
	pid_t		 fg, pid, pgrp, session;
	int		 raw, found = 0;
	long		 v;

	if ((fg = tcgetpgrp(master)) <= 0 || (tty = ptsname(master)) == NULL)
		return (0);
	raw = tcgetattr(master, &t) == 0 && (t.c_lflag & ICANON) == 0;
	tty = xstrdup(tty);
	if ((d = opendir("/proc")) == NULL) {
		free(tty);
		return (0);
	}
	while (!found && (de = readdir(d)) != NULL) {
		errno = 0;
		v = strtol(de->d_name, &end, 10);
		if (*end != '\0' || v <= 0 || errno != 0)
			continue;
		pid = (pid_t)v;
		if (read_stat(pid, &state, &pgrp, &session) != 0)
			continue;
		if (session != sid || pgrp != fg || state != 'S')
			continue;
		found = proc_waits(pid, tty, raw);
	}
	closedir(d);
	free(tty);
	return (found);
}
