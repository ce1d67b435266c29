package org.broomstick.memwalk.frontend.source;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.EnumConstantDeclaration;
import com.github.javaparser.ast.body.EnumDeclaration;
import com.github.javaparser.ast.body.InitializerDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.nodeTypes.modifiers.NodeWithStaticModifier;
import com.github.javaparser.ast.stmt.LocalClassDeclarationStmt;
import com.github.javaparser.ast.stmt.LocalRecordDeclarationStmt;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.resolution.declarations.ResolvedReferenceTypeDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedTypeParameterDeclaration;
import com.github.javaparser.resolution.types.ResolvedType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.broomstick.memwalk.model.SourceLocation;

/**
 * The application types of the parsed sources, named as javac names their class files: binary
 * names ({@code demo.Srv$Req}, anonymous {@code demo.Srv$1}, local {@code demo.Srv$1Local}),
 * methods with JVM descriptors, constructors {@code <init>}, static initialisers {@code <clinit>},
 * and lambda bodies {@code lambda$method$N} numbered per class in javac's order (post-order, member
 * order; {@code new} for constructors and instance initialisers, {@code static} for static ones),
 * so both Java frontends give the same names (SPEC §10).
 */
final class SourceTree {

  /** A parsed file: its tree, the path shown in diagnostics, and its line starts. */
  record Unit(CompilationUnit cu, String file, String text, int[] lineStarts) {
    static int[] lineStarts(String text) {
      List<Integer> starts = new ArrayList<>(List.of(0));
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          starts.add(i + 1);
        }
      }
      return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The node's text as written (JavaParser's printer would reformat it). */
    String source(Node n) {
      int b = offset(n);
      int l = length(n);
      return b < 0 || b + l > text.length() ? n.toString() : text.substring(b, b + l);
    }

    SourceLocation at(Node n) {
      return n.getBegin().map(p -> SourceLocation.of(file, p.line, p.column)).orElse(SourceLocation.ofFile(file));
    }

    /** The character offset of a node's first character, -1 when unknown. */
    int offset(Node n) {
      return n.getBegin().map(p -> p.line - 1 < lineStarts.length ? lineStarts[p.line - 1] + p.column - 1 : -1).orElse(-1);
    }

    int length(Node n) {
      int b = offset(n);
      int e = n.getEnd().map(p -> p.line - 1 < lineStarts.length ? lineStarts[p.line - 1] + p.column : -1).orElse(-1);
      return b < 0 || e < 0 ? 0 : e - b;
    }
  }

  /** What a function of the model is made from. */
  enum Kind { METHOD, CONSTRUCTOR, CLINIT, LAMBDA, ACCESSOR }

  /**
   * A function of an application type. {@code hidden} is the number of parameters javac adds
   * before the declared ones of a constructor (the outer instance; an enum's name and ordinal).
   */
  record AppMethod(String id, String name, String simpleName, String desc, boolean isStatic, boolean isAbstract,
      Node node, AppType owner, Kind kind, int hidden, int declared) {
    /** Parameters in the model's indexing: the receiver, hidden ones, then the declared ones. */
    int params() {
      return (isStatic ? 0 : 1) + hidden + declared;
    }
  }

  /** An application type (class, interface, enum, record, anonymous or local class). */
  static final class AppType {
    final String binary;
    final Node node;
    final Unit unit;
    final AppType outer;
    final boolean hasOuterInstance;
    final boolean isInterface;
    final boolean isAbstract;
    final boolean isFinal;
    String superclass = "java.lang.Object";
    final List<String> interfaces = new ArrayList<>();
    final List<AppMethod> methods = new ArrayList<>();

    AppType(String binary, Node node, Unit unit, AppType outer, boolean hasOuterInstance, boolean isInterface,
        boolean isAbstract, boolean isFinal) {
      this.binary = binary;
      this.node = node;
      this.unit = unit;
      this.outer = outer;
      this.hasOuterInstance = hasOuterInstance;
      this.isInterface = isInterface;
      this.isAbstract = isAbstract;
      this.isFinal = isFinal;
    }

    String simple() {
      return binary.substring(binary.lastIndexOf('.') + 1);
    }
  }

  final List<Unit> units;
  final Map<String, AppType> types = new TreeMap<>();
  final Map<Node, AppType> typeOfNode = new IdentityHashMap<>();
  final Map<Node, String> lambdaNames = new IdentityHashMap<>();
  /** Per lambda: the member that encloses it, for static-ness. */
  final Map<Node, Boolean> staticContext = new IdentityHashMap<>();
  private final Map<String, Set<String>> supertypes = new HashMap<>();
  private final Map<String, ResolvedReferenceTypeDeclaration> library = new HashMap<>();

  SourceTree(List<Unit> units) {
    this.units = units;
    for (Unit u : units) {
      for (TypeDeclaration<?> t : u.cu().getTypes()) {
        String pkg = u.cu().getPackageDeclaration().map(p -> p.getNameAsString() + ".").orElse("");
        declare(t, pkg + t.getNameAsString(), u, null, false);
      }
    }
    for (AppType t : types.values()) {
      lambdas(t);
    }
  }

  // ------------------------------------------------------------------ types and names

  private AppType declare(Node node, String binary, Unit u, AppType outer, boolean outerInstance) {
    boolean iface = node instanceof ClassOrInterfaceDeclaration c && c.isInterface();
    boolean abs = node instanceof ClassOrInterfaceDeclaration c && c.isAbstract();
    boolean fin = node instanceof ClassOrInterfaceDeclaration c && c.isFinal() || node instanceof RecordDeclaration
        || node instanceof ObjectCreationExpr;
    AppType t = new AppType(binary, node, u, outer, outerInstance, iface, abs || iface, fin);
    types.put(binary, t);
    typeOfNode.put(node, t);
    nested(t, node);
    return t;
  }

  /** Member, local and anonymous classes inside {@code t}'s body, numbered per enclosing class. */
  private void nested(AppType t, Node body) {
    Map<String, Integer> counters = new HashMap<>();
    for (Node member : children(body)) {
      if (member instanceof EnumConstantDeclaration ec) {
        ec.getArguments().forEach(a -> walkLocal(t, a, counters, true));
        if (!ec.getClassBody().isEmpty()) {
          int i = counters.merge("", 1, Integer::sum);
          declare(ec, t.binary + "$" + i, t.unit, t, false);
        }
      } else if (member instanceof TypeDeclaration<?> td) {
        boolean inner = td instanceof ClassOrInterfaceDeclaration c && !c.isStatic() && !c.isInterface() && !t.isInterface;
        declare(td, t.binary + "$" + td.getNameAsString(), t.unit, t, inner);
      } else if (member instanceof BodyDeclaration<?>) {
        boolean isStatic = isStaticMember(member) || t.isInterface;
        walkLocal(t, member, counters, isStatic);
      }
    }
  }

  private void walkLocal(AppType t, Node n, Map<String, Integer> counters, boolean isStatic) {
    for (Node c : children(n)) {
      if (c instanceof ObjectCreationExpr oce && oce.getAnonymousClassBody().isPresent()) {
        oce.getArguments().forEach(a -> walkLocal(t, a, counters, isStatic));
        int i = counters.merge("", 1, Integer::sum);
        declare(oce, t.binary + "$" + i, t.unit, t, !isStatic);
      } else if (c instanceof LocalClassDeclarationStmt lc) {
        String name = lc.getClassDeclaration().getNameAsString();
        int i = counters.merge(name, 1, Integer::sum);
        declare(lc.getClassDeclaration(), t.binary + "$" + i + name, t.unit, t, !isStatic);
      } else if (c instanceof LocalRecordDeclarationStmt lr) {
        String name = lr.getRecordDeclaration().getNameAsString();
        int i = counters.merge(name, 1, Integer::sum);
        declare(lr.getRecordDeclaration(), t.binary + "$" + i + name, t.unit, t, false);
      } else {
        walkLocal(t, c, counters, isStatic);
      }
    }
  }

  static boolean isStaticMember(Node member) {
    if (member instanceof InitializerDeclaration i) {
      return i.isStatic();
    }
    if (member instanceof EnumConstantDeclaration) {
      return true;
    }
    return member instanceof NodeWithStaticModifier<?> s && s.isStatic();
  }

  /** Children in source order (JavaParser keeps them in construction order). */
  static List<Node> children(Node n) {
    List<Node> out = new ArrayList<>(n.getChildNodes());
    out.sort(Comparator.comparing((Node c) -> c.getBegin().map(p -> p.line * 100_000L + p.column).orElse(0L)));
    return out;
  }

  /** javac's lambda numbering: per class, in member order, a lambda after the lambdas it contains. */
  private void lambdas(AppType t) {
    int[] counter = {0};
    List<Node> members = new ArrayList<>();
    if (t.node instanceof ObjectCreationExpr oce) {
      members.addAll(oce.getAnonymousClassBody().orElseThrow());
    } else if (t.node instanceof EnumConstantDeclaration ec) {
      members.addAll(ec.getClassBody());
    } else {
      TypeDeclaration<?> td = (TypeDeclaration<?>) t.node;
      if (td instanceof EnumDeclaration e) {
        members.addAll(e.getEntries());
      }
      members.addAll(td.getMembers());
      members.sort(Comparator.comparing((Node c) -> c.getBegin().map(p -> p.line * 100_000L + p.column).orElse(0L)));
    }
    for (Node m : members) {
      if (m instanceof TypeDeclaration<?>) {
        continue;
      }
      String enclosing = m instanceof MethodDeclaration md ? md.getNameAsString()
          : m instanceof ConstructorDeclaration ? "new"
          : isStaticMember(m) || t.isInterface ? "static" : "new";
      boolean isStatic = isStaticMember(m) || t.isInterface && !(m instanceof MethodDeclaration md && md.isDefault());
      if (m instanceof EnumConstantDeclaration ec) {
        ec.getArguments().forEach(a -> number(t, a, enclosing, true, counter));
      } else {
        number(t, m, enclosing, isStatic, counter);
      }
    }
  }

  private void number(AppType t, Node n, String enclosing, boolean isStatic, int[] counter) {
    if (n != t.node && typeOfNode.containsKey(n)) {
      if (n instanceof ObjectCreationExpr oce) {
        oce.getArguments().forEach(a -> number(t, a, enclosing, isStatic, counter));
      }
      return; // a class of its own numbers its own lambdas
    }
    for (Node c : children(n)) {
      number(t, c, enclosing, isStatic, counter);
    }
    if (n instanceof LambdaExpr) {
      lambdaNames.put(n, "lambda$" + enclosing + "$" + counter[0]++);
      staticContext.put(n, isStatic);
    }
  }

  /** The binary name of the class a {@code new} creates; null when it cannot be resolved. */
  String classOf(ObjectCreationExpr oce) {
    AppType anon = typeOfNode.get(oce);
    if (anon != null) {
      return anon.binary;
    }
    String b = binaryOf(attempt(oce.getType()::resolve));
    if (b != null) {
      return b;
    }
    // A local class the solver does not find: by name, in the classes around the expression.
    String name = oce.getType().getNameAsString();
    for (AppType t = enclosingType(oce); t != null; t = t.outer) {
      for (AppType c : types.values()) {
        if (c.outer == t && c.node instanceof ClassOrInterfaceDeclaration cd && cd.getNameAsString().equals(name)
            && cd.getParentNode().filter(p -> p instanceof LocalClassDeclarationStmt).isPresent()) {
          return c.binary;
        }
      }
    }
    return null;
  }

  /** The application type a node belongs to (innermost enclosing class body). */
  AppType enclosingType(Node n) {
    for (Node p = n.getParentNode().orElse(null); p != null; p = p.getParentNode().orElse(null)) {
      AppType t = typeOfNode.get(p);
      if (t != null) {
        return t;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ resolution

  /** A solver call that may fail in many ways on incomplete code: null then. */
  static <T> T attempt(Supplier<T> s) {
    try {
      return s.get();
    } catch (RuntimeException | StackOverflowError e) {
      return null;
    }
  }

  /** The binary name of a resolved type declaration ({@code java.util.Map$Entry}). */
  String binary(ResolvedReferenceTypeDeclaration d) {
    Optional<Node> ast = attempt(d::toAst);
    if (ast != null && ast.isPresent()) {
      AppType t = typeOfNode.get(ast.get());
      if (t != null) {
        return t.binary;
      }
    }
    Optional<ResolvedReferenceTypeDeclaration> container = attempt(d::containerType);
    String name;
    if (container != null && container.isPresent()) {
      name = binary(container.get()) + "$" + d.getName();
    } else {
      name = d.getQualifiedName();
    }
    if (!types.containsKey(name)) {
      library.putIfAbsent(name, d);
    }
    return name;
  }

  /** The erased JVM descriptor of a type; {@code Ljava/lang/Object;} where the solver gives up. */
  String descriptor(ResolvedType t) {
    if (t == null) {
      return "Ljava/lang/Object;";
    }
    if (t.isVoid()) {
      return "V";
    }
    if (t.isPrimitive()) {
      return switch (t.asPrimitive().describe()) {
        case "boolean" -> "Z";
        case "byte" -> "B";
        case "char" -> "C";
        case "short" -> "S";
        case "int" -> "I";
        case "long" -> "J";
        case "float" -> "F";
        default -> "D";
      };
    }
    if (t.isArray()) {
      return "[" + descriptor(t.asArrayType().getComponentType());
    }
    if (t.isReferenceType()) {
      ResolvedReferenceTypeDeclaration d = attempt(() -> t.asReferenceType().getTypeDeclaration().orElse(null));
      return d == null ? "Ljava/lang/Object;" : "L" + binary(d).replace('.', '/') + ";";
    }
    if (t.isTypeVariable()) {
      ResolvedTypeParameterDeclaration p = t.asTypeParameter();
      List<ResolvedTypeParameterDeclaration.Bound> bounds = attempt(p::getBounds);
      if (bounds != null && !bounds.isEmpty() && bounds.get(0).isExtends()) {
        return descriptor(bounds.get(0).getType());
      }
      return "Ljava/lang/Object;";
    }
    if (t.isWildcard() && t.asWildcard().isExtends()) {
      return descriptor(t.asWildcard().getBoundedType());
    }
    return "Ljava/lang/Object;";
  }

  /** The binary name of a reference type, null for primitives and unresolvable types. */
  String binaryOf(ResolvedType t) {
    if (t == null) {
      return null;
    }
    if (t.isReferenceType()) {
      ResolvedReferenceTypeDeclaration d = attempt(() -> t.asReferenceType().getTypeDeclaration().orElse(null));
      return d == null ? null : binary(d);
    }
    if (t.isTypeVariable()) {
      String d = descriptor(t);
      return d.startsWith("L") ? d.substring(1, d.length() - 1).replace('/', '.') : null;
    }
    return t.isArray() ? "java.lang.Object" : null;
  }

  String descriptor(com.github.javaparser.ast.type.Type t) {
    if (t.isVoidType()) {
      return "V";
    }
    String d = descriptor(attempt(t::resolve));
    return d;
  }

  String paramDescriptor(Parameter p) {
    String d = descriptor(p.getType());
    return p.isVarArgs() ? "[" + d : d;
  }

  ResolvedReferenceTypeDeclaration libraryType(String binary) {
    return library.get(binary);
  }

  /** Resolves the supertypes named in {@code t}'s declaration. */
  void hierarchy(AppType t, java.util.function.Consumer<ClassOrInterfaceType> unresolved) {
    List<ClassOrInterfaceType> ext = new ArrayList<>();
    List<ClassOrInterfaceType> impl = new ArrayList<>();
    if (t.node instanceof ClassOrInterfaceDeclaration c) {
      if (c.isInterface()) {
        impl.addAll(c.getExtendedTypes());
      } else {
        ext.addAll(c.getExtendedTypes());
        impl.addAll(c.getImplementedTypes());
      }
    } else if (t.node instanceof EnumDeclaration e) {
      t.superclass = "java.lang.Enum";
      impl.addAll(e.getImplementedTypes());
    } else if (t.node instanceof RecordDeclaration r) {
      t.superclass = "java.lang.Record";
      impl.addAll(r.getImplementedTypes());
    } else if (t.node instanceof EnumConstantDeclaration ec) {
      t.superclass = enclosingType(ec).binary;
    } else if (t.node instanceof ObjectCreationExpr oce) {
      String created = binaryOf(attempt(oce.getType()::resolve));
      if (created == null) {
        unresolved.accept(oce.getType());
      } else if (types.containsKey(created) ? types.get(created).isInterface : isLibraryInterface(created)) {
        t.interfaces.add(created);
      } else {
        t.superclass = created;
      }
    }
    for (ClassOrInterfaceType e : ext) {
      String b = binaryOf(attempt(e::resolve));
      if (b == null) {
        unresolved.accept(e);
      } else {
        t.superclass = b;
      }
    }
    for (ClassOrInterfaceType i : impl) {
      String b = binaryOf(attempt(i::resolve));
      if (b == null) {
        unresolved.accept(i);
      } else {
        t.interfaces.add(b);
      }
    }
  }

  private boolean isLibraryInterface(String binary) {
    ResolvedReferenceTypeDeclaration d = library.get(binary);
    return d != null && Boolean.TRUE.equals(attempt(d::isInterface));
  }

  boolean isInterface(String binary) {
    AppType t = types.get(binary);
    return t != null ? t.isInterface : isLibraryInterface(binary);
  }

  /** The type itself, its superclasses and interfaces, transitively, {@code java.lang.Object} last. */
  Set<String> supertypes(String binary) {
    Set<String> s = supertypes.get(binary);
    if (s != null) {
      return s;
    }
    s = new LinkedHashSet<>();
    supertypes.put(binary, s); // cycles in broken code end here
    s.add(binary);
    AppType t = types.get(binary);
    if (t != null) {
      s.addAll(supertypes(t.superclass));
      for (String i : t.interfaces) {
        s.addAll(supertypes(i));
      }
    } else {
      ResolvedReferenceTypeDeclaration d = library.get(binary);
      List<com.github.javaparser.resolution.types.ResolvedReferenceType> ancestors = d == null ? null : attempt(d::getAllAncestors);
      if (ancestors != null) {
        for (var a : ancestors) {
          String b = binaryOf(a);
          if (b != null) {
            s.add(b);
          }
        }
      }
    }
    s.remove("java.lang.Object");
    s.add("java.lang.Object");
    return s;
  }

  boolean isSubtype(String sub, String sup) {
    return sup.equals("java.lang.Object") || supertypes(sub).contains(sup);
  }

  /** The superclass chain, the type first. */
  List<String> superclasses(String binary) {
    List<String> out = new ArrayList<>();
    for (String c = binary; c != null && !out.contains(c); ) {
      out.add(c);
      AppType t = types.get(c);
      c = t == null ? null : t.superclass;
    }
    return out;
  }
}
