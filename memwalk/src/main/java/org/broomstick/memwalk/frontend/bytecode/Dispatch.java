package org.broomstick.memwalk.frontend.bytecode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;

/**
 * The targets of {@code invokevirtual}/{@code invokeinterface}: rapid type analysis. An object can
 * only run the methods of a class that is instantiated somewhere — a {@code new} in the analysed
 * code, or a lambda or method reference ({@code invokedynamic} through {@code LambdaMetafactory}),
 * which "instantiates" its functional interface with the implementation method. When that leaves an
 * application type with no target at all, its objects must come from outside the analysed code
 * (reflection, a framework, a library factory): the call falls back to class-hierarchy analysis
 * over every concrete application subclass.
 */
final class Dispatch {

  /** A {@code LambdaMetafactory} call site: what object it makes and which method it runs. */
  record LambdaSite(String iface, String samName, String samDesc, String impl, int captured, boolean constructor) {}

  /**
   * One method a call may run. {@code captured} is the number of arguments a lambda target had
   * bound at its creation (-1: an ordinary method), which shifts the call's arguments in the
   * implementation's parameters; {@code app} is false for a library method.
   */
  record Target(String function, int captured, boolean constructor, boolean app) {
    static Target method(ClassPath.Method m) {
      return new Target(m.id(), -1, false, m.app());
    }
  }

  /** The targets of one call and whether the hierarchy fallback produced them. */
  record Targets(List<Target> targets, boolean fromHierarchy) {}

  private final ClassPath cp;
  private final Map<String, List<String>> instantiatedBySupertype = new HashMap<>();
  private final Map<String, List<String>> concreteAppBySupertype = new HashMap<>();
  private final Map<String, List<LambdaSite>> lambdasBySupertype = new HashMap<>();
  private final Map<String, Targets> memo = new HashMap<>();

  Dispatch(ClassPath cp, Set<String> instantiated, List<LambdaSite> lambdas) {
    this.cp = cp;
    for (String c : new TreeSet<>(instantiated)) {
      for (String t : cp.supertypes(c)) {
        instantiatedBySupertype.computeIfAbsent(t, k -> new ArrayList<>()).add(c);
      }
    }
    for (ClassPath.AppClass a : cp.appClasses().values()) {
      ClassNode n = a.node();
      if ((n.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE)) == 0) {
        for (String t : cp.supertypes(n.name)) {
          concreteAppBySupertype.computeIfAbsent(t, k -> new ArrayList<>()).add(n.name);
        }
      }
    }
    Set<LambdaSite> distinct = new java.util.LinkedHashSet<>(lambdas);
    for (LambdaSite l : distinct) {
      for (String t : cp.supertypes(l.iface())) {
        lambdasBySupertype.computeIfAbsent(t, k -> new ArrayList<>()).add(l);
      }
    }
  }

  /**
   * The application methods and lambdas a virtual call on {@code owner} may run, and a library
   * target when a library class may implement it. Empty when nothing is known.
   */
  Targets targets(String owner, String name, String desc) {
    return memo.computeIfAbsent(owner + "." + name + desc, k -> compute(owner, name, desc));
  }

  private Targets compute(String owner, String name, String desc) {
    Map<String, Target> out = new LinkedHashMap<>();
    ClassPath.Method declared = cp.resolve(owner, name, desc);
    // A library declaration may run library code on objects made outside the analysed code.
    boolean library = add(out, instantiatedBySupertype.getOrDefault(owner, List.of()), name, desc)
        | (declared != null && !declared.app());
    int args = Type.getArgumentTypes(desc).length;
    for (LambdaSite l : lambdasBySupertype.getOrDefault(owner, List.of())) {
      // Generic interfaces: the call's descriptor may be a bridge of the erased one.
      if (l.samName().equals(name) && Type.getArgumentTypes(l.samDesc()).length == args) {
        out.putIfAbsent(l.impl() + "/" + l.captured(), new Target(l.impl(), l.captured(), l.constructor(), true));
      }
    }
    boolean fromHierarchy = false;
    if (out.isEmpty() && !library) {
      fromHierarchy = true;
      add(out, concreteAppBySupertype.getOrDefault(owner, List.of()), name, desc);
    }
    List<Target> targets = new ArrayList<>(out.values());
    if (library && declared != null) {
      targets.add(new Target(declared.id(), -1, false, false));
    }
    return new Targets(List.copyOf(targets), fromHierarchy && !targets.isEmpty());
  }

  /** Adds the application implementations in {@code classes}; true when a library one was met. */
  private boolean add(Map<String, Target> out, List<String> classes, String name, String desc) {
    boolean library = false;
    for (String c : classes) {
      ClassPath.Method m = cp.implementation(c, name, desc);
      if (m == null) {
        continue;
      }
      if (m.app()) {
        out.putIfAbsent(m.id(), Target.method(m));
      } else {
        library = true;
      }
    }
    return library;
  }
}
