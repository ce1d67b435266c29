package org.broomstick.memwalk.frontend.bytecode;

/**
 * How the bytecode frontend names things in the model. A method's id is {@code
 * com.x.Server.handle(Lcom/x/Task;)V}: the binary class name, the method name and the JVM
 * descriptor, so overloads differ and the id is stable across runs. Its name is {@code
 * Server.handle} (SPEC §10), which is what annotations and {@code broomstick.yaml} bind.
 */
final class Ids {
  private Ids() {}

  static String method(String owner, String name, String desc) {
    return owner.replace('/', '.') + "." + name + desc;
  }

  /** {@code Class.method}: the class's binary name without its package. */
  static String name(String owner, String method) {
    return simple(owner) + "." + method;
  }

  /** {@code a.b.Class.method}: the qualified spelling a spec may use instead. */
  static String qualifiedName(String owner, String method) {
    return owner.replace('/', '.') + "." + method;
  }

  static String simple(String owner) {
    return owner.substring(owner.lastIndexOf('/') + 1);
  }

  /** The points-to cell of an instance field, keyed by its declaring class (field-based). */
  static String field(String owner, String name) {
    return "f:" + owner.replace('/', '.') + "." + name;
  }

  /** The points-to cell of a static field. */
  static String staticField(String owner, String name) {
    return "g:" + owner.replace('/', '.') + "." + name;
  }
}
