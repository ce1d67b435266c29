/*
 * Differential stress test of the Stingy C runtime against a reference model.
 *
 *   test_stress OPS SEED [CONFIGS]
 *
 * Runs OPS random operations (alloc, free, dynamic checks, free(NULL)) over CONFIGS random
 * configurations (default 10; a fresh heap for each, mapped with each page strategy in turn, with
 * lines of 32, 64 and 128 bytes in turn).
 * The model predicts every allocation exactly: it must come from the slab iff the object's live
 * count is below n_O and its region has a free slot, else from malloc. Every slab pointer must be
 * a line-aligned slot start of the object's region that no live object holds; every object
 * carries a stamp at both ends, checked when it is freed (overlaps would break one). Counters,
 * free slots and the dynamic checks are compared with the model every 997 operations and at the
 * end of each configuration. Prints the seed, the figures and "0 mismatches"; exits 1 on any.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stingy.h"

#define MAX_OBJ 10
#define MAX_REG 6
#define MAX_STAGE 6
#define MAX_SLOTS 16

static uint64_t rng_state;

static uint64_t next(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n) { return n ? (uint32_t)(next() % n) : 0; }

static long mismatches;

#define EXPECT(cond, ...)                                                          \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      if (mismatches++ < 20) {                                                     \
        fprintf(stderr, "MISMATCH (op %llu, config %u): ", (unsigned long long)op, \
                config_no);                                                        \
        fprintf(stderr, __VA_ARGS__);                                              \
        fputc('\n', stderr);                                                       \
      }                                                                            \
    }                                                                              \
  } while (0)

static unsigned long long op;
static unsigned config_no;

/* ---- random configuration ------------------------------------------------------------------ */

struct rconfig {
  struct stingy_config c;
  struct stingy_object_config obj[MAX_OBJ];
  struct stingy_region_config reg[MAX_REG];
  struct stingy_stage_config stage[MAX_STAGE];
  uint32_t allocates[MAX_STAGE][MAX_OBJ];
  char names[MAX_OBJ][32];
};

static void random_config(struct rconfig *r, uint32_t line) {
  memset(r, 0, sizeof *r);
  uint32_t nr = 1 + rnd(MAX_REG), no = 1 + rnd(MAX_OBJ), ns = 1 + rnd(MAX_STAGE);
  for (uint32_t i = 0; i < no; i++) {
    struct stingy_object_config *o = &r->obj[i];
    snprintf(r->names[i], sizeof r->names[i], "stress.c:%u:1#alloc", i + 1);
    o->name = r->names[i];
    o->region = rnd(nr);
    o->slot_bytes = line * (1 + rnd(4));
    o->size_bytes = rnd(4) == 0 ? 0 : 16 + rnd(o->slot_bytes - 15);
    o->count = rnd(8) == 0 ? 0 : 1 + rnd(12);
  }
  for (uint32_t g = 0; g < nr; g++) {
    uint32_t slot = line, slots = 0;
    for (uint32_t i = 0; i < no; i++) {
      if (r->obj[i].region != g) continue;
      if (r->obj[i].slot_bytes > slot) slot = r->obj[i].slot_bytes;
      if (r->obj[i].count > slots) slots = r->obj[i].count;
    }
    r->reg[g].slot_bytes = slot;
    r->reg[g].slots = slots + rnd(3); /* stingygen emits the largest count; allow spare slots */
    if (r->reg[g].slots > MAX_SLOTS) r->reg[g].slots = MAX_SLOTS;
  }
  /* stack, globals, then the regions in a random order with random gaps */
  size_t stack = (size_t)line * rnd(8), globals = rnd(500);
  size_t cursor = (stack + globals + line - 1) / line * line;
  uint32_t order[MAX_REG];
  for (uint32_t g = 0; g < nr; g++) order[g] = g;
  for (uint32_t g = nr; g > 1; g--) {
    uint32_t k = rnd(g), t = order[g - 1];
    order[g - 1] = order[k];
    order[k] = t;
  }
  for (uint32_t k = 0; k < nr; k++) {
    struct stingy_region_config *g = &r->reg[order[k]];
    cursor += (size_t)line * rnd(3);
    g->offset_bytes = (uint32_t)cursor;
    cursor += (size_t)g->slot_bytes * g->slots;
  }
  for (uint32_t s = 0; s < ns; s++) {
    struct stingy_stage_config *st = &r->stage[s];
    st->name = "stage";
    st->allocates = r->allocates[s];
    for (uint32_t i = 0; i < no; i++)
      if (rnd(3) == 0) r->allocates[s][st->n_allocates++] = i;
    st->cap = rnd(5);
    st->rank = s;
    st->flags = s == 0 ? STINGY_STAGE_ENTRY : 0;
  }
  r->c = (struct stingy_config){
      .version = STINGY_CONFIG_VERSION,
      .line_bytes = line,
      .cache_bytes = cursor + (size_t)line * rnd(4) + line,
      .stack_offset = 0,
      .stack_bytes = stack,
      .globals_offset = stack,
      .globals_bytes = globals,
      .low_bytes = 4096 * rnd(3),
      .high_bytes = 4096 * rnd(3),
      .n_objects = no,
      .objects = r->obj,
      .n_regions = nr,
      .regions = r->reg,
      .n_stages = ns,
      .stages = r->stage,
  };
}

/* ---- the model --------------------------------------------------------------------------------- */

struct held {
  char *p;
  uint64_t stamp;
  uint32_t id;
  int slot; /* -1: a malloc fallback */
};

struct model {
  uint32_t live[MAX_OBJ], high[MAX_OBJ];
  uint64_t hits[MAX_OBJ], fallbacks[MAX_OBJ], frees[MAX_OBJ];
  uint32_t free_slots[MAX_REG];
  unsigned char used[MAX_REG][MAX_SLOTS];
  uint64_t checks[MAX_STAGE], failures[MAX_STAGE];
  uint64_t foreign;
};

static uint32_t model_avail(const struct rconfig *r, const struct model *m, uint32_t s) {
  uint32_t avail = UINT32_MAX;
  for (uint32_t k = 0; k < r->stage[s].n_allocates; k++) {
    uint32_t id = r->stage[s].allocates[k];
    uint32_t a = r->obj[id].count - m->live[id], b = m->free_slots[r->obj[id].region];
    if (b < a) a = b;
    if (a < avail) avail = a;
  }
  return avail;
}

static uint32_t obj_size(const struct rconfig *r, uint32_t id) {
  return r->obj[id].size_bytes ? r->obj[id].size_bytes : r->obj[id].slot_bytes;
}

static void stamp(char *p, uint32_t size, uint64_t v) {
  memcpy(p, &v, sizeof v);
  memcpy(p + size - sizeof v, &v, sizeof v);
}

static int stamp_ok(const char *p, uint32_t size, uint64_t v) {
  uint64_t a, b;
  memcpy(&a, p, sizeof a);
  memcpy(&b, p + size - sizeof b, sizeof b);
  return a == v && b == v;
}

static void compare(struct stingy_heap *h, const struct rconfig *r, struct model *m) {
  for (uint32_t i = 0; i < r->c.n_objects; i++) {
    struct stingy_object_stats s;
    EXPECT(stingy_heap_stats(h, i, &s) == 0, "stats of object %u", i);
    EXPECT(s.live == m->live[i] && s.high_water == m->high[i] && s.hits == m->hits[i] &&
               s.fallbacks == m->fallbacks[i] && s.frees == m->frees[i],
           "object %u: live %u/%u high %u/%u hits %llu/%llu fallbacks %llu/%llu frees %llu/%llu"
           " (runtime/model)",
           i, s.live, m->live[i], s.high_water, m->high[i], (unsigned long long)s.hits,
           (unsigned long long)m->hits[i], (unsigned long long)s.fallbacks,
           (unsigned long long)m->fallbacks[i], (unsigned long long)s.frees,
           (unsigned long long)m->frees[i]);
  }
  for (uint32_t g = 0; g < r->c.n_regions; g++) {
    struct stingy_region_stats s;
    stingy_heap_region_stats(h, g, &s);
    EXPECT(s.free_slots == m->free_slots[g], "region %u: %u free slots, model %u", g,
           s.free_slots, m->free_slots[g]);
  }
  for (uint32_t s = 0; s < r->c.n_stages; s++) {
    uint32_t want = model_avail(r, m, s);
    uint32_t got = stingy_heap_dyn_avail(h, s);
    int check = stingy_heap_dyn_check(h, s);
    m->checks[s] += 2;
    m->failures[s] += want == 0 ? 2 : 0;
    EXPECT(got == want, "stage %u: dyn_avail %u, model %u", s, got, want);
    EXPECT(check == (want > 0), "stage %u: dyn_check %d, model avail %u", s, check, want);
    struct stingy_stage_stats t;
    stingy_heap_stage_stats(h, s, &t);
    EXPECT(t.checks == m->checks[s] && t.failures == m->failures[s],
           "stage %u: %llu checks %llu failures, model %llu %llu", s,
           (unsigned long long)t.checks, (unsigned long long)t.failures,
           (unsigned long long)m->checks[s], (unsigned long long)m->failures[s]);
  }
  struct stingy_info in;
  stingy_heap_info(h, &in);
  EXPECT(in.foreign_frees == m->foreign, "%llu foreign frees, model %llu",
         (unsigned long long)in.foreign_frees, (unsigned long long)m->foreign);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s OPS SEED [CONFIGS]\n", argv[0]);
    return 2;
  }
  unsigned long long ops = strtoull(argv[1], NULL, 10);
  unsigned long long seed = strtoull(argv[2], NULL, 10);
  unsigned configs = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 10;
  if (configs == 0) configs = 1;
  rng_state = seed;
  printf("stress: seed %llu, %llu operations over %u random configurations\n", seed, ops, configs);

  static struct rconfig r;
  static struct model m;
  size_t cap = 1 << 12;
  struct held *held = malloc(cap * sizeof *held);
  uint64_t serial = 0, hits = 0, fallbacks = 0, frees = 0, checks = 0, full = 0;
  unsigned pages_seen[4] = {0}, lines_seen[3] = {0};
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);

  for (config_no = 0; config_no < configs; config_no++) {
    /* lines of 32, 64 and 128 bytes in turn, across the page strategies (config_no % 3): 64
       bytes take the runtime's inlined fast paths, the others their out-of-line copy */
    uint32_t line_k = (config_no + config_no / 3) % 3;
    lines_seen[line_k]++;
    random_config(&r, 32u << line_k);
    memset(&m, 0, sizeof m);
    for (uint32_t g = 0; g < r.c.n_regions; g++) m.free_slots[g] = r.reg[g].slots;
    unsigned flags = config_no % 3 == 0 ? 0 : config_no % 3 == 1 ? STINGY_NO_HUGETLB
                                                                 : STINGY_NO_HUGETLB | STINGY_NO_THP;
    struct stingy_heap *h = stingy_heap_create(&r.c, flags);
    if (!h) {
      fprintf(stderr, "config %u refused: %s\n", config_no, stingy_error());
      return 1;
    }
    struct stingy_info in;
    stingy_heap_info(h, &in);
    pages_seen[in.pages]++;
    struct stingy_region_stats rs[MAX_REG];
    for (uint32_t g = 0; g < r.c.n_regions; g++) stingy_heap_region_stats(h, g, &rs[g]);
    uintptr_t slabs_lo = (uintptr_t)in.low;
    size_t slabs_len = in.low_bytes + in.cache_mapped_bytes + in.high_bytes;

    size_t n_held = 0;
    unsigned long long end = ops * (config_no + 1) / configs;
    uint32_t total_slots = 0;
    for (uint32_t g = 0; g < r.c.n_regions; g++) total_slots += r.reg[g].slots;
    size_t held_limit = 2 * (size_t)total_slots + 16;
    uint32_t p_alloc = 50;
    for (; op < end; op++) {
      if (op % 4096 == 0) p_alloc = 30 + 10 * rnd(5); /* phases: draining to filling */
      uint32_t dice = rnd(100);
      if (dice < 2) { /* a dynamic check */
        uint32_t s = rnd(r.c.n_stages), want = model_avail(&r, &m, s);
        int got = stingy_heap_dyn_check(h, s);
        m.checks[s]++;
        if (want == 0) m.failures[s]++;
        checks++;
        EXPECT(got == (want > 0), "stage %u: dyn_check %d, model avail %u", s, got, want);
      } else if (dice < 3) {
        stingy_heap_free(h, NULL);
      } else if (n_held > 0 && (dice >= p_alloc || n_held >= held_limit)) {
        size_t k = rnd((uint32_t)n_held);
        struct held e = held[k];
        held[k] = held[--n_held];
        EXPECT(stamp_ok(e.p, obj_size(&r, e.id), e.stamp), "object %u at %p: stamp overwritten",
               e.id, (void *)e.p);
        stingy_heap_free(h, e.p);
        if (e.slot >= 0) {
          uint32_t g = r.obj[e.id].region;
          m.used[g][e.slot] = 0;
          m.free_slots[g]++;
          m.live[e.id]--;
          m.frees[e.id]++;
        } else {
          m.foreign++;
        }
        frees++;
      } else {
        uint32_t id = rnd(r.c.n_objects), g = r.obj[id].region;
        int hit = m.live[id] < r.obj[id].count && m.free_slots[g] > 0;
        char *p = stingy_heap_alloc(h, id);
        struct held e = {p, ++serial * 0x9E3779B97F4A7C15ull, id, -1};
        if (hit) {
          uintptr_t first = (uintptr_t)in.cache + rs[g].first_slot_bytes;
          uintptr_t d = (uintptr_t)p - first;
          EXPECT((uintptr_t)p >= first && d % rs[g].stride_bytes == 0 &&
                     d / rs[g].stride_bytes < rs[g].slots,
                 "object %u: %p is not a slot of region %u", id, (void *)p, g);
          EXPECT((uintptr_t)p % r.c.line_bytes == 0, "object %u: %p not line-aligned", id,
                 (void *)p);
          if ((uintptr_t)p >= first && d / rs[g].stride_bytes < rs[g].slots) {
            e.slot = (int)(d / rs[g].stride_bytes);
            EXPECT(!m.used[g][e.slot], "object %u: slot %d of region %u is already live", id,
                   e.slot, g);
            m.used[g][e.slot] = 1;
          } else {
            e.slot = -1;
          }
          m.free_slots[g]--;
          if (++m.live[id] > m.high[id]) m.high[id] = m.live[id];
          m.hits[id]++;
          hits++;
        } else {
          EXPECT(p != NULL && (uintptr_t)p - slabs_lo >= slabs_len,
                 "object %u: expected a malloc fallback (live %u, n_O %u, region %u free %u),"
                 " got %p",
                 id, m.live[id], r.obj[id].count, g, m.free_slots[g], (void *)p);
          m.fallbacks[id]++;
          fallbacks++;
        }
        stamp(p, obj_size(&r, id), e.stamp);
        if (n_held == cap) held = realloc(held, (cap *= 2) * sizeof *held);
        held[n_held++] = e;
      }
      if (op % 997 == 0) {
        compare(h, &r, &m);
        full++;
      }
      if (mismatches > 20) break;
    }
    /* drain: every held object back, every slot free again */
    while (n_held) {
      struct held e = held[--n_held];
      EXPECT(stamp_ok(e.p, obj_size(&r, e.id), e.stamp), "object %u: stamp overwritten", e.id);
      stingy_heap_free(h, e.p);
      if (e.slot >= 0) {
        uint32_t g = r.obj[e.id].region;
        m.used[g][e.slot] = 0;
        m.free_slots[g]++;
        m.live[e.id]--;
        m.frees[e.id]++;
      } else {
        m.foreign++;
      }
    }
    compare(h, &r, &m);
    full++;
    for (uint32_t g = 0; g < r.c.n_regions; g++)
      EXPECT(m.free_slots[g] == r.reg[g].slots, "region %u not all free after drain", g);
    stingy_heap_destroy(h);
    if (mismatches > 20) break;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  free(held);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("stress: %llu operations: %" PRIu64 " slab allocations, %" PRIu64
         " malloc fallbacks, %" PRIu64 " frees, %" PRIu64 " dynamic checks, %" PRIu64
         " full comparisons\n",
         op, hits, fallbacks, frees, checks, full);
  printf("stress: heaps on hugetlb %u, THP %u, normal pages %u\n", pages_seen[STINGY_PAGES_HUGETLB],
         pages_seen[STINGY_PAGES_THP], pages_seen[STINGY_PAGES_NORMAL]);
  printf("stress: configurations with lines of 32, 64, 128 bytes: %u, %u, %u\n", lines_seen[0],
         lines_seen[1], lines_seen[2]);
  printf("stress: %.3f s, %.0f operations/s (model and checks included)\n", secs,
         secs > 0 ? (double)op / secs : 0.0);
  printf("stress: %ld mismatches\n", mismatches);
  return mismatches == 0 && hits > 0 && fallbacks > 0 ? 0 : 1;
}
