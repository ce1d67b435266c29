/*
 * trace.c - the dynamic-validation tracer for the annotated examples (issue 4, "Show").
 *
 * How it sees the example without changing its source: trace.sh builds the example as a shared
 * object (-fPIC -shared -Dmain=broomstick_example_main) and links it into this program. Inside a
 * -fPIC shared object, calls to the example's own global functions go through the PLT and may be
 * interposed (gcc's default semantic interposition), so the definitions below of srv_alloc,
 * srv_free, queue_stage and dispatch_stage take every call the example makes, see all the
 * arguments, and forward to the example's own definitions found with dlsym(RTLD_NEXT). The
 * alternatives fall short: -Wl,--wrap only wraps references that are undefined in their object,
 * never calls within one file; -finstrument-functions sees function entries but not their
 * arguments (the task, the pointer being freed); a -include header of function-like macros also
 * rewrites the functions' own definitions.
 *
 * What an example must provide (all of ours do): the interface functions are global, with these
 * names; every stage is dispatched by the scheduler through dispatch_stage(task, stage). The task
 * and stage pointer types are the example's own (struct task *, stage_fn *); here they are void *
 * and a function of void *, which have the same representation and calling convention on the
 * targets gcc supports.
 *
 * The trace is text, one event a line, written when the example's main returns to the file named
 * by $BROOMSTICK_TRACE (default trace.txt). Sites and stage names are resolved with one addr2line
 * call at the end, so tracing adds nothing but a store to each event:
 *
 *   # broomstick-trace 1
 *   stage task=1 stage=stage1
 *   alloc task=1 stage=stage1 site=fig52.c:70 allocator=srv_alloc ptr=0x5581c2a0 size=64
 *   free task=1 stage=stage3 site=fig52.c:92 allocator=srv_free ptr=0x5581c2a0
 *   queue task=1 stage=stage1 site=fig52.c:73 to=stage2
 *   exit status=0
 *
 * task is numbered by the task pointer's first appearance (1, 2, ...), "-" outside any task;
 * stage is the stage the scheduler dispatched and that is running, "-" outside a stage (main);
 * site is the file:line of the call in the example (return address - 1).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void stage_fn(void *task);

int broomstick_example_main(void);

enum kind { STAGE, ALLOC, FREE, QUEUE };

struct event {
  enum kind kind;
  int task;             /* 0: no task */
  uintptr_t stage;      /* the running stage, 0 outside one */
  uintptr_t site;       /* return address in the example */
  uintptr_t target;     /* STAGE, QUEUE: the stage; ALLOC, FREE: the pointer */
  size_t size;
  const char *allocator;
};

static struct event *events;
static size_t n_events, cap_events;

static void **tasks;            /* task pointers, index + 1 = task number */
static size_t n_tasks, cap_tasks;

static int current_task;
static uintptr_t current_stage;

static void die(const char *what) {
  perror(what);
  exit(70);
}

static void *grow(void *array, size_t *cap, size_t item) {
  *cap = *cap ? *cap * 2 : 256;
  void *p = realloc(array, *cap * item);
  if (p == NULL) {
    die("trace: realloc");
  }
  return p;
}

static struct event *record(enum kind kind, void *return_address) {
  if (n_events == cap_events) {
    events = grow(events, &cap_events, sizeof *events);
  }
  struct event *e = &events[n_events++];
  memset(e, 0, sizeof *e);
  e->kind = kind;
  e->task = current_task;
  e->stage = current_stage;
  e->site = (uintptr_t) return_address;
  return e;
}

/* Tasks may be reused after they end; a number stands for a pointer for the whole run. */
static int task_number(void *t) {
  for (size_t i = 0; i < n_tasks; i++) {
    if (tasks[i] == t) {
      return (int) i + 1;
    }
  }
  if (n_tasks == cap_tasks) {
    tasks = grow(tasks, &cap_tasks, sizeof *tasks);
  }
  tasks[n_tasks++] = t;
  return (int) n_tasks;
}

static void *real(const char *name) {
  void *f = dlsym(RTLD_NEXT, name);
  if (f == NULL) {
    fprintf(stderr, "trace: the example does not define %s\n", name);
    exit(70);
  }
  return f;
}

/* The interposed interface. */

void *srv_alloc(size_t size) {
  static void *(*next)(size_t);
  if (next == NULL) {
    *(void **) &next = real("srv_alloc");
  }
  void *p = next(size);
  struct event *e = record(ALLOC, __builtin_return_address(0));
  e->target = (uintptr_t) p;
  e->size = size;
  e->allocator = "srv_alloc";
  return p;
}

void srv_free(void *p) {
  static void (*next)(void *);
  if (next == NULL) {
    *(void **) &next = real("srv_free");
  }
  struct event *e = record(FREE, __builtin_return_address(0));
  e->target = (uintptr_t) p;
  e->allocator = "srv_free";
  next(p);
}

void queue_stage(void *t, stage_fn *stage) {
  static void (*next)(void *, stage_fn *);
  if (next == NULL) {
    *(void **) &next = real("queue_stage");
  }
  struct event *e = record(QUEUE, __builtin_return_address(0));
  e->task = task_number(t); /* the queued task, which need not be the running one */
  e->target = (uintptr_t) stage;
  next(t, stage);
}

void dispatch_stage(void *t, stage_fn *stage) {
  static void (*next)(void *, stage_fn *);
  if (next == NULL) {
    *(void **) &next = real("dispatch_stage");
  }
  int outer_task = current_task;
  uintptr_t outer_stage = current_stage;
  current_task = task_number(t);
  current_stage = (uintptr_t) stage;
  struct event *e = record(STAGE, __builtin_return_address(0));
  e->target = (uintptr_t) stage;
  next(t, stage);
  current_task = outer_task;
  current_stage = outer_stage;
}

/* Resolution: code addresses to "function" and "file:line" with one addr2line run. */

struct place {
  uintptr_t address;    /* as recorded */
  char function[512];
  char line[1024];      /* basename:line */
};

static struct place *places;
static size_t n_places, cap_places;

static void want(uintptr_t address) {
  if (address == 0) {
    return;
  }
  for (size_t i = 0; i < n_places; i++) {
    if (places[i].address == address) {
      return;
    }
  }
  if (n_places == cap_places) {
    places = grow(places, &cap_places, sizeof *places);
  }
  memset(&places[n_places], 0, sizeof *places);
  places[n_places++].address = address;
}

static const struct place *place_of(uintptr_t address) {
  for (size_t i = 0; i < n_places; i++) {
    if (places[i].address == address) {
      return &places[i];
    }
  }
  return NULL;
}

static void chomp(char *s) {
  s[strcspn(s, "\r\n")] = '\0';
}

/*
 * Code addresses are given to addr2line as offsets in the example's shared object. A return
 * address points after the call, so the call's line is that of (address - 1); stage addresses
 * are function entries and are used as they are.
 */
static void resolve(void) {
  Dl_info self;
  if (dladdr((void *) broomstick_example_main, &self) == 0 || self.dli_fname == NULL) {
    fprintf(stderr, "trace: cannot locate the example's shared object\n");
    exit(70);
  }
  for (size_t i = 0; i < n_events; i++) {
    want(events[i].site);
    want(events[i].stage);
    if (events[i].kind == STAGE || events[i].kind == QUEUE) {
      want(events[i].target);
    }
  }
  if (n_places == 0) {
    return;
  }
  char input_name[] = "/tmp/broomstick-trace-XXXXXX";
  int fd = mkstemp(input_name);
  if (fd < 0) {
    die("trace: mkstemp");
  }
  /* a return address points after its call: resolve sites at address - 1 */
  FILE *input = fdopen(fd, "w");
  if (input == NULL) {
    die("trace: fdopen");
  }
  for (size_t i = 0; i < n_places; i++) {
    int is_site = 0;
    for (size_t j = 0; j < n_events && !is_site; j++) {
      is_site = events[j].site == places[i].address;
    }
    uintptr_t offset = places[i].address - (uintptr_t) self.dli_fbase - (is_site ? 1 : 0);
    fprintf(input, "0x%lx\n", (unsigned long) offset);
  }
  if (fclose(input) != 0) {
    die("trace: addresses");
  }
  char command[4096];
  snprintf(command, sizeof command, "addr2line -f -e '%s' < '%s'", self.dli_fname, input_name);
  FILE *out = popen(command, "r");
  if (out == NULL) {
    die("trace: addr2line");
  }
  char function[512], file_line[1024];
  for (size_t i = 0; i < n_places; i++) {
    if (fgets(function, sizeof function, out) == NULL || fgets(file_line, sizeof file_line, out) == NULL) {
      fprintf(stderr, "trace: addr2line answered %zu of %zu addresses\n", i, n_places);
      exit(70);
    }
    chomp(function);
    chomp(file_line);
    file_line[strcspn(file_line, " ")] = '\0'; /* drop " (discriminator N)" */
    const char *base = strrchr(file_line, '/');
    snprintf(places[i].function, sizeof places[i].function, "%s", function);
    snprintf(places[i].line, sizeof places[i].line, "%s", base ? base + 1 : file_line);
  }
  if (pclose(out) != 0) {
    fprintf(stderr, "trace: addr2line failed\n");
    exit(70);
  }
  remove(input_name);
}

static const char *function_at(uintptr_t address) {
  return address == 0 ? "-" : place_of(address)->function;
}

static const char *line_at(uintptr_t address) {
  return place_of(address)->line;
}

static void write_trace(FILE *f, int status) {
  fprintf(f, "# broomstick-trace 1\n");
  for (size_t i = 0; i < n_events; i++) {
    const struct event *e = &events[i];
    char task[16] = "-";
    if (e->task != 0) {
      snprintf(task, sizeof task, "%d", e->task);
    }
    switch (e->kind) {
      case STAGE:
        fprintf(f, "stage task=%s stage=%s\n", task, function_at(e->target));
        break;
      case ALLOC:
        fprintf(f, "alloc task=%s stage=%s site=%s allocator=%s ptr=0x%lx size=%zu\n", task,
            function_at(e->stage), line_at(e->site), e->allocator, (unsigned long) e->target, e->size);
        break;
      case FREE:
        fprintf(f, "free task=%s stage=%s site=%s allocator=%s ptr=0x%lx\n", task,
            function_at(e->stage), line_at(e->site), e->allocator, (unsigned long) e->target);
        break;
      case QUEUE:
        /* task is the queued task; the running stage is the edge's source */
        fprintf(f, "queue task=%s stage=%s site=%s to=%s\n", task, function_at(e->stage),
            line_at(e->site), function_at(e->target));
        break;
    }
  }
  fprintf(f, "exit status=%d\n", status);
}

int main(void) {
  int status = broomstick_example_main();
  fflush(stdout);
  resolve();
  const char *name = getenv("BROOMSTICK_TRACE");
  if (name == NULL || *name == '\0') {
    name = "trace.txt";
  }
  FILE *f = fopen(name, "w");
  if (f == NULL) {
    die(name);
  }
  write_trace(f, status);
  if (fclose(f) != 0) {
    die(name);
  }
  return status;
}
