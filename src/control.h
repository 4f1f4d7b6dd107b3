/*
 * control.h: line framing of the control FIFO (DESIGN.md section 3).
 *
 * Bytes arrive in whatever chunks read(2) returns; control_feed() hands
 * back whole lines.  A line may take REXEC_LINE_MAX bytes, its newline
 * included.  A longer one is reported once (too_long set, with its first
 * REXEC_LINE_MAX bytes) and skipped up to its newline.  Empty lines are
 * dropped.  The callback must not free the control it is called from.
 */
#ifndef CONTROL_H
#define CONTROL_H

#include <stddef.h>

struct control;

/*
 * Called with a line (without its newline or a trailing carriage return;
 * NUL-terminated for convenience, though it may hold NUL bytes itself),
 * its length, whether it was too long (then only its first bytes) and the
 * argument given to control_new().
 */
typedef void (*control_line_cb)(const char *, size_t, int, void *);

struct control	*control_new(control_line_cb, void *);
void		 control_feed(struct control *, const char *, size_t);
void		 control_free(struct control *);

#endif
