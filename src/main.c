/*
 * main.c: the entry point.  Everything happens in cli_main(); this file stays
 * small so that the tests can link every other module.
 */
#include "rexec.h"

#include <locale.h>
#include <signal.h>

#include "cli.h"

int
main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_IGN);
	return (cli_main(argc, argv));
}
