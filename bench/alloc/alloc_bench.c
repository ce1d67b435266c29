/*
 * alloc_bench: ns per alloc/free pair of malloc/free (whichever library provides malloc: run it
 * with LD_PRELOAD for jemalloc, mimalloc, tcmalloc) or of stingy_alloc/stingy_free, on three
 * patterns: one size class, a mix of classes, an event loop of N tasks (bench/alloc/README.md).
 *
 *   alloc_bench malloc|stingy [PAIRS [N...]]
 *
 * PAIRS (default 10^7) pairs per pattern; N the event loop's task counts (default 64 1024 4096).
 * Times are the thread's CPU time (the machine is shared), not wall time.
 * Output: "# ..." comment lines (which library provides malloc; Stingy's pages), then one line
 * per pattern: "result PATTERN NS_PER_PAIR SLAB_FRACTION" (SLAB_FRACTION: the share of
 * allocations served from the cache slab; 1 for malloc).
 */
#define _GNU_SOURCE 1 /* dladdr, RTLD_DEFAULT */

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stingy_config.h"

/* the pointer escapes to memory the compiler cannot see: no pair is optimised away */
#define ESCAPE(p) __asm__ __volatile__("" : : "r"(p) : "memory")

#define MIX_WINDOW 32u
#define MIX_STREAM 65536u /* a power of two */

/* the size each object asks malloc for (its own size, not Stingy's slot) */
static const size_t object_bytes[STINGY_N_OBJECTS] = {
    [MIX_40] = 40, [MIX_256] = 256, [MIX_512] = 512, [MIX_4096] = 4096,
    [EV_REQ] = 256, [EV_HDR] = 40,  [EV_BUF] = 512,  [EV_BODY] = 4096,
};
static const uint32_t mix_class[4] = {MIX_40, MIX_256, MIX_512, MIX_4096};
static uint32_t mix_stream[MIX_STREAM]; /* (class id << 16) | random bits for the slot */

struct task {
  uint64_t *req, *hdr, *buf, *body;
  uint32_t stage;
};

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t rng_state = 0x2545F4914F6CDD1DULL; /* fixed seed */
static uint64_t rng(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ULL;
}

static void make_mix_stream(void) {
  for (uint32_t i = 0; i < MIX_STREAM; i++) {
    uint64_t r = rng();
    uint32_t pct = (uint32_t)((r >> 32) % 100);
    uint32_t id = pct < 50 ? MIX_40 : pct < 75 ? MIX_256 : pct < 90 ? MIX_512 : MIX_4096;
    mix_stream[i] = (id << 16) | (uint32_t)(r & 0xFFFF);
  }
}

#define NAME(x) x##_malloc
#define ALLOC(id) malloc(object_bytes[(id)])
#define FREE(p) free(p)
#include "patterns.h"
#undef NAME
#undef ALLOC
#undef FREE

#define NAME(x) x##_stingy
#define ALLOC(id) stingy_alloc((id))
#define FREE(p) stingy_free(p)
#include "patterns.h"
#undef NAME
#undef ALLOC
#undef FREE

static int use_stingy;
static volatile uint64_t sink;

static double slab_share(const struct stingy_info *before) {
  if (!use_stingy) return 1.0;
  struct stingy_info after;
  stingy_info(&after);
  double hits = (double)(after.hits - before->hits);
  double all = hits + (double)(after.fallbacks - before->fallbacks);
  return all > 0 ? hits / all : 1.0;
}

static void snapshot(struct stingy_info *in) {
  if (use_stingy)
    stingy_info(in);
  else
    memset(in, 0, sizeof *in);
}

static void report(const char *pattern, double ns, uint64_t pairs, double share) {
  printf("result %s %.3f %.4f\n", pattern, ns / (double)pairs, share);
  fflush(stdout);
}

int main(int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "malloc") != 0 && strcmp(argv[1], "stingy") != 0)) {
    fprintf(stderr, "usage: %s malloc|stingy [PAIRS [N...]]\n", argv[0]);
    return 2;
  }
  use_stingy = strcmp(argv[1], "stingy") == 0;
  uint64_t pairs = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000ULL;
  uint32_t ns_default[] = {64, 1024, 4096};
  uint32_t n_count = argc > 3 ? (uint32_t)(argc - 3) : 3;

  Dl_info di;
  void *m = dlsym(RTLD_DEFAULT, "malloc");
  printf("# malloc provided by %s\n",
         m && dladdr(m, &di) && di.dli_fname ? di.dli_fname : "?");
  if (use_stingy) {
    if (stingy_init() != 0) {
      fprintf(stderr, "stingy_init: %s\n", stingy_error());
      return 1;
    }
    struct stingy_info in;
    stingy_info(&in);
    printf("# stingy: cache slab %zu bytes, %s\n", in.cache_bytes, stingy_pages_name(in.pages));
  }
  make_mix_stream();

  struct stingy_info before;
  double t0, ns;

  /* warm-up of each pattern (first touches of the allocator's memory), then the timed run */
  snapshot(&before);
  sink += use_stingy ? single_stingy(pairs / 100) : single_malloc(pairs / 100);
  t0 = now_ns();
  sink += use_stingy ? single_stingy(pairs) : single_malloc(pairs);
  ns = now_ns() - t0;
  report("single-256", ns, pairs, slab_share(&before));

  snapshot(&before);
  sink += use_stingy ? mix_stingy(pairs / 100) : mix_malloc(pairs / 100);
  t0 = now_ns();
  sink += use_stingy ? mix_stingy(pairs) : mix_malloc(pairs);
  ns = now_ns() - t0;
  report("mix", ns, pairs, slab_share(&before));

  for (uint32_t k = 0; k < n_count; k++) {
    uint32_t n = argc > 3 ? (uint32_t)strtoul(argv[3 + k], NULL, 10) : ns_default[k];
    if (n == 0) continue;
    struct task *tasks = calloc(n, sizeof *tasks);
    if (!tasks) return 1;
    uint64_t rounds = (pairs + n - 1) / n;
    snapshot(&before);
    sink += use_stingy ? event_stingy(tasks, n, rounds, &ns) : event_malloc(tasks, n, rounds, &ns);
    char name[32];
    snprintf(name, sizeof name, "event-%u", n);
    report(name, ns, rounds * n, slab_share(&before));
    free(tasks);
  }
  if (use_stingy) {
    struct stingy_info in;
    stingy_info(&in);
    printf("# stingy: %llu hits, %llu fallbacks in all\n", (unsigned long long)in.hits,
           (unsigned long long)in.fallbacks);
  }
  return 0;
}
