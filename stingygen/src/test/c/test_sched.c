/*
 * Tests of the scheduler helper (stingy_sched, thesis 7.4.5) on the hand-made configuration:
 * the priority classes one by one, then a mock staged server (accept -> parse -> body -> send)
 * driven by the helper and, for comparison, by TUX's original loop (accept everything first,
 * then advance every active request), with the same seeded arrivals; the helper reading the
 * server's queue lengths (stingy_sched_watch) and told per task (enqueued/dequeued); the helper
 * against a reference model of the election.
 *
 *   test_sched [SEED]
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* The dynamic check is the helper's only call into the heap, and only for stages that allocate:
   a stage that allocates nothing can run every queued task (its stage counters stay at 0). */
static void test_dyn_check_only_for_stages_that_allocate(void) {
  struct stingy_heap *h = fresh_heap();
  struct stingy_sched *s = stingy_sched_create(h, 0);
  uint32_t batch;
  stingy_sched_enqueued(s, STAGE_SEND, 3);
  for (int i = 0; i < 5; i++) CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_SEND);
  CHECK_EQ(batch, 3);
  stingy_sched_enqueued(s, STAGE_PARSE, 1);
  stingy_sched_elect(s, &batch);
  stingy_sched_dequeued(s, STAGE_PARSE, 1);
  stingy_sched_elect(s, &batch);
  struct stingy_stage_stats send, parse;
  CHECK_EQ(stingy_heap_stage_stats(h, STAGE_SEND, &send), 0);
  CHECK_EQ(stingy_heap_stage_stats(h, STAGE_PARSE, &parse), 0);
  CHECK_EQ(send.checks, 0);
  CHECK_EQ(parse.checks, 1); /* the one election at which parse had tasks */
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
}

/* stingy_sched_watch: the election reads the server's own queue lengths, as they are when it runs;
   the server tells nothing per task. Stages not watched keep the count told per task. */
static void test_watch_reads_the_servers_queue_lengths(void) {
  struct stingy_heap *h = fresh_heap();
  struct stingy_sched *s = stingy_sched_create(h, 0);
  uint32_t len[STINGY_N_STAGES] = {0}, batch = 99;
  for (uint32_t st = 0; st < STINGY_N_STAGES; st++) {
    if (st != STAGE_SEND) stingy_sched_watch(s, st, &len[st]);
  }
  CHECK_EQ(stingy_sched_elect(s, &batch), -1);
  len[STAGE_ACCEPT] = 3;
  len[STAGE_PARSE] = 3;
  CHECK_EQ(stingy_sched_queued(s, STAGE_PARSE), 3);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_ACCEPT); /* medium: 3 * 4 beats 3 * 3 */
  CHECK_EQ(batch, 3);
  len[STAGE_ACCEPT] = 0;  /* the server ran the batch */
  len[STAGE_PARSE] = 4;   /* and the tasks moved on: 4 = cap */
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE);
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_HIGH);
  CHECK_EQ(batch, 2); /* HDR's n_O */
  len[STAGE_PARSE] = 0;
  stingy_sched_enqueued(s, STAGE_SEND, 2); /* told per task: the stage is not watched */
  CHECK_EQ(stingy_sched_queued(s, STAGE_SEND), 2);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_SEND);
  CHECK_EQ(batch, 2);
  stingy_sched_dequeued(s, STAGE_SEND, 2);
  CHECK_EQ(stingy_sched_elect(s, &batch), -1);
  /* watching again moves the stage to another counter; the old one is not read any more */
  uint32_t other = 5;
  stingy_sched_watch(s, STAGE_BODY, &other);
  len[STAGE_BODY] = 7;
  CHECK_EQ(stingy_sched_queued(s, STAGE_BODY), 5);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_BODY);
  CHECK_EQ(batch, 3); /* BODY's n_O */
  CHECK_EQ(stingy_sched_queued(s, 99), 0);
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
}

/* A queue that has tasks at one election and is not elected keeps its age to the next, whatever
   happens to it in between; one found empty starts again at 0 when it has tasks. */
static void test_watched_ages_start_when_an_election_finds_tasks(void) {
  struct stingy_heap *h = fresh_heap();
  const uint32_t limit = 3;
  struct stingy_sched *s = stingy_sched_create(h, limit);
  uint32_t len[STINGY_N_STAGES] = {0}, batch;
  for (uint32_t st = 0; st < STINGY_N_STAGES; st++) stingy_sched_watch(s, st, &len[st]);
  len[STAGE_PARSE] = 4; /* high, every time */
  len[STAGE_SEND] = 1;
  for (uint32_t i = 0; i < limit; i++) CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_SEND); /* passed over `limit` times: urgent */
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_URGENT);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE); /* send's age is 0 again */
  len[STAGE_SEND] = 0; /* the server ran send's task */
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE); /* finds send empty */
  len[STAGE_SEND] = 1; /* a new task: it waits from the next election on */
  for (uint32_t i = 0; i < limit; i++) CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_SEND);
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_URGENT);
  /* passed over twice, then its task dropped and another queued between two elections: the helper
     does not see the gap, and send keeps its age (told per task, it would restart at 0) */
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE);
  len[STAGE_SEND] = 0;
  len[STAGE_SEND] = 1;
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_PARSE);
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_SEND); /* 3 = limit */
  CHECK_EQ(stingy_sched_last_class(s), STINGY_SCHED_URGENT);
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
}

/* Misuse aborts with a message: run fn in a child and check that it died of SIGABRT and said so. */
static void expect_abort(void (*fn)(void), const char *message) {
  int fd[2];
  CHECK_EQ(pipe(fd), 0);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd[1], 2);
    close(fd[0]);
    fn();
    _exit(0);
  }
  close(fd[1]);
  char out[512] = {0};
  size_t got = 0;
  for (ssize_t r; got < sizeof out - 1 && (r = read(fd[0], out + got, sizeof out - 1 - got)) > 0;)
    got += (size_t)r;
  close(fd[0]);
  int status = 0;
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
  CHECK(strstr(out, message) != NULL);
  if (!strstr(out, message)) fprintf(stderr, "  expected \"%s\", got \"%s\"\n", message, out);
}

static struct stingy_heap *misuse_heap;
static struct stingy_sched *volatile misuse_sched; /* still reachable when the child aborts */
static struct stingy_sched *misuse_helper(void) {
  misuse_heap = fresh_heap();
  return misuse_sched = stingy_sched_create(misuse_heap, 0);
}

static uint32_t misuse_len;
static void watch_out_of_range(void) { stingy_sched_watch(misuse_helper(), STINGY_N_STAGES, &misuse_len); }
static void watch_null(void) { stingy_sched_watch(misuse_helper(), STAGE_PARSE, NULL); }
static void watch_told_stage(void) {
  struct stingy_sched *s = misuse_helper();
  stingy_sched_enqueued(s, STAGE_PARSE, 2);
  stingy_sched_watch(s, STAGE_PARSE, &misuse_len);
}
static void enqueued_on_watched(void) {
  struct stingy_sched *s = misuse_helper();
  stingy_sched_watch(s, STAGE_PARSE, &misuse_len);
  stingy_sched_enqueued(s, STAGE_PARSE, 1);
}
static void dequeued_from_watched(void) {
  struct stingy_sched *s = misuse_helper();
  stingy_sched_watch(s, STAGE_PARSE, &misuse_len);
  misuse_len = 1;
  stingy_sched_dequeued(s, STAGE_PARSE, 1);
}

static void test_watch_misuse_aborts(void) {
  expect_abort(watch_out_of_range, "stingy_sched: watching a stage out of range (stage 4");
  expect_abort(watch_null, "stingy_sched: watching a NULL queue length (stage 1");
  expect_abort(watch_told_stage, "stingy_sched: watching a stage that holds tasks told by enqueued (stage 1, 2 tasks)");
  expect_abort(enqueued_on_watched, "stingy_sched: enqueued on a watched stage (stage 1, 1 tasks)");
  expect_abort(dequeued_from_watched, "stingy_sched: dequeued from a watched stage (stage 1, 1 tasks)");
  /* after a watch that went well, told stages still work: the same helper elects */
  struct stingy_sched *s = misuse_helper();
  stingy_sched_watch(s, STAGE_PARSE, &misuse_len);
  misuse_len = 0;
  stingy_sched_enqueued(s, STAGE_BODY, 1);
  uint32_t batch;
  CHECK_EQ(stingy_sched_elect(s, &batch), STAGE_BODY);
  stingy_sched_destroy(s);
  stingy_heap_destroy(misuse_heap);
}

/* ---- a mock staged server ------------------------------------------------------------------- */

struct task {
  void *req, *hdr, *body;
};

struct fifo {
  struct task **t;
  size_t head, tail, cap;
  uint32_t n; /* the length, kept by push and pop: what a watching helper reads */
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
  q->n++;
}

static struct task *pop(struct fifo *q) {
  q->n--;
  return q->t[q->head++ % q->cap];
}
static size_t len(const struct fifo *q) { return q->tail - q->head; }

static uint64_t rng;
static uint32_t rnd(uint32_t n) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng >> 33) % n;
}

enum mode { NAIVE, TOLD, WATCHED };

struct sim {
  struct stingy_heap *h;
  struct stingy_sched *s; /* NULL: the naive loop */
  int told;               /* the helper is told per task, not watching the queues */
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
  if (m->told) stingy_sched_enqueued(m->s, (uint32_t)stage, 1);
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
      if (m->told) stingy_sched_dequeued(m->s, (uint32_t)st, 1);
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

static void simulate(uint64_t seed, enum mode mode, long tasks, struct sim *m) {
  memset(m, 0, sizeof *m);
  m->h = fresh_heap();
  m->s = mode != NAIVE ? stingy_sched_create(m->h, 0) : NULL;
  m->told = mode == TOLD;
  if (mode == WATCHED)
    for (uint32_t st = 0; st < STINGY_N_STAGES; st++) stingy_sched_watch(m->s, st, &m->q[st].n);
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
  struct sim helper, naive, told;
  simulate(seed, WATCHED, tasks, &helper);
  uint64_t fb = fallbacks(helper.h);
  CHECK_EQ(helper.done, tasks);
  CHECK_EQ(fb, 0);                   /* every object came from the cache slab */
  CHECK(helper.max_in_flight <= 4);  /* admission: n_O of REQ */
  CHECK(helper.max_wait <= (long)(4 * STINGY_N_STAGES + STINGY_N_STAGES));
  simulate(seed, TOLD, tasks, &told); /* the same elections, told per task */
  CHECK_EQ(told.elections, helper.elections);
  CHECK_EQ(told.max_wait, helper.max_wait);
  CHECK_EQ(told.max_in_flight, helper.max_in_flight);
  CHECK_EQ(fallbacks(told.h), fb);
  stingy_heap_destroy(told.h);
  simulate(seed, NAIVE, tasks, &naive);
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


/* ---- the helper against a reference model ----------------------------------------------------- */

/* The election of stingy_sched.h written the plain way (the helper's first implementation): every
   stage with tasks scored from the configuration, the dynamic check of every such stage, an age
   counter per stage counted up after each successful election and back to 0 when an election
   finds its queue empty. The helper keeps ages as differences, derives "starts to wait" from the
   queue lengths it reads at elections, skips the check of stages that allocate nothing and reads
   a compact per-stage record; it must elect the same stage, batch and class at every election,
   whether it watches the model's queue lengths or is told per task.
   The first implementation reset a stage's age when it was told its queue emptied; the helper
   sees the queues only at elections. The two agree as long as tasks leave a queue only when its
   stage is elected (the elected stage's age is 0 anyway); the random steps below also drop tasks
   from stages that were not elected, where the model follows the helper's definition. */
struct model {
  struct stingy_heap *h;
  const struct stingy_config *cfg;
  uint32_t n, starve_limit, max_rank;
  uint32_t queued[80], age[80];
  unsigned char closed[80];
  int first; /* the first implementation's definition: the age restarts when the queue empties */
  enum stingy_sched_class last;
};

static void model_init(struct model *m, struct stingy_heap *h, uint32_t starve_limit) {
  memset(m, 0, sizeof *m);
  m->h = h;
  m->cfg = stingy_heap_config(h);
  m->n = m->cfg->n_stages;
  CHECK(m->n <= 80);
  m->starve_limit = starve_limit ? starve_limit : (4 * m->n > 8 ? 4 * m->n : 8);
  for (uint32_t i = 0; i < m->n; i++)
    if (m->cfg->stages[i].rank > m->max_rank) m->max_rank = m->cfg->stages[i].rank;
}

static void model_enqueued(struct model *m, uint32_t stage, uint32_t n) { m->queued[stage] += n; }

static void model_dequeued(struct model *m, uint32_t stage, uint32_t n) {
  m->queued[stage] -= n;
  if (m->first && m->queued[stage] == 0) m->age[stage] = 0;
}

static int model_elect(struct model *m, uint32_t *batch) {
  int best = -1;
  enum stingy_sched_class best_class = STINGY_SCHED_NONE;
  uint64_t best_score = 0;
  uint32_t best_avail = 0;
  for (uint32_t i = 0; i < m->n; i++) {
    if (m->queued[i] == 0) {
      m->age[i] = 0; /* not waiting: it starts again at 0 */
      continue;
    }
    const struct stingy_stage_config *st = &m->cfg->stages[i];
    uint32_t q = m->queued[i], avail = stingy_heap_dyn_avail(m->h, i);
    enum stingy_sched_class c;
    uint64_t score;
    m->closed[i] = avail == 0 && (st->flags & STINGY_STAGE_ENTRY);
    if (avail == 0) {
      if (m->closed[i]) continue;
      c = STINGY_SCHED_LOW;
      score = st->rank;
    } else if (m->age[i] >= m->starve_limit) {
      c = STINGY_SCHED_URGENT;
      score = m->age[i];
    } else if (st->cap && q >= st->cap) {
      c = STINGY_SCHED_HIGH;
      score = (uint64_t)st->rank << 32 | q;
    } else {
      c = STINGY_SCHED_MEDIUM;
      score = (uint64_t)q * (m->max_rank + 1u - st->rank);
    }
    if (best < 0 || c < best_class || (c == best_class && score > best_score)) {
      best = (int)i;
      best_class = c;
      best_score = score;
      best_avail = avail;
    }
  }
  m->last = best_class;
  if (best < 0) {
    *batch = 0;
    return -1;
  }
  for (uint32_t i = 0; i < m->n; i++)
    if (m->queued[i] && (int)i != best && !m->closed[i]) m->age[i]++;
  m->age[best] = 0;
  *batch = best_class == STINGY_SCHED_LOW ? 1 : (best_avail < m->queued[best] ? best_avail : m->queued[best]);
  return best;
}

/* Random arrivals, elections, batches that allocate the stage's objects, frees at random times,
   elections whose batch is not run (a server may run fewer tasks than elected), and tasks dropped
   from any stage's queue (unless first). watch: the helper reads the model's queue lengths
   (stingy_sched_watch) for every stage (2), for the even stages (1), or is told every change per
   task (0). first: the model keeps the first implementation's definition of the age, and no task
   is dropped: the two definitions agree under the protocol. */
static void told(struct stingy_sched *s, const struct model *m, uint32_t stage, int32_t n) {
  if (stingy_sched_queued(s, stage) == m->queued[stage]) return; /* watched: it read the change */
  if (n > 0) stingy_sched_enqueued(s, stage, (uint32_t)n);
  else stingy_sched_dequeued(s, stage, (uint32_t)-n);
}

static long compare_with_model(const struct stingy_config *cfg, uint32_t starve_limit, uint64_t seed0,
                               long steps, int watch, int first) {
  struct stingy_heap *h = stingy_heap_create(cfg, STINGY_NO_HUGETLB | STINGY_NO_THP);
  CHECK(h != NULL);
  struct stingy_sched *s = stingy_sched_create(h, starve_limit);
  struct model m;
  model_init(&m, h, starve_limit);
  m.first = first;
  for (uint32_t st = 0; st < cfg->n_stages; st++)
    if (watch == 2 || (watch == 1 && st % 2 == 0)) stingy_sched_watch(s, st, &m.queued[st]);
  enum { HELD = 64 };
  void *held[HELD] = {0};
  rng = seed0;
  long agree = 0, dropped = 0, classes[5] = {0};
  for (long step = 0; step < steps; step++) {
    uint32_t op = rnd(10);
    if (op < 3) {
      uint32_t st = rnd(cfg->n_stages), n = 1 + rnd(3);
      model_enqueued(&m, st, n);
      told(s, &m, st, (int32_t)n);
    } else if (op < 4 && rnd(8) == 0 && !first) { /* a task dropped from a queue, elected or not */
      uint32_t st = rnd(cfg->n_stages);
      if (m.queued[st]) {
        model_dequeued(&m, st, 1);
        told(s, &m, st, -1);
        dropped++;
      }
    } else if (op < 4) {
      uint32_t k = rnd(HELD);
      if (held[k]) {
        stingy_heap_free(h, held[k]);
        held[k] = NULL;
      }
    } else {
      uint32_t b1 = 0, b2 = 0;
      int e1 = stingy_sched_elect(s, &b1), e2 = model_elect(&m, &b2);
      if (e1 != e2 || b1 != b2 || stingy_sched_last_class(s) != m.last) {
        CHECK_EQ(e1, e2);
        CHECK_EQ(b1, b2);
        CHECK_EQ(stingy_sched_last_class(s), m.last);
        fprintf(stderr, "  at step %ld of seed %llu (starve limit %u)\n", step,
                (unsigned long long)seed0, starve_limit);
        break;
      }
      agree++;
      classes[m.last]++;
      if (e1 < 0 || op == 9) continue; /* elected, but the server runs nothing this time */
      uint32_t run = b1 > 1 && rnd(4) == 0 ? b1 - 1 : b1;
      const struct stingy_stage_config *st = &cfg->stages[e1];
      for (uint32_t t = 0; t < run; t++)
        for (uint32_t a = 0; a < st->n_allocates; a++) {
          void *p = stingy_heap_alloc(h, st->allocates[a]);
          uint32_t k = rnd(HELD);
          if (held[k]) stingy_heap_free(h, held[k]);
          held[k] = p;
        }
      model_dequeued(&m, (uint32_t)e1, run);
      told(s, &m, (uint32_t)e1, -(int32_t)run);
      if (rnd(3) == 0 && run) { /* some tasks move on to a later stage */
        uint32_t next = (uint32_t)e1 + 1 < cfg->n_stages ? (uint32_t)e1 + 1 : 0;
        model_enqueued(&m, next, run);
        told(s, &m, next, (int32_t)run);
      }
    }
  }
  for (uint32_t st = 0; st < cfg->n_stages; st++) CHECK_EQ(stingy_sched_queued(s, st), m.queued[st]);
  for (int k = 0; k < HELD; k++) stingy_heap_free(h, held[k]);
  printf("seed %llu, starve limit %u, %u stages, %s: %ld elections agree (urgent %ld, high %ld,"
         " medium %ld, low %ld, none %ld), %ld tasks dropped%s\n",
         (unsigned long long)seed0, starve_limit, cfg->n_stages,
         watch == 2 ? "watched" : watch ? "half watched" : "told", agree, classes[STINGY_SCHED_URGENT],
         classes[STINGY_SCHED_HIGH], classes[STINGY_SCHED_MEDIUM], classes[STINGY_SCHED_LOW],
         classes[STINGY_SCHED_NONE], dropped, first ? ", first implementation's ages" : "");
  stingy_sched_destroy(s);
  stingy_heap_destroy(h);
  return agree;
}

static void test_elections_match_the_reference_model(void) {
  /* every class must occur, or the comparison proves little: checked by the counts printed and
     by the shorter runs of the class tests above */
  for (uint32_t limit = 0; limit <= 3; limit++)
    CHECK(compare_with_model(&stingy_config, limit, seed + limit, 200000, (int)(limit % 3), 0) > 100000);
  CHECK(compare_with_model(&stingy_config, 2, seed + 4, 200000, 2, 1) > 100000);
  /* 70 stages: a second word of the busy bitmap, with an entry stage and an allocating stage in it */
  enum { N = 70 };
  static struct stingy_stage_config many[N];
  for (uint32_t i = 0; i < N; i++) {
    many[i] = i < stingy_config.n_stages ? stingy_config.stages[i]
                                          : (struct stingy_stage_config){"extra", NULL, 0, 2, 1 + i % 3, 0};
  }
  many[66] = stingy_config.stages[STAGE_ACCEPT]; /* entry, allocates REQ */
  many[67] = stingy_config.stages[STAGE_BODY];
  struct stingy_config cfg = stingy_config;
  cfg.n_stages = N;
  cfg.stages = many;
  CHECK(compare_with_model(&cfg, 0, seed + 10, 200000, 2, 0) > 100000);
  CHECK(compare_with_model(&cfg, 2, seed + 11, 200000, 0, 0) > 100000);
  CHECK(compare_with_model(&cfg, 3, seed + 12, 200000, 1, 0) > 100000);
  CHECK(compare_with_model(&cfg, 2, seed + 13, 200000, 2, 1) > 100000);
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
  RUN(test_dyn_check_only_for_stages_that_allocate);
  RUN(test_watch_reads_the_servers_queue_lengths);
  RUN(test_watched_ages_start_when_an_election_finds_tasks);
  RUN(test_watch_misuse_aborts);
  RUN(test_helper_keeps_tasks_in_cache_and_never_starves);
  RUN(test_elections_match_the_reference_model);
  return harness_report();
}
