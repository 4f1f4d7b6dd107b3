/*
 * ui_int.h: what the pieces of the curses front end share.  Only files
 * in src/ui/ include this header (and curses); the core never does.
 */
#ifndef UI_INT_H
#define UI_INT_H

#include <stddef.h>

struct run;
struct vt;

/* One run of this session as the UI remembers it, after the run is gone. */
struct ui_run {
	unsigned int	 seq;
	struct run	*run;		/* NULL once it ended */
	int		 started;
	int		 ended;
	int		 waiting;
	int		 exit_code;
	int		 signal;
	char		*error;		/* "timeout", "aborted" ... or NULL */
	double		 start;		/* monotonic, 0 until started */
	double		 duration;	/* seconds, once ended */
	char		*whoami;
	char		*dir;		/* with ~ for $HOME */
	char		*cmd;		/* the command line, shell-quoted */
	char		*banner;	/* the console banner, once known */
	int		 banner_seen;	/* passed through the console */
	int		 held;		/* open in the run view: keep it */
};

/* ui.c: colours shared by every pane. */
int	 ui_pair(int, int);
int	 ui_agent_colour(const char *);
void	 ui_put(int, int, int, const char *);

/* pane_console.c: the serialised console in one vt. */
struct pane_console;
struct pane_console *pane_console_new(unsigned int, unsigned int,
	    unsigned int);
void	 pane_console_free(struct pane_console *);
void	 pane_console_write(struct pane_console *, const char *, size_t,
	    struct ui_run *);
void	 pane_console_resize(struct pane_console *, unsigned int,
	    unsigned int);
void	 pane_console_scroll(struct pane_console *, int);
void	 pane_console_follow(struct pane_console *);
int	 pane_console_following(struct pane_console *);
void	 pane_console_draw(struct pane_console *, int, int, int);

/* ui.c and the run view: draw a vt's cells at a screen position. */
void	 ui_draw_vt(struct vt *, int, int, int, int, int);

/* pane_history.c: the runs of this session. */
struct pane_history;
struct pane_history *pane_history_new(unsigned int);
void	 pane_history_free(struct pane_history *);
struct ui_run *pane_history_add(struct pane_history *, struct run *);
struct ui_run *pane_history_find(struct pane_history *, struct run *);
struct ui_run *pane_history_next_banner(struct pane_history *);
struct ui_run *pane_history_selected(struct pane_history *);
void	 pane_history_move(struct pane_history *, int);
void	 pane_history_click(struct pane_history *, int);
void	 pane_history_counts(struct pane_history *, unsigned int *,
	    unsigned int *, unsigned int *);
int	 pane_history_poll(struct pane_history *, double);
void	 pane_history_draw(struct pane_history *, int, int, int, int, int,
	    double);
void	 ui_run_ended(struct ui_run *, struct run *);

/* status.c: the top line and the key hints. */
void	 status_draw_top(int, unsigned int, unsigned int, unsigned int,
	    const char *, const char *);
void	 status_draw_frame(int, int, int, int, const char *, const char *,
	    int);
void	 status_draw_hints(int, int, const char *);
void	 status_draw_help(int, int);

#endif
