/*
 * cmd_agentview.c: `rexec agentview` -- raw bytes on stdin, the agent's
 * text on stdout, through the same agent view and cap a run's response
 * gets.  A tool for scripts, tests and benchmarks; it never talks to a
 * host.
 */
#include "rexec.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agentview.h"
#include "cap.h"
#include "cli.h"
#include "fdio.h"

#define AGENTVIEW_READ_SIZE	65536

struct cmd_agentview_out {
	struct cap	*cap;		/* NULL: no cap, write at once */
	int		 error;		/* errno of a failed write */
};

static int	cmd_agentview_number(const char *, size_t *);
static void	cmd_agentview_emit(const char *, size_t, void *);
static int	cmd_agentview_run(const struct agentview_opts *, size_t);

int
cmd_agentview_exec(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "cr", required_argument, NULL, 'c' },
		{ "window", required_argument, NULL, 'w' },
		{ "max-output", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct agentview_opts		 opts;
	size_t				 max = AGENTVIEW_DEFAULT_MAX_OUTPUT;
	int				 ch;

	memset(&opts, 0, sizeof(opts));
	opts.window = AGENTVIEW_DEFAULT_WINDOW;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (strcmp(optarg, "collapse") == 0)
				opts.cr_newline = 0;
			else if (strcmp(optarg, "newline") == 0)
				opts.cr_newline = 1;
			else
				return (cli_usage("agentview",
				    "--cr: not collapse or newline: \"%s\"",
				    optarg));
			break;
		case 'w':
			if (cmd_agentview_number(optarg, &opts.window) != 0)
				return (cli_usage("agentview",
				    "--window: not a number: \"%s\"", optarg));
			if (opts.window < 1 ||
			    opts.window > AGENTVIEW_MAX_WINDOW)
				return (cli_usage("agentview",
				    "--window: not between 1 and %d: \"%s\"",
				    AGENTVIEW_MAX_WINDOW, optarg));
			break;
		case 'm':
			if (cmd_agentview_number(optarg, &max) != 0)
				return (cli_usage("agentview",
				    "--max-output: not a number: \"%s\"",
				    optarg));
			break;
		case ':':
			return (cli_usage("agentview",
			    "%s: needs an argument", argv[optind - 1]));
		default:
			return (cli_usage("agentview", "unknown option: %s",
			    argv[optind - 1]));
		}
	}
	if (optind < argc)
		return (cli_usage("agentview", "unexpected argument: \"%s\"",
		    argv[optind]));
	return (cmd_agentview_run(&opts, max));
}

/* A decimal count: digits only, no sign, no overflow. */
static int
cmd_agentview_number(const char *s, size_t *out)
{
	size_t	v = 0;

	if (*s == '\0')
		return (-1);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (-1);
		if (v > (SIZE_MAX - 9) / 10)
			return (-1);
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return (0);
}

static void
cmd_agentview_emit(const char *text, size_t len, void *arg)
{
	struct cmd_agentview_out	*out = arg;

	if (out->error != 0)
		return;
	if (out->cap != NULL)
		cap_append(out->cap, text, len);
	else if (fdio_write_all(STDOUT_FILENO, text, len) == -1)
		out->error = errno;
}

/* Pump stdin through the agent view (and the cap when max > 0). */
static int
cmd_agentview_run(const struct agentview_opts *opts, size_t max)
{
	struct cmd_agentview_out	 out;
	struct agentview		*av;
	const char			*text;
	char				*buf;
	ssize_t				 n;
	size_t				 len;
	int				 status = 0;

	memset(&out, 0, sizeof(out));
	if (max != 0)
		out.cap = cap_new(max, NULL);
	av = agentview_new(opts, cmd_agentview_emit, &out);
	buf = xmalloc(AGENTVIEW_READ_SIZE);
	for (;;) {
		n = fdio_read(STDIN_FILENO, buf, AGENTVIEW_READ_SIZE);
		if (n == -1) {
			status = cli_error("agentview: stdin: %s",
			    strerror(errno));
			break;
		}
		if (n == 0)
			break;
		agentview_feed(av, buf, (size_t)n);
		if (out.error != 0)
			break;
	}
	if (status == 0 && out.error == 0) {
		agentview_finish(av);
		if (out.cap != NULL) {
			text = cap_finish(out.cap, &len);
			if (fdio_write_all(STDOUT_FILENO, text, len) == -1)
				out.error = errno;
		}
	}
	if (out.error != 0)
		status = cli_error("agentview: stdout: %s",
		    strerror(out.error));
	free(buf);
	agentview_free(av);
	cap_free(out.cap);
	return (status);
}
