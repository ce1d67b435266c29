package org.broomstick.memwalk.model;

/**
 * An assignment of a function-pointer value to a struct field ({@code p->f = fn}, designated or
 * positional initializers). Recorded so a {@code stageField} of the spec can turn it into a queue
 * site without parsing again.
 *
 * @param function id of the enclosing function, or null at file scope (static initializers)
 * @param field {@code struct.field}, keyed by the struct's tag or typedef name
 * @param ordinal the store's event number in its function's {@link FlowGraph} (-1 at file scope)
 */
public record FieldStore(SourceLocation location, String function, String field, String value, String valueText, int ordinal) {}
