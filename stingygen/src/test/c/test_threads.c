/*
 * One default heap per event-loop thread: stingy.c built with -DSTINGY_PER_THREAD. Four threads
 * each call stingy_init() and allocate and free through the default API at the same time; each
 * must get its own slabs and counters, and no lock is taken. Prints "N passed, M failed".
 */
#define _GNU_SOURCE 1 /* pthread_barrier_t under -std=c11 */

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "stingy_config.h"

#define THREADS 4
#define OPS 100000

/* every heap stays mapped until all threads are done, so their slabs must all differ */
static pthread_barrier_t done;

struct result {
  int init, own_slab, stamps;
  char *cache;
  uint64_t hits, fallbacks, live_at_end;
};

static void *loop(void *arg) {
  struct result *r = arg;
  r->init = stingy_init() == 0 && stingy_default_heap() != NULL;
  struct stingy_info in;
  stingy_info(&in);
  r->cache = in.cache;
  r->own_slab = 1;
  r->stamps = 1;
  char *held[64];
  uint32_t ids[64];
  int n = 0;
  uint64_t x = (uint64_t)(uintptr_t)arg | 1;
  for (int i = 0; i < OPS; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    if (n < 64 && (n == 0 || x % 2)) {
      uint32_t id = (uint32_t)(x >> 8) % 4; /* REQ, HDR, BODY, CONN */
      char *p = stingy_alloc(id);
      struct stingy_object_stats s;
      stingy_stats(id, &s);
      if ((uintptr_t)p - (uintptr_t)in.low < in.low_bytes + in.cache_mapped_bytes + in.high_bytes &&
          (uintptr_t)p - (uintptr_t)in.cache >= in.cache_bytes)
        r->own_slab = 0;
      memset(p, (int)id, 48);
      held[n] = p;
      ids[n++] = id;
    } else {
      int k = (int)((x >> 16) % (uint64_t)n);
      if (held[k][0] != (char)ids[k] || held[k][47] != (char)ids[k]) r->stamps = 0;
      stingy_free(held[k]);
      held[k] = held[--n];
      ids[k] = ids[n];
    }
  }
  while (n) stingy_free(held[--n]);
  stingy_info(&in);
  r->hits = in.hits;
  r->fallbacks = in.fallbacks;
  struct stingy_object_stats s;
  for (uint32_t id = 0; id < STINGY_N_OBJECTS; id++) {
    stingy_stats(id, &s);
    r->live_at_end += s.live;
  }
  pthread_barrier_wait(&done);
  stingy_fini();
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  struct result r[THREADS];
  memset(r, 0, sizeof r);
  CHECK(stingy_default_heap() == NULL);
  pthread_barrier_init(&done, NULL, THREADS);
  for (int i = 0; i < THREADS; i++) CHECK_EQ(pthread_create(&t[i], NULL, loop, &r[i]), 0);
  for (int i = 0; i < THREADS; i++) CHECK_EQ(pthread_join(t[i], NULL), 0);
  pthread_barrier_destroy(&done);
  CHECK(stingy_default_heap() == NULL); /* the main thread never initialised its heap */
  for (int i = 0; i < THREADS; i++) {
    CHECK(r[i].init);
    CHECK(r[i].own_slab);
    CHECK(r[i].stamps);
    CHECK(r[i].hits > 0 && r[i].fallbacks > 0);
    CHECK_EQ(r[i].live_at_end, 0);
    for (int j = 0; j < i; j++) CHECK(r[i].cache != r[j].cache);
    printf("thread %d: %llu slab allocations, %llu fallbacks\n", i,
           (unsigned long long)r[i].hits, (unsigned long long)r[i].fallbacks);
  }
  return harness_report();
}
