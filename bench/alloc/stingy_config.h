/*
 * The benchmark's stingy_config, written by hand in the form stingygen emits (ids as enums, the
 * tables in stingy_config.c). Two sizings of the same objects, chosen at compile time:
 *
 *   default ("fit"): every pool holds the benchmark's peak, so the steady state never falls back
 *                    (the event-loop objects have n_O = 4096, one per task at the largest N: the
 *                    cache slab is then ~19 MiB, far larger than an L2);
 *   -DBENCH_TIGHT:   the slab is sized to this machine's 1 MiB L2 (~0.6 MiB of regions): n_O = 128
 *                    for the event-loop objects and 8 for the mix objects, so the pools run out
 *                    and the rest falls back to malloc (the fallback cost).
 *
 * Objects (size -> slot):
 *   MIX_40, MIX_256, MIX_512, MIX_4096   the "one class" (MIX_256) and "mix" patterns, one
 *                                        region each
 *   EV_REQ 256, EV_HDR 40, EV_BUF 512, EV_BODY 4096   the event-loop pattern's four sites; REQ
 *                                        and BUF have a region each, HDR and BODY (never live
 *                                        together in a task) share one of 4096-byte slots
 */
#ifndef STINGY_CONFIG_H
#define STINGY_CONFIG_H

#include "stingy.h"

enum stingy_object_id {
  MIX_40,
  MIX_256,
  MIX_512,
  MIX_4096,
  EV_REQ,
  EV_HDR,
  EV_BUF,
  EV_BODY,
  STINGY_N_OBJECTS
};

enum stingy_stage_id { STAGE_ACCEPT, STAGE_PARSE, STAGE_BODY, STAGE_SEND, STINGY_N_STAGES };

#endif
