/*
 * cmd_wait.c: "rexec wait SEQ [--timeout S] [--offset K] [--json]": the
 * new text of a run that goes on, from offset K, after at most S seconds
 * (DESIGN.md section 4.1).
 *
 * Prints the reply's output, then its tail (the lines that can still
 * change), and exits 75 while the run goes on, saying on stderr where the
 * next wait starts; once the run has ended it exits as the run did, with
 * the usual "rexec: <error>" line for an error tag.  So
 * "until rexec wait 42 --timeout 60; do ...; done" waits for the end.  A
 * stop signal only stops this client waiting: the run goes on.
 */
#include "rexec.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "client.h"
#include "config.h"

static const struct option wait_options[] = {
	{ "timeout", required_argument, NULL, 't' },
	{ "offset", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static int
wait_offset(const char *arg, long long *out)
{
	char	*end;

	errno = 0;
	*out = strtoll(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0)
		return (-1);
	return (0);
}

int
cmd_wait_exec(int argc, char **argv)
{
	struct config	 cfg;
	json_t		*req, *reply;
	char		*id;
	double		 timeout = 0;
	long long	 seq, offset = -1;
	int		 ch, as_json = 0, r;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", wait_options, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (cli_seconds(optarg, &timeout) != 0)
				return (cli_usage("wait", "--timeout: not a "
				    "number of seconds: \"%s\"", optarg));
			break;
		case 'o':
			if (wait_offset(optarg, &offset) != 0)
				return (cli_usage("wait", "--offset: not a "
				    "number of bytes: \"%s\"", optarg));
			break;
		case 'j':
			as_json = 1;
			break;
		case ':':
			return (cli_usage("wait", "%s: needs a value",
			    argv[optind - 1]));
		default:
			return (cli_usage("wait", "unknown option \"%s\"",
			    argv[optind - 1]));
		}
	}
	if (optind >= argc)
		return (cli_usage("wait", "which run?"));
	if (optind + 1 < argc)
		return (cli_usage("wait", "unexpected argument \"%s\"",
		    argv[optind + 1]));
	if ((r = cli_seq("wait", argv[optind], &seq)) != 0)
		return (r);
	cli_client_config(&cfg);

	id = client_make_id();
	req = json_pack("{s:s, s:s, s:I, s:f}", "action", "wait", "id", id,
	    "seq", (json_int_t)seq, "timeout", timeout);
	if (offset >= 0)
		json_object_set_new(req, "offset", json_integer(offset));
	/* The host answers after timeout seconds at the latest. */
	r = client_ask(&cfg, req, timeout + CLIENT_ANSWER_WAIT, &reply);
	json_decref(req);
	free(id);
	config_free(&cfg);
	if (r != 0)
		return (r);
	if ((r = client_answer(reply, "running", as_json)) == 0)
		r = client_print_reply(reply, NULL, as_json);
	json_decref(reply);
	return (r);
}
