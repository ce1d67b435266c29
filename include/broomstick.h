/*
 * broomstick.h - declare a server's stages, allocators and hints for Broomstick (SPEC section 3).
 *
 * The macros expand to the attributes of the thesis (figure 6.2) only when __BROOMSTICK__ is
 * defined, which Broomstick's C frontend does. Every other compiler sees nothing, so annotated
 * sources build unchanged and gcc/clang emit no -Wattributes warnings for attributes they do not
 * know.
 *
 * Labels are string literals, one per parameter:
 *   BROOMSTICK_QUEUE_STAGE / BROOMSTICK_SCHEDULE_STAGE: "T" task, "S" stage, "X" ignored;
 *   BROOMSTICK_MALLOC: "size" (or the thesis spelling "int") for the size parameter, "X" others;
 *   BROOMSTICK_FREE:   "ptr" for the freed pointer, "X" others (or the thesis index form "0").
 *
 *   void add_tux_atom(tux_req_t *req, atom_func_t *atom) BROOMSTICK_QUEUE_STAGE("T", "S");
 *   void *tux_malloc(int size) BROOMSTICK_MALLOC("size");
 *   void kfree(void *mem) BROOMSTICK_FREE("ptr");
 *   static int event_loop(threadinfo_t *ti) BROOMSTICK_SCHEDULER;
 *   struct aeFileEvent { aeFileProc *rfileProc BROOMSTICK_STAGE_FIELD; };
 *   char *dir_name BROOMSTICK_STINGY_SIZE(4096);
 *
 * A fixed-size allocator has no size parameter: declare it BROOMSTICK_MALLOC() and give its object
 * size with BROOMSTICK_STINGY_SIZE(sizeof(tux_req_t)) on the same declaration, or in
 * broomstick.yaml (malloc: [{function: tux_malloc_req, size: "sizeof(tux_req_t)"}]).
 */
#ifndef BROOMSTICK_H
#define BROOMSTICK_H

#ifdef __BROOMSTICK__

#define BROOMSTICK_QUEUE_STAGE(...) __attribute__((QueueStage(__VA_ARGS__)))
#define BROOMSTICK_SCHEDULE_STAGE(...) __attribute__((ScheduleStage(__VA_ARGS__)))
#define BROOMSTICK_SCHEDULER __attribute__((Scheduler))
#define BROOMSTICK_MALLOC(...) __attribute__((Malloc(__VA_ARGS__)))
#define BROOMSTICK_FREE(...) __attribute__((Free(__VA_ARGS__)))
#define BROOMSTICK_STINGY_SIZE(n) __attribute__((stingy_size(n)))
#define BROOMSTICK_STINGY_COUNT(n) __attribute__((stingy_count(n)))
#define BROOMSTICK_STAGE_FIELD __attribute__((StageField))

#else /* an ordinary build: the declarations carry nothing */

#define BROOMSTICK_QUEUE_STAGE(...)
#define BROOMSTICK_SCHEDULE_STAGE(...)
#define BROOMSTICK_SCHEDULER
#define BROOMSTICK_MALLOC(...)
#define BROOMSTICK_FREE(...)
#define BROOMSTICK_STINGY_SIZE(n)
#define BROOMSTICK_STINGY_COUNT(n)
#define BROOMSTICK_STAGE_FIELD

#endif /* __BROOMSTICK__ */

#endif /* BROOMSTICK_H */
