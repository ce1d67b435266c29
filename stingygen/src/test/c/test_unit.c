/*
 * Unit tests of the Stingy C runtime on the hand-made configuration of stingy_config.h.
 * Built and run by CRuntimeTest (release, -m32, and debug builds); prints "N passed, M failed".
 */
#define _GNU_SOURCE 1 /* open_memstream */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "stingy_config.h"

static int in_range(const void *p, const void *lo, size_t n) {
  return (uintptr_t)p - (uintptr_t)lo < n;
}

static int in_slabs(const void *p) {
  struct stingy_info in;
  stingy_info(&in);
  return in_range(p, in.low, in.low_bytes + in.cache_mapped_bytes + in.high_bytes);
}

/* the slot index of p in its region, or -1 when p is not a slot start of that region */
static long slot_of(const void *p, uint32_t region) {
  struct stingy_info in;
  struct stingy_region_stats r;
  stingy_info(&in);
  if (stingy_region_stats(region, &r) != 0) return -1;
  uintptr_t first = (uintptr_t)in.cache + r.first_slot_bytes;
  if ((uintptr_t)p < first) return -1;
  uintptr_t d = (uintptr_t)p - first;
  if (d % r.stride_bytes || d / r.stride_bytes >= r.slots) return -1;
  return (long)(d / r.stride_bytes);
}

static struct stingy_object_stats ostats(uint32_t id) {
  struct stingy_object_stats s;
  memset(&s, 0, sizeof s);
  CHECK_EQ(stingy_stats(id, &s), 0);
  return s;
}

static uint32_t free_slots(uint32_t region) {
  struct stingy_region_stats r;
  memset(&r, 0, sizeof r);
  CHECK_EQ(stingy_region_stats(region, &r), 0);
  return r.free_slots;
}

/* Before stingy_init the default heap still works: everything falls back to malloc. */
static void test_before_init_everything_falls_back(void) {
  struct stingy_object_stats s;
  struct stingy_info in;
  CHECK(stingy_default_heap() == NULL);
  void *p = stingy_alloc(OBJ_REQ);
  CHECK(p != NULL);
  memset(p, 1, 256);
  stingy_free(p);
  CHECK_EQ(stingy_dyn_check(STAGE_ACCEPT), 1);
  CHECK_EQ(stingy_dyn_avail(STAGE_ACCEPT), UINT32_MAX);
  CHECK_EQ(stingy_stats(OBJ_REQ, &s), -1);
  CHECK_EQ(stingy_info(&in), -1);
  CHECK_EQ(in.pages, STINGY_PAGES_NONE);
}

static void test_init_maps_the_slabs_of_figure_7_4(void) {
  CHECK_EQ(stingy_init(), 0);
  CHECK_EQ(stingy_init(), 0); /* maps once */
  CHECK(stingy_default_heap() != NULL);
  struct stingy_info in;
  CHECK_EQ(stingy_info(&in), 0);
  printf("pages: %s%s\n", stingy_pages_name(in.pages),
         in.thp_advised && in.pages == STINGY_PAGES_NORMAL ? " (THP advised)" : "");
  CHECK(in.pages == STINGY_PAGES_HUGETLB || in.pages == STINGY_PAGES_THP ||
        in.pages == STINGY_PAGES_NORMAL);
  CHECK_EQ((uintptr_t)in.cache % (2u << 20), 0); /* 2 MiB aligned, so line aligned too */
  CHECK(in.cache_bytes >= 16384);
  CHECK_EQ(in.cache_mapped_bytes % (2u << 20), 0);
  CHECK(in.low + in.low_bytes == in.cache); /* low slab right below */
  CHECK(in.low_bytes >= 8192);
  CHECK(in.high == in.cache + in.cache_mapped_bytes); /* high slab above */
  CHECK(in.high_bytes >= 8192);
  CHECK(in.stack == in.cache);
  CHECK_EQ(in.stack_bytes, 4096);
  CHECK(in.globals == in.cache + 4096);
  CHECK_EQ(in.globals_bytes, 1024);
  CHECK_EQ(in.line_bytes, 64);
  /* every slab is writable: the stack spills into the low slab */
  in.low[0] = 1;
  in.low[in.low_bytes - 1] = 1;
  in.stack[0] = 1;
  in.globals[in.globals_bytes - 1] = 1;
  in.high[in.high_bytes - 1] = 1;
  CHECK_EQ(in.low[0] + in.high[in.high_bytes - 1], 2);
}

static void test_alloc_within_n_O_then_fallback(void) {
  void *p[5];
  for (int i = 0; i < 4; i++) {
    p[i] = stingy_alloc(OBJ_REQ);
    CHECK_EQ((uintptr_t)p[i] % 64, 0);
    CHECK_EQ(slot_of(p[i], 0), i); /* slot 0 first, then in order */
    memset(p[i], 0x11 * (i + 1), 200);
  }
  CHECK_EQ(free_slots(0), 0);
  p[4] = stingy_alloc(OBJ_REQ); /* n_O = 4 reached */
  CHECK(p[4] != NULL);
  CHECK(!in_slabs(p[4]));
  memset(p[4], 0x55, 256); /* a fallback has the object's slot size */
  struct stingy_object_stats s = ostats(OBJ_REQ);
  CHECK_EQ(s.hits, 4);
  CHECK_EQ(s.fallbacks, 1);
  CHECK_EQ(s.live, 4);
  CHECK_EQ(s.high_water, 4);
  CHECK_EQ(s.count, 4);
  CHECK_EQ(s.region, 0);
  CHECK(strcmp(s.name, "req.c:10:5#req_alloc") == 0);
  for (int i = 0; i < 4; i++) CHECK_EQ(((unsigned char *)p[i])[199], 0x11 * (i + 1));
  for (int i = 0; i < 5; i++) stingy_free(p[i]);
  s = ostats(OBJ_REQ);
  CHECK_EQ(s.live, 0);
  CHECK_EQ(s.frees, 4);
  CHECK_EQ(s.high_water, 4);
  CHECK_EQ(free_slots(0), 4);
}

/* HDR (n_O 2) and BODY (n_O 3) share region 1's three slots; each keeps its own limit. */
static void test_region_shared_by_colour_keeps_each_limit(void) {
  void *h1 = stingy_alloc(OBJ_HDR), *h2 = stingy_alloc(OBJ_HDR);
  CHECK(slot_of(h1, 1) >= 0 && slot_of(h2, 1) >= 0 && h1 != h2);
  void *h3 = stingy_alloc(OBJ_HDR); /* HDR at n_O although the region has a slot */
  CHECK(!in_slabs(h3));
  CHECK_EQ(free_slots(1), 1);
  void *b1 = stingy_alloc(OBJ_BODY); /* BODY takes the last slot */
  CHECK(slot_of(b1, 1) >= 0);
  CHECK_EQ(free_slots(1), 0);
  void *b2 = stingy_alloc(OBJ_BODY); /* BODY below n_O, but the region is full */
  CHECK(!in_slabs(b2));
  CHECK_EQ(ostats(OBJ_BODY).fallbacks, 1);
  CHECK_EQ(ostats(OBJ_HDR).fallbacks, 1);
  stingy_free(h1);
  void *b3 = stingy_alloc(OBJ_BODY); /* the slot HDR freed */
  CHECK(b3 == h1);
  CHECK_EQ(ostats(OBJ_BODY).live, 2);
  CHECK_EQ(ostats(OBJ_HDR).live, 1);
  stingy_free(h2);
  stingy_free(h3);
  stingy_free(b1);
  stingy_free(b2);
  stingy_free(b3);
  CHECK_EQ(free_slots(1), 3);
  CHECK_EQ(ostats(OBJ_BODY).live, 0);
}

static void test_lifo_reuse_of_the_hot_slot(void) {
  void *a = stingy_alloc(OBJ_CONN), *b = stingy_alloc(OBJ_CONN);
  stingy_free(a);
  CHECK(stingy_alloc(OBJ_CONN) == a);
  stingy_free(b);
  stingy_free(a);
  CHECK(stingy_alloc(OBJ_CONN) == a); /* last freed, first reused */
  stingy_free(a);
}

static void test_count_zero_always_mallocs(void) {
  void *p = stingy_alloc(OBJ_SPARE);
  CHECK(p != NULL && !in_slabs(p));
  stingy_free(p);
  CHECK_EQ(ostats(OBJ_SPARE).fallbacks, 1);
  CHECK_EQ(ostats(OBJ_SPARE).hits, 0);
}

static void test_free_null_and_foreign_pointers(void) {
  struct stingy_info before, after;
  stingy_info(&before);
  stingy_free(NULL);
  void *m = malloc(10);
  stingy_free(m); /* not ours: handed to free() */
  stingy_info(&after);
  CHECK_EQ(after.foreign_frees, before.foreign_frees + 1);
  CHECK_EQ(after.hits, before.hits);
}

static void test_dyn_check_and_avail(void) {
  CHECK_EQ(stingy_dyn_check(STAGE_ACCEPT), 1);
  CHECK_EQ(stingy_dyn_avail(STAGE_ACCEPT), 4);
  CHECK_EQ(stingy_dyn_avail(STAGE_PARSE), 2); /* min(n_O 2 - 0, 3 free) */
  CHECK_EQ(stingy_dyn_avail(STAGE_BODY), 3);
  CHECK_EQ(stingy_dyn_avail(STAGE_SEND), UINT32_MAX); /* allocates nothing */
  void *r[4];
  for (int i = 0; i < 4; i++) r[i] = stingy_alloc(OBJ_REQ);
  CHECK_EQ(stingy_dyn_check(STAGE_ACCEPT), 0);
  CHECK_EQ(stingy_dyn_avail(STAGE_ACCEPT), 0);
  CHECK_EQ(stingy_dyn_check(STAGE_SEND), 1);
  void *b1 = stingy_alloc(OBJ_BODY), *b2 = stingy_alloc(OBJ_BODY);
  CHECK_EQ(stingy_dyn_avail(STAGE_PARSE), 1); /* HDR below n_O but one slot left */
  CHECK_EQ(stingy_dyn_avail(STAGE_BODY), 1);
  void *b3 = stingy_alloc(OBJ_BODY);
  CHECK_EQ(stingy_dyn_check(STAGE_PARSE), 0); /* region full */
  CHECK_EQ(stingy_dyn_check(STAGE_BODY), 0);  /* BODY at n_O */
  stingy_free(b1);
  CHECK_EQ(stingy_dyn_check(STAGE_PARSE), 1);
  CHECK_EQ(stingy_dyn_check(STAGE_BODY), 1);
  struct stingy_stage_stats st;
  CHECK_EQ(stingy_stage_stats(STAGE_ACCEPT, &st), 0);
  CHECK_EQ(st.checks, 4);
  CHECK_EQ(st.failures, 2);
  for (int i = 0; i < 4; i++) stingy_free(r[i]);
  stingy_free(b2);
  stingy_free(b3);
  CHECK_EQ(stingy_dyn_avail(STAGE_ACCEPT), 4);
}

static void test_out_of_range_queries(void) {
  struct stingy_object_stats s;
  struct stingy_region_stats r;
  struct stingy_stage_stats t;
  CHECK_EQ(stingy_stats(STINGY_N_OBJECTS, &s), -1);
  CHECK_EQ(stingy_region_stats(3, &r), -1);
  CHECK_EQ(stingy_stage_stats(STINGY_N_STAGES, &t), -1);
}

static void test_dump_names_objects_regions_stages(void) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  stingy_dump(f);
  fclose(f);
  CHECK(strstr(text, "cache slab") != NULL);
  /* the dump names how the slab was mapped, whichever way that was (hugetlb on a machine with
     huge pages, transparent huge pages or normal pages otherwise) */
  struct stingy_info in;
  CHECK_EQ(stingy_info(&in), 0);
  CHECK(in.pages != STINGY_PAGES_NONE);
  CHECK(strstr(text, stingy_pages_name(in.pages)) != NULL);
  CHECK(strstr(text, "low slab") != NULL && strstr(text, "high slab") != NULL);
  CHECK(strstr(text, "req.c:10:5#req_alloc") != NULL);
  CHECK(strstr(text, "spare.c:1:1#malloc") != NULL);
  CHECK(strstr(text, "fallbacks") != NULL);
  CHECK(strstr(text, "region ") != NULL);
  CHECK(strstr(text, "accept") != NULL && strstr(text, "send") != NULL);
  fputs(text, stdout);
  free(text);
}

static void test_fini_and_init_again_start_fresh(void) {
  stingy_fini();
  CHECK(stingy_default_heap() == NULL);
  CHECK_EQ(stingy_init(), 0);
  CHECK_EQ(ostats(OBJ_REQ).hits, 0);
  void *p = stingy_alloc(OBJ_REQ);
  CHECK(slot_of(p, 0) == 0);
  stingy_free(p);
}

static void test_separate_heaps_are_independent(void) {
  struct stingy_heap *a = stingy_heap_create(&stingy_config, STINGY_NO_HUGETLB | STINGY_NO_THP);
  struct stingy_heap *b = stingy_heap_create(&stingy_config, STINGY_NO_HUGETLB);
  CHECK(a != NULL && b != NULL);
  struct stingy_info ia, ib;
  CHECK_EQ(stingy_heap_info(a, &ia), 0);
  CHECK_EQ(stingy_heap_info(b, &ib), 0);
  CHECK_EQ(ia.pages, STINGY_PAGES_NORMAL);
  CHECK_EQ(ia.thp_advised, 0);
  CHECK(ib.pages == STINGY_PAGES_THP || ib.pages == STINGY_PAGES_NORMAL);
  printf("heap without MAP_HUGETLB: %s\n", stingy_pages_name(ib.pages));
  CHECK(ia.cache != ib.cache);
  void *pa = stingy_heap_alloc(a, OBJ_REQ), *pb = stingy_heap_alloc(b, OBJ_REQ);
  CHECK(in_range(pa, ia.cache, ia.cache_bytes));
  CHECK(in_range(pb, ib.cache, ib.cache_bytes));
  struct stingy_object_stats s;
  stingy_heap_stats(a, OBJ_REQ, &s);
  CHECK_EQ(s.live, 1);
  CHECK_EQ(ostats(OBJ_REQ).live, 0); /* the default heap is untouched */
  CHECK(stingy_heap_config(a) == &stingy_config);
  stingy_heap_free(a, pa);
  stingy_heap_free(b, pb);
  stingy_heap_destroy(a);
  stingy_heap_destroy(b);
}

/* Broken configurations are refused with a message that says what is wrong. */
static void test_invalid_configurations_are_refused(void) {
  struct stingy_object_config objs[2];
  struct stingy_region_config regs[2];
  uint32_t bad_alloc[] = {7};
  struct stingy_stage_config stage = {"s", bad_alloc, 1, 0, 0, 0};
  struct stingy_config c;
  char msg[400];
  struct {
    const char *expect;
    int what;
  } cases[] = {
      {"version", 0},        {"power of two", 1},  {"cache slab size", 2},
      {"overlaps region", 3}, {"ends beyond", 4},   {"slot size 384", 5},
      {"count 5 exceeds", 6}, {"does not exist", 7}, {"overlaps globals", 8},
      {"allocates object 7", 9}, {"not a multiple", 10},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    objs[0] = (struct stingy_object_config){"a", 64, 64, 2, 0};
    objs[1] = (struct stingy_object_config){"b", 100, 128, 2, 1};
    regs[0] = (struct stingy_region_config){1024, 64, 4};
    regs[1] = (struct stingy_region_config){2048, 256, 4};
    c = (struct stingy_config){STINGY_CONFIG_VERSION, 64, 4096, 0, 512, 512, 256, 0, 0,
                               2, objs, 2, regs, 0, NULL};
    switch (cases[i].what) {
      case 0: c.version = 99; break;
      case 1: c.line_bytes = 48; break;
      case 2: c.cache_bytes = 4000; break;
      case 3: regs[1].offset_bytes = 1088; break;
      case 4: regs[1].slots = 100; break;
      case 5: objs[1].slot_bytes = 384; break;
      case 6: objs[0].count = 5; break;
      case 7: objs[1].region = 2; break;
      case 8: regs[0].offset_bytes = 640; break;
      case 9: c.n_stages = 1; c.stages = &stage; break;
      case 10: regs[0].offset_bytes = 1000; break;
    }
    msg[0] = 0;
    int rc = stingy_config_check(&c, msg, sizeof msg);
    CHECK_EQ(rc, -1);
    if (!strstr(msg, cases[i].expect))
      fprintf(stderr, "case %zu: expected \"%s\" in \"%s\"\n", i, cases[i].expect, msg);
    CHECK(strstr(msg, cases[i].expect) != NULL);
    CHECK(stingy_heap_create(&c, 0) == NULL);
    CHECK(strstr(stingy_error(), cases[i].expect) != NULL);
  }
  /* the unmodified configuration is accepted */
  objs[0] = (struct stingy_object_config){"a", 64, 64, 2, 0};
  objs[1] = (struct stingy_object_config){"b", 100, 128, 2, 1};
  regs[0] = (struct stingy_region_config){1024, 64, 4};
  regs[1] = (struct stingy_region_config){2048, 256, 4};
  c.version = STINGY_CONFIG_VERSION;
  c.line_bytes = 64;
  c.cache_bytes = 4096;
  c.n_stages = 0;
  CHECK_EQ(stingy_config_check(&c, msg, sizeof msg), 0);
  CHECK_EQ(stingy_config_check(&stingy_config, msg, sizeof msg), 0);
}

int main(void) {
  RUN(test_before_init_everything_falls_back);
  RUN(test_init_maps_the_slabs_of_figure_7_4);
  RUN(test_alloc_within_n_O_then_fallback);
  RUN(test_region_shared_by_colour_keeps_each_limit);
  RUN(test_lifo_reuse_of_the_hot_slot);
  RUN(test_count_zero_always_mallocs);
  RUN(test_free_null_and_foreign_pointers);
  RUN(test_dyn_check_and_avail);
  RUN(test_out_of_range_queries);
  RUN(test_dump_names_objects_regions_stages);
  RUN(test_fini_and_init_again_start_fresh);
  RUN(test_separate_heaps_are_independent);
  RUN(test_invalid_configurations_are_refused);
  stingy_fini();
  return harness_report();
}
