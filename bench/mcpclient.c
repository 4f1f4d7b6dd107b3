/*
 * mcpclient.c: one long-lived MCP session for bench/mcp.sh, as an agent's
 * client keeps one: it starts `rexec mcp`, initializes, and then either
 * calls exec of /bin/true N times one after the other (printing the mean
 * milliseconds per call), or sends N calls of `sleep S` at once and prints
 * the milliseconds until the last answer came.  Answers are told apart by
 * their id only; the bench does not look inside them.  "one" calls exec
 * once with an argv (JSON) in a dir and prints the answer's line, for the
 * bench to measure what a model reads.
 *
 * usage: mcpclient REXEC serial N     mcpclient REXEC parallel N SECONDS
 *        mcpclient REXEC one ARGV-JSON DIR
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static FILE	*to, *from;

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

static char	*line;
static size_t	 size;

/* Read lines until one is the answer to id (in line); 0 on success. */
static int
answer(int id)
{
	char		 key[32];

	snprintf(key, sizeof key, "\"id\":%d,", id);
	while (getline(&line, &size, from) != -1) {
		if (strstr(line, key) != NULL && strstr(line, "\"result\"") !=
		    NULL)
			return (strstr(line, "\"isError\":true") != NULL);
	}
	return (-1);
}

/* Read n answers, in whatever order they come; how many were errors. */
static int
answers(int n)
{
	int		 got = 0, bad = 0;

	while (got < n && getline(&line, &size, from) != -1) {
		if (strstr(line, "\"result\"") == NULL)
			continue;	/* a notification */
		got++;
		bad += strstr(line, "\"isError\":true") != NULL;
	}
	return (got < n ? -1 : bad);
}

static void
call(int id, const char *argv_json)
{
	fprintf(to, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"exec\",\"arguments\":{\"argv\":%s}}}\n",
	    id, argv_json);
}

/* One exec of argv_json in dir; its answer's line goes to stdout. */
static int
one(const char *argv_json, const char *dir)
{
	fprintf(to, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"exec\",\"arguments\":{\"argv\":%s,"
	    "\"dir\":\"%s\"}}}\n", argv_json, dir);
	if (answer(1) == -1)
		return (-1);
	fputs(line, stdout);
	return (0);
}

int
main(int argc, char **argv)
{
	int	 in[2], out[2], n, i, bad = 0;
	pid_t	 pid;
	double	 start;
	char	 sleep_argv[64];

	if (argc < 4)
		return (2);
	n = strcmp(argv[2], "one") == 0 ? 1 : atoi(argv[3]);
	if (pipe(in) == -1 || pipe(out) == -1)
		return (1);
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(argv[1], argv[1], "mcp", "--whoami", "bench", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	to = fdopen(in[1], "w");
	from = fdopen(out[0], "r");
	setvbuf(to, NULL, _IOLBF, 0);
	fprintf(to, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
	    "\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}\n");
	if (answer(0) != 0)
		return (1);
	fprintf(to, "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/initialized\"}\n");

	start = now_ms();
	if (strcmp(argv[2], "one") == 0)
		bad = one(argv[3], argc > 4 ? argv[4] : "/") != 0;
	else if (strcmp(argv[2], "serial") == 0) {
		for (i = 1; i <= n; i++) {
			call(i, "[\"/bin/true\"]");
			bad += answer(i) != 0;
		}
		printf("%.3f\n", (now_ms() - start) / n);
	} else {
		snprintf(sleep_argv, sizeof sleep_argv, "[\"sleep\",\"%s\"]",
		    argc > 4 ? argv[4] : "0.1");
		for (i = 1; i <= n; i++)
			call(i, sleep_argv);
		bad = answers(n);
		printf("%.1f\n", now_ms() - start);
	}
	fclose(to);
	waitpid(pid, NULL, 0);
	return (bad != 0);
}
