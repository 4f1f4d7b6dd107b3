/*
 * host.h: the host, its event loop and its scheduler.
 */
#ifndef HOST_H
#define HOST_H

struct config;
struct frontend;
struct host;

int	host_main(const struct config *, const struct frontend *);
void	host_shutdown(struct host *);
void	host_abort_seq(struct host *, unsigned int);
int	host_active(const struct host *);
const char *host_session(const struct host *);

#endif
