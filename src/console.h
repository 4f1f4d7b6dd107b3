/*
 * console.h: the serialised console stream (DESIGN.md section 6).
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>

struct console;
struct console_entry;

typedef void (*console_write_cb)(const char *, size_t, void *);

struct console	*console_new(const char *, size_t, console_write_cb, void *);
void		 console_free(struct console *);
struct console_entry *console_add(struct console *);
void		 console_write(struct console *, struct console_entry *,
		    const char *, size_t);
void		 console_end(struct console *, struct console_entry *);
int		 console_pump(struct console *, size_t);
size_t		 console_memory(const struct console *);
size_t		 console_spilled(const struct console *);

#endif
