/*
 * holdsync.c: a disk that holds every sync until it is told to go on, for
 * tests/cli/journal.bats, which builds it as a shared object and starts a
 * host with it in LD_PRELOAD; not a test itself.
 *
 * fdatasync(2) and fsync(2) create the file $HOLDSYNC_HELD, wait until the
 * file $HOLDSYNC_GATE exists, do the real sync and append a line to
 * $HOLDSYNC_LOG.  The variables and LD_PRELOAD are removed from the
 * environment at load, so that the host's runs do not inherit them.
 */
#include <sys/syscall.h>

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char	held[PATH_MAX], gate[PATH_MAX], logfile[PATH_MAX];

static void
take(const char *name, char *buf)
{
	const char	*v = getenv(name);

	if (v != NULL && strlen(v) < PATH_MAX)
		strcpy(buf, v);
	unsetenv(name);
}

__attribute__((constructor)) static void
holdsync_init(void)
{
	take("HOLDSYNC_HELD", held);
	take("HOLDSYNC_GATE", gate);
	take("HOLDSYNC_LOG", logfile);
	unsetenv("LD_PRELOAD");
}

static void
touch(const char *path, const char *line)
{
	int	fd;

	if (*path == '\0' ||
	    (fd = open(path, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0600)) == -1)
		return;
	if (line != NULL)
		(void)!write(fd, line, strlen(line));
	close(fd);
}

static int
hold(long nr, int fd)
{
	struct timespec	ts = { 0, 10 * 1000 * 1000 };
	long		r;

	touch(held, NULL);
	while (*gate != '\0' && access(gate, F_OK) != 0)
		nanosleep(&ts, NULL);
	r = syscall(nr, fd);
	touch(logfile, "synced\n");
	return ((int)r);
}

int
fdatasync(int fd)
{
	return (hold(SYS_fdatasync, fd));
}

int
fsync(int fd)
{
	return (hold(SYS_fsync, fd));
}
