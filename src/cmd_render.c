/*
 * cmd_render.c: `rexec render [--cols C] [--rows R]` -- raw terminal
 * bytes on stdin, the final screen on stdout as text, through the same vt
 * (libtsm) the UI draws.  A tool for scripts, tests and recordings; it
 * never talks to a host and never answers the bytes' queries.
 */
#include "rexec.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fdio.h"
#include "vt.h"

#define RENDER_READ_SIZE	65536
#define RENDER_SIZE_MIN		2
#define RENDER_SIZE_MAX		1000

static int	cmd_render_size(const char *, const char *, unsigned int *);
static int	cmd_render_run(unsigned int, unsigned int);

int
cmd_render_exec(int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "cols", required_argument, NULL, 'c' },
		{ "rows", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int			 cols = 80, rows = 24;
	int				 ch, r;

	optind = 1;
	opterr = 0;
	optopt = 0;
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if ((r = cmd_render_size("--cols", optarg, &cols)) != 0)
				return (r);
			break;
		case 'r':
			if ((r = cmd_render_size("--rows", optarg, &rows)) != 0)
				return (r);
			break;
		case ':':
			return (cli_usage("render", "%s: needs an argument",
			    argv[optind - 1]));
		default:
			if (optopt != 0)
				return (cli_usage("render",
				    "unknown option: -%c", optopt));
			return (cli_usage("render", "unknown option: %s",
			    argv[optind - 1]));
		}
	}
	if (optind < argc)
		return (cli_usage("render", "unexpected argument: \"%s\"",
		    argv[optind]));
	return (cmd_render_run(cols, rows));
}

/* A size option: decimal digits, RENDER_SIZE_MIN..RENDER_SIZE_MAX. */
static int
cmd_render_size(const char *name, const char *s, unsigned int *out)
{
	const char	*p;
	unsigned int	 v = 0;

	if (*s == '\0')
		return (cli_usage("render", "%s: not a number: \"%s\"", name,
		    s));
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return (cli_usage("render",
			    "%s: not a number: \"%s\"", name, s));
		if (v <= RENDER_SIZE_MAX)
			v = v * 10 + (unsigned int)(*p - '0');
	}
	if (v < RENDER_SIZE_MIN || v > RENDER_SIZE_MAX)
		return (cli_usage("render", "%s: not between %d and %d: \"%s\"",
		    name, RENDER_SIZE_MIN, RENDER_SIZE_MAX, s));
	*out = v;
	return (0);
}

/* Feed stdin to a cols x rows terminal, then print its screen. */
static int
cmd_render_run(unsigned int cols, unsigned int rows)
{
	struct vt	*vt;
	char		*buf, *text;
	ssize_t		 n;
	size_t		 len;
	int		 status = 0;

	vt = vt_new(cols, rows, 0, NULL, NULL);
	buf = xmalloc(RENDER_READ_SIZE);
	for (;;) {
		n = fdio_read(STDIN_FILENO, buf, RENDER_READ_SIZE);
		if (n == -1) {
			status = cli_error("render: stdin: %s",
			    strerror(errno));
			break;
		}
		if (n == 0)
			break;
		vt_feed(vt, buf, (size_t)n);
	}
	free(buf);
	if (status == 0) {
		text = vt_text(vt, &len);
		if (fdio_write_all(STDOUT_FILENO, text, len) == -1)
			status = cli_error("render: stdout: %s",
			    strerror(errno));
		free(text);
	}
	vt_free(vt);
	return (status);
}
