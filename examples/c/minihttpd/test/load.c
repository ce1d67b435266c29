/*
 * load.c - a load driver and end-to-end check for minihttpd.
 *
 *   load --port P [--clients 64] [--requests 60] [--root DIR] [--out DIR] [--timeout 20]
 *
 * Runs CLIENTS concurrent keep-alive clients (one thread each) on 127.0.0.1, each sending a fixed,
 * seeded sequence of REQUESTS requests: GET /, GET and HEAD of files under /files/, POST /echo with
 * bodies of 0 to 20000 bytes, pipelined pairs (two requests in one write), 404s, refused paths
 * (403), "Connection: close" requests, and malformed requests that must get 400 with "Connection:
 * close" followed by the end of the connection (the client then reconnects). Every response is
 * checked (status, framing, echoed body, file contents when --root is given) and written byte for
 * byte to DIR/client-NN (so that two servers can be compared with cmp). The sequence of a client
 * does not depend on timing, so the files do not either.
 *
 * Exit status: 0 when every response was as expected, 1 otherwise (the first problems are printed),
 * 2 on a usage error. Every socket has SO_RCVTIMEO/SO_SNDTIMEO and the whole run an alarm().
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int port, n_clients = 64, n_requests = 60, timeout_s = 20;
static const char *root, *out_dir;
static char *file_hello, *file_big;
static size_t hello_len, big_len;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int failures;
static unsigned long long total_requests, total_responses, total_bytes, total_connections;

struct client {
  int id, fd;
  uint64_t rng;
  FILE *out;
  char buf[65536];
  size_t len; /* unread bytes in buf */
  int sent;   /* requests sent */
  int failed;
  unsigned long long responses, bytes, connections;
};

static void fail(struct client *c, const char *fmt, ...) {
  pthread_mutex_lock(&lock);
  if (failures++ < 20) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "load: client %d, request %d: ", c->id, c->sent);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
  }
  pthread_mutex_unlock(&lock);
  c->failed = 1;
}

static uint32_t next_rand(struct client *c) {
  c->rng = c->rng * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t) (c->rng >> 33);
}

static int connect_to_server(struct client *c) {
  if (c->fd >= 0) {
    close(c->fd);
  }
  c->len = 0;
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (c->fd < 0) {
    fail(c, "socket: %s", strerror(errno));
    return -1;
  }
  struct timeval tv = {.tv_sec = timeout_s};
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(c->fd, (struct sockaddr *) &a, sizeof a) < 0) {
    fail(c, "connect: %s", strerror(errno));
    return -1;
  }
  c->connections++;
  return 0;
}

static int send_all(struct client *c, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail(c, "send: %s", strerror(errno));
      return -1;
    }
    p += w;
    n -= (size_t) w;
  }
  return 0;
}

/* Reads more into the buffer: >0 bytes, 0 at the end of the connection, -1 on error or timeout. */
static ssize_t fill(struct client *c) {
  if (c->len == sizeof c->buf) {
    return -1;
  }
  for (;;) {
    ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n > 0) {
      c->len += (size_t) n;
    }
    return n;
  }
}

struct expect {
  int status;
  int head;             /* HEAD: no body follows */
  int closes;           /* the server must close after the response */
  const char *body;     /* expected body, or NULL: not checked */
  size_t body_len;
};

/* Reads one response, checks it and writes it to the client's file; 0 if as expected. */
static int read_response(struct client *c, const struct expect *e) {
  char *end;
  while ((end = memmem(c->buf, c->len, "\r\n\r\n", 4)) == NULL) {
    ssize_t n = fill(c);
    if (n <= 0) {
      fail(c, "no response head (%s, expected %d)", n == 0 ? "connection closed" : strerror(errno),
           e->status);
      return -1;
    }
  }
  size_t head_len = (size_t) (end - c->buf) + 4;
  int status = 0;
  if (sscanf(c->buf, "HTTP/1.1 %d ", &status) != 1 || status != e->status) {
    fail(c, "status %d, expected %d", status, e->status);
    return -1;
  }
  char head[4096];
  size_t hl = head_len < sizeof head ? head_len : sizeof head - 1;
  memcpy(head, c->buf, hl);
  head[hl] = '\0';
  char *cl = strcasestr(head, "\r\nContent-Length: ");
  if (cl == NULL) {
    fail(c, "no Content-Length");
    return -1;
  }
  size_t body_len = strtoul(cl + 18, NULL, 10);
  int closes = strcasestr(head, "\r\nConnection: close\r\n") != NULL;
  if (closes != e->closes) {
    fail(c, "Connection: close %s", closes ? "unexpected" : "missing");
    return -1;
  }
  size_t want = head_len + (e->head ? 0 : body_len);
  if (want > sizeof c->buf) {
    fail(c, "response of %zu bytes too large for the driver", want);
    return -1;
  }
  while (c->len < want) {
    ssize_t n = fill(c);
    if (n <= 0) {
      fail(c, "short body (%zu of %zu bytes)", c->len - head_len, body_len);
      return -1;
    }
  }
  if (e->body != NULL) {
    if (body_len != e->body_len || (!e->head && memcmp(c->buf + head_len, e->body, body_len) != 0)) {
      fail(c, "unexpected body (%zu bytes, expected %zu)", body_len, e->body_len);
      return -1;
    }
  }
  fwrite(c->buf, 1, want, c->out);
  c->responses++;
  c->bytes += want;
  memmove(c->buf, c->buf + want, c->len - want);
  c->len -= want;
  if (e->closes) {
    /* nothing may follow: the server closes */
    ssize_t n = c->len > 0 ? 1 : fill(c);
    if (n != 0) {
      fail(c, "the connection stayed open after a closing response");
      return -1;
    }
    if (connect_to_server(c) < 0) {
      return -1;
    }
  }
  return 0;
}

static const char *const malformed[] = {
    "GET / HTTP/1.1\r\nHost x\r\n\r\n",                              /* header without a colon */
    "GET /\r\n\r\n",                                                  /* no version */
    "GET / HTTP/1.1\r\n\r\n",                                         /* HTTP/1.1 without Host */
    "GARBAGE\r\n\r\n",                                                /* not a request line */
    "GET / HTTP/2.0\r\nHost: x\r\n\r\n",                              /* unknown version */
    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n",   /* bad Content-Length */
    "GET / HTTP/1.1\r\nHost: x\r\n folded: value\r\n\r\n",           /* obs-fold */
    "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",                             /* two spaces */
};
#define N_MALFORMED (sizeof malformed / sizeof malformed[0])

static char echo_data[20000 + 100]; /* bodies start at an offset below 100 */

static int one_request(struct client *c, char *req, size_t cap) {
  uint32_t r = next_rand(c) % 100;
  struct expect e = {.status = 200};
  int n;
  if (r < 20) {
    n = snprintf(req, cap, "GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: load\r\n\r\n");
  } else if (r < 32) {
    n = snprintf(req, cap, "GET /files/hello.txt?v=%u HTTP/1.1\r\nHost: localhost\r\n\r\n", r);
    e.body = file_hello, e.body_len = hello_len;
  } else if (r < 40) {
    n = snprintf(req, cap, "GET /files/big.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
    e.body = file_big, e.body_len = big_len;
  } else if (r < 44) {
    n = snprintf(req, cap, "HEAD /files/big.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
    e.head = 1, e.body = file_big, e.body_len = big_len;
  } else if (r < 58) {
    static const size_t sizes[] = {0, 1, 100, 1000, 4000, 4096, 4097, 6000, 20000};
    size_t len = sizes[next_rand(c) % (sizeof sizes / sizeof sizes[0])];
    size_t off = next_rand(c) % 100;
    n = snprintf(req, cap, "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: %zu\r\n\r\n",
                 len);
    if (send_all(c, req, (size_t) n) < 0 || send_all(c, echo_data + off, len) < 0) {
      return -1;
    }
    e.body = echo_data + off, e.body_len = len;
    c->sent++;
    return read_response(c, &e);
  } else if (r < 68) {
    /* a pipelined pair in one write */
    n = snprintf(req, cap,
                 "GET /files/hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
                 "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello");
    if (send_all(c, req, (size_t) n) < 0) {
      return -1;
    }
    c->sent += 2;
    struct expect e1 = {.status = 200, .body = file_hello, .body_len = hello_len};
    struct expect e2 = {.status = 200, .body = "hello", .body_len = 5};
    return read_response(c, &e1) < 0 ? -1 : read_response(c, &e2);
  } else if (r < 78) {
    n = snprintf(req, cap, "GET /nothing/%d/%u HTTP/1.1\r\nHost: localhost\r\n\r\n", c->sent, r);
    e.status = 404;
  } else if (r < 82) {
    static const char *const refused[] = {"/files/../minihttpd.c", "/files/.hidden",
                                          "/files/a%2f..%2fb", "/files//etc/passwd"};
    n = snprintf(req, cap, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", refused[r % 4]);
    e.status = 403;
  } else if (r < 86) {
    n = snprintf(req, cap, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    e.closes = 1;
  } else if (r < 90) {
    n = snprintf(req, cap, "GET /stats HTTP/1.0\r\n\r\n"); /* HTTP/1.0: closes; body not compared */
    e.closes = 1;
    e.head = 0;
    /* the counters depend on timing: read it, but keep only the status line in the file */
    if (send_all(c, req, (size_t) n) < 0) {
      return -1;
    }
    c->sent++;
    FILE *keep = c->out;
    c->out = fopen("/dev/null", "w");
    int rc = read_response(c, &e);
    fclose(c->out);
    c->out = keep;
    fputs("[stats response]\n", c->out);
    return rc;
  } else if (r < 94) {
    n = snprintf(req, cap, "DELETE /echo HTTP/1.1\r\nHost: localhost\r\n\r\n");
    e.status = 405;
  } else {
    n = snprintf(req, cap, "%s", malformed[next_rand(c) % N_MALFORMED]);
    e.status = 400;
    e.closes = 1;
  }
  if (send_all(c, req, (size_t) n) < 0) {
    return -1;
  }
  c->sent++;
  return read_response(c, &e);
}

static void *run_client(void *arg) {
  struct client *c = arg;
  char req[1024];
  if (connect_to_server(c) == 0) {
    while (c->sent < n_requests && !c->failed) {
      if (one_request(c, req, sizeof req) < 0) {
        break;
      }
    }
  }
  if (c->fd >= 0) {
    close(c->fd);
  }
  pthread_mutex_lock(&lock);
  total_requests += (unsigned long long) c->sent;
  total_responses += c->responses;
  total_bytes += c->bytes;
  total_connections += c->connections;
  pthread_mutex_unlock(&lock);
  return NULL;
}

static char *slurp(const char *dir, const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    exit(2);
  }
  char *p = malloc(1 << 20);
  *len = fread(p, 1, 1 << 20, f);
  fclose(f);
  return p;
}

static void on_alarm(int sig) {
  (void) sig;
  static const char msg[] = "load: timed out\n";
  ssize_t ignored = write(2, msg, sizeof msg - 1);
  (void) ignored;
  _exit(1);
}

int main(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--port") == 0) {
      port = atoi(argv[i + 1]);
    } else if (strcmp(argv[i], "--clients") == 0) {
      n_clients = atoi(argv[i + 1]);
    } else if (strcmp(argv[i], "--requests") == 0) {
      n_requests = atoi(argv[i + 1]);
    } else if (strcmp(argv[i], "--root") == 0) {
      root = argv[i + 1];
    } else if (strcmp(argv[i], "--out") == 0) {
      out_dir = argv[i + 1];
    } else if (strcmp(argv[i], "--timeout") == 0) {
      timeout_s = atoi(argv[i + 1]);
    } else {
      fprintf(stderr, "load: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (port <= 0 || n_clients <= 0 || n_requests <= 0 || (argc % 2) != 1) {
    fprintf(stderr, "usage: load --port P [--clients 64] [--requests 60] [--root DIR] [--out DIR] "
                    "[--timeout S]\n");
    return 2;
  }
  if (root != NULL) {
    file_hello = slurp(root, "hello.txt", &hello_len);
    file_big = slurp(root, "big.txt", &big_len);
  }
  for (size_t i = 0; i < sizeof echo_data; i++) {
    echo_data[i] = (char) ('a' + (i * 7 + i / 26) % 26);
  }
  signal(SIGALRM, on_alarm);
  alarm((unsigned) timeout_s * 3);
  if (out_dir != NULL) {
    mkdir(out_dir, 0777);
  }
  struct client *clients = calloc((size_t) n_clients, sizeof *clients);
  pthread_t *threads = calloc((size_t) n_clients, sizeof *threads);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < n_clients; i++) {
    struct client *c = &clients[i];
    c->id = i;
    c->fd = -1;
    c->rng = 0x9e3779b97f4a7c15ull * (uint64_t) (i + 1);
    char path[4096];
    snprintf(path, sizeof path, "%s/client-%02d", out_dir != NULL ? out_dir : ".", i);
    c->out = fopen(out_dir != NULL ? path : "/dev/null", "wb");
    if (c->out == NULL) {
      perror(path);
      return 2;
    }
    if (pthread_create(&threads[i], NULL, run_client, c) != 0) {
      fprintf(stderr, "load: pthread_create failed\n");
      return 2;
    }
  }
  for (int i = 0; i < n_clients; i++) {
    pthread_join(threads[i], NULL);
    fclose(clients[i].out);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("load: %d clients, %llu requests, %llu responses, %llu connections, %llu bytes in %.3f s "
         "(%.0f responses/s); %s\n",
         n_clients, total_requests, total_responses, total_connections, total_bytes, secs,
         (double) total_responses / secs, failures ? "FAILED" : "all as expected");
  return failures ? 1 : 0;
}
