package org.broomstick.annotations;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A method that queues a task to run a stage later: each call is an <em>event edge</em> of the
 * stage call graph (SPEC §3, thesis figure 6.2; the C attribute {@code QueueStage("T","S")}).
 *
 * <p>Say which parameter is the stage and which the task in one of two ways, not both:
 *
 * <ul>
 *   <li>mark the parameters with {@link Stage @QueueStage.Stage} and {@link Task
 *       @QueueStage.Task}; unmarked parameters are ignored (the C label {@code X});
 *   <li>or give {@link #params()}, one C label per parameter, exactly as in the C attribute and in
 *       {@code broomstick.yaml}: {@code "T"} task, {@code "S"} stage, {@code "X"} ignored.
 * </ul>
 *
 * <pre>{@code
 * @QueueStage
 * void enqueue(@QueueStage.Task Request r, @QueueStage.Stage Handler next) { ... }
 *
 * @QueueStage(params = {"X", "S", "T"})     // C: QueueStage("X","S","T")
 * void register(SelectionKey key, Handler h, Request r) { ... }
 * }</pre>
 *
 * <p>Exactly one parameter is the stage. Its arguments are method references, lambdas or objects of
 * a stage interface; the frontends resolve them to the methods they run. The task is optional: on an
 * instance method with no task parameter, the receiver is the task ({@code request.then(this::parse)}).
 * The marker annotations are nested so that they never clash with a server's own {@code Task} or
 * {@code Stage} types; {@code import org.broomstick.annotations.QueueStage.Task} shortens them.
 */
@Documented
@Retention(CLASS)
@Target(METHOD)
public @interface QueueStage {
  /** One label per parameter ({@code "T"}, {@code "S"}, {@code "X"}); empty: use the markers. */
  String[] params() default {};

  /** The parameter that carries the task (C label {@code T}). */
  @Documented
  @Retention(CLASS)
  @Target(PARAMETER)
  @interface Task {}

  /** The parameter that carries the stage to queue (C label {@code S}). */
  @Documented
  @Retention(CLASS)
  @Target(PARAMETER)
  @interface Stage {}
}
