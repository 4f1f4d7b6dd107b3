/*
 * draw.h: what every piece of the curses front end draws with.
 *
 * draw.c owns turning things into curses calls: UTF-8 text cut to a
 * width, a vt's colours folded into what the terminal has, an agent's
 * colour, a vt's cells at a screen position.  ui.c and every pane call
 * it; it never calls back into them.  It must never know about runs,
 * panes or the layout, and it never refreshes the screen: the caller
 * decides when a frame is done.
 */
#ifndef DRAW_H
#define DRAW_H

struct vt;

/*
 * libtsm has no faint attribute, so text a pane wants drawn dim goes into
 * its vt in this foreground colour, which draw_vt() draws as the
 * terminal's own foreground, dim.  A run could write the colour too and
 * get dim text: it can make its text look like anything anyway; what
 * matters is which lines the UI itself styles (see pane_console.c).
 */
#define DRAW_DIM_R	1
#define DRAW_DIM_G	2
#define DRAW_DIM_B	3
#define DRAW_DIM_SGR	"\033[0;38;2;1;2;3m"

int	 draw_agent_colour(const char *);
int	 draw_width(const char *);
char	*draw_fit(const char *, int);
void	 draw_put(int, int, int, const char *);
void	 draw_vt(struct vt *, int, int, int, int, int);

#endif
