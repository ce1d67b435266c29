/* Every macro of broomstick.h, placed where a user would put it (thesis figure 6.1 style). */
#include <stddef.h>

#include "broomstick.h"

typedef struct req {
  int fd;
  char *buf;
} req_t;

typedef void stage_fn(req_t *req);

void queue(req_t *req, stage_fn *stage) BROOMSTICK_QUEUE_STAGE("T", "S");
void run_stage(req_t *req, stage_fn *stage) BROOMSTICK_SCHEDULE_STAGE("T", "S");
void *my_malloc(int tag, size_t size) BROOMSTICK_MALLOC("X", "size");
void *tux_malloc(int size) BROOMSTICK_MALLOC("int");
req_t *req_alloc(void) BROOMSTICK_MALLOC() BROOMSTICK_STINGY_SIZE(sizeof(req_t));
void my_free(void *mem) BROOMSTICK_FREE("ptr");
void kfree(void *mem) BROOMSTICK_FREE("0");
int event_loop(void) BROOMSTICK_SCHEDULER;

struct file_event {
  stage_fn *on_read BROOMSTICK_STAGE_FIELD;
};

void handle(req_t *req) {
  char *body BROOMSTICK_STINGY_SIZE(4096) = my_malloc(0, 4096);
  req_t *next BROOMSTICK_STINGY_COUNT(1) = req_alloc();
  queue(next, handle);
  my_free(body);
  (void)req;
}
