package org.broomstick.memwalk.frontend.c;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.Argument;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.Constraint;
import org.broomstick.memwalk.model.FieldStore;
import org.broomstick.memwalk.model.FlowGraph;
import org.broomstick.memwalk.model.FrameSource;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.Global;
import org.broomstick.memwalk.model.Hints;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.ServerSpec;
import org.eclipse.cdt.core.dom.ast.ASTVisitor;
import org.eclipse.cdt.core.dom.ast.IASTArraySubscriptExpression;
import org.eclipse.cdt.core.dom.ast.IASTAttribute;
import org.eclipse.cdt.core.dom.ast.IASTAttributeOwner;
import org.eclipse.cdt.core.dom.ast.IASTBinaryExpression;
import org.eclipse.cdt.core.dom.ast.IASTCastExpression;
import org.eclipse.cdt.core.dom.ast.IASTCompositeTypeSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTConditionalExpression;
import org.eclipse.cdt.core.dom.ast.IASTDeclSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTDeclaration;
import org.eclipse.cdt.core.dom.ast.IASTDeclarator;
import org.eclipse.cdt.core.dom.ast.IASTEqualsInitializer;
import org.eclipse.cdt.core.dom.ast.IASTExpression;
import org.eclipse.cdt.core.dom.ast.IASTExpressionList;
import org.eclipse.cdt.core.dom.ast.IASTFieldReference;
import org.eclipse.cdt.core.dom.ast.IASTFileLocation;
import org.eclipse.cdt.core.dom.ast.IASTFunctionCallExpression;
import org.eclipse.cdt.core.dom.ast.IASTFunctionDeclarator;
import org.eclipse.cdt.core.dom.ast.IASTFunctionDefinition;
import org.eclipse.cdt.core.dom.ast.IASTIdExpression;
import org.eclipse.cdt.core.dom.ast.IASTInitializer;
import org.eclipse.cdt.core.dom.ast.IASTInitializerClause;
import org.eclipse.cdt.core.dom.ast.IASTInitializerList;
import org.eclipse.cdt.core.dom.ast.IASTMacroExpansionLocation;
import org.eclipse.cdt.core.dom.ast.IASTNode;
import org.eclipse.cdt.core.dom.ast.IASTNodeLocation;
import org.eclipse.cdt.core.dom.ast.IASTParameterDeclaration;
import org.eclipse.cdt.core.dom.ast.IASTProblem;
import org.eclipse.cdt.core.dom.ast.IASTReturnStatement;
import org.eclipse.cdt.core.dom.ast.IASTSimpleDeclaration;
import org.eclipse.cdt.core.dom.ast.IASTStandardFunctionDeclarator;
import org.eclipse.cdt.core.dom.ast.IASTStatement;
import org.eclipse.cdt.core.dom.ast.IASTTranslationUnit;
import org.eclipse.cdt.core.dom.ast.IASTTypeIdExpression;
import org.eclipse.cdt.core.dom.ast.IASTUnaryExpression;
import org.eclipse.cdt.core.dom.ast.IArrayType;
import org.eclipse.cdt.core.dom.ast.IBasicType;
import org.eclipse.cdt.core.dom.ast.IBinding;
import org.eclipse.cdt.core.dom.ast.ICompositeType;
import org.eclipse.cdt.core.dom.ast.IEnumeration;
import org.eclipse.cdt.core.dom.ast.IField;
import org.eclipse.cdt.core.dom.ast.IFunction;
import org.eclipse.cdt.core.dom.ast.IFunctionType;
import org.eclipse.cdt.core.dom.ast.IParameter;
import org.eclipse.cdt.core.dom.ast.IPointerType;
import org.eclipse.cdt.core.dom.ast.IProblemBinding;
import org.eclipse.cdt.core.dom.ast.IType;
import org.eclipse.cdt.core.dom.ast.IVariable;
import org.eclipse.cdt.core.dom.ast.c.ICASTArrayDesignator;
import org.eclipse.cdt.core.dom.ast.c.ICASTDesignatedInitializer;
import org.eclipse.cdt.core.dom.ast.c.ICASTDesignator;
import org.eclipse.cdt.core.dom.ast.c.ICASTFieldDesignator;
import org.eclipse.cdt.core.dom.ast.gnu.IGNUASTCompoundStatementExpression;
import org.eclipse.cdt.internal.core.dom.parser.c.ICInternalBinding;

/**
 * Reads one CDT translation unit into {@link UnitFacts}: functions with frame and code-size
 * estimates, call sites, the points-to constraints of every body and initializer (SPEC §4:
 * field-based, flow-insensitive), globals, stores into function-pointer fields, and the Broomstick
 * attributes declared in the unit. It computes no analysis.
 */
final class UnitExtractor {

  private final IASTTranslationUnit tu;
  private final SourceCache cache;
  private final PathDisplay display;
  private final Sizes sizes;
  private final Set<String> systemDirs;
  private final CachingContentProvider includes;
  private final Set<String> fixedSizeExprs;
  /** Names of the interface functions (QueueStage, Malloc, …): their calls keep argument texts and values. */
  private final Set<String> interfaceNames;
  private String unitTag;
  private int temps;
  private final Map<String, Long> fixedSizes = new LinkedHashMap<>();

  private final Map<String, Function> functions = new LinkedHashMap<>();
  private final List<CallSiteBuilder> calls = new ArrayList<>();
  private final Set<Constraint> constraints = new LinkedHashSet<>();
  private final Map<String, Global> globals = new LinkedHashMap<>();
  private final List<FieldStore> fieldStores = new ArrayList<>();
  private final Map<String, FlowGraph> flows = new LinkedHashMap<>();
  private final Map<String, Long> recursionBounds = new LinkedHashMap<>();
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final Map<IBinding, String> functionIds = new HashMap<>();
  private final Map<ICompositeType, String> compositeKeys = new HashMap<>();
  private final Map<IBinding, Hints> hintCache = new HashMap<>();
  /** File-scope names with internal linkage, and the file that declares each (see {@link #linkage}). */
  private final Map<String, String> staticNames = new HashMap<>();
  /** The file of each top-level declaration: CDT maps locations slowly, so once per declaration. */
  private final Map<IASTDeclaration, String> topLevelFile = new IdentityHashMap<>();

  private final Map<String, ServerSpec.StageFunction> queueStages = new LinkedHashMap<>();
  private final Map<String, ServerSpec.StageFunction> scheduleStages = new LinkedHashMap<>();
  private final Map<String, ServerSpec.AllocFunction> mallocs = new LinkedHashMap<>();
  private final Map<String, ServerSpec.FreeFunction> frees = new LinkedHashMap<>();
  private final List<ServerSpec.Declared> schedulers = new ArrayList<>();
  private final List<ServerSpec.StageField> stageFields = new ArrayList<>();
  private final List<String> conflicts = new ArrayList<>();
  private boolean hadErrors;

  UnitExtractor(
      IASTTranslationUnit tu,
      SourceCache cache,
      PathDisplay display,
      Sizes sizes,
      Set<String> systemDirs,
      Set<String> fixedSizeExprs,
      Set<String> specFunctions,
      CachingContentProvider includes) {
    this.tu = tu;
    this.includes = includes;
    this.interfaceNames = new java.util.HashSet<>(specFunctions);
    this.fixedSizeExprs = new LinkedHashSet<>(fixedSizeExprs);
    this.cache = cache;
    this.display = display;
    this.sizes = sizes;
    this.systemDirs = systemDirs;
  }

  UnitFacts extract() {
    String unit = display.show(tu.getFilePath());
    unitTag = unit;
    linkage();
    problems();
    for (IASTDeclaration d : tu.getDeclarations()) {
      try {
        if (isSystem(topLevelFile.get(d))) {
          continue; // library declarations: calls into them make their entries on demand
        }
        if (d instanceof IASTFunctionDefinition fd) {
          functionDefinition(fd);
        } else if (d instanceof IASTSimpleDeclaration sd) {
          fileScopeDeclaration(sd);
        }
      } catch (StackOverflowError | RuntimeException e) {
        diagnostics.add(
            Diagnostic.warning(
                locationOf(d), "parse.skipped", "declaration skipped: " + e.getClass().getSimpleName()));
      }
    }
    List<String> headers = new ArrayList<>();
    problemSummary();
    for (String path : includes.served()) {
      if (!isSystem(path) && !path.equals(tu.getFilePath())) {
        headers.add(path);
      }
    }
    for (CachingContentProvider.HeuristicInclude h : includes.heuristicIncludes()) {
      diagnostics.add(
          Diagnostic.warning(
              includeLocation(h),
              "parse.include-heuristic",
              "header \"" + h.include() + "\" is not on the include path; using "
                  + display.show(h.used()) + " from the input tree"));
    }
    IASTDeclaration[] top = tu.getDeclarations();
    if (top.length > 0) {
      // Evaluated in the unit's file scope, where its types are visible.
      for (String expr : fixedSizeExprs) {
        if (!fixedSizes.containsKey(expr)) {
          sizes.evaluate(expr, top[top.length - 1]).ifPresent(v -> fixedSizes.put(expr, v));
        }
      }
    }
    List<CallSite> built = calls.stream().map(CallSiteBuilder::build).toList();
    ServerSpec declared =
        new ServerSpec(queueStages, scheduleStages, mallocs, frees, schedulers, stageFields, List.of(), null);
    return new UnitFacts(
        unit,
        List.copyOf(functions.values()),
        built,
        List.copyOf(constraints),
        List.copyOf(globals.values()),
        List.copyOf(fieldStores),
        List.copyOf(flows.values()),
        Map.copyOf(recursionBounds),
        declared,
        List.copyOf(conflicts),
        headers,
        Map.copyOf(fixedSizes),
        List.copyOf(diagnostics),
        hadErrors);
  }

  /** The {@code #include} line that named a header, found in the including file's text. */
  private SourceLocation includeLocation(CachingContentProvider.HeuristicInclude h) {
    String file = display.show(h.includingFile());
    Optional<SourceCache.Source> src = cache.get(h.includingFile());
    if (src.isPresent()) {
      String[] lines = new String(src.get().chars).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String l = lines[i];
        if (l.contains("include") && l.contains(h.include())) {
          return SourceLocation.of(file, i + 1, l.indexOf('#') + 1);
        }
      }
    }
    return SourceLocation.ofFile(file);
  }

  // ---------------------------------------------------------------- linkage

  /**
   * Finds the file-scope names declared {@code static}, from the top-level declarations only. CDT's
   * own {@code isStatic()} walks the whole translation unit for each function, which is quadratic on
   * units that include large system headers.
   */
  private void linkage() {
    for (IASTDeclaration d : tu.getDeclarations()) {
      // The file the declaration starts in: a lookup of its sequence number, cheaper than the
      // file location (also the end, mapped through macro expansions) for the thousands of
      // declarations of system headers.
      String file = d.getContainingFilename();
      topLevelFile.put(d, file == null || file.isEmpty() ? tu.getFilePath() : file);
      IASTDeclSpecifier spec;
      IASTDeclarator[] dtors;
      if (d instanceof IASTFunctionDefinition fd) {
        spec = fd.getDeclSpecifier();
        dtors = new IASTDeclarator[] {fd.getDeclarator()};
      } else if (d instanceof IASTSimpleDeclaration sd) {
        spec = sd.getDeclSpecifier();
        dtors = sd.getDeclarators();
      } else {
        continue;
      }
      // Broomstick's attributes are the program's, never a library's: the attributes of the
      // thousands of system-header declarations (__nothrow__, __nonnull__, …) are not read.
      for (IASTDeclarator dtor : isSystem(topLevelFile.get(d)) ? new IASTDeclarator[0] : dtors) {
        if (hasInterfaceAttribute(spec, dtor)) {
          interfaceNames.add(new String(innermost(dtor).getName().toCharArray()));
        }
      }
      if (spec.getStorageClass() != IASTDeclSpecifier.sc_static) {
        continue;
      }
      for (IASTDeclarator dtor : dtors) {
        String name = new String(innermost(dtor).getName().toCharArray());
        staticNames.putIfAbsent(name, display.show(topLevelFile.get(d)));
      }
    }
  }

  private static boolean hasInterfaceAttribute(IASTDeclSpecifier spec, IASTDeclarator dtor) {
    List<IASTAttribute> attrs = new ArrayList<>();
    collect(spec, attrs);
    for (IASTDeclarator d = dtor; d != null; d = d.getNestedDeclarator()) {
      collect(d, attrs);
    }
    for (IASTAttribute a : attrs) {
      switch (new String(a.getName())) {
        case "QueueStage", "ScheduleStage", "Malloc", "Free", "Scheduler":
          return true;
        default:
          break;
      }
    }
    return false;
  }

  private boolean isStatic(IBinding b) {
    return (b instanceof IFunction || b instanceof IVariable && b.getOwner() == null)
        && staticNames.containsKey(b.getName());
  }

  // ---------------------------------------------------------------- problems

  private void problems() {
    for (IASTProblem p : tu.getPreprocessorProblems()) {
      SourceLocation at = locationOf(p);
      boolean system = isSystem(p.getFileLocation() == null ? null : p.getFileLocation().getFileName());
      String msg = p.getMessage();
      if (p.getID() == org.eclipse.cdt.core.parser.IProblem.PREPROCESSOR_INCLUSION_NOT_FOUND) {
        diagnostics.add(Diagnostic.warning(at, "parse.include-missing", "header not found: " + problemArg(p)));
      } else if (p.getID() == org.eclipse.cdt.core.parser.IProblem.PREPROCESSOR_POUND_ERROR) {
        // #error in an active branch means the configuration is wrong for this unit.
        diagnostics.add(Diagnostic.error(at, "parse.preprocessor", msg));
        hadErrors |= !system;
      } else if (!system) {
        parseProblem(Diagnostic.warning(at, "parse.preprocessor", msg));
      }
    }
    tu.accept(
        new ASTVisitor() {
          {
            shouldVisitProblems = true;
            shouldVisitDeclarations = true;
            shouldVisitStatements = true;
            shouldVisitExpressions = true;
            shouldVisitDeclarators = true;
            shouldVisitDeclSpecifiers = true;
            shouldVisitInitializers = true;
            shouldVisitParameterDeclarations = true;
            shouldVisitTypeIds = true;
          }

          @Override
          public int visit(IASTProblem p) {
            syntaxProblem(p);
            return PROCESS_CONTINUE;
          }

          @Override
          public int visit(IASTDeclaration d) {
            // System headers are most of a unit: their problems are not the user's, and their
            // declarations carry no hints. Skip them whole. Function bodies are walked once, by
            // the lowering, which reports their problems and hints itself.
            if (d.getParent() == tu) {
              if (d instanceof IASTFunctionDefinition) {
                return PROCESS_SKIP;
              }
              if (isSystem(topLevelFile.get(d))) {
                return PROCESS_SKIP;
              }
            }
            return PROCESS_CONTINUE;
          }

          @Override
          public int visit(IASTDeclarator d) {
            if (d.getAttributeSpecifiers().length > 0
                || d.getParent() instanceof IASTSimpleDeclaration sd
                    && sd.getDeclSpecifier().getAttributeSpecifiers().length > 0) {
              declaredHints(d);
            }
            return PROCESS_CONTINUE;
          }
        });
  }

  private void syntaxProblem(IASTProblem p) {
    IASTFileLocation fl = p.getFileLocation();
    boolean system = isSystem(fl == null ? null : fl.getFileName());
    SourceLocation at = locationOf(p);
    String text = p.getRawSignature();
    if (text.length() > 60) {
      text = text.substring(0, 57) + "...";
    }
    String msg = "syntax error" + (text.isBlank() ? "" : " near '" + text.replace('\n', ' ') + "'");
    parseProblem(system ? Diagnostic.warning(at, "parse.syntax", msg) : Diagnostic.error(at, "parse.syntax", msg));
    hadErrors |= !system;
  }

  private static final int PROBLEMS_PER_FILE = 20;
  private final Map<String, Integer> problemsPerFile = new HashMap<>();

  /**
   * Reports a parse problem, at most {@value #PROBLEMS_PER_FILE} per file and key: a file that is
   * not C at all (or a binary) would otherwise bury everything else. The rest are counted in one
   * note at the end ({@link #problemSummary}).
   */
  private void parseProblem(Diagnostic d) {
    int n = problemsPerFile.merge(d.at().file() + "\u0000" + d.key(), 1, Integer::sum);
    if (n <= PROBLEMS_PER_FILE) {
      diagnostics.add(d);
    }
  }

  private void problemSummary() {
    problemsPerFile.forEach((fileKey, n) -> {
      if (n > PROBLEMS_PER_FILE) {
        String[] parts = fileKey.split("\u0000", 2);
        diagnostics.add(Diagnostic.note(SourceLocation.ofFile(parts[0]), parts[1],
            (n - PROBLEMS_PER_FILE) + " more " + parts[1] + " problems in this file are not listed"));
      }
    });
  }

  private static String problemArg(IASTProblem p) {
    String[] args = p.getArguments();
    return args == null || args.length == 0 ? p.getMessage() : args[0];
  }

  private boolean isSystem(String path) {
    if (path == null) {
      return false;
    }
    for (String d : systemDirs) {
      if (path.startsWith(d)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- declarations

  private void fileScopeDeclaration(IASTSimpleDeclaration sd) {
    IASTDeclSpecifier spec = sd.getDeclSpecifier();
    compositeAttributes(spec);
    if (spec.getStorageClass() == IASTDeclSpecifier.sc_typedef) {
      return;
    }
    for (IASTDeclarator dtor : sd.getDeclarators()) {
      IBinding b = innermost(dtor).getName().resolveBinding();
      if (b instanceof IFunction fn) {
        Function f = declaredFunction(fn, dtor);
        functions.putIfAbsent(f.id(), f);
        functionAttributes(fn.getName(), dtor, spec);
        declaredHints(dtor);
      } else if (b instanceof IVariable v) {
        String cell = variableCell(v, null);
        Long size = sizeOfType(v.getType());
        String id = cell.substring(2);
        globals.putIfAbsent(
            id, new Global(id, v.getName(), locationOf(dtor), isStatic(v), size));
        IASTInitializer init = dtor.getInitializer();
        if (init != null) {
          Lowering low = new Lowering(null);
          low.initialize(cell, v.getType(), init);
        }
      }
    }
  }

  private void functionDefinition(IASTFunctionDefinition fd) {
    IASTFunctionDeclarator dtor = fd.getDeclarator();
    IBinding b = innermost(dtor).getName().resolveBinding();
    if (!(b instanceof IFunction fn)) {
      return;
    }
    String id = functionId(fn);
    functionAttributes(fn.getName(), dtor, fd.getDeclSpecifier());
    declaredHints(dtor);
    Lowering low = new Lowering(id);
    List<String> params = new ArrayList<>();
    if (dtor instanceof IASTStandardFunctionDeclarator sfd) {
      IASTParameterDeclaration[] ps = sfd.getParameters();
      for (int i = 0; i < ps.length; i++) {
        IBinding pb = innermost(ps[i].getDeclarator()).getName().resolveBinding();
        String name = new String(innermost(ps[i].getDeclarator()).getName().toCharArray());
        if (pb instanceof IParameter) {
          low.params.put(pb, Constraint.param(id, i));
        }
        params.add(name);
      }
    }
    FrameEstimate frame = new FrameEstimate();
    frame.params(dtor);
    low.frame = frame;
    fd.getBody().accept(low.visitor());
    flows.put(id, FlowBuilder.build(id, fd.getBody(), new FlowBuilder.Events() {
      @Override
      public List<Integer> at(IASTNode node) {
        return low.eventsAt(node);
      }

      @Override
      public FlowGraph.NullPointer pointer(IASTExpression e) {
        if (!(unwrap(e.getExpressionType()) instanceof org.eclipse.cdt.core.dom.ast.IPointerType pt)) {
          return null;
        }
        String cell = low.cellOf(e);
        if (cell == null) {
          return null;
        }
        String pointee = unwrap(pt.getType()) instanceof ICompositeType ct ? compositeKey(ct) : null;
        return new FlowGraph.NullPointer(cell, pointee);
      }
    }, low.events));
    SourceLocation at = locationOf(fd.getDeclarator());
    functions.put(
        id,
        new Function(
            id,
            fn.getName(),
            at,
            isStatic(fn),
            true,
            frame.bytes(),
            FrameSource.ESTIMATE,
            frame.dynamic,
            low.codeBytes(),
            params));
  }

  private Function declaredFunction(IFunction fn, IASTDeclarator dtor) {
    String id = functionId(fn);
    List<String> params = new ArrayList<>();
    IASTDeclarator inner = innermostFunctionDeclarator(dtor);
    if (inner instanceof IASTStandardFunctionDeclarator sfd) {
      for (IASTParameterDeclaration p : sfd.getParameters()) {
        params.add(new String(innermost(p.getDeclarator()).getName().toCharArray()));
      }
    }
    return new Function(
        id, fn.getName(), locationOf(dtor), isStatic(fn), false, 0, FrameSource.NONE, false, 0, params);
  }

  private static IASTDeclarator innermostFunctionDeclarator(IASTDeclarator d) {
    IASTDeclarator cur = d;
    while (cur.getNestedDeclarator() != null && !(cur instanceof IASTFunctionDeclarator)) {
      cur = cur.getNestedDeclarator();
    }
    return cur;
  }

  private static IASTDeclarator innermost(IASTDeclarator d) {
    IASTDeclarator cur = d;
    while (cur.getNestedDeclarator() != null && cur.getName().toCharArray().length == 0) {
      cur = cur.getNestedDeclarator();
    }
    return cur;
  }

  /** The stable id: the name, or {@code name@file} for a static function (SPEC §4). */
  String functionId(IFunction fn) {
    return functionIds.computeIfAbsent(
        fn,
        b -> {
          if (!isStatic(fn)) {
            return fn.getName();
          }
          return Function.idOf(fn.getName(), true, staticNames.get(fn.getName()));
        });
  }

  // ---------------------------------------------------------------- attributes

  private void functionAttributes(String name, IASTDeclarator dtor, IASTDeclSpecifier spec) {
    List<IASTAttribute> attrs = new ArrayList<>();
    collect(spec, attrs);
    for (IASTDeclarator d = dtor; d != null; d = d.getNestedDeclarator()) {
      collect(d, attrs);
    }
    for (IASTAttribute a : attrs) {
      String attr = new String(a.getName());
      SourceLocation at = locationOf(a);
      List<String> labels = arguments(a);
      switch (attr) {
        case "QueueStage", "ScheduleStage" -> {
          List<org.broomstick.memwalk.spec.ParamRole> roles = new ArrayList<>();
          for (String l : labels) {
            Optional<org.broomstick.memwalk.spec.ParamRole> r =
                org.broomstick.memwalk.spec.ParamRole.parse(l);
            if (r.isEmpty()
                || !(r.get() == org.broomstick.memwalk.spec.ParamRole.T
                    || r.get() == org.broomstick.memwalk.spec.ParamRole.S
                    || r.get() == org.broomstick.memwalk.spec.ParamRole.X)) {
              diagnostics.add(
                  Diagnostic.error(
                      at,
                      "spec.unknown-label",
                      "unknown label \"" + l + "\" in " + attr + " (expected T, S or X)"));
              hadErrors = true;
              roles.add(org.broomstick.memwalk.spec.ParamRole.X);
            } else {
              roles.add(r.get());
            }
          }
          long stages = roles.stream().filter(r -> r == org.broomstick.memwalk.spec.ParamRole.S).count();
          if (stages != 1) {
            diagnostics.add(
                Diagnostic.error(
                    at, "spec.malformed", attr + " of " + name + " must label exactly one parameter \"S\""));
            hadErrors = true;
            continue;
          }
          ServerSpec.StageFunction sf = new ServerSpec.StageFunction(name, roles, at);
          Map<String, ServerSpec.StageFunction> target =
              attr.equals("QueueStage") ? queueStages : scheduleStages;
          ServerSpec.StageFunction old = target.putIfAbsent(name, sf);
          if (old != null && !old.params().equals(roles)) {
            conflicts.add(attr + " " + name + " is declared differently at " + old.declaredAt() + " and " + at);
          }
        }
        case "Malloc" -> {
          int sizeParam = -1;
          boolean ok = true;
          for (int i = 0; i < labels.size(); i++) {
            Optional<org.broomstick.memwalk.spec.ParamRole> r =
                org.broomstick.memwalk.spec.ParamRole.parse(labels.get(i));
            if (r.isPresent() && r.get() == org.broomstick.memwalk.spec.ParamRole.SIZE) {
              sizeParam = i;
            } else if (r.isEmpty() || r.get() != org.broomstick.memwalk.spec.ParamRole.X) {
              diagnostics.add(
                  Diagnostic.error(
                      at,
                      "spec.unknown-label",
                      "unknown label \"" + labels.get(i) + "\" in Malloc (expected size, int or X)"));
              hadErrors = true;
              ok = false;
            }
          }
          if (ok) {
            String fixed = null;
            if (sizeParam < 0) {
              // A fixed-size allocator: its object size is the stingy_size of the declaration.
              for (IASTAttribute other : attrs) {
                if (new String(other.getName()).equals("stingy_size")) {
                  fixed = String.join(",", arguments(other)).trim();
                  String text = fixed;
                  sizes.evaluate(GccAttributes.arguments(other), other).ifPresent(v -> fixedSizes.put(text, v));
                }
              }
            }
            mallocs.putIfAbsent(name, new ServerSpec.AllocFunction(name, sizeParam, fixed, at));
          }
        }
        case "Free" -> {
          int ptr = org.broomstick.memwalk.spec.ParamRole.pointerParam(labels);
          if (ptr < 0) {
            diagnostics.add(
                Diagnostic.error(
                    at,
                    "spec.unknown-label",
                    "Free of " + name + " must label its pointer parameter \"ptr\" (or give its index, e.g. \"0\")"));
            hadErrors = true;
          } else {
            frees.putIfAbsent(name, new ServerSpec.FreeFunction(name, ptr, at));
          }
        }
        case "Scheduler" -> {
          ServerSpec.Declared d = new ServerSpec.Declared(name, at);
          if (schedulers.stream().noneMatch(s -> s.name().equals(name))) {
            schedulers.add(d);
          }
        }
        default -> {
          // Other GNU attributes (noreturn, format, …) are not ours.
        }
      }
    }
  }

  /** Struct fields declared {@code StageField} become spec stage fields. */
  private void compositeAttributes(IASTDeclSpecifier spec) {
    if (!(spec instanceof IASTCompositeTypeSpecifier cts)) {
      return;
    }
    IBinding b = cts.getName().resolveBinding();
    if (!(b instanceof ICompositeType ct)) {
      return;
    }
    for (IASTDeclaration member : cts.getMembers()) {
      if (member instanceof IASTSimpleDeclaration msd) {
        compositeAttributes(msd.getDeclSpecifier());
        for (IASTDeclarator d : msd.getDeclarators()) {
          List<IASTAttribute> attrs = new ArrayList<>();
          collect(msd.getDeclSpecifier(), attrs);
          for (IASTDeclarator x = d; x != null; x = x.getNestedDeclarator()) {
            collect(x, attrs);
          }
          for (IASTAttribute a : attrs) {
            if (new String(a.getName()).equals("StageField")) {
              String field = new String(innermost(d).getName().toCharArray());
              stageFields.add(new ServerSpec.StageField(compositeKey(ct), field, locationOf(a)));
            }
          }
        }
      }
    }
  }

  private static void collect(IASTNode node, List<IASTAttribute> out) {
    if (node instanceof IASTAttributeOwner owner) {
      out.addAll(GccAttributes.of(owner));
    }
  }


  /** The attribute's arguments as strings: quoted labels unquoted, other tokens joined. */
  static List<String> arguments(IASTAttribute a) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String s : GccAttributes.arguments(a)) {
      if (s.equals(",")) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
        cur.append(s, 1, s.length() - 1).append(' ');
      } else {
        cur.append(s).append(' ');
      }
    }
    if (!cur.isEmpty() || !out.isEmpty()) {
      out.add(cur.toString().trim());
    }
    return out;
  }


  /** {@code stingy_size}/{@code stingy_count} declared on a variable or field (see {@link #declaredHints}). */
  private Hints hintsOf(IBinding b) {
    return b == null ? Hints.NONE : hintCache.getOrDefault(b, Hints.NONE);
  }

  /**
   * Records the hints of a declarator that carries {@code stingy_size}/{@code stingy_count}, during
   * the one walk over the unit, so later lookups cost nothing (CDT's declaration search walks the
   * whole AST each time).
   */
  private void declaredHints(IASTDeclarator d) {
    List<IASTAttribute> attrs = new ArrayList<>();
    collect(d, attrs);
    if (d.getParent() instanceof IASTSimpleDeclaration sd) {
      collect(sd.getDeclSpecifier(), attrs);
    } else if (d.getParent() instanceof IASTFunctionDefinition fd) {
      collect(fd.getDeclSpecifier(), attrs);
    }
    Long size = null;
    Long count = null;
    for (IASTAttribute a : attrs) {
      String attr = new String(a.getName());
      if (!attr.equals("stingy_size") && !attr.equals("stingy_count")) {
        continue;
      }
      List<String> args = arguments(a);
      OptionalLong v = args.size() == 1 ? sizes.evaluate(GccAttributes.arguments(a), a) : OptionalLong.empty();
      if (v.isEmpty() || v.getAsLong() <= 0) {
        diagnostics.add(
            Diagnostic.error(
                locationOf(a),
                "spec.bad-hint",
                attr + " needs one positive integer constant, got (" + String.join(", ", args) + ")"));
        hadErrors = true;
      } else if (attr.equals("stingy_size")) {
        size = v.getAsLong();
      } else {
        count = v.getAsLong();
      }
    }
    if (size == null && count == null) {
      return;
    }
    IBinding b = innermost(d).getName().resolveBinding();
    if (b instanceof IVariable || b instanceof IField) {
      hintCache.merge(b, new Hints(size, count), Hints::overriddenBy);
    } else if (b instanceof IFunction fn && count != null) {
      // On a function, stingy_count bounds its recursion: at most this many nested activations.
      recursionBounds.merge(functionId(fn), count, Math::min);
    }
  }

  // ---------------------------------------------------------------- cells

  /** The cell of a variable: {@code g:name} (global), {@code g:name@file} (static), else local. */
  String variableCell(IVariable v, String functionId) {
    IBinding owner = v.getOwner();
    if (owner instanceof IFunction && functionId != null && !(v instanceof IParameter)) {
      return "l:" + functionId + ":" + v.getName();
    }
    if (owner instanceof IFunction ofn) {
      return "l:" + functionId(ofn) + ":" + v.getName();
    }
    return isStatic(v) ? "g:" + v.getName() + "@" + staticNames.get(v.getName()) : "g:" + v.getName();
  }

  /** Field-based abstraction: every {@code s.f} / {@code p->f} of one struct type is one cell. */
  String fieldCell(IField f) {
    ICompositeType owner = f.getCompositeTypeOwner();
    return "f:" + compositeKey(owner) + "." + f.getName();
  }

  String compositeKey(ICompositeType ct) {
    return compositeKeys.computeIfAbsent(
        ct,
        t -> {
          String name = t.getName();
          if (name != null && !name.isEmpty()) {
            return name;
          }
          // Anonymous: the place of its definition is stable across units. The physical node is
          // the empty name, which has no location of its own: take the nearest ancestor's.
          if (t instanceof ICInternalBinding ib) {
            for (IASTNode n = ib.getPhysicalNode(); n != null; n = n.getParent()) {
              IASTFileLocation fl = n.getFileLocation();
              if (fl != null) {
                return "anon@" + display.show(fl.getFileName()) + ":" + fl.getStartingLineNumber();
              }
            }
          }
          return "anon@" + System.identityHashCode(t);
        });
  }

  // ---------------------------------------------------------------- locations

  SourceLocation locationOf(IASTNode node) {
    IASTFileLocation fl = node == null ? null : node.getFileLocation();
    if (fl == null) {
      return SourceLocation.ofFile(display.show(tu.getFilePath()));
    }
    String file = fl.getFileName();
    int column =
        cache.get(file).map(s -> s.column(Math.min(fl.getNodeOffset(), s.chars.length))).orElse(0);
    return SourceLocation.of(display.show(file), fl.getStartingLineNumber(), column);
  }

  private static boolean fromMacro(IASTNode node) {
    IASTNodeLocation[] locs = node.getNodeLocations();
    return locs.length > 0
        && (locs[0] instanceof IASTMacroExpansionLocation
            || locs[locs.length - 1] instanceof IASTMacroExpansionLocation);
  }

  // ---------------------------------------------------------------- types

  /** Through typedefs and qualifiers, as the layout engine does. */
  static IType unwrap(IType t) {
    return t == null ? null : CTypeLayout.strip(t);
  }

  /** Whether a value of this type may carry a pointer worth tracking. */
  static boolean mayHoldPointer(IType t) {
    IType u = unwrap(t);
    if (u == null) {
      return true;
    }
    return !(u instanceof IBasicType) && !(u instanceof IEnumeration) && !(u instanceof ICompositeType);
  }

  static boolean isFunctionPointer(IType t) {
    IType u = unwrap(t);
    if (u instanceof IPointerType pt) {
      return unwrap(pt.getType()) instanceof IFunctionType;
    }
    return u instanceof IFunctionType;
  }

  Long sizeOfType(IType t) {
    OptionalLong s = sizes.sizeOf(t);
    return s.isPresent() ? s.getAsLong() : null;
  }

  // ---------------------------------------------------------------- frame estimate

  /** Thesis §6.2.2: locals + spilled arguments + return address + saved registers, x86-64 SysV. */
  final class FrameEstimate {
    long locals;
    long spills;
    int maxStackArgs;
    boolean dynamic;

    void params(IASTFunctionDeclarator dtor) {
      if (dtor instanceof IASTStandardFunctionDeclarator sfd) {
        for (IASTParameterDeclaration p : sfd.getParameters()) {
          IBinding b = innermost(p.getDeclarator()).getName().resolveBinding();
          if (b instanceof IParameter param) {
            Long s = sizeOfType(param.getType());
            spills += roundUp(s == null ? 8 : s, 8);
          }
        }
      }
    }

    void local(IVariable v, int storageClass) {
      if (storageClass == IASTDeclSpecifier.sc_static || storageClass == IASTDeclSpecifier.sc_extern) {
        return;
      }
      Long s = sizeOfType(v.getType());
      if (s == null && unwrap(v.getType()) instanceof IArrayType) {
        dynamic = true; // a variable-length array
        return;
      }
      OptionalLong a = sizes.alignOf(v.getType());
      long align = a.isPresent() ? Math.min(Math.max(a.getAsLong(), 1), 16) : 8;
      locals = roundUp(locals, align) + (s == null ? 8 : s);
    }

    void call(int args) {
      maxStackArgs = Math.max(maxStackArgs, args - 6);
    }

    int bytes() {
      long total = roundUp(locals, 8) + spills + 8L * maxStackArgs + 16;
      return (int) Math.min(Integer.MAX_VALUE, roundUp(total, 16));
    }
  }

  static long roundUp(long v, long a) {
    return a <= 1 ? v : (v + a - 1) / a * a;
  }

  // ---------------------------------------------------------------- lowering

  /** A call site under construction: hints are attached when its assignment is seen. */
  final class CallSiteBuilder {
    final String caller;
    final SourceLocation at;
    final String callee;
    final String calleeCell;
    final String calleeText;
    final List<Argument> args;
    final String result;
    final boolean inMacro;
    final int ordinal;
    final int offset;
    final int length;
    Hints hints = Hints.NONE;

    CallSiteBuilder(
        String caller,
        SourceLocation at,
        String callee,
        String calleeCell,
        String calleeText,
        List<Argument> args,
        String result,
        boolean inMacro,
        int ordinal,
        int offset,
        int length) {
      this.ordinal = ordinal;
      this.caller = caller;
      this.at = at;
      this.callee = callee;
      this.calleeCell = calleeCell;
      this.calleeText = calleeText;
      this.args = args;
      this.result = result;
      this.inMacro = inMacro;
      this.offset = offset;
      this.length = length;
    }

    CallSite build() {
      return new CallSite(caller, at, callee, calleeCell, calleeText, args, result, hints, inMacro, ordinal, offset, length);
    }
  }

  /**
   * Turns the expressions of one function body (or of a file-scope initializer, {@code fn ==
   * null}) into constraints and call sites. Each expression is lowered once (memoised), so the
   * visitor may meet an expression both as a statement part and inside another expression.
   */
  final class Lowering {
    final String fn;
    final Map<IBinding, String> params = new HashMap<>();
    final Map<IASTExpression, String> memo = new IdentityHashMap<>();
    final Map<IASTFunctionCallExpression, CallSiteBuilder> callOf = new IdentityHashMap<>();
    /** Field stores by the node that performs them, for the flow graph. */
    final Map<IASTNode, List<Integer>> storesAt = new IdentityHashMap<>();
    /** Events (calls and field stores) numbered so far in this body. */
    int events;
    FrameEstimate frame;
    int expressions;
    int statements;

    Lowering(String fn) {
      this.fn = fn;
    }

    int codeBytes() {
      // A rough estimate of x86-64 code: about 4 bytes per expression node and 2 per statement,
      // plus prologue/epilogue. Replaced by measured sizes when object files are given (later).
      return 4 * expressions + 2 * statements + 8;
    }

    ASTVisitor visitor() {
      return new ASTVisitor() {
        {
          shouldVisitExpressions = true;
          shouldVisitStatements = true;
          shouldVisitDeclarations = true;
          shouldVisitProblems = true;
        }

        @Override
        public int visit(IASTProblem p) {
          syntaxProblem(p);
          return PROCESS_CONTINUE;
        }

        @Override
        public int visit(IASTExpression e) {
          cellOf(e);
          return PROCESS_SKIP;
        }

        @Override
        public int visit(IASTStatement s) {
          statements++;
          if (s instanceof IASTReturnStatement rs && rs.getReturnValue() != null && fn != null) {
            String c = cellOf(rs.getReturnValue());
            if (c != null) {
              constraints.add(new Constraint.Copy(Constraint.ret(fn), c));
            }
          }
          return PROCESS_CONTINUE;
        }

        @Override
        public int visit(IASTDeclaration d) {
          if (d instanceof IASTSimpleDeclaration sd) {
            compositeAttributes(sd.getDeclSpecifier());
            if (sd.getDeclSpecifier().getStorageClass() == IASTDeclSpecifier.sc_typedef) {
              return PROCESS_SKIP;
            }
            for (IASTDeclarator dtor : sd.getDeclarators()) {
              if (dtor.getAttributeSpecifiers().length > 0
                  || sd.getDeclSpecifier().getAttributeSpecifiers().length > 0) {
                declaredHints(dtor);
              }
              IBinding b = innermost(dtor).getName().resolveBinding();
              if (b instanceof IVariable v) {
                if (frame != null) {
                  frame.local(v, sd.getDeclSpecifier().getStorageClass());
                }
                IASTInitializer init = dtor.getInitializer();
                if (init != null) {
                  initialize(variableCell(v, fn), v.getType(), init);
                  hintAssignedCall(init, hintsOf(v));
                }
              } else if (b instanceof IFunction f) {
                functions.putIfAbsent(functionId(f), declaredFunction(f, dtor));
              }
            }
            return PROCESS_SKIP;
          }
          return PROCESS_CONTINUE;
        }
      };
    }

    private void hintAssignedCall(IASTInitializer init, Hints hints) {
      if (hints.isEmpty() || !(init instanceof IASTEqualsInitializer eq)) {
        return;
      }
      if (eq.getInitializerClause() instanceof IASTExpression e) {
        attachHints(e, hints);
      }
    }

    private void attachHints(IASTExpression rhs, Hints hints) {
      IASTExpression e = stripCasts(rhs);
      if (e instanceof IASTFunctionCallExpression call) {
        CallSiteBuilder cb = callOf.get(call);
        if (cb != null) {
          cb.hints = cb.hints.overriddenBy(hints);
        }
      }
    }

    /** Initializes {@code target} (of {@code type}) with an initializer, following braces. */
    void initialize(String target, IType type, IASTInitializer init) {
      if (init instanceof IASTEqualsInitializer eq) {
        initializeClause(target, type, eq.getInitializerClause());
      } else if (init instanceof IASTInitializerList list) {
        initializeList(target, type, list);
      }
    }

    private void initializeClause(String target, IType type, IASTInitializerClause clause) {
      if (clause instanceof IASTInitializerList list) {
        initializeList(target, type, list);
      } else if (clause instanceof IASTExpression e) {
        String c = cellOf(e);
        IType u = unwrap(type);
        if (c != null && (u instanceof ICompositeType)) {
          return; // struct copy: fields are shared cells already (field-based)
        }
        if (c != null && target != null && mayHoldPointer(type)) {
          constraints.add(new Constraint.Copy(target, c));
        }
      } else if (clause instanceof ICASTDesignatedInitializer di) {
        initializeClause(target, type, di.getOperand());
      }
    }

    private void initializeList(String target, IType type, IASTInitializerList list) {
      IType u = unwrap(type);
      IASTInitializerClause[] clauses = list.getClauses();
      if (u instanceof IArrayType at) {
        // Arrays collapse to one cell; elements of struct type go to their fields.
        for (IASTInitializerClause c : clauses) {
          IASTInitializerClause operand = c instanceof ICASTDesignatedInitializer di ? di.getOperand() : c;
          initializeClause(target, at.getType(), operand);
        }
      } else if (u instanceof ICompositeType ct) {
        IField[] fields = namedFields(ct);
        int next = 0;
        for (IASTInitializerClause c : clauses) {
          IField field = null;
          IASTInitializerClause operand = c;
          if (c instanceof ICASTDesignatedInitializer di) {
            operand = di.getOperand();
            ICASTDesignator[] ds = di.getDesignators();
            if (ds.length > 0 && ds[0] instanceof ICASTFieldDesignator fdz) {
              IBinding fb = fdz.getName().resolveBinding();
              if (fb instanceof IField f) {
                field = f;
                for (int i = 0; i < fields.length; i++) {
                  if (fields[i].equals(f)) {
                    next = i;
                  }
                }
              }
              if (ds.length > 1 && field != null) {
                // .a.b = x: descend by the remaining designators, field-based.
                IField inner = lastField(ds);
                if (inner != null) {
                  field = inner;
                }
              }
            } else if (ds.length > 0 && ds[0] instanceof ICASTArrayDesignator) {
              initializeClause(target, type, operand);
              continue;
            }
          } else if (next < fields.length) {
            field = fields[next];
          }
          next++;
          if (field == null) {
            continue;
          }
          String cell = fieldCell(field);
          initializeClause(cell, field.getType(), operand);
          if (isFunctionPointer(field.getType()) && operand instanceof IASTExpression e) {
            String v = cellOf(e);
            if (v != null) {
              fieldStores.add(new FieldStore(locationOf(operand), fn, cell.substring(2), v, e.getRawSignature(), store(operand)));
            }
          }
        }
      }
    }

    private IField lastField(ICASTDesignator[] ds) {
      IField last = null;
      for (ICASTDesignator d : ds) {
        if (d instanceof ICASTFieldDesignator fdz && fdz.getName().resolveBinding() instanceof IField f) {
          last = f;
        }
      }
      return last;
    }

    private IField[] namedFields(ICompositeType ct) {
      List<IField> out = new ArrayList<>();
      for (IField f : ct.getFields()) {
        if (!f.getName().isEmpty()) {
          out.add(f);
        }
      }
      return out.toArray(new IField[0]);
    }

    private String temp(IASTNode at) {
      // Temporaries only need to be unique in the program: the unit and a counter suffice.
      return "t:" + unitTag + ":" + (temps++);
    }

    /** The cell holding the value of {@code e}, or null when it cannot hold a pointer. */
    String cellOf(IASTExpression e) {
      if (e == null) {
        return null;
      }
      if (memo.containsKey(e)) {
        return memo.get(e);
      }
      memo.put(e, null); // guards against cycles through malformed trees
      expressions++;
      String c = lower(e);
      memo.put(e, c);
      return c;
    }

    private String lower(IASTExpression e) {
      if (e instanceof org.eclipse.cdt.core.dom.ast.IASTProblemHolder ph) {
        syntaxProblem(ph.getProblem());
        return null;
      }
      if (e instanceof IASTIdExpression id) {
        return idCell(id.getName().resolveBinding(), id);
      }
      if (e instanceof IASTFunctionCallExpression call) {
        return call(call);
      }
      if (e instanceof IASTFieldReference fr) {
        cellOf(fr.getFieldOwner());
        IBinding b = fr.getFieldName().resolveBinding();
        return b instanceof IField f ? fieldCell(f) : null;
      }
      if (e instanceof IASTBinaryExpression be) {
        return binary(be);
      }
      if (e instanceof IASTUnaryExpression ue) {
        return unary(ue);
      }
      if (e instanceof IASTCastExpression ce) {
        return cellOf(ce.getOperand());
      }
      if (e instanceof IASTConditionalExpression ce) {
        cellOf(ce.getLogicalConditionExpression());
        String a = cellOf(ce.getPositiveResultExpression());
        String b = cellOf(ce.getNegativeResultExpression());
        if (a == null && b == null) {
          return null;
        }
        String t = temp(e);
        if (a != null) {
          constraints.add(new Constraint.Copy(t, a));
        }
        if (b != null) {
          constraints.add(new Constraint.Copy(t, b));
        }
        return t;
      }
      if (e instanceof IASTArraySubscriptExpression ase) {
        String base = cellOf(ase.getArrayExpression());
        if (ase.getArgument() instanceof IASTExpression idx) {
          cellOf(idx);
        }
        if (base == null) {
          return null;
        }
        IType bt = unwrap(ase.getArrayExpression().getExpressionType());
        if (bt instanceof IArrayType) {
          return base; // an array variable's elements share its cell
        }
        String t = temp(e);
        constraints.add(new Constraint.Load(t, base));
        return t;
      }
      if (e instanceof IASTExpressionList list) {
        String last = null;
        for (IASTExpression x : list.getExpressions()) {
          last = cellOf(x);
        }
        return last;
      }
      if (e instanceof IGNUASTCompoundStatementExpression gse) {
        gse.getCompoundStatement().accept(visitor());
        IASTStatement[] ss = gse.getCompoundStatement().getStatements();
        if (ss.length > 0
            && ss[ss.length - 1] instanceof org.eclipse.cdt.core.dom.ast.IASTExpressionStatement es) {
          return cellOf(es.getExpression());
        }
        return null;
      }
      if (e instanceof IASTTypeIdExpression) {
        return null;
      }
      // Literals and anything else carry no pointer we track; still visit the children.
      for (IASTNode child : e.getChildren()) {
        if (child instanceof IASTExpression ce) {
          cellOf(ce);
        }
      }
      return null;
    }

    private String idCell(IBinding b, IASTNode at) {
      if (b instanceof IFunction f) {
        String t = "fnaddr:" + functionId(f);
        constraints.add(new Constraint.AddressOf(t, Constraint.function(functionId(f))));
        return t;
      }
      if (b instanceof IParameter && params.containsKey(b)) {
        return params.get(b);
      }
      if (b instanceof IVariable v) {
        return variableCell(v, fn);
      }
      return null;
    }

    private String binary(IASTBinaryExpression be) {
      int op = be.getOperator();
      if (op == IASTBinaryExpression.op_assign) {
        String rhs = cellOf(be.getOperand2());
        String lhsCell = assignTarget(be.getOperand1(), rhs, be);
        attachHints(be.getOperand2(), hintsOfLvalue(be.getOperand1()));
        return lhsCell;
      }
      String a = cellOf(be.getOperand1());
      String b = cellOf(be.getOperand2());
      // Pointer arithmetic keeps the pointer: p + n, p - n, p += n.
      boolean arith =
          op == IASTBinaryExpression.op_plus
              || op == IASTBinaryExpression.op_minus
              || op == IASTBinaryExpression.op_plusAssign
              || op == IASTBinaryExpression.op_minusAssign;
      if (!arith || (a == null && b == null)) {
        // No pointer on either side: and CDT's expression types are not memoised, so asking for
        // one at every level of a long chain (a + b + c + …) would be quadratic.
        return null;
      }
      IType t = be.getExpressionType();
      if (!(unwrap(t) instanceof IPointerType)) {
        return null;
      }
      if (op == IASTBinaryExpression.op_plusAssign || op == IASTBinaryExpression.op_minusAssign) {
        return a;
      }
      if (a != null && unwrap(be.getOperand1().getExpressionType()) instanceof IPointerType) {
        return a;
      }
      if (a != null && unwrap(be.getOperand1().getExpressionType()) instanceof IArrayType) {
        return a;
      }
      return b;
    }

    private Hints hintsOfLvalue(IASTExpression lhs) {
      IASTExpression l = stripCasts(lhs);
      if (l instanceof IASTIdExpression id) {
        return hintsOf(id.getName().resolveBinding());
      }
      if (l instanceof IASTFieldReference fr) {
        return hintsOf(fr.getFieldName().resolveBinding());
      }
      return Hints.NONE;
    }

    /** Lowers {@code lhs = value} and returns the cell of the assigned lvalue. */
    private String assignTarget(IASTExpression lhs, String value, IASTNode at) {
      IASTExpression l = stripParens(lhs);
      boolean track = value != null && mayHoldPointer(lhs.getExpressionType());
      if (l instanceof IASTIdExpression id) {
        String c = idCell(id.getName().resolveBinding(), id);
        if (track && c != null) {
          constraints.add(new Constraint.Copy(c, value));
        }
        return c;
      }
      if (l instanceof IASTFieldReference fr) {
        cellOf(fr.getFieldOwner());
        IBinding b = fr.getFieldName().resolveBinding();
        if (!(b instanceof IField f)) {
          return null;
        }
        String c = fieldCell(f);
        memo.put(l, c);
        if (track) {
          constraints.add(new Constraint.Copy(c, value));
          if (isFunctionPointer(f.getType())) {
            fieldStores.add(
                new FieldStore(
                    locationOf(at), fn, c.substring(2), value, ((IASTBinaryExpression) at).getOperand2().getRawSignature(), store(at)));
          }
        }
        return c;
      }
      if (l instanceof IASTUnaryExpression ue && ue.getOperator() == IASTUnaryExpression.op_star) {
        String p = cellOf(ue.getOperand());
        if (track && p != null) {
          constraints.add(new Constraint.Store(p, value));
        }
        return null;
      }
      if (l instanceof IASTArraySubscriptExpression ase) {
        String base = cellOf(ase.getArrayExpression());
        if (ase.getArgument() instanceof IASTExpression idx) {
          cellOf(idx);
        }
        if (track && base != null) {
          if (unwrap(ase.getArrayExpression().getExpressionType()) instanceof IArrayType) {
            constraints.add(new Constraint.Copy(base, value));
          } else {
            constraints.add(new Constraint.Store(base, value));
          }
        }
        return null;
      }
      return cellOf(lhs);
    }

    private String unary(IASTUnaryExpression ue) {
      int op = ue.getOperator();
      switch (op) {
        case IASTUnaryExpression.op_sizeof, IASTUnaryExpression.op_alignOf:
          return null; // unevaluated operand
        case IASTUnaryExpression.op_bracketedPrimary:
          return cellOf(ue.getOperand());
        case IASTUnaryExpression.op_amper: {
          IASTExpression operand = stripParens(ue.getOperand());
          if (operand instanceof IASTIdExpression id) {
            IBinding b = id.getName().resolveBinding();
            if (b instanceof IFunction) {
              return cellOf(operand);
            }
            String c = idCell(b, id);
            if (c == null) {
              return null;
            }
            String t = temp(ue);
            constraints.add(new Constraint.AddressOf(t, c));
            return t;
          }
          String inner = cellOf(operand);
          if (inner == null) {
            return null;
          }
          if (operand instanceof IASTUnaryExpression de && de.getOperator() == IASTUnaryExpression.op_star) {
            return cellOf(de.getOperand()); // &*p == p
          }
          if (operand instanceof IASTArraySubscriptExpression ase
              && !(unwrap(ase.getArrayExpression().getExpressionType()) instanceof IArrayType)) {
            return cellOf(ase.getArrayExpression()); // &p[i] points where p does
          }
          String t = temp(ue);
          constraints.add(new Constraint.AddressOf(t, inner));
          return t;
        }
        case IASTUnaryExpression.op_star: {
          String p = cellOf(ue.getOperand());
          if (p == null) {
            return null;
          }
          if (isFunctionPointer(ue.getOperand().getExpressionType())) {
            return p; // (*fp)(…) calls what fp points to
          }
          String t = temp(ue);
          constraints.add(new Constraint.Load(t, p));
          return t;
        }
        case IASTUnaryExpression.op_prefixIncr,
            IASTUnaryExpression.op_prefixDecr,
            IASTUnaryExpression.op_postFixIncr,
            IASTUnaryExpression.op_postFixDecr:
          return cellOf(ue.getOperand());
        default:
          cellOf(ue.getOperand());
          return null;
      }
    }

    private String call(IASTFunctionCallExpression call) {
      IASTExpression nameExpr = stripParens(call.getFunctionNameExpression());
      String callee = null;
      String calleeCell = null;
      if (nameExpr instanceof IASTIdExpression id) {
        IBinding b = id.getName().resolveBinding();
        if (b instanceof IFunction f) {
          callee = functionId(f);
          functions.computeIfAbsent(callee, k -> declaredOnly(f, id));
        } else if (b instanceof IProblemBinding || b == null) {
          // An implicitly declared function (C89): a direct call by name.
          callee = new String(id.getName().toCharArray());
          String name = callee;
          functions.computeIfAbsent(
              callee,
              k -> new Function(name, name, SourceLocation.NONE, false, false, 0, FrameSource.NONE, false, 0, List.of()));
        }
      }
      if (callee == null) {
        calleeCell = cellOf(call.getFunctionNameExpression());
        if (calleeCell == null) {
          calleeCell = temp(call); // an expression we cannot follow: an unresolved indirect call
        }
      }
      IASTInitializerClause[] argClauses = call.getArguments();
      boolean bound = callee != null && interfaceNames.contains(nameOf(nameExpr));
      List<Argument> args = new ArrayList<>(argClauses.length);
      for (int i = 0; i < argClauses.length; i++) {
        if (argClauses[i] instanceof IASTExpression ae) {
          String c = cellOf(ae);
          Long constant = null;
          String text = null;
          if (bound) {
            // Texts and constant values matter only where the call binds to the interface.
            text = ae.getRawSignature();
            IType at = unwrap(ae.getExpressionType());
            if (at instanceof IBasicType || at instanceof IEnumeration) {
              OptionalLong v = sizes.evaluate(ae);
              constant = v.isPresent() ? v.getAsLong() : null;
            }
          }
          IASTFileLocation al = bound && !fromMacro(ae) ? ae.getFileLocation() : null;
          args.add(al == null ? new Argument(c, text, constant)
              : new Argument(c, text, constant, al.getNodeOffset(), al.getNodeLength()));
          if (callee != null && c != null) {
            constraints.add(new Constraint.Copy(Constraint.param(callee, i), c));
          }
        } else {
          args.add(new Argument(null, bound ? argClauses[i].getRawSignature() : null, null));
        }
      }
      if (frame != null) {
        frame.call(argClauses.length);
        if ("alloca".equals(callee) || "__builtin_alloca".equals(callee)) {
          frame.dynamic = true;
        }
      }
      String result = temp(call);
      if (callee != null) {
        constraints.add(new Constraint.Copy(result, Constraint.ret(callee)));
      }
      IASTFileLocation fl = call.getFileLocation();
      CallSiteBuilder cb =
          new CallSiteBuilder(
              fn == null ? "<file-scope>" : fn,
              locationOf(call),
              callee,
              calleeCell,
              callee != null ? nameOf(nameExpr) : oneLine(call.getFunctionNameExpression().getRawSignature()),
              args,
              result,
              fromMacro(call.getFunctionNameExpression()) || fromMacro(call),
              fn == null ? -1 : events++,
              fl == null ? -1 : fl.getNodeOffset(),
              fl == null ? 0 : fl.getNodeLength());
      calls.add(cb);
      callOf.put(call, cb);
      return result;
    }

    /** Numbers a field store done by {@code at}; -1 at file scope, where there is no flow. */
    private int store(IASTNode at) {
      if (fn == null) {
        return -1;
      }
      int ordinal = events++;
      storesAt.computeIfAbsent(at, k -> new ArrayList<>(1)).add(ordinal);
      return ordinal;
    }

    /** The events of one node: the call it is, or the field stores it performs. */
    List<Integer> eventsAt(IASTNode node) {
      if (node instanceof IASTFunctionCallExpression call) {
        CallSiteBuilder cb = callOf.get(call);
        List<Integer> stores = storesAt.get(node);
        if (cb == null) {
          return stores;
        }
        if (stores == null) {
          return List.of(cb.ordinal);
        }
        List<Integer> both = new ArrayList<>(stores);
        both.add(cb.ordinal);
        return both;
      }
      return storesAt.get(node);
    }

    private Function declaredOnly(IFunction f, IASTNode at) {
      // Declared-only functions have no location in the model (SPEC §10: file null).
      return new Function(
          functionId(f), f.getName(), SourceLocation.NONE, isStatic(f), false, 0, FrameSource.NONE, false, 0, List.of());
    }
  }

  /** Source text on one line and at most 80 characters, for messages. */
  static String oneLine(String text) {
    String s = text.replaceAll("\\s+", " ").trim();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  private static String nameOf(IASTExpression nameExpr) {
    return nameExpr instanceof IASTIdExpression id ? new String(id.getName().getSimpleID()) : "";
  }

  static IASTExpression stripParens(IASTExpression e) {
    IASTExpression cur = e;
    while (cur instanceof IASTUnaryExpression ue
        && ue.getOperator() == IASTUnaryExpression.op_bracketedPrimary) {
      cur = ue.getOperand();
    }
    return cur;
  }

  static IASTExpression stripCasts(IASTExpression e) {
    IASTExpression cur = e;
    while (true) {
      if (cur instanceof IASTUnaryExpression ue
          && ue.getOperator() == IASTUnaryExpression.op_bracketedPrimary) {
        cur = ue.getOperand();
      } else if (cur instanceof IASTCastExpression ce) {
        cur = ce.getOperand();
      } else {
        return cur;
      }
    }
  }

}
