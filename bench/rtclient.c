/*
 * rtclient.c: round trips for bench/roundtrip.sh from one long-lived
 * process, as an agent's MCP server or a script talks to the host: it
 * runs a command N times either directly (posix_spawn + waitpid) or through
 * the host (one request line on the FIFO, then the reply file, seen with
 * inotify), and prints the mean milliseconds per command.  Process start-up
 * of a client is left out on purpose: roundtrip.sh measures that apart.
 *
 * usage: rtclient direct N CMD...    rtclient host N RUNTIME_DIR CMD
 */
#include <sys/inotify.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char	**environ;

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

static void
one_host(const char *dir, const char *cmd, int ino, int i)
{
	char		line[512], path[512], buf[4096];
	struct pollfd	pfd = { ino, POLLIN, 0 };
	int		fd, n;

	n = snprintf(line, sizeof line, "{\"id\":\"rt-%d-%d\",\"whoami\":"
	    "\"bench\",\"dir\":\"/\",\"exec\":[\"%s\"]}\n", (int)getpid(), i,
	    cmd);
	snprintf(path, sizeof path, "%s/control", dir);
	if ((fd = open(path, O_WRONLY)) == -1 || write(fd, line, n) != n) {
		perror(path);
		exit(1);
	}
	close(fd);
	snprintf(path, sizeof path, "%s/replies/rt-%d-%d.json", dir,
	    (int)getpid(), i);
	while (access(path, F_OK) != 0) {
		poll(&pfd, 1, 1000);
		while (read(ino, buf, sizeof buf) > 0)
			;
	}
	unlink(path);
}

int
main(int argc, char **argv)
{
	double	start;
	pid_t	pid;
	int	n, i, st, ino = -1;
	char	replies[512];

	if (argc < 4)
		return (2);
	n = atoi(argv[2]);
	if (strcmp(argv[1], "host") == 0) {
		snprintf(replies, sizeof replies, "%s/replies", argv[3]);
		ino = inotify_init1(IN_NONBLOCK);
		inotify_add_watch(ino, replies, IN_MOVED_TO);
	}
	start = now_ms();
	for (i = 0; i < n; i++) {
		if (ino != -1) {
			one_host(argv[3], argv[4], ino, i);
			continue;
		}
		if (posix_spawnp(&pid, argv[3], NULL, NULL, argv + 3,
		    environ) != 0)
			return (1);
		waitpid(pid, &st, 0);
	}
	printf("%.3f\n", (now_ms() - start) / n);
	return (0);
}
