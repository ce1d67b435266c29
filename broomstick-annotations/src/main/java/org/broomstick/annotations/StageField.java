package org.broomstick.annotations;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A field whose assignment queues a stage: storing a method reference, a lambda or a stage object
 * into it is an event edge to the stage it runs (SPEC §3, {@code stageField} in {@code
 * broomstick.yaml}, the C attribute {@code StageField} on a struct member). For an instance field the
 * task is the object that holds the field.
 *
 * <pre>{@code
 * final class Connection {
 *   @StageField Handler onReadable;      // conn.onReadable = this::parseRequest;  queues parseRequest
 * }
 * }</pre>
 */
@Documented
@Retention(CLASS)
@Target(FIELD)
public @interface StageField {}
