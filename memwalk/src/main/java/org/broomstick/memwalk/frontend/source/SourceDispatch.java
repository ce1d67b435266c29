package org.broomstick.memwalk.frontend.source;

import com.github.javaparser.resolution.declarations.ResolvedReferenceTypeDeclaration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The targets of virtual calls by rapid type analysis, as the bytecode frontend's {@code Dispatch}:
 * the implementations in classes instantiated in the sources ({@code new}, anonymous classes) and
 * the lambdas and method references of the call's interface; when nothing of the program
 * implements an application type, every concrete application subclass (class-hierarchy analysis).
 * A generic override ({@code accept(String)} for {@code accept(Object)}) is matched by name and
 * arity: the source has no bridge methods.
 */
final class SourceDispatch {

  /** A lambda or method reference: the interface it makes and the method it runs. */
  record FnObject(String impl, String iface, String samName, int samArity, int captured, boolean constructor) {}

  /** One method a call may run; see the bytecode frontend's {@code Dispatch.Target}. */
  record Target(String function, int captured, boolean constructor, boolean app) {}

  record Targets(List<Target> targets, boolean fromHierarchy) {}

  /** What an object of a class runs for a method: an application method, or library code. */
  record Impl(SourceTree.AppMethod method, boolean library) {
    static final Impl LIBRARY = new Impl(null, true);
  }

  private static final Set<String> OBJECT_METHODS = Set.of("equals", "hashCode", "toString", "getClass", "notify",
      "notifyAll", "wait", "clone", "finalize");

  private final SourceTree tree;
  private final Map<String, List<String>> instantiatedBySupertype = new HashMap<>();
  private final Map<String, List<String>> concreteAppBySupertype = new HashMap<>();
  private final Map<String, List<FnObject>> fnsBySupertype = new HashMap<>();

  SourceDispatch(SourceTree tree, Set<String> instantiated, List<FnObject> fns) {
    this.tree = tree;
    for (String c : new TreeSet<>(instantiated)) {
      for (String t : tree.supertypes(c)) {
        instantiatedBySupertype.computeIfAbsent(t, k -> new ArrayList<>()).add(c);
      }
    }
    for (SourceTree.AppType a : tree.types.values()) {
      if (!a.isAbstract) {
        for (String t : tree.supertypes(a.binary)) {
          concreteAppBySupertype.computeIfAbsent(t, k -> new ArrayList<>()).add(a.binary);
        }
      }
    }
    for (FnObject f : new LinkedHashSet<>(fns)) {
      if (f.iface() != null) {
        for (String t : tree.supertypes(f.iface())) {
          fnsBySupertype.computeIfAbsent(t, k -> new ArrayList<>()).add(f);
        }
      }
    }
  }

  /**
   * @param owner the receiver's static type
   * @param declared the resolved declaration's function id, {@code declaredApp} whether it is in
   *     the sources
   */
  Targets targets(String owner, String name, String desc, int arity, String declared, boolean declaredApp) {
    Map<String, Target> out = new LinkedHashMap<>();
    boolean library = add(out, instantiatedBySupertype.getOrDefault(owner, List.of()), name, desc, arity) | !declaredApp;
    for (FnObject f : fnsBySupertype.getOrDefault(owner, List.of())) {
      if (f.samName().equals(name) && f.samArity() == arity) {
        out.putIfAbsent(f.impl() + "/" + f.captured(), new Target(f.impl(), f.captured(), f.constructor(), true));
      }
    }
    boolean fromHierarchy = false;
    if (out.isEmpty() && !library) {
      fromHierarchy = true;
      add(out, concreteAppBySupertype.getOrDefault(owner, List.of()), name, desc, arity);
    }
    List<Target> targets = new ArrayList<>(out.values());
    if (library && declared != null) {
      targets.add(new Target(declared, -1, false, false));
    }
    return new Targets(List.copyOf(targets), fromHierarchy && !targets.isEmpty());
  }

  private boolean add(Map<String, Target> out, List<String> classes, String name, String desc, int arity) {
    boolean library = false;
    for (String c : classes) {
      Impl m = implementation(c, name, desc, arity);
      if (m == null) {
        continue;
      }
      if (m.library()) {
        library = true;
      } else {
        out.putIfAbsent(m.method().id(), new Target(m.method().id(), -1, false, true));
      }
    }
    return library;
  }

  /** The method an object of class {@code cls} runs for {@code name desc}; null when none. */
  Impl implementation(String cls, String name, String desc, int arity) {
    for (String c : tree.superclasses(cls)) {
      SourceTree.AppType t = tree.types.get(c);
      if (t == null) {
        return libraryHas(c, name, arity) ? Impl.LIBRARY : null;
      }
      SourceTree.AppMethod m = declared(t, name, desc, arity);
      if (m != null) {
        return m.isAbstract() ? null : new Impl(m, false);
      }
    }
    for (String s : tree.supertypes(cls)) {
      SourceTree.AppType t = tree.types.get(s);
      if (t != null && t.isInterface) {
        SourceTree.AppMethod m = declared(t, name, desc, arity);
        if (m != null && !m.isAbstract()) {
          return new Impl(m, false);
        }
      }
    }
    return null;
  }

  /** The instance method of {@code t} for {@code name desc}, or a generic override of it. */
  static SourceTree.AppMethod declared(SourceTree.AppType t, String name, String desc, int arity) {
    SourceTree.AppMethod byArity = null;
    int candidates = 0;
    for (SourceTree.AppMethod m : t.methods) {
      if (m.isStatic() || !m.simpleName().equals(name)
          || (m.kind() != SourceTree.Kind.METHOD && m.kind() != SourceTree.Kind.ACCESSOR)) {
        continue;
      }
      if (m.desc().equals(desc)) {
        return m;
      }
      if (m.declared() == arity) {
        byArity = m;
        candidates++;
      }
    }
    return candidates == 1 ? byArity : null;
  }

  private boolean libraryHas(String cls, String name, int arity) {
    if (cls.equals("java.lang.Object")) {
      return OBJECT_METHODS.contains(name);
    }
    ResolvedReferenceTypeDeclaration d = tree.libraryType(cls);
    if (d == null) {
      return true; // unknown library code may implement anything
    }
    Boolean has = SourceTree.attempt(() -> d.getAllMethods().stream()
        .anyMatch(m -> m.getName().equals(name) && m.getNoParams() == arity && !m.getDeclaration().isAbstract()));
    return has == null || has;
  }

  /** The abstract instance methods of a type (its own and inherited): what a stage object runs. */
  static List<String[]> abstractMethods(SourceTree tree, String type) {
    List<String[]> out = new ArrayList<>(); // {name, desc, arity}
    Set<String> seen = new java.util.HashSet<>();
    for (String s : tree.supertypes(type)) {
      SourceTree.AppType t = tree.types.get(s);
      if (t != null) {
        for (SourceTree.AppMethod m : t.methods) {
          if (m.isAbstract() && !m.isStatic() && seen.add(m.simpleName() + m.desc())) {
            out.add(new String[] {m.simpleName(), m.desc(), Integer.toString(m.declared())});
          }
        }
      } else if (!s.equals("java.lang.Object")) {
        ResolvedReferenceTypeDeclaration d = tree.libraryType(s);
        var methods = d == null ? null : SourceTree.attempt(d::getDeclaredMethods);
        if (methods != null) {
          for (var m : methods) {
            if (m.isAbstract() && !m.isStatic() && !OBJECT_METHODS.contains(m.getName())) {
              String desc = SourceTree.attempt(() -> {
                StringBuilder b = new StringBuilder("(");
                for (int i = 0; i < m.getNumberOfParams(); i++) {
                  b.append(tree.descriptor(m.getParam(i).getType()));
                }
                return b.append(')').append(tree.descriptor(m.getReturnType())).toString();
              });
              if (desc != null && seen.add(m.getName() + desc)) {
                out.add(new String[] {m.getName(), desc, Integer.toString(m.getNumberOfParams())});
              }
            }
          }
        }
      }
    }
    return out;
  }
}
