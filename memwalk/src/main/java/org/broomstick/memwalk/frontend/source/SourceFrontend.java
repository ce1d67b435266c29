package org.broomstick.memwalk.frontend.source;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Problem;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.EnumDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.InitializerDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.LiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.TypeExpr;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.type.UnknownType;
import com.github.javaparser.resolution.declarations.ResolvedMethodDeclaration;
import com.github.javaparser.resolution.declarations.ResolvedReferenceTypeDeclaration;
import com.github.javaparser.symbolsolver.JavaSymbolSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.ClassLoaderTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.CombinedTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.JarTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.JavaParserTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.MemoryTypeSolver;
import com.github.javaparser.symbolsolver.resolution.typesolvers.ReflectionTypeSolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.diag.InputException;
import org.broomstick.memwalk.frontend.c.PathDisplay;
import org.broomstick.memwalk.frontend.TypeTests;
import org.broomstick.memwalk.model.Constraint;
import org.broomstick.memwalk.model.FlowGraph;
import org.broomstick.memwalk.model.FrameSource;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.InputFile;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.JavaSpec;
import org.broomstick.memwalk.spec.ServerSpec;
import org.broomstick.memwalk.frontend.JavaInputs;
import org.broomstick.memwalk.spec.SiteBinder;
import org.broomstick.memwalk.spec.SpecCheck;
import org.broomstick.memwalk.spec.SpecFile;

/**
 * The Java source frontend (SPEC §4): parses source roots with JavaParser, resolves names with its
 * symbol solver (the sources themselves, the classpath jars and directories, the running JDK) and
 * builds the same {@link Program} as the bytecode frontend — the same function ids and names, cells,
 * stage graph and objects — for projects without compiled classes and for stingify. Frame and code
 * sizes are estimates from the syntax; locations carry columns. A file that does not parse is
 * reported with its position and left out; an unresolved call is a warning, never a failure.
 */
public final class SourceFrontend {

  /** Figures about a run. */
  public record Stats(int files, int filesWithErrors, int types, int functions, int calls, int unresolvedCalls, long millis) {}

  public record Result(Program program, Stats stats) {}

  private SourceFrontend() {}

  public static Result load(JavaInputs o) {
    long start = System.nanoTime();
    PathDisplay display = new PathDisplay(o.base());
    Diagnostics diags = new Diagnostics();
    ServerSpec yaml = o.spec();
    if (o.specFile() != null) {
      ServerSpec fromFile = SpecFile.parse(o.specFile(), display.show(o.specFile().toString()), diags);
      ServerSpec.Merged merged = yaml.mergedWith(fromFile);
      merged.conflicts().forEach(c -> diags.error(SourceLocation.NONE, "spec.conflict", c));
      yaml = merged.spec();
    }
    List<Path> files = sourceFiles(o.paths(), display);
    if (files.isEmpty()) {
      throw new InputException(Diagnostic.error(
          SourceLocation.ofFile(o.paths().isEmpty() ? "." : display.show(o.paths().get(0).toString())),
          "input.no-sources", "no .java files found in the inputs"));
    }
    MemoryTypeSolver sources = new MemoryTypeSolver();
    CombinedTypeSolver solver = new CombinedTypeSolver();
    solver.add(sources);
    solver.add(new ReflectionTypeSolver(true));
    for (Path root : o.paths()) {
      if (Files.isDirectory(root)) {
        // Only types of files that did not parse get here: the others are in memory, parsed once.
        solver.add(new JavaParserTypeSolver(root, new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17)));
      }
    }
    addClasspath(solver, o.classpath(), display, diags);
    ParserConfiguration config = new ParserConfiguration()
        .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17)
        .setSymbolResolver(new JavaSymbolSolver(solver));
    JavaParser parser = new JavaParser(config);

    List<SourceTree.Unit> units = new ArrayList<>();
    List<InputFile> inputs = new ArrayList<>();
    int broken = 0;
    for (Path f : files) {
      String shown = display.show(f.toString());
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException | UncheckedIOException e) {
        diags.warning(SourceLocation.ofFile(shown), "input.unreadable", "source file cannot be read; skipped");
        broken++;
        continue;
      }
      inputs.add(new InputFile(shown, sha256(text)));
      ParseResult<CompilationUnit> r = parser.parse(text);
      if (!r.isSuccessful() || r.getResult().isEmpty()) {
        broken++;
        for (Problem p : r.getProblems()) {
          SourceLocation at = p.getLocation().flatMap(l -> l.getBegin().getRange())
              .map(rg -> SourceLocation.of(shown, rg.begin.line, rg.begin.column)).orElse(SourceLocation.ofFile(shown));
          diags.error(at, "parse.syntax", firstLine(p.getMessage()) + "; file skipped");
        }
        continue;
      }
      units.add(new SourceTree.Unit(r.getResult().get(), shown, text, SourceTree.Unit.lineStarts(text)));
    }
    SourceTree tree = new SourceTree(units);
    for (SourceTree.AppType t : tree.types.values()) {
      if (t.node instanceof TypeDeclaration<?> td) {
        ResolvedReferenceTypeDeclaration d = SourceTree.attempt(td::resolve);
        if (d != null) {
          sources.addDeclaration(d.getQualifiedName(), d);
        }
      }
    }
    for (SourceTree.AppType t : tree.types.values()) {
      tree.hierarchy(t, unresolvedType -> diags.warning(t.unit.at(unresolvedType), "source.unresolved-type",
          "supertype " + unresolvedType.asString() + " of " + t.simple() + " cannot be resolved; its methods are not inherited"));
    }
    Map<Node, SourceTree.AppMethod> methodOfNode = new IdentityHashMap<>();
    for (SourceTree.AppType t : tree.types.values()) {
      methods(tree, t, methodOfNode);
    }
    return build(tree, o, yaml, methodOfNode, diags, inputs, broken, start);
  }

  private static Result build(SourceTree tree, JavaInputs o, ServerSpec yaml, Map<Node, SourceTree.AppMethod> methodOfNode,
      Diagnostics diags, List<InputFile> inputs, int broken, long start) {
    SourceAnnotations.Declared declared = SourceAnnotations.read(tree, diags);
    Map<String, JavaSpec.Shape> shapes = new HashMap<>();
    for (SourceTree.AppType t : tree.types.values()) {
      for (SourceTree.AppMethod m : t.methods) {
        JavaSpec.Shape s = new JavaSpec.Shape(m.name(), !m.isStatic(), m.declared());
        shapes.putIfAbsent(m.name(), s);
        shapes.putIfAbsent(t.binary + "." + m.simpleName(), s);
      }
    }
    ServerSpec.Merged merged = declared.spec().mergedWith(JavaSpec.forModel(yaml, shapes));
    merged.conflicts().forEach(c -> diags.error(SourceLocation.NONE, "spec.conflict", c));
    ServerSpec spec = merged.spec();

    // Pass 1: what the program instantiates (rapid type analysis) and its function objects.
    Set<String> instantiated = new TreeSet<>();
    Map<Node, SourceDispatch.FnObject> fns = new IdentityHashMap<>();
    for (SourceTree.Unit u : tree.units) {
      for (ObjectCreationExpr oce : u.cu().findAll(ObjectCreationExpr.class)) {
        String cls = tree.classOf(oce);
        if (cls != null) {
          instantiated.add(cls);
        }
      }
      for (EnumDeclaration e : u.cu().findAll(EnumDeclaration.class)) {
        SourceTree.AppType t = tree.typeOfNode.get(e);
        if (t != null) {
          instantiated.add(t.binary);
          e.getEntries().forEach(c -> {
            SourceTree.AppType body = tree.typeOfNode.get(c);
            if (body != null) {
              instantiated.add(body.binary);
            }
          });
        }
      }
      for (LambdaExpr l : u.cu().findAll(LambdaExpr.class)) {
        SourceTree.AppMethod m = methodOfNode.get(l);
        String iface = functionalType(tree, l);
        String[] sam = iface == null ? null : sam(tree, iface);
        if (m != null) {
          fns.put(l, new SourceDispatch.FnObject(m.id(), sam == null ? null : iface, sam == null ? "" : sam[0],
              l.getParameters().size(), 0, false));
        }
      }
      for (MethodReferenceExpr r : u.cu().findAll(MethodReferenceExpr.class)) {
        SourceDispatch.FnObject f = methodReference(tree, r, methodOfNode);
        if (f != null) {
          fns.put(r, f);
        }
      }
    }
    SourceDispatch dispatch = new SourceDispatch(tree, instantiated, new ArrayList<>(fns.values()));

    // Pass 2: the bodies.
    TypeTests typeTests = typeTests(tree);
    SourceLowering lowering = new SourceLowering(tree, spec, declared.methodHints(), methodOfNode, fns, dispatch, diags, typeTests);
    for (SourceTree.AppType t : tree.types.values()) {
      if (!SourceLowering.isLocal(t)) {
        lowering.lowerType(t);
      }
    }
    // Local classes in code that is never lowered (they are lowered where they are declared).
    for (SourceTree.AppType t : tree.types.values()) {
      lowering.lowerType(t);
    }
    Map<String, Function> functions = lowering.functions;
    Set<String> used = new TreeSet<>();
    lowering.calls.forEach(c -> {
      if (c.callee() != null) {
        used.add(c.callee());
      }
    });
    lowering.constraints.forEach(c -> {
      if (c instanceof Constraint.AddressOf ad && ad.object().startsWith("fn:")) {
        used.add(ad.object().substring(3));
      }
    });
    for (String id : used) {
      functions.computeIfAbsent(id, k -> new Function(k, lowering.names.getOrDefault(k, lowering.nameOf(k)), SourceLocation.NONE,
          false, false, 0, FrameSource.NONE, false, 0, List.of()));
    }
    stageObjects(tree, spec, lowering.newSites, lowering.constraints, dispatch);

    Map<String, Long> fixedSizes = new HashMap<>();
    for (ServerSpec.AllocFunction f : spec.mallocs().values()) {
      if (f.fixedSize() != null && f.fixedSize().matches("\\d+")) {
        fixedSizes.put(f.fixedSize(), Long.parseLong(f.fixedSize()));
      }
    }
    SiteBinder.Bound bound = SiteBinder.bind(lowering.calls, lowering.stores, spec, fixedSizes,
        id -> lowering.names.getOrDefault(id, id));
    diags.addAll(bound.diagnostics());
    lowering.constraints.removeAll(bound.superseded());
    lowering.constraints.addAll(bound.constraints());
    lowering.newSites.forEach(typeTests::exact);
    fns.values().forEach(f -> typeTests.exact(Constraint.function(f.impl()), f.iface()));
    typeTests.mallocs(bound.allocs(), lowering.calls, n -> n.replace('/', '.'));
    typeTests.libraryObjects(lowering.constraints);
    lowering.constraints.addAll(typeTests.filters());
    Set<String> known = new java.util.HashSet<>();
    functions.values().forEach(f -> known.add(f.name()));
    diags.addAll(SpecCheck.unknownFunctions(spec, known));

    inputs.sort(Comparator.comparing(InputFile::path));
    List<FlowGraph> flows = new ArrayList<>(lowering.flows);
    flows.sort(Comparator.comparing(FlowGraph::function));
    Program program = new Program("java", inputs, List.copyOf(functions.values()), lowering.calls, List.copyOf(lowering.constraints),
        List.of(), lowering.stores, bound.allocs(), bound.frees(), bound.queues(), flows, Map.of(), spec, diags.snapshot());
    long millis = (System.nanoTime() - start) / 1_000_000;
    int defined = (int) functions.values().stream().filter(Function::defined).count();
    Stats stats = new Stats(tree.units.size() + broken, broken, tree.types.size(), defined, lowering.calls.size(),
        lowering.unresolved, millis);
    return new Result(program, stats);
  }

  // ------------------------------------------------------------------ inputs

  private static List<Path> sourceFiles(List<Path> paths, PathDisplay display) {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      String shown = display.show(p.toString());
      if (!Files.exists(p)) {
        throw new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.missing", "no such file or directory"));
      }
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(f -> f.toString().endsWith(".java") && Files.isRegularFile(f)
              && !f.getFileName().toString().equals("module-info.java")).sorted().forEach(out::add);
        } catch (IOException | UncheckedIOException e) {
          throw new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.unreadable", "directory cannot be read: " + e.getMessage()));
        }
      } else if (p.toString().endsWith(".java")) {
        out.add(p);
      } else {
        throw new InputException(Diagnostic.error(SourceLocation.ofFile(shown), "input.not-sources",
            "not a source directory or .java file (class files and jars need the bytecode frontend)"));
      }
    }
    return out;
  }

  private static void addClasspath(CombinedTypeSolver solver, List<Path> classpath, PathDisplay display, Diagnostics diags) {
    List<URL> dirs = new ArrayList<>();
    for (Path p : classpath) {
      SourceLocation at = SourceLocation.ofFile(display.show(p.toString()));
      try {
        if (Files.isDirectory(p)) {
          dirs.add(p.toUri().toURL());
        } else if (Files.isRegularFile(p)) {
          solver.add(new JarTypeSolver(p));
        } else {
          diags.warning(at, "input.missing", "classpath entry not found; skipped");
        }
      } catch (IOException | RuntimeException e) {
        diags.warning(at, "input.unreadable", "classpath entry cannot be read; skipped");
      }
    }
    if (!dirs.isEmpty()) {
      // No parent: the running tool's own classes must not stand in for the user's.
      solver.add(new ClassLoaderTypeSolver(new URLClassLoader(dirs.toArray(URL[]::new), null)));
    }
  }

  // ------------------------------------------------------------------ functions

  /** The functions javac would make of a type: declared and implicit ones, and its lambdas. */
  private static void methods(SourceTree tree, SourceTree.AppType t, Map<Node, SourceTree.AppMethod> methodOfNode) {
    String simple = t.simple();
    List<Node> members = SourceLowering.members(t);
    boolean hasConstructor = false;
    Node compact = null; // a record's compact canonical constructor
    String canonical = null; // a record's canonical constructor's descriptor
    if (t.node instanceof RecordDeclaration r) {
      StringBuilder d = new StringBuilder("("); // records have no hidden parameters
      r.getParameters().forEach(p -> d.append(tree.paramDescriptor(p)));
      canonical = d.append(")V").toString();
    }
    boolean hasCanonical = false;
    boolean clinit = t.node instanceof EnumDeclaration;
    int hidden = t.hasOuterInstance ? 1 : t.node instanceof EnumDeclaration ? 2 : 0;
    String hiddenDesc = t.hasOuterInstance && t.outer != null ? "L" + t.outer.binary.replace('.', '/') + ";"
        : t.node instanceof EnumDeclaration ? "Ljava/lang/String;I" : "";
    Set<String> declaredNames = new java.util.HashSet<>();
    for (Node n : members) {
      if (n instanceof MethodDeclaration md) {
        StringBuilder d = new StringBuilder("(");
        md.getParameters().forEach(p -> d.append(tree.paramDescriptor(p)));
        d.append(')').append(tree.descriptor(md.getType()));
        boolean isStatic = md.isStatic();
        boolean isAbstract = md.getBody().isEmpty();
        add(t, new SourceTree.AppMethod(t.binary + "." + md.getNameAsString() + d, simple + "." + md.getNameAsString(),
            md.getNameAsString(), d.toString(), isStatic, isAbstract, md, t, SourceTree.Kind.METHOD, 0, md.getParameters().size()),
            methodOfNode);
        declaredNames.add(md.getNameAsString() + "/" + md.getParameters().size());
      } else if (n instanceof ConstructorDeclaration cd) {
        hasConstructor = true;
        StringBuilder d = new StringBuilder("(").append(hiddenDesc);
        cd.getParameters().forEach(p -> d.append(tree.paramDescriptor(p)));
        d.append(")V");
        hasCanonical |= d.toString().equals(canonical);
        add(t, new SourceTree.AppMethod(t.binary + ".<init>" + d, simple + ".<init>", "<init>", d.toString(), false, false, cd, t,
            SourceTree.Kind.CONSTRUCTOR, hidden, cd.getParameters().size()), methodOfNode);
      } else if (n instanceof CompactConstructorDeclaration cc) {
        compact = cc;
      } else if (n instanceof InitializerDeclaration i && i.isStatic()) {
        clinit = true;
      } else if (n instanceof FieldDeclaration f && (f.isStatic() || t.isInterface)) {
        for (VariableDeclarator v : f.getVariables()) {
          if (v.getInitializer().isPresent() && !(f.isFinal() && v.getInitializer().get() instanceof LiteralExpr)) {
            clinit = true;
          }
        }
      }
    }
    // A record has its canonical constructor unless one is declared in full: implicit, or the
    // compact form's body followed by the field assignments.
    if (!t.isInterface && (!hasConstructor || canonical != null && !hasCanonical)) {
      int declared = 0;
      StringBuilder d = new StringBuilder("(").append(hiddenDesc);
      if (t.node instanceof ObjectCreationExpr oce) {
        declared = oce.getArguments().size();
        for (Expression a : oce.getArguments()) {
          d.append(tree.descriptor(SourceTree.attempt(a::calculateResolvedType)));
        }
      } else if (t.node instanceof RecordDeclaration r) {
        declared = r.getParameters().size();
        r.getParameters().forEach(p -> d.append(tree.paramDescriptor(p)));
      }
      d.append(")V");
      add(t, new SourceTree.AppMethod(t.binary + ".<init>" + d, simple + ".<init>", "<init>", d.toString(), false, false, compact, t,
          SourceTree.Kind.CONSTRUCTOR, hidden, declared), methodOfNode);
    }
    if (t.node instanceof RecordDeclaration r) {
      for (Parameter p : r.getParameters()) {
        if (!declaredNames.contains(p.getNameAsString() + "/0")) {
          String d = "()" + tree.descriptor(p.getType());
          add(t, new SourceTree.AppMethod(t.binary + "." + p.getNameAsString() + d, simple + "." + p.getNameAsString(),
              p.getNameAsString(), d, false, false, null, t, SourceTree.Kind.ACCESSOR, 0, 0), methodOfNode);
        }
      }
    }
    if (clinit) {
      add(t, new SourceTree.AppMethod(t.binary + ".<clinit>()V", simple + ".<clinit>", "<clinit>", "()V", true, false, null, t,
          SourceTree.Kind.CLINIT, 0, 0), methodOfNode);
    }
    tree.lambdaNames.forEach((node, name) -> {
      if (tree.enclosingType(node) == t) {
        LambdaExpr l = (LambdaExpr) node;
        StringBuilder d = new StringBuilder("(");
        for (Parameter p : l.getParameters()) {
          d.append(p.getType() instanceof UnknownType
              ? tree.descriptor(SourceTree.attempt(() -> p.resolve().getType()))
              : tree.paramDescriptor(p));
        }
        boolean returnsValue = l.getExpressionBody().isPresent()
            || l.getBody().findAll(ReturnStmt.class).stream().anyMatch(r -> r.getExpression().isPresent());
        d.append(')').append(returnsValue ? "Ljava/lang/Object;" : "V");
        add(t, new SourceTree.AppMethod(t.binary + "." + name + d, simple + "." + name, name, d.toString(), true, false, l, t,
            SourceTree.Kind.LAMBDA, 0, l.getParameters().size()), methodOfNode);
      }
    });
  }

  private static void add(SourceTree.AppType t, SourceTree.AppMethod m, Map<Node, SourceTree.AppMethod> methodOfNode) {
    t.methods.add(m);
    if (m.node() != null) {
      methodOfNode.put(m.node(), m);
    }
  }

  // ------------------------------------------------------------------ function objects

  /** The functional interface a lambda or method reference implements, from its type or context. */
  private static String functionalType(SourceTree tree, Expression e) {
    String t = tree.binaryOf(SourceTree.attempt(e::calculateResolvedType));
    if (t != null) {
      return t;
    }
    Node p = e.getParentNode().orElse(null);
    if (p instanceof MethodCallExpr mc) {
      int i = mc.getArguments().indexOf(e);
      ResolvedMethodDeclaration rm = SourceTree.attempt(mc::resolve);
      if (rm != null && i >= 0 && i < rm.getNumberOfParams()) {
        return tree.binaryOf(SourceTree.attempt(() -> rm.getParam(i).getType()));
      }
    }
    if (p instanceof VariableDeclarator v) {
      return tree.binaryOf(SourceTree.attempt(v.getType()::resolve));
    }
    if (p instanceof com.github.javaparser.ast.expr.ArrayInitializerExpr) {
      // {a, b} of a declared array: the element type of the variable or of the new array.
      Node q = p.getParentNode().orElse(null);
      com.github.javaparser.ast.type.Type arrayType = q instanceof VariableDeclarator v ? v.getType()
          : q instanceof com.github.javaparser.ast.expr.ArrayCreationExpr ac ? ac.createdType() : null;
      if (arrayType != null && arrayType.isArrayType()) {
        return tree.binaryOf(SourceTree.attempt(arrayType.asArrayType().getComponentType()::resolve));
      }
    }
    return null;
  }

  /** The single abstract method of a functional interface: {name, desc, arity}; null if none. */
  private static String[] sam(SourceTree tree, String iface) {
    List<String[]> abstracts = SourceDispatch.abstractMethods(tree, iface);
    return abstracts.size() == 1 ? abstracts.get(0) : null;
  }

  private static SourceDispatch.FnObject methodReference(SourceTree tree, MethodReferenceExpr r,
      Map<Node, SourceTree.AppMethod> methodOfNode) {
    String iface = functionalType(tree, r);
    String[] sam = iface == null ? null : sam(tree, iface);
    if (sam == null) {
      // The target type needs inference the solver lacks (new Box<>(X::m)): still a function
      // object that can flow to a stage, but no interface call finds it.
      iface = null;
      sam = new String[] {"", "", "-1"};
    }
    int arity = Integer.parseInt(sam[2]);
    String method = r.getIdentifier();
    if (method.equals("new")) {
      String cls = r.getScope() instanceof TypeExpr te ? tree.binaryOf(SourceTree.attempt(te.getType()::resolve)) : null;
      SourceTree.AppType t = cls == null ? null : tree.types.get(cls);
      if (t == null) {
        return cls == null ? null : new SourceDispatch.FnObject(cls + ".<init>()V", iface, sam[0], arity, 0, true);
      }
      for (SourceTree.AppMethod c : t.methods) {
        if (c.kind() == SourceTree.Kind.CONSTRUCTOR && c.declared() == arity) {
          return new SourceDispatch.FnObject(c.id(), iface, sam[0], arity, 0, true);
        }
      }
      return null;
    }
    ResolvedMethodDeclaration rm = SourceTree.attempt(r::resolve);
    String impl;
    boolean isStatic;
    int params;
    if (rm != null) {
      Node ast = SourceTree.attempt(() -> rm.toAst().orElse(null));
      SourceTree.AppMethod m = ast == null ? null : methodOfNode.get(ast);
      String declaring = tree.binary(rm.declaringType());
      if (m == null) {
        StringBuilder d = new StringBuilder("(");
        for (int i = 0; i < rm.getNumberOfParams(); i++) {
          int k = i;
          d.append(tree.descriptor(SourceTree.attempt(() -> rm.getParam(k).getType())));
        }
        d.append(')').append(tree.descriptor(SourceTree.attempt(rm::getReturnType)));
        impl = declaring + "." + rm.getName() + d;
      } else {
        impl = m.id();
      }
      isStatic = rm.isStatic();
      params = rm.getNumberOfParams();
    } else {
      // The solver cannot always type a reference: look the method up by name in an application type.
      String cls = r.getScope() instanceof TypeExpr te ? tree.binaryOf(SourceTree.attempt(te.getType()::resolve))
          : tree.binaryOf(SourceTree.attempt(r.getScope()::calculateResolvedType));
      SourceTree.AppType t = cls == null ? null : tree.types.get(cls);
      SourceTree.AppMethod found = null;
      if (t != null) {
        for (SourceTree.AppMethod m : t.methods) {
          if (m.simpleName().equals(method) && (arity < 0 || m.declared() == arity || !m.isStatic() && m.declared() == arity - 1)) {
            if (found != null && arity < 0) {
              return null; // overloaded, and nothing tells which
            }
            found = m;
          }
        }
      }
      if (found == null) {
        return null;
      }
      impl = found.id();
      isStatic = found.isStatic();
      params = found.declared();
    }
    // Type::instanceMethod takes its receiver from the call; expr::method has it bound.
    int captured = isStatic ? 0 : r.getScope() instanceof TypeExpr && (arity < 0 || arity == params + 1) ? 0 : 1;
    return new SourceDispatch.FnObject(impl, iface, sam[0], arity, captured, false);
  }

  /**
   * An object of a stage type runs its class's implementation of the type's abstract methods: as
   * the bytecode frontend, each {@code new} of such a class gets those methods as its content.
   */
  /** The type tests' view of the source tree's types (see {@link TypeTests}). */
  private static TypeTests typeTests(SourceTree tree) {
    return new TypeTests(new TypeTests.Hierarchy() {
      @Override
      public Set<String> supertypes(String type) {
        Set<String> s = tree.supertypes(type);
        return s.stream().allMatch(t -> t.equals("java.lang.Object") || tree.types.containsKey(t) || tree.libraryType(t) != null)
            ? s : null;
      }

      @Override
      public boolean isApp(String type) {
        return tree.types.containsKey(type);
      }

      @Override
      public boolean isInterface(String type) {
        SourceTree.AppType t = tree.types.get(type);
        if (t != null) {
          return t.isInterface;
        }
        var d = tree.libraryType(type);
        return d == null || d.isInterface();
      }

      @Override
      public boolean isFinal(String type) {
        SourceTree.AppType t = tree.types.get(type);
        if (t != null) {
          return t.isFinal;
        }
        try { // a JDK class; classes of the classpath's jars count as not final
          return java.lang.reflect.Modifier.isFinal(Class.forName(type, false, ClassLoader.getPlatformClassLoader()).getModifiers());
        } catch (ClassNotFoundException | LinkageError e) {
          return false;
        }
      }

      @Override
      public String object() {
        return "java.lang.Object";
      }
    });
  }

  private static void stageObjects(SourceTree tree, ServerSpec spec, Map<String, String> newSites,
      Set<Constraint> constraints, SourceDispatch dispatch) {
    Set<String> stageTypes = new TreeSet<>();
    List<ServerSpec.StageFunction> fns = new ArrayList<>(spec.queueStages().values());
    fns.addAll(spec.scheduleStages().values());
    for (ServerSpec.StageFunction f : fns) {
      for (SourceTree.AppType t : tree.types.values()) {
        for (SourceTree.AppMethod m : t.methods) {
          if (m.name().equals(f.name()) && m.node() instanceof MethodDeclaration md) {
            int s = f.stageParam() - (m.isStatic() ? 0 : 1);
            if (s >= 0 && s < md.getParameters().size()) {
              String d = tree.paramDescriptor(md.getParameter(s));
              if (d.startsWith("L")) {
                stageTypes.add(d.substring(1, d.length() - 1).replace('/', '.'));
              }
            }
          }
        }
      }
    }
    for (ServerSpec.StageField sf : spec.stageFields()) {
      for (SourceTree.AppType t : tree.types.values()) {
        if (t.simple().equals(sf.struct()) && t.node instanceof TypeDeclaration<?> td) {
          for (FieldDeclaration fd : td.getFields()) {
            for (VariableDeclarator v : fd.getVariables()) {
              String d = tree.descriptor(v.getType());
              if (v.getNameAsString().equals(sf.field()) && d.startsWith("L")) {
                stageTypes.add(d.substring(1, d.length() - 1).replace('/', '.'));
              }
            }
          }
        }
      }
    }
    stageTypes.remove("java.lang.Object");
    for (String type : stageTypes) {
      List<String[]> abstracts = SourceDispatch.abstractMethods(tree, type);
      newSites.forEach((object, cls) -> {
        if (!tree.isSubtype(cls, type)) {
          return;
        }
        for (String[] am : abstracts) {
          SourceDispatch.Impl impl = dispatch.implementation(cls, am[0], am[1], Integer.parseInt(am[2]));
          if (impl != null && !impl.library()) {
            constraints.add(new Constraint.AddressOf(object, Constraint.function(impl.method().id())));
          }
        }
      });
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
