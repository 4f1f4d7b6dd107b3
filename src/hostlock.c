/*
 * hostlock.c: the host lock.
 *
 * The host holds flock(LOCK_EX) on R/host.lock for its whole life and keeps
 * its pid in the file, so liveness is "the lock is held" and nothing can go
 * stale: a host killed with SIGKILL drops its lock with its last fd.
 *
 * Clients must not take the lock to test it (a client holding even a shared
 * lock for a moment would make a host starting at that instant refuse to
 * start), so hostlock_holder() reads /proc/locks instead: it finds the flock
 * on the file's inode and returns the pid that holds it.
 */
#include "rexec.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostlock.h"

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
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
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
 * The pid of the process holding the lock on path, or 0 when nobody does.
 * /proc/locks lines look like:
 *   1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF
 */
pid_t
hostlock_holder(const char *path)
{
	struct stat	 sb;
	FILE		*f;
	char		*line = NULL, type[16], mode[16], access[16];
	size_t		 size = 0;
	unsigned int	 maj, min;
	unsigned long	 ino;
	long		 pid;
	pid_t		 holder = 0;

	if (stat(path, &sb) == -1)
		return (0);
	if ((f = fopen("/proc/locks", "re")) == NULL)
		return (0);
	while (getline(&line, &size, f) != -1) {
		if (sscanf(line, "%*[^:]: %15s %15s %15s %ld %x:%x:%lu", type,
		    mode, access, &pid, &maj, &min, &ino) != 7)
			continue;
		if (strcmp(type, "FLOCK") != 0 || strcmp(access, "WRITE") != 0)
			continue;
		if (ino == (unsigned long)sb.st_ino &&
		    makedev(maj, min) == sb.st_dev) {
			holder = (pid_t)pid;
			break;
		}
	}
	free(line);
	fclose(f);
	return (holder);
}
