/*
 * A hand-made stingy_config for minihttpd, in the form stingygen emits (ids as enums, the tables in
 * stingy_config.c), for `make check-by-hand` until `broomstick optimize` writes the real one.
 *
 * Stage ids follow stingygen's rule (STINGY_STAGE_ + the stage's entry function, upper case), so the
 * server's table of stage ids (src/minihttpd.c, #ifdef STINGY) is the same for both. Object ids
 * here have readable names; stingygen names them after the site (STINGY_OBJ_MINIHTTPD_C_<line>_
 * SRV_MALLOC), which only the shim (stingy_by_hand.c) refers to.
 *
 * Sizes (x86-64): struct conn 112 bytes, struct request 944 (checked at run time by the shim).
 * Cache slab 1 MiB (this machine's L2), 64-byte lines:
 *   [0, 65536) stack | [65536, 86016) globals (memwalk: 18 KiB of final globals)
 *   region 0 [86016, 90112)    CONN       32 x 128
 *   region 1 [90112, 221184)   INBUF      32 x 4096
 *   region 2 [221184, 251904)  REQUEST    32 x 960
 *   region 3 [251904, 317440)  REQ_BODY   16 x 4096  (stingy_size 4096: larger bodies use malloc)
 *   region 4 [317440, 325632)  RESP_HEAD  32 x 256
 *   region 5 [325632, 456704)  RESP_BODY  32 x 4096  (stingy_size 4096)
 * Every object is live with every other one in some stage (write_stage holds them all), so no two
 * share a region. n_O(CONN) = 32 < 64 clients: the accept stage's dynamic check fails while 32
 * connections are open, which is the admission control the load test exercises.
 */
#ifndef STINGY_CONFIG_H
#define STINGY_CONFIG_H

#include "stingy.h"

enum stingy_object_id {
  STINGY_OBJ_CONN,      /* minihttpd.c accept_stage  srv_malloc(sizeof(struct conn)) */
  STINGY_OBJ_INBUF,     /* minihttpd.c accept_stage  srv_malloc(INBUF_BYTES) */
  STINGY_OBJ_REQUEST,   /* minihttpd.c request_new   srv_malloc(sizeof(struct request)) */
  STINGY_OBJ_REQ_BODY,  /* minihttpd.c parse_stage   srv_malloc(r->content_length) */
  STINGY_OBJ_RESP_HEAD, /* minihttpd.c handle_stage  srv_malloc(RESP_HEAD_BYTES) */
  STINGY_OBJ_RESP_BODY, /* minihttpd.c body_alloc    srv_malloc(body_len) */
  STINGY_N_OBJECTS
};

enum stingy_stage_id {
  STINGY_STAGE_ACCEPT_STAGE,
  STINGY_STAGE_READ_STAGE,
  STINGY_STAGE_PARSE_STAGE,
  STINGY_STAGE_BODY_STAGE,
  STINGY_STAGE_HANDLE_STAGE,
  STINGY_STAGE_WRITE_STAGE,
  STINGY_STAGE_LINGER_STAGE,
  STINGY_STAGE_CLOSE_STAGE,
  STINGY_N_STAGES
};

#endif
