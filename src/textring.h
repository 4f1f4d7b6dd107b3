/*
 * textring.h: a run's final agent text by byte offset, in bounded memory
 * (DESIGN.md section 4.1).
 *
 * The text arrives in pieces (what the agent view emits) and a wait asks
 * for it from an offset in the run's full text: offsets count every byte
 * ever appended, as if nothing were dropped.  A textring keeps the first
 * head bytes and the newest ring bytes (sizes fixed when it is made), so
 * it holds at most head + ring bytes however much a run prints; the bytes
 * between are gone.  Its buffers grow with the text up to those sizes, so
 * a short run costs what it printed.
 *
 * A backing gives back what the textring no longer holds: the bytes
 * [0, extent) of the full text, where a run's text file has them
 * (textfile.c).  With one (textring_back), the bytes a read can reach are
 * the head, the backing's and the ring's; the rest is the gap.
 *
 * textring_read(tr, off, max, ref, &len, &omitted) gives the text from
 * off to the end, NUL-terminated, in memory the caller frees; *len gets
 * its length.  Its rules:
 * - Bytes it cannot reach are replaced by one line in cap.h's wording,
 *	[rexec: N bytes omitted; full output: rexec log <ref>]
 *   ("[rexec: N bytes omitted]" when ref is NULL), standing on a line of
 *   its own: a newline goes before it when the text before does not end
 *   with one.
 * - When the text reached exceeds max bytes (0: no cap) it is cut by
 *   cap.h's rule: the first quarter of max from the start, the rest from
 *   the end, at a line end when one falls in a budget's second half.
 *   Without a gap the read is a struct cap's; with one, the gap is where
 *   it cuts: the text before the gap is held to the head budget, the text
 *   after it to the tail budget, and one line counts all that is left
 *   out.  Text before the gap that reaches the head budget is cut by the
 *   rule (the byte after the head is kept for it), so a read from 0 with
 *   max at most 4 * head, of a ring longer than max, is exactly a struct
 *   cap's whatever is gone.
 * - It never splits a character: at a gap, a character cut by the end of
 *   the head or by the ring's oldest byte is left out whole, and a read
 *   from an offset inside a character starts at the next one.
 * - *omitted gets the bytes of the text from off that the result leaves
 *   out (gap, cut and partial characters), so the text bytes returned
 *   (all but the omitted line and the newline before it) plus *omitted
 *   are textring_total() - off.
 * - off > textring_total() is the caller's error, to check first: the
 *   result is then NULL.  off == textring_total() gives "" at once.
 * - A read with max 0 uses no backing (it could be all of a file); a
 *   backing that fails a read is left out of that read.
 * Cost: O(min(total - off, max) + head) per read, never a copy of all
 * the text, and at most max + a few bytes read from the backing;
 * appending is O(len).
 *
 * textring_copy(tr, off, n, dst) copies the n bytes from off if they are
 * all held (not from the backing), else returns -1.
 *
 * textring_trim(tr, head, ring) is for a run that has ended: the head
 * keeps at most its first head bytes and the ring at most the newest ring
 * bytes from then on (they never grow), and both buffers shrink to what
 * they hold.  textring_memory() is the bytes
 * allocated for text, at most head + ring.
 *
 * The text is expected to be valid UTF-8 (what the agent view emits).
 */
#ifndef TEXTRING_H
#define TEXTRING_H

#include <stddef.h>

struct textring;

/* Where the bytes [0, extent) of the text can be read back from. */
struct textring_backing {
	size_t	(*extent)(void *);
	int	(*read)(void *, size_t, char *, size_t);	/* 0 or -1 */
	void	*arg;
};

struct textring	*textring_new(size_t head, size_t ring);
void		 textring_append(struct textring *, const char *, size_t);
size_t		 textring_total(const struct textring *);
char		*textring_read(const struct textring *, size_t off,
		    size_t max, const char *ref, size_t *len,
		    size_t *omitted);
int		 textring_copy(const struct textring *, size_t, size_t,
		    char *);
void		 textring_back(struct textring *,
		    const struct textring_backing *);
void		 textring_trim(struct textring *, size_t head, size_t ring);
size_t		 textring_memory(const struct textring *);
void		 textring_free(struct textring *);

#endif
