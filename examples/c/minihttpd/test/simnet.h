/*
 * simnet.h - an in-memory network for the in-process benchmark build of minihttpd (bench/payoff).
 *
 * Compiled in only with -DMINIHTTPD_INPROC (minihttpd.c includes this header after the system
 * headers): the socket and epoll calls of the unchanged server go to simnet.c, which plays N
 * keep-alive clients from an in-memory request stream. Nothing of the server changes: its stages,
 * run queues, scheduler (original or Stingy) and main run as they are; only the kernel is replaced.
 *
 * Simulated descriptors are >= SIMNET_FD_BASE; any other descriptor (the files of /files/) goes to
 * the real call. main() is renamed so that simnet.c's main can take its --sim-* options first.
 */
#ifndef SIMNET_H
#define SIMNET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#define SIMNET_FD_BASE (1 << 20)

int sim_socket(int domain, int type, int protocol);
int sim_bind(int fd, const struct sockaddr *addr, socklen_t len);
int sim_listen(int fd, int backlog);
int sim_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int sim_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int sim_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
ssize_t sim_read(int fd, void *buf, size_t n);
ssize_t sim_writev(int fd, const struct iovec *iov, int cnt);
int sim_shutdown(int fd, int how);
int sim_close(int fd);
int sim_epoll_create1(int flags);
int sim_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
int sim_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);

#define socket(d, t, p) sim_socket(d, t, p)
#define bind(f, a, l) sim_bind(f, a, l)
#define listen(f, b) sim_listen(f, b)
#define getsockname(f, a, l) sim_getsockname(f, a, l)
#define setsockopt(f, l, n, v, s) sim_setsockopt(f, l, n, v, s)
#define accept4(f, a, l, fl) sim_accept4(f, a, l, fl)
#define read(f, b, n) sim_read(f, b, n)
#define writev(f, i, c) sim_writev(f, i, c)
#define shutdown(f, h) sim_shutdown(f, h)
#define close(f) sim_close(f)
#define epoll_create1(f) sim_epoll_create1(f)
#define epoll_ctl(e, o, f, v) sim_epoll_ctl(e, o, f, v)
#define epoll_wait(e, v, m, t) sim_epoll_wait(e, v, m, t)
#define main minihttpd_main

int minihttpd_main(int argc, char **argv);

#endif /* SIMNET_H */
