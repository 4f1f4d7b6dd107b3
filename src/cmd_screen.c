/*
 * cmd_screen.c: "rexec screen SEQ [--json]": run SEQ's current screen as
 * text, one line per row (DESIGN.md section 4.1) -- what a full-screen
 * program shows, where its history text would be a jumble of redraws.
 */
#include "rexec.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "client.h"
#include "config.h"

static const struct option screen_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

int
cmd_screen_exec(int argc, char **argv)
{
	struct config	 cfg;
	json_t		*req, *reply, *screen;
	char		*id, *text;
	long long	 seq;
	size_t		 len;
	int		 ch, as_json = 0, r;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", screen_options, NULL)) != -1) {
		if (ch != 'j')
			return (cli_usage("screen", "unknown option \"%s\"",
			    argv[optind - 1]));
		as_json = 1;
	}
	if (optind >= argc)
		return (cli_usage("screen", "which run?"));
	if (optind + 1 < argc)
		return (cli_usage("screen", "unexpected argument \"%s\"",
		    argv[optind + 1]));
	if ((r = cli_seq("screen", argv[optind], &seq)) != 0)
		return (r);
	cli_client_config(&cfg);

	id = client_make_id();
	req = json_pack("{s:s, s:s, s:I}", "action", "screen", "id", id,
	    "seq", (json_int_t)seq);
	r = client_ask(&cfg, req, CLIENT_ANSWER_WAIT, &reply);
	json_decref(req);
	free(id);
	config_free(&cfg);
	if (r != 0)
		return (r);
	if ((r = client_answer(reply, "screen", as_json)) == 0) {
		if (as_json) {
			text = json_dumps(reply, JSON_COMPACT);
			printf("%s\n", text);
			free(text);
		} else {
			/* Rows end in newlines; a last one is added if none. */
			screen = json_object_get(reply, "screen");
			len = json_string_length(screen);
			fwrite(json_string_value(screen), 1, len, stdout);
			if (len > 0 && json_string_value(screen)[len - 1] != '\n')
				putchar('\n');
		}
	}
	json_decref(reply);
	return (r);
}
