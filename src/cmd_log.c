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

/* Split "[SESSION:]SEQ"; *session is NULL or allocated. */
static int
parse_ref(const char *ref, char **session, long long *seq)
{
	const char	*colon = strrchr(ref, ':'), *num;
	char		*end;

	*session = NULL;
	num = colon != NULL ? colon + 1 : ref;
	if (*num == '\0' || *num == '-')
		return (-1);
	*seq = strtoll(num, &end, 10);
	if (*end != '\0' || *seq < 1)
		return (-1);
	if (colon != NULL)
		*session = xstrndup(ref, colon - ref);
	return (0);
}

int
cmd_log_exec(int argc, char **argv)
{
	json_t		*line, *output;
	char		*dir, *session, *path, *cause;
	long long	 seq;

	if (argc != 2)
		return (cli_usage("log", argc < 2 ? "which run?" :
		    "unexpected argument \"%s\"", argv[2]));
	if (parse_ref(argv[1], &session, &seq) != 0)
		return (cli_usage("log", "not [SESSION:]SEQ: \"%s\"", argv[1]));
	if ((dir = cli_journal_dir()) == NULL) {
		free(session);
		return (1);
	}
	path = journal_resolve(dir, session, &cause);
	free(dir);
	free(session);
	if (path == NULL || (line = journal_find_run(path, seq, &cause)) == NULL) {
		cli_error("%s", cause);
		free(cause);
		free(path);
		return (1);
	}
	output = json_object_get(line, "output");
	if (json_is_string(output))
		fwrite(json_string_value(output), 1, json_string_length(output),
		    stdout);
	json_decref(line);
	free(path);
	return (0);
}
