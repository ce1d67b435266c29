/*
 * Runs a configuration stingygen generated (GeneratedConfigCTest): stingy_init accepts it; every
 * object is served from the cache slab exactly up to its count, the next allocation falls back to
 * malloc; every stage passes its dynamic check when nothing is allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stingy_config.h"

int main(void) {
  if (stingy_init() != 0) {
    printf("stingy_init failed: %s\n", stingy_error());
    return 1;
  }
  int failures = 0;
  for (int id = 0; id < (int)STINGY_N_OBJECTS; id++) {
    const struct stingy_object_config *o = &stingy_config.objects[id];
    void **p = calloc((size_t)o->count + 1, sizeof *p);
    if (!p) return 2;
    for (uint32_t k = 0; k <= o->count; k++) {
      p[k] = stingy_alloc((uint32_t)id);
      memset(p[k], 0xab, o->size_bytes ? o->size_bytes : o->slot_bytes);
    }
    struct stingy_object_stats st;
    stingy_stats((uint32_t)id, &st);
    int ok = st.hits == o->count && st.fallbacks == 1;
    printf("object %d %s: count %u, hits %llu, fallbacks %llu: %s\n", id, o->name, o->count,
           (unsigned long long)st.hits, (unsigned long long)st.fallbacks, ok ? "ok" : "WRONG");
    failures += !ok;
    for (uint32_t k = 0; k <= o->count; k++) stingy_free(p[k]);
    free(p);
  }
  for (int s = 0; s < (int)STINGY_N_STAGES; s++) {
    int ok = stingy_dyn_check((uint32_t)s);
    printf("stage %d %s: dyn check %s\n", s, stingy_config.stages[s].name, ok ? "ok" : "WRONG");
    failures += !ok;
  }
  printf("%d failures\n", failures);
  stingy_fini();
  return failures != 0;
}
