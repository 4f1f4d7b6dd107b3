/*
 * cmd_check.c: "rexec check" (also --check-host, -c): is a host running?
 */
#include "rexec.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "client.h"
#include "config.h"
#include "paths.h"

int
cmd_check_exec(int argc, char **argv)
{
	struct config	 cfg;
	char		*dir, *cause;
	pid_t		 pid;

	if (argc > 1)
		return (cli_usage("check", "unexpected argument \"%s\"",
		    argv[1]));
	cli_client_config(&cfg);
	dir = paths_runtime_dir(&cfg, &cause);
	config_free(&cfg);
	if (dir == NULL) {
		cli_error("%s", cause);
		free(cause);
		return (1);
	}
	/* What we must not trust is refused, never "HOST RUNNING". */
	pid = client_host_ready(dir, &cause);
	free(dir);
	if (pid == -1) {
		cli_error("%s", cause);
		free(cause);
		return (127);
	}
	if (pid == 0) {
		printf("HOST NOT FOUND\n");
		return (127);
	}
	printf("HOST RUNNING\n");
	return (0);
}
