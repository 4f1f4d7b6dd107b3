/*
 * journal.h: the session journal, one JSON object per line (DESIGN.md
 * section 8), and a reader for it that later commands and the UI share.
 */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#include <jansson.h>

/*
 * The longest line the reader returns and the writer accepts, newline
 * included.  Longer lines are refused by journal_append and skipped by the
 * reader, so the two always agree on what a journal holds.
 */
#define JOURNAL_LINE_MAX	(64 * 1024 * 1024)

struct config;
struct journal;
struct journal_file;
struct journal_reader;

struct journal	*journal_open(const char *, time_t, const struct config *,
		    char **);
const char	*journal_path(const struct journal *);
const char	*journal_session(const struct journal *);
char		*journal_recording(const char *, const char *, unsigned int);
int		 journal_append(struct journal *, json_t *, char **);
void		 journal_drain(struct journal *);
char		*journal_error(struct journal *);
int		 journal_fd(const struct journal *);
void		 journal_close(struct journal *);

struct journal_file *journal_file_open(struct journal *, const char *);
const char	*journal_file_path(const struct journal_file *);
void		 journal_file_write(struct journal_file *, const char *,
		    size_t);
void		 journal_file_close(struct journal_file *);
size_t		 journal_file_written(struct journal_file *);
size_t		 journal_file_queued(struct journal_file *);
void		 journal_file_free(struct journal_file *);

struct journal_reader *journal_reader_open(const char *, char **);
int		 journal_reader_next(struct journal_reader *, json_t **);
int		 journal_reader_next_run(struct journal_reader *,
		    int (*)(const char *, size_t, void *), void *, json_t **,
		    const char **, size_t *);
void		 journal_reader_brief(struct journal_reader *, size_t);
size_t		 journal_reader_skipped(const struct journal_reader *);
long long	 journal_reader_line(const struct journal_reader *);
long long	 journal_line_seq(json_t *, long long);
void		 journal_reader_close(struct journal_reader *);

char		**journal_sessions(const char *, size_t *, char **);
void		 journal_sessions_free(char **, size_t);
char		*journal_resolve(const char *, const char *, char **);
json_t		*journal_find_run(const char *, long long, char **);
long long	 journal_last_seq(const char *, const char *, char **);

/* A session and the highest run number it gave. */
struct journal_span {
	char		*session;
	long long	 last;
};
struct journal_span *journal_spans(const char *, const char *, size_t,
		    size_t *, char **);
void		 journal_spans_free(struct journal_span *, size_t);
ssize_t		 journal_spans_holder(const struct journal_span *, size_t,
		    long long);
json_t		*journal_tail_run(const char *, const char *, long long,
		    int *);
json_t		*journal_find_seq(const char *, const char *, long long, char **,
		    char **);
int		 journal_lookup(const char *, const char *, json_t **, char **);
int		 journal_lookup_path(const char *, const char *, json_t **,
		    char **, char **);

#endif
