/*
 * stingy_sched.h: the scheduler helper of thesis 7.4.5 (and 5.2.4), over a Stingy heap.
 *
 * The server keeps its own run queue per stage; the helper elects the stage to run next and how
 * many of its tasks (a batch) to run, so that the scheduler iterates through stages, not through
 * individual requests. The helper reads each queue's length where the server keeps it: the server
 * says where, once per stage, and its queue functions carry no helper code. The change to a
 * server is a few lines:
 *
 *     at start:  for each stage s:  stingy_sched_watch(sched, s, &queue[s].length);
 *     event loop:
 *         uint32_t batch;
 *         int s = stingy_sched_elect(sched, &batch);
 *         if (s < 0) { poll_io(); continue; }            // nothing may run: wait for I/O
 *         for (uint32_t i = 0; i < batch; i++) run(pop(queue[s]));
 *
 * A queue's length must be a uint32_t that the server keeps up to date (the number of tasks a batch
 * of the stage can take from it); the helper reads it only inside stingy_sched_elect and
 * stingy_sched_queued. A server whose queues keep no count can instead tell the helper per task
 * (stingy_sched_enqueued/dequeued, the helper's first interface, kept); one helper can mix both, a
 * stage at a time.
 *
 * Election, over the stages with queued tasks, in this order of classes (thesis 7.4.5):
 *  1. urgent: a stage whose per-task memory is available (stingy_dyn_avail > 0) and that has been
 *     passed over in starve_limit elections; the longest-waiting first. This is what makes the
 *     priorities below starvation-free.
 *  2. high, "maximal flow": memory is available and the stage holds as many tasks as its memory
 *     allows (queued >= cap from stingy_config): no more tasks can accumulate with them. Later
 *     stages first, since they are closer to freeing their memory.
 *  3. medium: memory is available; weighted by queued * (max_rank + 1 - rank), so that tasks early
 *     in their treatment are brought up to the mark of those further on (bigger batches later).
 *  4. low: the memory of the stage is insufficient (stingy_dyn_avail == 0); elected only when no
 *     stage of a better class can run, one task at a time (its allocations fall back to malloc),
 *     so that tasks holding memory can always progress. Later stages first.
 *  Entry stages (STINGY_STAGE_ENTRY) whose dynamic check fails are never elected, and do not age
 *  meanwhile: that is the admission control that keeps the tasks in flight within the cache (SPEC
 *  section 6). Stages short of memory do age, so that they go first once their memory is back.
 * A stage's age counts the elections that passed it over since it started to wait, i.e. since the
 * first election that found its queue non-empty after one that found it empty, or since it was
 * last elected; the elections at which it was closed (an entry stage without memory) do not count.
 * The helper sees the queues only at elections, so "starts to wait" is known at the election after
 * the task arrived; as no election happens in between, the age is the same as if the helper were
 * told at the arrival. It would differ only if a queue that was not elected emptied and filled
 * again between two elections (a server dropping a queued task): the stage then keeps its age
 * instead of restarting at 0, so it is older, never younger, than if it had been told per task.
 * A stage with memory available waits at most starve_limit + n_stages elections (an entry stage:
 * counting the elections at which its dynamic check passes): after starve_limit of them it is
 * urgent, and only urgent stages older than it (or as old, with a lower id) go first; each of them
 * restarts at 0 when elected, so it cannot pass it again, and there are fewer than n_stages of
 * them. Ages older than told (above) only make a stage urgent sooner; the argument is the same.
 * The Java StageGate (stingy-runtime) has the same classes; it also promotes an aged stage short
 * of memory, where this helper waits for the memory (tasks holding it can always run, so the wait
 * ends).
 *
 * The batch is min(queued, stingy_dyn_avail) (1 in the low class): every task of it finds its
 * objects in the cache slab, assuming each task allocates each object of the stage once.
 * An election reads every stage's queue length (one load each) and checks the stages with tasks:
 * O(stages + stages with tasks x objects allocated per stage); it runs once per batch.
 *
 * Not thread safe: one helper per heap, used by the heap's thread.
 */
#ifndef STINGY_SCHED_H
#define STINGY_SCHED_H

#include "stingy.h"

#ifdef __cplusplus
extern "C" {
#endif

enum stingy_sched_class {
  STINGY_SCHED_NONE = 0, /* not elected */
  STINGY_SCHED_URGENT,
  STINGY_SCHED_HIGH,
  STINGY_SCHED_MEDIUM,
  STINGY_SCHED_LOW
};

/* The helper's state. Its layout is here only so that stingy_sched_enqueued/dequeued, called for
   every task that joins or leaves a run queue of a stage that is not watched, are inlined into the
   server's queue functions; use the functions, never the fields. */
#define STINGY_SCHED_ENTRY_ 1u     /* an entry stage: its failing check closes it (admission) */
#define STINGY_SCHED_ALLOCATES_ 2u /* it allocates objects: its check can fail */

struct stingy_sched_stage {
  uint32_t queued;   /* the count told by enqueued/dequeued: read through len until watched */
  uint32_t cap;      /* from the configuration: "maximal flow" is queued >= cap (0: no cap) */
  uint32_t rank;
  uint32_t weight;   /* medium class: max_rank + 1 - rank */
  uint64_t since;    /* its age is the elections since this count (see stingy_sched.c) */
  uint32_t flags;    /* STINGY_SCHED_ENTRY_, STINGY_SCHED_ALLOCATES_ */
  uint32_t unused;
};

struct stingy_sched {
  struct stingy_sched_stage *stage; /* by stage id */
  const uint32_t **len;             /* by stage id: its queue length (the server's, or &queued) */
  uint64_t *busy;                   /* bit i: stage i had tasks at the last election */
  uint64_t elections;               /* successful elections so far */
  uint32_t n_stages;
  uint32_t padded;                  /* len's length: n_stages rounded up to 8 (more point to a 0) */
  uint32_t words;                   /* of busy */
  uint32_t starve_limit;
  enum stingy_sched_class last;
  struct stingy_heap *heap;
};

/* A helper for heap h (NULL: the default heap, which must be initialised). starve_limit 0 picks
   4 * n_stages (at least 8). NULL when h is not initialised or out of memory. Every stage starts
   with the helper's own count (0 tasks), told by stingy_sched_enqueued/dequeued. */
struct stingy_sched *stingy_sched_create(struct stingy_heap *h, uint32_t starve_limit);
void stingy_sched_destroy(struct stingy_sched *s);

/* Aborts with a message (a stage out of range, a count that overflows or goes below zero). */
#if defined(__GNUC__)
__attribute__((noreturn, cold))
#endif
void stingy_sched_die(const char *what, uint32_t stage, uint32_t n);

/* From now on the stage's queue length is *queued, kept by the server, which tells the helper
   nothing per task; *queued must stay valid until the helper is destroyed. Aborts on a stage out
   of range, a NULL pointer, or a stage that holds tasks told by stingy_sched_enqueued (they would
   be lost). Watching again moves the stage to another counter. */
void stingy_sched_watch(struct stingy_sched *s, uint32_t stage, const uint32_t *queued);

/* n tasks joined / left the run queue of a stage that is not watched. Aborts on a stage out of
   range or watched, or on more tasks leaving than were queued. Inline: a few instructions per
   task. */
static inline void stingy_sched_enqueued(struct stingy_sched *s, uint32_t stage, uint32_t n) {
  if (stage >= s->n_stages) stingy_sched_die("enqueued on a stage out of range", stage, n);
  struct stingy_sched_stage *st = &s->stage[stage];
  if (s->len[stage] != &st->queued) stingy_sched_die("enqueued on a watched stage", stage, n);
  uint32_t q = st->queued;
  if (q + n < q) stingy_sched_die("queue count overflows", stage, n);
  st->queued = q + n;
}

static inline void stingy_sched_dequeued(struct stingy_sched *s, uint32_t stage, uint32_t n) {
  if (stage >= s->n_stages) stingy_sched_die("dequeued from a stage out of range", stage, n);
  struct stingy_sched_stage *st = &s->stage[stage];
  if (s->len[stage] != &st->queued) stingy_sched_die("dequeued from a watched stage", stage, n);
  uint32_t q = st->queued;
  if (n > q) stingy_sched_die("more tasks dequeued than queued", stage, n);
  st->queued = q - n;
}

/* The stage's queue length as the helper reads it (0 for a stage out of range). */
uint32_t stingy_sched_queued(const struct stingy_sched *s, uint32_t stage);

/* The stage to run next and, in *batch, how many of its tasks; -1 (batch 0) when no stage may
   run (nothing queued, or only entry stages without memory). */
int stingy_sched_elect(struct stingy_sched *s, uint32_t *batch);

/* The class of the last election (STINGY_SCHED_NONE if it returned -1), for tests and traces. */
enum stingy_sched_class stingy_sched_last_class(const struct stingy_sched *s);
const char *stingy_sched_class_name(enum stingy_sched_class c);

#ifdef __cplusplus
}
#endif

#endif /* STINGY_SCHED_H */
