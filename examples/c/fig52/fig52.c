/*
 * fig52.c - thesis figure 5.2(a) written as an annotated C server.
 *
 * Five stages run for four tasks that start together under a round-robin scheduler (figure
 * 5.2(b)); all objects have the same size (section 5.1.3: "we assume that all objects are the same
 * size"). Stage 1 allocates O2, which stages 2 and 3 use; stage 2 allocates O1, which stage 3 uses;
 * so O1 and O2 are live together in stages 2 and 3 and n_O2 >= n_O1 (section 5.2.2). Stage 3
 * frees both, O1 first. Stages 4 and 5 are our reading of the rest of the figure: stage 4
 * allocates the reply O3 and a scratch object O4 that it frees before it ends, stage 5 sends O3
 * and frees it. The hand-derived facts are in EXPECTED.md; `make run` runs it, `make trace` traces it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broomstick.h"

#define TASKS 4
#define OBJECT_BYTES 64
#define MAX_QUEUED 64

struct task;
typedef void stage_fn(struct task *t);

/* A task: its next stage and the objects it holds between stages. */
struct task {
  int id;
  stage_fn *next;
  char *o1;
  char *o2;
  char *o3;
  unsigned sum;
};

/* The server interface (thesis figure 6.2). */
void *srv_alloc(size_t size) BROOMSTICK_MALLOC("size");
void srv_free(void *p) BROOMSTICK_FREE("ptr");
void queue_stage(struct task *t, stage_fn *stage) BROOMSTICK_QUEUE_STAGE("T", "S");
void run_scheduler(void) BROOMSTICK_SCHEDULER;
/* The scheduler's one dispatch point (figure 6.3's Schedule_Stage). Not annotated: it is part of
 * the scheduler, and the tracing shim (../trace) intercepts it to see each stage entry. */
void dispatch_stage(struct task *t, stage_fn *stage);

void *srv_alloc(size_t size) { return malloc(size); }
void srv_free(void *p) { free(p); }

static struct task *run_queue[MAX_QUEUED];
static int queue_head, queue_tail;

void queue_stage(struct task *t, stage_fn *stage) {
  t->next = stage;
  run_queue[queue_tail++ % MAX_QUEUED] = t;
}

static const char *const input[TASKS] = { "index.html", "about", "logo.png", "style.css" };
static int finished;

static void stage1(struct task *t);
static void stage2(struct task *t);
static void stage3(struct task *t);
static void stage4(struct task *t);
static void stage5(struct task *t);

/* Figure 5.2(b) as text: which task runs which stage, in scheduler order. */
static void show(const struct task *t, int stage, const char *holds) {
  printf("task %d stage %d holds %s\n", t->id, stage, holds);
}

static void stage1(struct task *t) {
  t->o2 = srv_alloc(OBJECT_BYTES);
  snprintf(t->o2, OBJECT_BYTES, "conn-%d", t->id);
  show(t, 1, "O2");
  queue_stage(t, stage2);
}

static void stage2(struct task *t) {
  t->o1 = srv_alloc(OBJECT_BYTES);
  snprintf(t->o1, OBJECT_BYTES, "%s:%s", t->o2, input[t->id]);
  show(t, 2, "O2 O1");
  queue_stage(t, stage3);
}

static void stage3(struct task *t) {
  t->sum = 0;
  for (const char *c = t->o1; *c != '\0'; c++) {
    t->sum = t->sum * 31 + (unsigned char) *c;
  }
  t->sum ^= (unsigned) strlen(t->o2);
  show(t, 3, "O2 O1");
  /* O1 goes first: a task never holds O1 without O2, which is what n_O2 >= n_O1 relies on */
  srv_free(t->o1);
  t->o1 = NULL;
  srv_free(t->o2);
  t->o2 = NULL;
  queue_stage(t, stage4);
}

static void stage4(struct task *t) {
  t->o3 = srv_alloc(OBJECT_BYTES);
  char *scratch = srv_alloc(OBJECT_BYTES);
  snprintf(scratch, OBJECT_BYTES, "%08x", t->sum);
  snprintf(t->o3, OBJECT_BYTES, "200 %s", scratch);
  show(t, 4, "O3 O4");
  srv_free(scratch);
  queue_stage(t, stage5);
}

static void stage5(struct task *t) {
  show(t, 5, "O3");
  printf("task %d: %s\n", t->id, t->o3);
  srv_free(t->o3);
  t->o3 = NULL;
  finished++;
}

void dispatch_stage(struct task *t, stage_fn *stage) { stage(t); }

/* Round robin: tasks run in the order their stages were queued. */
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
    queue_stage(&tasks[i], stage1);
  }
  run_scheduler();
  printf("%d tasks finished\n", finished);
  return finished == TASKS ? 0 : 1;
}
