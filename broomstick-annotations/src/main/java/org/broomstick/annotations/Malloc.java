package org.broomstick.annotations;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A method that allocates a per-task object and returns it; each call site is one <em>object</em>
 * (SPEC §3, the C attribute {@code Malloc("size")}). The size in bytes is, in this order of choice:
 *
 * <ul>
 *   <li>the argument of the parameter marked {@link Size @Malloc.Size}, or labelled {@code "size"}
 *       (thesis spelling {@code "int"}) in {@link #params()} — the other labels are {@code "X"};
 *   <li>{@link #size()} for a fixed-size allocator;
 *   <li>otherwise a {@link StingySize} hint or {@code broomstick.yaml}; an object of unknown size is
 *       left to the ordinary allocator.
 * </ul>
 *
 * <pre>{@code
 * @Malloc
 * static ByteBuffer buffer(@Malloc.Size int bytes) { return ByteBuffer.allocateDirect(bytes); }
 *
 * @Malloc(size = 512)                       // fixed size: no size parameter
 * static ByteBuffer headerBuffer() { return ByteBuffer.allocateDirect(512); }
 *
 * @Malloc(params = {"X", "size"})            // C: Malloc("X","size")
 * static ByteBuffer buffer(Request owner, int bytes) { ... }
 * }</pre>
 */
@Documented
@Retention(CLASS)
@Target(METHOD)
public @interface Malloc {
  /** The fixed size in bytes of every object it allocates; negative (the default): not given. */
  long size() default -1;

  /** One label per parameter ({@code "size"} or {@code "int"}, {@code "X"}); empty: use the marker. */
  String[] params() default {};

  /** The parameter that carries the size in bytes (C label {@code size}). */
  @Documented
  @Retention(CLASS)
  @Target(PARAMETER)
  @interface Size {}
}
