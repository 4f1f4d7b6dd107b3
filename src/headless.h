/*
 * headless.h: the front end without a terminal UI.
 */
#ifndef HEADLESS_H
#define HEADLESS_H

struct config;
struct frontend;

void	headless_init(struct frontend *, const struct config *);
void	headless_fini(struct frontend *);

#endif
