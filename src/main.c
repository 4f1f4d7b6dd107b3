/*
 * main.c: the entry point.  Everything happens in cli_main(); this file stays
 * small so that the tests can link every other module.
 */
#include "rexec.h"

#include <signal.h>

#include "cli.h"
#include "fdio.h"

int
main(int argc, char **argv)
{
	/*
	 * No setlocale here: agents start a process per command, and loading
	 * the locale is a tenth of a client's start.  What needs the
	 * character type (the TUI's curses) sets it itself.
	 */
	fdio_sanitise_std();	/* before anything opens a file */
	signal(SIGPIPE, SIG_IGN);
	return (cli_main(argc, argv));
}
