/*
 * viewclient.h: a viewer's end of R/attach.sock (DESIGN.md section 15).
 *
 * viewclient_connect() checks the runtime directory as every client does,
 * connects, and sends the hello; the host's hello comes back as the first
 * event (viewclient_next() checks its protocol number).  Requests go out
 * whole; events come in as frames (viewproto.h).
 */
#ifndef VIEWCLIENT_H
#define VIEWCLIENT_H

#include <stddef.h>

#include <jansson.h>

struct config;
struct viewclient;

/* viewclient_connect() results besides a client: no host serves. */
#define VIEWCLIENT_NO_HOST	1

struct viewclient *viewclient_connect(const struct config *, int,
		    unsigned int, int *, char **);
void		 viewclient_free(struct viewclient *);
int		 viewclient_fd(const struct viewclient *);
int		 viewclient_send(struct viewclient *, json_t *, const void *,
		    size_t, char **);
int		 viewclient_read(struct viewclient *, char **);
int		 viewclient_next(struct viewclient *, json_t **, const char **,
		    size_t *, char **);
char		*viewclient_name(void);

#endif
