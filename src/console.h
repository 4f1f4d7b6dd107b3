/*
 * console.h: the serialised console stream (DESIGN.md section 6).
 *
 * console_new(spill_dir, mem_limit, bound, cb, arg): entries buffer in
 * memory up to mem_limit bytes between them, then in unlinked files in
 * spill_dir; each entry keeps at most its newest bound bytes besides its
 * banner and notes.  cb gets the stream in order, typed: each segment is
 * a run's banner, its output, or a note (a line rexec adds: a detached
 * or ended line, an error, bytes not shown, the closing newline), with
 * the run's seq.  A note comes after all of its entry's output.
 *
 * console_error() hands out, once, a message about a spill that failed
 * (the console went on without it); NULL otherwise.  The caller frees it.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>

struct console;
struct console_entry;

enum console_kind {
	CONSOLE_BANNER,
	CONSOLE_OUTPUT,
	CONSOLE_NOTE
};

typedef void (*console_write_cb)(enum console_kind, unsigned int,
		    const char *, size_t, void *);

struct console	*console_new(const char *, size_t, size_t, console_write_cb,
		    void *);
void		 console_free(struct console *);
struct console_entry *console_add(struct console *, unsigned int);
void		 console_banner(struct console *, struct console_entry *,
		    const char *, size_t);
void		 console_write(struct console *, struct console_entry *,
		    const char *, size_t);
void		 console_note(struct console *, struct console_entry *,
		    const char *, size_t);
void		 console_end(struct console *, struct console_entry *);
int		 console_pump(struct console *, size_t);
size_t		 console_memory(const struct console *);
size_t		 console_spilled(const struct console *);
char		*console_error(struct console *);
const char	*console_kind_name(enum console_kind);

#endif
