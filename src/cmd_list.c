/*
 * cmd_list.c: "rexec list [N] [--json]" (also --list N): recent journals,
 * newest first, as "<name> commands=<n>".
 */
#include "rexec.h"

#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "banner.h"
#include "cli.h"
#include "journal.h"
#include "paths.h"

static const struct option list_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* Runs in a journal: its lines that have a command. */
static size_t
count_commands(const char *path)
{
	struct journal_reader	*r;
	json_t			*line;
	char			*cause;
	size_t			 n = 0;

	if ((r = journal_reader_open(path, &cause)) == NULL) {
		free(cause);
		return (0);
	}
	while (journal_reader_next(r, &line) == 1) {
		if (json_is_array(json_object_get(line, "exec")))
			n++;
		json_decref(line);
	}
	journal_reader_close(r);
	return (n);
}

int
cmd_list_exec(int argc, char **argv)
{
	struct stat	 sb;
	json_t		*all = NULL, *o;
	char		**names, *dir, *cause, *file, *path, *end, *text;
	char		 *shown;
	size_t		 n, i, limit = 10, commands;
	int		 ch, as_json = 0;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", list_options, NULL)) != -1) {
		if (ch != 'j')
			return (cli_usage("list", "unknown option \"%s\"",
			    argv[optind - 1]));
		as_json = 1;
	}
	if (optind < argc) {
		limit = strtoul(argv[optind], &end, 10);
		if (*argv[optind] == '\0' || *end != '\0' || *argv[optind] == '-')
			return (cli_usage("list", "not a number: \"%s\"",
			    argv[optind]));
		optind++;
	}
	if (optind != argc)
		return (cli_usage("list", "unexpected argument \"%s\"",
		    argv[optind]));
	if ((dir = cli_journal_dir()) == NULL)
		return (1);
	if ((names = journal_sessions(dir, &n, &cause)) == NULL) {
		cli_error("%s", cause);
		free(cause);
		free(dir);
		return (1);
	}
	if (as_json)
		all = json_array();
	for (i = 0; i < n && i < limit; i++) {
		xasprintf(&file, "%s.jsonl", names[i]);
		path = paths_join(dir, file);
		free(file);
		commands = count_commands(path);
		if (as_json) {
			o = json_pack("{s:s, s:s, s:I}", "name", names[i],
			    "path", path, "commands", (json_int_t)commands);
			if (stat(path, &sb) == 0)
				json_object_set_new(o, "bytes",
				    json_integer(sb.st_size));
			json_array_append_new(all, o);
		} else {
			/* A file's name: shown as banners show it. */
			shown = banner_quote(names[i], strlen(names[i]),
			    BANNER_TEXT);
			printf("%s commands=%zu\n", shown, commands);
			free(shown);
		}
		free(path);
	}
	if (as_json) {
		text = json_dumps(all, JSON_COMPACT);
		printf("%s\n", text);
		free(text);
		json_decref(all);
	}
	journal_sessions_free(names, n);
	free(dir);
	return (0);
}
