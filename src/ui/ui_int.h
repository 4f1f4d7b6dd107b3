/*
 * ui_int.h: the interfaces of the pieces of the curses front end, for
 * ui.c, which calls them, and for one another.  What they draw with is
 * draw.h's.  Only files in src/ui/ include this header (and curses); the
 * core never does.
 */
#ifndef UI_INT_H
#define UI_INT_H

#include <stddef.h>
#include <time.h>
#include <wchar.h>

#include <jansson.h>

struct vt;

/*
 * One run as the viewer knows it: a run of the host's session, filled
 * from its "run" events (uirun.c), or a past one read from an earlier
 * session's journal.  The history pane keeps them; ui.c marks one held
 * and its banner seen; the run view reads it.
 */
struct ui_run {
	unsigned int	 seq;
	int		 started;
	int		 ended;
	int		 waiting;
	int		 detached;	/* answered early, goes on (yield) */
	int		 lost;		/* left the host unseen: end unknown */
	int		 exit_code;
	int		 signal;
	char		*error;		/* "timeout", "aborted" ... or NULL */
	double		 start;		/* wall clock, seconds; 0 unknown */
	double		 duration;	/* seconds, once ended; < 0 unknown */
	unsigned int	 cols, rows;	/* its PTY's size, 0 unknown */
	char		*whoami;
	char		*dir;		/* with ~ for $HOME */
	char		*cmd;		/* the command line, shell-quoted */
	char		*banner;	/* the console banner, once known */
	int		 banner_seen;	/* passed through the console */
	int		 held;		/* open in the run view: keep it */
	int		 past;		/* from an earlier session's journal */
	int		 fresh;		/* in the snapshot being read */
	char		*session;	/* its session's name, or NULL */
	char		*recording;	/* J/<session>/<seq>.cast, or NULL */
	char		*out_line;	/* its first line with the filter */
};

/* uirun.c: a run from the host's events. */
struct ui_run	*ui_run_new(unsigned int);
void	 ui_run_free(struct ui_run *);
int	 ui_run_update(struct ui_run *, const json_t *, const char *);
char	*ui_run_dir(const char *, const char *);
char	*ui_run_whoami(const char *);
double	 ui_run_time(const char *);
double	 ui_run_duration(const struct ui_run *, double);
double	 ui_run_now(void);
const char *ui_run_session_start(const char *, char *, size_t);

/* feed.c: bytes queued for a vt, parsed against a clock, lossy. */
struct feed;
struct feed	*feed_new(size_t, int);
void	 feed_free(struct feed *);
void	 feed_put(struct feed *, const char *, size_t);
void	 feed_mark(struct feed *, const char *, size_t);
void	 feed_skip(struct feed *, size_t);
void	 feed_not_shown(char *, size_t, size_t, const char *);
size_t	 feed_pending(const struct feed *);
size_t	 feed_skipped(const struct feed *);
int	 feed_drain(struct feed *, struct vt *, double, int);

/* A feed's bytes to a sink of its own instead of the vt (mark: a banner). */
typedef void	(*feed_sink_cb)(struct vt *, const char *, size_t, int, void *);
void	 feed_set_sink(struct feed *, feed_sink_cb, void *);

/*
 * clearfilter.c: the clears, erases and resets in a run's output that
 * the console pane treats on its own.
 */
#define CLEARFILTER_TEXT	0	/* pass these bytes as they are */
#define CLEARFILTER_SCREEN	1	/* ED 2: clear the whole screen */
#define CLEARFILTER_BELOW	2	/* ED 0: clear below the cursor */
#define CLEARFILTER_RESET	3	/* RIS: a full reset */
struct clearfilter;
typedef void	(*clearfilter_cb)(int, const char *, size_t, void *);
struct clearfilter *clearfilter_new(void);
void	 clearfilter_free(struct clearfilter *);
void	 clearfilter_reset(struct clearfilter *);
void	 clearfilter_feed(struct clearfilter *, const char *, size_t,
	    clearfilter_cb, void *);

/* Output queued for the console pane and for a run's screen at most. */
#define UI_CONSOLE_FEED	(256 * 1024)
#define UI_RUN_FEED	(512 * 1024)

/*
 * pane_console.c: the serialised console in one vt, fed from the host's
 * typed console events: a run's banner, its output, rexec's own lines.
 */
struct pane_console;
struct pane_console *pane_console_new(unsigned int, unsigned int,
	    unsigned int);
void	 pane_console_free(struct pane_console *);
void	 pane_console_banner(struct pane_console *, const char *, size_t,
	    const char *);
void	 pane_console_output(struct pane_console *, const char *, size_t);
void	 pane_console_skip(struct pane_console *, size_t);
size_t	 pane_console_skipped(const struct pane_console *);
void	 pane_console_note(struct pane_console *, const char *, size_t);
int	 pane_console_drain(struct pane_console *, double, int);
void	 pane_console_resize(struct pane_console *, unsigned int,
	    unsigned int);
void	 pane_console_scroll(struct pane_console *, int);
void	 pane_console_follow(struct pane_console *);
int	 pane_console_following(struct pane_console *);
void	 pane_console_draw(struct pane_console *, int, int, int);

/*
 * view.c: a run's own screen, live from its output events or from its
 * recording.  Keys typed into a live run come out of the callback, for
 * the host.
 */
struct ui_view;
typedef void	(*view_input_cb)(unsigned int, const char *, size_t, void *);
struct ui_view	*view_live(struct ui_run *, view_input_cb, void *);
struct ui_view	*view_recording(struct ui_run *, int, double);
void	 view_free(struct ui_view *);
struct ui_run	*view_run(const struct ui_view *);
int	 view_is_replay(const struct ui_view *);
int	 view_is_live(const struct ui_view *);
void	 view_output(struct ui_view *, unsigned long long, const char *,
	    size_t);
void	 view_gap(struct ui_view *, unsigned long long, unsigned long long);
unsigned long long view_skipped(const struct ui_view *);
int	 view_step(struct ui_view *, double, double, int);
double	 view_due(const struct ui_view *, double);
int	 view_replay_key(struct ui_view *, wint_t, double);
const char *view_label(const struct ui_view *, char *, size_t);
void	 view_area(struct ui_view *, int, int);
void	 view_scroll(struct ui_view *, int);
void	 view_page(struct ui_view *, int);
void	 view_follow(struct ui_view *);
int	 view_draw(struct ui_view *, int, int, int, int, int *, int *);
void	 view_draw_crop(struct ui_view *, int, int, int, int);
int	 view_key(struct ui_view *, wint_t, int);

/* pane_history.c: the runs of this session and of earlier ones. */
struct pane_history;
struct pane_history *pane_history_new(unsigned int);
void	 pane_history_free(struct pane_history *);
void	 pane_history_set_journal(struct pane_history *, const char *,
	    const char *);
void	 pane_history_load(struct pane_history *, size_t, int);
int	 pane_history_loading(const struct pane_history *);
int	 pane_history_loaded(struct pane_history *, char **);
struct ui_run *pane_history_event(struct pane_history *, const json_t *);
struct ui_run *pane_history_get(struct pane_history *, unsigned int);
void	 pane_history_resync(struct pane_history *);
int	 pane_history_ready(struct pane_history *);
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
void	 pane_history_waiting(struct pane_history *, unsigned int *,
	    unsigned int *);
void	 pane_history_draw(struct pane_history *, int, int, int, int, int,
	    double);
size_t	 pane_history_live(struct pane_history *, struct ui_run **, size_t);

/*
 * pane_tiles.c: every live run's screen, tiled in the console pane's
 * place.  Its "open" and "close" requests go out through the callback.
 */
struct pane_tiles;
typedef void	(*tiles_request_cb)(const char *, unsigned int, void *);
struct pane_tiles *pane_tiles_new(tiles_request_cb, view_input_cb, void *);
void	 pane_tiles_free(struct pane_tiles *);
void	 pane_tiles_sync(struct pane_tiles *, struct pane_history *, int,
	    int);
struct ui_view	*pane_tiles_leave(struct pane_tiles *, struct ui_run *);
int	 pane_tiles_output(struct pane_tiles *, unsigned int,
	    unsigned long long, const char *, size_t);
void	 pane_tiles_resync(struct pane_tiles *);
int	 pane_tiles_step(struct pane_tiles *, double, double, int);
void	 pane_tiles_draw(struct pane_tiles *, int, int, int, int);
int	 pane_tiles_key(struct pane_tiles *, wint_t, int);
int	 pane_tiles_click(struct pane_tiles *, int, int, int, int, int,
	    int);
struct ui_run	*pane_tiles_selected(struct pane_tiles *);
unsigned long long pane_tiles_skipped(const struct pane_tiles *);
const char	*pane_tiles_label(struct pane_tiles *, char *, size_t);

/*
 * status.c: the top line and the key hints.  What the top line counts:
 * a run waiting for input is counted as waiting only, not as running or
 * detached.
 */
struct status_counts {
	unsigned int	 running;
	unsigned int	 waiting;
	unsigned int	 detached;
	unsigned int	 queued;
	unsigned int	 done;
	unsigned int	 viewers;	/* 0: not known yet */
};
void	 status_draw_top(int, const struct status_counts *, const char *);
void	 status_draw_frame(int, int, int, int, const char *, const char *,
	    int);
void	 status_draw_hints(int, int, const char *);
void	 status_put_hints(int, int, const char *);
void	 status_draw_help(int, int);
void	 status_draw_list(int, int, const char *, const char *const *, int);

/* messages.c: the last messages of the bottom line, for "m". */
struct ui_messages;
struct ui_messages *messages_new(void);
void	 messages_free(struct ui_messages *);
void	 messages_add(struct ui_messages *, const char *, time_t);
size_t	 messages_count(const struct ui_messages *);
const char *messages_get(const struct ui_messages *, size_t, time_t *);
void	 messages_draw(const struct ui_messages *, int, int);

#endif
