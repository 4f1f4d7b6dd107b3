/*
 * ptydrain.c: the baseline for bench/flood.sh: run a command on a fresh PTY
 * and read its master until EOF, discarding the bytes.  Nothing else: this
 * is the fastest a PTY can be drained, the yardstick for rexec's host.
 */
#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char		buf[65536];
	struct winsize	ws = { 24, 80, 0, 0 };
	int		master, status;
	ssize_t		n;
	pid_t		pid;

	if (argc < 2) {
		fprintf(stderr, "usage: ptydrain CMD [ARG...]\n");
		return (2);
	}
	if ((pid = forkpty(&master, NULL, NULL, &ws)) == -1) {
		perror("forkpty");
		return (1);
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	for (;;) {
		n = read(master, buf, sizeof buf);
		if (n > 0)
			continue;
		if (n == -1 && errno == EINTR)
			continue;
		break;		/* EIO: the slave side is gone */
	}
	waitpid(pid, &status, 0);
	return (0);
}
