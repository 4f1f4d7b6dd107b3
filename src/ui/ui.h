/*
 * ui.h: the curses front end (DESIGN.md section 7).
 */
#ifndef UI_H
#define UI_H

struct config;
struct frontend;

void	ui_init(struct frontend *, const struct config *);
void	ui_fini(struct frontend *);

#endif
