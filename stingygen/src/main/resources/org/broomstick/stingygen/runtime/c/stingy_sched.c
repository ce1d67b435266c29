/*
 * stingy_sched.c: the scheduler helper of thesis 7.4.5; the policy is described in stingy_sched.h.
 */
#include "stingy_sched.h"

#include <stdio.h>
#include <stdlib.h>

struct stingy_sched {
  struct stingy_heap *heap;
  const struct stingy_config *cfg;
  uint32_t n_stages;
  uint32_t starve_limit;
  uint32_t max_rank;
  enum stingy_sched_class last;
  uint32_t *queued;
  uint64_t *busy;        /* bit i: stage i has tasks; elections visit only these stages */
  uint32_t *age;         /* elections passed over while it had tasks and was electable */
  unsigned char *closed; /* at the last election: an entry stage without memory */
};

static void die(const char *what, uint32_t stage, uint32_t n) {
  fprintf(stderr, "stingy_sched: %s (stage %u, %u tasks)\n", what, stage, n);
  fflush(stderr);
  abort();
}

struct stingy_sched *stingy_sched_create(struct stingy_heap *h, uint32_t starve_limit) {
  if (!h) h = stingy_default_heap();
  if (!h) return NULL;
  struct stingy_sched *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->heap = h;
  s->cfg = stingy_heap_config(h);
  s->n_stages = s->cfg->n_stages;
  s->starve_limit = starve_limit ? starve_limit : (4 * s->n_stages > 8 ? 4 * s->n_stages : 8);
  for (uint32_t i = 0; i < s->n_stages; i++)
    if (s->cfg->stages[i].rank > s->max_rank) s->max_rank = s->cfg->stages[i].rank;
  size_t n = s->n_stages ? s->n_stages : 1;
  s->queued = calloc(n, sizeof *s->queued);
  s->busy = calloc((n + 63) / 64, sizeof *s->busy);
  s->age = calloc(n, sizeof *s->age);
  s->closed = calloc(n, sizeof *s->closed);
  if (!s->queued || !s->busy || !s->age || !s->closed) {
    stingy_sched_destroy(s);
    return NULL;
  }
  return s;
}

void stingy_sched_destroy(struct stingy_sched *s) {
  if (!s) return;
  free(s->queued);
  free(s->busy);
  free(s->age);
  free(s->closed);
  free(s);
}

void stingy_sched_enqueued(struct stingy_sched *s, uint32_t stage, uint32_t n) {
  if (stage >= s->n_stages) die("enqueued on a stage out of range", stage, n);
  if (s->queued[stage] + n < s->queued[stage]) die("queue count overflows", stage, n);
  s->queued[stage] += n;
  if (s->queued[stage]) s->busy[stage / 64] |= 1ull << (stage % 64);
}

void stingy_sched_dequeued(struct stingy_sched *s, uint32_t stage, uint32_t n) {
  if (stage >= s->n_stages) die("dequeued from a stage out of range", stage, n);
  if (n > s->queued[stage]) die("more tasks dequeued than queued", stage, n);
  s->queued[stage] -= n;
  if (s->queued[stage] == 0) {
    s->age[stage] = 0;
    s->busy[stage / 64] &= ~(1ull << (stage % 64));
  }
}

uint32_t stingy_sched_queued(const struct stingy_sched *s, uint32_t stage) {
  return stage < s->n_stages ? s->queued[stage] : 0;
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
  uint32_t words = (s->n_stages + 63) / 64;
  for (uint32_t w = 0; w < words; w++)
  for (uint64_t bits = s->busy[w]; bits; bits &= bits - 1) {
    uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(bits);
    uint32_t q = s->queued[i];
    const struct stingy_stage_config *st = &s->cfg->stages[i];
    uint32_t avail = stingy_heap_dyn_avail(s->heap, i);
    enum stingy_sched_class c;
    uint64_t score; /* within a class, higher wins; ties go to the lower stage id */
    s->closed[i] = avail == 0 && (st->flags & STINGY_STAGE_ENTRY);
    if (avail == 0) {
      if (s->closed[i]) continue; /* admission control: new work waits, and does not age */
      c = STINGY_SCHED_LOW;
      score = st->rank;
    } else if (s->age[i] >= s->starve_limit) {
      c = STINGY_SCHED_URGENT;
      score = s->age[i];
    } else if (st->cap && q >= st->cap) {
      c = STINGY_SCHED_HIGH;
      score = (uint64_t)st->rank << 32 | q;
    } else {
      c = STINGY_SCHED_MEDIUM;
      score = (uint64_t)q * (s->max_rank + 1u - (st->rank <= s->max_rank ? st->rank : s->max_rank));
    }
    if (best < 0 || c < best_class || (c == best_class && score > best_score)) {
      best = (int)i;
      best_class = c;
      best_score = score;
      best_avail = avail;
    }
  }
  s->last = best_class;
  if (best < 0) {
    *batch = 0;
    return -1;
  }
  /* aging: every other stage with tasks waited one more election, unless admission kept it closed
     (a stage short of memory ages, so that it goes first once its memory is back) */
  for (uint32_t w = 0; w < words; w++)
  for (uint64_t bits = s->busy[w]; bits; bits &= bits - 1) {
    uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(bits);
    if ((int)i == best || s->closed[i]) continue;
    if (s->age[i] < UINT32_MAX) s->age[i]++;
  }
  s->age[best] = 0;
  uint32_t q = s->queued[best];
  *batch = best_class == STINGY_SCHED_LOW ? 1 : (best_avail < q ? best_avail : q);
  return best;
}
