package org.broomstick.annotations;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A method that runs a stage now in a task's context; the scheduler calls it (SPEC §3, the C
 * attribute {@code ScheduleStage("T","S")}). Parameter roles are declared as for {@link
 * QueueStage}: with {@link Task @ScheduleStage.Task} and {@link Stage @ScheduleStage.Stage} on the
 * parameters, or with {@link #params()} ({@code "T"}, {@code "S"}, {@code "X"}), not both.
 *
 * <pre>{@code
 * @ScheduleStage
 * static void run(@ScheduleStage.Task Request r, @ScheduleStage.Stage Handler h) { h.handle(r); }
 * }</pre>
 */
@Documented
@Retention(CLASS)
@Target(METHOD)
public @interface ScheduleStage {
  /** One label per parameter ({@code "T"}, {@code "S"}, {@code "X"}); empty: use the markers. */
  String[] params() default {};

  /** The parameter that carries the task (C label {@code T}). */
  @Documented
  @Retention(CLASS)
  @Target(PARAMETER)
  @interface Task {}

  /** The parameter that carries the stage to run (C label {@code S}). */
  @Documented
  @Retention(CLASS)
  @Target(PARAMETER)
  @interface Stage {}
}
