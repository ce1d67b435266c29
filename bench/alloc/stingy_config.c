/* The benchmark's configuration tables; see stingy_config.h for the two sizings. */
#include "stingy_config.h"

#ifdef BENCH_TIGHT
#define MIX_N 8u
#define EV_N 128u
#else
#define MIX_N 64u
#define EV_N 4096u
#endif

/* region offsets, back to back from 0 (no stack or globals area): one region per object, except
   that HDR and BODY, never live together in a task (parse frees HDR before body allocates BODY),
   share one, as stingygen's colouring would put them: slot 4096, the larger member's, in a
   stride of BENCH_STRIDE (below) */
#define OFF_MIX_40 0u
#define OFF_MIX_256 (OFF_MIX_40 + 64u * MIX_N)
#define OFF_MIX_512 (OFF_MIX_256 + 256u * MIX_N)
#define OFF_MIX_4096 (OFF_MIX_512 + 512u * MIX_N)
#define OFF_EV_REQ (OFF_MIX_4096 + 4096u * MIX_N)
#define OFF_EV_BUF (OFF_EV_REQ + 256u * EV_N)
#define OFF_EV_BODY (OFF_EV_BUF + 512u * EV_N)
/* the HDR/BODY region's stride: its 4096-byte slots padded by a line, as stingygen lays out a slot
   that is a multiple of 64 lines (no cache-set aliasing of the slots' first lines); -DBENCH_STRIDE=4096
   builds the unpadded layout for comparison */
#ifndef BENCH_STRIDE
#define BENCH_STRIDE 4160u
#endif
#define END (OFF_EV_BODY + BENCH_STRIDE * EV_N)

static const struct stingy_object_config objects[STINGY_N_OBJECTS] = {
    [MIX_40] = {"mix.c:1:1#malloc(40)", 40, 64, MIX_N, 0},
    [MIX_256] = {"mix.c:2:1#malloc(256)", 256, 256, MIX_N, 1},
    [MIX_512] = {"mix.c:3:1#malloc(512)", 512, 512, MIX_N, 2},
    [MIX_4096] = {"mix.c:4:1#malloc(4096)", 4096, 4096, MIX_N, 3},
    [EV_REQ] = {"loop.c:10:5#req", 256, 256, EV_N, 4},
    [EV_HDR] = {"loop.c:20:5#hdr", 40, 64, EV_N, 6},
    [EV_BUF] = {"loop.c:21:5#buf", 512, 512, EV_N, 5},
    [EV_BODY] = {"loop.c:30:5#body", 4096, 4096, EV_N, 6},
};

static const struct stingy_region_config regions[] = {
    {OFF_MIX_40, 64, MIX_N},  {OFF_MIX_256, 256, MIX_N}, {OFF_MIX_512, 512, MIX_N},
    {OFF_MIX_4096, 4096, MIX_N}, {OFF_EV_REQ, 256, EV_N},  {OFF_EV_BUF, 512, EV_N},
    {OFF_EV_BODY, BENCH_STRIDE, EV_N}, /* HDR and BODY */
};

static const uint32_t accept_allocates[] = {EV_REQ};
static const uint32_t parse_allocates[] = {EV_HDR, EV_BUF};
static const uint32_t body_allocates[] = {EV_BODY};

static const struct stingy_stage_config stages[STINGY_N_STAGES] = {
    [STAGE_ACCEPT] = {"accept", accept_allocates, 1, 0, 0, STINGY_STAGE_ENTRY},
    [STAGE_PARSE] = {"parse", parse_allocates, 2, EV_N, 1, 0},
    [STAGE_BODY] = {"body", body_allocates, 1, EV_N, 2, 0},
    [STAGE_SEND] = {"send", NULL, 0, EV_N, 3, 0},
};

const struct stingy_config stingy_config = {
    .version = STINGY_CONFIG_VERSION,
    .line_bytes = 64,
    .cache_bytes = END,
    .n_objects = STINGY_N_OBJECTS,
    .objects = objects,
    .n_regions = sizeof regions / sizeof regions[0],
    .regions = regions,
    .n_stages = STINGY_N_STAGES,
    .stages = stages,
};
