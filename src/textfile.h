/*
 * textfile.h: a run's text file, J/<session>/<seq>.txt (DESIGN.md
 * sections 5 and 8): the run's agent text as the journal keeps it, byte
 * for byte, so that byte K of the file is byte K of the text wait,
 * read_output and rexec log count in.
 *
 * Writing (the host): a textfile is made for every run, but a file only
 * for a run whose text grows past TEXTFILE_INLINE; a smaller text lives
 * whole in the journal line.  Text is appended as the agent view makes it
 * final and goes to the journal's writer thread, never to the disk from
 * the host's loop.  The file keeps at most max bytes ([journal]
 * max_output), cut at a character; what comes after is counted, not
 * written.  textfile_behind() says the writer lags by more than
 * TEXTFILE_LAG bytes: the run should stop reading its terminal until it
 * catches up, so a slow disk slows the run that floods it, never the
 * loop, and memory stays bounded.
 *
 * Reading (anyone): a journal line that has a file names it in
 * "output_file", relative to the journal's directory.
 */
#ifndef TEXTFILE_H
#define TEXTFILE_H

#include <stddef.h>

#include <jansson.h>

/* Text up to this many bytes stays in the journal line, with no file. */
#define TEXTFILE_INLINE		(64 * 1024)
/* Bytes queued for the disk past which a run stops reading its PTY. */
#define TEXTFILE_LAG		(1024 * 1024)

struct journal;
struct textfile;
struct textring_backing;

struct textfile	*textfile_new(struct journal *, const char *, const char *,
		    unsigned int, size_t);
void		 textfile_append(struct textfile *, const char *, size_t);
int		 textfile_started(const struct textfile *);
int		 textfile_behind(const struct textfile *);
void		 textfile_end(struct textfile *);
const char	*textfile_name(const struct textfile *);
size_t		 textfile_kept(const struct textfile *);
void		 textfile_backing(struct textfile *, struct textring_backing *);
void		 textfile_free(struct textfile *);

char		*textfile_of_line(const char *, json_t *);
char		*textfile_named(const char *, const char *);
int		 textfile_read(const char *, size_t, char *, size_t, size_t *,
		    char **);
char		*textfile_slice(const char *, size_t, size_t, size_t *,
		    size_t *, size_t *, char **);
int		 textfile_load(const char *, char **, size_t *, size_t *,
		    char **);

#endif
