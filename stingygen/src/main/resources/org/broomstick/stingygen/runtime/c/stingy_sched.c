/*
 * stingy_sched.c: the scheduler helper of thesis 7.4.5; the policy is described in stingy_sched.h.
 *
 * Cost (bench/payoff/README.md, "where the time goes"): an election runs once per batch, and at
 * low concurrency a batch is one or two tasks, so the helper's constant matters. Hence:
 *  - nothing per task: the server's queue functions keep their own lengths, which an election
 *    reads (stingy_sched_watch; a stage not watched is read from the helper's own count, which
 *    enqueued/dequeued keep). The reads make a bitmap of the stages with tasks; the bits that were
 *    0 at the previous election are the stages that started to wait since, whose since is set as
 *    the election visits them. Five instructions a stage, branch-free (scan);
 *  - a stage's age is not counted up at every election: it is `elections - since`, where since is
 *    set when the stage starts to wait (found with tasks after an election that found it empty) or
 *    is elected, and moved up by one at every successful election that found it closed (an entry
 *    stage without memory does not age). One pass over the stages with tasks instead of two, and
 *    no store per waiting stage; an election that elects nothing found every stage with tasks
 *    closed, and moves them back;
 *  - the dynamic check (stingy_heap_dyn_avail) is called only for stages that allocate: the others
 *    can always run every queued task;
 *  - what an election reads of a stage (cap, rank, weight, since, flags; its length through the
 *    pointer) is in one 32-byte record, not behind the configuration's pointers, and class and
 *    score make one 64-bit key, so that a stage is compared with the best so far in one comparison;
 *  - enqueued/dequeued, for stages not watched, are inline (stingy_sched.h).
 */
#include "stingy_sched.h"

#include <stdio.h>
#include <stdlib.h>

/* The queue lengths' pointers are padded to a multiple of LEN_PAD stages with pointers to no_stage
   (see scan). */
#define LEN_PAD 8u /* scan reads 8 a step */
static const uint32_t no_stage = 0;

/* Ranks above this are taken as this (a rank is below the number of stages, so never in practice). */
#define RANK_MAX ((1u << 30) - 1u)

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
  if (max_rank > RANK_MAX) max_rank = RANK_MAX;
  size_t n = s->n_stages ? s->n_stages : 1;
  s->words = (uint32_t)((n + 63) / 64);
  s->stage = calloc(n, sizeof *s->stage);
  s->padded = (uint32_t)((n + LEN_PAD - 1) / LEN_PAD * LEN_PAD);
  s->len = calloc(s->padded, sizeof *s->len);
  s->busy = calloc(s->words, sizeof *s->busy);
  if (!s->stage || !s->len || !s->busy) {
    stingy_sched_destroy(s);
    return NULL;
  }
  for (uint32_t i = 0; i < s->n_stages; i++) {
    const struct stingy_stage_config *c = &cfg->stages[i];
    struct stingy_sched_stage *st = &s->stage[i];
    st->cap = c->cap;
    st->rank = c->rank < RANK_MAX ? c->rank : RANK_MAX; /* for the election's key */
    st->weight = max_rank + 1u - (c->rank <= max_rank ? c->rank : max_rank);
    st->flags = (c->flags & STINGY_STAGE_ENTRY ? STINGY_SCHED_ENTRY_ : 0u) |
                (c->n_allocates ? STINGY_SCHED_ALLOCATES_ : 0u);
    s->len[i] = &st->queued;
  }
  for (uint32_t i = s->n_stages; i < s->padded; i++) s->len[i] = &no_stage;
  return s;
}

void stingy_sched_destroy(struct stingy_sched *s) {
  if (!s) return;
  free(s->stage);
  free(s->len);
  free(s->busy);
  free(s);
}

void stingy_sched_watch(struct stingy_sched *s, uint32_t stage, const uint32_t *queued) {
  if (stage >= s->n_stages) stingy_sched_die("watching a stage out of range", stage, 0);
  if (!queued) stingy_sched_die("watching a NULL queue length", stage, 0);
  uint32_t told = s->stage[stage].queued;
  if (told) stingy_sched_die("watching a stage that holds tasks told by enqueued", stage, told);
  s->len[stage] = queued;
}

uint32_t stingy_sched_queued(const struct stingy_sched *s, uint32_t stage) {
  return stage < s->n_stages ? *s->len[stage] : 0;
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

/* An election's key: the class in the top two bits (urgent 3, high 2, medium 1, low 0), the score
   within the class below, so that one comparison orders two stages. Scores fit: an age is clamped to
   32 bits, a rank to 30 (create clamps it; a rank is below the number of stages), a queue length is
   32 bits and a weight at most a rank + 1. A low stage's score is its rank + 1, so that every key is
   above 0, the key of "none yet". */
#define KEY_CLASS_SHIFT 62
#define KEY(c, score) ((uint64_t)(c) << KEY_CLASS_SHIFT | (score))

/* The key of an open stage (one that may run: avail > 0, or a stage past the entry short of memory). */
static inline uint64_t stage_key(const struct stingy_sched_stage *st, uint32_t q, uint32_t avail,
                                 uint64_t now, uint64_t limit) {
  if (avail == 0) return KEY(0, st->rank + 1u); /* low */
  uint64_t age = now - st->since;
  if (age >= limit) return KEY(3, age < UINT32_MAX ? age : UINT32_MAX); /* urgent */
  if (q >= st->cap && st->cap) return KEY(2, (uint64_t)st->rank << 32 | q); /* high: maximal flow */
  return KEY(1, (uint64_t)q * st->weight);                                   /* medium */
}

/* Stage `best` won with `key`: the elected one's age is 0, every other stage with tasks waited one
   more election (elections - since grows by one), the closed ones excepted (see below). */
static inline int elected(struct stingy_sched *s, uint32_t best, uint32_t q, uint64_t key,
                          uint32_t avail, uint32_t *batch) {
  enum stingy_sched_class c = (enum stingy_sched_class)(4 - (key >> KEY_CLASS_SHIFT));
  s->last = c;
  struct stingy_sched_stage *b = &s->stage[best];
  b->since = ++s->elections;
  *batch = c == STINGY_SCHED_LOW ? 1 : (avail < q ? avail : q);
  return (int)best;
}

/* Reads every stage's queue length into the bitmap of stages with tasks. A stage found with tasks
   after an election that found it empty started to wait since: its age is 0 (no election passed
   it over since the previous one, which found it empty). Branch-free, five instructions a stage:
   the top bit of 0 - q (64 bits) is q != 0; len is padded to a multiple of 8 stages with pointers
   to a zero, so that the loop is unrolled by 8 without a remainder. */
static inline uint64_t lengths(const uint32_t *const *len, uint32_t n) {
  uint64_t bits = 0;
  for (const uint32_t *const *p = len + n; p != len;) {
    p -= LEN_PAD; /* bits := bits * 2 + (q != 0), stage by stage from the top */
#define LEN_BIT(k) bits = bits + bits + ((0 - (uint64_t)*p[k]) >> 63)
    LEN_BIT(7); LEN_BIT(6); LEN_BIT(5); LEN_BIT(4); LEN_BIT(3); LEN_BIT(2); LEN_BIT(1); LEN_BIT(0);
#undef LEN_BIT
  }
  return bits;
}

/* Reads the lengths: returns the first word of the bitmap (all of it up to 64 stages) and, in
   *fresh, the stages of that word that started to wait, whose since the election sets when it
   visits them (every stage with tasks is visited: one store less per stage than a pass of its own).
   Beyond 64 stages, since is set here for every word and *fresh is 0. */
static inline uint64_t scan(struct stingy_sched *s, uint64_t now, uint64_t *fresh) {
  if (s->words == 1) {
    uint64_t bits = lengths(s->len, s->padded);
    *fresh = bits & ~s->busy[0];
    return s->busy[0] = bits;
  }
  for (uint32_t w = 0, lo = 0; w < s->words; w++, lo += 64) {
    uint64_t bits = lengths(s->len + lo, s->padded - lo < 64 ? s->padded - lo : 64);
    for (uint64_t f = bits & ~s->busy[w]; f; f &= f - 1) s->stage[lo + (uint32_t)__builtin_ctzll(f)].since = now;
    s->busy[w] = bits;
  }
  *fresh = 0;
  return s->busy[0];
}

int stingy_sched_elect(struct stingy_sched *s, uint32_t *batch) {
  const uint64_t now = s->elections, limit = s->starve_limit;
  uint64_t fresh;
  uint64_t bits = scan(s, now, &fresh);
  if (s->words == 1 && bits && (bits & (bits - 1)) == 0) {
    /* one stage with tasks (at low concurrency, most elections): no comparison, no aging of
       others; closed, it elects nothing and keeps its age */
    uint32_t i = (uint32_t)__builtin_ctzll(bits);
    struct stingy_sched_stage *st = &s->stage[i];
    if (fresh) st->since = now;
    uint32_t avail = st->flags & STINGY_SCHED_ALLOCATES_ ? stingy_heap_dyn_avail(s->heap, i) : UINT32_MAX;
    if (avail == 0 && (st->flags & STINGY_SCHED_ENTRY_)) {
      s->last = STINGY_SCHED_NONE;
      *batch = 0;
      return -1;
    }
    uint32_t q = *s->len[i];
    return elected(s, i, q, stage_key(st, q, avail, now, limit), avail, batch);
  }
  uint32_t best = 0, best_avail = 0, best_q = 0;
  uint64_t best_key = 0;
  for (uint32_t w = 0; w < s->words; w++, fresh = 0)
    for (bits = s->busy[w]; bits; bits &= bits - 1) {
      uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(bits);
      struct stingy_sched_stage *st = &s->stage[i];
      if (fresh & bits & (0 - bits)) st->since = now; /* it started to wait: age 0 */
      uint32_t avail = UINT32_MAX;
      if (st->flags & STINGY_SCHED_ALLOCATES_) avail = stingy_heap_dyn_avail(s->heap, i);
      if (avail == 0 && (st->flags & STINGY_SCHED_ENTRY_)) {
        /* admission control: new work waits, and does not age (since moves up with the election
           count; moved back below if this election elects nothing) */
        st->since++;
        continue;
      }
      uint32_t q = *s->len[i];
      uint64_t key = stage_key(st, q, avail, now, limit);
      if (key > best_key) { /* ties go to the lower stage id */
        best = i;
        best_key = key;
        best_avail = avail;
        best_q = q;
      }
    }
  if (best_key == 0) { /* every stage with tasks (if any) is an entry stage without memory */
    for (uint32_t w = 0; w < s->words; w++)
      for (bits = s->busy[w]; bits; bits &= bits - 1)
        s->stage[w * 64 + (uint32_t)__builtin_ctzll(bits)].since--;
    s->last = STINGY_SCHED_NONE;
    *batch = 0;
    return -1;
  }
  return elected(s, best, best_q, best_key, best_avail, batch);
}
