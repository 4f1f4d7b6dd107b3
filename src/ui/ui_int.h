/*
 * ui_int.h: the interfaces of the pieces of the curses front end, for
 * ui.c, which calls them, and for one another.  What they draw with is
 * draw.h's.  Only files in src/ui/ include this header (and curses); the
 * core never does.
 */
#ifndef UI_INT_H
#define UI_INT_H

#include <stddef.h>
#include <wchar.h>

struct run;
struct vt;

/*
 * One run as the UI remembers it, after the run is gone: a run of this
 * session, or a past one read from an earlier session's journal.  The
 * history pane makes, fills and frees it (ui_run_started, ui_run_detached,
 * ui_run_ended); ui.c marks it held and its banner seen; the run view
 * reads it.
 */
struct ui_run {
	unsigned int	 seq;
	struct run	*run;		/* NULL once it ended */
	int		 started;
	int		 ended;
	int		 waiting;
	int		 detached;	/* answered early, goes on (yield) */
	int		 exit_code;
	int		 signal;
	char		*error;		/* "timeout", "aborted" ... or NULL */
	double		 start;		/* monotonic, 0 until started */
	double		 duration;	/* seconds, once ended; < 0 unknown */
	char		*whoami;
	char		*dir;		/* with ~ for $HOME */
	char		*cmd;		/* the command line, shell-quoted */
	char		*banner;	/* the console banner, once known */
	int		 banner_seen;	/* passed through the console */
	int		 held;		/* open in the run view: keep it */
	int		 past;		/* from an earlier session's journal */
	char		*session;	/* its session's name, or NULL */
	char		*recording;	/* J/<session>/<seq>.cast, or NULL */
	/* The console lines of a detached run (pane_history_host_line). */
	char		*detach_line;	/* kept once the run is gone */
	char		*ended_line;
	int		 detach_seen;	/* its detach line passed */
	int		 ended_seen;	/* its ended line passed */
	char		*out_line;	/* its first line with the filter */
};

/* feed.c: bytes queued for a vt, parsed against a clock, lossy. */
struct feed;
struct feed	*feed_new(size_t, int);
void	 feed_free(struct feed *);
void	 feed_put(struct feed *, const char *, size_t);
void	 feed_mark(struct feed *, const char *, size_t);
size_t	 feed_pending(const struct feed *);
size_t	 feed_skipped(const struct feed *);
int	 feed_drain(struct feed *, struct vt *, double);

/* Output queued for the console pane and for a run's screen at most. */
#define UI_CONSOLE_FEED	(256 * 1024)
#define UI_RUN_FEED	(512 * 1024)

/*
 * pane_console.c: the serialised console in one vt.  The callback says
 * whether a whole line that looks like a host's line about a run is one.
 */
struct pane_console;
typedef int	(*pane_console_line_cb)(const char *, size_t, void *);
struct pane_console *pane_console_new(unsigned int, unsigned int,
	    unsigned int, pane_console_line_cb, void *);
void	 pane_console_free(struct pane_console *);
int	 pane_console_write(struct pane_console *, const char *, size_t,
	    const char *, const char *);
int	 pane_console_drain(struct pane_console *, double);
void	 pane_console_resize(struct pane_console *, unsigned int,
	    unsigned int);
void	 pane_console_scroll(struct pane_console *, int);
void	 pane_console_follow(struct pane_console *);
int	 pane_console_following(struct pane_console *);
void	 pane_console_draw(struct pane_console *, int, int, int);

/* view.c: a run's own screen, live or from its recording. */
struct ui_view;
struct ui_view	*view_live(struct ui_run *, unsigned int, unsigned int);
struct ui_view	*view_recording(struct ui_run *, int, double);
void	 view_free(struct ui_view *);
struct ui_run	*view_run(const struct ui_view *);
int	 view_is_replay(const struct ui_view *);
void	 view_output(struct ui_view *, const char *, size_t);
void	 view_open(struct ui_view *);
int	 view_step(struct ui_view *, double, double);
double	 view_due(const struct ui_view *, double);
int	 view_replay_key(struct ui_view *, wint_t, double);
const char *view_label(const struct ui_view *, char *, size_t);
int	 view_draw(struct ui_view *, int, int, int, int, int *, int *);
int	 view_key(struct ui_view *, wint_t, int);

/* pane_history.c: the runs of this session and of earlier ones. */
struct pane_history;
struct pane_history *pane_history_new(unsigned int);
void	 pane_history_free(struct pane_history *);
void	 pane_history_set_journal(struct pane_history *, const char *,
	    const char *);
void	 pane_history_load(struct pane_history *, size_t);
int	 pane_history_loading(const struct pane_history *);
int	 pane_history_loaded(struct pane_history *, char **);
struct ui_run *pane_history_add(struct pane_history *, struct run *);
struct ui_run *pane_history_find(struct pane_history *, struct run *);
struct ui_run *pane_history_next_banner(struct pane_history *);
struct ui_run *pane_history_selected(struct pane_history *);
void	 pane_history_move(struct pane_history *, int);
void	 pane_history_step(struct pane_history *, int);
void	 pane_history_click(struct pane_history *, int);
void	 pane_history_set_filter(struct pane_history *, const char *);
const char *pane_history_filter(struct pane_history *);
void	 pane_history_set_output(struct pane_history *, int);
int	 pane_history_output(const struct pane_history *);
const char *pane_history_output_hit(struct pane_history *);
int	 pane_history_found(struct pane_history *);
void	 pane_history_poke(struct pane_history *);
double	 pane_history_searching(struct pane_history *);

/* search.c: the filter's search of the runs' text, on a thread. */
struct history_search;
struct search_hit {
	char		*session;
	unsigned int	 seq;
	char		*line;		/* its first line with the needle */
};
struct history_search *search_start(const char *, const char *,
	    char *const *, size_t, const char *);
size_t	 search_take(struct history_search *, struct search_hit **);
int	 search_scanning(struct history_search *);
void	 search_poke(struct history_search *);
void	 search_stop(struct history_search *);
int	 search_finished(struct history_search *);
void	 search_hits_free(struct search_hit *, size_t);
void	 search_free(struct history_search *);
void	 pane_history_title(struct pane_history *, int, char *, size_t);
void	 pane_history_counts(struct pane_history *, unsigned int *,
	    unsigned int *, unsigned int *, unsigned int *);
int	 pane_history_host_line(struct pane_history *, const char *, size_t);
int	 pane_history_poll(struct pane_history *, double);
void	 pane_history_draw(struct pane_history *, int, int, int, int, int,
	    double);
void	 ui_run_started(struct ui_run *, struct run *, double);
void	 ui_run_detached(struct ui_run *);
void	 ui_run_ended(struct ui_run *, struct run *);

/* status.c: the top line and the key hints. */
void	 status_draw_top(int, unsigned int, unsigned int, unsigned int,
	    unsigned int, const char *, const char *);
void	 status_draw_frame(int, int, int, int, const char *, const char *,
	    int);
void	 status_draw_hints(int, int, const char *);
void	 status_put_hints(int, int, const char *);
void	 status_draw_help(int, int);

#endif
