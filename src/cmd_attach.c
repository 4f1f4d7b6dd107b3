/*
 * cmd_attach.c: "rexec attach [-r] [--run SEQ] [--json] [--no-start]",
 * a viewer of the running host (DESIGN.md section 15).
 *
 * --json prints the host's snapshot and events as JSON lines on stdout,
 * one per event, the binary part of an event base64 in "data", and reads
 * nothing from stdin: for scripts, tests and bridges.  It never starts a
 * host, and says hello as a read-only viewer (it sends no requests).  It ends at the host's bye: exit 0 when the host stopped, or with
 * --run when the run ended; 1 for any other reason, and when the host
 * closes without a bye ("host went away", printed as a bye line).  A
 * stdout that is closed (a reader such as head that has seen enough)
 * ends it quietly with exit 0.
 *
 * Without --json the terminal viewer draws it (attach_terminal).
 */
#include "rexec.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "config.h"
#include "daemon.h"
#include "viewclient.h"
#include "viewproto.h"
#include "ui/ui.h"

static const struct option attach_options[] = {
	{ "read-only", no_argument, NULL, 'r' },
	{ "run", required_argument, NULL, 'R' },
	{ "json", no_argument, NULL, 'j' },
	{ "no-start", no_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 }
};

/* How --json ended: the exit status, or -1 to go on. */
#define ATTACH_GO_ON	(-1)

/*
 * The terminal viewer: the curses TUI as a viewer process (ui/ui.c).
 * With no host serving it starts one in the background first, as tmux
 * does, unless --no-start or -r was given, or --run names a run (a new
 * host has none).  Returns the exit status.
 */
static int
attach_terminal(const struct config *cfg, int read_only, unsigned int seq,
    int no_start)
{
	char	*cause;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "rexec: attach: not a terminal (--json prints "
		    "the events)\n");
		return (2);
	}
	if (!no_start && !read_only && seq == 0 &&
	    daemon_ensure(cfg, &cause) != 0) {
		fprintf(stderr, "rexec: %s\n", cause);
		free(cause);
		return (1);
	}
	return (ui_attach(cfg, read_only, seq));
}

/* One line on stdout; a stdout that is gone ends us quietly. */
static void
attach_print(json_t *ev)
{
	char	*line = json_dumps(ev, JSON_COMPACT);

	if (line == NULL)
		return;
	if (fputs(line, stdout) == EOF || putchar('\n') == EOF) {
		free(line);
		exit(0);
	}
	free(line);
}

static void
attach_flush(void)
{
	if (fflush(stdout) == EOF)
		exit(0);
}

/* Print one event; at a bye, the exit status. */
static int
attach_event(json_t *ev, const char *data, size_t len, unsigned int seq)
{
	const char	*name, *reason;
	char		*b64;

	name = json_string_value(json_object_get(ev, "event"));
	if (len > 0 || (name != NULL && (strcmp(name, "output") == 0 ||
	    strcmp(name, "console") == 0))) {
		b64 = viewproto_base64(data, len);
		json_object_set_new(ev, "data", json_string(b64));
		free(b64);
	}
	attach_print(ev);
	if (name == NULL || strcmp(name, "bye") != 0)
		return (ATTACH_GO_ON);
	reason = json_string_value(json_object_get(ev, "reason"));
	if (reason != NULL && (strcmp(reason, "host stopped") == 0 ||
	    (seq != 0 && strcmp(reason, "run ended") == 0)))
		return (0);
	return (1);
}

/* The host closed without a bye: say so as one. */
static int
attach_gone(void)
{
	json_t	*ev;

	ev = json_pack("{s:s,s:s}", "event", "bye", "reason",
	    "host went away");
	attach_print(ev);
	json_decref(ev);
	attach_flush();
	return (1);
}

/* --json: events as JSON lines until the host says bye. */
static int
attach_json(const struct config *cfg, int read_only, unsigned int seq)
{
	struct viewclient	*vc;
	struct pollfd		 pfd;
	json_t			*ev;
	const char		*data;
	size_t			 len;
	char			*cause;
	int			 status, r, eof, gone;

	vc = viewclient_connect(cfg, read_only, seq, &status, &cause);
	if (vc == NULL) {
		if (status == VIEWCLIENT_NO_HOST)
			return (cli_error("no host is running"));
		cli_error("%s", cause);
		free(cause);
		return (1);
	}
	pfd.fd = viewclient_fd(vc);
	pfd.events = POLLIN;
	for (;;) {
		eof = viewclient_read(vc, &cause) == -1;
		gone = eof && cause != NULL;
		free(cause);
		while ((r = viewclient_next(vc, &ev, &data, &len, &cause)) ==
		    1) {
			if ((status = attach_event(ev, data, len, seq)) !=
			    ATTACH_GO_ON) {
				attach_flush();
				viewclient_free(vc);
				return (status);
			}
		}
		if (r == -1) {
			attach_flush();
			cli_error("%s", cause);
			free(cause);
			viewclient_free(vc);
			return (1);
		}
		attach_flush();
		if (eof || gone) {
			viewclient_free(vc);
			return (attach_gone());
		}
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR) {
			cli_error("poll: %s", strerror(errno));
			viewclient_free(vc);
			return (1);
		}
	}
}

int
cmd_attach_exec(int argc, char **argv)
{
	struct config	 cfg;
	long long	 seq = 0;
	int		 c, read_only = 0, json = 0, no_start = 0, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r", attach_options, NULL)) !=
	    -1) {
		switch (c) {
		case 'r':
			read_only = 1;
			break;
		case 'R':
			if ((r = cli_seq("attach", optarg, &seq)) != 0)
				return (r);
			break;
		case 'j':
			json = 1;
			break;
		case 'n':
			no_start = 1;
			break;
		case ':':
			return (cli_usage("attach", "%s: needs a value",
			    argv[optind - 1]));
		default:
			return (cli_usage("attach", "unknown option \"%s\"",
			    argv[optind - 1]));
		}
	}
	if (optind != argc)
		return (cli_usage("attach", "unexpected argument \"%s\"",
		    argv[optind]));
	if (cli_config(&cfg, NULL) != 0)
		return (1);
	/* A viewer whose host or reader went away says so; no signal. */
	signal(SIGPIPE, SIG_IGN);
	if (json)
		/* It reads nothing, so it asks for nothing: read-only. */
		r = attach_json(&cfg, 1, (unsigned int)seq);
	else
		r = attach_terminal(&cfg, read_only, (unsigned int)seq,
		    no_start);
	config_free(&cfg);
	return (r);
}
