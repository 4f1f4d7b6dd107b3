/*
 * pane_console.c: the console pane.
 *
 * The serialised console stream (DESIGN.md section 6) is fed into one vt
 * of the pane's width with [ui] scrollback lines of history.  Child output
 * reaches the human's terminal only as cells drawn from this vt, never as
 * raw bytes.
 *
 * The pane recognises each run's banner in the stream: at the start of a
 * line, the bytes of the banner the UI expects next followed by "\n".  A
 * recognised banner resets the vt's modes (so one run's modes never leak
 * into the next), goes to column 0 and is drawn bold in the agent's
 * colour, each of its lines ending in "\r\n" as a terminal needs (a
 * command whose argument holds a newline gives a banner of several lines,
 * each from column 0, as a terminal with ONLCR shows it).  A run cannot
 * fake another run's banner: only the expected one, at its turn, is
 * highlighted.  Lines the host itself adds ("[rexec: timeout]") get the
 * same CR.
 *
 * The host's lines about a detached run (DESIGN.md section 6), "[run N
 * continues in the background \u00b7 rexec wait N]" and "[run N ended:
 * exit E after 5m12s]", are drawn dim from column 0.  Only a whole line
 * from a line start of that shape is a candidate (held while it may
 * still become one, as a banner is), and the owner's callback decides:
 * the history takes a line only if it is, word for word, what the host
 * writes about a run of this session that has detached (or, for the
 * second, detached and ended with that exit after that time), and each
 * once.  So a dim line always tells the truth; the worst a run can do is
 * print such a true line itself before the host's own passes, which is
 * then drawn as plain output.
 * Everything goes through a feed (feed.c), parsed when the UI draws, so
 * a flood shows its newest part and never slows the run.
 *
 * The vt never gets shorter: libtsm pushes a shrinking screen's top rows
 * into the scrollback even when the cursor is near the top, which would
 * empty the pane.  A pane lower than its vt shows the rows that end at
 * the cursor's line instead.
 *
 * Until the first bytes arrive, the pane shows one dim line that says
 * what it waits for, so a new session does not open on a blank screen.
 */
#include "rexec.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vt.h"
#include "ui/draw.h"
#include "ui/ui_int.h"

#define HOST_LINE	"[rexec: "
/*
 * The shapes of the host's lines about a detached run: '#' is one or
 * more digits, '*' any text without ']' or control characters.
 */
#define RUN_LINE_DETACHED \
	"[run # continues in the background \xc2\xb7 rexec wait #]"
#define RUN_LINE_ENDED	"[run # ended: exit *]"
/* Longer than this, a line is not the host's. */
#define RUN_LINE_MAX	160
/* What an empty console says. */
#define EMPTY_HINT	"waiting for agents: rexec run -- CMD"

struct pane_console {
	struct vt	*vt;
	struct feed	*feed;		/* on its way into vt */
	int		 bol;		/* the last byte fed was '\n' */
	char		*match;		/* bytes held while they may be a banner */
	size_t		 nmatch;
	size_t		 size;
	int		 host_line;	/* inside a "[rexec: " line */
	int		 seen;		/* the banner passed in this write */
	int		 empty;		/* nothing written yet: the hint */
	pane_console_line_cb	 line_cb;	/* is it the host's line? */
	void		*line_arg;
};

static int	pane_console_held(struct pane_console *, const char *);
static void	pane_console_flush(struct pane_console *);
static void	pane_console_banner(struct pane_console *, const char *,
		    const char *);
static int	pane_console_hold(struct pane_console *, char, const char *,
		    const char *);
static int	pane_console_shape(const char *, const char *, size_t, int);
static int	pane_console_run_line(const char *, size_t, int);
static void	pane_console_keep(struct pane_console *, char);
static void	pane_console_dim(struct pane_console *);

struct pane_console *
pane_console_new(unsigned int cols, unsigned int rows, unsigned int sb,
    pane_console_line_cb line_cb, void *line_arg)
{
	struct pane_console	*pc = xcalloc(1, sizeof *pc);

	pc->line_cb = line_cb;
	pc->line_arg = line_arg;
	pc->vt = vt_new(cols, rows, sb, NULL, NULL);
	pc->feed = feed_new(UI_CONSOLE_FEED, 1);
	pc->bol = 1;
	pc->empty = 1;
	return (pc);
}

void
pane_console_free(struct pane_console *pc)
{
	if (pc == NULL)
		return;
	vt_free(pc->vt);
	feed_free(pc->feed);
	free(pc->match);
	free(pc);
}

/* Are the held bytes the start of s? */
static int
pane_console_held(struct pane_console *pc, const char *s)
{
	return (pc->nmatch == 0 || memcmp(pc->match, s, pc->nmatch) == 0);
}

/* The held bytes were not a banner after all: they are output. */
static void
pane_console_flush(struct pane_console *pc)
{
	if (pc->nmatch != 0)
		feed_put(pc->feed, pc->match, pc->nmatch);
	pc->nmatch = 0;
	pc->bol = 0;
}

/*
 * The banner, bold in the agent's colour, from column 0.  It is one line
 * of text: banner.c escapes every control character a request holds.
 */
static void
pane_console_banner(struct pane_console *pc, const char *banner,
    const char *whoami)
{
	char	*line;
	size_t	 len;
	FILE	*f;

	if ((f = open_memstream(&line, &len)) == NULL)
		abort();
	fprintf(f, "\r\033[0;1;%dm", 30 + draw_agent_colour(whoami));
	fputs(banner, f);
	fputs("\033[0m\r\n", f);
	if (fclose(f) != 0)
		abort();
	feed_mark(pc->feed, line, len);
	free(line);
	pc->seen = 1;
	pc->nmatch = 0;
	pc->bol = 1;
}

/*
 * Does s (n bytes) match the shape pat, whole (whole != 0) or as the
 * start of a line that may still match it?  '#' and '*' take all they
 * can: what follows each in a shape is not theirs.
 */
static int
pane_console_shape(const char *pat, const char *s, size_t n, int whole)
{
	size_t		 i = 0, from;
	unsigned char	 c;

	for (; *pat != '\0'; pat++) {
		if (*pat != '#' && *pat != '*') {
			if (i == n)
				return (!whole);
			if (s[i++] != *pat)
				return (0);
			continue;
		}
		from = i;
		while (i < n) {
			c = (unsigned char)s[i];
			if (*pat == '#' ? (c < '0' || c > '9') :
			    (c < ' ' || c == 0x7f || c == ']'))
				break;
			i++;
		}
		if (i == n)
			return (!whole);
		if (*pat == '#' && i == from)
			return (0);
	}
	return (i == n);
}

/* Is s (n bytes) a host's line about a run, or the start of one? */
static int
pane_console_run_line(const char *s, size_t n, int whole)
{
	if (n > RUN_LINE_MAX)
		return (0);
	return (pane_console_shape(RUN_LINE_DETACHED, s, n, whole) ||
	    pane_console_shape(RUN_LINE_ENDED, s, n, whole));
}

/* Hold one more byte of a candidate line. */
static void
pane_console_keep(struct pane_console *pc, char c)
{
	if (pc->nmatch == pc->size) {
		pc->size = pc->size == 0 ? 128 : pc->size * 2;
		pc->match = xrealloc(pc->match, pc->size);
	}
	pc->match[pc->nmatch++] = c;
}

/*
 * The held line is the host's about a detached run: dim, from column 0,
 * never dropped in a flood (it closes a run's turn, as a banner opens
 * one).
 */
static void
pane_console_dim(struct pane_console *pc)
{
	char	*line;
	int	 len;

	len = xasprintf(&line, "\r" DRAW_DIM_SGR "%.*s\033[0m\r\n",
	    (int)pc->nmatch, pc->match);
	feed_mark(pc->feed, line, (size_t)len);
	free(line);
	pc->nmatch = 0;
	pc->bol = 1;
}

/*
 * Hold a byte that may continue a candidate line (the expected banner, a
 * host line or a host's line about a run); returns 0 when the candidate
 * failed and the byte was not taken.
 */
static int
pane_console_hold(struct pane_console *pc, char c, const char *want,
    const char *whoami)
{
	size_t		 wlen;

	wlen = want != NULL ? strlen(want) : 0;
	if (want != NULL && pc->nmatch == wlen && c == '\n' &&
	    pane_console_held(pc, want)) {
		pane_console_banner(pc, want, whoami);
		return (1);
	}
	if (c == '\n' && pc->line_cb != NULL &&
	    pane_console_run_line(pc->match, pc->nmatch, 1) &&
	    pc->line_cb(pc->match, pc->nmatch, pc->line_arg)) {
		pane_console_dim(pc);
		return (1);
	}
	pane_console_keep(pc, c);
	if ((want != NULL && pc->nmatch <= wlen &&
	    memcmp(pc->match, want, pc->nmatch) == 0) ||
	    (pc->nmatch <= strlen(HOST_LINE) &&
	    memcmp(pc->match, HOST_LINE, pc->nmatch) == 0) ||
	    (c != '\n' && pane_console_run_line(pc->match, pc->nmatch, 0))) {
		if (pc->nmatch == strlen(HOST_LINE) &&
		    pane_console_held(pc, HOST_LINE) &&
		    (want == NULL || strncmp(want, HOST_LINE, pc->nmatch) != 0)) {
			feed_put(pc->feed, "\r", 1);
			pc->host_line = 1;
			pane_console_flush(pc);
		}
		return (1);
	}
	pc->nmatch--;		/* c is not held: the caller writes it */
	pane_console_flush(pc);
	return (0);
}

/*
 * Feed console bytes.  banner is the banner that comes next in the
 * stream, of the agent whoami (NULL if none is expected).  Returns 1 if
 * that banner passed.  Output between line starts goes to the vt in bulk.
 */
int
pane_console_write(struct pane_console *pc, const char *buf, size_t len,
    const char *banner, const char *whoami)
{
	const char	*nl;
	size_t		 n;

	pc->seen = 0;
	if (len > 0)
		pc->empty = 0;
	while (len > 0) {
		if (pc->bol || pc->nmatch != 0) {
			if (pane_console_hold(pc, *buf, banner, whoami)) {
				buf++;
				len--;
				continue;
			}
		}
		nl = memchr(buf, '\n', len);
		n = nl != NULL ? (size_t)(nl - buf) + 1 : len;
		if (pc->host_line && nl != NULL) {
			feed_put(pc->feed, buf, n - 1);
			feed_put(pc->feed, "\r\n", 2);
			pc->host_line = 0;
		} else
			feed_put(pc->feed, buf, n);
		pc->bol = buf[n - 1] == '\n';
		buf += n;
		len -= n;
	}
	return (pc->seen);
}

/*
 * Parse what is queued for at most budget seconds; returns 1 while
 * something is left for the next frame.
 */
int
pane_console_drain(struct pane_console *pc, double budget)
{
	feed_drain(pc->feed, pc->vt, budget);
	return (feed_pending(pc->feed) != 0);
}

void
pane_console_resize(struct pane_console *pc, unsigned int cols,
    unsigned int rows)
{
	unsigned int	old_cols, old_rows;

	vt_size(pc->vt, &old_cols, &old_rows);
	vt_resize(pc->vt, cols, rows > old_rows ? rows : old_rows);
}

/* Lines > 0 scroll back into history; the view then stops following. */
void
pane_console_scroll(struct pane_console *pc, int lines)
{
	vt_scroll(pc->vt, lines);
}

void
pane_console_follow(struct pane_console *pc)
{
	vt_scroll_reset(pc->vt);
}

int
pane_console_following(struct pane_console *pc)
{
	return (vt_scroll_offset(pc->vt) == 0);
}

/*
 * Draw h rows at y, x: following, the rows ending at the cursor's line
 * (or the top ones while they fit); scrolled back, the lowest rows of the
 * view, so a page up moves one page.
 */
void
pane_console_draw(struct pane_console *pc, int y, int x, int h)
{
	unsigned int	cols, rows, cx, cy;
	int		top;

	vt_size(pc->vt, &cols, &rows);
	if (pane_console_following(pc)) {
		vt_cursor(pc->vt, &cx, &cy);
		top = (int)cy + 1 - h;
	} else
		top = (int)rows - h;
	if (top < 0)
		top = 0;
	draw_vt(pc->vt, y, x, h, (int)cols, top);
	if (pc->empty) {
		attron(A_DIM);
		draw_put(y, x, (int)cols, EMPTY_HINT);
		attroff(A_DIM);
	}
}
