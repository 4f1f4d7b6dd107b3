/*
 * viewsrv.h: the host's side of R/attach.sock, the viewer server
 * (DESIGN.md section 15, rexec-protocol(7) VIEWERS).
 *
 * The host makes one at start (viewsrv_new: the socket, mode 0600) and
 * adds viewsrv_frontend() to its observers; each loop turn it polls the
 * server's fds (viewsrv_pollfds/viewsrv_poll) after the PTYs and hands
 * out what the turn queued (viewsrv_flush).  viewsrv_free() says bye to
 * every viewer in a bounded time and removes the socket.
 */
#ifndef VIEWSRV_H
#define VIEWSRV_H

#include <poll.h>
#include <stddef.h>

struct config;
struct frontend;
struct host;
struct viewsrv;

struct viewsrv	*viewsrv_new(struct host *, const struct config *,
		    const char *, char **);
void		 viewsrv_free(struct viewsrv *);
const struct frontend *viewsrv_frontend(struct viewsrv *);
size_t		 viewsrv_npollfds(const struct viewsrv *);
size_t		 viewsrv_pollfds(struct viewsrv *, struct pollfd *);
void		 viewsrv_poll(struct viewsrv *, const struct pollfd *, double);
void		 viewsrv_flush(struct viewsrv *, double);
double		 viewsrv_deadline(const struct viewsrv *);

#endif
