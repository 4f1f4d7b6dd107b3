/*
 * cmd_print.c: "rexec print NAME|PATH [--follow]" (also --print/-p, with
 * --follow/-f): a journal in console form, each run as its banner, its
 * text and a newline.  Journals of the original crate (fewer fields, the
 * time in "time") print the same way.  --follow keeps reading as the
 * journal grows, woken by inotify; a torn last line waits for its end.
 */
#include "rexec.h"

#include <sys/inotify.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "banner.h"
#include "cli.h"
#include "journal.h"

static const struct option print_options[] = {
	{ "follow", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

static const char *
str(json_t *o, const char *key, const char *def)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return (s != NULL ? s : def);
}

/* One journal line in console form. */
static void
print_line(json_t *line)
{
	json_t		*exec = json_object_get(line, "exec");
	json_t		*output = json_object_get(line, "output");
	const char	*when = str(line, "start", str(line, "time", ""));
	const char	*error = json_string_value(json_object_get(line,
			    "error"));
	char		*cmd, *banner;
	time_t		 t = 0;
	size_t		 len = 0;

	(void)banner_parse_time(when, &t);
	if (!json_is_array(exec)) {
		banner = banner_make(t, str(line, "whoami", "?"),
		    str(line, "dir", "?"), "(rejected)");
		printf("%s\n[rexec: %s]\n\n", banner, error != NULL ? error :
		    "unknown error");
		free(banner);
		return;
	}
	cmd = banner_command_json(exec);
	banner = banner_make(t, str(line, "whoami", "?"), str(line, "dir", "?"),
	    cmd);
	printf("%s\n", banner);
	free(banner);
	free(cmd);
	if (json_is_string(output)) {
		len = json_string_length(output);
		fwrite(json_string_value(output), 1, len, stdout);
	}
	if (error != NULL) {
		if (len > 0 && json_string_value(output)[len - 1] != '\n')
			putchar('\n');
		printf("[rexec: %s]\n", error);
	}
	putchar('\n');
}

/* Print every complete line there is now; -1 on a read error. */
static int
drain(struct journal_reader *r)
{
	json_t	*line;
	int	 rv;

	while ((rv = journal_reader_next(r, &line)) == 1) {
		print_line(line);
		json_decref(line);
	}
	fflush(stdout);
	return (rv);
}

static int
follow(struct journal_reader *r, const char *path)
{
	struct pollfd	pfd;
	char		buf[4096];
	int		fd;

	if ((fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) == -1 ||
	    inotify_add_watch(fd, path, IN_MODIFY | IN_CLOSE_WRITE) == -1)
		return (cli_error("%s: inotify: %s", path, strerror(errno)));
	for (;;) {
		if (drain(r) == -1) {
			close(fd);
			return (cli_error("%s: %s", path, strerror(errno)));
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		/* The timeout also catches writes inotify cannot see. */
		if (poll(&pfd, 1, 1000) == -1 && errno != EINTR)
			break;
		while (read(fd, buf, sizeof buf) > 0)
			;
	}
	close(fd);
	return (1);
}

int
cmd_print_exec(int argc, char **argv)
{
	struct journal_reader	*r;
	char			*dir, *path, *cause;
	int			 ch, following = 0, rv;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "f", print_options, NULL)) != -1) {
		if (ch != 'f')
			return (cli_usage("print", "unknown option \"%s\"",
			    argv[optind - 1]));
		following = 1;
	}
	if (optind + 1 < argc)
		return (cli_usage("print", "unexpected argument \"%s\"",
		    argv[optind + 1]));
	if ((dir = cli_journal_dir()) == NULL)
		return (1);
	/* No name: the newest session, as "rexec log SEQ" takes it. */
	path = journal_resolve(dir, optind < argc ? argv[optind] : NULL,
	    &cause);
	free(dir);
	if (path == NULL) {
		cli_error("%s", cause);
		free(cause);
		return (1);
	}
	if ((r = journal_reader_open(path, &cause)) == NULL) {
		cli_error("%s", cause);
		free(cause);
		free(path);
		return (1);
	}
	if (following)
		rv = follow(r, path);
	else if ((rv = drain(r)) == -1)
		rv = cli_error("%s: %s", path, strerror(errno));
	if (journal_reader_skipped(r) > 0)
		fprintf(stderr, "rexec: %s: %zu lines were not journal "
		    "entries and were skipped\n", path,
		    journal_reader_skipped(r));
	journal_reader_close(r);
	free(path);
	return (rv == -1 ? 1 : 0);
}
