package org.broomstick.memwalk.scg;

import java.util.List;

/**
 * A stage of the server (thesis §6.2.1): the functions reachable by call edges from a function that
 * an event edge enters. A function called from a stage and also queued is in both: its call copy in
 * the caller's stage, its event copy as the entry of its own.
 *
 * @param id the entry function's id, which names the stage
 * @param functions the entry and every function it reaches by calls, sorted, entry first
 * @param successors ids of the stages this stage queues, sorted
 * @param codeBytes the stage weight {@code w_s} of SPEC §5.10: the code size of its functions
 */
public record Stage(String id, String entry, List<String> functions, List<String> successors, long codeBytes) {
  public Stage {
    functions = List.copyOf(functions);
    successors = List.copyOf(successors);
  }
}
