/*
 * stingy_by_hand.h - what stingify will do to minihttpd, done by the preprocessor, for
 * `make check-by-hand` (compiled with -include into src/minihttpd.c only, with -DSTINGY).
 *
 * Why this way: the server's source stays exactly what memwalk analyses and stingify will rewrite
 * (no #ifdef at allocation sites, no macro around an allocation call, which stingify would have to
 * leave alone), and no table keyed by line numbers that every edit would break. The allocator
 * wrappers become macros here, and each call site is told apart by the spelling of its size
 * argument (`#size`: "sizeof(struct conn)", "INBUF_BYTES", "r->content_length", ...), which is
 * unique per site in minihttpd.c; stingy_by_hand.c maps it to the object id, and for sites with a
 * BROOMSTICK_STINGY_SIZE hint applies stingify's guarded form (thesis figure 6.5: the size is
 * evaluated once; up to the hint from the cache slab, else the original allocator). An unknown
 * spelling aborts, so a new site cannot slip through unmanaged. Every free becomes stingy_free,
 * which hands pointers outside the slab to free(), the family srv_malloc uses.
 *
 * srv_alloc.h is included first, so that the wrappers' declarations are seen before the macros
 * hide their names (its include guard then keeps minihttpd.c's own #include from re-reading it).
 * srv_alloc.c, which defines the wrappers, is compiled without this header.
 */
#ifndef STINGY_BY_HAND_H
#define STINGY_BY_HAND_H

/* Read before minihttpd.c's first line: the same feature macro, so that the system headers included
   here declare accept4, memmem & co. (an identical redefinition there is no warning). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "srv_alloc.h"
#include "stingy_config.h"

void *stingy_by_hand_alloc(const char *size_spelling, size_t size);

#define srv_malloc(size) stingy_by_hand_alloc(#size, (size))
#define srv_free(p) stingy_free(p)

#endif
