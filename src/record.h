/*
 * record.h: the asciicast v2 recording of one run (DESIGN.md section 8),
 * <journal dir>/<session>/<seq>.cast, so that `asciinema play` and `rexec
 * replay` can show the run again with its colours and timing.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>
#include <time.h>

struct record;

/* What the header line says; command and title may be NULL (left out). */
struct record_header {
	unsigned int	 width;
	unsigned int	 height;
	time_t		 timestamp;	/* the run's start, Unix seconds */
	const char	*command;
	const char	*title;		/* "<whoami>: <argv>" */
};

struct record	*record_open(const char *, const struct record_header *,
		    size_t, char **);
void		 record_output(struct record *, double, const char *, size_t);
int		 record_close(struct record *, char **);
const char	*record_path(const struct record *);
int		 record_truncated(const struct record *);

#endif
