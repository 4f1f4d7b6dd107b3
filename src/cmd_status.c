/*
 * cmd_status.c: "rexec status [--json]": the host's running, queued and
 * detached runs.
 */
#include "rexec.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "banner.h"
#include "cli.h"
#include "client.h"
#include "config.h"

static const struct option status_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* A string of a run as a human should see it (banner.c). */
static char *
status_text(json_t *r, const char *key)
{
	json_t	*v = json_object_get(r, key);

	if (!json_is_string(v))
		return (xstrdup("?"));
	return (banner_quote(json_string_value(v), json_string_length(v),
	    BANNER_TEXT));
}

/* One line per run; state, when given, says what the host's does not. */
static void
print_runs(json_t *runs, const char *state)
{
	json_t		*r;
	size_t		 i;
	json_int_t	 ms;
	char		*whoami, *dir, *cmd;

	json_array_foreach(runs, i, r) {
		printf("%5lld  %-8s", (long long)json_integer_value(
		    json_object_get(r, "seq")), state != NULL ? state :
		    json_string_value(json_object_get(r, "state")));
		ms = json_integer_value(json_object_get(r, "elapsed_ms"));
		if (json_object_get(r, "elapsed_ms") != NULL)
			printf(" %7.1fs", ms / 1000.0);
		else
			printf(" %8s", "-");
		whoami = status_text(r, "whoami");
		dir = status_text(r, "dir");
		cmd = banner_command_json(json_object_get(r, "exec"));
		printf("  %s  %s  %s\n", whoami, dir, cmd);
		free(cmd);
		free(dir);
		free(whoami);
	}
}

int
cmd_status_exec(int argc, char **argv)
{
	struct config	 cfg;
	json_t		*req, *reply = NULL;
	char		*id, *cause = NULL, *text;
	int		 ch, as_json = 0, r;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", status_options, NULL)) != -1) {
		if (ch != 'j')
			return (cli_usage("status", "unknown option \"%s\"",
			    argv[optind - 1]));
		as_json = 1;
	}
	if (optind != argc)
		return (cli_usage("status", "unexpected argument \"%s\"",
		    argv[optind]));
	cli_client_config(&cfg);
	id = client_make_id();
	req = json_pack("{s:s, s:s}", "action", "status", "id", id);
	r = client_request(&cfg, req, &reply, &cause);
	json_decref(req);
	free(id);
	config_free(&cfg);
	if (r == CLIENT_NO_HOST) {
		fprintf(stderr, "HOST NOT FOUND\n");
		free(cause);
		return (127);
	}
	if (r != 0) {
		cli_error("%s", cause);
		free(cause);
		return (127);
	}
	if (as_json) {
		text = json_dumps(reply, JSON_COMPACT);
		printf("%s\n", text);
		free(text);
	} else {
		printf("host pid %lld, journal %s\n", (long long)
		    json_integer_value(json_object_get(reply, "pid")),
		    json_string_value(json_object_get(reply, "journal")));
		printf("%zu running, %zu queued",
		    json_array_size(json_object_get(reply, "running")),
		    json_array_size(json_object_get(reply, "queued")));
		/* As the UI's status line: only while there are any. */
		if (json_array_size(json_object_get(reply, "detached")) != 0)
			printf(", %zu detached", json_array_size(
			    json_object_get(reply, "detached")));
		printf("\n");
		print_runs(json_object_get(reply, "running"), NULL);
		print_runs(json_object_get(reply, "detached"), "detached");
		print_runs(json_object_get(reply, "queued"), NULL);
	}
	json_decref(reply);
	return (0);
}
