/*
 * fdio.c: write a whole buffer to an fd, riding out EINTR, and waiting with
 * poll() when the fd is non-blocking and full (a pipe to a slow reader).
 * And read likewise.  For the commands that stream stdin to stdout; the
 * host's loop never calls these.
 */
#include "rexec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "fdio.h"

/* Wait until fd is ready for events; -1 on a poll error. */
int
fdio_wait(int fd, short events)
{
	struct pollfd	pfd;

	pfd.fd = fd;
	pfd.events = events;
	while (poll(&pfd, 1, -1) == -1) {
		if (errno != EINTR)
			return (-1);
	}
	return (0);
}

/* Write all of buf; 0, or -1 with errno set. */
int
fdio_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return (-1);
			if (fdio_wait(fd, POLLOUT) == -1)
				return (-1);
			continue;
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

/*
 * Read up to size bytes, riding out EINTR and waiting when a non-blocking
 * fd has nothing yet; 0 at end of file, -1 with errno set.
 */
ssize_t
fdio_read(int fd, void *buf, size_t size)
{
	ssize_t	n;

	for (;;) {
		n = read(fd, buf, size);
		if (n >= 0)
			return (n);
		if (errno == EINTR)
			continue;
		if ((errno != EAGAIN && errno != EWOULDBLOCK) ||
		    fdio_wait(fd, POLLIN) == -1)
			return (-1);
	}
}

/*
 * Open /dev/null on each of fds 0-2 that is closed, as OpenSSH's
 * sanitise_stdfd does.  A process started with them closed would
 * otherwise hand them to the next files it opens: the host's lock, its
 * control FIFO, and the headless console would write every run's output
 * into the host's own FIFO, where it would be read as requests.  Without
 * /dev/null there is nothing safe to run on, so the process exits.
 */
void
fdio_sanitise_std(void)
{
	int	fd;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		;
	if (fd == -1) {
		if (fcntl(0, F_GETFD) != -1 && fcntl(1, F_GETFD) != -1 &&
		    fcntl(2, F_GETFD) != -1)
			return;
		_exit(127);
	}
	close(fd);
}
