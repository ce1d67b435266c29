/* srv_alloc.c - the annotated allocation wrappers of minihttpd (see srv_alloc.h). */
#include <stdlib.h>

#include "srv_alloc.h"

struct srv_alloc_counts srv_alloc_counts;

void *srv_malloc(size_t size) {
  void *p = malloc(size);
  if (p == NULL) {
    srv_alloc_counts.failures++;
    return NULL;
  }
  srv_alloc_counts.allocs++;
  return p;
}

void srv_free(void *p) {
  if (p != NULL) {
    srv_alloc_counts.frees++;
  }
  free(p);
}
