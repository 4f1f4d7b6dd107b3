/*
 * waitpeek.c: helpers for bench/longrun.sh.
 *
 * "peek" times wait peeks (timeout 0) from one long-lived process, as an
 * agent's MCP server would send them, so that a client's start-up is left
 * out: N times it writes one {"action":"wait",...} line to the control
 * FIFO, waits for replies/<id>.json with inotify, reads it whole and
 * deletes it.  It prints the mean and the largest milliseconds per peek
 * and the size of the last reply in bytes.  "offsets" peeks once at each
 * run named and prints the sum of their next offsets: how much final text
 * they have printed in all, in one process however many runs there are.
 *
 * "print" is the steady printer of the memory part: lines of text on
 * stdout at RATE bytes a second, paced against a monotonic clock in 16 KiB
 * writes (a write that blocks is caught up on afterwards, so what it
 * printed in the end tells whether its reader kept up), until stdout
 * fails or a signal ends it.  One process per run, no shell loop of forks.
 *
 * usage: waitpeek peek RUNTIME_DIR SEQ OFFSET N
 *        waitpeek offsets RUNTIME_DIR SEQ...
 *        waitpeek print RATE
 */
#include <sys/inotify.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	16384
#define LINE	64

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

/*
 * One peek at run seq from offset off (NULL: from 0): the reply, read
 * whole into a static buffer and NUL-terminated; *size gets its bytes.
 */
static const char *
one_peek(const char *dir, const char *seq, const char *off, int ino,
    size_t *size)
{
	static char	buf[1 << 20];
	static int	i;
	char		line[512], path[512], ev[4096];
	struct pollfd	pfd = { ino, POLLIN, 0 };
	ssize_t		n;
	int		fd, len;

	i++;
	len = snprintf(line, sizeof line, "{\"action\":\"wait\",\"id\":"
	    "\"wp-%d-%d\",\"seq\":%s,\"timeout\":0,\"offset\":%s}\n",
	    (int)getpid(), i, seq, off != NULL ? off : "0");
	snprintf(path, sizeof path, "%s/control", dir);
	if ((fd = open(path, O_WRONLY)) == -1 || write(fd, line, len) != len) {
		perror(path);
		exit(1);
	}
	close(fd);
	snprintf(path, sizeof path, "%s/replies/wp-%d-%d.json", dir,
	    (int)getpid(), i);
	while ((fd = open(path, O_RDONLY)) == -1) {
		if (errno != ENOENT) {
			perror(path);
			exit(1);
		}
		if (poll(&pfd, 1, 10000) == 0) {
			fprintf(stderr, "waitpeek: no reply in 10 s: %s\n",
			    path);
			exit(1);
		}
		while (read(ino, ev, sizeof ev) > 0)
			;
	}
	*size = 0;
	while ((n = read(fd, buf + *size, sizeof buf - 1 - *size)) > 0)
		*size += (size_t)n;
	buf[*size] = '\0';
	close(fd);
	unlink(path);
	return (buf);
}

static int
watch(const char *dir)
{
	char	replies[512];
	int	ino;

	snprintf(replies, sizeof replies, "%s/replies", dir);
	if ((ino = inotify_init1(IN_NONBLOCK)) == -1 ||
	    inotify_add_watch(ino, replies, IN_MOVED_TO | IN_CREATE) == -1) {
		perror(replies);
		exit(1);
	}
	return (ino);
}

static int
peek(int argc, char **argv)
{
	double	 t, sum = 0, max = 0;
	size_t	 size = 0;
	int	 n, i, ino;

	if (argc != 6 || (n = atoi(argv[5])) < 1)
		return (2);
	ino = watch(argv[2]);
	for (i = 0; i < n; i++) {
		t = now_ms();
		one_peek(argv[2], argv[3], argv[4], ino, &size);
		t = now_ms() - t;
		sum += t;
		if (t > max)
			max = t;
	}
	printf("%.3f %.3f %zu\n", sum / n, max, size);
	return (0);
}

/*
 * The sum of the runs' next offsets (their final text so far), one peek
 * each.  A quote cannot stand unescaped inside a JSON string, so the
 * first "offset": is the field.
 */
static int
offsets(int argc, char **argv)
{
	const char	*reply, *p;
	long long	 sum = 0;
	size_t		 size;
	int		 i, ino;

	if (argc < 4)
		return (2);
	ino = watch(argv[2]);
	for (i = 3; i < argc; i++) {
		reply = one_peek(argv[2], argv[i], NULL, ino, &size);
		if ((p = strstr(reply, "\"offset\":")) == NULL) {
			fprintf(stderr, "waitpeek: run %s: %s\n", argv[i], reply);
			return (1);
		}
		sum += atoll(p + strlen("\"offset\":"));
	}
	printf("%lld\n", sum);
	return (0);
}

static int
print(int argc, char **argv)
{
	const char	*text = "2026-11-27T18:43:08.123Z INFO [worker-3] cc -O2 -c "
			    "src/module_of_a_long_build.c -o build/module.o";
	char		 buf[CHUNK];
	struct timespec	 start, next;
	double		 rate, t;
	long long	 k;
	size_t		 off;
	ssize_t		 w;
	int		 i;

	if (argc != 3 || (rate = atof(argv[2])) <= 0)
		return (2);
	/* Whole lines of LINE bytes, none ending in a space. */
	for (i = 0; i < CHUNK / LINE; i++) {
		memcpy(buf + i * LINE, text, LINE - 1);
		buf[i * LINE + LINE - 1] = '\n';
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (k = 1;; k++) {
		for (off = 0; off < CHUNK; off += (size_t)w)
			if ((w = write(1, buf + off, CHUNK - off)) == -1) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				return (0);
			}
		/* The k-th chunk's successor is due at start + k chunks. */
		t = start.tv_sec + start.tv_nsec / 1e9 + k * (CHUNK / rate);
		next.tv_sec = (time_t)t;
		next.tv_nsec = (long)((t - (double)next.tv_sec) * 1e9);
		if (next.tv_nsec >= 1000000000L)
			next.tv_nsec = 999999999L;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
		    NULL) == EINTR)
			;
	}
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "peek") == 0)
		return (peek(argc, argv));
	if (argc >= 2 && strcmp(argv[1], "offsets") == 0)
		return (offsets(argc, argv));
	if (argc >= 2 && strcmp(argv[1], "print") == 0)
		return (print(argc, argv));
	fprintf(stderr, "usage: waitpeek peek RUNTIME_DIR SEQ OFFSET N\n"
	    "       waitpeek offsets RUNTIME_DIR SEQ...\n"
	    "       waitpeek print RATE\n");
	return (2);
}
