/*
 * hostlock.c: the host lock.
 *
 * R/host.lock carries two locks of the host's, both dropped with its last
 * fd, so nothing can go stale when a host is killed with SIGKILL:
 * - flock(LOCK_EX), taken first and held for the host's whole life, keeps
 *   a second host out;
 * - a POSIX record lock (fcntl F_SETLK) on the whole file, taken once the
 *   host serves its FIFO and dropped as it stops, says "a host is ready".
 *
 * Clients must not take either lock to test it (a client holding even a
 * shared lock for a moment would make a host starting at that instant
 * refuse to start), so hostlock_holder() asks F_GETLK, which names the
 * process holding the record lock without acquiring anything and costs
 * one system call.  A record lock is never inherited by a child, so a run
 * forked a moment before its host died cannot keep a dead host "alive".
 */
#include "rexec.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostlock.h"
#include "paths.h"

/* How long a starting host waits for a lock that is held. */
#define HOSTLOCK_WAIT_MS	1000

/* The pid written in the lock file, or 0. */
static pid_t
read_pid(int fd)
{
	char	buf[32];
	ssize_t	n;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return (0);
	buf[n] = '\0';
	return ((pid_t)strtol(buf, NULL, 10));
}

/* The pid of the ready host on the lock file open as fd, or 0. */
static pid_t
ready_holder(int fd)
{
	struct flock	fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		return (fl.l_pid);
	return (0);
}

/*
 * flock the file, waiting a little while it is held.  A host killed a
 * moment ago still holds both of its locks until the kernel has closed
 * its files, a few milliseconds after kill(2) returned, so a host started
 * at once (by a supervisor, or by hand) would refuse to start beside a
 * host that is already gone.  A live host keeps its lock, and the second
 * one is refused after the wait.
 */
static int
take_flock(int fd)
{
	struct timespec	ts = { 0, 10 * 1000 * 1000 };
	int		i;

	for (i = 0; i < HOSTLOCK_WAIT_MS / 10; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return (0);
		if (errno != EWOULDBLOCK)
			return (-1);
		nanosleep(&ts, NULL);
	}
	return (flock(fd, LOCK_EX | LOCK_NB));
}

/*
 * Take the lock for this process, or refuse naming the host that has it.
 * Returns the fd to keep open (CLOEXEC, so runs do not inherit it).
 */
int
hostlock_acquire(const char *path, char **cause)
{
	int	fd, len;
	char	buf[32];
	pid_t	other;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (take_flock(fd) == -1) {
		if (errno == EWOULDBLOCK) {
			if ((other = ready_holder(fd)) == 0)
				other = read_pid(fd);
			if (other > 0)
				xasprintf(cause, "another rexec host is "
				    "running, pid %ld", (long)other);
			else
				xasprintf(cause, "another rexec host is "
				    "running");
		} else
			xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, len, 0) != len) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

/*
 * The host is ready: its FIFO is open and its journal written to.  Take
 * the record lock that clients look for.
 */
int
hostlock_ready(int fd, char **cause)
{
	struct flock	fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		xasprintf(cause, "host.lock: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

/* The host stops serving: clients see no host from now on. */
void
hostlock_unready(int fd)
{
	struct flock	fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = F_UNLCK;
	fl.l_whence = SEEK_SET;
	(void)fcntl(fd, F_SETLK, &fl);
}

/*
 * The pid of the ready host whose lock is on path, or 0 when there is
 * none: a lock file that is not our own regular file (a symbolic link,
 * another owner) names no host of ours.  Must not be called by the host
 * itself: its own lock never conflicts with a test, and closing the fd
 * would drop it.
 */
pid_t
hostlock_holder(const char *path)
{
	char	*cause;
	int	 fd;
	pid_t	 holder;

	fd = paths_open_own(path, O_RDONLY | O_NONBLOCK, S_IFREG, &cause);
	if (fd == -1) {
		free(cause);
		return (0);
	}
	holder = ready_holder(fd);
	close(fd);
	return (holder);
}
