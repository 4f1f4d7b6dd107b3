/*
 * headless.c: the console on standard output.
 *
 * The serialised console stream goes to stdout as it is: the runs' raw
 * bytes (as the original crate printed them) or, with [headless] raw =
 * false, their agent view.  Messages about the host go to stderr.
 *
 * stdout is written with blocking writes: the host has nothing better to do
 * with console bytes than hand them on, and the console module already
 * buffers what waits for its turn.  A reader that stops reading the host's
 * stdout therefore stalls the host; point stdout at a file or a reader that
 * keeps up (journald does).
 */
#include "rexec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fdio.h"
#include "frontend.h"
#include "headless.h"

/* A console write has failed before: said once only. */
static int	headless_failed;

static void
headless_console(enum console_kind kind, unsigned int seq, const char *buf,
    size_t len, void *arg)
{
	/*
	 * A stdout that is gone or full is skipped: the host keeps running,
	 * and the journal and the recordings keep every run's output.
	 */
	if (fdio_write_all(STDOUT_FILENO, buf, len) == -1 && !headless_failed) {
		headless_failed = 1;
		fprintf(stderr, "rexec: console on standard output: %s; "
		    "what cannot be written is skipped\n", strerror(errno));
	}
}

static void
headless_message(const char *msg, void *arg)
{
	fprintf(stderr, "rexec: %s\n", msg);
}

void
headless_init(struct frontend *fe, const struct config *cfg)
{
	memset(fe, 0, sizeof *fe);
	fe->console_text = !cfg->headless_raw;
	fe->segment = headless_console;
	fe->message = headless_message;
}
