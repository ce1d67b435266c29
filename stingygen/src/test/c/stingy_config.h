/*
 * A hand-made stingy_config for the runtime's tests, in the form stingygen emits: ids as enums,
 * the tables in stingy_config.c. A toy pipeline of four stages:
 *
 *   accept (entry) allocates REQ;  parse allocates HDR (freed in parse);  body allocates BODY;
 *   send allocates nothing and frees BODY and REQ.   CONN and SPARE are never allocated by a stage.
 *
 * Cache slab 16 KiB, 64-byte lines:
 *   [0, 4096) stack | [4096, 5120) globals | region 0 [5120, 6144): 4 x 256 (REQ)
 *   | region 1 [6144, 7104): 3 x 320 (HDR, BODY: never live together) | region 2 [7168, 7296):
 *   2 x 64 (CONN; SPARE with n_O = 0) | free to 16384.
 */
#ifndef STINGY_CONFIG_H
#define STINGY_CONFIG_H

#include "stingy.h"

enum stingy_object_id {
  OBJ_REQ,   /* req.c:10:5#req_alloc: 200 bytes, n_O 4 */
  OBJ_HDR,   /* parse.c:22:9#malloc: 100 bytes, n_O 2 */
  OBJ_BODY,  /* body.c:31:7#malloc: 300 bytes, n_O 3 */
  OBJ_CONN,  /* conn.c:5:3#malloc: 48 bytes, n_O 2 */
  OBJ_SPARE, /* spare.c:1:1#malloc: 64 bytes, n_O 0 (always malloc) */
  STINGY_N_OBJECTS
};

enum stingy_stage_id { STAGE_ACCEPT, STAGE_PARSE, STAGE_BODY, STAGE_SEND, STINGY_N_STAGES };

#endif
