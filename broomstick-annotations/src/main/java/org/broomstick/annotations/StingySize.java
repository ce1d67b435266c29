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
 * The optimistic size in bytes of a dynamically sized object (SPEC §3, the C {@code
 * stingy_size(N)}): allocations up to this size come from the Stingy allocator, larger ones from the
 * original allocator (thesis figure 6.5). Put it on the variable, field or parameter that receives
 * the allocation, or on a {@link Malloc} method to apply it to all its call sites.
 *
 * <pre>{@code
 * @StingySize(4096) ByteBuffer body = buffer(contentLength);
 * }</pre>
 *
 * <p>Javac drops declaration annotations of local variables from class files, so this type is also a
 * type annotation ({@code TYPE_USE}): on a local with an explicit type ({@code ByteBuffer}, not
 * {@code var}) it is kept in the method's {@code RuntimeInvisibleTypeAnnotations}, where the bytecode
 * frontend reads it. On fields, parameters and non-void methods javac writes it both as a declaration
 * and as a type annotation: the same hint, read once. The value is positive.
 */
@Documented
@Retention(CLASS)
@Target({FIELD, LOCAL_VARIABLE, PARAMETER, METHOD, TYPE_USE})
public @interface StingySize {
  /** Bytes. */
  long value();
}
