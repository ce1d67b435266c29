/*
 * latency.c: load-to-use latency of this machine's cache levels, by a dependent pointer chase over a
 * random cyclic permutation of 64-byte lines in buffers of growing size (each load's address comes
 * from the previous load, so neither out-of-order execution nor the prefetchers can hide it).
 *
 *   latency [SIZE_KB ...]      default: 16 256 768 4096 16384 262144
 *
 * Prints ns per load per size. bench/payoff/README.md uses the L3 figure to bound what removing a
 * counted L2 miss can save: misses per request x (L3 latency - L2 latency) is an upper bound on the
 * time they cost (a prefetched or overlapped miss costs less).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { LINE = 64 };

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void) { /* xorshift64 */
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double chase_ns(size_t bytes) {
  size_t n = bytes / LINE;
  char *buf = aligned_alloc(LINE, n * LINE);
  size_t *order = malloc(n * sizeof *order);
  if (!buf || !order) {
    fprintf(stderr, "latency: out of memory for %zu bytes\n", bytes);
    exit(1);
  }
  for (size_t i = 0; i < n; i++) order[i] = i;
  for (size_t i = n - 1; i > 0; i--) { /* Fisher-Yates: one cycle through every line */
    size_t j = next_rand() % (i + 1), t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (size_t i = 0; i < n; i++) *(void **)(buf + order[i] * LINE) = buf + order[(i + 1) % n] * LINE;
  free(order);
  void **p = (void **)buf;
  size_t steps = 20 * 1000 * 1000;
  for (size_t i = 0; i < n; i++) p = (void **)*p; /* warm: every line once */
  double best = 1e30;
  for (int rep = 0; rep < 5; rep++) {
    double t0 = now_ns();
    for (size_t i = 0; i < steps; i++) p = (void **)*p;
    double t = (now_ns() - t0) / steps;
    if (t < best) best = t;
  }
  if (p == NULL) puts(""); /* keep the chase */
  free(buf);
  return best;
}

int main(int argc, char **argv) {
  static const long defaults[] = {16, 256, 768, 4096, 16384, 262144};
  int n = argc > 1 ? argc - 1 : (int)(sizeof defaults / sizeof *defaults);
  printf("size_kb,ns_per_load\n");
  for (int i = 0; i < n; i++) {
    long kb = argc > 1 ? strtol(argv[i + 1], NULL, 10) : defaults[i];
    if (kb <= 0) {
      fprintf(stderr, "latency: bad size '%s'\n", argv[i + 1]);
      return 2;
    }
    printf("%ld,%.2f\n", kb, chase_ns((size_t)kb * 1024));
    fflush(stdout);
  }
  return 0;
}
