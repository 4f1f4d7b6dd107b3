/*
 * cap.h: the head+tail cap of an agent's text (DESIGN.md section 5).
 *
 * Text is appended in pieces; at the end cap_finish() gives either the
 * whole text (when it fits in max bytes) or its head, one line
 *	[rexec: N bytes omitted; full output: rexec log <ref>]
 * (or "[rexec: N bytes omitted]" when ref is NULL), and its tail.  N is
 * the number of bytes of the text left out.  Memory stays at about max
 * bytes however much text goes in (max + 1: one byte of context).
 *
 * Cut rule.  The head budget is max / 4 bytes, the tail budget the rest.
 * The head is the first head-budget bytes, whole if a newline follows
 * them, else shortened to end after the last newline in them if that
 * keeps at least half the budget, else to the last whole character.  The
 * tail is the last tail-budget bytes, whole if a newline precedes them,
 * else shortened to start after the first newline in them if that keeps
 * at least half the budget (and a byte), else at the first whole
 * character.  So a cut never falls inside a UTF-8 sequence, and it falls
 * between lines whenever a line ends in the budget's second half.
 *
 * The omitted line always stands on a line of its own: a
 * newline goes before it when the head does not end with one, and one
 * after it.  The result is thus at most max bytes of the text plus the
 * omitted line and two newlines.
 *
 * The input is expected to be valid UTF-8 (what the agent view emits).
 * max == 0 means no cap: everything is kept (and memory grows with it).
 */
#ifndef CAP_H
#define CAP_H

#include <stddef.h>

struct cap;

struct cap	*cap_new(size_t max, const char *ref);
void		 cap_append(struct cap *, const char *, size_t);
const char	*cap_finish(struct cap *, size_t *);
size_t		 cap_total(const struct cap *);
size_t		 cap_omitted(const struct cap *);
int		 cap_truncated(const struct cap *);
void		 cap_free(struct cap *);

/*
 * The cut rule and the omitted line on their own, for texts that are not
 * kept in a struct cap (textring.c reads a run's text from its head, its
 * ring and its file):
 * - cap_cut_head(s, n, next): how many of the n head-budget bytes at s to
 *   keep; next is the byte after them.
 * - cap_cut_tail(s, n, prev): where the kept tail starts in the last n
 *   bytes at s; prev is the byte before them.
 * - cap_join(head, h, omitted, ref, tail, t, &len): head[0, h), a newline
 *   if head does not end with one, the omitted line for omitted bytes,
 *   tail[0, t); NUL-terminated, in memory the caller frees.
 */
size_t		 cap_cut_head(const char *, size_t, char);
size_t		 cap_cut_tail(const char *, size_t, char);
char		*cap_join(const char *, size_t, size_t, const char *,
		    const char *, size_t, size_t *);

#endif
