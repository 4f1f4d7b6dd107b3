/*
 * cmd_mcp.c: "rexec mcp [--whoami NAME]" (also --mcp-stdio, -m): the MCP
 * server on stdin and stdout (DESIGN.md section 10; mcp.c serves it).
 */
#include "rexec.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "mcp.h"
#include "request.h"

static const struct option mcp_options[] = {
	{ "whoami", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

int
cmd_mcp_exec(int argc, char **argv)
{
	struct config	 cfg;
	const char	*whoami = NULL, *why;
	int		 ch, r;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", mcp_options, NULL)) != -1) {
		switch (ch) {
		case 'w':
			whoami = optarg;
			break;
		case ':':
			return (cli_usage("mcp", "%s: needs a value",
			    argv[optind - 1]));
		default:
			return (cli_usage("mcp", "unknown option \"%s\"",
			    argv[optind - 1]));
		}
	}
	if (optind < argc)
		return (cli_usage("mcp", "unexpected argument \"%s\"",
		    argv[optind]));
	if (whoami != NULL && (*whoami == '\0' || strlen(whoami) > 64))
		return (cli_usage("mcp", "--whoami: 1 to 64 characters"));
	if (whoami != NULL &&
	    (why = request_whoami_check(whoami, strlen(whoami))) != NULL)
		return (cli_usage("mcp", "whoami: %s", why));
	cli_client_config(&cfg);
	r = mcp_serve(&cfg, whoami, STDIN_FILENO, STDOUT_FILENO);
	config_free(&cfg);
	return (r);
}
