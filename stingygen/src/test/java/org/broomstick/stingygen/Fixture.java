package org.broomstick.stingygen;

import java.util.ArrayList;
import java.util.List;
import org.broomstick.stingygen.report.Report;
import org.broomstick.stingygen.report.Report.Global;
import org.broomstick.stingygen.report.Report.ObjectClass;
import org.broomstick.stingygen.report.Report.OrderConstraint;
import org.broomstick.stingygen.report.Report.ReportObject;
import org.broomstick.stingygen.report.Report.Site;
import org.broomstick.stingygen.report.Report.Stage;
import org.broomstick.stingygen.report.Report.StackSummary;

/** A compact way to write small reports in tests: objects, stages, order constraints, stack. */
public final class Fixture {
  private final List<ReportObject> objects = new ArrayList<>();
  private final List<Stage> stages = new ArrayList<>();
  private final List<Global> globals = new ArrayList<>();
  private final List<OrderConstraint> order = new ArrayList<>();
  private Long stack = 1024L;

  public static Fixture report() {
    return new Fixture();
  }

  /** A per-task object of {@code size} bytes at {@code t.c:<n>:1} (n = its position). */
  public Fixture object(String id, long size, Integer colour) {
    return object(id, size, null, null, colour, ObjectClass.PER_TASK);
  }

  public Fixture object(String id, Long size, Long hint, Integer count, Integer colour, ObjectClass cls) {
    int line = objects.size() + 1;
    objects.add(new ReportObject(
        id, new Site("t.c", line, 1), "malloc", null, size, null, hint, count, cls, colour, List.of()));
    return this;
  }

  /** A stage with weight w_s, L_s and A_s; the first stage added is the entry stage. */
  public Fixture stage(String id, long weight, List<String> live, List<String> allocates) {
    stages.add(new Stage(id, id, live, allocates, weight, List.of(), stages.isEmpty(), stages.size()));
    return this;
  }

  public Fixture order(String greater, String lesser) {
    order.add(new OrderConstraint(greater, lesser));
    return this;
  }

  public Fixture global(String id, long size, boolean isFinal) {
    globals.add(new Global(id, id, "t.c", 1, size, isFinal ? ObjectClass.GLOBAL_FINAL : ObjectClass.GLOBAL_TEMPORARY));
    return this;
  }

  public Fixture stack(Long bytes) {
    stack = bytes;
    return this;
  }

  public Report build() {
    return new Report("fixture.json", 1, "c", stages, objects, globals, order, new StackSummary(stack, List.of()));
  }

  /** Options for a given cache and 64-byte lines, nothing from this machine. */
  public static StingygenOptions cache(long bytes) {
    return StingygenOptions.defaults().withCache(bytes, 64).withSolver(10, 1);
  }
}
