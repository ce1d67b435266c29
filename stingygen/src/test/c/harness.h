/* A tiny assert harness for the runtime's C tests: CHECK counts, never stops; main ends with
   harness_report(), which prints "N passed, M failed" and returns the exit status. */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdio.h>

static int harness_passed, harness_failed;

#define CHECK(cond)                                                           \
  do {                                                                        \
    if (cond) {                                                               \
      harness_passed++;                                                       \
    } else {                                                                  \
      harness_failed++;                                                       \
      fprintf(stderr, "%s:%d: %s: CHECK failed: %s\n", __FILE__, __LINE__,    \
              __func__, #cond);                                               \
    }                                                                         \
  } while (0)

#define CHECK_EQ(a, b)                                                                      \
  do {                                                                                      \
    unsigned long long harness_a = (unsigned long long)(a);                                 \
    unsigned long long harness_b = (unsigned long long)(b);                                 \
    if (harness_a == harness_b) {                                                           \
      harness_passed++;                                                                     \
    } else {                                                                                \
      harness_failed++;                                                                     \
      fprintf(stderr, "%s:%d: %s: CHECK_EQ failed: %s == %llu, %s == %llu\n", __FILE__,      \
              __LINE__, __func__, #a, harness_a, #b, harness_b);                            \
    }                                                                                       \
  } while (0)

#define RUN(test)                           \
  do {                                      \
    int harness_before = harness_failed;    \
    test();                                 \
    printf("%s %s\n", harness_failed == harness_before ? "ok  " : "FAIL", #test); \
  } while (0)

static int harness_report(void) {
  printf("%d passed, %d failed\n", harness_passed, harness_failed);
  return harness_failed == 0 && harness_passed > 0 ? 0 : 1;
}

#endif
