/*
 * slowsync.c: a slow disk for bench/slowdisk.sh, which builds it as a
 * shared object for a host's LD_PRELOAD.  fdatasync(2) and fsync(2) sleep
 * $SLOWSYNC_MS milliseconds (default 500), then sync.  The variable and
 * LD_PRELOAD leave the environment at load, so the host's runs start as
 * they would on any host.
 */
#include <sys/syscall.h>

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long	delay_ms = 500;

__attribute__((constructor)) static void
slowsync_init(void)
{
	const char	*v = getenv("SLOWSYNC_MS");

	if (v != NULL)
		delay_ms = strtol(v, NULL, 10);
	unsetenv("SLOWSYNC_MS");
	unsetenv("LD_PRELOAD");
}

static int
slow(long nr, int fd)
{
	struct timespec	ts;

	ts.tv_sec = delay_ms / 1000;
	ts.tv_nsec = delay_ms % 1000 * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	return ((int)syscall(nr, fd));
}

int
fdatasync(int fd)
{
	return (slow(SYS_fdatasync, fd));
}

int
fsync(int fd)
{
	return (slow(SYS_fsync, fd));
}
