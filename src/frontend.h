/*
 * frontend.h: the one interface between the host and whatever shows it to
 * the human (as st's win.h separates the terminal from its X11 front end).
 * headless.c and ui/ui.c each fill in a struct frontend; the host calls
 * nothing else of theirs, and they see runs only through run.h.
 */
#ifndef FRONTEND_H
#define FRONTEND_H

#include <stddef.h>

struct host;
struct run;

struct frontend {
	void	*arg;
	int	 console_text;	/* the console gets agent text, not raw bytes */

	/* The serialised console stream (banners, output, separators). */
	void	(*console)(const char *, size_t, void *);
	/* Life of a run; output is its raw PTY bytes as they arrive. */
	void	(*run_queued)(struct run *, void *);
	void	(*run_started)(struct run *, void *);
	void	(*run_output)(struct run *, const char *, size_t, void *);
	void	(*run_ended)(struct run *, void *);
	/* It answered early (yield) and goes on in the background. */
	void	(*run_detached)(struct run *, void *);
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
