/*
 * srv_alloc.h - minihttpd's allocator interface, annotated for Broomstick.
 *
 * Every allocation of the server goes through srv_malloc/srv_free, so each call of srv_malloc is one
 * allocation site ("object") for memwalk. They are malloc/free underneath, the family the Stingy
 * runtime falls back to: a pointer from srv_malloc may be given to stingy_free and vice versa.
 */
#ifndef SRV_ALLOC_H
#define SRV_ALLOC_H

#include <stddef.h>

#include "broomstick.h"

void *srv_malloc(size_t size) BROOMSTICK_MALLOC("size");
void srv_free(void *p) BROOMSTICK_FREE("ptr");

/* Calls of the two wrappers, for the exit summary (a leak shows as allocs != frees). */
struct srv_alloc_counts {
  unsigned long long allocs, frees, failures;
};
extern struct srv_alloc_counts srv_alloc_counts;

#endif /* SRV_ALLOC_H */
