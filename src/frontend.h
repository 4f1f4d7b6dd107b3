/*
 * frontend.h: the one interface between the host and what watches it (as
 * st's win.h separates the terminal from its X11 front end).  The host
 * keeps a list of observers, each a struct frontend, and calls each one's
 * hooks in turn: the viewer server (viewsrv.c), always, and the headless
 * stdout stream (headless.c) or the in-process UI (ui/ui.c).  An
 * observer sees runs only through run.h, and no hook may block.
 */
#ifndef FRONTEND_H
#define FRONTEND_H

#include <stddef.h>

#include "console.h"

struct host;
struct run;

struct frontend {
	void	*arg;
	int	 console_text;	/* the console gets agent text, not raw bytes */

	/*
	 * The serialised console stream, typed (banner, output, note), with
	 * the run's seq: raw bytes, or agent text with console_text.
	 */
	void	(*segment)(enum console_kind, unsigned int, const char *,
		    size_t, void *);
	/* The same untyped, for an observer without segment. */
	void	(*console)(const char *, size_t, void *);
	/* Life of a run; output is its raw PTY bytes as they arrive. */
	void	(*run_queued)(struct run *, void *);
	void	(*run_started)(struct run *, void *);
	void	(*run_output)(struct run *, const char *, size_t, void *);
	void	(*run_ended)(struct run *, void *);
	/* It answered early (yield) and goes on in the background. */
	void	(*run_detached)(struct run *, void *);
	/* It began or stopped waiting for input (run_waiting). */
	void	(*run_waiting)(struct run *, void *);
	/* A line for the human about the host itself. */
	void	(*message)(const char *, void *);
	/* An extra fd to poll (the keyboard), -1 for none, and its handler. */
	int	(*fd)(void *);
	void	(*ready)(void *, double);
	/* The host, for the front end to act on (abort a run, shut down). */
	void	(*attach)(struct host *, void *);
	/* Called every loop turn; returns the next time it wants one, or -1. */
	double	(*tick)(void *, double);
};

#endif
