/*
 * handlers.c - protocol handler tables reached through struct-field function pointers.
 *
 * Each connection picks a protocol table by its port (struct proto_ops, as TUX does per protocol,
 * thesis section 7.4.1); accept_conn queues the table's read stage through a field load,
 * queue_stage(t, t->ops->on_read). A read stage hands its write stage to the event loop by a store
 * into a stage field (conn.on_writable, like ae's rfileProc), not by a call of queue_stage. The
 * connection object is allocated in the first stage and freed only in close_conn, three stages
 * later; close_conn is both queued and, on echo's "peer sent nothing" path, called directly, so it
 * has a call copy inside echo_read's stage. A statistics block is allocated once, lazily, and never
 * freed: the one global object. The discard protocol is in the table but no input uses it. The
 * hand-derived facts are in EXPECTED.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broomstick.h"

#define TASKS 5
#define MAX_QUEUED 64
#define REQUEST_BYTES 128
#define RESPONSE_BYTES 256
#define ECHO_BYTES 96
#define WANT_WRITE 1

struct task;
typedef void stage_fn(struct task *t);

/* A protocol: its port and the stage that reads its requests. */
struct proto_ops {
  const char *name;
  int port;
  stage_fn *on_read;
};

/* A connection: what the event loop watches. Storing a stage in on_writable queues it. */
struct conn {
  int port;
  int mask;
  stage_fn *on_writable BROOMSTICK_STAGE_FIELD;
  char peer[24];
};

struct task {
  int id;
  stage_fn *next;
  const struct proto_ops *ops;
  struct conn *conn;
  char *response;
  char *echo;
};

struct stats {
  int closed;
  int bytes;
};

/* The server interface (thesis figure 6.2). */
void *srv_alloc(size_t size) BROOMSTICK_MALLOC("size");
void srv_free(void *p) BROOMSTICK_FREE("ptr");
void queue_stage(struct task *t, stage_fn *stage) BROOMSTICK_QUEUE_STAGE("T", "S");
void run_scheduler(void) BROOMSTICK_SCHEDULER;
/* The scheduler's one dispatch point; not annotated, the tracer (../trace) intercepts it. */
void dispatch_stage(struct task *t, stage_fn *stage);

void *srv_alloc(size_t size) { return malloc(size); }
void srv_free(void *p) { free(p); }

static struct task *run_queue[MAX_QUEUED];
static int queue_head, queue_tail;

void queue_stage(struct task *t, stage_fn *stage) {
  t->next = stage;
  run_queue[queue_tail++ % MAX_QUEUED] = t;
}

static void accept_conn(struct task *t);
static void http_read(struct task *t);
static void http_write(struct task *t);
static void echo_read(struct task *t);
static void echo_write(struct task *t);
static void discard_read(struct task *t);
static void close_conn(struct task *t);

static const struct proto_ops protocols[] = {
  { "http", 80, http_read },
  { .name = "echo", .port = 7, .on_read = echo_read },
  { .name = "discard", .port = 9, .on_read = discard_read },
};

/* The in-memory network: each task's port and what its peer sends. */
static const int ports[TASKS] = { 80, 7, 7, 80, 80 };
static const char *const input[TASKS] = { "GET /index.html", "", "hello", "GET /missing", "HEAD /" };

static struct stats *stats;

static void accept_conn(struct task *t) {
  struct conn *c = srv_alloc(sizeof(struct conn));
  memset(c, 0, sizeof *c);
  c->port = ports[t->id];
  snprintf(c->peer, sizeof c->peer, "peer-%d", t->id);
  t->conn = c;
  t->ops = &protocols[0];
  for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++) {
    if (protocols[i].port == c->port) {
      t->ops = &protocols[i];
    }
  }
  queue_stage(t, t->ops->on_read);
}

static void http_read(struct task *t) {
  char *request = srv_alloc(REQUEST_BYTES);
  snprintf(request, REQUEST_BYTES, "%s", input[t->id]);
  t->response = srv_alloc(RESPONSE_BYTES);
  int found = strcmp(request, "GET /missing") != 0;
  snprintf(t->response, RESPONSE_BYTES, "%s %s", found ? "200 OK" : "404 Not Found", request);
  srv_free(request);
  t->conn->on_writable = http_write;
  t->conn->mask |= WANT_WRITE;
}

static void http_write(struct task *t) {
  printf("%s %s: %s\n", t->ops->name, t->conn->peer, t->response);
  srv_free(t->response);
  t->response = NULL;
  queue_stage(t, close_conn);
}

static void echo_read(struct task *t) {
  const char *line = input[t->id];
  if (line[0] == '\0') {
    /* the peer sent nothing: close now, in this stage (a call, not an event) */
    close_conn(t);
    return;
  }
  t->echo = srv_alloc(ECHO_BYTES);
  snprintf(t->echo, ECHO_BYTES, "%s", line);
  t->conn->on_writable = echo_write;
  t->conn->mask |= WANT_WRITE;
}

static void echo_write(struct task *t) {
  printf("%s %s: %s\n", t->ops->name, t->conn->peer, t->echo);
  srv_free(t->echo);
  t->echo = NULL;
  queue_stage(t, close_conn);
}

static void discard_read(struct task *t) {
  queue_stage(t, close_conn);
}

static void close_conn(struct task *t) {
  if (stats == NULL) {
    stats = srv_alloc(sizeof(struct stats));
    memset(stats, 0, sizeof *stats);
  }
  stats->closed++;
  stats->bytes += (int) strlen(input[t->id]);
  printf("%s %s: closed\n", t->ops->name, t->conn->peer);
  srv_free(t->conn);
  t->conn = NULL;
}

void dispatch_stage(struct task *t, stage_fn *stage) { stage(t); }

static struct task tasks[TASKS];

/* Runs queued stages first, then the stages that became ready by a stage-field store. */
void run_scheduler(void) {
  int ran = 1;
  while (ran) {
    ran = 0;
    while (queue_head < queue_tail) {
      struct task *t = run_queue[queue_head++ % MAX_QUEUED];
      dispatch_stage(t, t->next);
      ran = 1;
    }
    for (int i = 0; i < TASKS; i++) {
      struct conn *c = tasks[i].conn;
      if (c != NULL && (c->mask & WANT_WRITE)) {
        c->mask &= ~WANT_WRITE;
        dispatch_stage(&tasks[i], c->on_writable);
        ran = 1;
      }
    }
  }
}

int main(void) {
  for (int i = 0; i < TASKS; i++) {
    tasks[i].id = i;
    queue_stage(&tasks[i], accept_conn);
  }
  run_scheduler();
  int closed = stats != NULL ? stats->closed : 0;
  printf("%d connections closed, %d bytes\n", closed, stats != NULL ? stats->bytes : 0);
  return closed == TASKS ? 0 : 1;
}
