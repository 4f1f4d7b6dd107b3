/*
 * cmd_host.c: "rexec host" (also --start-host, -s).
 *
 * --text sets [headless] raw = false for this host, so a service manager
 * that cannot be handed a configuration file (the systemd user unit) still
 * gets the console as agent text rather than raw escapes.
 *
 * --daemon (-d) starts the host in the background and returns once it
 * serves, saying nothing (as tmux does), or exits 1 with the host's reason.
 */
#include "rexec.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "daemon.h"
#include "frontend.h"
#include "headless.h"
#include "host.h"
#include "paths.h"
#include "ui/ui.h"

static const struct option host_options[] = {
	{ "headless", no_argument, NULL, 'H' },
	{ "daemon", no_argument, NULL, 'd' },
	{ "config", required_argument, NULL, 'C' },
	{ "print-config", no_argument, NULL, 'P' },
	{ "text", no_argument, NULL, 'T' },
	{ NULL, 0, NULL, 0 }
};

/* --print-config: the effective settings, then where the files would go. */
static int
host_print_config(const struct config *cfg)
{
	char	*dir, *cause;

	config_print(cfg, stdout);
	printf("\n; runtime directory: ");
	if ((dir = paths_runtime_dir(cfg, &cause)) == NULL) {
		printf("(%s)\n", cause);
		free(cause);
	} else
		printf("%s\n", dir);
	free(dir);
	printf("; journal directory: ");
	if ((dir = paths_journal_dir(cfg, &cause)) == NULL) {
		printf("(%s)\n", cause);
		free(cause);
	} else
		printf("%s\n", dir);
	free(dir);
	return (0);
}

int
cmd_host_exec(int argc, char **argv)
{
	struct config	 cfg;
	struct frontend	 fe;
	const char	*config_path = NULL;
	char		*cause;
	int		 c, print_config = 0, headless = 0, text = 0, r;
	int		 daemon = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d", host_options, NULL)) != -1) {
		switch (c) {
		case 'H':
			headless = 1;
			break;
		case 'd':
			daemon = 1;
			break;
		case 'C':
			config_path = optarg;
			break;
		case 'P':
			print_config = 1;
			break;
		case 'T':
			text = 1;
			break;
		case ':':
			return (cli_usage("host", "%s: needs a value",
			    argv[optind - 1]));
		default:
			return (cli_usage("host", "unknown option \"%s\"",
			    argv[optind - 1]));
		}
	}
	if (optind != argc)
		return (cli_usage("host", "unexpected argument \"%s\"",
		    argv[optind]));
	if (daemon && headless)
		return (cli_usage("host", "--daemon and --headless exclude "
		    "each other"));
	if (cli_config(&cfg, config_path) != 0)
		return (1);
	if (text)
		cfg.headless_raw = 0;
	if (print_config)
		r = host_print_config(&cfg);
	else if (daemon) {
		if ((r = daemon_start(&cfg, &cause)) != 0) {
			fprintf(stderr, "rexec: %s\n", cause);
			free(cause);
			r = 1;
		}
	} else if (!headless && isatty(STDOUT_FILENO) &&
	    isatty(STDIN_FILENO)) {
		/*
		 * The host never draws (DESIGN.md 15): on a terminal it starts
		 * in the background, unless one serves already, and this
		 * terminal attaches to it as "rexec attach" does.
		 */
		if ((r = daemon_ensure(&cfg, &cause)) != 0) {
			fprintf(stderr, "rexec: %s\n", cause);
			free(cause);
			r = 1;
		} else
			r = ui_attach(&cfg, 0, 0);
	} else {
		headless_init(&fe, &cfg);
		r = host_main(&cfg, &fe);
		headless_fini(&fe);
	}
	config_free(&cfg);
	return (r);
}
