/*
 * stingy_sched.c: the scheduler helper of thesis 7.4.5; the policy is described in stingy_sched.h.
 *
 * Cost (bench/payoff/README.md, "where the time goes"): an election runs once per batch, and at
 * low concurrency a batch is one or two tasks, so the helper's constant matters. Hence:
 *  - a stage's age is not counted up at every election: it is `elections - since`, where since is
 *    set when the stage starts to wait (enqueued on an empty queue) or is elected, and moved up by
 *    one at every successful election that found it closed (an entry stage without memory does
 *    not age). One pass over the stages with tasks instead of two, and no store per waiting stage;
 *  - the dynamic check (stingy_heap_dyn_avail) is called only for stages that allocate: the others
 *    can always run every queued task;
 *  - what an election reads of a stage (queue length, cap, rank, weight, since, flags) is in one
 *    32-byte record, not behind the configuration's pointers;
 *  - enqueued/dequeued are inline (stingy_sched.h).
 */
#include "stingy_sched.h"

#include <stdio.h>
#include <stdlib.h>

void stingy_sched_die(const char *what, uint32_t stage, uint32_t n) {
  fprintf(stderr, "stingy_sched: %s (stage %u, %u tasks)\n", what, stage, n);
  fflush(stderr);
  abort();
}

struct stingy_sched *stingy_sched_create(struct stingy_heap *h, uint32_t starve_limit) {
  if (!h) h = stingy_default_heap();
  if (!h) return NULL;
  struct stingy_sched *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  const struct stingy_config *cfg = stingy_heap_config(h);
  s->heap = h;
  s->n_stages = cfg->n_stages;
  s->starve_limit = starve_limit ? starve_limit : (4 * s->n_stages > 8 ? 4 * s->n_stages : 8);
  uint32_t max_rank = 0;
  for (uint32_t i = 0; i < s->n_stages; i++)
    if (cfg->stages[i].rank > max_rank) max_rank = cfg->stages[i].rank;
  size_t n = s->n_stages ? s->n_stages : 1;
  s->words = (uint32_t)((n + 63) / 64);
  s->stage = calloc(n, sizeof *s->stage);
  s->busy = calloc(s->words, sizeof *s->busy);
  s->closed = calloc(s->words, sizeof *s->closed);
  if (!s->stage || !s->busy || !s->closed) {
    stingy_sched_destroy(s);
    return NULL;
  }
  for (uint32_t i = 0; i < s->n_stages; i++) {
    const struct stingy_stage_config *c = &cfg->stages[i];
    struct stingy_sched_stage *st = &s->stage[i];
    st->cap = c->cap;
    st->rank = c->rank;
    st->weight = max_rank + 1u - (c->rank <= max_rank ? c->rank : max_rank);
    st->flags = (c->flags & STINGY_STAGE_ENTRY ? STINGY_SCHED_ENTRY_ : 0u) |
                (c->n_allocates ? STINGY_SCHED_ALLOCATES_ : 0u);
  }
  return s;
}

void stingy_sched_destroy(struct stingy_sched *s) {
  if (!s) return;
  free(s->stage);
  free(s->busy);
  free(s->closed);
  free(s);
}

uint32_t stingy_sched_queued(const struct stingy_sched *s, uint32_t stage) {
  return stage < s->n_stages ? s->stage[stage].queued : 0;
}

enum stingy_sched_class stingy_sched_last_class(const struct stingy_sched *s) { return s->last; }

const char *stingy_sched_class_name(enum stingy_sched_class c) {
  switch (c) {
    case STINGY_SCHED_URGENT: return "urgent";
    case STINGY_SCHED_HIGH: return "high";
    case STINGY_SCHED_MEDIUM: return "medium";
    case STINGY_SCHED_LOW: return "low";
    default: return "none";
  }
}

int stingy_sched_elect(struct stingy_sched *s, uint32_t *batch) {
  int best = -1;
  enum stingy_sched_class best_class = STINGY_SCHED_NONE;
  uint64_t best_score = 0;
  uint32_t best_avail = 0;
  uint64_t any_closed = 0;
  const uint64_t now = s->elections;
  for (uint32_t w = 0; w < s->words; w++) {
    uint64_t closed = 0;
    for (uint64_t bits = s->busy[w]; bits; bits &= bits - 1) {
      uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(bits);
      const struct stingy_sched_stage *st = &s->stage[i];
      uint32_t avail = st->flags & STINGY_SCHED_ALLOCATES_ ? stingy_heap_dyn_avail(s->heap, i)
                                                           : UINT32_MAX;
      enum stingy_sched_class c;
      uint64_t score; /* within a class, higher wins; ties go to the lower stage id */
      if (avail == 0) {
        if (st->flags & STINGY_SCHED_ENTRY_) { /* admission control: new work waits, no aging */
          closed |= bits & -bits;
          continue;
        }
        c = STINGY_SCHED_LOW;
        score = st->rank;
      } else {
        uint64_t age = now - st->since;
        if (age >= s->starve_limit) {
          c = STINGY_SCHED_URGENT;
          score = age < UINT32_MAX ? age : UINT32_MAX;
        } else if (st->cap && st->queued >= st->cap) {
          c = STINGY_SCHED_HIGH;
          score = (uint64_t)st->rank << 32 | st->queued;
        } else {
          c = STINGY_SCHED_MEDIUM;
          score = (uint64_t)st->queued * st->weight;
        }
      }
      if (c < best_class || (c == best_class && score > best_score) || best < 0) {
        best = (int)i;
        best_class = c;
        best_score = score;
        best_avail = avail;
      }
    }
    s->closed[w] = closed;
    any_closed |= closed;
  }
  s->last = best_class;
  if (best < 0) {
    *batch = 0;
    return -1;
  }
  /* aging: every other stage with tasks waited one more election (elections - since grows by
     one), unless admission kept it closed (since moves up with it); the elected one is at 0 */
  s->elections = now + 1;
  if (any_closed)
    for (uint32_t w = 0; w < s->words; w++)
      for (uint64_t bits = s->closed[w]; bits; bits &= bits - 1)
        s->stage[w * 64 + (uint32_t)__builtin_ctzll(bits)].since++;
  struct stingy_sched_stage *b = &s->stage[best];
  b->since = now + 1;
  uint32_t q = b->queued;
  *batch = best_class == STINGY_SCHED_LOW ? 1 : (best_avail < q ? best_avail : q);
  return best;
}
