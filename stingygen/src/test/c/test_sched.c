/*
 * Tests of the scheduler helper (stingy_sched, thesis 7.4.5) on the hand-made configuration:
 * the priority classes one by one, then a mock staged server (accept -> parse -> body -> send)
 * driven by the helper and, for comparison, by TUX's original loop (accept everything first,
 * then advance every active request), with the same seeded arrivals.
 *
 *   test_sched [SEED]
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "stingy_config.h"
#include "stingy_sched.h"

static struct stingy_heap *fresh_heap(void) {
  struct stingy_heap *h = stingy_heap_create(&stingy_config, STINGY_NO_HUGETLB | STINGY_NO_THP);
  CHECK(h != NULL);
  return h;
}

static void test_nothing_queued_elects_nothing(void) {
  struct stingy_heap *h = fresh_heap();
  struct stingy_sched *s = stingy_sched_create(h, 0);
  uint32_t batch = 99;
  CHECK_EQ(stingy_sched_elect(s, &batch), -1);
  CHECK_EQ(batch, 0);
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_NONE);
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
}

/* An entry stage whose objects are used up is never elected: new work waits (admission). */
static void test_entry_stage_waits_for_memory(void) {
  struct stingy_heap *h = fresh_heap();
  struct stingy_sched *s = stingy_sched_create(h, 2);
  void *r[4];
  for (int i = 0; i < 4; i++) r[i] = stingy_heap_alloc(h, OBJ_REQ);
  stingy_sched_enqueued(s, STAGE_ACCEPT, 5);
  uint32_t batch;
  for (int i = 0; i < 10; i++) CHECK_EQ(stingy_sched_elect(s, &batch), -1); /* aging no help */
  stingy_sched_enqueued(s, STAGE_SEND, 1);
  for (int i = 0; i < 5; i++) CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_SEND);
  stingy_sched_dequeued(s, STAGE_SEND, 1);
  stingy_heap_free(h, r[0]);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_ACCEPT);
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_MEDIUM); /* did not age while closed */
  CHECK_EQ(batch, 1); /* one REQ available: a batch of one */
  for (int i = 1; i < 4; i++) stingy_heap_free(h, r[i]);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_ACCEPT);
  CHECK_EQ(batch, 4); /* min(5 queued, 4 available) */
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
}

/* (i) maximal flow: a stage holding cap tasks goes first. */
static void test_maximal_flow_first(void) {
  struct stingy_heap *h = fresh_heap();
  struct stingy_sched *s = stingy_sched_create(h, 0);
  uint32_t batch;
  stingy_sched_enqueued(s, STAGE_ACCEPT, 3);
  stingy_sched_enqueued(s, STAGE_PARSE, 3); /* cap 4: not yet */
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_ACCEPT); /* medium: 3 * 4 beats 3 * 3 */
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_MEDIUM);
  stingy_sched_enqueued(s, STAGE_PARSE, 1); /* now 4 = cap */
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE);
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_HIGH);
  CHECK_EQ(batch, 2); /* HDR's n_O is 2 */
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
}

/* (iii) medium: queued * (max_rank + 1 - rank) favours tasks early in their treatment. */
static void test_medium_weights_favour_early_stages(void) {
  struct stingy_heap *h = fresh_heap();
  struct stingy_sched *s = stingy_sched_create(h, 0);
  uint32_t batch;
  stingy_sched_enqueued(s, STAGE_ACCEPT, 1); /* 1 * 4 = 4 */
  stingy_sched_enqueued(s, STAGE_BODY, 2);   /* 2 * 2 = 4: tie, lower stage id */
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_ACCEPT);
  stingy_sched_enqueued(s, STAGE_BODY, 1); /* 3 * 2 = 6 */
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_BODY);
  CHECK_EQ(batch, 3);
  stingy_sched_dequeued(s, STAGE_BODY, 3);
  stingy_sched_enqueued(s, STAGE_SEND, 2); /* allocates nothing: 2 * 1 */
  stingy_sched_dequeued(s, STAGE_ACCEPT, 1);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_SEND);
  CHECK_EQ(batch, 2); /* the whole queue: no memory to wait for */
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
}

/* (ii) insufficient memory: last, one task at a time, but never stuck. */
static void test_low_class_runs_only_when_nothing_else_can(void) {
  struct stingy_heap *h = fresh_heap();
  struct stingy_sched *s = stingy_sched_create(h, 0);
  uint32_t batch;
  void *b[3];
  for (int i = 0; i < 3; i++) b[i] = stingy_heap_alloc(h, OBJ_BODY); /* region 1 full */
  stingy_sched_enqueued(s, STAGE_PARSE, 4);
  stingy_sched_enqueued(s, STAGE_BODY, 1);
  stingy_sched_enqueued(s, STAGE_ACCEPT, 1);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_ACCEPT);
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_MEDIUM);
  stingy_sched_dequeued(s, STAGE_ACCEPT, 1);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_BODY); /* low: the later stage first */
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_LOW);
  CHECK_EQ(batch, 1);
  stingy_sched_dequeued(s, STAGE_BODY, 1);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE);
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_LOW);
  stingy_heap_free(h, b[0]);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE);
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_HIGH); /* 4 queued = cap, memory back */
  CHECK_EQ(batch, 1);
  for (int i = 1; i < 3; i++) stingy_heap_free(h, b[i]);
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
}

/* A medium stage behind a stage that stays at maximal flow still runs within the limit. */
static void test_aging_prevents_starvation(void) {
  struct stingy_heap *h = fresh_heap();
  const uint32_t limit = 3;
  struct stingy_sched *s = stingy_sched_create(h, limit);
  uint32_t batch;
  stingy_sched_enqueued(s, STAGE_PARSE, 4);
  stingy_sched_enqueued(s, STAGE_SEND, 1);
  int elections = 0, elected = -1;
  while (elections < 20) {
    elected = stingy_sched_elect(s, &batch);
    elections++;
    if (elected == STAGE_SEND) break;
    CHECK_EQ(elected, STAGE_PARSE); /* parse keeps its 4 tasks queued: always high */
  }
  CHECK_EQ(elected, STAGE_SEND);
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_URGENT);
  CHECK(elections <= (int)(limit + STINGY_N_STAGES));
  printf("send waited %d elections behind a stage at maximal flow (limit %u)\n", elections - 1,
         limit);
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
}

/* ---- a mock staged server ------------------------------------------------------------------- */

struct task {
  void *req, *hdr, *body;
};

struct fifo {
  struct task **t;
  size_t head, tail, cap;
};

static void push(struct fifo *q, struct task *t) {
  if (q->tail - q->head == q->cap) {
    size_t n = q->cap ? 2 * q->cap : 64;
    struct task **a = malloc(n * sizeof *a);
    for (size_t i = q->head; i < q->tail; i++) a[i - q->head] = q->t[i % q->cap];
    free(q->t);
    q->t = a;
    q->tail -= q->head;
    q->head = 0;
    q->cap = n;
  }
  q->t[q->tail++ % q->cap] = t;
}

static struct task *pop(struct fifo *q) { return q->t[q->head++ % q->cap]; }
static size_t len(const struct fifo *q) { return q->tail - q->head; }

static uint64_t rng;
static uint32_t rnd(uint32_t n) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng >> 33) % n;
}

struct sim {
  struct stingy_heap *h;
  struct stingy_sched *s; /* NULL: the naive loop */
  struct fifo q[STINGY_N_STAGES];
  long in_flight, max_in_flight, done, elections, max_wait;
  long wait[STINGY_N_STAGES];
};

/* Runs one task through one stage; returns the stage it is queued at next, or -1 when done. */
static int run_stage(struct sim *m, struct task *t, int stage) {
  switch (stage) {
    case STAGE_ACCEPT:
      t->req = stingy_heap_alloc(m->h, OBJ_REQ);
      memset(t->req, 1, 200);
      if (++m->in_flight > m->max_in_flight) m->max_in_flight = m->in_flight;
      return STAGE_PARSE;
    case STAGE_PARSE:
      t->hdr = stingy_heap_alloc(m->h, OBJ_HDR);
      memset(t->hdr, 2, 100);
      stingy_heap_free(m->h, t->hdr);
      return STAGE_BODY;
    case STAGE_BODY:
      t->body = stingy_heap_alloc(m->h, OBJ_BODY);
      memset(t->body, 3, 300);
      return STAGE_SEND;
    default:
      stingy_heap_free(m->h, t->body);
      stingy_heap_free(m->h, t->req);
      m->in_flight--;
      m->done++;
      free(t);
      return -1;
  }
}

static void enqueue(struct sim *m, struct task *t, int stage) {
  push(&m->q[stage], t);
  if (m->s) stingy_sched_enqueued(m->s, (uint32_t)stage, 1);
}

/* One loop iteration of the server: arrivals, then scheduling. */
static void step(struct sim *m, uint32_t arrivals) {
  for (uint32_t i = 0; i < arrivals; i++) enqueue(m, calloc(1, sizeof(struct task)), STAGE_ACCEPT);
  if (m->s) { /* the few lines a server's loop gains */
    int eligible[STINGY_N_STAGES];
    for (int st = 0; st < STINGY_N_STAGES; st++)
      eligible[st] = len(&m->q[st]) && stingy_heap_dyn_avail(m->h, (uint32_t)st) > 0;
    uint32_t batch;
    int st = stingy_sched_elect(m->s, &batch);
    if (st < 0) return;
    m->elections++;
    for (int k = 0; k < STINGY_N_STAGES; k++) { /* how long a runnable stage waits */
      m->wait[k] = k == st ? 0 : eligible[k] ? m->wait[k] + 1 : m->wait[k];
      if (m->wait[k] > m->max_wait) m->max_wait = m->wait[k];
      if (!len(&m->q[k])) m->wait[k] = 0;
    }
    for (uint32_t i = 0; i < batch; i++) {
      struct task *t = pop(&m->q[st]);
      stingy_sched_dequeued(m->s, (uint32_t)st, 1);
      int next = run_stage(m, t, st);
      if (next >= 0) enqueue(m, t, next);
    }
  } else { /* TUX: accept all new requests, then advance every active request once */
    size_t n = len(&m->q[STAGE_ACCEPT]);
    for (size_t i = 0; i < n; i++) {
      struct task *t = pop(&m->q[STAGE_ACCEPT]);
      enqueue(m, t, run_stage(m, t, STAGE_ACCEPT));
    }
    for (int st = STAGE_SEND; st > STAGE_ACCEPT; st--) {
      n = len(&m->q[st]);
      for (size_t i = 0; i < n; i++) {
        struct task *t = pop(&m->q[st]);
        int next = run_stage(m, t, st);
        if (next >= 0) enqueue(m, t, next);
      }
    }
  }
}

static uint64_t fallbacks(struct stingy_heap *h) {
  struct stingy_info in;
  stingy_heap_info(h, &in);
  return in.fallbacks;
}

static void simulate(uint64_t seed, int helper, long tasks, struct sim *m) {
  memset(m, 0, sizeof *m);
  m->h = fresh_heap();
  m->s = helper ? stingy_sched_create(m->h, 0) : NULL;
  rng = seed;
  long arrived = 0;
  while (m->done < tasks) {
    uint32_t a = 0;
    if (arrived < tasks) {
      a = rnd(8) == 0 ? 6 + rnd(10) : rnd(3); /* bursts */
      if (arrived + (long)a > tasks) a = (uint32_t)(tasks - arrived);
      arrived += a;
    }
    step(m, a);
  }
  for (int st = 0; st < STINGY_N_STAGES; st++) {
    CHECK_EQ(len(&m->q[st]), 0);
    free(m->q[st].t);
  }
  if (m->s) stingy_sched_destroy(m->s);
}

static uint64_t seed = 7;

static void test_helper_keeps_tasks_in_cache_and_never_starves(void) {
  const long tasks = 20000;
  struct sim helper, naive;
  simulate(seed, 1, tasks, &helper);
  uint64_t fb = fallbacks(helper.h);
  CHECK_EQ(helper.done, tasks);
  CHECK_EQ(fb, 0);                   /* every object came from the cache slab */
  CHECK(helper.max_in_flight <= 4);  /* admission: n_O of REQ */
  CHECK(helper.max_wait <= (long)(4 * STINGY_N_STAGES + STINGY_N_STAGES));
  simulate(seed, 0, tasks, &naive);
  uint64_t nfb = fallbacks(naive.h);
  CHECK_EQ(naive.done, tasks);
  CHECK(nfb > 0); /* the same arrivals overflow the pools without the helper */
  printf("seed %llu, %ld tasks: helper %llu malloc fallbacks, at most %ld in flight, %ld"
         " elections (%.2f tasks per batch), longest wait %ld elections\n",
         (unsigned long long)seed, tasks, (unsigned long long)fb, helper.max_in_flight,
         helper.elections, 4.0 * (double)tasks / (double)helper.elections, helper.max_wait);
  printf("seed %llu, %ld tasks: TUX loop %llu malloc fallbacks, at most %ld in flight\n",
         (unsigned long long)seed, tasks, (unsigned long long)nfb, naive.max_in_flight);
  stingy_heap_destroy(helper.h);
  stingy_heap_destroy(naive.h);
}

/* Elections visit only stages with tasks (a bitmap, 64 stages a word): with 130 stages, stages in
   the second and third words are found and ordered as in a plain scan, and an emptied stage drops
   out. The extra stages allocate nothing, so they are always electable. */
static void test_many_stages(void) {
  enum { N = 130 };
  static struct stingy_stage_config many[N];
  for (uint32_t i = 0; i < N; i++) {
    many[i] = i < stingy_config.n_stages ? stingy_config.stages[i]
                                          : (struct stingy_stage_config){"extra", NULL, 0, 0, 1, 0};
  }
  struct stingy_config cfg = stingy_config;
  cfg.n_stages = N;
  cfg.stages = many;
  struct stingy_heap *h = stingy_heap_create(&cfg, STINGY_NO_HUGETLB | STINGY_NO_THP);
  CHECK(h != NULL);
  struct stingy_sched *s = stingy_sched_create(h, 1000);
  uint32_t batch;
  stingy_sched_enqueued(s, 129, 1);
  stingy_sched_enqueued(s, 70, 3);
  CHECK_EQ(stingy_sched_elect(s, &batch), 70); /* medium: 3 tasks beat 1 at the same rank */
  CHECK_EQ(batch, 3);
  stingy_sched_dequeued(s, 70, 3);
  CHECK_EQ(stingy_sched_elect(s, &batch), 129);
  stingy_sched_enqueued(s, 64, 1);
  CHECK_EQ(stingy_sched_elect(s, &batch), 64); /* tie: the lower stage id */
  stingy_sched_dequeued(s, 64, 1);
  stingy_sched_dequeued(s, 129, 1);
  CHECK_EQ(stingy_sched_elect(s, &batch), -1);
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
}

int main(int argc, char **argv) {
  if (argc > 1) seed = strtoull(argv[1], NULL, 10);
  RUN(test_nothing_queued_elects_nothing);
  RUN(test_entry_stage_waits_for_memory);
  RUN(test_maximal_flow_first);
  RUN(test_medium_weights_favour_early_stages);
  RUN(test_low_class_runs_only_when_nothing_else_can);
  RUN(test_aging_prevents_starvation);
  RUN(test_many_stages);
  RUN(test_helper_keeps_tasks_in_cache_and_never_starves);
  return harness_report();
}
