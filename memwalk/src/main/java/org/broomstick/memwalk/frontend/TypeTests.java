package org.broomstick.memwalk.frontend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.broomstick.memwalk.model.Constraint;

/**
 * The type tests of the Java points-to model, one rule for both Java frontends (issue 7).
 *
 * <p>A library method is not analysed: its result may be its receiver (or an object of its own),
 * anything stored in it, any argument, or a member of one (see the frontends' {@code library}).
 * Without types, one library call after another merges the program's objects into one set:
 * {@code arena.pool(id, Conn::new, Conn::clear)} returns the two lambdas as the pool, the pool's
 * {@code free(c)} stores every connection into them, a channel's {@code read(buffer)} stores the
 * buffer into the channel, and a run queue's {@code pollFirst()} hands back everything, so that no
 * free has a single candidate and no field holds only its own objects (the per-task objects of
 * {@code examples/java/nio-httpd} came out global). Two facts the JVM guarantees cut this:
 *
 * <ul>
 *   <li>a method's result is an instance of its declared return type, so the candidates that cannot
 *       be one are left out (the receiver itself is not tested: it stands for its views, a map for
 *       its entries, a buffer for its duplicates);
 *   <li>a value that passed a cast to an application type is an instance of it: a {@code
 *       checkcast}, which javac also puts after a generic library call ({@code (Conn)
 *       queue.pollFirst()}); the source frontend tests a cast expression and a library call whose
 *       static type is an application type, which are the same places.
 * </ul>
 *
 * What an object may be an instance of: a {@code new} of an application class is exactly that
 * class; a lambda or method reference is an instance of a hidden class that implements its
 * functional interface and nothing else; an object of a {@code @Malloc} method is of some subtype
 * of its declared return type; a {@code new} of a library class, an array, and a library method's
 * own object are instances of library types, never of an application class (library code cannot
 * extend one); an array is an {@code Object}, {@code Cloneable} and {@code Serializable}. A
 * library method's result that is not of a type related to its receiver's is a view of it (an
 * object of its own, sharing its content), so the receiver keeps one type. Every other object, and every object with a supertype the frontend cannot find,
 * passes every test.
 */
public final class TypeTests {

  /** A frontend's view of its types, in its own spelling of binary names. */
  public interface Hierarchy {
    /** The type and all its supertypes; null when some supertype cannot be found. */
    Set<String> supertypes(String type);

    /** Declared in the analysed code. */
    boolean isApp(String type);

    /** An interface, or a type that cannot be found. */
    boolean isInterface(String type);

    /** A final class. */
    boolean isFinal(String type);

    /** The name of {@code java.lang.Object} in this spelling. */
    String object();
  }

  private sealed interface Kind {}

  /** Exactly this class, or a hidden class implementing exactly these interfaces. */
  private record Exact(Set<String> types) implements Kind {}

  private record SubtypeOf(String type) implements Kind {}

  private record Library() implements Kind {}

  private record Array() implements Kind {}

  private final Hierarchy hierarchy;
  private final Map<String, Kind> kinds = new TreeMap<>();
  private final List<String[]> tests = new ArrayList<>();

  public TypeTests(Hierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  /**
   * {@code object} is made as an instance of exactly {@code type} (its class, or a lambda's
   * interface; a lambda made at several sites is each of them); null: of a type not known in full.
   */
  public void exact(String object, String type) {
    Kind k = kinds.get(object);
    if (type == null || k != null && !(k instanceof Exact)) {
      kinds.put(object, new Exact(null));
      return;
    }
    Set<String> types = k == null ? new LinkedHashSet<>() : ((Exact) k).types();
    if (types != null) {
      types.add(type);
      kinds.put(object, new Exact(types));
    }
  }

  /** {@code object} is of some subtype of {@code type} (a {@code @Malloc} method's return type). */
  public void subtypeOf(String object, String type) {
    kinds.put(object, type == null ? new Exact(null) : new SubtypeOf(type));
  }

  /** {@code object} is an instance of a library class (library code made it). */
  public void library(String object) {
    kinds.putIfAbsent(object, new Library());
  }

  /**
   * The arrays ({@code arr:}: instances of {@code Object}, {@code Cloneable} and {@code
   * Serializable} only) and library methods' own objects ({@code lib:}) among the constraints'.
   */
  public void libraryObjects(java.util.Collection<Constraint> constraints) {
    for (Constraint c : constraints) {
      if (c instanceof Constraint.AddressOf a && a.object().startsWith("arr:")) {
        kinds.putIfAbsent(a.object(), new Array());
      } else if (c instanceof Constraint.AddressOf a && a.object().startsWith("lib:")) {
        library(a.object());
      }
    }
  }

  /**
   * The cell that receives the values of declared type {@code type} before the test; they reach
   * {@code dst} through it. Returns {@code dst} itself when there is nothing to test ({@code
   * Object}, unknown types).
   */
  public String test(String dst, String type, String candidates) {
    if (dst == null || type == null || type.equals(hierarchy.object())) {
      return dst;
    }
    tests.add(new String[] {dst, candidates, type});
    return candidates;
  }

  /**
   * JDK methods that copy bytes between their arguments and keep none of them, so that an argument
   * is neither stored in the receiver nor returned: a channel's {@code read}/{@code write}/{@code
   * transferTo}/{@code transferFrom} and a buffer's {@code put}/{@code get}/{@code compareTo}/{@code
   * equals}/{@code mismatch} (java.nio). Without this, {@code channel.read(buffer)} puts every
   * buffer of every connection into the channel, and {@code body.put(0, in, ...)} one buffer into
   * another, so neither is ever freed alone. {@code owner} in either spelling of binary names.
   */
  public static boolean keepsNoArgument(String owner, String method) {
    String o = owner.replace('/', '.');
    if (o.startsWith("java.nio.channels.")) {
      return Set.of("read", "write", "transferTo", "transferFrom").contains(method);
    }
    return o.startsWith("java.nio.") && o.indexOf('.', "java.nio.".length()) < 0 && o.endsWith("Buffer")
        && Set.of("put", "get", "compareTo", "equals", "mismatch").contains(method);
  }

  /**
   * Whether a library method of {@code owner} returning {@code type} may return its receiver
   * itself: the types are related (or not known). When they are not, the result is a view of the
   * receiver (a map's entry set, a byte buffer's char buffer), a different object.
   */
  public boolean mayReturnReceiver(String owner, String type) {
    if (owner == null || type == null) {
      return true;
    }
    Set<String> up = hierarchy.supertypes(owner);
    Set<String> down = hierarchy.supertypes(type);
    return up == null || down == null || up.contains(type) || down.contains(owner);
  }

  /**
   * The object of each {@code @Malloc} call is of some subtype of the method's declared return
   * type, read from the callee's id ({@code Class.name(descriptor)}) and spelled by {@code spell}
   * from its internal name.
   */
  public void mallocs(java.util.List<org.broomstick.memwalk.model.AllocSite> allocs,
      java.util.List<org.broomstick.memwalk.model.CallSite> calls, java.util.function.UnaryOperator<String> spell) {
    Map<String, String> calleeAt = new HashMap<>();
    calls.forEach(c -> calleeAt.put(c.caller() + "#" + c.ordinal(), c.callee()));
    for (org.broomstick.memwalk.model.AllocSite a : allocs) {
      String callee = calleeAt.get(a.function() + "#" + a.ordinal());
      int close = callee == null ? -1 : callee.lastIndexOf(')');
      String ret = close < 0 ? "" : callee.substring(close + 1);
      subtypeOf(a.heapObject(), ret.startsWith("L") && ret.endsWith(";") ? spell.apply(ret.substring(1, ret.length() - 1)) : null);
    }
  }

  /** The filter constraints of every test, once every object of the program is known. */
  public List<Constraint> filters() {
    Map<String, Set<String>> excludedByType = new HashMap<>();
    List<Constraint> out = new ArrayList<>();
    for (String[] t : tests) {
      Set<String> excluded = excludedByType.computeIfAbsent(t[2], this::excluded);
      out.add(new Constraint.Filter(t[0], t[1], excluded));
    }
    return out;
  }

  private Set<String> excluded(String type) {
    Set<String> out = new TreeSet<>();
    kinds.forEach((object, kind) -> {
      if (!mayBe(kind, type)) {
        out.add(object);
      }
    });
    return Set.copyOf(out);
  }

  private boolean mayBe(Kind kind, String type) {
    if (kind instanceof Library) {
      return !hierarchy.isApp(type);
    }
    if (kind instanceof Array) {
      String t = type.replace('/', '.');
      return t.equals("java.lang.Cloneable") || t.equals("java.io.Serializable");
    }
    if (kind instanceof Exact e) {
      if (e.types() == null) {
        return true;
      }
      for (String t : e.types()) {
        Set<String> supers = hierarchy.supertypes(t);
        if (supers == null || supers.contains(type)) {
          return true;
        }
      }
      return false;
    }
    String declared = ((SubtypeOf) kind).type();
    Set<String> up = hierarchy.supertypes(declared);
    Set<String> down = hierarchy.supertypes(type);
    if (up == null || down == null || up.contains(type) || down.contains(declared)) {
      return true;
    }
    // Unrelated: a subclass of one may still implement the other unless both are classes or
    // the class is final.
    boolean declaredClass = !hierarchy.isInterface(declared);
    boolean testClass = !hierarchy.isInterface(type);
    if (declaredClass && testClass) {
      return false;
    }
    return !(declaredClass && hierarchy.isFinal(declared) || testClass && hierarchy.isFinal(type));
  }
}
