/*
 * pipeline.c - a small staged, event-driven server, annotated for Broomstick.
 *
 * It follows the shape of thesis figure 5.2: five stages run per task by a round-robin scheduler;
 * the first stage allocates the task's connection object (O2), which lives through stage 3; the
 * second allocates a request buffer (O1), freed in the third; the reply (O3) is allocated in the
 * third stage and freed in the fourth; the fifth closes the task. Requests come from an in-memory
 * stream so the program runs anywhere: `make run`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broomstick.h"

#define MAX_TASKS 64
#define REQUEST_BYTES 256
#define REPLY_BYTES 512

struct task;
typedef void stage_fn(struct task *t);

/* A task: the continuation of one request (its next stage and its context). */
struct task {
  int id;
  stage_fn *next;
  struct conn *conn;
  char *request;
  char *reply;
};

struct conn {
  int fd;
  int keep_alive;
  char peer[32];
};

/* The server interface: allocation, release and queueing of stages. */
void *srv_alloc(size_t size) BROOMSTICK_MALLOC("size");
void srv_free(void *p) BROOMSTICK_FREE("ptr");
void queue_stage(struct task *t, stage_fn *stage) BROOMSTICK_QUEUE_STAGE("T", "S");
void run_scheduler(void) BROOMSTICK_SCHEDULER;

void *srv_alloc(size_t size) { return malloc(size); }
void srv_free(void *p) { free(p); }

static struct task *run_queue[MAX_TASKS];
static int queue_head, queue_tail;

void queue_stage(struct task *t, stage_fn *stage) {
  t->next = stage;
  run_queue[queue_tail++ % MAX_TASKS] = t;
}

/* Stages. */
static void accept_conn(struct task *t);
static void read_request(struct task *t);
static void handle_request(struct task *t);
static void send_reply(struct task *t);
static void close_conn(struct task *t);

/* Request handlers, chosen by the first byte of the request: a handler table of function pointers. */
struct handler {
  char method;
  int (*respond)(const char *request, char *reply, size_t room);
};

static int respond_get(const char *request, char *reply, size_t room) {
  return snprintf(reply, room, "200 OK %s", request + 1);
}

static int respond_head(const char *request, char *reply, size_t room) {
  (void) request;
  return snprintf(reply, room, "200 OK");
}

static int respond_bad(const char *request, char *reply, size_t room) {
  return snprintf(reply, room, "400 bad request '%c'", request[0]);
}

static const struct handler handlers[] = {
  { 'G', respond_get },
  { .method = 'H', .respond = respond_head },
};

static const char *const stream[] = { "Gindex.html", "Habout", "Xjunk", "Gimg.png" };
static int next_request;
static int completed;

static void accept_conn(struct task *t) {
  struct conn *c = srv_alloc(sizeof(struct conn));
  c->fd = t->id;
  c->keep_alive = 0;
  snprintf(c->peer, sizeof c->peer, "peer-%d", t->id);
  t->conn = c;
  queue_stage(t, read_request);
}

static void read_request(struct task *t) {
  t->request = srv_alloc(REQUEST_BYTES);
  snprintf(t->request, REQUEST_BYTES, "%s", stream[next_request++ % 4]);
  queue_stage(t, handle_request);
}

static void handle_request(struct task *t) {
  int (*respond)(const char *, char *, size_t) = respond_bad;
  for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
    if (handlers[i].method == t->request[0]) {
      respond = handlers[i].respond;
    }
  }
  t->reply = srv_alloc(REPLY_BYTES);
  if (respond(t->request, t->reply, REPLY_BYTES) < 0) {
    /* error path: release what the task holds and close it */
    srv_free(t->request);
    t->request = NULL;
    close_conn(t);
    return;
  }
  srv_free(t->request);
  t->request = NULL;
  queue_stage(t, send_reply);
}

static void send_reply(struct task *t) {
  printf("task %d (%s): %s\n", t->id, t->conn->peer, t->reply);
  srv_free(t->reply);
  t->reply = NULL;
  queue_stage(t, close_conn);
}

static void close_conn(struct task *t) {
  if (t->reply != NULL) {
    srv_free(t->reply);
  }
  srv_free(t->conn);
  t->conn = NULL;
  completed++;
}

void run_scheduler(void) {
  while (queue_head < queue_tail) {
    struct task *t = run_queue[queue_head++ % MAX_TASKS];
    t->next(t);
  }
}

int main(void) {
  static struct task tasks[8];
  for (int i = 0; i < 8; i++) {
    tasks[i].id = i;
    queue_stage(&tasks[i], accept_conn);
  }
  run_scheduler();
  printf("%d tasks completed\n", completed);
  return completed == 8 ? 0 : 1;
}
