/*
 * cmd_log.c: "rexec log [SESSION:]SEQ": the full agent text of one run, as
 * the journal keeps it (what a truncated response points to).  Without a
 * session, the newest journal.  Session names hold colons themselves, so the
 * sequence number is what follows the last one.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "journal.h"

int
cmd_log_exec(int argc, char **argv)
{
	json_t		*line, *output;
	char		*dir, *cause;
	int		 r;

	if (argc != 2)
		return (cli_usage("log", argc < 2 ? "which run?" :
		    "unexpected argument \"%s\"", argv[2]));
	if ((dir = cli_journal_dir()) == NULL)
		return (1);
	r = journal_lookup(dir, argv[1], &line, &cause);
	free(dir);
	if (r == -2) {
		r = cli_usage("log", "%s", cause);
		free(cause);
		return (r);
	}
	if (r != 0) {
		cli_error("%s", cause);
		free(cause);
		return (1);
	}
	output = json_object_get(line, "output");
	if (json_is_string(output))
		fwrite(json_string_value(output), 1, json_string_length(output),
		    stdout);
	json_decref(line);
	return (0);
}
