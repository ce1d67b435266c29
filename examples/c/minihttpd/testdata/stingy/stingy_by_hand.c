/* The site table of stingy_by_hand.h: the spelling of a srv_malloc size argument -> object id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stingy_by_hand.h"

static const struct {
  const char *spelling;
  uint32_t id;
  size_t hint; /* BROOMSTICK_STINGY_SIZE of a dynamically sized object; 0 for a fixed size */
} sites[] = {
    {"sizeof(struct conn)", STINGY_OBJ_CONN, 0},
    {"INBUF_BYTES", STINGY_OBJ_INBUF, 0},
    {"sizeof(struct request)", STINGY_OBJ_REQUEST, 0},
    {"r->content_length", STINGY_OBJ_REQ_BODY, 4096},
    {"RESP_HEAD_BYTES", STINGY_OBJ_RESP_HEAD, 0},
    {"body_len", STINGY_OBJ_RESP_BODY, 4096},
};

void *stingy_by_hand_alloc(const char *spelling, size_t size) {
  for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++) {
    if (strcmp(sites[i].spelling, spelling) != 0) {
      continue;
    }
    if (sites[i].hint != 0) { /* stingify's guarded form */
      return size <= sites[i].hint ? stingy_alloc(sites[i].id) : malloc(size);
    }
    if (size > stingy_config.objects[sites[i].id].slot_bytes) {
      fprintf(stderr, "stingy_by_hand: srv_malloc(%s) of %zu bytes exceeds its %u-byte slot: "
              "update testdata/stingy/stingy_config.c\n", spelling, size,
              stingy_config.objects[sites[i].id].slot_bytes);
      abort();
    }
    return stingy_alloc(sites[i].id);
  }
  fprintf(stderr, "stingy_by_hand: srv_malloc(%s) is not in the site table\n", spelling);
  abort();
}
