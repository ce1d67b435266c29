package org.broomstick.annotations;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.LOCAL_VARIABLE;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * How many instances of an object one task holds at once when it is allocated inside a loop or an
 * SCG cycle (SPEC §3, the C {@code stingy_count(N)}); without it such an object is unbounded and left
 * to the original allocator. Targets and the local-variable rule as for {@link StingySize}.
 *
 * <pre>{@code
 * while (moreParts(r)) {
 *   @StingyCount(4) ByteBuffer part = buffer(PART_BYTES);   // at most 4 live per task
 *   ...
 * }
 * }</pre>
 */
@Documented
@Retention(CLASS)
@Target({FIELD, LOCAL_VARIABLE, PARAMETER, METHOD, TYPE_USE})
public @interface StingyCount {
  /** Instances per task; positive. */
  long value();
}
