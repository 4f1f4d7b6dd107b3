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
 * that have been silent for a while.
 *
 * The cost of a look must not grow with the machine: it reads the /proc
 * entries of the foreground group's leader and of the run's own processes,
 * found from its first process down through the kernel's lists of each
 * task's children (/proc/PID/task/TID/children), never the whole of /proc.
 * A process of the group that left the run's tree (its parent died) and
 * does not lead the group is not seen.  Only a kernel built without those
 * lists (CONFIG_PROC_CHILDREN) gets the walk over every process.
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

/* Processes of one run looked at, at most; a fork bomb gets no more. */
#define INPUTWAIT_MAX_PROCS	4096

/* What a process must be to count: the run's, and waiting at its tty. */
struct probe {
	pid_t	 sid;		/* the run's session */
	pid_t	 fg;		/* the terminal's foreground group */
	int	 raw;		/* the terminal is not canonical */
	char	*tty;		/* the slave's name */
};

/* A stack of pids still to visit. */
struct pids {
	pid_t	*v;
	size_t	 n;
	size_t	 size;
};

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

/* Is pid a process of the run's foreground group, asleep at its tty? */
static int
member_waits(const struct probe *p, pid_t pid)
{
	char	state;
	pid_t	pgrp, session;

	if (read_stat(pid, &state, &pgrp, &session) != 0)
		return (0);
	if (session != p->sid || pgrp != p->fg || state != 'S')
		return (0);
	return (proc_waits(pid, p->tty, p->raw));
}

/* Whether the kernel lists a task's children (CONFIG_PROC_CHILDREN). */
static int
children_listed(void)
{
	static int	listed = -1;

	if (listed == -1)
		listed = access("/proc/thread-self/children", R_OK) == 0;
	return (listed);
}

static void
pids_push(struct pids *st, pid_t pid)
{
	if (st->n == st->size) {
		st->size = st->size == 0 ? 64 : st->size * 2;
		st->v = xreallocarray(st->v, st->size, sizeof *st->v);
	}
	st->v[st->n++] = pid;
}

/*
 * Push the children of one task, from its children file: pids separated
 * by spaces, read in pieces since a shell may have many.
 */
static void
push_task_children(struct pids *st, pid_t pid, long tid)
{
	char	 path[64], buf[512];
	ssize_t	 n, i;
	long	 v = 0;
	int	 fd, digits = 0;

	snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)pid,
	    tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				v = v * 10 + (buf[i] - '0');
				digits = 1;
			} else if (digits) {
				pids_push(st, (pid_t)v);
				v = digits = 0;
			}
		}
	}
	if (digits)
		pids_push(st, (pid_t)v);
	close(fd);
}

/* Push the children of every thread of pid: each lists its own. */
static void
push_children(struct pids *st, pid_t pid)
{
	char		 path[64], *end;
	DIR		*d;
	struct dirent	*de;
	long		 tid;

	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		tid = strtol(de->d_name, &end, 10);
		if (*end == '\0' && tid > 0)
			push_task_children(st, pid, tid);
	}
	closedir(d);
}

/* Does a process of the run's tree, from root down, wait? */
static int
tree_waits(const struct probe *p, pid_t root)
{
	struct pids	st = { NULL, 0, 0 };
	size_t		seen = 0;
	pid_t		pid;
	int		found = 0;

	pids_push(&st, root);
	while (!found && st.n > 0 && seen++ < INPUTWAIT_MAX_PROCS) {
		pid = st.v[--st.n];
		if (pid != p->fg && member_waits(p, pid))
			found = 1;
		else
			push_children(&st, pid);
	}
	free(st.v);
	return (found);
}

/* The same question asked of every process on the machine. */
static int
scan_waits(const struct probe *p)
{
	DIR		*d;
	struct dirent	*de;
	char		*end;
	long		 v;
	int		 found = 0;

	if ((d = opendir("/proc")) == NULL)
		return (0);
	while (!found && (de = readdir(d)) != NULL) {
		errno = 0;
		v = strtol(de->d_name, &end, 10);
		if (*end != '\0' || v <= 0 || errno != 0)
			continue;
		found = member_waits(p, (pid_t)v);
	}
	closedir(d);
	return (found);
}

/*
 * Does the run whose session leader is sid (its first process), on the
 * PTY master, wait for terminal input?  Returns 1 or 0.
 */
int
inputwait_check(pid_t sid, int master)
{
	struct probe	 p;
	struct termios	 t;
	const char	*tty;
	int		 found;

	if ((p.fg = tcgetpgrp(master)) <= 0 || (tty = ptsname(master)) == NULL)
		return (0);
	p.sid = sid;
	p.raw = tcgetattr(master, &t) == 0 && (t.c_lflag & ICANON) == 0;
	p.tty = xstrdup(tty);
	if (!children_listed())
		found = scan_waits(&p);
	else
		found = member_waits(&p, p.fg) || tree_waits(&p, sid);
	free(p.tty);
	return (found);
}
