package org.broomstick.memwalk.model;

/**
 * A place where a stage is queued: a call of a {@code QueueStage} function, or a store into a
 * {@code stageField} (SPEC §3). The stage is whatever the {@code stage} cell may point to.
 *
 * @param ordinal the call's or store's event number in its function's {@link FlowGraph}
 * @param via the queue function's name, or {@code struct.field} for a stage-field store
 */
public record QueueSite(
    SourceLocation location, String function, Kind kind, String via, String stage, String stageText, int ordinal) {

  /** How the stage is queued. */
  public enum Kind {
    QUEUE_STAGE,
    SCHEDULE_STAGE,
    STAGE_FIELD
  }
}
