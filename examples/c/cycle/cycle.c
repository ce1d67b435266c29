/*
 * cycle.c - a keep-alive server with an SCG cycle, a recursive parser and an error path.
 *
 * Requests arrive in chunks. read_request appends one chunk to the task's input buffer and
 * queues parse_request, which queues read_request again while the request line is incomplete:
 * the cycle read -> parse -> read of TUX's parse_request (thesis section 6.2.4). The input buffer
 * is allocated on the first pass only and kept over the cycle, so it carries stingy_count(1). A
 * complete request line gets a request object; its path is checked by a recursive descent, one
 * call per segment. A bad path takes the error path: free the request, queue close_conn, return;
 * on the normal path the request stays live into send_reply (the must-free case of SPEC 5.5).
 * send_reply loops back to read_request while the peer has more to send (keep-alive). The
 * hand-derived facts are in EXPECTED.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broomstick.h"

#define TASKS 4
#define MAX_QUEUED 64
#define MAX_CHUNKS 4
#define MAX_SEGMENTS 6
#define IN_BYTES 256
#define REPLY_BYTES 160

struct task;
typedef void stage_fn(struct task *t);

struct conn {
  int fd;
  int requests;
};

struct request {
  char method[8];
  char path[96];
  int segments;
};

struct task {
  int id;
  stage_fn *next;
  struct conn *conn;
  char *in;
  struct request *req;
  int chunk;
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
static void read_request(struct task *t);
static void parse_request(struct task *t);
static void send_reply(struct task *t);
static void close_conn(struct task *t);

/* The in-memory network: what each peer sends, chunk by chunk, one request a line. */
static const char *const chunks[TASKS][MAX_CHUNKS] = {
  { "GET /index", ".html\n", "GET /a/b\n", NULL },
  { "GET /x/y/z\n", NULL },
  { "GET /a/../etc/passwd\n", NULL },
  { "GET /", "img/", "logo.png\n", NULL },
};

static int closed;

/*
 * The number of segments of a path, one call per segment; -1 for an empty or ".." segment or
 * more than MAX_SEGMENTS, which also bounds the recursion.
 */
BROOMSTICK_STINGY_COUNT(MAX_SEGMENTS + 1) static int parse_path(const char *p, int depth) {
  if (*p == '\0') {
    return depth;
  }
  if (*p != '/' || depth == MAX_SEGMENTS) {
    return -1;
  }
  const char *end = strchr(p + 1, '/');
  size_t length = end != NULL ? (size_t) (end - (p + 1)) : strlen(p + 1);
  if (length == 0 || (length == 2 && strncmp(p + 1, "..", 2) == 0)) {
    return -1;
  }
  return parse_path(p + 1 + length, depth + 1);
}

static void accept_conn(struct task *t) {
  t->conn = srv_alloc(sizeof(struct conn));
  t->conn->fd = 100 + t->id;
  t->conn->requests = 0;
  queue_stage(t, read_request);
}

static void read_request(struct task *t) {
  if (t->in == NULL) {
    /* only the first pass allocates; later passes of the cycle reuse the buffer */
    char *in BROOMSTICK_STINGY_COUNT(1) = srv_alloc(IN_BYTES);
    in[0] = '\0';
    t->in = in;
  }
  const char *chunk = chunks[t->id][t->chunk++];
  strncat(t->in, chunk, IN_BYTES - strlen(t->in) - 1);
  queue_stage(t, parse_request);
}

static void parse_request(struct task *t) {
  char *eol = strchr(t->in, '\n');
  if (eol == NULL) {
    /* incomplete: read more and parse again */
    queue_stage(t, read_request);
    return;
  }
  *eol = '\0';
  t->req = srv_alloc(sizeof(struct request));
  int fields = sscanf(t->in, "%7s %95s", t->req->method, t->req->path);
  memmove(t->in, eol + 1, strlen(eol + 1) + 1);
  t->req->segments = fields == 2 ? parse_path(t->req->path, 0) : -1;
  if (t->req->segments < 0) {
    /* error path: release the request, close the connection, return */
    printf("task %d: 400 %s\n", t->id, t->req->path);
    srv_free(t->req);
    t->req = NULL;
    queue_stage(t, close_conn);
    return;
  }
  queue_stage(t, send_reply);
}

static void send_reply(struct task *t) {
  char *reply BROOMSTICK_STINGY_COUNT(1) = srv_alloc(REPLY_BYTES);
  snprintf(reply, REPLY_BYTES, "200 %s (%d segments)", t->req->path, t->req->segments);
  printf("task %d: %s\n", t->id, reply);
  srv_free(reply);
  srv_free(t->req);
  t->req = NULL;
  t->conn->requests++;
  if (chunks[t->id][t->chunk] != NULL) {
    /* keep-alive: the peer has another request */
    queue_stage(t, read_request);
    return;
  }
  queue_stage(t, close_conn);
}

static void close_conn(struct task *t) {
  printf("task %d: closed after %d replies\n", t->id, t->conn->requests);
  srv_free(t->in);
  t->in = NULL;
  srv_free(t->conn);
  t->conn = NULL;
  closed++;
}

void dispatch_stage(struct task *t, stage_fn *stage) { stage(t); }

/* Round robin over the queued stages. */
void run_scheduler(void) {
  while (queue_head < queue_tail) {
    struct task *t = run_queue[queue_head++ % MAX_QUEUED];
    dispatch_stage(t, t->next);
  }
}

int main(void) {
  static struct task tasks[TASKS];
  for (int i = 0; i < TASKS; i++) {
    tasks[i].id = i;
    queue_stage(&tasks[i], accept_conn);
  }
  run_scheduler();
  printf("%d connections closed\n", closed);
  return closed == TASKS ? 0 : 1;
}
