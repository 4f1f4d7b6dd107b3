/*
 * cmd_kill.c: "rexec kill SEQ": abort run SEQ through the host's kill
 * sequence and wait until it has ended (DESIGN.md section 4.1).
 *
 * Prints nothing and exits 0 once the run has ended; the run's text
 * stays for "rexec wait" and "rexec log".  A run that is unknown or has
 * already ended is a refusal: "rexec: bad_request: ..." and exit 1.
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"
#include "client.h"
#include "config.h"

int
cmd_kill_exec(int argc, char **argv)
{
	struct config	 cfg;
	json_t		*req, *reply;
	char		*id;
	long long	 seq;
	int		 r;

	if (argc < 2)
		return (cli_usage("kill", "which run?"));
	if (argc > 2)
		return (cli_usage("kill", "unexpected argument \"%s\"",
		    argv[2]));
	if ((r = cli_seq("kill", argv[1], &seq)) != 0)
		return (r);
	cli_client_config(&cfg);

	id = client_make_id();
	req = json_pack("{s:s, s:s, s:I}", "action", "abort", "id", id,
	    "seq", (json_int_t)seq);
	/* The kill sequence is bounded; a host that dies is noticed. */
	r = client_ask(&cfg, req, -1, &reply);
	json_decref(req);
	free(id);
	config_free(&cfg);
	if (r != 0)
		return (r);
	r = client_answer(reply, "exit", 0);
	json_decref(reply);
	return (r);
}
