/* The tables of the hand-made test configuration described in stingy_config.h. */
#include "stingy_config.h"

static const struct stingy_object_config objects[STINGY_N_OBJECTS] = {
    [OBJ_REQ] = {"req.c:10:5#req_alloc", 200, 256, 4, 0},
    [OBJ_HDR] = {"parse.c:22:9#malloc", 100, 128, 2, 1},
    [OBJ_BODY] = {"body.c:31:7#malloc", 300, 320, 3, 1},
    [OBJ_CONN] = {"conn.c:5:3#malloc", 48, 64, 2, 2},
    [OBJ_SPARE] = {"spare.c:1:1#malloc", 0, 64, 0, 2},
};

static const struct stingy_region_config regions[] = {
    {5120, 256, 4},
    {6144, 320, 3},
    {7168, 64, 2},
};

static const uint32_t accept_allocates[] = {OBJ_REQ};
static const uint32_t parse_allocates[] = {OBJ_HDR};
static const uint32_t body_allocates[] = {OBJ_BODY};

static const struct stingy_stage_config stages[STINGY_N_STAGES] = {
    [STAGE_ACCEPT] = {"accept", accept_allocates, 1, 0, 0, STINGY_STAGE_ENTRY},
    [STAGE_PARSE] = {"parse", parse_allocates, 1, 4, 1, 0},
    [STAGE_BODY] = {"body", body_allocates, 1, 4, 2, 0},
    [STAGE_SEND] = {"send", NULL, 0, 3, 3, 0},
};

const struct stingy_config stingy_config = {
    .version = STINGY_CONFIG_VERSION,
    .line_bytes = 64,
    .cache_bytes = 16384,
    .stack_offset = 0,
    .stack_bytes = 4096,
    .globals_offset = 4096,
    .globals_bytes = 1024,
    .low_bytes = 8192,
    .high_bytes = 8192,
    .n_objects = STINGY_N_OBJECTS,
    .objects = objects,
    .n_regions = sizeof regions / sizeof regions[0],
    .regions = regions,
    .n_stages = STINGY_N_STAGES,
    .stages = stages,
};
