/*
 * cli.c: the command table and the dispatch from argv to one command.
 *
 * Each command is one struct cmd_entry.  The original crate's flags
 * (--start-host, --check-host, --list, --print, --mcp-stdio, and the bare
 * --whoami ... -- CMD form) are aliases that reach the same entries, so both
 * spellings share one implementation.
 */
#include "rexec.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "paths.h"

static const struct cmd_entry cmd_table[] = {
	{ "host", "--start-host", "-s", "[--headless | --daemon] [--config FILE] "
	  "[--print-config] [--text]", "start the host (the TUI on a terminal)",
	  cmd_host_exec },
	{ "attach", NULL, NULL, "[-r|--read-only] [--run SEQ] [--json] "
	  "[--no-start]", "watch the running host: its runs, console and "
	  "messages (--json: as JSON lines)", cmd_attach_exec },
	{ "run", NULL, NULL, "[--whoami NAME] [--dir DIR] [--env NAME=VALUE]... "
	  "[-E|--inherit-env | --host-env | --clear-env] [--read-stdin] [--timeout SECONDS] [--max-output BYTES] "
	  "[--yield SECONDS] [--json] -- COMMAND [ARG...]", "run one command "
	  "on the host and print its output (with --yield, exit 75 if it "
	  "still runs after SECONDS)", cmd_run_exec },
	{ "wait", NULL, NULL, "SEQ [--timeout SECONDS] [--offset K] [--json]",
	  "the new text of run SEQ, waiting up to SECONDS for its end; exit "
	  "75 while it runs, else its exit status", cmd_wait_exec },
	{ "input", NULL, NULL, "SEQ TEXT | SEQ - | SEQ --keys KEY...", "type "
	  "TEXT (- reads stdin) or named keys into run SEQ's terminal",
	  cmd_input_exec },
	{ "screen", NULL, NULL, "SEQ [--json]", "the current screen of run SEQ, "
	  "as text", cmd_screen_exec },
	{ "kill", NULL, NULL, "SEQ", "abort run SEQ and wait until it has ended",
	  cmd_kill_exec },
	{ "mcp", "--mcp-stdio", "-m", "[--whoami NAME]", "serve the Model "
	  "Context Protocol on stdin/stdout (for Claude Code, Codex, Gemini "
	  "CLI)", cmd_mcp_exec },
	{ "check", "--check-host", "-c", "", "HOST RUNNING (exit 0) or HOST NOT "
	  "FOUND (exit 127)", cmd_check_exec },
	{ "status", NULL, NULL, "[--json]", "the host's running and queued runs",
	  cmd_status_exec },
	{ "list", "--list", NULL, "[N] [--json]", "recent journals, newest first, "
	  "with their number of commands", cmd_list_exec },
	{ "print", "--print", "-p", "[NAME|PATH] [--follow]", "a journal in "
	  "console form (also -f for --follow)", cmd_print_exec },
	{ "log", NULL, NULL, "[SESSION:]SEQ", "the full agent text of one run",
	  cmd_log_exec },
	{ "grep", NULL, NULL, "PATTERN [--session NAME]... [--whoami NAME] "
	  "[--since DATE] [-i] [-l] [--json] [--color=auto|always|never]",
	  "the lines of journaled run text that match PATTERN (a POSIX "
	  "extended regular expression), as SESSION:SEQ: LINE", cmd_grep_exec },
	{ "replay", NULL, NULL, "[SESSION:]SEQ|FILE [--speed X] "
	  "[--idle-limit SECONDS] [--raw]", "play a run's recording with its "
	  "timing, minus what would act on the terminal (--raw: as recorded)",
	  cmd_replay_exec },
	{ "render", NULL, NULL, "[--cols C] [--rows R]", "raw terminal bytes "
	  "on stdin, the final screen as text on stdout (libtsm)",
	  cmd_render_exec },
	{ "agentview", NULL, NULL, "[--cr collapse|newline] [--window N] "
	  "[--max-output BYTES]", "raw terminal bytes on stdin, agent text on "
	  "stdout", cmd_agentview_exec },
};

/* Options of the original crate that mean "run one command". */
static const char *const run_flags[] = {
	"--whoami", "--dir", "--env", "--read-stdin", "--clear-env", NULL
};

/* The configuration keys client commands read (cli_client_config). */
static const char *const client_keys[] = {
	"host.runtime_dir", "journal.dir", "run.env", "agent.max_output_limit",
	NULL
};

/* Options that mean "start the host" when they come first. */
static const char *const host_flags[] = {
	"--headless", "--config", "--print-config", "--text", NULL
};

const struct cmd_entry *
cli_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(cmd_table); i++) {
		if (strcmp(cmd_table[i].name, name) == 0)
			return (&cmd_table[i]);
	}
	return (NULL);
}

static void	cli_print_usage(FILE *, const char *, const struct cmd_entry *);

static const struct cmd_entry *
cli_find_alias(const char *arg)
{
	const struct cmd_entry	*e;
	size_t			 i;

	for (i = 0; i < nitems(cmd_table); i++) {
		e = &cmd_table[i];
		if ((e->alias != NULL && strcmp(e->alias, arg) == 0) ||
		    (e->short_alias != NULL && strcmp(e->short_alias, arg) == 0))
			return (e);
	}
	return (NULL);
}

static int
in_list(const char *const *list, const char *arg)
{
	size_t	len;

	for (; *list != NULL; list++) {
		len = strlen(*list);
		if (strncmp(*list, arg, len) == 0 &&
		    (arg[len] == '\0' || arg[len] == '='))
			return (1);
	}
	return (0);
}

int
cli_error(const char *fmt, ...)
{
	va_list	ap;

	fputs("rexec: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return (1);
}

/* Report a usage error of one command; returns the usage exit status. */
int
cli_usage(const char *name, const char *fmt, ...)
{
	const struct cmd_entry	*e = cli_find(name);
	va_list			 ap;

	fputs("rexec: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (e != NULL)
		cli_print_usage(stderr, "usage: ", e);
	return (2);
}

/*
 * "rexec NAME USAGE" of one entry, after prefix.  For run, "[--whoami
 * NAME]" loses its brackets while REXEC_WHOAMI is unset: the run needs one
 * or the other, and a line pasted from here should work.
 */
static void
cli_print_usage(FILE *f, const char *prefix, const struct cmd_entry *e)
{
	static const char	 opt[] = "[--whoami NAME]";
	const char		*who = getenv("REXEC_WHOAMI"), *at;

	at = strstr(e->usage, opt);
	if (at == NULL || strcmp(e->name, "run") != 0 ||
	    (who != NULL && *who != '\0')) {
		fprintf(f, "%srexec %s %s\n", prefix, e->name, e->usage);
		return;
	}
	fprintf(f, "%srexec %s %.*s%.*s%s\n", prefix, e->name,
	    (int)(at - e->usage), e->usage, (int)(sizeof opt - 3), opt + 1,
	    at + sizeof opt - 1);
}

static void
cli_help(FILE *f)
{
	const struct cmd_entry	*e;
	size_t			 i;

	fprintf(f, "usage: rexec [COMMAND] [ARGS]\n\n"
	    "rexec runs commands for AI coding agents in fresh PTYs, shows them\n"
	    "to a human and journals every run.  Commands:\n\n");
	for (i = 0; i < nitems(cmd_table); i++) {
		e = &cmd_table[i];
		cli_print_usage(f, "  ", e);
		fprintf(f, "      %s", e->summary);
		if (e->alias != NULL)
			fprintf(f, " (also %s%s%s)", e->alias,
			    e->short_alias != NULL ? ", " : "",
			    e->short_alias != NULL ? e->short_alias : "");
		fputc('\n', f);
	}
	fprintf(f, "\n  rexec --help | --version\n\n"
	    "Without a command, rexec starts the host.  See rexec(1) and "
	    "rexec.ini(5).\n");
}

/* Run entry e with argv[0] replaced by its name, as if it had been typed. */
static int
cli_exec(const struct cmd_entry *e, int argc, char **argv)
{
	char	**nargv;
	int	  i, r;

	nargv = xcalloc(argc + 1, sizeof *nargv);
	nargv[0] = (char *)e->name;
	for (i = 1; i < argc; i++)
		nargv[i] = argv[i];
	r = e->exec(argc, nargv);
	free(nargv);
	return (r);
}

int
cli_main(int argc, char **argv)
{
	const struct cmd_entry	*e;
	const char		*arg;

	if (argc < 2)
		return (cli_exec(cli_find("host"), 1, argv));
	arg = argv[1];
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		cli_help(stdout);
		return (0);
	}
	if (strcmp(arg, "--version") == 0 || strcmp(arg, "-V") == 0) {
		printf("rexec %s\n", PACKAGE_VERSION);
		return (0);
	}
	if ((e = cli_find(arg)) != NULL)
		return (cli_exec(e, argc - 1, argv + 1));
	if ((e = cli_find_alias(arg)) != NULL)
		return (cli_exec(e, argc - 1, argv + 1));
	if (in_list(host_flags, arg))
		return (cli_exec(cli_find("host"), argc, argv));
	if (in_list(run_flags, arg) && cli_find("run") != NULL)
		return (cli_exec(cli_find("run"), argc, argv));
	if (*arg == '-') {
		fprintf(stderr, "rexec: unknown option \"%s\"\n"
		    "Try 'rexec --help'.\n", arg);
	} else {
		fprintf(stderr, "rexec: unknown command \"%s\"\n"
		    "Try 'rexec --help'.\n", arg);
	}
	return (2);
}

/* A number of seconds: a finite decimal number, not negative. */
int
cli_seconds(const char *arg, double *out)
{
	char	*end;
	double	 d;

	errno = 0;
	d = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || errno != 0 || !isfinite(d) ||
	    d < 0)
		return (-1);
	*out = d;
	return (0);
}

/*
 * A run of this host session, SEQ: a positive whole number.  Returns 0, or
 * prints a usage error of command name and returns its exit status.
 */
int
cli_seq(const char *name, const char *arg, long long *out)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 || n < 1 ||
	    n > UINT_MAX)
		return (cli_usage(name, "not a run number: \"%s\"", arg));
	*out = n;
	return (0);
}

/*
 * Load the configuration named by --config (or found by the usual lookup),
 * printing every error.  Commands that need it call this first.
 */
int
cli_config(struct config *cfg, const char *option)
{
	char	*path, *cause;
	int	 explicit, r;

	path = config_find(option, &explicit);
	r = config_load(cfg, path, explicit, &cause);
	free(path);
	if (r != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		config_free(cfg);
		return (-1);
	}
	return (0);
}

/*
 * Load the configuration for a client command, checking only the keys
 * client commands read (client_keys): a typo in a key of the host or the
 * TUI must not stop an agent's command.  A bad one is a usage error: it is
 * printed as "file:line: message" and the command exits 2 at once, before
 * anything is sent.
 */
void
cli_client_config(struct config *cfg)
{
	char	*path, *cause;
	int	 explicit, r;

	path = config_find(NULL, &explicit);
	r = config_load_keys(cfg, path, explicit, client_keys, &cause);
	free(path);
	if (r != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		config_free(cfg);
		exit(2);
	}
}

/* The journal directory, as the host would use it; prints any error. */
char *
cli_journal_dir(void)
{
	struct config	 cfg;
	char		*dir, *cause;

	cli_client_config(&cfg);
	dir = paths_journal_dir(&cfg, &cause);
	config_free(&cfg);
	if (dir == NULL) {
		cli_error("%s", cause);
		free(cause);
	}
	return (dir);
}
