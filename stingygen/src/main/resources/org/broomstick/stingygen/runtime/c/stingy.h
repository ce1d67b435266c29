/*
 * stingy.h: the Stingy allocator's C runtime (Broomstick; SPEC section 6, thesis 5.2 and 7.4.3).
 *
 * A server links stingy.c with the stingy_config.c that stingygen generates for it. The
 * configuration gives, for every per-task allocation site ("object"), how many instances n_O may
 * live in the cache slab at once and which region (colour) holds them. Objects of one region are
 * never live together in one task, so they share the region's slots; each object still keeps its
 * own limit n_O. An allocation beyond n_O, or when the region is full, falls back to malloc.
 *
 * Memory map (thesis figure 7.4), from low to high addresses:
 *
 *     low slab | cache slab: stack area, globals area, region 0, region 1, ... | high slab
 *
 * The cache slab is the size of the L2 cache, cache-line aligned, and physically contiguous when
 * a 2 MiB huge page is available, so that distinct addresses in it map to distinct cache lines.
 * The low slab backs the stack area (a stack that outgrows its estimate spills into it instead of
 * overwriting globals); the high slab is reserved above for objects larger than their configured
 * size (no allocation API uses it yet). Both are plain read-write mappings reserved at start-up
 * (MAP_NORESERVE).
 *
 * Thread safety: a heap (struct stingy_heap) is not thread safe and takes no locks; use one heap
 * per event-loop thread and free a pointer through the heap, and on the thread, that allocated it.
 * The stingy_* functions without a heap argument use a default heap: one for the whole process,
 * or one per thread when stingy.c is compiled with -DSTINGY_PER_THREAD (then every thread that
 * allocates calls stingy_init() first). stingy_heap_create() makes further independent heaps.
 *
 * Debug build: compile stingy.c with -DSTINGY_DEBUG to surround every slot with red zones (checked
 * when the slot is freed), fill freed slots with a poison byte (checked when the slot is handed out
 * again), and abort with a message naming the object on a double free or a free of a pointer that
 * is inside the cache slab but not at a slot start (the last two are also caught without
 * STINGY_DEBUG, at the cost of one compare). The red zones move the regions, so a debug build does
 * not keep the cache layout: it is for finding bugs, not for measuring. Under AddressSanitizer
 * (-fsanitize=address) free slots are poisoned for ASan; with -DSTINGY_VALGRIND they are marked
 * inaccessible for valgrind memcheck.
 *
 * All functions are O(1) except stingy_dyn_check/stingy_dyn_avail (O(objects the stage
 * allocates)), initialisation and the statistics dump.
 */
#ifndef STINGY_H
#define STINGY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------
 * The configuration contract. stingygen emits stingy_config.h (enums of object and stage ids)
 * and stingy_config.c, which defines `const struct stingy_config stingy_config`. All sizes and
 * offsets are bytes; offsets are from the start of the cache slab.
 * ------------------------------------------------------------------------------------------ */

/* Bumped when a field below changes meaning; stingy_init refuses a config of another version. */
#define STINGY_CONFIG_VERSION 1u

/* Largest number of objects a configuration may have (ids are kept in 15 bits per slot). */
#define STINGY_MAX_OBJECTS 32000u

/* Largest number of regions a configuration may have (a slot's region is kept in 16 bits). */
#define STINGY_MAX_REGIONS 65536u

/* One per-task allocation site (thesis: an "object" O). */
struct stingy_object_config {
  const char *name;     /* the site, e.g. "http.c:214:17#zmalloc"; used in dumps and messages */
  uint32_t size_bytes;  /* the object's own size; 0 when unknown (taken as slot_bytes). The debug
                           build treats the bytes from size_bytes to the end of the slot as red zone */
  uint32_t slot_bytes;  /* the object's size rounded up to a cache line; at most its region's
                           slot_bytes; also the size of the malloc fallback */
  uint32_t count;       /* n_O: at most this many instances live in the cache slab at once (may
                           be 0: always malloc); at most the region's slots */
  uint32_t region;      /* index into stingy_config.regions */
};

/* One region (a colour of the interference graph): slots shared by objects never live together. */
struct stingy_region_config {
  uint32_t offset_bytes;  /* start in the cache slab; a multiple of line_bytes */
  uint32_t slot_bytes;    /* the largest member's slot_bytes; a multiple of line_bytes */
  uint32_t slots;         /* the largest member's count */
};

/* Stage flag: an entry stage (accept, new request). Its dynamic check is the admission control:
   the scheduler helper leaves new work waiting while it fails (SPEC section 6). */
#define STINGY_STAGE_ENTRY 1u

/* One stage of the server, for the dynamic check and the scheduler helper (thesis 5.2.4, 7.4.5). */
struct stingy_stage_config {
  const char *name;           /* the stage's entry function */
  const uint32_t *allocates;  /* ids of the objects the stage allocates (A_s), each once */
  uint32_t n_allocates;
  uint32_t cap;    /* tasks the stage can hold: min n_O over the objects live at its start (L_s);
                      0 when L_s is empty (no cap). The scheduler's "maximal flow" is queued >= cap */
  uint32_t rank;   /* position in the pipeline: 0 for entry stages, else the length of the
                      shortest stage path from an entry stage */
  uint32_t flags;  /* STINGY_STAGE_ENTRY */
};

struct stingy_config {
  uint32_t version;        /* STINGY_CONFIG_VERSION */
  uint32_t line_bytes;     /* cache line size, a power of two */
  size_t cache_bytes;      /* size of the cache slab (normally the L2 size); a multiple of line */
  size_t stack_offset;     /* stack area: lowest in the cache slab, grows down into the low slab */
  size_t stack_bytes;
  size_t globals_offset;   /* final globals, above the stack */
  size_t globals_bytes;
  size_t low_bytes;        /* low slab below the cache slab (stack spill) */
  size_t high_bytes;       /* high slab above the cache slab */
  uint32_t n_objects;
  const struct stingy_object_config *objects;   /* indexed by object id */
  uint32_t n_regions;
  const struct stingy_region_config *regions;   /* indexed by region id; must not overlap each
                                                   other, the stack or the globals area */
  uint32_t n_stages;
  const struct stingy_stage_config *stages;     /* indexed by stage id */
};

/* Defined by the generated stingy_config.c; used by stingy_init() and the default heap. */
extern const struct stingy_config stingy_config;

/* ------------------------------------------------------------------------------------------
 * Set-up and the default heap.
 * ------------------------------------------------------------------------------------------ */

/* How the cache slab's memory was obtained. */
enum stingy_pages {
  STINGY_PAGES_NONE = 0,  /* not initialised */
  STINGY_PAGES_HUGETLB,   /* MAP_HUGETLB: physically contiguous 2 MiB pages */
  STINGY_PAGES_THP,       /* transparent huge pages (madvise), confirmed in /proc/self/smaps */
  STINGY_PAGES_NORMAL     /* base pages: no physical contiguity */
};

/* Flags of stingy_heap_create(). The environment variable STINGY_PAGES=normal|thp|hugetlb sets
   the same for stingy_init() ("thp": skip MAP_HUGETLB; "normal": no huge pages at all). */
#define STINGY_NO_HUGETLB 1u
#define STINGY_NO_THP 2u

/* Validates stingy_config and maps the slabs of the default heap. Returns 0, or -1 with
   stingy_error() set (then every stingy_alloc falls back to malloc and stingy_dyn_check says
   yes). A second call is a no-op returning 0. */
int stingy_init(void);

/* Unmaps the default heap (pointers into its slab become invalid). For tests and leak checkers. */
void stingy_fini(void);

/* An object of the cache slab, or malloc(slot_bytes) when the object is at n_O or its region has
   no free slot. Slab pointers are line-aligned. Aborts on an id out of range. */
void *stingy_alloc(uint32_t id);

/* Returns a slot to its region when p is in the cache slab; hands any other pointer to free().
   NULL is a no-op. Aborts on a double free or a pointer inside the slab but not at a slot start. */
void stingy_free(void *p);

/* 1 iff every object the stage allocates can come from the cache slab now (its live count is
   below n_O and its region has a free slot); stages that allocate nothing always pass. */
int stingy_dyn_check(uint32_t stage);

/* How many tasks could run the stage now with every allocation served from the slab: the minimum
   over the objects it allocates of min(n_O - live, free slots of the region); UINT32_MAX for a
   stage that allocates nothing. stingy_dyn_check(s) == (stingy_dyn_avail(s) > 0). */
uint32_t stingy_dyn_avail(uint32_t stage);

/* The message of the last failed stingy_init/stingy_heap_create on this thread. */
const char *stingy_error(void);

/* ------------------------------------------------------------------------------------------
 * Statistics.
 * ------------------------------------------------------------------------------------------ */

struct stingy_object_stats {
  const char *name;
  uint32_t region;
  uint32_t count;       /* n_O */
  uint32_t live;        /* instances now in the slab */
  uint32_t high_water;  /* most instances ever live in the slab at once */
  uint64_t hits;        /* allocations served from the slab */
  uint64_t fallbacks;   /* allocations that went to malloc */
  uint64_t frees;       /* slab instances freed */
};

struct stingy_region_stats {
  uint32_t offset_bytes;      /* start in the cache slab (debug builds: after re-layout) */
  uint32_t first_slot_bytes;  /* offset of slot 0 in the cache slab */
  uint32_t slot_bytes;        /* usable bytes of a slot */
  uint32_t stride_bytes;      /* distance between slots (slot_bytes plus red zones) */
  uint32_t slots;
  uint32_t free_slots;        /* now */
  uint32_t low_water;         /* fewest free slots ever */
};

struct stingy_stage_stats {
  uint64_t checks;    /* stingy_dyn_check/stingy_dyn_avail calls */
  uint64_t failures;  /* of which said no */
};

struct stingy_info {
  enum stingy_pages pages;
  int thp_advised;           /* madvise(MADV_HUGEPAGE) was accepted for the cache slab */
  int debug;                 /* built with STINGY_DEBUG */
  uint32_t line_bytes;
  uint32_t red_zone_bytes;   /* 0 unless debug */
  char *low;   size_t low_bytes;
  char *cache; size_t cache_bytes;   /* cache_bytes may exceed the configured size in debug builds */
  size_t cache_mapped_bytes;         /* the mapping behind the cache slab (2 MiB multiple) */
  char *high;  size_t high_bytes;
  char *stack; size_t stack_bytes;     /* the stack area (the stack pointer starts at its top) */
  char *globals; size_t globals_bytes;
  uint64_t hits, fallbacks;  /* totals over the objects */
  uint64_t foreign_frees;    /* stingy_free calls handed to free() */
};

/* Each returns 0, or -1 for an index out of range or an uninitialised heap. */
int stingy_stats(uint32_t id, struct stingy_object_stats *out);
int stingy_region_stats(uint32_t region, struct stingy_region_stats *out);
int stingy_stage_stats(uint32_t stage, struct stingy_stage_stats *out);
int stingy_info(struct stingy_info *out);
const char *stingy_pages_name(enum stingy_pages pages);

/* Human-readable dump: slabs and page kind, then one line per object, region and stage. */
void stingy_dump(FILE *out);

/* ------------------------------------------------------------------------------------------
 * Explicit heaps (one per event-loop thread, or tests with several configurations).
 * ------------------------------------------------------------------------------------------ */

struct stingy_heap;

/* Validates cfg (which must outlive the heap) and maps its slabs. NULL with stingy_error() set on
   failure. */
struct stingy_heap *stingy_heap_create(const struct stingy_config *cfg, unsigned flags);
void stingy_heap_destroy(struct stingy_heap *h);
/* The default heap of stingy_alloc & co. (of this thread with STINGY_PER_THREAD); NULL before a
   successful stingy_init(). */
struct stingy_heap *stingy_default_heap(void);
const struct stingy_config *stingy_heap_config(const struct stingy_heap *h);

void *stingy_heap_alloc(struct stingy_heap *h, uint32_t id);
void stingy_heap_free(struct stingy_heap *h, void *p);
int stingy_heap_dyn_check(struct stingy_heap *h, uint32_t stage);
uint32_t stingy_heap_dyn_avail(struct stingy_heap *h, uint32_t stage);
int stingy_heap_stats(const struct stingy_heap *h, uint32_t id, struct stingy_object_stats *out);
int stingy_heap_region_stats(const struct stingy_heap *h, uint32_t region,
                             struct stingy_region_stats *out);
int stingy_heap_stage_stats(const struct stingy_heap *h, uint32_t stage,
                            struct stingy_stage_stats *out);
int stingy_heap_info(const struct stingy_heap *h, struct stingy_info *out);
void stingy_heap_dump(const struct stingy_heap *h, FILE *out);

/* Checks a configuration without mapping anything: 0, or -1 with a message in buf. */
int stingy_config_check(const struct stingy_config *cfg, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* STINGY_H */
