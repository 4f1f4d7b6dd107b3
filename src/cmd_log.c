/*
 * cmd_log.c: "rexec log [SESSION:]SEQ": the full agent text of one run, as
 * the journal keeps it (what a truncated response points to): its text
 * file when the line names one, else the line's own text (a small run's,
 * or any run of a journal older than text files).  Without a session, the
 * newest journal.  Session names hold colons themselves, so the sequence
 * number is what follows the last one.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "journal.h"
#include "textfile.h"

/* Bytes of a text file copied per read. */
#define LOG_CHUNK	(64 * 1024)

/*
 * Copy the text file at path to stdout; *copied gets how many bytes, *last
 * the last one.  Returns 0, or -1 with *cause.
 */
static int
log_file(const char *path, size_t *copied, char *last, char **cause)
{
	char	*buf = xmalloc(LOG_CHUNK);
	size_t	 got;
	int	 r;

	*copied = 0;
	while ((r = textfile_read(path, *copied, buf, LOG_CHUNK, &got,
	    cause)) == 0 && got > 0) {
		fwrite(buf, 1, got, stdout);
		*copied += got;
		*last = buf[got - 1];
	}
	free(buf);
	return (r);
}

int
cmd_log_exec(int argc, char **argv)
{
	json_t		*line, *output;
	char		*dir, *journal, *path, *cause, last = '\n';
	size_t		 copied;
	json_int_t	 total;
	int		 r, missing = 0;

	if (argc != 2)
		return (cli_usage("log", argc < 2 ? "which run?" :
		    "unexpected argument \"%s\"", argv[2]));
	if ((dir = cli_journal_dir()) == NULL)
		return (1);
	r = journal_lookup_path(dir, argv[1], &line, &journal, &cause);
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
	path = textfile_of_line(journal, line);
	free(journal);
	if (path != NULL) {
		r = log_file(path, &copied, &last, &cause);
		free(path);
		total = json_integer_value(json_object_get(line,
		    "output_bytes"));
		if (r == 0 && total > 0 && (size_t)total > copied) {
			/* Past [journal] max_output: counted, not kept. */
			printf("%s[rexec: %zu bytes omitted past [journal] "
			    "max_output]\n", last != '\n' ? "\n" : "",
			    (size_t)total - copied);
		}
		if (r == 0) {
			json_decref(line);
			return (0);
		}
		/* The file is gone: what the line keeps is better than none. */
		cli_error("%s (the journal line's head and tail follow)",
		    cause);
		free(cause);
		missing = 1;
	}
	output = json_object_get(line, "output");
	if (json_is_string(output))
		fwrite(json_string_value(output), 1, json_string_length(output),
		    stdout);
	json_decref(line);
	return (missing);
}
