package org.broomstick.stingygen.report;

import java.util.List;

/**
 * The parts of memwalk's {@code report.json} (SPEC §10) that stingygen sizes from: stages with
 * their live and allocated objects, the objects, static globals, allocation-order constraints and
 * the stack summary. Read by {@link ReportReader}; other fields of the file are ignored.
 *
 * @param file the path the report was read from, for messages
 */
public record Report(
    String file,
    int schemaVersion,
    String language,
    List<Stage> stages,
    List<ReportObject> objects,
    List<Global> globals,
    List<OrderConstraint> orderConstraints,
    StackSummary stack) {

  /** The schema version this reader understands. */
  public static final int SCHEMA_VERSION = 1;

  public Report {
    stages = List.copyOf(stages);
    objects = List.copyOf(objects);
    globals = List.copyOf(globals);
    orderConstraints = List.copyOf(orderConstraints);
  }

  /**
   * A stage of the server (SPEC §5.2): L_s = {@code liveIn}, A_s = {@code allocates}; {@code
   * codeBytes} is the objective's weight w_s; {@code rank} the event-edge distance from an entry
   * stage.
   */
  public record Stage(
      String id,
      String entry,
      List<String> liveIn,
      List<String> allocates,
      long codeBytes,
      List<String> successors,
      boolean entryStage,
      int rank) {
    public Stage {
      liveIn = List.copyOf(liveIn);
      allocates = List.copyOf(allocates);
      successors = List.copyOf(successors);
    }
  }

  /** Where an allocation site is: 1-based line and column. */
  public record Site(String file, int line, int column) {
    @Override
    public String toString() {
      return file + ":" + line + ":" + column;
    }
  }

  /**
   * An object (allocation site). {@code sizeBytes} is null when memwalk could not size it; {@code
   * sizeHint}/{@code countHint} come from {@code stingy_size}/{@code stingy_count}; {@code color}
   * groups objects never live together in one task.
   */
  public record ReportObject(
      String id,
      Site site,
      String allocator,
      String stage,
      Long sizeBytes,
      String sizeExpr,
      Long sizeHint,
      Integer countHint,
      ObjectClass objectClass,
      Integer color,
      List<String> freedIn) {
    public ReportObject {
      freedIn = List.copyOf(freedIn);
    }
  }

  /** A static global variable (an extension of SPEC §10 that memwalk emits). */
  public record Global(String id, String name, String file, int line, long sizeBytes, ObjectClass globalClass) {}

  /** {@code n_greater ≥ n_lesser} (SPEC §5.9). */
  public record OrderConstraint(String greater, String lesser) {}

  /** The stack requirement; {@code totalBytes} null when unbounded (recursion). */
  public record StackSummary(Long totalBytes, List<Cluster> clusters) {
    public StackSummary {
      clusters = List.copyOf(clusters);
    }
  }

  /** Around {@code bytes} of stack, {@code paths} call paths gather. */
  public record Cluster(long bytes, long paths) {}

  /** memwalk's classification of an object or global. */
  public enum ObjectClass {
    PER_TASK("per-task"),
    GLOBAL_FINAL("global-final"),
    GLOBAL_TEMPORARY("global-temporary"),
    UNBOUNDED("unbounded");

    private final String json;

    ObjectClass(String json) {
      this.json = json;
    }

    /** The spelling in report.json. */
    public String json() {
      return json;
    }

    static ObjectClass ofJson(String s) {
      for (ObjectClass c : values()) {
        if (c.json.equals(s)) {
          return c;
        }
      }
      return null;
    }
  }
}
