/*
 * ui.h: the curses viewer, "rexec attach" (DESIGN.md sections 7 and 15).
 */
#ifndef UI_H
#define UI_H

struct config;

int	ui_attach(const struct config *, int, unsigned int);

#endif
