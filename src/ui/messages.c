/*
 * messages.c: the last messages the bottom line showed, with the wall
 * clock time of each, for the list "m" opens (as tmux's show-messages).
 * A message shows on the bottom line for [ui] display_time only; this
 * log is how the human reads one that went by.  It keeps the newest
 * MESSAGES_MAX; it never decides what is shown or for how long.
 */
#include "rexec.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui/draw.h"
#include "ui/ui_int.h"

#define MESSAGES_MAX	100

struct ui_messages {
	char	*text[MESSAGES_MAX];
	time_t	 when[MESSAGES_MAX];
	size_t	 first;		/* the oldest */
	size_t	 n;
};

struct ui_messages *
messages_new(void)
{
	return (xcalloc(1, sizeof (struct ui_messages)));
}

void
messages_free(struct ui_messages *ms)
{
	size_t	i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->n; i++)
		free(ms->text[(ms->first + i) % MESSAGES_MAX]);
	free(ms);
}

/* Keep text, said at when; past MESSAGES_MAX the oldest goes. */
void
messages_add(struct ui_messages *ms, const char *text, time_t when)
{
	size_t	i;

	if (ms->n == MESSAGES_MAX) {
		free(ms->text[ms->first]);
		ms->first = (ms->first + 1) % MESSAGES_MAX;
		ms->n--;
	}
	i = (ms->first + ms->n) % MESSAGES_MAX;
	ms->text[i] = xstrdup(text);
	ms->when[i] = when;
	ms->n++;
}

size_t
messages_count(const struct ui_messages *ms)
{
	return (ms->n);
}

/* The i-th message, oldest first, and when it was said. */
const char *
messages_get(const struct ui_messages *ms, size_t i, time_t *when)
{
	size_t	j;

	if (i >= ms->n)
		return (NULL);
	j = (ms->first + i) % MESSAGES_MAX;
	if (when != NULL)
		*when = ms->when[j];
	return (ms->text[j]);
}

/*
 * The list, centred as the help is: "HH:MM:SS  text", newest last; when
 * there are more than the terminal's rows hold, the newest that fit.
 */
void
messages_draw(const struct ui_messages *ms, int rows, int cols)
{
	const char	**lines;
	char		**own, stamp[16];
	struct tm	  tm;
	time_t		  when;
	size_t		  i, first, n = 0, fit;

	/* Two borders, the blank line and the last line. */
	fit = rows > 4 ? (size_t)rows - 4 : 1;
	first = ms->n > fit ? ms->n - fit : 0;
	lines = xcalloc(ms->n - first + 3, sizeof *lines);
	own = xcalloc(ms->n - first + 1, sizeof *own);
	if (ms->n == 0)
		lines[n++] = "no messages yet";
	for (i = first; i < ms->n; i++) {
		messages_get(ms, i, &when);
		if (localtime_r(&when, &tm) == NULL ||
		    strftime(stamp, sizeof stamp, "%H:%M:%S", &tm) == 0)
			snprintf(stamp, sizeof stamp, "--:--:--");
		xasprintf(&own[i - first], "%s  %s", stamp,
		    messages_get(ms, i, NULL));
		lines[n++] = own[i - first];
	}
	lines[n++] = "";
	lines[n++] = "any key closes this list";
	status_draw_list(rows, cols, "messages", lines, n);
	for (i = first; i < ms->n; i++)
		free(own[i - first]);
	free(own);
	free(lines);
}
