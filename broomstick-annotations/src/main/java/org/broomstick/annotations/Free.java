package org.broomstick.annotations;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A method that frees an object (SPEC §3, the C attribute {@code Free("ptr")}). The freed object is,
 * in this order of choice: the parameter marked {@link Ptr @Free.Ptr}; the parameter labelled
 * {@code "ptr"} in {@link #params()} (the other labels are {@code "X"}); the only parameter of a
 * one-parameter method; the receiver of an instance method without parameters.
 *
 * <pre>{@code
 * @Free
 * static void release(ByteBuffer b) { ... }                   // the only parameter
 *
 * @Free
 * void recycle(Request owner, @Free.Ptr ByteBuffer b) { ... }
 *
 * final class Buffer { @Free void release() { ... } }         // the receiver
 * }</pre>
 */
@Documented
@Retention(CLASS)
@Target(METHOD)
public @interface Free {
  /** One label per parameter ({@code "ptr"}, {@code "X"}); empty: use the marker or the rules above. */
  String[] params() default {};

  /** The parameter that carries the object to free (C label {@code ptr}). */
  @Documented
  @Retention(CLASS)
  @Target(PARAMETER)
  @interface Ptr {}
}
