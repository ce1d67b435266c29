/*
 * stingy.c: the Stingy allocator's C runtime. The contract and the guarantees are in stingy.h.
 *
 * Data structures, chosen so that the allocator itself touches little memory:
 *  - per region, a LIFO stack of the free slots, as line numbers from the first tagged line
 *    (so also their tag indices; the most recently freed, hence cache-hot, slot is reused first;
 *    freed slots themselves are never written, so the debug poison and the sanitizers see every
 *    byte of them), kept as a stack pointer in the region's line (one load, no base + index);
 *  - per cache line of the region area, a struct line_tag: a 16-bit tag (at a slot's first line,
 *    the id of the object living there, or "freed" with the last owner, or "never used"; on other
 *    lines, "interior") and beside it the slot's 16-bit region, written only at start-up.
 *    stingy_free finds the owner and the region without dividing by a slot size and without a
 *    header inside the object, and the tag catches double and interior frees. Alloc and free
 *    store only the tag half, and free loads the region half on its own, so the region (hence the
 *    addresses of the free's stores to its region) never waits for the previous allocation's tag
 *    store: an allocation right after a free then rarely runs ahead of a free-list store whose
 *    address is still unknown (-0.9 ns per pair on the mixed-class benchmark);
 *  - per object, what alloc and free touch in 32 bytes of one cache line (its region's address,
 *    the stack pointer below which it may not allocate, hits; the room left under n_O only when
 *    it shares its region: alone, its live instances are the region's used slots); the rest
 *    (n_O, sizes, fallbacks) in a cold array.
 * The fast paths' measured effect, change by change, is in bench/alloc/README.md.
 */
#define _GNU_SOURCE 1 /* MAP_ANONYMOUS, MAP_HUGETLB, MADV_HUGEPAGE under -std=c11 */

#include "stingy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- sanitizer and valgrind annotations of free slots ----------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
#define STINGY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STINGY_ASAN 1
#endif
#endif

#if defined(STINGY_ASAN)
#include <sanitizer/asan_interface.h>
#define MARK_NOACCESS(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define MARK_UNDEFINED(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#define MARK_DEFINED(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#elif defined(STINGY_VALGRIND)
#include <valgrind/memcheck.h>
#define MARK_NOACCESS(p, n) ((void)VALGRIND_MAKE_MEM_NOACCESS((p), (n)))
#define MARK_UNDEFINED(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define MARK_DEFINED(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define MARK_NOACCESS(p, n) ((void)(p), (void)(n))
#define MARK_UNDEFINED(p, n) ((void)(p), (void)(n))
#define MARK_DEFINED(p, n) ((void)(p), (void)(n))
#endif

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define COLD __attribute__((cold, noinline))
#define NOINLINE __attribute__((noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NORETURN __attribute__((noreturn))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#define COLD
#define NOINLINE
#define ALWAYS_INLINE inline
#define NORETURN
#define PRINTF(f, a)
#endif

#define HUGE_BYTES ((size_t)2 << 20)
#define FAST_LINE_SHIFT 6u /* the line the inlined fast paths are compiled for (see heap_alloc) */

/* Slot tags, 16 bits per line; a live slot's tag is its object id. Beside it, the slot's region,
   written only at start-up (struct line_tag). */
#define TAG_FREED 0x8000u    /* | last owner: freed */
#define TAG_NEVER 0xFFFEu    /* a slot start never handed out */
#define TAG_INTERIOR 0xFFFFu /* not a slot start */
_Static_assert(STINGY_MAX_OBJECTS <= TAG_FREED, "a live slot's tag (an object id) lacks TAG_FREED");

/* One per cache line of the region area. Alloc and free store only `tag` (16 bits) and free loads
   both halves separately: `region` is never stored after start-up, so its load never waits for
   (nor is forwarded from) the previous alloc's store, and the free's stores to its region get
   their addresses as soon as the line is known. */
struct line_tag {
  uint16_t tag;    /* an object id, TAG_FREED | last owner, TAG_NEVER, TAG_INTERIOR */
  uint16_t region; /* the slot's region at a slot start (0 elsewhere); < STINGY_MAX_REGIONS */
};

#define RED_ZONE_BYTE 0xFD /* debug: red zones */
#define POISON_BYTE 0xDD   /* debug: freed slots */

#ifdef STINGY_DEBUG
#define DEBUG_BUILD 1
#else
#define DEBUG_BUILD 0
#endif

/* What stingy_alloc and stingy_free touch of an object: 32 bytes, 32-byte aligned, so one cache
   line (the slab-served frees are hits - live, not counted). An object alone in its region (the
   region is not shared) keeps no live count: its live instances are the region's used slots,
   slots - (sp - base), and its high water is slots - the region's low water. An object that
   shares its region counts its room, count - live, and the room's low water. */
struct object_state {
  uintptr_t min_sp;         /* the slab may serve it iff its region's sp > min_sp: base +
                               slots - count when alone; base | 1 when its region is shared (then
                               also room > 0): bit 0 says "shared" without another load */
  struct region_state *reg; /* its region */
  uint64_t hits;
  uint32_t room;     /* shared regions only: count - live */
  uint32_t min_room; /* shared regions only: the room's low water (high water = count - it) */
};
_Static_assert(sizeof(struct object_state) <= 32, "an object's hot state fits one cache line");

struct object_cold { /* the fallback's, the debug checks', the statistics' and dyn_check's */
  uint32_t slot_bytes;
  uint32_t size_bytes; /* never 0: slot_bytes when the config says 0 */
  uint32_t region;
  uint32_t count;      /* n_O */
  uint64_t fallbacks;
};

struct region_state { /* hot fields first; 64-byte aligned: one line */
  _Alignas(64) uint32_t *sp; /* the free slots are base[0 .. sp - base), as line numbers
                                from tag_lo (= tag indices); LIFO: sp[-1] is handed out next */
  uint32_t *low_sp;          /* sp's low water */
  uint32_t *base;
  uint32_t shared; /* more than one object lives in it: they count their room */
  uint32_t slots;
  uint32_t offset; /* of the region */
  uint32_t first;  /* offset of slot 0 */
  uint32_t slot_bytes;
  uint32_t stride;
};

struct stage_state { /* 32 bytes: what the dynamic check reads besides the objects */
  uint64_t checks;
  uint64_t failures;
  const uint32_t *allocates; /* the configuration's, copied here: no load through cfg->stages */
  uint32_t n_allocates;
};

struct stingy_heap {
  /* hot: used by every alloc/free */
  char *cache;
  char *tag_lo;     /* the first line that has a tag (slot line numbers count from it) */
  size_t tag_span;  /* bytes covered by tags (the region area) */
  size_t fast_span; /* tag_span with 64-byte lines, else 0 (see heap_free) */
  struct line_tag *tags; /* one per line */
  unsigned line_shift;
  uint32_t line_mask;
  uint32_t n_objects;
  uint32_t fast_objects; /* n_objects with 64-byte lines, else 0 (see heap_alloc) */
  struct object_state *obj;
  struct object_cold *cold;
  struct region_state *reg;
  uint64_t foreign_frees;
  /* cold */
  uint32_t n_regions;
  uint32_t n_stages;
  struct stage_state *stage;
  uint32_t *free_lists; /* backing store of every region's free array */
  const struct stingy_config *cfg;
  uint32_t red_zone;
  char *reserve;
  size_t reserve_bytes;
  char *low;
  size_t low_bytes;
  size_t cache_bytes;
  size_t cache_mapped;
  char *high;
  size_t high_bytes;
  enum stingy_pages pages;
  int thp_advised;
  int ready;
};

#ifdef STINGY_PER_THREAD
static _Thread_local struct stingy_heap default_heap;
#else
static struct stingy_heap default_heap;
#endif

static _Thread_local char error_text[512];

static PRINTF(1, 2) void set_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(error_text, sizeof error_text, fmt, ap);
  va_end(ap);
}

const char *stingy_error(void) { return error_text; }

static COLD NORETURN PRINTF(1, 2) void die(const char *fmt, ...) {
  va_list ap;
  fputs("stingy: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  abort();
}

static const char *object_name(const struct stingy_heap *h, uint32_t id) {
  const char *n = h->cfg->objects[id].name;
  return n ? n : "?";
}

/* ---- configuration check ------------------------------------------------------------------ */

struct span {
  uint64_t lo, hi;
  const char *what;
  uint32_t index;
};

static int span_cmp(const void *a, const void *b) {
  const struct span *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : 0;
}

static int fail(char *buf, size_t len, const char *fmt, ...) PRINTF(3, 4);
static int fail(char *buf, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (buf && len) vsnprintf(buf, len, fmt, ap);
  va_end(ap);
  return -1;
}

/* a function, so that -m32 does not warn that a size_t never exceeds 4 GiB */
static int above_4g(uint64_t x) { return x > UINT32_MAX; }

int stingy_config_check(const struct stingy_config *c, char *buf, size_t len) {
  if (!c) return fail(buf, len, "no configuration");
  if (c->version != STINGY_CONFIG_VERSION)
    return fail(buf, len, "configuration version %u, this runtime reads version %u", c->version,
                STINGY_CONFIG_VERSION);
  uint32_t line = c->line_bytes;
  if (line < 8 || line > 4096 || (line & (line - 1)))
    return fail(buf, len, "line size %u is not a power of two between 8 and 4096", line);
  if (c->cache_bytes == 0 || c->cache_bytes % line || above_4g(c->cache_bytes))
    return fail(buf, len, "cache slab size %zu is not a positive multiple of the line size %u below 4 GiB",
                c->cache_bytes, line);
  if ((c->n_objects && !c->objects) || (c->n_regions && !c->regions) || (c->n_stages && !c->stages))
    return fail(buf, len, "a table with a non-zero count is NULL");
  if (c->n_objects > STINGY_MAX_OBJECTS)
    return fail(buf, len, "%u objects; at most %u are supported", c->n_objects, STINGY_MAX_OBJECTS);
  if (c->n_regions > STINGY_MAX_REGIONS)
    return fail(buf, len, "%u regions; at most %u are supported", c->n_regions, STINGY_MAX_REGIONS);

  size_t n_spans = 0;
  struct span *spans = malloc(((size_t)c->n_regions + 2) * sizeof *spans);
  if (!spans) return fail(buf, len, "out of memory");
  int rc = 0;
  if ((uint64_t)c->stack_offset + c->stack_bytes > c->cache_bytes) {
    rc = fail(buf, len, "stack area [%zu, +%zu) ends beyond the cache slab of %zu bytes",
              c->stack_offset, c->stack_bytes, c->cache_bytes);
    goto out;
  }
  if ((uint64_t)c->globals_offset + c->globals_bytes > c->cache_bytes) {
    rc = fail(buf, len, "globals area [%zu, +%zu) ends beyond the cache slab of %zu bytes",
              c->globals_offset, c->globals_bytes, c->cache_bytes);
    goto out;
  }
  if (c->stack_bytes)
    spans[n_spans++] = (struct span){c->stack_offset, (uint64_t)c->stack_offset + c->stack_bytes,
                                     "stack area", 0};
  if (c->globals_bytes)
    spans[n_spans++] = (struct span){c->globals_offset,
                                     (uint64_t)c->globals_offset + c->globals_bytes,
                                     "globals area", 0};
  for (uint32_t r = 0; r < c->n_regions; r++) {
    const struct stingy_region_config *g = &c->regions[r];
    if (g->offset_bytes % line || g->slot_bytes % line) {
      rc = fail(buf, len, "region %u: offset %u or slot size %u is not a multiple of the line size %u",
                r, g->offset_bytes, g->slot_bytes, line);
      goto out;
    }
    if (g->slots && !g->slot_bytes) {
      rc = fail(buf, len, "region %u: %u slots of 0 bytes", r, g->slots);
      goto out;
    }
    uint64_t end = (uint64_t)g->offset_bytes + (uint64_t)g->slot_bytes * g->slots;
    if (end > c->cache_bytes) {
      rc = fail(buf, len, "region %u: [%u, %llu) ends beyond the cache slab of %zu bytes", r,
                g->offset_bytes, (unsigned long long)end, c->cache_bytes);
      goto out;
    }
    if (end > g->offset_bytes) spans[n_spans++] = (struct span){g->offset_bytes, end, "region", r};
  }
  qsort(spans, n_spans, sizeof *spans, span_cmp);
  for (size_t i = 1; i < n_spans; i++) {
    if (spans[i].lo < spans[i - 1].hi) {
      rc = fail(buf, len, "%s %u [%llu, %llu) overlaps %s %u [%llu, %llu)", spans[i].what,
                spans[i].index, (unsigned long long)spans[i].lo, (unsigned long long)spans[i].hi,
                spans[i - 1].what, spans[i - 1].index, (unsigned long long)spans[i - 1].lo,
                (unsigned long long)spans[i - 1].hi);
      goto out;
    }
  }
  for (uint32_t i = 0; i < c->n_objects; i++) {
    const struct stingy_object_config *o = &c->objects[i];
    const char *name = o->name ? o->name : "?";
    if (o->region >= c->n_regions) {
      rc = fail(buf, len, "object %u (%s): region %u does not exist (%u regions)", i, name,
                o->region, c->n_regions);
      goto out;
    }
    const struct stingy_region_config *g = &c->regions[o->region];
    if (o->slot_bytes == 0 || o->slot_bytes % line || o->slot_bytes > g->slot_bytes) {
      rc = fail(buf, len,
                "object %u (%s): slot size %u is not a positive multiple of the line size %u"
                " at most its region %u's slot size %u",
                i, name, o->slot_bytes, line, o->region, g->slot_bytes);
      goto out;
    }
    if (o->size_bytes > o->slot_bytes) {
      rc = fail(buf, len, "object %u (%s): size %u exceeds its slot size %u", i, name,
                o->size_bytes, o->slot_bytes);
      goto out;
    }
    if (o->count > g->slots) {
      rc = fail(buf, len, "object %u (%s): count %u exceeds its region %u's %u slots", i, name,
                o->count, o->region, g->slots);
      goto out;
    }
  }
  for (uint32_t s = 0; s < c->n_stages; s++) {
    const struct stingy_stage_config *st = &c->stages[s];
    if (st->n_allocates && !st->allocates) {
      rc = fail(buf, len, "stage %u (%s): allocates list is NULL", s, st->name ? st->name : "?");
      goto out;
    }
    for (uint32_t k = 0; k < st->n_allocates; k++) {
      if (st->allocates[k] >= c->n_objects) {
        rc = fail(buf, len, "stage %u (%s): allocates object %u, which does not exist", s,
                  st->name ? st->name : "?", st->allocates[k]);
        goto out;
      }
    }
  }
out:
  free(spans);
  return rc;
}

/* ---- slabs --------------------------------------------------------------------------------- */

static size_t round_up(size_t x, size_t a) { return (x + a - 1) / a * a; }

/* Whether transparent huge pages back all of [start, start + len) per /proc/self/smaps. */
static int thp_backed(const char *start, size_t len) {
  FILE *f = fopen("/proc/self/smaps", "r");
  if (!f) return 0;
  char line[512];
  int inside = 0;
  unsigned long long kb = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    /* mapping headers start "lo-hi perms ..."; field lines ("AnonHugePages:") never match 2 */
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
      inside = lo <= (uintptr_t)start && (uintptr_t)start < hi;
    } else if (inside && strncmp(line, "AnonHugePages:", 14) == 0) {
      kb = strtoull(line + 14, NULL, 10);
      break;
    }
  }
  fclose(f);
  return kb * 1024 >= len;
}

static void unmap_slabs(struct stingy_heap *h) {
  if (h->reserve) {
    /* ASan keeps its shadow after munmap; a later mapping at these addresses must start clean */
    MARK_DEFINED(h->cache, h->cache_mapped);
    munmap(h->reserve, h->reserve_bytes);
    h->reserve = NULL;
  }
}

static int map_slabs(struct stingy_heap *h, size_t cache_bytes, size_t low_bytes,
                     size_t high_bytes, unsigned flags) {
  long ps = sysconf(_SC_PAGESIZE);
  size_t page = ps > 0 ? (size_t)ps : 4096;
  size_t low = round_up(low_bytes, page), high = round_up(high_bytes, page);
  size_t mapped = round_up(cache_bytes, HUGE_BYTES);
  /* one reservation for all three slabs, with room to align the cache slab to 2 MiB */
  size_t total = low + mapped + high + HUGE_BYTES;
  char *res = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (res == MAP_FAILED) {
    set_error("cannot reserve %zu bytes of address space: %s", total, strerror(errno));
    return -1;
  }
  char *cache = (char *)round_up((uintptr_t)res + low, HUGE_BYTES);
  h->reserve = res;
  h->reserve_bytes = total;
  h->pages = STINGY_PAGES_NORMAL;
  h->thp_advised = 0;
  int prot = PROT_READ | PROT_WRITE;
  void *p = MAP_FAILED;
#ifdef MAP_HUGETLB
  /* With no free huge page this fails before it touches the reservation (the kernel reserves
     the pages first), so the range stays ours for the fallback below. */
  if (!(flags & STINGY_NO_HUGETLB))
    p = mmap(cache, mapped, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_HUGETLB, -1, 0);
  if (p != MAP_FAILED) h->pages = STINGY_PAGES_HUGETLB;
#endif
  if (p == MAP_FAILED) {
    p = mmap(cache, mapped, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) {
      set_error("cannot map the %zu-byte cache slab: %s", mapped, strerror(errno));
      munmap(res, total);
      h->reserve = NULL;
      return -1;
    }
#ifdef MADV_HUGEPAGE
    if (!(flags & STINGY_NO_THP) && madvise(cache, mapped, MADV_HUGEPAGE) == 0) {
      h->thp_advised = 1;
      /* fault each 2 MiB chunk in now, while the kernel can still give it a huge page */
      for (size_t o = 0; o < mapped; o += HUGE_BYTES) ((volatile char *)cache)[o] = 0;
      if (thp_backed(cache, mapped)) h->pages = STINGY_PAGES_THP;
    }
#endif
  }
  if ((low && mprotect(cache - low, low, prot) != 0) ||
      (high && mprotect(cache + mapped, high, prot) != 0)) {
    set_error("cannot open the low or high slab: %s", strerror(errno));
    munmap(res, total);
    h->reserve = NULL;
    return -1;
  }
  h->cache = cache;
  h->cache_bytes = cache_bytes;
  h->cache_mapped = mapped;
  h->low = cache - low;
  h->low_bytes = low;
  h->high = cache + mapped;
  h->high_bytes = high;
  return 0;
}

/* ---- heaps --------------------------------------------------------------------------------- */

static void release(struct stingy_heap *h) {
  unmap_slabs(h);
  free(h->obj);
  free(h->cold);
  free(h->reg);
  free(h->stage);
  free(h->tags);
  free(h->free_lists);
  memset(h, 0, sizeof *h);
}

static int heap_init(struct stingy_heap *h, const struct stingy_config *c, unsigned flags) {
  memset(h, 0, sizeof *h);
  char why[400];
  if (stingy_config_check(c, why, sizeof why) != 0) {
    set_error("invalid configuration: %s", why);
    errno = EINVAL;
    return -1;
  }
  h->cfg = c;
  h->n_objects = c->n_objects;
  h->n_regions = c->n_regions;
  h->n_stages = c->n_stages;
  h->line_mask = c->line_bytes - 1;
  while ((1u << h->line_shift) < c->line_bytes) h->line_shift++;
  h->red_zone = DEBUG_BUILD ? (c->line_bytes >= 16 ? c->line_bytes : 16) : 0;

  size_t obj_bytes = round_up((c->n_objects ? c->n_objects : 1) * sizeof *h->obj, 64);
  h->obj = aligned_alloc(64, obj_bytes);
  if (h->obj) memset(h->obj, 0, obj_bytes);
  h->cold = calloc(c->n_objects ? c->n_objects : 1, sizeof *h->cold);
  size_t reg_bytes = (c->n_regions ? c->n_regions : 1) * sizeof *h->reg;
  h->reg = aligned_alloc(64, reg_bytes);
  if (h->reg) memset(h->reg, 0, reg_bytes);
  h->stage = calloc(c->n_stages ? c->n_stages : 1, sizeof *h->stage);
  size_t total_slots = 0;
  for (uint32_t r = 0; r < c->n_regions; r++) total_slots += c->regions[r].slots;
  h->free_lists = malloc((total_slots ? total_slots : 1) * sizeof *h->free_lists);
  if (!h->obj || !h->cold || !h->reg || !h->stage || !h->free_lists) goto oom;
  for (uint32_t st = 0; st < c->n_stages; st++) {
    h->stage[st].allocates = c->stages[st].allocates;
    h->stage[st].n_allocates = c->stages[st].n_allocates;
  }

  /* Region layout. Without red zones it is the configuration's; with them (debug) every slot
     grows by two red zones and the regions are laid out again, one after the other, from the
     lowest configured region offset. */
  uint64_t lo = c->cache_bytes, hi = 0, cursor = 0;
  for (uint32_t r = 0; r < c->n_regions; r++)
    if (c->regions[r].offset_bytes < lo) lo = c->regions[r].offset_bytes;
  if (lo == c->cache_bytes) lo = 0;
  cursor = lo;
  size_t next_free = 0;
  for (uint32_t r = 0; r < c->n_regions; r++) {
    const struct stingy_region_config *g = &c->regions[r];
    struct region_state *s = &h->reg[r];
    s->slots = g->slots;
    s->slot_bytes = g->slot_bytes;
    s->stride = g->slot_bytes + 2 * h->red_zone;
    s->offset = DEBUG_BUILD ? (uint32_t)cursor : g->offset_bytes;
    s->first = s->offset + h->red_zone;
    uint64_t end = (uint64_t)s->offset + (uint64_t)s->stride * s->slots;
    if (end > UINT32_MAX) {
      set_error("debug layout exceeds 4 GiB");
      errno = EINVAL;
      release(h);
      return -1;
    }
    cursor = end;
    if (s->slots && end > hi) hi = end;
    s->base = h->free_lists + next_free;
    next_free += s->slots;
    /* push in reverse so that slot 0 is handed out first */
    for (uint32_t i = 0; i < s->slots; i++)
      s->base[i] = (uint32_t)((s->first + (uint64_t)(s->slots - 1 - i) * s->stride - lo) >>
                              h->line_shift);
    s->sp = s->base + s->slots;
    s->low_sp = s->sp;
  }
  if (hi < lo) hi = lo;
  size_t cache_bytes = c->cache_bytes;
  if (hi > cache_bytes) cache_bytes = (size_t)round_up((size_t)hi, c->line_bytes);

  for (uint32_t i = 0; i < c->n_objects; i++) /* shared: counts the members for now */
    h->reg[c->objects[i].region].shared++;
  for (uint32_t r = 0; r < c->n_regions; r++) h->reg[r].shared = h->reg[r].shared > 1;
  for (uint32_t i = 0; i < c->n_objects; i++) {
    const struct stingy_object_config *o = &c->objects[i];
    struct object_state *s = &h->obj[i];
    s->reg = &h->reg[o->region];
    s->min_sp = s->reg->shared ? (uintptr_t)s->reg->base | 1
                               : (uintptr_t)(s->reg->base + (s->reg->slots - o->count));
    s->room = s->min_room = o->count;
    h->cold[i].count = o->count;
    h->cold[i].region = o->region;
    h->cold[i].slot_bytes = o->slot_bytes;
    h->cold[i].size_bytes = o->size_bytes ? o->size_bytes : o->slot_bytes;
  }

  size_t lines = (size_t)(hi - lo) >> h->line_shift;
  h->tags = malloc((lines ? lines : 1) * sizeof *h->tags);
  if (!h->tags) goto oom;
  for (size_t i = 0; i < lines; i++) h->tags[i] = (struct line_tag){TAG_INTERIOR, 0};
  for (uint32_t r = 0; r < c->n_regions; r++) {
    const struct region_state *s = &h->reg[r];
    for (uint32_t i = 0; i < s->slots; i++) {
      size_t line = (size_t)((s->first + (uint64_t)i * s->stride - lo) >> h->line_shift);
      h->tags[line] = (struct line_tag){TAG_NEVER, (uint16_t)r}; /* r < STINGY_MAX_REGIONS */
    }
  }

  if (map_slabs(h, cache_bytes, c->low_bytes, c->high_bytes, flags) != 0) {
    int e = errno;
    release(h);
    errno = e ? e : ENOMEM;
    return -1;
  }
  h->tag_lo = h->cache + lo;
  h->tag_span = (size_t)(hi - lo);
  if (h->line_shift == FAST_LINE_SHIFT) {
    h->fast_span = h->tag_span;
    h->fast_objects = h->n_objects;
  }
  if (DEBUG_BUILD && h->tag_span) {
    memset(h->cache + lo, RED_ZONE_BYTE, h->tag_span);
    for (uint32_t r = 0; r < c->n_regions; r++) {
      const struct region_state *s = &h->reg[r];
      for (uint32_t i = 0; i < s->slots; i++)
        memset(h->cache + s->first + (size_t)i * s->stride, POISON_BYTE, s->slot_bytes);
    }
  }
  if (h->tag_span) MARK_NOACCESS(h->cache + lo, h->tag_span);
  h->ready = 1;
  return 0;
oom:
  set_error("out of memory for the allocator's tables");
  release(h);
  errno = ENOMEM;
  return -1;
}

struct stingy_heap *stingy_heap_create(const struct stingy_config *cfg, unsigned flags) {
  struct stingy_heap *h = malloc(sizeof *h);
  if (!h) {
    set_error("out of memory");
    return NULL;
  }
  if (heap_init(h, cfg, flags) != 0) {
    free(h);
    return NULL;
  }
  return h;
}

void stingy_heap_destroy(struct stingy_heap *h) {
  if (!h) return;
  release(h);
  free(h);
}

const struct stingy_config *stingy_heap_config(const struct stingy_heap *h) { return h->cfg; }

int stingy_init(void) {
  if (default_heap.ready) return 0;
  unsigned flags = 0;
  const char *pages = getenv("STINGY_PAGES");
  if (pages && strcmp(pages, "normal") == 0) flags = STINGY_NO_HUGETLB | STINGY_NO_THP;
  if (pages && strcmp(pages, "thp") == 0) flags = STINGY_NO_HUGETLB;
  return heap_init(&default_heap, &stingy_config, flags);
}

void stingy_fini(void) {
  if (default_heap.ready) release(&default_heap);
}

struct stingy_heap *stingy_default_heap(void) {
  return default_heap.ready ? &default_heap : NULL;
}

/* ---- debug checks ---------------------------------------------------------------------------- */

#ifdef STINGY_DEBUG
static size_t first_not(const unsigned char *p, size_t n, unsigned char b) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != b) return i;
  return n;
}

static void debug_on_alloc(struct stingy_heap *h, uint32_t id, const struct region_state *r,
                           char *p, uint32_t old_tag) {
  uint32_t size_bytes = h->cold[id].size_bytes;
  MARK_DEFINED(p - h->red_zone, r->stride);
  size_t bad = first_not((unsigned char *)p, r->slot_bytes, POISON_BYTE);
  if (bad < r->slot_bytes) {
    uint32_t last = old_tag & ~TAG_FREED;
    if (old_tag == TAG_NEVER)
      die("slot %p of region %u was written before its first use (byte %zu is 0x%02x, not the"
          " poison 0x%02x)",
          (void *)p, h->cold[id].region, bad, (unsigned char)p[bad], POISON_BYTE);
    die("use after free: slot %p of region %u was written after object %u \"%s\" freed it"
        " (byte %zu is 0x%02x, not the poison 0x%02x)",
        (void *)p, h->cold[id].region, last, object_name(h, last), bad, (unsigned char)p[bad],
        POISON_BYTE);
  }
  memset(p + size_bytes, RED_ZONE_BYTE, r->slot_bytes - size_bytes);
  MARK_NOACCESS(p - h->red_zone, r->stride);
}

static void debug_on_free(struct stingy_heap *h, uint32_t id, const struct region_state *r,
                          char *p) {
  uint32_t size_bytes = h->cold[id].size_bytes;
  MARK_DEFINED(p - h->red_zone, r->stride);
  const unsigned char *q = (const unsigned char *)p;
  size_t before = first_not(q - h->red_zone, h->red_zone, RED_ZONE_BYTE);
  if (before < h->red_zone)
    die("red zone before object %u \"%s\" at %p overwritten (byte %zu before it is 0x%02x)", id,
        object_name(h, id), (void *)p, h->red_zone - before, (q - h->red_zone)[before]);
  size_t tail = r->slot_bytes - size_bytes + h->red_zone;
  size_t after = first_not(q + size_bytes, tail, RED_ZONE_BYTE);
  if (after < tail)
    die("red zone after object %u \"%s\" at %p overwritten (byte %zu past its %u bytes is 0x%02x)",
        id, object_name(h, id), (void *)p, after, size_bytes, q[size_bytes + after]);
  memset(p, POISON_BYTE, r->slot_bytes);
  MARK_NOACCESS(p - h->red_zone, r->stride);
}
#endif

/* ---- allocation ------------------------------------------------------------------------------ */

static NOINLINE void *alloc_fallback(struct stingy_heap *h, uint32_t id) {
  h->cold[id].fallbacks++;
  return malloc(h->cold[id].slot_bytes);
}

static COLD void *alloc_slow(struct stingy_heap *h, uint32_t id) {
  /* the default heap before (or after a failed) stingy_init: every allocation is a fallback */
  if (h == &default_heap && !h->ready && id < stingy_config.n_objects)
    return malloc(stingy_config.objects[id].slot_bytes);
  die("stingy_alloc: object id %u out of range (%u objects)", id, h->n_objects);
}

/* The fast paths are always inlined: into stingy_heap_alloc/free, and into stingy_alloc/free
   with the default heap's address a constant (no heap argument, no extra jump). Locals hold what
   is read before anything is stored, so no store forces a reload (the stores are to uint32_t,
   which could alias any counter as far as the compiler knows).

   They are written for a line of 1 << shift bytes, and inlined with shift the constant
   FAST_LINE_SHIFT (64-byte lines: x86-64, most ARM64 cores): a shift by a count loaded from the
   heap, on the way from the pointer to the free's stores, costs the mixed-class benchmark 0.4 ns
   per pair (bench/alloc/README.md). Other line sizes take the same code with the heap's shift,
   out of line: heap_alloc and heap_free send them there with the range checks they make anyway
   (fast_objects and fast_span are 0 then), so 64-byte lines pay no extra compare. */

static ALWAYS_INLINE void *alloc_slot(struct stingy_heap *h, uint32_t id, unsigned shift) {
  struct object_state *o = &h->obj[id];
  struct region_state *r = o->reg;
  uint32_t *sp = r->sp;
  uintptr_t min_sp = o->min_sp;
  if (LIKELY((uintptr_t)sp > min_sp)) {
    if (min_sp & 1) { /* a shared region */
      uint32_t room = o->room;
      if (room == 0) return alloc_fallback(h, id);
      o->room = --room;
      if (UNLIKELY(room < o->min_room)) o->min_room = room;
    }
    sp--;
    uint32_t line = *sp;
    char *p = h->tag_lo + ((size_t)line << shift);
    uint16_t *tag = &h->tags[line].tag;
    uint32_t *low = r->low_sp;
#ifdef STINGY_DEBUG
    debug_on_alloc(h, id, r, p, *tag);
#endif
    r->sp = sp;
    o->hits++;
    if (UNLIKELY(sp < low)) r->low_sp = sp;
    *tag = (uint16_t)id; /* the free's load, of the same width, forwards */
    MARK_UNDEFINED(p, h->cold[id].size_bytes);
    return p;
  }
  return alloc_fallback(h, id);
}

/* a line size other than 64 bytes, or an id out of range */
static NOINLINE void *alloc_other(struct stingy_heap *h, uint32_t id) {
  if (UNLIKELY(id >= h->n_objects)) return alloc_slow(h, id);
  return alloc_slot(h, id, h->line_shift);
}

static ALWAYS_INLINE void *heap_alloc(struct stingy_heap *h, uint32_t id) {
  if (UNLIKELY(id >= h->fast_objects)) return alloc_other(h, id);
  return alloc_slot(h, id, FAST_LINE_SHIFT);
}

void *stingy_heap_alloc(struct stingy_heap *h, uint32_t id) { return heap_alloc(h, id); }

static COLD NORETURN void bad_free(struct stingy_heap *h, void *p, uint32_t tag) {
  if (((uintptr_t)p & h->line_mask) || tag == TAG_INTERIOR)
    die("free of %p: inside the cache slab but not at the start of a slot", p);
  if (tag == TAG_NEVER) die("free of %p: a slot that was never allocated", p);
  uint32_t last = tag & ~TAG_FREED;
  die("double free of %p (object %u \"%s\")", p, last, object_name(h, last));
}

static COLD NORETURN void bad_free_slab(const struct stingy_heap *h, void *p) {
  uintptr_t a = (uintptr_t)p;
  const char *where = a < (uintptr_t)h->cache                        ? "the low slab"
                      : a < (uintptr_t)h->cache + h->cache_mapped ? "the cache slab outside its regions"
                                                                    : "the high slab";
  die("free of %p: in %s, not a slot", p, where);
}

/* off: p's offset from tag_lo, below tag_span */
static ALWAYS_INLINE void free_slot(struct stingy_heap *h, void *p, uintptr_t off, unsigned shift) {
  size_t line = off >> shift;
  uint16_t *tag = &h->tags[line].tag;
  uint32_t t = *tag, id = t;
  /* a live slot's tag is an id below STINGY_MAX_OBJECTS < TAG_FREED; freed, never used and
     interior lines all have the TAG_FREED bit */
  if (UNLIKELY((t & TAG_FREED) || (off & (((uintptr_t)1 << shift) - 1)))) bad_free(h, p, id);
  struct region_state *r = &h->reg[h->tags[line].region];
#ifdef STINGY_DEBUG
  debug_on_free(h, id, r, p);
#else
  MARK_NOACCESS(p, r->slot_bytes);
#endif
  *tag = (uint16_t)(t | TAG_FREED);
  uint32_t *sp = r->sp;
  *sp = (uint32_t)line;
  r->sp = sp + 1;
  if (r->shared) h->obj[id].room++;
}

/* A slot with a line size other than 64 bytes, or a pointer outside the slab's regions: NULL, a
   malloc'd pointer, or a bug. */
static NOINLINE void free_other(struct stingy_heap *h, void *p) {
  uintptr_t off = (uintptr_t)p - (uintptr_t)h->tag_lo;
  if (off < h->tag_span) {
    free_slot(h, p, off, h->line_shift);
    return;
  }
  if (p == NULL) return;
  if (UNLIKELY((uintptr_t)p - (uintptr_t)h->low < h->low_bytes + h->cache_mapped + h->high_bytes))
    bad_free_slab(h, p);
  h->foreign_frees++;
  free(p);
}

static ALWAYS_INLINE void heap_free(struct stingy_heap *h, void *p) {
  uintptr_t off = (uintptr_t)p - (uintptr_t)h->tag_lo;
  if (UNLIKELY(off >= h->fast_span)) {
    free_other(h, p);
    return;
  }
  free_slot(h, p, off, FAST_LINE_SHIFT);
}

void stingy_heap_free(struct stingy_heap *h, void *p) { heap_free(h, p); }

static uint32_t region_top(const struct region_state *r) { return (uint32_t)(r->sp - r->base); }
static uint32_t region_low_water(const struct region_state *r) {
  return (uint32_t)(r->low_sp - r->base);
}

static uint32_t object_live(const struct stingy_heap *h, uint32_t id) {
  const struct object_state *o = &h->obj[id];
  return o->reg->shared ? h->cold[id].count - o->room : o->reg->slots - region_top(o->reg);
}

static uint32_t object_high_water(const struct stingy_heap *h, uint32_t id) {
  const struct object_state *o = &h->obj[id];
  return o->reg->shared ? h->cold[id].count - o->min_room
                        : o->reg->slots - region_low_water(o->reg);
}

static COLD NORETURN void bad_stage(const struct stingy_heap *h, uint32_t stage) {
  die("stingy_dyn_check: stage %u out of range (%u stages)", stage, h->n_stages);
}

/* How many more instances of the object the slab can serve now: min(n_O - live, the region's
   free slots), from the object's and its region's hot lines, as heap_alloc decides: none unless
   sp > min_sp; alone in its region, (sp - min_sp) slots (min_sp = base + slots - n_O); sharing
   it, min(room, sp - base). */
static ALWAYS_INLINE uint32_t object_avail(const struct object_state *o) {
  const struct region_state *r = o->reg;
  if ((uintptr_t)r->sp <= o->min_sp) return 0;
  uint32_t free_slots = region_top(r);
  if (o->min_sp & 1) return o->room < free_slots ? o->room : free_slots; /* shared region */
  return (uint32_t)(((uintptr_t)r->sp - o->min_sp) / sizeof *r->sp); /* alone: <= free_slots */
}

uint32_t stingy_heap_dyn_avail(struct stingy_heap *h, uint32_t stage) {
  if (UNLIKELY(stage >= h->n_stages)) {
    if (h == &default_heap && !h->ready) return UINT32_MAX; /* no slab: no admission control */
    bad_stage(h, stage);
  }
  struct stage_state *ss = &h->stage[stage];
  const uint32_t *ids = ss->allocates;
  uint32_t avail = UINT32_MAX;
  for (uint32_t k = 0, n = ss->n_allocates; k < n; k++) {
    uint32_t a = object_avail(&h->obj[ids[k]]);
    if (a < avail) avail = a;
  }
  ss->checks++;
  ss->failures += avail == 0;
  return avail;
}

int stingy_heap_dyn_check(struct stingy_heap *h, uint32_t stage) {
  if (UNLIKELY(stage >= h->n_stages)) {
    if (h == &default_heap && !h->ready) return 1;
    bad_stage(h, stage);
  }
  struct stage_state *ss = &h->stage[stage];
  ss->checks++;
  for (uint32_t k = 0, n = ss->n_allocates; k < n; k++)
    if (object_avail(&h->obj[ss->allocates[k]]) == 0) {
      ss->failures++;
      return 0;
    }
  return 1;
}

void *stingy_alloc(uint32_t id) { return heap_alloc(&default_heap, id); }
void stingy_free(void *p) { heap_free(&default_heap, p); }
int stingy_dyn_check(uint32_t stage) { return stingy_heap_dyn_check(&default_heap, stage); }
uint32_t stingy_dyn_avail(uint32_t stage) { return stingy_heap_dyn_avail(&default_heap, stage); }

/* ---- statistics ------------------------------------------------------------------------------ */

int stingy_heap_stats(const struct stingy_heap *h, uint32_t id, struct stingy_object_stats *out) {
  if (!h || !h->ready || id >= h->n_objects) return -1;
  const struct object_state *o = &h->obj[id];
  *out = (struct stingy_object_stats){object_name(h, id), h->cold[id].region, h->cold[id].count,
                                      object_live(h, id), object_high_water(h, id), o->hits,
                                      h->cold[id].fallbacks, o->hits - object_live(h, id)};
  return 0;
}

int stingy_heap_region_stats(const struct stingy_heap *h, uint32_t region,
                             struct stingy_region_stats *out) {
  if (!h || !h->ready || region >= h->n_regions) return -1;
  const struct region_state *r = &h->reg[region];
  *out = (struct stingy_region_stats){r->offset, r->first, r->slot_bytes, r->stride,
                                      r->slots, region_top(r), region_low_water(r)};
  return 0;
}

int stingy_heap_stage_stats(const struct stingy_heap *h, uint32_t stage,
                            struct stingy_stage_stats *out) {
  if (!h || !h->ready || stage >= h->n_stages) return -1;
  *out = (struct stingy_stage_stats){h->stage[stage].checks, h->stage[stage].failures};
  return 0;
}

int stingy_heap_info(const struct stingy_heap *h, struct stingy_info *out) {
  memset(out, 0, sizeof *out);
  out->debug = DEBUG_BUILD;
  if (!h || !h->ready) return -1;
  const struct stingy_config *c = h->cfg;
  out->pages = h->pages;
  out->thp_advised = h->thp_advised;
  out->line_bytes = c->line_bytes;
  out->red_zone_bytes = h->red_zone;
  out->low = h->low;
  out->low_bytes = h->low_bytes;
  out->cache = h->cache;
  out->cache_bytes = h->cache_bytes;
  out->cache_mapped_bytes = h->cache_mapped;
  out->high = h->high;
  out->high_bytes = h->high_bytes;
  out->stack = h->cache + c->stack_offset;
  out->stack_bytes = c->stack_bytes;
  out->globals = h->cache + c->globals_offset;
  out->globals_bytes = c->globals_bytes;
  for (uint32_t i = 0; i < h->n_objects; i++) {
    out->hits += h->obj[i].hits;
    out->fallbacks += h->cold[i].fallbacks;
  }
  out->foreign_frees = h->foreign_frees;
  return 0;
}

int stingy_stats(uint32_t id, struct stingy_object_stats *out) {
  return stingy_heap_stats(&default_heap, id, out);
}
int stingy_region_stats(uint32_t region, struct stingy_region_stats *out) {
  return stingy_heap_region_stats(&default_heap, region, out);
}
int stingy_stage_stats(uint32_t stage, struct stingy_stage_stats *out) {
  return stingy_heap_stage_stats(&default_heap, stage, out);
}
int stingy_info(struct stingy_info *out) { return stingy_heap_info(&default_heap, out); }

const char *stingy_pages_name(enum stingy_pages pages) {
  switch (pages) {
    case STINGY_PAGES_HUGETLB: return "hugetlb (2 MiB, physically contiguous)";
    case STINGY_PAGES_THP: return "transparent huge pages (2 MiB, physically contiguous)";
    case STINGY_PAGES_NORMAL: return "normal pages (not physically contiguous)";
    default: return "not initialised";
  }
}

void stingy_heap_dump(const struct stingy_heap *h, FILE *out) {
  struct stingy_info in;
  if (stingy_heap_info(h, &in) != 0) {
    fprintf(out, "stingy: not initialised%s%s\n", error_text[0] ? ": " : "", error_text);
    return;
  }
  const struct stingy_config *c = h->cfg;
  fprintf(out, "stingy: cache slab %p, %zu bytes (%zu mapped), %s%s\n", (void *)in.cache,
          in.cache_bytes, in.cache_mapped_bytes, stingy_pages_name(in.pages),
          in.pages == STINGY_PAGES_NORMAL && in.thp_advised ? ", THP advised but not obtained" : "");
  fprintf(out, "stingy: line %u bytes, %s\n", in.line_bytes,
          in.debug ? "debug build (red zones, poison; regions re-laid out)" : "release build");
  if (in.debug) fprintf(out, "stingy: red zones %u bytes\n", in.red_zone_bytes);
  fprintf(out, "stingy: low slab %p, %zu bytes; high slab %p, %zu bytes\n", (void *)in.low,
          in.low_bytes, (void *)in.high, in.high_bytes);
  fprintf(out, "stingy: stack area +%zu, %zu bytes; globals area +%zu, %zu bytes\n",
          c->stack_offset, in.stack_bytes, c->globals_offset, in.globals_bytes);
  fprintf(out, "stingy: %llu hits, %llu fallbacks, %llu frees handed to free()\n",
          (unsigned long long)in.hits, (unsigned long long)in.fallbacks,
          (unsigned long long)in.foreign_frees);
  fprintf(out, "%-7s %5s %6s %6s %6s %6s %12s %12s  %s\n", "object", "id", "region", "n_O", "live",
          "high", "hits", "fallbacks", "site");
  for (uint32_t i = 0; i < h->n_objects; i++) {
    const struct object_state *o = &h->obj[i];
    fprintf(out, "%-7s %5u %6u %6u %6u %6u %12llu %12llu  %s\n", "object", i, h->cold[i].region,
            h->cold[i].count, object_live(h, i), object_high_water(h, i),
            (unsigned long long)o->hits,
            (unsigned long long)h->cold[i].fallbacks, object_name(h, i));
  }
  fprintf(out, "%-7s %5s %10s %8s %8s %6s %6s %6s\n", "region", "id", "offset", "slot", "stride",
          "slots", "free", "low");
  for (uint32_t r = 0; r < h->n_regions; r++) {
    const struct region_state *s = &h->reg[r];
    fprintf(out, "%-7s %5u %10u %8u %8u %6u %6u %6u\n", "region", r, s->offset, s->slot_bytes,
            s->stride, s->slots, region_top(s), region_low_water(s));
  }
  fprintf(out, "%-7s %5s %12s %12s  %s\n", "stage", "id", "checks", "failures", "name");
  for (uint32_t s = 0; s < h->n_stages; s++) {
    const char *name = c->stages[s].name ? c->stages[s].name : "?";
    fprintf(out, "%-7s %5u %12llu %12llu  %s\n", "stage", s,
            (unsigned long long)h->stage[s].checks, (unsigned long long)h->stage[s].failures,
            name);
  }
}

void stingy_dump(FILE *out) { stingy_heap_dump(&default_heap, out); }
