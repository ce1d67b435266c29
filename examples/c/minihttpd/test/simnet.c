/*
 * simnet.c - the in-memory network of minihttpd's in-process benchmark build (see simnet.h).
 *
 *   minihttpd-inproc [--sim-clients N] [--sim-requests R] [--sim-warmup W] [--sim-size small|large]
 *                    [--sim-rtt T] [--sim-per-conn P] [--sim-seed S] [SERVER OPTIONS...]
 *
 * N closed-loop keep-alive clients. Each connects, sends a request, waits for the whole response,
 * and sends the next one after a pseudo-random delay. With --sim-per-conn P > 0 the P-th request
 * of a connection carries "Connection: close", after which the client closes and connects again
 * after a delay; the default, 0, keeps connections open for the whole run, as wrk does (the server
 * accepts one connection per scheduler round, so churn under load makes the number of open
 * connections drift below N; and under a cap of K connections, N - K clients wait in the
 * backlog, as they do for wrk). Requests:
 *   small  GET / (the response body is the server's static index page: 4 objects per task)
 *   large  POST /echo with a 4000-byte body (request + body + head + 4000-byte echo: all 6
 *          objects; the request arrives in two segments, so body_stage may wait for the second)
 * Time is virtual: a clock that advances by one tick per I/O call of the server (accept, read,
 * write), and jumps to the next event when the server waits with nothing to run. Delays are
 * uniform in [1, 2T-1] ticks (mean T), so readiness arrives spread over time and the stages
 * interleave as with a real network (no lockstep). The waits cost no wall time: requests/s
 * measures the server's own work (its stages, scheduler and allocator) under that interleaving.
 * epoll is emulated with its semantics as minihttpd uses them: a ready list in arrival order,
 * edge-triggered connections (an event when data or the peer's close arrives), the one-shot
 * listener, at most maxevents per call.
 *
 * Every response is checked (status 200, Content-Length, the echoed bytes' checksum) and read once,
 * byte by byte, as the kernel's copy would. After W responses the wall clock starts; at R it
 * stops and the server gets SIGTERM (it then frees every connection and exits as usual). Prints
 *   inproc clients=N size=S responses=R warmup=W seconds=X rps=Y maxrss_kb=M errors=E ...
 * on stdout; exit status: the server's, or 1 when a response was wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "simnet.h" /* after the system headers: its macros are undone below */

#undef socket
#undef bind
#undef listen
#undef getsockname
#undef setsockopt
#undef accept4
#undef read
#undef writev
#undef shutdown
#undef close
#undef epoll_create1
#undef epoll_ctl
#undef epoll_wait
#undef main

#define LISTEN_FD SIMNET_FD_BASE
#define EPOLL_FD (SIMNET_FD_BASE + 1)
#define CONN_FD0 (SIMNET_FD_BASE + 2)
#define LARGE_BODY 4000
#define SEGMENT 2896 /* two MSS of a loopback-like path: the first part of a large request */

enum { EV_CONNECT, EV_DATA, EV_PEER_CLOSE };

struct timer {
  uint64_t due, seq;
  int kind, idx; /* idx: client (EV_CONNECT) or connection slot */
  uint32_t gen, arg;
};

struct sconn {
  int in_use, client, registered, in_ready;
  uint32_t gen, events, pending;
  void *ptr;
  const char *req;
  size_t req_len, req_off, req_avail;
  int left;          /* requests still to send on this connection, the current one included */
  int peer_closed, wr_shut, closing_sent;
  /* the response being received */
  char head[512];
  size_t head_len, body_left, clen;
  int in_body, status, conn_close;
  uint64_t sum;
};

static struct {
  int clients, per_conn, rtt, large;
  uint64_t ramp; /* no request is sent before this tick */
  unsigned long long requests, warmup;
  uint64_t rng;
  uint64_t now, seq;
  struct timer *heap;
  size_t heap_n, heap_cap;
  struct sconn *conns;
  int n_slots, *free_slots, n_free;
  int *ready; /* FIFO of slots (-1: the listener) */
  size_t ready_cap, ready_head, ready_n;
  int *backlog;
  size_t backlog_cap, backlog_head, backlog_n;
  int listener_armed, listener_in_ready, listener_registered;
  epoll_data_t listener_data;
  char *req_small, *req_small_close, *req_large, *req_large_close;
  size_t req_small_len, req_small_close_len, req_large_len, req_large_close_len;
  uint64_t large_sum;
  unsigned long long responses, errors, accepts, reads, eagains, writes, waits, jumps;
  uint64_t open_sum, backlog_sum, samples; /* at each epoll_wait of the measured part */
  struct timespec t0, t1;
  int started, stopped;
  volatile uint64_t sink;
} S;

static uint32_t rnd(void) {
  S.rng ^= S.rng << 13;
  S.rng ^= S.rng >> 7;
  S.rng ^= S.rng << 17;
  return (uint32_t) (S.rng >> 16);
}

static uint64_t delay(void) {
  return 1 + rnd() % (uint32_t) (2 * S.rtt - 1);
}

static void die(const char *msg) {
  fprintf(stderr, "simnet: %s\n", msg);
  abort();
}

/* ---- timers: a binary min-heap on (due, seq) ---------------------------------------------- */

static int timer_less(const struct timer *a, const struct timer *b) {
  return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void timer_add(uint64_t due, int kind, int idx, uint32_t gen, uint32_t arg) {
  if (S.heap_n == S.heap_cap) {
    S.heap_cap = S.heap_cap ? 2 * S.heap_cap : 1024;
    S.heap = realloc(S.heap, S.heap_cap * sizeof *S.heap);
    if (S.heap == NULL) die("out of memory");
  }
  struct timer t = {due, S.seq++, kind, idx, gen, arg};
  size_t i = S.heap_n++;
  while (i > 0 && timer_less(&t, &S.heap[(i - 1) / 2])) {
    S.heap[i] = S.heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  S.heap[i] = t;
}

static struct timer timer_pop(void) {
  struct timer top = S.heap[0], last = S.heap[--S.heap_n];
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    const struct timer *best = &last;
    if (l < S.heap_n && timer_less(&S.heap[l], best)) m = l, best = &S.heap[l];
    if (r < S.heap_n && timer_less(&S.heap[r], best)) m = r;
    if (m == i) break;
    S.heap[i] = S.heap[m];
    i = m;
  }
  if (S.heap_n > 0) S.heap[i] = last;
  return top;
}

/* ---- the ready list and the listen backlog ------------------------------------------------- */

static void ready_push(int slot) {
  if (S.ready_n == S.ready_cap) die("ready list overflow");
  S.ready[(S.ready_head + S.ready_n++) % S.ready_cap] = slot;
}

static void conn_event(int slot, uint32_t ev) {
  struct sconn *c = &S.conns[slot];
  if (!c->registered || (c->events & (ev | EPOLLERR | EPOLLHUP)) == 0) return;
  c->pending |= ev;
  if (!c->in_ready) {
    c->in_ready = 1;
    ready_push(slot);
  }
}

static void listener_event(void) {
  if (S.listener_armed && !S.listener_in_ready && S.backlog_n > 0) {
    S.listener_in_ready = 1;
    ready_push(-1);
  }
}

static void fire(const struct timer *t) {
  if (t->kind == EV_CONNECT) {
    if (S.backlog_n == S.backlog_cap) die("backlog overflow");
    S.backlog[(S.backlog_head + S.backlog_n++) % S.backlog_cap] = t->idx;
    listener_event();
    return;
  }
  struct sconn *c = &S.conns[t->idx];
  if (!c->in_use || c->gen != t->gen) return; /* the connection is gone */
  if (t->kind == EV_DATA) {
    c->req_avail = t->arg;
    conn_event(t->idx, EPOLLIN);
  } else {
    c->peer_closed = 1;
    conn_event(t->idx, EPOLLIN | EPOLLRDHUP);
  }
}

static void fire_due(void) {
  while (S.heap_n > 0 && S.heap[0].due <= S.now) {
    struct timer t = timer_pop();
    fire(&t);
  }
}

/* ---- the clients ---------------------------------------------------------------------------- */

/* The next request of the connection's client becomes readable after a delay (in segments). */
static void send_request(int slot) {
  struct sconn *c = &S.conns[slot];
  int last = S.per_conn > 0 && c->left == 1;
  if (S.large) {
    c->req = last ? S.req_large_close : S.req_large;
    c->req_len = last ? S.req_large_close_len : S.req_large_len;
  } else {
    c->req = last ? S.req_small_close : S.req_small;
    c->req_len = last ? S.req_small_close_len : S.req_small_len;
  }
  c->req_off = 0;
  c->req_avail = 0;
  c->closing_sent = last;
  c->head_len = 0;
  c->in_body = 0;
  c->sum = 0;
  /* the first requests wait until every client could have connected (the server accepts one
     connection per scheduler round), so that the N connections are open before the load starts */
  uint64_t due = (S.now > S.ramp ? S.now : S.ramp) + delay();
  if (c->req_len > SEGMENT) {
    timer_add(due, EV_DATA, slot, c->gen, SEGMENT);
    timer_add(due + 1 + rnd() % 16, EV_DATA, slot, c->gen, (uint32_t) c->req_len);
  } else {
    timer_add(due, EV_DATA, slot, c->gen, (uint32_t) c->req_len);
  }
}

static void stop_server(void) {
  if (S.stopped) return;
  S.stopped = 1;
  clock_gettime(CLOCK_MONOTONIC, &S.t1);
  raise(SIGTERM); /* minihttpd's handler sets its stop flag */
}

static void response_done(int slot) {
  struct sconn *c = &S.conns[slot];
  S.responses++;
  int ok = c->status == 200 && (!S.large || (c->clen == LARGE_BODY && c->sum == S.large_sum));
  if (!ok) {
    if (S.errors++ < 5) {
      fprintf(stderr, "simnet: bad response: status %d, length %zu\n", c->status, c->clen);
    }
  }
  if (S.responses == S.warmup) {
    clock_gettime(CLOCK_MONOTONIC, &S.t0);
    S.started = 1;
  }
  if (S.responses >= S.requests) {
    stop_server();
  }
  c->left--;
  if (ok && !c->conn_close && (S.per_conn == 0 || c->left > 0)) {
    send_request(slot);
  } else { /* the client closes, and connects again */
    timer_add(S.now + 1, EV_PEER_CLOSE, slot, c->gen, 0);
    timer_add(S.now + delay(), EV_CONNECT, c->client, 0, 0);
    c->client = -1;
  }
}

/* A cheap checksum that reads every byte (as the kernel's copy would): bytes weighted by their
   position in the body modulo 8, so that split writes sum the same. */
static uint64_t checksum(const char *p, size_t n, size_t pos) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i++) sum += (uint64_t) (unsigned char) p[i] << (((pos + i) & 7) * 8);
  return sum;
}

/* The client reads the response bytes: head (status, Content-Length, Connection), then body. */
static void receive(int slot, const char *p, size_t n) {
  struct sconn *c = &S.conns[slot];
  while (n > 0) {
    if (!c->in_body) {
      if (c->head_len == sizeof c->head - 1) die("response head too long");
      c->head[c->head_len++] = *p++;
      n--;
      if (c->head_len >= 4 && memcmp(c->head + c->head_len - 4, "\r\n\r\n", 4) == 0) {
        c->head[c->head_len] = '\0';
        c->status = strncmp(c->head, "HTTP/1.1 ", 9) == 0 ? atoi(c->head + 9) : -1;
        const char *cl = strcasestr(c->head, "\r\nContent-Length: ");
        c->clen = cl != NULL ? strtoul(cl + 18, NULL, 10) : 0;
        c->conn_close = strcasestr(c->head, "\r\nConnection: close") != NULL;
        c->body_left = c->clen;
        c->in_body = 1;
        c->sum = 0;
        if (c->body_left == 0) response_done(slot);
      }
    } else {
      size_t k = n < c->body_left ? n : c->body_left;
      c->sum += checksum(p, k, c->clen - c->body_left);
      p += k;
      n -= k;
      c->body_left -= k;
      if (c->body_left == 0) {
        response_done(slot);
        if (n > 0) die("bytes after a response the client did not ask for");
      }
    }
  }
}

static struct sconn *conn_of(int fd) {
  int slot = fd - CONN_FD0;
  if (slot < 0 || slot >= S.n_slots || !S.conns[slot].in_use) return NULL;
  return &S.conns[slot];
}

/* ---- the system calls ----------------------------------------------------------------------- */

int sim_socket(int domain, int type, int protocol) {
  (void) domain, (void) type, (void) protocol;
  return LISTEN_FD;
}

int sim_bind(int fd, const struct sockaddr *addr, socklen_t len) {
  (void) fd, (void) addr, (void) len;
  return 0;
}

int sim_listen(int fd, int backlog) {
  (void) fd, (void) backlog;
  return 0;
}

int sim_getsockname(int fd, struct sockaddr *addr, socklen_t *len) {
  (void) fd, (void) addr, (void) len;
  return 0;
}

int sim_setsockopt(int fd, int level, int name, const void *val, socklen_t len) {
  if (fd < SIMNET_FD_BASE) return setsockopt(fd, level, name, val, len);
  return 0;
}

int sim_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  if (fd != LISTEN_FD) return accept4(fd, addr, len, flags);
  S.now++;
  fire_due();
  if (S.backlog_n == 0) {
    errno = EAGAIN;
    return -1;
  }
  int client = S.backlog[S.backlog_head];
  S.backlog_head = (S.backlog_head + 1) % S.backlog_cap;
  S.backlog_n--;
  if (S.n_free == 0) die("out of connection slots");
  int slot = S.free_slots[--S.n_free];
  struct sconn *c = &S.conns[slot];
  uint32_t gen = c->gen + 1;
  memset(c, 0, sizeof *c);
  c->gen = gen;
  c->in_use = 1;
  c->client = client;
  c->left = S.per_conn;
  S.accepts++;
  send_request(slot);
  return CONN_FD0 + slot;
}

ssize_t sim_read(int fd, void *buf, size_t n) {
  if (fd < SIMNET_FD_BASE) return read(fd, buf, n);
  struct sconn *c = conn_of(fd);
  if (c == NULL) {
    errno = EBADF;
    return -1;
  }
  S.now++;
  S.reads++;
  fire_due();
  if (c->req_off < c->req_avail) {
    size_t k = c->req_avail - c->req_off;
    if (k > n) k = n;
    memcpy(buf, c->req + c->req_off, k);
    c->req_off += k;
    return (ssize_t) k;
  }
  if (c->peer_closed) return 0;
  S.eagains++;
  errno = EAGAIN;
  return -1;
}

ssize_t sim_writev(int fd, const struct iovec *iov, int cnt) {
  if (fd < SIMNET_FD_BASE) return writev(fd, iov, cnt);
  struct sconn *c = conn_of(fd);
  if (c == NULL) {
    errno = EBADF;
    return -1;
  }
  S.now++;
  S.writes++;
  fire_due();
  if (c->wr_shut || c->client < 0) {
    errno = EPIPE;
    return -1;
  }
  ssize_t total = 0;
  int slot = (int) (c - S.conns);
  for (int i = 0; i < cnt; i++) {
    receive(slot, iov[i].iov_base, iov[i].iov_len);
    total += (ssize_t) iov[i].iov_len;
  }
  return total;
}

int sim_shutdown(int fd, int how) {
  if (fd < SIMNET_FD_BASE) return shutdown(fd, how);
  struct sconn *c = conn_of(fd);
  if (c == NULL) {
    errno = EBADF;
    return -1;
  }
  c->wr_shut = 1;
  return 0;
}

int sim_close(int fd) {
  if (fd < SIMNET_FD_BASE) return close(fd);
  if (fd == LISTEN_FD || fd == EPOLL_FD) return 0;
  struct sconn *c = conn_of(fd);
  if (c == NULL) {
    errno = EBADF;
    return -1;
  }
  if (c->client >= 0 && !S.stopped) { /* the server closed first: the client connects again */
    timer_add(S.now + delay(), EV_CONNECT, c->client, 0, 0);
  }
  c->in_use = 0;
  c->gen++;
  S.free_slots[S.n_free++] = (int) (c - S.conns);
  return 0;
}

int sim_epoll_create1(int flags) {
  (void) flags;
  return EPOLL_FD;
}

int sim_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev) {
  if (epfd != EPOLL_FD) return epoll_ctl(epfd, op, fd, ev);
  if (fd == LISTEN_FD) {
    S.listener_registered = op != EPOLL_CTL_DEL;
    if (ev != NULL) S.listener_data = ev->data;
    S.listener_armed = op != EPOLL_CTL_DEL && (ev->events & EPOLLIN) != 0;
    listener_event();
    return 0;
  }
  struct sconn *c = conn_of(fd);
  if (c == NULL) {
    errno = EBADF;
    return -1;
  }
  if (op == EPOLL_CTL_DEL) {
    c->registered = 0;
    return 0;
  }
  c->registered = 1;
  c->events = ev->events;
  c->ptr = ev->data.ptr;
  return 0;
}

int sim_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout) {
  if (epfd != EPOLL_FD) return epoll_wait(epfd, events, maxevents, timeout);
  S.waits++;
  if (S.started && !S.stopped) {
    S.open_sum += (uint64_t) (S.n_slots - S.n_free);
    S.backlog_sum += S.backlog_n;
    S.samples++;
  }
  fire_due();
  if (S.ready_n == 0 && timeout != 0) {
    if (S.heap_n == 0) {
      if (S.stopped) return 0;
      die("the server waits and no client has anything to send");
    }
    S.now = S.heap[0].due; /* idle: jump to the next event */
    S.jumps++;
    fire_due();
  }
  int n = 0;
  while (n < maxevents && S.ready_n > 0) {
    int slot = S.ready[S.ready_head];
    S.ready_head = (S.ready_head + 1) % S.ready_cap;
    S.ready_n--;
    if (slot < 0) {
      S.listener_in_ready = 0;
      S.listener_armed = 0; /* one-shot */
      events[n].events = EPOLLIN;
      events[n++].data = S.listener_data;
      continue;
    }
    struct sconn *c = &S.conns[slot];
    c->in_ready = 0;
    if (!c->in_use || !c->registered || c->pending == 0) continue;
    events[n].events = c->pending;
    events[n++].data.ptr = c->ptr;
    c->pending = 0;
  }
  return n;
}

/* ---- set-up and the report ------------------------------------------------------------------ */

static char *build_request(int large, int close_it, size_t *len) {
  char head[256];
  int n = large ? snprintf(head, sizeof head,
                           "POST /echo HTTP/1.1\r\nHost: bench\r\nUser-Agent: simnet\r\n"
                           "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n%s\r\n",
                           LARGE_BODY, close_it ? "Connection: close\r\n" : "")
                : snprintf(head, sizeof head, "GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: simnet\r\n%s\r\n",
                           close_it ? "Connection: close\r\n" : "");
  size_t body = large ? LARGE_BODY : 0;
  char *r = malloc((size_t) n + body);
  if (r == NULL) die("out of memory");
  memcpy(r, head, (size_t) n);
  for (size_t i = 0; i < body; i++) r[n + i] = (char) ('a' + (i * 7 + i / 61) % 26);
  *len = (size_t) n + body;
  return r;
}

static int usage(void) {
  fprintf(stderr,
          "usage: minihttpd-inproc [--sim-clients N] [--sim-requests R] [--sim-warmup W]\n"
          "         [--sim-size small|large] [--sim-rtt T] [--sim-per-conn P] [--sim-seed S]\n"
          "         [SERVER OPTIONS...]\n");
  return 2;
}

int main(int argc, char **argv) {
  S.clients = 64;
  S.requests = 200000;
  S.warmup = 0;
  S.rtt = 64;
  S.per_conn = 0;
  S.rng = 0x9e3779b97f4a7c15ull;
  char **rest = calloc((size_t) argc + 1, sizeof *rest);
  int n_rest = 0;
  rest[n_rest++] = argv[0];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--sim-", 6) != 0) {
      rest[n_rest++] = argv[i];
      continue;
    }
    if (i + 1 >= argc) return usage();
    const char *v = argv[++i];
    if (strcmp(a, "--sim-clients") == 0) S.clients = atoi(v);
    else if (strcmp(a, "--sim-requests") == 0) S.requests = strtoull(v, NULL, 10);
    else if (strcmp(a, "--sim-warmup") == 0) S.warmup = strtoull(v, NULL, 10);
    else if (strcmp(a, "--sim-rtt") == 0) S.rtt = atoi(v);
    else if (strcmp(a, "--sim-per-conn") == 0) S.per_conn = atoi(v);
    else if (strcmp(a, "--sim-seed") == 0) S.rng ^= strtoull(v, NULL, 10) * 0x2545f4914f6cdd1dull;
    else if (strcmp(a, "--sim-size") == 0) {
      if (strcmp(v, "large") == 0) S.large = 1;
      else if (strcmp(v, "small") != 0) return usage();
    } else return usage();
  }
  if (S.clients < 1 || S.rtt < 1 || S.per_conn < 0 || S.requests < 1) return usage();
  if (S.warmup == 0) S.warmup = 4ull * (unsigned long long) S.clients;
  S.ramp = 4ull * (unsigned long long) S.clients; /* ~2 ticks per accept */
  if (S.warmup >= S.requests) {
    fprintf(stderr, "simnet: --sim-warmup (%llu) must be below --sim-requests (%llu)\n", S.warmup,
            S.requests);
    return 2;
  }
  S.n_slots = 2 * S.clients + 2;
  S.conns = calloc((size_t) S.n_slots, sizeof *S.conns);
  S.free_slots = malloc((size_t) S.n_slots * sizeof *S.free_slots);
  S.ready_cap = (size_t) S.n_slots + 1;
  S.ready = malloc(S.ready_cap * sizeof *S.ready);
  S.backlog_cap = (size_t) S.clients;
  S.backlog = malloc(S.backlog_cap * sizeof *S.backlog);
  if (!S.conns || !S.free_slots || !S.ready || !S.backlog) die("out of memory");
  for (int i = S.n_slots - 1; i >= 0; i--) S.free_slots[S.n_free++] = i;
  S.req_small = build_request(0, 0, &S.req_small_len);
  S.req_small_close = build_request(0, 1, &S.req_small_close_len);
  S.req_large = build_request(1, 0, &S.req_large_len);
  S.req_large_close = build_request(1, 1, &S.req_large_close_len);
  S.large_sum = checksum(S.req_large + S.req_large_len - LARGE_BODY, LARGE_BODY, 0);
  for (int i = 0; i < S.clients; i++) {
    timer_add(delay(), EV_CONNECT, i, 0, 0); /* the clients arrive spread over one delay */
  }

  int status = minihttpd_main(n_rest, rest);

  if (!S.stopped) {
    fprintf(stderr, "simnet: the server stopped before %llu responses\n", S.requests);
    return 1;
  }
  double secs = (double) (S.t1.tv_sec - S.t0.tv_sec) + (double) (S.t1.tv_nsec - S.t0.tv_nsec) / 1e9;
  /* peak RSS: VmHWM of this image (ru_maxrss would keep the high-water mark of the parent that
     forked us before exec) */
  long hwm = -1;
  FILE *st = fopen("/proc/self/status", "r");
  if (st != NULL) {
    char line[256];
    while (fgets(line, sizeof line, st) != NULL) {
      if (sscanf(line, "VmHWM: %ld", &hwm) == 1) break;
    }
    fclose(st);
  }
  printf("inproc clients=%d size=%s responses=%llu warmup=%llu seconds=%.6f rps=%.1f maxrss_kb=%ld "
         "errors=%llu accepts=%llu reads=%llu eagains=%llu writes=%llu waits=%llu jumps=%llu "
         "ticks=%llu open_avg=%.1f backlog_avg=%.1f\n",
         S.clients, S.large ? "large" : "small", S.requests, S.warmup, secs,
         (double) (S.requests - S.warmup) / secs, hwm, S.errors, S.accepts, S.reads,
         S.eagains, S.writes, S.waits, S.jumps, (unsigned long long) S.now,
         S.samples ? (double) S.open_sum / (double) S.samples : 0.0,
         S.samples ? (double) S.backlog_sum / (double) S.samples : 0.0);
  fflush(stdout);
  return S.errors != 0 ? 1 : status;
}
