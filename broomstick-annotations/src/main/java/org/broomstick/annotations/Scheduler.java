package org.broomstick.annotations;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * The server's event loop (SPEC §3, the C attribute {@code Scheduler}). What it calls up to the
 * {@link ScheduleStage} calls is the scheduler, whose stack and code count in every stage.
 *
 * <pre>{@code
 * @Scheduler
 * void loop() throws IOException {
 *   while (running) { selector.select(); ... }
 * }
 * }</pre>
 */
@Documented
@Retention(CLASS)
@Target(METHOD)
public @interface Scheduler {}
