/*
 * Planted bugs, one per process: test_death SCENARIO. Each scenario (but "clean") must end the
 * process with the runtime's, ASan's or valgrind's message; CRuntimeTest checks which and that the
 * process aborted. "clean" does correct work the same way and must exit 0 in every build.
 *
 *   double-free   free a slab object twice                 (any build)
 *   interior      free a pointer 64 bytes into a slot      (any build)
 *   misaligned    free a pointer 1 byte into a slot        (any build)
 *   never         free a slot start never handed out       (any build)
 *   low-slab      free a pointer into the low slab         (any build)
 *   bad-id        allocate an object id out of range       (any build)
 *   redzone-after write one byte past the object's size     (STINGY_DEBUG; ASan; valgrind)
 *   redzone-before write one byte before the object         (STINGY_DEBUG)
 *   uaf           write into a freed slot, then allocate it again (STINGY_DEBUG; ASan; valgrind)
 */
#include <stdio.h>
#include <string.h>

#include "stingy_config.h"

static volatile char sink;

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCENARIO\n", argv[0]);
    return 2;
  }
  const char *s = argv[1];
  if (stingy_init() != 0) {
    fprintf(stderr, "stingy_init: %s\n", stingy_error());
    return 3;
  }
  char *p = stingy_alloc(OBJ_HDR); /* 100 bytes in a 128-byte slot of region 1 */
  char *q = stingy_alloc(OBJ_HDR);
  memset(p, 'x', 100);
  memset(q, 'y', 100);
  if (strcmp(s, "clean") == 0) {
    for (int i = 0; i < 1000; i++) {
      stingy_free(p);
      p = stingy_alloc(i % 2 ? OBJ_HDR : OBJ_BODY);
      memset(p, 'z', i % 2 ? 100 : 300);
      sink = p[0];
    }
    stingy_free(p);
    stingy_free(q);
    stingy_dump(stdout);
    stingy_fini();
    puts("clean: ok");
    return 0;
  }
  if (strcmp(s, "double-free") == 0) {
    stingy_free(p);
    stingy_free(p);
  } else if (strcmp(s, "interior") == 0) {
    char *r = stingy_alloc(OBJ_REQ); /* 256-byte slots: p + 64 is a line inside */
    stingy_free(r + 64);
  } else if (strcmp(s, "misaligned") == 0) {
    stingy_free(p + 1);
  } else if (strcmp(s, "never") == 0) {
    struct stingy_info in;
    struct stingy_region_stats r;
    stingy_info(&in);
    stingy_region_stats(0, &r);
    stingy_free(in.cache + r.first_slot_bytes + r.stride_bytes * (r.slots - 1));
  } else if (strcmp(s, "low-slab") == 0) {
    struct stingy_info in;
    stingy_info(&in);
    stingy_free(in.low + 64);
  } else if (strcmp(s, "bad-id") == 0) {
    sink = *(char *)stingy_alloc(STINGY_N_OBJECTS + 7);
  } else if (strcmp(s, "redzone-after") == 0) {
    p[100] = 1;
    stingy_free(p);
  } else if (strcmp(s, "redzone-before") == 0) {
    p[-1] = 1;
    stingy_free(p);
  } else if (strcmp(s, "uaf") == 0) {
    stingy_free(p);
    p[5] = 1; /* a write through a dangling pointer */
    p = stingy_alloc(OBJ_HDR); /* the same slot (LIFO): its poison is checked */
    sink = p[0];
  } else {
    fprintf(stderr, "unknown scenario %s\n", s);
    return 2;
  }
  printf("%s: not detected\n", s);
  return 0;
}
