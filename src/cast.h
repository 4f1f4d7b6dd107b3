/*
 * cast.h: reading an asciicast v2 recording, rexec's (record.c) or
 * asciinema's, one event at a time.
 *
 * The first line must be a JSON object with "version": 2.  Every other
 * line is an event, a JSON array [t, type, data] with t a finite number
 * of seconds, 0 or more, and type and data strings.  Only "o" (output)
 * events come back; other types ("i", "m", "r", ...) and empty lines are
 * passed over.  A line that is not such an event, or is longer than
 * 64 MiB, is skipped and counted (cast_skipped), never fatal.  Data may
 * hold NUL bytes ("\u0000"), hence the explicit length.
 *
 * Lines end with "\n"; "\r\n" works too: a '\r' at the end of a line is
 * dropped (one in the data is always escaped, so none is lost), so a
 * "\r\n" line is empty as well.  The last line needs no newline.  The end
 * of the file is final: a file still being written is not followed, and
 * a half-written last line counts as malformed.
 *
 * Times are returned as written, even when they go back; clamping is the
 * caller's choice.  The reader never writes, never seeks and never looks
 * inside the data.
 */
#ifndef CAST_H
#define CAST_H

#include <stddef.h>

struct cast;

/* What the header line says. */
struct cast_header {
	/*
	 * "width" and "height", whole numbers from 1 to 10000; each one
	 * missing or out of range is 80 (width) or 24 (height).
	 */
	unsigned int	 width;
	unsigned int	 height;
	double		 idle_time_limit;	/* 0 = none (absent or <= 0) */
	long long	 timestamp;		/* 0 if absent, or not a whole
						   number */
};

/*
 * Open path and read its header.  NULL with *cause set (to be freed) if
 * the file cannot be opened or read ("PATH: No such file or directory"),
 * has nothing in it ("PATH: empty file") or does not start with a v2
 * header ("PATH: not an asciicast v2 recording").
 */
struct cast	*cast_open(const char *path, char **cause);

/* The header; valid until cast_close. */
const struct cast_header *cast_header(const struct cast *);

/*
 * The next "o" event: 1 with its time and data (valid until the next call
 * or cast_close; len bytes, NUL-terminated but may hold NULs), 0 at the
 * end of the file, -1 on a read error (cast_errno says which).  Once 0 or
 * -1, it stays so.
 */
int		 cast_next(struct cast *, double *t, const char **data,
		     size_t *len);

/*
 * Malformed event lines skipped so far, and in *first_line (if not NULL)
 * the first one's line number, counting the header as line 1; 0 if none.
 */
size_t		 cast_skipped(const struct cast *, size_t *first_line);

/* The errno of the read error after cast_next returned -1, else 0. */
int		 cast_errno(const struct cast *);

/* Close the file and free everything; NULL is fine. */
void		 cast_close(struct cast *);

#endif
