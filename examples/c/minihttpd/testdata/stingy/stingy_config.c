/* The tables of the hand-made minihttpd configuration described in stingy_config.h. */
#include "stingy_config.h"

static const struct stingy_object_config objects[STINGY_N_OBJECTS] = {
    [STINGY_OBJ_CONN] = {"minihttpd.c#accept_stage:conn", 112, 128, 32, 0},
    [STINGY_OBJ_INBUF] = {"minihttpd.c#accept_stage:inbuf", 4096, 4096, 32, 1},
    [STINGY_OBJ_REQUEST] = {"minihttpd.c#request_new:request", 944, 960, 32, 2},
    [STINGY_OBJ_REQ_BODY] = {"minihttpd.c#parse_stage:body", 0, 4096, 16, 3},
    [STINGY_OBJ_RESP_HEAD] = {"minihttpd.c#handle_stage:resp_head", 256, 256, 32, 4},
    [STINGY_OBJ_RESP_BODY] = {"minihttpd.c#body_alloc:resp_body", 0, 4096, 32, 5},
};

static const struct stingy_region_config regions[] = {
    {86016, 128, 32}, {90112, 4096, 32}, {221184, 960, 32},
    {251904, 4096, 16}, {317440, 256, 32}, {325632, 4096, 32},
};

static const uint32_t accept_allocates[] = {STINGY_OBJ_CONN, STINGY_OBJ_INBUF};
static const uint32_t parse_allocates[] = {STINGY_OBJ_REQUEST, STINGY_OBJ_REQ_BODY};
static const uint32_t handle_allocates[] = {STINGY_OBJ_RESP_HEAD, STINGY_OBJ_RESP_BODY};

/* cap: min n_O over the objects live when the stage starts (L_s); rank: stage distance from accept. */
static const struct stingy_stage_config stages[STINGY_N_STAGES] = {
    [STINGY_STAGE_ACCEPT_STAGE] = {"accept_stage", accept_allocates, 2, 0, 0, STINGY_STAGE_ENTRY},
    [STINGY_STAGE_READ_STAGE] = {"read_stage", NULL, 0, 32, 1, 0},
    [STINGY_STAGE_PARSE_STAGE] = {"parse_stage", parse_allocates, 2, 32, 2, 0},
    [STINGY_STAGE_BODY_STAGE] = {"body_stage", NULL, 0, 16, 3, 0},
    [STINGY_STAGE_HANDLE_STAGE] = {"handle_stage", handle_allocates, 2, 16, 3, 0},
    [STINGY_STAGE_WRITE_STAGE] = {"write_stage", NULL, 0, 16, 4, 0},
    [STINGY_STAGE_LINGER_STAGE] = {"linger_stage", NULL, 0, 16, 5, 0},
    [STINGY_STAGE_CLOSE_STAGE] = {"close_stage", NULL, 0, 16, 2, 0},
};

const struct stingy_config stingy_config = {
    .version = STINGY_CONFIG_VERSION,
    .line_bytes = 64,
    .cache_bytes = 1048576,
    .stack_offset = 0,
    .stack_bytes = 65536,
    .globals_offset = 65536,
    .globals_bytes = 20480,
    .low_bytes = 65536,
    .high_bytes = 65536,
    .n_objects = STINGY_N_OBJECTS,
    .objects = objects,
    .n_regions = sizeof regions / sizeof regions[0],
    .regions = regions,
    .n_stages = STINGY_N_STAGES,
    .stages = stages,
};
